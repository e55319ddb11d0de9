/* Commitments over HTTP (docs/actions.md): recorded by members' representatives
 * (commitment.write), read by whoever the sharing model lets see them; a commitment someone
 * may not see is a 404 for them. Its actions are listed and created here too
 * (/commitments/{id}/actions); each action has its own routes in actions.c. */
#include "api/api.h"
#include "http/routes.h"

#include "action/action.h"
#include "api/common.h"
#include "commitment/commitment.h"
#include "http/request.h"

static void api_commitment_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    struct commitment_filter f = {
        .source = http_request_query(req, "source"),
        .a4p_area = http_request_query(req, "a4p_area"),
        .ap2017_area = http_request_query(req, "ap2017_area"),
        .decision = http_request_query(req, "decision"),
    };
    if (!rc)
        rc = commitment_list(req->db, &req->who, &f, l.page.after, l.page.limit, l.items, &l.more,
                             &err);
    l.total = (int64_t)json_array_size(l.items);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_commitment_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *c = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = commitment_create(req->db, &req->who, body, NULL, &c, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, c, 201, "/api/v1/commitments");
}

static void api_commitment_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *c = NULL;
    int rc = commitment_get(req->db, &req->who, api_path_param(req, 0), &c, &err);
    api_reply_record(req, rep, rc, &err, c, 200, NULL);
}

static void api_commitment_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *c = NULL;
    int64_t rev = 0;
    int rc = api_if_match(req, &rev, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = commitment_update(req->db, &req->who, api_path_param(req, 0), body, rev, &c, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    api_reply_record(req, rep, rc, &err, c, 200, NULL);
}

static void api_commitment_actions(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = action_list_of_commitment(req->db, &req->who, api_path_param(req, 0), items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    json_t *o = json_pack("{s:o}", "items", items);
    http_reply_json(req, rep, 200, o);
}

static void api_commitment_action_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *a = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = action_create(req->db, &req->who, api_path_param(req, 0), body, &a, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, a, 201, "/api/v1/actions");
}

const struct route api_commitments_routes[] = {
    { "GET", "/api/v1/commitments", api_commitment_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Commitments the reader may see, newest first (?source, ?a4p_area, ?ap2017_area, "
      "?decision)" },
    { "POST", "/api/v1/commitments", api_commitment_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_commitment_write, 0, "Record a commitment of your organization" },
    { "GET", "/api/v1/commitments/{id}", api_commitment_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One commitment with the counts of its actions the reader may see" },
    { "PATCH", "/api/v1/commitments/{id}", api_commitment_update, ROUTE_JSON,
      &perm_commitment_write, 0, "Change a commitment of your organization (If-Match)" },
    { "GET", "/api/v1/commitments/{id}/actions", api_commitment_actions, ROUTE_PUBLIC, PERM_NONE, 0,
      "The actions of a commitment the reader may see" },
    { "POST", "/api/v1/commitments/{id}/actions", api_commitment_action_create,
      ROUTE_JSON | ROUTE_IDEMPOTENT, &perm_action_write, 0,
      "Set a mission-level action of a commitment" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
