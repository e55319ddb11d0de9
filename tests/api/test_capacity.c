/* Capacity building over HTTP (docs/capacity.md, /api/v1/capacity): needs and offers written,
 * read with an ETag and changed with If-Match; candidates and the proposal; a match confirmed
 * by a third organization's coordinator (and retried), refused to the provider's own
 * coordinator and to a focal point, listed, told to both organizations, cancelled; duplicated
 * support; a course and its delivery; the gap report as JSON and CSV; bad input and bad query
 * parameters naming what is wrong and writing nothing. Who sees what is
 * test_capacity_visibility.c's. */
#include "api_helpers.h"
#include "world.h"

#include "base/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Capacity launch passphrase 2031"

static struct test_server server;
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_capacity",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

/* A need of counter-IED search seats in MINUSCA, in French; `extra` adds members. */
static void need_body(char *out, size_t cap, const char *title, int quantity, const char *extra)
{
    snprintf(out, cap,
             "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"%s\","
             "\"quantity\":%d,\"priority\":\"high\",\"starts_on\":\"2031-03-01\",\"ends_on\":"
             "\"2031-06-30\",\"languages\":[\"fr\"],\"mission\":\"MINUSCA\",\"tlp\":\"GREEN\"%s}",
             title, quantity, extra ? extra : "");
}

static void offer_body(char *out, size_t cap, const char *title, int capacity, const char *extra)
{
    snprintf(out, cap,
             "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"%s\","
             "\"capacity\":%d,\"starts_on\":\"2031-02-01\",\"ends_on\":\"2031-12-31\","
             "\"languages\":[\"fr\",\"en\"],\"tlp\":\"GREEN\"%s}",
             title, capacity, extra ? extra : "");
}

/* POSTs `body` to `path` as `u`, expecting 201; the new record's id into `id`. */
static void create(const struct test_session *u, const char *path, const char *body, char *id,
                   size_t cap)
{
    json_t *o = test_world_json(u, "POST", path, body, 201);
    snprintf(id, cap, "%s", test_str(o, "id"));
    json_decref(o);
}

static void make_need(const struct test_session *u, const char *title, int quantity, char *id,
                      size_t cap)
{
    char body[1024];
    need_body(body, sizeof body, title, quantity, NULL);
    create(u, "/api/v1/capacity/needs", body, id, cap);
}

static void make_offer(const struct test_session *u, const char *title, int capacity, char *id,
                       size_t cap)
{
    char body[1024];
    offer_body(body, sizeof body, title, capacity, NULL);
    create(u, "/api/v1/capacity/offers", body, id, cap);
}

static int64_t rows(const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return test_query_int(test_world_db, sql);
}

static int64_t int_of(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* The response header `name` (lowercase) of `r`, copied into `out` ("" when absent). */
static void header_of(const struct test_response *r, const char *name, char *out, size_t cap)
{
    const char *v = test_response_header(r, name);
    snprintf(out, cap, "%s", v ? v : "");
}

/* Whether `disposition` names the gap report of the day of `date` (an HTTP Date, "Mon, 07
 * Dec 2026 11:27:05 GMT"), or of the day before when the reply was dated in the first
 * seconds of a day (the name was made a moment before the Date). */
static bool filename_matches_date(const char *disposition, const char *date)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    char mon[4] = "";
    int d = 0, y = 0, hh = 0, mm = 0, ss = 0, m = 0;
    if (sscanf(date, "%*3s, %d %3s %d %d:%d:%d", &d, mon, &y, &hh, &mm, &ss) != 6)
        return false;
    while (m < 12 && strcmp(months[m], mon) != 0)
        m++;
    if (m == 12)
        return false;
    int64_t day = time_days_from_civil(y, m + 1, d);
    for (int back = 0; back < (hh == 0 && mm == 0 && ss < 5 ? 2 : 1); back++) {
        int yy, mo, dd;
        char want[128];
        time_civil_from_days(day - back, &yy, &mo, &dd);
        snprintf(want, sizeof want, "attachment; filename=\"bluehelm-gaps-org-%04d-%02d-%02d.csv\"",
                 yy, mo, dd);
        if (strcmp(disposition, want) == 0)
            return true;
    }
    return false;
}

/* api/capacity-need-write: a need created (201 + Location), read with an ETag (304 on
 * revalidation), changed with If-Match (a stale version is 412 and changes nothing), closed
 * and reopened; an offer likewise created and read. */
