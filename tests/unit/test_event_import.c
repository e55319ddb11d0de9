/* The context-event module in process: the store's upsert and comparison (including the
 * `inserted` flag when another table's last row key equals the new event's), the readers of
 * both formats on text in memory (columns in any order and case, the date forms, the first
 * byte deciding the form), country names resolved through the table, and an import that
 * fails inside a caller's transaction rolling back only its own part. */
#include "support.h"

#include "db/db.h"
#include "event/country.h"
#include "event/event.h"
#include "event/import.h"
#include "formats/acled.h"
#include "formats/ucdp.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static int64_t dpo_id;

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("event_import", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "DPO");
    snprintf(o.name, sizeof o.name, "United Nations Department of Peace Operations");
    o.kind = ORG_UN_ENTITY;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    dpo_id = o.id;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static struct event_row sample(const char *source_id)
{
    struct event_row r = {
        .source = "ucdp",
        .source_id = source_id,
        .occurred_at = "2021-02-15T00:00:00Z",
        .date_end = "2021-02-15",
        .date_precision = 1,
        .latitude = 5.7679,
        .longitude = 20.6757,
        .geo_precision = 2,
        .country = "Central African Republic",
        .country_iso3 = "CAF",
        .admin1 = "Ouaka province",
        .place_name = "Bambari town",
        .threat_type = "violence_against_civilians",
        .source_type = "3 one-sided",
        .actor1 = "Government of Central African Republic",
        .actor2 = "Civilians",
        .fatalities = 12,
        .has_low_high = true,
        .fatalities_low = 12,
        .fatalities_high = 20,
        .owner_org_id = dpo_id,
        .tlp = "GREEN",
    };
    return r;
}

/* event/store-upsert-inserted: `inserted` says what happened even when the connection's last
 * inserted row key (another table's) equals the key the new event gets. */
static void store_upsert_inserted(void **state)
{
    (void)state;
    struct bh_error err;
    int64_t next = test_query_int(db, "SELECT coalesce(max(n), 0) + 1 FROM context_event");
    test_exec(db, "CREATE TEMP TABLE bump (x)");
    char sql[96];
    snprintf(sql, sizeof sql, "INSERT INTO bump (rowid, x) VALUES (%lld, 1)", (long long)next);
    test_exec(db, sql);
    assert_int_equal(db_last_insert_rowid(db), next);
    struct event_row r = sample("900001");
    bool inserted = false;
    must(event_store_upsert(db, &r, &inserted, &err), &err, "upsert");
    assert_true(inserted);
    assert_int_equal(test_query_int(db, "SELECT n FROM context_event WHERE id = 'ucdp:900001'"),
                     next);
    r.fatalities = 13;
    must(event_store_upsert(db, &r, &inserted, &err), &err, "upsert again");
    assert_false(inserted);
    assert_int_equal(test_query_int(db, "SELECT fatalities FROM context_event WHERE id = "
                                        "'ucdp:900001'"),
                     13);
    assert_int_equal(test_query_int(db, "SELECT n FROM context_event WHERE id = 'ucdp:900001'"),
                     next);
    test_exec(db, "DROP TABLE bump");
}

/* event/store-compare: absent, the same, and different in each kind of column. */
static void store_compare(void **state)
{
    (void)state;
    struct bh_error err;
    struct event_row r = sample("900002");
    enum event_stored st;
    must(event_store_compare(db, &r, &st, &err), &err, "compare");
    assert_int_equal(st, EVENT_ABSENT);
    must(event_store_upsert(db, &r, NULL, &err), &err, "upsert");
    must(event_store_compare(db, &r, &st, &err), &err, "compare");
    assert_int_equal(st, EVENT_SAME);
    /* The time of import and the owner are not the event's values. */
    r.imported_at = "2030-01-01T00:00:00Z";
    r.owner_org_id = dpo_id + 1000;
    must(event_store_compare(db, &r, &st, &err), &err, "compare");
    assert_int_equal(st, EVENT_SAME);
    struct event_row changes[6];
    for (int i = 0; i < 6; i++)
        changes[i] = sample("900002");
    changes[0].admin2 = "Bambari region"; /* NULL to text */
    changes[1].admin1 = NULL;             /* text to NULL */
    changes[2].longitude = 20.67571;
    changes[3].has_low_high = false;
    changes[4].date_precision = 0;
    changes[5].tlp = "AMBER+STRICT";
    for (int i = 0; i < 6; i++) {
        must(event_store_compare(db, &changes[i], &st, &err), &err, "compare");
        if (st != EVENT_DIFFERENT)
            fail_msg("change %d was not seen", i);
    }
}

