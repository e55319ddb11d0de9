/* The deadline worker: settles at start what fell due while the server was down, then sleeps
 * until the next deadline (at most 30 s, so a clock that jumped or a proposal written by
 * another process is caught) or until proposal_wake() says a deadline moved. */
#include "proposal/proposal.h"

#include "base/log.h"
#include "base/timeutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define MAX_SLEEP_MS 30000

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static uint64_t wake_generation;

void proposal_wake(void)
{
    pthread_mutex_lock(&wake_lock);
    wake_generation++;
    pthread_cond_broadcast(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
}

struct proposal_worker_state {
    pthread_t thread;
    struct db *db;
    atomic_bool stop;
};

static void pass(struct db *db)
{
    struct bh_error err;
    int settled = 0;
    if (proposal_settle_due(db, time_now_ms(), &settled, &err)) {
        struct log_field f[] = { LOG_STR("error", err.message) };
        log_event(BH_LOG_ERROR, "proposal deadline pass failed", f, 1);
    } else if (settled > 0) {
        struct log_field f[] = { LOG_INT("settled", settled) };
        log_event(BH_LOG_INFO, "proposals settled at their deadline", f, 1);
    }
}

static void *run(void *arg)
{
    struct proposal_worker_state *s = arg;
    while (!atomic_load(&s->stop)) {
        pthread_mutex_lock(&wake_lock);
        uint64_t seen = wake_generation;
        pthread_mutex_unlock(&wake_lock);
        pass(s->db);
        int64_t next = INT64_MAX, wait_ms = MAX_SLEEP_MS;
        struct bh_error err;
        if (!proposal_next_deadline(s->db, &next, &err) && next != INT64_MAX) {
            int64_t d = next - time_now_ms();
            /* A deadline already passed after a pass is one the pass could not settle (a
             * store error, logged) or one that fell due since: a second later, not a spin. */
            wait_ms = d <= 0 ? 1000 : d < MAX_SLEEP_MS ? d : MAX_SLEEP_MS;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&wake_lock);
        while (!atomic_load(&s->stop) && wake_generation == seen && wait_ms > 0)
            if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&wake_lock);
    }
    return NULL;
}

static int start(const struct bh_config *c, void **state, struct bh_error *err)
{
    struct proposal_worker_state *s = calloc(1, sizeof *s);
    if (!s)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    int rc = db_open(&s->db, c->db, DB_OPEN_LONG_LIVED, err);
    if (rc) {
        free(s);
        return rc;
    }
    if (pthread_create(&s->thread, NULL, run, s)) {
        db_close(s->db);
        free(s);
        return bh_fail(err, BH_EIO, NULL, "cannot start the proposal deadline thread");
    }
    *state = s;
    return 0;
}

static void stop(void *state)
{
    struct proposal_worker_state *s = state;
    if (!s)
        return;
    atomic_store(&s->stop, true);
    proposal_wake();
    pthread_join(s->thread, NULL);
    db_close(s->db);
    free(s);
}

const struct bh_worker proposal_deadline_worker = { "proposals", start, stop };
