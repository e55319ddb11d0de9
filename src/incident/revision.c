/* Revisions: every change of an incident kept as the whole record after it, so "who changed
 * what, when, and why" is answered by reading, not by reconstructing. */
#include "incident/internal.h"

#include "base/timeutil.h"

#include <stdlib.h>
#include <string.h>

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
    struct db_stmt *st;
    rc = db_prepare(db,
                    "INSERT INTO incident_revision (incident_n, revision, at, actor, action, "
                    "reason, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &st, err);
    if (!rc) {
        db_bind_int(st, 1, n);
        db_bind_int(st, 2, revision);
        db_bind_text(st, 3, now);
        db_bind_text(st, 4, who->username[0] ? who->username : "unknown");
        db_bind_text(st, 5, action);
        db_bind_text(st, 6, reason);
        db_bind_text(st, 7, text);
        rc = db_step(st, err);
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
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

int incident_revisions(struct db *db, const struct principal *who, const char *id, int64_t after,
                       int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err)
{
    *more = false;
    struct incident__loaded l;
    int rc = incident__load(db, who, id, "id", &l, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    rc = db_prepare(db,
                    "SELECT revision, at, actor, action, reason, snapshot FROM incident_revision "
                    "WHERE incident_n = ? AND revision > ? ORDER BY revision LIMIT ?",
                    &st, err);
    if (!rc) {
        db_bind_int(st, 1, l.n);
        db_bind_int(st, 2, after);
        db_bind_int(st, 3, (int64_t)limit + 1);
        int k = 0;
        while ((rc = db_step(st, err)) == DB_ROW) {
            if (k++ == limit) {
                *more = true;
                break;
            }
            json_array_append_new(items, revision_json(st));
        }
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (!rc && total) {
        rc =
            db_prepare(db, "SELECT count(*) FROM incident_revision WHERE incident_n = ?", &st, err);
        if (!rc) {
            db_bind_int(st, 1, l.n);
            rc = db_step(st, err);
            *total = rc == DB_ROW ? db_column_int(st, 0) : 0;
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    /* Snapshots are the record: an admin reading a RED one's history reads the record. */
    if (!rc && incident__read_audited(who, l.tlp)) {
        json_t *summary = json_pack("{s:s, s:s}", "via", "revisions", "tlp", l.tlp);
        rc = incident__audit_read(db, who, l.id, summary, err);
        json_decref(summary);
    }
    incident__loaded_cleanup(&l);
    if (rc)
        json_array_clear(items);
    return rc;
}
