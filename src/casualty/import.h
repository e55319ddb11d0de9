#ifndef BH_CASUALTY_IMPORT_H
#define BH_CASUALTY_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "account/role.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "formats/csv.h"

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

/* Where the CSV comes from: a file (read to its end) or bytes in memory. */
struct casualty_import_input {
    const char *name; /* for messages and the audit entry: the file's name, or "upload" */
    FILE *file;       /* when not NULL, read from here; else from data/len */
    const char *data;
    size_t len;
    uint64_t size; /* bytes expected, for progress; 0 when unknown */
};

/* Called every block of input with the bytes read so far and the data rows seen. */
typedef void (*casualty_import_progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                                         int64_t rows);

struct casualty_import_rejection {
    long line;
    const char *reason;
};

/* What an import did. Initialize with casualty_import_report_init() and release with
 * casualty_import_report_cleanup(); an import fills it. */
struct casualty_import_report {
    const char *format; /* "un-fatalities", "ipi-monthly" or "owid-yearly" */
    const char *table;  /* the table written */
    int64_t rows;       /* data rows read (the header not counted) */
    int64_t added, updated, unchanged, rejected;
    struct casualty_import_rejection *rejections; /* `rejected` of them, in line order */
    struct csv_position where; /* of a failure of the whole file, when the text is at fault */
    struct arena *arena;       /* holds the reasons */
    size_t rejections_cap;
};

void casualty_import_report_init(struct casualty_import_report *r);
void casualty_import_report_cleanup(struct casualty_import_report *r);

/* Imports the UN fatalities file as `who`. Records are keyed by casualty_id: a new one is
 * added, one whose values differ is updated, the same is left alone. They are written as the
 * UN published them: source "un", released (released_by CASUALTY_UN_RELEASED_BY), TLP:CLEAR,
 * owned by the member-state organization of the nationality's ISO3 code when there is one,
 * else by CASUALTY_UN_PUBLISHER_ORG, which must exist (BH_ENOTFOUND otherwise). Audited as
 * casualty.import. A failure of the whole file is BH_EINVALID with err naming the line (and
 * report->where set); a store failure is its code. `progress` may be NULL. */
int casualty_import_un_fatalities(struct db *db, const struct principal *who,
                                  const struct casualty_import_input *in,
                                  casualty_import_progress progress, void *progress_ctx,
                                  struct casualty_import_report *report, struct bh_error *err);

/* Imports deployment figures, recognizing the layout by its header: IPI's monthly personnel
 * per mission into deployment_monthly (key: mission and month), OWID's yearly world totals
 * into deployment_yearly (key: year). Same rules and report as above; audited as
 * deployment.import. */
int casualty_import_deployments(struct db *db, const struct principal *who,
                                const struct casualty_import_input *in,
                                casualty_import_progress progress, void *progress_ctx,
                                struct casualty_import_report *report, struct bh_error *err);

/* The report as the API gives it: {"format","table","rows","added","updated","unchanged",
 * "rejected":[{"line","reason"}],"rejected_count"}. A new reference. */
json_t *casualty_import_report_json(const struct casualty_import_report *r);

#endif