static void api_capacity_need_write(void **state)
{
    (void)state;
    char body[1024], id[64], path[256], headers[512], want[256];
    struct test_response r;
    need_body(body, sizeof body, "Counter-IED search, Bria company", 40, NULL);
    test_world_call(&cast->chn_fp, "POST", "/api/v1/capacity/needs", body, &r);
    assert_int_equal(r.status, 201);
    json_t *n = body_json(&r);
    snprintf(id, sizeof id, "%s", test_str(n, "id"));
    snprintf(path, sizeof path, "/api/v1/capacity/needs/%s", id);
    assert_header(&r, "location", path);
    test_response_free(&r);
    assert_string_equal(test_str(json_object_get(n, "org"), "code"), "CHN");
    assert_string_equal(test_str(n, "unit"), "seats");
    assert_string_equal(test_str(n, "status"), "open");
    assert_string_equal(test_str(n, "tlp"), "TLP:GREEN");
    assert_string_equal(test_str(n, "mission"), "MINUSCA");
    assert_int_equal(int_of(n, "quantity"), 40);
    assert_int_equal(int_of(n, "covered"), 0);
    assert_int_equal(int_of(n, "remaining"), 40);
    assert_int_equal(int_of(n, "version"), 1);
    json_decref(n);

    /* The ETag and a revalidation. */
    test_world_call(&cast->bra_fp, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    char etag[128];
    header_of(&r, "etag", etag, sizeof etag);
    assert_true(etag[0] == '"');
    test_response_free(&r);
    snprintf(headers, sizeof headers, "%sIf-None-Match: %s\r\n", cast->bra_fp.headers, etag);
    test_call(server.port, headers, "GET", path, NULL, &r);
    assert_int_equal(r.status, 304);
    test_response_free(&r);

    /* If-Match: the version read; a stale one is 412 and writes nothing. */
    snprintf(headers, sizeof headers, "%sIf-Match: \"1\"\r\n", cast->chn_fp.headers);
    test_call(server.port, headers, "PATCH", path, "{\"quantity\":45,\"priority\":\"critical\"}",
              &r);
    assert_int_equal(r.status, 200);
    n = body_json(&r);
    test_response_free(&r);
    assert_int_equal(int_of(n, "version"), 2);
    assert_int_equal(int_of(n, "quantity"), 45);
    assert_string_equal(test_str(n, "priority"), "critical");
    json_decref(n);
    test_call(server.port, headers, "PATCH", path, "{\"title\":\"Stale\"}", &r);
    assert_problem(&r, 412, "If-Match");
    test_response_free(&r);
    snprintf(headers, sizeof headers, "%sIf-Match: W/\"abc\"\r\n", cast->chn_fp.headers);
    test_call(server.port, headers, "PATCH", path, "{\"title\":\"Bad tag\"}", &r);
    assert_problem(&r, 400, "If-Match");
    test_response_free(&r);
    n = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(n, "title"), "Counter-IED search, Bria company");
    assert_int_equal(int_of(n, "version"), 2);
    json_decref(n);

    /* Another organization may not change it; closing hides it from the default list. */
    test_world_call(&cast->bra_fp, "PATCH", path, "{\"title\":\"Mine\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    n = test_world_json(&cast->chn_fp, "PATCH", path, "{\"status\":\"closed\"}", 200);
    assert_string_equal(test_str(n, "status"), "closed");
    json_decref(n);
    json_t *l = test_world_json(&cast->chn_fp, "GET", "/api/v1/capacity/needs?org=CHN", NULL, 200);
    assert_false(test_listed(json_object_get(l, "items"), id));
    assert_true(json_is_string(json_object_get(l, "as_of")));
    json_decref(l);
    l = test_world_json(&cast->chn_fp, "GET", "/api/v1/capacity/needs?org=CHN&status=closed", NULL,
                        200);
    assert_true(test_listed(json_object_get(l, "items"), id));
    json_decref(l);
    json_decref(test_world_json(&cast->chn_fp, "PATCH", path, "{\"status\":\"open\"}", 200));

    /* An offer. */
    offer_body(body, sizeof body, "Counter-IED search course, Manaus", 25, NULL);
    test_world_call(&cast->bra_fp, "POST", "/api/v1/capacity/offers", body, &r);
    assert_int_equal(r.status, 201);
    json_t *o = body_json(&r);
    snprintf(want, sizeof want, "/api/v1/capacity/offers/%s", test_str(o, "id"));
    assert_header(&r, "location", want);
    test_response_free(&r);
    assert_string_equal(test_str(json_object_get(o, "org"), "code"), "BRA");
    assert_int_equal(int_of(o, "capacity"), 25);
    assert_int_equal(int_of(o, "committed"), 0);
    assert_true(json_is_null(json_object_get(o, "for_org")));
    json_decref(o);
    o = test_world_json(NULL, "GET", want, NULL, 404); /* GREEN: not for anonymous readers */
    json_decref(o);
    o = test_world_json(&cast->rwa_fp, "GET", want, NULL, 200);
    assert_string_equal(test_str(o, "title"), "Counter-IED search course, Manaus");
    json_decref(o);
    const char *oid = want + strlen("/api/v1/capacity/offers/");
    l = test_world_json(&cast->rwa_fp, "GET", "/api/v1/capacity/offers?org=BRA", NULL, 200);
    assert_true(test_listed(json_object_get(l, "items"), oid));
    assert_true(json_integer_value(json_object_get(l, "total")) >= 1);
    assert_true(json_is_string(json_object_get(l, "as_of")));
    json_decref(l);
}

/* api/capacity-invalid: bad bodies are 400 naming the member, an analyst is 403, an anonymous
 * writer 401 (before its body is read), and nothing is written. */
static void api_capacity_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *path, *body, *field;
    } cases[] = {
        { "/api/v1/capacity/needs",
          "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"quantity\":0,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\"}",
          "quantity" },
        { "/api/v1/capacity/needs",
          "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"quantity\":3,\"starts_on\":\"2031-04-01\",\"ends_on\":\"2031-03-01\"}",
          "ends_on" },
        { "/api/v1/capacity/needs",
          "{\"category\":\"training\",\"capability\":\"dragon_taming\",\"title\":\"t\","
          "\"quantity\":3,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\"}",
          "capability" },
        { "/api/v1/capacity/needs",
          "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"quantity\":3,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\","
          "\"languages\":[\"fr\",\"klingon\"]}",
          "languages[1]" },
        { "/api/v1/capacity/needs",
          "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"quantity\":3,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\","
          "\"colour\":\"red\"}",
          "colour" },
        { "/api/v1/capacity/offers",
          "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"capacity\":-4,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\"}",
          "capacity" },
        { "/api/v1/capacity/offers",
          "{\"category\":\"poetry\",\"capability\":\"counter_ied_search\",\"title\":\"t\","
          "\"capacity\":4,\"starts_on\":\"2031-03-01\",\"ends_on\":\"2031-04-01\"}",
          "category" },
        { "/api/v1/capacity/training", "{\"capability\":\"counter_ied_search\"}", "title" },
        { "/api/v1/capacity/matches", "{\"offer\":\"x\"}", "need" },
    };
    int64_t needs = rows("capacity_need"), offers = rows("capacity_offer"),
            courses = rows("training_course"), matches = rows("capacity_match");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        const struct test_session *u =
            strstr(cases[i].path, "matches") ? &cast->fra_coord : &cast->chn_coord;
        test_world_call(u, "POST", cases[i].path, cases[i].body, &r);
        if (r.status != 400 || !strstr(r.body, cases[i].field))
            fail_msg("case %zu (%s %s): expected 400 naming %s, got %d: %s", i, cases[i].path,
                     cases[i].body, cases[i].field, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    char body[1024];
    need_body(body, sizeof body, "Analyst's need", 3, NULL);
    assert_int_equal(test_world_status(&cast->chn_analyst, "POST", "/api/v1/capacity/needs", body),
                     403);
    assert_int_equal(test_world_status(NULL, "POST", "/api/v1/capacity/needs", body), 401);
    /* A reporter posts no offer; an analyst records no course. */
    offer_body(body, sizeof body, "Reporter's offer", 3, NULL);
    assert_int_equal(test_world_status(&cast->chn_rep, "POST", "/api/v1/capacity/offers", body),
                     403);
    assert_int_equal(test_world_status(&cast->chn_analyst, "POST", "/api/v1/capacity/training",
                                       "{\"capability\":\"counter_ied_search\",\"title\":\"x\"}"),
                     403);
    /* An anonymous write is refused before its body is read: 401, not 413. */
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    struct test_response r;
    test_call(server.port, TEST_JSON_CT, "POST", "/api/v1/capacity/matches", big, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    free(big);
    assert_int_equal(rows("capacity_need"), needs);
    assert_int_equal(rows("capacity_offer"), offers);
    assert_int_equal(rows("training_course"), courses);
    assert_int_equal(rows("capacity_match"), matches);
}

/* api/capacity-bad-queries: every list's parameters are read strictly: a bad value is 400
 * naming the parameter. */
static void api_capacity_bad_queries(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } queries[] = {
        { "/api/v1/capacity/needs?limit=0", "limit" },
        { "/api/v1/capacity/needs?limit=501", "limit" },
        { "/api/v1/capacity/needs?limit=ten", "limit" },
        { "/api/v1/capacity/needs?status=maybe", "status" },
        { "/api/v1/capacity/needs?unmet=perhaps", "unmet" },
        { "/api/v1/capacity/needs?category=poetry", "category" },
        { "/api/v1/capacity/offers?status=confirmed", "status" },
        { "/api/v1/capacity/matches?status=open", "status" },
        { "/api/v1/capacity/matches?limit=0", "limit" },
        { "/api/v1/capacity/training?limit=9999", "limit" },
        { "/api/v1/capacity/gaps?by=planet", "by" },
        { "/api/v1/capacity/gaps?format=xml", "format" },
        { "/api/v1/capacity/gaps?format=csv&by=planet", "by" },
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct test_response r;
        test_world_call(&cast->chn_fp, "GET", queries[i].path, NULL, &r);
        if (r.status != 400)
            fail_msg("%s: expected 400 naming %s, got %d: %s", queries[i].path, queries[i].field,
                     r.status, r.body);
        assert_problem(&r, 400, queries[i].field);
        test_response_free(&r);
    }
    /* The proposal and the duplicates need record.read: an auditor-like anonymous reader is
     * 401. */
    assert_int_equal(test_world_status(NULL, "GET", "/api/v1/capacity/proposal", NULL), 401);
    assert_int_equal(test_world_status(NULL, "GET", "/api/v1/capacity/duplicates", NULL), 401);
}

