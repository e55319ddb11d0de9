/* The notifications API (docs/notifications.md): the signed-in user's list, newest first with
 * cursors and the unread filter, the unread count, marking one or all read, and the e-mail
 * digest choice. Another user's notification is 404; a notification about a record the
 * reader may no longer see (its marking changed) is neither listed nor counted. The
 * notifications are written in process, as a capability would, on the served store. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"
#include "notify/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Kidal convoy escort 2019"

static struct test_server server;
static struct test_session fra_fp, fra_end, bra_fp;
static struct db *db;
static char *store;

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "fra.fp", "FRA", "focal_point", "MINUSMA", &fra_fp, NULL, NULL },
    { "fra.end", "FRA", "endorser", "MINUSMA", &fra_end, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", "MINUSMA", &bra_fp, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_notifications", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, NULL);
    db = test_db_open(store, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    free(store);
    test_server_shutdown(&server);
    return 0;
}

static int64_t account(const char *username)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id FROM account WHERE username = '%s'", username);
    return test_query_int(db, sql);
}

/* Tells `username` as a capability would; returns the notification's id. */
static int64_t tell(const char *username, const char *kind, const char *type, const char *id,
                    const char *params, const char *link)
{
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(notify_account(db, account(username), kind, type, id, params, link, &err), &err,
         "notify_account");
    must(db_commit(db, &err), &err, "commit");
    return test_query_int(db, "SELECT max(id) FROM notification");
}

static int64_t unread(const struct test_session *u)
{
    json_t *j = test_get_json(server.port, u->headers, "/api/v1/notifications/count", 200);
    int64_t n = json_integer_value(json_object_get(j, "unread"));
    json_decref(j);
    return n;
}

static int status_of(const struct test_session *u, const char *method, const char *path,
                     const char *body)
{
    return test_world_status(u, method, path, body);
}

/* api/notifications-list-count-read */
static void api_notifications_list_count_read(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification");
    int64_t a =
        tell("bra.fp", "alert.received", NULL, NULL, "{\"headline\":\"Road closed\"}", "/alerts/1");
    int64_t b = tell("bra.fp", "webhook.disabled", NULL, NULL, NULL, NULL);
    int64_t c = tell("bra.fp", "alert.received", NULL, NULL, "{\"headline\":\"Curfew\"}", NULL);
    assert_int_equal(unread(&bra_fp), 3);
    assert_int_equal(unread(&fra_fp), 0);

    json_t *j = test_get_json(server.port, bra_fp.headers, "/api/v1/notifications", 200);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
    json_t *last = json_array_get(items, 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), c);
    assert_int_equal(json_integer_value(json_object_get(last, "id")), a);
    assert_string_equal(json_string_value(json_object_get(last, "kind")), "alert.received");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(last, "params"), "headline")),
        "Road closed");
    assert_string_equal(json_string_value(json_object_get(last, "link")), "/alerts/1");
    assert_true(json_is_null(json_object_get(last, "record_type")));
    assert_true(json_is_null(json_object_get(last, "read_at")));
    assert_true(json_is_string(json_object_get(last, "created_at")));
    json_decref(j);

    /* Pages of one, by cursor. */
    j = test_get_json(server.port, bra_fp.headers, "/api/v1/notifications?limit=1", 200);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")),
        c);
    char path[512];
    snprintf(path, sizeof path, "/api/v1/notifications?limit=1&cursor=%s",
             json_string_value(json_object_get(j, "next")));
    json_decref(j);
    j = test_get_json(server.port, bra_fp.headers, path, 200);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")),
        b);
    json_decref(j);

    snprintf(path, sizeof path, "/api/v1/notifications/%lld/read", (long long)b);
    assert_int_equal(status_of(&bra_fp, "POST", path, NULL), 204);
    assert_int_equal(status_of(&bra_fp, "POST", path, NULL), 204); /* again: no change */
    assert_int_equal(unread(&bra_fp), 2);
    j = test_get_json(server.port, bra_fp.headers, "/api/v1/notifications?unread=1", 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
    json_decref(j);
    struct test_response r;
    test_world_call(&bra_fp, "GET", "/api/v1/notifications?unread=maybe", NULL, &r);
    assert_problem(&r, 400, "unread");
    test_response_free(&r);

    test_world_call(&bra_fp, "POST", "/api/v1/notifications/read-all", NULL, &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "marked")), 2);
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(unread(&bra_fp), 0);
}

