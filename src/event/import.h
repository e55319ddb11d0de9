#ifndef BH_EVENT_IMPORT_H
#define BH_EVENT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "import/import.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

/* Imports of conflict events recorded by others into the context layer (docs/events.md):
 * UCDP GED (GeoJSON or CSV) and ACLED (CSV, dyadic or monadic).
 *
 * The rules are those of the casualty imports (`bluehelm import un-fatalities`), so that every
 * import behaves alike:
 *   - one transaction with one audit entry (action event.import) counting what it did;
 *   - a file that is not the format at all (not JSON, not a FeatureCollection, a CSV header
 *     without the needed columns, broken quoting) fails as a whole and changes nothing;
 *   - a row (feature) with a bad value is rejected on its own, listed with its line (feature
 *     index) and id and the field at fault, and the others are imported; with `strict`, any
 *     rejected row makes the whole import fail and nothing is written;
 *   - events are keyed by (source, source_id): a new one is added, a changed one updated in
 *     place, an identical one left alone, so importing the same file twice writes nothing;
 *   - the same key twice in one file is rejected on the second (ACLED's monadic layout is the
 *     exception: its two rows of one event are one event). */

/* The organization that owns imported events unless the caller names another: like the UN
 * fatalities import, published data goes to the UN secretariat's organization, not to the
 * command-line operator (who has none). */
#define EVENT_IMPORT_DEFAULT_ORG "DPO"

/* Events before this date are refused: neither source codes anything earlier, and the
 * incident register uses the same bound (UN peacekeeping began in 1948). */
#define EVENT_IMPORT_EARLIEST "1948-01-01"

/* The input and the report are the shared import types (import/import.h). A rejection's (and
 * a warning's) label names the row as "line 12 (CAF1234)" or "feature 7 (id 36210)"; the
 * report's source is "ucdp" or "acled", its format "geojson", "csv", "dyadic" or "monadic",
 * its events the distinct events among the rows (fewer in ACLED's monadic layout), its
 * fallback the events stored under a catch-all type (see the warnings). */

struct event_import_options {
    enum tlp tlp;              /* TLP_GREEN unless the caller says otherwise */
    const char *sharing_group; /* AMBER: the group's name or id; NULL otherwise */
    const char *owner_org;     /* organization code; NULL: EVENT_IMPORT_DEFAULT_ORG */
    bool strict;               /* a rejected row fails the whole import */
};

/* Defaults: TLP:GREEN, no group, the default owner, not strict. */
void event_import_options_init(struct event_import_options *o);

/* Imports a UCDP GED file as `who`. Maps each event as docs/events.md says (source "ucdp",
 * source_id the GED id, the taxonomy's UCDP crosswalk). Returns 0 (the report says what
 * happened, rejections included), BH_EINVALID for a file that is not GED, for options that do
 * not hold (tlp, sharing_group) or, when strict, for rejected rows; BH_ENOTFOUND (field "org")
 * when the owner organization does not exist; a store failure's code. On failure nothing is
 * written and the report's added/updated/unchanged are 0. */
int event_import_ucdp(struct db *db, const struct principal *who, const struct import_input *in,
                      const struct event_import_options *opt, struct import_report *report,
                      struct bh_error *err);

/* Imports an ACLED CSV export as `who`, the same way. The rows of one event_id_cnty in the
 * monadic layout become one event, actor1 from its first row and actor2 from its second.
 * ACLED's terms forbid public redistribution, so TLP:CLEAR is refused (field "tlp"). */
int event_import_acled(struct db *db, const struct principal *who, const struct import_input *in,
                       const struct event_import_options *opt, struct import_report *report,
                       struct bh_error *err);

/* The report as JSON: {source, format, rows, events, added, updated, unchanged, rejected,
 * fallback, rejections:[{where,reason}], warnings:[{where,warning}]}. A new reference. */
json_t *event_import_report_json(const struct import_report *r);

#endif
