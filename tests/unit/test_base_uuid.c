/* Unit tests for base/uuid: UUIDv7 layout (RFC 9562), text form, parsing and ordering. */
#include "support.h"

#include "base/timeutil.h"
#include "base/uuid.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void assert_v7_layout(const struct uuid *u)
{
    assert_int_equal(uuid_version(u), 7);
    assert_int_equal(u->b[6] >> 4, 7);
    /* Variant 10xx: RFC 9562 §4.1. */
    assert_int_equal(u->b[8] & 0xc0, 0x80);
}

static void assert_canonical(const char *s)
{
    assert_int_equal(strlen(s), UUID_STR_LEN);
    for (int i = 0; i < UUID_STR_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            assert_int_equal(s[i], '-');
        } else if (!strchr("0123456789abcdef", s[i]) || s[i] == '\0') {
            fail_msg("'%s': character %d ('%c') is not lowercase hex", s, i, s[i]);
        }
    }
    assert_int_equal(s[14], '7');
    assert_non_null(strchr("89ab", s[19]));
}

/* base/uuid-v7-from-known: RFC 9562 Appendix A.6's example, and the extremes. */
static void base_uuid_v7_from_known(void **state)
{
    (void)state;
    struct uuid u;
    char s[UUID_STR_LEN + 1];
    /* Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00 = 0x017F22E279B0 ms. */
    const uint8_t rfc_random[10] = { 0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f };
    uuid_v7_from(&u, 1645557742000LL, rfc_random);
    uuid_format(&u, s);
    assert_string_equal(s, "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
    assert_int_equal(uuid_v7_time_ms(&u), 1645557742000LL);
    assert_v7_layout(&u);

    const uint8_t zeros[10] = { 0 };
    uuid_v7_from(&u, 0, zeros);
    uuid_format(&u, s);
    assert_string_equal(s, "00000000-0000-7000-8000-000000000000");
    assert_int_equal(uuid_v7_time_ms(&u), 0);

    uint8_t ones[10];
    memset(ones, 0xff, sizeof ones);
    uuid_v7_from(&u, 0xffffffffffffLL, ones);
    uuid_format(&u, s);
    assert_string_equal(s, "ffffffff-ffff-7fff-bfff-ffffffffffff");
    assert_int_equal(uuid_v7_time_ms(&u), 0xffffffffffffLL);

    /* The time is big-endian in the first six bytes. */
    uuid_v7_from(&u, 1717230600000LL, zeros);
    uuid_format(&u, s);
    assert_string_equal(s, "018fd2eb-7f40-7000-8000-000000000000");
}

/* base/uuid-v7-layout: generated ids are version 7, variant 10, canonical lowercase. */
static void base_uuid_v7_layout(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        struct uuid u;
        char s[UUID_STR_LEN + 1];
        memset(s, 'X', sizeof s);
        uuid_v7(&u);
        assert_v7_layout(&u);
        uuid_format(&u, s);
        assert_int_equal(s[UUID_STR_LEN], '\0');
        assert_canonical(s);
    }
}

/* base/uuid-v7-time: the embedded time is the wall clock's. */
static void base_uuid_v7_time(void **state)
{
    (void)state;
    int64_t before = time_now_ms();
    struct uuid u;
    uuid_v7(&u);
    int64_t after = time_now_ms();
    int64_t t = uuid_v7_time_ms(&u);
    /* A burst in the same millisecond may borrow the next one or two; allow a few ms. */
    if (t < before || t > after + 5)
        fail_msg("uuid time %lld is outside [%lld, %lld + 5]", (long long)t, (long long)before,
                 (long long)after);
}

/* base/uuid-v7-monotonic: 10,000 ids made in a tight loop (most of them within the same
 * millisecond) strictly increase in byte order, and so in text order too; strictly
 * increasing also means no two are equal. */
