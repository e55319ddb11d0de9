/* Sign-in, sessions, CSRF, API tokens and user administration through the real server:
 * cookies as a browser gets them, Bearer tokens as a script sends them, throttling with
 * Retry-After. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW_AMINA "blue helmets at dawn"
#define PW_OMAR  "Goma airport, gate 4"
#define PW_TESS  "Tessalit convoy 2013"

static struct test_server server;
static char *store;
static char admin_token[ACCOUNT_TOKEN_MAX]; /* omar's API token, made with the CLI */

/* Two organizations and three users, each with a password of their own. */
static const char *const orgs[] = { "RWA", "DPO" };
static const struct test_user users[] = {
    { "amina", "RWA", "focal_point", NULL, NULL, PW_AMINA, "Amina Diallo" },
    { "omar", "DPO", "admin", NULL, NULL, PW_OMAR, NULL },
    { "tess", "RWA", "reporter", NULL, NULL, PW_TESS, NULL },
};

/* The world in store `name`, omar's API token, and a server on it. */
static void start(const char *name)
{
    const struct test_world world = { .name = name, TEST_ORGS(orgs), TEST_USERS(users) };
    free(store);
    store = test_world_store(&world);
    test_create_token(store, "omar", "tests", admin_token, sizeof admin_token);
    test_server_start(&server, store, NULL);
}

static int setup(void **state)
{
    (void)state;
    start("api_session");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    store = NULL;
    return 0;
}

static const char *jstr(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void expect_status(const struct test_response *r, int status)
{
    if (r->status != status)
        fail_msg("status %d, expected %d; body: %s", r->status, status, r->body);
}

/* POST /api/v1/session. Returns the status; `set_cookie` gets the Set-Cookie value as sent
 * ("" when absent), `body_out` the reply body. */
static int raw_sign_in(const char *user, const char *pw, const char *extra_headers,
                       char *set_cookie, size_t cookie_cap, char *body_out, size_t body_cap)
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
    struct test_response r;
    test_call(server.port, extra_headers, "POST", "/api/v1/session", body, &r);
    const char *set = test_response_header(&r, "set-cookie");
    snprintf(set_cookie, cookie_cap, "%s", set ? set : "");
    snprintf(body_out, body_cap, "%s", r.body);
    int status = r.status;
    test_response_free(&r);
    return status;
}

/* api/session-sign-in: the cookie, the reply, and the session it opens */
static void api_session_sign_in(void **state)
{
    (void)state;
    char cookie[256], body[4096];
    int status = raw_sign_in("amina", PW_AMINA, NULL, cookie, sizeof cookie, body, sizeof body);
    if (status != 201)
        fail_msg("status %d: %s", status, body);
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    char expected[256];
    const char *tok = cookie + strlen("bh_session=");
    snprintf(expected, sizeof expected, "bh_session=%.47s; Path=/; HttpOnly; SameSite=Strict", tok);
    assert_string_equal(cookie, expected);
    struct test_response r;
    json_t *u = json_object_get(j, "user");
    assert_string_equal(jstr(u, "username"), "amina");
    assert_string_equal(jstr(u, "display_name"), "Amina Diallo");
    assert_string_equal(jstr(u, "org"), "RWA");
    assert_string_equal(jstr(u, "role"), "focal_point");
    assert_true(json_is_false(json_object_get(u, "disabled")));
    char *perms = json_dumps(json_object_get(u, "permissions"), JSON_COMPACT);
    /* A focal point also sends alerts, writes bulletins and manages its organization's
     * webhooks (issue 14), and subscribes nothing to external feeds (admins only); it tables
     * proposals and states its organization's position, records commitments and sets and
     * reports on actions, but neither chairs (extends, withdraws) nor schedules meetings
     * (issue 15). It writes, submits and publishes its organization's library documents,
     * comments on, reviews and endorses others' (issue 16). */
    assert_string_equal(
        perms, "[\"directory.read\",\"token.own\",\"record.read\","
               "\"record.write\",\"record.export\",\"alert.send\","
               "\"bulletin.write\",\"webhook.manage\",\"proposal.write\","
               "\"proposal.position\",\"commitment.write\",\"action.write\","
               "\"action.update\",\"library.write\",\"library.publish\","
               "\"library.comment\",\"library.review\",\"library.endorse\",\"capacity.request\","
               "\"capacity.offer\",\"capacity.train\"]");
    free(perms);
    assert_int_equal(strlen(jstr(j, "csrf_token")), 43);
    assert_int_equal(strlen(jstr(j, "expires_at")), 20);

    /* GET /session with the cookie: the same user and CSRF token. */
    char headers[256];
    snprintf(headers, sizeof headers, "Cookie: theme=dark; bh_session=%.47s\r\n", tok);
    test_http(server.port, "GET", "/api/v1/session", headers, NULL, 0, &r);
    expect_status(&r, 200);
    json_t *g = body_json(&r);
    assert_string_equal(jstr(g, "csrf_token"), jstr(j, "csrf_token"));
    assert_string_equal(jstr(g, "expires_at"), jstr(j, "expires_at"));
    assert_string_equal(jstr(json_object_get(g, "user"), "username"), "amina");
    json_decref(g);
    json_decref(j);
    test_response_free(&r);

    /* Behind TLS (a proxy says so) the cookie is Secure. */
    status = raw_sign_in("amina", PW_AMINA, "X-Forwarded-Proto: https\r\n", cookie, sizeof cookie,
                         body, sizeof body);
    assert_int_equal(status, 201);
    assert_contains(cookie, "; Path=/; HttpOnly; SameSite=Strict; Secure");

    /* Without credentials GET /session is 401. */
    test_http(server.port, "GET", "/api/v1/session", NULL, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);
}

