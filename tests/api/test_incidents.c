/* The incident register over HTTP on the real server: reports (201 with Location; 400 naming
 * the field for every bad input of the issue, with incident, incident_revision and the audit
 * log unchanged; 403 for a role that does not report; one record for a retried
 * Idempotency-Key), the workflow's refusals as the API says them (403 naming why, 404 for a
 * record the caller may not see, 409 naming the status, 412 for a stale If-Match), revisions,
 * likely duplicates and merging, linked casualty records as the embargo allows, and the
 * missions of a user (PUT, the user JSON, the session). */
#include "api_helpers.h"
#include "world.h"

#include "base/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct test_server server;
static char *store;
static struct db *db; /* read-only, for row counts */
static struct test_session admin, fra_rep, fra_end, fra_officer, fra_analyst, bra_fp, bra_end,
    car_end;

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &fra_rep, NULL, NULL },
    { "fra.end", "FRA", "endorser", "MINUSMA", &fra_end, NULL, NULL },
    { "fra.officer", "FRA", "endorser", "MINUSMA,MINUSCA", &fra_officer, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &fra_analyst, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "bra.end", "BRA", "endorser", "MINUSMA", &bra_end, NULL, NULL },
    { "car.end", "BRA", "endorser", "MINUSCA", &car_end, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_incidents", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, NULL);
    db = test_db_open(store, DB_OPEN_READONLY);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    test_server_shutdown(&server);
    free(store);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A report body: mission, threat type, place and time, and one extra member (may be ""). */
static const char *report(const char *mission, const char *type, double lat, double lon,
                          const char *when, const char *extra)
{
    static char b[1024];
    snprintf(b, sizeof b,
             "{\"mission\":\"%s\",\"occurred_at\":\"%s\",\"latitude\":%.6f,\"longitude\":%.6f,"
             "\"threat_type\":\"%s\",\"target\":\"patrol\",\"activity\":\"patrolling\","
             "\"narrative\":\"Patrol ambushed east of Menaka\",\"sources\":[\"JOC daily\"],"
             "\"perpetrator_groups\":[\"isgs\"],\"killed\":0,\"injured\":2%s%s}",
             mission, when, lat, lon, type, *extra ? "," : "", extra);
    return b;
}

/* Creates a report as `u`; returns its id (static; copy it). */
static const char *create(const struct test_session *u, const char *body)
{
    static char id[40];
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/incidents", body, &r);
    if (r.status != 201)
        fail_msg("create: expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, sizeof id, "%s", str(j, "id"));
    json_decref(j);
    test_response_free(&r);
    return id;
}

/* POSTs /api/v1/incidents/ID/ACTION with `body` (may be NULL) and checks the status, and the
 * problem's field when it fails; returns the reply (caller decrefs). */
#define act(u, id, action, body, status, field) \
    act_at((u), (id), (action), (body), (status), (field), __LINE__)
static json_t *act_at(const struct test_session *u, const char *id, const char *action,
                      const char *body, int status, const char *field, int line)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/incidents/%s/%s", id, action);
    struct test_response r;
    test_world_call(u, "POST", path, body ? body : "{}", &r);
    if (r.status != status)
        fail_msg("line %d: %s %s: expected %d, got %d: %s", line, u->headers, path, status,
                 r.status, r.body);
    json_t *j = NULL;
    if (status >= 400)
        test_assert_problem(&r, status, field, __FILE__, line);
    else
        j = body_json(&r);
    test_response_free(&r);
    return j;
}

struct counts {
    int64_t incidents, revisions, audit;
};

static struct counts counts(void)
{
    struct counts c = {
        test_query_int(db, "SELECT count(*) FROM incident"),
        test_query_int(db, "SELECT count(*) FROM incident_revision"),
        test_query_int(db, "SELECT count(*) FROM audit_log"),
    };
    return c;
}

#define assert_unchanged(before, what) assert_unchanged_at((before), (what), __LINE__)
static void assert_unchanged_at(struct counts a, const char *what, int line)
{
    struct counts b = counts();
    if (a.incidents != b.incidents || a.revisions != b.revisions || a.audit != b.audit)
        fail_msg("line %d: %s wrote something: incidents %lld -> %lld, revisions %lld -> %lld, "
                 "audit %lld -> %lld",
                 line, what, (long long)a.incidents, (long long)b.incidents, (long long)a.revisions,
                 (long long)b.revisions, (long long)a.audit, (long long)b.audit);
}

/* api/incidents-create: 201 with Location and the record (the caller's organization and
 * name, draft, the defaults); 400 naming the field for every bad input of the issue, writing
 * nothing; 403 for the analyst, 401 for nobody; one record for a retried Idempotency-Key. */
static void api_incidents_create(void **state)
{
    (void)state;
    struct test_response r;
    struct counts before = counts();
    test_world_call(&fra_rep, "POST", "/api/v1/incidents",
                    report("MINUSMA", "ambush", 15.75, 2.55, "2024-02-10T06:15:00Z", ""), &r);
    assert_int_equal(r.status, 201);
    json_t *j = body_json(&r);
    char location[96];
    snprintf(location, sizeof location, "/api/v1/incidents/%s", str(j, "id"));
    assert_header(&r, "location", location);
    assert_string_equal(str(j, "owner"), "FRA");
    assert_string_equal(str(j, "reporter"), "fra.rep");
    assert_string_equal(str(j, "status"), "draft");
    assert_string_equal(str(j, "tlp"), "TLP:GREEN");
    assert_string_equal(str(j, "occurred_precision"), "exact");
    assert_string_equal(str(j, "location_precision"), "exact");
    assert_int_equal(json_integer_value(json_object_get(j, "revision")), 1);
    assert_float_equal(json_real_value(json_object_get(j, "latitude")), 15.75, 1e-9);
    assert_int_equal(json_array_size(json_object_get(j, "casualty_records")), 0);
    assert_true(json_is_integer(json_object_get(j, "duplicate_candidates")));
    json_decref(j);
    test_response_free(&r);
    struct counts after = counts();
    assert_int_equal(after.incidents, before.incidents + 1);
    assert_int_equal(after.revisions, before.revisions + 1);
    assert_int_equal(after.audit, before.audit + 1);

    char future[40];
    time_format_rfc3339(time_now_ms() + 2 * 86400000LL, 0, false, future);
    static const struct {
        const char *mission, *type, *when, *extra, *field;
        double lat, lon;
    } bad[] = {
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "", "latitude", 91, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "", "longitude", 15.7, -181 },
        { "MINUSMA", "ambush", NULL, "", "occurred_at", 15.7, 2.5 },
        { "MINUSMA", "ambush", "1947-08-15T00:00:00Z", "", "occurred_at", 15.7, 2.5 },
        { "ATLANTIS", "ambush", "2024-02-10T06:15:00Z", "", "mission", 15.7, 2.5 },
        { "MINUSMA", "alien_invasion", "2024-02-10T06:15:00Z", "", "threat_type", 15.7, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"target\":\"submarine\"", "target", 15.7,
          2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"activity\":\"sunbathing\"", "activity",
          15.7, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"perpetrator_groups\":[\"spectre\"]",
          "perpetrator_groups", 15.7, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"killed\":-1", "killed", 15.7, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"colour\":\"blue\"", "colour", 15.7, 2.5 },
        { "MINUSMA", "ambush", "2024-02-10T06:15:00Z", "\"tlp\":\"TLP:AMBER\"", "sharing_group",
          15.7, 2.5 },
    };
    before = counts();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* A duplicate key is refused by the parser; the extra member replaces by being the
         * only one: build the body without the default of that key. */
        char body[1200];
        snprintf(body, sizeof body, "%s",
                 report(bad[i].mission, bad[i].type, bad[i].lat, bad[i].lon,
                        bad[i].when ? bad[i].when : future, bad[i].extra));
        if (strstr(bad[i].extra, "perpetrator_groups")) {
            char *dflt = strstr(body, "\"perpetrator_groups\":[\"isgs\"],");
            memmove(dflt, dflt + strlen("\"perpetrator_groups\":[\"isgs\"],"),
                    strlen(dflt + strlen("\"perpetrator_groups\":[\"isgs\"],")) + 1);
        }
        if (strstr(bad[i].extra, "killed")) {
            char *dflt = strstr(body, "\"killed\":0,");
            memmove(dflt, dflt + strlen("\"killed\":0,"),
                    strlen(dflt + strlen("\"killed\":0,")) + 1);
        }
        if (strstr(bad[i].extra, "target")) {
            char *dflt = strstr(body, "\"target\":\"patrol\",");
            memmove(dflt, dflt + strlen("\"target\":\"patrol\","),
                    strlen(dflt + strlen("\"target\":\"patrol\",")) + 1);
        }
        if (strstr(bad[i].extra, "activity")) {
            char *dflt = strstr(body, "\"activity\":\"patrolling\",");
            memmove(dflt, dflt + strlen("\"activity\":\"patrolling\","),
                    strlen(dflt + strlen("\"activity\":\"patrolling\",")) + 1);
        }
        test_world_call(&fra_rep, "POST", "/api/v1/incidents", body, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    test_world_call(&fra_analyst, "POST", "/api/v1/incidents",
                    report("MINUSMA", "ambush", 15.7, 2.5, "2024-02-10T06:15:00Z", ""), &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(NULL, "POST", "/api/v1/incidents",
                    report("MINUSMA", "ambush", 15.7, 2.5, "2024-02-10T06:15:00Z", ""), &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    assert_unchanged(before, "refused reports");

    /* A retried POST with one Idempotency-Key is one report. */
    char headers[512];
    snprintf(headers, sizeof headers, "%sIdempotency-Key: incident-create-1\r\n", fra_rep.headers);
    struct test_response r2;
    const char *body = report("MINUSMA", "ambush", 15.8, 2.6, "2024-02-11T06:15:00Z", "");
    test_call(server.port, headers, "POST", "/api/v1/incidents", body, &r);
    test_call(server.port, headers, "POST", "/api/v1/incidents", body, &r2);
    assert_int_equal(r.status, 201);
    assert_int_equal(r2.status, 201);
    assert_string_equal(r.body, r2.body);
    assert_header(&r2, "idempotent-replayed", "true");
    test_response_free(&r);
    test_response_free(&r2);
    after = counts();
    assert_int_equal(after.incidents, before.incidents + 1);
    assert_int_equal(after.revisions, before.revisions + 1);
}

/* api/incidents-workflow: the refusals of the issue as the API gives them, each writing
 * nothing, then a report's way from draft to endorsed with a return on the way, and its
 * revisions. */
static void api_incidents_workflow(void **state)
{
    (void)state;
    char id[40], officers[40], hidden[40], path[128];
    snprintf(id, sizeof id, "%s",
             create(&fra_rep, report("MINUSMA", "ied", 14.5, 1.5, "2024-03-01T08:00:00Z", "")));
    snprintf(officers, sizeof officers, "%s",
             create(&fra_officer, report("MINUSMA", "ied", 14.6, 1.6, "2024-03-02T08:00:00Z",
                                         "\"submit\":true")));
    snprintf(hidden, sizeof hidden, "%s",
             create(&fra_rep, report("MINUSMA", "ied", 14.7, 1.7, "2024-03-03T08:00:00Z",
                                     "\"tlp\":\"TLP:AMBER+STRICT\"")));
    snprintf(path, sizeof path, "/api/v1/incidents/%s", id);

    struct counts before = counts();
    json_decref(act(&fra_end, id, "endorse", NULL, 409, "status"));
    /* A draft is FRA's own until submitted: for another member it does not exist yet. */
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 404);
    struct test_response r;
    test_world_call(&bra_fp, "PATCH", path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    json_decref(act(&bra_fp, id, "submit", NULL, 404, "id"));
    /* Submitted, the GREEN report is theirs to read, not to change. */
    char officers_path[128];
    snprintf(officers_path, sizeof officers_path, "/api/v1/incidents/%s", officers);
    assert_int_equal(test_world_status(&bra_fp, "GET", officers_path, NULL), 200);
    test_world_call(&bra_fp, "PATCH", officers_path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 403, "id");
    assert_contains(r.body, "(FRA)");
    test_response_free(&r);
    /* A record the caller may not see is a 404, as one that does not exist. */
    char hidden_path[128];
    snprintf(hidden_path, sizeof hidden_path, "/api/v1/incidents/%s", hidden);
    test_world_call(&bra_fp, "GET", hidden_path, NULL, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&bra_fp, "GET", "/api/v1/incidents/0190a000-0000-7000-8000-00000000dead", NULL,
                    &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&bra_fp, "PATCH", hidden_path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    json_decref(act(&bra_end, hidden, "endorse", NULL, 404, "id"));
    char rev_path[160];
    snprintf(rev_path, sizeof rev_path, "%s/revisions", hidden_path);
    assert_int_equal(test_world_status(&bra_fp, "GET", rev_path, NULL), 404);
    snprintf(rev_path, sizeof rev_path, "%s/duplicates", hidden_path);
    assert_int_equal(test_world_status(&bra_fp, "GET", rev_path, NULL), 404);
    assert_unchanged(before, "refusals before submission");

    json_decref(act(&fra_rep, id, "submit", NULL, 200, NULL));
    before = counts();
    /* A reporter is no endorser (the route's permission). */
    json_decref(act(&fra_rep, id, "endorse", NULL, 403, NULL));
    /* An endorser of another mission: 403 naming the mission. */
    char endorse_path[160];
    snprintf(endorse_path, sizeof endorse_path, "%s/endorse", path);
    test_world_call(&car_end, "POST", endorse_path, NULL, &r);
    assert_problem(&r, 403, "mission");
    assert_contains(r.body, "not an endorser of mission MINUSMA (your missions: MINUSCA)");
    test_response_free(&r);
    /* The reporter endorsing their own report, though an endorser of its mission. */
    snprintf(endorse_path, sizeof endorse_path, "/api/v1/incidents/%s/endorse", officers);
    test_world_call(&fra_officer, "POST", endorse_path, NULL, &r);
    assert_problem(&r, 403, "reporter");
    assert_contains(r.body, "you reported this incident");
    test_response_free(&r);
    /* Submitted: no changes; return needs a reason. */
    test_world_call(&fra_rep, "PATCH", path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 409, "status");
    assert_contains(r.body, "the report is submitted");
    test_response_free(&r);
    json_decref(act(&fra_end, id, "return", "{\"reason\":\"\"}", 400, "reason"));
    json_decref(act(&fra_end, id, "return", "{}", 400, "reason"));
    json_decref(act(&fra_end, id, "return", "{\"why\":\"x\"}", 400, "why"));
    assert_unchanged(before, "refused workflow steps");

    json_t *j = act(&fra_end, id, "return", "{\"reason\":\"Which patrol was it?\"}", 200, NULL);
    assert_string_equal(str(j, "status"), "returned");
    assert_string_equal(str(j, "return_reason"), "Which patrol was it?");
    assert_int_equal(json_integer_value(json_object_get(j, "revision")), 3);
    json_decref(j);

    /* If-Match: the revision read; a stale one is 412 and writes nothing. */
    before = counts();
    char headers[600];
    snprintf(headers, sizeof headers, "%sIf-Match: \"2\"\r\n", fra_rep.headers);
    test_call(server.port, headers, "PATCH", path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 412, "If-Match");
    assert_contains(r.body, "\"title\":\"Precondition Failed\"");
    /* Its code is the table's 412 row, not CONFLICT (409). */
    assert_contains(r.body, "\"code\":\"PRECONDITION\"");
    test_response_free(&r);
    snprintf(headers, sizeof headers, "%sIf-Match: W/\"abc\"\r\n", fra_rep.headers);
    test_call(server.port, headers, "PATCH", path, "{\"place_name\":\"Menaka\"}", &r);
    assert_problem(&r, 400, "If-Match");
    test_response_free(&r);
    assert_unchanged(before, "stale If-Match");
    snprintf(headers, sizeof headers, "%sIf-Match: \"3\"\r\n", fra_rep.headers);
    test_call(server.port, headers, "PATCH", path,
              "{\"place_name\":\"Menaka\",\"narrative\":\"Patrol 4 ambushed 12 km east of "
              "Menaka\"}",
              &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_string_equal(str(j, "place_name"), "Menaka");
    assert_int_equal(json_integer_value(json_object_get(j, "revision")), 4);
    json_decref(j);
    test_response_free(&r);

    json_decref(act(&fra_rep, id, "submit", NULL, 200, NULL));
    j = act(&bra_end, id, "endorse", NULL, 200, NULL);
    assert_string_equal(str(j, "status"), "endorsed");
    assert_string_equal(str(j, "endorsed_by"), "bra.end");
    json_decref(j);
    json_decref(act(&fra_end, id, "endorse", NULL, 409, "status"));

    char revisions[160];
    snprintf(revisions, sizeof revisions, "%s/revisions?limit=4", path);
    j = test_get_json(server.port, fra_analyst.headers, revisions, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 6);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 4);
    const char *actions[] = { "create", "submit", "return", "update" };
    for (size_t i = 0; i < 4; i++) {
        json_t *rev = json_array_get(items, i);
        assert_int_equal(json_integer_value(json_object_get(rev, "revision")), (long long)i + 1);
        assert_string_equal(str(rev, "action"), actions[i]);
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(rev, "snapshot"), "revision")),
            (long long)i + 1);
    }
    assert_string_equal(str(json_array_get(items, 2), "reason"), "Which patrol was it?");
    assert_string_equal(str(json_object_get(json_array_get(items, 3), "snapshot"), "place_name"),
                        "Menaka");
    const char *next = str(j, "next");
    assert_non_null(next);
    char page2[320];
    snprintf(page2, sizeof page2, "%s/revisions?limit=4&cursor=%s", path, next);
    json_t *j2 = test_get_json(server.port, fra_analyst.headers, page2, 200);
    items = json_object_get(j2, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 1), "action"), "endorse");
    assert_string_equal(str(json_array_get(items, 1), "actor"), "bra.end");
    assert_true(json_is_null(json_object_get(j2, "next")));
    json_decref(j2);
    json_decref(j);
}

