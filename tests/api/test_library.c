/* The knowledge library over HTTP (docs/library.md): every route's happy path with real
 * values (create, get, change with If-Match, submit, another organization's approval,
 * publish, endorsement, threaded comments, versions and diff, preview, attachments, export,
 * search with words, facets and filters, related documents), bad input naming its field and
 * writing nothing, who may write, and Idempotency-Key. Who sees what is
 * test_library_visibility.c's. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Library launch passphrase 2031"

static struct test_server server;
static struct test_coordination_cast *const cast = &test_coordination;

static const struct test_world world = { .name = "api_library",
                                         .password = PASSWORD,
                                         .base = &test_coordination_world };

#define LESSON                                                                                  \
    "{\"kind\":\"lesson\",\"title\":\"Convoy halts near culverts\",\"summary\":\"Culverts "     \
    "hide IEDs; halt short and search.\",\"what_happened\":\"A convoy stopped over a culvert."  \
    "\",\"recommendations\":\"Search culverts before halting.\",\"body\":\"# Culverts\\n\\n"    \
    "Check **every** culvert.\",\"language\":\"en\",\"occurred_on\":\"2024-03-02\",\"tlp\":"    \
    "\"GREEN\",\"tags\":{\"threat\":[\"ied\"],\"mission\":[\"MINUSCA\"],\"activity\":[\"convoy" \
    "\"],\"a4p\":[\"safety_security\"],\"keyword\":[\"culvert\"]}}"

static int64_t documents(void)
{
    return test_query_int(test_world_db, "SELECT count(*) FROM document");
}

static void doc_path(char *out, size_t cap, const char *id, const char *rest)
{
    snprintf(out, cap, "/api/v1/library/%s%s", id, rest);
}

/* Creates the lesson as CHN's coordinator; its id into `id`. */
static void make_lesson(char *id, size_t cap)
{
    json_t *d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library", LESSON, 201);
    snprintf(id, cap, "%s", test_str(d, "id"));
    json_decref(d);
}

/* api/library-write-flow: create (201 + Location), get, change with If-Match (a stale version
 * is 412 and writes nothing), submit, publish refused until another organization approves,
 * approval by BRA's coordinator, publish, versions and diff. */
