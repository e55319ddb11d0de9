/* Unit tests for base/tz: wall-clock times in IANA zones through ICU. Expected instants were
 * worked out from the zones' rules by hand (New York is UTC-5 in winter, UTC-4 in summer,
 * Beijing UTC+8, Auckland UTC+13 in December), not with the code under test. */
#include "support.h"

#include "base/timeutil.h"
#include "base/tz.h"

#include <stdio.h>
#include <string.h>

/* The instant of an RFC 3339 UTC text, read by base/timeutil (tested on its own). */
static int64_t utc(const char *s)
{
    int64_t ms = 0;
    struct bh_error err;
    must(time_parse_rfc3339(s, &ms, NULL, &err), &err, s);
    return ms;
}

static void assert_instant(const char *text, const char *zone, const char *want_utc)
{
    int64_t ms = 0;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = tz_parse_instant(text, zone, &ms, "starts_at", &err);
    if (rc != 0)
        fail_msg("'%s' in %s rejected: %s", text, zone ? zone : "(none)", err.message);
    char got[40];
    time_format_rfc3339(ms, 0, false, got);
    if (strcmp(got, want_utc) != 0)
        fail_msg("'%s' in %s read as %s, expected %s", text, zone ? zone : "(none)", got, want_utc);
}

static void assert_local(const char *zone, const char *instant, const char *want)
{
    char out[40];
    struct bh_error err;
    must(tz_format_local(zone, utc(instant), out, &err), &err, zone);
    assert_string_equal(out, want);
}

/* tz/new-york-shanghai: the example, a meeting called at 18:00 in New York. */
static void tz_new_york_shanghai(void **state)
{
    (void)state;
    assert_instant("2026-12-10T18:00", "America/New_York", "2026-12-10T23:00:00Z");
    assert_instant("2026-12-10T18:00:00", "America/New_York", "2026-12-10T23:00:00Z");
    assert_local("Asia/Shanghai", "2026-12-10T23:00:00Z", "2026-12-11T07:00:00+08:00");
    assert_local("America/New_York", "2026-12-10T23:00:00Z", "2026-12-10T18:00:00-05:00");
    assert_local("UTC", "2026-12-10T23:00:00Z", "2026-12-10T23:00:00Z");
    /* In summer New York is an hour closer to UTC. */
    assert_instant("2026-07-10T18:00", "America/New_York", "2026-07-10T22:00:00Z");
    assert_local("America/New_York", "2026-07-10T22:00:00Z", "2026-07-10T18:00:00-04:00");

    int y, mo, d, h, mi, s, off;
    struct bh_error err;
    must(tz_utc_to_local("Asia/Shanghai", utc("2026-12-10T23:00:00Z"), &y, &mo, &d, &h, &mi, &s,
                         &off, &err),
         &err, "utc_to_local");
    assert_int_equal(y, 2026);
    assert_int_equal(mo, 12);
    assert_int_equal(d, 11);
    assert_int_equal(h, 7);
    assert_int_equal(mi, 0);
    assert_int_equal(s, 0);
    assert_int_equal(off, 480);
}

/* tz/offset-wins: an RFC 3339 text with an offset is that instant whatever the zone says. */
static void tz_offset_wins(void **state)
{
    (void)state;
    assert_instant("2026-12-10T18:00:00-05:00", "Asia/Shanghai", "2026-12-10T23:00:00Z");
    assert_instant("2026-12-10T23:00:00Z", NULL, "2026-12-10T23:00:00Z");
    assert_instant("2026-12-11T07:00:00+08:00", "", "2026-12-10T23:00:00Z");
}

/* tz/skipped-time: 02:30 does not exist in New York on 2026-03-08; it is read as the instant
 * the clocks show as 03:30 EDT. */
static void tz_skipped_time(void **state)
{
    (void)state;
    assert_instant("2026-03-08T02:30", "America/New_York", "2026-03-08T07:30:00Z");
    assert_local("America/New_York", "2026-03-08T07:30:00Z", "2026-03-08T03:30:00-04:00");
}

/* tz/repeated-time: 01:30 happens twice in New York on 2026-11-01; the first (EDT) is read. */
static void tz_repeated_time(void **state)
{
    (void)state;
    assert_instant("2026-11-01T01:30", "America/New_York", "2026-11-01T05:30:00Z");
    int64_t ms = 0;
    struct bh_error err;
    must(tz_local_to_utc("America/New_York", 2026, 11, 1, 1, 30, 0, &ms, "x", &err), &err, "x");
    assert_int_equal(ms, utc("2026-11-01T05:30:00Z"));
}

