/* Comments, verdicts and endorsements of library documents in one store: threads, a hidden
 * parent shown as null, who may give which verdict on what, the leak rule (a comment keeps
 * the marking of its time: widening a RED document does not show its RED comments), the
 * notifications and the accounts they reach, and endorsements (never the owner's, published
 * only, one per organization). */
#include "support.h"

#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-comments-passphrase-2026"

enum { CHN, BRA, FRA, DPO, NORGS };
static const char *const codes[NORGS] = { "CHN", "BRA", "FRA", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal chn_rep, chn_fp, bra_fp, bra_end, bra_rep, fra_coord;

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("library_comments_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "chn.rep", org_ids[CHN], "CHN", ROLE_REPORTER, NULL, PW, &chn_rep);
    test_user_principal(db, "chn.fp", org_ids[CHN], "CHN", ROLE_FOCAL_POINT, NULL, PW, &chn_fp);
    test_user_principal(db, "bra.fp", org_ids[BRA], "BRA", ROLE_FOCAL_POINT, NULL, PW, &bra_fp);
    test_user_principal(db, "bra.end", org_ids[BRA], "BRA", ROLE_ENDORSER, NULL, PW, &bra_end);
    test_user_principal(db, "bra.rep", org_ids[BRA], "BRA", ROLE_REPORTER, NULL, PW, &bra_rep);
    test_user_principal(db, "fra.coord", org_ids[FRA], "FRA", ROLE_COORDINATOR, NULL, PW,
                        &fra_coord);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void check_field(const char *got, const char *want)
{
    if (want)
        assert_string_equal(got, want);
}

#define assert_fails(call, code, fld)  \
    do {                               \
        struct bh_error e_;            \
        json_t *o_ = NULL;             \
        bh_error_clear(&e_);           \
        int rc_ = (call);              \
        json_decref(o_);               \
        assert_int_equal(rc_, (code)); \
        check_field(e_.field, (fld));  \
    } while (0)

/* A draft by chn.rep (so the authors are chn.rep and, once it moves, chn.fp); its id in
 * `id` (64 bytes). `extra` adds members to the body. */
static void create(const char *title, const char *extra, char *id)
{
    char text[512];
    snprintf(text, sizeof text, "{\"kind\": \"lesson\", \"title\": \"%s\"%s}", title,
             extra ? extra : ", \"tlp\": \"TLP:GREEN\"");
    struct bh_error err;
    json_t *b = test_json(text), *out = NULL;
    must(library_create(db, &chn_rep, b, &out, &err), &err, "library_create");
    snprintf(id, 64, "%s", str(out, "id"));
    json_decref(b);
    json_decref(out);
}

static void submit(const char *id)
{
    struct bh_error err;
    json_t *out = NULL;
    must(library_submit(db, &chn_fp, id, &out, &err), &err, "library_submit");
    json_decref(out);
}

/* A comment by `who`; its id in `cid` (64 bytes, may be NULL). */
static void comment(const struct principal *who, const char *id, const char *body_json, char *cid)
{
    struct bh_error err;
    json_t *b = test_json(body_json), *out = NULL;
    must(library_comment_add(db, who, id, b, &out, &err), &err, "library_comment_add");
    if (cid)
        snprintf(cid, 64, "%s", str(out, "id"));
    json_decref(b);
    json_decref(out);
}

static json_t *comments(const struct principal *who, const char *id)
{
    struct bh_error err;
    json_t *items = json_array();
    must(library_comments(db, who, id, items, &err), &err, "library_comments");
    return items;
}

static int add(const struct principal *who, const char *id, const char *body_json,
               struct bh_error *err)
{
    json_t *b = test_json(body_json), *out = NULL;
    int rc = library_comment_add(db, who, id, b, &out, err);
    json_decref(b);
    json_decref(out);
    return rc;
}

static int64_t comment_count(void)
{
    return test_query_int(db, "SELECT count(*) FROM document_comment");
}

/* unit/library-comments-threads: comments oldest first, a reply names its parent; each bad
 * member is refused naming it and writes nothing. */
static void unit_library_comments_threads(void **state)
{
    (void)state;
    char doc[64], first[64], reply[64];
    create("Checkpoint drills", NULL, doc);
    submit(doc);
    comment(&bra_rep, doc, "{\"body\": \"Which drills?\"}", first);
    char text[256];
    snprintf(text, sizeof text, "{\"body\": \"The night ones.\", \"parent\": \"%s\"}", first);
    comment(&chn_rep, doc, text, reply);

    json_t *items = comments(&fra_coord, doc);
    assert_int_equal(json_array_size(items), 2);
    json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1);
    assert_string_equal(str(a, "id"), first);
    assert_true(json_is_null(json_object_get(a, "parent")));
    assert_string_equal(str(a, "body"), "Which drills?");
    assert_string_equal(str(a, "verdict"), "comment");
    assert_string_equal(str(a, "author"), "bra.rep");
    assert_string_equal(str(json_object_get(a, "org"), "code"), "BRA");
    assert_int_equal(json_integer_value(json_object_get(a, "version")), 2);
    assert_string_equal(str(b, "id"), reply);
    assert_string_equal(str(b, "parent"), first);
    assert_string_equal(str(json_object_get(b, "org"), "code"), "CHN");
    json_decref(items);

    int64_t before = comment_count();
    int64_t audit = test_query_int(db, "SELECT count(*) FROM audit_log");
    struct bh_error err;
    assert_int_equal(add(&bra_rep, doc, "{}", &err), BH_EINVALID);
    assert_string_equal(err.field, "body");
    assert_int_equal(add(&bra_rep, doc, "{\"body\": \" \\n \"}", &err), BH_EINVALID);
    assert_string_equal(err.field, "body");
    assert_int_equal(add(&bra_rep, doc, "{\"body\": 3}", &err), BH_EINVALID);
    assert_string_equal(err.field, "body");
    assert_int_equal(add(&bra_rep, doc, "{\"body\": \"x\", \"colour\": 1}", &err), BH_EINVALID);
    assert_string_equal(err.field, "colour");
    assert_int_equal(add(&bra_rep, doc, "{\"body\": \"x\", \"verdict\": \"maybe\"}", &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "verdict");
    assert_int_equal(add(&bra_rep, doc, "{\"body\": \"x\", \"parent\": \"nope\"}", &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "parent");
    char *big = malloc(LIBRARY_COMMENT_MAX + 32);
    strcpy(big, "{\"body\": \"");
    memset(big + 10, 'y', LIBRARY_COMMENT_MAX + 1);
    strcpy(big + 10 + LIBRARY_COMMENT_MAX + 1, "\"}");
    assert_int_equal(add(&bra_rep, doc, big, &err), BH_EINVALID);
    assert_string_equal(err.field, "body");
    free(big);
    /* A parent of another document is no parent here. */
    char other[64], other_comment[64];
    create("Other", NULL, other);
    comment(&chn_rep, other, "{\"body\": \"Note.\"}", other_comment);
    before = comment_count();
    snprintf(text, sizeof text, "{\"body\": \"x\", \"parent\": \"%s\"}", other_comment);
    assert_int_equal(add(&chn_rep, doc, text, &err), BH_EINVALID);
    assert_string_equal(err.field, "parent");
    assert_int_equal(add(&bra_rep, "no-such-document", "{\"body\": \"x\"}", &err), BH_ENOTFOUND);
    assert_int_equal(comment_count(), before);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audit + 2);
}

/* unit/library-comments-hidden-parent: a comment written on the draft stays the owner's; a
 * reply to it written in review is shown to others with "parent": null, and they cannot reply
 * to the hidden one. */
static void unit_library_comments_hidden_parent(void **state)
{
    (void)state;
    char doc[64], draft_note[64], reply[64];
    create("Radio discipline", NULL, doc);
    comment(&chn_fp, doc, "{\"body\": \"Internal: check the figures.\"}", draft_note);
    submit(doc);
    char text[256];
    snprintf(text, sizeof text, "{\"body\": \"Checked.\", \"parent\": \"%s\"}", draft_note);
    comment(&chn_rep, doc, text, reply);

    json_t *items = comments(&bra_fp, doc);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(str(json_array_get(items, 0), "id"), reply);
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "parent")));
    json_decref(items);
    items = comments(&chn_fp, doc);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 1), "parent"), draft_note);
    json_decref(items);

    struct bh_error err;
    assert_int_equal(add(&bra_fp, doc, text, &err), BH_EINVALID);
    assert_string_equal(err.field, "parent");
}

