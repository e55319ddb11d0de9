/* Bulletins: a member's written summary of a period, shared like every record and published
 * by its organization. Rules are here; the API only parses and replies (src/api/bulletins.c). */
#include "bulletin/bulletin.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "formats/markdown.h"
#include "refdata/missions.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The roles that write their organization's records and speak for it: an analyst reads and
 * exports, an auditor audits, and neither publishes in the organization's name. */
const struct permission perm_bulletin_write = {
    .name = "bulletin.write",
    .label = N_("Write and publish your organization's bulletins"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ENDORSER),
};

const struct permission *const bulletin_permissions[] = { &perm_bulletin_write, NULL };

void bulletin_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    /* A draft is its organization's working copy whatever its marking: a GREEN draft would
     * otherwise show every member a bulletin still being written. */
    sharing_draft_predicate(who, "bulletin", alias, sql, params);
}

/* The columns every read takes, in this order (COL_*). */
#define SELECT_COLUMNS                                                                   \
    "SELECT b.id, b.title, b.period_from, b.period_to, b.mission, b.body, b.tlp, "       \
    "b.sharing_group_id, o.code, b.status, b.published_at, b.created_at, b.updated_at, " \
    "b.owner_org_id, b.created_by FROM bulletin b JOIN org o ON o.id = b.owner_org_id "
enum {
    COL_ID,
    COL_TITLE,
    COL_FROM,
    COL_TO,
    COL_MISSION,
    COL_BODY,
    COL_TLP,
    COL_GROUP,
    COL_OWNER,
    COL_STATUS,
    COL_PUBLISHED,
    COL_CREATED,
    COL_UPDATED,
    COL_OWNER_ID,
    COL_CREATED_BY,
};

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The row as JSON; `full` adds the body, its HTML (attachments are added by the caller). */
static json_t *row_json(struct db_stmt *st, bool full)
{
    int t = tlp_parse(db_column_text(st, COL_TLP));
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:s, s:s}", "id",
        db_column_text(st, COL_ID), "title", db_column_text(st, COL_TITLE), "period_from",
        db_column_text(st, COL_FROM), "period_to", db_column_text(st, COL_TO), "mission",
        text_or_null(db_column_text(st, COL_MISSION)), "tlp",
        tlp_label(t < 0 ? TLP_RED : (enum tlp)t), "sharing_group",
        db_column_is_null(st, COL_GROUP) ? json_null() : json_integer(db_column_int(st, COL_GROUP)),
        "owner", db_column_text(st, COL_OWNER), "status", db_column_text(st, COL_STATUS),
        "published_at", text_or_null(db_column_text(st, COL_PUBLISHED)), "created_at",
        db_column_text(st, COL_CREATED), "updated_at", db_column_text(st, COL_UPDATED));
    if (full) {
        const char *body = db_column_text(st, COL_BODY);
        char *html = markdown_to_html(body, body ? strlen(body) : 0);
        json_object_set_new(o, "body", json_string(body ? body : ""));
        json_object_set_new(o, "body_html", json_string(html));
        free(html);
    }
    return o;
}

/* The values of a bulletin being written, borrowed from the body or the stored row. */
struct values {
    char title[BULLETIN_TITLE_MAX + 1];
    char from[16], to[16];
    char mission[32];
    bool has_mission;
    char *body; /* heap */
    enum tlp tlp;
    int64_t group;
};

static int check_date(const char *key, const char *s, char out[16], struct bh_error *err)
{
    int y, m, d;
    if (!s || time_parse_date(s, &y, &m, &d, err) || strlen(s) != 10)
        return bh_fail(err, BH_EINVALID, key, "%s must be a date YYYY-MM-DD, not '%.40s'", key,
                       s ? s : "");
    snprintf(out, 16, "%s", s);
    return 0;
}

/* Applies the fields of `body` to `v` (which holds the defaults or the stored row) and checks
 * the result. `create` makes title, the period and tlp required. `names` gets the recipients
 * array when present. */
