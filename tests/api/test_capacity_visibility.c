/* Who sees what of capacity building over HTTP (docs/capacity.md, docs/sharing.md): CHN's
 * needs and offers marked CLEAR, GREEN and AMBER (a group with BRA and FRA), an AMBER and a
 * GREEN course (the GREEN one's delivery served the AMBER need), BRA's and FRA's GREEN offers
 * matched to the AMBER need; against an anonymous reader, CHN's focal point (the owner), BRA's
 * (the group), RWA's (another organization), an analyst and an auditor of RWA, and the admin,
 * on every read path: the lists (items and total), the gets, candidates, the proposal
 * (assignments, unmet and counts), matches, duplicates, training, the gap report as JSON and
 * CSV, and notifications. Each expectation is written by hand; a record a reader may not see
 * is a 404 (never 403) and its id appears nowhere in what they read. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Capacity matrix passphrase 2031"

static struct test_server server;
static struct test_coordination_cast *const cast = &test_coordination;
static struct test_session rwa_analyst, rwa_auditor, bra_auditor;

static const struct test_user users[] = {
    { "rwa.analyst", "RWA", "analyst", NULL, &rwa_analyst, NULL, NULL },
    { "rwa.auditor", "RWA", "auditor", NULL, &rwa_auditor, NULL, NULL },
    /* Not a row of the matrix: an auditor whose organization reads the AMBER need (the
     * group), for the audit log's entries about the matches. */
    { "bra.auditor", "BRA", "auditor", NULL, &bra_auditor, NULL, NULL },
};

static const struct test_world world = { .name = "api_capacity_visibility",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world,
                                         TEST_USERS(users) };

enum reader { R_ANON, R_OWNER, R_GROUP, R_OTHER, R_ANALYST, R_AUDITOR, R_ADMIN, R_COUNT };
static const char *const reader_names[] = {
    "anonymous",     "owner (CHN fp)", "group (BRA fp)", "other (RWA fp)",
    "analyst (RWA)", "auditor (RWA)",  "admin",
};

static const struct test_session *reader_session(enum reader r)
{
    const struct test_session *s[] = { NULL,         &cast->chn_fp, &cast->bra_fp, &cast->rwa_fp,
                                       &rwa_analyst, &rwa_auditor,  &cast->admin };
    return s[r];
}

/* Who sees a record of each marking: CLEAR is everyone's, GREEN every record reader's (not the
 * auditor's, who reads only the log), AMBER its group's (and its owner's, and the admin). */
/* clang-format off */
static const int see_clear[R_COUNT] = { 1, 1, 1, 1, 1, 1, 1 };
static const int see_green[R_COUNT] = { 0, 1, 1, 1, 1, 0, 1 };
static const int see_amber[R_COUNT] = { 0, 1, 1, 0, 0, 0, 1 };
/* clang-format on */

struct probe {
    const char *name;
    const int *see;
    char id[64];
};

static void create(const struct test_session *u, const char *path, const char *body, char *id)
{
    json_t *o = test_world_json(u, "POST", path, body, 201);
    snprintf(id, 64, "%s", test_str(o, "id"));
    json_decref(o);
}

static void make_need(struct probe *p, const char *marking, int quantity)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"Matrix "
             "need %s\",\"quantity\":%d,\"priority\":\"high\",\"starts_on\":\"2031-03-01\","
             "\"ends_on\":\"2031-06-30\",\"languages\":[\"fr\"],\"mission\":\"MINUSCA\",%s}",
             p->name, quantity, marking);
    create(&cast->chn_fp, "/api/v1/capacity/needs", body, p->id);
}

static void make_offer(const struct test_session *u, struct probe *p, const char *marking)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"category\":\"training\",\"capability\":\"counter_ied_search\",\"title\":\"Matrix "
             "offer %s\",\"capacity\":100,\"starts_on\":\"2031-02-01\",\"ends_on\":\"2031-12-31\","
             "\"languages\":[\"fr\",\"en\"],%s}",
             p->name, marking);
    create(u, "/api/v1/capacity/offers", body, p->id);
}

static int wrong;

