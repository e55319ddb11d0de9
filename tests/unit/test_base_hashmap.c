/* Unit tests for base/hashmap: lookups of present and absent keys, slot collisions, growth,
 * length-delimited keys, interning, iteration and the fingerprint arithmetic that stored keys
 * depend on. */
#include "support.h"

#include "base/hashmap.h"

#include <stdio.h>
#include <string.h>

struct val {
    int64_t n;
    long line;
};

/* base/hashmap-absent: an empty map, and a map without the key, answer NULL; a put of a new
 * key says so and gives a zeroed value. */
static void base_hashmap_absent(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, sizeof(struct val), 0);
    assert_null(hashmap_get(&m, "x"));
    assert_null(hashmap_get(&m, ""));
    bool added = false;
    struct val *v = hashmap_put(&m, "x", &added);
    assert_true(added);
    assert_int_equal(v->n, 0);
    assert_int_equal(v->line, 0);
    v->n = 42;
    assert_null(hashmap_get(&m, "y"));
    assert_null(hashmap_get(&m, "xx"));
    v = hashmap_put(&m, "x", &added);
    assert_false(added);
    assert_int_equal(v->n, 42);
    assert_int_equal(m.count, 1);
    hashmap_cleanup(&m);
    assert_null(m.slots);
}

/* base/hashmap-collisions: keys that land on the same first slot are all found, each with
 * its own value, by linear probing. */
static void base_hashmap_collisions(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, sizeof(int64_t), 0);
    size_t cap = m.cap;
    /* Keys whose hash starts at slot 3 of the table as it is now. */
    char keys[8][16];
    int found = 0;
    for (int i = 0; found < 8 && i < 100000; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        if ((hash_bytes(k, strlen(k)) & (cap - 1)) == 3)
            snprintf(keys[found++], sizeof keys[0], "%s", k);
    }
    assert_int_equal(found, 8);
    for (int i = 0; i < 8; i++)
        *(int64_t *)hashmap_put(&m, keys[i], NULL) = 100 + i;
    assert_int_equal(m.cap, cap); /* 8 of 16: no growth, so they all probed from slot 3 */
    for (int i = 0; i < 8; i++) {
        int64_t *v = hashmap_get(&m, keys[i]);
        assert_non_null(v);
        assert_int_equal(*v, 100 + i);
        assert_string_equal(hashmap_key(&m, v), keys[i]);
    }
    assert_null(hashmap_get(&m, "k-absent"));
    hashmap_cleanup(&m);
}

/* base/hashmap-growth: a hundred thousand keys into a map sized for none; the table doubles
 * and stays under 70% full, every value survives the moves, and absent keys stay absent. */
static void base_hashmap_growth(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, sizeof(struct val), 0);
    enum { N = 100000 };
    char k[32];
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        struct val *v = hashmap_put(&m, k, NULL);
        v->n = i;
        v->line = -i;
        assert_true(m.count * 10 <= m.cap * 7);
    }
    assert_int_equal(m.count, N);
    assert_int_equal(m.cap & (m.cap - 1), 0);
    assert_true(m.cap >= N * 10 / 7);
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        struct val *v = hashmap_get(&m, k);
        assert_non_null(v);
        assert_int_equal(v->n, i);
        assert_int_equal(v->line, -i);
    }
    for (int i = N; i < N + 1000; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        assert_null(hashmap_get(&m, k));
    }
    size_t at = 0, seen = 0;
    int64_t sum = 0;
    for (struct val *v; (v = hashmap_next(&m, &at));) {
        seen++;
        sum += v->n;
        assert_int_equal(strncmp(hashmap_key(&m, v), "key-", 4), 0);
    }
    assert_int_equal(seen, N);
    assert_int_equal(sum, (int64_t)N * (N - 1) / 2);
    hashmap_cleanup(&m);
}

/* base/hashmap-presized: a map initialized for its key count never grows while it fills. */
static void base_hashmap_presized(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, 0, 5000);
    size_t cap = m.cap;
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof k, "%d", i);
        hashmap_put(&m, k, NULL);
    }
    assert_int_equal(m.cap, cap);
    assert_int_equal(m.count, 5000);
    hashmap_cleanup(&m);
}

/* base/hashmap-lengths: a key is its bytes up to `len`, not up to a NUL: "ab" within "abc"
 * is "ab", "a" and "ab" are different keys, and "" is a key like any other. */
static void base_hashmap_lengths(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, sizeof(int), 4);
    *(int *)hashmap_putn(&m, "abc", 2, NULL) = 1;
    *(int *)hashmap_put(&m, "a", NULL) = 2;
    *(int *)hashmap_put(&m, "", NULL) = 3;
    assert_int_equal(*(int *)hashmap_get(&m, "ab"), 1);
    assert_int_equal(*(int *)hashmap_getn(&m, "abz", 2), 1);
    assert_int_equal(*(int *)hashmap_get(&m, "a"), 2);
    assert_int_equal(*(int *)hashmap_get(&m, ""), 3);
    assert_null(hashmap_get(&m, "abc"));
    assert_string_equal(hashmap_key(&m, hashmap_get(&m, "ab")), "ab");
    hashmap_cleanup(&m);
}

/* base/hashmap-intern: interning gives one copy per text, alive after the caller's buffer
 * changes; hashmap_strdup copies into the same storage. */
static void base_hashmap_intern(void **state)
{
    (void)state;
    struct hashmap m;
    hashmap_init(&m, 0, 0);
    char text[16] = "Kenya";
    const char *a = hashmap_intern(&m, text);
    strcpy(text, "Ghana");
    const char *b = hashmap_intern(&m, text);
    assert_string_equal(a, "Kenya");
    assert_string_equal(b, "Ghana");
    assert_ptr_equal(hashmap_intern(&m, "Kenya"), a);
    char *c = hashmap_strdup(&m, "copy");
    assert_string_equal(c, "copy");
    assert_int_equal(m.count, 2);
    hashmap_cleanup(&m);
}

/* base/hashmap-fingerprint: the chain separates fields and NULL from "", and its values are
 * fixed (the incident import stores keys made from them). */
static void base_hashmap_fingerprint(void **state)
{
    (void)state;
    uint64_t ab_c = hash_chain_str(hash_chain_str(HASH_SEED, "ab"), "c");
    uint64_t a_bc = hash_chain_str(hash_chain_str(HASH_SEED, "a"), "bc");
    assert_true(ab_c != a_bc);
    assert_true(hash_chain_str(HASH_SEED, NULL) != hash_chain_str(HASH_SEED, ""));
    assert_true(hash_chain_int(HASH_SEED, 1) != hash_chain_int(HASH_SEED, 2));
    /* Values computed by the code this replaced; a change would re-key every imported record
     * that had no id. */
    assert_int_equal(hash_bytes("", 0), hash_mix64(HASH_SEED));
    char hex[32];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)hash_mix64(ab_c));
    assert_string_equal(hex, "c9fa8737f6c3e68d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/hashmap-absent", base_hashmap_absent),
        BH_TEST("base/hashmap-collisions", base_hashmap_collisions),
        BH_TEST("base/hashmap-growth", base_hashmap_growth),
        BH_TEST("base/hashmap-presized", base_hashmap_presized),
        BH_TEST("base/hashmap-lengths", base_hashmap_lengths),
        BH_TEST("base/hashmap-intern", base_hashmap_intern),
        BH_TEST("base/hashmap-fingerprint", base_hashmap_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
