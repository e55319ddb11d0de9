/* Formula cells in the CSV this program writes (issue 9): a cell a spreadsheet would run as a
 * formula goes out behind a single quote, plain numbers stay numbers, and the readers of our
 * own files take the quote off, so that every text comes back byte for byte. */
#include "support.h"

#include "base/buf.h"
#include "formats/csv.h"
#include "formats/hxl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cell as hxl_csv_field writes it, alone on its line, without the line end (static). */
static const char *written(const char *s)
{
    static char out[256];
    struct buf b = BUF_INIT;
    hxl_csv_field(&b, s, true);
    snprintf(out, sizeof out, "%s", buf_str(&b));
    buf_cleanup(&b);
    return out;
}

/* The value csv_unguard leaves of the cell `s` (static). */
static const char *unguarded(const char *s)
{
    static char out[256];
    size_t g = csv_cell_guard_len(s, strlen(s));
    snprintf(out, sizeof out, "%s", s + g);
    return out;
}

/* csv/formula-guard: what is written for each tricky value (written by hand from the rule in
 * docs/formats.md), and that taking the guard off gives the value back. */
static void csv_formula_guard(void **state)
{
    (void)state;
    static const struct {
        const char *value, *cell;
    } cases[] = {
        /* Formulas and the characters that start one. */
        { "=1+1", "'=1+1" },
        { "@SUM(A1)", "'@SUM(A1)" },
        { "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0" },
        { "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0" },
        { "-", "'-" },
        { "+", "'+" },
        { "=", "'=" },
        { "\tx", "'\tx" },
        { "\t", "'\t" },
        /* A CR also makes the cell quoted; the guard goes inside the quotes. */
        { "\rx", "\"'\rx\"" },
        { "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
        /* Quotes already in front of a trigger get one more, so the reader can tell. */
        { "'=x", "''=x" },
        { "''@x", "'''@x" },
        { "'-12.5", "''-12.5" },
        { "'-", "''-" },
        /* Plain numbers stay numbers. */
        { "-12.5", "-12.5" },
        { "-0.0447", "-0.0447" },
        { "-7", "-7" },
        { "+3", "+3" },
        { "-.5", "-.5" },
        { "-5.", "-5." },
        { "-1e-3", "-1e-3" },
        { "-1.5E+10", "-1.5E+10" },
        /* ... but what only looks like one is guarded. */
        { "-1e", "'-1e" },
        { "-1-2", "'-1-2" },
        { "--5", "'--5" },
        { "-12.5 ", "'-12.5 " },
        { "-0x1A", "'-0x1A" },
        { "-.", "'-." },
        /* Everything else goes as it is. */
        { "", "" },
        { "'", "'" },
        { "''", "''" },
        { "'x", "'x" },
        { "'12", "'12" },
        { "x=1", "x=1" },
        { " =1+1", " =1+1" },
        { "12.5", "12.5" },
        { "Local ", "Local " },
        { "Côte d'Ivoire", "Côte d'Ivoire" },
        { "#event+id", "#event+id" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = written(cases[i].value);
        if (strcmp(got, cases[i].cell) != 0)
            fail_msg("'%s' written as [%s], expected [%s]", cases[i].value, got, cases[i].cell);
        /* The reader's side sees the cell without the CSV quoting. */
        const char *cell = cases[i].value;
        char guarded[256];
        if (csv_cell_needs_guard(cell, strlen(cell))) {
            snprintf(guarded, sizeof guarded, "'%s", cell);
            cell = guarded;
        }
        const char *back = unguarded(cell);
        if (strcmp(back, cases[i].value) != 0)
            fail_msg("'%s' read back as [%s]", cases[i].value, back);
    }
    /* A cell nobody guarded keeps its quote: only the shape the writer makes loses one. */
    assert_string_equal(unguarded("'x"), "'x");
    assert_string_equal(unguarded("'"), "'");
    assert_string_equal(unguarded("'12"), "'12");
    assert_string_equal(unguarded("=1+1"), "=1+1");
    assert_string_equal(unguarded("-12.5"), "-12.5");
    assert_string_equal(unguarded("'-12.5"), "-12.5");
    assert_string_equal(unguarded("''=x"), "'=x");
}

/* Every string over a small alphabet up to `len` characters, written then read back through
 * the guard, is itself: the mapping is a bijection, not only right on the chosen cases. */
static void exhaustive(char *s, size_t at, size_t len, size_t *n)
{
    static const char alphabet[] = "'=-+@\t\r1.eax";
    if (at > 0) {
        s[at] = '\0';
        char guarded[16];
        snprintf(guarded, sizeof guarded, "%s%s", csv_cell_needs_guard(s, at) ? "'" : "", s);
        size_t g = csv_cell_guard_len(guarded, strlen(guarded));
        if (strcmp(guarded + g, s) != 0)
            fail_msg("[%s] written as [%s] reads back as [%s]", s, guarded, guarded + g);
        /* A cell that goes out starting like a formula is a number, as strtod reads one (an
         * oracle independent of the code under test; the alphabet has no hex or "inf"). */
        if (strchr("=+-@\t\r", guarded[0])) {
            char *end;
            strtod(guarded, &end);
            if (*end != '\0' || guarded[0] == '\t' || guarded[0] == '\r')
                fail_msg("[%s] goes out unguarded but is no number", s);
        }
        ++*n;
    }
    if (at == len)
        return;
    for (const char *c = alphabet; *c; c++) {
        s[at] = *c;
        exhaustive(s, at + 1, len, n);
    }
}

/* csv/formula-bijection */
static void csv_formula_bijection(void **state)
{
    (void)state;
    char s[8];
    size_t n = 0;
    exhaustive(s, 0, 5, &n);
    assert_int_equal(n, 12 + 144 + 1728 + 20736 + 248832);
}

struct collected {
    char cells[8][64];
    size_t n;
};

static int collect(void *ctx, struct csv_row *row, struct bh_error *err)
{
    (void)err;
    struct collected *c = ctx;
    for (size_t i = 0; i < row->nfields && c->n < 8; i++) {
        csv_unguard(row, i);
        snprintf(c->cells[c->n++], sizeof c->cells[0], "%.*s", (int)row->lens[i], row->fields[i]);
    }
    return 0;
}

/* csv/formula-file-round-trip: a row written by the writer and read by the CSV reader comes
 * back cell for cell, tabs and CRs at the start included (unquoted, libcsv would drop a
 * leading tab; the guard keeps it). */
static void csv_formula_file_round_trip(void **state)
{
    (void)state;
    const char *values[] = { "=1+1", "'=x", "-12.5", "-", "\tx", "@SUM(A1)", "\rx", "plain" };
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < 8; i++)
        hxl_csv_field(&b, values[i], i == 0);
    hxl_csv_end_row(&b);
    assert_string_equal(buf_str(&b), "'=1+1,''=x,-12.5,'-,'\tx,'@SUM(A1),\"'\rx\",plain\n");
    struct collected c = { .n = 0 };
    struct csv_reader_opts o = { collect, NULL, &c, NULL };
    struct bh_error err;
    assert_int_equal(csv_read_mem(buf_str(&b), strlen(buf_str(&b)), &o, &err), 0);
    assert_int_equal(c.n, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(c.cells[i], values[i]);
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("csv/formula-guard", csv_formula_guard),
        BH_TEST("csv/formula-bijection", csv_formula_bijection),
        BH_TEST("csv/formula-file-round-trip", csv_formula_file_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
