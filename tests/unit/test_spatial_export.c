/* The map layers as files, in process: GeoJSON that is RFC 7946 (a FeatureCollection of
 * Features with Point geometry [lon, lat], no crs, the record's id) and carries exactly the
 * list's items as properties; CSV with the header and HXL rows, RFC 4180 quoting of commas,
 * quotes and line breaks, UTF-8 kept; both with the same rows in the same order as the list
 * for the same filters. Also: an empty file, a writer that fails, and the admin's export of
 * restricted rows written to the audit log. */
#include "support.h"

#include "db/db.h"
#include "event/event.h"
#include "formats/csv.h"
#include "formats/hxl.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static struct principal admin, member;
static int64_t fra, bra;

static int64_t add_org(const char *code)
{
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    struct bh_error err;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "%s", code);
    snprintf(o.name, sizeof o.name, "Organization %s", code);
    o.kind = ORG_MEMBER_STATE;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    return o.id;
}

#define TRICKY "Convoy hit at \"Km 12\", two injured;\nsecond line. Tombouctou — à l'est"

static void incident(const char *id, const char *when, double lat, double lon,
                     const char *narrative, int64_t owner, const char *tlp)
{
    struct bh_error err;
    struct incident_row r = {
        .id = id,
        .mission = "MINUSMA",
        .occurred_at = when,
        .occurred_precision = "day",
        .reported_at = when,
        .latitude = lat,
        .longitude = lon,
        .location_precision = "near",
        .place_name = "Tombouctou",
        .threat_type = "ied",
        .target = "convoy",
        .activity = "escort",
        .perpetrator_groups = "[\"jnim\",\"isgs\"]",
        .killed = 1,
        .injured = 2,
        .narrative = narrative,
        .sources = "[\"UN press release\",\"Radio; local\"]",
        .status = "endorsed",
        .owner_org_id = owner,
        .reporter = "fixture",
        .tlp = tlp,
        .source = "member",
    };
    must(incident_store_insert(db, &r, NULL, NULL, &err), &err, id);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("spatial_export", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    fra = add_org("FRA");
    bra = add_org("BRA");
    principal_cli(&admin);
    memset(&member, 0, sizeof member);
    member.account_id = 9;
    member.org_id = fra;
    member.role = ROLE_ANALYST;
    incident("tricky", "2024-05-01T00:00:00Z", 16.7735, -3.0074, TRICKY, fra, "GREEN");
    incident("plain", "2024-04-01T00:00:00Z", 16.2719, -0.0447, "Patrol delayed.", fra, "GREEN");
    incident("west", "2024-03-01T00:00:00Z", 14.4843, -4.1961, "Mopti.", fra, "CLEAR");
    incident("hidden", "2024-02-01T00:00:00Z", 15.0, -2.0, "BRA only.", bra, "RED");
    struct event_row e = {
        .source = "ucdp",
        .source_id = "36210",
        .occurred_at = "2019-01-20T00:00:00Z",
        .date_end = "2019-01-21",
        .date_precision = 1,
        .latitude = 20.5,
        .longitude = 1.0,
        .geo_precision = 2,
        .country = "Mali",
        .country_iso3 = "MLI",
        .threat_type = "ied",
        .source_type = "3",
        .actor1 = "JNIM",
        .actor2 = "Civilians",
        .fatalities = 10,
        .has_low_high = true,
        .fatalities_low = 8,
        .fatalities_high = 12,
        .owner_org_id = fra,
        .tlp = "CLEAR",
    };
    must(event_store_upsert(db, &e, NULL, &err), &err, "event");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int to_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The file for `who` with at most one filter (name, value; NULL for none); heap string. */
static char *file(const struct principal *who, const struct spatial_layer *layer,
                  enum spatial_format fmt, const char *name, const char *value, int64_t *count)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    if (name)
        must(spatial_filter_set(&f, name, value, &err), &err, name);
    struct buf b = BUF_INIT;
    must(spatial_export(db, who, layer, &f, fmt, to_buf, &b, count, &err), &err, "export");
    buf_puts(&b, ""); /* an empty file is "" rather than NULL */
    return buf_steal(&b);
}

/* The list's items for the same filter, all pages. */
static json_t *list(const struct principal *who, const struct spatial_layer *layer,
                    const char *name, const char *value)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    if (name)
        must(spatial_filter_set(&f, name, value, &err), &err, name);
    json_t *items = json_array();
    char next[SPATIAL_CURSOR_MAX];
    must(spatial_list(db, who, layer, &f, NULL, 500, items, next, NULL, &err), &err, "list");
    assert_string_equal(next, "");
    return items;
}