/* unit/library-comments-verdicts: a draft takes no verdict; in review, the owner's
 * organization cannot approve its own, a reporter cannot review, another organization's
 * reviewer can; a published document takes no verdict. */
static void unit_library_comments_verdicts(void **state)
{
    (void)state;
    char doc[64];
    create("Medevac timings", NULL, doc);
    int64_t before = comment_count();
    assert_fails(add(&chn_fp, doc, "{\"body\": \"ok\", \"verdict\": \"approve\"}", &e_),
                 BH_ECONFLICT, "verdict");
    submit(doc);
    assert_fails(add(&chn_fp, doc, "{\"body\": \"ok\", \"verdict\": \"approve\"}", &e_), BH_EDENIED,
                 "verdict");
    assert_fails(add(&bra_rep, doc, "{\"body\": \"ok\", \"verdict\": \"approve\"}", &e_),
                 BH_EDENIED, "verdict");
    assert_int_equal(comment_count(), before);
    comment(&bra_end, doc, "{\"body\": \"Add the night figures.\", \"verdict\": \"changes\"}",
            NULL);
    comment(&bra_end, doc, "{\"body\": \"Now fine.\", \"verdict\": \"approve\"}", NULL);
    json_t *items = comments(&chn_rep, doc);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "verdict"), "changes");
    assert_string_equal(str(json_array_get(items, 1), "verdict"), "approve");
    json_decref(items);
    struct bh_error err;
    json_t *out = NULL;
    must(library_publish(db, &chn_fp, doc, &out, &err), &err, "publish");
    json_decref(out);
    assert_fails(add(&fra_coord, doc, "{\"body\": \"ok\", \"verdict\": \"approve\"}", &e_),
                 BH_ECONFLICT, "verdict");
    comment(&fra_coord, doc, "{\"body\": \"Useful.\"}", NULL);
}

