/* The permissions table in docs/architecture.md must say exactly what the code enforces: people
 * decide who gets which role from the docs. The code's permissions are the registry of
 * src/api/api.h (API_PERMISSION_TABLES): the platform's in src/principal/principal.c and each
 * capability's own, defined in its module; every route's permission must be in it. */
#include "support.h"

#include "api/api.h"
#include "principal/principal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many permissions `registry` holds. */
static int registry_size(const struct permission *const *const *registry)
{
    int n = 0;
    for (const struct permission *p = permission_next(registry, NULL); p;
         p = permission_next(registry, p))
        n++;
    return n;
}

/* role/docs-table-matches-code */
static void role_docs_table_matches_code(void **state)
{
    (void)state;
    char *doc = test_read_file(BH_SOURCE_DIR "/docs/architecture.md", NULL);
    assert_non_null(doc);
    char *start = strstr(doc, "| permission |");
    assert_non_null(start);
    char *cells[16];
    char *line = strtok(start, "\n");
    int ncols = test_md_cells(line, cells, 16);
    assert_int_equal(ncols, ROLE_COUNT); /* "permission" + one column per role */
    enum role cols[16];
    for (int i = 1; i < ncols; i++) {
        cols[i] = role_parse(cells[i]);
        if (cols[i] == ROLE_NONE)
            fail_msg("docs column '%s' is not a role", cells[i]);
    }
    strtok(NULL, "\n"); /* the |---| line */
    int rows = 0;
    const struct permission *seen[64];
    while ((line = strtok(NULL, "\n")) && line[0] == '|') {
        int n = test_md_cells(line, cells, 16);
        assert_int_equal(n, ncols);
        const struct permission *perm = permission_find(api_permissions, cells[0]);
        if (!perm)
            fail_msg("docs row '%s' is not a permission of the registry", cells[0]);
        for (int i = 0; i < rows; i++)
            if (seen[i] == perm)
                fail_msg("docs row '%s' is there twice", cells[0]);
        for (int i = 1; i < ncols; i++) {
            bool doc_says = strcmp(cells[i], "✓") == 0;
            if (doc_says != role_can(cols[i], perm))
                fail_msg("%s for %s: docs say %s, code says %s", cells[0], role_name(cols[i]),
                         doc_says ? "yes" : "no", role_can(cols[i], perm) ? "yes" : "no");
        }
        assert_true(rows < 64);
        seen[rows++] = perm;
    }
    /* Every permission of the registry has its row (PERM_NONE is not one). */
    assert_int_equal(rows, registry_size(api_permissions));
    assert_true(rows >= 11); /* the platform's at least */
    free(doc);
}

/* role/parse-and-names */
static void role_parse_and_names(void **state)
{
    (void)state;
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
        assert_int_equal(role_parse(role_name((enum role)r)), r);
    assert_int_equal(role_parse("root"), ROLE_NONE);
    assert_int_equal(role_parse(NULL), ROLE_NONE);
    assert_null(role_name(ROLE_NONE));
    /* Anonymous holds nothing but PERM_NONE; PERM_NONE is held by every role. */
    for (const struct permission *p = permission_next(api_permissions, NULL); p;
         p = permission_next(api_permissions, p))
        assert_false(role_can(ROLE_NONE, p));
    for (int r = ROLE_NONE; r < ROLE_COUNT; r++)
        assert_true(role_can((enum role)r, PERM_NONE));
    assert_false(role_can(ROLE_COUNT, PERM_TOKEN_OWN));
    assert_string_equal(permission_name(PERM_NONE), "none"); /* docs/openapi.json's x-permission */
    assert_string_equal(permission_name(PERM_RECORD_EXPORT), "record.export");
    assert_string_equal(permission_label(PERM_RECORD_EXPORT), "Export in bulk");
    struct principal cli;
    principal_cli(&cli);
    assert_int_equal(cli.role, ROLE_ADMIN);
    assert_true(cli.is_cli);
    assert_int_equal(strncmp(cli.username, "cli:", 4), 0);
}

/* role/registry-covers-routes: each permission of the registry has a unique code, a label and
 * at least one role (never anonymous); each route's permission is one of them, so a capability
 * that defines a permission and forgets its line in API_PERMISSION_TABLES fails here. */
