/* Meetings and the decisions taken at them over HTTP (docs/meetings.md): scheduled and
 * changed by the owning organization's meeting.write holders (co-chairs' coordinators) or an
 * admin; read by whoever the sharing model lets see them. A meeting or decision someone may
 * not see is a 404 for them. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "decision/decision.h"
#include "meeting/meeting.h"

static void api_meeting_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    l.total = -1;
    if (!rc)
        rc = meeting_list(req->db, &req->who, http_request_query(req, "from"),
                          http_request_query(req, "to"), http_request_query(req, "status"),
                          l.page.after, l.page.limit, l.items, &l.more, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_meeting_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = meeting_create(req->db, &req->who, body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 201, "/api/v1/meetings");
}

static void api_meeting_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = meeting_get(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

/* PATCH with If-Match: the revision the client read ("3" or 3); without it the change is
 * applied to whatever is stored. */
static void api_meeting_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int64_t rev = 0;
    int rc = api_if_match(req, &rev, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = meeting_update(req->db, &req->who, api_path_param(req, 0), body, rev, &o, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_meeting_decide(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = decision_create_at_meeting(req->db, &req->who, api_path_param(req, 0), body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 201, "/api/v1/decisions");
}

static void api_decision_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    l.total = -1;
    if (!rc)
        rc = decision_list(req->db, &req->who, http_request_query(req, "meeting"), l.page.after,
                           l.page.limit, l.items, &l.more, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_decision_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = decision_get(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

const struct route api_meetings_routes[] = {
    { "GET", "/api/v1/meetings", api_meeting_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Meetings the reader may see, latest start first (?from, ?to, ?status)" },
    { "POST", "/api/v1/meetings", api_meeting_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_meeting_write, 0, "Schedule a meeting of your organization" },
    { "GET", "/api/v1/meetings/{id}", api_meeting_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One meeting with its agenda, participants and the decisions the reader may see" },
    { "PATCH", "/api/v1/meetings/{id}", api_meeting_update, ROUTE_JSON, &perm_meeting_write, 0,
      "Change a meeting (If-Match: its revision)" },
    { "POST", "/api/v1/meetings/{id}/decisions", api_meeting_decide, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_meeting_write, 0, "Record a decision taken at a meeting" },
    { "GET", "/api/v1/decisions", api_decision_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Decisions the reader may see, latest first (?meeting)" },
    { "GET", "/api/v1/decisions/{id}", api_decision_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One decision with the commitments made from it that the reader may see" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
