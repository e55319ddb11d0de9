#ifndef BH_FEED_FEED_H
#define BH_FEED_FEED_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"

/* The live feed's log (migration 0019): capabilities append a row when something a reader may
 * be told of happens; the live stream (/api/v1/stream) and the webhooks read the rows after
 * their last id and check each record's sharing at delivery time. Appending is one INSERT in
 * the caller's transaction, so an event exists exactly when its change was committed.
 * Readers are woken by feed_wait()/feed_notify(), in this process. */

/* Appends an event: `kind` the record type ("alert", "bulletin", "incident",
 * "notification"), `action` what happened ("created", "updated", "cancelled", "endorsed"),
 * `record_id` the record's id, `account_id` 0 for everyone allowed to see the record or the
 * one account it is meant for (a notification). The new event's id goes to *id_out (may be
 * NULL). Call feed_notify() after the transaction commits. */
int feed_publish(struct db *db, const char *kind, const char *action, const char *record_id,
                 int64_t account_id, int64_t *id_out, struct bh_error *err);

/* The newest event id (0 for an empty log). */
int feed_last_id(struct db *db, int64_t *out, struct bh_error *err);

/* Wakes every feed_wait() of this process: call after committing a transaction that
 * published. Cheap, never blocks. */
void feed_notify(void);

/* Waits until feed_notify() is called after the generation `seen` (from feed_generation()),
 * or `timeout_ms` passes. Returns the current generation. */
uint64_t feed_generation(void);
uint64_t feed_wait(uint64_t seen, int timeout_ms);

#endif
