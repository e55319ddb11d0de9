/* Proposals under the silence procedure over HTTP (docs/proposals.md): create with a plan,
 * positions, who may do what (a reporter may not table one, a focal point of another
 * organization cannot state Brazil's position, only a co-chair extends or withdraws), bad
 * input naming its field and writing nothing, the deadline's time zone (written in New York,
 * the same instant for a reader in Shanghai), and the visibility matrix of list, get and
 * positions for GREEN, AMBER (a group), AMBER+STRICT and RED. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Silence procedure passphrase 2026"

static struct test_server server;
static char *store;
static struct db *db;
/* The coordination cast, signed in (world.h). */
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_proposals",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

static int setup(void **state)
{
    (void)state;
    test_world_use(&world, &server);
    store = test_world_serve(&world, &server, NULL);
    struct db *rw = test_db_open(store, 0);
    test_exec(rw, "UPDATE account SET time_zone = 'Asia/Shanghai' WHERE username = 'rwa.fp';"
                  "UPDATE org SET standing = 'member' WHERE code IN ('FRA', 'RWA', 'DPO');");
    db_close(rw);
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

#define NY_DEADLINE "\"deadline\":\"2026-12-10T18:00\",\"time_zone\":\"America/New_York\""

/* api/proposals-write: create with a plan, state positions, extend and withdraw, and who may. */
static void api_proposals_write(void **state)
{
    (void)state;
    json_t *p = test_world_json(
        &cast->chn_coord, "POST", "/api/v1/proposals",
        "{\"title\":\"Golden hour CASEVAC\",\"text\":\"The group **endorses**.\"," NY_DEADLINE
        ",\"sponsors\":[\"BRA\"],\"plan\":{\"commitment\":{\"title\":\"CASEVAC within 60 "
        "minutes\",\"source\":\"group\"},\"actions\":[{\"title\":\"Night CASEVAC in Sector "
        "West\",\"mission\":\"MINUSCA\",\"responsible_org\":\"RWA\",\"due_date\":\"2027-06-30\"}]}"
        "}",
        201);
    char id[64], path[160];
    snprintf(id, sizeof id, "%s", test_str(p, "id"));
    /* The time-zone case of the issue: written in New York, stored in UTC. */
    assert_string_equal(test_str(p, "deadline"), "2026-12-10T23:00:00Z");
    assert_string_equal(test_str(p, "deadline_local"), "2026-12-10T18:00:00-05:00");
    assert_string_equal(test_str(p, "status"), "open");
    assert_int_equal(json_array_size(json_object_get(p, "sponsors")), 2);
    assert_true(json_is_object(json_object_get(p, "plan")));
    json_decref(p);
    snprintf(path, sizeof path, "/api/v1/proposals/%s", id);
    /* A reader whose account lives in Shanghai gets the same instant. */
    p = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(p, "deadline"), "2026-12-10T23:00:00Z");
    assert_true(json_is_true(json_object_get(json_object_get(p, "can"), "state_position")));
    assert_false(json_is_true(json_object_get(json_object_get(p, "can"), "chair")));
    json_decref(p);

    char ppath[200];
    snprintf(ppath, sizeof ppath, "/api/v1/proposals/%s/positions", id);
    p = test_world_json(&cast->bra_fp, "POST", ppath, "{\"position\":\"support\"}", 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "counts"), "support")),
                     1);
    json_decref(p);
    /* A focal point of another organization cannot state Brazil's position. */
    struct test_response r;
    test_world_call(&cast->fra_fp, "POST", ppath, "{\"position\":\"support\",\"org\":\"BRA\"}", &r);
    assert_problem(&r, 403, "org");
    test_response_free(&r);
    test_world_call(&cast->fra_fp, "POST", ppath, "{\"position\":\"break_silence\"}", &r);
    assert_problem(&r, 400, "reasons");
    test_response_free(&r);
    assert_int_equal(test_world_status(&cast->chn_rep, "POST", ppath, "{\"position\":\"support\"}"),
                     403);
    p = test_world_json(&cast->fra_fp, "POST", ppath,
                        "{\"position\":\"break_silence\",\"reasons\":\"No funding named.\"}", 200);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(p, "counts"), "break_silence")), 1);
    assert_int_equal(json_array_size(json_object_get(p, "positions")), 2);
    json_decref(p);
    /* The sponsors and co-chairs were told silence was broken. */
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification n JOIN account a ON a.id = n.account_id WHERE "
             "a.username = 'bra.fp' AND n.kind = 'proposal.silence_broken' AND n.record_id = '%s'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);

    /* Chair only: extend and withdraw. */
    char epath[200], wpath[200];
    snprintf(epath, sizeof epath, "/api/v1/proposals/%s/extend", id);
    snprintf(wpath, sizeof wpath, "/api/v1/proposals/%s/withdraw", id);
    const char *ext = "{\"deadline\":\"2026-12-11T18:00\",\"time_zone\":\"America/New_York\","
                      "\"reason\":\"Capitals\"}";
    assert_int_equal(test_world_status(&cast->bra_fp, "POST", epath, ext), 403);
    assert_int_equal(test_world_status(&cast->bra_fp, "POST", wpath, "{\"reason\":\"x\"}"), 403);
    p = test_world_json(&cast->chn_coord, "POST", epath, ext, 200);
    assert_string_equal(test_str(p, "deadline"), "2026-12-11T23:00:00Z");
    json_decref(p);
    p = test_world_json(&cast->chn_coord, "POST", wpath, "{\"reason\":\"Overtaken\"}", 200);
    assert_string_equal(test_str(p, "status"), "withdrawn");
    assert_int_equal(json_array_size(json_object_get(p, "events")), 3);
    json_decref(p);
    test_world_call(&cast->bra_fp, "POST", ppath, "{\"position\":\"support\"}", &r);
    assert_problem(&r, 409, "status");
    test_response_free(&r);
    /* A reporter may not table one. */
    assert_int_equal(test_world_status(&cast->chn_rep, "POST", "/api/v1/proposals",
                                       "{\"title\":\"No\",\"text\":\"x\"," NY_DEADLINE "}"),
                     403);
}

