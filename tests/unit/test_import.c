/* The UN fatalities import against a real store (reference data loaded, a few organizations):
 * one fixture per quirk of the published file (tests/data/un_fatalities/quirk_*.csv), bad
 * input that must change nothing (bad_*.csv), re-imports that must be idempotent, a modified
 * copy, and the bulk path that rebuilds the indexes. */
#include "support.h"

#include "casualty/casualty.h"
#include "casualty/import.h"
#include "db/db.h"
#include "principal/principal.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES BH_TEST_DATA "/un_fatalities/"

/* A store with the countries and missions, the UN's publisher (DPO) and three member states
 * with organizations here: Rwanda, India and Türkiye. Not France, not Chad. */
static struct db *store(const char *name, bool publisher)
{
    struct db *db = test_db_migrated(name, NULL);
    struct bh_error err;
    struct refdata_counts n;
    if (refdata_load(db, TEST_ISO_DIR, &n, &err))
        fail_msg("%s", err.message);
    test_exec(db, "INSERT INTO org (code, kind, name, country_iso3, created_at) VALUES "
                  "('RWA', 'member_state', 'Rwanda', 'RWA', '2021-04-27T00:00:00Z'), "
                  "('IND', 'member_state', 'India', 'IND', '2021-04-27T00:00:00Z'), "
                  "('TUR', 'member_state', 'Türkiye', 'TUR', '2021-04-27T00:00:00Z'), "
                  "('LAS', 'regional_org', 'League of Arab States', NULL, "
                  "'2021-04-27T00:00:00Z')");
    if (publisher)
        test_exec(db, "INSERT INTO org (code, kind, name, created_at) VALUES ('DPO', "
                      "'un_entity', 'Department of Peace Operations', '2021-04-27T00:00:00Z')");
    return db;
}

/* Imports fixture `name` and fails unless it works with these counts. */
#define import_ok(db, name, a, u, s, j) \
    assert_import((db), casualty_import_un_fatalities, FIXTURES name, NULL, (a), (u), (s), (j))
#define import_ok_path(db, path, a, u, s, j) \
    assert_import((db), casualty_import_un_fatalities, (path), NULL, (a), (u), (s), (j))

/* One record as "field|field|...": the values a quirk test checks. */
static const char *record(struct db *db, const char *casualty_id)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT c.incident_date || '|' || c.mission || '|' || c.casualty_type || '|' || "
             "c.gender || '|' || c.nationality || '|' || ifnull(c.nationality_iso3, 'NULL') || "
             "'|' || ifnull(c.nationality_m49, 'NULL') || '|' || c.personnel_type || '|' || "
             "c.incident_type || '|' || o.code FROM casualty c JOIN org o ON o.id = "
             "c.owner_org_id WHERE c.casualty_id = '%s'",
             casualty_id);
    return test_query_text(db, sql);
}

static int64_t count(struct db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return test_query_int(db, sql);
}

/* casualty/import-valid: the UN's values, released as the UN published them, owned by the
 * contributing state's organization when there is one, else by DPO; one audit entry. */
static void import_valid(void **state)
{
    (void)state;
    struct db *db = store("import_valid", true);
    int64_t audits = count(db, "audit_log");
    import_ok(db, "valid_small.csv", 5, 0, 0, 0);
    assert_int_equal(count(db, "casualty"), 5);
    assert_string_equal(record(db, "UNTSO-1948-07-02408"),
                        "1948-07-06|UNTSO|Fatality|M|France|FRA|250|Military|Malicious Act|DPO");
    assert_string_equal(record(db, "MINUSMA-2019-01-00031"),
                        "2019-01-20|MINUSMA|Fatality|F|Rwanda|RWA|646|Police|Illness|RWA");
    assert_string_equal(record(db, "UNMISS-2020-06-00007"),
                        "2020-06-15|UNMISS|Fatality|M|India|IND|356|Military|Accident|IND");
    /* Released, public, the UN's: */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE source = 'un' AND "
                                        "embargoed = 0 AND tlp = 'CLEAR' AND sharing_group_id "
                                        "IS NULL AND released_at IS NOT NULL AND released_by = "
                                        "'" CASUALTY_UN_RELEASED_BY "' AND source_updated = "
                                        "'2025-04-04' AND released_at = created_at"),
                     5);
    assert_string_equal(
        test_query_text(db, "SELECT group_concat(source_row, ',') FROM (SELECT source_row "
                            "FROM casualty ORDER BY source_row)"),
        "1,2,3,4,5");
    /* One audit entry with the counts. */
    assert_int_equal(count(db, "audit_log"), audits + 1);
    assert_string_equal(test_query_text(db,
                                        "SELECT action || ' ' || record_type || ' ' || "
                                        "ifnull(record_id, '-') FROM audit_log ORDER BY seq DESC"),
                        "casualty.import casualty -");
    assert_string_equal(
        test_query_text(db, "SELECT json_extract(summary, '$.added') || ',' || "
                            "json_extract(summary, '$.updated') || ',' || "
                            "json_extract(summary, '$.unchanged') || ',' || "
                            "json_extract(summary, '$.rejected') || ',' || "
                            "json_extract(summary, '$.rows') FROM audit_log ORDER BY seq "
                            "DESC"),
        "5,0,0,0,5");
    db_close(db);
}

