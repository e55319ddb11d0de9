#ifndef BH_HTTP_SERVER_H
#define BH_HTTP_SERVER_H

#include <stddef.h>

#include "base/err.h"
#include "http/routes.h"

/* The HTTP server: libmicrohttpd with an internal thread pool, connection and body limits,
 * timeouts against slow clients, an access-log line per request. */

struct http_server;

struct http_server_options {
    const char *host; /* address to bind */
    int port;         /* 0: any free port, see http_server_port() */
    int threads;
    int max_connections;
    /* Of those, how many one client address may hold; 0: no limit of its own. Must be less
     * than max_connections, so other addresses always find a free slot. */
    int max_connections_per_ip;
    size_t max_body;
    int timeout_s;
    const char *db_path;      /* each worker thread opens its own connection to it */
    const char *map_tile_url; /* told to the browser app by /api/v1/version; "" or NULL: none */
    int export_max_rows;      /* rows one map file may hold (api/map_layers.c); 0: no limit */
    /* Store time one handler may spend (db_set_deadline); 0: unbounded. */
    int request_budget_ms;
    /* Anonymous readers' statistics and files per minute per address, and the burst a bucket
     * holds (http/guard.h); 0 per minute: no rate. Expensive requests never run on more than
     * threads - 1 worker threads at once (all of them when there is only one). */
    int anonymous_per_minute, anonymous_burst;
    /* The route tables to serve, NULL-terminated (api_routes); borrowed for the server's
     * life. */
    const struct route *const *routes;
};

/* Binds and starts serving. A port in use or an unknown host fails with one line in `err`
 * naming the address; a per-address limit not below max_connections fails naming it. */
int http_server_start(struct http_server **out, const struct http_server_options *opt,
                      struct bh_error *err);

/* The bound port (useful when the options asked for 0). */
int http_server_port(const struct http_server *s);

/* Stops accepting, waits up to `drain_ms` for requests in flight to finish, then stops the
 * threads, closes idle connections and frees the server. */
void http_server_stop(struct http_server *s, int drain_ms);

#endif
