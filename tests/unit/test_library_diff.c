/* The library's line diff, pure: insertions, deletions, changes, empty sides, the trailing
 * newline, the bound past which a text is one replacement, and (against a plain LCS table on
 * many seeded random pairs) that the script is a shortest one and rebuilds both texts. The
 * diff of two stored versions is tested with the documents (test_library_workflow.c). */
#include "support.h"

#include "base/buf.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The script as one line: "=a -b +c" (ops and texts, separated by spaces). */
static char *script(const char *a, const char *b)
{
    json_t *d = library_diff_lines(a, b);
    assert_non_null(d);
    struct buf s = BUF_INIT;
    size_t i;
    json_t *item;
    json_array_foreach(d, i, item)
    {
        if (i)
            buf_putc(&s, ' ');
        buf_puts(&s, json_string_value(json_object_get(item, "op")));
        buf_puts(&s, json_string_value(json_object_get(item, "text")));
    }
    json_decref(d);
    return buf_steal(&s);
}

#define assert_script(a, b, want)          \
    do {                                   \
        char *got_ = script((a), (b));     \
        assert_string_equal(got_, (want)); \
        free(got_);                        \
    } while (0)

/* unit/library-diff-basic: the edits a reader expects, line by line. */
static void unit_library_diff_basic(void **state)
{
    (void)state;
    assert_script("a\nb\nc\n", "a\nb\nc\n", "=a =b =c");
    assert_script("a\nc\n", "a\nb\nc\n", "=a +b =c");       /* insertion */
    assert_script("a\nb\nc\n", "a\nc\n", "=a -b =c");       /* deletion */
    assert_script("a\nb\nc\n", "a\nB\nc\n", "=a -b +B =c"); /* change */
    assert_script("x\na\nb\n", "a\nb\ny\n", "-x =a =b +y"); /* both ends */
    assert_script("a\nb\nc\nd\n", "b\nc\nd\ne\n", "-a =b =c =d +e");
    /* Myers' paper's example: a shortest script has 5 edits and 4 kept lines (this one is
     * the shortest the search finds first; unit/library-diff-shortest checks the length). */
    assert_script("A\nB\nC\nA\nB\nB\nA", "C\nB\nA\nB\nA\nC", "-A +C =B -C =A =B -B =A +C");
}

/* unit/library-diff-edges: empty and missing sides, the trailing newline, blank lines. */
static void unit_library_diff_edges(void **state)
{
    (void)state;
    assert_script(NULL, NULL, "");
    assert_script("", "", "");
    assert_script(NULL, "a\nb", "+a +b");
    assert_script("a\nb\n", "", "-a -b");
    /* A trailing newline ends the last line and starts no empty one. */
    assert_script("a\n", "a", "=a");
    assert_script("a", "a\n\n", "=a +");
    assert_script("\n", "", "-");
    assert_script("a\n\nb", "a\nb", "=a - =b");
    /* Texts are kept whole, multi-byte characters and spaces included. */
    assert_script("  état ", "  état \nfin", "=  état  +fin");
}

/* unit/library-diff-bound: past LIBRARY_DIFF_MAX_LINES on either side, every line of the
 * old text is removed and every line of the new one added, in order, nothing lost. */
static void unit_library_diff_bound(void **state)
{
    (void)state;
    struct buf a = BUF_INIT, b = BUF_INIT;
    int na = LIBRARY_DIFF_MAX_LINES + 1;
    for (int i = 0; i < na; i++)
        buf_printf(&a, "line %d\n", i);
    buf_puts(&b, "line 0\nnew\n");
    json_t *d = library_diff_lines(buf_str(&a), buf_str(&b));
    assert_int_equal(json_array_size(d), (size_t)na + 2);
    for (int i = 0; i < na; i++) {
        json_t *item = json_array_get(d, (size_t)i);
        char want[32];
        snprintf(want, sizeof want, "line %d", i);
        assert_string_equal(json_string_value(json_object_get(item, "op")), "-");
        assert_string_equal(json_string_value(json_object_get(item, "text")), want);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, na), "text")),
                        "line 0");
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, na + 1), "op")), "+");
    json_decref(d);

    /* At the bound exactly, the diff is still the shortest: one line inserted. */
    struct buf c = BUF_INIT, e = BUF_INIT;
    for (int i = 0; i < LIBRARY_DIFF_MAX_LINES - 1; i++)
        buf_printf(&c, "l%d\n", i);
    buf_printf(&e, "%slast\n", buf_str(&c));
    d = library_diff_lines(buf_str(&c), buf_str(&e));
    assert_int_equal(json_array_size(d), LIBRARY_DIFF_MAX_LINES);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(d, LIBRARY_DIFF_MAX_LINES - 1), "op")),
        "+");
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "op")), "=");
    json_decref(d);
    buf_cleanup(&a);
    buf_cleanup(&b);
    buf_cleanup(&c);
    buf_cleanup(&e);
}

