/* Meetings and decisions over HTTP (docs/meetings.md): create, get, list and change with
 * If-Match; who may write (a reporter may not create, another organization's coordinator may
 * not change); a decision at a meeting; bad input writing nothing; and the visibility matrix:
 * meetings and decisions marked GREEN, AMBER (a group), AMBER+STRICT and RED, for a member of
 * the owning organization, a member of the group, another organization, an anonymous reader
 * and the admin, on the list, the get, the decision list and the meeting's "decisions". */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Launch meeting passphrase 2021"

static struct test_server server;
/* The coordination cast, signed in (world.h). */
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_meetings",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

#define WHEN                                                                             \
    "\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\",\"time_zone\":" \
    "\"America/New_York\""

/* api/meetings-write: create, get, list, change with If-Match (a stale one is 412), a
 * decision at the meeting; a reporter may not create, another organization's coordinator
 * may not change; both audited. */
static void api_meetings_write(void **state)
{
    (void)state;
    json_t *m =
        test_world_json(&cast->chn_coord, "POST", "/api/v1/meetings",
                        "{\"title\":\"Co-chairs on safety\",\"kind\":\"co_chairs\"," WHEN
                        ",\"online_url\":\"https://meet.example.org/x\","
                        "\"agenda\":[{\"title\":\"Casualty trends\"},{\"title\":\"CASEVAC\"}],"
                        "\"participants\":[{\"org\":\"BRA\",\"attendees\":4}]}",
                        201);
    char id[64], path[128];
    snprintf(id, sizeof id, "%s", test_str(m, "id"));
    assert_string_equal(test_str(m, "starts_at"), "2026-12-10T14:00:00Z");
    assert_string_equal(test_str(m, "starts_local"), "2026-12-10T09:00:00-05:00");
    assert_string_equal(test_str(m, "owner"), "CHN");
    assert_string_equal(test_str(m, "tlp"), "TLP:GREEN");
    assert_int_equal(json_array_size(json_object_get(m, "agenda")), 2);
    json_decref(m);
    snprintf(path, sizeof path, "/api/v1/meetings/%s", id);
    m = test_world_json(&cast->bra_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(json_array_get(json_object_get(m, "participants"), 0), "org"),
                        "BRA");
    json_decref(m);
    /* BRA was told: its focal point has the notification. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification n JOIN account a ON a.id = n.account_id WHERE "
             "a.username = 'bra.fp' AND n.kind = 'meeting.scheduled' AND n.record_id = '%s'",
             id);
    assert_int_equal(test_query_int(test_world_db, sql), 1);

    json_t *list =
        test_world_json(&cast->fra_fp, "GET", "/api/v1/meetings?status=planned", NULL, 200);
    bool listed = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(list, "items"), i, it) listed |=
        strcmp(test_str(it, "id"), id) == 0;
    assert_true(listed);
    json_decref(list);

    /* If-Match: the revision read; a stale one is 412 and writes nothing. */
    struct test_response r;
    char headers[512];
    snprintf(headers, sizeof headers, "%sIf-Match: \"1\"\r\n", cast->chn_coord.headers);
    test_call(server.port, headers, "PATCH", path, "{\"status\":\"held\",\"minutes\":\"# Done\"}",
              &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    test_call(server.port, headers, "PATCH", path, "{\"title\":\"Stale\"}", &r);
    assert_int_equal(r.status, 412);
    test_response_free(&r);
    m = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(m, "status"), "held");
    assert_string_equal(test_str(m, "title"), "Co-chairs on safety");
    assert_int_equal(json_integer_value(json_object_get(m, "revision")), 2);
    json_decref(m);

    /* Who may write. */
    assert_int_equal(test_world_status(&cast->chn_rep, "POST", "/api/v1/meetings",
                                       "{\"title\":\"No\"," WHEN "}"),
                     403);
    assert_int_equal(test_world_status(&cast->bra_coord, "PATCH", path, "{\"title\":\"Mine\"}"),
                     403);
    assert_int_equal(
        test_world_status(NULL, "POST", "/api/v1/meetings", "{\"title\":\"No\"," WHEN "}"), 401);

    /* A decision at the meeting. */
    char dpath[160];
    snprintf(dpath, sizeof dpath, "/api/v1/meetings/%s/decisions", id);
    assert_int_equal(test_world_status(&cast->bra_coord, "POST", dpath, "{\"title\":\"No\"}"), 403);
    json_t *d =
        test_world_json(&cast->chn_coord, "POST", dpath,
                        "{\"title\":\"Share CASEVAC times monthly\",\"text\":\"Agreed.\"}", 201);
    assert_string_equal(test_str(d, "meeting"), id);
    char did[64];
    snprintf(did, sizeof did, "%s", test_str(d, "id"));
    json_decref(d);
    m = test_world_json(&cast->bra_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(json_array_get(json_object_get(m, "decisions"), 0), "id"), did);
    json_decref(m);
    snprintf(dpath, sizeof dpath, "/api/v1/decisions/%s", did);
    d = test_world_json(&cast->fra_fp, "GET", dpath, NULL, 200);
    assert_string_equal(test_str(d, "text"), "Agreed.");
    assert_true(json_is_array(json_object_get(d, "commitments")));
    json_decref(d);

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE record_id IN ('%s', '%s') AND action IN "
             "('meeting.create', 'meeting.update', 'decision.create')",
             id, did);
    assert_int_equal(test_query_int(test_world_db, sql), 3);
}

