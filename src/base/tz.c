#include "base/tz.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "base/timeutil.h"

/* Every function opens its own UCalendar and closes it before returning: a UCalendar is not
 * safe to share between threads, and opening one costs microseconds against a request's
 * milliseconds, so there is no cache and no global to lock. */

/* Earliest and latest years accepted: four digits, as RFC 3339 writes them. */
#define TZ_YEAR_MIN 1
#define TZ_YEAR_MAX 9999

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int mo)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return mo == 2 && leap_year(y) ? 29 : days[mo - 1];
}

/* Copies an ASCII zone name into UTF-16. IANA names are ASCII letters, digits and "/_+-"; any
 * other byte (a NUL-free path such as "../x" included, since '.' is not among them) makes the
 * name unknown before ICU sees it, so ICU never parses text it was not meant for. */
static int to_uchars(const char *name, UChar out[TZ_NAME_MAX + 1])
{
    size_t n = strlen(name);
    if (n == 0 || n > TZ_NAME_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '_' || c == '+' || c == '-';
        if (!ok)
            return -1;
        out[i] = (UChar)c;
    }
    out[n] = 0;
    return (int)n;
}

bool tz_valid(const char *name)
{
    if (!name)
        return false;
    UChar id[TZ_NAME_MAX + 1];
    int n = to_uchars(name, id);
    if (n < 0)
        return false;
    UChar canon[128];
    UBool system = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = ucal_getCanonicalTimeZoneID(id, n, canon, 128, &system, &st);
    if (U_FAILURE(st) || !system || len <= 0)
        return false;
    /* ICU answers "Etc/Unknown" for a name it does not know rather than failing: that zone is
     * UTC in disguise, and accepting it would store a typo as if it were a place. */
    static const char unknown[] = "Etc/Unknown";
    if (len == (int32_t)(sizeof unknown - 1)) {
        bool same = true;
        for (int32_t i = 0; i < len; i++)
            same = same && canon[i] == (UChar)unknown[i];
        if (same)
            return false;
    }
    return true;
}

/* A Gregorian calendar in zone `name`, proleptic (no Julian dates before 1582: RFC 3339 has
 * none), reading skipped and repeated wall times as tz.h says. NULL and `err` filled when the
 * zone is unknown or ICU fails. The caller closes it. */
static UCalendar *open_cal(const char *name, const char *field, struct bh_error *err)
{
    if (!tz_valid(name)) {
        bh_fail(err, BH_EINVALID, field, "unknown time zone '%.40s'", name ? name : "");
        return NULL;
    }
    UChar id[TZ_NAME_MAX + 1];
    int n = to_uchars(name, id);
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(id, n, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st) || !cal) {
        if (cal)
            ucal_close(cal);
        bh_fail(err, BH_EINTERNAL, field, "time zone '%.40s' could not be opened: %s", name,
                u_errorName(st));
        return NULL;
    }
    ucal_setGregorianChange(cal, -8.64e15, &st);
    /* 02:30 on the spring-forward day is read with the offset in force before the change, the
     * instant the clocks then show as 03:30 (ICU's "last" reading; "next valid" would give
     * 03:00 and move a meeting by half an hour less than the clocks did). */
    ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
    /* 01:30 on the fall-back day happens twice: the first one comes first, and a deadline
     * must not slip by an hour because of it. */
    ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    if (U_FAILURE(st)) {
        ucal_close(cal);
        bh_fail(err, BH_EINTERNAL, field, "time zone '%.40s' could not be opened: %s", name,
                u_errorName(st));
        return NULL;
    }
    return cal;
}

