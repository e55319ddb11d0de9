/* The casualty column table (src/casualty/columns.h) against the schema the migrations build:
 * the INSERT writes every column of table casualty, each once; the re-import's UPDATE sets
 * every one but those it keeps; the select lists have as many columns as the reader's
 * indexes; and a row written through the binder reads back with the record's JSON keys in
 * the order the API has always given them, its values, the same fingerprint, and the HXL
 * export's header as it was written by hand, whose names are keys of the JSON. */
#include "support.h"

#include "casualty/export.h"
#include "casualty/internal.h"
#include "db/db.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static int64_t fra;

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casualty_columns", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "FRA");
    snprintf(o.name, sizeof o.name, "France");
    o.kind = ORG_MEMBER_STATE;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    fra = o.id;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* How many times `name` is one of the comma-separated names of `list` (a name ends at a
 * comma, a space or the end). */
static int occurrences(const char *list, const char *name)
{
    int n = 0;
    size_t len = strlen(name);
    for (const char *c = list; *c;) {
        size_t l = strcspn(c, ", ");
        if (l == len && strncmp(c, name, len) == 0)
            n++;
        c += l;
        c += strcspn(c, ",");
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

static void written_columns_are_the_table(void **state)
{
    (void)state;
    /* What the re-import's UPDATE keeps: the id, the link a member made, the date the record
     * came in, and an admin's mark that it repeats another. The casualty_id is a value the UN
     * may correct: the UN's rows are keyed on the file's id (source_row). */
    static const char *const kept[] = { "id", "incident_id", "created_at", "duplicate_of", NULL };
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT name FROM pragma_table_info('casualty')", &st, &err), &err,
         "prepare");
    int columns = 0;
    while (db_step(st, &err) == DB_ROW) {
        const char *name = db_column_text(st, 0);
        int got = occurrences(CASUALTY__WRITE_COLUMNS, name);
        if (got != 1)
            fail_msg("column %s is inserted %d times, expected once", name, got);
        int want = 1;
        for (int i = 0; kept[i]; i++)
            want = strcmp(kept[i], name) == 0 ? 0 : want;
        got = occurrences(CASUALTY__UPDATE_ASSIGN, name);
        if (got != want)
            fail_msg("column %s is updated %d times, expected %d", name, got, want);
        columns++;
    }
    db_stmt_done(st);
    /* And nothing is written that the table does not have. */
    assert_int_equal(commas(CASUALTY__WRITE_COLUMNS) + 1, columns);
    assert_int_equal(occurrences(CASUALTY__WRITE_PARAMS, "?"), columns);
    assert_int_equal(CASUALTY__NSELECTED, columns);
    /* The UPDATE and the INSERT statements are valid SQL over this table. */
    must(db_prepare(db, "UPDATE casualty SET " CASUALTY__UPDATE_ASSIGN " WHERE casualty_id = ?",
                    &st, &err),
         &err, "prepare update");
    db_stmt_done(st);
    /* The compared values are what the UPDATE writes, but when and by whom it was released;
     * the casualty_id among them (the UN's rows are keyed on source_row). */
    assert_string_equal(
        CASUALTY__COMPARED_COLUMNS,
        "casualty_id, incident_date, mission, casualty_type, gender, nationality_iso3, "
        "nationality, nationality_m49, personnel_type, incident_type, "
        "owner_org_id, tlp, sharing_group_id, embargoed, source, source_updated, "
        "source_row, source_nationality, source_iso3");
}

#define FROM                                                                                  \
    " FROM casualty c JOIN org o ON o.id = c.owner_org_id LEFT JOIN incident casualty_li ON " \
    "casualty_li.id = c.incident_id"

static void select_list_matches_reader(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT " CASUALTY__COLUMNS CASUALTY__FILE_COLUMNS FROM " LIMIT 0", &st,
                    &err),
         &err, "prepare");
    db_stmt_done(st);
    assert_int_equal(commas(CASUALTY__COLUMNS) + 1, CASUALTY__NCOLUMNS);
    assert_int_equal(commas(CASUALTY__COLUMNS CASUALTY__FILE_COLUMNS) + 1, CASUALTY__NSELECTED);
    assert_int_equal(CASUALTY__C_id, 0);
    assert_int_equal(CASUALTY__C_duplicate_of, CASUALTY__NCOLUMNS - 1);
    assert_int_equal(CASUALTY__C_source_nationality, CASUALTY__NCOLUMNS);
}

static struct casualty_row sample(void)
{
    struct casualty_row r = {
        .id = "0190d000-0000-7000-8000-0000000000c1",
        .casualty_id = "MINUSMA-2019-01-00001",
        .incident_date = "2019-01-20",
        .mission = "MINUSMA",
        .casualty_type = "Fatality",
        .gender = "U",
        .nationality_iso3 = "FRA",
        .nationality = "France",
        .nationality_m49 = 250,
        .personnel_type = "Military",
        .incident_type = "Malicious Act",
        .owner_org_id = fra,
        .tlp = "CLEAR",
        .embargoed = 0,
        .released_at = "2025-05-01T00:00:00Z",
        .released_by = "UN DPPA/DPO published dataset",
        .source = "un",
        .source_updated = "2025-04-04",
        .source_row = 7,
        .created_at = "2025-05-01T00:00:00Z",
        .updated_at = "2025-05-01T00:00:00Z",
        .source_nationality = "France",
        .source_iso3 = "FRA",
    };
    return r;
}

