/* GET /api/v1/audit against the real server: who may read it, the filters, the pages, and
 * that what it serves is the chain `bluehelm audit verify` checks. The entries are written by
 * real commands (org add, user add, token create) and by signing in through the API. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "correct horse battery staple"

static struct test_server server;
static char *store;
static char auditor_auth[256]; /* "Authorization: Bearer ...\r\n" */
static char focal_auth[256];

static const char *const orgs[] = { "NOR" };
/* Signed in per test where a session is what is tested; the rest use tokens. */
static const struct test_user users[] = {
    { "olga.auditor", "NOR", "auditor", NULL, NULL, NULL, NULL },
    { "fred.focal", "NOR", "focal_point", NULL, NULL, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_audit", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    test_bearer_for(store, "olga.auditor", NULL, auditor_auth, sizeof auditor_auth);
    test_bearer_for(store, "fred.focal", NULL, focal_auth, sizeof focal_auth);
    test_server_start(&server, store, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* GETs `path` as the auditor and returns the parsed body, failing unless the status is
 * `status`. */
static json_t *as_auditor(const char *path, int status)
{
    return test_get_json(server.port, auditor_auth, path, status);
}

static json_t *items_of(json_t *page)
{
    json_t *items = json_object_get(page, "items");
    assert_true(json_is_array(items));
    return items;
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(not a string)";
}

/* api/audit-auditor-reads: the writes of the setup are there, in order, with their shape. */
static void auditor_reads(void **state)
{
    (void)state;
    json_t *page = as_auditor("/api/v1/audit", 200);
    json_t *items = items_of(page);
    /* org.create, 2 x user.create, 2 x token.create, at least */
    assert_true(json_array_size(items) >= 5);
    assert_int_equal(json_integer_value(json_object_get(page, "total")),
                     (json_int_t)json_array_size(items));
    assert_true(json_is_null(json_object_get(page, "next")));
    json_t *first = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "seq")), 1);
    assert_string_equal(str(first, "action"), "org.create");
    assert_string_equal(str(first, "record_type"), "org");
    assert_true(strncmp(str(first, "user"), "cli:", 4) == 0);
    assert_string_equal(str(first, "org"), "");
    assert_string_equal(str(json_object_get(first, "summary"), "code"), "NOR");
    assert_int_equal(strlen(str(first, "hash")), 64);
    assert_int_equal(strlen(str(first, "at")), strlen("2024-06-01T08:30:00.250Z"));
    static const char *const keys[] = { "seq",         "at",        "user",    "org", "action",
                                        "record_type", "record_id", "summary", "hash" };
    assert_int_equal(json_object_size(first), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(first, keys[i]))
            fail_msg("audit entry lacks %s", keys[i]);
    /* seq increases by one: the API shows the chain as it is */
    for (size_t i = 0; i < json_array_size(items); i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, i), "seq")),
                         (json_int_t)i + 1);
    json_decref(page);
}

/* api/audit-others-forbidden: a focal point gets 403, nobody gets 401. */
static void others_forbidden(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/audit", focal_auth, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/audit", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
}

/* api/audit-filters: each filter narrows to the matching entries. */
static void filters(void **state)
{
    (void)state;
    json_t *page = as_auditor("/api/v1/audit?action=user.create", 200);
    json_t *items = items_of(page);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "record_id"), "olga.auditor");
    assert_string_equal(str(json_array_get(items, 1), "record_id"), "fred.focal");
    assert_int_equal(json_integer_value(json_object_get(page, "total")), 2);
    json_decref(page);

    page = as_auditor("/api/v1/audit?record_type=token&action=token.create", 200);
    assert_int_equal(json_array_size(items_of(page)), 2);
    json_decref(page);

    page = as_auditor("/api/v1/audit?record_type=account&record_id=fred.focal", 200);
    assert_int_equal(json_array_size(items_of(page)), 1);
    json_decref(page);

    page = as_auditor("/api/v1/audit?user=nobody.at.all", 200);
    assert_int_equal(json_array_size(items_of(page)), 0);
    assert_int_equal(json_integer_value(json_object_get(page, "total")), 0);
    json_decref(page);

    page = as_auditor("/api/v1/audit?to=2001-12-31", 200);
    assert_int_equal(json_array_size(items_of(page)), 0);
    json_decref(page);
    page = as_auditor("/api/v1/audit?from=2001-01-01&to=2999-12-31T23:59:59Z", 200);
    assert_true(json_array_size(items_of(page)) >= 5);
    json_decref(page);
}