int tz_local_to_utc(const char *name, int y, int mo, int d, int h, int mi, int s, int64_t *ms,
                    const char *field, struct bh_error *err)
{
    if (y < TZ_YEAR_MIN || y > TZ_YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
        return bh_fail(err, BH_EINVALID, field, "%04d-%02d-%02d is not a date", y, mo, d);
    /* 24:00 is refused: it is the next day's 00:00, and one instant gets one spelling. */
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
        return bh_fail(err, BH_EINVALID, field, "%02d:%02d:%02d is not a time of day", h, mi, s);
    UCalendar *cal = open_cal(name, field, err);
    if (!cal)
        return err ? err->code : BH_EINVALID;
    UErrorCode st = U_ZERO_ERROR;
    ucal_clear(cal);
    ucal_setDateTime(cal, y, mo - 1, d, h, mi, s, &st);
    ucal_set(cal, UCAL_MILLISECOND, 0);
    UDate t = ucal_getMillis(cal, &st);
    ucal_close(cal);
    if (U_FAILURE(st))
        return bh_fail(err, BH_EINVALID, field, "%04d-%02d-%02dT%02d:%02d:%02d in %.40s: %s", y, mo,
                       d, h, mi, s, name, u_errorName(st));
    *ms = (int64_t)t;
    return 0;
}

int tz_utc_to_local(const char *name, int64_t ms, int *y, int *mo, int *d, int *h, int *mi, int *s,
                    int *offset_min, struct bh_error *err)
{
    UCalendar *cal = open_cal(name, "time_zone", err);
    if (!cal)
        return err ? err->code : BH_EINVALID;
    UErrorCode st = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)ms, &st);
    int fy = ucal_get(cal, UCAL_EXTENDED_YEAR, &st);
    int fmo = ucal_get(cal, UCAL_MONTH, &st) + 1;
    int fd = ucal_get(cal, UCAL_DATE, &st);
    int fh = ucal_get(cal, UCAL_HOUR_OF_DAY, &st);
    int fmi = ucal_get(cal, UCAL_MINUTE, &st);
    int fs = ucal_get(cal, UCAL_SECOND, &st);
    int off = ucal_get(cal, UCAL_ZONE_OFFSET, &st) + ucal_get(cal, UCAL_DST_OFFSET, &st);
    ucal_close(cal);
    if (U_FAILURE(st))
        return bh_fail(err, BH_EINVALID, "time_zone", "instant %lld in %.40s: %s", (long long)ms,
                       name, u_errorName(st));
    if (y)
        *y = fy;
    if (mo)
        *mo = fmo;
    if (d)
        *d = fd;
    if (h)
        *h = fh;
    if (mi)
        *mi = fmi;
    if (s)
        *s = fs;
    if (offset_min)
        *offset_min = off / 60000;
    return 0;
}

/* Reads exactly `n` digits at *p and advances; false when they are not there. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

int tz_parse_instant(const char *text, const char *zone, int64_t *ms, const char *field,
                     struct bh_error *err)
{
    if (!text || !*text)
        return bh_fail(err, BH_EINVALID, field, "a date and time is required");
    /* The longest RFC 3339 text read (nanoseconds and an offset) is 35 bytes: anything longer
     * is not one, and quoting it whole would put a stranger's megabyte in the reply. */
    if (strlen(text) > 40)
        return bh_fail(err, BH_EINVALID, field, "'%.40s…' is too long for a date and time", text);
    const char *p = text;
    int y, mo, d, h, mi, s = 0;
    bool shape = digits(&p, 4, &y) && *p++ == '-' && digits(&p, 2, &mo) && *p++ == '-' &&
                 digits(&p, 2, &d) && (*p == 'T' || *p == 't' || *p == ' ') && (p++, true) &&
                 digits(&p, 2, &h) && *p++ == ':' && digits(&p, 2, &mi);
    if (!shape)
        return bh_fail(err, BH_EINVALID, field,
                       "'%s' is not a date and time (write 2026-12-10T18:00 with a time zone, "
                       "or 2026-12-10T23:00:00Z)",
                       text);
    if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
        p++;
        if (!digits(&p, 2, &s))
            return bh_fail(err, BH_EINVALID, field, "'%s': seconds must be two digits", text);
    }
    if (mo < 1 || mo > 12)
        return bh_fail(err, BH_EINVALID, field, "'%s': month %02d does not exist", text, mo);
    if (d < 1 || d > month_days(y, mo))
        return bh_fail(err, BH_EINVALID, field, "'%s': day %02d does not exist in %04d-%02d", text,
                       d, y, mo);
    if (h > 23 || mi > 59 || s > 59)
        return bh_fail(err, BH_EINVALID, field, "'%s': %02d:%02d:%02d is not a time of day", text,
                       h, mi, s);
    if (*p == '\0') {
        /* A wall-clock time: its zone comes from elsewhere in the request. */
        if (!zone || !*zone)
            return bh_fail(err, BH_EINVALID, field,
                           "'%s' has no offset and no time zone was given: add \"time_zone\" or "
                           "write the offset (Z or +HH:MM)",
                           text);
        if (!tz_valid(zone))
            return bh_fail(err, BH_EINVALID, "time_zone", "unknown time zone '%.40s'", zone);
        return tz_local_to_utc(zone, y, mo, d, h, mi, s, ms, field, err);
    }
    struct bh_error perr;
    if (time_parse_rfc3339(text, ms, NULL, &perr) != 0) {
        /* timeutil's sentence, already in the reader's language and quoting the text (at
         * most 40 bytes, checked above), under this caller's field. */
        if (err) {
            *err = perr;
            snprintf(err->field, sizeof err->field, "%s", field ? field : "");
        }
        return perr.code;
    }
    return 0;
}

