/* The alert module in one store: targeting (organizations, missions, groups, areas), the
 * recipients' marking rule, acknowledgement, Update and Cancel, expiry with a held clock, bad
 * input writing nothing, the CAP round trip, and THE visibility matrix of every read path
 * (list, get, CAP, acknowledgement board) for the owner, a group member, an outsider and an
 * anonymous reader across the five markings. */
#include "support.h"

#include "alert/alert.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "formats/cap.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Alert-test-passphrase-2026"

enum { OWN, FRI, OUT, NORGS };
static const char *const codes[NORGS] = { "FRA", "BRA", "CHN" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal own_coord, own_fp, fri_fp, fri_end, out_fp, out_coord, anon, cli;
static int64_t group_id;
static char hq_mission[32];
static double hq_lat, hq_lon;

static int64_t clock_ms;
static int64_t held_clock(void)
{
    return clock_ms;
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("alert_unit", NULL, codes, NORGS, -1, org_ids);
    test_user_principal(db, "own.coord", org_ids[OWN], "FRA", ROLE_COORDINATOR, NULL, PW,
                        &own_coord);
    test_user_principal(db, "own.fp", org_ids[OWN], "FRA", ROLE_FOCAL_POINT, NULL, PW, &own_fp);
    test_user_principal(db, "fri.fp", org_ids[FRI], "BRA", ROLE_FOCAL_POINT, NULL, PW, &fri_fp);
    test_user_principal(db, "out.fp", org_ids[OUT], "CHN", ROLE_FOCAL_POINT, NULL, PW, &out_fp);
    test_user_principal(db, "out.coord", org_ids[OUT], "CHN", ROLE_COORDINATOR, NULL, PW,
                        &out_coord);
    /* A mission with a headquarters, for mission and area targets: BRA works for it. */
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "SELECT acronym, hq_lat, hq_lon FROM mission WHERE hq_lat IS NOT NULL AND "
                    "active = 1 ORDER BY acronym LIMIT 1",
                    &st, &err),
         &err, "mission");
    assert_int_equal(db_step(st, &err), DB_ROW);
    snprintf(hq_mission, sizeof hq_mission, "%s", db_column_text(st, 0));
    hq_lat = db_column_double(st, 1);
    hq_lon = db_column_double(st, 2);
    db_stmt_done(st);
    test_user_principal(db, "fri.end", org_ids[FRI], "BRA", ROLE_ENDORSER, hq_mission, PW,
                        &fri_end);
    const char *members[] = { "BRA" };
    must(sharing_group_create(db, &own_coord, "Alert friends", "", members, 1, &group_id, &err),
         &err, "group");
    principal_anonymous(&anon);
    principal_cli(&cli);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

/* Sends `json` as `who`; returns the new alert (caller decrefs) or fails the test. */
static json_t *send_ok(const struct principal *who, const char *json)
{
    json_error_t jerr;
    json_t *body = json_loads(json, 0, &jerr);
    if (!body)
        fail_msg("bad test JSON: %s: %s", jerr.text, json);
    json_t *out = NULL;
    struct bh_error err;
    must(alert_send(db, who, body, &out, &err), &err, json);
    json_decref(body);
    return out;
}

static void send_fails(const struct principal *who, const char *json, const char *field)
{
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    int64_t before = test_query_int(db, "SELECT count(*) FROM alert");
    int64_t feed_before = test_query_int(db, "SELECT count(*) FROM feed_event");
    json_t *out = NULL;
    struct bh_error err;
    int rc = alert_send(db, who, body, &out, &err);
    json_decref(body);
    if (rc == 0)
        fail_msg("expected a refusal naming %s for %s", field, json);
    if (strcmp(err.field, field) != 0)
        fail_msg("expected field %s, got %s (%s) for %s", field, err.field, err.message, json);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM alert"), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM feed_event"), feed_before);
}

static const char *id_of(const json_t *a)
{
    return json_string_value(json_object_get(a, "id"));
}

