#ifndef BH_SHARING_MARKING_H
#define BH_SHARING_MARKING_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

/* A record's marking as a request writes it: the three members "tlp", "sharing_group" and
 * "recipients" of a JSON body, read, checked and stored the same way by every shareable
 * capability, so that none parses a marking of its own (the coordination records, and the
 * capabilities after them, use this; bulletins and alerts predate it).
 *
 *   {"tlp": "TLP:AMBER", "sharing_group": 3}            AMBER names its group;
 *   {"tlp": "TLP:RED", "recipients": ["ana", "li"]}      RED names its readers (usernames);
 *   {"tlp": "GREEN"}                                     the others name neither. */
struct sharing_marking {
    enum tlp tlp;
    int64_t group;            /* > 0 for AMBER, else 0 */
    const json_t *recipients; /* borrowed array of usernames, NULL when not given */
    bool tlp_given, group_given, recipients_given;
};

/* Reads the marking members of `body` into `m`, which holds the defaults (a new record's, or
 * the stored marking on an update). With `required`, "tlp" must be present. A new tlp other
 * than AMBER drops the group. Errors (BH_EINVALID) name the member: an unknown marking, a
 * group that is no positive integer, recipients that are not a list of strings (at most
 * SHARING_MARKING_RECIPIENTS_MAX), recipients on a marking other than RED. */
#define SHARING_MARKING_RECIPIENTS_MAX 200
int sharing_marking_read(const json_t *body, bool required, struct sharing_marking *m,
                         struct bh_error *err);

/* Whether `who` may give a record this marking: AMBER with a group `who`'s organization
 * belongs to, as sharing_check_marking() says. RED names its readers: the writing account is
 * always one (so "RED, nobody else" is its writer's alone); the server, writing for no account,
 * must name at least one.
 * `what` names the record in messages ("a TLP:AMBER meeting needs a sharing group"). */
int sharing_marking_check(struct db *db, const struct principal *who,
                          const struct sharing_marking *m, const char *what, struct bh_error *err);

/* Replaces the RED readers of record (`record_type`, `id`) with the accounts `m` names and
 * `writer` (the account writing, 0 for none), in the caller's transaction; a marking other
 * than RED clears them. A name that cannot read records is refused (BH_EINVALID,
 * "recipients[i]") with one message that does not say why, so names cannot be probed. */
int sharing_marking_store(struct db *db, const char *record_type, const char *id,
                          const struct sharing_marking *m, int64_t writer, struct bh_error *err);

/* Gives record (`to_type`, `to_id`) the RED readers of (`from_type`, `from_id`): a record
 * made from another (a decision from its proposal, an action from a commitment) keeps its
 * readers. In the caller's transaction. */
int sharing_marking_copy_readers(struct db *db, const char *from_type, const char *from_id,
                                 const char *to_type, const char *to_id, struct bh_error *err);

/* Sets "tlp" (TLP:...) and "sharing_group" (an id or null) of `o` from stored column values. */
void sharing_marking_to_json(json_t *o, const char *tlp_column, int64_t group);

#endif
