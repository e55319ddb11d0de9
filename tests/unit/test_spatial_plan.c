/* Which index finds the rows, on a store large enough for the choice to matter (30,000
 * incidents on a grid of 200 x 150 points 0.02 degrees apart, one every 7.3 hours from
 * 2000): SQLite's own query plan (EXPLAIN QUERY PLAN) must go through the R*Tree for a small
 * box, through the time index for a time range alone and through the R*Tree's time dimension
 * for a box with a time range, through the full-text
 * index for a rare word, and through none of them for a box or a word that holds much of the
 * table; and whichever way it goes, the count must be the one a plain scan of the columns
 * gives. */
#include "support.h"

#include "db/db.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "spatial/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct db *db;
static struct principal admin, member;

#define ROWS 30000

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("spatial_plan", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "FRA");
    snprintf(o.name, sizeof o.name, "France");
    o.kind = ORG_MEMBER_STATE;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    admin = cli;
    memset(&member, 0, sizeof member);
    member.account_id = 7;
    member.org_id = o.id;
    member.role = ROLE_ANALYST;

    must(db_begin(db, &err), &err, "begin");
    for (int k = 0; k < ROWS; k++) {
        char id[16], when[40];
        snprintf(id, sizeof id, "g%d", k);
        time_t t = 946684800 + (time_t)k * 26280;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        struct incident_row r = {
            .id = id,
            .mission = "MINUSMA",
            .occurred_at = when,
            .occurred_precision = "exact",
            .reported_at = when,
            .latitude = 10 + (k % 200) * 0.02,
            .longitude = ((k / 200) % 150) * 0.02,
            .location_precision = "exact",
            .threat_type = "ied",
            .target = "convoy",
            .activity = "patrolling",
            .narrative = k % 1000 == 0 ? "ambush at the ford"
                         : k % 3       ? "patrol"
                                       : "convoy",
            .status = "endorsed",
            .owner_org_id = o.id,
            .reporter = "fixture",
            .tlp = k % 2 ? "GREEN" : "RED",
            .source = "demo",
        };
        must(incident_store_insert(db, &r, NULL, NULL, &err), &err, "insert");
    }
    must(db_commit(db, &err), &err, "commit");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* The plan SQLite makes for `sql`, one detail line per step. */
static char *plan_of(const char *sql)
{
    struct buf b = BUF_INIT, q = BUF_INIT;
    buf_printf(&q, "EXPLAIN QUERY PLAN %s", sql);
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db, buf_str(&q), &st, &err), &err, buf_str(&q));
    while (db_step(st, &err) == DB_ROW)
        buf_printf(&b, "%s\n", db_column_text(st, 3));
    db_stmt_done(st);
    buf_cleanup(&q);
    return buf_steal(&b);
}

struct plan {
    enum spatial__driver driver;
    char *rows, *count;
    int64_t total;
};

/* Builds the query for the filters (name, value pairs) and reads the plans of its page and
 * its count, and the count itself. */
static struct plan plan(const struct principal *who, const char *const *filters)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    for (int i = 0; filters[i]; i += 2)
        must(spatial_filter_set(&f, filters[i], filters[i + 1], &err), &err, filters[i]);
    struct spatial__query q;
    must(spatial__query_build(db, who, &spatial_incidents, &f, &q, &err), &err, "build");
    struct plan p = { .driver = q.driver };
    struct buf sql = BUF_INIT;
    spatial__rows_sql(&q, false, true, true, &sql);
    p.rows = plan_of(buf_str(&sql));
    buf_reset(&sql);
    buf_printf(&sql, "SELECT count(*) FROM incident i%s", buf_str(&q.count_where));
    p.count = plan_of(buf_str(&sql));
    buf_cleanup(&sql);
    spatial__query_cleanup(&q);
    must(spatial_count(db, who, &spatial_incidents, &f, &p.total, &err), &err, "count");
    return p;
}

static void plan_free(struct plan *p)
{
    free(p->rows);
    free(p->count);
}

