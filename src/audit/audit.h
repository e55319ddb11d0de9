#ifndef BH_AUDIT_AUDIT_H
#define BH_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The audit log: every write (who, organization, when, action, record type and id, a summary
 * of the change) is appended in the same transaction as the write. The log is append-only
 * and hash-chained: each row's hash is BLAKE2b-256 over the previous row's hash and this
 * row's fields, so a changed, deleted or reordered row breaks the chain at that row. */

/* Appends one entry. Must be called inside the caller's open write transaction (db_begin),
 * so the entry and the write commit or roll back together. `summary` is borrowed; it must
 * never contain secrets (passwords, tokens); NULL stores {}. `record_id` may be NULL. Outside
 * a transaction: BH_EINTERNAL, nothing written. The hash and its serialization are described
 * in docs/audit.md. */
/* The seq of the newest entry (0 for none): the store's generation. Every write of the
 * platform appends an entry in its own transaction, so this number changes with every change
 * committed, from the API as from the command line; the caches of counts (public statistics,
 * map grids) key on it and so are never older than the store. One indexed read. */
int audit_latest(struct db *db, int64_t *seq, struct bh_error *err);

int audit_append(struct db *db, const struct principal *who, const char *action,
                 const char *record_type, const char *record_id, const json_t *summary,
                 struct bh_error *err);

/* Whether `who` reading a record marked `tlp` ("RED" or "TLP:RED", ...) must be written to
 * the log: the secretariat (admins) sees every record, and its reads of RED and
 * AMBER+STRICT ones are accounted for so that the owners can see the exception used. */
bool audit_read_needed(const struct principal *who, const char *tlp);

/* Appends "<record_type>.read" for `record_id` (NULL for a list or an export) with `summary`
 * (borrowed), in a transaction of its own: a read opens none. */
int audit_read(struct db *db, const struct principal *who, const char *record_type,
               const char *record_id, const json_t *summary, struct bh_error *err);

/* The read of a list page: when `ids` (an array of record ids, borrowed) is not empty, appends
 * one "<record_type>.read" with the summary {"ids": [...]}, as audit_read does; nothing when
 * it is empty. Lists collect the ids of the rows audit_read_needed() names, then call this once
 * a page. */
int audit_read_ids(struct db *db, const struct principal *who, const char *record_type, json_t *ids,
                   struct bh_error *err);

/* The result of a verification: ok, or the first row that breaks the chain. */
struct audit_verify_result {
    bool ok;
    int64_t rows;       /* rows checked */
    int64_t bad_seq;    /* the first bad row's sequence number, 0 when ok */
    char reason[256];   /* "row 17 was changed", "row 17 is missing (rows 16 and 18 do not
                         * chain)", "row 18 does not chain to row 17 (...)", in the calling
                         * thread's language (base/i18n.h) */
    char last_hash[65]; /* when ok: the last row's hash (64 zeros for an empty log); noting
                         * it elsewhere lets a later check notice rows cut off the end */
};

/* Walks the log in seq order and reports the first row that breaks the chain: a row whose
 * fields no longer give its hash (changed), a gap in seq (deleted), or a row whose prev_hash
 * is not the previous row's hash (inserted, forged, or its predecessor rewritten). Returns 0
 * with `out` filled whether or not the chain holds; a negative code only when the store
 * cannot be read. Dropping rows off the end is invisible to the chain alone. */
int audit_verify(struct db *db, struct audit_verify_result *out, struct bh_error *err);

/* A kind of record whose audit entries follow the record's visibility: entries with this
 * `record_type` name a row of `table` by its `id` column, and `predicate` (the capability's
 * visibility predicate) says who may see that row. A list of them ends with a NULL
 * record_type. The audit log sits below the capabilities and names none of them: the list is
 * handed in by the caller (the API's registry, one line per capability, in api/audit.c). */
struct audit_record_kind {
    const char *record_type;
    const char *table;
    void (*predicate)(const struct principal *who, const char *alias, struct buf *sql,
                      struct db_params *params);
};

/* Filters of audit_list; NULL fields do not filter. Bad dates give BH_EINVALID naming
 * "from" or "to". */
struct audit_filter {
    /* Who reads. NULL or an admin (the store's own administrators, the command-line
     * operator): every entry. Anyone else (an auditor) sees entries about a record of a
     * kind in `kinds` only when the record is their organization's or one they
     * could read as a member of their organization, and entries about a bulk operation on
     * such records (no record id) only when their organization did it. Entries are left
     * out, not redacted: an entry's time alone tells that something happened. */
    const struct principal *reader;
    /* The record kinds whose entries follow their record (required for a reader who is not
     * an admin: without it audit_list refuses, rather than show every entry). */
    const struct audit_record_kind *kinds;
    const char *from; /* RFC 3339 or YYYY-MM-DD, inclusive; NULL for no bound */
    const char *to;
    const char *username;
    const char *org_code;
    const char *action;
    const char *record_type;
    const char *record_id;
    int64_t after_seq; /* cursor: entries with seq > after_seq */
    int limit;
};

/* Appends up to f->limit entries after f->after_seq as JSON objects {seq, at, user, org,
 * action, record_type, record_id (string or null), summary (object), hash} to `items`, in
 * seq order; *more tells whether more follow. `total` (may be NULL) receives the number of
 * entries matching the filters, whatever the page. */
int audit_list(struct db *db, const struct audit_filter *f, json_t *items, bool *more,
               int64_t *total, struct bh_error *err);

#endif
