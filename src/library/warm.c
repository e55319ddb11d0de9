/* Keeps the search's in-memory index (search_memory.c) built and current from a thread of
 * its own, so that no reader waits for it: the first pass builds it as the server starts
 * (seconds for a library of 100,000 documents), and each later pass applies what was written
 * since, which a search would otherwise apply first. */
#include "library/library.h"

#include "base/i18n.h"
#include "base/log.h"
#include "db/worker.h"

/* A search applies what the last pass left, so the period only bounds that work. */
#define PASS_SECONDS 30

static void warm_pass(struct db *db, void *ctx)
{
    (void)ctx;
    struct bh_error err;
    if (library_memory_warm(db, &err)) {
        struct log_field f[] = { LOG_STR("error", err.message) };
        log_event(BH_LOG_WARN, "the library's search index could not be brought up to date", f, 1);
    }
}

static int warm_start(const struct bh_config *c, void **state, struct bh_error *err)
{
    struct db_worker *w;
    int rc = db_worker_start(c->db, PASS_SECONDS, warm_pass, NULL,
                             N_("cannot start the library index's thread"), &w, err);
    *state = w;
    return rc;
}

static void warm_stop(void *state)
{
    db_worker_stop(state);
}

const struct bh_worker library_index_worker = { "library index", warm_start, warm_stop };
