#include "feed/feed.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "base/timeutil.h"

int feed_publish(struct db *db, const char *kind, const char *action, const char *record_id,
                 int64_t account_id, int64_t *id_out, struct bh_error *err)
{
    char at[40];
    time_format_rfc3339(time_now_ms(), 0, true, at);
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, at);
    db_params_text(&p, kind);
    db_params_text(&p, action);
    db_params_text(&p, record_id);
    if (account_id > 0)
        db_params_int(&p, account_id);
    else
        db_params_null(&p);
    int64_t id = 0;
    int rc = db_exec_params(db,
                            "INSERT INTO feed_event (at, kind, action, record_id, account_id) "
                            "VALUES (?, ?, ?, ?, ?) RETURNING id",
                            &p, &id, NULL, err);
    db_params_cleanup(&p);
    if (rc == 0 && id_out)
        *id_out = id;
    return rc;
}

int feed_last_id(struct db *db, int64_t *out, struct bh_error *err)
{
    return db_query_int(db, "SELECT COALESCE(MAX(id), 0) FROM feed_event", 0, out, err);
}

/* One condition variable for the process: a publish wakes every waiting stream, which then
 * reads the log after its own last id. Streams are few per server (hundreds to thousands), the
 * read is one indexed range, and a per-reader queue would have to copy the sharing rule. */
static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t feed_cond = PTHREAD_COND_INITIALIZER;
static uint64_t feed_gen;

void feed_notify(void)
{
    pthread_mutex_lock(&feed_lock);
    feed_gen++;
    pthread_cond_broadcast(&feed_cond);
    pthread_mutex_unlock(&feed_lock);
}

uint64_t feed_generation(void)
{
    pthread_mutex_lock(&feed_lock);
    uint64_t g = feed_gen;
    pthread_mutex_unlock(&feed_lock);
    return g;
}

uint64_t feed_wait(uint64_t seen, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&feed_lock);
    while (feed_gen == seen) {
        if (pthread_cond_timedwait(&feed_cond, &feed_lock, &until) == ETIMEDOUT)
            break;
    }
    uint64_t g = feed_gen;
    pthread_mutex_unlock(&feed_lock);
    return g;
}
