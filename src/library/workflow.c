/* A document's way to publication: submitted for review, published once another
 * organization approved it, withdrawn back to a draft. Each move speaks for the owning
 * organization (its library.publish holders, or the secretariat's admins), changes no word of
 * the document, and is a version of its own (note "submitted", "published", "withdrawn: ..."),
 * so the history shows who moved it and when. */
#include "library/library.h"

#include "library/internal.h"

#include "audit/audit.h"
#include "base/timeutil.h"
#include "feed/feed.h"

#include <stdio.h>
#include <string.h>

/* One move of the workflow. */
struct move {
    const char *from[3]; /* the states it leaves, NULL-terminated */
    const char *to;
    const char *action; /* the audit action */
    bool needs_approval;
};

static const struct move submit_move = { .from = { "draft", NULL },
                                         .to = "in_review",
                                         .action = "document.submit" };
static const struct move publish_move = { .from = { "in_review", NULL },
                                          .to = "published",
                                          .action = "document.publish",
                                          .needs_approval = true };
static const struct move withdraw_move = { .from = { "in_review", "published", NULL },
                                           .to = "draft",
                                           .action = "document.withdraw" };

static int may_move(const struct principal *who, struct bh_error *err)
{
    if (who && who->role == ROLE_ADMIN)
        return 0;
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_library_publish))
        return bh_fail(err, BH_EDENIED, NULL,
                       "the %s role may not submit, publish or withdraw library documents",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static bool leaves(const struct move *m, const char *status)
{
    for (size_t i = 0; m->from[i]; i++)
        if (strcmp(m->from[i], status) == 0)
            return true;
    return false;
}

/* Whether an organization other than the owner approved the document in this review round
 * (LIBRARY_CURRENT_ROUND_SQL). */
static int approved_this_round(struct db *db, int64_t n, int64_t owner, bool *yes,
                               struct bh_error *err)
{
    int64_t count = 0;
    int rc =
        db_exec_params(db,
                       "SELECT count(*) FROM document_comment c WHERE c.document_n = ? AND "
                       "c.verdict = 'approve' AND c.org_id <> ? AND " LIBRARY_CURRENT_ROUND_SQL,
                       DB_PARAMS(DB_INT(n), DB_INT(owner)), &count, NULL, err);
    *yes = count > 0;
    return rc;
}

/* Stores the new state and its version; `note` is the version's. */
static int store_move(struct db *db, const struct principal *who, const struct move *m, int64_t n,
                      int64_t version, const char *note, struct bh_error *err)
{
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    bool found = false;
    int rc = db_exec_params(
        db,
        "UPDATE document SET status = ?, version = ?, updated_at = ?, submitted_at = CASE WHEN "
        "? = 'in_review' THEN ? ELSE submitted_at END, published_at = CASE WHEN ? = "
        "'published' THEN coalesce(published_at, ?) ELSE published_at END WHERE n = ? AND "
        "version = ? RETURNING n",
        DB_PARAMS(DB_TEXT(m->to), DB_INT(version + 1), DB_TEXT(now), DB_TEXT(m->to), DB_TEXT(now),
                  DB_TEXT(m->to), DB_TEXT(now), DB_INT(n), DB_INT(version)),
        NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ECONFLICT, "version", "the document changed meanwhile; try again");
    if (!rc)
        rc = library_version_write(db, n, version + 1, note, who->account_id, err);
    if (!rc)
        rc = library_index_put(db, n, err);
    return rc;
}

static int move(struct db *db, const struct principal *who, const char *id, const struct move *m,
                const char *note, const char *reason, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_move(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    int64_t n = 0, owner = 0, version = 0;
    char status[16] = "";
    rc = library_find(db, who, id, &n, &owner, &version, status, err);
    bool admin = who->role == ROLE_ADMIN;
    if (!rc && !admin && owner != who->org_id)
        rc = bh_fail(err, BH_EDENIED, NULL, "only the document's organization may do this");
    if (!rc && !leaves(m, status))
        rc = bh_fail(err, BH_ECONFLICT, "status", "a document that is %s cannot become %s", status,
                     m->to);
    if (!rc && m->needs_approval && !admin) {
        bool approved = false;
        rc = approved_this_round(db, n, owner, &approved, err);
        if (!rc && !approved)
            rc = bh_fail(err, BH_ECONFLICT, "reviews",
                         "another organization must approve the document before it is "
                         "published");
    }
    if (!rc)
        rc = store_move(db, who, m, n, version, note, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:I}", "from", status, "to", m->to, "version",
                                    (json_int_t)(version + 1));
        if (reason)
            json_object_set_new(summary, "reason", json_string(reason));
        rc = audit_append(db, who, m->action, "document", id, summary, err);
        json_decref(summary);
    }
    bool published = strcmp(m->to, "published") == 0;
    if (!rc && published)
        rc = feed_publish(db, "document", "published", id, 0, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    if (published)
        feed_notify();
    return library_get(db, who, id, out, err);
}

int library_submit(struct db *db, const struct principal *who, const char *id, json_t **out,
                   struct bh_error *err)
{
    return move(db, who, id, &submit_move, "submitted", NULL, out, err);
}

int library_publish(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err)
{
    return move(db, who, id, &publish_move, "published", NULL, out, err);
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return false;
    return true;
}

int library_withdraw(struct db *db, const struct principal *who, const char *id, const char *reason,
                     json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!reason || blank(reason))
        return bh_fail(err, BH_EINVALID, "reason", "say why the document is withdrawn");
    if (strlen(reason) > LIBRARY_NOTE_MAX)
        return bh_fail(err, BH_EINVALID, "reason", "the reason is longer than %d bytes",
                       LIBRARY_NOTE_MAX);
    json_t *check = json_string(reason);
    if (!check)
        return bh_fail(err, BH_EINVALID, "reason", "the reason is not valid UTF-8");
    json_decref(check);
    char note[LIBRARY_NOTE_MAX + 32];
    snprintf(note, sizeof note, "withdrawn: %s", reason);
    return move(db, who, id, &withdraw_move, note, reason, out, err);
}
