/* The capacity gap reports (src/capacity/gaps.c) over a fixture written with SQL, whose every
 * figure is worked out by hand below: per mission and per organization, as the secretariat
 * and as a contributor who cannot read one offer and one need (the aggregate never counts what
 * its reader could not read), the CSV's exact text, and a bad `by`. */
#include "support.h"

#include "capacity/capacity.h"
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DPO, RWA, BRA, FRA, NOR, NORGS };
static const char *const codes[NORGS] = { "DPO", "RWA", "BRA", "FRA", "NOR" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal admin, rwa_fp, anon;

#define NOW_MS 1772323200000LL /* 2026-03-01T00:00:00Z */

/* The fixture. Needs (GREEN unless said; created_at at 00:00Z):
 *   N1 RWA MINUSCA training   critical qty 10, 2026-01-01; matches M1 (O1 FRA GREEN) 4 on
 *      01-03 (2 days) and M2 (O2 BRA AMBER, no group: BRA and admins only) 6 on 01-11.
 *   N2 RWA MINUSCA equipment  high     qty 5,  2026-01-01; M3 (O3 NOR GREEN) 2 on 01-06 12:00
 *      (5.5 days).
 *   N3 BRA MINUSCA training   critical qty 4,  2026-01-01; M5 (O3) 4 cancelled: not counted.
 *   N4 BRA UNMISS  logistics  medium   qty 8,  2026-01-21; M4 (O1) 8 on 02-01 (11 days).
 *   N5 RWA (none)  financial  low      qty 100, 2026-01-01; no match.
 *   N6 RWA MINUSCA training   closed: never counted.
 *   N7 FRA UNMISS  training   medium   qty 3, AMBER without a group (FRA and admins only).
 *
 * The admin by mission:
 *   MINUSCA: N1 10/10, N2 2/5, N3 0/4: needs 3, unmet 2, share (1 + .4 + 0)/3 = .467, fully
 *            1, critical unmet 1 (N3), matched 2, median of {2, 5.5} = 3.75 -> 3.8;
 *            training {2, 1}, equipment {1, 1}.
 *   ""     : N5: needs 1, unmet 1, share 0, fully 0, critical 0, matched 0, median null.
 *   UNMISS : N4 8/8, N7 0/3: needs 2, unmet 1, share .5, fully 1, critical 0, matched 1,
 *            median 11; logistics {1, 0}, training {1, 1}.
 *   order: unmet 2, then "" before UNMISS (both 1).
 *   totals: needs 6, unmet 4, share 2.4/6 = .4, fully 2, critical 1, matched 3, median of
 *           {2, 5.5, 11} = 5.5; training {3, 2}, equipment {1, 1}, logistics {1, 0},
 *           financial {1, 1}.
 * RWA's focal point (no O2, no N7) by mission:
 *   MINUSCA: N1 4/10, N2 2/5, N3 0: needs 3, unmet 3, share .8/3 = .267, fully 0, critical 2,
 *            matched 2, median 3.8.
 *   ""     : as above.  UNMISS: N4 only: needs 1, unmet 0, share 1, fully 1, matched 1, 11.
 *   totals: needs 5, unmet 4, share 1.8/5 = .36, fully 1, critical 2, matched 3, median 5.5.
 * The admin by organization:
 *   RWA: N1, N2, N5: needs 3, unmet 2, share 1.4/3 = .467, fully 1, critical 0, matched 2,
 *        median 3.8.  BRA: N3, N4: needs 2, unmet 1, share .5, fully 1, critical 1, matched 1,
 *        median 11.  FRA: N7: needs 1, unmet 1, share 0, matched 0, median null.
 *   order: RWA (2), BRA, FRA (1 each, by code). */
static void need(const char *id, const char *org, const char *tlp, const char *status,
                 const char *mission, const char *category, const char *capability,
                 const char *priority, int quantity, const char *created)
{
    char sql[1500];
    char m[32];
    if (mission)
        snprintf(m, sizeof m, "'%s'", mission);
    else
        snprintf(m, sizeof m, "NULL");
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_need (id, owner_org_id, tlp, status, mission, category, "
             "capability, quantity, unit, priority, starts_on, ends_on, title, created_at, "
             "updated_at) VALUES ('%s', (SELECT id FROM org WHERE code = '%s'), '%s', '%s', %s, "
             "'%s', '%s', %d, 'seats', '%s', '2026-04-01', '2026-06-30', 'Need %s', '%s', '%s')",
             id, org, tlp, status, m, category, capability, quantity, priority, id, created,
             created);
    test_exec(db, sql);
}

static void offer(const char *id, const char *org, const char *tlp)
{
    char sql[1000];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_offer (id, owner_org_id, tlp, category, capability, capacity, "
             "unit, starts_on, ends_on, title, created_at, updated_at) VALUES ('%s', (SELECT id "
             "FROM org WHERE code = '%s'), '%s', 'training', 'counter_ied_search', 100, 'seats', "
             "'2026-01-01', '2026-12-31', 'Offer %s', '2025-12-01T00:00:00Z', "
             "'2025-12-01T00:00:00Z')",
             id, org, tlp, id);
    test_exec(db, sql);
}

static void match(const char *id, const char *need_id, const char *offer_id, int quantity,
                  const char *status, const char *confirmed_at)
{
    char sql[1000];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
             "coordinator_org_id, confirmed_at) VALUES ('%s', (SELECT n FROM capacity_need WHERE "
             "id = '%s'), (SELECT n FROM capacity_offer WHERE id = '%s'), %d, '%s', (SELECT id "
             "FROM org WHERE code = 'DPO'), '%s')",
             id, need_id, offer_id, quantity, status, confirmed_at);
    test_exec(db, sql);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("unit_capacity_gaps", NULL, codes, NORGS, DPO, org_ids);
    test_principal(&admin, 1, org_ids[DPO], "DPO", ROLE_ADMIN, "dpo.admin");
    test_principal(&rwa_fp, 2, org_ids[RWA], "RWA", ROLE_FOCAL_POINT, "rwa.fp");
    memset(&anon, 0, sizeof anon);
    need("N1", "RWA", "GREEN", "open", "MINUSCA", "training", "counter_ied_search", "critical", 10,
         "2026-01-01T00:00:00Z");
    need("N2", "RWA", "GREEN", "open", "MINUSCA", "equipment", "counter_ied_search", "high", 5,
         "2026-01-01T00:00:00Z");
    need("N3", "BRA", "GREEN", "open", "MINUSCA", "training", "counter_ied_search", "critical", 4,
         "2026-01-01T00:00:00Z");
    need("N4", "BRA", "GREEN", "open", "UNMISS", "logistics", "counter_ied_search", "medium", 8,
         "2026-01-21T00:00:00Z");
    need("N5", "RWA", "GREEN", "open", NULL, "financial", "counter_ied_search", "low", 100,
         "2026-01-01T00:00:00Z");
    need("N6", "RWA", "GREEN", "closed", "MINUSCA", "training", "counter_ied_search", "critical", 7,
         "2026-01-01T00:00:00Z");
    need("N7", "FRA", "AMBER", "open", "UNMISS", "training", "counter_ied_search", "medium", 3,
         "2026-01-01T00:00:00Z");
    offer("O1", "FRA", "GREEN");
    offer("O2", "BRA", "AMBER");
    offer("O3", "NOR", "GREEN");
    match("M1", "N1", "O1", 4, "confirmed", "2026-01-03T00:00:00Z");
    match("M2", "N1", "O2", 6, "confirmed", "2026-01-11T00:00:00Z");
    match("M3", "N2", "O3", 2, "confirmed", "2026-01-06T12:00:00Z");
    match("M4", "N4", "O1", 8, "confirmed", "2026-02-01T00:00:00Z");
    match("M5", "N3", "O3", 4, "cancelled", "2026-01-02T00:00:00Z");
    match("M6", "N6", "O3", 7, "confirmed", "2026-01-02T00:00:00Z");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static json_t *gaps(const struct principal *who, const char *by)
{
    json_t *out = NULL;
    struct bh_error err;
    must(capacity_gaps(db, who, by, NOW_MS, &out, &err), &err, "capacity_gaps");
    return out;
}

static int64_t num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

/* The figures of one row, median < 0 meaning null. */
struct want {
    const char *key;
    int64_t needs, unmet;
    double share;
    int64_t fully, critical, matched;
    double median;
};

static void check_figures(const json_t *o, const struct want *w)
{
    if (w->key)
        assert_string_equal(json_string_value(json_object_get(o, "key")), w->key);
    assert_int_equal(num(o, "needs"), w->needs);
    assert_int_equal(num(o, "unmet"), w->unmet);
    const json_t *share = json_object_get(o, "covered_share");
    assert_true(json_is_real(share));
    if (json_real_value(share) != w->share)
        fail_msg("%s: covered_share %.17g, want %.17g", w->key ? w->key : "totals",
                 json_real_value(share), w->share);
    assert_int_equal(num(o, "fully_covered"), w->fully);
    assert_int_equal(num(o, "critical_unmet"), w->critical);
    assert_int_equal(num(o, "matched"), w->matched);
    const json_t *median = json_object_get(o, "median_days_to_match");
    if (w->median < 0) {
        assert_true(json_is_null(median));
    } else {
        assert_true(json_is_real(median));
        if (json_real_value(median) != w->median)
            fail_msg("%s: median %.17g, want %.17g", w->key ? w->key : "totals",
                     json_real_value(median), w->median);
    }
}

static void check_category(const json_t *o, const char *category, int64_t needs, int64_t unmet)
{
    const json_t *c = json_object_get(json_object_get(o, "by_category"), category);
    if (!c)
        fail_msg("no by_category.%s", category);
    assert_int_equal(num(c, "needs"), needs);
    assert_int_equal(num(c, "unmet"), unmet);
}

/* unit/capacity-gaps-by-mission: the admin's report, every figure. */
static void unit_capacity_gaps_by_mission(void **state)
{
    (void)state;
    json_t *r = gaps(&admin, "mission");
    assert_string_equal(json_string_value(json_object_get(r, "by")), "mission");
    assert_string_equal(json_string_value(json_object_get(r, "as_of")), "2026-03-01T00:00:00Z");
    const json_t *rows = json_object_get(r, "rows");
    assert_int_equal(json_array_size(rows), 3);
    const json_t *minusca = json_array_get(rows, 0), *none = json_array_get(rows, 1),
                 *unmiss = json_array_get(rows, 2);
    check_figures(minusca, &(struct want){ "MINUSCA", 3, 2, 0.467, 1, 1, 2, 3.8 });
    assert_string_equal(json_string_value(json_object_get(minusca, "name")),
                        test_query_text(db, "SELECT name FROM mission WHERE acronym = 'MINUSCA'"));
    assert_true(strlen(json_string_value(json_object_get(minusca, "name"))) > 10);
    check_category(minusca, "training", 2, 1);
    check_category(minusca, "equipment", 1, 1);
    assert_int_equal(json_object_size(json_object_get(minusca, "by_category")), 2);
    check_figures(none, &(struct want){ "", 1, 1, 0, 0, 0, 0, -1 });
    assert_string_equal(json_string_value(json_object_get(none, "name")), "");
    check_category(none, "financial", 1, 1);
    check_figures(unmiss, &(struct want){ "UNMISS", 2, 1, 0.5, 1, 0, 1, 11.0 });
    check_category(unmiss, "logistics", 1, 0);
    check_category(unmiss, "training", 1, 1);
    const json_t *t = json_object_get(r, "totals");
    check_figures(t, &(struct want){ NULL, 6, 4, 0.4, 2, 1, 3, 5.5 });
    check_category(t, "training", 3, 2);
    check_category(t, "equipment", 1, 1);
    check_category(t, "logistics", 1, 0);
    check_category(t, "financial", 1, 1);
    json_decref(r);
}

/* unit/capacity-gaps-by-org: one row per requesting organization. */
static void unit_capacity_gaps_by_org(void **state)
{
    (void)state;
    json_t *r = gaps(&admin, "org");
    assert_string_equal(json_string_value(json_object_get(r, "by")), "org");
    const json_t *rows = json_object_get(r, "rows");
    assert_int_equal(json_array_size(rows), 3);
    check_figures(json_array_get(rows, 0), &(struct want){ "RWA", 3, 2, 0.467, 1, 0, 2, 3.8 });
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "name")),
                        "Organization RWA");
    check_category(json_array_get(rows, 0), "equipment", 1, 1);
    check_category(json_array_get(rows, 0), "training", 1, 0);
    check_figures(json_array_get(rows, 1), &(struct want){ "BRA", 2, 1, 0.5, 1, 1, 1, 11.0 });
    check_figures(json_array_get(rows, 2), &(struct want){ "FRA", 1, 1, 0, 0, 0, 0, -1 });
    check_figures(json_object_get(r, "totals"), &(struct want){ NULL, 6, 4, 0.4, 2, 1, 3, 5.5 });
    json_decref(r);
}

