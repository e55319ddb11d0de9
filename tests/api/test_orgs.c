/* The member directory over HTTP: the real server, real sign-ins, real CSRF. GET lists with
 * filters and cursor pages, GET one, POST by an admin; everyone else is refused. */
#define _GNU_SOURCE /* strcasestr */
#include "http_client.h"
#include "support.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PASSWORD "Sahel convoy 2021 escort\n"

static struct test_server server;
static char store[4096];

/* A signed-in user: the headers every request of theirs carries. */
struct user {
    char headers[1024]; /* Cookie and X-CSRF-Token lines */
};
static struct user admin, focal;

static void bluehelm(const char *const *args, const char *input)
{
    char *out, *err;
    int rc = input ? test_run_bluehelm_input(args, NULL, input, &out, &err)
                   : test_run_bluehelm(args, NULL, &out, &err);
    if (rc != 0)
        fail_msg("bluehelm %s %s failed (%d): %s%s", args[0], args[1], rc, out, err);
    free(out);
    free(err);
}

static json_t *body_json(const struct test_response *r)
{
    json_error_t jerr;
    json_t *j = json_loads(r->body, 0, &jerr);
    if (!j)
        fail_msg("body is not JSON (%s): %s", jerr.text, r->body);
    return j;
}

/* Signs in over a raw socket: the test client lowercases the whole header block, and a
 * session cookie's value is case-sensitive, so Set-Cookie is read here as sent. */
static void sign_in(const char *username, struct user *u)
{
    char body[256], req[1024];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%.*s\"}", username,
             (int)strlen(PASSWORD) - 1, PASSWORD);
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    int fd = test_connect(server.port);
    if (write(fd, req, (size_t)n) != n)
        fail_msg("cannot send the sign-in request");
    char raw[8192];
    size_t len = 0;
    ssize_t got;
    while (len < sizeof raw - 1 && (got = read(fd, raw + len, sizeof raw - 1 - len)) > 0)
        len += (size_t)got;
    close(fd);
    raw[len] = '\0';
    if (strncmp(raw, "HTTP/1.1 201", 12) != 0)
        fail_msg("sign-in of %s failed:\n%s", username, raw);
    const char *cookie = strcasestr(raw, "\r\nSet-Cookie: ");
    const char *start = strstr(raw, "\r\n\r\n");
    assert_non_null(cookie);
    assert_non_null(start);
    cookie += strlen("\r\nSet-Cookie: ");
    json_t *j = json_loads(start + 4, 0, NULL);
    assert_non_null(j);
    snprintf(u->headers, sizeof u->headers, "Cookie: %.*s\r\nX-CSRF-Token: %s\r\n",
             (int)strcspn(cookie, ";\r"), cookie,
             json_string_value(json_object_get(j, "csrf_token")));
    json_decref(j);
}

/* Sends a request as `u` (NULL: nobody); JSON bodies get their content type. */
static void call(const struct user *u, const char *method, const char *path, const char *body,
                 struct test_response *r)
{
    char headers[2048];
    snprintf(headers, sizeof headers, "%s%s", u ? u->headers : "",
             body ? "Content-Type: application/json\r\n" : "");
    test_http(server.port, method, path, headers, body, body ? strlen(body) : 0, r);
}

static void assert_problem(const struct test_response *r, int status, const char *field)
{
    if (r->status != status)
        fail_msg("expected status %d, got %d: %s", status, r->status, r->body);
    assert_string_equal(test_response_header(r, "content-type"), "application/problem+json");
    json_t *j = body_json(r);
    const char *got = json_string_value(json_object_get(j, "field"));
    if (field)
        assert_string_equal(got ? got : "(none)", field);
    json_decref(j);
}