/* api/audit-sign-in-logged: signing in through the API appends session.create by that user
 * and organization. */
static void sign_in_logged(void **state)
{
    (void)state;
    struct test_session s;
    test_sign_in(server.port, "fred.focal", PASSWORD, &s, NULL);
    json_t *page = as_auditor("/api/v1/audit?action=session.create&user=fred.focal", 200);
    json_t *items = items_of(page);
    assert_true(json_array_size(items) >= 1);
    json_t *e = json_array_get(items, json_array_size(items) - 1);
    assert_string_equal(str(e, "org"), "NOR");
    char *summary = json_dumps(json_object_get(e, "summary"), 0);
    assert_null(strstr(summary, "horse")); /* never the password */
    free(summary);
    json_decref(page);
}

/* api/audit-pages: limit and cursor walk the whole log once, in order. */
static void pages(void **state)
{
    (void)state;
    json_t *all = as_auditor("/api/v1/audit?limit=500", 200);
    size_t n = json_array_size(items_of(all));
    char path[512] = "/api/v1/audit?limit=2";
    size_t seen = 0;
    for (int guard = 0; guard < 100; guard++) {
        json_t *page = as_auditor(path, 200);
        json_t *items = items_of(page);
        for (size_t i = 0; i < json_array_size(items); i++, seen++)
            assert_int_equal(
                json_integer_value(json_object_get(json_array_get(items, i), "seq")),
                json_integer_value(json_object_get(json_array_get(items_of(all), seen), "seq")));
        assert_int_equal(json_integer_value(json_object_get(page, "total")), (json_int_t)n);
        const char *next = json_string_value(json_object_get(page, "next"));
        if (!next) {
            json_decref(page);
            break;
        }
        assert_int_equal(json_array_size(items), 2);
        snprintf(path, sizeof path, "/api/v1/audit?limit=2&cursor=%s", next);
        json_decref(page);
    }
    assert_int_equal(seen, n);
    json_decref(all);
}

