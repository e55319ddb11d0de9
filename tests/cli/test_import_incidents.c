/* `bluehelm import incidents FILE` and `bluehelm demo`: the real binary on real stores. The
 * CSV and GeoJSON fixtures (tests/data/incidents/) land with the values they hold; a second
 * import changes nothing; a changed record is updated with a revision; every bad record is
 * named by line (CSV) or feature (GeoJSON) and field, and nothing is written; what `bluehelm
 * export incidents` writes imports back to the same records (the round trip), and into the
 * store that wrote it as records already there. `bluehelm demo` as `make run` calls it. */
#include "support.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"
#define FIXTURES BH_TEST_DATA "/incidents/"

/* The first `cols` columns of `sql`'s rows on the store at `path`, as "a|b|c" lines (heap). */
static char *rows(const char *path, int cols, const char *sql)
{
    return test_store_rows(path, cols, sql, "NULL");
}

/* Every value a record carries from store to store, in id order. */
#define RECORD_SQL                                                                               \
    "SELECT i.id, i.mission, i.occurred_at, i.occurred_precision, i.reported_at, "               \
    "printf('%.9f', i.latitude), printf('%.9f', i.longitude), i.location_precision, "            \
    "i.place_name, i.admin1, i.admin2, i.threat_type, i.target, i.activity, i.perpetrator, "     \
    "i.perpetrator_groups, i.killed, i.injured, i.missing, i.abducted, i.narrative, i.sources, " \
    "i.status, i.return_reason, i.endorsed_by, i.endorsed_at, i.merged_into, i.synthetic, "      \
    "o.code, i.reporter, i.tlp FROM incident i JOIN org o ON o.id = i.owner_org_id ORDER BY i.id"

/* cli/import-incidents-csv: the fixture's six records, the HXL row skipped, each value where
 * it belongs; lists from JSON and from ';'; the owner and marking of a row that gives none
 * from --org and --tlp; a row without id keyed by its content. Then the same file again
 * changes nothing, and a changed record is updated with a revision. */
static void cli_import_incidents_csv(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_incidents_csv", PASSWORD);
    const char *args[] = { "import",    "incidents", FIXTURES "incidents.csv",
                           "--org",     "PAK",       "--tlp",
                           "TLP:GREEN", NULL };
    char *out;
    test_cli_ok(db, NULL, args, &out);
    assert_contains(out, "6 records: 6 added, 0 updated, 0 unchanged, 0 already in the store");
    free(out);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident WHERE source = 'import'"),
                     6);

    char *got = rows(db, 13,
                     "SELECT mission, occurred_precision, printf('%.4f', latitude), "
                     "location_precision, place_name, perpetrator_groups, killed, injured, "
                     "sources, status, synthetic, tlp, source_ref FROM incident "
                     "WHERE id = '0190b000-0000-7000-8000-000000000001'");
    assert_string_equal(got, "MINUSMA|exact|16.2717|near|Gao, route to Ansongo|[\"jnim\"]|1|4|"
                             "[\"JOC daily\",\"MINUSMA sitrep\"]|endorsed|1|GREEN|"
                             "0190b000-0000-7000-8000-000000000001\n");
    free(got);
    got = rows(db, 1,
               "SELECT narrative FROM incident WHERE id = "
               "'0190b000-0000-7000-8000-000000000001'");
    assert_string_equal(got, "[SYNTHETIC] Fixture: a convoy hit an IED south of Gao, \"heavy\" "
                             "damage.\nSecond line of the narrative.\n");
    free(got);
    got = rows(db, 3,
               "SELECT perpetrator_groups, sources, tlp FROM incident WHERE id = "
               "'0190b000-0000-7000-8000-000000000002'");
    assert_string_equal(got, "[\"3r\",\"upc\"]|[\"MINUSCA JOC\"]|CLEAR\n");
    free(got);
    /* No owner, no marking: --org and --tlp. */
    got = rows(db, 3,
               "SELECT o.code, i.tlp, i.status FROM incident i JOIN org o ON o.id = "
               "i.owner_org_id WHERE i.id = '0190b000-0000-7000-8000-000000000003'");
    assert_string_equal(got, "PAK|GREEN|draft\n");
    free(got);
    /* An id that is not a UUID keys the record; the record gets an id of its own. */
    got = rows(db, 4,
               "SELECT length(id), source_ref, synthetic, tlp FROM incident WHERE mission = "
               "'UNIFIL'");
    assert_string_equal(got, "36|INC-LOCAL-4|0|AMBER+STRICT\n");
    free(got);
    /* No id at all: keyed by a hash of the row; ';' lists. */
    got = rows(db, 4,
               "SELECT substr(source_ref, 1, 4), length(source_ref), perpetrator_groups, "
               "missing FROM incident WHERE mission = 'MONUSCO'");
    assert_string_equal(got, "row:|20|[\"adf\",\"m23\"]|1\n");
    free(got);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident_rtree"), 6);
    assert_int_equal(test_store_int(db,
                                    "SELECT count(*) FROM incident_fts WHERE incident_fts MATCH "
                                    "'malaria'"),
                     1);

    /* Again: nothing changes, and the audit log says so. */
    test_cli_ok(db, NULL, args, &out);
    assert_contains(out, "6 records: 0 added, 0 updated, 6 unchanged, 0 already in the store");
    free(out);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 6);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident_revision"), 0);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'incident.import'"),
                     2);
    assert_int_equal(test_store_int(db,
                                    "SELECT json_extract(summary, '$.unchanged') FROM audit_log "
                                    "WHERE action = 'incident.import' ORDER BY seq DESC LIMIT 1"),
                     6);

    /* One record changed (killed 1 -> 3): updated, revision 2 kept. */
    char *text = test_read_file(FIXTURES "incidents.csv", NULL);
    char *at = strstr(text, "jnim,1,4,");
    assert_non_null(at);
    at[5] = '3';
    const char *dir = test_tmpdir("cli_import_incidents_changed");
    char *changed = test_path(dir, "changed.csv");
    test_write_file(changed, text);
    const char *args2[] = { "import", "incidents", changed,     "--org",
                            "PAK",    "--tlp",     "TLP:GREEN", NULL };
    test_cli_ok(db, NULL, args2, &out);
    assert_contains(out, "6 records: 0 added, 1 updated, 5 unchanged, 0 already in the store");
    free(out);
    got = rows(db, 5,
               "SELECT i.killed, i.revision, r.revision, r.action, "
               "json_extract(r.snapshot, '$.killed') FROM incident i JOIN incident_revision r "
               "ON r.incident_n = i.n WHERE i.id = '0190b000-0000-7000-8000-000000000001'");
    assert_string_equal(got, "3|2|2|import|3\n");
    free(got);
    free(text);
    free(changed);
    free(db);
}

