#ifndef BH_FORMATS_CSV_H
#define BH_FORMATS_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* A streaming CSV reader over libcsv (RFC 4180 quoting, strict: a stray quote is an error,
 * not a guess). It reads a file or a memory buffer in blocks, hands each record to a callback
 * with the physical line the record starts on, and refuses what is not text: a NUL byte or
 * invalid UTF-8 anywhere stops the read with the line at fault. A UTF-8 byte order mark at
 * the start is skipped; blank lines are skipped (but counted); CRLF, LF and CR all end a line.
 *
 * Memory: one field buffer and one offsets array, grown to the widest record and reused for
 * every record, so reading a million rows allocates nothing per row. */

/* One record. The fields are NUL-terminated, writable (a parser may trim them in place) and
 * borrowed until the callback returns. Unquoted fields come without their leading and
 * trailing spaces and tabs (libcsv's rule); quoted fields exactly as written. */
struct csv_row {
    char **fields;
    size_t *lens;
    size_t nfields;
    long line; /* 1-based line of the file where the record starts */
};

/* Called for every record, the header included. Returns 0 to go on; a negative code stops
 * the read and becomes its result (`err` filled by the callback). */
typedef int (*csv_row_fn)(void *ctx, struct csv_row *row, struct bh_error *err);

/* Called after each block with the bytes consumed so far (for a progress bar). */
typedef void (*csv_progress_fn)(void *ctx, uint64_t bytes_done);

/* Where a read failed: the line and column (byte in that line, 1-based) when the fault is in
 * the text itself; 0 when it is not (an I/O error, a callback's own error). */
struct csv_position {
    long line;
    long column;
};

struct csv_reader_opts {
    csv_row_fn on_row;
    csv_progress_fn on_progress; /* may be NULL */
    void *ctx;
    struct csv_position *where; /* may be NULL; filled on a syntax or encoding error */
};

/* Reads `f` to its end. Returns 0, the callback's code, BH_EINVALID (syntax, NUL byte,
 * invalid UTF-8; `err` names the line) or BH_EIO. */
int csv_read_file(FILE *f, const struct csv_reader_opts *opts, struct bh_error *err);

/* The same over `len` bytes at `data` (a request body). */
int csv_read_mem(const char *data, size_t len, const struct csv_reader_opts *opts,
                 struct bh_error *err);

/* Removes leading and trailing ASCII whitespace (space, tab, CR, LF) from field `i` in
 * place. */
void csv_trim(struct csv_row *row, size_t i);

#endif
