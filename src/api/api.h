#ifndef BH_API_API_H
#define BH_API_API_H

#include "http/request.h"

/* The API handlers, one file per capability. A handler parses the request, calls one
 * function of its module and writes the reply; it holds no SQL. */

/* health.c */
void api_health(struct http_request *req, struct http_reply *rep);
void api_version(struct http_request *req, struct http_reply *rep);

#endif