/* The file the list's items make when each is turned into a Feature through jansson, the way
 * export.c's geojson_feature() does: the bytes the export must write, whichever way it writes
 * a row (straight from it, or through the tree). */
static char *geojson_from_items(const json_t *items)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        json_t *props = json_deep_copy(item);
        json_t *lat = json_incref(json_object_get(props, "latitude"));
        json_t *lon = json_incref(json_object_get(props, "longitude"));
        json_object_del(props, "latitude");
        json_object_del(props, "longitude");
        json_t *f = json_pack("{s:s, s:O, s:{s:s, s:[o, o]}, s:o}", "type", "Feature", "id",
                              json_object_get(item, "id"), "geometry", "type", "Point",
                              "coordinates", lon, lat, "properties", props);
        char *text = json_dumps(f, JSON_COMPACT | JSON_REAL_PRECISION(15));
        buf_puts(&b, i ? ",\n" : "\n");
        buf_puts(&b, text);
        free(text);
        json_decref(f);
    }
    buf_puts(&b, json_array_size(items) ? "\n]}\n" : "]}\n");
    return buf_steal(&b);
}

/* spatial/geojson: RFC 7946 and the list's items. */
static void spatial_geojson(void **state)
{
    (void)state;
    int64_t count = -1;
    char *text = file(&member, &spatial_incidents, SPATIAL_GEOJSON, "mission", "MINUSMA", &count);
    json_error_t jerr;
    json_t *fc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!fc)
        fail_msg("not JSON (%s, line %d):\n%s", jerr.text, jerr.line, text);
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    assert_null(json_object_get(fc, "crs"));
    assert_int_equal(json_object_size(fc), 2);
    json_t *features = json_object_get(fc, "features");
    json_t *items = list(&member, &spatial_incidents, "mission", "MINUSMA");
    assert_int_equal(json_array_size(features), 3);
    assert_int_equal(json_array_size(features), json_array_size(items));
    assert_int_equal(count, 3);
    size_t i;
    json_t *feat;
    json_array_foreach(features, i, feat)
    {
        json_t *item = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(feat, "type")), "Feature");
        assert_string_equal(json_string_value(json_object_get(feat, "id")),
                            json_string_value(json_object_get(item, "id")));
        json_t *g = json_object_get(feat, "geometry");
        assert_string_equal(json_string_value(json_object_get(g, "type")), "Point");
        json_t *c = json_object_get(g, "coordinates");
        assert_int_equal(json_array_size(c), 2);
        /* [longitude, latitude], in that order, the same numbers as the list's. */
        assert_true(json_real_value(json_array_get(c, 0)) ==
                    json_real_value(json_object_get(item, "longitude")));
        assert_true(json_real_value(json_array_get(c, 1)) ==
                    json_real_value(json_object_get(item, "latitude")));
        json_t *props = json_object_get(feat, "properties");
        assert_null(json_object_get(props, "latitude"));
        assert_null(json_object_get(props, "longitude"));
        json_t *expect = json_deep_copy(item);
        json_object_del(expect, "latitude");
        json_object_del(expect, "longitude");
        if (!json_equal(props, expect)) {
            char *a = json_dumps(props, JSON_SORT_KEYS), *b = json_dumps(expect, JSON_SORT_KEYS);
            fail_msg("properties differ from the list's item:\n%s\n%s", a, b);
        }
        json_decref(expect);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(features, 0), "id")),
                        "tricky");
    /* Byte for byte what the tree would have written (the rows are written straight). */
    char *expect_text = geojson_from_items(items);
    assert_string_equal(text, expect_text);
    free(expect_text);
    /* 16.7735 prints as itself, not as 16.773499999999999. */
    assert_contains(text, "\"coordinates\":[-3.0074,16.7735]");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(features, 0), "properties"), "narrative")),
        TRICKY);
    json_decref(items);
    json_decref(fc);
    free(text);

    text = file(&member, &spatial_incidents, SPATIAL_GEOJSON, "q", "nowhere", &count);
    assert_string_equal(text, "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    assert_int_equal(count, 0);
    free(text);
}

struct rows {
    char **cells[16];
    size_t ncells[16];
    int n;
};

