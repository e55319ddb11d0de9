/* The export in process: the UN fatalities file's own columns and conventions (the quirks
 * written back as the UN writes them), HXL CSV with its hashtag row, JSON that is the list's
 * records, the filters, and a sink that fails. (Who may export what is the embargo matrix's
 * business, in unit/casualty_records; the round trip of the real file is cli/export.) */
#include "support.h"

#include "casualty/casualty.h"
#include "casualty/export.h"
#include "db/db.h"
#include "formats/hxl.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static int64_t dpo, fra;
static char member_id[40], member_cid[32], member_updated[16];

static int64_t add_org(const char *code, enum org_kind kind)
{
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    struct bh_error err;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "%s", code);
    snprintf(o.name, sizeof o.name, "Organization %s", code);
    o.kind = kind;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    return o.id;
}

/* Rows as the importer writes them: the UN file's id in source_row, its last_update, its
 * nationality cells in source_nationality/source_iso3 where the import read more into them. */
static void insert(const char *values)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
             "gender, nationality, nationality_iso3, nationality_m49, personnel_type, "
             "incident_type, owner_org_id, tlp, embargoed, source, source_updated, source_row, "
             "source_nationality, source_iso3, created_at, updated_at) VALUES %s",
             values);
    test_exec(db, sql);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casualty_export", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    dpo = add_org("DPO", ORG_UN_ENTITY);
    fra = add_org("FRA", ORG_MEMBER_STATE);
    char values[2048];
    snprintf(values, sizeof values,
             /* A plain row. */
             "('0190d000-0000-7000-8000-000000000001', 'UNTSO-1948-07-02408', '1948-07-06', "
             "'UNTSO', 'Fatality', 'M', 'France', 'FRA', 250, 'Military', 'Malicious Act', %lld, "
             "'CLEAR', 0, 'un', '2025-04-04', 1, 'France', 'FRA', '2025-05-01T00:00:00Z', "
             "'2025-05-01T00:00:00Z'),"
             /* Empty gender, the file's 'Local ', a code the import found for a name the file left
              * without one, and a withdrawn code with the file's own M49. */
             "('0190d000-0000-7000-8000-000000000002', 'UNOSOM-1993-05-00182', '1993-05-09', "
             "'UNOSOM I', 'Fatality', 'U', 'Türkiye', 'TUR', NULL, 'Local', 'Accident', %lld, "
             "'CLEAR', 0, 'un', '2025-04-04', 995, 'Türkiye', '', '2025-05-01T00:00:00Z', "
             "'2025-05-01T00:00:00Z'),"
             "('0190d000-0000-7000-8000-000000000003', 'UNPROFOR-1993-01-00001', '1993-01-02', "
             "'UNPROFOR', 'Fatality', 'F', 'Yugoslavia', 'YUG', 890, 'Police', 'Illness', %lld, "
             "'CLEAR', 0, 'un', '2025-04-04', 3, 'Yugoslavia', 'YUG', '2025-05-01T00:00:00Z', "
             "'2025-05-01T00:00:00Z'),"
             /* An empty name the import called Unknown; a comma that needs quotes. */
             "('0190d000-0000-7000-8000-000000000004', 'UNOCI-2016-03-09647', '2016-03-13', "
             "'UNOCI', 'Fatality', 'U', 'Unknown', NULL, NULL, 'Other', 'Malicious Act', %lld, "
             "'CLEAR', 0, 'un', '2025-04-04', 3479, '', '', '2025-05-01T00:00:00Z', "
             "'2025-05-01T00:00:00Z'),"
             "('0190d000-0000-7000-8000-000000000005', 'UNMIK-2003-05-03589', '2003-05-05', "
             "'UNMIK', 'Fatality', 'M', 'Bolivia, Plurinational State of', 'BOL', 68, 'Military', "
             "'Accident', %lld, 'CLEAR', 0, 'un', '2025-04-04', 1898, NULL, NULL, "
             "'2025-05-01T00:00:00Z', '2025-05-01T00:00:00Z')",
             (long long)fra, (long long)dpo, (long long)dpo, (long long)dpo, (long long)dpo);
    insert(values);

    /* A member's record, released: no UN id, its own last change. */
    struct principal fp = { .account_id = 7, .org_id = fra, .role = ROLE_FOCAL_POINT };
    snprintf(fp.username, sizeof fp.username, "fra.fp");
    json_error_t jerr;
    json_t *body = json_loads("{\"incident_date\":\"2024-03-10\",\"mission\":\"UNMISS\","
                              "\"casualty_type\":\"Injury\",\"gender\":\"U\",\"nationality\":"
                              "\"FRA\",\"personnel_type\":\"Local\",\"incident_type\":"
                              "\"Accident\",\"tlp\":\"TLP:CLEAR\"}",
                              0, &jerr);
    struct casualty_new in;
    json_t *rec = NULL;
    must(casualty_new_from_json(body, &in, &err), &err, "body");
    must(casualty_create(db, &fp, &in, &rec, &err), &err, "create");
    must(casualty_release(db, &fp, json_string_value(json_object_get(rec, "id")), NULL, &err), &err,
         "release");
    snprintf(member_id, sizeof member_id, "%s", json_string_value(json_object_get(rec, "id")));
    snprintf(member_cid, sizeof member_cid, "%s",
             json_string_value(json_object_get(rec, "casualty_id")));
    json_decref(rec);
    json_decref(body);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE casualty SET updated_at = '2025-06-07T08:09:10Z' WHERE id = '%s'", member_id);
    test_exec(db, sql);
    snprintf(member_updated, sizeof member_updated, "2025-06-07");
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

