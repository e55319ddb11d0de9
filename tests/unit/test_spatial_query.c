/* The map layers' queries in process, on a migrated store with the reference data and rows
 * written straight through incident_store_insert() and event_store_upsert(): each filter in
 * and out at its edges (a bbox across the antimeridian, a circle's rim at 9.9 and 10.1 km,
 * the last second of a `to` date), the sort, pages that stay whole while rows are added,
 * who sees what (and what the total counts), the admin's audited reads, and the totals kept
 * between pages, which must notice every change. The expected ids are written by hand from
 * the fixture below. */
#include "support.h"

#include "audit/audit.h"
#include "base/mem.h"
#include "db/db.h"
#include "event/event.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "sharing/sharing.h"
#include "spatial/spatial.h"
#include "taxonomy/taxonomy.h"

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

/* ---- the fixture ---- */

#define R_KM 6371.0088 /* the sphere the module measures on; the rim test needs the same */

/* The centre of the circle tests and points at known great-circle distances from it: north
 * along the meridian (dlat = d/R) and east along the parallel (dlon = 2 asin(sin(d/2R) /
 * cos(lat))), so both halves of the box prefilter are on trial. */
#define NEAR_LAT 10.0
#define NEAR_LON 20.0
static double north_of(double km)
{
    return NEAR_LAT + km / R_KM * 180 / M_PI;
}
static double east_of(double km)
{
    return NEAR_LON + 2 * asin(sin(km / (2 * R_KM)) / cos(NEAR_LAT * M_PI / 180)) * 180 / M_PI;
}

/* The point `km` from the centre on bearing 45 degrees (the spherical destination formula):
 * inside the circle's bounding box even at 10.1 km, so only the great-circle test can keep it
 * out. */
static void north_east_of(double km, double *lat, double *lon)
{
    double d = km / R_KM, p1 = NEAR_LAT * M_PI / 180, t = M_PI / 4;
    double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(t));
    *lat = p2 * 180 / M_PI;
    *lon = NEAR_LON + atan2(sin(t) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2)) * 180 / M_PI;
}

struct inc {
    const char *id, *mission, *occurred_at;
    double lat, lon;
    const char *type, *status, *narrative;
    int owner;
    const char *tlp;
};

/* Ids say where the incident is. Everything is FRA's and GREEN unless the row says not. */
static const struct inc incidents[] = {
    { "gao", "MINUSMA", "2024-01-02T10:00:00Z", 16.27, -0.04, "ied", "endorsed",
      "A convoy struck an improvised explosive device east of Gao; two injured.", FRA, "GREEN" },
    { "kidal", "MINUSMA", "2024-01-31T23:59:59Z", 18.44, 1.41, "indirect_fire", "submitted",
      "Mortar rounds fell on the camp at Kidal.", FRA, "GREEN" },
    { "juba", "UNMISS", "2024-02-01T00:00:00Z", 4.85, 31.6, "ied", "draft",
      "Patrol found an IED on the road (\"NEAR\" the bridge).", FRA, "CLEAR" },
    { "fiji-east", "UNMISS", "2023-06-01T08:00:00Z", -17.0, 179.5, "ied", "returned",
      "Exercise off the coast.", FRA, "GREEN" },
    { "fiji-west", "UNMISS", "2023-06-02T08:00:00Z", -16.5, -179.5, "ied", "endorsed",
      "Exercise across the date line.", FRA, "GREEN" },
    { "centre", "MONUSCO", "2022-05-01T12:00:00Z", NEAR_LAT, NEAR_LON, "ied", "endorsed",
      "Checkpoint incident.", FRA, "GREEN" },
    /* north-9.9, north-10.1, east-9.9, east-10.1 are added in setup with computed places */
    { "bra-strict", "MINUSMA", "2024-01-15T06:00:00Z", 16.5, 0.2, "ied", "endorsed",
      "A convoy hit a mine near Ansongo.", BRA, "AMBER+STRICT" },
    { "bra-red", "MINUSMA", "2024-01-16T06:00:00Z", 16.6, 0.3, "ied", "endorsed",
      "A convoy was ambushed near Ansongo.", BRA, "RED" },
    { "fra-amber", "MINUSMA", "2024-01-17T06:00:00Z", 16.7, 0.4, "ied", "endorsed",
      "Convoy delayed by a roadblock.", FRA, "AMBER" },
};
#define NINC (sizeof incidents / sizeof incidents[0])

