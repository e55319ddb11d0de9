/* Training records (src/capacity/training.c): every bad member of a course or a delivery
 * named and nothing written, who may write (the course's organization with capacity.train,
 * an admin; not another organization, not an analyst), who sees a course, a served need shown
 * only as seats to a reader who may not see it, participants and needs replaced whole, and
 * "completed" only on a completed delivery. Needs and offers are written with SQL: this file
 * tests training alone. */
#include "support.h"

#include "capacity/capacity.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DPO, RWA, BRA, FRA, NORGS };
static const char *const codes[NORGS] = { "DPO", "RWA", "BRA", "FRA" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal admin, fra_fp, bra_fp, rwa_fp, fra_analyst;

#define COUNT_WRITES                                                                       \
    "SELECT (SELECT count(*) FROM training_course) * 1000000 + (SELECT count(*) FROM "     \
    "training_delivery) * 10000 + (SELECT count(*) FROM training_participant) * 100 + "    \
    "(SELECT count(*) FROM training_need) + (SELECT count(*) FROM audit_log WHERE action " \
    "LIKE 'training.%') * 100000000"

static void need(const char *id, const char *org, const char *tlp, const char *status)
{
    char sql[1200];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_need (id, owner_org_id, tlp, status, mission, category, "
             "capability, quantity, unit, priority, starts_on, ends_on, title, created_at, "
             "updated_at) VALUES ('%s', (SELECT id FROM org WHERE code = '%s'), '%s', '%s', "
             "'MINUSCA', 'training', 'counter_ied_search', 20, 'seats', 'high', '2026-04-01', "
             "'2026-06-30', 'Need %s', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
             id, org, tlp, status, id);
    test_exec(db, sql);
}

static void offer(const char *id, const char *org)
{
    char sql[1000];
    snprintf(sql, sizeof sql,
             "INSERT INTO capacity_offer (id, owner_org_id, tlp, category, capability, capacity, "
             "unit, starts_on, ends_on, title, created_at, updated_at) VALUES ('%s', (SELECT id "
             "FROM org WHERE code = '%s'), 'GREEN', 'training', 'counter_ied_search', 30, "
             "'seats', '2026-01-01', '2026-12-31', 'Offer %s', '2025-12-01T00:00:00Z', "
             "'2025-12-01T00:00:00Z')",
             id, org, id);
    test_exec(db, sql);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("unit_capacity_training", NULL, codes, NORGS, DPO, org_ids);
    test_principal(&admin, 1, org_ids[DPO], "DPO", ROLE_ADMIN, "dpo.admin");
    test_principal(&fra_fp, 2, org_ids[FRA], "FRA", ROLE_FOCAL_POINT, "fra.fp");
    test_principal(&bra_fp, 3, org_ids[BRA], "BRA", ROLE_FOCAL_POINT, "bra.fp");
    test_principal(&rwa_fp, 4, org_ids[RWA], "RWA", ROLE_FOCAL_POINT, "rwa.fp");
    test_principal(&fra_analyst, 5, org_ids[FRA], "FRA", ROLE_ANALYST, "fra.analyst");
    need("n-rwa-green", "RWA", "GREEN", "open");
    need("n-fra-amber", "FRA", "AMBER", "open"); /* FRA's own: RWA may not read it */
    need("n-bra-amber", "BRA", "AMBER", "open"); /* FRA may not read it */
    need("n-closed", "RWA", "GREEN", "closed");
    offer("o-fra", "FRA");
    offer("o-bra", "BRA");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *create_course(const struct principal *who, const char *body)
{
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(capacity_course_create(db, who, b, &out, &err), &err, "capacity_course_create");
    json_decref(b);
    return out;
}

#define COURSE "\"capability\":\"counter_ied_search\",\"title\":\"C-IED search, Bouar\""

/* Fails unless creating `body` as `who` fails with `code` naming `field`, writing nothing. */
static void refused_course(const struct principal *who, const char *body, int code,
                           const char *field)
{
    int64_t before = test_query_int(db, COUNT_WRITES);
    struct bh_error err = { 0 };
    json_t *b = test_json(body), *out = NULL;
    int rc = capacity_course_create(db, who, b, &out, &err);
    json_decref(b);
    if (rc != code || strcmp(err.field, field ? field : "") != 0)
        fail_msg("%s: got %d naming '%s' (%s), want %d naming '%s'", body, rc, err.field,
                 err.message, code, field ? field : "");
    assert_null(out);
    assert_int_equal(test_query_int(db, COUNT_WRITES), before);
}

/* The same for a delivery added to `course_id`. */
static void refused_delivery(const struct principal *who, const char *course_id, const char *body,
                             int code, const char *field)
{
    int64_t before = test_query_int(db, COUNT_WRITES);
    struct bh_error err = { 0 };
    json_t *b = test_json(body), *out = NULL;
    int rc = capacity_delivery_add(db, who, course_id, b, &out, &err);
    json_decref(b);
    if (rc != code || strcmp(err.field, field ? field : "") != 0)
        fail_msg("%s: got %d naming '%s' (%s), want %d naming '%s'", body, rc, err.field,
                 err.message, code, field ? field : "");
    assert_null(out);
    assert_int_equal(test_query_int(db, COUNT_WRITES), before);
}

/* unit/capacity-training-course-invalid: each bad member of a course named. */
static void unit_capacity_training_course_invalid(void **state)
{
    (void)state;
    refused_course(&fra_fp, "{\"title\":\"No capability\"}", BH_EINVALID, "capability");
    refused_course(&fra_fp, "{\"capability\":\"juggling\",\"title\":\"x\"}", BH_EINVALID,
                   "capability");
    refused_course(&fra_fp, "{\"category\":\"cooking\"," COURSE "}", BH_EINVALID, "category");
    refused_course(&fra_fp, "{\"category\":\"equipment\"," COURSE "}", BH_EINVALID, "capability");
    refused_course(&fra_fp, "{\"capability\":\"counter_ied_search\"}", BH_EINVALID, "title");
    refused_course(&fra_fp, "{" COURSE ",\"languages\":[\"fr\",\"xx\"]}", BH_EINVALID,
                   "languages[1]");
    refused_course(&fra_fp, "{" COURSE ",\"offer\":\"o-bra\"}", BH_EINVALID, "offer");
    refused_course(&fra_fp, "{" COURSE ",\"offer\":\"no-such-offer\"}", BH_EINVALID, "offer");
    refused_course(&fra_fp, "{" COURSE ",\"tlp\":\"TLP:RED\"}", BH_EINVALID, "tlp");
    refused_course(&fra_fp, "{" COURSE ",\"colour\":\"blue\"}", BH_EINVALID, "colour");
    refused_course(&fra_fp, "{" COURSE ",\"org\":\"ZZZ\"}", BH_EINVALID, "org");
    refused_course(&fra_fp, "{" COURSE ",\"org\":\"BRA\"}", BH_EDENIED, "org");
    refused_course(&fra_analyst, "{" COURSE "}", BH_EDENIED, NULL);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM training_course"), 0);
}

/* unit/capacity-training-course: created, read back, changed with If-Match, listed. */
static void unit_capacity_training_course(void **state)
{
    (void)state;
    json_t *c = create_course(&fra_fp, "{" COURSE ",\"languages\":[\"fr\",\"sw\"],\"offer\":"
                                       "\"o-fra\",\"description\":\"Five days.\"}");
    assert_string_equal(str(json_object_get(c, "org"), "code"), "FRA");
    assert_string_equal(str(c, "category"), "training");
    assert_string_equal(str(c, "offer"), "o-fra");
    assert_string_equal(str(c, "tlp"), "TLP:GREEN");
    assert_int_equal(json_array_size(json_object_get(c, "languages")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "languages"), 1)),
                        "sw");
    assert_int_equal(json_integer_value(json_object_get(c, "version")), 1);
    assert_true(json_is_true(json_object_get(json_object_get(c, "can"), "edit")));
    assert_int_equal(json_array_size(json_object_get(c, "deliveries")), 0);
    char id[40];
    snprintf(id, sizeof id, "%s", str(c, "id"));
    json_decref(c);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'training.create'"),
                     1);

    struct bh_error err = { 0 };
    json_t *b = test_json("{\"title\":\"C-IED search, Bouar (2nd)\",\"offer\":null}"), *out = NULL;
    assert_int_equal(capacity_course_update(db, &fra_fp, id, b, 7, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "If-Match");
    must(capacity_course_update(db, &fra_fp, id, b, 1, &out, &err), &err, "course_update");
    assert_string_equal(str(out, "title"), "C-IED search, Bouar (2nd)");
    assert_true(json_is_null(json_object_get(out, "offer")));
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    json_decref(out);
    /* Another organization's course: BRA may read it, not change it. */
    assert_int_equal(capacity_course_update(db, &bra_fp, id, b, 0, &out, &err), BH_EDENIED);
    /* An analyst of FRA holds no capacity.train. */
    assert_int_equal(capacity_course_update(db, &fra_analyst, id, b, 0, &out, &err), BH_EDENIED);
    json_decref(b);
    must(capacity_course_get(db, &bra_fp, id, &out, &err), &err, "course_get");
    assert_true(json_is_false(json_object_get(json_object_get(out, "can"), "edit")));
    json_decref(out);
    /* An admin changes any course. */
    b = test_json("{\"description\":\"Six days.\"}");
    must(capacity_course_update(db, &admin, id, b, 0, &out, &err), &err, "admin update");
    assert_string_equal(str(out, "description"), "Six days.");
    json_decref(out);
    json_decref(b);

    struct capacity_filter f = { .org = "FRA" };
    must(capacity_course_list(db, &rwa_fp, &f, &out, &err), &err, "course_list");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_string_equal(str(json_array_get(json_object_get(out, "items"), 0), "id"), id);
    json_decref(out);
    f.org = "BRA";
    must(capacity_course_list(db, &rwa_fp, &f, &out, &err), &err, "course_list BRA");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    f.org = NULL;
    f.limit = 501;
    assert_int_equal(capacity_course_list(db, &rwa_fp, &f, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "limit");
}

/* unit/capacity-training-visibility: an AMBER course without a group is its organization's
 * alone; the others get "not found", in lists too. */
static void unit_capacity_training_visibility(void **state)
{
    (void)state;
    test_exec(db, "INSERT INTO training_course (id, owner_org_id, tlp, category, capability, "
                  "title, created_at, updated_at) VALUES ('course-bra-amber', (SELECT id FROM "
                  "org WHERE code = 'BRA'), 'AMBER', 'training', 'eod', 'EOD level 2', "
                  "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    json_t *out = NULL;
    struct bh_error err = { 0 };
    assert_int_equal(capacity_course_get(db, &rwa_fp, "course-bra-amber", &out, &err),
                     BH_ENOTFOUND);
    assert_null(out);
    must(capacity_course_get(db, &bra_fp, "course-bra-amber", &out, &err), &err, "owner reads");
    json_decref(out);
    must(capacity_course_get(db, &admin, "course-bra-amber", &out, &err), &err, "admin reads");
    json_decref(out);
    struct capacity_filter f = { .capability = "eod" };
    must(capacity_course_list(db, &rwa_fp, &f, &out, &err), &err, "list");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    must(capacity_course_list(db, &bra_fp, &f, &out, &err), &err, "list");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    /* A delivery of a course one cannot see cannot be added either: not found. */
    json_t *b = test_json("{\"starts_on\":\"2026-05-01\",\"ends_on\":\"2026-05-05\"}");
    assert_int_equal(capacity_delivery_add(db, &rwa_fp, "course-bra-amber", b, &out, &err),
                     BH_ENOTFOUND);
    json_decref(b);
}

static char course_id[40];

static void make_course(void)
{
    if (course_id[0])
        return;
    json_t *c = create_course(&fra_fp, "{\"capability\":\"first_responder_casevac\",\"title\":"
                                       "\"CASEVAC first responders\"}");
    snprintf(course_id, sizeof course_id, "%s", str(c, "id"));
    json_decref(c);
}

#define DATES "\"starts_on\":\"2026-05-01\",\"ends_on\":\"2026-05-05\""

/* unit/capacity-training-delivery-invalid: each bad member of a delivery named. */
static void unit_capacity_training_delivery_invalid(void **state)
{
    (void)state;
    make_course();
    refused_delivery(&fra_fp, course_id, "{\"starts_on\":\"2026-05-01\"}", BH_EINVALID, "ends_on");
    refused_delivery(&fra_fp, course_id,
                     "{\"starts_on\":\"2026-05-05\",\"ends_on\":\"2026-05-01\"}", BH_EINVALID,
                     "ends_on");
    refused_delivery(&fra_fp, course_id,
                     "{\"starts_on\":\"2026-02-30\",\"ends_on\":\"2026-05-01\"}", BH_EINVALID,
                     "starts_on");
    refused_delivery(&fra_fp, course_id, "{" DATES ",\"status\":\"held\"}", BH_EINVALID, "status");
    refused_delivery(&fra_fp, course_id, "{" DATES ",\"mission\":\"NOPE\"}", BH_EINVALID,
                     "mission");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"participants\":[{\"org\":\"RWA\",\"enrolled\":5},{\"org\":"
                     "\"BRA\",\"enrolled\":5},{\"org\":\"XXX\",\"enrolled\":5}]}",
                     BH_EINVALID, "participants[2].org");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"participants\":[{\"org\":\"RWA\",\"enrolled\":0}]}", BH_EINVALID,
                     "participants[0].enrolled");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"status\":\"completed\",\"participants\":[{\"org\":\"RWA\","
                     "\"enrolled\":5,\"completed\":6}]}",
                     BH_EINVALID, "participants[0].completed");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"participants\":[{\"org\":\"RWA\",\"enrolled\":5,"
                     "\"completed\":3}]}",
                     BH_EINVALID, "participants[0].completed");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"participants\":[{\"org\":\"RWA\",\"enrolled\":5},{\"org\":"
                     "\"RWA\",\"enrolled\":2}]}",
                     BH_EINVALID, "participants[1].org");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"participants\":[{\"org\":\"RWA\",\"enrolled\":5,\"x\":1}]}",
                     BH_EINVALID, "participants[0].x");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"needs\":[{\"id\":\"n-rwa-green\",\"seats\":2},{\"id\":"
                     "\"n-bra-amber\",\"seats\":2}]}",
                     BH_EINVALID, "needs[1].id");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"needs\":[{\"id\":\"n-closed\",\"seats\":2}]}", BH_EINVALID,
                     "needs[0].id");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"needs\":[{\"id\":\"n-rwa-green\",\"seats\":0}]}", BH_EINVALID,
                     "needs[0].seats");
    refused_delivery(&fra_fp, course_id,
                     "{" DATES ",\"needs\":[{\"id\":\"n-rwa-green\",\"seats\":1},{\"id\":"
                     "\"n-rwa-green\",\"seats\":1}]}",
                     BH_EINVALID, "needs[1].id");
    /* More than CAPACITY_PARTICIPANTS_MAX organizations. */
    struct buf big = BUF_INIT;
    buf_puts(&big, "{" DATES ",\"participants\":[");
    for (int i = 0; i <= CAPACITY_PARTICIPANTS_MAX; i++)
        buf_printf(&big, "%s{\"org\":\"RWA\",\"enrolled\":1}", i ? "," : "");
    buf_puts(&big, "]}");
    refused_delivery(&fra_fp, course_id, buf_str(&big), BH_EINVALID, "participants");
    buf_cleanup(&big);
    /* Not the course's organization; no capacity.train. */
    refused_delivery(&bra_fp, course_id, "{" DATES "}", BH_EDENIED, NULL);
    refused_delivery(&fra_analyst, course_id, "{" DATES "}", BH_EDENIED, NULL);
}

