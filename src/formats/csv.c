#include "formats/csv.h"

#include "base/mem.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Bytes handed to libcsv at a time: large enough that the per-call overhead vanishes, small
 * enough that a progress bar moves and a stop requested by a callback wastes little. */
#define CSV_BLOCK (256u * 1024u)

struct reader {
    struct csv_parser p;
    const struct csv_reader_opts *o;
    struct bh_error *err;
    int rc; /* the first failure; once set, callbacks do nothing and the read stops */

    /* The record being collected: the fields one after another, each NUL-terminated. */
    char *buf;
    size_t len, cap;
    size_t *offs, *lens;
    char **ptrs;
    size_t nfields, fcap;

    /* Lines: `line` is the line the parser has reached, `row_line` the line the record being
     * collected starts on, `field_lines` the line breaks inside its quoted fields so far. */
    long line;
    long row_line;
    long field_lines;
    int prev_cr; /* the last terminator was a CR, so an LF right after it ends no new line */

    /* Where the consumed bytes end, for placing a syntax error libcsv reports by offset. */
    uint64_t consumed;
    long nl_before;    /* LFs in the consumed bytes */
    uint64_t since_nl; /* bytes after the last of them */
    int started;       /* the first block was seen (byte order mark handled) */
};

/* Records a fault in the text at `line` (and `column`, when known: 0 otherwise). */
static int fail_at(struct reader *r, long line, long column, const char *what)
{
    if (r->o->where) {
        r->o->where->line = line;
        r->o->where->column = column;
    }
    if (column > 0)
        bh_fail(r->err, BH_EINVALID, "line", "line %ld, column %ld: %s", line, column, what);
    else
        bh_fail(r->err, BH_EINVALID, "line", "line %ld: %s", line, what);
    r->rc = BH_EINVALID;
    return r->rc;
}

/* The length of the valid UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0 when it is
 * not one: overlong forms, surrogates and code points above U+10FFFF are refused. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
            return 0;
        return 4;
    }
    return 0;
}

/* Checks a field's bytes (text only: no NUL, valid UTF-8) and counts the line breaks inside
 * it (CRLF, LF and CR each one). Returns 0 or the error. */
static int check_field(struct reader *r, const unsigned char *s, size_t n)
{
    long breaks = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80)
            continue;
        if (c == '\n') {
            if (!(i > 0 && s[i - 1] == '\r'))
                breaks++;
        } else if (c == '\r') {
            breaks++;
        } else if (c == 0) {
            char what[96];
            snprintf(what, sizeof what,
                     "field %zu holds a NUL byte: this is a binary file, not CSV", r->nfields + 1);
            return fail_at(r, r->row_line + r->field_lines + breaks, 0, what);
        } else if (c >= 0x80) {
            size_t k = utf8_seq(s + i, n - i);
            if (k == 0) {
                char what[128];
                snprintf(what, sizeof what,
                         "field %zu is not valid UTF-8 (byte 0x%02X); save the file as UTF-8",
                         r->nfields + 1, c);
                return fail_at(r, r->row_line + r->field_lines + breaks, 0, what);
            }
            i += k - 1;
        }
    }
    r->field_lines += breaks;
    return 0;
}

static void on_field(void *data, size_t n, void *ctx)
{
    struct reader *r = ctx;
    if (r->rc)
        return;
    if (check_field(r, data, n))
        return;
    if (r->nfields == r->fcap) {
        r->fcap = r->fcap ? r->fcap * 2 : 16;
        r->offs = xrealloc(r->offs, r->fcap * sizeof *r->offs);
        r->lens = xrealloc(r->lens, r->fcap * sizeof *r->lens);
        r->ptrs = xrealloc(r->ptrs, r->fcap * sizeof *r->ptrs);
    }
    if (r->len + n + 1 > r->cap) {
        while (r->len + n + 1 > r->cap)
            r->cap = r->cap ? r->cap * 2 : 1024;
        r->buf = xrealloc(r->buf, r->cap);
    }
    if (n)
        memcpy(r->buf + r->len, data, n);
    r->buf[r->len + n] = '\0';
    r->offs[r->nfields] = r->len;
    r->lens[r->nfields] = n;
    r->nfields++;
    r->len += n + 1;
}

static void on_record_end(int c, void *ctx)
{
    struct reader *r = ctx;
    if (r->rc)
        return;
    if (r->nfields == 0) {
        /* A line with nothing on it, or the LF of a CRLF that already ended a record. */
        if (c == CSV_LF && r->prev_cr)
            r->prev_cr = 0;
        else if (c != -1) {
            r->line++;
            r->prev_cr = c == CSV_CR;
        }
        r->row_line = r->line;
        return;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->ptrs[i] = r->buf + r->offs[i];
    struct csv_row row = { r->ptrs, r->lens, r->nfields, r->row_line };
    int rc = r->o->on_row(r->o->ctx, &row, r->err);
    if (rc)
        r->rc = rc;
    r->line += r->field_lines + (c != -1);
    r->prev_cr = c == CSV_CR;
    r->row_line = r->line;
    r->field_lines = 0;
    r->nfields = 0;
    r->len = 0;
}

/* Moves the consumed-bytes bookkeeping past `n` bytes at `s`. */
static void advance(struct reader *r, const char *s, size_t n)
{
    const char *p = s, *end = s + n, *last = NULL;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) {
        r->nl_before++;
        last = p++;
    }
    r->since_nl = last ? (uint64_t)(end - last - 1) : r->since_nl + n;
    r->consumed += n;
}

