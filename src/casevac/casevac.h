#ifndef BH_CASEVAC_CASEVAC_H
#define BH_CASEVAC_CASEVAC_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The CASEVAC timeline of a casualty record: when each step of the chain of care happened,
 * and its compliance with the UN's 10-1-2 casualty response guideline (first aid within 10
 * minutes of the injury, advanced, damage-control resuscitation care within 1 hour, surgery
 * within 2 hours). Compliance is computed when read, never stored, so a corrected time
 * corrects every figure. A timeline belongs to its casualty record: it is seen by whoever may
 * see the record (casualty_predicate()) and written by the record's owner organization.
 * docs/casevac.md describes the rules and the API. */

/* The times of a timeline, in the order of the JSON and of the store's columns. */
enum casevac_time {
    CASEVAC_INJURY,
    CASEVAC_FIRST_AID,
    CASEVAC_ADVANCED_CARE,
    CASEVAC_SURGERY,
    CASEVAC_EVAC_REQUESTED,
    CASEVAC_EVAC_LAUNCHED,
    CASEVAC_EVAC_ARRIVED,
    CASEVAC_NTIMES
};

/* "injury_at", "first_aid_at", ...: the JSON keys and column names, indexed by the enum. */
extern const char *const casevac_time_names[CASEVAC_NTIMES];

/* The notes' cap, in characters (Unicode code points, so a note in Arabic holds as much as
 * one in French); at most 4 bytes each in UTF-8. */
#define CASEVAC_NOTES_MAX       2000
#define CASEVAC_NOTES_MAX_BYTES (4 * CASEVAC_NOTES_MAX)

/* The 10-1-2 targets, in minutes after the injury. */
enum {
    CASEVAC_TARGET_FIRST_AID = 10,
    CASEVAC_TARGET_ADVANCED_CARE = 60,
    CASEVAC_TARGET_SURGERY = 120,
};

/* How far ahead of the server's clock a time may be and still not count as "in the future":
 * a medic's laptop or phone whose clock runs a little fast should not turn "now" into an
 * error. */
#define CASEVAC_CLOCK_SKEW_MS (5 * 60 * 1000)

/* One timeline. A time not known (or a step that has not happened) is `known[i] == false`.
 * Instants are milliseconds since the Unix epoch, UTC. */
struct casevac_timeline {
    bool known[CASEVAC_NTIMES];
    int64_t ms[CASEVAC_NTIMES];
    char notes[CASEVAC_NOTES_MAX_BYTES + 1]; /* "" for none */
};

/* Reads a PUT body strictly: an object with every key of casevac_time_names (each an RFC
 * 3339 date-time with an offset, or null) and optionally "notes" (a string or null). Unknown
 * keys, a missing time key, a wrong type, a time that is not RFC 3339 or has more than
 * millisecond precision, and notes over the cap fail BH_EINVALID naming the field. Checks
 * that need the casualty record or the clock are casevac_timeline_check()'s. */
int casevac_timeline_from_json(const json_t *obj, struct casevac_timeline *out,
                               struct bh_error *err);

/* The checks of a timeline against its casualty and the clock, the first failure naming its
 * field: no time after `now_ms` (plus CASEVAC_CLOCK_SKEW_MS), none before the day before
 * `incident_date` (YYYY-MM-DD, UTC), none before injury_at, evac_launched_at not before
 * evac_requested_at, evac_arrived_at not before evac_launched_at. */
int casevac_timeline_check(const struct casevac_timeline *t, const char *incident_date,
                           int64_t now_ms, struct bh_error *err);

/* One 10-1-2 step: how long after the injury it came, against its target. */
struct casevac_step {
    bool known;         /* both the injury and the step's time are known */
    int64_t elapsed_ms; /* when known */
    int64_t minutes;    /* elapsed time rounded UP to the whole minute (10:00.001 is 11) */
    int target;         /* minutes */
    int met;            /* 1 met, 0 missed, -1 unknown */
};

/* An evacuation interval: informative, without a target. */
struct casevac_interval {
    bool known;
    int64_t elapsed_ms;
    int64_t minutes; /* rounded up, as for the steps */
};

