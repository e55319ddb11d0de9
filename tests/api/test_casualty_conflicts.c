/* Possible double entries over HTTP: GET /api/v1/casualties/conflicts lists the records that
 * share a casualty_id, only when the reader may see both; POST
 * /api/v1/casualties/{id}/duplicate-of lets an admin mark one as the duplicate of the other
 * (400/404 naming the field for bad input, nothing written); statistics count rows by default
 * and distinct persons with persons=1. */
#include "api_helpers.h"
#include "world.h"

#include "casualty/import.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Prizren checkpoint 2003"
#define FIXTURES BH_TEST_DATA "/un_fatalities/"

static struct test_server server;
static struct test_register_cast *const cast = &test_register;
static char *store;
/* The records: the UN's pair under UNMIK-2003-05-03589 (Montenegro, then Serbia and
 * Montenegro), the UN's UNMIK-2003-05-03590, and FRA's embargoed record under that same
 * casualty_id, which BRA may not see. */
static char mne[40], scg[40], un3590[40], fra3590[40];

static const struct test_world world = { .name = "api_casualty_conflicts",
                                         .password = PASSWORD,
                                         .base = &test_register_world };

static void id_of(struct db *db, const char *where, char out[40])
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM casualty WHERE %s", where);
    snprintf(out, 40, "%s", test_query_text(db, sql));
}

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, NULL);
    struct test_response r;
    test_world_call(&cast->fra_rep, "POST", "/api/v1/casualties",
                    "{\"incident_date\":\"2003-05-06\",\"mission\":\"UNMISS\",\"casualty_type\":"
                    "\"Fatality\",\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":"
                    "\"Military\",\"incident_type\":\"Illness\",\"tlp\":\"TLP:GREEN\"}",
                    &r);
    if (r.status != 201)
        fail_msg("create: %d %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(fra3590, sizeof fra3590, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);

    struct db *db = test_db_open(store, 0);
    struct import_report rep;
    struct bh_error err;
    if (test_import_file(db, casualty_import_un_fatalities,
                         FIXTURES "quirk_duplicate_casualty_id.csv", &rep, &err) ||
        rep.added != 3)
        fail_msg("import: %s", err.message);
    import_report_cleanup(&rep);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE casualty SET casualty_id = 'UNMIK-2003-05-03590' WHERE id = '%s'", fra3590);
    test_exec(db, sql);
    id_of(db, "source_row = 1898", mne);
    id_of(db, "source_row = 1899", scg);
    id_of(db, "source_row = 1900", un3590);
    db_close(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* "casualty_id:n,casualty_id:n" of the conflicts `u` sees (n: its records). */
static char *conflicts(const struct test_session *u)
{
    json_t *j = test_get_json(server.port, u->headers, "/api/v1/casualties/conflicts", 200);
    char out[512] = "";
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(j, "items"), i, g)
    {
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s:%zu", i ? "," : "",
                 json_string_value(json_object_get(g, "casualty_id")),
                 json_array_size(json_object_get(g, "records")));
    }
    assert_int_equal(json_integer_value(json_object_get(j, "total")),
                     (json_int_t)json_array_size(json_object_get(j, "items")));
    json_decref(j);
    return strdup(out);
}

static int64_t audits(const char *action)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    return test_store_int(store, sql);
}

/* api/casualty-conflicts-visibility: a pair is listed only when the reader may see both
 * records: FRA, whose embargoed record shares a casualty_id with a UN row, sees two pairs;
 * BRA, who may not see it, one; the admin both, the read of the embargoed one audited;
 * nobody signed in, 401. */
