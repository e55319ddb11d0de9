/* The round trip of the real UN fatalities file: `bluehelm import un-fatalities` then
 * `bluehelm export casualties --format un`, compared with the original field by field, every
 * row. Skipped (77) without the shared data. */
#include "support.h"
#include "world.h"

#include "formats/un_fatalities.h"

#include "db/db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UN_FILE BH_SHARED_DATA "/un_fatalities/DPPADPOSS-FATALITIES.csv"
#define NCOLS   UN_FATALITIES_NCOLS
#define MAXROWS 6000

struct table {
    char *text;
    char *header[NCOLS];
    char *rows[MAXROWS][NCOLS];
    int n;
};

/* Reads a whole CSV of the UN's twelve columns; fails on a line of another width. */
static void read_table(const char *what, char *text, struct table *t)
{
    t->text = text;
    t->n = 0;
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    if (!line || test_split_csv(line, t->header, NCOLS) != NCOLS)
        fail_msg("%s: the header is not twelve columns", what);
    while ((line = strtok_r(NULL, "\n", &save))) {
        if (t->n == MAXROWS)
            fail_msg("%s: more than %d rows", what, MAXROWS);
        if (test_split_csv(line, t->rows[t->n], NCOLS) != NCOLS)
            fail_msg("%s: row %d is not twelve columns", what, t->n + 1);
        t->n++;
    }
}

/* The original row with the same id column, or -1. */
static int find_row(const struct table *t, const char *id)
{
    int i = atoi(id) - 1; /* the UN numbers its rows 1, 2, ... in order */
    if (i >= 0 && i < t->n && strcmp(t->rows[i][0], id) == 0)
        return i;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->rows[i][0], id) == 0)
            return i;
    return -1;
}

/* cli/export-round-trip-real: every row of the UN file comes back from the export as it was,
 * field by field and in the file's order (M49 as "250.0", empty genders and names, "Local "
 * with its space, the empty code of "Türkiye" for which the import found TUR), every one of
 * the 4,429: the six persons listed twice under one casualty_id are two rows each, as the UN
 * publishes them (the import is keyed on the file's id). Any difference fails, listed with
 * its row and column. */
static void cli_export_round_trip_real(void **state)
{
    (void)state;
    test_require_path(UN_FILE, "the UN fatalities file");
    char *db = test_world_orgs("cli_export_real", (const char *const[]){ "DPO", NULL });
    test_cli_ok(db, NULL, (const char *[]){ "import", "un-fatalities", UN_FILE, NULL }, NULL);
    char *out = NULL;
    test_cli_ok(db, NULL, (const char *[]){ "export", "casualties", "--format", "un", NULL }, &out);

    static struct table orig, exp;
    read_table("original", test_read_file(UN_FILE, NULL), &orig);
    read_table("export", out, &exp);
    assert_int_equal(orig.n, 4429);
    for (int c = 0; c < NCOLS; c++) {
        assert_string_equal(orig.header[c], un_fatalities_columns[c]);
        assert_string_equal(exp.header[c], un_fatalities_columns[c]);
    }

    /* The import found codes for names the file left uncoded; the export must not show
     * them in the UN's columns. */
    struct db *h = test_db_open(db, DB_OPEN_READONLY);
    assert_true(test_query_int(h, "SELECT count(*) FROM casualty WHERE source = 'un' AND "
                                  "source_iso3 = '' AND nationality_iso3 IS NOT NULL") > 0);
    db_close(h);

    static bool exported[MAXROWS];
    int wrong = 0, prev = -1;
    for (int i = 0; i < exp.n; i++) {
        char **e = exp.rows[i];
        int k = find_row(&orig, e[0]);
        if (k < 0) {
            fprintf(stderr, "EXTRA export row %d has id '%s', not in the file\n", i + 1, e[0]);
            wrong++;
            continue;
        }
        if (k <= prev) {
            fprintf(stderr, "ORDER export row %d (id %s) comes after id %s\n", i + 1, e[0],
                    orig.rows[prev][0]);
            wrong++;
        }
        prev = k;
        exported[k] = true;
        char **o = orig.rows[k];
        for (int c = 0; c < NCOLS; c++) {
            if (strcmp(o[c], e[c]) != 0) {
                fprintf(stderr, "MISMATCH id %s column %s: file '%s', export '%s'\n", o[0],
                        un_fatalities_columns[c], o[c], e[c]);
                wrong++;
            }
        }
    }
    /* Nothing is missing: the import keeps every row, the six persons the file lists twice
     * under one casualty_id among them (it is keyed on the file's id). */
    int missing = 0;
    for (int k = 0; k < orig.n; k++) {
        if (exported[k])
            continue;
        fprintf(stderr, "MISSING id %s (%s) is not in the export\n", orig.rows[k][0],
                orig.rows[k][2]);
        wrong++;
        missing++;
    }
    assert_int_equal(wrong, 0);
    assert_int_equal(missing, 0);
    assert_int_equal(exp.n, 4429);
    free(orig.text);
    free(out);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/export-round-trip-real", cli_export_round_trip_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