static void api_library_write_flow(void **state)
{
    (void)state;
    struct test_response r;
    char path[256], headers[512], id[64];
    test_world_call(&cast->chn_coord, "POST", "/api/v1/library", LESSON, &r);
    assert_int_equal(r.status, 201);
    json_t *d = body_json(&r);
    snprintf(id, sizeof id, "%s", test_str(d, "id"));
    doc_path(path, sizeof path, id, "");
    assert_header(&r, "location", path);
    test_response_free(&r);
    assert_string_equal(test_str(d, "status"), "draft");
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 1);
    assert_string_equal(test_str(d, "tlp"), "TLP:GREEN");
    assert_string_equal(test_str(json_object_get(d, "owner"), "code"), "CHN");
    json_t *threats = json_object_get(json_object_get(d, "tags"), "threat");
    assert_int_equal(json_array_size(threats), 1);
    assert_string_equal(json_string_value(json_array_get(threats, 0)), "ied");
    assert_non_null(strstr(test_str(d, "body_html"), "<strong>every</strong>"));
    json_decref(d);

    d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(d, "title"), "Convoy halts near culverts");
    assert_int_equal(json_integer_value(json_object_get(d, "year")), 2024);
    json_decref(d);

    /* If-Match: the version read; a stale one is 412 and changes nothing. */
    snprintf(headers, sizeof headers, "%sIf-Match: \"1\"\r\n", cast->chn_coord.headers);
    test_call(server.port, headers, "PATCH", path,
              "{\"summary\":\"Culverts hide IEDs; never halt over one.\",\"note\":\"sharper\"}",
              &r);
    assert_int_equal(r.status, 200);
    d = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
    json_decref(d);
    test_response_free(&r);
    test_call(server.port, headers, "PATCH", path, "{\"title\":\"Stale\"}", &r);
    assert_problem(&r, 412, "If-Match");
    test_response_free(&r);
    d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(d, "title"), "Convoy halts near culverts");
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
    json_decref(d);
    /* Another organization may not change it (a draft: it does not even see it). */
    assert_int_equal(test_world_status(&cast->bra_coord, "PATCH", path, "{\"title\":\"Mine\"}"),
                     404);

    /* Versions and the diff between them. */
    doc_path(path, sizeof path, id, "/versions");
    d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    json_t *items = json_object_get(d, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")), 2);
    assert_string_equal(test_str(json_array_get(items, 0), "note"), "sharper");
    json_decref(d);
    doc_path(path, sizeof path, id, "/versions/1");
    d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_string_equal(test_str(d, "summary"), "Culverts hide IEDs; halt short and search.");
    json_decref(d);
    doc_path(path, sizeof path, id, "/diff?from=1&to=2");
    d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    json_t *f = json_array_get(json_object_get(d, "fields"), 0);
    assert_string_equal(test_str(f, "field"), "summary");
    assert_int_equal(json_array_size(json_object_get(d, "fields")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(f, "lines"), 0), "op"), "-");
    json_decref(d);
    doc_path(path, sizeof path, id, "/diff?from=1");
    test_world_call(&cast->chn_fp, "GET", path, NULL, &r);
    assert_problem(&r, 400, "to");
    test_response_free(&r);

    /* Submit; publishing waits for another organization's approval. */
    doc_path(path, sizeof path, id, "/submit");
    assert_int_equal(test_world_status(&cast->chn_rep, "POST", path, NULL), 403);
    d = test_world_json(&cast->chn_coord, "POST", path, NULL, 200);
    assert_string_equal(test_str(d, "status"), "in_review");
    json_decref(d);
    doc_path(path, sizeof path, id, "/publish");
    test_world_call(&cast->chn_coord, "POST", path, NULL, &r);
    assert_problem(&r, 409, "reviews");
    test_response_free(&r);
    doc_path(path, sizeof path, id, "/comments");
    d = test_world_json(&cast->bra_coord, "POST", path,
                        "{\"body\":\"Matches our experience in Bria.\",\"verdict\":\"approve\"}",
                        201);
    assert_string_equal(test_str(d, "verdict"), "approve");
    json_decref(d);
    doc_path(path, sizeof path, id, "/publish");
    d = test_world_json(&cast->chn_coord, "POST", path, NULL, 200);
    assert_string_equal(test_str(d, "status"), "published");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(d, "reviews"), "approvals")), 1);
    json_decref(d);

    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action IN "
             "('document.create', 'document.update', 'document.submit', 'document.publish')",
             id);
    assert_int_equal(test_query_int(test_world_db, sql), 4);

    /* Withdraw takes it back to draft, with a reason. */
    doc_path(path, sizeof path, id, "/withdraw");
    test_world_call(&cast->chn_coord, "POST", path, "{}", &r);
    assert_problem(&r, 400, "reason");
    test_response_free(&r);
}

/* api/library-endorse-and-comments: one endorsement per organization (twice is one), not the
 * owner's own, withdrawn; comments threaded with their parent. */
