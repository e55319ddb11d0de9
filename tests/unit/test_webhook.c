/* Webhooks (src/webhook/, docs/webhooks.md) against a real receiver on loopback: the signature
 * a receiver recomputes, retries at the backoff times of an injected clock and across a
 * reopened store, a subscription disabled after its failures with its organization told, the
 * request forgery guard (loopback, private, a redirect to loopback), and the sharing rule: an
 * organization is never sent an event about a record it may not see. */
#include "http_receiver.h"
#include "support.h"

#include "api/common.h"
#include "base/config.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "feed/feed.h"
#include "sharing/sharing.h"
#include "webhook/webhook.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PASSWORD "Kidal convoy escort 2019"
#define T0       1780000000000LL /* 2026-05-28T20:26:40Z */

static struct db *db;
static char *db_path_;
static int64_t org_ids[3];
static struct principal fra_fp, bra_fp;
static int64_t now_ms = T0;

#define GREEN_ID  "0190bbbb-0000-7000-8000-000000000001"
#define STRICT_ID "0190bbbb-0000-7000-8000-000000000002"

static int64_t clock_fn(void)
{
    return now_ms;
}

static void configure(const char *allow, int max_failures)
{
    struct bh_config c;
    struct bh_error err;
    config_defaults(&c);
    snprintf(c.webhook_allow_hosts, sizeof c.webhook_allow_hosts, "%s", allow);
    c.webhook_max_failures = max_failures;
    must(webhook_configure(&c, &err), &err, "webhook_configure");
}

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "FRA", "BRA" };
    db = test_db_with_orgs("unit_webhook", &db_path_, codes, 3, 0, org_ids);
    test_user_principal(db, "fra.fp", org_ids[1], "FRA", ROLE_FOCAL_POINT, NULL, PASSWORD, &fra_fp);
    test_user_principal(db, "bra.fp", org_ids[2], "BRA", ROLE_FOCAL_POINT, NULL, PASSWORD, &bra_fp);
    static const struct test_incident in[] = {
        { GREEN_ID, "MINUSMA", "2026-05-01T06:00:00Z", 16.27, -0.04, "IED on the Gao road", "FRA",
          "GREEN", NULL },
        { STRICT_ID, "MINUSMA", "2026-05-02T06:00:00Z", 16.27, -0.04, "Convoy ambush", "FRA",
          "AMBER+STRICT", NULL },
    };
    test_insert_incidents(db, in, 2);
    time_set_clock(clock_fn);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    free(db_path_);
    return 0;
}

/* Before each test: loopback allowed, no subscription left, the clock at T0. */
static int fresh(void **state)
{
    (void)state;
    configure("127.0.0.1/32", 10);
    test_exec(db, "DELETE FROM webhook");
    now_ms = T0;
    return 0;
}

static int64_t subscribe(const struct principal *who, const char *url, const char *filter,
                         char secret[WEBHOOK_SECRET_HEX + 1])
{
    struct bh_error err;
    json_t *f = filter ? json_loads(filter, 0, NULL) : NULL;
    struct webhook_input in = { .url = url, .events = { "incident" }, .nevents = 1 };
    in.filter = f;
    int64_t id = 0;
    char s[WEBHOOK_SECRET_HEX + 1];
    must(webhook_create(db, who, NULL, &in, &id, secret ? secret : s, &err), &err,
         "webhook_create");
    json_decref(f);
    return id;
}

static void publish(const char *action, const char *record_id)
{
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(feed_publish(db, "incident", action, record_id, 0, NULL, &err), &err, "feed_publish");
    must(db_commit(db, &err), &err, "commit");
}

static int run_at(int64_t at)
{
    struct bh_error err;
    int delivered = -1;
    now_ms = at;
    must(webhook_run_once(db, api_record_kinds, at, &delivered, &err), &err, "webhook_run_once");
    return delivered;
}

static char *url_of(const char *host, const struct http_receiver *r)
{
    static char url[128];
    snprintf(url, sizeof url, "http://%s:%d/hook?x=1", host, http_receiver_port(r));
    return url;
}

