/* Sharing groups over HTTP: coordinators and admins create; only the owner's coordinators and
 * admins change or delete (403 for the others: the directory is no secret); unknown members
 * fail naming the code and write nothing. */
#define _GNU_SOURCE /* strcasestr */
#include "http_client.h"
#include "support.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD "Sahel convoy 2021 escort\n"

static struct test_server server;
static char store[4096];

/* A signed-in user: the headers every request of theirs carries. */
struct user {
    char headers[1024]; /* Cookie and X-CSRF-Token lines */
};
static struct user admin, chn_coord, bra_coord, chn_fp;

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
    char *dir = strdup(test_tmpdir("api_groups"));
    snprintf(store, sizeof store, "%s/store.db", dir);
    free(dir);
    bluehelm((const char *[]){ "init", "--db", store, NULL }, NULL);
    const char *orgs[][3] = { { "DPO", "un_entity", "Department of Peace Operations" },
                              { "CHN", "member_state", "China" },
                              { "BRA", "member_state", "Brazil" },
                              { "IDN", "member_state", "Indonesia" },
                              { "RWA", "member_state", "Rwanda" } };
    for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++)
        bluehelm((const char *[]){ "org", "add", orgs[i][0], "--kind", orgs[i][1], "--name",
                                   orgs[i][2], "--db", store, NULL },
                 NULL);
    const char *users[][3] = { { "secretariat", "DPO", "admin" },
                               { "chn.coord", "CHN", "coordinator" },
                               { "bra.coord", "BRA", "coordinator" },
                               { "chn.fp", "CHN", "focal_point" } };
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        bluehelm((const char *[]){ "user", "add", users[i][0], "--org", users[i][1], "--role",
                                   users[i][2], "--password-stdin", "--db", store, NULL },
                 PASSWORD);
    test_server_start(&server, store, NULL);
    sign_in("secretariat", &admin);
    sign_in("chn.coord", &chn_coord);
    sign_in("bra.coord", &bra_coord);
    sign_in("chn.fp", &chn_fp);
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

