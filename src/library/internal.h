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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "library/library.h"
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

/* ---- search_sqlite.c: what the in-memory index (search_memory.c) needs of FTS5 ---- */

/* The index's columns, in document_fts's order, and bm25()'s weight of each. */
#define LIBRARY_INDEX_COLUMNS 5
extern const double library_index_weights[LIBRARY_INDEX_COLUMNS];

/* document_fts's tokenizer (FTS5's porter over unicode61, diacritics removed), for
 * db_tokenize(): the words the in-memory index counts are the index's own. */
int library_tokenizer_open(struct db *db, struct db_tokenizer **out, struct bh_error *err);

/* Prepares the statement reading the index's own copy of the words of document n (n > 0) or
 * of every document (n == 0, rowid order): columns rowid, then LIBRARY_INDEX_COLUMNS texts. */
int library_index_texts(struct db *db, int64_t n, struct db_stmt **out, struct bh_error *err);

/* ---- search_memory.c, for library_search() in search_sqlite.c ---- */

/* A ranked page the in-memory index found: the documents' n and bm25() (lower is better, as
 * FTS5 gives it), in order; the total of visible matches; the facets when asked for, as
 * library_search() returns them but without labels. */
struct library_memory_page {
    int64_t *n;
    double *score;
    size_t count;
    bool more;
    int64_t total;
    json_t *facets;
};
void library_memory_page_cleanup(struct library_memory_page *page);

/* Answers the search from the copy: 0 with *answered true and `page` filled, or 0 with
 * *answered false when it cannot (see library_search_engine); `match` is
 * library_fts_query()'s expression, `offset` the cursor's. */
int library_memory_search(struct db *db, const struct principal *who, const struct library_query *q,
                          const char *match, long offset, struct library_memory_page *page,
                          bool *answered, struct bh_error *err);

#endif
