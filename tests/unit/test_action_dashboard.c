/* The coordination dashboards on a fixture written with SQL: two commitments, six actions of
 * every status in two missions with known due instants and markings (GREEN, AMBER through a
 * group, AMBER+STRICT, RED to one account), three proposals with their events, a decision and
 * two meetings, counted at an injected now (2026-06-15T12:00:00Z). Each figure below is worked
 * out by hand from the table in the fixture, for four readers: a member of the owner (FRA, the
 * RED record's recipient), a member of the group (BRA), a member of another organization
 * (CHN) and an anonymous reader. */
#include "support.h"

#include "action/dashboard.h"
#include "base/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static struct principal fra, bra, chn, anon;
static int64_t now_ms;

enum { FRA, BRA, CHN, DPO, NORGS };
static const char *const codes[NORGS] = { "FRA", "BRA", "CHN", "DPO" };
static int64_t org_id[NORGS];

#define MS(t)  "strftime('%s','" t "')*1000"
#define T(t)   "'" t "', " MS(t)
#define ORG(c) "(SELECT id FROM org WHERE code = '" c "')"

/* The fixture. Actions (due_ms is the end of the due day in the action's zone):
 *   a1 C1 MINUSCA BRA GREEN        done        due 2026-03-31 UTC  done 2026-03-20T10:00Z
 *   a2 C1 MINUSCA FRA GREEN        in_progress due 2026-05-31 Bangui (2026-05-31T23:00Z)
 *   a3 C1 UNMISS  BRA AMBER group  planned     due 2026-06-10 UTC  (2026-06-11T00:00Z)
 *   a4 C1 UNMISS  FRA RED to 101   blocked     due 2026-04-30 UTC  (2026-05-01T00:00Z)
 *   a5 C2 MINUSCA FRA AMBER+STRICT planned     due 2026-09-30 UTC  (not overdue)
 *   a6 C1 MINUSCA BRA GREEN        dropped     due 2026-02-28 UTC  (never overdue) */
