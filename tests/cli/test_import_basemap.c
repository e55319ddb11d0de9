/* `bluehelm import basemap FILE.osm.pbf` on the real Monaco extract of the shared data
 * (osm/monaco.osm.pbf, OSM 2016-03-05): the counts against a decoder written here apart from
 * src/basemap/pbf.c and against osmium-tool's; a known road where it is; files that are no
 * PBF, cut short or corrupt past the first read changing nothing; a re-import replacing the
 * extent without duplicates. */
#include "support.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MONACO BH_SHARED_DATA "/osm/monaco.osm.pbf"

/* ---- a second, independent decoder of the file -------------------------------------------
 * Just enough protobuf to count ways by their highway=* value and to find the first dense
 * nodes' latitudes, written from the format's description, sharing no code with pbf.c. */

static uint64_t varint(const uint8_t **p, const uint8_t *end)
{
    uint64_t v = 0;
    for (int s = 0; *p < end; s += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80))
            return v;
    }
    fail_msg("test decoder: varint past the end");
    return 0;
}

/* The next field of [*p, end): its number, and for a length-delimited one its bytes. */
static int field(const uint8_t **p, const uint8_t *end, const uint8_t **sub, size_t *len,
                 uint64_t *value)
{
    uint64_t key = varint(p, end);
    switch (key & 7) {
    case 0:
        *value = varint(p, end);
        break;
    case 2:
        *len = (size_t)varint(p, end);
        *sub = *p;
        *p += *len;
        break;
    case 1:
        *p += 8;
        break;
    case 5:
        *p += 4;
        break;
    default:
        fail_msg("test decoder: wire type %d", (int)(key & 7));
    }
    return (int)(key >> 3);
}

struct blob {
    size_t start, end; /* the blob's bytes in the file, length prefix included */
    uint8_t *data;     /* inflated */
    size_t len;
    int header; /* OSMHeader */
};

/* Every blob of `file` (`n` bytes), inflated. */
static struct blob *blobs_of(const uint8_t *file, size_t n, size_t *count)
{
    struct blob *v = NULL;
    size_t k = 0;
    for (size_t at = 0; at < n;) {
        uint32_t hlen = (uint32_t)file[at] << 24 | (uint32_t)file[at + 1] << 16 |
                        (uint32_t)file[at + 2] << 8 | file[at + 3];
        const uint8_t *p = file + at + 4, *hend = p + hlen, *sub = NULL;
        size_t len = 0, datasize = 0;
        uint64_t val = 0;
        int header = 0;
        while (p < hend) {
            int f = field(&p, hend, &sub, &len, &val);
            if (f == 1)
                header = len == 9 && memcmp(sub, "OSMHeader", 9) == 0;
            else if (f == 3)
                datasize = (size_t)val;
        }
        const uint8_t *b = hend, *bend = hend + datasize, *z = NULL;
        size_t zlen = 0, raw_size = 0;
        while (b < bend) {
            int f = field(&b, bend, &sub, &len, &val);
            if (f == 2)
                raw_size = (size_t)val;
            else if (f == 3)
                z = sub, zlen = len;
        }
        v = realloc(v, (k + 1) * sizeof *v);
        v[k] = (struct blob){ .start = at, .end = (size_t)(bend - file), .header = header };
        v[k].data = malloc(raw_size + 1);
        uLongf out = raw_size;
        assert_int_equal(uncompress(v[k].data, &out, z, zlen), Z_OK);
        v[k].len = out;
        k++;
        at = (size_t)(bend - file);
    }
    *count = k;
    return v;
}

static void blobs_free(struct blob *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].data);
    free(v);
}

/* Counts the ways of a PrimitiveBlock that have a highway tag, and those whose value is
 * `value`. */
