/* The context-event column table (src/event/columns.h) against the schema the migrations
 * build: the upsert writes every column of table context_event but the row key n, each once;
 * the select list has as many columns as the row reader's indexes; the generated lists keep
 * the text they had when they were written by hand; and an event written through the store
 * reads back with the JSON keys the map layer's CSV headers name, in their order, the values
 * it was written with, and compares as the same event. */
#include "support.h"

#include "db/db.h"
#include "event/event.h"
#include "org/org.h"
#include "principal/principal.h"
#include "spatial/spatial.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct db *db;
static int64_t org_id;

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("event_columns", NULL);
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "DPO");
    snprintf(o.name, sizeof o.name, "United Nations Department of Peace Operations");
    o.kind = ORG_UN_ENTITY;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    org_id = o.id;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* How many times `name` is one of the comma-separated names of `list`. */
static int occurrences(const char *list, const char *name)
{
    int n = 0;
    size_t len = strlen(name);
    for (const char *c = list; *c;) {
        size_t l = strcspn(c, ",");
        if (l == len && strncmp(c, name, len) == 0)
            n++;
        c += l;
        c += strspn(c, ", ");
    }
    return n;
}

static int commas(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

static void write_columns_are_the_table(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT name FROM pragma_table_info('context_event')", &st, &err), &err,
         "prepare");
    int columns = 0;
    while (db_step(st, &err) == DB_ROW) {
        const char *name = db_column_text(st, 0);
        int want = strcmp(name, "n") == 0 ? 0 : 1;
        int got = occurrences(EVENT_WRITE_COLUMNS, name);
        if (got != want)
            fail_msg("column %s is written %d times, expected %d", name, got, want);
        columns++;
    }
    db_stmt_done(st);
    /* And nothing is written that the table does not have. */
    assert_int_equal(commas(EVENT_WRITE_COLUMNS) + 1, columns - 1);
    assert_int_equal(occurrences(EVENT_WRITE_PARAMS, "?"), columns - 1);
}

static void select_list_matches_reader(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT " EVENT_COLUMNS " FROM " EVENT_FROM " LIMIT 0", &st, &err), &err,
         "prepare");
    db_stmt_done(st);
    assert_int_equal(commas(EVENT_COLUMNS) + 1, EVENT_NCOLUMNS);
    assert_int_equal(EVENT_C_n, 0);
    assert_int_equal(EVENT_C_id, 1);
    assert_int_equal(EVENT_C_imported_at, EVENT_NCOLUMNS - 1);
}

static void generated_text_as_written_by_hand(void **state)
{
    (void)state;
    assert_string_equal(
        EVENT_COLUMNS,
        "e.n, e.id, e.source, e.source_id, e.occurred_at, e.date_end, e.date_precision, "
        "e.latitude, e.longitude, e.geo_precision, e.country, e.country_iso3, e.admin1, "
        "e.admin2, e.place_name, e.threat_type, e.source_type, e.actor1, e.actor2, e.fatalities, "
        "e.fatalities_low, e.fatalities_high, e.notes, o.code, e.tlp, e.sharing_group_id, "
        "e.imported_at");
    assert_string_equal(
        EVENT_WRITE_COLUMNS,
        "id, source, source_id, occurred_at, date_end, date_precision, latitude, longitude, "
        "geo_precision, country, country_iso3, admin1, admin2, place_name, threat_type, "
        "source_type, actor1, actor2, fatalities, fatalities_low, fatalities_high, notes, "
        "owner_org_id, tlp, sharing_group_id, imported_at");
    assert_string_equal(
        EVENT_COMPARED_COLUMNS,
        "occurred_at, date_end, date_precision, latitude, longitude, geo_precision, country, "
        "country_iso3, admin1, admin2, place_name, threat_type, source_type, actor1, actor2, "
        "fatalities, fatalities_low, fatalities_high, notes, tlp, sharing_group_id");
    assert_string_equal(
        EVENT_CHANGED_ASSIGN,
        "occurred_at = excluded.occurred_at, date_end = excluded.date_end, "
        "date_precision = excluded.date_precision, latitude = excluded.latitude, "
        "longitude = excluded.longitude, geo_precision = excluded.geo_precision, "
        "country = excluded.country, country_iso3 = excluded.country_iso3, "
        "admin1 = excluded.admin1, admin2 = excluded.admin2, place_name = excluded.place_name, "
        "threat_type = excluded.threat_type, source_type = excluded.source_type, "
        "actor1 = excluded.actor1, actor2 = excluded.actor2, fatalities = excluded.fatalities, "
        "fatalities_low = excluded.fatalities_low, fatalities_high = excluded.fatalities_high, "
        "notes = excluded.notes, tlp = excluded.tlp, sharing_group_id = excluded.sharing_group_id, "
        "imported_at = excluded.imported_at");
}

