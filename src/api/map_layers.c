/* The map layers over HTTP: incidents and context events as pages of JSON and as files
 * (GeoJSON, CSV with HXL hashtags). Both paths take the same filters and ask the spatial
 * module, so the list, its total and the files always agree about what matched and who may
 * see it. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/log.h"
#include "base/mem.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *query(void *ctx, const char *name)
{
    return http_request_query(ctx, name);
}

static void list(struct http_request *req, struct http_reply *rep,
                 const struct spatial_layer *layer)
{
    struct bh_error err;
    struct page page;
    struct spatial_filter f;
    char next[SPATIAL_CURSOR_MAX] = "";
    int64_t total = 0;
    /* The items are written as JSON text straight from the store (spatial_list_text). */
    struct buf items = BUF_INIT;
    spatial_filter_init(&f);
    int rc = page_from_request(req, &page, &err);
    if (!rc)
        rc = spatial_filter_read(&f, query, req, &err);
    if (!rc)
        rc = spatial_list_text(req->db, &req->who, layer, &f, page.after, page.limit, &items, next,
                               &total, &err);
    if (api_failed(req, rep, rc, &err)) {
        buf_cleanup(&items);
        return;
    }
    /* Past the bound the total says "at least SPATIAL_TOTAL_BOUND" (spatial/total.c). */
    bool exact = total <= SPATIAL_TOTAL_BOUND;
    page_reply_text(req, rep, &items, next[0] ? next : NULL,
                    (long long)(exact ? total : SPATIAL_TOTAL_BOUND), exact);
}

/* A file being streamed: its own store connection (the worker thread's serves other
 * requests between two pieces of this one) and the export reading from it. */
struct file_stream {
    struct db *db;
    struct spatial_export *x;
    const char *layer; /* for the log */
};

static void file_stream_free(void *ctx)
{
    struct file_stream *fs = ctx;
    spatial_export_free(fs->x);
    db_close(fs->db);
    free(fs);
}

static int file_stream_next(void *ctx, struct buf *out)
{
    struct file_stream *fs = ctx;
    struct bh_error err;
    int rc = spatial_export_next(fs->x, out, &err);
    if (rc < 0)
        log_error("export: the %s file failed after %lld rows: %s", fs->layer,
                  (long long)spatial_export_rows(fs->x), err.message);
    return rc == 1 ? HTTP_STREAM_END : rc;
}

/* The admin's cap on a file's rows (setting export_max_rows; 0: none), checked before the
 * first byte so that a file over it is a 413 naming the limit and the count, never a
 * download cut short. The list's count is exact up to SPATIAL_TOTAL_BOUND, which settles
 * every cap under that bound; past it the grid's total (exact, one GROUP BY over cells of
 * the largest size) gives the number. */
static int check_row_cap(struct http_request *req, const struct spatial_layer *layer,
                         const struct spatial_filter *f, struct bh_error *err)
{
    int64_t cap = req->site ? req->site->export_max_rows : 0;
    if (cap <= 0)
        return 0;
    int64_t n = 0;
    int rc = spatial_count(req->db, &req->who, layer, f, &n, err);
    if (rc || n <= cap)
        return rc;
    if (n > SPATIAL_TOTAL_BOUND) {
        json_t *grid = NULL;
        rc = spatial_grid(req->db, &req->who, layer, f, SPATIAL_GRID_CELL_MAX, &grid, err);
        if (rc)
            return rc;
        n = json_integer_value(json_object_get(grid, "total"));
        json_decref(grid);
        if (n <= cap)
            return 0;
    }
    return bh_fail(err, BH_ETOOLARGE, "export_max_rows",
                   "the file would hold %lld rows, more than this server's limit of %lld "
                   "(export_max_rows); narrow the filters or the map's view",
                   (long long)n, (long long)cap);
}

/* `hxl` of a CSV: 1 (the default) keeps the HXL hashtag row under the header, 0 leaves it
 * out for a spreadsheet that reads one header row. */
static int csv_format(struct http_request *req, enum spatial_format *format, struct bh_error *err)
{
    const char *hxl = http_request_query(req, "hxl");
    if (*format != SPATIAL_CSV || !hxl || !hxl[0] || strcmp(hxl, "1") == 0)
        return 0;
    if (strcmp(hxl, "0") == 0) {
        *format = SPATIAL_CSV_PLAIN;
        return 0;
    }
    return bh_fail(err, BH_EINVALID, "hxl",
                   "hxl '%.40s' must be 1 (the hashtag row under the header) or 0 (none)", hxl);
}

/* Every match as a file, streamed as it is read: memory constant in the number of rows, and
 * no row cap unless the admin sets one (check_row_cap). `limit` and `cursor` are the list's and are
 * not read here. Everything that can refuse (the filters, the store) is checked, and an admin's
 * read audited, before the first byte: after it a failure can only cut the connection. */
