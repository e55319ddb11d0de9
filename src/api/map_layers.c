/* The map layers over HTTP: incidents and context events as pages of JSON and as files
 * (GeoJSON, CSV with HXL hashtags). Both paths take the same filters and ask the spatial
 * module, so the list, its total and the files always agree about what matched and who may
 * see it. */
#include "api/api.h"

#include "api/common.h"
#include "base/buf.h"
#include "spatial/spatial.h"

#include <stdio.h>

/* A file is built in memory before it is sent, so it has a ceiling; past it the reader is
 * told to narrow the filters or to use the command line, which writes any size. */
#define FILE_MAX_ROWS 100000

static const char *query(void *ctx, const char *name)
{
    return http_request_query(ctx, name);
}

static void list(struct http_request *req, struct http_reply *rep,
                 const struct spatial_layer *layer)
{
    struct bh_error err;
    struct api_list l;
    struct spatial_filter f;
    struct db *db;
    char next[SPATIAL_CURSOR_MAX] = "";
    spatial_filter_init(&f);
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = spatial_filter_read(&f, query, req, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = spatial_list(db, &req->who, layer, &f, l.page.after, l.page.limit, l.items, next,
                          &l.total, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(l.items);
        return;
    }
    page_reply(req, rep, l.items, next[0] ? next : NULL, (long long)l.total);
}

static int to_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* Every match as a file; `limit` and `cursor` are the list's and are not read here. */
static void file(struct http_request *req, struct http_reply *rep,
                 const struct spatial_layer *layer, enum spatial_format format)
{
    struct bh_error err;
    struct spatial_filter f;
    struct db *db;
    int64_t total = 0;
    spatial_filter_init(&f);
    int rc = spatial_filter_read(&f, query, req, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = spatial_count(db, &req->who, layer, &f, &total, &err);
    if (!rc && total > FILE_MAX_ROWS)
        rc = bh_fail(&err, BH_ETOOLARGE, NULL,
                     "%lld %s match; a file over HTTP holds at most %d: narrow the filters "
                     "(bbox, from, to, mission, type) or use `bluehelm export %s`",
                     (long long)total, layer->name, FILE_MAX_ROWS, layer->name);
    struct buf out = BUF_INIT;
    if (!rc)
        rc = spatial_export(db, &req->who, layer, &f, format, to_buf, &out, NULL, &err);
    if (api_failed(req, rep, rc, &err)) {
        buf_cleanup(&out);
        return;
    }
    const char *ext = format == SPATIAL_GEOJSON ? "geojson" : "csv";
    rep->status = 200;
    rep->content_type =
        format == SPATIAL_GEOJSON ? "application/geo+json" : "text/csv; charset=utf-8";
    rep->body_len = out.len;
    rep->body = arena_strndup(req->arena, buf_str(&out), out.len);
    buf_cleanup(&out);
    http_reply_header(req, rep, "Content-Disposition",
                      arena_printf(req->arena, "attachment; filename=\"%s.%s\"", layer->name, ext));
}

/* GET /api/v1/incidents */
void api_incident_list(struct http_request *req, struct http_reply *rep)
{
    list(req, rep, &spatial_incidents);
}

/* GET /api/v1/incidents.geojson */
void api_incident_geojson(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_incidents, SPATIAL_GEOJSON);
}

/* GET /api/v1/incidents.csv */
void api_incident_csv(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_incidents, SPATIAL_CSV);
}

/* GET /api/v1/events */
void api_event_list(struct http_request *req, struct http_reply *rep)
{
    list(req, rep, &spatial_events);
}

/* GET /api/v1/events.geojson */
void api_event_geojson(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_events, SPATIAL_GEOJSON);
}

/* GET /api/v1/events.csv */
void api_event_csv(struct http_request *req, struct http_reply *rep)
{
    file(req, rep, &spatial_events, SPATIAL_CSV);
}