/* api/meetings-invalid: bad input is a 400 naming the member, and nothing is written. */
static void api_meetings_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{" WHEN "}", "title" },
        { "{\"title\":\"t\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\"}",
          "time_zone" },
        { "{\"title\":\"t\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-09T11:00\","
          "\"time_zone\":\"UTC\"}",
          "ends_at" },
        { "{\"title\":\"t\"," WHEN ",\"online_url\":\"data:text/html,x\"}", "online_url" },
        { "{\"title\":\"t\"," WHEN ",\"participants\":[{\"org\":\"ZZZ\"}]}",
          "participants[0].org" },
        { "{\"title\":\"t\"," WHEN ",\"agenda\":[{\"title\":\"\"}]}", "agenda[0].title" },
        { "{\"title\":\"t\"," WHEN ",\"tlp\":\"AMBER\"}", "sharing_group" },
    };
    int64_t before = test_query_int(test_world_db, "SELECT count(*) FROM meeting");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_world_call(&cast->chn_coord, "POST", "/api/v1/meetings", cases[i].body, &r);
        if (r.status != 400 || !strstr(r.body, cases[i].field))
            fail_msg("case %zu (%s): expected 400 naming %s, got %d: %s", i, cases[i].body,
                     cases[i].field, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    assert_int_equal(test_query_int(test_world_db, "SELECT count(*) FROM meeting"), before);
}

enum reader { R_OWNER, R_GROUP, R_OTHER, R_ANON, R_ADMIN, R_COUNT };
static const char *const reader_names[] = { "owner org (CHN fp)", "group member (BRA fp)",
                                            "other org (FRA fp)", "anonymous", "admin" };

static const struct test_session *reader_session(enum reader r)
{
    const struct test_session *s[] = { &cast->chn_fp, &cast->bra_fp, &cast->fra_fp, NULL,
                                       &cast->admin };
    return s[r];
}

