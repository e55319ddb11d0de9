/* OpenStreetMap detail from a .osm.pbf extract into the store, and back out per web-map tile
 * (osm.h). The reader (pbf.c) streams; this file decides what to keep and how to draw it. */
#include "basemap/osm.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "basemap/pbf.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- what is kept ------------------------------------------------------------------------ */

/* The highway=* classes drawn, each in a layer with the zoom it appears from. The browser
 * draws local detail from zoom 10, so the main roads come at once and the dense classes
 * (residential streets, service roads, footpaths) only where they can be told apart. A class
 * not listed (construction, proposed, platform, raceway, rest_area...) is no road to follow
 * and is counted as skipped. Tracks come early: off the tarmac they are the roads. */
static const struct road_class {
    const char *highway, *layer;
    int minzoom;
} road_classes[] = {
    { "motorway", "road_major", 10 },
    { "motorway_link", "road_major", 10 },
    { "trunk", "road_major", 10 },
    { "trunk_link", "road_major", 10 },
    { "primary", "road_major", 10 },
    { "primary_link", "road_major", 10 },
    { "secondary", "road_secondary", 11 },
    { "secondary_link", "road_secondary", 11 },
    { "tertiary", "road_secondary", 11 },
    { "tertiary_link", "road_secondary", 11 },
    { "unclassified", "road_minor", 13 },
    { "residential", "road_minor", 13 },
    { "living_street", "road_minor", 13 },
    { "road", "road_minor", 13 },
    { "service", "road_minor", 15 },
    { "track", "track", 12 },
    { "path", "path", 14 },
    { "footway", "path", 14 },
    { "cycleway", "path", 14 },
    { "bridleway", "path", 14 },
    { "steps", "path", 14 },
    { "pedestrian", "path", 14 },
};

/* Named places kept, with the zoom they appear from. */
static const struct place_class {
    const char *place;
    int minzoom;
} place_classes[] = {
    { "city", 10 }, { "town", 10 }, { "village", 12 }, { "hamlet", 13 }, { "suburb", 13 },
};

static const char *tag(const struct pbf_tag *tags, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tags[i].key, key) == 0)
            return tags[i].value;
    return NULL;
}

static const struct road_class *road_class_of(const struct pbf_way *w, bool *highway)
{
    const char *v = tag(w->tags, w->ntags, "highway");
    *highway = v != NULL;
    if (!v)
        return NULL;
    for (size_t i = 0; i < sizeof road_classes / sizeof road_classes[0]; i++)
        if (strcmp(road_classes[i].highway, v) == 0)
            return &road_classes[i];
    return NULL;
}

static const struct place_class *place_class_of(const struct pbf_node *n)
{
    const char *v = tag(n->tags, n->ntags, "place");
    if (!v || !tag(n->tags, n->ntags, "name"))
        return NULL;
    for (size_t i = 0; i < sizeof place_classes / sizeof place_classes[0]; i++)
        if (strcmp(place_classes[i].place, v) == 0)
            return &place_classes[i];
    return NULL;
}

/* ---- the import -------------------------------------------------------------------------- */

struct import {
    struct db *db;
    struct basemap_import_report *rep;
    int64_t extent;
    int pass;
    uint64_t size;
    basemap_progress_fn progress;
    void *progress_ctx;
    /* The nodes the kept ways need, sorted, and their positions (NAN until found). */
    int64_t *ids;
    size_t nids, ids_cap;
    double *lat, *lon;
    /* The box of what was stored. */
    double minx, miny, maxx, maxy;
    struct pbf_header header;
    bool has_header_bbox;
    struct db_stmt *insert;
    struct buf geometry;
};

static const char insert_sql[] =
    "INSERT INTO basemap_feature (extent_id, osm_id, layer, kind, name, name_fr, name_en, "
    "minzoom, minx, miny, maxx, maxy, geometry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* A coordinate as compact JSON: 7 decimals (about a centimetre, OSM's own precision) without
 * trailing zeros. */
