/* A layer's matches as a file: GeoJSON (RFC 7946) or CSV with the HXL hashtag row. The rows
 * come from the same WHERE and order as the list (spatial__query_build), and each row is the
 * list's own JSON item, so a file cannot disagree with the API about what matched or what a
 * column holds. */
#include "spatial/internal.h"

#include "base/mem.h"
#include "formats/hxl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output is made in pieces of about this size: each spatial_export_next() call stops once
 * its piece is this large, so a file of any size needs this much memory and one row. */
#define PIECE_BYTES 65536

/* Coordinates and other reals with 15 significant digits, as the API prints them: enough
 * for a double to come back as the same number, without 31.600000000000001. */
#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static void put_json(struct buf *b, const json_t *j)
{
    char *s = json_dumps(j, JSON_FLAGS | JSON_ENCODE_ANY);
    if (!s)
        abort(); /* jansson fails here only when out of memory */
    buf_puts(b, s);
    free(s);
}

/* One Feature: the item's point as geometry [lon, lat], everything else as properties, and
 * the record's id as the feature's id. RFC 7946 has no crs member: WGS 84 is implied. */
static void geojson_feature(json_t *item, struct buf *b)
{
    json_t *lat = json_incref(json_object_get(item, "latitude"));
    json_t *lon = json_incref(json_object_get(item, "longitude"));
    json_object_del(item, "latitude");
    json_object_del(item, "longitude");
    json_t *f = json_object();
    json_object_set_new(f, "type", json_string("Feature"));
    json_object_set(f, "id", json_object_get(item, "id"));
    json_object_set_new(f, "geometry",
                        json_pack("{s:s, s:[o, o]}", "type", "Point", "coordinates", lon, lat));
    json_object_set(f, "properties", item);
    put_json(b, f);
    json_decref(f);
}

/* A cell: text as it is, numbers as JSON writes them, booleans true/false, null empty, and a
 * list (sources, perpetrator groups) as its values joined by "; ". */
static void csv_cell(struct buf *b, const json_t *v, bool first)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        hxl_csv_field(b, json_string_value(v), first);
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        hxl_csv_field(b, num, first);
        return;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        hxl_csv_field(b, num, first);
        return;
    case JSON_TRUE:
    case JSON_FALSE:
        hxl_csv_field(b, json_is_true(v) ? "true" : "false", first);
        return;
    case JSON_ARRAY: {
        struct buf joined = BUF_INIT;
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (i)
                buf_puts(&joined, "; ");
            if (json_is_string(e))
                buf_puts(&joined, json_string_value(e));
            else
                put_json(&joined, e);
        }
        hxl_csv_field(b, buf_str(&joined), first);
        buf_cleanup(&joined);
        return;
    }
    default:
        hxl_csv_field(b, "", first);
        return;
    }
}

static void csv_header(const struct spatial_layer *layer, bool hashtags, struct buf *b)
{
    for (int i = 0; layer->csv[i].header; i++)
        hxl_csv_field(b, layer->csv[i].header, i == 0);
    hxl_csv_end_row(b);
    if (!hashtags)
        return;
    for (int i = 0; layer->csv[i].header; i++)
        hxl_csv_field(b, layer->csv[i].hxl, i == 0);
    hxl_csv_end_row(b);
}

static void csv_row(const struct spatial_layer *layer, const json_t *item, struct buf *b)
{
    for (int i = 0; layer->csv[i].header; i++) {
        const json_t *v = json_object_get(item, layer->csv[i].key);
        csv_cell(b, v ? v : json_null(), i == 0);
    }
    hxl_csv_end_row(b);
}

/* An admin's file that holds RED or AMBER+STRICT records leaves one audit entry, written
 * through `audit_db` before the first byte goes out; the records are counted on `db`, the
 * connection that reads the file. */
static int audit_export(struct db *db, struct db *audit_db, const struct principal *who,
                        const struct spatial__query *q, enum spatial_format format,
                        struct bh_error *err)
{
    if (!who || who->role != ROLE_ADMIN)
        return 0;
    struct buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT count(*) FROM %s %s%s AND %s.tlp IN ('RED', 'AMBER+STRICT')",
               q->layer->table, q->layer->alias, buf_str(&q->count_where), q->layer->alias);
    struct db_stmt *st;
    int rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    db_params_bind(st, &q->params);
    rc = db_step(st, err);
    int64_t n = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (n == 0)
        return 0;
    json_t *summary =
        json_pack("{s:s, s:s, s:I}", "via", "export", "format",
                  format == SPATIAL_GEOJSON ? "geojson" : "csv", "records", (json_int_t)n);
    rc = spatial__audit_read(audit_db, who, q->layer, summary, err);
    json_decref(summary);
    return rc;
}

