/* `bluehelm export casualties`: the real binary on a real store: the three formats to
 * standard output and to a file, the filters, what the operator exports (audited when it
 * holds embargoed records) and what --published exports, and the mistakes it names. (The
 * round trip of the real UN file is cli/export_real.) */
#include "support.h"
#include "world.h"

#include "db/db.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* DPO, two released TLP:CLEAR UN records and an embargoed TLP:CLEAR member record. */
static char *small_store(const char *name)
{
    char *db = test_world_orgs(name, (const char *const[]){ "DPO", NULL });
    struct db *h = test_db_open(db, 0);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, nationality_m49, personnel_type, "
                 "incident_type, owner_org_id, tlp, embargoed, source, source_updated, "
                 "source_row, created_at, updated_at) "
                 "SELECT v.id, v.cid, v.d, 'UNMISS', 'Fatality', v.g, 'South Sudan', 'SSD', 728, "
                 "v.p, 'Illness', o.id, 'CLEAR', v.emb, v.src, v.upd, v.rownum, "
                 "'2025-01-01T00:00:00Z', '2025-02-03T04:05:06Z' FROM org o, "
                 "(SELECT '0190f000-0000-7000-8000-000000000001' AS id, 'UNMISS-2025-02-00001' "
                 "AS cid, '2025-02-17' AS d, 'M' AS g, 'Local' AS p, 0 AS emb, 'un' AS src, "
                 "'2025-04-04' AS upd, 4428 AS rownum "
                 "UNION ALL SELECT '0190f000-0000-7000-8000-000000000002', "
                 "'UNMISS-2025-02-00002', '2025-02-18', 'U', 'Police', 0, 'un', '2025-04-04', "
                 "4429 "
                 "UNION ALL SELECT '0190f000-0000-7000-8000-000000000003', 'BH-00000000000A', "
                 "'2025-03-01', 'F', 'Military', 1, 'member', NULL, NULL) v "
                 "WHERE o.code = 'DPO'");
    db_close(h);
    return db;
}

#define UN_HEADER                                                                                \
    "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,casualty_nationality," \
    "casualty_personnel_type,type_of_incident,m49_code,isocode3,last_update\n"
#define ROW_1                                                                   \
    "4428,2025-02-17,UNMISS-2025-02-00001,UNMISS,Fatality,M,South Sudan,Local " \
    ",Illness,728.0,SSD,2025-04-04\n"
#define ROW_2                                                      \
    "4429,2025-02-18,UNMISS-2025-02-00002,UNMISS,Fatality,,South " \
    "Sudan,Police,Illness,728.0,SSD,2025-04-04\n"
#define ROW_3                                              \
    ",2025-03-01,BH-00000000000A,UNMISS,Fatality,F,South " \
    "Sudan,Military,Illness,728.0,SSD,2025-02-03\n"

/* cli/export-casualties-formats: the UN columns (the default), HXL and JSON, to standard
 * output and to a file; filters apply. */
static void cli_export_casualties_formats(void **state)
{
    (void)state;
    char *db = small_store("cli_export_formats");
    struct test_run r = test_cli((const char *[]){ "export", "casualties", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, UN_HEADER ROW_1 ROW_2 ROW_3);
    test_run_free(&r);

    r = test_cli((const char *[]){ "export", "casualties", "--format", "hxl", "--gender", "U",
                                   "--db", db, NULL });
    assert_status(r, 0);
    assert_int_equal(test_count_lines(r.out), 3);
    assert_contains(r.out, "\n#x_casualty+id,#date+occurred,#x_mission,");
    assert_contains(r.out, "\nUNMISS-2025-02-00002,2025-02-18,UNMISS,Fatality,,SSD,South Sudan,"
                           "728,Police,Illness,TLP:CLEAR,false,2025-04-04\n");
    test_run_free(&r);

    r = test_cli((const char *[]){ "export", "casualties", "--format", "json", "--embargoed",
                                   "true", "--db", db, NULL });
    assert_status(r, 0);
    json_error_t jerr;
    json_t *j = json_loads(r.out, 0, &jerr);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "casualty_id")),
                        "BH-00000000000A");
    json_decref(j);
    test_run_free(&r);

    const char *dir = test_tmpdir("cli_export_formats_out");
    char *file = test_path(dir, "casualties.csv");
    r = test_cli((const char *[]){ "export", "casualties", "--output", file, "--to", "2025-02-17",
                                   "--db", db, NULL });
    assert_status(r, 0);
    char want[512];
    snprintf(want, sizeof want, "exported 1 casualty records (un) to %s\n", file);
    assert_string_equal(r.out, want);
    test_run_free(&r);
    assert_file_bytes(file, UN_HEADER ROW_1, strlen(UN_HEADER ROW_1));
    free(file);
    free(db);
}

