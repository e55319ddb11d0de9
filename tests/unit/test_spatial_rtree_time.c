/* The map layers' R*Trees hold time (migration 0015): a moved date moves the row in the tree,
 * a deleted row leaves it, and a store upgraded from schema 14 gets every row of incident and
 * context_event into its tree with the julian day of occurred_at. */
#include "support.h"

#include "db/db.h"
#include "db/migrate.h"
#include "incident/incident.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <string.h>

static int64_t org_id;

static void insert(struct db *db, const char *id, const char *when)
{
    struct bh_error err;
    struct incident_row r = {
        .id = id,
        .mission = "MINUSMA",
        .occurred_at = when,
        .occurred_precision = "exact",
        .reported_at = when,
        .latitude = 16.27,
        .longitude = -0.04,
        .location_precision = "exact",
        .threat_type = "ied",
        .target = "convoy",
        .activity = "patrolling",
        .narrative = "patrol",
        .status = "endorsed",
        .owner_org_id = org_id,
        .reporter = "fixture",
        .tlp = "GREEN",
        .source = "demo",
    };
    must(incident_store_insert(db, &r, NULL, NULL, &err), &err, "insert");
}

/* The ids of the incidents in a box around Gao within [from, to], as the admin lists them. */
static int64_t in_window(struct db *db, const char *from, const char *to)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    must(spatial_filter_set(&f, "bbox", "-1,15,1,17", &err), &err, "bbox");
    must(spatial_filter_set(&f, "from", from, &err), &err, "from");
    must(spatial_filter_set(&f, "to", to, &err), &err, "to");
    struct principal cli;
    principal_cli(&cli);
    int64_t total = -1;
    must(spatial_count(db, &cli, &spatial_incidents, &f, &total, &err), &err, "count");
    return total;
}

/* rtree-time/follows-writes: a row is found in its year's window and not in another; moving
 * its date moves it; deleting it removes it from the tree. */
static void rtree_follows_writes(void **state)
{
    (void)state;
    const char *codes[] = { "FRA" };
    struct db *db = test_db_with_orgs("spatial_rtree_time", NULL, codes, 1, -1, &org_id);
    insert(db, "rt-1", "2010-01-01T12:00:00Z");
    assert_int_equal(in_window(db, "2010-01-01", "2010-01-01"), 1);
    assert_int_equal(in_window(db, "2020-06-01", "2020-06-30"), 0);
    test_exec(db, "UPDATE incident SET occurred_at = '2020-06-15T08:00:00Z' WHERE id = 'rt-1'");
    assert_int_equal(in_window(db, "2010-01-01", "2010-01-01"), 0);
    assert_int_equal(in_window(db, "2020-06-01", "2020-06-30"), 1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_rtree WHERE min_t <= "
                                        "julianday('2020-06-15T08:00:00Z') AND max_t >= "
                                        "julianday('2020-06-15T08:00:00Z')"),
                     1);
    test_exec(db, "DELETE FROM incident WHERE id = 'rt-1'");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_rtree"), 0);
    db_close(db);
}

/* rtree-time/upgrade: a store of schema 14 with incidents and context events, upgraded: each
 * tree holds one row per record, with the record's julian day within the tree's rounding. */
static void rtree_upgrade(void **state)
{
    (void)state;
    char *path = test_store_path("spatial_rtree_time_upgrade");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    free(path);
    struct bh_error err;
    size_t upto = 0;
    while (upto < migrations_builtin_count &&
           strcmp(migrations_builtin[upto].name, "map_time_rtree") != 0)
        upto++;
    assert_true(upto < migrations_builtin_count);
    must(migrate_apply(db, migrations_builtin, upto, NULL, &err), &err, "schema 14");
    const char *codes[] = { "FRA" };
    test_db_add_orgs(db, codes, 1, -1, &org_id);
    insert(db, "up-1", "2001-02-03T04:05:06Z");
    insert(db, "up-2", "2024-12-31T23:59:59Z");
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO context_event (id, source, source_id, occurred_at, latitude, longitude, "
             "threat_type, source_type, owner_org_id, tlp, imported_at) VALUES ('ucdp:9', "
             "'ucdp', '9', '2019-07-01T00:00:00Z', 16.2, -0.1, 'armed_clash', 'state-based', "
             "%lld, 'CLEAR', '2025-01-01T00:00:00Z')",
             (long long)org_id);
    test_exec(db, sql);
    must(migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err), &err,
         "upgrade");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_rtree"), 2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_rtree r JOIN incident i "
                                        "ON i.n = r.n WHERE julianday(i.occurred_at) BETWEEN "
                                        "r.min_t AND r.max_t AND r.max_t - r.min_t < 0.5"),
                     2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM context_event_rtree r JOIN "
                                        "context_event e ON e.n = r.n WHERE "
                                        "julianday(e.occurred_at) BETWEEN r.min_t AND r.max_t"),
                     1);
    assert_int_equal(in_window(db, "2024-12-31", "2024-12-31"), 1);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("rtree-time/follows-writes", rtree_follows_writes),
        BH_TEST("rtree-time/upgrade", rtree_upgrade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
