/* The guard of expensive routes (src/http/guard.c), driven by the test's own clock: a bucket
 * per address that holds `burst` requests and refills at the rate per minute, with the wait
 * it names; addresses that do not share a bucket; no rate at 0; and the running slots. */
#include "support.h"

#include "http/guard.h"

/* guard/burst-then-wait: 3 requests pass at once, the 4th waits the whole seconds until the
 * next token (60 a minute: 1 s), and passes once that time has gone by on the clock. */
static void guard_burst_then_wait(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(60, 3, 0);
    int64_t t = 1000000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(http_guard_rate(g, "192.0.2.1", t), 0);
    assert_int_equal(http_guard_rate(g, "192.0.2.1", t), 1);
    assert_int_equal(http_guard_rate(g, "192.0.2.1", t + 500), 1);
    assert_int_equal(http_guard_rate(g, "192.0.2.1", t + 1000), 0);
    assert_int_equal(http_guard_rate(g, "192.0.2.1", t + 1000), 1);
    http_guard_free(g);
}

/* guard/slow-rate-wait: at 6 a minute a token takes 10 s, and the wait says so. */
static void guard_slow_rate_wait(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(6, 1, 0);
    assert_int_equal(http_guard_rate(g, "2001:db8::1", 5000), 0);
    assert_int_equal(http_guard_rate(g, "2001:db8::1", 5000), 10);
    assert_int_equal(http_guard_rate(g, "2001:db8::1", 9000), 6);
    assert_int_equal(http_guard_rate(g, "2001:db8::1", 15000), 0);
    http_guard_free(g);
}

/* guard/per-address: one address spending its bucket leaves another's whole; the bucket
 * refills to the burst and no further. */
static void guard_per_address(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(60, 2, 0);
    assert_int_equal(http_guard_rate(g, "198.51.100.7", 1000), 0);
    assert_int_equal(http_guard_rate(g, "198.51.100.7", 1000), 0);
    assert_true(http_guard_rate(g, "198.51.100.7", 1000) > 0);
    assert_int_equal(http_guard_rate(g, "198.51.100.8", 1000), 0);
    /* An hour later the bucket holds 2 again, not 3,600. */
    int64_t later = 1000 + 3600 * 1000;
    assert_int_equal(http_guard_rate(g, "198.51.100.7", later), 0);
    assert_int_equal(http_guard_rate(g, "198.51.100.7", later), 0);
    assert_true(http_guard_rate(g, "198.51.100.7", later) > 0);
    http_guard_free(g);
}

/* guard/many-addresses: more addresses than the table holds: each new one starts with a full
 * bucket, and a recent one keeps its spent bucket. */
static void guard_many_addresses(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(60, 1, 0);
    char addr[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        assert_int_equal(http_guard_rate(g, addr, 1000 + i / 100), 0);
    }
    assert_true(http_guard_rate(g, addr, 1000 + 20000 / 100) > 0);
    http_guard_free(g);
}

/* guard/no-rate: 0 a minute lets everything through. */
static void guard_no_rate(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(0, 1, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(http_guard_rate(g, "192.0.2.9", 1000), 0);
    http_guard_free(g);
}

/* guard/slots: two running slots: the third is refused until one leaves. */
static void guard_slots(void **state)
{
    (void)state;
    struct http_guard *g = http_guard_new(0, 1, 2);
    assert_true(http_guard_enter(g));
    assert_true(http_guard_enter(g));
    assert_false(http_guard_enter(g));
    http_guard_leave(g);
    assert_true(http_guard_enter(g));
    assert_false(http_guard_enter(g));
    http_guard_leave(g);
    http_guard_leave(g);
    http_guard_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("guard/burst-then-wait", guard_burst_then_wait),
        BH_TEST("guard/slow-rate-wait", guard_slow_rate_wait),
        BH_TEST("guard/per-address", guard_per_address),
        BH_TEST("guard/many-addresses", guard_many_addresses),
        BH_TEST("guard/no-rate", guard_no_rate),
        BH_TEST("guard/slots", guard_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
