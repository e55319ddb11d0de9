/* UCDP GED reader: GeoJSON through the streaming reader (one feature in memory at a time),
 * CSV through the libcsv reader, one parser of the columns for both. */
#include "formats/ucdp.h"

#include "base/timeutil.h"
#include "formats/csv.h"
#include "formats/geojson.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The GED columns the import reads, by their names in the codebook. */
enum col {
    C_ID,
    C_TYPE_OF_VIOLENCE,
    C_SIDE_A,
    C_SIDE_B,
    C_WHERE_PREC,
    C_WHERE_COORDINATES,
    C_WHERE_DESCRIPTION,
    C_ADM_1,
    C_ADM_2,
    C_COUNTRY,
    C_DATE_PREC,
    C_DATE_START,
    C_DATE_END,
    C_BEST,
    C_LOW,
    C_HIGH,
    C_SOURCE_ARTICLE,
    C_LATITUDE,
    C_LONGITUDE,
    NCOLS
};

static const char *const col_names[NCOLS] = {
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "best",
    "low",
    "high",
    "source_article",
    "latitude",
    "longitude",
};

/* Without these a row is no event we can place, date or count; a CSV header lacking one is
 * not a GED file. (In GeoJSON the point is the geometry, not a property.) */
static const enum col required[] = { C_ID,   C_TYPE_OF_VIOLENCE, C_DATE_START,
                                     C_BEST, C_LATITUDE,         C_LONGITUDE };

/* The text of each column of one event, NULL when absent. A JSON value that cannot be read as
 * text (an object, an array, a boolean) is `wrong_type`. */
static const char wrong_type[] = "";

struct cells {
    const char *v[NCOLS];
};

/* ---- values ---- */

static bool is_blank(const char *s)
{
    return !s || !*s;
}

/* A whole number, optionally written as a float with a zero fraction ("3.0"), which
 * spreadsheets and pandas produce. */