static const json_t *first_delivery(const json_t *course)
{
    return json_array_get(json_object_get(course, "deliveries"), 0);
}

/* unit/capacity-training-delivery: added, read by a reader who may not see a served need,
 * participants and needs replaced whole, completed counted once the delivery is. */
static void unit_capacity_training_delivery(void **state)
{
    (void)state;
    make_course();
    struct bh_error err = { 0 };
    json_t *b = test_json("{" DATES ",\"location\":\"Bouar\",\"mission\":\"MINUSCA\","
                          "\"participants\":[{\"org\":\"RWA\",\"enrolled\":12},{\"org\":\"BRA\","
                          "\"enrolled\":8}],\"needs\":[{\"id\":\"n-rwa-green\",\"seats\":12},"
                          "{\"id\":\"n-fra-amber\",\"seats\":4}]}"),
           *out = NULL;
    must(capacity_delivery_add(db, &fra_fp, course_id, b, &out, &err), &err, "delivery_add");
    json_decref(b);
    const json_t *d = first_delivery(out);
    assert_string_equal(str(d, "status"), "planned");
    assert_string_equal(str(d, "mission"), "MINUSCA");
    assert_int_equal(json_integer_value(json_object_get(d, "enrolled")), 20);
    assert_int_equal(json_integer_value(json_object_get(d, "completed")), 0);
    assert_int_equal(json_array_size(json_object_get(d, "participants")), 2);
    /* FRA sees both needs it linked. */
    const json_t *needs = json_object_get(d, "needs");
    assert_int_equal(json_array_size(needs), 2);
    assert_string_equal(str(json_array_get(needs, 1), "id"), "n-fra-amber");
    assert_string_equal(str(json_array_get(needs, 1), "org"), "FRA");
    char delivery[40];
    snprintf(delivery, sizeof delivery, "%s", str(d, "id"));
    json_decref(out);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'training.deliver'"),
                     1);

    /* RWA may not read FRA's AMBER need: it shows as seats only. */
    must(capacity_course_get(db, &rwa_fp, course_id, &out, &err), &err, "rwa reads");
    needs = json_object_get(first_delivery(out), "needs");
    assert_string_equal(str(json_array_get(needs, 0), "id"), "n-rwa-green");
    const json_t *hidden = json_array_get(needs, 1);
    assert_true(json_is_true(json_object_get(hidden, "hidden")));
    assert_int_equal(json_integer_value(json_object_get(hidden, "seats")), 4);
    assert_null(json_object_get(hidden, "id"));
    assert_null(json_object_get(hidden, "title"));
    assert_int_equal(json_object_size(hidden), 2);
    json_decref(out);

    /* Completed on a planned delivery: refused; with the status in the same change: taken.
     * The participants given replace the stored ones whole (BRA is gone). */
    b = test_json("{\"participants\":[{\"org\":\"RWA\",\"enrolled\":12,\"completed\":11}]}");
    assert_int_equal(capacity_delivery_update(db, &fra_fp, delivery, b, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "participants[0].completed");
    json_decref(b);
    b = test_json("{\"status\":\"completed\",\"participants\":[{\"org\":\"RWA\",\"enrolled\":12,"
                  "\"completed\":11}]}");
    must(capacity_delivery_update(db, &fra_fp, delivery, b, &out, &err), &err, "complete");
    json_decref(b);
    d = first_delivery(out);
    assert_string_equal(str(d, "status"), "completed");
    assert_int_equal(json_array_size(json_object_get(d, "participants")), 1);
    assert_string_equal(
        str(json_object_get(json_array_get(json_object_get(d, "participants"), 0), "org"), "code"),
        "RWA");
    assert_int_equal(json_integer_value(json_object_get(d, "enrolled")), 12);
    assert_int_equal(json_integer_value(json_object_get(d, "completed")), 11);
    /* Needs not given stay as they were. */
    assert_int_equal(json_array_size(json_object_get(d, "needs")), 2);
    json_decref(out);
    /* Back to planned while people are counted as completed: refused naming status. */
    b = test_json("{\"status\":\"planned\"}");
    assert_int_equal(capacity_delivery_update(db, &fra_fp, delivery, b, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "status");
    json_decref(b);
    /* Needs replaced whole, by an empty list. */
    b = test_json("{\"needs\":[]}");
    must(capacity_delivery_update(db, &fra_fp, delivery, b, &out, &err), &err, "needs emptied");
    assert_int_equal(json_array_size(json_object_get(first_delivery(out), "needs")), 0);
    json_decref(out);
    json_decref(b);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM training_need"), 0);
    /* Another organization may not change it; a hidden or unknown id is not found. */
    b = test_json("{\"location\":\"Bangui\"}");
    assert_int_equal(capacity_delivery_update(db, &bra_fp, delivery, b, &out, &err), BH_EDENIED);
    assert_int_equal(capacity_delivery_update(db, &fra_fp, "no-such", b, &out, &err), BH_ENOTFOUND);
    assert_string_equal(err.field, "id");
    json_decref(b);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'training.deliver'"),
                     3);
    /* The mission filter of the list finds the course by its delivery. */
    struct capacity_filter f = { .mission = "MINUSCA" };
    must(capacity_course_list(db, &rwa_fp, &f, &out, &err), &err, "list by mission");
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-training-course-invalid", unit_capacity_training_course_invalid),
        BH_TEST("unit/capacity-training-course", unit_capacity_training_course),
        BH_TEST("unit/capacity-training-visibility", unit_capacity_training_visibility),
        BH_TEST("unit/capacity-training-delivery-invalid", unit_capacity_training_delivery_invalid),
        BH_TEST("unit/capacity-training-delivery", unit_capacity_training_delivery),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
