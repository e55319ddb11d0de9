/* Unit tests for a bulletin's Markdown as HTML (markdown_to_html): the formatting a writer
 * uses comes through, and every way of putting a script or raw HTML into the page is
 * neutralised. tests/fuzz/fuzz_markdown.c checks the same properties on any input. */
#include "support.h"

#include "formats/markdown.h"

#include <stdlib.h>
#include <string.h>

static char *render(const char *md)
{
    return markdown_to_html(md, strlen(md));
}

static void assert_absent(const char *html, const char *needle)
{
    if (strstr(html, needle))
        fail_msg("found \"%s\" in:\n%s", needle, html);
}

static void bulletin_markdown_formatting(void **state)
{
    (void)state;
    char *h = render("# Week 47\n\n**Calm** in *sector* East; [report](https://example.org/r)"
                     "\n\n- one\n- two\n\n> quoted\n\n`code` & <3\n");
    assert_contains(h, "<h1>Week 47</h1>");
    assert_contains(h, "<strong>Calm</strong>");
    assert_contains(h, "<em>sector</em>");
    assert_contains(h, "<a href=\"https://example.org/r\">report</a>");
    assert_contains(h, "<li>one</li>");
    assert_contains(h, "<blockquote>");
    assert_contains(h, "<code>code</code> &amp; &lt;3");
    free(h);
}

static void bulletin_markdown_script(void **state)
{
    (void)state;
    char *h = render("Before\n\n<script>alert(1)</script>\n\nafter <script>x()</script> end\n");
    assert_absent(h, "<script");
    assert_contains(h, "<!-- raw HTML omitted -->");
    assert_contains(h, "<p>Before</p>");
    free(h);
}

static void bulletin_markdown_img_onerror(void **state)
{
    (void)state;
    char *h = render("<img src=x onerror=alert(1)>\n\ntext <img src=x onerror=alert(2)>\n");
    assert_absent(h, "<img");
    assert_absent(h, "onerror");
    free(h);
}

static void bulletin_markdown_javascript_links(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "[x](javascript:alert(1))",        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",    "![i](javascript:alert(1))",
        "<javascript:alert(1)>",           "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",         "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x]\n\n[x]: javascript:alert(1)",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *h = render(cases[i]);
        if (strstr(h, "href=\"javascript") || strstr(h, "href=\"JaVa") ||
            strstr(h, "src=\"javascript") || strstr(h, "href=\"vbscript") ||
            strstr(h, "href=\"file") || strstr(h, "href=\"data"))
            fail_msg("case %zu '%s' kept its target:\n%s", i, cases[i], h);
        if (!strstr(h, "href=\"\"") && !strstr(h, "src=\"\""))
            fail_msg("case %zu '%s' lost the link itself:\n%s", i, cases[i], h);
        free(h);
    }
    /* A picture given inline as data stays. */
    char *h = render("![p](data:image/png;base64,iVBORw0KGgo=)");
    assert_contains(h, "src=\"data:image/png;base64,iVBORw0KGgo=\"");
    free(h);
}

static void bulletin_markdown_raw_html(void **state)
{
    (void)state;
    char *h = render("<div onclick=\"x()\">block</div>\n\n<a href=\"javascript:x\">a</a> "
                     "<iframe src=\"https://evil.example\"></iframe> <style>*{}</style>\n");
    assert_absent(h, "<div");
    assert_absent(h, "<iframe");
    assert_absent(h, "<style");
    assert_absent(h, "onclick");
    assert_absent(h, "javascript");
    free(h);
}

static void bulletin_markdown_utf8(void **state)
{
    (void)state;
    const char md[] = "ok \xff\xfe and \xd8\xaa";
    char *h = markdown_to_html(md, sizeof md - 1);
    assert_contains(h, "\xef\xbf\xbd"); /* U+FFFD for the bad bytes */
    assert_contains(h, "\xd8\xaa");
    assert_absent(h, "\xff");
    free(h);
    h = markdown_to_html(NULL, 0);
    assert_string_equal(h, "");
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("bulletin/markdown-formatting", bulletin_markdown_formatting),
        BH_TEST("bulletin/markdown-script", bulletin_markdown_script),
        BH_TEST("bulletin/markdown-img-onerror", bulletin_markdown_img_onerror),
        BH_TEST("bulletin/markdown-javascript-links", bulletin_markdown_javascript_links),
        BH_TEST("bulletin/markdown-raw-html", bulletin_markdown_raw_html),
        BH_TEST("bulletin/markdown-utf8", bulletin_markdown_utf8),
    };
    return cmocka_run_group_tests_name("bulletin/markdown", tests, NULL, NULL);
}