/* The export as `who` (NULL: anonymous) with filters name=value (NULL-terminated); heap. */
static char *export(enum casualty_export_format fmt, const char *const *filters, int64_t *rows)
{
    struct principal anon;
    principal_anonymous(&anon);
    struct casualty_filter f;
    struct bh_error err;
    casualty_filter_init(&f);
    for (int i = 0; filters && filters[i]; i += 2)
        must(casualty_filter_set(&f, filters[i], filters[i + 1], &err), &err, filters[i]);
    struct buf b = BUF_INIT;
    must(casualty_export(db, &anon, &f, fmt, to_buf, &b, rows, &err), &err, "export");
    return buf_steal(&b);
}

/* casualty/export-un-columns: the UN file's header and conventions: its id, M49 as a float,
 * an empty gender, "Local " with its space, the name and code as the file wrote them, quotes
 * only where needed; UN rows in the file's order, then members' records without a UN id and
 * with their own last change. */
static void casualty_export_un_columns(void **state)
{
    (void)state;
    int64_t rows = -1;
    char *csv = export(CASUALTY_EXPORT_UN, NULL, &rows);
    char want[4096];
    snprintf(want, sizeof want,
             "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
             "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,"
             "last_update\n"
             "1,1948-07-06,UNTSO-1948-07-02408,UNTSO,Fatality,M,France,Military,Malicious Act,"
             "250.0,FRA,2025-04-04\n"
             "3,1993-01-02,UNPROFOR-1993-01-00001,UNPROFOR,Fatality,F,Yugoslavia,Police,Illness,"
             "890.0,YUG,2025-04-04\n"
             "995,1993-05-09,UNOSOM-1993-05-00182,UNOSOM I,Fatality,,Türkiye,Local ,Accident,,,"
             "2025-04-04\n"
             "1898,2003-05-05,UNMIK-2003-05-03589,UNMIK,Fatality,M,\"Bolivia, Plurinational "
             "State of\",Military,Accident,68.0,BOL,2025-04-04\n"
             "3479,2016-03-13,UNOCI-2016-03-09647,UNOCI,Fatality,,,Other,Malicious Act,,,"
             "2025-04-04\n"
             ",2024-03-10,%s,UNMISS,Injury,,France,Local ,Accident,250.0,FRA,%s\n",
             member_cid, member_updated);
    assert_string_equal(csv, want);
    assert_int_equal(rows, 6);
    free(csv);

    /* Filters apply. */
    csv = export(CASUALTY_EXPORT_UN,
                 (const char *[]){ "from", "1993-01-01", "to", "1993-12-31", "nationality",
                                   "unknown,YUG", NULL },
                 &rows);
    assert_int_equal(rows, 1);
    assert_int_equal(test_count_lines(csv), 2);
    assert_contains(csv, "\n3,1993-01-02,UNPROFOR-1993-01-00001,");
    free(csv);
}

/* casualty/export-hxl: our field names, the HXL hashtags under them (each well formed), the
 * marking and the embargo with every row. */
static void casualty_export_hxl(void **state)
{
    (void)state;
    char *csv = export(CASUALTY_EXPORT_HXL, (const char *[]){ "to", "1948-12-31", NULL }, NULL);
    assert_string_equal(csv, "casualty_id,incident_date,mission,casualty_type,gender,nationality,"
                             "nationality_name,m49,personnel_type,incident_type,tlp,embargoed,"
                             "last_update\n"
                             "#x_casualty+id,#date+occurred,#x_mission,#impact+type,#x_gender,"
                             "#country+code+v_iso3,#country+name,#country+code+v_m49,"
                             "#x_personnel+type,#cause+type,#x_tlp,#x_embargoed,#date+updated\n"
                             "UNTSO-1948-07-02408,1948-07-06,UNTSO,Fatality,M,FRA,France,250,"
                             "Military,Malicious Act,TLP:CLEAR,false,2025-04-04\n");
    char *tags = strchr(csv, '\n') + 1;
    *strchr(tags, '\n') = '\0';
    for (char *t = strtok(tags, ","); t; t = strtok(NULL, ","))
        if (!hxl_tag_valid(t))
            fail_msg("'%s' is not a well-formed HXL hashtag", t);
    free(csv);
}

