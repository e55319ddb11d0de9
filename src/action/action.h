#ifndef BH_ACTION_ACTION_H
#define BH_ACTION_ACTION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"
#include "principal/principal.h"

/* Mission-level actions (docs/coordination.md): a commitment broken into what one
 * organization does in one mission by a day, followed until done. Stored in table
 * mission_action (ACTION is an SQL keyword); a shareable record of type "action".
 *
 * An action as a request writes it:
 *   {"title": "...", "description": "Markdown", "mission": "MINUSCA",
 *    "responsible_org": "RWA", "responsible_unit": "Sector West",
 *    "due_date": "YYYY-MM-DD"        (not before the commitment's made_on),
 *    "time_zone": "Africa/Bangui"    (default: the mission's, from its host country),
 *    "indicators": [{"name": "...", "unit": "%", "baseline": 0, "target": 100}],
 *    "tlp": ..., "sharing_group": ..., "recipients": [...] (default: the commitment's marking)}
 * The responsible organization must be able to read the action's marking.
 * Status: planned, in_progress, done, blocked, dropped (with a reason). An action neither done
 * nor dropped is overdue once its due day has ended in its time zone. */

/* The visibility predicate of table alias `alias` (record type "action"). */
void action_predicate(const struct principal *who, const char *alias, struct buf *sql,
                      struct db_params *params);

/* Whether `body` would make an action for `who` under a commitment made on `made_on`
 * (YYYY-MM-DD; NULL: not known yet), writing nothing. Errors name the member. */
int action_check(struct db *db, const struct principal *who, const json_t *body,
                 const char *made_on, struct bh_error *err);

/* Creates an action of commitment `commitment_id` (its own transaction, which nests in the
 * caller's). *out gets its JSON (action_get's shape). Audited as "action.create"; the
 * responsible organization is notified ("action.assigned"). */
int action_create(struct db *db, const struct principal *who, const char *commitment_id,
                  const json_t *body, json_t **out, struct bh_error *err);

/* The overdue reminder worker: at most once per action and day (the day in the action's time
 * zone), the responsible organization of each overdue action is notified ("action.overdue"). */
extern const struct bh_worker action_reminder_worker;

/* One pass of that worker at instant `now_ms` (tests call it with an injected clock);
 * *sent (may be NULL) gets the number of reminders written. */
int action_remind_overdue(struct db *db, int64_t now_ms, int *sent, struct bh_error *err);

/* ---- Added by the actions module (API, updates, indicators) ---- */

extern const struct permission perm_action_write;
extern const struct permission perm_action_update;
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const action_permissions[];

/* {id, commitment: {id, title (null when the commitment is hidden from `who`)}, title,
 * description, mission, responsible_org, responsible_org_name, responsible_unit, due_date,
 * time_zone, due_at, due_at_local, overdue, status, status_reason, done_at, indicators: [{id,
 * name, unit, baseline, target, current, updated_at}], owner, tlp, sharing_group, revision,
 * created_at, updated_at, updates: [update] (newest first; evidence of a record hidden from
 * `who` shown as {kind, hidden: true})}. BH_ENOTFOUND when missing or hidden. An admin's read
 * of RED or AMBER+STRICT is audited. */
int action_get(struct db *db, const struct principal *who, const char *id, json_t **out,
               struct bh_error *err);

/* Filters of action_list (NULL: none). */
struct action_filter {
    const char *mission, *responsible_org, *status, *commitment;
    bool overdue; /* only the overdue ones */
};

/* Actions `who` may see (without "updates"), newest first, after id `after`. Unknown status
 * or organization code: BH_EINVALID naming the filter. */
int action_list(struct db *db, const struct principal *who, const struct action_filter *f,
                const char *after, int limit, json_t *items, bool *more, struct bh_error *err);

/* Changes title, description, mission, responsible_org, responsible_unit, due_date, time_zone
 * and the marking (never status: BH_EINVALID naming "status"): the owner organization's
 * writers or an admin. `if_revision` as commitment_update. */
int action_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                  int64_t if_revision, json_t **out, struct bh_error *err);

/* A progress update {note, status, reason, evidence: [{kind, ref, label}], indicators: [{name,
 * value}]} by a user of the responsible or the owner organization (or an admin) with
 * action.update; others BH_EDENIED. *out gets the update's JSON. */
int action_add_update(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, json_t **out, struct bh_error *err);

/* Adds an indicator {name, unit, baseline, target} (as action_update decides who may);
 * *out gets the action. A name the action has already: BH_EINVALID naming "name". */
int action_add_indicator(struct db *db, const struct principal *who, const char *id,
                         const json_t *body, json_t **out, struct bh_error *err);

/* The actions of commitment `commitment_id` that `who` may see (the commitment must be
 * visible: BH_ENOTFOUND otherwise), oldest first. */
int action_list_of_commitment(struct db *db, const struct principal *who, const char *commitment_id,
                              json_t *items, struct bh_error *err);

#endif
