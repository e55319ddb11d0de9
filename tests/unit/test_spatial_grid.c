/* Counts per grid cell (src/spatial/grid.c) against an oracle: the records a reader may see
 * are the ids their list returns, page by page, and a plain SQL GROUP BY over those rows, with
 * the cell computed the same way (floor from -90 and -180), must give the same cells, counts
 * and mean positions. Checked for an admin, members of three organizations (one in the
 * owner's sharing group), an auditor and an anonymous reader, with and without filters; the
 * sum of the cells against the list's exact total; points on the antimeridian and the poles;
 * the bad cell sizes; the cap on cells (total still exact, past the lists' bound); and the
 * process-wide cache, which must give the new count once the store has a new audit entry. */
#include "support.h"

#include "audit/audit.h"
#include "db/db.h"
#include "event/event.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "sharing/sharing.h"
#include "spatial/spatial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static char *store_path;

enum { FRA, BRA, GHA, DPO, NORGS };
static const char *const org_codes[NORGS] = { "FRA", "BRA", "GHA", "DPO" };
static int64_t org_id[NORGS];
static int64_t group_id; /* FRA's sharing group: FRA, GHA */

static void user(int org, enum role role, struct principal *p)
{
    test_principal(p, 100 + org * 10 + (int64_t)role, org_id[org], org_codes[org], role, "%s.%s",
                   org_codes[org], role_name(role));
}

static int serial;

static void insert(const char *mission, const char *when, double lat, double lon, const char *type,
                   const char *status, int owner, const char *tlp)
{
    struct bh_error err;
    char id[32];
    snprintf(id, sizeof id, "grid-%d", ++serial);
    struct incident_row r = {
        .id = id,
        .mission = mission,
        .occurred_at = when,
        .occurred_precision = "exact",
        .reported_at = when,
        .latitude = lat,
        .longitude = lon,
        .location_precision = "exact",
        .threat_type = type,
        .target = "convoy",
        .activity = "patrolling",
        .narrative = "Grid fixture.",
        .status = status,
        .owner_org_id = org_id[owner],
        .reporter = "fixture",
        .tlp = tlp,
        .sharing_group_id = strcmp(tlp, "AMBER") == 0 ? group_id : 0,
        .source = "member",
    };
    must(incident_store_insert(db, &r, NULL, NULL, &err), &err, id);
}

/* A mission and the place its incidents scatter around. */
static const struct {
    const char *mission;
    double lat, lon;
} places[] = {
    { "MINUSMA", 16.3, -0.1 },
    { "UNMISS", 4.9, 31.6 },
    { "MONUSCO", -1.7, 29.2 },
};

static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
static const char *const statuses[] = { "draft", "submitted", "endorsed", "returned" };

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("spatial_grid", &store_path, org_codes, NORGS, DPO, org_id);
    struct bh_error err;
    struct principal coord;
    user(FRA, ROLE_COORDINATOR, &coord);
    const char *members[] = { "GHA" };
    must(sharing_group_create(db, &coord, "FRA and friends", "", members, 1, &group_id, &err), &err,
         "group");
    /* 600 incidents around three missions, every owner, marking and status, over three years;
     * AMBER only for FRA (the only owner with a group). */
    for (int i = 0; i < 600; i++) {
        int p = i % 3, owner = (i / 3) % 3;
        const char *tlp = tlps[(i / 9) % 5];
        if (strcmp(tlp, "AMBER") == 0 && owner != FRA)
            tlp = "GREEN";
        char when[40];
        snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:00:00Z", 2022 + i % 3, 1 + i % 12,
                 1 + i % 28, i % 24);
        /* A scatter of a few degrees, spread over several cells of 1 and 0.5 degrees. */
        double lat = places[p].lat + fmod(i * 0.731, 5.0) - 2.5;
        double lon = places[p].lon + fmod(i * 1.137, 6.0) - 3.0;
        insert(places[p].mission, when, lat, lon, i % 4 == 0 ? "indirect_fire" : "ied",
               statuses[(i / 2) % 4], owner, tlp);
    }
    /* The edges: both sides of the antimeridian and on it, the poles. */
    insert("UNMISS", "2023-06-01T08:00:00Z", -17.0, 179.99, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-01T09:00:00Z", -17.0, 180.0, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-02T08:00:00Z", -16.5, -179.99, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-02T09:00:00Z", -16.5, -180.0, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-03T08:00:00Z", 90.0, 10.0, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-03T09:00:00Z", 89.99, 10.0, "ied", "endorsed", FRA, "GREEN");
    insert("UNMISS", "2023-06-04T08:00:00Z", -90.0, -10.0, "ied", "endorsed", FRA, "CLEAR");
    insert("UNMISS", "2023-06-04T09:00:00Z", 90.0, 180.0, "ied", "endorsed", FRA, "CLEAR");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    free(store_path);
    return 0;
}