/* unit/library-comments-leak: a comment written while the document was RED keeps its
 * readers: once the document is widened to GREEN, a GREEN reader sees the document and the
 * comments written since, never the RED one. */
static void unit_library_comments_leak(void **state)
{
    (void)state;
    char doc[64], secret[64], open[64];
    create("Informant handling", ", \"tlp\": \"TLP:RED\", \"recipients\": [\"chn.fp\", \"bra.fp\"]",
           doc);
    submit(doc);
    comment(&bra_fp, doc, "{\"body\": \"The source is named in line 3.\"}", secret);
    struct bh_error err;
    json_t *items = json_array();
    assert_int_equal(library_comments(db, &fra_coord, doc, items, &err), BH_ENOTFOUND);
    json_decref(items);

    json_t *b = test_json("{\"tlp\": \"TLP:GREEN\"}"), *out = NULL;
    must(library_update(db, &chn_fp, doc, b, 0, &out, &err), &err, "widen");
    json_decref(b);
    json_decref(out);
    comment(&chn_fp, doc, "{\"body\": \"Names removed.\"}", open);

    items = comments(&fra_coord, doc);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(str(json_array_get(items, 0), "id"), open);
    json_decref(items);
    /* Its readers still see it. */
    items = comments(&bra_fp, doc);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "id"), secret);
    json_decref(items);
    /* Nor can the GREEN reader reply to it. */
    char text[256];
    snprintf(text, sizeof text, "{\"body\": \"?\", \"parent\": \"%s\"}", secret);
    assert_int_equal(add(&fra_coord, doc, text, &err), BH_EINVALID);
    assert_string_equal(err.field, "parent");
}

/* Notifications of `kind` about document `id` for account `account`. */
static int64_t told(const struct principal *account, const char *kind, const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE account_id = %lld AND kind = '%s' AND "
             "record_type = 'document' AND record_id = '%s' AND link = '/library/%s'",
             (long long)account->account_id, kind, id, id);
    return test_query_int(db, sql);
}

/* unit/library-comments-notify: the authors (the versions' writers) are told of a comment
 * and of a verdict, the parent's writer of a reply, never the writer themself. */
static void unit_library_comments_notify(void **state)
{
    (void)state;
    char doc[64], review[64];
    create("Fuel convoys", NULL, doc);
    submit(doc); /* authors: chn.rep (version 1), chn.fp (version 2) */
    comment(&bra_end, doc, "{\"body\": \"Approved.\", \"verdict\": \"approve\"}", review);
    assert_int_equal(told(&chn_rep, "library.review", doc), 1);
    assert_int_equal(told(&chn_fp, "library.review", doc), 1);
    assert_int_equal(told(&bra_end, "library.review", doc), 0);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT params FROM notification WHERE account_id = %lld AND kind = "
             "'library.review' AND record_id = '%s'",
             (long long)chn_rep.account_id, doc);
    json_t *params = test_json(test_query_text(db, sql));
    assert_string_equal(str(params, "title"), "Fuel convoys");
    assert_string_equal(str(params, "verdict"), "approve");
    assert_string_equal(str(params, "org"), "BRA");
    json_decref(params);

    char text[256];
    snprintf(text, sizeof text, "{\"body\": \"Thanks.\", \"parent\": \"%s\"}", review);
    comment(&chn_rep, doc, text, NULL);
    assert_int_equal(told(&bra_end, "library.reply", doc), 1);
    assert_int_equal(told(&chn_fp, "library.comment", doc), 1);
    assert_int_equal(told(&chn_rep, "library.comment", doc), 0);
    assert_int_equal(told(&chn_rep, "library.reply", doc), 0);
    /* A plain comment by another organization tells both authors, nobody else. */
    comment(&fra_coord, doc, "{\"body\": \"Good.\"}", NULL);
    assert_int_equal(told(&chn_rep, "library.comment", doc), 1);
    assert_int_equal(told(&chn_fp, "library.comment", doc), 2);
    assert_int_equal(told(&bra_end, "library.comment", doc), 0);
    assert_int_equal(told(&fra_coord, "library.comment", doc), 0);
}