static int on_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    (void)err;
    struct rows *r = ctx;
    if (r->n == 16)
        return BH_EINVALID;
    r->cells[r->n] = calloc(row->nfields, sizeof(char *));
    for (size_t i = 0; i < row->nfields; i++)
        r->cells[r->n][i] = strdup(row->fields[i]);
    r->ncells[r->n++] = row->nfields;
    return 0;
}

static void rows_free(struct rows *r)
{
    for (int i = 0; i < r->n; i++) {
        for (size_t j = 0; j < r->ncells[i]; j++)
            free(r->cells[i][j]);
        free(r->cells[i]);
    }
}

static int column(const struct spatial_layer *layer, const char *header)
{
    for (int i = 0; layer->csv[i].header; i++)
        if (strcmp(layer->csv[i].header, header) == 0)
            return i;
    fail_msg("no column %s", header);
    return -1;
}

/* spatial/csv: header, HXL row, the list's rows in its order, the tricky narrative intact. */
static void spatial_csv(void **state)
{
    (void)state;
    int64_t count = -1;
    char *text = file(&member, &spatial_incidents, SPATIAL_CSV, NULL, NULL, &count);
    struct rows r = { .n = 0 };
    struct bh_error err;
    struct csv_reader_opts opts = { .on_row = on_row, .ctx = &r };
    must(csv_read_mem(text, strlen(text), &opts, &err), &err, "read the CSV back");
    assert_int_equal(r.n, 2 + 3);
    assert_int_equal(count, 3);
    int ncol = 0;
    while (spatial_incidents.csv[ncol].header)
        ncol++;
    for (int i = 0; i < r.n; i++)
        assert_int_equal(r.ncells[i], ncol);
    for (int c = 0; c < ncol; c++) {
        assert_string_equal(r.cells[0][c], spatial_incidents.csv[c].header);
        assert_string_equal(r.cells[1][c], spatial_incidents.csv[c].hxl);
    }
    assert_prefix(text, "id,mission,occurred_at,");
    assert_contains(text, "\n#event+id,#x_mission,#date+occurred,");
    json_t *items = list(&member, &spatial_incidents, NULL, NULL);
    assert_int_equal(json_array_size(items), 3);
    int id = column(&spatial_incidents, "id");
    for (int i = 0; i < 3; i++)
        assert_string_equal(r.cells[2 + i][id],
                            json_string_value(json_object_get(json_array_get(items, i), "id")));
    /* The first row, cell by cell where the writing has rules. */
    char **row = r.cells[2];
    assert_string_equal(row[column(&spatial_incidents, "narrative")], TRICKY);
    assert_string_equal(row[column(&spatial_incidents, "latitude")], "16.7735");
    assert_string_equal(row[column(&spatial_incidents, "longitude")], "-3.0074");
    assert_string_equal(row[column(&spatial_incidents, "perpetrator_groups")], "jnim; isgs");
    assert_string_equal(row[column(&spatial_incidents, "sources")],
                        "UN press release; Radio; local");
    assert_string_equal(row[column(&spatial_incidents, "killed")], "1");
    assert_string_equal(row[column(&spatial_incidents, "synthetic")], "false");
    assert_string_equal(row[column(&spatial_incidents, "tlp")], "TLP:GREEN");
    assert_string_equal(row[column(&spatial_incidents, "owner")], "FRA");
    assert_string_equal(row[column(&spatial_incidents, "admin1")], "");
    /* RFC 4180: the quotes doubled inside a quoted field that keeps its line break. */
    assert_contains(text, "\"Convoy hit at \"\"Km 12\"\", two injured;\nsecond line.");
    rows_free(&r);
    json_decref(items);
    free(text);

    /* The events' file. */
    text = file(&member, &spatial_events, SPATIAL_CSV, "mission", "MINUSMA", &count);
    r.n = 0;
    must(csv_read_mem(text, strlen(text), &opts, &err), &err, "events CSV");
    assert_int_equal(r.n, 3);
    row = r.cells[2];
    assert_string_equal(row[column(&spatial_events, "id")], "ucdp:36210");
    assert_string_equal(row[column(&spatial_events, "fatalities_low")], "8");
    assert_string_equal(row[column(&spatial_events, "country_iso3")], "MLI");
    assert_string_equal(row[column(&spatial_events, "date_end")], "2019-01-21");
    assert_string_equal(row[column(&spatial_events, "notes")], "");
    assert_string_equal(r.cells[1][column(&spatial_events, "fatalities")], "#affected+killed");
    rows_free(&r);
    free(text);

    /* No match: the two header rows alone. */
    text = file(&member, &spatial_incidents, SPATIAL_CSV, "q", "nowhere", &count);
    assert_int_equal(test_count_lines(text), 2);
    assert_int_equal(count, 0);
    free(text);
}