/* cli/import-incidents-geojson: the point from the geometry ([longitude, latitude]), lists as
 * JSON arrays, defaults for what a feature leaves out, the reply-only key casualty_records
 * ignored; again changes nothing. */
static void cli_import_incidents_geojson(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_incidents_geojson", PASSWORD);
    const char *args[] = { "import", "incidents", FIXTURES "incidents.geojson", NULL };
    char *out;
    test_cli_ok(db, NULL, args, &out);
    assert_contains(out, "(geojson): 3 records: 3 added, 0 updated, 0 unchanged");
    free(out);
    char *got = rows(db, 6,
                     "SELECT printf('%.4f', latitude), printf('%.4f', longitude), killed, "
                     "injured, perpetrator_groups, sources FROM incident WHERE id = "
                     "'0190c000-0000-7000-8000-000000000001'");
    assert_string_equal(got, "16.7666|-3.0074|10|25|[\"jnim\"]|"
                             "[\"MINUSMA press release\",\"UN News\"]\n");
    free(got);
    /* Left out: reported_at is the occurrence, precisions exact, target and activity other,
     * status submitted, marking AMBER+STRICT, not synthetic, the operator as reporter. */
    got = rows(db, 9,
               "SELECT reported_at, occurred_precision, location_precision, target, "
               "activity, status, tlp, synthetic, substr(reporter, 1, 4) FROM incident WHERE "
               "mission = "
               "'MINUSCA'");
    assert_string_equal(got, "2023-07-07T12:00:00Z|exact|exact|other|other|submitted|"
                             "AMBER+STRICT|0|cli:\n");
    free(got);
    test_cli_ok(db, NULL, args, &out);
    assert_contains(out, "3 records: 0 added, 0 updated, 3 unchanged");
    free(out);

    /* By content: a name that says nothing, a byte order mark, then '{'. */
    char *text = test_read_file(FIXTURES "incidents.geojson", NULL);
    const char *dir = test_tmpdir("cli_import_incidents_geojson_bom");
    char *p = test_path(dir, "incidents.txt"), *bom = malloc(strlen(text) + 4);
    sprintf(bom, "\xEF\xBB\xBF%s", text);
    test_write_file(p, bom);
    char *db2 = test_init_seeded_store("cli_import_incidents_geojson_bom_store", PASSWORD);
    test_cli_ok(db2, NULL, (const char *[]){ "import", "incidents", p, NULL }, &out);
    assert_contains(out, "(geojson): 3 records: 3 added");
    free(out);
    free(text);
    free(bom);
    free(p);
    free(db2);
    free(db);
}

