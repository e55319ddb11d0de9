#include "http/dispatch.h"

#include "account/account.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "http/encoding.h"
#include "http/guard.h"
#include "http/idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0;
}

static void reply_unauthorized(struct http_request *req, struct http_reply *rep, const char *detail,
                               const char *field)
{
    http_reply_problem(req, rep, BH_EUNAUTH, detail, field);
    http_reply_header(req, rep, "WWW-Authenticate", "Bearer realm=\"bluehelm\"");
}

/* Hands the request this worker thread's store connection as req->db, so authentication, the
 * idempotency table and the handler share one connection and no handler repeats the failure
 * path. A store that cannot be opened leaves the server unable to serve anything: 503 (as
 * /healthz says for the same cause, so a load balancer takes the server out of rotation) with
 * the cause in the detail. Returns 0 to go on, -1 when a reply was written. */
static int bind_store(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int rc = http_request_db(req, &req->db, &err);
    if (rc == 0)
        return 0;
    req->db = NULL;
    http_reply_problem(req, rep, BH_EUNAVAILABLE, err.message, err.field);
    return -1;
}

/* A request whose Accept-Language named none of ours (a script, curl) gets the words of the
 * language its user chose, when they chose one. A store that cannot say leaves English: the
 * language is no reason to refuse a request. */
static void use_account_language(struct http_request *req)
{
    struct bh_error err;
    bool set = false;
    enum lang lang;
    if (req->lang_from_header ||
        account_language_get(req->db, req->who.account_id, &lang, &set, &err) || !set)
        return;
    req->lang = lang;
    i18n_set_thread_lang(lang);
}

/* Fills req->who from an `Authorization: Bearer` token or the session cookie. Returns 0 to go
 * on, -1 when a reply was written. Bad credentials on a public route are not an error: the
 * request goes on as anonymous (a stale cookie must not lock anyone out of signing in). */
static int authenticate(struct http_request *req, const struct route *route, struct http_reply *rep,
                        char csrf[ACCOUNT_TOKEN_MAX])
{
    principal_anonymous(&req->who);
    req->auth = HTTP_AUTH_NONE;
    const int is_public = (route->flags & ROUTE_PUBLIC) != 0;
    const char *authz = http_request_header(req, "Authorization");
    const char *cookie = http_request_cookie(req, HTTP_SESSION_COOKIE);
    if (!authz && !cookie) {
        if (is_public)
            return 0;
        reply_unauthorized(
            req, rep, N_("sign in, or send an API token as `Authorization: Bearer TOKEN`"), NULL);
        return -1;
    }
    struct db *db = req->db;
    struct bh_error err;
    int rc;
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            reply_unauthorized(req, rep, N_("the Authorization header must be `Bearer TOKEN`"),
                               "Authorization");
            return -1;
        }
        rc = account_token_lookup(db, authz + 7, &req->who, &err);
        if (rc) {
            /* A script with a wrong token must hear about it even on a public route. */
            reply_unauthorized(req, rep, N_("the API token is unknown or revoked"),
                               "Authorization");
            return -1;
        }
        req->auth = HTTP_AUTH_TOKEN;
        use_account_language(req);
        return 0;
    }
    int64_t expires_ms;
    rc = account_session_lookup(db, cookie, &req->who, csrf, &expires_ms, &err);
    if (rc) {
        principal_anonymous(&req->who);
        if (is_public)
            return 0;
        reply_unauthorized(req, rep, N_("your session has expired or was ended; sign in again"),
                           HTTP_SESSION_COOKIE);
        http_reply_header(req, rep, "Set-Cookie",
                          req->secure ? HTTP_SESSION_COOKIE
                              "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
                                      : HTTP_SESSION_COOKIE
                              "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        return -1;
    }
    req->auth = HTTP_AUTH_COOKIE;
    use_account_language(req);
    return 0;
}

/* Cookies ride along on every request the browser makes, so a write authenticated by the
 * cookie alone could be forged by another site; it must also carry the CSRF token, which
 * only our own pages can read. Bearer tokens are never sent implicitly and need none. */
