/* Duplicated support (src/capacity/duplicates.c) on a fixture written in SQL: a need served
 * by three providers through matches and a training delivery, offers of two providers to one
 * contributor in overlapping periods, and the controls that must not be flagged (one provider
 * twice, periods that do not overlap, a cancelled delivery); a reader who cannot see one of
 * the records gets no item built on it. */
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

#define T0 1796000000000LL /* 2026-11-30 */

enum { DPO, RWA, DEU, FRA, GBR, BRA, NORGS };
static const char *const codes[] = { "DPO", "RWA", "DEU", "FRA", "GBR", "BRA" };
static struct db *db;
static int64_t org_ids[NORGS];
static struct principal bra_fp, rwa_fp;

static int64_t fake_clock(void)
{
    return T0;
}

static void put_need(const char *id, int org, int64_t quantity)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_need (id, owner_org_id, tlp, category, capability, quantity, "
             "unit, priority, starts_on, ends_on, title, created_at, updated_at) VALUES ('%s', "
             "%lld, 'GREEN', 'training', 'counter_ied_search', %lld, 'seats', 'high', "
             "'2026-01-01', '2026-06-30', 'Need %s', '2026-01-01T00:00:00Z', "
             "'2026-01-01T00:00:00Z')",
             id, (long long)org_ids[org], (long long)quantity, id);
    test_exec(db, sql);
}

/* An open offer of `org` of `capability`, made to `for_org` (-1: anyone), marked GREEN or
 * AMBER in group 1 (RWA, DEU, FRA, GBR: not BRA). */
static void put_offer(const char *id, int org, const char *capability, int for_org,
                      const char *starts_on, const char *ends_on, bool amber)
{
    char sql[1024], for_text[32] = "NULL";
    if (for_org >= 0)
        snprintf(for_text, sizeof for_text, "%lld", (long long)org_ids[for_org]);
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_offer (id, owner_org_id, tlp, sharing_group_id, category, "
             "capability, capacity, unit, starts_on, ends_on, for_org_id, title, created_at, "
             "updated_at) VALUES ('%s', %lld, '%s', %s, 'training', '%s', 50, 'seats', '%s', "
             "'%s', %s, 'Offer %s', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
             id, (long long)org_ids[org], amber ? "AMBER" : "GREEN", amber ? "1" : "NULL",
             capability, starts_on, ends_on, for_text, id);
    test_exec(db, sql);
}

static void put_match(const char *need, const char *offer, int64_t quantity, const char *status)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_match (id, need_n, offer_n, quantity, status, "
             "coordinator_org_id, confirmed_at) SELECT 'm-%s-%s', n.n, o.n, %lld, '%s', %lld, "
             "'2026-02-01T00:00:00Z' FROM capacity_need n, capacity_offer o WHERE n.id = '%s' "
             "AND o.id = '%s'",
             need, offer, (long long)quantity, status, (long long)org_ids[DPO], need, offer);
    test_exec(db, sql);
}

