/* Candidates and the proposed assignment (src/capacity/score.c, propose.c): the score's
 * rules one by one, and the proposal over a store written with SQL: the optimum where the
 * first-come baseline loses, a confirmed match lowering what is left, AMBER records paired
 * only between organizations that read each other, a reader who does not see a need not
 * seeing it anywhere, an offer made to one contributor, and bad filters named. */
#include "support.h"

#include "base/timeutil.h"
#include "capacity/capacity.h"
#include "db/db.h"
#include "principal/principal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1796000000000LL /* 2026-11-30 */

enum { DPO, RWA, BGD, FRA, DEU, NOR, NORGS };
static struct db *db;
static int64_t org_ids[NORGS];
static struct principal admin, rwa_fp;

static int64_t fake_clock(void)
{
    return T0;
}

/* ---- the score ---- */

static struct capacity_side need_side(void)
{
    return (struct capacity_side){ .org_id = 1,
                                   .category = "training",
                                   .capability = "counter_ied_search",
                                   .unit = "seats",
                                   .starts_on = "2027-01-01",
                                   .ends_on = "2027-01-10",
                                   .languages = "fr en",
                                   .remaining = 20 };
}

static struct capacity_side offer_side(void)
{
    struct capacity_side o = need_side();
    o.org_id = 2;
    return o;
}

static void score_full(void **state)
{
    (void)state;
    struct capacity_side n = need_side(), o = offer_side();
    assert_int_equal(capacity_pair_score(&n, &o), 100);
    /* More than the need asks is still the full amount share. */
    o.remaining = 500;
    assert_int_equal(capacity_pair_score(&n, &o), 100);
    /* A need that names no language takes any: the full language share. */
    n.languages = "";
    o.languages = "de";
    assert_int_equal(capacity_pair_score(&n, &o), 100);
    /* An offer made to the need's owner. */
    n = need_side();
    o = offer_side();
    o.for_org_id = 1;
    assert_int_equal(capacity_pair_score(&n, &o), 100);
}

static void score_zero_rules(void **state)
{
    (void)state;
    struct capacity_side n, o;
#define ZERO_WHEN(change)                                 \
    do {                                                  \
        n = need_side();                                  \
        o = offer_side();                                 \
        change;                                           \
        assert_int_equal(capacity_pair_score(&n, &o), 0); \
    } while (0)
    ZERO_WHEN(o.category = "mentoring");
    ZERO_WHEN(o.capability = "eod");
    ZERO_WHEN(o.unit = "units");
    ZERO_WHEN(o.org_id = n.org_id); /* one's own need */
    ZERO_WHEN(o.for_org_id = 7);    /* offered to another contributor */
    ZERO_WHEN(o.starts_on = "2026-12-01"; o.ends_on = "2026-12-31"); /* ends the day before */
    ZERO_WHEN(o.starts_on = "2027-01-11"; o.ends_on = "2027-02-01"); /* starts the day after */
    ZERO_WHEN(o.languages = "ar de");      /* both name languages, none shared */
    ZERO_WHEN(o.starts_on = "2027-02-30"); /* not a calendar day */
    ZERO_WHEN(n.ends_on = "2027-1-10");    /* not YYYY-MM-DD */
    ZERO_WHEN(o.category = NULL);
#undef ZERO_WHEN
    n = need_side();
    assert_int_equal(capacity_pair_score(&n, NULL), 0);
}

static void score_partial(void **state)
{
    (void)state;
    struct capacity_side n = need_side(), o = offer_side();
    /* One day of ten in common (the offer ends on the need's first day): 50 + 2 + 15 + 15. */
    o.starts_on = "2026-12-01";
    o.ends_on = "2027-01-01";
    assert_int_equal(capacity_pair_score(&n, &o), 82);
    /* Half the period (5 of 10 days: +10), one of the two languages (+7.5), 5 of 20 seats
     * (+3.75): 71.25, rounded to 71. */
    o = offer_side();
    o.starts_on = "2027-01-06";
    o.ends_on = "2027-03-01";
    o.languages = "fr";
    o.remaining = 5;
    assert_int_equal(capacity_pair_score(&n, &o), 71);
    /* An offer naming no language is a candidate without the language points: 85. */
    o = offer_side();
    o.languages = "";
    assert_int_equal(capacity_pair_score(&n, &o), 85);
    /* Half the seats: 50 + 20 + 15 + 7.5 = 92.5, rounded up. */
    o = offer_side();
    o.remaining = 10;
    assert_int_equal(capacity_pair_score(&n, &o), 93);
}

