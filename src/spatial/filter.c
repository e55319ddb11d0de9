/* The map layers' filters, read from text (a query string, command-line options) and checked
 * before any SQL is built: a bad value answers naming its parameter and saying which part of
 * it is wrong, so a person can fix the URL without reading the code. */
#include "spatial/spatial.h"

#include "base/list.h"
#include "base/timeutil.h"
#include "taxonomy/taxonomy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const spatial_filter_names[] = {
    "bbox",   "near", "from",      "to",   "mission", "type",
    "status", "q",    "synthetic", "mine", "sort",    NULL,
};

/* The workflow states of an incident (migration 0008's CHECK). */
static const char *const statuses[] = {
    "draft", "submitted", "endorsed", "returned", "merged", NULL
};

void spatial_filter_init(struct spatial_filter *f)
{
    memset(f, 0, sizeof *f);
}

/* A decimal number and nothing else: strtod alone would also take "nan", "inf" and hex
 * floats, none of which is a coordinate. */
static bool parse_number(const char *s, size_t len, double *out)
{
    char tmp[48];
    if (len == 0 || len >= sizeof tmp)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", s[i]))
            return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Splits "a,b,c" into exactly `n` numbers; `parts` names them for the messages. */
static int parse_numbers(const char *name, const char *value, const char *shape, int n,
                         const char *const *parts, double *out, struct bh_error *err)
{
    const char *p = value;
    for (int i = 0; i < n; i++) {
        const char *comma = strchr(p, ',');
        if ((i < n - 1) != (comma != NULL))
            return bh_fail(err, BH_EINVALID, name, "%s '%.80s' must be %d numbers: %s", name, value,
                           n, shape);
        const char *end = comma ? comma : p + strlen(p);
        while (p < end && *p == ' ')
            p++;
        while (end > p && end[-1] == ' ')
            end--;
        if (!parse_number(p, (size_t)(end - p), &out[i]))
            return bh_fail(err, BH_EINVALID, name, "%s: %s '%.*s' is not a number", name, parts[i],
                           (int)(end - p > 40 ? 40 : end - p), p);
        p = comma ? comma + 1 : p;
    }
    return 0;
}

static int check_range(const char *name, const char *part, double v, double lo, double hi,
                       struct bh_error *err)
{
    if (v < lo || v > hi)
        return bh_fail(err, BH_EINVALID, name, "%s: %s %g must be from %g to %g", name, part, v, lo,
                       hi);
    return 0;
}

static int set_bbox(struct spatial_filter *f, const char *value, struct bh_error *err)
{
    static const char *const parts[] = { "west", "south", "east", "north" };
    double v[4];
    int rc = parse_numbers("bbox", value, "west,south,east,north", 4, parts, v, err);
    for (int i = 0; !rc && i < 4; i++)
        rc = check_range("bbox", parts[i], v[i], i % 2 ? -90 : -180, i % 2 ? 90 : 180, err);
    if (rc)
        return rc;
    /* West greater than east is a box across the antimeridian (170,-20,-170,-10 holds Fiji);
     * south greater than north is no box at all. */
    if (v[1] > v[3])
        return bh_fail(err, BH_EINVALID, "bbox", "bbox: south %g is north of north %g", v[1], v[3]);
    f->has_bbox = true;
    f->west = v[0];
    f->south = v[1];
    f->east = v[2];
    f->north = v[3];
    return 0;
}

static int set_near(struct spatial_filter *f, const char *value, struct bh_error *err)
{
    static const char *const parts[] = { "lat", "lon", "km" };
    double v[3];
    int rc = parse_numbers("near", value, "lat,lon,km", 3, parts, v, err);
    if (!rc)
        rc = check_range("near", "lat", v[0], -90, 90, err);
    if (!rc)
        rc = check_range("near", "lon", v[1], -180, 180, err);
    if (rc)
        return rc;
    if (!(v[2] > 0) || v[2] > SPATIAL_NEAR_MAX_KM)
        return bh_fail(err, BH_EINVALID, "near",
                       "near: km %g must be more than 0 and at most %g (use bbox for wider "
                       "areas)",
                       v[2], SPATIAL_NEAR_MAX_KM);
    f->has_near = true;
    f->near_lat = v[0];
    f->near_lon = v[1];
    f->near_km = v[2];
    return 0;
}

/* A date or an RFC 3339 time, as the bound it sets on occurred_at (stored as RFC 3339 UTC to
 * the second, "2024-03-02T06:40:00Z", so text order is time order). `from` is inclusive from
 * its first second; `to` is inclusive to its last: a date `to` takes in that whole day, and a
 * time with a fraction of a second takes in the second it falls in. */
static int set_time(const char *name, const char *value, bool upper, char out[40],
                    struct bh_error *err)
{
    int64_t ms;
    int y, mo, d;
    struct bh_error ignored;
    if (strlen(value) == 10 && time_parse_date(value, &y, &mo, &d, &ignored) == 0) {
        ms = time_days_from_civil(y, mo, d) * 86400000;
        if (upper)
            ms += 86399000;
    } else if (time_parse_rfc3339(value, &ms, NULL, &ignored) == 0) {
        int64_t frac = ((ms % 1000) + 1000) % 1000;
        ms -= frac;
        if (frac && !upper)
            ms += 1000;
    } else {
        return bh_fail(err, BH_EINVALID, name,
                       "%s '%.60s' is neither a date (YYYY-MM-DD) nor an RFC 3339 time "
                       "(2024-03-02T06:40:00Z)",
                       name, value);
    }
    time_format_rfc3339(ms, 0, false, out);
    return 0;
}

/* A comma-separated list, trimmed, stored as "a,b,c"; each value checked by `check`. */
static int set_list(const char *name, const char *value, char out[SPATIAL_LIST_TEXT],
                    int (*check)(const char *name, const char *v, struct bh_error *err),
                    struct bh_error *err)
{
    char text[SPATIAL_LIST_TEXT] = "";
    size_t used = 0;
    int n = 0;
    const char *rest = value, *p;
    size_t len;
    while (list_next(&rest, &p, &len)) {
        if (len == 0)
            return bh_fail(err, BH_EINVALID, name, "%s '%.80s' has an empty value", name, value);
        if (++n > SPATIAL_LIST_MAX || used + len + 1 >= sizeof text)
            return bh_fail(err, BH_EINVALID, name, "%s lists more than %d values", name,
                           SPATIAL_LIST_MAX);
        char one[SPATIAL_LIST_TEXT];
        memcpy(one, p, len);
        one[len] = '\0';
        int rc = check(name, one, err);
        if (rc)
            return rc;
        if (used)
            text[used++] = ',';
        memcpy(text + used, one, len + 1);
        used += len;
    }
    memcpy(out, text, used + 1);
    return 0;
}

/* Mission acronyms are checked against the store when the query is built. */
static int check_mission(const char *name, const char *v, struct bh_error *err)
{
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\'' || *p == '"')
            return bh_fail(err, BH_EINVALID, name, "mission '%.40s' is not an acronym", v);
    return 0;
}

