/* Bulletins over HTTP (docs/bulletins.md): written and published by their organization
 * (bulletin.write), read by whoever the sharing model lets see them: a TLP:CLEAR bulletin once
 * published is public, also without signing in, like the published statistics. A bulletin
 * someone may not see is a 404 for them, its attachments too. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "attachment/attachment.h"
#include "base/mem.h"
#include "bulletin/bulletin.h"

#include <stdlib.h>
#include <string.h>

static const char *path_param(struct http_request *req, size_t i)
{
    return req->nparams > i ? req->params[i] : "";
}

static void reply_bulletin(struct http_request *req, struct http_reply *rep, int rc,
                           const struct bh_error *err, json_t *b, int status)
{
    if (api_failed(req, rep, rc, err))
        return;
    if (status == 201)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "/api/v1/bulletins/%s",
                                       json_string_value(json_object_get(b, "id"))));
    http_reply_json(req, rep, status, b);
}

static void api_bulletin_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = bulletin_list(req->db, &req->who, http_request_query(req, "status"), l.page.after,
                           l.page.limit, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_bulletin_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *b = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = bulletin_create(req->db, &req->who, body, &b, &err);
    json_decref(body);
    reply_bulletin(req, rep, rc, &err, b, 201);
}

static void api_bulletin_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *b = NULL;
    int rc = bulletin_get(req->db, &req->who, path_param(req, 0), &b, &err);
    reply_bulletin(req, rep, rc, &err, b, 200);
}

static void api_bulletin_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *b = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = bulletin_update(req->db, &req->who, path_param(req, 0), body, &b, &err);
    json_decref(body);
    reply_bulletin(req, rep, rc, &err, b, 200);
}

static void api_bulletin_publish(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *b = NULL;
    int rc = bulletin_publish(req->db, &req->who, path_param(req, 0), &b, &err);
    reply_bulletin(req, rep, rc, &err, b, 200);
}

/* POST /api/v1/bulletins/{id}/attachments?filename=NAME with the file's bytes as the body.
 * Its Content-Type is not trusted: the module judges the bytes. */
static void api_bulletin_attach(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *a = NULL;
    int rc =
        bulletin_attach(req->db, &req->who, path_param(req, 0), http_request_query(req, "filename"),
                        req->body, req->body_len, &a, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/bulletins/%s/attachments/%s",
                                   path_param(req, 0),
                                   json_string_value(json_object_get(a, "id"))));
    http_reply_json(req, rep, 201, a);
}

/* The file goes out as a stream of one piece: the dispatcher puts its own ETag (a hash of the
 * reply) on a body, and an attachment's ETag is its SHA-256, which a client can check the
 * bytes against. */
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

static void api_bulletin_attachment_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct attachment a;
    int rc = bulletin_attachment_get(req->db, &req->who, path_param(req, 0), path_param(req, 1), &a,
                                     &err);
    if (api_failed(req, rep, rc, &err))
        return;
    char *etag = arena_printf(req->arena, "\"%s\"", a.sha256);
    char *disposition = attachment_content_disposition(a.filename);
    http_reply_header(req, rep, "ETag", etag);
    http_reply_header(req, rep, "Content-Disposition", disposition);
    free(disposition);
    const char *inm = http_request_header(req, "If-None-Match");
    if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
        attachment_cleanup(&a);
        http_reply_body(rep, 304, arena_strdup(req->arena, a.content_type), NULL, 0, NULL);
        return;
    }
    struct file_out *f = xmalloc(sizeof *f);
    f->data = a.data;
    f->len = (size_t)a.size;
    a.data = NULL;
    http_reply_stream(rep, arena_strdup(req->arena, a.content_type), file_next, f, file_free);
}

const struct route api_bulletins_routes[] = {
    { "GET", "/api/v1/bulletins", api_bulletin_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "Bulletins the reader may see, newest first (drafts only to their organization)" },
    { "POST", "/api/v1/bulletins", api_bulletin_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_bulletin_write, 0, "Write a bulletin (a draft of your organization)" },
    { "GET", "/api/v1/bulletins/{id}", api_bulletin_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One bulletin with its Markdown rendered as safe HTML and its attachments" },
    { "PATCH", "/api/v1/bulletins/{id}", api_bulletin_update, ROUTE_JSON, &perm_bulletin_write, 0,
      "Change a bulletin of your organization" },
    { "POST", "/api/v1/bulletins/{id}/publish", api_bulletin_publish, 0, &perm_bulletin_write, 0,
      "Publish a draft bulletin (a live feed event)" },
    { "POST", "/api/v1/bulletins/{id}/attachments", api_bulletin_attach, 0, &perm_bulletin_write,
      ATTACHMENT_MAX_BYTES_CEILING,
      "Attach a file (PDF, PNG, JPEG, WebP or GIF) sent as the raw body, ?filename=NAME" },
    { "GET", "/api/v1/bulletins/{id}/attachments/{aid}", api_bulletin_attachment_get, ROUTE_PUBLIC,
      PERM_NONE, 0, "Download an attachment of a bulletin the reader may see" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
