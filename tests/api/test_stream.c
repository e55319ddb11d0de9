/* The live stream (GET /api/v1/stream, docs/stream.md) on the real server, read over raw
 * sockets: events arrive after they are written to the feed's log (by this test, through its
 * own connection to the store: the server's poll finds them, as it finds a command-line
 * import's); a reader gets only what it may see (never another organization's AMBER+STRICT or
 * RED report, never another user's notification, never a kind the registry does not know);
 * resuming with Last-Event-ID loses nothing and repeats nothing; heartbeats; the per-user
 * bound (429); anonymous 401; streams hold no worker thread; a shutdown with streams open is
 * quick and clean. */
#include "api_helpers.h"
#include "world.h"

#include "base/timeutil.h"
#include "db/db.h"
#include "feed/feed.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD "Bunia patrol base 2023"
/* Long enough for a loaded machine; the server's poll is 100 ms. */
#define WAIT_MS 8000

static struct test_server server;
static char *store;
static struct db *db; /* read-write: the test publishes events */
static struct test_session fra_rep, bra_fp, bra_end;

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "fra.rep", "FRA", "reporter", NULL, &fra_rep, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "bra.end", "BRA", "endorser", "MINUSMA", &bra_end, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_stream", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};
static const char *const serve_args[] = {
    "--stream-heartbeat", "1", "--stream-poll-ms", "100", "--stream-max-per-user", "3", NULL
};

/* Ids of the records and accounts the tests publish events about. */
static char visible_id[40], strict_id[40], red_id[40];
static int64_t fra_rep_account, bra_fp_account;

/* Creates and submits a report as `u` with `extra` members; its id into `out`. */
static void report(const struct test_session *u, const char *extra, char *out)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"mission\":\"MINUSMA\",\"occurred_at\":\"2024-04-02T06:00:00Z\","
             "\"latitude\":16.2,\"longitude\":-0.04,\"threat_type\":\"ambush\","
             "\"target\":\"patrol\",\"activity\":\"patrolling\",\"sources\":[\"JOC\"],"
             "\"submit\":true,%s}",
             extra);
    struct test_response r;
    test_call(server.port, u->headers, "POST", "/api/v1/incidents", body, &r);
    if (r.status != 201)
        fail_msg("report: expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(out, 40, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);
}

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, serve_args);
    db = test_db_open(store, 0);
    report(&fra_rep, "\"tlp\":\"TLP:GREEN\"", visible_id);
    report(&fra_rep, "\"tlp\":\"TLP:AMBER+STRICT\"", strict_id);
    report(&fra_rep, "\"tlp\":\"TLP:RED\",\"recipients\":[\"fra.rep\"]", red_id);
    fra_rep_account = test_query_int(db, "SELECT id FROM account WHERE username = 'fra.rep'");
    bra_fp_account = test_query_int(db, "SELECT id FROM account WHERE username = 'bra.fp'");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* Appends an event to the log as the capabilities do; returns its id. */
static int64_t publish(const char *kind, const char *record_id, int64_t account_id)
{
    struct bh_error err;
    int64_t id = 0;
    if (feed_publish(db, kind, "created", record_id, account_id, &id, &err))
        fail_msg("feed_publish: %s", err.message);
    return id;
}

/* An open stream: the socket and what came so far (the raw bytes and the body, de-chunked). */
struct stream {
    int fd;
    int status;
    char raw[262144];
    size_t raw_len;
    char body[262144];
    bool ended; /* the last chunk came, or the server closed */
};

/* Decodes the chunked body of what came so far. */
static void dechunk(struct stream *s)
{
    s->raw[s->raw_len] = '\0';
    const char *p = strstr(s->raw, "\r\n\r\n");
    size_t n = 0;
    s->body[0] = '\0';
    if (!p)
        return;
    p += 4;
    const char *end = s->raw + s->raw_len;
    while (p < end) {
        char *nl;
        unsigned long len = strtoul(p, &nl, 16);
        if (nl == p || nl + 2 > end || nl[0] != '\r')
            break;
        if (len == 0) {
            s->ended = true;
            break;
        }
        const char *data = nl + 2;
        if (data + len + 2 > end)
            break;
        memcpy(s->body + n, data, len);
        n += len;
        p = data + len + 2;
    }
    s->body[n] = '\0';
}