/* api/session-wrong-credentials: wrong password and unknown user read the same */
static void api_session_wrong_credentials(void **state)
{
    (void)state;
    struct test_response r1, r2;
    const char *wrong = "{\"username\":\"amina\",\"password\":\"not her password\"}";
    const char *unknown = "{\"username\":\"nobody\",\"password\":\"" PW_AMINA "\"}";
    test_call(server.port, NULL, "POST", "/api/v1/session", wrong, &r1);
    test_call(server.port, NULL, "POST", "/api/v1/session", unknown, &r2);
    expect_status(&r1, 401);
    expect_status(&r2, 401);
    assert_null(test_response_header(&r1, "set-cookie"));
    json_t *a = body_json(&r1), *b = body_json(&r2);
    assert_string_equal(jstr(a, "detail"), "username or password is wrong");
    assert_string_equal(jstr(b, "detail"), jstr(a, "detail"));
    json_decref(a);
    json_decref(b);
    test_response_free(&r1);
    test_response_free(&r2);

    /* Bad bodies name the field. */
    const char *extra = "{\"username\":\"amina\",\"password\":\"x\",\"remember\":true}";
    test_call(server.port, NULL, "POST", "/api/v1/session", extra, &r1);
    assert_problem(&r1, 400, "remember");
    test_response_free(&r1);
    const char *missing = "{\"username\":\"amina\"}";
    test_call(server.port, NULL, "POST", "/api/v1/session", missing, &r1);
    assert_problem(&r1, 400, "password");
    test_response_free(&r1);

    test_server_read_log(&server);
    assert_contains(server.log, "sign-in failed");
    assert_contains(server.log, "username=nobody");
    assert_null(strstr(server.log, "not her password"));
}

/* api/session-csrf-and-sign-out */
static void api_session_csrf_and_sign_out(void **state)
{
    (void)state;
    struct test_session s;
    test_sign_in(server.port, "tess", PW_TESS, &s, NULL);
    struct test_response r;
    const char *body = "{\"name\":\"laptop\"}";
    char headers[640];

    /* A cookie write without the CSRF token is refused and writes nothing. */
    snprintf(headers, sizeof headers, "Cookie: bh_session=%s\r\n", s.cookie);
    test_call(server.port, headers, "POST", "/api/v1/tokens", body, &r);
    expect_status(&r, 403);
    test_response_free(&r);
    snprintf(headers, sizeof headers, "Cookie: bh_session=%s\r\nX-CSRF-Token: %s\r\n", s.cookie,
             "wrong-token");
    test_call(server.port, headers, "POST", "/api/v1/tokens", body, &r);
    expect_status(&r, 403);
    test_response_free(&r);
    json_t *j = test_get_json(server.port, s.headers, "/api/v1/tokens", 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);

    /* With it, the write goes through. */
    test_call(server.port, s.headers, "POST", "/api/v1/tokens", body, &r);
    expect_status(&r, 201);
    test_response_free(&r);

    /* Sign out: 204, the cookie cleared, the session gone. */
    test_http(server.port, "DELETE", "/api/v1/session", s.headers, NULL, 0, &r);
    expect_status(&r, 204);
    assert_contains(test_response_header(&r, "set-cookie"),
                    "bh_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/session", s.headers, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);

    /* A forged cookie is no session. */
    snprintf(headers, sizeof headers, "Cookie: bh_session=bhs_%043d\r\n", 5);
    test_http(server.port, "GET", "/api/v1/session", headers, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);
}

