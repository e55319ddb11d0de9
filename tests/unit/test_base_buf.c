/* Unit tests for base/buf: growth, printf, JSON escaping and ownership transfer. */
#include "support.h"

#include "base/buf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The invariants every operation must keep: data is a NUL-terminated string of len bytes
 * inside a capacity of cap. */
static void assert_buf_ok(const struct buf *b)
{
    assert_non_null(b->data);
    assert_true(b->cap > b->len);
    assert_int_equal(b->data[b->len], '\0');
}

/* base/buf-empty: a fresh buffer reads as "" without allocating. */
static void base_buf_empty(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(b.len, 0);
    buf_cleanup(&b);

    struct buf c;
    buf_init(&c);
    assert_string_equal(buf_str(&c), "");
    buf_append(&c, "", 0);
    assert_buf_ok(&c);
    assert_string_equal(buf_str(&c), "");
    buf_cleanup(&c);
    assert_null(c.data);
}

/* base/buf-empty-printf: a printf that produces nothing on a fresh buffer, and a bare
 * reserve, still leave a valid empty string (the header promises NUL termination). */
static void base_buf_empty_printf(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s", "");
    assert_buf_ok(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    buf_cleanup(&b);

    struct buf r = BUF_INIT;
    buf_reserve(&r, 1000);
    assert_true(r.cap >= 1001);
    assert_buf_ok(&r);
    assert_string_equal(buf_str(&r), "");
    buf_cleanup(&r);
}

/* base/buf-append-growth: 100,000 appends cross many reallocations; every byte survives. */
static void base_buf_append_growth(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    size_t reallocs = 0, last_cap = 0;
    for (int i = 0; i < 100000; i++) {
        buf_append(&b, "0123456789", 10);
        if (b.cap != last_cap) {
            reallocs++;
            last_cap = b.cap;
        }
    }
    assert_true(reallocs >= 10);
    assert_int_equal(b.len, 1000000);
    assert_buf_ok(&b);
    assert_int_equal(strlen(buf_str(&b)), 1000000);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] != (char)('0' + i % 10))
            fail_msg("byte %zu is '%c', expected '%c'", i, b.data[i], (char)('0' + i % 10));

    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(b.cap, last_cap); /* reset keeps the memory */
    buf_putc(&b, 'x');
    buf_puts(&b, "yz");
    assert_string_equal(buf_str(&b), "xyz");
    buf_cleanup(&b);
}

/* base/buf-printf-growth: printf appends, across reallocations, give the same text as
 * snprintf into a big enough array. */
static void base_buf_printf_growth(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct buf b = BUF_INIT;
    char *expect = malloc(N * 16 + 1);
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        buf_printf(&b, "%05d:%s,", i, i % 2 ? "odd" : "even");
        n += (size_t)sprintf(expect + n, "%05d:%s,", i, i % 2 ? "odd" : "even");
    }
    assert_int_equal(b.len, n);
    assert_buf_ok(&b);
    assert_string_equal(buf_str(&b), expect);

    /* One printf far bigger than the current capacity. */
    struct buf c = BUF_INIT;
    buf_puts(&c, "[");
    buf_printf(&c, "%s]", expect);
    assert_int_equal(c.len, n + 2);
    assert_int_equal(c.data[0], '[');
    assert_memory_equal(c.data + 1, expect, n);
    assert_int_equal(c.data[n + 1], ']');
    assert_buf_ok(&c);
    free(expect);
    buf_cleanup(&b);
    buf_cleanup(&c);
}

/* base/buf-append-binary: append copies exactly len bytes, NULs included. */
static void base_buf_append_binary(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    buf_cleanup(&b);
}

static char *escaped(const char *s)
{
    struct buf b = BUF_INIT;
    buf_put_json_escaped(&b, s);
    return buf_steal(&b);
}

/* base/buf-json-escape */
static void base_buf_json_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "", "" },
        { "plain text", "plain text" },
        { "say \"hi\"", "say \\\"hi\\\"" },
        { "C:\\path\\x", "C:\\\\path\\\\x" },
        { "two\nlines", "two\\nlines" },
        { "cr\rtab\t", "cr\\rtab\\t" },
        { "\x01", "\\u0001" },
        { "a\x1f"
          "b\x08"
          "c\x0c",
          "a\\u001Fb\\bc\\f" }, /* jansson's escapes, byte for byte */
        { "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" }, /* UTF-8 passes through */
        { "</script>", "</script>" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = escaped(cases[i].in);
        print_message("case %zu\n", i);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

/* base/buf-json-escape-roundtrip: every byte 0x01..0x7f escaped and quoted is a JSON string
 * that jansson decodes back to the original. */
static void base_buf_json_escape_roundtrip(void **state)
{
    (void)state;
    char all[128];
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char)i;
    all[127] = '\0';
    struct buf b = BUF_INIT;
    buf_putc(&b, '"');
    buf_put_json_escaped(&b, all);
    buf_putc(&b, '"');
    /* No raw control character may remain. */
    for (size_t i = 0; i < b.len; i++)
        assert_true((unsigned char)b.data[i] >= 0x20);
    json_error_t jerr;
    json_t *j = json_loads(buf_str(&b), JSON_DECODE_ANY, &jerr);
    if (!j)
        fail_msg("jansson rejects %s: %s", buf_str(&b), jerr.text);
    assert_true(json_is_string(j));
    assert_int_equal(json_string_length(j), 127);
    assert_memory_equal(json_string_value(j), all, 127);
    json_decref(j);
    buf_cleanup(&b);
}

/* base/buf-steal: the caller gets the string and the buffer is empty and reusable. */
static void base_buf_steal(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_printf(&b, "id=%d", 42);
    char *s = buf_steal(&b);
    assert_string_equal(s, "id=42");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_string_equal(buf_str(&b), "");
    buf_puts(&b, "again");
    assert_string_equal(buf_str(&b), "again");
    assert_ptr_not_equal(b.data, s);
    assert_string_equal(s, "id=42");
    free(s);
    buf_cleanup(&b);

    /* Stealing an empty buffer still hands over a heap string. */
    struct buf e = BUF_INIT;
    char *empty = buf_steal(&e);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/buf-empty", base_buf_empty),
        BH_TEST("base/buf-empty-printf", base_buf_empty_printf),
        BH_TEST("base/buf-append-growth", base_buf_append_growth),
        BH_TEST("base/buf-printf-growth", base_buf_printf_growth),
        BH_TEST("base/buf-append-binary", base_buf_append_binary),
        BH_TEST("base/buf-json-escape", base_buf_json_escape),
        BH_TEST("base/buf-json-escape-roundtrip", base_buf_json_escape_roundtrip),
        BH_TEST("base/buf-steal", base_buf_steal),
    };
    return cmocka_run_group_tests_name("base/buf", tests, NULL, NULL);
}
