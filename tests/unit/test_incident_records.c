/* Incident reports in process, against a store with the reference data: incident_validate()
 * on every bad value of the issue (each names its field), reports created from JSON (every
 * refusal names the field and writes nothing: incident, incident_revision and the audit log
 * keep their row counts), the workflow's permissions and states, revisions and their
 * snapshots, likely duplicates inside and outside the thresholds, and merging. Expectations
 * are written by hand from docs/incidents.md. */
#include "support.h"

#include "account/account.h"
#include "account/missions.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "sharing/sharing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct db *db;

/* FRA reports for MINUSMA; BRA is another member; DPO the secretariat. */
enum { FRA, BRA, DPO, NORGS };
static const char *const org_codes[NORGS] = { "FRA", "BRA", "DPO" };
static int64_t org_id[NORGS];

/* The people: a reporter, an endorser of MINUSMA, an endorser of MINUSMA who also files
 * reports (the officer), an endorser of MINUSCA only, an endorser with no mission, an analyst,
 * another member's focal point and endorser, and an admin. */
static struct principal fra_rep, fra_end, fra_officer, fra_minusca, fra_nomission, fra_analyst,
    bra_fp, bra_end, admin;

static void person(const char *username, int org, enum role role, const char *missions,
                   struct principal *p)
{
    test_user_principal(db, username, org_id[org], org_codes[org], role, missions, PASSWORD, p);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("incident_records", NULL, org_codes, NORGS, DPO, org_id);
    person("fra.rep", FRA, ROLE_REPORTER, NULL, &fra_rep);
    person("fra.end", FRA, ROLE_ENDORSER, "MINUSMA", &fra_end);
    person("fra.officer", FRA, ROLE_ENDORSER, "MINUSMA", &fra_officer);
    person("fra.minusca", FRA, ROLE_ENDORSER, "MINUSCA", &fra_minusca);
    person("fra.nomission", FRA, ROLE_ENDORSER, NULL, &fra_nomission);
    person("fra.analyst", FRA, ROLE_ANALYST, NULL, &fra_analyst);
    person("bra.fp", BRA, ROLE_FOCAL_POINT, NULL, &bra_fp);
    person("bra.end", BRA, ROLE_ENDORSER, "MINUSMA", &bra_end);
    person("secretariat", DPO, ROLE_ADMIN, NULL, &admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- helpers ---- */

struct counts {
    int64_t incidents, revisions, audit;
};

static struct counts counts(void)
{
    struct counts c = {
        test_query_int(db, "SELECT count(*) FROM incident"),
        test_query_int(db, "SELECT count(*) FROM incident_revision"),
        test_query_int(db, "SELECT count(*) FROM audit_log"),
    };
    return c;
}

static void assert_counts_equal(struct counts a, struct counts b, const char *what)
{
    if (a.incidents != b.incidents || a.revisions != b.revisions || a.audit != b.audit)
        fail_msg("%s wrote something: incidents %lld -> %lld, revisions %lld -> %lld, audit "
                 "%lld -> %lld",
                 what, (long long)a.incidents, (long long)b.incidents, (long long)a.revisions,
                 (long long)b.revisions, (long long)a.audit, (long long)b.audit);
}

/* A good report body at (lat, lon) at `when`, as a JSON object (caller decrefs). */
static json_t *report(const char *mission, const char *type, double lat, double lon,
                      const char *when)
{
    return json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:[s], s:[s], s:i, s:i}", "mission",
                     mission, "occurred_at", when, "latitude", lat, "longitude", lon, "threat_type",
                     type, "target", "convoy", "activity", "logistics_convoy", "narrative",
                     "IED strike on a logistics convoy north of Gao", "perpetrator_groups", "jnim",
                     "sources", "JOC flash report 17", "killed", 1, "injured", 3);
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The first column of the first row of `sql` as text, in a static buffer ("" for NULL). */
static const char *query_text(const char *sql)
{
    static char out[1024];
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, sql, &st, &err), &err, sql);
    int rc = db_step(st, &err);
    if (rc != DB_ROW)
        fail_msg("no row from %s", sql);
    snprintf(out, sizeof out, "%s", db_column_text(st, 0) ? db_column_text(st, 0) : "");
    db_stmt_done(st);
    return out;
}

/* Creates a report (the body is released); fails the test when refused. Its id goes to
 * `id`. Returns the record (caller decrefs). */
static json_t *create_ok(const struct principal *who, json_t *body, char id[40])
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_create(db, who, body, &rec, &err);
    json_decref(body);
    must(rc, &err, "incident_create");
    if (id)
        snprintf(id, 40, "%s", str(rec, "id"));
    return rec;
}

static char *created(const struct principal *who, json_t *body)
{
    static char id[40];
    json_decref(create_ok(who, body, id));
    return id;
}

/* Fails unless `rc` is `want` with `field` (NULL: any) and `says` in the message. */
#define assert_refused(rc, err, want, field, says) \
    assert_refused_at((rc), (err), (want), (field), (says), __LINE__)
static void assert_refused_at(int rc, const struct bh_error *err, int want, const char *field,
                              const char *says, int line)
{
    if (rc != want)
        fail_msg("line %d: expected %s, got %s: %s (field %s)", line, bh_errname(want),
                 bh_errname(rc), err->message, err->field);
    if (field && strcmp(err->field, field) != 0)
        fail_msg("line %d: expected field '%s', got '%s': %s", line, field, err->field,
                 err->message);
    if (says && !strstr(err->message, says))
        fail_msg("line %d: expected \"%s\" in \"%s\"", line, says, err->message);
}

/* ---- incident_validate ---- */