static void count_highways(const uint8_t *p, const uint8_t *end, long *all, long *of_value,
                           const char *value)
{
    const uint8_t *sub = NULL;
    size_t len = 0;
    uint64_t val;
    static const uint8_t *strs[100000];
    static size_t lens[100000];
    size_t nstr = 0;
    const uint8_t *q = p;
    while (q < end)
        if (field(&q, end, &sub, &len, &val) == 1) {
            const uint8_t *s = sub, *send = sub + len;
            while (s < send) {
                const uint8_t *str;
                size_t slen;
                field(&s, send, &str, &slen, &val);
                assert_true(nstr < 100000);
                strs[nstr] = str;
                lens[nstr++] = slen;
            }
        }
    q = p;
    while (q < end) {
        if (field(&q, end, &sub, &len, &val) != 2)
            continue;
        const uint8_t *g = sub, *gend = sub + len;
        while (g < gend) {
            const uint8_t *w;
            size_t wlen;
            if (field(&g, gend, &w, &wlen, &val) != 3)
                continue;
            const uint8_t *wend = w + wlen, *keys = NULL, *vals = NULL;
            size_t klen = 0, vlen = 0;
            while (w < wend) {
                const uint8_t *s;
                size_t slen;
                int f = field(&w, wend, &s, &slen, &val);
                if (f == 2)
                    keys = s, klen = slen;
                else if (f == 3)
                    vals = s, vlen = slen;
            }
            const uint8_t *kend = keys + klen, *vend = vals + vlen;
            while (keys && keys < kend) {
                uint64_t k = varint(&keys, kend), v = varint(&vals, vend);
                if (lens[k] == 7 && memcmp(strs[k], "highway", 7) == 0) {
                    (*all)++;
                    if (lens[v] == strlen(value) && memcmp(strs[v], value, lens[v]) == 0)
                        (*of_value)++;
                }
            }
        }
    }
}

static uint8_t *monaco(size_t *n)
{
    if (access(MONACO, R_OK) != 0) {
        fprintf(stderr, "skipped: %s is absent\n", MONACO);
        exit(TEST_SKIP);
    }
    return (uint8_t *)test_read_file(MONACO, n);
}

/* ---- the tests --------------------------------------------------------------------------- */

static int64_t q(const char *db_path, const char *sql)
{
    struct db *db = test_db_open(db_path, 0);
    int64_t v = test_query_int(db, sql);
    db_close(db);
    return v;
}

/* cli/import-basemap-monaco-counts: 2927 ways tagged highway=* (this file's decoder; osmium
 * tags-count of osmium-tool 1.15 says the same, class by class: 660 residential, 566 footway,
 * 394 service, 309 primary ... 3 construction, 2 escape, 1 services, 1 rest_area, 1 raceway).
 * The last five classes are no road to draw (8 skipped); three ways (a residential twice, a
 * service) have a single node, so no line (3 incomplete): 2927 - 8 - 3 = 2916 stored. The 16
 * named places are osmium's place=* nodes less the 12 localities and 3 neighbourhoods:
 * 1 city, 2 towns, 3 villages, 10 suburbs. */
static void monaco_counts(void **state)
{
    (void)state;
    size_t n, nb;
    uint8_t *file = monaco(&n);
    struct blob *b = blobs_of(file, n, &nb);
    long all = 0, residential = 0;
    for (size_t i = 0; i < nb; i++)
        if (!b[i].header)
            count_highways(b[i].data, b[i].data + b[i].len, &all, &residential, "residential");
    blobs_free(b, nb);
    free(file);
    assert_int_equal(all, 2927);
    assert_int_equal(residential, 660);

    char *db = test_init_store("basemap_counts");
    struct test_run r = test_cli_import(db, "basemap", MONACO, NULL, NULL);
    assert_status(r, 0);
    assert_contains(r.out, "monaco.osm.pbf: 2916 roads and paths, 16 named places (8 highway "
                           "ways of other classes skipped, 3 with fewer than two located nodes)");
    assert_contains(r.out, "area 7.34900,43.71000,7.49100,43.77000");
    test_run_free(&r);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE layer <> 'place'"),
                     all - 8 - 3);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE kind = 'residential'"),
                     residential - 2);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE layer = 'place'"), 16);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE kind = 'suburb'"), 10);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE kind = 'track'"), 63);
    assert_int_equal(q(db, "SELECT roads * 1000 + places FROM basemap_extent"), 2916016);
    /* Written to the audit log like every import, with the counts. */
    assert_int_equal(q(db, "SELECT count(*) FROM audit_log WHERE action = 'basemap.import' AND "
                           "record_id = 'monaco.osm.pbf' AND summary LIKE '%\"roads\":2916%'"),
                     1);
    free(db);
}

