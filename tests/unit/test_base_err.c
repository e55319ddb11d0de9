/* Unit tests for base/err: the one error table, its HTTP statuses and names, and bh_fail. */
#include "support.h"

#include "base/err.h"

#include <string.h>

struct expected_code {
    int code;
    int http;
    const char *name;
    const char *text;
};

/* Written out by hand, not generated from BH_ERRORS, so a changed row in the table fails
 * here instead of changing the expectation with it. */
static const struct expected_code expected[] = {
    { BH_EOK, 200, "OK", "ok" },
    { BH_ENOMEM, 500, "NOMEM", "out of memory" },
    { BH_EINVALID, 400, "INVALID", "invalid input" },
    { BH_ENOTFOUND, 404, "NOTFOUND", "not found" },
    { BH_ECONFLICT, 409, "CONFLICT", "conflict with the stored state" },
    { BH_EDENIED, 403, "DENIED", "not allowed" },
    { BH_ESTORE, 500, "STORE", "store failure" },
    { BH_EIO, 500, "IO", "input/output error" },
    { BH_ETOOLARGE, 413, "TOOLARGE", "content too large" },
    { BH_EMETHOD, 405, "METHOD", "method not allowed" },
    { BH_EUNAUTH, 401, "UNAUTH", "authentication required" },
    { BH_EBUSY, 503, "BUSY", "busy, try again" },
    { BH_EVERSION, 500, "VERSION", "store version not supported" },
    { BH_EUNSUPPORTED, 415, "UNSUPPORTED", "unsupported media type" },
    { BH_EINTERNAL, 500, "INTERNAL", "internal error" },
    { BH_ETHROTTLED, 429, "THROTTLED", "too many attempts, wait before retrying" },
    { BH_EPRECONDITION, 412, "PRECONDITION", "a precondition of the request failed" },
    { BH_EUNPROCESSABLE, 422, "UNPROCESSABLE", "the request cannot be processed" },
    { BH_EUNAVAILABLE, 503, "UNAVAILABLE", "service unavailable" },
};

#define NEXPECTED (sizeof expected / sizeof expected[0])

/* base/err-known-codes */
static void base_err_known_codes(void **state)
{
    (void)state;
    assert_int_equal(BH_EOK, 0);
    assert_int_equal(BH_ENOTFOUND, -3);
    assert_int_equal(BH_ETOOLARGE, -8);
    assert_int_equal(BH_EINVALID, -2);
    for (size_t i = 0; i < NEXPECTED; i++) {
        const struct expected_code *e = &expected[i];
        print_message("code %d (%s)\n", e->code, e->name);
        assert_int_equal(bh_http_status(e->code), e->http);
        assert_string_equal(bh_errname(e->code), e->name);
        assert_string_equal(bh_strerror(e->code), e->text);
    }
}

/* base/err-table-consistent: every row of the X-macro table is reachable by its code (codes
 * are unique), OK is the only non-negative code, and every failure maps to a 4xx or 5xx. */
static void base_err_table_consistent(void **state)
{
    (void)state;
    static const struct {
        int code;
        int http;
        const char *name;
        const char *text;
    } table[] = {
#define BH_X(name, code, http, title, text) { code, http, #name, text },
        BH_ERRORS(BH_X)
#undef BH_X
    };
    size_t n = sizeof table / sizeof table[0];
    for (size_t i = 0; i < n; i++) {
        print_message("row %zu: %s\n", i, table[i].name);
        for (size_t j = i + 1; j < n; j++)
            assert_int_not_equal(table[i].code, table[j].code);
        assert_string_equal(bh_errname(table[i].code), table[i].name);
        assert_string_equal(bh_strerror(table[i].code), table[i].text);
        assert_int_equal(bh_http_status(table[i].code), table[i].http);
        if (table[i].code == 0) {
            assert_int_equal(table[i].http, 200);
        } else {
            assert_true(table[i].code < 0);
            assert_in_range(table[i].http, 400, 599);
        }
        /* Every row must also be in the hand-written list above. */
        int listed = 0;
        for (size_t k = 0; k < NEXPECTED; k++)
            listed |= expected[k].code == table[i].code;
        assert_true(listed);
    }
    assert_int_equal(n, NEXPECTED);
}

/* base/err-unknown-code */
static void base_err_unknown_code(void **state)
{
    (void)state;
    const int unknown[] = { 1, 7, -64, -99, 12345, -2147483647 - 1 };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_int_equal(bh_http_status(unknown[i]), 500);
        assert_string_equal(bh_strerror(unknown[i]), "unknown error");
        assert_string_equal(bh_errname(unknown[i]), "UNKNOWN");
    }
}

