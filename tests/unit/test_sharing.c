/* Sharing: TLP labels, the marking check, the predicate's refusal of bad identifiers, and
 * sharing groups (owner always a member, unknown members write nothing, who may change a
 * group, the audit entries), against a real store. The visibility matrix itself is in
 * test_sharing_matrix.c. */
#include "support.h"

#include "base/buf.h"
#include "db/db.h"
#include "org/org.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *store(const char *name)
{
    struct db *db = test_db_migrated(name, NULL);
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    const char *codes[] = { "CHN", "BRA", "IDN", "RWA" };
    for (size_t i = 0; i < 4; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", codes[i]);
        snprintf(o.name, sizeof o.name, "Test %s", codes[i]);
        /* Regional organizations need no country table: these tests load no reference data. */
        o.kind = ORG_REGIONAL_ORG;
        if (org_add(db, &cli, &o, &err))
            fail_msg("org_add %s: %s", codes[i], err.message);
    }
    return db;
}

static void person(struct db *db, const char *org, enum role role, int64_t account,
                   struct principal *p)
{
    struct org o;
    struct bh_error err;
    if (org_get(db, org, &o, &err))
        fail_msg("%s", err.message);
    test_principal(p, account, o.id, org, role, "%s-%lld", org, (long long)account);
}

static char *group_text(struct db *db, int64_t id)
{
    json_t *g;
    struct bh_error err;
    if (sharing_group_get(db, id, &g, &err))
        fail_msg("sharing_group_get: %s", err.message);
    char *s = test_json_text(g);
    json_decref(g);
    return s;
}

