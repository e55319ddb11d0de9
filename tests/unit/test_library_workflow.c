/* The library's workflow in one store: who may submit, publish and withdraw, the states each
 * move leaves, publication only after another organization's approval in this review round
 * (admins excepted), published_at set once, each move a version of its own with its audit
 * entry and the feed event of publication; and the diff of two stored versions, a hidden
 * version refused. */
#include "support.h"

#include "base/timeutil.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-workflow-passphrase-2026"

enum { CHN, BRA, FRA, DPO, NORGS };
static const char *const codes[NORGS] = { "CHN", "BRA", "FRA", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal chn_rep, chn_fp, bra_fp, bra_end, admin;

/* The clock the rules read: held still, stepped by the tests. */
static int64_t clock_ms = 1796000000000;
static int64_t test_clock(void)
{
    return clock_ms;
}

static int setup(void **state)
{
    (void)state;
    time_set_clock(test_clock);
    db = test_db_with_orgs("library_workflow_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "chn.rep", org_ids[CHN], "CHN", ROLE_REPORTER, NULL, PW, &chn_rep);
    test_user_principal(db, "chn.fp", org_ids[CHN], "CHN", ROLE_FOCAL_POINT, NULL, PW, &chn_fp);
    test_user_principal(db, "bra.fp", org_ids[BRA], "BRA", ROLE_FOCAL_POINT, NULL, PW, &bra_fp);
    test_user_principal(db, "bra.end", org_ids[BRA], "BRA", ROLE_ENDORSER, NULL, PW, &bra_end);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    time_set_clock(NULL);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A new draft of `who`'s organization; its id (static, overwritten by the next call). */
static const char *create(const struct principal *who, const char *body)
{
    static char id[64];
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(library_create(db, who, b, &out, &err), &err, "library_create");
    snprintf(id, sizeof id, "%s", str(out, "id"));
    json_decref(b);
    json_decref(out);
    return id;
}

static void verdict(const struct principal *who, const char *id, const char *v)
{
    struct bh_error err;
    char text[128];
    snprintf(text, sizeof text, "{\"body\": \"Reviewed.\", \"verdict\": \"%s\"}", v);
    json_t *b = test_json(text), *out = NULL;
    must(library_comment_add(db, who, id, b, &out, &err), &err, "library_comment_add");
    json_decref(b);
    json_decref(out);
}

static int64_t count(const char *fmt, const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, id);
    return test_query_int(db, sql);
}

static const char *doc_text(const char *column, const char *id)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM document WHERE id = '%s'", column, id);
    return test_query_text(db, sql);
}

/* `expr` of the newest version of document `id`, as test_query_text gives it. */
static const char *last_version(const char *expr, const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM document_version v JOIN document d ON d.n = v.document_n WHERE "
             "d.id = '%s' ORDER BY v.version DESC LIMIT 1",
             expr, id);
    return test_query_text(db, sql);
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

/* The error names `want` (NULL: whatever it names). */
static void check_field(const char *got, const char *want)
{
    if (want)
        assert_string_equal(got, want);
}

/* unit/library-workflow-submit: a reporter writes but may not submit; another organization
 * cannot reach a draft; the owner's focal point submits once; each refusal writes nothing. */
static void unit_library_workflow_submit(void **state)
{
    (void)state;
    const char *id = create(&chn_rep, "{\"kind\": \"lesson\", \"title\": \"Convoy spacing\", "
                                      "\"tlp\": \"TLP:GREEN\"}");
    char doc[64];
    snprintf(doc, sizeof doc, "%s", id);
    int64_t audit_before = test_query_int(db, "SELECT count(*) FROM audit_log");

    assert_fails(library_submit(db, &chn_rep, doc, &o_, &e_), BH_EDENIED, NULL);
    assert_fails(library_submit(db, &bra_fp, doc, &o_, &e_), BH_ENOTFOUND, NULL);
    assert_fails(library_publish(db, &chn_fp, doc, &o_, &e_), BH_ECONFLICT, "status");
    assert_fails(library_withdraw(db, &chn_fp, doc, "why", &o_, &e_), BH_ECONFLICT, "status");
    assert_string_equal(doc_text("status", doc), "draft");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), audit_before);
    assert_int_equal(count("SELECT count(*) FROM document_version v JOIN document d ON d.n = "
                           "v.document_n WHERE d.id = '%s'",
                           doc),
                     1);

    struct bh_error err;
    json_t *out = NULL;
    must(library_submit(db, &chn_fp, doc, &out, &err), &err, "submit");
    assert_string_equal(str(out, "status"), "in_review");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    assert_non_null(str(out, "submitted_at"));
    json_decref(out);
    assert_string_equal(doc_text("status", doc), "in_review");
    /* The move is a version of its own, written in review, by the one who moved it. */
    char want[64];
    snprintf(want, sizeof want, "submitted|in_review|%lld", (long long)chn_fp.account_id);
    assert_string_equal(last_version("v.note || '|' || v.status || '|' || v.created_by", doc),
                        want);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'document.submit' AND "
                           "record_id = '%s'",
                           doc),
                     1);
    assert_fails(library_submit(db, &chn_fp, doc, &o_, &e_), BH_ECONFLICT, "status");
    /* In review, readers of its marking see it, and still may not move it. */
    assert_fails(library_withdraw(db, &bra_fp, doc, "no", &o_, &e_), BH_EDENIED, NULL);
    assert_fails(library_publish(db, &bra_fp, doc, &o_, &e_), BH_EDENIED, NULL);
}

