#ifndef BH_DB_MIGRATE_H
#define BH_DB_MIGRATE_H

#include <stddef.h>

#include "base/err.h"
#include "db/db.h"

/* Schema migrations: numbered SQL files in src/db/migrations (NNNN_name.sql) compiled into
 * the binary. The store records each applied migration in `schema_migrations`; its highest
 * version is the store's schema version. */

struct migration {
    int version; /* 1, 2, 3, ... without gaps */
    const char *name;
    const char *sql;
};

/* The migrations compiled into this binary, in version order (generated at build time). */
extern const struct migration migrations_builtin[];
extern const size_t migrations_builtin_count;

/* The highest version in `list` (0 for an empty list). */
int migrate_latest(const struct migration *list, size_t n);

/* The store's schema version: 0 for a new, empty store. */
int migrate_store_version(struct db *db, int *version, struct bh_error *err);

/* Applies every migration of `list` newer than the store, in order, all in one transaction:
 * when any fails, the store is left exactly as it was. Refuses a store whose version is
 * newer than `list` knows (BH_EVERSION, naming both versions) without touching it. Sets
 * `*applied` (may be NULL) to the number applied; 0 means the store was up to date. */
int migrate_apply(struct db *db, const struct migration *list, size_t n, int *applied,
                  struct bh_error *err);

/* For the server: 0 when the store is exactly at `list`'s version, else BH_EVERSION with a
 * message that says whether to run `bluehelm init` or upgrade bluehelm. */
int migrate_check(struct db *db, const struct migration *list, size_t n, int *version,
                  struct bh_error *err);

#endif
