/* Progress updates of mission-level actions: a note, perhaps a new status, evidence (records of
 * this platform or links) and indicator values. Evidence is checked against its writer when
 * written and against each reader when shown: a record someone may not open is shown to them
 * as hidden, never by its id or label. */
#include "action/internal.h"

#include "alert/alert.h"
#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "bulletin/bulletin.h"
#include "feed/feed.h"
#include "incident/incident.h"
#include "sharing/sharing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVIDENCE_MAX 20
#define NOTE_MAX     20000
#define REF_MAX      2000
#define LABEL_MAX    200

/* The kinds of evidence that are records, with their tables and visibility. Decisions and
 * meetings take the plain sharing predicate of their record type (what their modules use). */
static void decision_vis(const struct principal *who, const char *alias, struct buf *sql,
                         struct db_params *params)
{
    sharing_predicate(who, "decision", alias, sql, params);
}

static void meeting_vis(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    sharing_predicate(who, "meeting", alias, sql, params);
}

/* A library document (its predicate is the library's, written here because the library links
 * to actions: including it would make a cycle, docs/architecture.md "Layers"). */
static void document_vis(const struct principal *who, const char *alias, struct buf *sql,
                         struct db_params *params)
{
    sharing_draft_predicate(who, "document", alias, sql, params);
}

static const struct {
    const char *kind, *table;
    void (*predicate)(const struct principal *, const char *, struct buf *, struct db_params *);
} record_kinds[] = {
    { "incident", "incident", incident_predicate }, { "alert", "alert", alert_predicate },
    { "bulletin", "bulletin", bulletin_predicate }, { "decision", "decision", decision_vis },
    { "meeting", "meeting", meeting_vis },          { "document", "document", document_vis },
};

static int kind_index(const char *kind)
{
    for (size_t i = 0; i < sizeof record_kinds / sizeof record_kinds[0]; i++)
        if (strcmp(record_kinds[i].kind, kind) == 0)
            return (int)i;
    return -1;
}

