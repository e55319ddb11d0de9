#include "cli/cli.h"

#include "action/action.h"
#include "alert/alert.h"
#include "api/api.h"
#include "api/common.h"
#include "api/stream.h"
#include "attachment/attachment.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/worker.h"
#include "db/db.h"
#include "extfeed/extfeed.h"
#include "http/server.h"
#include "library/library.h"
#include "notify/notify.h"
#include "proposal/proposal.h"
#include "webhook/webhook.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* How long in-flight requests get to finish after SIGINT/SIGTERM; the whole shutdown stays
 * under the 2 seconds process supervisors commonly allow before SIGKILL. */
#define DRAIN_MS 1500

/* The background workers, started after the server listens and stopped after it drained: one
 * line per worker (the module that owns the job defines it, base/worker.h). */
static const struct bh_worker *const serve_workers[] = {
    &api_stream_worker,        &extfeed_worker,         &notify_digest_worker, &webhook_worker,
    &proposal_deadline_worker, &action_reminder_worker, &library_index_worker, NULL,
};

static void stop_workers(void **states, size_t n)
{
    while (n-- > 0)
        serve_workers[n]->stop(states[n]);
}

static int run_serve(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&cli_serve_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const struct bh_config *c = &a.config;
    /* Open the store once before serving so a missing, foreign, corrupt or wrong-version
     * store is one clear line at start-up instead of a 503 on every request. */
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    db_close(db);

    /* Block the stop signals before any thread exists, so every server thread inherits the
     * mask and only sigwait() below ever sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_server_options opt = {
        .host = c->listen_host,
        .port = c->listen_port,
        .threads = c->threads,
        .max_connections = c->max_connections,
        .max_connections_per_ip = c->max_connections_per_ip,
        .max_body = c->max_body,
        .timeout_s = c->request_timeout,
        .request_budget_ms = c->request_budget_ms,
        .anonymous_per_minute = c->anonymous_per_minute,
        .anonymous_burst = c->anonymous_burst,
        .db_path = c->db,
        .map_tile_url = c->map_tile_url,
        .export_max_rows = c->export_max_rows,
        .routes = api_routes,
    };
    attachment_set_max_bytes(c->attachment_max_bytes);
    alert_set_trusted_certs(c->cap_trusted_certs);
    webhook_set_kinds(api_record_kinds);
    notify_digest_set_kinds(api_record_kinds);
    struct http_server *server;
    struct bh_error err;
    if (http_server_start(&server, &opt, &err)) {
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    char url[300];
    snprintf(url, sizeof url, strchr(c->listen_host, ':') ? "http://[%s]:%d" : "http://%s:%d",
             c->listen_host, http_server_port(server));
    struct log_field fields[] = { LOG_STR("url", url), LOG_STR("db", c->db),
                                  LOG_INT("threads", c->threads) };
    log_event(BH_LOG_INFO, "listening", fields, 3);

    void *states[sizeof serve_workers / sizeof serve_workers[0]];
    size_t started = 0;
    for (; serve_workers[started]; started++) {
        if (serve_workers[started]->start(c, &states[started], &err)) {
            cli_error("%s: %s", serve_workers[started]->name, err.message);
            stop_workers(states, started);
            http_server_stop(server, DRAIN_MS);
            return CLI_FAILED;
        }
    }

    int sig = 0;
    sigwait(&stop, &sig);
    struct log_field sf[] = { LOG_STR("signal", sig == SIGINT ? "SIGINT" : "SIGTERM") };
    log_event(BH_LOG_INFO, "shutting down", sf, 1);
    http_server_stop(server, DRAIN_MS);
    stop_workers(states, started);
    log_event(BH_LOG_INFO, "stopped", NULL, 0);
    return CLI_OK;
}

const struct cli_command cli_serve_command = {
    "serve",
    run_serve,
    N_("serve the API and the web app"),
    "",
    N_("Serves HTTP on the configured address until SIGINT or SIGTERM, then finishes the\n"
       "requests in flight and exits 0. The store must exist and be at this binary's schema\n"
       "version (run `bluehelm init` first). Logs one line per request to stderr."),
    NULL,
    0,
};
