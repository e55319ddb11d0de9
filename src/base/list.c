#include "base/list.h"

#include <string.h>

bool list_next(const char **p, const char **item, size_t *len)
{
    const char *s = *p;
    if (!s)
        return false;
    const char *comma = strchr(s, ',');
    const char *end = comma ? comma : s + strlen(s);
    while (s < end && *s == ' ')
        s++;
    while (end > s && end[-1] == ' ')
        end--;
    *item = s;
    *len = (size_t)(end - s);
    *p = comma ? comma + 1 : NULL;
    return true;
}
