/* The silence procedure (src/proposal/, docs/proposals.md) with an injected clock on a fresh
 * store: an objection on the current version blocks adoption, the latest position of an
 * organization counts, an extension moves the deadline, an amendment that restarts the clock
 * clears the positions, a withdrawal closes, positions after the deadline or for another
 * organization are refused, an observer only comments, and settling twice decides once. */
#include "support.h"

#include "base/timeutil.h"
#include "db/db.h"
#include "principal/principal.h"
#include "proposal/proposal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bangui ceasefire line 2014"
#define HOUR_MS  (3600LL * 1000)
#define T0       1796000000000LL /* 2026-11-30 */

static struct db *db;
static int64_t org_ids[5];
static struct principal bra_co, rwa_fp, fra_fp, nor_fp, fra_rep;
static int64_t clock_ms = T0;

static int64_t fake_clock(void)
{
    return clock_ms;
}

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "BRA", "RWA", "FRA", "NOR" };
    db = test_db_with_orgs("unit_proposal_silence", NULL, codes, 5, 0, org_ids);
    test_exec(db, "UPDATE org SET standing = 'co_chair' WHERE code = 'BRA';"
                  "UPDATE org SET standing = 'member' WHERE code IN ('RWA', 'FRA', 'DPO');"
                  "UPDATE org SET standing = 'observer' WHERE code = 'NOR';");
    test_user_principal(db, "bra.co", org_ids[1], "BRA", ROLE_COORDINATOR, NULL, PASSWORD, &bra_co);
    test_user_principal(db, "rwa.fp", org_ids[2], "RWA", ROLE_FOCAL_POINT, NULL, PASSWORD, &rwa_fp);
    test_user_principal(db, "fra.fp", org_ids[3], "FRA", ROLE_FOCAL_POINT, NULL, PASSWORD, &fra_fp);
    test_user_principal(db, "nor.fp", org_ids[4], "NOR", ROLE_FOCAL_POINT, NULL, PASSWORD, &nor_fp);
    test_user_principal(db, "fra.rep", org_ids[3], "FRA", ROLE_REPORTER, NULL, PASSWORD, &fra_rep);
    time_set_clock(fake_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

/* A proposal of FRA with a deadline `in_ms` from now, with a plan when `plan`. Its id to `id`. */
static void create(const char *title, int64_t in_ms, bool plan, char id[40])
{
    char deadline[40];
    time_format_rfc3339(clock_ms + in_ms, 0, false, deadline);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "title", title, "text",
                             "The group **endorses** the plan.", "deadline", deadline, "time_zone",
                             "UTC", "sponsors", "RWA");
    if (plan)
        json_object_set_new(
            body, "plan",
            json_pack("{s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:s, s:s}]}", "commitment", "title",
                      "Casualty evacuation within the golden hour", "source", "group", "a4p_area",
                      "safety_security", "actions", "title", "Night-capable CASEVAC in Sector West",
                      "mission", "MINUSCA", "responsible_org", "RWA", "due_date", "2027-06-30"));
    json_t *out = NULL;
    struct bh_error err;
    must(proposal_create(db, &fra_fp, body, &out, &err), &err, "proposal_create");
    snprintf(id, 40, "%s", json_string_value(json_object_get(out, "id")));
    assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
    json_decref(out);
    json_decref(body);
}

static int state(const struct principal *who, const char *id, const char *position,
                 const char *reasons, struct bh_error *err)
{
    json_t *body = json_pack("{s:s}", "position", position);
    if (reasons)
        json_object_set_new(body, "reasons", json_string(reasons));
    json_t *out = NULL;
    int rc = proposal_state_position(db, who, id, body, &out, err);
    json_decref(out);
    json_decref(body);
    return rc;
}

static char *status_of(const char *id)
{
    static char s[16];
    json_t *out = NULL;
    struct bh_error err;
    must(proposal_get(db, &bra_co, id, &out, &err), &err, "proposal_get");
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(out, "status")));
    json_decref(out);
    return s;
}

static int64_t count_for(const char *sql_fmt, const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql, sql_fmt, id);
    return test_query_int(db, sql);
}

static void settle_at(int64_t at)
{
    clock_ms = at;
    struct bh_error err;
    int n = 0;
    must(proposal_settle_due(db, at, &n, &err), &err, "settle");
}

static void objection_blocks(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Objection blocks", HOUR_MS, false, id);
    must(state(&bra_co, id, "support", NULL, &err), &err, "support");
    must(state(&rwa_fp, id, "break_silence", "The plan names no funding.", &err), &err, "break");
    settle_at(clock_ms + HOUR_MS - 1);
    assert_string_equal(status_of(id), "open");
    settle_at(clock_ms + 1);
    assert_string_equal(status_of(id), "not_adopted");
    assert_int_equal(count_for("SELECT count(*) FROM decision WHERE proposal_id = '%s'", id), 0);
    assert_int_equal(count_for("SELECT count(*) FROM proposal_event WHERE proposal_id = '%s' AND "
                               "kind = 'not_adopted'",
                               id),
                     1);
}

