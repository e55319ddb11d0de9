#include "api/common.h"

#include "base/jsonfield.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int api_json_body(struct http_request *req, const char *const *known, json_t **out,
                  struct bh_error *err)
{
    int rc = jsonfield_parse_object(req->body, req->body_len, out, err);
    if (!rc && known)
        rc = jsonfield_check_known(*out, known, err);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

bool api_failed(struct http_request *req, struct http_reply *rep, int rc,
                const struct bh_error *err)
{
    if (rc)
        http_reply_error(req, rep, rc, err);
    return rc != 0;
}

const char *api_path_param(struct http_request *req, size_t i)
{
    return req->nparams > i ? req->params[i] : "";
}

int api_if_match(struct http_request *req, int64_t *rev, struct bh_error *err)
{
    const char *h = http_request_header(req, "If-Match");
    *rev = 0;
    return h ? http_if_match_revision(h, rev, err) : 0;
}

int api_if_match_result(int rc, struct bh_error *err)
{
    if (rc == BH_ECONFLICT && strcmp(err->field, "If-Match") == 0) {
        rc = BH_EPRECONDITION;
        err->code = rc;
    }
    return rc;
}

void api_reply_record(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err, json_t *o, int status, const char *location)
{
    if (api_failed(req, rep, rc, err)) {
        json_decref(o);
        return;
    }
    if (location)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "%s/%s", location,
                                       json_string_value(json_object_get(o, "id"))));
    http_reply_json(req, rep, status, o);
}

bool api_parse_int(const char *s, int64_t min, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min)
        return false;
    *out = v;
    return true;
}

int api_list_begin(struct http_request *req, struct api_list *l, struct bh_error *err)
{
    l->items = json_array();
    l->more = false;
    l->total = 0;
    return page_from_request(req, &l->page, err);
}

void api_list_reply(struct http_request *req, struct http_reply *rep, int rc,
                    const struct bh_error *err, struct api_list *l, const char *key)
{
    if (api_failed(req, rep, rc, err)) {
        json_decref(l->items);
        return;
    }
    const char *next = NULL;
    size_t n = json_array_size(l->items);
    json_t *last = n ? json_object_get(json_array_get(l->items, n - 1), key) : NULL;
    if (l->more && json_is_string(last))
        next = arena_strdup(req->arena, json_string_value(last));
    else if (l->more && json_is_integer(last))
        next = arena_printf(req->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(last));
    page_reply(req, rep, l->items, next, (long long)l->total, true);
}
