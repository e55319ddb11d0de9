/* libFuzzer target: library_fts_query (src/library/search_sqlite.c), which turns what a reader
 * types into the library's search into an FTS5 query. Whatever the bytes, the output must be
 * a well-formed expression that FTS5 can only read as words: quoted terms separated by single
 * spaces, each optionally followed by '*' (a prefix), quotes inside a term doubled, at most 10
 * terms of at most 64 bytes, valid UTF-8 and no control characters. Run by tests/fuzz/run.sh. */
#include "base/buf.h"
#include "library/library.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *in, const char *out)
{
    fprintf(stderr, "fuzz_library_query: %s: input '%s' gave '%s'\n", what, in, out);
    abort();
}

/* Checks the grammar: term (' ' term)*, term = '"' (byte other than '"' | '""')+ '"' ['*']. */
static void check(const char *in, const char *out)
{
    const char *p = out;
    int terms = 0;
    if (!*p)
        return;
    for (;;) {
        if (*p != '"')
            die("a term does not start with a quote", in, out);
        p++;
        size_t bytes = 0;
        for (;;) {
            if (!*p)
                die("an unclosed quote", in, out);
            if (*p == '"') {
                if (p[1] == '"') {
                    p += 2, bytes++;
                    continue;
                }
                break;
            }
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                die("a control character", in, out);
            p++, bytes++;
        }
        if (bytes == 0 || bytes > 64)
            die("a term is empty or longer than 64 bytes", in, out);
        p++; /* the closing quote */
        if (*p == '*')
            p++;
        if (++terms > 10)
            die("more than 10 terms", in, out);
        if (!*p)
            break;
        if (*p != ' ' || p[1] == '\0')
            die("terms not separated by one space", in, out);
        p++;
    }
    json_t *probe = json_string(out); /* jansson refuses text that is not UTF-8 */
    if (!probe)
        die("not UTF-8", in, out);
    json_decref(probe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct buf out = BUF_INIT;
    library_fts_query(text, &out);
    check(text, buf_str(&out));
    buf_cleanup(&out);
    free(text);
    return 0;
}
