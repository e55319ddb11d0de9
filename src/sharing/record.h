#ifndef BH_SHARING_RECORD_H
#define BH_SHARING_RECORD_H

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* A module's visibility predicate, as struct audit_record_kind holds it: appends to `sql` a
 * boolean SQL expression over table alias `alias`, and its values to `params`. */
typedef void (*sharing_predicate_fn)(const struct principal *who, const char *alias,
                                     struct buf *sql, struct db_params *params);

/* Reads the one row whose `alias`.id is `id` as `who` sees it: runs `select_sql` (a SELECT ...
 * FROM ... <alias> with no WHERE yet) with "WHERE <alias>.id = ?" and, when `predicate` is not
 * NULL, " AND " `predicate` for `who`. `predicate` NULL reads without it (a module's own writes
 * pass NULL for a NULL `who`); it is the predicate, not `who`, that says so, because a NULL
 * `who` is also the anonymous reader, whom the predicate limits to CLEAR. 0 with
 * the row current in *st, which the caller finishes (db_stmt_done); or a failure with nothing
 * open: BH_ENOTFOUND naming "id" when there is no such row or `who` may not see it, with
 * `not_found` as the message (a printf format taking the id, "no action has the id '%.40s'",
 * marked with N_() by the caller so that it keeps its own catalog entry), or a store error. */
int sharing_select_by_id(struct db *db, const struct principal *who, const char *select_sql,
                         const char *alias, sharing_predicate_fn predicate, const char *id,
                         struct db_stmt **st, const char *not_found, struct bh_error *err);

#endif