static json_t *read_back(const char *casualty_id, uint64_t *fingerprint)
{
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT " CASUALTY__COLUMNS FROM " WHERE c.casualty_id = ?", &st, &err),
         &err, "prepare");
    db_bind_text(st, 1, casualty_id);
    assert_int_equal(db_step(st, &err), DB_ROW);
    json_t *o = casualty__row_json(st);
    db_stmt_done(st);
    must(db_prepare(db, "SELECT " CASUALTY__COMPARED_COLUMNS " FROM casualty WHERE casualty_id = ?",
                    &st, &err),
         &err, "prepare compared");
    db_bind_text(st, 1, casualty_id);
    assert_int_equal(db_step(st, &err), DB_ROW);
    struct casualty_row r = { 0 };
    casualty__read_compared(st, 0, &r);
    *fingerprint = casualty__fingerprint(&r);
    db_stmt_done(st);
    return o;
}

static int to_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

static void json_and_csv_round_trip(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    struct casualty_row r = sample();
    must(db_prepare(db,
                    "INSERT INTO casualty (" CASUALTY__WRITE_COLUMNS
                    ") VALUES (" CASUALTY__WRITE_PARAMS ")",
                    &st, &err),
         &err, "prepare insert");
    assert_int_equal(casualty__bind_insert(st, 1, &r), CASUALTY__NSELECTED + 1);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);

    uint64_t fp;
    json_t *o = read_back(r.casualty_id, &fp);
    /* The keys the API has always given, in its order. */
    static const char *const keys[] = {
        "id",
        "casualty_id",
        "incident_date",
        "mission",
        "casualty_type",
        "gender",
        "nationality",
        "nationality_name",
        "m49",
        "personnel_type",
        "incident_type",
        "incident_id",
        "owner",
        "tlp",
        "sharing_group",
        "embargoed",
        "released_at",
        "released_by",
        "source",
        "source_updated",
        "source_row",
        "created_at",
        "updated_at",
        "duplicate_of",
        NULL,
    };
    const char *key;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, key, v)
    {
        assert_non_null(keys[i]);
        assert_string_equal(key, keys[i]);
        i++;
    }
    assert_null(keys[i]);
    assert_int_equal(i, CASUALTY__NCOLUMNS);
    assert_string_equal(json_string_value(json_object_get(o, "nationality")), "FRA");
    assert_string_equal(json_string_value(json_object_get(o, "nationality_name")), "France");
    assert_int_equal(json_integer_value(json_object_get(o, "m49")), 250);
    assert_string_equal(json_string_value(json_object_get(o, "gender")), "U");
    assert_true(json_is_null(json_object_get(o, "incident_id")));
    assert_string_equal(json_string_value(json_object_get(o, "owner")), "FRA");
    assert_string_equal(json_string_value(json_object_get(o, "tlp")), "TLP:CLEAR");
    assert_true(json_is_null(json_object_get(o, "sharing_group")));
    assert_true(json_is_false(json_object_get(o, "embargoed")));
    assert_int_equal(json_integer_value(json_object_get(o, "source_row")), 7);
    assert_true(json_object_get(o, "source_nationality") == NULL);
    /* What was written fingerprints as what is read back. */
    assert_true(fp == casualty__fingerprint(&r));

    /* The UPDATE writes the new values and keeps the earlier release. */
    struct casualty_row u = r;
    u.nationality_m49 = -1;
    u.source_row = 8;
    u.released_at = "2030-01-01T00:00:00Z";
    u.updated_at = "2030-01-01T00:00:00Z";
    must(db_prepare(db, "UPDATE casualty SET " CASUALTY__UPDATE_ASSIGN " WHERE casualty_id = ?",
                    &st, &err),
         &err, "prepare update");
    db_bind_text(st, casualty__bind_update(st, 1, &u), u.casualty_id);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);
    json_decref(o);
    o = read_back(r.casualty_id, &fp);
    assert_true(json_is_null(json_object_get(o, "m49")));
    assert_int_equal(json_integer_value(json_object_get(o, "source_row")), 8);
    assert_string_equal(json_string_value(json_object_get(o, "released_at")),
                        "2025-05-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(o, "updated_at")),
                        "2030-01-01T00:00:00Z");
    assert_true(fp == casualty__fingerprint(&u));
    assert_true(fp != casualty__fingerprint(&r));

    /* The HXL export's header, as it was written by hand; each name is a key of the JSON
     * (but the date of the last change, which is made of two). */
    struct principal anon;
    principal_anonymous(&anon);
    struct casualty_filter f;
    casualty_filter_init(&f);
    struct buf b = BUF_INIT;
    must(casualty_export(db, &anon, &f, CASUALTY_EXPORT_HXL, to_buf, &b, NULL, &err), &err,
         "export");
    const char *want = "casualty_id,incident_date,mission,casualty_type,gender,nationality,"
                       "nationality_name,m49,personnel_type,incident_type,tlp,embargoed,"
                       "last_update\n"
                       "#x_casualty+id,#date+occurred,#x_mission,#impact+type,#x_gender,"
                       "#country+code+v_iso3,#country+name,#country+code+v_m49,"
                       "#x_personnel+type,#cause+type,#x_tlp,#x_embargoed,#date+updated\n"
                       "MINUSMA-2019-01-00001,2019-01-20,MINUSMA,Fatality,,FRA,France,,"
                       "Military,Malicious Act,TLP:CLEAR,false,2025-04-04\n";
    assert_string_equal(buf_str(&b), want);
    for (const struct casualty__hxl_column *c = casualty__hxl_columns; c->name; c++)
        if (*c->tag)
            assert_non_null(json_object_get(o, c->name));
    buf_cleanup(&b);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/columns-written-are-the-table", written_columns_are_the_table),
        BH_TEST("casualty/columns-select-list-matches-reader", select_list_matches_reader),
        BH_TEST("casualty/columns-json-and-csv-round-trip", json_and_csv_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
