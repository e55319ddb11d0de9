/* Search and work lists over HTTP on the real server (migration 0018, spatial/query.c,
 * incident/worklist.c): `q` over place names, admin areas, threat type labels and acronyms
 * and missions, every word a prefix, each count equal to an independent count (SQL LIKE over
 * the same rows, through the same visibility predicate); the synthetic and mine filters on the
 * list, the files and the grid alike, with mine never showing another organization's
 * restricted record; GET /api/v1/me/work (a reporter's counts by state, the queue's size, the
 * returns and endorsements since the user last looked) and POST /api/v1/me/work/seen. The store
 * holds 300 synthetic incidents from `bluehelm demo` and reports made over the API at real
 * places of the Central African Republic. */
#include "api_helpers.h"
#include "world.h"

#include "base/buf.h"
#include "db/db.h"
#include "incident/incident.h"
#include "taxonomy/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PASSWORD "Bambari patrol base 2024"

static struct test_server server;
static char *store;
static struct db *db; /* read-only: the independent counts */
static struct test_session admin, fra_rep, fra_rep2, fra_end, fra_analyst, bra_rep;

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &fra_rep, NULL, NULL },
    { "fra.rep2", "FRA", "reporter", NULL, &fra_rep2, NULL, NULL },
    { "fra.end", "FRA", "endorser", "MINUSCA", &fra_end, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &fra_analyst, NULL, NULL },
    { "bra.rep", "BRA", "reporter", NULL, &bra_rep, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_search_worklists", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* The reports made over the API, by id once made. */
static char r_bambari_ied[40], r_bria[40], r_kaga[40], r_bambari_end[40], r_bra_secret[40],
    r_rep2[40];

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Creates a report as `u` at a place of MINUSCA's area; returns its id in `id`. */
static void create(const struct test_session *u, const char *place, const char *admin1,
                   const char *admin2, double lat, double lon, const char *type,
                   const char *narrative, const char *tlp, bool submit, char id[40])
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"mission\":\"MINUSCA\",\"occurred_at\":\"2024-05-02T06:40:00Z\","
             "\"latitude\":%.4f,\"longitude\":%.4f,\"place_name\":\"%s\",\"admin1\":\"%s\","
             "\"admin2\":\"%s\",\"threat_type\":\"%s\",\"target\":\"patrol\","
             "\"activity\":\"patrolling\",\"narrative\":\"%s\",\"killed\":0,\"injured\":1,"
             "\"tlp\":\"%s\",\"submit\":%s}",
             lat, lon, place, admin1, admin2, type, narrative, tlp, submit ? "true" : "false");
    struct test_response r;
    test_world_call(u, "POST", "/api/v1/incidents", body, &r);
    if (r.status != 201)
        fail_msg("create %s: expected 201, got %d: %s", place, r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, 40, "%s", str(j, "id"));
    json_decref(j);
    test_response_free(&r);
}

