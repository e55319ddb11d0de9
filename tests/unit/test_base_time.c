/* Unit tests for base/timeutil. Expected epoch values were computed independently (Python's
 * datetime), not with the code under test. */
#include "support.h"

#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

static void assert_parses(const char *s, int64_t want_ms, int want_offset)
{
    int64_t ms = 0x7eadbeef;
    int offset = 9999;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = time_parse_rfc3339(s, &ms, &offset, &err);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", s, err.message);
    if (ms != want_ms)
        fail_msg("'%s' parsed to %lld ms, expected %lld", s, (long long)ms, (long long)want_ms);
    if (offset != want_offset)
        fail_msg("'%s' offset %d min, expected %d", s, offset, want_offset);
}

static void assert_rejected(const char *s)
{
    int64_t ms = 0;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = time_parse_rfc3339(s, &ms, NULL, &err);
    if (rc != BH_EINVALID)
        fail_msg("'%s' accepted as %lld ms (rc %d), expected BH_EINVALID", s, (long long)ms, rc);
    assert_int_equal(err.code, BH_EINVALID);
    /* The message quotes the input, so a person sees which value was wrong. */
    char quoted[200];
    snprintf(quoted, sizeof quoted, "'%s'", s);
    if (!strstr(err.message, quoted))
        fail_msg("message for '%s' does not quote it: %s", s, err.message);
}

/* base/time-parse-utc */
static void base_time_parse_utc(void **state)
{
    (void)state;
    assert_parses("2024-06-01T08:30:00Z", 1717230600000LL, 0);
    assert_parses("1970-01-01T00:00:00Z", 0, 0);
    assert_parses("2000-01-01T00:00:00Z", 946684800000LL, 0);
    assert_parses("2038-01-19T03:14:08Z", 2147483648000LL, 0);
    assert_parses("1900-01-01T00:00:00Z", -2208988800000LL, 0);
    assert_parses("1969-12-31T23:59:59.999Z", -1, 0);
    assert_parses("0001-01-01T00:00:00Z", -62135596800000LL, 0);
    assert_parses("9999-12-31T23:59:59.999Z", 253402300799999LL, 0);
    assert_parses("1234-05-06T07:08:09.010Z", -23215049510990LL, 0);
    assert_parses("2024-02-29T12:00:00Z", 1709208000000LL, 0);

    int64_t ms = 0;
    assert_int_equal(time_parse_rfc3339("2024-06-01T08:30:00Z", &ms, NULL, NULL), 0);
    assert_int_equal(ms, 1717230600000LL);
}

/* base/time-parse-offset */
static void base_time_parse_offset(void **state)
{
    (void)state;
    assert_parses("2024-06-01T10:30:00+02:00", 1717230600000LL, 120);
    assert_parses("2024-06-01T03:00:00-05:30", 1717230600000LL, -330);
    assert_parses("2024-06-01T14:15:00+05:45", 1717230600000LL, 345);
    assert_parses("2024-06-01T08:30:00+00:00", 1717230600000LL, 0);
    assert_parses("2024-06-01T08:30:00-00:00", 1717230600000LL, 0);
    assert_parses("1999-12-31T19:00:00-05:00", 946684800000LL, -300);
    /* The offset moves the date across midnight and the year. */
    assert_parses("2000-01-01T09:00:00+09:00", 946684800000LL, 540);
    assert_parses("2024-06-02T08:29:00+23:59", 1717230600000LL, 1439);
    assert_parses("2024-05-31T08:31:00-23:59", 1717230600000LL, -1439);
}

/* base/time-parse-fraction: milliseconds kept, further digits truncated. */
static void base_time_parse_fraction(void **state)
{
    (void)state;
    assert_parses("2024-06-01T08:30:00.5Z", 1717230600500LL, 0);
    assert_parses("2024-06-01T08:30:00.05Z", 1717230600050LL, 0);
    assert_parses("2024-06-01T08:30:00.123Z", 1717230600123LL, 0);
    assert_parses("2024-06-01T08:30:00.123456Z", 1717230600123LL, 0);
    assert_parses("2024-06-01T08:30:00.999999999Z", 1717230600999LL, 0);
    assert_parses("2024-06-01T08:30:00.000Z", 1717230600000LL, 0);
    assert_parses("2024-06-01T10:30:00.250+02:00", 1717230600250LL, 120);
    assert_parses("1969-12-31T23:59:59.5Z", -500, 0);
}