static const char
    fixture[] =
        "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES (1, 'Sahel', " ORG(
            "FRA") ", '2026-01-01T00:00:00Z');"
                   "INSERT INTO sharing_group_member VALUES (1, " ORG("FRA") "), (1, " ORG(
                       "BRA") ");"
                              "INSERT INTO commitment (id, title, source, a4p_area, ap2017_area, "
                              "made_on, owner_org_id, "
                              "tlp, created_at, updated_at) VALUES "
                              "('c1', 'Alpha commitment', 'a4p', 'safety_security', NULL, "
                              "'2026-01-01', " ORG(
                                  "FRA") ", "
                                         "'GREEN', 'x', 'x'),"
                                         "('c2', 'Beta commitment', 'ap2017', NULL, 'capacities', "
                                         "'2026-01-01', " ORG(
                                             "FRA") ", "
                                                    "'AMBER+STRICT', 'x', 'x');"
                                                    "INSERT INTO mission_action (id, "
                                                    "commitment_id, title, mission, "
                                                    "responsible_org_id, due_date, "
                                                    "time_zone, due_ms, status, status_reason, "
                                                    "done_at, done_ms, owner_org_id, tlp, "
                                                    "sharing_group_id, created_at, updated_at) "
                                                    "VALUES "
                                                    "('a1', 'c1', 'Train medics', 'MINUSCA', " ORG(
                                                        "BRA") ", '2026-03-31', 'UTC', " MS("2026-"
                                                                                            "04-"
                                                                                            "01T00:"
                                                                                            "00:"
                                                                                            "00Z") ", 'done', '', " T("2026-03-20T10:00:00Z") ", " ORG("FRA") ", "
                                                                                                                                                              "'GREEN', NULL, 'x', 'x'),"
                                                                                                                                                              "('a2', 'c1', 'Equip the clinic', 'MINUSCA', " ORG("FRA") ", '2026-05-31', 'Africa/Bangui', " MS("2026-05-31T23:00:00Z") ", 'in_progress', '', NULL, NULL, " ORG("FRA") ", 'GREEN', NULL, "
                                                                                                                                                                                                                                                                                                                                      "'x', 'x'),"
                                                                                                                                                                                                                                                                                                                                      "('a3', 'c1', 'Fortify the camp', 'UNMISS', " ORG("BRA") ", '2026-06-10', 'UTC', " MS("2026-06-11T00:00:00Z") ", 'planned', '', NULL, NULL, " ORG("FRA") ", 'AMBER', 1, 'x', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "('a4', 'c1', 'Red action', 'UNMISS', " ORG("FRA") ", '2026-04-30', 'UTC', " MS("2026-05-01T00:00:00Z") ", 'blocked', '', NULL, NULL, " ORG("FRA") ", 'RED', NULL, 'x', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "('a5', 'c2', 'Strict action', 'MINUSCA', " ORG(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "FRA") ", '2026-09-30', 'UTC', " MS("2026-10-01T00:00:00Z") ", 'planned', '', NULL, NULL, " ORG("FRA") ", 'AMBER+STRICT', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "NULL, 'x', 'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "('a6', 'c1', 'Dropped action', 'MINUSCA', " ORG("BRA") ", '2026-02-28', 'UTC', " MS("2026-03-01T00:00:00Z") ", 'dropped', 'overtaken', NULL, NULL, " ORG("FRA") ", 'GREEN', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "NULL, 'x', 'x');"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "INSERT INTO tlp_recipient VALUES ('action', 'a4', 101), ('proposal', 'p2', 101), "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "('decision', 'd2', 101);"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "INSERT INTO meeting (id, title, status, starts_at, starts_ms, ends_at, ends_ms, time_zone, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "owner_org_id, tlp, created_at, updated_at) VALUES "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "('m1', 'Launch meeting', 'held', " T("2026-01-15T14:00:00Z") ", " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "2026-01-15T16:00:00Z") ", 'UTC', " ORG("FRA") ", 'GREEN', 'x', 'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "('m2', 'Plenary', 'planned', " T("2026-07-01T14:00:00Z") ", " T("2026-07-01T16:00:00Z") ", 'UTC', " ORG(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "FRA") ", 'GREEN', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "'x', 'x');"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "INSERT INTO proposal (id, title, status, deadline, deadline_ms, time_zone, owner_org_id, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "tlp, created_at, updated_at) VALUES "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "('p1', 'Open proposal', 'open', " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "2026-06-20T22:00:00Z") ", 'America/New_York', " ORG("FRA") ", 'GREEN', 'x', 'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "('p2', 'Red proposal', 'adopted', " T("2026-04-08T09:00:00Z") ", 'UTC', " ORG("FRA") ", 'RED', 'x', 'x'),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "('p3', 'Withdrawn proposal', 'withdrawn', " T("2026-02-20T09:00:00Z") ", 'UTC', " ORG(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "FRA") ", 'GREEN', 'x', "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "'x');"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "INSERT INTO proposal_event (proposal_id, kind, version, at, at_ms) VALUES "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "('p1', 'opened', 1, " T("2026-06-01T09:00:00Z") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "('p2', 'opened', 1, " T("2026-04-01T09:00:00Z") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "('p2', 'extended', 1, " T("2026-04-02T09:00:00Z") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  "('p2', 'adopted', 1, " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "2026-04-08T09:00:00Z") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "('p3', 'opened', 1, " T("2026-02-01T09:00:00Z") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "('p3', 'withdrawn', 1, " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   "2026-02-10T09:00:00Z") ");"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "INSERT INTO decision (id, title, proposal_id, decided_at, decided_ms, owner_org_id, tlp, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "created_at) VALUES ('d2', 'Red decision', 'p2', " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "2026-04-08T09:00:00Z") ", " ORG("FRA") ", 'RED', 'x');";

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("action_dashboard", NULL, codes, NORGS, DPO, org_id);
    test_exec(db, fixture);
    test_principal(&fra, 101, org_id[FRA], "FRA", ROLE_COORDINATOR, "fra.coordinator");
    test_principal(&bra, 201, org_id[BRA], "BRA", ROLE_FOCAL_POINT, "bra.focal");
    test_principal(&chn, 301, org_id[CHN], "CHN", ROLE_ANALYST, "chn.analyst");
    principal_anonymous(&anon);
    struct bh_error err;
    must(time_parse_rfc3339("2026-06-15T12:00:00Z", &now_ms, NULL, &err), &err, "now");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "null";
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The implementation table as lines "key label total/planned/in_progress/done/blocked/dropped
 * overdue=N share=X". */