#define INFO(extra)                                                                               \
    "\"info\":[{\"category\":[\"Security\"],\"event\":\"Armed clash\",\"urgency\":\"Immediate\"," \
    "\"severity\":\"Severe\",\"certainty\":\"Observed\",\"headline\":\"Clashes near the "         \
    "base\"" extra "}]"

static int64_t recipients(const char *id)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM alert_recipient WHERE alert_id = '%s'", id);
    return test_query_int(db, sql);
}

static bool is_recipient(const char *id, int org)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM alert_recipient WHERE alert_id = '%s' AND org_id = %lld", id,
             (long long)org_ids[org]);
    return test_query_int(db, sql) == 1;
}

static void alert_targeting(void **state)
{
    (void)state;
    /* Organizations by code. */
    json_t *a =
        send_ok(&own_coord, "{\"status\":\"Actual\",\"tlp\":\"GREEN\","
                            "\"targets\":{\"orgs\":[\"BRA\",\"CHN\",\"FRA\"]}," INFO("") "}");
    assert_int_equal(recipients(id_of(a)), 2); /* the sender is not its own recipient */
    assert_true(is_recipient(id_of(a), FRI) && is_recipient(id_of(a), OUT));
    assert_string_equal(json_string_value(json_object_get(a, "sender")), "FRA@bluehelm");
    assert_prefix(json_string_value(json_object_get(a, "identifier")), "urn:uuid:");
    json_decref(a);
    /* A mission: the organizations whose accounts work for it (BRA's endorser). */
    char body[1024];
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"targets\":{\"missions\":[\"%s\"]}," INFO(
                 "") "}",
             hq_mission);
    a = send_ok(&own_coord, body);
    assert_true(is_recipient(id_of(a), FRI));
    assert_false(is_recipient(id_of(a), OUT));
    json_decref(a);
    /* A group: its members other than the sender. */
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"AMBER\",\"sharing_group\":%lld,"
             "\"targets\":{\"groups\":[%lld]}," INFO("") "}",
             (long long)group_id, (long long)group_id);
    a = send_ok(&own_coord, body);
    assert_int_equal(recipients(id_of(a)), 1);
    assert_true(is_recipient(id_of(a), FRI));
    json_decref(a);
    /* An area: a circle around the mission's headquarters reaches BRA; one far away nobody. */
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
                 ",\"areas\":[{\"area_desc\":\"Around HQ\",\"circle\":{\"lat\":%.6f,\"lon\":%.6f,"
                 "\"radius_km\":20}}]") "}",
             hq_lat, hq_lon);
    a = send_ok(&own_coord, body);
    assert_true(is_recipient(id_of(a), FRI));
    const json_t *area =
        json_array_get(json_object_get(json_array_get(json_object_get(a, "info"), 0), "areas"), 0);
    assert_string_equal(json_string_value(json_object_get(area, "area_desc")), "Around HQ");
    json_decref(a);
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
                 ",\"areas\":[{\"area_desc\":\"Far\",\"polygon\":[[%.6f,%.6f],[%.6f,%.6f],"
                 "[%.6f,%.6f],[%.6f,%.6f]]}]") "}",
             -hq_lat + 1, -hq_lon, -hq_lat + 1, -hq_lon + 1, -hq_lat + 2, -hq_lon, -hq_lat + 1,
             -hq_lon);
    a = send_ok(&own_coord, body);
    assert_int_equal(recipients(id_of(a)), 0);
    json_decref(a);
    /* A recipient that could not read it under its marking is refused. */
    send_fails(
        &own_coord,
        "{\"status\":\"Actual\",\"tlp\":\"AMBER+STRICT\",\"targets\":{\"orgs\":[\"BRA\"]}," INFO(
            "") "}",
        "targets");
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"AMBER\",\"sharing_group\":%lld,"
             "\"targets\":{\"orgs\":[\"CHN\"]}," INFO("") "}",
             (long long)group_id);
    send_fails(&own_coord, body, "targets");
    send_fails(&own_coord,
               "{\"status\":\"Actual\",\"tlp\":\"RED\",\"recipients\":[\"fri.fp\"],"
               "\"targets\":{\"orgs\":[\"CHN\"]}," INFO("") "}",
               "targets");
    a = send_ok(&own_coord, "{\"status\":\"Actual\",\"tlp\":\"RED\",\"recipients\":[\"fri.fp\"],"
                            "\"targets\":{\"orgs\":[\"BRA\"]}," INFO("") "}");
    assert_true(is_recipient(id_of(a), FRI));
    json_decref(a);
}

