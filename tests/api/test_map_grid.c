/* The map's counts per grid cell over HTTP: GET /api/v1/incidents/grid and
 * /api/v1/events/grid on the real server. The reply's shape, `cell` and `zoom` (400 naming
 * the parameter for every bad one, and the list's 400s for its filters), 401 for nobody, and
 * what each reader counts: a member's cells hold only what that member may read, so FRA's
 * count at Gao is one less than the secretariat's (BRA's AMBER+STRICT incident), and every
 * reader's total is their list's total. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"
#include "event/event.h"
#include "incident/incident.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct test_server server;
static struct test_session admin, fra, bra;

static const struct test_incident incidents[] = {
    { "juba-1", "UNMISS", "2024-06-01T08:00:00Z", 4.85, 31.6, "Patrol ambushed near Juba.", "FRA",
      "GREEN", NULL },
    { "gao-bra", "MINUSMA", "2024-05-20T08:00:00Z", 16.3, -0.1, "Mine strike, BRA convoy.", "BRA",
      "AMBER+STRICT", NULL },
    { "gao-3", "MINUSMA", "2024-05-10T08:00:00Z", 16.28, -0.05, "IED, convoy, Gao road.", "FRA",
      "GREEN", "submitted" },
    { "gao-2", "MINUSMA", "2024-04-10T08:00:00Z", 16.27, -0.04, "Mortar fire on the Gao camp.",
      "FRA", "GREEN", NULL },
    { "gao-1", "MINUSMA", "2024-03-10T08:00:00Z", 16.26, -0.03, "Rocket near Gao, 2 hurt.", "FRA",
      "CLEAR", NULL },
    { "fiji", "UNMISS", "2023-06-01T08:00:00Z", -17.0, 179.9, "Exercise.", "BRA", "GREEN", NULL },
};
#define NINC (sizeof incidents / sizeof incidents[0])

static void fill(const char *store)
{
    struct db *db = test_db_open(store, 0);
    test_insert_incidents(db, incidents, NINC);
    test_map_events(db);
    db_close(db);
}

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &fra, NULL, NULL },
    { "bra.analyst", "BRA", "analyst", NULL, &bra, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_map_grid", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    char *store = test_world_store(&world);
    fill(store);
    test_server_start(&server, store, NULL);
    free(store);
    test_world_sign_in(&world, server.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    return 0;
}

/* The count of the cell of `g` that holds (lat, lon), 0 when no cell does. */
static long long count_at(json_t *g, double lat, double lon)
{
    double cell = json_number_value(json_object_get(g, "cell"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(g, "cells"), i, c)
    {
        double clat = json_number_value(json_object_get(c, "lat"));
        double clon = json_number_value(json_object_get(c, "lon"));
        if (fabs(clat - lat) <= cell / 2 && fabs(clon - lon) <= cell / 2)
            return json_integer_value(json_object_get(c, "count"));
    }
    return 0;
}

/* The grid's total, checked against the sum of its cells and the list's total for the same
 * filters (`query`, "" or "&mission=..."). */
static long long grid_total(const struct test_session *u, const char *layer, const char *query,
                            json_t **out)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/%s/grid?cell=1%s", layer, query);
    json_t *g = test_get_json(server.port, u->headers, path, 200);
    long long sum = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(g, "cells"), i, c)
    {
        assert_int_equal(json_object_size(c), 5);
        sum += json_integer_value(json_object_get(c, "count"));
    }
    long long total = json_integer_value(json_object_get(g, "total"));
    assert_int_equal(sum, total);
    snprintf(path, sizeof path, "/api/v1/%s?limit=1%s", layer, query);
    json_t *l = test_get_json(server.port, u->headers, path, 200);
    assert_int_equal(json_integer_value(json_object_get(l, "total")), total);
    json_decref(l);
    if (out)
        *out = g;
    else
        json_decref(g);
    return total;
}

/* api/map-grid-shape: {"cell","cells","total","capped"}; each cell its centre, count and the
 * mean of its points; fullest first; `zoom` picks the cell, 360 / 2^(zoom + 2). */
