/* Capacity needs and offers in one store: every bad member named and nothing written, who may
 * post and change what, who sees what (the sharing predicate), the covered and remaining
 * figures from confirmed matches, the lists' filters and pages, If-Match, and the vocabulary. */
#include "support.h"

#include "base/timeutil.h"
#include "capacity/capacity.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Capacity-test-passphrase-2026"

enum { RWA, DEU, CHN, DPO, NORGS };
static const char *const codes[NORGS] = { "RWA", "DEU", "CHN", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal rwa_fp, rwa_analyst, deu_fp, deu_coord, chn_coord, admin, anonymous;
static int64_t group_id; /* RWA and DEU */

static int64_t held_clock(void)
{
    return 1796083200000LL; /* 2026-12-01T00:00:00Z */
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("capacity_needs_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "rwa.fp", org_ids[RWA], "RWA", ROLE_FOCAL_POINT, NULL, PW, &rwa_fp);
    test_user_principal(db, "rwa.analyst", org_ids[RWA], "RWA", ROLE_ANALYST, NULL, PW,
                        &rwa_analyst);
    test_user_principal(db, "deu.fp", org_ids[DEU], "DEU", ROLE_FOCAL_POINT, NULL, PW, &deu_fp);
    test_user_principal(db, "deu.coord", org_ids[DEU], "DEU", ROLE_COORDINATOR, NULL, PW,
                        &deu_coord);
    test_user_principal(db, "chn.coord", org_ids[CHN], "CHN", ROLE_COORDINATOR, NULL, PW,
                        &chn_coord);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    principal_anonymous(&anonymous);
    struct bh_error err;
    const char *members[] = { "RWA", "DEU" };
    must(sharing_group_create(db, &deu_coord, "Medical training", "", members, 2, &group_id, &err),
         &err, "group");
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

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

typedef int (*create_fn)(struct db *, const struct principal *, const json_t *, json_t **,
                         struct bh_error *);

static json_t *create_ok(create_fn fn, const struct principal *who, const char *body)
{
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(fn(db, who, b, &out, &err), &err, body);
    json_decref(b);
    assert_non_null(out);
    return out;
}

static json_t *need_ok(const struct principal *who, const char *body)
{
    return create_ok(capacity_need_create, who, body);
}

static json_t *offer_ok(const struct principal *who, const char *body)
{
    return create_ok(capacity_offer_create, who, body);
}

/* `fn` with `body` fails with `code` naming `field` and returns nothing. */
static void expect_fail(create_fn fn, const struct principal *who, const char *body, int code,
                        const char *field)
{
    struct bh_error err = { 0 };
    json_t *b = test_json(body), *out = NULL;
    int rc = fn(db, who, b, &out, &err);
    json_decref(b);
    if (rc != code || strcmp(err.field, field) != 0)
        fail_msg("%s: expected %d naming '%s', got %d naming '%s': %s", body, code, field, rc,
                 err.field, err.message);
    assert_null(out);
}

#define NEED                                                                                    \
    "\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"C-IED search " \
    "course\",\"quantity\":40,\"starts_on\":\"2027-03-01\",\"ends_on\":\"2027-04-30\""
#define OFFER                                                                                   \
    "\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"C-IED search " \
    "seats\",\"capacity\":25,\"starts_on\":\"2027-02-01\",\"ends_on\":\"2027-06-30\""

/* unit/capacity-need-invalid: each bad member is BH_EINVALID naming it, and nothing is
 * written. */
static void unit_capacity_need_invalid(void **state)
{
    (void)state;
    char amber_chn[256];
    int64_t chn_only = 0;
    struct bh_error err;
    const char *members[] = { "CHN" };
    must(sharing_group_create(db, &chn_coord, "China only", "", members, 1, &chn_only, &err), &err,
         "group");
    snprintf(amber_chn, sizeof amber_chn, "{" NEED ",\"tlp\":\"AMBER\",\"sharing_group\":%lld}",
             (long long)chn_only);
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{\"capability\":\"eod\",\"title\":\"t\",\"quantity\":1,\"starts_on\":\"2027-01-01\","
          "\"ends_on\":\"2027-01-02\"}",
          "category" },
        { "{" NEED ",\"category\":\"sports\"}", "category" },
        { "{" NEED ",\"capability\":\"juggling\"}", "capability" },
        { "{" NEED ",\"capability\":\"generators\"}", "capability" },
        { "{" NEED ",\"unit\":\"litres\"}", "unit" },
        { "{" NEED ",\"quantity\":0}", "quantity" },
        { "{" NEED ",\"quantity\":2.5}", "quantity" },
        { "{" NEED ",\"quantity\":\"40\"}", "quantity" },
        { "{" NEED ",\"quantity\":1000000000001}", "quantity" },
        { "{" NEED ",\"starts_on\":\"2027-02-30\"}", "starts_on" },
        { "{" NEED ",\"starts_on\":\"1/3/2027\"}", "starts_on" },
        { "{" NEED ",\"starts_on\":\"2027-05-01\"}", "ends_on" },
        { "{" NEED ",\"mission\":\"ATLANTIS\"}", "mission" },
        { "{" NEED ",\"org\":\"XXX\"}", "org" },
        { "{" NEED ",\"title\":\"\"}", "title" },
        { "{" NEED ",\"title\":\"   \"}", "title" },
        { "{" NEED ",\"priority\":\"urgent\"}", "priority" },
        { "{" NEED ",\"languages\":[\"fr\",\"xx\"]}", "languages[1]" },
        { "{" NEED ",\"languages\":[\"fr\",\"fr\"]}", "languages[1]" },
        { "{" NEED ",\"languages\":[\"en\",\"fr\",\"ar\",\"zh\",\"ru\",\"es\",\"pt\",\"sw\","
          "\"am\",\"rw\",\"ur\"]}",
          "languages" },
        { "{" NEED ",\"languages\":\"fr\"}", "languages" },
        { "{" NEED ",\"tlp\":\"RED\"}", "tlp" },
        { "{" NEED ",\"tlp\":\"AMBER+STRICT\"}", "tlp" },
        { "{" NEED ",\"tlp\":\"AMBER\"}", "sharing_group" },
        { "{" NEED ",\"tlp\":\"PINK\"}", "tlp" },
        { "{" NEED ",\"status\":\"closed\"}", "status" },
        { "{" NEED ",\"colour\":\"red\"}", "colour" },
        { "{" NEED ",\"recipients\":[\"deu.fp\"]}", "recipients" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM capacity_need");
    int64_t audit = test_query_int(db, "SELECT count(*) FROM audit_log");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fail(capacity_need_create, &rwa_fp, cases[i].body, BH_EINVALID, cases[i].field);
    /* A group RWA is not in: RWA could not read its own need. */
    expect_fail(capacity_need_create, &rwa_fp, amber_chn, BH_EINVALID, "sharing_group");
    /* The messages say what was wrong with what. */
    struct bh_error e = { 0 };
    json_t *b = test_json("{" NEED ",\"capability\":\"generators\"}"), *out = NULL;
    assert_int_equal(capacity_need_create(db, &rwa_fp, b, &out, &e), BH_EINVALID);
    assert_contains(e.message, "equipment");
    json_decref(b);
    b = test_json("{" NEED ",\"starts_on\":\"2027-05-01\"}");
    assert_int_equal(capacity_need_create(db, &rwa_fp, b, &out, &e), BH_EINVALID);
    assert_contains(e.message, "2027-04-30 < 2027-05-01");
    json_decref(b);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM capacity_need"), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audit);
}

/* unit/capacity-offer-invalid: the offer's own members (capacity, for_org) are checked too. */
static void unit_capacity_offer_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{" OFFER ",\"capacity\":-5}", "capacity" },
        { "{" OFFER ",\"capacity\":null,\"quantity\":5}", "quantity" },
        { "{" OFFER ",\"for_org\":\"XXX\"}", "for_org" },
        { "{" OFFER ",\"for_org\":\"DEU\"}", "for_org" },
        { "{" OFFER ",\"for_org\":7}", "for_org" },
        { "{" OFFER ",\"ends_on\":\"2027-01-01\"}", "ends_on" },
        { "{" OFFER ",\"capability\":\"eod\",\"category\":\"financial\"}", "capability" },
        { "{" OFFER ",\"mission\":\"MINUSCA\"}", "mission" },
        { "{" OFFER ",\"conditions\":5}", "conditions" },
        { "{" OFFER ",\"tlp\":\"TLP:RED\"}", "tlp" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM capacity_offer");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fail(capacity_offer_create, &deu_fp, cases[i].body, BH_EINVALID, cases[i].field);
    /* A title of 201 characters (2-byte ones: the limit counts characters). */
    char body[1200];
    int n = snprintf(body, sizeof body, "{" OFFER ",\"title\":\"");
    for (int i = 0; i < 201; i++)
        n += snprintf(body + n, sizeof body - (size_t)n, "\xc3\xa9");
    snprintf(body + n, sizeof body - (size_t)n, "\"}");
    expect_fail(capacity_offer_create, &deu_fp, body, BH_EINVALID, "title");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM capacity_offer"), before);
}

/* unit/capacity-permissions: an analyst posts nothing; one posts for one's own organization
 * only, an admin for any; another organization's need is not changed; "can" says so. */
static void unit_capacity_permissions(void **state)
{
    (void)state;
    int64_t before = test_query_int(db, "SELECT count(*) FROM capacity_need");
    expect_fail(capacity_need_create, &rwa_analyst, "{" NEED "}", BH_EDENIED, "");
    expect_fail(capacity_need_create, &anonymous, "{" NEED "}", BH_EDENIED, "");
    expect_fail(capacity_need_create, &rwa_fp, "{" NEED ",\"org\":\"DEU\"}", BH_EDENIED, "org");
    expect_fail(capacity_offer_create, &rwa_analyst, "{" OFFER "}", BH_EDENIED, "");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM capacity_need"), before);

    json_t *n = need_ok(&admin, "{" NEED ",\"org\":\"RWA\",\"title\":\"Posted by DPO\"}");
    assert_string_equal(str(json_object_get(n, "org"), "code"), "RWA");
    assert_string_equal(str(json_object_get(n, "org"), "kind"), "member_state");
    assert_string_equal(str(n, "priority"), "medium");
    assert_string_equal(str(n, "unit"), "seats"); /* the capability's */
    assert_string_equal(str(n, "tlp"), "TLP:GREEN");
    assert_true(json_is_true(json_object_get(json_object_get(n, "can"), "edit")));
    char id[64];
    snprintf(id, sizeof id, "%s", str(n, "id"));
    json_decref(n);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'need.create' AND record_id = '%s'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);

    struct bh_error err = { 0 };
    json_t *out = NULL;
    /* The owner sees can.edit, not can.confirm; DEU's coordinator the opposite. */
    must(capacity_need_get(db, &rwa_fp, id, &out, &err), &err, "get");
    assert_true(json_is_true(json_object_get(json_object_get(out, "can"), "edit")));
    assert_true(json_is_false(json_object_get(json_object_get(out, "can"), "confirm")));
    json_decref(out);
    must(capacity_need_get(db, &deu_coord, id, &out, &err), &err, "get");
    assert_true(json_is_false(json_object_get(json_object_get(out, "can"), "edit")));
    assert_true(json_is_true(json_object_get(json_object_get(out, "can"), "confirm")));
    json_decref(out);

    json_t *b = test_json("{\"quantity\":5}");
    assert_int_equal(capacity_need_update(db, &deu_coord, id, b, 0, &out, &err), BH_EDENIED);
    assert_null(out);
    assert_int_equal(capacity_need_update(db, &rwa_analyst, id, b, 0, &out, &err), BH_EDENIED);
    snprintf(sql, sizeof sql, "SELECT quantity FROM capacity_need WHERE id = '%s'", id);
    assert_int_equal(test_query_int(db, sql), 40);
    must(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), &err, "own update");
    assert_int_equal(num(out, "quantity"), 5);
    json_decref(out);
    json_decref(b);
}

/* unit/capacity-visibility: an AMBER need of RWA for a group with DEU is seen by DEU, not by
 * CHN (get: not found; list: absent); anonymous readers see CLEAR needs only. */
static void unit_capacity_visibility(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{" NEED ",\"capability\":\"field_medical\",\"title\":\"Amber medics\",\"tlp\":"
             "\"TLP:AMBER\",\"sharing_group\":%lld}",
             (long long)group_id);
    json_t *amber = need_ok(&rwa_fp, body);
    assert_string_equal(str(amber, "tlp"), "TLP:AMBER");
    assert_int_equal(num(amber, "sharing_group"), group_id);
    json_t *clear = need_ok(&rwa_fp, "{" NEED ",\"capability\":\"field_medical\",\"title\":"
                                     "\"Clear medics\",\"tlp\":\"CLEAR\"}");
    json_t *green = need_ok(&rwa_fp, "{" NEED ",\"capability\":\"field_medical\",\"title\":"
                                     "\"Green medics\"}");
    struct bh_error err = { 0 };
    json_t *out = NULL;
    must(capacity_need_get(db, &deu_fp, str(amber, "id"), &out, &err), &err, "DEU reads");
    json_decref(out);
    assert_int_equal(capacity_need_get(db, &chn_coord, str(amber, "id"), &out, &err), BH_ENOTFOUND);
    assert_null(out);
    assert_int_equal(capacity_need_get(db, &anonymous, str(green, "id"), &out, &err), BH_ENOTFOUND);
    must(capacity_need_get(db, &anonymous, str(clear, "id"), &out, &err), &err, "anon CLEAR");
    json_decref(out);

    struct capacity_filter f = { .capability = "field_medical" };
    const struct {
        const struct principal *who;
        int total;
    } readers[] = { { &deu_fp, 3 }, { &chn_coord, 2 }, { &anonymous, 1 }, { &admin, 3 } };
    for (size_t r = 0; r < sizeof readers / sizeof readers[0]; r++) {
        must(capacity_need_list(db, readers[r].who, &f, &out, &err), &err, "list");
        assert_int_equal(num(out, "total"), readers[r].total);
        assert_int_equal(json_array_size(json_object_get(out, "items")), readers[r].total);
        json_decref(out);
    }
    must(capacity_need_list(db, &anonymous, &f, &out, &err), &err, "list");
    assert_string_equal(str(json_array_get(json_object_get(out, "items"), 0), "title"),
                        "Clear medics");
    json_decref(out);
    /* CHN may not change what it cannot see: not found, not denied. */
    json_t *b = test_json("{\"title\":\"x\"}");
    assert_int_equal(capacity_need_update(db, &chn_coord, str(amber, "id"), b, 0, &out, &err),
                     BH_ENOTFOUND);
    json_decref(b);
    json_decref(amber);
    json_decref(clear);
    json_decref(green);
}

/* Inserts a match of `quantity` between need `need_id` and offer `offer_id` straight into the
 * table, as match.c will. */
static void add_match(const char *need_id, const char *offer_id, int64_t quantity,
                      const char *status)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
             "coordinator_org_id, confirmed_at) VALUES ('m-%s-%lld', (SELECT n FROM "
             "capacity_need WHERE id = '%s'), (SELECT n FROM capacity_offer WHERE id = '%s'), "
             "%lld, '%s', %lld, '2026-12-01T00:00:00Z')",
             status, (long long)quantity, need_id, offer_id, (long long)quantity, status,
             (long long)org_ids[CHN]);
    test_exec(db, sql);
}

