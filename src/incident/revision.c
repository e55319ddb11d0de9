/* Revisions: every change of an incident kept as the whole record after it, so "who changed
 * what, when, and why" is answered by reading, not by reconstructing.
 *
 * A revision is read under the marking the record had when the revision was written, never
 * under the record's current one: a report downgraded from TLP:RED to TLP:GREEN with its
 * narrative redacted must not show the RED narrative to every member through its history.
 * So each revision row carries its own marking (owner, tlp, group, and its RED readers as
 * tlp_recipient rows of type "incident_revision") and its status, and the list reads it
 * through incident__revision_predicate(). */
#include "incident/internal.h"

#include "base/buf.h"
#include "base/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int incident__revision_insert(struct db *db, int64_t n, int64_t revision, const char *at,
                              const char *actor, const char *action, const char *reason,
                              const char *snapshot, struct bh_error *err)
{
    /* The marking and status are copied from the row in the same statement, so they are the
     * ones the snapshot shows. */
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO incident_revision (incident_n, revision, id, at, actor, "
                        "action, reason, snapshot, status, owner_org_id, tlp, sharing_group_id) "
                        "SELECT i.n, ?, i.id || '/' || ?, ?, ?, ?, ?, ?, i.status, "
                        "i.owner_org_id, i.tlp, i.sharing_group_id FROM incident i WHERE i.n = ? "
                        "RETURNING id, tlp",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, revision);
    db_bind_int(st, 2, revision);
    db_bind_text(st, 3, at);
    db_bind_text(st, 4, actor);
    db_bind_text(st, 5, action);
    db_bind_text(st, 6, reason);
    db_bind_text(st, 7, snapshot);
    db_bind_int(st, 8, n);
    rc = db_step(st, err);
    char id[UUID_STR_LEN + 32] = "";
    bool red = false;
    if (rc == DB_ROW) {
        snprintf(id, sizeof id, "%s", db_column_text(st, 0));
        red = strcmp(db_column_text(st, 1), "RED") == 0;
        /* RETURNING rows are all produced by the first step; finish the statement. */
        while ((rc = db_step(st, err)) == DB_ROW)
            ;
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!id[0])
        return bh_fail(err, BH_EINTERNAL, NULL, "incident row %lld vanished", (long long)n);
    if (!red)
        return 0;
    /* A RED revision is read by the people who read the record when it was written. */
    rc = db_prepare(db,
                    "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, account_id) "
                    "SELECT 'incident_revision', ?, r.account_id FROM tlp_recipient r JOIN "
                    "incident i ON r.record_type = 'incident' AND r.record_id = i.id "
                    "WHERE i.n = ?",
                    &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    db_bind_int(st, 2, n);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int incident__revision_add(struct db *db, int64_t n, int64_t revision, const struct principal *who,
                           const char *action, const char *reason, struct bh_error *err)
{
    json_t *snap = NULL;
    int rc = incident__row_json_by_n(db, n, &snap, err);
    if (rc)
        return rc;
    char *text = json_dumps(snap, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(snap);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    rc = incident__revision_insert(db, n, revision, now,
                                   who->username[0] ? who->username : "unknown", action, reason,
                                   text, err);
    free(text);
    return rc;
}

static json_t *revision_json(struct db_stmt *st)
{
    const char *reason = db_column_text(st, 4);
    json_t *snap = json_loads(db_column_text(st, 5), 0, NULL);
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "revision", (json_int_t)db_column_int(st, 0),
                     "at", db_column_text(st, 1), "actor", db_column_text(st, 2), "action",
                     db_column_text(st, 3), "reason", reason ? json_string(reason) : json_null(),
                     "snapshot", snap ? snap : json_object());
}

/* "SELECT <what> FROM incident_revision r WHERE r.incident_n = ? AND <visible>" into `sql`,
 * and `n` and the predicate's values into `params`. */
static void visible_revisions(const struct principal *who, const char *what, int64_t n,
                              struct buf *sql, struct db_params *params)
{
    buf_printf(sql, "SELECT %s FROM incident_revision r WHERE r.incident_n = ? AND ", what);
    db_params_int(params, n);
    incident__revision_predicate(who, "r", sql, params);
}

/* A merged duplicate's revisions name the incident it went into (the snapshot's merged_into,
 * the merge's reason); a reader of the duplicate who may not see that incident reads neither,
 * as the record itself shows it (record.c). A merge is final, so one target covers every
 * revision. */
static int hide_invisible_target(struct db *db, const struct principal *who,
                                 const struct incident__loaded *l, json_t *items,
                                 struct bh_error *err)
{
    const char *into = json_string_value(json_object_get(l->json, "merged_into"));
    bool visible = true;
    int rc = into ? incident_visible_to(db, who, into, &visible, err) : 0;
    if (rc || visible)
        return rc;
    char reason[UUID_STR_LEN + 32];
    snprintf(reason, sizeof reason, "merged into %s", into);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        json_t *snap = json_object_get(item, "snapshot");
        if (json_is_string(json_object_get(snap, "merged_into")))
            json_object_set_new(snap, "merged_into", json_null());
        const char *r = json_string_value(json_object_get(item, "reason"));
        if (r && strcmp(r, reason) == 0)
            json_object_set_new(item, "reason", json_string("merged into another incident"));
    }
    return 0;
}

int incident_revisions(struct db *db, const struct principal *who, const char *id, int64_t after,
                       int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err)
{
    *more = false;
    struct incident__loaded l;
    int rc = incident__load(db, who, id, "id", &l, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    visible_revisions(who, "r.revision, r.at, r.actor, r.action, r.reason, r.snapshot, r.tlp", l.n,
                      &sql, &params);
    buf_puts(&sql, " AND r.revision > ? ORDER BY r.revision LIMIT ?");
    db_params_int(&params, after);
    db_params_int(&params, (int64_t)limit + 1);
    rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    /* Snapshots are the record: an admin reading a RED one's history reads the record, and a
     * restricted revision of a record marked more widely now is the same read. */
    bool audited = incident__read_audited(who, l.tlp);
    if (!rc) {
        db_params_bind(st, &params);
        int k = 0;
        while ((rc = db_step(st, err)) == DB_ROW) {
            if (k++ == limit) {
                *more = true;
                break;
            }
            audited = audited || incident__read_audited(who, db_column_text(st, 6));
            json_array_append_new(items, revision_json(st));
        }
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    /* The total counts what the reader may see, never what the list leaves out. */
    if (!rc && total) {
        db_params_cleanup(&params);
        visible_revisions(who, "count(*)", l.n, &sql, &params);
        *total = 0;
        rc = db_exec_params(db, buf_str(&sql), &params, total, NULL, err);
        buf_cleanup(&sql);
    }
    db_params_cleanup(&params);
    if (!rc && audited) {
        json_t *summary = json_pack("{s:s, s:s}", "via", "revisions", "tlp", l.tlp);
        rc = incident__audit_read(db, who, l.id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = hide_invisible_target(db, who, &l, items, err);
    incident__loaded_cleanup(&l);
    if (rc)
        json_array_clear(items);
    return rc;
}