/* Reads what arrives within `ms` or until `want` is in the body (NULL: only the time). */
static void stream_read(struct stream *s, const char *want, int ms)
{
    int64_t until = time_mono_ms() + ms;
    while (!s->ended && !(want && strstr(s->body, want))) {
        int64_t left = until - time_mono_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = { s->fd, POLLIN, 0 };
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        ssize_t got = read(s->fd, s->raw + s->raw_len, sizeof s->raw - 1 - s->raw_len);
        if (got <= 0) {
            s->ended = true;
            break;
        }
        s->raw_len += (size_t)got;
        dechunk(s);
    }
}

/* Reads until event `id` has arrived (its "id:" line) or WAIT_MS has passed. */
static void stream_read_id(struct stream *s, int64_t id)
{
    char want[64];
    snprintf(want, sizeof want, "id: %lld\n", (long long)id);
    stream_read(s, want, WAIT_MS);
}

/* Opens GET `path` with `headers` (raw lines, may be NULL) and reads the status line. */
static void stream_open(struct stream *s, const char *path, const char *headers)
{
    memset(s, 0, sizeof *s);
    s->fd = test_connect(server.port);
    char req[2048];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", path,
                     headers ? headers : "");
    assert_int_equal(write(s->fd, req, (size_t)n), n);
    int64_t until = time_mono_ms() + WAIT_MS;
    while (!strstr(s->raw, "\r\n\r\n") && time_mono_ms() < until && !s->ended) {
        struct pollfd pfd = { s->fd, POLLIN, 0 };
        if (poll(&pfd, 1, 200) <= 0)
            continue;
        ssize_t got = read(s->fd, s->raw + s->raw_len, sizeof s->raw - 1 - s->raw_len);
        if (got <= 0)
            s->ended = true;
        else
            s->raw_len += (size_t)got;
        s->raw[s->raw_len] = '\0';
    }
    if (sscanf(s->raw, "HTTP/1.1 %d", &s->status) != 1)
        fail_msg("no status line: %s", s->raw);
    dechunk(s);
}

static void stream_close(struct stream *s)
{
    close(s->fd);
    s->fd = -1;
}

/* The ids of the events in the body, in order, as "1,2,3". */
static void ids(const struct stream *s, char *out, size_t cap)
{
    out[0] = '\0';
    size_t n = 0;
    for (const char *p = s->body; (p = strstr(p, "id: ")) != NULL; p += 4) {
        if (p != s->body && p[-1] != '\n')
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%lld", n ? "," : "", atoll(p + 4));
    }
}

