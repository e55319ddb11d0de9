/* The UN mission reference table, checked against the real public data it was written from:
 * the fatalities dataset decides which acronyms must exist, Natural Earth's country polygons
 * decide whether each HQ point lies in the country the row claims. */

#include "support.h"

#include "refdata/missions.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CMake always defines it; a hand build without it must skip, not fail. */
#ifndef BH_SHARED_DATA
#define BH_SHARED_DATA ""
#endif

#define FATALITIES_CSV    BH_SHARED_DATA "/un_fatalities/DPPADPOSS-FATALITIES.csv"
#define COUNTRIES_GEOJSON BH_SHARED_DATA "/boundaries/ne_110m_admin_0_countries.geojson"

/* The fatalities file has 81 distinct mission acronyms (data/README.md); a parser that reads
 * fewer has broken, and would let a missing mission pass unnoticed. */
#define FATALITY_ACRONYMS 81

/* Natural Earth at 1:110m simplifies coasts by several kilometres, so a harbour city
 * (Freetown, Tripoli) can fall in the sea just outside its country's polygon; 30 km forgives
 * that and nothing more, while a swapped latitude and longitude moves a point by hundreds or
 * thousands of kilometres. A point that lands inside another country gets less: simplified
 * land borders move by about ten kilometres (Geneva falls in France), and 15 km forgives that
 * without letting a capital near a border (Pristina is 29 km from Serbia) pass for its
 * neighbour. */
#define NEAR_COAST_KM  30.0
#define NEAR_BORDER_KM 15.0

#define EARTH_RADIUS_KM 6371.0088

/* ---- Natural Earth countries ------------------------------------------------------------ */

struct ring {
    size_t n;
    double *lon, *lat;
};

struct polygon {
    size_t nrings; /* the first is the outer ring, the rest are holes */
    struct ring *rings;
};

struct country {
    char iso_a3[8];
    char adm0_a3[8];
    char name[64];
    size_t npolygons;
    struct polygon *polygons;
};

struct world {
    size_t n;
    struct country *countries;
};

static struct world world;

static void copy_prop(char *dst, size_t cap, json_t *props, const char *key)
{
    const char *v = json_string_value(json_object_get(props, key));
    snprintf(dst, cap, "%s", v ? v : "");
}

static bool ring_from_json(struct ring *r, json_t *coords)
{
    r->n = json_array_size(coords);
    r->lon = calloc(r->n ? r->n : 1, sizeof *r->lon);
    r->lat = calloc(r->n ? r->n : 1, sizeof *r->lat);
    for (size_t i = 0; i < r->n; i++) {
        json_t *pt = json_array_get(coords, i);
        if (!json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1)))
            return false;
        r->lon[i] = json_number_value(json_array_get(pt, 0));
        r->lat[i] = json_number_value(json_array_get(pt, 1));
    }
    return r->n >= 4;
}

static bool polygon_from_json(struct polygon *p, json_t *rings)
{
    p->nrings = json_array_size(rings);
    p->rings = calloc(p->nrings ? p->nrings : 1, sizeof *p->rings);
    for (size_t i = 0; i < p->nrings; i++)
        if (!ring_from_json(&p->rings[i], json_array_get(rings, i)))
            return false;
    return p->nrings > 0;
}

/* GeoJSON keeps a Polygon as [ring, ...] and a MultiPolygon as [[ring, ...], ...]; both become
 * a list of polygons here so the geometry code has one shape to walk. */
static bool country_from_json(struct country *c, json_t *feature)
{
    json_t *props = json_object_get(feature, "properties");
    json_t *geom = json_object_get(feature, "geometry");
    copy_prop(c->iso_a3, sizeof c->iso_a3, props, "ISO_A3");
    copy_prop(c->adm0_a3, sizeof c->adm0_a3, props, "ADM0_A3");
    copy_prop(c->name, sizeof c->name, props, "NAME");
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    if (!type || !json_is_array(coords))
        return false;
    if (strcmp(type, "Polygon") == 0) {
        c->npolygons = 1;
        c->polygons = calloc(1, sizeof *c->polygons);
        return polygon_from_json(&c->polygons[0], coords);
    }
    if (strcmp(type, "MultiPolygon") == 0) {
        c->npolygons = json_array_size(coords);
        c->polygons = calloc(c->npolygons ? c->npolygons : 1, sizeof *c->polygons);
        for (size_t i = 0; i < c->npolygons; i++)
            if (!polygon_from_json(&c->polygons[i], json_array_get(coords, i)))
                return false;
        return c->npolygons > 0;
    }
    return false;
}

