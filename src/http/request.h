#ifndef BH_HTTP_REQUEST_H
#define BH_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/i18n.h"
#include "db/db.h"
#include "principal/principal.h"

/* What an api/ handler sees of a request and how it answers. Everything allocated for the
 * request comes from `arena` and is released in one go when the request completes. */

#define HTTP_MAX_PARAMS        4
#define HTTP_MAX_REPLY_HEADERS 8

/* The session cookie's name. */
#define HTTP_SESSION_COOKIE "bh_session"

/* What the server tells every request about itself (http/server.c fills it once). */
struct http_site {
    const char *db_path;        /* the store; each worker thread opens its own connection */
    const char *map_tile_url;   /* "" when none is configured */
    struct http_guard *guard;   /* ROUTE_EXPENSIVE requests' rate and slots (http/guard.h) */
    int request_budget_ms;      /* a handler's store time; 0: unbounded (db_set_deadline) */
    int export_max_rows;        /* rows one map file may hold; 0: no limit (export_max_rows) */
    struct http_pushes *pushes; /* the server's held replies (http/push.h) */
};

/* How the request was authenticated. */
enum http_auth { HTTP_AUTH_NONE, HTTP_AUTH_COOKIE, HTTP_AUTH_TOKEN };

struct http_admission;

struct http_request {
    const char *method;
    const char *path;
    const char *body; /* NUL-terminated; "" when there is none */
    size_t body_len;
    struct arena *arena;
    /* Values of the {name} segments of the matched route pattern, in order. */
    const char *params[HTTP_MAX_PARAMS];
    size_t nparams;
    void *conn; /* libmicrohttpd's connection, read only by http/request.c's accessors */
    const struct http_site *site;
    /* Who is asking, set by the dispatcher before the handler runs: anonymous on public
     * routes without credentials. */
    struct principal who;
    enum http_auth auth;
    const char *client_addr; /* numeric address of the peer */
    int secure;              /* the client reached us over TLS (X-Forwarded-Proto: https) */
    /* This worker thread's store connection, opened by the dispatcher before the handler
     * runs (a store that cannot be opened is the dispatcher's 503, never the handler's), so
     * a handler only uses it. A reply that streams reads through a connection of its own
     * (http_request_db_own). */
    struct db *db;
    /* What admission decided (http/dispatch.h), set by http_dispatch_admit(): a handler that
     * takes a running slot itself (http_dispatch_take_slot) records it there. */
    struct http_admission *admission;
    /* The language of the reply's words (base/i18n.h): the best of Accept-Language, else the
     * signed-in user's setting, else English. The server sets each worker thread's language
     * to it whenever it works on this request. */
    enum lang lang;
    bool lang_from_header; /* Accept-Language named one of ours */
};

struct http_header {
    const char *name;
    const char *value;
};

/* Produces the next piece of a streamed body (http_reply_stream): appends bytes to `out` and
 * returns 0 while more follow, HTTP_STREAM_END after the last piece (which may append bytes
 * too), or a negative BH_E* code when the stream failed; the connection is then cut, so the
 * client sees a broken transfer and never a short file that looks whole. It runs on the
 * worker thread after the handler returned, interleaved with other requests: it must not use
 * the request (its arena, its thread's store connection), only its own context. */
#define HTTP_STREAM_END 1
/* Appended nothing and set the connection aside (http/push.h): a held reply, resumed later. */
#define HTTP_STREAM_SUSPENDED 2
typedef int (*http_stream_fn)(void *ctx, struct buf *out);

struct http_reply {
    int status;
    const char *content_type;
    /* The body. When `body_free` is set the reply owns it and frees it with that function
     * once it is sent (or dropped); when NULL the bytes outlive the request by themselves
     * (static, or the request's arena). Set it through http_reply_body(). */
    char *body;
    size_t body_len;
    void (*body_free)(void *);
    /* A streamed body instead (http_reply_stream): the producer, its context and what frees
     * the context when the stream ends, however it ends. */
    http_stream_fn stream;
    void *stream_ctx;
    void (*stream_free)(void *);
    struct http_header headers[HTTP_MAX_REPLY_HEADERS]; /* extra headers, arena strings */
    size_t nheaders;
    /* A top-level field of the JSON body that holds a secret shown once (a new API token).
     * Stored idempotent replies have it set to null: secrets are never kept in the clear. */
    const char *secret_field;
};

/* The request's side of libmicrohttpd: every accessor of the connection is here
 * (http/request.c), so the dispatcher, the handlers and the server read a request one way. */

/* A request header (case-insensitive name) or NULL. */
const char *http_request_header(struct http_request *req, const char *name);