/* casualty/import-quirk-m49-float: "250.0" is 250 (and "4.0" 4, "404" 404). */
static void quirk_m49_float(void **state)
{
    (void)state;
    struct db *db = store("import_m49", true);
    import_ok(db, "quirk_m49_float.csv", 3, 0, 0, 0);
    assert_string_equal(test_query_text(db,
                                        "SELECT group_concat(nationality_m49, ',') FROM (SELECT "
                                        "nationality_m49 FROM casualty ORDER BY source_row)"),
                        "250,4,404");
    assert_string_equal(test_query_text(db, "SELECT typeof(nationality_m49) FROM casualty LIMIT 1"),
                        "integer");
    db_close(db);
}

/* casualty/import-quirk-local-trailing-space: "Local " (unquoted or quoted, or with a tab) is
 * the vocabulary's "Local"; every other field is trimmed too. */
static void quirk_local_space(void **state)
{
    (void)state;
    struct db *db = store("import_local", true);
    import_ok(db, "quirk_local_trailing_space.csv", 3, 0, 0, 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE personnel_type = "
                                        "'Local'"),
                     3);
    assert_string_equal(record(db, "UNMIL-2007-02-00022"),
                        "2007-02-09|UNMIL|Fatality|M|Liberia|LBR|430|Local|Illness|DPO");
    assert_string_equal(test_query_text(db,
                                        "SELECT source_updated FROM casualty WHERE casualty_id = "
                                        "'UNMIL-2007-02-00022'"),
                        "2025-04-04");
    db_close(db);
}

/* casualty/import-quirk-missing-codes: rows without ISO3 and M49 keep their nationality as
 * written; a name that is exactly a country's (or in the alias table: "Côte dIvoire",
 * "Türkiye") gets its code and the owner that goes with it; an undetermined or unknown name
 * gets none and DPO owns it; an empty one is "Unknown". The cells as written are kept. */
static void quirk_missing_codes(void **state)
{
    (void)state;
    struct db *db = store("import_codes", true);
    import_ok(db, "quirk_missing_codes.csv", 6, 0, 0, 0);
    assert_string_equal(record(db, "ONUC-1960-09-10734"),
                        "1960-09-30|ONUC|Fatality|M|ZZ [Undetermined]|NULL|NULL|Military|"
                        "Accident|DPO");
    assert_string_equal(record(db, "MINURCA-1998-05-03035"),
                        "1998-05-31|MINURCA|Fatality|M|Côte dIvoire|CIV|NULL|Military|"
                        "Accident|DPO");
    assert_string_equal(record(db, "UNOSOM-1993-05-00182"),
                        "1993-05-09|UNOSOM|Fatality|M|Türkiye|TUR|NULL|Military|Accident|TUR");
    assert_string_equal(record(db, "UNOCI-2016-03-09647"),
                        "2016-03-13|UNOCI|Fatality|U|Unknown|NULL|NULL|Other|Malicious Act|DPO");
    assert_string_equal(record(db, "UNIFIL-2008-01-00003"),
                        "2008-01-17|UNIFIL|Fatality|M|Viet Nam|VNM|NULL|Military|Illness|DPO");
    assert_string_equal(record(db, "UNIFIL-2008-01-00004"),
                        "2008-01-18|UNIFIL|Fatality|M|Atlantis|NULL|NULL|Military|Illness|DPO");
    /* The export writes the cells back as the file had them. */
    assert_string_equal(
        test_query_text(db, "SELECT '[' || source_nationality || '][' || source_iso3 || "
                            "']' FROM casualty WHERE casualty_id = 'UNOCI-2016-03-09647'"),
        "[][]");
    assert_string_equal(
        test_query_text(db, "SELECT '[' || source_nationality || '][' || source_iso3 || "
                            "']' FROM casualty WHERE casualty_id = 'UNOSOM-1993-05-00182'"),
        "[Türkiye][]");
    db_close(db);
}