static void put_coord(struct buf *b, double v)
{
    char s[32];
    int n = snprintf(s, sizeof s, "%.7f", v);
    while (n > 1 && s[n - 1] == '0')
        n--;
    if (n > 1 && s[n - 1] == '.')
        n--;
    buf_append(b, s, (size_t)n);
}

static int store_feature(struct import *im, int64_t osm_id, const char *layer, const char *kind,
                         const struct pbf_tag *tags, size_t ntags, int minzoom, double minx,
                         double miny, double maxx, double maxy, struct bh_error *err)
{
    struct db_stmt *st = im->insert;
    db_stmt_again(st, false);
    db_bind_int(st, 1, im->extent);
    db_bind_int(st, 2, osm_id);
    db_bind_text(st, 3, layer);
    db_bind_text(st, 4, kind);
    db_bind_text(st, 5, tag(tags, ntags, "name"));
    db_bind_text(st, 6, tag(tags, ntags, "name:fr"));
    db_bind_text(st, 7, tag(tags, ntags, "name:en"));
    db_bind_int(st, 8, minzoom);
    db_bind_double(st, 9, minx);
    db_bind_double(st, 10, miny);
    db_bind_double(st, 11, maxx);
    db_bind_double(st, 12, maxy);
    db_bind_text(st, 13, buf_str(&im->geometry));
    int rc = db_step(st, err);
    if (rc < 0)
        return rc;
    im->minx = fmin(im->minx, minx);
    im->miny = fmin(im->miny, miny);
    im->maxx = fmax(im->maxx, maxx);
    im->maxy = fmax(im->maxy, maxy);
    return 0;
}

static void on_progress(void *ctx, uint64_t done)
{
    struct import *im = ctx;
    if (im->progress)
        im->progress(im->progress_ctx, im->pass, done, im->size);
}

static int on_header(void *ctx, const struct pbf_header *h, struct bh_error *err)
{
    (void)err;
    struct import *im = ctx;
    im->header = *h;
    im->header.writer = "";
    return 0;
}

/* Pass 1: the nodes every kept way needs. */
static int need_nodes(void *ctx, const struct pbf_way *w, struct bh_error *err)
{
    (void)err;
    struct import *im = ctx;
    bool highway;
    if (!road_class_of(w, &highway))
        return 0;
    if (im->nids + w->nrefs > im->ids_cap) {
        size_t cap = im->ids_cap ? im->ids_cap : 4096;
        while (cap < im->nids + w->nrefs)
            cap *= 2;
        im->ids = xrealloc(im->ids, cap * sizeof *im->ids);
        im->ids_cap = cap;
    }
    memcpy(im->ids + im->nids, w->refs, w->nrefs * sizeof *w->refs);
    im->nids += w->nrefs;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static ptrdiff_t find_id(const struct import *im, int64_t id)
{
    size_t lo = 0, hi = im->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (im->ids[mid] < id)
            lo = mid + 1;
        else if (im->ids[mid] > id)
            hi = mid;
        else
            return (ptrdiff_t)mid;
    }
    return -1;
}

/* Pass 2: the positions of the needed nodes, and the named places. */
static int on_node(void *ctx, const struct pbf_node *n, struct bh_error *err)
{
    struct import *im = ctx;
    ptrdiff_t i = find_id(im, n->id);
    if (i >= 0) {
        im->lat[i] = n->lat;
        im->lon[i] = n->lon;
    }
    const struct place_class *pc = place_class_of(n);
    if (!pc)
        return 0;
    buf_reset(&im->geometry);
    buf_putc(&im->geometry, '[');
    put_coord(&im->geometry, n->lon);
    buf_putc(&im->geometry, ',');
    put_coord(&im->geometry, n->lat);
    buf_putc(&im->geometry, ']');
    int rc = store_feature(im, n->id, "place", pc->place, n->tags, n->ntags, pc->minzoom, n->lon,
                           n->lat, n->lon, n->lat, err);
    if (!rc)
        im->rep->places++;
    return rc;
}

