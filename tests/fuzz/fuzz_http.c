/* libFuzzer target: the real HTTP server, in process, fed arbitrary requests.
 *
 * Each input is the raw bytes of what a client sends (method, path, query, headers, body,
 * possibly several pipelined requests, possibly garbage). They go to the server over a
 * loopback connection, exactly as a client's would, through libmicrohttpd's parser, the
 * route table, the dispatcher and the handlers, on a real store. The write side is then
 * closed and the reply read to the end. After every input the server must still answer
 * GET /healthz: a request that makes it exit (an abort(), a crash), hang or stop accepting
 * is a finding. AddressSanitizer and UBSan watch every thread of the server meanwhile.
 *
 * "@TOKEN@" anywhere in an input is replaced by an admin's API token, so the seeds (one per
 * route, tests/fuzz/corpus/http) reach the handlers behind authentication too.
 *
 * Run by tests/fuzz/run.sh (`make test`: the kept seeds and crashers once, then 10 s of
 * fuzzing; `make fuzz`: 300 s). */
#include "account/account.h"
#include "api/api.h"
#include "base/log.h"
#include "db/db.h"
#include "http/server.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How long one exchange may take before the server counts as hung. Generous: under ASan
 * on a loaded two-core CI machine an import of a few kilobytes still takes milliseconds. */
#define REPLY_TIMEOUT_MS 20000

/* How long the server may stay silent before an exchange whose input left a request
 * unfinished is given up (see LLVMFuzzerTestOneInput). */
#define QUIET_MS 50

static struct http_server *server;
static int port;
static char token[ACCOUNT_TOKEN_MAX];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, detail);
    abort();
}

static void check(int rc, const struct bh_error *err, const char *what)
{
    if (rc)
        die(what, err->message);
}

/* A store as `bluehelm init --seed` makes it (store.c), plus an API token for its admin. */
static void make_store(void)
{
    struct db *db = fuzz_store_open("fuzz_http");
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    char generated[64];
    bool created;
    check(account_bootstrap_admin(db, "DPO", "fuzz-admin-password-1", generated, &created, &err),
          &err, "create the admin");
    check(account_token_create(db, &cli, "admin", "fuzz", token, NULL, &err), &err,
          "create a token");
}

/* Runs before the store goes (store.c's handler was registered first). */
static void cleanup(void)
{
    http_server_stop(server, 1000);
    server = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The server writes to sockets the fuzzer may already have closed. */
    signal(SIGPIPE, SIG_IGN);
    make_store();
    struct http_server_options opt = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .max_connections = 64,
        .max_connections_per_ip = 0, /* every connection comes from 127.0.0.1 here */
        .max_body = 1 << 20,
        .timeout_s = 30,
        .db_path = fuzz_store_path(),
        .map_tile_url = "",
        .routes = api_routes,
    };
    struct bh_error err;
    check(http_server_start(&server, &opt, &err), &err, "start the server");
    port = http_server_port(server);
    atexit(cleanup);
    return 0;
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("the server no longer accepts connections", strerror(errno));
    return fd;
}

/* Connects, sends `len` bytes and closes the sending side. The server may close early (a
 * refused upload): what could not be sent is dropped. */
static int send_request(const char *req, size_t len)
{
    int fd = connect_server();
    while (len) {
        struct pollfd p = { fd, POLLOUT, 0 };
        if (poll(&p, 1, REPLY_TIMEOUT_MS) != 1)
            die("hang", "the server stopped reading a request");
        ssize_t n = send(fd, req, len, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        req += n;
        len -= (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    return fd;
}

/* Reads until the server closes, or, when `quiet_ms` is not 0, until it has said nothing for
 * that long; keeps the first `cap` - 1 bytes in `head`. Returns whether the server closed. A
 * wait longer than REPLY_TIMEOUT_MS is a hang. */
static int read_reply(int fd, int quiet_ms, char *head, size_t cap)
{
    size_t kept = 0;
    int closed = 0;
    char buf[16384];
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int ready = poll(&p, 1, quiet_ms ? quiet_ms : REPLY_TIMEOUT_MS);
        if (ready != 1) {
            if (!quiet_ms)
                die("hang", "no reply and no close within the time limit");
            break;
        }
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            closed = 1;
            break;
        }
        size_t take = (size_t)n < cap - 1 - kept ? (size_t)n : cap - 1 - kept;
        memcpy(head + kept, buf, take);
        kept += take;
    }
    head[kept] = '\0';
    return closed;
}

/* Closes with a reset rather than a FIN: libmicrohttpd (0.9.75, epoll) can miss a FIN that
 * arrives together with the last bytes of a request and then keeps the connection until its
 * timeout; a reset always wakes it, so connections do not pile up between inputs. */
static void close_reset(int fd)
{
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* The input with every "@TOKEN@" replaced by the admin's token, with `room` bytes to spare
 * at the end (heap). */
static char *expand(const uint8_t *data, size_t size, size_t room, size_t *out_len)
{
    static const char mark[] = "@TOKEN@";
    const size_t mlen = sizeof mark - 1, tlen = strlen(token);
    char *out = malloc(size / mlen * tlen + size + room + 1);
    size_t o = 0;
    for (size_t i = 0; i < size;) {
        if (size - i >= mlen && memcmp(data + i, mark, mlen) == 0) {
            memcpy(out + o, token, tlen);
            o += tlen;
            i += mlen;
        } else {
            out[o++] = (char)data[i++];
        }
    }
    *out_len = o;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A last request of our own, with Connection: close, makes the server close once it has
     * answered everything before it. When the input leaves a request unfinished (a body
     * shorter than its Content-Length), the server rightly waits for the rest: a short
     * silence ends the exchange then. */
    static const char last[] = "GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
    size_t len;
    char *req = expand(data, size, sizeof last - 1, &len);
    memcpy(req + len, last, sizeof last - 1);
    int fd = send_request(req, len + sizeof last - 1);
    free(req);
    char head[64];
    read_reply(fd, QUIET_MS, head, sizeof head);
    close_reset(fd);
    /* Whatever the input did, the next client is served. */
    fd = send_request(last, sizeof last - 1);
    read_reply(fd, 0, head, sizeof head);
    close(fd);
    if (strncmp(head, "HTTP/1.1 200", 12) != 0)
        die("GET /healthz after the input did not answer 200", head);
    return 0;
}