static char *impl(const struct principal *who, const char *by)
{
    static char out[4096];
    struct action_dashboard_query q = { .by = by };
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_implementation(db, who, now_ms, &q, &res, &err), &err, by);
    assert_string_equal(str(res, "as_of"), "2026-06-15T12:00:00Z");
    assert_string_equal(str(res, "by"), by);
    size_t n = 0, i;
    json_t *row;
    out[0] = '\0';
    json_array_foreach(json_object_get(res, "rows"), i, row)
    {
        const json_t *share = json_object_get(row, "done_share");
        char s[16] = "null";
        if (json_is_number(share))
            snprintf(s, sizeof s, "%.4f", json_number_value(share));
        n += (size_t)snprintf(out + n, sizeof out - n,
                              "%s%s %s %lld/%lld/%lld/%lld/%lld/%lld overdue=%lld share=%s",
                              i ? "\n" : "", str(row, "key"), str(row, "label"), num(row, "total"),
                              num(row, "planned"), num(row, "in_progress"), num(row, "done"),
                              num(row, "blocked"), num(row, "dropped"), num(row, "overdue"), s);
    }
    json_decref(res);
    return out;
}

/* The overdue list as "id:days" separated by spaces. */
static char *overdue(const struct principal *who, const char *mission, const char *org)
{
    static char out[1024];
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_overdue(db, who, now_ms, mission, org, &res, &err), &err, "overdue");
    size_t n = 0, i;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(res, "items"), i, it) n += (size_t)snprintf(
        out + n, sizeof out - n, "%s%s:%lld", i ? " " : "", str(it, "id"), num(it, "days_overdue"));
    json_decref(res);
    return out;
}

/* The timeline as "kind:id" separated by spaces. */
static char *timeline(const struct principal *who, const char *from, const char *to)
{
    static char out[4096];
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_timeline(db, who, now_ms, from, to, &res, &err), &err, "timeline");
    assert_false(json_is_true(json_object_get(res, "truncated")));
    size_t n = 0, i;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(res, "items"), i, it) n += (size_t)snprintf(
        out + n, sizeof out - n, "%s%s:%s", i ? " " : "", str(it, "kind"), str(it, "id"));
    json_decref(res);
    return out;
}

/* The summary in one line. */
static char *summary(const struct principal *who)
{
    static char out[1024];
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_summary(db, who, now_ms, &res, &err), &err, "summary");
    const json_t *p = json_object_get(res, "proposals"), *a = json_object_get(res, "actions"),
                 *next = json_object_get(res, "next_deadline");
    snprintf(out, sizeof out,
             "proposals %lld/%lld/%lld/%lld commitments %lld actions %lld/%lld/%lld/%lld/%lld/"
             "%lld overdue=%lld next=%s@%s meetings=%lld",
             num(p, "open"), num(p, "adopted"), num(p, "not_adopted"), num(p, "withdrawn"),
             num(res, "commitments"), num(a, "total"), num(a, "planned"), num(a, "in_progress"),
             num(a, "done"), num(a, "blocked"), num(a, "dropped"), num(a, "overdue"),
             str(next, "id"), str(next, "deadline"), num(res, "meetings_upcoming"));
    json_decref(res);
    return out;
}