/* unit/capacity-covered: covered, remaining and matches come from confirmed matches only;
 * a quantity or capacity below them is a conflict; the unmet filter uses them. */
static void unit_capacity_covered(void **state)
{
    (void)state;
    json_t *need = need_ok(&rwa_fp, "{" NEED ",\"capability\":\"eod\",\"quantity\":30}");
    json_t *o1 = offer_ok(&deu_fp, "{" OFFER ",\"capability\":\"eod\",\"capacity\":12}");
    json_t *o2 = offer_ok(&deu_fp, "{" OFFER ",\"capability\":\"eod\",\"capacity\":50}");
    assert_int_equal(num(need, "covered"), 0);
    assert_int_equal(num(need, "remaining"), 30);
    assert_int_equal(num(o1, "committed"), 0);
    assert_int_equal(num(o1, "remaining"), 12);
    add_match(str(need, "id"), str(o1, "id"), 12, "confirmed");
    add_match(str(need, "id"), str(o2, "id"), 10, "confirmed");
    add_match(str(need, "id"), str(o2, "id"), 7, "cancelled");
    struct bh_error err = { 0 };
    json_t *out = NULL;
    must(capacity_need_get(db, &deu_fp, str(need, "id"), &out, &err), &err, "get");
    assert_int_equal(num(out, "covered"), 22);
    assert_int_equal(num(out, "remaining"), 8);
    assert_int_equal(num(out, "matches"), 2);
    json_decref(out);
    must(capacity_offer_get(db, &rwa_fp, str(o1, "id"), &out, &err), &err, "get offer");
    assert_int_equal(num(out, "committed"), 12);
    assert_int_equal(num(out, "remaining"), 0);
    assert_int_equal(num(out, "matches"), 1);
    json_decref(out);

    /* Below what matches cover: a conflict naming the member; nothing changes. */
    json_t *b = test_json("{\"quantity\":21}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, str(need, "id"), b, 0, &out, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "quantity");
    assert_contains(err.message, "22");
    json_decref(b);
    b = test_json("{\"capacity\":11}");
    assert_int_equal(capacity_offer_update(db, &deu_fp, str(o1, "id"), b, 0, &out, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "capacity");
    json_decref(b);
    b = test_json("{\"capability\":\"counter_ied_search\"}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, str(need, "id"), b, 0, &out, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "capability");
    json_decref(b);
    b = test_json("{\"quantity\":22}");
    must(capacity_need_update(db, &rwa_fp, str(need, "id"), b, 0, &out, &err), &err, "to 22");
    assert_int_equal(num(out, "remaining"), 0);
    json_decref(out);
    json_decref(b);

    struct capacity_filter f = { .capability = "eod", .unmet = true };
    must(capacity_need_list(db, &rwa_fp, &f, &out, &err), &err, "unmet");
    assert_int_equal(num(out, "total"), 0);
    json_decref(out);
    f.unmet = false;
    must(capacity_need_list(db, &rwa_fp, &f, &out, &err), &err, "all");
    assert_int_equal(num(out, "total"), 1);
    json_decref(out);
    json_decref(need);
    json_decref(o1);
    json_decref(o2);
}

/* unit/capacity-list: filters, newest first, pages of `limit` with "next", bad filters named. */
static void unit_capacity_list(void **state)
{
    (void)state;
    const char *priorities[] = { "critical", "low", "critical", "high", "critical" };
    char ids[5][64];
    for (int i = 0; i < 5; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"category\":\"logistics\",\"capability\":\"sealift\",\"title\":\"Sealift "
                 "%d\",\"quantity\":%d,\"priority\":\"%s\",\"starts_on\":\"2027-01-01\","
                 "\"ends_on\":\"2027-12-31\"%s}",
                 i, 10 + i, priorities[i], i == 4 ? ",\"mission\":\"MINUSCA\"" : "");
        json_t *n = need_ok(i == 3 ? &admin : &rwa_fp, body);
        snprintf(ids[i], sizeof ids[i], "%s", str(n, "id"));
        json_decref(n);
    }
    struct bh_error err = { 0 };
    json_t *out = NULL;
    struct capacity_filter f = { .capability = "sealift", .limit = 2 };
    must(capacity_need_list(db, &deu_fp, &f, &out, &err), &err, "page 1");
    assert_int_equal(num(out, "total"), 5);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "id"), ids[4]); /* newest first */
    assert_string_equal(str(json_array_get(items, 1), "id"), ids[3]);
    assert_non_null(str(out, "as_of"));
    /* Follow "next" to the end: every need once, in order. */
    int seen = 2;
    char next[32];
    while (str(out, "next")) {
        snprintf(next, sizeof next, "%s", str(out, "next"));
        json_decref(out);
        f.after = next;
        must(capacity_need_list(db, &deu_fp, &f, &out, &err), &err, "next page");
        items = json_object_get(out, "items");
        for (size_t i = 0; i < json_array_size(items); i++, seen++)
            assert_string_equal(str(json_array_get(items, i), "id"), ids[4 - seen]);
    }
    assert_int_equal(seen, 5);
    json_decref(out);

    struct capacity_filter fp = { .capability = "sealift", .priority = "critical" };
    must(capacity_need_list(db, &deu_fp, &fp, &out, &err), &err, "priority");
    assert_int_equal(num(out, "total"), 3);
    json_decref(out);
    struct capacity_filter fm = { .capability = "sealift", .mission = "MINUSCA" };
    must(capacity_need_list(db, &deu_fp, &fm, &out, &err), &err, "mission");
    assert_int_equal(num(out, "total"), 1);
    assert_string_equal(str(json_array_get(json_object_get(out, "items"), 0), "mission"),
                        "MINUSCA");
    json_decref(out);
    struct capacity_filter fo = { .category = "logistics", .org = "DEU" };
    must(capacity_need_list(db, &deu_fp, &fo, &out, &err), &err, "org");
    assert_int_equal(num(out, "total"), 0);
    json_decref(out);

    /* Closing one: gone from the default (open) list, there under closed and any. */
    json_t *b = test_json("{\"status\":\"closed\"}");
    must(capacity_need_update(db, &rwa_fp, ids[0], b, 0, &out, &err), &err, "close");
    json_decref(out);
    json_decref(b);
    const struct {
        const char *status;
        int total;
    } st[] = { { NULL, 4 }, { "closed", 1 }, { "any", 5 }, { "withdrawn", 0 } };
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        struct capacity_filter fs = { .capability = "sealift", .status = st[i].status };
        must(capacity_need_list(db, &deu_fp, &fs, &out, &err), &err, "status");
        assert_int_equal(num(out, "total"), st[i].total);
        json_decref(out);
    }

    const struct {
        struct capacity_filter f;
        const char *field;
    } bad[] = { { { .status = "pending" }, "status" },
                { { .category = "sports" }, "category" },
                { { .capability = "juggling" }, "capability" },
                { { .priority = "urgent" }, "priority" },
                { { .limit = 501 }, "limit" },
                { { .after = "abc" }, "after" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(capacity_need_list(db, &deu_fp, &bad[i].f, &out, &err), BH_EINVALID);
        assert_string_equal(err.field, bad[i].field);
        assert_null(out);
    }
    assert_int_equal(capacity_offer_list(db, &deu_fp, &bad[0].f, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "status");
}

/* unit/capacity-update: If-Match, the version, status changes (a withdrawn need stays
 * withdrawn), an unknown member, languages and the mission default of a mission's need. */
static void unit_capacity_update(void **state)
{
    (void)state;
    json_t *n = need_ok(&rwa_fp, "{" NEED ",\"capability\":\"combat_lifesaver\",\"languages\":"
                                 "[\"fr\",\"rw\"],\"location\":\"Bangui\"}");
    const char *id = str(n, "id");
    assert_int_equal(num(n, "version"), 1);
    json_t *langs = json_object_get(n, "languages");
    assert_int_equal(json_array_size(langs), 2);
    assert_string_equal(json_string_value(json_array_get(langs, 1)), "rw");
    struct bh_error err = { 0 };
    json_t *out = NULL;
    json_t *b = test_json("{\"title\":\"Combat lifesaver, two courses\"}");
    must(capacity_need_update(db, &rwa_fp, id, b, 1, &out, &err), &err, "If-Match 1");
    assert_int_equal(num(out, "version"), 2);
    assert_string_equal(str(out, "location"), "Bangui"); /* kept */
    json_decref(out);
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 1, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "If-Match");
    json_decref(b);

    b = test_json("{\"ends_on\":\"2027-02-01\"}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "ends_on");
    json_decref(b);
    b = test_json("{\"org\":\"DEU\"}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "org");
    json_decref(b);
    b = test_json("{\"title\":\" \"}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "title");
    json_decref(b);
    b = test_json("{\"size\":3}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "size");
    json_decref(b);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT version FROM capacity_need WHERE id = '%s'", id);
    assert_int_equal(test_query_int(db, sql), 2);

    b = test_json("{\"status\":\"withdrawn\",\"languages\":[]}");
    must(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), &err, "withdraw");
    assert_string_equal(str(out, "status"), "withdrawn");
    assert_int_equal(json_array_size(json_object_get(out, "languages")), 0);
    json_decref(out);
    json_decref(b);
    b = test_json("{\"status\":\"open\"}");
    assert_int_equal(capacity_need_update(db, &rwa_fp, id, b, 0, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "status");
    json_decref(b);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'need.update' AND record_id = '%s'",
             id);
    assert_int_equal(test_query_int(db, sql), 2);
    json_decref(n);

    /* A mission's own need serves that mission unless it names another. */
    test_exec(db, "INSERT INTO org (code, kind, name, mission_acronym, created_at) VALUES "
                  "('MINUSCA', 'mission', 'MINUSCA', 'MINUSCA', '2026-12-01T00:00:00Z')");
    struct principal mission_fp;
    test_user_principal(db, "minusca.fp",
                        test_query_int(db, "SELECT id FROM org WHERE code = "
                                           "'MINUSCA'"),
                        "MINUSCA", ROLE_FOCAL_POINT, NULL, PW, &mission_fp);
    n = need_ok(&mission_fp, "{" NEED "}");
    assert_string_equal(str(n, "mission"), "MINUSCA");
    json_decref(n);
    n = need_ok(&rwa_fp, "{" NEED "}");
    assert_true(json_is_null(json_object_get(n, "mission")));
    json_decref(n);

    /* An offer made to one contributor names it. */
    n = offer_ok(&deu_fp, "{" OFFER ",\"for_org\":\"RWA\"}");
    assert_string_equal(str(json_object_get(n, "for_org"), "code"), "RWA");
    b = test_json("{\"for_org\":null,\"status\":\"closed\"}");
    must(capacity_offer_update(db, &deu_fp, str(n, "id"), b, 1, &out, &err), &err, "offer");
    assert_true(json_is_null(json_object_get(out, "for_org")));
    assert_string_equal(str(out, "status"), "closed");
    assert_int_equal(num(out, "version"), 2);
    json_decref(out);
    json_decref(b);
    json_decref(n);
}

/* unit/capacity-vocabulary: the closed lists hang together. */
static void unit_capacity_vocabulary(void **state)
{
    (void)state;
    int ncat = 0, ncap = 0;
    while (capacity_categories[ncat])
        ncat++;
    assert_int_equal(ncat, 8);
    for (const struct capacity_capability *c = capacity_capabilities; c->code; c++, ncap++) {
        bool cat = false, unit = false;
        for (int i = 0; capacity_categories[i]; i++)
            cat = cat || strcmp(capacity_categories[i], c->category) == 0;
        for (int i = 0; capacity_units[i]; i++)
            unit = unit || strcmp(capacity_units[i], c->unit) == 0;
        if (!cat || !unit)
            fail_msg("capability %s: category %s, unit %s", c->code, c->category, c->unit);
        assert_ptr_equal(capacity_capability_find(c->code), c);
        for (const struct capacity_capability *d = capacity_capabilities; d != c; d++)
            if (strcmp(d->code, c->code) == 0)
                fail_msg("capability %s twice", c->code);
    }
    assert_in_range(ncap, 30, 60);
    assert_null(capacity_capability_find("juggling"));
    assert_null(capacity_capability_find(NULL));
    assert_int_equal(capacity_priority_weight("critical"), 8);
    assert_int_equal(capacity_priority_weight("high"), 4);
    assert_int_equal(capacity_priority_weight("medium"), 2);
    assert_int_equal(capacity_priority_weight("low"), 1);
    assert_int_equal(capacity_priority_weight("urgent"), 0);
    json_t *v = capacity_vocabulary_json();
    assert_int_equal(json_object_size(json_object_get(v, "categories")), 8);
    assert_int_equal(json_object_size(json_object_get(v, "capabilities")), ncap);
    json_t *eod = json_object_get(json_object_get(v, "capabilities"), "eod");
    assert_string_equal(str(eod, "category"), "training");
    assert_string_equal(str(eod, "unit"), "seats");
    assert_contains(str(eod, "label"), "ordnance");
    assert_string_equal(str(json_object_get(v, "languages"), "fr"), "Français");
    assert_string_equal(str(json_object_get(v, "units"), "person_days"), "person-days");
    assert_int_equal(json_object_size(json_object_get(v, "priorities")), 4);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-need-invalid", unit_capacity_need_invalid),
        BH_TEST("unit/capacity-offer-invalid", unit_capacity_offer_invalid),
        BH_TEST("unit/capacity-permissions", unit_capacity_permissions),
        BH_TEST("unit/capacity-visibility", unit_capacity_visibility),
        BH_TEST("unit/capacity-covered", unit_capacity_covered),
        BH_TEST("unit/capacity-list", unit_capacity_list),
        BH_TEST("unit/capacity-update", unit_capacity_update),
        BH_TEST("unit/capacity-vocabulary", unit_capacity_vocabulary),
    };
    return cmocka_run_group_tests_name("unit/capacity-needs", tests, setup, teardown);
}