static int check_csrf(struct http_request *req, const struct route *route, struct http_reply *rep,
                      const char *csrf)
{
    if (req->auth != HTTP_AUTH_COOKIE || is_safe_method(req->method) ||
        (route->flags & ROUTE_NO_CSRF))
        return 0;
    const char *sent = http_request_header(req, "X-CSRF-Token");
    size_t n = strlen(csrf);
    if (sent && n && strlen(sent) == n && sodium_memcmp(sent, csrf, n) == 0)
        return 0;
    http_reply_problem(req, rep, BH_EDENIED,
                       sent ? N_("the X-CSRF-Token header does not match this session")
                            : N_("a write with the session cookie needs the X-CSRF-Token header "
                                 "(csrf_token from the sign-in reply)"),
                       "X-CSRF-Token");
    return -1;
}

static int check_content_type(struct http_request *req, const struct route *route,
                              struct http_reply *rep)
{
    if (!(route->flags & ROUTE_JSON))
        return 0;
    const char *ct = http_request_header(req, "Content-Type");
    size_t n = strlen("application/json");
    if (ct && strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';'))
        return 0;
    char *detail = arena_printf(req->arena, _("the body must be application/json, not %s"),
                                ct ? ct : _("(no Content-Type)"));
    http_reply_problem(req, rep, BH_EUNSUPPORTED, detail, "Content-Type");
    return -1;
}

static bool has_reply_header(const struct http_reply *rep, const char *name)
{
    for (size_t i = 0; i < rep->nheaders; i++)
        if (strcasecmp(rep->headers[i].name, name) == 0)
            return true;
    return false;
}

/* Replies smaller than this go as they are: below about a packet, gzip's header and the
 * time to compress buy nothing. */
#define GZIP_MIN_BYTES 1024

/* Whether this reply is to be sent gzip-compressed; when it could be, says so in Vary so a
 * cache keeps the two codings apart. A handler that coded its own body (the app's assets are
 * compressed at build time) set Content-Encoding itself and is left alone. */
static bool will_gzip(struct http_request *req, struct http_reply *rep)
{
    if (rep->status != 200 || !rep->body || !http_compressible(rep->content_type) ||
        has_reply_header(rep, "Content-Encoding"))
        return false;
    if (rep->body_len < GZIP_MIN_BYTES)
        return false;
    http_reply_header(req, rep, "Vary", "Accept-Encoding");
    const char *ae = http_request_header(req, "Accept-Encoding");
    return ae && http_accepts_gzip(ae);
}

/* A strong ETag over the body, one per coding (a strong validator names exact bytes): a
 * client on a slow link that already holds this reply gets a 304 with no body. Then the body
 * is compressed when the client takes gzip. */
static void finish_reply(struct http_request *req, struct http_reply *rep)
{
    bool gzip = will_gzip(req, rep);
    if (rep->status != 200 || !rep->body || !is_safe_method(req->method)) {
        if (!gzip)
            return;
    } else {
        unsigned char h[16];
        crypto_generichash(h, sizeof h, (const unsigned char *)rep->body, rep->body_len, NULL, 0);
        char hex[33];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        char *etag = arena_printf(req->arena, "\"%s%s\"", hex, gzip ? "-gzip" : "");
        http_reply_header(req, rep, "ETag", etag);
        const char *inm = http_request_header(req, "If-None-Match");
        if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
            http_reply_body(rep, 304, rep->content_type, NULL, 0, NULL);
            return;
        }
    }
    char *z;
    size_t zlen;
    if (gzip && http_gzip(req->arena, rep->body, rep->body_len, &z, &zlen)) {
        /* The compressed bytes live in the arena; the plain ones are released now. */
        http_reply_body(rep, rep->status, rep->content_type, z, zlen, NULL);
        http_reply_header(req, rep, "Content-Encoding", "gzip");
    }
}

/* One of the guard's running slots, or the 503 that says to come back. */
static int take_slot(struct http_request *req, struct http_reply *rep, struct http_admission *adm)
{
    if (!http_guard_enter(req->site->guard)) {
        http_reply_problem(req, rep, BH_EUNAVAILABLE,
                           "the server is busy with other statistics and files; try again in a "
                           "moment",
                           NULL);
        http_reply_header(req, rep, "Retry-After", "1");
        return -1;
    }
    adm->holds_slot = 1;
    return 0;
}

