#ifndef BH_BASE_ERR_H
#define BH_BASE_ERR_H

/* One table of error codes. Functions return 0 or one of these negative codes; the text a
 * person must read (which field, which line, which file) travels in a struct bh_error that
 * the caller passes in, the way jansson's json_error_t does. Never in a global. */

/* One row per code: name, value, HTTP status, the status's title (RFC 9110's reason phrase,
 * the "title" of a problem reply) and the short text for a person. Every problem reply the
 * server sends is built from one row, so its status, title and code always agree. */
#define BH_ERRORS(X)                                                                         \
    X(OK, 0, 200, "OK", "ok")                                                                \
    X(NOMEM, -1, 500, "Internal Server Error", "out of memory")                              \
    X(INVALID, -2, 400, "Bad Request", "invalid input")                                      \
    X(NOTFOUND, -3, 404, "Not Found", "not found")                                           \
    X(CONFLICT, -4, 409, "Conflict", "conflict with the stored state")                       \
    X(DENIED, -5, 403, "Forbidden", "not allowed")                                           \
    X(STORE, -6, 500, "Internal Server Error", "store failure")                              \
    X(IO, -7, 500, "Internal Server Error", "input/output error")                            \
    X(TOOLARGE, -8, 413, "Content Too Large", "content too large")                           \
    X(METHOD, -9, 405, "Method Not Allowed", "method not allowed")                           \
    X(UNAUTH, -10, 401, "Unauthorized", "authentication required")                           \
    X(BUSY, -11, 503, "Service Unavailable", "busy, try again")                              \
    X(VERSION, -12, 500, "Internal Server Error", "store version not supported")             \
    X(UNSUPPORTED, -13, 415, "Unsupported Media Type", "unsupported media type")             \
    X(INTERNAL, -14, 500, "Internal Server Error", "internal error")                         \
    X(THROTTLED, -15, 429, "Too Many Requests", "too many attempts, wait before retrying")   \
    X(PRECONDITION, -16, 412, "Precondition Failed", "a precondition of the request failed") \
    X(UNPROCESSABLE, -17, 422, "Unprocessable Content", "the request cannot be processed")   \
    X(UNAVAILABLE, -18, 503, "Service Unavailable", "service unavailable")

enum bh_err {
#define BH_X(name, code, http, title, text) BH_E##name = code,
    BH_ERRORS(BH_X)
#undef BH_X
};

/* What went wrong, for a person: the code, the offending field, key, file or line when
 * there is one, and a sentence. Fixed-size so filling it never allocates; large enough for a
 * sentence that names a file twice by its full path (a checkout may live deep in a tree). */
struct bh_error {
    int code;
    char field[64];
    char message[1024];
};

/* The short English text of a code; "unknown error" for a code not in the table. */
const char *bh_strerror(int rc);

/* The HTTP status a code maps to; 500 for a code not in the table. */
int bh_http_status(int rc);

/* The title of the HTTP status a code maps to ("Not Found"); "Internal Server Error" for a
 * code not in the table. */
const char *bh_http_title(int rc);

/* The symbolic name ("NOTFOUND") of a code, used in logs and problem types. */
const char *bh_errname(int rc);

/* Fills `err` (when not NULL) and returns `code`, so a failing path is one statement:
 * `return bh_fail(err, BH_EINVALID, "listen", "port %ld is out of range", port);`
 * `field` may be NULL. */
int bh_fail(struct bh_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resets `err` to "no error". */
void bh_error_clear(struct bh_error *err);

#endif
