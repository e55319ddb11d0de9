/* GET/PATCH /api/v1/me against the real server: the reader's own time zone. It is set to an
 * IANA name, read back (in /me and in the session, where the app reads it), cleared with null
 * or "", refused by name when unknown (and then nothing changes, the language included), and
 * every change is audited as user.time_zone. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "correct horse battery staple"

static struct test_server server;
static struct test_session olga, pat;

static const char *const orgs[] = { "NOR" };
static const struct test_user users[] = {
    { "olga.auditor", "NOR", "auditor", NULL, &olga, NULL, NULL },
    { "pat.focal", "NOR", "focal_point", NULL, &pat, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_me_time_zone", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* PATCH /api/v1/me as pat with `body`; the reply's JSON into *reply when 200. */
static int patch_me(const char *body, json_t **reply)
{
    struct test_response r;
    test_world_call(&pat, "PATCH", "/api/v1/me", body, &r);
    int status = r.status;
    if (reply)
        *reply = status == 200 ? body_json(&r) : NULL;
    test_response_free(&r);
    return status;
}

/* pat's time zone as GET /api/v1/me and GET /api/v1/session both say it ("" for null); fails
 * when they disagree. */
static void zone_now(char *out, size_t cap)
{
    json_t *me = test_get_json(server.port, pat.headers, "/api/v1/me", 200);
    json_t *s = test_get_json(server.port, pat.headers, "/api/v1/session", 200);
    json_t *a = json_object_get(me, "time_zone"),
           *b = json_object_get(json_object_get(s, "user"), "time_zone");
    if (!a || !b)
        fail_msg("time_zone missing: /me has it %s, the session %s", a ? "yes" : "no",
                 b ? "yes" : "no");
    const char *za = json_string_value(a), *zb = json_string_value(b);
    if ((za == NULL) != (zb == NULL) || (za && strcmp(za, zb) != 0))
        fail_msg("/me says %s, the session %s", za ? za : "null", zb ? zb : "null");
    assert_string_equal(json_string_value(json_object_get(me, "username")), "pat.focal");
    snprintf(out, cap, "%s", za ? za : "");
    json_decref(me);
    json_decref(s);
}

/* api/me-time-zone-set-clear: unset at first; set, read back, changed, cleared with null and
 * with ""; each change audited with the new value. */
static void set_clear(void **state)
{
    (void)state;
    char zone[64];
    zone_now(zone, sizeof zone);
    assert_string_equal(zone, "");

    json_t *reply = NULL;
    assert_int_equal(patch_me("{\"time_zone\":\"Asia/Shanghai\"}", &reply), 200);
    assert_string_equal(json_string_value(json_object_get(reply, "time_zone")), "Asia/Shanghai");
    json_decref(reply);
    zone_now(zone, sizeof zone);
    assert_string_equal(zone, "Asia/Shanghai");

    /* An alias ICU knows is kept as written. */
    assert_int_equal(patch_me("{\"time_zone\":\"US/Eastern\"}", NULL), 200);
    zone_now(zone, sizeof zone);
    assert_string_equal(zone, "US/Eastern");

    assert_int_equal(patch_me("{\"time_zone\":null}", &reply), 200);
    assert_true(json_is_null(json_object_get(reply, "time_zone")));
    json_decref(reply);
    zone_now(zone, sizeof zone);
    assert_string_equal(zone, "");

    assert_int_equal(patch_me("{\"time_zone\":\"Africa/Bangui\"}", NULL), 200);
    assert_int_equal(patch_me("{\"time_zone\":\"\"}", NULL), 200);
    zone_now(zone, sizeof zone);
    assert_string_equal(zone, "");

    /* Both settings in one request. */
    assert_int_equal(patch_me("{\"language\":\"fr\",\"time_zone\":\"Europe/Paris\"}", &reply), 200);
    assert_string_equal(json_string_value(json_object_get(reply, "language")), "fr");
    assert_string_equal(json_string_value(json_object_get(reply, "time_zone")), "Europe/Paris");
    json_decref(reply);

    json_t *page = test_get_json(server.port, olga.headers,
                                 "/api/v1/audit?action=user.time_zone&user=pat.focal", 200);
    json_t *items = json_object_get(page, "items");
    assert_int_equal(json_array_size(items), 6);
    /* Each entry names pat and the zone set (null when cleared), whatever their order. */
    int paris = 0, shanghai = 0, cleared = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *e = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(e, "record_id")), "pat.focal");
        json_t *z = json_object_get(json_object_get(e, "summary"), "time_zone");
        const char *name = json_string_value(z);
        paris += name && strcmp(name, "Europe/Paris") == 0;
        shanghai += name && strcmp(name, "Asia/Shanghai") == 0;
        cleared += json_is_null(z);
    }
    assert_int_equal(paris, 1);
    assert_int_equal(shanghai, 1);
    assert_int_equal(cleared, 2);
    json_decref(page);
}

/* api/me-time-zone-refused: an unknown zone, an offset, a path, a number, a name too long:
 * 400 naming time_zone and quoting the value; nothing changes, the language sent beside it
 * included. Nobody signed in: 401. */
static void refused(void **state)
{
    (void)state;
    assert_int_equal(patch_me("{\"language\":\"es\",\"time_zone\":\"Asia/Tokyo\"}", NULL), 200);
    static const struct {
        const char *body, *quoted;
    } bad[] = {
        { "{\"time_zone\":\"Mars/Olympus\"}", "'Mars/Olympus'" },
        { "{\"time_zone\":\"+05:00\"}", "'+05:00'" },
        { "{\"time_zone\":\"../../etc/passwd\"}", "'../../etc/passwd'" },
        { "{\"time_zone\":\"Etc/Unknown\"}", "'Etc/Unknown'" },
        { "{\"time_zone\":5}", NULL },
        { "{\"language\":\"ru\",\"time_zone\":\"Mars/Olympus\"}", "'Mars/Olympus'" },
        { "{\"time_zone\":\"America/"
          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
          "AAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
          "'America/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        test_world_call(&pat, "PATCH", "/api/v1/me", bad[i].body, &r);
        assert_problem(&r, 400, "time_zone");
        if (bad[i].quoted && !strstr(r.body, bad[i].quoted))
            fail_msg("%s: the problem does not quote %s: %s", bad[i].body, bad[i].quoted, r.body);
        test_response_free(&r);
    }
    json_t *me = test_get_json(server.port, pat.headers, "/api/v1/me", 200);
    assert_string_equal(json_string_value(json_object_get(me, "time_zone")), "Asia/Tokyo");
    assert_string_equal(json_string_value(json_object_get(me, "language")), "es");
    json_decref(me);

    struct test_response r;
    test_world_call(NULL, "PATCH", "/api/v1/me", "{\"time_zone\":\"Asia/Tokyo\"}", &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
    test_world_call(NULL, "GET", "/api/v1/me", NULL, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

int main(void)
{
    test_world_use(&world, &server);
    const struct CMUnitTest tests[] = {
        BH_TEST("api/me-time-zone-set-clear", set_clear),
        BH_TEST("api/me-time-zone-refused", refused),
    };
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
