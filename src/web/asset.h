#ifndef BH_WEB_ASSET_H
#define BH_WEB_ASSET_H

#include <stddef.h>

/* The browser app's files (index.html, app.js, app.css, favicon.svg), embedded in the binary
 * at build time by cmake/embed_web.cmake from esbuild's output, so the server is one file and
 * needs nothing on disk to serve its own app. */

struct web_asset {
    const char *name;         /* "app.js": the file name under /assets/ */
    const char *content_type; /* "text/javascript; charset=utf-8" */
    const unsigned char *data;
    size_t len;
    /* The same bytes gzip-compressed (level 9) for clients that accept it, or NULL when
     * compression would not make them smaller. */
    const unsigned char *gzip_data;
    size_t gzip_len;
    /* The first 12 hex digits of the SHA-256 of `data`: index.html asks for each asset as
     * /assets/NAME?v=VERSION, so a browser may keep a versioned asset forever. */
    const char *version;
};

/* The embedded files, generated; web_assets_count of them. */
extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

/* The asset named `name` ("app.js"), or NULL. Names are plain file names: anything with a
 * slash or a leading dot is never found. */
const struct web_asset *web_asset_find(const char *name);

#endif