/* Pass 3: the ways, with the positions pass 2 found. */
static int on_way(void *ctx, const struct pbf_way *w, struct bh_error *err)
{
    struct import *im = ctx;
    bool highway;
    const struct road_class *rc_ = road_class_of(w, &highway);
    if (!rc_) {
        if (highway)
            im->rep->skipped++;
        return 0;
    }
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t points = 0;
    buf_reset(&im->geometry);
    buf_putc(&im->geometry, '[');
    for (size_t k = 0; k < w->nrefs; k++) {
        ptrdiff_t i = find_id(im, w->refs[k]);
        /* An extract cut at its border keeps ways whose far nodes it left out: the way is
         * drawn with the nodes it has. */
        if (i < 0 || isnan(im->lat[i]))
            continue;
        double x = im->lon[i], y = im->lat[i];
        buf_puts(&im->geometry, points ? ",[" : "[");
        put_coord(&im->geometry, x);
        buf_putc(&im->geometry, ',');
        put_coord(&im->geometry, y);
        buf_putc(&im->geometry, ']');
        points++;
        minx = fmin(minx, x);
        miny = fmin(miny, y);
        maxx = fmax(maxx, x);
        maxy = fmax(maxy, y);
    }
    buf_putc(&im->geometry, ']');
    if (points < 2) {
        im->rep->incomplete++;
        return 0;
    }
    int rc = store_feature(im, w->id, rc_->layer, rc_->highway, w->tags, w->ntags, rc_->minzoom,
                           minx, miny, maxx, maxy, err);
    if (!rc)
        im->rep->roads++;
    return rc;
}

/* One read of the whole file with `h`. */
static int pass(struct import *im, const char *path, int n, const struct pbf_handlers *h,
                struct bh_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bh_fail(err, BH_EIO, "file", "%s: cannot open: %s", path, strerror(errno));
    im->pass = n;
    int rc = pbf_read(f, im->rep->name, h, err);
    fclose(f);
    return rc;
}

static int hash_file(const char *path, char out[65], uint64_t *size, struct bh_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bh_fail(err, BH_EIO, "file", "%s: cannot open: %s", path, strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536];
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        crypto_hash_sha256_update(&st, buf, n);
        *size += n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return bh_fail(err, BH_EIO, "file", "%s: cannot read: %s", path, strerror(errno));
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
    return 0;
}

static int write_extent(struct import *im, struct bh_error *err)
{
    struct basemap_import_report *rep = im->rep;
    bool found = false;
    int64_t old = 0;
    int rc = db_exec_params(im->db, "SELECT id FROM basemap_extent WHERE name = ?",
                            DB_PARAMS(DB_TEXT(rep->name)), &old, &found, err);
    if (!rc && found) {
        rep->replaced = true;
        rc = db_exec_params(im->db, "DELETE FROM basemap_feature WHERE extent_id = ?",
                            DB_PARAMS(DB_INT(old)), NULL, NULL, err);
        if (!rc)
            rc = db_exec_params(im->db, "DELETE FROM basemap_extent WHERE id = ?",
                                DB_PARAMS(DB_INT(old)), NULL, NULL, err);
    }
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(im->db,
                            "INSERT INTO basemap_extent (name, west, south, east, north, "
                            "imported_at, roads, places, source_sha256) "
                            "VALUES (?, 0, 0, 0, 0, ?, 0, 0, ?)",
                            DB_PARAMS(DB_TEXT(rep->name), DB_TEXT(now), DB_TEXT(rep->sha256)), NULL,
                            NULL, err);
    if (!rc)
        im->extent = db_last_insert_rowid(im->db);
    return rc;
}