static void api_library_endorse_and_comments(void **state)
{
    (void)state;
    char id[64], path[256], cid[64];
    struct test_response r;
    make_lesson(id, sizeof id);
    doc_path(path, sizeof path, id, "/submit");
    json_decref(test_world_json(&cast->chn_coord, "POST", path, NULL, 200));

    /* Comments: FRA asks, CHN replies under it. */
    doc_path(path, sizeof path, id, "/comments");
    json_t *c = test_world_json(&cast->fra_fp, "POST", path,
                                "{\"body\":\"Which culverts, the concrete ones?\"}", 201);
    snprintf(cid, sizeof cid, "%s", test_str(c, "id"));
    assert_string_equal(test_str(c, "verdict"), "comment");
    json_decref(c);
    char reply[256];
    snprintf(reply, sizeof reply, "{\"body\":\"All of them.\",\"parent\":\"%s\"}", cid);
    json_decref(test_world_json(&cast->chn_fp, "POST", path, reply, 201));
    c = test_world_json(&cast->bra_fp, "GET", path, NULL, 200);
    json_t *items = json_object_get(c, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(test_str(json_array_get(items, 0), "id"), cid);
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "parent")));
    assert_string_equal(test_str(json_array_get(items, 1), "parent"), cid);
    assert_string_equal(test_str(json_array_get(items, 1), "author"), "chn.fp");
    json_decref(c);
    /* The owner's organization gives no verdict on its own document. */
    test_world_call(&cast->chn_fp, "POST", path, "{\"body\":\"Fine\",\"verdict\":\"approve\"}", &r);
    assert_int_not_equal(r.status, 201);
    test_response_free(&r);
    /* FRA was told of the reply. */
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification n JOIN account a ON a.id = n.account_id WHERE "
             "a.username = 'fra.fp' AND n.kind = 'library.reply' AND n.record_id = '%s'",
             id);
    assert_int_equal(test_query_int(test_world_db, sql), 1);

    json_decref(test_world_json(&cast->bra_coord, "POST", path,
                                "{\"body\":\"Approved.\",\"verdict\":\"approve\"}", 201));
    doc_path(path, sizeof path, id, "/publish");
    json_decref(test_world_json(&cast->chn_coord, "POST", path, NULL, 200));

    /* Endorsement: twice is one; the owner may not; withdrawn. */
    doc_path(path, sizeof path, id, "/endorsement");
    json_t *e = test_world_json(&cast->bra_coord, "PUT", path, "{\"note\":\"We do this.\"}", 200);
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);
    json_decref(e);
    e = test_world_json(&cast->bra_coord, "PUT", path, "{}", 200);
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(e, "orgs"), 0), "code"), "BRA");
    assert_true(json_is_true(json_object_get(e, "mine")));
    json_decref(e);
    assert_int_equal(test_world_status(&cast->chn_coord, "PUT", path, "{}"), 403);
    assert_int_equal(test_world_status(&cast->bra_rep, "PUT", path, "{}"), 403);
    e = test_world_json(&cast->fra_fp, "PUT", path, "{}", 200);
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 2);
    json_decref(e);
    e = test_world_json(&cast->bra_coord, "DELETE", path, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);
    assert_false(json_is_true(json_object_get(e, "mine")));
    json_decref(e);
}

/* api/library-preview: the editor's preview renders Markdown as the stored body would be, with
 * no script and no javascript: link, and stores nothing. */
static void api_library_preview(void **state)
{
    (void)state;
    int64_t before = documents();
    json_t *p = test_world_json(
        &cast->chn_rep, "POST", "/api/v1/library/preview",
        "{\"body\":\"**Bold** <script>alert(1)</script> [x](javascript:alert(2))\"}", 200);
    const char *html = test_str(p, "html");
    assert_non_null(strstr(html, "<strong>Bold</strong>"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "javascript:"));
    json_decref(p);
    assert_int_equal(documents(), before);
    assert_int_equal(test_world_status(&cast->chn_analyst, "POST", "/api/v1/library/preview",
                                       "{\"body\":\"x\"}"),
                     403);
}

/* api/library-attachments: a PNG attached and downloaded byte for byte, its SHA-256 the ETag;
 * another organization may not attach. */