static bool parse_int(const char *s, int64_t *out)
{
    if (is_blank(s))
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno)
        return false;
    if (*end == '.') {
        end++;
        while (*end == '0')
            end++;
    }
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double *out)
{
    if (is_blank(s))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* GED writes dates as "2009-02-20" (CSV) or "2009-02-20T00:00:00" (GeoJSON), some tools as
 * "2009-02-20 00:00:00.000": the day is the first ten characters. */
static bool parse_day(const char *s, char out[11])
{
    if (!s || strlen(s) < 10)
        return false;
    if (s[10] && s[10] != 'T' && s[10] != ' ')
        return false;
    char day[11];
    memcpy(day, s, 10);
    day[10] = '\0';
    int y, m, d;
    struct bh_error ignored;
    if (time_parse_date(day, &y, &m, &d, &ignored))
        return false;
    memcpy(out, day, 11);
    return true;
}

static const char *text_or_null(const char *s)
{
    return is_blank(s) ? NULL : s;
}

/* The three ways a column can be wrong, in the words every message uses. */
static int missing(struct bh_error *problem, enum col k, const char *hint)
{
    return bh_fail(problem, BH_EINVALID, col_names[k], "%s is required%s", col_names[k], hint);
}

static int wrong_kind(struct bh_error *problem, enum col k, const char *kind)
{
    return bh_fail(problem, BH_EINVALID, col_names[k], "%s must be %s", col_names[k], kind);
}

static int bad_value(struct bh_error *problem, enum col k, const char *value, const char *why)
{
    return bh_fail(problem, BH_EINVALID, col_names[k], "%s '%.40s' %s", col_names[k], value, why);
}

/* An integer column in [lo, hi]; `*out` stays as it is when the column is absent and not
 * required. */
static int int_col(const struct cells *c, enum col k, bool required_, int64_t lo, int64_t hi,
                   int64_t *out, struct bh_error *problem)
{
    const char *s = c->v[k];
    if (s == wrong_type)
        return wrong_kind(problem, k, "a number");
    if (is_blank(s))
        return required_ ? missing(problem, k, "") : 0;
    int64_t v;
    if (!parse_int(s, &v))
        return bad_value(problem, k, s, "is not a whole number");
    if (v < lo && hi == INT64_MAX)
        return bh_fail(problem, BH_EINVALID, col_names[k],
                       "%s %lld is negative: a count is 0 or more", col_names[k], (long long)v);
    if (v < lo || v > hi)
        return bh_fail(problem, BH_EINVALID, col_names[k], "%s %lld is outside %lld..%lld",
                       col_names[k], (long long)v, (long long)lo, (long long)hi);
    *out = v;
    return 0;
}

static int text_col(const struct cells *c, enum col k, const char **out, struct bh_error *problem)
{
    if (c->v[k] == wrong_type)
        return wrong_kind(problem, k, "text");
    *out = text_or_null(c->v[k]);
    return 0;
}

static int coordinate(const struct cells *c, enum col k, double limit, double *out,
                      struct bh_error *problem)
{
    const char *s = c->v[k];
    if (s == wrong_type)
        return wrong_kind(problem, k, "a number");
    if (is_blank(s))
        return missing(problem, k, "");
    if (!parse_double(s, out))
        return bad_value(problem, k, s, "is not a number");
    if (*out < -limit || *out > limit)
        return bh_fail(problem, BH_EINVALID, col_names[k], "%s %.40s is outside -%g..%g",
                       col_names[k], s, limit, limit);
    return 0;
}

/* The GED columns of one event into `ev`. */
static int parse_event(const struct cells *c, struct ucdp_event *ev, struct bh_error *problem)
{
    memset(ev, 0, sizeof *ev);
    ev->low = ev->high = -1;
    const char *id = c->v[C_ID];
    if (id == wrong_type)
        return wrong_kind(problem, C_ID, "a number");
    if (is_blank(id))
        return missing(problem, C_ID, "");
    for (const char *p = id; *p; p++)
        if (!isdigit((unsigned char)*p))
            return bad_value(problem, C_ID, id, "is not a GED event id (digits)");
    ev->id = id;

    int64_t v = 0;
    int rc = int_col(c, C_TYPE_OF_VIOLENCE, true, INT64_MIN, INT64_MAX, &v, problem);
    if (rc)
        return rc;
    if (v < 1 || v > 3)
        return bh_fail(problem, BH_EINVALID, "type_of_violence",
                       "type_of_violence %lld is not 1 (state-based), 2 (non-state) or 3 "
                       "(one-sided)",
                       (long long)v);
    ev->type_of_violence = (int)v;

    v = 0;
    if ((rc = int_col(c, C_WHERE_PREC, false, 1, 7, &v, problem)))
        return rc;
    ev->where_prec = (int)v;
    v = 0;
    if ((rc = int_col(c, C_DATE_PREC, false, 1, 5, &v, problem)))
        return rc;
    ev->date_prec = (int)v;

    const char *s = c->v[C_DATE_START];
    if (s == wrong_type)
        return wrong_kind(problem, C_DATE_START, "a date (YYYY-MM-DD)");
    if (is_blank(s))
        return missing(problem, C_DATE_START, " (YYYY-MM-DD)");
    if (!parse_day(s, ev->date_start))
        return bad_value(problem, C_DATE_START, s, "is not a date (YYYY-MM-DD)");
    s = c->v[C_DATE_END];
    if (s == wrong_type)
        return wrong_kind(problem, C_DATE_END, "a date (YYYY-MM-DD)");
    if (!is_blank(s)) {
        if (!parse_day(s, ev->date_end))
            return bad_value(problem, C_DATE_END, s, "is not a date (YYYY-MM-DD)");
        if (strcmp(ev->date_end, ev->date_start) < 0)
            return bh_fail(problem, BH_EINVALID, "date_end", "date_end %s is before date_start %s",
                           ev->date_end, ev->date_start);
    }

    if ((rc = int_col(c, C_BEST, true, 0, INT64_MAX, &ev->best, problem)) ||
        (rc = int_col(c, C_LOW, false, 0, INT64_MAX, &ev->low, problem)) ||
        (rc = int_col(c, C_HIGH, false, 0, INT64_MAX, &ev->high, problem)))
        return rc;
    if ((rc = coordinate(c, C_LATITUDE, 90, &ev->latitude, problem)) ||
        (rc = coordinate(c, C_LONGITUDE, 180, &ev->longitude, problem)))
        return rc;

    if ((rc = text_col(c, C_SIDE_A, &ev->side_a, problem)) ||
        (rc = text_col(c, C_SIDE_B, &ev->side_b, problem)) ||
        (rc = text_col(c, C_WHERE_COORDINATES, &ev->where_coordinates, problem)) ||
        (rc = text_col(c, C_WHERE_DESCRIPTION, &ev->where_description, problem)) ||
        (rc = text_col(c, C_ADM_1, &ev->adm_1, problem)) ||
        (rc = text_col(c, C_ADM_2, &ev->adm_2, problem)) ||
        (rc = text_col(c, C_COUNTRY, &ev->country, problem)) ||
        (rc = text_col(c, C_SOURCE_ARTICLE, &ev->source_article, problem)))
        return rc;
    return 0;
}

/* Hands one event (or why it could not be read) to the callback. */
static int deliver(const struct cells *c, long line, long feature, ucdp_event_fn fn, void *ctx,
                   struct bh_error *err)
{
    struct ucdp_event ev;
    struct bh_error problem;
    bh_error_clear(&problem);
    const char *id = c->v[C_ID];
    struct ucdp_where at = { line, feature, id && id != wrong_type && *id ? id : NULL };
    if (parse_event(c, &ev, &problem))
        return fn(ctx, NULL, &at, &problem, err);
    return fn(ctx, &ev, &at, NULL, err);
}

static void info_init(struct ucdp_read_info *info, const char *format)
{
    info->format = format;
    info->events = 0;
}

/* ---- GeoJSON, read feature by feature (formats/geojson.h) ---- */

/* Number texts of one feature's values, so that both forms reach the parser as text. */
struct json_texts {
    char buf[NCOLS][40];
};

static const char *json_text(const json_t *v, char buf[40])
{
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, 40, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        snprintf(buf, 40, "%.17g", json_real_value(v));
        return buf;
    }
    return wrong_type;
}

