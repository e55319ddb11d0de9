/* The OSM PBF reader: a small protobuf wire decoder (varints, zigzag, length-delimited
 * fields) over one blob at a time, inflated with zlib. See pbf.h for what it promises. */
#include "basemap/pbf.h"

#include "base/i18n.h"
#include "base/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- protobuf wire format ---------------------------------------------------------------- */

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

struct pb {
    const uint8_t *p, *end;
};

/* A varint of at most 10 bytes; false when it runs past the end or is longer. */
static bool pb_varint(struct pb *c, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (c->p >= c->end)
            return false;
        uint8_t b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

static int64_t zigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static bool pb_key(struct pb *c, uint32_t *field, int *wt)
{
    uint64_t k;
    if (!pb_varint(c, &k) || (k >> 3) == 0 || (k >> 3) > UINT32_MAX)
        return false;
    *field = (uint32_t)(k >> 3);
    *wt = (int)(k & 7);
    return true;
}

/* A length-delimited field's bytes as a cursor of their own, checked against what holds them. */
static bool pb_bytes(struct pb *c, struct pb *sub)
{
    uint64_t n;
    if (!pb_varint(c, &n) || n > (uint64_t)(c->end - c->p))
        return false;
    sub->p = c->p;
    sub->end = c->p + n;
    c->p += n;
    return true;
}

/* Skips a field of a known wire type; groups (3, 4) are long deprecated and never in PBF. */
static bool pb_skip(struct pb *c, int wt)
{
    uint64_t v;
    struct pb sub;
    switch (wt) {
    case WT_VARINT:
        return pb_varint(c, &v);
    case WT_FIXED64:
        if (c->end - c->p < 8)
            return false;
        c->p += 8;
        return true;
    case WT_LEN:
        return pb_bytes(c, &sub);
    case WT_FIXED32:
        if (c->end - c->p < 4)
            return false;
        c->p += 4;
        return true;
    default:
        return false;
    }
}

/* ---- the reader -------------------------------------------------------------------------- */

struct reader {
    FILE *f;
    const char *name;
    const struct pbf_handlers *h;
    struct bh_error *err;
    uint64_t offset;      /* bytes read so far */
    uint64_t blob_offset; /* where the blob being decoded starts */
    int blobs;            /* blobs read */
    /* Buffers kept from blob to blob. */
    uint8_t *raw, *data;
    size_t raw_cap, data_cap;
    /* The string table of the block being decoded, NUL-terminated copies. */
    char *strings;
    size_t strings_cap;
    const char **str;
    size_t nstr, str_cap;
    struct pbf_tag *tags;
    size_t tags_cap;
    int64_t *refs;
    size_t refs_cap;
    /* The block's coordinate coding. */
    int64_t granularity, lat_offset, lon_offset;
};

/* A fault in the blob being decoded: "FILE: blob at byte N: WHAT". */
static int bad(struct reader *r, const char *what)
{
    return bh_fail(r->err, BH_EINVALID, "file", "%s: blob at byte %llu: %s", r->name,
                   (unsigned long long)r->blob_offset, _(what));
}

static void grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    *p = xrealloc(*p, n * size);
    *cap = n;
}

/* Reads exactly `n` bytes into `buf`; a short read is a truncated file. `what` says what the
 * bytes were meant to be, for the message. */
static int read_exact(struct reader *r, void *buf, size_t n, uint64_t start, const char *what)
{
    size_t got = n ? fread(buf, 1, n, r->f) : 0;
    r->offset += got;
    if (got == n)
        return 0;
    if (ferror(r->f))
        return bh_fail(r->err, BH_EIO, "file", "%s: cannot read at byte %llu: %s", r->name,
                       (unsigned long long)r->offset, strerror(errno));
    return bh_fail(r->err, BH_EINVALID, "file",
                   "%s: truncated at byte %llu (the %s starting at byte %llu needs %zu bytes)",
                   r->name, (unsigned long long)r->offset, _(what), (unsigned long long)start, n);
}