/* ---- the store fixture ---- */

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "RWA", "BGD", "FRA", "DEU", "NOR" };
    db = test_db_with_orgs("unit_capacity_propose", NULL, codes, NORGS, DPO, org_ids);
    test_principal(&admin, 1, org_ids[DPO], "DPO", ROLE_ADMIN, "dpo.admin");
    test_principal(&rwa_fp, 2, org_ids[RWA], "RWA", ROLE_FOCAL_POINT, "rwa.fp");
    /* Group 1: NOR shares with BGD (and reads its own), not with RWA. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES "
             "(1, 'nor-bgd', %lld, '2026-01-01T00:00:00Z');"
             "INSERT INTO sharing_group_member (group_id, org_id) VALUES (1, %lld), (1, %lld);",
             (long long)org_ids[NOR], (long long)org_ids[NOR], (long long)org_ids[BGD]);
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

/* Every test starts from no needs, offers or matches. */
static int clean(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM capacity_match; DELETE FROM capacity_need; "
                  "DELETE FROM capacity_offer;");
    return 0;
}

/* A need of `org` (GREEN, or AMBER for group 1 when `amber`) in March 2027. */
static void put_need(const char *id, int org, const char *capability, const char *category,
                     const char *unit, const char *priority, int64_t quantity,
                     const char *languages, bool amber)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_need (id, owner_org_id, tlp, sharing_group_id, category, "
             "capability, quantity, unit, priority, starts_on, ends_on, languages, title, "
             "created_at, updated_at) VALUES ('%s', %lld, '%s', %s, '%s', '%s', %lld, '%s', "
             "'%s', '2027-03-01', '2027-03-31', '%s', 'Need %s', '2026-11-01T00:00:00Z', "
             "'2026-11-01T00:00:00Z')",
             id, (long long)org_ids[org], amber ? "AMBER" : "GREEN", amber ? "1" : "NULL", category,
             capability, (long long)quantity, unit, priority, languages, id);
    test_exec(db, sql);
}

/* An offer of `org` from `starts_on` to the end of March 2027; `for_org` < 0: open to all. */
static void put_offer(const char *id, int org, const char *capability, const char *category,
                      const char *unit, int64_t capacity, const char *starts_on,
                      const char *languages, bool amber, int for_org)
{
    char sql[1024], for_org_text[32] = "NULL";
    if (for_org >= 0)
        snprintf(for_org_text, sizeof for_org_text, "%lld", (long long)org_ids[for_org]);
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_offer (id, owner_org_id, tlp, sharing_group_id, category, "
             "capability, capacity, unit, starts_on, ends_on, languages, for_org_id, title, "
             "created_at, updated_at) VALUES ('%s', %lld, '%s', %s, '%s', '%s', %lld, '%s', "
             "'%s', '2027-03-31', '%s', %s, 'Offer %s', '2026-11-01T00:00:00Z', "
             "'2026-11-01T00:00:00Z')",
             id, (long long)org_ids[org], amber ? "AMBER" : "GREEN", amber ? "1" : "NULL", category,
             capability, (long long)capacity, unit, starts_on, languages, for_org_text, id);
    test_exec(db, sql);
}

#define SEATS(id, org, priority, qty, langs) \
    put_need(id, org, "counter_ied_search", "training", "seats", priority, qty, langs, false)
#define SEAT_OFFER(id, org, qty, from, langs) \
    put_offer(id, org, "counter_ied_search", "training", "seats", qty, from, langs, false, -1)

