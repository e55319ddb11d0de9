/* The casualty register over HTTP: list, create, read, release, export. Who sees which record
 * (and which possible double entries: both rows) is casualty_predicate()'s decision, made in the
 * module; a record someone may not see is a 404 for them, never a 403. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "casualty/casualty.h"
#include "casualty/export.h"

#include <stdlib.h>
#include <string.h>

/* The query string as casualty_filter_read() asks for it. */
static const char *query(void *ctx, const char *name)
{
    return http_request_query(ctx, name);
}

static const char *path_id(struct http_request *req)
{
    return req->nparams ? req->params[0] : "";
}

/* GET /api/v1/casualties: the records the caller may see, newest incident first. */
static void api_casualty_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    struct casualty_filter f;
    char next[CASUALTY_CURSOR_MAX] = "";
    casualty_filter_init(&f);
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = casualty_filter_read(&f, query, req, &err);
    if (!rc)
        rc = casualty_list(req->db, &req->who, &f, l.page.after, l.page.limit, l.items, next,
                           &l.total, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(l.items);
        return;
    }
    page_reply(req, rep, l.items, next[0] ? next : NULL, (long long)l.total, true);
}

/* POST /api/v1/casualties: a member's record, embargoed until released. */
static void api_casualty_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    struct casualty_new in;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = casualty_new_from_json(body, &in, &err);
    if (!rc)
        rc = casualty_create(req->db, &req->who, &in, &rec, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/casualties/%s",
                                   json_string_value(json_object_get(rec, "id"))));
    http_reply_json(req, rep, 201, rec);
}

/* GET /api/v1/casualties/{id}: by id or casualty_id. */
static void api_casualty_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = casualty_get(req->db, &req->who, path_id(req), &rec, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, rec);
}

/* POST /api/v1/casualties/{id}/release: lifts the embargo. */
static void api_casualty_release(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = casualty_release(req->db, &req->who, path_id(req), &rec, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, rec);
}

/* GET /api/v1/casualties/conflicts: possible double entries, the records that share a
 * casualty_id, when the caller may see at least two of them. */
static void api_casualty_conflicts(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = casualty_conflicts(req->db, &req->who, items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    http_reply_json(
        req, rep, 200,
        json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
}

/* POST /api/v1/casualties/{id}/duplicate-of {"of": "<id>"}: an admin marks the record as
 * the duplicate of another with the same casualty_id ({"of": null} clears it). */
static void api_casualty_duplicate_of(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *rec = NULL;
    const char *of = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = casualty_duplicate_from_json(body, &of, &err);
    if (!rc)
        rc = casualty_mark_duplicate(req->db, &req->who, path_id(req), of, &rec, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, rec);
}

/* An export being streamed: its own store connection (the worker thread's serves other
 * requests between two pieces of this one) and the export reading from it. */
struct export_stream {
    struct db *db;
    struct casualty_export *x;
};

static void export_stream_free(void *ctx)
{
    struct export_stream *es = ctx;
    casualty_export_free(es->x);
    db_close(es->db);
    free(es);
}

static int export_stream_next(void *ctx, struct buf *out)
{
    struct export_stream *es = ctx;
    struct bh_error err;
    int rc = casualty_export_next(es->x, out, &err);
    if (rc < 0)
        log_error("export: the casualty file failed after %lld rows: %s",
                  (long long)casualty_export_rows(es->x), err.message);
    return rc == 1 ? HTTP_STREAM_END : rc;
}

/* GET /api/v1/casualties.csv?format=un|hxl: the records the caller may see, as a file,
 * streamed as it is read (no row cap, memory constant in the number of records). The
 * format, the filters and the store are checked, and an admin's read audited, before the
 * first byte: after it a failure can only cut the connection. */
static void api_casualty_export(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct casualty_filter f;
    const char *format = http_request_query(req, "format");
    int fmt = casualty_export_format_parse(format ? format : "un");
    int rc = 0;
    casualty_filter_init(&f);
    if (fmt != CASUALTY_EXPORT_UN && fmt != CASUALTY_EXPORT_HXL)
        rc = bh_fail(&err, BH_EINVALID, "format",
                     "format '%.40s' is not one of un, hxl (JSON is GET /api/v1/casualties)",
                     format);
    if (!rc)
        rc = casualty_filter_read(&f, query, req, &err);
    struct export_stream *es = xcalloc(1, sizeof *es);
    if (!rc)
        rc = http_request_db_own(req, &es->db, &err);
    if (!rc)
        rc = casualty_export_begin(es->db, req->db, &req->who, &f, (enum casualty_export_format)fmt,
                                   &es->x, &err);
    if (api_failed(req, rep, rc, &err)) {
        export_stream_free(es);
        return;
    }
    http_reply_stream(rep, "text/csv; charset=utf-8", export_stream_next, es, export_stream_free);
    http_reply_header(req, rep, "Content-Disposition",
                      fmt == CASUALTY_EXPORT_UN ? "attachment; filename=\"casualties-un.csv\""
                                                : "attachment; filename=\"casualties-hxl.csv\"");
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_casualties_routes[] = {
    { "GET", "/api/v1/casualties", api_casualty_list, 0, PERM_RECORD_READ, 0,
      "List casualty records the caller may see" },
    { "POST", "/api/v1/casualties", api_casualty_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      PERM_RECORD_WRITE, 0, "Create a casualty record (embargoed until released)" },
    { "GET", "/api/v1/casualties.csv", api_casualty_export, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT, 0,
      "Export casualty records as CSV: the UN's columns or HXL" },
    { "GET", "/api/v1/casualties/conflicts", api_casualty_conflicts, 0, PERM_RECORD_READ, 0,
      "Possible double entries: records that share a casualty_id" },
    { "GET", "/api/v1/casualties/{id}", api_casualty_get, 0, PERM_RECORD_READ, 0,
      "One casualty record" },
    { "POST", "/api/v1/casualties/{id}/release", api_casualty_release, 0, PERM_RECORD_WRITE, 0,
      "Release a casualty record from its embargo" },
    { "POST", "/api/v1/casualties/{id}/duplicate-of", api_casualty_duplicate_of, ROUTE_JSON,
      PERM_RECORD_WRITE, 0, "Mark a casualty record as the duplicate of another (admins)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