/* Decodes the string table into NUL-terminated copies: tags are handed out as C strings. */
static int string_table(struct reader *r, struct pb t)
{
    r->nstr = 0;
    grow((void **)&r->strings, &r->strings_cap, (size_t)(t.end - t.p) * 2 + 1, 1);
    size_t used = 0;
    /* First the lengths, then the copies: the copies may move `strings` no more. */
    struct pb c = t;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        struct pb s;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("string table: bad field key"));
        if (field != 1 || wt != WT_LEN) {
            if (!pb_skip(&c, wt))
                return bad(r, N_("string table: field runs past its end"));
            continue;
        }
        if (!pb_bytes(&c, &s))
            return bad(r, N_("string table: string runs past its end"));
        size_t n = (size_t)(s.end - s.p);
        memcpy(r->strings + used, s.p, n);
        r->strings[used + n] = '\0';
        grow((void **)&r->str, &r->str_cap, r->nstr + 1, sizeof *r->str);
        r->str[r->nstr++] = r->strings + used;
        used += n + 1;
    }
    return 0;
}

static int string_at(struct reader *r, uint64_t i, const char **out)
{
    if (i >= r->nstr) {
        char what[128];
        snprintf(what, sizeof what, _("string index %llu past the string table (%zu strings)"),
                 (unsigned long long)i, r->nstr);
        return bad(r, what);
    }
    *out = r->str[i];
    return 0;
}

/* Packed keys and values (indexes into the string table) into r->tags. */
static int packed_tags(struct reader *r, struct pb keys, struct pb vals, size_t *ntags)
{
    size_t n = 0;
    while (keys.p < keys.end) {
        uint64_t k, v;
        if (!pb_varint(&keys, &k))
            return bad(r, N_("keys: bad varint"));
        if (vals.p >= vals.end || !pb_varint(&vals, &v))
            return bad(r, N_("fewer vals than keys"));
        grow((void **)&r->tags, &r->tags_cap, n + 1, sizeof *r->tags);
        int rc = string_at(r, k, &r->tags[n].key);
        if (!rc)
            rc = string_at(r, v, &r->tags[n].value);
        if (rc)
            return rc;
        n++;
    }
    if (vals.p < vals.end)
        return bad(r, N_("more vals than keys"));
    *ntags = n;
    return 0;
}

static double degrees(const struct reader *r, int64_t offset, int64_t v)
{
    /* In doubles: a corrupt block's offset or granularity must not overflow an int64 (and the
     * result is checked to be on Earth). Nanodegrees stay exact in a double. */
    return 1e-9 * ((double)offset + (double)r->granularity * (double)v);
}

/* A coordinate must be a place on Earth: a block whose offsets or granularity put it elsewhere
 * is corrupt, and storing it would draw lines across the map. */
static int check_position(struct reader *r, double lat, double lon)
{
    if (lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0)
        return 0;
    char what[128];
    snprintf(what, sizeof what, _("node at latitude %.7f, longitude %.7f is off the Earth"), lat,
             lon);
    return bad(r, what);
}

static int plain_node(struct reader *r, struct pb c)
{
    struct pbf_node n = { 0 };
    struct pb keys = { c.p, c.p }, vals = { c.p, c.p };
    int64_t lat = 0, lon = 0;
    bool has_id = false, has_lat = false, has_lon = false;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        uint64_t v;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("node: bad field key"));
        if ((field == 1 || field == 8 || field == 9) && wt == WT_VARINT) {
            if (!pb_varint(&c, &v))
                return bad(r, N_("node: bad varint"));
            if (field == 1)
                n.id = zigzag(v), has_id = true;
            else if (field == 8)
                lat = zigzag(v), has_lat = true;
            else
                lon = zigzag(v), has_lon = true;
        } else if ((field == 2 || field == 3) && wt == WT_LEN) {
            if (!pb_bytes(&c, field == 2 ? &keys : &vals))
                return bad(r, N_("node: keys or vals run past the node's end"));
        } else if (!pb_skip(&c, wt))
            return bad(r, N_("node: field runs past the node's end"));
    }
    if (!has_id || !has_lat || !has_lon)
        return bad(r, N_("node without id, lat or lon"));
    n.lat = degrees(r, r->lat_offset, lat);
    n.lon = degrees(r, r->lon_offset, lon);
    int rc = check_position(r, n.lat, n.lon);
    if (!rc)
        rc = packed_tags(r, keys, vals, &n.ntags);
    if (rc)
        return rc;
    n.tags = r->tags;
    return r->h->node(r->h->ctx, &n, r->err);
}

