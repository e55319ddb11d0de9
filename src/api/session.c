/* Signing in and out, and who is signed in. The cookie is HttpOnly (scripts on the page
 * cannot read it) and SameSite=Strict (other sites' pages do not send it); writes made with
 * it also need the CSRF token, which only the sign-in and session replies carry. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "account/missions.h"
#include "api/common.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

/* {"user": {...}, "csrf_token": ..., "expires_at": ...}; csrf and expiry are null for a
 * caller who came with an API token rather than a session. */
static int session_json(struct db *db, const char *username, const char *csrf, int64_t expires_ms,
                        json_t **out, struct bh_error *err)
{
    struct account_user u;
    int rc = account_user_get(db, username, &u, err);
    if (rc)
        return rc;
    json_t *user = account_user_json(&u);
    api_permissions_attach(user);
    /* The language the user chose (null: the browser's), for the app's header switch. */
    enum lang lang;
    bool set = false;
    if ((rc = account_language_get(db, u.id, &lang, &set, err))) {
        json_decref(user);
        return rc;
    }
    json_object_set_new(user, "language", set ? json_string(i18n_lang_code(lang)) : json_null());
    /* The time zone the user chose (null: the browser's), in which the app shows instants. */
    char zone[TZ_NAME_MAX + 1];
    if ((rc = account_time_zone_get(db, u.id, zone, &set, err))) {
        json_decref(user);
        return rc;
    }
    json_object_set_new(user, "time_zone", set ? json_string(zone) : json_null());
    /* The missions the user works for: the app shows an endorser the queue of those. */
    if ((rc = account_missions_attach(db, user, err))) {
        json_decref(user);
        return rc;
    }
    char expires[40];
    if (expires_ms)
        time_format_rfc3339(expires_ms, 0, false, expires);
    *out = json_pack("{s:o, s:o, s:o}", "user", user, "csrf_token",
                     csrf ? json_string(csrf) : json_null(), "expires_at",
                     expires_ms ? json_string(expires) : json_null());
    return 0;
}

static void api_session_create(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "username", "password", NULL };
    struct bh_error err;
    json_t *body = NULL, *reply = NULL;
    const char *username = NULL, *password = NULL;
    struct account_sign_in s;
    memset(&s, 0, sizeof s);
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "username", true, 256, &username, &err);
    if (!rc)
        rc = jsonfield_string(body, "password", true, ACCOUNT_PASSWORD_MAX, &password, &err);
    if (!rc)
        rc = account_sign_in(req->db, username, password, req->client_addr, &s, &err);
    json_decref(body);
    /* Throttled (429): the wait goes in Retry-After, for scripts and for the sign-in page. */
    if (rc == BH_ETHROTTLED)
        http_reply_header(req, rep, "Retry-After", arena_printf(req->arena, "%d", s.retry_after_s));
    if (!rc)
        rc = session_json(req->db, s.who.username, s.csrf, s.expires_ms, &reply, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Set-Cookie",
                      arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                   HTTP_SESSION_COOKIE, s.token, req->secure ? "; Secure" : ""));
    memset(&s, 0, sizeof s);
    http_reply_json(req, rep, 201, reply);
}

static void api_session_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    char csrf[ACCOUNT_TOKEN_MAX] = "";
    int64_t expires_ms = 0;
    json_t *reply = NULL;
    int rc = 0;
    if (req->auth == HTTP_AUTH_COOKIE)
        rc = account_session_lookup(req->db, http_request_cookie(req, HTTP_SESSION_COOKIE), NULL,
                                    csrf, &expires_ms, &err);
    if (!rc)
        rc = session_json(req->db, req->who.username, req->auth == HTTP_AUTH_COOKIE ? csrf : NULL,
                          expires_ms, &reply, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

static void api_session_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    const char *cookie = http_request_cookie(req, HTTP_SESSION_COOKIE);
    int rc = 0;
    if (cookie)
        rc = account_session_revoke(req->db, cookie, &err);
    /* An unknown or already ended session is signed out already. */
    if (rc && rc != BH_EUNAUTH) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    http_reply_header(req, rep, "Set-Cookie",
                      arena_printf(req->arena,
                                   "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                                   HTTP_SESSION_COOKIE, req->secure ? "; Secure" : ""));
    http_reply_empty(rep, 204);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_session_routes[] = {
    { "POST", "/api/v1/session", api_session_create, ROUTE_PUBLIC | ROUTE_JSON | ROUTE_NO_CSRF,
      PERM_NONE, 4096, "Sign in with username and password; sets the session cookie" },
    { "GET", "/api/v1/session", api_session_get, 0, PERM_NONE, 0,
      "The signed-in user, permissions and CSRF token" },
    { "DELETE", "/api/v1/session", api_session_delete, 0, PERM_NONE, 0, "Sign out" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