static void silence_adopts_with_plan(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Silence adopts", HOUR_MS, true, id);
    must(state(&bra_co, id, "support", NULL, &err), &err, "support");
    settle_at(clock_ms + HOUR_MS);
    assert_string_equal(status_of(id), "adopted");
    assert_int_equal(count_for("SELECT count(*) FROM decision WHERE proposal_id = '%s'", id), 1);
    assert_int_equal(count_for("SELECT count(*) FROM commitment c JOIN decision d ON d.id = "
                               "c.decision_id WHERE d.proposal_id = '%s'",
                               id),
                     1);
    assert_int_equal(count_for("SELECT count(*) FROM mission_action a JOIN commitment c ON c.id "
                               "= a.commitment_id JOIN decision d ON d.id = c.decision_id WHERE "
                               "d.proposal_id = '%s' AND a.mission = 'MINUSCA'",
                               id),
                     1);
    json_t *out = NULL;
    must(proposal_get(db, &rwa_fp, id, &out, &err), &err, "get");
    assert_true(json_is_string(json_object_get(out, "decision")));
    assert_int_equal(json_array_size(json_object_get(out, "actions")), 1);
    json_decref(out);
}

static void latest_position_counts(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Latest counts", HOUR_MS, false, id);
    must(state(&rwa_fp, id, "support", NULL, &err), &err, "support");
    must(state(&rwa_fp, id, "break_silence", "Second thoughts.", &err), &err, "break");
    must(state(&rwa_fp, id, "support", NULL, &err), &err, "support again");
    json_t *out = NULL;
    must(proposal_get(db, &rwa_fp, id, &out, &err), &err, "get");
    json_t *counts = json_object_get(out, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "support")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "break_silence")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "statements")), 3);
    json_decref(out);
    settle_at(clock_ms + HOUR_MS);
    assert_string_equal(status_of(id), "adopted");
}

static void extension_moves_deadline(void **unused)
{
    (void)unused;
    char id[40], later[40];
    struct bh_error err;
    int64_t start = clock_ms;
    create("Extended", HOUR_MS, false, id);
    time_format_rfc3339(start + 2 * HOUR_MS, 0, false, later);
    json_t *body = json_pack("{s:s, s:s, s:s}", "deadline", later, "time_zone", "UTC", "reason",
                             "Capitals need the weekend.");
    json_t *out = NULL;
    assert_int_equal(proposal_extend(db, &fra_fp, id, body, &out, &err), BH_EDENIED);
    must(proposal_extend(db, &bra_co, id, body, &out, &err), &err, "extend");
    json_decref(out);
    /* Not later than the current one: refused. */
    assert_int_equal(proposal_extend(db, &bra_co, id, body, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "deadline");
    json_decref(body);
    settle_at(start + HOUR_MS);
    assert_string_equal(status_of(id), "open");
    settle_at(start + 2 * HOUR_MS);
    assert_string_equal(status_of(id), "adopted");
}

static void amend_restart_resets_positions(void **unused)
{
    (void)unused;
    char id[40], later[40];
    struct bh_error err;
    int64_t start = clock_ms;
    create("Amended", HOUR_MS, false, id);
    must(state(&bra_co, id, "break_silence", "Paragraph 2 goes too far.", &err), &err, "break");
    time_format_rfc3339(start + 3 * HOUR_MS, 0, false, later);
    json_t *body = json_pack("{s:s, s:s, s:b, s:s, s:s}", "text", "Paragraph 2 softened.", "note",
                             "Paragraph 2 as Brazil asked", "restart_clock", 1, "deadline", later,
                             "time_zone", "UTC");
    json_t *out = NULL;
    assert_int_equal(proposal_amend(db, &nor_fp, id, body, &out, &err), BH_EDENIED);
    must(proposal_amend(db, &rwa_fp, id, body, &out, &err), &err, "amend by a sponsor");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    assert_int_equal(json_array_size(json_object_get(out, "positions")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "versions")), 2);
    json_decref(out);
    json_decref(body);
    settle_at(start + HOUR_MS);
    assert_string_equal(status_of(id), "open");
    settle_at(start + 3 * HOUR_MS);
    assert_string_equal(status_of(id), "adopted");
}

