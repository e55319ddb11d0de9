/* `bluehelm export gaps`: the real binary on a real store: the CSV header and rows by mission,
 * by organization, JSON to a file, and a bad --by or --format named. */
#include "support.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two open needs of RWA: 10 seats for MINUSCA (critical), 4 of them matched by FRA two days
 * after the need was posted, and 5 units of logistics for no mission; a closed need that the
 * report leaves out. */
static char *gaps_store(const char *name, char *mission_name, size_t cap)
{
    char *db = test_world_orgs(name, (const char *const[]){ "DPO", "RWA", "FRA", NULL });
    struct db *h = test_db_open(db, 0);
    test_exec(h, "INSERT INTO capacity_need (id, owner_org_id, tlp, status, mission, category, "
                 "capability, quantity, unit, priority, starts_on, ends_on, title, created_at, "
                 "updated_at) SELECT v.id, o.id, 'GREEN', v.status, v.mission, v.category, v.cap, "
                 "v.q, 'seats', v.priority, '2026-04-01', '2026-06-30', v.id, "
                 "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM org o, "
                 "(SELECT 'need-a' AS id, 'open' AS status, 'MINUSCA' AS mission, 'training' AS "
                 "category, 'counter_ied_search' AS cap, 10 AS q, 'critical' AS priority "
                 "UNION ALL SELECT 'need-b', 'open', NULL, 'logistics', 'strategic_airlift', 5, "
                 "'medium' "
                 "UNION ALL SELECT 'need-c', 'closed', 'MINUSCA', 'training', 'eod', 3, 'low') v "
                 "WHERE o.code = 'RWA';"
                 "INSERT INTO capacity_offer (id, owner_org_id, tlp, category, capability, "
                 "capacity, unit, starts_on, ends_on, title, created_at, updated_at) SELECT "
                 "'offer-f', id, 'GREEN', 'training', 'counter_ied_search', 20, 'seats', "
                 "'2026-01-01', '2026-12-31', 'Offer', '2025-12-01T00:00:00Z', "
                 "'2025-12-01T00:00:00Z' FROM org WHERE code = 'FRA';"
                 "INSERT INTO capacity_match (id, need_n, offer_n, quantity, coordinator_org_id, "
                 "confirmed_at) SELECT 'match-1', (SELECT n FROM capacity_need WHERE id = "
                 "'need-a'), (SELECT n FROM capacity_offer WHERE id = 'offer-f'), 4, id, "
                 "'2026-01-03T00:00:00Z' FROM org WHERE code = 'DPO'");
    snprintf(mission_name, cap, "%s",
             test_query_text(h, "SELECT name FROM mission WHERE acronym = 'MINUSCA'"));
    db_close(h);
    return db;
}

#define HEADER                                                                   \
    "key,name,needs,unmet,covered_share,fully_covered,critical_unmet,matched,"   \
    "median_days_to_match,training_needs,training_unmet,lessons_learned_needs,"  \
    "lessons_learned_unmet,mentoring_needs,mentoring_unmet,advise_assist_needs," \
    "advise_assist_unmet,equipment_needs,equipment_unmet,infrastructure_needs,"  \
    "infrastructure_unmet,logistics_needs,logistics_unmet,financial_needs,financial_unmet\n"

/* cli/export-gaps-csv: by mission (the default) and by organization, to standard output. */
static void cli_export_gaps_csv(void **state)
{
    (void)state;
    char name[256];
    char *db = gaps_store("cli_export_gaps_csv", name, sizeof name);
    struct test_run r = test_cli((const char *[]){ "export", "gaps", "--db", db, NULL });
    assert_status(r, 0);
    /* Both rows have one unmet need: "" (no mission) sorts before MINUSCA. */
    char want[2048];
    snprintf(want, sizeof want,
             HEADER ",,1,1,0.000,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0\n"
                    "MINUSCA,%s,1,1,0.400,0,1,1,2.0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                    "total,,2,2,0.200,0,1,1,2.0,1,1,0,0,0,0,0,0,0,0,0,0,1,1,0,0\n",
             name);
    assert_string_equal(r.out, want);
    test_run_free(&r);
    r = test_cli(
        (const char *[]){ "export", "gaps", "--by", "org", "--format", "csv", "--db", db, NULL });
    assert_status(r, 0);
    assert_prefix(r.out, HEADER "RWA,Rwanda,2,2,0.200,0,1,1,2.0,1,1,");
    test_run_free(&r);
    free(db);
}

/* cli/export-gaps-json-file: JSON to a file, and the line that says so. */
static void cli_export_gaps_json_file(void **state)
{
    (void)state;
    char name[256];
    char *db = gaps_store("cli_export_gaps_json", name, sizeof name);
    char *path = test_path(test_tmpdir("cli_export_gaps_json_out"), "gaps.json");
    assert_run(test_cli((const char *[]){ "export", "gaps", "--by", "org", "--format", "json",
                                          "--output", path, "--db", db, NULL }),
               0, path, NULL);
    char *text = test_read_file(path, NULL);
    json_t *report = test_json(text);
    assert_string_equal(json_string_value(json_object_get(report, "by")), "org");
    const json_t *row = json_array_get(json_object_get(report, "rows"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "key")), "RWA");
    assert_int_equal(json_integer_value(json_object_get(row, "needs")), 2);
    assert_int_equal(json_integer_value(json_object_get(row, "critical_unmet")), 1);
    json_decref(report);
    free(text);
    free(path);
    free(db);
}

/* cli/export-gaps-bad-options: a bad --by or --format is a usage error naming the option. */
static void cli_export_gaps_bad_options(void **state)
{
    (void)state;
    char name[256];
    char *db = gaps_store("cli_export_gaps_bad", name, sizeof name);
    assert_run(test_cli((const char *[]){ "export", "gaps", "--by", "country", "--db", db, NULL }),
               2, NULL, "--by 'country'");
    assert_run(test_cli((const char *[]){ "export", "gaps", "--format", "xlsx", "--db", db, NULL }),
               2, NULL, "--format 'xlsx'");
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/export-gaps-csv", cli_export_gaps_csv),
        BH_TEST("cli/export-gaps-json-file", cli_export_gaps_json_file),
        BH_TEST("cli/export-gaps-bad-options", cli_export_gaps_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
