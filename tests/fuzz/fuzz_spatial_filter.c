/* libFuzzer target: the map layers' filters (spatial/filter.c), the query parameters of
 * /api/v1/incidents, /api/v1/events, their files and grids: bbox, near, from, to, mission,
 * type, status, q, synthetic, mine, sort. Each input is "name=value" lines; every value goes
 * through spatial_filter_set under its name (a name the list does not know included). Each
 * must be taken or refused with BH_EINVALID naming a parameter; what is taken must be in range
 * (a bbox's south not north of its north, latitudes within ±90, a nonempty q that fits its
 * buffer, the synthetic choice one of the three). Run by tests/fuzz/run.sh. */
#include "spatial/spatial.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *name, const char *value)
{
    fprintf(stderr, "fuzz_spatial_filter: %s: %s='%s'\n", what, name, value);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct spatial_filter f;
    spatial_filter_init(&f);
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *name = line, *value = eq + 1;
        struct bh_error err;
        memset(&err, 0, sizeof err);
        int rc = spatial_filter_set(&f, name, value, &err);
        if (rc != 0 && rc != BH_EINVALID)
            die("refused with another code than BH_EINVALID", name, value);
        /* A refusal names a parameter: the one given (an empty name, "=x", can only be
         * named by itself). */
        if (rc != 0 && !err.field[0] && *name)
            die("refusal names no parameter", name, value);
        if (rc == 0 && *value && strcmp(name, "q") == 0 && strcmp(f.q, value) != 0)
            die("q taken but not kept", name, value);
    }
    if (f.has_bbox &&
        (f.south > f.north || f.south < -90 || f.north > 90 || f.west < -180 || f.east > 180))
        die("bbox out of range", "bbox", "");
    if (f.has_near && (f.near_lat < -90 || f.near_lat > 90 || !(f.near_km > 0)))
        die("near out of range", "near", "");
    if (f.synthetic != SPATIAL_SYNTHETIC_ALL && f.synthetic != SPATIAL_SYNTHETIC_EXCLUDE &&
        f.synthetic != SPATIAL_SYNTHETIC_ONLY)
        die("synthetic out of range", "synthetic", "");
    if (strlen(f.q) >= sizeof f.q)
        die("q overflows", "q", f.q);
    free(text);
    return 0;
}
