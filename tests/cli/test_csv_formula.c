/* Formula cells through the real binary (issue 9): the CSV exports guard every cell a
 * spreadsheet would run with a single quote, and `bluehelm import` takes it off again, so a
 * record whose text looks like a formula comes back from export and import byte for byte
 * (the casualty UN-format export through `import un-fatalities`, the incidents CSV through
 * `import incidents`). A leap second in an imported incident is named, not rounded. */
#include "support.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"

/* Casualty records whose casualty_id and nationality (the UN file's free-text columns) hold
 * formulas and their look-alikes. */
static const char *const tricky_ids[] = {
    "=1+1", "'=x", "@SUM(A1)", "-", "\tx", "+cmd|' /C calc'!A0", "-12.5", "''@x", "\rx",
};
#define NTRICKY (sizeof tricky_ids / sizeof tricky_ids[0])

/* A store with DPO (the UN's publisher) and one UN record per tricky casualty_id, its
 * nationality "=HYPERLINK(...)" or "-7", inserted as they are. */
static char *casualty_store(const char *name)
{
    char *db = test_world_orgs(name, (const char *const[]){ "DPO", NULL });
    struct db *h = test_db_open(db, 0);
    for (size_t i = 0; i < NTRICKY; i++) {
        char sql[1024], id[8];
        snprintf(id, sizeof id, "%02zu", i + 1);
        /* SQLite's char() spells the tab and the CR. */
        char cid[64];
        const char *v = tricky_ids[i];
        if (v[0] == '\t' || v[0] == '\r')
            snprintf(cid, sizeof cid, "char(%d) || '%s'", v[0], v + 1);
        else {
            size_t n = 0;
            cid[n++] = '\'';
            for (const char *p = v; *p; p++) {
                if (*p == '\'')
                    cid[n++] = '\'';
                cid[n++] = *p;
            }
            cid[n++] = '\'';
            cid[n] = '\0';
        }
        snprintf(sql, sizeof sql,
                 "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, nationality_m49, personnel_type, "
                 "incident_type, owner_org_id, tlp, embargoed, source, source_updated, "
                 "source_row, source_nationality, source_iso3, created_at, updated_at) "
                 "SELECT '0190f000-0000-7000-8000-0000000000%s', %s, '2025-02-17', 'UNMISS', "
                 "'Fatality', 'M', %s, NULL, NULL, 'Police', 'Illness', o.id, 'CLEAR', 0, "
                 "'un', '2025-04-04', %zu, %s, '', '2025-01-01T00:00:00Z', "
                 "'2025-02-03T04:05:06Z' FROM org o WHERE o.code = 'DPO'",
                 id, cid, i % 2 ? "'-7'" : "'=HYPERLINK(\"http://x\",\"y\")'", 4000 + i,
                 i % 2 ? "'-7'" : "'=HYPERLINK(\"http://x\",\"y\")'");
        test_exec(h, sql);
    }
    db_close(h);
    return db;
}

#define CASUALTY_SQL                                                                   \
    "SELECT casualty_id, hex(casualty_id), nationality, source_nationality, mission, " \
    "incident_date FROM casualty ORDER BY hex(casualty_id)"

/* Whether some line of `text` has a cell that starts like a formula and is not a number: the
 * export must have none. Cells are split at commas outside quotes. */
static void assert_no_bare_formula(const char *text)
{
    const char *cell = text;
    int quoted = 0;
    for (const char *p = text;; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (quoted && *p)
            continue;
        if (*p == ',' || *p == '\n' || *p == '\0') {
            const char *c = cell;
            if (*c == '"')
                c++;
            if (*c == '\t' || *c == '\r')
                fail_msg("a cell starts with a tab or a CR: [%.40s]", cell);
            if (*c && strchr("=+-@", *c)) {
                char *end;
                strtod(c, &end);
                if (end == c || (*end != ',' && *end != '\n' && *end != '\0'))
                    fail_msg("a cell starts like a formula: [%.40s]", cell);
            }
            if (!*p)
                return;
            cell = p + 1;
        }
    }
}