/* Whether `who` may see record `ref` of evidence kind index `k`. */
static int record_visible(struct db *db, const struct principal *who, int k, const char *ref,
                          bool *visible, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT 1 FROM %s r WHERE r.id = ? AND ", record_kinds[k].table);
    db_params_text(&params, ref);
    record_kinds[k].predicate(who, "r", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    *visible = false;
    if (rc)
        return rc;
    rc = db_step(st, err);
    *visible = rc == DB_ROW;
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static bool is_http_url(const char *s)
{
    return (strncmp(s, "https://", 8) == 0 && s[8]) || (strncmp(s, "http://", 7) == 0 && s[7]);
}

/* Status changes: any to any, except that a done or dropped action only reopens (to
 * in_progress): closing is a statement about the work, and a closed action that needs more
 * is reopened first rather than shifted from one closed state to another. */
static bool transition_ok(const char *from, const char *to)
{
    if (strcmp(from, "done") == 0 || strcmp(from, "dropped") == 0)
        return strcmp(to, "in_progress") == 0;
    return true;
}

static bool is_status(const char *s)
{
    static const char *const statuses[] = { "planned", "in_progress", "done",
                                            "blocked", "dropped",     NULL };
    for (const char *const *p = statuses; *p; p++)
        if (strcmp(*p, s) == 0)
            return true;
    return false;
}

/* Checks the evidence list of an update as `who` writes it. */
static int check_evidence(struct db *db, const struct principal *who, const json_t *ev,
                          struct bh_error *err)
{
    if (!ev || json_is_null(ev))
        return 0;
    if (!json_is_array(ev) || json_array_size(ev) > EVIDENCE_MAX)
        return bh_fail(err, BH_EINVALID, "evidence",
                       "evidence must be a list of at most %d objects {kind, ref, label}",
                       EVIDENCE_MAX);
    for (size_t i = 0; i < json_array_size(ev); i++) {
        const json_t *e = json_array_get(ev, i);
        char key[40];
        snprintf(key, sizeof key, "evidence[%zu]", i);
        if (!json_is_object(e))
            return bh_fail(err, BH_EINVALID, key, "%s must be an object {kind, ref, label}", key);
        const char *kind = json_string_value(json_object_get(e, "kind"));
        snprintf(key, sizeof key, "evidence[%zu].kind", i);
        if (!kind || (strcmp(kind, "link") != 0 && kind_index(kind) < 0))
            return bh_fail(
                err, BH_EINVALID, key,
                "%s must be one of incident, alert, bulletin, decision, meeting, document, link",
                key);
        const char *ref = json_string_value(json_object_get(e, "ref"));
        snprintf(key, sizeof key, "evidence[%zu].ref", i);
        if (!ref || !*ref || strlen(ref) > REF_MAX)
            return bh_fail(err, BH_EINVALID, key, "%s is required (a record's id or a link)", key);
        const json_t *label = json_object_get(e, "label");
        if (label && !json_is_null(label) &&
            (!json_is_string(label) || json_string_length(label) > LABEL_MAX)) {
            snprintf(key, sizeof key, "evidence[%zu].label", i);
            return bh_fail(err, BH_EINVALID, key, "%s must be a text of at most %d characters", key,
                           LABEL_MAX);
        }
        if (strcmp(kind, "link") == 0) {
            if (!is_http_url(ref))
                return bh_fail(err, BH_EINVALID, key, "%s must be an http(s) link, not '%.60s'",
                               key, ref);
            continue;
        }
        bool visible;
        int rc = record_visible(db, who, kind_index(kind), ref, &visible, err);
        if (rc)
            return rc;
        if (!visible)
            return bh_fail(err, BH_EINVALID, key, "%s: unknown %s '%.60s'", key, kind, ref);
    }
    return 0;
}

int action_add_update(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    static const char *const known[] = {
        "note", "status", "reason", "evidence", "indicators", NULL
    };
    if (!who || !role_can(who->role, &perm_action_update) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not report progress on actions",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    int rc = jsonfield_check_known(body, known, err);
    const char *note = NULL, *status = NULL, *reason = NULL;
    if (!rc)
        rc = jsonfield_string(body, "note", false, NOTE_MAX, &note, err);
    if (!rc)
        rc = jsonfield_string(body, "status", false, 20, &status, err);
    if (!rc)
        rc = jsonfield_string(body, "reason", false, 2000, &reason, err);
    if (!rc && status && !is_status(status))
        rc = bh_fail(err, BH_EINVALID, "status",
                     "status must be planned, in_progress, done, blocked or dropped, not "
                     "'%.40s'",
                     status);
    if (!rc && status && strcmp(status, "dropped") == 0 && (!reason || !*reason))
        rc = bh_fail(err, BH_EINVALID, "reason", "dropping an action needs a reason");
    const json_t *inds = json_object_get(body, "indicators");
    if (!rc && inds && !json_is_null(inds) && (!json_is_array(inds) || json_array_size(inds) > 50))
        rc = bh_fail(err, BH_EINVALID, "indicators",
                     "indicators must be a list of at most 50 objects {name, value}");
    if (rc)
        return rc;
    if ((rc = db_begin(db, err)))
        return rc;
    struct action__row r;
    rc = action__read(db, who, id, &r, err);
    if (!rc && who->role != ROLE_ADMIN && who->org_id != r.responsible_org_id &&
        who->org_id != r.owner_org_id)
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the responsible organization or the one that set the action reports "
                     "its progress");
    /* The same status again is no change. */
    if (!rc && status && strcmp(status, r.status) == 0)
        status = NULL;
    if (!rc && status && !transition_ok(r.status, status))
        rc = bh_fail(err, BH_EINVALID, "status",
                     "a %s action can only be reopened (status in_progress), not made %s", r.status,
                     status);
    if (!rc)
        rc = check_evidence(db, who, json_object_get(body, "evidence"), err);
    int64_t now_ms = time_now_ms();
    char now[40];
    time_format_rfc3339(now_ms, 0, false, now);
    if (!rc)
        rc = db_exec_params(db,
                            "INSERT INTO action_update (action_id, status_from, status_to, note, "
                            "account_id, org_id, at, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_TEXT(r.status), DB_TEXT(status),
                                      DB_TEXT(note ? note : ""),
                                      who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL),
                                      DB_INT(who->org_id), DB_TEXT(now), DB_INT(now_ms)),
                            NULL, NULL, err);
    int64_t uid = rc ? 0 : db_last_insert_rowid(db);
    const json_t *ev = json_object_get(body, "evidence");
    for (size_t i = 0; !rc && json_is_array(ev) && i < json_array_size(ev); i++) {
        const json_t *e = json_array_get(ev, i);
        const char *label = json_string_value(json_object_get(e, "label"));
        rc = db_exec_params(db,
                            "INSERT INTO action_evidence (update_id, position, kind, ref, label) "
                            "VALUES (?, ?, ?, ?, ?)",
                            DB_PARAMS(DB_INT(uid), DB_INT((int64_t)i),
                                      DB_TEXT(json_string_value(json_object_get(e, "kind"))),
                                      DB_TEXT(json_string_value(json_object_get(e, "ref"))),
                                      DB_TEXT(label ? label : "")),
                            NULL, NULL, err);
    }
    for (size_t i = 0; !rc && json_is_array(inds) && i < json_array_size(inds); i++) {
        const json_t *o = json_array_get(inds, i);
        char key[40];
        snprintf(key, sizeof key, "indicators[%zu].name", i);
        const char *name = json_string_value(json_object_get(o, "name"));
        int64_t ind_id = 0;
        bool found = false;
        if (name)
            rc = db_exec_params(db,
                                "SELECT id FROM action_indicator WHERE action_id = ? AND name = ?",
                                DB_PARAMS(DB_TEXT(id), DB_TEXT(name)), &ind_id, &found, err);
        if (!rc && !found)
            rc = bh_fail(err, BH_EINVALID, key, "%s: the action has no indicator '%.60s'", key,
                         name ? name : "");
        const json_t *val = json_object_get(o, "value");
        if (!rc && (!json_is_number(val) || !isfinite(json_number_value(val)))) {
            snprintf(key, sizeof key, "indicators[%zu].value", i);
            rc = bh_fail(err, BH_EINVALID, key, "%s must be a number", key);
        }
        if (!rc)
            rc = db_exec_params(
                db,
                "INSERT INTO action_indicator_value (update_id, indicator_id, "
                "value) VALUES (?, ?, ?)",
                DB_PARAMS(DB_INT(uid), DB_INT(ind_id), DB_DOUBLE(json_number_value(val))), NULL,
                NULL, err);
        if (rc == BH_ECONFLICT)
            rc = bh_fail(err, BH_EINVALID, key, "%s: the indicator is given twice", key);
        if (!rc)
            rc = db_exec_params(
                db,
                "UPDATE action_indicator SET current = ?, updated_at = ? WHERE "
                "id = ?",
                DB_PARAMS(DB_DOUBLE(json_number_value(val)), DB_TEXT(now), DB_INT(ind_id)), NULL,
                NULL, err);
    }
    if (!rc && status) {
        bool done = strcmp(status, "done") == 0;
        bool keeps_reason = strcmp(status, "dropped") == 0 || strcmp(status, "blocked") == 0;
        rc = db_exec_params(
            db,
            "UPDATE mission_action SET status = ?, status_reason = ?, done_at = "
            "?, done_ms = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
            DB_PARAMS(DB_TEXT(status), DB_TEXT(keeps_reason && reason ? reason : ""),
                      DB_TEXT(done ? now : NULL), done ? DB_INT(now_ms) : DB_TEXT(NULL),
                      DB_TEXT(now), DB_TEXT(id)),
            NULL, NULL, err);
    } else if (!rc) {
        rc = db_exec_params(db, "UPDATE mission_action SET updated_at = ? WHERE id = ?",
                            DB_PARAMS(DB_TEXT(now), DB_TEXT(id)), NULL, NULL, err);
    }
    if (!rc) {
        json_t *summary =
            json_pack("{s:I, s:s, s:o}", "update", (json_int_t)uid, "status_from", r.status,
                      "status_to", status ? json_string(status) : json_null());
        rc = audit_append(db, who, "action.progress", "action", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    json_t *items = json_array();
    rc = action__updates_json(db, who, id, items, err);
    if (!rc) {
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *u = json_array_get(items, i);
            if (json_integer_value(json_object_get(u, "id")) == uid) {
                *out = json_incref(u);
                break;
            }
        }
    }
    json_decref(items);
    return rc;
}

int action__updates_json(struct db *db, const struct principal *who, const char *id, json_t *items,
                         struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT u.id, u.at, a.username, o.code, u.status_from, u.status_to, "
                        "u.note FROM action_update u JOIN org o ON o.id = u.org_id LEFT JOIN "
                        "account a ON a.id = u.account_id WHERE u.action_id = ? ORDER BY u.id "
                        "DESC",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *by = db_column_text(st, 2);
        const char *to = db_column_text(st, 5);
        json_t *u = json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:s, s:[], s:[]}", "id",
                              (json_int_t)db_column_int(st, 0), "at", db_column_text(st, 1), "by",
                              by ? json_string(by) : json_null(), "org", db_column_text(st, 3),
                              "status_from", db_column_text(st, 4), "status_to",
                              to ? json_string(to) : json_null(), "note", db_column_text(st, 6),
                              "evidence", "indicators");
        json_array_append_new(items, u);
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *u = json_array_get(items, i);
        int64_t uid = json_integer_value(json_object_get(u, "id"));
        json_t *ev = json_object_get(u, "evidence");
        if ((rc = db_prepare(db,
                             "SELECT kind, ref, label FROM action_evidence WHERE update_id = ? "
                             "ORDER BY position",
                             &st, err)))
            return rc;
        db_bind_int(st, 1, uid);
        json_t *rows = json_array();
        while ((rc = db_step(st, err)) == DB_ROW)
            json_array_append_new(rows,
                                  json_pack("{s:s, s:s, s:s}", "kind", db_column_text(st, 0), "ref",
                                            db_column_text(st, 1), "label", db_column_text(st, 2)));
        db_stmt_done(st);
        /* Each record is checked against the reader now: its marking may have changed since
         * the update was written, and the reader is not its writer. */
        for (size_t j = 0; rc >= 0 && j < json_array_size(rows); j++) {
            json_t *e = json_array_get(rows, j);
            const char *kind = json_string_value(json_object_get(e, "kind"));
            int k = kind_index(kind);
            bool visible = true;
            if (k >= 0)
                rc = record_visible(db, who, k, json_string_value(json_object_get(e, "ref")),
                                    &visible, err);
            if (rc >= 0)
                json_array_append_new(
                    ev, visible ? json_incref(e)
                                : json_pack("{s:s, s:b}", "kind", kind, "hidden", true));
        }
        json_decref(rows);
        if (rc < 0)
            return rc;
        if ((rc = db_prepare(db,
                             "SELECT i.name, v.value FROM action_indicator_value v JOIN "
                             "action_indicator i ON i.id = v.indicator_id WHERE v.update_id = ? "
                             "ORDER BY i.id",
                             &st, err)))
            return rc;
        db_bind_int(st, 1, uid);
        json_t *iv = json_object_get(u, "indicators");
        while ((rc = db_step(st, err)) == DB_ROW)
            json_array_append_new(iv, json_pack("{s:s, s:f}", "name", db_column_text(st, 0),
                                                "value", db_column_double(st, 1)));
        db_stmt_done(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}
