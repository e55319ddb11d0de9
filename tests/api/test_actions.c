/* Mission-level actions over HTTP (docs/actions.md): creation under a commitment, If-Match,
 * who may report progress (a reporter of the responsible organization, not one of another),
 * and THE visibility matrix: commitments and actions marked GREEN, AMBER (a group),
 * AMBER+STRICT and RED, for the owner organization, a group member, another organization,
 * anonymous and the admin, on the lists, the gets, a commitment's action counts and the
 * evidence of a progress update (hidden from a reader who may not see the record). */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Actions over HTTP 2026"

static struct test_server server;
/* The coordination cast, signed in (world.h). */
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_actions",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

/* A commitment by FRA with marking members `marking` (",\"tlp\":..." or ""); its id. */
static void make_commitment(const char *title, const char *marking, char id[64])
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"title\":\"%s\",\"source\":\"a4p\",\"a4p_area\":\"safety_security\",\"made_on\":"
             "\"2026-11-01\"%s}",
             title, marking);
    json_t *c = test_world_json(&cast->fra_fp, "POST", "/api/v1/commitments", body, 201);
    snprintf(id, 64, "%s", test_str(c, "id"));
    json_decref(c);
}

/* An action of commitment `cid` by FRA for `resp`, with `extra` members; its id. */
static void make_action(const char *cid, const char *resp, const char *extra, char id[64])
{
    char body[512], path[128];
    snprintf(body, sizeof body,
             "{\"title\":\"CASEVAC drill\",\"mission\":\"MINUSCA\",\"responsible_org\":\"%s\","
             "\"due_date\":\"2027-01-15\"%s}",
             resp, extra);
    snprintf(path, sizeof path, "/api/v1/commitments/%s/actions", cid);
    json_t *a = test_world_json(&cast->fra_fp, "POST", path, body, 201);
    snprintf(id, 64, "%s", test_str(a, "id"));
    json_decref(a);
}

static char group[32];

static void ensure_group(void)
{
    if (group[0])
        return;
    snprintf(group, sizeof group, "%lld",
             test_world_group(&cast->fra_coord, "CASEVAC partners", "[\"BRA\"]"));
}