static int world_setup(void **state)
{
    (void)state;
    json_error_t err;
    json_t *root = json_load_file(COUNTRIES_GEOJSON, 0, &err);
    if (!root) {
        print_error("cannot parse %s line %d: %s\n", COUNTRIES_GEOJSON, err.line, err.text);
        return -1;
    }
    json_t *features = json_object_get(root, "features");
    world.n = json_array_size(features);
    world.countries = calloc(world.n ? world.n : 1, sizeof *world.countries);
    for (size_t i = 0; i < world.n; i++) {
        if (!country_from_json(&world.countries[i], json_array_get(features, i))) {
            print_error("feature %zu of %s has no usable polygon\n", i, COUNTRIES_GEOJSON);
            json_decref(root);
            return -1;
        }
    }
    json_decref(root);
    return world.n > 0 ? 0 : -1;
}

static int world_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < world.n; i++) {
        struct country *c = &world.countries[i];
        for (size_t p = 0; p < c->npolygons; p++) {
            for (size_t r = 0; r < c->polygons[p].nrings; r++) {
                free(c->polygons[p].rings[r].lon);
                free(c->polygons[p].rings[r].lat);
            }
            free(c->polygons[p].rings);
        }
        free(c->polygons);
    }
    free(world.countries);
    world.n = 0;
    world.countries = NULL;
    return 0;
}

/* ISO_A3 is "-99" for France, Norway, Kosovo, N. Cyprus and Somaliland, so ADM0_A3 is the
 * fallback, and it is also how "KOS" finds Kosovo. */
static bool country_has_code(const struct country *c, const char *code)
{
    return (strcmp(c->iso_a3, "-99") != 0 && strcmp(c->iso_a3, code) == 0) ||
           strcmp(c->adm0_a3, code) == 0;
}

/* Even-odd ray casting over every ring of the polygon at once: a point inside a hole crosses
 * the outer ring and the hole's ring, an even count, and so counts as outside. Longitude and
 * latitude are treated as plane coordinates, which is exact enough away from the poles and
 * the antimeridian, where no HQ sits. */
static bool polygon_contains(const struct polygon *p, double lat, double lon)
{
    bool inside = false;
    for (size_t r = 0; r < p->nrings; r++) {
        const struct ring *g = &p->rings[r];
        for (size_t i = 0, j = g->n - 1; i < g->n; j = i++) {
            if ((g->lat[i] > lat) != (g->lat[j] > lat) &&
                lon < (g->lon[j] - g->lon[i]) * (lat - g->lat[i]) / (g->lat[j] - g->lat[i]) +
                          g->lon[i])
                inside = !inside;
        }
    }
    return inside;
}

static bool country_contains(const struct country *c, double lat, double lon)
{
    for (size_t p = 0; p < c->npolygons; p++)
        if (polygon_contains(&c->polygons[p], lat, lon))
            return true;
    return false;
}

struct vec3 {
    double x, y, z;
};

static struct vec3 unit_vector(double lat, double lon)
{
    double phi = lat * M_PI / 180.0, lambda = lon * M_PI / 180.0;
    return (struct vec3){ cos(phi) * cos(lambda), cos(phi) * sin(lambda), sin(phi) };
}