int tz_format_local(const char *name, int64_t ms, char out[40], struct bh_error *err)
{
    int off;
    int rc = tz_utc_to_local(name, ms, NULL, NULL, NULL, NULL, NULL, NULL, &off, err);
    if (rc) {
        out[0] = '\0';
        return rc;
    }
    /* Whole seconds, as the wall clock is shown; the stored instant keeps its milliseconds. */
    time_format_rfc3339(ms - ((ms % 1000) + 1000) % 1000, off, false, out);
    return 0;
}

int tz_end_of_day(const char *name, int y, int mo, int d, int64_t *ms, struct bh_error *err)
{
    if (y < TZ_YEAR_MIN || y > TZ_YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
        return bh_fail(err, BH_EINVALID, "date", "%04d-%02d-%02d is not a date", y, mo, d);
    int ny, nmo, nd;
    time_civil_from_days(time_days_from_civil(y, mo, d) + 1, &ny, &nmo, &nd);
    /* Where clocks skip midnight itself, 00:00 is read with the old offset: exactly the
     * instant the day ends. */
    return tz_local_to_utc(name, ny, nmo, nd, 0, 0, 0, ms, "date", err);
}

int tz_local_date(const char *name, int64_t ms, char out[11], struct bh_error *err)
{
    int y, mo, d;
    int rc = tz_utc_to_local(name, ms, &y, &mo, &d, NULL, NULL, NULL, NULL, err);
    if (rc) {
        out[0] = '\0';
        return rc;
    }
    if (y < 0 || y > 9999) {
        out[0] = '\0';
        return bh_fail(err, BH_EINVALID, "time_zone", "year %d cannot be written as YYYY", y);
    }
    snprintf(out, 11, "%04d-%02d-%02d", y, mo, d);
    return 0;
}

/* Whether zone id `zone` ("Asia/Nicosia", "America/Port_of_Spain") names city `city` by its
 * last part, underscores read as spaces, letters compared without case. */
static bool zone_names_city(const char *zone, int32_t len, const char *city)
{
    const char *last = zone;
    for (int32_t i = 0; i < len; i++)
        if (zone[i] == '/')
            last = zone + i + 1;
    size_t n = (size_t)(zone + len - last);
    if (n != strlen(city))
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = last[i] == '_' ? ' ' : last[i], b = city[i];
        if (tolower((unsigned char)a) != tolower((unsigned char)b))
            return false;
    }
    return true;
}

void tz_for_country(const char *iso3, const char *city, char out[TZ_NAME_MAX + 1])
{
    snprintf(out, TZ_NAME_MAX + 1, "UTC");
    if (!iso3 || strlen(iso3) != 3)
        return;
    const char *iso2 = NULL;
    for (const char *const *c = uloc_getISOCountries(); c && *c; c++) {
        char loc[8];
        snprintf(loc, sizeof loc, "_%s", *c);
        if (strcmp(uloc_getISO3Country(loc), iso3) == 0) {
            iso2 = *c;
            break;
        }
    }
    if (!iso2)
        return;
    /* Canonical location zones only: ucal_openCountryTimeZones() also lists ICU's legacy
     * three-letter IDs ("ECT" first for France), which are no place a person would recognize.
     * The list is sorted by name, so for a country of several zones this is the first one
     * alphabetically ("Africa/Kinshasa" for the DRC), not necessarily the capital's. */
    UErrorCode st = U_ZERO_ERROR;
    UEnumeration *zones =
        ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, iso2, NULL, &st);
    if (U_FAILURE(st) || !zones)
        return;
    bool found = false;
    int32_t len = 0;
    for (const char *z; !found && (z = uenum_next(zones, &len, &st)) && U_SUCCESS(st);) {
        if (len <= 0 || len > TZ_NAME_MAX)
            continue;
        bool named = city && *city && zone_names_city(z, len, city);
        /* The first zone is kept until one names the city. */
        if (named || strcmp(out, "UTC") == 0) {
            memcpy(out, z, (size_t)len);
            out[len] = '\0';
        }
        found = named;
    }
    uenum_close(zones);
}
