/* Who sees which library document over HTTP (docs/library.md, docs/sharing.md): documents of
 * CHN marked CLEAR, GREEN, AMBER (a group with BRA), AMBER+STRICT and RED (naming FRA's focal
 * point), all published, and a GREEN draft, against CHN's focal point, BRA's (the AMBER
 * group), RWA's (another organization), FRA's (the RED reader), an anonymous reader and the
 * admin, on every read path: the get, the search list, the search with words (items, total
 * and facet counts), related documents, the versions, one version, the diff, the comments,
 * an attachment and the export. Each cell's expectation is written by hand. Then the
 * widening case: a RED document made GREEN keeps its RED version and RED-time comment from a
 * GREEN reader; and an admin's read of a RED document is audited. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Library matrix passphrase 2031"

static struct test_server server;
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_library_visibility",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

/* The word every matrix document holds, and no other. */
#define WORD "quokkamatrix"

enum reader { R_OWNER, R_GROUP, R_OTHER, R_RED, R_ANON, R_ADMIN, R_COUNT };
static const char *const reader_names[] = {
    "owner org (CHN fp)", "AMBER group (BRA fp)",
    "other org (RWA fp)", "RED reader (FRA fp)",
    "anonymous",          "admin",
};

static const struct test_session *reader_session(enum reader r)
{
    const struct test_session *s[] = { &cast->chn_fp, &cast->bra_fp, &cast->rwa_fp,
                                       &cast->fra_fp, NULL,          &cast->admin };
    return s[r];
}

struct probe {
    const char *name, *marking;
    bool publish;
    int year;              /* occurred_on's: one per document, so the year facet counts each */
    int see[R_COUNT];      /* the get and every path under the document */
    int related[R_COUNT];  /* related lists published documents only */
    int draft_v1[R_COUNT]; /* version 1, written as a draft: its organization's only */
    char id[64], attachment[64];
    int64_t v1, v2;
};

/* A PNG's signature and IHDR, with some zero bytes after. */
static void png_upload(const struct test_session *u, const char *id, struct test_response *r,
                       char *aid, size_t cap)
{
    static const unsigned char png[64] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                           0,    0,   0,   13,  'I',  'H',  'D',  'R' };
    char path[256];
    snprintf(path, sizeof path, "/api/v1/library/%s/attachments?filename=map.png", id);
    test_http(server.port, "POST", path, u->headers, (const char *)png, sizeof png, r);
    if (r->status != 201)
        fail_msg("attachment of %s: %d %s", id, r->status, r->body);
    json_t *a = body_json(r);
    snprintf(aid, cap, "%s", test_str(a, "id"));
    json_decref(a);
    test_response_free(r);
}

/* Creates a document of CHN (chn.coord) and attaches a file; unless it stays a draft, submits
 * it and has the admin publish it (an admin publishes without another organization's
 * approval; the RED and AMBER+STRICT ones have no other organization that could see them to
 * approve). Then changes it twice and comments on it: the versions p->v1 < p->v2 and the
 * comment are written under its marking and its status then (published, or draft), while
 * version 1, written as a draft, stays its organization's working copy. */
static void make_probe(struct probe *p, const char *anchor_tags)
{
    char body[1024], path[256];
    snprintf(body, sizeof body,
             "{\"kind\":\"lesson\",\"title\":\"Matrix %s\",\"summary\":\"" WORD
             " summary\",\"body\":\"The " WORD " body.\",\"occurred_on\":\"%d-05-01\","
             "\"tags\":%s,%s}",
             p->name, p->year, anchor_tags, p->marking);
    json_t *d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library", body, 201);
    snprintf(p->id, sizeof p->id, "%s", test_str(d, "id"));
    json_decref(d);
    struct test_response r;
    png_upload(&cast->chn_coord, p->id, &r, p->attachment, sizeof p->attachment);
    if (p->publish) {
        snprintf(path, sizeof path, "/api/v1/library/%s/submit", p->id);
        json_decref(test_world_json(&cast->chn_coord, "POST", path, NULL, 200));
        snprintf(path, sizeof path, "/api/v1/library/%s/publish", p->id);
        d = test_world_json(&cast->admin, "POST", path, NULL, 200);
        assert_string_equal(test_str(d, "status"), "published");
        json_decref(d);
    }
    snprintf(path, sizeof path, "/api/v1/library/%s", p->id);
    d = test_world_json(&cast->chn_coord, "PATCH", path,
                        "{\"summary\":\"" WORD " summary, revised\",\"note\":\"revised\"}", 200);
    p->v1 = json_integer_value(json_object_get(d, "version"));
    json_decref(d);
    d = test_world_json(&cast->chn_coord, "PATCH", path,
                        "{\"summary\":\"" WORD " summary, final\",\"note\":\"final\"}", 200);
    p->v2 = json_integer_value(json_object_get(d, "version"));
    json_decref(d);
    assert_true(p->v1 > 1 && p->v2 == p->v1 + 1);
    snprintf(path, sizeof path, "/api/v1/library/%s/comments", p->id);
    json_decref(test_world_json(&cast->chn_coord, "POST", path,
                                "{\"body\":\"Owner's note on the matrix\"}", 201));
}

