/* The OSM PBF reader (basemap/pbf.c) on tiny files written here field by field: what it hands
 * out (dense and plain nodes, ways, tags, the header's box), raw and zlib blobs alike, and each
 * fault named with its byte offset: a first blob that is no header, a feature it does not
 * support, a compression it does not read, corrupt zlib data, a string index past the table,
 * a blob over the spec's limit. The real Monaco file is cli/import_basemap's. */
#include "support.h"

#include "basemap/pbf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- a protobuf writer ------------------------------------------------------------------- */

struct bytes {
    uint8_t b[8192];
    size_t n;
};

static void put(struct bytes *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void varint(struct bytes *o, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        put(o, &c, 1);
        v >>= 7;
    } while (v);
}

static uint64_t zz(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void vi(struct bytes *o, int field, uint64_t v)
{
    varint(o, (uint64_t)field << 3);
    varint(o, v);
}

static void ld(struct bytes *o, int field, const void *p, size_t n)
{
    varint(o, (uint64_t)field << 3 | 2);
    varint(o, n);
    put(o, p, n);
}

static void ld_str(struct bytes *o, int field, const char *s)
{
    ld(o, field, s, strlen(s));
}

static void ld_bytes(struct bytes *o, int field, const struct bytes *sub)
{
    ld(o, field, sub->b, sub->n);
}

static void packed(struct bytes *o, int field, const uint64_t *v, size_t n)
{
    struct bytes p = { .n = 0 };
    for (size_t i = 0; i < n; i++)
        varint(&p, v[i]);
    ld_bytes(o, field, &p);
}

enum coding { RAW, ZLIB, ZLIB_CORRUPT, LZMA };

/* A blob of `type` holding `payload`, appended to `file`. */
static void blob(struct bytes *file, const char *type, const struct bytes *payload, enum coding c)
{
    struct bytes body = { .n = 0 };
    if (c == RAW)
        ld_bytes(&body, 1, payload);
    else if (c == LZMA) {
        vi(&body, 2, payload->n);
        ld_bytes(&body, 4, payload);
    } else {
        uint8_t z[8192];
        uLongf zn = sizeof z;
        assert_int_equal(compress(z, &zn, payload->b, payload->n), Z_OK);
        if (c == ZLIB_CORRUPT)
            for (size_t i = 2; i < zn; i++)
                z[i] ^= 0x5a;
        vi(&body, 2, payload->n);
        ld(&body, 3, z, zn);
    }
    struct bytes head = { .n = 0 };
    ld_str(&head, 1, type);
    vi(&head, 3, body.n);
    uint8_t len4[4] = { 0, 0, (uint8_t)(head.n >> 8), (uint8_t)head.n };
    put(file, len4, 4);
    put(file, head.b, head.n);
    put(file, body.b, body.n);
}

static void header_block(struct bytes *o, const char *extra_feature)
{
    struct bytes bbox = { .n = 0 };
    vi(&bbox, 1, zz(7349000000));
    vi(&bbox, 2, zz(7491000000));
    vi(&bbox, 3, zz(43770000000));
    vi(&bbox, 4, zz(43710000000));
    ld_bytes(o, 1, &bbox);
    ld_str(o, 4, "OsmSchema-V0.6");
    ld_str(o, 4, "DenseNodes");
    if (extra_feature)
        ld_str(o, 4, extra_feature);
    ld_str(o, 16, "test_pbf");
}

/* Three dense nodes (ids 1, 2, 3; the third place=village name=Eze), a plain node 4, and way
 * 10 over 1, 2, 4 tagged highway=residential name=Rue Grimaldi; `bad_key` replaces the way's
 * first key index when not 0. */
static void data_block(struct bytes *o, uint64_t bad_key)
{
    static const char *const strings[] = {
        "", "highway", "residential", "name", "Rue Grimaldi", "place", "village", "Eze",
    };
    struct bytes st = { .n = 0 };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        ld_str(&st, 1, strings[i]);
    ld_bytes(o, 1, &st);

    struct bytes dense = { .n = 0 };
    const uint64_t ids[] = { zz(1), zz(1), zz(1) };
    const uint64_t lats[] = { zz(437300000), zz(10000), zz(-20000) };
    const uint64_t lons[] = { zz(74200000), zz(10000), zz(-590000) };
    const uint64_t kv[] = { 0, 0, 5, 6, 3, 7, 0 };
    packed(&dense, 1, ids, 3);
    packed(&dense, 8, lats, 3);
    packed(&dense, 9, lons, 3);
    packed(&dense, 10, kv, 7);
    struct bytes group = { .n = 0 };
    ld_bytes(&group, 2, &dense);
    ld_bytes(o, 2, &group);

    struct bytes node = { .n = 0 };
    vi(&node, 1, zz(4));
    vi(&node, 8, zz(437320000));
    vi(&node, 9, zz(74220000));
    group.n = 0;
    ld_bytes(&group, 1, &node);
    ld_bytes(o, 2, &group);

    struct bytes way = { .n = 0 };
    vi(&way, 1, 10);
    const uint64_t keys[] = { bad_key ? bad_key : 1, 3 }, vals[] = { 2, 4 };
    const uint64_t refs[] = { zz(1), zz(1), zz(2) };
    packed(&way, 2, keys, 2);
    packed(&way, 3, vals, 2);
    packed(&way, 8, refs, 3);
    group.n = 0;
    ld_bytes(&group, 3, &way);
    ld_bytes(o, 2, &group);
}

/* ---- reading ----------------------------------------------------------------------------- */

struct got {
    struct pbf_header header;
    int nodes, ways;
    double lat[8], lon[8];
    int64_t node_ids[8], refs[8];
    size_t nrefs;
    char tags[512];
};

static int on_header(void *ctx, const struct pbf_header *h, struct bh_error *err)
{
    (void)err;
    ((struct got *)ctx)->header = *h;
    return 0;
}

static int on_node(void *ctx, const struct pbf_node *n, struct bh_error *err)
{
    (void)err;
    struct got *g = ctx;
    assert_true(g->nodes < 8);
    g->node_ids[g->nodes] = n->id;
    g->lat[g->nodes] = n->lat;
    g->lon[g->nodes] = n->lon;
    g->nodes++;
    for (size_t i = 0; i < n->ntags; i++)
        snprintf(g->tags + strlen(g->tags), sizeof g->tags - strlen(g->tags), "n%lld %s=%s\n",
                 (long long)n->id, n->tags[i].key, n->tags[i].value);
    return 0;
}

static int on_way(void *ctx, const struct pbf_way *w, struct bh_error *err)
{
    (void)err;
    struct got *g = ctx;
    g->ways++;
    assert_true(w->nrefs <= 8);
    memcpy(g->refs, w->refs, w->nrefs * sizeof *w->refs);
    g->nrefs = w->nrefs;
    for (size_t i = 0; i < w->ntags; i++)
        snprintf(g->tags + strlen(g->tags), sizeof g->tags - strlen(g->tags), "w%lld %s=%s\n",
                 (long long)w->id, w->tags[i].key, w->tags[i].value);
    return 0;
}

static int read_bytes(const struct bytes *file, struct got *g, struct bh_error *err)
{
    memset(g, 0, sizeof *g);
    FILE *f = fmemopen((void *)file->b, file->n, "rb");
    assert_non_null(f);
    struct pbf_handlers h = {
        .ctx = g,
        .want_nodes = true,
        .want_ways = true,
        .header = on_header,
        .node = on_node,
        .way = on_way,
    };
    int rc = pbf_read(f, "t.osm.pbf", &h, err);
    fclose(f);
    return rc;
}

static void assert_near(double got, double want)
{
    if (got < want - 1e-9 || got > want + 1e-9)
        fail_msg("%.9f, expected %.9f", got, want);
}

/* unit/pbf-reads-everything: raw and zlib blobs give the same nodes, positions, tags, way refs
 * and header box. */
static void reads_everything(void **state)
{
    (void)state;
    for (int c = RAW; c <= ZLIB; c++) {
        struct bytes file = { .n = 0 }, hb = { .n = 0 }, db = { .n = 0 };
        header_block(&hb, NULL);
        data_block(&db, 0);
        blob(&file, "OSMHeader", &hb, (enum coding)c);
        blob(&file, "OSMData", &db, (enum coding)c);
        struct got g;
        struct bh_error err;
        assert_int_equal(read_bytes(&file, &g, &err), 0);
        assert_true(g.header.has_bbox);
        assert_near(g.header.west, 7.349);
        assert_near(g.header.north, 43.77);
        assert_int_equal(g.nodes, 4);
        assert_int_equal(g.ways, 1);
        const int64_t ids[] = { 1, 2, 3, 4 };
        const double lat[] = { 43.73, 43.731, 43.729, 43.732 };
        const double lon[] = { 7.42, 7.421, 7.362, 7.422 };
        for (int i = 0; i < 4; i++) {
            assert_int_equal(g.node_ids[i], ids[i]);
            assert_near(g.lat[i], lat[i]);
            assert_near(g.lon[i], lon[i]);
        }
        assert_int_equal(g.nrefs, 3);
        assert_int_equal(g.refs[0], 1);
        assert_int_equal(g.refs[1], 2);
        assert_int_equal(g.refs[2], 4);
        assert_string_equal(g.tags, "n3 place=village\nn3 name=Eze\nw10 highway=residential\n"
                                    "w10 name=Rue Grimaldi\n");
    }
}

/* One faulty file: fails with BH_EINVALID and `message` exactly. */
static void assert_fault(const struct bytes *file, const char *message)
{
    struct got g;
    struct bh_error err;
    assert_int_equal(read_bytes(file, &g, &err), BH_EINVALID);
    assert_string_equal(err.message, message);
    assert_string_equal(err.field, "file");
}

/* unit/pbf-faults: each named with the file, the byte and what was wrong. */
static void faults(void **state)
{
    (void)state;
    struct bytes hb = { .n = 0 }, db = { .n = 0 }, file = { .n = 0 };
    header_block(&hb, NULL);
    data_block(&db, 0);

    blob(&file, "OSMData", &db, RAW);
    assert_fault(&file, "t.osm.pbf: not an OSM PBF file: first blob type is 'OSMData' (expected "
                        "OSMHeader)");

    struct bytes hist = { .n = 0 };
    header_block(&hist, "HistoricalInformation");
    file.n = 0;
    blob(&file, "OSMHeader", &hist, ZLIB);
    assert_fault(&file, "t.osm.pbf: the file requires the feature 'HistoricalInformation', which "
                        "this reader does not support (only OsmSchema-V0.6 and DenseNodes)");

    file.n = 0;
    blob(&file, "OSMHeader", &hb, RAW);
    size_t second = file.n;
    blob(&file, "OSMData", &db, ZLIB_CORRUPT);
    char want[256];
    snprintf(want, sizeof want, "t.osm.pbf: blob at byte %zu: zlib data corrupt", second);
    assert_fault(&file, want);

    file.n = second;
    blob(&file, "OSMData", &db, LZMA);
    snprintf(want, sizeof want,
             "t.osm.pbf: blob at byte %zu: compressed with lzma, which this reader does not "
             "support (only zlib)",
             second);
    assert_fault(&file, want);

    struct bytes bad = { .n = 0 };
    data_block(&bad, 99);
    file.n = second;
    blob(&file, "OSMData", &bad, RAW);
    snprintf(want, sizeof want,
             "t.osm.pbf: blob at byte %zu: string index 99 past the string table (8 strings)",
             second);
    assert_fault(&file, want);

    /* A blob header announcing 32 MiB + 1 of data. */
    file.n = second;
    struct bytes head = { .n = 0 };
    ld_str(&head, 1, "OSMData");
    vi(&head, 3, (32u << 20) + 1);
    uint8_t len4[4] = { 0, 0, 0, (uint8_t)head.n };
    put(&file, len4, 4);
    put(&file, head.b, head.n);
    snprintf(want, sizeof want,
             "t.osm.pbf: blob at byte %zu: blob of more than 32 MiB (the spec's limit)", second);
    assert_fault(&file, want);

    /* The good file cut inside its second blob. */
    file.n = 0;
    blob(&file, "OSMHeader", &hb, RAW);
    blob(&file, "OSMData", &db, RAW);
    size_t whole = file.n;
    file.n = whole - 5;
    struct got g;
    struct bh_error err;
    assert_int_equal(read_bytes(&file, &g, &err), BH_EINVALID);
    assert_prefix(err.message, "t.osm.pbf: truncated at byte ");
    char at[64];
    snprintf(at, sizeof at, "truncated at byte %zu (the blob starting at byte %zu", whole - 5,
             second);
    assert_contains(err.message, at);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/pbf-reads-everything", reads_everything),
        BH_TEST("unit/pbf-faults", faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
