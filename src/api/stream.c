/* GET /api/v1/stream: the live feed as Server-Sent Events (docs/stream.md).
 *
 * A stream is a held reply (http/push.h): while it has nothing to send its connection is
 * suspended and holds no worker thread. One broadcaster thread (the "stream" worker, started
 * by `serve`) waits on the feed (feed_wait), reads the new rows of the log once through its
 * own read-only connection, decides for each open stream whether its reader may see each
 * event, appends the event's frame to that stream's queue and wakes it; the stream's producer
 * then runs on a pool thread and only copies its queue out. So a thousand streams cost one
 * store connection and one read of the log per publish, plus one visibility check per event
 * and distinct reader.
 *
 * Visibility is decided at delivery time, as every read path does: an event meant for one
 * account (account_id set) goes to that account only; a notification only to its account;
 * any other kind only when it is in the registry of record kinds (api_record_kinds) and the
 * record passes that kind's predicate for the reader, so a marking changed after the event was
 * logged is honoured. A kind the registry does not know is never delivered. */
#include "api/stream.h"

#include "account/account.h"
#include "api/api.h"
#include "api/common.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "feed/feed.h"
#include "http/push.h"
#include "http/routes.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the browser waits before reconnecting a stream that broke (the SSE `retry:` field). */
#define STREAM_RETRY_MS 3000
/* Events read from the log at a time, for the new ones and for a stream catching up. */
#define STREAM_BATCH 500
/* Frames one stream may have waiting: a reader that stops reading is cut past it and comes
 * back with Last-Event-ID, rather than holding the server's memory. */
#define STREAM_QUEUE_MAX (1024 * 1024)

/* One open stream. */
struct sub {
    struct sub *prev, *next; /* in hub.head, under hub.mu */
    int refs;                /* under hub.mu: the reply's, and the broadcaster's while it works */
    struct principal who;    /* the reader, as signed in when the stream opened */
    /* The session cookie or API token that opened the stream, checked again at each
     * heartbeat: a stream must end when its session does (sign-out, expiry, a disabled
     * account, a changed role), not go on delivering to whoever holds the connection. */
    char credential[ACCOUNT_TOKEN_MAX];
    bool by_token;
    /* The last event id handed to this stream (or passed over for it): written by the
     * handler before the stream is listed, then by the broadcaster only. */
    int64_t after;
    pthread_mutex_t mu; /* what follows, between the broadcaster and the producer */
    struct buf queue;   /* frames not yet taken by the producer */
    struct http_push *push;
    bool started; /* the retry hint went out */
    bool ping;    /* a heartbeat is due */
    bool cut;     /* the queue overflowed: end the stream once it is drained */
};

/* The broadcaster and every open stream. One per process: `serve` runs one server. */
static struct {
    pthread_mutex_t mu;
    struct sub *head;
    int count;
    bool running;   /* the worker started and not stopped: streams are served */
    bool stopping;  /* the worker is asked to finish */
    int64_t cursor; /* the newest event id the broadcaster has read */
    int max_per_user, heartbeat_s, poll_ms;
    struct db *db;
    pthread_t thread;
} hub = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* One event of the log, with its frame. */
struct event {
    int64_t id;
    int64_t account_id; /* 0: for whoever may see the record */
    char *kind, *record_id;
    char *frame; /* "id: ...\nevent: ...\ndata: {...}\n\n" */
    size_t frame_len;
};