struct spatial_export {
    struct db *db;
    const struct principal *who; /* &who_copy, or NULL */
    struct principal who_copy;   /* the stream outlives its caller's principal */
    const struct spatial_layer *layer;
    enum spatial_format format;
    struct spatial__query q; /* the statement's bound text points into it: never moved */
    struct db_stmt *st;
    int64_t rows;
    bool started, done;
};

int spatial_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                         const struct spatial_layer *layer, const struct spatial_filter *f,
                         enum spatial_format format, struct spatial_export **out,
                         struct bh_error *err)
{
    *out = NULL;
    if (format != SPATIAL_GEOJSON && format != SPATIAL_CSV && format != SPATIAL_CSV_PLAIN)
        return bh_fail(err, BH_EINVALID, "format", "unknown file format");
    struct spatial_export *x = xcalloc(1, sizeof *x);
    x->db = db;
    if (who) {
        x->who_copy = *who;
        x->who = &x->who_copy;
    }
    x->layer = layer;
    x->format = format;
    int rc = spatial__query_build(db, x->who, layer, f, &x->q, err);
    if (!rc)
        rc = audit_export(db, audit_db, x->who, &x->q, format, err);
    if (!rc) {
        struct buf sql = BUF_INIT;
        spatial__rows_sql(&x->q, f->ascending, false, false, &sql);
        rc = db_prepare(db, buf_str(&sql), &x->st, err);
        buf_cleanup(&sql);
    }
    if (rc) {
        spatial_export_free(x);
        return rc;
    }
    db_params_bind(x->st, &x->q.params);
    *out = x;
    return 0;
}

int spatial_export_next(struct spatial_export *x, struct buf *out, struct bh_error *err)
{
    if (x->done)
        return 1;
    size_t start = out->len;
    if (!x->started) {
        x->started = true;
        if (x->format == SPATIAL_GEOJSON)
            buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":[");
        else
            csv_header(x->layer, x->format == SPATIAL_CSV, out);
    }
    while (out->len - start < PIECE_BYTES) {
        int rc = db_step(x->st, err);
        if (rc < 0)
            return rc;
        if (rc == DB_DONE) {
            if (x->format == SPATIAL_GEOJSON)
                buf_puts(out, x->rows ? "\n]}\n" : "]}\n");
            x->done = true;
            return 1;
        }
        bool geojson = x->format == SPATIAL_GEOJSON;
        if (geojson)
            buf_puts(out, x->rows ? ",\n" : "\n");
        /* A feature straight from the row when the layer can write it (a tenth of the cost of
         * the tree below); the file's audit entry was written once, at the start. */
        if (geojson && x->layer->feature_write && x->layer->feature_write(x->st, 0, out)) {
            x->rows++;
            continue;
        }
        json_t *item = x->layer->row_json(x->st, 0);
        if (x->layer->redact && (rc = x->layer->redact(x->db, x->who, item, err))) {
            json_decref(item);
            return rc;
        }
        if (geojson) {
            geojson_feature(item, out);
        } else {
            csv_row(x->layer, item, out);
        }
        json_decref(item);
        x->rows++;
    }
    return 0;
}

int64_t spatial_export_rows(const struct spatial_export *x)
{
    return x->rows;
}

void spatial_export_free(struct spatial_export *x)
{
    if (!x)
        return;
    db_stmt_done(x->st);
    spatial__query_cleanup(&x->q);
    free(x);
}

int spatial_export(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                   const struct spatial_filter *f, enum spatial_format format,
                   int (*write)(void *ctx, const char *data, size_t len), void *ctx, int64_t *count,
                   struct bh_error *err)
{
    if (count)
        *count = 0;
    struct spatial_export *x;
    int rc = spatial_export_begin(db, db, who, layer, f, format, &x, err);
    if (rc)
        return rc;
    struct buf piece = BUF_INIT;
    int more = 0;
    while ((more = spatial_export_next(x, &piece, err)) >= 0) {
        int wrc = piece.len ? write(ctx, piece.data, piece.len) : 0;
        buf_reset(&piece);
        if (wrc) {
            more = bh_fail(err, wrc, NULL, "the %s file could not be written: %s", layer->name,
                           bh_strerror(wrc));
            break;
        }
        if (more == 1)
            break;
    }
    rc = more < 0 ? more : 0;
    if (count)
        *count = x->rows;
    buf_cleanup(&piece);
    spatial_export_free(x);
    return rc;
}
