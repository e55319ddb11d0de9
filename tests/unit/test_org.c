/* Organizations against a real store with the reference data loaded: validation that names
 * the field, add/get/list with filters and pages, duplicates, the audit entries, and the
 * group as launched on 27 April 2021 (counts, roles, idempotence). */
#include "support.h"

#include "audit/audit.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "org/org.h"
#include "refdata/missions.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *store(const char *name, bool with_refdata)
{
    struct db *db = test_db_migrated(name, NULL);
    struct bh_error err;
    struct refdata_counts n;
    if (with_refdata && refdata_load(db, TEST_ISO_DIR, &n, &err))
        fail_msg("%s", err.message);
    return db;
}

/* Parses `json`, adds the organization as the CLI operator, and returns the code. */
static int add_json(struct db *db, const char *json, struct bh_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj)
        fail_msg("bad test JSON %s: %s", json, jerr.text);
    struct org o;
    struct principal cli;
    principal_cli(&cli);
    memset(err, 0, sizeof *err);
    int rc = org_from_json(obj, &o, err);
    if (!rc)
        rc = org_add(db, &cli, &o, err);
    json_decref(obj);
    return rc;
}

struct bad_case {
    const char *json;
    int code;
    const char *field;
};

/* org/validation-names-field */
static void org_validation_names_field(void **state)
{
    (void)state;
    struct db *db = store("org_validation", true);
    char tomorrow[16];
    int y, m, d;
    time_civil_from_days(time_now_ms() / 86400000 + 1, &y, &m, &d);
    snprintf(tomorrow, sizeof tomorrow, "%04d-%02d-%02d", y, m, d);
    char future[160];
    snprintf(future, sizeof future,
             "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"Norway\",\"joined\":\"%s\"}",
             tomorrow);
    const struct bad_case cases[] = {
        { "{\"kind\":\"member_state\",\"name\":\"X\"}", BH_EINVALID, "code" },
        { "{\"code\":\"N\",\"kind\":\"un_entity\",\"name\":\"X\"}", BH_EINVALID, "code" },
        { "{\"code\":\"nor\",\"kind\":\"un_entity\",\"name\":\"X\"}", BH_EINVALID, "code" },
        { "{\"code\":\"ABCDEFGHIJKLMNOPQ\",\"kind\":\"un_entity\",\"name\":\"X\"}", BH_EINVALID,
          "code" },
        { "{\"code\":\"A B\",\"kind\":\"un_entity\",\"name\":\"X\"}", BH_EINVALID, "code" },
        { "{\"code\":\"XXQ\",\"kind\":\"member_state\",\"name\":\"Nowhere\"}", BH_EINVALID,
          "code" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"country\":\"QQQ\"}",
          BH_EINVALID, "country" },
        { "{\"code\":\"NOR\",\"kind\":\"state\",\"name\":\"Norway\"}", BH_EINVALID, "kind" },
        { "{\"code\":\"NOR\",\"name\":\"Norway\"}", BH_EINVALID, "kind" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\"}", BH_EINVALID, "name" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"\"}", BH_EINVALID, "name" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\\u0007\"}", BH_EINVALID,
          "name" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"standing\":\"chair\"}",
          BH_EINVALID, "standing" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"roles\":[\"tcc\","
          "\"troops\"]}",
          BH_EINVALID, "roles" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"roles\":\"tcc\"}",
          BH_EINVALID, "roles" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"joined\":\"2021-02-30\"}",
          BH_EINVALID, "joined" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"joined\":\"27/04/2021\"}",
          BH_EINVALID, "joined" },
        { future, BH_EINVALID, "joined" },
        { "{\"code\":\"UNXYZ\",\"kind\":\"mission\",\"name\":\"Nothing\"}", BH_EINVALID,
          "mission" },
        { "{\"code\":\"MIL\",\"kind\":\"mission\",\"name\":\"M\",\"mission\":\"UNKNOWN\"}",
          BH_EINVALID, "mission" },
        { "{\"code\":\"AU\",\"kind\":\"regional_org\",\"name\":\"A\",\"country\":\"ETH\"}",
          BH_EINVALID, "country" },
        { "{\"code\":\"AU\",\"kind\":\"regional_org\",\"name\":\"A\",\"mission\":\"UNMISS\"}",
          BH_EINVALID, "mission" },
        { "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"N\",\"colour\":\"blue\"}",
          BH_EINVALID, "colour" },
        { "{\"code\":7,\"kind\":\"member_state\",\"name\":\"N\"}", BH_EINVALID, "code" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err;
        int rc = add_json(db, cases[i].json, &err);
        if (rc != cases[i].code || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu %s: expected %s naming '%s', got %s naming '%s' (%s)", i,
                     cases[i].json, bh_errname(cases[i].code), cases[i].field, bh_errname(rc),
                     err.field, err.message);
        assert_true(strlen(err.message) > 0);
    }
    /* Nothing was written by any of them, not even an audit entry. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM org"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 0);
    db_close(db);
}

/* org/add-get-roundtrip */
static void org_add_get_roundtrip(void **state)
{
    (void)state;
    struct db *db = store("org_add", true);
    struct bh_error err;
    assert_int_equal(
        add_json(db,
                 "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"Norway\","
                 "\"roles\":[\"financial\",\"tcc\",\"tcc\"],\"joined\":\"2021-06-01\"}",
                 &err),
        0);
    struct org o;
    assert_int_equal(org_get(db, "NOR", &o, &err), 0);
    assert_string_equal(o.code, "NOR");
    assert_int_equal(o.kind, ORG_MEMBER_STATE);
    assert_string_equal(o.name, "Norway");
    assert_int_equal(o.standing, STANDING_MEMBER); /* the default for a state */
    assert_int_equal(o.roles, ORG_ROLE_TCC | ORG_ROLE_FINANCIAL);
    assert_string_equal(o.joined, "2021-06-01");
    assert_string_equal(o.country, "NOR"); /* defaults to the code */
    assert_string_equal(o.mission, "");
    assert_true(o.id > 0);
    assert_int_equal(strlen(o.created_at), 20);

    json_t *j = org_to_json(&o);
    char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    char expect[512];
    snprintf(expect, sizeof expect,
             "{\"code\":\"NOR\",\"country\":\"NOR\",\"created_at\":\"%s\",\"joined\":\"2021-06-"
             "01\",\"kind\":\"member_state\",\"mission\":null,\"name\":\"Norway\",\"roles\":["
             "\"tcc\",\"financial\"],\"standing\":\"member\"}",
             o.created_at);
    assert_string_equal(text, expect);
    free(text);
    json_decref(j);

    /* A mission organization takes its mission from the code; a UN entity has standing
     * none by default. */
    assert_int_equal(
        add_json(db, "{\"code\":\"UNMISS\",\"kind\":\"mission\",\"name\":\"UNMISS\"}", &err), 0);
    assert_int_equal(org_get(db, "UNMISS", &o, &err), 0);
    assert_string_equal(o.mission, "UNMISS");
    assert_int_equal(o.standing, STANDING_NONE);
    assert_string_equal(o.country, "");

    /* A duplicate code is a conflict naming the code, and writes nothing. */
    int64_t audits = test_query_int(db, "SELECT count(*) FROM audit_log");
    assert_int_equal(audits, 2);
    assert_int_equal(
        add_json(db, "{\"code\":\"NOR\",\"kind\":\"member_state\",\"name\":\"Norway again\"}",
                 &err),
        BH_ECONFLICT);
    assert_string_equal(err.field, "code");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM org"), 2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audits);

    assert_int_equal(org_get(db, "SWE", &o, &err), BH_ENOTFOUND);
    assert_string_equal(err.field, "code");

    /* The addition is audited as org.create by the operator, with the organization. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'org.create' AND record_type = 'org' AND record_id = "
                                        "(SELECT CAST(id AS TEXT) FROM org WHERE code = 'NOR') "
                                        "AND username LIKE 'cli:%' AND summary LIKE "
                                        "'%\"code\":\"NOR\"%'"),
                     1);
    db_close(db);
}

/* org/add-denied-for-non-admin */
static void org_add_denied(void **state)
{
    (void)state;
    struct db *db = store("org_denied", true);
    struct principal fp = { .account_id = 5, .org_id = 1, .role = ROLE_COORDINATOR };
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "DPPA");
    snprintf(o.name, sizeof o.name, "Department of Political and Peacebuilding Affairs");
    o.kind = ORG_UN_ENTITY;
    struct bh_error err;
    assert_int_equal(org_add(db, &fp, &o, &err), BH_EDENIED);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM org"), 0);
    db_close(db);
}

/* org/list-filters-and-pages */
static void org_list_filters_and_pages(void **state)
{
    (void)state;
    struct db *db = store("org_list", true);
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    int added = 0;
    assert_int_equal(org_seed(db, &cli, &added, &err), 0);

    /* Walk every page of 5 and compare with the table ordered by code. */
    char after[32] = "";
    bool more = true;
    int64_t total = -1;
    int seen = 0, pages = 0;
    char prev[32] = "";
    while (more) {
        json_t *items = json_array();
        assert_int_equal(org_list(db, after, 5, -1, -1, items, &more, &total, &err), 0);
        assert_true(json_array_size(items) <= 5);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            const char *code = json_string_value(json_object_get(it, "code"));
            assert_true(strcmp(prev, code) < 0);
            snprintf(prev, sizeof prev, "%s", code);
            seen++;
        }
        snprintf(after, sizeof after, "%s", prev);
        pages++;
        json_decref(items);
    }
    assert_int_equal(seen, added);
    assert_int_equal(total, added);
    assert_int_equal(pages, (added + 4) / 5);

    json_t *items = json_array();
    bool m;
    assert_int_equal(
        org_list(db, "", 100, ORG_MEMBER_STATE, STANDING_CO_CHAIR, items, &m, &total, &err), 0);
    assert_int_equal(total, 4);
    assert_int_equal(json_array_size(items), 4);
    const char *co[] = { "BRA", "CHN", "IDN", "RWA" };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, i), "code")),
                            co[i]);
    json_decref(items);

    items = json_array();
    assert_int_equal(org_list(db, "", 100, ORG_UN_ENTITY, -1, items, &m, &total, &err), 0);
    assert_int_equal(total, 3);
    assert_false(m);
    json_decref(items);
    db_close(db);
}

