#ifndef BH_DECISION_DECISION_H
#define BH_DECISION_DECISION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/uuid.h"
#include "db/db.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

/* Decisions of the group (docs/coordination.md): taken at a meeting (written by the meeting's
 * organization) or made by adopting a proposal under the silence procedure (written by the
 * server at the deadline, once). A decision is a shareable record; one made from a proposal
 * keeps the proposal's marking and RED readers. Commitments of source "group" name one. */

/* The visibility predicate of table alias `alias` (sharing_predicate, record type
 * "decision"). */
void decision_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params);

/* What a decision is made from, for decision_insert. */
struct decision_source {
    const char *meeting_id;  /* NULL, or the meeting it was taken at */
    const char *proposal_id; /* NULL, or the proposal whose adoption it is */
    const char *title;
    const char *text; /* Markdown */
    int64_t owner_org_id;
    enum tlp tlp;
    int64_t sharing_group_id; /* > 0 for AMBER */
    int64_t decided_ms;
    int64_t created_by; /* 0: the server */
};

/* Writes a decision in the caller's transaction (no permission check: the caller has made
 * it). A proposal's RED readers are copied to it. BH_ECONFLICT when the proposal already has
 * one: a proposal is decided once. *id_out gets the new id. Audited as "decision.create". */
int decision_insert(struct db *db, const struct principal *who, const struct decision_source *s,
                    char id_out[UUID_STR_LEN + 1], struct bh_error *err);

/* A decision taken at meeting `meeting_id` as `who` writes it: {title, text, decided_at
 * (RFC 3339, default the meeting's start), tlp, sharing_group, recipients}; the writer must
 * be allowed to change the meeting. *out gets the decision's JSON (decision_get's shape). */
int decision_create_at_meeting(struct db *db, const struct principal *who, const char *meeting_id,
                               const json_t *body, json_t **out, struct bh_error *err);

/* {id, title, text, meeting (id or null), proposal (id or null), decided_at, owner, tlp,
 * sharing_group, commitments: [{id, title}] (those `who` may see), created_at}.
 * BH_ENOTFOUND when missing or hidden from `who`. */
int decision_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Decisions `who` may see, newest first (decided_ms, id), after cursor `after` (NULL from the
 * newest; the id of the last one of the previous page), optionally of one meeting. */
int decision_list(struct db *db, const struct principal *who, const char *meeting_id,
                  const char *after, int limit, json_t *items, bool *more, struct bh_error *err);

#endif