/* api/audit-bad-filters: 400 naming the parameter. */
static void bad_filters(void **state)
{
    (void)state;
    static const struct {
        const char *query, *field;
    } cases[] = {
        { "from=yesterday", "from" },
        { "to=2024-02-30", "to" },
        { "from=2024-06-01T25:00:00Z", "from" },
        { "limit=0", "limit" },
        { "cursor=not-a-cursor", "cursor" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/audit?%s", cases[i].query);
        json_t *p = as_auditor(path, 400);
        if (strcmp(str(p, "field"), cases[i].field) != 0)
            fail_msg("%s: field %s, expected %s", path, str(p, "field"), cases[i].field);
        json_decref(p);
    }
}

/* api/audit-matches-verify: the rows the API serves are the chain verify checks. */
static void matches_verify(void **state)
{
    (void)state;
    json_t *page = as_auditor("/api/v1/audit?limit=500", 200);
    json_int_t total = json_integer_value(json_object_get(page, "total"));
    json_t *items = items_of(page);
    const char *last_hash = str(json_array_get(items, json_array_size(items) - 1), "hash");
    char expect[256];
    snprintf(expect, sizeof expect, "audit log: %lld rows, chain intact\nlast hash: %s\n",
             (long long)total, last_hash);
    char *out;
    test_cli_ok(store, NULL, (const char *[]){ "audit", "verify", NULL }, &out);
    assert_string_equal(out, expect);
    free(out);
    json_decref(page);
}

/* api/audit-verify: the auditor's verify answers what `bluehelm audit verify` prints: the
 * chain intact, the count of entries and the last hash; a focal point gets 403, nobody 401. */
static void verify_reads_chain(void **state)
{
    (void)state;
    json_t *v = as_auditor("/api/v1/audit/verify", 200);
    json_t *page = as_auditor("/api/v1/audit?limit=500", 200);
    json_int_t total = json_integer_value(json_object_get(page, "total"));
    json_t *items = items_of(page);
    assert_true(json_is_true(json_object_get(v, "ok")));
    assert_int_equal(json_integer_value(json_object_get(v, "entries")), total);
    assert_true(json_is_null(json_object_get(v, "first_bad_seq")));
    assert_true(json_is_null(json_object_get(v, "reason")));
    assert_string_equal(str(v, "last_hash"),
                        str(json_array_get(items, json_array_size(items) - 1), "hash"));
    char expect[256];
    snprintf(expect, sizeof expect, "audit log: %lld rows, chain intact\nlast hash: %s\n",
             (long long)json_integer_value(json_object_get(v, "entries")), str(v, "last_hash"));
    char *out;
    test_cli_ok(store, NULL, (const char *[]){ "audit", "verify", NULL }, &out);
    assert_string_equal(out, expect);
    free(out);
    json_decref(page);
    json_decref(v);

    struct test_response r;
    test_http(server.port, "GET", "/api/v1/audit/verify", focal_auth, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/audit/verify", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
}

/* api/audit-filter-values: the range the wrong way round and values that are no name (too
 * long, control characters) are 400 naming the parameter, not an empty page. */
static void filter_values(void **state)
{
    (void)state;
    static const struct {
        const char *query, *field;
    } cases[] = {
        { "from=2024-06-02&to=2024-06-01", "to" },
        { "from=2024-06-01T10:00:00Z&to=2024-06-01T09:59:59Z", "to" },
        { "user=a%0Ab", "user" },
        { "org=%01", "org" },
        { "action=x%09y", "action" },
        { "record_id=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "record_id" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "/api/v1/audit?%s", cases[i].query);
        json_t *p = as_auditor(path, 400);
        if (strcmp(str(p, "field"), cases[i].field) != 0)
            fail_msg("%s: field %s, expected %s", path, str(p, "field"), cases[i].field);
        json_decref(p);
    }
    /* The same day as both bounds is a range, not a mistake. */
    json_t *p = as_auditor("/api/v1/audit?from=2001-01-01&to=2001-01-01", 200);
    json_decref(p);
}

/* api/audit-verify-broken: a row changed behind the platform's back (triggers dropped, as
 * someone with the file would) is named by verify as the first bad entry, with the reason the
 * CLI gives. Last: the store stays broken. */
static void verify_broken(void **state)
{
    (void)state;
    struct db *db;
    struct bh_error err;
    if (db_open(&db, store, 0, &err) ||
        db_exec(db,
                "DROP TRIGGER audit_log_no_update; "
                "UPDATE audit_log SET summary = '{}' WHERE seq = 3;",
                &err))
        fail_msg("tampering: %s", err.message);
    db_close(db);
    json_t *v = as_auditor("/api/v1/audit/verify", 200);
    assert_true(json_is_false(json_object_get(v, "ok")));
    assert_int_equal(json_integer_value(json_object_get(v, "first_bad_seq")), 3);
    assert_string_equal(str(v, "reason"), "row 3 was changed");
    assert_true(json_is_null(json_object_get(v, "last_hash")));
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/audit-auditor-reads", auditor_reads),
        BH_TEST("api/audit-others-forbidden", others_forbidden),
        BH_TEST("api/audit-filters", filters),
        BH_TEST("api/audit-sign-in-logged", sign_in_logged),
        BH_TEST("api/audit-pages", pages),
        BH_TEST("api/audit-bad-filters", bad_filters),
        BH_TEST("api/audit-matches-verify", matches_verify),
        BH_TEST("api/audit-verify", verify_reads_chain),
        BH_TEST("api/audit-filter-values", filter_values),
        BH_TEST("api/audit-verify-broken", verify_broken),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
