/* Mission-level actions over HTTP (docs/actions.md): set by members' representatives
 * (action.write), their progress reported by the responsible or the owner organization
 * (action.update), read by whoever the sharing model lets see them. */
#include "api/api.h"
#include "http/routes.h"

#include "action/action.h"
#include "api/common.h"
#include "http/request.h"

#include <string.h>

static void api_action_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    const char *overdue = http_request_query(req, "overdue");
    struct action_filter f = {
        .mission = http_request_query(req, "mission"),
        .responsible_org = http_request_query(req, "responsible_org"),
        .status = http_request_query(req, "status"),
        .commitment = http_request_query(req, "commitment"),
        .overdue = overdue && strcmp(overdue, "true") == 0,
    };
    if (!rc && overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
        rc = bh_fail(&err, BH_EINVALID, "overdue", "overdue must be true or false");
    if (!rc)
        rc =
            action_list(req->db, &req->who, &f, l.page.after, l.page.limit, l.items, &l.more, &err);
    l.total = (int64_t)json_array_size(l.items);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_action_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *a = NULL;
    int rc = action_get(req->db, &req->who, api_path_param(req, 0), &a, &err);
    api_reply_record(req, rep, rc, &err, a, 200, NULL);
}

static void api_action_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *a = NULL;
    int64_t rev = 0;
    int rc = api_if_match(req, &rev, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = action_update(req->db, &req->who, api_path_param(req, 0), body, rev, &a, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    api_reply_record(req, rep, rc, &err, a, 200, NULL);
}

static void api_action_progress(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *u = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = action_add_update(req->db, &req->who, api_path_param(req, 0), body, &u, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, u, 201, NULL);
}

static void api_action_indicator(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *a = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = action_add_indicator(req->db, &req->who, api_path_param(req, 0), body, &a, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, a, 201, NULL);
}

const struct route api_actions_routes[] = {
    { "GET", "/api/v1/actions", api_action_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Actions the reader may see, newest first (?mission, ?responsible_org, ?status, "
      "?overdue=true, ?commitment)" },
    { "GET", "/api/v1/actions/{id}", api_action_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One action with its indicators and progress updates, newest first" },
    { "PATCH", "/api/v1/actions/{id}", api_action_update, ROUTE_JSON, &perm_action_write, 0,
      "Change an action your organization set (If-Match; not its status)" },
    { "POST", "/api/v1/actions/{id}/updates", api_action_progress, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_action_update, 0, "Report progress: a note, a new status, evidence, indicator values" },
    { "POST", "/api/v1/actions/{id}/indicators", api_action_indicator, ROUTE_JSON,
      &perm_action_write, 0, "Add an indicator to an action your organization set" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