static void act(const struct test_session *u, const char *id, const char *action, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/incidents/%s/%s", id, action);
    struct test_response r;
    test_world_call(u, "POST", path, body ? body : "{}", &r);
    if (r.status != 200)
        fail_msg("%s %s: expected 200, got %d: %s", action, id, r.status, r.body);
    test_response_free(&r);
}

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    test_cli_ok(store, NULL,
                (const char *const[]){ "demo", "--incidents", "300", "--seed", "13", NULL }, NULL);
    test_server_start(&server, store, NULL);
    test_world_sign_in(&world, server.port);
    test_world_use(&world, &server);
    db = test_db_open(store, DB_OPEN_READONLY);

    create(&fra_rep, "Bambari", "Ouaka", "Bambari", 5.7667, 20.6833, "ied",
           "Convoy struck a roadside device on the RN2.", "GREEN", true, r_bambari_ied);
    create(&fra_rep, "Bria", "Haute-Kotto", "Bria", 6.5333, 21.9833, "indirect_fire",
           "Mortar rounds landed near the camp.", "GREEN", true, r_bria);
    create(&fra_rep, "Kaga-Bandoro", "Nana-Gr\\u00e9bizi", "Kaga-Bandoro", 6.9833, 19.1833,
           "direct_fire", "Shots at the patrol from the river bank.", "GREEN", false, r_kaga);
    create(&fra_rep, "Bambari bridge", "Ouaka", "Bambari", 5.77, 20.67, "ied",
           "Device found under the bridge.", "GREEN", true, r_bambari_end);
    create(&bra_rep, "Bambari", "Ouaka", "Bambari", 5.76, 20.69, "ied",
           "Device found north of the airfield.", "AMBER+STRICT", true, r_bra_secret);
    create(&fra_rep2, "Grimari", "Ouaka", "Grimari", 5.7333, 20.05, "ambush",
           "Patrol ambushed on the road to Bambari.", "GREEN", true, r_rep2);
    act(&fra_end, r_bria, "return", "{\"reason\":\"Give the grid reference of the camp.\"}");
    act(&fra_end, r_bambari_end, "endorse", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* The principal of `username` as the server builds it (account, organization, role). */
static void principal_of(const char *username, struct principal *who)
{
    memset(who, 0, sizeof *who);
    struct db_stmt *st;
    struct bh_error err;
    assert_int_equal(db_prepare(db,
                                "SELECT a.id, a.org_id, a.role, o.code FROM account a JOIN org o "
                                "ON o.id = a.org_id WHERE a.username = ?",
                                &st, &err),
                     0);
    db_bind_text(st, 1, username);
    assert_int_equal(db_step(st, &err), DB_ROW);
    who->account_id = db_column_int(st, 0);
    who->org_id = db_column_int(st, 1);
    who->role = role_parse(db_column_text(st, 2));
    snprintf(who->username, sizeof who->username, "%s", username);
    snprintf(who->org_code, sizeof who->org_code, "%s", db_column_text(st, 3));
    db_stmt_done(st);
}

/* The list's total for `query` as `u`. */
static long long total(const struct test_session *u, const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/incidents?limit=100&%s", query);
    json_t *j = test_get_json(server.port, u->headers, path, 200);
    long long n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

/* Whether the first page (500 rows, more than any query here matches) for `query` as `u`
 * holds `id`. */
static bool lists(const struct test_session *u, const char *query, const char *id)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/incidents?limit=500&%s", query);
    json_t *j = test_get_json(server.port, u->headers, path, 200);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(j, "items"), i, it) found |= strcmp(str(it, "id"), id) == 0;
    json_decref(j);
    return found;
}

/* Every word of the text a search reads, lower case, each after a space, punctuation as
 * spaces, without the threat type: "% word%" finds a word that starts with `word`. */
#define HAYSTACK                                                                                  \
    "(' ' || lower(replace(replace(replace(replace(replace(coalesce(i.narrative, '') || ' ' || "  \
    "coalesce(i.place_name, '') || ' ' || coalesce(i.admin1, '') || ' ' || "                      \
    "coalesce(i.admin2, '') || ' ' || coalesce(i.perpetrator, '') || ' ' || i.mission || ' ' || " \
    "(SELECT name FROM mission m WHERE m.acronym = i.mission), '-', ' '), ',', ' '), '.', ' '), " \
    "'(', ' '), '\"', ' ')))"

/* The independent count: the rows `username` may see (incident_predicate, as the server
 * applies it) where `cond` holds, `cond` binding `word` (lower case, with its '%'s) once. */
static long long independent(const char *username, const char *cond, const char *word)
{
    struct principal who;
    principal_of(username, &who);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT count(*) FROM incident i WHERE ");
    incident_predicate(&who, "i", &sql, &params);
    buf_printf(&sql, " AND (%s)", cond);
    if (word)
        db_params_text(&params, word);
    int64_t n = -1;
    struct bh_error err;
    if (db_exec_params(db, buf_str(&sql), &params, &n, NULL, &err))
        fail_msg("%s: %s", buf_str(&sql), err.message);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    return n;
}

/* "threat_type IN ('a', 'b')" of the taxonomy's types whose English label has a word starting
 * with `prefix`, read from the taxonomy's own table (not from migration 0018's copy). */
static void types_labelled(const char *prefix, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(out, cap, "i.threat_type IN (''");
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        const char *l = taxonomy_threats[i].label;
        for (const char *p = l; *p; p++)
            if ((p == l || p[-1] == ' ') && strncasecmp(p, prefix, strlen(prefix)) == 0) {
                used +=
                    (size_t)snprintf(out + used, cap - used, ", '%s'", taxonomy_threats[i].code);
                break;
            }
    }
    snprintf(out + used, cap - used, ")");
}

/* search/place-prefix: "Bamb" finds Bambari in the place, the admin areas and the text, and
 * counts what an independent LIKE counts, for a reader of each kind. */