/* cli/csv-formula-casualty-round-trip */
static void cli_csv_formula_casualty_round_trip(void **state)
{
    (void)state;
    char *a = casualty_store("cli_csv_formula_cas_a");
    const char *dir = test_tmpdir("cli_csv_formula_cas_files");
    char *file_a = test_path(dir, "a.csv"), *file_b = test_path(dir, "b.csv");
    test_cli_ok(a, NULL, (const char *[]){ "export", "casualties", "--output", file_a, NULL },
                NULL);
    size_t len;
    char *text_a = test_read_file(file_a, &len);
    assert_non_null(text_a);
    /* The guarded cells, written by hand from docs/formats.md. */
    assert_contains(text_a, "\n4000,2025-02-17,'=1+1,UNMISS,Fatality,M,"
                            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Police,Illness,,,"
                            "2025-04-04\n");
    assert_contains(text_a, "\n4001,2025-02-17,''=x,UNMISS,Fatality,M,-7,Police,");
    assert_contains(text_a, ",'@SUM(A1),");
    assert_contains(text_a, ",'-,");
    assert_contains(text_a, ",'\tx,");
    assert_contains(text_a, ",'+cmd|' /C calc'!A0,");
    assert_contains(text_a, ",-12.5,");
    assert_contains(text_a, ",'''@x,");
    assert_contains(text_a, ",\"'\rx\",");
    assert_no_bare_formula(text_a);

    char *b = test_world_orgs("cli_csv_formula_cas_b", (const char *const[]){ "DPO", NULL });
    char *out;
    test_cli_ok(b, NULL, (const char *[]){ "import", "un-fatalities", file_a, NULL }, &out);
    char want_out[64];
    snprintf(want_out, sizeof want_out, "%zu added, 0 updated, 0 unchanged, 0 rejected", NTRICKY);
    assert_contains(out, want_out);
    free(out);
    char *want = test_store_rows(a, 6, CASUALTY_SQL, "NULL");
    char *got = test_store_rows(b, 6, CASUALTY_SQL, "NULL");
    assert_string_equal(got, want);
    assert_int_equal(test_store_int(b, "SELECT count(*) FROM casualty WHERE casualty_id = "
                                       "'=1+1' OR casualty_id = '''=x' OR casualty_id = "
                                       "char(9) || 'x' OR casualty_id = '-12.5'"),
                     4);
    /* And the store that read it writes the same bytes. */
    test_cli_ok(b, NULL, (const char *[]){ "export", "casualties", "--output", file_b, NULL },
                NULL);
    char *text_b = test_read_file(file_b, &len);
    assert_string_equal(text_b, text_a);
    free(text_a);
    free(text_b);
    free(want);
    free(got);
    free(file_a);
    free(file_b);
    free(a);
    free(b);
}

#define INCIDENT_HEADER                                                                            \
    "id,mission,occurred_at,occurred_precision,reported_at,latitude,longitude,location_precision," \
    "place_name,threat_type,target,activity,perpetrator,perpetrator_groups,killed,injured,"        \
    "missing,abducted,narrative,sources,status,synthetic,owner,tlp\n"

/* Every text value of the records, with the bytes of the narrative. */
#define INCIDENT_SQL                                                                          \
    "SELECT id, place_name, perpetrator, hex(narrative), sources, printf('%.4f', latitude), " \
    "printf('%.4f', longitude) FROM incident ORDER BY id"

/* The cells of the two records as the incidents CSV export must write them. */
static void assert_incident_cells(const char *text)
{
    assert_contains(text, ",'=1+1,");
    assert_contains(text, ",'@SUM(A1),");
    assert_contains(text, ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",");
    assert_contains(text, ",'-2+3; '=x,");
    assert_contains(text, ",'-,");
    assert_contains(text, ",''=x,");
    assert_contains(text, ",'\t[SYNTHETIC] a tab first,");
    /* Negative coordinates and a number-like source stay numbers. */
    assert_contains(text, ",-4.3947,-18.5582,");
    assert_contains(text, ",-12.5,");
    assert_no_bare_formula(text);
}

/* cli/csv-formula-incident-round-trip: a file written the way our export writes (guarded
 * cells) imports as the values themselves; exported again it gives the guarded cells, and
 * that file imports into a new store as the same records, byte for byte, which export the
 * same cells. */
