/* Comments on a document, threaded, and the reviewers' verdicts. A comment keeps the marking
 * and status the document had when it was written (and its RED readers), and is read under
 * that marking *and* the document's current one: a remark written for the few readers of a
 * RED draft must not reach everyone once the document is published GREEN. */
#include "library/library.h"

#include "library/internal.h"

#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/marking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdicts[] = { "comment", "approve", "changes", NULL };

struct comment_input {
    const char *body;
    const char *parent; /* NULL: a comment of its own */
    const char *verdict;
};

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return false;
    return true;
}

static int read_input(const json_t *body, struct comment_input *in, struct bh_error *err)
{
    static const char *const known[] = { "body", "parent", "verdict", NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the comment must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "body", true, LIBRARY_COMMENT_MAX, &in->body, err);
    if (!rc && blank(in->body))
        rc = bh_fail(err, BH_EINVALID, "body", "the comment is empty");
    if (!rc)
        rc = jsonfield_string(body, "parent", false, 64, &in->parent, err);
    if (!rc)
        rc = jsonfield_string(body, "verdict", false, 16, &in->verdict, err);
    if (rc)
        return rc;
    if (!in->verdict)
        in->verdict = "comment";
    for (size_t i = 0; verdicts[i]; i++)
        if (strcmp(verdicts[i], in->verdict) == 0)
            return 0;
    return bh_fail(err, BH_EINVALID, "verdict",
                   "unknown verdict '%.20s' (comment, approve or changes)", in->verdict);
}

/* A verdict judges the text submitted, so only a document in review takes one, and only from
 * another organization: an organization approving its own practice is no review. */
static int check_verdict(const struct principal *who, const char *verdict, const char *status,
                         int64_t owner, struct bh_error *err)
{
    if (strcmp(verdict, "comment") == 0)
        return 0;
    if (strcmp(status, "in_review") != 0)
        return bh_fail(err, BH_ECONFLICT, "verdict",
                       "only a document in review takes a verdict; this one is %s", status);
    if (who->org_id == owner)
        return bh_fail(err, BH_EDENIED, "verdict",
                       "an organization does not review its own document");
    return 0;
}

/* The parent must be a comment of the same document that `who` sees. */
static int check_parent(struct db *db, const struct principal *who, int64_t n, const char *parent,
                        struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT 1 FROM document_comment c WHERE c.id = ? AND c.document_n = ? AND ");
    db_params_text(&params, parent);
    db_params_int(&params, n);
    library_comment_predicate(who, "c", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc == DB_ROW)
        return 0;
    return rc < 0 ? rc
                  : bh_fail(err, BH_EINVALID, "parent",
                            "no comment '%.40s' on this document to reply to", parent);
}

static int insert_comment(struct db *db, const struct principal *who, int64_t n, const char *doc_id,
                          const char *cid, const struct comment_input *in, struct bh_error *err)
{
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    int rc = db_exec_params(
        db,
        "INSERT INTO document_comment (id, document_n, parent_id, version, verdict, body, "
        "org_id, account_id, created_at, status, owner_org_id, tlp, sharing_group_id) SELECT ?, "
        "d.n, ?, d.version, ?, ?, ?, ?, ?, d.status, d.owner_org_id, d.tlp, d.sharing_group_id "
        "FROM document d WHERE d.n = ?",
        DB_PARAMS(DB_TEXT(cid), DB_TEXT(in->parent), DB_TEXT(in->verdict), DB_TEXT(in->body),
                  DB_INT(who->org_id),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                  DB_INT(n)),
        NULL, NULL, err);
    /* A RED comment's readers are the document's readers of that time. */
    if (!rc)
        rc = sharing_marking_copy_readers(db, "document", doc_id, "document_comment", cid, err);
    return rc;
}

/* Tells the document's authors (the writers of its versions, never the commenter) and the
 * parent's writer. Each is told once: the parent's writer of a plain comment by the reply,
 * an author of a verdict by the review. */
static int notify_comment(struct db *db, const struct principal *who, int64_t n, const char *doc_id,
                          const struct comment_input *in, struct bh_error *err)
{
    char *title;
    int rc = library_notice_title(db, n, &title, err);
    if (rc || !title)
        return rc;
    bool verdict = strcmp(in->verdict, "comment") != 0;
    json_t *p = verdict ? json_pack("{s:s, s:s, s:s}", "title", title, "verdict", in->verdict,
                                    "org", who->org_code)
                        : json_pack("{s:s}", "title", title);
    char *params = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    p = json_pack("{s:s}", "title", title);
    char *reply = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    free(title);
    char link[96];
    snprintf(link, sizeof link, "/library/%s", doc_id);

    int64_t parent_writer = 0;
    if (in->parent)
        rc = db_exec_params(db, "SELECT coalesce(account_id, 0) FROM document_comment WHERE id = ?",
                            DB_PARAMS(DB_TEXT(in->parent)), &parent_writer, NULL, err);
    if (parent_writer == who->account_id)
        parent_writer = 0;
    if (!rc && parent_writer && !verdict)
        rc = notify_account(db, parent_writer, "library.reply", "document", doc_id, reply, link,
                            err);

    int64_t told_reply = verdict ? 0 : parent_writer;
    bool parent_is_author = false;
    int64_t *authors = NULL;
    size_t count = 0;
    if (!rc)
        rc = library_authors(db, n, &authors, &count, err);
    if (!rc) {
        for (size_t i = 0; !rc && i < count; i++) {
            if (authors[i] == who->account_id || authors[i] == told_reply)
                continue;
            parent_is_author |= authors[i] == parent_writer;
            rc = notify_account(db, authors[i], verdict ? "library.review" : "library.comment",
                                "document", doc_id, params, link, err);
        }
    }
    free(authors);
    /* A verdict in reply to someone who is no author still answers them. */
    if (!rc && verdict && parent_writer && !parent_is_author)
        rc = notify_account(db, parent_writer, "library.reply", "document", doc_id, reply, link,
                            err);
    free(params);
    free(reply);
    return rc;
}

