#ifndef BH_HTTP_ROUTES_H
#define BH_HTTP_ROUTES_H

#include <stddef.h>

#include "http/request.h"

/* Route tables: every endpoint of the API is one row. The dispatcher checks method, path
 * and body size once, so no handler repeats those checks. */

typedef void (*http_handler)(struct http_request *req, struct http_reply *rep);

enum route_flags {
    ROUTE_PUBLIC = 1 << 0,     /* no authentication needed (credentials still honoured) */
    ROUTE_JSON = 1 << 1,       /* body must be application/json */
    ROUTE_IDEMPOTENT = 1 << 2, /* POST honouring Idempotency-Key: a retry replays the reply */
    ROUTE_NO_CSRF = 1 << 3,    /* cookie writes without a CSRF token (sign-in itself) */
    /* Reads many rows (statistics, files): rate-limited per address for anonymous readers,
     * and never run on every worker thread at once (http/guard.h). */
    ROUTE_EXPENSIVE = 1 << 4,
    /* With ROUTE_EXPENSIVE, for a route that often answers from memory (the public
     * statistics): the rate applies up front, but the handler takes a running slot itself,
     * with http_dispatch_take_slot(), only when it has to compute. A reply kept in memory
     * costs less than the slot's own bookkeeping and is never refused as "busy". */
    ROUTE_SLOT_ON_MISS = 1 << 5,
};

struct route {
    const char *method;  /* "GET", "POST", ...; GET routes also answer HEAD */
    const char *pattern; /* "/api/v1/orgs/{code}": {name} matches one segment */
    http_handler handler;
    unsigned flags;
    const struct permission *perm; /* checked after authentication; PERM_NONE (NULL): none */
    size_t max_body;               /* 0: the server-wide limit */
    const char *summary;           /* one line, for the API reference */
};

/* A route table is an array of rows ended by a row with a NULL method; the server searches a
 * NULL-terminated list of tables (the API's api_routes), so each capability declares its own
 * table next to its handlers and http/ names none of them. */

enum route_match {
    ROUTE_MATCHED,
    ROUTE_NO_PATH,   /* 404 */
    ROUTE_NO_METHOD, /* 405: the path exists with other methods */
};

/* Finds the route for `method` and `path` in `tables`; on a match fills req->params from the {name}
 * segments (copies in req->arena) and sets `*out`. On ROUTE_NO_METHOD, `allow` (when not
 * NULL, at least 64 bytes) receives the Allow header value. */
enum route_match route_find(const struct route *const *tables, const char *method, const char *path,
                            struct http_request *req, const struct route **out, char *allow,
                            size_t allow_len);

#endif
