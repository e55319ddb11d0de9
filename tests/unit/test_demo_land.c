/* Demo incidents on land (src/incident/demo_land.h): every incident `bluehelm demo` makes lies
 * inside the Natural Earth outline of its mission's host country, read here from the shared
 * data itself (boundaries/ne_110m_admin_0_countries.geojson), not from the generated copy the
 * program carries: a copy that drifted from its source, a host without an outline, or a
 * placement that lets a point into the sea or across a border each fail here. */
#include "support.h"

#include "db/db.h"
#include "incident/demo.h"
#include "incident/demo_land.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BH_SHARED_DATA
#define BH_SHARED_DATA ""
#endif
#define COUNTRIES_GEOJSON BH_SHARED_DATA "/boundaries/ne_110m_admin_0_countries.geojson"

static json_t *countries;

static int setup(void **state)
{
    (void)state;
    test_require_path(COUNTRIES_GEOJSON, "Natural Earth's country outlines");
    json_error_t err;
    countries = json_load_file(COUNTRIES_GEOJSON, 0, &err);
    if (!countries) {
        print_error("cannot parse %s line %d: %s\n", COUNTRIES_GEOJSON, err.line, err.text);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(countries);
    return 0;
}

/* The feature of `iso3` as the mission table spells it: Natural Earth writes -99 for codes ISO
 * lacks (then ADM0_A3) and calls Kosovo KOS where the table says XKX. */
static json_t *feature_of(const char *iso3)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(countries, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        const char *code = json_string_value(json_object_get(p, "ISO_A3"));
        if (!code || strcmp(code, "-99") == 0)
            code = json_string_value(json_object_get(p, "ADM0_A3"));
        if (code && strcmp(code, "KOS") == 0)
            code = "XKX";
        if (code && strcmp(code, iso3) == 0)
            return f;
    }
    return NULL;
}

/* Even-odd over the rings of a ring list ([[lon, lat], ...], ...). */
static void crossings(json_t *rings, double lat, double lon, bool *c)
{
    size_t k;
    json_t *ring;
    json_array_foreach(rings, k, ring)
    {
        size_t n = json_array_size(ring);
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            json_t *a = json_array_get(ring, i), *b = json_array_get(ring, j);
            double xi = json_number_value(json_array_get(a, 0));
            double yi = json_number_value(json_array_get(a, 1));
            double xj = json_number_value(json_array_get(b, 0));
            double yj = json_number_value(json_array_get(b, 1));
            if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
                *c = !*c;
        }
    }
}

static bool in_country(json_t *feature, double lat, double lon)
{
    json_t *g = json_object_get(feature, "geometry");
    const char *type = json_string_value(json_object_get(g, "type"));
    json_t *coords = json_object_get(g, "coordinates");
    bool c = false;
    if (type && strcmp(type, "Polygon") == 0)
        crossings(coords, lat, lon, &c);
    else if (type && strcmp(type, "MultiPolygon") == 0) {
        size_t i;
        json_t *poly;
        json_array_foreach(coords, i, poly) crossings(poly, lat, lon, &c);
    }
    return c;
}

static struct db *seeded(const char *name)
{
    struct db *db = test_db_migrated(name, NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    int added;
    must(org_seed(db, &cli, &added, &err), &err, "org_seed");
    return db;
}

/* demo/on-land: 20,000 rows of two seeds, each inside its mission's host country as Natural
 * Earth draws it, over every mission the demo uses; and the demo still uses missions whose
 * HQ lies outside the coarse outline (harbour cities), placed inland. */
static void demo_on_land(void **state)
{
    (void)state;
    struct db *db = seeded("demo_land");
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    struct incident_demo_report rep;
    must(incident_demo_load(db, &cli, 10000, 7, false, NULL, NULL, &rep, &err), &err, "demo 7");
    must(incident_demo_load(db, &cli, 10000, 8, false, NULL, NULL, &rep, &err), &err, "demo 8");
    struct db_stmt *st;
    must(db_prepare(db,
                    "SELECT i.source_ref, i.mission, m.host_iso3, i.latitude, i.longitude, "
                    "m.hq_lat, m.hq_lon FROM incident i JOIN mission m ON m.acronym = i.mission "
                    "ORDER BY i.n",
                    &st, &err),
         &err, "prepare");
    int rows = 0, outside = 0, coastal_hq = 0;
    char seen[256][8];
    int nseen = 0;
    while (db_step(st, &err) == DB_ROW) {
        rows++;
        const char *host = db_column_text(st, 2);
        double lat = db_column_double(st, 3), lon = db_column_double(st, 4);
        json_t *f = feature_of(host);
        if (!f)
            fail_msg("%s (%s): the host %s has no Natural Earth outline", db_column_text(st, 0),
                     db_column_text(st, 1), host);
        if (!in_country(f, lat, lon)) {
            if (outside++ < 10)
                print_error("%s (%s): (%.6f, %.6f) is not inside %s\n", db_column_text(st, 0),
                            db_column_text(st, 1), lat, lon, host);
        }
        /* The missions whose HQ the outline leaves out, once each. */
        const char *acr = db_column_text(st, 1);
        bool known = false;
        for (int k = 0; k < nseen && !known; k++)
            known = strcmp(seen[k], acr) == 0;
        if (!known && nseen < 256) {
            snprintf(seen[nseen++], sizeof seen[0], "%.7s", acr);
            if (!in_country(f, db_column_double(st, 5), db_column_double(st, 6)))
                coastal_hq++;
        }
    }
    db_stmt_done(st);
    db_close(db);
    assert_int_equal(rows, 20000);
    if (outside)
        fail_msg("%d of %d demo incidents lie outside their mission's host country", outside, rows);
    assert_true(nseen > 40);
    if (!coastal_hq)
        fail_msg("no mission with an HQ outside the outline was used: the test proves less");
}

/* demo/land-outlines: the generated outlines agree with the source: each host's inside point
 * is inside the published polygon, and a point far out at sea is in no country. */
static void demo_land_outlines(void **state)
{
    (void)state;
    static const char *const hosts[] = { "MLI", "LBN", "CYP", "XKX", "HTI", "TLS",
                                         "IDN", "SSD", "ESH", "PSE", "COD" };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        double lat, lon;
        assert_true(demo_land_inside_point(hosts[i], &lat, &lon));
        assert_true(demo_land_contains(hosts[i], lat, lon));
        json_t *f = feature_of(hosts[i]);
        assert_non_null(f);
        if (!in_country(f, lat, lon))
            fail_msg("%s: the generated inside point (%f, %f) is outside the source", hosts[i], lat,
                     lon);
    }
    /* The Gulf of Guinea is no country's land. */
    assert_false(demo_land_contains("COD", 0.0, 0.0));
    assert_false(demo_land_contains("ATA", 0.0, 0.0));
    assert_false(demo_land_known("ZZZ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("demo/on-land", demo_on_land),
        BH_TEST("demo/land-outlines", demo_land_outlines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
