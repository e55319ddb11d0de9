/* Demo data in process (src/incident/demo.h): the same seed gives the same rows and another
 * seed other rows; running again adds nothing and a larger count adds only the difference;
 * every generated row passes incident_validate() when read back from the store and lies
 * where and when its mission was; the distributions look like incidents (mostly no dead,
 * mostly endorsed, mostly TLP:GREEN, many threat types and missions); bad counts and a store
 * without member states are refused with nothing written. */
#include "support.h"

#include "base/buf.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "incident/demo.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"
#include "taxonomy/taxonomy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A migrated store with the reference data and the launch group of organizations. */
static struct db *seeded(const char *name)
{
    struct db *db = test_db_migrated(name, NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    int added;
    must(org_seed(db, &cli, &added, &err), &err, "org_seed");
    return db;
}

static struct incident_demo_report load(struct db *db, int64_t count, uint64_t seed)
{
    struct principal cli;
    principal_cli(&cli);
    struct incident_demo_report rep;
    struct bh_error err;
    must(incident_demo_load(db, &cli, count, seed, true, NULL, NULL, &rep, &err), &err,
         "incident_demo_load");
    return rep;
}

/* Every stored value of every row but the store's own timestamps, in row order, one line a
 * row (heap). */
static char *dump(struct db *db)
{
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "SELECT id, mission, occurred_at, occurred_precision, reported_at, "
                    "printf('%.6f', latitude), printf('%.6f', longitude), location_precision, "
                    "place_name, threat_type, target, activity, perpetrator, perpetrator_groups, "
                    "killed, injured, missing, abducted, narrative, sources, status, endorsed_by, "
                    "endorsed_at, synthetic, owner_org_id, reporter, tlp, source, source_ref "
                    "FROM incident ORDER BY n",
                    &st, &err),
         &err, "prepare");
    struct buf b = BUF_INIT;
    while (db_step(st, &err) == DB_ROW) {
        for (int c = 0; c < 29; c++) {
            const char *v = db_column_text(st, c);
            buf_puts(&b, v ? v : "NULL");
            buf_putc(&b, '|');
        }
        buf_putc(&b, '\n');
    }
    db_stmt_done(st);
    return buf_steal(&b);
}

/* demo/deterministic: the same seed gives the same rows, byte for byte, in two stores;
 * another seed gives other rows. */
static void demo_deterministic(void **state)
{
    (void)state;
    struct db *a = seeded("demo_det_a"), *b = seeded("demo_det_b"), *c = seeded("demo_det_c");
    assert_int_equal(load(a, 400, 42).added, 400);
    assert_int_equal(load(b, 400, 42).added, 400);
    assert_int_equal(load(c, 400, 43).added, 400);
    char *da = dump(a), *db_ = dump(b), *dc = dump(c);
    assert_int_equal(test_count_lines(da), 400);
    assert_string_equal(da, db_);
    assert_true(strcmp(da, dc) != 0);
    /* Not one row of seed 43 is a row of seed 42 (ids, times and places all differ). */
    assert_int_equal(test_query_int(c, "SELECT count(*) FROM incident WHERE source_ref LIKE "
                                       "'demo:42:%'"),
                     0);
    assert_int_equal(test_query_int(c, "SELECT count(*) FROM incident WHERE source_ref LIKE "
                                       "'demo:43:%'"),
                     400);
    /* Rows 0..7 of seed 42 are the same rows whatever the count that made them. */
    struct db *d = seeded("demo_det_d");
    load(d, 8, 42);
    char *dd = dump(d);
    assert_int_equal(test_count_lines(dd), 8);
    assert_memory_equal(dd, da, strlen(dd));
    free(da);
    free(db_);
    free(dc);
    free(dd);
    db_close(a);
    db_close(b);
    db_close(c);
    db_close(d);
}

/* demo/idempotent: the same command twice adds nothing the second time; a larger count adds
 * only the difference; each run is one audit entry with its counts. */
