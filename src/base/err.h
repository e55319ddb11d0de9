#ifndef BH_BASE_ERR_H
#define BH_BASE_ERR_H

#include "base/i18n.h"

/* One table of error codes. Functions return 0 or one of these negative codes; the text a
 * person must read (which field, which line, which file) travels in a struct bh_error that
 * the caller passes in, the way jansson's json_error_t does. Never in a global. */

/* One row per code: name, value, HTTP status, the status's title (RFC 9110's reason phrase,
 * the "title" of a problem reply) and the short text for a person. Every problem reply the
 * server sends is built from one row, so its status, title and code always agree. Title and
 * text are English, marked for translation (base/i18n.h): a problem reply and the CLI show
 * them in the reader's language. */
#define BH_ERRORS(X)                                                                               \
    X(OK, 0, 200, N_("OK"), N_("ok"))                                                              \
    X(NOMEM, -1, 500, N_("Internal Server Error"), N_("out of memory"))                            \
    X(INVALID, -2, 400, N_("Bad Request"), N_("invalid input"))                                    \
    X(NOTFOUND, -3, 404, N_("Not Found"), N_("not found"))                                         \
    X(CONFLICT, -4, 409, N_("Conflict"), N_("conflict with the stored state"))                     \
    X(DENIED, -5, 403, N_("Forbidden"), N_("not allowed"))                                         \
    X(STORE, -6, 500, N_("Internal Server Error"), N_("store failure"))                            \
    X(IO, -7, 500, N_("Internal Server Error"), N_("input/output error"))                          \
    X(TOOLARGE, -8, 413, N_("Content Too Large"), N_("content too large"))                         \
    X(METHOD, -9, 405, N_("Method Not Allowed"), N_("method not allowed"))                         \
    X(UNAUTH, -10, 401, N_("Unauthorized"), N_("authentication required"))                         \
    X(BUSY, -11, 503, N_("Service Unavailable"), N_("busy, try again"))                            \
    X(VERSION, -12, 500, N_("Internal Server Error"), N_("store version not supported"))           \
    X(UNSUPPORTED, -13, 415, N_("Unsupported Media Type"), N_("unsupported media type"))           \
    X(INTERNAL, -14, 500, N_("Internal Server Error"), N_("internal error"))                       \
    X(THROTTLED, -15, 429, N_("Too Many Requests"), N_("too many attempts, wait before retrying")) \
    X(PRECONDITION, -16, 412, N_("Precondition Failed"),                                           \
      N_("a precondition of the request failed"))                                                  \
    X(UNPROCESSABLE, -17, 422, N_("Unprocessable Content"), N_("the request cannot be processed")) \
    X(UNAVAILABLE, -18, 503, N_("Service Unavailable"), N_("service unavailable"))

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

/* The short text of a code in the calling thread's language (base/i18n.h); "unknown error"
 * for a code not in the table. */
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
