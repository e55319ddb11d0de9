/* CASEVAC timelines over HTTP on the real server: the PUT/GET round trip (times in UTC, the
 * 10-1-2 compliance, by UUID and by casualty_id, audited with the old and new times, a
 * repeated PUT adding nothing), who may read and write (404 for a record the caller may not
 * see, exactly as for none; 403 for a visible record of another organization; 403 for a role
 * without record.write; 401 for nobody), every bad input named and leaving the timeline and
 * the audit log as they were, and the summary per mission and month. Casualty records are
 * made through the casualty API. */
#include "api_helpers.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Gao supply route 2017"

static struct test_server server;
/* The register's signed-in users (world.h). */
static struct test_register_cast *const cast = &test_register;

static const struct test_world world = { .name = "api_casevac",
                                         .password = PASSWORD,
                                         .base = &test_register_world };

/* A new GREEN casualty record of `u` in `mission` on `date`; its id and casualty_id go to
 * `id` and `ref`. */
static void casualty(const struct test_session *u, const char *mission, const char *date,
                     char id[40], char ref[32])
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"incident_date\":\"%s\",\"mission\":\"%s\",\"casualty_type\":\"Injury\","
             "\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":\"Military\","
             "\"incident_type\":\"Malicious Act\",\"tlp\":\"TLP:GREEN\"}",
             date, mission);
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/casualties", body, &r);
    if (r.status != 201)
        fail_msg("create casualty: expected 201, got %d: %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, 40, "%s", json_string_value(json_object_get(j, "id")));
    if (ref)
        snprintf(ref, 32, "%s", json_string_value(json_object_get(j, "casualty_id")));
    json_decref(j);
    test_response_free(&r);
}

static const char *casevac_path(const char *id)
{
    static char p[160];
    snprintf(p, sizeof p, "/api/v1/casualties/%s/casevac", id);
    return p;
}

/* Entries of the audit log with action casevac.update (for `id` when not NULL). */
static long long audits(const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/audit?action=casevac.update%s%s", id ? "&record_id=" : "",
             id ? id : "");
    json_t *j = test_get_json(server.port, cast->admin.headers, path, 200);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* `text` with its first `from` replaced by `to`, into `out`; fails when `from` is not in it. */
