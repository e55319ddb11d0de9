/* The coordination dashboards through the real server: the summary, the implementation table
 * and its CSV, the overdue list and its CSV, the timeline, bad parameters named, and the
 * visibility matrix: a RED action (and its RED commitment) is never shown or counted for
 * anyone but its recipient, an AMBER+STRICT one only for its owner's members, an AMBER one for
 * the group. The fixture is written with SQL before the server starts; its overdue actions
 * were due in 2020 and its open ones in 2099, so the real clock decides nothing but the number
 * of days overdue, which the test computes from the same clock. */
#include "api_helpers.h"
#include "world.h"

#include "base/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bangui coordination 2026"

static struct test_server server;
static char *store;
/* The coordination cast, signed in (world.h): FRA's coordinator, BRA's focal point and
 * CHN's analyst read the dashboards. */
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_coordination",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

#define MS(t)  "strftime('%s','" t "')*1000"
#define ORG(c) "(SELECT id FROM org WHERE code = '" c "')"

/*   x1 c1 MINUSCA BRA GREEN        done        due 2020-03-31, done 2020-03-20T10:00Z
 *   x2 c1 MINUSCA FRA GREEN        planned     due 2020-01-01  overdue
 *   x3 c1 UNMISS  BRA AMBER group  planned     due 2099-12-31
 *   x4 c2 UNMISS  FRA RED          blocked     due 2020-06-30  overdue (c2 is RED too)
 *   x5 c1 MINUSCA FRA AMBER+STRICT in_progress due 2099-06-30 */
/* Kept as written (clang-format would scatter the macros): the SQL, a row a line. */
/* clang-format off */
static const char fixture[] =
    "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES "
    "(7, 'Dash', " ORG("FRA") ", 'x');"
    "INSERT INTO sharing_group_member VALUES "
    "(7, " ORG("FRA") "),"
    " (7, " ORG("BRA") ");"
    "INSERT INTO commitment (id, title, source, a4p_area, ap2017_area, made_on, owner_org_id,"
    " tlp, created_at, updated_at) VALUES "
    "('c1', '=SUM(A1) medical, readiness', 'a4p', 'safety_security', NULL, '2019-01-01', "
    ORG("FRA") ", 'GREEN', 'x', 'x'),"
    "('c2', 'Red commitment', 'ap2017', NULL, 'footprint', '2019-01-01', " ORG("FRA")
    ", 'RED', 'x', 'x');"
    "INSERT INTO mission_action (id, commitment_id, title, mission, responsible_org_id,"
    " due_date, time_zone, due_ms, status, done_at, done_ms, owner_org_id, tlp,"
    " sharing_group_id, created_at, updated_at) VALUES "
    "('x1', 'c1', 'Train medics', 'MINUSCA', " ORG("BRA") ", '2020-03-31', 'UTC', "
    MS("2020-04-01T00:00:00Z") ", 'done', '2020-03-20T10:00:00Z', " MS("2020-03-20T10:00:00Z")
    ", " ORG("FRA") ", 'GREEN', NULL, 'x', 'x'),"
    "('x2', 'c1', 'Equip the clinic', 'MINUSCA', " ORG("FRA") ", '2020-01-01', 'UTC', "
    MS("2020-01-02T00:00:00Z") ", 'planned', NULL, NULL, " ORG("FRA")
    ", 'GREEN', NULL, 'x', 'x'),"
    "('x3', 'c1', 'Group action', 'UNMISS', " ORG("BRA") ", '2099-12-31', 'UTC', "
    MS("2100-01-01T00:00:00Z") ", 'planned', NULL, NULL, " ORG("FRA")
    ", 'AMBER', 7, 'x', 'x'),"
    "('x4', 'c2', 'Red action', 'UNMISS', " ORG("FRA") ", '2020-06-30', 'UTC', "
    MS("2020-07-01T00:00:00Z") ", 'blocked', NULL, NULL, " ORG("FRA")
    ", 'RED', NULL, 'x', 'x'),"
    "('x5', 'c1', 'Strict action', 'MINUSCA', " ORG("FRA") ", '2099-06-30', 'UTC', "
    MS("2099-07-01T00:00:00Z") ", 'in_progress', NULL, NULL, " ORG("FRA")
    ", 'AMBER+STRICT', NULL, 'x', 'x');"
    "INSERT INTO tlp_recipient SELECT 'action', 'x4', id FROM account WHERE username = 'fra.coord';"
    "INSERT INTO tlp_recipient SELECT 'commitment', 'c2',"
    " id FROM account WHERE username = 'fra.coord';"
    "INSERT INTO proposal (id, title, status, deadline, deadline_ms, time_zone, owner_org_id,"
    " tlp, created_at, updated_at) VALUES "
    "('p1', 'Open proposal', 'open', '2099-01-01T23:00:00Z', " MS("2099-01-01T23:00:00Z")
    ", 'America/New_York', " ORG("FRA") ", 'GREEN', 'x', 'x');"
    "INSERT INTO proposal_event (proposal_id, kind, version, at, at_ms) VALUES "
    "('p1', 'opened', 1, '2020-02-01T09:00:00Z', " MS("2020-02-01T09:00:00Z") ");";
