/* The accept loop of the tests' local servers (loopback_server.h). Blocking sockets, one
 * connection at a time: the clients under test send one request or one session at a time. */
#include "loopback_server.h"

#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static void *run(void *arg)
{
    struct loopback_server *l = arg;
    while (!atomic_load(&l->stop)) {
        /* Polled with a short timeout so that stop() is seen within 50 ms. */
        struct pollfd p = { .fd = l->fd, .events = POLLIN };
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(l->fd, NULL, NULL);
        if (c < 0)
            continue;
        l->serve(l->ctx, c);
        close(c);
    }
    return NULL;
}

void loopback_server_start(struct loopback_server *l, const char *address,
                           void (*serve)(void *ctx, int fd), void *ctx, const char *what)
{
    l->serve = serve;
    l->ctx = ctx;
    atomic_init(&l->stop, false);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (l->fd >= 0)
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    socklen_t alen = sizeof a;
    if (l->fd < 0 || inet_pton(AF_INET, address, &a.sin_addr) != 1 ||
        bind(l->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(l->fd, 16) != 0 ||
        getsockname(l->fd, (struct sockaddr *)&a, &alen) != 0)
        test_fail_at(__FILE__, __LINE__, "%s: cannot listen on %s", what, address);
    l->port = ntohs(a.sin_port);
    if (pthread_create(&l->thread, NULL, run, l) != 0)
        test_fail_at(__FILE__, __LINE__, "%s: cannot start its thread", what);
}

void loopback_server_stop(struct loopback_server *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
    close(l->fd);
}

void loopback_send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

bool loopback_header(const char *headers, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t n = strlen(name);
    for (const char *p = strstr(headers, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t len = e ? (size_t)(e - v) : strlen(v);
            if (len >= cap)
                len = cap - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return true;
        }
    }
    return false;
}
