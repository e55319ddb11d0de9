#ifndef BH_CAPACITY_CAPACITY_H
#define BH_CAPACITY_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Capacity building (docs/capacity.md): the marketplace and the ledger of the UN's Light
 * Coordination Mechanism. Contributors post needs, providers post offers, the platform
 * proposes the assignment that covers the most priority-weighted need under the offers'
 * capacities (computed optimally, not greedily: flow.c), coordinators confirm matches and both
 * parties are told, duplicated support is flagged, providers record the training they
 * delivered, and the gap reports say what is missing per mission and per contributing country.
 * Tables: migration 0028. Needs, offers and training courses are shareable records (record
 * types "need", "offer", "training"; markings CLEAR, GREEN or AMBER only: a need nobody else
 * may read cannot be met). A match is read by whoever reads both its need and its offer.
 *
 * A need as JSON (capacity_need_get; lists give the same objects):
 *   {"id", "org": {"code", "name", "kind"}, "mission": acronym | null,
 *    "category", "capability", "title", "description", "quantity", "unit", "priority",
 *    "starts_on", "ends_on" (YYYY-MM-DD), "languages": [codes], "location",
 *    "status": "open" | "closed" | "withdrawn", "covered" (the sum of its confirmed matches),
 *    "remaining" (quantity - covered, never below 0), "matches" (confirmed matches, a count),
 *    "tlp": "TLP:GREEN", "sharing_group": id | null, "version", "created_at", "updated_at",
 *    "can": {"edit", "confirm"}}
 * A body that writes one (create; every member optional on update):
 *   {"org" (a code: only an admin may post for another organization; default the writer's),
 *    "mission", "category", "capability", "title", "description", "quantity", "unit" (default
 *    the capability's), "priority" (default "medium"), "starts_on", "ends_on", "languages",
 *    "location", "status" (update only), "tlp" (default GREEN), "sharing_group"}
 *
 * An offer as JSON (capacity_offer_get):
 *   {"id", "org": {"code", "name", "kind"}, "for_org": {"code", "name"} | null, "category",
 *    "capability", "title", "conditions", "capacity", "unit", "starts_on", "ends_on",
 *    "languages": [codes], "location", "status", "committed" (the sum of its confirmed
 *    matches), "remaining", "matches", "tlp", "sharing_group", "version", "created_at",
 *    "updated_at", "can": {"edit"}}
 * A body: {"org", "for_org", "category", "capability", "title", "conditions", "capacity",
 *    "unit", "starts_on", "ends_on", "languages", "location", "status" (update only), "tlp",
 *    "sharing_group"}
 *
 * Every failure names its member ("quantity", "ends_on", "languages[1]") and writes nothing. */

extern const struct permission perm_capacity_request;    /* post its organization's needs */
extern const struct permission perm_capacity_offer;      /* post its organization's offers */
extern const struct permission perm_capacity_coordinate; /* confirm and cancel matches */
extern const struct permission perm_capacity_train;      /* record courses and deliveries */
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const capacity_permissions[];

#define CAPACITY_TITLE_MAX        200
#define CAPACITY_TEXT_MAX         5000 /* description, conditions */
#define CAPACITY_LOCATION_MAX     200
#define CAPACITY_LANGUAGES_MAX    10
#define CAPACITY_NOTE_MAX         500
#define CAPACITY_QUANTITY_MAX     1000000000000LL /* a trillion: seats, units or dollars */
#define CAPACITY_PARTICIPANTS_MAX 100             /* organizations per delivery */

/* ---- visibility.c ---- */

/* Needs ("need"), offers ("offer") and training courses ("training"): the sharing predicate
 * (sharing.h) with their record types. Deliveries are read under their course's. */
void capacity_need_predicate(const struct principal *who, const char *alias, struct buf *sql,
                             struct db_params *params);
void capacity_offer_predicate(const struct principal *who, const char *alias, struct buf *sql,
                              struct db_params *params);
void capacity_training_predicate(const struct principal *who, const char *alias, struct buf *sql,
                                 struct db_params *params);

/* A match (alias `alias` of a row with need_n and offer_n: capacity_match, or the view
 * capacity_match_record the record registry reads): seen by the readers of both its need and
 * its offer. */
void capacity_match_predicate(const struct principal *who, const char *alias, struct buf *sql,
                              struct db_params *params);

/* ---- vocabulary.c: the closed lists ---- */

/* The mechanism's eight categories, the units, the priorities (most urgent first) and the
 * languages an offer may be given in, NULL-terminated. */
extern const char *const capacity_categories[];
extern const char *const capacity_units[];
extern const char *const capacity_priorities[];
extern const char *const capacity_languages[];

/* A specific capability: its code, its category, the unit a need of it counts in by default,
 * and its English label (N_(), translated by the vocabulary). */
struct capacity_capability {
    const char *code;     /* "counter_ied_search" */
    const char *category; /* "training" */
    const char *unit;     /* "seats" */
    const char *label;    /* N_("Counter-IED search") */
};
/* Every capability, ended by a row of NULLs. */
extern const struct capacity_capability capacity_capabilities[];

/* The capability of `code`, NULL when unknown. */
const struct capacity_capability *capacity_capability_find(const char *code);

/* The weight of a priority in the proposed assignment's objective: critical 8, high 4,
 * medium 2, low 1; 0 for an unknown code. */
int capacity_priority_weight(const char *priority);

/* Words for the codes in the reader's language (gettext), for GET /api/v1/vocabulary:
 * {"categories": {code: label}, "capabilities": {code: {"label", "category", "unit"}},
 *  "units": {code: label}, "priorities": {code: label}, "languages": {code: name}}. */
json_t *capacity_vocabulary_json(void);

/* ---- need.c and offer.c ---- */

/* Creates a need owned by the body's "org" (default: `who`'s organization; another only for
 * an admin); needs capacity.request. Audited as need.create. *out: the need as
 * capacity_need_get gives it. */
int capacity_need_create(struct db *db, const struct principal *who, const json_t *body,
                         json_t **out, struct bh_error *err);

/* Changes the members present in `body`. `if_version` > 0 must be the stored version (else
 * BH_ECONFLICT naming "If-Match"). Hidden: BH_ENOTFOUND; another organization's (not an
 * admin's): BH_EDENIED. A quantity below what confirmed matches cover is BH_ECONFLICT naming
 * "quantity"; so is a new capability or unit while confirmed matches use the need (naming
 * it). "status" goes open <-> closed freely, and to "withdrawn" for good: a withdrawn need
 * (or offer) is not reopened (BH_ECONFLICT naming "status"), its owner posts a new one, so
 * that providers who saw it taken back are not surprised by its return. "org" is not
 * changed (BH_EINVALID). Audited as need.update. Offers follow the same rules, with
 * "capacity" for "quantity". */
int capacity_need_update(struct db *db, const struct principal *who, const char *id,
                         const json_t *body, int64_t if_version, json_t **out,
                         struct bh_error *err);

/* The need when `who` may see it; BH_ENOTFOUND otherwise. */
int capacity_need_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                      struct bh_error *err);

/* Filters of the lists; NULL or 0 members do not filter. */
struct capacity_filter {
    const char *status; /* "open" (the lists' default when NULL), "closed", "withdrawn", "any" */
    const char *category;
    const char *capability;
    const char *mission;  /* needs and deliveries */
    const char *org;      /* the owning organization's code */
    const char *priority; /* needs */
    bool unmet;           /* needs with something remaining */
    const char *after;    /* the previous page's "next" */
    int limit;            /* 1..500; 0: 50 */
};

/* Needs `who` sees, newest first: {"items", "total", "next" (null at the end), "as_of"}. A bad
 * filter is BH_EINVALID naming it. */
int capacity_need_list(struct db *db, const struct principal *who, const struct capacity_filter *f,
                       json_t **out, struct bh_error *err);

int capacity_offer_create(struct db *db, const struct principal *who, const json_t *body,
                          json_t **out, struct bh_error *err);
int capacity_offer_update(struct db *db, const struct principal *who, const char *id,
                          const json_t *body, int64_t if_version, json_t **out,
                          struct bh_error *err);
int capacity_offer_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                       struct bh_error *err);
int capacity_offer_list(struct db *db, const struct principal *who, const struct capacity_filter *f,
                        json_t **out, struct bh_error *err);

