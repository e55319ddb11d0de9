/* Who reads a record after the sharing group it was marked for changes, and who reads the audit
 * entries about a record (issue 9, defects 4, 7 and 8; docs/sharing.md):
 *   - a group's owner who adds or swaps members widens only its own AMBER records, never
 *     another member's; a member accepts the new membership by sharing again; a removed
 *     member stops reading at once; an admin of another organization may remove, not add;
 *   - an auditor sees entries about records their organization owns or could read, and none
 *     about another organization's embargoed casualty or AMBER+STRICT report;
 *   - an auditor counts in the public statistics what an anonymous reader counts. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Kidal convoy escort 2019"

static struct test_server server;
static struct test_session admin, chn_coord, chn_fp, bra_fp, bra_end, fra_analyst, fra_auditor,
    bra_auditor;

static const char *const orgs[] = { "DPO", "CHN", "BRA", "FRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "chn.coord", "CHN", "coordinator", NULL, &chn_coord, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &chn_fp, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "bra.end", "BRA", "endorser", "MINUSMA", &bra_end, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &fra_analyst, NULL, NULL },
    { "fra.auditor", "FRA", "auditor", NULL, &fra_auditor, NULL, NULL },
    { "bra.auditor", "BRA", "auditor", NULL, &bra_auditor, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_sharing_audience", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* Sends a write and fails unless it answers `status`; returns the body's "id" as text (an
 * integer id printed) in `id` when there is one. */
#define write_ok(u, method, path, body, status, id) \
    write_ok_at((u), (method), (path), (body), (status), (id), __LINE__)
static void write_ok_at(const struct test_session *u, const char *method, const char *path,
                        const char *body, int status, char id[64], int line)
{
    struct test_response r;
    test_world_call(u, method, path, body, &r);
    if (r.status != status)
        fail_msg("line %d: %s %s: expected %d, got %d: %s", line, method, path, status, r.status,
                 r.body);
    if (id) {
        json_t *j = body_json(&r);
        json_t *v = json_object_get(j, "id");
        if (json_is_integer(v))
            snprintf(id, 64, "%lld", (long long)json_integer_value(v));
        else
            snprintf(id, 64, "%s", json_string_value(v) ? json_string_value(v) : "");
        json_decref(j);
    }
    test_response_free(&r);
}

/* A submitted AMBER report for group `group` (an id); its id in `id`. */
static void amber_report(const struct test_session *u, const char *group, const char *narrative,
                         char id[64])
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"mission\":\"MINUSMA\",\"occurred_at\":\"2024-03-02T06:30:00Z\",\"latitude\":16.27,"
             "\"longitude\":-0.04,\"threat_type\":\"ied\",\"target\":\"convoy\",\"activity\":"
             "\"logistics_convoy\",\"narrative\":\"%s\",\"sources\":[\"JOC daily\"],\"killed\":0,"
             "\"injured\":1,\"tlp\":\"TLP:AMBER\",\"sharing_group\":%s,\"submit\":true}",
             narrative, group);
    write_ok(u, "POST", "/api/v1/incidents", body, 201, id);
}

/* The HTTP status of GET /api/v1/incidents/ID as `u`. */
static int read_status(const struct test_session *u, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/incidents/%s", id);
    struct test_response r;
    test_world_call(u, "GET", path, NULL, &r);
    int status = r.status;
    test_response_free(&r);
    return status;
}

/* api/sharing-audience-group-edits: the attack of issue 9 (China swaps Brazil for France in
 * China's group after Brazil shared a record with it) and its variants. */
static void api_sharing_audience_group_edits(void **state)
{
    (void)state;
    char group[64], group_path[96], bra_rec[64], chn_rec[64], bra_rec2[64];
    write_ok(&chn_coord, "POST", "/api/v1/groups",
             "{\"name\":\"Gao convoy cell\",\"members\":[\"BRA\"]}", 201, group);
    snprintf(group_path, sizeof group_path, "/api/v1/groups/%s", group);
    amber_report(&bra_fp, group, "Brazilian convoy hit an IED north of Gao", bra_rec);
    amber_report(&chn_fp, group, "Chinese engineers cleared a device", chn_rec);
    assert_int_equal(read_status(&chn_fp, bra_rec), 200);
    assert_int_equal(read_status(&fra_analyst, bra_rec), 404);

    /* China adds France: France reads China's own record, not Brazil's. */
    write_ok(&chn_coord, "PATCH", group_path, "{\"members\":[\"BRA\",\"FRA\"]}", 200, NULL);
    assert_int_equal(read_status(&fra_analyst, chn_rec), 200);
    assert_int_equal(read_status(&fra_analyst, bra_rec), 404);
    assert_int_equal(read_status(&chn_fp, bra_rec), 200);

    /* Nor in a list, a count or a search. */
    json_t *j =
        test_get_json(server.port, fra_analyst.headers, "/api/v1/incidents?q=Brazilian", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
    json_decref(j);

    /* China swaps Brazil for France (the reported attack): still not. Brazil, removed,
     * stops reading China's record at once. */
    write_ok(&chn_coord, "PATCH", group_path, "{\"members\":[\"FRA\"]}", 200, NULL);
    assert_int_equal(read_status(&fra_analyst, bra_rec), 404);
    assert_int_equal(read_status(&bra_fp, chn_rec), 404);
    assert_int_equal(read_status(&bra_fp, bra_rec), 200); /* its own, always */

    /* Brazil back in; when Brazil shares again with the group as it now stands, it accepts
     * France for its records in the group: the owner widened its own audience. */
    write_ok(&chn_coord, "PATCH", group_path, "{\"members\":[\"FRA\",\"BRA\"]}", 200, NULL);
    assert_int_equal(read_status(&fra_analyst, bra_rec), 404);
    amber_report(&bra_fp, group, "Second Brazilian report", bra_rec2);
    assert_int_equal(read_status(&fra_analyst, bra_rec2), 200);
    assert_int_equal(read_status(&fra_analyst, bra_rec), 200);

    /* An admin of another organization may remove a member (narrowing), not add one. */
    struct test_response r;
    test_world_call(&admin, "PATCH", group_path, "{\"members\":[\"BRA\",\"FRA\",\"DPO\"]}", &r);
    assert_problem(&r, 403, "members");
    test_response_free(&r);
    write_ok(&admin, "PATCH", group_path, "{\"members\":[\"BRA\"]}", 200, NULL);
    assert_int_equal(read_status(&fra_analyst, bra_rec2), 404);
    assert_int_equal(read_status(&fra_analyst, chn_rec), 404);
}

/* The number of audit entries `u` sees for `query` (e.g. "action=casualty.create"). */
static long long audit_total(const struct test_session *u, const char *query)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/audit?%s", query);
    json_t *j = test_get_json(server.port, u->headers, path, 200);
    long long n = json_integer_value(json_object_get(j, "total"));
    long long items = (long long)json_array_size(json_object_get(j, "items"));
    json_decref(j);
    if (n != items)
        fail_msg("%s: total %lld but %lld items on a first page", path, n, items);
    return n;
}

