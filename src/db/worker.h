#ifndef BH_DB_WORKER_H
#define BH_DB_WORKER_H

#include "base/err.h"
#include "db/db.h"

/* A background thread with a store connection of its own that runs a pass every
 * `period_seconds` until stopped: the shape of the periodic workers (action reminders, the
 * notification digest), so that each holds only its pass. The first pass runs at once; a stop
 * wakes the wait, so stopping takes no longer than the pass under way. */
struct db_worker;

/* One pass over the store; `ctx` is the worker's. Failures are the pass's to log. */
typedef void (*db_worker_pass_fn)(struct db *db, void *ctx);

/* Opens the store `db_path` (long-lived) and starts the thread. `cannot_start` is the message
 * when the thread cannot be made (marked N_() by the caller); it is BH_EIO, a store that does
 * not open is db_open's failure. Nothing is left running on failure. */
int db_worker_start(const char *db_path, int period_seconds, db_worker_pass_fn pass, void *ctx,
                    const char *cannot_start, struct db_worker **out, struct bh_error *err);

/* Asks the thread to finish, joins it, closes its connection and frees `w` (NULL: nothing). */
void db_worker_stop(struct db_worker *w);

#endif