static void insert(const struct inc *in)
{
    struct bh_error err;
    struct incident_row r = {
        .id = in->id,
        .mission = in->mission,
        .occurred_at = in->occurred_at,
        .occurred_precision = "exact",
        .reported_at = in->occurred_at,
        .latitude = in->lat,
        .longitude = in->lon,
        .location_precision = "exact",
        .threat_type = in->type,
        .target = "convoy",
        .activity = "patrolling",
        .narrative = in->narrative,
        .status = in->status,
        .owner_org_id = org_id[in->owner],
        .reporter = "fixture",
        .tlp = in->tlp,
        .sharing_group_id = strcmp(in->tlp, "AMBER") == 0 ? group_id : 0,
        .source = "member",
    };
    must(incident_store_insert(db, &r, NULL, NULL, &err), &err, in->id);
}

static void event(const char *source, const char *sid, const char *when, double lat, double lon,
                  const char *iso3, const char *notes, int owner, const char *tlp)
{
    struct bh_error err;
    struct event_row e = {
        .source = source,
        .source_id = sid,
        .occurred_at = when,
        .latitude = lat,
        .longitude = lon,
        .country_iso3 = iso3,
        .threat_type = "ied",
        .source_type = "1",
        .actor1 = "Government of Mali",
        .actor2 = "JNIM",
        .fatalities = 3,
        .notes = notes,
        .owner_org_id = org_id[owner],
        .tlp = tlp,
    };
    must(event_store_upsert(db, &e, NULL, &err), &err, sid);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("spatial_query", &store_path, org_codes, NORGS, DPO, org_id);
    struct bh_error err;
    struct principal coord;
    user(FRA, ROLE_COORDINATOR, &coord);
    const char *members[] = { "GHA" };
    must(sharing_group_create(db, &coord, "FRA and friends", "", members, 1, &group_id, &err), &err,
         "group");
    for (size_t i = 0; i < NINC; i++)
        insert(&incidents[i]);
    const struct inc rim[] = {
        { "north-9.9", "MONUSCO", "2022-05-02T12:00:00Z", north_of(9.9), NEAR_LON, "ied",
          "endorsed", "", FRA, "GREEN" },
        { "north-10.1", "MONUSCO", "2022-05-03T12:00:00Z", north_of(10.1), NEAR_LON, "ied",
          "endorsed", "", FRA, "GREEN" },
        { "east-9.9", "MONUSCO", "2022-05-04T12:00:00Z", NEAR_LAT, east_of(9.9), "ied", "endorsed",
          "", FRA, "GREEN" },
        { "east-10.1", "MONUSCO", "2022-05-05T12:00:00Z", NEAR_LAT, east_of(10.1), "ied",
          "endorsed", "", FRA, "GREEN" },
    };
    for (size_t i = 0; i < sizeof rim / sizeof rim[0]; i++)
        insert(&rim[i]);
    struct inc ne[] = {
        { "ne-9.9", "UNMIK", "2021-05-01T12:00:00Z", 0, 0, "ied", "endorsed", "", FRA, "GREEN" },
        { "ne-10.1", "UNMIK", "2021-05-02T12:00:00Z", 0, 0, "ied", "endorsed", "", FRA, "GREEN" },
    };
    north_east_of(9.9, &ne[0].lat, &ne[0].lon);
    north_east_of(10.1, &ne[1].lat, &ne[1].lon);
    insert(&ne[0]);
    insert(&ne[1]);
    event("ucdp", "101", "2023-03-01T00:00:00Z", 14.5, -4.2, "MLI",
          "Clashes near Mopti between the army and JNIM.", FRA, "GREEN");
    event("acled", "SSD77", "2023-03-02T00:00:00Z", 6.2, 31.5, "SSD", "Cattle raid in Jonglei.",
          FRA, "GREEN");
    event("ucdp", "102", "2023-03-03T00:00:00Z", -1.6, 29.2, "COD", "Shelling near Goma.", BRA,
          "AMBER+STRICT");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    free(store_path);
    return 0;
}