/* clang-format on */

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    struct db *h = test_db_open(store, 0);
    test_exec(h, fixture);
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM tlp_recipient"), 2);
    db_close(h);
    test_server_start(&server, store, NULL);
    test_world_sign_in(&world, server.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

static json_t *get(const struct test_session *s, const char *path)
{
    return test_get_json(server.port, s ? s->headers : NULL, path, 200);
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The ids of `items` (or of `rows`' keys) joined by spaces. */
static char *ids(const json_t *list, const char *key)
{
    static char out[512];
    size_t n = 0, i;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(list, i, it)
    {
        const char *s = json_string_value(json_object_get(it, key));
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? " " : "", s ? s : "null");
    }
    return out;
}

/* The body of a CSV reply, checked for its type and file name. */
static char *csv(const struct test_session *s, const char *path, const char *filename)
{
    struct test_response r;
    test_http(server.port, "GET", path, s->headers, NULL, 0, &r);
    if (r.status != 200)
        fail_msg("%s: %d %s", path, r.status, r.body);
    assert_header(&r, "content-type", "text/csv; charset=utf-8");
    char want[128];
    snprintf(want, sizeof want, "attachment; filename=\"%s\"", filename);
    assert_header(&r, "content-disposition", want);
    char *body = r.body;
    r.body = NULL;
    test_response_free(&r);
    return body;
}

/* api/coordination-implementation: the three groupings for each reader, and the CSV's exact
 * text: the formula guard and RFC 4180 quoting on the commitment's title. */
static void coordination_implementation(void **state)
{
    (void)state;
    json_t *j = get(&cast->fra_coord, "/api/v1/coordination/implementation?by=commitment");
    assert_string_equal(json_string_value(json_object_get(j, "by")), "commitment");
    assert_prefix(json_string_value(json_object_get(j, "as_of")), "20");
    assert_string_equal(ids(json_object_get(j, "rows"), "key"), "c1 c2");
    json_t *c1 = json_array_get(json_object_get(j, "rows"), 0);
    assert_int_equal(num(c1, "total"), 4);
    assert_int_equal(num(c1, "overdue"), 1);
    json_decref(j);

    char *text = csv(&cast->fra_coord, "/api/v1/coordination/implementation.csv?by=commitment",
                     "implementation.csv");
    assert_string_equal(text, "key,label,total,planned,in_progress,done,blocked,dropped,overdue,"
                              "done_share\r\n"
                              "c1,\"'=SUM(A1) medical, readiness\",4,2,1,1,0,0,1,0.25\r\n"
                              "c2,Red commitment,1,0,0,0,1,0,1,0\r\n");
    free(text);
    /* The group's member: no AMBER+STRICT x5, no RED x4 or c2. */
    text = csv(&cast->bra_fp, "/api/v1/coordination/implementation.csv", "implementation.csv");
    assert_string_equal(text, "key,label,total,planned,in_progress,done,blocked,dropped,overdue,"
                              "done_share\r\n"
                              "c1,\"'=SUM(A1) medical, readiness\",3,2,0,1,0,0,1,0.3333\r\n");
    free(text);
    text = csv(&cast->chn_analyst, "/api/v1/coordination/implementation.csv?by=mission",
               "implementation.csv");
    assert_string_equal(text, "key,label,total,planned,in_progress,done,blocked,dropped,overdue,"
                              "done_share\r\n"
                              "MINUSCA,United Nations Multidimensional Integrated Stabilization "
                              "Mission in the Central African Republic,2,1,0,1,0,0,1,0.5\r\n");
    free(text);
    text = csv(&cast->fra_coord, "/api/v1/coordination/implementation.csv?by=org",
               "implementation.csv");
    assert_string_equal(text, "key,label,total,planned,in_progress,done,blocked,dropped,overdue,"
                              "done_share\r\n"
                              "BRA,Brazil,2,1,0,1,0,0,0,0.5\r\n"
                              "FRA,France,3,1,1,0,1,0,2,0\r\n");
    free(text);
    /* A filter on the commitments: the RED commitment's source matches only for its
     * recipient. */
    j = get(&cast->fra_coord, "/api/v1/coordination/implementation?source=ap2017");
    assert_string_equal(ids(json_object_get(j, "rows"), "key"), "c2");
    json_decref(j);
    j = get(&cast->bra_fp, "/api/v1/coordination/implementation?source=ap2017");
    assert_int_equal(json_array_size(json_object_get(j, "rows")), 0);
    json_decref(j);
}

/* api/coordination-overdue: oldest due first, days from the server's clock, the CSV. */
static void coordination_overdue(void **state)
{
    (void)state;
    int64_t before = time_now_ms();
    json_t *j = get(&cast->fra_coord, "/api/v1/coordination/overdue");
    int64_t after = time_now_ms();
    json_t *items = json_object_get(j, "items");
    assert_string_equal(ids(items, "id"), "x2 x4");
    int64_t due = 0;
    struct bh_error err;
    must(time_parse_rfc3339("2020-01-02T00:00:00Z", &due, NULL, &err), &err, "due");
    long long d0 = (before - due) / 86400000, d1 = (after - due) / 86400000;
    long long got = num(json_array_get(items, 0), "days_overdue");
    if (got != d0 && got != d1)
        fail_msg("days_overdue %lld, expected %lld", got, d0);
    json_t *x4 = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(x4, "due_at")), "2020-07-01T00:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(x4, "commitment"), "title")),
        "Red commitment");
    json_decref(j);
    j = get(&cast->fra_coord, "/api/v1/coordination/overdue?mission=UNMISS&responsible_org=FRA");
    assert_string_equal(ids(json_object_get(j, "items"), "id"), "x4");
    json_decref(j);

    char *text = csv(&cast->bra_fp, "/api/v1/coordination/overdue.csv", "overdue-actions.csv");
    char want[512];
    snprintf(want, sizeof want,
             "id,title,commitment_id,commitment_title,mission,responsible_org,due_date,time_zone,"
             "due_at,due_at_local,days_overdue,status\r\n"
             "x2,Equip the clinic,c1,\"'=SUM(A1) medical, readiness\",MINUSCA,FRA,2020-01-01,UTC,"
             "2020-01-02T00:00:00Z,2020-01-02T00:00:00Z,%lld,planned\r\n",
             d1);
    assert_string_equal(text, want);
    free(text);

    struct test_response r;
    test_world_call(&cast->fra_coord, "GET", "/api/v1/coordination/overdue?mission=ATLANTIS", NULL,
                    &r);
    assert_problem(&r, 400, "mission");
    test_response_free(&r);
    test_world_call(&cast->fra_coord, "GET", "/api/v1/coordination/overdue.csv?responsible_org=ZZZ",
                    NULL, &r);
    assert_problem(&r, 400, "responsible_org");
    test_response_free(&r);
}

