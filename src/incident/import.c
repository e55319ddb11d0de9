/* Incidents from CSV and GeoJSON files: the driver (import.h says what it promises;
 * docs/demo.md, on `bluehelm import incidents`, describes the files; import_internal.h lists
 * the files that do the rest).
 *
 * How an import goes: one transaction. The organizations and the keys of earlier imports
 * (source_ref -> row key and a fingerprint of the values written) are read into hash maps
 * first, so a record costs no query but the check that its id is free. Each record is read
 * into text cells named by the incident JSON keys (a CSV row by its header, a GeoJSON
 * feature by its properties), turned into an incident_row, and checked by incident_validate().
 * The first bad record stops the writing but not the reading: every record is still checked,
 * so the report lists every bad one, and then the transaction is rolled back. Good records are
 * written as they come: new ones through the bulk writer, changed ones by an UPDATE and a
 * revision. */
#include "incident/import_internal.h"

#include "audit/audit.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "formats/csv.h"
#include "formats/geojson.h"
#include "sharing/sharing.h"
#include "taxonomy/taxonomy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void incident__import_problem(struct imp *m, const struct record *rec, const char *field,
                              const char *fmt, ...)
{
    m->failed = true;
    va_list ap;
    va_start(ap, fmt);
    import_vreject(m->rep, rec->line, rec->feature, NULL, field, fmt, ap);
    va_end(ap);
}

/* ---- CSV ---- */

static int csv_header(struct imp *m, struct csv_row *row, struct bh_error *err)
{
    m->ncols = row->nfields;
    m->col_field = xmalloc(row->nfields * sizeof *m->col_field);
    bool seen[NFIELDS] = { false };
    for (size_t i = 0; i < row->nfields; i++) {
        csv_trim(row, i);
        const char *name = row->fields[i];
        int f = incident__import_field(name);
        if (f < 0 && taxonomy_in(incident__import_ignored, name)) {
            m->col_field[i] = -1;
            continue;
        }
        if (f < 0)
            return bh_fail(err, BH_EINVALID, "file",
                           "line %ld: unknown column '%.40s' (the columns are the keys of the "
                           "incident JSON: id, mission, occurred_at, latitude, longitude, "
                           "threat_type, ...; docs/demo.md lists them)",
                           row->line, name);
        if (seen[f])
            return bh_fail(err, BH_EINVALID, "file", "line %ld: column '%s' appears twice",
                           row->line, name);
        seen[f] = true;
        m->col_field[i] = f;
    }
    for (size_t i = 0; i < sizeof incident__import_required / sizeof incident__import_required[0];
         i++)
        if (!seen[incident__import_required[i]])
            return bh_fail(err, BH_EINVALID, "file", "line %ld: the header has no column '%s'",
                           row->line, incident__import_fields[incident__import_required[i]]);
    return 0;
}

/* The HXL hashtag row an HXL-tagged file has under its header (#event+id,#x_mission,...). */
static bool is_hxl_row(const struct csv_row *row)
{
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s = row->fields[i];
        while (*s == ' ')
            s++;
        if (*s)
            return *s == '#';
    }
    return false;
}

static int on_csv_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct imp *m = ctx;
    if (!m->header_seen) {
        m->header_seen = true;
        return csv_header(m, row, err);
    }
    if (!m->hxl_checked) {
        m->hxl_checked = true;
        if (is_hxl_row(row))
            return 0;
    }
    struct record rec;
    memset(&rec, 0, sizeof rec);
    rec.line = row->line;
    rec.feature = -1;
    if (row->nfields != m->ncols) {
        m->rep->rows++;
        incident__import_problem(m, &rec, NULL, "the row has %zu fields, the header %zu",
                                 row->nfields, m->ncols);
        return 0;
    }
    for (size_t i = 0; i < row->nfields; i++) {
        int f = m->col_field[i];
        if (f < 0)
            continue;
        /* Free text keeps its spaces; codes, numbers and times do not. */
        if (f != F_NARRATIVE)
            csv_trim(row, i);
        /* The quote our export put before a cell a spreadsheet would run (formats/csv.h). */
        csv_unguard(row, i);
        rec.cell[f] = row->lens[i] && row->fields[i][0] ? row->fields[i] : NULL;
    }
    return incident__import_record(m, &rec, err);
}

static void on_csv_progress(void *ctx, uint64_t done)
{
    struct imp *m = ctx;
    import_progress_report(&m->progress, done, m->size, m->rep->rows);
}