/* casualty/import-quirk-non-ascii: UTF-8 names kept byte for byte, a quoted comma too. */
static void quirk_non_ascii(void **state)
{
    (void)state;
    struct db *db = store("import_utf8", true);
    import_ok(db, "quirk_non_ascii.csv", 3, 0, 0, 0);
    assert_string_equal(test_query_text(db, "SELECT nationality FROM casualty WHERE casualty_id = "
                                            "'UNOCI-2004-11-00071'"),
                        "C\xc3\xb4te d'Ivoire");
    assert_string_equal(test_query_text(db, "SELECT nationality FROM casualty WHERE casualty_id = "
                                            "'UNDOF-2012-07-00002'"),
                        "C\xc3\xb4te d'Ivoire, R\xc3\xa9publique de");
    assert_string_equal(test_query_text(db,
                                        "SELECT hex(nationality) FROM casualty WHERE casualty_id = "
                                        "'UNOSOM-1993-06-00360'"),
                        "54C3BC726B697965"); /* T, u-umlaut as C3 BC, rkiye */
    db_close(db);
}

/* casualty/import-quirk-historic-codes: withdrawn ISO 3166-3 codes (YUG, SCG) are countries
 * of the table and stay; the file's M49 code (890 for Yugoslavia) is kept, not replaced by
 * the country table's. */
static void quirk_historic_codes(void **state)
{
    (void)state;
    struct db *db = store("import_historic", true);
    import_ok(db, "quirk_historic_codes.csv", 2, 0, 0, 0);
    assert_string_equal(record(db, "UNPROFOR-1992-05-00017"),
                        "1992-05-14|UNPROFOR|Fatality|M|Yugoslavia|YUG|890|Local|Accident|DPO");
    assert_string_equal(record(db, "UNMIK-2003-05-03589"),
                        "2003-05-05|UNMIK|Fatality|U|Serbia and Montenegro|SCG|891|Local|"
                        "Self-Inflicted|DPO");
    db_close(db);
}

/* casualty/import-quirk-casualty-id-mismatch: an id whose prefix or month differs from the
 * row's mission and date is kept as given; the row's own mission and date are stored. */
static void quirk_id_mismatch(void **state)
{
    (void)state;
    struct db *db = store("import_idmismatch", true);
    import_ok(db, "quirk_casualty_id_mismatch.csv", 3, 0, 0, 0);
    assert_string_equal(record(db, "UN SECRETA-1961-09-10864"),
                        "1961-09-18|UNSecretariat|Fatality|M|Sweden|SWE|752|International "
                        "Civilian|Accident|DPO");
    assert_string_equal(record(db, "UNMOGIP-2022-12-00001"),
                        "2002-12-25|UNMOGIP|Fatality|M|Nepal|NPL|524|International Civilian|"
                        "Illness|DPO");
    assert_string_equal(record(db, "UNOCI-2018-05-00001"),
                        "2013-06-06|UNOCI|Fatality|M|Bangladesh|BGD|50|Police|Illness|DPO");
    db_close(db);
}

/* casualty/import-quirk-empty-gender: an empty gender is 'U' (not recorded), not a guess. */
static void quirk_empty_gender(void **state)
{
    (void)state;
    struct db *db = store("import_gender", true);
    import_ok(db, "quirk_empty_gender.csv", 2, 0, 0, 0);
    assert_string_equal(test_query_text(db,
                                        "SELECT group_concat(gender, ',') FROM (SELECT gender FROM "
                                        "casualty ORDER BY source_row)"),
                        "U,F");
    db_close(db);
}

/* casualty/import-quirk-duplicate-casualty-id: the real file lists six people twice under one
 * casualty_id (Montenegro, then Serbia and Montenegro). The UN's totals count rows, and the
 * import is keyed on the file's id: both rows are records, nothing is rejected, and the pair
 * is a possible double entry (casualty_conflicts), not a rejection. */
static void quirk_duplicate_id(void **state)
{
    (void)state;
    struct db *db = store("import_dup", true);
    import_ok(db, "quirk_duplicate_casualty_id.csv", 3, 0, 0, 0);
    assert_string_equal(test_query_text(db, "SELECT group_concat(source_row || ':' || "
                                            "nationality_iso3, ' ') FROM (SELECT * FROM casualty "
                                            "WHERE casualty_id = 'UNMIK-2003-05-03589' ORDER BY "
                                            "source_row)"),
                        "1898:MNE 1899:SCG");
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    json_t *items = json_array();
    assert_int_equal(casualty_conflicts(db, &cli, items, &err), 0);
    assert_int_equal(json_array_size(items), 1);
    json_t *g = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(g, "casualty_id")),
                        "UNMIK-2003-05-03589");
    assert_int_equal(json_array_size(json_object_get(g, "records")), 2);
    assert_false(json_is_true(json_object_get(g, "resolved")));
    json_decref(items);
    /* Again: nothing to do. */
    import_ok(db, "quirk_duplicate_casualty_id.csv", 0, 0, 3, 0);
    db_close(db);
}

