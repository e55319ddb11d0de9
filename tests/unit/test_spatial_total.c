/* The bounded total of a map layer's list (src/spatial/total.c): past SPATIAL_TOTAL_BOUND
 * matches the count stops and says "more" (SPATIAL_TOTAL_BOUND + 1), below it the total is
 * exact, the number of items the pages hold. A store of 10,050 demo incidents is just past
 * the bound. */
#include "support.h"

#include "db/db.h"
#include "incident/demo.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <string.h>

#define STORE_INCIDENTS (SPATIAL_TOTAL_BOUND + 50)

static struct db *db;

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("spatial_total", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    int added;
    must(org_seed(db, &cli, &added, &err), &err, "org_seed");
    struct incident_demo_report rep;
    must(incident_demo_load(db, &cli, STORE_INCIDENTS, 3, false, NULL, NULL, &rep, &err), &err,
         "incident_demo_load");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* The total of the first page and the number of items on all pages, for the filters (name,
 * value pairs, NULL-terminated); `walk` false reads the first page only. */
static int64_t total_of(const struct principal *who, const char *const *filters, bool walk,
                        int64_t *items_seen)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    for (int i = 0; filters && filters[i]; i += 2)
        must(spatial_filter_set(&f, filters[i], filters[i + 1], &err), &err, filters[i]);
    char after[SPATIAL_CURSOR_MAX] = "", next[SPATIAL_CURSOR_MAX];
    int64_t total = -1, first = -1, seen = 0;
    do {
        json_t *items = json_array();
        must(spatial_list(db, who, &spatial_incidents, &f, after, 500, items, next, &total, &err),
             &err, "spatial_list");
        if (first < 0)
            first = total;
        assert_int_equal(total, first);
        seen += (int64_t)json_array_size(items);
        json_decref(items);
        snprintf(after, sizeof after, "%s", next);
    } while (walk && next[0]);
    if (items_seen)
        *items_seen = seen;
    return first;
}

/* spatial-total/bounded: with more matches than the bound the total is SPATIAL_TOTAL_BOUND +
 * 1 ("more than"), not the 10,050 the store holds, and spatial_count says the same. */
static void total_bounded(void **state)
{
    (void)state;
    struct principal cli;
    principal_cli(&cli);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident"), STORE_INCIDENTS);
    assert_int_equal(total_of(&cli, NULL, false, NULL), SPATIAL_TOTAL_BOUND + 1);
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    int64_t counted = -1;
    must(spatial_count(db, &cli, &spatial_incidents, &f, &counted, &err), &err, "spatial_count");
    assert_int_equal(counted, SPATIAL_TOTAL_BOUND + 1);
}

/* spatial-total/exact-below-bound: a filter that matches fewer than the bound gets the exact
 * count, which is the number of items the pages hold, and is more than zero. */
static void total_exact_below_bound(void **state)
{
    (void)state;
    struct principal cli;
    principal_cli(&cli);
    char mission[32];
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "SELECT mission FROM incident GROUP BY mission ORDER BY count(*) DESC LIMIT 1",
                    &st, &err),
         &err, "prepare");
    assert_int_equal(db_step(st, &err), DB_ROW);
    snprintf(mission, sizeof mission, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    const char *filters[] = { "mission", mission, NULL };
    int64_t seen = -1;
    int64_t total = total_of(&cli, filters, true, &seen);
    assert_true(total > 0);
    assert_true(total <= SPATIAL_TOTAL_BOUND);
    assert_int_equal(total, seen);
}

/* spatial-total/anonymous: the bound applies to what the reader may see: an anonymous reader's
 * total is exact when it is below the bound (the pages hold that many) and never more than
 * bound + 1. */
static void total_anonymous(void **state)
{
    (void)state;
    struct principal anon;
    principal_anonymous(&anon);
    int64_t seen = -1;
    int64_t total = total_of(&anon, NULL, true, &seen);
    assert_true(total <= SPATIAL_TOTAL_BOUND + 1);
    if (total <= SPATIAL_TOTAL_BOUND)
        assert_int_equal(total, seen);
    else
        assert_true(seen > SPATIAL_TOTAL_BOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial-total/bounded", total_bounded),
        BH_TEST("spatial-total/exact-below-bound", total_exact_below_bound),
        BH_TEST("spatial-total/anonymous", total_anonymous),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