static struct incident_row good_row(void)
{
    struct incident_row r = {
        .mission = "MINUSMA",
        .occurred_at = "2024-03-02T06:40:00Z",
        .occurred_precision = "exact",
        .reported_at = "2024-03-02T09:00:00Z",
        .latitude = 16.27,
        .longitude = -0.04,
        .location_precision = "exact",
        .threat_type = "ied",
        .target = "convoy",
        .activity = "logistics_convoy",
        .perpetrator_groups = "[\"jnim\"]",
        .sources = "[\"JOC flash report 17\"]",
        .status = "draft",
        .owner_org_id = org_id[FRA],
        .reporter = "fra.rep",
        .tlp = "GREEN",
        .source = "member",
    };
    return r;
}

/* incident/validate-bad-values: every bad value of the issue is refused naming its field. */
static void incident_validate_bad_values(void **state)
{
    (void)state;
    struct bh_error err;
    struct incident_row r = good_row();
    must(incident_validate(db, &r, &err), &err, "the good row");
    r.tlp = "TLP:RED"; /* the label form is read too */
    must(incident_validate(db, &r, &err), &err, "the good row, RED");

    char future[40];
    time_format_rfc3339(time_now_ms() + 86400000LL, 0, false, future);
#define CASE(field_, value_, names, says)                                                \
    do {                                                                                 \
        r = good_row();                                                                  \
        r.field_ = value_;                                                               \
        assert_refused(incident_validate(db, &r, &err), &err, BH_EINVALID, names, says); \
    } while (0)
    CASE(latitude, 91, "latitude", "out of range");
    CASE(latitude, -90.0001, "latitude", "out of range");
    CASE(latitude, NAN, "latitude", "out of range");
    CASE(longitude, -181, "longitude", "out of range");
    CASE(longitude, 180.5, "longitude", "out of range");
    CASE(longitude, INFINITY, "longitude", "out of range");
    CASE(occurred_at, future, "occurred_at", "in the future");
    CASE(occurred_at, "1947-12-31T23:59:59Z", "occurred_at", "before 1948");
    CASE(occurred_at, "2024-02-30T06:00:00Z", "occurred_at", "not an RFC 3339 time");
    CASE(occurred_at, "yesterday", "occurred_at", "not an RFC 3339 time");
    CASE(occurred_at, NULL, "occurred_at", "required");
    CASE(reported_at, future, "reported_at", "in the future");
    CASE(reported_at, "2024-03-02T06:39:59Z", "reported_at", "before occurred_at");
    CASE(mission, "ATLANTIS", "mission", "unknown mission 'ATLANTIS'");
    CASE(mission, NULL, "mission", "required");
    CASE(threat_type, "alien_invasion", "threat_type", "unknown threat_type 'alien_invasion'");
    CASE(target, "submarine", "target", "unknown target 'submarine'");
    CASE(activity, "sunbathing", "activity", "unknown activity 'sunbathing'");
    CASE(perpetrator_groups, "[\"jnim\",\"spectre\"]", "perpetrator_groups", "'spectre'");
    CASE(perpetrator_groups, "[7]", "perpetrator_groups", "must be a string");
    CASE(perpetrator_groups, "{}", "perpetrator_groups", "list of strings");
    CASE(occurred_precision, "hour", "occurred_precision", "exact, day, week, month");
    CASE(location_precision, "street", "location_precision", "exact, near, admin2");
    CASE(killed, -1, "killed", "negative");
    CASE(injured, -3, "injured", "negative");
    CASE(missing, -1, "missing", "negative");
    CASE(abducted, -1, "abducted", "negative");
    CASE(sources, "[\"ok\", 3]", "sources", "must be a string");
    CASE(sources, "\"JOC\"", "sources", "list of strings");
    CASE(tlp, "PURPLE", "tlp", "unknown marking");
    CASE(tlp, "AMBER", "sharing_group", "needs a sharing group");
    CASE(sharing_group_id, 5, "sharing_group", "only a TLP:AMBER record");
    CASE(status, "approved", "status", "unknown status");
    CASE(source, "rumour", "source", "unknown source");
    CASE(place_name, "Gao\001", "place_name", "control characters");
    /* Imports hand over bytes as they found them: broken, overlong and surrogate UTF-8. */
    CASE(place_name, "Ga\xC3\x28", "place_name", "not valid UTF-8");
    CASE(narrative, "slash \xC0\xAF", "narrative", "not valid UTF-8");
    CASE(perpetrator, "\xED\xA0\x80", "perpetrator", "not valid UTF-8");
    CASE(admin1, "\xF4\x90\x80\x80", "admin1", "not valid UTF-8");
    r = good_row();
    r.place_name = "Tombouctou \xE2\x80\x94 Tin\xC3\xA9nk\xC3\xA9 \xF0\x9F\x98\x80";
    must(incident_validate(db, &r, &err), &err, "good UTF-8");
#undef CASE
    /* The earliest allowed instant is allowed. */
    r = good_row();
    r.occurred_at = "1948-01-01T00:00:00Z";
    must(incident_validate(db, &r, &err), &err, "1948-01-01");
}

/* ---- create ---- */

/* incident/create-report: the caller's organization and name, the defaults, the times in UTC,
 * the mission in the table's spelling, revision 1 with the record as its snapshot, and the
 * audit entry; "submit": true makes revision 2. */