#define CHECK(what, rd, name, got, want)                                                        \
    do {                                                                                        \
        if ((long long)(got) != (long long)(want)) {                                            \
            printf("WRONG %-22s %-16s %-14s expected %lld, got %lld\n", what, reader_names[rd], \
                   name, (long long)(want), (long long)(got));                                  \
            wrong++;                                                                            \
        }                                                                                       \
    } while (0)

/* GET `path` as reader `rd`: its status, and the body when 200 (NULL otherwise). */
static json_t *read_as(enum reader rd, const char *path, int *status, char **raw)
{
    struct test_response r;
    test_world_call(reader_session(rd), "GET", path, NULL, &r);
    *status = r.status;
    json_t *o = NULL;
    if (r.status == 200 && r.body && r.body[0] == '{')
        o = body_json(&r);
    if (raw)
        *raw = r.body ? strdup(r.body) : strdup("");
    test_response_free(&r);
    return o;
}

/* Whether `id` appears anywhere in `raw`: a hidden record must never be named. */
static bool named(const char *raw, const char *id)
{
    return raw && strstr(raw, id) != NULL;
}

/* Whether the proposal's assignments or unmet list name need `id`. */
static bool proposed(const json_t *p, const char *list, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(p, list), i, it)
    {
        const char *nid = test_str(json_object_get(it, "need"), "id");
        if (nid && strcmp(nid, id) == 0)
            return true;
    }
    return false;
}

static const json_t *gap_row(const json_t *g, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(g, "rows"), i, it)
    {
        if (strcmp(test_str(it, "key"), key) == 0)
            return it;
    }
    return NULL;
}

static int matched_notes(enum reader rd)
{
    json_t *l =
        test_world_json(reader_session(rd), "GET", "/api/v1/notifications?limit=100", NULL, 200);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(l, "items"), i, it)
    {
        n += strcmp(test_str(it, "kind"), "capacity.matched") == 0;
    }
    json_decref(l);
    return n;
}

