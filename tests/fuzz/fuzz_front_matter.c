/* libFuzzer target: library_front_matter_parse (src/library/frontmatter.c) on any bytes. It
 * must never crash or leak, and must answer either an error (with out left NULL and a field
 * naming a line, or "file") or an object whose "body" is a string and whose every member has
 * the type its key takes. Run by tests/fuzz/run.sh. */
#include "library/library.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *out = NULL;
    struct bh_error err;
    int rc = library_front_matter_parse((const char *)data, size, &out, &err);
    if (rc) {
        if (out || (strncmp(err.field, "line ", 5) != 0 && strcmp(err.field, "file") != 0))
            abort();
        return 0;
    }
    if (!json_is_object(out) || !json_is_string(json_object_get(out, "body")))
        abort();
    const char *key;
    json_t *v;
    json_object_foreach(out, key, v)
    {
        bool ok;
        if (strcmp(key, "tags") == 0 || strcmp(key, "links") == 0 || strcmp(key, "recipients") == 0)
            ok = json_is_object(v) || json_is_array(v);
        else if (strcmp(key, "sharing_group") == 0)
            ok = json_is_integer(v) && json_integer_value(v) > 0;
        else
            ok = json_is_string(v);
        if (!ok)
            abort();
    }
    json_decref(out);
    return 0;
}
