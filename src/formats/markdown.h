#ifndef BH_FORMATS_MARKDOWN_H
#define BH_FORMATS_MARKDOWN_H

#include <stddef.h>

/* Markdown as HTML that is safe to show as it is (bulletins, the library's documents):
 * CommonMark by cmark with its safe default, raw HTML replaced by a comment,
 * javascript:/vbscript:/file:/data: links and images removed (data: pictures excepted), text
 * checked as UTF-8. `markdown` may be NULL (read as empty). A new heap string, never NULL.
 * Pure. tests/fuzz/fuzz_markdown.c holds the output to that. */
char *markdown_to_html(const char *markdown, size_t len);

#endif
