/* Confirmed matches (src/capacity/match.c) on a fresh store with needs and offers written in
 * SQL: the need's and the offer's limits, the own-organization rule, the permission, the
 * candidate rules (named), a retried confirmation, the notifications of both organizations,
 * cancelling, and who reads a match. */
#include "support.h"

#include "base/err.h"
#include "base/timeutil.h"
#include "capacity/capacity.h"
#include "db/db.h"
#include "principal/principal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bangui ceasefire line 2014"
#define T0       1796000000000LL /* 2026-11-30 */

enum { DPO, RWA, DEU, FRA, BRA, GBR, NORGS };
static struct db *db;
static int64_t org_ids[NORGS];
static struct principal bra_co, rwa_co, deu_co, gbr_fp;

static int64_t fake_clock(void)
{
    return T0;
}

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "RWA", "DEU", "FRA", "BRA", "GBR" };
    db = test_db_with_orgs("unit_capacity_match", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "bra.co", org_ids[BRA], "BRA", ROLE_COORDINATOR, NULL, PASSWORD,
                        &bra_co);
    test_user_principal(db, "rwa.co", org_ids[RWA], "RWA", ROLE_COORDINATOR, NULL, PASSWORD,
                        &rwa_co);
    test_user_principal(db, "deu.co", org_ids[DEU], "DEU", ROLE_COORDINATOR, NULL, PASSWORD,
                        &deu_co);
    test_user_principal(db, "gbr.fp", org_ids[GBR], "GBR", ROLE_FOCAL_POINT, NULL, PASSWORD,
                        &gbr_fp);
    /* Group 1: RWA shares with BRA and DEU; group 2: with BRA only. */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES "
             "(1, 'rwa-bra-deu', %lld, '2026-01-01T00:00:00Z'), "
             "(2, 'rwa-bra', %lld, '2026-01-01T00:00:00Z');"
             "INSERT INTO sharing_group_member (group_id, org_id) VALUES (1, %lld), (1, %lld), "
             "(1, %lld), (2, %lld), (2, %lld);",
             (long long)org_ids[RWA], (long long)org_ids[RWA], (long long)org_ids[RWA],
             (long long)org_ids[BRA], (long long)org_ids[DEU], (long long)org_ids[RWA],
             (long long)org_ids[BRA]);
    test_exec(db, sql);
    time_set_clock(fake_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

/* A need of `org` for `quantity` seats of counter-IED search in French, in the first half of
 * 2026, marked `tlp` (AMBER with `group`). */
static void put_need(const char *id, int org, int64_t quantity, const char *tlp, int group)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_need (id, owner_org_id, tlp, sharing_group_id, category, "
             "capability, quantity, unit, priority, starts_on, ends_on, languages, title, "
             "created_at, updated_at) VALUES ('%s', %lld, '%s', %s, 'training', "
             "'counter_ied_search', %lld, 'seats', 'high', '2026-01-01', '2026-06-30', 'fr', "
             "'Need %s', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
             id, (long long)org_ids[org], tlp, group ? (group == 1 ? "1" : "2") : "NULL",
             (long long)quantity, id);
    test_exec(db, sql);
}

/* An offer of `org` of `capacity` seats of `capability` in French and English, for the whole
 * of 2026, made to `for_org` (-1: to anyone), marked `tlp`. */
static void put_offer(const char *id, int org, int64_t capacity, const char *capability,
                      int for_org, const char *tlp, int group)
{
    char sql[1024], for_text[32] = "NULL";
    if (for_org >= 0)
        snprintf(for_text, sizeof for_text, "%lld", (long long)org_ids[for_org]);
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_offer (id, owner_org_id, tlp, sharing_group_id, category, "
             "capability, capacity, unit, starts_on, ends_on, languages, for_org_id, title, "
             "created_at, updated_at) VALUES ('%s', %lld, '%s', %s, 'training', '%s', %lld, "
             "'seats', '2026-01-01', '2026-12-31', 'fr en', %s, 'Offer %s', "
             "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
             id, (long long)org_ids[org], tlp, group ? (group == 1 ? "1" : "2") : "NULL",
             capability, (long long)capacity, for_text, id);
    test_exec(db, sql);
}