/* cli/import-basemap-known-road: Boulevard Albert 1er, the primary road along the port of
 * Monaco (La Condamine), is there in three ways near 43.73 N 7.42 E; Monaco itself is a city
 * with its English name. */
static void known_road(void **state)
{
    (void)state;
    size_t n;
    free(monaco(&n));
    char *db = test_init_store("basemap_road");
    assert_run(test_cli_import(db, "basemap", MONACO, NULL, NULL), 0, "2916 roads", NULL);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE name = 'Boulevard Albert "
                           "1er' AND kind = 'primary' AND minx > 7.42 AND maxx < 7.423 AND miny "
                           "> 43.732 AND maxy < 43.737"),
                     3);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature WHERE name = 'Monaco' AND "
                           "kind = 'city' AND name_en = 'Monaco' AND geometry = "
                           "'[7.4197576,43.7311424]'"),
                     1);
    free(db);
}

/* What the store holds of the basemap, to compare before and after a failed import. */
static char *basemap_state(const char *db)
{
    return test_store_rows(db, 4,
                           "SELECT name, imported_at, source_sha256, (SELECT count(*) || '/' || "
                           "sum(length(geometry)) FROM basemap_feature) FROM basemap_extent",
                           "∅");
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* A protobuf varint into `out`; returns its length. */
static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* The Monaco file with the first data blob stored raw (uncompressed) and the last byte of its
 * dense nodes' packed latitudes made a varint that runs on: the ways, read first, are whole;
 * the nodes, read second, are corrupt. Named monaco.osm.pbf, it would replace the extent. */
static void write_corrupt_nodes(const char *path)
{
    size_t n, nb;
    uint8_t *file = monaco(&n);
    struct blob *b = blobs_of(file, n, &nb);
    assert_true(nb > 2 && b[0].header && !b[1].header);
    uint8_t *data = b[1].data;
    const uint8_t *p = data, *end = data + b[1].len, *sub = NULL;
    size_t len = 0;
    uint64_t val;
    uint8_t *lat_end = NULL;
    while (p < end && !lat_end)
        if (field(&p, end, &sub, &len, &val) == 2) {
            const uint8_t *g = sub, *gend = sub + len, *d;
            size_t dlen;
            while (g < gend && !lat_end)
                if (field(&g, gend, &d, &dlen, &val) == 2) {
                    const uint8_t *dend = d + dlen, *s;
                    size_t slen;
                    while (d < dend)
                        if (field(&d, dend, &s, &slen, &val) == 8)
                            lat_end = data + (s + slen - data) - 1;
                }
        }
    assert_non_null(lat_end);
    *lat_end = 0x80;
    /* Blob { raw = 1 } and BlobHeader { type = 1 "OSMData", datasize = 3 }. */
    uint8_t head[32], blob_head[16];
    size_t bh = 0;
    blob_head[bh++] = 0x0a;
    bh += put_varint(blob_head + bh, b[1].len);
    size_t datasize = bh + b[1].len;
    size_t hl = 0;
    head[hl++] = 0x0a;
    head[hl++] = 7;
    memcpy(head + hl, "OSMData", 7);
    hl += 7;
    head[hl++] = 0x18;
    hl += put_varint(head + hl, datasize);
    uint8_t len4[4] = { 0, 0, (uint8_t)(hl >> 8), (uint8_t)hl };
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(file, 1, b[1].start, f);
    fwrite(len4, 1, 4, f);
    fwrite(head, 1, hl, f);
    fwrite(blob_head, 1, bh, f);
    fwrite(data, 1, b[1].len, f);
    fwrite(file + b[1].end, 1, n - b[1].end, f);
    fclose(f);
    blobs_free(b, nb);
    free(file);
}

/* cli/import-basemap-bad-files: a file cut short, a GeoJSON file, an empty file, and one whose
 * nodes are corrupt past the read of its ways, each named like the imported extent: a clear
 * error naming the file and the byte, exit 1, and the store exactly as before. */
static void bad_files(void **state)
{
    (void)state;
    size_t n;
    uint8_t *file = monaco(&n);
    char *db = test_init_store("basemap_bad");
    assert_run(test_cli_import(db, "basemap", MONACO, NULL, NULL), 0, "2916 roads", NULL);
    char *before = basemap_state(db);
    const char *dir = test_tmpdir("basemap_bad_files");
    char *path = test_path(dir, "monaco.osm.pbf");
    static const struct {
        size_t bytes; /* of Monaco's; 0: the text below; SIZE_MAX: corrupt nodes */
        const char *text, *error;
    } cases[] = {
        { 1000000, NULL,
          "monaco.osm.pbf: truncated at byte 1000000 (the blob starting at byte 203 needs "
          "1014625 bytes)" },
        { 2, NULL, "monaco.osm.pbf: truncated at byte 2 (a blob's length needs 4 bytes)" },
        { 0, "{\"type\":\"FeatureCollection\",\"features\":[]}\n",
          "monaco.osm.pbf: not an OSM PBF file: it does not start with the length of a blob "
          "header" },
        { 0, "", "monaco.osm.pbf: not an OSM PBF file: the file is empty" },
        { SIZE_MAX, NULL,
          "monaco.osm.pbf: blob at byte 203: dense nodes: fewer lat or lon than id" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].bytes == SIZE_MAX)
            write_corrupt_nodes(path);
        else if (cases[i].text)
            write_bytes(path, cases[i].text, strlen(cases[i].text));
        else
            write_bytes(path, file, cases[i].bytes);
        struct test_run r = test_cli_import(db, "basemap", path, NULL, NULL);
        assert_status(r, 1);
        assert_contains(r.err, cases[i].error);
        assert_string_equal(r.out, "");
        test_run_free(&r);
        char *after = basemap_state(db);
        assert_string_equal(after, before);
        free(after);
    }
    free(before);
    free(path);
    free(file);
    free(db);
}