static void alert_bad_input(void **state)
{
    (void)state;
    struct {
        const char *body, *field;
    } cases[] = {
        { "{\"tlp\":\"GREEN\"," INFO("") "}", "status" },
        { "{\"status\":\"Real\",\"tlp\":\"GREEN\"," INFO("") "}", "status" },
        { "{\"status\":\"Actual\",\"tlp\":\"WHITE\"," INFO("") "}", "tlp" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"}", "info" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"info\":[{\"category\":[\"Security\"],"
          "\"event\":\"x\",\"urgency\":\"Soon\",\"severity\":\"Severe\",\"certainty\":"
          "\"Observed\"}]}",
          "info[0].urgency" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(",\"expires\":\"tomorrow\"") "}",
          "info[0].expires" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
              ",\"areas\":[{\"area_desc\":\"ok\",\"circle\":{\"lat\":1,\"lon\":1,\"radius_km\":1}},"
              "{\"area_desc\":\"open\",\"polygon\":[[0,0],[0,1],[1,1],[1,0]]}]") "}",
          "info[0].areas[1].polygon" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
              ",\"areas\":[{\"area_desc\":\"few\",\"polygon\":[[0,0],[0,1],[0,0]]}]") "}",
          "info[0].areas[0].polygon" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(",\"areas\":[{\"area_desc\":\"bow\","
                                                           "\"polygon\":[[0,0],[1,1],[1,0],[0,1],["
                                                           "0,0]]}]") "}",
          "info[0].areas[0].polygon" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
              ",\"areas\":[{\"area_desc\":\"far\",\"polygon\":[[0,0],[0,1],[91,1],[0,0]]}]") "}",
          "info[0].areas[0].polygon" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"targets\":{\"orgs\":[\"XXX\"]}," INFO("") "}",
          "targets.orgs[0]" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"targets\":{\"missions\":[\"NOPE\"]}," INFO(
              "") "}",
          "targets.missions[0]" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"msg_type\":\"Cancel\"," INFO("") "}",
          "references" },
        { "{\"status\":\"Actual\",\"tlp\":\"RED\"," INFO("") "}", "recipients" },
        { "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"colour\":1," INFO("") "}", "body" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        send_fails(&own_coord, cases[i].body, cases[i].field);
}

