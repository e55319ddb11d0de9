/* `bluehelm import ucdp|acled FILE` on fixtures (tests/data/ucdp, tests/data/acled): the GED CSV
 * form against the GeoJSON form; ACLED's dyadic and two monadic layouts of the same events
 * giving the same stored rows; idempotent re-imports; every bad row named by line or feature
 * and field; whole-file failures and --strict writing nothing; the marking options. The real
 * GED file is cli/import_ucdp_real's. */
#include "support.h"

#include "db/db.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UCDP_FILE BH_SHARED_DATA "/conflict_events/ucdp_ged231_central_african_republic.geojson"
#define UCDP_DIR  BH_TEST_DATA "/ucdp/"
#define ACLED_DIR BH_TEST_DATA "/acled/"
#define PASSWORD  "Bangui convoy 2014 escort"

/* cli/import-ucdp-csv-matches-geojson: five real events written as GED CSV (a source_original
 * with a line break, quoted sources with commas, "2014-06-28 00:00:00.000" dates) store the
 * same values as the same events from the GeoJSON: importing the GeoJSON afterwards finds them
 * unchanged. */
static void ucdp_csv_matches_geojson(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_ucdp_csv", PASSWORD);
    struct test_run r = test_cli_import(db, "ucdp", UCDP_DIR "ged_sample.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "(ucdp csv) into context_event: 5 added, 0 updated, 0 unchanged");
    test_run_free(&r);
    char *got =
        test_store_rows(db, 8,
                        "SELECT source_id, threat_type, source_type, occurred_at, date_end, "
                        "admin1, fatalities_low || '-' || fatalities || '-' || "
                        "fatalities_high, actor2 FROM context_event ORDER BY occurred_at",
                        "∅");
    assert_string_equal(
        got, "36210|armed_clash|1 state-based|2009-02-20T00:00:00Z|2009-02-20|∅|3-3-3|LRA\n"
             "29591|armed_clash|2 non-state|2011-09-11T00:00:00Z|2011-09-12|Haute-Kotto "
             "province|12-12-12|Seleka\n"
             "149666|armed_clash|1 state-based|2014-06-28T00:00:00Z|2014-06-29|Mbomou "
             "province|3-3-3|LRA\n"
             "410815|violence_against_civilians|3 one-sided|2021-02-15T00:00:00Z|2021-02-15|"
             "Ouaka province|12-12-20|Civilians\n"
             "425023|violence_against_civilians|3 one-sided|2021-12-06T00:00:00Z|2021-12-13|"
             "Ouaka province|20-20-20|Civilians\n");
    free(got);
    if (access(UCDP_FILE, R_OK) == 0) {
        r = test_cli_import(db, "ucdp", UCDP_FILE, NULL, NULL);
        assert_status(r, 0);
        assert_contains(r.out, "1843 added, 0 updated, 5 unchanged, 0 rejected");
        test_run_free(&r);
    }
    free(db);
}

/* cli/import-ucdp-bad-rows: each bad row of the CSV and each bad feature of the GeoJSON is
 * listed with its line or feature index, its id when it has one, and the field; the good ones
 * are imported; with --strict nothing is. */
static void ucdp_bad_rows(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_ucdp_bad", PASSWORD);
    struct test_run r = test_cli_import(db, "ucdp", UCDP_DIR "ged_bad.csv", "--strict", NULL);
    assert_status(r, 1);
    assert_contains(r.out, "line 3 (id 29591): latitude 95 is outside -90..90");
    assert_contains(r.err, "rows rejected: 9, so nothing was imported (strict)");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, TEST_EVENT_COUNT), 0);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 0);

    r = test_cli_import(db, "ucdp", UCDP_DIR "ged_bad.csv", NULL, NULL);
    assert_status(r, 0);
    const char *want[] = {
        "line 3 (id 29591): latitude 95 is outside -90..90\n",
        "line 4 (id 410815): type_of_violence 4 is not 1 (state-based), 2 (non-state) or 3 "
        "(one-sided)\n",
        "line 5 (id 425023): date_start '2021-02-30 00:00:00.000' is not a date (YYYY-MM-DD)\n",
        "line 6: id is required\n",
        "line 8 (id 36210): id 36210 appears again (first at line 2); the first is kept\n",
        "line 9 (id 999001): date_start 2099-01-01 is in the future\n",
        "line 10 (id 999002): date_start 1946-05-01 is before 1948-01-01\n",
        "line 11 (id 999003): best -2 is negative: a count is 0 or more\n",
        "line 12 (id 999004): date_end 2011-09-01 is before date_start 2011-09-11\n",
        "1 added, 0 updated, 0 unchanged, 9 rejected\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_contains(r.out, want[i]);
    assert_int_equal(test_count_lines(r.out), 10);
    test_run_free(&r);
    char *got = test_store_rows(db, 1, "SELECT id FROM context_event", "∅");
    assert_string_equal(got, "ucdp:36210\n");
    free(got);

    r = test_cli_import(db, "ucdp", UCDP_DIR "ged_bad.geojson", NULL, NULL);
    assert_status(r, 0);
    const char *want_geo[] = {
        "feature 1 (id 29591): geometry is missing (a GED feature is a Point)\n",
        "feature 2 (id 999011): geometry is a LineString, not a Point\n",
        "feature 3 (id 999012): best 'many' is not a whole number\n",
        "feature 4: id must be a number\n",
        "feature 5 (id 999014): longitude 200 is outside -180..180\n",
        "feature 6 (id 999015): type_of_violence is required\n",
        "(ucdp geojson) into context_event: 0 added, 0 updated, 1 unchanged, 6 rejected\n",
    };
    for (size_t i = 0; i < sizeof want_geo / sizeof want_geo[0]; i++)
        assert_contains(r.out, want_geo[i]);
    test_run_free(&r);
    assert_int_equal(test_store_int(db, TEST_EVENT_COUNT), 1);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 2);
    free(db);
}