/* Whether the proposal `p` assigns offer `offer` to need `need`; its quantity into *qty. */
static bool assigned(const json_t *p, const char *need, const char *offer, int64_t *qty)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(p, "assignments"), i, a)
    {
        if (strcmp(test_str(json_object_get(a, "need"), "id"), need) == 0 &&
            strcmp(test_str(json_object_get(a, "offer"), "id"), offer) == 0) {
            *qty = int_of(a, "quantity");
            return true;
        }
    }
    return false;
}

/* The notifications of `u` of `kind` about record `id`. */
static int told(const struct test_session *u, const char *kind, const char *id)
{
    json_t *l = test_world_json(u, "GET", "/api/v1/notifications?limit=100", NULL, 200);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(l, "items"), i, it)
    {
        const char *rid = test_str(it, "record_id");
        n += strcmp(test_str(it, "kind"), kind) == 0 && rid && strcmp(rid, id) == 0;
    }
    json_decref(l);
    return n;
}

/* api/capacity-match-flow: candidates, the proposal, a confirmation by a third organization's
 * coordinator (201, then 200 with the same match), refusals of the provider's coordinator and
 * of a focal point, the matches list, the need's coverage, both organizations told, and the
 * cancellation. */
static void api_capacity_match_flow(void **state)
{
    (void)state;
    char need[64], offer[64], path[256], body[512], mid[64];
    make_need(&cast->chn_fp, "Search seats for the Kaga-Bandoro company", 40, need, sizeof need);
    make_offer(&cast->bra_fp, "Search course, second intake", 25, offer, sizeof offer);

    snprintf(path, sizeof path, "/api/v1/capacity/needs/%s/candidates", need);
    json_t *c = test_world_json(&cast->fra_coord, "GET", path, NULL, 200);
    assert_string_equal(test_str(json_object_get(c, "need"), "id"), need);
    json_t *first = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c, "items"), i, it)
    {
        if (strcmp(test_str(json_object_get(it, "offer"), "id"), offer) == 0)
            first = it;
    }
    if (!first)
        fail_msg("the offer is not a candidate of the need");
    assert_int_equal(int_of(first, "quantity"), 25);
    assert_true(int_of(first, "score") >= 50 && int_of(first, "score") <= 100);
    json_decref(c);

    json_t *p =
        test_world_json(&cast->fra_coord, "GET",
                        "/api/v1/capacity/proposal?capability=counter_ied_search", NULL, 200);
    int64_t qty = 0;
    assert_true(assigned(p, need, offer, &qty));
    assert_true(qty > 0 && qty <= 25);
    assert_true(int_of(p, "weighted") >= int_of(p, "greedy_weighted"));
    json_decref(p);

    /* Nobody confirms their own organization's match; a focal point does not confirm. */
    int64_t before = rows("capacity_match");
    snprintf(body, sizeof body, "{\"need\":\"%s\",\"offer\":\"%s\",\"note\":\"first intake\"}",
             need, offer);
    struct test_response r;
    test_world_call(&cast->bra_coord, "POST", "/api/v1/capacity/matches", body, &r);
    assert_problem(&r, 403, "coordinator");
    test_response_free(&r);
    assert_int_equal(test_world_status(&cast->chn_fp, "POST", "/api/v1/capacity/matches", body),
                     403);
    assert_int_equal(rows("capacity_match"), before);

    test_world_call(&cast->fra_coord, "POST", "/api/v1/capacity/matches", body, &r);
    assert_int_equal(r.status, 201);
    json_t *m = body_json(&r);
    snprintf(mid, sizeof mid, "%s", test_str(m, "id"));
    snprintf(path, sizeof path, "/api/v1/capacity/matches/%s", mid);
    assert_header(&r, "location", path);
    test_response_free(&r);
    assert_int_equal(int_of(m, "quantity"), 25);
    assert_string_equal(test_str(m, "status"), "confirmed");
    assert_string_equal(test_str(json_object_get(m, "coordinator"), "code"), "FRA");
    assert_string_equal(test_str(json_object_get(m, "need"), "id"), need);
    json_decref(m);
    /* The same pair again: the same match, 200, nothing written. */
    test_world_call(&cast->fra_coord, "POST", "/api/v1/capacity/matches", body, &r);
    assert_int_equal(r.status, 200);
    m = body_json(&r);
    assert_string_equal(test_str(m, "id"), mid);
    json_decref(m);
    test_response_free(&r);
    assert_int_equal(rows("capacity_match"), before + 1);

    snprintf(path, sizeof path, "/api/v1/capacity/matches?need=%s", need);
    json_t *l = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    assert_int_equal(int_of(l, "total"), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(l, "items"), 0), "id"), mid);
    json_decref(l);
    snprintf(path, sizeof path, "/api/v1/capacity/needs/%s", need);
    json_t *n = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_int_equal(int_of(n, "covered"), 25);
    assert_int_equal(int_of(n, "remaining"), 15);
    assert_int_equal(int_of(n, "matches"), 1);
    json_decref(n);
    snprintf(path, sizeof path, "/api/v1/capacity/offers/%s", offer);
    json_t *o = test_world_json(&cast->bra_fp, "GET", path, NULL, 200);
    assert_int_equal(int_of(o, "committed"), 25);
    assert_int_equal(int_of(o, "remaining"), 0);
    json_decref(o);

    /* Both organizations were told, each about its own record; nobody else was. */
    assert_int_equal(told(&cast->chn_fp, "capacity.matched", need), 1);
    assert_int_equal(told(&cast->bra_fp, "capacity.matched", offer), 1);
    assert_int_equal(told(&cast->rwa_fp, "capacity.matched", need), 0);

    /* Cancelling takes a reason; the need is uncovered again and both are told. */
    snprintf(path, sizeof path, "/api/v1/capacity/matches/%s/cancel", mid);
    test_world_call(&cast->fra_coord, "POST", path, "{}", &r);
    assert_problem(&r, 400, "reason");
    test_response_free(&r);
    assert_int_equal(
        test_world_status(&cast->bra_coord, "POST", path, "{\"reason\":\"Our own course\"}"), 403);
    m = test_world_json(&cast->fra_coord, "POST", path, "{\"reason\":\"The course moved to 2032\"}",
                        200);
    assert_string_equal(test_str(m, "status"), "cancelled");
    assert_string_equal(test_str(m, "cancel_reason"), "The course moved to 2032");
    json_decref(m);
    snprintf(path, sizeof path, "/api/v1/capacity/needs/%s", need);
    n = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_int_equal(int_of(n, "covered"), 0);
    json_decref(n);
    assert_int_equal(told(&cast->chn_fp, "capacity.cancelled", need), 1);
    assert_int_equal(told(&cast->bra_fp, "capacity.cancelled", offer), 1);
    snprintf(path, sizeof path, "/api/v1/capacity/matches?need=%s&status=cancelled", need);
    l = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    json_decref(l);
}

