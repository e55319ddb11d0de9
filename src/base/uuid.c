#include "base/uuid.h"

#include "base/timeutil.h"

#include <sodium.h>
#include <string.h>

void uuid_v7_from(struct uuid *out, int64_t unix_ms, const uint8_t random10[10])
{
    uint64_t t = (uint64_t)unix_ms;
    for (int i = 0; i < 6; i++)
        out->b[i] = (uint8_t)(t >> (40 - 8 * i));
    memcpy(out->b + 6, random10, 10);
    out->b[6] = (uint8_t)(0x70 | (out->b[6] & 0x0f)); /* version 7 */
    out->b[8] = (uint8_t)(0x80 | (out->b[8] & 0x3f)); /* variant 10 */
}

void uuid_v7(struct uuid *out)
{
    /* Per thread, so threads never contend; two threads in the same ms still differ by
     * their 62 random bits. */
    static _Thread_local int64_t last_ms = -1;
    static _Thread_local uint16_t counter;
    uint8_t rnd[10];
    randombytes_buf(rnd, sizeof rnd);
    int64_t now = time_now_ms();
    if (now <= last_ms) {
        /* Same millisecond (or the clock stepped back): count up from the last value so
         * the order holds; on overflow borrow the next millisecond. */
        now = last_ms;
        if (++counter > 0x0fff) {
            now++;
            counter = (uint16_t)(rnd[0] & 0x07);
        }
    } else {
        /* Seed in the lower half so a burst has room to count. */
        counter = (uint16_t)(((rnd[0] << 8) | rnd[1]) & 0x07ff);
    }
    last_ms = now;
    rnd[0] = (uint8_t)(counter >> 8);
    rnd[1] = (uint8_t)(counter & 0xff);
    uuid_v7_from(out, now, rnd);
}

void uuid_format(const struct uuid *u, char out[UUID_STR_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 0x0f];
    }
    out[o] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int uuid_parse(const char *s, struct uuid *out, struct bh_error *err)
{
    if (strlen(s) != UUID_STR_LEN)
        return bh_fail(err, BH_EINVALID, NULL, "'%.60s' is not a UUID (36 characters expected)", s);
    int j = 0;
    for (int i = 0; i < UUID_STR_LEN;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return bh_fail(err, BH_EINVALID, NULL, "'%s' is not a UUID (dash expected at %d)",
                               s, i + 1);
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return bh_fail(err, BH_EINVALID, NULL, "'%s' is not a UUID (bad hex digit)", s);
        out->b[j++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

int uuid_version(const struct uuid *u)
{
    return u->b[6] >> 4;
}

int64_t uuid_v7_time_ms(const struct uuid *u)
{
    uint64_t t = 0;
    for (int i = 0; i < 6; i++)
        t = t << 8 | u->b[i];
    return (int64_t)t;
}
