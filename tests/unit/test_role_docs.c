/* The permissions table in docs/architecture.md must say exactly what src/principal/principal.c
 * enforces: people decide who gets which role from the docs. */
#include "support.h"

#include "principal/principal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    while ((line = strtok(NULL, "\n")) && line[0] == '|') {
        int n = test_md_cells(line, cells, 16);
        assert_int_equal(n, ncols);
        int perm = -1;
        for (int p = 1; p < PERM_COUNT; p++)
            if (strcmp(permission_name((enum permission)p), cells[0]) == 0)
                perm = p;
        if (perm < 0)
            fail_msg("docs row '%s' is not a permission", cells[0]);
        for (int i = 1; i < ncols; i++) {
            bool doc_says = strcmp(cells[i], "✓") == 0;
            if (doc_says != role_can(cols[i], (enum permission)perm))
                fail_msg("%s for %s: docs say %s, code says %s", cells[0], role_name(cols[i]),
                         doc_says ? "yes" : "no",
                         role_can(cols[i], (enum permission)perm) ? "yes" : "no");
        }
        rows++;
    }
    assert_int_equal(rows, PERM_COUNT - 1); /* every permission but PERM_NONE */
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
    /* Anonymous holds nothing but PERM_NONE. */
    for (int p = 1; p < PERM_COUNT; p++)
        assert_false(role_can(ROLE_NONE, (enum permission)p));
    assert_true(role_can(ROLE_NONE, PERM_NONE));
    struct principal cli;
    principal_cli(&cli);
    assert_int_equal(cli.role, ROLE_ADMIN);
    assert_true(cli.is_cli);
    assert_int_equal(strncmp(cli.username, "cli:", 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("role/docs-table-matches-code", role_docs_table_matches_code),
        BH_TEST("role/parse-and-names", role_parse_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
