/* docs/taxonomy.md must say exactly what src/taxonomy/taxonomy.c holds: people choose threat
 * types and read crosswalks from the docs, programs from the code. Each table of the page is
 * compared row by row, in order, with its table in the code. */
#include "support.h"

#include "taxonomy/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 8

/* A table of the page: its rows after the header and the |---| line, cells split. */
struct table {
    char *text; /* a copy of the page, cut into rows */
    char *rows[128][MAX_CELLS];
    int ncells[128];
    int nrows;
};

/* The table whose header line is `header`, after the first occurrence of `after` (NULL: from
 * the start of the page). */
static void read_table(const char *page, const char *after, const char *header, struct table *t)
{
    memset(t, 0, sizeof *t);
    t->text = strdup(page);
    char *from = t->text;
    if (after) {
        from = strstr(t->text, after);
        if (!from)
            fail_msg("docs/taxonomy.md has no '%s'", after);
    }
    char *start = strstr(from, header);
    if (!start)
        fail_msg("docs/taxonomy.md has no table '%s'%s%s", header, after ? " after " : "",
                 after ? after : "");
    char *line = strtok(start, "\n"); /* the header */
    line = strtok(NULL, "\n");        /* |---| */
    if (!line || strncmp(line, "|---", 4) != 0)
        fail_msg("table '%s' has no |---| line", header);
    while ((line = strtok(NULL, "\n")) && line[0] == '|' && t->nrows < 128) {
        t->ncells[t->nrows] = test_md_cells(line, t->rows[t->nrows], MAX_CELLS);
        t->nrows++;
    }
}

static char *page(void)
{
    char *doc = test_read_file(BH_SOURCE_DIR "/docs/taxonomy.md", NULL);
    assert_non_null(doc);
    return doc;
}

#define CELL_IS(t, r, c, want)                                                                 \
    do {                                                                                       \
        if ((t).ncells[r] <= (c) || strcmp((t).rows[r][c], (want)) != 0)                       \
            fail_msg("docs row %d column %d: docs say '%s', code says '%s'", (r) + 1, (c) + 1, \
                     (t).ncells[r] > (c) ? (t).rows[r][c] : "(missing)", (want));              \
    } while (0)

/* taxonomy/docs-threat-types */
static void docs_threat_types(void **state)
{
    (void)state;
    char *doc = page();
    struct table t;
    read_table(doc, NULL,
               "| code | label | class | UN type_of_incident | CAP category | HXL | description |",
               &t);
    assert_int_equal(t.nrows, (int)taxonomy_threats_count);
    for (int i = 0; i < t.nrows; i++) {
        const struct threat_type *x = &taxonomy_threats[i];
        assert_int_equal(t.ncells[i], 7);
        CELL_IS(t, i, 0, x->code);
        CELL_IS(t, i, 1, x->label);
        CELL_IS(t, i, 2, taxonomy_class_name(x->class));
        CELL_IS(t, i, 3, x->un_incident_type);
        CELL_IS(t, i, 4, x->cap_category);
        CELL_IS(t, i, 5, x->hxl);
        CELL_IS(t, i, 6, x->description);
    }
    free(t.text);
    free(doc);
}

/* taxonomy/docs-crosswalks */
static void docs_crosswalks(void **state)
{
    (void)state;
    char *doc = page();
    struct table t;
    read_table(doc, NULL, "| event_type | sub_event_type | threat type |", &t);
    assert_int_equal(t.nrows, (int)taxonomy_acled_crosswalk_count);
    for (int i = 0; i < t.nrows; i++) {
        const struct taxonomy_acled_entry *e = &taxonomy_acled_crosswalk[i];
        CELL_IS(t, i, 0, e->event_type);
        CELL_IS(t, i, 1, e->sub_event_type ? e->sub_event_type : "(any other)");
        CELL_IS(t, i, 2, e->threat);
    }
    free(t.text);

    read_table(doc, NULL, "| type_of_violence | meaning | threat type |", &t);
    assert_int_equal(t.nrows, (int)taxonomy_ucdp_crosswalk_count);
    for (int i = 0; i < t.nrows; i++) {
        const struct taxonomy_ucdp_entry *u = &taxonomy_ucdp_crosswalk[i];
        char num[16];
        snprintf(num, sizeof num, "%d", u->type_of_violence);
        CELL_IS(t, i, 0, num);
        CELL_IS(t, i, 1, u->label);
        CELL_IS(t, i, 2, u->threat);
        /* And the function agrees with its own table. */
        assert_string_equal(taxonomy_from_ucdp(u->type_of_violence), u->threat);
    }
    free(t.text);
    free(doc);
}

/* taxonomy/docs-vocabularies */
static void docs_vocabularies(void **state)
{
    (void)state;
    char *doc = page();
    const struct {
        const char *heading;
        const struct taxonomy_term *terms;
    } lists[] = {
        { "### Targets", taxonomy_target_terms },
        { "### Activities", taxonomy_activity_terms },
        { "### Time precisions", taxonomy_time_precision_terms },
        { "### Place precisions", taxonomy_place_precision_terms },
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        struct table t;
        read_table(doc, lists[l].heading, "| code | label |", &t);
        int n = 0;
        while (lists[l].terms[n].code)
            n++;
        if (t.nrows != n)
            fail_msg("%s: docs list %d codes, code %d", lists[l].heading, t.nrows, n);
        for (int i = 0; i < n; i++) {
            CELL_IS(t, i, 0, lists[l].terms[i].code);
            CELL_IS(t, i, 1, lists[l].terms[i].label);
        }
        free(t.text);
    }

    struct table t;
    read_table(doc, NULL, "| code | name | countries |", &t);
    assert_int_equal(t.nrows, (int)taxonomy_known_groups_count);
    for (int i = 0; i < t.nrows; i++) {
        CELL_IS(t, i, 0, taxonomy_known_groups[i].code);
        CELL_IS(t, i, 1, taxonomy_known_groups[i].name);
        CELL_IS(t, i, 2, taxonomy_known_groups[i].where);
    }
    free(t.text);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("taxonomy/docs-threat-types", docs_threat_types),
        BH_TEST("taxonomy/docs-crosswalks", docs_crosswalks),
        BH_TEST("taxonomy/docs-vocabularies", docs_vocabularies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