static void alert_ack_board(void **state)
{
    (void)state;
    json_t *a = send_ok(&own_coord, "{\"status\":\"Actual\",\"tlp\":\"GREEN\","
                                    "\"targets\":{\"orgs\":[\"BRA\"]}," INFO("") "}");
    const char *id = id_of(a);
    struct bh_error err;
    json_t *rec = NULL;
    /* An outsider sees it (GREEN) but is no recipient. */
    assert_int_equal(alert_ack(db, &out_fp, id, &rec, &err), BH_EDENIED);
    assert_string_equal(err.field, "org");
    /* BRA acknowledges; a second time keeps the first. */
    clock_ms = time_now_ms();
    time_set_clock(held_clock);
    must(alert_ack(db, &fri_fp, id, &rec, &err), &err, "ack");
    char first[64];
    snprintf(first, sizeof first, "%s", json_string_value(json_object_get(rec, "acknowledged_at")));
    assert_true(json_is_true(json_object_get(rec, "ack_required")));
    json_decref(rec);
    clock_ms += 60000;
    must(alert_ack(db, &fri_end, id, &rec, &err), &err, "ack again");
    assert_string_equal(json_string_value(json_object_get(rec, "acknowledged_at")), first);
    json_decref(rec);
    time_set_clock(NULL);
    /* The board: the sender's users and admins; others 403. */
    json_t *items = json_array();
    must(alert_acks(db, &own_fp, id, items, &err), &err, "board");
    assert_int_equal(json_array_size(items), 1);
    json_t *row = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(row, "org")), "BRA");
    assert_string_equal(json_string_value(json_object_get(row, "acknowledged_by")), "fri.fp");
    assert_string_equal(json_string_value(json_object_get(row, "acknowledged_at")), first);
    json_array_clear(items);
    assert_int_equal(alert_acks(db, &fri_fp, id, items, &err), BH_EDENIED);
    json_decref(items);
    /* The sender was told, and the ack audited. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'alert.ack' AND record_id = '%s'", id);
    assert_int_equal(test_query_int(db, sql), 1);
    json_decref(a);
}

static void alert_update_cancel(void **state)
{
    (void)state;
    json_t *a = send_ok(&own_coord, "{\"status\":\"Exercise\",\"tlp\":\"GREEN\"," INFO("") "}");
    char body[1024];
    snprintf(body, sizeof body,
             "{\"status\":\"Exercise\",\"tlp\":\"GREEN\",\"msg_type\":\"Update\","
             "\"references\":\"%s\"," INFO("") "}",
             id_of(a));
    /* Another organization cannot update it. */
    send_fails(&out_coord, body, "references");
    json_t *u = send_ok(&own_coord, body);
    assert_string_equal(json_string_value(json_object_get(u, "msg_type")), "Update");
    assert_contains(json_string_value(json_object_get(u, "references")),
                    json_string_value(json_object_get(a, "identifier")));
    json_t *got = NULL;
    struct bh_error err;
    must(alert_get(db, &own_fp, id_of(a), &got, &err), &err, "get");
    assert_string_equal(json_string_value(json_object_get(got, "state")), "updated");
    json_decref(got);
    snprintf(body, sizeof body,
             "{\"status\":\"Exercise\",\"tlp\":\"GREEN\",\"msg_type\":\"Cancel\","
             "\"references\":\"%s\"," INFO("") "}",
             id_of(u));
    json_decref(send_ok(&own_coord, body));
    must(alert_get(db, &own_fp, id_of(u), &got, &err), &err, "get");
    assert_string_equal(json_string_value(json_object_get(got, "state")), "cancelled");
    assert_false(json_is_true(json_object_get(got, "active")));
    json_decref(got);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM feed_event WHERE kind = 'alert' AND action = 'cancelled' AND "
             "record_id = '%s'",
             id_of(u));
    assert_int_equal(test_query_int(db, sql), 1);
    json_decref(a);
    json_decref(u);
}

static bool listed(const struct principal *who, bool active, const char *id)
{
    json_t *items = json_array();
    bool more = false;
    struct bh_error err;
    struct alert_filter f = { .active_only = active };
    must(alert_list(db, who, &f, NULL, 500, items, &more, NULL, &err), &err, "list");
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (strcmp(id_of(it), id) == 0)
            found = true;
    }
    json_decref(items);
    return found;
}

static void alert_expiry(void **state)
{
    (void)state;
    clock_ms = 1893456000000; /* 2030-01-01T00:00:00Z */
    time_set_clock(held_clock);
    json_t *a = send_ok(&own_coord, "{\"status\":\"Actual\",\"tlp\":\"GREEN\"," INFO(
                                        ",\"expires\":\"2030-01-01T02:00:00+01:00\"") "}");
    assert_true(listed(&fri_fp, true, id_of(a)));
    clock_ms += 2 * 3600 * 1000; /* 02:00Z: an hour past its expiry (01:00Z) */
    assert_false(listed(&fri_fp, true, id_of(a)));
    assert_true(listed(&fri_fp, false, id_of(a)));
    time_set_clock(NULL);
    json_decref(a);
}

