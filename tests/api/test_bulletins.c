/* Bulletins over HTTP (docs/bulletins.md): writing, publishing (a live feed event), the
 * Markdown served as inert HTML, attachments judged by their bytes and served with exact
 * headers, and who sees what: the owning organization, a member of the sharing group, an
 * outsider (the RED bulletins' named reader), an auditor, the admin and an anonymous reader,
 * for every marking and for drafts, on the get, the list and the attachment. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Goma weekly bulletin 2026"

static struct test_server server;
static char *store;
static struct db *db;
static struct test_session admin, fra_fp, fra_coord, fra_analyst, fra_auditor, bra_fp, chn_fp;

static const char *const orgs[] = { "DPO", "FRA", "BRA", "CHN" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, &admin, NULL, NULL },
    { "fra.fp", "FRA", "focal_point", NULL, &fra_fp, NULL, NULL },
    { "fra.coord", "FRA", "coordinator", NULL, &fra_coord, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &fra_analyst, NULL, NULL },
    { "fra.auditor", "FRA", "auditor", NULL, &fra_auditor, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &bra_fp, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &chn_fp, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_bulletins", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

/* A small attachment limit, so the 413 costs a few kilobytes. */
#define LIMIT_BYTES 4096
static const char *const serve_args[] = { "--attachment-max-bytes", "4K", NULL };

static int setup(void **state)
{
    (void)state;
    test_world_use(&world, &server);
    store = test_world_serve(&world, &server, serve_args);
    db = test_db_open(store, DB_OPEN_READONLY);
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

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Sends a JSON write and fails unless it answers `status`; returns the body (decref). */
#define call_json(u, method, path, body, status) \
    call_json_at((u), (method), (path), (body), (status), __LINE__)
static json_t *call_json_at(const struct test_session *u, const char *method, const char *path,
                            const char *body, int status, int line)
{
    struct test_response r;
    test_world_call(u, method, path, body, &r);
    if (r.status != status)
        fail_msg("line %d: %s %s: expected %d, got %d: %s", line, method, path, status, r.status,
                 r.body);
    json_t *j = body_json(&r);
    test_response_free(&r);
    return j;
}

/* A bulletin by `u` with `tlp` and `extra` members (",\"sharing_group\":3" or ""); its id
 * into `id`; published when `publish`. Its body is a line of Markdown unless `extra` gives
 * one. */
static void make_bulletin(const struct test_session *u, const char *title, const char *tlp,
                          const char *extra, bool publish, char id[64])
{
    char body[1024], path[128];
    snprintf(body, sizeof body,
             "{\"title\":\"%s\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-30\","
             "\"mission\":\"MONUSCO\",%s\"tlp\":\"%s\"%s}",
             title, strstr(extra, "\"body\"") ? "" : "\"body\":\"Quiet week in **Goma**.\",", tlp,
             extra);
    json_t *b = call_json(u, "POST", "/api/v1/bulletins", body, 201);
    snprintf(id, 64, "%s", str(b, "id"));
    json_decref(b);
    if (publish) {
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/publish", id);
        json_decref(call_json(u, "POST", path, NULL, 200));
    }
}

/* A PNG's first bytes (signature and IHDR) and `extra` zero bytes after them. */
static unsigned char *png_bytes(size_t extra, size_t *len)
{
    static const unsigned char head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                          0,    0,   0,   13,  'I',  'H',  'D',  'R' };
    *len = sizeof head + extra;
    unsigned char *p = calloc(1, *len);
    memcpy(p, head, sizeof head);
    return p;
}

/* POST the bytes as an attachment of bulletin `id` named `filename` (URL-safe text) with
 * `content_type` (NULL: none). */
