/* GET /api/v1/taxonomy: the threat taxonomy, its crosswalks and vocabularies, public because
 * the report form and outside tools need the codes before anyone signs in, and they hold
 * nothing about any record. */
#include "api/api.h"
#include "http/routes.h"

#include "taxonomy/taxonomy.h"

static void api_taxonomy(struct http_request *req, struct http_reply *rep)
{
    /* The content changes only with the binary, so a client may reuse it for an hour without
     * asking; after that the dispatcher's ETag turns a re-fetch into a 304. */
    http_reply_header(req, rep, "Cache-Control", "public, max-age=3600");
    http_reply_json(req, rep, 200, taxonomy_json());
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_taxonomy_routes[] = {
    { "GET", "/api/v1/taxonomy", api_taxonomy, ROUTE_PUBLIC, PERM_NONE, 0,
      "Threat types with their crosswalks, targets, activities, known groups, precisions" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
