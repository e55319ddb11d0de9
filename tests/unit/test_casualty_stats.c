/* Casualty statistics in process over a small register written row by row, so every expected
 * number below can be counted by eye from the table in `rows`: grouping by each dimension,
 * nationalities with and without codes, top N, distinct counts, year to date, rates per
 * 1,000 deployed, the CSV with its HXL row, the terminal table, and bad parameters. (What a
 * reader may count is the embargo matrix's business, in unit/casualty_records.) */
#include "support.h"

#include "casualty/casualty.h"
#include "casualty/stats.h"
#include "db/db.h"
#include "formats/hxl.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static struct principal anon;

/* The register: released, TLP:CLEAR UN records (incident date, mission, ISO3 or NULL, name,
 * personnel type, incident type, gender, casualty type). */
static const struct {
    const char *date, *mission, *iso3, *name, *personnel, *incident, *gender, *type;
} rows[] = {
    { "2019-05-02", "MINUSMA", "TCD", "Chad", "Military", "Malicious Act", "M", "Fatality" },
    { "2019-05-20", "MINUSMA", "TCD", "Chad", "Military", "Malicious Act", "M", "Fatality" },
    { "2019-11-03", "MINUSMA", "EGY", "Egypt", "Military", "Accident", "M", "Fatality" },
    { "2019-12-24", "UNMISS", "IND", "India", "Military", "Illness", "M", "Fatality" },
    { "2020-01-15", "UNMISS", "IND", "India", "Police", "Illness", "F", "Fatality" },
    { "2020-02-01", "MINUSMA", "TCD", "Chad", "Military", "Malicious Act", "M", "Fatality" },
    { "2020-02-01", "UNIFIL", NULL, "Türkiye", "Military", "Accident", "M", "Fatality" },
    { "2020-06-30", "UNIFIL", NULL, "ZZ [Undetermined]", "Local", "Illness", "U", "Fatality" },
    { "2020-07-01", "UNMISS", "SSD", "South Sudan", "Local", "Unknown", "U", "Fatality" },
    { "2020-12-31", "MINUSMA", "EGY", "Egypt", "Military", "Illness", "M", "Fatality" },
};
#define NROWS (sizeof rows / sizeof rows[0])

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casualty_stats", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    struct org o;
    org_init(&o);
    snprintf(o.code, sizeof o.code, "DPO");
    snprintf(o.name, sizeof o.name, "Department of Peace Operations");
    o.kind = ORG_UN_ENTITY;
    must(org_add(db, &cli, &o, &err), &err, "org_add");
    for (size_t i = 0; i < NROWS; i++) {
        char sql[1024], code[8];
        snprintf(code, sizeof code, rows[i].iso3 ? "'%s'" : "NULL",
                 rows[i].iso3 ? rows[i].iso3 : "");
        snprintf(sql, sizeof sql,
                 "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, created_at, updated_at) VALUES "
                 "('0190c000-0000-7000-8000-%012zu', 'S-%zu', '%s', '%s', '%s', '%s', '%s', %s, "
                 "'%s', '%s', %lld, 'CLEAR', 0, 'un', '2025-01-01T00:00:00Z', "
                 "'2025-01-01T00:00:00Z')",
                 i, i, rows[i].date, rows[i].mission, rows[i].type, rows[i].gender, rows[i].name,
                 code, rows[i].personnel, rows[i].incident, (long long)o.id);
        test_exec(db, sql);
    }
    /* Deployment figures: world totals for 2019 only; MINUSMA's months of 2020 (average
     * 12,000) and none for UNMISS. */
    test_exec(db, "INSERT INTO deployment_yearly (year, total) VALUES (2019, 80000)");
    test_exec(db, "INSERT INTO deployment_monthly (mission, month, total) VALUES "
                  "('MINUSMA', '2020-01', 11000), ('MINUSMA', '2020-02', 13000), "
                  "('MINUSMA', '2021-01', 99999), ('MINUSMA', '2019-12', 1)");
    principal_anonymous(&anon);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* The query's reply as compact JSON with sorted keys (heap). `params` are name=value pairs
 * as the API takes them, NULL-terminated. */
