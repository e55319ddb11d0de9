/* GET /api/v1/basemap/extents and /api/v1/basemap/local/{z}/{x}/{y}.geojson over the real
 * Monaco extract (shared data osm/monaco.osm.pbf) imported with the CLI: the extent, the tile
 * over the port holding Boulevard Albert 1er, a tile elsewhere empty, the zooms' classes, gzip,
 * signed-in readers only, and 400s naming z, x or y. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MONACO         BH_SHARED_DATA "/osm/monaco.osm.pbf"
#define ADMIN_PASSWORD "basemap-local-admin-1"
/* The z14 tile over the port of Monaco (7.4195-7.4415 E, 43.7301-43.7460 N). */
#define PORT_TILE "/api/v1/basemap/local/14/8529/5974.geojson"

static struct test_server server;
/* The seeded admin, and two readers of other organizations and roles: OSM data is the same for
 * every signed-in reader. */
static struct test_session admin, fra_reporter, nor_analyst;
/* FRA and UNMISS come with the seeded store; NOR is added. */
static const char *const orgs[] = { "NOR" };
static const struct test_user users[] = {
    { "fra.reporter", "FRA", "reporter", NULL, &fra_reporter, NULL, NULL },
    { "nor.analyst", "NOR", "analyst", NULL, &nor_analyst, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_basemap_local",
    .password = ADMIN_PASSWORD,
    .seeded = 1,
    TEST_ORGS(orgs),
    TEST_USERS(users),
};

static int setup(void **state)
{
    (void)state;
    if (access(MONACO, R_OK) != 0) {
        fprintf(stderr, "skipped: %s is absent\n", MONACO);
        exit(TEST_SKIP);
    }
    char *store = test_world_store(&world);
    struct test_run r = test_cli_import(store, "basemap", MONACO, NULL, NULL);
    assert_status(r, 0);
    test_run_free(&r);
    test_server_start(&server, store, NULL);
    test_world_sign_in(&world, server.port);
    test_sign_in(server.port, "admin", ADMIN_PASSWORD, &admin, NULL);
    free(store);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    return 0;
}

/* The features of a tile, checked to be a FeatureCollection (the caller decrefs). */
static json_t *tile(const char *path)
{
    json_t *j = test_get_json(server.port, admin.headers, path, 200);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "FeatureCollection");
    assert_true(json_is_array(json_object_get(j, "features")));
    return j;
}

/* How many features of `fc` have property `key` equal to `value`. */
static size_t count_with(json_t *fc, const char *key, const char *value)
{
    size_t i, n = 0;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        const char *v = json_string_value(json_object_get(json_object_get(f, "properties"), key));
        if (v && strcmp(v, value) == 0)
            n++;
    }
    return n;
}

/* api/basemap-local-extents: the one imported extent with its header's box and its count. */
static void extents(void **state)
{
    (void)state;
    json_t *j = test_get_json(server.port, admin.headers, "/api/v1/basemap/extents", 200);
    json_t *list = json_object_get(j, "extents");
    assert_int_equal(json_array_size(list), 1);
    json_t *e = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(e, "name")), "monaco.osm.pbf");
    assert_int_equal(json_integer_value(json_object_get(e, "features")), 2932);
    json_t *bbox = json_object_get(e, "bbox");
    assert_int_equal(json_array_size(bbox), 4);
    const double want[4] = { 7.349, 43.71, 7.491, 43.77 };
    for (size_t i = 0; i < 4; i++) {
        double got = json_real_value(json_array_get(bbox, i));
        if (got < want[i] - 1e-9 || got > want[i] + 1e-9)
            fail_msg("bbox[%zu] is %.9f, expected %.9f", i, got, want[i]);
    }
    assert_non_null(json_string_value(json_object_get(e, "imported_at")));
    json_decref(j);
}

/* api/basemap-local-tile-port: the z14 tile over the port holds Boulevard Albert 1er as lines
 * of the road_major layer with coordinates inside the tile's neighbourhood, and La Condamine;
 * service roads (minzoom 15) are not in it, and are in a z16 tile of the same place. */