/* The delivery log of `id` as JSON (new reference). */
static json_t *log_of(int64_t id, const struct principal *who)
{
    struct bh_error err;
    json_t *items = json_array();
    bool more = false;
    must(webhook_deliveries(db, who, id, NULL, 50, items, &more, &err), &err, "deliveries");
    return items;
}

static const char *attempt_error(json_t *log, int delivery, int attempt)
{
    json_t *a = json_array_get(json_object_get(json_array_get(log, (size_t)delivery), "log"),
                               (size_t)attempt);
    return json_string_value(json_object_get(a, "error"));
}

/* webhook/signature-retries-restart */
static void webhook_signature_retries_restart(void **state)
{
    (void)state;
    static const int script[] = { 500, 500, 200 };
    struct http_receiver *r = http_receiver_start("127.0.0.1", script, 3, NULL);
    char secret[WEBHOOK_SECRET_HEX + 1];
    int64_t id = subscribe(&fra_fp, url_of("127.0.0.1", r), NULL, secret);
    assert_int_equal(strlen(secret), WEBHOOK_SECRET_HEX);
    publish("created", GREEN_ID);

    assert_int_equal(run_at(T0), 0);
    assert_int_equal(http_receiver_count(r), 1);
    /* Not before the first backoff (30 s)... */
    assert_int_equal(run_at(T0 + 29999), 0);
    assert_int_equal(http_receiver_count(r), 1);
    assert_int_equal(run_at(T0 + 30000), 0);
    assert_int_equal(http_receiver_count(r), 2);

    /* A restart between attempts: the queue is in the store. */
    db_close(db);
    db = test_db_open(db_path_, DB_OPEN_LONG_LIVED);
    assert_int_equal(run_at(T0 + 30000 + 119999), 0);
    assert_int_equal(http_receiver_count(r), 2);
    assert_int_equal(run_at(T0 + 150000), 1);
    assert_int_equal(http_receiver_count(r), 3);
    assert_int_equal(run_at(T0 + 3600000), 0);
    assert_int_equal(http_receiver_count(r), 3);

    static const long long times[] = { T0 / 1000, (T0 + 30000) / 1000, (T0 + 150000) / 1000 };
    char first_delivery[64] = "";
    for (int i = 0; i < 3; i++) {
        struct http_received q;
        http_receiver_get(r, i, &q);
        assert_string_equal(q.method, "POST");
        assert_string_equal(q.path, "/hook?x=1");
        assert_string_equal(http_received_header(&q, "X-Bluehelm-Event"), "incident.created");
        char ts[24];
        snprintf(ts, sizeof ts, "%lld", times[i]);
        assert_string_equal(http_received_header(&q, "X-Bluehelm-Timestamp"), ts);
        /* The receiver's check: HMAC-SHA256 over "<timestamp>.<body>" with the secret. */
        size_t slen = strlen(ts) + 1 + strlen(q.body) + 1;
        char *signed_text = malloc(slen);
        snprintf(signed_text, slen, "%s.%s", ts, q.body);
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)signed_text, strlen(signed_text));
        crypto_auth_hmacsha256_final(&st, mac);
        free(signed_text);
        char want[80] = "sha256=";
        sodium_bin2hex(want + 7, 65, mac, sizeof mac);
        assert_string_equal(http_received_header(&q, "X-Bluehelm-Signature"), want);
        json_t *body = json_loads(q.body, 0, NULL);
        assert_non_null(body);
        assert_string_equal(json_string_value(json_object_get(body, "record_id")), GREEN_ID);
        assert_string_equal(json_string_value(json_object_get(body, "kind")), "incident");
        assert_string_equal(json_string_value(json_object_get(body, "action")), "created");
        const char *delivery = http_received_header(&q, "X-Bluehelm-Delivery");
        assert_string_equal(json_string_value(json_object_get(body, "delivery")), delivery);
        if (i == 0)
            snprintf(first_delivery, sizeof first_delivery, "%s", delivery);
        else
            assert_string_equal(delivery, first_delivery); /* the same delivery retried */
        json_decref(body);
    }

    /* The log: one delivery, three attempts at the planned times. */
    json_t *log = log_of(id, &fra_fp);
    assert_int_equal(json_array_size(log), 1);
    json_t *d = json_array_get(log, 0);
    assert_string_equal(json_string_value(json_object_get(d, "status")), "delivered");
    assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 3);
    char *text = json_dumps(json_object_get(d, "log"), JSON_COMPACT);
    assert_string_equal(text, "[{\"at\":\"2026-05-28T20:26:40Z\",\"status\":500,\"error\":\"the "
                              "receiver answered 500\"},{\"at\":\"2026-05-28T20:27:10Z\","
                              "\"status\":500,\"error\":\"the receiver answered 500\"},{\"at\":"
                              "\"2026-05-28T20:29:10Z\",\"status\":200,\"error\":null}]");
    free(text);
    json_decref(log);
    /* Success resets the count of consecutive failures. */
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT failures FROM webhook WHERE id = %lld", (long long)id);
    assert_int_equal(test_query_int(db, sql), 0);
    http_receiver_stop(r);
}