static void upload(const struct test_session *u, const char *id, const char *filename,
                   const char *content_type, const void *data, size_t len, struct test_response *r)
{
    char path[256], headers[512];
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments?filename=%s", id, filename);
    snprintf(headers, sizeof headers, "%s%s%s%s", u ? u->headers : "",
             content_type ? "Content-Type: " : "", content_type ? content_type : "",
             content_type ? "\r\n" : "");
    test_http(server.port, "POST", path, headers, data, len, r);
}

static int64_t feed_events(const char *action, const char *id)
{
    struct bh_error err;
    int64_t n = -1;
    must(db_exec_params(db,
                        "SELECT count(*) FROM feed_event WHERE kind = 'bulletin' AND action = ? "
                        "AND record_id = ? AND account_id IS NULL",
                        DB_PARAMS(DB_TEXT(action), DB_TEXT(id)), &n, NULL, &err),
         &err, "count feed events");
    return n;
}

/* api/bulletins-write-publish: a draft is written, changed and published; publishing is one
 * feed event, a change after it another; a second publish is a conflict; the writer's
 * organization alone changes it. */
static void api_bulletins_write_publish(void **state)
{
    (void)state;
    json_t *b = call_json(&fra_fp, "POST", "/api/v1/bulletins",
                          "{\"title\":\"Week 47, North Kivu\",\"period_from\":\"2026-11-16\","
                          "\"period_to\":\"2026-11-22\",\"mission\":\"MONUSCO\",\"body\":\"Two "
                          "**convoys** escorted.\",\"tlp\":\"tlp:green\"}",
                          201);
    char id[64], path[128], pub[160];
    snprintf(id, sizeof id, "%s", str(b, "id"));
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", id);
    snprintf(pub, sizeof pub, "%s/publish", path);
    assert_string_equal(str(b, "status"), "draft");
    assert_string_equal(str(b, "owner"), "FRA");
    assert_string_equal(str(b, "tlp"), "TLP:GREEN");
    assert_string_equal(str(b, "mission"), "MONUSCO");
    assert_string_equal(str(b, "period_from"), "2026-11-16");
    assert_string_equal(str(b, "body_html"), "<p>Two <strong>convoys</strong> escorted.</p>\n");
    assert_true(json_is_null(json_object_get(b, "published_at")));
    assert_int_equal(json_array_size(json_object_get(b, "attachments")), 0);
    json_decref(b);

    /* A draft is its organization's: Brazil does not see it, so cannot change it either. */
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 404);
    assert_int_equal(test_world_status(&bra_fp, "PATCH", path, "{\"title\":\"x\"}"), 404);
    assert_int_equal(feed_events("created", id), 0);

    b = call_json(&fra_fp, "PATCH", path,
                  "{\"title\":\"Week 47, North Kivu (rev.)\",\"mission\":null}", 200);
    assert_string_equal(str(b, "title"), "Week 47, North Kivu (rev.)");
    assert_true(json_is_null(json_object_get(b, "mission")));
    assert_string_equal(str(b, "body"), "Two **convoys** escorted.");
    json_decref(b);
    assert_int_equal(feed_events("updated", id), 0); /* a draft's change tells nobody */

    b = call_json(&fra_fp, "POST", pub, NULL, 200);
    assert_string_equal(str(b, "status"), "published");
    assert_non_null(str(b, "published_at"));
    json_decref(b);
    assert_int_equal(feed_events("created", id), 1);

    struct test_response r;
    test_world_call(&fra_fp, "POST", pub, NULL, &r);
    assert_problem(&r, 409, "status");
    test_response_free(&r);
    assert_int_equal(feed_events("created", id), 1);

    /* Published and GREEN: Brazil reads it, and may not change it. */
    assert_int_equal(test_world_status(&bra_fp, "GET", path, NULL), 200);
    test_world_call(&bra_fp, "PATCH", path, "{\"title\":\"x\"}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);

    json_decref(call_json(&fra_fp, "PATCH", path, "{\"body\":\"Corrected.\"}", 200));
    assert_int_equal(feed_events("updated", id), 1);

    /* Roles: an analyst reads but does not write; nobody signed in cannot. */
    test_world_call(&fra_analyst, "POST", "/api/v1/bulletins", "{}", &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    test_world_call(NULL, "POST", "/api/v1/bulletins", "{}", &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);

    /* Audited. */
    struct bh_error err;
    int64_t n = 0;
    must(db_exec_params(db,
                        "SELECT count(*) FROM audit_log WHERE record_type = 'bulletin' AND "
                        "record_id = ? AND action IN ('bulletin.create', 'bulletin.update', "
                        "'bulletin.publish')",
                        DB_PARAMS(DB_TEXT(id)), &n, NULL, &err),
         &err, "count audit entries");
    assert_int_equal(n, 4);
}

/* api/bulletins-invalid: each bad value is a 400 naming its field, and nothing is written. */
static void api_bulletins_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        { "{\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\",\"tlp\":\"GREEN\"}",
          "title" },
        { "{\"title\":\"\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\"}",
          "title" },
        { "{\"title\":\"t\",\"period_from\":\"2026-02-30\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\"}",
          "period_from" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-03\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\"}",
          "period_to" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\",\"mission\":\"NOPE\"}",
          "mission" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"WHITE\"}",
          "tlp" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"AMBER\"}",
          "sharing_group" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\",\"recipients\":[\"chn.fp\"]}",
          "recipients" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"RED\",\"recipients\":[\"nobody\"]}",
          "recipients" },
        { "{\"title\":\"t\",\"period_from\":\"2026-11-01\",\"period_to\":\"2026-11-02\","
          "\"tlp\":\"GREEN\",\"colour\":\"red\"}",
          "colour" },
    };
    int64_t before = -1, after = -2;
    struct bh_error err;
    must(db_query_int(db, "SELECT count(*) FROM bulletin", 0, &before, &err), &err, "count");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_response r;
        test_world_call(&fra_fp, "POST", "/api/v1/bulletins", cases[i].body, &r);
        if (r.status != 400 || !strstr(r.body, cases[i].field))
            fail_msg("case %zu (%s): expected 400 naming %s, got %d: %s", i, cases[i].body,
                     cases[i].field, r.status, r.body);
        assert_problem(&r, 400, cases[i].field);
        test_response_free(&r);
    }
    must(db_query_int(db, "SELECT count(*) FROM bulletin", 0, &after, &err), &err, "count");
    assert_int_equal(before, after);
}

