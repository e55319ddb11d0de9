/* CASEVAC timelines over HTTP: a casualty's timeline with its 10-1-2 compliance, its
 * replacement, and the summary per mission and month (src/casevac/, docs/casevac.md). A
 * timeline is exactly as visible as its casualty record: 404 for whoever may not see the
 * record, never 403. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "casevac/casevac.h"

static const char *path_id(struct http_request *req)
{
    return req->nparams ? req->params[0] : "";
}

/* GET /api/v1/casualties/{id}/casevac: by the record's id or casualty_id. */
static void api_casevac_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = casevac_get(req->db, &req->who, path_id(req), &out, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, out);
}

/* PUT /api/v1/casualties/{id}/casevac: replaces the whole timeline. */
static void api_casevac_put(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *out = NULL;
    /* The timeline holds its notes inline (8 KB): the request's arena keeps that off the
     * stack. */
    struct casevac_timeline *t = arena_alloc(req->arena, sizeof *t);
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = casevac_timeline_from_json(body, t, &err);
    json_decref(body);
    if (!rc)
        rc = casevac_put(req->db, &req->who, path_id(req), t, &out, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, out);
}

/* GET /api/v1/stats/casevac?mission=A,B&from=YYYY-MM&to=YYYY-MM */
static void api_stats_casevac(struct http_request *req, struct http_reply *rep)
{
    static const char *const params[] = { "mission", "from", "to", NULL };
    struct bh_error err;
    struct casevac_summary_query q;
    json_t *out = NULL;
    int rc = 0;
    casevac_summary_init(&q);
    for (const char *const *p = params; !rc && *p; p++) {
        const char *v = http_request_query(req, *p);
        if (v)
            rc = casevac_summary_set(&q, *p, v, &err);
    }
    if (!rc)
        rc = casevac_summary(req->db, &req->who, &q, &out, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, out);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_casevac_routes[] = {
    { "GET", "/api/v1/casualties/{id}/casevac", api_casevac_get, 0, PERM_RECORD_READ, 0,
      "A casualty's CASEVAC timeline and its 10-1-2 compliance" },
    { "PUT", "/api/v1/casualties/{id}/casevac", api_casevac_put, ROUTE_JSON, PERM_RECORD_WRITE, 0,
      "Record or correct a casualty's CASEVAC timeline" },
    { "GET", "/api/v1/stats/casevac", api_stats_casevac, ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "10-1-2 compliance per mission and month" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
