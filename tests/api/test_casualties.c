/* The casualty register over HTTP on the real server: creating (201, the caller's
 * organization, embargoed; 400 naming the field), reading and listing as the embargo and the
 * markings allow (404 for a record the caller may not see, exactly as for one that does not
 * exist), releasing (404 / 403 / 200 / 409), the admin's audited reads, pages and filters, and
 * the CSV export. */
#include "api_helpers.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct test_server server;
/* The register's signed-in users (world.h). */
static struct test_register_cast *const cast = &test_register;
static struct test_session bra_analyst;

static const struct test_user users[] = {
    { "bra.analyst", "BRA", "analyst", NULL, &bra_analyst, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_casualties", .password = PASSWORD, TEST_USERS(users), .base = &test_register_world
};

/* A record's body: date, marking, incident type. */
static const char *body(const char *date, const char *tlp, const char *incident_type)
{
    static char b[512];
    snprintf(b, sizeof b,
             "{\"incident_date\":\"%s\",\"mission\":\"UNMISS\",\"casualty_type\":\"Fatality\","
             "\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":\"Military\","
             "\"incident_type\":\"%s\",\"tlp\":\"%s\"}",
             date, incident_type, tlp);
    return b;
}

/* Creates a record as `u`; its id goes to `id`. */
static void create(const struct test_session *u, const char *json, char id[40])
{
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/casualties", json, &r);
    if (r.status != 201)
        fail_msg("create: expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, 40, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);
}

static long long total_of(const struct test_session *u, const char *path)
{
    json_t *j = test_get_json(server.port, u ? u->headers : NULL, path, 200);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* api/casualties-create: 201 with Location and the record: the caller's organization,
 * embargoed, source member, an id of its own; 400 naming the field; 403 for a role that
 * does not write records, 401 for nobody; a retried Idempotency-Key creates one record. */
static void api_casualties_create(void **state)
{
    (void)state;
    struct test_response r;
    test_world_call(&cast->fra_rep, "POST", "/api/v1/casualties",
                    body("2024-11-02", "TLP:GREEN", "Accident"), &r);
    assert_int_equal(r.status, 201);
    json_t *j = body_json(&r);
    char location[96];
    snprintf(location, sizeof location, "/api/v1/casualties/%s",
             json_string_value(json_object_get(j, "id")));
    assert_header(&r, "location", location);
    assert_string_equal(json_string_value(json_object_get(j, "owner")), "FRA");
    assert_true(json_is_true(json_object_get(j, "embargoed")));
    assert_string_equal(json_string_value(json_object_get(j, "source")), "member");
    assert_string_equal(json_string_value(json_object_get(j, "tlp")), "TLP:GREEN");
    assert_string_equal(json_string_value(json_object_get(j, "nationality_name")), "France");
    assert_prefix(json_string_value(json_object_get(j, "casualty_id")), "BH-");
    json_decref(j);
    test_response_free(&r);

    static const struct {
        const char *json, *field;
    } bad[] = {
        { "{\"incident_date\":\"2024-11-02\",\"mission\":\"ATLANTIS\",\"casualty_type\":"
          "\"Fatality\",\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":\"Military\","
          "\"incident_type\":\"Accident\",\"tlp\":\"TLP:GREEN\"}",
          "mission" },
        { "{\"incident_date\":\"2024-11-02\",\"mission\":\"UNMISS\",\"casualty_type\":"
          "\"Fatality\",\"gender\":\"M\",\"nationality\":\"XXX\",\"personnel_type\":\"Military\","
          "\"incident_type\":\"Accident\",\"tlp\":\"TLP:GREEN\"}",
          "nationality" },
        { "{\"incident_date\":\"2024-11-02\",\"mission\":\"UNMISS\",\"casualty_type\":"
          "\"Fatality\",\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":\"Military\","
          "\"incident_type\":\"Accident\",\"tlp\":\"TLP:AMBER\"}",
          "sharing_group" },
        { "{\"incident_date\":\"2024-11-02\",\"name\":\"not stored\"}", "name" },
        { "{}", "incident_date" },
        { "[1]", "body" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_world_call(&cast->fra_fp, "POST", "/api/v1/casualties", bad[i].json, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    test_world_call(&cast->fra_analyst, "POST", "/api/v1/casualties",
                    body("2024-11-02", "TLP:GREEN", "Accident"), &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(NULL, "POST", "/api/v1/casualties", body("2024-11-02", "TLP:GREEN", "Accident"),
                    &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);

    long long before = total_of(&cast->fra_fp, "/api/v1/casualties");
    char headers[512];
    snprintf(headers, sizeof headers, "%sIdempotency-Key: casualty-create-1\r\n",
             cast->fra_fp.headers);
    struct test_response r2;
    test_call(server.port, headers, "POST", "/api/v1/casualties",
              body("2024-11-03", "TLP:GREEN", "Illness"), &r);
    test_call(server.port, headers, "POST", "/api/v1/casualties",
              body("2024-11-03", "TLP:GREEN", "Illness"), &r2);
    assert_int_equal(r.status, 201);
    assert_int_equal(r2.status, 201);
    assert_string_equal(r.body, r2.body);
    assert_header(&r2, "idempotent-replayed", "true");
    test_response_free(&r);
    test_response_free(&r2);
    assert_int_equal(total_of(&cast->fra_fp, "/api/v1/casualties"), before + 1);
}

/* api/casualties-embargo-release: who sees an embargoed record (the owner, the mission, the
 * admin; for anyone else a 404 like a record that does not exist), who may release it (404
 * for who cannot see it, 403 for who can but may not, 200 for the owner's focal point, 409 the
 * second time), and who sees it afterwards (whoever the marking names). */
static void api_casualties_embargo_release(void **state)
{
    (void)state;
    char green[40], clear[40], path[128], release[160];
    create(&cast->fra_fp, body("2023-05-05", "TLP:GREEN", "Malicious Act"), green);
    create(&cast->fra_fp, body("2023-05-06", "TLP:CLEAR", "Malicious Act"), clear);
    snprintf(path, sizeof path, "/api/v1/casualties/%s", green);
    snprintf(release, sizeof release, "/api/v1/casualties/%s/release", green);

    assert_int_equal(test_world_status(&cast->fra_fp, "GET", path, NULL), 200);
    assert_int_equal(test_world_status(&cast->fra_analyst, "GET", path, NULL), 200);
    assert_int_equal(test_world_status(&cast->unmiss_rep, "GET", path, NULL), 200);
    assert_int_equal(test_world_status(&cast->admin, "GET", path, NULL), 200);
    struct test_response r, none;
    test_world_call(&cast->bra_fp, "GET", path, NULL, &r);
    test_world_call(&cast->bra_fp, "GET", "/api/v1/casualties/0190aaaa-0000-7000-8000-000000000000",
                    NULL, &none);
    assert_problem(&r, 404, "id");
    assert_problem(&none, 404, "id");
    test_response_free(&r);
    test_response_free(&none);
    assert_int_equal(test_world_status(NULL, "GET", path, NULL), 401);
    assert_int_equal(test_world_status(NULL, "GET", "/api/v1/casualties", NULL), 401);

    /* Lists and public figures leave it out for those who may not see it. */
    const char *may = "/api/v1/casualties?from=2023-05-05&to=2023-05-06";
    assert_int_equal(total_of(&cast->fra_fp, may), 2);
    assert_int_equal(total_of(&cast->unmiss_rep, may), 2);
    assert_int_equal(total_of(&cast->bra_fp, may), 0);
    const char *stats = "/api/v1/stats/casualties?from=2023-05-05&to=2023-05-06";
    assert_int_equal(total_of(NULL, stats), 0);
    assert_int_equal(total_of(&cast->bra_fp, stats), 0);
    assert_int_equal(total_of(&cast->fra_fp, stats), 2);

    /* Release: invisible 404, visible but not allowed 403, the owner's focal point 200. */
    test_world_call(&cast->bra_fp, "POST", release, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&cast->unmiss_rep, "POST", release, NULL, &r);
    assert_problem(&r, 403, "id");
    test_response_free(&r);
    test_world_call(&cast->fra_rep, "POST", release, NULL, &r);
    assert_problem(&r, 403, "id");
    test_response_free(&r);
    test_world_call(&cast->fra_analyst, "POST", release, NULL, &r);
    assert_problem(&r, 403, NULL); /* no record.write at all: the dispatcher's refusal */
    test_response_free(&r);
    test_world_call(&cast->fra_fp, "POST", release, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_true(json_is_false(json_object_get(j, "embargoed")));
    assert_string_equal(json_string_value(json_object_get(j, "released_by")), "fra.fp");
    json_decref(j);
    test_response_free(&r);
    test_world_call(&cast->fra_fp, "POST", release, NULL, &r);
    assert_problem(&r, 409, "id");
    test_response_free(&r);

    /* GREEN and released: every member; still not the public figures. */
    assert_int_equal(test_world_status(&cast->bra_fp, "GET", path, NULL), 200);
    assert_int_equal(total_of(&cast->bra_fp, may), 1);
    assert_int_equal(total_of(NULL, stats), 0);
    /* The admin releases the CLEAR one: now it is a published figure. */
    snprintf(release, sizeof release, "/api/v1/casualties/%s/release", clear);
    assert_int_equal(test_world_status(&cast->admin, "POST", release, NULL), 200);
    assert_int_equal(total_of(NULL, stats), 1);
    assert_int_equal(total_of(&cast->bra_fp, stats), 2);
}

/* api/casualties-admin-read-audited: the admin's read of an embargoed record is in the audit
 * log with the record's id; the owner's read is not. */
static void api_casualties_admin_read_audited(void **state)
{
    (void)state;
    char id[40], path[128], audit[200];
    create(&cast->fra_fp, body("2022-01-01", "TLP:GREEN", "Illness"), id);
    snprintf(path, sizeof path, "/api/v1/casualties/%s", id);
    snprintf(audit, sizeof audit, "/api/v1/audit?action=casualty.read&record_id=%s", id);
    assert_int_equal(test_world_status(&cast->fra_fp, "GET", path, NULL), 200);
    assert_int_equal(total_of(&cast->admin, audit), 0);
    assert_int_equal(test_world_status(&cast->admin, "GET", path, NULL), 200);
    json_t *j = test_get_json(server.port, cast->admin.headers, audit, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_t *e = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "user")), "secretariat");
    json_decref(j);
}

/* api/casualties-list-pages: newest first, pages by cursor that give each record once, the
 * filters, and bad parameters named. */
static void api_casualties_list_pages(void **state)
{
    (void)state;
    char ids[3][40];
    create(&cast->fra_fp, body("2021-01-03", "TLP:GREEN", "Accident"), ids[0]);
    create(&cast->fra_fp, body("2021-01-01", "TLP:GREEN", "Illness"), ids[1]);
    create(&cast->fra_fp, body("2021-01-02", "TLP:GREEN", "Accident"), ids[2]);
    const char *base = "/api/v1/casualties?from=2021-01-01&to=2021-01-31&limit=2";
    json_t *p1 = test_get_json(server.port, cast->fra_fp.headers, base, 200);
    assert_int_equal(json_integer_value(json_object_get(p1, "total")), 3);
    json_t *items = json_object_get(p1, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), ids[0]);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "id")), ids[2]);
    const char *next = json_string_value(json_object_get(p1, "next"));
    assert_non_null(next);
    char path[512];
    snprintf(path, sizeof path, "%s&cursor=%s", base, next);
    json_t *p2 = test_get_json(server.port, cast->fra_fp.headers, path, 200);
    items = json_object_get(p2, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), ids[1]);
    assert_true(json_is_null(json_object_get(p2, "next")));
    json_decref(p1);
    json_decref(p2);

    assert_int_equal(
        total_of(&cast->fra_fp, "/api/v1/casualties?ytd=2021-01-31&incident_type=Accident"), 2);
    static const struct {
        const char *query, *field;
    } bad[] = {
        { "from=2021-02-30", "from" },
        { "cursor=garbage", "cursor" },
        { "mission=ATLANTIS", "mission" },
        { "gender=X", "gender" },
        { "limit=0", "limit" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        snprintf(path, sizeof path, "/api/v1/casualties?%s", bad[i].query);
        test_world_call(&cast->fra_fp, "GET", path, NULL, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
}

/* api/casualties-export: the UN's columns (the default) and HXL as text/csv for roles that
 * export, only the records the caller may see; JSON is the list's; 403 without record.export. */
static void api_casualties_export(void **state)
{
    (void)state;
    char id[40];
    create(&cast->fra_fp, body("2020-07-07", "TLP:GREEN", "Accident"), id);
    struct test_response r;
    test_world_call(&cast->fra_analyst, "GET",
                    "/api/v1/casualties.csv?from=2020-07-07&to=2020-07-07", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/csv; charset=utf-8");
    assert_header(&r, "content-disposition", "attachment; filename=\"casualties-un.csv\"");
    assert_prefix(r.body, "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
                          "casualty_nationality,casualty_personnel_type,type_of_incident,"
                          "m49_code,isocode3,last_update\n,2020-07-07,BH-");
    assert_int_equal(test_count_lines(r.body), 2);
    assert_contains(r.body, ",UNMISS,Fatality,M,France,Military,Accident,250.0,FRA,");
    test_response_free(&r);

    /* BRA's analyst may export, but does not see the embargoed record. */
    test_world_call(&bra_analyst, "GET", "/api/v1/casualties.csv?from=2020-07-07&to=2020-07-07",
                    NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(test_count_lines(r.body), 1);
    test_response_free(&r);

    test_world_call(&cast->fra_analyst, "GET",
                    "/api/v1/casualties.csv?format=hxl&from=2020-07-07&to=2020-07-07", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\n#x_casualty+id,#date+occurred,#x_mission,#impact+type,");
    assert_contains(r.body, ",TLP:GREEN,true,");
    assert_int_equal(test_count_lines(r.body), 3);
    test_response_free(&r);

    test_world_call(&cast->fra_analyst, "GET", "/api/v1/casualties.csv?format=json", NULL, &r);
    assert_problem(&r, 400, "format");
    test_response_free(&r);
    test_world_call(&cast->fra_rep, "GET", "/api/v1/casualties.csv", NULL, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
}

/* api/casualties-export-streams: the file is streamed (chunked, no Content-Length), reads
 * through a connection of its own, and an admin's export of an embargoed record still leaves
 * its casualty.read entry, written before the first byte; the caller's filters hold. */
static void api_casualties_export_streams(void **state)
{
    (void)state;
    char id[40];
    const char *audit = "/api/v1/audit?action=casualty.read";
    create(&cast->fra_fp, body("2021-03-03", "TLP:GREEN", "Illness"), id);
    long long before = total_of(&cast->admin, audit);
    struct test_response r;
    test_world_call(&cast->admin, "GET",
                    "/api/v1/casualties.csv?format=hxl&from=2021-03-03&to=2021-03-03", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "transfer-encoding", "chunked");
    assert_null(test_response_header(&r, "content-length"));
    assert_header(&r, "content-disposition", "attachment; filename=\"casualties-hxl.csv\"");
    assert_int_equal(test_count_lines(r.body), 3);
    assert_contains(r.body, ",2021-03-03,UNMISS,Fatality,M,FRA,France,250,Military,Illness,"
                            "TLP:GREEN,true,");
    test_response_free(&r);
    assert_int_equal(total_of(&cast->admin, audit), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/casualties-create", api_casualties_create),
        BH_TEST("api/casualties-embargo-release", api_casualties_embargo_release),
        BH_TEST("api/casualties-admin-read-audited", api_casualties_admin_read_audited),
        BH_TEST("api/casualties-export-streams", api_casualties_export_streams),
        BH_TEST("api/casualties-list-pages", api_casualties_list_pages),
        BH_TEST("api/casualties-export", api_casualties_export),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
