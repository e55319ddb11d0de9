/* POST /api/v1/casualties/import over HTTP: the real server, an admin's session and API
 * token, the UN file as text/csv. Counts and rejected rows come back as JSON; a file that is
 * not the format is a 400 problem naming the line (and column); only data.import may; the
 * body may be larger than the server-wide limit, up to the route's own. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"
#define FIXTURES BH_TEST_DATA "/un_fatalities/"
#define IMPORT   "/api/v1/casualties/import"
#define CSV_CT   "Content-Type: text/csv\r\n"

static struct test_server server;
static char *store;
static struct test_session admin, focal;
static char admin_bearer[256];

/* The launch group with its admin, and Rwanda's focal point. */
static const struct test_user users[] = {
    { "rwa.fp", "RWA", "focal_point", NULL, &focal, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_casualty_import", .password = PASSWORD, .seeded = 1, TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    test_bearer_for(store, "admin", "import script", admin_bearer, sizeof admin_bearer);
    /* A server-wide limit of 1 MiB (the default) shows the route's own limit at work. */
    test_server_start(&server, store, (const char *[]){ "--max-body", "1M", NULL });
    test_sign_in(server.port, "admin", PASSWORD, &admin, NULL);
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

/* POSTs `body` (len bytes) to the import route with `auth` header lines and `ct`. */
static void upload(const char *auth, const char *ct, const char *body, size_t len,
                   struct test_response *r)
{
    char headers[1024];
    snprintf(headers, sizeof headers, "%s%s", auth ? auth : "", ct ? ct : "");
    test_http(server.port, "POST", IMPORT, headers, body, len, r);
}

static void upload_fixture(const char *auth, const char *name, struct test_response *r)
{
    char path[512];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    size_t len;
    char *body = test_read_file(path, &len);
    assert_non_null(body);
    upload(auth, CSV_CT, body, len, r);
    free(body);
}

static int64_t jint(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    if (!json_is_integer(v))
        fail_msg("no integer %s in %s", key, json_dumps(j, JSON_COMPACT));
    return json_integer_value(v);
}

static int64_t casualties(void)
{
    struct db *db = test_db_open(store, DB_OPEN_READONLY);
    int64_t n = test_query_int(db, "SELECT count(*) FROM casualty");
    db_close(db);
    return n;
}

static int64_t audits(void)
{
    struct db *db = test_db_open(store, DB_OPEN_READONLY);
    int64_t n = test_query_int(db, "SELECT count(*) FROM audit_log");
    db_close(db);
    return n;
}

/* api/casualty-import-upload: an admin's upload is imported; the reply counts it and lists
 * each rejected row with its line and reason; the same file again changes nothing. */
static void import_upload(void **state)
{
    (void)state;
    struct test_response r;
    upload_fixture(admin_bearer, "bad_vocabulary.csv", &r);
    if (r.status != 200)
        fail_msg("status %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    assert_int_equal(jint(j, "added"), 2);
    assert_int_equal(jint(j, "updated"), 0);
    assert_int_equal(jint(j, "unchanged"), 0);
    assert_int_equal(jint(j, "rejected_count"), 9);
    json_t *rej = json_object_get(j, "rejected");
    assert_int_equal(json_array_size(rej), 9);
    json_t *first = json_array_get(rej, 0);
    assert_int_equal(jint(first, "line"), 3);
    assert_string_equal(json_string_value(json_object_get(first, "reason")),
                        "type_of_incident 'Friendly Fire' is not in the vocabulary (Malicious Act, "
                        "Accident, Illness, Self-Inflicted, To Be Determined, Unknown)");
    assert_int_equal(jint(json_array_get(rej, 3), "line"), 6);
    json_decref(j);
    test_response_free(&r);

    /* The browser's way: the session cookie and its CSRF token. */
    upload_fixture(admin.headers, "bad_vocabulary.csv", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_int_equal(jint(j, "added"), 0);
    assert_int_equal(jint(j, "unchanged"), 2);
    assert_int_equal(jint(j, "rejected_count"), 9);
    json_decref(j);
    test_response_free(&r);

    /* Audited as the admin who uploaded, once per import. */
    struct db *db = test_db_open(store, DB_OPEN_READONLY);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'casualty.import' AND username = 'admin' AND "
                                        "json_extract(summary, '$.file') = 'upload'"),
                     2);
    db_close(db);
}

/* api/casualty-import-unreadable-400: a file that is not the format is a 400 problem with the
 * line (and column, when one character is at fault); nothing changes. */
static void import_unreadable(void **state)
{
    (void)state;
    int64_t rows = casualties(), logged = audits();
    static const struct {
        const char *file;
        long line, column;
        const char *field, *says;
    } bad[] = {
        { "bad_wrong_header.csv", 1, 0, "casualty_nationality",
          "line 1: the header has no column 'casualty_nationality'" },
        { "bad_missing_column.csv", 1, 0, "last_update", "no column 'last_update'" },
        { "bad_empty.csv", 1, 0, "file", "upload is empty: expected a header line" },
        { "bad_binary.csv", 1, 0, "line", "not valid UTF-8" },
        { "bad_latin1.csv", 2, 0, "line", "line 2: field 7 is not valid UTF-8" },
        { "bad_quote.csv", 3, 58, "line", "line 3, column 58: a quote inside an unquoted field" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        upload_fixture(admin_bearer, bad[i].file, &r);
        assert_problem(&r, 400, bad[i].field);
        json_t *j = body_json(&r);
        assert_contains(json_string_value(json_object_get(j, "detail")), bad[i].says);
        assert_int_equal(jint(j, "line"), bad[i].line);
        if (bad[i].column)
            assert_int_equal(jint(j, "column"), bad[i].column);
        else
            assert_null(json_object_get(j, "column"));
        json_decref(j);
        test_response_free(&r);
    }
    assert_int_equal(casualties(), rows);
    assert_int_equal(audits(), logged);
}

/* api/casualty-import-refusals: CSV only (415), admins only (403 for a focal point, 401 for
 * nobody), a cookie write without its CSRF token (403); nothing changes. */
static void import_refusals(void **state)
{
    (void)state;
    int64_t rows = casualties();
    size_t len;
    char *body = test_read_file(FIXTURES "valid_small.csv", &len);
    struct test_response r;
    upload(admin_bearer, "Content-Type: application/json\r\n", body, len, &r);
    assert_problem(&r, 415, "Content-Type");
    test_response_free(&r);
    upload(admin_bearer, NULL, body, len, &r);
    assert_problem(&r, 415, "Content-Type");
    test_response_free(&r);
    upload(focal.headers, CSV_CT, body, len, &r);
    assert_problem(&r, 403, NULL);
    assert_contains(r.body, "data.import");
    test_response_free(&r);
    upload(NULL, CSV_CT, body, len, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
    char cookie_only[256];
    snprintf(cookie_only, sizeof cookie_only, "Cookie: bh_session=%s\r\n", admin.cookie);
    upload(cookie_only, CSV_CT, body, len, &r);
    assert_problem(&r, 403, "X-CSRF-Token");
    test_response_free(&r);
    free(body);
    assert_int_equal(casualties(), rows);
}

/* api/casualty-import-large-body: a file over the server-wide limit (1 MiB here) is accepted
 * by this route, whose limit is 64 MiB; another route still refuses such a body. */
static void import_large_body(void **state)
{
    (void)state;
    enum { N = 12000 };
    size_t cap = (size_t)N * 140 + 512, used = 0;
    char *csv = malloc(cap);
    used += (size_t)snprintf(csv + used, cap - used,
                             "id,incident_date,casualty_id,mission_acronym,type_of_casualty,"
                             "gender,casualty_nationality,casualty_personnel_type,"
                             "type_of_incident,m49_code,isocode3,last_update\n");
    for (int i = 0; i < N; i++)
        used += (size_t)snprintf(csv + used, cap - used,
                                 "%d,2015-%02d-%02d,MINUSCA-2015-%02d-%05d,MINUSCA,Fatality,M,"
                                 "Rwanda,Military,Illness,646.0,RWA,2025-04-04\n",
                                 100000 + i, 1 + i % 12, 1 + i % 28, 1 + i % 12, i);
    assert_true(used > 1024 * 1024);
    int64_t before = casualties();
    struct test_response r;
    upload(admin_bearer, CSV_CT, csv, used, &r);
    if (r.status != 200)
        fail_msg("status %d: %.300s", r.status, r.body);
    json_t *j = body_json(&r);
    assert_int_equal(jint(j, "added"), N);
    assert_int_equal(jint(j, "rejected_count"), 0);
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(casualties(), before + N);

    char headers[512];
    snprintf(headers, sizeof headers, "%s%s", admin_bearer, TEST_JSON_CT);
    test_http(server.port, "POST", "/api/v1/orgs", headers, csv, used, &r);
    assert_problem(&r, 413, NULL);
    test_response_free(&r);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/casualty-import-upload", import_upload),
        BH_TEST("api/casualty-import-unreadable-400", import_unreadable),
        BH_TEST("api/casualty-import-refusals", import_refusals),
        BH_TEST("api/casualty-import-large-body", import_large_body),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