/* webhook/disabled-after-failures */
static void webhook_disabled_after_failures(void **state)
{
    (void)state;
    configure("127.0.0.1/32", 3);
    static const int script[] = { 503 };
    struct http_receiver *r = http_receiver_start("127.0.0.1", script, 1, NULL);
    int64_t id = subscribe(&fra_fp, url_of("127.0.0.1", r), NULL, NULL);
    int64_t before = test_query_int(db, "SELECT count(*) FROM notification WHERE kind = "
                                        "'webhook.disabled'");
    publish("updated", GREEN_ID);
    run_at(T0);
    run_at(T0 + 30000);
    run_at(T0 + 150000);
    assert_int_equal(http_receiver_count(r), 3);
    /* Disabled: nothing more is sent, whatever the clock. */
    run_at(T0 + 10 * 3600000LL);
    assert_int_equal(http_receiver_count(r), 3);

    struct bh_error err;
    json_t *w = NULL;
    must(webhook_get(db, &fra_fp, id, &w, &err), &err, "webhook_get");
    assert_false(json_is_true(json_object_get(w, "enabled")));
    assert_int_equal(json_integer_value(json_object_get(w, "failures")), 3);
    assert_contains(json_string_value(json_object_get(w, "disabled_reason")),
                    "3 consecutive failed deliveries; the last: the receiver answered 503");
    json_decref(w);

    /* FRA's focal point is told, with the URL; BRA's is not. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM notification WHERE kind = "
                                        "'webhook.disabled'"),
                     before + 1);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE kind = 'webhook.disabled' AND "
             "account_id = %lld AND link = '/webhooks' AND json_extract(params, '$.url') = '%s'",
             (long long)fra_fp.account_id, url_of("127.0.0.1", r));
    assert_int_equal(test_query_int(db, sql), 1);

    /* Enabled again, it sends what is queued at once. */
    http_receiver_stop(r);
    static const int ok[] = { 204 };
    r = http_receiver_start("127.0.0.1", ok, 1, NULL);
    struct webhook_input in = { .url = url_of("127.0.0.1", r),
                                .enabled = true,
                                .has_enabled = true };
    must(webhook_update(db, &fra_fp, id, &in, &err), &err, "webhook_update");
    assert_int_equal(run_at(T0 + 10 * 3600000LL + 1000), 1);
    assert_int_equal(http_receiver_count(r), 1);
    http_receiver_stop(r);
}

