/* Unit tests for attachment/: the type judged by the bytes, the filename made safe, the
 * Content-Disposition header, and the size limit. */
#include "support.h"

#include "attachment/attachment.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F' };
static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
static const char gif[] = "GIF89a\x01\x00\x01\x00";
static const char webp[] = "RIFF\x24\x00\x00\x00WEBPVP8 ";

static void attachment_sniff_types(void **state)
{
    (void)state;
    assert_string_equal(attachment_sniff(png, sizeof png), "image/png");
    assert_string_equal(attachment_sniff(jpeg, sizeof jpeg), "image/jpeg");
    assert_string_equal(attachment_sniff(pdf, strlen(pdf)), "application/pdf");
    assert_string_equal(attachment_sniff(gif, 10), "image/gif");
    assert_string_equal(attachment_sniff("GIF87a", 6), "image/gif");
    assert_string_equal(attachment_sniff(webp, 16), "image/webp");
}

static void attachment_sniff_refuses(void **state)
{
    (void)state;
    /* An executable, HTML, SVG, a zip (office files), a RIFF that is a WAV, text, cut magic. */
    static const char *const bad[] = { "MZ\x90\x00\x03\x00\x00\x00",
                                       "<!DOCTYPE html><script>",
                                       "<svg xmlns=\"http://www.w3.org/2000/svg\">",
                                       "PK\x03\x04\x14\x00",
                                       "RIFF\x24\x00\x00\x00WAVEfmt ",
                                       "hello",
                                       "%PDF",
                                       "\x7f"
                                       "ELF\x02\x01" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (attachment_sniff(bad[i], strlen(bad[i])))
            fail_msg("bytes %zu taken as %s", i, attachment_sniff(bad[i], strlen(bad[i])));
    assert_null(attachment_sniff(png, 7)); /* the PNG signature cut short */
    assert_null(attachment_sniff("", 0));
}

static void clean(const char *in, const char *type, const char *want)
{
    char out[ATTACHMENT_FILENAME_MAX + 1];
    struct bh_error err;
    int rc = attachment_filename_clean(in, type, out, &err);
    if (rc)
        fail_msg("'%s' refused: %s", in ? in : "(null)", err.message);
    if (strcmp(out, want) != 0)
        fail_msg("'%s' cleaned to '%s', expected '%s'", in ? in : "(null)", out, want);
}

static void attachment_filename_rules(void **state)
{
    (void)state;
    clean("report.pdf", "application/pdf", "report.pdf");
    clean("../../etc/passwd", "application/pdf", "passwd");
    clean("C:\\Users\\me\\week 47.pdf", "application/pdf", "week 47.pdf");
    clean("a\r\nSet-Cookie: x.pdf", "application/pdf", "aSet-Cookie: x.pdf");
    clean("tab\there\x7f.png", "image/png", "tabhere.png");
    clean("..hidden.png", "image/png", "hidden.png");
    clean("  spaced.png  ", "image/png", "spaced.png");
    /* A C1 control (U+0085, next line) goes; other characters stay. */
    clean("r\xc2\x85sum\xc3\xa9 \xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1.pdf", "application/pdf",
          "rsum\xc3\xa9 \xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1.pdf");
    clean(NULL, "image/png", "attachment.png");
    clean("/", "application/pdf", "attachment.pdf");
    clean("...", "image/jpeg", "attachment.jpg");

    /* Capped at ATTACHMENT_FILENAME_MAX bytes, never inside a character. */
    char longname[600];
    size_t n = 0;
    while (n + 2 < sizeof longname - 1) {
        longname[n++] = '\xc3';
        longname[n++] = '\xa9';
    }
    longname[n] = '\0';
    char out[ATTACHMENT_FILENAME_MAX + 1];
    struct bh_error err;
    must(attachment_filename_clean(longname, "image/png", out, &err), &err, "clean long");
    assert_int_equal(strlen(out), ATTACHMENT_FILENAME_MAX);

    /* Not UTF-8: refused naming the field. */
    assert_int_equal(attachment_filename_clean("bad\xff.pdf", "application/pdf", out, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "filename");
}

static void attachment_disposition_header(void **state)
{
    (void)state;
    char *h = attachment_content_disposition("report.pdf");
    assert_string_equal(h, "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    free(h);
    h = attachment_content_disposition("r\xc3\xa9sum\xc3\xa9 \"47\".pdf");
    assert_string_equal(h, "attachment; filename=\"r_sum_ _47_.pdf\"; "
                           "filename*=UTF-8''r%C3%A9sum%C3%A9%20%2247%22.pdf");
    free(h);
}

static void attachment_size_limit_setting(void **state)
{
    (void)state;
    size_t before = attachment_max_bytes();
    assert_int_equal(before, 10 * 1024 * 1024);
    attachment_set_max_bytes(ATTACHMENT_MAX_BYTES_CEILING * 2);
    assert_int_equal(attachment_max_bytes(), ATTACHMENT_MAX_BYTES_CEILING);
    attachment_set_max_bytes(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("attachment/sniff-types", attachment_sniff_types),
        BH_TEST("attachment/sniff-refuses", attachment_sniff_refuses),
        BH_TEST("attachment/filename-rules", attachment_filename_rules),
        BH_TEST("attachment/disposition-header", attachment_disposition_header),
        BH_TEST("attachment/size-limit-setting", attachment_size_limit_setting),
    };
    return cmocka_run_group_tests_name("attachment", tests, NULL, NULL);
}