/* cli/import-ucdp-not-ged: files that are not GED at all fail whole, name what is wrong, and
 * write nothing (no event, no audit entry). */
static void ucdp_not_ged(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_ucdp_not_ged", PASSWORD);
    const struct {
        const char *file, *err;
    } cases[] = {
        { UCDP_DIR "ged_no_best.csv", "line 1: the header has no column 'best'" },
        { UCDP_DIR "ged_feature_not_collection.geojson",
          "the JSON is not a GeoJSON FeatureCollection (its \"type\" is Feature)" },
        { UCDP_DIR "ged_broken.json", "line 2, column 46: the GeoJSON is not valid JSON" },
        { ACLED_DIR "dyadic.csv", "the header has no column 'id'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_run r = test_cli_import(db, "ucdp", cases[i].file, NULL, NULL);
        assert_run(r, 1, NULL, cases[i].err);
    }
    struct test_run r = test_cli_import(db, "ucdp", UCDP_DIR "no such file.csv", NULL, NULL);
    assert_run(r, 1, NULL, "cannot open");
    assert_int_equal(test_store_int(db, TEST_EVENT_COUNT), 0);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 0);
    free(db);
}

/* cli/import-acled-dyadic-monadic: the same seven events as a dyadic export, as a monadic one
 * (one row per actor, the second rows not always next to the first, older "18 January 2023"
 * dates) and as the API's monadic export (no actor2 columns) store the same rows, column by
 * column; importing one layout over another changes nothing. */
