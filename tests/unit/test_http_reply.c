/* Unit tests for the reply builders and the text checks of http/: whatever a request holds,
 * a reply is built and is valid JSON; nothing a request controls reaches an abort(). */
#include "support.h"

#include "http/request.h"
#include "http/text.h"

#include <jansson.h>
#include <string.h>

struct fixture {
    struct http_request req;
    struct http_reply rep;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->req.arena = arena_new(4096);
    f->req.method = "GET";
    f->req.path = "/api/v1/orgs";
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    http_reply_cleanup(&f->rep);
    arena_free(f->req.arena);
    free(f);
    return 0;
}

/* The reply body as JSON; fails, showing it, unless it parses (jansson checks UTF-8). */
static json_t *reply_json(const struct http_reply *rep)
{
    json_error_t e;
    json_t *j = json_loadb(rep->body, rep->body_len, 0, &e);
    if (!j)
        fail_msg("reply body is not JSON (%s): %.*s", e.text, (int)rep->body_len, rep->body);
    return j;
}

/* http/text-check: RFC 3629's table, and control characters refused. */
static void http_text_check_rules(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t bad_at; /* (size_t)-1: valid */
    } cases[] = {
        { "/api/v1/orgs", (size_t)-1 },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", (size_t)-1 },
        { "\xef\xbf\xbd", (size_t)-1 },
        { "\xf4\x8f\xbf\xbf", (size_t)-1 }, /* U+10FFFF, the last code point */
        { "a\xff", 1 },
        { "a\xc0\xae", 1 },         /* overlong "." */
        { "\xe0\x80\xaf", 0 },      /* overlong "/" */
        { "ab\xed\xa0\x80", 2 },    /* surrogate half */
        { "\xf4\x90\x80\x80", 0 },  /* past U+10FFFF */
        { "x\xe2\x82", 1 },         /* truncated */
        { "\x80", 0 },              /* lone continuation byte */
        { "a\nb", 1 },              /* C0 */
        { "a\x7f", 1 },             /* DEL */
        { "ab\xc2\x85", 2 },        /* C1 (NEL) */
        { "\xc2\xa0", (size_t)-1 }, /* no-break space is text */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].s);
        size_t want = cases[i].bad_at == (size_t)-1 ? len : cases[i].bad_at;
        size_t got = http_text_check(cases[i].s, len);
        if (got != want)
            fail_msg("case %zu: first bad byte at %zu, expected %zu", i, got, want);
        assert_int_equal(http_text_valid(cases[i].s, len), want == len);
    }
    /* A NUL inside the length is a control character too. */
    assert_int_equal(http_text_check("a\0b", 3), 1);
}

/* http/text-clean: bad bytes become U+FFFD, one each; good text is returned as it is. */
static void http_text_clean_replaces(void **state)
{
    struct fixture *f = *state;
    const char *good = "caf\xc3\xa9\n";
    assert_ptr_equal(http_text_clean(f->req.arena, good, false), good);
    assert_string_equal(http_text_clean(f->req.arena, good, true), "caf\xc3\xa9\xef\xbf\xbd");
    assert_string_equal(http_text_clean(f->req.arena,
                                        "a\xff\xfe"
                                        "b",
                                        false),
                        "a\xef\xbf\xbd\xef\xbf\xbd"
                        "b");
    assert_string_equal(http_text_clean(f->req.arena, "\xc0\xae.", false),
                        "\xef\xbf\xbd\xef\xbf\xbd.");
    assert_null(http_text_clean(f->req.arena, NULL, false));
}

/* http/problem-non-utf8: a problem whose path, detail and field hold bytes that are not
 * UTF-8 used to abort the server (json_pack returned NULL, http_reply_json aborted). It is
 * now the problem asked for, with U+FFFD in place of each bad byte. */
static void http_problem_non_utf8(void **state)
{
    struct fixture *f = *state;
    f->req.path = "/\xff";
    http_reply_problem(&f->req, &f->rep, BH_ENOTFOUND, "no resource at /\xff", "x\xfe");
    assert_int_equal(f->rep.status, 404);
    assert_string_equal(f->rep.content_type, "application/problem+json");
    json_t *j = reply_json(&f->rep);
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(j, "detail")),
                        "no resource at /\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(j, "field")), "x\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(j, "code")), "NOTFOUND");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    json_decref(j);
}

/* http/reply-json-null: a handler's json_pack() over text that is not UTF-8 gives NULL; the
 * reply becomes a fixed 500 problem instead of an abort. */
static void http_reply_json_null(void **state)
{
    struct fixture *f = *state;
    json_t *refused = json_pack("{s:s}", "name", "\xff");
    assert_null(refused);
    http_reply_json(&f->req, &f->rep, 200, refused);
    assert_int_equal(f->rep.status, 500);
    assert_string_equal(f->rep.content_type, "application/problem+json");
    json_t *j = reply_json(&f->rep);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "INTERNAL");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 500);
    json_decref(j);
}

/* http/reply-header-overflow: one header more than there is room for is dropped (and
 * logged), not an abort: the headers a reply gets can depend on the request. */
static void http_reply_header_overflow(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < HTTP_MAX_REPLY_HEADERS + 2; i++)
        http_reply_header(&f->req, &f->rep, "X-Test", "1");
    assert_int_equal(f->rep.nheaders, HTTP_MAX_REPLY_HEADERS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("http/text-check", http_text_check_rules),
        BH_TEST_SETUP_TEARDOWN("http/text-clean", http_text_clean_replaces, setup, teardown),
        BH_TEST_SETUP_TEARDOWN("http/problem-non-utf8", http_problem_non_utf8, setup, teardown),
        BH_TEST_SETUP_TEARDOWN("http/reply-json-null", http_reply_json_null, setup, teardown),
        BH_TEST_SETUP_TEARDOWN("http/reply-header-overflow", http_reply_header_overflow, setup,
                               teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
