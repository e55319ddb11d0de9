/* The OpenStreetMap detail imported with `bluehelm import basemap` (basemap/osm.h), over
 * HTTP: the extents there are, and per web-map tile the roads and places to draw over the
 * offline base map. OSM data is public (ODbL), but the server's content is for its users:
 * signed-in readers only, like every map layer. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "basemap/osm.h"

/* GET /api/v1/basemap/extents */
static void api_basemap_extents(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *reply = NULL;
    int rc = basemap_extents_json(req->db, &reply, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* GET /api/v1/basemap/local/{z}/{x}/{y}.geojson: {y} is matched with its ".geojson" (a path
 * parameter is a whole segment) and the module reads the number off it. */
static void api_basemap_local_tile(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int z, x, y;
    struct buf body = BUF_INIT;
    int rc = basemap_tile_parse(req->params[0], req->params[1], req->params[2], &z, &x, &y, &err);
    if (!rc)
        rc = basemap_tile_geojson(req->db, z, x, y, &body, &err);
    if (api_failed(req, rep, rc, &err)) {
        buf_cleanup(&body);
        return;
    }
    http_reply_buf(rep, 200, "application/geo+json", &body);
}

/* This capability's endpoints (collected in api/routes.c; docs/openapi.json describes each). */
const struct route api_basemap_local_routes[] = {
    { "GET", "/api/v1/basemap/extents", api_basemap_extents, 0, PERM_NONE, 0,
      "The OpenStreetMap extents imported for the offline map: name, bbox, features" },
    { "GET", "/api/v1/basemap/local/{z}/{x}/{y}", api_basemap_local_tile, 0, PERM_NONE, 0,
      "The imported roads and places of one web-map tile z/x/y.geojson, as GeoJSON" },
    { NULL, NULL, NULL, 0, NULL, 0, NULL },
};