static void incident_create_report(void **state)
{
    (void)state;
    struct counts before = counts();
    json_t *body = report("minusma", "ied", 16.27, -0.04, "2024-03-02T07:40:00+01:00");
    char id[40];
    json_t *rec = create_ok(&fra_rep, body, id);
    assert_string_equal(str(rec, "mission"), "MINUSMA");
    assert_string_equal(str(rec, "occurred_at"), "2024-03-02T06:40:00Z");
    assert_string_equal(str(rec, "occurred_precision"), "exact");
    assert_string_equal(str(rec, "location_precision"), "exact");
    assert_string_equal(str(rec, "status"), "draft");
    assert_string_equal(str(rec, "owner"), "FRA");
    assert_string_equal(str(rec, "reporter"), "fra.rep");
    assert_string_equal(str(rec, "tlp"), "TLP:GREEN");
    assert_string_equal(str(rec, "source"), "member");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 1);
    assert_int_equal(json_integer_value(json_object_get(rec, "killed")), 1);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(rec, "perpetrator_groups"), 0)), "jnim");
    /* Its casualty records are the API's to compose (api/incidents-create checks them). */
    assert_null(json_object_get(rec, "casualty_records"));
    /* reported_at defaults to now: after occurred_at, within a minute of the clock. */
    int64_t rep_ms;
    struct bh_error err;
    must(time_parse_rfc3339(str(rec, "reported_at"), &rep_ms, NULL, &err), &err, "reported_at");
    assert_true(llabs(rep_ms - time_now_ms()) < 60000);
    json_decref(rec);

    struct counts after = counts();
    assert_int_equal(after.incidents, before.incidents + 1);
    assert_int_equal(after.revisions, before.revisions + 1);
    assert_int_equal(after.audit, before.audit + 1);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'incident.create' AND record_id = '%s' "
             "AND username = 'fra.rep'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT r.revision FROM incident_revision r JOIN incident i ON i.n = r.incident_n "
             "WHERE i.id = '%s' AND r.action = 'create' AND r.actor = 'fra.rep' AND "
             "json_extract(r.snapshot, '$.status') = 'draft' AND "
             "json_extract(r.snapshot, '$.occurred_at') = '2024-03-02T06:40:00Z'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);

    body = report("MINUSMA", "ambush", 16.5, -0.5, "2024-04-01T10:00:00Z");
    json_object_set_new(body, "submit", json_true());
    rec = create_ok(&fra_rep, body, id);
    assert_string_equal(str(rec, "status"), "submitted");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 2);
    json_decref(rec);
    snprintf(sql, sizeof sql,
             "SELECT group_concat(action, ',') FROM (SELECT r.action FROM incident_revision r "
             "JOIN incident i ON i.n = r.incident_n WHERE i.id = '%s' ORDER BY r.revision)",
             id);
    assert_string_equal(query_text(sql), "create,submit");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action IN "
             "('incident.create', 'incident.submit')",
             id);
    assert_int_equal(test_query_int(db, sql), 2);
}

/* incident/create-bad-input: every bad value of the issue, and bad shapes, refused naming the
 * field; incident, incident_revision and the audit log keep their row counts. */