static void alert_cap_round_trip(void **state)
{
    (void)state;
    json_t *a = send_ok(
        &own_coord,
        "{\"status\":\"Actual\",\"tlp\":\"CLEAR\"," INFO(
            ",\"effective\":\"2030-01-01T10:00:00+02:00\",\"expires\":\"2030-01-02T10:00:00Z\","
            "\"areas\":[{\"area_desc\":\"Box\",\"polygon\":[[1,2],[1,3],[2,3],[2,2],[1,2]]}]") "}");
    struct arena *ar = arena_new(4096);
    struct cap_alert cap, back;
    struct bh_error err;
    struct buf xml = BUF_INIT;
    must(alert_to_cap(db, &anon, id_of(a), ar, &cap, &err), &err, "to cap");
    assert_string_equal(cap.scope, "Public");
    must(cap_write(&cap, &xml, &err), &err, "cap_write");
    assert_contains(buf_str(&xml), "2030-01-02T10:00:00+00:00");
    if (strstr(buf_str(&xml), "00Z<"))
        fail_msg("a CAP time ends in Z:\n%s", buf_str(&xml));
    must(cap_parse(buf_str(&xml), xml.len, ar, &back, &err), &err, "cap_parse");
    /* The same message is the stored one; as another system's (a new sender) it is new. */
    char id[37];
    bool created = true;
    must(alert_import_cap(db, &out_coord, &back, "upload", false, id, &created, &err), &err,
         "import own");
    assert_false(created);
    assert_string_equal(id, id_of(a));
    back.sender = "partner@example.org";
    must(alert_import_cap(db, &out_coord, &back, "upload", false, id, &created, &err), &err,
         "import");
    assert_true(created);
    /* The same message again is not stored twice. */
    char id2[37];
    must(alert_import_cap(db, &out_coord, &back, "upload", false, id2, &created, &err), &err,
         "import again");
    assert_false(created);
    assert_string_equal(id, id2);
    json_t *got = NULL;
    must(alert_get(db, &out_fp, id, &got, &err), &err, "get imported");
    assert_string_equal(json_string_value(json_object_get(got, "tlp")), "TLP:CLEAR");
    assert_string_equal(json_string_value(json_object_get(got, "origin")), "upload");
    const json_t *i0 = json_array_get(json_object_get(got, "info"), 0);
    const json_t *o0 = json_array_get(json_object_get(a, "info"), 0);
    static const char *const same[] = { "headline", "event", "urgency", "severity", "certainty" };
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(json_string_value(json_object_get(i0, same[k])),
                            json_string_value(json_object_get(o0, same[k])));
    /* Times as instants. */
    int64_t t1, t2;
    must(time_parse_rfc3339(json_string_value(json_object_get(i0, "expires")), &t1, NULL, &err),
         &err, "t1");
    must(time_parse_rfc3339("2030-01-02T10:00:00Z", &t2, NULL, &err), &err, "t2");
    assert_int_equal(t1, t2);
    must(time_parse_rfc3339(json_string_value(json_object_get(i0, "effective")), &t1, NULL, &err),
         &err, "t1");
    must(time_parse_rfc3339("2030-01-01T08:00:00Z", &t2, NULL, &err), &err, "t2");
    assert_int_equal(t1, t2);
    char *pa = json_dumps(
        json_object_get(json_array_get(json_object_get(i0, "areas"), 0), "polygon"), JSON_COMPACT);
    char *pb = json_dumps(
        json_object_get(json_array_get(json_object_get(o0, "areas"), 0), "polygon"), JSON_COMPACT);
    assert_string_equal(pa, pb);
    free(pa);
    free(pb);
    json_decref(got);
    /* Scope Restricted is AMBER+STRICT of the importer; a forged Cancel of a local alert
     * changes nothing. */
    back.identifier = "other-1";
    back.scope = "Restricted";
    back.restriction = "members";
    must(alert_import_cap(db, &out_coord, &back, "upload", false, id, &created, &err), &err,
         "restricted");
    assert_int_equal(alert_get(db, &own_fp, id, &got, &err), BH_ENOTFOUND);
    back.identifier = "forged-cancel";
    back.msg_type = "Cancel";
    back.references = arena_printf(ar, "%s,%s,%s", cap.sender, cap.identifier, cap.sent);
    back.sender = cap.sender;
    must(alert_import_cap(db, &out_coord, &back, "upload", false, id, &created, &err), &err,
         "forged");
    must(alert_get(db, &own_fp, id_of(a), &got, &err), &err, "local");
    assert_string_equal(json_string_value(json_object_get(got, "state")), "active");
    json_decref(got);
    buf_cleanup(&xml);
    arena_free(ar);
    json_decref(a);
}

