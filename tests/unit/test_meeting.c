/* The meeting module in one store: every bad member named and nothing written, the agenda's
 * order, participants and their attendance, times written in a zone and shown in it, who may
 * write, the launch meeting of `bluehelm demo` added once, and decisions (one per proposal). */
#include "support.h"

#include "decision/decision.h"
#include "meeting/meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Meeting-test-passphrase-2026"

enum { CHN, BRA, FRA, DPO, NORGS };
static const char *const codes[NORGS] = { "CHN", "BRA", "FRA", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal chn_coord, bra_coord, chn_fp, admin;

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("meeting_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "chn.coord", org_ids[CHN], "CHN", ROLE_COORDINATOR, NULL, PW,
                        &chn_coord);
    test_user_principal(db, "bra.coord", org_ids[BRA], "BRA", ROLE_COORDINATOR, NULL, PW,
                        &bra_coord);
    test_user_principal(db, "chn.fp", org_ids[CHN], "CHN", ROLE_FOCAL_POINT, NULL, PW, &chn_fp);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static json_t *create(const struct principal *who, const char *body)
{
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(meeting_create(db, who, b, &out, &err), &err, "meeting_create");
    json_decref(b);
    return out;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

#define BASE                                                                                     \
    "\"title\":\"Plenary\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\"," \
    "\"time_zone\":\"America/New_York\""

/* unit/meeting-invalid: each bad member is BH_EINVALID naming it, and nothing is written. */
static void unit_meeting_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\","
          "\"time_zone\":\"UTC\"}",
          "title" },
        { "{" BASE ",\"kind\":\"party\"}", "kind" },
        { "{" BASE ",\"status\":\"done\"}", "status" },
        { "{\"title\":\"t\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\"}",
          "time_zone" },
        { "{\"title\":\"t\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T11:00\","
          "\"time_zone\":\"Mars/Olympus\"}",
          "time_zone" },
        { "{\"title\":\"t\",\"starts_at\":\"tomorrow\",\"ends_at\":\"2026-12-10T11:00\","
          "\"time_zone\":\"UTC\"}",
          "starts_at" },
        { "{\"title\":\"t\",\"starts_at\":\"2026-12-10T09:00\",\"ends_at\":\"2026-12-10T08:00\","
          "\"time_zone\":\"UTC\"}",
          "ends_at" },
        { "{" BASE ",\"online_url\":\"javascript:alert(1)\"}", "online_url" },
        { "{" BASE ",\"online_url\":\"ftp://example.org/x\"}", "online_url" },
        { "{" BASE ",\"attendance_total\":-3}", "attendance_total" },
        { "{" BASE ",\"agenda\":[{\"title\":\"a\"},{\"notes\":\"no title\"}]}", "agenda[1].title" },
        { "{" BASE ",\"agenda\":[{\"title\":\"a\",\"colour\":1}]}", "agenda[0].colour" },
        { "{" BASE ",\"participants\":[{\"org\":\"BRA\"},{\"org\":\"XXX\"}]}",
          "participants[1].org" },
        { "{" BASE ",\"participants\":[{\"org\":\"BRA\",\"attendees\":-1}]}",
          "participants[0].attendees" },
        { "{" BASE ",\"tlp\":\"WHITE\"}", "tlp" },
        { "{" BASE ",\"tlp\":\"AMBER\"}", "sharing_group" },
        { "{" BASE ",\"tlp\":\"RED\",\"recipients\":[\"nobody\"]}", "recipients" },
        { "{" BASE ",\"colour\":\"red\"}", "colour" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM meeting");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err = { 0 };
        json_t *b = test_json(cases[i].body), *out = NULL;
        int rc = meeting_create(db, &chn_coord, b, &out, &err);
        json_decref(b);
        if (rc != BH_EINVALID || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu (%s): expected BH_EINVALID naming %s, got %d naming '%s': %s", i,
                     cases[i].body, cases[i].field, rc, err.field, err.message);
        assert_null(out);
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM meeting"), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM meeting_agenda_item WHERE "
                                        "meeting_id NOT IN (SELECT id FROM meeting)"),
                     0);
}

