#ifndef BH_DB_SECRET_H
#define BH_DB_SECRET_H

#include <stddef.h>

#include "base/err.h"
#include "db/db.h"

/* Secrets the store keeps for itself (table store_secret), such as the key that signs page
 * cursors. Kept in the store, not in the process, so that every server process on the same
 * store (several behind a load balancer, or one after a restart) accepts what another issued. */

#define DB_SECRET_MAX 64

/* Fills `out` with the `len` bytes (1..DB_SECRET_MAX) of secret `name`, making them from the
 * system's random source on first use. Two processes making it at once agree: the first
 * insert wins and both read it back. Store errors give their code with `err` filled. */
int db_secret(struct db *db, const char *name, unsigned char *out, size_t len,
              struct bh_error *err);

#endif