static double dot(struct vec3 a, struct vec3 b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

static struct vec3 cross(struct vec3 a, struct vec3 b)
{
    return (struct vec3){ a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x };
}

/* Central angle between two unit vectors; atan2 stays accurate for the short distances that
 * matter here, where acos of a dot product near 1 would not. */
static double angle(struct vec3 a, struct vec3 b)
{
    struct vec3 c = cross(a, b);
    return atan2(sqrt(dot(c, c)), dot(a, b));
}

/* Great-circle distance from p to the arc a-b: to the foot of the perpendicular when it falls
 * on the arc, otherwise to the nearer end. */
static double arc_distance_km(struct vec3 p, struct vec3 a, struct vec3 b)
{
    struct vec3 n = cross(a, b);
    double nn = sqrt(dot(n, n));
    double to_ends = fmin(angle(p, a), angle(p, b));
    if (nn < 1e-15)
        return to_ends * EARTH_RADIUS_KM;
    n = (struct vec3){ n.x / nn, n.y / nn, n.z / nn };
    double off_plane = dot(p, n);
    struct vec3 foot = { p.x - off_plane * n.x, p.y - off_plane * n.y, p.z - off_plane * n.z };
    if (dot(cross(a, foot), n) >= 0 && dot(cross(foot, b), n) >= 0)
        return fabs(asin(fmax(-1.0, fmin(1.0, off_plane)))) * EARTH_RADIUS_KM;
    return to_ends * EARTH_RADIUS_KM;
}

static double country_edge_distance_km(const struct country *c, double lat, double lon)
{
    struct vec3 p = unit_vector(lat, lon);
    double best = INFINITY;
    for (size_t q = 0; q < c->npolygons; q++) {
        for (size_t r = 0; r < c->polygons[q].nrings; r++) {
            const struct ring *g = &c->polygons[q].rings[r];
            for (size_t i = 1; i < g->n; i++) {
                double d = arc_distance_km(p, unit_vector(g->lat[i - 1], g->lon[i - 1]),
                                           unit_vector(g->lat[i], g->lon[i]));
                if (d < best)
                    best = d;
            }
        }
    }
    return best;
}

/* 0 when the point lies inside a polygon of the country with `code`, else the distance in km
 * to its nearest edge; INFINITY when Natural Earth has no country with that code. */
static double distance_to_country_km(const char *code, double lat, double lon)
{
    double best = INFINITY;
    for (size_t i = 0; i < world.n; i++) {
        const struct country *c = &world.countries[i];
        if (!country_has_code(c, code))
            continue;
        if (country_contains(c, lat, lon))
            return 0.0;
        double d = country_edge_distance_km(c, lat, lon);
        if (d < best)
            best = d;
    }
    return best;
}

/* Where the 1:110m map and the UN's view of a territory differ, a box says what the map
 * leaves out. A point in the box counts as in the host: when `ne_code` is set, only if it also
 * lies in that country's polygon, so the patch covers exactly the part of the map that is
 * drawn under another name and nothing around it. */
struct map_patch {
    const char *host;
    const char *ne_code;
    double lat_min, lat_max, lon_min, lon_max;
};

static const struct map_patch map_patches[] = {
    /* Natural Earth draws Western Sahara as the strip east of the berm and gives the coast,
     * Laayoune included, to Morocco; the UN and ISO 3166 treat all of the territory south of
     * 27 deg 40' N as Western Sahara (ESH). */
    { "ESH", "MAR", 20.7, 27.667, -17.2, -8.6 },
    /* The Gaza Strip is too small for the 1:110m map, which leaves it as sea; its box is
     * Palestine (PSE) by ISO 3166. */
    { "PSE", NULL, 31.22, 31.60, 34.20, 34.57 },
};

static bool patched_into_host(const char *host, double lat, double lon)
{
    for (size_t i = 0; i < sizeof map_patches / sizeof map_patches[0]; i++) {
        const struct map_patch *p = &map_patches[i];
        if (strcmp(p->host, host) != 0 || lat < p->lat_min || lat > p->lat_max ||
            lon < p->lon_min || lon > p->lon_max)
            continue;
        if (!p->ne_code || distance_to_country_km(p->ne_code, lat, lon) == 0.0)
            return true;
    }
    return false;
}

/* Kosovo has no ISO 3166-1 code. The table uses the user-assigned "XKX" (which `bluehelm
 * init` adds to the country table); Natural Earth calls the same polygon "KOS". */
static const char *natural_earth_code(const char *host)
{
    return strcmp(host, "XKX") == 0 ? "KOS" : host;
}

/* 0 when the host's polygons (or a patch) contain the point, else the km to its nearest
 * edge. */
static double distance_to_host_km(const char *host, double lat, double lon)
{
    if (patched_into_host(host, lat, lon))
        return 0.0;
    return distance_to_country_km(natural_earth_code(host), lat, lon);
}

/* The country whose polygon contains the point, or NULL for the sea (and for countries too
 * small for the 1:110m map). */
static const struct country *country_at(double lat, double lon)
{
    for (size_t i = 0; i < world.n; i++)
        if (country_contains(&world.countries[i], lat, lon))
            return &world.countries[i];
    return NULL;
}

/* How far outside its host a point may be: see NEAR_COAST_KM and NEAR_BORDER_KM. */
static double tolerance_km(double lat, double lon)
{
    return country_at(lat, lon) ? NEAR_BORDER_KM : NEAR_COAST_KM;
}

static bool near_host(const char *host, double lat, double lon)
{
    return distance_to_host_km(host, lat, lon) <= tolerance_km(lat, lon);
}

static bool world_has_code(const char *code)
{
    for (size_t i = 0; i < world.n; i++)
        if (country_has_code(&world.countries[i], code))
            return true;
    return false;
}

/* refdata/missions-hq-inside-host */
static void test_hq_inside_host(void **state)
{
    (void)state;
    size_t failures = 0, inside = 0, near = 0;
    for (size_t i = 0; i < refdata_missions_count; i++) {
        const struct mission_ref *m = &refdata_missions[i];
        if (!m->has_hq_coords)
            continue;
        double d = distance_to_host_km(m->host_iso3, m->hq_lat, m->hq_lon);
        const struct country *where = country_at(m->hq_lat, m->hq_lon);
        const char *where_name = where ? where->name : "the sea";
        if (d == 0.0) {
            inside++;
        } else if (d <= tolerance_km(m->hq_lat, m->hq_lon)) {
            near++;
            printf("# %s: HQ %s is %.1f km outside %s's simplified outline, in %s\n", m->acronym,
                   m->hq_city ? m->hq_city : "?", d, m->host_iso3, where_name);
        } else {
            failures++;
            print_error("%s: HQ %s (%.4f, %.4f) is %.1f km outside host %s; it lies in %s\n",
                        m->acronym, m->hq_city ? m->hq_city : "?", m->hq_lat, m->hq_lon, d,
                        m->host_iso3, where_name);
        }
    }
    printf("# %zu HQs inside their host, %zu just outside its simplified outline\n", inside, near);
    assert_int_equal(failures, 0);
    assert_true(inside + near > 0);

    /* The check must be able to fail on the error the source lists made. MINUSMA's swapped
     * pair from the PKO list (lat -8, lon 12.65) is in the Atlantic off Angola, and the PKO
     * list's Asmara latitude (12.18 instead of 15.32) lands in Ethiopia. */
    const struct mission_ref *minusma = refdata_mission_find("MINUSMA");
    assert_non_null(minusma);
    assert_false(near_host("MLI", minusma->hq_lon, minusma->hq_lat));
    assert_true(near_host("MLI", minusma->hq_lat, minusma->hq_lon));
    assert_false(near_host("ERI", 12.1817, 38.8367));
    /* A neighbour's code for a capital near a border is caught too. */
    assert_false(near_host("SRB", 42.6629, 21.1655));

    /* The patches for the map's gaps stay narrow: Rabat is Morocco, not Western Sahara, and
     * El Arish in Sinai is not Gaza. */
    assert_false(near_host("ESH", 34.0209, -6.8416));
    assert_false(near_host("PSE", 31.1316, 33.7984));

    /* And it must catch the swap on every row, not just MINUSMA. The one row where geometry
     * cannot see a swap is UNASOG: Chad contains both Aouzou (21.8 N, 17.4 E) and the swapped
     * point (17.4 N, 21.8 E), so the row is listed here rather than the check weakened. */
    static const char *const swap_blind[] = { "UNASOG" };
    size_t swap_passes = 0;
    for (size_t i = 0; i < refdata_missions_count; i++) {
        const struct mission_ref *m = &refdata_missions[i];
        if (!m->has_hq_coords || !near_host(m->host_iso3, m->hq_lon, m->hq_lat))
            continue;
        bool expected = false;
        for (size_t k = 0; k < sizeof swap_blind / sizeof swap_blind[0]; k++)
            expected = expected || strcmp(m->acronym, swap_blind[k]) == 0;
        if (!expected) {
            swap_passes++;
            print_error("%s: swapped point (%.4f, %.4f) still passes for %s\n", m->acronym,
                        m->hq_lon, m->hq_lat, m->host_iso3);
        }
    }
    assert_int_equal(swap_passes, 0);
}

/* ---- the fatalities dataset ------------------------------------------------------------- */

/* Copies field `want` (0-based) of the CSV line starting at `line` into `out`; double quotes
 * are honoured even though the acronym column never needs them, so a quoted comma in an
 * earlier column cannot shift the count. Returns false if the line has fewer fields. */
static bool csv_field(const char *line, size_t want, char *out, size_t cap)
{
    size_t field = 0, n = 0;
    bool quoted = false;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (*p == '"') {
            if (quoted && p[1] == '"') {
                if (field == want && n + 1 < cap)
                    out[n++] = '"';
                p++;
            } else {
                quoted = !quoted;
            }
        } else if (*p == ',' && !quoted) {
            if (field == want)
                break;
            field++;
        } else if (*p != '\r' && field == want && n + 1 < cap) {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return field == want;
}

static long csv_column(const char *header, const char *name)
{
    char cell[128];
    for (size_t i = 0; csv_field(header, i, cell, sizeof cell); i++)
        if (strcmp(cell, name) == 0)
            return (long)i;
    return -1;
}

/* refdata/missions-cover-fatalities */
static void test_cover_fatalities(void **state)
{
    (void)state;
    char *csv = test_read_file(FATALITIES_CSV, NULL);
    assert_non_null(csv);
    long col = csv_column(csv, "mission_acronym");
    assert_true(col >= 0);

    char seen[256][32];
    size_t nseen = 0, rows = 0, missing = 0;
    for (char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line, '\n')) {
        line++;
        char acronym[32];
        if (!csv_field(line, (size_t)col, acronym, sizeof acronym) || !acronym[0])
            continue;
        rows++;
        size_t k = 0;
        while (k < nseen && strcmp(seen[k], acronym) != 0)
            k++;
        if (k < nseen)
            continue;
        assert_true(nseen < sizeof seen / sizeof seen[0]);
        snprintf(seen[nseen++], sizeof seen[0], "%s", acronym);
        if (!refdata_mission_find(acronym)) {
            missing++;
            print_error("mission_acronym \"%s\" is not in refdata_missions\n", acronym);
        }
    }
    free(csv);
    printf("# %zu fatality rows, %zu distinct missions\n", rows, nseen);
    assert_int_equal(missing, 0);
    assert_int_equal(nseen, FATALITY_ACRONYMS);
}

/* ---- the table on its own --------------------------------------------------------------- */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* A real calendar date written YYYY-MM-DD, no earlier than the UN itself (1945). */
static bool valid_date(const char *s)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8);
    if (y < 1945 || y > 2100 || mo < 1 || mo > 12 || d < 1)
        return false;
    return d <= days[mo - 1] + (mo == 2 && is_leap(y));
}