static int finish_extent(struct import *im, struct bh_error *err)
{
    struct basemap_import_report *rep = im->rep;
    if (im->header.has_bbox) {
        rep->west = im->header.west;
        rep->south = im->header.south;
        rep->east = im->header.east;
        rep->north = im->header.north;
    } else if (rep->roads + rep->places > 0) {
        rep->west = im->minx;
        rep->south = im->miny;
        rep->east = im->maxx;
        rep->north = im->maxy;
    }
    return db_exec_params(im->db,
                          "UPDATE basemap_extent SET west = ?, south = ?, east = ?, north = ?, "
                          "roads = ?, places = ? WHERE id = ?",
                          DB_PARAMS(DB_DOUBLE(rep->west), DB_DOUBLE(rep->south),
                                    DB_DOUBLE(rep->east), DB_DOUBLE(rep->north), DB_INT(rep->roads),
                                    DB_INT(rep->places), DB_INT(im->extent)),
                          NULL, NULL, err);
}

int basemap_import_osm(struct db *db, const struct principal *who, const char *path,
                       basemap_progress_fn progress, void *ctx, struct basemap_import_report *rep,
                       struct bh_error *err)
{
    memset(rep, 0, sizeof *rep);
    const char *base = strrchr(path, '/');
    snprintf(rep->name, sizeof rep->name, "%s", base ? base + 1 : path);
    struct import im = {
        .db = db,
        .rep = rep,
        .progress = progress,
        .progress_ctx = ctx,
        .minx = INFINITY,
        .miny = INFINITY,
        .maxx = -INFINITY,
        .maxy = -INFINITY,
        .geometry = BUF_INIT,
    };
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return bh_fail(err, BH_EINVALID, "file",
                       "%s: not a regular file (the import reads the file three times)", path);
    int rc = hash_file(path, rep->sha256, &im.size, err);
    if (rc)
        return rc;

    /* Pass 1 reads nothing into the store: a file that is no PBF at all fails before the
     * transaction begins. */
    struct pbf_handlers h1 = {
        .ctx = &im,
        .want_ways = true,
        .header = on_header,
        .way = need_nodes,
        .progress = on_progress,
    };
    rc = pass(&im, path, 1, &h1, err);
    if (!rc) {
        qsort(im.ids, im.nids, sizeof *im.ids, cmp_id);
        size_t u = 0;
        for (size_t i = 0; i < im.nids; i++)
            if (u == 0 || im.ids[i] != im.ids[u - 1])
                im.ids[u++] = im.ids[i];
        im.nids = u;
        im.lat = xmalloc((u ? u : 1) * sizeof *im.lat);
        im.lon = xmalloc((u ? u : 1) * sizeof *im.lon);
        for (size_t i = 0; i < u; i++)
            im.lat[i] = im.lon[i] = NAN;
        rc = db_begin(db, err);
        if (!rc) {
            rc = write_extent(&im, err);
            if (!rc)
                rc = db_prepare(db, insert_sql, &im.insert, err);
            struct pbf_handlers h2 = {
                .ctx = &im, .want_nodes = true, .node = on_node, .progress = on_progress
            };
            struct pbf_handlers h3 = {
                .ctx = &im, .want_ways = true, .way = on_way, .progress = on_progress
            };
            if (!rc)
                rc = pass(&im, path, 2, &h2, err);
            if (!rc)
                rc = pass(&im, path, 3, &h3, err);
            db_stmt_done(im.insert);
            if (!rc)
                rc = finish_extent(&im, err);
            if (!rc) {
                json_t *summary =
                    json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "file", rep->name, "sha256",
                              rep->sha256, "replaced", rep->replaced, "roads",
                              (json_int_t)rep->roads, "places", (json_int_t)rep->places, "skipped",
                              (json_int_t)rep->skipped, "incomplete", (json_int_t)rep->incomplete);
                rc = audit_append(db, who, "basemap.import", "basemap_extent", rep->name, summary,
                                  err);
                json_decref(summary);
            }
            if (!rc)
                rc = db_commit(db, err);
            if (rc)
                db_rollback(db);
        }
    }
    free(im.ids);
    free(im.lat);
    free(im.lon);
    buf_cleanup(&im.geometry);
    return rc;
}