/* base/time-parse-separators: RFC 3339 §5.6 lets 't', 'z' and a space stand in. */
static void base_time_parse_separators(void **state)
{
    (void)state;
    assert_parses("2024-06-01t08:30:00z", 1717230600000LL, 0);
    assert_parses("2024-06-01 08:30:00Z", 1717230600000LL, 0);
    assert_parses("2024-06-01t10:30:00+02:00", 1717230600000LL, 120);
    assert_parses("2024-06-01 08:30:00.5z", 1717230600500LL, 0);
}

/* base/time-parse-leap-second: the store keeps POSIX time, which has no :60, so a leap second
 * is refused with a message that says so and what to write instead, never read as :59.999
 * without a word. This holds in a zone whose local minute of a leap second is not 59 too. */
static void assert_leap_refused(const char *s, const char *instead)
{
    int64_t ms = 0;
    struct bh_error err;
    bh_error_clear(&err);
    assert_rejected(s);
    assert_int_equal(time_parse_rfc3339(s, &ms, NULL, &err), BH_EINVALID);
    assert_contains(err.message, "leap seconds (:60) are not accepted");
    assert_contains(err.message, instead);
}

static void base_time_parse_leap_second(void **state)
{
    (void)state;
    assert_leap_refused("2016-12-31T23:59:60Z", "use 23:59:59");
    assert_leap_refused("2016-12-31T23:59:60.5Z", "use 23:59:59");
    assert_leap_refused("2016-12-31T15:59:60-08:00", "use 15:59:59");
    assert_leap_refused("2017-01-01T05:29:60+05:30", "use 05:29:59");
    assert_leap_refused("2016-12-31T23:58:60Z", "use 23:58:59");
    assert_rejected("2024-06-01T08:30:61Z");
    /* The second before is an ordinary time. */
    assert_parses("2016-12-31T23:59:59.999Z", 1483228799999LL, 0);
}

/* base/time-parse-rejects */
static void base_time_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "2024-06-01T08:30:00",        /* missing offset */
        "2024-06-01",                 /* a date, not a date-time */
        "2024-13-01T00:00:00Z",       /* month 13 */
        "2024-00-10T00:00:00Z",       /* month 0 */
        "2024-06-00T00:00:00Z",       /* day 0 */
        "2024-06-31T00:00:00Z",       /* June has 30 days */
        "2023-02-29T00:00:00Z",       /* 2023 is not a leap year */
        "2100-02-29T00:00:00Z",       /* nor is 2100 */
        "2024-06-01T24:00:00Z",       /* hour 24 */
        "2024-06-01T08:60:00Z",       /* minute 60 */
        "2024-06-01T08:30:00Zjunk",   /* garbage after Z */
        "2024-06-01T08:30:00+02:00x", /* garbage after the offset */
        "2024-06-01T08:30:00+02:00 ",
        "2024-06-01T08:30:00+02",    /* offset without minutes */
        "2024-06-01T08:30:00+2:00",  /* one-digit offset hour */
        "2024-06-01T08:30:00+24:00", /* offset hour 24 */
        "2024-06-01T08:30:00+02:60", /* offset minute 60 */
        "2024-06-01T08:30:00.Z",     /* no digits after the point */
        "2024-06-01T08:30Z",         /* no seconds */
        "2024-06-01T8:30:00Z",       /* one-digit hour */
        "2024-06-01X08:30:00Z",      /* bad separator */
        "24-06-01T08:30:00Z",        /* two-digit year */
        "2024/06/01T08:30:00Z",
        " 2024-06-01T08:30:00Z",
        "2024-06-01T08:30:00UTC",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_rejected(bad[i]);
    /* Feb 29 of a leap year is fine. */
    assert_parses("2024-02-29T00:00:00Z", 1709164800000LL, 0);
    assert_parses("2000-02-29T00:00:00Z", 951782400000LL, 0);
}

/* base/time-parse-date */
static void base_time_parse_date(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    struct bh_error err;
    assert_int_equal(time_parse_date("2024-02-29", &y, &m, &d, &err), 0);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    assert_int_equal(time_parse_date("1900-12-31", &y, &m, &d, &err), 0);
    assert_int_equal(y, 1900);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    const char *bad[] = { "2023-02-29", "1900-02-29",  "2024-04-31", "2024-13-01",
                          "2024-6-01",  "2024-06-01T", "",           "2024-06-01 " };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bh_error_clear(&err);
        if (time_parse_date(bad[i], &y, &m, &d, &err) != BH_EINVALID)
            fail_msg("date '%s' accepted", bad[i]);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        if (!strstr(err.message, quoted))
            fail_msg("message for '%s' does not quote it: %s", bad[i], err.message);
    }
}