/* api/incidents-duplicates: the list with distance_km and hours_apart, the count on the
 * incident's page, and a merge through the API. */
static void api_incidents_duplicates(void **state)
{
    (void)state;
    char a[40], b[40], c[40], path[160];
    /* Bangui; b is 1.112 km north (0.01 degree) and 2 h later; c another type. */
    snprintf(a, sizeof a, "%s",
             create(&fra_rep, report("MINUSCA", "indirect_fire", 4.3612, 18.5550,
                                     "2024-04-05T20:00:00Z", "\"submit\":true")));
    snprintf(b, sizeof b, "%s",
             create(&bra_fp, report("MINUSCA", "indirect_fire", 4.3712, 18.5550,
                                    "2024-04-05T22:00:00Z", "\"submit\":true")));
    snprintf(c, sizeof c, "%s",
             create(&bra_fp, report("MINUSCA", "direct_fire", 4.3612, 18.5550,
                                    "2024-04-05T20:00:00Z", "\"submit\":true")));
    snprintf(path, sizeof path, "/api/v1/incidents/%s/duplicates", a);
    json_t *j = test_get_json(server.port, fra_rep.headers, path, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_t *it = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(str(it, "id"), b);
    assert_float_equal(json_real_value(json_object_get(it, "distance_km")), 1.112, 0.0005);
    assert_float_equal(json_real_value(json_object_get(it, "hours_apart")), 2.0, 1e-9);
    assert_string_equal(str(it, "owner"), "BRA");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/incidents/%s", a);
    j = test_get_json(server.port, fra_rep.headers, path, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "duplicate_candidates")), 1);
    json_decref(j);

    struct counts before = counts();
    char body[96];
    snprintf(body, sizeof body, "{\"into\":\"%s\"}", a);
    json_decref(act(&fra_end, b, "merge", body, 403, "mission")); /* a MINUSMA endorser */
    json_decref(act(&fra_rep, b, "merge", body, 403, NULL));
    json_decref(act(&car_end, b, "merge", "{}", 400, "into"));
    assert_unchanged(before, "refused merges");
    snprintf(body, sizeof body, "{\"into\":\"%s\"}", a);
    j = act(&car_end, b, "merge", body, 200, NULL);
    assert_string_equal(str(j, "id"), a);
    assert_int_equal(json_integer_value(json_object_get(j, "duplicate_candidates")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "revision")), 3);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/incidents/%s", b);
    j = test_get_json(server.port, bra_fp.headers, path, 200);
    assert_string_equal(str(j, "status"), "merged");
    assert_string_equal(str(j, "merged_into"), a);
    json_decref(j);
    struct counts after = counts();
    assert_int_equal(after.revisions, before.revisions + 2);
    assert_int_equal(after.audit, before.audit + 2);
    (void)c;
}

