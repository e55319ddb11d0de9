/* libFuzzer target: the streaming GeoJSON reader (formats/geojson.c), fed arbitrary bytes,
 * and the UCDP GED reader that words its faults its own way on top of it (formats/ucdp.c).
 *
 * Each input is read from memory and again from a FILE (the two sources of the reader, which
 * count lines and push back a byte each their own way). Besides crashes and sanitizer
 * reports, a finding is a broken promise of geojson.h: features come with indexes 0, 1, 2...
 * and lines that never go back; a failure is BH_EINVALID or BH_EIO with a message; and both
 * sources give the same features and the same result.
 *
 * Run by tests/fuzz/run.sh (`make test`: the seeds in tests/fuzz/corpus/geojson once, then a
 * few seconds of fuzzing; `make fuzz`: longer). */
#include "formats/geojson.h"
#include "formats/ucdp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    long features, last_line;
    uint64_t sum; /* of the features' JSON types and lines, to compare the two sources */
};

static void die(const char *what)
{
    fprintf(stderr, "fuzz_geojson: %s\n", what);
    abort();
}

static int on_feature(void *ctx, json_t *feature, long index, long line, struct bh_error *err)
{
    (void)err;
    struct seen *s = ctx;
    if (!feature)
        die("a feature without a value");
    if (index != s->features)
        die("feature indexes skip or repeat");
    if (line < 1 || line < s->last_line)
        die("a feature's line goes back");
    s->features++;
    s->last_line = line;
    s->sum = s->sum * 31 + (uint64_t)json_typeof(feature) * 1000003u + (uint64_t)line;
    return 0;
}

static void check_failure(int rc, const struct bh_error *err)
{
    if (rc == 0)
        return;
    if (rc != BH_EINVALID && rc != BH_EIO)
        die("a failure that is neither BH_EINVALID nor BH_EIO");
    if (!memchr(err->message, '\0', sizeof err->message) || !err->message[0])
        die("a failure without a message");
}

static int on_event(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                    const struct bh_error *problem, struct bh_error *err)
{
    (void)err;
    long *n = ctx;
    if (!ev && (!problem || !problem->message[0]))
        die("a rejected GED event without a reason");
    if (ev &&
        (ev->latitude < -90 || ev->latitude > 90 || ev->longitude < -180 || ev->longitude > 180))
        die("a GED event off the globe");
    if (at->feature < 0 && at->line < 1)
        die("a GED event with no place");
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen mem = { 0, 0, 0 }, file = { 0, 0, 0 };
    struct geojson_reader_opts opts = { on_feature, NULL, NULL, &mem, 0, size > 0 && data[0] & 1 };
    struct bh_error err_mem, err_file;
    int rc_mem = geojson_read_mem((const char *)data, size, &opts, &err_mem);
    check_failure(rc_mem, &err_mem);

    FILE *f = fmemopen(size ? (void *)data : (void *)"", size, "rb");
    if (!f)
        die("fmemopen failed");
    opts.ctx = &file;
    int rc_file = geojson_read_file(f, &opts, &err_file);
    fclose(f);
    check_failure(rc_file, &err_file);
    if (rc_mem != rc_file || mem.features != file.features || mem.sum != file.sum)
        die("memory and file give different features or results");
    if (rc_mem && strcmp(err_mem.message, err_file.message) != 0)
        die("memory and file fail with different messages");

    long events = 0;
    struct ucdp_read_info info;
    struct bh_error err;
    check_failure(ucdp_read_mem((const char *)data, size, on_event, &events, &info, &err), &err);
    return 0;
}
