/* Unit tests for base/arena: alignment, contents across blocks, huge requests, printf and
 * reset. Run under ASan as well, which catches a block overrun or a leak on reset. */
#include "support.h"

#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN alignof(max_align_t)

static void assert_aligned(const void *p)
{
    uintptr_t addr = (uintptr_t)p;
    if (addr % ALIGN != 0)
        fail_msg("%p is not aligned to %zu", p, (size_t)ALIGN);
}

/* base/arena-alignment: every allocation, whatever the size before it, is aligned for any
 * object type. Odd sizes are the ones that would misalign the next pointer. */
static void base_arena_alignment(void **state)
{
    (void)state;
    struct arena *a = arena_new(64);
    for (size_t n = 0; n < 300; n++) {
        void *p = arena_alloc(a, n % 37 + (n % 5 == 0 ? 0 : 1));
        assert_aligned(p);
        /* The pointer must be usable for the widest types at that address. */
        if (n % 37 + (n % 5 == 0 ? 0 : 1) >= sizeof(long double))
            *(long double *)p = (long double)n;
    }
    assert_aligned(arena_strdup(a, "x"));
    assert_aligned(arena_calloc(a, 3, 7));
    assert_aligned(arena_printf(a, "%d", 1));
    assert_aligned(arena_alloc(a, 100000));
    assert_aligned(arena_alloc(a, 1));
    arena_free(a);
}

/* base/arena-many-blocks: thousands of allocations spread over many blocks keep their own
 * contents: no allocation overlaps another. */
static void base_arena_many_blocks(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct arena *a = arena_new(128);
    unsigned char **ptrs = calloc(N, sizeof *ptrs);
    size_t *sizes = calloc(N, sizeof *sizes);
    size_t total = 0;
    for (size_t i = 0; i < N; i++) {
        sizes[i] = 1 + (i * 7919) % 300;
        ptrs[i] = arena_alloc(a, sizes[i]);
        memset(ptrs[i], (int)(i & 0xff), sizes[i]);
        total += sizes[i];
    }
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < sizes[i]; j++)
            if (ptrs[i][j] != (unsigned char)(i & 0xff))
                fail_msg("allocation %zu byte %zu is 0x%02x, expected 0x%02x", i, j, ptrs[i][j],
                         (unsigned)(i & 0xff));
    }
    /* arena_used counts the bytes asked for. */
    assert_int_equal(arena_used(a), total);
    free(ptrs);
    free(sizes);
    arena_free(a);
}

/* base/arena-huge: a request larger than the block (and than twice the block) is served
 * whole, and the small allocations around it are untouched. */
static void base_arena_huge(void **state)
{
    (void)state;
    struct arena *a = arena_new(256);
    char *before = arena_strdup(a, "before the huge one");
    size_t huge = 3 * 1024 * 1024 + 17;
    unsigned char *big = arena_alloc(a, huge);
    assert_non_null(big);
    assert_aligned(big);
    memset(big, 0xab, huge);
    char *after = arena_strdup(a, "after the huge one");
    assert_string_equal(before, "before the huge one");
    assert_string_equal(after, "after the huge one");
    assert_int_equal(big[0], 0xab);
    assert_int_equal(big[huge - 1], 0xab);
    assert_int_equal(arena_used(a),
                     strlen("before the huge one") + 1 + huge + strlen("after the huge one") + 1);

    /* calloc of a huge count is zeroed, not left with the 0xab of another block. */
    unsigned char *z = arena_calloc(a, 1024, 1024);
    for (size_t i = 0; i < 1024 * 1024; i++)
        if (z[i] != 0)
            fail_msg("arena_calloc byte %zu is 0x%02x", i, z[i]);
    arena_free(a);
}

/* base/arena-printf */
static void base_arena_printf(void **state)
{
    (void)state;
    struct arena *a = arena_new(32);
    char *s = arena_printf(a, "%s-%d-%05.1f", "abc", 42, 3.14159);
    assert_string_equal(s, "abc-42-003.1");
    assert_int_equal(arena_used(a), strlen("abc-42-003.1") + 1);

    char *empty = arena_printf(a, "%s", "");
    assert_string_equal(empty, "");

    /* Longer than the 32-byte first block. */
    char longtext[5001];
    for (size_t i = 0; i < 5000; i++)
        longtext[i] = (char)('a' + i % 26);
    longtext[5000] = '\0';
    char *l = arena_printf(a, "<%s>", longtext);
    assert_int_equal(strlen(l), 5002);
    assert_int_equal(l[0], '<');
    assert_memory_equal(l + 1, longtext, 5000);
    assert_int_equal(l[5001], '>');
    assert_string_equal(s, "abc-42-003.1");

    assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(arena_strndup(a, "ab", 10), "ab");
    arena_free(a);
}

/* base/arena-reset: reset releases everything but the first block, which the next
 * allocation reuses; arena_used starts again from zero. */
static void base_arena_reset(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    assert_int_equal(arena_used(a), 0);
    void *first = arena_alloc(a, 100);
    assert_int_equal(arena_used(a), 100);
    for (int round = 0; round < 50; round++) {
        /* Push well past the first block so later blocks must be released. */
        for (int i = 0; i < 100; i++)
            memset(arena_alloc(a, 1000), round, 1000);
        assert_true(arena_used(a) >= 100000);
        arena_reset(a);
        assert_int_equal(arena_used(a), 0);
        void *again = arena_alloc(a, 100);
        if (again != first)
            fail_msg("round %d: after reset the first allocation is %p, expected %p (the first "
                     "block reused)",
                     round, again, first);
        assert_int_equal(arena_used(a), 100);
    }
    arena_reset(a);
    arena_reset(a);
    assert_int_equal(arena_used(a), 0);
    arena_free(a);
    arena_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/arena-alignment", base_arena_alignment),
        BH_TEST("base/arena-many-blocks", base_arena_many_blocks),
        BH_TEST("base/arena-huge", base_arena_huge),
        BH_TEST("base/arena-printf", base_arena_printf),
        BH_TEST("base/arena-reset", base_arena_reset),
    };
    return cmocka_run_group_tests_name("base/arena", tests, NULL, NULL);
}
