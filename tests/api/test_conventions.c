/* API conventions every route shares, enforced by the dispatcher: authentication, CSRF,
 * content type, Idempotency-Key, ETag, problem+json naming the field. */
#include "http_client.h"
#include "support.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct test_server server;
static char store[4096];

static json_t *body_json(const struct test_response *r)
{
    json_error_t jerr;
    json_t *j = json_loads(r->body, 0, &jerr);
    if (!j)
        fail_msg("body is not JSON (%s): %s", jerr.text, r->body);
    return j;
}

/* Asserts a problem+json reply with `status` whose "field" is `field` (NULL: absent). */
static void assert_problem(const struct test_response *r, int status, const char *field)
{
    if (r->status != status)
        fail_msg("expected status %d, got %d: %s", status, r->status, r->body);
    assert_string_equal(test_response_header(r, "content-type"), "application/problem+json");
    json_t *j = body_json(r);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    const char *got = json_string_value(json_object_get(j, "field"));
    if (field)
        assert_string_equal(got ? got : "(none)", field);
    else
        assert_null(got);
    json_decref(j);
}

static int setup(void **state)
{
    (void)state;
    char *dir = strdup(test_tmpdir("api_conventions"));
    snprintf(store, sizeof store, "%s/store.db", dir);
    free(dir);
    const char *args[] = { "init", "--db", store, NULL };
    char *out, *err;
    int rc = test_run_bluehelm(args, NULL, &out, &err);
    if (rc != 0)
        fail_msg("init failed (%d): %s%s", rc, out, err);
    free(out);
    free(err);
    test_server_start(&server, store, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    long ms;
    int status = test_server_stop(&server, SIGTERM, &ms);
    if (status != 0)
        fail_msg("server exited with %d; log:\n%s", status, server.log);
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
    assert_non_null(strstr(test_response_header(&r, "set-cookie"), "max-age=0"));
    test_response_free(&r);
    test_http(server.port, "GET", "/healthz", "Cookie: bh_session=forged\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
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
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/version", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    const char *etag = test_response_header(&r, "etag");
    assert_non_null(etag);
    char hdr[256];
    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", etag);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/version", hdr, NULL, 0, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    test_response_free(&r);
    test_http(server.port, "GET", "/api/v1/version", "If-None-Match: \"other\"\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(api_protected_route_needs_credentials),
        cmocka_unit_test(api_forged_token_refused),
        cmocka_unit_test(api_forged_cookie),
        cmocka_unit_test(api_json_content_type_required),
        cmocka_unit_test(api_etag_not_modified),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
