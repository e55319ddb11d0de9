#include "smtp_receiver.h"

#include "loopback_server.h"
#include "support.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SMTP_MAX_MESSAGES 64

struct smtp_message {
    char *from, *rcpt, *data;
};

struct smtp_receiver {
    struct loopback_server server;
    bool refuse;
    pthread_mutex_t lock;
    struct smtp_message msgs[SMTP_MAX_MESSAGES];
    int n;
};

/* A connection's input, read a line at a time. */
struct conn {
    int fd;
    char buf[8192];
    size_t len;
};

static void say(int fd, const char *text)
{
    loopback_send_all(fd, text, strlen(text));
}

/* One line without its CRLF into `out` (cut to `cap`); false at the end of the input. */
static bool read_line(struct conn *c, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            size_t keep = n > 0 && c->buf[n - 1] == '\r' ? n - 1 : n;
            if (keep >= cap)
                keep = cap - 1;
            memcpy(out, c->buf, keep);
            out[keep] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return true;
        }
        if (c->len == sizeof c->buf)
            c->len = 0; /* a line longer than any SMTP line: dropped */
        struct pollfd p = { c->fd, POLLIN, 0 };
        if (poll(&p, 1, 5000) <= 0)
            return false;
        ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (r <= 0)
            return false;
        c->len += (size_t)r;
    }
}

/* The address inside "<...>" of a MAIL FROM or RCPT TO line. */
static char *address(const char *line)
{
    const char *a = strchr(line, '<'), *b = a ? strchr(a, '>') : NULL;
    if (!a || !b)
        return strdup("");
    return strndup(a + 1, (size_t)(b - a - 1));
}

static void session(void *ctx, int fd)
{
    struct smtp_receiver *s = ctx;
    struct conn c = { .fd = fd };
    char line[4096];
    char *from = NULL, *rcpt = NULL;
    say(fd, "220 test.invalid ESMTP test receiver\r\n");
    while (read_line(&c, line, sizeof line)) {
        if (strncasecmp(line, "EHLO", 4) == 0 || strncasecmp(line, "HELO", 4) == 0) {
            say(fd, "250-test.invalid\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            pthread_mutex_lock(&s->lock);
            bool refuse = s->refuse;
            pthread_mutex_unlock(&s->lock);
            if (refuse) {
                say(fd, "550 5.7.1 relaying refused by the test\r\n");
                continue;
            }
            free(from);
            from = address(line + 10);
            say(fd, "250 2.1.0 ok\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            free(rcpt);
            rcpt = address(line + 8);
            say(fd, "250 2.1.5 ok\r\n");
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            say(fd, "354 end with <CRLF>.<CRLF>\r\n");
            size_t cap = 1 << 16, len = 0;
            char *data = malloc(cap);
            bool ended = false;
            while (read_line(&c, line, sizeof line)) {
                if (strcmp(line, ".") == 0) {
                    ended = true;
                    break;
                }
                const char *l = line[0] == '.' ? line + 1 : line; /* dot-unstuffing */
                size_t n = strlen(l);
                if (len + n + 3 > cap) {
                    cap = (len + n + 3) * 2;
                    data = realloc(data, cap);
                }
                memcpy(data + len, l, n);
                len += n;
                memcpy(data + len, "\r\n", 2);
                len += 2;
            }
            data[len] = '\0';
            if (!ended) {
                free(data);
                break;
            }
            pthread_mutex_lock(&s->lock);
            if (s->n < SMTP_MAX_MESSAGES) {
                s->msgs[s->n++] = (struct smtp_message){ from ? from : strdup(""),
                                                         rcpt ? rcpt : strdup(""), data };
                from = rcpt = NULL;
                data = NULL;
            }
            pthread_mutex_unlock(&s->lock);
            free(data);
            say(fd, "250 2.0.0 queued\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(fd, "221 2.0.0 bye\r\n");
            break;
        } else if (strncasecmp(line, "RSET", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0) {
            say(fd, "250 2.0.0 ok\r\n");
        } else {
            say(fd, "502 5.5.2 not implemented\r\n");
        }
    }
    free(from);
    free(rcpt);
}

struct smtp_receiver *smtp_receiver_start(void)
{
    struct smtp_receiver *s = calloc(1, sizeof *s);
    if (!s)
        test_fail_at(__FILE__, __LINE__, "smtp receiver: out of memory");
    pthread_mutex_init(&s->lock, NULL);
    loopback_server_start(&s->server, "127.0.0.1", session, s, "smtp receiver");
    return s;
}

int smtp_receiver_port(const struct smtp_receiver *s)
{
    return s->server.port;
}

void smtp_receiver_url(const struct smtp_receiver *s, char *out, unsigned cap)
{
    snprintf(out, cap, "smtp://127.0.0.1:%d", s->server.port);
}

void smtp_receiver_refuse(struct smtp_receiver *s, bool refuse)
{
    pthread_mutex_lock(&s->lock);
    s->refuse = refuse;
    pthread_mutex_unlock(&s->lock);
}

int smtp_receiver_count(struct smtp_receiver *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

char *smtp_receiver_message(struct smtp_receiver *s, int i, char **from, char **rcpt)
{
    char *data = NULL;
    pthread_mutex_lock(&s->lock);
    if (i >= 0 && i < s->n) {
        data = strdup(s->msgs[i].data);
        if (from)
            *from = strdup(s->msgs[i].from);
        if (rcpt)
            *rcpt = strdup(s->msgs[i].rcpt);
    }
    pthread_mutex_unlock(&s->lock);
    return data;
}

void smtp_receiver_stop(struct smtp_receiver *s)
{
    if (!s)
        return;
    loopback_server_stop(&s->server);
    for (int i = 0; i < s->n; i++) {
        free(s->msgs[i].from);
        free(s->msgs[i].rcpt);
        free(s->msgs[i].data);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}
