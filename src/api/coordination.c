/* The coordination dashboards over HTTP (docs/coordination.md, "Dashboards"): the summary,
 * implementation per commitment, mission or organization, the overdue actions and the
 * timeline. The JSON replies are the JSON export; the implementation table and the overdue
 * list also come as CSV files. Every figure counts only what the reader may see (the module
 * reads through the sharing predicates), so the routes need nothing more than record.read. */
#include "api/api.h"
#include "http/routes.h"

#include "action/dashboard.h"
#include "api/common.h"
#include "base/buf.h"
#include "base/timeutil.h"

static void reply(struct http_request *req, struct http_reply *rep, int rc,
                  const struct bh_error *err, json_t *out)
{
    if (api_failed(req, rep, rc, err))
        return;
    http_reply_json(req, rep, 200, out);
}

static void reply_csv(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err, json_t *out,
                      void (*csv)(const json_t *, struct buf *), const char *disposition)
{
    if (api_failed(req, rep, rc, err))
        return;
    struct buf b = BUF_INIT;
    csv(out, &b);
    json_decref(out);
    http_reply_buf(rep, 200, "text/csv; charset=utf-8", &b);
    http_reply_header(req, rep, "Content-Disposition", disposition);
}

static void api_coordination_summary(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = action_dashboard_summary(req->db, &req->who, time_now_ms(), &out, &err);
    reply(req, rep, rc, &err, out);
}

static int implementation(struct http_request *req, json_t **out, struct bh_error *err)
{
    struct action_dashboard_query q = {
        .by = http_request_query(req, "by"),
        .source = http_request_query(req, "source"),
        .a4p_area = http_request_query(req, "a4p_area"),
        .ap2017_area = http_request_query(req, "ap2017_area"),
    };
    return action_dashboard_implementation(req->db, &req->who, time_now_ms(), &q, out, err);
}

static void api_coordination_implementation(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = implementation(req, &out, &err);
    reply(req, rep, rc, &err, out);
}

static void api_coordination_implementation_csv(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = implementation(req, &out, &err);
    reply_csv(req, rep, rc, &err, out, action_dashboard_implementation_csv,
              "attachment; filename=\"implementation.csv\"");
}

static int overdue(struct http_request *req, json_t **out, struct bh_error *err)
{
    return action_dashboard_overdue(req->db, &req->who, time_now_ms(),
                                    http_request_query(req, "mission"),
                                    http_request_query(req, "responsible_org"), out, err);
}

static void api_coordination_overdue(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = overdue(req, &out, &err);
    reply(req, rep, rc, &err, out);
}

static void api_coordination_overdue_csv(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = overdue(req, &out, &err);
    reply_csv(req, rep, rc, &err, out, action_dashboard_overdue_csv,
              "attachment; filename=\"overdue-actions.csv\"");
}

static void api_coordination_timeline(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int rc = action_dashboard_timeline(req->db, &req->who, time_now_ms(),
                                       http_request_query(req, "from"),
                                       http_request_query(req, "to"), &out, &err);
    reply(req, rep, rc, &err, out);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). Each reads
 * every row of its tables the reader may see: ROUTE_EXPENSIVE. */
const struct route api_coordination_routes[] = {
    { "GET", "/api/v1/coordination/summary", api_coordination_summary, ROUTE_EXPENSIVE,
      PERM_RECORD_READ, 0, "Proposals, commitments, actions and meetings in figures" },
    { "GET", "/api/v1/coordination/implementation", api_coordination_implementation,
      ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "Actions by status per commitment, mission or organization" },
    { "GET", "/api/v1/coordination/implementation.csv", api_coordination_implementation_csv,
      ROUTE_EXPENSIVE, PERM_RECORD_READ, 0, "The implementation table as CSV" },
    { "GET", "/api/v1/coordination/overdue", api_coordination_overdue, ROUTE_EXPENSIVE,
      PERM_RECORD_READ, 0, "Actions past their due day and neither done nor dropped" },
    { "GET", "/api/v1/coordination/overdue.csv", api_coordination_overdue_csv, ROUTE_EXPENSIVE,
      PERM_RECORD_READ, 0, "The overdue actions as CSV" },
    { "GET", "/api/v1/coordination/timeline", api_coordination_timeline, ROUTE_EXPENSIVE,
      PERM_RECORD_READ, 0, "Meetings, proposals, decisions and actions in time order" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
