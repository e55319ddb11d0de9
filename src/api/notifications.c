/* The signed-in user's notifications and their e-mail choice (docs/notifications.md). Each
 * notification about a record is checked against that record's sharing rule as it is read
 * (api_record_kinds), so one whose record the reader may no longer see is neither listed nor
 * counted. Another user's notification is answered 404, as if it did not exist. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/jsonfield.h"
#include "notify/notify.h"

#include <stdlib.h>
#include <string.h>

/* GET /api/v1/notifications: newest first; ?unread=1 for the unread ones only. The cursor is
 * the id of the last notification of the page before. */
static void api_notification_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    int64_t before = 0;
    bool unread = false;
    const char *u = http_request_query(req, "unread");
    if (!rc && u) {
        if (strcmp(u, "1") == 0 || strcmp(u, "true") == 0)
            unread = true;
        else if (strcmp(u, "0") != 0 && strcmp(u, "false") != 0)
            rc = bh_fail(&err, BH_EINVALID, "unread", "unread is 1 or 0 (not '%.20s')", u);
    }
    if (!rc && l.page.after[0] && !api_parse_int(l.page.after, 1, &before))
        rc = bh_fail(&err, BH_EINVALID, "cursor", "cursor is not a notification position");
    if (!rc)
        rc = notify_list(req->db, &req->who, api_record_kinds, unread, before, l.page.limit,
                         l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

/* GET /api/v1/notifications/count: {unread}, for the badge the app polls or the stream
 * refreshes. */
static void api_notification_count(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t n = 0;
    int rc = notify_unread_count(req->db, &req->who, api_record_kinds, &n, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

static void api_notification_read(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    const char *text = req->params[0];
    int64_t id;
    int rc = 0;
    /* An id that is not a number names no notification: 404, like another user's. */
    if (!api_parse_int(text, 1, &id))
        rc = bh_fail(&err, BH_ENOTFOUND, "id", "no notification %.40s", text);
    if (!rc)
        rc = notify_mark_read(req->db, &req->who, api_record_kinds, id, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_empty(rep, 204);
}

/* POST /api/v1/notifications/read-all: {marked}, how many were unread. */
static void api_notification_read_all(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t n = 0;
    int rc = notify_mark_all_read(req->db, &req->who, &n, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

/* {email_digest, email}: the address is shown so a user who turns the digest on sees where it
 * goes (or that an administrator must first set one). */
static void reply_settings(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    bool digest = false;
    char *email = NULL;
    int rc = notify_settings_get(req->db, req->who.account_id, &digest, &email, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    json_t *j = json_pack("{s:b, s:s?}", "email_digest", digest, "email", email);
    free(email);
    http_reply_json(req, rep, 200, j);
}

static void api_notification_settings_get(struct http_request *req, struct http_reply *rep)
{
    reply_settings(req, rep);
}

static void api_notification_settings_put(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "email_digest", NULL };
    struct bh_error err;
    json_t *body = NULL;
    bool digest = false;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_bool(body, "email_digest", true, &digest, NULL, &err);
    if (!rc)
        rc = notify_settings_set(req->db, &req->who, digest, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    reply_settings(req, rep);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_notifications_routes[] = {
    { "GET", "/api/v1/notifications", api_notification_list, 0, PERM_NONE, 0,
      "List my notifications, newest first" },
    { "GET", "/api/v1/notifications/count", api_notification_count, 0, PERM_NONE, 0,
      "Count my unread notifications" },
    { "POST", "/api/v1/notifications/{id}/read", api_notification_read, 0, PERM_NONE, 0,
      "Mark one of my notifications read" },
    { "POST", "/api/v1/notifications/read-all", api_notification_read_all, 0, PERM_NONE, 0,
      "Mark all my notifications read" },
    { "GET", "/api/v1/me/notification-settings", api_notification_settings_get, 0, PERM_NONE, 0,
      "My e-mail digest choice and address" },
    { "PUT", "/api/v1/me/notification-settings", api_notification_settings_put, ROUTE_JSON,
      PERM_NONE, 4096, "Choose whether to receive the hourly e-mail digest" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
