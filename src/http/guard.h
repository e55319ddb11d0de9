#ifndef BH_HTTP_GUARD_H
#define BH_HTTP_GUARD_H

#include <stdbool.h>
#include <stdint.h>

/* What keeps one reader's expensive requests from taking the server from everyone else.
 * Routes flagged ROUTE_EXPENSIVE (statistics, files, the map layers' lists) pass two checks:
 *
 *   - a rate per client address for anonymous readers: a token bucket that holds `burst`
 *     requests and refills at `per_minute`, so a visitor's page loads pass and a loop does
 *     not (429 with Retry-After);
 *   - a number of expensive requests running at once, below the number of worker threads,
 *     so cheap requests (sign-in, one record, /healthz) always find a free thread (503 with
 *     Retry-After: 1 past it).
 *
 * Signed-in readers are accountable and pass the rate; they still count against the number
 * running at once. The guard takes the time as an argument, so tests drive it with their own
 * clock. Thread-safe. */

struct http_guard;

/* `per_minute` 0: no rate; `burst` < 1 is taken as 1; `max_running` 0: no cap. */
struct http_guard *http_guard_new(int per_minute, int burst, int max_running);
void http_guard_free(struct http_guard *g);

/* One expensive request from `addr` at `now_ms`: 0 when it may go on (a token is taken),
 * else the whole seconds until one is free (for Retry-After, at least 1). Addresses are
 * remembered in a table of fixed size; when it is full the address seen longest ago is
 * forgotten, which can only give that address a fresh bucket. */
int http_guard_rate(struct http_guard *g, const char *addr, int64_t now_ms);

/* Takes one of the running slots: false when all are taken. Each true is paired with one
 * http_guard_leave. */
bool http_guard_enter(struct http_guard *g);
void http_guard_leave(struct http_guard *g);

#endif