/* spatial/hxl-columns: every hashtag is HXL, the headers and hashtags are unique in a file,
 * every column names a key of the list's items, and where one hashtag's attributes extend
 * another's, the plain one comes first (an HXL tool takes the first column a selector
 * matches). */
static bool extends(const char *plain, const char *longer)
{
    /* Same hashtag and every +attribute of `plain` in `longer`. */
    size_t hn = strcspn(plain, "+");
    if (strncmp(plain, longer, hn) != 0 || (longer[hn] != '+' && longer[hn] != '\0'))
        return false;
    for (const char *p = plain + hn; *p == '+';) {
        size_t an = strcspn(p + 1, "+");
        bool found = false;
        for (const char *q = longer + hn; *q == '+'; q += 1 + strcspn(q + 1, "+"))
            found |= strcspn(q + 1, "+") == an && strncmp(q + 1, p + 1, an) == 0;
        if (!found)
            return false;
        p += 1 + an;
    }
    return true;
}

static void spatial_hxl_columns(void **state)
{
    (void)state;
    const struct spatial_layer *layers[] = { &spatial_incidents, &spatial_events };
    for (int l = 0; l < 2; l++) {
        const struct spatial_layer *layer = layers[l];
        json_t *items = list(&admin, layer, NULL, NULL);
        json_t *item = json_array_get(items, 0);
        int n = 0;
        for (int i = 0; layer->csv[i].header; i++, n++) {
            const struct spatial_csv_column *c = &layer->csv[i];
            if (!hxl_tag_valid(c->hxl))
                fail_msg("%s: %s is not an HXL hashtag", c->header, c->hxl);
            if (!json_object_get(item, c->key))
                fail_msg("%s: the list's items have no key %s", layer->name, c->key);
            for (int j = 0; j < i; j++) {
                assert_string_not_equal(layer->csv[j].header, c->header);
                assert_string_not_equal(layer->csv[j].hxl, c->hxl);
                if (extends(c->hxl, layer->csv[j].hxl))
                    fail_msg("%s comes after %s, which a selector for it also matches", c->hxl,
                             layer->csv[j].hxl);
            }
        }
        /* Every key of an item but the two coordinates' is a column, and they are too. */
        assert_int_equal(n, json_object_size(item));
        json_decref(items);
    }
}

static int failing_writer(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return BH_EIO;
}

/* spatial/export-failures-and-audit: a writer that fails stops the export with its code; an
 * admin's file holding RED rows is audited once, a member's is not. */
static void spatial_export_failures_and_audit(void **state)
{
    (void)state;
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    assert_int_equal(spatial_export(db, &member, &spatial_incidents, &f, SPATIAL_CSV,
                                    failing_writer, NULL, NULL, &err),
                     BH_EIO);
    assert_contains(err.message, "could not be written");
    assert_int_equal(spatial_export(db, &member, &spatial_incidents, &f, (enum spatial_format)7,
                                    failing_writer, NULL, NULL, &err),
                     BH_EINVALID);

    const char *sql = "SELECT count(*) FROM audit_log WHERE action = 'incident.read'";
    int64_t before = test_query_int(db, sql);
    int64_t count;
    free(file(&member, &spatial_incidents, SPATIAL_GEOJSON, NULL, NULL, &count));
    assert_int_equal(count, 3);
    free(file(&admin, &spatial_incidents, SPATIAL_GEOJSON, "bbox", "-1,16,0,17", &count));
    assert_int_equal(count, 1);
    assert_int_equal(test_query_int(db, sql), before);
    free(file(&admin, &spatial_incidents, SPATIAL_CSV, NULL, NULL, &count));
    assert_int_equal(count, 4);
    assert_int_equal(test_query_int(db, sql), before + 1);
    assert_int_equal(test_query_int(db, "SELECT summary = '{\"format\":\"csv\",\"records\":1,"
                                        "\"via\":\"export\"}' FROM audit_log ORDER BY seq DESC "
                                        "LIMIT 1"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial/geojson", spatial_geojson),
        BH_TEST("spatial/csv", spatial_csv),
        BH_TEST("spatial/hxl-columns", spatial_hxl_columns),
        BH_TEST("spatial/export-failures-and-audit", spatial_export_failures_and_audit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