static void incident_create_bad_input(void **state)
{
    (void)state;
    char future[40];
    time_format_rfc3339(time_now_ms() + 3 * 86400000LL, 0, false, future);
    static const struct {
        const char *key, *json, *field, *says;
    } cases[] = {
        { "latitude", "91", "latitude", "out of range" },
        { "longitude", "-181", "longitude", "out of range" },
        { "occurred_at", NULL, "occurred_at", "in the future" }, /* `future` below */
        { "occurred_at", "\"1947-06-01T12:00:00Z\"", "occurred_at", "before 1948" },
        { "mission", "\"ATLANTIS\"", "mission", "unknown mission" },
        { "threat_type", "\"alien_invasion\"", "threat_type", "unknown threat_type" },
        { "target", "\"submarine\"", "target", "unknown target" },
        { "activity", "\"sunbathing\"", "activity", "unknown activity" },
        { "perpetrator_groups", "[\"spectre\"]", "perpetrator_groups", "not a known group" },
        { "killed", "-2", "killed", "negative" },
        { "latitude", "\"16.2\"", "latitude", "must be a number" },
        { "killed", "1.5", "killed", "whole number" },
        { "sources", "\"one\"", "sources", "list of strings" },
        { "tlp", "\"TLP:PURPLE\"", "tlp", "unknown marking" },
        { "status", "\"endorsed\"", "status", "unknown field" },
        { "colour", "\"blue\"", "colour", "unknown field" },
        { "threat_type", "null", "threat_type", "required" },
        { "latitude", "null", "latitude", "required" },
        { "recipients", "[\"fra.end\"]", "recipients", "only a TLP:RED report" },
        { "submit", "\"yes\"", "submit", "true or false" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = report("MINUSMA", "ied", 16.27, -0.04, "2024-03-02T06:40:00Z");
        json_t *v =
            cases[i].json ? json_loads(cases[i].json, JSON_DECODE_ANY, NULL) : json_string(future);
        json_object_set_new(body, cases[i].key, v);
        struct counts before = counts();
        struct bh_error err;
        json_t *rec = NULL;
        int rc = incident_create(db, &fra_rep, body, &rec, &err);
        json_decref(body);
        assert_null(rec);
        assert_refused(rc, &err, BH_EINVALID, cases[i].field, cases[i].says);
        assert_counts_equal(before, counts(), cases[i].key);
    }
    /* A RED report naming a user who does not exist. */
    json_t *body = report("MINUSMA", "ied", 16.27, -0.04, "2024-03-02T06:40:00Z");
    json_object_set_new(body, "tlp", json_string("TLP:RED"));
    json_object_set_new(body, "recipients", json_pack("[s, s]", "fra.end", "nobody.here"));
    struct counts before = counts();
    struct bh_error err;
    assert_refused(incident_create(db, &fra_rep, body, NULL, &err), &err, BH_EINVALID, "recipients",
                   "recipients[1]: 'nobody.here' cannot be named");
    json_decref(body);
    assert_counts_equal(before, counts(), "RED to nobody");
    /* Not a JSON object at all. */
    json_t *arr = json_array();
    assert_refused(incident_create(db, &fra_rep, arr, NULL, &err), &err, BH_EINVALID, "body", NULL);
    json_decref(arr);
    /* An analyst reads and exports; reporting is not theirs. */
    body = report("MINUSMA", "ied", 16.27, -0.04, "2024-03-02T06:40:00Z");
    assert_refused(incident_create(db, &fra_analyst, body, NULL, &err), &err, BH_EDENIED, NULL,
                   "analyst");
    json_decref(body);
    assert_counts_equal(before, counts(), "analyst");
}

/* ---- workflow ---- */

/* incident/workflow-permissions: who may change, submit, endorse and return; every refusal
 * says why and writes nothing; a record the caller may not see is BH_ENOTFOUND. */
static void incident_workflow_permissions(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40], officers[40], hidden[40];
    snprintf(id, sizeof id, "%s",
             created(&fra_rep, report("MINUSMA", "ied", 15.0, -1.0, "2024-05-01T08:00:00Z")));
    snprintf(officers, sizeof officers, "%s",
             created(&fra_officer, report("MINUSMA", "ied", 15.5, -1.5, "2024-05-02T08:00:00Z")));
    json_t *body = report("MINUSMA", "ied", 15.7, -1.7, "2024-05-03T08:00:00Z");
    json_object_set_new(body, "tlp", json_string("TLP:AMBER+STRICT"));
    snprintf(hidden, sizeof hidden, "%s", created(&fra_rep, body));

    struct counts before = counts();
    /* Not submitted yet: the state is named. */
    assert_refused(incident_endorse(db, &fra_end, id, NULL, &err), &err, BH_ECONFLICT, "status",
                   "the report is draft");
    /* A draft is FRA's business until it is submitted: for another member, even of a GREEN
     * report, it does not exist yet. */
    json_t *change = json_pack("{s:s}", "place_name", "Gao");
    assert_refused(incident_update(db, &bra_fp, id, change, 0, NULL, &err), &err, BH_ENOTFOUND,
                   "id", NULL);
    assert_refused(incident_submit(db, &bra_fp, id, NULL, &err), &err, BH_ENOTFOUND, "id", NULL);
    /* A record the caller may not see does not exist for them. */
    json_t *got = NULL;
    assert_refused(incident_get(db, &bra_fp, hidden, &got, &err), &err, BH_ENOTFOUND, "id", NULL);
    assert_refused(incident_update(db, &bra_fp, hidden, change, 0, NULL, &err), &err, BH_ENOTFOUND,
                   "id", NULL);
    assert_refused(incident_endorse(db, &bra_end, hidden, NULL, &err), &err, BH_ENOTFOUND, "id",
                   NULL);
    assert_refused(incident_get(db, &bra_fp, "0190a000-0000-7000-8000-00000000dead", &got, &err),
                   &err, BH_ENOTFOUND, "id", NULL);
    assert_refused(incident_get(db, &bra_fp, "not-a-uuid", &got, &err), &err, BH_ENOTFOUND, "id",
                   NULL);
    assert_counts_equal(before, counts(), "refusals before submission");

    must(incident_submit(db, &fra_rep, id, NULL, &err), &err, "submit");
    must(incident_submit(db, &fra_officer, officers, NULL, &err), &err, "submit officer's");
    before = counts();
    /* Submitted: no more changes; a second submission is a conflict. */
    assert_refused(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, BH_ECONFLICT,
                   "status", "the report is submitted");
    assert_refused(incident_submit(db, &fra_rep, id, NULL, &err), &err, BH_ECONFLICT, "status",
                   "submitted");
    /* A reporter is no endorser. */
    assert_refused(incident_endorse(db, &fra_rep, id, NULL, &err), &err, BH_EDENIED, NULL,
                   "record.endorse");
    /* An endorser of another mission, and one of none, are told which mission it takes. */
    assert_refused(incident_endorse(db, &fra_minusca, id, NULL, &err), &err, BH_EDENIED, "mission",
                   "not an endorser of mission MINUSMA (your missions: MINUSCA)");
    assert_refused(incident_endorse(db, &fra_nomission, id, NULL, &err), &err, BH_EDENIED,
                   "mission", "your missions: none");
    assert_refused(incident_return(db, &fra_minusca, id, "fix it", NULL, &err), &err, BH_EDENIED,
                   "mission", "MINUSMA");
    /* The reporter may not endorse their own report, even as an endorser of its mission. */
    assert_refused(incident_endorse(db, &fra_officer, officers, NULL, &err), &err, BH_EDENIED,
                   "reporter", "you reported this incident");
    /* A return needs a reason. */
    assert_refused(incident_return(db, &fra_end, id, "  \n", NULL, &err), &err, BH_EINVALID,
                   "reason", "needs a reason");
    assert_refused(incident_return(db, &fra_end, id, NULL, NULL, &err), &err, BH_EINVALID, "reason",
                   NULL);
    assert_counts_equal(before, counts(), "refused workflow steps");

    /* An endorser of the mission from another member organization may endorse: endorsement
     * follows the mission, not the organization. */
    json_t *rec = NULL;
    must(incident_endorse(db, &bra_end, officers, &rec, &err), &err, "endorse by bra.end");
    assert_string_equal(str(rec, "status"), "endorsed");
    assert_string_equal(str(rec, "endorsed_by"), "bra.end");
    assert_non_null(str(rec, "endorsed_at"));
    json_decref(rec);
    /* Endorsed is final: not endorsed, returned or changed again. */
    assert_refused(incident_endorse(db, &fra_end, officers, NULL, &err), &err, BH_ECONFLICT,
                   "status", "the report is endorsed");
    assert_refused(incident_return(db, &fra_end, officers, "late", NULL, &err), &err, BH_ECONFLICT,
                   "status", "endorsed");

    /* Returned with a reason, changed by the owner organization's other user, resubmitted,
     * endorsed. */
    must(incident_return(db, &fra_end, id, "Give the grid reference of the strike.", &rec, &err),
         &err, "return");
    assert_string_equal(str(rec, "status"), "returned");
    assert_string_equal(str(rec, "return_reason"), "Give the grid reference of the strike.");
    json_decref(rec);
    must(incident_update(db, &fra_officer, id, change, 0, &rec, &err), &err,
         "update by the owner organization");
    assert_string_equal(str(rec, "place_name"), "Gao");
    assert_string_equal(str(rec, "status"), "returned");
    json_decref(rec);
    must(incident_submit(db, &fra_rep, id, &rec, &err), &err, "resubmit");
    assert_true(json_is_null(json_object_get(rec, "return_reason")));
    json_decref(rec);
    must(incident_endorse(db, &fra_end, id, &rec, &err), &err, "endorse");
    assert_string_equal(str(rec, "status"), "endorsed");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 6);
    json_decref(rec);
    json_decref(change);

    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log WHERE "
             "record_id = '%s' ORDER BY seq)",
             id);
    assert_string_equal(query_text(sql),
                        "incident.create,incident.submit,incident.return,incident.update,"
                        "incident.submit,incident.endorse");
}