static void cli_csv_formula_incident_round_trip(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_csv_formula_inc_files");
    char *src = test_path(dir, "source.csv"), *file_a = test_path(dir, "a.csv"),
         *file_b = test_path(dir, "b.csv");
    test_write_file(src, INCIDENT_HEADER
                    "0190b000-0000-7000-8000-0000000000f1,MINUSMA,2021-01-15T07:30:00Z,exact,"
                    "2021-01-15T09:00:00Z,16.2717,-0.0447,near,'=1+1,ied,convoy,"
                    "logistics_convoy,'@SUM(A1),jnim,1,4,0,0,"
                    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-2+3; '=x,endorsed,true,FRA,"
                    "TLP:GREEN\n"
                    "0190b000-0000-7000-8000-0000000000f2,MINUSCA,2022-06-01T00:00:00Z,day,"
                    "2022-06-02T10:00:00Z,-4.3947,-18.5582,exact,'-,hostile_crowd,patrol,"
                    "patrolling,''=x,,0,2,0,0,'\t[SYNTHETIC] a tab first,-12.5,submitted,true,"
                    "BRA,TLP:CLEAR\n");
    char *a = test_init_seeded_store("cli_csv_formula_inc_a", PASSWORD);
    char *out;
    test_cli_ok(a, NULL, (const char *[]){ "import", "incidents", src, NULL }, &out);
    assert_contains(out, "2 records: 2 added");
    free(out);
    /* The values themselves, not the guards. */
    char *got = test_store_rows(
        a, 4, "SELECT place_name, perpetrator, narrative, sources FROM incident ORDER BY id",
        "NULL");
    assert_string_equal(got, "=1+1|@SUM(A1)|=HYPERLINK(\"http://x\",\"y\")|[\"-2+3\",\"'=x\"]\n"
                             "-|'=x|\t[SYNTHETIC] a tab first|[\"-12.5\"]\n");
    free(got);

    test_cli_ok(
        a, NULL,
        (const char *[]){ "export", "incidents", "--format", "csv", "--output", file_a, NULL },
        NULL);
    size_t len;
    char *text_a = test_read_file(file_a, &len);
    assert_non_null(text_a);
    assert_incident_cells(text_a);

    char *b = test_init_seeded_store("cli_csv_formula_inc_b", PASSWORD);
    test_cli_ok(b, NULL, (const char *[]){ "import", "incidents", file_a, NULL }, &out);
    assert_contains(out, "2 records: 2 added");
    free(out);
    char *want = test_store_rows(a, 7, INCIDENT_SQL, "NULL");
    got = test_store_rows(b, 7, INCIDENT_SQL, "NULL");
    assert_string_equal(got, want);
    test_cli_ok(
        b, NULL,
        (const char *[]){ "export", "incidents", "--format", "csv", "--output", file_b, NULL },
        NULL);
    /* The same cells again (the rows differ in their store's own bookkeeping: created_at,
     * revision, source). */
    char *text_b = test_read_file(file_b, &len);
    assert_non_null(text_b);
    assert_incident_cells(text_b);
    free(text_a);
    free(text_b);
    free(want);
    free(got);
    free(src);
    free(file_a);
    free(file_b);
    free(a);
    free(b);
}

/* cli/import-incidents-leap-second: a leap second is refused naming the field and the value,
 * not stored as :59.999. */
static void cli_import_incidents_leap_second(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_leap_second_files");
    char *src = test_path(dir, "leap.csv");
    test_write_file(src, INCIDENT_HEADER
                    "0190b000-0000-7000-8000-0000000000f3,MINUSMA,2016-12-31T23:59:60Z,exact,"
                    "2017-01-01T09:00:00Z,16.2717,-0.0447,near,Gao,ied,convoy,"
                    "logistics_convoy,,jnim,1,4,0,0,[SYNTHETIC] leap,,draft,true,FRA,"
                    "TLP:GREEN\n");
    char *db = test_init_seeded_store("cli_leap_second", PASSWORD);
    struct test_run r = test_cli_db(db, NULL, (const char *[]){ "import", "incidents", src, NULL });
    if (r.status == 0)
        fail_msg("a leap second was imported:\n%s", r.out);
    assert_contains(r.err, "occurred_at");
    assert_contains(r.err, "2016-12-31T23:59:60Z");
    assert_contains(r.err, "leap seconds (:60) are not accepted; use 23:59:59");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM incident"), 0);
    free(src);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/csv-formula-casualty-round-trip", cli_csv_formula_casualty_round_trip),
        BH_TEST("cli/csv-formula-incident-round-trip", cli_csv_formula_incident_round_trip),
        BH_TEST("cli/import-incidents-leap-second", cli_import_incidents_leap_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