static void filter_of(struct spatial_filter *f, const char *const *filters)
{
    struct bh_error err;
    spatial_filter_init(f);
    for (int i = 0; filters && filters[i]; i += 2)
        must(spatial_filter_set(f, filters[i], filters[i + 1], &err), &err, filters[i]);
}

/* Fills the temp table `seen` with the ids `who`'s list returns for the filters; returns the
 * list's total (checked to be exact and equal to the number of ids). */
static int64_t list_into_seen(const struct principal *who, const struct spatial_layer *layer,
                              const struct spatial_filter *f)
{
    struct bh_error err;
    test_exec(db, "CREATE TEMP TABLE IF NOT EXISTS seen(id TEXT PRIMARY KEY); DELETE FROM seen");
    char after[SPATIAL_CURSOR_MAX] = "", next[SPATIAL_CURSOR_MAX];
    int64_t total = -1, rows = 0;
    do {
        json_t *items = json_array();
        must(spatial_list(db, who, layer, f, after, 500, items, next, &total, &err), &err,
             "spatial_list");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            must(db_exec_params(db, "INSERT INTO seen(id) VALUES (?)",
                                DB_PARAMS(DB_TEXT(json_string_value(json_object_get(it, "id")))),
                                NULL, NULL, &err),
                 &err, "seen");
            rows++;
        }
        json_decref(items);
        snprintf(after, sizeof after, "%s", next);
    } while (next[0]);
    assert_true(total <= SPATIAL_TOTAL_BOUND);
    assert_int_equal(total, rows);
    return total;
}

/* One cell: its row and column from -90 and -180, its count and the mean of its points. */
struct cell_line {
    long gy, gx;
    long long count;
    double lat_mean, lon_mean;
};

struct cells {
    struct cell_line *v;
    size_t n;
};

/* The oracle: the cells in (gy, gx) order, from a plain GROUP BY over the rows in `seen`. */
static struct cells oracle(const struct spatial_layer *layer, double cell)
{
    struct bh_error err;
    char sql[1024];
    long rows = (long)ceil(180 / cell), cols = (long)ceil(360 / cell);
    snprintf(sql, sizeof sql,
             "SELECT min(CAST(floor((t.latitude + 90) / ?1) AS INTEGER), %ld) AS gy, "
             "min(CAST(floor((t.longitude + 180) / ?1) AS INTEGER), %ld) AS gx, count(*), "
             "avg(t.latitude), avg(t.longitude) FROM %s t JOIN seen s ON s.id = t.id "
             "GROUP BY gy, gx ORDER BY gy, gx",
             rows - 1, cols - 1, layer->table);
    struct db_stmt *st;
    must(db_prepare(db, sql, &st, &err), &err, "oracle");
    db_bind_double(st, 1, cell);
    struct cells out = { NULL, 0 };
    while (db_step(st, &err) == DB_ROW) {
        out.v = realloc(out.v, (out.n + 1) * sizeof *out.v);
        out.v[out.n++] = (struct cell_line){ (long)db_column_int(st, 0), (long)db_column_int(st, 1),
                                             db_column_int(st, 2), db_column_double(st, 3),
                                             db_column_double(st, 4) };
    }
    db_stmt_done(st);
    return out;
}

static int by_place(const void *a, const void *b)
{
    const struct cell_line *x = a, *y = b;
    return x->gy != y->gy ? (x->gy > y->gy) - (x->gy < y->gy) : (x->gx > y->gx) - (x->gx < y->gx);
}

/* The grid reply in the oracle's form; checks on the way that the cells are fullest first,
 * every mean lies in its cell, and total is their sum. */