static void tile_port(void **state)
{
    (void)state;
    json_t *fc = tile(PORT_TILE);
    assert_true(count_with(fc, "name", "Boulevard Albert 1er") >= 1);
    assert_int_equal(count_with(fc, "name", "La Condamine"), 1);
    assert_int_equal(count_with(fc, "kind", "service"), 0);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        const char *name = json_string_value(json_object_get(p, "name"));
        if (!name || strcmp(name, "Boulevard Albert 1er") != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(p, "layer")), "road_major");
        json_t *g = json_object_get(f, "geometry");
        assert_string_equal(json_string_value(json_object_get(g, "type")), "LineString");
        json_t *c0 = json_array_get(json_object_get(g, "coordinates"), 0);
        double lon = json_real_value(json_array_get(c0, 0));
        double lat = json_real_value(json_array_get(c0, 1));
        if (lon < 7.42 || lon > 7.43 || lat < 43.73 || lat > 43.74)
            fail_msg("Boulevard Albert 1er starts at %.7f, %.7f", lon, lat);
    }
    json_decref(fc);
    /* The port at zoom 16, where service roads are drawn. */
    fc = tile("/api/v1/basemap/local/16/34119/23897.geojson");
    assert_true(count_with(fc, "kind", "service") > 0);
    json_decref(fc);
}

/* api/basemap-local-tile-zoom10: at zoom 10 only the major roads and the cities and towns. */
static void tile_zoom10(void **state)
{
    (void)state;
    json_t *fc = tile("/api/v1/basemap/local/10/533/373.geojson");
    size_t total = json_array_size(json_object_get(fc, "features"));
    size_t major = count_with(fc, "layer", "road_major");
    size_t city = count_with(fc, "kind", "city"), town = count_with(fc, "kind", "town");
    assert_true(major > 0);
    assert_int_equal(city, 1);
    assert_int_equal(total, major + city + town);
    json_decref(fc);
}

/* api/basemap-local-tile-elsewhere: a tile over Paris, outside the extent, is empty. */
static void tile_elsewhere(void **state)
{
    (void)state;
    json_t *fc = tile("/api/v1/basemap/local/14/8298/5637.geojson");
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 0);
    json_decref(fc);
}

/* api/basemap-local-gzip: sent gzip-compressed to a client that takes it. */
static void gzip(void **state)
{
    (void)state;
    char headers[512];
    snprintf(headers, sizeof headers, "%sAccept-Encoding: gzip\r\n", admin.headers);
    struct test_response r;
    test_http(server.port, "GET", PORT_TILE, headers, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-encoding", "gzip");
    assert_header(&r, "content-type", "application/geo+json");
    test_response_free(&r);
}

/* api/basemap-local-signed-in-only: both routes are 401 without credentials. */
static void signed_in_only(void **state)
{
    (void)state;
    const char *paths[] = { "/api/v1/basemap/extents", PORT_TILE };
    for (size_t i = 0; i < 2; i++) {
        struct test_response r;
        test_http(server.port, "GET", paths[i], NULL, NULL, 0, &r);
        assert_problem(&r, 401, NULL);
        test_response_free(&r);
    }
}

/* api/basemap-local-every-reader: a reporter of FRA and an analyst of NOR get the admin's
 * extents and tile, byte for byte: no record of anyone's is in them. */
static void every_reader(void **state)
{
    (void)state;
    const char *paths[] = { "/api/v1/basemap/extents", PORT_TILE };
    const struct test_session *readers[] = { &fra_reporter, &nor_analyst };
    for (size_t i = 0; i < 2; i++) {
        struct test_response want;
        test_http(server.port, "GET", paths[i], admin.headers, NULL, 0, &want);
        assert_int_equal(want.status, 200);
        for (size_t k = 0; k < 2; k++) {
            struct test_response got;
            test_http(server.port, "GET", paths[i], readers[k]->headers, NULL, 0, &got);
            assert_int_equal(got.status, 200);
            assert_string_equal(got.body, want.body);
            test_response_free(&got);
        }
        test_response_free(&want);
    }
}

/* api/basemap-local-bad-tile: each wrong part named. */
static void bad_tile(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } cases[] = {
        { "/api/v1/basemap/local/23/0/0.geojson", "z" },
        { "/api/v1/basemap/local/x/0/0.geojson", "z" },
        { "/api/v1/basemap/local/14/16384/5974.geojson", "x" },
        { "/api/v1/basemap/local/14/-1/5974.geojson", "x" },
        { "/api/v1/basemap/local/14/8529/16384.geojson", "y" },
        { "/api/v1/basemap/local/14/8529/5974.json", "y" },
        { "/api/v1/basemap/local/14/8529/5974", "y" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_http(server.port, "GET", cases[i].path, admin.headers, NULL, 0, &r);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/basemap-local-extents", extents),
        BH_TEST("api/basemap-local-tile-port", tile_port),
        BH_TEST("api/basemap-local-tile-zoom10", tile_zoom10),
        BH_TEST("api/basemap-local-tile-elsewhere", tile_elsewhere),
        BH_TEST("api/basemap-local-gzip", gzip),
        BH_TEST("api/basemap-local-signed-in-only", signed_in_only),
        BH_TEST("api/basemap-local-every-reader", every_reader),
        BH_TEST("api/basemap-local-bad-tile", bad_tile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
