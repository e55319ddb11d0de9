#ifndef BH_BASEMAP_PBF_H
#define BH_BASEMAP_PBF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* A streaming reader of the OpenStreetMap PBF format (wiki.openstreetmap.org/wiki/PBF_Format):
 * a sequence of blobs, each a 4-byte big-endian length, a BlobHeader and a Blob whose data is
 * raw or zlib-compressed protobuf. The first blob is an OSMHeader (HeaderBlock), the others
 * OSMData (PrimitiveBlock: a string table and groups of nodes, dense nodes, ways and
 * relations). Blobs are read one at a time, so memory is bounded by the spec's limits on one
 * blob (PBF_HEADER_MAX, PBF_BLOB_MAX) whatever the file's size.
 *
 * Nodes (plain and DenseNodes) and ways are handed to callbacks; relations and changesets are
 * skipped, and so are blob types other than OSMHeader/OSMData (the spec says a reader skips
 * what it does not know). Only files whose required features are OsmSchema-V0.6 and
 * DenseNodes are read: a file that needs anything else (HistoricalInformation,
 * LocationsOnWays) is refused rather than half understood. Every length is checked against
 * what holds it; a failure is BH_EINVALID naming the byte offset in the file and what was
 * wrong there, or BH_EIO when the file cannot be read. */

#define PBF_HEADER_MAX (64u << 10) /* a BlobHeader, by the spec */
#define PBF_BLOB_MAX   (32u << 20) /* a Blob, compressed or not, by the spec */

struct pbf_tag {
    const char *key, *value; /* NUL-terminated, borrowed until the callback returns */
};

struct pbf_node {
    int64_t id;
    double lat, lon; /* degrees (WGS 84) */
    const struct pbf_tag *tags;
    size_t ntags;
};

struct pbf_way {
    int64_t id;
    const int64_t *refs; /* node ids, in order; borrowed until the callback returns */
    size_t nrefs;
    const struct pbf_tag *tags;
    size_t ntags;
};

struct pbf_header {
    bool has_bbox;
    double west, south, east, north; /* degrees, when has_bbox */
    const char *writer;              /* writingprogram, "" when absent */
};

/* What a read hands out. Each callback may be NULL; one that returns non-zero stops the read,
 * which returns that value (a negative code, with `err` filled by the callback). `want_nodes`
 * and `want_ways` false skip decoding those groups (a pass that needs only ways). */
struct pbf_handlers {
    void *ctx;
    bool want_nodes, want_ways;
    int (*header)(void *ctx, const struct pbf_header *h, struct bh_error *err);
    int (*node)(void *ctx, const struct pbf_node *n, struct bh_error *err);
    int (*way)(void *ctx, const struct pbf_way *w, struct bh_error *err);
    /* After each blob, with the bytes read so far (progress). */
    void (*progress)(void *ctx, uint64_t bytes_done);
};

/* Reads the whole of `f` from where it stands, `name` naming it in messages. Returns 0, the
 * first non-zero result of a callback, or BH_EINVALID / BH_EIO with `err` filled, e.g.
 * "monaco.osm.pbf: truncated at byte 1759000 (the blob starting at byte 1700112 needs 65535
 * bytes)". An empty file is refused too. */
int pbf_read(FILE *f, const char *name, const struct pbf_handlers *h, struct bh_error *err);

#endif
