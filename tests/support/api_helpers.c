#include "api_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *test_body_json(const struct test_response *r, const char *file, int line)
{
    json_error_t jerr;
    json_t *j = json_loads(r->body, 0, &jerr);
    if (!j)
        test_fail_at(file, line, "body is not JSON (%s): %s", jerr.text, r->body);
    return j;
}

void test_assert_header(const struct test_response *r, const char *name, const char *want,
                        const char *file, int line)
{
    const char *got = test_response_header(r, name);
    if (!got || strcmp(got, want) != 0)
        test_fail_at(file, line, "header %s: expected '%s', got '%s'", name, want,
                     got ? got : "(absent)");
}

void test_assert_problem(const struct test_response *r, int status, const char *field,
                         const char *file, int line)
{
    if (r->status != status)
        test_fail_at(file, line, "expected status %d, got %d: %s", status, r->status, r->body);
    test_assert_header(r, "content-type", "application/problem+json", file, line);
    json_t *j = test_body_json(r, file, line);
    json_int_t body_status = json_integer_value(json_object_get(j, "status"));
    const char *got = json_string_value(json_object_get(j, "field"));
    if (body_status != status)
        test_fail_at(file, line, "status %d, but the body says %lld: %s", status,
                     (long long)body_status, r->body);
    else if (field && (!got || strcmp(got, field) != 0))
        test_fail_at(file, line, "expected the field \"%s\", got %s: %s", field, got ? got : "none",
                     r->body);
    else if (!field && got)
        test_fail_at(file, line, "expected no field, got \"%s\": %s", got, r->body);
    json_decref(j);
}

json_t *test_get_json_at(int port, const char *headers, const char *path, int status,
                         const char *file, int line)
{
    struct test_response r;
    test_http(port, "GET", path, headers, NULL, 0, &r);
    if (r.status != status)
        test_fail_at(file, line, "GET %s: expected %d, got %d: %s", path, status, r.status, r.body);
    json_t *j = test_body_json(&r, file, line);
    test_response_free(&r);
    return j;
}

void test_call(int port, const char *headers, const char *method, const char *path,
               const char *body, struct test_response *r)
{
    char all[2048];
    if ((size_t)snprintf(all, sizeof all, "%s%s", headers ? headers : "",
                         body ? TEST_JSON_CT : "") >= sizeof all)
        fail_msg("%s %s: the header lines are longer than %zu bytes", method, path, sizeof all);
    test_http(port, method, path, all, body, body ? strlen(body) : 0, r);
}

void test_sign_in_at(int port, const char *username, const char *password, struct test_session *s,
                     json_t **reply, const char *file, int line)
{
    char body[512];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    struct test_response r;
    test_call(port, NULL, "POST", "/api/v1/session", body, &r);
    if (r.status != 201)
        test_fail_at(file, line, "sign-in of %s: status %d: %s", username, r.status, r.body);
    const char *set = test_response_header(&r, "set-cookie");
    const char *prefix = "bh_session=";
    if (!set || strncmp(set, "bh_session=bhs_", 15) != 0)
        test_fail_at(file, line, "sign-in of %s: Set-Cookie %s", username, set ? set : "(absent)");
    else
        snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(set + strlen(prefix), ";"),
                 set + strlen(prefix));
    json_t *j = test_body_json(&r, file, line);
    const char *csrf = json_string_value(json_object_get(j, "csrf_token"));
    if (!csrf)
        test_fail_at(file, line, "sign-in of %s: no csrf_token in %s", username, r.body);
    else
        snprintf(s->csrf, sizeof s->csrf, "%s", csrf);
    snprintf(s->headers, sizeof s->headers, "Cookie: bh_session=%s\r\nX-CSRF-Token: %s\r\n",
             s->cookie, s->csrf);
    if (reply)
        *reply = j;
    else
        json_decref(j);
    test_response_free(&r);
}

void test_bearer(char *out, size_t cap, const char *token)
{
    snprintf(out, cap, "Authorization: Bearer %s\r\n", token);
}

void test_assert_not_modified(int port, const char *path, const char *file, int line)
{
    struct test_response r;
    test_http(port, "GET", path, NULL, NULL, 0, &r);
    if (r.status != 200)
        test_fail_at(file, line, "GET %s: expected 200, got %d", path, r.status);
    const char *etag = test_response_header(&r, "etag");
    if (!etag)
        test_fail_at(file, line, "GET %s: no ETag", path);
    char header[256];
    snprintf(header, sizeof header, "If-None-Match: %s\r\n", etag);
    test_response_free(&r);
    test_http(port, "GET", path, header, NULL, 0, &r);
    if (r.status != 304 || r.body_len != 0)
        test_fail_at(file, line, "GET %s with %s: expected 304 and no body, got %d and %zu bytes",
                     path, header, r.status, r.body_len);
    test_response_free(&r);
}

void test_bearer_for(const char *db, const char *user, const char *name, char *out, size_t cap)
{
    char token[ACCOUNT_TOKEN_MAX];
    test_create_token(db, user, name, token, sizeof token);
    test_bearer(out, cap, token);
}

const char *test_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

bool test_listed(const json_t *items, const char *id)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *s = test_str(it, "id");
        if (s && strcmp(s, id) == 0)
            return true;
    }
    return false;
}