static void demo_idempotent(void **state)
{
    (void)state;
    struct db *db = seeded("demo_idem");
    struct incident_demo_report r = load(db, 300, 7);
    assert_int_equal(r.added, 300);
    assert_int_equal(r.existing, 0);
    assert_true(r.missions >= 20);
    r = load(db, 300, 7);
    assert_int_equal(r.added, 0);
    assert_int_equal(r.existing, 300);
    r = load(db, 450, 7);
    assert_int_equal(r.added, 150);
    assert_int_equal(r.existing, 300);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident"), 450);
    assert_int_equal(test_query_int(db, "SELECT count(DISTINCT source_ref) FROM incident"), 450);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_rtree"), 450);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident_fts WHERE incident_fts "
                                        "MATCH 'synthetic'"),
                     450);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'demo.load'"),
                     3);
    assert_int_equal(test_query_int(db, "SELECT json_extract(summary, '$.added') FROM audit_log "
                                        "WHERE action = 'demo.load' ORDER BY seq DESC LIMIT 1"),
                     150);
    assert_int_equal(test_query_int(db, "SELECT json_extract(summary, '$.existing') FROM "
                                        "audit_log WHERE action = 'demo.load' ORDER BY seq DESC "
                                        "LIMIT 1"),
                     300);
    /* The plain indexes are all there after a load that was large enough to rebuild them. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name = 'incident' AND name IN ('incident_time', "
                                        "'incident_mission', 'incident_status', 'incident_owner')"),
                     4);
    db_close(db);
}

/* demo/valid-rows: each row read back from the store passes incident_validate(), and lies
 * within its mission's life (never before 1948, never in the future), within 1,000 km of its
 * HQ, marked as synthetic everywhere it can be. */
static void demo_valid_rows(void **state)
{
    (void)state;
    struct db *db = seeded("demo_valid");
    load(db, 1500, 99);
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "SELECT i.mission, i.occurred_at, i.occurred_precision, i.reported_at, "
                    "i.latitude, i.longitude, i.location_precision, i.place_name, i.threat_type, "
                    "i.target, i.activity, i.perpetrator, i.perpetrator_groups, i.killed, "
                    "i.injured, i.missing, i.abducted, i.narrative, i.sources, i.status, "
                    "i.synthetic, i.owner_org_id, i.reporter, i.tlp, i.source, i.source_ref, "
                    "m.hq_lat, m.hq_lon, m.start_date, coalesce(m.end_date, '9999'), o.kind, "
                    "i.endorsed_at, i.n FROM incident i JOIN mission m ON m.acronym = i.mission "
                    "JOIN org o ON o.id = i.owner_org_id ORDER BY i.n",
                    &st, &err),
         &err, "prepare");
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    int rows = 0;
    while (db_step(st, &err) == DB_ROW) {
        struct incident_row r = { 0 };
        int k = 0;
        r.mission = db_column_text(st, k++);
        r.occurred_at = db_column_text(st, k++);
        r.occurred_precision = db_column_text(st, k++);
        r.reported_at = db_column_text(st, k++);
        r.latitude = db_column_double(st, k++);
        r.longitude = db_column_double(st, k++);
        r.location_precision = db_column_text(st, k++);
        r.place_name = db_column_text(st, k++);
        r.threat_type = db_column_text(st, k++);
        r.target = db_column_text(st, k++);
        r.activity = db_column_text(st, k++);
        r.perpetrator = db_column_text(st, k++);
        r.perpetrator_groups = db_column_text(st, k++);
        r.killed = db_column_int(st, k++);
        r.injured = db_column_int(st, k++);
        r.missing = db_column_int(st, k++);
        r.abducted = db_column_int(st, k++);
        r.narrative = db_column_text(st, k++);
        r.sources = db_column_text(st, k++);
        r.status = db_column_text(st, k++);
        r.synthetic = db_column_int(st, k++);
        r.owner_org_id = db_column_int(st, k++);
        r.reporter = db_column_text(st, k++);
        r.tlp = db_column_text(st, k++);
        r.source = db_column_text(st, k++);
        const char *ref = db_column_text(st, k++);
        double hq_lat = db_column_double(st, k++), hq_lon = db_column_double(st, k++);
        const char *start = db_column_text(st, k++), *end = db_column_text(st, k++);
        const char *kind = db_column_text(st, k++);
        const char *endorsed_at = db_column_text(st, k++);
        int64_t n = db_column_int(st, k++);
        struct bh_error verr;
        if (incident_validate(db, &r, &verr) != 0)
            fail_msg("row %lld (%s) fails validation: %s: %s", (long long)n, ref, verr.field,
                     verr.message);
        /* Within the mission's life, to the day, and within the platform's era. */
        if (strncmp(r.occurred_at, start, 10) < 0 || strncmp(r.occurred_at, end, 10) > 0 ||
            strcmp(r.occurred_at, "1948-01-01") < 0 || strcmp(r.occurred_at, now) > 0 ||
            strcmp(r.reported_at, r.occurred_at) < 0 || strcmp(r.reported_at, now) > 0)
            fail_msg("row %s: occurred %s reported %s, mission %s ran %s to %s", ref, r.occurred_at,
                     r.reported_at, r.mission, start, end);
        if (endorsed_at && (strcmp(endorsed_at, r.reported_at) < 0 || strcmp(endorsed_at, now) > 0))
            fail_msg("row %s: endorsed %s, reported %s", ref, endorsed_at, r.reported_at);
        if (strcmp(r.status, "endorsed") == 0 && !endorsed_at)
            fail_msg("row %s: endorsed without a time", ref);
        double km = incident_haversine_km(r.latitude, r.longitude, hq_lat, hq_lon);
        if (!(km <= 1000) || r.latitude < -90 || r.latitude > 90 || r.longitude < -180 ||
            r.longitude > 180)
            fail_msg("row %s: (%f, %f) is %.0f km from the %s HQ", ref, r.latitude, r.longitude, km,
                     r.mission);
        const struct threat_type *t = taxonomy_threat_find(r.threat_type);
        assert_non_null(t);
        assert_int_not_equal(t->class, THREAT_CONTEXT);
        assert_true(r.synthetic);
        assert_string_equal(r.source, "demo");
        assert_string_equal(r.reporter, "demo");
        assert_prefix(r.narrative, "[SYNTHETIC] ");
        assert_string_equal(kind, "member_state");
        char want[40];
        snprintf(want, sizeof want, "demo:99:%d", rows);
        assert_string_equal(ref, want);
        rows++;
    }
    db_stmt_done(st);
    assert_int_equal(rows, 1500);
    db_close(db);
}

