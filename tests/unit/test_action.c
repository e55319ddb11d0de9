/* The action module in one store: each member of an action checked and named when wrong with
 * nothing written (a due date before the commitment, an unknown or closed mission, an unknown
 * zone, duplicate indicators), the responsible organization able to read the marking, the
 * defaults (the mission's zone, the commitment's marking), progress updates (status
 * transitions, dropped needs a reason, evidence checked against its writer and hidden from a
 * reader who may not see it, indicator values) and who may report. */
#include "support.h"

#include "action/action.h"
#include "base/timeutil.h"
#include "commitment/commitment.h"
#include "db/db.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Action-test-passphrase-2026"

enum { OWN, RWA, OUT, NORGS };
static const char *const codes[NORGS] = { "FRA", "RWA", "CHN" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal own_fp, own_coord, rwa_rep, rwa_fp, out_fp, out_rep, admin;
static int64_t group_id;
static char cid[64], strict_cid[64];

static int64_t held_clock(void)
{
    return 1796083200000; /* 2026-12-01T00:00:00Z */
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("action_unit", NULL, codes, NORGS, -1, org_ids);
    test_user_principal(db, "own.fp", org_ids[OWN], "FRA", ROLE_FOCAL_POINT, NULL, PW, &own_fp);
    test_user_principal(db, "own.coord", org_ids[OWN], "FRA", ROLE_COORDINATOR, NULL, PW,
                        &own_coord);
    test_user_principal(db, "rwa.rep", org_ids[RWA], "RWA", ROLE_REPORTER, NULL, PW, &rwa_rep);
    test_user_principal(db, "rwa.fp", org_ids[RWA], "RWA", ROLE_FOCAL_POINT, NULL, PW, &rwa_fp);
    test_user_principal(db, "out.fp", org_ids[OUT], "CHN", ROLE_FOCAL_POINT, NULL, PW, &out_fp);
    test_user_principal(db, "out.rep", org_ids[OUT], "CHN", ROLE_REPORTER, NULL, PW, &out_rep);
    test_user_principal(db, "chn.admin", org_ids[OUT], "CHN", ROLE_ADMIN, NULL, PW, &admin);
    struct bh_error err;
    const char *members[] = { "RWA" };
    must(sharing_group_create(db, &own_coord, "Medics", "", members, 1, &group_id, &err), &err,
         "group");
    time_set_clock(held_clock);
    json_t *body = test_json("{\"title\":\"Casualty care\",\"source\":\"ap2017\",\"ap2017_area\":"
                             "\"capacities\",\"made_on\":\"2026-11-15\"}"),
           *out = NULL;
    must(commitment_create(db, &own_fp, body, NULL, &out, &err), &err, "commitment");
    snprintf(cid, sizeof cid, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
    json_decref(body);
    body = test_json("{\"title\":\"Ours\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"tlp\":"
                     "\"TLP:AMBER+STRICT\"}");
    must(commitment_create(db, &own_fp, body, NULL, &out, &err), &err, "strict commitment");
    snprintf(strict_cid, sizeof strict_cid, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
    json_decref(body);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

#define ACTION(extra)                                                                     \
    "{\"title\":\"Train 40 medics\",\"mission\":\"MINUSCA\",\"responsible_org\":\"RWA\"," \
    "\"due_date\":\"2026-12-20\"" extra "}"

static int64_t rows(void)
{
    return test_query_int(db, "SELECT (SELECT count(*) FROM mission_action) + (SELECT count(*) "
                              "FROM action_indicator) + (SELECT count(*) FROM notification) + "
                              "(SELECT count(*) FROM audit_log)");
}

static void create_fails(const char *commitment, const char *json, const char *field,
                         const char *says)
{
    json_t *body = test_json(json), *out = NULL;
    int64_t before = rows();
    struct bh_error err;
    int rc = action_create(db, &own_fp, commitment, body, &out, &err);
    json_decref(body);
    if (rc == 0)
        fail_msg("expected a refusal naming %s for %s", field, json);
    if (strcmp(err.field, field) != 0)
        fail_msg("expected field '%s', got '%s' (%s) for %s", field, err.field, err.message, json);
    if (says && !strstr(err.message, says))
        fail_msg("expected '%s' in '%s'", says, err.message);
    assert_int_equal(rows(), before);
}

static json_t *create_ok(const char *commitment, const char *json)
{
    json_t *body = test_json(json), *out = NULL;
    struct bh_error err;
    must(action_create(db, &own_fp, commitment, body, &out, &err), &err, json);
    json_decref(body);
    return out;
}

/* action/validation: per member, nothing written. */
static void action_validation(void **state)
{
    (void)state;
    create_fails(cid,
                 "{\"mission\":\"MINUSCA\",\"responsible_org\":\"RWA\",\"due_date\":"
                 "\"2026-12-20\"}",
                 "title", NULL);
    create_fails(cid, ACTION(",\"mission\":\"MINUSXX\""), "mission", "unknown mission");
    create_fails(cid, ACTION(",\"mission\":\"MINUSMA\""), "mission", "2023-12-31");
    create_fails(cid, ACTION(",\"responsible_org\":\"XYZ\""), "responsible_org", NULL);
    create_fails(cid, ACTION(",\"due_date\":\"2026-11-14\""), "due_date", "2026-11-15");
    create_fails(cid, ACTION(",\"due_date\":\"20-12-2026\""), "due_date", NULL);
    create_fails(cid, ACTION(",\"time_zone\":\"Mars/Olympus\""), "time_zone", NULL);
    create_fails(cid, ACTION(",\"indicators\":[{\"name\":\"trained\"}]"), "indicators[0].target",
                 NULL);
    create_fails(cid,
                 ACTION(",\"indicators\":[{\"name\":\"a\",\"target\":1},{\"name\":\"a\","
                        "\"target\":2}]"),
                 "indicators[1].name", NULL);
    create_fails(cid, ACTION(",\"indicators\":[{\"name\":\"a\",\"target\":\"ten\"}]"),
                 "indicators[0].target", NULL);
    create_fails(cid, ACTION(",\"colour\":\"red\""), "colour", NULL);
    create_fails("no-such-commitment", ACTION(""), "id", NULL);
    /* The responsible organization must read the action: not under AMBER+STRICT, nor AMBER
     * of a group it is not in, nor RED without one of its users. */
    create_fails(strict_cid, ACTION(""), "responsible_org", NULL);
    create_fails(cid, ACTION(",\"tlp\":\"TLP:AMBER+STRICT\""), "responsible_org", NULL);
    create_fails(cid, ACTION(",\"tlp\":\"TLP:RED\",\"recipients\":[\"out.fp\"]"), "responsible_org",
                 NULL);
    json_t *body = test_json(ACTION("")), *out = NULL;
    struct bh_error err;
    assert_int_equal(action_create(db, &rwa_rep, cid, body, &out, &err), BH_EDENIED);
    /* Nothing made, and the check agrees with the creation. */
    assert_int_equal(action_check(db, &own_fp, body, "2026-11-15", &err), 0);
    json_decref(body);
    body = test_json(ACTION(",\"due_date\":\"2026-11-01\""));
    assert_int_equal(action_check(db, &own_fp, body, "2026-11-15", &err), BH_EINVALID);
    assert_string_equal(err.field, "due_date");
    json_decref(body);
}

/* action/defaults: the mission's zone, the end of the due day there, the commitment's
 * marking, the responsible organization told. */
static void action_defaults(void **state)
{
    (void)state;
    json_t *a = create_ok(cid, ACTION(",\"indicators\":[{\"name\":\"medics trained\",\"unit\":"
                                      "\"people\",\"baseline\":0,\"target\":40}]"));
    assert_string_equal(json_string_value(json_object_get(a, "time_zone")), "Africa/Bangui");
    /* Bangui is UTC+1: the 20th ends at 23:00 UTC. */
    assert_string_equal(json_string_value(json_object_get(a, "due_at")), "2026-12-20T23:00:00Z");
    assert_string_equal(json_string_value(json_object_get(a, "due_at_local")),
                        "2026-12-21T00:00:00+01:00");
    assert_false(json_is_true(json_object_get(a, "overdue")));
    assert_string_equal(json_string_value(json_object_get(a, "status")), "planned");
    assert_string_equal(json_string_value(json_object_get(a, "tlp")), "TLP:GREEN");
    assert_string_equal(json_string_value(json_object_get(a, "responsible_org")), "RWA");
    json_t *ind = json_array_get(json_object_get(a, "indicators"), 0);
    assert_string_equal(json_string_value(json_object_get(ind, "name")), "medics trained");
    assert_true(json_number_value(json_object_get(ind, "target")) == 40.0);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE kind = 'action.assigned' AND record_id = "
             "'%s'",
             json_string_value(json_object_get(a, "id")));
    assert_int_equal(test_query_int(db, sql), 2); /* RWA's two users */
    json_decref(a);
    /* AMBER with a group RWA belongs to: allowed. */
    char json[512];
    snprintf(json, sizeof json, ACTION(",\"tlp\":\"TLP:AMBER\",\"sharing_group\":%lld"),
             (long long)group_id);
    a = create_ok(cid, json);
    assert_string_equal(json_string_value(json_object_get(a, "tlp")), "TLP:AMBER");
    json_decref(a);
    a = create_ok(cid, ACTION(",\"time_zone\":\"Pacific/Auckland\""));
    assert_string_equal(json_string_value(json_object_get(a, "due_at")), "2026-12-20T11:00:00Z");
    json_decref(a);
    /* The commitment counts what each reader may see. */
    json_t *c = NULL;
    struct bh_error err;
    must(commitment_get(db, &out_fp, cid, &c, &err), &err, "commitment");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "actions"), "total")),
                     2);
    json_decref(c);
    must(commitment_get(db, &rwa_fp, cid, &c, &err), &err, "commitment");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "actions"), "total")),
                     3);
    json_decref(c);
}

