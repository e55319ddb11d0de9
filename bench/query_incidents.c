/* The bounding-box + time-range benchmark (bench/incidents, docs/benchmarks.md): the latency
 * of spatial_list() -- the query behind GET /api/v1/incidents?bbox=...&from=...&to=... -- on
 * a store, against the same matches counted by plain SQL without the R*Tree, through the same
 * visibility predicate (incident_predicate), on the same connection, each query run by both
 * sides in turn.
 *
 *   query_incidents STORE QUERIES SEED
 *
 * Each query is a 1 x 1 degree box around a random incident and the 90 days around its time,
 * so every query has matches, as a map view of a mission's area would. The reader is an
 * analyst of a member state (what a focal point sees: TLP:CLEAR and GREEN, and their own
 * organization's records). Prints, in seconds:
 *   spatial_list P50 P99 MEAN
 *   plain_sql P50 P99 MEAN
 *   matches MEAN MAX
 *   mismatches N
 * and exits 1 when the two sides' totals differ for any query. Links bluehelm_core. */
#include "base/buf.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "incident/incident.h"
#include "principal/principal.h"
#include "spatial/spatial.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    int p99 = (int)(0.99 * n + 0.5) - 1;
    printf("%s %.6f %.6f %.6f\n", name, t[n / 2], t[p99 < 0 ? 0 : p99], sum / n);
}

static void die(const char *what, const struct bh_error *err)
{
    fprintf(stderr, "query_incidents: %s: %s\n", what, err->message);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: query_incidents STORE QUERIES SEED\n");
        return 2;
    }
    int queries = atoi(argv[2]);
    rng ^= strtoull(argv[3], NULL, 10);
    struct bh_error err;
    struct db *db;
    if (db_open(&db, argv[1], DB_OPEN_READONLY, &err))
        die("open", &err);

    struct principal who;
    principal_anonymous(&who);
    who.account_id = 1 << 30; /* no RED record names it */
    who.role = ROLE_ANALYST;
    struct db_stmt *st;
    if (db_prepare(db, "SELECT id, code FROM org WHERE kind = 'member_state' ORDER BY code LIMIT 1",
                   &st, &err) ||
        db_step(st, &err) != DB_ROW)
        die("org", &err);
    who.org_id = db_column_int(st, 0);
    snprintf(who.org_code, sizeof who.org_code, "%s", db_column_text(st, 1));
    snprintf(who.username, sizeof who.username, "bench.analyst");
    db_stmt_done(st);

    int64_t max_n;
    if (db_query_int(db, "SELECT max(n) FROM incident", 0, &max_n, &err) || max_n < 1)
        die("the store has no incidents", &err);

    struct buf peer = BUF_INIT;
    struct db_params pred = DB_PARAMS_INIT;
    buf_puts(&peer, "SELECT count(*) FROM incident i WHERE ");
    incident_predicate(&who, "i", &peer, &pred);
    buf_puts(&peer, " AND i.longitude BETWEEN ? AND ? AND i.latitude BETWEEN ? AND ? AND "
                    "i.occurred_at >= ? AND i.occurred_at <= ?");

    double *ts = calloc((size_t)queries, sizeof *ts), *tp = calloc((size_t)queries, sizeof *tp);
    int64_t matches = 0, most = 0, mismatches = 0;
    for (int q = 0; q < queries; q++) {
        /* A random incident (row keys have no gaps unless rows were deleted: retry then). */
        double lat = 0, lon = 0;
        int64_t at = 0;
        for (;;) {
            if (db_prepare(db, "SELECT latitude, longitude, occurred_at FROM incident WHERE n = ?",
                           &st, &err))
                die("pick", &err);
            db_bind_int(st, 1, 1 + (int64_t)(next() % (uint64_t)max_n));
            int rc = db_step(st, &err);
            if (rc == DB_ROW) {
                lat = db_column_double(st, 0);
                lon = db_column_double(st, 1);
                time_parse_rfc3339(db_column_text(st, 2), &at, NULL, NULL);
            }
            db_stmt_done(st);
            if (rc == DB_ROW)
                break;
        }
        double w = lon - 0.5, e = lon + 0.5, s = lat - 0.5, n = lat + 0.5;
        if (w < -180)
            w = -180;
        if (e > 180)
            e = 180;
        if (s < -90)
            s = -90;
        if (n > 90)
            n = 90;
        /* Bounds one second off the minute, so no stored time equals one and the two sides
         * cannot disagree on inclusive ends. */
        char from[40], to[40], bbox[128];
        time_format_rfc3339(at - 45LL * 86400000 + 1000, 0, false, from);
        time_format_rfc3339(at + 45LL * 86400000 + 1000, 0, false, to);
        snprintf(bbox, sizeof bbox, "%.6f,%.6f,%.6f,%.6f", w, s, e, n);

        struct spatial_filter f;
        spatial_filter_init(&f);
        if (spatial_filter_set(&f, "bbox", bbox, &err) ||
            spatial_filter_set(&f, "from", from, &err) || spatial_filter_set(&f, "to", to, &err))
            die("filter", &err);

        int64_t total_s = -1, total_p = -1;
        for (int side = 0; side < 2; side++) {
            /* The sides take turns going first, so neither always finds the pages warm. */
            int which = (side + q) % 2;
            int64_t t0 = time_mono_us();
            if (which == 0) {
                json_t *items = json_array();
                char next_cursor[SPATIAL_CURSOR_MAX];
                if (spatial_list(db, &who, &spatial_incidents, &f, NULL, 50, items, next_cursor,
                                 &total_s, &err))
                    die("spatial_list", &err);
                json_decref(items);
                ts[q] = (double)(time_mono_us() - t0) / 1e6;
            } else {
                struct db_params p = DB_PARAMS_INIT;
                db_params_append(&p, &pred);
                db_params_double(&p, w);
                db_params_double(&p, e);
                db_params_double(&p, s);
                db_params_double(&p, n);
                db_params_text(&p, from);
                db_params_text(&p, to);
                if (db_prepare(db, buf_str(&peer), &st, &err))
                    die("peer", &err);
                if (db_params_bind(st, &p) <= 0 || db_step(st, &err) != DB_ROW)
                    die("peer", &err);
                db_params_cleanup(&p);
                total_p = db_column_int(st, 0);
                db_stmt_done(st);
                tp[q] = (double)(time_mono_us() - t0) / 1e6;
            }
        }
        if (total_s != total_p && mismatches++ < 5)
            fprintf(stderr,
                    "query_incidents: bbox=%s from=%s to=%s: spatial_list total %" PRId64
                    ", plain SQL %" PRId64 "\n",
                    bbox, from, to, total_s, total_p);
        matches += total_p;
        if (total_p > most)
            most = total_p;
    }
    report("spatial_list", ts, queries);
    report("plain_sql", tp, queries);
    printf("matches %.1f %" PRId64 "\n", (double)matches / queries, most);
    printf("mismatches %" PRId64 "\n", mismatches);
    free(ts);
    free(tp);
    buf_cleanup(&peer);
    db_params_cleanup(&pred);
    db_close(db);
    return mismatches ? 1 : 0;
}
