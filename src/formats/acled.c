/* ACLED CSV reader over the libcsv reader: the header names the columns, each row becomes
 * typed values or the reason it cannot. */
#include "formats/acled.h"

#include "base/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col {
    C_EVENT_ID_CNTY,
    C_EVENT_DATE,
    C_YEAR,
    C_TIME_PRECISION,
    C_EVENT_TYPE,
    C_SUB_EVENT_TYPE,
    C_ACTOR1,
    C_ACTOR2,
    C_ISO,
    C_COUNTRY,
    C_ADMIN1,
    C_ADMIN2,
    C_LOCATION,
    C_LATITUDE,
    C_LONGITUDE,
    C_GEO_PRECISION,
    C_NOTES,
    C_FATALITIES,
    NCOLS
};

static const char *const col_names[NCOLS] = {
    "event_id_cnty", "event_date", "year",      "time_precision", "event_type", "sub_event_type",
    "actor1",        "actor2",     "iso",       "country",        "admin1",     "admin2",
    "location",      "latitude",   "longitude", "geo_precision",  "notes",      "fatalities",
};

/* Without these a row is no event we can identify, type, place or count. */
static const enum col required[] = { C_EVENT_ID_CNTY,  C_EVENT_DATE, C_EVENT_TYPE,
                                     C_SUB_EVENT_TYPE, C_ACTOR1,     C_COUNTRY,
                                     C_LATITUDE,       C_LONGITUDE,  C_FATALITIES };

static const char *const months[12] = { "january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december" };

bool acled_parse_date(const char *s, char out[11])
{
    int y, m, d;
    struct bh_error ignored;
    if (!s)
        return false;
    if (strlen(s) == 10 && s[4] == '-' && time_parse_date(s, &y, &m, &d, &ignored) == 0) {
        memcpy(out, s, 11);
        return true;
    }
    /* "15 January 2023", "15-Jan-2023": day, month name (whole, or its first three
     * letters), four-digit year. */
    char *end;
    errno = 0;
    long day = strtol(s, &end, 10);
    if (end == s || errno || (*end != ' ' && *end != '-'))
        return false;
    const char *name = end + 1;
    size_t n = 0;
    while (isalpha((unsigned char)name[n]))
        n++;
    if (n < 3 || (name[n] != ' ' && name[n] != '-'))
        return false;
    int month = 0;
    for (int i = 0; i < 12 && !month; i++)
        if ((n == 3 || n == strlen(months[i])) && strncasecmp(name, months[i], n) == 0)
            month = i + 1;
    if (!month)
        return false;
    const char *ys = name + n + 1;
    if (strlen(ys) != 4 || !isdigit((unsigned char)ys[0]) || !isdigit((unsigned char)ys[1]) ||
        !isdigit((unsigned char)ys[2]) || !isdigit((unsigned char)ys[3]))
        return false;
    char iso[16];
    snprintf(iso, sizeof iso, "%.4s-%02d-%02ld", ys, month, day >= 0 && day < 100 ? day : 0);
    if (time_parse_date(iso, &y, &m, &d, &ignored))
        return false;
    memcpy(out, iso, 11);
    return true;
}

static bool parse_int(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno)
        return false;
    if (*end == '.') { /* "3.0", as spreadsheets write it */
        end++;
        while (*end == '0')
            end++;
    }
    if (*end)
        return false;
    *out = v;
    return true;
}

struct run {
    acled_row_fn fn;
    void *ctx;
    struct acled_read_info *info;
    bool header_seen;
    long index[NCOLS];
};

static const char *cell(const struct run *r, struct csv_row *row, enum col k)
{
    long i = r->index[k];
    if (i < 0 || (size_t)i >= row->nfields)
        return NULL;
    csv_trim(row, (size_t)i);
    return row->fields[i][0] ? row->fields[i] : NULL;
}

static int missing(struct bh_error *p, enum col k)
{
    return bh_fail(p, BH_EINVALID, col_names[k], "%s is required", col_names[k]);
}

static int bad_value(struct bh_error *p, enum col k, const char *v, const char *why)
{
    return bh_fail(p, BH_EINVALID, col_names[k], "%s '%.40s' %s", col_names[k], v, why);
}

/* An optional code in 1..hi. */
static int code_col(const struct run *r, struct csv_row *row, enum col k, int hi, int *out,
                    struct bh_error *p)
{
    const char *s = cell(r, row, k);
    int64_t v;
    *out = 0;
    if (!s)
        return 0;
    if (!parse_int(s, &v) || v < 1 || v > hi)
        return bh_fail(p, BH_EINVALID, col_names[k], "%s '%.20s' is not a code 1-%d", col_names[k],
                       s, hi);
    *out = (int)v;
    return 0;
}

static int coordinate(const struct run *r, struct csv_row *row, enum col k, double limit,
                      double *out, struct bh_error *p)
{
    const char *s = cell(r, row, k);
    if (!s)
        return missing(p, k);
    errno = 0;
    char *end;
    *out = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(*out))
        return bad_value(p, k, s, "is not a number");
    if (*out < -limit || *out > limit)
        return bh_fail(p, BH_EINVALID, col_names[k], "%s %.40s is outside -%g..%g", col_names[k], s,
                       limit, limit);
    return 0;
}