/* incident/update-partial: a change touches only the fields it names, null clears an
 * optional one, a bad value names its field and writes nothing, a stale revision is refused,
 * and a change that changes nothing is no revision. */
static void incident_update_partial(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40];
    json_t *body = report("MINUSMA", "ied", 14.0, -2.0, "2024-06-01T08:00:00Z");
    json_object_set_new(body, "place_name", json_string("Ansongo"));
    json_decref(create_ok(&fra_rep, body, id));

    json_t *change = json_pack("{s:i, s:n, s:s}", "injured", 4, "place_name", "admin1", "Gao");
    json_t *rec = NULL;
    must(incident_update(db, &fra_rep, id, change, 1, &rec, &err), &err, "update");
    json_decref(change);
    assert_int_equal(json_integer_value(json_object_get(rec, "injured")), 4);
    assert_int_equal(json_integer_value(json_object_get(rec, "killed")), 1);
    assert_true(json_is_null(json_object_get(rec, "place_name")));
    assert_string_equal(str(rec, "admin1"), "Gao");
    assert_string_equal(str(rec, "narrative"), "IED strike on a logistics convoy north of Gao");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 2);
    json_decref(rec);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action = "
             "'incident.update' AND json_extract(summary, '$.changed') = "
             "'[\"place_name\",\"admin1\",\"injured\"]'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);

    struct counts before = counts();
    change = json_pack("{s:f}", "latitude", 91.0);
    assert_refused(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, BH_EINVALID,
                   "latitude", "out of range");
    json_decref(change);
    change = json_pack("{s:s}", "threat_type", "alien_invasion");
    assert_refused(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, BH_EINVALID,
                   "threat_type", NULL);
    json_decref(change);
    change = json_pack("{s:b}", "submit", 1);
    assert_refused(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, BH_EINVALID,
                   "submit", "unknown field");
    json_decref(change);
    change = json_pack("{s:i}", "injured", 5);
    assert_refused(incident_update(db, &fra_rep, id, change, 1, NULL, &err), &err, BH_ECONFLICT,
                   "If-Match", "revision 2, not 1");
    json_decref(change);
    /* The same value again changes nothing and is no revision. */
    change = json_pack("{s:i}", "injured", 4);
    must(incident_update(db, &fra_rep, id, change, 2, &rec, &err), &err, "no-op update");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 2);
    json_decref(rec);
    json_decref(change);
    assert_counts_equal(before, counts(), "refused and empty changes");
}

/* incident/revisions: numbered from 1, oldest first, each with its action, actor, reason and
 * the whole record after the change; pages continue after the last revision seen. */
