#ifndef BH_BASE_ERR_H
#define BH_BASE_ERR_H

/* One table of error codes. Functions return 0 or one of these negative codes; the text a
 * person must read (which field, which line, which file) travels in a struct bh_error that
 * the caller passes in, the way jansson's json_error_t does. Never in a global. */

#define BH_ERRORS(X)                                       \
    X(OK, 0, 200, "ok")                                    \
    X(NOMEM, -1, 500, "out of memory")                     \
    X(INVALID, -2, 400, "invalid input")                   \
    X(NOTFOUND, -3, 404, "not found")                      \
    X(CONFLICT, -4, 409, "conflict with the stored state") \
    X(DENIED, -5, 403, "not allowed")                      \
    X(STORE, -6, 500, "store failure")                     \
    X(IO, -7, 500, "input/output error")                   \
    X(TOOLARGE, -8, 413, "content too large")              \
    X(METHOD, -9, 405, "method not allowed")               \
    X(UNAUTH, -10, 401, "authentication required")         \
    X(BUSY, -11, 503, "busy, try again")                   \
    X(VERSION, -12, 500, "store version not supported")    \
    X(UNSUPPORTED, -13, 415, "unsupported media type")     \
    X(INTERNAL, -14, 500, "internal error")                \
    X(THROTTLED, -15, 429, "too many attempts, wait before retrying")

enum bh_err {
#define BH_X(name, code, http, text) BH_E##name = code,
    BH_ERRORS(BH_X)
#undef BH_X
};

/* What went wrong, for a person: the code, the offending field, key, file or line when
 * there is one, and a sentence. Fixed-size so filling it never allocates. */
struct bh_error {
    int code;
    char field[64];
    char message[320];
};

/* The short English text of a code; "unknown error" for a code not in the table. */
const char *bh_strerror(int rc);

/* The HTTP status a code maps to; 500 for a code not in the table. */
int bh_http_status(int rc);

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