static void file(struct http_request *req, struct http_reply *rep,
                 const struct spatial_layer *layer, enum spatial_format format)
{
    struct bh_error err;
    struct spatial_filter f;
    struct file_stream *fs = xcalloc(1, sizeof *fs);
    fs->layer = layer->name;
    spatial_filter_init(&f);
    int rc = spatial_filter_read(&f, query, req, &err);
    if (!rc)
        rc = csv_format(req, &format, &err);
    if (!rc)
        rc = check_row_cap(req, layer, &f, &err);
    if (!rc)
        rc = http_request_db_own(req, &fs->db, &err);
    if (!rc)
        rc = spatial_export_begin(fs->db, req->db, &req->who, layer, &f, format, &fs->x, &err);
    if (api_failed(req, rep, rc, &err)) {
        file_stream_free(fs);
        return;
    }
    const char *ext = format == SPATIAL_GEOJSON ? "geojson" : "csv";
    /* The download names its kind, so both CSVs can lie in one folder. */
    const char *suffix = format == SPATIAL_CSV_PLAIN ? "-plain" : "";
    http_reply_stream(
        rep, format == SPATIAL_GEOJSON ? "application/geo+json" : "text/csv; charset=utf-8",
        file_stream_next, fs, file_stream_free);
    http_reply_header(
        req, rep, "Content-Disposition",
        arena_printf(req->arena, "attachment; filename=\"%s%s.%s\"", layer->name, suffix, ext));
}

/* GET /api/v1/incidents */
static void api_incident_list(struct http_request *req, struct http_reply *rep)
{
    list(req, rep, &spatial_incidents);
}

/* GET /api/v1/incidents.geojson */
static void api_incident_geojson(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_incidents, SPATIAL_GEOJSON);
}

/* GET /api/v1/incidents.csv */
static void api_incident_csv(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_incidents, SPATIAL_CSV);
}

/* GET /api/v1/events */
static void api_event_list(struct http_request *req, struct http_reply *rep)
{
    list(req, rep, &spatial_events);
}

/* GET /api/v1/events.geojson */
static void api_event_geojson(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_events, SPATIAL_GEOJSON);
}

/* GET /api/v1/events.csv */
static void api_event_csv(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_events, SPATIAL_CSV);
}

/* Counts per grid cell of every match (spatial_grid): the map's bubbles at low zoom. The
 * list's filters, and `cell` (degrees) or `zoom` (the web map's, which picks the cell); with
 * neither, the cell of zoom 2. */
static void grid(struct http_request *req, struct http_reply *rep,
                 const struct spatial_layer *layer)
{
    struct bh_error err;
    struct spatial_filter f;
    spatial_filter_init(&f);
    double cell = spatial_grid_cell_for_zoom(2);
    const char *cell_text = http_request_query(req, "cell");
    const char *zoom_text = http_request_query(req, "zoom");
    int64_t zoom = 0;
    int rc = spatial_filter_read(&f, query, req, &err);
    if (!rc && cell_text)
        rc = spatial_grid_cell_parse(cell_text, &cell, &err);
    else if (!rc && zoom_text) {
        if (api_parse_int(zoom_text, 0, &zoom) && zoom <= SPATIAL_GRID_ZOOM_MAX)
            cell = spatial_grid_cell_for_zoom((int)zoom);
        else
            rc = bh_fail(&err, BH_EINVALID, "zoom", "zoom must be a whole number from 0 to %d",
                         SPATIAL_GRID_ZOOM_MAX);
    }
    json_t *reply = NULL;
    if (!rc)
        rc = spatial_grid(req->db, &req->who, layer, &f, cell, &reply, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* GET /api/v1/incidents/grid */
static void api_incident_grid(struct http_request *req, struct http_reply *rep)
{
    grid(req, rep, &spatial_incidents);
}

/* GET /api/v1/events/grid */
static void api_event_grid(struct http_request *req, struct http_reply *rep)
{
    grid(req, rep, &spatial_events);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_map_layers_routes[] = {
    { "GET", "/api/v1/incidents", api_incident_list, 0, PERM_RECORD_READ, 0,
      "List incidents the caller may see: bbox, near, from, to, mission, type, status, q" },
    { "GET", "/api/v1/incidents/grid", api_incident_grid, ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "Counts per grid cell of the incidents the caller may see: the list's filters, cell or "
      "zoom" },
    { "GET", "/api/v1/incidents.geojson", api_incident_geojson, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT,
      0, "The same matches as GeoJSON (RFC 7946)" },
    { "GET", "/api/v1/incidents.csv", api_incident_csv, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT, 0,
      "The same matches as CSV with HXL hashtags" },
    { "GET", "/api/v1/events", api_event_list, 0, PERM_RECORD_READ, 0,
      "List context events: the incident filters except status" },
    { "GET", "/api/v1/events/grid", api_event_grid, ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "Counts per grid cell of context events: the list's filters, cell or zoom" },
    { "GET", "/api/v1/events.geojson", api_event_geojson, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT, 0,
      "The same matches as GeoJSON (RFC 7946)" },
    { "GET", "/api/v1/events.csv", api_event_csv, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT, 0,
      "The same matches as CSV with HXL hashtags" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
