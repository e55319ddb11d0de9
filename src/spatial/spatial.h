#ifndef BH_SPATIAL_SPATIAL_H
#define BH_SPATIAL_SPATIAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Map layers and their queries. Incidents and context events are both "layers": rows with a
 * point, a time, a threat type, an R*Tree and an FTS5 index keyed by an integer `n`. One
 * filter, one SQL builder, one list and one export serve both, so the two paths
 * (/api/v1/incidents, /api/v1/events) and their .geojson/.csv variants cannot disagree about
 * which rows match. Every query goes through sharing_predicate() for the layer's record
 * type. */

struct spatial_layer {
    const char *name;        /* "incidents", "events": file names and messages */
    const char *record_type; /* "incident", "event": audit entries, messages */
    /* The layer's visibility predicate (incident_predicate; sharing_predicate for events). */
    void (*visible)(const struct principal *who, const char *alias, struct buf *sql,
                    struct db_params *params);
    const char *table;   /* "incident", "context_event": counts need no join */
    const char *from;    /* FROM clause with the table aliased `alias` (INCIDENT_FROM) */
    const char *alias;   /* "i", "e" */
    const char *columns; /* select list read by row_json (INCIDENT_COLUMNS) */
    json_t *(*row_json)(struct db_stmt *st, int first);
    /* Hides in one row_json item what `who` may not see of other records it links to (an
     * incident's merged_into when the target is hidden); NULL when the layer links to none.
     * Runs on every item of a list and an export. */
    int (*redact)(struct db *db, const struct principal *who, json_t *item, struct bh_error *err);
    /* Writes the row as the text of row_json's object without building it (the list's fast
     * path), or returns false, having written nothing, for a row that must go through
     * row_json and redact; NULL when the layer has no writer. `occurred_column` is the index
     * of occurred_at in `columns`, which the list's cursor reads. */
    bool (*row_write)(struct db_stmt *st, int first, struct buf *out);
    int occurred_column;
    /* The same for a GeoJSON Feature of the export (export.c's geojson_feature() from
     * row_json is the other way); NULL when the layer has no writer. */
    bool (*feature_write)(struct db_stmt *st, int first, struct buf *out);
    const char *rtree;          /* "incident_rtree": n, min_lon, max_lon, min_lat, max_lat */
    const char *fts;            /* "incident_fts": rowid = n */
    const char *mission_column; /* "mission"; NULL: `mission` matches the missions' host
                                 * countries through country_column */
    const char *country_column; /* "country_iso3" or NULL */
    const char *status_column;  /* "status"; NULL: the layer has no status (400 when asked) */
    /* "synthetic" (0/1); NULL: the layer holds no synthetic rows (synthetic=only finds none) */
    const char *synthetic_column;
    /* "reporter_id" (an account id); NULL: the layer has no reporters (mine=1 is a 400) */
    const char *reporter_column;
    /* The CSV columns of an export: header, HXL hashtag, JSON key of row_json's object.
     * NULL-terminated by header. */
    const struct spatial_csv_column {
        const char *header, *hxl, *key;
    } * csv;
};

/* The layers, each defined by the module that owns it (incident/layer.c, event/layer.c); this
 * list is the one place that names them, one line each. */
extern const struct spatial_layer spatial_incidents;
extern const struct spatial_layer spatial_events;

/* The filters both layers take, named as the API's query parameters:
 *   bbox=west,south,east,north   degrees; west > east crosses the antimeridian
 *   near=lat,lon,km              within km (great-circle) of the point
 *   from, to                     YYYY-MM-DD or RFC 3339, inclusive (a date `to` means to
 *                                the end of that day)
 *   mission, type, status        comma-separated lists (acronyms, taxonomy codes, statuses)
 *   q                            words, each a prefix ("Bamb" finds "Bambari"), over the
 *                                narrative, place, admin areas, perpetrator, mission and
 *                                threat type (label and acronyms) of incidents, or the
 *                                notes, place and actors of events
 *   synthetic                    exclude | only (absent: both)
 *   mine                         1: the rows the reader reported (reporter_column)
 *   sort                         -occurred (default: newest first) or occurred
 * The struct holds copies. */
#define SPATIAL_LIST_TEXT   512
#define SPATIAL_LIST_MAX    32     /* values in one list filter */
#define SPATIAL_NEAR_MAX_KM 2000.0 /* a wider circle is a bbox's job */
struct spatial_filter {
    bool has_bbox, has_near;
    double west, south, east, north;
    double near_lat, near_lon, near_km;
    char from[40], to[40]; /* normalized to RFC 3339 UTC bounds; "" when not given */
    char mission[SPATIAL_LIST_TEXT], type[SPATIAL_LIST_TEXT], status[SPATIAL_LIST_TEXT];
    char q[SPATIAL_LIST_TEXT];
    bool ascending;
    enum spatial_synthetic {
        SPATIAL_SYNTHETIC_ALL,
        SPATIAL_SYNTHETIC_EXCLUDE,
        SPATIAL_SYNTHETIC_ONLY
    } synthetic;
    bool mine;
};

extern const char *const spatial_filter_names[]; /* NULL-terminated */

void spatial_filter_init(struct spatial_filter *f);

/* Sets the filter `name` from its text: BH_EINVALID naming the parameter and the value
 * (a latitude out of range, a date that is no date, an unknown type or status). */
int spatial_filter_set(struct spatial_filter *f, const char *name, const char *value,
                       struct bh_error *err);