static void withdrawal_closes(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Withdrawn", HOUR_MS, false, id);
    json_t *body = json_pack("{s:s}", "reason", "Overtaken by the Council's resolution.");
    json_t *out = NULL;
    assert_int_equal(proposal_withdraw(db, &rwa_fp, id, body, &out, &err), BH_EDENIED);
    must(proposal_withdraw(db, &bra_co, id, body, &out, &err), &err, "withdraw");
    json_decref(out);
    json_decref(body);
    assert_string_equal(status_of(id), "withdrawn");
    settle_at(clock_ms + HOUR_MS);
    assert_string_equal(status_of(id), "withdrawn");
    assert_int_equal(state(&rwa_fp, id, "support", NULL, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "status");
}

static void refusals(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Refusals", HOUR_MS, false, id);
    /* Another organization's position. */
    json_t *body = json_pack("{s:s, s:s}", "position", "support", "org", "BRA");
    json_t *out = NULL;
    assert_int_equal(proposal_state_position(db, &rwa_fp, id, body, &out, &err), BH_EDENIED);
    assert_string_equal(err.field, "org");
    json_decref(body);
    /* An observer comments, and states nothing else. */
    assert_int_equal(state(&nor_fp, id, "support", NULL, &err), BH_EDENIED);
    assert_string_equal(err.field, "position");
    must(state(&nor_fp, id, "comment", "Norway welcomes the text.", &err), &err, "comment");
    /* Breaking silence needs reasons; a reporter states nothing. */
    assert_int_equal(state(&rwa_fp, id, "break_silence", NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "reasons");
    assert_int_equal(state(&fra_rep, id, "support", NULL, &err), BH_EDENIED);
    /* At the deadline, before any worker ran: refused, nothing written. */
    int64_t before =
        count_for("SELECT count(*) FROM proposal_position WHERE proposal_id = '%s'", id);
    clock_ms += HOUR_MS;
    assert_int_equal(state(&rwa_fp, id, "break_silence", "Too late?", &err), BH_ECONFLICT);
    assert_string_equal(err.field, "deadline");
    assert_int_equal(
        count_for("SELECT count(*) FROM proposal_position WHERE proposal_id = '%s'", id), before);
    settle_at(clock_ms);
    assert_string_equal(status_of(id), "adopted");
}

static void settle_twice_decides_once(void **unused)
{
    (void)unused;
    char id[40];
    struct bh_error err;
    create("Twice", HOUR_MS, true, id);
    clock_ms += HOUR_MS;
    int first = 0, second = 0;
    must(proposal_settle_due(db, clock_ms, &first, &err), &err, "first");
    int64_t told = count_for("SELECT count(*) FROM notification WHERE record_id = '%s' AND kind = "
                             "'proposal.adopted'",
                             id);
    must(proposal_settle_due(db, clock_ms, &second, &err), &err, "second");
    assert_int_equal(first, 1);
    assert_int_equal(second, 0);
    assert_true(told >= 4); /* every account of the member organizations */
    assert_int_equal(count_for("SELECT count(*) FROM notification WHERE record_id = '%s' AND "
                               "kind = 'proposal.adopted'",
                               id),
                     told);
    assert_int_equal(count_for("SELECT count(*) FROM decision WHERE proposal_id = '%s'", id), 1);
    assert_int_equal(count_for("SELECT count(*) FROM proposal_event WHERE proposal_id = '%s' AND "
                               "kind = 'adopted'",
                               id),
                     1);
}

static void bad_input_names_fields(void **unused)
{
    (void)unused;
    struct bh_error err;
    json_t *out = NULL;
    const char *cases[][2] = {
        { "{\"title\":\"x\",\"text\":\"y\",\"deadline\":\"2020-01-01T00:00:00Z\","
          "\"time_zone\":\"UTC\"}",
          "deadline" },
        { "{\"title\":\"x\",\"text\":\"y\",\"deadline\":\"2027-12-10T18:00\","
          "\"time_zone\":\"Mars/Olympus\"}",
          "time_zone" },
        { "{\"title\":\"x\",\"text\":\"y\",\"deadline\":\"2027-12-10T18:00\","
          "\"time_zone\":\"UTC\",\"sponsors\":[\"RWA\",\"XXX\"]}",
          "sponsors[1]" },
        { "{\"title\":\"x\",\"text\":\"y\",\"deadline\":\"2027-12-10T18:00\","
          "\"time_zone\":\"UTC\",\"plan\":{\"commitment\":{\"title\":\"c\",\"source\":\"group\"},"
          "\"actions\":[{\"title\":\"a\",\"mission\":\"NOPE\",\"responsible_org\":\"RWA\","
          "\"due_date\":\"2027-06-30\"}]}}",
          "plan.actions[0].mission" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM proposal");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = json_loads(cases[i][0], 0, NULL);
        assert_non_null(body);
        assert_int_equal(proposal_create(db, &fra_fp, body, &out, &err), BH_EINVALID);
        assert_string_equal(err.field, cases[i][1]);
        json_decref(body);
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM proposal"), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/proposal-objection-blocks", objection_blocks),
        BH_TEST("unit/proposal-silence-adopts-with-plan", silence_adopts_with_plan),
        BH_TEST("unit/proposal-latest-position-counts", latest_position_counts),
        BH_TEST("unit/proposal-extension-moves-deadline", extension_moves_deadline),
        BH_TEST("unit/proposal-amend-restart-resets-positions", amend_restart_resets_positions),
        BH_TEST("unit/proposal-withdrawal", withdrawal_closes),
        BH_TEST("unit/proposal-refusals", refusals),
        BH_TEST("unit/proposal-settle-twice-decides-once", settle_twice_decides_once),
        BH_TEST("unit/proposal-bad-input-names-fields", bad_input_names_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
