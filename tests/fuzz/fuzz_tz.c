/* libFuzzer target: tz_parse_instant (base/tz.c), which reads every instant an API client
 * writes, as a wall-clock time in a zone or RFC 3339 with an offset. The first line of an
 * input is the zone (an IANA name, or anything), the rest the text. The parser must accept
 * or refuse with BH_EINVALID naming the field (or time_zone, for an unknown zone) in a short
 * message; what it accepts, written back in UTC and in the zone, must read back as the same
 * second. Run by tests/fuzz/run.sh. */
#include "base/timeutil.h"
#include "base/tz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The instant written in `zone` and read back must be `ms` to the second. */
static void roundtrip(const char *zone, int64_t ms, const char *text)
{
    char out[40];
    struct bh_error err;
    if (tz_format_local(zone, ms, out, &err) != 0)
        return; /* an unknown zone: only a refusal is asked of it */
    int64_t back = 0;
    if (tz_parse_instant(out, NULL, &back, "check", &err) != 0 ||
        back != ms - ((ms % 1000) + 1000) % 1000) {
        fprintf(stderr, "fuzz_tz: '%s' in '%s' gave %lld, written '%s', read back %lld\n", text,
                zone, (long long)ms, out, (long long)back);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *text = strchr(buf, '\n');
    const char *zone = NULL;
    if (text) {
        *text++ = '\0';
        zone = buf;
    } else {
        text = buf;
    }
    int64_t ms = 0;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = tz_parse_instant(text, zone, &ms, "starts_at", &err);
    if (rc == 0) {
        roundtrip("UTC", ms, text);
        if (zone && tz_valid(zone))
            roundtrip(zone, ms, text);
    } else if (rc != BH_EINVALID ||
               (strcmp(err.field, "starts_at") != 0 && strcmp(err.field, "time_zone") != 0) ||
               strlen(err.message) > 300) {
        fprintf(stderr, "fuzz_tz: rc %d field '%s' message '%s'\n", rc, err.field, err.message);
        abort();
    }
    free(buf);
    return 0;
}