static int apply_body(const json_t *body, bool create, struct values *v, const json_t **names,
                      bool *tlp_given, json_t *changed, struct bh_error *err)
{
    static const char *const known[] = { "title", "period_from",   "period_to",  "mission", "body",
                                         "tlp",   "sharing_group", "recipients", NULL };
    int rc = jsonfield_check_known(body, known, err);
    const char *s = NULL;
    if (!rc && !(rc = jsonfield_string(body, "title", create, BULLETIN_TITLE_MAX, &s, err)) && s) {
        if (!*s)
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        snprintf(v->title, sizeof v->title, "%s", s);
        json_array_append_new(changed, json_string("title"));
    }
    static const char *const dates[] = { "period_from", "period_to" };
    for (int i = 0; !rc && i < 2; i++) {
        s = NULL;
        if (!(rc = jsonfield_string(body, dates[i], create, 10, &s, err)) && s) {
            rc = check_date(dates[i], s, i ? v->to : v->from, err);
            json_array_append_new(changed, json_string(dates[i]));
        }
    }
    if (rc)
        return rc;
    if (strcmp(v->to, v->from) < 0)
        return bh_fail(err, BH_EINVALID, "period_to",
                       "period_to (%s) comes before period_from (%s)", v->to, v->from);
    const json_t *m = json_object_get(body, "mission");
    if (m) {
        s = NULL;
        if ((rc = jsonfield_string(body, "mission", false, 31, &s, err)))
            return rc;
        if (s && !refdata_mission_find(s))
            return bh_fail(err, BH_EINVALID, "mission", "unknown mission '%.40s'", s);
        v->has_mission = s != NULL;
        snprintf(v->mission, sizeof v->mission, "%s", s ? s : "");
        json_array_append_new(changed, json_string("mission"));
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "body", false, BULLETIN_BODY_MAX, &s, err)))
        return rc;
    if (s) {
        free(v->body);
        v->body = xstrdup(s);
        json_array_append_new(changed, json_string("body"));
    }
    /* The marking is read as every shareable record reads it (sharing/marking.h). */
    struct sharing_marking mk = { .tlp = v->tlp, .group = v->group };
    if ((rc = sharing_marking_read(body, create, &mk, err)))
        return rc;
    *tlp_given = mk.tlp_given;
    v->tlp = mk.tlp;
    v->group = mk.group;
    *names = mk.recipients;
    if (mk.tlp_given)
        json_array_append_new(changed, json_string("tlp"));
    if (mk.group_given)
        json_array_append_new(changed, json_string("sharing_group"));
    if (mk.recipients_given)
        json_array_append_new(changed, json_string("recipients"));
    return 0;
}

/* Replaces the RED readers of bulletin `id` with the accounts named in `names` and `author`;
 * with `red` false, clears them (sharing_marking_store). */
static int set_recipients(struct db *db, const char *id, bool red, const json_t *names,
                          int64_t author, struct bh_error *err)
{
    struct sharing_marking mk = { .tlp = red ? TLP_RED : TLP_GREEN, .recipients = names };
    return sharing_marking_store(db, "bulletin", id, &mk, author, err);
}

/* The bulletin as its writer gets it back: read without the predicate (the writer has just
 * been allowed to write it) and without an audited read. */
static int load(struct db *db, const char *id, json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SELECT_COLUMNS "WHERE b.id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = row_json(st, true);
    else if (rc == DB_DONE)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no bulletin has the id '%.40s'", id);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    json_t *atts = json_array();
    json_object_set_new(*out, "attachments", atts);
    rc = attachment_list(db, "bulletin", id, atts, err);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static int may_write(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, &perm_bulletin_write) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not write bulletins",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static void summary_add(json_t *summary, const char *key, json_t *value)
{
    json_object_set_new(summary, key, value);
}

int bulletin_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct values v = { .tlp = TLP_GREEN };
    const json_t *names = NULL;
    bool tlp_given = false;
    json_t *changed = json_array();
    rc = apply_body(body, true, &v, &names, &tlp_given, changed, err);
    json_decref(changed);
    if (!rc && v.tlp == TLP_AMBER && v.group == 0)
        rc = bh_fail(err, BH_EINVALID, "sharing_group",
                     "a TLP:AMBER bulletin needs a sharing group (its readers)");
    if (!rc)
        rc = sharing_check_marking(db, who, v.tlp, v.group, err);

    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1];
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_begin(db, err);
    if (rc) {
        free(v.body);
        return rc;
    }
    rc = db_exec_params(
        db,
        "INSERT INTO bulletin (id, title, period_from, period_to, mission, body, owner_org_id, "
        "tlp, sharing_group_id, status, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, "
        "?, ?, ?, ?, ?, 'draft', ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(v.title), DB_TEXT(v.from), DB_TEXT(v.to),
                  DB_TEXT(v.has_mission ? v.mission : NULL), DB_TEXT(v.body ? v.body : ""),
                  DB_INT(who->org_id), DB_TEXT(tlp_column_value(v.tlp)),
                  v.group ? DB_INT(v.group) : DB_TEXT(NULL), DB_TEXT(now), DB_TEXT(now),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL)),
        NULL, NULL, err);
    if (!rc)
        rc = set_recipients(db, id, v.tlp == TLP_RED, names, who->account_id, err);
    if (!rc) {
        json_t *summary = json_object();
        summary_add(summary, "title", json_string(v.title));
        summary_add(summary, "tlp", json_string(tlp_label(v.tlp)));
        rc = audit_append(db, who, "bulletin.create", "bulletin", id, summary, err);
        json_decref(summary);
    }
    free(v.body);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return load(db, id, out, err);
}

