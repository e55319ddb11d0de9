#ifndef BH_FORMATS_CSV_H
#define BH_FORMATS_CSV_H

#include <stdbool.h>
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

/* Formula cells. A spreadsheet (Excel, LibreOffice, Google Sheets) takes a cell that begins
 * with '=', '+', '-', '@', a tab or a CR for a formula, and a formula in a file someone else
 * wrote can start programs or send the sheet's contents away (OWASP, "CSV Injection"). So
 * every CSV this program writes guards such a cell with a single quote in front, which
 * spreadsheets show as text, and the readers of its own files take that quote off again.
 *
 * The rule is a bijection, so the round trip is exact for every text: a cell matching
 * ^'*[=+\-@\t\r] gets one more quote on the way out ("=1+1" is written '=1+1, "'=x" is
 * written ''=x), and a cell matching ^'+[=+\-@\t\r] loses one on the way in. A plain number
 * ("-12.5", "+3", "-1e-3") is no formula and is written as it is, so coordinates and counts
 * stay numbers for QGIS, R and pandas (docs/formats.md). */

/* Whether a writer must put a quote before the cell `s` of `len` bytes. */
bool csv_cell_needs_guard(const char *s, size_t len);

/* How many bytes at the start of the cell `s` (`len` bytes) are the guard a writer put
 * there: 1 when the cell matches ^'+[=+\-@\t\r], else 0. */
size_t csv_cell_guard_len(const char *s, size_t len);

/* Takes the guard off field `i` in place. A reader that trims a field does it first: the
 * guard is the first byte the writer wrote. */
void csv_unguard(struct csv_row *row, size_t i);

#endif