static int dense_nodes(struct reader *r, struct pb c)
{
    struct pb ids = { c.p, c.p }, lats = ids, lons = ids, kv = ids;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("dense nodes: bad field key"));
        struct pb *into = field == 1    ? &ids
                          : field == 8  ? &lats
                          : field == 9  ? &lons
                          : field == 10 ? &kv
                                        : NULL;
        if (into && wt == WT_LEN) {
            if (!pb_bytes(&c, into))
                return bad(r, N_("dense nodes: a packed field runs past its end"));
        } else if (into)
            return bad(r, N_("dense nodes: id, lat, lon and keys_vals must be packed"));
        else if (!pb_skip(&c, wt))
            return bad(r, N_("dense nodes: field runs past its end"));
    }
    int64_t id = 0, lat = 0, lon = 0;
    while (ids.p < ids.end) {
        uint64_t di, dla, dlo;
        if (!pb_varint(&ids, &di))
            return bad(r, N_("dense nodes: bad id varint"));
        if (!pb_varint(&lats, &dla) || !pb_varint(&lons, &dlo))
            return bad(r, N_("dense nodes: fewer lat or lon than id"));
        /* Deltas wrap like the writer's int64 sums did; unsigned arithmetic keeps a corrupt
         * file from being undefined behaviour. */
        id = (int64_t)((uint64_t)id + (uint64_t)zigzag(di));
        lat = (int64_t)((uint64_t)lat + (uint64_t)zigzag(dla));
        lon = (int64_t)((uint64_t)lon + (uint64_t)zigzag(dlo));
        size_t ntags = 0;
        /* keys_vals: for each node, key/value index pairs ended by a 0; absent when no node of
         * the block has tags. */
        while (kv.p < kv.end) {
            uint64_t k, v;
            if (!pb_varint(&kv, &k))
                return bad(r, N_("dense nodes: bad keys_vals varint"));
            if (k == 0)
                break;
            if (!pb_varint(&kv, &v))
                return bad(r, N_("dense nodes: keys_vals ends between a key and its value"));
            grow((void **)&r->tags, &r->tags_cap, ntags + 1, sizeof *r->tags);
            int rc = string_at(r, k, &r->tags[ntags].key);
            if (!rc)
                rc = string_at(r, v, &r->tags[ntags].value);
            if (rc)
                return rc;
            ntags++;
        }
        struct pbf_node n = {
            .id = id,
            .lat = degrees(r, r->lat_offset, lat),
            .lon = degrees(r, r->lon_offset, lon),
            .tags = r->tags,
            .ntags = ntags,
        };
        int rc = check_position(r, n.lat, n.lon);
        if (!rc && r->h->node)
            rc = r->h->node(r->h->ctx, &n, r->err);
        if (rc)
            return rc;
    }
    if (lats.p < lats.end || lons.p < lons.end)
        return bad(r, N_("dense nodes: more lat or lon than id"));
    return 0;
}

static int way(struct reader *r, struct pb c)
{
    struct pbf_way w = { 0 };
    struct pb keys = { c.p, c.p }, vals = keys, refs = keys;
    bool has_id = false;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        uint64_t v;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("way: bad field key"));
        if (field == 1 && wt == WT_VARINT) {
            if (!pb_varint(&c, &v))
                return bad(r, N_("way: bad id varint"));
            w.id = (int64_t)v, has_id = true;
        } else if ((field == 2 || field == 3 || field == 8) && wt == WT_LEN) {
            if (!pb_bytes(&c, field == 2 ? &keys : field == 3 ? &vals : &refs))
                return bad(r, N_("way: keys, vals or refs run past the way's end"));
        } else if (!pb_skip(&c, wt))
            return bad(r, N_("way: field runs past the way's end"));
    }
    if (!has_id)
        return bad(r, N_("way without id"));
    int64_t ref = 0;
    while (refs.p < refs.end) {
        uint64_t d;
        if (!pb_varint(&refs, &d))
            return bad(r, N_("way: bad refs varint"));
        ref = (int64_t)((uint64_t)ref + (uint64_t)zigzag(d));
        grow((void **)&r->refs, &r->refs_cap, w.nrefs + 1, sizeof *r->refs);
        r->refs[w.nrefs++] = ref;
    }
    int rc = packed_tags(r, keys, vals, &w.ntags);
    if (rc)
        return rc;
    w.refs = r->refs;
    w.tags = r->tags;
    return r->h->way(r->h->ctx, &w, r->err);
}

