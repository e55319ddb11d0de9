/* Alerts over HTTP: send (field errors, an Idempotency-Key retry), acknowledge and the board,
 * the CAP message and the Atom feed, the import of a CAP message (201, then 200 for the
 * same), and THE visibility matrix of every read path (list, get, .cap, .atom, acks) for the
 * owner, a group member, an outsider and an anonymous reader across the five markings. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Sahel convoy 2021 escort"

static struct test_server server;
static struct test_session admin, fra_coord, fra_fp, bra_fp, chn_fp, chn_coord;

static const char *const orgs[] = { "DPO", "FRA", "BRA", "CHN" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.coord", "FRA", "coordinator", NULL, &fra_coord, NULL, NULL },
    { "fra.fp", "FRA", "focal_point", NULL, &fra_fp, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &chn_fp, NULL, NULL },
    { "chn.coord", "CHN", "coordinator", NULL, &chn_coord, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_alerts", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

#define INFO                                                                                      \
    "\"info\":[{\"category\":[\"Security\"],\"event\":\"Armed clash\",\"urgency\":\"Immediate\"," \
    "\"severity\":\"Severe\",\"certainty\":\"Observed\",\"headline\":\"Clashes & <roadblocks>\"," \
    "\"expires\":\"2099-01-01T10:00:00+01:00\",\"areas\":[{\"area_desc\":\"Box\",\"polygon\":"    \
    "[[1,2],[1,3],[2,3],[2,2],[1,2]]}]}]"

/* POSTs an alert as `u`; 201 wanted; the id into `id`. */
static void send_ok(const struct test_session *u, const char *body, char id[64])
{
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/alerts", body, &r);
    if (r.status != 201)
        fail_msg("send: %d %s", r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, 64, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    test_response_free(&r);
}

static long long visible_total(const struct test_session *u)
{
    struct test_response r;
    test_world_call(u, "GET", "/api/v1/alerts?active=0", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    long long t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    test_response_free(&r);
    return t;
}

static void api_alerts_send_ack(void **state)
{
    (void)state;
    struct test_response r;
    long long before = visible_total(&admin);
    /* Bad input names the field and writes nothing. */
    test_world_call(
        &fra_coord, "POST", "/api/v1/alerts",
        "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"info\":[{\"category\":[\"Security\"],"
        "\"event\":\"x\",\"urgency\":\"Now\",\"severity\":\"Severe\",\"certainty\":"
        "\"Observed\"}]}",
        &r);
    assert_problem(&r, 400, "info[0].urgency");
    test_response_free(&r);
    test_world_call(
        &fra_coord, "POST", "/api/v1/alerts",
        "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"info\":[{\"category\":[\"Security\"],"
        "\"event\":\"x\",\"urgency\":\"Immediate\",\"severity\":\"Severe\",\"certainty\":"
        "\"Observed\",\"areas\":[{\"area_desc\":\"a\"},{\"area_desc\":\"b\",\"polygon\":"
        "[[0,0],[0,1],[1,1],[1,0]]}]}]}",
        &r);
    assert_problem(&r, 400, "info[0].areas[1].polygon");
    test_response_free(&r);
    assert_int_equal(visible_total(&admin), before);
    /* A retry with the same Idempotency-Key creates one alert. */
    char headers[512], body[2048];
    snprintf(headers, sizeof headers, "%sIdempotency-Key: alert-send-1\r\n", fra_coord.headers);
    snprintf(body, sizeof body,
             "{\"status\":\"Actual\",\"tlp\":\"GREEN\",\"targets\":{\"orgs\":[\"BRA\"]}," INFO "}");
    char id1[64] = "", id2[64] = "";
    for (int i = 0; i < 2; i++) {
        test_call(server.port, headers, "POST", "/api/v1/alerts", body, &r);
        assert_int_equal(r.status, 201);
        json_t *j = body_json(&r);
        snprintf(i ? id2 : id1, 64, "%s", json_string_value(json_object_get(j, "id")));
        json_decref(j);
        test_response_free(&r);
    }
    assert_string_equal(id1, id2);
    assert_int_equal(visible_total(&admin), before + 1);
    /* BRA is asked to acknowledge; CHN sees it (GREEN) but is not. */
    char path[160];
    json_t *list = test_get_json(server.port, bra_fp.headers, "/api/v1/alerts", 200);
    json_t *first = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), id1);
    assert_true(json_is_true(json_object_get(first, "ack_required")));
    assert_true(json_is_null(json_object_get(first, "acknowledged_at")));
    json_decref(list);
    snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id1);
    test_world_call(&chn_fp, "POST", path, NULL, &r);
    assert_problem(&r, 403, "org");
    test_response_free(&r);
    test_world_call(&bra_fp, "POST", path, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    char at[64];
    snprintf(at, sizeof at, "%s", json_string_value(json_object_get(j, "acknowledged_at")));
    json_decref(j);
    test_response_free(&r);
    test_world_call(&bra_fp, "POST", path, NULL, &r);
    j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "acknowledged_at")), at);
    json_decref(j);
    test_response_free(&r);
    /* The board. */
    snprintf(path, sizeof path, "/api/v1/alerts/%s/acks", id1);
    j = test_get_json(server.port, fra_fp.headers, path, 200);
    json_t *row = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "org")), "BRA");
    assert_string_equal(json_string_value(json_object_get(row, "acknowledged_by")), "bra.fp");
    assert_string_equal(json_string_value(json_object_get(row, "acknowledged_at")), at);
    json_decref(j);
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 403);
    assert_int_equal(test_world_status(NULL, "GET", path, NULL), 401);
}

