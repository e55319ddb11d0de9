#ifndef BH_CASUALTY_EXPORT_H
#define BH_CASUALTY_EXPORT_H

#include <stddef.h>
#include <stdint.h>

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

/* Receives the export in pieces; returns 0, or a negative code to stop it. */
typedef int (*casualty_export_sink)(void *ctx, const char *data, size_t len);

/* Writes every record `who` may see that matches `f` to `sink`: UN rows in the UN file's
 * order (its id column), then the members' records by incident date. An admin's export that
 * holds embargoed, RED or AMBER+STRICT records is audited (casualty.read) before any byte is
 * written. *rows (may be NULL) receives the number of records written. */
int casualty_export(struct db *db, const struct principal *who, const struct casualty_filter *f,
                    enum casualty_export_format fmt, casualty_export_sink sink, void *ctx,
                    int64_t *rows, struct bh_error *err);

#endif
