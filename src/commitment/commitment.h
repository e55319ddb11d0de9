#ifndef BH_COMMITMENT_COMMITMENT_H
#define BH_COMMITMENT_COMMITMENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Commitments (docs/coordination.md): what the group, Action for Peacekeeping (A4P) or the
 * 2017 Action Plan to improve the security of peacekeepers commits to, broken into
 * mission-level actions (src/action/). A shareable record.
 *
 * A commitment as a request writes it:
 *   {"title": "...", "description": "Markdown", "source": "group" | "a4p" | "ap2017",
 *    "decision": "<decision id>"            (source "group": required),
 *    "a4p_area": "safety_security"          (source "a4p": required; else an optional tag),
 *    "ap2017_area": "capacities"            (source "ap2017": required; else optional),
 *    "made_on": "YYYY-MM-DD"                (default: the decision's day, else today),
 *    "tlp": "TLP:GREEN", "sharing_group": 3, "recipients": [...]}
 * A4P's eight areas: politics, wps (women, peace and security), protection, safety_security,
 * performance (performance and accountability), peacebuilding (peacebuilding and sustaining
 * peace), partnerships, conduct (conduct of peacekeepers and peacekeeping operations).
 * The 2017 Action Plan's four: mindsets (changing mindsets), capacities (improving
 * capacities), footprint (a threat-sensitive mission footprint), accountability. */

/* The visibility predicate of table alias `alias` (record type "commitment"). */
void commitment_predicate(const struct principal *who, const char *alias, struct buf *sql,
                          struct db_params *params);

/* Whether `body` would make a commitment for `who`, writing nothing: a proposal's plan is
 * checked when its version is written, long before its adoption creates it. With
 * `decision_pending`, the commitment will be made from a decision that does not exist yet
 * (source "group" then needs no "decision"). Errors name the member as commitment_create's. */
int commitment_check(struct db *db, const struct principal *who, const json_t *body,
                     bool decision_pending, struct bh_error *err);

/* Creates a commitment from `body` (its own transaction, which nests in the caller's). With
 * `decision_id` non-NULL it is the group's own commitment from that decision, whatever the
 * body says of source and decision. *out gets its JSON (commitment_get's shape). Audited as
 * "commitment.create". */
int commitment_create(struct db *db, const struct principal *who, const json_t *body,
                      const char *decision_id, json_t **out, struct bh_error *err);

/* ---- Added by the commitments module (API and actions) ---- */

#include "sharing/sharing.h"

extern const struct permission perm_commitment_write;
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const commitment_permissions[];

/* Whether `s` is a calendar date written YYYY-MM-DD. Pure. */
bool commitment_valid_date(const char *s);

/* The commitment as `who` sees it (BH_ENOTFOUND otherwise): {id, title, description, source,
 * decision: {id, title} | null, a4p_area, ap2017_area, made_on, owner, tlp, sharing_group,
 * revision, created_at, updated_at, actions: {total, planned, in_progress, done, blocked,
 * dropped, overdue} (the actions `who` may see)}. An admin's read of RED or AMBER+STRICT is
 * audited. */
int commitment_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                   struct bh_error *err);

/* What an action needs of its commitment, read as `who` sees it (BH_ENOTFOUND otherwise). */
struct commitment_marking {
    enum tlp tlp;
    int64_t group;
    int64_t owner_org_id;
    char title[201];
};
int commitment_made_on(struct db *db, const struct principal *who, const char *id, char made_on[11],
                       struct commitment_marking *mk, struct bh_error *err);

/* Filters of commitment_list (NULL: none). Unknown values are BH_EINVALID naming the filter. */
struct commitment_filter {
    const char *source, *a4p_area, *ap2017_area, *decision;
};

/* Commitments `who` may see, newest first, after id `after` (NULL or "" from the newest). */
int commitment_list(struct db *db, const struct principal *who, const struct commitment_filter *f,
                    const char *after, int limit, json_t *items, bool *more, struct bh_error *err);

/* Changes the members present in `body` (as commitment_create reads them): the owner
 * organization's writers or an admin (others BH_EDENIED; hidden BH_ENOTFOUND). With
 * `if_revision` > 0, a stored revision that differs is BH_ECONFLICT naming "If-Match". */
int commitment_update(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, int64_t if_revision, json_t **out, struct bh_error *err);

#endif