/* A query-string argument or NULL. */
const char *http_request_query(struct http_request *req, const char *name);

/* Calls fn(ctx, key, key_len, value, value_len) for every query argument, in order, until
 * it returns non-zero; lengths count every byte, so a %00 inside an argument is seen. `value`
 * is NULL for an argument without '='. */
void http_request_query_each(struct http_request *req,
                             int (*fn)(void *ctx, const char *key, size_t key_len,
                                       const char *value, size_t value_len),
                             void *ctx);

/* The peer's numeric address (from the request's arena), for throttling and logs. */
const char *http_request_peer(struct http_request *req);

/* The value of cookie `name` from the Cookie header (http_cookie_find), copied into the
 * request's arena, or NULL when there is none. */
const char *http_request_cookie(struct http_request *req, const char *name);

/* Finds cookie `name` in a Cookie header's value (RFC 6265 §4.2: pairs separated by ";"
 * and spaces, the first of a repeated name wins, a value in double quotes is unquoted).
 * Returns a pointer into `header` and its length in *len, or NULL. Pure: no request, no
 * allocation (a fuzz target holds it to that). */
const char *http_cookie_find(const char *header, const char *name, size_t *len);

/* An If-Match header holding a record's revision, as "3" or 3: *rev gets it. Anything else
 * (an ETag of a page, a list, a weak tag, *) is BH_EINVALID naming "If-Match". Pure. */
int http_if_match_revision(const char *header, int64_t *rev, struct bh_error *err);

/* This worker thread's store connection, opened on first use and kept for the life of the
 * thread (one connection per thread; statements stay prepared between requests). The
 * dispatcher calls it and hands the result to the handler as req->db; handlers do not. */
int http_request_db(struct http_request *req, struct db **out, struct bh_error *err);

/* A new read-only connection to the store for a reply that streams (http_reply_stream):
 * the stream's rows are read after the handler returned, interleaved with other requests on
 * this thread's own connection, so the stream needs one of its own, which also keeps one
 * consistent snapshot for the whole file. The caller closes it (the stream's free). */
int http_request_db_own(struct http_request *req, struct db **out, struct bh_error *err);

/* The version of the HTTP library (libmicrohttpd), for /api/v1/version. */
const char *http_library_version(void);

/* The configured map tile URL template (setting map_tile_url), or NULL when none is set. */
const char *http_request_map_tile_url(const struct http_request *req);

/* Sets the body: `len` bytes of `content_type`. With `body_free` the reply takes `body` and
 * frees it with that function after sending it (a jansson or buf string is handed over, not
 * copied); with NULL it borrows `body`, which must outlive the request (static bytes or the
 * request's arena). A body set before is released. */
void http_reply_body(struct http_reply *rep, int status, const char *content_type, char *body,
                     size_t len, void (*body_free)(void *));

/* Hands the bytes of `b` to the reply as its body (no copy); `b` is left empty. */
void http_reply_buf(struct http_reply *rep, int status, const char *content_type, struct buf *b);

/* A 200 whose body `producer` writes piece by piece while it is sent (chunked transfer
 * coding, no Content-Length, no ETag), so a file of any size is served in constant memory.
 * The reply takes `ctx`: `free_ctx` releases it when the stream ends, fails, is cut by the
 * client, or is never started. Check everything that can refuse the request (access, filters)
 * before: once the first byte is out, a failure can only cut the connection. */
void http_reply_stream(struct http_reply *rep, const char *content_type, http_stream_fn producer,
                       void *ctx, void (*free_ctx)(void *));

/* Releases what the reply owns (a body handed over, a stream's context) when it is not sent
 * after all; the server calls it when the request ends. */
void http_reply_cleanup(struct http_reply *rep);

/* Sets a JSON body; steals `json`. Reals are printed with 15 significant digits so a
 * coordinate survives a round trip. */
void http_reply_json(struct http_request *req, struct http_reply *rep, int status, json_t *json);

/* An RFC 9457 problem (application/problem+json) for the error code `rc` (a BH_E* code: its
 * row of the error table gives the status, the title and the "code"), with `detail` for a
 * person and, when the problem is one field, its name in "field". */
void http_reply_problem(struct http_request *req, struct http_reply *rep, int rc,
                        const char *detail, const char *field);

/* Adds a header to the reply (Set-Cookie, Location, Retry-After); copies into the arena. */
void http_reply_header(struct http_request *req, struct http_reply *rep, const char *name,
                       const char *value);

/* An empty reply with `status` (204 No Content). */
void http_reply_empty(struct http_reply *rep, int status);

/* The problem for an error code and its struct: status from the error table. */
void http_reply_error(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err);

#endif
