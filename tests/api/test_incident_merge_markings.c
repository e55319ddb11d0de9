/* Merging incidents of different markings over HTTP (issue 9): a merge copies the duplicate's
 * sources into the target, so it is allowed only when every reader of the target may read the
 * duplicate; otherwise it is refused with 409 naming both markings and writes nothing. First
 * every ordered pair of the five markings for records of one owner (the AMBER ones in one
 * group, the RED ones naming the same endorser), then pairs of two owners, groups and
 * recipient lists. For each: the status, and whether the target (read by the admin, who sees
 * everything) holds the duplicate's source afterwards. Expectations are written by hand from
 * docs/sharing.md, "Merging records". */
#include "api_helpers.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct test_server server;
static char *store;
static struct test_session admin, bra_rep, bra_coord, bra_end, bra_fp, fra_rep, fra_end;
static long long g1, g2; /* BRA's groups: {BRA, FRA} and {BRA} */

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long make_group(const char *name, const char *members)
{
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"members\":%s}", name, members);
    struct test_response r;
    test_call(server.port, bra_coord.headers, "POST", "/api/v1/groups", body, &r);
    if (r.status != 201)
        fail_msg("group %s: expected 201, got %d: %s", name, r.status, r.body);
    json_t *j = body_json(&r);
    long long id = (long long)json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    test_response_free(&r);
    return id;
}

static const char *const orgs[] = { "DPO", "BRA", "FRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", "MINUSMA", &admin, NULL, NULL },
    { "bra.rep", "BRA", "reporter", NULL, &bra_rep, NULL, NULL },
    { "bra.coord", "BRA", "coordinator", NULL, &bra_coord, NULL, NULL },
    { "bra.end", "BRA", "endorser", "MINUSMA", &bra_end, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &fra_rep, NULL, NULL },
    { "fra.end", "FRA", "endorser", "MINUSMA", &fra_end, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_incident_merge_markings", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, NULL);
    g1 = make_group("Brazil and France", "[\"FRA\"]");
    g2 = make_group("Brazil alone", "[]");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

enum mark { CLEAR, GREEN, AMBER, STRICT, RED, NMARKS };
static const char *const labels[NMARKS] = { "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                            "TLP:AMBER+STRICT", "TLP:RED" };

/* Creates and submits a report as `u` marked `m` (AMBER for `group`, RED naming the usernames
 * in `recipients`, a JSON array text) with the one source `source`. Returns its id (static). */
static const char *report(const struct test_session *u, enum mark m, long long group,
                          const char *recipients, const char *source)
{
    static int seq;
    static char id[40];
    char extra[256] = "";
    if (m == AMBER)
        snprintf(extra, sizeof extra, ",\"sharing_group\":%lld", group);
    else if (m == RED)
        snprintf(extra, sizeof extra, ",\"recipients\":%s", recipients);
    char body[1024];
    seq++;
    snprintf(body, sizeof body,
             "{\"mission\":\"MINUSMA\",\"occurred_at\":\"2024-04-%02dT06:00:00Z\","
             "\"latitude\":16.2,\"longitude\":-0.04,\"threat_type\":\"ambush\","
             "\"target\":\"patrol\",\"activity\":\"patrolling\",\"sources\":[\"%s\"],"
             "\"tlp\":\"%s\",\"submit\":true%s}",
             1 + seq % 28, source, labels[m], extra);
    struct test_response r;
    test_call(server.port, u->headers, "POST", "/api/v1/incidents", body, &r);
    if (r.status != 201)
        fail_msg("create %s: expected 201, got %d: %s", labels[m], r.status, r.body);
    json_t *j = body_json(&r);
    snprintf(id, sizeof id, "%s", str(j, "id"));
    json_decref(j);
    test_response_free(&r);
    return id;
}

/* The record as the admin reads it (caller decrefs). */
static json_t *read_back(const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/incidents/%s", id);
    return test_get_json(server.port, admin.headers, path, 200);
}

static bool has_source(const json_t *rec, const char *source)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(rec, "sources"), i, s)
    {
        if (strcmp(json_string_value(s), source) == 0)
            return true;
    }
    return false;
}

/* Merges `dup` into `target` as `u`. Returns a "200 copied" / "409 kept" style text: the
 * status and whether the target holds `source` afterwards. A 409 must be a problem naming
 * "into" and both markings, and leave the duplicate submitted; a 200 must leave it merged. */
static const char *merge(const struct test_session *u, const char *dup, const char *target,
                         const char *source, enum mark dm, enum mark tm)
{
    static char out[64];
    char path[128], body[128];
    snprintf(path, sizeof path, "/api/v1/incidents/%s/merge", dup);
    snprintf(body, sizeof body, "{\"into\":\"%s\"}", target);
    struct test_response r;
    test_call(server.port, u->headers, "POST", path, body, &r);
    int status = r.status;
    if (status == 409) {
        assert_problem(&r, 409, "into");
        char want[128];
        snprintf(want, sizeof want, "this report is %s and incident %s is %s", labels[dm], target,
                 labels[tm]);
        assert_contains(r.body, want);
    } else if (status != 200) {
        fail_msg("merge %s into %s: expected 200 or 409, got %d: %s", labels[dm], labels[tm],
                 status, r.body);
    }
    test_response_free(&r);
    json_t *d = read_back(dup);
    assert_string_equal(str(d, "status"), status == 200 ? "merged" : "submitted");
    json_decref(d);
    json_t *t = read_back(target);
    snprintf(out, sizeof out, "%d %s", status, has_source(t, source) ? "copied" : "kept");
    json_decref(t);
    return out;
}