/* tz/end-of-day: "due 2026-12-10" ends far earlier in Auckland than in New York. */
static void tz_end_of_day_zones(void **state)
{
    (void)state;
    int64_t ms = 0;
    struct bh_error err;
    must(tz_end_of_day("Pacific/Auckland", 2026, 12, 10, &ms, &err), &err, "Auckland");
    assert_int_equal(ms, utc("2026-12-10T11:00:00Z"));
    must(tz_end_of_day("America/New_York", 2026, 12, 10, &ms, &err), &err, "New York");
    assert_int_equal(ms, utc("2026-12-11T05:00:00Z"));
    /* The last day of a year rolls into the next. */
    must(tz_end_of_day("UTC", 2026, 12, 31, &ms, &err), &err, "UTC");
    assert_int_equal(ms, utc("2027-01-01T00:00:00Z"));
    assert_int_equal(tz_end_of_day("UTC", 2026, 2, 29, &ms, &err), BH_EINVALID);
    assert_int_equal(tz_end_of_day("Mars/Olympus", 2026, 2, 28, &ms, &err), BH_EINVALID);
}

/* tz/local-date: one instant is a different day on each side of the date line. */
static void tz_local_date_midnight(void **state)
{
    (void)state;
    char day[11];
    struct bh_error err;
    int64_t t = utc("2026-12-10T23:00:00Z");
    must(tz_local_date("America/New_York", t, day, &err), &err, "New York");
    assert_string_equal(day, "2026-12-10");
    must(tz_local_date("Asia/Shanghai", t, day, &err), &err, "Shanghai");
    assert_string_equal(day, "2026-12-11");
    must(tz_local_date("UTC", t, day, &err), &err, "UTC");
    assert_string_equal(day, "2026-12-10");
    /* 04:59Z is still the evening before in New York, 05:00Z is its midnight. */
    must(tz_local_date("America/New_York", utc("2026-12-11T04:59:59Z"), day, &err), &err, "a");
    assert_string_equal(day, "2026-12-10");
    must(tz_local_date("America/New_York", utc("2026-12-11T05:00:00Z"), day, &err), &err, "b");
    assert_string_equal(day, "2026-12-11");
}

/* tz/for-country */
static void tz_for_country_codes(void **state)
{
    (void)state;
    char zone[TZ_NAME_MAX + 1];
    tz_for_country("CAF", NULL, zone);
    assert_string_equal(zone, "Africa/Bangui");
    tz_for_country("COD", NULL, zone);
    assert_prefix(zone, "Africa/");
    assert_true(tz_valid(zone));
    /* A mission's headquarters picks the zone of its city among the country's: Cyprus has two
     * (Famagusta first), UNFICYP sits in Nicosia; Lubumbashi is the DRC's eastern zone. A city
     * no zone is named after falls back to the first. */
    tz_for_country("CYP", "Nicosia", zone);
    assert_string_equal(zone, "Asia/Nicosia");
    tz_for_country("CYP", NULL, zone);
    assert_string_equal(zone, "Asia/Famagusta");
    tz_for_country("COD", "lubumbashi", zone);
    assert_string_equal(zone, "Africa/Lubumbashi");
    tz_for_country("COD", "Goma", zone);
    assert_string_equal(zone, "Africa/Kinshasa");
    tz_for_country("XXX", "Nicosia", zone);
    assert_string_equal(zone, "UTC");
    tz_for_country("", NULL, zone);
    assert_string_equal(zone, "UTC");
    tz_for_country(NULL, NULL, zone);
    assert_string_equal(zone, "UTC");
}

/* tz/valid */
static void tz_valid_names(void **state)
{
    (void)state;
    assert_true(tz_valid("US/Eastern"));
    assert_true(tz_valid("America/New_York"));
    assert_true(tz_valid("Asia/Shanghai"));
    assert_true(tz_valid("UTC"));
    assert_false(tz_valid(""));
    assert_false(tz_valid(NULL));
    assert_false(tz_valid("Mars/Olympus"));
    assert_false(tz_valid("Etc/Unknown"));
    assert_false(tz_valid("../../etc/passwd"));
    assert_false(tz_valid("+05:00"));
    assert_false(tz_valid("EST5"));
    char longname[201];
    memset(longname, 'A', 200);
    longname[200] = '\0';
    memcpy(longname, "America/", 8);
    assert_false(tz_valid(longname));
}

