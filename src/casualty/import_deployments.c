/* Deployment figures into the casualty register, the denominators of rates: IPI's monthly
 * personnel per mission and OWID's yearly world totals (import.h says what the import
 * promises, formats/deployments.h reads the layouts). */
#include "casualty/import_run.h"

#include "base/buf.h"
#include "formats/deployments.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct deploy_state {
    struct deploy_layout layout;
    struct buf key;
};

static const char monthly_insert_sql[] =
    "INSERT INTO deployment_monthly (mission, month, troops, police, observers, total) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char monthly_update_sql[] =
    "UPDATE deployment_monthly SET troops = ?, police = ?, observers = ?, total = ? "
    "WHERE mission = ? AND month = ?";
static const char yearly_insert_sql[] =
    "INSERT INTO deployment_yearly (missions, total, troops, police, observers, year) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char yearly_update_sql[] =
    "UPDATE deployment_yearly SET missions = ?, total = ?, troops = ?, police = ?, "
    "observers = ? WHERE year = ?";

/* A count as stored: -1 stands for NULL in fingerprints. */
static int64_t count_or_null(const struct deploy_count *c)
{
    return c->present ? c->n : -1;
}

static void bind_count(struct db_stmt *st, int i, int64_t v)
{
    if (v < 0)
        db_bind_null(st, i);
    else
        db_bind_int(st, i, v);
}

static int64_t col_count(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? -1 : db_column_int(st, col);
}

static uint64_t counts_fingerprint(const int64_t *v, int n)
{
    uint64_t h = HASH_SEED;
    for (int i = 0; i < n; i++)
        h = hash_chain_int(h, v[i]);
    return hash_mix64(h);
}

/* The key of a monthly figure: mission and month, with a separator no acronym holds. */
static void monthly_key(struct buf *b, const char *mission, const char *month)
{
    buf_reset(b);
    buf_puts(b, mission);
    buf_putc(b, '\x1f');
    buf_puts(b, month);
}