static void assert_formats(int64_t ms, int offset, int with_ms, const char *want)
{
    char out[40];
    int n = time_format_rfc3339(ms, offset, with_ms, out);
    assert_string_equal(out, want);
    assert_int_equal(n, (int)strlen(want));
}

/* base/time-format-known */
static void base_time_format_known(void **state)
{
    (void)state;
    assert_formats(1717230600000LL, 0, 0, "2024-06-01T08:30:00Z");
    assert_formats(1717230600250LL, 120, 1, "2024-06-01T10:30:00.250+02:00");
    assert_formats(1717230600000LL, -330, 1, "2024-06-01T03:00:00.000-05:30");
    assert_formats(0, 0, 1, "1970-01-01T00:00:00.000Z");
    assert_formats(-1, 0, 1, "1969-12-31T23:59:59.999Z");
    assert_formats(-1, 0, 0, "1969-12-31T23:59:59Z");
    assert_formats(0, -330, 0, "1969-12-31T18:30:00-05:30");
    assert_formats(-2208988800000LL, 0, 0, "1900-01-01T00:00:00Z");
    assert_formats(-62135596800000LL, 0, 1, "0001-01-01T00:00:00.000Z");
    assert_formats(253402300799999LL, 0, 1, "9999-12-31T23:59:59.999Z");
    assert_formats(946684800000LL, 840, 0, "2000-01-01T14:00:00+14:00");
}

/* Floor division, so a truncated negative instant goes to the earlier second. */
static int64_t floor_to_second(int64_t ms)
{
    int64_t q = ms / 1000;
    if (ms % 1000 < 0)
        q--;
    return q * 1000;
}

static void roundtrip(int64_t ms, int offset)
{
    char text[40];
    int64_t back = 0;
    int off = 0;
    struct bh_error err;
    time_format_rfc3339(ms, offset, true, text);
    if (time_parse_rfc3339(text, &back, &off, &err) != 0)
        fail_msg("%lld at %+d: formatted '%s' does not parse: %s", (long long)ms, offset, text,
                 err.message);
    if (back != ms || off != offset)
        fail_msg("%lld at %+d -> '%s' -> %lld at %+d", (long long)ms, offset, text, (long long)back,
                 off);
    time_format_rfc3339(ms, offset, false, text);
    if (time_parse_rfc3339(text, &back, &off, &err) != 0)
        fail_msg("'%s' does not parse: %s", text, err.message);
    if (back != floor_to_second(ms) || off != offset)
        fail_msg("%lld at %+d -> '%s' -> %lld, expected %lld", (long long)ms, offset, text,
                 (long long)back, (long long)floor_to_second(ms));
}

/* base/time-format-roundtrip: format then parse gives back the instant and the offset, for
 * instants before and after 1970 and offsets east and west. */
static void base_time_format_roundtrip(void **state)
{
    (void)state;
    const int64_t instants[] = {
        0,
        -1,
        1,
        -999,
        -1000,
        -1001,
        -86400000,
        -86400001,
        1717230600250LL,
        -2208988800000LL + 123,
        -62135596800000LL + 86400000LL, /* 0001-01-02, so west offsets stay in year 1 */
        253402300799999LL - 86400000LL,
        951782399999LL, /* 2000-02-28T23:59:59.999Z */
        1483228799999LL,
    };
    const int offsets[] = { 0, 60, 120, -300, -330, 345, 540, 840, -720, 1439, -1439 };
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
        for (size_t j = 0; j < sizeof offsets / sizeof offsets[0]; j++)
            roundtrip(instants[i], offsets[j]);

    /* And a reproducible spread of instants from year 1 to 9999. */
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    const int64_t lo = -62135596800000LL + 86400000LL, hi = 253402300799999LL - 86400000LL;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t ms = lo + (int64_t)((x >> 11) % (uint64_t)(hi - lo));
        int offset = (int)((x >> 3) % 2879) - 1439;
        roundtrip(ms, offset);
    }
}

