#include "db/worker.h"

#include "base/i18n.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct db_worker {
    struct db *db;
    int period_seconds;
    db_worker_pass_fn pass;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
};

static void *worker_thread(void *arg)
{
    struct db_worker *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        pthread_mutex_unlock(&w->lock);
        w->pass(w->db, w->ctx);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w->period_seconds;
        pthread_mutex_lock(&w->lock);
        /* Waits out the period; a stop signals the condition and ends the wait early. */
        while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int db_worker_start(const char *db_path, int period_seconds, db_worker_pass_fn pass, void *ctx,
                    const char *cannot_start, struct db_worker **out, struct bh_error *err)
{
    *out = NULL;
    struct db_worker *w = calloc(1, sizeof *w);
    if (!w)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    w->period_seconds = period_seconds;
    w->pass = pass;
    w->ctx = ctx;
    int rc = db_open(&w->db, db_path, DB_OPEN_LONG_LIVED, err);
    if (rc) {
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, worker_thread, w) != 0) {
        db_close(w->db);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        free(w);
        /* The caller's message keeps its own catalog entry (N_()); translated here. */
        return bh_fail(err, BH_EIO, NULL, "%s", _(cannot_start));
    }
    *out = w;
    return 0;
}

void db_worker_stop(struct db_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    /* A pass under way (a mail being sent) finishes first. */
    pthread_join(w->thread, NULL);
    db_close(w->db);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}