/* api/stream-anonymous-401: the stream is for signed-in readers only. */
static void api_stream_anonymous_401(void **state)
{
    (void)state;
    struct test_response r;
    test_call(server.port, NULL, "GET", "/api/v1/stream", NULL, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* api/stream-delivers-visible-only: the reader (BRA's focal point) receives the GREEN report
 * and their own notification, each once and in order, and nothing else: not FRA's
 * AMBER+STRICT or RED report, not FRA's user's notification, not a kind the registry does not
 * know. The headers are the event stream's, the retry hint comes first. */
static void api_stream_delivers_visible_only(void **state)
{
    (void)state;
    static struct stream s;
    stream_open(&s, "/api/v1/stream", bra_fp.headers);
    assert_int_equal(s.status, 200);
    assert_non_null(strstr(s.raw, "Content-Type: text/event-stream\r\n"));
    stream_read(&s, "retry: ", WAIT_MS);
    assert_int_equal(strncmp(s.body, "retry: 3000\n\n", 13), 0);

    publish("incident", strict_id, 0);
    publish("incident", red_id, 0);
    publish("notification", "n-fra", fra_rep_account);
    publish("unknown_kind", visible_id, 0);
    /* An event meant for another account is not delivered even about a visible record. */
    publish("incident", visible_id, fra_rep_account);
    int64_t a = publish("incident", visible_id, 0);
    int64_t b = publish("notification", "n-bra", bra_fp_account);
    char want[64], got[256];
    stream_read_id(&s, b);
    ids(&s, got, sizeof got);
    snprintf(want, sizeof want, "%lld,%lld", (long long)a, (long long)b);
    if (strcmp(got, want) != 0)
        fail_msg("expected events %s, got %s:\n%s", want, got, s.body);
    char frame[512];
    snprintf(frame, sizeof frame,
             "id: %lld\nevent: incident\ndata: {\"kind\":\"incident\",\"action\":\"created\","
             "\"record_id\":\"%s\",\"at\":\"",
             (long long)a, visible_id);
    assert_non_null(strstr(s.body, frame));
    assert_null(strstr(s.body, strict_id));
    assert_null(strstr(s.body, red_id));
    assert_null(strstr(s.body, "n-fra"));
    stream_close(&s);

    /* The author's organization sees its AMBER+STRICT report; the RED one only its recipient
     * (fra.rep is one). */
    stream_open(&s, "/api/v1/stream", fra_rep.headers);
    stream_read(&s, "retry: ", WAIT_MS);
    int64_t c = publish("incident", strict_id, 0);
    int64_t d = publish("incident", red_id, 0);
    stream_read_id(&s, d);
    ids(&s, got, sizeof got);
    snprintf(want, sizeof want, "%lld,%lld", (long long)c, (long long)d);
    assert_string_equal(got, want);
    stream_close(&s);
}

/* api/stream-resume-last-event-id: a reader that drops after event A and comes back with
 * Last-Event-ID: A receives exactly what came after A that it may see, in order, though it
 * was published while nobody listened; the same with ?last_event_id=; a bad id is a 400
 * naming the header. */
static void api_stream_resume_last_event_id(void **state)
{
    (void)state;
    static struct stream s;
    stream_open(&s, "/api/v1/stream", bra_end.headers);
    stream_read(&s, "retry: ", WAIT_MS);
    int64_t a = publish("incident", visible_id, 0);
    char want[64], got[256], headers[512];
    stream_read_id(&s, a);
    stream_close(&s);

    int64_t b = publish("incident", visible_id, 0);
    publish("incident", strict_id, 0);
    int64_t c = publish("incident", visible_id, 0);
    snprintf(headers, sizeof headers, "%sLast-Event-ID: %lld\r\n", bra_end.headers, (long long)a);
    stream_open(&s, "/api/v1/stream", headers);
    assert_int_equal(s.status, 200);
    int64_t d = publish("incident", visible_id, 0);
    stream_read_id(&s, d);
    /* Long enough for a repeat to show. */
    stream_read(&s, NULL, 400);
    ids(&s, got, sizeof got);
    snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)b, (long long)c, (long long)d);
    if (strcmp(got, want) != 0)
        fail_msg("resumed after %lld: expected events %s, got %s", (long long)a, want, got);
    stream_close(&s);

    char path[96];
    snprintf(path, sizeof path, "/api/v1/stream?last_event_id=%lld", (long long)b);
    stream_open(&s, path, bra_end.headers);
    stream_read_id(&s, d);
    ids(&s, got, sizeof got);
    snprintf(want, sizeof want, "%lld,%lld", (long long)c, (long long)d);
    assert_string_equal(got, want);
    stream_close(&s);

    snprintf(headers, sizeof headers, "%sLast-Event-ID: twelve\r\n", bra_end.headers);
    struct test_response r;
    test_call(server.port, headers, "GET", "/api/v1/stream", NULL, &r);
    assert_problem(&r, 400, "Last-Event-ID");
    test_response_free(&r);
}

/* api/stream-resume-long-backlog: 1,200 events published while the reader was away (more than
 * the broadcaster reads at a time), every other one visible: after a resume the 600 visible
 * arrive, all of them, in order, none twice. */
static void api_stream_resume_long_backlog(void **state)
{
    (void)state;
    static struct stream s;
    struct bh_error err;
    int64_t from = 0, last = 0;
    char headers[512];
    if (feed_last_id(db, &from, &err))
        fail_msg("feed_last_id: %s", err.message);
    if (db_begin(db, &err))
        fail_msg("begin: %s", err.message);
    static char expect[16384];
    size_t n = 0;
    for (int i = 0; i < 1200; i++) {
        int64_t id = publish("incident", i % 2 ? strict_id : visible_id, 0);
        if (i % 2 == 0) {
            n += (size_t)snprintf(expect + n, sizeof expect - n, "%s%lld", n ? "," : "",
                                  (long long)id);
            last = id;
        }
    }
    if (db_commit(db, &err))
        fail_msg("commit: %s", err.message);
    snprintf(headers, sizeof headers, "%sLast-Event-ID: %lld\r\n", bra_fp.headers, (long long)from);
    stream_open(&s, "/api/v1/stream", headers);
    stream_read_id(&s, last);
    stream_read(&s, NULL, 300);
    static char got[16384];
    ids(&s, got, sizeof got);
    if (strcmp(got, expect) != 0)
        fail_msg("after a resume over 1,200 events: expected %zu ids, got %zu bytes of ids: %.200s",
                 strlen(expect), strlen(got), got);
    stream_close(&s);
}

/* api/stream-heartbeat: a quiet stream gets a comment line every stream_heartbeat seconds
 * (1 here). */
static void api_stream_heartbeat(void **state)
{
    (void)state;
    static struct stream s;
    stream_open(&s, "/api/v1/stream", bra_fp.headers);
    stream_read(&s, ": ping\n\n", WAIT_MS);
    assert_non_null(strstr(s.body, ": ping\n\n"));
    stream_close(&s);
}

/* Sends an alert as `u` with `tlp` and `targets` (JSON members, may be ""); its id into `id`. */
static void send_alert(const struct test_session *u, const char *tlp, const char *targets,
                       char id[64])
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"%s\",%s\"info\":[{\"category\":[\"Security\"],"
             "\"event\":\"Roadblock\",\"urgency\":\"Immediate\",\"severity\":\"Severe\","
             "\"certainty\":\"Observed\",\"headline\":\"Roadblock on the MSR\","
             "\"expires\":\"2099-01-01T10:00:00+01:00\"}]}",
             tlp, targets);
    struct test_response r;
    test_call(server.port, u->headers, "POST", "/api/v1/alerts", body, &r);
    if (r.status != 201)
        fail_msg("sending a %s alert: %d %s", tlp, r.status, r.body);
    json_t *j = json_loads(r.body, 0, NULL);
    snprintf(id, 64, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);
}

