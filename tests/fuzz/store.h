#ifndef BH_FUZZ_STORE_H
#define BH_FUZZ_STORE_H

#include <stdint.h>

#include "db/db.h"

/* The store of the fuzz targets that need one (fuzz_capacity_body, fuzz_http,
 * fuzz_library_search): made
 * once, in a directory of its own under $TMPDIR (else /tmp), with every migration, the
 * reference data and the seeded organizations, and removed when the process exits (after the
 * target's own atexit handlers, registered later, have run). A failure aborts: a fuzzer
 * without its store would test nothing. `target` names the directory and the messages. */
struct db *fuzz_store_open(const char *target);

/* The store's file, for a server of the target's that opens its own connections. */
const char *fuzz_store_path(void);

/* The id of a seeded organization; aborts when there is none. */
int64_t fuzz_store_org(struct db *db, const char *code);

#endif