static bool three_upper(const char *s)
{
    return s && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           s[2] >= 'A' && s[2] <= 'Z';
}

/* The alpha-3 codes of ISO 3166-1 from Debian's iso-codes, which the core already reads; NULL
 * when the file is absent, in which case the ISO half of the check is skipped. */
static json_t *iso_3166_codes(void)
{
#ifdef BH_ISO_CODES_DIR
    const char *path = BH_ISO_CODES_DIR "/iso_3166-1.json";
    if (access(path, R_OK) != 0)
        return NULL;
    return json_load_file(path, 0, NULL);
#else
    return NULL;
#endif
}

static bool iso_has(json_t *iso, const char *code)
{
    json_t *entries = json_object_get(iso, "3166-1");
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const char *a3 = json_string_value(json_object_get(json_array_get(entries, i), "alpha_3"));
        if (a3 && strcmp(a3, code) == 0)
            return true;
    }
    return false;
}

/* Counts and reports one problem with a row; the test fails once at the end so a run lists
 * every bad row, not just the first. */
static void row_problem(size_t *bad, const char *acronym, const char *fmt, ...)
    CMOCKA_PRINTF_ATTRIBUTE(3, 4);

static void row_problem(size_t *bad, const char *acronym, const char *fmt, ...)
{
    va_list ap;
    (*bad)++;
    print_error("%s: ", acronym ? acronym : "(null)");
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    print_error("\n");
}

