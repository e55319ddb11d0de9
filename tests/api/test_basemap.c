/* The offline base map over HTTP on the real server: GET /api/v1/basemap/{z}/{x}/{y}.geojson
 * serves the embedded Natural Earth pack (gzip as stored, or inflated), deep zooms read the
 * zoom 8 tile, bad coordinates are 400s naming the field, a revalidation is a 304; GET
 * /api/v1/basemap/missions.geojson lists the missions' headquarters from the store. Signed-in
 * users of any role, nobody else. */
#include "api_helpers.h"
#include "world.h"

#include "base/arena.h"
#include "base/mem.h"
#include "basemap/basemap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bambari river crossing 2024"

static struct test_server server;
static struct test_session admin, reporter;

static const char *const orgs[] = { "DPO", "FRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.reporter", "FRA", "reporter", NULL, &reporter, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_basemap", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* The web map's tile at zoom z holding (lat, lon). */
static void tile_of(double lat, double lon, int z, long *x, long *y)
{
    double n = (double)(1L << z);
    double r = lat * M_PI / 180.0;
    *x = (long)floor((lon + 180.0) / 360.0 * n);
    *y = (long)floor((1.0 - log(tan(r) + 1.0 / cos(r)) / M_PI) / 2.0 * n);
}

static void get(const struct test_session *u, const char *extra, const char *path,
                struct test_response *r)
{
    /* Sized to what it holds: a session's headers and an extra line of any length. */
    const char *a = u ? u->headers : "", *b = extra ? extra : "";
    char *headers = xmalloc(strlen(a) + strlen(b) + 1);
    strcpy(headers, a);
    strcat(headers, b);
    test_http(server.port, "GET", path, headers, NULL, 0, r);
    free(headers);
}

/* The tile's GeoJSON text, inflating it when it came gzip'ed. */
static char *tile_text(const struct test_response *r, struct arena *a)
{
    const char *ce = test_response_header(r, "content-encoding");
    if (!ce)
        return r->body;
    assert_string_equal(ce, "gzip");
    char *out;
    size_t len;
    struct bh_error err;
    if (basemap_inflate(r->body, r->body_len, a, &out, &len, &err))
        fail_msg("the gzip tile does not inflate: %s", err.message);
    return out;
}

/* basemap/bambari-zoom-10: the zoom 10 tile over Bambari (CAR) is the zoom 8 tile holding it,
 * and holds the place "Bambari" with its position, in both codings. */
static void basemap_bambari_zoom_10(void **state)
{
    (void)state;
    long x, y;
    tile_of(5.76, 20.68, 10, &x, &y);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/basemap/10/%ld/%ld.geojson", x, y);
    struct arena *a = arena_new(1 << 16);
    for (int gzip = 0; gzip < 2; gzip++) {
        struct test_response r;
        get(&reporter, gzip ? "Accept-Encoding: gzip, deflate\r\n" : NULL, path, &r);
        assert_int_equal(r.status, 200);
        const char *ce = test_response_header(&r, "content-encoding");
        if (gzip ? !ce || strcmp(ce, "gzip") != 0 : ce != NULL)
            fail_msg("Accept-Encoding %s: Content-Encoding %s", gzip ? "gzip" : "none",
                     ce ? ce : "(none)");
        assert_header(&r, "x-basemap-zoom", "8");
        assert_non_null(strstr(test_response_header(&r, "cache-control"), "max-age="));
        json_error_t jerr;
        json_t *fc = json_loads(tile_text(&r, a), 0, &jerr);
        if (!fc)
            fail_msg("%s: not JSON: %s", path, jerr.text);
        assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
        size_t i;
        json_t *f;
        int found = 0;
        json_array_foreach(json_object_get(fc, "features"), i, f)
        {
            json_t *p = json_object_get(f, "properties");
            assert_true(json_is_string(json_object_get(f, "id")));
            assert_true(json_is_string(json_object_get(p, "layer")));
            const char *name = json_string_value(json_object_get(p, "name"));
            if (name && strcmp(name, "Bambari") == 0 &&
                strcmp(json_string_value(json_object_get(p, "layer")), "place") == 0) {
                json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
                double lon = json_real_value(json_array_get(c, 0));
                double lat = json_real_value(json_array_get(c, 1));
                if (fabs(lon - 20.68) > 0.1 || fabs(lat - 5.76) > 0.1)
                    fail_msg("Bambari at %f, %f", lat, lon);
                found = 1;
            }
        }
        if (!found)
            fail_msg("%s (%s) has no place named Bambari", path, gzip ? "gzip" : "plain");
        json_decref(fc);
        test_response_free(&r);
    }
    arena_free(a);
}

/* basemap/world: the zoom 0 tile has land, coast and borders, and no line or ring that spans
 * more than 180 degrees of longitude (the antimeridian is cut, not crossed). */
static void basemap_world(void **state)
{
    (void)state;
    json_t *fc = test_get_json(server.port, admin.headers, "/api/v1/basemap/0/0/0.geojson", 200);
    size_t i;
    json_t *f;
    int land = 0, coast = 0, border = 0;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        const char *layer =
            json_string_value(json_object_get(json_object_get(f, "properties"), "layer"));
        land += strcmp(layer, "land") == 0;
        coast += strcmp(layer, "coast") == 0;
        border += strcmp(layer, "border") == 0;
        json_t *g = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(g, "type"));
        if (strcmp(type, "Point") == 0)
            continue;
        /* Every part's longitudes: a part is an array of [lon, lat]. */
        json_t *parts = json_object_get(g, "coordinates");
        json_t *flat = json_array();
        if (strcmp(type, "LineString") == 0) {
            json_array_append(flat, parts);
        } else {
            size_t j;
            json_t *p;
            json_array_foreach(parts, j, p)
            {
                if (strcmp(type, "MultiPolygon") == 0) {
                    size_t k;
                    json_t *ring;
                    json_array_foreach(p, k, ring) json_array_append(flat, ring);
                } else {
                    json_array_append(flat, p);
                }
            }
        }
        size_t j;
        json_t *part;
        json_array_foreach(flat, j, part)
        {
            double lo = 1e9, hi = -1e9;
            size_t k;
            json_t *pt;
            json_array_foreach(part, k, pt)
            {
                double lon = json_number_value(json_array_get(pt, 0));
                lo = lon < lo ? lon : lo;
                hi = lon > hi ? lon : hi;
            }
            if (hi - lo > 180 || lo < -180.5 || hi > 180.5)
                fail_msg("%s: a part spans %f to %f", json_string_value(json_object_get(f, "id")),
                         lo, hi);
        }
        json_decref(flat);
    }
    if (land < 100 || coast < 10 || border < 10)
        fail_msg("zoom 0 has %d land, %d coast, %d border features", land, coast, border);
    json_decref(fc);
}

