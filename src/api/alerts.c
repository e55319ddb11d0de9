/* Alerts over HTTP (docs/alerts.md): send, list, read, acknowledge, the acknowledgement board,
 * CAP export and import, and an Atom feed. Who sees which alert is alert_predicate()'s
 * decision, made in the module; an alert someone may not see is a 404, never a 403. */
#include "api/api.h"
#include "http/routes.h"

#include "alert/alert.h"
#include "api/common.h"
#include "base/i18n.h"

#include <string.h>
#include <strings.h>

static const char *path_id(struct http_request *req)
{
    return req->nparams ? req->params[0] : "";
}

/* POST /api/v1/alerts */
static void api_alert_send(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = alert_send(req->db, &req->who, body, &rec, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/alerts/%s",
                                   json_string_value(json_object_get(rec, "id"))));
    http_reply_json(req, rep, 201, rec);
}

/* GET /api/v1/alerts?active=1|0&q=&severity=&status=&mission= */
static void api_alert_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    const char *active = http_request_query(req, "active");
    struct alert_filter f = {
        .active_only = true,
        .q = http_request_query(req, "q"),
        .severity = http_request_query(req, "severity"),
        .status = http_request_query(req, "status"),
        .mission = http_request_query(req, "mission"),
    };
    if (!rc && active) {
        if (strcmp(active, "0") == 0)
            f.active_only = false;
        else if (strcmp(active, "1") != 0)
            rc = bh_fail(&err, BH_EINVALID, "active", "active must be 1 or 0, not '%.20s'", active);
    }
    if (!rc)
        rc = alert_list(req->db, &req->who, &f, l.page.after, l.page.limit, l.items, &l.more,
                        &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

/* GET /api/v1/alerts/{id}, and {id}.cap: the CAP 1.2 message (a path parameter is a whole
 * segment, so the extension is read off it here). */
static void api_alert_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    const char *id = path_id(req);
    size_t n = strlen(id);
    if (n > 4 && strcmp(id + n - 4, ".cap") == 0) {
        char *bare = arena_strndup(req->arena, id, n - 4);
        struct cap_alert cap;
        struct buf xml = BUF_INIT;
        int rc = alert_to_cap(req->db, &req->who, bare, req->arena, &cap, &err);
        if (!rc)
            rc = cap_write(&cap, &xml, &err);
        if (api_failed(req, rep, rc, &err)) {
            buf_cleanup(&xml);
            return;
        }
        http_reply_buf(rep, 200, "application/cap+xml", &xml);
        return;
    }
    json_t *rec = NULL;
    int rc = alert_get(req->db, &req->who, id, &rec, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, rec);
}

/* POST /api/v1/alerts/{id}/ack */
static void api_alert_ack(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = alert_ack(req->db, &req->who, path_id(req), &rec, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, rec);
}

/* GET /api/v1/alerts/{id}/acks: one page, every recipient organization. */
static void api_alert_acks(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = alert_acks(req->db, &req->who, path_id(req), items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    page_reply(req, rep, items, NULL, (long long)json_array_size(items), true);
}

/* GET /api/v1/alerts.atom */
static void api_alert_atom(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct buf out = BUF_INIT;
    int rc = alert_atom(req->db, &req->who, "", &out, &err);
    if (api_failed(req, rep, rc, &err)) {
        buf_cleanup(&out);
        return;
    }
    http_reply_buf(rep, 200, "application/atom+xml", &out);
}

static bool is_xml(const char *ct)
{
    static const char *const types[] = { "application/cap+xml", "application/xml", "text/xml",
                                         NULL };
    while (ct && *ct == ' ')
        ct++;
    for (size_t i = 0; ct && types[i]; i++) {
        size_t n = strlen(types[i]);
        if (strncasecmp(ct, types[i], n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return true;
    }
    return false;
}

/* POST /api/v1/alerts/import: one CAP message; 201 stored, 200 when already stored. */
static void api_alert_import(struct http_request *req, struct http_reply *rep)
{
    const char *ct = http_request_header(req, "Content-Type");
    if (!is_xml(ct)) {
        http_reply_problem(req, rep, BH_EUNSUPPORTED,
                           arena_printf(req->arena,
                                        _("the body must be a CAP message "
                                          "(application/cap+xml), not %s"),
                                        ct ? ct : _("(no Content-Type)")),
                           "Content-Type");
        return;
    }
    struct bh_error err;
    struct cap_alert cap;
    bool verified = false, created = false;
    char id[37] = "";
    int rc = alert_read_cap(req->body, req->body_len, alert_trusted_certs(), req->arena, &cap,
                            &verified, &err);
    if (!rc)
        rc = alert_import_cap(req->db, &req->who, &cap, "upload", verified, id, &created, &err);
    json_t *rec = NULL;
    if (!rc)
        rc = alert_get(req->db, &req->who, id, &rec, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location", arena_printf(req->arena, "/api/v1/alerts/%s", id));
    http_reply_json(req, rep, created ? 201 : 200, rec);
}

/* This capability's endpoints (collected in api/routes.c; docs/openapi.json describes each). */
const struct route api_alerts_routes[] = {
    { "GET", "/api/v1/alerts.atom", api_alert_atom, ROUTE_PUBLIC, PERM_NONE, 0,
      "Atom feed of the active alerts the reader may see, each linking its CAP message" },
    { "POST", "/api/v1/alerts/import", api_alert_import, 0, PERM_ALERT_SEND, CAP_MAX_BYTES,
      "Import one CAP 1.2 or 1.1 message (application/cap+xml)" },
    { "POST", "/api/v1/alerts", api_alert_send, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_ALERT_SEND, 0,
      "Send an alert to organizations, missions, groups or areas" },
    { "GET", "/api/v1/alerts", api_alert_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Alerts the reader may see (active by default)" },
    { "GET", "/api/v1/alerts/{id}", api_alert_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One alert; /api/v1/alerts/{id}.cap is its CAP 1.2 message" },
    { "POST", "/api/v1/alerts/{id}/ack", api_alert_ack, 0, PERM_NONE, 0,
      "Acknowledge an alert for one's organization (a recipient)" },
    { "GET", "/api/v1/alerts/{id}/acks", api_alert_acks, 0, PERM_NONE, 0,
      "Who acknowledged: the sending organization's board" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
