#include "http_client.h"

#include "support.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void test_server_read_log(struct test_server *s)
{
    for (;;) {
        if (s->log_len + 1 >= sizeof s->log)
            return;
        ssize_t n = read(s->stderr_fd, s->log + s->log_len, sizeof s->log - s->log_len - 1);
        if (n <= 0)
            return;
        s->log_len += (size_t)n;
        s->log[s->log_len] = '\0';
    }
}

void test_server_start(struct test_server *s, const char *db, const char *const *extra_args)
{
    memset(s, 0, sizeof *s);
    int pipefd[2];
    if (pipe(pipefd) != 0)
        fail_msg("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        /* A test that crashes must not leave its server running (and holding ctest's
         * output pipe open). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        const char *argv[32] = { BH_BINARY, "serve", "--listen",  "127.0.0.1:0",
                                 "--db",    db,      "--threads", "2" };
        int n = 8;
        for (const char *const *a = extra_args; a && *a && n < 31; a++)
            argv[n++] = *a;
        argv[n] = NULL;
        execv(BH_BINARY, (char **)argv);
        _exit(127);
    }
    close(pipefd[1]);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    s->pid = pid;
    s->stderr_fd = pipefd[0];
    long deadline = now_ms() + 10000;
    while (now_ms() < deadline) {
        struct pollfd pfd = { s->stderr_fd, POLLIN, 0 };
        poll(&pfd, 1, 100);
        test_server_read_log(s);
        const char *url = strstr(s->log, "url=http://127.0.0.1:");
        if (url) {
            s->port = atoi(url + strlen("url=http://127.0.0.1:"));
            return;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("server exited before listening (status %d); log:\n%s", status, s->log);
    }
    kill(pid, SIGKILL);
    fail_msg("server did not report listening within 10 s; log:\n%s", s->log);
}

int test_server_stop(struct test_server *s, int sig, long *ms)
{
    /* kill(0, ...) would signal our whole process group, ctest included. */
    if (s->pid <= 0)
        fail_msg("test_server_stop: no server was started");
    long start = now_ms();
    kill(s->pid, sig);
    int status = 0;
    /* Poll so a server that hangs is killed and reported instead of hanging the test. */
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (now_ms() - start > 10000) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            break;
        }
        usleep(5000);
    }
    if (ms)
        *ms = now_ms() - start;
    fcntl(s->stderr_fd, F_SETFL, 0);
    test_server_read_log(s);
    close(s->stderr_fd);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

void test_server_shutdown(struct test_server *s)
{
    /* Only a server that started: kill(0, ...) would signal this whole process group. */
    if (s->pid <= 0)
        return;
    long ms;
    int status = test_server_stop(s, SIGTERM, &ms);
    s->pid = 0;
    if (status != 0)
        fail_msg("server exited with %d; log:\n%s", status, s->log);
}

int test_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        fail_msg("connect to 127.0.0.1:%d: %s", port, strerror(errno));
    return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the server may close early (413): read what it said */
        data += n;
        len -= (size_t)n;
    }
}

/* Decodes a chunked body in place (a streamed reply: the server's files). A body without its
 * last, empty chunk was cut off: the test fails rather than read a short file as whole. */
static void dechunk(struct test_response *resp)
{
    const char *in = resp->body, *stop = resp->body + resp->body_len;
    size_t out = 0;
    for (;;) {
        char *line_end;
        unsigned long n = strtoul(in, &line_end, 16);
        const char *data = strstr(line_end, "\r\n");
        if (line_end == in || !data || data > stop)
            fail_msg("chunked reply cut off after %zu bytes (no last chunk)", out);
        data += 2;
        if (n == 0)
            break;
        if ((size_t)(stop - data) < n + 2)
            fail_msg("chunked reply cut off inside a chunk after %zu bytes", out);
        memmove(resp->body + out, data, n);
        out += n;
        in = data + n + 2;
    }
    resp->body_len = out;
    resp->body[out] = '\0';
}

void test_http(int port, const char *method, const char *path, const char *headers,
               const char *body, size_t body_len, struct test_response *resp)
{
    memset(resp, 0, sizeof *resp);
    int fd = test_connect(port);
    char head[4096];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s", method,
                     path, port, headers ? headers : "");
    if (body && !(headers && strstr(headers, "Transfer-Encoding")) &&
        !(headers && strstr(headers, "Content-Length")))
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", body_len);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    send_all(fd, head, (size_t)n);
    if (body)
        send_all(fd, body, body_len);

    size_t cap = 65536, len = 0;
    char *raw = malloc(cap);
    struct timeval tv = { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t got;
    while ((got = recv(fd, raw + len, cap - len - 1, 0)) > 0) {
        len += (size_t)got;
        if (cap - len - 1 == 0)
            raw = realloc(raw, cap *= 2);
    }
    close(fd);
    raw[len] = '\0';
    char *end = strstr(raw, "\r\n\r\n");
    if (strncmp(raw, "HTTP/1.", 7) != 0 || !end)
        fail_msg("not an HTTP response (%zu bytes): %.200s", len, raw);
    resp->status = atoi(raw + 9);
    size_t hlen = (size_t)(end - raw);
    if (hlen >= sizeof resp->headers)
        hlen = sizeof resp->headers - 1;
    /* Header names are case-insensitive: lowercase them for lookups. Values keep their case
     * (a session token is case-sensitive). */
    int in_name = 0;
    for (size_t i = 0; i < hlen; i++) {
        char c = raw[i];
        if (c == '\n')
            in_name = 1;
        else if (c == ':')
            in_name = 0;
        resp->headers[i] = in_name ? (char)tolower((unsigned char)c) : c;
    }
    resp->headers[hlen] = '\0';
    resp->body_len = len - (size_t)(end + 4 - raw);
    resp->body = malloc(resp->body_len + 1);
    memcpy(resp->body, end + 4, resp->body_len);
    resp->body[resp->body_len] = '\0';
    free(raw);
    const char *te = test_response_header(resp, "transfer-encoding");
    if (te && strcasecmp(te, "chunked") == 0)
        dechunk(resp);
}

const char *test_response_header(const struct test_response *resp, const char *name)
{
    static char value[1024];
    char key[128];
    snprintf(key, sizeof key, "\r\n%s:", name);
    const char *p = strstr(resp->headers, key);
    if (!p)
        return NULL;
    p += strlen(key);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\r");
    if (n >= sizeof value)
        n = sizeof value - 1;
    memcpy(value, p, n);
    value[n] = '\0';
    return value;
}

void test_response_free(struct test_response *resp)
{
    free(resp->body);
    resp->body = NULL;
}