/* ---- asking ---- */

/* The page as spatial_list_text() writes it is the bytes of spatial_list's items, with the
 * same cursor: every query of this file checks it on every page. */
static void same_text(const struct principal *who, const struct spatial_layer *layer,
                      const struct spatial_filter *f, const char *after, int page,
                      const json_t *items, const char *next)
{
    struct bh_error err;
    struct buf text = BUF_INIT;
    char text_next[SPATIAL_CURSOR_MAX];
    int64_t total;
    buf_puts(&text, "[");
    must(spatial_list_text(db, who, layer, f, after, page, &text, text_next, &total, &err), &err,
         "spatial_list_text");
    buf_puts(&text, "]");
    char *tree = json_dumps(items, JSON_COMPACT | JSON_REAL_PRECISION(15));
    assert_string_equal(buf_str(&text), tree);
    assert_string_equal(text_next, next);
    free(tree);
    buf_cleanup(&text);
}

/* The ids of every match for `who` with the filters (name, value pairs, NULL-terminated),
 * walking pages of `page` items, as "a,b,c"; checks on the way that the total is the same
 * on every page and equals the number of items. Fails the test on an error. */
static const char *ids_paged(const struct principal *who, const struct spatial_layer *layer,
                             int page, const char *const *filters)
{
    static char out[4096];
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    for (int i = 0; filters && filters[i]; i += 2)
        must(spatial_filter_set(&f, filters[i], filters[i + 1], &err), &err, filters[i]);
    out[0] = '\0';
    char after[SPATIAL_CURSOR_MAX] = "", next[SPATIAL_CURSOR_MAX];
    int64_t total = -1, first_total = -1, seen = 0;
    for (int pages = 0; pages < 100; pages++) {
        json_t *items = json_array();
        must(spatial_list(db, who, layer, &f, after, page, items, next, &total, &err), &err,
             "spatial_list");
        same_text(who, layer, &f, after, page, items, next);
        if (first_total < 0)
            first_total = total;
        assert_int_equal(total, first_total);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            if (out[0])
                strcat(out, ",");
            strcat(out, json_string_value(json_object_get(it, "id")));
            seen++;
        }
        json_decref(items);
        if (!next[0])
            break;
        snprintf(after, sizeof after, "%s", next);
    }
    if (seen != first_total)
        fail_msg("total %lld but the pages held %lld items: %s", (long long)first_total,
                 (long long)seen, out);
    return out;
}

static const char *ids(const struct principal *who, const char *const *filters)
{
    return ids_paged(who, &spatial_incidents, 500, filters);
}

/* The error spatial_list gives for the filters, which spatial_filter_set accepted. */
static int list_error(const struct principal *who, const struct spatial_layer *layer,
                      const char *const *filters, struct bh_error *err)
{
    struct spatial_filter f;
    spatial_filter_init(&f);
    for (int i = 0; filters[i]; i += 2)
        must(spatial_filter_set(&f, filters[i], filters[i + 1], err), err, filters[i]);
    char next[SPATIAL_CURSOR_MAX];
    json_t *items = json_array();
    int rc = spatial_list(db, who, layer, &f, NULL, 10, items, next, NULL, err);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    return rc;
}

static struct principal admin, fra, bra, gha, anon;

static void users(void)
{
    user(DPO, ROLE_ADMIN, &admin);
    user(FRA, ROLE_ANALYST, &fra);
    user(BRA, ROLE_ANALYST, &bra);
    user(GHA, ROLE_ANALYST, &gha);
    principal_anonymous(&anon);
}

/* ---- the tests ---- */

/* spatial/bbox: in and out, edges included; a box across the antimeridian (west > east)
 * holds both sides of the date line and nothing between; the mirror box holds neither. */