/* api/bulletins-markdown-xss: what a writer puts in the body reaches readers inert. */
static void api_bulletins_markdown_xss(void **state)
{
    (void)state;
    char id[64], path[128];
    make_bulletin(&fra_fp, "XSS probe", "TLP:GREEN",
                  ",\"body\":\"<script>alert(1)</script>\\n\\n<img src=x onerror=alert(1)>\\n\\n"
                  "[x](javascript:alert(1)) <b onmouseover=alert(1)>raw</b>\"",
                  true, id);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", id);
    json_t *b = test_get_json(server.port, bra_fp.headers, path, 200);
    const char *html = str(b, "body_html");
    assert_non_null(html);
    static const char *const banned[] = { "<script",     "<img", "onerror",
                                          "javascript:", "<b ",  "onmouseover" };
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(html, banned[i]))
            fail_msg("body_html keeps \"%s\":\n%s", banned[i], html);
    assert_contains(html, "<!-- raw HTML omitted -->");
    assert_contains(html, "<a href=\"\">x</a>");
    /* The Markdown itself is served as written: the reader's copy to edit. */
    assert_contains(str(b, "body"), "<script>alert(1)</script>");
    json_decref(b);
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(out, 65, d, sizeof d);
}

/* api/bulletins-attachments: the bytes decide the type (a .pdf name on PNG bytes is stored
 * and served as a PNG), anything else is refused naming the file, the limit is a 413, and the
 * download carries the exact headers and the SHA-256 as ETag. */