/* base/err-http-titles: a problem reply's title comes from the table's row, so a 412 and a
 * 422 are no longer labelled Conflict, and codes sharing a status share its title. */
static void base_err_http_titles(void **state)
{
    (void)state;
    assert_string_equal(bh_http_title(BH_EPRECONDITION), "Precondition Failed");
    assert_string_equal(bh_http_title(BH_EUNPROCESSABLE), "Unprocessable Content");
    assert_string_equal(bh_http_title(BH_ECONFLICT), "Conflict");
    assert_string_equal(bh_http_title(BH_ENOTFOUND), "Not Found");
    assert_string_equal(bh_http_title(BH_EUNAVAILABLE), "Service Unavailable");
    assert_string_equal(bh_http_title(-64), "Internal Server Error");
    static const struct {
        int code, http;
        const char *title;
    } rows[] = {
#define BH_X(name, code, http, title, text) { code, http, title },
        BH_ERRORS(BH_X)
#undef BH_X
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (size_t j = 0; j < sizeof rows / sizeof rows[0]; j++)
            if (rows[i].http == rows[j].http && strcmp(rows[i].title, rows[j].title) != 0)
                fail_msg("status %d is titled both \"%s\" and \"%s\"", rows[i].http, rows[i].title,
                         rows[j].title);
}

/* base/err-fail-fills */
static void base_err_fail_fills(void **state)
{
    (void)state;
    struct bh_error err;
    memset(&err, 0x5a, sizeof err);
    int rc = bh_fail(&err, BH_EINVALID, "listen", "port %ld is out of range", 70000L);
    assert_int_equal(rc, BH_EINVALID);
    assert_int_equal(err.code, BH_EINVALID);
    assert_string_equal(err.field, "listen");
    assert_string_equal(err.message, "port 70000 is out of range");

    /* A second failure replaces the first completely, and a NULL field leaves it empty. */
    rc = bh_fail(&err, BH_ENOTFOUND, NULL, "incident %s", "abc");
    assert_int_equal(rc, BH_ENOTFOUND);
    assert_int_equal(err.code, BH_ENOTFOUND);
    assert_string_equal(err.field, "");
    assert_string_equal(err.message, "incident abc");

    bh_error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.field, "");
    assert_string_equal(err.message, "");
    bh_error_clear(NULL);
}

/* base/err-fail-null-err */
static void base_err_fail_null_err(void **state)
{
    (void)state;
    assert_int_equal(bh_fail(NULL, BH_ETOOLARGE, "body", "%d bytes", 5), BH_ETOOLARGE);
    assert_int_equal(bh_fail(NULL, BH_EOK, NULL, "nothing"), BH_EOK);
}

/* base/err-fail-truncates: field and message are fixed-size; overlong text is cut, never
 * written past the end, and stays NUL-terminated. */
static void base_err_fail_truncates(void **state)
{
    (void)state;
    struct {
        struct bh_error err;
        char guard[16];
    } s;
    memset(&s, 0, sizeof s);
    memset(s.guard, 'G', sizeof s.guard);
    char longfield[200], longmsg[2000];
    memset(longfield, 'f', sizeof longfield - 1);
    longfield[sizeof longfield - 1] = '\0';
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    assert_int_equal(bh_fail(&s.err, BH_EIO, longfield, "%s", longmsg), BH_EIO);
    assert_int_equal(strlen(s.err.field), sizeof s.err.field - 1);
    assert_int_equal(strlen(s.err.message), sizeof s.err.message - 1);
    assert_memory_equal(s.err.message, longmsg, sizeof s.err.message - 1);
    for (size_t i = 0; i < sizeof s.guard; i++)
        assert_int_equal(s.guard[i], 'G');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/err-known-codes", base_err_known_codes),
        BH_TEST("base/err-table-consistent", base_err_table_consistent),
        BH_TEST("base/err-unknown-code", base_err_unknown_code),
        BH_TEST("base/err-http-titles", base_err_http_titles),
        BH_TEST("base/err-fail-fills", base_err_fail_fills),
        BH_TEST("base/err-fail-null-err", base_err_fail_null_err),
        BH_TEST("base/err-fail-truncates", base_err_fail_truncates),
    };
    return cmocka_run_group_tests_name("base/err", tests, NULL, NULL);
}
