/* The map's downloads over HTTP, on a server started with `--export-max-rows 25` and a store
 * of 10,050 demo incidents: a file of more rows than the admin's limit is a 413 before its
 * first byte, naming the limit and the count (exact also past the list's bound of 10,000);
 * narrower filters give the whole file; `hxl=0` leaves the hashtag row out of the CSV and a
 * bad `hxl` is a 400 naming it. The directory tells where each mission's headquarters are,
 * for a map with no record of a mission yet. */
#include "api_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD  "Bunia patrol base 2023"
#define INCIDENTS 10050
#define CAP       25

static struct test_server server;
static char bearer[256];

static int setup(void **state)
{
    (void)state;
    char *store = test_init_seeded_store("api_map_downloads", PASSWORD);
    char n[32];
    snprintf(n, sizeof n, "%d", INCIDENTS);
    test_cli_ok(store, NULL, (const char *const[]){ "demo", "--incidents", n, "--seed", "5", NULL },
                NULL);
    test_bearer_for(store, "admin", NULL, bearer, sizeof bearer);
    char cap[16];
    snprintf(cap, sizeof cap, "%d", CAP);
    test_server_start(&server, store, (const char *const[]){ "--export-max-rows", cap, NULL });
    free(store);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    return 0;
}

static void get(const char *path, struct test_response *r)
{
    test_http(server.port, "GET", path, bearer, NULL, 0, r);
}

/* The lines of a CSV body (no field of the demo's holds a line break: checked by the count
 * matching the list's total). */
static long lines(const char *body)
{
    long n = 0;
    for (const char *p = body; *p; p++)
        n += *p == '\n';
    return n;
}

/* api/map-downloads-cap: every file over the limit is a 413 naming the limit and the exact
 * count; under it, the whole file. */
static void api_map_downloads_cap(void **state)
{
    (void)state;
    static const char *const files[] = { "/api/v1/incidents.csv", "/api/v1/incidents.csv?hxl=0",
                                         "/api/v1/incidents.geojson" };
    char count[32];
    snprintf(count, sizeof count, "%d rows", INCIDENTS);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct test_response r;
        get(files[i], &r);
        assert_problem(&r, 413, "export_max_rows");
        json_t *p = body_json(&r);
        const char *detail = json_string_value(json_object_get(p, "detail"));
        /* The count past the list's bound of 10,000 is exact: the grid counted it. */
        assert_contains(detail, count);
        assert_contains(detail, "limit of 25");
        json_decref(p);
        test_response_free(&r);
    }

    /* The newest 20 incidents by their time: under the limit, the whole file. */
    json_t *page = test_get_json(server.port, bearer, "/api/v1/incidents?limit=20", 200);
    const char *from = json_string_value(
        json_object_get(json_array_get(json_object_get(page, "items"), 19), "occurred_at"));
    assert_non_null(from);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/incidents?limit=1&from=%s", from);
    json_t *list = test_get_json(server.port, bearer, path, 200);
    json_int_t total = json_integer_value(json_object_get(list, "total"));
    assert_true(total >= 20 && total <= CAP);

    struct test_response r;
    snprintf(path, sizeof path, "/api/v1/incidents.csv?from=%s", from);
    get(path, &r);
    assert_int_equal(r.status, 200);
    /* The header, the hashtags, a row per match. */
    assert_int_equal(lines(r.body), total + 2);
    assert_header(&r, "content-disposition", "attachment; filename=\"incidents.csv\"");
    test_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/incidents.geojson?from=%s", from);
    get(path, &r);
    assert_int_equal(r.status, 200);
    json_t *fc = body_json(&r);
    assert_int_equal(json_array_size(json_object_get(fc, "features")), total);
    json_decref(fc);
    test_response_free(&r);
    json_decref(list);
    json_decref(page);

    /* No event in the store: the file is whole and empty. */
    get("/api/v1/events.csv", &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

/* api/map-downloads-hxl: hxl=0 is a CSV of one header row, hxl=1 (the default) has the
 * hashtag row under it; any other value is a 400 naming hxl. */
static void api_map_downloads_hxl(void **state)
{
    (void)state;
    json_t *page = test_get_json(server.port, bearer, "/api/v1/incidents?limit=3", 200);
    const char *from = json_string_value(
        json_object_get(json_array_get(json_object_get(page, "items"), 2), "occurred_at"));
    char path[256];
    struct test_response r;
    snprintf(path, sizeof path, "/api/v1/incidents.csv?hxl=0&from=%s", from);
    get(path, &r);
    assert_int_equal(r.status, 200);
    assert_true(strncmp(r.body, "id,mission,", 11) == 0);
    assert_null(strstr(r.body, "#event+id"));
    assert_int_equal(lines(r.body), 1 + 3);
    assert_header(&r, "content-disposition", "attachment; filename=\"incidents-plain.csv\"");
    test_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/incidents.csv?hxl=1&from=%s", from);
    get(path, &r);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\n#event+id,");
    assert_int_equal(lines(r.body), 2 + 3);
    test_response_free(&r);

    get("/api/v1/incidents.csv?hxl=yes", &r);
    assert_problem(&r, 400, "hxl");
    test_response_free(&r);
    json_decref(page);
}

/* api/orgs-mission-hq: a mission in the directory carries its headquarters' coordinates. */
static void api_orgs_mission_hq(void **state)
{
    (void)state;
    json_t *orgs = test_get_json(server.port, bearer, "/api/v1/orgs?kind=mission&limit=200", 200);
    size_t i;
    json_t *o;
    int with_hq = 0;
    json_array_foreach(json_object_get(orgs, "items"), i, o)
    {
        json_t *hq = json_object_get(o, "hq");
        if (strcmp(json_string_value(json_object_get(o, "kind")), "mission") != 0) {
            assert_null(hq);
            continue;
        }
        if (!hq)
            continue;
        double lat = json_number_value(json_object_get(hq, "lat"));
        double lon = json_number_value(json_object_get(hq, "lon"));
        assert_true(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180);
        if (strcmp(json_string_value(json_object_get(o, "code")), "MINUSCA") == 0)
            /* Bangui */
            assert_true(lat > 4 && lat < 5 && lon > 18 && lon < 19);
        with_hq++;
    }
    assert_true(with_hq > 10);
    json_decref(orgs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/map-downloads-cap", api_map_downloads_cap),
        BH_TEST("api/map-downloads-hxl", api_map_downloads_hxl),
        BH_TEST("api/orgs-mission-hq", api_orgs_mission_hq),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