static long long group_total(void)
{
    struct test_response r;
    call(&chn_fp, "GET", "/api/v1/groups", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    long long total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    test_response_free(&r);
    return total;
}

/* The group's JSON without created_at, compact with sorted keys (heap). */
static char *group_text(const struct test_response *r)
{
    json_t *j = body_json(r);
    assert_true(json_is_string(json_object_get(j, "created_at")));
    json_object_del(j, "created_at");
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(j);
    return s;
}

/* api/groups-lifecycle */
static void api_groups_lifecycle(void **state)
{
    (void)state;
    struct test_response r;
    long long before = group_total();

    /* A focal point may not create a group. */
    call(&chn_fp, "POST", "/api/v1/groups", "{\"name\":\"FP group\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    /* An unknown member fails naming the code, and nothing is written. */
    call(&chn_coord, "POST", "/api/v1/groups",
         "{\"name\":\"Sahel\",\"members\":[\"BRA\",\"ATLANTIS\"]}", &r);
    assert_problem(&r, 400, "members");
    assert_non_null(strstr(r.body, "ATLANTIS"));
    test_response_free(&r);
    assert_int_equal(group_total(), before);

    call(&chn_coord, "POST", "/api/v1/groups", "{\"name\":\"Sahel\",\"wat\":1}", &r);
    assert_problem(&r, 400, "wat");
    test_response_free(&r);
    call(&chn_coord, "POST", "/api/v1/groups", "{\"description\":\"no name\"}", &r);
    assert_problem(&r, 400, "name");
    test_response_free(&r);

    /* Created: the creator's organization owns it and is a member. */
    call(&chn_coord, "POST", "/api/v1/groups",
         "{\"name\":\"Sahel IED cell\",\"description\":\"IED incidents\",\"members\":[\"RWA\","
         "\"BRA\"]}",
         &r);
    if (r.status != 201)
        fail_msg("expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    char location[64], expect[256];
    snprintf(location, sizeof location, "/api/v1/groups/%lld", id);
    assert_string_equal(test_response_header(&r, "location"), location);
    char *text = group_text(&r);
    snprintf(expect, sizeof expect,
             "{\"description\":\"IED incidents\",\"id\":%lld,\"members\":[\"BRA\",\"CHN\",\"RWA\"],"
             "\"name\":\"Sahel IED cell\",\"owner\":\"CHN\"}",
             id);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    assert_int_equal(group_total(), before + 1);

    call(&bra_coord, "POST", "/api/v1/groups", "{\"name\":\"Sahel IED cell\"}", &r);
    assert_problem(&r, 409, "name");
    test_response_free(&r);

    /* Everyone signed in reads it. */
    call(&chn_fp, "GET", location, NULL, &r);
    assert_int_equal(r.status, 200);
    text = group_text(&r);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    call(&chn_fp, "GET", "/api/v1/groups/99999", NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    call(&chn_fp, "GET", "/api/v1/groups/abc", NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);

    /* A member's coordinator who does not own it may not change or delete it; nor may the
     * owner's focal point. */
    call(&bra_coord, "PATCH", location, "{\"name\":\"Taken over\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    call(&chn_fp, "PATCH", location, "{\"name\":\"Taken over\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    call(&bra_coord, "DELETE", location, NULL, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    /* The owner's coordinator changes the members; the owner stays in. */
    call(&chn_coord, "PATCH", location, "{\"members\":[\"IDN\"]}", &r);
    assert_int_equal(r.status, 200);
    text = group_text(&r);
    snprintf(expect, sizeof expect,
             "{\"description\":\"IED incidents\",\"id\":%lld,\"members\":[\"CHN\",\"IDN\"],"
             "\"name\":\"Sahel IED cell\",\"owner\":\"CHN\"}",
             id);
    assert_string_equal(text, expect);
    free(text);
    test_response_free(&r);
    call(&chn_coord, "PATCH", location, "{\"members\":[\"IDN\",\"NOPE\"],\"name\":\"x\"}", &r);
    assert_problem(&r, 400, "members");
    test_response_free(&r);

    /* An admin renames it. */
    call(&admin, "PATCH", location, "{\"name\":\"Sahel IED working cell\"}", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Sahel IED working cell");
    assert_string_equal(json_string_value(json_object_get(j, "owner")), "CHN");
    json_decref(j);
    test_response_free(&r);

    /* The owner's coordinator deletes it. */
    call(&chn_coord, "DELETE", location, NULL, &r);
    assert_int_equal(r.status, 204);
    test_response_free(&r);
    call(&chn_fp, "GET", location, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    call(&chn_coord, "DELETE", location, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    assert_int_equal(group_total(), before);
}

/* api/groups-list-pages */
static void api_groups_list_pages(void **state)
{
    (void)state;
    struct test_response r;
    for (int i = 0; i < 5; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"name\":\"Page group %d\"}", i);
        call(&bra_coord, "POST", "/api/v1/groups", body, &r);
        assert_int_equal(r.status, 201);
        test_response_free(&r);
    }
    char path[256] = "/api/v1/groups?limit=2";
    int seen = 0, pages = 0;
    for (;;) {
        call(&chn_fp, "GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        json_t *j = body_json(&r);
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(j, "items"), i, g)
        {
            char name[32];
            snprintf(name, sizeof name, "Page group %d", seen++);
            assert_string_equal(json_string_value(json_object_get(g, "name")), name);
            assert_string_equal(json_string_value(json_object_get(g, "owner")), "BRA");
        }
        assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
        pages++;
        const char *next = json_string_value(json_object_get(j, "next"));
        if (next)
            snprintf(path, sizeof path, "/api/v1/groups?limit=2&cursor=%s", next);
        json_decref(j);
        test_response_free(&r);
        if (!next)
            break;
    }
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 3);
    call(&chn_fp, "GET", "/api/v1/groups?cursor=zzz", NULL, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(api_groups_lifecycle),
        cmocka_unit_test(api_groups_list_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