static void api_bulletins_attachments(void **state)
{
    (void)state;
    char id[64], path[256];
    make_bulletin(&fra_fp, "With files", "TLP:GREEN", "", false, id);
    size_t len;
    unsigned char *png = png_bytes(100, &len);
    char sha[65];
    sha256_hex(png, len, sha);

    struct test_response r;
    upload(&fra_fp, id, "..%2F..%2Fweek47.pdf", "application/pdf", png, len, &r);
    if (r.status != 201)
        fail_msg("upload: %d %s", r.status, r.body);
    json_t *a = body_json(&r);
    test_response_free(&r);
    assert_string_equal(str(a, "filename"), "week47.pdf");
    assert_string_equal(str(a, "content_type"), "image/png");
    assert_int_equal(json_integer_value(json_object_get(a, "size")), len);
    assert_string_equal(str(a, "sha256"), sha);
    char aid[64];
    snprintf(aid, sizeof aid, "%s", str(a, "id"));
    json_decref(a);

    snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments/%s", id, aid);
    test_http(server.port, "GET", path, fra_fp.headers, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, len);
    assert_memory_equal(r.body, png, len);
    assert_header(&r, "content-type", "image/png");
    assert_header(&r, "content-disposition",
                  "attachment; filename=\"week47.pdf\"; filename*=UTF-8''week47.pdf");
    assert_header(&r, "x-content-type-options", "nosniff");
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", sha);
    assert_header(&r, "etag", etag);
    test_response_free(&r);

    char inm[512];
    snprintf(inm, sizeof inm, "%sIf-None-Match: %s\r\n", fra_fp.headers, etag);
    test_http(server.port, "GET", path, inm, NULL, 0, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    test_response_free(&r);

    /* The bulletin lists it. */
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", id);
    json_t *b = test_get_json(server.port, fra_fp.headers, path, 200);
    json_t *atts = json_object_get(b, "attachments");
    assert_int_equal(json_array_size(atts), 1);
    assert_string_equal(str(json_array_get(atts, 0), "sha256"), sha);
    json_decref(b);

    /* An executable, whatever it claims to be: 415 naming the file. */
    static const char exe[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00";
    upload(&fra_fp, id, "setup.exe", "application/octet-stream", exe, sizeof exe - 1, &r);
    assert_problem(&r, 415, "file");
    test_response_free(&r);
    upload(&fra_fp, id, "photo.png", "image/png", exe, sizeof exe - 1, &r);
    assert_problem(&r, 415, "file");
    test_response_free(&r);
    /* Empty: 400 naming the file. */
    upload(&fra_fp, id, "empty.pdf", "application/pdf", "", 0, &r);
    assert_problem(&r, 400, "file");
    test_response_free(&r);
    /* Over attachment_max_bytes (4K here): 413 naming the file; at the limit, accepted. */
    free(png);
    png = png_bytes(LIMIT_BYTES - 16 + 1, &len);
    upload(&fra_fp, id, "big.png", "image/png", png, len, &r);
    assert_problem(&r, 413, "file");
    assert_contains(r.body, "attachment_max_bytes");
    test_response_free(&r);
    free(png);
    png = png_bytes(LIMIT_BYTES - 16, &len);
    upload(&fra_fp, id, "big.png", "image/png", png, len, &r);
    assert_int_equal(r.status, 201);
    test_response_free(&r);
    free(png);
    /* A filename that is not UTF-8: 400 naming it. */
    png = png_bytes(10, &len);
    upload(&fra_fp, id, "bad%FF.png", "image/png", png, len, &r);
    assert_int_equal(r.status, 400);
    test_response_free(&r);

    /* Who may attach: not an analyst (no bulletin.write), not another organization (the draft
     * is hidden from it: 404), nobody signed out. */
    upload(&fra_analyst, id, "x.png", "image/png", png, len, &r);
    assert_problem(&r, 403, NULL);
    test_response_free(&r);
    upload(&bra_fp, id, "x.png", "image/png", png, len, &r);
    assert_int_equal(r.status, 404);
    test_response_free(&r);
    upload(NULL, id, "x.png", "image/png", png, len, &r);
    assert_int_equal(r.status, 401);
    test_response_free(&r);
    free(png);

    int64_t n = 0;
    struct bh_error err;
    must(db_exec_params(db, "SELECT count(*) FROM attachment WHERE record_id = ?",
                        DB_PARAMS(DB_TEXT(id)), &n, NULL, &err),
         &err, "count attachments");
    assert_int_equal(n, 2);
}

/* The readers of the matrix, in column order. */
enum reader { R_AUTHOR, R_OWNER, R_GROUP, R_OUTSIDER, R_AUDITOR, R_ADMIN, R_ANON, R_COUNT };
static const char *const reader_names[] = {
    "author (FRA fp)",   "owner org (FRA analyst)", "group member (BRA fp)",
    "outsider (CHN fp)", "auditor (FRA)",           "admin (DPO)",
    "anonymous"
};

static const struct test_session *reader_session(enum reader r)
{
    const struct test_session *s[] = { &fra_fp,      &fra_analyst, &bra_fp, &chn_fp,
                                       &fra_auditor, &admin,       NULL };
    return s[r];
}

/* api/bulletins-visibility-matrix: get, list and attachment for every reader and every
 * marking, published and draft. The RED bulletins name the outsider's focal point. */
static void api_bulletins_visibility_matrix(void **state)
{
    (void)state;
    char group[64];
    json_t *g = call_json(&fra_coord, "POST", "/api/v1/groups",
                          "{\"name\":\"Kivu bulletin readers\",\"members\":[\"BRA\"]}", 201);
    snprintf(group, sizeof group, "%lld", (long long)json_integer_value(json_object_get(g, "id")));
    json_decref(g);
    char amber[96];
    snprintf(amber, sizeof amber, ",\"sharing_group\":%s", group);
    static const char red[] = ",\"recipients\":[\"chn.fp\"]";

    /* 1 = sees it. Columns: author, owner org, group member, outsider, auditor, admin, anon. */
    struct probe {
        const char *name, *tlp;
        const char *extra;
        bool published;
        int see[R_COUNT];
        char id[64];
    } probes[] = {
        { "CLEAR", "TLP:CLEAR", "", true, { 1, 1, 1, 1, 1, 1, 1 }, "" },
        { "GREEN", "TLP:GREEN", "", true, { 1, 1, 1, 1, 0, 1, 0 }, "" },
        { "AMBER", "TLP:AMBER", amber, true, { 1, 1, 1, 0, 0, 1, 0 }, "" },
        { "AMBER+STRICT", "TLP:AMBER+STRICT", "", true, { 1, 1, 0, 0, 0, 1, 0 }, "" },
        { "RED", "TLP:RED", red, true, { 1, 0, 0, 1, 0, 1, 0 }, "" },
        /* Drafts: the owning organization's whatever the marking (its auditor reads CLEAR,
         * as it would once published); a RED draft only its author, never its recipients. */
        { "CLEAR draft", "TLP:CLEAR", "", false, { 1, 1, 0, 0, 1, 1, 0 }, "" },
        { "GREEN draft", "TLP:GREEN", "", false, { 1, 1, 0, 0, 0, 1, 0 }, "" },
        { "AMBER draft", "TLP:AMBER", amber, false, { 1, 1, 0, 0, 0, 1, 0 }, "" },
        { "RED draft", "TLP:RED", red, false, { 1, 0, 0, 0, 0, 1, 0 }, "" },
    };
    const size_t np = sizeof probes / sizeof probes[0];
    size_t len;
    unsigned char *png = png_bytes(8, &len);
    char aids[sizeof probes / sizeof probes[0]][64];
    for (size_t i = 0; i < np; i++) {
        char title[64];
        snprintf(title, sizeof title, "Matrix %s", probes[i].name);
        make_bulletin(&fra_fp, title, probes[i].tlp, probes[i].extra, false, probes[i].id);
        struct test_response r;
        upload(&fra_fp, probes[i].id, "probe.png", "image/png", png, len, &r);
        if (r.status != 201)
            fail_msg("%s: upload %d %s", probes[i].name, r.status, r.body);
        json_t *a = body_json(&r);
        snprintf(aids[i], sizeof aids[i], "%s", str(a, "id"));
        json_decref(a);
        test_response_free(&r);
        if (probes[i].published) {
            char path[128];
            snprintf(path, sizeof path, "/api/v1/bulletins/%s/publish", probes[i].id);
            json_decref(call_json(&fra_fp, "POST", path, NULL, 200));
        }
    }
    free(png);

    int wrong = 0;
    for (int rd = 0; rd < R_COUNT; rd++) {
        const struct test_session *u = reader_session((enum reader)rd);
        struct test_response r;
        test_world_call(u, "GET", "/api/v1/bulletins?limit=200", NULL, &r);
        if (r.status != 200)
            fail_msg("%s: list %d %s", reader_names[rd], r.status, r.body);
        json_t *list = body_json(&r);
        test_response_free(&r);
        json_t *items = json_object_get(list, "items");
        for (size_t i = 0; i < np; i++) {
            char path[1024];
            snprintf(path, sizeof path, "/api/v1/bulletins/%s", probes[i].id);
            int want = probes[i].see[rd] ? 200 : 404;
            int got = test_world_status(u, "GET", path, NULL);
            if (got != want) {
                printf("WRONG get: %-24s %-13s expected %d, got %d\n", reader_names[rd],
                       probes[i].name, want, got);
                wrong++;
            }
            snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments/%s", probes[i].id,
                     aids[i]);
            got = test_world_status(u, "GET", path, NULL);
            if (got != want) {
                printf("WRONG attachment: %-24s %-13s expected %d, got %d\n", reader_names[rd],
                       probes[i].name, want, got);
                wrong++;
            }
            bool listed = false;
            size_t k;
            json_t *it;
            json_array_foreach(items, k, it) if (strcmp(str(it, "id"), probes[i].id) == 0) listed =
                true;
            if (listed != (probes[i].see[rd] != 0)) {
                printf("WRONG list: %-24s %-13s expected %s, got %s\n", reader_names[rd],
                       probes[i].name, probes[i].see[rd] ? "listed" : "absent",
                       listed ? "listed" : "absent");
                wrong++;
            }
        }
        json_decref(list);
    }
    if (wrong)
        fail_msg("%d wrong cells in the bulletin visibility matrix (printed above)", wrong);

    /* The admin's reads of the RED and AMBER+STRICT bulletins were audited. */
    struct bh_error err;
    int64_t n = 0;
    must(db_exec_params(db,
                        "SELECT count(*) FROM audit_log WHERE action = 'bulletin.read' AND "
                        "record_id IN (?, ?)",
                        DB_PARAMS(DB_TEXT(probes[3].id), DB_TEXT(probes[4].id)), &n, NULL, &err),
         &err, "count admin reads");
    assert_true(n >= 4); /* a get and an attachment of each */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/bulletins-write-publish", api_bulletins_write_publish),
        BH_TEST("api/bulletins-invalid", api_bulletins_invalid),
        BH_TEST("api/bulletins-markdown-xss", api_bulletins_markdown_xss),
        BH_TEST("api/bulletins-attachments", api_bulletins_attachments),
        BH_TEST("api/bulletins-visibility-matrix", api_bulletins_visibility_matrix),
    };
    return cmocka_run_group_tests_name("api/bulletins", tests, setup, teardown);
}
