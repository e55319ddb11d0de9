/* What the lists of needs and offers share (capacity.h: capacity_need_list and
 * capacity_offer_list): the check of their filters and the page itself, newest first with a
 * keyset cursor, the total and the "as of" time. Each list writes its own WHERE clause (its
 * columns and its predicate) and its own row JSON. */
#include "capacity/capacity.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "capacity/internal.h"

bool capacity__known(const char *const *list, const char *code)
{
    for (size_t i = 0; code && list[i]; i++)
        if (strcmp(list[i], code) == 0)
            return true;
    return false;
}

int capacity__list_filter_check(const struct capacity_filter *f, struct bh_error *err)
{
    if (f->status && strcmp(f->status, "open") != 0 && strcmp(f->status, "closed") != 0 &&
        strcmp(f->status, "withdrawn") != 0 && strcmp(f->status, "any") != 0)
        return bh_fail(err, BH_EINVALID, "status",
                       "status must be open, closed, withdrawn or any, not '%.40s'", f->status);
    if (f->category && !capacity__known(capacity_categories, f->category))
        return bh_fail(err, BH_EINVALID, "category", "unknown category '%.40s'", f->category);
    if (f->capability && !capacity_capability_find(f->capability))
        return bh_fail(err, BH_EINVALID, "capability", "unknown capability '%.60s'", f->capability);
    if (f->priority && !capacity_priority_weight(f->priority))
        return bh_fail(err, BH_EINVALID, "priority", "unknown priority '%.40s'", f->priority);
    if (f->limit < 0 || f->limit > 500)
        return bh_fail(err, BH_EINVALID, "limit", "limit must be between 1 and 500, not %d",
                       f->limit);
    if (f->after) {
        char *end;
        long long n = strtoll(f->after, &end, 10);
        if (!*f->after || *end || n <= 0)
            return bh_fail(err, BH_EINVALID, "after",
                           "after must be the \"next\" of the previous page, not '%.40s'",
                           f->after);
    }
    return 0;
}

int capacity__list_page(struct db *db, const struct principal *who, const struct capacity_filter *f,
                        const struct capacity__list *l, const char *where,
                        const struct db_params *wparams, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int limit = f->limit > 0 ? f->limit : 50;
    int64_t total = 0;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT count(*) FROM %s %s WHERE %s", l->table, l->alias, where);
    db_params_append(&params, wparams);
    int rc = db_exec_params(db, buf_str(&sql), &params, &total, NULL, err);
    db_params_cleanup(&params);

    buf_reset(&sql);
    buf_printf(&sql, "%s WHERE %s", l->select, where);
    db_params_append(&params, wparams);
    if (f->after) {
        buf_printf(&sql, " AND %s.n < ?", l->alias);
        db_params_int(&params, strtoll(f->after, NULL, 10));
    }
    buf_printf(&sql, " ORDER BY %s.n DESC LIMIT ?", l->alias);
    db_params_int(&params, limit + 1);
    json_t *items = json_array();
    char next[24] = "";
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    else
        db_params_cleanup(&params);
    int count = 0;
    int64_t last = 0;
    if (!rc) {
        while ((rc = db_step(st, err)) == DB_ROW) {
            if (count == limit) {
                snprintf(next, sizeof next, "%lld", (long long)last);
                break;
            }
            json_array_append_new(items, l->row(db, who, st));
            last = db_column_int(st, l->n_column);
            count++;
        }
        db_stmt_done(st);
    }
    rc = rc < 0 ? rc : 0;
    buf_cleanup(&sql);
    if (rc) {
        json_decref(items);
        return rc;
    }
    char as_of[40];
    time_format_rfc3339(time_now_ms(), 0, false, as_of);
    *out = json_pack("{s:o, s:I, s:o, s:s}", "items", items, "total", (json_int_t)total, "next",
                     next[0] ? json_string(next) : json_null(), "as_of", as_of);
    return 0;
}