/* A course of `org` with one delivery of `status` giving `seats` to `need`. */
static void put_delivery(const char *id, int org, const char *status, const char *need,
                         int64_t seats)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO training_course (id, owner_org_id, tlp, category, capability, title, "
             "created_at, updated_at) VALUES ('c-%s', %lld, 'GREEN', 'training', "
             "'counter_ied_search', 'Course %s', '2026-01-01T00:00:00Z', "
             "'2026-01-01T00:00:00Z');"
             "INSERT INTO training_delivery (id, course_n, status, starts_on, ends_on, "
             "created_at, updated_at) SELECT 'd-%s', n, '%s', '2026-03-01', '2026-03-10', "
             "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM training_course WHERE id = "
             "'c-%s';"
             "INSERT INTO training_need (delivery_n, need_n, seats) SELECT d.n, n.n, %lld FROM "
             "training_delivery d, capacity_need n WHERE d.id = 'd-%s' AND n.id = '%s';",
             id, (long long)org_ids[org], id, id, status, id, (long long)seats, id, need);
    test_exec(db, sql);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("unit_capacity_duplicates", NULL, codes, NORGS, DPO, org_ids);
    test_principal(&bra_fp, 900, org_ids[BRA], "BRA", ROLE_FOCAL_POINT, "bra.fp");
    test_principal(&rwa_fp, 901, org_ids[RWA], "RWA", ROLE_FOCAL_POINT, "rwa.fp");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES (1, 'no-bra', "
             "%lld, '2026-01-01T00:00:00Z');"
             "INSERT INTO sharing_group_member (group_id, org_id) VALUES (1, %lld), (1, %lld), "
             "(1, %lld), (1, %lld);",
             (long long)org_ids[FRA], (long long)org_ids[RWA], (long long)org_ids[DEU],
             (long long)org_ids[FRA], (long long)org_ids[GBR]);
    test_exec(db, sql);
    /* Each owner of an AMBER offer accepted the group's audience (as a write would). */
    test_exec(db, "INSERT INTO sharing_audience (group_id, owner_org_id, org_id) SELECT 1, "
                  "o.id, m.org_id FROM sharing_group_member m, org o WHERE m.group_id = 1 AND "
                  "o.code IN ('FRA', 'GBR')");

    /* same_need: three providers for n-dup (two matches and a delivery), over its quantity. */
    put_need("n-dup", RWA, 20);
    put_offer("o-dup-deu", DEU, "counter_ied_search", -1, "2026-01-01", "2026-12-31", false);
    put_offer("o-dup-fra", FRA, "counter_ied_search", -1, "2026-01-01", "2026-12-31", false);
    put_match("n-dup", "o-dup-deu", 8, "confirmed");
    put_match("n-dup", "o-dup-fra", 6, "confirmed");
    put_delivery("dup-gbr", GBR, "completed", "n-dup", 10);
    /* Controls: one provider twice; a cancelled delivery; a cancelled match. */
    put_need("n-one", RWA, 20);
    put_offer("o-one-a", DEU, "counter_ied_search", -1, "2026-01-01", "2026-12-31", false);
    put_offer("o-one-b", DEU, "counter_ied_search", -1, "2026-01-01", "2026-12-31", false);
    put_match("n-one", "o-one-a", 5, "confirmed");
    put_match("n-one", "o-one-b", 5, "confirmed");
    put_delivery("one-cancelled", GBR, "cancelled", "n-one", 4);
    put_match("n-one", "o-dup-fra", 3, "cancelled");
    /* Hidden from BRA: FRA's AMBER offer is the second provider of n-hid. */
    put_need("n-hid", RWA, 20);
    put_offer("o-hid-fra", FRA, "counter_ied_search", -1, "2026-01-01", "2026-12-31", true);
    put_match("n-hid", "o-dup-deu", 4, "confirmed");
    put_match("n-hid", "o-hid-fra", 4, "confirmed");

    /* overlapping_offers: DEU and FRA to RWA, overlapping in May and June. */
    put_offer("o-ov-deu", DEU, "eod", RWA, "2026-01-01", "2026-06-30", false);
    put_offer("o-ov-fra", FRA, "eod", RWA, "2026-05-01", "2026-12-31", false);
    /* Controls: periods that do not meet; one provider twice; an offer to anyone. */
    put_offer("o-seq-gbr", GBR, "convoy_security", RWA, "2026-01-01", "2026-03-31", false);
    put_offer("o-seq-deu", DEU, "convoy_security", RWA, "2026-04-01", "2026-06-30", false);
    put_offer("o-same-1", DEU, "aviation_safety", RWA, "2026-01-01", "2026-06-30", false);
    put_offer("o-same-2", DEU, "aviation_safety", RWA, "2026-03-01", "2026-09-30", false);
    put_offer("o-any", FRA, "aviation_safety", -1, "2026-01-01", "2026-06-30", false);
    /* Hidden from BRA: GBR's AMBER offer overlapping FRA's, both to RWA. */
    put_offer("o-hov-gbr", GBR, "field_medical", RWA, "2026-01-01", "2026-06-30", true);
    put_offer("o-hov-fra", FRA, "field_medical", RWA, "2026-02-01", "2026-03-31", false);
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