static void spatial_bbox(void **state)
{
    (void)state;
    users();
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "-1,15,0,17", NULL }), "gao");
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "-5,10,5,20", NULL }),
                        "kidal,fra-amber,gao");
    /* A point on the edge is inside: Gao's own coordinates as the box. */
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "-0.04,16.27,-0.04,16.27", NULL }),
                        "gao");
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "170,-20,-170,-10", NULL }),
                        "fiji-west,fiji-east");
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "-170,-20,170,-10", NULL }), "");
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "179.6,-20,-170,-10", NULL }),
                        "fiji-west");
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "170,-20,179.5,-10", NULL }),
                        "fiji-east");
    char all[4096];
    snprintf(all, sizeof all, "%s", ids(&fra, NULL));
    assert_string_equal(ids(&fra, (const char *[]){ "bbox", "-180,-90,180,90", NULL }), all);
}

/* spatial/near: great-circle distance, exact at the rim both north (latitude) and east
 * (longitude): 9.9 km in, 10.1 km out; with a bbox both must hold. */
static void spatial_near(void **state)
{
    (void)state;
    users();
    /* The distance test is SQL: SQLite's math functions (3.35+, SQLITE_ENABLE_MATH_FUNCTIONS)
     * must be in the linked library. */
    assert_int_equal(test_query_int(db, "SELECT abs(acos(0.5) - pi() / 3) < 1e-12 AND "
                                        "abs(asin(1) * 2 - pi()) < 1e-12 AND radians(180) = pi() "
                                        "AND pow(2, 10) = 1024 AND sqrt(4) = 2"),
                     1);
    assert_string_equal(ids(&fra, (const char *[]){ "near", "10,20,10", NULL }),
                        "east-9.9,north-9.9,centre,ne-9.9");
    assert_string_equal(ids(&fra, (const char *[]){ "near", "10,20,10.2", NULL }),
                        "east-10.1,east-9.9,north-10.1,north-9.9,centre,ne-10.1,ne-9.9");
    assert_string_equal(ids(&fra, (const char *[]){ "near", "10,20,9.8", NULL }), "centre");
    /* The corner of the circle's box: 7.1 km north and east, 10.1 km away. */
    assert_string_equal(
        ids(&fra, (const char *[]){ "near", "10,20,10", "bbox", "20.06,10.06,21,11", NULL }),
        "ne-9.9");
    /* The bbox cuts the circle: only the points east of longitude 20.05 stay. */
    assert_string_equal(
        ids(&fra, (const char *[]){ "near", "10,20,10", "bbox", "20.05,9,21,11", NULL }),
        "east-9.9,ne-9.9");
    /* A circle across the antimeridian: 51 km to the west point, 70 km to the east one. */
    assert_string_equal(ids(&fra, (const char *[]){ "near", "-16.75,-179.9,100", NULL }),
                        "fiji-west,fiji-east");
    /* A circle over the pole holds every longitude. */
    assert_string_equal(ids(&fra, (const char *[]){ "near", "89.9,0,2000", NULL }), "");
}

/* spatial/time: from and to are inclusive; a date `to` takes in its last second; a time
 * `to` stops at that second; from after to is an error naming `to`. */
