/* GET /api/v1/stats/casualties on the real server: public figures for anonymous callers
 * (released, TLP:CLEAR), more for members as the sharing model and the embargo allow and
 * never a record the caller could not read; the JSON and CSV replies; bad parameters named;
 * the ETag; how current the imported figures are (as_of). */
#include "api_helpers.h"
#include "world.h"

#include "audit/audit.h"
#include "db/db.h"
#include "principal/principal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Goma convoy escort 2024"

static struct test_server server;
static struct test_session fra_fp, bra_fp, fra_auditor;
static char *store;

/* Three released TLP:CLEAR UN records (owner DPO), a released TLP:GREEN record of FRA, and an
 * embargoed TLP:CLEAR record of FRA. */
static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "fra.fp", "FRA", "focal_point", NULL, &fra_fp, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "fra.auditor", "FRA", "auditor", NULL, &fra_auditor, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_stats", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    struct db *h = test_db_open(store, 0);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, created_at, updated_at) "
                 "SELECT v.id, v.cid, v.d, v.m, 'Fatality', 'M', 'Chad', 'TCD', 'Military', "
                 "v.it, o.id, v.tlp, v.emb, v.src, '2025-01-01T00:00:00Z', "
                 "'2025-01-01T00:00:00Z' FROM org o, "
                 "(SELECT '0190f100-0000-7000-8000-000000000001' AS id, 'S-1' AS cid, "
                 "'2019-03-01' AS d, 'MINUSMA' AS m, 'Malicious Act' AS it, 'CLEAR' AS tlp, "
                 "0 AS emb, 'un' AS src, 'DPO' AS owner "
                 "UNION ALL SELECT '0190f100-0000-7000-8000-000000000002', 'S-2', '2019-08-01', "
                 "'MINUSMA', 'Illness', 'CLEAR', 0, 'un', 'DPO' "
                 "UNION ALL SELECT '0190f100-0000-7000-8000-000000000003', 'S-3', '2020-01-10', "
                 "'UNMISS', 'Malicious Act', 'CLEAR', 0, 'un', 'DPO' "
                 "UNION ALL SELECT '0190f100-0000-7000-8000-000000000004', 'S-4', '2020-02-10', "
                 "'UNMISS', 'Accident', 'GREEN', 0, 'member', 'FRA' "
                 "UNION ALL SELECT '0190f100-0000-7000-8000-000000000005', 'S-5', '2020-03-10', "
                 "'UNMISS', 'Accident', 'CLEAR', 1, 'member', 'FRA') v "
                 "WHERE o.code = v.owner");
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM casualty"), 5);
    db_close(h);
    test_server_start(&server, store, NULL);
    test_world_sign_in(&world, server.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* The reply to GET `path` as `s` (NULL: nobody) as compact JSON text (heap). */
static char *get_text(const struct test_session *s, const char *path)
{
    json_t *j = test_get_json(server.port, s ? s->headers : NULL, path, 200);
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(j);
    return text;
}

static long long total_for(const struct test_session *s, const char *path)
{
    json_t *j = test_get_json(server.port, s ? s->headers : NULL, path, 200);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* api/stats-public: no credentials needed; an anonymous caller counts the released TLP:CLEAR
 * records only, in the shape the issue gives. */
static void api_stats_public(void **state)
{
    (void)state;
    char *text = get_text(NULL, "/api/v1/stats/casualties?by=year,incident_type");
    assert_string_equal(
        text, "{\"by\":[\"year\",\"incident_type\"],\"rows\":["
              "{\"year\":\"2019\",\"incident_type\":\"Illness\",\"count\":1},"
              "{\"year\":\"2019\",\"incident_type\":\"Malicious Act\",\"count\":1},"
              "{\"year\":\"2020\",\"incident_type\":\"Malicious Act\",\"count\":1}"
              "],\"total\":3,\"fatalities_only\":true,"
              "\"as_of\":{\"last_record\":\"2020-01-10\",\"updated\":null,\"imported_at\":null}}");
    free(text);
    /* Filters with spaces, encoded either way; top and distinct. */
    assert_int_equal(total_for(NULL, "/api/v1/stats/casualties?incident_type=Malicious%20Act"), 2);
    assert_int_equal(total_for(NULL, "/api/v1/stats/casualties?incident_type=Malicious+Act"), 2);
    text = get_text(NULL, "/api/v1/stats/casualties?by=mission&top=1&distinct=1&from=2019-01-01");
    assert_string_equal(text, "{\"by\":[\"mission\"],\"rows\":[{\"mission\":\"MINUSMA\","
                              "\"count\":2}],\"total\":3,\"fatalities_only\":true,"
                              "\"from\":\"2019-01-01\",\"distinct\":{\"nationalities\":1,"
                              "\"missions\":2},\"as_of\":{\"last_record\":\"2020-01-10\","
                              "\"updated\":null,\"imported_at\":null}}");
    free(text);
}

/* api/stats-visibility: each reader counts what they may read and nothing more: the owner its
 * embargoed record and the GREEN one, another member the GREEN one, the auditor (who reads the
 * audit log, not records) the published figures only: its organization's embargoed CLEAR
 * record is not published yet (issue 9, defect 8). */
static void api_stats_visibility(void **state)
{
    (void)state;
    const char *path = "/api/v1/stats/casualties";
    assert_int_equal(total_for(NULL, path), 3);
    assert_int_equal(total_for(&fra_fp, path), 5);
    assert_int_equal(total_for(&bra_fp, path), 4);
    assert_int_equal(total_for(&fra_auditor, path), 3);
    /* A grouped count agrees: UNMISS 2020 accidents are S-4 (GREEN) and S-5 (embargoed). */
    const char *acc = "/api/v1/stats/casualties?incident_type=Accident";
    assert_int_equal(total_for(NULL, acc), 0);
    assert_int_equal(total_for(&bra_fp, acc), 1);
    assert_int_equal(total_for(&fra_fp, acc), 2);
}

/* api/stats-csv: format=csv is text/csv with the HXL hashtag row second. */
static void api_stats_csv(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/stats/casualties?by=year&format=csv", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/csv; charset=utf-8");
    assert_string_equal(r.body, "year,count\n#date+year,#affected+killed\n2019,2\n2020,1\n");
    test_response_free(&r);
    assert_not_modified(server.port, "/api/v1/stats/casualties?by=year&format=csv");
    assert_not_modified(server.port, "/api/v1/stats/casualties?by=year");
}

/* api/stats-bad-parameters: 400, naming the parameter. */
static void api_stats_bad_parameters(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        const char *field;
    } cases[] = {
        { "by=colour", "by" },
        { "by=year,year", "by" },
        { "top=0", "top" },
        { "top=many", "top" },
        { "rate=2", "rate" },
        { "by=mission&rate=1", "rate" },
        { "distinct=perhaps", "distinct" },
        { "format=xml", "format" },
        { "from=2020-13-01", "from" },
        { "to=tomorrow", "to" },
        { "ytd=2020-02-01&from=2020-01-01", "ytd" },
        { "mission=ATLANTIS", "mission" },
        { "nationality=QQQ", "nationality" },
        { "incident_type=IED", "incident_type" },
        { "embargoed=sometimes", "embargoed" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/stats/casualties?%s", cases[i].query);
        struct test_response r;
        test_http(server.port, "GET", path, NULL, NULL, 0, &r);
        if (r.status != 400)
            fail_msg("%s: expected 400, got %d: %s", path, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
}

/* The `as_of` of a reply as compact JSON (heap). */
static char *as_of_text(const struct test_session *s)
{
    json_t *j = test_get_json(server.port, s ? s->headers : NULL, "/api/v1/stats/casualties", 200);
    char *text = json_dumps(json_object_get(j, "as_of"), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    return text;
}

/* api/stats-as-of: every JSON reply says how current the UN's figures are: the newest UN
 * record the caller may see (a newer one they may not see stays unseen, even as a date), the
 * file's own last update among those, and the last UN import's time from the audit log. Runs
 * last: it adds a record and an import entry. */
static void api_stats_as_of(void **state)
{
    (void)state;
    char *text = as_of_text(NULL);
    assert_string_equal(text, "{\"last_record\":\"2020-01-10\",\"updated\":null,"
                              "\"imported_at\":null}");
    free(text);
    /* A newer UN record that only members read (GREEN), and an import recorded. */
    struct db *h = test_db_open(store, 0);
    test_exec(h, "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                 "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                 "owner_org_id, tlp, embargoed, source, source_updated, created_at, updated_at) "
                 "SELECT '0190f100-0000-7000-8000-000000000006', 'S-6', '2021-06-01', 'UNMISS', "
                 "'Fatality', 'M', 'Chad', 'TCD', 'Military', 'Illness', o.id, 'GREEN', 0, 'un', "
                 "'2021-07-15', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM org o "
                 "WHERE o.code = 'DPO'");
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    must(db_begin(h, &err), &err, "begin");
    must(audit_append(h, &cli, "casualty.import", "casualty", NULL, NULL, &err), &err, "audit");
    must(db_commit(h, &err), &err, "commit");
    char want[256];
    snprintf(want, sizeof want, "\"imported_at\":\"%s\"}",
             test_query_text(h, "SELECT at FROM audit_log WHERE action = 'casualty.import'"));
    db_close(h);

    /* Anonymous: the same newest record, now with the import's time. */
    text = as_of_text(NULL);
    assert_non_null(strstr(text, "\"last_record\":\"2020-01-10\",\"updated\":null,"));
    assert_non_null(strstr(text, want));
    free(text);
    /* The auditor reads the published figures only: the GREEN record's date stays unseen. */
    text = as_of_text(&fra_auditor);
    assert_non_null(strstr(text, "{\"last_record\":\"2020-01-10\",\"updated\":null,"));
    free(text);
    /* A member reads the GREEN record: its date and the file's update. */
    text = as_of_text(&bra_fp);
    assert_non_null(strstr(text, "{\"last_record\":\"2021-06-01\",\"updated\":\"2021-07-15\","));
    assert_non_null(strstr(text, want));
    free(text);
    /* The CSV is the figures alone. */
    struct test_response r;
    test_http(server.port, "GET", "/api/v1/stats/casualties?format=csv", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "2021-06-01"));
    assert_null(strstr(r.body, "as_of"));
    test_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/stats-public", api_stats_public),
        BH_TEST("api/stats-visibility", api_stats_visibility),
        BH_TEST("api/stats-csv", api_stats_csv),
        BH_TEST("api/stats-bad-parameters", api_stats_bad_parameters),
        BH_TEST("api/stats-as-of", api_stats_as_of),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
