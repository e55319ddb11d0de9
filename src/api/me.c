/* What signed-in users set for themselves: their password (POST /api/v1/me/password, below,
 * docs/auth.md) and, with GET/PATCH /api/v1/me, their language and time zone
 * (docs/i18n.md): the app's words and the API's problem texts come in it when a request's
 * Accept-Language names none of the six; the app itself sends the one chosen in its header
 * switch. GET /api/v1/session shows the setting as user.language. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "api/common.h"
#include "base/jsonfield.h"
#include "base/tz.h"

#include <jansson.h>

/* The user's own settings: {"language": "fr" or null, "time_zone": "Asia/Shanghai" or null}. */
static int me_settings(struct db *db, const struct principal *who, json_t **out,
                       struct bh_error *err)
{
    enum lang lang = LANG_EN;
    bool lang_set = false, tz_set = false;
    char zone[TZ_NAME_MAX + 1];
    int rc = account_language_get(db, who->account_id, &lang, &lang_set, err);
    if (!rc)
        rc = account_time_zone_get(db, who->account_id, zone, &tz_set, err);
    if (rc)
        return rc;
    *out = json_pack("{s:s, s:s?, s:s?}", "username", who->username, "language",
                     lang_set ? i18n_lang_code(lang) : NULL, "time_zone", tz_set ? zone : NULL);
    return *out ? 0 : bh_fail(err, BH_ENOMEM, NULL, "out of memory");
}

/* GET /api/v1/me: the signed-in user's own settings. */
static void api_me_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *reply = NULL;
    int rc = req->who.account_id
                 ? me_settings(req->db, &req->who, &reply, &err)
                 : bh_fail(&err, BH_EDENIED, NULL, "only a signed-in user has settings");
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* PATCH /api/v1/me: changes the settings the body names (at least one); the reply is all of
 * them as they now are. A bad value changes nothing, the other field included. */
static void api_me_update(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "language", "time_zone", NULL };
    struct bh_error err;
    json_t *body = NULL, *reply = NULL;
    const char *language = NULL, *zone = NULL;
    int rc = api_json_body(req, known, &body, &err);
    bool has_lang = !rc && json_object_get(body, "language");
    bool has_zone = !rc && json_object_get(body, "time_zone");
    /* A field must be there: null says "follow the browser", absent says nothing. */
    if (!rc && !has_lang && !has_zone)
        rc = bh_fail(&err, BH_EINVALID, "language",
                     "language or time_zone is required: language one of en, fr, ar, zh, ru, "
                     "es, or null; time_zone an IANA name such as Asia/Shanghai, or null");
    if (!rc && has_lang)
        rc = jsonfield_string(body, "language", false, 8, &language, &err);
    if (!rc && has_zone)
        rc = jsonfield_string(body, "time_zone", false, 256, &zone, &err);
    /* The zone is checked before the language is stored, so a bad one changes neither. */
    if (!rc && zone && *zone && !tz_valid(zone))
        rc = bh_fail(&err, BH_EINVALID, "time_zone",
                     "unknown time zone '%.40s': use an IANA name such as Asia/Shanghai, or "
                     "null to follow the browser",
                     zone);
    if (!rc && has_lang)
        rc = account_language_set(req->db, &req->who, language, &err);
    if (!rc && has_zone)
        rc = account_time_zone_set(req->db, &req->who, zone, &err);
    if (!rc)
        rc = me_settings(req->db, &req->who, &reply, &err);
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
    { "GET", "/api/v1/me", api_me_get, 0, PERM_NONE, 0,
      "The signed-in user's own settings (language, time zone)" },
    { "PATCH", "/api/v1/me", api_me_update, ROUTE_JSON, PERM_NONE, 0,
      "Change the signed-in user's own settings (language, time zone)" },
    { "POST", "/api/v1/me/password", api_me_password, ROUTE_JSON, PERM_NONE, 4096,
      "Change the signed-in user's own password; ends their other sessions" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