static char *stats(const char *const *params, int *rc_out, struct bh_error *err)
{
    struct casualty_stats_query q;
    casualty_stats_init(&q);
    memset(err, 0, sizeof *err);
    int rc = 0;
    for (int i = 0; !rc && params[i]; i += 2) {
        if (strcmp(params[i], "by") == 0)
            rc = casualty_stats_parse_by(&q, params[i + 1], err);
        else if (strcmp(params[i], "top") == 0)
            q.top = atoll(params[i + 1]);
        else if (strcmp(params[i], "rate") == 0)
            q.rate = true;
        else if (strcmp(params[i], "distinct") == 0)
            q.distinct = true;
        else
            rc = casualty_filter_set(&q.filter, params[i], params[i + 1], err);
    }
    json_t *res = NULL;
    if (!rc)
        rc = casualty_stats(db, &anon, &q, &res, err);
    if (rc_out)
        *rc_out = rc;
    else
        must(rc, err, params[0] ? params[1] : "stats");
    char *s = res ? json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(res);
    return s;
}

static void expect(const char *const *params, const char *want)
{
    struct bh_error err;
    char *got = stats(params, NULL, &err);
    assert_string_equal(got, want);
    free(got);
}

/* stats/by-year-incident-type: the grouping the issue names, ordered by the keys. */
static void stats_by_year_incident_type(void **state)
{
    (void)state;
    expect((const char *[]){ "by", "year,incident_type", NULL },
           "{\"by\":[\"year\",\"incident_type\"],\"fatalities_only\":true,\"rows\":["
           "{\"count\":1,\"incident_type\":\"Accident\",\"year\":\"2019\"},"
           "{\"count\":1,\"incident_type\":\"Illness\",\"year\":\"2019\"},"
           "{\"count\":2,\"incident_type\":\"Malicious Act\",\"year\":\"2019\"},"
           "{\"count\":1,\"incident_type\":\"Accident\",\"year\":\"2020\"},"
           "{\"count\":3,\"incident_type\":\"Illness\",\"year\":\"2020\"},"
           "{\"count\":1,\"incident_type\":\"Malicious Act\",\"year\":\"2020\"},"
           "{\"count\":1,\"incident_type\":\"Unknown\",\"year\":\"2020\"}],\"total\":10}");
    /* No grouping: one row, the count of everything. */
    expect((const char *[]){ NULL },
           "{\"by\":[],\"fatalities_only\":true,\"rows\":[{\"count\":10}],\"total\":10}");
}

/* stats/each-dimension: month, mission, personnel type, gender and casualty type. */
static void stats_each_dimension(void **state)
{
    (void)state;
    expect((const char *[]){ "by", "month", "from", "2020-01-01", NULL },
           "{\"by\":[\"month\"],\"fatalities_only\":true,\"from\":\"2020-01-01\",\"rows\":["
           "{\"count\":1,\"month\":\"2020-01\"},{\"count\":2,\"month\":\"2020-02\"},"
           "{\"count\":1,\"month\":\"2020-06\"},{\"count\":1,\"month\":\"2020-07\"},"
           "{\"count\":1,\"month\":\"2020-12\"}],\"total\":6}");
    expect((const char *[]){ "by", "mission", NULL },
           "{\"by\":[\"mission\"],\"fatalities_only\":true,\"rows\":["
           "{\"count\":5,\"mission\":\"MINUSMA\"},{\"count\":2,\"mission\":\"UNIFIL\"},"
           "{\"count\":3,\"mission\":\"UNMISS\"}],\"total\":10}");
    expect((const char *[]){ "by", "personnel_type,gender", NULL },
           "{\"by\":[\"personnel_type\",\"gender\"],\"fatalities_only\":true,\"rows\":["
           "{\"count\":2,\"gender\":\"U\",\"personnel_type\":\"Local\"},"
           "{\"count\":7,\"gender\":\"M\",\"personnel_type\":\"Military\"},"
           "{\"count\":1,\"gender\":\"F\",\"personnel_type\":\"Police\"}],\"total\":10}");
    expect((const char *[]){ "by", "casualty_type", "to", "2019-12-31", NULL },
           "{\"by\":[\"casualty_type\"],\"fatalities_only\":true,\"rows\":["
           "{\"casualty_type\":\"Fatality\",\"count\":4}],\"to\":\"2019-12-31\",\"total\":4}");
}

/* stats/nationality: coded records grouped by code (codes first, in order), those without a
 * code by the name the source gave, each its own row with a null code. */
