/* `bluehelm casevac summary`: the real binary on a real store whose timelines were written
 * through the module (casualty_create, casevac_put) as a member's user: the table and the
 * API's JSON, the filters, and the mistakes it names with exit status 2. */
#include "support.h"
#include "world.h"

#include "casevac/casevac.h"
#include "casualty/casualty.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A casualty of `who` in `mission` on `date` with the timeline `json`. */
static void timeline(struct db *db, const struct principal *who, const char *mission,
                     const char *date, const char *json)
{
    struct casualty_new in = {
        .incident_date = date,
        .mission = mission,
        .casualty_type = "Injury",
        .gender = "M",
        .nationality = "FRA",
        .personnel_type = "Military",
        .incident_type = "Malicious Act",
        .tlp = "TLP:GREEN",
    };
    struct bh_error err;
    json_t *rec = NULL;
    must(casualty_create(db, who, &in, &rec, &err), &err, "casualty_create");
    json_error_t jerr;
    json_t *body = json_loads(json, 0, &jerr);
    if (!body)
        fail_msg("bad test JSON: %s", jerr.text);
    struct casevac_timeline *t = malloc(sizeof *t);
    must(casevac_timeline_from_json(body, t, &err), &err, "timeline");
    must(casevac_put(db, who, json_string_value(json_object_get(rec, "id")), t, NULL, &err), &err,
         "casevac_put");
    free(t);
    json_decref(body);
    json_decref(rec);
}

#define TIMES(inj, fa, ac, su)                                                                \
    "{\"injury_at\":\"" inj "\",\"first_aid_at\":\"" fa "\",\"advanced_care_at\":\"" ac "\"," \
    "\"surgery_at\":" su ",\"evac_requested_at\":null,\"evac_launched_at\":null,"             \
    "\"evac_arrived_at\":null}"

static char *store;

static int setup(void **state)
{
    (void)state;
    static const char *const orgs[] = { "FRA" };
    static const struct test_user users[] = {
        { "fra.fp", "FRA", "focal_point", NULL, NULL, NULL, NULL },
    };
    static const struct test_world world = { .name = "cli_casevac",
                                             .password = "Tessalit convoy 2016",
                                             TEST_ORGS(orgs),
                                             TEST_USERS(users) };
    store = test_world_store(&world);
    struct db *db = test_db_open(store, 0);
    struct principal fp;
    memset(&fp, 0, sizeof fp);
    fp.account_id = test_query_int(db, "SELECT id FROM account WHERE username = 'fra.fp'");
    fp.org_id = test_query_int(db, "SELECT id FROM org WHERE code = 'FRA'");
    fp.role = ROLE_FOCAL_POINT;
    snprintf(fp.username, sizeof fp.username, "fra.fp");
    snprintf(fp.org_code, sizeof fp.org_code, "FRA");
    /* MINUSMA, 2016-10: one all met (8, 50, 100), one first aid missed (10:01) with surgery
     * unknown. UNMISS, 2016-11: all met. */
    timeline(db, &fp, "MINUSMA", "2016-10-06",
             TIMES("2016-10-06T08:00:00Z", "2016-10-06T08:08:00Z", "2016-10-06T08:50:00Z",
                   "\"2016-10-06T09:40:00Z\""));
    timeline(db, &fp, "MINUSMA", "2016-10-20",
             TIMES("2016-10-20T08:00:00Z", "2016-10-20T08:10:01Z", "2016-10-20T08:30:00Z", "null"));
    timeline(db, &fp, "UNMISS", "2016-11-02",
             TIMES("2016-11-02T08:00:00Z", "2016-11-02T08:02:00Z", "2016-11-02T08:40:00Z",
                   "\"2016-11-02T09:30:00Z\""));
    db_close(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(store);
    return 0;
}

/* cli/casevac-summary: the table's rows with their counts, rates and medians; the JSON is the
 * API's; --mission and the months filter. */
static void cli_casevac_summary(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "casevac", "summary", "--db", store, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "MINUSMA    2016-10          2  1/1/0 50%        2/0/0 100%       "
                           "1/0/1 100%       1/1/0 50%        9.5 / 40 / 100\n");
    assert_contains(r.out, "UNMISS     2016-11          1  1/0/0 100%       1/0/0 100%       "
                           "1/0/0 100%       1/0/0 100%       2 / 40 / 90\n");
    test_run_free(&r);

    r = test_cli((const char *[]){ "casevac", "summary", "--db", store, "--mission", "unmiss",
                                   "--format", "json", NULL });
    assert_status(r, 0);
    json_error_t jerr;
    json_t *j = json_loads(r.out, 0, &jerr);
    if (!j)
        fail_msg("not JSON: %s", r.out);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(it, "mission")), "UNMISS");
    assert_int_equal(json_integer_value(json_object_get(it, "median_surgery_minutes")), 90);
    json_decref(j);
    test_run_free(&r);

    r = test_cli(
        (const char *[]){ "casevac", "summary", "--db", store, "--from", "2016-11", NULL });
    assert_status(r, 0);
    assert_int_equal(strstr(r.out, "MINUSMA") == NULL, 1);
    assert_contains(r.out, "UNMISS     2016-11");
    test_run_free(&r);
}

/* cli/casevac-summary-mistakes: each bad option is named, exit 2; no subcommand names the
 * choice. */
static void cli_casevac_summary_mistakes(void **state)
{
    (void)state;
    assert_run(test_cli((const char *[]){ "casevac", "summary", "--db", store, "--mission",
                                          "ATLANTIS", NULL }),
               2, NULL, "--mission: no UN mission has the acronym 'ATLANTIS'");
    assert_run(test_cli((const char *[]){ "casevac", "summary", "--db", store, "--from", "2016-13",
                                          NULL }),
               2, NULL, "--from: from '2016-13' is not a month");
    assert_run(test_cli((const char *[]){ "casevac", "summary", "--db", store, "--from", "2016-12",
                                          "--to", "2016-11", NULL }),
               2, NULL, "--to: to 2016-11 is before from 2016-12");
    assert_run(
        test_cli((const char *[]){ "casevac", "summary", "--db", store, "--format", "csv", NULL }),
        2, NULL, "--format 'csv' is not one of table, json");
    assert_run(test_cli((const char *[]){ "casevac", NULL }), 2, NULL, "summary");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/casevac-summary", cli_casevac_summary),
        BH_TEST("cli/casevac-summary-mistakes", cli_casevac_summary_mistakes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
