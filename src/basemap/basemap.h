#ifndef BH_BASEMAP_BASEMAP_H
#define BH_BASEMAP_BASEMAP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

/* The offline base map: Natural Earth tiles made by scripts/basemap-pack
 * (data/basemap/naturalearth.mbtiles, see its SOURCE.md) and embedded in the binary, so a
 * server with no tile server and no internet still draws a map worth zooming into. Each tile
 * is a gzip'ed GeoJSON FeatureCollection in WGS 84 degrees, in the usual web map z/x/y
 * numbering (y from the north). The pack holds zooms 0..BASEMAP_PACK_ZOOM; deeper tiles are
 * the pack's tile that contains them (overzoom): its shapes are as detailed as the sources
 * allow at that zoom. */

#define BASEMAP_PACK_ZOOM 8
/* The deepest zoom asked for: past it a request is a mistake, not a map (the web map stops at
 * 18, and 2^30 tiles a side still fits the integers). */
#define BASEMAP_MAX_ZOOM 30

/* The tile at z/x/y (checked: z 0..BASEMAP_MAX_ZOOM, x and y 0..2^z-1, else BH_EINVALID
 * naming "z", "x" or "y"), as the gzip bytes stored in the pack, copied into `a`; *gz is NULL
 * and *len 0 for a tile with nothing in it (open sea). *served_z gets the zoom of the tile
 * read (z, or BASEMAP_PACK_ZOOM when deeper). Safe from any thread. */
int basemap_tile(int64_t z, int64_t x, int64_t y, struct arena *a, char **gz, size_t *len,
                 int *served_z, struct bh_error *err);

/* Inflates the gzip bytes `gz` into `a`: for a client that does not take gzip. */
int basemap_inflate(const char *gz, size_t len, struct arena *a, char **out, size_t *out_len,
                    struct bh_error *err);

/* The pack's metadata value for `name` ("generator", "sources", ...) copied into `a`, or NULL
 * when absent. */
int basemap_metadata(const char *name, struct arena *a, char **out, struct bh_error *err);

/* Every mission with a known headquarters in the store, as a GeoJSON FeatureCollection of
 * points (properties: layer "mission", kind "hq", acronym, name, city, active). Read from the
 * mission table, so it follows the reference data. *out is a new reference. */
int basemap_missions(struct db *db, json_t **out, struct bh_error *err);

/* ---- Local OpenStreetMap detail (`bluehelm import basemap FILE.osm.pbf`, osm.c): the import,
 * the extents and the z/x/y tiles of GET /api/v1/basemap/local/..., declared in osm.h. ---- */
#include "basemap/osm.h"

#endif