/* api/sharing-audience-audit-reads: audit entries follow the visibility of their record. */
static void api_sharing_audience_audit_reads(void **state)
{
    (void)state;
    /* Brazil's embargoed AMBER+STRICT casualty. */
    char bra_cas[64], rec[64], path[160];
    write_ok(&bra_fp, "POST", "/api/v1/casualties",
             "{\"incident_date\":\"2024-11-02\",\"mission\":\"MINUSMA\",\"casualty_type\":"
             "\"Fatality\",\"gender\":\"M\",\"nationality\":\"BRA\",\"personnel_type\":"
             "\"Military\",\"incident_type\":\"Malicious Act\",\"tlp\":\"TLP:AMBER+STRICT\"}",
             201, bra_cas);

    /* Brazil's AMBER+STRICT report, returned by Brazil's endorser with a reason. */
    write_ok(
        &bra_fp, "POST", "/api/v1/incidents",
        "{\"mission\":\"MINUSMA\",\"occurred_at\":\"2024-03-04T06:30:00Z\",\"latitude\":16.27,"
        "\"longitude\":-0.04,\"threat_type\":\"ied\",\"target\":\"convoy\",\"activity\":"
        "\"logistics_convoy\",\"narrative\":\"Strict report\",\"sources\":[\"JOC\"],\"killed\":0,"
        "\"injured\":0,\"tlp\":\"TLP:AMBER+STRICT\",\"submit\":true}",
        201, rec);
    snprintf(path, sizeof path, "/api/v1/incidents/%s/return", rec);
    write_ok(&bra_end, "POST", path, "{\"reason\":\"Name the informant's village\"}", 200, NULL);

    char q[160];
    snprintf(q, sizeof q, "record_type=casualty&record_id=%s", bra_cas);
    assert_int_equal(audit_total(&bra_auditor, q), 1);
    assert_int_equal(audit_total(&fra_auditor, q), 0);
    assert_int_equal(audit_total(&admin, q), 1);
    snprintf(q, sizeof q, "record_id=%s", rec);
    assert_int_equal(audit_total(&bra_auditor, q), 3); /* create, submit, return */
    assert_int_equal(audit_total(&fra_auditor, q), 0);
    assert_int_equal(audit_total(&admin, q), 3);
    /* Nor by action across the log: the return reason is nowhere in France's view. */
    json_t *j = test_get_json(server.port, fra_auditor.headers, "/api/v1/audit?limit=200", 200);
    char *text = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(text, "informant"));
    assert_null(strstr(text, rec));
    assert_null(strstr(text, bra_cas));
    free(text);
    json_decref(j);
    /* Entries that are about no member record (groups, sign-ins) stay readable. */
    assert_true(audit_total(&fra_auditor, "action=group.create") >= 1);
}

/* api/sharing-audience-auditor-stats: the auditor of the owning organization counts in the
 * statistics what an anonymous reader counts; its organization's embargoed CLEAR casualty is
 * not published yet. */
static void api_sharing_audience_auditor_stats(void **state)
{
    (void)state;
    const char *path = "/api/v1/stats/casualties";
    json_t *j = test_get_json(server.port, NULL, path, 200);
    long long anonymous = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    write_ok(&bra_fp, "POST", "/api/v1/casualties",
             "{\"incident_date\":\"2024-11-03\",\"mission\":\"MINUSMA\",\"casualty_type\":"
             "\"Fatality\",\"gender\":\"F\",\"nationality\":\"BRA\",\"personnel_type\":"
             "\"Police\",\"incident_type\":\"Accident\",\"tlp\":\"TLP:CLEAR\"}",
             201, NULL);
    j = test_get_json(server.port, bra_auditor.headers, path, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), anonymous);
    json_decref(j);
    j = test_get_json(server.port, bra_fp.headers, path, 200);
    assert_true(json_integer_value(json_object_get(j, "total")) > anonymous);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/sharing-audience-group-edits", api_sharing_audience_group_edits),
        BH_TEST("api/sharing-audience-audit-reads", api_sharing_audience_audit_reads),
        BH_TEST("api/sharing-audience-auditor-stats", api_sharing_audience_auditor_stats),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