static void assert_refused(const char *text, const char *zone, const char *field,
                           const char *quoted)
{
    int64_t ms = 0;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = tz_parse_instant(text, zone, &ms, "starts_at", &err);
    if (rc != BH_EINVALID)
        fail_msg("'%s' in %s accepted (rc %d, %lld ms), expected BH_EINVALID", text ? text : "",
                 zone ? zone : "(none)", rc, (long long)ms);
    assert_string_equal(err.field, field);
    if (quoted && !strstr(err.message, quoted))
        fail_msg("message for '%s' does not quote %s: %s", text, quoted, err.message);
}

/* tz/parse-refuses: every refusal names the field and quotes the value. */
static void tz_parse_refuses(void **state)
{
    (void)state;
    assert_refused("tomorrow", "UTC", "starts_at", "'tomorrow'");
    assert_refused("2026-13-01T10:00", "UTC", "starts_at", "month 13");
    assert_refused("2026-02-29T10:00", "UTC", "starts_at", "day 29");
    assert_refused("2026-04-31T10:00", "UTC", "starts_at", "'2026-04-31T10:00'");
    assert_refused("2026-12-10T24:00", "UTC", "starts_at", "'2026-12-10T24:00'");
    assert_refused("2026-12-10T18:60", "UTC", "starts_at", "'2026-12-10T18:60'");
    assert_refused("2026-12-10T18:00:61", "UTC", "starts_at", "'2026-12-10T18:00:61'");
    assert_refused("2026-12-10", "UTC", "starts_at", "'2026-12-10'");
    assert_refused("2026-12-10T18", "UTC", "starts_at", "'2026-12-10T18'");
    assert_refused("2026-12-10T18:00:00.5", "UTC", "starts_at", "'2026-12-10T18:00:00.5'");
    assert_refused("2026-12-10T18:00+5", "UTC", "starts_at", "'2026-12-10T18:00+5'");
    assert_refused("2026-12-10T18:00 ", "UTC", "starts_at", "'2026-12-10T18:00 '");
    assert_refused("", "UTC", "starts_at", NULL);
    assert_refused(NULL, "UTC", "starts_at", NULL);
    /* A wall-clock time needs a zone, and a known one. */
    assert_refused("2026-12-10T18:00", NULL, "starts_at", "'2026-12-10T18:00'");
    assert_refused("2026-12-10T18:00", "", "starts_at", "'2026-12-10T18:00'");
    assert_refused("2026-12-10T18:00", "Mars/Olympus", "time_zone", "'Mars/Olympus'");
    /* A long value is quoted cut to 40 bytes, never whole. */
    char longtext[300];
    memset(longtext, '9', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    int64_t ms = 0;
    struct bh_error err;
    assert_int_equal(tz_parse_instant(longtext, "UTC", &ms, "due", &err), BH_EINVALID);
    assert_string_equal(err.field, "due");
    assert_true(strlen(err.message) < 120);
    assert_non_null(strstr(err.message, "9999999999999999999999999999999999999999"));
}

/* tz/roundtrip: every hour of 2026 in three zones comes back to the same instant. */
static void tz_roundtrip(void **state)
{
    (void)state;
    static const char *zones[] = { "America/New_York", "Asia/Shanghai", "Pacific/Auckland" };
    int64_t start = utc("2026-01-01T00:00:00Z");
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        for (int64_t t = start; t < start + 365LL * 86400000; t += 3600000) {
            char text[40];
            struct bh_error err;
            must(tz_format_local(zones[z], t, text, &err), &err, zones[z]);
            int64_t back = 0;
            must(tz_parse_instant(text, NULL, &back, "t", &err), &err, text);
            if (back != t)
                fail_msg("%s: %s read back as %lld, expected %lld", zones[z], text, (long long)back,
                         (long long)t);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("tz/new-york-shanghai", tz_new_york_shanghai),
        BH_TEST("tz/offset-wins", tz_offset_wins),
        BH_TEST("tz/skipped-time", tz_skipped_time),
        BH_TEST("tz/repeated-time", tz_repeated_time),
        BH_TEST("tz/end-of-day", tz_end_of_day_zones),
        BH_TEST("tz/local-date", tz_local_date_midnight),
        BH_TEST("tz/for-country", tz_for_country_codes),
        BH_TEST("tz/valid", tz_valid_names),
        BH_TEST("tz/parse-refuses", tz_parse_refuses),
        BH_TEST("tz/roundtrip", tz_roundtrip),
    };
    return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
