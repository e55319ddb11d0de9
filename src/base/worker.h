#ifndef BH_BASE_WORKER_H
#define BH_BASE_WORKER_H

#include "base/config.h"
#include "base/err.h"

/* A background worker the server runs beside HTTP (webhook deliveries, external feed polls,
 * e-mail digests): defined by the module that owns the job, listed with one line in
 * `serve_workers` (src/cli/serve.c). Each opens its own store connection from `c->db`, reads
 * the clock through time_now_ms() (so tests inject it) and keeps its queue in the store, so a
 * restart loses nothing. Tests start and stop a worker directly. */
struct bh_worker {
    const char *name; /* "webhooks": for the log */
    /* Starts the worker's thread; *state is handed back to stop. Fails (BH_EIO, BH_ESTORE)
     * without leaving a thread. */
    int (*start)(const struct bh_config *c, void **state, struct bh_error *err);
    /* Asks the thread to finish, joins it (within about a second) and frees `state`. */
    void (*stop)(void *state);
};

#endif