/* ---- THE matrix ---- */

enum { M_CLEAR, M_GREEN, M_AMBER, M_STRICT, M_RED, NMARK };
static const char *const markings[NMARK] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };

static void alert_matrix(void **state)
{
    (void)state;
    char ids[NMARK][37];
    for (int m = 0; m < NMARK; m++) {
        char body[1024];
        snprintf(body, sizeof body, "{\"status\":\"Actual\",\"tlp\":\"%s\"%s%s," INFO("") "}",
                 markings[m], m == M_AMBER ? ",\"sharing_group\":" : "",
                 m == M_RED ? ",\"recipients\":[\"fri.fp\"]" : "");
        if (m == M_AMBER) {
            char tmp[1024];
            snprintf(
                tmp, sizeof tmp,
                "{\"status\":\"Actual\",\"tlp\":\"AMBER\",\"sharing_group\":%lld," INFO("") "}",
                (long long)group_id);
            snprintf(body, sizeof body, "%s", tmp);
        }
        json_t *a = send_ok(&own_coord, body);
        snprintf(ids[m], sizeof ids[m], "%s", id_of(a));
        json_decref(a);
    }
    /* By hand from docs/sharing.md: the owner's focal point (not named on RED), the group
     * member's focal point (named on RED), an outsider, anonymous. Board: the owner's only. */
    const struct {
        const char *name;
        const struct principal *who;
        const char *sees;
        const char *board; /* y: 200, d: 403, n: 404 */
    } rows[] = {
        { "owner", &own_fp, "yyyy.", "yyyyn" },    { "member", &fri_fp, "yyy.y", "dddnd" },
        { "outsider", &out_fp, "yy...", "ddnnn" }, { "anonymous", &anon, "y....", "dnnnn" },
        { "operator", &cli, "yyyyy", "yyyyy" },
    };
    int bad = 0;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (int m = 0; m < NMARK; m++) {
            bool want = rows[r].sees[m] == 'y';
            json_t *got = NULL;
            struct bh_error err;
            int rc = alert_get(db, rows[r].who, ids[m], &got, &err);
            json_decref(got);
            bool in_list = listed(rows[r].who, false, ids[m]);
            struct arena *ar = arena_new(4096);
            struct cap_alert cap;
            int crc = alert_to_cap(db, rows[r].who, ids[m], ar, &cap, &err);
            arena_free(ar);
            json_t *items = json_array();
            int brc = alert_acks(db, rows[r].who, ids[m], items, &err);
            json_decref(items);
            char bwant = rows[r].board[m];
            int bwant_rc = bwant == 'y' ? 0 : bwant == 'd' ? BH_EDENIED : BH_ENOTFOUND;
            if ((rc == 0) != want || in_list != want || (crc == 0) != want ||
                (!want && (rc != BH_ENOTFOUND || crc != BH_ENOTFOUND)) || brc != bwant_rc) {
                print_message("%s %s: want %s board %c; get %d list %d cap %d board %d\n",
                              rows[r].name, markings[m], want ? "seen" : "hidden", bwant, rc,
                              in_list, crc, brc);
                bad++;
            }
        }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("alert/targeting", alert_targeting),
        BH_TEST("alert/bad-input-writes-nothing", alert_bad_input),
        BH_TEST("alert/ack-idempotent-and-board", alert_ack_board),
        BH_TEST("alert/update-cancel", alert_update_cancel),
        BH_TEST("alert/expiry-held-clock", alert_expiry),
        BH_TEST("alert/cap-round-trip", alert_cap_round_trip),
        BH_TEST("alert/visibility-matrix", alert_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
