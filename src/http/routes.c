#include "http/routes.h"

#include <stdio.h>
#include <string.h>

/* Matches `path` against `pattern` segment by segment; {name} takes one non-empty segment. */
static int match(const char *pattern, const char *path, struct http_request *req)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    const char *vals[HTTP_MAX_PARAMS];
    size_t lens[HTTP_MAX_PARAMS];
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (!close || len == 0 || n == HTTP_MAX_PARAMS)
                return 0;
            vals[n] = s;
            lens[n++] = len;
            p = close + 1;
            s += len;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || *s)
        return 0;
    if (req) {
        for (size_t i = 0; i < n; i++)
            req->params[i] = arena_strndup(req->arena, vals[i], lens[i]);
        req->nparams = n;
    }
    return 1;
}

static int method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum route_match route_find(const struct route *const *tables, const char *method, const char *path,
                            struct http_request *req, const struct route **out, char *allow,
                            size_t allow_len)
{
    int path_seen = 0;
    size_t used = 0;
    if (allow && allow_len)
        allow[0] = '\0';
    for (size_t t = 0; tables[t]; t++)
        for (const struct route *r = tables[t]; r->method; r++) {
            if (!match(r->pattern, path, NULL))
                continue;
            if (method_matches(r->method, method)) {
                match(r->pattern, path, req);
                *out = r;
                return ROUTE_MATCHED;
            }
            path_seen = 1;
            if (allow && used < allow_len) {
                int n = snprintf(allow + used, allow_len - used, "%s%s%s", used ? ", " : "",
                                 r->method, strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
                if (n > 0)
                    used += (size_t)n;
            }
        }
    return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