static void api_library_attachments(void **state)
{
    (void)state;
    static const unsigned char png[40] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,
                                           0,    0,   13,  'I', 'H',  'D',  'R',  7 };
    char id[64], path[256];
    struct test_response r;
    make_lesson(id, sizeof id);
    doc_path(path, sizeof path, id, "/attachments?filename=sketch.png");
    test_http(server.port, "POST", path, cast->chn_coord.headers, (const char *)png, sizeof png,
              &r);
    assert_int_equal(r.status, 201);
    json_t *a = body_json(&r);
    test_response_free(&r);
    assert_string_equal(test_str(a, "content_type"), "image/png");
    char aid[64], sha[80];
    snprintf(aid, sizeof aid, "%s", test_str(a, "id"));
    snprintf(sha, sizeof sha, "\"%s\"", test_str(a, "sha256"));
    json_decref(a);
    snprintf(path, sizeof path, "/api/v1/library/%s/attachments/%s", id, aid);
    test_world_call(&cast->chn_fp, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, sizeof png);
    assert_memory_equal(r.body, png, sizeof png);
    assert_header(&r, "etag", sha);
    test_response_free(&r);
    doc_path(path, sizeof path, id, "");
    json_t *d = test_world_json(&cast->chn_fp, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "attachments")), 1);
    json_decref(d);
    doc_path(path, sizeof path, id, "/attachments?filename=x.png");
    test_http(server.port, "POST", path, cast->bra_coord.headers, (const char *)png, sizeof png,
              &r);
    assert_int_equal(r.status, 404);
    test_response_free(&r);
}

/* api/library-search-export-related: words, facets and filters; the export's JSON; related
 * documents of a document. */