static struct cells grid_cells(const json_t *g, double cell, int64_t *total)
{
    json_t *cells = json_object_get(g, "cells");
    size_t n = json_array_size(cells);
    struct cell_line *v = calloc(n ? n : 1, sizeof *v);
    long rows = (long)ceil(180 / cell), cols = (long)ceil(360 / cell);
    long long sum = 0, prev = -1;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(cells, i);
        double lat = json_number_value(json_object_get(c, "lat"));
        double lon = json_number_value(json_object_get(c, "lon"));
        v[i].gy = fmin(rows - 1, floor((lat + 90) / cell));
        v[i].gx = fmin(cols - 1, floor((lon + 180) / cell));
        v[i].count = json_integer_value(json_object_get(c, "count"));
        v[i].lat_mean = json_number_value(json_object_get(c, "lat_mean"));
        v[i].lon_mean = json_number_value(json_object_get(c, "lon_mean"));
        assert_true(v[i].count > 0);
        if (prev >= 0)
            assert_true(v[i].count <= prev);
        prev = v[i].count;
        /* The mean is inside the cell (its edges included). */
        assert_true(v[i].lat_mean >= -90 + v[i].gy * cell - 1e-6);
        assert_true(v[i].lat_mean <= -90 + (v[i].gy + 1) * cell + 1e-6);
        assert_true(v[i].lon_mean >= -180 + v[i].gx * cell - 1e-6);
        assert_true(v[i].lon_mean <= -180 + (v[i].gx + 1) * cell + 1e-6);
        sum += v[i].count;
    }
    qsort(v, n, sizeof *v, by_place);
    assert_false(json_is_true(json_object_get(g, "capped")));
    assert_int_equal(json_integer_value(json_object_get(g, "total")), sum);
    assert_true(fabs(json_number_value(json_object_get(g, "cell")) - cell) < 1e-12);
    *total = (int64_t)sum;
    return (struct cells){ v, n };
}

/* The same cells, counts and means (the reply rounds them to a millionth of a degree). */
static void assert_cells_equal(const struct cells *got, const struct cells *want)
{
    if (got->n != want->n)
        fail_msg("%zu cells, the oracle has %zu", got->n, want->n);
    for (size_t i = 0; i < got->n; i++) {
        const struct cell_line *a = &got->v[i], *b = &want->v[i];
        if (a->gy != b->gy || a->gx != b->gx || a->count != b->count ||
            fabs(a->lat_mean - b->lat_mean) > 1e-6 || fabs(a->lon_mean - b->lon_mean) > 1e-6)
            fail_msg("cell %zu: (%ld, %ld) %lld at %.7f, %.7f; the oracle: (%ld, %ld) %lld at "
                     "%.7f, %.7f",
                     i, a->gy, a->gx, a->count, a->lat_mean, a->lon_mean, b->gy, b->gx, b->count,
                     b->lat_mean, b->lon_mean);
    }
}

/* The grid of `who` equals the oracle over what their list returns, and its total the list's;
 * returns that total. */
static int64_t check_reader(const struct principal *who, const struct spatial_layer *layer,
                            const char *const *filters, double cell)
{
    struct spatial_filter f;
    struct bh_error err;
    filter_of(&f, filters);
    int64_t list_total = list_into_seen(who, layer, &f);
    json_t *g = NULL;
    must(spatial_grid(db, who, layer, &f, cell, &g, &err), &err, "spatial_grid");
    int64_t grid_total = -1;
    struct cells got = grid_cells(g, cell, &grid_total);
    struct cells want = oracle(layer, cell);
    assert_cells_equal(&got, &want);
    assert_int_equal(grid_total, list_total);
    free(got.v);
    free(want.v);
    json_decref(g);
    return list_total;
}

static struct principal admin, fra, bra, gha, auditor, anon;

static void users(void)
{
    user(DPO, ROLE_ADMIN, &admin);
    user(FRA, ROLE_ANALYST, &fra);
    user(BRA, ROLE_ANALYST, &bra);
    user(GHA, ROLE_ANALYST, &gha);
    user(DPO, ROLE_AUDITOR, &auditor);
    principal_anonymous(&anon);
}

/* ---- the tests ---- */

/* spatial-grid/readers: for each reader, the cells are the GROUP BY of what their list holds,
 * at three cell sizes; readers see different totals (so a shared count would show), and the
 * admin sees every row. */