static void place_prefix(void **state)
{
    (void)state;
    long long want = independent("fra.analyst", HAYSTACK " LIKE ?", "% bamb%");
    assert_int_equal(want, 3); /* FRA's two at Bambari, Grimari's; BRA's is hidden */
    assert_int_equal(total(&fra_analyst, "q=Bamb"), want);
    assert_int_equal(total(&admin, "q=Bamb"),
                     independent("secretariat", HAYSTACK " LIKE ?", "% bamb%"));
    assert_int_equal(total(&fra_analyst, "q=bambari"),
                     independent("fra.analyst", HAYSTACK " LIKE ?", "% bambari%"));
    /* Grimari's report says Bambari only in its narrative; found all the same. */
    assert_true(lists(&fra_analyst, "q=Bamb", r_rep2));
}

/* search/admin-area: an admin area finds the reports whose only mention of it is admin1. */
static void admin_area(void **state)
{
    (void)state;
    long long want = independent("fra.analyst", HAYSTACK " LIKE ?", "% ouaka%");
    assert_int_equal(want, 3); /* Bambari IED, Bambari bridge, Grimari; BRA's is hidden */
    assert_int_equal(total(&fra_analyst, "q=Ouaka"), want);
    assert_true(lists(&fra_analyst, "q=Ouaka", r_bambari_ied));
    /* Without diacritics: "Grebizi" finds Nana-Grébizi, the draft FRA may see. */
    assert_int_equal(total(&fra_analyst, "q=Grebizi"), 1);
    assert_int_equal(total(&fra_analyst, "q=Haute-Kotto"), 1);
}

/* search/acronym: IED finds every IED report (the threat type's acronym), not only those whose
 * text says IED; IDF every indirect fire. */
static void acronym(void **state)
{
    (void)state;
    long long want =
        independent("fra.analyst", "i.threat_type = 'ied' OR " HAYSTACK " LIKE ?", "% ied%");
    long long ied = independent("fra.analyst", "i.threat_type = 'ied'", NULL);
    assert_true(ied > 5);
    assert_int_equal(total(&fra_analyst, "q=IED"), want);
    assert_int_equal(total(&fra_analyst, "q=ied"), want);
    assert_int_equal(total(&fra_analyst, "q=IDF"),
                     independent("fra.analyst",
                                 "i.threat_type = 'indirect_fire' OR " HAYSTACK " LIKE ?",
                                 "% idf%"));
    assert_true(lists(&fra_analyst, "q=IED", r_bambari_ied));
}

/* search/label: a word of the taxonomy's label finds the types it labels. */
static void label(void **state)
{
    (void)state;
    char cond[1024];
    types_labelled("explosive", cond, sizeof cond - 200);
    strcat(cond, " OR " HAYSTACK " LIKE ?");
    long long want = independent("fra.analyst", cond, "% explosive%");
    assert_true(want > 0);
    assert_int_equal(total(&fra_analyst, "q=explosive"), want);
    types_labelled("mortar", cond, sizeof cond - 200); /* no label says mortar: text only */
    strcat(cond, " OR " HAYSTACK " LIKE ?");
    assert_int_equal(total(&fra_analyst, "q=mortar"),
                     independent("fra.analyst", cond, "% mortar%"));
}

/* search/mission: the acronym and a word of the mission's name. */
static void mission(void **state)
{
    (void)state;
    assert_int_equal(
        total(&fra_analyst, "q=MINUSCA"),
        independent("fra.analyst", "i.mission = 'MINUSCA' OR " HAYSTACK " LIKE ?", "% minusca%"));
    long long want = independent("fra.analyst", HAYSTACK " LIKE ?", "% stabiliz%");
    assert_true(want > 0);
    assert_int_equal(total(&fra_analyst, "q=Stabiliz"), want);
    /* Two words: both must occur. */
    assert_int_equal(total(&fra_analyst, "q=MINUSCA+Ouaka"), 3);
}

/* search/visibility: BRA's AMBER+STRICT report is found by neither words nor mine for FRA,
 * and by BRA's reporter; another organization's draft stays hidden. */
static void search_visibility(void **state)
{
    (void)state;
    assert_false(lists(&fra_analyst, "q=Bamb", r_bra_secret));
    assert_false(lists(&fra_analyst, "q=airfield", r_bra_secret));
    assert_int_equal(total(&fra_analyst, "q=airfield"), 0);
    assert_true(lists(&bra_rep, "q=airfield", r_bra_secret));
    assert_false(lists(&bra_rep, "q=Kaga", r_kaga)); /* FRA's draft */
    assert_true(lists(&fra_analyst, "q=Kaga", r_kaga));
}

