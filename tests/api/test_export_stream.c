/* Files of any size over HTTP: GET /api/v1/incidents.geojson of 300,000 incidents on the
 * real server is one whole FeatureCollection (every feature parses, the count is right, no
 * id twice, the chunked transfer ends with its last chunk), and the server's peak memory
 * stays flat while it streams, where the file used to be built in memory and capped at
 * 100,000 rows with a 413. The incidents come from `bluehelm demo`; docs/benchmarks.md has
 * the peak before and after. */
#include "api_helpers.h"

#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PASSWORD "Bunia patrol base 2023"

/* Fewer under AddressSanitizer, whose every allocation is slower and bigger: the shape of
 * the test is the same, its time stays within the suite's budget. */
#if defined(__SANITIZE_ADDRESS__)
#define INCIDENTS 30000
#define SANITIZED 1
#else
#define INCIDENTS 300000
#define SANITIZED 0
#endif

/* The server's peak resident memory may not pass this while it streams the file (it was
 * 626 MiB for 300,000 incidents when the file was built in memory; docs/benchmarks.md). */
#define PEAK_MAX_KB (64 * 1024)

static struct test_server server;
static char bearer[256];

static int setup(void **state)
{
    (void)state;
    if (SANITIZED)
        print_message("api/export-stream: AddressSanitizer build, so %d incidents instead of "
                      "300000\n",
                      INCIDENTS);
    char *store = test_init_seeded_store("api_export_stream", PASSWORD);
    char n[32];
    snprintf(n, sizeof n, "%d", INCIDENTS);
    test_cli_ok(store, NULL, (const char *const[]){ "demo", "--incidents", n, "--seed", "7", NULL },
                NULL);
    test_bearer_for(store, "admin", NULL, bearer, sizeof bearer);
    test_server_start(&server, store, NULL);
    free(store);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    return 0;
}

/* A buffered reader of the socket. */
struct reader {
    int fd;
    char buf[1 << 16];
    size_t pos, len;
};

static bool fill(struct reader *r)
{
    if (r->pos < r->len)
        return true;
    ssize_t got = recv(r->fd, r->buf, sizeof r->buf, 0);
    if (got <= 0)
        return false;
    r->pos = 0;
    r->len = (size_t)got;
    return true;
}

/* One CRLF-terminated line (the status line, a header, a chunk size) into `out`, without its
 * CRLF; false when the connection ends first. */
static bool read_line(struct reader *r, struct buf *out)
{
    buf_reset(out);
    while (fill(r)) {
        char c = r->buf[r->pos++];
        if (c == '\n') {
            if (out->len && out->data[out->len - 1] == '\r')
                out->data[--out->len] = '\0';
            return true;
        }
        buf_append(out, &c, 1);
    }
    return false;
}

/* What is known of the file so far, checked line by line as it arrives: the export writes
 * the collection's opening, then one Feature per line, then its closing. */
struct file_check {
    struct buf line;
    long lines;
    bool opened, closed;
    char **ids;
    size_t nids;
};

static void check_line(struct file_check *c)
{
    const char *s = buf_str(&c->line);
    size_t len = c->line.len;
    c->lines++;
    if (!c->opened) {
        if (strcmp(s, "{\"type\":\"FeatureCollection\",\"features\":[") != 0)
            fail_msg("line 1 is not the collection's opening: %.200s", s);
        c->opened = true;
        return;
    }
    if (c->closed)
        fail_msg("line %ld follows the collection's closing: %.200s", c->lines, s);
    if (strcmp(s, "]}") == 0) {
        c->closed = true;
        return;
    }
    if (len && s[len - 1] == ',')
        len--;
    json_error_t e;
    json_t *f = json_loadb(s, len, 0, &e);
    if (!f)
        fail_msg("line %ld is not JSON (%s): %.200s", c->lines, e.text, s);
    json_t *coords = json_object_get(json_object_get(f, "geometry"), "coordinates");
    const char *id = json_string_value(json_object_get(f, "id"));
    if (strcmp(json_string_value(json_object_get(f, "type")) ?: "", "Feature") != 0 || !id ||
        json_array_size(coords) != 2 || !json_is_object(json_object_get(f, "properties")))
        fail_msg("line %ld is not a point Feature with an id: %.200s", c->lines, s);
    if (c->nids == INCIDENTS)
        fail_msg("more than %d features", INCIDENTS);
    c->ids[c->nids++] = strdup(id);
    json_decref(f);
}