/* api/capacity-training-duplicates: a course of FRA with a delivery that served CHN's need,
 * which a BRA offer also meets through a match: the need is supported twice, and the
 * duplicates say so with both providers. */
static void api_capacity_training_duplicates(void **state)
{
    (void)state;
    char need[64], offer[64], course[64], path[256], body[1024];
    make_need(&cast->chn_fp, "Search seats, Bambari company", 30, need, sizeof need);
    make_offer(&cast->bra_fp, "Search course, Bambari intake", 10, offer, sizeof offer);
    snprintf(body, sizeof body, "{\"need\":\"%s\",\"offer\":\"%s\",\"quantity\":10}", need, offer);
    json_decref(test_world_json(&cast->admin, "POST", "/api/v1/capacity/matches", body, 201));

    struct test_response r;
    test_world_call(
        &cast->fra_fp, "POST", "/api/v1/capacity/training",
        "{\"capability\":\"counter_ied_search\",\"title\":\"Search instructors' course\","
        "\"languages\":[\"fr\"],\"tlp\":\"GREEN\"}",
        &r);
    assert_int_equal(r.status, 201);
    json_t *c = body_json(&r);
    snprintf(course, sizeof course, "%s", test_str(c, "id"));
    snprintf(path, sizeof path, "/api/v1/capacity/training/%s", course);
    assert_header(&r, "location", path);
    test_response_free(&r);
    assert_string_equal(test_str(c, "category"), "training");
    assert_int_equal(json_array_size(json_object_get(c, "deliveries")), 0);
    json_decref(c);

    snprintf(path, sizeof path, "/api/v1/capacity/training/%s/deliveries", course);
    snprintf(body, sizeof body,
             "{\"status\":\"planned\",\"starts_on\":\"2031-04-01\",\"ends_on\":\"2031-04-12\","
             "\"location\":\"Bangui\",\"mission\":\"MINUSCA\",\"participants\":[{\"org\":\"CHN\","
             "\"enrolled\":12,\"completed\":0}],\"needs\":[{\"id\":\"%s\",\"seats\":12}]}",
             need);
    assert_int_equal(test_world_status(&cast->bra_fp, "POST", path, body), 403);
    c = test_world_json(&cast->fra_fp, "POST", path, body, 201);
    json_t *d = json_array_get(json_object_get(c, "deliveries"), 0);
    char delivery[64];
    snprintf(delivery, sizeof delivery, "%s", test_str(d, "id"));
    assert_string_equal(test_str(d, "status"), "planned");
    assert_int_equal(int_of(d, "enrolled"), 12);
    assert_string_equal(test_str(json_array_get(json_object_get(d, "needs"), 0), "id"), need);
    json_decref(c);
    snprintf(path, sizeof path, "/api/v1/capacity/deliveries/%s", delivery);
    c = test_world_json(&cast->fra_fp, "PATCH", path,
                        "{\"status\":\"completed\",\"participants\":[{\"org\":\"CHN\","
                        "\"enrolled\":12,\"completed\":11}]}",
                        200);
    d = json_array_get(json_object_get(c, "deliveries"), 0);
    assert_string_equal(test_str(d, "status"), "completed");
    assert_int_equal(int_of(d, "completed"), 11);
    json_decref(c);
    test_world_call(&cast->fra_fp, "PATCH", path, "{\"status\":\"postponed\"}", &r);
    assert_problem(&r, 400, "status");
    test_response_free(&r);

    json_t *l =
        test_world_json(&cast->rwa_fp, "GET", "/api/v1/capacity/training?org=FRA", NULL, 200);
    assert_true(test_listed(json_object_get(l, "items"), course));
    assert_true(json_is_string(json_object_get(l, "as_of")));
    json_decref(l);

    /* Duplicated support: BRA by the match, FRA by the delivery. */
    json_t *dup = test_world_json(&cast->rwa_fp, "GET", "/api/v1/capacity/duplicates", NULL, 200);
    json_t *found = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(dup, "items"), i, it)
    {
        if (strcmp(test_str(it, "kind"), "same_need") == 0 &&
            strcmp(test_str(json_object_get(it, "need"), "id"), need) == 0)
            found = it;
    }
    if (!found)
        fail_msg("the need supported twice is not among the duplicates");
    json_t *providers = json_object_get(found, "providers");
    assert_int_equal(json_array_size(providers), 2);
    int bra = 0, fra = 0;
    json_array_foreach(providers, i, it)
    {
        if (strcmp(test_str(it, "code"), "BRA") == 0) {
            bra++;
            assert_string_equal(test_str(it, "via"), "match");
            assert_int_equal(int_of(it, "quantity"), 10);
        } else if (strcmp(test_str(it, "code"), "FRA") == 0) {
            fra++;
            assert_string_equal(test_str(it, "via"), "training");
            assert_int_equal(int_of(it, "quantity"), 12);
        }
    }
    assert_int_equal(bra, 1);
    assert_int_equal(fra, 1);
    assert_int_equal(int_of(found, "total"), 22);
    assert_false(json_is_true(json_object_get(found, "over")));
    json_decref(dup);
}