/* The year facet's count for `year` (0 when the year is not listed). */
static int64_t facet_count(const json_t *reply, const char *facet, int year)
{
    const json_t *f = json_object_get(json_object_get(reply, "facets"), facet);
    size_t i;
    json_t *it;
    json_array_foreach(f, i, it)
    {
        const json_t *v = json_object_get(it, "value");
        char s[16];
        snprintf(s, sizeof s, "%d", year);
        if ((json_is_integer(v) && json_integer_value(v) == year) ||
            (json_is_string(v) && strcmp(json_string_value(v), s) == 0))
            return json_integer_value(json_object_get(it, "count"));
    }
    return 0;
}

static bool exported(const char *body, const char *id)
{
    json_error_t jerr;
    json_t *a = json_loads(body, 0, &jerr);
    bool found = test_listed(a, id);
    json_decref(a);
    return found;
}

/* api/library-visibility-matrix: every marking, every reader, every read path. */
static void api_library_visibility_matrix(void **state)
{
    (void)state;
    char amber[96];
    snprintf(amber, sizeof amber, "\"tlp\":\"AMBER\",\"sharing_group\":%lld",
             test_world_group(&cast->chn_coord, "Library matrix with Brazil", "[\"BRA\"]"));
    /* Columns: owner org, AMBER group, other org, RED reader, anonymous, admin. RED names
     * FRA's focal point and its writer (who must see it to submit it), not CHN's focal point.
     * A draft is its organization's whatever its marking, and never related. Version 1 is
     * written while each is a draft. */
    /* clang-format off */
    struct probe probes[] = {
        /* name, marking, published, year, see, related, draft version 1 */
        { "CLEAR", "\"tlp\":\"CLEAR\"", true, 2001,
          { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 1 }, { 1, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
        { "GREEN", "\"tlp\":\"GREEN\"", true, 2002,
          { 1, 1, 1, 1, 0, 1 }, { 1, 1, 1, 1, 0, 1 }, { 1, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
        { "AMBER", amber, true, 2003,
          { 1, 1, 0, 0, 0, 1 }, { 1, 1, 0, 0, 0, 1 }, { 1, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
        { "AMBER+STRICT", "\"tlp\":\"AMBER+STRICT\"", true, 2004,
          { 1, 0, 0, 0, 0, 1 }, { 1, 0, 0, 0, 0, 1 }, { 1, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
        { "RED", "\"tlp\":\"RED\",\"recipients\":[\"fra.fp\",\"chn.coord\"]", true, 2005,
          { 0, 0, 0, 1, 0, 1 }, { 0, 0, 0, 1, 0, 1 }, { 0, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
        { "draft", "\"tlp\":\"GREEN\"", false, 2006,
          { 1, 0, 0, 0, 0, 1 }, { 0, 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 1 }, "", "", 0, 0 },
    };
    /* clang-format on */
    const size_t np = sizeof probes / sizeof probes[0];
    static const char tags[] = "{\"keyword\":[\"matrixkw\"]}";
    /* The anchor of "related": a CLEAR published document with the same keyword. */
    struct probe anchor = {
        "anchor", "\"tlp\":\"CLEAR\"", true, 1999, { 0 }, { 0 }, { 0 }, "", "", 0, 0
    };
    make_probe(&anchor, tags);
    for (size_t i = 0; i < np; i++)
        make_probe(&probes[i], tags);

    int wrong = 0;
    char path[512];
#define CHECK(what, got, want)                                                              \
    do {                                                                                    \
        if ((got) != (want)) {                                                              \
            printf("WRONG %-18s %-22s %-13s expected %d, got %d\n", what, reader_names[rd], \
                   probes[i].name, (int)(want), (int)(got));                                \
            wrong++;                                                                        \
        }                                                                                   \
    } while (0)
    for (int rd = 0; rd < R_COUNT; rd++) {
        const struct test_session *u = reader_session((enum reader)rd);
        json_t *list = test_world_json(u, "GET", "/api/v1/library?status=any&limit=100", NULL, 200);
        json_t *found = test_world_json(
            u, "GET", "/api/v1/library?q=" WORD "&status=any&facets=1&limit=100", NULL, 200);
        snprintf(path, sizeof path, "/api/v1/library/related?document=%s&limit=100", anchor.id);
        json_t *related = test_world_json(u, "GET", path, NULL, 200);
        struct test_response ex;
        test_world_call(u, "GET", "/api/v1/library/export?status=any", NULL, &ex);
        if (rd == R_ANON ? ex.status != 401 : ex.status != 200) {
            printf("WRONG export status: %s got %d\n", reader_names[rd], ex.status);
            wrong++;
        }
        int64_t want_total = 0;
        for (size_t i = 0; i < np; i++) {
            int want = probes[i].see[rd];
            want_total += want;
            snprintf(path, sizeof path, "/api/v1/library/%s", probes[i].id);
            CHECK("get", test_world_status(u, "GET", path, NULL) == 200, want);
            CHECK("search list", test_listed(json_object_get(list, "items"), probes[i].id), want);
            CHECK("search q", test_listed(json_object_get(found, "items"), probes[i].id), want);
            CHECK("facet year", facet_count(found, "year", probes[i].year), want);
            CHECK("related", test_listed(json_object_get(related, "items"), probes[i].id),
                  probes[i].related[rd]);
            snprintf(path, sizeof path, "/api/v1/library/%s/versions", probes[i].id);
            CHECK("versions", test_world_status(u, "GET", path, NULL) == 200, want);
            snprintf(path, sizeof path, "/api/v1/library/%s/versions/%lld", probes[i].id,
                     (long long)probes[i].v2);
            CHECK("one version", test_world_status(u, "GET", path, NULL) == 200, want);
            snprintf(path, sizeof path, "/api/v1/library/%s/versions/1", probes[i].id);
            CHECK("draft version 1", test_world_status(u, "GET", path, NULL) == 200,
                  probes[i].draft_v1[rd]);
            snprintf(path, sizeof path, "/api/v1/library/%s/diff?from=%lld&to=%lld", probes[i].id,
                     (long long)probes[i].v1, (long long)probes[i].v2);
            CHECK("diff", test_world_status(u, "GET", path, NULL) == 200, want);
            snprintf(path, sizeof path, "/api/v1/library/%s/comments", probes[i].id);
            struct test_response r;
            test_world_call(u, "GET", path, NULL, &r);
            CHECK("comments", r.status == 200, want);
            if (r.status == 200) {
                json_t *c = body_json(&r);
                CHECK("comment count", (int)json_array_size(json_object_get(c, "items")), 1);
                json_decref(c);
            }
            test_response_free(&r);
            snprintf(path, sizeof path, "/api/v1/library/%s/attachments/%s", probes[i].id,
                     probes[i].attachment);
            CHECK("attachment", test_world_status(u, "GET", path, NULL) == 200, want);
            if (rd != R_ANON)
                CHECK("export", exported(ex.body, probes[i].id), want);
        }
        /* The total counts only what the reader sees (the anchor holds the word too, and is
         * CLEAR and published). */
        int64_t got_total = json_integer_value(json_object_get(found, "total"));
        if (got_total != want_total + 1) {
            printf("WRONG search total: %s expected %lld, got %lld\n", reader_names[rd],
                   (long long)want_total + 1, (long long)got_total);
            wrong++;
        }
        test_response_free(&ex);
        json_decref(list);
        json_decref(found);
        json_decref(related);
    }
#undef CHECK
    if (wrong)
        fail_msg("%d wrong cells in the library visibility matrix (printed above)", wrong);
}

/* api/library-widening: a published RED document made GREEN is read by a GREEN reader, but its
 * RED version and the comment written while it was RED stay hidden from them; its RED reader
 * still sees both. */
static void api_library_widening(void **state)
{
    (void)state;
    char path[256], id[64];
    json_t *d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library",
                                "{\"kind\":\"aar\",\"title\":\"Night convoy, sector east\","
                                "\"summary\":\"Named informant details.\",\"tlp\":\"RED\","
                                "\"recipients\":[\"chn.coord\",\"fra.fp\"]}",
                                201);
    snprintf(id, sizeof id, "%s", test_str(d, "id"));
    json_decref(d);
    snprintf(path, sizeof path, "/api/v1/library/%s/submit", id);
    json_decref(test_world_json(&cast->chn_coord, "POST", path, NULL, 200));
    snprintf(path, sizeof path, "/api/v1/library/%s/publish", id);
    json_decref(test_world_json(&cast->admin, "POST", path, NULL, 200));
    snprintf(path, sizeof path, "/api/v1/library/%s", id);
    d = test_world_json(&cast->chn_coord, "PATCH", path,
                        "{\"summary\":\"Informant: the village chief.\",\"note\":\"red detail\"}",
                        200);
    int64_t red_version = json_integer_value(json_object_get(d, "version"));
    json_decref(d);
    snprintf(path, sizeof path, "/api/v1/library/%s/comments", id);
    json_decref(test_world_json(&cast->chn_coord, "POST", path,
                                "{\"body\":\"The informant is the village chief.\"}", 201));
    snprintf(path, sizeof path, "/api/v1/library/%s", id);
    d = test_world_json(&cast->chn_coord, "PATCH", path,
                        "{\"summary\":\"Convoy timing lessons.\",\"tlp\":\"GREEN\","
                        "\"note\":\"cleared for release\"}",
                        200);
    assert_string_equal(test_str(d, "tlp"), "TLP:GREEN");
    int64_t green_version = json_integer_value(json_object_get(d, "version"));
    assert_int_equal(green_version, red_version + 1);
    json_decref(d);

    /* RWA's focal point, a GREEN reader: the document, but not its RED past. */
    d = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(d, "summary"), "Convoy timing lessons.");
    json_decref(d);
    snprintf(path, sizeof path, "/api/v1/library/%s/versions", id);
    d = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    json_t *items = json_object_get(d, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")),
                     green_version);
    json_decref(d);
    snprintf(path, sizeof path, "/api/v1/library/%s/versions/%lld", id, (long long)red_version);
    assert_int_equal(test_world_status(&cast->rwa_fp, "GET", path, NULL), 404);
    assert_int_equal(test_world_status(&cast->fra_fp, "GET", path, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/library/%s/diff?from=%lld&to=%lld", id,
             (long long)red_version, (long long)green_version);
    assert_int_equal(test_world_status(&cast->rwa_fp, "GET", path, NULL), 404);
    assert_int_equal(test_world_status(&cast->fra_fp, "GET", path, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/library/%s/comments", id);
    d = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "items")), 0);
    json_decref(d);
    d = test_world_json(&cast->fra_fp, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "items")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(d, "items"), 0), "body"),
                        "The informant is the village chief.");
    json_decref(d);
    /* Nor do the words of the RED version reach a GREEN reader's search. */
    d = test_world_json(&cast->rwa_fp, "GET", "/api/v1/library?q=informant&status=any", NULL, 200);
    assert_false(test_listed(json_object_get(d, "items"), id));
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 0);
    json_decref(d);
}

/* api/library-admin-read-audited: the admin reads a RED document it is not named on; the
 * read is in the audit log, and a GREEN one's is not; the same for the admin's export. */
static void api_library_admin_read_audited(void **state)
{
    (void)state;
    char path[256], sql[256], red[64], green[64];
    json_t *d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library",
                                "{\"kind\":\"lesson\",\"title\":\"Red lesson\",\"tlp\":\"RED\","
                                "\"recipients\":[\"chn.coord\"]}",
                                201);
    snprintf(red, sizeof red, "%s", test_str(d, "id"));
    json_decref(d);
    d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library",
                        "{\"kind\":\"lesson\",\"title\":\"Green lesson\",\"tlp\":\"GREEN\"}", 201);
    snprintf(green, sizeof green, "%s", test_str(d, "id"));
    json_decref(d);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'document.read' AND record_id = '%s'",
             red);
    assert_int_equal(test_query_int(test_world_db, sql), 0);
    snprintf(path, sizeof path, "/api/v1/library/%s", red);
    json_decref(test_world_json(&cast->admin, "GET", path, NULL, 200));
    assert_int_equal(test_query_int(test_world_db, sql), 1);
    snprintf(path, sizeof path, "/api/v1/library/%s", green);
    json_decref(test_world_json(&cast->admin, "GET", path, NULL, 200));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'document.read' AND record_id = '%s'",
             green);
    assert_int_equal(test_query_int(test_world_db, sql), 0);

    /* The export audits, before its first byte, one read of every restricted document it
     * will write: the RED one, not the GREEN one. */
    struct test_response r;
    test_world_call(&cast->admin, "GET", "/api/v1/library/export?status=any", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, red));
    assert_non_null(strstr(r.body, green));
    test_response_free(&r);
    char like[512];
    snprintf(like, sizeof like,
             "SELECT count(*) FROM audit_log WHERE action = 'document.read' AND record_id IS "
             "NULL AND summary LIKE '%%%s%%' AND summary NOT LIKE '%%%s%%'",
             red, green);
    assert_int_equal(test_query_int(test_world_db, like), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/library-visibility-matrix", api_library_visibility_matrix),
        BH_TEST("api/library-widening", api_library_widening),
        BH_TEST("api/library-admin-read-audited", api_library_admin_read_audited),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/library_visibility", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