/* ---- reading back ------------------------------------------------------------------------ */

int basemap_extents_json(struct db *db, json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, name, west, south, east, north, roads, places, imported_at, "
                        "source_sha256 FROM basemap_extent ORDER BY name",
                        &st, err);
    if (rc)
        return rc;
    json_t *list = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t roads = db_column_int(st, 6), places = db_column_int(st, 7);
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:[f,f,f,f], s:I, s:I, s:I, s:s, s:s}", "id",
                      (json_int_t)db_column_int(st, 0), "name", db_column_text(st, 1), "bbox",
                      db_column_double(st, 2), db_column_double(st, 3), db_column_double(st, 4),
                      db_column_double(st, 5), "features", (json_int_t)(roads + places), "roads",
                      (json_int_t)roads, "places", (json_int_t)places, "imported_at",
                      db_column_text(st, 8), "sha256", db_column_text(st, 9)));
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "extents", list);
    return 0;
}

int basemap_tile_parse(const char *z_text, const char *x_text, const char *y_text, int *z, int *x,
                       int *y, struct bh_error *err)
{
    const char *texts[3] = { z_text, x_text, y_text };
    const char *names[3] = { "z", "x", "y" };
    long v[3];
    for (int i = 0; i < 3; i++) {
        const char *s = texts[i] ? texts[i] : "";
        char *end = (char *)s;
        errno = 0;
        v[i] = (s[0] >= '0' && s[0] <= '9') ? strtol(s, &end, 10) : -1;
        bool ok = v[i] >= 0 && errno == 0 && end - s <= 9 &&
                  (i == 2 ? strcmp(end, ".geojson") == 0 : *end == '\0');
        long max = i == 0 ? BASEMAP_ZOOM_MAX : (1L << v[0]) - 1;
        if (!ok || v[i] > max) {
            if (i == 0)
                return bh_fail(err, BH_EINVALID, "z", "z must be a whole number from 0 to %d",
                               BASEMAP_ZOOM_MAX);
            return bh_fail(err, BH_EINVALID, names[i],
                           "%s must be a whole number from 0 to %ld at zoom %ld", names[i], max,
                           v[0]);
        }
    }
    *z = (int)v[0];
    *x = (int)v[1];
    *y = (int)v[2];
    return 0;
}

static double tile_lon(int x, int z)
{
    return (double)x / (double)(1L << z) * 360.0 - 180.0;
}

static double tile_lat(int y, int z)
{
    double n = M_PI * (1.0 - 2.0 * (double)y / (double)(1L << z));
    return atan(sinh(n)) * 180.0 / M_PI;
}

struct pt {
    double x, y;
};

/* The stored coordinates "[[x,y],...]" back into points; false when the text is not that
 * shape (never, for what the import wrote). */
static bool parse_line(const char *s, struct pt **pts, size_t *n, size_t *cap)
{
    *n = 0;
    const char *p = s;
    if (*p++ != '[')
        return false;
    while (*p == '[') {
        char *end;
        double x = strtod(p + 1, &end);
        if (*end != ',')
            return false;
        double y = strtod(end + 1, &end);
        if (*end != ']')
            return false;
        p = end + 1;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *pts = xrealloc(*pts, *cap * sizeof **pts);
        }
        (*pts)[(*n)++] = (struct pt){ x, y };
        if (*p == ',')
            p++;
    }
    return *p == ']';
}

static double seg_dist2(struct pt p, struct pt a, struct pt b)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

/* Douglas-Peucker: marks in `keep` the points that stay for a tolerance of `tol` degrees. An
 * explicit stack: a long way would otherwise recurse once per point. */