static int primitive_group(struct reader *r, struct pb c)
{
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        struct pb sub;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("primitive group: bad field key"));
        if (wt != WT_LEN) {
            if (!pb_skip(&c, wt))
                return bad(r, N_("primitive group: field runs past its end"));
            continue;
        }
        if (!pb_bytes(&c, &sub))
            return bad(r, N_("primitive group: field runs past its end"));
        int rc = 0;
        if (field == 1 && r->h->want_nodes && r->h->node)
            rc = plain_node(r, sub);
        else if (field == 2 && r->h->want_nodes && r->h->node)
            rc = dense_nodes(r, sub);
        else if (field == 3 && r->h->want_ways && r->h->way)
            rc = way(r, sub);
        /* 4 relations, 5 changesets: not read. */
        if (rc)
            return rc;
    }
    return 0;
}

static int primitive_block(struct reader *r, struct pb c)
{
    /* The string table and the coordinate coding may come after the groups: find them first,
     * then decode the groups. */
    struct pb table = { c.p, c.p };
    struct pb start = c;
    r->granularity = 100;
    r->lat_offset = r->lon_offset = 0;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        uint64_t v;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("primitive block: bad field key"));
        if (field == 1 && wt == WT_LEN) {
            if (!pb_bytes(&c, &table))
                return bad(r, N_("string table runs past the block's end"));
        } else if ((field == 17 || field == 19 || field == 20) && wt == WT_VARINT) {
            if (!pb_varint(&c, &v))
                return bad(r, N_("primitive block: bad varint"));
            if (field == 17)
                r->granularity = (int64_t)(int32_t)v;
            else if (field == 19)
                r->lat_offset = (int64_t)v;
            else
                r->lon_offset = (int64_t)v;
        } else if (!pb_skip(&c, wt))
            return bad(r, N_("primitive block: field runs past its end"));
    }
    if (r->granularity <= 0)
        return bad(r, N_("granularity is not positive"));
    int rc = string_table(r, table);
    if (rc)
        return rc;
    c = start;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        struct pb sub;
        if (!pb_key(&c, &field, &wt)) /* checked by the first walk: never */
            break;
        if (field == 2 && wt == WT_LEN) {
            (void)pb_bytes(&c, &sub);
            if ((rc = primitive_group(r, sub)))
                return rc;
        } else
            (void)pb_skip(&c, wt);
    }
    return 0;
}

static int header_block(struct reader *r, struct pb c)
{
    struct pbf_header h = { .writer = "" };
    char writer[256] = "";
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        struct pb sub;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("header block: bad field key"));
        if (wt != WT_LEN) {
            if (!pb_skip(&c, wt))
                return bad(r, N_("header block: field runs past its end"));
            continue;
        }
        if (!pb_bytes(&c, &sub))
            return bad(r, N_("header block: field runs past its end"));
        size_t n = (size_t)(sub.end - sub.p);
        if (field == 1) {
            /* HeaderBBox: left, right, top, bottom in nanodegrees (sint64). */
            int64_t v[4] = { 0 };
            int seen = 0;
            while (sub.p < sub.end) {
                uint32_t f;
                int w;
                uint64_t x;
                if (!pb_key(&sub, &f, &w))
                    return bad(r, N_("header bbox: bad field key"));
                if (f >= 1 && f <= 4 && w == WT_VARINT) {
                    if (!pb_varint(&sub, &x))
                        return bad(r, N_("header bbox: bad varint"));
                    v[f - 1] = zigzag(x);
                    seen |= 1 << (f - 1);
                } else if (!pb_skip(&sub, w))
                    return bad(r, N_("header bbox: field runs past its end"));
            }
            if (seen == 15) {
                h.has_bbox = true;
                h.west = 1e-9 * (double)v[0];
                h.east = 1e-9 * (double)v[1];
                h.north = 1e-9 * (double)v[2];
                h.south = 1e-9 * (double)v[3];
            }
        } else if (field == 4) {
            char feature[128];
            snprintf(feature, sizeof feature, "%.*s", (int)(n < 100 ? n : 100),
                     (const char *)sub.p);
            if (strcmp(feature, "OsmSchema-V0.6") != 0 && strcmp(feature, "DenseNodes") != 0)
                return bh_fail(r->err, BH_EINVALID, "file",
                               "%s: the file requires the feature '%s', which this reader does "
                               "not support (only OsmSchema-V0.6 and DenseNodes)",
                               r->name, feature);
        } else if (field == 16) {
            snprintf(writer, sizeof writer, "%.*s", (int)(n < 200 ? n : 200), (const char *)sub.p);
        }
    }
    h.writer = writer;
    return r->h->header ? r->h->header(r->h->ctx, &h, r->err) : 0;
}