/* unit/library-workflow-publish: publication needs an approval by another organization in
 * this review round; the owner's own approval is refused; an approval of an earlier round
 * does not count after a withdrawal; an admin publishes regardless; published_at is kept from
 * the first publication; the feed tells of each publication. */
static void unit_library_workflow_publish(void **state)
{
    (void)state;
    char doc[64];
    snprintf(doc, sizeof doc, "%s",
             create(&chn_fp, "{\"kind\": \"best_practice\", \"title\": \"Night patrols\", "
                             "\"tlp\": \"TLP:GREEN\"}"));
    struct bh_error err;
    json_t *out = NULL;
    must(library_submit(db, &chn_fp, doc, &out, &err), &err, "submit");
    json_decref(out);

    assert_fails(library_publish(db, &chn_fp, doc, &o_, &e_), BH_ECONFLICT, "reviews");
    /* "changes" is no approval. */
    verdict(&bra_fp, doc, "changes");
    assert_fails(library_publish(db, &chn_fp, doc, &o_, &e_), BH_ECONFLICT, "reviews");
    assert_string_equal(doc_text("status", doc), "in_review");

    clock_ms += 60000;
    verdict(&bra_end, doc, "approve");
    /* The review view's list carries the round's verdicts and the submission time (BRA's
     * "changes" and BRA's approval: one organization each way). */
    json_t *list = NULL;
    must(library_search(db, &chn_fp, &(struct library_query){ .status = "in_review", .limit = 20 },
                        &list, &err),
         &err, "search");
    json_t *item = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(str(item, "id"), doc);
    json_t *reviews = json_object_get(item, "reviews");
    assert_int_equal(json_integer_value(json_object_get(reviews, "approvals")), 1);
    assert_int_equal(json_integer_value(json_object_get(reviews, "changes")), 1);
    assert_non_null(json_string_value(json_object_get(item, "submitted_at")));
    json_decref(list);
    must(library_publish(db, &chn_fp, doc, &out, &err), &err, "publish");
    assert_string_equal(str(out, "status"), "published");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 3);
    char first_published[40];
    snprintf(first_published, sizeof first_published, "%s", str(out, "published_at"));
    json_decref(out);
    assert_int_equal(count("SELECT count(*) FROM feed_event WHERE kind = 'document' AND action = "
                           "'published' AND record_id = '%s'",
                           doc),
                     1);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'document.publish' AND "
                           "record_id = '%s'",
                           doc),
                     1);

    /* Withdrawn: a reason is required, and is the version's note. */
    assert_fails(library_withdraw(db, &chn_fp, doc, "  ", &o_, &e_), BH_EINVALID, "reason");
    assert_fails(library_withdraw(db, &chn_fp, doc, NULL, &o_, &e_), BH_EINVALID, "reason");
    char longer[LIBRARY_NOTE_MAX + 2];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_fails(library_withdraw(db, &chn_fp, doc, longer, &o_, &e_), BH_EINVALID, "reason");
    assert_string_equal(doc_text("status", doc), "published");
    clock_ms += 60000;
    must(library_withdraw(db, &chn_fp, doc, "figures to check", &out, &err), &err, "withdraw");
    assert_string_equal(str(out, "status"), "draft");
    json_decref(out);
    assert_string_equal(last_version("v.note", doc), "withdrawn: figures to check");

    /* A new round: the approval of the last one no longer counts, even within the second. */
    must(library_submit(db, &chn_fp, doc, &out, &err), &err, "submit again");
    json_decref(out);
    assert_fails(library_publish(db, &chn_fp, doc, &o_, &e_), BH_ECONFLICT, "reviews");
    /* The secretariat publishes without an approval; the first publication's time stays. */
    clock_ms += 60000;
    must(library_publish(db, &admin, doc, &out, &err), &err, "admin publish");
    assert_string_equal(str(out, "status"), "published");
    assert_string_equal(str(out, "published_at"), first_published);
    assert_string_equal(doc_text("published_at", doc), first_published);
    json_decref(out);
    assert_int_equal(count("SELECT count(*) FROM feed_event WHERE kind = 'document' AND action = "
                           "'published' AND record_id = '%s'",
                           doc),
                     2);
    /* Every move is in the history: 1 created, 2 submitted, 3 published, 4 withdrawn, 5
     * submitted, 6 published. */
    assert_int_equal(count("SELECT max(v.version) FROM document_version v JOIN document d ON "
                           "d.n = v.document_n WHERE d.id = '%s'",
                           doc),
                     6);
    assert_int_equal(count("SELECT version FROM document WHERE id = '%s'", doc), 6);
    assert_fails(library_publish(db, &admin, doc, &o_, &e_), BH_ECONFLICT, "status");
    assert_fails(library_submit(db, &chn_fp, "no-such-document", &o_, &e_), BH_ENOTFOUND, NULL);
}