static void api_library_search_export_related(void **state)
{
    (void)state;
    char a[64], b[64], path[256];
    json_t *d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library",
                                "{\"kind\":\"best_practice\",\"title\":\"Wombatfence at night\","
                                "\"summary\":\"Lighting a camp perimeter.\",\"tlp\":\"CLEAR\","
                                "\"occurred_on\":\"2019-06-01\",\"tags\":{\"activity\":"
                                "[\"camp_security\"],\"keyword\":[\"wombat\"]}}",
                                201);
    snprintf(a, sizeof a, "%s", test_str(d, "id"));
    json_decref(d);
    d = test_world_json(&cast->chn_coord, "POST", "/api/v1/library",
                        "{\"kind\":\"lesson\",\"title\":\"Wombatfence by day\",\"tlp\":\"CLEAR\","
                        "\"occurred_on\":\"2020-06-01\",\"tags\":{\"activity\":"
                        "[\"camp_security\"],\"keyword\":[\"wombat\"]}}",
                        201);
    snprintf(b, sizeof b, "%s", test_str(d, "id"));
    json_decref(d);
    const char *ids[] = { a, b };
    for (int i = 0; i < 2; i++) {
        doc_path(path, sizeof path, ids[i], "/submit");
        json_decref(test_world_json(&cast->chn_coord, "POST", path, NULL, 200));
        doc_path(path, sizeof path, ids[i], "/publish");
        json_decref(test_world_json(&cast->admin, "POST", path, NULL, 200));
    }

    /* Words, anonymous too (CLEAR and published); ranked, with a snippet and facets. */
    json_t *s = test_world_json(NULL, "GET", "/api/v1/library?q=wombatfence&facets=1", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(s, "total")), 2);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 2);
    assert_true(
        json_is_array(json_object_get(json_array_get(json_object_get(s, "items"), 0), "snippet")));
    json_t *kinds = json_object_get(json_object_get(s, "facets"), "kind");
    assert_int_equal(json_array_size(kinds), 2);
    json_decref(s);
    s = test_world_json(NULL, "GET", "/api/v1/library?q=wombatfence&kind=lesson", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(s, "items"), 0), "id"), b);
    json_decref(s);
    s = test_world_json(NULL, "GET", "/api/v1/library?q=wombatfence&year=2019", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
    assert_string_equal(test_str(json_array_get(json_object_get(s, "items"), 0), "id"), a);
    json_decref(s);
    s = test_world_json(NULL, "GET",
                        "/api/v1/library?keyword=wombat&activity=camp_security&limit=1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
    assert_true(json_is_string(json_object_get(s, "next")));
    char next[512];
    snprintf(next, sizeof next,
             "/api/v1/library?keyword=wombat&activity=camp_security&limit=1&after=%s",
             json_string_value(json_object_get(s, "next")));
    const char *first = test_str(json_array_get(json_object_get(s, "items"), 0), "id");
    char first_id[64];
    snprintf(first_id, sizeof first_id, "%s", first);
    json_decref(s);
    s = test_world_json(NULL, "GET", next, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
    assert_string_not_equal(test_str(json_array_get(json_object_get(s, "items"), 0), "id"),
                            first_id);
    json_decref(s);

    /* Related: the other wombat document, not itself. */
    snprintf(path, sizeof path, "/api/v1/library/related?document=%s", a);
    s = test_world_json(&cast->rwa_fp, "GET", path, NULL, 200);
    assert_true(test_listed(json_object_get(s, "items"), b));
    assert_false(test_listed(json_object_get(s, "items"), a));
    json_decref(s);

    /* The export: a JSON array holding both, served as a file. */
    struct test_response r;
    test_world_call(&cast->rwa_fp, "GET", "/api/v1/library/export", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-disposition", "attachment; filename=\"library.json\"");
    json_error_t jerr;
    json_t *x = json_loads(r.body, 0, &jerr);
    if (!x)
        fail_msg("the export is not JSON: %s", jerr.text);
    assert_true(json_is_array(x));
    assert_true(test_listed(x, a));
    assert_true(test_listed(x, b));
    json_decref(x);
    test_response_free(&r);
    assert_int_equal(test_world_status(&cast->chn_rep, "GET", "/api/v1/library/export", NULL), 403);
}

/* api/library-invalid: bad input is refused naming the field, and nothing is written. */
static void api_library_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
        int status;
    } cases[] = {
        { "{\"kind\":\"poem\",\"title\":\"t\"}", "kind", 400 },
        { "{\"kind\":\"lesson\",\"title\":\"t\",\"tags\":{\"threat\":[\"ied\",\"dragon\"]}}",
          "tags.threat[1]", 400 },
        { "{\"kind\":\"lesson\",\"title\":\"t\",\"tags\":{\"colour\":[\"red\"]}}", "tags.colour",
          400 },
        { "{\"kind\":\"lesson\",\"title\":\"t\",\"tags\":{\"activity\":\"patrol\"}}",
          "tags.activity", 400 },
        { "{\"kind\":\"lesson\"}", "title", 400 },
    };
    int64_t before = documents();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_world_call(&cast->chn_coord, "POST", "/api/v1/library", cases[i].body, &r);
        if (r.status != cases[i].status || !strstr(r.body, cases[i].field))
            fail_msg("case %zu (%s): expected %d naming %s, got %d: %s", i, cases[i].body,
                     cases[i].status, cases[i].field, r.status, r.body);
        assert_problem(&r, cases[i].status, cases[i].field);
        test_response_free(&r);
    }
    /* A body one byte over the limit: 413 naming body. */
    size_t n = LIBRARY_BODY_MAX + 1;
    char *big = malloc(n + 64);
    int off = snprintf(big, n + 64, "{\"kind\":\"lesson\",\"title\":\"t\",\"body\":\"");
    memset(big + off, 'a', n);
    strcpy(big + off + n, "\"}");
    struct test_response r;
    test_world_call(&cast->chn_coord, "POST", "/api/v1/library", big, &r);
    assert_problem(&r, 413, "body");
    test_response_free(&r);
    off = snprintf(big, n + 64, "{\"body\":\"");
    memset(big + off, 'a', n);
    strcpy(big + off + n, "\"}");
    test_world_call(&cast->chn_coord, "POST", "/api/v1/library/preview", big, &r);
    assert_problem(&r, 413, "body");
    test_response_free(&r);
    free(big);
    assert_int_equal(documents(), before);

    /* The search's parameters. */
    static const struct {
        const char *path, *field;
    } queries[] = {
        { "/api/v1/library?year=twenty", "year" },
        { "/api/v1/library?year=0", "year" },
        { "/api/v1/library?limit=101", "limit" },
        { "/api/v1/library?after=not-a-cursor", "after" },
        { "/api/v1/library?kind=poem", "kind" },
        { "/api/v1/library?status=secret", "status" },
        { "/api/v1/library?facets=maybe", "facets" },
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        test_world_call(&cast->chn_fp, "GET", queries[i].path, NULL, &r);
        if (r.status != 400)
            fail_msg("%s: expected 400 naming %s, got %d: %s", queries[i].path, queries[i].field,
                     r.status, r.body);
        assert_problem(&r, 400, queries[i].field);
        test_response_free(&r);
    }
}