/* Reads bulletin `id` as `who` sees it (SELECT_COLUMNS): 0 with the row current in *st, which
 * the caller finishes (db_stmt_done), or a failure with nothing open: BH_ENOTFOUND when there is
 * no such bulletin or `who` may not see it. */
static int read_visible(struct db *db, const struct principal *who, const char *id,
                        struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_COLUMNS, "b", bulletin_predicate, id, st,
                                N_("no bulletin has the id '%.40s'"), err);
}

/* The stored bulletin `id` as `who` sees it, for a write: BH_ENOTFOUND when hidden from `who`,
 * BH_EDENIED when another organization's. Fills `v`, the status and the author. */
static int load_for_write(struct db *db, const struct principal *who, const char *id,
                          struct values *v, char status[16], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    if (db_column_int(st, COL_OWNER_ID) != who->org_id) {
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that wrote a bulletin (%s) changes it",
                     db_column_text(st, COL_OWNER));
    } else {
        snprintf(v->title, sizeof v->title, "%s", db_column_text(st, COL_TITLE));
        snprintf(v->from, sizeof v->from, "%s", db_column_text(st, COL_FROM));
        snprintf(v->to, sizeof v->to, "%s", db_column_text(st, COL_TO));
        const char *m = db_column_text(st, COL_MISSION);
        v->has_mission = m != NULL;
        snprintf(v->mission, sizeof v->mission, "%s", m ? m : "");
        v->body = xstrdup(db_column_text(st, COL_BODY) ? db_column_text(st, COL_BODY) : "");
        int t = tlp_parse(db_column_text(st, COL_TLP));
        v->tlp = t < 0 ? TLP_RED : (enum tlp)t;
        v->group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
        snprintf(status, 16, "%s", db_column_text(st, COL_STATUS));
    }
    db_stmt_done(st);
    return rc;
}

/* The start of a publish or an attach: `who` may write bulletins, a transaction is open and
 * bulletin `id` is one `who` changes (load_for_write()), its status in `status`. On failure
 * nothing is left open. */
static int begin_write(struct db *db, const struct principal *who, const char *id, char status[16],
                       struct bh_error *err)
{
    int rc = may_write(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct values v = { 0 };
    rc = load_for_write(db, who, id, &v, status, err);
    free(v.body);
    if (rc)
        db_rollback(db);
    return rc;
}

int bulletin_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct values v = { 0 };
    char status[16] = "";
    const json_t *names = NULL;
    bool tlp_given = false;
    json_t *changed = json_array();
    if (!(rc = db_begin(db, err))) {
        rc = load_for_write(db, who, id, &v, status, err);
        enum tlp before = v.tlp;
        if (!rc)
            rc = apply_body(body, false, &v, &names, &tlp_given, changed, err);
        if (!rc && v.tlp == TLP_AMBER && v.group == 0)
            rc = bh_fail(err, BH_EINVALID, "sharing_group",
                         "a TLP:AMBER bulletin needs a sharing group (its readers)");
        if (!rc && v.tlp != TLP_AMBER)
            v.group = 0;
        if (!rc)
            rc = sharing_check_marking(db, who, v.tlp, v.group, err);
        char now[40];
        time_format_rfc3339(time_now_ms(), 0, false, now);
        if (!rc)
            rc = db_exec_params(
                db,
                "UPDATE bulletin SET title = ?, period_from = ?, period_to = ?, mission = ?, "
                "body = ?, tlp = ?, sharing_group_id = ?, updated_at = ? WHERE id = ?",
                DB_PARAMS(DB_TEXT(v.title), DB_TEXT(v.from), DB_TEXT(v.to),
                          DB_TEXT(v.has_mission ? v.mission : NULL), DB_TEXT(v.body),
                          DB_TEXT(tlp_column_value(v.tlp)),
                          v.group ? DB_INT(v.group) : DB_TEXT(NULL), DB_TEXT(now), DB_TEXT(id)),
                NULL, NULL, err);
        /* The RED readers change when the marking leaves or enters RED, or the list is given;
         * a bulletin made RED names at least its writer. */
        if (!rc && (names || before != v.tlp))
            rc = set_recipients(db, id, v.tlp == TLP_RED, names, who->account_id, err);
        if (!rc) {
            json_t *summary = json_pack("{s:O}", "changed", changed);
            rc = audit_append(db, who, "bulletin.update", "bulletin", id, summary, err);
            json_decref(summary);
        }
        if (!rc && strcmp(status, "published") == 0)
            rc = feed_publish(db, "bulletin", "updated", id, 0, NULL, err);
        if (!rc)
            rc = db_commit(db, err);
        if (rc)
            db_rollback(db);
        else if (strcmp(status, "published") == 0)
            feed_notify();
    }
    json_decref(changed);
    free(v.body);
    return rc ? rc : load(db, id, out, err);
}

