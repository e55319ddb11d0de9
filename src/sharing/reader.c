/* The sharing rule in memory (reader.h). Each branch below is one line of
 * sharing_predicate() and sharing_draft_predicate() in sharing.c, in the same order: a change
 * of the rule there is a change here, and unit/sharing_reader fails until both agree. */
#include "sharing/reader.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

static int pair_cmp(const void *a, const void *b)
{
    const struct sharing_audience_pair *x = a, *y = b;
    if (x->group_id != y->group_id)
        return x->group_id < y->group_id ? -1 : 1;
    if (x->owner_org_id != y->owner_org_id)
        return x->owner_org_id < y->owner_org_id ? -1 : 1;
    return 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs `sql` with the two ints bound and appends each row's columns to r's pairs (two
 * integers) or red ids (one text). */
static int load_rows(struct db *db, const char *sql, const char *text, int64_t id,
                     struct sharing_reader *r, bool pairs, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, 1, text);
    db_bind_int(st, text ? 2 : 1, id);
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (pairs) {
            if (r->npairs == cap) {
                cap = cap ? cap * 2 : 16;
                r->pairs = xrealloc(r->pairs, cap * sizeof *r->pairs);
            }
            r->pairs[r->npairs].group_id = db_column_int(st, 0);
            r->pairs[r->npairs++].owner_org_id = db_column_int(st, 1);
        } else {
            if (r->nred == cap) {
                cap = cap ? cap * 2 : 16;
                r->red = xrealloc(r->red, cap * sizeof *r->red);
            }
            r->red[r->nred++] = xstrdup(db_column_text(st, 0));
        }
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int sharing_reader_load(struct db *db, const struct principal *who, const char *record_type,
                        struct sharing_reader *r, struct bh_error *err)
{
    memset(r, 0, sizeof *r);
    if (who && who->role == ROLE_ADMIN) {
        r->reads = SHARING_READS_ALL;
        return 0;
    }
    if (!who || !role_can(who->role, PERM_RECORD_READ)) {
        r->reads = SHARING_READS_CLEAR;
        r->org_id = who ? who->org_id : 0;
        return 0;
    }
    r->reads = SHARING_READS_MEMBER;
    r->org_id = who->org_id;
    int rc = load_rows(db, "SELECT group_id, owner_org_id FROM sharing_audience WHERE org_id = ?",
                       NULL, who->org_id, r, true, err);
    if (!rc)
        rc = load_rows(db,
                       "SELECT record_id FROM tlp_recipient WHERE record_type = ? AND "
                       "account_id = ?",
                       record_type, who->account_id, r, false, err);
    if (rc) {
        sharing_reader_cleanup(r);
        return rc;
    }
    if (r->npairs > 1)
        qsort(r->pairs, r->npairs, sizeof *r->pairs, pair_cmp);
    if (r->nred > 1)
        qsort(r->red, r->nred, sizeof *r->red, str_cmp);
    return 0;
}

void sharing_reader_cleanup(struct sharing_reader *r)
{
    for (size_t i = 0; i < r->nred; i++)
        free(r->red[i]);
    free(r->red);
    free(r->pairs);
    memset(r, 0, sizeof *r);
}

static bool marking_reads(const struct sharing_reader *r, enum tlp tlp, int64_t owner_org_id,
                          int64_t sharing_group_id, const char *record_id)
{
    switch (r->reads) {
    case SHARING_READS_ALL:
        return true;
    case SHARING_READS_CLEAR:
        return tlp == TLP_CLEAR;
    case SHARING_READS_MEMBER:
        break;
    }
    if (tlp == TLP_CLEAR || tlp == TLP_GREEN)
        return true;
    if ((tlp == TLP_AMBER || tlp == TLP_AMBER_STRICT) && owner_org_id == r->org_id)
        return true;
    if (tlp == TLP_AMBER && r->npairs) {
        struct sharing_audience_pair key = { sharing_group_id, owner_org_id };
        if (bsearch(&key, r->pairs, r->npairs, sizeof *r->pairs, pair_cmp))
            return true;
    }
    if (tlp == TLP_RED && r->nred && record_id)
        return bsearch(&record_id, r->red, r->nred, sizeof *r->red, str_cmp) != NULL;
    return false;
}

bool sharing_reader_sees(const struct sharing_reader *r, enum tlp tlp, int64_t owner_org_id,
                         int64_t sharing_group_id, const char *record_id, bool is_draft)
{
    if (!marking_reads(r, tlp, owner_org_id, sharing_group_id, record_id))
        return false;
    /* The draft rule: a draft is its organization's working copy (admins see it all). */
    if (r->reads == SHARING_READS_ALL || !is_draft)
        return true;
    return r->org_id > 0 && owner_org_id == r->org_id;
}