static void stats_nationality(void **state)
{
    (void)state;
    expect((const char *[]){ "by", "nationality", NULL },
           "{\"by\":[\"nationality\"],\"fatalities_only\":true,\"rows\":["
           "{\"count\":2,\"nationality\":\"EGY\",\"nationality_name\":\"Egypt\"},"
           "{\"count\":2,\"nationality\":\"IND\",\"nationality_name\":\"India\"},"
           "{\"count\":1,\"nationality\":\"SSD\",\"nationality_name\":\"South Sudan\"},"
           "{\"count\":3,\"nationality\":\"TCD\",\"nationality_name\":\"Chad\"},"
           "{\"count\":1,\"nationality\":null,\"nationality_name\":\"Türkiye\"},"
           "{\"count\":1,\"nationality\":null,\"nationality_name\":\"ZZ [Undetermined]\"}],"
           "\"total\":10}");
    /* The filter takes "unknown" for the records without a code. */
    expect((const char *[]){ "by", "nationality", "nationality", "unknown,SSD", NULL },
           "{\"by\":[\"nationality\"],\"fatalities_only\":true,\"rows\":["
           "{\"count\":1,\"nationality\":\"SSD\",\"nationality_name\":\"South Sudan\"},"
           "{\"count\":1,\"nationality\":null,\"nationality_name\":\"Türkiye\"},"
           "{\"count\":1,\"nationality\":null,\"nationality_name\":\"ZZ [Undetermined]\"}],"
           "\"total\":3}");
}

/* stats/top-distinct-ytd: the N largest groups (ties by key), the total of all of them,
 * distinct nationalities (codes) and missions, and year to date. */
static void stats_top_distinct_ytd(void **state)
{
    (void)state;
    expect((const char *[]){ "by", "nationality", "top", "2", "distinct", "1", NULL },
           "{\"by\":[\"nationality\"],\"distinct\":{\"missions\":3,\"nationalities\":4},"
           "\"fatalities_only\":true,\"rows\":["
           "{\"count\":3,\"nationality\":\"TCD\",\"nationality_name\":\"Chad\"},"
           "{\"count\":2,\"nationality\":\"EGY\",\"nationality_name\":\"Egypt\"}],\"total\":10}");
    expect((const char *[]){ "by", "incident_type", "ytd", "2020-02-01", NULL },
           "{\"by\":[\"incident_type\"],\"fatalities_only\":true,\"from\":\"2020-01-01\","
           "\"rows\":[{\"count\":1,\"incident_type\":\"Accident\"},"
           "{\"count\":1,\"incident_type\":\"Illness\"},"
           "{\"count\":1,\"incident_type\":\"Malicious Act\"}],"
           "\"to\":\"2020-02-01\",\"total\":3}");
    expect((const char *[]){ "ytd", "2019-12-24", "mission", "minusma", "distinct", "1", NULL },
           "{\"by\":[],\"distinct\":{\"missions\":1,\"nationalities\":2},\"fatalities_only\":"
           "true,\"from\":\"2019-01-01\",\"rows\":[{\"count\":3}],\"to\":\"2019-12-24\","
           "\"total\":3}");
}

/* stats/rates: per 1,000 deployed: the year's world total, or the average of the mission's
 * monthly totals within that year (not the months of other years); null without figures. */
static void stats_rates(void **state)
{
    (void)state;
    expect((const char *[]){ "by", "year", "rate", "1", NULL },
           "{\"by\":[\"year\"],\"fatalities_only\":true,\"rate_basis\":\"per 1,000 deployed: the "
           "year's world-wide total (deployment_yearly)\",\"rows\":["
           "{\"count\":4,\"deployed\":80000,\"rate\":0.05,\"year\":\"2019\"},"
           "{\"count\":6,\"deployed\":null,\"rate\":null,\"year\":\"2020\"}],\"total\":10}");
    /* MINUSMA 2020: 2 deaths, (11,000 + 13,000) / 2 deployed: 0.1667 per 1,000. Its one
     * figure of 2019 is December's 1. */
    expect((const char *[]){ "by", "year,mission", "rate", "1", "mission", "MINUSMA,UNIFIL", NULL },
           "{\"by\":[\"year\",\"mission\"],\"fatalities_only\":true,\"rate_basis\":\"per 1,000 "
           "deployed: the average of the mission's monthly totals in the year "
           "(deployment_monthly)\",\"rows\":["
           "{\"count\":3,\"deployed\":1,\"mission\":\"MINUSMA\",\"rate\":3000.0,"
           "\"year\":\"2019\"},"
           "{\"count\":2,\"deployed\":12000,\"mission\":\"MINUSMA\",\"rate\":0.1667,"
           "\"year\":\"2020\"},"
           "{\"count\":2,\"deployed\":null,\"mission\":\"UNIFIL\",\"rate\":null,"
           "\"year\":\"2020\"}],\"total\":7}");
    /* mission,year is the same grouping in the other order. */
    struct bh_error err;
    char *a = stats((const char *[]){ "by", "mission,year", "rate", "1", NULL }, NULL, &err);
    assert_contains(a, "{\"count\":2,\"deployed\":12000,\"mission\":\"MINUSMA\",\"rate\":0.1667,"
                       "\"year\":\"2020\"}");
    free(a);
}

