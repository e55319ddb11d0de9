/* Unit tests for base/log: lines are read back from a pipe given to log_set_fd(). */
#include "support.h"

#include "base/log.h"
#include "base/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct capture {
    int fds[2];
};

static int capture_setup(void **state)
{
    struct capture *c = malloc(sizeof *c);
    if (pipe(c->fds) != 0)
        fail_msg("pipe: %s", strerror(errno));
    /* Non-blocking read end: reading back stops when the logged lines are drained. */
    fcntl(c->fds[0], F_SETFL, fcntl(c->fds[0], F_GETFL) | O_NONBLOCK);
    log_set_fd(c->fds[1]);
    *state = c;
    return 0;
}

static int capture_teardown(void **state)
{
    struct capture *c = *state;
    log_configure(BH_LOG_INFO, BH_LOG_TEXT);
    log_set_fd(2);
    close(c->fds[0]);
    close(c->fds[1]);
    free(c);
    return 0;
}

/* Everything logged since the last call, as a heap string. */
static char *captured(void **state)
{
    struct capture *c = *state;
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    for (;;) {
        ssize_t got = read(c->fds[0], out + n, cap - n - 1);
        if (got <= 0)
            break;
        n += (size_t)got;
        if (cap - n - 1 == 0)
            out = realloc(out, cap *= 2);
    }
    out[n] = '\0';
    return out;
}

static size_t count_char(const char *s, char ch)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == ch;
    return n;
}

static void assert_not_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle))
        fail_msg("did not expect [%s] in [%s]", needle, haystack);
}

/* The line's leading timestamp must be RFC 3339 and close to now. */
static void assert_time_now(const char *text)
{
    int64_t ms;
    struct bh_error err;
    if (time_parse_rfc3339(text, &ms, NULL, &err) != 0)
        fail_msg("log time [%s]: %s", text, err.message);
    int64_t now = time_now_ms();
    assert_in_range(ms, now - 10000, now + 1000);
}

/* base/log-text-fields */
static void base_log_text_fields(void **state)
{
    log_configure(BH_LOG_INFO, BH_LOG_TEXT);
    const struct log_field fields[] = {
        LOG_STR("path", "/api/v1/incidents"),
        LOG_INT("status", 201),
        LOG_INT("neg", -7),
        LOG_REAL("ms", 1.5),
        LOG_STR("agent", "curl 8.0 (x86_64)"),
        LOG_STR("note", "a=b"),
        LOG_STR("quote", "say \"hi\""),
        LOG_STR("empty", ""),
    };
    log_event(BH_LOG_INFO, "request done", fields, sizeof fields / sizeof fields[0]);
    char *out = captured(state);
    assert_int_equal(count_char(out, '\n'), 1);
    assert_int_equal(out[strlen(out) - 1], '\n');

    char *space = strchr(out, ' ');
    assert_non_null(space);
    *space = '\0';
    assert_time_now(out);
    const char *rest = space + 1;
    assert_true(strncmp(rest, "info ", 5) == 0);
    assert_contains(rest, " request done ");
    assert_contains(rest, " path=/api/v1/incidents");
    assert_contains(rest, " status=201");
    assert_contains(rest, " neg=-7");
    assert_contains(rest, " ms=1.500");
    /* Values with spaces, '=' or quotes are quoted so the line still splits on spaces. */
    assert_contains(rest, " agent=\"curl 8.0 (x86_64)\"");
    assert_contains(rest, " note=\"a=b\"");
    assert_contains(rest, " quote=\"say \\\"hi\\\"\"");
    assert_contains(rest, " empty=\"\"");
    free(out);
}

/* base/log-text-levels: each level appears by name. */
static void base_log_text_levels(void **state)
{
    log_configure(BH_LOG_DEBUG, BH_LOG_TEXT);
    log_debug("d%d", 1);
    log_info("i%d", 2);
    log_warn("w%d", 3);
    log_error("e%d", 4);
    char *out = captured(state);
    assert_int_equal(count_char(out, '\n'), 4);
    const char *want[] = { " debug d1\n", " info  i2\n", " warn  w3\n", " error e4\n" };
    const char *p = out;
    for (size_t i = 0; i < 4; i++) {
        const char *hit = strstr(p, want[i]);
        if (!hit)
            fail_msg("expected [%s] in order in [%s]", want[i], out);
        p = hit + strlen(want[i]);
    }
    free(out);
}

/* base/log-json-fields: a JSON line is one object with the right types. */
static void base_log_json_fields(void **state)
{
    log_configure(BH_LOG_INFO, BH_LOG_JSON);
    const struct log_field fields[] = {
        LOG_STR("path", "/api/v1/x?q=\"a b\""), LOG_INT("status", 404),
        LOG_INT("big", 9007199254740993LL),     LOG_REAL("ms", 12.25),
        LOG_STR("ctl", "bell\x07 tab\t"),
    };
    log_event(BH_LOG_WARN, "not \"found\"", fields, sizeof fields / sizeof fields[0]);
    char *out = captured(state);
    assert_int_equal(count_char(out, '\n'), 1);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!j)
        fail_msg("not JSON (%s): %s", jerr.text, out);
    assert_true(json_is_object(j));
    assert_true(json_is_string(json_object_get(j, "time")));
    assert_time_now(json_string_value(json_object_get(j, "time")));
    assert_string_equal(json_string_value(json_object_get(j, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(j, "msg")), "not \"found\"");
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/api/v1/x?q=\"a b\"");
    assert_true(json_is_integer(json_object_get(j, "status")));
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    assert_true(json_is_integer(json_object_get(j, "big")));
    assert_int_equal(json_integer_value(json_object_get(j, "big")), 9007199254740993LL);
    assert_true(json_is_real(json_object_get(j, "ms")));
    assert_float_equal(json_real_value(json_object_get(j, "ms")), 12.25, 1e-9);
    assert_string_equal(json_string_value(json_object_get(j, "ctl")), "bell\x07 tab\t");
    assert_int_equal(json_object_size(j), 8);
    json_decref(j);
    free(out);
}