/* casualty/export-json: an array of exactly the records the list gives, one per line. */
static void casualty_export_json(void **state)
{
    (void)state;
    int64_t rows = 0;
    char *text = export(CASUALTY_EXPORT_JSON, NULL, &rows);
    assert_int_equal(test_count_lines(text), 8); /* "[", six records, "]" */
    json_error_t jerr;
    json_t *arr = json_loads(text, 0, &jerr);
    if (!json_is_array(arr))
        fail_msg("not a JSON array: %s", text);
    assert_int_equal(json_array_size(arr), 6);
    struct principal anon;
    principal_anonymous(&anon);
    struct casualty_filter f;
    casualty_filter_init(&f);
    json_t *items = json_array();
    char next[CASUALTY_CURSOR_MAX];
    struct bh_error err;
    must(casualty_list(db, &anon, &f, NULL, 100, items, next, NULL, &err), &err, "list");
    assert_int_equal(json_array_size(items), 6);
    size_t i, j;
    json_t *a, *b;
    int matched = 0;
    json_array_foreach(arr, i, a)
    {
        json_array_foreach(items, j, b)
        {
            matched += json_equal(a, b);
        }
    }
    assert_int_equal(matched, 6);
    json_t *member = NULL;
    json_array_foreach(arr, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "id")), member_id) == 0)
            member = a;
    }
    assert_non_null(member);
    assert_string_equal(json_string_value(json_object_get(member, "source")), "member");
    json_decref(items);
    json_decref(arr);
    free(text);

    /* Nothing matches: a valid empty array. */
    text = export(CASUALTY_EXPORT_JSON, (const char *[]){ "to", "1900-01-01", NULL }, &rows);
    assert_string_equal(text, "[]\n");
    assert_int_equal(rows, 0);
    free(text);
}

static int failing_sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return BH_EIO;
}

/* casualty/export-sink-fails: a write that fails stops the export with that error. */
static void casualty_export_sink_fails(void **state)
{
    (void)state;
    struct principal anon;
    principal_anonymous(&anon);
    struct casualty_filter f;
    casualty_filter_init(&f);
    struct bh_error err;
    assert_int_equal(
        casualty_export(db, &anon, &f, CASUALTY_EXPORT_UN, failing_sink, NULL, NULL, &err), BH_EIO);
    assert_contains(err.message, "could not be written");
    assert_int_equal(casualty_export_format_parse("un"), CASUALTY_EXPORT_UN);
    assert_int_equal(casualty_export_format_parse("hxl"), CASUALTY_EXPORT_HXL);
    assert_int_equal(casualty_export_format_parse("json"), CASUALTY_EXPORT_JSON);
    assert_int_equal(casualty_export_format_parse("xlsx"), -1);
}

/* casualty/export-pieces: the export read piece by piece (as a reply streams it) gives the
 * bytes and the count of the whole export in every format, and stays ended once ended. */
static void casualty_export_pieces(void **state)
{
    (void)state;
    struct principal anon;
    principal_anonymous(&anon);
    struct casualty_filter f;
    casualty_filter_init(&f);
    struct bh_error err;
    for (int fmt = 0; fmt < CASUALTY_EXPORT_COUNT; fmt++) {
        int64_t rows = 0;
        char *whole = export((enum casualty_export_format)fmt, NULL, &rows);
        struct casualty_export *x;
        must(casualty_export_begin(db, db, &anon, &f, (enum casualty_export_format)fmt, &x, &err),
             &err, "begin");
        struct buf b = BUF_INIT;
        int rc;
        while ((rc = casualty_export_next(x, &b, &err)) == 0)
            ;
        assert_int_equal(rc, 1);
        assert_int_equal(casualty_export_next(x, &b, &err), 1);
        assert_string_equal(buf_str(&b), whole);
        assert_int_equal(casualty_export_rows(x), rows);
        assert_true(rows > 0);
        casualty_export_free(x);
        buf_cleanup(&b);
        free(whole);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/export-un-columns", casualty_export_un_columns),
        BH_TEST("casualty/export-hxl", casualty_export_hxl),
        BH_TEST("casualty/export-json", casualty_export_json),
        BH_TEST("casualty/export-sink-fails", casualty_export_sink_fails),
        BH_TEST("casualty/export-pieces", casualty_export_pieces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