static json_t *propose(const struct principal *who, const struct capacity_filter *f)
{
    json_t *out = NULL;
    struct bh_error err;
    must(capacity_propose(db, who, f, &out, &err), &err, "propose");
    assert_non_null(out);
    return out;
}

static int64_t int_at(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer \"%s\"", key);
    return json_integer_value(v);
}

/* Fails unless assignment `i` gives `qty` of offer `offer` to need `need`. */
static void assert_assignment(const json_t *out, size_t i, const char *need, const char *offer,
                              int64_t qty)
{
    json_t *a = json_array_get(json_object_get(out, "assignments"), i);
    if (!a)
        fail_msg("no assignment %zu", i);
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "need"), "id")), need);
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "offer"), "id")),
                        offer);
    assert_int_equal(int_at(a, "quantity"), qty);
}

/* ---- the proposal ---- */

/* Need A (RWA, critical, 10, French) fits offer X (FRA, 10, French and English, the whole
 * month) and offer Y (DEU, 10, French, from the 16th); need B (BGD, high, 10, English) fits
 * only X. First come gives A the better-scored X and B nothing: 8 x 10 = 80. The optimum
 * gives A Y and B X: 80 + 40 = 120. */
static void optimum_beats_first_come(void **state)
{
    (void)state;
    SEATS("need-a", RWA, "critical", 10, "fr");
    SEATS("need-b", BGD, "high", 10, "en");
    SEAT_OFFER("offer-x", FRA, 10, "2027-03-01", "fr en");
    SEAT_OFFER("offer-y", DEU, 10, "2027-03-16", "fr");
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "needs"), 2);
    assert_int_equal(int_at(out, "offers"), 2);
    assert_int_equal(int_at(out, "pairs"), 3);
    assert_int_equal(int_at(out, "weighted"), 120);
    assert_int_equal(int_at(out, "greedy_weighted"), 80);
    assert_int_equal(json_array_size(json_object_get(out, "assignments")), 2);
    assert_assignment(out, 0, "need-a", "offer-y", 10); /* critical first */
    assert_assignment(out, 1, "need-b", "offer-x", 10);
    json_t *first = json_array_get(json_object_get(out, "assignments"), 0);
    /* A-Y: 50 + 20 x 16/31 + 15 + 15 = 90.3 */
    assert_int_equal(int_at(first, "score"), 90);
    json_t *need = json_object_get(first, "need");
    assert_string_equal(json_string_value(json_object_get(need, "priority")), "critical");
    assert_string_equal(json_string_value(json_object_get(json_object_get(need, "org"), "code")),
                        "RWA");
    assert_int_equal(int_at(need, "remaining"), 10);
    assert_int_equal(json_array_size(json_object_get(out, "unmet")), 0);
    assert_string_equal(json_string_value(json_object_get(out, "as_of")), "2026-11-30T00:53:20Z");
    json_decref(out);
}

/* A confirmed match of 4 seats between A and X leaves A 6 and X 6: A takes 6 of Y, B 6 of
 * X, and B lacks 4. A cancelled match counts for nothing. */
