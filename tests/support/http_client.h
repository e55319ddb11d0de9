#ifndef BH_TEST_HTTP_CLIENT_H
#define BH_TEST_HTTP_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

/* A minimal HTTP/1.1 client and a server launcher for the API tests: the real bluehelm
 * binary on an ephemeral loopback port, spoken to over a real socket. */

struct test_server {
    pid_t pid;
    int port;
    int stderr_fd;   /* read end of the server's stderr */
    char log[65536]; /* stderr read so far */
    size_t log_len;
};

/* Starts `bluehelm serve --listen 127.0.0.1:0 --db DB` plus `extra_args` (NULL-terminated,
 * may be NULL) and waits for its "listening" line to learn the port. Fails the test when it
 * does not start within 10 s. */
void test_server_start(struct test_server *s, const char *db, const char *const *extra_args);

/* Sends `sig`, waits for exit; returns the exit status (128+signal when killed) and the
 * milliseconds it took in *ms. Reads the rest of the log. */
int test_server_stop(struct test_server *s, int sig, long *ms);

/* The teardown of a test program's server: when one is running, SIGTERM, and the test fails,
 * showing the log, unless it exits 0 (a clean shutdown). Clears s->pid. */
void test_server_shutdown(struct test_server *s);

/* Reads whatever the server has logged so far into s->log (non-blocking). */
void test_server_read_log(struct test_server *s);

struct test_response {
    int status;
    char headers[8192]; /* raw header block; names lowercased, values as sent */
    char *body;         /* heap, NUL-terminated */
    size_t body_len;
};

/* Sends one request (Connection: close) and reads the whole response. `headers` are extra
 * raw lines ("Name: value\r\n"...), may be NULL; `body` may be NULL. */
void test_http(int port, const char *method, const char *path, const char *headers,
               const char *body, size_t body_len, struct test_response *resp);

/* A response header's value (name lowercase), copied into a static buffer; NULL if absent. */
const char *test_response_header(const struct test_response *resp, const char *name);

void test_response_free(struct test_response *resp);

/* Opens a TCP connection to the loopback port; fails the test when it cannot. */
int test_connect(int port);

#endif