static void grid_readers(void **state)
{
    (void)state;
    users();
    const struct principal *readers[] = { &admin, &fra, &bra, &gha, &auditor, &anon };
    const double cells[] = { 1.0, 0.5, 22.5 };
    int64_t totals[6];
    for (size_t c = 0; c < 3; c++)
        for (size_t r = 0; r < 6; r++)
            totals[r] = check_reader(readers[r], &spatial_incidents, NULL, cells[c]);
    assert_int_equal(totals[0], test_query_int(db, "SELECT count(*) FROM incident"));
    /* FRA sees its own and the shared; BRA its own and the shared but not FRA's AMBER; the
     * anonymous reader less than any member. */
    assert_true(totals[1] != totals[2]);
    assert_true(totals[5] < totals[2]);
    assert_true(totals[5] < totals[1]);
    assert_true(totals[1] < totals[0]);
}

/* spatial-grid/filters: time range, mission, type, status and a box, alone and together. */
static void grid_filters(void **state)
{
    (void)state;
    users();
    const char *const *sets[] = {
        (const char *[]){ "from", "2023-01-01", "to", "2023-12-31", NULL },
        (const char *[]){ "mission", "MINUSMA", NULL },
        (const char *[]){ "type", "indirect_fire", NULL },
        (const char *[]){ "status", "endorsed,returned", NULL },
        (const char *[]){ "bbox", "25,-6,36,9", NULL },
        (const char *[]){ "mission", "UNMISS,MONUSCO", "type", "ied", "from", "2024-01-01", NULL },
        (const char *[]){ "bbox", "170,-20,-170,-10", NULL },
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        int64_t t = check_reader(&fra, &spatial_incidents, sets[s], 1.0);
        assert_true(t > 0);
        check_reader(&admin, &spatial_incidents, sets[s], 2.0);
        check_reader(&anon, &spatial_incidents, sets[s], 0.25);
    }
}

/* The cell of the grid reply `g` whose centre is at (lat, lon), within a millionth; NULL when
 * none is. */
static json_t *cell_at(json_t *g, double lat, double lon)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(g, "cells"), i, c)
    {
        if (fabs(json_number_value(json_object_get(c, "lat")) - lat) < 1e-6 &&
            fabs(json_number_value(json_object_get(c, "lon")) - lon) < 1e-6)
            return c;
    }
    return NULL;
}

/* spatial-grid/edges: a point at longitude 180 is in the last cell, with those just west of
 * the antimeridian, never in a cell past it or averaged with those just east (which are in
 * the first cell); latitude 90 in the last row, -90 in the first. */
static void grid_edges(void **state)
{
    (void)state;
    struct principal cli;
    principal_cli(&cli);
    struct spatial_filter f;
    struct bh_error err;
    filter_of(&f, (const char *[]){ "from", "2023-06-01", "to", "2023-06-04", NULL });
    json_t *g = NULL;
    must(spatial_grid(db, &cli, &spatial_incidents, &f, 1.0, &g, &err), &err, "grid");
    assert_int_equal(json_integer_value(json_object_get(g, "total")), 8);
    json_t *east = cell_at(g, -16.5, 179.5), *west = cell_at(g, -16.5, -179.5);
    assert_non_null(east);
    assert_non_null(west);
    assert_int_equal(json_integer_value(json_object_get(east, "count")), 2);
    assert_true(json_number_value(json_object_get(east, "lon_mean")) > 179.9);
    assert_int_equal(json_integer_value(json_object_get(west, "count")), 2);
    assert_true(json_number_value(json_object_get(west, "lon_mean")) < -179.9);
    json_t *north = cell_at(g, 89.5, 10.5);
    assert_non_null(north);
    assert_int_equal(json_integer_value(json_object_get(north, "count")), 2);
    json_t *corner = cell_at(g, 89.5, 179.5);
    assert_non_null(corner);
    assert_int_equal(json_integer_value(json_object_get(corner, "count")), 1);
    json_t *south = cell_at(g, -89.5, -9.5);
    assert_non_null(south);
    assert_int_equal(json_integer_value(json_object_get(south, "count")), 1);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(g, "cells"), i, c)
    {
        assert_true(fabs(json_number_value(json_object_get(c, "lat"))) < 90);
        assert_true(fabs(json_number_value(json_object_get(c, "lon"))) < 180);
    }
    json_decref(g);
    /* The same with a cell that does not divide 180 or 360 (the last row and column are
     * partial), against the oracle. */
    check_reader(&cli, &spatial_incidents,
                 (const char *[]){ "from", "2023-06-01", "to", "2023-06-04", NULL }, 0.7);
    check_reader(&cli, &spatial_incidents,
                 (const char *[]){ "from", "2023-06-01", "to", "2023-06-04", NULL }, 45);
}