/* base/log-json-nonfinite: a NaN or infinite real must not make the line invalid JSON. */
static void base_log_json_nonfinite(void **state)
{
    log_configure(BH_LOG_INFO, BH_LOG_JSON);
    const struct log_field fields[] = {
        LOG_REAL("nan", NAN),
        LOG_REAL("inf", INFINITY),
        LOG_INT("after", 1),
    };
    log_event(BH_LOG_INFO, "odd numbers", fields, 3);
    char *out = captured(state);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!j)
        fail_msg("not JSON (%s): %s", jerr.text, out);
    assert_true(json_is_null(json_object_get(j, "nan")));
    assert_true(json_is_null(json_object_get(j, "inf")));
    assert_int_equal(json_integer_value(json_object_get(j, "after")), 1);
    json_decref(j);
    free(out);
}

/* base/log-newline-one-line: a message with newlines stays one line in both formats. */
static void base_log_newline_one_line(void **state)
{
    log_configure(BH_LOG_INFO, BH_LOG_TEXT);
    const struct log_field f[] = { LOG_STR("file", "evil\nname") };
    log_event(BH_LOG_ERROR, "first\nsecond\r\nthird", f, 1);
    char *out = captured(state);
    assert_int_equal(count_char(out, '\n'), 1);
    assert_int_equal(count_char(out, '\r'), 0);
    assert_contains(out, "first second  third");
    assert_contains(out, " file=\"evil\\nname\"");
    free(out);

    log_configure(BH_LOG_INFO, BH_LOG_JSON);
    log_info("a\nb %s", "c\nd");
    out = captured(state);
    assert_int_equal(count_char(out, '\n'), 1);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "msg")), "a\nb c\nd");
    assert_string_equal(json_string_value(json_object_get(j, "level")), "info");
    json_decref(j);
    free(out);
}

/* base/log-level-filter: events below the configured level are dropped. */
static void base_log_level_filter(void **state)
{
    log_configure(BH_LOG_WARN, BH_LOG_TEXT);
    log_debug("dropped-debug");
    log_info("dropped-info");
    log_event(BH_LOG_INFO, "dropped-event", NULL, 0);
    log_warn("kept-warn");
    log_error("kept-error");
    log_event(BH_LOG_ERROR, "kept-event", NULL, 0);
    char *out = captured(state);
    assert_int_equal(count_char(out, '\n'), 3);
    assert_not_contains(out, "dropped");
    assert_contains(out, "kept-warn");
    assert_contains(out, "kept-error");
    assert_contains(out, "kept-event");
    free(out);

    log_configure(BH_LOG_ERROR, BH_LOG_JSON);
    log_warn("dropped");
    out = captured(state);
    assert_string_equal(out, "");
    free(out);

    log_configure(BH_LOG_DEBUG, BH_LOG_TEXT);
    log_debug("now-kept");
    out = captured(state);
    assert_contains(out, " debug now-kept\n");
    free(out);
}

/* base/log-parse-names */
static void base_log_parse_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum bh_log_level level;
    } levels[] = {
        { "debug", BH_LOG_DEBUG },
        { "info", BH_LOG_INFO },
        { "warn", BH_LOG_WARN },
        { "error", BH_LOG_ERROR },
    };
    for (size_t i = 0; i < 4; i++) {
        enum bh_log_level l = BH_LOG_ERROR;
        assert_int_equal(log_level_parse(levels[i].name, &l), 0);
        assert_int_equal(l, levels[i].level);
        assert_string_equal(log_level_name(levels[i].level), levels[i].name);
    }
    const char *bad_levels[] = { "", "verbose", "inf", "information", "warning", "debug " };
    for (size_t i = 0; i < sizeof bad_levels / sizeof bad_levels[0]; i++) {
        enum bh_log_level l = BH_LOG_WARN;
        assert_int_equal(log_level_parse(bad_levels[i], &l), -1);
        assert_int_equal(l, BH_LOG_WARN);
    }

    enum bh_log_format f = BH_LOG_TEXT;
    assert_int_equal(log_format_parse("json", &f), 0);
    assert_int_equal(f, BH_LOG_JSON);
    assert_int_equal(log_format_parse("text", &f), 0);
    assert_int_equal(f, BH_LOG_TEXT);
    assert_string_equal(log_format_name(BH_LOG_TEXT), "text");
    assert_string_equal(log_format_name(BH_LOG_JSON), "json");
    const char *bad_formats[] = { "", "xml", "jsonl", "logfmt", "tex" };
    for (size_t i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++) {
        f = BH_LOG_JSON;
        assert_int_equal(log_format_parse(bad_formats[i], &f), -1);
        assert_int_equal(f, BH_LOG_JSON);
    }
}

int main(void)
{
#define T(name, fn) BH_TEST_SETUP_TEARDOWN(name, fn, capture_setup, capture_teardown)
    const struct CMUnitTest tests[] = {
        T("base/log-text-fields", base_log_text_fields),
        T("base/log-text-levels", base_log_text_levels),
        T("base/log-json-fields", base_log_json_fields),
        T("base/log-json-nonfinite", base_log_json_nonfinite),
        T("base/log-newline-one-line", base_log_newline_one_line),
        T("base/log-level-filter", base_log_level_filter),
        T("base/log-parse-names", base_log_parse_names),
    };
#undef T
    return cmocka_run_group_tests_name("base/log", tests, NULL, NULL);
}
