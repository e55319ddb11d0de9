/* libFuzzer target: the part of an action's body the action module reads itself
 * (action/action.c): an indicator {name, unit, baseline, target}, tried with and without a
 * member prefix. An accepted indicator must have a name of 1 to 120 bytes and finite numbers;
 * a refusal must name a member. Run by tests/fuzz/run.sh. */
#include "action/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
    if (!j)
        return 0;
    static const char *const prefixes[] = { "", "indicators[12]." };
    for (size_t p = 0; p < 2; p++) {
        struct action__indicator a;
        struct bh_error err;
        if (action__read_indicator(j, prefixes[p], &a, &err) == 0) {
            size_t n = strlen(a.name);
            if (n < 1 || n > 120 || !a.unit || !isfinite(a.target) ||
                (a.has_baseline && !isfinite(a.baseline)))
                abort();
        } else if (!err.field[0]) {
            abort();
        }
    }
    json_decref(j);
    return 0;
}