/* Writes `text` as a file in the test's directory and gives its path (heap). */
static char *write_csv(const char *test, const char *name, const char *text)
{
    char *path = test_path(test_tmpdir(test), name);
    test_write_file(path, text);
    return path;
}

#define UN_HEADER                                                                           \
    "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"                 \
    "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,last_" \
    "update\n"

/* casualty/import-keyed-by-row-id: a newer file is matched to the store by the UN's row id,
 * not by casualty_id: a row whose casualty_id the UN corrected updates its own record (the
 * same record id, the new casualty_id), a row now sharing a casualty_id with another is a
 * second record, an id seen again in the file is rejected naming the first line, a row
 * without an id is rejected; the report and the audit entry count it so, and the newer file
 * again changes nothing. */
static void keyed_by_row_id(void **state)
{
    (void)state;
    struct db *db = store("import_keyed", true);
    import_ok(db, "valid_small.csv", 5, 0, 0, 0);
    char *before = strdup(test_query_text(db, "SELECT id FROM casualty WHERE source_row = 3"));
    char *path = write_csv(
        "import_keyed", "newer.csv",
        UN_HEADER "1,1948-07-06,UNTSO-1948-07-02408,UNTSO,Fatality,M,France,Military,Malicious "
                  "Act,250.0,FRA,2025-04-04\n"
                  "2,1994-04-11,UNAMIR-1994-04-00110,UNAMIR,Fatality,M,Belgium,Military,"
                  "Malicious Act,56.0,BEL,2025-04-04\n"
                  /* the UN corrected the casualty_id of row 3 */
                  "3,2013-10-23,MINUSMA-2013-10-00099,MINUSMA,Fatality,M,Chad,Military,Malicious "
                  "Act,148.0,TCD,2025-05-01\n"
                  "4,2019-01-20,MINUSMA-2019-01-00031,MINUSMA,Fatality,F,Rwanda,Police,Illness,"
                  "646.0,RWA,2025-04-04\n"
                  "5,2020-06-15,UNMISS-2020-06-00007,UNMISS,Fatality,M,India,Military,Accident,"
                  "356.0,IND,2025-04-04\n"
                  /* a new row under row 4's casualty_id: a second record */
                  "6,2019-01-20,MINUSMA-2019-01-00031,MINUSMA,Fatality,F,Rwanda,Police,Illness,"
                  "646.0,RWA,2025-05-01\n"
                  /* id 6 again: rejected */
                  "6,2019-01-21,MINUSMA-2019-01-00032,MINUSMA,Fatality,F,Rwanda,Police,Illness,"
                  "646.0,RWA,2025-05-01\n"
                  /* no id: rejected */
                  ",2019-01-22,MINUSMA-2019-01-00033,MINUSMA,Fatality,F,Rwanda,Police,Illness,"
                  "646.0,RWA,2025-05-01\n");
    struct import_report r;
    struct bh_error err;
    assert_int_equal(test_import_file(db, casualty_import_un_fatalities, path, &r, &err), 0);
    assert_int_equal(r.rows, 8);
    assert_int_equal(r.added, 1);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.unchanged, 4);
    assert_int_equal(r.rejected, 2);
    static const struct test_rejection want[] = {
        { 8, "id '6' appears again (first on line 7); the first is kept" },
        { 9, "id is empty: the UN's row number is the key of its record" },
    };
    assert_rejections(&r, want);
    import_report_cleanup(&r);
    assert_int_equal(count(db, "casualty"), 6);
    /* Row 3 is the same record, with the corrected casualty_id. */
    char want3[160];
    snprintf(want3, sizeof want3, "%s MINUSMA-2013-10-00099 2025-05-01", before);
    assert_string_equal(test_query_text(db, "SELECT id || ' ' || casualty_id || ' ' || "
                                            "source_updated FROM casualty WHERE source_row = 3"),
                        want3);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE casualty_id = "
                                        "'MINUSMA-2013-10-00012'"),
                     0);
    assert_string_equal(test_query_text(db, "SELECT group_concat(source_row, ',') FROM (SELECT "
                                            "source_row FROM casualty WHERE casualty_id = "
                                            "'MINUSMA-2019-01-00031' ORDER BY source_row)"),
                        "4,6");
    assert_string_equal(test_query_text(db, "SELECT json_extract(summary, '$.added') || ',' || "
                                            "json_extract(summary, '$.updated') || ',' || "
                                            "json_extract(summary, '$.unchanged') || ',' || "
                                            "json_extract(summary, '$.rejected') FROM audit_log "
                                            "ORDER BY seq DESC"),
                        "1,1,4,2");
    /* The same newer file again: nothing written, the same two rejections. */
    test_exec(db, "UPDATE casualty SET updated_at = '2000-01-01T00:00:00Z'");
    assert_import(db, casualty_import_un_fatalities, path, NULL, 0, 0, 6, 2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE updated_at = "
                                        "'2000-01-01T00:00:00Z'"),
                     6);
    free(before);
    free(path);
    db_close(db);
}

