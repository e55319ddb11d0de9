#include "http/page.h"

#include "base/log.h"
#include "db/secret.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_PREFIX "v2:"
#define CURSOR_MAC    16 /* bytes of keyed BLAKE2b appended to the position */
#define CURSOR_KEY    PAGE_CURSOR_KEY

/* A cursor is the position after the last item of a page (an id, a code, a row number),
 * followed by a MAC under the store's cursor key (db_secret "cursor"). A client can neither
 * forge a position it was not given nor walk internal row numbers; every server process on
 * the store, and the same one after a restart, accepts what another issued. */
static int cursor_key(struct http_request *req, unsigned char key[CURSOR_KEY], struct bh_error *err)
{
    struct db *db;
    int rc = http_request_db(req, &db, err);
    return rc ? rc : db_secret(db, "cursor", key, CURSOR_KEY, err);
}

static void cursor_mac(const unsigned char key[CURSOR_KEY], const char *pos, size_t len,
                       unsigned char mac[CURSOR_MAC])
{
    crypto_generichash(mac, CURSOR_MAC, (const unsigned char *)pos, len, key, CURSOR_KEY);
}

int page_cursor_decode(const unsigned char key[PAGE_CURSOR_KEY], const char *text,
                       char out[PAGE_KEY_MAX], struct bh_error *err)
{
    out[0] = '\0';
    const size_t plen = strlen(CURSOR_PREFIX);
    unsigned char raw[PAGE_KEY_MAX + 32];
    size_t len = 0;
    if (sodium_base642bin(raw, sizeof raw, text, strlen(text), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < plen + CURSOR_MAC || memcmp(raw, CURSOR_PREFIX, plen) != 0)
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor '%.40s' is not one this server issued; start again without it",
                       text);
    const char *pos = (const char *)raw + plen;
    size_t pos_len = len - plen - CURSOR_MAC;
    unsigned char mac[CURSOR_MAC];
    cursor_mac(key, pos, pos_len, mac);
    if (sodium_memcmp(mac, raw + plen + pos_len, CURSOR_MAC) != 0 || memchr(pos, '\0', pos_len) ||
        pos_len >= PAGE_KEY_MAX)
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor '%.40s' was changed or is damaged; start again without it", text);
    memcpy(out, pos, pos_len);
    out[pos_len] = '\0';
    return 0;
}

size_t page_cursor_encode(const unsigned char key[PAGE_CURSOR_KEY], const char *pos, char *out,
                          size_t cap)
{
    unsigned char raw[PAGE_KEY_MAX + 32];
    size_t plen = strlen(CURSOR_PREFIX), klen = strnlen(pos, PAGE_KEY_MAX - 1);
    memcpy(raw, CURSOR_PREFIX, plen);
    memcpy(raw + plen, pos, klen);
    cursor_mac(key, pos, klen, raw + plen + klen);
    size_t n = plen + klen + CURSOR_MAC;
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (cap >= need)
        sodium_bin2base64(out, cap, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return need;
}

int page_from_request(struct http_request *req, struct page *out, struct bh_error *err)
{
    out->limit = PAGE_DEFAULT_LIMIT;
    out->after[0] = '\0';
    const char *limit = http_request_query(req, "limit");
    if (limit) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || n > PAGE_MAX_LIMIT)
            return bh_fail(err, BH_EINVALID, "limit", "limit '%.40s' must be a number from 1 to %d",
                           limit, PAGE_MAX_LIMIT);
        out->limit = (int)n;
    }
    const char *cursor = http_request_query(req, "cursor");
    if (!cursor || !*cursor)
        return 0;
    unsigned char key[CURSOR_KEY];
    int rc = cursor_key(req, key, err);
    if (!rc)
        rc = page_cursor_decode(key, cursor, out->after, err);
    sodium_memzero(key, sizeof key);
    return rc;
}

const char *page_cursor(struct http_request *req, const char *key)
{
    unsigned char k[CURSOR_KEY];
    struct bh_error err;
    if (cursor_key(req, k, &err) != 0) {
        log_error("page cursor: %s", err.message);
        return NULL;
    }
    size_t cap = page_cursor_encode(k, key, NULL, 0);
    char *out = arena_alloc(req->arena, cap);
    page_cursor_encode(k, key, out, cap);
    sodium_memzero(k, sizeof k);
    return out;
}

void page_reply(struct http_request *req, struct http_reply *rep, json_t *items,
                const char *next_key, long long total, bool exact)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "items", items);
    /* A cursor that cannot be made (the store failed, and said so in the log) ends the
     * listing here rather than failing a page that was read. */
    const char *next = next_key ? page_cursor(req, next_key) : NULL;
    json_object_set_new(obj, "next", next ? json_string(next) : json_null());
    if (total >= 0) {
        json_object_set_new(obj, "total", json_integer(total));
        json_object_set_new(obj, "total_exact", json_boolean(exact));
    }
    http_reply_json(req, rep, 200, obj);
}

void page_reply_text(struct http_request *req, struct http_reply *rep, struct buf *items,
                     const char *next_key, long long total, bool exact)
{
    const char *next = next_key ? page_cursor(req, next_key) : NULL;
    struct buf b = BUF_INIT;
    buf_reserve(&b, items->len + 128);
    buf_puts(&b, "{\"items\":[");
    buf_append(&b, buf_str(items), items->len);
    buf_puts(&b, "],\"next\":");
    if (next) {
        buf_putc(&b, '"');
        buf_put_json_escaped(&b, next);
        buf_putc(&b, '"');
    } else {
        buf_puts(&b, "null");
    }
    if (total >= 0)
        buf_printf(&b, ",\"total\":%lld,\"total_exact\":%s", total, exact ? "true" : "false");
    buf_putc(&b, '}');
    buf_cleanup(items);
    size_t len = b.len;
    http_reply_body(rep, 200, "application/json", buf_steal(&b), len, free);
}
