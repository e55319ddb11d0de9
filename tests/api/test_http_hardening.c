/* The HTTP layer against hostile requests (issue 9): bytes that are not UTF-8 in the method,
 * path, query or a quoted header are refused or cleaned, never a reason to stop the server;
 * credentials are checked before any byte of a body is read; and one address cannot take
 * every connection. */
#include "api_helpers.h"
#include "world.h"

#include "db/db.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PASSWORD "hardening-admin-pass-1"
#define IMPORT   "/api/v1/casualties/import"

static struct test_server server;
static char *store;
static char focal_bearer[256];

/* The launch group with its admin, and Rwanda's focal point, who signs in with a token. */
static const struct test_user users[] = {
    { "rwa.fp", "RWA", "focal_point", NULL, NULL, NULL, NULL },
};
static const struct test_world world = {
    .name = "api_http_hardening", .password = PASSWORD, .seeded = 1, TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_store(&world);
    test_bearer_for(store, "rwa.fp", "script", focal_bearer, sizeof focal_bearer);
    test_server_start(&server, store, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* Fails unless the server still answers GET /healthz with 200. */
static void assert_alive(int port)
{
    struct test_response r;
    test_http(port, "GET", "/healthz", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
}

/* Whether any byte of `s` is `c`. */
static int has_byte(const char *s, size_t len, unsigned char c)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] == c)
            return 1;
    return 0;
}

/* Sends `method` `path` and fails unless the reply is a 400 INVALID problem naming `field`
 * whose body is valid JSON (UTF-8) and does not repeat the byte `bad`. */
static void assert_refused_text(const char *method, const char *path, const char *field,
                                unsigned char bad)
{
    struct test_response r;
    test_http(server.port, method, path, NULL, NULL, 0, &r);
    assert_problem(&r, 400, field);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "INVALID");
    json_decref(j);
    if (bad && has_byte(r.body, r.body_len, bad))
        fail_msg("the reply to %s repeats the byte 0x%02x: %s", path, bad, r.body);
    test_response_free(&r);
    assert_alive(server.port);
}

/* http/non-utf8-request-refused: `curl --path-as-is http://HOST/%ff` used to abort the
 * server (the problem's "instance" echoed the path and jansson refused it). Each part of a
 * request that is not UTF-8 text is now a 400 naming the part, and the server goes on. */
static void http_non_utf8_request_refused(void **state)
{
    (void)state;
    assert_refused_text("GET", "/%ff", "path", 0xff);
    assert_refused_text("GET", "/\xff", "path", 0xff);
    /* An overlong "." (C0 AE): the classic way past a naive "../" check. */
    assert_refused_text("GET", "/assets/%c0%ae%c0%ae/etc/passwd", "path", 0xc0);
    /* A lone surrogate half (ED A0 80) is not UTF-8 either. */
    assert_refused_text("GET", "/api/v1/orgs/%ed%a0%80", "path", 0xed);
    assert_refused_text("GET", "/api/v1/stats/casualties?by=%ff", "by", 0xff);
    assert_refused_text("GET", "/healthz?%ff=1", "query", 0xff);
    assert_refused_text("G\xffT", "/healthz", "method", 0xff);
    /* Control characters: a newline could forge a log line, a NUL cut a value short. */
    assert_refused_text("GET", "/api/v1/orgs%0a", "path", '\n');
    assert_refused_text("GET", "/healthz?q=a%00b", "q", 0);
    assert_refused_text("GET", "/healthz?q=%1b%5b2J", "q", 0x1b);
}

/* http/utf8-query-accepted: well-formed UTF-8 is text like any other. */
static void http_utf8_query_accepted(void **state)
{
    (void)state;
    struct test_response r;
    test_http(server.port, "GET", "/healthz?q=caf%C3%A9%20%E2%82%AC%F0%9F%98%80", NULL, NULL, 0,
              &r);
    assert_int_equal(r.status, 200);
    test_response_free(&r);
    /* The same text raw in the path reaches the router: a 404 that quotes it. */
    test_http(server.port, "GET", "/caf%C3%A9", NULL, NULL, 0, &r);
    assert_problem(&r, 404, NULL);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/caf\xc3\xa9");
    json_decref(j);
    test_response_free(&r);
}