/* action/dashboard-implementation: by commitment, mission and organization for each reader. */
static void dashboard_implementation(void **state)
{
    (void)state;
    /* The owner's member sees all six (and is the RED action's recipient). Dropped actions
     * are out of done_share's denominator: Alpha is 1 done of 5 - 1. */
    assert_string_equal(impl(&fra, "commitment"),
                        "c1 Alpha commitment 5/1/1/1/1/1 overdue=3 share=0.2500\n"
                        "c2 Beta commitment 1/1/0/0/0/0 overdue=0 share=0.0000");
    /* "...Mission in the Republic of South Sudan" sorts before "...Multidimensional...". */
    assert_string_equal(
        impl(&fra, "mission"),
        "UNMISS United Nations Mission in the Republic of South Sudan 2/1/0/0/1/0 overdue=2 "
        "share=0.0000\n"
        "MINUSCA United Nations Multidimensional Integrated Stabilization Mission in the Central "
        "African Republic 4/1/1/1/0/1 overdue=1 share=0.3333");
    assert_string_equal(impl(&fra, "org"),
                        "BRA Organization BRA 3/1/0/1/0/1 overdue=1 share=0.5000\n"
                        "FRA Organization FRA 3/1/1/0/1/0 overdue=2 share=0.0000");

    /* The group's member: GREEN and the group's AMBER, not AMBER+STRICT (a5, and its
     * commitment c2), not RED (a4). */
    assert_string_equal(impl(&bra, "commitment"),
                        "c1 Alpha commitment 4/1/1/1/0/1 overdue=2 share=0.3333");
    assert_string_equal(
        impl(&bra, "mission"),
        "UNMISS United Nations Mission in the Republic of South Sudan 1/1/0/0/0/0 overdue=1 "
        "share=0.0000\n"
        "MINUSCA United Nations Multidimensional Integrated Stabilization Mission in the Central "
        "African Republic 3/0/1/1/0/1 overdue=1 share=0.5000");
    assert_string_equal(impl(&bra, "org"),
                        "BRA Organization BRA 3/1/0/1/0/1 overdue=1 share=0.5000\n"
                        "FRA Organization FRA 1/0/1/0/0/0 overdue=1 share=0.0000");

    /* Another organization: GREEN only. */
    assert_string_equal(impl(&chn, "commitment"),
                        "c1 Alpha commitment 3/0/1/1/0/1 overdue=1 share=0.5000");
    assert_string_equal(impl(&chn, "org"),
                        "BRA Organization BRA 2/0/0/1/0/1 overdue=0 share=1.0000\n"
                        "FRA Organization FRA 1/0/1/0/0/0 overdue=1 share=0.0000");
    /* Anonymous: TLP:CLEAR only, and there is none. */
    assert_string_equal(impl(&anon, "commitment"), "");
    assert_string_equal(impl(&anon, "mission"), "");

    /* Filters on the commitment: a hidden commitment never matches, so its source cannot be
     * probed. */
    struct action_dashboard_query q = { .by = "commitment", .source = "ap2017" };
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_implementation(db, &fra, now_ms, &q, &res, &err), &err, "source");
    assert_int_equal(json_array_size(json_object_get(res, "rows")), 1);
    json_decref(res);
    must(action_dashboard_implementation(db, &bra, now_ms, &q, &res, &err), &err, "source");
    assert_int_equal(json_array_size(json_object_get(res, "rows")), 0);
    json_decref(res);
    q = (struct action_dashboard_query){ .by = "mission", .a4p_area = "safety_security" };
    must(action_dashboard_implementation(db, &fra, now_ms, &q, &res, &err), &err, "a4p_area");
    assert_int_equal(json_array_size(json_object_get(res, "rows")), 2);
    json_decref(res);

    /* Bad parameters name themselves. */
    static const struct {
        struct action_dashboard_query q;
        const char *field;
    } bad[] = {
        { { .by = "country" }, "by" },
        { { .by = "" }, "by" },
        { { .source = "un" }, "source" },
        { { .a4p_area = "mindsets" }, "a4p_area" },
        { { .ap2017_area = "wps" }, "ap2017_area" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        res = NULL;
        int rc = action_dashboard_implementation(db, &fra, now_ms, &bad[i].q, &res, &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: expected INVALID naming %s, got %d naming '%s'", i, bad[i].field,
                     rc, err.field);
        assert_null(res);
    }
}

/* action/dashboard-overdue: oldest due first, whole days since the due day ended in the
 * action's zone (a2 ended at 23:00 UTC in Bangui: 14 days 13 hours is 14). */