/* formats/acled-dates */
static void acled_dates(void **state)
{
    (void)state;
    char d[11];
    assert_true(acled_parse_date("2023-01-15", d));
    assert_string_equal(d, "2023-01-15");
    assert_true(acled_parse_date("15 January 2023", d));
    assert_string_equal(d, "2023-01-15");
    assert_true(acled_parse_date("2 february 2023", d));
    assert_string_equal(d, "2023-02-02");
    assert_true(acled_parse_date("09-Sep-1997", d));
    assert_string_equal(d, "1997-09-09");
    assert_true(acled_parse_date("29 February 2024", d));
    assert_false(acled_parse_date("29 February 2023", d));
    assert_false(acled_parse_date("2023-02-30", d));
    assert_false(acled_parse_date("15/01/2023", d)); /* day and month would be a guess */
    assert_false(acled_parse_date("15 Janvier 2023", d));
    assert_false(acled_parse_date("15 January 23", d));
    assert_false(acled_parse_date("", d));
    assert_false(acled_parse_date(NULL, d));
}

struct seen {
    int events, problems;
    char last[1280]; /* room for a whole bh_error */
};

static int on_ucdp(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                   const struct bh_error *problem, struct bh_error *err)
{
    (void)err;
    struct seen *s = ctx;
    if (!ev) {
        s->problems++;
        snprintf(s->last, sizeof s->last, "%ld/%ld %s: %s", at->line, at->feature, problem->field,
                 problem->message);
        return 0;
    }
    s->events++;
    snprintf(s->last, sizeof s->last, "%s %d %s %s %lld %lld %lld %.4f %.4f %s", ev->id,
             ev->type_of_violence, ev->date_start, ev->date_end, (long long)ev->best,
             (long long)ev->low, (long long)ev->high, ev->latitude, ev->longitude,
             ev->side_b ? ev->side_b : "-");
    return 0;
}

/* formats/ucdp-forms: CSV with columns in another order and case, GeoJSON after white space;
 * what is not GED is refused whole. */
static void ucdp_forms(void **state)
{
    (void)state;
    struct bh_error err;
    struct ucdp_read_info info;
    struct seen s = { 0 };
    const char *csv = "LONGITUDE,latitude,best,Date_Start,type_of_violence,id,side_b\n"
                      "20.6757,5.7679,12,2021-02-15,3,410815,\n";
    must(ucdp_read_mem(csv, strlen(csv), on_ucdp, &s, &info, &err), &err, "csv");
    assert_string_equal(info.format, "csv");
    assert_int_equal(s.events, 1);
    assert_string_equal(s.last, "410815 3 2021-02-15  12 -1 -1 5.7679 20.6757 -");

    memset(&s, 0, sizeof s);
    const char *geo = "\n  {\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                      "\"properties\":{\"id\":36210,\"type_of_violence\":1,\"date_start\":"
                      "\"2009-02-20T00:00:00\",\"date_end\":\"2009-02-21T00:00:00\",\"best\":3,"
                      "\"low\":2,\"high\":5,\"side_b\":\"LRA\"},\"geometry\":{\"type\":\"Point\","
                      "\"coordinates\":[26.486881,5.399784]}},{\"type\":\"Feature\","
                      "\"properties\":{\"id\":7,\"type_of_violence\":\"2\",\"date_start\":"
                      "\"2009-02-20\",\"best\":1.5},\"geometry\":{\"type\":\"Point\","
                      "\"coordinates\":[1,2]}}]}";
    must(ucdp_read_mem(geo, strlen(geo), on_ucdp, &s, &info, &err), &err, "geojson");
    assert_string_equal(info.format, "geojson");
    assert_int_equal(info.events, 2);
    assert_int_equal(s.events, 1);
    assert_int_equal(s.problems, 1);
    assert_string_equal(s.last, "0/1 best: best '1.5' is not a whole number");

    const char *not_ged[] = { "", "{\"type\":\"Feature\"}", "[1,2]",
                              "{\"type\":\"FeatureCollection\"}", "a,b\n1,2\n" };
    const char *why[] = { "the file is empty", "not a GeoJSON FeatureCollection",
                          "not a GeoJSON FeatureCollection", "no \"features\" array",
                          "the header has no column 'id'" };
    for (size_t i = 0; i < sizeof not_ged / sizeof not_ged[0]; i++) {
        assert_int_equal(ucdp_read_mem(not_ged[i], strlen(not_ged[i]), on_ucdp, &s, &info, &err),
                         BH_EINVALID);
        assert_contains(err.message, why[i]);
    }
}

