/* Counts per grid cell: what a map shows at low zoom. A page of points cannot say how many
 * records a continent holds (the map used to draw the newest 1,000 and add those up), so at
 * low zoom the map asks for counts instead: one GROUP BY over every match of the list's WHERE
 * (the same query, spatial__query_build, so the same sharing rule and filters), the cells
 * computed in SQL with floor(). Each cell says where its points are (their mean position),
 * so its bubble sits on them rather than on the cell's centre.
 *
 * The count visits every match (a million incidents: a pass over the table), so replies are
 * kept in a small cache shared by the whole process, keyed like the totals of total.c: the
 * SQL text and the values bound to it (among them the reader's organization and account, so
 * two readers share an entry only when they would count the same rows), and the store's
 * file. An entry holds while the store's generation is unchanged: the seq of the newest audit
 * entry, as for the public statistics (audit_latest in audit/audit.h says why). The
 * generation is read before the count, so a write that lands between the two can only make
 * an entry that is never hit, never a stale one that is.
 *
 * Audit: an admin's list of RED or AMBER+STRICT records is audited per list, because it shows
 * the records. A grid shows numbers per cell and no record, like the casualty statistics,
 * which do not audit (casualty/stats.c: "an aggregate is a read, one number at a time": what a
 * reader may count is exactly what they may read, so the sharing rule is applied here as for
 * the list). So a grid writes no audit entry, whoever reads it; the records behind a bubble
 * are audited when they are listed. */
#include "spatial/internal.h"

#include "audit/audit.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_CACHE 64

struct grid_entry {
    unsigned char key[16]; /* BLAKE2b of the store's path, the SQL text and the bound values */
    int64_t generation;    /* the newest audit entry when it was counted */
    json_t *reply;         /* owned; handed out as deep copies */
};

static struct {
    pthread_mutex_t lock;
    struct grid_entry v[GRID_CACHE];
    unsigned next;
} grid_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static json_t *cache_get(const unsigned char key[16], int64_t generation)
{
    json_t *copy = NULL;
    pthread_mutex_lock(&grid_cache.lock);
    for (int i = 0; i < GRID_CACHE && !copy; i++) {
        struct grid_entry *e = &grid_cache.v[i];
        if (e->reply && e->generation == generation && memcmp(e->key, key, 16) == 0)
            copy = json_deep_copy(e->reply);
    }
    pthread_mutex_unlock(&grid_cache.lock);
    return copy;
}

/* Keeps a copy of `reply` in place of the same query counted at another generation, or else
 * of the oldest entry. */
static void cache_put(const unsigned char key[16], int64_t generation, const json_t *reply)
{
    json_t *copy = json_deep_copy(reply);
    pthread_mutex_lock(&grid_cache.lock);
    struct grid_entry *slot = NULL;
    for (int i = 0; i < GRID_CACHE && !slot; i++)
        if (grid_cache.v[i].reply && memcmp(grid_cache.v[i].key, key, 16) == 0)
            slot = &grid_cache.v[i];
    if (!slot)
        slot = &grid_cache.v[grid_cache.next++ % GRID_CACHE];
    json_t *old = slot->reply;
    memcpy(slot->key, key, 16);
    slot->generation = generation;
    slot->reply = copy;
    pthread_mutex_unlock(&grid_cache.lock);
    json_decref(old);
}

double spatial_grid_cell_for_zoom(int zoom)
{
    if (zoom < 0)
        zoom = 0;
    if (zoom > SPATIAL_GRID_ZOOM_MAX)
        zoom = SPATIAL_GRID_ZOOM_MAX;
    double cell = 360.0 / ldexp(1.0, zoom + 2);
    return fmin(SPATIAL_GRID_CELL_MAX, fmax(SPATIAL_GRID_CELL_MIN, cell));
}

static int check_cell(double cell, struct bh_error *err)
{
    if (!(cell >= SPATIAL_GRID_CELL_MIN && cell <= SPATIAL_GRID_CELL_MAX))
        return bh_fail(err, BH_EINVALID, "cell", "cell must be from %g to %g degrees",
                       SPATIAL_GRID_CELL_MIN, SPATIAL_GRID_CELL_MAX);
    return 0;
}