/* The length of the longest common subsequence of a[0..n) and b[0..m), by the table. */
static int lcs(const char *a, int n, const char *b, int m)
{
    int *t = calloc((size_t)(n + 1) * (size_t)(m + 1), sizeof *t);
    for (int i = n - 1; i >= 0; i--)
        for (int j = m - 1; j >= 0; j--)
            t[i * (m + 1) + j] = a[i] == b[j] ? 1 + t[(i + 1) * (m + 1) + j + 1]
                                 : t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
                                     ? t[(i + 1) * (m + 1) + j]
                                     : t[i * (m + 1) + j + 1];
    int r = t[0];
    free(t);
    return r;
}

/* One line a character: "abca" is "a\nb\nc\na\n". */
static void as_lines(const char *s, int n, struct buf *out)
{
    for (int i = 0; i < n; i++) {
        buf_putc(out, s[i]);
        buf_putc(out, '\n');
    }
}

/* unit/library-diff-shortest: on 2000 seeded random pairs over a small alphabet (so lines
 * repeat and many scripts exist), the "=" and "-" lines rebuild the old text, the "=" and "+"
 * lines the new one, and the kept lines are as many as the longest common subsequence: no
 * shorter script exists. */
static void unit_library_diff_shortest(void **state)
{
    (void)state;
    unsigned seed = 16;
    for (int round = 0; round < 2000; round++) {
        char a[40], b[40];
        int n = (int)(rand_r(&seed) % 40), m = (int)(rand_r(&seed) % 40);
        int alphabet = 2 + (int)(rand_r(&seed) % 4);
        for (int i = 0; i < n; i++)
            a[i] = (char)('a' + rand_r(&seed) % (unsigned)alphabet);
        for (int j = 0; j < m; j++)
            b[j] = (char)('a' + rand_r(&seed) % (unsigned)alphabet);
        struct buf la = BUF_INIT, lb = BUF_INIT;
        as_lines(a, n, &la);
        as_lines(b, m, &lb);
        json_t *d = library_diff_lines(buf_str(&la), buf_str(&lb));
        char ra[40], rb[40];
        int na = 0, nb = 0, kept = 0;
        size_t i;
        json_t *item;
        json_array_foreach(d, i, item)
        {
            const char *op = json_string_value(json_object_get(item, "op"));
            const char *text = json_string_value(json_object_get(item, "text"));
            assert_int_equal(strlen(text), 1);
            if (op[0] != '+') {
                assert_true(na < n);
                ra[na++] = text[0];
            }
            if (op[0] != '-') {
                assert_true(nb < m);
                rb[nb++] = text[0];
            }
            kept += op[0] == '=';
        }
        assert_int_equal(na, n);
        assert_int_equal(nb, m);
        assert_memory_equal(ra, a, (size_t)n);
        assert_memory_equal(rb, b, (size_t)m);
        if (kept != lcs(a, n, b, m))
            fail_msg("round %d: %d lines kept, the longest common subsequence has %d", round, kept,
                     lcs(a, n, b, m));
        json_decref(d);
        buf_cleanup(&la);
        buf_cleanup(&lb);
    }
}

/* unit/library-diff-large: two long texts with scattered changes are diffed quickly into
 * the few edits they hold (the linear-space search, not a table of N×M), and a text rewritten
 * whole is no search at all. */
static void unit_library_diff_large(void **state)
{
    (void)state;
    struct buf a = BUF_INIT, b = BUF_INIT;
    for (int i = 0; i < 15000; i++) {
        buf_printf(&a, "paragraph %d\n", i);
        if (i % 1000 == 500)
            buf_printf(&b, "changed %d\n", i);
        else
            buf_printf(&b, "paragraph %d\n", i);
    }
    json_t *d = library_diff_lines(buf_str(&a), buf_str(&b));
    int minus = 0, plus = 0;
    size_t i;
    json_t *item;
    json_array_foreach(d, i, item)
    {
        const char *op = json_string_value(json_object_get(item, "op"));
        minus += op[0] == '-';
        plus += op[0] == '+';
    }
    assert_int_equal(minus, 15);
    assert_int_equal(plus, 15);
    assert_int_equal(json_array_size(d), 15015);
    json_decref(d);
    buf_cleanup(&a);
    buf_cleanup(&b);

    /* Rewritten whole, at the bound: every old line removed, then every new one added. */
    struct buf c = BUF_INIT, e = BUF_INIT;
    for (int k = 0; k < LIBRARY_DIFF_MAX_LINES; k++) {
        buf_printf(&c, "old %d\n", k);
        buf_printf(&e, "new %d\n", k);
    }
    d = library_diff_lines(buf_str(&c), buf_str(&e));
    assert_int_equal(json_array_size(d), 2 * LIBRARY_DIFF_MAX_LINES);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "text")), "old 0");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(d, LIBRARY_DIFF_MAX_LINES), "text")),
        "new 0");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(d, LIBRARY_DIFF_MAX_LINES), "op")), "+");
    json_decref(d);
    buf_cleanup(&c);
    buf_cleanup(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-diff-basic", unit_library_diff_basic),
        BH_TEST("unit/library-diff-edges", unit_library_diff_edges),
        BH_TEST("unit/library-diff-bound", unit_library_diff_bound),
        BH_TEST("unit/library-diff-shortest", unit_library_diff_shortest),
        BH_TEST("unit/library-diff-large", unit_library_diff_large),
    };
    return cmocka_run_group_tests_name("unit/library-diff", tests, NULL, NULL);
}