/* http/non-utf8-header-quoted-cleanly: a problem that quotes a header (the Content-Type of
 * the 415) replaces the bytes that are not UTF-8 by U+FFFD instead of failing to encode. */
static void http_non_utf8_header_quoted_cleanly(void **state)
{
    (void)state;
    const char *body = "{}";
    struct test_response r;
    test_http(server.port, "POST", "/api/v1/session", "Content-Type: text/\xff\xfe\r\n", body,
              strlen(body), &r);
    assert_problem(&r, 415, "Content-Type");
    json_t *j = body_json(&r);
    assert_contains(json_string_value(json_object_get(j, "detail")),
                    "not text/\xef\xbf\xbd\xef\xbf\xbd");
    json_decref(j);
    assert_false(has_byte(r.body, r.body_len, 0xff));
    test_response_free(&r);
    assert_alive(server.port);
}

/* Sends the header block of a 60 MB upload to the import route with `auth` and not one byte
 * of its body, then waits (at most 10 s) for the reply's status line; returns the status. */
static int status_before_body(const char *auth)
{
    int fd = test_connect(server.port);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "POST " IMPORT " HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: text/csv\r\n"
                     "Content-Length: 60000000\r\n\r\n",
                     auth);
    assert_int_equal(send(fd, head, (size_t)n, MSG_NOSIGNAL), n);
    char reply[4096];
    size_t len = 0;
    while (len < sizeof reply - 1 && !memchr(reply, '\n', len)) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 10000) != 1)
            fail_msg("no reply within 10 s to headers with %s: the server waits for the body",
                     auth);
        ssize_t got = recv(fd, reply + len, sizeof reply - 1 - len, 0);
        if (got <= 0)
            fail_msg("the server closed the connection without a reply (%s)",
                     got < 0 ? strerror(errno) : "EOF");
        len += (size_t)got;
    }
    close(fd);
    reply[len] = '\0';
    assert_prefix(reply, "HTTP/1.1 ");
    return atoi(reply + 9);
}

/* http/bad-token-refused-before-body: an anonymous client with a made-up token used to make
 * the server read (and buffer) the whole 64 MiB the import route accepts before the token
 * was looked up. The 401 now comes from the headers alone, as does the 403 for a real token
 * whose role may not import. */
static void http_bad_token_refused_before_body(void **state)
{
    (void)state;
    assert_int_equal(status_before_body("Authorization: Bearer junk\r\n"), 401);
    assert_int_equal(
        status_before_body(
            "Authorization: Bearer bh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"),
        401);
    assert_int_equal(status_before_body("Cookie: bh_session=forged\r\n"), 401);
    assert_int_equal(status_before_body(focal_bearer), 403);
    assert_alive(server.port);
}

/* A connection to `port` from the loopback address `source` ("127.0.0.2"). */
static int connect_from(const char *source, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, source, &sa.sin_addr);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        fail_msg("bind to %s: %s", source, strerror(errno));
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        fail_msg("connect from %s to 127.0.0.1:%d: %s", source, port, strerror(errno));
    return fd;
}

/* GET /healthz on an open connection, kept alive; returns the status, or 0 when the server
 * closed the connection without replying. Reads the whole reply (its Content-Length). */
static int healthz_on(int fd)
{
    const char *req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
        return 0;
    char buf[4096];
    size_t len = 0;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 10000) != 1)
            fail_msg("no reply within 10 s");
        ssize_t got = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (got <= 0)
            return 0;
        len += (size_t)got;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        const char *cl = strstr(buf, "Content-Length: ");
        if (end && cl && len >= (size_t)(end + 4 - buf) + (size_t)atoi(cl + 16))
            return atoi(buf + 9);
        if (len == sizeof buf - 1)
            fail_msg("reply too long: %s", buf);
    }
}

/* http/per-ip-connection-limit: 520 half-open connections from one address used to lock out
 * everyone else. With max_connections_per_ip = 3, a fourth connection from 127.0.0.1 is
 * closed unanswered while 127.0.0.2 is still served. Each of the three first completes a
 * request, so it is surely counted before the fourth comes. */
