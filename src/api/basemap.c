/* The offline base map over HTTP: tiles of the embedded Natural Earth pack and the mission
 * sites from the store (basemap/basemap.h). Tiles are stored gzip'ed and go out as they are
 * to a client that takes gzip (nearly all), inflated for one that does not; the dispatcher's
 * strong ETag over the bytes sent answers a revalidation with 304. Signed-in users of any
 * role: the map is the same for everybody, but the server is not a public tile server. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/i18n.h"
#include "basemap/basemap.h"
#include "http/encoding.h"

#include <string.h>

/* A tile is the same for every reader until the binary changes: the browser keeps it a day,
 * then revalidates (a 304 when the build is the same). */
#define TILE_CACHE "private, max-age=86400"

static const char empty_tile[] = "{\"type\":\"FeatureCollection\",\"features\":[]}";

/* `{y}` is the last segment, "Y.geojson". */
static int read_coord(struct http_request *req, size_t i, const char *field, bool last,
                      int64_t *out, struct bh_error *err)
{
    const char *s = req->params[i];
    if (last) {
        size_t n = strlen(s);
        const char *ext = ".geojson";
        if (n <= strlen(ext) || strcmp(s + n - strlen(ext), ext) != 0)
            return bh_fail(err, BH_EINVALID, field, "the tile must be named %s.geojson, not '%s'",
                           field, s);
        s = arena_strndup(req->arena, s, n - strlen(ext));
    }
    if (!api_parse_int(s, 0, out))
        return bh_fail(err, BH_EINVALID, field, "%s must be a whole number from 0, not '%s'", field,
                       s);
    return 0;
}

/* GET /api/v1/basemap/{z}/{x}/{y}.geojson */
static void api_basemap_tile(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t z = 0, x = 0, y = 0;
    char *gz = NULL;
    size_t len = 0;
    int served_z = 0;
    int rc = read_coord(req, 0, "z", false, &z, &err);
    if (!rc)
        rc = read_coord(req, 1, "x", false, &x, &err);
    if (!rc)
        rc = read_coord(req, 2, "y", true, &y, &err);
    if (!rc)
        rc = basemap_tile(z, x, y, req->arena, &gz, &len, &served_z, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Cache-Control", TILE_CACHE);
    http_reply_header(req, rep, "Vary", "Accept-Encoding");
    http_reply_header(req, rep, "X-Basemap-Zoom", arena_printf(req->arena, "%d", served_z));
    if (!gz) {
        http_reply_body(rep, 200, "application/geo+json", (char *)empty_tile, sizeof empty_tile - 1,
                        NULL);
        return;
    }
    const char *ae = http_request_header(req, "Accept-Encoding");
    if (ae && http_accepts_gzip(ae)) {
        http_reply_header(req, rep, "Content-Encoding", "gzip");
        http_reply_body(rep, 200, "application/geo+json", gz, len, NULL);
        return;
    }
    char *plain;
    size_t plain_len;
    rc = basemap_inflate(gz, len, req->arena, &plain, &plain_len, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_body(rep, 200, "application/geo+json", plain, plain_len, NULL);
}

/* GET /api/v1/basemap/missions.geojson */
static void api_basemap_missions(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *fc = NULL;
    int rc = basemap_missions(req->db, &fc, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    /* From the store: revalidated each time, a 304 while the missions are unchanged. */
    http_reply_header(req, rep, "Cache-Control", "private, no-cache");
    http_reply_json(req, rep, 200, fc);
}

/* This capability's endpoints (collected, one line per capability, in api/api.h). */
const struct route api_basemap_routes[] = {
    { "GET", "/api/v1/basemap/missions.geojson", api_basemap_missions, 0, PERM_NONE, 0,
      "Mission headquarters as GeoJSON points, for the base map" },
    { "GET", "/api/v1/basemap/{z}/{x}/{y}", api_basemap_tile, 0, PERM_NONE, 0,
      "A base map tile (Natural Earth) as GeoJSON: /api/v1/basemap/Z/X/Y.geojson; zooms past 8 "
      "give the zoom 8 tile" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
