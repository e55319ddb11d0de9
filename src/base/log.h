#ifndef BH_BASE_LOG_H
#define BH_BASE_LOG_H

#include <stddef.h>

/* Logging to stderr, one line per event, as text for people or as JSON lines for log
 * shippers. Each line is written with a single write(2), so lines from server threads never
 * interleave. Messages must never contain secrets (passwords, tokens, cookies). */

enum bh_log_level { BH_LOG_DEBUG, BH_LOG_INFO, BH_LOG_WARN, BH_LOG_ERROR };
enum bh_log_format { BH_LOG_TEXT, BH_LOG_JSON };

/* One structured field of an event: a string or an integer or a real. */
struct log_field {
    const char *key;
    enum { LOG_FIELD_STR, LOG_FIELD_INT, LOG_FIELD_REAL } type;
    const char *str;
    long long num;
    double real;
};

#define LOG_STR(k, v)  ((struct log_field){ .key = (k), .type = LOG_FIELD_STR, .str = (v) })
#define LOG_INT(k, v)  ((struct log_field){ .key = (k), .type = LOG_FIELD_INT, .num = (v) })
#define LOG_REAL(k, v) ((struct log_field){ .key = (k), .type = LOG_FIELD_REAL, .real = (v) })

/* Sets the least severe level written and the format; defaults are info and text. Call
 * before starting threads. */
void log_configure(enum bh_log_level min_level, enum bh_log_format format);

/* Sends lines to `fd` instead of stderr (tests read them back). */
void log_set_fd(int fd);

/* Parses "debug", "info", "warn", "error" / "text", "json"; returns 0 or -1. */
int log_level_parse(const char *s, enum bh_log_level *out);
int log_format_parse(const char *s, enum bh_log_format *out);
const char *log_level_name(enum bh_log_level level);
const char *log_format_name(enum bh_log_format format);

/* Writes an event: a short message and its fields. Text: `TIME LEVEL msg key=value ...`;
 * JSON: `{"time":…,"level":…,"msg":…,"key":value,…}`. */
void log_event(enum bh_log_level level, const char *msg, const struct log_field *fields,
               size_t nfields);

/* printf-style shorthands for events with no fields. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