static void base_uuid_v7_monotonic(void **state)
{
    (void)state;
    enum { N = 10000 };
    struct uuid *ids = malloc(N * sizeof *ids);
    for (int i = 0; i < N; i++)
        uuid_v7(&ids[i]);
    char prev[UUID_STR_LEN + 1], cur[UUID_STR_LEN + 1];
    uuid_format(&ids[0], prev);
    for (int i = 1; i < N; i++) {
        uuid_format(&ids[i], cur);
        if (memcmp(ids[i - 1].b, ids[i].b, 16) >= 0)
            fail_msg("id %d %s is not after id %d %s", i, cur, i - 1, prev);
        assert_true(strcmp(prev, cur) < 0);
        assert_v7_layout(&ids[i]);
        memcpy(prev, cur, sizeof prev);
    }
    /* The clock must not have been pushed far ahead by counter overflow. */
    int64_t now = time_now_ms();
    assert_true(uuid_v7_time_ms(&ids[N - 1]) <= now + 50);
    assert_true(uuid_v7_time_ms(&ids[0]) >= now - 60000);
    free(ids);
}

/* base/uuid-parse-roundtrip */
static void base_uuid_parse_roundtrip(void **state)
{
    (void)state;
    struct bh_error err;
    for (int i = 0; i < 200; i++) {
        struct uuid u, back;
        char s[UUID_STR_LEN + 1], again[UUID_STR_LEN + 1];
        uuid_v7(&u);
        uuid_format(&u, s);
        assert_int_equal(uuid_parse(s, &back, &err), 0);
        assert_memory_equal(u.b, back.b, 16);
        /* Upper case is accepted and formats back lower case. */
        for (int k = 0; s[k]; k++)
            s[k] = (char)toupper((unsigned char)s[k]);
        assert_int_equal(uuid_parse(s, &back, &err), 0);
        assert_memory_equal(u.b, back.b, 16);
        uuid_format(&back, again);
        for (int k = 0; s[k]; k++)
            s[k] = (char)tolower((unsigned char)s[k]);
        assert_string_equal(again, s);
    }
    struct uuid u;
    assert_int_equal(uuid_parse("017F22E2-79B0-7cc3-98C4-dc0c0c07398f", &u, NULL), 0);
    assert_int_equal(uuid_v7_time_ms(&u), 1645557742000LL);
    assert_int_equal(u.b[15], 0x8f);
}

/* base/uuid-parse-rejects */
static void base_uuid_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398",   /* 35 characters */
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0", /* 37 characters */
        "017f22e279b07cc398c4dc0c0c07398f",      /* no dashes */
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f ",
        "017f22e2_79b0-7cc3-98c4-dc0c0c07398f", /* bad dash */
        "017f22e2-79b0-7cc3-98c4_dc0c0c07398f",
        "017f22e-279b0-7cc3-98c4-dc0c0c07398f", /* dash one early */
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398g", /* non-hex */
        "g17f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "017f22e2-79b0-7cc3-98c4-dc0c0c0 398f",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398\xc3",
        "{17f22e2-79b0-7cc3-98c4-dc0c0c07398}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct uuid u;
        struct bh_error err;
        bh_error_clear(&err);
        if (uuid_parse(bad[i], &u, &err) != BH_EINVALID)
            fail_msg("'%s' accepted as a UUID", bad[i]);
        assert_int_equal(err.code, BH_EINVALID);
        assert_non_null(strstr(err.message, "not a UUID"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/uuid-v7-from-known", base_uuid_v7_from_known),
        BH_TEST("base/uuid-v7-time", base_uuid_v7_time),
        BH_TEST("base/uuid-v7-layout", base_uuid_v7_layout),
        BH_TEST("base/uuid-v7-monotonic", base_uuid_v7_monotonic),
        BH_TEST("base/uuid-parse-roundtrip", base_uuid_parse_roundtrip),
        BH_TEST("base/uuid-parse-rejects", base_uuid_parse_rejects),
    };
    return cmocka_run_group_tests_name("base/uuid", tests, NULL, NULL);
}