static void spatial_time(void **state)
{
    (void)state;
    users();
    assert_string_equal(
        ids(&fra, (const char *[]){ "from", "2024-01-02", "to", "2024-01-31", NULL }),
        "kidal,fra-amber,gao");
    assert_string_equal(ids(&fra, (const char *[]){ "from", "2024-01-02T10:00:00Z", "to",
                                                    "2024-01-31T23:59:58Z", NULL }),
                        "fra-amber,gao");
    assert_string_equal(ids(&fra, (const char *[]){ "from", "2024-01-02T10:00:01Z", NULL }),
                        "juba,kidal,fra-amber");
    /* An offset is read as the instant it names: 01:00+01:00 is midnight UTC. */
    assert_string_equal(ids(&fra, (const char *[]){ "from", "2024-02-01T01:00:00+01:00", NULL }),
                        "juba");
    assert_string_equal(ids(&fra, (const char *[]){ "to", "2022-05-01", NULL }),
                        "centre,ne-10.1,ne-9.9");
    struct bh_error err;
    assert_int_equal(list_error(&fra, &spatial_incidents,
                                (const char *[]){ "from", "2024-02-01", "to", "2024-01-31", NULL },
                                &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "to");
}

/* spatial/type-status-mission: each list filter in and out; missions without case; an
 * unknown mission is an error naming it; status does not apply to events; mission on events
 * means the host countries of those missions. */
static void spatial_type_status_mission(void **state)
{
    (void)state;
    users();
    assert_string_equal(ids(&fra, (const char *[]){ "type", "ied", "bbox", "-5,10,5,20", NULL }),
                        "fra-amber,gao");
    if (taxonomy_threat_find("indirect_fire"))
        assert_string_equal(
            ids(&fra, (const char *[]){ "type", "ied,indirect_fire", "bbox", "-5,10,5,20", NULL }),
            "kidal,fra-amber,gao");
    assert_string_equal(ids(&fra, (const char *[]){ "status", "draft,returned", NULL }),
                        "juba,fiji-east");
    assert_string_equal(ids(&fra, (const char *[]){ "mission", "minusma", NULL }),
                        "kidal,fra-amber,gao");
    assert_string_equal(ids(&fra, (const char *[]){ "mission", "UNMISS, MINUSMA", "status",
                                                    "submitted,draft", NULL }),
                        "juba,kidal");
    struct bh_error err;
    assert_int_equal(list_error(&fra, &spatial_incidents,
                                (const char *[]){ "mission", "UNMISS,ATLANTIS", NULL }, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "mission");
    assert_contains(err.message, "ATLANTIS");
    assert_int_equal(
        list_error(&fra, &spatial_events, (const char *[]){ "status", "endorsed", NULL }, &err),
        BH_EINVALID);
    assert_string_equal(err.field, "status");
    assert_string_equal(err.message, "status does not apply to events");
    assert_string_equal(
        ids_paged(&fra, &spatial_events, 500, (const char *[]){ "mission", "MINUSMA", NULL }),
        "ucdp:101");
    assert_string_equal(ids_paged(&fra, &spatial_events, 500,
                                  (const char *[]){ "mission", "MINUSMA,UNMISS", NULL }),
                        "acled:SSD77,ucdp:101");
}

/* spatial/q: the words of the narrative (and place, perpetrator, mission, threat type), all of
 * them, with prefixes; punctuation and FTS5 keywords are plain words, never syntax. The threat
 * type's label and acronyms are words of every record of that type: "explosive" and "IED" find
 * every IED report, not only those whose narrative says it (api/search_worklists counts them). */
static void spatial_q(void **state)
{
    (void)state;
    users();
    assert_string_equal(ids(&fra, (const char *[]){ "q", "convoy", NULL }), "fra-amber,gao");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "convoy injured", NULL }), "gao");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "mortar camp", NULL }), "kidal");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "mortar convoy", NULL }), "");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "injur*", NULL }), "gao");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "Gao;", NULL }), "gao");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "\"NEAR\" (the", NULL }), "juba");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "AND OR NOT", NULL }), "");
    assert_string_equal(ids(&fra, (const char *[]){ "q", "narrative: ied", NULL }), "");
    /* The acronym finds every IED report FRA may see, as the type filter does (ids() returns
     * a static buffer: copy the first answer). */
    char *by_type = xstrdup(ids(&fra, (const char *[]){ "type", "ied", NULL }));
    assert_true(strlen(by_type) > strlen("juba,fra-amber,gao"));
    assert_string_equal(ids(&fra, (const char *[]){ "q", "IED -", NULL }), by_type);
    assert_string_equal(ids(&fra, (const char *[]){ "q", "explosive", NULL }), by_type);
    free(by_type);
    assert_string_equal(
        ids_paged(&fra, &spatial_events, 500, (const char *[]){ "q", "jnim", NULL }),
        "acled:SSD77,ucdp:101");
    assert_string_equal(
        ids_paged(&fra, &spatial_events, 500, (const char *[]){ "q", "mopti", NULL }), "ucdp:101");
}

/* spatial/sort: newest first by default, oldest first on request; ties on the time are
 * broken by the row key, so the order is total. */
