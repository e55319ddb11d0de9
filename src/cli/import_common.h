#ifndef BH_CLI_IMPORT_COMMON_H
#define BH_CLI_IMPORT_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "import/import.h"

/* What every `bluehelm import ...` command shares: opening its FILE, the progress bar, and
 * printing the report's rejections and warnings. */

/* Opens `path` into `in` (`-` is stdin, named "stdin"), with its size when it is a regular
 * file. On failure prints "CMD: cannot open PATH: why" and returns CLI_FAILED. */
int cli_import_open(const char *cmd, const char *path, struct import_input *in);

/* Closes what cli_import_open() opened (never stdin). */
void cli_import_close(struct import_input *in);

/* Prints each listed rejection as "PLACE: FIELD: REASON" on a line of its own: PLACE is the
 * importer's label when it gave one (the label then names the record in full, and FIELD is
 * left out, the reason naming it), else "line N" or "feature N (line M)"; FIELD only when the
 * record was refused for one field. Then, when the report lists fewer than it counted,
 * "... and N more rejected records". */
void cli_print_rejections(FILE *out, const struct import_report *r);

/* Prints each warning as "PLACE: warning: TEXT". */
void cli_print_warnings(FILE *out, const struct import_report *r);

/* The progress bar every import command draws on stderr while it reads:
 *   NAME [###########...................]  37% 120000 rows
 * or, when the size is unknown (a pipe), NAME 120000 rows, 5120 KiB. Drawn only when stderr
 * is a terminal (a pipe or a log file gets no carriage-return noise), at most ten times a
 * second. */
struct cli_progress {
    const char *name; /* the file's name */
    const char *unit; /* what is counted, N_("rows"), N_("records"): shown translated */
    int64_t last_ms;
    bool tty, drawn;
};

void cli_progress_init(struct cli_progress *p, const char *name, const char *unit);

/* The import_progress_fn to hand an importer with `p` as its context: NULL when stderr is not
 * a terminal, so the importer does not even call it. */
import_progress_fn cli_progress_fn(const struct cli_progress *p);

/* An import_progress_fn: redraws the bar unless it was drawn less than 100 ms ago. */
void cli_progress_update(void *p, uint64_t done, uint64_t total, int64_t records);

/* After the import: on success the bar is drawn once more at its end and kept (a newline);
 * on failure it is cleared, so that the error stands alone. */
void cli_progress_end(struct cli_progress *p, bool ok, uint64_t total, int64_t records);

#endif
