/* libFuzzer target: the If-Match header parser (http_if_match_revision in http/request.c),
 * which reads the revision a client claims to have read before it changes a record. Each
 * input is a header value; the parser must give a revision of at least 1 or refuse naming
 * If-Match, and what it accepts must be the decimal digits (quoted or not) of that revision.
 * Run by tests/fuzz/run.sh. */
#include "http/request.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = malloc(size + 1);
    memcpy(header, data, size);
    header[size] = '\0';
    int64_t rev = -1;
    struct bh_error err;
    int rc = http_if_match_revision(header, &rev, &err);
    if (rc == 0) {
        if (rev < 1)
            abort();
        /* The revision printed back must be in the header. */
        char digits[32];
        snprintf(digits, sizeof digits, "%" PRId64, rev);
        if (!strstr(header, digits)) {
            fprintf(stderr, "fuzz_if_match: '%s' gave %s\n", header, digits);
            abort();
        }
    } else if (rc != BH_EINVALID || strcmp(err.field, "If-Match") != 0 || rev != 0) {
        abort();
    }
    free(header);
    return 0;
}