/* cli/import-basemap-reimport: the same file again replaces its extent, says so, and leaves
 * the same counts: no duplicate extent, no duplicate feature. */
static void reimport(void **state)
{
    (void)state;
    size_t n;
    free(monaco(&n));
    char *db = test_init_store("basemap_reimport");
    assert_run(test_cli_import(db, "basemap", MONACO, NULL, NULL), 0, "2916 roads", NULL);
    assert_run(test_cli_import(db, "basemap", MONACO, NULL, NULL), 0,
               "monaco.osm.pbf: replaced the extent of that name: 2916 roads and paths, 16 named "
               "places",
               NULL);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_extent"), 1);
    assert_int_equal(q(db, "SELECT count(*) FROM basemap_feature"), 2932);
    assert_int_equal(q(db, "SELECT count(*) FROM (SELECT osm_id, layer FROM basemap_feature "
                           "GROUP BY 1, 2 HAVING count(*) > 1)"),
                     0);
    free(db);
}

/* cli/import-basemap-usage: the FILE is required; stdin is refused (three reads). */
static void usage(void **state)
{
    (void)state;
    char *db = test_init_store("basemap_usage");
    const char *args[] = { "import", "basemap", "--db", db, NULL };
    assert_run(test_cli(args), 2, NULL, "the FILE to import is required");
    assert_run(test_cli_import(db, "basemap", "-", NULL, NULL), 2, NULL,
               "FILE cannot be stdin: the import reads the file three times");
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-basemap-monaco-counts", monaco_counts),
        BH_TEST("cli/import-basemap-known-road", known_road),
        BH_TEST("cli/import-basemap-bad-files", bad_files),
        BH_TEST("cli/import-basemap-reimport", reimport),
        BH_TEST("cli/import-basemap-usage", usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
