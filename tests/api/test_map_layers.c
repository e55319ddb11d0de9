/* The map layers over HTTP on the real server: GET /api/v1/incidents and /api/v1/events with
 * their filters ({"items","next","total"}, pages by cursor), the .geojson and .csv files of
 * the same matches, who may call what (401 for nobody, 403 for a file without
 * record.export), what each reader sees and counts, and a 400 naming the parameter for every
 * bad one. The rows are written into the store before the server starts, straight through
 * incident_store_insert() and event_store_upsert(). */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"
#include "event/event.h"
#include "incident/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct test_server server;
static struct test_session admin, fra, bra, reporter;

/* Incidents, newest first: a Gao cluster (FRA's, one of them BRA's AMBER+STRICT, one of them
 * submitted, the rest endorsed), Juba. */
static const struct test_incident incidents[] = {
    { "juba-1", "UNMISS", "2024-06-01T08:00:00Z", 4.85, 31.6, "Patrol ambushed near Juba.", "FRA",
      "GREEN", NULL },
    { "gao-bra", "MINUSMA", "2024-05-20T08:00:00Z", 16.3, -0.1, "Mine strike, BRA convoy.", "BRA",
      "AMBER+STRICT", NULL },
    { "gao-3", "MINUSMA", "2024-05-10T08:00:00Z", 16.28, -0.05, "IED, convoy, Gao road.", "FRA",
      "GREEN", "submitted" },
    { "gao-2", "MINUSMA", "2024-04-10T08:00:00Z", 16.27, -0.04, "Mortar fire on the Gao camp.",
      "FRA", "GREEN", NULL },
    { "gao-1", "MINUSMA", "2024-03-10T08:00:00Z", 16.26, -0.03, "Rocket near \"Gao\", 2 hurt.",
      "FRA", "CLEAR", NULL },
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
    { "fra.reporter", "FRA", "reporter", NULL, &reporter, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_map_layers", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
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

static void get(const struct test_session *u, const char *path, struct test_response *r)
{
    test_call(server.port, u ? u->headers : NULL, "GET", path, NULL, r);
}

/* The ids of every match, walking the pages by their `next` cursor, as "a,b,c"; checks that
 * every page says the same total and that the pages hold that many items. */
static const char *ids(const struct test_session *u, const char *path)
{
    static char out[2048];
    char url[1024];
    out[0] = '\0';
    snprintf(url, sizeof url, "%s", path);
    long long total = -1, seen = 0;
    for (int pages = 0; pages < 50; pages++) {
        json_t *j = test_get_json(server.port, u->headers, url, 200);
        assert_int_equal(json_object_size(j), 4);
        /* Below 10,000 matches the total is exact (spatial/total.c). */
        assert_true(json_is_true(json_object_get(j, "total_exact")));
        long long t = json_integer_value(json_object_get(j, "total"));
        if (total < 0)
            total = t;
        assert_int_equal(t, total);
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(j, "items"), i, it)
        {
            if (out[0])
                strcat(out, ",");
            strcat(out, json_string_value(json_object_get(it, "id")));
            seen++;
        }
        json_t *next = json_object_get(j, "next");
        if (json_is_null(next)) {
            json_decref(j);
            break;
        }
        snprintf(url, sizeof url, "%s%scursor=%s", path, strchr(path, '?') ? "&" : "?",
                 json_string_value(next));
        json_decref(j);
    }
    if (seen != total)
        fail_msg("%s: total %lld, the pages held %lld: %s", path, total, seen, out);
    return out;
}

/* api/map-layers-access: nobody gets 401 on all six paths; a reporter (no record.export)
 * lists but gets 403 for the files; an analyst gets all. */
static void api_map_layers_access(void **state)
{
    (void)state;
    static const char *const paths[] = { "/api/v1/incidents",      "/api/v1/incidents.geojson",
                                         "/api/v1/incidents.csv",  "/api/v1/events",
                                         "/api/v1/events.geojson", "/api/v1/events.csv" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct test_response r;
        get(NULL, paths[i], &r);
        assert_problem(&r, 401, NULL);
        test_response_free(&r);
        get(&reporter, paths[i], &r);
        assert_int_equal(r.status, strstr(paths[i], ".") ? 403 : 200);
        test_response_free(&r);
        get(&fra, paths[i], &r);
        assert_int_equal(r.status, 200);
        test_response_free(&r);
    }
}

/* api/map-layers-list: the reply's shape and the filters over HTTP, as the map asks. */
static void api_map_layers_list(void **state)
{
    (void)state;
    json_t *j =
        test_get_json(server.port, fra.headers, "/api/v1/incidents?bbox=-1,16,0,17&limit=500", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
    assert_true(json_is_null(json_object_get(j, "next")));
    json_t *first = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "gao-3");
    assert_string_equal(json_string_value(json_object_get(first, "tlp")), "TLP:GREEN");
    assert_string_equal(json_string_value(json_object_get(first, "owner")), "FRA");
    assert_true(json_real_value(json_object_get(first, "latitude")) == 16.28);
    json_decref(j);
    assert_string_equal(ids(&fra, "/api/v1/incidents"), "juba-1,gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?bbox=170,-10,-170,10"), "");
    /* Gao-1 and gao-3 are 1.54 km from gao-2, one each side. */
    assert_string_equal(ids(&fra, "/api/v1/incidents?near=16.27,-0.04,1.6"), "gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?near=16.27,-0.04,1.5"), "gao-2");
    assert_string_equal(ids(&fra, "/api/v1/incidents?from=2024-04-10&to=2024-05-10"),
                        "gao-3,gao-2");
    assert_string_equal(ids(&fra, "/api/v1/incidents?from=2024-04-10T10:00:00%2B02:00"),
                        "juba-1,gao-3,gao-2");
    assert_string_equal(ids(&fra, "/api/v1/incidents?mission=unmiss"), "juba-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?status=submitted&type=ied"), "gao-3");
    assert_string_equal(ids(&fra, "/api/v1/incidents?q=convoy%20gao"), "gao-3");
    assert_string_equal(ids(&fra, "/api/v1/incidents?q=%22Gao%22%2C"), "gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?sort=occurred&mission=MINUSMA"),
                        "gao-1,gao-2,gao-3");
    assert_string_equal(ids(&fra, "/api/v1/incidents?mission=&type=&q="),
                        "juba-1,gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/events?mission=MINUSMA"), "ucdp:501");
    assert_string_equal(ids(&fra, "/api/v1/events?bbox=30,0,35,10"), "ucdp:502");
    assert_string_equal(ids(&fra, "/api/v1/events?q=cattle"), "ucdp:502");
}