/* unit/meeting-agenda-participants: the agenda keeps its order (positions 1..n), participants
 * their attendance (null: unknown); a change replaces a list given and keeps one not given. */
static void unit_meeting_agenda_participants(void **state)
{
    (void)state;
    json_t *m = create(&chn_coord, "{" BASE ",\"agenda\":[{\"title\":\"Zeta opening\"},"
                                   "{\"title\":\"Alpha reports\",\"notes\":\"n\"},"
                                   "{\"title\":\"Middle\"}],"
                                   "\"participants\":[{\"org\":\"FRA\",\"attendees\":3},"
                                   "{\"org\":\"BRA\"}]}");
    json_t *agenda = json_object_get(m, "agenda");
    assert_int_equal(json_array_size(agenda), 3);
    assert_string_equal(str(json_array_get(agenda, 0), "title"), "Zeta opening");
    assert_string_equal(str(json_array_get(agenda, 1), "title"), "Alpha reports");
    assert_string_equal(str(json_array_get(agenda, 1), "notes"), "n");
    assert_string_equal(str(json_array_get(agenda, 2), "title"), "Middle");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(agenda, 2), "position")), 3);
    json_t *parts = json_object_get(m, "participants");
    assert_int_equal(json_array_size(parts), 2);
    assert_string_equal(str(json_array_get(parts, 0), "org"), "BRA");
    assert_true(json_is_null(json_object_get(json_array_get(parts, 0), "attendees")));
    assert_string_equal(str(json_array_get(parts, 1), "org"), "FRA");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(parts, 1), "attendees")), 3);
    assert_string_equal(str(m, "tlp"), "TLP:GREEN");
    assert_int_equal(json_integer_value(json_object_get(m, "revision")), 1);

    char id[64];
    snprintf(id, sizeof id, "%s", str(m, "id"));
    json_decref(m);
    struct bh_error err;
    json_t *b = test_json("{\"agenda\":[{\"title\":\"Only item\"}],\"minutes\":\"# Held\"}"), *out;
    must(meeting_update(db, &chn_coord, id, b, 1, &out, &err), &err, "update");
    json_decref(b);
    assert_int_equal(json_array_size(json_object_get(out, "agenda")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "participants")), 2);
    assert_string_equal(str(out, "minutes"), "# Held");
    assert_int_equal(json_integer_value(json_object_get(out, "revision")), 2);
    json_decref(out);

    /* A stale revision is refused, naming If-Match. */
    b = test_json("{\"title\":\"Late\"}");
    assert_int_equal(meeting_update(db, &chn_coord, id, b, 1, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "If-Match");
    /* Another organization's coordinator may not change it; a focal point may not at all; the
     * admin may. */
    assert_int_equal(meeting_update(db, &bra_coord, id, b, 0, &out, &err), BH_EDENIED);
    assert_int_equal(meeting_update(db, &chn_fp, id, b, 0, &out, &err), BH_EDENIED);
    must(meeting_update(db, &admin, id, b, 2, &out, &err), &err, "admin update");
    assert_string_equal(str(out, "title"), "Late");
    json_decref(out);
    json_decref(b);
    b = test_json("{" BASE "}");
    assert_int_equal(meeting_create(db, &chn_fp, b, &out, &err), BH_EDENIED);
    json_decref(b);
}

/* unit/meeting-time-zones: a wall-clock time is read in the meeting's zone, an instant with an
 * offset as written; both are shown in UTC and in the zone. */