/* filter/synthetic: exclude and only split the store, on the list, the CSV, the GeoJSON and
 * the grid alike; a bad value is 400 naming synthetic. */
static void synthetic(void **state)
{
    (void)state;
    long long all = total(&admin, "synthetic="), real = total(&admin, "synthetic=exclude"),
              only = total(&admin, "synthetic=only");
    assert_int_equal(only, independent("secretariat", "i.synthetic = 1", NULL));
    assert_int_equal(only, 300);
    assert_int_equal(real, 6);
    assert_int_equal(all, real + only);
    json_t *g = test_get_json(server.port, admin.headers,
                              "/api/v1/incidents/grid?zoom=2&synthetic=exclude", 200);
    assert_int_equal(json_integer_value(json_object_get(g, "total")), real);
    json_decref(g);
    struct test_response r;
    test_world_call(&admin, "GET", "/api/v1/incidents.csv?synthetic=exclude", NULL, &r);
    assert_int_equal(r.status, 200);
    int lines = 0;
    for (const char *p = r.body; p && *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, real + 2); /* the header, the HXL row */
    test_response_free(&r);
    test_world_call(&admin, "GET", "/api/v1/incidents.geojson?synthetic=only", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *fc = body_json(&r);
    assert_int_equal(json_array_size(json_object_get(fc, "features")), only);
    json_decref(fc);
    test_response_free(&r);
    test_world_call(&admin, "GET", "/api/v1/incidents?synthetic=yes", NULL, &r);
    assert_problem(&r, 400, "synthetic");
    test_response_free(&r);
    /* Context events hold no synthetic rows. */
    json_t *ev = test_get_json(server.port, admin.headers, "/api/v1/events?synthetic=only", 200);
    assert_int_equal(json_integer_value(json_object_get(ev, "total")), 0);
    json_decref(ev);
}

/* filter/mine: the reader's own reports, in every state; nothing of anyone else's, and a 400
 * for a bad value or on events. */
static void mine(void **state)
{
    (void)state;
    assert_int_equal(total(&fra_rep, "mine=1"), 4);
    assert_int_equal(total(&fra_rep, "mine=1&status=returned"), 1);
    assert_true(lists(&fra_rep, "mine=1&status=returned", r_bria));
    assert_int_equal(total(&fra_rep2, "mine=1"), 1);
    assert_int_equal(total(&bra_rep, "mine=1"), 1);
    /* An analyst reported nothing; the same organization's reports are not "mine". */
    assert_int_equal(total(&fra_analyst, "mine=1"), 0);
    assert_false(lists(&fra_rep, "mine=1", r_bra_secret));
    assert_int_equal(total(&admin, "mine=1"), 0);
    assert_int_equal(total(&fra_rep, "mine=0"), total(&fra_rep, "mine="));
    struct test_response r;
    test_world_call(&fra_rep, "GET", "/api/v1/incidents?mine=yes", NULL, &r);
    assert_problem(&r, 400, "mine");
    test_response_free(&r);
    test_world_call(&fra_rep, "GET", "/api/v1/events?mine=1", NULL, &r);
    assert_problem(&r, 400, "mine");
    test_response_free(&r);
}

/* worklist/counts: GET /api/v1/me/work counts what the list counts; the queue is the
 * submitted reports of the endorser's missions. */
static void work_counts(void **state)
{
    (void)state;
    json_t *w = test_get_json(server.port, fra_rep.headers, "/api/v1/me/work", 200);
    json_t *m = json_object_get(w, "mine");
    assert_int_equal(json_integer_value(json_object_get(m, "draft")), 1);
    assert_int_equal(json_integer_value(json_object_get(m, "submitted")), 1);
    assert_int_equal(json_integer_value(json_object_get(m, "returned")), 1);
    assert_int_equal(json_integer_value(json_object_get(m, "endorsed")), 1);
    assert_true(json_is_null(json_object_get(w, "queue"))); /* a reporter does not endorse */
    json_decref(w);
    w = test_get_json(server.port, fra_end.headers, "/api/v1/me/work", 200);
    long long queue = json_integer_value(json_object_get(w, "queue"));
    assert_int_equal(queue, total(&fra_end, "status=submitted&mission=MINUSCA"));
    /* FRA's Bambari IED and fra.rep2's Grimari report; BRA's restricted one is not FRA's to
     * see, and the demo rows submitted for MINUSCA count as the queue page lists them. */
    assert_int_equal(
        queue, independent("fra.end", "i.status = 'submitted' AND i.mission = 'MINUSCA'", NULL));
    assert_true(queue >= 2);
    json_decref(w);
}

/* worklist/changes: the return (with its reason) and the endorsement are news until the
 * reporter has looked; after POST seen they are not; a later return is. */
static void work_changes(void **state)
{
    (void)state;
    json_t *w = test_get_json(server.port, fra_rep.headers, "/api/v1/me/work", 200);
    assert_true(json_is_null(json_object_get(w, "seen_at")));
    assert_int_equal(json_integer_value(json_object_get(w, "changes_total")), 2);
    json_t *ch = json_object_get(w, "changes");
    bool saw_return = false, saw_endorse = false;
    size_t i;
    json_t *c;
    json_array_foreach(ch, i, c)
    {
        if (strcmp(str(c, "action"), "return") == 0) {
            saw_return = true;
            assert_string_equal(str(c, "id"), r_bria);
            assert_string_equal(str(c, "reason"), "Give the grid reference of the camp.");
        } else {
            saw_endorse = strcmp(str(c, "id"), r_bambari_end) == 0;
            assert_true(json_is_null(json_object_get(c, "reason")));
        }
    }
    assert_true(saw_return && saw_endorse);
    json_decref(w);
    /* fra.rep2's list has none of it. */
    w = test_get_json(server.port, fra_rep2.headers, "/api/v1/me/work", 200);
    assert_int_equal(json_integer_value(json_object_get(w, "changes_total")), 0);
    json_decref(w);

    struct test_response r;
    test_world_call(&fra_rep, "POST", "/api/v1/me/work/seen", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *s = body_json(&r);
    char seen[40];
    snprintf(seen, sizeof seen, "%s", str(s, "seen_at"));
    json_decref(s);
    test_response_free(&r);
    w = test_get_json(server.port, fra_rep.headers, "/api/v1/me/work", 200);
    assert_string_equal(str(w, "seen_at"), seen);
    /* Changes in the second the user looked stay news (revisions are kept to the second);
     * none is later. */
    json_array_foreach(json_object_get(w, "changes"), i, c)
        assert_true(strcmp(str(c, "at"), seen) >= 0);
    json_decref(w);
    /* Without a session cookie's CSRF token the write is refused. */
    char headers[320];
    snprintf(headers, sizeof headers, "Cookie: bh_session=%s\r\n", fra_rep.cookie);
    test_call(server.port, headers, "POST", "/api/v1/me/work/seen", NULL, &r);
    assert_int_equal(r.status, 403);
    test_response_free(&r);
    /* Nobody: 401. */
    test_call(server.port, NULL, "GET", "/api/v1/me/work", NULL, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
}

/* search/terms-match-taxonomy: migration 0018's words for each threat type are the taxonomy's
 * label, for every type: a type added to the taxonomy without its words fails here. */
static void terms_match_taxonomy(void **state)
{
    (void)state;
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        const struct threat_type *t = &taxonomy_threats[i];
        struct db_stmt *st;
        struct bh_error err;
        assert_int_equal(db_prepare(db, "SELECT label FROM threat_term WHERE code = ?", &st, &err),
                         0);
        db_bind_text(st, 1, t->code);
        if (db_step(st, &err) != DB_ROW)
            fail_msg("threat type %s has no row in threat_term (migration 0018)", t->code);
        if (strcmp(db_column_text(st, 0), t->label) != 0)
            fail_msg("threat type %s: threat_term says \"%s\", the taxonomy \"%s\"", t->code,
                     db_column_text(st, 0), t->label);
        db_stmt_done(st);
    }
    int64_t n = 0;
    struct bh_error err;
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM threat_term", 0, &n, &err), 0);
    assert_int_equal(n, (int64_t)taxonomy_threats_count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("search/place-prefix", place_prefix),
        BH_TEST("search/admin-area", admin_area),
        BH_TEST("search/acronym", acronym),
        BH_TEST("search/label", label),
        BH_TEST("search/mission", mission),
        BH_TEST("search/visibility", search_visibility),
        BH_TEST("filter/synthetic", synthetic),
        BH_TEST("filter/mine", mine),
        BH_TEST("worklist/counts", work_counts),
        BH_TEST("worklist/changes", work_changes),
        BH_TEST("search/terms-match-taxonomy", terms_match_taxonomy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
