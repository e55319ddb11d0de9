#ifndef BH_TEST_LOOPBACK_SERVER_H
#define BH_TEST_LOOPBACK_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* What the tests' small local servers (http_fixture, http_receiver, smtp_receiver) share: a
 * listening socket on a loopback address at a port the kernel picks, and one thread that
 * accepts one connection at a time, hands it to `serve` and closes it. Embedded in each
 * server's own struct; only the conversation on a connection differs between them. */
struct loopback_server {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
    void (*serve)(void *ctx, int fd);
    void *ctx;
};

/* Listens on `address` ("127.0.0.1", "127.0.0.2") and starts the thread; fails the test,
 * naming `what`, when it cannot. */
void loopback_server_start(struct loopback_server *l, const char *address,
                           void (*serve)(void *ctx, int fd), void *ctx, const char *what);
/* Stops the thread (after the connection it is serving) and closes the socket. */
void loopback_server_stop(struct loopback_server *l);

/* Writes all of `p` to `fd`; gives up quietly when the peer has gone (no SIGPIPE). */
void loopback_send_all(int fd, const char *p, size_t n);

/* The value of header `name` (case-insensitive) in `headers`, the header lines of a request
 * (each after a CRLF; the request line before the first CRLF is skipped), leading spaces
 * dropped and cut to `cap`; false (and "") when absent. */
bool loopback_header(const char *headers, const char *name, char *out, size_t cap);

#endif