/* The gap report's row with `key`, or NULL. */
static json_t *gap_row(json_t *report, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(report, "rows"), i, it)
    {
        if (strcmp(test_str(it, "key"), key) == 0)
            return it;
    }
    return NULL;
}

/* api/capacity-gaps: RWA's needs (no other test posts any) by organization, as JSON and as
 * the CSV file with its exact header line, its name and its row. */
static void api_capacity_gaps(void **state)
{
    (void)state;
    char id[64], body[1024];
    snprintf(body, sizeof body,
             "{\"category\":\"training\",\"capability\":\"field_medical\",\"title\":\"Field "
             "medical seats\",\"quantity\":8,\"priority\":\"critical\",\"starts_on\":"
             "\"2031-03-01\",\"ends_on\":\"2031-06-30\",\"tlp\":\"GREEN\"}");
    create(&cast->rwa_fp, "/api/v1/capacity/needs", body, id, sizeof id);
    make_need(&cast->rwa_fp, "Search seats, Rwandan battalion", 20, id, sizeof id);

    json_t *g = test_world_json(&cast->fra_fp, "GET", "/api/v1/capacity/gaps?by=org", NULL, 200);
    assert_string_equal(test_str(g, "by"), "org");
    json_t *row = gap_row(g, "RWA");
    if (!row)
        fail_msg("no row for RWA in the gap report");
    assert_int_equal(int_of(row, "needs"), 2);
    assert_int_equal(int_of(row, "unmet"), 2);
    assert_int_equal(int_of(row, "critical_unmet"), 1);
    assert_int_equal(int_of(row, "fully_covered"), 0);
    assert_int_equal(int_of(row, "matched"), 0);
    assert_true(json_is_null(json_object_get(row, "median_days_to_match")));
    assert_int_equal(
        int_of(json_object_get(json_object_get(row, "by_category"), "training"), "unmet"), 2);
    json_decref(g);

    /* The default grouping is the mission. */
    g = test_world_json(&cast->fra_fp, "GET", "/api/v1/capacity/gaps", NULL, 200);
    assert_string_equal(test_str(g, "by"), "mission");
    assert_non_null(gap_row(g, "MINUSCA"));
    json_decref(g);

    static const char header[] =
        "key,name,needs,unmet,covered_share,fully_covered,critical_unmet,matched,"
        "median_days_to_match,training_needs,training_unmet,lessons_learned_needs,"
        "lessons_learned_unmet,mentoring_needs,mentoring_unmet,advise_assist_needs,"
        "advise_assist_unmet,equipment_needs,equipment_unmet,infrastructure_needs,"
        "infrastructure_unmet,logistics_needs,logistics_unmet,financial_needs,financial_unmet";
    struct test_response r;
    char headers[512];
    /* By ?format=csv, and by Accept: text/csv. */
    for (int way = 0; way < 2; way++) {
        if (way == 0) {
            test_world_call(&cast->fra_fp, "GET", "/api/v1/capacity/gaps?by=org&format=csv", NULL,
                            &r);
        } else {
            snprintf(headers, sizeof headers, "%sAccept: text/csv\r\n", cast->fra_fp.headers);
            test_call(server.port, headers, "GET", "/api/v1/capacity/gaps?by=org", NULL, &r);
        }
        assert_int_equal(r.status, 200);
        assert_header(&r, "content-type", "text/csv; charset=utf-8");
        /* The file is named for the day it was read, which the reply's Date says. */
        char disp[256], date[64];
        header_of(&r, "content-disposition", disp, sizeof disp);
        header_of(&r, "date", date, sizeof date);
        if (!filename_matches_date(disp, date))
            fail_msg("Content-Disposition: %s, for a reply dated %s", disp, date);
        size_t len = strcspn(r.body, "\r\n");
        if (len != strlen(header) || strncmp(r.body, header, len) != 0)
            fail_msg("CSV header: %.*s", (int)len, r.body);
        const char *rwa = strstr(r.body, "\nRWA,");
        if (!rwa)
            fail_msg("no RWA row in the CSV: %s", r.body);
        /* key, name, needs 2, unmet 2, covered 0.000, fully 0, critical 1, matched 0, median
         * empty, training 2 and 2. */
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(rwa + 1, "\r\n"), rwa + 1);
        char *cells[40];
        int nc = test_split_csv(line, cells, 40);
        assert_int_equal(nc, 25);
        assert_string_equal(cells[2], "2");
        assert_string_equal(cells[3], "2");
        assert_string_equal(cells[4], "0.000");
        assert_string_equal(cells[6], "1");
        assert_string_equal(cells[8], "");
        assert_string_equal(cells[9], "2");
        assert_non_null(strstr(r.body, "\ntotal,"));
        test_response_free(&r);
    }
    /* Anonymous readers get the report too, over what they may see (nothing here is CLEAR). */
    g = test_world_json(NULL, "GET", "/api/v1/capacity/gaps?by=org", NULL, 200);
    assert_null(gap_row(g, "RWA"));
    json_decref(g);
}

