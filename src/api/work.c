/* The signed-in user's work list (incident/worklist.h): GET /api/v1/me/work for the "My
 * reports" page, the navigation's counts and the notice at sign-in; POST
 * /api/v1/me/work/seen when the user has looked, so that only later changes are news. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "incident/worklist.h"

#include <jansson.h>

/* GET /api/v1/me/work */
static void api_work_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *reply = NULL;
    int rc = incident_worklist(req->db, &req->who, &reply, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* POST /api/v1/me/work/seen */
static void api_work_seen(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    char at[40];
    int rc = incident_worklist_seen(req->db, &req->who, at, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, json_pack("{s:s}", "seen_at", at));
}

/* This capability's endpoints (collected in api/routes.c through api.h's registry).
 * docs/openapi.json describes the rows (api/openapi checks). */
const struct route api_work_routes[] = {
    { "GET", "/api/v1/me/work", api_work_get, 0, PERM_RECORD_READ, 0,
      "The signed-in user's work list: their reports by state, the endorsement queue's size, "
      "what changed since they last looked" },
    { "POST", "/api/v1/me/work/seen", api_work_seen, 0, PERM_RECORD_READ, 0,
      "Note that the signed-in user has looked at their work list" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