/* unit/capacity-gaps-reader: RWA's focal point cannot read offer O2 nor need N7: N1 is then
 * covered 4 of 10, and N7 is not counted at all. */
static void unit_capacity_gaps_reader(void **state)
{
    (void)state;
    json_t *r = gaps(&rwa_fp, "mission");
    const json_t *rows = json_object_get(r, "rows");
    assert_int_equal(json_array_size(rows), 3);
    check_figures(json_array_get(rows, 0), &(struct want){ "MINUSCA", 3, 3, 0.267, 0, 2, 2, 3.8 });
    check_figures(json_array_get(rows, 1), &(struct want){ "", 1, 1, 0, 0, 0, 0, -1 });
    check_figures(json_array_get(rows, 2), &(struct want){ "UNMISS", 1, 0, 1.0, 1, 0, 1, 11.0 });
    check_category(json_array_get(rows, 2), "logistics", 1, 0);
    assert_null(
        json_object_get(json_object_get(json_array_get(rows, 2), "by_category"), "training"));
    check_figures(json_object_get(r, "totals"), &(struct want){ NULL, 5, 4, 0.36, 1, 2, 3, 5.5 });
    json_decref(r);
    /* Anonymous readers see CLEAR only: nothing here. */
    r = gaps(&anon, NULL);
    assert_string_equal(json_string_value(json_object_get(r, "by")), "mission");
    assert_int_equal(json_array_size(json_object_get(r, "rows")), 0);
    check_figures(json_object_get(r, "totals"), &(struct want){ NULL, 0, 0, 0, 0, 0, 0, -1 });
    json_decref(r);
}