/* casualty/import-keeps-duplicate-mark: an admin's mark that a record repeats another is
 * the store's, not the file's: a re-import that updates the record keeps it. */
static void keeps_duplicate_mark(void **state)
{
    (void)state;
    struct db *db = store("import_keeps_mark", true);
    import_ok(db, "quirk_duplicate_casualty_id.csv", 3, 0, 0, 0);
    char *a = strdup(test_query_text(db, "SELECT id FROM casualty WHERE source_row = 1898"));
    char *b = strdup(test_query_text(db, "SELECT id FROM casualty WHERE source_row = 1899"));
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    assert_int_equal(casualty_mark_duplicate(db, &cli, b, a, NULL, &err), 0);
    char *text = test_read_file(FIXTURES "quirk_duplicate_casualty_id.csv", NULL);
    char *at = strstr(text, "891.0,SCG,2025-04-04");
    assert_non_null(at);
    memcpy(at, "891.0,SCG,2025-05-01", 20);
    char *path = write_csv("import_keeps_mark", "newer.csv", text);
    import_ok_path(db, path, 0, 1, 2, 0);
    char want[80];
    snprintf(want, sizeof want, "%s 2025-05-01", a);
    assert_string_equal(test_query_text(db, "SELECT duplicate_of || ' ' || source_updated FROM "
                                            "casualty WHERE source_row = 1899"),
                        want);
    free(path);
    free(text);
    free(a);
    free(b);
    db_close(db);
}

/* casualty/import-bad-date: a date that is not on the calendar or not YYYY-MM-DD rejects its
 * row, with its line; 29 February of a leap year is a date. */
static void bad_date(void **state)
{
    (void)state;
    struct db *db = store("import_bad_date", true);
    struct import_report r;
    struct bh_error err;
    assert_int_equal(
        test_import_file(db, casualty_import_un_fatalities, FIXTURES "bad_date.csv", &r, &err), 0);
    assert_int_equal(r.added, 1);
    assert_int_equal(r.rejected, 2);
    assert_int_equal(r.rejections[0].line, 3);
    assert_string_equal(r.rejections[0].reason,
                        "incident_date '2021-02-29' is not a date (YYYY-MM-DD)");
    assert_int_equal(r.rejections[1].line, 4);
    assert_contains(r.rejections[1].reason, "'03/04/2021'");
    import_report_cleanup(&r);
    assert_string_equal(test_query_text(db, "SELECT incident_date FROM casualty"), "2020-02-29");
    db_close(db);
}

/* casualty/import-bad-vocabulary: values outside the UN vocabulary (also in another case), an
 * unknown mission or country code, a bad gender or M49, a short row: each rejected on its
 * own line with the value, never guessed; the good rows go in. */
static void bad_vocabulary(void **state)
{
    (void)state;
    struct db *db = store("import_bad_vocab", true);
    struct import_report r;
    struct bh_error err;
    assert_int_equal(test_import_file(db, casualty_import_un_fatalities,
                                      FIXTURES "bad_vocabulary.csv", &r, &err),
                     0);
    assert_int_equal(r.added, 2);
    assert_int_equal(r.rejected, 9);
    static const struct test_rejection want[] = {
        { 3, "type_of_incident 'Friendly Fire' is not in the vocabulary" },
        { 4, "casualty_personnel_type 'Contractor' is not in the vocabulary" },
        { 5, "type_of_casualty 'Death' is not in the vocabulary" },
        { 6, "mission_acronym 'UNXYZ' is not a mission we know" },
        { 7, "gender 'X' is not M, F or empty" },
        { 8, "m49_code '148.5' is not a UN M49 country code" },
        { 9, "isocode3 'XXX' is not a country code we know" },
        { 10, "type_of_incident 'accident' is not in the vocabulary" },
        { 11, "the row has 11 fields where the header has 12" },
    };
    assert_rejections(&r, want);
    import_report_cleanup(&r);
    assert_string_equal(test_query_text(db, "SELECT group_concat(casualty_id, ' ') FROM (SELECT "
                                            "casualty_id FROM casualty ORDER BY casualty_id)"),
                        "MINUSMA-2019-01-00031 MINUSMA-2019-01-00041");
    db_close(db);
}

/* casualty/import-bad-file-changes-nothing: a file that is not this format fails as a whole
 * with one message naming the line, and the store is as it was: the same records, the same
 * audit log. */
