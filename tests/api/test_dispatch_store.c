/* The dispatcher hands every handler the store (req->db): a store the worker thread cannot
 * open is answered once, by the dispatcher, as 503 UNAVAILABLE naming the store, on every
 * route and before authentication, never as whatever code each handler made of it. */
#include "api_helpers.h"

#include "api/api.h"
#include "base/log.h"
#include "http/server.h"

#include <stdio.h>
#include <stdlib.h>

static struct http_server *server;
static int port;

static int setup(void **state)
{
    (void)state;
    log_configure(BH_LOG_ERROR, BH_LOG_TEXT);
    /* A store in a folder that does not exist: every worker thread fails to open it. */
    struct http_server_options opt = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .max_connections = 16,
        .max_connections_per_ip = 0,
        .max_body = 1 << 16,
        .timeout_s = 10,
        .db_path = "/nonexistent-bluehelm-test-dir/store.db",
        .map_tile_url = "",
        .routes = api_routes,
    };
    struct bh_error err;
    if (http_server_start(&server, &opt, &err) != 0) {
        fprintf(stderr, "start the server: %s\n", err.message);
        return -1;
    }
    port = http_server_port(server);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_server_stop(server, 0);
    return 0;
}

static void expect_unavailable(const char *path, const char *headers)
{
    struct test_response r;
    test_http(port, "GET", path, headers, NULL, 0, &r);
    assert_problem(&r, 503, "db");
    test_response_free(&r);
}

/* /healthz said 503 before too (its handler did); now the dispatcher does, before it runs. */
static void healthz_unavailable(void **state)
{
    (void)state;
    expect_unavailable("/healthz", NULL);
}

/* A request with a token used to reach the token lookup's failure (a 404 for a missing
 * store file): the store's state is the server's, not the request's. */
static void bearer_unavailable(void **state)
{
    (void)state;
    expect_unavailable("/api/v1/orgs", "Authorization: Bearer not-a-token\r\n");
}

/* A public route without credentials gets the store too, so it hears the same answer. */
static void public_unavailable(void **state)
{
    (void)state;
    expect_unavailable("/api/v1/taxonomy", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/dispatch-store-healthz-503", healthz_unavailable),
        BH_TEST("api/dispatch-store-bearer-503", bearer_unavailable),
        BH_TEST("api/dispatch-store-public-503", public_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
