/* The tests' HTTP fixture server (http_fixture.h). Deliberately plain: blocking sockets, one
 * thread, Connection: close; enough for a client that sends one GET at a time. */
#include "http_fixture.h"

#include "loopback_server.h"
#include "support.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

struct http_fixture {
    char dir[512];
    struct loopback_server server;
    atomic_int requests, not_modified;
    pthread_mutex_t lock;
    char last_path[512], last_inm[256];
};

/* Fixed, so Last-Modified never depends on when the file was written. */
static const char *const LAST_MODIFIED = "Mon, 07 Dec 2026 08:00:00 GMT";

static void serve_one(struct http_fixture *f, int c)
{
    char req[8192];
    size_t len = 0;
    while (len < sizeof req - 1) {
        ssize_t r = recv(c, req + len, sizeof req - 1 - len, 0);
        if (r <= 0)
            return;
        len += (size_t)r;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char path[512] = "", inm[256], ims[128];
    sscanf(req, "GET %511s", path);
    loopback_header(req, "If-None-Match", inm, sizeof inm);
    loopback_header(req, "If-Modified-Since", ims, sizeof ims);
    pthread_mutex_lock(&f->lock);
    snprintf(f->last_path, sizeof f->last_path, "%s", path);
    snprintf(f->last_inm, sizeof f->last_inm, "%s", inm);
    pthread_mutex_unlock(&f->lock);
    atomic_fetch_add(&f->requests, 1);

    char file[1100];
    snprintf(file, sizeof file, "%s%s", f->dir, path);
    char *q = strchr(file, '?');
    if (q)
        *q = '\0';
    FILE *in = strstr(path, "..") ? NULL : fopen(file, "rb");
    if (!in) {
        const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        loopback_send_all(c, nf, strlen(nf));
        return;
    }
    struct stat st;
    fstat(fileno(in), &st);
    char *body = malloc((size_t)st.st_size + 1);
    size_t n = fread(body, 1, (size_t)st.st_size, in);
    fclose(in);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)body[i]) * 1099511628211ull;
    char etag[64];
    snprintf(etag, sizeof etag, "\"%zx-%llx\"", n, (unsigned long long)h);
    const char *type = strstr(path, ".rss")   ? "application/rss+xml"
                       : strstr(path, ".cap") ? "application/cap+xml"
                                              : "application/atom+xml";
    char head[512];
    if ((inm[0] && strcmp(inm, etag) == 0) || (!inm[0] && strcmp(ims, LAST_MODIFIED) == 0)) {
        atomic_fetch_add(&f->not_modified, 1);
        int hl =
            snprintf(head, sizeof head,
                     "HTTP/1.1 304 Not Modified\r\nETag: %s\r\nConnection: close\r\n\r\n", etag);
        loopback_send_all(c, head, (size_t)hl);
    } else {
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                          "ETag: %s\r\nLast-Modified: %s\r\nConnection: close\r\n\r\n",
                          type, n, etag, LAST_MODIFIED);
        loopback_send_all(c, head, (size_t)hl);
        loopback_send_all(c, body, n);
    }
    free(body);
}

/* Connection: close; the shutdown tells the client the reply is complete. */
static void serve_and_close(void *ctx, int c)
{
    serve_one(ctx, c);
    shutdown(c, SHUT_WR);
}

void http_fixture_add(const char *dir, const char *name)
{
    char src[700], dst[700];
    snprintf(src, sizeof src, "%s/feeds/%s", BH_TEST_DATA, name);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    char *text = test_read_file(src, NULL);
    assert_non_null(text);
    test_write_file(dst, text);
    free(text);
}

struct http_fixture *http_fixture_start(const char *dir)
{
    struct http_fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    pthread_mutex_init(&f->lock, NULL);
    loopback_server_start(&f->server, "127.0.0.1", serve_and_close, f, "http_fixture");
    return f;
}

int http_fixture_port(const struct http_fixture *f)
{
    return f->server.port;
}

int http_fixture_requests(const struct http_fixture *f)
{
    return atomic_load(&((struct http_fixture *)f)->requests);
}

int http_fixture_not_modified(const struct http_fixture *f)
{
    return atomic_load(&((struct http_fixture *)f)->not_modified);
}

void http_fixture_last(struct http_fixture *f, char *path, size_t path_len, char *inm,
                       size_t inm_len)
{
    pthread_mutex_lock(&f->lock);
    snprintf(path, path_len, "%s", f->last_path);
    snprintf(inm, inm_len, "%s", f->last_inm);
    pthread_mutex_unlock(&f->lock);
}

void http_fixture_stop(struct http_fixture *f)
{
    if (!f)
        return;
    loopback_server_stop(&f->server);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