/* cli/import-incidents-bad: each bad record named with its line or feature and field: a
 * latitude of 91, a date in the future, one before 1948, an unknown mission, an unknown
 * threat type, an id given twice; the good records are not written either. */
static void cli_import_incidents_bad(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_incidents_bad", PASSWORD);
    struct test_run r =
        test_cli_db(db, NULL, (const char *[]){ "import", "incidents", FIXTURES "bad.csv", NULL });
    assert_status(r, 1);
    assert_contains(r.err, "line 3: latitude: latitude 91 is out of range");
    assert_contains(r.err, "line 4: occurred_at: occurred_at 2999-01-01T00:00:00Z is in the "
                           "future");
    assert_contains(r.err, "line 5: occurred_at: occurred_at 1947-12-31T00:00:00Z is before 1948");
    assert_contains(r.err, "line 6: mission: unknown mission 'NOPE'");
    assert_contains(r.err, "line 7: threat_type: unknown threat_type 'laser_shark'");
    assert_contains(r.err, "line 9: id: id '0190d000-0000-7000-8000-000000000001' appears again "
                           "(first on line 2)");
    assert_contains(r.err, "6 of 8 records are invalid; nothing was imported");
    assert_int_equal(test_count_lines(r.err), 7);
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 0);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'incident.import'"),
                     0);

    r = test_cli_db(db, NULL,
                    (const char *[]){ "import", "incidents", FIXTURES "bad.geojson", NULL });
    assert_status(r, 1);
    assert_contains(r.err, "feature 1 (line 3): latitude: latitude 95 is out of range");
    assert_contains(r.err, "feature 2 (line 4): geometry: the geometry must be a Point");
    assert_contains(r.err, "feature 3 (line 5): narative: unknown property 'narative'");
    assert_contains(r.err, "3 of 4 records are invalid; nothing was imported");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 0);

    /* Files that are not what they should be fail as a whole, naming the line. */
    const char *dir = test_tmpdir("cli_import_incidents_badfile");
    char *p = test_path(dir, "typo.csv");
    test_write_file(p, "id,mission,occured_at,latitude,longitude,threat_type\n");
    assert_run(test_cli_db(db, NULL, (const char *[]){ "import", "incidents", p, NULL }), 1, NULL,
               "line 1: unknown column 'occured_at'");
    free(p);
    p = test_path(dir, "broken.geojson");
    test_write_file(p, "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\", "
                       "\"geometry\": null,\n \"properties\": {\"id\": }}]}\n");
    assert_run(test_cli_db(db, NULL, (const char *[]){ "import", "incidents", p, NULL }), 1, NULL,
               "feature 0 (line 3)");
    free(p);
    p = test_path(dir, "empty.csv");
    test_write_file(p, "");
    assert_run(test_cli_db(db, NULL, (const char *[]){ "import", "incidents", p, NULL }), 1, NULL,
               "is empty");
    free(p);
    /* Options: an unknown --org is the command line's mistake. */
    assert_run(test_cli_db(db, NULL,
                           (const char *[]){ "import", "incidents", FIXTURES "incidents.csv",
                                             "--org", "XXX", NULL }),
               2, NULL, "--org 'XXX' is not an organization here");
    /* A record with no owner and no --org names the field (line 6: the first record spans
     * lines 3 and 4). */
    assert_run(
        test_cli_db(db, NULL,
                    (const char *[]){ "import", "incidents", FIXTURES "incidents.csv", NULL }),
        1, NULL, "line 6: owner: owner is required");
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 0);
    free(db);
}

/* cli/import-incidents-roundtrip: demo records exported as CSV and as GeoJSON import into a
 * new store as the same records (ids, times, points, lists, markings, owners); into the store
 * that wrote them as records already there. */