static int parse_row(const struct run *r, struct csv_row *row, struct acled_row *a,
                     struct bh_error *p)
{
    memset(a, 0, sizeof *a);
    a->iso = -1;
    const char *s = cell(r, row, C_EVENT_ID_CNTY);
    if (!s)
        return missing(p, C_EVENT_ID_CNTY);
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            return bad_value(p, C_EVENT_ID_CNTY, s,
                             "is not an ACLED event id (letters and digits, such as CAF1234)");
    if (strlen(s) > 32)
        return bad_value(p, C_EVENT_ID_CNTY, s, "is longer than an ACLED event id (32)");
    a->event_id_cnty = s;

    s = cell(r, row, C_EVENT_DATE);
    if (!s)
        return missing(p, C_EVENT_DATE);
    if (!acled_parse_date(s, a->event_date))
        return bad_value(p, C_EVENT_DATE, s,
                         "is not a date (2023-01-15, or 15 January 2023 as older exports write)");
    int64_t v;
    if ((s = cell(r, row, C_YEAR))) {
        if (!parse_int(s, &v))
            return bad_value(p, C_YEAR, s, "is not a year");
        if (v != atoi(a->event_date))
            return bh_fail(p, BH_EINVALID, "year", "year %lld does not match event_date %s",
                           (long long)v, a->event_date);
    }
    int rc = code_col(r, row, C_TIME_PRECISION, 3, &a->time_precision, p);
    if (rc)
        return rc;
    if (!(a->event_type = cell(r, row, C_EVENT_TYPE)))
        return missing(p, C_EVENT_TYPE);
    if (!(a->sub_event_type = cell(r, row, C_SUB_EVENT_TYPE)))
        return missing(p, C_SUB_EVENT_TYPE);
    if (!(a->actor1 = cell(r, row, C_ACTOR1)))
        return missing(p, C_ACTOR1);
    a->actor2 = cell(r, row, C_ACTOR2);
    if ((s = cell(r, row, C_ISO))) {
        if (!parse_int(s, &v) || v < 0 || v > 999)
            return bad_value(p, C_ISO, s, "is not an ISO 3166 numeric country code");
        a->iso = (int)v;
    }
    a->country = cell(r, row, C_COUNTRY);
    a->admin1 = cell(r, row, C_ADMIN1);
    a->admin2 = cell(r, row, C_ADMIN2);
    a->location = cell(r, row, C_LOCATION);
    if ((rc = coordinate(r, row, C_LATITUDE, 90, &a->latitude, p)) ||
        (rc = coordinate(r, row, C_LONGITUDE, 180, &a->longitude, p)) ||
        (rc = code_col(r, row, C_GEO_PRECISION, 3, &a->geo_precision, p)))
        return rc;
    a->notes = cell(r, row, C_NOTES);
    if (!(s = cell(r, row, C_FATALITIES)))
        return missing(p, C_FATALITIES);
    if (!parse_int(s, &a->fatalities) || a->fatalities < 0)
        return bad_value(p, C_FATALITIES, s, "is not a count (a whole number from 0)");
    return 0;
}

static int header(struct run *r, struct csv_row *row, struct bh_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        r->index[k] = -1;
    for (size_t i = 0; i < row->nfields; i++) {
        csv_trim(row, i);
        for (int k = 0; k < NCOLS; k++)
            if (r->index[k] < 0 && strcasecmp(row->fields[i], col_names[k]) == 0)
                r->index[k] = (long)i;
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (r->index[required[i]] < 0)
            return bh_fail(err, BH_EINVALID, col_names[required[i]],
                           "line %ld: the header has no column '%s': an ACLED export names its "
                           "columns (event_id_cnty, event_date, event_type, sub_event_type, "
                           "actor1, country, latitude, longitude, fatalities, ...)",
                           row->line, col_names[required[i]]);
    r->info->has_actor2 = r->index[C_ACTOR2] >= 0;
    return 0;
}

static int on_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct run *r = ctx;
    if (!r->header_seen) {
        r->header_seen = true;
        return header(r, row, err);
    }
    r->info->rows++;
    struct acled_row a;
    struct bh_error problem;
    bh_error_clear(&problem);
    if (parse_row(r, row, &a, &problem))
        return r->fn(r->ctx, NULL, row->line, cell(r, row, C_EVENT_ID_CNTY), &problem, err);
    return r->fn(r->ctx, &a, row->line, a.event_id_cnty, NULL, err);
}

static int finish(struct run *r, int rc, struct bh_error *err)
{
    if (!rc && !r->header_seen)
        return bh_fail(err, BH_EINVALID, "file", "the file is empty: expected an ACLED header");
    return rc;
}

int acled_read_file(FILE *f, acled_row_fn fn, void *ctx, struct acled_read_info *info,
                    struct csv_position *where, struct bh_error *err)
{
    struct run r = { fn, ctx, info, false, { 0 } };
    info->has_actor2 = false;
    info->rows = 0;
    struct csv_reader_opts opts = { on_row, NULL, &r, where };
    return finish(&r, csv_read_file(f, &opts, err), err);
}

int acled_read_mem(const char *data, size_t len, acled_row_fn fn, void *ctx,
                   struct acled_read_info *info, struct csv_position *where, struct bh_error *err)
{
    struct run r = { fn, ctx, info, false, { 0 } };
    info->has_actor2 = false;
    info->rows = 0;
    struct csv_reader_opts opts = { on_row, NULL, &r, where };
    return finish(&r, csv_read_mem(data, len, &opts, err), err);
}