static void api_map_grid_shape(void **state)
{
    (void)state;
    json_t *g = NULL;
    assert_int_equal(grid_total(&admin, "incidents", "", &g), (long long)NINC);
    assert_int_equal(json_object_size(g), 4);
    assert_true(json_number_value(json_object_get(g, "cell")) == 1.0);
    assert_true(json_is_false(json_object_get(g, "capped")));
    json_t *cells = json_object_get(g, "cells");
    assert_int_equal(json_array_size(cells), 3);
    json_t *gao = json_array_get(cells, 0);
    assert_int_equal(json_integer_value(json_object_get(gao, "count")), 4);
    assert_true(json_number_value(json_object_get(gao, "lat")) == 16.5);
    assert_true(json_number_value(json_object_get(gao, "lon")) == -0.5);
    /* The mean of 16.3, 16.28, 16.27, 16.26 and of -0.1, -0.05, -0.04, -0.03. */
    assert_true(fabs(json_number_value(json_object_get(gao, "lat_mean")) - 16.2775) < 1e-6);
    assert_true(fabs(json_number_value(json_object_get(gao, "lon_mean")) + 0.055) < 1e-6);
    assert_int_equal(count_at(g, -17.0, 179.9), 1);
    json_decref(g);

    g = test_get_json(server.port, admin.headers, "/api/v1/incidents/grid?zoom=3", 200);
    assert_true(json_number_value(json_object_get(g, "cell")) == 11.25);
    assert_int_equal(json_integer_value(json_object_get(g, "total")), (long long)NINC);
    json_decref(g);
    g = test_get_json(server.port, admin.headers, "/api/v1/incidents/grid", 200);
    assert_true(json_number_value(json_object_get(g, "cell")) == 22.5);
    json_decref(g);
    /* Filters as the list takes them. */
    assert_int_equal(grid_total(&admin, "incidents", "&mission=MINUSMA&from=2024-04-01", NULL), 3);
    assert_int_equal(grid_total(&admin, "events", "", NULL), 2);
}

/* api/map-grid-readers: FRA may not read BRA's AMBER+STRICT incident, so FRA's Gao cell holds
 * one less than the secretariat's and BRA's; each reader's total is their list's. */
static void api_map_grid_readers(void **state)
{
    (void)state;
    json_t *ga = NULL, *gf = NULL, *gb = NULL;
    long long ta = grid_total(&admin, "incidents", "", &ga);
    long long tf = grid_total(&fra, "incidents", "", &gf);
    long long tb = grid_total(&bra, "incidents", "", &gb);
    assert_int_equal(count_at(ga, 16.3, -0.1), 4);
    assert_int_equal(count_at(gf, 16.3, -0.1), 3);
    assert_true(tf < ta);
    /* BRA reads its own AMBER+STRICT one and FRA's GREEN and CLEAR ones: all of them. */
    assert_int_equal(tb, ta);
    assert_int_equal(count_at(gb, 16.3, -0.1), 4);
    json_decref(ga);
    json_decref(gf);
    json_decref(gb);
    /* The same question asked again (now from the cache) gives the same answer per reader. */
    assert_int_equal(grid_total(&fra, "incidents", "", NULL), tf);
    assert_int_equal(grid_total(&admin, "incidents", "", NULL), ta);
}

/* api/map-grid-bad: every bad cell or zoom is 400 naming it; the list's filters are refused
 * as the list refuses them; nobody signed in is 401. */
static void api_map_grid_bad(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } bad[] = {
        { "/api/v1/incidents/grid?cell=0", "cell" },
        { "/api/v1/incidents/grid?cell=0.001", "cell" },
        { "/api/v1/incidents/grid?cell=46", "cell" },
        { "/api/v1/incidents/grid?cell=-1", "cell" },
        { "/api/v1/incidents/grid?cell=abc", "cell" },
        { "/api/v1/incidents/grid?cell=", "cell" },
        { "/api/v1/incidents/grid?cell=nan", "cell" },
        { "/api/v1/events/grid?cell=90", "cell" },
        { "/api/v1/incidents/grid?zoom=21", "zoom" },
        { "/api/v1/incidents/grid?zoom=-1", "zoom" },
        { "/api/v1/incidents/grid?zoom=x", "zoom" },
        { "/api/v1/incidents/grid?bbox=1,2,3", "bbox" },
        { "/api/v1/incidents/grid?mission=ATLANTIS", "mission" },
        { "/api/v1/events/grid?status=endorsed", "status" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        test_call(server.port, fra.headers, "GET", bad[i].path, NULL, &r);
        if (r.status != 400)
            fail_msg("%s: expected 400, got %d: %s", bad[i].path, r.status, r.body);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    struct test_response r;
    test_call(server.port, NULL, "GET", "/api/v1/incidents/grid?cell=1", NULL, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/map-grid-shape", api_map_grid_shape),
        BH_TEST("api/map-grid-readers", api_map_grid_readers),
        BH_TEST("api/map-grid-bad", api_map_grid_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
