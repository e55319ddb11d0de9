/* Overdue actions and their reminders with an injected clock: an action is overdue once its
 * due day has ended in its own time zone (Auckland's 10 December ends eighteen hours before
 * New York's), and the responsible organization is reminded at most once per action and local
 * day, also when the pass runs twice or on a new connection (a restart); a done action never. */
#include "support.h"

#include "action/action.h"
#include "base/config.h"
#include "base/timeutil.h"
#include "commitment/commitment.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW "Overdue-test-passphrase-2026"

enum { OWN, RWA, NORGS };
static const char *const codes[NORGS] = { "FRA", "RWA" };
static int64_t org_ids[NORGS];
static struct db *db;
static char *store;
static struct principal own_fp, rwa_rep;
static char akl[64], nyc[64], done_id[64];

static int64_t clock_ms;
static int64_t held_clock(void)
{
    return clock_ms;
}

static void make_action(const char *cid, const char *zone, char id[64])
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"title\":\"Due in %s\",\"mission\":\"MINUSCA\",\"responsible_org\":\"RWA\","
             "\"due_date\":\"2026-12-10\",\"time_zone\":\"%s\"}",
             zone, zone);
    json_t *body = test_json(json), *out = NULL;
    struct bh_error err;
    must(action_create(db, &own_fp, cid, body, &out, &err), &err, json);
    snprintf(id, 64, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
    json_decref(body);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("action_overdue", &store, codes, NORGS, -1, org_ids);
    test_user_principal(db, "own.fp", org_ids[OWN], "FRA", ROLE_FOCAL_POINT, NULL, PW, &own_fp);
    test_user_principal(db, "rwa.rep", org_ids[RWA], "RWA", ROLE_REPORTER, NULL, PW, &rwa_rep);
    clock_ms = 1796083200000; /* 2026-12-01T00:00:00Z */
    time_set_clock(held_clock);
    json_t *body = test_json("{\"title\":\"Casualty care\",\"source\":\"a4p\",\"a4p_area\":"
                             "\"safety_security\"}"),
           *out = NULL;
    struct bh_error err;
    must(commitment_create(db, &own_fp, body, NULL, &out, &err), &err, "commitment");
    char cid[64];
    snprintf(cid, sizeof cid, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
    json_decref(body);
    make_action(cid, "Pacific/Auckland", akl);
    make_action(cid, "America/New_York", nyc);
    make_action(cid, "Pacific/Auckland", done_id);
    body = test_json("{\"status\":\"done\",\"note\":\"Finished early\"}");
    must(action_add_update(db, &rwa_rep, done_id, body, &out, &err), &err, "done");
    json_decref(out);
    json_decref(body);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    free(store);
    return 0;
}

static bool overdue(const char *id)
{
    json_t *a = NULL;
    struct bh_error err;
    must(action_get(db, &own_fp, id, &a, &err), &err, "get");
    bool o = json_is_true(json_object_get(a, "overdue"));
    json_decref(a);
    return o;
}

static int64_t overdue_listed(void)
{
    struct action_filter f = { .overdue = true };
    json_t *items = json_array();
    bool more;
    struct bh_error err;
    must(action_list(db, &own_fp, &f, NULL, 50, items, &more, &err), &err, "list");
    int64_t n = (int64_t)json_array_size(items);
    json_decref(items);
    return n;
}

/* action-overdue/time-zones: the same due date ends at different instants. */
static void overdue_time_zones(void **state)
{
    (void)state;
    clock_ms = 1796900399000; /* 2026-12-10T10:59:59Z: still the 10th in Auckland */
    assert_false(overdue(akl));
    clock_ms = 1796900400000; /* 11:00:00Z: midnight in Auckland, the due instant itself */
    assert_true(overdue(akl));
    clock_ms = 1796900401000; /* 2026-12-10T11:00:01Z */
    assert_true(overdue(akl));
    assert_false(overdue(nyc));
    assert_false(overdue(done_id));
    assert_int_equal(overdue_listed(), 1);
    clock_ms = 1796965199000; /* 2026-12-11T04:59:59Z: the 10th's last second in New York */
    assert_false(overdue(nyc));
    clock_ms = 1796965200000; /* 2026-12-11T05:00:00Z */
    assert_true(overdue(nyc));
    assert_int_equal(overdue_listed(), 2);
}

static int64_t reminders(const char *id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE kind = 'action.overdue' AND record_id = "
             "'%s'",
             id);
    return test_query_int(db, sql);
}

static int pass(struct db *on, int64_t now)
{
    int sent = -1;
    struct bh_error err;
    must(action_remind_overdue(on, now, &sent, &err), &err, "remind");
    return sent;
}

/* action-overdue/reminders: once per action and local day, across passes and restarts. */
static void overdue_reminders(void **state)
{
    (void)state;
    assert_int_equal(pass(db, 1796900399000), 0);          /* nothing due yet */
    assert_int_equal(pass(db, 1796900401000), 1);          /* Auckland's action */
    assert_int_equal(reminders(akl), 1);                   /* RWA's one user */
    assert_int_equal(pass(db, 1796900401000 + 600000), 0); /* the same day, ten minutes on */
    assert_int_equal(pass(db, 1796965200000), 1);          /* New York's, at its midnight */
    assert_int_equal(reminders(nyc), 1);
    assert_int_equal(reminders(akl), 1); /* 18:00 of the 11th in Auckland: the same day */
    /* A restart: a new connection, the same day, tells nobody again. */
    struct db *again = test_db_open(store, 0);
    assert_int_equal(pass(again, 1796965200000 + 3600000), 0);
    /* The next local day in Auckland (2026-12-12 starts at 11:00Z on the 11th). */
    assert_int_equal(pass(again, 1796986801000), 1);
    db_close(again);
    assert_int_equal(reminders(akl), 2);
    assert_int_equal(reminders(nyc), 1);
    assert_int_equal(reminders(done_id), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM action_reminder"), 3);
}

/* action-overdue/worker: the worker runs a pass on its own connection as it starts, and stops
 * within a second. */
static void overdue_worker(void **state)
{
    (void)state;
    clock_ms = 1797120000000; /* 2026-12-13T00:00:00Z: a new local day in both zones */
    struct bh_config config;
    memset(&config, 0, sizeof config);
    snprintf(config.db, sizeof config.db, "%s", store);
    void *ws = NULL;
    struct bh_error err;
    must(action_reminder_worker.start(&config, &ws, &err), &err, "start");
    /* Wait for the pass's rows (bounded), not for a time. */
    for (int i = 0; i < 500 && reminders(nyc) < 2; i++) {
        struct timespec ts = { 0, 10 * 1000000 };
        nanosleep(&ts, NULL);
    }
    /* Stopping wakes the worker instead of waiting out its 10-minute period: a stop that
     * waited would take minutes, so a bound far from both (60 s) tells them apart on any
     * machine, however loaded. */
    int64_t t0 = time_mono_ms();
    action_reminder_worker.stop(ws);
    assert_true(time_mono_ms() - t0 < 60000);
    assert_int_equal(reminders(nyc), 2);
    assert_int_equal(reminders(akl), 3);
    assert_int_equal(reminders(done_id), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("action-overdue/time-zones", overdue_time_zones),
        BH_TEST("action-overdue/reminders", overdue_reminders),
        BH_TEST("action-overdue/worker", overdue_worker),
    };
    return cmocka_run_group_tests_name("action_overdue", tests, setup, teardown);
}
