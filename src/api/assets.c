/* The browser app: index.html at / and its files under /assets/, all embedded in the binary
 * (src/web/asset.h). A slow link is the case to design for: index.html names every asset with
 * its content version (?v=...), so a versioned asset is cached for good and a page load after
 * the first costs one revalidated request for index.html (the dispatcher's ETag gives 304);
 * and every text file goes out gzip-compressed to clients that take it. */
#include "api/api.h"
#include "http/routes.h"

#include "base/i18n.h"
#include "http/encoding.h"
#include "web/asset.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static void serve(struct http_request *req, struct http_reply *rep, const struct web_asset *a)
{
    /* A request that names the current version may keep the file for good: a new build
     * changes the version in index.html and so the URL. Anything else (index.html itself,
     * an old or missing version) is revalidated every time, which costs a 304 when unchanged. */
    const char *v = http_request_query(req, "v");
    bool versioned = v && strcmp(v, a->version) == 0 && strcmp(a->name, "index.html") != 0;
    http_reply_header(req, rep, "Cache-Control",
                      versioned ? "public, max-age=31536000, immutable" : "no-cache");
    /* The reply body is only read, never written, so the static bytes are lent to the
     * reply as they are: neither the handler nor the server copies them. */
    if (a->gzip_data) {
        http_reply_header(req, rep, "Vary", "Accept-Encoding");
        const char *ae = http_request_header(req, "Accept-Encoding");
        if (ae && http_accepts_gzip(ae)) {
            http_reply_header(req, rep, "Content-Encoding", "gzip");
            http_reply_body(rep, 200, a->content_type, (char *)a->gzip_data, a->gzip_len, NULL);
            return;
        }
    }
    http_reply_body(rep, 200, a->content_type, (char *)a->data, a->len, NULL);
}

static void api_asset(struct http_request *req, struct http_reply *rep)
{
    const char *name = req->params[0];
    const struct web_asset *a = web_asset_find(name);
    if (!a) {
        char *detail = arena_printf(req->arena, _("the app has no file named '%s'"), name);
        http_reply_problem(req, rep, BH_ENOTFOUND, detail, "file");
        return;
    }
    serve(req, rep, a);
}

static void api_app(struct http_request *req, struct http_reply *rep)
{
    const struct web_asset *a = web_asset_find("index.html");
    if (!a) {
        /* The build embeds index.html or fails, so this is a broken build, not a request. */
        http_reply_problem(req, rep, BH_EINTERNAL, "the browser app is missing from this build",
                           NULL);
        return;
    }
    serve(req, rep, a);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_assets_routes[] = {
    { "GET", "/", api_app, ROUTE_PUBLIC, PERM_NONE, 0, "The browser app" },
    { "GET", "/assets/{file}", api_asset, ROUTE_PUBLIC, PERM_NONE, 0, "Browser app assets" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
