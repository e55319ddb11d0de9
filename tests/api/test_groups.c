/* Sharing groups over HTTP: coordinators and admins create; only the owner's coordinators and
 * admins change or delete (403 for the others: the directory is no secret); unknown members
 * fail naming the code and write nothing. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"

static struct test_server server;

/* The signed-in users. */
static struct test_session admin, chn_coord, bra_coord, chn_fp;

static const char *const orgs[] = { "DPO", "CHN", "BRA", "IDN", "RWA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "chn.coord", "CHN", "coordinator", NULL, &chn_coord, NULL, NULL },
    { "bra.coord", "BRA", "coordinator", NULL, &bra_coord, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &chn_fp, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_groups", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static long long group_total(void)
{
    json_t *j = test_get_json(server.port, chn_fp.headers, "/api/v1/groups", 200);
    long long total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return total;
}

/* The group's JSON without created_at, compact with sorted keys (heap). */
static char *group_text(const struct test_response *r)
{
    json_t *j = body_json(r);
    char *s = test_json_text(j);
    json_decref(j);
    return s;
}

/* api/groups-lifecycle */
static void api_groups_lifecycle(void **state)
{
    (void)state;
    struct test_response r;
    long long before = group_total();

    /* A focal point may not create a group. */
    test_world_call(&chn_fp, "POST", "/api/v1/groups", "{\"name\":\"FP group\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    /* An unknown member fails naming the code, and nothing is written. */
    test_world_call(&chn_coord, "POST", "/api/v1/groups",
                    "{\"name\":\"Sahel\",\"members\":[\"BRA\",\"ATLANTIS\"]}", &r);
    assert_problem(&r, 400, "members");
    assert_non_null(strstr(r.body, "ATLANTIS"));
    test_response_free(&r);
    assert_int_equal(group_total(), before);

    test_world_call(&chn_coord, "POST", "/api/v1/groups", "{\"name\":\"Sahel\",\"wat\":1}", &r);
    assert_problem(&r, 400, "wat");
    test_response_free(&r);
    test_world_call(&chn_coord, "POST", "/api/v1/groups", "{\"description\":\"no name\"}", &r);
    assert_problem(&r, 400, "name");
    test_response_free(&r);

    /* Created: the creator's organization owns it and is a member. */
    test_world_call(
        &chn_coord, "POST", "/api/v1/groups",
        "{\"name\":\"Sahel IED cell\",\"description\":\"IED incidents\",\"members\":[\"RWA\","
        "\"BRA\"]}",
        &r);
    if (r.status != 201)
        fail_msg("expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    char location[64], expect[256];
    snprintf(location, sizeof location, "/api/v1/groups/%lld", id);
    assert_header(&r, "location", location);
    char *text = group_text(&r);
    snprintf(expect, sizeof expect,
             "{\"description\":\"IED incidents\",\"id\":%lld,\"members\":[\"BRA\",\"CHN\",\"RWA\"],"
             "\"name\":\"Sahel IED cell\",\"owner\":\"CHN\"}",
             id);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    assert_int_equal(group_total(), before + 1);

    test_world_call(&bra_coord, "POST", "/api/v1/groups", "{\"name\":\"Sahel IED cell\"}", &r);
    assert_problem(&r, 409, "name");
    test_response_free(&r);

    /* Everyone signed in reads it. */
    test_world_call(&chn_fp, "GET", location, NULL, &r);
    assert_int_equal(r.status, 200);
    text = group_text(&r);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    test_world_call(&chn_fp, "GET", "/api/v1/groups/99999", NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&chn_fp, "GET", "/api/v1/groups/abc", NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);

    /* A member's coordinator who does not own it may not change or delete it; nor may the
     * owner's focal point. */
    test_world_call(&bra_coord, "PATCH", location, "{\"name\":\"Taken over\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(&chn_fp, "PATCH", location, "{\"name\":\"Taken over\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(&bra_coord, "DELETE", location, NULL, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    /* The owner's coordinator changes the members; the owner stays in. */
    test_world_call(&chn_coord, "PATCH", location, "{\"members\":[\"IDN\"]}", &r);
    assert_int_equal(r.status, 200);
    text = group_text(&r);
    snprintf(expect, sizeof expect,
             "{\"description\":\"IED incidents\",\"id\":%lld,\"members\":[\"CHN\",\"IDN\"],"
             "\"name\":\"Sahel IED cell\",\"owner\":\"CHN\"}",
             id);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    test_world_call(&chn_coord, "PATCH", location,
                    "{\"members\":[\"IDN\",\"NOPE\"],\"name\":\"x\"}", &r);
    assert_problem(&r, 400, "members");
    test_response_free(&r);

    /* An admin renames it. */
    test_world_call(&admin, "PATCH", location, "{\"name\":\"Sahel IED working cell\"}", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Sahel IED working cell");
    assert_string_equal(json_string_value(json_object_get(j, "owner")), "CHN");
    json_decref(j);
    test_response_free(&r);

    /* The owner's coordinator deletes it. */
    test_world_call(&chn_coord, "DELETE", location, NULL, &r);
    assert_int_equal(r.status, 204);
    test_response_free(&r);
    test_world_call(&chn_fp, "GET", location, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&chn_coord, "DELETE", location, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    assert_int_equal(group_total(), before);
}

/* api/groups-list-pages */
static void api_groups_list_pages(void **state)
{
    (void)state;
    struct test_response r;
    for (int i = 0; i < 5; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"name\":\"Page group %d\"}", i);
        test_world_call(&bra_coord, "POST", "/api/v1/groups", body, &r);
        assert_int_equal(r.status, 201);
        test_response_free(&r);
    }
    char path[256] = "/api/v1/groups?limit=2";
    int seen = 0, pages = 0;
    for (;;) {
        json_t *j = test_get_json(server.port, chn_fp.headers, path, 200);
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(j, "items"), i, g)
        {
            char name[32];
            snprintf(name, sizeof name, "Page group %d", seen++);
            assert_string_equal(json_string_value(json_object_get(g, "name")), name);
            assert_string_equal(json_string_value(json_object_get(g, "owner")), "BRA");
        }
        assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
        pages++;
        const char *next = json_string_value(json_object_get(j, "next"));
        if (next)
            snprintf(path, sizeof path, "/api/v1/groups?limit=2&cursor=%s", next);
        json_decref(j);
        if (!next)
            break;
    }
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 3);
    test_world_call(&chn_fp, "GET", "/api/v1/groups?cursor=zzz", NULL, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/groups-lifecycle", api_groups_lifecycle),
        BH_TEST("api/groups-list-pages", api_groups_list_pages),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