static void spatial_sort(void **state)
{
    (void)state;
    users();
    assert_string_equal(ids(&fra, (const char *[]){ "mission", "UNMISS", NULL }),
                        "juba,fiji-west,fiji-east");
    assert_string_equal(
        ids(&fra, (const char *[]){ "mission", "UNMISS", "sort", "occurred", NULL }),
        "fiji-east,fiji-west,juba");
    assert_string_equal(
        ids_paged(&fra, &spatial_incidents, 1,
                  (const char *[]){ "mission", "UNMISS", "sort", "occurred", NULL }),
        "fiji-east,fiji-west,juba");
}

/* spatial/pages: every page size gives the same items in the same order without repeats;
 * rows added between pages neither repeat nor push an older row out; a cursor of the other
 * sort order, or one not made here, is refused naming `cursor`. */
static void spatial_pages(void **state)
{
    (void)state;
    users();
    char all[4096];
    snprintf(all, sizeof all, "%s", ids(&fra, NULL));
    for (int page = 1; page <= 5; page++)
        assert_string_equal(ids_paged(&fra, &spatial_incidents, page, NULL), all);

    /* Three pages of two, with a newer and an older row added after the first page. */
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    must(spatial_filter_set(&f, "mission", "MINUSMA,UNMISS", &err), &err, "mission");
    char next[SPATIAL_CURSOR_MAX], after[SPATIAL_CURSOR_MAX];
    int64_t total;
    json_t *items = json_array();
    must(spatial_list(db, &fra, &spatial_incidents, &f, NULL, 2, items, next, &total, &err), &err,
         "page 1");
    assert_int_equal(total, 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), "juba");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "id")),
                        "kidal");
    json_array_clear(items);
    assert_true(next[0] != '\0');
    snprintf(after, sizeof after, "%s", next);
    must(db_begin(db, &err), &err, "begin");
    insert(&(struct inc){ "late-new", "MINUSMA", "2024-03-01T00:00:00Z", 16, 0, "ied", "endorsed",
                          "", FRA, "GREEN" });
    insert(&(struct inc){ "late-old", "MINUSMA", "2020-03-01T00:00:00Z", 16, 0, "ied", "endorsed",
                          "", FRA, "GREEN" });
    must(db_commit(db, &err), &err, "commit");
    char rest[1024] = "";
    for (;;) {
        must(spatial_list(db, &fra, &spatial_incidents, &f, after, 2, items, next, &total, &err),
             &err, "next page");
        assert_int_equal(total, 8); /* the total is now, the pages go on from where they were */
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            strcat(rest, ",");
            strcat(rest, json_string_value(json_object_get(it, "id")));
        }
        json_array_clear(items);
        if (!next[0])
            break;
        snprintf(after, sizeof after, "%s", next);
    }
    assert_string_equal(rest, ",fra-amber,gao,fiji-west,fiji-east,late-old");
    test_exec(db, "DELETE FROM incident WHERE id IN ('late-new', 'late-old')");

    /* Cursors: the other order's, and made-up ones. */
    f.ascending = true;
    static const char *const bad[] = {
        "d:2024-01-31T23:59:59Z/2", "x", "a:2024/", "a:/5", "a:2024-01-01T00:00:00Z/-1",
        "a:2024-01-01T00:00:00Z/1x"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = spatial_list(db, &fra, &spatial_incidents, &f, bad[i], 2, items, next, NULL, &err);
        if (rc != BH_EINVALID || strcmp(err.field, "cursor") != 0)
            fail_msg("cursor '%s': expected EINVALID naming cursor, got %s naming '%s'", bad[i],
                     bh_errname(rc), err.field);
    }
    json_decref(items);
}

/* spatial/sharing: a reader sees and counts what the markings allow and nothing else:
 * BRA's AMBER+STRICT and RED rows are neither listed nor counted for FRA; BRA sees its
 * AMBER+STRICT row but not FRA's AMBER one; GHA, in FRA's group, sees that one; anonymous
 * sees TLP:CLEAR only. The same holds for events. */