static void simplify(const struct pt *pts, size_t n, double tol, bool *keep, size_t *stack)
{
    for (size_t i = 0; i < n; i++)
        keep[i] = false;
    keep[0] = keep[n - 1] = true;
    size_t top = 0;
    stack[top++] = 0;
    stack[top++] = n - 1;
    double tol2 = tol * tol;
    while (top) {
        size_t b = stack[--top], a = stack[--top];
        double worst = 0;
        size_t at = 0;
        for (size_t i = a + 1; i < b; i++) {
            double d = seg_dist2(pts[i], pts[a], pts[b]);
            if (d > worst)
                worst = d, at = i;
        }
        if (at && worst > tol2) {
            keep[at] = true;
            stack[top++] = a;
            stack[top++] = at;
            stack[top++] = at;
            stack[top++] = b;
        }
    }
}

static void put_string(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    buf_put_json_escaped(b, s);
    buf_putc(b, '"');
}

int basemap_tile_geojson(struct db *db, int z, int x, int y, struct buf *out, struct bh_error *err)
{
    double west = tile_lon(x, z), east = tile_lon(x + 1, z);
    double north = tile_lat(y, z), south = tile_lat(y + 1, z);
    /* A pixel of this zoom in degrees of longitude: the simplification's tolerance, and the
     * decimals worth sending. */
    double pixel = 360.0 / (double)(1L << z) / 256.0;
    int decimals = z < 13 ? 5 : z < 17 ? 6 : 7;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, layer, kind, name, name_fr, name_en, geometry FROM "
                        "basemap_feature WHERE miny <= ? AND maxy >= ? AND minx <= ? AND maxx >= "
                        "? AND minzoom <= ? ORDER BY minzoom, id LIMIT ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_double(st, 1, north);
    db_bind_double(st, 2, south);
    db_bind_double(st, 3, east);
    db_bind_double(st, 4, west);
    db_bind_int(st, 5, z);
    db_bind_int(st, 6, BASEMAP_TILE_MAX);
    buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":[");
    struct pt *pts = NULL;
    bool *keep = NULL;
    size_t *stack = NULL;
    size_t n = 0, cap = 0, keep_cap = 0;
    bool first = true;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *layer = db_column_text(st, 1);
        const char *geometry = db_column_text(st, 6);
        bool point = strcmp(layer, "place") == 0;
        if (!point && !parse_line(geometry, &pts, &n, &cap))
            continue;
        buf_puts(out, first ? "" : ",");
        first = false;
        long long id = (long long)db_column_int(st, 0);
        buf_printf(out, "{\"type\":\"Feature\",\"id\":%lld,\"properties\":{\"id\":%lld,", id, id);
        buf_puts(out, "\"layer\":");
        put_string(out, layer);
        buf_puts(out, ",\"kind\":");
        put_string(out, db_column_text(st, 2));
        static const char *const names[] = { "name", "name:fr", "name:en" };
        for (int k = 0; k < 3; k++) {
            const char *v = db_column_text(st, 3 + k);
            if (!v)
                continue;
            buf_printf(out, ",\"%s\":", names[k]);
            put_string(out, v);
        }
        if (point) {
            buf_printf(out, "},\"geometry\":{\"type\":\"Point\",\"coordinates\":%s}}", geometry);
            continue;
        }
        if (n > keep_cap) {
            keep_cap = cap;
            keep = xrealloc(keep, keep_cap * sizeof *keep);
            stack = xrealloc(stack, 4 * keep_cap * sizeof *stack);
        }
        simplify(pts, n, pixel, keep, stack);
        buf_puts(out, "},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if (!keep[i])
                continue;
            buf_printf(out, "%s[%.*f,%.*f]", any ? "," : "", decimals, pts[i].x, decimals,
                       pts[i].y);
            any = true;
        }
        buf_puts(out, "]}}");
    }
    db_stmt_done(st);
    free(pts);
    free(keep);
    free(stack);
    if (rc < 0)
        return rc;
    buf_puts(out, "]}");
    return 0;
}