/* Confirms `need` with `offer` (quantity < 0: none given) as `who`. */
static int confirm(const struct principal *who, const char *need, const char *offer,
                   int64_t quantity, json_t **out, bool *created, struct bh_error *err)
{
    json_t *body = json_pack("{s:s, s:s}", "need", need, "offer", offer);
    if (quantity >= 0)
        json_object_set_new(body, "quantity", json_integer(quantity));
    int rc = capacity_match_confirm(db, who, body, out, created, err);
    json_decref(body);
    return rc;
}

static int64_t count(const char *fmt, const char *arg)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, arg);
    return test_query_int(db, sql);
}

#define MATCHES_OF_NEED                                              \
    "SELECT count(*) FROM capacity_match m JOIN capacity_need n ON " \
    "n.n = m.need_n WHERE n.id = '%s'"
#define NOTICES_OF                                                         \
    "SELECT count(*) FROM notification WHERE kind LIKE 'capacity.%%' AND " \
    "params LIKE '%%Need %s%%'"

/* Nothing of a refused confirmation is stored: no match, no notification, no audit entry. */
static void assert_nothing_written(const char *need)
{
    assert_int_equal(count(MATCHES_OF_NEED, need), 0);
    assert_int_equal(count(NOTICES_OF, need), 0);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'match.confirm' AND "
                           "summary LIKE '%%%s%%'",
                           need),
                     0);
}

