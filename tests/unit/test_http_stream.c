/* Unit tests for http/response.c: how a reply becomes a libmicrohttpd response. A streamed
 * reply is served by a real libmicrohttpd daemon on a loopback port and read as raw bytes,
 * so the test sees exactly what a client sees: a stream that ends is a chunked body with its
 * last chunk, and a stream whose producer fails halfway is a cut connection without it (a
 * broken transfer, never a short file that looks whole). Bodies handed over are freed once,
 * by the response; bodies lent are never freed. */
#include "support.h"

#include "http/response.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_client.h"

#define PIECE 10000

/* One streamed reply: `pieces` pieces of PIECE bytes, then the end, or a failure after
 * `fail_after` pieces (-1: never). */
struct stream_case {
    int pieces;
    int fail_after;
    int made;
    int freed;
    uint64_t sent;
};

static int produce(void *ctx, struct buf *out)
{
    struct stream_case *c = ctx;
    if (c->fail_after >= 0 && c->made == c->fail_after)
        return BH_ESTORE;
    char piece[PIECE];
    memset(piece, 'a' + c->made % 26, sizeof piece);
    buf_append(out, piece, sizeof piece);
    c->made++;
    return c->made == c->pieces ? HTTP_STREAM_END : 0;
}

static void free_case(void *ctx)
{
    ((struct stream_case *)ctx)->freed++;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
    struct stream_case *c = cls;
    if (!*con_cls) {
        *con_cls = c; /* headers only: answer on the second call */
        return MHD_YES;
    }
    struct http_reply rep;
    memset(&rep, 0, sizeof rep);
    http_reply_stream(&rep, "text/plain", produce, c, free_case);
    struct MHD_Response *r = http_response_new(&rep, &c->sent);
    assert_non_null(r);
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* Serves `c` once and returns every byte the client received until the server closed. */
static char *serve_once(struct stream_case *c, size_t *len)
{
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL,
                                            NULL, answer, c, MHD_OPTION_END);
    assert_non_null(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int fd = test_connect(info->port);
    const char *req = "GET /file HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
    struct timeval tv = { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct buf got = BUF_INIT;
    char chunk[8192];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        buf_append(&got, chunk, (size_t)n);
    /* 0 is the server's close; a timeout (-1) would be a hang, not an end. */
    assert_int_equal(n, 0);
    close(fd);
    MHD_stop_daemon(d);
    *len = got.len;
    return buf_steal(&got);
}

/* The body of a chunked reply, decoded; *complete says whether the last chunk came. */
static size_t dechunk(const char *raw, size_t len, bool *complete)
{
    const char *p = strstr(raw, "\r\n\r\n"), *end = raw + len;
    size_t body = 0;
    *complete = false;
    for (p = p ? p + 4 : end; p < end;) {
        char *after;
        unsigned long n = strtoul(p, &after, 16);
        if (after == p || end - after < 2 || memcmp(after, "\r\n", 2) != 0)
            break;
        p = after + 2;
        if (n == 0) {
            *complete = end - p >= 2 && memcmp(p, "\r\n", 2) == 0;
            break;
        }
        if ((size_t)(end - p) < n + 2)
            break;
        body += n;
        p += n + 2;
    }
    return body;
}

static void stream_ends_whole(void **state)
{
    (void)state;
    struct stream_case c = { .pieces = 40, .fail_after = -1 };
    size_t len;
    char *raw = serve_once(&c, &len);
    assert_contains(raw, "Transfer-Encoding: chunked");
    bool complete;
    assert_int_equal(dechunk(raw, len, &complete), 40 * PIECE);
    assert_true(complete);
    assert_int_equal(c.sent, 40 * PIECE);
    assert_int_equal(c.freed, 1);
    free(raw);
}

static void stream_failure_cuts(void **state)
{
    (void)state;
    struct stream_case c = { .pieces = 40, .fail_after = 20 };
    size_t len;
    char *raw = serve_once(&c, &len);
    assert_prefix(raw, "HTTP/1.1 200");
    assert_contains(raw, "Transfer-Encoding: chunked");
    bool complete;
    size_t body = dechunk(raw, len, &complete);
    /* What was made before the failure went out; the last chunk never did. */
    if (complete)
        fail_msg("the failed stream ended with a last chunk after %zu bytes: a cut file would "
                 "look whole",
                 body);
    assert_true(body > 0 && body <= 20 * PIECE);
    assert_int_equal(c.freed, 1);
    free(raw);
}

static int counted_frees;

static void counting_free(void *p)
{
    counted_frees++;
    free(p);
}

static void body_handed_over(void **state)
{
    (void)state;
    uint64_t sent = 0;
    struct http_reply rep;
    memset(&rep, 0, sizeof rep);
    counted_frees = 0;
    char *owned = strdup("{\"a\":1}");
    http_reply_body(&rep, 200, "application/json", owned, strlen(owned), counting_free);
    struct MHD_Response *r = http_response_new(&rep, &sent);
    assert_non_null(r);
    /* The response owns it now: the reply's cleanup leaves it alone... */
    http_reply_cleanup(&rep);
    assert_int_equal(counted_frees, 0);
    /* ...and destroying the response frees it, once. */
    MHD_destroy_response(r);
    assert_int_equal(counted_frees, 1);

    /* A lent body (static bytes) is never freed by anyone. */
    static char fixed[] = "static";
    http_reply_body(&rep, 200, "text/plain", fixed, strlen(fixed), NULL);
    r = http_response_new(&rep, &sent);
    assert_non_null(r);
    MHD_destroy_response(r);
    http_reply_cleanup(&rep);
    assert_int_equal(counted_frees, 1);

    /* A body replaced before it is sent is released by the replacement. */
    http_reply_body(&rep, 200, "text/plain", strdup("first"), 5, counting_free);
    http_reply_body(&rep, 500, "text/plain", fixed, strlen(fixed), NULL);
    assert_int_equal(counted_frees, 2);
    http_reply_cleanup(&rep);

    /* A stream that is never started still has its context freed, once. */
    struct stream_case c = { .pieces = 1, .fail_after = -1 };
    http_reply_stream(&rep, "text/plain", produce, &c, free_case);
    r = http_response_new(&rep, &sent);
    MHD_destroy_response(r);
    http_reply_cleanup(&rep);
    assert_int_equal(c.freed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("http/stream-ends-whole", stream_ends_whole),
        BH_TEST("http/stream-failure-cuts-the-connection", stream_failure_cuts),
        BH_TEST("http/reply-body-handed-over", body_handed_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
