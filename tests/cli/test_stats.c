/* `bluehelm stats casualties`: the real binary on a real store: the three formats, what the
 * operator counts and what --published counts, and the mistakes it names. (The figures of
 * the real UN file are cli/stats_real.) */
#include "support.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A store with DPO and five records: three released TLP:CLEAR UN records, one released
 * TLP:GREEN member record, one embargoed TLP:CLEAR member record. */
static char *small_store(const char *name)
{
    char *db = test_world_orgs(name, (const char *const[]){ "DPO", NULL });
    struct db *h = test_db_open(db, 0);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, created_at, updated_at) "
                 "SELECT v.id, v.cid, v.d, v.m, 'Fatality', 'M', v.n, v.iso3, 'Military', v.it, "
                 "o.id, v.tlp, v.emb, v.src, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' "
                 "FROM org o, (SELECT '0190e000-0000-7000-8000-000000000001' AS id, 'C-1' AS "
                 "cid, '2019-03-01' AS d, 'MINUSMA' AS m, 'Chad' AS n, 'TCD' AS iso3, 'Malicious "
                 "Act' AS it, 'CLEAR' AS tlp, 0 AS emb, 'un' AS src "
                 "UNION ALL SELECT '0190e000-0000-7000-8000-000000000002', 'C-2', '2019-08-01', "
                 "'MINUSMA', 'Chad', 'TCD', 'Illness', 'CLEAR', 0, 'un' "
                 "UNION ALL SELECT '0190e000-0000-7000-8000-000000000003', 'C-3', '2020-01-10', "
                 "'UNMISS', 'India', 'IND', 'Illness', 'CLEAR', 0, 'un' "
                 "UNION ALL SELECT '0190e000-0000-7000-8000-000000000004', 'C-4', '2020-02-10', "
                 "'UNMISS', 'India', 'IND', 'Accident', 'GREEN', 0, 'member' "
                 "UNION ALL SELECT '0190e000-0000-7000-8000-000000000005', 'C-5', '2020-03-10', "
                 "'UNMISS', 'India', 'IND', 'Accident', 'CLEAR', 1, 'member') v "
                 "WHERE o.code = 'DPO'");
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM casualty"), 5);
    db_close(h);
    return db;
}

/* cli/stats-casualties-formats: the table, the CSV with its HXL row, and the API's JSON. */
static void cli_stats_casualties_formats(void **state)
{
    (void)state;
    char *db = small_store("cli_stats_formats");
    struct test_run r = test_cli(
        (const char *[]){ "stats", "casualties", "--by", "year,incident_type", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, "YEAR  INCIDENT_TYPE  COUNT\n"
                               "2019  Illness            1\n"
                               "2019  Malicious Act      1\n"
                               "2020  Accident           2\n"
                               "2020  Illness            1\n"
                               "total: 5\n");
    test_run_free(&r);

    r = test_cli((const char *[]){ "stats", "casualties", "--db", db, "--by", "mission", "--format",
                                   "csv", "--from", "2019-06-01", NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, "mission,count\n"
                               "#x_mission,#affected+killed\n"
                               "MINUSMA,1\n"
                               "UNMISS,3\n");
    test_run_free(&r);

    r = test_cli((const char *[]){ "stats", "casualties", "--db", db, "--by", "nationality",
                                   "--format", "json", "--top", "1", "--distinct", "--ytd",
                                   "2020-12-31", NULL });
    assert_status(r, 0);
    assert_string_equal(r.out,
                        "{\"by\":[\"nationality\"],\"rows\":[{\"nationality\":\"IND\","
                        "\"nationality_name\":\"India\",\"count\":3}],\"total\":3,"
                        "\"fatalities_only\":true,\"from\":\"2020-01-01\",\"to\":\"2020-12-31\","
                        "\"distinct\":{\"nationalities\":1,\"missions\":1}}\n");
    test_run_free(&r);
    free(db);
}

/* cli/stats-casualties-published: the operator counts every record, embargoed ones too;
 * --published counts what an anonymous visitor is shown (released, TLP:CLEAR). */
static void cli_stats_casualties_published(void **state)
{
    (void)state;
    char *db = small_store("cli_stats_published");
    struct test_run r =
        test_cli((const char *[]){ "stats", "casualties", "--format", "csv", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, "count\n#affected+killed\n5\n");
    test_run_free(&r);
    r = test_cli((const char *[]){ "stats", "casualties", "--format", "csv", "--published", "--by",
                                   "year", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, "year,count\n#date+year,#affected+killed\n2019,2\n2020,1\n");
    test_run_free(&r);
    free(db);
}

/* cli/stats-casualties-errors: each mistake named on one line, exit 2; a missing store 1. */
static void cli_stats_casualties_errors(void **state)
{
    (void)state;
    char *db = small_store("cli_stats_errors");
    static const struct {
        const char *args[6];
        const char *says;
    } cases[] = {
        { { "--by", "colour" }, "--by: cannot group by 'colour'" },
        { { "--format", "xml" }, "--format 'xml' is not one of table, csv, json" },
        { { "--top", "0" }, "--top '0' must be a whole number from 1" },
        { { "--mission", "ATLANTIS" }, "--mission: mission 'ATLANTIS' is unknown" },
        { { "--incident-type", "IED" }, "--incident-type: unknown incident_type 'IED'" },
        { { "--by", "incident_type", "--rate" }, "--rate: rates per 1,000 deployed need" },
        { { "--from", "2020-02-30" }, "--from: from '2020-02-30' is not a date" },
        { { "--ytd", "2020-01-01", "--to", "2020-02-01" }, "--ytd: ytd (year to date)" },
        { { "--colour" }, "unknown option '--colour'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[12] = { "stats", "casualties", "--db", db };
        int n = 4;
        for (int k = 0; k < 6 && cases[i].args[k]; k++)
            args[n++] = cases[i].args[k];
        args[n] = NULL;
        struct test_run r = test_cli(args);
        if (r.status != 2 || !strstr(r.err, cases[i].says))
            fail_msg("case %zu: expected exit 2 saying \"%s\", got %d: %s", i, cases[i].says,
                     r.status, r.err);
        test_run_free(&r);
    }
    assert_run(test_cli((const char *[]){ "stats", "--db", db, NULL }), 2, NULL,
               "which statistics: casualties?");
    assert_run(test_cli((const char *[]){ "stats", "incidents", NULL }), 2, NULL,
               "no statistics 'incidents' (casualties)");
    assert_run(
        test_cli((const char *[]){ "stats", "casualties", "--db", "/nonexistent/x.db", NULL }), 1,
        NULL, "x.db");
    assert_run(test_cli((const char *[]){ "help", "stats", NULL }), 0, "casualties", NULL);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/stats-casualties-formats", cli_stats_casualties_formats),
        BH_TEST("cli/stats-casualties-published", cli_stats_casualties_published),
        BH_TEST("cli/stats-casualties-errors", cli_stats_casualties_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
