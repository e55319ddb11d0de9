#ifndef BH_SHARING_SHARING_H
#define BH_SHARING_SHARING_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The sharing model. Every shareable record carries a TLP 2.0 marking that is also its
 * distribution:
 *   CLEAR         anyone, also unauthenticated;
 *   GREEN         every signed-in user of a member organization of this platform;
 *   AMBER         the owning organization and the organizations of the record's sharing group;
 *   AMBER+STRICT  the owning organization only;
 *   RED           the named users only (tlp_recipient rows).
 * Admins (the secretariat) see every record; their reads of RED and AMBER+STRICT records are
 * audited by the module that serves them.
 *
 * A shareable table has the columns: id TEXT (UUIDv7), owner_org_id INTEGER, tlp TEXT,
 * sharing_group_id INTEGER NULL. RED recipients are rows of
 * tlp_recipient(record_type, record_id, account_id). */

enum tlp { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED, TLP_COUNT };

/* "TLP:CLEAR" ... as in TLP 2.0, and the bare form stored in the column ("CLEAR",
 * "AMBER+STRICT"). Parsing accepts both, case-insensitively; -1 when unknown. */
const char *tlp_label(enum tlp t);
const char *tlp_column_value(enum tlp t);
int tlp_parse(const char *s);

/* THE visibility predicate: appends to `sql` a parenthesized boolean SQL expression, true for
 * the rows of table alias `alias` that `who` may see. `record_type` names the kind of record
 * for RED recipients ("incident"); it must be a lowercase identifier. Every list, get, search,
 * count, export, feed, statistic and webhook of every module builds its WHERE clause with this
 * function and nothing else. The expression holds `?` placeholders for the reader's
 * organization and account, and appends their values to `params` in the order it writes them;
 * the caller binds `params` in placeholder order, so the values of everything it wrote
 * before the predicate must already be in `params`, and what it writes after goes after them
 * (build the text left to right and append each value as its `?` is written). The text thus
 * depends only on the role class (admin, reader, anonymous), never on who reads, and every
 * reader of a list shares one prepared statement. `record_type` and `alias` are pasted, as
 * vetted identifiers.
 *
 * Who sees what:
 *   admin (also the command-line operator)          every row;
 *   signed-in with the record.read permission        CLEAR, GREEN, AMBER and AMBER+STRICT
 *                                                    owned by their organization, AMBER whose
 *                                                    owner accepted their organization in the
 *                                                    record's group (sharing_audience), RED
 *                                                    naming their account;
 *   anonymous, and roles without record.read         CLEAR only (the auditor reads the audit
 *   (the auditor)                                    log, not the members' records).
 * An `alias` or `record_type` that is not a plain identifier is a programming error: the
 * function then appends a predicate that is always false (and logs it), never a true one. */
void sharing_predicate(const struct principal *who, const char *record_type, const char *alias,
                       struct buf *sql, struct db_params *params);

/* sharing_predicate() with the rule of records that have a draft status: a row whose
 * `status` column is 'draft' is its owning organization's working copy whatever its marking,
 * seen by admins and by members of `owner_org_id` only. Appends to `sql` and `params` as
 * sharing_predicate() does. */
void sharing_draft_predicate(const struct principal *who, const char *record_type,
                             const char *alias, struct buf *sql, struct db_params *params);

/* Whether `who` may create a record owned by their organization with this marking and group:
 * AMBER needs a group (> 0) that exists and lists the owner; the other markings take no group
 * (0). RED needs at least one recipient, which the caller checks. BH_EINVALID naming "tlp" or
 * "sharing_group"; BH_EDENIED for anonymous. */
int sharing_check_marking(struct db *db, const struct principal *who, enum tlp tlp,
                          int64_t sharing_group_id, struct bh_error *err);

/* The account a RED record may name as a reader by `username`: an active user whose role reads
 * records (PERM_RECORD_READ); *account_id is 0 for anyone else (no such user, a disabled
 * account, an auditor). The caller refuses a 0 with one message that does not say which of
 * these it was, so that names cannot be probed one by one. Fails only on a store error. */
int sharing_red_reader(struct db *db, const char *username, int64_t *account_id,
                       struct bh_error *err);

/* Sharing groups: created by coordinators and admins, listing member organizations. The
 * owner is the creator's organization; only the owner's coordinators and admins may change
 * or delete a group (others get BH_EDENIED). */
struct sharing_group {
    int64_t id;
    char name[128];
    char description[512];
    char owner_org_code[32];
};

#define SHARING_GROUP_NAME_MAX 127
#define SHARING_GROUP_DESC_MAX 511
#define SHARING_GROUP_MAX_ORGS 256

/* Creates a group with `member_codes` (organization codes); the creator's organization is
 * the owner and always a member. Fails naming the unknown code (field "members") and writes
 * nothing; BH_ECONFLICT (field "name") when the name is taken; BH_EDENIED for a role without
 * group.write. Audited as group.create. */
int sharing_group_create(struct db *db, const struct principal *who, const char *name,
                         const char *description, const char *const *member_codes, size_t nmembers,
                         int64_t *id_out, struct bh_error *err);

/* Replaces name (NULL keeps), description (NULL keeps) and, when `set_members`, the members
 * (the owner stays a member). An organization removed from the group stops reading every
 * member's AMBER records in it at once; one added reads the group owner's records, and another
 * member's only once that member shares a record with the group again (its acceptance). Only
 * the owning organization may add members: an admin of another organization may rename the
 * group or remove members (BH_EDENIED, field "members", when adding). BH_ENOTFOUND,
 * BH_EDENIED, BH_ECONFLICT as above. Audited as group.update. */
int sharing_group_update(struct db *db, const struct principal *who, int64_t id, const char *name,
                         const char *description, const char *const *member_codes, size_t nmembers,
                         bool set_members, struct bh_error *err);

/* Deletes a group. BH_ECONFLICT while a record is marked AMBER for it (a foreign key from a
 * record table refuses the delete). Audited as group.delete. */
int sharing_group_delete(struct db *db, const struct principal *who, int64_t id,
                         struct bh_error *err);

/* The group as JSON {id, name, description, owner, members:[codes, sorted], created_at};
 * BH_ENOTFOUND. `*out` is a new reference. */
int sharing_group_get(struct db *db, int64_t id, json_t **out, struct bh_error *err);

/* Groups by id after `after_id` (0 from the start), at most `limit`, as JSON objects
 * appended to `items`; *more tells whether more follow; *total (may be NULL) counts all. */
int sharing_group_list(struct db *db, int64_t after_id, int limit, json_t *items, bool *more,
                       int64_t *total, struct bh_error *err);

#endif
