/* libFuzzer target: the parts of a meeting's body that the meeting module reads itself
 * (meeting/meeting.c): the online address (http or https only) and the agenda. Each input is
 * tried as an address and, when it is JSON, as an agenda; an accepted address must start with
 * http:// or https:// and hold no space, and an accepted agenda must come back as as many
 * items, each with a non-empty title. Run by tests/fuzz/run.sh. */
#include "meeting/meeting.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (meeting_url_ok(text) &&
        ((strncasecmp(text, "http://", 7) != 0 && strncasecmp(text, "https://", 8) != 0) ||
         strchr(text, ' ')))
        abort();
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
    if (j) {
        struct bh_error err;
        json_t *out = NULL;
        if (meeting_agenda_read(j, &out, &err) == 0) {
            if (json_array_size(out) != json_array_size(j))
                abort();
            size_t i;
            json_t *it;
            json_array_foreach(out, i, it)
            {
                const char *title = json_string_value(json_object_get(it, "title"));
                if (!title || !*title)
                    abort();
            }
            json_decref(out);
        }
        json_decref(j);
    }
    free(text);
    return 0;
}