static int setup(void **state)
{
    (void)state;
    char *dir = strdup(test_tmpdir("api_orgs"));
    snprintf(store, sizeof store, "%s/store.db", dir);
    free(dir);
    bluehelm((const char *[]){ "init", "--db", store, NULL }, NULL);
    bluehelm((const char *[]){ "org", "add", "DPO", "--kind", "un_entity", "--name",
                               "Department of Peace Operations", "--db", store, NULL },
             NULL);
    bluehelm((const char *[]){ "org", "add", "CHN", "--kind", "member_state", "--name", "China",
                               "--standing", "co_chair", "--roles", "tcc,pcc,financial", "--joined",
                               "2021-04-27", "--db", store, NULL },
             NULL);
    bluehelm((const char *[]){ "org", "add", "BRA", "--kind", "member_state", "--name", "Brazil",
                               "--standing", "co_chair", "--db", store, NULL },
             NULL);
    bluehelm((const char *[]){ "org", "add", "UNMISS", "--kind", "mission", "--name",
                               "United Nations Mission in South Sudan", "--db", store, NULL },
             NULL);
    bluehelm((const char *[]){ "user", "add", "secretariat", "--org", "DPO", "--role", "admin",
                               "--password-stdin", "--db", store, NULL },
             PASSWORD);
    bluehelm((const char *[]){ "user", "add", "chn.fp", "--org", "CHN", "--role", "focal_point",
                               "--password-stdin", "--db", store, NULL },
             PASSWORD);
    test_server_start(&server, store, NULL);
    sign_in("secretariat", &admin);
    sign_in("chn.fp", &focal);
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

/* Codes of a list reply's items, joined by spaces. */
static void codes(json_t *reply, char *out, size_t cap)
{
    size_t i, used = 0;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(reply, "items"), i, it)
    {
        int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "",
                         json_string_value(json_object_get(it, "code")));
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
}

