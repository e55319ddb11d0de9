/* The library's documents in one store: every bad member named with nothing written, the tag
 * vocabularies, links checked against the writer and hidden from a reader who may not see
 * them, RED readers, If-Match, drafts kept to their organization, delete of drafts only,
 * attachments under the document's visibility, the "can" flags per role, and a document as an
 * action's evidence. */
#include "support.h"

#include "action/action.h"
#include "base/timeutil.h"
#include "commitment/commitment.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-test-passphrase-2026"

enum { FRA, RWA, CHN, DPO, NORGS };
static const char *const codes[NORGS] = { "FRA", "RWA", "CHN", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal fra_fp, fra_rep, fra_analyst, rwa_fp, rwa_rep, chn_fp, admin;

static int64_t held_clock(void)
{
    return 1796083200000; /* 2026-12-01T00:00:00Z */
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("library_document_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "fra.fp", org_ids[FRA], "FRA", ROLE_FOCAL_POINT, NULL, PW, &fra_fp);
    test_user_principal(db, "fra.rep", org_ids[FRA], "FRA", ROLE_REPORTER, NULL, PW, &fra_rep);
    test_user_principal(db, "fra.analyst", org_ids[FRA], "FRA", ROLE_ANALYST, NULL, PW,
                        &fra_analyst);
    test_user_principal(db, "rwa.fp", org_ids[RWA], "RWA", ROLE_FOCAL_POINT, NULL, PW, &rwa_fp);
    test_user_principal(db, "rwa.rep", org_ids[RWA], "RWA", ROLE_REPORTER, NULL, PW, &rwa_rep);
    test_user_principal(db, "chn.fp", org_ids[CHN], "CHN", ROLE_FOCAL_POINT, NULL, PW, &chn_fp);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    time_set_clock(held_clock);
    /* An incident only FRA reads, and one every member reads. */
    static const struct test_incident inc[] = {
        { "inc-fra", "MINUSCA", "2026-10-02T08:00:00Z", 4.36, 18.55, "Ambush", "FRA",
          "AMBER+STRICT", NULL },
        { "inc-green", "MINUSCA", "2026-10-03T08:00:00Z", 4.36, 18.55, "IED", "FRA", "GREEN",
          NULL },
    };
    test_insert_incidents(db, inc, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *create_as(const struct principal *who, const char *body)
{
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(library_create(db, who, b, &out, &err), &err, body);
    json_decref(b);
    return out;
}

static int64_t rows(void)
{
    return test_query_int(db, "SELECT (SELECT count(*) FROM document) + (SELECT count(*) FROM "
                              "document_tag) + (SELECT count(*) FROM document_link) + (SELECT "
                              "count(*) FROM document_version) + (SELECT count(*) FROM audit_log)");
}

#define BASE "\"kind\":\"lesson\",\"title\":\"Convoy spacing\""

/* library/document-invalid: each bad member is refused naming it, and nothing is written. */
static void document_invalid(void **state)
{
    (void)state;
    char big[LIBRARY_SUMMARY_MAX + 64];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *too_long = malloc(sizeof big + 200);
    snprintf(too_long, sizeof big + 200, "{" BASE ",\"summary\":\"%s\"}", big);
    static const struct {
        const char *body, *field;
        int code;
    } cases[] = {
        { "{\"title\":\"t\"}", "kind", BH_EINVALID },
        { "{\"kind\":\"memo\",\"title\":\"t\"}", "kind", BH_EINVALID },
        { "{\"kind\":\"lesson\"}", "title", BH_EINVALID },
        { "{\"kind\":\"lesson\",\"title\":\"\"}", "title", BH_EINVALID },
        { "{\"kind\":\"lesson\",\"title\":\"a\\u0007b\"}", "title", BH_EINVALID },
        { "{" BASE ",\"context\":5}", "context", BH_EINVALID },
        { "{" BASE ",\"language\":\"de\"}", "language", BH_EINVALID },
        { "{" BASE ",\"occurred_on\":\"2026-02-30\"}", "occurred_on", BH_EINVALID },
        { "{" BASE ",\"occurred_on\":\"2026-12-02\"}", "occurred_on", BH_EINVALID },
        { "{" BASE ",\"tags\":[]}", "tags", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"colour\":[\"red\"]}}", "tags.colour", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"threat\":[\"ied\",\"laser\"]}}", "tags.threat[1]", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"mission\":[\"MINUSXX\"]}}", "tags.mission[0]", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"activity\":[\"patrolling\"]}}", "tags.activity[0]", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"a4p\":[\"money\"]}}", "tags.a4p[0]", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"keyword\":[\"  \"]}}", "tags.keyword[0]", BH_EINVALID },
        { "{" BASE ",\"tags\":{\"keyword\":[\"a\\nb\"]}}", "tags.keyword[0]", BH_EINVALID },
        { "{" BASE ",\"links\":{}}", "links", BH_EINVALID },
        { "{" BASE ",\"links\":[{\"type\":\"bulletin\",\"id\":\"x\"}]}", "links[0].type",
          BH_EINVALID },
        { "{" BASE ",\"links\":[{\"type\":\"incident\",\"id\":\"nope\"}]}", "links[0].id",
          BH_EINVALID },
        { "{" BASE ",\"links\":[{\"type\":\"incident\",\"id\":\"inc-green\"},{\"type\":"
          "\"incident\",\"id\":\"inc-green\"}]}",
          "links[1].id", BH_EINVALID },
        { "{" BASE ",\"tlp\":\"WHITE\"}", "tlp", BH_EINVALID },
        { "{" BASE ",\"tlp\":\"AMBER\"}", "sharing_group", BH_EINVALID },
        { "{" BASE ",\"tlp\":\"RED\",\"recipients\":[\"nobody\"]}", "recipients", BH_EINVALID },
        { "{" BASE ",\"colour\":\"red\"}", "colour", BH_EINVALID },
        { NULL, "summary", BH_ETOOLARGE },
    };
    int64_t before = rows();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err = { 0 };
        json_t *b = test_json(cases[i].body ? cases[i].body : too_long), *out = NULL;
        int rc = library_create(db, &fra_fp, b, &out, &err);
        json_decref(b);
        if (rc != cases[i].code || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu (%s): expected %d naming %s, got %d naming '%s': %s", i,
                     cases[i].body ? cases[i].body : "long summary", cases[i].code, cases[i].field,
                     rc, err.field, err.message);
        assert_null(out);
    }
    free(too_long);
    assert_int_equal(rows(), before);
    /* Nobody without library.write writes. */
    struct bh_error err;
    json_t *b = test_json("{" BASE "}"), *out = NULL;
    assert_int_equal(library_create(db, &fra_analyst, b, &out, &err), BH_EDENIED);
    json_decref(b);
    assert_int_equal(rows(), before);
}

/* library/tags: the vocabularies, values checked and de-duplicated, keywords trimmed and
 * folded, every facet present in order. */
static void document_tags(void **state)
{
    (void)state;
    assert_string_equal(library_activities[0], "patrol");
    size_t n = 0;
    while (library_a4p_areas[n])
        n++;
    assert_int_equal(n, 8);
    struct bh_error err;
    json_t *in = test_json("{\"keyword\":[\" Night moves \",\"night MOVES\",\"dust\"],"
                           "\"threat\":[\"ied\",\"ied\",\"ambush\"],\"mission\":[\"MINUSCA\"],"
                           "\"a4p\":[\"wps\"],\"activity\":[\"convoy\"]}"),
           *out = NULL;
    must(library_tags_read(db, in, &out, &err), &err, "tags");
    char *text = json_dumps(out, JSON_COMPACT);
    assert_string_equal(text, "{\"threat\":[\"ied\",\"ambush\"],\"mission\":[\"MINUSCA\"],"
                              "\"activity\":[\"convoy\"],\"a4p\":[\"wps\"],\"keyword\":"
                              "[\"Night moves\",\"dust\"]}");
    free(text);
    json_decref(out);
    json_decref(in);
    char many[2048] = "{\"keyword\":[";
    for (int i = 0; i <= LIBRARY_TAGS_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s\"k%d\"", i ? "," : "", i);
    strcat(many, "]}");
    in = test_json(many);
    assert_int_equal(library_tags_read(db, in, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "tags.keyword");
    json_decref(in);
}

/* library/links: a link to a record the writer cannot see is refused like a missing one; a
 * reader who cannot see a linked record gets it as hidden, without its id. */
static void document_links(void **state)
{
    (void)state;
    struct bh_error err;
    json_t *b = test_json("{" BASE ",\"links\":[{\"type\":\"incident\",\"id\":\"inc-fra\"}]}"),
           *out = NULL;
    assert_int_equal(library_create(db, &rwa_fp, b, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "links[0].id");
    assert_contains(err.message, "no incident has the id 'inc-fra'");
    json_decref(b);
    json_t *d = create_as(&fra_fp, "{" BASE ",\"tlp\":\"GREEN\",\"links\":[{\"type\":"
                                   "\"incident\",\"id\":\"inc-fra\"},{\"type\":\"incident\","
                                   "\"id\":\"inc-green\"}]}");
    json_t *l0 = json_array_get(json_object_get(d, "links"), 0);
    assert_string_equal(str(l0, "id"), "inc-fra");
    assert_string_equal(str(l0, "label"), "MINUSCA 2026-10-02");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    /* Published (as the workflow would), RWA reads it: one link hidden, one shown. */
    test_exec(db, "UPDATE document SET status = 'published'");
    must(library_get(db, &rwa_fp, id, &d, &err), &err, "get as RWA");
    l0 = json_array_get(json_object_get(d, "links"), 0);
    assert_true(json_is_true(json_object_get(l0, "hidden")));
    assert_null(json_object_get(l0, "id"));
    assert_null(json_object_get(l0, "label"));
    assert_string_equal(str(l0, "type"), "incident");
    json_t *l1 = json_array_get(json_object_get(d, "links"), 1);
    assert_string_equal(str(l1, "id"), "inc-green");
    json_decref(d);
    test_exec(db, "UPDATE document SET status = 'draft'");
}

/* library/red-readers: a RED document is its named readers' and its writer's; the readers
 * are listed to them. */
static void document_red(void **state)
{
    (void)state;
    json_t *d = create_as(&fra_fp, "{" BASE ",\"tlp\":\"TLP:RED\",\"recipients\":[\"rwa.fp\"]}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    assert_string_equal(str(d, "tlp"), "TLP:RED");
    char *names = json_dumps(json_object_get(d, "recipients"), JSON_COMPACT);
    assert_string_equal(names, "[\"fra.fp\",\"rwa.fp\"]");
    free(names);
    json_decref(d);
    test_exec(db, "UPDATE document SET status = 'in_review'");
    struct bh_error err;
    json_t *got = NULL;
    must(library_get(db, &rwa_fp, id, &got, &err), &err, "named reader");
    json_decref(got);
    assert_int_equal(library_get(db, &rwa_rep, id, &got, &err), BH_ENOTFOUND);
    assert_int_equal(library_get(db, &fra_rep, id, &got, &err), BH_ENOTFOUND);
    /* An admin reads it, and the read is audited. */
    int64_t reads = test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                       "'document.read'");
    must(library_get(db, &admin, id, &got, &err), &err, "admin");
    json_decref(got);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'document.read'"),
                     reads + 1);
    test_exec(db, "UPDATE document SET status = 'draft'");
}

/* library/update: If-Match, the owner's organization only, a published document stays
 * published, tags replaced whole, the audit names the changed members. */
static void document_update(void **state)
{
    (void)state;
    json_t *d = create_as(&fra_rep, "{" BASE ",\"tlp\":\"GREEN\",\"tags\":{\"threat\":"
                                    "[\"ied\"],\"keyword\":[\"spacing\"]}}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 1);
    json_decref(d);
    struct bh_error err;
    json_t *b = test_json("{\"summary\":\"Keep 50 m\",\"tags\":{\"threat\":[\"ambush\"]}}"),
           *out = NULL;
    assert_int_equal(library_update(db, &fra_fp, id, b, 7, &out, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "If-Match");
    assert_int_equal(library_update(db, &rwa_fp, id, b, 1, &out, &err), BH_ENOTFOUND);
    test_exec(db, "UPDATE document SET status = 'published'");
    assert_int_equal(library_update(db, &rwa_fp, id, b, 1, &out, &err), BH_EDENIED);
    must(library_update(db, &fra_fp, id, b, 1, &out, &err), &err, "update");
    json_decref(b);
    assert_string_equal(str(out, "status"), "published");
    assert_string_equal(str(out, "summary"), "Keep 50 m");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    json_t *tags = json_object_get(out, "tags");
    assert_int_equal(json_array_size(json_object_get(tags, "threat")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(tags, "threat"), 0)),
                        "ambush");
    assert_int_equal(json_array_size(json_object_get(tags, "keyword")), 0);
    json_decref(out);
    assert_string_equal(test_query_text(db, "SELECT summary FROM audit_log WHERE action = "
                                            "'document.update' ORDER BY seq DESC LIMIT 1"),
                        "{\"changed\":[\"summary\",\"tags\"],\"version\":2}");
}

/* library/drafts-delete: a draft is invisible to other organizations; only a draft is
 * deleted, with its versions, tags, readers and attachments. */
static void document_drafts_delete(void **state)
{
    (void)state;
    json_t *d = create_as(&fra_fp, "{" BASE ",\"tlp\":\"CLEAR\",\"tags\":{\"keyword\":[\"x\"]}}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    struct bh_error err;
    json_t *got = NULL;
    assert_int_equal(library_get(db, &rwa_fp, id, &got, &err), BH_ENOTFOUND);
    assert_int_equal(library_get(db, NULL, id, &got, &err), BH_ENOTFOUND);
    must(library_get(db, &fra_rep, id, &got, &err), &err, "own org reads its draft");
    json_decref(got);
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0 };
    json_t *att = NULL;
    must(library_attach(db, &fra_fp, id, "p.png", png, sizeof png, &att, &err), &err, "attach");
    json_decref(att);
    assert_int_equal(library_delete(db, &rwa_fp, id, &err), BH_ENOTFOUND);
    test_exec(db, "UPDATE document SET status = 'in_review' WHERE tlp = 'CLEAR'");
    assert_int_equal(library_delete(db, &fra_fp, id, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "status");
    test_exec(db, "UPDATE document SET status = 'draft' WHERE tlp = 'CLEAR'");
    must(library_delete(db, &fra_fp, id, &err), &err, "delete");
    assert_int_equal(library_get(db, &fra_fp, id, &got, &err), BH_ENOTFOUND);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM document_version WHERE id LIKE '%s/%%') + (SELECT "
             "count(*) FROM attachment WHERE record_id = '%s') + (SELECT count(*) FROM "
             "document_tag WHERE value = 'x')",
             id, id);
    assert_int_equal(test_query_int(db, sql), 0);
}

/* library/attachments: round trip, and a hidden document's attachment is a 404. */
static void document_attachments(void **state)
{
    (void)state;
    json_t *d = create_as(&fra_fp, "{" BASE ",\"tlp\":\"GREEN\"}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    static const char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    struct bh_error err;
    json_t *att = NULL;
    assert_int_equal(library_attach(db, &rwa_fp, id, "a.pdf", pdf, sizeof pdf - 1, &att, &err),
                     BH_ENOTFOUND);
    must(library_attach(db, &fra_fp, id, "a.pdf", pdf, sizeof pdf - 1, &att, &err), &err, "attach");
    char aid[64];
    snprintf(aid, sizeof aid, "%s", str(att, "id"));
    json_decref(att);
    struct attachment a;
    must(library_attachment_get(db, &fra_rep, id, aid, &a, &err), &err, "read back");
    assert_int_equal(a.size, (int64_t)(sizeof pdf - 1));
    assert_memory_equal(a.data, pdf, sizeof pdf - 1);
    assert_string_equal(a.content_type, "application/pdf");
    attachment_cleanup(&a);
    assert_int_equal(library_attachment_get(db, &rwa_fp, id, aid, &a, &err), BH_ENOTFOUND);
    json_t *got = NULL;
    must(library_get(db, &fra_fp, id, &got, &err), &err, "get");
    assert_int_equal(json_array_size(json_object_get(got, "attachments")), 1);
    json_decref(got);
}

static bool can(const json_t *doc, const char *what)
{
    return json_is_true(json_object_get(json_object_get(doc, "can"), what));
}

/* library/can: what each role may do, per status. */
static void document_can(void **state)
{
    (void)state;
    json_t *d = create_as(&fra_rep, "{" BASE ",\"tlp\":\"GREEN\"}");
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    assert_true(can(d, "edit"));
    assert_false(can(d, "submit")); /* a reporter writes, the focal point submits */
    json_decref(d);
    struct bh_error err;
    must(library_get(db, &fra_fp, id, &d, &err), &err, "fp");
    assert_true(can(d, "edit") && can(d, "submit"));
    assert_false(can(d, "publish") || can(d, "withdraw") || can(d, "review") || can(d, "endorse"));
    json_decref(d);
    test_exec(db, "UPDATE document SET status = 'in_review', submitted_at = "
                  "'2026-11-30T00:00:00Z' WHERE tlp = 'GREEN' AND status = 'draft'");
    must(library_get(db, &rwa_fp, id, &d, &err), &err, "rwa in review");
    assert_true(can(d, "review") && can(d, "comment"));
    assert_false(can(d, "edit") || can(d, "submit") || can(d, "publish") || can(d, "endorse"));
    json_decref(d);
    must(library_get(db, &fra_fp, id, &d, &err), &err, "fra in review");
    assert_false(can(d, "publish")); /* no approval yet */
    assert_true(can(d, "withdraw"));
    assert_false(can(d, "review"));
    json_decref(d);
    must(library_get(db, &fra_analyst, id, &d, &err), &err, "analyst");
    assert_true(can(d, "comment"));
    assert_false(can(d, "edit") || can(d, "review"));
    json_decref(d);
    test_exec(db, "UPDATE document SET status = 'published' WHERE status = 'in_review' AND "
                  "tlp = 'GREEN'");
    must(library_get(db, &rwa_fp, id, &d, &err), &err, "rwa published");
    assert_true(can(d, "endorse"));
    assert_false(can(d, "review"));
    json_decref(d);
    must(library_get(db, &rwa_rep, id, &d, &err), &err, "rwa reporter");
    assert_false(can(d, "endorse"));
    json_decref(d);
    must(library_get(db, &admin, id, &d, &err), &err, "admin");
    assert_true(can(d, "edit") && can(d, "withdraw"));
    json_decref(d);
}

static json_t *progress(const struct principal *who, const char *action, const char *body, int want,
                        const char *field)
{
    struct bh_error err = { 0 };
    json_t *b = test_json(body), *out = NULL;
    int rc = action_add_update(db, who, action, b, &out, &err);
    json_decref(b);
    if (rc != want || (field && strcmp(err.field, field) != 0))
        fail_msg("expected %d naming %s, got %d naming '%s': %s", want, field ? field : "-", rc,
                 err.field, err.message);
    return out;
}

/* library/action-evidence: a document is an action's evidence, checked against its writer
 * and shown hidden to a reader who may not see it. */
static void document_action_evidence(void **state)
{
    (void)state;
    struct bh_error err;
    json_t *body = test_json("{\"title\":\"Casualty care\",\"source\":\"ap2017\",\"ap2017_"
                             "area\":\"capacities\",\"made_on\":\"2026-11-15\",\"tlp\":"
                             "\"GREEN\"}"),
           *out = NULL;
    must(commitment_create(db, &fra_fp, body, NULL, &out, &err), &err, "commitment");
    char cid[64], aid[64], did[64];
    snprintf(cid, sizeof cid, "%s", str(out, "id"));
    json_decref(out);
    json_decref(body);
    body = test_json("{\"title\":\"Train medics\",\"mission\":\"MINUSCA\",\"responsible_org\":"
                     "\"RWA\",\"due_date\":\"2026-12-20\",\"tlp\":\"GREEN\"}");
    must(action_create(db, &fra_fp, cid, body, &out, &err), &err, "action");
    snprintf(aid, sizeof aid, "%s", str(out, "id"));
    json_decref(out);
    json_decref(body);
    json_t *d = create_as(&rwa_fp, "{\"kind\":\"aar\",\"title\":\"Medic drill\",\"tlp\":"
                                   "\"GREEN\"}");
    snprintf(did, sizeof did, "%s", str(d, "id"));
    json_decref(d);
    char ev[256];
    snprintf(ev, sizeof ev,
             "{\"evidence\":[{\"kind\":\"document\",\"ref\":\"%s\",\"label\":\"Drill\"}]}", did);
    /* FRA cannot see RWA's draft: not evidence FRA may give. */
    json_decref(progress(&fra_fp, aid, ev, BH_EINVALID, "evidence[0].ref"));
    json_decref(progress(&rwa_rep, aid, ev, 0, NULL));
    json_t *got = NULL;
    must(action_get(db, &fra_fp, aid, &got, &err), &err, "get as FRA");
    json_t *e = json_array_get(
        json_object_get(json_array_get(json_object_get(got, "updates"), 0), "evidence"), 0);
    assert_true(json_is_true(json_object_get(e, "hidden")));
    assert_null(json_object_get(e, "ref"));
    json_decref(got);
    must(action_get(db, &rwa_fp, aid, &got, &err), &err, "get as RWA");
    e = json_array_get(
        json_object_get(json_array_get(json_object_get(got, "updates"), 0), "evidence"), 0);
    assert_string_equal(str(e, "ref"), did);
    json_decref(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("library/document-invalid", document_invalid),
        BH_TEST("library/tags", document_tags),
        BH_TEST("library/links", document_links),
        BH_TEST("library/red-readers", document_red),
        BH_TEST("library/update", document_update),
        BH_TEST("library/drafts-delete", document_drafts_delete),
        BH_TEST("library/attachments", document_attachments),
        BH_TEST("library/can", document_can),
        BH_TEST("library/action-evidence", document_action_evidence),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
