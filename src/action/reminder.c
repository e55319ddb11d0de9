/* Overdue reminders: once a day (the day in the action's own time zone), the responsible
 * organization of each action neither done nor dropped whose due day has ended is told. The
 * reminder sent is a row of action_reminder keyed by action and day, written in the same
 * transaction as the notification: a second pass, or a restart, the same day tells nobody
 * twice. */
#include "action/internal.h"

#include "base/i18n.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "db/worker.h"
#include "feed/feed.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int action_remind_overdue(struct db *db, int64_t now_ms, int *sent, struct bh_error *err)
{
    if (sent)
        *sent = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, time_zone, title, mission, due_date, responsible_org_id FROM "
                        "mission_action WHERE status IN ('planned', 'in_progress', 'blocked') "
                        "AND due_ms <= ? ORDER BY due_ms, id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now_ms);
    /* Read first, then write: the pass is one transaction over a stable list. */
    json_t *due = json_array();
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(
            due, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", db_column_text(st, 0), "zone",
                           db_column_text(st, 1), "title", db_column_text(st, 2), "mission",
                           db_column_text(st, 3), "due_date", db_column_text(st, 4), "org",
                           (json_int_t)db_column_int(st, 5)));
    db_stmt_done(st);
    if (rc < 0 || json_array_size(due) == 0) {
        json_decref(due);
        return rc < 0 ? rc : 0;
    }
    char now[40];
    time_format_rfc3339(now_ms, 0, false, now);
    int count = 0;
    rc = db_begin(db, err);
    for (size_t i = 0; !rc && i < json_array_size(due); i++) {
        json_t *a = json_array_get(due, i);
        const char *id = json_string_value(json_object_get(a, "id"));
        char day[11];
        struct bh_error zerr;
        /* A zone ICU no longer knows falls back to UTC's day rather than stopping every
         * reminder. */
        if (tz_local_date(json_string_value(json_object_get(a, "zone")), now_ms, day, &zerr))
            snprintf(day, sizeof day, "%.10s", now);
        rc = db_exec_params(db,
                            "INSERT OR IGNORE INTO action_reminder (action_id, day, sent_at) "
                            "VALUES (?, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_TEXT(day), DB_TEXT(now)), NULL, NULL, err);
        if (rc || db_changes(db) == 0)
            continue;
        char *params = action__notify_params(json_string_value(json_object_get(a, "title")),
                                             json_string_value(json_object_get(a, "mission")),
                                             json_string_value(json_object_get(a, "due_date")));
        char link[80];
        snprintf(link, sizeof link, "/actions/%s", id);
        rc = notify_org(db, json_integer_value(json_object_get(a, "org")), "action.overdue",
                        "action", id, params, link, err);
        free(params);
        if (!rc)
            count++;
    }
    json_decref(due);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    if (count > 0)
        feed_notify();
    if (sent)
        *sent = count;
    return 0;
}

/* ---- the worker: a pass every ten minutes on its own connection ---- */

#define PASS_SECONDS 600

/* One pass: the overdue reminders due now, logged. */
static void reminder_pass(struct db *db, void *ctx)
{
    (void)ctx;
    struct bh_error err;
    int sent = 0;
    if (action_remind_overdue(db, time_now_ms(), &sent, &err)) {
        struct log_field f[] = { LOG_STR("error", err.message) };
        log_event(BH_LOG_WARN, "overdue action reminders failed", f, 1);
    } else if (sent > 0) {
        struct log_field f[] = { LOG_INT("reminders", sent) };
        log_event(BH_LOG_INFO, "overdue action reminders sent", f, 1);
    }
}

static int reminder_start(const struct bh_config *c, void **state, struct bh_error *err)
{
    struct db_worker *w;
    int rc = db_worker_start(c->db, PASS_SECONDS, reminder_pass, NULL,
                             N_("cannot start the overdue reminders' thread"), &w, err);
    *state = w;
    return rc;
}

static void reminder_stop(void *state)
{
    db_worker_stop(state);
}

const struct bh_worker action_reminder_worker = { "action reminders", reminder_start,
                                                  reminder_stop };