static void incident_revisions_numbered(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40];
    json_decref(
        create_ok(&fra_rep, report("MINUSMA", "ied", 13.0, -3.0, "2024-07-01T08:00:00Z"), id));
    must(incident_submit(db, &fra_rep, id, NULL, &err), &err, "submit");
    must(incident_return(db, &fra_end, id, "Which convoy?", NULL, &err), &err, "return");
    json_t *change = json_pack("{s:s}", "narrative", "Convoy 12 hit an IED north of Gao");
    must(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, "update");
    json_decref(change);
    must(incident_submit(db, &fra_rep, id, NULL, &err), &err, "resubmit");
    must(incident_endorse(db, &fra_end, id, NULL, &err), &err, "endorse");

    static const struct {
        const char *action, *actor, *reason, *status, *narrative;
    } want[] = {
        { "create", "fra.rep", NULL, "draft", "IED strike on a logistics convoy north of Gao" },
        { "submit", "fra.rep", NULL, "submitted", NULL },
        { "return", "fra.end", "Which convoy?", "returned", NULL },
        { "update", "fra.rep", NULL, "returned", "Convoy 12 hit an IED north of Gao" },
        { "submit", "fra.rep", NULL, "submitted", NULL },
        { "endorse", "fra.end", NULL, "endorsed", "Convoy 12 hit an IED north of Gao" },
    };
    json_t *items = json_array();
    bool more;
    int64_t total;
    must(incident_revisions(db, &fra_analyst, id, 0, 4, items, &more, &total, &err), &err,
         "revisions");
    assert_int_equal(total, 6);
    assert_true(more);
    assert_int_equal(json_array_size(items), 4);
    must(incident_revisions(db, &fra_analyst, id, 4, 4, items, &more, &total, &err), &err,
         "revisions page 2");
    assert_false(more);
    assert_int_equal(json_array_size(items), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *r = json_array_get(items, i);
        json_t *snap = json_object_get(r, "snapshot");
        assert_int_equal(json_integer_value(json_object_get(r, "revision")), (long long)i + 1);
        assert_string_equal(str(r, "action"), want[i].action);
        assert_string_equal(str(r, "actor"), want[i].actor);
        if (want[i].reason)
            assert_string_equal(str(r, "reason"), want[i].reason);
        else
            assert_true(json_is_null(json_object_get(r, "reason")));
        assert_string_equal(str(snap, "status"), want[i].status);
        assert_int_equal(json_integer_value(json_object_get(snap, "revision")), (long long)i + 1);
        if (want[i].narrative)
            assert_string_equal(str(snap, "narrative"), want[i].narrative);
        assert_string_equal(str(snap, "id"), id);
    }
    json_t *snap3 = json_object_get(json_array_get(items, 2), "snapshot");
    assert_string_equal(str(snap3, "return_reason"), "Which convoy?");
    json_t *snap6 = json_object_get(json_array_get(items, 5), "snapshot");
    assert_string_equal(str(snap6, "endorsed_by"), "fra.end");
    json_decref(items);
}

/* ---- duplicates ---- */

/* The latitude `km` north of `lat` along a meridian: on a sphere the haversine distance
 * along a meridian is the radius times the angle, so the expected distance is exact. */
static double north(double lat, double km)
{
    return lat + km / (6371.0088 * M_PI / 180.0);
}

/* The longitude `km` east of (lat, lon) along the parallel: from the haversine formula with
 * equal latitudes, d = 2R asin(cos(lat) sin(dlon/2)). */
static double east(double lat, double lon, double km)
{
    double dlon = 2 * asin(sin(km / (2 * 6371.0088)) / cos(lat * M_PI / 180.0));
    return lon + dlon * 180.0 / M_PI;
}

static json_t *find_item(json_t *items, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (strcmp(str(it, "id"), id) == 0)
            return it;
    }
    return NULL;
}

/* incident/duplicates: same mission and type within 5 km and 12 h are found with their
 * distance and time apart; just outside either threshold, another mission, another type, a
 * merged report, and a report the reader may not see are not. */
/* A report submitted at once: other members see submitted reports, not drafts. */
static json_t *filed(const char *mission, const char *type, double lat, double lon,
                     const char *when)
{
    json_t *body = report(mission, type, lat, lon, when);
    json_object_set_new(body, "submit", json_true());
    return body;
}