/* api/map-layers-pages: pages of one and of three give the same items; a cursor belongs to
 * its sort order. */
static void api_map_layers_pages(void **state)
{
    (void)state;
    assert_string_equal(ids(&fra, "/api/v1/incidents?limit=1"), "juba-1,gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?limit=3"), "juba-1,gao-3,gao-2,gao-1");
    assert_string_equal(ids(&fra, "/api/v1/incidents?limit=1&sort=occurred"),
                        "gao-1,gao-2,gao-3,juba-1");
    json_t *j = test_get_json(server.port, fra.headers, "/api/v1/incidents?limit=2", 200);
    char path[512];
    snprintf(path, sizeof path, "/api/v1/incidents?limit=2&sort=occurred&cursor=%s",
             json_string_value(json_object_get(j, "next")));
    json_decref(j);
    struct test_response r;
    get(&fra, path, &r);
    assert_problem(&r, 400, "cursor");
    test_response_free(&r);
}

/* api/map-layers-bad: every bad parameter is a 400 problem naming it. */
static void api_map_layers_bad(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } bad[] = {
        { "/api/v1/incidents?bbox=1,2,3", "bbox" },
        { "/api/v1/incidents?bbox=-200,0,10,10", "bbox" },
        { "/api/v1/incidents?bbox=0,10,10,0", "bbox" },
        { "/api/v1/incidents?near=10,20,0", "near" },
        { "/api/v1/incidents?near=100,20,5", "near" },
        { "/api/v1/incidents?near=10,20,5000", "near" },
        { "/api/v1/incidents?from=2024-02-30", "from" },
        { "/api/v1/incidents?to=soon", "to" },
        { "/api/v1/incidents?from=2024-05-01&to=2024-04-01", "to" },
        { "/api/v1/incidents?mission=ATLANTIS", "mission" },
        { "/api/v1/incidents?type=volcano", "type" },
        { "/api/v1/incidents?status=closed", "status" },
        { "/api/v1/incidents?q=%21%21%21", "q" },
        { "/api/v1/incidents?sort=newest", "sort" },
        { "/api/v1/incidents?limit=0", "limit" },
        { "/api/v1/incidents?limit=501", "limit" },
        { "/api/v1/incidents?cursor=bm9wZQ", "cursor" },
        { "/api/v1/incidents?cursor=djE6eA", "cursor" }, /* "v1:x": ours, not a position */
        { "/api/v1/events?status=endorsed", "status" },
        { "/api/v1/events?mission=ATLANTIS", "mission" },
        { "/api/v1/events?bbox=a,b,c,d", "bbox" },
        { "/api/v1/incidents.geojson?bbox=1,2,3", "bbox" },
        { "/api/v1/incidents.csv?near=1,2", "near" },
        { "/api/v1/events.geojson?status=draft", "status" },
        { "/api/v1/events.csv?type=volcano", "type" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_response r;
        get(&fra, bad[i].path, &r);
        if (r.status != 400)
            fail_msg("%s: expected 400, got %d: %s", bad[i].path, r.status, r.body);
        assert_problem(&r, 400, bad[i].field);
        test_response_free(&r);
    }
}

/* api/map-layers-sharing: BRA's AMBER+STRICT incident is neither listed nor counted nor in
 * the files for FRA; BRA sees it; the secretariat sees everything. */