/* ---- GeoJSON, read one feature at a time (formats/geojson.h) ---- */

/* A property's value as a cell; numbers and lists are written into `a`. */
static int property_cell(struct arena *a, const json_t *v, const char **out)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v)[0] ? json_string_value(v) : NULL;
        return 0;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = arena_strdup(a, num);
        return 0;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        *out = arena_strdup(a, num);
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        *out = json_is_true(v) ? "true" : "false";
        return 0;
    case JSON_NULL:
        *out = NULL;
        return 0;
    case JSON_ARRAY: {
        char *text = json_dumps(v, JSON_COMPACT);
        *out = arena_strdup(a, text);
        free(text);
        return 0;
    }
    default:
        return -1;
    }
}

static int handle_feature(struct imp *m, const json_t *feat, long index, long line, struct arena *a,
                          struct bh_error *err)
{
    struct record rec;
    memset(&rec, 0, sizeof rec);
    rec.line = line;
    rec.feature = index;
    const char *type = json_string_value(json_object_get(feat, "type"));
    if (!json_is_object(feat) || !type || strcmp(type, "Feature") != 0) {
        m->rep->rows++;
        incident__import_problem(m, &rec, "type", "not a GeoJSON Feature (\"type\": \"Feature\")");
        return 0;
    }
    const json_t *props = json_object_get(feat, "properties");
    if (props && !json_is_object(props) && !json_is_null(props)) {
        m->rep->rows++;
        incident__import_problem(m, &rec, "properties", "properties must be an object");
        return 0;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)props, key, v)
    {
        int f = incident__import_field(key);
        if (f < 0 && taxonomy_in(incident__import_ignored, key))
            continue;
        if (f < 0) {
            m->rep->rows++;
            incident__import_problem(
                m, &rec, key,
                "unknown property '%.40s' (the properties are the keys of the incident "
                "JSON)",
                key);
            return 0;
        }
        if (property_cell(a, v, &rec.cell[f]) != 0) {
            m->rep->rows++;
            incident__import_problem(m, &rec, key, "%s must not be an object", key);
            return 0;
        }
    }
    /* The point is the geometry's ([longitude, latitude], RFC 7946); properties may repeat
     * it, a feature without geometry must give it there. */
    const json_t *geom = json_object_get(feat, "geometry");
    if (geom && !json_is_null(geom)) {
        const char *gt = json_string_value(json_object_get(geom, "type"));
        const json_t *xy = json_object_get(geom, "coordinates");
        if (!gt || strcmp(gt, "Point") != 0 || !json_is_array(xy) || json_array_size(xy) < 2 ||
            !json_is_number(json_array_get(xy, 0)) || !json_is_number(json_array_get(xy, 1))) {
            m->rep->rows++;
            incident__import_problem(
                m, &rec, "geometry",
                "the geometry must be a Point with coordinates [longitude, latitude]");
            return 0;
        }
        property_cell(a, json_array_get(xy, 0), &rec.cell[F_LONGITUDE]);
        property_cell(a, json_array_get(xy, 1), &rec.cell[F_LATITUDE]);
    }
    return incident__import_record(m, &rec, err);
}

static int on_feature(void *ctx, json_t *feat, long index, long line, struct bh_error *err)
{
    struct imp *m = ctx;
    if (!m->geo_arena)
        m->geo_arena = arena_new(4096);
    arena_reset(m->geo_arena);
    return handle_feature(m, feat, index, line, m->geo_arena, err);
}

static void on_geojson_progress(void *ctx, uint64_t done, long features)
{
    (void)features;
    struct imp *m = ctx;
    import_progress_report(&m->progress, done, m->size, m->rep->rows);
}

/* ---- the import ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The format, by option, then extension, then the first byte that is not a space or a BOM:
 * '{' is GeoJSON, anything else CSV. A file is rewound after the look; a pipe keeps the byte
 * pushed back. */