/* api/capacity-idempotent: a need created twice with one Idempotency-Key is one need, and
 * the same reply. */
static void api_capacity_idempotent(void **state)
{
    (void)state;
    char headers[512], body[1024];
    snprintf(headers, sizeof headers, "%sIdempotency-Key: capacity-retry-1\r\n",
             cast->chn_fp.headers);
    need_body(body, sizeof body, "Retried need", 5, NULL);
    int64_t before = rows("capacity_need");
    struct test_response r1, r2;
    test_call(server.port, headers, "POST", "/api/v1/capacity/needs", body, &r1);
    test_call(server.port, headers, "POST", "/api/v1/capacity/needs", body, &r2);
    assert_int_equal(r1.status, 201);
    assert_int_equal(r2.status, 201);
    json_t *a = body_json(&r1), *b = body_json(&r2);
    assert_string_equal(test_str(a, "id"), test_str(b, "id"));
    json_decref(a);
    json_decref(b);
    test_response_free(&r1);
    test_response_free(&r2);
    assert_int_equal(rows("capacity_need"), before + 1);
}

/* api/capacity-vocabulary: GET /api/v1/vocabulary names the module's codes with labels. */
static void api_capacity_vocabulary(void **state)
{
    (void)state;
    json_t *v = test_world_json(NULL, "GET", "/api/v1/vocabulary", NULL, 200);
    json_t *cap = json_object_get(v, "capacity");
    assert_int_equal(json_object_size(json_object_get(cap, "categories")), 8);
    json_t *c = json_object_get(json_object_get(cap, "capabilities"), "counter_ied_search");
    assert_string_equal(test_str(c, "category"), "training");
    assert_string_equal(test_str(c, "unit"), "seats");
    assert_int_equal(json_object_size(json_object_get(cap, "priorities")), 4);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/capacity-need-write", api_capacity_need_write),
        BH_TEST("api/capacity-invalid", api_capacity_invalid),
        BH_TEST("api/capacity-bad-queries", api_capacity_bad_queries),
        BH_TEST("api/capacity-match-flow", api_capacity_match_flow),
        BH_TEST("api/capacity-training-duplicates", api_capacity_training_duplicates),
        BH_TEST("api/capacity-gaps", api_capacity_gaps),
        BH_TEST("api/capacity-idempotent", api_capacity_idempotent),
        BH_TEST("api/capacity-vocabulary", api_capacity_vocabulary),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/capacity", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
