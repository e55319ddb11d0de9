/* Reading one's own notifications, each checked against its record's sharing rule at the time
 * it is read (notify.h). */
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "notify/internal.h"
#include "principal/principal.h"

void notify__visible(const struct principal *who, const struct audit_record_kind *kinds,
                     struct buf *sql, struct db_params *params)
{
    /* The kinds' names and tables come from the program's own registry, never from a
     * request, so they are written into the text; the predicates bind their values. Each
     * subquery has its own alias (r0, r1, ...): with one alias "r" for all six, SQLite 3.40.1
     * left a visible record out with bound values (right with the same values as literals,
     * and with any two kinds), a wrong answer unit/notify-visibility-at-delivery caught. */
    buf_puts(sql, "(n.record_type IS NULL");
    int i = 0;
    for (const struct audit_record_kind *k = kinds; k && k->record_type; k++, i++) {
        char alias[16];
        snprintf(alias, sizeof alias, "r%d", i);
        buf_printf(sql,
                   " OR (n.record_type = '%s' AND EXISTS (SELECT 1 FROM %s %s WHERE %s.id = "
                   "n.record_id AND ",
                   k->record_type, k->table, alias, alias);
        k->predicate(who, alias, sql, params);
        buf_puts(sql, "))");
    }
    buf_puts(sql, ")");
}

json_t *notify__row_json(struct db_stmt *st, int col)
{
    json_t *params = NULL;
    const char *text = db_column_text(st, col + 2);
    if (text)
        params = json_loads(text, 0, NULL);
    return json_pack("{s:I, s:s, s:o, s:s?, s:s?, s:s?, s:s, s:s?}", "id",
                     (json_int_t)db_column_int(st, col), "kind", db_column_text(st, col + 1),
                     "params", params ? params : json_null(), "link", db_column_text(st, col + 3),
                     "record_type", db_column_text(st, col + 4), "record_id",
                     db_column_text(st, col + 5), "created_at", db_column_text(st, col + 6),
                     "read_at", db_column_text(st, col + 7));
}

/* The WHERE clause every read shares: `who`'s own rows that `who` may see. */
static void own_visible(const struct principal *who, const struct audit_record_kind *kinds,
                        bool unread_only, struct buf *sql, struct db_params *params)
{
    buf_puts(sql, " WHERE n.account_id = ? AND ");
    db_params_int(params, who->account_id);
    if (unread_only)
        buf_puts(sql, "n.read_at IS NULL AND ");
    notify__visible(who, kinds, sql, params);
}

/* Appends an audit entry about account `username` with `summary` (stolen). */
static int audit_summary(struct db *db, const struct principal *who, const char *action,
                         const char *username, json_t *summary, struct bh_error *err)
{
    int rc = audit_append(db, who, action, "account", username, summary, err);
    json_decref(summary);
    return rc;
}

static int need_account(const struct principal *who, struct bh_error *err)
{
    if (!who || who->account_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "only a signed-in user has notifications");
    return 0;
}

int notify_list(struct db *db, const struct principal *who, const struct audit_record_kind *kinds,
                bool unread_only, int64_t before_id, int limit, json_t *items, bool *more,
                int64_t *total, struct bh_error *err)
{
    *more = false;
    int rc = need_account(who, err);
    if (rc)
        return rc;
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    own_visible(who, kinds, unread_only, &where, &wp);

    if (total) {
        struct buf sql = BUF_INIT;
        struct db_params p = DB_PARAMS_INIT;
        buf_printf(&sql, "SELECT count(*) FROM notification n%s", buf_str(&where));
        db_params_append(&p, &wp);
        *total = 0;
        rc = db_exec_params(db, buf_str(&sql), &p, total, NULL, err);
        buf_cleanup(&sql);
        db_params_cleanup(&p);
    }

    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_printf(&sql,
               "SELECT n.id, n.kind, n.params, n.link, n.record_type, n.record_id, n.created_at, "
               "n.read_at FROM notification n%s",
               buf_str(&where));
    db_params_append(&p, &wp);
    if (before_id > 0) {
        buf_puts(&sql, " AND n.id < ?");
        db_params_int(&p, before_id);
    }
    /* One more than asked: whether it comes says whether another page follows. */
    buf_puts(&sql, " ORDER BY n.id DESC LIMIT ?");
    db_params_int(&p, (int64_t)limit + 1);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    int n = 0;
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW) {
        rc = 0;
        if (n == limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, notify__row_json(st, 0));
        n++;
    }
    db_stmt_done(st);
    db_params_cleanup(&p);
    buf_cleanup(&sql);
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    return rc < 0 ? rc : 0;
}