static void acled_dyadic_monadic(void **state)
{
    (void)state;
    char *dyadic = test_init_seeded_store("events_acled_dyadic", PASSWORD);
    char *monadic = test_init_seeded_store("events_acled_monadic", PASSWORD);
    char *api = test_init_seeded_store("events_acled_api", PASSWORD);
    struct test_run r = test_cli_import(dyadic, "acled", ACLED_DIR "dyadic.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "(acled dyadic) into context_event: 7 added, 0 updated, 0 unchanged, "
                           "0 rejected\n");
    test_run_free(&r);
    r = test_cli_import(monadic, "acled", ACLED_DIR "monadic.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "(acled monadic) into context_event: 7 added, 0 updated, 0 unchanged, "
                           "0 rejected (13 rows, 7 events)\n");
    test_run_free(&r);
    r = test_cli_import(api, "acled", ACLED_DIR "monadic_api.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "7 added, 0 updated, 0 unchanged, 0 rejected (13 rows, 7 events)");
    test_run_free(&r);

    char *a = test_store_rows(dyadic, TEST_EVENT_COLS, TEST_EVENT_DUMP, "∅");
    char *b = test_store_rows(monadic, TEST_EVENT_COLS, TEST_EVENT_DUMP, "∅");
    char *c = test_store_rows(api, TEST_EVENT_COLS, TEST_EVENT_DUMP, "∅");
    assert_string_equal(b, a);
    assert_string_equal(c, a);
    free(a);
    free(b);
    free(c);

    /* What the events are, independently of how they were read. */
    char *got = test_store_rows(dyadic, 6,
                                "SELECT source_id, threat_type, country_iso3, actor1, actor2, "
                                "fatalities FROM context_event ORDER BY source_id",
                                "∅");
    assert_string_equal(
        got, "CEN10001|armed_clash|CAF|Military Forces of the Central African Republic (2016-)|3R: "
             "Return, Reclamation, Rehabilitation|4\n"
             "CEN10002|ied|CAF|Unidentified Armed Group (Central African Republic)|MINUSCA: United "
             "Nations Multidimensional Integrated Stabilization Mission in the Central African "
             "Republic (2014-)|0\n"
             "CEN10003|abduction|CAF|UPC: Unity for Peace in Central Africa|Civilians (Central "
             "African Republic)|0\n"
             "CEN10004|protest|CAF|Protesters (Central African Republic)|∅|0\n"
             "DRC30001|looting|COD|M23: March 23 Movement|Civilians (Democratic Republic of "
             "Congo)|0\n"
             "DRC30002|indirect_fire|COD|Military Forces of the Democratic Republic of Congo "
             "(2019-)|M23: March 23 Movement|3\n"
             "MLI20001|armed_clash|MLI|Unidentified Communal Militia (Mali)|Unidentified Communal "
             "Militia (Mali)|2\n");
    free(got);
    got = test_store_rows(dyadic, 4,
                          "SELECT occurred_at, date_precision, geo_precision, source_type FROM "
                          "context_event WHERE id = 'acled:CEN10003'",
                          "∅");
    assert_string_equal(got, "2023-01-20T00:00:00Z|2|2|Violence against civilians: "
                             "Abduction/forced disappearance\n");
    free(got);

    /* Each layout over another: the same events, unchanged. */
    r = test_cli_import(dyadic, "acled", ACLED_DIR "monadic.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "0 added, 0 updated, 7 unchanged, 0 rejected");
    test_run_free(&r);
    r = test_cli_import(monadic, "acled", ACLED_DIR "dyadic.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "0 added, 0 updated, 7 unchanged, 0 rejected");
    test_run_free(&r);
    assert_int_equal(test_store_int(dyadic, TEST_EVENT_COUNT), 7);
    assert_int_equal(test_store_int(dyadic, TEST_EVENT_IMPORTS), 2);
    free(dyadic);
    free(monadic);
    free(api);
}

/* cli/import-acled-bad-rows: each bad row named with its line, its event id when it has one,
 * and the field; a type pair the codebook lacks is imported under the catch-all and warned
 * about; repeated ids that are not the other side of a monadic event are rejected. */
static void acled_bad_rows(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_acled_bad", PASSWORD);
    struct test_run r = test_cli_import(db, "acled", ACLED_DIR "bad.csv", NULL, NULL);
    assert_status(r, 0);
    const char *want[] = {
        "line 3 (CEN10090): latitude 95 is outside -90..90\n",
        "line 5 (CEN10092): event_date '2023-02-30' is not a date",
        "line 6: event_id_cnty is required\n",
        "line 7 (CEN10093): fatalities '-1' is not a count",
        "line 8 (CEN10094): event_date 2099-01-15 is in the future\n",
        "line 9 (CEN10001): event_id_cnty CEN10001 appears again (first on line 2) with another "
        "event_date",
        "line 10 (CEN10095): year 2022 does not match event_date 2023-01-15\n",
        "line 12 (CEN10001): event_id_cnty CEN10001 appears again (first on line 2), and its "
        "actor1 'Military Forces of the Central African Republic (2016-)' is not that row's "
        "actor2",
        "line 4 (CEN10091): warning: event_type 'Explosions/Remote violence' with sub_event_type "
        "'Drone sighting' is not in ACLED's codebook as this version knows it: stored as threat "
        "type 'other'\n",
        "line 11 (CEN10096): warning: event_type 'Natural disaster' with sub_event_type 'Flood' "
        "is not in ACLED's codebook as this version knows it: stored as threat type 'unknown'\n",
        "3 added, 0 updated, 0 unchanged, 8 rejected\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_contains(r.out, want[i]);
    test_run_free(&r);
    char *got =
        test_store_rows(db, 2, "SELECT id, threat_type FROM context_event ORDER BY id", "∅");
    assert_string_equal(got, "acled:CEN10001|armed_clash\nacled:CEN10091|other\n"
                             "acled:CEN10096|unknown\n");
    free(got);
    assert_int_equal(test_store_int(db, "SELECT json_extract(summary, '$.fallback') FROM audit_log "
                                        "WHERE action = 'event.import'"),
                     2);

    r = test_cli_import(db, "acled", ACLED_DIR "no_fatalities.csv", NULL, NULL);
    assert_run(r, 1, NULL, "line 1: the header has no column 'fatalities'");
    r = test_cli_import(db, "acled", UCDP_DIR "ged_sample.csv", NULL, NULL);
    assert_run(r, 1, NULL, "the header has no column 'event_id_cnty'");
    assert_int_equal(test_store_int(db, TEST_EVENT_COUNT), 3);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 1);
    free(db);
}

/* cli/import-acled-monadic-bad-row: a rejected row of a monadic event takes the event's other
 * row with it, whichever comes first: half an event would be a wrong one. */
static void acled_monadic_bad_row(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_acled_monadic_bad", PASSWORD);
    struct test_run r = test_cli_import(db, "acled", ACLED_DIR "monadic_bad.csv", NULL, NULL);
    assert_status(r, 0);
    const char *want[] = {
        "line 4 (CEN10002): latitude 95 is outside -90..90\n",
        "line 5 (CEN10003): event_date '2023-13-20' is not a date",
        "line 6 (CEN10003): event_id_cnty CEN10003: its row on line 5 was rejected, so this row "
        "of the same event is too\n",
        "line 3 (CEN10002): event_id_cnty CEN10002: its row on line 4 was rejected, so this row "
        "of the same event is too\n",
        "1 added, 0 updated, 0 unchanged, 4 rejected (6 rows, 1 event)\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_contains(r.out, want[i]);
    test_run_free(&r);
    char *got = test_store_rows(db, 3, "SELECT id, actor1, actor2 FROM context_event", "∅");
    assert_string_equal(got, "acled:CEN10001|Military Forces of the Central African Republic "
                             "(2016-)|3R: Return, Reclamation, Rehabilitation\n");
    free(got);
    free(db);
}

/* cli/import-events-marking: GREEN by default and owned by DPO; CLEAR allowed for UCDP (CC BY)
 * and refused for ACLED (its terms forbid redistribution); AMBER needs a group that includes
 * the owner; RED is refused; an unknown owner is named. Refusals write nothing. */
static void events_marking(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("events_marking", PASSWORD);
    struct test_run r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--tlp", "CLEAR");
    assert_run(r, 2, NULL, "ACLED's terms of use forbid public redistribution");
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--tlp", "AMBER");
    assert_run(r, 2, NULL, "a TLP:AMBER record needs a sharing group");
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--tlp", "RED");
    assert_run(r, 2, NULL, "TLP:RED names its readers one by one");
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--tlp", "BLUE");
    assert_run(r, 2, NULL, "--tlp 'BLUE' is not a TLP marking");
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--org", "NOPE");
    assert_run(r, 1, NULL,
               "the organization NOPE (owner of the imported events) is not in the "
               "store");
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", "--group", "Sahel cell");
    assert_run(r, 2, NULL, "no sharing group is named or numbered 'Sahel cell'");
    assert_int_equal(test_store_int(db, TEST_EVENT_COUNT), 0);
    assert_int_equal(test_store_int(db, TEST_EVENT_IMPORTS), 0);

    /* A group of FRA's: it does not include DPO, the owner. */
    struct db *h = test_db_open(db, 0);
    struct principal fra = { .role = ROLE_COORDINATOR, .username = "fra-coord", .org_code = "FRA" };
    fra.org_id = test_query_int(h, "SELECT id FROM org WHERE code = 'FRA'");
    struct principal dpo = { .role = ROLE_COORDINATOR, .username = "dpo-coord", .org_code = "DPO" };
    dpo.org_id = test_query_int(h, "SELECT id FROM org WHERE code = 'DPO'");
    int64_t fra_group = 0, dpo_group = 0;
    struct bh_error err;
    const char *members[] = { "DEU" };
    if (sharing_group_create(h, &fra, "FRA cell", "", members, 1, &fra_group, &err) ||
        sharing_group_create(h, &dpo, "CAR context", "", members, 1, &dpo_group, &err))
        fail_msg("group: %s", err.message);
    db_close(h);
    const char *amber[] = { "import", "acled",   ACLED_DIR "dyadic.csv",
                            "--db",   db,        "--tlp",
                            "AMBER",  "--group", "FRA cell",
                            NULL };
    r = test_cli(amber);
    assert_run(r, 2, NULL, "does not include your organization DPO");
    amber[8] = "CAR context";
    r = test_cli(amber);
    assert_status(r, 0);
    assert_contains(r.out, "7 added");
    test_run_free(&r);
    char want[64];
    snprintf(want, sizeof want, "AMBER|%lld|DPO|7\n", (long long)dpo_group);
    char *got =
        test_store_rows(db, 4,
                        "SELECT e.tlp, e.sharing_group_id, o.code, count(*) FROM "
                        "context_event e JOIN org o ON o.id = e.owner_org_id GROUP BY 1, 2, 3",
                        "∅");
    assert_string_equal(got, want);
    free(got);
    /* Marking them GREEN again is an update of every event. */
    r = test_cli_import(db, "acled", ACLED_DIR "dyadic.csv", NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "0 added, 7 updated, 0 unchanged");
    test_run_free(&r);

    r = test_cli_import(db, "ucdp", UCDP_DIR "ged_sample.csv", "--tlp", "CLEAR");
    assert_status(r, 0);
    test_run_free(&r);
    got = test_store_rows(
        db, 3, "SELECT source, tlp, count(*) FROM context_event GROUP BY 1, 2 ORDER BY 1", "∅");
    assert_string_equal(got, "acled|GREEN|7\nucdp|CLEAR|5\n");
    free(got);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-ucdp-csv-matches-geojson", ucdp_csv_matches_geojson),
        BH_TEST("cli/import-ucdp-bad-rows", ucdp_bad_rows),
        BH_TEST("cli/import-ucdp-not-ged", ucdp_not_ged),
        BH_TEST("cli/import-acled-dyadic-monadic", acled_dyadic_monadic),
        BH_TEST("cli/import-acled-bad-rows", acled_bad_rows),
        BH_TEST("cli/import-acled-monadic-bad-row", acled_monadic_bad_row),
        BH_TEST("cli/import-events-marking", events_marking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
