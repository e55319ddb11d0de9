#ifndef BH_HTTP_DISPATCH_H
#define BH_HTTP_DISPATCH_H

#include "http/request.h"
#include "http/routes.h"

/* Proof that a request passed http_dispatch_admit(): http_dispatch() runs nothing without
 * it, so a route can never be reached with its checks skipped. The principal itself is in
 * the request (req->who, req->auth). */
struct http_admission {
    int admitted;
    int holds_slot; /* took one of the guard's running slots: http_dispatch_release gives it back */
};

/* Every check a request passes from its headers alone, run before any byte of its body is
 * read so that nobody the route would refuse can make the server buffer an upload first, in
 * this order: authentication (session cookie or Bearer token), the route's permission, CSRF
 * for cookie-authenticated writes, the JSON content type. Runs once per request, on the
 * worker thread that will also dispatch it. Returns 0 to go on (and marks `adm`), or -1
 * when the refusal (401, 403, 415, or the store's failure) was written to `rep`. */
int http_dispatch_admit(struct http_request *req, const struct route *route, struct http_reply *rep,
                        struct http_admission *adm);

/* Takes a running slot for a ROUTE_SLOT_ON_MISS route that must compute its answer: 0 to go
 * on (the slot is given back with the rest by http_dispatch_release), -1 when all are taken
 * and the 503 with Retry-After was written to `rep`. */
int http_dispatch_take_slot(struct http_request *req, struct http_reply *rep);

/* Gives back what admission took (the expensive route's running slot) once the request is
 * complete, its streamed body included. Safe to call for any admission, once. */
void http_dispatch_release(struct http_request *req, struct http_admission *adm);

/* Runs one admitted route once its body is in: Idempotency-Key replay, the handler, and
 * ETag / If-None-Match on successful GETs. It never authenticates again. */
void http_dispatch(struct http_request *req, const struct route *route,
                   const struct http_admission *adm, struct http_reply *rep);

#endif
