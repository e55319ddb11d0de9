#ifndef BH_BASEMAP_OSM_H
#define BH_BASEMAP_OSM_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"

/* OpenStreetMap detail for a mission area (issue 13): roads, tracks and paths (ways tagged
 * highway=*) and named places (nodes tagged place=city|town|village|hamlet|suburb) from a
 * regional .osm.pbf extract, kept in the store (basemap_extent, basemap_feature) and served
 * as GeoJSON per web-map tile, so a field site without internet still sees its roads. The
 * mapping from OSM tags to layers and zooms is docs/basemap-osm.md's table. */

/* What an import did. */
struct basemap_import_report {
    char name[256];     /* the extent: the file's base name */
    char sha256[65];    /* of the file's bytes */
    int64_t roads;      /* ways stored */
    int64_t places;     /* named places stored */
    int64_t skipped;    /* highway ways of a class not drawn (construction, platform...) */
    int64_t incomplete; /* highway ways with fewer than two nodes located in the file */
    bool replaced;      /* an extent of that name was there and was replaced */
    double west, south, east, north;
};

struct principal;

/* Called after each blob of each pass: pass 1..3, bytes of the file read in that pass. */
typedef void (*basemap_progress_fn)(void *ctx, int pass, uint64_t bytes_done, uint64_t total);

/* Imports the OSM PBF file at `path` as the extent named by its base name, in one
 * transaction: an extent of that name is replaced (its features deleted, the new ones added);
 * a file that cannot be read whole (not PBF, truncated, corrupt, an unsupported feature)
 * leaves the store as it was. Reads the file three times (ways for the nodes they need, then
 * nodes, then ways), so memory grows with the road nodes, never with the file. The import is
 * written to the audit log as `basemap.import` by `who`, in the same transaction, like every
 * other import. */
int basemap_import_osm(struct db *db, const struct principal *who, const char *path,
                       basemap_progress_fn progress, void *ctx, struct basemap_import_report *rep,
                       struct bh_error *err);

/* {"extents":[{"id","name","bbox":[w,s,e,n],"features","roads","places","imported_at",
 * "sha256"}]}, by name. */
int basemap_extents_json(struct db *db, json_t **out, struct bh_error *err);

/* The web map's tile z/x/y (XYZ, Web Mercator) as a GeoJSON FeatureCollection: the features
 * whose box meets the tile's and whose minzoom is at most z, lines simplified to about a
 * pixel of that zoom. At most BASEMAP_TILE_MAX features (the zooms keep a tile far below). */
#define BASEMAP_ZOOM_MAX 22
#define BASEMAP_TILE_MAX 20000
int basemap_tile_geojson(struct db *db, int z, int x, int y, struct buf *out, struct bh_error *err);

/* Parses the tile's path parameters, naming the field ("z", "x", "y") that is wrong: z a whole
 * number 0..BASEMAP_ZOOM_MAX, x and y 0..2^z-1; `y_text` ends in ".geojson". */
int basemap_tile_parse(const char *z_text, const char *x_text, const char *y_text, int *z, int *x,
                       int *y, struct bh_error *err);

#endif
