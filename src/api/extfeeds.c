/* External CAP feeds (feed.manage, admins) and the context alerts they give missions
 * (docs/extfeeds.md). */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "extfeed/extfeed.h"

static bool feed_id(struct http_request *req, int64_t *id, struct bh_error *err)
{
    if (api_parse_int(req->params[0], 1, id))
        return true;
    bh_fail(err, BH_ENOTFOUND, "id", "no feed %.40s", req->params[0]);
    return false;
}

static void api_feed_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = extfeed_list(req->db, items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    http_reply_json(req, rep, 200, json_pack("{s:o}", "items", items));
}

static void api_feed_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *out = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = extfeed_create(req->db, &req->who, body, &out, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 201, out);
}

static void api_feed_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *out = NULL;
    int64_t id;
    int rc = feed_id(req, &id, &err) ? extfeed_get(req->db, id, &out, &err) : err.code;
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, out);
}

static void api_feed_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *out = NULL;
    int64_t id;
    int rc = feed_id(req, &id, &err) ? 0 : err.code;
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = extfeed_update(req->db, &req->who, id, body, &out, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, out);
}

static void api_feed_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t id;
    int rc = feed_id(req, &id, &err) ? extfeed_delete(req->db, &req->who, id, &err) : err.code;
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_empty(rep, 204);
}

static void api_alert_context(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    const char *mission = http_request_query(req, "mission");
    json_t *items = json_array();
    int rc = mission && mission[0]
                 ? extfeed_context_list(req->db, &req->who, mission, items, &err)
                 : bh_fail(&err, BH_EINVALID, "mission", "say which mission: ?mission=ACRONYM");
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    http_reply_json(req, rep, 200, json_pack("{s:o}", "items", items));
}

const struct route api_extfeeds_routes[] = {
    { "GET", "/api/v1/feeds", api_feed_list, 0, PERM_FEED_MANAGE, 0,
      "List the external CAP feeds the store polls" },
    { "POST", "/api/v1/feeds", api_feed_create, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_FEED_MANAGE, 0,
      "Subscribe the store to an external CAP Atom or RSS feed" },
    { "GET", "/api/v1/feeds/{id}", api_feed_get, 0, PERM_FEED_MANAGE, 0,
      "One external feed, with its last poll, status and error" },
    { "PATCH", "/api/v1/feeds/{id}", api_feed_update, ROUTE_JSON, PERM_FEED_MANAGE, 0,
      "Change an external feed" },
    { "DELETE", "/api/v1/feeds/{id}", api_feed_delete, 0, PERM_FEED_MANAGE, 0,
      "Unsubscribe from an external feed" },
    { "GET", "/api/v1/alerts/context", api_alert_context, 0, PERM_RECORD_READ, 0,
      "Context alerts of a mission: imported alerts whose areas touch its area" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