static int64_t count_where(struct db *db, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM org WHERE %s", where);
    return test_query_int(db, sql);
}

/* org/seed-launch-group */
static void org_seed_launch_group(void **state)
{
    (void)state;
    struct db *db = store("org_seed", true);
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    int added = -1;
    assert_int_equal(org_seed(db, &cli, &added, &err), 0);

    /* The active peacekeeping operations, counted from the table independently of the seed:
     * eleven in 2026 (MINUSMA closed in 2023). */
    int active = 0;
    for (size_t i = 0; i < refdata_missions_count; i++)
        if (refdata_missions[i].kind == MISSION_PEACEKEEPING && !refdata_missions[i].end_date)
            active++;
    assert_int_equal(active, 11);

    assert_int_equal(count_where(db, "standing = 'co_chair'"), 4);
    assert_int_equal(count_where(db, "standing = 'co_chair' AND code IN ('CHN','BRA','IDN','RWA')"),
                     4);
    assert_int_equal(count_where(db, "standing = 'member'"), 13);
    assert_int_equal(count_where(db, "standing = 'member' AND kind = 'regional_org' AND code = "
                                     "'LAS'"),
                     1);
    assert_int_equal(count_where(db, "kind = 'un_entity' AND standing = 'none' AND code IN "
                                     "('DPO','DOS','DSS')"),
                     3);
    assert_int_equal(count_where(db, "kind = 'mission' AND standing = 'none'"), active);
    assert_int_equal(count_where(db, "kind = 'mission' AND mission_acronym = code"), active);
    assert_int_equal(count_where(db, "kind = 'mission' AND code IN ('MINUSCA','MONUSCO','UNMISS',"
                                     "'UNIFIL','UNISFA','MINURSO','UNDOF','UNFICYP','UNMIK',"
                                     "'UNMOGIP','UNTSO')"),
                     11);
    assert_int_equal(count_where(db, "code = 'MINUSMA'"), 0); /* closed */
    assert_int_equal(added, 4 + 13 + 3 + active);
    assert_int_equal(count_where(db, "1 = 1"), added);

    /* Launch members joined on the launch day; UN entities and missions are not members. */
    assert_int_equal(count_where(db, "joined = '2021-04-27'"), 17);
    assert_int_equal(count_where(db, "joined IS NULL"), 3 + active);

    /* Names: states from the ISO table, missions from the mission table. */
    struct org o;
    assert_int_equal(org_get(db, "RUS", &o, &err), 0);
    assert_string_equal(o.name, "Russian Federation");
    assert_string_equal(o.country, "RUS");
    assert_int_equal(org_get(db, "MONUSCO", &o, &err), 0);
    assert_string_equal(o.name, refdata_mission_find("MONUSCO")->name);
    assert_int_equal(o.roles, 0);
    assert_int_equal(org_get(db, "LAS", &o, &err), 0);
    assert_string_equal(o.name, "League of Arab States");
    assert_string_equal(o.country, "");

    /* Roles. */
    assert_int_equal(org_get(db, "CHN", &o, &err), 0);
    assert_int_equal(o.roles, ORG_ROLE_TCC | ORG_ROLE_PCC | ORG_ROLE_FINANCIAL);
    assert_int_equal(org_get(db, "RWA", &o, &err), 0);
    assert_int_equal(o.roles, ORG_ROLE_TCC | ORG_ROLE_PCC);
    assert_int_equal(org_get(db, "USA", &o, &err), 0);
    assert_int_equal(o.roles, ORG_ROLE_FINANCIAL);
    /* Pakistan hosts UNMOGIP's headquarters (Islamabad), an active operation. */
    assert_int_equal(org_get(db, "PAK", &o, &err), 0);
    assert_int_equal(o.roles, ORG_ROLE_TCC | ORG_ROLE_PCC | ORG_ROLE_HOST);
    assert_int_equal(count_where(db, "role_host = 1"), 1);
    assert_int_equal(count_where(db, "role_tcc = 1 AND role_pcc = 1 AND code IN ('CHN','IND','PAK',"
                                     "'RWA','IDN','EGY','ETH','MAR','ZAF','BRA')"),
                     10);
    assert_int_equal(count_where(db, "role_financial = 1 AND code IN ('USA','GBR','FRA','DEU',"
                                     "'JPN','CHN','RUS')"),
                     7);
    assert_int_equal(count_where(db, "kind = 'mission' AND (role_tcc + role_pcc + role_financial "
                                     "+ role_host) > 0"),
                     0);

    /* One org.create audit entry per organization. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'org.create'"),
                     added);
    struct audit_verify_result v;
    assert_int_equal(audit_verify(db, &v, &err), 0);
    assert_true(v.ok);

    /* Idempotent: a second run adds nothing and writes nothing. */
    int again = -1;
    assert_int_equal(org_seed(db, &cli, &again, &err), 0);
    assert_int_equal(again, 0);
    assert_int_equal(count_where(db, "1 = 1"), added);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), added);
    db_close(db);
}

