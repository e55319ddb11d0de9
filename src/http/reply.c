#include "http/request.h"

#include "base/log.h"
#include "http/text.h"

#include <stdlib.h>
#include <string.h>

static const char *status_title(int status);

/* The body of last resort: no request text in it, so it is valid JSON whatever the request
 * held. `code` is one of the error table's names, never request data. */
static void reply_fixed_problem(struct http_request *req, struct http_reply *rep, int status,
                                const char *code)
{
    rep->body = arena_printf(req->arena,
                             "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,"
                             "\"detail\":\"%s\",\"code\":\"%s\"}",
                             status_title(status), status,
                             status >= 500 ? "the server could not encode its reply"
                                           : "the request could not be described in the reply",
                             code);
    rep->body_len = strlen(rep->body);
    rep->status = status;
    rep->content_type = "application/problem+json";
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
        reply_fixed_problem(req, rep, 500, "INTERNAL");
        return;
    }
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

/* `code` when it is an error table name (capitals and underscores), else "INTERNAL": the
 * fixed body prints it without escaping. */
static const char *plain_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 32 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != n)
        return "INTERNAL";
    return code;
}

void http_reply_problem(struct http_request *req, struct http_reply *rep, int status,
                        const char *code, const char *detail, const char *field)
{
    /* RFC 9457: "about:blank" says the status is the whole meaning; `code` is our stable
     * machine-readable name (from the error table) and `field` names what to fix. The texts
     * may quote the request (a header, a path, a cell of an upload): bytes that are not UTF-8
     * become U+FFFD, so jansson can always encode them and the bad bytes are never echoed. */
    struct arena *a = req->arena;
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", "about:blank", "title",
                          status_title(status), "status", status, "detail",
                          detail ? http_text_clean(a, detail, false) : "", "instance",
                          req->path ? http_text_clean(a, req->path, true) : "", "code",
                          code ? http_text_clean(a, code, false) : "");
    if (!p) {
        reply_fixed_problem(req, rep, status, plain_code(code));
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
    http_reply_problem(req, rep, bh_http_status(rc), bh_errname(rc), detail,
                       err ? err->field : NULL);
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
    rep->status = status;
    rep->body = NULL;
    rep->body_len = 0;
    rep->content_type = NULL;
}