/* The items of `kind` as "key: a,b,c" lines: the need's id and its providers
 * (code/via/quantity), or the contributor, capability and offer ids. */
static char *summary(const struct principal *who)
{
    json_t *out = NULL;
    struct bh_error err;
    must(capacity_duplicates(db, who, &out, &err), &err, "capacity_duplicates");
    assert_string_equal(json_string_value(json_object_get(out, "as_of")), "2026-11-30T00:53:20Z");
    struct buf b = BUF_INIT;
    json_t *item, *x;
    size_t i, j;
    json_array_foreach(json_object_get(out, "items"), i, item)
    {
        const char *kind = json_string_value(json_object_get(item, "kind"));
        if (strcmp(kind, "same_need") == 0) {
            json_t *need = json_object_get(item, "need");
            buf_printf(&b, "same_need %s (%s, %lld of %lld%s):",
                       json_string_value(json_object_get(need, "id")),
                       json_string_value(json_object_get(json_object_get(need, "org"), "code")),
                       (long long)json_integer_value(json_object_get(item, "total")),
                       (long long)json_integer_value(json_object_get(need, "quantity")),
                       json_is_true(json_object_get(item, "over")) ? ", over" : "");
            json_array_foreach(json_object_get(item, "providers"), j, x)
                buf_printf(&b, " %s/%s/%lld", json_string_value(json_object_get(x, "code")),
                           json_string_value(json_object_get(x, "via")),
                           (long long)json_integer_value(json_object_get(x, "quantity")));
        } else {
            assert_string_equal(kind, "overlapping_offers");
            buf_printf(
                &b, "overlapping %s %s:",
                json_string_value(json_object_get(json_object_get(item, "contributor"), "code")),
                json_string_value(json_object_get(item, "capability")));
            json_array_foreach(json_object_get(item, "offers"), j, x)
                buf_printf(&b, " %s(%s)", json_string_value(json_object_get(x, "id")),
                           json_string_value(json_object_get(json_object_get(x, "org"), "code")));
        }
        buf_putc(&b, '\n');
    }
    json_decref(out);
    return buf_steal(&b);
}

static void flags_both_kinds_not_controls(void **state)
{
    (void)state;
    char *s = summary(&rwa_fp);
    assert_string_equal(s, "same_need n-dup (RWA, 24 of 20, over): DEU/match/8 FRA/match/6 "
                           "GBR/training/10\n"
                           "same_need n-hid (RWA, 8 of 20): DEU/match/4 FRA/match/4\n"
                           "overlapping RWA eod: o-ov-deu(DEU) o-ov-fra(FRA)\n"
                           "overlapping RWA field_medical: o-hov-gbr(GBR) o-hov-fra(FRA)\n");
    free(s);
}

static void hidden_records_build_no_item(void **state)
{
    (void)state;
    char *s = summary(&bra_fp);
    assert_string_equal(s, "same_need n-dup (RWA, 24 of 20, over): DEU/match/8 FRA/match/6 "
                           "GBR/training/10\n"
                           "overlapping RWA eod: o-ov-deu(DEU) o-ov-fra(FRA)\n");
    free(s);
}

static void closed_offer_is_not_duplicated(void **state)
{
    (void)state;
    test_exec(db, "UPDATE capacity_offer SET status = 'withdrawn' WHERE id = 'o-ov-fra'");
    char *s = summary(&bra_fp);
    assert_null(strstr(s, "overlapping"));
    free(s);
    test_exec(db, "UPDATE capacity_offer SET status = 'open' WHERE id = 'o-ov-fra'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-duplicates-flags-both-kinds", flags_both_kinds_not_controls),
        BH_TEST("unit/capacity-duplicates-hidden-records", hidden_records_build_no_item),
        BH_TEST("unit/capacity-duplicates-closed-offer", closed_offer_is_not_duplicated),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