int spatial_grid_cell_parse(const char *text, double *cell, struct bh_error *err)
{
    char *end = NULL;
    double v = text && *text ? strtod(text, &end) : NAN;
    if (!text || !*text || *end || !isfinite(v))
        return bh_fail(err, BH_EINVALID, "cell", "cell must be a number of degrees, from %g to %g",
                       SPATIAL_GRID_CELL_MIN, SPATIAL_GRID_CELL_MAX);
    if (check_cell(v, err))
        return BH_EINVALID;
    *cell = v;
    return 0;
}

/* Rounds for the reply: a millionth of a degree is about 10 cm. */
static double round6(double v)
{
    return round(v * 1e6) / 1e6;
}

/* One GROUP BY over the matches. A point on the last edge (latitude 90, longitude 180) falls
 * in the last cell rather than one past it; cells never wrap across the antimeridian, so a
 * cell's mean longitude is never the average of 179.9 and -179.9. */
static void grid_sql(const struct spatial__query *q, double cell, struct buf *sql)
{
    const char *a = q->layer->alias;
    long rows = (long)ceil(180.0 / cell), cols = (long)ceil(360.0 / cell);
    buf_printf(sql,
               "SELECT gy, gx, count(*), avg(lat), avg(lon) FROM (SELECT "
               "min(CAST(floor((%s.latitude + 90) / %.17g) AS INTEGER), %ld) AS gy, "
               "min(CAST(floor((%s.longitude + 180) / %.17g) AS INTEGER), %ld) AS gx, "
               "%s.latitude AS lat, %s.longitude AS lon FROM %s %s%s) "
               "GROUP BY gy, gx ORDER BY 3 DESC, gy, gx",
               a, cell, rows - 1, a, cell, cols - 1, a, a, q->layer->table, a,
               buf_str(&q->count_where));
}

static int grid_count(struct db *db, const struct spatial__query *q, const char *sql, double cell,
                      json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_params_bind(st, &q->params);
    json_t *cells = json_array();
    int64_t total = 0, n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t count = db_column_int(st, 2);
        total += count;
        if (n++ >= SPATIAL_GRID_MAX_CELLS)
            continue;
        double lat = -90 + ((double)db_column_int(st, 0) + 0.5) * cell;
        double lon = -180 + ((double)db_column_int(st, 1) + 0.5) * cell;
        json_array_append_new(cells,
                              json_pack("{s:f, s:f, s:I, s:f, s:f}", "lat", round6(fmin(90, lat)),
                                        "lon", round6(fmin(180, lon)), "count", (json_int_t)count,
                                        "lat_mean", round6(db_column_double(st, 3)), "lon_mean",
                                        round6(db_column_double(st, 4))));
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(cells);
        return rc;
    }
    *out = json_pack("{s:f, s:o, s:I, s:b}", "cell", cell, "cells", cells, "total",
                     (json_int_t)total, "capped", n > SPATIAL_GRID_MAX_CELLS);
    return 0;
}

int spatial_grid(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                 const struct spatial_filter *f, double cell, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = check_cell(cell, err);
    if (rc)
        return rc;
    struct spatial__query q;
    rc = spatial__query_build(db, who, layer, f, &q, err);
    struct buf sql = BUF_INIT;
    int64_t generation = 0;
    unsigned char key[16];
    if (!rc) {
        grid_sql(&q, cell, &sql);
        /* With the store's path: a process that opens two stores (the tests, a CLI command
         * next to a server) keeps them apart. */
        spatial__query_key(db_path(db), buf_str(&sql), &q, key);
        rc = audit_latest(db, &generation, err);
    }
    if (!rc && !(*out = cache_get(key, generation))) {
        rc = grid_count(db, &q, buf_str(&sql), cell, out, err);
        if (!rc)
            cache_put(key, generation, *out);
    }
    buf_cleanup(&sql);
    spatial__query_cleanup(&q);
    return rc;
}