static const json_t *field_of(const json_t *diff, const char *name)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(diff, "fields"), i, f)
    {
        if (strcmp(str(f, "field"), name) == 0)
            return f;
    }
    return NULL;
}

/* unit/library-diff-versions: the diff of two versions gives line diffs of the text fields
 * that changed and the before and after of the others; bad ranges are refused naming "from";
 * a missing version names its side; a draft version is hidden from another organization,
 * which is told it is not found, as for a version that does not exist. */
static void unit_library_diff_versions(void **state)
{
    (void)state;
    char doc[64];
    snprintf(doc, sizeof doc, "%s",
             create(&chn_fp, "{\"kind\": \"lesson\", \"title\": \"Water points\", \"body\": "
                             "\"one\\ntwo\\nthree\\n\", \"tlp\": \"TLP:GREEN\"}"));
    struct bh_error err;
    json_t *out = NULL;
    json_t *b = test_json("{\"body\": \"one\\n2\\nthree\\nfour\\n\", \"kind\": \"aar\"}");
    must(library_update(db, &chn_fp, doc, b, 1, &out, &err), &err, "update");
    json_decref(b);
    json_decref(out);

    must(library_diff(db, &chn_fp, doc, 1, 2, &out, &err), &err, "diff 1..2");
    assert_int_equal(json_integer_value(json_object_get(out, "from")), 1);
    assert_int_equal(json_integer_value(json_object_get(out, "to")), 2);
    assert_int_equal(json_array_size(json_object_get(out, "fields")), 2);
    const json_t *body = field_of(out, "body");
    assert_non_null(body);
    const char *want[][2] = {
        { "=", "one" }, { "-", "two" }, { "+", "2" }, { "=", "three" }, { "+", "four" }
    };
    const json_t *lines = json_object_get(body, "lines");
    assert_int_equal(json_array_size(lines), 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(str(json_array_get(lines, i), "op"), want[i][0]);
        assert_string_equal(str(json_array_get(lines, i), "text"), want[i][1]);
    }
    const json_t *kind = field_of(out, "kind");
    assert_non_null(kind);
    assert_string_equal(json_string_value(json_object_get(kind, "before")), "lesson");
    assert_string_equal(json_string_value(json_object_get(kind, "after")), "aar");
    assert_null(field_of(out, "title"));
    json_decref(out);

    assert_fails(library_diff(db, &chn_fp, doc, 2, 2, &o_, &e_), BH_EINVALID, "from");
    assert_fails(library_diff(db, &chn_fp, doc, 2, 1, &o_, &e_), BH_EINVALID, "from");
    assert_fails(library_diff(db, &chn_fp, doc, 0, 1, &o_, &e_), BH_EINVALID, "from");
    assert_fails(library_diff(db, &chn_fp, doc, 1, 9, &o_, &e_), BH_ENOTFOUND, "to");

    /* Submitted (3), approved, published (4): BRA sees the document and the versions
     * written since it left the draft, never the drafts. */
    must(library_submit(db, &chn_fp, doc, &out, &err), &err, "submit");
    json_decref(out);
    verdict(&bra_fp, doc, "approve");
    must(library_publish(db, &chn_fp, doc, &out, &err), &err, "publish");
    json_decref(out);
    must(library_diff(db, &bra_fp, doc, 3, 4, &out, &err), &err, "diff 3..4");
    const json_t *status = field_of(out, "status");
    assert_non_null(status);
    assert_string_equal(json_string_value(json_object_get(status, "before")), "in_review");
    assert_string_equal(json_string_value(json_object_get(status, "after")), "published");
    assert_null(field_of(out, "body"));
    json_decref(out);
    assert_fails(library_diff(db, &bra_fp, doc, 2, 4, &o_, &e_), BH_ENOTFOUND, "from");
    assert_fails(library_diff(db, &bra_fp, doc, 3, 5, &o_, &e_), BH_ENOTFOUND, "to");
    /* The owner sees them all. */
    must(library_diff(db, &chn_fp, doc, 2, 4, &out, &err), &err, "owner diff 2..4");
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-workflow-submit", unit_library_workflow_submit),
        BH_TEST("unit/library-workflow-publish", unit_library_workflow_publish),
        BH_TEST("unit/library-diff-versions", unit_library_diff_versions),
    };
    return cmocka_run_group_tests_name("unit/library-workflow", tests, setup, teardown);
}
