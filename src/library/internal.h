#ifndef BH_LIBRARY_INTERNAL_H
#define BH_LIBRARY_INTERNAL_H

/* What the library's files share and nobody else needs. */

/* A comment `c` (document_comment) belongs to its document's current review round when it
 * was written against a version after the newest draft version: the round began with the
 * version the latest submission wrote. Versions order the writes exactly, where timestamps of
 * the same second would let an approval of the previous round count for this one. Used by the
 * publish rule (workflow.c) and by the counts a reader sees (document.c), which must agree. */
#define LIBRARY_CURRENT_ROUND_SQL                                                    \
    "c.version > (SELECT coalesce(max(v.version), 0) FROM document_version v WHERE " \
    "v.document_n = c.document_n AND v.status = 'draft')"

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* library_get without the audit of an admin's read, in document.c: for the export, which
 * audits every restricted document it will write at once before its first byte. */
int library_read(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Who is told about a document (comment.c, endorse.c), in version.c: its title (*title a
 * heap string, NULL for no such document) and its authors, the distinct accounts that wrote
 * its versions, ascending (*authors a heap array the caller frees, *count its length). */
int library_notice_title(struct db *db, int64_t n, char **title, struct bh_error *err);
int library_authors(struct db *db, int64_t n, int64_t **authors, size_t *count,
                    struct bh_error *err);

#endif
