/* What signed-in users set for themselves: their password (POST /api/v1/me/password, below,
 * docs/auth.md) and, with PATCH /api/v1/me, their language
 * (docs/i18n.md): the app's words and the API's problem texts come in it when a request's
 * Accept-Language names none of the six; the app itself sends the one chosen in its header
 * switch. GET /api/v1/session shows the setting as user.language. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "api/common.h"
#include "base/jsonfield.h"

#include <jansson.h>

static void api_me_update(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "language", NULL };
    struct bh_error err;
    json_t *body = NULL;
    const char *language = NULL;
    int rc = api_json_body(req, known, &body, &err);
    /* The field must be there: null says "follow the browser", absent says nothing. */
    if (!rc && !json_object_get(body, "language"))
        rc = bh_fail(&err, BH_EINVALID, "language",
                     "language is required: one of en, fr, ar, zh, ru, es, or null");
    if (!rc)
        rc = jsonfield_string(body, "language", false, 8, &language, &err);
    if (!rc)
        rc = account_language_set(req->db, &req->who, language, &err);
    json_t *reply = rc ? NULL : json_pack("{s:s?}", "language", language);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* POST /api/v1/me/password: the signed-in user changes their own password (docs/auth.md).
 * The dispatcher has authenticated the caller before the body is read. A wrong current
 * password counts against the sign-in throttle; success ends the user's other sessions and
 * keeps this one, so the person changing it is not signed out by their own change. */
static void api_me_password(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "current_password", "new_password", NULL };
    struct bh_error err;
    json_t *body = NULL;
    const char *current = NULL, *fresh = NULL;
    int64_t ended = 0;
    int wait = 0;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "current_password", true, ACCOUNT_PASSWORD_MAX, &current, &err);
    if (!rc)
        rc = jsonfield_string(body, "new_password", true, ACCOUNT_PASSWORD_MAX, &fresh, &err);
    if (!rc)
        rc = account_password_change(
            req->db, &req->who,
            req->auth == HTTP_AUTH_COOKIE ? http_request_cookie(req, HTTP_SESSION_COOKIE) : NULL,
            current, fresh, req->client_addr, &ended, &wait, &err);
    json_decref(body);
    if (rc == BH_ETHROTTLED)
        http_reply_header(req, rep, "Retry-After", arena_printf(req->arena, "%d", wait));
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
}

/* This capability's endpoints (collected in api/routes.c through api.h's registry).
 * docs/openapi.json describes the row (api/openapi checks). */
const struct route api_me_routes[] = {
    { "PATCH", "/api/v1/me", api_me_update, ROUTE_JSON, PERM_NONE, 0,
      "Change the signed-in user's own settings (language)" },
    { "POST", "/api/v1/me/password", api_me_password, ROUTE_JSON, PERM_NONE, 4096,
      "Change the signed-in user's own password; ends their other sessions" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