static void capacity_limits(void **state)
{
    (void)state;
    put_need("n-lim", RWA, 20, "GREEN", 0);
    put_offer("o-lim-deu", DEU, 12, "counter_ied_search", -1, "GREEN", 0);
    put_offer("o-lim-fra", FRA, 8, "counter_ied_search", -1, "GREEN", 0);
    put_offer("o-lim-gbr", GBR, 30, "counter_ied_search", -1, "GREEN", 0);
    json_t *out = NULL;
    bool created = true;
    struct bh_error err;

    assert_int_equal(confirm(&bra_co, "n-lim", "o-lim-gbr", 21, &out, &created, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "quantity");
    assert_contains(err.message, "21 is more than the 20 seats the need still lacks");
    assert_false(created);
    assert_null(out);
    assert_int_equal(confirm(&bra_co, "n-lim", "o-lim-deu", 13, &out, &created, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "quantity");
    assert_contains(err.message, "13 is more than the 12 seats the offer has left");
    assert_nothing_written("n-lim");

    /* 12 from DEU, then what both have left (8) from FRA: the need is filled exactly. */
    must(confirm(&bra_co, "n-lim", "o-lim-deu", 12, &out, &created, &err), &err, "confirm deu");
    assert_true(created);
    assert_int_equal(json_integer_value(json_object_get(out, "quantity")), 12);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "confirmed");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(out, "coordinator"), "code")), "BRA");
    assert_true(json_integer_value(json_object_get(out, "score")) > 0);
    json_decref(out);
    must(confirm(&bra_co, "n-lim", "o-lim-fra", -1, &out, &created, &err), &err, "confirm fra");
    assert_true(created);
    assert_int_equal(json_integer_value(json_object_get(out, "quantity")), 8);
    json_decref(out);
    assert_int_equal(count("SELECT sum(m.quantity) FROM capacity_match m JOIN capacity_need n ON "
                           "n.n = m.need_n WHERE n.id = '%s' AND m.status = 'confirmed'",
                           "n-lim"),
                     20);

    /* A third provider finds nothing left. */
    assert_int_equal(confirm(&bra_co, "n-lim", "o-lim-gbr", 1, &out, &created, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "quantity");
    assert_contains(err.message, "1 is more than the 0 seats the need still lacks");
    assert_int_equal(confirm(&bra_co, "n-lim", "o-lim-gbr", -1, &out, &created, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "quantity");
    assert_int_equal(count(MATCHES_OF_NEED, "n-lim"), 2);
}

static void own_organization_refused(void **state)
{
    (void)state;
    put_need("n-own", RWA, 10, "GREEN", 0);
    put_offer("o-own", DEU, 10, "counter_ied_search", -1, "GREEN", 0);
    json_t *out = NULL;
    bool created = false;
    struct bh_error err;
    assert_int_equal(confirm(&rwa_co, "n-own", "o-own", 5, &out, &created, &err), BH_EDENIED);
    assert_string_equal(err.field, "coordinator");
    assert_contains(err.message, "RWA");
    assert_int_equal(confirm(&deu_co, "n-own", "o-own", 5, &out, &created, &err), BH_EDENIED);
    assert_string_equal(err.field, "coordinator");
    assert_contains(err.message, "DEU");
    /* A focal point does not confirm at all. */
    assert_int_equal(confirm(&gbr_fp, "n-own", "o-own", 5, &out, &created, &err), BH_EDENIED);
    assert_contains(err.message, "focal_point");
    assert_nothing_written("n-own");
}

static void not_a_candidate(void **state)
{
    (void)state;
    put_need("n-cand", RWA, 10, "GREEN", 0);
    put_offer("o-cand-eod", DEU, 10, "eod", -1, "GREEN", 0);
    put_offer("o-cand-for", DEU, 10, "counter_ied_search", FRA, "GREEN", 0);
    put_need("n-cand-hidden", RWA, 10, "AMBER", 2); /* DEU may not read it */
    put_offer("o-cand-ok", DEU, 10, "counter_ied_search", -1, "GREEN", 0);
    json_t *out = NULL;
    bool created = false;
    struct bh_error err;
    assert_int_equal(confirm(&bra_co, "n-cand", "o-cand-eod", 5, &out, &created, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "offer");
    assert_contains(err.message, "capability eod");
    assert_int_equal(confirm(&bra_co, "n-cand", "o-cand-for", 5, &out, &created, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "offer");
    assert_contains(err.message, "another contributor");
    assert_int_equal(confirm(&bra_co, "n-cand-hidden", "o-cand-ok", 5, &out, &created, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "offer");
    assert_contains(err.message, "DEU may not read the need");
    assert_nothing_written("n-cand");
    assert_nothing_written("n-cand-hidden");
    /* A need the coordinator does not see is not found, naming it. */
    put_need("n-cand-unseen", RWA, 10, "AMBER", 2);
    assert_int_equal(confirm(&deu_co, "n-cand-unseen", "o-cand-ok", 5, &out, &created, &err),
                     BH_ENOTFOUND);
    assert_string_equal(err.field, "need");
}

static void retried_confirm_is_one_match(void **state)
{
    (void)state;
    put_need("n-retry", RWA, 10, "GREEN", 0);
    put_offer("o-retry", DEU, 6, "counter_ied_search", -1, "GREEN", 0);
    json_t *first = NULL, *second = NULL;
    bool created = false;
    struct bh_error err;
    must(confirm(&bra_co, "n-retry", "o-retry", 6, &first, &created, &err), &err, "confirm");
    assert_true(created);
    must(confirm(&bra_co, "n-retry", "o-retry", 6, &second, &created, &err), &err, "retry");
    assert_false(created);
    assert_string_equal(json_string_value(json_object_get(first, "id")),
                        json_string_value(json_object_get(second, "id")));
    assert_int_equal(count(MATCHES_OF_NEED, "n-retry"), 1);
    assert_int_equal(count(NOTICES_OF, "n-retry"), 2);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'match.confirm' AND "
                           "record_id = '%s'",
                           json_string_value(json_object_get(first, "id"))),
                     1);

    /* The requester is told about its need, the provider about its offer. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT kind || '|' || record_type || '|' || record_id || '|' || link || '|' || "
             "params FROM notification WHERE account_id = %lld AND params LIKE '%%Need n-retry%%'",
             (long long)rwa_co.account_id);
    assert_string_equal(test_query_text(db, sql),
                        "capacity.matched|need|n-retry|/capacity/needs/n-retry|"
                        "{\"from\":\"DEU\",\"need\":\"Need n-retry\",\"offer\":\"Offer "
                        "o-retry\",\"quantity\":6,\"to\":\"RWA\",\"unit\":\"seats\"}");
    snprintf(sql, sizeof sql,
             "SELECT kind || '|' || record_type || '|' || record_id || '|' || link FROM "
             "notification WHERE account_id = %lld AND params LIKE '%%Need n-retry%%'",
             (long long)deu_co.account_id);
    assert_string_equal(test_query_text(db, sql),
                        "capacity.matched|offer|o-retry|/capacity/offers/o-retry");
    /* The coordinator's organization is not told. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE account_id = %lld AND params LIKE "
             "'%%Need n-retry%%'",
             (long long)bra_co.account_id);
    assert_int_equal(test_query_int(db, sql), 0);
    json_decref(first);
    json_decref(second);
}

static void cancel_restores(void **state)
{
    (void)state;
    put_need("n-cancel", RWA, 10, "GREEN", 0);
    put_offer("o-cancel", DEU, 10, "counter_ied_search", -1, "GREEN", 0);
    json_t *out = NULL, *body;
    bool created = false;
    struct bh_error err;
    must(confirm(&bra_co, "n-cancel", "o-cancel", 10, &out, &created, &err), &err, "confirm");
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);

    body = test_json("{}");
    assert_int_equal(capacity_match_cancel(db, &bra_co, id, body, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "reason");
    json_decref(body);
    body = test_json("{\"reason\": \"  \"}");
    assert_int_equal(capacity_match_cancel(db, &bra_co, id, body, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "reason");
    json_decref(body);
    body = test_json("{\"reason\": \"The course was postponed\", \"why\": 1}");
    assert_int_equal(capacity_match_cancel(db, &bra_co, id, body, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "why");
    json_decref(body);
    body = test_json("{\"reason\": \"The course was postponed\"}");
    assert_int_equal(capacity_match_cancel(db, &rwa_co, id, body, &out, &err), BH_EDENIED);
    assert_string_equal(err.field, "coordinator");
    assert_int_equal(count("SELECT count(*) FROM capacity_match WHERE id = '%s' AND status = "
                           "'confirmed'",
                           id),
                     1);

    must(capacity_match_cancel(db, &bra_co, id, body, &out, &err), &err, "cancel");
    assert_string_equal(json_string_value(json_object_get(out, "status")), "cancelled");
    assert_string_equal(json_string_value(json_object_get(out, "cancel_reason")),
                        "The course was postponed");
    assert_string_equal(json_string_value(json_object_get(out, "cancelled_at")),
                        "2026-11-30T00:53:20Z");
    json_decref(out);
    assert_int_equal(capacity_match_cancel(db, &bra_co, id, body, &out, &err), BH_ECONFLICT);
    json_decref(body);
    assert_int_equal(count("SELECT count(*) FROM notification WHERE kind = 'capacity.cancelled' "
                           "AND params LIKE '%%Need %s%%'",
                           "n-cancel"),
                     2);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'match.cancel' AND "
                           "record_id = '%s'",
                           id),
                     1);
    /* The seats are free again: the whole need can be matched anew. */
    must(confirm(&bra_co, "n-cancel", "o-cancel", 10, &out, &created, &err), &err, "again");
    assert_true(created);
    assert_string_not_equal(json_string_value(json_object_get(out, "id")), id);
    json_decref(out);
}

static void bad_input_names_member(void **state)
{
    (void)state;
    put_need("n-bad", RWA, 10, "GREEN", 0);
    put_offer("o-bad", DEU, 10, "counter_ied_search", -1, "GREEN", 0);
    static const char *const cases[][2] = {
        { "{\"offer\": \"o-bad\"}", "need" },
        { "{\"need\": \"n-bad\"}", "offer" },
        { "{\"need\": \"n-bad\", \"offer\": \"o-bad\", \"quantity\": 0}", "quantity" },
        { "{\"need\": \"n-bad\", \"offer\": \"o-bad\", \"quantity\": \"5\"}", "quantity" },
        { "{\"need\": \"n-bad\", \"offer\": \"o-bad\", \"seats\": 5}", "seats" },
        { "{\"need\": \"n-nowhere\", \"offer\": \"o-bad\"}", "need" },
        { "{\"need\": \"n-bad\", \"offer\": \"o-nowhere\"}", "offer" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = test_json(cases[i][0]), *out = NULL;
        bool created = false;
        struct bh_error err;
        assert_true(capacity_match_confirm(db, &bra_co, body, &out, &created, &err) < 0);
        assert_string_equal(err.field, cases[i][1]);
        json_decref(body);
    }
    assert_nothing_written("n-bad");
}

static bool list_has(const struct principal *who, const char *need, const char *id)
{
    json_t *out = NULL;
    struct bh_error err;
    struct capacity_filter f = { .status = "any" };
    must(capacity_match_list(db, who, need, NULL, &f, &out, &err), &err, "list");
    bool found = false;
    json_t *item;
    size_t i;
    json_array_foreach(json_object_get(out, "items"), i, item) found |=
        strcmp(json_string_value(json_object_get(item, "id")), id) == 0;
    json_decref(out);
    return found;
}

static void visibility(void **state)
{
    (void)state;
    put_need("n-vis", RWA, 10, "AMBER", 1); /* RWA, BRA, DEU read it; GBR does not */
    put_offer("o-vis", DEU, 10, "counter_ied_search", -1, "GREEN", 0);
    json_t *out = NULL;
    bool created = false;
    struct bh_error err;
    must(confirm(&bra_co, "n-vis", "o-vis", 4, &out, &created, &err), &err, "confirm");
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);

    must(capacity_match_get(db, &deu_co, id, &out, &err), &err, "get as DEU");
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "need"), "id")),
                        "n-vis");
    json_decref(out);
    assert_int_equal(capacity_match_get(db, &gbr_fp, id, &out, &err), BH_ENOTFOUND);
    assert_null(out);
    assert_true(list_has(&rwa_co, NULL, id));
    assert_true(list_has(&deu_co, "n-vis", id));
    assert_false(list_has(&gbr_fp, NULL, id));

    /* Filters: status and organization. */
    struct capacity_filter f = { .status = "cancelled" };
    must(capacity_match_list(db, &rwa_co, "n-vis", NULL, &f, &out, &err), &err, "cancelled");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    f = (struct capacity_filter){ .org = "DEU", .limit = 1 };
    must(capacity_match_list(db, &bra_co, NULL, NULL, &f, &out, &err), &err, "org DEU");
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_true(json_integer_value(json_object_get(out, "total")) > 1);
    assert_true(json_is_string(json_object_get(out, "next")));
    json_decref(out);
    f = (struct capacity_filter){ .status = "open" };
    assert_int_equal(capacity_match_list(db, &bra_co, NULL, NULL, &f, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-match-limits", capacity_limits),
        BH_TEST("unit/capacity-match-own-organization", own_organization_refused),
        BH_TEST("unit/capacity-match-not-a-candidate", not_a_candidate),
        BH_TEST("unit/capacity-match-retry-is-one-match", retried_confirm_is_one_match),
        BH_TEST("unit/capacity-match-cancel", cancel_restores),
        BH_TEST("unit/capacity-match-bad-input", bad_input_names_member),
        BH_TEST("unit/capacity-match-visibility", visibility),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