/* ---- flow.c: the optimal assignment, independent of the store ---- */

/* An assignment problem: needs i with a remaining quantity and a weight (their priority's),
 * offers j with a remaining capacity, and the candidate pairs k (need pair_need[k] may take
 * from offer pair_offer[k]). The objective is the sum over pairs of flow[k] times the weight
 * of the need, under sum_j flow <= quantity of each need and sum_i flow <= capacity of each
 * offer: a transportation problem, whose linear program has an integral optimum. */
struct capacity_problem {
    size_t nneeds, noffers, npairs;
    const int64_t *need_quantity;  /* > 0 */
    const int *need_weight;        /* > 0 */
    const int64_t *offer_capacity; /* > 0 */
    const uint32_t *pair_need;
    const uint32_t *pair_offer;
    const int *pair_score; /* NULL, or 1..100: among optimal assignments, prefer higher */
};

/* Solves `p` optimally: flow[k] (npairs entries, the caller's) gets each pair's quantity;
 * *weighted the objective, *covered the sum of all flow. Because the weights sit on the needs
 * only, the needs' coverage vectors form a polymatroid, and maximum flow taken in order of
 * decreasing weight (all needs of the heaviest weight first, then the next, never taking back
 * what a heavier need got) is optimal for the weighted objective; flow.c says more. Returns 0,
 * or BH_EINVALID for a malformed problem (an index out of range, a non-positive amount). */