/* api/capacity-visibility-matrix: every marking, every reader, every read path. */
static void api_capacity_visibility_matrix(void **state)
{
    (void)state;
    char amber[96], path[512], body[1024];
    snprintf(amber, sizeof amber, "\"tlp\":\"AMBER\",\"sharing_group\":%lld",
             test_world_group(&cast->chn_coord, "Capacity matrix with Brazil and France",
                              "[\"BRA\",\"FRA\"]"));
    struct probe needs[] = { { "CLEAR", see_clear, "" },
                             { "GREEN", see_green, "" },
                             { "AMBER", see_amber, "" } };
    struct probe offers[] = { { "CLEAR", see_clear, "" },
                              { "GREEN", see_green, "" },
                              { "AMBER", see_amber, "" } };
    const char *markings[] = { "\"tlp\":\"CLEAR\"", "\"tlp\":\"GREEN\"", amber };
    for (int i = 0; i < 3; i++) {
        make_need(&needs[i], markings[i], 40);
        make_offer(&cast->chn_fp, &offers[i], markings[i]);
    }
    struct probe *need_amber = &needs[2];
    struct probe bra_offer = { "BRA", see_green, "" }, fra_offer = { "FRA", see_green, "" };
    make_offer(&cast->bra_fp, &bra_offer, "\"tlp\":\"GREEN\"");
    make_offer(&cast->fra_fp, &fra_offer, "\"tlp\":\"GREEN\"");

    /* The AMBER need met twice: by BRA's offer and by FRA's, confirmed by the secretariat. */
    struct probe matches[2] = { { "AMBER x BRA", see_amber, "" },
                                { "AMBER x FRA", see_amber, "" } };
    snprintf(body, sizeof body, "{\"need\":\"%s\",\"offer\":\"%s\",\"quantity\":10}",
             need_amber->id, bra_offer.id);
    create(&cast->admin, "/api/v1/capacity/matches", body, matches[0].id);
    snprintf(body, sizeof body, "{\"need\":\"%s\",\"offer\":\"%s\",\"quantity\":10}",
             need_amber->id, fra_offer.id);
    create(&cast->admin, "/api/v1/capacity/matches", body, matches[1].id);

    /* Courses: AMBER, and GREEN with a delivery that served the AMBER need. */
    struct probe courses[] = { { "course AMBER", see_amber, "" },
                               { "course GREEN", see_green, "" } };
    snprintf(body, sizeof body,
             "{\"capability\":\"counter_ied_search\",\"title\":\"Matrix course AMBER\",%s}", amber);
    create(&cast->chn_fp, "/api/v1/capacity/training", body, courses[0].id);
    create(&cast->chn_fp, "/api/v1/capacity/training",
           "{\"capability\":\"counter_ied_search\",\"title\":\"Matrix course GREEN\","
           "\"tlp\":\"GREEN\"}",
           courses[1].id);
    snprintf(path, sizeof path, "/api/v1/capacity/training/%s/deliveries", courses[1].id);
    snprintf(body, sizeof body,
             "{\"status\":\"completed\",\"starts_on\":\"2031-04-01\",\"ends_on\":\"2031-04-10\","
             "\"participants\":[{\"org\":\"BRA\",\"enrolled\":5,\"completed\":5}],"
             "\"needs\":[{\"id\":\"%s\",\"seats\":5}]}",
             need_amber->id);
    json_decref(test_world_json(&cast->chn_fp, "POST", path, body, 201));

    for (int rd = 0; rd < R_COUNT; rd++) {
        int st;
        char *raw;
        /* Needs: the list (items and total), each get and its candidates. */
        json_t *l = read_as(rd, "/api/v1/capacity/needs?org=CHN&limit=500", &st, &raw);
        CHECK("needs list status", rd, "-", st, 200);
        int64_t want_total = 0;
        for (int i = 0; i < 3; i++) {
            int want = needs[i].see[rd];
            want_total += want;
            CHECK("needs list", rd, needs[i].name,
                  test_listed(json_object_get(l, "items"), needs[i].id), want);
            CHECK("needs list named", rd, needs[i].name, named(raw, needs[i].id), want);
            snprintf(path, sizeof path, "/api/v1/capacity/needs/%s", needs[i].id);
            json_t *o = read_as(rd, path, &st, NULL);
            CHECK("need get", rd, needs[i].name, st, want ? 200 : 404);
            json_decref(o);
            snprintf(path, sizeof path, "/api/v1/capacity/needs/%s/candidates", needs[i].id);
            o = read_as(rd, path, &st, NULL);
            CHECK("candidates", rd, needs[i].name, st, want ? 200 : 404);
            if (o && i < 2) {
                /* BRA's GREEN offer is a candidate of CHN's open needs for whoever sees it. */
                bool found = false;
                size_t k;
                json_t *it;
                json_array_foreach(json_object_get(o, "items"), k, it)
                {
                    const char *oid = test_str(json_object_get(it, "offer"), "id");
                    found |= oid && strcmp(oid, bra_offer.id) == 0;
                }
                CHECK("candidate BRA offer", rd, needs[i].name, found, see_green[rd]);
            }
            json_decref(o);
        }
        CHECK("needs total", rd, "-", json_integer_value(json_object_get(l, "total")), want_total);
        json_decref(l);
        free(raw);

        /* Offers. */
        l = read_as(rd, "/api/v1/capacity/offers?limit=500", &st, &raw);
        CHECK("offers list status", rd, "-", st, 200);
        int64_t want_offers = 0;
        struct probe *all_offers[] = { &offers[0], &offers[1], &offers[2], &bra_offer, &fra_offer };
        for (int i = 0; i < 5; i++) {
            int want = all_offers[i]->see[rd];
            want_offers += want;
            CHECK("offers list", rd, all_offers[i]->name,
                  test_listed(json_object_get(l, "items"), all_offers[i]->id), want);
            CHECK("offers list named", rd, all_offers[i]->name, named(raw, all_offers[i]->id),
                  want);
            snprintf(path, sizeof path, "/api/v1/capacity/offers/%s", all_offers[i]->id);
            json_t *o = read_as(rd, path, &st, NULL);
            CHECK("offer get", rd, all_offers[i]->name, st, want ? 200 : 404);
            json_decref(o);
        }
        CHECK("offers total", rd, "-", json_integer_value(json_object_get(l, "total")),
              want_offers);
        json_decref(l);
        free(raw);

        /* Matches: read by whoever reads both sides. */
        l = read_as(rd, "/api/v1/capacity/matches?limit=500", &st, &raw);
        CHECK("matches list status", rd, "-", st, 200);
        for (int i = 0; i < 2; i++) {
            int want = matches[i].see[rd];
            CHECK("matches list", rd, matches[i].name,
                  test_listed(json_object_get(l, "items"), matches[i].id), want);
            snprintf(path, sizeof path, "/api/v1/capacity/matches/%s", matches[i].id);
            json_t *o = read_as(rd, path, &st, NULL);
            CHECK("match get", rd, matches[i].name, st, want ? 200 : 404);
            json_decref(o);
        }
        CHECK("matches total", rd, "-", json_integer_value(json_object_get(l, "total")),
              2 * see_amber[rd]);
        CHECK("matches named", rd, "AMBER need", named(raw, need_amber->id), see_amber[rd]);
        json_decref(l);
        free(raw);

        /* The proposal: record.read; its needs are the open ones the reader sees. */
        json_t *p =
            read_as(rd, "/api/v1/capacity/proposal?capability=counter_ied_search", &st, &raw);
        int want_status = rd == R_ANON ? 401 : rd == R_AUDITOR ? 403 : 200;
        CHECK("proposal status", rd, "-", st, want_status);
        if (p) {
            int64_t visible = 0;
            for (int i = 0; i < 3; i++) {
                visible += needs[i].see[rd];
                CHECK("proposal lists need", rd, needs[i].name,
                      proposed(p, "assignments", needs[i].id) || proposed(p, "unmet", needs[i].id),
                      needs[i].see[rd]);
                CHECK("proposal named", rd, needs[i].name, named(raw, needs[i].id),
                      needs[i].see[rd]);
            }
            CHECK("proposal needs", rd, "-", json_integer_value(json_object_get(p, "needs")),
                  visible);
            /* Offers with something left: CHN's the reader sees, BRA's and FRA's. */
            CHECK("proposal offers", rd, "-", json_integer_value(json_object_get(p, "offers")),
                  see_clear[rd] + see_green[rd] + see_amber[rd] + 2);
        }
        json_decref(p);
        free(raw);

        /* Duplicates: the AMBER need is supported twice; only its readers hear of it. */
        json_t *d = read_as(rd, "/api/v1/capacity/duplicates", &st, &raw);
        CHECK("duplicates status", rd, "-", st, want_status);
        if (d)
            CHECK("duplicates named", rd, "AMBER need", named(raw, need_amber->id), see_amber[rd]);
        json_decref(d);
        free(raw);

        /* Training: the list, each get, and the hidden need of the GREEN course's delivery. */
        l = read_as(rd, "/api/v1/capacity/training?org=CHN&limit=500", &st, &raw);
        CHECK("training list status", rd, "-", st, 200);
        for (int i = 0; i < 2; i++) {
            int want = courses[i].see[rd];
            CHECK("training list", rd, courses[i].name,
                  test_listed(json_object_get(l, "items"), courses[i].id), want);
            snprintf(path, sizeof path, "/api/v1/capacity/training/%s", courses[i].id);
            char *one;
            json_t *o = read_as(rd, path, &st, &one);
            CHECK("training get", rd, courses[i].name, st, want ? 200 : 404);
            if (o && i == 1) {
                json_t *n = json_array_get(
                    json_object_get(json_array_get(json_object_get(o, "deliveries"), 0), "needs"),
                    0);
                CHECK("delivery need hidden", rd, "course GREEN",
                      json_is_true(json_object_get(n, "hidden")), !see_amber[rd]);
                CHECK("delivery need named", rd, "course GREEN", named(one, need_amber->id),
                      see_amber[rd]);
                CHECK("delivery need seats", rd, "course GREEN",
                      json_integer_value(json_object_get(n, "seats")), 5);
            }
            json_decref(o);
            free(one);
        }
        CHECK("training total", rd, "-", json_integer_value(json_object_get(l, "total")),
              see_amber[rd] + see_green[rd]);
        CHECK("training named", rd, "AMBER need", named(raw, need_amber->id), see_amber[rd]);
        json_decref(l);
        free(raw);

        /* The gap report by organization: CHN's row counts the needs the reader sees, and the
         * AMBER need's matches only for its readers. */
        json_t *g = read_as(rd, "/api/v1/capacity/gaps?by=org", &st, NULL);
        CHECK("gaps status", rd, "-", st, 200);
        const json_t *row = g ? gap_row(g, "CHN") : NULL;
        int64_t want_needs = see_clear[rd] + see_green[rd] + see_amber[rd];
        CHECK("gaps CHN needs", rd, "-",
              row ? json_integer_value(json_object_get(row, "needs")) : 0, want_needs);
        CHECK("gaps CHN matched", rd, "-",
              row ? json_integer_value(json_object_get(row, "matched")) : 0, see_amber[rd]);
        CHECK("gaps total needs", rd, "-",
              json_integer_value(json_object_get(json_object_get(g, "totals"), "needs")),
              want_needs);
        json_decref(g);
        json_t *csv = read_as(rd, "/api/v1/capacity/gaps?by=org&format=csv", &st, &raw);
        CHECK("gaps csv status", rd, "-", st, 200);
        json_decref(csv);
        char want_row[64];
        snprintf(want_row, sizeof want_row, "\nCHN,");
        const char *chn = strstr(raw, want_row);
        if (chn) {
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)strcspn(chn + 1, "\r\n"), chn + 1);
            char *cells[40];
            int nc = test_split_csv(line, cells, 40);
            CHECK("gaps csv CHN needs", rd, "-", nc > 2 ? atoi(cells[2]) : -1, want_needs);
            CHECK("gaps csv CHN matched", rd, "-", nc > 7 ? atoi(cells[7]) : -1, see_amber[rd]);
        } else {
            CHECK("gaps csv CHN row", rd, "-", 0, 1);
        }
        free(raw);

        /* Notifications: the parties of the two matches, each about its own record. */
        if (rd != R_ANON) {
            static const int told[R_COUNT] = { 0, 2, 1, 0, 0, 0, 0 };
            CHECK("capacity.matched", rd, "-", matched_notes((enum reader)rd), told[rd]);
        }
    }
    assert_int_equal(test_world_status(NULL, "GET", "/api/v1/notifications", NULL), 401);

    /* The audit log: the two match.confirm entries name the AMBER need and its offers, so
     * they follow the matches' rule (both sides read). RWA's auditor reads neither, nor the
     * AMBER need's need.create; BRA's (the group's) reads both; the admin every one. */
    struct {
        const struct test_session *as;
        const char *name;
        int matches, amber_named;
    } audit[] = { { &rwa_auditor, "auditor (RWA)", 0, 0 },
                  { &bra_auditor, "auditor (BRA)", 2, 1 },
                  { &cast->admin, "admin", 2, 1 } };
    for (size_t a = 0; a < sizeof audit / sizeof audit[0]; a++) {
        struct test_response r;
        test_world_call(audit[a].as, "GET", "/api/v1/audit?action=match.confirm&limit=100", NULL,
                        &r);
        assert_int_equal(r.status, 200);
        json_t *page = body_json(&r);
        if ((int)json_array_size(json_object_get(page, "items")) != audit[a].matches) {
            printf("WRONG audit match.confirm %s: expected %d, got %zu\n", audit[a].name,
                   audit[a].matches, json_array_size(json_object_get(page, "items")));
            wrong++;
        }
        if ((int)named(r.body, need_amber->id) != audit[a].amber_named) {
            printf("WRONG audit match.confirm %s names the AMBER need: %d\n", audit[a].name,
                   (int)named(r.body, need_amber->id));
            wrong++;
        }
        json_decref(page);
        test_response_free(&r);
        test_world_call(audit[a].as, "GET", "/api/v1/audit?action=need.create&limit=100", NULL, &r);
        if ((int)named(r.body, need_amber->id) != audit[a].amber_named) {
            printf("WRONG audit need.create %s names the AMBER need\n", audit[a].name);
            wrong++;
        }
        test_response_free(&r);
    }
    if (wrong)
        fail_msg("%d wrong cells in the capacity visibility matrix (printed above)", wrong);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/capacity-visibility-matrix", api_capacity_visibility_matrix),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/capacity_visibility", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