static void http_per_ip_connection_limit(void **state)
{
    (void)state;
    struct test_server limited = { 0 };
    const char *extra[] = { "--max-connections", "16", "--max-connections-per-ip", "3", NULL };
    test_server_start(&limited, store, extra);
    int held[3];
    for (int i = 0; i < 3; i++) {
        held[i] = connect_from("127.0.0.1", limited.port);
        assert_int_equal(healthz_on(held[i]), 200);
    }
    int over = connect_from("127.0.0.1", limited.port);
    assert_int_equal(healthz_on(over), 0);
    close(over);
    int other = connect_from("127.0.0.2", limited.port);
    assert_int_equal(healthz_on(other), 200);
    close(other);
    /* The held connections are still served: the limit refuses new ones only. */
    assert_int_equal(healthz_on(held[0]), 200);
    for (int i = 0; i < 3; i++)
        close(held[i]);
    test_server_shutdown(&limited);
}

/* http/per-ip-limit-below-max: a per-address limit someone set that leaves no reserve is a
 * configuration error naming the key and its source; the default is 32, lowered to half of a
 * smaller max_connections rather than refusing every command. */
static void http_per_ip_limit_below_max(void **state)
{
    (void)state;
    assert_run(test_cli((const char *[]){ "config", "--max-connections", "32", NULL }), 0,
               "max_connections_per_ip = 16", NULL);
    assert_run(test_cli((const char *[]){ "config", "--max-connections", "32",
                                          "--max-connections-per-ip", "32", NULL }),
               2, NULL,
               "max_connections_per_ip (32, flag --max-connections-per-ip) must be less than "
               "max_connections (32)");
    assert_run(test_cli_env((const char *[]){ "BLUEHELM_MAX_CONNECTIONS_PER_IP=512", NULL },
                            (const char *[]){ "config", NULL }),
               2, NULL, "environment BLUEHELM_MAX_CONNECTIONS_PER_IP");
    assert_run(test_cli((const char *[]){ "config", "--max-connections-per-ip", "511", NULL }), 0,
               "max_connections_per_ip = 511", NULL);
    assert_run(test_cli((const char *[]){ "config", NULL }), 0, "max_connections_per_ip = 32",
               NULL);
}

/* http/server-failure-hides-internals: when the store fails under a request (here a table
 * renamed away under the running server), the client gets a 500 that says the cause is in the
 * log, not the store's path or the failing SQL; the log has them, and the server goes on. */
static void http_server_failure_hides_internals(void **state)
{
    (void)state;
    struct test_world w = world;
    w.name = "api_http_failure";
    char *broken = test_world_store(&w);
    struct test_server s;
    test_server_start(&s, broken, NULL);
    struct db *h = test_db_open(broken, 0);
    test_exec(h, "ALTER TABLE casualty RENAME TO casualty_gone");
    db_close(h);
    struct test_response r;
    test_http(s.port, "GET", "/api/v1/stats/casualties?by=year", NULL, NULL, 0, &r);
    assert_problem(&r, 500, NULL);
    assert_non_null(strstr(r.body, "the cause is in its log"));
    assert_null(strstr(r.body, broken));
    assert_null(strstr(r.body, "no such table"));
    test_response_free(&r);
    assert_alive(s.port);
    test_server_read_log(&s);
    assert_non_null(strstr(s.log, "no such table"));
    test_server_shutdown(&s);
    free(broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("http/non-utf8-request-refused", http_non_utf8_request_refused),
        BH_TEST("http/utf8-query-accepted", http_utf8_query_accepted),
        BH_TEST("http/non-utf8-header-quoted-cleanly", http_non_utf8_header_quoted_cleanly),
        BH_TEST("http/bad-token-refused-before-body", http_bad_token_refused_before_body),
        BH_TEST("http/per-ip-connection-limit", http_per_ip_connection_limit),
        BH_TEST("http/per-ip-limit-below-max", http_per_ip_limit_below_max),
        BH_TEST("http/server-failure-hides-internals", http_server_failure_hides_internals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
