/* The commitment module in one store: each member checked and named when wrong, nothing
 * written on an error, the defaults of made_on (a decision's day, else today), a decision
 * hidden from the writer refused as unknown, commitment_check writing nothing, and the change
 * by the owner organization with its revision. */
#include "support.h"

#include "base/timeutil.h"
#include "commitment/commitment.h"
#include "db/db.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Commitment-test-passphrase-2026"

enum { OWN, OUT, NORGS };
static const char *const codes[NORGS] = { "FRA", "CHN" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal own_fp, own_rep, out_fp, anon;

static int64_t held_clock(void)
{
    return 1796083200000; /* 2026-12-01T00:00:00Z */
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("commitment_unit", NULL, codes, NORGS, -1, org_ids);
    test_user_principal(db, "own.fp", org_ids[OWN], "FRA", ROLE_FOCAL_POINT, NULL, PW, &own_fp);
    test_user_principal(db, "own.rep", org_ids[OWN], "FRA", ROLE_REPORTER, NULL, PW, &own_rep);
    test_user_principal(db, "out.fp", org_ids[OUT], "CHN", ROLE_FOCAL_POINT, NULL, PW, &out_fp);
    principal_anonymous(&anon);
    char sql[1024];
    /* A meeting and two decisions taken at it: one GREEN, one AMBER+STRICT (FRA's alone). */
    snprintf(sql, sizeof sql,
             "INSERT INTO meeting (id, title, starts_at, starts_ms, ends_at, ends_ms, time_zone, "
             "owner_org_id, tlp, created_at, updated_at) VALUES ('m1', 'Plenary', "
             "'2026-11-20T09:00:00Z', 1795165200000, '2026-11-20T12:00:00Z', 1795176000000, "
             "'UTC', %lld, 'GREEN', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');"
             "INSERT INTO decision (id, title, meeting_id, decided_at, decided_ms, owner_org_id, "
             "tlp, created_at) VALUES ('d-green', 'Train medics', 'm1', '2026-11-20T23:30:00Z', "
             "1795217400000, %lld, 'GREEN', '2026-11-20T23:30:00Z'), ('d-strict', 'Secret', "
             "'m1', '2026-11-20T10:00:00Z', 1795168800000, %lld, 'AMBER+STRICT', "
             "'2026-11-20T10:00:00Z');",
             (long long)org_ids[OWN], (long long)org_ids[OWN], (long long)org_ids[OWN]);
    test_exec(db, sql);
    time_set_clock(held_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

static json_t *create_ok(const struct principal *who, const char *json)
{
    json_t *body = test_json(json), *out = NULL;
    struct bh_error err;
    must(commitment_create(db, who, body, NULL, &out, &err), &err, json);
    json_decref(body);
    return out;
}

/* Fails unless creating `json` as `who` is refused naming `field`, writing nothing; the
 * message must contain `says` (NULL: not checked). commitment_check must agree. */
static void create_fails(const struct principal *who, const char *json, const char *field,
                         const char *says)
{
    json_t *body = test_json(json), *out = NULL;
    int64_t before = test_query_int(db, "SELECT count(*) FROM commitment");
    int64_t audit = test_query_int(db, "SELECT count(*) FROM audit_log");
    struct bh_error err, err2;
    int rc = commitment_create(db, who, body, NULL, &out, &err);
    int rc2 = commitment_check(db, who, body, false, &err2);
    json_decref(body);
    if (rc == 0)
        fail_msg("expected a refusal naming %s for %s", field, json);
    if (strcmp(err.field, field) != 0)
        fail_msg("expected field '%s', got '%s' (%s) for %s", field, err.field, err.message, json);
    if (says && !strstr(err.message, says))
        fail_msg("expected '%s' in '%s'", says, err.message);
    assert_int_equal(rc2, rc);
    assert_string_equal(err2.field, err.field);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM commitment"), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audit);
}

/* commitment/validation: every member named when wrong, nothing written. */
static void commitment_validation(void **state)
{
    (void)state;
    create_fails(&own_fp, "{\"source\":\"a4p\",\"a4p_area\":\"wps\"}", "title", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"un\"}", "source", "group, a4p, ap2017");
    create_fails(&own_fp, "{\"title\":\"T\"}", "source", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"a4p\"}", "a4p_area", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"peace\"}", "a4p_area",
                 "safety_security");
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"ap2017\"}", "ap2017_area", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"ap2017\",\"ap2017_area\":\"x\"}",
                 "ap2017_area", "mindsets");
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"group\"}", "decision", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"group\",\"decision\":\"nope\"}",
                 "decision", "unknown decision");
    /* Hidden from China: refused exactly as a decision that does not exist. */
    create_fails(&out_fp, "{\"title\":\"T\",\"source\":\"group\",\"decision\":\"d-strict\"}",
                 "decision", "unknown decision");
    create_fails(&own_fp,
                 "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"made_on\":"
                 "\"2026-13-01\"}",
                 "made_on", NULL);
    create_fails(&own_fp,
                 "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"tlp\":\"TLP:BLUE\"}",
                 "tlp", NULL);
    create_fails(&own_fp,
                 "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"tlp\":\"TLP:AMBER\"}",
                 "sharing_group", NULL);
    create_fails(&own_fp, "{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\",\"x\":1}", "x",
                 NULL);
    /* Roles: a reporter does not commit the organization, nobody signed in cannot. */
    json_t *body = test_json("{\"title\":\"T\",\"source\":\"a4p\",\"a4p_area\":\"wps\"}"),
           *out = NULL;
    struct bh_error err;
    assert_int_equal(commitment_create(db, &own_rep, body, NULL, &out, &err), BH_EDENIED);
    assert_int_equal(commitment_create(db, &anon, body, NULL, &out, &err), BH_EDENIED);
    json_decref(body);
}

/* commitment/defaults: made_on is the decision's UTC day, else today; GREEN by default. */
static void commitment_defaults(void **state)
{
    (void)state;
    json_t *c = create_ok(&own_fp, "{\"title\":\"Medics\",\"source\":\"group\",\"decision\":"
                                   "\"d-green\"}");
    assert_string_equal(json_string_value(json_object_get(c, "made_on")), "2026-11-20");
    assert_string_equal(json_string_value(json_object_get(c, "tlp")), "TLP:GREEN");
    assert_string_equal(json_string_value(json_object_get(c, "owner")), "FRA");
    json_t *d = json_object_get(c, "decision");
    assert_string_equal(json_string_value(json_object_get(d, "id")), "d-green");
    assert_string_equal(json_string_value(json_object_get(d, "title")), "Train medics");
    json_t *n = json_object_get(c, "actions");
    assert_int_equal(json_integer_value(json_object_get(n, "total")), 0);
    json_decref(c);
    c = create_ok(&own_fp, "{\"title\":\"Women in patrols\",\"source\":\"a4p\",\"a4p_area\":"
                           "\"wps\"}");
    assert_string_equal(json_string_value(json_object_get(c, "made_on")), "2026-12-01");
    assert_true(json_is_null(json_object_get(c, "decision")));
    json_decref(c);
    /* With the decision imposed (a proposal's adoption), the body's source is not asked. */
    json_t *body = test_json("{\"title\":\"From adoption\"}"), *out = NULL;
    struct bh_error err;
    must(commitment_create(db, &own_fp, body, "d-green", &out, &err), &err, "adoption");
    assert_string_equal(json_string_value(json_object_get(out, "source")), "group");
    json_decref(out);
    /* A plan checked before its decision exists. */
    json_decref(body);
    body = test_json("{\"title\":\"Planned\",\"source\":\"group\"}");
    assert_int_equal(commitment_check(db, &own_fp, body, true, &err), 0);
    json_decref(body);
}

/* commitment/update: the owner's writers change it, with the revision; others may not. */
static void commitment_update_rules(void **state)
{
    (void)state;
    json_t *c = create_ok(&own_fp, "{\"title\":\"Before\",\"source\":\"ap2017\",\"ap2017_area\":"
                                   "\"footprint\"}");
    const char *id = json_string_value(json_object_get(c, "id"));
    json_t *body = test_json("{\"title\":\"After\",\"ap2017_area\":\"mindsets\"}"), *out = NULL;
    struct bh_error err;
    assert_int_equal(commitment_update(db, &out_fp, id, body, 0, &out, &err), BH_EDENIED);
    assert_int_equal(commitment_update(db, &own_fp, id, body, 7, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "If-Match");
    must(commitment_update(db, &own_fp, id, body, 1, &out, &err), &err, "update");
    assert_string_equal(json_string_value(json_object_get(out, "title")), "After");
    assert_string_equal(json_string_value(json_object_get(out, "ap2017_area")), "mindsets");
    assert_int_equal(json_integer_value(json_object_get(out, "revision")), 2);
    json_decref(out);
    json_decref(body);
    body = test_json("{\"source\":\"a4p\"}");
    assert_int_equal(commitment_update(db, &own_fp, id, body, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "a4p_area");
    json_decref(body);
    json_decref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("commitment/validation", commitment_validation),
        BH_TEST("commitment/defaults", commitment_defaults),
        BH_TEST("commitment/update", commitment_update_rules),
    };
    return cmocka_run_group_tests_name("commitment", tests, setup, teardown);
}
