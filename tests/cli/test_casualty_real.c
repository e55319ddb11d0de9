/* The UN fatalities file to the row: imported whole with `bluehelm import un-fatalities`,
 * counted by `bluehelm stats casualties --by year` as the UN counts (rows), its six persons
 * listed twice shown by `bluehelm casualty conflicts`, and one of them marked with
 * `bluehelm casualty mark-duplicate`. Skipped (77) without the shared data. */
#include "support.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UN_FILE BH_SHARED_DATA "/un_fatalities/DPPADPOSS-FATALITIES.csv"

static json_t *cli_json(const char *db, const char *const *args)
{
    char *out = NULL;
    test_cli_ok(db, NULL, args, &out);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!j)
        fail_msg("not JSON (%s): %s", jerr.text, out);
    free(out);
    return j;
}

static int64_t total(const char *db, const char *const *args)
{
    json_t *j = cli_json(db, args);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* cli/casualty-real-file-to-the-row: every row of the UN's file is a record; the counts by
 * year add up to 4,429, the UN's total; the six casualty_ids the file repeats (UNMIK
 * 2003-2005, Montenegro and Serbia and Montenegro) are listed as possible double entries,
 * two records each; persons count 4,423; marking one pair's Serbia and Montenegro row as the
 * duplicate leaves the rows at 4,429 and takes it out of the persons of its nationality. */
static void real_file_to_the_row(void **state)
{
    (void)state;
    test_require_path(UN_FILE, "the UN fatalities file");
    char *db = test_world_orgs("cli_casualty_real", (const char *const[]){ "DPO", NULL });
    test_cli_ok(db, NULL, (const char *[]){ "import", "un-fatalities", UN_FILE, NULL }, NULL);

    json_t *j = cli_json(
        db, (const char *[]){ "stats", "casualties", "--by", "year", "--format", "json", NULL });
    int64_t sum = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(j, "rows"), i, row) sum +=
        json_integer_value(json_object_get(row, "count"));
    assert_int_equal(sum, 4429);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4429);
    assert_true(json_array_size(json_object_get(j, "rows")) > 70); /* 1948 to 2025 */
    json_decref(j);
    assert_int_equal(
        total(db, (const char *[]){ "stats", "casualties", "--persons", "--format", "json", NULL }),
        4423);

    /* The six possible double entries, two records each: Montenegro and Serbia and
     * Montenegro, UNMIK. */
    j = cli_json(db, (const char *[]){ "casualty", "conflicts", "--format", "json", NULL });
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 6);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 6);
    char scg[40] = "", mne[40] = "";
    json_t *g;
    json_array_foreach(items, i, g)
    {
        assert_prefix(json_string_value(json_object_get(g, "casualty_id")), "UNMIK-");
        json_t *recs = json_object_get(g, "records");
        assert_int_equal(json_array_size(recs), 2);
        assert_false(json_is_true(json_object_get(g, "resolved")));
        char codes[16];
        snprintf(codes, sizeof codes, "%s,%s",
                 json_string_value(json_object_get(json_array_get(recs, 0), "nationality")),
                 json_string_value(json_object_get(json_array_get(recs, 1), "nationality")));
        if (strcmp(codes, "MNE,SCG") != 0 && strcmp(codes, "SCG,MNE") != 0)
            fail_msg("pair %zu: nationalities %s", i, codes);
        if (i == 0)
            for (int k = 0; k < 2; k++) {
                json_t *rec = json_array_get(recs, (size_t)k);
                const char *n = json_string_value(json_object_get(rec, "nationality"));
                snprintf(strcmp(n, "SCG") == 0 ? scg : mne, 40, "%s",
                         json_string_value(json_object_get(rec, "id")));
            }
    }
    json_decref(j);
    char *out = NULL;
    test_cli_ok(db, NULL, (const char *[]){ "casualty", "conflicts", NULL }, &out);
    assert_contains(out, "6 casualty_id(s) with more than one record, 12 records");
    assert_contains(out, "Serbia and Montenegro");
    free(out);

    /* Marked: rows unchanged, one person of Serbia and Montenegro fewer. */
    const char *const scg_persons[] = { "stats", "casualties", "--persons", "--nationality",
                                        "SCG",   "--format",   "json",      NULL };
    int64_t before = total(db, scg_persons);
    test_cli_ok(db, NULL, (const char *[]){ "casualty", "mark-duplicate", scg, "--of", mne, NULL },
                &out);
    assert_contains(out, "is marked as the duplicate of");
    free(out);
    /* The same again: exit 0, nothing new in the audit log. */
    test_cli_ok(db, NULL, (const char *[]){ "casualty", "mark-duplicate", scg, "--of", mne, NULL },
                NULL);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'casualty.mark_duplicate'"),
                     1);
    assert_int_equal(total(db, scg_persons), before - 1);
    assert_int_equal(total(db, (const char *[]){ "stats", "casualties", "--format", "json", NULL }),
                     4429);
    /* Bad input: the record itself (2, naming --of); an unknown record (1). */
    assert_run(
        test_cli_db(db, NULL,
                    (const char *[]){ "casualty", "mark-duplicate", mne, "--of", mne, NULL }),
        2, NULL, "--of: a record cannot be the duplicate of itself");
    assert_run(
        test_cli_db(db, NULL,
                    (const char *[]){ "casualty", "mark-duplicate",
                                      "01900000-0000-7000-8000-00000000dead", "--of", mne, NULL }),
        1, NULL, "no casualty record");
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/casualty-real-file-to-the-row", real_file_to_the_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