struct casevac_compliance {
    struct casevac_step first_aid, advanced_care, surgery;
    int all_met; /* 1 every step met, 0 some step missed, -1 otherwise (some unknown) */
    struct casevac_interval request_to_launch, launch_to_arrival;
};

/* The 10-1-2 rule at the boundary: a step is met when it came at most its target after the
 * injury, to the millisecond: 10:00.000 after the injury is met, 10:00.001 is missed. Because
 * `minutes` rounds up, met is exactly `minutes <= target`. A step whose time or the injury's
 * is not known is unknown (-1). all_met is three-valued AND: missed when any step is missed,
 * met when all three are met, unknown otherwise. */
void casevac_compute(const struct casevac_timeline *t, struct casevac_compliance *out);

/* The "compliance" object of the reply ({"first_aid": {...}, ..., "all_met": ...}) and the
 * "evacuation" object, as new references. */
json_t *casevac_compliance_json(const struct casevac_compliance *c);
json_t *casevac_evacuation_json(const struct casevac_compliance *c);

/* The timeline of the casualty record with id (UUID) or casualty_id `id`, as `who` sees it
 * (a new reference in *out):
 *   {"casualty_id", "casualty_ref", "mission", "incident_date", "times": {...},
 *    "compliance": {...}, "evacuation": {...}, "notes", "updated_at", "updated_by"}
 * A record without a timeline gives every time null (and updated_at null). A record `who`
 * may not see is BH_ENOTFOUND, exactly as one that does not exist; an admin's read of an
 * embargoed or restricted record is audited as the casualty API's is (casualty.read). */
int casevac_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err);

/* Replaces the timeline of the record `id` (UUID or casualty_id) with `t`, in one
 * transaction: BH_ENOTFOUND when `who` may not see the record, BH_EDENIED when `who` sees it
 * but is neither of its owner organization nor an admin, BH_EINVALID naming the field from
 * casevac_timeline_check(). A change is audited as casevac.update with the old and new times;
 * a timeline equal to the stored one writes nothing (a retried PUT adds no audit entry).
 * *out (may be NULL) receives the timeline as casevac_get() gives it. */
int casevac_put(struct db *db, const struct principal *who, const char *id,
                const struct casevac_timeline *t, json_t **out, struct bh_error *err);

/* ---- summary per mission and month (summary.c) ---- */

#define CASEVAC_SUMMARY_MISSIONS 32

/* What the summary counts: missions (acronyms, any case; none: every mission) and a range of
 * months of the injury, UTC, inclusive ("" when open). */
struct casevac_summary_query {
    char missions[CASEVAC_SUMMARY_MISSIONS][32];
    int nmissions;
    char from[8], to[8]; /* YYYY-MM */
};

void casevac_summary_init(struct casevac_summary_query *q);

/* Sets parameter `name` ("mission", "from" or "to") to `value`: BH_EINVALID naming it for a
 * malformed value or an unknown name. Whether a mission exists is checked by
 * casevac_summary(). */
int casevac_summary_set(struct casevac_summary_query *q, const char *name, const char *value,
                        struct bh_error *err);

/* 10-1-2 compliance per mission and month of injury over the timelines `who` may see (the
 * casualty predicate is in the WHERE; a timeline without injury_at has no month and is left
 * out). *out is a new reference:
 *   {"items": [{"mission", "month", "casualties",
 *               "first_aid": {"met", "missed", "unknown", "rate"}, "advanced_care": {...},
 *               "surgery": {...}, "all_met": {...},
 *               "median_first_aid_minutes", "median_advanced_care_minutes",
 *               "median_surgery_minutes", "median_request_to_launch_minutes",
 *               "median_launch_to_arrival_minutes"}, ...]}
 * ordered by mission and month. rate = met / (met + missed), null when both are 0; a median
 * is over the known whole-minute values, null when none. An unknown mission or `to` before
 * `from` is BH_EINVALID naming the parameter. */
int casevac_summary(struct db *db, const struct principal *who,
                    const struct casevac_summary_query *q, json_t **out, struct bh_error *err);

#endif