/* Sets every filter get(ctx, name) has a value for. */
int spatial_filter_read(struct spatial_filter *f, const char *(*get)(void *ctx, const char *name),
                        void *ctx, struct bh_error *err);

/* Totals are exact up to this many matches; past it a total is SPATIAL_TOTAL_BOUND + 1,
 * meaning "more than SPATIAL_TOTAL_BOUND" (total.c says why). */
#define SPATIAL_TOTAL_BOUND 10000

/* One page for `who`: up to `limit` row_json objects appended to `items`, after `after` (a
 * position this function made; "" or NULL from the start); `next` (SPATIAL_CURSOR_MAX bytes)
 * receives the position after the last item when more follow, else "". *total (may be NULL)
 * counts the matches `who` may see, up to SPATIAL_TOTAL_BOUND + 1. A filter that does not apply to
 * the layer (status on events) or names an unknown mission is BH_EINVALID naming it. */
#define SPATIAL_CURSOR_MAX 96
int spatial_list(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                 const struct spatial_filter *f, const char *after, int limit, json_t *items,
                 char next[SPATIAL_CURSOR_MAX], int64_t *total, struct bh_error *err);

/* The same page as text: the items' JSON objects, joined by commas, appended to `items` (the
 * inside of the page's "items" array, the bytes a json_dumps() of spatial_list's items would
 * have between its brackets). Rows the layer can write (row_write) are written straight from
 * the store; the others, and every row an admin reads (their reads of restricted records are
 * audited, which needs the item), through row_json as spatial_list does. */
int spatial_list_text(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                      const struct spatial_filter *f, const char *after, int limit,
                      struct buf *items, char next[SPATIAL_CURSOR_MAX], int64_t *total,
                      struct bh_error *err);

/* The number of matches `who` may see (the `total` of spatial_list, bounded as it is), for a
 * caller that must know it before it asks for every row. */
int spatial_count(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                  const struct spatial_filter *f, int64_t *total, struct bh_error *err);

/* Counts per grid cell, for a map at low zoom: every match `who` may see under `f` (the
 * filters and sharing rule of spatial_list), grouped in cells of `cell` degrees aligned to
 * multiples of `cell` from -180 (longitude) and -90 (latitude). *out (new reference) is
 *   {"cell": deg, "cells": [{"lat", "lon" (the cell's centre), "count", "lat_mean",
 *    "lon_mean" (where its points are)}, ...], "total": n, "capped": bool}
 * with the fullest cells first; "total" counts every match (exact, no bound), which is the
 * sum of the cells unless "capped" says that cells past SPATIAL_GRID_MAX_CELLS were left out.
 * A cell outside SPATIAL_GRID_CELL_MIN..MAX is BH_EINVALID naming "cell". Replies are kept
 * process-wide until the store's next audit entry (grid.c). */
#define SPATIAL_GRID_CELL_MIN  0.01
#define SPATIAL_GRID_CELL_MAX  45.0
#define SPATIAL_GRID_MAX_CELLS 5000
#define SPATIAL_GRID_ZOOM_MAX  20
int spatial_grid(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                 const struct spatial_filter *f, double cell, json_t **out, struct bh_error *err);

/* The cell for a web map's zoom level (0..SPATIAL_GRID_ZOOM_MAX): about 64 pixels of the map,
 * 360 / 2^(zoom + 2) degrees, within SPATIAL_GRID_CELL_MIN..MAX. */
double spatial_grid_cell_for_zoom(int zoom);

/* Reads a cell size from text: BH_EINVALID naming "cell" unless it is a number within
 * SPATIAL_GRID_CELL_MIN..MAX. */
int spatial_grid_cell_parse(const char *text, double *cell, struct bh_error *err);

/* Every match, as a file: GeoJSON (RFC 7946 FeatureCollection, Point geometry
 * [lon, lat], the row's other keys as properties) or CSV with the HXL hashtag row under the
 * header (SPATIAL_CSV_PLAIN: without that row, for a spreadsheet that reads one header row).
 * Written in pieces through write(ctx, data, len) (non-zero stops it). *count (may be NULL)
 * receives the number of rows written. */
enum spatial_format { SPATIAL_GEOJSON, SPATIAL_CSV, SPATIAL_CSV_PLAIN };
int spatial_export(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                   const struct spatial_filter *f, enum spatial_format format,
                   int (*write)(void *ctx, const char *data, size_t len), void *ctx, int64_t *count,
                   struct bh_error *err);

/* The same file piece by piece, for a caller that sends it as it is made (an HTTP stream):
 * memory stays constant in the number of rows. spatial_export_begin() checks the filters,
 * writes the audit entry of an admin's read through `audit_db` (may be `db`) and prepares
 * the rows on `db`, which must stay open, and be used by nothing else, until
 * spatial_export_free(): its open statement keeps one snapshot of the store for the whole
 * file. Copies `who`. On failure *out is NULL and nothing is left to free. */
struct spatial_export;
int spatial_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                         const struct spatial_layer *layer, const struct spatial_filter *f,
                         enum spatial_format format, struct spatial_export **out,
                         struct bh_error *err);

/* Appends the next piece (about 64 KiB: whole rows) to `out`. Returns 0 while more follow,
 * 1 once the file is complete (the last piece appended), or a negative code (the file is
 * then unfinished and must not be passed off as whole). */
int spatial_export_next(struct spatial_export *x, struct buf *out, struct bh_error *err);

/* The rows written so far. */
int64_t spatial_export_rows(const struct spatial_export *x);

/* Ends the export whether or not it was complete; NULL is allowed. Does not close `db`. */
void spatial_export_free(struct spatial_export *x);

#endif