/* The point of a feature's geometry, or the reason it has none we can use. */
static int feature_point(const json_t *feature, struct cells *c, struct json_texts *t,
                         struct bh_error *problem)
{
    const json_t *g = json_object_get(feature, "geometry");
    if (!json_is_object(g))
        return bh_fail(problem, BH_EINVALID, "geometry",
                       "geometry is missing (a GED feature is a Point)");
    const char *type = json_string_value(json_object_get(g, "type"));
    if (!type || strcmp(type, "Point") != 0)
        return bh_fail(problem, BH_EINVALID, "geometry", "geometry is a %.20s, not a Point",
                       type ? type : "value without a type");
    const json_t *xy = json_object_get(g, "coordinates");
    if (!json_is_array(xy) || json_array_size(xy) < 2 || !json_is_number(json_array_get(xy, 0)) ||
        !json_is_number(json_array_get(xy, 1)))
        return bh_fail(problem, BH_EINVALID, "geometry",
                       "geometry coordinates must be [longitude, latitude] numbers");
    c->v[C_LONGITUDE] = json_text(json_array_get(xy, 0), t->buf[C_LONGITUDE]);
    c->v[C_LATITUDE] = json_text(json_array_get(xy, 1), t->buf[C_LATITUDE]);
    return 0;
}

struct geo_run {
    ucdp_event_fn fn;
    void *ctx;
    struct ucdp_read_info *info;
};

static int on_feature(void *ctx, json_t *f, long index, long line, struct bh_error *err)
{
    (void)line; /* GED's GeoJSON places an event by its feature index */
    struct geo_run *g = ctx;
    g->info->events++;
    struct cells c = { { NULL } };
    struct json_texts t;
    struct bh_error problem;
    bh_error_clear(&problem);
    const json_t *props = json_object_get(f, "properties");
    int bad_feature = 0;
    if (!json_is_object(f))
        bad_feature = bh_fail(&problem, BH_EINVALID, "feature", "the feature is not an object");
    else if (!json_is_object(props))
        bad_feature = bh_fail(&problem, BH_EINVALID, "properties", "the feature has no properties");
    if (!bad_feature) {
        for (int k = 0; k < NCOLS; k++)
            if (k != C_LATITUDE && k != C_LONGITUDE)
                c.v[k] = json_text(json_object_get(props, col_names[k]), t.buf[k]);
        bad_feature = feature_point(f, &c, &t, &problem);
    }
    if (bad_feature) {
        const char *id = c.v[C_ID];
        struct ucdp_where at = { 0, index, id && id != wrong_type && *id ? id : NULL };
        return g->fn(g->ctx, NULL, &at, &problem, err);
    }
    return deliver(&c, 0, index, g->fn, g->ctx, err);
}

/* A file that is no FeatureCollection, in the words this reader has always used. */
static int on_fault(void *ctx, const struct geojson_fault *f, struct bh_error *err)
{
    (void)ctx;
    switch (f->kind) {
    case GEOJSON_NOT_OBJECT:
        return bh_fail(err, BH_EINVALID, "type",
                       "the JSON is not a GeoJSON FeatureCollection (its \"type\" is missing)");
    case GEOJSON_NOT_COLLECTION:
        return bh_fail(err, BH_EINVALID, "type",
                       "the JSON is not a GeoJSON FeatureCollection (its \"type\" is %.40s)",
                       f->detail ? f->detail : "missing");
    case GEOJSON_NO_FEATURES:
        return bh_fail(err, BH_EINVALID, "features",
                       "the FeatureCollection has no \"features\" array");
    default:
        return bh_fail(err, BH_EINVALID, "file",
                       "line %ld, column %ld: the GeoJSON is not valid JSON: %s", f->line,
                       f->column, f->detail ? f->detail : "");
    }
}