static struct event_row sample(void)
{
    struct event_row r = {
        .source = "acled",
        .source_id = "CAF9001",
        .occurred_at = "2021-02-15T00:00:00Z",
        .date_precision = 2,
        .latitude = 5.7679,
        .longitude = 20.6757,
        .country = "Central African Republic",
        .country_iso3 = "CAF",
        .admin1 = "Ouaka",
        .admin2 = "Bambari",
        .place_name = "Bambari",
        .threat_type = "armed_clash",
        .source_type = "Battles: Armed clash",
        .actor1 = "UPC",
        .actor2 = "Civilians (Central African Republic)",
        .fatalities = 3,
        .notes = "On 15 February 2021, clashes near Bambari.",
        .owner_org_id = org_id,
        .tlp = "AMBER+STRICT",
        .imported_at = "2024-05-01T10:00:00Z",
    };
    return r;
}

/* The stored event in the reader's JSON. */
static json_t *read_back(const char *id)
{
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT " EVENT_COLUMNS " FROM " EVENT_FROM " WHERE e.id = ?", &st, &err),
         &err, "prepare");
    db_bind_text(st, 1, id);
    assert_int_equal(db_step(st, &err), DB_ROW);
    json_t *o = event_row_json(st, 0);
    db_stmt_done(st);
    return o;
}

static void json_and_csv_round_trip(void **state)
{
    (void)state;
    struct bh_error err;
    struct event_row r = sample();
    bool inserted = false;
    must(event_store_upsert(db, &r, &inserted, &err), &err, "upsert");
    assert_true(inserted);
    json_t *o = read_back("acled:CAF9001");

    /* The keys are the layer's CSV headers, in their order, and nothing else. */
    const char *key;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, key, v)
    {
        const struct spatial_csv_column *c = &spatial_events.csv[i++];
        assert_non_null(c->header);
        assert_string_equal(key, c->header);
        assert_string_equal(c->key, c->header);
        assert_true(c->hxl[0] == '#');
    }
    assert_null(spatial_events.csv[i].header);
    assert_int_equal(i, EVENT_NCOLUMNS - 1);

    /* Each kind reads back as it was bound. */
    assert_string_equal(json_string_value(json_object_get(o, "id")), "acled:CAF9001");
    assert_string_equal(json_string_value(json_object_get(o, "source_id")), "CAF9001");
    assert_true(json_is_null(json_object_get(o, "date_end")));
    assert_int_equal(json_integer_value(json_object_get(o, "date_precision")), 2);
    assert_true(json_is_null(json_object_get(o, "geo_precision")));
    assert_true(fabs(json_real_value(json_object_get(o, "latitude")) - 5.7679) < 1e-12);
    assert_int_equal(json_integer_value(json_object_get(o, "fatalities")), 3);
    assert_true(json_is_null(json_object_get(o, "fatalities_low")));
    assert_true(json_is_null(json_object_get(o, "fatalities_high")));
    assert_string_equal(json_string_value(json_object_get(o, "owner")), "DPO");
    assert_string_equal(json_string_value(json_object_get(o, "tlp")), "TLP:AMBER+STRICT");
    assert_true(json_is_null(json_object_get(o, "sharing_group")));
    assert_string_equal(json_string_value(json_object_get(o, "imported_at")),
                        "2024-05-01T10:00:00Z");
    json_decref(o);

    /* The same values compare as the same event; the owner and the time of the import are
     * not compared; a value is. */
    enum event_stored same;
    r.imported_at = "2025-01-01T00:00:00Z";
    must(event_store_compare(db, &r, &same, &err), &err, "compare");
    assert_int_equal(same, EVENT_SAME);
    r.has_low_high = true;
    r.fatalities_low = 1;
    r.fatalities_high = 5;
    must(event_store_compare(db, &r, &same, &err), &err, "compare");
    assert_int_equal(same, EVENT_DIFFERENT);

    /* A re-import replaces the values and keeps the id. */
    must(event_store_upsert(db, &r, &inserted, &err), &err, "upsert again");
    assert_false(inserted);
    o = read_back("acled:CAF9001");
    assert_int_equal(json_integer_value(json_object_get(o, "fatalities_low")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "fatalities_high")), 5);
    assert_string_equal(json_string_value(json_object_get(o, "imported_at")),
                        "2025-01-01T00:00:00Z");
    json_decref(o);
    must(event_store_compare(db, &r, &same, &err), &err, "compare");
    assert_int_equal(same, EVENT_SAME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("event/columns-written-are-the-table", write_columns_are_the_table),
        BH_TEST("event/columns-select-list-matches-reader", select_list_matches_reader),
        BH_TEST("event/columns-generated-text-as-by-hand", generated_text_as_written_by_hand),
        BH_TEST("event/columns-json-and-csv-round-trip", json_and_csv_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
