/* POST /api/v1/me/password against the real server: a user changes their own password. The
 * current one is checked (and a wrong one counts as a failed sign-in), the policy applies to the
 * new one, the user's other sessions end and this one goes on, and the change is audited
 * without the password in it. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD     "correct horse battery staple"
#define NEW_PASSWORD "a quieter evening by the lake"

static struct test_server server;
static struct test_session olga;

static const char *const orgs[] = { "NOR" };
static const struct test_user users[] = {
    { "olga.auditor", "NOR", "auditor", NULL, &olga, NULL, NULL },
    { "pat.focal", "NOR", "focal_point", NULL, NULL, NULL, NULL },
    { "rui.reporter", "NOR", "reporter", NULL, NULL, NULL, NULL },
    { "tess.focal", "NOR", "focal_point", NULL, NULL, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_me_password", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static void change(const struct test_session *s, const char *current, const char *fresh,
                   struct test_response *r)
{
    json_t *body = json_pack("{s:s, s:s}", "current_password", current, "new_password", fresh);
    char *text = json_dumps(body, 0);
    test_world_call(s, "POST", "/api/v1/me/password", text, r);
    free(text);
    json_decref(body);
}

static int sign_in_status(const char *username, const char *password)
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
    return test_world_status(NULL, "POST", "/api/v1/session", body);
}

/* api/me-password-changes: the right current password and a good new one: 200; the other
 * session ends, this one goes on; the old password no longer signs in, the new one does; the
 * log has user.password by the user, marked self, without either password. */
static void changes(void **state)
{
    (void)state;
    struct test_session here, elsewhere;
    test_sign_in(server.port, "pat.focal", PASSWORD, &here, NULL);
    test_sign_in(server.port, "pat.focal", PASSWORD, &elsewhere, NULL);
    struct test_response r;
    change(&here, PASSWORD, NEW_PASSWORD, &r);
    if (r.status != 200)
        fail_msg("change: %d %s", r.status, r.body);
    json_t *j = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "sessions_ended")), 1);
    json_decref(j);
    test_response_free(&r);

    assert_int_equal(test_world_status(&here, "GET", "/api/v1/session", NULL), 200);
    assert_int_equal(test_world_status(&elsewhere, "GET", "/api/v1/session", NULL), 401);
    assert_int_equal(sign_in_status("pat.focal", PASSWORD), 401);
    assert_int_equal(sign_in_status("pat.focal", NEW_PASSWORD), 201);

    json_t *page = test_get_json(server.port, olga.headers,
                                 "/api/v1/audit?action=user.password&user=pat.focal", 200);
    json_t *items = json_object_get(page, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *e = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(e, "record_id")), "pat.focal");
    json_t *summary = json_object_get(e, "summary");
    assert_true(json_is_true(json_object_get(summary, "self")));
    assert_int_equal(json_integer_value(json_object_get(summary, "sessions_ended")), 1);
    char *text = json_dumps(summary, 0);
    assert_null(strstr(text, "horse"));
    assert_null(strstr(text, "lake"));
    free(text);
    json_decref(page);
}

/* api/me-password-refusals: a wrong current password, a new one the policy refuses, the same
 * password again, a missing field: 400 naming the field; nothing changes (the password still
 * signs in, the session still works). Nobody signed in: 401; a session without the CSRF token:
 * 403. */
static void refusals(void **state)
{
    (void)state;
    struct test_session s;
    test_sign_in(server.port, "rui.reporter", PASSWORD, &s, NULL);
    static const struct {
        const char *current, *fresh, *field;
    } cases[] = {
        { "not my password at all", NEW_PASSWORD, "current_password" },
        { PASSWORD, "short", "new_password" },
        { PASSWORD, "aaaaaaaaaaaaaaaa", "new_password" },
        { PASSWORD, "rui.reporter", "new_password" },
        { PASSWORD, PASSWORD, "new_password" },
        { "", NEW_PASSWORD, "current_password" },
        { PASSWORD, "", "new_password" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        change(&s, cases[i].current, cases[i].fresh, &r);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    struct test_response r;
    test_world_call(&s, "POST", "/api/v1/me/password", "{\"new_password\": \"x\"}", &r);
    assert_problem(&r, 400, "current_password");
    test_response_free(&r);
    assert_int_equal(test_world_status(&s, "GET", "/api/v1/session", NULL), 200);
    assert_int_equal(sign_in_status("rui.reporter", PASSWORD), 201);

    /* Authenticated before the body is read: nobody gets 401 whatever the body says. */
    test_world_call(
        NULL, "POST", "/api/v1/me/password",
        "{\"current_password\": \"" PASSWORD "\", \"new_password\": \"" NEW_PASSWORD "\"}", &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    char cookie_only[256];
    snprintf(cookie_only, sizeof cookie_only, "Cookie: bh_session=%s\r\n", s.cookie);
    test_call(server.port, cookie_only, "POST", "/api/v1/me/password",
              "{\"current_password\": \"" PASSWORD "\", \"new_password\": \"" NEW_PASSWORD "\"}",
              &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    assert_int_equal(sign_in_status("rui.reporter", PASSWORD), 201);
}

/* api/me-password-throttled: wrong current passwords count as failed sign-ins of the account:
 * after the free ones the change is refused with 429 and Retry-After, and so is signing in with
 * the right password. Last in the file: the address's counter is locked too. */
static void throttled(void **state)
{
    (void)state;
    struct test_session s;
    test_sign_in(server.port, "tess.focal", PASSWORD, &s, NULL);
    int refused = 0;
    for (int i = 0; i < ACCOUNT_THROTTLE_FREE_FAILURES + 4; i++) {
        struct test_response r;
        change(&s, "a wrong guess number one", NEW_PASSWORD, &r);
        if (r.status == 429) {
            refused++;
            assert_non_null(test_response_header(&r, "retry-after"));
            assert_problem(&r, 429, "current_password");
        } else {
            if (i < ACCOUNT_THROTTLE_FREE_FAILURES && r.status != 400)
                fail_msg("attempt %d: %d, expected 400 before %d failures", i + 1, r.status,
                         ACCOUNT_THROTTLE_FREE_FAILURES);
            assert_problem(&r, 400, "current_password");
        }
        test_response_free(&r);
    }
    assert_true(refused >= 1);
    assert_int_equal(sign_in_status("tess.focal", PASSWORD), 429);
}

int main(void)
{
    test_world_use(&world, &server);
    const struct CMUnitTest tests[] = {
        BH_TEST("api/me-password-changes", changes),
        BH_TEST("api/me-password-refusals", refusals),
        BH_TEST("api/me-password-throttled", throttled),
    };
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