/* Feeds `n` bytes of the file to the line checker. */
static void feed(struct file_check *c, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        buf_append(&c->line, data, take);
        if (!nl)
            return;
        check_line(c);
        buf_reset(&c->line);
        data += take + 1;
        n -= take + 1;
    }
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The server's private memory (RssAnon). Not VmRSS or its peak VmHWM: the store is read
 * through a memory map (db/sqlite.c), and the pages of the file it touches, which are the
 * kernel's page cache and shared, count in those. Sampled while the file streams in, so a
 * reply built whole in memory shows. */
static long anon_kb(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    char *status = test_read_file(path, NULL);
    const char *anon = status ? strstr(status, "RssAnon:") : NULL;
    long kb = anon ? strtol(anon + 8, NULL, 10) : -1;
    free(status);
    return kb;
}

static void export_stream_geojson_whole(void **state)
{
    (void)state;
    long before_kb = anon_kb(server.pid), peak = before_kb;
    int fd = test_connect(server.port);
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "GET /api/v1/incidents.geojson HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Connection: close\r\n%s\r\n",
                      bearer);
    assert_int_equal(send(fd, head, (size_t)hn, 0), hn);

    static struct reader r;
    r.fd = fd;
    r.pos = r.len = 0;
    struct buf line = BUF_INIT;
    assert_true(read_line(&r, &line));
    if (strncmp(buf_str(&line), "HTTP/1.1 200", 12) != 0)
        fail_msg("expected HTTP/1.1 200, got: %s", buf_str(&line));
    bool chunked = false;
    while (read_line(&r, &line) && line.len)
        chunked |= strcasecmp(buf_str(&line), "Transfer-Encoding: chunked") == 0;
    assert_true(chunked);

    struct file_check c = { .line = BUF_INIT, .ids = calloc(INCIDENTS, sizeof(char *)) };
    bool last_chunk = false;
    while (!last_chunk && read_line(&r, &line)) {
        size_t n = strtoul(buf_str(&line), NULL, 16);
        if (n == 0) {
            last_chunk = read_line(&r, &line) && line.len == 0;
            break;
        }
        long now_kb = anon_kb(server.pid);
        peak = now_kb > peak ? now_kb : peak;
        while (n) {
            if (!fill(&r))
                fail_msg("the connection ended inside a chunk, after %zu features", c.nids);
            size_t take = r.len - r.pos < n ? r.len - r.pos : n;
            feed(&c, r.buf + r.pos, take);
            r.pos += take;
            n -= take;
        }
        assert_true(read_line(&r, &line) && line.len == 0); /* the chunk's CRLF */
    }
    close(fd);
    if (!last_chunk)
        fail_msg("no last chunk: the transfer was cut after %zu features", c.nids);
    assert_true(c.closed);
    assert_int_equal(c.line.len, 0);
    assert_int_equal(c.nids, INCIDENTS);
    qsort(c.ids, c.nids, sizeof *c.ids, by_text);
    for (size_t i = 1; i < c.nids; i++)
        if (strcmp(c.ids[i - 1], c.ids[i]) == 0)
            fail_msg("feature id %s appears twice", c.ids[i]);

    print_message("api/export-stream: %d features; server private memory (RssAnon) %ld kB "
                  "before the export, at most %ld kB during it\n",
                  INCIDENTS, before_kb, peak);
    if (!SANITIZED && peak > PEAK_MAX_KB)
        fail_msg("the server's private memory reached %ld kB streaming %d features (at most %d kB)",
                 peak, INCIDENTS, PEAK_MAX_KB);
    for (size_t i = 0; i < c.nids; i++)
        free(c.ids[i]);
    free(c.ids);
    buf_cleanup(&c.line);
    buf_cleanup(&line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/export-stream-geojson-300k", export_stream_geojson_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