/* An expensive route (http/guard.h): an anonymous reader's rate per address (429), then a
 * running slot (503), both with Retry-After. Returns 0 to go on, -1 when a reply was written.
 * Signed-in readers skip the rate: they are known, and their sessions have their own limits. */
static int guard_expensive(struct http_request *req, const struct route *route,
                           struct http_reply *rep, struct http_admission *adm)
{
    struct http_guard *g = req->site ? req->site->guard : NULL;
    if (!g || !(route->flags & ROUTE_EXPENSIVE))
        return 0;
    if (req->who.account_id == 0 && !req->who.is_cli) {
        int wait = http_guard_rate(g, req->client_addr, time_mono_ms());
        if (wait > 0) {
            char *detail = arena_printf(req->arena,
                                        _("too many statistics and file requests from this "
                                          "address; try again in %d s, or sign in"),
                                        wait);
            http_reply_problem(req, rep, BH_ETHROTTLED, detail, NULL);
            http_reply_header(req, rep, "Retry-After", arena_printf(req->arena, "%d", wait));
            return -1;
        }
    }
    if (route->flags & ROUTE_SLOT_ON_MISS)
        return 0; /* the handler takes it if it must compute */
    return take_slot(req, rep, adm);
}

int http_dispatch_take_slot(struct http_request *req, struct http_reply *rep)
{
    struct http_guard *g = req->site ? req->site->guard : NULL;
    if (!g || !req->admission || req->admission->holds_slot)
        return 0;
    return take_slot(req, rep, req->admission);
}

int http_dispatch_admit(struct http_request *req, const struct route *route, struct http_reply *rep,
                        struct http_admission *adm)
{
    char csrf[ACCOUNT_TOKEN_MAX] = "";
    adm->admitted = 0;
    req->admission = adm;
    rep->status = 200;
    if (bind_store(req, rep) || authenticate(req, route, rep, csrf))
        return -1;
    if (!role_can(req->who.role, route->perm)) {
        char *detail =
            arena_printf(req->arena, _("the %s role may not do this (needs %s)"),
                         role_name(req->who.role) ? role_name(req->who.role) : "anonymous",
                         permission_name(route->perm));
        http_reply_problem(req, rep, BH_EDENIED, detail, NULL);
        return -1;
    }
    if (check_csrf(req, route, rep, csrf) || check_content_type(req, route, rep) ||
        guard_expensive(req, route, rep, adm))
        return -1;
    adm->admitted = 1;
    return 0;
}

void http_dispatch_release(struct http_request *req, struct http_admission *adm)
{
    if (adm->holds_slot && req->site && req->site->guard)
        http_guard_leave(req->site->guard);
    adm->holds_slot = 0;
}

void http_dispatch(struct http_request *req, const struct route *route,
                   const struct http_admission *adm, struct http_reply *rep)
{
    rep->status = 200;
    if (!adm->admitted) {
        /* A caller that skipped the checks is a bug; the route is not run unchecked. */
        http_reply_problem(req, rep, BH_EINTERNAL, "the request was not checked", NULL);
        return;
    }
    /* Fetched again, not kept from admission: the handler must use the connection of the
     * thread it runs on (libmicrohttpd keeps a connection on one pool thread, so this is the
     * same one, but nothing here depends on that). */
    if (bind_store(req, rep))
        return;
    /* The handler's statements share one time budget; a streamed reply reads through its own
     * connection, which has none (a file of any size must be able to finish). */
    if (req->site && req->site->request_budget_ms > 0)
        db_set_deadline(req->db, time_mono_us() + (int64_t)req->site->request_budget_ms * 1000);
    const char *key = http_request_header(req, "Idempotency-Key");
    if (key && (route->flags & ROUTE_IDEMPOTENT) && req->who.account_id != 0)
        http_idempotency_run(req, route->handler, rep, key);
    else
        route->handler(req, rep);
    db_set_deadline(req->db, 0);
    finish_reply(req, rep);
}
