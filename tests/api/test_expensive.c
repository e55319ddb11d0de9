/* The guards of expensive requests on the real server (docs/operations.md, "Expensive
 * requests"): the public statistics served from memory until the store changes, the
 * anonymous rate per address with its Retry-After, and the time budget of a request. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PASSWORD "Goma convoy escort 2024"

static struct test_session fra_fp;
static const char *const orgs[] = { "DPO", "FRA" };
static const struct test_user users[] = {
    { "fra.fp", "FRA", "focal_point", NULL, &fra_fp, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_expensive", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

#define EMBARGOED "0190f100-0000-7000-8000-00000000e001"

/* The world's store with `n` released TLP:CLEAR UN records of 2019 and one embargoed
 * TLP:CLEAR record of FRA (EMBARGOED) of 2020; returns its path (heap). */
static char *store_with(const char *name, int n)
{
    struct test_world w = world;
    w.name = name;
    char *store = test_world_store(&w);
    struct db *h = test_db_open(store, 0);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
             "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
             "gender, nationality, nationality_iso3, personnel_type, incident_type, owner_org_id, "
             "tlp, embargoed, source, created_at, updated_at) "
             "SELECT printf('0190f100-0000-7000-8000-%%012d', i), printf('S-%%d', i), "
             "'2019-03-01', 'MINUSMA', 'Fatality', 'M', 'Chad', 'TCD', 'Military', "
             "'Malicious Act', o.id, 'CLEAR', 0, 'un', '2025-01-01T00:00:00Z', "
             "'2025-01-01T00:00:00Z' FROM k, org o WHERE o.code = 'DPO'",
             n);
    test_exec(h, sql);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, created_at, updated_at) "
                 "SELECT '" EMBARGOED "', 'E-1', '2020-03-10', 'UNMISS', 'Fatality', 'M', "
                 "'France', 'FRA', 'Military', 'Accident', o.id, 'CLEAR', 1, 'member', "
                 "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM org o WHERE o.code = 'FRA'");
    db_close(h);
    return store;
}

static long long total_of(int port, const char *path)
{
    json_t *j = test_get_json(port, NULL, path, 200);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* expensive/public-stats-follow-writes: the anonymous figures are the same bytes (and ETag)
 * while nothing is written, the same for the same question in another parameter order,
 * served from memory (a row slipped in without an audit entry is not counted), and counted
 * again as soon as a write of the platform commits (the release of an embargoed record). */
static void public_stats_follow_writes(void **state)
{
    (void)state;
    struct test_server server;
    char *store = store_with("api_expensive_cache", 3);
    test_server_start(&server, store, NULL);
    test_world_sign_in(&world, server.port);

    const char *a = "/api/v1/stats/casualties?by=year&from=2019-01-01";
    const char *b = "/api/v1/stats/casualties?from=2019-01-01&by=year";
    struct test_response r1, r2, r3;
    test_call(server.port, NULL, "GET", a, NULL, &r1);
    test_call(server.port, NULL, "GET", b, NULL, &r2);
    assert_int_equal(r1.status, 200);
    assert_int_equal(r2.status, 200);
    assert_string_equal(r1.body, r2.body);
    char etag[128];
    snprintf(etag, sizeof etag, "%s", test_response_header(&r1, "etag"));
    assert_true(etag[0] != '\0');
    assert_header(&r2, "etag", etag);
    assert_int_equal(total_of(server.port, a), 3);

    /* A row written behind the platform's back (no audit entry, which every write of the
     * platform makes) is not seen: the figure is served from memory, not counted again. */
    struct db *h = test_db_open(store, 0);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, created_at, updated_at) "
                 "SELECT '0190f100-0000-7000-8000-00000000b001', 'B-1', '2019-05-01', 'MINUSMA', "
                 "'Fatality', 'M', 'Chad', 'TCD', 'Military', 'Accident', o.id, 'CLEAR', 0, 'un', "
                 "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM org o WHERE o.code = 'DPO'");
    db_close(h);
    assert_int_equal(total_of(server.port, a), 3);

    /* The owner releases its record: the write's audit entry makes the next anonymous answer
     * a new count, which has both rows. */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/casualties/%s/release", EMBARGOED);
    test_call(server.port, fra_fp.headers, "POST", path, "{}", &r3);
    assert_int_equal(r3.status, 200);
    assert_int_equal(total_of(server.port, a), 5);
    assert_int_equal(total_of(server.port, b), 5);
    test_response_free(&r1);
    test_response_free(&r2);
    test_response_free(&r3);
    test_server_shutdown(&server);
    free(store);
}

/* expensive/anonymous-rate: with a burst of 2 and 1 a minute, the third anonymous statistic
 * from this address is 429 with a Retry-After in seconds (at most the minute a token takes),
 * while a signed-in member is not held back. */
