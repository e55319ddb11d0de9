#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The clock time_now_ms() reads; NULL is the system's. */
static int64_t (*now_fn)(void);

void time_set_clock(int64_t (*fn)(void))
{
    now_fn = fn;
}

int64_t time_now_ms(void)
{
    if (now_fn)
        return now_fn();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date, no tables,
 * no dependence on the process time zone (timegm is not in C11 or POSIX). */
int64_t time_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (m <= 2));
    *month = m;
    *day = d;
}

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads exactly `n` digits at *p into *out and advances; -1 when they are not there. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int parse_date_part(const char **p, int *y, int *mo, int *d, const char *orig,
                           struct bh_error *err)
{
    if (digits(p, 4, y) || **p != '-' || (++*p, digits(p, 2, mo)) || **p != '-' ||
        (++*p, digits(p, 2, d)))
        return bh_fail(err, BH_EINVALID, NULL, "'%s' is not a date (expected YYYY-MM-DD)", orig);
    if (*mo < 1 || *mo > 12)
        return bh_fail(err, BH_EINVALID, NULL, "'%s': month %02d does not exist", orig, *mo);
    if (*d < 1 || *d > days_in_month(*y, *mo))
        return bh_fail(err, BH_EINVALID, NULL, "'%s': day %02d does not exist in %04d-%02d", orig,
                       *d, *y, *mo);
    return 0;
}

int time_parse_date(const char *s, int *year, int *month, int *day, struct bh_error *err)
{
    const char *p = s;
    int rc = parse_date_part(&p, year, month, day, s, err);
    if (rc)
        return rc;
    if (*p)
        return bh_fail(err, BH_EINVALID, NULL, "'%s' is not a date (expected YYYY-MM-DD)", s);
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *ms, int *offset_min, struct bh_error *err)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, frac_ms = 0;
    int rc = parse_date_part(&p, &y, &mo, &d, s, err);
    if (rc)
        return rc;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return bh_fail(err, BH_EINVALID, NULL,
                       "'%s' is not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SSZ)", s);
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &sec))
        return bh_fail(err, BH_EINVALID, NULL, "'%s': time must be HH:MM:SS", s);
    if (h > 23 || mi > 59 || sec > 60)
        return bh_fail(err, BH_EINVALID, NULL, "'%s': %02d:%02d:%02d is not a time of day", s, h,
                       mi, sec);
    /* The store keeps POSIX time, which has no leap seconds: reading :60 as :59.999 would
     * change the value without a word, so the writer is asked to do it. */
    if (sec == 60)
        return bh_fail(err, BH_EINVALID, NULL,
                       "'%s': leap seconds (:60) are not accepted; use %02d:%02d:59", s, h, mi);
    if (*p == '.') {
        p++;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
            /* Keep milliseconds; further digits are read and truncated. */
            if (n < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
            n++;
            p++;
        }
        if (n == 0)
            return bh_fail(err, BH_EINVALID, NULL, "'%s': no digits after the decimal point", s);
        for (; n < 3; n++)
            frac_ms *= 10;
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            return bh_fail(err, BH_EINVALID, NULL, "'%s': offset must be Z or +HH:MM", s);
        offset = sign * (oh * 60 + om);
    } else {
        return bh_fail(err, BH_EINVALID, NULL, "'%s': a time zone offset (Z or +HH:MM) is required",
                       s);
    }
    if (*p)
        return bh_fail(err, BH_EINVALID, NULL, "'%s': unexpected text after the offset", s);
    int64_t days = time_days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset * 60;
    *ms = secs * 1000 + frac_ms;
    if (offset_min)
        *offset_min = offset;
    return 0;
}

int time_format_rfc3339(int64_t ms, int offset_min, bool with_ms, char out[40])
{
    int64_t local = ms + (int64_t)offset_min * 60000;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int64_t rest = local - days * 86400000;
    int y, mo, d;
    time_civil_from_days(days, &y, &mo, &d);
    int h = (int)(rest / 3600000), mi = (int)(rest / 60000 % 60), sec = (int)(rest / 1000 % 60);
    int frac = (int)(rest % 1000);
    int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
    if (with_ms)
        n += snprintf(out + n, (size_t)(40 - n), ".%03d", frac);
    if (offset_min == 0) {
        n += snprintf(out + n, (size_t)(40 - n), "Z");
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        n += snprintf(out + n, (size_t)(40 - n), "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60,
                      a % 60);
    }
    return n;
}