static void assert_not_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect \"%s\" in:\n%s", needle, hay);
}

/* spatial/plan-rtree: a small box (625 of 30,000 points) is found through the R*Tree, for
 * the page and for the total, for the secretariat and for a member, also with a time range
 * that holds every row. */
static void spatial_plan_rtree(void **state)
{
    (void)state;
    const char *small[] = { "bbox", "0.99,10.99,1.49,11.49", NULL };
    const struct principal *who[] = { &admin, &member };
    for (int i = 0; i < 2; i++) {
        struct plan p = plan(who[i], small);
        assert_int_equal(p.driver, SPATIAL__RTREE);
        assert_contains(p.rows, "incident_rtree VIRTUAL TABLE");
        assert_contains(p.rows, "SEARCH i USING INTEGER PRIMARY KEY");
        assert_contains(p.count, "incident_rtree VIRTUAL TABLE");
        assert_not_contains(p.count, "SCAN i\n");
        /* 25 x 25 grid points; a member sees the GREEN half. */
        assert_int_equal(p.total, i == 0 ? 625
                                         : test_query_int(db, "SELECT count(*) FROM "
                                                              "incident WHERE longitude "
                                                              "BETWEEN 0.99 AND 1.49 AND "
                                                              "latitude BETWEEN 10.99 AND "
                                                              "11.49 AND tlp = 'GREEN'"));
        plan_free(&p);
    }
    struct plan p = plan(&admin, (const char *[]){ "bbox", "0.99,10.99,1.49,11.49", "from",
                                                   "2000-01-01", "to", "2030-12-31", NULL });
    assert_int_equal(p.driver, SPATIAL__RTREE);
    assert_contains(p.rows, "incident_rtree VIRTUAL TABLE");
    assert_not_contains(p.rows, "USING INDEX incident_time");
    assert_int_equal(p.total, 625);
    plan_free(&p);
    p = plan(&admin, (const char *[]){ "near", "11.2,1.2,20", NULL });
    assert_int_equal(p.driver, SPATIAL__RTREE);
    assert_contains(p.count, "incident_rtree VIRTUAL TABLE");
    assert_int_equal(p.total, test_query_int(db, "SELECT count(*) FROM incident WHERE 6371.0088 * "
                                                 "2 * asin(sqrt(pow(sin(radians(latitude - "
                                                 "11.2) / 2), 2) + cos(radians(latitude)) * "
                                                 "cos(radians(11.2)) * pow(sin(radians(longitude "
                                                 "- 1.2) / 2), 2))) <= 20"));
    assert_true(p.total > 100);
    plan_free(&p);
}

/* spatial/plan-time: a time range alone goes through the time index; a box with a time
 * range goes through the R*Tree, whose third dimension is time (migration 0015), so the tree
 * hands over only the rows of the window (about 100 of the month, a third of the year's),
 * never every row of the box over all the years. */
static void spatial_plan_time(void **state)
{
    (void)state;
    struct plan p =
        plan(&admin, (const char *[]){ "from", "2010-03-01", "to", "2010-03-31", NULL });
    assert_int_equal(p.driver, SPATIAL__TIME);
    assert_contains(p.rows, "USING INDEX incident_time");
    assert_contains(p.count, "INDEX incident_time");
    assert_not_contains(p.rows, "incident_rtree");
    plan_free(&p);
    /* A box that holds every row and a month: the tree's time bounds (D5: max_t >=, B4:
     * min_t <=) do the work. */
    p = plan(&admin, (const char *[]){ "bbox", "-1,9,4,15", "from", "2010-03-01", "to",
                                       "2010-03-31", NULL });
    assert_int_equal(p.driver, SPATIAL__RTREE);
    assert_contains(p.rows, "incident_rtree VIRTUAL TABLE");
    assert_contains(p.rows, "D5");
    assert_contains(p.rows, "B4");
    assert_int_equal(p.total, test_query_int(db, "SELECT count(*) FROM incident WHERE occurred_at "
                                                 "BETWEEN '2010-03-01' AND "
                                                 "'2010-03-31T23:59:59Z'"));
    assert_true(p.total > 90 && p.total < 110);
    plan_free(&p);
    /* A middle-sized box (a third of the rows) and one year: the tree hands over a third of
     * the year. */
    p = plan(&admin, (const char *[]){ "bbox", "0,10,0.99,14", "from", "2015-01-01", "to",
                                       "2015-12-31", NULL });
    assert_int_equal(p.driver, SPATIAL__RTREE);
    assert_int_equal(p.total, test_query_int(db, "SELECT count(*) FROM incident WHERE occurred_at "
                                                 "BETWEEN '2015-01-01' AND "
                                                 "'2015-12-31T23:59:59Z' AND longitude <= 0.99"));
    plan_free(&p);
}