static int read_geojson(FILE *f, const char *data, size_t len, long first_line, ucdp_event_fn fn,
                        void *ctx, struct ucdp_read_info *info, struct bh_error *err)
{
    info_init(info, "geojson");
    struct geo_run g = { fn, ctx, info };
    /* A feature that is no object is one bad event, as it was when jansson read the whole file. */
    struct geojson_reader_opts opts = { on_feature, NULL, on_fault, &g, first_line, true };
    return f ? geojson_read_file(f, &opts, err) : geojson_read_mem(data, len, &opts, err);
}

/* ---- CSV ---- */

struct csv_run {
    ucdp_event_fn fn;
    void *ctx;
    struct ucdp_read_info *info;
    bool header_seen;
    long index[NCOLS]; /* field of each column, -1 when the header lacks it */
};

static int csv_header(struct csv_run *r, struct csv_row *row, struct bh_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        r->index[k] = -1;
    for (size_t i = 0; i < row->nfields; i++) {
        csv_trim(row, i);
        for (int k = 0; k < NCOLS; k++)
            if (strcasecmp(row->fields[i], col_names[k]) == 0 && r->index[k] < 0)
                r->index[k] = (long)i;
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (r->index[required[i]] < 0)
            return bh_fail(err, BH_EINVALID, col_names[required[i]],
                           "line %ld: the header has no column '%s': a UCDP GED CSV names its "
                           "columns (id, type_of_violence, date_start, best, latitude, "
                           "longitude, ...)",
                           row->line, col_names[required[i]]);
    return 0;
}

static int on_csv_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct csv_run *r = ctx;
    if (!r->header_seen) {
        r->header_seen = true;
        return csv_header(r, row, err);
    }
    r->info->events++;
    struct cells c;
    for (int k = 0; k < NCOLS; k++) {
        long i = r->index[k];
        if (i >= 0 && (size_t)i < row->nfields) {
            csv_trim(row, (size_t)i);
            c.v[k] = row->fields[i];
        } else {
            c.v[k] = NULL;
        }
    }
    return deliver(&c, row->line, -1, r->fn, r->ctx, err);
}

static int csv_done(struct csv_run *r, int rc, struct bh_error *err)
{
    if (!rc && !r->header_seen)
        return bh_fail(err, BH_EINVALID, "file",
                       "the file is empty: expected GED GeoJSON or a GED CSV header");
    return rc;
}

/* ---- entry points ---- */

int ucdp_read_mem(const char *data, size_t len, ucdp_event_fn fn, void *ctx,
                  struct ucdp_read_info *info, struct bh_error *err)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (i < len && (data[i] == '{' || data[i] == '['))
        return read_geojson(NULL, data, len, 1, fn, ctx, info, err);
    info_init(info, "csv");
    struct csv_run r = { fn, ctx, info, false, { 0 } };
    struct csv_reader_opts opts = { on_csv_row, NULL, &r, NULL };
    return csv_done(&r, csv_read_mem(data, len, &opts, err), err);
}

int ucdp_read_file(FILE *f, ucdp_event_fn fn, void *ctx, struct ucdp_read_info *info,
                   struct bh_error *err)
{
    /* The first byte that is not white space tells the form ('{' or '[' is JSON, read as it
     * streams). A CSV header does not start with white space, so the rare file that does, and
     * an empty one, are read whole and judged as before. */
    char lead[256];
    size_t nlead = 0;
    long lines = 0;
    int ch = getc(f);
    while (ch != EOF && isspace(ch) && nlead < sizeof lead) {
        lead[nlead++] = (char)ch;
        lines += ch == '\n';
        ch = getc(f);
    }
    if (ch == '{' || ch == '[') {
        ungetc(ch, f);
        return read_geojson(f, NULL, 0, 1 + lines, fn, ctx, info, err);
    }
    if (ch != EOF && nlead == 0) {
        ungetc(ch, f);
        info_init(info, "csv");
        struct csv_run r = { fn, ctx, info, false, { 0 } };
        struct csv_reader_opts opts = { on_csv_row, NULL, &r, NULL };
        return csv_done(&r, csv_read_file(f, &opts, err), err);
    }
    size_t cap = 1 << 16, len = nlead;
    char *data = malloc(cap);
    if (!data)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory reading the file");
    memcpy(data, lead, nlead);
    if (ch != EOF)
        data[len++] = (char)ch;
    size_t n;
    while ((n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                return bh_fail(err, BH_ENOMEM, NULL, "out of memory reading the file");
            }
            data = bigger;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        free(data);
        return bh_fail(err, BH_EIO, "file", "cannot read the file: %s", strerror(errno));
    }
    int rc = ucdp_read_mem(data, len, fn, ctx, info, err);
    free(data);
    return rc;
}
