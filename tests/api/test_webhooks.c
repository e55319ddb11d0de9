/* Webhooks over HTTP on the real server (docs/webhooks.md): admins, coordinators and focal
 * points manage their organization's subscriptions; another organization's is 404 and a
 * reporter is 403; URLs that are not http(s), or name a private address, are 400 naming
 * "url"; the secret is in the create's reply only. And the server's own worker delivers an
 * event published to its store to a real receiver, signed. */
#include "api_helpers.h"
#include "http_receiver.h"
#include "world.h"

#include "base/timeutil.h"
#include "db/db.h"
#include "feed/feed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "Goma airstrip 2024 night"

static struct test_server server;
static char *store;
static struct test_session admin, fra_fp, fra_rep, bra_fp;

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.fp", "FRA", "focal_point", NULL, &fra_fp, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &fra_rep, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_webhooks", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    static const char *const args[] = { "--webhook-allow-hosts", "127.0.0.1/32", NULL };
    store = test_world_serve(&world, &server, args);
    test_world_use(&world, &server);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* Creates a webhook as `u` with `body`; returns its id, and its secret into `secret`. */
static long long create(const struct test_session *u, const char *body, char *secret)
{
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/webhooks", body, &r);
    if (r.status != 201)
        fail_msg("expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    const char *s = json_string_value(json_object_get(j, "secret"));
    assert_non_null(s);
    assert_int_equal(strlen(s), 64);
    if (secret)
        strcpy(secret, s);
    char location[64];
    snprintf(location, sizeof location, "/api/v1/webhooks/%lld", id);
    assert_header(&r, "location", location);
    json_decref(j);
    test_response_free(&r);
    return id;
}

/* api/webhooks-lifecycle */
static void api_webhooks_lifecycle(void **state)
{
    (void)state;
    struct test_response r;
    char path[96];

    /* Bad input names the field and writes nothing. */
    static const struct {
        const char *body, *field;
    } bad[] = {
        { "{\"url\":\"ftp://files.example.org/in\",\"events\":[\"alert\"]}", "url" },
        { "{\"url\":\"file:///etc/passwd\",\"events\":[\"alert\"]}", "url" },
        { "{\"url\":\"http://10.0.0.1/hook\",\"events\":[\"alert\"]}", "url" },
        { "{\"url\":\"http://[::1]/hook\",\"events\":[\"alert\"]}", "url" },
        { "{\"url\":\"https://a:b@hooks.example.org/\",\"events\":[\"alert\"]}", "url" },
        { "{\"events\":[\"alert\"]}", "url" },
        { "{\"url\":\"https://hooks.example.org/\",\"events\":[\"weather\"]}", "events" },
        { "{\"url\":\"https://hooks.example.org/\",\"events\":[\"alert\"],\"filter\":{\"x\":1}}",
          "filter" },
        { "{\"url\":\"https://hooks.example.org/\",\"events\":[\"alert\"],\"secret\":\"s\"}",
          "secret" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_world_call(&fra_fp, "POST", "/api/v1/webhooks", bad[i].body, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    json_t *list = test_get_json(server.port, fra_fp.headers, "/api/v1/webhooks", 200);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
    json_decref(list);

    /* A reporter does not manage webhooks. */
    test_world_call(&fra_rep, "POST", "/api/v1/webhooks",
                    "{\"url\":\"https://hooks.example.org/\",\"events\":[\"alert\"]}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    assert_int_equal(test_world_status(&fra_rep, "GET", "/api/v1/webhooks", NULL), 403);

    long long id = create(&fra_fp,
                          "{\"url\":\"https://hooks.example.org/bh\",\"events\":[\"incident\","
                          "\"alert\"],\"filter\":{\"actions\":[\"created\"]}}",
                          NULL);
    snprintf(path, sizeof path, "/api/v1/webhooks/%lld", id);
    test_world_call(&fra_fp, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "secret"));
    json_t *w = body_json(&r);
    char *text = test_json_text(w);
    char expect[512];
    json_decref(w);
    test_response_free(&r);
    snprintf(expect, sizeof expect,
             "{\"disabled_reason\":null,\"enabled\":true,\"events\":[\"alert\",\"incident\"],"
             "\"failures\":0,\"filter\":{\"actions\":[\"created\"]},\"id\":%lld,\"org\":\"FRA\","
             "\"updated_at\":\"%s",
             id, "");
    /* updated_at varies: compare up to it. */
    assert_prefix(text, expect);
    free(text);

    /* Another organization's webhook does not exist for BRA, whatever it asks. */
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 404);
    assert_int_equal(test_world_status(&bra_fp, "PATCH", path, "{\"enabled\":false}"), 404);
    assert_int_equal(test_world_status(&bra_fp, "DELETE", path, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/webhooks/%lld/deliveries", id);
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 404);
    list = test_get_json(server.port, bra_fp.headers, "/api/v1/webhooks", 200);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
    json_decref(list);
    json_t *log = test_get_json(server.port, fra_fp.headers, path, 200);
    assert_int_equal(json_array_size(json_object_get(log, "items")), 0);
    json_decref(log);

    /* Disabled and changed by its owner. */
    snprintf(path, sizeof path, "/api/v1/webhooks/%lld", id);
    test_world_call(&fra_fp, "PATCH", path,
                    "{\"enabled\":false,\"events\":[\"bulletin\"],\"filter\":null}", &r);
    assert_int_equal(r.status, 200);
    w = body_json(&r);
    assert_false(json_is_true(json_object_get(w, "enabled")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(w, "events"), 0)),
                        "bulletin");
    assert_true(json_is_null(json_object_get(w, "filter")));
    json_decref(w);
    test_response_free(&r);
    test_world_call(&fra_fp, "PATCH", path, "{\"url\":\"gopher://x/\"}", &r);
    assert_problem(&r, 400, "url");
    test_response_free(&r);

    /* An admin makes one for BRA and sees every organization's. */
    long long bra_id = create(
        &admin, "{\"org\":\"BRA\",\"url\":\"https://bra.example.org/\",\"events\":[\"alert\"]}",
        NULL);
    list = test_get_json(server.port, bra_fp.headers, "/api/v1/webhooks", 200);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
    json_decref(list);
    list = test_get_json(server.port, admin.headers, "/api/v1/webhooks", 200);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 2);
    json_decref(list);
    test_world_call(&fra_fp, "POST", "/api/v1/webhooks",
                    "{\"org\":\"BRA\",\"url\":\"https://x.example.org/\",\"events\":[\"alert\"]}",
                    &r);
    assert_problem(&r, 403, "org");
    test_response_free(&r);

    assert_int_equal(test_world_status(&fra_fp, "DELETE", path, NULL), 204);
    assert_int_equal(test_world_status(&fra_fp, "GET", path, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/webhooks/%lld", bra_id);
    assert_int_equal(test_world_status(&bra_fp, "DELETE", path, NULL), 204);
}

/* api/webhooks-server-worker-delivers: `serve` runs the worker, which picks up an event
 * published to the store and POSTs it, signed, within its one-second poll. */
static void api_webhooks_worker(void **state)
{
    (void)state;
    static const int script[] = { 200 };
    struct http_receiver *rcv = http_receiver_start("127.0.0.1", script, 1, NULL);
    char body[256], secret[80];
    snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/in\",\"events\":[\"incident\"]}",
             http_receiver_port(rcv));
    long long id = create(&fra_fp, body, secret);

    /* An incident of FRA's, published as the incident register would. */
    struct db *db = test_db_open(store, 0);
    static const struct test_incident in[] = {
        { "0190cccc-0000-7000-8000-000000000001", "MINUSMA", "2026-05-01T06:00:00Z", 16.27, -0.04,
          "IED on the Gao road", "FRA", "GREEN", NULL },
    };
    test_insert_incidents(db, in, 1);
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(feed_publish(db, "incident", "endorsed", in[0].id, 0, NULL, &err), &err, "publish");
    must(db_commit(db, &err), &err, "commit");
    db_close(db);

    /* Wait for the delivery itself: a condition, bounded by a deadline long enough for a
     * loaded machine under ASan, not a count of sleeps. */
    for (int64_t until = time_mono_ms() + 30000;
         http_receiver_count(rcv) == 0 && time_mono_ms() < until;) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    assert_int_equal(http_receiver_count(rcv), 1);
    struct http_received q;
    http_receiver_get(rcv, 0, &q);
    assert_string_equal(q.path, "/in");
    assert_string_equal(http_received_header(&q, "X-Bluehelm-Event"), "incident.endorsed");
    assert_contains(q.body, in[0].id);
    assert_prefix(http_received_header(&q, "X-Bluehelm-Signature"), "sha256=");

    /* The log says so (the row is written just after the reply: wait for it too). */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/webhooks/%lld/deliveries", id);
    const char *status = NULL;
    json_t *log = NULL;
    for (int64_t until = time_mono_ms() + 30000; time_mono_ms() < until;) {
        json_decref(log);
        log = test_get_json(server.port, fra_fp.headers, path, 200);
        status = json_string_value(
            json_object_get(json_array_get(json_object_get(log, "items"), 0), "status"));
        if (status && strcmp(status, "delivered") == 0)
            break;
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    assert_string_equal(status, "delivered");
    json_decref(log);
    http_receiver_stop(rcv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/webhooks-lifecycle", api_webhooks_lifecycle),
        BH_TEST("api/webhooks-server-worker-delivers", api_webhooks_worker),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