static void registry_covers_routes(void **state)
{
    (void)state;
    for (const struct permission *p = permission_next(api_permissions, NULL); p;
         p = permission_next(api_permissions, p)) {
        assert_non_null(p->name);
        if (permission_find(api_permissions, p->name) != p)
            fail_msg("permission %s is in the registry twice", p->name);
        if (!p->label || !*p->label)
            fail_msg("permission %s has no label", p->name);
        if (p->roles == 0 || (p->roles & (1u << ROLE_NONE)) || (p->roles >> ROLE_COUNT) != 0)
            fail_msg("permission %s: roles 0x%x", p->name, p->roles);
    }
    int checked = 0;
    for (size_t t = 0; api_routes[t]; t++)
        for (const struct route *r = api_routes[t]; r->method; r++) {
            if (!r->perm)
                continue;
            if (permission_find(api_permissions, r->perm->name) != r->perm)
                fail_msg("%s %s checks %s, which is not in API_PERMISSION_TABLES (api/api.h)",
                         r->method, r->pattern, r->perm->name);
            checked++;
        }
    assert_true(checked > 20);
}

/* A capability's own permission, declared as a module would (src/alert/alert.c's is real and
 * listed in api_permissions, so the probe has a name of its own). */
static const struct permission perm_probe_send = {
    .name = "probe.send",
    .label = "Send probes",
    .roles = ROLES(ADMIN, COORDINATOR),
};
static const struct permission *const probe_permissions[] = { &perm_probe_send, NULL };

/* role/capability-table: a registry with a capability's table after the platform's walks both
 * in order, finds the capability's permission by its code, and role_can() honours its roles. */
static void capability_table(void **state)
{
    (void)state;
    const struct permission *const *const registry[] = { principal_permissions, probe_permissions,
                                                         NULL };
    const struct permission *const *const platform[] = { principal_permissions, NULL };
    assert_int_equal(registry_size(registry), registry_size(platform) + 1);
    const struct permission *p = permission_next(registry, NULL);
    assert_ptr_equal(p, PERM_DIRECTORY_READ);
    const struct permission *last = NULL;
    for (; p; p = permission_next(registry, p))
        last = p;
    assert_ptr_equal(last, &perm_probe_send);
    assert_ptr_equal(permission_next(registry, PERM_DATA_IMPORT), &perm_probe_send);
    assert_ptr_equal(permission_find(registry, "probe.send"), &perm_probe_send);
    assert_ptr_equal(permission_find(registry, "record.read"), PERM_RECORD_READ);
    assert_null(permission_find(registry, "probe.sen"));
    assert_null(permission_find(registry, NULL));
    assert_null(permission_find(api_permissions, "probe.send"));
    /* A permission not in the registry has no successor there. */
    assert_null(permission_next(api_permissions, &perm_probe_send));
    assert_true(role_can(ROLE_ADMIN, &perm_probe_send));
    assert_true(role_can(ROLE_COORDINATOR, &perm_probe_send));
    assert_false(role_can(ROLE_FOCAL_POINT, &perm_probe_send));
    assert_false(role_can(ROLE_AUDITOR, &perm_probe_send));
    assert_false(role_can(ROLE_NONE, &perm_probe_send));
    assert_int_equal(perm_probe_send.roles, (1u << ROLE_ADMIN) | (1u << ROLE_COORDINATOR));
}

/* role/user-permissions: a user's "permissions" are the registry's that the role holds, in
 * registry order; a user JSON without a known role gets none. */
static void user_permissions(void **state)
{
    (void)state;
    json_t *u = json_pack("{s:s, s:s}", "username", "aud", "role", "auditor");
    api_permissions_attach(u);
    char *perms = json_dumps(json_object_get(u, "permissions"), JSON_COMPACT);
    assert_string_equal(perms, "[\"directory.read\",\"token.own\",\"audit.read\"]");
    free(perms);
    json_object_set_new(u, "role", json_string("admin"));
    api_permissions_attach(u);
    assert_int_equal(json_array_size(json_object_get(u, "permissions")),
                     registry_size(api_permissions));
    json_object_del(u, "role");
    api_permissions_attach(u);
    assert_int_equal(json_array_size(json_object_get(u, "permissions")), 0);
    json_decref(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("role/docs-table-matches-code", role_docs_table_matches_code),
        BH_TEST("role/parse-and-names", role_parse_and_names),
        BH_TEST("role/registry-covers-routes", registry_covers_routes),
        BH_TEST("role/capability-table", capability_table),
        BH_TEST("role/user-permissions", user_permissions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
