/* CASEVAC timelines without a store: the 10-1-2 computation at its boundaries (10:00 met,
 * 10:00.001 and 10:01 missed; 60 and 120 minutes the same way), missing times giving unknown,
 * the three-valued all_met, the evacuation intervals, the reply's JSON; reading a PUT body
 * (every bad value names its field); and the checks against the casualty's date and the
 * clock. Expected values are written by hand from docs/casevac.md. */
#include "support.h"

#include "base/timeutil.h"
#include "casevac/casevac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN 60000LL
#define SEC 1000LL

/* 2024-03-10T06:00:00Z, the injury of most cases below. */
static int64_t t0(void)
{
    int64_t ms;
    struct bh_error err;
    if (time_parse_rfc3339("2024-03-10T06:00:00Z", &ms, NULL, &err))
        fail_msg("t0: %s", err.message);
    return ms;
}

/* A timeline with the injury at t0 and the three steps `fa`, `ac`, `su` ms after it (-1: not
 * known). */
static void timeline(struct casevac_timeline *t, int64_t fa, int64_t ac, int64_t su)
{
    memset(t, 0, sizeof *t);
    t->known[CASEVAC_INJURY] = true;
    t->ms[CASEVAC_INJURY] = t0();
    const int which[3] = { CASEVAC_FIRST_AID, CASEVAC_ADVANCED_CARE, CASEVAC_SURGERY };
    const int64_t after[3] = { fa, ac, su };
    for (int i = 0; i < 3; i++)
        if (after[i] >= 0) {
            t->known[which[i]] = true;
            t->ms[which[i]] = t0() + after[i];
        }
}

static const char *met_text(int met)
{
    return met < 0 ? "unknown" : met ? "met" : "missed";
}