/* spatial/plan-wide: a box that holds every row is not worth an index: the rows are read in
 * time order (the page stops after `limit`), and the count reads the table once. */
static void spatial_plan_wide(void **state)
{
    (void)state;
    struct plan p = plan(&member, (const char *[]){ "bbox", "-10,0,10,20", NULL });
    assert_int_equal(p.driver, SPATIAL__PLAIN);
    assert_not_contains(p.rows, "incident_rtree");
    assert_not_contains(p.count, "incident_rtree");
    assert_contains(p.rows, "incident_time");
    assert_not_contains(p.rows, "TEMP B-TREE");
    /* ROWS / 2 match, more than the total counts up to (spatial/total.c). */
    assert_true(ROWS / 2 > SPATIAL_TOTAL_BOUND);
    assert_int_equal(p.total, SPATIAL_TOTAL_BOUND + 1);
    plan_free(&p);
    /* The boxes across the antimeridian hold nothing here. */
    p = plan(&admin, (const char *[]){ "bbox", "170,-10,-170,10", NULL });
    assert_int_equal(p.driver, SPATIAL__RTREE);
    assert_int_equal(p.total, 0);
    plan_free(&p);
}

/* spatial/plan-text: a rare word (30 rows) is found through the full-text index; a common
 * one (a third of the table) is tested row by row while the rows are read in time order, so
 * a page of fifty stops early instead of sorting ten thousand. */
static void spatial_plan_text(void **state)
{
    (void)state;
    struct plan p = plan(&admin, (const char *[]){ "q", "ford", NULL });
    assert_int_equal(p.driver, SPATIAL__FTS);
    assert_contains(p.rows, "incident_fts VIRTUAL TABLE");
    assert_contains(p.rows, "SEARCH i USING INTEGER PRIMARY KEY");
    assert_int_equal(p.total, ROWS / 1000);
    plan_free(&p);
    p = plan(&admin, (const char *[]){ "q", "convoy", NULL });
    assert_int_equal(p.driver, SPATIAL__PLAIN);
    assert_contains(p.rows, "SCAN i USING INDEX incident_time");
    assert_not_contains(p.rows, "TEMP B-TREE");
    assert_int_equal(p.total, ROWS / 3 - ROWS / 3000);
    plan_free(&p);
    /* The word and a small box: the box is smaller (625 against 30). */
    p = plan(&admin, (const char *[]){ "q", "ford", "bbox", "0.99,10.99,1.49,11.49", NULL });
    assert_int_equal(p.driver, SPATIAL__FTS);
    assert_not_contains(p.rows, "incident_rtree");
    assert_int_equal(p.total, test_query_int(db, "SELECT count(*) FROM incident WHERE narrative "
                                                 "LIKE '%ford%' AND longitude BETWEEN 0.99 AND "
                                                 "1.49 AND latitude BETWEEN 10.99 AND 11.49"));
    plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial/plan-rtree", spatial_plan_rtree),
        BH_TEST("spatial/plan-time", spatial_plan_time),
        BH_TEST("spatial/plan-wide", spatial_plan_wide),
        BH_TEST("spatial/plan-text", spatial_plan_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
