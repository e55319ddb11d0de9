/* The silence procedure's end: at its deadline an open proposal is adopted unless an
 * organization's current position on its current version is break_silence. The server does it
 * exactly once: the transition is a conditional UPDATE in the transaction that writes
 * everything adoption makes, so two passes (two workers, a worker and the CLI, a restart in
 * the middle) can race and only one of them changes the row. */
#include "proposal/internal.h"

#include "action/action.h"
#include "audit/audit.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "commitment/commitment.h"
#include "decision/decision.h"
#include "feed/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Creates the version's plan under decision `decision_id` as the server for the owner. A
 * failure (a mission closed since the plan was checked) leaves nothing of the plan: it runs
 * in a nested transaction the caller's survives. */
static int create_plan(struct db *db, const struct principal *server, const char *plan_json,
                       const char *decision_id, struct bh_error *err)
{
    json_t *plan = json_loads(plan_json, 0, NULL);
    if (!plan)
        return bh_fail(err, BH_EINTERNAL, "plan", "the stored plan is not JSON");
    int rc = db_begin(db, err);
    json_t *c = NULL;
    if (!rc)
        rc = commitment_create(db, server, json_object_get(plan, "commitment"), decision_id, &c,
                               err);
    const char *cid = c ? json_string_value(json_object_get(c, "id")) : NULL;
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(plan, "actions"), i, a)
    {
        json_t *made = NULL;
        if (!rc && cid)
            rc = action_create(db, server, cid, a, &made, err);
        json_decref(made);
    }
    json_decref(c);
    json_decref(plan);
    if (!rc)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    return rc;
}

/* Settles proposal `id` at `now_ms` in one transaction; *done says whether this call did. */
static int settle_one(struct db *db, const char *id, int64_t now_ms, bool *done,
                      struct bh_error *err)
{
    *done = false;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct proposal_row r;
    bool broken = false;
    rc = proposal_row_load(db, NULL, id, &r, err);
    if (!rc)
        rc = proposal_silence_broken(db, id, r.version, &broken, err);
    const char *status = broken ? "not_adopted" : "adopted";
    char nowtext[40];
    time_format_rfc3339(now_ms, 0, false, nowtext);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE proposal SET status = ?, closed_at = ?, closed_ms = ?, "
                            "revision = revision + 1, updated_at = ? WHERE id = ? AND status = "
                            "'open' AND deadline_ms <= ?",
                            DB_PARAMS(DB_TEXT(status), DB_TEXT(nowtext), DB_INT(now_ms),
                                      DB_TEXT(nowtext), DB_TEXT(id), DB_INT(now_ms)),
                            NULL, NULL, err);
    if (rc || db_changes(db) != 1) {
        /* Another pass settled it first, or it changed since it was listed. */
        db_rollback(db);
        return rc;
    }
    struct principal server;
    principal_server(&server, r.owner_org_id, r.owner);
    char note[600] = "";
    char decision_id[UUID_STR_LEN + 1] = "";
    if (!broken) {
        char *text = NULL, *plan = NULL;
        struct db_stmt *st;
        if (!(rc = db_prepare(db,
                              "SELECT text, plan_json FROM proposal_version WHERE proposal_id = "
                              "? AND version = ?",
                              &st, err))) {
            db_bind_text(st, 1, id);
            db_bind_int(st, 2, r.version);
            if ((rc = db_step(st, err)) == DB_ROW) {
                text = xstrdup(db_column_text(st, 0));
                plan = db_column_text(st, 1) ? xstrdup(db_column_text(st, 1)) : NULL;
            }
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        struct decision_source s = {
            .proposal_id = id,
            .title = r.title,
            .text = text ? text : "",
            .owner_org_id = r.owner_org_id,
            .tlp = r.tlp,
            .sharing_group_id = r.group,
            .decided_ms = r.deadline_ms,
        };
        if (!rc)
            rc = decision_insert(db, &server, &s, decision_id, err);
        if (!rc && plan) {
            struct bh_error perr;
            if (create_plan(db, &server, plan, decision_id, &perr)) {
                /* Adopted all the same: the decision stands, and the people who follow the
                 * proposal read why the plan did not come with it. */
                struct log_field f[] = { LOG_STR("proposal", id), LOG_STR("field", perr.field),
                                         LOG_STR("error", perr.message) };
                log_event(BH_LOG_ERROR, "proposal plan not created at adoption", f, 3);
                snprintf(note, sizeof note, "plan not created: %s%s%.500s", perr.field,
                         perr.field[0] ? ": " : "", perr.message);
            }
        }
        free(text);
        free(plan);
    }
    if (!rc)
        rc = proposal_event_add(db, id, status, r.version, r.deadline, note, 0, now_ms, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:I}", "status", status, "version", (json_int_t)r.version);
        if (decision_id[0])
            json_object_set_new(summary, "decision", json_string(decision_id));
        rc = audit_append(db, &server, broken ? "proposal.not_adopted" : "proposal.adopted",
                          "proposal", id, summary, err);
        json_decref(summary);
    }
    if (!rc) {
        json_t *extra = decision_id[0] ? json_pack("{s:s}", "decision", decision_id) : NULL;
        rc = proposal_notify_readers(db, &r, broken ? "proposal.not_adopted" : "proposal.adopted",
                                     extra, err);
        json_decref(extra);
    }
    if (!rc)
        rc = feed_publish(db, "proposal", "updated", id, 0, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    *done = true;
    return 0;
}

int proposal_settle_due(struct db *db, int64_t now_ms, int *settled, struct bh_error *err)
{
    if (settled)
        *settled = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id FROM proposal WHERE status = 'open' AND deadline_ms <= ? "
                        "ORDER BY deadline_ms, id LIMIT 200",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now_ms);
    char(*ids)[40] = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        snprintf(ids[n++], 40, "%s", db_column_text(st, 0));
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        bool done = false;
        rc = settle_one(db, ids[i], now_ms, &done, err);
        if (!rc && done && settled)
            (*settled)++;
    }
    free(ids);
    return rc;
}

int proposal_next_deadline(struct db *db, int64_t *ms, struct bh_error *err)
{
    *ms = INT64_MAX;
    return db_exec_params(db,
                          "SELECT deadline_ms FROM proposal WHERE status = 'open' ORDER BY "
                          "deadline_ms LIMIT 1",
                          NULL, ms, NULL, err);
}
