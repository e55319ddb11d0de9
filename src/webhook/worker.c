/* The webhook worker: one thread beside the HTTP server running webhook_run_once() whenever the
 * feed is written to, and at least every second for the retries that come due. */
#include "webhook/internal.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "feed/feed.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct webhook_state {
    pthread_t thread;
    struct db *db;
    const struct audit_record_kind *kinds;
    atomic_bool stop;
};

static void *run(void *arg)
{
    struct webhook_state *s = arg;
    uint64_t seen = feed_generation();
    while (!atomic_load(&s->stop)) {
        struct bh_error err;
        int delivered = 0;
        if (webhook_run_once(s->db, s->kinds, time_now_ms(), &delivered, &err)) {
            struct log_field f[] = { LOG_STR("error", err.message) };
            log_event(BH_LOG_ERROR, "webhook pass failed", f, 1);
        }
        /* Woken by a publish, or after a second for retries that came due; the stop flag is
         * read at least that often. */
        seen = feed_wait(seen, 1000);
    }
    return NULL;
}

static int start(const struct bh_config *c, void **state, struct bh_error *err)
{
    int rc = webhook_configure(c, err);
    if (rc)
        return rc;
    const struct audit_record_kind *kinds;
    webhook_settings(NULL, NULL, &kinds);
    if (!kinds)
        return bh_fail(err, BH_EINTERNAL, NULL,
                       "the webhook worker started without the record kinds (webhook_set_kinds)");
    struct webhook_state *s = calloc(1, sizeof *s);
    if (!s)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    s->kinds = kinds;
    if ((rc = db_open(&s->db, c->db, DB_OPEN_LONG_LIVED, err))) {
        free(s);
        return rc;
    }
    webhook_cancel(false);
    if (pthread_create(&s->thread, NULL, run, s)) {
        db_close(s->db);
        free(s);
        return bh_fail(err, BH_EIO, NULL, "cannot start the webhook thread");
    }
    *state = s;
    return 0;
}

static void stop(void *state)
{
    struct webhook_state *s = state;
    if (!s)
        return;
    atomic_store(&s->stop, true);
    webhook_cancel(true); /* a transfer in progress gives up */
    feed_notify();
    pthread_join(s->thread, NULL);
    db_close(s->db);
    free(s);
}

const struct bh_worker webhook_worker = { "webhooks", start, stop };