static void sub_unref_locked(struct sub *s)
{
    if (--s->refs)
        return;
    http_push_unref(s->push);
    buf_cleanup(&s->queue);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* The stream ended (however: the client left, the server stops, the queue overflowed): it
 * leaves the list; the broadcaster may still hold it for the round it is in. */
static void sub_release(void *ctx)
{
    struct sub *s = ctx;
    pthread_mutex_lock(&hub.mu);
    if (s->prev)
        s->prev->next = s->next;
    else if (hub.head == s)
        hub.head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
    hub.count--;
    sub_unref_locked(s);
    pthread_mutex_unlock(&hub.mu);
}

/* The stream's producer, on a pool thread: what the broadcaster queued, or a heartbeat, or
 * nothing (the connection is then set aside until the next wake). */
static int sub_produce(void *ctx, struct buf *out)
{
    struct sub *s = ctx;
    pthread_mutex_lock(&s->mu);
    if (!s->started) {
        /* The first piece goes out at once, so the client sees the reply's headers before any
         * event: an EventSource is "open" only then. */
        buf_printf(out, "retry: %d\n\n", STREAM_RETRY_MS);
        s->started = true;
    }
    if (s->queue.len) {
        buf_append(out, s->queue.data, s->queue.len);
        buf_reset(&s->queue);
    } else if (s->ping) {
        buf_puts(out, ": ping\n\n");
    }
    s->ping = false;
    bool end = s->cut;
    pthread_mutex_unlock(&s->mu);
    return end ? HTTP_STREAM_END : 0;
}

static void event_free(struct event *e)
{
    free(e->kind);
    free(e->record_id);
    free(e->frame);
}

/* Reads up to `limit` rows with id > after (and <= upto when upto > 0), in id order; *last
 * gets the id of the last row read (`after` when none) and *rows how many were read,
 * appending them to *evs. An event whose kind could break the frame (not an identifier) is
 * left out, with a log line. */
static int read_events(struct db *db, int64_t after, int64_t upto, int limit, struct event **evs,
                       size_t *n, size_t *cap, int64_t *last, int *rows, struct bh_error *err)
{
    *last = after;
    *rows = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, at, kind, action, record_id, COALESCE(account_id, 0) "
                        "FROM feed_event WHERE id > ? AND (? = 0 OR id <= ?) ORDER BY id LIMIT ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, after);
    db_bind_int(st, 2, upto);
    db_bind_int(st, 3, upto);
    db_bind_int(st, 4, limit);
    while ((rc = db_step(st, err)) == DB_ROW) {
        /* Past every row read, the ones left out too, so the next read starts after them. */
        *last = db_column_int(st, 0);
        (*rows)++;
        const char *kind = db_column_text(st, 2);
        if (!kind || !*kind || strspn(kind, "abcdefghijklmnopqrstuvwxyz_") != strlen(kind)) {
            log_warn("stream: feed event %lld has a kind that is not an identifier; not sent",
                     (long long)db_column_int(st, 0));
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *evs = xrealloc(*evs, *cap * sizeof **evs);
        }
        struct event *e = &(*evs)[(*n)++];
        e->id = db_column_int(st, 0);
        e->account_id = db_column_int(st, 5);
        e->kind = xstrdup(kind);
        e->record_id = xstrdup(db_column_text(st, 4) ? db_column_text(st, 4) : "");
        const char *action = db_column_text(st, 3);
        json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "action",
                                 action ? action : "", "record_id", e->record_id, "at",
                                 db_column_text(st, 1) ? db_column_text(st, 1) : "");
        char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
        json_decref(data);
        struct buf f = BUF_INIT;
        buf_printf(&f, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id, kind,
                   text ? text : "{}");
        free(text);
        e->frame_len = f.len;
        e->frame = buf_steal(&f);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Whether `who` may see event `e`, by the rule at the top of this file. */
static int visible(struct db *db, const struct principal *who, const struct event *e, bool *out,
                   struct bh_error *err)
{
    *out = false;
    if (e->account_id && e->account_id != who->account_id)
        return 0;
    if (strcmp(e->kind, "notification") == 0) {
        *out = e->account_id != 0;
        return 0;
    }
    const struct audit_record_kind *k = api_record_kinds;
    while (k->record_type && strcmp(k->record_type, e->kind) != 0)
        k++;
    if (!k->record_type)
        return 0;
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM %s stream_r WHERE stream_r.id = ? AND ",
               k->table);
    db_params_text(&p, e->record_id);
    k->predicate(who, "stream_r", &sql, &p);
    buf_puts(&sql, ")");
    int64_t yes = 0;
    int rc = db_exec_params(db, sql.data, &p, &yes, NULL, err);
    db_params_cleanup(&p);
    buf_cleanup(&sql);
    *out = rc == 0 && yes;
    return rc;
}

static bool same_reader(const struct principal *a, const struct principal *b)
{
    return a->account_id == b->account_id && a->org_id == b->org_id && a->role == b->role &&
           a->is_cli == b->is_cli;
}

static int by_reader(const void *x, const void *y)
{
    const struct sub *a = *(struct sub *const *)x, *b = *(struct sub *const *)y;
    if (a->who.account_id != b->who.account_id)
        return a->who.account_id < b->who.account_id ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Appends the frames of the events in `evs` (those after s->after) that `seen` marks to the
 * stream's queue, moves s->after past them all, and wakes the stream when it got any. */
static void hand_over(struct sub *s, const struct event *evs, size_t n, const bool *seen)
{
    bool any = false;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < n; i++) {
        if (evs[i].id <= s->after)
            continue;
        s->after = evs[i].id;
        if (!seen[i] || s->cut)
            continue;
        if (s->queue.len + evs[i].frame_len > STREAM_QUEUE_MAX) {
            s->cut = true; /* the reader comes back with Last-Event-ID and misses nothing */
            log_warn("stream: %s's stream is not read; it is ended and will resume from its "
                     "last event",
                     s->who.username);
        } else {
            buf_append(&s->queue, evs[i].frame, evs[i].frame_len);
        }
        any = true;
    }
    struct http_push *push = s->push;
    pthread_mutex_unlock(&s->mu);
    if (any && push)
        http_push_wake(push);
}

/* A stream behind the shared batch (a resume with Last-Event-ID, or one opened while the
 * broadcaster was reading): its own events up to `upto`, a batch at a time, while its reader
 * keeps up; what is left waits for the next round. */
static void catch_up(struct sub *s, int64_t upto)
{
    struct bh_error err;
    for (int round = 0; round < 20 && s->after < upto; round++) {
        pthread_mutex_lock(&s->mu);
        bool full = s->queue.len > STREAM_QUEUE_MAX / 4 || s->cut;
        pthread_mutex_unlock(&s->mu);
        if (full)
            return;
        struct event *own = NULL;
        size_t on = 0, ocap = 0;
        int64_t last;
        int rows;
        int rc =
            read_events(hub.db, s->after, upto, STREAM_BATCH, &own, &on, &ocap, &last, &rows, &err);
        if (!rc) {
            bool *oseen = xcalloc(on ? on : 1, sizeof *oseen);
            for (size_t j = 0; j < on && !rc; j++)
                rc = visible(hub.db, &s->who, &own[j], &oseen[j], &err);
            if (!rc)
                hand_over(s, own, on, oseen);
            free(oseen);
        }
        for (size_t j = 0; j < on; j++)
            event_free(&own[j]);
        free(own);
        if (rc) {
            log_warn("stream: cannot catch %s's stream up: %s", s->who.username, err.message);
            return;
        }
        if (s->after < last)
            s->after = last; /* rows left out are passed over too */
        if (rows < STREAM_BATCH) {
            s->after = upto; /* nothing left before `upto` */
            return;
        }
    }
}

/* One round: the new events, read once, to every stream that is up to date, each reader's
 * visibility asked once per distinct reader; a stream still behind (a resume with
 * Last-Event-ID) reads its own next batch instead. */
static bool deliver(void)
{
    struct bh_error err;
    pthread_mutex_lock(&hub.mu);
    int64_t from = hub.cursor;
    size_t nsubs = 0;
    for (struct sub *s = hub.head; s; s = s->next)
        nsubs++;
    struct sub **subs = xcalloc(nsubs ? nsubs : 1, sizeof *subs);
    nsubs = 0;
    for (struct sub *s = hub.head; s; s = s->next) {
        s->refs++;
        subs[nsubs++] = s;
    }
    pthread_mutex_unlock(&hub.mu);

    struct event *evs = NULL;
    size_t n = 0, cap = 0;
    int64_t upto;
    int rows;
    int rc = read_events(hub.db, from, 0, STREAM_BATCH, &evs, &n, &cap, &upto, &rows, &err);
    if (rc) {
        log_warn("stream: cannot read the feed's log: %s", err.message);
        upto = from;
    }
    bool *seen = xcalloc(n ? n : 1, sizeof *seen);

    qsort(subs, nsubs, sizeof *subs, by_reader);
    const struct sub *asked = NULL; /* whose visibility `seen` holds */
    for (size_t i = 0; i < nsubs && !rc; i++) {
        struct sub *s = subs[i];
        if (s->after < from) {
            catch_up(s, upto);
            continue;
        }
        if (!n)
            continue;
        if (!asked || !same_reader(&asked->who, &s->who)) {
            for (size_t j = 0; j < n; j++)
                if (visible(hub.db, &s->who, &evs[j], &seen[j], &err))
                    log_warn("stream: cannot check event %lld for %s: %s", (long long)evs[j].id,
                             s->who.username, err.message);
            asked = s;
        }
        hand_over(s, evs, n, seen);
    }
    free(seen);
    for (size_t j = 0; j < n; j++)
        event_free(&evs[j]);
    free(evs);

    pthread_mutex_lock(&hub.mu);
    hub.cursor = upto;
    for (size_t i = 0; i < nsubs; i++)
        sub_unref_locked(subs[i]);
    pthread_mutex_unlock(&hub.mu);
    free(subs);
    return !rc && rows == STREAM_BATCH; /* more may wait: read on without waiting */
}

/* Ends every stream whose credential no longer stands (account_*_still_valid): it is cut
 * and woken, so its producer ends the reply; the client's reconnect then meets the 401.
 * Run at each heartbeat on the broadcaster's read-only connection. */
static void end_lapsed_streams(void)
{
    pthread_mutex_lock(&hub.mu);
    struct sub **subs = xcalloc((size_t)hub.count + 1, sizeof *subs);
    size_t n = 0;
    for (struct sub *s = hub.head; s && n < (size_t)hub.count; s = s->next) {
        s->refs++;
        subs[n++] = s;
    }
    pthread_mutex_unlock(&hub.mu);
    for (size_t i = 0; i < n; i++) {
        struct sub *s = subs[i];
        struct bh_error err;
        bool valid = false;
        int rc = s->by_token
                     ? account_token_still_valid(hub.db, s->credential, &s->who, &valid, &err)
                     : account_session_still_valid(hub.db, s->credential, &s->who, &valid, &err);
        if (rc) {
            log_warn("stream: cannot check %s's session: %s", s->who.username, err.message);
            continue; /* a store that fails now is asked again at the next heartbeat */
        }
        if (valid)
            continue;
        struct http_push *push = NULL;
        pthread_mutex_lock(&s->mu);
        s->cut = true;
        if (s->push) {
            push = s->push;
            http_push_ref(push);
        }
        pthread_mutex_unlock(&s->mu);
        if (push) {
            http_push_wake(push);
            http_push_unref(push);
        }
    }
    pthread_mutex_lock(&hub.mu);
    for (size_t i = 0; i < n; i++)
        sub_unref_locked(subs[i]);
    pthread_mutex_unlock(&hub.mu);
    free(subs);
}

/* A heartbeat to every stream: a comment line, which keeps proxies from closing a quiet
 * stream and, written to a client that left, closes its connection. */
static void ping_all(void)
{
    /* Woken outside the list's lock: resuming a connection takes libmicrohttpd's own locks,
     * and a stream that ends takes the list's lock from libmicrohttpd's threads. */
    pthread_mutex_lock(&hub.mu);
    struct http_push **pushes = xcalloc((size_t)hub.count + 1, sizeof *pushes);
    size_t n = 0;
    for (struct sub *s = hub.head; s && n < (size_t)hub.count; s = s->next) {
        pthread_mutex_lock(&s->mu);
        s->ping = true;
        if (s->push) {
            http_push_ref(s->push);
            pushes[n++] = s->push;
        }
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&hub.mu);
    for (size_t i = 0; i < n; i++) {
        http_push_wake(pushes[i]);
        http_push_unref(pushes[i]);
    }
    free(pushes);
}

static void *hub_main(void *arg)
{
    (void)arg;
    uint64_t gen = feed_generation();
    int64_t next_ping = time_mono_ms() + (int64_t)hub.heartbeat_s * 1000;
    for (;;) {
        pthread_mutex_lock(&hub.mu);
        bool stop = hub.stopping;
        pthread_mutex_unlock(&hub.mu);
        if (stop)
            break;
        bool more = deliver();
        int64_t now = time_mono_ms();
        if (now >= next_ping) {
            end_lapsed_streams();
            ping_all();
            next_ping = now + (int64_t)hub.heartbeat_s * 1000;
        }
        int64_t wait = next_ping - now;
        if (wait > hub.poll_ms)
            wait = hub.poll_ms;
        if (!more)
            gen = feed_wait(gen, (int)(wait > 0 ? wait : 1));
    }
    return NULL;
}

static int stream_start(const struct bh_config *c, void **state, struct bh_error *err)
{
    *state = NULL;
    struct db *db;
    int rc = db_open(&db, c->db, DB_OPEN_READONLY | DB_OPEN_LONG_LIVED, err);
    int64_t last = 0;
    if (!rc && (rc = feed_last_id(db, &last, err)))
        db_close(db);
    if (rc)
        return rc;
    pthread_mutex_lock(&hub.mu);
    hub.db = db;
    hub.cursor = last;
    hub.max_per_user = c->stream_max_per_user;
    hub.heartbeat_s = c->stream_heartbeat;
    hub.poll_ms = c->stream_poll_ms;
    hub.stopping = false;
    if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0) {
        hub.db = NULL;
        pthread_mutex_unlock(&hub.mu);
        db_close(db);
        return bh_fail(err, BH_EIO, "stream", "cannot start the live stream's thread");
    }
    hub.running = true;
    pthread_mutex_unlock(&hub.mu);
    return 0;
}