/* api/orgs-list */
static void api_orgs_list(void **state)
{
    (void)state;
    struct test_response r;
    call(&focal, "GET", "/api/v1/orgs", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    char got[256];
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN DPO UNMISS");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    assert_true(json_is_null(json_object_get(j, "next")));
    /* The whole object of one organization. */
    json_t *chn = json_array_get(json_object_get(j, "items"), 1);
    json_object_del(chn, "created_at");
    char *text = json_dumps(chn, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(text, "{\"code\":\"CHN\",\"country\":\"CHN\",\"joined\":\"2021-04-27\","
                              "\"kind\":\"member_state\",\"mission\":null,\"name\":\"China\","
                              "\"roles\":[\"tcc\",\"pcc\",\"financial\"],\"standing\":"
                              "\"co_chair\"}");
    free(text);
    json_decref(j);
    test_response_free(&r);

    /* Pages of three: the cursor takes us on; the total counts all. */
    call(&focal, "GET", "/api/v1/orgs?limit=3", NULL, &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN DPO");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    const char *next = json_string_value(json_object_get(j, "next"));
    assert_non_null(next);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/orgs?limit=3&cursor=%s", next);
    json_decref(j);
    test_response_free(&r);
    call(&focal, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    codes(j, got, sizeof got);
    assert_string_equal(got, "UNMISS");
    assert_true(json_is_null(json_object_get(j, "next")));
    json_decref(j);
    test_response_free(&r);

    /* Filters, with the total of the filtered list. */
    call(&focal, "GET", "/api/v1/orgs?kind=member_state&standing=co_chair", NULL, &r);
    j = body_json(&r);
    codes(j, got, sizeof got);
    assert_string_equal(got, "BRA CHN");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);
    test_response_free(&r);
    call(&focal, "GET", "/api/v1/orgs?kind=mission", NULL, &r);
    j = body_json(&r);
    codes(j, got, sizeof got);
    assert_string_equal(got, "UNMISS");
    json_decref(j);
    test_response_free(&r);

    call(&focal, "GET", "/api/v1/orgs?kind=navy", NULL, &r);
    assert_problem(&r, 400, "kind");
    test_response_free(&r);
    call(&focal, "GET", "/api/v1/orgs?standing=chair", NULL, &r);
    assert_problem(&r, 400, "standing");
    test_response_free(&r);
    call(&focal, "GET", "/api/v1/orgs?cursor=garbage", NULL, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
}

/* api/orgs-get */
static void api_orgs_get(void **state)
{
    (void)state;
    struct test_response r;
    call(&focal, "GET", "/api/v1/orgs/UNMISS", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "mission");
    assert_string_equal(json_string_value(json_object_get(j, "mission")), "UNMISS");
    assert_string_equal(json_string_value(json_object_get(j, "standing")), "none");
    json_decref(j);
    test_response_free(&r);
    call(&focal, "GET", "/api/v1/orgs/ATLANTIS", NULL, &r);
    assert_problem(&r, 404, "code");
    test_response_free(&r);
    call(NULL, "GET", "/api/v1/orgs/CHN", NULL, &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* api/orgs-create */
static void api_orgs_create(void **state)
{
    (void)state;
    const char *nor = "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"Norway\","
                      "\"standing\":\"member\",\"roles\":[\"tcc\"],\"joined\":\"2022-03-01\"}";
    struct test_response r;

    /* A focal point may read the directory but not add to it. */
    call(&focal, "POST", "/api/v1/orgs", nor, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    call(&admin, "POST", "/api/v1/orgs", nor, &r);
    if (r.status != 201)
        fail_msg("expected 201, got %d: %s", r.status, r.body);
    /* Compared without case: the test client lowercases every header, values included. */
    const char *location = test_response_header(&r, "location");
    assert_non_null(location);
    if (strcasecmp(location, "/api/v1/orgs/NOR") != 0)
        fail_msg("Location: expected /api/v1/orgs/NOR, got %s", location);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Norway");
    assert_string_equal(json_string_value(json_object_get(j, "country")), "NOR");
    assert_string_equal(json_string_value(json_object_get(j, "joined")), "2022-03-01");
    json_decref(j);
    test_response_free(&r);

    call(&focal, "GET", "/api/v1/orgs/NOR", NULL, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);

    call(&admin, "POST", "/api/v1/orgs", nor, &r);
    assert_problem(&r, 409, "code");
    test_response_free(&r);

    const struct {
        const char *body;
        const char *field;
    } bad[] = {
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"Sweden\",\"size\":1}", "size" },
        { "{\"code\":\"sw\",\"kind\":\"un_entity\",\"name\":\"S\"}", "code" },
        { "{\"code\":\"SWE\",\"kind\":\"kingdom\",\"name\":\"Sweden\"}", "kind" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\"}", "name" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"standing\":\"x\"}",
          "standing" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"roles\":[\"navy\"]}",
          "roles" },
        { "{\"code\":\"SWE\",\"kind\":\"member_state\",\"name\":\"S\",\"joined\":\"2099-01-01\"}",
          "joined" },
        { "{\"code\":\"UNXX\",\"kind\":\"mission\",\"name\":\"S\"}", "mission" },
        { "{\"code\":\"SWE\",\"code\":\"FIN\",\"kind\":\"member_state\",\"name\":\"S\"}", "body" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        call(&admin, "POST", "/api/v1/orgs", bad[i].body, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }

    /* Nothing of those was written. */
    call(&focal, "GET", "/api/v1/orgs", NULL, &r);
    j = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
    json_decref(j);
    test_response_free(&r);

    /* A cookie write without the CSRF token is refused. */
    char no_csrf[512];
    snprintf(no_csrf, sizeof no_csrf, "%.*s",
             (int)(strstr(admin.headers, "X-CSRF") - admin.headers), admin.headers);
    char headers[1024];
    snprintf(headers, sizeof headers, "%sContent-Type: application/json\r\n", no_csrf);
    const char *fin = "{\"code\":\"FIN\",\"kind\":\"member_state\",\"name\":\"Finland\"}";
    test_http(server.port, "POST", "/api/v1/orgs", headers, fin, strlen(fin), &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    call(&focal, "GET", "/api/v1/orgs/FIN", NULL, &r);
    assert_int_equal(r.status, 404);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(api_orgs_list),
        cmocka_unit_test(api_orgs_get),
        cmocka_unit_test(api_orgs_create),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