/* cli/export-casualties-published: the operator's export holds the embargoed record and is
 * written to the audit log; --published leaves it out and writes no entry. */
static void cli_export_casualties_published(void **state)
{
    (void)state;
    char *db = small_store("cli_export_published");
    const char *audited = "SELECT count(*) FROM audit_log WHERE action = 'casualty.read' AND "
                          "username LIKE 'cli:%' AND summary LIKE '%\"via\":\"export\"%' AND "
                          "summary LIKE '%\"records\":1%'";
    struct test_run r =
        test_cli((const char *[]){ "export", "casualties", "--published", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, UN_HEADER ROW_1 ROW_2);
    test_run_free(&r);
    struct db *h = test_db_open(db, 0);
    assert_int_equal(test_query_int(h, audited), 0);
    db_close(h);

    r = test_cli((const char *[]){ "export", "casualties", "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, ROW_3);
    test_run_free(&r);
    h = test_db_open(db, 0);
    assert_int_equal(test_query_int(h, audited), 1);
    db_close(h);
    free(db);
}

/* cli/export-casualties-errors: mistakes named, exit 2; an unwritable output exit 1, and no
 * file is left behind. */
static void cli_export_casualties_errors(void **state)
{
    (void)state;
    char *db = small_store("cli_export_errors");
    assert_run(
        test_cli((const char *[]){ "export", "casualties", "--format", "xlsx", "--db", db, NULL }),
        2, NULL, "--format 'xlsx' is not one of un, hxl, json");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--from", "01/02/2020", "--db",
                                          db, NULL }),
               2, NULL, "--from: from '01/02/2020' is not a date");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--nationality", "QQQ", "--db",
                                          db, NULL }),
               2, NULL, "--nationality: country code 'QQQ' is unknown");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--embargoed", "perhaps", "--db",
                                          db, NULL }),
               2, NULL, "--embargoed");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--output",
                                          "/nonexistent/dir/x.csv", "--db", db, NULL }),
               1, NULL, "cannot write /nonexistent/dir/x.csv");
    /* A store that cannot be opened leaves no file behind either. */
    const char *dir = test_tmpdir("cli_export_errors_out");
    char *file = test_path(dir, "x.csv");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--output", file, "--db",
                                          "/nonexistent/store.db", NULL }),
               1, NULL, "store.db");
    struct stat st;
    assert_int_not_equal(stat(file, &st), 0);
    /* A failed export keeps the file that was there, and leaves nothing beside it. */
    test_write_file(file, "the last good export\n");
    assert_run(test_cli((const char *[]){ "export", "casualties", "--output", file, "--nationality",
                                          "QQQ", "--db", db, NULL }),
               2, NULL, "--nationality");
    assert_file_bytes(file, "the last good export\n", 21);
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 1);
    free(file);
    assert_run(test_cli((const char *[]){ "export", NULL }), 2, NULL,
               "what to export: casualties, incidents or events?");
    assert_run(test_cli((const char *[]){ "export", "alerts", NULL }), 2, NULL,
               "cannot export 'alerts' (casualties, incidents, events)");
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/export-casualties-formats", cli_export_casualties_formats),
        BH_TEST("cli/export-casualties-published", cli_export_casualties_published),
        BH_TEST("cli/export-casualties-errors", cli_export_casualties_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