int capacity_solve(const struct capacity_problem *p, int64_t *flow, int64_t *weighted,
                   int64_t *covered, struct bh_error *err);

/* The first-come baseline a spreadsheet gives, for tests and the benchmark only: needs in
 * order of weight (then index), each taking from its candidate offers in order of score
 * (then index) as much as they have left. Same outputs as capacity_solve. */
int capacity_solve_greedy(const struct capacity_problem *p, int64_t *flow, int64_t *weighted,
                          int64_t *covered, struct bh_error *err);

/* ---- score.c and propose.c: candidates and the proposed assignment ---- */

/* The fit of an offer to a need, 0..100; 0 means not a candidate. A candidate has the same
 * category, capability and unit, periods that overlap, a language in common when both name
 * languages, different organizations, each organization able to read the other's record,
 * and, for an offer made to one contributor (for_org), that contributor as the need's owner.
 * The score adds 50 for the capability, 20 x the share of the need's period the offer
 * covers, 15 x the share of the need's languages the offer speaks (15 when the need names
 * none), and 15 x min(1, offer remaining / need remaining). */
struct capacity_side {
    int64_t org_id;
    int64_t for_org_id; /* offers: 0 when open to all */
    const char *category, *capability, *unit;
    const char *starts_on, *ends_on; /* YYYY-MM-DD */
    const char *languages;           /* codes separated by one space; "" */
    int64_t remaining;
};
int capacity_pair_score(const struct capacity_side *need, const struct capacity_side *offer);

/* Here and in the proposal, a pair already confirmed is not a candidate any more: confirming
 * it again returns that match (capacity_match_confirm), it never adds to it. */

/* Offers `who` sees that are candidates for need `id`, best first, each as {"offer": the
 * offer's JSON, "score", "quantity" (what it could give: min of both remainings)}:
 * {"need", "items"}. BH_ENOTFOUND for a need `who` does not see. */
int capacity_candidates(struct db *db, const struct principal *who, const char *need_id,
                        json_t **out, struct bh_error *err);