/* api/incidents-casualty-links: an incident's page lists the casualty records linked to it
 * that the reader may see: the owner's embargoed record for its owner, not for another
 * member. */
static void api_incidents_casualty_links(void **state)
{
    (void)state;
    char id[40], path[128], body[512];
    snprintf(id, sizeof id, "%s",
             create(&fra_rep, report("MINUSMA", "ied", 16.0, -0.1, "2024-05-05T05:00:00Z",
                                     "\"submit\":true")));
    snprintf(body, sizeof body,
             "{\"incident_date\":\"2024-05-05\",\"mission\":\"MINUSMA\",\"casualty_type\":"
             "\"Injury\",\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":"
             "\"Military\",\"incident_type\":\"Malicious Act\",\"tlp\":\"TLP:GREEN\","
             "\"incident_id\":\"%s\"}",
             id);
    struct test_response r;
    test_world_call(&fra_rep, "POST", "/api/v1/casualties", body, &r);
    assert_int_equal(r.status, 201);
    json_t *cas = body_json(&r);
    test_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/incidents/%s", id);
    json_t *j = test_get_json(server.port, fra_analyst.headers, path, 200);
    json_t *list = json_object_get(j, "casualty_records");
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(str(json_array_get(list, 0), "id"), str(cas, "id"));
    assert_string_equal(str(json_array_get(list, 0), "incident_id"), id);
    json_decref(j);
    j = test_get_json(server.port, bra_fp.headers, path, 200);
    assert_int_equal(json_array_size(json_object_get(j, "casualty_records")), 0);
    json_decref(j);
    json_decref(cas);
}