/* base/time-civil-anchors */
static void base_time_civil_anchors(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        int64_t days;
    } anchors[] = {
        { 1970, 1, 1, 0 },      { 1969, 12, 31, -1 },      { 2000, 3, 1, 11017 },
        { 2000, 2, 29, 11016 }, { 1900, 1, 1, -25567 },    { 2100, 12, 31, 47846 },
        { 1, 1, 1, -719162 },   { 9999, 12, 31, 2932896 }, { 2024, 6, 1, 19875 },
    };
    for (size_t i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
        int y, m, d;
        assert_int_equal(time_days_from_civil(anchors[i].y, anchors[i].m, anchors[i].d),
                         anchors[i].days);
        time_civil_from_days(anchors[i].days, &y, &m, &d);
        assert_int_equal(y, anchors[i].y);
        assert_int_equal(m, anchors[i].m);
        assert_int_equal(d, anchors[i].d);
    }
}

static int days_in(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* base/time-civil-every-day: walk the calendar one day at a time from 1900-01-01 to
 * 2100-12-31 (independently of the formula) and check both directions on every day. */
static void base_time_civil_every_day(void **state)
{
    (void)state;
    int y = 1900, m = 1, d = 1;
    int64_t n = -25567;
    for (;;) {
        int64_t got = time_days_from_civil(y, m, d);
        if (got != n)
            fail_msg("%04d-%02d-%02d -> %lld, expected %lld", y, m, d, (long long)got,
                     (long long)n);
        int gy, gm, gd;
        time_civil_from_days(n, &gy, &gm, &gd);
        if (gy != y || gm != m || gd != d)
            fail_msg("%lld -> %04d-%02d-%02d, expected %04d-%02d-%02d", (long long)n, gy, gm, gd, y,
                     m, d);
        if (y == 2100 && m == 12 && d == 31)
            break;
        n++;
        if (++d > days_in(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(n, 47846);

    /* Far wider, both directions agree and every date is a real one. */
    for (int64_t k = -800000; k <= 3000000; k += 7) {
        int gy, gm, gd;
        time_civil_from_days(k, &gy, &gm, &gd);
        assert_in_range(gm, 1, 12);
        assert_in_range(gd, 1, days_in(gy, gm));
        if (time_days_from_civil(gy, gm, gd) != k)
            fail_msg("%lld -> %d-%02d-%02d -> %lld", (long long)k, gy, gm, gd,
                     (long long)time_days_from_civil(gy, gm, gd));
    }
}

/* base/time-clocks: the wall clock is plausible and the monotonic clock never goes back. */
static void base_time_clocks(void **state)
{
    (void)state;
    int64_t now = time_now_ms();
    assert_true(now > 1704067200000LL); /* after 2024-01-01 */
    assert_true(now < 4102444800000LL); /* before 2100-01-01 */
    int64_t prev = time_mono_ms();
    for (int i = 0; i < 10000; i++) {
        int64_t t = time_mono_ms();
        assert_true(t >= prev);
        prev = t;
    }
}

static int64_t fixed_clock(void)
{
    return 1483228799000LL;
}

/* base/time-set-clock: a test can hold the wall clock still, and give it back. */
static void base_time_set_clock(void **state)
{
    (void)state;
    time_set_clock(fixed_clock);
    assert_int_equal(time_now_ms(), 1483228799000LL);
    time_set_clock(NULL);
    assert_true(time_now_ms() > 1704067200000LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/time-parse-utc", base_time_parse_utc),
        BH_TEST("base/time-parse-offset", base_time_parse_offset),
        BH_TEST("base/time-parse-fraction", base_time_parse_fraction),
        BH_TEST("base/time-parse-separators", base_time_parse_separators),
        BH_TEST("base/time-parse-leap-second", base_time_parse_leap_second),
        BH_TEST("base/time-parse-rejects", base_time_parse_rejects),
        BH_TEST("base/time-parse-date", base_time_parse_date),
        BH_TEST("base/time-format-known", base_time_format_known),
        BH_TEST("base/time-format-roundtrip", base_time_format_roundtrip),
        BH_TEST("base/time-civil-anchors", base_time_civil_anchors),
        BH_TEST("base/time-civil-every-day", base_time_civil_every_day),
        BH_TEST("base/time-clocks", base_time_clocks),
        BH_TEST("base/time-set-clock", base_time_set_clock),
    };
    return cmocka_run_group_tests_name("base/time", tests, NULL, NULL);
}