static void api_map_layers_sharing(void **state)
{
    (void)state;
    assert_string_equal(ids(&fra, "/api/v1/incidents?mission=MINUSMA"), "gao-3,gao-2,gao-1");
    assert_string_equal(ids(&bra, "/api/v1/incidents?mission=MINUSMA"),
                        "gao-bra,gao-3,gao-2,gao-1");
    assert_string_equal(ids(&admin, "/api/v1/incidents"), "juba-1,gao-bra,gao-3,gao-2,gao-1");
    struct test_response r;
    get(&fra, "/api/v1/incidents.csv", &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "gao-bra"));
    test_response_free(&r);
    get(&bra, "/api/v1/incidents.geojson", &r);
    assert_contains(r.body, "\"id\":\"gao-bra\"");
    test_response_free(&r);
}

/* The "id" of every feature of a GeoJSON reply, after checking it is RFC 7946. */
static const char *geojson_ids(const struct test_response *r)
{
    static char out[1024];
    out[0] = '\0';
    assert_int_equal(r->status, 200);
    json_t *fc = body_json(r);
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    assert_null(json_object_get(fc, "crs"));
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        assert_string_equal(json_string_value(json_object_get(f, "type")), "Feature");
        json_t *g = json_object_get(f, "geometry");
        assert_string_equal(json_string_value(json_object_get(g, "type")), "Point");
        json_t *props = json_object_get(f, "properties");
        assert_null(json_object_get(props, "latitude"));
        assert_string_equal(json_string_value(json_object_get(props, "id")),
                            json_string_value(json_object_get(f, "id")));
        double lon = json_real_value(json_array_get(json_object_get(g, "coordinates"), 0));
        double lat = json_real_value(json_array_get(json_object_get(g, "coordinates"), 1));
        /* Every fixture point is in Mali or South Sudan: longitude first. */
        assert_true(lon > -5 && lon < 35 && lat > 0 && lat < 20 && (lon < 1 || lon > 30));
        if (out[0])
            strcat(out, ",");
        strcat(out, json_string_value(json_object_get(f, "id")));
    }
    json_decref(fc);
    return out;
}

/* The first cell of every row after the two header rows of a CSV reply. */
static const char *csv_ids(const struct test_response *r)
{
    static char out[1024];
    out[0] = '\0';
    char *copy = strdup(r->body);
    int line = 0;
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *cells[64];
        int n = test_split_csv(l, cells, 64);
        if (line == 0)
            assert_string_equal(cells[0], "id");
        else if (line == 1)
            assert_string_equal(cells[0], "#event+id");
        else {
            assert_true(n >= 26); /* the events have 26 columns, the incidents 37 */
            if (out[0])
                strcat(out, ",");
            strcat(out, cells[0]);
        }
        line++;
    }
    free(copy);
    return out;
}

/* api/map-layers-files: the .geojson and .csv of a filter hold the list's matches in the
 * list's order, with their content types and attachment names. */
static void api_map_layers_files(void **state)
{
    (void)state;
    static const char *const filters[] = { "", "?bbox=-1,16,0,17", "?q=gao&sort=occurred",
                                           "?mission=UNMISS", "?from=2030-01-01" };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        char path[256], list[1024];
        snprintf(path, sizeof path, "/api/v1/incidents%s", filters[i]);
        snprintf(list, sizeof list, "%s", ids(&fra, path));
        struct test_response r;
        snprintf(path, sizeof path, "/api/v1/incidents.geojson%s", filters[i]);
        get(&fra, path, &r);
        assert_header(&r, "content-type", "application/geo+json");
        assert_header(&r, "content-disposition", "attachment; filename=\"incidents.geojson\"");
        assert_string_equal(geojson_ids(&r), list);
        test_response_free(&r);
        snprintf(path, sizeof path, "/api/v1/incidents.csv%s", filters[i]);
        get(&fra, path, &r);
        assert_int_equal(r.status, 200);
        assert_header(&r, "content-type", "text/csv; charset=utf-8");
        assert_header(&r, "content-disposition", "attachment; filename=\"incidents.csv\"");
        assert_string_equal(csv_ids(&r), list);
        test_response_free(&r);
    }
    /* The list's limit and cursor do not cut a file short. */
    struct test_response r;
    get(&fra, "/api/v1/incidents.geojson?limit=1", &r);
    assert_string_equal(geojson_ids(&r), "juba-1,gao-3,gao-2,gao-1");
    test_response_free(&r);
    get(&fra, "/api/v1/events.geojson?mission=UNMISS", &r);
    assert_string_equal(geojson_ids(&r), "ucdp:502");
    assert_header(&r, "content-disposition", "attachment; filename=\"events.geojson\"");
    test_response_free(&r);
    get(&fra, "/api/v1/events.csv", &r);
    assert_string_equal(csv_ids(&r), "ucdp:502,ucdp:501"); /* same time: the later row first */
    assert_contains(r.body, "\n#event+id,#meta+source,#event+code,#date+occurred,");
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/map-layers-access", api_map_layers_access),
        BH_TEST("api/map-layers-list", api_map_layers_list),
        BH_TEST("api/map-layers-pages", api_map_layers_pages),
        BH_TEST("api/map-layers-bad", api_map_layers_bad),
        BH_TEST("api/map-layers-sharing", api_map_layers_sharing),
        BH_TEST("api/map-layers-files", api_map_layers_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
