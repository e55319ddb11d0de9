/* Held replies (http/push.h): streams that set their connection aside while they have nothing
 * to send. */
#include "http/push.h"

#include "base/mem.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct http_push {
    pthread_mutex_t mu; /* the flags below and refs */
    int refs;
    struct MHD_Connection *conn;
    struct http_pushes *all;
    struct http_push *prev, *next; /* in all->head, under all->mu */
    http_stream_fn produce;
    void *ctx;
    void (*free_ctx)(void *);
    bool suspended; /* set aside by MHD_suspend_connection; only a waker resumes it */
    bool woken;     /* woken while the producer ran: run it again before suspending */
    bool ending;    /* the server stops: end at the next run */
    bool closed;    /* the reply is over; its connection may be gone */
};

struct http_pushes {
    pthread_mutex_t mu;
    struct http_push *head;
    int count;
    bool ending;
};

struct http_pushes *http_pushes_new(void)
{
    struct http_pushes *all = xcalloc(1, sizeof *all);
    pthread_mutex_init(&all->mu, NULL);
    return all;
}

void http_pushes_free(struct http_pushes *all)
{
    if (!all)
        return;
    pthread_mutex_destroy(&all->mu);
    free(all);
}

int http_pushes_count(struct http_pushes *all)
{
    pthread_mutex_lock(&all->mu);
    int n = all->count;
    pthread_mutex_unlock(&all->mu);
    return n;
}

void http_push_ref(struct http_push *p)
{
    pthread_mutex_lock(&p->mu);
    p->refs++;
    pthread_mutex_unlock(&p->mu);
}

void http_push_unref(struct http_push *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    int left = --p->refs;
    pthread_mutex_unlock(&p->mu);
    if (left)
        return;
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int http_push_closed(struct http_push *p)
{
    pthread_mutex_lock(&p->mu);
    int closed = p->closed;
    pthread_mutex_unlock(&p->mu);
    return closed;
}

/* Wakes `p`, and with `end` tells it to end. The connection is resumed outside the lock: a
 * suspended connection cannot close (libmicrohttpd does not even see a client leave), and only
 * whoever turns `suspended` off resumes it, so it is still there. */
static void wake(struct http_push *p, bool end)
{
    pthread_mutex_lock(&p->mu);
    bool resume = p->suspended && !p->closed;
    p->suspended = false;
    p->woken = true;
    if (end)
        p->ending = true;
    pthread_mutex_unlock(&p->mu);
    if (resume)
        MHD_resume_connection(p->conn);
}

void http_push_wake(struct http_push *p)
{
    wake(p, false);
}

void http_pushes_end_all(struct http_pushes *all)
{
    pthread_mutex_lock(&all->mu);
    all->ending = true;
    size_t n = 0;
    for (struct http_push *p = all->head; p; p = p->next)
        n++;
    struct http_push **list = xcalloc(n ? n : 1, sizeof *list);
    n = 0;
    for (struct http_push *p = all->head; p; p = p->next) {
        http_push_ref(p);
        list[n++] = p;
    }
    pthread_mutex_unlock(&all->mu);
    for (size_t i = 0; i < n; i++) {
        wake(list[i], true);
        http_push_unref(list[i]);
    }
    free(list);
}

/* libmicrohttpd's producer for a held reply (via http/response.c): the caller's producer,
 * and when it has nothing, the connection set aside. The suspension happens under the lock,
 * so a waker that sees `suspended` finds the connection really suspended; a wake that came
 * while the producer ran makes it run again instead. */
static int push_produce(void *ctx, struct buf *out)
{
    struct http_push *p = ctx;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        bool ending = p->ending;
        p->woken = false;
        pthread_mutex_unlock(&p->mu);
        if (ending)
            return HTTP_STREAM_END;
        int rc = p->produce(p->ctx, out);
        if (rc != 0 || out->len)
            return rc;
        pthread_mutex_lock(&p->mu);
        if (p->ending || p->woken) {
            pthread_mutex_unlock(&p->mu);
            continue;
        }
        p->suspended = true;
        MHD_suspend_connection(p->conn);
        pthread_mutex_unlock(&p->mu);
        return HTTP_STREAM_SUSPENDED;
    }
}

static void push_free(void *ctx)
{
    struct http_push *p = ctx;
    if (p->free_ctx)
        p->free_ctx(p->ctx);
    p->ctx = NULL;
    struct http_pushes *all = p->all;
    pthread_mutex_lock(&all->mu);
    if (p->prev)
        p->prev->next = p->next;
    else
        all->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    all->count--;
    pthread_mutex_unlock(&all->mu);
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    pthread_mutex_unlock(&p->mu);
    http_push_unref(p);
}

struct http_push *http_reply_push(struct http_request *req, struct http_reply *rep,
                                  const char *content_type, http_stream_fn producer, void *ctx,
                                  void (*free_ctx)(void *))
{
    struct http_pushes *all = req->site ? req->site->pushes : NULL;
    if (!all || !req->conn) {
        if (free_ctx)
            free_ctx(ctx);
        http_reply_problem(req, rep, BH_EUNAVAILABLE, "this server does not hold open streams",
                           NULL);
        return NULL;
    }
    struct http_push *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    p->refs = 2; /* the reply's and the caller's */
    p->conn = req->conn;
    p->all = all;
    p->produce = producer;
    p->ctx = ctx;
    p->free_ctx = free_ctx;
    pthread_mutex_lock(&all->mu);
    p->ending = all->ending;
    p->next = all->head;
    if (all->head)
        all->head->prev = p;
    all->head = p;
    all->count++;
    pthread_mutex_unlock(&all->mu);
    http_reply_stream(rep, content_type, push_produce, p, push_free);
    /* A held reply ends only when the server stops or gives up on it, and its client opens a
     * new one: the connection ends with it, closed in order after the last chunk, rather than
     * kept alive for a request that will not come (and reset when the server stops). */
    http_reply_header(req, rep, "Connection", "close");
    return p;
}