static int check_type(const char *name, const char *v, struct bh_error *err)
{
    if (!taxonomy_threat_find(v))
        return bh_fail(err, BH_EINVALID, name,
                       "type '%.40s' is not a threat type of the taxonomy (GET /api/v1/taxonomy "
                       "lists the codes)",
                       v);
    return 0;
}

static int check_status(const char *name, const char *v, struct bh_error *err)
{
    if (!taxonomy_in(statuses, v))
        return bh_fail(err, BH_EINVALID, name,
                       "status '%.40s' is not one of draft, submitted, endorsed, returned, "
                       "merged",
                       v);
    return 0;
}

/* Whether the word holds something a tokenizer keeps: a letter or digit (any non-ASCII byte
 * may start one). A word of punctuation only would become an empty phrase. */
static bool has_token(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

static int set_q(struct spatial_filter *f, const char *value, struct bh_error *err)
{
    if (strlen(value) >= sizeof f->q)
        return bh_fail(err, BH_EINVALID, "q", "q is longer than %zu characters", sizeof f->q - 1);
    bool any = false;
    for (const char *p = value; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t len = strcspn(p, " \t\r\n\f\v");
        any |= has_token(p, len);
        p += len;
    }
    if (!any)
        return bh_fail(err, BH_EINVALID, "q", "q '%.60s' has no word to search for", value);
    snprintf(f->q, sizeof f->q, "%s", value);
    return 0;
}

int spatial_filter_set(struct spatial_filter *f, const char *name, const char *value,
                       struct bh_error *err)
{
    /* An empty value is no filter: a form sends its empty fields as `mission=`. */
    if (!value || !*value)
        return 0;
    if (strcmp(name, "bbox") == 0)
        return set_bbox(f, value, err);
    if (strcmp(name, "near") == 0)
        return set_near(f, value, err);
    if (strcmp(name, "from") == 0)
        return set_time(name, value, false, f->from, err);
    if (strcmp(name, "to") == 0)
        return set_time(name, value, true, f->to, err);
    if (strcmp(name, "mission") == 0)
        return set_list(name, value, f->mission, check_mission, err);
    if (strcmp(name, "type") == 0)
        return set_list(name, value, f->type, check_type, err);
    if (strcmp(name, "status") == 0)
        return set_list(name, value, f->status, check_status, err);
    if (strcmp(name, "q") == 0)
        return set_q(f, value, err);
    if (strcmp(name, "synthetic") == 0) {
        /* Demo data is marked, and a reader of real figures must be able to leave it out
         * (the map has a switch for it); "only" is for checking what the demo generator made. */
        if (strcmp(value, "exclude") == 0)
            f->synthetic = SPATIAL_SYNTHETIC_EXCLUDE;
        else if (strcmp(value, "only") == 0)
            f->synthetic = SPATIAL_SYNTHETIC_ONLY;
        else
            return bh_fail(err, BH_EINVALID, name,
                           "synthetic '%.40s' must be exclude (real records only) or only "
                           "(synthetic records only)",
                           value);
        return 0;
    }
    if (strcmp(name, "mine") == 0) {
        if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0)
            f->mine = true;
        else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0)
            f->mine = false;
        else
            return bh_fail(err, BH_EINVALID, name,
                           "mine '%.40s' must be 1 (the records you reported) or 0", value);
        return 0;
    }
    if (strcmp(name, "sort") == 0) {
        if (strcmp(value, "-occurred") == 0)
            f->ascending = false;
        else if (strcmp(value, "occurred") == 0)
            f->ascending = true;
        else
            return bh_fail(err, BH_EINVALID, name,
                           "sort '%.40s' must be -occurred (newest first) or occurred (oldest "
                           "first)",
                           value);
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "unknown filter '%.40s'", name);
}

int spatial_filter_read(struct spatial_filter *f, const char *(*get)(void *ctx, const char *name),
                        void *ctx, struct bh_error *err)
{
    for (const char *const *n = spatial_filter_names; *n; n++) {
        int rc = spatial_filter_set(f, *n, get(ctx, *n), err);
        if (rc)
            return rc;
    }
    return 0;
}