/* Feeds one block; returns 0 or the error that stops the read. */
static int feed(struct reader *r, const char *s, size_t n)
{
    if (!r->started) {
        r->started = 1;
        if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
            advance(r, s, 3);
            s += 3;
            n -= 3;
        }
    }
    size_t done = csv_parse(&r->p, s, n, on_field, on_record_end, r);
    if (r->rc)
        return r->rc;
    if (done < n) {
        if (csv_error(&r->p) != CSV_EPARSE)
            bh_oom(n);
        advance(r, s, done);
        long line = r->nl_before + 1;
        long column = (long)r->since_nl + 1;
        return fail_at(r, line, column,
                       s[done] == '"'
                           ? "a quote inside an unquoted field (quote the whole field and "
                             "double the quote: \"a \"\"b\"\"\")"
                           : "text after the closing quote of a field");
    }
    advance(r, s, n);
    if (r->o->on_progress)
        r->o->on_progress(r->o->ctx, r->consumed);
    return 0;
}

static void reader_init(struct reader *r, const struct csv_reader_opts *o, struct bh_error *err)
{
    memset(r, 0, sizeof *r);
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
        bh_oom(sizeof r->p);
    /* libcsv grows its field buffer with realloc; ours aborts on exhaustion like every other
     * allocation in the program, so there is no half-parsed state to unwind. */
    csv_set_realloc_func(&r->p, xrealloc);
    csv_set_free_func(&r->p, free);
    r->o = o;
    r->err = err;
    r->line = 1;
    r->row_line = 1;
    if (o->where) {
        o->where->line = 0;
        o->where->column = 0;
    }
}

static int reader_finish(struct reader *r, int rc)
{
    if (!rc) {
        if (csv_fini(&r->p, on_field, on_record_end, r) != 0 && !r->rc) {
            char what[96];
            snprintf(what, sizeof what,
                     "a quoted field opened in the record on line %ld is never "
                     "closed",
                     r->row_line);
            fail_at(r, r->row_line, 0, what);
        }
        rc = r->rc;
    }
    csv_free(&r->p);
    free(r->buf);
    free(r->offs);
    free(r->lens);
    free(r->ptrs);
    return rc;
}

int csv_read_file(FILE *f, const struct csv_reader_opts *opts, struct bh_error *err)
{
    struct reader r;
    reader_init(&r, opts, err);
    char *block = xmalloc(CSV_BLOCK);
    int rc = 0;
    for (;;) {
        size_t n = fread(block, 1, CSV_BLOCK, f);
        if (n && (rc = feed(&r, block, n)))
            break;
        if (n < CSV_BLOCK) {
            if (ferror(f))
                rc = bh_fail(err, BH_EIO, NULL, "cannot read: %s", strerror(errno));
            break;
        }
    }
    free(block);
    return reader_finish(&r, rc);
}

int csv_read_mem(const char *data, size_t len, const struct csv_reader_opts *opts,
                 struct bh_error *err)
{
    struct reader r;
    reader_init(&r, opts, err);
    int rc = 0;
    for (size_t at = 0; at < len && !rc; at += CSV_BLOCK)
        rc = feed(&r, data + at, len - at < CSV_BLOCK ? len - at : CSV_BLOCK);
    return reader_finish(&r, rc);
}

void csv_trim(struct csv_row *row, size_t i)
{
    char *s = row->fields[i];
    size_t n = row->lens[i];
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    s[n] = '\0';
    size_t k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
        k++;
    row->fields[i] = s + k;
    row->lens[i] = n - k;
}

/* The characters that make a spreadsheet read a cell as a formula. */
static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, and nothing else: what a
 * spreadsheet reads as a number and never as a formula. */
static bool plain_number(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < len && is_digit(s[i]); i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp = 0;
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        for (; i < len && is_digit(s[i]); i++)
            exp++;
        if (exp == 0)
            return false;
    }
    return i == len;
}

bool csv_cell_needs_guard(const char *s, size_t len)
{
    size_t quotes = 0;
    while (quotes < len && s[quotes] == '\'')
        quotes++;
    if (quotes == len || !formula_start(s[quotes]))
        return false;
    /* A number only when nothing comes before its sign: '-12.5 is text that needs its quote
     * doubled, or it would read back as -12.5. */
    return quotes > 0 || !plain_number(s, len);
}

size_t csv_cell_guard_len(const char *s, size_t len)
{
    /* The writer makes this shape only by guarding, so the first quote is its guard. It never
     * writes '-12.5 (a number goes bare), and reading it as -12.5 keeps the rule one pattern,
     * which is what docs/formats.md tells people who write files for us. */
    if (len < 2 || s[0] != '\'')
        return 0;
    size_t quotes = 1;
    while (quotes < len && s[quotes] == '\'')
        quotes++;
    return quotes < len && formula_start(s[quotes]) ? 1 : 0;
}

void csv_unguard(struct csv_row *row, size_t i)
{
    size_t g = csv_cell_guard_len(row->fields[i], row->lens[i]);
    row->fields[i] += g;
    row->lens[i] -= g;
}