/* refdata/missions-table-sane */
static void test_table_sane(void **state)
{
    (void)state;
    json_t *iso = iso_3166_codes();
    size_t bad = 0;
    assert_true(refdata_missions_count > 0);
    for (size_t i = 0; i < refdata_missions_count; i++) {
        const struct mission_ref *m = &refdata_missions[i];
        const char *a = m->acronym;
        if (!a || !a[0]) {
            row_problem(&bad, a, "empty acronym");
            continue;
        }
        if (i > 0 && strcmp(refdata_missions[i - 1].acronym, a) >= 0)
            row_problem(&bad, a, "not after \"%s\": binary search needs sorted, unique rows",
                        refdata_missions[i - 1].acronym);
        if (!m->name || !m->name[0])
            row_problem(&bad, a, "empty name");
        const char *kind = refdata_mission_kind_name(m->kind);
        if (strcmp(kind, "peacekeeping") != 0 && strcmp(kind, "political") != 0 &&
            strcmp(kind, "other") != 0)
            row_problem(&bad, a, "kind %d is named \"%s\"", (int)m->kind, kind);

        if (!valid_date(m->start_date))
            row_problem(&bad, a, "start_date \"%s\" is not a date",
                        m->start_date ? m->start_date : "(null)");
        if (m->end_date && !valid_date(m->end_date))
            row_problem(&bad, a, "end_date \"%s\" is not a date", m->end_date);
        if (m->start_date && m->end_date && strcmp(m->start_date, m->end_date) > 0)
            row_problem(&bad, a, "ends %s before it starts %s", m->end_date, m->start_date);

        if (!three_upper(m->host_iso3)) {
            row_problem(&bad, a, "host_iso3 \"%s\" is not three capital letters",
                        m->host_iso3 ? m->host_iso3 : "(null)");
        } else {
            if (!world_has_code(natural_earth_code(m->host_iso3)))
                row_problem(&bad, a,
                            "host_iso3 %s is neither an ISO_A3 nor an ADM0_A3 in "
                            "Natural Earth",
                            m->host_iso3);
            /* Kosovo is the one deliberate exception: it has no ISO 3166-1 code. */
            if (iso && strcmp(natural_earth_code(m->host_iso3), "KOS") != 0 &&
                !iso_has(iso, m->host_iso3))
                row_problem(&bad, a, "host_iso3 %s is not in ISO 3166-1", m->host_iso3);
        }

        if (m->has_hq_coords) {
            if (!m->hq_city)
                row_problem(&bad, a, "coordinates without an HQ city");
            if (!(m->hq_lat >= -90.0 && m->hq_lat <= 90.0))
                row_problem(&bad, a, "latitude %f outside [-90, 90]", m->hq_lat);
            if (!(m->hq_lon >= -180.0 && m->hq_lon <= 180.0))
                row_problem(&bad, a, "longitude %f outside [-180, 180]", m->hq_lon);
            /* 0,0 is how the IPI table wrote "unknown" (UNMC); no HQ is in the Gulf of
             * Guinea. */
            if (m->hq_lat == 0.0 && m->hq_lon == 0.0)
                row_problem(&bad, a, "HQ at 0,0");
        }
    }
    json_decref(iso);
    assert_int_equal(bad, 0);
}

