/* The deployments import against a real store: IPI's monthly totals per mission and OWID's
 * yearly world totals (fixtures in tests/data/deployments/), NA as absent, rows rejected on
 * their own, re-imports that change nothing, files of another layout that change nothing. */
#include "support.h"

#include "casualty/import.h"
#include "db/db.h"
#include "principal/principal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES BH_TEST_DATA "/deployments/"

/* Imports the file at `path` and fails unless it fills `table` with these counts. */
#define expect(db, path, table, a, u, s, j) \
    assert_import((db), casualty_import_deployments, (path), (table), (a), (u), (s), (j))

static const char MONTHLY[] =
    "SELECT group_concat(mission || ' ' || month || ' ' || ifnull(troops, 'NA') || ' ' || "
    "ifnull(police, 'NA') || ' ' || ifnull(observers, 'NA') || ' ' || total, '; ') FROM (SELECT "
    "* FROM deployment_monthly ORDER BY month, mission)";

/* deployments/import-ipi-monthly: mission, month of the date, NA as NULL; once more changes
 * nothing; a changed figure is one update; one audit entry each time. */
static void ipi_monthly(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("deploy_ipi", NULL);
    expect(db, FIXTURES "ipi_monthly_small.csv", "deployment_monthly", 4, 0, 0, 0);
    assert_string_equal(test_query_text(db, MONTHLY),
                        "ONUCA 1990-11 423 NA NA 423; UNFICYP 1990-11 2126 44 NA 2170; "
                        "MINUSMA 2017-03 10868 1719 NA 12587; UNMOGIP 2017-03 NA NA 41 41");
    expect(db, FIXTURES "ipi_monthly_small.csv", "deployment_monthly", 0, 0, 4, 0);
    assert_string_equal(
        test_query_text(db, "SELECT group_concat(action || ':' || json_extract(summary, "
                            "'$.added') || ':' || json_extract(summary, '$.unchanged'), "
                            "' ') FROM audit_log"),
        "deployment.import:4:0 deployment.import:0:4");

    char *text = test_read_file(FIXTURES "ipi_monthly_small.csv", NULL);
    char *at = strstr(text, "2126,44,NA,2170");
    assert_non_null(at);
    memcpy(at, "2126,45,NA,2171", 15);
    char *path = test_path(test_tmpdir("deploy_ipi"), "changed.csv");
    test_write_file(path, text);
    expect(db, path, "deployment_monthly", 0, 1, 3, 0);
    assert_string_equal(
        test_query_text(db, "SELECT police || ' ' || total FROM deployment_monthly WHERE "
                            "mission = 'UNFICYP'"),
        "45 2171");
    free(path);
    free(text);
    db_close(db);
}

/* deployments/import-ipi-bad-rows: a month already given for the mission, a Total of NA, a
 * date off the calendar, a fractional head count: each rejected on its line. */
static void ipi_bad_rows(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("deploy_ipi_bad", NULL);
    struct import_report r;
    struct bh_error err;
    assert_int_equal(test_import_file(db, casualty_import_deployments,
                                      FIXTURES "ipi_monthly_bad_rows.csv", &r, &err),
                     0);
    assert_int_equal(r.added, 2);
    assert_int_equal(r.rejected, 4);
    static const struct test_rejection want[] = {
        { 3, "mission and month 'MINUSMA 2017-03' appears again (first on line 2)" },
        { 4, "Total is missing (NA)" },
        { 5, "Date '2017-02-30' is not a date" },
        { 6, "Troops '12000.5' is not a head count" },
    };
    assert_rejections(&r, want);
    import_report_cleanup(&r);
    assert_string_equal(test_query_text(db, MONTHLY),
                        "UNMISS 2016-12 12000 1300 NA 13300; MINUSMA 2017-03 10868 1719 NA 12587");
    db_close(db);
}

/* deployments/import-owid-yearly: the world's totals by year (an empty cell is NULL); another
 * entity is rejected rather than added to the world's. */
static void owid_yearly(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("deploy_owid", NULL);
    struct import_report r;
    struct bh_error err;
    assert_int_equal(test_import_file(db, casualty_import_deployments,
                                      FIXTURES "owid_yearly_small.csv", &r, &err),
                     0);
    assert_string_equal(r.format, "owid-yearly");
    assert_int_equal(r.added, 4);
    assert_int_equal(r.rejected, 1);
    assert_int_equal(r.rejections[0].line, 6);
    assert_contains(r.rejections[0].reason, "Entity 'France': only World totals are read");
    import_report_cleanup(&r);
    assert_string_equal(
        test_query_text(db,
                        "SELECT group_concat(year || ' ' || missions || ' ' || total || ' ' || "
                        "troops || ' ' || ifnull(police, 'NULL') || ' ' || observers, '; ') FROM "
                        "(SELECT * FROM deployment_yearly ORDER BY year)"),
        "1948 1 600 0 0 0; 1993 17 78744 73338 2229 3177; 2020 22 81832 69454 9223 3155; "
        "2021 23 75085 64312 NULL 3097");
    expect(db, FIXTURES "owid_yearly_small.csv", "deployment_yearly", 0, 0, 4, 1);
    db_close(db);
}

/* deployments/import-bad-file-changes-nothing: a layout we do not read, a missing column, an
 * empty or binary file: one error naming the line, and the tables and the log as they were. */
static void bad_file(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("deploy_bad", NULL);
    expect(db, FIXTURES "ipi_monthly_small.csv", "deployment_monthly", 4, 0, 0, 0);
    int64_t audits = test_query_int(db, "SELECT count(*) FROM audit_log");
    static const struct {
        const char *path;
        const char *says;
    } bad[] = {
        { FIXTURES "unknown_layout.csv", "not a deployments file we read" },
        { FIXTURES "ipi_missing_total.csv", "the header has no column 'Total'" },
        { BH_TEST_DATA "/un_fatalities/bad_empty.csv", "is empty" },
        { BH_TEST_DATA "/un_fatalities/bad_binary.csv", "not valid UTF-8" },
        { BH_TEST_DATA "/un_fatalities/valid_small.csv", "not a deployments file we read" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct import_report r;
        struct bh_error err;
        int rc = test_import_file(db, casualty_import_deployments, bad[i].path, &r, &err);
        if (rc != BH_EINVALID || !strstr(err.message, bad[i].says) || r.where.line != 1)
            fail_msg("%s: rc %d line %ld \"%s\"", bad[i].path, rc, r.where.line, err.message);
        assert_prefix(err.message, strstr(bad[i].says, "empty") ? "" : "line 1");
        import_report_cleanup(&r);
        assert_int_equal(test_query_int(db, "SELECT count(*) FROM deployment_monthly"), 4);
        assert_int_equal(test_query_int(db, "SELECT count(*) FROM deployment_yearly"), 0);
        assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audits);
    }
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("deployments/import-ipi-monthly", ipi_monthly),
        BH_TEST("deployments/import-ipi-bad-rows", ipi_bad_rows),
        BH_TEST("deployments/import-owid-yearly", owid_yearly),
        BH_TEST("deployments/import-bad-file-changes-nothing", bad_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