static enum incident_import_format detect(const struct import_input *in,
                                          const struct incident_import_options *opt)
{
    if (opt->format != INCIDENT_IMPORT_AUTO)
        return opt->format;
    if (in->name && ends_with(in->name, ".csv"))
        return INCIDENT_IMPORT_CSV;
    if (in->name && (ends_with(in->name, ".geojson") || ends_with(in->name, ".json")))
        return INCIDENT_IMPORT_GEOJSON;
    int c = EOF;
    if (in->file) {
        long at = ftell(in->file);
        if (at >= 0) {
            do
                c = getc(in->file);
            while (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB ||
                   c == 0xBF);
            fseek(in->file, at, SEEK_SET);
        } else {
            c = getc(in->file);
            if (c != EOF)
                ungetc(c, in->file);
        }
    } else {
        for (size_t i = 0; i < in->len; i++) {
            c = (unsigned char)in->data[i];
            if (c == 0 || !strchr(" \t\r\n\xEF\xBB\xBF", c))
                break;
        }
    }
    return c == '{' ? INCIDENT_IMPORT_GEOJSON : INCIDENT_IMPORT_CSV;
}

int incident_import(struct db *db, const struct principal *who, const struct import_input *in,
                    const struct incident_import_options *opt, import_progress_fn progress,
                    void *progress_ctx, struct import_report *rep, struct bh_error *err)
{
    static const struct incident_import_options defaults = { INCIDENT_IMPORT_AUTO, NULL, NULL, 0 };
    if (!opt)
        opt = &defaults;
    struct imp m;
    memset(&m, 0, sizeof m);
    m.db = db;
    m.who = who;
    m.opt = opt;
    m.rep = rep;
    m.progress.fn = progress;
    m.progress.ctx = progress_ctx;
    m.size = import_input_size(in);
    time_format_rfc3339(time_now_ms(), 0, false, m.now);
    const char *name = in->name ? in->name : "the file";
    enum incident_import_format fmt = detect(in, opt);
    rep->format = fmt == INCIDENT_IMPORT_GEOJSON ? "geojson" : "csv";
    rep->table = "incident";
    rep->limit = INCIDENT_IMPORT_PROBLEMS_MAX;

    m.default_tlp = "AMBER+STRICT";
    if (opt->tlp) {
        int t = tlp_parse(opt->tlp);
        if (t < 0 || t == TLP_RED)
            return bh_fail(err, BH_EINVALID, "tlp",
                           "--tlp '%.40s' is not one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                           "TLP:AMBER+STRICT",
                           opt->tlp);
        m.default_tlp = tlp_column_value((enum tlp)t);
    }

    int rc = db_prepare_for_bulk_load(db, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    hashmap_init(&m.keys, sizeof(struct kval), 1024);
    hashmap_init(&m.orgs, sizeof(struct kval), 64);
    m.bulk = incident_bulk_new(db);
    if ((rc = incident__import_load(&m, err)))
        goto done;
    if (opt->org) {
        const struct kval *o = hashmap_get(&m.orgs, opt->org);
        if (!o) {
            rc = bh_fail(err, BH_EINVALID, "org", "--org '%.40s' is not an organization here",
                         opt->org);
            goto done;
        }
        m.default_owner = o->n;
    }

    /* A record of an export is 400 to 700 bytes: a big file is a big load. */
    if (m.size && (rc = incident_bulk_expect(m.bulk, (int64_t)(m.size / 700), err)))
        goto done;
    if (fmt == INCIDENT_IMPORT_CSV) {
        struct csv_reader_opts copts = { on_csv_row, on_csv_progress, &m, NULL };
        rc = import_read_csv(in, &copts, err);
        if (!rc && !m.header_seen)
            rc = bh_fail(err, BH_EINVALID, "file",
                         "%s is empty: expected a header of incident JSON keys (id, mission, "
                         "occurred_at, ...)",
                         name);
    } else {
        struct geojson_reader_opts gopts = { on_feature, on_geojson_progress, NULL, &m, 0, false };
        rc = import_read_geojson(in, &gopts, err);
    }
    if (!rc && rep->rejected)
        rc = bh_fail(err, BH_EINVALID, rep->nrejections ? rep->rejections[0].field : NULL,
                     "%lld of %lld records are invalid; nothing was imported",
                     (long long)rep->rejected, (long long)rep->rows);
    if (!rc)
        rc = incident_bulk_finish(m.bulk, NULL, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "file", name, "format", rep->format,
                      "records", (json_int_t)rep->rows, "added", (json_int_t)rep->added, "updated",
                      (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "present",
                      (json_int_t)rep->present);
        rc = audit_append(db, who, "incident.import", "incident", NULL, summary, err);
        json_decref(summary);
    }
done:
    rc = import_end(db, rc, rep, err);
    incident_bulk_free(m.bulk);
    hashmap_cleanup(&m.keys);
    hashmap_cleanup(&m.orgs);
    free(m.col_field);
    arena_free(m.geo_arena);
    return rc;
}
