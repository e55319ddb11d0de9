/* libFuzzer target: the Cookie header parser (http_cookie_find in http/request.c), which
 * reads the session cookie of every request a browser sends. Each input is a Cookie header
 * value; the parser must find the session cookie, or not, without reading past the header,
 * and a value it returns must lie inside the header and hold no ';'. Run by
 * tests/fuzz/run.sh. */
#include "http/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A header value is text up to its end: libmicrohttpd hands it NUL-terminated. */
    char *header = malloc(size + 1);
    memcpy(header, data, size);
    header[size] = '\0';
    static const char *const names[] = { HTTP_SESSION_COOKIE, "a", "" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len = 12345;
        const char *v = http_cookie_find(header, names[i], &len);
        size_t hlen = strlen(header);
        if (!v) {
            if (len != 0)
                abort();
            continue;
        }
        if (v < header || v + len > header + hlen || memchr(v, ';', len)) {
            fprintf(stderr, "fuzz_cookie: value outside its pair for '%s'\n", names[i]);
            abort();
        }
    }
    free(header);
    return 0;
}