static void unit_meeting_time_zones(void **state)
{
    (void)state;
    /* Summer time in New York (UTC-4). */
    json_t *m = create(&chn_coord, "{\"title\":\"Launch\",\"starts_at\":\"2021-04-27T10:00\","
                                   "\"ends_at\":\"2021-04-27T12:00\",\"time_zone\":"
                                   "\"America/New_York\"}");
    assert_string_equal(str(m, "starts_at"), "2021-04-27T14:00:00Z");
    assert_string_equal(str(m, "ends_at"), "2021-04-27T16:00:00Z");
    assert_string_equal(str(m, "starts_local"), "2021-04-27T10:00:00-04:00");
    assert_string_equal(str(m, "time_zone"), "America/New_York");
    json_decref(m);
    /* Winter (UTC-5); the end given as an instant with its own offset. */
    m = create(&chn_coord, "{\"title\":\"Winter\",\"starts_at\":\"2026-12-10T09:00\","
                           "\"ends_at\":\"2026-12-10T23:30:00+08:00\",\"time_zone\":"
                           "\"America/New_York\"}");
    assert_string_equal(str(m, "starts_at"), "2026-12-10T14:00:00Z");
    assert_string_equal(str(m, "ends_at"), "2026-12-10T15:30:00Z");
    assert_string_equal(str(m, "ends_local"), "2026-12-10T10:30:00-05:00");
    /* A new zone keeps the instants and changes how they are shown. */
    char id[64];
    snprintf(id, sizeof id, "%s", str(m, "id"));
    json_decref(m);
    struct bh_error err;
    json_t *b = test_json("{\"time_zone\":\"Asia/Shanghai\"}"), *out;
    must(meeting_update(db, &chn_coord, id, b, 0, &out, &err), &err, "zone change");
    json_decref(b);
    assert_string_equal(str(out, "starts_at"), "2026-12-10T14:00:00Z");
    assert_string_equal(str(out, "starts_local"), "2026-12-10T22:00:00+08:00");
    json_decref(out);
}

/* unit/meeting-list: latest start first, filtered by status and by a period. */
static void unit_meeting_list(void **state)
{
    (void)state;
    json_decref(create(&chn_coord, "{\"title\":\"L1\",\"starts_at\":\"2030-01-01T09:00\","
                                   "\"ends_at\":\"2030-01-01T10:00\",\"time_zone\":\"UTC\"}"));
    json_decref(create(&chn_coord, "{\"title\":\"L2\",\"status\":\"held\",\"starts_at\":"
                                   "\"2030-02-01T09:00\",\"ends_at\":\"2030-02-01T10:00\","
                                   "\"time_zone\":\"UTC\"}"));
    struct bh_error err;
    json_t *items = json_array();
    bool more;
    must(meeting_list(db, &bra_coord, "2030-01-01", "2031-01-01", NULL, NULL, 10, items, &more,
                      &err),
         &err, "list");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "title"), "L2");
    assert_string_equal(str(json_array_get(items, 1), "title"), "L1");
    json_array_clear(items);
    must(meeting_list(db, &bra_coord, "2030-01-01", NULL, "planned", NULL, 10, items, &more, &err),
         &err, "list planned");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(str(json_array_get(items, 0), "title"), "L1");
    assert_int_equal(meeting_list(db, &bra_coord, "soon", NULL, NULL, NULL, 10, items, &more, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "from");
    json_decref(items);
}

/* unit/meeting-demo: the launch meeting is added once, owned by the first co-chair present,
 * with the co-chairs present as participants and its count of people in the minutes. */