/* merge/markings-5x5: every ordered pair, one owner (BRA), AMBER in group {BRA, FRA}, RED
 * naming BRA's endorser (and so its reporter); BRA's endorser merges. Rows: the duplicate's
 * marking; columns: the target's. A merge is allowed exactly when the target is read by no
 * one the duplicate is not. */
static void merge_markings_5x5(void **state)
{
    (void)state;
    static const char *const want[NMARKS][NMARKS] = {
        /*            CLEAR         GREEN         AMBER         STRICT        RED */
        [CLEAR] = { "200 copied", "200 copied", "200 copied", "200 copied", "200 copied" },
        [GREEN] = { "409 kept", "200 copied", "200 copied", "200 copied", "200 copied" },
        [AMBER] = { "409 kept", "409 kept", "200 copied", "200 copied", "200 copied" },
        [STRICT] = { "409 kept", "409 kept", "409 kept", "200 copied", "200 copied" },
        [RED] = { "409 kept", "409 kept", "409 kept", "409 kept", "200 copied" },
    };
    int bad = 0;
    for (int d = 0; d < NMARKS; d++) {
        for (int t = 0; t < NMARKS; t++) {
            char dup[40], target[40], source[64];
            snprintf(source, sizeof source, "DUP %s into %s", labels[d], labels[t]);
            snprintf(dup, sizeof dup, "%s",
                     report(&bra_rep, (enum mark)d, g1, "[\"bra.end\"]", source));
            snprintf(target, sizeof target, "%s",
                     report(&bra_rep, (enum mark)t, g1, "[\"bra.end\"]", "the target's own"));
            const char *got = merge(&bra_end, dup, target, source, (enum mark)d, (enum mark)t);
            if (strcmp(got, want[d][t]) != 0) {
                fprintf(stderr, "  duplicate %-17s target %-17s expected %-10s got %s\n", labels[d],
                        labels[t], want[d][t], got);
                bad++;
            }
        }
    }
    if (bad)
        fail_msg("%d of 25 marking pairs merged wrongly", bad);
}

/* merge/audiences: pairs whose markings alone do not decide: owners, groups and recipient
 * lists, each merged by an endorser who sees both records. */
static void merge_audiences(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        struct test_session *dup_by;
        enum mark dm;
        long long *dg;
        const char *dr;
        struct test_session *target_by;
        enum mark tm;
        long long *tg;
        const char *tr;
        struct test_session *merger;
        const char *want;
    } cases[] = {
        { "RED into RED naming one more reader", &bra_rep, RED, NULL, "[\"bra.end\"]", &bra_rep,
          RED, NULL, "[\"bra.end\",\"bra.fp\"]", &bra_end, "409 kept" },
        { "RED into RED naming fewer readers", &bra_rep, RED, NULL, "[\"bra.end\",\"bra.fp\"]",
          &bra_rep, RED, NULL, "[\"bra.end\"]", &bra_end, "200 copied" },
        { "AMBER into AMBER of another group", &bra_rep, AMBER, &g1, NULL, &bra_rep, AMBER, &g2,
          NULL, &bra_end, "409 kept" },
        { "AMBER into AMBER of the group by another owner", &bra_rep, AMBER, &g1, NULL, &fra_rep,
          AMBER, &g1, NULL, &fra_end, "409 kept" },
        { "AMBER into AMBER+STRICT of a member of the group", &bra_rep, AMBER, &g1, NULL, &fra_rep,
          STRICT, NULL, NULL, &fra_end, "200 copied" },
        { "AMBER into RED naming members of the group", &bra_rep, AMBER, &g1, NULL, &fra_rep, RED,
          NULL, "[\"fra.end\"]", &fra_end, "200 copied" },
        { "AMBER+STRICT into AMBER+STRICT of another owner", &bra_rep, STRICT, NULL, NULL, &fra_rep,
          STRICT, NULL, NULL, &admin, "409 kept" },
        { "AMBER+STRICT into RED naming another member's user", &bra_rep, STRICT, NULL, NULL,
          &fra_rep, RED, NULL, "[\"bra.end\"]", &bra_end, "409 kept" },
        { "GREEN into AMBER of another owner", &bra_rep, GREEN, NULL, NULL, &fra_rep, AMBER, &g1,
          NULL, &fra_end, "200 copied" },
        /* The case: FRA's endorser, named in Brazil's RED report, merges it into
         * France's GREEN one. */
        { "RED into another owner's GREEN", &bra_rep, RED, NULL, "[\"fra.end\"]", &fra_rep, GREEN,
          NULL, NULL, &fra_end, "409 kept" },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dup[40], target[40], source[96];
        snprintf(source, sizeof source, "DUP source of case %zu", i);
        snprintf(dup, sizeof dup, "%s",
                 report(cases[i].dup_by, cases[i].dm, cases[i].dg ? *cases[i].dg : 0, cases[i].dr,
                        source));
        snprintf(target, sizeof target, "%s",
                 report(cases[i].target_by, cases[i].tm, cases[i].tg ? *cases[i].tg : 0,
                        cases[i].tr, "the target's own"));
        const char *got = merge(cases[i].merger, dup, target, source, cases[i].dm, cases[i].tm);
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "  %-52s expected %-10s got %s\n", cases[i].what, cases[i].want, got);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d merges decided wrongly", bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("merge/markings-5x5", merge_markings_5x5),
        BH_TEST("merge/audiences", merge_audiences),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