static void confirmed_match_lowers_remaining(void **state)
{
    (void)state;
    SEATS("need-a", RWA, "critical", 10, "fr");
    SEATS("need-b", BGD, "high", 10, "en");
    SEAT_OFFER("offer-x", FRA, 10, "2027-03-01", "fr en");
    SEAT_OFFER("offer-y", DEU, 10, "2027-03-16", "fr");
    test_exec(db, "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
                  "coordinator_org_id, confirmed_at) SELECT 'm1', n.n, o.n, 4, 'confirmed', 1, "
                  "'2026-11-02T00:00:00Z' FROM capacity_need n, capacity_offer o WHERE n.id = "
                  "'need-a' AND o.id = 'offer-x';"
                  "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
                  "coordinator_org_id, confirmed_at) SELECT 'm2', n.n, o.n, 3, 'cancelled', 1, "
                  "'2026-11-02T00:00:00Z' FROM capacity_need n, capacity_offer o WHERE n.id = "
                  "'need-b' AND o.id = 'offer-x';");
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "weighted"), 8 * 6 + 4 * 6);
    assert_assignment(out, 0, "need-a", "offer-y", 6);
    assert_assignment(out, 1, "need-b", "offer-x", 6);
    json_t *a = json_array_get(json_object_get(out, "assignments"), 0);
    assert_int_equal(int_at(json_object_get(a, "need"), "quantity"), 10);
    assert_int_equal(int_at(json_object_get(a, "need"), "remaining"), 6);
    json_t *b = json_array_get(json_object_get(out, "assignments"), 1);
    assert_int_equal(int_at(json_object_get(b, "offer"), "remaining"), 6);
    json_t *unmet = json_object_get(out, "unmet");
    assert_int_equal(json_array_size(unmet), 1);
    json_t *u = json_array_get(unmet, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(u, "need"), "id")),
                        "need-b");
    assert_int_equal(int_at(u, "remaining"), 4);
    json_decref(out);

    /* A need fully covered, and an offer fully committed, are out of the proposal: B is
     * left with Y, which does not speak English. */
    test_exec(db, "UPDATE capacity_match SET quantity = 10 WHERE id = 'm1'");
    out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "needs"), 1);
    assert_int_equal(int_at(out, "offers"), 1);
    assert_int_equal(int_at(out, "pairs"), 0);
    assert_int_equal(int_at(out, "weighted"), 0);
    json_decref(out);
}

/* Offer Z of NOR is AMBER for group 1 (NOR and BGD). Need C of RWA fits it but RWA may not
 * read Z: no pair. Need D of BGD fits it and is paired. */
static void amber_offer_pairs_only_with_its_audience(void **state)
{
    (void)state;
    put_need("need-c", RWA, "night_vision", "equipment", "units", "critical", 5, "", false);
    put_need("need-d", BGD, "night_vision", "equipment", "units", "low", 3, "", false);
    put_offer("offer-z", NOR, "night_vision", "equipment", "units", 10, "2027-01-01", "", true, -1);
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "pairs"), 1);
    assert_int_equal(json_array_size(json_object_get(out, "assignments")), 1);
    assert_assignment(out, 0, "need-d", "offer-z", 3);
    json_t *u = json_array_get(json_object_get(out, "unmet"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(u, "need"), "id")),
                        "need-c");
    assert_int_equal(int_at(u, "remaining"), 5);
    json_decref(out);
}

/* An AMBER need of BGD for group 1 fits an offer of FRA (not in the group: no pair) and one
 * of NOR (in it). RWA's reader does not see the need at all: not paired, not unmet. */
static void hidden_need_is_absent(void **state)
{
    (void)state;
    put_need("need-e", BGD, "generators", "equipment", "units", "high", 4, "", true);
    put_need("need-g", RWA, "generators", "equipment", "units", "low", 2, "", false);
    put_offer("offer-f", FRA, "generators", "equipment", "units", 3, "2027-01-01", "", false, -1);
    put_offer("offer-n", NOR, "generators", "equipment", "units", 4, "2027-01-01", "", false, -1);
    json_t *out = propose(&admin, NULL);
    /* E with N only (FRA may not read E), G with F and N. */
    assert_int_equal(int_at(out, "pairs"), 3);
    assert_int_equal(int_at(out, "weighted"), 4 * 4 + 1 * 2);
    assert_assignment(out, 0, "need-e", "offer-n", 4);
    assert_assignment(out, 1, "need-g", "offer-f", 2);
    json_decref(out);

    out = propose(&rwa_fp, NULL);
    assert_int_equal(int_at(out, "needs"), 1);
    char *text = json_dumps(out, 0);
    if (strstr(text, "need-e"))
        fail_msg("a need RWA may not read appears in its proposal:\n%s", text);
    free(text);
    assert_int_equal(int_at(out, "weighted"), 2);
    json_decref(out);
}

