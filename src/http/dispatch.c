#include "http/dispatch.h"

#include "account/account.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "http/encoding.h"

#include <microhttpd.h>
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
    http_reply_problem(req, rep, 401, "UNAUTH", detail, field);
    http_reply_header(req, rep, "WWW-Authenticate", "Bearer realm=\"bluehelm\"");
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
    const char *authz = http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie =
        MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    if (!authz && !cookie) {
        if (is_public)
            return 0;
        reply_unauthorized(req, rep,
                           "sign in, or send an API token as `Authorization: Bearer TOKEN`", NULL);
        return -1;
    }
    struct db *db;
    struct bh_error err;
    int rc = http_request_db(req, &db, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return -1;
    }
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            reply_unauthorized(req, rep, "the Authorization header must be `Bearer TOKEN`",
                               "Authorization");
            return -1;
        }
        rc = account_token_lookup(db, authz + 7, &req->who, &err);
        if (rc) {
            /* A script with a wrong token must hear about it even on a public route. */
            reply_unauthorized(req, rep, "the API token is unknown or revoked", "Authorization");
            return -1;
        }
        req->auth = HTTP_AUTH_TOKEN;
        return 0;
    }
    int64_t expires_ms;
    rc = account_session_lookup(db, cookie, &req->who, csrf, &expires_ms, &err);
    if (rc) {
        principal_anonymous(&req->who);
        if (is_public)
            return 0;
        reply_unauthorized(req, rep, "your session has expired or was ended; sign in again",
                           HTTP_SESSION_COOKIE);
        http_reply_header(req, rep, "Set-Cookie",
                          req->secure ? HTTP_SESSION_COOKIE
                              "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
                                      : HTTP_SESSION_COOKIE
                              "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        return -1;
    }
    req->auth = HTTP_AUTH_COOKIE;
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
    http_reply_problem(req, rep, 403, "DENIED",
                       sent ? "the X-CSRF-Token header does not match this session"
                            : "a write with the session cookie needs the X-CSRF-Token header "
                              "(csrf_token from the sign-in reply)",
                       "X-CSRF-Token");
    return -1;
}

static int check_content_type(struct http_request *req, const struct route *route,
                              struct http_reply *rep)
{
    if (!(route->flags & ROUTE_JSON))
        return 0;
    const char *ct = http_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen("application/json");
    if (ct && strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';'))
        return 0;
    char *detail = arena_printf(req->arena, "the body must be application/json, not %s",
                                ct ? ct : "(no Content-Type)");
    http_reply_problem(req, rep, 415, "UNSUPPORTED", detail, "Content-Type");
    return -1;
}

static void request_hash(struct http_request *req, char out[65])
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)req->method, strlen(req->method) + 1);
    crypto_generichash_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
    crypto_generichash_update(&st, (const unsigned char *)req->body, req->body_len);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Looks up a stored reply for this key. Returns 1 when one was replayed into `rep` (or a
 * conflict written), 0 when the request must run, -1 on a store error (written). */
static int idempotency_replay(struct http_request *req, struct http_reply *rep, struct db *db,
                              const char *key, const char *hash)
{
    struct db_stmt *st;
    struct bh_error err;
    int rc = db_prepare(db,
                        "SELECT request_hash, status, content_type, body FROM idempotency "
                        "WHERE account_id = ? AND idem_key = ?",
                        &st, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return -1;
    }
    db_bind_int(st, 1, req->who.account_id);
    db_bind_text(st, 2, key);
    rc = db_step(st, &err);
    if (rc != DB_ROW) {
        db_stmt_done(st);
        if (rc < 0) {
            http_reply_error(req, rep, rc, &err);
            return -1;
        }
        return 0;
    }
    if (strcmp(db_column_text(st, 0), hash) != 0) {
        db_stmt_done(st);
        http_reply_problem(req, rep, 422, "CONFLICT",
                           "this Idempotency-Key was already used for a different request; "
                           "use a new key for a new request",
                           "Idempotency-Key");
        return 1;
    }
    rep->status = (int)db_column_int(st, 1);
    rep->content_type = arena_strdup(req->arena, db_column_text(st, 2));
    const char *body = db_column_text(st, 3);
    rep->body = arena_strdup(req->arena, body);
    rep->body_len = strlen(body);
    db_stmt_done(st);
    http_reply_header(req, rep, "Idempotent-Replayed", "true");
    return 1;
}

