/* External CAP feeds over HTTP (docs/extfeeds.md): only admins (feed.manage) subscribe, bad
 * URLs and intervals are refused naming the field, and the server's own poller (the worker in
 * serve_workers) imports a feed served by the tests' HTTP fixture, whose alerts in MINUSCA's
 * area are listed as context for MINUSCA under each alert's own visibility. */
#include "api_helpers.h"
#include "http_fixture.h"
#include "world.h"

#include "base/timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD "Ouaka river flood 2026"

static struct test_server server;
static struct test_session admin, car_rep;

static const char *const orgs[] = { "DPO", "FRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "car_rep", "FRA", "reporter", "MINUSCA", &car_rep, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_extfeeds", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* api/extfeeds-manage */
static void api_extfeeds_manage(void **state)
{
    (void)state;
    struct test_response r;
    test_world_call(&car_rep, "GET", "/api/v1/feeds", NULL, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(&admin, "POST", "/api/v1/feeds",
                    "{\"url\":\"file:///etc/passwd\",\"name\":\"x\"}", &r);
    assert_problem(&r, 400, "url");
    test_response_free(&r);
    test_world_call(&admin, "POST", "/api/v1/feeds",
                    "{\"url\":\"http://127.0.0.1:9/a\",\"name\":\"x\",\"interval_s\":30}", &r);
    assert_problem(&r, 400, "interval_s");
    test_response_free(&r);
    test_world_call(&admin, "POST", "/api/v1/feeds",
                    "{\"url\":\"http://127.0.0.1:9/a\",\"name\":\"x\",\"colour\":1}", &r);
    assert_problem(&r, 400, "colour");
    test_response_free(&r);

    /* Disabled, so the server's poller leaves it alone. */
    test_world_call(&admin, "POST", "/api/v1/feeds",
                    "{\"url\":\"http://127.0.0.1:9/a\",\"name\":\"Met\",\"enabled\":false}", &r);
    assert_int_equal(r.status, 201);
    json_t *j = body_json(&r);
    test_response_free(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    assert_int_equal(json_integer_value(json_object_get(j, "interval_s")), 300);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "new");
    json_decref(j);
    test_world_call(&admin, "POST", "/api/v1/feeds",
                    "{\"url\":\"http://127.0.0.1:9/a\",\"name\":\"again\"}", &r);
    assert_problem(&r, 409, "url");
    test_response_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/feeds/%lld", id);
    test_world_call(&admin, "PATCH", path, "{\"interval_s\":900}", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "interval_s")), 900);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Met");
    json_decref(j);
    test_response_free(&r);
    test_world_call(&admin, "DELETE", path, NULL, &r);
    assert_int_equal(r.status, 204);
    test_response_free(&r);
    test_world_call(&admin, "GET", path, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
}

/* Waits (on the condition, at most 20 s) until the feed at `path` has been polled. */
static json_t *wait_polled(const char *path)
{
    int64_t until = time_mono_ms() + 20000;
    for (;;) {
        json_t *j = test_get_json(server.port, admin.headers, path, 200);
        const char *st = json_string_value(json_object_get(j, "status"));
        if (strcmp(st, "new") != 0 || time_mono_ms() > until)
            return j;
        json_decref(j);
        usleep(50000);
    }
}

static size_t context_count(const struct test_session *u, const char *first_headline)
{
    json_t *j =
        test_get_json(server.port, u->headers, "/api/v1/alerts/context?mission=MINUSCA", 200);
    json_t *items = json_object_get(j, "items");
    size_t n = json_array_size(items);
    if (first_headline) {
        assert_true(n > 0);
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(items, n - 1), "headline")),
            first_headline);
    }
    json_decref(j);
    return n;
}

/* api/extfeeds-context-visibility: the server polls two feeds; the public flood and the
 * restricted security alert both touch MINUSCA's area; MINUSCA's reporter sees only the public
 * one, the secretariat (which subscribed, and owns the restricted import) both. */
static void api_extfeeds_context_visibility(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("api_extfeeds_www");
    const char *files[] = { "gdacs.atom", "outside.cap", "restricted.atom" };
    for (size_t i = 0; i < 3; i++)
        http_fixture_add(dir, files[i]);
    struct http_fixture *srv = http_fixture_start(dir);
    long long ids[2];
    for (int i = 0; i < 2; i++) {
        char body[300];
        snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/%s\",\"name\":\"f%d\"}",
                 http_fixture_port(srv), i ? "restricted.atom" : "gdacs.atom", i);
        struct test_response r;
        test_world_call(&admin, "POST", "/api/v1/feeds", body, &r);
        assert_int_equal(r.status, 201);
        json_t *j = body_json(&r);
        ids[i] = json_integer_value(json_object_get(j, "id"));
        json_decref(j);
        test_response_free(&r);
    }
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/v1/feeds/%lld", ids[i]);
        json_t *j = wait_polled(path);
        assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
        assert_true(json_is_null(json_object_get(j, "error")));
        assert_int_equal(json_integer_value(json_object_get(j, "alerts_imported")), i ? 1 : 2);
        json_decref(j);
    }
    assert_int_equal(context_count(&car_rep, "Flood alert for the Ouaka river basin"), 1);
    assert_int_equal(context_count(&admin, NULL), 2);

    struct test_response r;
    test_world_call(&car_rep, "GET", "/api/v1/alerts/context", NULL, &r);
    assert_problem(&r, 400, "mission");
    test_response_free(&r);
    test_world_call(&car_rep, "GET", "/api/v1/alerts/context?mission=NOPE", NULL, &r);
    assert_problem(&r, 404, "mission");
    test_response_free(&r);
    http_fixture_stop(srv);
}

/* The world served with loopback allowed for feeds: the fixture the server polls is on
 * 127.0.0.1, which the request forgery guard refuses by default. */
static int setup(void **state)
{
    (void)state;
    static const char *const args[] = { "--feed-allow-hosts", "127.0.0.1/32", NULL };
    free(test_world_serve(&world, &server, args));
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/extfeeds-manage", api_extfeeds_manage),
        BH_TEST("api/extfeeds-context-visibility", api_extfeeds_context_visibility),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, setup, test_world_teardown);
}