static void spatial_sharing(void **state)
{
    (void)state;
    users();
    const char *wide[] = { "bbox", "-1,15,1,17", NULL }; /* Gao and Ansongo */
    assert_string_equal(ids(&fra, wide), "fra-amber,gao");
    assert_string_equal(ids(&bra, wide), "bra-strict,gao");
    assert_string_equal(ids(&gha, wide), "fra-amber,gao");
    assert_string_equal(ids(&admin, wide), "fra-amber,bra-red,bra-strict,gao");
    /* juba is TLP:CLEAR but still a draft: FRA's own until submitted. */
    assert_string_equal(ids(&anon, NULL), "");
    assert_string_equal(ids(&bra, (const char *[]){ "mission", "UNMISS", NULL }),
                        "fiji-west,fiji-east");
    assert_string_equal(ids(&fra, (const char *[]){ "mission", "UNMISS", NULL }),
                        "juba,fiji-west,fiji-east");
    assert_string_equal(ids_paged(&fra, &spatial_events, 500, NULL), "acled:SSD77,ucdp:101");
    assert_string_equal(ids_paged(&bra, &spatial_events, 500, NULL),
                        "ucdp:102,acled:SSD77,ucdp:101");
    assert_string_equal(ids_paged(&anon, &spatial_events, 500, NULL), "");

    /* spatial_count agrees with the list's total. */
    struct spatial_filter f;
    struct bh_error err;
    int64_t n = -1;
    spatial_filter_init(&f);
    must(spatial_filter_set(&f, "bbox", "-1,15,1,17", &err), &err, "bbox");
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "count");
    assert_int_equal(n, 2);
    must(spatial_count(db, &admin, &spatial_incidents, &f, &n, &err), &err, "count");
    assert_int_equal(n, 4);
}

/* spatial/admin-audited: an admin's page holding RED or AMBER+STRICT rows, read as items or
 * as text, writes one incident.read entry naming them; a member's page, or an admin's without such
 * rows, writes none. */
static void spatial_admin_audited(void **state)
{
    (void)state;
    users();
    const char *sql = "SELECT count(*) FROM audit_log WHERE action = 'incident.read'";
    int64_t before = test_query_int(db, sql);
    ids(&fra, (const char *[]){ "bbox", "-1,15,1,17", NULL });
    ids(&admin, (const char *[]){ "bbox", "-1,15,1,16.4", NULL }); /* gao only */
    assert_int_equal(test_query_int(db, sql), before);
    /* ids() reads each page twice, as items and as text (same_text): each read is audited. */
    ids(&admin, (const char *[]){ "bbox", "-1,15,1,17", NULL });
    assert_int_equal(test_query_int(db, sql), before + 2);
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "SELECT summary, username FROM audit_log WHERE action = 'incident.read' "
                    "ORDER BY seq DESC LIMIT 1",
                    &st, &err),
         &err, "prepare");
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0),
                        "{\"ids\":[\"bra-red\",\"bra-strict\"],\"via\":\"list\"}");
    assert_string_equal(db_column_text(st, 1), "DPO.admin");
    db_stmt_done(st);
}

/* Values at the edges of JSON: every escape jansson writes, text beyond ASCII, reals that
 * are whole numbers, lists, NULLs, and a report merged into one that FRA may not see (that
 * row goes through row_json and the redact). The text is the tree's bytes for every reader. */