/* Offer W of FRA is made to BGD only: it serves BGD's low need, not RWA's critical one. */
static void offer_for_one_contributor(void **state)
{
    (void)state;
    put_need("need-f", RWA, "sealift", "logistics", "units", "critical", 5, "", false);
    put_need("need-h", BGD, "sealift", "logistics", "units", "low", 5, "", false);
    put_offer("offer-w", FRA, "sealift", "logistics", "units", 10, "2027-01-01", "", false, BGD);
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "pairs"), 1);
    assert_int_equal(json_array_size(json_object_get(out, "assignments")), 1);
    assert_assignment(out, 0, "need-h", "offer-w", 5);
    assert_int_equal(int_at(out, "weighted"), 5);
    json_t *u = json_array_get(json_object_get(out, "unmet"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(u, "need"), "id")),
                        "need-f");
    json_decref(out);
}

/* Needs and offers of different capabilities never meet; a filter narrows to one. */
static void buckets_and_filters(void **state)
{
    (void)state;
    SEATS("need-a", RWA, "critical", 10, "fr");
    SEAT_OFFER("offer-x", FRA, 10, "2027-03-01", "fr");
    put_need("need-s", RWA, "sealift", "logistics", "units", "low", 5, "", false);
    put_offer("offer-e", FRA, "eod", "training", "seats", 10, "2027-01-01", "fr", false, -1);
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "needs"), 2);
    assert_int_equal(int_at(out, "offers"), 2);
    assert_int_equal(int_at(out, "pairs"), 1);
    json_decref(out);
    struct capacity_filter f = { .capability = "sealift" };
    out = propose(&admin, &f);
    assert_int_equal(int_at(out, "needs"), 1);
    assert_int_equal(int_at(out, "offers"), 0);
    assert_int_equal(json_array_size(json_object_get(out, "unmet")), 1);
    json_decref(out);
    f = (struct capacity_filter){ .org = "BGD" };
    out = propose(&admin, &f);
    assert_int_equal(int_at(out, "needs"), 0);
    json_decref(out);
}

/* A language code outside the vocabulary (written by hand into the store) takes the slow
 * path, capacity_pair_score itself, with the same rules: need "fr xx" and offer "xx" share
 * one of two languages (50 + 20 + 7.5 + 15 = 92.5, rounded up); offer "de" shares none. */
static void unknown_language_same_rules(void **state)
{
    (void)state;
    SEATS("need-q", RWA, "medium", 5, "fr xx");
    SEAT_OFFER("offer-xx", FRA, 5, "2027-03-01", "xx");
    SEAT_OFFER("offer-de", DEU, 5, "2027-03-01", "de");
    json_t *out = propose(&admin, NULL);
    assert_int_equal(int_at(out, "pairs"), 1);
    assert_assignment(out, 0, "need-q", "offer-xx", 5);
    assert_int_equal(int_at(json_array_get(json_object_get(out, "assignments"), 0), "score"), 93);
    json_decref(out);
}