/* api/stream-alerts-only-to-their-readers: alerts sent over the API reach the streams of the
 * readers their marking allows and no other: France's reporter gets the GREEN alert Brazil
 * targets at France, never Brazil's AMBER+STRICT one sent just before it (events come in id
 * order, so had it been delivered it would have come first); Brazil's own stream gets both. */
static void api_stream_alerts_only_to_their_readers(void **state)
{
    (void)state;
    static struct stream fra, bra;
    stream_open(&fra, "/api/v1/stream", fra_rep.headers);
    stream_open(&bra, "/api/v1/stream", bra_end.headers);
    assert_int_equal(fra.status, 200);
    assert_int_equal(bra.status, 200);
    stream_read(&fra, "retry: ", WAIT_MS);
    stream_read(&bra, "retry: ", WAIT_MS);

    char strict[64], green[64];
    send_alert(&bra_fp, "AMBER+STRICT", "", strict);
    send_alert(&bra_fp, "GREEN", "\"targets\":{\"orgs\":[\"FRA\"]},", green);

    stream_read(&fra, green, WAIT_MS);
    assert_non_null(strstr(fra.body, green));
    assert_non_null(strstr(fra.body, "event: alert\n"));
    assert_null(strstr(fra.body, strict));
    stream_read(&bra, green, WAIT_MS);
    assert_non_null(strstr(bra.body, strict));
    assert_non_null(strstr(bra.body, green));
    stream_close(&fra);
    stream_close(&bra);
}

/* api/stream-ends-with-its-session: a stream opened with a session that is then signed out is
 * ended at the next heartbeat (the last chunk comes), and reopening it with the same cookie is
 * a 401: a connection held open must not go on delivering to a session that ended. */
static void api_stream_ends_with_its_session(void **state)
{
    (void)state;
    struct test_session own;
    test_sign_in(server.port, "bra.end", PASSWORD, &own, NULL);
    static struct stream s;
    stream_open(&s, "/api/v1/stream", own.headers);
    assert_int_equal(s.status, 200);
    stream_read(&s, ": ping\n\n", WAIT_MS); /* open and heard from */
    assert_false(s.ended);

    struct test_response r;
    test_http(server.port, "DELETE", "/api/v1/session", own.headers, NULL, 0, &r);
    assert_int_equal(r.status, 204);
    test_response_free(&r);

    stream_read(&s, NULL, WAIT_MS);
    assert_true(s.ended);
    stream_close(&s);

    stream_open(&s, "/api/v1/stream", own.headers);
    assert_int_equal(s.status, 401);
    stream_close(&s);
}