static void incident_duplicates_thresholds(void **state)
{
    (void)state;
    const double lat = 16.2666, lon = -0.0400; /* Gao */
    const char *t0 = "2024-08-10T12:00:00Z";
    char base[40], near_north[40], near_east[40], late[40], far[40], too_late[40], other_type[40],
        other_mission[40], hidden[40], early[40];
    json_decref(create_ok(&fra_rep, filed("MINUSMA", "indirect_fire", lat, lon, t0), base));
    json_decref(create_ok(
        &fra_rep, filed("MINUSMA", "indirect_fire", north(lat, 4.9), lon, "2024-08-10T13:00:00Z"),
        near_north));
    json_decref(create_ok(
        &bra_fp,
        filed("MINUSMA", "indirect_fire", lat, east(lat, lon, 4.9), "2024-08-10T11:00:00Z"),
        near_east));
    json_decref(create_ok(
        &fra_rep, filed("MINUSMA", "indirect_fire", lat, lon, "2024-08-10T23:54:00Z"), late));
    json_decref(create_ok(
        &fra_rep, filed("MINUSMA", "indirect_fire", north(lat, 5.1), lon, "2024-08-10T12:00:00Z"),
        far));
    json_decref(create_ok(
        &fra_rep, filed("MINUSMA", "indirect_fire", lat, lon, "2024-08-11T00:06:00Z"), too_late));
    json_decref(
        create_ok(&fra_rep, filed("MINUSMA", "ied", lat, lon, "2024-08-10T12:30:00Z"), other_type));
    json_decref(create_ok(&fra_rep,
                          filed("MINUSCA", "indirect_fire", lat, lon, "2024-08-10T12:30:00Z"),
                          other_mission));
    json_t *body = filed("MINUSMA", "indirect_fire", lat, lon, "2024-08-10T12:10:00Z");
    json_object_set_new(body, "tlp", json_string("TLP:AMBER+STRICT"));
    json_decref(create_ok(&bra_fp, body, hidden));
    json_decref(create_ok(
        &fra_rep, filed("MINUSMA", "indirect_fire", lat, lon, "2024-08-10T00:00:00Z"), early));

    struct bh_error err;
    json_t *items = json_array();
    must(incident_duplicates(db, &fra_rep, base, items, &err), &err, "duplicates");
    /* near_north (4.9 km, 1 h), near_east (4.9 km, 1 h), late (0 km, 11.9 h), early (0 km,
     * 12 h exactly): four, nearest first. */
    if (json_array_size(items) != 4) {
        char *dump = json_dumps(items, JSON_INDENT(1));
        fail_msg("expected 4 duplicates, got %zu:\n%s", json_array_size(items), dump);
    }
    json_t *it = find_item(items, near_north);
    assert_non_null(it);
    assert_float_equal(json_real_value(json_object_get(it, "distance_km")), 4.9, 0.001);
    assert_float_equal(json_real_value(json_object_get(it, "hours_apart")), 1.0, 0.001);
    it = find_item(items, near_east);
    assert_non_null(it);
    assert_float_equal(json_real_value(json_object_get(it, "distance_km")), 4.9, 0.001);
    it = find_item(items, late);
    assert_non_null(it);
    assert_float_equal(json_real_value(json_object_get(it, "distance_km")), 0.0, 0.001);
    assert_float_equal(json_real_value(json_object_get(it, "hours_apart")), 11.9, 0.001);
    assert_non_null(find_item(items, early));
    assert_null(find_item(items, far));
    assert_null(find_item(items, too_late));
    assert_null(find_item(items, other_type));
    assert_null(find_item(items, other_mission));
    assert_null(find_item(items, hidden));
    /* Nearest first: the two at 0 km before the two at 4.9 km. */
    assert_float_equal(json_real_value(json_object_get(json_array_get(items, 0), "distance_km")),
                       0.0, 0.001);
    assert_float_equal(json_real_value(json_object_get(json_array_get(items, 3), "distance_km")),
                       4.9, 0.001);
    json_array_clear(items);

    /* BRA sees its own AMBER+STRICT report among the candidates too. */
    must(incident_duplicates(db, &bra_fp, base, items, &err), &err, "duplicates as BRA");
    assert_int_equal(json_array_size(items), 5);
    assert_non_null(find_item(items, hidden));
    json_array_clear(items);

    /* The page of one incident counts them. */
    json_t *rec = NULL;
    must(incident_get(db, &fra_rep, base, &rec, &err), &err, "get");
    assert_int_equal(json_integer_value(json_object_get(rec, "duplicate_candidates")), 4);
    json_decref(rec);

    /* Merged: late goes into base, and is no longer a candidate of anything. */
    must(incident_merge(db, &fra_end, late, base, NULL, &err), &err, "merge");
    must(incident_duplicates(db, &fra_rep, base, items, &err), &err, "duplicates after merge");
    assert_int_equal(json_array_size(items), 3);
    assert_null(find_item(items, late));
    json_decref(items);
}

/* incident/merge: the duplicate becomes merged with merged_into; the target gains the
 * duplicate's sources it lacked; both get a revision and an audit entry; refusals (other
 * mission, itself, a draft, an endorser of another mission, twice) write nothing. */
static void incident_merge_duplicate(void **state)
{
    (void)state;
    struct bh_error err;
    char target[40], dup[40], draft[40], other[40];
    json_t *body = report("MINUSMA", "ambush", 17.0, 0.5, "2024-09-01T05:00:00Z");
    json_object_set_new(body, "sources", json_pack("[s, s]", "JOC flash 1", "Radio Gao"));
    json_object_set_new(body, "submit", json_true());
    json_decref(create_ok(&fra_rep, body, target));
    body = report("MINUSMA", "ambush", 17.01, 0.5, "2024-09-01T06:00:00Z");
    json_object_set_new(body, "sources", json_pack("[s, s]", "Radio Gao", "BRA contingent log"));
    json_object_set_new(body, "submit", json_true());
    json_decref(create_ok(&bra_fp, body, dup));
    json_decref(
        create_ok(&fra_rep, report("MINUSMA", "ambush", 17.0, 0.5, "2024-09-01T05:30:00Z"), draft));
    body = report("MINUSCA", "ambush", 17.0, 0.5, "2024-09-01T05:00:00Z");
    json_object_set_new(body, "submit", json_true());
    json_decref(create_ok(&fra_rep, body, other));

    struct counts before = counts();
    assert_refused(incident_merge(db, &fra_end, dup, other, NULL, &err), &err, BH_EINVALID, "into",
                   "of mission MINUSCA");
    assert_refused(incident_merge(db, &fra_end, dup, dup, NULL, &err), &err, BH_EINVALID, "into",
                   "itself");
    assert_refused(incident_merge(db, &fra_end, draft, target, NULL, &err), &err, BH_ECONFLICT,
                   "status", "draft");
    assert_refused(incident_merge(db, &fra_end, dup, draft, NULL, &err), &err, BH_ECONFLICT, "into",
                   "draft");
    assert_refused(incident_merge(db, &fra_minusca, dup, target, NULL, &err), &err, BH_EDENIED,
                   "mission", "MINUSMA");
    assert_refused(
        incident_merge(db, &fra_end, dup, "0190a000-0000-7000-8000-00000000dead", NULL, &err), &err,
        BH_EINVALID, "into", "no incident");
    assert_refused(incident_merge(db, &fra_end, dup, NULL, NULL, &err), &err, BH_EINVALID, "into",
                   "required");
    assert_counts_equal(before, counts(), "refused merges");

    json_t *rec = NULL;
    must(incident_merge(db, &fra_end, dup, target, &rec, &err), &err, "merge");
    assert_string_equal(str(rec, "id"), target);
    json_t *sources = json_object_get(rec, "sources");
    assert_int_equal(json_array_size(sources), 3);
    assert_string_equal(json_string_value(json_array_get(sources, 0)), "JOC flash 1");
    assert_string_equal(json_string_value(json_array_get(sources, 1)), "Radio Gao");
    assert_string_equal(json_string_value(json_array_get(sources, 2)), "BRA contingent log");
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 3);
    assert_string_equal(str(rec, "status"), "submitted");
    json_decref(rec);
    must(incident_get(db, &fra_rep, dup, &rec, &err), &err, "get duplicate");
    assert_string_equal(str(rec, "status"), "merged");
    assert_string_equal(str(rec, "merged_into"), target);
    assert_int_equal(json_integer_value(json_object_get(rec, "revision")), 3);
    json_decref(rec);
    struct counts after = counts();
    assert_int_equal(after.revisions, before.revisions + 2);
    assert_int_equal(after.audit, before.audit + 2);
    assert_int_equal(after.incidents, before.incidents);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM incident_revision r JOIN incident i ON i.n = r.incident_n "
             "WHERE i.id = '%s' AND r.action = 'merge' AND r.reason = 'merged into %s' AND "
             "json_extract(r.snapshot, '$.status') = 'merged'",
             dup, target);
    assert_int_equal(test_query_int(db, sql), 1);

    before = counts();
    assert_refused(incident_merge(db, &fra_end, dup, target, NULL, &err), &err, BH_ECONFLICT,
                   "status", "merged");
    assert_refused(incident_endorse(db, &fra_end, dup, NULL, &err), &err, BH_ECONFLICT, "status",
                   "merged");
    assert_counts_equal(before, counts(), "merging twice");
}