int bulletin_publish(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err)
{
    *out = NULL;
    char status[16] = "";
    int rc = begin_write(db, who, id, status, err);
    if (rc)
        return rc;
    if (strcmp(status, "draft") != 0)
        rc = bh_fail(err, BH_ECONFLICT, "status", "the bulletin is published already");
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE bulletin SET status = 'published', published_at = ?, "
                            "updated_at = ? WHERE id = ? AND status = 'draft'",
                            DB_PARAMS(DB_TEXT(now), DB_TEXT(now), DB_TEXT(id)), NULL, NULL, err);
    if (!rc)
        rc = audit_append(db, who, "bulletin.publish", "bulletin", id, NULL, err);
    if (!rc)
        rc = feed_publish(db, "bulletin", "created", id, 0, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return load(db, id, out, err);
}

int bulletin_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    *out = row_json(st, true);
    char tlp[16] = "";
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, COL_TLP));
    db_stmt_done(st);
    json_t *atts = json_array();
    json_object_set_new(*out, "attachments", json_incref(atts));
    rc = attachment_list(db, "bulletin", id, atts, err);
    json_decref(atts);
    if (!rc && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "bulletin", id, NULL, err);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int bulletin_list(struct db *db, const struct principal *who, const char *status, const char *after,
                  int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err)
{
    *more = false;
    if (status && strcmp(status, "draft") != 0 && strcmp(status, "published") != 0)
        return bh_fail(err, BH_EINVALID, "status", "status must be draft or published, not '%.20s'",
                       status);
    /* One WHERE for the count and the page (docs/sharing.md, the binding rule). */
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    buf_puts(&where, "WHERE ");
    if (status) {
        buf_puts(&where, "b.status = ? AND ");
        db_params_text(&wp, status);
    }
    bulletin_predicate(who, "b", &where, &wp);

    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT count(*) FROM bulletin b %s", buf_str(&where));
    db_params_append(&params, &wp);
    int64_t n = 0;
    int rc = db_exec_params(db, buf_str(&sql), &params, &n, NULL, err);
    db_params_cleanup(&params);
    if (total)
        *total = n;

    buf_reset(&sql);
    buf_printf(&sql, SELECT_COLUMNS "%s", buf_str(&where));
    db_params_append(&params, &wp);
    if (after && *after) {
        buf_puts(&sql, " AND b.id < ?");
        db_params_text(&params, after);
    }
    buf_puts(&sql, " ORDER BY b.id DESC LIMIT ?");
    db_params_int(&params, limit + 1);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    else
        db_params_cleanup(&params);
    buf_cleanup(&sql);
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    if (rc)
        return rc;
    int count = 0;
    json_t *restricted = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, row_json(st, false));
        if (audit_read_needed(who, db_column_text(st, COL_TLP)))
            json_array_append_new(restricted, json_string(db_column_text(st, COL_ID)));
        count++;
    }
    db_stmt_done(st);
    if (rc >= 0)
        rc = 0;
    /* An admin's look at restricted bulletins is accounted for, one entry per page. */
    if (!rc)
        rc = audit_read_ids(db, who, "bulletin", restricted, err);
    json_decref(restricted);
    return rc;
}

int bulletin_attach(struct db *db, const struct principal *who, const char *id,
                    const char *filename, const void *data, size_t len, json_t **out,
                    struct bh_error *err)
{
    *out = NULL;
    char status[16] = "";
    int rc = begin_write(db, who, id, status, err);
    if (rc)
        return rc;
    rc = attachment_add(db, who, "bulletin", id, filename, data, len, out, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:O, s:O, s:O}", "attachment", json_object_get(*out, "id"), "filename",
                      json_object_get(*out, "filename"), "sha256", json_object_get(*out, "sha256"));
        rc = audit_append(db, who, "bulletin.attach", "bulletin", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_exec_params(
            db, "UPDATE bulletin SET updated_at = ? WHERE id = ?",
            DB_PARAMS(DB_TEXT(json_string_value(json_object_get(*out, "created_at"))), DB_TEXT(id)),
            NULL, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int bulletin_attachment_get(struct db *db, const struct principal *who, const char *id,
                            const char *attachment_id, struct attachment *out, struct bh_error *err)
{
    static const struct audit_record_kind kind = { "bulletin", "bulletin", bulletin_predicate };
    int rc = attachment_get(db, who, &kind, id, attachment_id, out, err);
    if (!rc && audit_read_needed(who, out->tlp)) {
        json_t *summary = json_pack("{s:s}", "attachment", out->id);
        rc = audit_read(db, who, "bulletin", id, summary, err);
        json_decref(summary);
        if (rc)
            attachment_cleanup(out);
    }
    return rc;
}