/* api/meetings-visibility-matrix: meetings and decisions of every marking, each reader. */
static void api_meetings_visibility_matrix(void **state)
{
    (void)state;
    char marking_amber[96];
    snprintf(marking_amber, sizeof marking_amber, "\"tlp\":\"AMBER\",\"sharing_group\":%lld",
             test_world_group(&cast->chn_coord, "Co-chairs and Brazil", "[\"BRA\"]"));
    struct probe {
        const char *name, *marking;
        int see[R_COUNT];
        char meeting[64], decision[64], host_decision[64];
    } probes[] = {
        { "GREEN", "\"tlp\":\"GREEN\"", { 1, 1, 1, 0, 1 }, "", "", "" },
        { "AMBER", marking_amber, { 1, 1, 0, 0, 1 }, "", "", "" },
        { "AMBER+STRICT", "\"tlp\":\"AMBER+STRICT\"", { 1, 0, 0, 0, 1 }, "", "", "" },
        /* RED names the other organization's focal point as its reader. */
        { "RED", "\"tlp\":\"RED\",\"recipients\":[\"fra.fp\"]", { 0, 0, 1, 0, 1 }, "", "", "" },
    };
    const size_t np = sizeof probes / sizeof probes[0];
    /* A GREEN host meeting holds one decision of each marking. */
    json_t *host = test_world_json(&cast->chn_coord, "POST", "/api/v1/meetings",
                                   "{\"title\":\"Matrix host\",\"starts_at\":\"2031-01-01T09:00\","
                                   "\"ends_at\":\"2031-01-01T10:00\",\"time_zone\":\"UTC\"}",
                                   201);
    char host_id[64], path[256], body[512];
    snprintf(host_id, sizeof host_id, "%s", test_str(host, "id"));
    json_decref(host);
    for (size_t i = 0; i < np; i++) {
        snprintf(body, sizeof body,
                 "{\"title\":\"Matrix %s\",\"starts_at\":\"2031-02-0%zuT09:00\",\"ends_at\":"
                 "\"2031-02-0%zuT10:00\",\"time_zone\":\"UTC\",%s}",
                 probes[i].name, i + 1, i + 1, probes[i].marking);
        json_t *m = test_world_json(&cast->chn_coord, "POST", "/api/v1/meetings", body, 201);
        snprintf(probes[i].meeting, sizeof probes[i].meeting, "%s", test_str(m, "id"));
        json_decref(m);
        /* Its decision keeps its marking (and RED readers). */
        snprintf(path, sizeof path, "/api/v1/meetings/%s/decisions", probes[i].meeting);
        json_t *d =
            test_world_json(&cast->chn_coord, "POST", path, "{\"title\":\"Kept marking\"}", 201);
        snprintf(probes[i].decision, sizeof probes[i].decision, "%s", test_str(d, "id"));
        json_decref(d);
        snprintf(path, sizeof path, "/api/v1/meetings/%s/decisions", host_id);
        snprintf(body, sizeof body, "{\"title\":\"Host %s\",%s}", probes[i].name,
                 probes[i].marking);
        d = test_world_json(&cast->chn_coord, "POST", path, body, 201);
        snprintf(probes[i].host_decision, sizeof probes[i].host_decision, "%s", test_str(d, "id"));
        json_decref(d);
    }

    int wrong = 0;
#define CHECK(what, got, want)                                                            \
    do {                                                                                  \
        if ((got) != (want)) {                                                            \
            printf("WRONG %s: %-22s %-13s expected %d, got %d\n", what, reader_names[rd], \
                   probes[i].name, (int)(want), (int)(got));                              \
            wrong++;                                                                      \
        }                                                                                 \
    } while (0)
    for (int rd = 0; rd < R_COUNT; rd++) {
        const struct test_session *u = reader_session((enum reader)rd);
        json_t *ml =
            test_world_json(u, "GET", "/api/v1/meetings?from=2031-01-01&limit=200", NULL, 200);
        json_t *dl = test_world_json(u, "GET", "/api/v1/decisions?limit=200", NULL, 200);
        snprintf(path, sizeof path, "/api/v1/decisions?meeting=%s", host_id);
        json_t *hl = test_world_json(u, "GET", path, NULL, 200);
        snprintf(path, sizeof path, "/api/v1/meetings/%s", host_id);
        /* The GREEN host: seen by all but the anonymous reader. */
        struct test_response r;
        test_world_call(u, "GET", path, NULL, &r);
        json_t *h = r.status == 200 ? body_json(&r) : NULL;
        test_response_free(&r);
        for (size_t i = 0; i < np; i++) {
            int want = probes[i].see[rd];
            snprintf(path, sizeof path, "/api/v1/meetings/%s", probes[i].meeting);
            CHECK("meeting get", test_world_status(u, "GET", path, NULL) == 200, want);
            CHECK("meeting list", test_listed(json_object_get(ml, "items"), probes[i].meeting),
                  want);
            snprintf(path, sizeof path, "/api/v1/decisions/%s", probes[i].decision);
            CHECK("decision get", test_world_status(u, "GET", path, NULL) == 200, want);
            CHECK("decision list", test_listed(json_object_get(dl, "items"), probes[i].decision),
                  want);
            snprintf(path, sizeof path, "/api/v1/decisions/%s", probes[i].host_decision);
            CHECK("host decision get", test_world_status(u, "GET", path, NULL) == 200, want);
            CHECK("host decision list",
                  test_listed(json_object_get(hl, "items"), probes[i].host_decision), want);
            if (h)
                CHECK("meeting decisions",
                      test_listed(json_object_get(h, "decisions"), probes[i].host_decision), want);
        }
        if ((h != NULL) != (rd != R_ANON)) {
            printf("WRONG host get: %s\n", reader_names[rd]);
            wrong++;
        }
        json_decref(h);
        json_decref(ml);
        json_decref(dl);
        json_decref(hl);
    }
#undef CHECK
    if (wrong)
        fail_msg("%d wrong cells in the meeting visibility matrix (printed above)", wrong);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/meetings-write", api_meetings_write),
        BH_TEST("api/meetings-invalid", api_meetings_invalid),
        BH_TEST("api/meetings-visibility-matrix", api_meetings_visibility_matrix),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/meetings", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
