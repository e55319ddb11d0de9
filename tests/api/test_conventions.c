/* API conventions every route shares, enforced by the dispatcher: authentication, CSRF,
 * content type, Idempotency-Key, ETag, problem+json naming the field. */
#include "api_helpers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ADMIN_PASSWORD "conventions-admin-pass-1"

static struct test_server server;
static char *store;
/* The first admin, signed in: the cookie and the CSRF token authenticate the writes. */
static struct test_session admin;

static int setup(void **state)
{
    (void)state;
    store = test_init_seeded_store("api_conventions", ADMIN_PASSWORD);
    test_server_start(&server, store, NULL);
    test_sign_in(server.port, "admin", ADMIN_PASSWORD, &admin, NULL);
    return 0;
}

/* POSTs JSON with the session and any extra header lines. */
static void post_json(const char *path, const char *extra, const char *body,
                      struct test_response *r)
{
    char headers[1024];
    snprintf(headers, sizeof headers, "%s%s", admin.headers, extra ? extra : "");
    test_call(server.port, headers, "POST", path, body, r);
}

/* Whether `needle` occurs in the `len` bytes at `hay` (memmem is a GNU extension). */
static int contains_bytes(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

static long long org_total(void)
{
    json_t *j = test_get_json(server.port, admin.headers, "/api/v1/orgs?limit=1", 200);
    long long total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return total;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* api/protected-route-needs-credentials: 401, problem+json, WWW-Authenticate. */
static void api_protected_route_needs_credentials(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/orgs", NULL, NULL, 0, &r);
    assert_problem(&r, 401, NULL);
    assert_non_null(test_response_header(&r, "www-authenticate"));
    test_response_free(&r);
}

/* api/forged-token-refused: a token that was never issued is refused even on a public
 * route, so a script with a wrong token hears about it. */
static void api_forged_token_refused(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/orgs",
              "Authorization: Bearer bh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", NULL, 0,
              &r);
    assert_problem(&r, 401, "Authorization");
    test_response_free(&r);
    test_http(server.port, "GET", "/healthz", "Authorization: Bearer nonsense\r\n", NULL, 0, &r);
    assert_problem(&r, 401, "Authorization");
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/orgs", "Authorization: Basic YWRtaW46YWRtaW4=\r\n", NULL,
              0, &r);
    assert_problem(&r, 401, "Authorization");
    test_response_free(&r);
}

/* api/forged-cookie: refused on a protected route (and the cookie is cleared); ignored on a
 * public one, so a stale cookie never blocks signing in again. */
