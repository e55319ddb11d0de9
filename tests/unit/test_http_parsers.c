/* Unit tests for the pure parsers of what a client sends back: the Cookie header
 * (http_cookie_find), If-Match (http_if_match_revision) and page cursors
 * (page_cursor_decode). The fuzz targets tests/fuzz/fuzz_{cookie,if_match,cursor}.c hold the
 * same functions to "no crash"; these hold them to their answers. */
#include "support.h"

#include "http/page.h"
#include "http/request.h"

#include <string.h>

/* The cookie's value as a string ("(none)" when absent), in a static buffer. */
static const char *cookie(const char *header, const char *name)
{
    static char out[128];
    size_t len;
    const char *v = http_cookie_find(header, name, &len);
    if (!v)
        return "(none)";
    snprintf(out, sizeof out, "%.*s", (int)len, v);
    return out;
}

static void http_cookie_find_cases(void **state)
{
    (void)state;
    static const struct {
        const char *header, *want;
    } cases[] = {
        { "bh_session=abc", "abc" },
        { "theme=dark; bh_session=abc; lang=fr", "abc" },
        { "bh_session=first; bh_session=second", "first" },
        { "bh_session=\"quoted\"", "quoted" },
        { "  bh_session=abc  ;x=1", "abc" },
        { "bh_session=", "" },
        { "xbh_session=abc", "(none)" },
        { "bh_sessionx=abc; bh_session", "(none)" },
        { "bh_session=a=b", "a=b" },
        { "", "(none)" },
        { ";;; ;", "(none)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = cookie(cases[i].header, HTTP_SESSION_COOKIE);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("Cookie: %s: expected %s, got %s", cases[i].header, cases[i].want, got);
    }
    size_t len = 7;
    assert_null(http_cookie_find(NULL, HTTP_SESSION_COOKIE, &len));
    assert_int_equal(len, 0);
}

static void http_if_match_cases(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        int64_t want; /* 0: refused */
    } cases[] = {
        { "\"3\"", 3 },
        { "3", 3 },
        { "\"12345\"", 12345 },
        { "W/\"3\"", 0 },
        { "\"0\"", 0 },
        { "\"\"", 0 },
        { "", 0 },
        { "*", 0 },
        { "\"3\", \"4\"", 0 },
        { "\"-3\"", 0 },
        { "99999999999999999999", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err;
        int64_t rev = -1;
        int rc = http_if_match_revision(cases[i].header, &rev, &err);
        if (cases[i].want ? rc != 0 || rev != cases[i].want
                          : rc != BH_EINVALID || strcmp(err.field, "If-Match") != 0 || rev != 0)
            fail_msg("If-Match: %s: expected %lld, got rc %d rev %lld", cases[i].header,
                     (long long)cases[i].want, rc, (long long)rev);
    }
}

static void page_cursor_round_trip(void **state)
{
    (void)state;
    static const unsigned char key[PAGE_CURSOR_KEY] = "a key of exactly thirty-two byte";
    static const unsigned char other[PAGE_CURSOR_KEY] = "another key of thirty-two bytes!";
    char cursor[256], pos[PAGE_KEY_MAX];
    struct bh_error err;
    size_t need = page_cursor_encode(key, "d:2024-06-01T08:00:00Z/42", cursor, sizeof cursor);
    assert_true(need <= sizeof cursor);
    assert_int_equal(strlen(cursor) + 1, need);
    assert_int_equal(page_cursor_decode(key, cursor, pos, &err), 0);
    assert_string_equal(pos, "d:2024-06-01T08:00:00Z/42");
    /* Under another key (another store), changed, or no cursor at all: refused, naming it. */
    assert_int_equal(page_cursor_decode(other, cursor, pos, &err), BH_EINVALID);
    assert_string_equal(err.field, "cursor");
    assert_string_equal(pos, "");
    cursor[3] = cursor[3] == 'A' ? 'B' : 'A';
    assert_int_equal(page_cursor_decode(key, cursor, pos, &err), BH_EINVALID);
    assert_int_equal(page_cursor_decode(key, "not a cursor", pos, &err), BH_EINVALID);
    assert_contains(err.message, "not one this server issued");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("http/cookie-find", http_cookie_find_cases),
        BH_TEST("http/if-match-revision", http_if_match_cases),
        BH_TEST("http/page-cursor-round-trip", page_cursor_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
