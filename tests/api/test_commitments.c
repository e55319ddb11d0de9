/* Commitments over HTTP (docs/actions.md): create (with Idempotency-Key), get, list with its
 * filters, change with If-Match (412 when stale), problems naming the member, and who may
 * write: the owner organization's representatives, not a reporter, not another organization. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Commitments over HTTP 2026"

static struct test_server server;
/* The coordination cast, signed in (world.h). */
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_commitments",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

/* One request as `u` with an extra header line ("If-Match: 1"). */
static void call_with(const struct test_session *u, const char *header, const char *method,
                      const char *path, const char *body, struct test_response *r)
{
    char h[512];
    snprintf(h, sizeof h, "%s%s\r\n", u->headers, header);
    test_call(server.port, h, method, path, body, r);
}

/* api/commitments-crud */
static void api_commitments_crud(void **state)
{
    (void)state;
    static const char body[] =
        "{\"title\":\"Protect civilians in Bangui\",\"description\":\"A4P *protection*\","
        "\"source\":\"a4p\",\"a4p_area\":\"protection\",\"made_on\":\"2026-11-02\"}";
    struct test_response r;
    call_with(&cast->fra_fp, "Idempotency-Key: commit-1", "POST", "/api/v1/commitments", body, &r);
    assert_int_equal(r.status, 201);
    json_t *c = body_json(&r);
    test_response_free(&r);
    char id[64], path[160];
    snprintf(id, sizeof id, "%s", test_str(c, "id"));
    snprintf(path, sizeof path, "/api/v1/commitments/%s", id);
    assert_string_equal(test_str(c, "source"), "a4p");
    assert_string_equal(test_str(c, "a4p_area"), "protection");
    assert_string_equal(test_str(c, "made_on"), "2026-11-02");
    assert_string_equal(test_str(c, "owner"), "FRA");
    assert_string_equal(test_str(c, "tlp"), "TLP:GREEN");
    assert_int_equal(json_integer_value(json_object_get(c, "revision")), 1);
    json_decref(c);
    /* A retry with the same key is not a second commitment. */
    call_with(&cast->fra_fp, "Idempotency-Key: commit-1", "POST", "/api/v1/commitments", body, &r);
    assert_int_equal(r.status, 201);
    c = body_json(&r);
    assert_string_equal(test_str(c, "id"), id);
    json_decref(c);
    test_response_free(&r);
    int64_t n = 0;
    struct bh_error err;
    must(db_exec_params(test_world_db, "SELECT count(*) FROM commitment", NULL, &n, NULL, &err),
         &err, "n");
    assert_int_equal(n, 1);

    c = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(c, "title"), "Protect civilians in Bangui");
    json_decref(c);
    assert_int_equal(test_world_status(NULL, "GET", path, NULL), 404); /* GREEN: members only */

    /* If-Match: the revision read; a stale one is 412. */
    call_with(&cast->fra_fp, "If-Match: 1", "PATCH", path, "{\"title\":\"Protect civilians\"}", &r);
    assert_int_equal(r.status, 200);
    c = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(c, "revision")), 2);
    json_decref(c);
    test_response_free(&r);
    call_with(&cast->fra_fp, "If-Match: 1", "PATCH", path, "{\"title\":\"Again\"}", &r);
    assert_int_equal(r.status, 412);
    test_response_free(&r);
    /* Another organization may not change it; the admin may. */
    test_world_call(&cast->chn_fp, "PATCH", path, "{\"title\":\"Ours\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    json_decref(
        test_world_json(&cast->admin, "PATCH", path, "{\"ap2017_area\":\"footprint\"}", 200));

    /* Lists and their filters. */
    json_decref(test_world_json(&cast->fra_fp, "POST", "/api/v1/commitments",
                                "{\"title\":\"Mindsets\",\"source\":\"ap2017\",\"ap2017_area\":"
                                "\"mindsets\"}",
                                201));
    json_t *l = test_world_json(&cast->chn_fp, "GET", "/api/v1/commitments?source=a4p", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(l, "items"), 0), "id"), id);
    json_decref(l);
    l = test_world_json(&cast->chn_fp, "GET", "/api/v1/commitments?ap2017_area=mindsets", NULL,
                        200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    json_decref(l);
    l = test_world_json(&cast->chn_fp, "GET", "/api/v1/commitments?limit=1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    assert_true(json_is_string(json_object_get(l, "next")));
    json_decref(l);
    test_world_call(&cast->chn_fp, "GET", "/api/v1/commitments?source=un", NULL, &r);
    assert_problem(&r, 400, "source");
    test_response_free(&r);
}

/* api/commitments-invalid: problems name the member; roles that may not write get 403. */
static void api_commitments_invalid(void **state)
{
    (void)state;
    struct {
        const char *body, *field;
    } cases[] = {
        { "{\"title\":\"T\",\"source\":\"un\"}", "source" },
        { "{\"title\":\"T\",\"source\":\"a4p\"}", "a4p_area" },
        { "{\"title\":\"T\",\"source\":\"group\"}", "decision" },
        { "{\"title\":\"T\",\"source\":\"group\",\"decision\":\"0190\"}", "decision" },
        { "{\"source\":\"a4p\",\"a4p_area\":\"wps\"}", "title" },
        { "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"tlp\":\"TLP:AMBER\"}",
          "sharing_group" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_world_call(&cast->fra_fp, "POST", "/api/v1/commitments", cases[i].body, &r);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    struct test_response r;
    test_world_call(&cast->fra_rep, "POST", "/api/v1/commitments",
                    "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(NULL, "POST", "/api/v1/commitments", "{}", &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    assert_int_equal(test_world_status(&cast->fra_fp, "GET", "/api/v1/commitments/nope", NULL),
                     404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/commitments-crud", api_commitments_crud),
        BH_TEST("api/commitments-invalid", api_commitments_invalid),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/commitments", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