static void api_forged_cookie(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/orgs", "Cookie: bh_session=forged\r\n", NULL, 0, &r);
    assert_problem(&r, 401, "bh_session");
    assert_contains(test_response_header(&r, "set-cookie"), "Max-Age=0");
    test_response_free(&r);
    test_http(server.port, "GET", "/healthz", "Cookie: bh_session=forged\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

/* api/anonymous-upload-refused-before-body: a protected route without credentials answers
 * 401 from the headers alone; the 50 MB body announced here is never sent, and the server
 * must not wait for it. */
static void api_anonymous_upload_refused_before_body(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "POST", "/api/v1/casualties/import",
              "Content-Type: text/csv\r\nContent-Length: 50000000\r\n", NULL, 0, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* api/json-content-type-required: a JSON route refuses another media type with 415. */
static void api_json_content_type_required(void **state)
{
    (void)state;
    const char *body = "username=a&password=b";
    struct test_response r;
    test_http(server.port, "POST", "/api/v1/session",
              "Content-Type: application/x-www-form-urlencoded\r\n", body, strlen(body), &r);
    assert_problem(&r, 415, "Content-Type");
    test_response_free(&r);
}

/* api/etag-not-modified: a repeated GET with If-None-Match gets 304 and no body. */
static void api_etag_not_modified(void **state)
{
    (void)state;
    assert_not_modified(server.port, "/api/v1/version");
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/version", "If-None-Match: \"other\"\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

/* api/idempotent-retry: the same POST with the same Idempotency-Key creates one record and
 * replays the first reply; the key with another body is refused. */
static void api_idempotent_retry(void **state)
{
    (void)state;
    long long before = org_total();
    const char *body = "{\"code\":\"GHA\",\"kind\":\"member_state\",\"name\":\"Ghana\","
                       "\"standing\":\"member\"}";
    struct test_response first, again;
    post_json("/api/v1/orgs", "Idempotency-Key: add-ghana-1\r\n", body, &first);
    assert_int_equal(first.status, 201);
    assert_null(test_response_header(&first, "idempotent-replayed"));
    post_json("/api/v1/orgs", "Idempotency-Key: add-ghana-1\r\n", body, &again);
    assert_int_equal(again.status, 201);
    assert_string_equal(test_response_header(&again, "idempotent-replayed"), "true");
    assert_string_equal(again.body, first.body);
    assert_int_equal(org_total(), before + 1);
    test_response_free(&again);
    const char *other = "{\"code\":\"KEN\",\"kind\":\"member_state\",\"name\":\"Kenya\"}";
    post_json("/api/v1/orgs", "Idempotency-Key: add-ghana-1\r\n", other, &again);
    assert_problem(&again, 422, "Idempotency-Key");
    /* The 422 row of the error table, not CONFLICT (409). */
    assert_contains(again.body, "\"title\":\"Unprocessable Content\"");
    assert_contains(again.body, "\"code\":\"UNPROCESSABLE\"");
    assert_int_equal(org_total(), before + 1);
    test_response_free(&again);
    /* Without a key, the retry is a second create, refused as a conflict: still one Ghana. */
    post_json("/api/v1/orgs", NULL, body, &again);
    assert_int_equal(again.status, 409);
    assert_int_equal(org_total(), before + 1);
    test_response_free(&again);
    test_response_free(&first);
}

/* api/idempotent-token-not-stored: a token created under Idempotency-Key is replayed as
 * null and never kept in the store in the clear. */
static void api_idempotent_token_not_stored(void **state)
{
    (void)state;
    struct test_response first, again;
    post_json("/api/v1/tokens", "Idempotency-Key: tok-1\r\n", "{\"name\":\"nightly\"}", &first);
    assert_int_equal(first.status, 201);
    json_t *j = body_json(&first);
    const char *token = json_string_value(json_object_get(j, "token"));
    assert_non_null(token);
    assert_true(strlen(token) > 20);
    post_json("/api/v1/tokens", "Idempotency-Key: tok-1\r\n", "{\"name\":\"nightly\"}", &again);
    assert_int_equal(again.status, 201);
    json_t *k = body_json(&again);
    assert_true(json_is_null(json_object_get(k, "token")));
    assert_int_equal(json_integer_value(json_object_get(k, "id")),
                     json_integer_value(json_object_get(j, "id")));
    /* The store and its write-ahead log never hold the token's text. */
    const char *files[] = { "", "-wal" };
    for (size_t i = 0; i < 2; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s%s", store, files[i]);
        size_t len;
        char *bytes = test_read_file(path, &len);
        if (!bytes)
            continue;
        if (contains_bytes(bytes, len, token))
            fail_msg("the token's text is in %s", path);
        free(bytes);
    }
    json_decref(j);
    json_decref(k);
    test_response_free(&first);
    test_response_free(&again);
}

/* api/bad-json-names-field: malformed JSON, duplicate keys, unknown fields, wrong types and
 * invalid UTF-8 are 400 with the field named, and nothing is written. */
static void api_bad_json_names_field(void **state)
{
    (void)state;
    long long before = org_total();
    static const struct {
        const char *body;
        const char *field;
    } cases[] = {
        { "{\"code\":\"TGO\",", "body" },
        { "[1,2]", "body" },
        { "{\"code\":\"TGO\",\"code\":\"TGX\",\"kind\":\"member_state\",\"name\":\"T\"}", "body" },
        { "{\"code\":\"TGO\",\"kind\":\"member_state\",\"name\":\"Togo\",\"colour\":1}", "colour" },
        { "{\"code\":\"TGO\",\"kind\":\"member_state\",\"name\":42}", "name" },
        { "{\"code\":\"TGO\",\"kind\":\"member_state\",\"name\":\"To\xff\xfego\"}", "body" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        post_json("/api/v1/orgs", NULL, cases[i].body, &r);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    assert_int_equal(org_total(), before);
}

/* api/pagination: following `next` visits every organization once; bad cursors and limits
 * are 400 naming the parameter. */
static void api_pagination(void **state)
{
    (void)state;
    long long total = org_total();
    char path[512] = "/api/v1/orgs?limit=7";
    long long seen = 0;
    char last[64] = "";
    for (int pages = 0; pages < 100; pages++) {
        json_t *j = test_get_json(server.port, admin.headers, path, 200);
        json_t *items = json_object_get(j, "items");
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item)
        {
            const char *code = json_string_value(json_object_get(item, "code"));
            /* Strictly increasing codes: nothing repeated, nothing skipped by the cursor. */
            assert_true(strcmp(code, last) > 0);
            snprintf(last, sizeof last, "%s", code);
            seen++;
        }
        const char *next = json_string_value(json_object_get(j, "next"));
        if (next)
            snprintf(path, sizeof path, "/api/v1/orgs?limit=7&cursor=%s", next);
        json_decref(j);
        if (!next)
            break;
    }
    assert_int_equal(seen, total);
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/orgs?cursor=not-a-cursor", admin.headers, NULL, 0, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/orgs?limit=0", admin.headers, NULL, 0, &r);
    assert_problem(&r, 400, "limit");
    test_response_free(&r);
}

/* api/csrf-required-for-cookie-writes */
static void api_csrf_required_for_cookie_writes(void **state)
{
    (void)state;
    char only_cookie[256];
    snprintf(only_cookie, sizeof only_cookie, "Cookie: bh_session=%s\r\n", admin.cookie);
    struct test_response r;
    test_call(server.port, only_cookie, "POST", "/api/v1/tokens", "{\"name\":\"no-csrf\"}", &r);
    assert_problem(&r, 403, "X-CSRF-Token");
    test_response_free(&r);
}

/* The `len` gzip bytes at `z` inflated (heap, NUL-terminated); fails on a bad stream. */
static char *gunzip(const char *z, size_t len, size_t *out_len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    s.next_in = (Bytef *)z;
    s.avail_in = (uInt)len;
    int rc;
    do {
        if (cap - n < 65536)
            out = realloc(out, cap *= 2);
        s.next_out = (Bytef *)out + n;
        s.avail_out = (uInt)(cap - n - 1);
        rc = inflate(&s, Z_NO_FLUSH);
        n = s.total_out;
    } while (rc == Z_OK);
    inflateEnd(&s);
    if (rc != Z_STREAM_END)
        fail_msg("not a whole gzip stream (%d)", rc);
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* api/gzip: a client that takes gzip gets large JSON compressed, byte for byte the same once
 * inflated, with its own ETag that revalidates to 304; one that refuses it (q=0) or says
 * nothing gets the plain bytes; small replies go plain. */
static void api_gzip(void **state)
{
    (void)state;
    struct test_response plain, gz, r;
    test_http(server.port, "GET", "/api/v1/openapi.json", NULL, NULL, 0, &plain);
    assert_int_equal(plain.status, 200);
    assert_null(test_response_header(&plain, "content-encoding"));
    assert_header(&plain, "vary", "Accept-Encoding, Accept-Language");
    char plain_etag[80];
    snprintf(plain_etag, sizeof plain_etag, "%s", test_response_header(&plain, "etag"));

    test_http(server.port, "GET", "/api/v1/openapi.json", "Accept-Encoding: br, gzip\r\n", NULL, 0,
              &gz);
    assert_int_equal(gz.status, 200);
    assert_header(&gz, "content-encoding", "gzip");
    assert_header(&gz, "vary", "Accept-Encoding, Accept-Language");
    assert_true(gz.body_len * 4 < plain.body_len); /* JSON compresses well */
    size_t n;
    char *inflated = gunzip(gz.body, gz.body_len, &n);
    assert_int_equal(n, plain.body_len);
    assert_memory_equal(inflated, plain.body, n);
    free(inflated);
    const char *etag = test_response_header(&gz, "etag");
    assert_string_not_equal(etag, plain_etag);
    assert_contains(etag, "-gzip\"");

    char headers[256];
    snprintf(headers, sizeof headers, "Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", etag);
    test_http(server.port, "GET", "/api/v1/openapi.json", headers, NULL, 0, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    test_response_free(&r);

    test_http(server.port, "GET", "/api/v1/openapi.json", "Accept-Encoding: gzip;q=0\r\n", NULL, 0,
              &r);
    assert_null(test_response_header(&r, "content-encoding"));
    assert_int_equal(r.body_len, plain.body_len);
    test_response_free(&r);

    test_http(server.port, "GET", "/healthz", "Accept-Encoding: gzip\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_null(test_response_header(&r, "content-encoding"));
    test_response_free(&r);
    test_response_free(&gz);
    test_response_free(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/protected-route-needs-credentials", api_protected_route_needs_credentials),
        BH_TEST("api/forged-token-refused", api_forged_token_refused),
        BH_TEST("api/forged-cookie", api_forged_cookie),
        BH_TEST("api/json-content-type-required", api_json_content_type_required),
        BH_TEST("api/anonymous-upload-refused-before-body",
                api_anonymous_upload_refused_before_body),
        BH_TEST("api/etag-not-modified", api_etag_not_modified),
        BH_TEST("api/gzip", api_gzip),
        BH_TEST("api/idempotent-retry", api_idempotent_retry),
        BH_TEST("api/idempotent-token-not-stored", api_idempotent_token_not_stored),
        BH_TEST("api/bad-json-names-field", api_bad_json_names_field),
        BH_TEST("api/pagination", api_pagination),
        BH_TEST("api/csrf-required-for-cookie-writes", api_csrf_required_for_cookie_writes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
