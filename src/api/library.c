/* The knowledge library over HTTP (docs/library.md): lessons, case studies, best practices and
 * after-action reviews, written by an organization (library.write), reviewed by others
 * (library.comment, library.review), published (library.publish) and endorsed
 * (library.endorse). Every read is the sharing model's (the predicate in library/): a
 * document, version, comment or attachment someone may not see is a 404 for them. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "attachment/attachment.h"
#include "base/buf.h"
#include "base/jsonfield.h"
#include "base/log.h"
#include "base/mem.h"
#include "formats/markdown.h"
#include "library/library.h"

#include <stdlib.h>
#include <string.h>

#define LIBRARY_LIMIT_DEFAULT 20
#define LIBRARY_LIMIT_MAX     100
#define RELATED_LIMIT_DEFAULT 10

/* An optional whole-number query parameter from `min` to `max`: *out keeps its default when
 * the parameter is absent; anything else is BH_EINVALID naming it. */
static int query_int(struct http_request *req, const char *name, int64_t min, int64_t max,
                     int64_t *out, struct bh_error *err)
{
    const char *s = http_request_query(req, name);
    int64_t v;
    if (!s)
        return 0;
    if (!api_parse_int(s, min, &v) || v > max)
        return bh_fail(err, BH_EINVALID, name, "%s '%.20s' is not a number from %lld to %lld", name,
                       s, (long long)min, (long long)max);
    *out = v;
    return 0;
}

/* ?facets=1 (or true) counts the facets; 0, false or nothing does not. */
static int query_flag(struct http_request *req, const char *name, bool *out, struct bh_error *err)
{
    const char *s = http_request_query(req, name);
    *out = false;
    if (!s || strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
        return 0;
    if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0) {
        *out = true;
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "%s '%.20s' is not 1 or 0", name, s);
}

/* The search's query parameters; the module judges the values of the filters. */
static int search_query_read(struct http_request *req, struct library_query *q,
                             struct bh_error *err)
{
    int64_t year = 0, limit = LIBRARY_LIMIT_DEFAULT;
    memset(q, 0, sizeof *q);
    q->q = http_request_query(req, "q");
    q->kind = http_request_query(req, "kind");
    q->status = http_request_query(req, "status");
    q->mission = http_request_query(req, "mission");
    q->threat = http_request_query(req, "threat");
    q->activity = http_request_query(req, "activity");
    q->a4p = http_request_query(req, "a4p");
    q->keyword = http_request_query(req, "keyword");
    q->org = http_request_query(req, "org");
    q->after = http_request_query(req, "after");
    int rc = query_int(req, "year", 1, 9999, &year, err);
    if (!rc)
        rc = query_int(req, "limit", 1, LIBRARY_LIMIT_MAX, &limit, err);
    if (!rc)
        rc = query_flag(req, "facets", &q->facets, err);
    q->year = (int)year;
    q->limit = (int)limit;
    return rc;
}

static void api_library_search(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct library_query q;
    json_t *o = NULL;
    int rc = search_query_read(req, &q, &err);
    if (!rc)
        rc = library_search(req->db, &req->who, &q, &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = library_create(req->db, &req->who, body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 201, "/api/v1/library");
}

/* The editor's preview: what the document's body will look like, rendered by the same code as
 * the stored one, and nothing written. */
static void api_library_preview(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "body", NULL };
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    const char *md = NULL;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "body", false, 0, &md, &err);
    if (!rc && md && strlen(md) > LIBRARY_BODY_MAX)
        rc = bh_fail(&err, BH_ETOOLARGE, "body", "the body is longer than %d bytes",
                     LIBRARY_BODY_MAX);
    if (!rc) {
        char *html = markdown_to_html(md, md ? strlen(md) : 0);
        o = json_pack("{s:s}", "html", html);
        free(html);
    }
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_related(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t limit = RELATED_LIMIT_DEFAULT;
    json_t *items = json_array();
    int rc = query_int(req, "limit", 1, LIBRARY_LIMIT_MAX, &limit, &err);
    if (!rc)
        rc = library_related(req->db, &req->who, http_request_query(req, "document"),
                             http_request_query(req, "incident"), (int)limit, items, &err);
    api_reply_record(req, rep, rc, &err, json_pack("{s:o}", "items", items), 200, NULL);
}

/* An export being streamed: its own store connection (the worker thread's serves other
 * requests between two pieces of this one) and the export reading from it, one document a
 * piece. The status, the ids and an admin's audit are settled before the first byte; after
 * it a failure can only cut the connection. */
struct export_stream {
    struct db *db;
    struct library_export *x;
};

static int export_next(void *ctx, struct buf *out)
{
    struct export_stream *es = ctx;
    struct bh_error err;
    int rc = library_export_next(es->x, out, &err);
    if (rc < 0)
        log_error("export: the library file failed: %s", err.message);
    return rc == 1 ? HTTP_STREAM_END : rc;
}

