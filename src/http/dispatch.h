#ifndef BH_HTTP_DISPATCH_H
#define BH_HTTP_DISPATCH_H

#include "http/request.h"
#include "http/routes.h"

/* Runs one matched route: everything every handler would otherwise repeat, in one place and
 * in this order: authentication (session cookie or Bearer token), the route's permission,
 * CSRF for cookie-authenticated writes, the JSON content type, Idempotency-Key replay, the
 * handler, and ETag / If-None-Match on successful GETs. */
void http_dispatch(struct http_request *req, const struct route *route, struct http_reply *rep);

/* The session cookie's name. */
#define HTTP_SESSION_COOKIE "bh_session"

#endif