static int idempotency_store(struct http_request *req, struct http_reply *rep, struct db *db,
                             const char *key, const char *hash, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO idempotency (account_id, idem_key, method, path, "
                        "request_hash, status, content_type, body, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &st, err);
    if (rc)
        return rc;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, true, now);
    db_bind_int(st, 1, req->who.account_id);
    db_bind_text(st, 2, key);
    db_bind_text(st, 3, req->method);
    db_bind_text(st, 4, req->path);
    db_bind_text(st, 5, hash);
    db_bind_int(st, 6, rep->status);
    db_bind_text(st, 7, rep->content_type ? rep->content_type : "application/json");
    /* A reply carrying a secret is stored without it: the replay says the secret was already
     * shown (null) instead of keeping, say, an API token in the clear. */
    char *stored = NULL;
    if (rep->secret_field && rep->body) {
        json_t *j = json_loadb(rep->body, rep->body_len, 0, NULL);
        if (json_is_object(j) && json_object_get(j, rep->secret_field))
            json_object_set_new(j, rep->secret_field, json_null());
        stored = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
        json_decref(j);
    }
    db_bind_text(st, 8, stored ? stored : rep->body ? rep->body : "");
    free(stored);
    db_bind_text(st, 9, now);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Runs the handler under Idempotency-Key: the handler's writes and the stored reply commit in
 * one transaction, so a retry either finds the reply or finds nothing was written. Two
 * concurrent retries queue on the write lock and the second replays the first. */
static void run_idempotent(struct http_request *req, const struct route *route,
                           struct http_reply *rep, const char *key)
{
    size_t n = strlen(key);
    int printable = n > 0 && n <= 255;
    for (size_t i = 0; printable && i < n; i++)
        printable = key[i] > 0x20 && key[i] < 0x7f;
    if (!printable) {
        http_reply_problem(req, rep, 400, "INVALID",
                           "Idempotency-Key must be 1 to 255 printable ASCII characters",
                           "Idempotency-Key");
        return;
    }
    struct db *db;
    struct bh_error err;
    int rc = http_request_db(req, &db, &err);
    if (rc == 0)
        rc = db_begin(db, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    char hash[65];
    request_hash(req, hash);
    if (idempotency_replay(req, rep, db, key, hash) != 0) {
        db_rollback(db);
        return;
    }
    route->handler(req, rep);
    if (rep->status < 200 || rep->status > 299) {
        /* Failed requests are not stored: the client may fix the cause and retry. */
        db_rollback(db);
        return;
    }
    rc = idempotency_store(req, rep, db, key, hash, &err);
    if (rc == 0)
        rc = db_commit(db, &err);
    if (rc) {
        db_rollback(db);
        log_error("idempotency: %s", err.message);
        http_reply_error(req, rep, rc, &err);
    }
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
        const char *inm = http_request_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
            rep->status = 304;
            rep->body = NULL;
            rep->body_len = 0;
            return;
        }
    }
    char *z;
    size_t zlen;
    if (gzip && http_gzip(req->arena, rep->body, rep->body_len, &z, &zlen)) {
        rep->body = z;
        rep->body_len = zlen;
        http_reply_header(req, rep, "Content-Encoding", "gzip");
    }
}

int http_dispatch_admit(struct http_request *req, const struct route *route, struct http_reply *rep,
                        struct http_admission *adm)
{
    char csrf[ACCOUNT_TOKEN_MAX] = "";
    adm->admitted = 0;
    rep->status = 200;
    if (authenticate(req, route, rep, csrf))
        return -1;
    if (!role_can(req->who.role, route->perm)) {
        char *detail =
            arena_printf(req->arena, "the %s role may not do this (needs %s)",
                         role_name(req->who.role) ? role_name(req->who.role) : "anonymous",
                         permission_name(route->perm));
        http_reply_problem(req, rep, 403, "DENIED", detail, NULL);
        return -1;
    }
    if (check_csrf(req, route, rep, csrf) || check_content_type(req, route, rep))
        return -1;
    adm->admitted = 1;
    return 0;
}

void http_dispatch(struct http_request *req, const struct route *route,
                   const struct http_admission *adm, struct http_reply *rep)
{
    rep->status = 200;
    if (!adm->admitted) {
        /* A caller that skipped the checks is a bug; the route is not run unchecked. */
        http_reply_problem(req, rep, 500, "INTERNAL", "the request was not checked", NULL);
        return;
    }
    const char *key = http_request_header(req, "Idempotency-Key");
    if (key && (route->flags & ROUTE_IDEMPOTENT) && req->who.account_id != 0)
        run_idempotent(req, route, rep, key);
    else
        route->handler(req, rep);
    finish_reply(req, rep);
}