static json_t *progress(const struct principal *who, const char *id, const char *json, int want,
                        const char *field)
{
    json_t *body = test_json(json), *out = NULL;
    struct bh_error err;
    int64_t before = test_query_int(db, "SELECT count(*) FROM action_update");
    int rc = action_add_update(db, who, id, body, &out, &err);
    json_decref(body);
    if (rc != want)
        fail_msg("%s: expected %d, got %d (%s: %s)", json, want, rc, err.field, err.message);
    if (rc) {
        if (field && strcmp(err.field, field) != 0)
            fail_msg("%s: expected field %s, got %s", json, field, err.field);
        assert_int_equal(test_query_int(db, "SELECT count(*) FROM action_update"), before);
    }
    return out;
}

static const char *status_of(const char *id)
{
    static char s[32];
    json_t *a = NULL;
    struct bh_error err;
    must(action_get(db, &own_fp, id, &a, &err), &err, "get");
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(a, "status")));
    json_decref(a);
    return s;
}

/* action/progress: transitions, reasons, evidence and indicators, who may report. */
static void action_progress(void **state)
{
    (void)state;
    json_t *a = create_ok(cid, ACTION(",\"indicators\":[{\"name\":\"trained\",\"target\":40}]"));
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(a, "id")));
    json_decref(a);
    /* A reporter of the responsible organization reports; one of another may not. */
    json_decref(
        progress(&rwa_rep, id, "{\"note\":\"Started\",\"status\":\"in_progress\"}", 0, NULL));
    json_decref(progress(&out_rep, id, "{\"note\":\"x\"}", BH_EDENIED, NULL));
    json_decref(progress(&rwa_rep, id, "{\"status\":\"dropped\"}", BH_EINVALID, "reason"));
    json_decref(progress(&rwa_rep, id, "{\"status\":\"finished\"}", BH_EINVALID, "status"));
    json_decref(progress(&rwa_rep, id, "{\"indicators\":[{\"name\":\"nope\",\"value\":1}]}",
                         BH_EINVALID, "indicators[0].name"));
    json_decref(progress(&rwa_rep, id,
                         "{\"evidence\":[{\"kind\":\"link\",\"ref\":\"javascript:alert(1)\"}]}",
                         BH_EINVALID, "evidence[0].ref"));
    json_decref(progress(&rwa_rep, id,
                         "{\"evidence\":[{\"kind\":\"incident\",\"ref\":\"no-such\"}]}",
                         BH_EINVALID, "evidence[0].ref"));
    /* Evidence a reader may not see is shown as hidden: a decision FRA alone reads. */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO meeting (id, title, starts_at, starts_ms, ends_at, ends_ms, time_zone, "
             "owner_org_id, tlp, created_at, updated_at) VALUES ('m-rwa', 'Sector', "
             "'2026-11-20T09:00:00Z', 1, '2026-11-20T12:00:00Z', 2, 'UTC', %lld, "
             "'AMBER+STRICT', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
             (long long)org_ids[RWA]);
    test_exec(db, sql);
    json_t *u = progress(&rwa_rep, id,
                         "{\"note\":\"Half\",\"evidence\":[{\"kind\":\"meeting\",\"ref\":"
                         "\"m-rwa\",\"label\":\"Sector meeting\"},{\"kind\":\"link\",\"ref\":"
                         "\"https://example.org/r\",\"label\":\"Report\"}],\"indicators\":[{"
                         "\"name\":\"trained\",\"value\":20}]}",
                         0, NULL);
    assert_string_equal(json_string_value(json_object_get(u, "by")), "rwa.rep");
    assert_string_equal(json_string_value(json_object_get(u, "org")), "RWA");
    json_t *ev0 = json_array_get(json_object_get(u, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(ev0, "label")), "Sector meeting");
    json_decref(u);
    json_t *got = NULL;
    struct bh_error err;
    must(action_get(db, &own_fp, id, &got, &err), &err, "get as FRA");
    json_t *latest = json_array_get(json_object_get(got, "updates"), 0);
    ev0 = json_array_get(json_object_get(latest, "evidence"), 0);
    assert_true(json_is_true(json_object_get(ev0, "hidden")));
    assert_null(json_object_get(ev0, "ref"));
    assert_null(json_object_get(ev0, "label"));
    json_t *ev1 = json_array_get(json_object_get(latest, "evidence"), 1);
    assert_string_equal(json_string_value(json_object_get(ev1, "ref")), "https://example.org/r");
    json_t *ind = json_array_get(json_object_get(got, "indicators"), 0);
    assert_true(json_number_value(json_object_get(ind, "current")) == 20.0);
    assert_int_equal(json_array_size(json_object_get(got, "updates")), 2);
    json_decref(got);
    /* Transitions: done sets done_at; from done only back to in_progress. */
    json_decref(progress(&rwa_rep, id, "{\"status\":\"done\"}", 0, NULL));
    assert_string_equal(status_of(id), "done");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mission_action WHERE done_at IS NOT "
                                        "NULL AND status = 'done'"),
                     1);
    json_decref(progress(&rwa_rep, id, "{\"status\":\"blocked\"}", BH_EINVALID, "status"));
    json_decref(progress(&rwa_rep, id, "{\"status\":\"in_progress\"}", 0, NULL));
    json_decref(progress(&rwa_rep, id, "{\"status\":\"blocked\",\"reason\":\"Rains\"}", 0, NULL));
    json_decref(
        progress(&own_fp, id, "{\"status\":\"dropped\",\"reason\":\"Superseded\"}", 0, NULL));
    assert_string_equal(status_of(id), "dropped");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mission_action WHERE status_reason "
                                        "= 'Superseded'"),
                     1);
    json_decref(progress(&rwa_rep, id, "{\"status\":\"done\"}", BH_EINVALID, "status"));
    json_decref(progress(&admin, id, "{\"status\":\"in_progress\"}", 0, NULL));
    assert_string_equal(status_of(id), "in_progress");
}

