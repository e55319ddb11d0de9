/* libFuzzer target: the Accept-Language reader (i18n_lang_from_accept in base/i18n.c), which
 * reads a header of every request, and the language-code reader (i18n_lang_parse), which
 * reads the environment and user settings. Each input is a header value; libmicrohttpd hands
 * it NUL-terminated, and the input is cut at its first NUL like it. Besides crashes and
 * sanitizer reports, a finding is an answer the text cannot give: a language outside the
 * enum, a language whose code is not in the header (English may come from "*"), a header
 * over 4096 bytes answered at all, or a code accepted that is empty, over 35 bytes or that
 * does not start with the language's code. Run by tests/fuzz/run.sh; seeds in
 * tests/fuzz/corpus/accept_language. */
#include "base/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *header)
{
    fprintf(stderr, "fuzz_accept_language: %s: \"%s\"\n", what, header);
    abort();
}

/* Whether `code` occurs in `s`, in any case. */
static bool has_code(const char *s, const char *code)
{
    for (; s[0] && s[1]; s++)
        if (strncasecmp(s, code, 2) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = malloc(size + 1);
    if (!header)
        return 0;
    memcpy(header, data, size);
    header[size] = '\0';
    size_t len = strlen(header);

    enum lang got = LANG_COUNT;
    if (i18n_lang_from_accept(header, &got)) {
        if ((unsigned)got >= LANG_COUNT)
            die("a language outside the enum", header);
        if (len > 4096)
            die("a header over 4096 bytes was read", header);
        if (!has_code(header, i18n_lang_code(got)) && !(got == LANG_EN && strchr(header, '*')))
            die("a language the header does not name", header);
    }

    got = LANG_COUNT;
    if (i18n_lang_parse(header, &got)) {
        if ((unsigned)got >= LANG_COUNT)
            die("a code parsed to a language outside the enum", header);
        if (len < 2 || len > 35 || strncasecmp(header, i18n_lang_code(got), 2) != 0)
            die("a code accepted that does not start with its language", header);
    }
    free(header);
    return 0;
}
