#include "http/guard.h"

#include "base/mem.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The addresses remembered: enough for every client of a busy day's minute; 64 bytes hold
 * the longest numeric IPv6 address with its zone. */
#define GUARD_SLOTS   4096
#define GUARD_PROBE   8
#define GUARD_ADDRMAX 64

struct bucket {
    char addr[GUARD_ADDRMAX];
    double tokens;
    int64_t seen_ms; /* last refill; 0: slot unused */
};

struct http_guard {
    pthread_mutex_t lock;
    double per_ms; /* tokens added per millisecond */
    double burst;
    int max_running;
    atomic_int running;
    struct bucket slots[GUARD_SLOTS];
};

struct http_guard *http_guard_new(int per_minute, int burst, int max_running)
{
    struct http_guard *g = xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->lock, NULL);
    g->per_ms = per_minute > 0 ? per_minute / 60000.0 : 0;
    g->burst = burst < 1 ? 1 : burst;
    g->max_running = max_running > 0 ? max_running : 0;
    return g;
}

void http_guard_free(struct http_guard *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The address's bucket, or the slot to give it: among GUARD_PROBE slots from its hash, the
 * one holding it, else an unused one, else the one seen longest ago. */
static struct bucket *find(struct http_guard *g, const char *addr, bool *fresh)
{
    size_t start = hash(addr) % GUARD_SLOTS;
    struct bucket *victim = NULL;
    for (size_t i = 0; i < GUARD_PROBE; i++) {
        struct bucket *b = &g->slots[(start + i) % GUARD_SLOTS];
        if (b->seen_ms && strcmp(b->addr, addr) == 0) {
            *fresh = false;
            return b;
        }
        if (!victim || (victim->seen_ms && b->seen_ms < victim->seen_ms))
            victim = b;
    }
    *fresh = true;
    return victim;
}

int http_guard_rate(struct http_guard *g, const char *addr, int64_t now_ms)
{
    if (g->per_ms <= 0)
        return 0;
    char key[GUARD_ADDRMAX];
    snprintf(key, sizeof key, "%s", addr ? addr : "");
    pthread_mutex_lock(&g->lock);
    bool fresh;
    struct bucket *b = find(g, key, &fresh);
    if (fresh) {
        memcpy(b->addr, key, sizeof key);
        b->tokens = g->burst;
    } else if (now_ms > b->seen_ms) {
        b->tokens = fmin(g->burst, b->tokens + (double)(now_ms - b->seen_ms) * g->per_ms);
    }
    /* A clock that stepped back refills nothing and takes nothing away. */
    b->seen_ms = now_ms > 0 ? now_ms : 1;
    int wait = 0;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else /* at least 1: the missing part of a token is more than 0 */
        wait = (int)ceil((1 - b->tokens) / g->per_ms / 1000.0);
    pthread_mutex_unlock(&g->lock);
    return wait;
}

bool http_guard_enter(struct http_guard *g)
{
    if (g->max_running == 0) {
        atomic_fetch_add(&g->running, 1);
        return true;
    }
    int n = atomic_fetch_add(&g->running, 1);
    if (n < g->max_running)
        return true;
    atomic_fetch_sub(&g->running, 1);
    return false;
}

void http_guard_leave(struct http_guard *g)
{
    atomic_fetch_sub(&g->running, 1);
}