static void dashboard_overdue(void **state)
{
    (void)state;
    assert_string_equal(overdue(&fra, NULL, NULL), "a4:45 a2:14 a3:4");
    assert_string_equal(overdue(&bra, NULL, NULL), "a2:14 a3:4");
    assert_string_equal(overdue(&chn, NULL, NULL), "a2:14");
    assert_string_equal(overdue(&anon, NULL, NULL), "");
    assert_string_equal(overdue(&fra, "UNMISS", NULL), "a4:45 a3:4");
    assert_string_equal(overdue(&fra, NULL, "BRA"), "a3:4");
    assert_string_equal(overdue(&fra, "MINUSCA", "FRA"), "a2:14");

    /* One instant later than a3's due day end, and one earlier. */
    struct bh_error err;
    json_t *res = NULL;
    int64_t a3_due = now_ms - 4 * 86400000LL - 12 * 3600000LL;
    must(action_dashboard_overdue(db, &bra, a3_due, NULL, NULL, &res, &err), &err, "at due");
    assert_int_equal(json_array_size(json_object_get(res, "items")), 2);
    json_decref(res);
    must(action_dashboard_overdue(db, &bra, a3_due - 1, NULL, NULL, &res, &err), &err, "before");
    assert_int_equal(json_array_size(json_object_get(res, "items")), 1);
    json_decref(res);

    /* One item in full. */
    must(action_dashboard_overdue(db, &fra, now_ms, "MINUSCA", NULL, &res, &err), &err, "full");
    char *text = json_dumps(res, JSON_COMPACT);
    assert_string_equal(
        text, "{\"as_of\":\"2026-06-15T12:00:00Z\",\"items\":[{\"id\":\"a2\",\"title\":\"Equip "
              "the clinic\",\"commitment\":{\"id\":\"c1\",\"title\":\"Alpha commitment\"},"
              "\"mission\":\"MINUSCA\",\"responsible_org\":\"FRA\",\"due_date\":\"2026-05-31\","
              "\"time_zone\":\"Africa/Bangui\",\"due_at\":\"2026-05-31T23:00:00Z\","
              "\"due_at_local\":\"2026-06-01T00:00:00+01:00\","
              "\"days_overdue\":14,\"status\":\"in_progress\"}]}");
    free(text);
    json_decref(res);

    assert_int_equal(action_dashboard_overdue(db, &fra, now_ms, "ATLANTIS", NULL, &res, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "mission");
    assert_int_equal(action_dashboard_overdue(db, &fra, now_ms, NULL, "XXX", &res, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "responsible_org");
}

/* action/dashboard-timeline: every kind in time order (ties by kind), only what the reader
 * sees; amendments and extensions are not on it; dropped actions have no due item. */
static void dashboard_timeline(void **state)
{
    (void)state;
    assert_string_equal(timeline(&fra, NULL, NULL),
                        "meeting:m1 proposal_opened:p3 proposal_withdrawn:p3 action_done:a1 "
                        "action_due:a1 proposal_opened:p2 decision:d2 proposal_adopted:p2 "
                        "action_due:a4 action_due:a2 proposal_opened:p1 action_due:a3 "
                        "meeting:m2 action_due:a5");
    assert_string_equal(timeline(&bra, NULL, NULL),
                        "meeting:m1 proposal_opened:p3 proposal_withdrawn:p3 action_done:a1 "
                        "action_due:a1 action_due:a2 proposal_opened:p1 action_due:a3 "
                        "meeting:m2");
    assert_string_equal(timeline(&chn, NULL, NULL),
                        "meeting:m1 proposal_opened:p3 proposal_withdrawn:p3 action_done:a1 "
                        "action_due:a1 action_due:a2 proposal_opened:p1 meeting:m2");
    assert_string_equal(timeline(&anon, NULL, NULL), "");
    /* from and to are whole UTC days, both included. */
    assert_string_equal(timeline(&fra, "2026-04-01", "2026-04-08"),
                        "action_due:a1 proposal_opened:p2 decision:d2 proposal_adopted:p2");
    assert_string_equal(timeline(&fra, "2026-04-01", "2026-04-01"),
                        "action_due:a1 proposal_opened:p2");
    /* The default range: twelve months back, six ahead. */
    struct bh_error err;
    json_t *res = NULL;
    must(action_dashboard_timeline(db, &fra, now_ms, NULL, NULL, &res, &err), &err, "default");
    assert_string_equal(str(res, "from"), "2025-06-15");
    assert_string_equal(str(res, "to"), "2026-12-15");
    json_t *first = json_array_get(json_object_get(res, "items"), 0);
    assert_string_equal(str(first, "at"), "2026-01-15T14:00:00Z");
    assert_string_equal(str(first, "link"), "/meetings/m1");
    json_decref(res);

    static const struct {
        const char *from, *to, *field;
    } bad[] = {
        { "2026-13-01", NULL, "from" },       { "2026-6-1", NULL, "from" },
        { NULL, "tomorrow", "to" },           { "2026-02-30", NULL, "from" },
        { "2026-05-01", "2026-04-30", "to" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        res = NULL;
        int rc = action_dashboard_timeline(db, &fra, now_ms, bad[i].from, bad[i].to, &res, &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: expected INVALID naming %s, got %d naming '%s'", i, bad[i].field,
                     rc, err.field);
        assert_null(res);
    }

    /* 2001 held meetings in 2030 (outside every other range of these tests): the first 2000
     * are given, and the reply says it was cut. */
    test_exec(db,
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2001) "
              "INSERT INTO meeting (id, title, status, starts_at, starts_ms, ends_at, ends_ms, "
              "time_zone, owner_org_id, tlp, created_at, updated_at) SELECT printf('z%05d', i), "
              "'Bulk', 'held', 'x', " MS("2030-01-01T00:00:00Z") " + i * 60000, 'x', " MS(
                  "2030-01-01T00:00:00Z") " + i * 60000, 'UTC', " ORG("FRA") ", 'GREEN', 'x', 'x' "
                                                                             "FROM n");
    must(action_dashboard_timeline(db, &chn, now_ms, "2030-01-01", "2030-12-31", &res, &err), &err,
         "truncated");
    assert_true(json_is_true(json_object_get(res, "truncated")));
    json_t *items = json_object_get(res, "items");
    assert_int_equal(json_array_size(items), ACTION_DASHBOARD_TIMELINE_MAX);
    assert_string_equal(str(json_array_get(items, 1999), "id"), "z02000");
    json_decref(res);
}

/* action/dashboard-summary: the figures of the page's head for each reader. */
static void dashboard_summary(void **state)
{
    (void)state;
    assert_string_equal(summary(&fra), "proposals 1/1/0/1 commitments 2 actions 6/2/1/1/1/1 "
                                       "overdue=3 next=p1@2026-06-20T22:00:00Z meetings=1");
    assert_string_equal(summary(&bra), "proposals 1/0/0/1 commitments 1 actions 4/1/1/1/0/1 "
                                       "overdue=2 next=p1@2026-06-20T22:00:00Z meetings=1");
    assert_string_equal(summary(&chn), "proposals 1/0/0/1 commitments 1 actions 3/0/1/1/0/1 "
                                       "overdue=1 next=p1@2026-06-20T22:00:00Z meetings=1");
    assert_string_equal(summary(&anon), "proposals 0/0/0/0 commitments 0 actions 0/0/0/0/0/0 "
                                        "overdue=0 next=null@null meetings=0");
}

/* action/dashboard-csv: RFC 4180 quoting and the formula guard. */
static void dashboard_csv(void **state)
{
    (void)state;
    json_t *impl_res = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f}, {s:n, s:n, s:i, s:i, "
        "s:i, s:i, s:i, s:i, s:i, s:n}]}",
        "as_of", "x", "by", "commitment", "rows", "key", "c1", "label", "=HYPERLINK(\"x\"), a",
        "total", 3, "planned", 1, "in_progress", 0, "done", 1, "blocked", 0, "dropped", 1,
        "overdue", 1, "done_share", 0.5, "key", "label", "total", 1, "planned", 0, "in_progress", 0,
        "done", 0, "blocked", 0, "dropped", 1, "overdue", 0, "done_share");
    struct buf b = BUF_INIT;
    action_dashboard_implementation_csv(impl_res, &b);
    assert_string_equal(buf_str(&b),
                        "key,label,total,planned,in_progress,done,blocked,dropped,overdue,"
                        "done_share\r\n"
                        "c1,\"'=HYPERLINK(\"\"x\"\"), a\",3,1,0,1,0,1,1,0.5\r\n"
                        ",,1,0,0,0,0,1,0,\r\n");
    buf_cleanup(&b);
    json_decref(impl_res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("action/dashboard-implementation", dashboard_implementation),
        BH_TEST("action/dashboard-overdue", dashboard_overdue),
        BH_TEST("action/dashboard-timeline", dashboard_timeline),
        BH_TEST("action/dashboard-summary", dashboard_summary),
        BH_TEST("action/dashboard-csv", dashboard_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
