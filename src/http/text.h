#ifndef BH_HTTP_TEXT_H
#define BH_HTTP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Request text that may end up in a reply. JSON, the logs and every store column are UTF-8,
 * and jansson refuses anything else; so the server refuses a request whose method, path or
 * query is not well-formed UTF-8 before any of it is used, and text quoted from elsewhere in
 * a request (a header) is cleaned before it is echoed. */

/* Where the `len` bytes at `s` stop being well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF) or hold a control character (C0, DEL, C1; NUL
 * included): the offset of the first bad byte, or `len` when there is none. */
size_t http_text_check(const char *s, size_t len);

/* Whether http_text_check finds nothing wrong. */
bool http_text_valid(const char *s, size_t len);

/* A copy of `s` in the arena in which every byte that is not part of well-formed UTF-8 (and,
 * when `controls`, every control character) is replaced by U+FFFD, so the result can always
 * go into JSON and never carries the bad bytes themselves. Returns `s` itself when there is
 * nothing to replace. NULL gives NULL. */
const char *http_text_clean(struct arena *a, const char *s, bool controls);

#endif