/* org/seed-keeps-existing: a code added by hand before the seed is left as it is. */
static void org_seed_keeps_existing(void **state)
{
    (void)state;
    struct db *db = store("org_seed_keep", true);
    struct bh_error err;
    assert_int_equal(add_json(db,
                              "{\"code\":\"BRA\",\"kind\":\"member_state\",\"name\":\"Brasil\","
                              "\"standing\":\"observer\"}",
                              &err),
                     0);
    struct principal cli;
    principal_cli(&cli);
    int added = 0;
    assert_int_equal(org_seed(db, &cli, &added, &err), 0);
    assert_int_equal(added, 4 + 13 + 3 + 11 - 1);
    struct org o;
    assert_int_equal(org_get(db, "BRA", &o, &err), 0);
    assert_string_equal(o.name, "Brasil");
    assert_int_equal(o.standing, STANDING_OBSERVER);
    db_close(db);
}

/* org/seed-needs-reference-data: without countries the seed fails and writes nothing. */
static void org_seed_needs_refdata(void **state)
{
    (void)state;
    struct db *db = store("org_seed_empty", false);
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    int added = -1;
    assert_int_equal(org_seed(db, &cli, &added, &err), BH_ENOTFOUND);
    assert_non_null(strstr(err.message, "bluehelm init"));
    assert_int_equal(added, 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM org"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 0);
    db_close(db);
}

/* org/roles-list-parse */
static void org_roles_list_parse(void **state)
{
    (void)state;
    unsigned roles;
    struct bh_error err;
    assert_int_equal(org_roles_parse_list("tcc,pcc", &roles, &err), 0);
    assert_int_equal(roles, ORG_ROLE_TCC | ORG_ROLE_PCC);
    assert_int_equal(org_roles_parse_list("host,financial,tcc,pcc", &roles, &err), 0);
    assert_int_equal(roles, ORG_ROLE_ALL);
    assert_int_equal(org_roles_parse_list("none", &roles, &err), 0);
    assert_int_equal(roles, 0);
    assert_int_equal(org_roles_parse_list("tcc,,pcc", &roles, &err), BH_EINVALID);
    assert_string_equal(err.field, "roles");
    assert_int_equal(org_roles_parse_list("tcc,navy", &roles, &err), BH_EINVALID);
    assert_non_null(strstr(err.message, "navy"));
}

int main(void)
{
    test_require_path(TEST_ISO_DIR "/iso_3166-1.json", "Debian's iso-codes");
    const struct CMUnitTest tests[] = {
        BH_TEST("org/validation-names-field", org_validation_names_field),
        BH_TEST("org/add-get-roundtrip", org_add_get_roundtrip),
        BH_TEST("org/add-denied-for-non-admin", org_add_denied),
        BH_TEST("org/list-filters-and-pages", org_list_filters_and_pages),
        BH_TEST("org/seed-launch-group", org_seed_launch_group),
        BH_TEST("org/seed-keeps-existing", org_seed_keeps_existing),
        BH_TEST("org/seed-needs-reference-data", org_seed_needs_refdata),
        BH_TEST("org/roles-list-parse", org_roles_list_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
