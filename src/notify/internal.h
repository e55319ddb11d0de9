#ifndef BH_NOTIFY_INTERNAL_H
#define BH_NOTIFY_INTERNAL_H

#include <jansson.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "db/db.h"
#include "principal/principal.h"

/* Shared by list.c and digest.c, not part of the interface. */

/* Appends the condition that notification row `n` is one `who` may see now: it names no
 * record, or a record of a kind in `kinds` that passes that kind's predicate. */
void notify__visible(const struct principal *who, const struct audit_record_kind *kinds,
                     struct buf *sql, struct db_params *params);

/* The JSON of a row read as n.id, n.kind, n.params, n.link, n.record_type, n.record_id,
 * n.created_at, n.read_at from column `col` on. A new reference. */
json_t *notify__row_json(struct db_stmt *st, int col);

#endif