/* spatial-grid/bad-cell: sizes out of 0.01..45, and text that is no number, are refused
 * naming "cell"; nothing is returned. */
static void grid_bad_cell(void **state)
{
    (void)state;
    users();
    struct spatial_filter f;
    filter_of(&f, NULL);
    const double bad[] = { 0, 0.009, -1, 45.01, 360, NAN, INFINITY };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct bh_error err;
        json_t *g = (json_t *)1;
        assert_int_equal(spatial_grid(db, &fra, &spatial_incidents, &f, bad[i], &g, &err),
                         BH_EINVALID);
        assert_null(g);
        assert_string_equal(err.field, "cell");
    }
    const char *text[] = { "", "abc", "1e3", "0.5x", "nan", "inf", "0.001", "-2" };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        struct bh_error err;
        double cell = -7;
        assert_int_equal(spatial_grid_cell_parse(text[i], &cell, &err), BH_EINVALID);
        assert_string_equal(err.field, "cell");
        assert_true(cell == -7);
    }
    struct bh_error err;
    double cell = 0;
    must(spatial_grid_cell_parse("0.01", &cell, &err), &err, "0.01");
    assert_true(cell == 0.01);
    must(spatial_grid_cell_parse("45", &cell, &err), &err, "45");
    assert_true(cell == 45);
    assert_true(spatial_grid_cell_for_zoom(0) == 45);
    assert_true(spatial_grid_cell_for_zoom(2) == 22.5);
    assert_true(spatial_grid_cell_for_zoom(20) == SPATIAL_GRID_CELL_MIN);
    /* A filter the layer does not take is still the list's error, naming it. */
    filter_of(&f, (const char *[]){ "status", "endorsed", NULL });
    json_t *g = NULL;
    assert_int_equal(spatial_grid(db, &fra, &spatial_events, &f, 1, &g, &err), BH_EINVALID);
    assert_string_equal(err.field, "status");
}

static int64_t grid_total(const struct principal *who, const struct spatial_filter *f, double cell)
{
    struct bh_error err;
    json_t *g = NULL;
    must(spatial_grid(db, who, &spatial_incidents, f, cell, &g, &err), &err, "grid");
    int64_t t = json_integer_value(json_object_get(g, "total"));
    json_decref(g);
    return t;
}

/* spatial-grid/cache-generation: a reply is kept until the store's newest audit entry
 * changes. A row written without one (which the platform never does) is not yet counted,
 * which shows the reply came from the cache; once an audit entry is appended, the count is
 * the new one. Writes no audit entry of its own for the read, whoever reads (admin). */
static void grid_cache_generation(void **state)
{
    (void)state;
    users();
    struct spatial_filter f;
    struct bh_error err;
    filter_of(&f, (const char *[]){ "mission", "MINUSMA", NULL });
    int64_t audits = test_query_int(db, "SELECT count(*) FROM audit_log");
    int64_t before = grid_total(&admin, &f, 3.0);
    assert_int_equal(grid_total(&admin, &f, 3.0), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audits);
    insert("MINUSMA", "2024-03-01T10:00:00Z", 16.0, 0.0, "ied", "endorsed", BRA, "RED");
    assert_int_equal(grid_total(&admin, &f, 3.0), before);
    struct principal cli;
    principal_cli(&cli);
    must(db_begin(db, &err), &err, "begin");
    must(audit_append(db, &cli, "test.write", "incident", NULL, NULL, &err), &err, "audit");
    must(db_commit(db, &err), &err, "commit");
    assert_int_equal(grid_total(&admin, &f, 3.0), before + 1);
    /* FRA may not read BRA's RED record: its count is its own, not the admin's. */
    check_reader(&fra, &spatial_incidents, (const char *[]){ "mission", "MINUSMA", NULL }, 3.0);
    check_reader(&admin, &spatial_incidents, (const char *[]){ "mission", "MINUSMA", NULL }, 3.0);
}

