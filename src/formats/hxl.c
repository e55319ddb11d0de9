#include "formats/hxl.h"

#include "formats/csv.h"

#include <string.h>

void hxl_csv_field(struct buf *out, const char *s, bool first)
{
    if (!first)
        buf_putc(out, ',');
    if (!s)
        return;
    bool quoted = strpbrk(s, ",\"\r\n") != NULL;
    if (quoted)
        buf_putc(out, '"');
    /* A cell a spreadsheet would run as a formula goes out as text (formats/csv.h). */
    if (csv_cell_needs_guard(s, strlen(s)))
        buf_putc(out, '\'');
    if (!quoted) {
        buf_puts(out, s);
        return;
    }
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

void hxl_csv_end_row(struct buf *out)
{
    buf_putc(out, '\n');
}

/* One name after '#' or '+': [a-z][a-z0-9_]*. Returns its length, 0 when there is none. */
static size_t name_len(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return 0;
    size_t n = 1;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    return n;
}

bool hxl_tag_valid(const char *tag)
{
    if (!tag || tag[0] != '#')
        return false;
    size_t n = name_len(tag + 1);
    if (n == 0)
        return false;
    for (const char *p = tag + 1 + n; *p;) {
        if (*p != '+')
            return false;
        size_t a = name_len(p + 1);
        if (a == 0)
            return false;
        p += 1 + a;
    }
    return true;
}