static void unit_meeting_demo(void **state)
{
    (void)state;
    struct bh_error err;
    must(meeting_demo(db, &err), &err, "demo");
    must(meeting_demo(db, &err), &err, "demo again");
    assert_int_equal(
        test_query_int(db, "SELECT count(*) FROM meeting WHERE starts_at = '2021-04-27T14:00:00Z' "
                           "AND ends_at = '2021-04-27T16:00:00Z' AND status = 'held' AND kind = "
                           "'plenary' AND online_url IS NULL AND venue IS NULL AND "
                           "attendance_total IS NULL AND tlp = 'GREEN' AND minutes LIKE "
                           "'More than 150 participants%' AND created_by IS NULL"),
        1);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT owner_org_id FROM meeting WHERE created_by IS NULL AND starts_at = "
             "'2021-04-27T14:00:00Z'");
    assert_int_equal(test_query_int(db, sql), org_ids[CHN]);
    /* CHN and BRA are in this store; Indonesia and Rwanda are not. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM meeting_participant p JOIN meeting "
                                        "m ON m.id = p.meeting_id WHERE m.created_by IS NULL AND "
                                        "m.starts_at = '2021-04-27T14:00:00Z' AND p.attendees IS "
                                        "NULL"),
                     2);
}

/* unit/meeting-decisions: a decision at a meeting takes its marking and shows in the
 * meeting's list; a proposal is decided once (BH_ECONFLICT). */
static void unit_meeting_decisions(void **state)
{
    (void)state;
    json_t *m = create(&chn_coord, "{" BASE ",\"participants\":[{\"org\":\"BRA\"}]}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(m, "id"));
    json_decref(m);
    struct bh_error err;
    json_t *b = test_json("{\"title\":\"Adopt the work plan\",\"text\":\"Agreed.\"}"), *d;
    assert_int_equal(decision_create_at_meeting(db, &bra_coord, id, b, &d, &err), BH_EDENIED);
    must(decision_create_at_meeting(db, &chn_coord, id, b, &d, &err), &err, "decide");
    json_decref(b);
    assert_string_equal(str(d, "meeting"), id);
    assert_string_equal(str(d, "tlp"), "TLP:GREEN");
    assert_string_equal(str(d, "decided_at"), "2026-12-10T14:00:00Z");
    assert_int_equal(json_array_size(json_object_get(d, "commitments")), 0);
    char did[64];
    snprintf(did, sizeof did, "%s", str(d, "id"));
    json_decref(d);
    must(meeting_get(db, &bra_coord, id, &m, &err), &err, "get");
    json_t *ds = json_object_get(m, "decisions");
    assert_int_equal(json_array_size(ds), 1);
    assert_string_equal(str(json_array_get(ds, 0), "id"), did);
    json_decref(m);
    /* The participant was told. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE kind = 'decision.taken' AND record_id = "
             "'%s'",
             did);
    assert_true(test_query_int(db, sql) >= 1);

    /* One decision per proposal. */
    test_exec(db, "INSERT INTO proposal (id, title, deadline, deadline_ms, time_zone, "
                  "owner_org_id, tlp, created_at, updated_at) VALUES ('p-1', 'P', "
                  "'2026-12-01T00:00:00Z', 0, 'UTC', 1, 'GREEN', 'x', 'x')");
    struct principal server;
    principal_server(&server, org_ids[CHN], "CHN");
    struct decision_source s = { .proposal_id = "p-1",
                                 .title = "Adopted",
                                 .text = "",
                                 .owner_org_id = org_ids[CHN],
                                 .tlp = TLP_GREEN,
                                 .decided_ms = 1 };
    char out[UUID_STR_LEN + 1];
    must(db_begin(db, &err), &err, "begin");
    must(decision_insert(db, &server, &s, out, &err), &err, "insert");
    assert_int_equal(decision_insert(db, &server, &s, out, &err), BH_ECONFLICT);
    must(db_commit(db, &err), &err, "commit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/meeting-invalid", unit_meeting_invalid),
        BH_TEST("unit/meeting-agenda-participants", unit_meeting_agenda_participants),
        BH_TEST("unit/meeting-time-zones", unit_meeting_time_zones),
        BH_TEST("unit/meeting-list", unit_meeting_list),
        BH_TEST("unit/meeting-demo", unit_meeting_demo),
        BH_TEST("unit/meeting-decisions", unit_meeting_decisions),
    };
    return cmocka_run_group_tests_name("unit/meeting", tests, setup, teardown);
}
