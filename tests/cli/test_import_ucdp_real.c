/* `bluehelm import ucdp FILE` on the real UCDP GED file of the Central African Republic
 * (BH_SHARED_DATA), checked against counts the sqlite3 shell makes from the raw GeoJSON by its
 * own means (json_each over readfile()), then imported again. Skipped (77) when the file or
 * the sqlite3 shell is absent. */
#include "support.h"

#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UCDP_FILE BH_SHARED_DATA "/conflict_events/ucdp_ged231_central_african_republic.geojson"
#define PASSWORD  "Bangui convoy 2014 escort"

/* cli/import-ucdp-real-file: the GED file of the Central African Republic; per
 * type_of_violence, the events and the sum of `best` equal what the sqlite3 shell counts in
 * the raw GeoJSON; the second import adds nothing, updates nothing. */
static void ucdp_real_file(void **state)
{
    (void)state;
    test_require_path(UCDP_FILE, "the UCDP GED file of the Central African Republic");
    test_require_sqlite3();
    char *db = test_init_seeded_store("events_ucdp_real", PASSWORD);
    struct test_run r = test_cli_import(db, "ucdp", UCDP_FILE, NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "(ucdp geojson) into context_event: 1848 added, 0 updated, "
                           "0 unchanged, 0 rejected");
    test_run_free(&r);

    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sqlite3 -batch -separator '|' :memory: \"SELECT "
             "json_extract(value,'$.properties.type_of_violence'), count(*), "
             "sum(json_extract(value,'$.properties.best')) FROM "
             "json_each(readfile('%s'),'$.features') GROUP BY 1 ORDER BY 1\"",
             UCDP_FILE);
    char *want = test_sh(cmd);
    assert_string_equal(want, "1|401|3120\n2|371|3761\n3|1076|8067\n"); /* GED 23.1, CAR */
    char *got = test_store_rows(db, 3,
                                "SELECT substr(source_type, 1, 1), count(*), sum(fatalities) FROM "
                                "context_event WHERE source = 'ucdp' GROUP BY 1 ORDER BY 1",
                                "∅");
    assert_string_equal(got, want);
    free(got);
    /* The crosswalk: types 1 and 2 are armed clashes, 3 violence against civilians. */
    got = test_store_rows(
        db, 2, "SELECT threat_type, count(*) FROM context_event GROUP BY 1 ORDER BY 1", "∅");
    assert_string_equal(got, "armed_clash|772\nviolence_against_civilians|1076\n");
    free(got);
    /* The same sums of low and high, and every event placed in the right country. */
    snprintf(cmd, sizeof cmd,
             "sqlite3 -batch -separator '|' :memory: \"SELECT "
             "sum(json_extract(value,'$.properties.low')), "
             "sum(json_extract(value,'$.properties.high')), "
             "count(DISTINCT json_extract(value,'$.properties.id')) FROM "
             "json_each(readfile('%s'),'$.features')\"",
             UCDP_FILE);
    char *want2 = test_sh(cmd);
    got = test_store_rows(db, 3,
                          "SELECT sum(fatalities_low), sum(fatalities_high), count(DISTINCT "
                          "source_id) FROM context_event",
                          "∅");
    assert_string_equal(got, want2);
    free(got);
    free(want2);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM context_event WHERE country_iso3 = "
                                        "'CAF' AND tlp = 'GREEN' AND sharing_group_id IS NULL"),
                     1848);
    /* One event, field by field, as the file has it (feature 0). */
    got = test_store_rows(db, TEST_EVENT_COLS,
                          "SELECT * FROM (" TEST_EVENT_DUMP ") WHERE id = 'ucdp:36210'", "∅");
    assert_string_equal(got, "ucdp:36210|ucdp|36210|2009-02-20T00:00:00Z|2009-02-20|1|5.399784|"
                             "26.486881|5|Central African Republic|CAF|∅|∅|Southeast Central "
                             "African Republic|armed_clash|1 state-based|Government of "
                             "Uganda|LRA|3|3|3|Central African Republic remote southeast. "
                             "Source: Reuters  25/2-09|DPO|GREEN|∅\n");
    free(got);
    char *before = test_store_rows(db, TEST_EVENT_COLS, TEST_EVENT_DUMP, "∅");
    char *stamps = test_store_rows(db, 1, "SELECT max(imported_at) FROM context_event", "∅");

    r = test_cli_import(db, "ucdp", UCDP_FILE, NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "0 added, 0 updated, 1848 unchanged, 0 rejected");
    test_run_free(&r);
    char *after = test_store_rows(db, TEST_EVENT_COLS, TEST_EVENT_DUMP, "∅");
    assert_string_equal(after, before);
    /* Not even the time of import changes: an unchanged event is not written. */
    char *stamps2 = test_store_rows(db, 1, "SELECT max(imported_at) FROM context_event", "∅");
    assert_string_equal(stamps2, stamps);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 2);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'event.import' AND json_extract(summary, '$.unchanged') = "
                                        "1848 AND json_extract(summary, '$.source') = 'ucdp'"),
                     1);
    free(before);
    free(after);
    free(stamps);
    free(stamps2);
    free(want);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-ucdp-real-file", ucdp_real_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
