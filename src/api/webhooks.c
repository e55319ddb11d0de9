/* Webhooks: an organization's subscriptions to the live feed (webhook.manage: admins,
 * coordinators and focal points, each their organization's; admins any). The secret is in the
 * reply to the create, and nowhere after. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/jsonfield.h"
#include "webhook/webhook.h"

#include <sodium.h>

/* A subscription id from the path: anything else names none, 404. */
static int path_id(struct http_request *req, int64_t *id, struct bh_error *err)
{
    const char *s = req->nparams ? req->params[0] : "";
    if (!api_parse_int(s, 1, id))
        return bh_fail(err, BH_ENOTFOUND, "id", "no webhook has the id '%.40s'", s);
    return 0;
}

/* The body of a create or update: {org, url, events, filter, enabled}. */
static int parse_body(struct http_request *req, bool create, json_t **json, const char **org,
                      struct webhook_input *in, struct bh_error *err)
{
    static const char *const known[] = { "org", "url", "events", "filter", "enabled", NULL };
    static const char *const known_update[] = { "url", "events", "filter", "enabled", NULL };
    *org = NULL;
    int rc = api_json_body(req, create ? known : known_update, json, err);
    if (!rc && create)
        rc = jsonfield_string(*json, "org", false, 32, org, err);
    if (!rc)
        rc = jsonfield_string(*json, "url", create, 0, &in->url, err);
    if (!rc)
        rc = jsonfield_strings(*json, "events", create, in->events,
                               sizeof in->events / sizeof in->events[0], &in->nevents,
                               &in->has_events, err);
    if (!rc)
        in->filter = json_object_get(*json, "filter");
    if (!rc)
        rc = jsonfield_bool(*json, "enabled", false, &in->enabled, &in->has_enabled, err);
    return rc;
}

static void reply_webhook(struct http_request *req, struct http_reply *rep, int rc,
                          struct bh_error *err, int64_t id, int status, const char *secret)
{
    json_t *w = NULL;
    if (!rc)
        rc = webhook_get(req->db, &req->who, id, &w, err);
    if (api_failed(req, rep, rc, err))
        return;
    if (secret)
        json_object_set_new(w, "secret", json_string(secret));
    if (status == 201)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "/api/v1/webhooks/%lld", (long long)id));
    http_reply_json(req, rep, status, w);
}

static void api_webhook_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int64_t after = 0;
    int rc = api_list_begin(req, &l, &err);
    if (!rc && l.page.after[0] && !api_parse_int(l.page.after, 0, &after))
        rc = bh_fail(&err, BH_EINVALID, "cursor",
                     "cursor is not one this list issued; start again without it");
    if (!rc)
        rc =
            webhook_list(req->db, &req->who, after, l.page.limit, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_webhook_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct webhook_input in = { 0 };
    json_t *json = NULL;
    const char *org = NULL;
    int64_t id = 0;
    char secret[WEBHOOK_SECRET_HEX + 1] = "";
    int rc = parse_body(req, true, &json, &org, &in, &err);
    if (!rc)
        rc = webhook_create(req->db, &req->who, org, &in, &id, secret, &err);
    json_decref(json);
    reply_webhook(req, rep, rc, &err, id, 201, rc ? NULL : secret);
    sodium_memzero(secret, sizeof secret);
}

static void api_webhook_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    reply_webhook(req, rep, rc, &err, id, 200, NULL);
}

static void api_webhook_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct webhook_input in = { 0 };
    json_t *json = NULL;
    const char *org = NULL;
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = parse_body(req, false, &json, &org, &in, &err);
    if (!rc)
        rc = webhook_update(req->db, &req->who, id, &in, &err);
    json_decref(json);
    reply_webhook(req, rep, rc, &err, id, 200, NULL);
}

static void api_webhook_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = webhook_delete(req->db, &req->who, id, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_empty(rep, 204);
}

static void api_webhook_deliveries(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    int rc2 = api_list_begin(req, &l, &err);
    if (!rc)
        rc = rc2;
    if (!rc)
        rc = webhook_deliveries(req->db, &req->who, id, l.page.after[0] ? l.page.after : NULL,
                                l.page.limit, l.items, &l.more, &err);
    /* No total: the log grows with every event, and a count of it says little. */
    l.total = -1;
    api_list_reply(req, rep, rc, &err, &l, "id");
}

const struct route api_webhooks_routes[] = {
    { "GET", "/api/v1/webhooks", api_webhook_list, 0, PERM_WEBHOOK_MANAGE, 0,
      "List the organization's webhooks" },
    { "POST", "/api/v1/webhooks", api_webhook_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      PERM_WEBHOOK_MANAGE, 0, "Subscribe a URL to the live feed's events" },
    { "GET", "/api/v1/webhooks/{id}", api_webhook_get, 0, PERM_WEBHOOK_MANAGE, 0, "One webhook" },
    { "PATCH", "/api/v1/webhooks/{id}", api_webhook_update, ROUTE_JSON, PERM_WEBHOOK_MANAGE, 0,
      "Change, disable or enable a webhook" },
    { "DELETE", "/api/v1/webhooks/{id}", api_webhook_delete, 0, PERM_WEBHOOK_MANAGE, 0,
      "Delete a webhook" },
    { "GET", "/api/v1/webhooks/{id}/deliveries", api_webhook_deliveries, 0, PERM_WEBHOOK_MANAGE, 0,
      "A webhook's delivery log, newest first" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
