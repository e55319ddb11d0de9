#ifndef BH_PROPOSAL_INTERNAL_H
#define BH_PROPOSAL_INTERNAL_H

#include "proposal/proposal.h"
#include "sharing/sharing.h"

/* The stored head of a proposal, as the module's writes read it. */
struct proposal_row {
    char id[40];
    char title[PROPOSAL_TITLE_MAX + 1];
    char status[16];
    int64_t version;
    char deadline[40];
    int64_t deadline_ms;
    char time_zone[64];
    int64_t owner_org_id;
    char owner[32];
    enum tlp tlp;
    int64_t group;
};

/* Reads proposal `id` as `who` sees it (NULL: without the predicate, the server). */
int proposal_row_load(struct db *db, const struct principal *who, const char *id,
                      struct proposal_row *r, struct bh_error *err);

/* Tells every member organization that may read proposal `id` (its marking) of `kind`, with
 * params {title, deadline} plus `extra` members (may be NULL). In the caller's transaction. */
int proposal_notify_readers(struct db *db, const struct proposal_row *r, const char *kind,
                            const json_t *extra, struct bh_error *err);

/* Appends an event. `account_id` 0: the server. */
int proposal_event_add(struct db *db, const char *id, const char *kind, int64_t version,
                       const char *deadline, const char *note, int64_t account_id, int64_t at_ms,
                       struct bh_error *err);

/* Whether an organization broke silence on version `version` (its latest position). */
int proposal_silence_broken(struct db *db, const char *id, int64_t version, bool *broken,
                            struct bh_error *err);

#endif
