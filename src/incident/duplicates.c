/* Likely duplicates: two reports of one event, filed by two contingents or twice by one. The
 * rule (docs/incidents.md): same mission, same threat type, not merged, at most INCIDENT_DUP_KM
 * apart on the ground and INCIDENT_DUP_HOURS apart in occurred_at, and visible to the reader.
 * The R*Tree finds the candidates in a box around the incident; the exact great-circle
 * distance and time difference then decide. */
#include "incident/internal.h"

#include "base/buf.h"
#include "base/timeutil.h"
#include "sharing/sharing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Earth's mean radius (IUGG), the usual sphere for haversine distances. */
#define EARTH_KM 6371.0088
#define DEG      (M_PI / 180.0)

#define DUP_MAX 200 /* candidates listed; more would be a data problem, not duplicates */

double incident_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_KM * asin(fmin(1.0, sqrt(a)));
}

/* A candidate kept after the exact checks. */
struct dup {
    json_t *json;
    double km, hours;
    bool audited;
    char id[UUID_STR_LEN + 1];
};

static int by_distance(const void *a, const void *b)
{
    const struct dup *x = a, *y = b;
    return x->km < y->km ? -1 : x->km > y->km ? 1 : strcmp(x->id, y->id);
}

/* Finds the duplicates of `l` that `who` may see: their count in *count and, when `items` is
 * not NULL, their JSON (nearest first) appended to it. */
static int find(struct db *db, const struct principal *who, const struct incident__loaded *l,
                json_t *items, int64_t *count, struct bh_error *err)
{
    *count = 0;
    int64_t t0;
    struct bh_error perr;
    if (time_parse_rfc3339(l->occurred_at, &t0, NULL, &perr) != 0)
        return 0; /* never stored by a checked writer; such a row has no neighbours in time */
    const int64_t window = INCIDENT_DUP_HOURS * 3600000LL;
    char from[40], to[40];
    /* Text order is time order for the register's one time form; a second of slack covers
     * rows written with milliseconds, and the exact test below decides. */
    time_format_rfc3339(t0 - window - 1000, 0, false, from);
    time_format_rfc3339(t0 + window + 1000, 0, false, to);

    /* The box: a degree of latitude is the same everywhere; a degree of longitude shrinks
     * with the cosine of the latitude. 1% slack for rounding; near a pole or across the
     * antimeridian the box takes every longitude and the exact distance decides. */
    double dlat = INCIDENT_DUP_KM / (EARTH_KM * DEG) * 1.01;
    double c = cos(l->latitude * DEG);
    double west = -180, east = 180;
    if (c > 0.01) {
        double dlon = dlat / c;
        if (l->longitude - dlon >= -180 && l->longitude + dlon <= 180) {
            west = l->longitude - dlon;
            east = l->longitude + dlon;
        }
    }

    struct buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT " INCIDENT_COLUMNS " FROM incident_rtree r JOIN incident i ON i.n = r.n "
                   "JOIN org o ON o.id = i.owner_org_id WHERE r.min_lat <= ? AND r.max_lat >= ? "
                   "AND r.min_lon <= ? AND r.max_lon >= ? AND i.n <> ? AND i.mission = ? AND "
                   "i.threat_type = ? AND i.status <> 'merged' AND i.occurred_at >= ? AND "
                   "i.occurred_at <= ? AND ");
    struct db_params params = DB_PARAMS_INIT;
    db_params_double(&params, l->latitude + dlat);
    db_params_double(&params, l->latitude - dlat);
    db_params_double(&params, east);
    db_params_double(&params, west);
    db_params_int(&params, l->n);
    db_params_text(&params, l->mission);
    db_params_text(&params, l->threat_type);
    db_params_text(&params, from);
    db_params_text(&params, to);
    incident_predicate(who, "i", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;

    struct dup *found = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t t;
        if (time_parse_rfc3339(db_column_text(st, 3), &t, NULL, &perr) != 0)
            continue;
        double km = incident_haversine_km(l->latitude, l->longitude, db_column_double(st, 6),
                                          db_column_double(st, 7));
        double hours = (double)llabs(t - t0) / 3600000.0;
        if (km > INCIDENT_DUP_KM || hours > INCIDENT_DUP_HOURS)
            continue;
        (*count)++;
        if (!items || n == DUP_MAX)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            struct dup *grown = realloc(found, cap * sizeof *found);
            if (!grown)
                abort(); /* out of memory aborts (DESIGN.md) */
            found = grown;
        }
        struct dup *d = &found[n++];
        d->json = incident_row_json(st, 0);
        d->km = km;
        d->hours = hours;
        d->audited = incident__read_audited(who, db_column_text(st, 31));
        snprintf(d->id, sizeof d->id, "%s", db_column_text(st, 1));
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (n > 1)
        qsort(found, n, sizeof *found, by_distance);
    json_t *audited = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            json_object_set_new(found[i].json, "distance_km",
                                json_real(round(found[i].km * 1000) / 1000));
            json_object_set_new(found[i].json, "hours_apart",
                                json_real(round(found[i].hours * 100) / 100));
            json_array_append(items, found[i].json);
            if (found[i].audited)
                json_array_append_new(audited, json_string(found[i].id));
        }
        json_decref(found[i].json);
    }
    free(found);
    if (!rc && json_array_size(audited) > 0) {
        json_t *summary =
            json_pack("{s:s, s:s, s:O}", "via", "duplicates", "of", l->id, "ids", audited);
        rc = incident__audit_read(db, who, NULL, summary, err);
        json_decref(summary);
    }
    json_decref(audited);
    return rc;
}

int incident__duplicate_count(struct db *db, const struct principal *who,
                              const struct incident__loaded *l, int64_t *count,
                              struct bh_error *err)
{
    return find(db, who, l, NULL, count, err);
}

int incident_duplicates(struct db *db, const struct principal *who, const char *id, json_t *items,
                        struct bh_error *err)
{
    struct incident__loaded l;
    int rc = incident__load(db, who, id, "id", &l, err);
    if (rc)
        return rc;
    int64_t count;
    rc = find(db, who, &l, items, &count, err);
    incident__loaded_cleanup(&l);
    if (rc)
        json_array_clear(items);
    return rc;
}