static void api_alerts_cap_atom_import(void **state)
{
    (void)state;
    char id[64], path[160];
    send_ok(&fra_coord, "{\"status\":\"Actual\",\"tlp\":\"CLEAR\"," INFO "}", id);
    struct test_response r;
    snprintf(path, sizeof path, "/api/v1/alerts/%s.cap", id);
    test_world_call(NULL, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_contains(r.headers, "application/cap+xml");
    assert_contains(r.body, "urn:oasis:names:tc:emergency:cap:1.2");
    assert_contains(r.body, "Clashes &amp; &lt;roadblocks&gt;");
    assert_contains(r.body, "2099-01-01T10:00:00+01:00");
    assert_contains(r.body, "<scope>Public</scope>");
    if (strstr(r.body, "Z</"))
        fail_msg("a CAP time in Z:\n%s", r.body);
    /* Imported as another system's message (a new sender): 201, then 200 for the same. */
    char *xml = strdup(r.body);
    test_response_free(&r);
    char *s = strstr(xml, "FRA@bluehelm");
    assert_non_null(s);
    memcpy(s, "FRA@partners", 12);
    char headers[512];
    snprintf(headers, sizeof headers, "%sContent-Type: application/cap+xml\r\n", chn_coord.headers);
    char imported[64];
    for (int i = 0; i < 2; i++) {
        test_http(server.port, "POST", "/api/v1/alerts/import", headers, xml, strlen(xml), &r);
        assert_int_equal(r.status, i ? 200 : 201);
        json_t *j = body_json(&r);
        snprintf(imported, sizeof imported, "%s", json_string_value(json_object_get(j, "id")));
        json_t *info = json_array_get(json_object_get(j, "info"), 0);
        assert_string_equal(json_string_value(json_object_get(info, "headline")),
                            "Clashes & <roadblocks>");
        assert_string_equal(json_string_value(json_object_get(info, "expires")),
                            "2099-01-01T10:00:00+01:00");
        assert_string_equal(json_string_value(json_object_get(j, "sender_org")), "CHN");
        assert_string_equal(json_string_value(json_object_get(j, "sender")), "FRA@partners");
        json_t *poly =
            json_object_get(json_array_get(json_object_get(info, "areas"), 0), "polygon");
        assert_int_equal(json_array_size(poly), 5);
        assert_true(json_number_value(json_array_get(json_array_get(poly, 1), 1)) == 3.0);
        json_decref(j);
        test_response_free(&r);
    }
    assert_string_not_equal(imported, id);
    /* Not XML: 415; not CAP: 400. */
    test_world_call(&chn_coord, "POST", "/api/v1/alerts/import", "{}", &r);
    assert_problem(&r, 415, "Content-Type");
    test_response_free(&r);
    test_http(server.port, "POST", "/api/v1/alerts/import", headers, "<x/>", 4, &r);
    assert_int_equal(r.status, 400);
    test_response_free(&r);
    /* A focal point of an organization may import; an anonymous caller may not. */
    test_http(server.port, "POST", "/api/v1/alerts/import", "Content-Type: application/xml\r\n",
              xml, strlen(xml), &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    free(xml);
    /* The Atom feed links each entry's CAP message. */
    test_world_call(NULL, "GET", "/api/v1/alerts.atom", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_contains(r.headers, "application/atom+xml");
    char link[200];
    snprintf(
        link, sizeof link,
        "<link rel=\"alternate\" type=\"application/cap+xml\" href=\"/api/v1/alerts/%s.cap\"/>",
        id);
    assert_contains(r.body, link);
    test_response_free(&r);
}

/* ---- THE matrix ---- */

static const char *const markings[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };

static void api_alerts_matrix(void **state)
{
    (void)state;
    struct test_response r;
    test_world_call(&fra_coord, "POST", "/api/v1/groups",
                    "{\"name\":\"Alert matrix\",\"members\":[\"BRA\"]}", &r);
    assert_int_equal(r.status, 201);
    json_t *g = body_json(&r);
    long long group = json_integer_value(json_object_get(g, "id"));
    json_decref(g);
    test_response_free(&r);
    char ids[5][64];
    for (int m = 0; m < 5; m++) {
        char body[2048], extra[128] = "";
        if (m == 2)
            snprintf(extra, sizeof extra, ",\"sharing_group\":%lld", group);
        if (m == 4)
            snprintf(extra, sizeof extra, ",\"recipients\":[\"bra.fp\"]");
        snprintf(body, sizeof body, "{\"status\":\"Actual\",\"tlp\":\"%s\"%s," INFO "}",
                 markings[m], extra);
        send_ok(&fra_coord, body, ids[m]);
    }
    /* By hand from docs/sharing.md. Board: 2 = 200, 3 = 403, 4 = 404, 1 = 401. */
    const struct {
        const char *name;
        const struct test_session *who;
        const char *sees;
        const char *board;
    } rows[] = {
        { "owner", &fra_fp, "yyyy.", "22224" },    { "member", &bra_fp, "yyy.y", "33343" },
        { "outsider", &chn_fp, "yy...", "33444" }, { "anonymous", NULL, "y....", "11111" },
        { "admin", &admin, "yyyyy", "22222" },
    };
    int bad = 0;
    for (size_t w = 0; w < sizeof rows / sizeof rows[0]; w++) {
        struct test_response list, atom;
        test_world_call(rows[w].who, "GET", "/api/v1/alerts?active=0&limit=200", NULL, &list);
        test_world_call(rows[w].who, "GET", "/api/v1/alerts.atom", NULL, &atom);
        for (int m = 0; m < 5; m++) {
            bool want = rows[w].sees[m] == 'y';
            char path[160];
            snprintf(path, sizeof path, "/api/v1/alerts/%s", ids[m]);
            int get = test_world_status(rows[w].who, "GET", path, NULL);
            snprintf(path, sizeof path, "/api/v1/alerts/%s.cap", ids[m]);
            int cap = test_world_status(rows[w].who, "GET", path, NULL);
            snprintf(path, sizeof path, "/api/v1/alerts/%s/acks", ids[m]);
            int acks = test_world_status(rows[w].who, "GET", path, NULL);
            int want_acks;
            switch (rows[w].board[m]) {
            case '1':
                want_acks = 401;
                break;
            case '2':
                want_acks = 200;
                break;
            case '3':
                want_acks = 403;
                break;
            default:
                want_acks = 404;
            }
            bool in_list = list.body && strstr(list.body, ids[m]) != NULL;
            bool in_atom = atom.body && strstr(atom.body, ids[m]) != NULL;
            int want_get = want ? 200 : 404;
            if (get != want_get || cap != want_get || in_list != want || in_atom != want ||
                acks != want_acks) {
                print_message("%s %s: want %d acks %d; get %d cap %d list %d atom %d acks %d\n",
                              rows[w].name, markings[m], want_get, want_acks, get, cap, in_list,
                              in_atom, acks);
                bad++;
            }
        }
        test_response_free(&list);
        test_response_free(&atom);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/alerts-send-ack-board", api_alerts_send_ack),
        BH_TEST("api/alerts-cap-atom-import", api_alerts_cap_atom_import),
        BH_TEST("api/alerts-visibility-matrix", api_alerts_matrix),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests(tests, test_world_setup, test_world_teardown);
}
