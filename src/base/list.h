#ifndef BH_BASE_LIST_H
#define BH_BASE_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* Comma-separated values as the API's query parameters and the CLI's options take them
 * ("MINUSMA, MINUSCA"): one tokenizer for every filter, so that spaces, empty items and the
 * last item are read the same way everywhere. */

/* Takes the next item of a comma-separated value. Start with `*p` at the value; on return
 * `*item` and `*len` are the item without its surrounding spaces (len 0 for an empty item,
 * which the caller refuses in its own words) and `*p` points past it, NULL after the last
 * item. Returns false when no item is left (`*p` NULL). */
bool list_next(const char **p, const char **item, size_t *len);

#endif
