/* GET /api/v1/vocabulary against the real server: public, every role of src/principal, every
 * permission of the registry (src/api/api.h) and every organization kind, standing and
 * contributor role of src/org has its words (so the browser, which keeps no copy, never shows a
 * bare code), with the values the app showed before it read them from here; cacheable (ETag /
 * 304). */
#include "api_helpers.h"

#include "api/api.h"
#include "org/org.h"
#include "principal/principal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct test_server server;
static char *store;

static int setup(void **state)
{
    (void)state;
    store = test_init_seeded_store("api_vocabulary", "vocabulary-admin-pass-1");
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

/* The string at j[a][b], or NULL. */
static const char *str2(json_t *j, const char *a, const char *b)
{
    return json_string_value(json_object_get(json_object_get(j, a), b));
}

/* api/vocabulary-values: anonymous readers get the words for the codes. */
static void vocabulary_values(void **state)
{
    (void)state;
    json_t *j = test_get_json(server.port, NULL, "/api/v1/vocabulary", 200);
    json_t *fp = json_object_get(json_object_get(j, "roles"), "focal_point");
    assert_string_equal(json_string_value(json_object_get(fp, "label")), "Focal point");
    assert_string_equal(json_string_value(json_object_get(fp, "who")), "members' representatives");
    assert_string_equal(str2(j, "permissions", "record.export"), "Export in bulk");
    assert_string_equal(str2(j, "permissions", "data.import"),
                        "Import published data (UN fatalities, deployments)");
    assert_null(json_object_get(json_object_get(j, "permissions"), "none"));
    assert_int_equal(json_object_size(json_object_get(j, "org_kinds")), 4);
    assert_string_equal(str2(j, "org_kinds", "member_state"), "Member state");
    assert_string_equal(str2(j, "org_kinds", "regional_org"), "Regional organization");
    assert_string_equal(str2(j, "org_kinds", "un_entity"), "UN entity");
    assert_string_equal(str2(j, "org_kinds", "mission"), "Mission");
    assert_string_equal(str2(j, "standings", "co_chair"), "Co-chair");
    assert_string_equal(str2(j, "standings", "none"), "None (not in the group)");
    json_t *tcc = json_object_get(json_object_get(j, "org_roles"), "tcc");
    assert_int_equal(json_array_size(tcc), 2);
    assert_string_equal(json_string_value(json_array_get(tcc, 0)), "Troops");
    assert_string_equal(json_string_value(json_array_get(tcc, 1)), "Troop-contributing");
    json_decref(j);
}

/* api/vocabulary-every-code: every code the C side knows has a non-empty label, and nothing
 * else is listed, so a new role or permission cannot reach the browser unnamed. */
static void vocabulary_every_code(void **state)
{
    (void)state;
    json_t *j = test_get_json(server.port, NULL, "/api/v1/vocabulary", 200);
    json_t *roles = json_object_get(j, "roles");
    assert_int_equal(json_object_size(roles), ROLE_COUNT - 1);
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
        json_t *o = json_object_get(roles, role_name((enum role)r));
        if (!o || !*str2(roles, role_name((enum role)r), "label") ||
            !*str2(roles, role_name((enum role)r), "who"))
            fail_msg("role %s has no label or no who", role_name((enum role)r));
    }
    /* Every permission of the registry (api.h: the platform's and each capability's). */
    json_t *perms = json_object_get(j, "permissions");
    size_t nperms = 0;
    for (const struct permission *p = permission_next(api_permissions, NULL); p;
         p = permission_next(api_permissions, p), nperms++) {
        const char *l = json_string_value(json_object_get(perms, p->name));
        if (!l || strcmp(l, p->label) != 0)
            fail_msg("permission %s has not its label", p->name);
    }
    assert_true(nperms >= 11);
    assert_int_equal(json_object_size(perms), nperms);
    assert_int_equal(json_object_size(json_object_get(j, "org_kinds")), ORG_KIND_COUNT);
    assert_int_equal(json_object_size(json_object_get(j, "standings")), STANDING_COUNT);
    for (int s = 0; s < STANDING_COUNT; s++)
        assert_non_null(str2(j, "standings", org_standing_name((enum org_standing)s)));
    json_t *org_roles = json_object_get(j, "org_roles");
    assert_int_equal(json_object_size(org_roles), 4);
    for (unsigned bit = 1; bit & ORG_ROLE_ALL; bit <<= 1)
        assert_int_equal(json_array_size(json_object_get(org_roles, org_role_name(bit))), 2);
    json_decref(j);
}

/* api/vocabulary-cacheable: a client may keep it an hour and revalidate with its ETag; other
 * methods are refused. */
static void vocabulary_cacheable(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/vocabulary", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "cache-control", "public, max-age=3600");
    assert_header(&r, "content-type", "application/json");
    test_response_free(&r);
    assert_not_modified(server.port, "/api/v1/vocabulary");
    test_http(server.port, "DELETE", "/api/v1/vocabulary", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/vocabulary-values", vocabulary_values),
        BH_TEST("api/vocabulary-every-code", vocabulary_every_code),
        BH_TEST("api/vocabulary-cacheable", vocabulary_cacheable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