/* api/notifications-others-404: another user's notification cannot be read or marked. */
static void api_notifications_others_404(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification");
    int64_t id = tell("bra.fp", "alert.received", NULL, NULL, NULL, NULL);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/read", (long long)id);
    struct test_response r;
    test_world_call(&fra_fp, "POST", path, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    assert_int_equal(status_of(&fra_fp, "POST", "/api/v1/notifications/abc/read", NULL), 404);
    assert_int_equal(status_of(&fra_fp, "POST", "/api/v1/notifications/read-all", NULL), 200);
    assert_int_equal(unread(&bra_fp), 1);
    json_t *j = test_get_json(server.port, fra_fp.headers, "/api/v1/notifications", 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
    /* Nobody signed in: nothing. */
    assert_int_equal(status_of(NULL, "GET", "/api/v1/notifications", NULL), 401);
    assert_int_equal(status_of(NULL, "GET", "/api/v1/notifications/count", NULL), 401);
}

/* api/notifications-visibility-at-delivery: France's report re-marked RED leaves Brazil's
 * list and count. */
static void api_notifications_visibility(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification");
    struct test_response r;
    test_world_call(
        &fra_fp, "POST", "/api/v1/incidents",
        "{\"mission\":\"MINUSMA\",\"occurred_at\":\"2024-03-02T06:30:00Z\",\"latitude\":16.27,"
        "\"longitude\":-0.04,\"threat_type\":\"ied\",\"target\":\"convoy\",\"activity\":"
        "\"logistics_convoy\",\"narrative\":\"IED on the Gao road\",\"sources\":[\"JOC daily\"],"
        "\"killed\":0,\"injured\":1,\"tlp\":\"TLP:GREEN\",\"submit\":true}",
        &r);
    if (r.status != 201)
        fail_msg("incident: %d %s", r.status, r.body);
    json_t *j = body_json(&r);
    char id[64], path[128];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/incidents/%s", id);
    assert_int_equal(status_of(&bra_fp, "GET", path, NULL), 200);

    tell("bra.fp", "alert.received", "incident", id, "{\"headline\":\"IED\"}", NULL);
    tell("bra.fp", "webhook.disabled", NULL, NULL, NULL, NULL);
    assert_int_equal(unread(&bra_fp), 2);
    j = test_get_json(server.port, bra_fp.headers, "/api/v1/notifications", 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "items"), 1), "record_id")),
                        id);
    json_decref(j);

    /* A submitted report is changed once returned to its reporter, which keeps it shared. */
    char return_path[160];
    snprintf(return_path, sizeof return_path, "%s/return", path);
    test_world_call(&fra_end, "POST", return_path, "{\"reason\":\"Mark it RED\"}", &r);
    if (r.status != 200)
        fail_msg("return: %d %s", r.status, r.body);
    test_response_free(&r);
    assert_int_equal(unread(&bra_fp), 2);
    test_world_call(&fra_fp, "PATCH", path, "{\"tlp\":\"TLP:RED\"}", &r);
    if (r.status != 200)
        fail_msg("re-marking: %d %s", r.status, r.body);
    test_response_free(&r);
    assert_int_equal(status_of(&bra_fp, "GET", path, NULL), 404);
    assert_int_equal(unread(&bra_fp), 1);
    j = test_get_json(server.port, bra_fp.headers, "/api/v1/notifications", 200);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind")),
                        "webhook.disabled");
    json_decref(j);
}

/* api/notifications-settings: the digest choice, one's own, a boolean; the address, set with
 * `bluehelm user email`. */
static void api_notifications_settings(void **state)
{
    (void)state;
    json_t *j = test_get_json(server.port, bra_fp.headers, "/api/v1/me/notification-settings", 200);
    assert_false(json_boolean_value(json_object_get(j, "email_digest")));
    assert_true(json_is_null(json_object_get(j, "email")));
    json_decref(j);
    /* The address is an administrator's to set, on the command line; one that could carry
     * another header is refused. */
    test_cli_ok(store, NULL,
                (const char *const[]){ "user", "email", "bra.fp", "bra.fp@example.org", NULL },
                NULL);
    assert_run(test_cli_db(store, NULL,
                           (const char *const[]){ "user", "email", "bra.fp",
                                                  "x@example.org\nBcc: y@example.org", NULL }),
               2, NULL, "email");
    struct test_response r;
    test_world_call(&bra_fp, "PUT", "/api/v1/me/notification-settings", "{\"email_digest\":true}",
                    &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_true(json_boolean_value(json_object_get(j, "email_digest")));
    assert_string_equal(json_string_value(json_object_get(j, "email")), "bra.fp@example.org");
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(
        test_query_int(db, "SELECT email_digest FROM account WHERE username = 'bra.fp'"), 1);
    assert_int_equal(
        test_query_int(db, "SELECT email_digest FROM account WHERE username = 'fra.fp'"), 0);

    test_world_call(&bra_fp, "PUT", "/api/v1/me/notification-settings",
                    "{\"email_digest\":\"yes\"}", &r);
    assert_problem(&r, 400, "email_digest");
    test_response_free(&r);
    test_world_call(&bra_fp, "PUT", "/api/v1/me/notification-settings", "{}", &r);
    assert_problem(&r, 400, "email_digest");
    test_response_free(&r);
    test_world_call(&bra_fp, "PUT", "/api/v1/me/notification-settings",
                    "{\"email_digest\":false,\"email\":\"x@y.org\"}", &r);
    assert_int_equal(r.status, 400);
    test_response_free(&r);
    assert_int_equal(
        test_query_int(db, "SELECT email_digest FROM account WHERE username = 'bra.fp'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/notifications-list-count-read", api_notifications_list_count_read),
        BH_TEST("api/notifications-others-404", api_notifications_others_404),
        BH_TEST("api/notifications-visibility-at-delivery", api_notifications_visibility),
        BH_TEST("api/notifications-settings", api_notifications_settings),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, setup, teardown);
}