/* webhook/only-what-the-org-may-see */
static void webhook_only_visible(void **state)
{
    (void)state;
    static const int script[] = { 200 };
    struct http_receiver *r = http_receiver_start("127.0.0.1", script, 1, NULL);
    /* BRA may not see FRA's AMBER+STRICT incident; FRA's own subscription may. */
    subscribe(&bra_fp, url_of("127.0.0.1", r), NULL, NULL);
    publish("endorsed", STRICT_ID);
    publish("endorsed", GREEN_ID);
    publish("endorsed", "0190bbbb-0000-7000-8000-00000000ffff"); /* no such record */
    assert_int_equal(run_at(T0), 1);
    assert_int_equal(http_receiver_count(r), 1);
    struct http_received q;
    http_receiver_get(r, 0, &q);
    assert_contains(q.body, GREEN_ID);
    assert_null(strstr(q.body, STRICT_ID));

    test_exec(db, "DELETE FROM webhook");
    subscribe(&fra_fp, url_of("127.0.0.1", r), "{\"actions\":[\"cancelled\"]}", NULL);
    publish("endorsed", STRICT_ID); /* filtered out by its action */
    publish("cancelled", STRICT_ID);
    assert_int_equal(run_at(T0 + 1000), 1);
    assert_int_equal(http_receiver_count(r), 2);
    http_receiver_get(r, 1, &q);
    assert_contains(q.body, STRICT_ID);
    assert_contains(q.body, "\"action\":\"cancelled\"");
    http_receiver_stop(r);

    /* A marking tightened between two attempts: the retry is withdrawn, not sent. */
    test_exec(db, "DELETE FROM webhook");
    static const int failing[] = { 500 };
    r = http_receiver_start("127.0.0.1", failing, 1, NULL);
    int64_t id = subscribe(&bra_fp, url_of("127.0.0.1", r), NULL, NULL);
    publish("updated", GREEN_ID);
    assert_int_equal(run_at(T0 + 2000), 0);
    assert_int_equal(http_receiver_count(r), 1);
    test_exec(db, "UPDATE incident SET tlp = 'AMBER+STRICT' WHERE id = '" GREEN_ID "'");
    assert_int_equal(run_at(T0 + 2000 + 30000), 0);
    test_exec(db, "UPDATE incident SET tlp = 'GREEN' WHERE id = '" GREEN_ID "'");
    assert_int_equal(http_receiver_count(r), 1);
    json_t *log = log_of(id, &bra_fp);
    assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "status")),
                        "withdrawn");
    json_decref(log);
    assert_int_equal(run_at(T0 + 3600000), 0);
    assert_int_equal(http_receiver_count(r), 1);
    http_receiver_stop(r);
}

/* webhook/visibility-matrix: one incident per marking, owned by FRA, AMBER in a group with BRA;
 * a webhook of each organization (FRA the owner, BRA in the group, DPO outside). What each is
 * sent is read off docs/sharing.md by hand, and RED (which names people) is sent to nobody. */
