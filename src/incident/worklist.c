/* Work lists: a reporter's reports by state, an endorser's queue, and what changed in the
 * reporter's reports since they last looked.
 *
 * "Since they last looked" is a time kept per account (work_seen, migration 0018), written
 * when the user opens their work list or dismisses the notice (incident_worklist_seen), not
 * at sign-in: a notice shown at sign-in and never read would otherwise be lost by the next
 * sign-in. The changes themselves are read from the incidents' revisions (return and endorse
 * are revisions, with the return's reason), through the index on the reporter: one small
 * query, no log to scan and nothing written on every request. */
#include "incident/worklist.h"

#include "base/buf.h"
#include "base/timeutil.h"
#include "incident/incident.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <string.h>

/* The states of a reporter's own reports that the work list counts; "merged" is a duplicate
 * folded into another report, no longer the reporter's work. */
static const char *const mine_states[] = { "draft", "submitted", "returned", "endorsed", NULL };

/* spatial_count of the incidents layer with the filters `names` = `values`, so every count
 * here equals the list's total for the same query. */
static int count(struct db *db, const struct principal *who, const char *const *names,
                 const char *const *values, int n, int64_t *out, struct bh_error *err)
{
    struct spatial_filter f;
    spatial_filter_init(&f);
    for (int i = 0; i < n; i++) {
        int rc = spatial_filter_set(&f, names[i], values[i], err);
        if (rc)
            return rc;
    }
    return spatial_count(db, who, &spatial_incidents, &f, out, err);
}

/* The missions `who` works for, as a JSON array and as "A,B" (the list filter's text). */
static int missions(struct db *db, const struct principal *who, json_t *list, char *text,
                    size_t cap, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT mission FROM account_mission WHERE account_id = ? ORDER BY "
                        "mission",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->account_id);
    size_t used = 0;
    text[0] = '\0';
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *m = db_column_text(st, 0);
        json_array_append_new(list, json_string(m));
        int k = snprintf(text + used, cap - used, "%s%s", used ? "," : "", m);
        used += k > 0 && (size_t)k < cap - used ? (size_t)k : 0;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int seen_at(struct db *db, const struct principal *who, char out[40], bool *found,
                   struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT seen_at FROM work_seen WHERE account_id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->account_id);
    rc = db_step(st, err);
    *found = rc == DB_ROW;
    snprintf(out, 40, "%s", *found ? db_column_text(st, 0) : "");
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The returns and endorsements of `who`'s reports at or after `since` ("" for all): the
 * same second counts, as revisions are kept to the second and a change in the second the
 * user looked must not be lost. The reports are the user's own, and still go through the
 * sharing rule, as every read of incidents does: a report the user may no longer see (they
 * moved to another organization) is not news to them. */
static int changes(struct db *db, const struct principal *who, const char *since, json_t *list,
                   int64_t *total, struct bh_error *err)
{
    struct buf from = BUF_INIT, sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&from, " FROM incident_revision r JOIN incident i ON i.n = r.incident_n WHERE "
                    "i.reporter_id = ? AND (r.action = 'return' OR r.action = 'endorse') AND "
                    "r.at >= ? AND ");
    db_params_int(&params, who->account_id);
    db_params_text(&params, since);
    incident_predicate(who, "i", &from, &params);
    buf_printf(&sql, "SELECT count(*)%s", buf_str(&from));
    int rc = db_exec_params(db, buf_str(&sql), &params, total, NULL, err);
    struct db_stmt *st = NULL;
    if (!rc) {
        buf_reset(&sql);
        buf_printf(&sql,
                   "SELECT i.id, r.action, r.at, r.reason, i.mission, i.threat_type, "
                   "i.place_name%s ORDER BY r.at DESC, r.incident_n DESC LIMIT ?",
                   buf_str(&from));
        rc = db_prepare(db, buf_str(&sql), &st, err);
    }
    buf_cleanup(&from);
    buf_cleanup(&sql);
    if (rc) {
        db_params_cleanup(&params);
        return rc;
    }
    int k = db_params_bind(st, &params);
    db_bind_int(st, k, INCIDENT_WORKLIST_CHANGES_MAX);
    db_params_cleanup(&params);
    while ((rc = db_step(st, err)) == DB_ROW) {
        bool returned = strcmp(db_column_text(st, 1), "return") == 0;
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?}", "id", db_column_text(st, 0),
                      "action", db_column_text(st, 1), "at", db_column_text(st, 2), "reason",
                      returned ? db_column_text(st, 3) : NULL, "mission", db_column_text(st, 4),
                      "threat_type", db_column_text(st, 5), "place_name", db_column_text(st, 6)));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int incident_worklist(struct db *db, const struct principal *who, json_t **out,
                      struct bh_error *err)
{
    *out = NULL;
    json_t *mine = json_object(), *list = json_array(), *changed = json_array();
    json_t *reply =
        json_pack("{s:o, s:o, s:o}", "mine", mine, "missions", list, "changes", changed);
    int rc = 0;
    for (int i = 0; !rc && mine_states[i]; i++) {
        static const char *const names[] = { "mine", "status" };
        const char *values[] = { "1", mine_states[i] };
        int64_t n = 0;
        if (!(rc = count(db, who, names, values, 2, &n, err)))
            json_object_set_new(mine, mine_states[i], json_integer(n));
    }
    /* The queue: the submitted reports of the endorser's missions, as the queue page lists
     * them (their own among them, which another endorser decides on). */
    char text[SPATIAL_LIST_TEXT];
    if (!rc)
        rc = missions(db, who, list, text, sizeof text, err);
    if (!rc && role_can(who->role, PERM_RECORD_ENDORSE)) {
        static const char *const names[] = { "status", "mission" };
        const char *values[] = { "submitted", text };
        int64_t n = 0;
        if (text[0])
            rc = count(db, who, names, values, 2, &n, err);
        json_object_set_new(reply, "queue", json_integer(n));
    } else {
        json_object_set_new(reply, "queue", json_null());
    }
    char since[40];
    bool looked = false;
    int64_t total = 0;
    if (!rc)
        rc = seen_at(db, who, since, &looked, err);
    if (!rc)
        rc = changes(db, who, since, changed, &total, err);
    if (rc) {
        json_decref(reply);
        return rc;
    }
    json_object_set_new(reply, "seen_at", looked ? json_string(since) : json_null());
    json_object_set_new(reply, "changes_total", json_integer(total));
    *out = reply;
    return 0;
}

int incident_worklist_seen(struct db *db, const struct principal *who, char out[40],
                           struct bh_error *err)
{
    out[0] = '\0';
    if (who->account_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "only a user account has a work list");
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    int rc = db_exec_params(db,
                            "INSERT INTO work_seen (account_id, seen_at) VALUES (?, ?) ON CONFLICT "
                            "(account_id) DO UPDATE SET seen_at = excluded.seen_at",
                            DB_PARAMS(DB_INT(who->account_id), DB_TEXT(now)), NULL, NULL, err);
    if (!rc)
        snprintf(out, 40, "%s", now);
    return rc;
}
