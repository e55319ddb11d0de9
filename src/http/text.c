#include "http/text.h"

#include <string.h>

/* The length of the well-formed UTF-8 sequence starting at `p` (at most `n` bytes
 * available), or 0 when there is none. The table is RFC 3629's: second bytes narrowed after
 * E0, ED, F0 and F4 exclude the overlong forms, the surrogates and code points past
 * U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
    }
    if (n < need || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

/* C0 controls, DEL, and the C1 controls U+0080..U+009F (C2 80..C2 9F in UTF-8): none has a
 * place in a path or a query, and a newline in one could forge a line of a log. */
static bool is_control(const unsigned char *p, size_t seq)
{
    if (seq == 1)
        return p[0] < 0x20 || p[0] == 0x7F;
    return seq == 2 && p[0] == 0xC2 && p[1] <= 0x9F;
}

size_t http_text_check(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t seq = utf8_seq(p + i, len - i);
        if (seq == 0 || is_control(p + i, seq))
            return i;
        i += seq;
    }
    return len;
}

bool http_text_valid(const char *s, size_t len)
{
    return http_text_check(s, len) == len;
}

const char *http_text_clean(struct arena *a, const char *s, bool controls)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t seq = utf8_seq(p + i, len - i);
        if (seq == 0 || (controls && is_control(p + i, seq)))
            break;
        i += seq;
    }
    if (i == len)
        return s;
    /* Each bad byte becomes three (EF BF BD): the worst case is three times the input. */
    char *out = arena_alloc(a, len * 3 + 1);
    memcpy(out, s, i);
    size_t o = i;
    while (i < len) {
        size_t seq = utf8_seq(p + i, len - i);
        if (seq == 0 || (controls && is_control(p + i, seq))) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += seq ? seq : 1;
            continue;
        }
        memcpy(out + o, p + i, seq);
        o += seq;
        i += seq;
    }
    out[o] = '\0';
    return out;
}