/* event/countries: names of both sources resolve to the table's codes. */
static void countries(void **state)
{
    (void)state;
    struct bh_error err;
    struct event_countries *c;
    must(event_countries_load(db, &c, &err), &err, "load");
    assert_string_equal(event_country_iso3(c, -1, "Central African Republic"), "CAF");
    assert_string_equal(event_country_iso3(c, -1, "central african republic"), "CAF");
    assert_string_equal(event_country_iso3(c, -1, "DR Congo (Zaire)"), "COD");
    assert_string_equal(event_country_iso3(c, -1, "Democratic Republic of Congo"), "COD");
    assert_string_equal(event_country_iso3(c, -1, "Ivory Coast"), "CIV");
    assert_string_equal(event_country_iso3(c, -1, "Russia (Soviet Union)"), "RUS");
    assert_string_equal(event_country_iso3(c, -1, "Yemen (North Yemen)"), "YEM");
    assert_string_equal(event_country_iso3(c, -1, "Republic of Mali"), "MLI"); /* official */
    assert_string_equal(event_country_iso3(c, 466, "anything"), "MLI");        /* numeric first */
    assert_string_equal(event_country_iso3(c, -1, "Kosovo"), "XKX");           /* the table's own */
    assert_null(event_country_iso3(c, -1, "Azania"));
    assert_null(event_country_iso3(c, -1, ""));
    assert_null(event_country_iso3(c, -1, NULL));
    event_countries_free(c);
}

/* event/import-nested-rollback: an import that fails inside a caller's transaction undoes only
 * its own part; the caller's earlier write stays and its transaction stays open. */
static void import_nested_rollback(void **state)
{
    (void)state;
    struct bh_error err;
    int64_t before = test_query_int(db, "SELECT count(*) FROM context_event");
    must(db_begin(db, &err), &err, "begin");
    struct event_row r = sample("900003");
    must(event_store_upsert(db, &r, NULL, &err), &err, "upsert");

    struct principal cli;
    principal_cli(&cli);
    const char *csv = "event_id_cnty,event_date,event_type,sub_event_type,actor1,country,"
                      "latitude,longitude,fatalities\n"
                      "CEN1,2023-01-15,Battles,Armed clash,A,Central African Republic,6.9,"
                      "15.6,1\n"
                      "CEN2,2023-01-16,Battles,Armed clash,B,Central African Republic,95,"
                      "15.6,1\n";
    struct import_input in = { "memory", NULL, csv, strlen(csv), 0 };
    struct event_import_options opt;
    event_import_options_init(&opt);
    opt.strict = true;
    struct import_report rep;
    import_report_init(&rep);
    assert_int_equal(event_import_acled(db, &cli, &in, &opt, &rep, &err), BH_EINVALID);
    assert_contains(err.message, "rows rejected: 1, so nothing was imported (strict)");
    assert_contains(err.message, "line 3 (CEN2): latitude 95 is outside -90..90");
    assert_int_equal(rep.added, 0);
    import_report_cleanup(&rep);
    assert_true(db_in_transaction(db));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM context_event WHERE source = "
                                        "'acled'"),
                     0);

    /* Not strict: the good row goes in, in the same outer transaction. */
    opt.strict = false;
    import_report_init(&rep);
    must(event_import_acled(db, &cli, &in, &opt, &rep, &err), &err, "import");
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.rejected, 1);
    assert_string_equal(rep.format, "monadic"); /* no actor2 column */
    json_t *j = event_import_report_json(&rep);
    assert_int_equal(json_integer_value(json_object_get(j, "rejected")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "rejections"), 0), "where")),
                        "line 3 (CEN2)");
    json_decref(j);
    import_report_cleanup(&rep);
    must(db_commit(db, &err), &err, "commit");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM context_event"), before + 2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'event.import'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("event/store-upsert-inserted", store_upsert_inserted),
        BH_TEST("event/store-compare", store_compare),
        BH_TEST("formats/acled-dates", acled_dates),
        BH_TEST("formats/ucdp-forms", ucdp_forms),
        BH_TEST("event/countries", countries),
        BH_TEST("event/import-nested-rollback", import_nested_rollback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
