#include "sharing/record.h"

int sharing_select_by_id(struct db *db, const struct principal *who, const char *select_sql,
                         const char *alias, sharing_predicate_fn predicate, const char *id,
                         struct db_stmt **st, const char *not_found, struct bh_error *err)
{
    *st = NULL;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "%sWHERE %s.id = ?", select_sql, alias);
    db_params_text(&params, id);
    if (predicate) {
        buf_puts(&sql, " AND ");
        predicate(who, alias, &sql, &params);
    }
    int rc = db_prepare_bound(db, buf_str(&sql), &params, st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(*st, err);
    if (rc == DB_ROW)
        return 0;
    db_stmt_done(*st);
    *st = NULL;
    /* The format is the caller's N_() literal, translated by bh_fail as any other. */
    return rc < 0 ? rc : bh_fail(err, BH_ENOTFOUND, "id", not_found, id);
}
