/* library_front_matter_parse (src/library/frontmatter.c): every value form a library file's
 * front matter takes, and every mistake refused with its line and key. */
#include "support.h"

#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *parse_ok(const char *text)
{
    json_t *out = NULL;
    struct bh_error err;
    int rc = library_front_matter_parse(text, strlen(text), &out, &err);
    if (rc)
        fail_msg("parse failed: %s: %s", err.field, err.message);
    assert_true(json_is_object(out));
    return out;
}

/* Asserts the text is refused with `code`, field `field` and a message holding `says`. */
static void parse_bad(const char *text, int code, const char *field, const char *says)
{
    json_t *out = NULL;
    struct bh_error err;
    assert_int_equal(library_front_matter_parse(text, strlen(text), &out, &err), code);
    assert_null(out);
    assert_string_equal(err.field, field);
    if (!strstr(err.message, says))
        fail_msg("message '%s' does not say '%s'", err.message, says);
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* unit/library-front-matter-forms */
static void forms(void **state)
{
    (void)state;
    char *path = test_path(BH_TEST_DATA "/library/good", "01-convoy.md");
    size_t len;
    char *text = test_read_file(path, &len);
    json_t *d = NULL;
    struct bh_error err;
    if (library_front_matter_parse(text, len, &d, &err))
        fail_msg("%s: %s", err.field, err.message);
    assert_string_equal(str(d, "key"), "convoy-ied-2019");
    assert_string_equal(str(d, "kind"), "lesson");
    assert_string_equal(str(d, "title"), "IED threats to \"logistics\" convoys"); /* "\"" */
    assert_string_equal(str(d, "summary"), "Vary timings; it's the pattern that is attacked.");
    assert_string_equal(str(d, "occurred_on"), "2019-03-14");
    assert_string_equal(str(d, "status"), "published");
    assert_string_equal(str(d, "context"), "A fortnightly convoy.\n\nForty vehicles.\n"); /* | */
    assert_string_equal(str(d, "recommendations"), "Vary departure times.");              /* |- */
    json_t *tags = json_object_get(d, "tags");
    assert_string_equal(json_string_value(json_array_get(json_object_get(tags, "threat"), 1)),
                        "mine_erw"); /* [a, b] */
    assert_string_equal(json_string_value(json_array_get(json_object_get(tags, "mission"), 0)),
                        "MINUSMA"); /* - item */
    assert_string_equal(json_string_value(json_array_get(json_object_get(tags, "keyword"), 1)),
                        "route clearance"); /* ["a b"] */
    json_t *link = json_array_get(json_object_get(d, "links"), 0);
    assert_string_equal(str(link, "type"), "incident");
    assert_string_equal(str(link, "id"), "0190cccc-0000-7000-8000-000000000001");
    assert_string_equal(str(d, "body"), "## Body\n\nText of the lesson.\n");
    json_decref(d);
    free(text);
    free(path);

    d = parse_ok("---\r\nsharing_group: 7\r\nrecipients:\r\n  - ana\r\n  - 'li'\r\n"
                 "a4p: []\r\ntitle:\r\n---\r\n");
    assert_int_equal(json_integer_value(json_object_get(d, "sharing_group")), 7);
    assert_int_equal(json_array_size(json_object_get(d, "recipients")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(d, "recipients"), 1)),
                        "li");
    assert_int_equal(json_array_size(json_object_get(json_object_get(d, "tags"), "a4p")), 0);
    assert_string_equal(str(d, "title"), "");
    assert_string_equal(str(d, "body"), "");
    json_decref(d);
    /* Text is text: markup is kept as written, for the reader's page to show as text. */
    d = parse_ok("---\ntitle: <script>alert(1)</script>\n---\n");
    assert_string_equal(str(d, "title"), "<script>alert(1)</script>");
    json_decref(d);
}

/* unit/library-front-matter-errors */
static void errors(void **state)
{
    (void)state;
    parse_bad("# no front matter\n", BH_EINVALID, "line 1", "starts with");
    parse_bad("", BH_EINVALID, "line 1", "starts with");
    parse_bad("---\ntitle: x\ncolour: blue\n---\n", BH_EINVALID, "line 3: colour",
              "known keys are key, kind, title");
    parse_bad("---\ntitle: [a, b]\n---\n", BH_EINVALID, "line 2: title",
              "a list where text is wanted");
    parse_bad("---\nsummary:\n  - a\n---\n", BH_EINVALID, "line 2: summary",
              "a list where text is wanted");
    parse_bad("---\nthreat: ied\n---\n", BH_EINVALID, "line 2: threat", "where a list");
    parse_bad("---\ntitle: a\nkind: lesson\ntitle: b\n---\n", BH_EINVALID, "line 4: title",
              "twice (first on line 2)");
    parse_bad("---\ntitle: a\n  indented\n---\n", BH_EINVALID, "line 3: title", "indented");
    parse_bad("---\nmission:\n  - A\n  B\n---\n", BH_EINVALID, "line 4: mission", "- item");
    parse_bad("---\ntitle: a\nkind: lesson\n", BH_EINVALID, "line 4: ---", "no closing");
    parse_bad("---\ntitle: \"open\n---\n", BH_EINVALID, "line 2: title", "not closed");
    parse_bad("---\ntitle: \"a\" b\n---\n", BH_EINVALID, "line 2: title", "follows");
    parse_bad("---\ntitle: \"a\\q\"\n---\n", BH_EINVALID, "line 2: title", "escape");
    parse_bad("---\nkeywords: [a, [b]]\n---\n", BH_EINVALID, "line 2: keywords", "inside");
    parse_bad("---\nkeywords: [a, b\n---\n", BH_EINVALID, "line 2: keywords", "not closed");
    parse_bad("---\nkeywords: [a,, b]\n---\n", BH_EINVALID, "line 2: keywords", "empty item");
    parse_bad("---\nlinks: [document:1]\n---\n", BH_EINVALID, "line 2: links", "incident:ID");
    parse_bad("---\nsharing_group: two\n---\n", BH_EINVALID, "line 2: sharing_group",
              "whole number");
    parse_bad("---\nsummary: >\n  folded\n---\n", BH_EINVALID, "line 2: summary", "not supported");
    parse_bad("---\ntitle: caf\xe9\n---\n", BH_EINVALID, "line 2", "not UTF-8");
    parse_bad("---\n\ttitle: a\n---\n", BH_EINVALID, "line 2", "indented");

    size_t big = LIBRARY_FILE_MAX + 1;
    char *text = malloc(big);
    memset(text, 'a', big);
    memcpy(text, "---\n---\n", 8);
    json_t *out = NULL;
    struct bh_error err;
    assert_int_equal(library_front_matter_parse(text, big, &out, &err), BH_ETOOLARGE);
    assert_null(out);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-front-matter-forms", forms),
        BH_TEST("unit/library-front-matter-errors", errors),
    };
    return cmocka_run_group_tests_name("unit/library-front-matter", tests, NULL, NULL);
}
