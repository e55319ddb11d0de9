/* The incident register over HTTP: reports, their workflow, revisions and likely duplicates,
 * and the missions an endorser works for. Who sees which record is sharing_predicate()'s
 * decision, made in the module; a record someone may not see is a 404 for them, never a 403. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "account/missions.h"
#include "api/common.h"
#include "base/jsonfield.h"
#include "casualty/casualty.h"
#include "incident/report.h"

#include <stdio.h>
#include <string.h>

static const char *path_id(struct http_request *req)
{
    return req->nparams ? req->params[0] : "";
}

/* The reply of every call that changes or reads one incident: the record with the casualty
 * records linked to it that the reader may see. "An incident with its casualties" is composed
 * here, above both registers, so that neither includes the other. An admin's view of
 * restricted casualty records among them is audited (casualty.read) by the casualty module. */
static void reply_record(struct http_request *req, struct http_reply *rep, int rc,
                         const struct bh_error *err, json_t *rec, int status)
{
    struct bh_error cas_err;
    if (rc == 0) {
        json_t *cas = json_array();
        int crc = casualty_list_for_incident(
            req->db, &req->who, json_string_value(json_object_get(rec, "id")), cas, &cas_err);
        json_object_set_new(rec, "casualty_records", cas);
        if (crc) {
            json_decref(rec);
            rc = crc;
            err = &cas_err;
        }
    }
    if (api_failed(req, rep, rc, err))
        return;
    http_reply_json(req, rep, status, rec);
}

/* POST /api/v1/incidents: a draft, or a submitted report with "submit": true. */
static void api_incident_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = incident_create(req->db, &req->who, body, &rec, &err);
    json_decref(body);
    if (!rc)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "/api/v1/incidents/%s",
                                       json_string_value(json_object_get(rec, "id"))));
    reply_record(req, rep, rc, &err, rec, 201);
}

/* GET /api/v1/incidents/{id} */
static void api_incident_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_get(req->db, &req->who, path_id(req), &rec, &err);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* PATCH /api/v1/incidents/{id}: a partial change of a draft or returned report. */
static void api_incident_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    int64_t rev = 0;
    int rc = api_if_match(req, &rev, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = incident_update(req->db, &req->who, path_id(req), body, rev, &rec, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* POST /api/v1/incidents/{id}/submit */
static void api_incident_submit(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_submit(req->db, &req->who, path_id(req), &rec, &err);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* POST /api/v1/incidents/{id}/endorse */
static void api_incident_endorse(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_endorse(req->db, &req->who, path_id(req), &rec, &err);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* POST /api/v1/incidents/{id}/return {"reason": "..."} */
static void api_incident_return(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "reason", NULL };
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    const char *reason = NULL;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "reason", true, 0, &reason, &err);
    if (!rc)
        rc = incident_return(req->db, &req->who, path_id(req), reason, &rec, &err);
    json_decref(body);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* POST /api/v1/incidents/{id}/merge {"into": "<id>"}: replies with the target. */
static void api_incident_merge(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "into", NULL };
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    const char *into = NULL;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "into", true, 64, &into, &err);
    if (!rc)
        rc = incident_merge(req->db, &req->who, path_id(req), into, &rec, &err);
    json_decref(body);
    reply_record(req, rep, rc, &err, rec, 200);
}

/* GET /api/v1/incidents/{id}/revisions: oldest first; the cursor is a revision number. */
static void api_incident_revisions(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int64_t after = 0;
    int rc = api_list_begin(req, &l, &err);
    if (!rc && l.page.after[0] && !api_parse_int(l.page.after, 0, &after))
        rc = bh_fail(&err, BH_EINVALID, "cursor",
                     "cursor is not a position in this list; start again without it");
    if (!rc)
        rc = incident_revisions(req->db, &req->who, path_id(req), after, l.page.limit, l.items,
                                &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "revision");
}

/* GET /api/v1/incidents/{id}/duplicates: every likely duplicate in one page, nearest first. */
static void api_incident_duplicates(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = incident_duplicates(req->db, &req->who, path_id(req), items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    page_reply(req, rep, items, NULL, (long long)json_array_size(items), true);
}

/* PUT /api/v1/users/{username}/missions {"missions": ["MINUSMA", ...]}: replaces the set and
 * replies with the user. */
static void api_user_missions_set(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "missions", NULL };
    struct bh_error err;
    json_t *body = NULL, *user = NULL;
    const char *missions[ACCOUNT_MISSIONS_MAX];
    size_t n = 0;
    struct account_user u;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_strings(body, "missions", true, missions, ACCOUNT_MISSIONS_MAX, &n, NULL,
                               &err);
    if (!rc)
        rc = account_missions_set(req->db, &req->who, path_id(req), missions, n, NULL, &err);
    json_decref(body);
    if (!rc)
        rc = account_user_get(req->db, path_id(req), &u, &err);
    if (!rc) {
        user = account_user_json(&u);
        api_permissions_attach(user);
        rc = account_missions_attach(req->db, user, &err);
    }
    if (api_failed(req, rep, rc, &err)) {
        json_decref(user);
        return;
    }
    http_reply_json(req, rep, 200, user);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_incidents_routes[] = {
    { "POST", "/api/v1/incidents", api_incident_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      PERM_RECORD_WRITE, 0, "Report an incident (a draft, or submitted at once)" },
    { "GET", "/api/v1/incidents/{id}", api_incident_get, 0, PERM_RECORD_READ, 0,
      "One incident with its linked casualty records" },
    { "PATCH", "/api/v1/incidents/{id}", api_incident_update, ROUTE_JSON, PERM_RECORD_WRITE, 0,
      "Change a draft or returned report (a new revision)" },
    { "POST", "/api/v1/incidents/{id}/submit", api_incident_submit, 0, PERM_RECORD_WRITE, 0,
      "Submit a report for endorsement" },
    { "POST", "/api/v1/incidents/{id}/endorse", api_incident_endorse, 0, PERM_RECORD_ENDORSE, 0,
      "Endorse a submitted report (an endorser of its mission, not its reporter)" },
    { "POST", "/api/v1/incidents/{id}/return", api_incident_return, ROUTE_JSON, PERM_RECORD_ENDORSE,
      0, "Return a submitted report to its reporter with a reason" },
    { "POST", "/api/v1/incidents/{id}/merge", api_incident_merge, ROUTE_JSON, PERM_RECORD_ENDORSE,
      0, "Merge a duplicate report into another incident" },
    { "GET", "/api/v1/incidents/{id}/revisions", api_incident_revisions, 0, PERM_RECORD_READ, 0,
      "Every revision of an incident" },
    { "GET", "/api/v1/incidents/{id}/duplicates", api_incident_duplicates, 0, PERM_RECORD_READ, 0,
      "Likely duplicates: same mission and threat type, a few km and hours apart" },
    { "PUT", "/api/v1/users/{username}/missions", api_user_missions_set, ROUTE_JSON,
      PERM_USER_ADMIN, 0,
      "Set the missions a user works for (endorsers endorse those missions' reports)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