/* unit/capacity-gaps-bad-by: names "by". */
static void unit_capacity_gaps_bad_by(void **state)
{
    (void)state;
    json_t *out = NULL;
    struct bh_error err = { 0 };
    assert_int_equal(capacity_gaps(db, &admin, "country", NOW_MS, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "by");
    assert_contains(err.message, "country");
    assert_null(out);
}

#define CATS_HEAD                                                                \
    "training_needs,training_unmet,lessons_learned_needs,lessons_learned_unmet," \
    "mentoring_needs,mentoring_unmet,advise_assist_needs,advise_assist_unmet,"   \
    "equipment_needs,equipment_unmet,infrastructure_needs,infrastructure_unmet," \
    "logistics_needs,logistics_unmet,financial_needs,financial_unmet\n"

/* unit/capacity-gaps-csv: the exact text of a small report, quoting a name with a comma and a
 * quote, guarding a formula, leaving an empty median empty. */
static void unit_capacity_gaps_csv(void **state)
{
    (void)state;
    json_t *report = test_json(
        "{\"by\": \"org\", \"as_of\": \"2026-03-01T00:00:00Z\", \"rows\": ["
        "{\"key\": \"RWA\", \"name\": \"Rwanda, \\\"the\\\" Republic\", \"needs\": 3, "
        "\"unmet\": 2, \"covered_share\": 0.467, \"fully_covered\": 1, \"critical_unmet\": 0, "
        "\"matched\": 2, \"median_days_to_match\": 3.8, \"by_category\": {\"training\": "
        "{\"needs\": 2, \"unmet\": 1}, \"financial\": {\"needs\": 1, \"unmet\": 1}}},"
        "{\"key\": \"XYZ\", \"name\": \"=cmd\", \"needs\": 1, \"unmet\": 1, "
        "\"covered_share\": 0.0, \"fully_covered\": 0, \"critical_unmet\": 1, \"matched\": 0, "
        "\"median_days_to_match\": null, \"by_category\": {\"logistics\": {\"needs\": 1, "
        "\"unmet\": 1}}}],"
        "\"totals\": {\"needs\": 4, \"unmet\": 3, \"covered_share\": 0.35, \"fully_covered\": 1, "
        "\"critical_unmet\": 1, \"matched\": 2, \"median_days_to_match\": 3.8, \"by_category\": "
        "{\"training\": {\"needs\": 2, \"unmet\": 1}, \"logistics\": {\"needs\": 1, \"unmet\": "
        "1}, \"financial\": {\"needs\": 1, \"unmet\": 1}}}}");
    struct buf b = BUF_INIT;
    capacity_gaps_csv(report, &b);
    assert_string_equal(
        buf_str(&b),
        "key,name,needs,unmet,covered_share,fully_covered,critical_unmet,matched,"
        "median_days_to_match," CATS_HEAD
        "RWA,\"Rwanda, \"\"the\"\" Republic\",3,2,0.467,1,0,2,3.8,2,1,0,0,0,0,0,0,0,0,0,0,0,0,1,1\n"
        "XYZ,'=cmd,1,1,0.000,0,1,0,,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0\n"
        "total,,4,3,0.350,1,1,2,3.8,2,1,0,0,0,0,0,0,0,0,0,0,1,1,1,1\n");
    buf_cleanup(&b);
    json_decref(report);
    /* The report of the store, by organization, as the admin: the header, then RWA's row. */
    report = gaps(&admin, "org");
    capacity_gaps_csv(report, &b);
    assert_contains(buf_str(&b), "\nRWA,Organization RWA,3,2,0.467,1,0,2,3.8,1,0,0,0,0,0,0,0,1,1,"
                                 "0,0,0,0,1,1\nBRA,");
    assert_contains(buf_str(&b), "\ntotal,,6,4,0.400,2,1,3,5.5,3,2,");
    buf_cleanup(&b);
    json_decref(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-gaps-by-mission", unit_capacity_gaps_by_mission),
        BH_TEST("unit/capacity-gaps-by-org", unit_capacity_gaps_by_org),
        BH_TEST("unit/capacity-gaps-reader", unit_capacity_gaps_reader),
        BH_TEST("unit/capacity-gaps-bad-by", unit_capacity_gaps_bad_by),
        BH_TEST("unit/capacity-gaps-csv", unit_capacity_gaps_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
