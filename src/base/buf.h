#ifndef BH_BASE_BUF_H
#define BH_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A growable byte string that is always NUL-terminated, for building replies, SQL and
 * messages. Initialize with BUF_INIT or buf_init(); release with buf_cleanup(). */
struct buf {
    char *data; /* never NULL after the first append; "" when empty */
    size_t len;
    size_t cap;
};

#define BUF_INIT   \
    {              \
        NULL, 0, 0 \
    }

void buf_init(struct buf *b);
void buf_cleanup(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Appends `s` as the inside of a JSON string (quotes not included): escapes ", \ and control
 * characters, so log lines stay one line and one JSON object; the escapes are jansson's own
 * (\n, \b, \u001F ...), so text written here is the bytes json_dumps() writes. */
void buf_put_json_escaped(struct buf *b, const char *s);

/* The contents, "" when nothing was appended. Borrowed: valid until the next change. */
const char *buf_str(const struct buf *b);

/* Hands the heap string to the caller (free() it) and leaves `b` empty. */
char *buf_steal(struct buf *b);

#endif
