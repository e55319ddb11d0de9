#ifndef BH_HTTP_REQUEST_H
#define BH_HTTP_REQUEST_H

#include <stddef.h>

#include <jansson.h>

#include "account/role.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

/* What an api/ handler sees of a request and how it answers. Everything allocated for the
 * request comes from `arena` and is released in one go when the request completes. */

#define HTTP_MAX_PARAMS        4
#define HTTP_MAX_REPLY_HEADERS 8

/* How the request was authenticated. */
enum http_auth { HTTP_AUTH_NONE, HTTP_AUTH_COOKIE, HTTP_AUTH_TOKEN };

struct http_request {
    const char *method;
    const char *path;
    const char *body; /* NUL-terminated; "" when there is none */
    size_t body_len;
    struct arena *arena;
    /* Values of the {name} segments of the matched route pattern, in order. */
    const char *params[HTTP_MAX_PARAMS];
    size_t nparams;
    void *conn; /* the server's connection handle, for headers; opaque to handlers */
    void *server;
    /* Who is asking, set by the dispatcher before the handler runs: anonymous on public
     * routes without credentials. */
    struct principal who;
    enum http_auth auth;
    const char *client_addr; /* numeric address of the peer */
    int secure;              /* the client reached us over TLS (X-Forwarded-Proto: https) */
};

struct http_header {
    const char *name;
    const char *value;
};

struct http_reply {
    int status;
    const char *content_type;
    char *body; /* from the request arena */
    size_t body_len;
    struct http_header headers[HTTP_MAX_REPLY_HEADERS]; /* extra headers, arena strings */
    size_t nheaders;
    /* A top-level field of the JSON body that holds a secret shown once (a new API token).
     * Stored idempotent replies have it set to null: secrets are never kept in the clear. */
    const char *secret_field;
};

/* A request header (case-insensitive name) or NULL. */
const char *http_request_header(struct http_request *req, const char *name);

/* A query-string argument or NULL. */
const char *http_request_query(struct http_request *req, const char *name);

/* This worker thread's store connection, opened on first use and kept for the life of the
 * thread (one connection per thread; statements stay prepared between requests). */
int http_request_db(struct http_request *req, struct db **out, struct bh_error *err);

/* The configured map tile URL template (setting map_tile_url), or NULL when none is set. */
const char *http_request_map_tile_url(const struct http_request *req);

/* Sets a JSON body; steals `json`. Reals are printed with 15 significant digits so a
 * coordinate survives a round trip. */
void http_reply_json(struct http_request *req, struct http_reply *rep, int status, json_t *json);

/* An RFC 9457 problem (application/problem+json) with `detail` for a person and, when the
 * problem is one field, its name in "field". */
void http_reply_problem(struct http_request *req, struct http_reply *rep, int status,
                        const char *code, const char *detail, const char *field);

/* Adds a header to the reply (Set-Cookie, Location, Retry-After); copies into the arena. */
void http_reply_header(struct http_request *req, struct http_reply *rep, const char *name,
                       const char *value);

/* An empty reply with `status` (204 No Content). */
void http_reply_empty(struct http_reply *rep, int status);

/* The problem for an error code and its struct: status from the error table. */
void http_reply_error(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err);

#endif