/* incident/red-recipients: a RED report is read by its reporter and the users it names, and by
 * nobody else but the admin, whose read is audited. */
static void incident_red_recipients(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40];
    json_t *body = report("MINUSMA", "abduction", 16.0, 0.0, "2024-10-01T05:00:00Z");
    json_object_set_new(body, "tlp", json_string("TLP:RED"));
    json_object_set_new(body, "recipients", json_pack("[s]", "bra.end"));
    json_decref(create_ok(&fra_rep, body, id));
    json_t *rec = NULL;
    must(incident_get(db, &fra_rep, id, &rec, &err), &err, "reporter reads");
    json_decref(rec);
    /* A recipient of another organization reads it once it is submitted, not as a draft. */
    assert_refused(incident_get(db, &bra_end, id, &rec, &err), &err, BH_ENOTFOUND, "id", NULL);
    must(incident_submit(db, &fra_rep, id, NULL, &err), &err, "submit");
    must(incident_get(db, &bra_end, id, &rec, &err), &err, "recipient reads");
    json_decref(rec);
    assert_refused(incident_get(db, &fra_end, id, &rec, &err), &err, BH_ENOTFOUND, "id", NULL);
    assert_refused(incident_get(db, &bra_fp, id, &rec, &err), &err, BH_ENOTFOUND, "id", NULL);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'incident.read' AND record_id = '%s'",
             id);
    assert_int_equal(test_query_int(db, sql), 0);
    must(incident_get(db, &admin, id, &rec, &err), &err, "admin reads");
    json_decref(rec);
    assert_int_equal(test_query_int(db, sql), 1);
    /* Leaving RED drops the list: GREEN is for every member (once submitted). */
    body = report("MINUSMA", "abduction", 16.0, 0.0, "2024-10-02T05:00:00Z");
    json_object_set_new(body, "tlp", json_string("TLP:RED"));
    json_object_set_new(body, "recipients", json_pack("[s]", "bra.end"));
    json_decref(create_ok(&fra_rep, body, id));
    json_t *change = json_pack("{s:s}", "tlp", "TLP:GREEN");
    must(incident_update(db, &fra_rep, id, change, 0, NULL, &err), &err, "to GREEN");
    json_decref(change);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tlp_recipient WHERE record_id = '%s'", id);
    assert_int_equal(test_query_int(db, sql), 0);
    must(incident_submit(db, &fra_rep, id, NULL, &err), &err, "submit");
    must(incident_get(db, &bra_fp, id, &rec, &err), &err, "GREEN for all");
    json_decref(rec);
}

/* incident/haversine: the distance function against values computed independently. */
static void incident_haversine(void **state)
{
    (void)state;
    assert_float_equal(incident_haversine_km(0, 0, 0, 0), 0.0, 1e-9);
    /* A quarter meridian: pi/2 R. */
    assert_float_equal(incident_haversine_km(0, 10, 90, 10), M_PI / 2 * 6371.0088, 1e-6);
    /* Half the equator: pi R, across the antimeridian too. */
    assert_float_equal(incident_haversine_km(0, -90, 0, 90), M_PI * 6371.0088, 1e-6);
    assert_float_equal(incident_haversine_km(0, 179.5, 0, -179.5), 6371.0088 * M_PI / 180.0, 1e-6);
    /* Symmetric. */
    assert_float_equal(incident_haversine_km(12.64, -8.0, 16.27, -0.04),
                       incident_haversine_km(16.27, -0.04, 12.64, -8.0), 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("incident/validate-bad-values", incident_validate_bad_values),
        BH_TEST("incident/create-report", incident_create_report),
        BH_TEST("incident/create-bad-input", incident_create_bad_input),
        BH_TEST("incident/workflow-permissions", incident_workflow_permissions),
        BH_TEST("incident/update-partial", incident_update_partial),
        BH_TEST("incident/revisions", incident_revisions_numbered),
        BH_TEST("incident/duplicates-thresholds", incident_duplicates_thresholds),
        BH_TEST("incident/merge", incident_merge_duplicate),
        BH_TEST("incident/red-recipients", incident_red_recipients),
        BH_TEST("incident/haversine", incident_haversine),
    };
    return cmocka_run_group_tests_name("incident", tests, setup, teardown);
}
