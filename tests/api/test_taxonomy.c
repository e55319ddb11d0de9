/* GET /api/v1/taxonomy against the real server: public (no sign-in), the whole table with its
 * crosswalks as the code holds it, cacheable (Cache-Control and ETag / 304), and the same for
 * a signed-in user; it takes no writes. */
#include "api_helpers.h"

#include "taxonomy/taxonomy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADMIN_PASSWORD "taxonomy-admin-pass-1"

static struct test_server server;
static char *store;

static int setup(void **state)
{
    (void)state;
    store = test_init_seeded_store("api_taxonomy", ADMIN_PASSWORD);
    test_server_start(&server, store, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* The object in `array` whose member `key` is `value`, or NULL. */
static json_t *find(json_t *array, const char *key, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(array, i, o)
    {
        const char *v = json_string_value(json_object_get(o, key));
        if (v && strcmp(v, value) == 0)
            return o;
    }
    return NULL;
}

/* api/taxonomy-public: anonymous readers get every threat type with its crosswalks. */
static void taxonomy_public(void **state)
{
    (void)state;
    json_t *j = test_get_json(server.port, NULL, "/api/v1/taxonomy", 200);
    json_t *threats = json_object_get(j, "threat_types");
    assert_int_equal(json_array_size(threats), taxonomy_threats_count);
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        json_t *t = json_array_get(threats, i);
        assert_string_equal(json_string_value(json_object_get(t, "code")),
                            taxonomy_threats[i].code);
        assert_string_equal(json_string_value(json_object_get(t, "un_incident_type")),
                            taxonomy_threats[i].un_incident_type);
        assert_string_equal(json_string_value(json_object_get(t, "cap_category")),
                            taxonomy_threats[i].cap_category);
    }
    json_t *ied = find(threats, "code", "ied");
    assert_non_null(ied);
    assert_string_equal(json_string_value(json_object_get(ied, "label")),
                        "Improvised explosive device");
    assert_string_equal(json_string_value(json_object_get(ied, "class")), "attack");
    assert_string_equal(json_string_value(json_object_get(ied, "hxl")), "ied");
    assert_non_null(find(json_object_get(j, "targets"), "code", "camp_base"));
    assert_non_null(find(json_object_get(j, "activities"), "code", "logistics_convoy"));
    assert_non_null(find(json_object_get(j, "time_precisions"), "code", "week"));
    assert_non_null(find(json_object_get(j, "place_precisions"), "code", "admin1"));
    json_t *m23 = find(json_object_get(j, "known_groups"), "code", "m23");
    assert_non_null(m23);
    assert_string_equal(json_string_value(json_array_get(json_object_get(m23, "countries"), 0)),
                        "COD");
    json_t *acled = json_object_get(json_object_get(j, "crosswalks"), "acled");
    json_t *iedrow = find(acled, "sub_event_type", "Remote explosive/landmine/IED");
    assert_non_null(iedrow);
    assert_string_equal(json_string_value(json_object_get(iedrow, "threat_type")), "ied");
    json_t *ucdp = json_object_get(json_object_get(j, "crosswalks"), "ucdp");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(ucdp, 2), "type_of_violence")), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ucdp, 2), "threat_type")),
                        "violence_against_civilians");
    json_decref(j);
}

/* api/taxonomy-cacheable: a client may keep it an hour and revalidate with its ETag. */
static void taxonomy_cacheable(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/taxonomy", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "cache-control", "public, max-age=3600");
    assert_header(&r, "content-type", "application/json");
    test_response_free(&r);
    assert_not_modified(server.port, "/api/v1/taxonomy");
}

/* api/taxonomy-signed-in-same: signing in changes nothing in it; other methods are refused. */
static void taxonomy_signed_in_same(void **state)
{
    (void)state;
    struct test_session admin;
    test_sign_in(server.port, "admin", ADMIN_PASSWORD, &admin, NULL);
    struct test_response anon, signed_in, post;
    test_http(server.port, "GET", "/api/v1/taxonomy", NULL, NULL, 0, &anon);
    test_http(server.port, "GET", "/api/v1/taxonomy", admin.headers, NULL, 0, &signed_in);
    assert_int_equal(signed_in.status, 200);
    assert_string_equal(signed_in.body, anon.body);
    test_call(server.port, admin.headers, "POST", "/api/v1/taxonomy", "{}", &post);
    assert_int_equal(post.status, 405);
    test_response_free(&anon);
    test_response_free(&signed_in);
    test_response_free(&post);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/taxonomy-public", taxonomy_public),
        BH_TEST("api/taxonomy-cacheable", taxonomy_cacheable),
        BH_TEST("api/taxonomy-signed-in-same", taxonomy_signed_in_same),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