/* api/library-permissions: an analyst may not write (403); an anonymous writer is 401 before
 * its body is read (a body over the server's limit is not a 413); a draft is deleted by its
 * organization only, with 204. */
static void api_library_permissions(void **state)
{
    (void)state;
    int64_t before = documents();
    assert_int_equal(test_world_status(&cast->chn_analyst, "POST", "/api/v1/library", LESSON), 403);
    assert_int_equal(test_world_status(NULL, "POST", "/api/v1/library", LESSON), 401);
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    struct test_response r;
    test_call(server.port, TEST_JSON_CT, "POST", "/api/v1/library", big, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    free(big);
    assert_int_equal(documents(), before);

    char id[64], path[256];
    make_lesson(id, sizeof id);
    doc_path(path, sizeof path, id, "");
    assert_int_equal(test_world_status(&cast->bra_coord, "DELETE", path, NULL), 404);
    assert_int_equal(test_world_status(&cast->chn_coord, "DELETE", path, NULL), 204);
    assert_int_equal(test_world_status(&cast->chn_coord, "GET", path, NULL), 404);
    assert_int_equal(documents(), before);
}

/* api/library-idempotent: a create retried with the same Idempotency-Key makes one document
 * and answers the same. */
static void api_library_idempotent(void **state)
{
    (void)state;
    char headers[512];
    snprintf(headers, sizeof headers, "%sIdempotency-Key: lib-retry-1\r\n",
             cast->chn_coord.headers);
    int64_t before = documents();
    struct test_response r1, r2;
    test_call(server.port, headers, "POST", "/api/v1/library", LESSON, &r1);
    test_call(server.port, headers, "POST", "/api/v1/library", LESSON, &r2);
    assert_int_equal(r1.status, 201);
    assert_int_equal(r2.status, 201);
    json_t *a = body_json(&r1), *b = body_json(&r2);
    assert_string_equal(test_str(a, "id"), test_str(b, "id"));
    json_decref(a);
    json_decref(b);
    test_response_free(&r1);
    test_response_free(&r2);
    assert_int_equal(documents(), before + 1);
}

/* api/library-vocabulary: GET /api/v1/vocabulary names the library's codes. */
static void api_library_vocabulary(void **state)
{
    (void)state;
    json_t *v = test_world_json(NULL, "GET", "/api/v1/vocabulary", NULL, 200);
    json_t *lib = json_object_get(v, "library");
    assert_string_equal(json_string_value(json_array_get(json_object_get(lib, "kinds"), 0)),
                        "case_study");
    assert_int_equal(json_array_size(json_object_get(lib, "kinds")), 4);
    assert_int_equal(json_array_size(json_object_get(lib, "a4p")), 8);
    assert_true(json_array_size(json_object_get(lib, "activities")) > 0);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/library-write-flow", api_library_write_flow),
        BH_TEST("api/library-endorse-and-comments", api_library_endorse_and_comments),
        BH_TEST("api/library-preview", api_library_preview),
        BH_TEST("api/library-attachments", api_library_attachments),
        BH_TEST("api/library-search-export-related", api_library_search_export_related),
        BH_TEST("api/library-invalid", api_library_invalid),
        BH_TEST("api/library-permissions", api_library_permissions),
        BH_TEST("api/library-idempotent", api_library_idempotent),
        BH_TEST("api/library-vocabulary", api_library_vocabulary),
    };
    test_world_use(&world, &server);
    return cmocka_run_group_tests_name("api/library", tests, test_world_setup_db,
                                       test_world_teardown_db);
}
