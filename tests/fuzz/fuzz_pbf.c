/* libFuzzer target: the OSM PBF reader (basemap/pbf.c), fed arbitrary bytes as a file (the
 * reader reads a FILE, as the import does), and the tile path parser of the local basemap API
 * on the same bytes.
 *
 * Besides crashes and sanitizer reports, a finding is a broken promise of pbf.h: every node on
 * Earth (latitude -90..90, longitude -180..180), tags with a key and a value, a way's refs
 * there when it has any, a failure that is BH_EINVALID or BH_EIO with a message, and the same
 * result when the nodes are skipped (a pass that reads only ways fails or succeeds on the
 * blob structure alike).
 *
 * Seeds: tests/fuzz/corpus/pbf (written by tests/fuzz/seeds.sh). Run by tests/fuzz/run.sh. */
#include "basemap/osm.h"
#include "basemap/pbf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "fuzz_pbf: %s\n", what);
    abort();
}

struct seen {
    long nodes, ways, headers;
};

static void check_tags(const struct pbf_tag *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!t[i].key || !t[i].value)
            die("a tag without key or value");
}

static int on_header(void *ctx, const struct pbf_header *h, struct bh_error *err)
{
    (void)err;
    ((struct seen *)ctx)->headers++;
    if (!h->writer)
        die("a header without writer text");
    return 0;
}

static int on_node(void *ctx, const struct pbf_node *n, struct bh_error *err)
{
    (void)err;
    ((struct seen *)ctx)->nodes++;
    if (!(n->lat >= -90 && n->lat <= 90 && n->lon >= -180 && n->lon <= 180))
        die("a node off the Earth");
    check_tags(n->tags, n->ntags);
    return 0;
}

static int on_way(void *ctx, const struct pbf_way *w, struct bh_error *err)
{
    (void)err;
    ((struct seen *)ctx)->ways++;
    if (w->nrefs && !w->refs)
        die("a way without its refs");
    check_tags(w->tags, w->ntags);
    return 0;
}

static int read_all(const uint8_t *data, size_t size, bool nodes, struct seen *s,
                    struct bh_error *err)
{
    /* fmemopen refuses a zero size: an empty file is /dev/null's nothing. */
    FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
    if (!f)
        die("fmemopen");
    struct pbf_handlers h = {
        .ctx = s,
        .want_nodes = nodes,
        .want_ways = true,
        .header = on_header,
        .node = on_node,
        .way = on_way,
    };
    int rc = pbf_read(f, "fuzz.osm.pbf", &h, err);
    fclose(f);
    if (rc && rc != BH_EINVALID && rc != BH_EIO)
        die("a failure that is neither INVALID nor IO");
    if (rc && !err->message[0])
        die("a failure without a message");
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen all = { 0 }, ways = { 0 };
    struct bh_error e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    int rc1 = read_all(data, size, true, &all, &e1);
    int rc2 = read_all(data, size, false, &ways, &e2);
    /* Without nodes the read may get further (a corrupt node group is never decoded), never
     * less far. */
    if (rc1 == 0 && rc2 != 0)
        die("reading only ways failed where reading everything did not");
    if (rc1 == 0 && (ways.ways != all.ways || ways.headers != all.headers))
        die("the ways differ with and without nodes");

    /* The tile parser on the first bytes, as three path segments split at '/'. */
    char text[64];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    char *z = text, *x = strchr(z, '/'), *y = x ? strchr(x + 1, '/') : NULL;
    if (x && y) {
        *x++ = '\0';
        *y++ = '\0';
        int tz, tx, ty;
        struct bh_error err;
        if (basemap_tile_parse(z, x, y, &tz, &tx, &ty, &err) == 0 &&
            (tz < 0 || tz > BASEMAP_ZOOM_MAX || tx < 0 || ty < 0 || tx >= (1L << tz) ||
             ty >= (1L << tz)))
            die("a tile outside its zoom accepted");
    }
    return 0;
}