/* unit/library-endorse: never by the owner, published only, by library.endorse holders;
 * twice is one; the count, the organizations and "mine"; the authors told once; withdrawing
 * it. */
static void unit_library_endorse(void **state)
{
    (void)state;
    char doc[64];
    create("Community liaison", NULL, doc);
    submit(doc);
    assert_fails(library_endorse(db, &bra_fp, doc, NULL, &o_, &e_), BH_ECONFLICT, "status");
    comment(&bra_end, doc, "{\"body\": \"Sound.\", \"verdict\": \"approve\"}", NULL);
    struct bh_error err;
    json_t *out = NULL;
    must(library_publish(db, &chn_fp, doc, &out, &err), &err, "publish");
    json_decref(out);

    int64_t rows = test_query_int(db, "SELECT count(*) FROM document_endorsement");
    assert_fails(library_endorse(db, &chn_fp, doc, NULL, &o_, &e_), BH_EDENIED, NULL);
    assert_fails(library_endorse(db, &bra_end, doc, NULL, &o_, &e_), BH_EDENIED, NULL);
    char longer[LIBRARY_NOTE_MAX + 2];
    memset(longer, 'n', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_fails(library_endorse(db, &bra_fp, doc, longer, &o_, &e_), BH_EINVALID, "note");
    assert_fails(library_endorse(db, &bra_fp, "no-such-document", NULL, &o_, &e_), BH_ENOTFOUND,
                 NULL);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM document_endorsement"), rows);

    must(library_endorse(db, &bra_fp, doc, "We apply it.", &out, &err), &err, "endorse");
    assert_int_equal(json_integer_value(json_object_get(out, "count")), 1);
    assert_true(json_is_true(json_object_get(out, "mine")));
    assert_string_equal(str(json_array_get(json_object_get(out, "orgs"), 0), "code"), "BRA");
    json_decref(out);
    must(library_endorse(db, &bra_fp, doc, NULL, &out, &err), &err, "endorse again");
    assert_int_equal(json_integer_value(json_object_get(out, "count")), 1);
    json_decref(out);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'document.endorse' AND record_id = "
             "'%s'",
             doc);
    assert_int_equal(test_query_int(db, sql), 1);
    assert_int_equal(told(&chn_rep, "library.endorsed", doc), 1);
    assert_int_equal(told(&chn_fp, "library.endorsed", doc), 1);
    assert_int_equal(told(&bra_fp, "library.endorsed", doc), 0);

    must(library_endorse(db, &fra_coord, doc, NULL, &out, &err), &err, "FRA endorses");
    assert_int_equal(json_integer_value(json_object_get(out, "count")), 2);
    assert_true(json_is_true(json_object_get(out, "mine")));
    json_decref(out);
    /* library_get shows the same object. */
    must(library_get(db, &bra_fp, doc, &out, &err), &err, "get");
    json_t *e = json_object_get(out, "endorsements");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 2);
    assert_true(json_is_true(json_object_get(e, "mine")));
    json_decref(out);

    must(library_unendorse(db, &bra_fp, doc, &out, &err), &err, "unendorse");
    assert_int_equal(json_integer_value(json_object_get(out, "count")), 1);
    assert_false(json_is_true(json_object_get(out, "mine")));
    assert_string_equal(str(json_array_get(json_object_get(out, "orgs"), 0), "code"), "FRA");
    json_decref(out);
    must(library_unendorse(db, &bra_fp, doc, &out, &err), &err, "unendorse again");
    assert_int_equal(json_integer_value(json_object_get(out, "count")), 1);
    json_decref(out);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'document.unendorse' AND record_id "
             "= '%s'",
             doc);
    assert_int_equal(test_query_int(db, sql), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-comments-threads", unit_library_comments_threads),
        BH_TEST("unit/library-comments-hidden-parent", unit_library_comments_hidden_parent),
        BH_TEST("unit/library-comments-verdicts", unit_library_comments_verdicts),
        BH_TEST("unit/library-comments-leak", unit_library_comments_leak),
        BH_TEST("unit/library-comments-notify", unit_library_comments_notify),
        BH_TEST("unit/library-endorse", unit_library_endorse),
    };
    return cmocka_run_group_tests_name("unit/library-comments", tests, setup, teardown);
}
