/* libFuzzer target: a bulletin's Markdown rendered as HTML (markdown_to_html, cmark with
 * its safe default). The HTML is served to browsers as it is, so whatever the input, the
 * output must be inert: only the tags CommonMark itself produces, only their plain attributes
 * (no on* handler, no style), no raw HTML but cmark's "raw HTML omitted" comment, no href or
 * src to javascript:, vbscript:, file: or data: (data: pictures excepted) even after the
 * characters a browser drops from a URL, and valid UTF-8 throughout. Run by tests/fuzz/run.sh. */
#include "formats/markdown.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *html, size_t at)
{
    fprintf(stderr, "fuzz_markdown: %s at byte %zu of:\n%s\n", what, at, html);
    abort();
}

static const char *const tags[] = { "p",  "em", "strong", "a",          "img", "code", "pre",
                                    "ul", "ol", "li",     "blockquote", "h1",  "h2",   "h3",
                                    "h4", "h5", "h6",     "hr",         "br",  NULL };
static const char *const attrs[] = { "href", "src", "alt", "title", "start", "class", NULL };

static int listed(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return 1;
    return 0;
}

/* Whether a URL a browser would run or load as a document: its scheme after dropping what
 * browsers drop (ASCII whitespace and controls), case-folded. */
static int dangerous_url(const char *v, size_t n)
{
    char u[32];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof u - 1; i++)
        if ((unsigned char)v[i] > 0x20)
            u[k++] = (char)tolower((unsigned char)v[i]);
    u[k] = '\0';
    if (!strncmp(u, "javascript:", 11) || !strncmp(u, "vbscript:", 9) || !strncmp(u, "file:", 5))
        return 1;
    if (!strncmp(u, "data:", 5))
        return strncmp(u, "data:image/png", 14) && strncmp(u, "data:image/gif", 14) &&
               strncmp(u, "data:image/jpeg", 15) && strncmp(u, "data:image/webp", 15);
    return 0;
}

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s;
        size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (n == 0 || c > 0xf4)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((s[i] & 0xc0) != 0x80)
                return 0;
        s += n;
    }
    return 1;
}

static void check(const char *html)
{
    static const char omitted[] = "<!-- raw HTML omitted -->";
    if (!valid_utf8((const unsigned char *)html))
        die("output is not UTF-8", html, 0);
    const char *p = html;
    while ((p = strchr(p, '<'))) {
        size_t at = (size_t)(p - html);
        if (!strncmp(p, omitted, sizeof omitted - 1)) {
            p += sizeof omitted - 1;
            continue;
        }
        p++;
        if (*p == '/')
            p++;
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (!listed(tags, p, n))
            die("tag outside CommonMark's own", html, at);
        p += n;
        for (;;) {
            if (*p == '>') {
                p++;
                break;
            }
            if (!strncmp(p, " />", 3)) {
                p += 3;
                break;
            }
            if (*p != ' ')
                die("unexpected byte in a tag", html, (size_t)(p - html));
            p++;
            size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            if (!listed(attrs, p, an) || p[an] != '=' || p[an + 1] != '"')
                die("attribute outside the plain ones", html, (size_t)(p - html));
            const char *v = p + an + 2;
            const char *end = strchr(v, '"');
            if (!end)
                die("unterminated attribute", html, (size_t)(p - html));
            if ((!strncmp(p, "href", 4) || !strncmp(p, "src", 3)) &&
                dangerous_url(v, (size_t)(end - v)))
                die("dangerous URL", html, (size_t)(v - html));
            if (memchr(v, '<', (size_t)(end - v)) || memchr(v, '>', (size_t)(end - v)))
                die("unescaped angle bracket in an attribute", html, (size_t)(v - html));
            p = end + 1;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *html = markdown_to_html((const char *)data, size);
    check(html);
    free(html);
    return 0;
}