static void bad_file_changes_nothing(void **state)
{
    (void)state;
    struct db *db = store("import_bad_file", true);
    import_ok(db, "valid_small.csv", 5, 0, 0, 0);
    /* Change a record so a half-done import would show. */
    test_exec(db, "UPDATE casualty SET incident_type = 'Unknown' WHERE casualty_id = "
                  "'UNTSO-1948-07-02408'");
    int64_t rows = count(db, "casualty"), audits = count(db, "audit_log");
    static const struct {
        const char *file;
        long line, column;
        const char *says;
    } bad[] = {
        { "bad_wrong_header.csv", 1, 0, "the header has no column 'casualty_nationality'" },
        { "bad_missing_column.csv", 1, 0, "the header has no column 'last_update'" },
        { "bad_empty.csv", 1, 0, "is empty: expected a header line (id,incident_date," },
        { "bad_binary.csv", 1, 0, "is not valid UTF-8" },
        { "bad_latin1.csv", 2, 0, "line 2: field 7 is not valid UTF-8 (byte 0xF4)" },
        { "bad_quote.csv", 3, 58, "line 3, column 58: a quote inside an unquoted field" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, FIXTURES "%s", bad[i].file);
        struct import_report r;
        struct bh_error err;
        int rc = test_import_file(db, casualty_import_un_fatalities, path, &r, &err);
        if (rc != BH_EINVALID || !strstr(err.message, bad[i].says))
            fail_msg("%s: rc %d, \"%s\"; expected \"%s\"", bad[i].file, rc, err.message,
                     bad[i].says);
        if (r.where.line != bad[i].line || r.where.column != bad[i].column)
            fail_msg("%s: at %ld:%ld, expected %ld:%ld", bad[i].file, r.where.line, r.where.column,
                     bad[i].line, bad[i].column);
        assert_int_equal(r.added + r.updated + r.unchanged, 0);
        import_report_cleanup(&r);
        assert_int_equal(count(db, "casualty"), rows);
        assert_int_equal(count(db, "audit_log"), audits);
        assert_string_equal(
            test_query_text(db, "SELECT incident_type FROM casualty WHERE casualty_id = "
                                "'UNTSO-1948-07-02408'"),
            "Unknown");
    }
    db_close(db);
}

/* casualty/import-idempotent: the same file again adds and updates nothing, and writes
 * nothing to the records (updated_at stays). */
static void idempotent(void **state)
{
    (void)state;
    struct db *db = store("import_again", true);
    import_ok(db, "valid_small.csv", 5, 0, 0, 0);
    test_exec(db, "UPDATE casualty SET updated_at = '2000-01-01T00:00:00Z'");
    import_ok(db, "valid_small.csv", 0, 0, 5, 0);
    assert_int_equal(count(db, "casualty"), 5);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE updated_at = "
                                        "'2000-01-01T00:00:00Z'"),
                     5);
    db_close(db);
}

/* casualty/import-modified-copy: a newer file with one row changed and one added gives 1
 * updated and 1 added; the change is stored, the release of the updated record kept. */
static void modified_copy(void **state)
{
    (void)state;
    struct db *db = store("import_modified", true);
    import_ok(db, "valid_small.csv", 5, 0, 0, 0);
    test_exec(db, "UPDATE casualty SET released_at = '2025-04-05T00:00:00Z'");
    char *text = test_read_file(FIXTURES "valid_small.csv", NULL);
    assert_non_null(text);
    char *at = strstr(text, "Rwanda,Police,Illness");
    assert_non_null(at);
    memcpy(at, "Rwanda,Police,Unknown", strlen("Rwanda,Police,Unknown"));
    size_t n = strlen(text);
    char *copy = malloc(n + 256);
    snprintf(copy, n + 256,
             "%s6,2021-02-01,MINUSCA-2021-02-00002,MINUSCA,Fatality,M,Rwanda,Military,"
             "Malicious Act,646.0,RWA,2025-05-01\n",
             text);
    const char *dir = test_tmpdir("import_modified");
    char *path = test_path(dir, "newer.csv");
    test_write_file(path, copy);
    assert_import(db, casualty_import_un_fatalities, path, NULL, 1, 1, 4, 0);
    assert_int_equal(count(db, "casualty"), 6);
    assert_string_equal(record(db, "MINUSMA-2019-01-00031"),
                        "2019-01-20|MINUSMA|Fatality|F|Rwanda|RWA|646|Police|Unknown|RWA");
    assert_string_equal(test_query_text(db, "SELECT released_at FROM casualty WHERE casualty_id = "
                                            "'MINUSMA-2019-01-00031'"),
                        "2025-04-05T00:00:00Z");
    assert_string_equal(record(db, "MINUSCA-2021-02-00002"),
                        "2021-02-01|MINUSCA|Fatality|M|Rwanda|RWA|646|Military|Malicious "
                        "Act|RWA");
    /* And that newer file once more: nothing to do. */
    assert_import(db, casualty_import_un_fatalities, path, NULL, 0, 0, 6, 0);
    free(path);
    free(copy);
    free(text);
    db_close(db);
}

