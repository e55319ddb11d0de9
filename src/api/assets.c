/* The browser app: index.html at / and its files under /assets/, all embedded in the binary
 * (src/web/asset.h). A slow link is the case to design for: index.html names every asset with
 * its content version (?v=...), so a versioned asset is cached for good and a page load after
 * the first costs one revalidated request for index.html (the dispatcher's ETag gives 304);
 * and every text file goes out gzip-compressed to clients that take it. */
#include "api/api.h"

#include "web/asset.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Whether an Accept-Encoding value accepts gzip: a "gzip" or "*" entry whose q is not 0.
 * "gzip;q=0" is a refusal, and so is "*;q=0" when gzip is not named. */
static bool accepts_gzip(const char *value)
{
    bool star = false;
    const char *p = value;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t toklen = (size_t)(p - tok);
        /* Parameters up to the next comma: only q matters. */
        bool zero = false;
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *q = p;
        while ((q = strchr(q, ';')) && q < end) {
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
                const char *v = q + 2;
                zero = v[0] == '0';
                for (const char *d = v + 1; zero && d < end && *d != ' ' && *d != ';'; d++)
                    zero = *d == '0' || *d == '.';
            }
        }
        if (toklen == 4 && strncasecmp(tok, "gzip", 4) == 0)
            return !zero;
        if (toklen == 1 && tok[0] == '*')
            star = !zero;
        p = end;
    }
    return star;
}

static void serve(struct http_request *req, struct http_reply *rep, const struct web_asset *a)
{
    /* A request that names the current version may keep the file for good: a new build
     * changes the version in index.html and so the URL. Anything else (index.html itself,
     * an old or missing version) is revalidated every time, which costs a 304 when unchanged. */
    const char *v = http_request_query(req, "v");
    bool versioned = v && strcmp(v, a->version) == 0 && strcmp(a->name, "index.html") != 0;
    http_reply_header(req, rep, "Cache-Control",
                      versioned ? "public, max-age=31536000, immutable" : "no-cache");
    rep->status = 200;
    rep->content_type = a->content_type;
    /* The reply body is only read (and copied by the server), never written, so the static
     * bytes are handed over as they are instead of copied into the request arena. */
    if (a->gzip_data) {
        http_reply_header(req, rep, "Vary", "Accept-Encoding");
        const char *ae = http_request_header(req, "Accept-Encoding");
        if (ae && accepts_gzip(ae)) {
            http_reply_header(req, rep, "Content-Encoding", "gzip");
            rep->body = (char *)a->gzip_data;
            rep->body_len = a->gzip_len;
            return;
        }
    }
    rep->body = (char *)a->data;
    rep->body_len = a->len;
}

void api_asset(struct http_request *req, struct http_reply *rep)
{
    const char *name = req->params[0];
    const struct web_asset *a = web_asset_find(name);
    if (!a) {
        char *detail = arena_printf(req->arena, "the app has no file named '%s'", name);
        http_reply_problem(req, rep, 404, "NOTFOUND", detail, "file");
        return;
    }
    serve(req, rep, a);
}

void api_app(struct http_request *req, struct http_reply *rep)
{
    const struct web_asset *a = web_asset_find("index.html");
    if (!a) {
        /* The build embeds index.html or fails, so this is a broken build, not a request. */
        http_reply_problem(req, rep, 500, "INTERNAL", "the browser app is missing from this build",
                           NULL);
        return;
    }
    serve(req, rep, a);
}
