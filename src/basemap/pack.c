/* The embedded base map pack (basemap.h): one read-only in-memory SQLite connection over the
 * binary's own bytes, opened on first use and shared by every worker under a mutex. A tile is
 * one indexed row read and copied: microseconds, so the lock is never held for long, and one
 * connection spares each thread its own copy of the schema and page cache. */
#include "basemap/basemap.h"

#include "base/i18n.h"
#include "db/db.h"

#include <pthread.h>
#include <string.h>
#include <zlib.h>

extern const unsigned char bh_basemap_pack[];
extern const unsigned char bh_basemap_pack_end[];

static pthread_once_t pack_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pack_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *pack;
static struct bh_error pack_err; /* why the pack could not be opened, when it could not */

static void pack_open(void)
{
    size_t len = (size_t)(bh_basemap_pack_end - bh_basemap_pack);
    if (db_open_image(&pack, "the embedded base map", bh_basemap_pack, len, &pack_err))
        pack = NULL;
}

/* The connection, or the reason there is none (a broken build: the pack is checked by tests). */
static int pack_get(struct bh_error *err)
{
    pthread_once(&pack_once, pack_open);
    if (pack)
        return 0;
    return bh_fail(err, BH_ESTORE, NULL, "the base map is not available: %s", pack_err.message);
}

static int check(int64_t v, int64_t max, const char *field, struct bh_error *err)
{
    if (v < 0 || v > max)
        return bh_fail(err, BH_EINVALID, field, "%s must be a whole number from 0 to %lld", field,
                       (long long)max);
    return 0;
}

int basemap_tile(int64_t z, int64_t x, int64_t y, struct arena *a, char **gz, size_t *len,
                 int *served_z, struct bh_error *err)
{
    *gz = NULL;
    *len = 0;
    int rc = check(z, BASEMAP_MAX_ZOOM, "z", err);
    if (!rc)
        rc = check(x, ((int64_t)1 << z) - 1, "x", err);
    if (!rc)
        rc = check(y, ((int64_t)1 << z) - 1, "y", err);
    if (!rc)
        rc = pack_get(err);
    if (rc)
        return rc;
    if (z > BASEMAP_PACK_ZOOM) {
        x >>= z - BASEMAP_PACK_ZOOM;
        y >>= z - BASEMAP_PACK_ZOOM;
        z = BASEMAP_PACK_ZOOM;
    }
    *served_z = (int)z;
    /* MBTiles numbers rows from the south (TMS); the web numbers them from the north. */
    int64_t row = ((int64_t)1 << z) - 1 - y;
    pthread_mutex_lock(&pack_lock);
    struct db_stmt *st;
    rc = db_prepare(pack,
                    "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND "
                    "tile_row = ?",
                    &st, err);
    if (!rc) {
        db_bind_int(st, 1, z);
        db_bind_int(st, 2, x);
        db_bind_int(st, 3, row);
        rc = db_step(st, err);
        if (rc == DB_ROW) {
            size_t n;
            const void *p = db_column_blob(st, 0, &n);
            if (n) {
                *gz = arena_alloc(a, n);
                memcpy(*gz, p, n);
                *len = n;
            }
        }
        rc = rc < 0 ? rc : 0;
        db_stmt_done(st);
    }
    pthread_mutex_unlock(&pack_lock);
    return rc;
}

int basemap_metadata(const char *name, struct arena *a, char **out, struct bh_error *err)
{
    *out = NULL;
    int rc = pack_get(err);
    if (rc)
        return rc;
    pthread_mutex_lock(&pack_lock);
    struct db_stmt *st;
    rc = db_prepare(pack, "SELECT value FROM metadata WHERE name = ?", &st, err);
    if (!rc) {
        db_bind_text(st, 1, name);
        rc = db_step(st, err);
        if (rc == DB_ROW && db_column_text(st, 0))
            *out = arena_strdup(a, db_column_text(st, 0));
        rc = rc < 0 ? rc : 0;
        db_stmt_done(st);
    }
    pthread_mutex_unlock(&pack_lock);
    return rc;
}

int basemap_inflate(const char *gz, size_t len, struct arena *a, char **out, size_t *out_len,
                    struct bh_error *err)
{
    *out = NULL;
    *out_len = 0;
    /* gzip's trailer ends with the plain size (mod 2^32; a tile is far smaller). */
    if (len < 18 || len > 0x7fffffffu)
        return bh_fail(err, BH_ESTORE, NULL, "a base map tile is not gzip data");
    const unsigned char *t = (const unsigned char *)gz + len - 4;
    size_t size = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    char *buf = arena_alloc(a, size + 1);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return bh_fail(err, BH_ENOMEM, NULL, "cannot inflate a base map tile");
    z.next_in = (unsigned char *)gz;
    z.avail_in = (uInt)len;
    z.next_out = (unsigned char *)buf;
    z.avail_out = (uInt)(size + 1);
    int zr = inflate(&z, Z_FINISH);
    size_t got = z.total_out;
    inflateEnd(&z);
    if (zr != Z_STREAM_END || got != size)
        return bh_fail(err, BH_ESTORE, NULL, "a base map tile is not valid gzip data");
    buf[size] = '\0';
    *out = buf;
    *out_len = size;
    return 0;
}
