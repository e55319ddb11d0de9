/* The deadline worker (src/proposal/worker.c) across a restart: a proposal whose deadline
 * passed while no server ran is settled when the next worker starts, exactly once; also when
 * two workers start at once on the same store file and race (each its own connection). */
#include "support.h"

#include "base/config.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "principal/principal.h"
#include "proposal/proposal.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "Goma airport perimeter 2013"
#define HOUR_MS  (3600LL * 1000)
#define T0       1796000000000LL

static struct db *db;
static char *path;
static int64_t org_ids[4];
static struct principal fra_fp, rwa_fp, bra_co;
static _Atomic int64_t clock_ms = T0;
static struct bh_config config;

static int64_t fake_clock(void)
{
    return atomic_load(&clock_ms);
}

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "BRA", "RWA", "FRA" };
    db = test_db_with_orgs("unit_proposal_restart", &path, codes, 4, 0, org_ids);
    test_exec(db, "UPDATE org SET standing = 'co_chair' WHERE code = 'BRA';"
                  "UPDATE org SET standing = 'member' WHERE code IN ('RWA', 'FRA', 'DPO');");
    test_user_principal(db, "bra.co", org_ids[1], "BRA", ROLE_COORDINATOR, NULL, PASSWORD, &bra_co);
    test_user_principal(db, "rwa.fp", org_ids[2], "RWA", ROLE_FOCAL_POINT, NULL, PASSWORD, &rwa_fp);
    test_user_principal(db, "fra.fp", org_ids[3], "FRA", ROLE_FOCAL_POINT, NULL, PASSWORD, &fra_fp);
    config_defaults(&config);
    snprintf(config.db, sizeof config.db, "%s", path);
    time_set_clock(fake_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    free(path);
    return 0;
}

static void create(int64_t in_ms, char id[40])
{
    char deadline[40];
    time_format_rfc3339(atomic_load(&clock_ms) + in_ms, 0, false, deadline);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "title", "Restart", "text",
                             "Adopted while the server was down.", "deadline", deadline,
                             "time_zone", "Europe/Paris");
    json_t *out = NULL;
    struct bh_error err;
    must(proposal_create(db, &fra_fp, body, &out, &err), &err, "proposal_create");
    snprintf(id, 40, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
    json_decref(body);
}

static int64_t count_for(const char *sql_fmt, const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql, sql_fmt, id);
    return test_query_int(db, sql);
}

/* Waits (up to 10 s) for the proposal to leave "open". */
static void wait_settled(const char *id)
{
    for (int i = 0; i < 1000; i++) {
        if (count_for("SELECT count(*) FROM proposal WHERE id = '%s' AND status <> 'open'", id))
            return;
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    fail_msg("the worker did not settle proposal %s in 10 s", id);
}

static void assert_once(const char *id)
{
    assert_int_equal(count_for("SELECT count(*) FROM decision WHERE proposal_id = '%s'", id), 1);
    assert_int_equal(count_for("SELECT count(*) FROM proposal_event WHERE proposal_id = '%s' AND "
                               "kind = 'adopted'",
                               id),
                     1);
    int64_t told = count_for("SELECT count(*) FROM notification WHERE record_id = '%s' AND kind = "
                             "'proposal.adopted'",
                             id);
    assert_int_equal(told, 3); /* one account in each of BRA, RWA, FRA */
    assert_int_equal(count_for("SELECT count(DISTINCT account_id) FROM notification WHERE "
                               "record_id = '%s' AND kind = 'proposal.adopted'",
                               id),
                     told);
}

static void adopted_after_restart(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create(HOUR_MS, id);
    void *state = NULL;
    must(proposal_deadline_worker.start(&config, &state, &err), &err, "start");
    proposal_deadline_worker.stop(state);
    assert_int_equal(
        count_for("SELECT count(*) FROM proposal WHERE id = '%s' AND status = 'open'", id), 1);
    /* The server was down past the deadline. */
    atomic_store(&clock_ms, atomic_load(&clock_ms) + 2 * HOUR_MS);
    must(proposal_deadline_worker.start(&config, &state, &err), &err, "restart");
    wait_settled(id);
    proposal_deadline_worker.stop(state);
    assert_int_equal(
        count_for("SELECT count(*) FROM proposal WHERE id = '%s' AND status = 'adopted'", id), 1);
    assert_once(id);
}

static void two_workers_race(void **unused)
{
    (void)unused;
    char ids[3][40];
    struct bh_error err;
    for (int i = 0; i < 3; i++)
        create(HOUR_MS, ids[i]);
    atomic_store(&clock_ms, atomic_load(&clock_ms) + 2 * HOUR_MS);
    void *a = NULL, *b = NULL;
    must(proposal_deadline_worker.start(&config, &a, &err), &err, "start a");
    must(proposal_deadline_worker.start(&config, &b, &err), &err, "start b");
    for (int i = 0; i < 3; i++)
        wait_settled(ids[i]);
    proposal_deadline_worker.stop(a);
    proposal_deadline_worker.stop(b);
    for (int i = 0; i < 3; i++)
        assert_once(ids[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/proposal-adopted-after-restart", adopted_after_restart),
        BH_TEST("unit/proposal-two-workers-race", two_workers_race),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
