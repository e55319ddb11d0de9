/* The member directory over HTTP: the real server, real sign-ins, real CSRF. GET lists with
 * filters and cursor pages, GET one, POST by an admin; everyone else is refused. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"

static struct test_server server;

/* The signed-in users. */
static struct test_session admin, focal;

/* China and Brazil as the catalog has them: co-chairs, China with its roles and the day it
 * joined. */
static const char *const orgs[] = { "DPO", "CHN", "BRA", "UNMISS" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &focal, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_orgs", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* Codes of a list reply's items, joined by spaces. */
static void codes(json_t *reply, char *out, size_t cap)
{
    size_t i, used = 0;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(reply, "items"), i, it)
    {
        int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "",
                         json_string_value(json_object_get(it, "code")));
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
}

/* api/orgs-list */
static void api_orgs_list(void **state)
{
    (void)state;
    struct test_response r;
    json_t *j = test_get_json(server.port, focal.headers, "/api/v1/orgs", 200);
    char got[256];
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN DPO UNMISS");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    assert_true(json_is_null(json_object_get(j, "next")));
    /* The whole object of one organization. */
    char *text = test_json_text(json_array_get(json_object_get(j, "items"), 1));
    assert_string_equal(text, "{\"code\":\"CHN\",\"country\":\"CHN\",\"joined\":\"2021-04-27\","
                              "\"kind\":\"member_state\",\"mission\":null,\"name\":\"China\","
                              "\"roles\":[\"tcc\",\"pcc\",\"financial\"],\"standing\":"
                              "\"co_chair\"}");
    free(text);
    json_decref(j);

    /* Pages of three: the cursor takes us on; the total counts all. */
    j = test_get_json(server.port, focal.headers, "/api/v1/orgs?limit=3", 200);
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN DPO");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    const char *next = json_string_value(json_object_get(j, "next"));
    assert_non_null(next);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/orgs?limit=3&cursor=%s", next);
    json_decref(j);
    j = test_get_json(server.port, focal.headers, path, 200);
    codes(j, got, sizeof got);
    assert_string_equal(got, "UNMISS");
    assert_true(json_is_null(json_object_get(j, "next")));
    json_decref(j);

    /* Filters, with the total of the filtered list. */
    j = test_get_json(server.port, focal.headers,
                      "/api/v1/orgs?kind=member_state&standing=co_chair", 200);
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);
    j = test_get_json(server.port, focal.headers, "/api/v1/orgs?kind=mission", 200);
    codes(j, got, sizeof got);
    assert_string_equal(got, "UNMISS");
    json_decref(j);

    test_world_call(&focal, "GET", "/api/v1/orgs?kind=navy", NULL, &r);
    assert_problem(&r, 400, "kind");
    test_response_free(&r);
    test_world_call(&focal, "GET", "/api/v1/orgs?standing=chair", NULL, &r);
    assert_problem(&r, 400, "standing");
    test_response_free(&r);
    test_world_call(&focal, "GET", "/api/v1/orgs?cursor=garbage", NULL, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
}

/* api/orgs-get */
static void api_orgs_get(void **state)
{
    (void)state;
    struct test_response r;
    json_t *j = test_get_json(server.port, focal.headers, "/api/v1/orgs/UNMISS", 200);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "mission");
    assert_string_equal(json_string_value(json_object_get(j, "mission")), "UNMISS");
    assert_string_equal(json_string_value(json_object_get(j, "standing")), "none");
    json_decref(j);
    test_world_call(&focal, "GET", "/api/v1/orgs/ATLANTIS", NULL, &r);
    assert_problem(&r, 404, "code");
    test_response_free(&r);
    test_world_call(NULL, "GET", "/api/v1/orgs/CHN", NULL, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* api/orgs-create */
static void api_orgs_create(void **state)
{
    (void)state;
    const char *nor = "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"Norway\","
                      "\"standing\":\"member\",\"roles\":[\"tcc\"],\"joined\":\"2022-03-01\"}";
    struct test_response r;

    /* A focal point may read the directory but not add to it. */
    test_world_call(&focal, "POST", "/api/v1/orgs", nor, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    test_world_call(&admin, "POST", "/api/v1/orgs", nor, &r);
    if (r.status != 201)
        fail_msg("expected 201, got %d: %s", r.status, r.body);
    assert_header(&r, "location", "/api/v1/orgs/NOR");
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Norway");
    assert_string_equal(json_string_value(json_object_get(j, "country")), "NOR");
    assert_string_equal(json_string_value(json_object_get(j, "joined")), "2022-03-01");
    json_decref(j);
    test_response_free(&r);

    test_world_call(&focal, "GET", "/api/v1/orgs/NOR", NULL, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);

    test_world_call(&admin, "POST", "/api/v1/orgs", nor, &r);
    assert_problem(&r, 409, "code");
    test_response_free(&r);

    const struct {
        const char *body;
        const char *field;
    } bad[] = {
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"Sweden\",\"size\":1}", "size" },
        { "{\"code\":\"sw\",\"kind\":\"un_entity\",\"name\":\"S\"}", "code" },
        { "{\"code\":\"SWE\",\"kind\":\"kingdom\",\"name\":\"Sweden\"}", "kind" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\"}", "name" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"standing\":\"x\"}",
          "standing" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"roles\":[\"navy\"]}",
          "roles" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"joined\":\"2099-01-01\"}",
          "joined" },
        { "{\"code\":\"UNXX\",\"kind\":\"mission\",\"name\":\"S\"}", "mission" },
        { "{\"code\":\"SWE\",\"code\":\"FIN\",\"kind\":\"member_state\",\"name\":\"S\"}", "body" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_world_call(&admin, "POST", "/api/v1/orgs", bad[i].body, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }

    /* Nothing of those was written. */
    j = test_get_json(server.port, focal.headers, "/api/v1/orgs", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
    json_decref(j);

    /* A cookie write without the CSRF token is refused. */
    char no_csrf[512];
    snprintf(no_csrf, sizeof no_csrf, "%.*s",
             (int)(strstr(admin.headers, "X-CSRF") - admin.headers), admin.headers);
    const char *fin = "{\"code\":\"FIN\",\"kind\":\"member_state\",\"name\":\"Finland\"}";
    test_call(server.port, no_csrf, "POST", "/api/v1/orgs", fin, &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    test_world_call(&focal, "GET", "/api/v1/orgs/FIN", NULL, &r);
    assert_int_equal(r.status, 404);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/orgs-list", api_orgs_list),
        BH_TEST("api/orgs-get", api_orgs_get),
        BH_TEST("api/orgs-create", api_orgs_create),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