/* demo/distributions: what the rows look like in bulk, within bounds a person would expect of
 * incident data (demo.c's weights, with room for chance). */
static void demo_distributions(void **state)
{
    (void)state;
    struct db *db = seeded("demo_dist");
    load(db, 3000, 1);
    int64_t no_dead = test_query_int(db, "SELECT count(*) FROM incident WHERE killed = 0");
    assert_in_range(no_dead, 2100, 2900);
    assert_true(test_query_int(db, "SELECT max(killed) FROM incident") >= 3);
    assert_in_range(test_query_int(db, "SELECT count(*) FROM incident WHERE status = 'endorsed'"),
                    2400, 2850);
    assert_true(test_query_int(db, "SELECT count(*) FROM incident WHERE status = 'draft'") > 0);
    assert_true(test_query_int(db, "SELECT count(*) FROM incident WHERE status = 'submitted'") > 0);
    assert_in_range(test_query_int(db, "SELECT count(*) FROM incident WHERE tlp = 'GREEN'"), 2300,
                    2800);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident WHERE tlp NOT IN "
                                        "('GREEN', 'CLEAR', 'AMBER+STRICT')"),
                     0);
    assert_true(test_query_int(db, "SELECT count(DISTINCT threat_type) FROM incident") >= 15);
    assert_true(test_query_int(db, "SELECT count(DISTINCT mission) FROM incident") >= 25);
    assert_true(test_query_int(db, "SELECT count(DISTINCT owner_org_id) FROM incident") >= 10);
    assert_true(test_query_int(db, "SELECT count(DISTINCT occurred_precision) FROM incident") == 4);
    /* The owners take turns: no member state owns more than its share plus one. */
    int64_t states = test_query_int(db, "SELECT count(*) FROM org WHERE kind = 'member_state'");
    assert_true(test_query_int(db, "SELECT max(c) FROM (SELECT count(*) AS c FROM incident "
                                   "GROUP BY owner_org_id)") <= 3000 / states + 1);
    db_close(db);
}

/* demo/refused: a count out of range names the field; a store without member states has no
 * owner to give; neither writes anything. */
static void demo_refused(void **state)
{
    (void)state;
    struct db *db = seeded("demo_refused");
    struct principal cli;
    principal_cli(&cli);
    struct incident_demo_report rep;
    struct bh_error err;
    assert_int_equal(incident_demo_load(db, &cli, 0, 1, false, NULL, NULL, &rep, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "incidents");
    assert_int_equal(
        incident_demo_load(db, &cli, INCIDENT_DEMO_MAX + 1LL, 1, false, NULL, NULL, &rep, &err),
        BH_EINVALID);
    db_close(db);

    db = test_db_migrated("demo_no_states", NULL);
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    assert_int_equal(incident_demo_load(db, &cli, 10, 1, false, NULL, NULL, &rep, &err),
                     BH_ENOTFOUND);
    assert_string_equal(err.field, "owner");
    assert_contains(err.message, "member-state");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM incident"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("demo/deterministic", demo_deterministic),
        BH_TEST("demo/idempotent", demo_idempotent),
        BH_TEST("demo/valid-rows", demo_valid_rows),
        BH_TEST("demo/distributions", demo_distributions),
        BH_TEST("demo/refused", demo_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
