#ifndef BH_CASUALTY_IMPORT_H
#define BH_CASUALTY_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "import/import.h"
#include "principal/principal.h"

/* Imports of published data into the casualty register: the UN peacekeeping fatalities
 * file, and the deployment figures that casualty rates divide by. docs/formats.md describes
 * the files, their quirks and what the import does with each.
 *
 * Every import is one transaction with one audit entry that counts what it did. A file that
 * cannot be read as its format (wrong or missing header, an empty or binary file, broken
 * quoting) fails as a whole and changes nothing. A row that can be read but holds a value
 * outside the vocabulary, an unknown mission, a bad date, or a key already seen in the file
 * is rejected on its own, with its line and the reason, and the rest are imported. Running
 * the same file again adds nothing and updates nothing. */

/* Who released the UN's records: they were published by the UN, not released here. */
#define CASUALTY_UN_RELEASED_BY "UN DPPA/DPO published dataset"

/* The organization that owns a UN record whose nationality has no organization here. */
#define CASUALTY_UN_PUBLISHER_ORG "DPO"

/* The input, the progress callback and the report are the shared import types
 * (import/import.h). A report's rejections carry the line and the reason (field ""); its
 * `table` says which table was written and `where` the place of a failure of the whole file
 * when the text is at fault. */

/* Imports the UN fatalities file as `who`. Records are keyed by the file's own row `id`
 * (stored as source_row), not by casualty_id, which the UN repeats for a few persons listed
 * twice (rows that share one are listed by casualty_conflicts()): a new id is added, one
 * whose values differ (its casualty_id among them) is updated, the same is left alone; a row
 * without an id, or with one an earlier line of the file gave, is rejected. A new id whose
 * casualty_id is a member's record's becomes that record (the UN's now), once. Rows are
 * written as the UN published them: source "un", released (released_by
 * CASUALTY_UN_RELEASED_BY), TLP:CLEAR, owned by the member-state organization of the
 * nationality's ISO3 code when there is one, else by CASUALTY_UN_PUBLISHER_ORG, which must
 * exist (BH_ENOTFOUND otherwise). Audited as casualty.import. A failure of the whole file is
 * BH_EINVALID with err naming the line (and report->where set); a store failure is its code.
 * `progress` may be NULL. */
int casualty_import_un_fatalities(struct db *db, const struct principal *who,
                                  const struct import_input *in, import_progress_fn progress,
                                  void *progress_ctx, struct import_report *report,
                                  struct bh_error *err);

/* Imports deployment figures, recognizing the layout by its header: IPI's monthly personnel
 * per mission into deployment_monthly (key: mission and month), OWID's yearly world totals
 * into deployment_yearly (key: year). Same rules and report as above; audited as
 * deployment.import. The reader is casualty/import_deployments.c. */
int casualty_import_deployments(struct db *db, const struct principal *who,
                                const struct import_input *in, import_progress_fn progress,
                                void *progress_ctx, struct import_report *report,
                                struct bh_error *err);

/* The report as the API gives it: {"format","table","rows","added","updated","unchanged",
 * "rejected":[{"line","reason"}],"rejected_count"}. A new reference. */
json_t *casualty_import_report_json(const struct import_report *r);

#endif