/* stats/bad-parameters: each refused naming the parameter. */
static void stats_bad_parameters(void **state)
{
    (void)state;
    static const struct {
        const char *params[6];
        const char *field;
    } cases[] = {
        { { "by", "year,colour" }, "by" },
        { { "by", "year,year" }, "by" },
        { { "by", ""
                  "year," },
          "by" },
        { { "by", "incident_type", "rate", "1" }, "rate" },
        { { "by", "mission,year,gender", "rate", "1" }, "rate" },
        { { "rate", "1" }, "rate" },
        { { "by", "year", "incident_type", "Boom" }, "incident_type" },
        { { "by", "year", "mission", "ATLANTIS" }, "mission" },
        { { "ytd", "2020-02-01", "to", "2020-03-01" }, "ytd" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err;
        int rc;
        char *got = stats(cases[i].params, &rc, &err);
        if (rc != BH_EINVALID || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: expected INVALID naming %s, got %s naming '%s' (%s)", i,
                     cases[i].field, bh_errname(rc), err.field, err.message);
        assert_null(got);
    }
}

static char *csv_of(const char *const *params)
{
    struct bh_error err;
    char *text = stats(params, NULL, &err);
    json_error_t jerr;
    json_t *res = json_loads(text, 0, &jerr);
    free(text);
    struct buf b = BUF_INIT;
    casualty_stats_csv(res, &b);
    json_decref(res);
    return buf_steal(&b);
}

/* stats/csv-hxl: a header line, the HXL hashtags under it, one line per group; every hashtag
 * well formed; the count is #affected+killed only while every counted record is a death. */
static void stats_csv_hxl(void **state)
{
    (void)state;
    char *csv = csv_of((const char *[]){ "by", "year,nationality", "from", "2020-06-01", NULL });
    assert_string_equal(csv, "year,nationality,nationality_name,count\n"
                             "#date+year,#country+code+v_iso3,#country+name,#affected+killed\n"
                             "2020,EGY,Egypt,1\n"
                             "2020,SSD,South Sudan,1\n"
                             "2020,,ZZ [Undetermined],1\n");
    free(csv);
    csv = csv_of((const char *[]){ "by", "year", "rate", "1", NULL });
    assert_string_equal(csv, "year,count,deployed,rate\n"
                             "#date+year,#affected+killed,#population+deployed,#indicator+rate\n"
                             "2019,4,80000,0.05\n"
                             "2020,6,,\n");
    free(csv);

    /* Every dimension at once: each column has a valid hashtag. */
    csv = csv_of((const char *[]){
        "by", "year,month,mission,nationality,personnel_type,incident_type,gender,casualty_type",
        NULL });
    char *tags = strchr(csv, '\n') + 1;
    *strchr(tags, '\n') = '\0';
    assert_string_equal(tags, "#date+year,#date+month,#x_mission,#country+code+v_iso3,"
                              "#country+name,#x_personnel+type,#cause+type,#x_gender,"
                              "#impact+type,#affected+killed");
    for (char *t = strtok(tags, ","); t; t = strtok(NULL, ","))
        if (!hxl_tag_valid(t))
            fail_msg("'%s' is not a well-formed HXL hashtag", t);
    free(csv);

    /* One injury among the counted: the count is of people affected, not killed. */
    test_exec(db, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                  "gender, nationality, personnel_type, incident_type, owner_org_id, tlp, "
                  "embargoed, source, created_at, updated_at) SELECT "
                  "'0190c000-0000-7000-8000-999999999999', 'S-INJ', '2018-01-01', 'UNMISS', "
                  "'Injury', 'M', 'India', 'Police', 'Accident', owner_org_id, 'CLEAR', 0, "
                  "'member', created_at, updated_at FROM casualty LIMIT 1");
    csv = csv_of((const char *[]){ "by", "casualty_type", "to", "2019-06-01", NULL });
    assert_string_equal(csv, "casualty_type,count\n"
                             "#impact+type,#affected\n"
                             "Fatality,2\n"
                             "Injury,1\n");
    free(csv);
    test_exec(db, "DELETE FROM casualty WHERE casualty_id = 'S-INJ'");
}

static char *table_of(const char *const *params)
{
    struct bh_error err;
    char *text = stats(params, NULL, &err);
    json_error_t jerr;
    json_t *res = json_loads(text, 0, &jerr);
    free(text);
    struct buf b = BUF_INIT;
    casualty_stats_table(res, &b);
    json_decref(res);
    return buf_steal(&b);
}

/* stats/table: columns aligned (names left, numbers right, UTF-8 counted as characters),
 * "-" for no code, the total and the distinct counts below. */
static void stats_table(void **state)
{
    (void)state;
    char *t = table_of((const char *[]){ "by", "mission", NULL });
    assert_string_equal(t, "MISSION  COUNT\n"
                           "MINUSMA      5\n"
                           "UNIFIL       2\n"
                           "UNMISS       3\n"
                           "total: 10\n");
    free(t);
    t = table_of((const char *[]){ "by", "nationality", "from", "2020-02-01", "to", "2020-06-30",
                                   "distinct", "1", NULL });
    assert_string_equal(t, "NATIONALITY  NAME               COUNT\n"
                           "TCD          Chad                   1\n"
                           "-            Türkiye                1\n"
                           "-            ZZ [Undetermined]      1\n"
                           "total: 3\n"
                           "distinct nationalities: 1, missions: 2\n");
    free(t);
    t = table_of((const char *[]){ "by", "year", "rate", "1", NULL });
    assert_string_equal(t, "YEAR  COUNT  DEPLOYED   RATE\n"
                           "2019      4     80000  0.050\n"
                           "2020      6         -      -\n"
                           "total: 10\n"
                           "rate: per 1,000 deployed: the year's world-wide total "
                           "(deployment_yearly)\n");
    free(t);
}

/* formats/hxl-csv: quoting only where RFC 4180 needs it, spaces kept, and the hashtag
 * syntax. */
static void formats_hxl_csv(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    hxl_csv_field(&b, "plain", true);
    hxl_csv_field(&b, "Local ", false);
    hxl_csv_field(&b, "a,b", false);
    hxl_csv_field(&b, "say \"hi\"", false);
    hxl_csv_field(&b, "two\nlines", false);
    hxl_csv_field(&b, "", false);
    hxl_csv_field(&b, NULL, false);
    hxl_csv_end_row(&b);
    assert_string_equal(buf_str(&b), "plain,Local ,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\n");
    buf_cleanup(&b);
    static const char *const good[] = { "#date+year", "#x_mission", "#country+code+v_iso3",
                                        "#affected", "#indicator+rate+per1000" };
    static const char *const bad[] = { "date+year", "#",        "#Date", "#date+",
                                       "#date++x",  "#date +x", "#1st",  "" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!hxl_tag_valid(good[i]))
            fail_msg("'%s' should be a valid hashtag", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hxl_tag_valid(bad[i]))
            fail_msg("'%s' should not be a valid hashtag", bad[i]);
    assert_false(hxl_tag_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("stats/by-year-incident-type", stats_by_year_incident_type),
        BH_TEST("stats/each-dimension", stats_each_dimension),
        BH_TEST("stats/nationality", stats_nationality),
        BH_TEST("stats/top-distinct-ytd", stats_top_distinct_ytd),
        BH_TEST("stats/rates", stats_rates),
        BH_TEST("stats/bad-parameters", stats_bad_parameters),
        BH_TEST("stats/csv-hxl", stats_csv_hxl),
        BH_TEST("stats/table", stats_table),
        BH_TEST("formats/hxl-csv", formats_hxl_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
