#ifndef BH_SHARING_READER_H
#define BH_SHARING_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

/* THE visibility rule of sharing_draft_predicate() (sharing.h), evaluated in memory for code
 * that checks tens of thousands of rows per request against one reader: the library's
 * in-memory search counts every match of a word found in most documents. The SQL predicate
 * stays the authority: what such code shows is read through it again, and
 * unit/sharing_reader checks that the two agree on every combination of role, marking,
 * owner, group, recipient and status.
 *
 * The reader's own sets (the (group, owner) pairs whose owner accepted the reader's
 * organization, and the RED records naming the reader's account) are read once by
 * sharing_reader_load(); nothing of the rule is cached past the request. */
struct sharing_audience_pair {
    int64_t group_id, owner_org_id;
};

struct sharing_reader {
    enum { SHARING_READS_ALL, SHARING_READS_CLEAR, SHARING_READS_MEMBER } reads;
    int64_t org_id;                      /* 0 for none */
    struct sharing_audience_pair *pairs; /* sorted */
    size_t npairs;
    char **red; /* record ids of record_type naming the reader's account, sorted */
    size_t nred;
};

/* Reads the sets of `who` (NULL: anonymous) for records of `record_type` ("document"). */
int sharing_reader_load(struct db *db, const struct principal *who, const char *record_type,
                        struct sharing_reader *r, struct bh_error *err);
void sharing_reader_cleanup(struct sharing_reader *r);

/* Whether the reader sees a row with these columns: what sharing_draft_predicate() would
 * say of it (`is_draft`: its status is 'draft'; false for records without drafts, where the
 * rule is sharing_predicate()'s). `record_id` is the row's id, read for RED rows only. */
bool sharing_reader_sees(const struct sharing_reader *r, enum tlp tlp, int64_t owner_org_id,
                         int64_t sharing_group_id, const char *record_id, bool is_draft);

#endif