/* The comment columns, the writer's organization and name; the caller adds the WHERE. */
#define COMMENT_COLUMNS                                                                       \
    "SELECT c.id, c.parent_id, c.version, c.verdict, c.body, o.code, o.name, a.username, "    \
    "c.created_at, c.tlp FROM document_comment c JOIN document d ON d.n = c.document_n JOIN " \
    "org o ON o.id = c.org_id LEFT JOIN account a ON a.id = c.account_id "
enum {
    C_ID,
    C_PARENT,
    C_VERSION,
    C_VERDICT,
    C_BODY,
    C_ORG_CODE,
    C_ORG_NAME,
    C_AUTHOR,
    C_AT,
    C_TLP
};

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *comment_json(struct db_stmt *st)
{
    return json_pack("{s:s, s:o, s:I, s:s, s:s, s:{s:s, s:s}, s:o, s:s}", "id",
                     db_column_text(st, C_ID), "parent", text_or_null(db_column_text(st, C_PARENT)),
                     "version", (json_int_t)db_column_int(st, C_VERSION), "verdict",
                     db_column_text(st, C_VERDICT), "body", db_column_text(st, C_BODY), "org",
                     "code", db_column_text(st, C_ORG_CODE), "name", db_column_text(st, C_ORG_NAME),
                     "author", text_or_null(db_column_text(st, C_AUTHOR)), "created_at",
                     db_column_text(st, C_AT));
}

/* The comments of document `n` that `who` sees (`cid`: that one only), oldest first. */
static int select_comments(struct db *db, const struct principal *who, int64_t n, const char *cid,
                           struct db_stmt **st, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, COMMENT_COLUMNS "WHERE c.document_n = ? ");
    db_params_int(&params, n);
    if (cid) {
        buf_puts(&sql, "AND c.id = ? ");
        db_params_text(&params, cid);
    }
    buf_puts(&sql, "AND ");
    library_comment_predicate(who, "c", &sql, &params);
    buf_puts(&sql, " AND ");
    library_predicate(who, "d", &sql, &params);
    /* The rowid is the order of writing, where ids of one millisecond may not be. */
    buf_puts(&sql, " ORDER BY c.rowid");
    int rc = db_prepare_bound(db, buf_str(&sql), &params, st, err);
    buf_cleanup(&sql);
    return rc;
}

int library_comment_add(struct db *db, const struct principal *who, const char *id,
                        const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_library_comment))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not comment on library documents",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    struct comment_input in = { 0 };
    int rc = read_input(body, &in, err);
    if (rc)
        return rc;
    if (strcmp(in.verdict, "comment") != 0 && !role_can(who->role, &perm_library_review))
        return bh_fail(err, BH_EDENIED, "verdict", "the %s role may not review documents",
                       role_name(who->role));
    if ((rc = db_begin(db, err)))
        return rc;
    int64_t n = 0, owner = 0, version = 0;
    char status[16] = "";
    rc = library_find(db, who, id, &n, &owner, &version, status, err);
    if (!rc)
        rc = check_verdict(who, in.verdict, status, owner, err);
    if (!rc && in.parent)
        rc = check_parent(db, who, n, in.parent, err);
    struct uuid u;
    uuid_v7(&u);
    char cid[UUID_STR_LEN + 1];
    uuid_format(&u, cid);
    if (!rc)
        rc = insert_comment(db, who, n, id, cid, &in, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:o, s:I}", "comment", cid, "verdict", in.verdict, "parent",
                      text_or_null(in.parent), "version", (json_int_t)version);
        rc = audit_append(db, who, "document.comment", "document", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = notify_comment(db, who, n, id, &in, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    struct db_stmt *st;
    if ((rc = select_comments(db, who, n, cid, &st, err)))
        return rc;
    if ((rc = db_step(st, err)) == DB_ROW)
        *out = comment_json(st);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    return *out ? 0 : bh_fail(err, BH_ENOTFOUND, "id", "the comment cannot be read back");
}

int library_comments(struct db *db, const struct principal *who, const char *id, json_t *items,
                     struct bh_error *err)
{
    int64_t n = 0, owner = 0, version = 0;
    char status[16] = "";
    int rc = library_find(db, who, id, &n, &owner, &version, status, err);
    struct db_stmt *st;
    if (rc || (rc = select_comments(db, who, n, NULL, &st, err)))
        return rc;
    /* A parent is older than its replies, so it has been read before them when it is shown. */
    json_t *shown = json_object();
    bool audit = false;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *c = comment_json(st);
        const char *parent = json_string_value(json_object_get(c, "parent"));
        if (parent && !json_object_get(shown, parent))
            json_object_set_new(c, "parent", json_null());
        json_object_set_new(shown, db_column_text(st, C_ID), json_true());
        audit |= audit_read_needed(who, db_column_text(st, C_TLP));
        json_array_append_new(items, c);
    }
    db_stmt_done(st);
    json_decref(shown);
    if (rc < 0)
        return rc;
    if (audit) {
        json_t *summary = json_pack("{s:b}", "comments", true);
        rc = audit_read(db, who, "document", id, summary, err);
        json_decref(summary);
    }
    return rc;
}