/* api/user-missions: PUT replaces the set (case-insensitive acronyms, repeats once), replies
 * with the user JSON carrying "missions", which GET user and GET session show too; an unknown
 * mission is a 400 naming it that changes nothing; only user.admin may. */
static void api_user_missions(void **state)
{
    (void)state;
    struct test_response r;
    struct counts before = counts();
    test_world_call(&admin, "PUT", "/api/v1/users/fra.end/missions",
                    "{\"missions\":[\"minusca\",\"MINUSMA\",\"MINUSCA\"]}", &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    char *m = json_dumps(json_object_get(j, "missions"), JSON_COMPACT);
    assert_string_equal(m, "[\"MINUSCA\",\"MINUSMA\"]");
    free(m);
    assert_string_equal(str(j, "username"), "fra.end");
    json_decref(j);
    test_response_free(&r);
    assert_int_equal(counts().audit, before.audit + 1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'user.missions' AND record_id = 'fra.end' AND "
                                        "username = 'secretariat'"),
                     1);

    before = counts();
    test_world_call(&admin, "PUT", "/api/v1/users/fra.end/missions",
                    "{\"missions\":[\"MINUSMA\",\"ATLANTIS\"]}", &r);
    assert_problem(&r, 400, "missions");
    assert_contains(r.body, "ATLANTIS");
    test_response_free(&r);
    test_world_call(&admin, "PUT", "/api/v1/users/nobody/missions", "{\"missions\":[]}", &r);
    assert_problem(&r, 404, "username");
    test_response_free(&r);
    test_world_call(&admin, "PUT", "/api/v1/users/fra.end/missions", "{\"mission\":[\"MINUSMA\"]}",
                    &r);
    assert_problem(&r, 400, "mission");
    test_response_free(&r);
    test_world_call(&fra_end, "PUT", "/api/v1/users/fra.end/missions",
                    "{\"missions\":[\"MINUSMA\"]}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    assert_unchanged(before, "refused mission changes");

    j = test_get_json(server.port, admin.headers, "/api/v1/users/fra.end", 200);
    m = json_dumps(json_object_get(j, "missions"), JSON_COMPACT);
    assert_string_equal(m, "[\"MINUSCA\",\"MINUSMA\"]");
    free(m);
    json_decref(j);
    j = test_get_json(server.port, fra_end.headers, "/api/v1/session", 200);
    m = json_dumps(json_object_get(json_object_get(j, "user"), "missions"), JSON_COMPACT);
    assert_string_equal(m, "[\"MINUSCA\",\"MINUSMA\"]");
    free(m);
    json_decref(j);
    j = test_get_json(server.port, fra_rep.headers, "/api/v1/session", 200);
    m = json_dumps(json_object_get(json_object_get(j, "user"), "missions"), JSON_COMPACT);
    assert_string_equal(m, "[]");
    free(m);
    json_decref(j);
    j = test_get_json(server.port, admin.headers, "/api/v1/users?limit=500", 200);
    size_t i;
    json_t *u;
    int seen = 0;
    json_array_foreach(json_object_get(j, "items"), i, u)
    {
        assert_true(json_is_array(json_object_get(u, "missions")));
        if (strcmp(str(u, "username"), "fra.officer") == 0) {
            m = json_dumps(json_object_get(u, "missions"), JSON_COMPACT);
            assert_string_equal(m, "[\"MINUSCA\",\"MINUSMA\"]");
            free(m);
            seen = 1;
        }
    }
    assert_true(seen);
    json_decref(j);
    /* Clearing. */
    test_world_call(&admin, "PUT", "/api/v1/users/fra.end/missions", "{\"missions\":[]}", &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM account_mission m JOIN account a ON "
                                        "a.id = m.account_id WHERE a.username = 'fra.end'"),
                     0);
    test_world_call(&admin, "PUT", "/api/v1/users/fra.end/missions", "{\"missions\":[\"MINUSMA\"]}",
                    &r);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/incidents-create", api_incidents_create),
        BH_TEST("api/incidents-workflow", api_incidents_workflow),
        BH_TEST("api/incidents-duplicates", api_incidents_duplicates),
        BH_TEST("api/incidents-casualty-links", api_incidents_casualty_links),
        BH_TEST("api/user-missions", api_user_missions),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/incidents", tests, setup, teardown);
}