static void stream_stop(void *state)
{
    (void)state;
    pthread_mutex_lock(&hub.mu);
    bool was = hub.running;
    hub.running = false;
    hub.stopping = true;
    pthread_mutex_unlock(&hub.mu);
    if (!was)
        return;
    feed_notify();
    pthread_join(hub.thread, NULL);
    db_close(hub.db);
    hub.db = NULL;
}

const struct bh_worker api_stream_worker = { "stream", stream_start, stream_stop };

/* The id to resume after: the Last-Event-ID header (an EventSource reconnecting) or
 * ?last_event_id= (a client that cannot set headers); -1 when neither is given. */
static int resume_after(struct http_request *req, int64_t *out, struct bh_error *err)
{
    const char *h = http_request_header(req, "Last-Event-ID");
    const char *field = "Last-Event-ID";
    if (!h || !*h) {
        h = http_request_query(req, "last_event_id");
        field = "last_event_id";
    }
    *out = -1;
    if (!h)
        return 0;
    if (!api_parse_int(h, 0, out))
        return bh_fail(err, BH_EINVALID, field,
                       "%s must be the id of an event of this stream (a whole number from 0)",
                       field);
    return 0;
}

/* Keeps the credential the dispatcher admitted the request with, for end_lapsed_streams(). */
static bool remember_credential(struct http_request *req, struct sub *s)
{
    const char *text = NULL;
    if (req->auth == HTTP_AUTH_TOKEN) {
        const char *authz = http_request_header(req, "Authorization");
        if (authz && strncasecmp(authz, "Bearer ", 7) == 0)
            text = authz + 7;
        s->by_token = true;
    } else if (req->auth == HTTP_AUTH_COOKIE) {
        text = http_request_cookie(req, HTTP_SESSION_COOKIE);
    }
    if (!text || strlen(text) >= sizeof s->credential)
        return false;
    snprintf(s->credential, sizeof s->credential, "%s", text);
    return true;
}