static int deploy_header(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    struct deploy_state *s = r->state;
    int rc = deploy_layout_from_header(row, &s->layout, err);
    if (rc)
        return rc;
    bool monthly = s->layout.format == DEPLOY_IPI_MONTHLY;
    r->rep->format = monthly ? "ipi-monthly" : "owid-yearly";
    r->rep->table = monthly ? "deployment_monthly" : "deployment_yearly";

    /* The table's keys and fingerprints, now that the layout says which table. */
    int64_t existing = 0;
    rc = db_query_int(r->db,
                      monthly ? "SELECT count(*) FROM deployment_monthly"
                              : "SELECT count(*) FROM deployment_yearly",
                      0, &existing, err);
    if (rc)
        return rc;
    hashmap_init(&r->seen, sizeof(struct sval), (size_t)existing + 256);
    struct db_stmt *st;
    rc = db_prepare(r->db,
                    monthly ? "SELECT mission, month, troops, police, observers, total "
                              "FROM deployment_monthly"
                            : "SELECT year, missions, total, troops, police, observers "
                              "FROM deployment_yearly",
                    &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t v[5];
        if (monthly) {
            monthly_key(&s->key, db_column_text(st, 0), db_column_text(st, 1));
            for (int i = 0; i < 4; i++)
                v[i] = col_count(st, 2 + i);
        } else {
            buf_reset(&s->key);
            buf_printf(&s->key, "%lld", (long long)db_column_int(st, 0));
            for (int i = 0; i < 5; i++)
                v[i] = col_count(st, 1 + i);
        }
        struct sval *e = hashmap_putn(&r->seen, s->key.data, s->key.len, NULL);
        uint64_t fp = counts_fingerprint(v, monthly ? 4 : 5);
        e->v.u = fp ? fp : 1;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int deploy_prepare(struct import_run *r, struct bh_error *err)
{
    (void)r;
    (void)err;
    return 0; /* the header decides the table; deploy_header reads it */
}

static int deploy_exec(struct import_run *r, const char *sql, const int64_t *v, int nv,
                       const char *text1, const char *text2, int64_t year, bool texts_first,
                       struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(r->db, sql, &st, err);
    if (rc)
        return rc;
    int i = 1;
    if (texts_first) {
        db_bind_text(st, i++, text1);
        db_bind_text(st, i++, text2);
    }
    for (int k = 0; k < nv; k++)
        bind_count(st, i++, v[k]);
    if (!texts_first) {
        if (text1) {
            db_bind_text(st, i++, text1);
            db_bind_text(st, i++, text2);
        } else {
            db_bind_int(st, i++, year);
        }
    }
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int deploy_row(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    struct deploy_state *s = r->state;
    struct bh_error why;
    int64_t v[5];
    int outcome, rc = 0;
    if (s->layout.format == DEPLOY_IPI_MONTHLY) {
        struct deploy_monthly m;
        if (deploy_monthly_parse(&s->layout, row, &m, &why))
            return casualty__rejectf(r, row->line, "%s", why.message);
        v[0] = count_or_null(&m.troops);
        v[1] = count_or_null(&m.police);
        v[2] = count_or_null(&m.observers);
        v[3] = m.total;
        monthly_key(&s->key, m.mission, m.month);
        char shown[64];
        snprintf(shown, sizeof shown, "%.32s %s", m.mission, m.month);
        outcome = casualty__row_outcome(r, s->key.data, s->key.len, counts_fingerprint(v, 4),
                                        row->line, "mission and month", shown, NULL);
        if (outcome == ROW_NEW)
            rc = deploy_exec(r, monthly_insert_sql, v, 4, m.mission, m.month, 0, true, err);
        else if (outcome == ROW_CHANGED)
            rc = deploy_exec(r, monthly_update_sql, v, 4, m.mission, m.month, 0, false, err);
    } else {
        struct deploy_yearly y;
        if (deploy_yearly_parse(&s->layout, row, &y, &why))
            return casualty__rejectf(r, row->line, "%s", why.message);
        v[0] = count_or_null(&y.missions);
        v[1] = y.total;
        v[2] = count_or_null(&y.troops);
        v[3] = count_or_null(&y.police);
        v[4] = count_or_null(&y.observers);
        buf_reset(&s->key);
        buf_printf(&s->key, "%d", y.year);
        outcome = casualty__row_outcome(r, s->key.data, s->key.len, counts_fingerprint(v, 5),
                                        row->line, "year", NULL, NULL);
        if (outcome == ROW_NEW)
            rc = deploy_exec(r, yearly_insert_sql, v, 5, NULL, NULL, y.year, false, err);
        else if (outcome == ROW_CHANGED)
            rc = deploy_exec(r, yearly_update_sql, v, 5, NULL, NULL, y.year, false, err);
    }
    if (rc) {
        import_prefix_line(err, row->line);
        return rc;
    }
    if (outcome == ROW_NEW)
        r->rep->added++;
    else if (outcome == ROW_CHANGED)
        r->rep->updated++;
    else if (outcome == ROW_SAME)
        r->rep->unchanged++;
    return 0;
}

static void deploy_cleanup(struct import_run *r)
{
    struct deploy_state *s = r->state;
    buf_cleanup(&s->key);
}

static const struct import_kind deploy_kind = {
    "deployments",
    "",
    "IPI monthly mission totals start \"Date\",\"Mission\"; OWID yearly world totals start "
    "Entity,Year",
    "deployment.import",
    "deployment",
    deploy_prepare,
    deploy_header,
    deploy_row,
    NULL,
    deploy_cleanup,
};

int casualty_import_deployments(struct db *db, const struct principal *who,
                                const struct import_input *in, import_progress_fn progress,
                                void *progress_ctx, struct import_report *report,
                                struct bh_error *err)
{
    struct deploy_state s;
    memset(&s, 0, sizeof s);
    buf_init(&s.key);
    return casualty__run_import(&deploy_kind, &s, db, who, in, progress, progress_ctx, report, err);
}