static void export_free(void *ctx)
{
    struct export_stream *es = ctx;
    library_export_free(es->x);
    db_close(es->db);
    free(es);
}

static void api_library_export(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct export_stream *es = xcalloc(1, sizeof *es);
    int rc = http_request_db_own(req, &es->db, &err);
    if (!rc)
        rc = library_export_begin(es->db, req->db, &req->who, http_request_query(req, "status"),
                                  &es->x, &err);
    if (api_failed(req, rep, rc, &err)) {
        export_free(es);
        return;
    }
    http_reply_stream(rep, "application/json", export_next, es, export_free);
    http_reply_header(req, rep, "Content-Disposition", "attachment; filename=\"library.json\"");
}

static void api_library_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = library_get(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

/* PATCH with If-Match: the version the client read ("3" or 3); a stale one is 412. Without it
 * the change applies to whatever is stored. */
static void api_library_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int64_t version = 0;
    int rc = api_if_match(req, &version, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = library_update(req->db, &req->who, api_path_param(req, 0), body, version, &o, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int rc = library_delete(req->db, &req->who, api_path_param(req, 0), &err);
    if (!api_failed(req, rep, rc, &err))
        http_reply_empty(rep, 204);
}

static void api_library_submit(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = library_submit(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_publish(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = library_publish(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_withdraw(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "reason", NULL };
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    const char *reason = NULL;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "reason", false, 0, &reason, &err);
    if (!rc)
        rc = library_withdraw(req->db, &req->who, api_path_param(req, 0), reason, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_versions(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = library_versions(req->db, &req->who, api_path_param(req, 0), items, &err);
    api_reply_record(req, rep, rc, &err, json_pack("{s:o}", "items", items), 200, NULL);
}

static void api_library_version_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int64_t n;
    int rc = 0;
    if (!api_parse_int(api_path_param(req, 1), 1, &n))
        rc = bh_fail(&err, BH_EINVALID, "version", "version '%.20s' is not a number from 1",
                     api_path_param(req, 1));
    if (!rc)
        rc = library_version_get(req->db, &req->who, api_path_param(req, 0), n, &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

/* Both ends are required: a diff against nothing is the version itself. */
static int query_version(struct http_request *req, const char *name, int64_t *out,
                         struct bh_error *err)
{
    *out = 0;
    int rc = query_int(req, name, 1, INT64_MAX, out, err);
    if (!rc && *out == 0)
        rc = bh_fail(err, BH_EINVALID, name, "%s (a version number) is required", name);
    return rc;
}

static void api_library_diff(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int64_t from, to;
    int rc = query_version(req, "from", &from, &err);
    if (!rc)
        rc = query_version(req, "to", &to, &err);
    if (!rc)
        rc = library_diff(req->db, &req->who, api_path_param(req, 0), from, to, &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_comments(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = library_comments(req->db, &req->who, api_path_param(req, 0), items, &err);
    api_reply_record(req, rep, rc, &err, json_pack("{s:o}", "items", items), 200, NULL);
}

static void api_library_comment_add(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = library_comment_add(req->db, &req->who, api_path_param(req, 0), body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 201, NULL);
}

/* PUT with {"note"}, {} or an empty JSON body. */
static void api_library_endorse(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "note", NULL };
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    const char *note = NULL;
    int rc = 0;
    if (req->body_len) {
        rc = api_json_body(req, known, &body, &err);
        if (!rc)
            rc = jsonfield_string(body, "note", false, LIBRARY_NOTE_MAX, &note, &err);
    }
    if (!rc)
        rc = library_endorse(req->db, &req->who, api_path_param(req, 0), note, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_library_unendorse(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = library_unendorse(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

/* POST .../attachments?filename=NAME with the file's bytes as the body; its Content-Type is
 * not trusted: the module judges the bytes. */
static void api_library_attach(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *a = NULL;
    int rc =
        library_attach(req->db, &req->who, api_path_param(req, 0),
                       http_request_query(req, "filename"), req->body, req->body_len, &a, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/library/%s/attachments/%s",
                                   api_path_param(req, 0),
                                   json_string_value(json_object_get(a, "id"))));
    http_reply_json(req, rep, 201, a);
}

/* The file goes out as a stream of one piece, with its SHA-256 as the ETag (as bulletins'
 * attachments): a client can check the bytes against it. */
struct file_out {
    void *data;
    size_t len;
};

static int file_next(void *ctx, struct buf *out)
{
    struct file_out *f = ctx;
    buf_append(out, f->data, f->len);
    return HTTP_STREAM_END;
}

static void file_free(void *ctx)
{
    struct file_out *f = ctx;
    free(f->data);
    free(f);
}

static void api_library_attachment_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct attachment a;
    int rc = library_attachment_get(req->db, &req->who, api_path_param(req, 0),
                                    api_path_param(req, 1), &a, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    char *etag = arena_printf(req->arena, "\"%s\"", a.sha256);
    char *disposition = attachment_content_disposition(a.filename);
    http_reply_header(req, rep, "ETag", etag);
    http_reply_header(req, rep, "Content-Disposition", disposition);
    free(disposition);
    const char *inm = http_request_header(req, "If-None-Match");
    if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
        http_reply_body(rep, 304, arena_strdup(req->arena, a.content_type), NULL, 0, NULL);
        attachment_cleanup(&a);
        return;
    }
    struct file_out *f = xmalloc(sizeof *f);
    f->data = a.data;
    f->len = (size_t)a.size;
    a.data = NULL;
    http_reply_stream(rep, arena_strdup(req->arena, a.content_type), file_next, f, file_free);
    attachment_cleanup(&a);
}

/* The literal paths (preview, related, export) come before /api/v1/library/{id}: the first
 * row whose pattern matches is the one served. */
const struct route api_library_routes[] = {
    { "GET", "/api/v1/library", api_library_search, ROUTE_PUBLIC, PERM_NONE, 0,
      "Search or list the documents the reader may see (?q, kind, status, mission, threat, "
      "activity, a4p, keyword, org, year, after, limit, facets)" },
    { "POST", "/api/v1/library", api_library_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_library_write, 0, "Write a document (a draft of your organization)" },
    { "POST", "/api/v1/library/preview", api_library_preview, ROUTE_JSON, &perm_library_write, 0,
      "A Markdown body rendered as safe HTML; nothing is stored" },
    { "GET", "/api/v1/library/related", api_library_related, ROUTE_PUBLIC, PERM_NONE, 0,
      "Published documents related to a document or an incident (?document or ?incident)" },
    { "GET", "/api/v1/library/export", api_library_export, ROUTE_EXPENSIVE, PERM_RECORD_EXPORT, 0,
      "The documents the reader may see as one JSON file (?status)" },
    { "GET", "/api/v1/library/{id}", api_library_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One document with its tags, links, attachments, endorsements and reviews" },
    { "PATCH", "/api/v1/library/{id}", api_library_update, ROUTE_JSON, &perm_library_write, 0,
      "Change a document of your organization (If-Match: its version)" },
    { "DELETE", "/api/v1/library/{id}", api_library_delete, 0, &perm_library_write, 0,
      "Delete a draft of your organization" },
    { "POST", "/api/v1/library/{id}/submit", api_library_submit, 0, &perm_library_publish, 0,
      "Submit a draft for review by other organizations" },
    { "POST", "/api/v1/library/{id}/publish", api_library_publish, 0, &perm_library_publish, 0,
      "Publish a document another organization approved" },
    { "POST", "/api/v1/library/{id}/withdraw", api_library_withdraw, ROUTE_JSON,
      &perm_library_publish, 0, "Take a document in review or published back to draft" },
    { "GET", "/api/v1/library/{id}/versions", api_library_versions, ROUTE_PUBLIC, PERM_NONE, 0,
      "The versions of a document the reader may see, newest first" },
    { "GET", "/api/v1/library/{id}/versions/{n}", api_library_version_get, ROUTE_PUBLIC, PERM_NONE,
      0, "One version of a document as it was written" },
    { "GET", "/api/v1/library/{id}/diff", api_library_diff, ROUTE_PUBLIC, PERM_NONE, 0,
      "What changed between two versions (?from, ?to)" },
    { "GET", "/api/v1/library/{id}/comments", api_library_comments, ROUTE_PUBLIC, PERM_NONE, 0,
      "The comments and review verdicts on a document the reader may see, oldest first" },
    { "POST", "/api/v1/library/{id}/comments", api_library_comment_add,
      ROUTE_JSON | ROUTE_IDEMPOTENT, &perm_library_comment, 0,
      "Comment on a document, reply, or give a review verdict (library.review)" },
    { "PUT", "/api/v1/library/{id}/endorsement", api_library_endorse, ROUTE_JSON,
      &perm_library_endorse, 0, "Endorse a published document for your organization" },
    { "DELETE", "/api/v1/library/{id}/endorsement", api_library_unendorse, 0, &perm_library_endorse,
      0, "Withdraw your organization's endorsement" },
    { "POST", "/api/v1/library/{id}/attachments", api_library_attach, 0, &perm_library_write,
      ATTACHMENT_MAX_BYTES_CEILING,
      "Attach a file (PDF, PNG, JPEG, WebP or GIF) sent as the raw body, ?filename=NAME" },
    { "GET", "/api/v1/library/{id}/attachments/{aid}", api_library_attachment_get, ROUTE_PUBLIC,
      PERM_NONE, 0, "Download an attachment of a document the reader may see" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
