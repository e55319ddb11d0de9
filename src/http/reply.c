#include "http/request.h"

#include "base/i18n.h"
#include "base/log.h"
#include "http/text.h"

#include <stdlib.h>
#include <string.h>

/* The body of last resort: no request text in it, so it is valid JSON whatever the request
 * held; every part of it comes from the error table's row for `rc`. */
static void reply_fixed_problem(struct http_request *req, struct http_reply *rep, int rc)
{
    int status = bh_http_status(rc);
    /* In English: the words are written into JSON unescaped, and the English ones are known to
     * need no escape. */
    enum lang lang = i18n_thread_lang();
    i18n_set_thread_lang(LANG_EN);
    char *body = arena_printf(req->arena,
                              "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,"
                              "\"detail\":\"%s\",\"code\":\"%s\"}",
                              bh_http_title(rc), status,
                              status >= 500 ? "the server could not encode its reply"
                                            : "the request could not be described in the reply",
                              bh_errname(rc));
    i18n_set_thread_lang(lang);
    http_reply_body(rep, status, "application/problem+json", body, strlen(body), NULL);
}

void http_reply_cleanup(struct http_reply *rep)
{
    if (rep->body_free && rep->body)
        rep->body_free(rep->body);
    rep->body_free = NULL;
    rep->body = NULL;
    rep->body_len = 0;
    if (rep->stream && rep->stream_free)
        rep->stream_free(rep->stream_ctx);
    rep->stream = NULL;
    rep->stream_ctx = NULL;
    rep->stream_free = NULL;
}

void http_reply_body(struct http_reply *rep, int status, const char *content_type, char *body,
                     size_t len, void (*body_free)(void *))
{
    http_reply_cleanup(rep);
    rep->status = status;
    rep->content_type = content_type;
    rep->body = body;
    rep->body_len = len;
    rep->body_free = body_free;
}

void http_reply_buf(struct http_reply *rep, int status, const char *content_type, struct buf *b)
{
    size_t len = b->len;
    http_reply_body(rep, status, content_type, buf_steal(b), len, free);
}

void http_reply_stream(struct http_reply *rep, const char *content_type, http_stream_fn producer,
                       void *ctx, void (*free_ctx)(void *))
{
    http_reply_cleanup(rep);
    rep->status = 200;
    rep->content_type = content_type;
    rep->stream = producer;
    rep->stream_ctx = ctx;
    rep->stream_free = free_ctx;
}

void http_reply_json(struct http_request *req, struct http_reply *rep, int status, json_t *json)
{
    /* 15 significant digits: enough for any coordinate or rate we store, without the
     * 0.30000000000000004 noise of 17. A NULL `json` is what json_pack() returns for text
     * that is not UTF-8: a reply that cannot be built is the server's failure (500), never a
     * reason to stop serving everyone else. */
    char *text = json ? json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(json);
    if (!text) {
        log_error("reply: the %d reply to %s could not be encoded as JSON; sent a 500", status,
                  http_text_clean(req->arena, req->path ? req->path : "", true));
        reply_fixed_problem(req, rep, BH_EINTERNAL);
        return;
    }
    /* jansson's string is handed to the reply as it is: the server frees it once sent. */
    http_reply_body(rep, status, "application/json", text, strlen(text), free);
}

void http_reply_problem(struct http_request *req, struct http_reply *rep, int rc,
                        const char *detail, const char *field)
{
    /* RFC 9457: "about:blank" says the status is the whole meaning; the code is our stable
     * machine-readable name and `field` names what to fix. Status, title and code come from
     * one row of the error table, so they cannot disagree. The texts may quote the request (a
     * header, a path, a cell of an upload): bytes that are not UTF-8 become U+FFFD, so jansson
     * can always encode them and the bad bytes are never echoed. Title and detail are in the
     * request's language (the dispatcher set the thread's from Accept-Language or the user's
     * setting); a detail built by bh_fail() is already, a fixed one is translated here; code
     * and field stay the machine's. */
    struct arena *a = req->arena;
    int status = bh_http_status(rc);
    json_t *p = json_pack(
        "{s:s, s:s, s:i, s:s, s:s, s:s}", "type", "about:blank", "title", bh_http_title(rc),
        "status", status, "detail", detail ? http_text_clean(a, _(detail), false) : "", "instance",
        req->path ? http_text_clean(a, req->path, true) : "", "code", bh_errname(rc));
    if (!p) {
        reply_fixed_problem(req, rep, rc);
        return;
    }
    if (field && *field)
        json_object_set_new(p, "field", json_string(http_text_clean(a, field, false)));
    http_reply_json(req, rep, status, p);
    rep->content_type = "application/problem+json";
}

void http_reply_error(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err)
{
    const char *detail = err && err->message[0] ? err->message : bh_strerror(rc);
    /* A failure of the server itself (the store, the disk, memory) is the operator's to read,
     * in the log: its message names files and statements that are nobody else's business.
     * The client learns that it failed and where to look. */
    if (rc == BH_ESTORE || rc == BH_EIO || rc == BH_EINTERNAL || rc == BH_ENOMEM ||
        rc == BH_EVERSION) {
        log_error("%s %s: %s", req->method ? req->method : "?",
                  http_text_clean(req->arena, req->path ? req->path : "", true), detail);
        detail = _("the server could not complete the request; the cause is in its log");
    }
    http_reply_problem(req, rep, rc, detail, err ? err->field : NULL);
}

void http_reply_header(struct http_request *req, struct http_reply *rep, const char *name,
                       const char *value)
{
    /* More headers than there is room for is a programming error, but one that a particular
     * request might trigger (a handler's headers plus the dispatcher's Vary, ETag and
     * Content-Encoding): it is logged and the header dropped rather than the server stopped
     * for everyone. */
    if (rep->nheaders == HTTP_MAX_REPLY_HEADERS) {
        log_error("reply: more than %d headers; dropped %s", HTTP_MAX_REPLY_HEADERS,
                  http_text_clean(req->arena, name, true));
        return;
    }
    rep->headers[rep->nheaders].name = arena_strdup(req->arena, name);
    rep->headers[rep->nheaders].value = arena_strdup(req->arena, value);
    rep->nheaders++;
}

void http_reply_empty(struct http_reply *rep, int status)
{
    http_reply_body(rep, status, NULL, NULL, 0, NULL);
}