/* refdata/missions-find */
static void test_find(void **state)
{
    (void)state;
    for (size_t i = 0; i < refdata_missions_count; i++)
        assert_ptr_equal(refdata_mission_find(refdata_missions[i].acronym), &refdata_missions[i]);

    /* Exact and case-sensitive, as the header says: the fatalities data spells "OSESyria"
     * and "UNSecretariat" in mixed case and nothing may fold them. */
    assert_null(refdata_mission_find(NULL));
    assert_null(refdata_mission_find(""));
    assert_null(refdata_mission_find("minusma"));
    assert_null(refdata_mission_find("MINUSMA "));
    assert_null(refdata_mission_find("UNEF III"));
    assert_null(refdata_mission_find("AAA"));
    assert_null(refdata_mission_find("ZZZZ"));

    /* Facts checked by hand against the UN's pages and resolutions, so an edit that loses
     * them is noticed. */
    const struct mission_ref *m = refdata_mission_find("MINUSMA");
    assert_non_null(m);
    assert_string_equal(m->end_date, "2023-12-31");
    m = refdata_mission_find("UNITAMS");
    assert_non_null(m);
    assert_string_equal(m->end_date, "2024-02-29");
    static const char *const active[] = { "MONUSCO", "UNMISS",  "MINUSCA", "UNIFIL",
                                          "UNDOF",   "UNFICYP", "MINURSO", "UNISFA",
                                          "UNMIK",   "UNTSO",   "UNMOGIP" };
    for (size_t i = 0; i < sizeof active / sizeof active[0]; i++) {
        m = refdata_mission_find(active[i]);
        assert_non_null(m);
        if (m->end_date)
            fail_msg("%s is active but has end_date %s", active[i], m->end_date);
        assert_string_equal(refdata_mission_kind_name(m->kind), "peacekeeping");
    }
    m = refdata_mission_find("UNSecretariat");
    assert_non_null(m);
    assert_int_equal(m->kind, MISSION_OTHER);
    assert_string_equal(m->host_iso3, "USA");
    assert_string_equal(m->hq_city, "New York");
    m = refdata_mission_find("UNMIK");
    assert_string_equal(m->host_iso3, "XKX");
    m = refdata_mission_find("UNPROFOR");
    assert_string_equal(m->host_iso3, "HRV");
    /* Natural Earth puts Laayoune in Morocco's polygon, so only this line keeps MINURSO's
     * host from drifting to MAR unnoticed. */
    m = refdata_mission_find("MINURSO");
    assert_string_equal(m->host_iso3, "ESH");
    static const char *const political[] = { "UNAMA",  "UNAMI", "OSESGY", "OSESyria",
                                             "UNSMIL", "UNSOM", "UNOWAS" };
    for (size_t i = 0; i < sizeof political / sizeof political[0]; i++) {
        m = refdata_mission_find(political[i]);
        assert_non_null(m);
        assert_string_equal(refdata_mission_kind_name(m->kind), "political");
    }
    assert_string_equal(refdata_mission_kind_name(MISSION_PEACEKEEPING), "peacekeeping");
    assert_string_equal(refdata_mission_kind_name(MISSION_POLITICAL), "political");
    assert_string_equal(refdata_mission_kind_name(MISSION_OTHER), "other");
}

int main(void)
{
    test_require_path(BH_SHARED_DATA, "the shared data folder (BH_SHARED_DATA)");
    test_require_path(FATALITIES_CSV, "the UN fatalities dataset");
    test_require_path(COUNTRIES_GEOJSON, "Natural Earth countries");

    /* Named by their stable paths so a failure report says which check broke. */
    const struct CMUnitTest tests[] = {
        { "refdata/missions-cover-fatalities", test_cover_fatalities, NULL, NULL, NULL },
        { "refdata/missions-hq-inside-host", test_hq_inside_host, NULL, NULL, NULL },
        { "refdata/missions-table-sane", test_table_sane, NULL, NULL, NULL },
        { "refdata/missions-find", test_find, NULL, NULL, NULL },
    };
    return cmocka_run_group_tests_name("refdata/missions", tests, world_setup, world_teardown);
}