/* The Blob's data, inflated when it is compressed, into r->data; *len its length. */
static int blob_data(struct reader *r, struct pb c, size_t *len)
{
    struct pb raw = { NULL, NULL }, zdata = { NULL, NULL };
    uint64_t raw_size = 0;
    bool has_raw = false, has_z = false, has_size = false;
    const char *other = NULL;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        if (!pb_key(&c, &field, &wt))
            return bad(r, N_("blob: bad field key"));
        if (field == 1 && wt == WT_LEN) {
            if (!pb_bytes(&c, &raw))
                return bad(r, N_("blob: raw data runs past its end"));
            has_raw = true;
        } else if (field == 2 && wt == WT_VARINT) {
            if (!pb_varint(&c, &raw_size))
                return bad(r, N_("blob: bad raw_size"));
            has_size = true;
        } else if (field == 3 && wt == WT_LEN) {
            if (!pb_bytes(&c, &zdata))
                return bad(r, N_("blob: zlib data runs past its end"));
            has_z = true;
        } else {
            if (field == 4)
                other = "lzma";
            else if (field == 5)
                other = "bzip2";
            else if (field == 6)
                other = "lz4";
            else if (field == 7)
                other = "zstd";
            if (!pb_skip(&c, wt))
                return bad(r, N_("blob: field runs past its end"));
        }
    }
    if (has_raw) {
        *len = (size_t)(raw.end - raw.p);
        grow((void **)&r->data, &r->data_cap, *len + 1, 1);
        memcpy(r->data, raw.p, *len);
        return 0;
    }
    if (!has_z) {
        if (other) {
            char what[128];
            snprintf(what, sizeof what,
                     _("compressed with %s, which this reader does not support (only zlib)"),
                     other);
            return bad(r, what);
        }
        return bad(r, N_("blob holds no data"));
    }
    if (!has_size)
        return bad(r, N_("zlib blob without raw_size"));
    if (raw_size > PBF_BLOB_MAX)
        return bad(r, N_("raw_size is over the 32 MiB limit of the spec"));
    grow((void **)&r->data, &r->data_cap, (size_t)raw_size + 1, 1);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return bh_fail(r->err, BH_ENOMEM, "file", "%s: zlib cannot start", r->name);
    z.next_in = (Bytef *)zdata.p;
    z.avail_in = (uInt)(zdata.end - zdata.p);
    z.next_out = r->data;
    z.avail_out = (uInt)raw_size + 1; /* one more, to see data beyond raw_size */
    int zr = inflate(&z, Z_FINISH);
    size_t out = (size_t)z.total_out;
    inflateEnd(&z);
    if (zr != Z_STREAM_END)
        return bad(r, zr == Z_BUF_ERROR && out > raw_size ? N_("zlib data is longer than raw_size")
                                                          : N_("zlib data corrupt"));
    if (out != raw_size)
        return bad(r, N_("zlib data is shorter than raw_size"));
    *len = out;
    return 0;
}