/* api/proposals-invalid: bad input is a 400 naming the member; nothing is written. */
static void api_proposals_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{\"title\":\"t\",\"text\":\"x\",\"deadline\":\"2020-01-01T00:00:00Z\","
          "\"time_zone\":\"UTC\"}",
          "deadline" },
        { "{\"title\":\"t\",\"text\":\"x\",\"deadline\":\"2030-01-01T00:00\","
          "\"time_zone\":\"Mars/Olympus_Mons\"}",
          "time_zone" },
        { "{\"title\":\"t\",\"text\":\"x\",\"deadline\":\"2030-01-01T00:00\"}", "time_zone" },
        { "{\"title\":\"t\",\"text\":\"x\"," NY_DEADLINE ",\"sponsors\":[\"BRA\",\"ZZZ\"]}",
          "sponsors[1]" },
        { "{\"title\":\"t\",\"text\":\"x\"," NY_DEADLINE
          ",\"plan\":{\"commitment\":{\"title\":\"c\",\"source\":\"group\"},\"actions\":[{"
          "\"title\":\"a\",\"mission\":\"NOWHERE\",\"responsible_org\":\"RWA\",\"due_date\":"
          "\"2027-06-30\"}]}}",
          "plan.actions[0].mission" },
        { "{\"title\":\"t\",\"text\":\"x\"," NY_DEADLINE ",\"tlp\":\"AMBER\"}", "sharing_group" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM proposal");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_world_call(&cast->chn_coord, "POST", "/api/v1/proposals", cases[i].body, &r);
        if (r.status != 400 || !strstr(r.body, cases[i].field))
            fail_msg("case %zu (%s): expected 400 naming %s, got %d: %s", i, cases[i].body,
                     cases[i].field, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM proposal"), before);
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

/* api/proposals-visibility-matrix: proposals of every marking, each reader, on the list, the
 * get and the positions (a hidden proposal takes no position: 404). */
static void api_proposals_visibility_matrix(void **state)
{
    (void)state;
    char marking_amber[96];
    snprintf(marking_amber, sizeof marking_amber, "\"tlp\":\"AMBER\",\"sharing_group\":%lld",
             test_world_group(&cast->chn_coord, "Proposal readers", "[\"BRA\"]"));
    struct probe {
        const char *name, *marking;
        int see[R_COUNT];
        char id[64];
    } probes[] = {
        { "GREEN", "\"tlp\":\"GREEN\"", { 1, 1, 1, 0, 1 }, "" },
        { "AMBER", marking_amber, { 1, 1, 0, 0, 1 }, "" },
        { "AMBER+STRICT", "\"tlp\":\"AMBER+STRICT\"", { 1, 0, 0, 0, 1 }, "" },
        { "RED", "\"tlp\":\"RED\",\"recipients\":[\"fra.fp\"]", { 0, 0, 1, 0, 1 }, "" },
    };
    const size_t np = sizeof probes / sizeof probes[0];
    char path[256], body[512];
    for (size_t i = 0; i < np; i++) {
        snprintf(body, sizeof body,
                 "{\"title\":\"Matrix %s\",\"text\":\"x\",\"deadline\":\"2031-01-01T00:00\","
                 "\"time_zone\":\"UTC\",%s}",
                 probes[i].name, probes[i].marking);
        json_t *p = test_world_json(&cast->chn_coord, "POST", "/api/v1/proposals", body, 201);
        snprintf(probes[i].id, sizeof probes[i].id, "%s", test_str(p, "id"));
        json_decref(p);
    }
    int wrong = 0;
    for (int rd = 0; rd < R_COUNT; rd++) {
        const struct test_session *u = reader_session((enum reader)rd);
        struct test_response r;
        test_world_call(u, "GET", "/api/v1/proposals?limit=200", NULL, &r);
        json_t *list = r.status == 200 ? body_json(&r) : NULL;
        if ((r.status == 200) != (rd != R_ANON)) {
            printf("WRONG list status %d for %s\n", r.status, reader_names[rd]);
            wrong++;
        }
        test_response_free(&r);
        for (size_t i = 0; i < np; i++) {
            int want = probes[i].see[rd];
            snprintf(path, sizeof path, "/api/v1/proposals/%s", probes[i].id);
            int got = test_world_status(u, "GET", path, NULL) == 200;
            int in_list = list && test_listed(json_object_get(list, "items"), probes[i].id);
            /* Only focal points state positions: a comment is 200 when seen, else 404. */
            int pos = want;
            if (rd == R_OWNER || rd == R_GROUP || rd == R_OTHER) {
                snprintf(path, sizeof path, "/api/v1/proposals/%s/positions", probes[i].id);
                int st = test_world_status(u, "POST", path,
                                           "{\"position\":\"comment\",\"reasons\":\"Noted.\"}");
                pos = st == 200 ? 1 : st == 404 ? 0 : -st;
            }
            if (got != want || in_list != want || pos != want) {
                printf("WRONG %-22s %-13s expected %d, got get %d list %d positions %d\n",
                       reader_names[rd], probes[i].name, want, got, in_list, pos);
                wrong++;
            }
        }
        json_decref(list);
    }
    if (wrong)
        fail_msg("%d wrong cells in the proposal visibility matrix (printed above)", wrong);

    /* The admin's list read of the AMBER+STRICT and RED ones is in the audit log, as its gets
     * are: one "proposal.read" naming both ids among the page's. */
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'proposal.read' AND record_id IS NULL "
             "AND summary LIKE '%%%s%%' AND summary LIKE '%%%s%%' AND summary NOT LIKE '%%%s%%'",
             probes[2].id, probes[3].id, probes[0].id);
    assert_int_equal(test_query_int(db, sql), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/proposals-write", api_proposals_write),
        BH_TEST("api/proposals-invalid", api_proposals_invalid),
        BH_TEST("api/proposals-visibility-matrix", api_proposals_visibility_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
