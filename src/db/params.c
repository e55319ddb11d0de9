/* Bind-value lists and the one-statement runner: written once over db.h, so they serve every
 * driver. */
#include "db/db.h"

#include "base/mem.h"

#include <stdlib.h>

static struct db_param *append(struct db_params *p, enum db_param_kind kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    struct db_param *v = &p->v[p->n++];
    *v = (struct db_param){ .kind = kind };
    return v;
}

void db_params_int(struct db_params *p, int64_t v)
{
    append(p, DB_PARAM_INT)->i = v;
}

void db_params_double(struct db_params *p, double v)
{
    append(p, DB_PARAM_DOUBLE)->d = v;
}

void db_params_text(struct db_params *p, const char *v)
{
    if (!v)
        db_params_null(p);
    else
        append(p, DB_PARAM_TEXT)->s = xstrdup(v);
}

void db_params_null(struct db_params *p)
{
    append(p, DB_PARAM_NULL);
}

void db_params_append(struct db_params *dst, const struct db_params *src)
{
    for (size_t i = 0; src && i < src->n; i++) {
        const struct db_param *v = &src->v[i];
        if (v->kind == DB_PARAM_TEXT)
            db_params_text(dst, v->s);
        else
            *append(dst, v->kind) = *v;
    }
}

void db_params_cleanup(struct db_params *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].kind == DB_PARAM_TEXT)
            free((void *)p->v[i].s);
    free(p->v);
    *p = (struct db_params)DB_PARAMS_INIT;
}

int db_params_bind(struct db_stmt *st, const struct db_params *p)
{
    int k = 1;
    for (size_t i = 0; p && i < p->n; i++, k++) {
        const struct db_param *v = &p->v[i];
        int rc;
        switch (v->kind) {
        case DB_PARAM_INT:
            rc = db_bind_int(st, k, v->i);
            break;
        case DB_PARAM_DOUBLE:
            rc = db_bind_double(st, k, v->d);
            break;
        case DB_PARAM_TEXT:
            rc = db_bind_text(st, k, v->s);
            break;
        default:
            rc = db_bind_null(st, k);
            break;
        }
        if (rc)
            return rc;
    }
    return k;
}

int db_exec_params(struct db *db, const char *sql, const struct db_params *params, int64_t *first,
                   bool *found, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_params_bind(st, params);
    if (rc < 0) {
        db_stmt_done(st);
        return bh_fail(err, rc, NULL, "store %s: cannot bind the values of a statement",
                       db_path(db));
    }
    rc = db_step(st, err);
    if (found)
        *found = rc == DB_ROW;
    if (rc == DB_ROW && first)
        *first = db_column_int(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int db_prepare_bound(struct db *db, const char *sql, struct db_params *params, struct db_stmt **out,
                     struct bh_error *err)
{
    int rc = db_prepare(db, sql, out, err);
    if (rc == 0)
        db_params_bind(*out, params);
    db_params_cleanup(params);
    return rc;
}