#define assert_step(s, want_minutes, want_met) \
    check_step(&(s), #s, (want_minutes), (want_met), __FILE__, __LINE__)
static void check_step(const struct casevac_step *s, const char *what, int64_t want_minutes,
                       int want_met, const char *file, int line)
{
    if (s->met != want_met || (want_met >= 0 && s->minutes != want_minutes) ||
        (want_met < 0 && s->known))
        test_fail_at(file, line, "%s: expected %lld minutes, %s; got %lld minutes (known %d), %s",
                     what, (long long)want_minutes, met_text(want_met), (long long)s->minutes,
                     s->known, met_text(s->met));
}

/* casevac/boundary-first-aid: 10 minutes exactly is met; 10:00.001 and 10:01 are missed and
 * read 11 minutes; 9:59 is 10 minutes, met; at the injury itself 0. */
static void casevac_boundary_first_aid(void **state)
{
    (void)state;
    static const struct {
        int64_t after;
        int64_t minutes;
        int met;
    } cases[] = {
        { 0, 0, 1 },
        { 1, 1, 1 },
        { 9 * MIN + 59 * SEC, 10, 1 },
        { 10 * MIN, 10, 1 },
        { 10 * MIN + 1, 11, 0 },
        { 10 * MIN + 1 * SEC, 11, 0 },
        { 11 * MIN, 11, 0 },
        { 3 * 60 * MIN, 180, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct casevac_timeline t;
        struct casevac_compliance c;
        timeline(&t, cases[i].after, -1, -1);
        casevac_compute(&t, &c);
        if (c.first_aid.met != cases[i].met || c.first_aid.minutes != cases[i].minutes ||
            c.first_aid.elapsed_ms != cases[i].after || c.first_aid.target != 10)
            fail_msg("first aid %lld ms after the injury: expected %lld min %s, got %lld min %s "
                     "(elapsed %lld, target %d)",
                     (long long)cases[i].after, (long long)cases[i].minutes, met_text(cases[i].met),
                     (long long)c.first_aid.minutes, met_text(c.first_aid.met),
                     (long long)c.first_aid.elapsed_ms, c.first_aid.target);
    }
}

/* casevac/boundary-60-120: advanced care at 60:00 met, 60:01 missed; surgery at 120:00 met,
 * 120:01 missed; each step against its own target, not its neighbour's. */
static void casevac_boundary_60_120(void **state)
{
    (void)state;
    struct casevac_timeline t;
    struct casevac_compliance c;
    timeline(&t, 10 * MIN, 60 * MIN, 120 * MIN);
    casevac_compute(&t, &c);
    assert_step(c.first_aid, 10, 1);
    assert_step(c.advanced_care, 60, 1);
    assert_step(c.surgery, 120, 1);
    assert_int_equal(c.advanced_care.target, 60);
    assert_int_equal(c.surgery.target, 120);
    assert_int_equal(c.all_met, 1);

    timeline(&t, 10 * MIN, 60 * MIN + SEC, 120 * MIN + SEC);
    casevac_compute(&t, &c);
    assert_step(c.advanced_care, 61, 0);
    assert_step(c.surgery, 121, 0);
    assert_int_equal(c.all_met, 0);

    /* 90 minutes is late for advanced care and in time for surgery. */
    timeline(&t, 5 * MIN, 90 * MIN, 90 * MIN);
    casevac_compute(&t, &c);
    assert_step(c.advanced_care, 90, 0);
    assert_step(c.surgery, 90, 1);
}

/* casevac/missing-times: without the injury every step is unknown whatever else is known;
 * a step without its time is unknown; unknown steps have no minutes. */
static void casevac_missing_times(void **state)
{
    (void)state;
    struct casevac_timeline t;
    struct casevac_compliance c;
    timeline(&t, 5 * MIN, 30 * MIN, 60 * MIN);
    t.known[CASEVAC_INJURY] = false;
    casevac_compute(&t, &c);
    assert_step(c.first_aid, 0, -1);
    assert_step(c.advanced_care, 0, -1);
    assert_step(c.surgery, 0, -1);
    assert_int_equal(c.all_met, -1);

    timeline(&t, -1, 30 * MIN, -1);
    casevac_compute(&t, &c);
    assert_step(c.first_aid, 0, -1);
    assert_step(c.advanced_care, 30, 1);
    assert_step(c.surgery, 0, -1);
    assert_int_equal(c.all_met, -1);

    json_t *j = casevac_compliance_json(&c);
    json_t *fa = json_object_get(j, "first_aid");
    assert_true(json_is_null(json_object_get(fa, "minutes")));
    assert_true(json_is_null(json_object_get(fa, "met")));
    assert_int_equal(json_integer_value(json_object_get(fa, "target")), 10);
    assert_true(json_is_null(json_object_get(j, "all_met")));
    json_decref(j);
}

/* casevac/all-met: three-valued AND over the three steps. */
static void casevac_all_met(void **state)
{
    (void)state;
    static const struct {
        int64_t fa, ac, su;
        int want;
    } cases[] = {
        { 5 * MIN, 50 * MIN, 100 * MIN, 1 },  /* met, met, met */
        { 5 * MIN, 50 * MIN, -1, -1 },        /* met, met, unknown */
        { -1, -1, -1, -1 },                   /* unknown x3 */
        { 15 * MIN, -1, -1, 0 },              /* missed, unknown, unknown */
        { 5 * MIN, 70 * MIN, -1, 0 },         /* met, missed, unknown */
        { 5 * MIN, 50 * MIN, 130 * MIN, 0 },  /* met, met, missed */
        { 15 * MIN, 70 * MIN, 130 * MIN, 0 }, /* missed x3 */
        { -1, 50 * MIN, 100 * MIN, -1 },      /* unknown, met, met */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct casevac_timeline t;
        struct casevac_compliance c;
        timeline(&t, cases[i].fa, cases[i].ac, cases[i].su);
        casevac_compute(&t, &c);
        if (c.all_met != cases[i].want)
            fail_msg("case %zu: all_met expected %s, got %s (steps %s, %s, %s)", i,
                     met_text(cases[i].want), met_text(c.all_met), met_text(c.first_aid.met),
                     met_text(c.advanced_care.met), met_text(c.surgery.met));
    }
}

/* casevac/evacuation-json: the evacuation intervals (rounded up like the steps, null when an
 * end is unknown) and the compliance object's exact keys and values. */
static void casevac_evacuation_json_shape(void **state)
{
    (void)state;
    struct casevac_timeline t;
    struct casevac_compliance c;
    timeline(&t, 10 * MIN + 1, 45 * MIN, -1);
    t.known[CASEVAC_EVAC_REQUESTED] = t.known[CASEVAC_EVAC_LAUNCHED] = true;
    t.ms[CASEVAC_EVAC_REQUESTED] = t0() + 3 * MIN;
    t.ms[CASEVAC_EVAC_LAUNCHED] = t0() + 20 * MIN;
    casevac_compute(&t, &c);
    json_t *ev = casevac_evacuation_json(&c);
    char *text = json_dumps(ev, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(text,
                        "{\"launch_to_arrival_minutes\":null,\"request_to_launch_minutes\":17}");
    free(text);
    json_decref(ev);

    t.known[CASEVAC_EVAC_ARRIVED] = true;
    t.ms[CASEVAC_EVAC_ARRIVED] = t0() + 62 * MIN + 30 * SEC;
    casevac_compute(&t, &c);
    assert_true(c.launch_to_arrival.known);
    assert_int_equal(c.launch_to_arrival.minutes, 43);

    json_t *j = casevac_compliance_json(&c);
    text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(15));
    assert_string_equal(text, "{\"advanced_care\":{\"met\":true,\"minutes\":45,\"seconds\":2700.0,"
                              "\"target\":60},\"all_met\":false,\"first_aid\":{\"met\":false,"
                              "\"minutes\":11,\"seconds\":600.001,\"target\":10},\"surgery\":{"
                              "\"met\":null,\"minutes\":null,\"seconds\":null,\"target\":120}}");
    free(text);
    json_decref(j);
}

/* Reads `json` as a PUT body; returns the code and fills `t` and `err`. */
static int parse(const char *json, struct casevac_timeline *t, struct bh_error *err)
{
    json_error_t jerr;
    json_t *body = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        fail_msg("bad test JSON %s: %s", json, jerr.text);
    memset(err, 0, sizeof *err);
    int rc = casevac_timeline_from_json(body, t, err);
    json_decref(body);
    return rc;
}

/* A full body with the time `field` replaced by the JSON `value` (NULL: left out), and
 * `extra` (may be NULL) appended as more members. */
static const char *body_with(const char *field, const char *value, const char *extra)
{
    static char out[16384];
    static const char *const values[CASEVAC_NTIMES] = {
        "\"2024-03-10T08:00:00+02:00\"", "\"2024-03-10T06:04:30Z\"", "\"2024-03-10T06:40:00Z\"",
        "\"2024-03-10T07:55:00.250Z\"",  "\"2024-03-10T06:02:00Z\"", "\"2024-03-10T06:20:00Z\"",
        "\"2024-03-10T06:50:00Z\"",
    };
    size_t used = 0;
    out[used++] = '{';
    for (int i = 0; i < CASEVAC_NTIMES; i++) {
        const char *v = values[i];
        if (field && strcmp(field, casevac_time_names[i]) == 0) {
            if (!value)
                continue;
            v = value;
        }
        used += (size_t)snprintf(out + used, sizeof out - used, "%s\"%s\":%s", used > 1 ? "," : "",
                                 casevac_time_names[i], v);
    }
    if (extra)
        used += (size_t)snprintf(out + used, sizeof out - used, ",%s", extra);
    snprintf(out + used, sizeof out - used, "}");
    return out;
}

/* casevac/parse: a full body is read with offsets turned into UTC instants and milliseconds
 * kept; null clears a time; notes up to 2,000 characters, counted as characters. */
static void casevac_parse_ok(void **state)
{
    (void)state;
    struct casevac_timeline t;
    struct bh_error err;
    int rc = parse(body_with(NULL, NULL, "\"notes\":\"tourniquet at point of injury\""), &t, &err);
    if (rc)
        fail_msg("parse: %s (%s)", err.message, err.field);
    assert_true(t.known[CASEVAC_INJURY]);
    assert_int_equal(t.ms[CASEVAC_INJURY], t0()); /* 08:00+02:00 is 06:00Z */
    assert_int_equal(t.ms[CASEVAC_SURGERY] - t0(), 115 * MIN + 250);
    assert_string_equal(t.notes, "tourniquet at point of injury");
    struct casevac_compliance c;
    casevac_compute(&t, &c);
    assert_step(c.first_aid, 5, 1);
    assert_step(c.advanced_care, 40, 1);
    assert_step(c.surgery, 116, 1);
    assert_int_equal(c.request_to_launch.minutes, 18);
    assert_int_equal(c.launch_to_arrival.minutes, 30);

    rc = parse(body_with("surgery_at", "null", "\"notes\":null"), &t, &err);
    assert_int_equal(rc, 0);
    assert_false(t.known[CASEVAC_SURGERY]);
    assert_string_equal(t.notes, "");
    /* Zeros after the milliseconds say nothing finer and are taken. */
    rc = parse(body_with("first_aid_at", "\"2024-03-10T06:04:30.250000Z\"", NULL), &t, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(t.ms[CASEVAC_FIRST_AID] - t0(), 4 * MIN + 30 * SEC + 250);

    /* 2,000 two-byte characters are 4,000 bytes and within the cap. */
    char notes[8192];
    size_t n = (size_t)snprintf(notes, sizeof notes, "\"notes\":\"");
    for (int i = 0; i < CASEVAC_NOTES_MAX; i++)
        n += (size_t)snprintf(notes + n, sizeof notes - n, "\xc3\xa9");
    snprintf(notes + n, sizeof notes - n, "\"");
    rc = parse(body_with(NULL, NULL, notes), &t, &err);
    if (rc)
        fail_msg("2000 characters of notes: %s", err.message);
    assert_int_equal(strlen(t.notes), 2 * CASEVAC_NOTES_MAX);
}

/* casevac/parse-bad: every bad body names its field. */
static void casevac_parse_bad(void **state)
{
    (void)state;
    char long_notes[2100];
    int n = snprintf(long_notes, sizeof long_notes, "\"notes\":\"");
    memset(long_notes + n, 'x', CASEVAC_NOTES_MAX + 1);
    snprintf(long_notes + n + CASEVAC_NOTES_MAX + 1, sizeof long_notes - (size_t)n - 2001, "\"");
    static char cases_buf[16][16384];
    const struct {
        const char *body, *field, *says;
    } cases[] = {
        { strcpy(cases_buf[0], body_with("injury_at", "\"2024-03-10 06:00\"", NULL)), "injury_at",
          "not an RFC 3339" },
        { strcpy(cases_buf[1], body_with("injury_at", "\"2024-03-10T06:00:00\"", NULL)),
          "injury_at", "not an RFC 3339" },
        { strcpy(cases_buf[2], body_with("first_aid_at", "\"2024-03-10\"", NULL)), "first_aid_at",
          "not an RFC 3339" },
        { strcpy(cases_buf[3], body_with("surgery_at", "\"2024-02-30T06:00:00Z\"", NULL)),
          "surgery_at", "not an RFC 3339" },
        { strcpy(cases_buf[4], body_with("advanced_care_at", "1710050400", NULL)),
          "advanced_care_at", "string or null" },
        { strcpy(cases_buf[5], body_with("evac_arrived_at", "\"2024-03-10T06:50:00.0001Z\"", NULL)),
          "evac_arrived_at", "finer than a millisecond" },
        { strcpy(cases_buf[6], body_with("evac_launched_at", NULL, NULL)), "evac_launched_at",
          "missing" },
        { strcpy(cases_buf[7], body_with(NULL, NULL, "\"casualty_id\":\"BH-1\"")), "casualty_id",
          NULL },
        { strcpy(cases_buf[8], body_with(NULL, NULL, long_notes)), "notes", "at most 2000" },
        { strcpy(cases_buf[9], body_with(NULL, NULL, "\"notes\":42")), "notes", NULL },
        { strcpy(cases_buf[10], body_with("surgery_at", "\"2016-12-31T23:59:60Z\"", NULL)),
          "surgery_at", "leap seconds (:60) are not accepted" },
        { "[]", "body", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct casevac_timeline t;
        struct bh_error err;
        int rc = parse(cases[i].body, &t, &err);
        if (rc != BH_EINVALID || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: expected INVALID naming %s, got %s naming '%s': %s", i,
                     cases[i].field, bh_errname(rc), err.field, err.message);
        if (cases[i].says)
            assert_contains(err.message, cases[i].says);
    }
}

/* Checks the body's timeline (with `field` replaced) against incident date `date` and the
 * clock `now`; returns the code, `err` filled. */
static int check(const char *field, const char *value, const char *date, int64_t now,
                 struct bh_error *err)
{
    struct casevac_timeline t;
    int rc = parse(body_with(field, value, NULL), &t, err);
    if (rc)
        fail_msg("parse %s=%s: %s", field, value, err->message);
    memset(err, 0, sizeof *err);
    return casevac_timeline_check(&t, date, now, err);
}

/* casevac/check: the times against the casualty's date (not before the day before it), the
 * clock (not in the future, five minutes of clock skew allowed), the injury (nothing before
 * it) and the evacuation's order; each failure names the field. */
static void casevac_check(void **state)
{
    (void)state;
    int64_t now = t0() + 24 * 60 * MIN; /* 2024-03-11T06:00:00Z */
    struct bh_error err;
    assert_int_equal(check(NULL, NULL, "2024-03-10", now, &err), 0);
    /* The earliest time allowed is midnight UTC the day before the incident date. */
    assert_int_equal(check("injury_at", "\"2024-03-09T00:00:00Z\"", "2024-03-10", now, &err), 0);
    /* Five minutes ahead of the clock is a clock running fast; six is the future. */
    assert_int_equal(check("evac_arrived_at", "\"2024-03-11T06:05:00Z\"", "2024-03-10", now, &err),
                     0);
    static const struct {
        const char *field, *value, *names, *says;
    } cases[] = {
        { "evac_arrived_at", "\"2024-03-11T06:06:00Z\"", "evac_arrived_at", "in the future" },
        { "injury_at", "\"2024-03-08T23:59:59.999Z\"", "injury_at", "the day before" },
        { "first_aid_at", "\"2024-03-10T05:59:59Z\"", "first_aid_at", "before injury_at" },
        { "surgery_at", "\"2024-03-10T05:00:00Z\"", "surgery_at", "before injury_at" },
        { "evac_requested_at", "\"2024-03-10T05:59:00Z\"", "evac_requested_at",
          "before injury_at" },
        { "evac_launched_at", "\"2024-03-10T06:01:59Z\"", "evac_launched_at",
          "before evac_requested_at" },
        { "evac_arrived_at", "\"2024-03-10T06:19:59Z\"", "evac_arrived_at",
          "before evac_launched_at" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = check(cases[i].field, cases[i].value, "2024-03-10", now, &err);
        if (rc != BH_EINVALID || strcmp(err.field, cases[i].names) != 0)
            fail_msg("case %zu (%s=%s): expected INVALID naming %s, got %s naming '%s': %s", i,
                     cases[i].field, cases[i].value, cases[i].names, bh_errname(rc), err.field,
                     err.message);
        assert_contains(err.message, cases[i].says);
    }
    /* Without the injury the steps are not ordered against it. */
    assert_int_equal(check("injury_at", "null", "2024-03-10", now, &err), 0);
    /* A later incident date moves the earliest time: 06:00 on the 10th is two days early for
     * an incident on the 12th. */
    assert_int_equal(check(NULL, NULL, "2024-03-12", now + 3 * 24 * 60 * MIN, &err), BH_EINVALID);
    assert_string_equal(err.field, "injury_at");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casevac/boundary-first-aid", casevac_boundary_first_aid),
        BH_TEST("casevac/boundary-60-120", casevac_boundary_60_120),
        BH_TEST("casevac/missing-times", casevac_missing_times),
        BH_TEST("casevac/all-met", casevac_all_met),
        BH_TEST("casevac/evacuation-json", casevac_evacuation_json_shape),
        BH_TEST("casevac/parse", casevac_parse_ok),
        BH_TEST("casevac/parse-bad", casevac_parse_bad),
        BH_TEST("casevac/check", casevac_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