static void spatial_text_bytes(void **state)
{
    (void)state;
    users();
    struct bh_error err;
    struct incident_row r = {
        .id = "odd-text",
        .mission = "MINURSO",
        .occurred_at = "2019-07-01T00:00:00Z",
        .occurred_precision = "day",
        .reported_at = "2019-07-02T00:00:00Z",
        .latitude = 27.0,
        .longitude = -13.25,
        .location_precision = "near",
        .place_name = "Smara \"east\" \\ road",
        .admin1 = "Lâayoune-Sakia El Hamra",
        .threat_type = "ied",
        .target = "convoy",
        .activity = "patrolling",
        .perpetrator = "unknown\tgroup",
        .perpetrator_groups = "[\"JNIM\",\"ISGS\"]",
        .killed = 2,
        .injured = 11,
        .narrative = "tab\tnl\ncr\rbs\bff\fctl\x01\x1f del\x7f </script> \xe2\x80\xa8 雪 ليلة",
        .sources = "[\"https://example.org/a?b=1&c=\\\"d\\\"\"]",
        .status = "endorsed",
        .owner_org_id = org_id[FRA],
        .reporter = "fixture",
        .tlp = "GREEN",
        .source = "member",
    };
    must(incident_store_insert(db, &r, NULL, NULL, &err), &err, r.id);
    struct incident_row m = r;
    m.id = "merged-away";
    m.occurred_at = "2019-07-03T00:00:00Z";
    m.latitude = 26.5;
    m.longitude = -12.0;
    m.narrative = "";
    m.perpetrator_groups = NULL;
    m.sources = NULL;
    m.status = "merged";
    m.merged_into = "bra-strict";
    must(incident_store_insert(db, &m, NULL, NULL, &err), &err, m.id);

    const char *const filters[] = { "mission", "MINURSO", NULL };
    const struct principal *readers[] = { &fra, &bra, &gha, &admin, &anon };
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        ids_paged(readers[i], &spatial_incidents, 1, filters); /* same_text on each page */
    /* FRA reads the merged report, but not the report it was merged into. */
    assert_string_equal(ids_paged(&fra, &spatial_incidents, 5, filters), "merged-away,odd-text");
    test_exec(db, "DELETE FROM incident WHERE id IN ('odd-text', 'merged-away')");
}

/* spatial/totals-follow-changes: the totals kept between pages change with the store: a row
 * another connection adds, one this connection adds, a marking changed elsewhere, and a new
 * connection to the same file after the old one closed. */
static void spatial_totals_follow_changes(void **state)
{
    (void)state;
    users();
    struct spatial_filter f;
    struct bh_error err;
    int64_t n = -1;
    spatial_filter_init(&f);
    must(spatial_filter_set(&f, "mission", "MONUSCO", &err), &err, "mission");
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "count");
    assert_int_equal(n, 5);
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "count again");
    assert_int_equal(n, 5);

    struct db *other = test_db_open(store_path, 0);
    test_exec(other, "UPDATE incident SET tlp = 'AMBER+STRICT', owner_org_id = "
                     "(SELECT id FROM org WHERE code = 'BRA') WHERE id = 'east-10.1'");
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "after update");
    assert_int_equal(n, 4);
    insert(&(struct inc){ "own-write", "MONUSCO", "2022-06-01T00:00:00Z", 0, 20, "ied", "endorsed",
                          "", FRA, "GREEN" });
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "after own insert");
    assert_int_equal(n, 5);

    /* Close and reopen: the new connection (quite possibly at the old one's address) must
     * not answer from the old one's totals after a third writer changed the file. */
    db_close(db);
    test_exec(other, "DELETE FROM incident WHERE id = 'own-write'; UPDATE incident SET tlp = "
                     "'GREEN', owner_org_id = (SELECT id FROM org WHERE code = 'FRA') WHERE id = "
                     "'east-10.1'");
    db_close(other);
    db = test_db_open(store_path, 0);
    must(spatial_count(db, &fra, &spatial_incidents, &f, &n, &err), &err, "reopened");
    assert_int_equal(n, 5);
    assert_string_equal(ids(&fra, (const char *[]){ "mission", "MONUSCO", NULL }),
                        "east-10.1,east-9.9,north-10.1,north-9.9,centre");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial/bbox", spatial_bbox),
        BH_TEST("spatial/near", spatial_near),
        BH_TEST("spatial/time", spatial_time),
        BH_TEST("spatial/type-status-mission", spatial_type_status_mission),
        BH_TEST("spatial/q", spatial_q),
        BH_TEST("spatial/sort", spatial_sort),
        BH_TEST("spatial/pages", spatial_pages),
        BH_TEST("spatial/sharing", spatial_sharing),
        BH_TEST("spatial/admin-audited", spatial_admin_audited),
        BH_TEST("spatial/totals-follow-changes", spatial_totals_follow_changes),
        BH_TEST("spatial/list-text-same-bytes", spatial_text_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