int notify_unread_count(struct db *db, const struct principal *who,
                        const struct audit_record_kind *kinds, int64_t *out, struct bh_error *err)
{
    *out = 0;
    int rc = need_account(who, err);
    if (rc)
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT count(*) FROM notification n");
    own_visible(who, kinds, true, &sql, &p);
    rc = db_exec_params(db, buf_str(&sql), &p, out, NULL, err);
    buf_cleanup(&sql);
    db_params_cleanup(&p);
    return rc;
}

int notify_mark_read(struct db *db, const struct principal *who,
                     const struct audit_record_kind *kinds, int64_t id, struct bh_error *err)
{
    int rc = need_account(who, err);
    if (rc)
        return rc;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, true, now);
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "UPDATE notification SET read_at = coalesce(read_at, ?) WHERE id IN (SELECT "
                   "n.id FROM notification n");
    db_params_text(&p, now);
    own_visible(who, kinds, false, &sql, &p);
    buf_puts(&sql, " AND n.id = ?) RETURNING id");
    db_params_int(&p, id);
    bool found = false;
    rc = db_exec_params(db, buf_str(&sql), &p, NULL, &found, err);
    buf_cleanup(&sql);
    db_params_cleanup(&p);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no notification %lld", (long long)id);
    return rc;
}

int notify_mark_all_read(struct db *db, const struct principal *who, int64_t *changed,
                         struct bh_error *err)
{
    int rc = need_account(who, err);
    if (rc)
        return rc;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, true, now);
    rc = db_exec_params(db,
                        "UPDATE notification SET read_at = ? WHERE account_id = ? AND read_at IS "
                        "NULL",
                        DB_PARAMS(DB_TEXT(now), DB_INT(who->account_id)), NULL, NULL, err);
    if (!rc && changed)
        *changed = db_changes(db);
    return rc;
}

int notify_settings_get(struct db *db, int64_t account_id, bool *email_digest, char **email,
                        struct bh_error *err)
{
    *email_digest = false;
    if (email)
        *email = NULL;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT email_digest, email FROM account WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *email_digest = db_column_int(st, 0) != 0;
        const char *e = db_column_text(st, 1);
        if (email && e && !(*email = strdup(e)))
            rc = bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_ENOTFOUND, NULL, "no account %lld", (long long)account_id);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int notify_settings_set(struct db *db, const struct principal *who, bool email_digest,
                        struct bh_error *err)
{
    int rc = need_account(who, err);
    if (rc)
        return rc;
    if ((rc = db_begin(db, err)))
        return rc;
    bool found = false;
    rc = db_exec_params(db, "UPDATE account SET email_digest = ? WHERE id = ? RETURNING id",
                        DB_PARAMS(DB_INT(email_digest ? 1 : 0), DB_INT(who->account_id)), NULL,
                        &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, NULL, "the signed-in user no longer exists");
    if (!rc)
        rc = audit_summary(
            db, who, "user.notification_settings", who->username,
            json_pack("{s:s, s:b}", "username", who->username, "email_digest", email_digest), err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

/* One plain address, local@domain: what RCPT TO and a To: header can carry without letting
 * the text add a recipient or a header line. */
static bool email_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n > 254 || !at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return false;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f || strchr("<>,;:\"()[]\\", *c))
            return false;
    return true;
}

int notify_set_email(struct db *db, const struct principal *who, const char *username,
                     const char *email, struct bh_error *err)
{
    if (email && !*email)
        email = NULL;
    if (email && !email_ok(email))
        return bh_fail(err, BH_EINVALID, "email",
                       "'%.80s' is not one e-mail address of the form name@example.org", email);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    bool found = false;
    rc = db_exec_params(db, "UPDATE account SET email = ? WHERE username = ? RETURNING id",
                        DB_PARAMS(DB_TEXT(email), DB_TEXT(username)), NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, "username", "no user %.80s", username);
    /* The address itself stays out of the log, which auditors of other organizations read
     * in part: that it was set or cleared is what an audit needs. */
    if (!rc)
        rc =
            audit_summary(db, who, "user.email", username,
                          json_pack("{s:s, s:b}", "username", username, "set", email != NULL), err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
