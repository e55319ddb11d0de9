#ifndef BH_HTTP_PAGE_H
#define BH_HTTP_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "http/request.h"

/* Cursor pagination for every list: `?limit=N&cursor=C`, replies
 * {"items":[...],"next":"C2" or null,"total":N}. A cursor is opaque to clients: the position
 * after the last item of the previous page (an id or a code) and a MAC under the store's
 * cursor key, base64url-encoded with a version prefix so a future format can tell old cursors
 * apart and refuse them clearly. A changed or forged cursor is refused (400, "cursor"). */

#define PAGE_DEFAULT_LIMIT 50
#define PAGE_MAX_LIMIT     500
#define PAGE_KEY_MAX       128

struct page {
    int limit;                /* 1..PAGE_MAX_LIMIT */
    char after[PAGE_KEY_MAX]; /* decoded cursor; "" for the first page */
};

/* The size of the store's cursor key (db_secret "cursor"). */
#define PAGE_CURSOR_KEY 32

/* Decodes cursor `text` under `key` into the position it was made for (`out`, NUL-ended).
 * Text that is not a cursor of this format, and one whose MAC does not verify (changed,
 * forged, or made under another key), is BH_EINVALID naming "cursor". Pure: no request, no
 * store, no allocation (a fuzz target holds it to that). */
int page_cursor_decode(const unsigned char key[PAGE_CURSOR_KEY], const char *text,
                       char out[PAGE_KEY_MAX], struct bh_error *err);

/* Encodes position `pos` (at most PAGE_KEY_MAX - 1 bytes are used) under `key` into `out`
 * when `cap` is enough; returns the bytes needed, NUL included. */
size_t page_cursor_encode(const unsigned char key[PAGE_CURSOR_KEY], const char *pos, char *out,
                          size_t cap);

/* Reads `limit` and `cursor` from the query string. Bad values, and a cursor whose MAC does
 * not verify, give BH_EINVALID naming "limit" or "cursor"; a store failure its own code. */
int page_from_request(struct http_request *req, struct page *out, struct bh_error *err);

/* The cursor text for position `key` (from the request arena); NULL, logged, when the store
 * cannot give the cursor key. */
const char *page_cursor(struct http_request *req, const char *key);

/* Replies 200 {"items": items, "next": cursor-or-null, "total": total, "total_exact": bool}
 * (the two totals omitted when total < 0). `exact` false says `total` is a lower bound: the
 * lists of the map layers stop counting past a bound rather than count a million rows per
 * request (spatial/total.c). Steals `items`. `next_key` NULL means this is the last page. */
void page_reply(struct http_request *req, struct http_reply *rep, json_t *items,
                const char *next_key, long long total, bool exact);

/* The same reply with the items already written as JSON text (the inside of the array, as
 * spatial_list_text() writes it), which it takes: the bytes page_reply() would send. */
void page_reply_text(struct http_request *req, struct http_reply *rep, struct buf *items,
                     const char *next_key, long long total, bool exact);

#endif
