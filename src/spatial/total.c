/* The `total` of a list: count(*) over the same WHERE as the page, up to a bound. SQLite counts
 * by visiting every match, which at a million incidents is half a second for a list without
 * filters: a first page that costs that much is a first page nobody waits for, and a few
 * readers keep both cores busy. So the count stops at SPATIAL_TOTAL_BOUND + 1 matches (a few
 * milliseconds at most) and the reply says "more than 10,000" rather than a number it could
 * only give slowly. A reader walking the pages (the map loads 500 at a time) asks the same
 * count once per page, so each thread also keeps the last few totals with what they were
 * counted against:
 *
 *   - the connection: a random mark in its temp schema (PRAGMA temp.user_version), which no
 *     other connection can see and which is gone when it closes, so a new connection that
 *     happens to get the old one's address does not inherit its totals;
 *   - the store's state: PRAGMA data_version, which changes when another connection commits,
 *     and total_changes(), which grows with every row this connection writes.
 *
 * A total is reused only while all three are unchanged, so it is always the count the
 * query would give now. */
#include "spatial/internal.h"

#include <sodium.h>
#include <string.h>

#define TOTAL_CACHE 16

struct total_entry {
    unsigned char key[16]; /* BLAKE2b of the SQL text and the bound values */
    int64_t mark, data_version, changes;
    int64_t total;
    bool used;
};

static _Thread_local struct total_entry cache[TOTAL_CACHE];
static _Thread_local unsigned cache_next;

static void count_sql(const struct spatial__query *q, struct buf *sql)
{
    buf_printf(sql, "SELECT count(*) FROM (SELECT 1 FROM %s %s%s LIMIT %d)", q->layer->table,
               q->layer->alias, buf_str(&q->count_where), SPATIAL_TOTAL_BOUND + 1);
}

void spatial__query_key(const char *salt, const char *sql, const struct spatial__query *q,
                        unsigned char key[16])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 16);
    if (salt)
        crypto_generichash_update(&h, (const unsigned char *)salt, strlen(salt) + 1);
    crypto_generichash_update(&h, (const unsigned char *)sql, strlen(sql) + 1);
    /* The values matter as much as the text: the reader's organization and account are among
     * them, so two readers share an entry only when they would count the same rows. */
    for (size_t i = 0; i < q->params.n; i++) {
        const struct db_param *b = &q->params.v[i];
        unsigned char kind = (unsigned char)b->kind;
        crypto_generichash_update(&h, &kind, 1);
        if (b->kind == DB_PARAM_TEXT)
            crypto_generichash_update(&h, (const unsigned char *)b->s, strlen(b->s) + 1);
        else if (b->kind == DB_PARAM_DOUBLE)
            crypto_generichash_update(&h, (const unsigned char *)&b->d, sizeof b->d);
        else if (b->kind == DB_PARAM_INT)
            crypto_generichash_update(&h, (const unsigned char *)&b->i, sizeof b->i);
    }
    crypto_generichash_final(&h, key, 16);
}

/* The connection's mark, made on first use. */
static int connection_mark(struct db *db, int64_t *mark, struct bh_error *err)
{
    int rc = db_query_int(db, "PRAGMA temp.user_version", 0, mark, err);
    if (rc || *mark != 0)
        return rc;
    char sql[64];
    int64_t m = 1 + (int64_t)randombytes_uniform(0x7ffffffe);
    snprintf(sql, sizeof sql, "PRAGMA temp.user_version = %lld", (long long)m);
    if ((rc = db_exec(db, sql, err)))
        return rc;
    *mark = m;
    return 0;
}

int spatial__total(struct db *db, const struct spatial__query *q, int64_t *out,
                   struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    count_sql(q, &sql);
    unsigned char key[16];
    spatial__query_key(NULL, buf_str(&sql), q, key);
    int64_t mark = 0, version = 0, changes = 0;
    int rc = connection_mark(db, &mark, err);
    if (!rc)
        rc = db_query_int(db, "PRAGMA data_version", 0, &version, err);
    if (!rc)
        rc = db_query_int(db, "SELECT total_changes()", 0, &changes, err);
    for (int i = 0; !rc && i < TOTAL_CACHE; i++) {
        struct total_entry *e = &cache[i];
        if (e->used && e->mark == mark && e->data_version == version && e->changes == changes &&
            memcmp(e->key, key, sizeof key) == 0) {
            *out = e->total;
            buf_cleanup(&sql);
            return 0;
        }
    }
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    db_params_bind(st, &q->params);
    rc = db_step(st, err);
    *out = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    struct total_entry *e = &cache[cache_next++ % TOTAL_CACHE];
    memcpy(e->key, key, sizeof key);
    e->mark = mark;
    e->data_version = version;
    e->changes = changes;
    e->total = *out;
    e->used = true;
    return 0;
}
