#ifndef BH_HTTP_ENCODING_H
#define BH_HTTP_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Content coding for slow links: gzip for clients that take it. */

/* Whether an Accept-Encoding value accepts gzip: a "gzip" or "*" entry whose q is not 0.
 * "gzip;q=0" is a refusal, and so is "*;q=0" when gzip is not named. */
bool http_accepts_gzip(const char *accept_encoding);

/* Whether replies of this media type are worth compressing (text: JSON, CSV, GeoJSON, HTML,
 * CSS, JavaScript). Parameters such as "; charset=utf-8" are ignored. */
bool http_compressible(const char *content_type);

/* `len` bytes of `data` gzip-compressed into the arena; false when zlib fails (the caller
 * then sends the bytes as they are). */
bool http_gzip(struct arena *a, const void *data, size_t len, char **out, size_t *out_len);

#endif
