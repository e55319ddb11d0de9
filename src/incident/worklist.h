#ifndef BH_INCIDENT_WORKLIST_H
#define BH_INCIDENT_WORKLIST_H

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Work lists: what is waiting for a signed-in user. A reporter's own reports by state, an
 * endorser's queue, and what changed in the reporter's reports (returned, endorsed) since
 * they last looked (incident_worklist_seen()). Every count goes through the incident list's
 * query (spatial_count), so it equals the list's total for the same filters. */

/* The most changes listed in one reply; "changes_total" counts them all. */
#define INCIDENT_WORKLIST_CHANGES_MAX 20

/* *out (new reference):
 *   {"mine": {"draft": n, "submitted": n, "returned": n, "endorsed": n},
 *    "queue": n or null (null: `who` cannot endorse), "missions": [acronyms `who` works for],
 *    "seen_at": RFC 3339 or null (never looked), "changes_total": n,
 *    "changes": [{"id", "action" ("return", "endorse"), "at", "reason" (a return's, or null),
 *                 "mission", "threat_type", "place_name"}, ...] newest first}
 * where changes are the returns and endorsements of `who`'s own reports at or after seen_at. */
int incident_worklist(struct db *db, const struct principal *who, json_t **out,
                      struct bh_error *err);

/* Notes that `who` has looked at their work list now: later changes are news. *seen_at
 * (40 bytes) receives the time written. BH_EDENIED for a reader without an account. */
int incident_worklist_seen(struct db *db, const struct principal *who, char seen_at[40],
                           struct bh_error *err);

#endif