/* action/update-indicator: PATCH rules and indicators added one by one. */
static void action_patch(void **state)
{
    (void)state;
    json_t *a = create_ok(cid, ACTION(""));
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(a, "id")));
    json_decref(a);
    struct bh_error err;
    json_t *out = NULL, *body = test_json("{\"status\":\"done\"}");
    assert_int_equal(action_update(db, &own_fp, id, body, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "status");
    json_decref(body);
    body = test_json("{\"due_date\":\"2026-12-24\",\"time_zone\":\"America/New_York\"}");
    assert_int_equal(action_update(db, &rwa_fp, id, body, 0, &out, &err), BH_EDENIED);
    assert_int_equal(action_update(db, &own_fp, id, body, 5, &out, &err), BH_ECONFLICT);
    must(action_update(db, &own_fp, id, body, 1, &out, &err), &err, "patch");
    assert_string_equal(json_string_value(json_object_get(out, "due_at")), "2026-12-25T05:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(out, "revision")), 2);
    json_decref(out);
    json_decref(body);
    body = test_json("{\"name\":\"sites\",\"unit\":\"sites\",\"target\":3}");
    must(action_add_indicator(db, &own_fp, id, body, &out, &err), &err, "indicator");
    assert_int_equal(json_array_size(json_object_get(out, "indicators")), 1);
    json_decref(out);
    assert_int_equal(action_add_indicator(db, &own_fp, id, body, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "name");
    json_decref(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("action/validation", action_validation),
        BH_TEST("action/defaults", action_defaults),
        BH_TEST("action/progress", action_progress),
        BH_TEST("action/patch-indicators", action_patch),
    };
    return cmocka_run_group_tests_name("action", tests, setup, teardown);
}
