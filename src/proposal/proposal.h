#ifndef BH_PROPOSAL_PROPOSAL_H
#define BH_PROPOSAL_PROPOSAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"
#include "principal/principal.h"

/* Proposals under the silence procedure (docs/proposals.md): a text circulated to the group
 * with a deadline; it is adopted at the deadline unless an organization has broken silence on
 * its current version. Adoption writes a decision (src/decision/) and, when the version has a
 * plan, a commitment and its actions. A shareable record of type "proposal"; its positions,
 * versions and events share its visibility. Tables of migration 0026. */

extern const struct permission perm_proposal_write, perm_proposal_chair, perm_proposal_position;
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const proposal_permissions[];

#define PROPOSAL_TITLE_MAX    200
#define PROPOSAL_TEXT_MAX     100000
#define PROPOSAL_REASONS_MAX  10000
#define PROPOSAL_SPONSORS_MAX 64

/* The visibility predicate of table alias `alias` (sharing_predicate, record type
 * "proposal"). */
void proposal_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params);

/* Opens a proposal from `body` ({title, text, deadline, time_zone, sponsors, meeting, plan,
 * tlp, sharing_group, recipients}) as `who` (proposal.write). Every failure names its field
 * and writes nothing. *out: proposal_get's shape. */
int proposal_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err);

/* The proposal with its versions, positions, statements and events (BH_ENOTFOUND when hidden
 * from `who`). */
int proposal_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Proposals `who` may see, newest first, after id `after` (NULL or "" from the newest),
 * optionally of one status. */
int proposal_list(struct db *db, const struct principal *who, const char *status, const char *after,
                  int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err);

/* Reads a position's body ({position, reasons, org?}) for an organization with code `own_org`
 * (`observer`: an organization that is no member or co-chair of the group: an observer, a UN
 * entity, a mission), touching no store: another "org" is BH_EDENIED naming org, an
 * observer's non-comment BH_EDENIED naming position, break_silence or comment without reasons
 * BH_EINVALID naming reasons. *position and *reasons are borrowed from `body`. */
int proposal_position_read(const json_t *body, const char *own_org, bool observer,
                           const char **position, const char **reasons, struct bh_error *err);

/* States `who`'s organization's position ({position, reasons, org?}) on the current version. */
int proposal_state_position(struct db *db, const struct principal *who, const char *id,
                            const json_t *body, json_t **out, struct bh_error *err);

/* A sponsor's (or a chair's) new version: {text, plan?, note, restart_clock, deadline?,
 * time_zone?}. */
int proposal_amend(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   json_t **out, struct bh_error *err);

/* A chair's later deadline: {deadline, time_zone, reason}. */
int proposal_extend(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    json_t **out, struct bh_error *err);

/* A chair's withdrawal: {reason}. */
int proposal_withdraw(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, json_t **out, struct bh_error *err);

/* Closes every open proposal whose deadline is at or before `now_ms` (adopted, or not adopted
 * when an organization broke silence on the current version), each exactly once whatever runs
 * it concurrently. *settled (may be NULL) gets how many this call closed. */
int proposal_settle_due(struct db *db, int64_t now_ms, int *settled, struct bh_error *err);

/* The deadline of the next open proposal (INT64_MAX when none). */
int proposal_next_deadline(struct db *db, int64_t *ms, struct bh_error *err);

/* Wakes the deadline worker (a proposal was created, amended or extended). After a commit. */
void proposal_wake(void);

/* The deadline worker (serve_workers): settles what is due at start (the server was down),
 * then sleeps until the next deadline, at most 30 s, or until proposal_wake(). */
extern const struct bh_worker proposal_deadline_worker;

#endif