/* casualty/import-supersedes-member-record: a member's embargoed record under a casualty_id
 * the UN then publishes becomes the UN's: released now, public, its values. */
static void supersedes_member(void **state)
{
    (void)state;
    struct db *db = store("import_member", true);
    test_exec(db, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                  "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                  "owner_org_id, tlp, embargoed, source, created_at, updated_at) VALUES "
                  "('01900000-0000-7000-8000-000000000001', 'MINUSMA-2019-01-00031', "
                  "'2019-01-19', 'MINUSMA', 'Fatality', 'F', 'RWA', 'RWA', 'Police', "
                  "'To Be Determined', (SELECT id FROM org WHERE code = 'RWA'), 'AMBER+STRICT', "
                  "1, 'member', '2019-01-20T00:00:00Z', '2019-01-20T00:00:00Z')");
    import_ok(db, "valid_small.csv", 4, 1, 0, 0);
    assert_string_equal(
        test_query_text(db, "SELECT id || '|' || incident_date || '|' || incident_type || "
                            "'|' || tlp || '|' || embargoed || '|' || source || '|' || "
                            "released_by || '|' || (released_at IS NOT NULL) FROM casualty "
                            "WHERE casualty_id = 'MINUSMA-2019-01-00031'"),
        "01900000-0000-7000-8000-000000000001|2019-01-20|Illness|CLEAR|0|"
        "un|" CASUALTY_UN_RELEASED_BY "|1");
    db_close(db);
}

/* casualty/import-missing-publisher: without DPO in the store the import refuses to start,
 * saying how to fix it, and writes nothing. */
static void missing_publisher(void **state)
{
    (void)state;
    struct db *db = store("import_no_dpo", false);
    struct import_report r;
    struct bh_error err;
    assert_int_equal(
        test_import_file(db, casualty_import_un_fatalities, FIXTURES "valid_small.csv", &r, &err),
        BH_ENOTFOUND);
    assert_contains(err.message, "DPO");
    assert_contains(err.message, "bluehelm init --seed");
    import_report_cleanup(&r);
    assert_int_equal(count(db, "casualty"), 0);
    assert_int_equal(count(db, "audit_log"), 0);
    db_close(db);
}

struct progress_seen {
    int calls;
    uint64_t done, total;
    int64_t rows;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total, int64_t rows)
{
    struct progress_seen *p = ctx;
    p->calls++;
    p->done = done;
    p->total = total;
    p->rows = rows;
}

/* casualty/import-from-memory: the upload path reads a buffer; progress reports its size and
 * the rows read; the report as JSON is what the API answers. */
static void from_memory(void **state)
{
    (void)state;
    struct db *db = store("import_mem", true);
    size_t len;
    char *text = test_read_file(FIXTURES "bad_vocabulary.csv", &len);
    struct import_input in = { "upload", NULL, text, len, 0 };
    struct import_report r;
    import_report_init(&r);
    struct principal cli;
    principal_cli(&cli);
    struct progress_seen p = { 0, 0, 0, 0 };
    struct bh_error err;
    assert_int_equal(casualty_import_un_fatalities(db, &cli, &in, on_progress, &p, &r, &err), 0);
    assert_true(p.calls >= 1);
    assert_int_equal(p.done, len);
    assert_int_equal(p.total, len);
    assert_int_equal(p.rows, 11);
    json_t *j = casualty_import_report_json(&r);
    char *s = json_dumps(json_object_get(j, "rejected"), JSON_COMPACT);
    assert_prefix(s, "[{\"line\":3,\"reason\":\"type_of_incident 'Friendly Fire' is not in the "
                     "vocabulary");
    free(s);
    assert_int_equal(json_integer_value(json_object_get(j, "added")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "updated")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "rejected_count")), 9);
    assert_int_equal(json_integer_value(json_object_get(j, "rows")), 11);
    assert_string_equal(json_string_value(json_object_get(j, "format")), "un-fatalities");
    json_decref(j);
    import_report_cleanup(&r);
    assert_string_equal(
        test_query_text(db, "SELECT json_extract(summary, '$.file') FROM audit_log ORDER "
                            "BY seq DESC"),
        "upload");
    free(text);
    db_close(db);
}

