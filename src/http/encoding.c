/* gzip content coding. A list of 500 incidents is about half a megabyte of JSON and a tenth of
 * that compressed: on a satellite link that is the difference between a map that loads and
 * one that times out. */
#include "http/encoding.h"

#include <string.h>
#include <strings.h>
#include <zlib.h>

bool http_accepts_gzip(const char *value)
{
    bool star = false;
    const char *p = value;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t toklen = (size_t)(p - tok);
        /* Parameters up to the next comma: only q matters. */
        bool zero = false;
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *q = p;
        while ((q = strchr(q, ';')) && q < end) {
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
                const char *v = q + 2;
                zero = v[0] == '0';
                for (const char *d = v + 1; zero && d < end && *d != ' ' && *d != ';'; d++)
                    zero = *d == '0' || *d == '.';
            }
        }
        if (toklen == 4 && strncasecmp(tok, "gzip", 4) == 0)
            return !zero;
        if (toklen == 1 && tok[0] == '*')
            star = !zero;
        p = end;
    }
    return star;
}

bool http_compressible(const char *type)
{
    static const char *const types[] = {
        "application/json",
        "application/problem+json",
        "application/geo+json",
        "text/csv",
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
    };
    if (!type)
        return false;
    size_t len = strcspn(type, "; \t");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]) == len && strncasecmp(type, types[i], len) == 0)
            return true;
    return false;
}

bool http_gzip(struct arena *a, const void *data, size_t len, char **out, size_t *out_len)
{
    if (len > 0x7fffffffu) /* zlib counts in 32 bits; no reply of ours comes near */
        return false;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip wrapper rather than zlib's own; level 6 is zlib's default balance, a
     * few milliseconds for a large page. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    uLong cap = deflateBound(&z, (uLong)len);
    char *buf = arena_alloc(a, cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return false;
    *out = buf;
    *out_len = n;
    return true;
}