/* spatial-grid/events: the other layer, through the same query: context events per cell for
 * a member and the anonymous reader. */
static void grid_events(void **state)
{
    (void)state;
    users();
    struct bh_error err;
    const struct {
        const char *sid, *iso3, *tlp;
        double lat, lon;
        int owner;
    } ev[] = {
        { "1", "MLI", "GREEN", 14.5, -4.2, FRA },   { "2", "MLI", "GREEN", 14.6, -4.1, FRA },
        { "3", "SSD", "CLEAR", 6.2, 31.5, BRA },    { "4", "COD", "AMBER+STRICT", -1.6, 29.2, BRA },
        { "5", "FJI", "GREEN", -17.0, 179.9, FRA },
    };
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
        struct event_row e = {
            .source = "ucdp",
            .source_id = ev[i].sid,
            .occurred_at = "2023-03-01T00:00:00Z",
            .latitude = ev[i].lat,
            .longitude = ev[i].lon,
            .country_iso3 = ev[i].iso3,
            .threat_type = "ied",
            .source_type = "1",
            .actor1 = "A",
            .actor2 = "B",
            .fatalities = 1,
            .notes = "Grid fixture.",
            .owner_org_id = org_id[ev[i].owner],
            .tlp = ev[i].tlp,
        };
        must(event_store_upsert(db, &e, NULL, &err), &err, ev[i].sid);
    }
    assert_int_equal(check_reader(&fra, &spatial_events, NULL, 1.0), 4);
    check_reader(&bra, &spatial_events, NULL, 1.0);
    assert_true(check_reader(&anon, &spatial_events, NULL, 10.0) < 4);
}

/* spatial-grid/capped: more cells hold records than SPATIAL_GRID_MAX_CELLS: the fullest are
 * returned and the reply says "capped"; total still counts every match, exactly (past the
 * lists' bound of 10,000 too). */
static void grid_capped(void **state)
{
    (void)state;
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    const int n = SPATIAL_TOTAL_BOUND + 10;
    must(db_begin(db, &err), &err, "begin");
    /* One point per 0.01-degree cell, in rows of 100, and a second point in the first cell. */
    for (int i = 0; i < n; i++)
        insert("UNMIK", "2021-05-01T12:00:00Z", 40.005 + (i / 100) * 0.01,
               20.005 + (i % 100) * 0.01, "ied", "endorsed", FRA, "GREEN");
    insert("UNMIK", "2021-05-01T13:00:00Z", 40.006, 20.006, "ied", "endorsed", FRA, "GREEN");
    must(audit_append(db, &cli, "test.write", "incident", NULL, NULL, &err), &err, "audit");
    must(db_commit(db, &err), &err, "commit");
    struct spatial_filter f;
    filter_of(&f, (const char *[]){ "mission", "UNMIK", NULL });
    json_t *g = NULL;
    must(spatial_grid(db, &cli, &spatial_incidents, &f, 0.01, &g, &err), &err, "grid");
    assert_true(json_is_true(json_object_get(g, "capped")));
    assert_int_equal(json_integer_value(json_object_get(g, "total")), n + 1);
    json_t *cells = json_object_get(g, "cells");
    assert_int_equal(json_array_size(cells), SPATIAL_GRID_MAX_CELLS);
    /* The fullest first: the cell with two. */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(cells, 0), "count")), 2);
    json_decref(g);
    int64_t list_total = -1;
    must(spatial_count(db, &cli, &spatial_incidents, &f, &list_total, &err), &err, "count");
    assert_int_equal(list_total, SPATIAL_TOTAL_BOUND + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial-grid/readers", grid_readers),
        BH_TEST("spatial-grid/filters", grid_filters),
        BH_TEST("spatial-grid/edges", grid_edges),
        BH_TEST("spatial-grid/bad-cell", grid_bad_cell),
        BH_TEST("spatial-grid/cache-generation", grid_cache_generation),
        BH_TEST("spatial-grid/events", grid_events),
        BH_TEST("spatial-grid/capped", grid_capped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
