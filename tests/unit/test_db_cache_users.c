/* The statement cache under many readers (issue 10): 1,000 distinct users, of many
 * organizations and each with an account of their own, run the incident list, the casualty
 * list and the casualty statistics on one connection. The visibility predicates bind the
 * reader's organization and account rather than writing them into the SQL, so every reader
 * of a kind (member, admin, anonymous) runs the same statements: the cache stops growing
 * after the first few readers and stays under its cap. Each reader's answer is checked too,
 * so shared statements are shown to see per reader, not per statement. */
#include "support.h"

#include "account/account.h"
#include "casualty/casualty.h"
#include "casualty/stats.h"
#include "db/db.h"
#include "incident/report.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"
#define NUSERS   1000
/* By this many readers every kind of reader (each organization below, an outsider) has run
 * every statement; from then on the cache must not grow. */
#define SETTLED 8

static struct db *db;

enum { FRA, BRA, NORGS };
static const char *const org_codes[NORGS] = { "FRA", "BRA" };
static int64_t org_id[NORGS];
static struct principal reporter[NORGS];

static void add_org_and_reporter(int org)
{
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "%s", org_codes[org]);
    snprintf(o.name, sizeof o.name, "Organization %s", org_codes[org]);
    o.kind = ORG_MEMBER_STATE;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    org_id[org] = o.id;
    char name[32];
    snprintf(name, sizeof name, "%s.rep", org == FRA ? "fra" : "bra");
    test_user_principal(db, name, o.id, org_codes[org], ROLE_REPORTER, NULL, PASSWORD,
                        &reporter[org]);
}

static void incident(int org, const char *tlp, bool submit)
{
    json_t *body = json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:[s], s:s, s:b}", "mission",
                             "MINUSMA", "occurred_at", "2024-05-01T10:00:00Z", "latitude", 16.2,
                             "longitude", -0.04, "threat_type", "ied", "target", "convoy",
                             "activity", "logistics_convoy", "narrative", "Convoy hit", "sources",
                             "patrol report", "tlp", tlp, "submit", submit);
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_create(db, &reporter[org], body, &rec, &err);
    json_decref(body);
    must(rc, &err, "incident_create");
    json_decref(rec);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("db_cache_users", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    for (int i = 0; i < NORGS; i++)
        add_org_and_reporter(i);
    /* FRA reads all three incidents; BRA and everyone else only BRA's GREEN one. */
    incident(FRA, "TLP:AMBER+STRICT", true);
    incident(FRA, "TLP:GREEN", false); /* a draft: FRA's business until submitted */
    incident(BRA, "TLP:GREEN", true);
    /* One embargoed casualty of FRA's: FRA alone reads it. */
    struct casualty_new in = {
        .incident_date = "2024-05-01",
        .mission = "MINUSMA",
        .casualty_type = "Injury",
        .gender = "F",
        .nationality = "FRA",
        .personnel_type = "Military",
        .incident_type = "Malicious Act",
        .tlp = "TLP:GREEN",
    };
    must(casualty_create(db, &reporter[FRA], &in, NULL, &err), &err, "casualty_create");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* Reader `i`: every fourth of FRA, every fourth of BRA, the rest each of an organization of
 * its own (no rows of theirs in the store); every one with an account of its own. */
static void reader(int i, struct principal *p, int64_t *incidents, int64_t *casualties)
{
    memset(p, 0, sizeof *p);
    p->account_id = 100000 + i;
    p->role = ROLE_ANALYST;
    snprintf(p->username, sizeof p->username, "reader%d", i);
    if (i % 4 == 0) {
        p->org_id = org_id[FRA];
        snprintf(p->org_code, sizeof p->org_code, "FRA");
        *incidents = 3;
        *casualties = 1;
    } else if (i % 4 == 1) {
        p->org_id = org_id[BRA];
        snprintf(p->org_code, sizeof p->org_code, "BRA");
        *incidents = 1;
        *casualties = 0;
    } else {
        p->org_id = 500000 + i;
        snprintf(p->org_code, sizeof p->org_code, "X%d", i);
        *incidents = 1;
        *casualties = 0;
    }
}

/* Fails unless a list of `what` for `who` counted, and held, `want` rows. */
static void expect_rows(const struct principal *who, const char *what, int64_t total, size_t items,
                        int64_t want)
{
    if (total != want || (int64_t)items != want)
        fail_msg("%s (org %lld): %s total %lld, %zu items; expected %lld", who->username,
                 (long long)who->org_id, what, (long long)total, items, (long long)want);
}

/* The three lists for `who`; fails unless each counts what `who` may see. */
static void run_lists(const struct principal *who, int64_t want_incidents, int64_t want_casualties)
{
    struct bh_error err;
    struct spatial_filter sf;
    spatial_filter_init(&sf);
    json_t *items = json_array();
    char next[SPATIAL_CURSOR_MAX];
    int64_t total = -1;
    must(spatial_list(db, who, &spatial_incidents, &sf, NULL, 50, items, next, &total, &err), &err,
         "incident list");
    expect_rows(who, "incident list", total, json_array_size(items), want_incidents);
    json_array_clear(items);

    struct casualty_filter cf;
    casualty_filter_init(&cf);
    char cnext[CASUALTY_CURSOR_MAX];
    total = -1;
    must(casualty_list(db, who, &cf, NULL, 50, items, cnext, &total, &err), &err, "casualty list");
    expect_rows(who, "casualty list", total, json_array_size(items), want_casualties);
    json_decref(items);

    struct casualty_stats_query q;
    casualty_stats_init(&q);
    json_t *stats = NULL;
    must(casualty_stats(db, who, &q, &stats, &err), &err, "casualty stats");
    total = json_integer_value(json_object_get(stats, "total"));
    expect_rows(who, "casualty statistics", total, (size_t)total, want_casualties);
    json_decref(stats);
}

/* db/cache-bounded-1000-users */
static void db_cache_bounded_1000_users(void **state)
{
    (void)state;
    int settled = -1;
    for (int i = 0; i < NUSERS; i++) {
        struct principal who;
        int64_t incidents, casualties;
        reader(i, &who, &incidents, &casualties);
        run_lists(&who, incidents, casualties);
        int count = db_cache_count(db);
        if (count > DB_STMT_CACHE_MAX)
            fail_msg("after %d readers the cache holds %d statements, over its cap of %d", i + 1,
                     count, DB_STMT_CACHE_MAX);
        if (i + 1 == SETTLED)
            settled = count;
        else if (i + 1 > SETTLED && count != settled)
            fail_msg("the cache grew from %d to %d statements at reader %d: the SQL text "
                     "depends on who reads",
                     settled, count, i + 1);
    }
    /* The admin and an anonymous reader are two more kinds: a few statements each, once. */
    struct principal admin = { .account_id = 1, .org_id = org_id[BRA], .role = ROLE_ADMIN };
    snprintf(admin.username, sizeof admin.username, "admin");
    struct principal anon;
    principal_anonymous(&anon);
    run_lists(&admin, 3, 1);
    run_lists(&anon, 0, 0);
    int with_kinds = db_cache_count(db);
    run_lists(&admin, 3, 1);
    run_lists(&anon, 0, 0);
    assert_int_equal(db_cache_count(db), with_kinds);
    assert_true(with_kinds <= DB_STMT_CACHE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("db/cache-bounded-1000-users", db_cache_bounded_1000_users),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