static void replace(char *out, size_t cap, const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("%s is not in %s", from, text);
    snprintf(out, cap, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* The timeline a member enters (times with an offset: the mission's local time, UTC+3). */
#define TIMELINE                                                                                   \
    "{\"injury_at\":\"2024-03-10T09:00:00+03:00\",\"first_aid_at\":\"2024-03-10T09:10:00+03:00\"," \
    "\"advanced_care_at\":\"2024-03-10T06:52:30Z\",\"surgery_at\":\"2024-03-10T08:00:00Z\","       \
    "\"evac_requested_at\":\"2024-03-10T06:05:00Z\",\"evac_launched_at\":"                         \
    "\"2024-03-10T06:21:10Z\",\"evac_arrived_at\":\"2024-03-10T06:45:00Z\",\"notes\":"             \
    "\"tourniquet, CAT A, MEDEVAC by UN helicopter\"}"

/* api/casevac-roundtrip: a casualty without a timeline reads as all null; PUT stores the
 * timeline in UTC and replies with its compliance; GET by id and by casualty_id gives the same;
 * one audit entry with the old (none) and new times; the same PUT again adds no entry; a PUT
 * that clears a time is audited with both sides. */
static void api_casevac_roundtrip(void **state)
{
    (void)state;
    char id[40], ref[32];
    casualty(&cast->fra_rep, "UNMISS", "2024-03-10", id, ref);
    json_t *empty = test_get_json(server.port, cast->fra_fp.headers, casevac_path(id), 200);
    assert_string_equal(json_string_value(json_object_get(empty, "casualty_id")), id);
    assert_string_equal(json_string_value(json_object_get(empty, "casualty_ref")), ref);
    assert_string_equal(json_string_value(json_object_get(empty, "mission")), "UNMISS");
    assert_true(json_is_null(json_object_get(json_object_get(empty, "times"), "injury_at")));
    assert_true(json_is_null(json_object_get(empty, "updated_at")));
    assert_true(json_is_null(json_object_get(
        json_object_get(json_object_get(empty, "compliance"), "first_aid"), "met")));
    json_decref(empty);
    assert_int_equal(audits(id), 0);

    struct test_response r;
    test_world_call(&cast->fra_rep, "PUT", casevac_path(id), TIMELINE, &r);
    assert_int_equal(r.status, 200);
    json_t *put = body_json(&r);
    test_response_free(&r);
    json_t *times = json_object_get(put, "times");
    assert_string_equal(json_string_value(json_object_get(times, "injury_at")),
                        "2024-03-10T06:00:00Z");
    assert_string_equal(json_string_value(json_object_get(times, "first_aid_at")),
                        "2024-03-10T06:10:00Z");
    assert_string_equal(json_string_value(json_object_get(put, "updated_by")), "fra.rep");
    assert_non_null(json_string_value(json_object_get(put, "updated_at")));
    /* First aid at 10:00 exactly: met. Advanced care at 52:30 -> 53 minutes, met. Surgery at
     * 2:00:00 -> 120, met. Evacuation 16:10 -> 17 and 23:50 -> 24 minutes. */
    char *c = json_dumps(json_object_get(put, "compliance"), JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(c, "{\"advanced_care\":{\"met\":true,\"minutes\":53,\"seconds\":3150.0,"
                           "\"target\":60},\"all_met\":true,\"first_aid\":{\"met\":true,"
                           "\"minutes\":10,\"seconds\":600.0,\"target\":10},\"surgery\":{\"met\":"
                           "true,\"minutes\":120,\"seconds\":7200.0,\"target\":120}}");
    free(c);
    c = json_dumps(json_object_get(put, "evacuation"), JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(c, "{\"launch_to_arrival_minutes\":24,\"request_to_launch_minutes\":17}");
    free(c);

    json_t *got = test_get_json(server.port, cast->fra_analyst.headers, casevac_path(id), 200);
    assert_true(json_equal(got, put));
    json_decref(got);
    got = test_get_json(server.port, cast->unmiss_rep.headers, casevac_path(ref), 200);
    assert_true(json_equal(got, put));
    json_decref(got);
    assert_int_equal(audits(id), 1);

    /* A retried PUT: 200, the same timeline, no second entry. */
    test_world_call(&cast->fra_rep, "PUT", casevac_path(ref), TIMELINE, &r);
    assert_int_equal(r.status, 200);
    got = body_json(&r);
    assert_true(json_equal(got, put));
    json_decref(got);
    test_response_free(&r);
    assert_int_equal(audits(id), 1);

    /* Surgery turns out not to have happened yet: null clears it; 10:00.001 for first aid is
     * a minute begun too late. */
    char body[1024];
    replace(body, sizeof body, TIMELINE, "\"2024-03-10T08:00:00Z\"", "null");
    char body2[1024];
    replace(body2, sizeof body2, body, "09:10:00+03:00", "09:10:00.001+03:00");
    snprintf(body, sizeof body, "%s", body2);
    test_world_call(&cast->fra_fp, "PUT", casevac_path(id), body, &r);
    assert_int_equal(r.status, 200);
    got = body_json(&r);
    test_response_free(&r);
    json_t *comp = json_object_get(got, "compliance");
    assert_true(json_is_null(json_object_get(json_object_get(got, "times"), "surgery_at")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(got, "times"), "first_aid_at")),
        "2024-03-10T06:10:00.001Z");
    json_t *fa = json_object_get(comp, "first_aid");
    assert_int_equal(json_integer_value(json_object_get(fa, "minutes")), 11);
    assert_true(json_is_false(json_object_get(fa, "met")));
    assert_true(json_is_null(json_object_get(json_object_get(comp, "surgery"), "met")));
    assert_true(json_is_false(json_object_get(comp, "all_met")));
    assert_string_equal(json_string_value(json_object_get(got, "updated_by")), "fra.fp");
    json_decref(got);
    json_decref(put);

    char path[256];
    snprintf(path, sizeof path, "/api/v1/audit?action=casevac.update&record_id=%s", id);
    json_t *log = test_get_json(server.port, cast->admin.headers, path, 200);
    json_t *items = json_object_get(log, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_object_get(json_array_get(items, 0), "summary");
    json_t *second = json_object_get(json_array_get(items, 1), "summary");
    assert_true(json_is_null(json_object_get(first, "old")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(first, "new"), "surgery_at")),
        "2024-03-10T08:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(second, "old"), "surgery_at")),
        "2024-03-10T08:00:00Z");
    assert_true(json_is_null(json_object_get(json_object_get(second, "new"), "surgery_at")));
    assert_string_equal(json_string_value(json_object_get(second, "casualty_ref")), ref);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "user")),
                        "fra.fp");
    json_decref(log);
}

/* api/casevac-who: an embargoed record of FRA is, for BRA, no record at all (404 on GET and
 * PUT, the same reply as for an id that exists nowhere); the mission's organization sees it
 * and may not write it (403); once released BRA sees it and may not write it (403); an
 * analyst (no record.write) 403; nobody signed in 401; the admin writes. */
static void api_casevac_who(void **state)
{
    (void)state;
    char id[40], ref[32];
    casualty(&cast->fra_fp, "UNMISS", "2024-03-10", id, ref);
    const char *path = casevac_path(id);
    struct test_response r, none;
    test_world_call(&cast->bra_fp, "GET", path, NULL, &r);
    test_world_call(&cast->bra_fp, "GET", casevac_path("0190aaaa-0000-7000-8000-000000000000"),
                    NULL, &none);
    assert_problem(&r, 404, "id");
    assert_problem(&none, 404, "id");
    test_response_free(&r);
    test_response_free(&none);
    test_world_call(&cast->bra_fp, "PUT", path, TIMELINE, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);
    test_world_call(&cast->bra_fp, "PUT", casevac_path(ref), TIMELINE, &r);
    assert_problem(&r, 404, "id");
    test_response_free(&r);

    assert_int_equal(test_world_status(&cast->unmiss_rep, "GET", path, NULL), 200);
    test_world_call(&cast->unmiss_rep, "PUT", path, TIMELINE, &r);
    assert_problem(&r, 403, "id");
    test_response_free(&r);
    test_world_call(&cast->fra_analyst, "PUT", path, TIMELINE, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    assert_int_equal(test_world_status(NULL, "GET", path, NULL), 401);
    assert_int_equal(test_world_status(NULL, "PUT", path, TIMELINE), 401);
    assert_int_equal(audits(id), 0);

    char release[160];
    snprintf(release, sizeof release, "/api/v1/casualties/%s/release", id);
    assert_int_equal(test_world_status(&cast->fra_fp, "POST", release, NULL), 200);
    assert_int_equal(test_world_status(&cast->bra_fp, "GET", path, NULL), 200);
    test_world_call(&cast->bra_fp, "PUT", path, TIMELINE, &r);
    assert_problem(&r, 403, "id");
    test_response_free(&r);
    assert_int_equal(audits(id), 0);

    test_world_call(&cast->admin, "PUT", path, TIMELINE, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    assert_int_equal(audits(id), 1);
}

/* api/casevac-bad-input: each bad body is 400 naming its field, and the stored timeline and
 * the audit log stay exactly as they were. */
static void api_casevac_bad_input(void **state)
{
    (void)state;
    char id[40];
    casualty(&cast->fra_fp, "UNMISS", "2024-03-10", id, NULL);
    const char *path = casevac_path(id);
    struct test_response r;
    test_world_call(&cast->fra_fp, "PUT", path, TIMELINE, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    json_t *before = test_get_json(server.port, cast->fra_fp.headers, path, 200);
    long long entries = audits(NULL);

    /* A long note: 2,001 characters. */
    static char long_notes[4096];
    int n = snprintf(long_notes, sizeof long_notes, "%.*s\"notes\":\"",
                     (int)(strstr(TIMELINE, "\"notes\"") - TIMELINE), TIMELINE);
    memset(long_notes + n, 'n', 2001);
    snprintf(long_notes + n + 2001, sizeof long_notes - (size_t)n - 2001, "\"}");

    /* Each case replaces one value of TIMELINE (`from` -> `to`). */
    static const struct {
        const char *from, *to, *field;
    } cases[] = {
        { "\"2024-03-10T09:00:00+03:00\"", "\"10/03/2024 09:00\"", "injury_at" },
        { "\"2024-03-10T09:00:00+03:00\"", "\"2024-03-10T09:00:00\"", "injury_at" },
        { "\"2024-03-10T09:10:00+03:00\"", "600", "first_aid_at" },
        { "\"2024-03-10T08:00:00Z\"", "\"2099-01-01T00:00:00Z\"", "surgery_at" },
        { "\"2024-03-10T09:00:00+03:00\"", "\"2024-03-08T23:59:00Z\"", "injury_at" },
        { "\"2024-03-10T09:10:00+03:00\"", "\"2024-03-10T05:59:00Z\"", "first_aid_at" },
        { "\"2024-03-10T06:52:30Z\"", "\"2024-03-10T05:00:00Z\"", "advanced_care_at" },
        { "\"2024-03-10T06:21:10Z\"", "\"2024-03-10T06:04:59Z\"", "evac_launched_at" },
        { "\"2024-03-10T06:45:00Z\"", "\"2024-03-10T06:21:09Z\"", "evac_arrived_at" },
        { "\"2024-03-10T06:05:00Z\"", "\"2024-03-10T05:05:00Z\"", "evac_requested_at" },
        { "\"2024-03-10T06:45:00Z\"", "\"2024-03-10T06:45:00.0001Z\"", "evac_arrived_at" },
        { "\"advanced_care_at\"", "\"advanced_care\"", "advanced_care" },
        { "\"tourniquet, CAT A, MEDEVAC by UN helicopter\"", "[\"tourniquet\"]", "notes" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[1024];
        replace(body, sizeof body, TIMELINE, cases[i].from, cases[i].to);
        test_world_call(&cast->fra_fp, "PUT", path, body, &r);
        if (r.status != 400)
            fail_msg("case %zu (%s): expected 400, got %d: %s", i, body, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    /* A time left out, a body that is not an object, one that is not JSON, the notes' cap. */
    static const struct {
        const char *body, *field;
    } whole[] = {
        { "{\"injury_at\":\"2024-03-10T06:00:00Z\",\"first_aid_at\":null,\"advanced_care_at\":null,"
          "\"surgery_at\":null,\"evac_requested_at\":null,\"evac_launched_at\":null}",
          "evac_arrived_at" },
        { "[]", "body" },
        { "{\"injury_at\":", "body" },
        { long_notes, "notes" },
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        test_world_call(&cast->fra_fp, "PUT", path, whole[i].body, &r);
        assert_problem(&r, 400, whole[i].field);
        test_response_free(&r);
    }
    json_t *after = test_get_json(server.port, cast->fra_fp.headers, path, 200);
    if (!json_equal(before, after)) {
        char *a = json_dumps(before, JSON_SORT_KEYS), *b = json_dumps(after, JSON_SORT_KEYS);
        fail_msg("the timeline changed:\n%s\n%s", a, b);
    }
    json_decref(before);
    json_decref(after);
    assert_int_equal(audits(NULL), entries);
}

/* The summary's item for `mission` and `month` from `path`, as `u` (NULL when absent). */
static json_t *stats_item(const struct test_session *u, const char *path, const char *mission,
                          const char *month, json_t **doc)
{
    *doc = test_get_json(server.port, u->headers, path, 200);
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(*doc, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "mission")), mission) == 0 &&
            strcmp(json_string_value(json_object_get(it, "month")), month) == 0)
            return it;
    }
    return NULL;
}

static void assert_counts(json_t *it, const char *key, long long met, long long missed,
                          long long unknown)
{
    json_t *o = json_object_get(it, key);
    if (json_integer_value(json_object_get(o, "met")) != met ||
        json_integer_value(json_object_get(o, "missed")) != missed ||
        json_integer_value(json_object_get(o, "unknown")) != unknown) {
        char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
        fail_msg("%s: expected met %lld missed %lld unknown %lld, got %s", key, met, missed,
                 unknown, s);
    }
}

/* A timeline body into `b` (512 bytes): injury at `inj` and first aid, advanced care and
 * surgery `fa`, `ac`, `su` (RFC 3339 or "null", quoted by the caller). */
static const char *steps(char b[512], const char *inj, const char *fa, const char *ac,
                         const char *su)
{
    snprintf(b, 512,
             "{\"injury_at\":%s,\"first_aid_at\":%s,\"advanced_care_at\":%s,\"surgery_at\":%s,"
             "\"evac_requested_at\":null,\"evac_launched_at\":null,\"evac_arrived_at\":null}",
             inj, fa, ac, su);
    return b;
}

/* api/casevac-stats: the summary's counts and rates over what the caller may see (BRA does
 * not see FRA's embargoed timelines, FRA does not see BRA's), month of injury in UTC, mission
 * filter, bad parameters named. */
static void api_casevac_stats(void **state)
{
    (void)state;
    char a[40], b[40], c[40], d[40];
    casualty(&cast->fra_fp, "MINUSMA", "2017-05-31", a, NULL);
    casualty(&cast->fra_fp, "MINUSMA", "2017-06-01", b, NULL);
    casualty(&cast->fra_fp, "MINUSMA", "2017-06-02", c, NULL);
    casualty(&cast->bra_fp, "MINUSMA", "2017-06-03", d, NULL);
    struct test_response r;
    /* a: 2017-06-01T00:30+02:00 is 31 May in UTC: month 2017-05. */
    char bufs[4][512];
    const char *bodies[][2] = {
        { a, steps(bufs[0], "\"2017-06-01T00:30:00+02:00\"", "\"2017-05-31T22:36:00Z\"",
                   "\"2017-05-31T23:20:00Z\"", "null") },
        { b, steps(bufs[1], "\"2017-06-01T10:00:00Z\"", "\"2017-06-01T10:10:00Z\"",
                   "\"2017-06-01T11:00:01Z\"", "\"2017-06-01T11:59:00Z\"") },
        { c,
          steps(bufs[2], "\"2017-06-02T10:00:00Z\"", "\"2017-06-02T10:10:01Z\"", "null", "null") },
        { d, steps(bufs[3], "\"2017-06-03T10:00:00Z\"", "\"2017-06-03T10:01:00Z\"",
                   "\"2017-06-03T10:30:00Z\"", "\"2017-06-03T11:30:00Z\"") },
    };
    for (size_t i = 0; i < 4; i++) {
        test_world_call(i == 3 ? &cast->bra_fp : &cast->fra_fp, "PUT", casevac_path(bodies[i][0]),
                        bodies[i][1], &r);
        if (r.status != 200)
            fail_msg("timeline %zu: %d %s", i, r.status, r.body);
        test_response_free(&r);
    }

    json_t *doc;
    json_t *it =
        stats_item(&cast->fra_fp, "/api/v1/stats/casevac?mission=minusma&from=2017-01&to=2017-12",
                   "MINUSMA", "2017-06", &doc);
    assert_non_null(it);
    assert_int_equal(json_array_size(json_object_get(doc, "items")), 2);
    /* b: fa 10 met, ac 60:01 missed, su 119 met; c: fa 10:01 missed, rest unknown. */
    assert_int_equal(json_integer_value(json_object_get(it, "casualties")), 2);
    assert_counts(it, "first_aid", 1, 1, 0);
    assert_counts(it, "advanced_care", 0, 1, 1);
    assert_counts(it, "surgery", 1, 0, 1);
    assert_counts(it, "all_met", 0, 2, 0);
    assert_true(json_number_value(json_object_get(json_object_get(it, "first_aid"), "rate")) ==
                0.5);
    assert_true(json_number_value(json_object_get(json_object_get(it, "advanced_care"), "rate")) ==
                0.0);
    assert_true(json_number_value(json_object_get(it, "median_first_aid_minutes")) == 10.5);
    assert_int_equal(json_integer_value(json_object_get(it, "median_surgery_minutes")), 119);
    assert_true(json_is_null(json_object_get(it, "median_request_to_launch_minutes")));
    json_decref(doc);

    it = stats_item(&cast->fra_fp, "/api/v1/stats/casevac?mission=MINUSMA&to=2017-05", "MINUSMA",
                    "2017-05", &doc);
    assert_non_null(it);
    assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
    assert_int_equal(json_integer_value(json_object_get(it, "casualties")), 1);
    assert_counts(it, "first_aid", 1, 0, 0);     /* 6 minutes */
    assert_counts(it, "advanced_care", 1, 0, 0); /* 50 minutes */
    assert_counts(it, "all_met", 0, 0, 1);
    json_decref(doc);

    /* BRA sees its own record only: one, all met. The admin sees all four. */
    it = stats_item(&cast->bra_fp, "/api/v1/stats/casevac?mission=MINUSMA", "MINUSMA", "2017-06",
                    &doc);
    assert_non_null(it);
    assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
    assert_int_equal(json_integer_value(json_object_get(it, "casualties")), 1);
    assert_counts(it, "all_met", 1, 0, 0);
    json_decref(doc);
    it = stats_item(&cast->admin, "/api/v1/stats/casevac?mission=MINUSMA", "MINUSMA", "2017-06",
                    &doc);
    assert_int_equal(json_integer_value(json_object_get(it, "casualties")), 3);
    assert_counts(it, "first_aid", 2, 1, 0);
    json_decref(doc);

    static const struct {
        const char *query, *field;
    } bad[] = {
        { "mission=ATLANTIS", "mission" },   { "mission=MINUSMA,", "mission" },
        { "from=2017-13", "from" },          { "to=2017", "to" },
        { "from=2017-06&to=2017-05", "to" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/stats/casevac?%s", bad[i].query);
        test_world_call(&cast->fra_fp, "GET", path, NULL, &r);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    assert_int_equal(test_world_status(NULL, "GET", "/api/v1/stats/casevac", NULL), 401);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/casevac-roundtrip", api_casevac_roundtrip),
        BH_TEST("api/casevac-who", api_casevac_who),
        BH_TEST("api/casevac-bad-input", api_casevac_bad_input),
        BH_TEST("api/casevac-stats", api_casevac_stats),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
