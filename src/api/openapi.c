/* The OpenAPI 3.1 document, docs/openapi.json, compiled into the binary by
 * cmake/embed_file.cmake so the server is one file. tests/api/test_openapi.c fails when a row
 * of the route table is missing from it. */
#include "api/api.h"
#include "http/routes.h"

#include <stddef.h>

/* Generated at build time (build/generated/openapi_embedded.c). */
extern const char openapi_json[];
extern const size_t openapi_json_len;

static void api_openapi(struct http_request *req, struct http_reply *rep)
{
    (void)req;
    rep->status = 200;
    rep->content_type = "application/json";
    /* Served as stored: the bytes are static and never written through this pointer. */
    rep->body = (char *)openapi_json;
    rep->body_len = openapi_json_len;
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_openapi_routes[] = {
    { "GET", "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC, PERM_NONE, 0,
      "This API described as OpenAPI 3.1" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
