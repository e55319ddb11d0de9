#ifndef BH_INCIDENT_REPORT_H
#define BH_INCIDENT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Members' reports and their workflow (docs/incidents.md):
 *
 *     draft --submit--> submitted --endorse--> endorsed
 *       ^                 |    |
 *       |              return  merge (into another incident of the mission)
 *       |                 v    v
 *       +--(edit)----- returned   merged
 *
 * Every change is a revision (incident_revision: the whole record after it, numbered from 1)
 * and an audit entry, written in one transaction with the change. A record the caller may not
 * see (sharing_predicate) is BH_ENOTFOUND, exactly as if it did not exist; a record the caller
 * sees but may not change is BH_EDENIED with the reason; a change the record's status does
 * not allow is BH_ECONFLICT naming the status. Records come back as the flat incident JSON of
 * incident_row_json() (a new reference in *out; `out` may be NULL where it says so). */

/* Likely duplicates: same mission, same threat type, not merged, at most DUP_KM apart
 * (great-circle) and DUP_HOURS apart (occurred_at). Fixed here rather than configured: the
 * endorsement queue of every mission should flag the same things. */
#define INCIDENT_DUP_KM    5.0
#define INCIDENT_DUP_HOURS 12

/* Creates a report from the strict JSON body of POST /api/v1/incidents (unknown fields and
 * wrong types fail naming the field): owner is the caller's organization, reporter the caller,
 * source "member", status draft, or submitted when the body says "submit": true (then the
 * submission is revision 2). Defaults: occurred_precision and location_precision "exact",
 * reported_at now, tlp TLP:GREEN. A TLP:RED report is read by its reporter and the users named
 * in "recipients". Needs record.write. Audited as incident.create (and incident.submit). */
int incident_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err);

/* The incident `id` as `who` sees it, with "casualty_records" (the linked casualty records the
 * reader may see) and "duplicate_candidates" (how many likely duplicates the reader may see).
 * An admin's read of a RED or AMBER+STRICT record is audited as incident.read. */
int incident_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Changes the fields `body` names (the create fields but "submit"; null clears an optional
 * one) of a draft or returned report: users of the owner organization holding record.write,
 * and admins. `if_revision` (>= 1; 0 for none) must be the stored revision, else
 * BH_ECONFLICT with field "If-Match". A body that changes nothing is no revision. Audited as
 * incident.update with the names of the changed fields. */
int incident_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    int64_t if_revision, json_t **out, struct bh_error *err);

/* draft|returned -> submitted: the owner organization's users with record.write, and admins.
 * Clears the return reason. Audited as incident.submit. */
int incident_submit(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err);

/* submitted -> endorsed: a holder of record.endorse assigned to the incident's mission
 * (account_mission) who is not its reporter. Audited as incident.endorse. */
int incident_endorse(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err);

/* submitted -> returned with `reason` (1-2000 bytes), by an endorser of the mission. Audited as
 * incident.return. */
int incident_return(struct db *db, const struct principal *who, const char *id, const char *reason,
                    json_t **out, struct bh_error *err);

/* Merges the duplicate `id` into the incident `into` of the same mission, by an endorser of
 * that mission: the duplicate becomes merged (merged_into = into), the target gains the
 * duplicate's sources; each gets a revision. Neither may be a draft or merged already.
 * Audited as incident.merge (one entry per record). *out gets the target. */
int incident_merge(struct db *db, const struct principal *who, const char *id, const char *into,
                   json_t **out, struct bh_error *err);

/* The revisions of incident `id` after number `after` (0 from the first), oldest first, at
 * most `limit`, as {revision, at, actor, action, reason, snapshot} appended to `items`; *more
 * tells whether more follow, *total (may be NULL) counts them all. */
int incident_revisions(struct db *db, const struct principal *who, const char *id, int64_t after,
                       int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err);

/* The likely duplicates of incident `id` that `who` may see, nearest first: incident JSON
 * with "distance_km" and "hours_apart" appended to `items` (at most 200). */
int incident_duplicates(struct db *db, const struct principal *who, const char *id, json_t *items,
                        struct bh_error *err);

/* The distance in km between two points on a sphere of the Earth's mean radius. */
double incident_haversine_km(double lat1, double lon1, double lat2, double lon2);

#endif
