#include "base/log.h"

#include "base/buf.h"
#include "base/timeutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum bh_log_level log_min = BH_LOG_INFO;
static enum bh_log_format log_fmt = BH_LOG_TEXT;
static int log_fd = 2;

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const char *const format_names[] = { "text", "json" };

void log_configure(enum bh_log_level min_level, enum bh_log_format format)
{
    log_min = min_level;
    log_fmt = format;
}

void log_set_fd(int fd)
{
    log_fd = fd;
}

int log_level_parse(const char *s, enum bh_log_level *out)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum bh_log_level)i;
            return 0;
        }
    return -1;
}

int log_format_parse(const char *s, enum bh_log_format *out)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(s, format_names[i]) == 0) {
            *out = (enum bh_log_format)i;
            return 0;
        }
    return -1;
}

const char *log_level_name(enum bh_log_level level)
{
    return level_names[level];
}

const char *log_format_name(enum bh_log_format format)
{
    return format_names[format];
}

/* Text values with spaces, quotes or '=' are quoted so a line still splits into key=value
 * pairs unambiguously (logfmt's rule). */
static void put_text_value(struct buf *b, const char *s)
{
    if (*s && !strpbrk(s, " \t\"=\n\r")) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    buf_put_json_escaped(b, s);
    buf_putc(b, '"');
}

static void put_field(struct buf *b, const struct log_field *f)
{
    if (log_fmt == BH_LOG_JSON) {
        buf_puts(b, ",\"");
        buf_put_json_escaped(b, f->key);
        buf_puts(b, "\":");
    } else {
        buf_putc(b, ' ');
        buf_puts(b, f->key);
        buf_putc(b, '=');
    }
    switch (f->type) {
    case LOG_FIELD_STR:
        if (log_fmt == BH_LOG_JSON) {
            buf_putc(b, '"');
            buf_put_json_escaped(b, f->str ? f->str : "");
            buf_putc(b, '"');
        } else {
            put_text_value(b, f->str ? f->str : "");
        }
        break;
    case LOG_FIELD_INT:
        buf_printf(b, "%lld", f->num);
        break;
    case LOG_FIELD_REAL:
        /* JSON has no NaN or infinity; null keeps the line parseable. */
        if (log_fmt == BH_LOG_JSON && !isfinite(f->real))
            buf_puts(b, "null");
        else
            buf_printf(b, "%.3f", f->real);
        break;
    }
}

void log_event(enum bh_log_level level, const char *msg, const struct log_field *fields,
               size_t nfields)
{
    if (level < log_min)
        return;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, true, now);
    struct buf b = BUF_INIT;
    if (log_fmt == BH_LOG_JSON) {
        buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"", now, level_names[level]);
        buf_put_json_escaped(&b, msg);
        buf_putc(&b, '"');
    } else {
        buf_printf(&b, "%s %-5s ", now, level_names[level]);
        /* The message may come from outside (a path, a file name): keep it on one line. */
        for (const char *p = msg; *p; p++)
            buf_putc(&b, (*p == '\n' || *p == '\r') ? ' ' : *p);
    }
    for (size_t i = 0; i < nfields; i++)
        put_field(&b, &fields[i]);
    if (log_fmt == BH_LOG_JSON)
        buf_putc(&b, '}');
    buf_putc(&b, '\n');
    /* One write per line: lines from concurrent threads stay whole. A failed write to the
     * log has nowhere to be reported, so it is ignored. */
    ssize_t ignored = write(log_fd, b.data, b.len);
    (void)ignored;
    buf_cleanup(&b);
}

static void log_vformat(enum bh_log_level level, const char *fmt, va_list ap)
{
    if (level < log_min)
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    log_event(level, msg, NULL, 0);
}

#define LOG_SHORTHAND(fn, level)     \
    void fn(const char *fmt, ...)    \
    {                                \
        va_list ap;                  \
        va_start(ap, fmt);           \
        log_vformat(level, fmt, ap); \
        va_end(ap);                  \
    }

LOG_SHORTHAND(log_debug, BH_LOG_DEBUG)
LOG_SHORTHAND(log_info, BH_LOG_INFO)
LOG_SHORTHAND(log_warn, BH_LOG_WARN)
LOG_SHORTHAND(log_error, BH_LOG_ERROR)