/* The proposed assignment across every open need and offer `who` sees with something
 * remaining (filtered by f->category, f->capability, f->mission, f->org when set):
 * {"as_of", "needs", "offers", "pairs" (candidate pairs), "weighted" (the objective),
 *  "greedy_weighted" (what the first-come baseline reaches on the same problem),
 *  "assignments": [{"need": {id, title, org, mission, capability, priority, quantity,
 *                   remaining, unit}, "offer": {id, title, org, capacity, remaining, unit},
 *                   "quantity", "score"}] (by need priority, then need, then score),
 *  "unmet": [{"need": {...as above}, "remaining" (after the proposal)}]}.
 * Nothing is stored: a coordinator confirms the pairs they accept. */
int capacity_propose(struct db *db, const struct principal *who, const struct capacity_filter *f,
                     json_t **out, struct bh_error *err);

/* ---- match.c: confirmed matches ---- */

/* A match as JSON: {"id", "need": {id, title, org, mission, capability, quantity, unit},
 * "offer": {id, title, org, capacity, unit}, "quantity", "score", "status": "confirmed" |
 * "cancelled", "note", "coordinator": {"code", "name"}, "confirmed_at", "cancelled_at",
 * "cancel_reason"}. */

/* Confirms {"need": id, "offer": id, "quantity" (default: what both have left), "note"};
 * needs capacity.coordinate. Refused: a coordinator of the need's or the offer's organization
 * (BH_EDENIED naming "coordinator": nobody confirms their own organization's match); a need
 * or offer `who` does not see (BH_ENOTFOUND naming it); one not open (BH_ECONFLICT); a pair
 * that is not a candidate (BH_EINVALID naming "offer", saying which rule fails); a quantity
 * that is not positive or above what the need or the offer has left (BH_EINVALID or
 * BH_ECONFLICT naming "quantity", with both amounts). Confirming a pair already confirmed
 * returns that match (*created false) and writes nothing: a retried request. Both
 * organizations are told (notify_org, kind "capacity.matched", params {"need", "offer",
 * "quantity", "unit", "from", "to"}, record "need" for the requester and "offer" for the
 * provider). Audited as match.confirm. */
int capacity_match_confirm(struct db *db, const struct principal *who, const json_t *body,
                           json_t **out, bool *created, struct bh_error *err);

/* Cancels a confirmed match with {"reason"} (required); needs capacity.coordinate, with the
 * same own-organization rule. Both organizations are told ("capacity.cancelled"). Audited as
 * match.cancel. */
int capacity_match_cancel(struct db *db, const struct principal *who, const char *id,
                          const json_t *body, json_t **out, struct bh_error *err);

/* One match `who` sees (both sides); BH_ENOTFOUND otherwise. */
int capacity_match_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                       struct bh_error *err);

/* Matches `who` sees, newest first; `need_id` / `offer_id` / f->org (either side's code) /
 * f->status ("confirmed" default, "cancelled", "any") filter: {"items", "total", "next"}. */
int capacity_match_list(struct db *db, const struct principal *who, const char *need_id,
                        const char *offer_id, const struct capacity_filter *f, json_t **out,
                        struct bh_error *err);

/* ---- duplicates.c: duplicated support ---- */

/* What looks like two providers paying for the same thing, among what `who` sees:
 * {"as_of", "items": [
 *   {"kind": "same_need", "need": {id, title, org, capability, quantity, unit},
 *    "providers": [{"code", "name", "quantity", "via": "match" | "training"}], "total",
 *    "over" (total > quantity)}: a need supported by two or more providers (confirmed matches
 *    and training deliveries that served it);
 *   {"kind": "overlapping_offers", "contributor": {"code", "name"}, "capability",
 *    "offers": [{id, title, org, capacity, unit, starts_on, ends_on}]}: open offers of one
 *    capability made to the same contributor by two or more providers, whose periods overlap]}
 * Only records `who` sees are used and shown. */
int capacity_duplicates(struct db *db, const struct principal *who, json_t **out,
                        struct bh_error *err);

/* ---- training.c: training records ---- */

