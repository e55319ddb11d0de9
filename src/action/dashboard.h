#ifndef BH_ACTION_DASHBOARD_H
#define BH_ACTION_DASHBOARD_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The coordination dashboards (docs/coordination.md, "Dashboards"): figures over meetings,
 * proposals, decisions, commitments and mission-level actions. Every figure is counted through
 * the sharing rule of each record it counts, so it never counts a record its reader could not
 * see; a record that is seen but whose parent is not (an action of a hidden commitment) is
 * counted without the parent's title. Every reply carries "as_of": `now_ms` in RFC 3339 UTC,
 * the instant the figures describe (tests inject it; the API passes time_now_ms()). An action
 * is overdue when its status is neither done nor dropped and its due_ms is at or before now. */

/* {as_of, proposals: {open, adopted, not_adopted, withdrawn}, commitments, actions: {total,
 * planned, in_progress, done, blocked, dropped, overdue}, next_deadline: {id, title, deadline}
 * or null (the open proposal whose deadline comes next), meetings_upcoming (planned meetings
 * that have not started)}. *out is a new reference. */
int action_dashboard_summary(struct db *db, const struct principal *who, int64_t now_ms,
                             json_t **out, struct bh_error *err);

/* What the implementation table is grouped by and filtered on. Strings are borrowed; NULL or
 * "" is no filter. */
struct action_dashboard_query {
    const char *by;          /* "commitment" (default when NULL), "mission" or "org" */
    const char *source;      /* the commitments': group, a4p, ap2017 */
    const char *a4p_area;    /* one of Action for Peacekeeping's eight areas */
    const char *ap2017_area; /* one of the 2017 Action Plan's four areas */
};

/* {as_of, by, rows: [{key, label, total, planned, in_progress, done, blocked, dropped, overdue,
 * done_share}]} sorted by label (then key); done_share is done / (total - dropped), null when
 * that is 0. By commitment a row's key and label are null for the actions whose commitment the
 * reader cannot see. BH_EINVALID naming "by", "source", "a4p_area" or "ap2017_area". */
int action_dashboard_implementation(struct db *db, const struct principal *who, int64_t now_ms,
                                    const struct action_dashboard_query *q, json_t **out,
                                    struct bh_error *err);

/* {as_of, items: [{id, title, commitment: {id, title} or null, mission, responsible_org,
 * due_date, time_zone, due_at, due_at_local, days_overdue, status}]}, the oldest due first;
 * due_at_local is due_at in the action's zone, days_overdue the whole days since due_at. `mission`
 * (an acronym) and `responsible_org` (an organization's code) filter when not NULL or ""; an
 * unknown one is BH_EINVALID naming it. */
int action_dashboard_overdue(struct db *db, const struct principal *who, int64_t now_ms,
                             const char *mission, const char *responsible_org, json_t **out,
                             struct bh_error *err);

/* The most items a timeline holds; a longer one says "truncated": true. */
#define ACTION_DASHBOARD_TIMELINE_MAX 2000

/* {as_of, from, to, truncated, items: [{at, kind, title, id, link}]} in time order between the
 * start of day `from` and the end of day `to` (YYYY-MM-DD, UTC days; NULL or "": twelve months
 * before now and six after). Kinds: meeting, proposal_opened, proposal_adopted,
 * proposal_not_adopted, proposal_withdrawn, decision, action_due, action_done. BH_EINVALID
 * naming "from" or "to". */
int action_dashboard_timeline(struct db *db, const struct principal *who, int64_t now_ms,
                              const char *from, const char *to, json_t **out, struct bh_error *err);

/* The CSV (RFC 4180, CRLF, a header row, formula cells guarded as formats/csv.h says) of an
 * implementation or overdue reply made by the functions above. */
void action_dashboard_implementation_csv(const json_t *res, struct buf *out);
void action_dashboard_overdue_csv(const json_t *res, struct buf *out);

#endif
