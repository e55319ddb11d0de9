/* libFuzzer target: the CSV reader every importer reads through (formats/csv.c), fed
 * arbitrary bytes.
 *
 * Each input is read from memory and again from a FILE. Besides crashes and sanitizer reports,
 * a finding is a broken promise of csv.h: every record has a field, each field is
 * NUL-terminated at its length and holds no NUL byte, lines never go back, a failure is
 * BH_EINVALID or BH_EIO with a message (and a place when the text is at fault), both sources
 * agree, trimming keeps a field inside itself, and the formula guard round-trips every field
 * (what a writer guards, a reader unguards back to the same text).
 *
 * Run by tests/fuzz/run.sh (`make test`: the seeds in tests/fuzz/corpus/csv once, then a few
 * seconds of fuzzing; `make fuzz`: longer). */
#include "formats/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    long rows, last_line;
    uint64_t sum;
};

static void die(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

static void check_guard(const char *s, size_t len)
{
    /* The writer puts a quote before a guarded cell; the reader takes exactly that off. */
    char *w = malloc(len + 2);
    size_t wl = 0;
    if (csv_cell_needs_guard(s, len))
        w[wl++] = '\'';
    memcpy(w + wl, s, len);
    wl += len;
    size_t g = csv_cell_guard_len(w, wl);
    if (wl - g != len || memcmp(w + g, s, len) != 0)
        die("the formula guard does not round-trip a cell");
    free(w);
}

static int on_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    (void)err;
    struct seen *s = ctx;
    if (row->nfields == 0)
        die("a record without fields");
    if (row->line < 1 || row->line < s->last_line)
        die("a record's line goes back");
    s->rows++;
    s->last_line = row->line;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *f = row->fields[i];
        size_t n = row->lens[i];
        if (f[n] != '\0' || memchr(f, '\0', n))
            die("a field not NUL-terminated at its length, or holding a NUL");
        s->sum = s->sum * 31 + n + (n ? (unsigned char)f[0] : 0);
        check_guard(f, n);
        char *start = row->fields[i];
        csv_trim(row, i);
        if (row->fields[i] < start || row->fields[i] + row->lens[i] > start + n ||
            row->fields[i][row->lens[i]] != '\0')
            die("trimming left the field");
        csv_unguard(row, i);
    }
    s->sum = s->sum * 31 + (uint64_t)row->line;
    return 0;
}

static void check_failure(int rc, const struct bh_error *err, const struct csv_position *at)
{
    if (rc == 0)
        return;
    if (rc != BH_EINVALID && rc != BH_EIO)
        die("a failure that is neither BH_EINVALID nor BH_EIO");
    if (!memchr(err->message, '\0', sizeof err->message) || !err->message[0])
        die("a failure without a message");
    if (rc == BH_EINVALID && at->line < 1)
        die("a fault in the text without its line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen mem = { 0, 0, 0 }, file = { 0, 0, 0 };
    struct csv_position at_mem, at_file;
    struct csv_reader_opts opts = { on_row, NULL, &mem, &at_mem };
    struct bh_error err_mem, err_file;
    int rc_mem = csv_read_mem((const char *)data, size, &opts, &err_mem);
    check_failure(rc_mem, &err_mem, &at_mem);

    FILE *f = fmemopen(size ? (void *)data : (void *)"", size, "rb");
    if (!f)
        die("fmemopen failed");
    opts.ctx = &file;
    opts.where = &at_file;
    int rc_file = csv_read_file(f, &opts, &err_file);
    fclose(f);
    check_failure(rc_file, &err_file, &at_file);
    if (rc_mem != rc_file || mem.rows != file.rows || mem.sum != file.sum)
        die("memory and file give different records or results");
    if (rc_mem && (strcmp(err_mem.message, err_file.message) != 0 || at_mem.line != at_file.line ||
                   at_mem.column != at_file.column))
        die("memory and file fail differently");
    return 0;
}
