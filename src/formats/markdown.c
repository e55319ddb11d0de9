/* Markdown as HTML, for bulletins and the library's documents. The HTML is served beside the
 * Markdown and shown by the app as it is, so it must be inert whatever a writer (or someone
 * who took over a writer's account) puts in the body: cmark 0.30's default is safe (raw HTML
 * becomes the comment
 * "<!-- raw HTML omitted -->", links and images to javascript:, vbscript:, file: and data:
 * other than pictures lose their target), and text that is not UTF-8 is repaired rather than
 * passed on. tests/fuzz/fuzz_markdown.c holds the output to that. */
#include "formats/markdown.h"

#include "base/mem.h"

#include <cmark.h>
#include <stdlib.h>

/* CMARK_OPT_SAFE is the default since 0.29 and a no-op there; it is named anyway so that a
 * build against an older cmark is safe too, never the opposite. CMARK_OPT_UNSAFE is never
 * passed. */
#define RENDER_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

char *markdown_to_html(const char *markdown, size_t len)
{
    char *html =
        cmark_markdown_to_html(markdown ? markdown : "", markdown ? len : 0, RENDER_OPTIONS);
    if (!html)
        return xstrdup("");
    return html;
}