/* api/coordination-timeline: kinds in time order with their links; dates named when bad. */
static void coordination_timeline(void **state)
{
    (void)state;
    const char *path = "/api/v1/coordination/timeline?from=2020-01-01&to=2020-12-31";
    json_t *j = get(&cast->fra_coord, path);
    json_t *items = json_object_get(j, "items");
    assert_string_equal(ids(items, "kind"),
                        "action_due proposal_opened action_done action_due action_due");
    assert_string_equal(ids(items, "id"), "x2 p1 x1 x1 x4");
    assert_string_equal(ids(items, "link"),
                        "/actions/x2 /proposals/p1 /actions/x1 /actions/x1 /actions/x4");
    assert_string_equal(ids(items, "at"), "2020-01-02T00:00:00Z 2020-02-01T09:00:00Z "
                                          "2020-03-20T10:00:00Z 2020-04-01T00:00:00Z "
                                          "2020-07-01T00:00:00Z");
    assert_false(json_is_true(json_object_get(j, "truncated")));
    json_decref(j);
    j = get(&cast->chn_analyst, path);
    assert_string_equal(ids(json_object_get(j, "items"), "id"), "x2 p1 x1 x1");
    json_decref(j);

    static const char *const bad[][2] = {
        { "/api/v1/coordination/timeline?from=2020-1-1", "from" },
        { "/api/v1/coordination/timeline?to=yesterday", "to" },
        { "/api/v1/coordination/timeline?from=2021-01-01&to=2020-01-01", "to" },
        { "/api/v1/coordination/implementation?by=country", "by" },
        { "/api/v1/coordination/implementation.csv?by=", "by" },
        { "/api/v1/coordination/implementation?a4p_area=moon", "a4p_area" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        test_world_call(&cast->fra_coord, "GET", bad[i][0], NULL, &r);
        assert_problem(&r, 400, bad[i][1]);
        test_response_free(&r);
    }
}

/* api/coordination-visibility: the matrix over the four routes for the owner's member (RED
 * recipient), the group's member, another member and nobody (401). */
static void coordination_visibility(void **state)
{
    (void)state;
    static const struct {
        struct test_session *who;
        long long total, overdue, commitments;
        const char *impl, *overdue_ids;
    } m[] = {
        { &cast->fra_coord, 5, 2, 2, "c1 c2", "x2 x4" },
        { &cast->bra_fp, 3, 1, 1, "c1", "x2" },
        { &cast->chn_analyst, 2, 1, 1, "c1", "x2" },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        json_t *s = get(m[i].who, "/api/v1/coordination/summary");
        json_t *a = json_object_get(s, "actions");
        assert_int_equal(num(a, "total"), m[i].total);
        assert_int_equal(num(a, "overdue"), m[i].overdue);
        assert_int_equal(num(s, "commitments"), m[i].commitments);
        assert_int_equal(num(json_object_get(s, "proposals"), "open"), 1);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(s, "next_deadline"), "deadline")),
            "2099-01-01T23:00:00Z");
        json_decref(s);
        json_t *j = get(m[i].who, "/api/v1/coordination/implementation");
        assert_string_equal(ids(json_object_get(j, "rows"), "key"), m[i].impl);
        json_decref(j);
        j = get(m[i].who, "/api/v1/coordination/overdue");
        assert_string_equal(ids(json_object_get(j, "items"), "id"), m[i].overdue_ids);
        json_decref(j);
        /* The RED action is on nobody's timeline but its recipient's. */
        j = get(m[i].who, "/api/v1/coordination/timeline?from=2020-07-01&to=2020-07-01");
        assert_int_equal(json_array_size(json_object_get(j, "items")),
                         m[i].who == &cast->fra_coord ? 1 : 0);
        json_decref(j);
    }
    static const char *const paths[] = {
        "/api/v1/coordination/summary",     "/api/v1/coordination/implementation",
        "/api/v1/coordination/overdue",     "/api/v1/coordination/timeline",
        "/api/v1/coordination/overdue.csv", "/api/v1/coordination/implementation.csv",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct test_response r;
        test_world_call(NULL, "GET", paths[i], NULL, &r);
        assert_int_equal(r.status, 401);
        test_response_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/coordination-implementation", coordination_implementation),
        BH_TEST("api/coordination-overdue", coordination_overdue),
        BH_TEST("api/coordination-timeline", coordination_timeline),
        BH_TEST("api/coordination-visibility", coordination_visibility),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, setup, teardown);
}