static void cli_import_incidents_roundtrip(void **state)
{
    (void)state;
    char *a = test_init_seeded_store("cli_import_roundtrip_a", PASSWORD);
    test_cli_ok(a, NULL, (const char *[]){ "demo", "--incidents", "400", "--seed", "5", NULL },
                NULL);
    const char *dir = test_tmpdir("cli_import_roundtrip_files");
    char *csv = test_path(dir, "incidents.csv"), *geo = test_path(dir, "incidents.geojson");
    test_cli_ok(a, NULL,
                (const char *[]){ "export", "incidents", "--format", "csv", "--output", csv, NULL },
                NULL);
    test_cli_ok(
        a, NULL,
        (const char *[]){ "export", "incidents", "--format", "geojson", "--output", geo, NULL },
        NULL);
    char *want = rows(a, 31, RECORD_SQL);
    assert_int_equal(test_count_lines(want), 400);

    const char *names[] = { "cli_import_roundtrip_csv", "cli_import_roundtrip_geojson" };
    const char *files[] = { csv, geo };
    for (int k = 0; k < 2; k++) {
        char *b = test_init_seeded_store(names[k], PASSWORD);
        char *out;
        test_cli_ok(b, NULL, (const char *[]){ "import", "incidents", files[k], NULL }, &out);
        assert_contains(out, "400 records: 400 added, 0 updated, 0 unchanged");
        free(out);
        char *got = rows(b, 31, RECORD_SQL);
        assert_string_equal(got, want);
        free(got);
        assert_int_equal(test_store_int(b,
                                        "SELECT count(*) FROM incident WHERE source = 'import' AND "
                                        "source_ref = id"),
                         400);
        /* And back again, unchanged. */
        test_cli_ok(b, NULL, (const char *[]){ "import", "incidents", files[k], NULL }, &out);
        assert_contains(out, "400 records: 0 added, 0 updated, 400 unchanged");
        free(out);
        free(b);
    }
    /* Into the store that wrote them: they are there already. */
    char *out;
    test_cli_ok(a, NULL, (const char *[]){ "import", "incidents", csv, NULL }, &out);
    assert_contains(out, "400 records: 0 added, 0 updated, 0 unchanged, 400 already in the store");
    free(out);
    assert_int_equal(test_store_int(a, "SELECT count(*) FROM incident"), 400);
    free(want);
    free(csv);
    free(geo);
    free(a);
}

/* cli/demo-make-run: the command `make run` runs on a new store adds its incidents and says
 * so; the same command again adds none; mistakes in the options are named. */
static void cli_demo_make_run(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_demo_make_run", PASSWORD);
    const char *args[] = { "demo", "--incidents", "2000", "--seed", "1", NULL };
    char *out;
    test_cli_ok(db, NULL, args, &out);
    assert_string_equal(out, "2000 synthetic incidents added (seed 1)\n");
    free(out);
    assert_int_equal(
        test_store_int(db, "SELECT count(*) FROM incident WHERE synthetic = 1 AND source = "
                           "'demo' AND narrative LIKE '[SYNTHETIC] %'"),
        2000);
    test_cli_ok(db, NULL, args, &out);
    assert_string_equal(out, "0 synthetic incidents added (seed 1), 2000 already in the store\n");
    free(out);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 2000);
    assert_int_equal(test_store_int(db,
                                    "SELECT count(*) FROM audit_log WHERE action = 'demo.load' AND "
                                    "json_extract(summary, '$.seed') = '1'"),
                     2);

    assert_run(test_cli_db(db, NULL, (const char *[]){ "demo", "--incidents", "0", NULL }), 2, NULL,
               "--incidents '0' is not a whole number from 1 to 100000000");
    assert_run(test_cli_db(db, NULL, (const char *[]){ "demo", "--incidents", "12x", NULL }), 2,
               NULL, "--incidents '12x'");
    assert_run(test_cli_db(db, NULL, (const char *[]){ "demo", "--seed", "-1", NULL }), 2, NULL,
               "--seed '-1' is not a whole number");
    const char *dir = test_tmpdir("cli_demo_nostore");
    char *missing = test_path(dir, "none.db");
    assert_run(test_cli_db(missing, NULL, (const char *[]){ "demo", NULL }), 1, NULL,
               "no store at");
    free(missing);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-incidents-csv", cli_import_incidents_csv),
        BH_TEST("cli/import-incidents-geojson", cli_import_incidents_geojson),
        BH_TEST("cli/import-incidents-bad", cli_import_incidents_bad),
        BH_TEST("cli/import-incidents-roundtrip", cli_import_incidents_roundtrip),
        BH_TEST("cli/demo-make-run", cli_demo_make_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