static void bad_filters_named(void **state)
{
    (void)state;
    struct {
        struct capacity_filter f;
        const char *field;
    } cases[] = {
        { { .category = "cooking" }, "category" },
        { { .capability = "juggling" }, "capability" },
        { { .mission = "NOPE" }, "mission" },
        { { .org = "ZZZ" }, "org" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        json_t *out = NULL;
        struct bh_error err;
        assert_int_equal(capacity_propose(db, &admin, &cases[c].f, &out, &err), BH_EINVALID);
        assert_string_equal(err.field, cases[c].field);
        assert_null(out);
    }
}

/* ---- candidates for one need ---- */

static const char *item_offer_id(const json_t *out, size_t i)
{
    json_t *item = json_array_get(json_object_get(out, "items"), i);
    return json_string_value(json_object_get(json_object_get(item, "offer"), "id"));
}

/* A's candidates are X (100) then Y (90), each able to give 10; RWA's own offer and an
 * offer of another capability are not candidates; B's only candidate is X. After a
 * confirmed match of 4 from X to A, A and X have 6 left each, and the pair is no longer a
 * candidate. */
static void candidates_best_first(void **state)
{
    (void)state;
    SEATS("need-a", RWA, "critical", 10, "fr");
    SEATS("need-b", BGD, "high", 10, "en");
    SEAT_OFFER("offer-x", FRA, 10, "2027-03-01", "fr en");
    SEAT_OFFER("offer-y", DEU, 10, "2027-03-16", "fr");
    SEAT_OFFER("offer-own", RWA, 10, "2027-03-01", "fr");
    put_offer("offer-e", FRA, "eod", "training", "seats", 10, "2027-01-01", "fr", false, -1);
    json_t *out = NULL;
    struct bh_error err;
    must(capacity_candidates(db, &admin, "need-a", &out, &err), &err, "candidates");
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "need"), "id")),
                        "need-a");
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(item_offer_id(out, 0), "offer-x");
    assert_int_equal(int_at(json_array_get(items, 0), "score"), 100);
    assert_int_equal(int_at(json_array_get(items, 0), "quantity"), 10);
    assert_string_equal(item_offer_id(out, 1), "offer-y");
    assert_int_equal(int_at(json_array_get(items, 1), "score"), 90);
    json_decref(out);

    must(capacity_candidates(db, &admin, "need-b", &out, &err), &err, "candidates");
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_string_equal(item_offer_id(out, 0), "offer-x");
    json_decref(out);

    test_exec(db, "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
                  "coordinator_org_id, confirmed_at) SELECT 'm1', n.n, o.n, 4, 'confirmed', 1, "
                  "'2026-11-02T00:00:00Z' FROM capacity_need n, capacity_offer o WHERE n.id = "
                  "'need-a' AND o.id = 'offer-x';");
    /* X is matched to A now: confirming the pair again would return that match, so X is no
     * longer A's candidate, and Y could give the 6 A still lacks. */
    must(capacity_candidates(db, &admin, "need-a", &out, &err), &err, "candidates");
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_string_equal(item_offer_id(out, 0), "offer-y");
    assert_int_equal(int_at(json_array_get(json_object_get(out, "items"), 0), "quantity"), 6);
    json_decref(out);
    /* B is still X's candidate, for the 6 X has left. */
    must(capacity_candidates(db, &admin, "need-b", &out, &err), &err, "candidates");
    assert_string_equal(item_offer_id(out, 0), "offer-x");
    assert_int_equal(int_at(json_array_get(json_object_get(out, "items"), 0), "quantity"), 6);
    json_decref(out);
}

/* A need the reader does not see is not found, and so is one that does not exist. */
static void candidates_hidden_need(void **state)
{
    (void)state;
    put_need("need-e", BGD, "generators", "equipment", "units", "high", 4, "", true);
    json_t *out = NULL;
    struct bh_error err;
    assert_int_equal(capacity_candidates(db, &rwa_fp, "need-e", &out, &err), BH_ENOTFOUND);
    assert_null(out);
    assert_int_equal(capacity_candidates(db, &admin, "no-such-need", &out, &err), BH_ENOTFOUND);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-score-full", score_full),
        BH_TEST("unit/capacity-score-zero-rules", score_zero_rules),
        BH_TEST("unit/capacity-score-partial", score_partial),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-optimum-beats-first-come",
                               optimum_beats_first_come, clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-confirmed-match-lowers-remaining",
                               confirmed_match_lowers_remaining, clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-amber-offer-audience",
                               amber_offer_pairs_only_with_its_audience, clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-hidden-need-absent", hidden_need_is_absent,
                               clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-offer-for-one-contributor",
                               offer_for_one_contributor, clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-buckets-and-filters", buckets_and_filters,
                               clean, NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-propose-unknown-language-same-rules",
                               unknown_language_same_rules, clean, NULL),
        BH_TEST("unit/capacity-propose-bad-filters-named", bad_filters_named),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-candidates-best-first", candidates_best_first, clean,
                               NULL),
        BH_TEST_SETUP_TEARDOWN("unit/capacity-candidates-hidden-need", candidates_hidden_need,
                               clean, NULL),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