/* A course as JSON: {"id", "org": {"code", "name"}, "category", "capability", "title",
 * "languages", "description", "offer": id | null, "tlp", "sharing_group", "version",
 * "created_at", "updated_at", "deliveries": [delivery], "can": {"edit"}}; a delivery:
 * {"id", "status": "planned" | "completed" | "cancelled", "starts_on", "ends_on", "location",
 *  "mission", "participants": [{"org": {"code", "name"}, "enrolled", "completed"}],
 *  "enrolled", "completed" (sums), "needs": [{"id", "title", "org", "seats"} or
 *  {"hidden": true, "seats"} for a need the reader may not see]}.
 * A course body: {"org" (admin only), "category" (default "training"), "capability", "title",
 * "languages", "description", "offer" (an offer id of the same organization), "tlp",
 * "sharing_group"}. A delivery body: {"status", "starts_on", "ends_on", "location", "mission",
 * "participants": [{"org", "enrolled", "completed"}], "needs": [{"id", "seats"}]}
 * (participants and needs, when given, replace the stored ones whole). A participant's
 * "completed" may be above 0 only while the delivery's status is "completed" (else BH_EINVALID
 * naming "participants[i].completed", or "status" when a change of status would leave such
 * counts); a linked need must be open and visible to the writer ("needs[i].id"). Writes need
 * capacity.train and the course's organization (or admin); audited as training.create,
 * training.update, training.deliver. */
int capacity_course_create(struct db *db, const struct principal *who, const json_t *body,
                           json_t **out, struct bh_error *err);
int capacity_course_update(struct db *db, const struct principal *who, const char *id,
                           const json_t *body, int64_t if_version, json_t **out,
                           struct bh_error *err);
int capacity_course_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                        struct bh_error *err);
/* Courses `who` sees, newest first, with their deliveries: {"items", "total", "next",
 * "as_of"}; f->capability, f->org, f->mission (of a delivery) filter. */
int capacity_course_list(struct db *db, const struct principal *who,
                         const struct capacity_filter *f, json_t **out, struct bh_error *err);
/* Adds a delivery to course `course_id`; *out: the course. */
int capacity_delivery_add(struct db *db, const struct principal *who, const char *course_id,
                          const json_t *body, json_t **out, struct bh_error *err);
/* Changes delivery `id` (members present); *out: its course. */
int capacity_delivery_update(struct db *db, const struct principal *who, const char *id,
                             const json_t *body, json_t **out, struct bh_error *err);

/* ---- gaps.c: the gap reports ---- */

/* The gap report over the open needs `who` sees, grouped `by` "mission" (the need's mission;
 * "" for none) or "org" (the requesting organization), as of `now_ms`:
 * {"by", "as_of", "rows": [{"key" (acronym or code), "name", "needs" (open needs),
 *   "unmet" (with something remaining), "covered_share" (the mean over the needs of
 *   covered / quantity, 0..1, 3 decimals), "fully_covered" (needs), "critical_unmet",
 *   "matched" (needs with a confirmed match), "median_days_to_match" (from a need's creation
 *   to its first confirmed match, over the matched needs; null when none),
 *   "by_category": {category: {"needs", "unmet"}}}], "totals": {the same members}}.
 * Rows sorted by unmet descending, then key. Covered counts only matches whose offer `who`
 * also sees: an aggregate never counts what its reader could not read. A bad `by` is
 * BH_EINVALID naming "by". */
int capacity_gaps(struct db *db, const struct principal *who, const char *by, int64_t now_ms,
                  json_t **out, struct bh_error *err);

/* The report as CSV (RFC 4180, header row first): key, name, needs, unmet, covered_share,
 * fully_covered, critical_unmet, matched, median_days_to_match, then needs and unmet per
 * category; the totals last with key "total". Appends to `out`. */
void capacity_gaps_csv(const json_t *report, struct buf *out);

/* ---- demo.c ---- */

/* `bluehelm demo`: illustrative needs, offers, a course and a confirmed match among the demo
 * organizations, once (a second run adds nothing), each titled as invented. */
int capacity_demo(struct db *db, struct bh_error *err);

#endif
