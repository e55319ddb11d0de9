#include "http/request.h"

#include <stdlib.h>
#include <string.h>

void http_reply_json(struct http_request *req, struct http_reply *rep, int status, json_t *json)
{
    /* 15 significant digits: enough for any coordinate or rate we store, without the
     * 0.30000000000000004 noise of 17. */
    char *text = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(json);
    if (!text)
        abort(); /* jansson fails only on out-of-memory here */
    size_t len = strlen(text);
    rep->body = arena_strndup(req->arena, text, len);
    rep->body_len = len;
    free(text);
    rep->status = status;
    rep->content_type = "application/json";
}

static const char *status_title(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

void http_reply_problem(struct http_request *req, struct http_reply *rep, int status,
                        const char *code, const char *detail, const char *field)
{
    /* RFC 9457: "about:blank" says the status is the whole meaning; `code` is our stable
     * machine-readable name (from the error table) and `field` names what to fix. */
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", "about:blank", "title",
                          status_title(status), "status", status, "detail", detail ? detail : "",
                          "instance", req->path ? req->path : "", "code", code ? code : "");
    if (field && *field)
        json_object_set_new(p, "field", json_string(field));
    http_reply_json(req, rep, status, p);
    rep->content_type = "application/problem+json";
}

void http_reply_error(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err)
{
    const char *detail = err && err->message[0] ? err->message : bh_strerror(rc);
    http_reply_problem(req, rep, bh_http_status(rc), bh_errname(rc), detail,
                       err ? err->field : NULL);
}

void http_reply_header(struct http_request *req, struct http_reply *rep, const char *name,
                       const char *value)
{
    if (rep->nheaders == HTTP_MAX_REPLY_HEADERS)
        abort(); /* a handler setting more than 8 headers is a programming error */
    rep->headers[rep->nheaders].name = arena_strdup(req->arena, name);
    rep->headers[rep->nheaders].value = arena_strdup(req->arena, value);
    rep->nheaders++;
}

void http_reply_empty(struct http_reply *rep, int status)
{
    rep->status = status;
    rep->body = NULL;
    rep->body_len = 0;
    rep->content_type = NULL;
}