/* sharing/tlp-labels */
static void sharing_tlp_labels(void **state)
{
    (void)state;
    assert_string_equal(tlp_label(TLP_CLEAR), "TLP:CLEAR");
    assert_string_equal(tlp_label(TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
    assert_string_equal(tlp_column_value(TLP_AMBER_STRICT), "AMBER+STRICT");
    assert_string_equal(tlp_column_value(TLP_RED), "RED");
    assert_null(tlp_label(TLP_COUNT));
    assert_int_equal(tlp_parse("TLP:GREEN"), TLP_GREEN);
    assert_int_equal(tlp_parse("green"), TLP_GREEN);
    assert_int_equal(tlp_parse("tlp:amber+strict"), TLP_AMBER_STRICT);
    assert_int_equal(tlp_parse("AMBER"), TLP_AMBER);
    assert_int_equal(tlp_parse("TLP:WHITE"), -1); /* TLP 1.0's name, not 2.0's */
    assert_int_equal(tlp_parse("AMBER STRICT"), -1);
    assert_int_equal(tlp_parse(""), -1);
    assert_int_equal(tlp_parse(NULL), -1);
    for (int t = 0; t < TLP_COUNT; t++) {
        assert_int_equal(tlp_parse(tlp_label((enum tlp)t)), t);
        assert_int_equal(tlp_parse(tlp_column_value((enum tlp)t)), t);
    }
}

/* sharing/predicate-refuses-bad-identifiers: fails closed. */
static void sharing_predicate_bad_identifiers(void **state)
{
    (void)state;
    struct principal admin = { .account_id = 1, .org_id = 1, .role = ROLE_ADMIN };
    const char *bad[][2] = {
        { "incident", "x; DROP TABLE org" },
        { "incident", "" },
        { "incident", "sharing_m" },
        { "Incident", "i" },
        { "inc'ident", "i" },
        { NULL, "i" },
        { "incident", NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf b = BUF_INIT;
        sharing_predicate(&admin, bad[i][0], bad[i][1], &b, NULL);
        assert_string_equal(buf_str(&b), "(1 = 0)");
        buf_cleanup(&b);
    }
    struct buf b = BUF_INIT;
    sharing_predicate(&admin, "incident", "i", &b, NULL);
    assert_string_equal(buf_str(&b), "(1 = 1)");
    buf_reset(&b);
    struct principal anon;
    principal_anonymous(&anon);
    sharing_predicate(&anon, "incident", "inc", &b, NULL);
    assert_string_equal(buf_str(&b), "(inc.tlp = 'CLEAR')");
    buf_cleanup(&b);
}

/* sharing/predicate-binds-reader: two members of different organizations get the same SQL
 * text, and their organization and account as bound values, in placeholder order. */
static void sharing_predicate_binds_reader(void **state)
{
    (void)state;
    struct principal a = { .account_id = 11, .org_id = 3, .role = ROLE_ANALYST };
    struct principal b = { .account_id = 42, .org_id = 9, .role = ROLE_REPORTER };
    struct buf sa = BUF_INIT, sb = BUF_INIT;
    struct db_params pa = DB_PARAMS_INIT, pb = DB_PARAMS_INIT;
    sharing_predicate(&a, "incident", "i", &sa, &pa);
    sharing_predicate(&b, "incident", "i", &sb, &pb);
    assert_string_equal(buf_str(&sa), buf_str(&sb));
    assert_null(strstr(buf_str(&sa), "42"));
    const char *q = buf_str(&sb);
    size_t marks = 0;
    for (; *q; q++)
        marks += *q == '?';
    assert_int_equal(marks, 3);
    assert_int_equal(pb.n, 3);
    const int64_t want[3] = { 9, 9, 42 }; /* owner org, audience org, RED recipient */
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(pb.v[i].kind, DB_PARAM_INT);
        assert_int_equal(pb.v[i].i, want[i]);
    }
    assert_int_equal(pa.v[2].i, 11);
    buf_cleanup(&sa);
    buf_cleanup(&sb);
    db_params_cleanup(&pa);
    db_params_cleanup(&pb);
}

/* sharing/group-create-owner-member */
static void sharing_group_create_owner_member(void **state)
{
    (void)state;
    struct db *db = store("sharing_create");
    struct principal coord;
    person(db, "CHN", ROLE_COORDINATOR, 7, &coord);
    struct bh_error err;
    const char *members[] = { "RWA", "BRA", "BRA" };
    int64_t id = 0;
    assert_int_equal(sharing_group_create(db, &coord, "Sahel IED cell", "IED incidents, Sahel",
                                          members, 3, &id, &err),
                     0);
    assert_true(id > 0);
    char *text = group_text(db, id);
    char expect[256];
    snprintf(expect, sizeof expect,
             "{\"description\":\"IED incidents, Sahel\",\"id\":%lld,\"members\":[\"BRA\",\"CHN\","
             "\"RWA\"],\"name\":\"Sahel IED cell\",\"owner\":\"CHN\"}",
             (long long)id);
    assert_string_equal(text, expect);
    free(text);
    assert_int_equal(test_query_int(db, "SELECT created_by_account FROM sharing_group"), 7);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'group.create' AND record_type = 'group' AND username "
                                        "= 'CHN-7' AND org_code = 'CHN' AND summary LIKE "
                                        "'%Sahel IED cell%'"),
                     1);

    /* The same name again is a conflict naming the name. */
    assert_int_equal(sharing_group_create(db, &coord, "Sahel IED cell", NULL, NULL, 0, &id, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "name");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group"), 1);

    /* A group of nobody else still has its owner. */
    assert_int_equal(sharing_group_create(db, &coord, "Just us", NULL, NULL, 0, &id, &err), 0);
    text = group_text(db, id);
    assert_non_null(strstr(text, "\"members\":[\"CHN\"]"));
    free(text);
    db_close(db);
}

/* sharing/group-unknown-member-writes-nothing */
static void sharing_group_unknown_member(void **state)
{
    (void)state;
    struct db *db = store("sharing_unknown");
    struct principal coord;
    person(db, "BRA", ROLE_COORDINATOR, 3, &coord);
    int64_t audits = test_query_int(db, "SELECT count(*) FROM audit_log");
    struct bh_error err;
    const char *members[] = { "CHN", "ATLANTIS", "IDN" };
    int64_t id = 0;
    assert_int_equal(sharing_group_create(db, &coord, "Lusophone", NULL, members, 3, &id, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "members");
    assert_non_null(strstr(err.message, "ATLANTIS"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group_member"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audits);

    /* Bad names name the field. */
    assert_int_equal(sharing_group_create(db, &coord, "", NULL, NULL, 0, &id, &err), BH_EINVALID);
    assert_string_equal(err.field, "name");
    assert_int_equal(sharing_group_create(db, &coord, "two\nlines", NULL, NULL, 0, &id, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "name");
    char longname[200];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(sharing_group_create(db, &coord, longname, NULL, NULL, 0, &id, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "name");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group"), 0);
    db_close(db);
}

/* sharing/group-who-may-change */
static void sharing_group_who_may_change(void **state)
{
    (void)state;
    struct db *db = store("sharing_change");
    struct principal chn_coord, bra_coord, chn_fp, rwa_admin, chn_analyst;
    person(db, "CHN", ROLE_COORDINATOR, 1, &chn_coord);
    person(db, "BRA", ROLE_COORDINATOR, 2, &bra_coord);
    person(db, "CHN", ROLE_FOCAL_POINT, 3, &chn_fp);
    person(db, "RWA", ROLE_ADMIN, 4, &rwa_admin);
    person(db, "CHN", ROLE_ANALYST, 5, &chn_analyst);
    struct bh_error err;
    int64_t id;

    /* Only coordinators and admins create. */
    assert_int_equal(sharing_group_create(db, &chn_fp, "FP group", NULL, NULL, 0, &id, &err),
                     BH_EDENIED);
    assert_int_equal(sharing_group_create(db, &chn_analyst, "A group", NULL, NULL, 0, &id, &err),
                     BH_EDENIED);
    const char *members[] = { "BRA" };
    assert_int_equal(
        sharing_group_create(db, &chn_coord, "Co-chairs", "first", members, 1, &id, &err), 0);
    int64_t audits = test_query_int(db, "SELECT count(*) FROM audit_log");

    /* A coordinator of a member organization that does not own it may not change it, nor
     * may the owner's focal point. */
    assert_int_equal(
        sharing_group_update(db, &bra_coord, id, "Hijacked", NULL, NULL, 0, false, &err),
        BH_EDENIED);
    assert_int_equal(sharing_group_update(db, &chn_fp, id, "Hijacked", NULL, NULL, 0, false, &err),
                     BH_EDENIED);
    assert_int_equal(sharing_group_delete(db, &bra_coord, id, &err), BH_EDENIED);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group WHERE name = "
                                        "'Co-chairs'"),
                     1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audits);

    /* The owner's coordinator renames and replaces the members; the owner stays in. */
    const char *next[] = { "IDN", "RWA" };
    assert_int_equal(
        sharing_group_update(db, &chn_coord, id, "Co-chairs 2021", NULL, next, 2, true, &err), 0);
    char *text = group_text(db, id);
    char expect[256];
    snprintf(expect, sizeof expect,
             "{\"description\":\"first\",\"id\":%lld,\"members\":[\"CHN\",\"IDN\",\"RWA\"],"
             "\"name\":\"Co-chairs 2021\",\"owner\":\"CHN\"}",
             (long long)id);
    assert_string_equal(text, expect);
    free(text);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'group.update' AND summary LIKE '%Co-chairs 2021%'"),
                     1);

    /* An unknown member in an update changes nothing. */
    const char *bad[] = { "IDN", "NOPE" };
    assert_int_equal(
        sharing_group_update(db, &chn_coord, id, "Renamed", "changed", bad, 2, true, &err),
        BH_EINVALID);
    assert_string_equal(err.field, "members");
    text = group_text(db, id);
    assert_string_equal(text, expect);
    free(text);

    /* An admin of another organization may change and delete it. */
    assert_int_equal(
        sharing_group_update(db, &rwa_admin, id, NULL, "by the secretariat", NULL, 0, false, &err),
        0);
    assert_int_equal(sharing_group_update(db, &chn_coord, 999, "x", NULL, NULL, 0, false, &err),
                     BH_ENOTFOUND);
    assert_int_equal(sharing_group_delete(db, &rwa_admin, id, &err), 0);
    assert_int_equal(sharing_group_get(db, id, &(json_t *){ NULL }, &err), BH_ENOTFOUND);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sharing_group_member"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'group.delete' AND username = 'RWA-4' AND summary LIKE "
                                        "'%Co-chairs 2021%'"),
                     1);
    assert_int_equal(sharing_group_delete(db, &rwa_admin, id, &err), BH_ENOTFOUND);
    db_close(db);
}

/* sharing/group-list-pages */
static void sharing_group_list_pages(void **state)
{
    (void)state;
    struct db *db = store("sharing_list");
    struct principal coord;
    person(db, "IDN", ROLE_COORDINATOR, 9, &coord);
    struct bh_error err;
    for (int i = 0; i < 7; i++) {
        char name[32];
        snprintf(name, sizeof name, "Group %d", i);
        int64_t id;
        assert_int_equal(sharing_group_create(db, &coord, name, NULL, NULL, 0, &id, &err), 0);
    }
    int64_t after = 0, total = 0;
    bool more = true;
    int seen = 0, pages = 0;
    while (more) {
        json_t *items = json_array();
        assert_int_equal(sharing_group_list(db, after, 3, items, &more, &total, &err), 0);
        size_t i;
        json_t *g;
        json_array_foreach(items, i, g)
        {
            int64_t id = json_integer_value(json_object_get(g, "id"));
            assert_true(id > after);
            after = id;
            char name[32];
            snprintf(name, sizeof name, "Group %d", seen);
            assert_string_equal(json_string_value(json_object_get(g, "name")), name);
            assert_string_equal(json_string_value(json_object_get(g, "owner")), "IDN");
            seen++;
        }
        pages++;
        json_decref(items);
    }
    assert_int_equal(seen, 7);
    assert_int_equal(total, 7);
    assert_int_equal(pages, 3);
    db_close(db);
}

/* sharing/check-marking */
static void sharing_check_marking_rules(void **state)
{
    (void)state;
    struct db *db = store("sharing_marking");
    struct principal chn, bra, anon;
    person(db, "CHN", ROLE_REPORTER, 1, &chn);
    person(db, "BRA", ROLE_COORDINATOR, 2, &bra);
    principal_anonymous(&anon);
    struct bh_error err;
    int64_t id;
    const char *members[] = { "IDN" };
    assert_int_equal(
        sharing_group_create(db, &bra, "Brazil and Indonesia", NULL, members, 1, &id, &err), 0);
    assert_int_equal(sharing_check_marking(db, &chn, TLP_GREEN, 0, &err), 0);
    assert_int_equal(sharing_check_marking(db, &chn, TLP_RED, 0, &err), 0);
    assert_int_equal(sharing_check_marking(db, &bra, TLP_AMBER, id, &err), 0);
    /* CHN is not in the group: an AMBER record it owned would be invisible to itself. */
    assert_int_equal(sharing_check_marking(db, &chn, TLP_AMBER, id, &err), BH_EINVALID);
    assert_string_equal(err.field, "sharing_group");
    assert_int_equal(sharing_check_marking(db, &chn, TLP_AMBER, 0, &err), BH_EINVALID);
    assert_string_equal(err.field, "sharing_group");
    assert_int_equal(sharing_check_marking(db, &bra, TLP_AMBER, id + 100, &err), BH_EINVALID);
    assert_string_equal(err.field, "sharing_group");
    assert_int_equal(sharing_check_marking(db, &bra, TLP_GREEN, id, &err), BH_EINVALID);
    assert_string_equal(err.field, "sharing_group");
    assert_int_equal(sharing_check_marking(db, &bra, (enum tlp)9, 0, &err), BH_EINVALID);
    assert_string_equal(err.field, "tlp");
    assert_int_equal(sharing_check_marking(db, &anon, TLP_CLEAR, 0, &err), BH_EDENIED);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("sharing/tlp-labels", sharing_tlp_labels),
        BH_TEST("sharing/predicate-refuses-bad-identifiers", sharing_predicate_bad_identifiers),
        BH_TEST("sharing/predicate-binds-reader", sharing_predicate_binds_reader),
        BH_TEST("sharing/group-create-owner-member", sharing_group_create_owner_member),
        BH_TEST("sharing/group-unknown-member-writes-nothing", sharing_group_unknown_member),
        BH_TEST("sharing/group-who-may-change", sharing_group_who_may_change),
        BH_TEST("sharing/group-list-pages", sharing_group_list_pages),
        BH_TEST("sharing/check-marking", sharing_check_marking_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