/* The server's thread count (/proc/PID/status). */
static int server_threads(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)server.pid);
    char *text = test_read_file(path, NULL);
    const char *t = strstr(text, "\nThreads:");
    int n = t ? atoi(t + 9) : -1;
    free(text);
    return n;
}

/* Opens a stream as the user of `headers`, again while it is a 429: the server learns that a
 * stream the test closed is gone at its next heartbeat. */
static void open_when_free(struct stream *s, const char *headers)
{
    for (int64_t until = time_mono_ms() + WAIT_MS;;) {
        stream_open(s, "/api/v1/stream", headers);
        if (s->status != 429 || time_mono_ms() > until)
            return;
        stream_close(s);
        usleep(200 * 1000);
    }
}

/* api/stream-per-user-bound: a user's fourth stream is a 429 naming the setting (3 here); the
 * other users' are not counted; once one closes, the user may open another (the server learns
 * of the close at the next heartbeat). And the streams hold no thread: the server has as many
 * threads with them open as before. */
static void api_stream_per_user_bound(void **state)
{
    (void)state;
    int before = server_threads();
    static struct stream s[3], other;
    for (int i = 0; i < 3; i++) {
        open_when_free(&s[i], bra_end.headers);
        assert_int_equal(s[i].status, 200);
    }
    stream_open(&other, "/api/v1/stream", bra_fp.headers);
    assert_int_equal(other.status, 200);
    assert_int_equal(server_threads(), before);

    struct test_response r;
    test_call(server.port, bra_end.headers, "GET", "/api/v1/stream", NULL, &r);
    assert_problem(&r, 429, NULL);
    assert_contains(r.body, "stream_max_per_user");
    test_response_free(&r);

    stream_close(&s[0]);
    static struct stream again;
    open_when_free(&again, bra_end.headers);
    assert_int_equal(again.status, 200);
    stream_close(&again);
    for (int i = 1; i < 3; i++)
        stream_close(&s[i]);
    stream_close(&other);
}

/* api/stream-shutdown-with-open-streams: SIGTERM with streams open exits 0 quickly, each
 * stream ended with its last chunk (the client sees a clean end, not a reset). */
static void api_stream_shutdown_with_open_streams(void **state)
{
    (void)state;
    static struct stream s[3];
    for (int i = 0; i < 3; i++) {
        stream_open(&s[i], "/api/v1/stream", i == 2 ? fra_rep.headers : bra_fp.headers);
        stream_read(&s[i], "retry: ", WAIT_MS);
    }
    long ms;
    int status = test_server_stop(&server, SIGTERM, &ms);
    server.pid = 0;
    assert_int_equal(status, 0);
    if (ms >= 10000)
        fail_msg("shutdown with open streams took %ld ms", ms);
    for (int i = 0; i < 3; i++) {
        stream_read(&s[i], NULL, 2000);
        assert_true(s[i].ended);
        assert_non_null(strstr(s[i].raw, "\r\n0\r\n\r\n"));
        stream_close(&s[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/stream-anonymous-401", api_stream_anonymous_401),
        BH_TEST("api/stream-delivers-visible-only", api_stream_delivers_visible_only),
        BH_TEST("api/stream-resume-last-event-id", api_stream_resume_last_event_id),
        BH_TEST("api/stream-resume-long-backlog", api_stream_resume_long_backlog),
        BH_TEST("api/stream-heartbeat", api_stream_heartbeat),
        BH_TEST("api/stream-ends-with-its-session", api_stream_ends_with_its_session),
        BH_TEST("api/stream-alerts-only-to-their-readers", api_stream_alerts_only_to_their_readers),
        BH_TEST("api/stream-per-user-bound", api_stream_per_user_bound),
        BH_TEST("api/stream-shutdown-with-open-streams", api_stream_shutdown_with_open_streams),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