static void api_stream(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t after;
    int rc = resume_after(req, &after, &err);
    if (!rc && after < 0)
        rc = feed_last_id(req->db, &after, &err);
    if (api_failed(req, rep, rc, &err))
        return;

    struct sub *s = xcalloc(1, sizeof *s);
    s->refs = 1;
    s->who = req->who;
    s->after = after;
    if (!remember_credential(req, s)) {
        free(s);
        http_reply_problem(req, rep, BH_EUNAUTH,
                           "sign in, or send an API token as `Authorization: Bearer TOKEN`", NULL);
        return;
    }
    pthread_mutex_init(&s->mu, NULL);
    buf_init(&s->queue);

    pthread_mutex_lock(&hub.mu);
    int mine = 0;
    for (const struct sub *o = hub.head; o; o = o->next)
        mine += o->who.account_id == s->who.account_id;
    bool running = hub.running, full = mine >= hub.max_per_user;
    int max = hub.max_per_user;
    if (running && !full) {
        s->next = hub.head;
        if (hub.head)
            hub.head->prev = s;
        hub.head = s;
        hub.count++;
    }
    /* Behind the broadcaster already: wake it to catch this stream up now, not at the poll. */
    bool behind = running && !full && s->after < hub.cursor;
    pthread_mutex_unlock(&hub.mu);
    if (!running || full) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        if (!running) {
            http_reply_problem(req, rep, BH_EUNAVAILABLE,
                               "the live stream is not running on this server", NULL);
            return;
        }
        char detail[512];
        snprintf(detail, sizeof detail,
                 _("you already have %d live streams open, the most one user may hold "
                   "(stream_max_per_user); close one (another tab) and try again"),
                 max);
        http_reply_problem(req, rep, BH_ETHROTTLED, detail, NULL);
        http_reply_header(req, rep, "Retry-After", "30");
        return;
    }
    struct http_push *push =
        http_reply_push(req, rep, "text/event-stream", sub_produce, s, sub_release);
    if (!push)
        return; /* `s` was released with the reply */
    pthread_mutex_lock(&s->mu);
    s->push = push;
    pthread_mutex_unlock(&s->mu);
    /* A proxy in front (nginx) would otherwise hold the events back to fill its buffer. */
    http_reply_header(req, rep, "X-Accel-Buffering", "no");
    if (behind)
        feed_notify();
}

const struct route api_stream_routes[] = {
    { "GET", "/api/v1/stream", api_stream, 0, PERM_NONE, 0,
      "The live feed: Server-Sent Events of records the reader may see, as they happen" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