/* api/tokens-own: create once, use as Bearer, list, revoke; others' tokens are 404 */
static void api_tokens_own(void **state)
{
    (void)state;
    struct test_session s;
    test_sign_in(server.port, "amina", PW_AMINA, &s, NULL);
    const char *body = "{\"name\":\"nightly export\"}";
    struct test_response r;
    test_call(server.port, s.headers, "POST", "/api/v1/tokens", body, &r);
    expect_status(&r, 201);
    json_t *j = body_json(&r);
    char token[ACCOUNT_TOKEN_MAX];
    snprintf(token, sizeof token, "%s", jstr(j, "token"));
    json_int_t id = json_integer_value(json_object_get(j, "id"));
    assert_int_equal(strncmp(token, "bh_", 3), 0);
    assert_string_equal(jstr(j, "name"), "nightly export");
    assert_int_equal(strncmp(jstr(j, "prefix"), token, 10), 0);
    assert_non_null(jstr(j, "created_at"));
    json_decref(j);
    test_response_free(&r);

    /* The token works as Bearer and the list shows it used, never its text. */
    char auth[256];
    test_bearer(auth, sizeof auth, token);
    j = test_get_json(server.port, auth, "/api/v1/session", 200);
    assert_string_equal(jstr(json_object_get(j, "user"), "username"), "amina");
    assert_true(json_is_null(json_object_get(j, "csrf_token")));
    json_decref(j);
    test_http(server.port, "GET", "/api/v1/tokens", auth, NULL, 0, &r);
    expect_status(&r, 200);
    assert_null(strstr(r.body, token));
    j = body_json(&r);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(it, "id")), id);
    assert_true(json_is_string(json_object_get(it, "last_used_at")));
    assert_true(json_is_null(json_object_get(it, "revoked_at")));
    json_decref(j);
    test_response_free(&r);

    /* Someone else's token id is not found; so is a non-number. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)id);
    char admin[256];
    test_bearer(admin, sizeof admin, admin_token);
    test_http(server.port, "DELETE", path, admin, NULL, 0, &r);
    expect_status(&r, 404);
    test_response_free(&r);
    test_http(server.port, "DELETE", "/api/v1/tokens/abc", auth, NULL, 0, &r);
    expect_status(&r, 404);
    test_response_free(&r);

    /* Revoked: 204, then the token is refused at once. */
    test_http(server.port, "DELETE", path, auth, NULL, 0, &r);
    expect_status(&r, 204);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/tokens", auth, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);
    j = test_get_json(server.port, s.headers, "/api/v1/tokens", 200);
    assert_true(json_is_string(
        json_object_get(json_array_get(json_object_get(j, "items"), 0), "revoked_at")));
    json_decref(j);
}

