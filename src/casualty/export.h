#ifndef BH_CASUALTY_EXPORT_H
#define BH_CASUALTY_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "casualty/casualty.h"
#include "db/db.h"
#include "principal/principal.h"

/* Export of the records a reader may see (through casualty_predicate()):
 *   un    the UN fatalities file's own columns and conventions (m49 as "250.0", an empty
 *         gender, "Local " with its trailing space), so that importing the UN file and
 *         exporting it gives its rows back (docs/casualties.md lists the differences);
 *   hxl   CSV with an HXL hashtag row, for HDX and the HXL tools;
 *   json  a JSON array of records as the API gives them. */

enum casualty_export_format {
    CASUALTY_EXPORT_UN,
    CASUALTY_EXPORT_HXL,
    CASUALTY_EXPORT_JSON,
    CASUALTY_EXPORT_COUNT
};

/* "un", "hxl", "json" to the format; -1 when unknown. */
int casualty_export_format_parse(const char *s);

/* The export read piece by piece, for a reply that streams it: memory stays constant in the
 * number of records. casualty_export_begin() checks the format and the filters and writes
 * the admin's audit entry (through `audit_db`; `db` only reads), so everything that can
 * refuse the export does so before the first byte. Each casualty_export_next() appends about
 * 64 KiB to `out` and returns 0 while more follow, 1 after the last piece, or a negative
 * code; the bytes are those of casualty_export(). Release with casualty_export_free(): its
 * open statement keeps one snapshot of the store for the whole export. */
struct casualty_export;
int casualty_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                          const struct casualty_filter *f, enum casualty_export_format fmt,
                          struct casualty_export **out, struct bh_error *err);
int casualty_export_next(struct casualty_export *x, struct buf *out, struct bh_error *err);

/* Records written so far. */
int64_t casualty_export_rows(const struct casualty_export *x);

/* Ends the export whether or not it was complete; NULL is allowed. Does not close `db`. */
void casualty_export_free(struct casualty_export *x);

/* Receives the export in pieces; returns 0, or a negative code to stop it. */
typedef int (*casualty_export_sink)(void *ctx, const char *data, size_t len);

/* Writes every record `who` may see that matches `f` to `sink` (through the functions above,
 * for the CLI and the tests): UN rows in the UN file's
 * order (its id column), then the members' records by incident date. An admin's export that
 * holds embargoed, RED or AMBER+STRICT records is audited (casualty.read) before any byte is
 * written. *rows (may be NULL) receives the number of records written. */
int casualty_export(struct db *db, const struct principal *who, const struct casualty_filter *f,
                    enum casualty_export_format fmt, casualty_export_sink sink, void *ctx,
                    int64_t *rows, struct bh_error *err);

#endif