/* The indexes of table casualty as the store describes them, one "name: sql" per line. */
static char *index_sql(struct db *db)
{
    return strdup(
        test_query_text(db, "SELECT group_concat(name || ': ' || ifnull(sql, '-'), char(10)) "
                            "FROM (SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                            "tbl_name = 'casualty' ORDER BY name)"));
}

/* casualty/import-bulk-indexes: a large import into a small table drops the secondary indexes
 * and builds them again after; they come back exactly as the migrations made them, and every
 * record is found through each of them. */
static void bulk_indexes(void **state)
{
    (void)state;
    struct db *db = store("import_bulk", true);
    char *before = index_sql(db);
    enum { N = 12000 };
    size_t cap = (size_t)N * 140 + 512, used = 0;
    char *csv = malloc(cap);
    used += (size_t)snprintf(csv + used, cap - used,
                             "id,incident_date,casualty_id,mission_acronym,type_of_casualty,"
                             "gender,casualty_nationality,casualty_personnel_type,"
                             "type_of_incident,m49_code,isocode3,last_update\n");
    static const char *const missions[] = { "MINUSMA", "UNMISS", "MONUSCO", "UNIFIL" };
    static const char *const nat[][3] = { { "Rwanda", "646.0", "RWA" },
                                          { "India", "356.0", "IND" },
                                          { "Chad", "148.0", "TCD" } };
    for (int i = 0; i < N; i++) {
        /* Ids in an order unlike their dates, as in the UN file. */
        int k = (i * 7919) % N;
        const char *const *c = nat[i % 3];
        used += (size_t)snprintf(csv + used, cap - used,
                                 "%d,20%02d-%02d-%02d,%s-%05d,%s,Fatality,M,%s,Military,Illness,"
                                 "%s,%s,2025-04-04\n",
                                 i + 1, i % 20, 1 + i % 12, 1 + i % 28, missions[i % 4], k,
                                 missions[i % 4], c[0], c[1], c[2]);
    }
    const char *dir = test_tmpdir("import_bulk");
    char *path = test_path(dir, "bulk.csv");
    test_write_file(path, csv);
    assert_import(db, casualty_import_un_fatalities, path, NULL, N, 0, 0, 0);
    char *after = index_sql(db);
    assert_string_equal(after, before);
    assert_int_equal(count(db, "casualty"), N);
    /* Each index answers for every record. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty INDEXED BY casualty_date "
                                        "WHERE incident_date >= '2000'"),
                     N);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty INDEXED BY "
                                        "casualty_mission WHERE mission > ''"),
                     N);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty INDEXED BY "
                                        "casualty_nationality WHERE nationality_iso3 > ''"),
                     N);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty INDEXED BY casualty_owner "
                                        "WHERE owner_org_id > 0"),
                     N);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty WHERE owner_org_id = "
                                        "(SELECT id FROM org WHERE code = 'RWA')"),
                     N / 3);
    /* The ids are UUIDv7 and unique; PRAGMA integrity_check agrees with the indexes. */
    assert_int_equal(test_query_int(db, "SELECT count(DISTINCT id) FROM casualty WHERE "
                                        "substr(id, 15, 1) = '7'"),
                     N);
    assert_string_equal(test_query_text(db, "PRAGMA integrity_check"), "ok");
    assert_import(db, casualty_import_un_fatalities, path, NULL, 0, 0, N, 0);
    free(after);
    free(before);
    free(path);
    free(csv);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/import-valid", import_valid),
        BH_TEST("casualty/import-quirk-m49-float", quirk_m49_float),
        BH_TEST("casualty/import-quirk-local-trailing-space", quirk_local_space),
        BH_TEST("casualty/import-quirk-missing-codes", quirk_missing_codes),
        BH_TEST("casualty/import-quirk-non-ascii", quirk_non_ascii),
        BH_TEST("casualty/import-quirk-historic-codes", quirk_historic_codes),
        BH_TEST("casualty/import-quirk-casualty-id-mismatch", quirk_id_mismatch),
        BH_TEST("casualty/import-quirk-empty-gender", quirk_empty_gender),
        BH_TEST("casualty/import-quirk-duplicate-casualty-id", quirk_duplicate_id),
        BH_TEST("casualty/import-keyed-by-row-id", keyed_by_row_id),
        BH_TEST("casualty/import-keeps-duplicate-mark", keeps_duplicate_mark),
        BH_TEST("casualty/import-bad-date", bad_date),
        BH_TEST("casualty/import-bad-vocabulary", bad_vocabulary),
        BH_TEST("casualty/import-bad-file-changes-nothing", bad_file_changes_nothing),
        BH_TEST("casualty/import-idempotent", idempotent),
        BH_TEST("casualty/import-modified-copy", modified_copy),
        BH_TEST("casualty/import-supersedes-member-record", supersedes_member),
        BH_TEST("casualty/import-missing-publisher", missing_publisher),
        BH_TEST("casualty/import-from-memory", from_memory),
        BH_TEST("casualty/import-bulk-indexes", bulk_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