/* api/users-admin: list, create, read, change; others may not */
static void api_users_admin(void **state)
{
    (void)state;
    char auth[256];
    test_bearer(auth, sizeof auth, admin_token);
    struct test_response r;

    json_t *j = test_get_json(server.port, auth, "/api/v1/users?limit=2", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(jstr(json_array_get(items, 0), "username"), "amina");
    assert_string_equal(jstr(json_array_get(items, 1), "username"), "omar");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/users?limit=2&cursor=%s", jstr(j, "next"));
    json_decref(j);
    j = test_get_json(server.port, auth, path, 200);
    assert_string_equal(jstr(json_array_get(json_object_get(j, "items"), 0), "username"), "tess");
    assert_true(json_is_null(json_object_get(j, "next")));
    json_decref(j);

    const char *weak = "{\"username\":\"zara\",\"password\":\"zara\",\"org\":\"RWA\","
                       "\"role\":\"analyst\"}";
    test_call(server.port, auth, "POST", "/api/v1/users", weak, &r);
    assert_problem(&r, 400, "password");
    test_response_free(&r);
    const char *badrole = "{\"username\":\"zara\",\"password\":\"a long passphrase\","
                          "\"org\":\"RWA\",\"role\":\"chief\"}";
    test_call(server.port, auth, "POST", "/api/v1/users", badrole, &r);
    assert_problem(&r, 400, "role");
    test_response_free(&r);

    const char *good = "{\"username\":\"zara\",\"password\":\"a long passphrase\","
                       "\"org\":\"RWA\",\"role\":\"analyst\",\"display_name\":\"Zara K.\"}";
    test_call(server.port, auth, "POST", "/api/v1/users", good, &r);
    expect_status(&r, 201);
    assert_header(&r, "location", "/api/v1/users/zara");
    j = body_json(&r);
    assert_string_equal(jstr(j, "role"), "analyst");
    assert_string_equal(jstr(j, "display_name"), "Zara K.");
    assert_null(json_object_get(j, "password"));
    json_decref(j);
    test_response_free(&r);
    test_call(server.port, auth, "POST", "/api/v1/users", good, &r);
    expect_status(&r, 409);
    test_response_free(&r);

    /* zara signs in, makes a token; disabling her stops both. */
    struct test_session s;
    test_sign_in(server.port, "zara", "a long passphrase", &s, NULL);
    const char *tb = "{\"name\":\"r scripts\"}";
    test_call(server.port, s.headers, "POST", "/api/v1/tokens", tb, &r);
    expect_status(&r, 201);
    j = body_json(&r);
    char ztoken[ACCOUNT_TOKEN_MAX];
    snprintf(ztoken, sizeof ztoken, "%s", jstr(j, "token"));
    json_decref(j);
    test_response_free(&r);
    char zauth[256];
    test_bearer(zauth, sizeof zauth, ztoken);

    /* Not an admin: 403 on user administration. */
    test_http(server.port, "GET", "/api/v1/users", zauth, NULL, 0, &r);
    expect_status(&r, 403);
    test_response_free(&r);

    const char *patch = "{\"disabled\":true,\"role\":\"auditor\"}";
    test_call(server.port, auth, "PATCH", "/api/v1/users/zara", patch, &r);
    expect_status(&r, 200);
    j = body_json(&r);
    assert_true(json_is_true(json_object_get(j, "disabled")));
    assert_string_equal(jstr(j, "role"), "auditor");
    json_decref(j);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/session", zauth, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/session", s.headers, NULL, 0, &r);
    expect_status(&r, 401);
    test_response_free(&r);
    const char *zsign = "{\"username\":\"zara\",\"password\":\"a long passphrase\"}";
    test_call(server.port, NULL, "POST", "/api/v1/session", zsign, &r);
    expect_status(&r, 401);
    test_response_free(&r);

    const char *unknown = "{\"nickname\":\"z\"}";
    test_call(server.port, auth, "PATCH", "/api/v1/users/zara", unknown, &r);
    expect_status(&r, 400);
    test_response_free(&r);
    const char *self = "{\"disabled\":true}";
    test_call(server.port, auth, "PATCH", "/api/v1/users/omar", self, &r);
    expect_status(&r, 409);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/users/nobody", auth, NULL, 0, &r);
    expect_status(&r, 404);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/users/zara", auth, NULL, 0, &r);
    expect_status(&r, 200);
    test_response_free(&r);
}

/* api/session-throttled: 429 with a growing Retry-After, then success */
static void api_session_throttled(void **state)
{
    (void)state;
    /* Its own store and server: the failure counters of 127.0.0.1 start at zero. */
    teardown(state);
    start("api_session_throttle");
    const char *wrong = "{\"username\":\"tess\",\"password\":\"a wrong guess!\"}";
    const char *right = "{\"username\":\"tess\",\"password\":\"" PW_TESS "\"}";
    struct test_response r;
    for (int i = 0; i < 5; i++) {
        test_call(server.port, NULL, "POST", "/api/v1/session", wrong, &r);
        expect_status(&r, 401);
        test_response_free(&r);
    }
    test_call(server.port, NULL, "POST", "/api/v1/session", right, &r);
    expect_status(&r, 429);
    assert_header(&r, "retry-after", "1");
    assert_null(test_response_header(&r, "set-cookie"));
    json_t *j = body_json(&r);
    assert_contains(jstr(j, "detail"), "too many failed sign-ins");
    json_decref(j);
    test_response_free(&r);

    usleep(1100 * 1000);
    test_call(server.port, NULL, "POST", "/api/v1/session", wrong, &r);
    expect_status(&r, 401);
    test_response_free(&r);
    test_call(server.port, NULL, "POST", "/api/v1/session", right, &r);
    expect_status(&r, 429);
    assert_header(&r, "retry-after", "2");
    test_response_free(&r);

    usleep(2100 * 1000);
    test_call(server.port, NULL, "POST", "/api/v1/session", right, &r);
    expect_status(&r, 201);
    test_response_free(&r);

    test_server_read_log(&server);
    assert_contains(server.log, "sign-in refused while throttled");
    assert_contains(server.log, "username=tess");
    assert_null(strstr(server.log, "a wrong guess"));
    assert_null(strstr(server.log, PW_TESS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/session-sign-in", api_session_sign_in),
        BH_TEST("api/session-wrong-credentials", api_session_wrong_credentials),
        BH_TEST("api/session-csrf-and-sign-out", api_session_csrf_and_sign_out),
        BH_TEST("api/tokens-own", api_tokens_own),
        BH_TEST("api/users-admin", api_users_admin),
        BH_TEST("api/session-throttled", api_session_throttled),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
