/* Proposals under the silence procedure over HTTP (docs/proposals.md): tabled by a member
 * (proposal.write), answered by the members' focal points (proposal.position), run by the
 * co-chairs (proposal.chair) and closed by the server at the deadline. Read with record.read
 * through the sharing predicate: a proposal someone may not see is a 404 for them, its
 * positions too. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "proposal/proposal.h"

static void api_proposal_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = proposal_list(req->db, &req->who, http_request_query(req, "status"), l.page.after,
                           l.page.limit, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_proposal_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *p = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = proposal_create(req->db, &req->who, body, &p, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, p, 201, "/api/v1/proposals");
}

static void api_proposal_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *p = NULL;
    int rc = proposal_get(req->db, &req->who, api_path_param(req, 0), &p, &err);
    api_reply_record(req, rep, rc, &err, p, 200, NULL);
}

typedef int (*proposal_write_fn)(struct db *, const struct principal *, const char *,
                                 const json_t *, json_t **, struct bh_error *);

static void write_with(struct http_request *req, struct http_reply *rep, proposal_write_fn fn)
{
    struct bh_error err;
    json_t *body = NULL, *p = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = fn(req->db, &req->who, api_path_param(req, 0), body, &p, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, p, 200, NULL);
}

static void api_proposal_position(struct http_request *req, struct http_reply *rep)
{
    write_with(req, rep, proposal_state_position);
}

static void api_proposal_amend(struct http_request *req, struct http_reply *rep)
{
    write_with(req, rep, proposal_amend);
}

static void api_proposal_extend(struct http_request *req, struct http_reply *rep)
{
    write_with(req, rep, proposal_extend);
}

static void api_proposal_withdraw(struct http_request *req, struct http_reply *rep)
{
    write_with(req, rep, proposal_withdraw);
}

const struct route api_proposals_routes[] = {
    { "GET", "/api/v1/proposals", api_proposal_list, 0, PERM_RECORD_READ, 0,
      "Proposals under the silence procedure the reader may see, newest first" },
    { "POST", "/api/v1/proposals", api_proposal_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_proposal_write, 0, "Table a proposal under the silence procedure" },
    { "GET", "/api/v1/proposals/{id}", api_proposal_get, 0, PERM_RECORD_READ, 0,
      "One proposal with its versions, positions, statements and events" },
    { "POST", "/api/v1/proposals/{id}/positions", api_proposal_position, ROUTE_JSON,
      &perm_proposal_position, 0, "State your organization's position before the deadline" },
    { "POST", "/api/v1/proposals/{id}/amend", api_proposal_amend, ROUTE_JSON, &perm_proposal_write,
      0, "Amend a proposal (a sponsor or a co-chair): a new version" },
    { "POST", "/api/v1/proposals/{id}/extend", api_proposal_extend, ROUTE_JSON,
      &perm_proposal_chair, 0, "Extend a proposal's deadline (co-chairs)" },
    { "POST", "/api/v1/proposals/{id}/withdraw", api_proposal_withdraw, ROUTE_JSON,
      &perm_proposal_chair, 0, "Withdraw a proposal (co-chairs)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