static void conflicts_visibility(void **state)
{
    (void)state;
    char *s = conflicts(&cast->fra_fp);
    assert_string_equal(s, "UNMIK-2003-05-03589:2,UNMIK-2003-05-03590:2");
    free(s);
    s = conflicts(&cast->bra_fp);
    assert_string_equal(s, "UNMIK-2003-05-03589:2");
    free(s);
    int64_t reads = audits("casualty.read");
    s = conflicts(&cast->admin);
    assert_string_equal(s, "UNMIK-2003-05-03589:2,UNMIK-2003-05-03590:2");
    free(s);
    assert_int_equal(audits("casualty.read"), reads + 1);
    struct test_response r;
    test_world_call(NULL, "GET", "/api/v1/casualties/conflicts", NULL, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    /* Read by casualty_id, a repeated one is ambiguous: 409, give the id. */
    test_world_call(&cast->bra_fp, "GET", "/api/v1/casualties/UNMIK-2003-05-03589", NULL, &r);
    assert_problem(&r, 409, "id");
    test_response_free(&r);
    /* BRA sees one record under UNMIK-2003-05-03590: no ambiguity for BRA. */
    test_world_call(&cast->bra_fp, "GET", "/api/v1/casualties/UNMIK-2003-05-03590", NULL, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

/* POSTs {"of": ...} (raw JSON text `of`) to /casualties/{id}/duplicate-of as `u`. */
static void mark(const struct test_session *u, const char *id, const char *body,
                 struct test_response *r)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/casualties/%s/duplicate-of", id);
    test_world_call(u, "POST", path, body, r);
}

static char *of_body(const char *of)
{
    static char b[96];
    snprintf(b, sizeof b, "{\"of\":\"%s\"}", of);
    return b;
}

/* api/casualty-duplicate-bad-input: an unknown record is 404 naming id; the record itself,
 * an unknown one, one with another casualty_id, a missing or mistyped "of" are 400 naming
 * of; anyone but an admin 403; and nothing is written. */
static void duplicate_bad_input(void **state)
{
    (void)state;
    int64_t before = audits("casualty.mark_duplicate");
    struct test_response r;
    mark(&cast->admin, "01900000-0000-7000-8000-00000000dead", of_body(mne), &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    mark(&cast->admin, scg, of_body(scg), &r);
    assert_problem(&r, 400, "of");
    test_response_free(&r);
    mark(&cast->admin, scg, of_body("01900000-0000-7000-8000-00000000dead"), &r);
    assert_problem(&r, 400, "of");
    test_response_free(&r);
    mark(&cast->admin, scg, of_body(un3590), &r);
    assert_problem(&r, 400, "of");
    assert_non_null(strstr(r.body, "UNMIK-2003-05-03590"));
    test_response_free(&r);
    mark(&cast->admin, scg, "{}", &r);
    assert_problem(&r, 400, "of");
    test_response_free(&r);
    mark(&cast->admin, scg, "{\"of\":12}", &r);
    assert_problem(&r, 400, "of");
    test_response_free(&r);
    mark(&cast->admin, scg, "{\"of\":\"x\",\"why\":1}", &r);
    assert_int_equal(r.status, 400);
    test_response_free(&r);
    mark(&cast->fra_fp, scg, of_body(mne), &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    assert_int_equal(audits("casualty.mark_duplicate"), before);
    assert_int_equal(test_store_int(store, "SELECT count(*) FROM casualty WHERE duplicate_of IS "
                                           "NOT NULL"),
                     0);
}

static int64_t stats_total(const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/casualties?%s", query);
    json_t *j = test_get_json(server.port, cast->admin.headers, path, 200);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* api/casualty-duplicate-mark: the admin marks the Serbia and Montenegro row as the duplicate
 * of the Montenegro row: 200 with duplicate_of, audited once; the same again writes nothing;
 * the record and the conflicts list show it (resolved); statistics count rows as before, and
 * distinct persons (persons=1) leave the marked row out; {"of": null} clears the mark. */
static void duplicate_mark(void **state)
{
    (void)state;
    /* Rows as the UN counts them; persons: each casualty_id once. */
    assert_int_equal(stats_total(""), 4);
    assert_int_equal(stats_total("persons=1"), 2);
    assert_int_equal(stats_total("nationality=SCG"), 1);
    assert_int_equal(stats_total("nationality=SCG&persons=1"), 1);
    int64_t before = audits("casualty.mark_duplicate");
    struct test_response r;
    mark(&cast->admin, scg, of_body(mne), &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "duplicate_of")), mne);
    assert_string_equal(json_string_value(json_object_get(j, "id")), scg);
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(audits("casualty.mark_duplicate"), before + 1);
    /* Again: the same answer, nothing written. */
    mark(&cast->admin, scg, of_body(mne), &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    assert_int_equal(audits("casualty.mark_duplicate"), before + 1);
    /* The kept record cannot now be marked a duplicate of the marked one, nor of another. */
    mark(&cast->admin, mne, of_body(scg), &r);
    assert_int_equal(r.status, 409);
    test_response_free(&r);

    char path[128];
    snprintf(path, sizeof path, "/api/v1/casualties/%s", scg);
    j = test_get_json(server.port, cast->bra_fp.headers, path, 200);
    assert_string_equal(json_string_value(json_object_get(j, "duplicate_of")), mne);
    json_decref(j);
    j = test_get_json(server.port, cast->bra_fp.headers, "/api/v1/casualties/conflicts", 200);
    json_t *g = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(g, "casualty_id")),
                        "UNMIK-2003-05-03589");
    assert_true(json_is_true(json_object_get(g, "resolved")));
    json_decref(j);

    assert_int_equal(stats_total(""), 4);
    assert_int_equal(stats_total("persons=1"), 2);
    assert_int_equal(stats_total("nationality=SCG"), 1);
    assert_int_equal(stats_total("nationality=SCG&persons=1"), 0);
    assert_int_equal(stats_total("nationality=MNE&persons=1"), 2); /* 1898 and 1900 */

    mark(&cast->admin, scg, "{\"of\":null}", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_true(json_is_null(json_object_get(j, "duplicate_of")));
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(audits("casualty.mark_duplicate"), before + 2);
    assert_int_equal(stats_total("nationality=SCG&persons=1"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/casualty-conflicts-visibility", conflicts_visibility),
        BH_TEST("api/casualty-duplicate-bad-input", duplicate_bad_input),
        BH_TEST("api/casualty-duplicate-mark", duplicate_mark),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, setup, teardown);
}
