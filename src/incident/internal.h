#ifndef BH_INCIDENT_INTERNAL_H
#define BH_INCIDENT_INTERNAL_H

/* What record.c, workflow.c, revision.c and duplicates.c share and nobody else uses. */

#include "incident/incident.h"
#include "incident/report.h"

#include "base/uuid.h"

/* An incident as a writer checks it: the record as JSON and the columns the rules read. */
struct incident__loaded {
    int64_t n;
    char id[UUID_STR_LEN + 1];
    char mission[64];
    char status[16];
    char tlp[16]; /* column form: "GREEN" */
    char threat_type[64];
    char occurred_at[40];
    double latitude, longitude;
    int64_t owner_org_id;
    int64_t reporter_id; /* 0 when none */
    char reporter[64];
    int64_t revision;
    json_t *json; /* incident_row_json(); owned */
};

/* Loads incident `id` as `who` sees it (through sharing_predicate). `field` names the id's
 * field in errors ("id", "into"); an invisible or missing record is BH_ENOTFOUND, or
 * BH_EINVALID when `field` is not "id" (a body field pointing at nothing). Release with
 * incident__loaded_cleanup(). */
int incident__load(struct db *db, const struct principal *who, const char *id, const char *field,
                   struct incident__loaded *out, struct bh_error *err);
void incident__loaded_cleanup(struct incident__loaded *l);

/* Appends revision `revision` of row `n` (the record as stored now, as its snapshot) by
 * `who` with `action` and `reason` (may be NULL). Inside the caller's transaction. */
int incident__revision_add(struct db *db, int64_t n, int64_t revision, const struct principal *who,
                           const char *action, const char *reason, struct bh_error *err);

/* Inserts revision `revision` of row `n` with `snapshot` (JSON text) and the marking and
 * status the row has now, which become the revision's own: its readers are whoever the
 * marking let read the record at this moment (for RED, a copy of the record's recipients),
 * whatever the record's marking becomes later. Inside the caller's transaction. */
int incident__revision_insert(struct db *db, int64_t n, int64_t revision, const char *at,
                              const char *actor, const char *action, const char *reason,
                              const char *snapshot, struct bh_error *err);

/* Which revisions `who` may see: the sharing predicate over the revision's own marking
 * (record type "incident_revision"), and a revision written while the report was a draft
 * only inside the owner organization, as incident_predicate() rules for the record. Appends
 * a parenthesized SQL boolean over alias `alias` of incident_revision (visibility.c). */
void incident__revision_predicate(const struct principal *who, const char *alias, struct buf *sql,
                                  struct db_params *params);

/* The whole row `n` as JSON (no visibility check: for writers that already checked). */
int incident__row_json_by_n(struct db *db, int64_t n, json_t **out, struct bh_error *err);

/* Whether an admin's read of a record with this marking (column form) is audited: RED and
 * AMBER+STRICT name their readers, so the secretariat's exception is written down. */
bool incident__read_audited(const struct principal *who, const char *tlp);

/* One incident.read entry in its own transaction (a savepoint inside the caller's). */
int incident__audit_read(struct db *db, const struct principal *who, const char *record_id,
                         const json_t *summary, struct bh_error *err);

/* How many likely duplicates of `l` `who` may see (duplicates.c). */
int incident__duplicate_count(struct db *db, const struct principal *who,
                              const struct incident__loaded *l, int64_t *count,
                              struct bh_error *err);

/* The record as every single-record reply shows it: incident JSON as `who` sees it, with
 * "casualty_records" and "duplicate_candidates" (record.c). */
int incident__reply(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err);

/* Whether `who` may change or submit report `l` (`what` says which, for the message): admins,
 * and users of the owner organization holding record.write. BH_EDENIED with the reason. */
int incident__may_change(const struct principal *who, const struct incident__loaded *l,
                         const char *what, struct bh_error *err);

/* Whether `who` works for `mission` (account_mission). */
int incident__assigned(struct db *db, const struct principal *who, const char *mission,
                       bool *assigned, struct bh_error *err);

/* ---- workflow.c: the workflow as one table ---- */

/* A report's statuses, in the order messages list them. */
enum incident__status {
    INCIDENT_STATUS_DRAFT,
    INCIDENT_STATUS_SUBMITTED,
    INCIDENT_STATUS_RETURNED,
    INCIDENT_STATUS_ENDORSED,
    INCIDENT_STATUS_MERGED,
    INCIDENT_STATUS_COUNT
};

/* The steps of the workflow; a change (PATCH) is one, though it keeps the status. */
enum incident__step {
    INCIDENT_STEP_CHANGE,
    INCIDENT_STEP_SUBMIT,
    INCIDENT_STEP_ENDORSE,
    INCIDENT_STEP_RETURN,
    INCIDENT_STEP_MERGE,
    INCIDENT_STEP_COUNT
};

/* Who may take a step. */
enum incident__who {
    INCIDENT_WHO_OWNER,          /* record.write in the owner organization, or an admin */
    INCIDENT_WHO_ENDORSER,       /* record.endorse and assigned to the incident's mission */
    INCIDENT_WHO_OTHER_ENDORSER, /* the same, and not the incident's reporter */
};

/* One row of the table: the step's verb ("submit", also its revision and audit action), its
 * past participle for messages ("submitted"), the statuses it goes from (bits of enum
 * incident__status), the status it goes to (NULL: unchanged), who may take it, and for a
 * step into another report (a merge) the statuses that report may have (0: no target). */
struct incident__step_row {
    const char *name;
    const char *done;
    unsigned from;
    const char *to;
    enum incident__who who;
    unsigned into;
};

const struct incident__step_row *incident__step(enum incident__step step);
const char *incident__status_name(enum incident__status s);
/* The enum incident__status of `name`, or -1. */
int incident__status_parse(const char *name);
/* Whether `status` (a name) is in the set `statuses`. */
bool incident__step_allows(unsigned statuses, const char *status);

/* The one check every step makes, inside its transaction: whether `who` may take `step` on
 * `l` (BH_EDENIED naming `id`, `mission` or `reporter`), then whether `l`'s status allows it
 * (BH_ECONFLICT on `status`: "the report is draft; only a submitted report can be
 * endorsed"). */
int incident__step_check(struct db *db, const struct principal *who, enum incident__step step,
                         const struct incident__loaded *l, struct bh_error *err);

#endif
