#include "http_receiver.h"

#include "loopback_server.h"
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

struct http_receiver {
    struct loopback_server server;
    pthread_mutex_t lock;
    int statuses[16];
    size_t nstatuses;
    char location[512];
    struct http_received got[HTTP_RECEIVER_MAX];
    int count;
};

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

static const char *find_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

/* Reads one request: the header block, then Content-Length bytes of body. */
static void serve_one(void *ctx, int c)
{
    struct http_receiver *r = ctx;
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (len < sizeof buf - 1) {
        ssize_t k = read(c, buf + len, sizeof buf - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            const char *cl = find_nocase(buf, "\r\ncontent-length:");
            size_t want = cl ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
            size_t have = len - (size_t)(end + 4 - buf);
            if (have >= want)
                break;
            end = NULL; /* keep reading the body; found again next round */
        }
    }
    buf[len] = '\0';
    char *hdr_end = strstr(buf, "\r\n\r\n");
    pthread_mutex_lock(&r->lock);
    int i = r->count;
    int status = r->statuses[(size_t)i < r->nstatuses ? (size_t)i : r->nstatuses - 1];
    if (i < HTTP_RECEIVER_MAX && hdr_end) {
        struct http_received *q = &r->got[i];
        memset(q, 0, sizeof *q);
        *hdr_end = '\0';
        sscanf(buf, "%15s %255s", q->method, q->path);
        char *line = strstr(buf, "\r\n");
        snprintf(q->headers, sizeof q->headers, "%s", line ? line + 2 : "");
        snprintf(q->body, sizeof q->body, "%s", hdr_end + 4);
        r->count++;
    }
    char location[600] = "";
    if (status >= 300 && status < 400)
        snprintf(location, sizeof location, "Location: %s\r\n", r->location);
    pthread_mutex_unlock(&r->lock);
    char reply[1024];
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 %d %s\r\n%sContent-Length: 2\r\nConnection: close\r\n\r\nok", status,
                     reason(status), location);
    loopback_send_all(c, reply, (size_t)n);
}

struct http_receiver *http_receiver_start(const char *address, const int *statuses, size_t n,
                                          const char *location)
{
    struct http_receiver *r = calloc(1, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    r->nstatuses = n > 16 ? 16 : n;
    memcpy(r->statuses, statuses, r->nstatuses * sizeof *statuses);
    snprintf(r->location, sizeof r->location, "%s", location ? location : "");
    loopback_server_start(&r->server, address, serve_one, r, "the test receiver");
    return r;
}

int http_receiver_port(const struct http_receiver *r)
{
    return r->server.port;
}

int http_receiver_count(struct http_receiver *r)
{
    pthread_mutex_lock(&r->lock);
    int n = r->count;
    pthread_mutex_unlock(&r->lock);
    return n;
}

void http_receiver_get(struct http_receiver *r, int i, struct http_received *out)
{
    pthread_mutex_lock(&r->lock);
    int n = r->count;
    if (i < n)
        *out = r->got[i];
    pthread_mutex_unlock(&r->lock);
    if (i >= n)
        fail_msg("the receiver got %d requests; request %d was asked for", n, i + 1);
}

const char *http_received_header(const struct http_received *q, const char *name)
{
    static char value[1024];
    /* loopback_header skips a request line: q->headers starts at the first header. */
    char lines[sizeof q->headers + 2] = "\r\n";
    strcat(lines, q->headers);
    return loopback_header(lines, name, value, sizeof value) ? value : NULL;
}

void http_receiver_stop(struct http_receiver *r)
{
    if (!r)
        return;
    loopback_server_stop(&r->server);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
