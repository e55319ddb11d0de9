#ifndef BH_INCIDENT_BULK_H
#define BH_INCIDENT_BULK_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "incident/incident.h"

/* Many incidents into the store inside the caller's transaction, much faster than one
 * incident_store_insert() each. Why: on SQLite 3.40 every INSERT inside a transaction whose
 * triggers write virtual tables opens a statement savepoint, and FTS5 flushes its pending
 * index at each savepoint, so a million single-row INSERTs write a million tiny FTS segments
 * and merge them again (about 110 us a row here). The bulk writer stages rows in a temporary
 * table and moves them into `incident` with one INSERT ... SELECT per batch, so the triggers
 * (R*Tree, FTS5) run inside one statement. The rows land in the order they were added.
 *
 * Rows are written as they are, like incident_store_insert(): validate them first, and make
 * sure their id and (source, source_ref) are not taken, since a clash fails the whole batch. */
struct incident_bulk;

/* A writer for `db`, which must be in a transaction (db_begin) until incident_bulk_finish(). */
struct incident_bulk *incident_bulk_new(struct db *db);

/* Says that about `rows` rows will follow, before the first is added: a load that large and
 * at least as large as the table drops the table's plain indexes and builds them again in
 * incident_bulk_finish(), which is much faster than keeping them up to date row by row. */
int incident_bulk_expect(struct incident_bulk *b, int64_t rows, struct bh_error *err);

/* Stages a copy of `row` (a NULL id gets a new UUIDv7; NULL created_at/updated_at now).
 * Writes a batch into `incident` when enough rows wait. */
int incident_bulk_add(struct incident_bulk *b, const struct incident_row *row,
                      struct bh_error *err);

/* Writes what waits and removes the staging table. *written (may be NULL) receives the rows
 * written into `incident` over the writer's life. */
int incident_bulk_finish(struct incident_bulk *b, int64_t *written, struct bh_error *err);

/* Frees the writer (after finish, or after the caller rolled back); NULL is allowed. */
void incident_bulk_free(struct incident_bulk *b);

#endif