static void webhook_visibility_matrix(void **state)
{
    (void)state;
    static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
    enum { NT = 5, NO = 3 };
    static const char *const ids[NT] = {
        "0190bbbb-0000-7000-8000-00000000a001", "0190bbbb-0000-7000-8000-00000000a002",
        "0190bbbb-0000-7000-8000-00000000a003", "0190bbbb-0000-7000-8000-00000000a004",
        "0190bbbb-0000-7000-8000-00000000a005",
    };
    static const bool want[NO][NT] = {
        /* CLEAR GREEN AMBER STRICT RED */
        { true, true, true, true, false },   /* FRA, the owner */
        { true, true, true, false, false },  /* BRA, in the group */
        { true, true, false, false, false }, /* DPO, outside */
    };
    static const char *const who_name[NO] = { "FRA", "BRA", "DPO" };
    struct principal dpo_fp, fra_coord;
    test_user_principal(db, "dpo.fp.matrix", org_ids[0], "DPO", ROLE_FOCAL_POINT, NULL, PASSWORD,
                        &dpo_fp);
    test_principal(&fra_coord, 0, org_ids[1], "FRA", ROLE_COORDINATOR, "fra.coord");
    struct bh_error err;
    int64_t group = 0;
    const char *members[] = { "BRA" };
    must(sharing_group_create(db, &fra_coord, "Webhook matrix", NULL, members, 1, &group, &err),
         &err, "group");
    for (int t = 0; t < NT; t++) {
        struct test_incident in = { ids[t], "MINUSMA", "2026-05-03T06:00:00Z",
                                    16.27,  -0.04,     "Matrix",
                                    "FRA",  "GREEN",   NULL };
        test_insert_incidents(db, &in, 1);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "UPDATE incident SET tlp = '%s', sharing_group_id = %s WHERE id = '%s'", tlps[t],
                 t == 2 ? "(SELECT max(id) FROM sharing_group)" : "NULL", ids[t]);
        test_exec(db, sql);
    }
    static const int ok[] = { 200 };
    struct http_receiver *r[NO];
    const struct principal *subs[NO] = { &fra_fp, &bra_fp, &dpo_fp };
    for (int o = 0; o < NO; o++) {
        r[o] = http_receiver_start("127.0.0.1", ok, 1, NULL);
        subscribe(subs[o], url_of("127.0.0.1", r[o]), NULL, NULL);
    }
    for (int t = 0; t < NT; t++)
        publish("created", ids[t]);
    run_at(T0);
    int wrong = 0;
    for (int o = 0; o < NO; o++) {
        int n = http_receiver_count(r[o]);
        for (int t = 0; t < NT; t++) {
            bool got = false;
            for (int i = 0; i < n; i++) {
                struct http_received q;
                http_receiver_get(r[o], i, &q);
                got |= strstr(q.body, ids[t]) != NULL;
            }
            if (got != want[o][t]) {
                print_message("%s's webhook, %s incident: expected %s, got %s\n", who_name[o],
                              tlps[t], want[o][t] ? "sent" : "not sent", got ? "sent" : "not sent");
                wrong++;
            }
        }
        http_receiver_stop(r[o]);
    }
    assert_int_equal(wrong, 0);
}

/* webhook/guard-loopback-private-redirect */
static void webhook_guard(void **state)
{
    (void)state;
    struct bh_error err;
    static const int script[] = { 200 };
    struct http_receiver *r = http_receiver_start("127.0.0.1", script, 1, NULL);

    /* Nothing allowed: a literal loopback or private address is refused when subscribed... */
    configure("", 10);
    struct webhook_input in = { .url = url_of("127.0.0.1", r),
                                .events = { "incident" },
                                .nevents = 1 };
    int64_t id = 0;
    char secret[WEBHOOK_SECRET_HEX + 1];
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "url");
    assert_contains(err.message, "loopback");
    in.url = "http://10.0.0.1/hook";
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "url");
    assert_contains(err.message, "private (10.0.0.0/8)");
    in.url = "ftp://example.org/hook";
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "url");

    /* ... and a name that resolves there is refused at delivery, after resolution. */
    char url[128];
    snprintf(url, sizeof url, "http://localhost:%d/hook", http_receiver_port(r));
    id = subscribe(&fra_fp, url, NULL, NULL);
    publish("created", GREEN_ID);
    assert_int_equal(run_at(T0), 0);
    assert_int_equal(http_receiver_count(r), 0);
    json_t *log = log_of(id, &fra_fp);
    assert_contains(attempt_error(log, 0, 0), "localhost resolves to");
    assert_contains(attempt_error(log, 0, 0), "loopback");
    json_decref(log);

    /* A private address stored while an administrator allowed it is refused once the allow
     * list no longer names it, without a connection. */
    test_exec(db, "DELETE FROM webhook");
    configure("10.0.0.0/8", 10);
    id = subscribe(&fra_fp, "http://10.0.0.1:9/hook", NULL, NULL);
    configure("127.0.0.1/32", 10);
    publish("created", GREEN_ID);
    assert_int_equal(run_at(T0 + 1000), 0);
    log = log_of(id, &fra_fp);
    assert_contains(attempt_error(log, 0, 0), "private (10.0.0.0/8)");
    json_decref(log);

    /* A redirect from an allowed receiver to loopback outside the allow list (127.0.0.2) is
     * refused: the second receiver never hears of it. */
    test_exec(db, "DELETE FROM webhook");
    static const int ok[] = { 200 };
    struct http_receiver *inner = http_receiver_start("127.0.0.2", ok, 1, NULL);
    char location[128];
    snprintf(location, sizeof location, "http://127.0.0.2:%d/inner", http_receiver_port(inner));
    static const int redirect[] = { 302 };
    struct http_receiver *outer = http_receiver_start("127.0.0.1", redirect, 1, location);
    id = subscribe(&fra_fp, url_of("127.0.0.1", outer), NULL, NULL);
    publish("created", GREEN_ID);
    assert_int_equal(run_at(T0 + 2000), 0);
    assert_int_equal(http_receiver_count(outer), 1);
    assert_int_equal(http_receiver_count(inner), 0);
    log = log_of(id, &fra_fp);
    assert_contains(attempt_error(log, 0, 0), "loopback (127.0.0.0/8)");
    json_decref(log);

    /* Allowed, the same redirect is followed (and signed again). */
    configure("127.0.0.0/8", 10);
    assert_int_equal(run_at(T0 + 2000 + 30000), 1);
    assert_int_equal(http_receiver_count(inner), 1);
    struct http_received q;
    http_receiver_get(inner, 0, &q);
    assert_string_equal(q.path, "/inner");
    assert_non_null(http_received_header(&q, "X-Bluehelm-Signature"));
    http_receiver_stop(outer);
    http_receiver_stop(inner);
    http_receiver_stop(r);
}