/* One blob: the 4-byte length, the BlobHeader, the Blob. Returns 1 at the end of the file. */
static int next_blob(struct reader *r)
{
    uint8_t len4[4];
    r->blob_offset = r->offset;
    size_t got = fread(len4, 1, 4, r->f);
    r->offset += got;
    if (got == 0 && !ferror(r->f)) {
        if (r->blobs == 0)
            return bh_fail(r->err, BH_EINVALID, "file",
                           "%s: not an OSM PBF file: the file is empty", r->name);
        return 1;
    }
    if (got < 4) {
        if (ferror(r->f))
            return bh_fail(r->err, BH_EIO, "file", "%s: cannot read at byte %llu: %s", r->name,
                           (unsigned long long)r->offset, strerror(errno));
        return bh_fail(r->err, BH_EINVALID, "file",
                       "%s: truncated at byte %llu (a blob's length needs 4 bytes)", r->name,
                       (unsigned long long)r->offset);
    }
    uint32_t hlen =
        (uint32_t)len4[0] << 24 | (uint32_t)len4[1] << 16 | (uint32_t)len4[2] << 8 | len4[3];
    if (hlen > PBF_HEADER_MAX || hlen == 0) {
        if (r->blobs == 0)
            return bh_fail(r->err, BH_EINVALID, "file",
                           "%s: not an OSM PBF file: it does not start with the length of a blob "
                           "header (the first 4 bytes give %lu)",
                           r->name, (unsigned long)hlen);
        char what[128];
        snprintf(what, sizeof what, _("blob header of %lu bytes (the spec allows 1 to 64 KiB)"),
                 (unsigned long)hlen);
        return bad(r, what);
    }
    uint8_t hdr[PBF_HEADER_MAX];
    int rc = read_exact(r, hdr, hlen, r->blob_offset, N_("blob header"));
    if (rc)
        return rc;
    struct pb c = { hdr, hdr + hlen };
    char type[64] = "";
    bool has_type = false, has_size = false;
    uint64_t datasize = 0;
    while (c.p < c.end) {
        uint32_t field = 0;
        int wt = 0;
        struct pb sub;
        if (!pb_key(&c, &field, &wt))
            goto bad_header;
        if (field == 1 && wt == WT_LEN) {
            if (!pb_bytes(&c, &sub))
                goto bad_header;
            size_t n = (size_t)(sub.end - sub.p);
            snprintf(type, sizeof type, "%.*s", (int)(n < 40 ? n : 40), (const char *)sub.p);
            /* A type shown in a message must be printable text. */
            for (char *t = type; *t; t++)
                if ((unsigned char)*t < 0x20 || (unsigned char)*t > 0x7e)
                    *t = '?';
            has_type = true;
        } else if (field == 3 && wt == WT_VARINT) {
            if (!pb_varint(&c, &datasize))
                goto bad_header;
            has_size = true;
        } else if (!pb_skip(&c, wt))
            goto bad_header;
    }
    if (!has_type || !has_size)
        goto bad_header;
    if (r->blobs == 0 && strcmp(type, "OSMHeader") != 0)
        return bh_fail(r->err, BH_EINVALID, "file",
                       "%s: not an OSM PBF file: first blob type is '%s' (expected OSMHeader)",
                       r->name, type);
    if (datasize > PBF_BLOB_MAX)
        return bad(r, N_("blob of more than 32 MiB (the spec's limit)"));
    grow((void **)&r->raw, &r->raw_cap, (size_t)datasize + 1, 1);
    if ((rc = read_exact(r, r->raw, (size_t)datasize, r->blob_offset, N_("blob"))))
        return rc;
    r->blobs++;
    bool header = strcmp(type, "OSMHeader") == 0;
    if (!header && strcmp(type, "OSMData") != 0)
        return 0; /* a blob type of the future: skipped, as the spec says */
    if (header && r->blobs > 1)
        return bad(r, N_("a second OSMHeader"));
    size_t n = 0;
    struct pb blob = { r->raw, r->raw + datasize };
    if ((rc = blob_data(r, blob, &n)))
        return rc;
    struct pb data = { r->data, r->data + n };
    if (header)
        return header_block(r, data);
    if (!r->h->want_nodes && !r->h->want_ways)
        return 0;
    return primitive_block(r, data);

bad_header:
    if (r->blobs == 0)
        return bh_fail(r->err, BH_EINVALID, "file",
                       "%s: not an OSM PBF file: the first blob header is not a BlobHeader",
                       r->name);
    return bad(r, N_("corrupt blob header"));
}

int pbf_read(FILE *f, const char *name, const struct pbf_handlers *h, struct bh_error *err)
{
    struct reader r = { .f = f, .name = name, .h = h, .err = err };
    int rc;
    while ((rc = next_blob(&r)) == 0)
        if (h->progress)
            h->progress(h->ctx, r.offset);
    free(r.raw);
    free(r.data);
    free(r.strings);
    free(r.str);
    free(r.tags);
    free(r.refs);
    return rc == 1 ? 0 : rc;
}