/* api/actions-write-progress: creation, PATCH with If-Match, updates by who may. */
static void api_actions_write_progress(void **state)
{
    (void)state;
    char cid[64], aid[64], path[160], up[200];
    make_commitment("Medical evacuation", "", cid);
    make_action(cid, "BRA", ",\"indicators\":[{\"name\":\"drills\",\"target\":4}]", aid);
    snprintf(path, sizeof path, "/api/v1/actions/%s", aid);
    snprintf(up, sizeof up, "%s/updates", path);
    json_t *a = test_world_json(&cast->bra_rep, "GET", path, NULL, 200);
    assert_string_equal(test_str(a, "responsible_org"), "BRA");
    assert_string_equal(test_str(a, "time_zone"), "Africa/Bangui");
    assert_string_equal(test_str(a, "due_at"), "2027-01-15T23:00:00Z");
    assert_string_equal(test_str(json_object_get(a, "commitment"), "id"), cid);
    assert_int_equal(json_array_size(json_object_get(a, "updates")), 0);
    json_decref(a);

    /* Bad input names its member. */
    struct test_response r;
    char cpath[160];
    snprintf(cpath, sizeof cpath, "/api/v1/commitments/%s/actions", cid);
    test_world_call(&cast->fra_fp, "POST", cpath,
                    "{\"title\":\"x\",\"mission\":\"MINUSCA\",\"responsible_org\":\"BRA\","
                    "\"due_date\":\"2026-10-01\"}",
                    &r);
    assert_problem(&r, 400, "due_date");
    test_response_free(&r);
    test_world_call(&cast->fra_fp, "POST", cpath,
                    "{\"title\":\"x\",\"mission\":\"MINUSMA\",\"responsible_org\":\"BRA\","
                    "\"due_date\":\"2027-01-01\"}",
                    &r);
    assert_problem(&r, 400, "mission");
    test_response_free(&r);

    /* A reporter of the responsible organization reports; one of another may not. */
    json_t *u =
        test_world_json(&cast->bra_rep, "POST", up,
                        "{\"note\":\"First drill\",\"status\":\"in_progress\",\"indicators\":[{"
                        "\"name\":\"drills\",\"value\":1}]}",
                        201);
    assert_string_equal(test_str(u, "by"), "bra.rep");
    assert_string_equal(test_str(u, "status_from"), "planned");
    assert_string_equal(test_str(u, "status_to"), "in_progress");
    json_decref(u);
    /* A retried update (the same Idempotency-Key) is not written twice. */
    char h[512];
    snprintf(h, sizeof h, "%sIdempotency-Key: drill-2\r\n", cast->bra_rep.headers);
    for (int i = 0; i < 2; i++) {
        test_call(server.port, h, "POST", up, "{\"note\":\"Second drill\"}", &r);
        assert_int_equal(r.status, 201);
        test_response_free(&r);
    }
    int64_t n = 0;
    struct bh_error err;
    must(db_exec_params(test_world_db,
                        "SELECT count(*) FROM action_update WHERE note = 'Second drill'", NULL, &n,
                        NULL, &err),
         &err, "count updates");
    assert_int_equal(n, 1);
    test_world_call(&cast->chn_rep, "POST", up, "{\"note\":\"Not ours\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(&cast->bra_rep, "POST", up, "{\"status\":\"dropped\"}", &r);
    assert_problem(&r, 400, "reason");
    test_response_free(&r);

    /* PATCH: status is not changed here; If-Match stale is 412; a reporter may not. */
    test_world_call(&cast->fra_fp, "PATCH", path, "{\"status\":\"done\"}", &r);
    assert_problem(&r, 400, "status");
    test_response_free(&r);
    snprintf(h, sizeof h, "%sIf-Match: 9\r\n", cast->fra_fp.headers);
    test_call(server.port, h, "PATCH", path, "{\"title\":\"Stale\"}", &r);
    assert_int_equal(r.status, 412);
    test_response_free(&r);
    a = test_world_json(&cast->fra_fp, "GET", path, NULL, 200);
    snprintf(h, sizeof h, "%sIf-Match: %lld\r\n", cast->fra_fp.headers,
             (long long)json_integer_value(json_object_get(a, "revision")));
    json_decref(a);
    test_call(server.port, h, "PATCH", path, "{\"responsible_unit\":\"Sector West\"}", &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    test_world_call(&cast->bra_rep, "PATCH", path, "{\"title\":\"x\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    a = test_world_json(&cast->bra_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(a, "status"), "in_progress");
    assert_string_equal(test_str(a, "responsible_unit"), "Sector West");
    json_t *ind = json_array_get(json_object_get(a, "indicators"), 0);
    assert_true(json_number_value(json_object_get(ind, "current")) == 1.0);
    json_decref(a);

    json_t *l = test_world_json(
        &cast->bra_fp, "GET", "/api/v1/actions?responsible_org=BRA&status=in_progress", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    json_decref(l);
    l = test_world_json(&cast->bra_fp, "GET", "/api/v1/actions?overdue=true", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
    json_decref(l);
}

enum reader { R_OWNER, R_GROUP, R_OTHER, R_ANON, R_ADMIN, R_COUNT };
static const char *const reader_names[] = { "owner (FRA fp)", "group (BRA fp)", "other (CHN fp)",
                                            "anonymous", "admin (DPO)" };

static const struct test_session *reader(int r)
{
    const struct test_session *s[] = { &cast->fra_fp, &cast->bra_fp, &cast->chn_fp, NULL,
                                       &cast->admin };
    return s[r];
}

static bool listed(const char *path, const struct test_session *u, const char *id)
{
    json_t *l = test_world_json(u, "GET", path, NULL, 200);
    bool found = test_listed(json_object_get(l, "items"), id);
    json_decref(l);
    return found;
}

/* api/actions-visibility-matrix */
static void api_actions_visibility_matrix(void **state)
{
    (void)state;
    ensure_group();
    char amber[128];
    snprintf(amber, sizeof amber, ",\"tlp\":\"TLP:AMBER\",\"sharing_group\":%s", group);
    struct probe {
        const char *name, *marking;
        int see[R_COUNT];
        char cid[64], aid[64];
    } probes[] = {
        { "GREEN", ",\"tlp\":\"TLP:GREEN\"", { 1, 1, 1, 0, 1 }, "", "" },
        { "AMBER", amber, { 1, 1, 0, 0, 1 }, "", "" },
        { "AMBER+STRICT", ",\"tlp\":\"TLP:AMBER+STRICT\"", { 1, 0, 0, 0, 1 }, "", "" },
        { "RED", ",\"tlp\":\"TLP:RED\",\"recipients\":[\"bra.fp\"]", { 1, 1, 0, 0, 1 }, "", "" },
    };
    const size_t np = sizeof probes / sizeof probes[0];
    /* Each commitment with one action of its own marking (inherited), and one GREEN
     * commitment holding an action of each marking, for the counts. */
    char counted[64];
    make_commitment("Counted", ",\"tlp\":\"TLP:GREEN\"", counted);
    for (size_t i = 0; i < np; i++) {
        char title[64], unused[64];
        snprintf(title, sizeof title, "Matrix %s", probes[i].name);
        make_commitment(title, probes[i].marking, probes[i].cid);
        make_action(probes[i].cid, "FRA", "", probes[i].aid);
        make_action(counted, "FRA", probes[i].marking, unused);
    }
    int wrong = 0;
    for (int rd = 0; rd < R_COUNT; rd++) {
        const struct test_session *u = reader(rd);
        for (size_t i = 0; i < np; i++) {
            int want = probes[i].see[rd] ? 200 : 404;
            char path[200];
            const char *what[] = { "commitment", "actions of", "action" };
            char paths[3][200];
            snprintf(paths[0], 200, "/api/v1/commitments/%s", probes[i].cid);
            snprintf(paths[1], 200, "/api/v1/commitments/%s/actions", probes[i].cid);
            snprintf(paths[2], 200, "/api/v1/actions/%s", probes[i].aid);
            for (int p = 0; p < 3; p++) {
                int got = test_world_status(u, "GET", paths[p], NULL);
                if (got != want) {
                    printf("WRONG get %s: %-16s %-13s expected %d, got %d\n", what[p],
                           reader_names[rd], probes[i].name, want, got);
                    wrong++;
                }
            }
            snprintf(path, sizeof path, "/api/v1/commitments?limit=200");
            if (listed(path, u, probes[i].cid) != (want == 200)) {
                printf("WRONG commitment list: %-16s %s\n", reader_names[rd], probes[i].name);
                wrong++;
            }
            if (listed("/api/v1/actions?limit=200", u, probes[i].aid) != (want == 200)) {
                printf("WRONG action list: %-16s %s\n", reader_names[rd], probes[i].name);
                wrong++;
            }
        }
        /* The counts of the GREEN commitment: the actions this reader may see. */
        char path[160];
        snprintf(path, sizeof path, "/api/v1/commitments/%s", counted);
        int total = 0;
        for (size_t i = 0; i < np; i++)
            total += probes[i].see[rd];
        if (rd == R_ANON) {
            assert_int_equal(test_world_status(u, "GET", path, NULL), 404);
        } else {
            json_t *c = test_world_json(u, "GET", path, NULL, 200);
            int got =
                (int)json_integer_value(json_object_get(json_object_get(c, "actions"), "total"));
            int planned =
                (int)json_integer_value(json_object_get(json_object_get(c, "actions"), "planned"));
            json_decref(c);
            if (got != total || planned != total) {
                printf("WRONG counts: %-16s expected %d, got %d (planned %d)\n", reader_names[rd],
                       total, got, planned);
                wrong++;
            }
        }
    }
    if (wrong)
        fail_msg("%d wrong cells in the action visibility matrix (printed above)", wrong);
}

/* api/actions-hidden-evidence: evidence of a record a reader may not see is shown as
 * {kind, hidden: true}, without its ref or label. */
static void api_actions_hidden_evidence(void **state)
{
    (void)state;
    json_t *b = test_world_json(&cast->fra_fp, "POST", "/api/v1/bulletins",
                                "{\"title\":\"Drill report\",\"period_from\":\"2026-11-01\","
                                "\"period_to\":\"2026-11-30\",\"body\":\"Done.\",\"tlp\":"
                                "\"TLP:AMBER+STRICT\"}",
                                201);
    char bid[64], path[200], body[512];
    snprintf(bid, sizeof bid, "%s", test_str(b, "id"));
    json_decref(b);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/publish", bid);
    json_decref(test_world_json(&cast->fra_fp, "POST", path, NULL, 200));
    char cid[64], aid[64];
    make_commitment("Evidence", "", cid);
    make_action(cid, "FRA", "", aid);
    snprintf(path, sizeof path, "/api/v1/actions/%s/updates", aid);
    /* China cannot cite what it cannot see (and may not report on FRA's action anyway). */
    snprintf(body, sizeof body,
             "{\"note\":\"Report\",\"evidence\":[{\"kind\":\"bulletin\",\"ref\":\"%s\","
             "\"label\":\"Drill report\"},{\"kind\":\"link\",\"ref\":\"https://example.org/d\"}]}",
             bid);
    json_decref(test_world_json(&cast->fra_fp, "POST", path, body, 201));
    struct test_response r;
    test_world_call(&cast->fra_fp, "POST", path,
                    "{\"evidence\":[{\"kind\":\"link\",\"ref\":\"ftp://example.org\"}]}", &r);
    assert_problem(&r, 400, "evidence[0].ref");
    test_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/actions/%s", aid);
    /* 1: sees the bulletin's ref. The action is GREEN: anonymous does not see it at all. */
    const int sees[R_COUNT] = { 1, 0, 0, -1, 1 };
    for (int rd = 0; rd < R_COUNT; rd++) {
        if (sees[rd] < 0) {
            assert_int_equal(test_world_status(reader(rd), "GET", path, NULL), 404);
            continue;
        }
        json_t *a = test_world_json(reader(rd), "GET", path, NULL, 200);
        json_t *ev = json_object_get(json_array_get(json_object_get(a, "updates"), 0), "evidence");
        json_t *e0 = json_array_get(ev, 0);
        assert_string_equal(test_str(e0, "kind"), "bulletin");
        if (sees[rd]) {
            assert_string_equal(test_str(e0, "ref"), bid);
            assert_string_equal(test_str(e0, "label"), "Drill report");
        } else {
            if (!json_is_true(json_object_get(e0, "hidden")) || json_object_get(e0, "ref") ||
                json_object_get(e0, "label"))
                fail_msg("%s sees the hidden evidence: %s", reader_names[rd],
                         json_dumps(e0, JSON_COMPACT));
        }
        assert_string_equal(test_str(json_array_get(ev, 1), "ref"), "https://example.org/d");
        json_decref(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/actions-write-progress", api_actions_write_progress),
        BH_TEST("api/actions-visibility-matrix", api_actions_visibility_matrix),
        BH_TEST("api/actions-hidden-evidence", api_actions_hidden_evidence),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/actions", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