static void anonymous_rate(void **state)
{
    (void)state;
    struct test_server server;
    char *store = store_with("api_expensive_rate", 3);
    const char *args[] = { "--anonymous-rate", "1", "--anonymous-burst", "2", NULL };
    test_server_start(&server, store, args);
    test_world_sign_in(&world, server.port);
    const char *path = "/api/v1/stats/casualties?by=year";
    struct test_response r;
    for (int i = 0; i < 2; i++) {
        test_call(server.port, NULL, "GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        test_response_free(&r);
    }
    test_call(server.port, NULL, "GET", path, NULL, &r);
    assert_problem(&r, 429, NULL);
    assert_non_null(strstr(r.body, "sign in"));
    const char *after = test_response_header(&r, "retry-after");
    assert_non_null(after);
    int secs = atoi(after);
    assert_true(secs >= 1 && secs <= 60);
    test_response_free(&r);
    for (int i = 0; i < 3; i++) {
        test_call(server.port, fra_fp.headers, "GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        test_response_free(&r);
    }
    test_server_shutdown(&server);
    free(store);
}

/* expensive/request-budget: with a budget of 1 ms, a member's list that must count 300,000
 * rows through the sharing rule (tens of milliseconds on any machine) stops with 503 naming
 * the budget, and the server goes on serving: /healthz answers, and with the budget lifted
 * the same list is whole. */
static void request_budget(void **state)
{
    (void)state;
    struct test_server server;
    char *store = store_with("api_expensive_budget", 300000);
    const char *tight[] = { "--request-budget", "1", NULL };
    test_server_start(&server, store, tight);
    test_world_sign_in(&world, server.port);
    struct test_response r;
    test_call(server.port, fra_fp.headers, "GET", "/api/v1/casualties?limit=1", NULL, &r);
    assert_problem(&r, 503, NULL);
    assert_non_null(strstr(r.body, "time budget"));
    test_response_free(&r);
    test_call(server.port, NULL, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    test_server_shutdown(&server);

    const char *none[] = { "--request-budget", "0", NULL };
    test_server_start(&server, store, none);
    test_world_sign_in(&world, server.port);
    json_t *j = test_get_json(server.port, fra_fp.headers, "/api/v1/casualties?limit=1", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 300001);
    json_decref(j);
    test_server_shutdown(&server);
    free(store);
}

/* expensive/busy-slots-spare-kept-replies: with two threads the server runs one expensive
 * request at a time. While a member's export holds that slot (its client reads nothing, so
 * the stream waits), a public statistic computed before is still answered from memory, and
 * one that must be computed is 503 with Retry-After; once the export ends, it is answered. */
static void busy_slots(void **state)
{
    (void)state;
    struct test_server server;
    char *store = store_with("api_expensive_slots", 100000);
    const char *args[] = { "--threads", "2", "--anonymous-rate", "0", NULL };
    test_server_start(&server, store, args);
    test_world_sign_in(&world, server.port);
    const char *kept = "/api/v1/stats/casualties?by=year";
    /* A question never asked before, so never kept: each must be counted, and needs the slot
     * (a figure asked twice would come from memory the second time). */
    char fresh[96];
    int asked = 0;
#define FRESH()                                                                         \
    (snprintf(fresh, sizeof fresh, "/api/v1/stats/casualties?by=mission&to=%04d-12-31", \
              2100 + asked++),                                                          \
     fresh)
    struct test_response before, r;
    test_call(server.port, NULL, "GET", kept, NULL, &before);
    assert_int_equal(before.status, 200);

    /* The export of 100,001 records (megabytes) fills the socket's buffers and waits. */
    int fd = test_connect(server.port);
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "GET /api/v1/casualties.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n",
                      fra_fp.headers);
    assert_int_equal(send(fd, head, (size_t)hn, 0), hn);
    /* Its first bytes before the first probe: sent together, a probe could take the slot
     * first and the export be refused. Then nothing more is read. */
    char line[64];
    size_t got = 0;
    while (got < sizeof line - 1) {
        ssize_t n = recv(fd, line + got, sizeof line - 1 - got, 0);
        assert_true(n > 0);
        got += (size_t)n;
        if (memchr(line, '\n', got))
            break;
    }
    line[got] = '\0';
    assert_true(strncmp(line, "HTTP/1.1 200", 12) == 0);
    int status = 0;
    for (int i = 0; i < 500 && status != 503; i++) { /* until the export holds the slot */
        test_call(server.port, NULL, "GET", FRESH(), NULL, &r);
        status = r.status;
        if (status == 503)
            assert_string_equal(test_response_header(&r, "retry-after"), "1");
        test_response_free(&r);
        if (status != 503)
            usleep(10000);
    }
    assert_int_equal(status, 503);
    test_call(server.port, NULL, "GET", kept, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, before.body);
    test_response_free(&r);

    close(fd);
    for (int i = 0; i < 500 && status != 200; i++) { /* until the export has given it back */
        test_call(server.port, NULL, "GET", FRESH(), NULL, &r);
        status = r.status;
        test_response_free(&r);
        if (status != 200)
            usleep(10000);
    }
    assert_int_equal(status, 200);
#undef FRESH
    test_response_free(&before);
    test_server_shutdown(&server);
    free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("expensive/public-stats-follow-writes", public_stats_follow_writes),
        BH_TEST("expensive/anonymous-rate", anonymous_rate),
        BH_TEST("expensive/request-budget", request_budget),
        BH_TEST("expensive/busy-slots-spare-kept-replies", busy_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