/* webhook/url-and-allow-parsers */
static void webhook_parsers(void **state)
{
    (void)state;
    struct bh_error err;
    struct webhook_url u;
    must(webhook_url_parse("https://hooks.example.org/x", "url", &u, &err), &err, "https");
    assert_true(u.https);
    assert_string_equal(u.host, "hooks.example.org");
    assert_int_equal(u.port, 443);
    must(webhook_url_parse("http://[2001:db8::1]:8443/x", "url", &u, &err), &err, "v6");
    assert_string_equal(u.host, "2001:db8::1");
    assert_int_equal(u.port, 8443);
    assert_true(u.host_is_ip);
    static const char *const bad[] = {
        "ftp://example.org/",
        "file:///etc/passwd",
        "gopher://x/",
        "http://user:pw@host/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http:///nohost",
        "http://host:0/",
        "http://host:65536/",
        "http://ho st/",
        "http://[::1/",
        "http://host/\x01",
        "",
        "example.org/hook",
        "http://[zz::1]/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (webhook_url_parse(bad[i], "url", &u, &err) != BH_EINVALID)
            fail_msg("'%s' was accepted", bad[i]);
        assert_string_equal(err.field, "url");
    }

    struct webhook_allow allow;
    must(webhook_allow_parse("127.0.0.1/32, ::1 10.1.0.0/16", "webhook_allow_hosts", &allow, &err),
         &err, "allow");
    assert_int_equal(allow.n, 3);
    assert_int_equal(webhook_allow_parse("10.0.0.0/33", "webhook_allow_hosts", &allow, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "webhook_allow_hosts");
    assert_int_equal(webhook_allow_parse("example.org", "webhook_allow_hosts", &allow, &err),
                     BH_EINVALID);

    static const struct {
        const char *addr;
        bool allowed;
    } cases[] = {
        { "8.8.8.8", true },
        { "127.0.0.1", false },
        { "10.2.3.4", false },
        { "172.16.0.1", false },
        { "172.32.0.1", true },
        { "192.168.1.1", false },
        { "169.254.169.254", false },
        { "0.0.0.0", false },
        { "224.0.0.1", false },
        { "::1", false },
        { "::", false },
        { "fc00::1", false },
        { "fd12::1", false },
        { "fe80::1", false },
        { "ff02::1", false },
        { "::ffff:127.0.0.1", false },
        { "::ffff:8.8.8.8", true },
        { "2001:4860::1", true },
    };
    struct webhook_allow none = { 0 };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sockaddr_storage ss = { 0 };
        if (strchr(cases[i].addr, ':')) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            s6->sin6_family = AF_INET6;
            assert_int_equal(inet_pton(AF_INET6, cases[i].addr, &s6->sin6_addr), 1);
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            s4->sin_family = AF_INET;
            assert_int_equal(inet_pton(AF_INET, cases[i].addr, &s4->sin_addr), 1);
        }
        char why[64];
        if (webhook_address_allowed((struct sockaddr *)&ss, &none, why) != cases[i].allowed)
            fail_msg("%s: expected %s", cases[i].addr, cases[i].allowed ? "allowed" : "refused");
    }
    /* 10.1.0.0/16 allowed lets 10.1.2.3 through but not 10.2.0.1. */
    must(webhook_allow_parse("10.1.0.0/16", "webhook_allow_hosts", &allow, &err), &err, "allow");
    struct sockaddr_in s4 = { .sin_family = AF_INET };
    inet_pton(AF_INET, "10.1.2.3", &s4.sin_addr);
    assert_true(webhook_address_allowed((struct sockaddr *)&s4, &allow, NULL));
    inet_pton(AF_INET, "10.2.0.1", &s4.sin_addr);
    assert_false(webhook_address_allowed((struct sockaddr *)&s4, &allow, NULL));

    assert_int_equal(webhook_backoff_ms(1), 30000);
    assert_int_equal(webhook_backoff_ms(2), 120000);
    assert_int_equal(webhook_backoff_ms(3), 480000);
    assert_int_equal(webhook_backoff_ms(9), 3600000);
}

