#include "http/page.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_PREFIX "v1:"

int page_from_request(struct http_request *req, struct page *out, struct bh_error *err)
{
    out->limit = PAGE_DEFAULT_LIMIT;
    out->after[0] = '\0';
    const char *limit = http_request_query(req, "limit");
    if (limit) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || n > PAGE_MAX_LIMIT)
            return bh_fail(err, BH_EINVALID, "limit", "limit '%.40s' must be a number from 1 to %d",
                           limit, PAGE_MAX_LIMIT);
        out->limit = (int)n;
    }
    const char *cursor = http_request_query(req, "cursor");
    if (cursor && *cursor) {
        unsigned char raw[PAGE_KEY_MAX + 8];
        size_t len = 0;
        if (sodium_base642bin(raw, sizeof raw - 1, cursor, strlen(cursor), NULL, &len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            len < strlen(CURSOR_PREFIX) || memcmp(raw, CURSOR_PREFIX, strlen(CURSOR_PREFIX)) != 0)
            return bh_fail(err, BH_EINVALID, "cursor",
                           "cursor '%.40s' is not one this server issued; start again without it",
                           cursor);
        raw[len] = '\0';
        const char *key = (const char *)raw + strlen(CURSOR_PREFIX);
        if (strlen(key) != len - strlen(CURSOR_PREFIX) || strlen(key) >= PAGE_KEY_MAX)
            return bh_fail(err, BH_EINVALID, "cursor", "cursor '%.40s' is damaged", cursor);
        snprintf(out->after, sizeof out->after, "%s", key);
    }
    return 0;
}

const char *page_cursor(struct http_request *req, const char *key)
{
    char raw[PAGE_KEY_MAX + 8];
    int n = snprintf(raw, sizeof raw, CURSOR_PREFIX "%s", key);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(req->arena, cap);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

void page_reply(struct http_request *req, struct http_reply *rep, json_t *items,
                const char *next_key, long long total)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "items", items);
    json_object_set_new(obj, "next",
                        next_key ? json_string(page_cursor(req, next_key)) : json_null());
    if (total >= 0)
        json_object_set_new(obj, "total", json_integer(total));
    http_reply_json(req, rep, 200, obj);
}