/* basemap/bad-tile: a 400 naming the field for each bad z, x or y; nobody gets 401. */
static void basemap_bad_tile(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } bad[] = {
        { "/api/v1/basemap/31/0/0.geojson", "z" },  { "/api/v1/basemap/-1/0/0.geojson", "z" },
        { "/api/v1/basemap/a/0/0.geojson", "z" },   { "/api/v1/basemap/2/4/0.geojson", "x" },
        { "/api/v1/basemap/2/x/0.geojson", "x" },   { "/api/v1/basemap/2/0/4.geojson", "y" },
        { "/api/v1/basemap/2/0/1.png", "y" },       { "/api/v1/basemap/2/0/.geojson", "y" },
        { "/api/v1/basemap/2/0/1e0.geojson", "y" }, { "/api/v1/basemap/0/0/0", "y" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        get(&reporter, NULL, bad[i].path, &r);
        if (r.status != 400)
            fail_msg("%s: %d, not 400: %s", bad[i].path, r.status, r.body);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
    struct test_response r;
    get(NULL, NULL, "/api/v1/basemap/0/0/0.geojson", &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
    get(NULL, NULL, "/api/v1/basemap/missions.geojson", &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* basemap/etag: a tile and the mission sites revalidate to 304, in each coding; the gzip and
 * plain codings have different strong ETags. Open sea is an empty collection. */
static void basemap_etag(void **state)
{
    (void)state;
    const char *path = "/api/v1/basemap/5/17/15.geojson";
    char etags[2][128];
    for (int gzip = 0; gzip < 2; gzip++) {
        const char *ae = gzip ? "Accept-Encoding: gzip\r\n" : NULL;
        struct test_response r;
        get(&reporter, ae, path, &r);
        assert_int_equal(r.status, 200);
        const char *etag = test_response_header(&r, "etag");
        assert_non_null(etag);
        snprintf(etags[gzip], sizeof etags[gzip], "%s", etag);
        test_response_free(&r);
        char extra[512];
        snprintf(extra, sizeof extra, "%sIf-None-Match: %s\r\n", ae ? ae : "", etags[gzip]);
        get(&reporter, extra, path, &r);
        assert_int_equal(r.status, 304);
        assert_int_equal(r.body_len, 0);
        test_response_free(&r);
    }
    if (strcmp(etags[0], etags[1]) == 0)
        fail_msg("gzip and plain share the ETag %s", etags[0]);
    struct test_response r;
    get(&reporter, NULL, "/api/v1/basemap/missions.geojson", &r);
    assert_int_equal(r.status, 200);
    char extra[256];
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", test_response_header(&r, "etag"));
    test_response_free(&r);
    get(&reporter, extra, "/api/v1/basemap/missions.geojson", &r);
    assert_int_equal(r.status, 304);
    test_response_free(&r);

    /* Middle of the South Pacific at zoom 8: nothing there. */
    json_t *fc =
        test_get_json(server.port, reporter.headers, "/api/v1/basemap/8/10/150.geojson", 200);
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 0);
    json_decref(fc);
}

/* basemap/missions: every mission with a headquarters in the store, MINUSCA's at Bangui. */
static void basemap_missions_hq(void **state)
{
    (void)state;
    json_t *fc =
        test_get_json(server.port, reporter.headers, "/api/v1/basemap/missions.geojson", 200);
    size_t i;
    json_t *f;
    int minusca = 0;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        assert_string_equal(json_string_value(json_object_get(p, "layer")), "mission");
        if (strcmp(json_string_value(json_object_get(p, "acronym")), "MINUSCA") == 0) {
            json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
            double lon = json_number_value(json_array_get(c, 0));
            double lat = json_number_value(json_array_get(c, 1));
            if (fabs(lon - 18.56) > 0.2 || fabs(lat - 4.37) > 0.2)
                fail_msg("MINUSCA's HQ at %f, %f, not Bangui", lat, lon);
            assert_string_equal(json_string_value(json_object_get(f, "id")), "mission:MINUSCA");
            minusca = 1;
        }
    }
    if (!minusca || json_array_size(json_object_get(fc, "features")) < 10)
        fail_msg("%zu missions, MINUSCA %s", json_array_size(json_object_get(fc, "features")),
                 minusca ? "there" : "missing");
    json_decref(fc);
}

int main(void)
{
    test_world_use(&world, &server);
    const struct CMUnitTest tests[] = {
        BH_TEST("basemap/bambari-zoom-10", basemap_bambari_zoom_10),
        BH_TEST("basemap/world", basemap_world),
        BH_TEST("basemap/bad-tile", basemap_bad_tile),
        BH_TEST("basemap/etag", basemap_etag),
        BH_TEST("basemap/missions", basemap_missions_hq),
    };
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