/* webhook/subscription-validation */
static void webhook_validation(void **state)
{
    (void)state;
    struct bh_error err;
    int64_t id;
    char secret[WEBHOOK_SECRET_HEX + 1];
    struct webhook_input in = { .url = "https://hooks.example.org/x",
                                .events = { "weather" },
                                .nevents = 1 };
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "events");
    in.nevents = 0;
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "events");
    in.events[0] = "alert";
    in.nevents = 1;
    json_t *f = json_loads("{\"mission\":\"MINUSMA\"}", 0, NULL);
    in.filter = f;
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "filter");
    json_decref(f);
    f = json_loads("{\"actions\":[\"Created!\"]}", 0, NULL);
    in.filter = f;
    assert_int_equal(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), BH_EINVALID);
    assert_string_equal(err.field, "filter");
    json_decref(f);
    in.filter = NULL;
    /* Only admins name another organization. */
    assert_int_equal(webhook_create(db, &fra_fp, "BRA", &in, &id, secret, &err), BH_EDENIED);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM webhook"), 0);
    /* Another organization's subscription does not exist for BRA. */
    must(webhook_create(db, &fra_fp, NULL, &in, &id, secret, &err), &err, "create");
    json_t *w = NULL;
    assert_int_equal(webhook_get(db, &bra_fp, id, &w, &err), BH_ENOTFOUND);
    assert_int_equal(webhook_delete(db, &bra_fp, id, &err), BH_ENOTFOUND);
    must(webhook_get(db, &fra_fp, id, &w, &err), &err, "get");
    assert_null(json_object_get(w, "secret"));
    assert_string_equal(json_string_value(json_object_get(w, "org")), "FRA");
    json_decref(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST_SETUP_TEARDOWN("webhook/signature-retries-restart",
                               webhook_signature_retries_restart, fresh, NULL),
        BH_TEST_SETUP_TEARDOWN("webhook/disabled-after-failures", webhook_disabled_after_failures,
                               fresh, NULL),
        BH_TEST_SETUP_TEARDOWN("webhook/only-what-the-org-may-see", webhook_only_visible, fresh,
                               NULL),
        BH_TEST_SETUP_TEARDOWN("webhook/visibility-matrix", webhook_visibility_matrix, fresh, NULL),
        BH_TEST_SETUP_TEARDOWN("webhook/guard-loopback-private-redirect", webhook_guard, fresh,
                               NULL),
        BH_TEST("webhook/url-and-allow-parsers", webhook_parsers),
        BH_TEST_SETUP_TEARDOWN("webhook/subscription-validation", webhook_validation, fresh, NULL),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
