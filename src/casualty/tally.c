/* The casualty tallies: their triggers and their rebuild, written out from the table of
 * cuboids below, so the trigger of each cuboid and its GROUP BY cannot disagree on a column.
 * The migration that creates them (0013_casualty_tally.sql) holds the same text, which
 * casualty_tally_ddl() gives (unit/casualty_tally compares them). */
#include "casualty/tally.h"

#include "base/buf.h"
#include "base/hashmap.h"
#include "base/mem.h"

#include <stdlib.h>

#include <string.h>

const struct casualty_tally_cube casualty_tally_cubes[] = {
    { "casualty_tally_month",
      true,
      TALLY_MONTH | TALLY_MISSION | TALLY_PERSONNEL_TYPE | TALLY_INCIDENT_TYPE | TALLY_GENDER |
          TALLY_CASUALTY_TYPE,
      { "mission", "personnel_type", "incident_type", "gender", "casualty_type", NULL } },
    { "casualty_tally_nationality",
      false,
      TALLY_MISSION | TALLY_NATIONALITY | TALLY_CASUALTY_TYPE,
      { "mission", "nationality_iso3", "nationality", "source", "casualty_type", NULL } },
};
const int casualty_tally_ncubes =
    (int)(sizeof casualty_tally_cubes / sizeof casualty_tally_cubes[0]);

/* What the visibility rule reads (mission, which it reads too, is a kept column of every
 * cuboid). */
static const char *const visibility[] = { "tlp", "owner_org_id", "sharing_group_id", "embargoed",
                                          NULL };

static const char *const triggers[] = { "insert", "delete", "update" };

/* Every column of the cuboid's key, in order: the period, the kept columns, the visibility
 * columns. */
static const char *column_at(const struct casualty_tally_cube *c, int i)
{
    if (i == 0)
        return "incident_date";
    int nkept = 0;
    while (c->columns[nkept])
        nkept++;
    if (i - 1 < nkept)
        return c->columns[i - 1];
    int j = i - 1 - nkept;
    return j < 4 ? visibility[j] : NULL;
}

/* The value of column `col` for the record `rec` ("new.", "old.", or "" for the row being
 * read): the period's first day for the date. The owner and the group are kept only where
 * the visibility rule reads them (casualty_predicate(): the owner for AMBER, AMBER+STRICT,
 * RED and embargoed records, the group for AMBER), and are NULL elsewhere: the published
 * records of a thousand owners then share one tally row. */
static void value(struct buf *out, const struct casualty_tally_cube *c, const char *col,
                  const char *rec)
{
    if (strcmp(col, "incident_date") == 0)
        buf_printf(out,
                   c->month ? "substr(%sincident_date, 1, 7) || '-01'"
                            : "substr(%sincident_date, 1, 4) || '-01-01'",
                   rec);
    else if (strcmp(col, "owner_org_id") == 0)
        buf_printf(out,
                   "CASE WHEN %stlp IN ('CLEAR', 'GREEN') AND %sembargoed = 0 THEN NULL ELSE "
                   "%sowner_org_id END",
                   rec, rec, rec);
    else if (strcmp(col, "sharing_group_id") == 0)
        buf_printf(out, "CASE WHEN %stlp = 'AMBER' THEN %ssharing_group_id END", rec, rec);
    else
        buf_printf(out, "%s%s", rec, col);
}

/* A nullable column's key: NULLs are distinct in a UNIQUE index, so the key reads them as a
 * value no record has (no organization or sharing group has the id 0; no country the code
 * ''). `rec` as for value(); "" gives the tally's own column. */
static void key(struct buf *out, const struct casualty_tally_cube *c, const char *col,
                const char *rec)
{
    const char *dflt = strcmp(col, "nationality_iso3") == 0 ? "''"
                       : strcmp(col, "sharing_group_id") == 0 || strcmp(col, "owner_org_id") == 0
                           ? "0"
                           : NULL;
    if (dflt)
        buf_puts(out, "coalesce(");
    if (*rec)
        value(out, c, col, rec);
    else
        buf_puts(out, col);
    if (dflt)
        buf_printf(out, ", %s)", dflt);
}

static void column_list(struct buf *out, const struct casualty_tally_cube *c)
{
    const char *col;
    for (int i = 0; (col = column_at(c, i)); i++)
        buf_printf(out, "%s%s", i ? ", " : "", col);
}

/* The cuboid's row for record `rec` gains one. */
static void add_one(struct buf *out, const struct casualty_tally_cube *c, const char *rec)
{
    buf_printf(out, "    INSERT INTO %s (", c->table);
    column_list(out, c);
    buf_puts(out, ", n)\n        SELECT ");
    const char *col;
    for (int i = 0; (col = column_at(c, i)); i++) {
        buf_puts(out, i ? ", " : "");
        value(out, c, col, rec);
    }
    buf_printf(out, ", 1 WHERE %stlp <> 'RED'\n        ON CONFLICT (", rec);
    for (int i = 0; (col = column_at(c, i)); i++) {
        buf_puts(out, i ? ", " : "");
        key(out, c, col, "");
    }
    buf_puts(out, ") DO UPDATE SET n = n + 1;\n");
}

/* The cuboid's row for record `rec` loses one, and goes at 0. */
static void remove_one(struct buf *out, const struct casualty_tally_cube *c, const char *rec)
{
    for (int pass = 0; pass < 2; pass++) {
        buf_printf(out, pass ? "    DELETE FROM %s" : "    UPDATE %s SET n = n - 1", c->table);
        buf_printf(out, "\n        WHERE %stlp <> 'RED'", rec);
        const char *col;
        for (int i = 0; (col = column_at(c, i)); i++) {
            buf_puts(out, " AND ");
            key(out, c, col, "");
            buf_puts(out, " = ");
            key(out, c, col, rec);
        }
        buf_puts(out, pass ? " AND n = 0;\n" : ";\n");
    }
}

static void drop_triggers(struct buf *out, const struct casualty_tally_cube *c)
{
    for (int t = 0; t < 3; t++)
        buf_printf(out, "DROP TRIGGER IF EXISTS %s_%s;\n", c->table, triggers[t]);
}

static void create_triggers(struct buf *out, const struct casualty_tally_cube *c)
{
    buf_printf(out, "CREATE TRIGGER %s_insert AFTER INSERT ON casualty\nBEGIN\n", c->table);
    add_one(out, c, "new.");
    buf_puts(out, "END;\n");
    buf_printf(out, "CREATE TRIGGER %s_delete AFTER DELETE ON casualty\nBEGIN\n", c->table);
    remove_one(out, c, "old.");
    buf_puts(out, "END;\n");
    buf_printf(out, "CREATE TRIGGER %s_update AFTER UPDATE OF ", c->table);
    column_list(out, c);
    buf_puts(out, " ON casualty\nBEGIN\n");
    remove_one(out, c, "old.");
    add_one(out, c, "new.");
    buf_puts(out, "END;\n");
}

void casualty_tally_ddl(struct buf *out)
{
    for (int k = 0; k < casualty_tally_ncubes; k++) {
        const struct casualty_tally_cube *c = &casualty_tally_cubes[k];
        drop_triggers(out, c);
        buf_printf(out, "DELETE FROM %s;\n", c->table);
        buf_printf(out, "INSERT INTO %s (", c->table);
        column_list(out, c);
        buf_puts(out, ", n)\n    SELECT ");
        const char *col;
        int ncol = 0;
        for (; (col = column_at(c, ncol)); ncol++) {
            buf_puts(out, ncol ? ", " : "");
            value(out, c, col, "");
        }
        buf_puts(out, ", count(*) FROM casualty WHERE tlp <> 'RED'\n    GROUP BY ");
        for (int i = 0; i < ncol; i++)
            buf_printf(out, "%s%d", i ? ", " : "", i + 1);
        buf_puts(out, ";\n");
        create_triggers(out, c);
    }
}

int casualty_tally_suspend(struct db *db, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    for (int k = 0; k < casualty_tally_ncubes; k++)
        drop_triggers(&sql, &casualty_tally_cubes[k]);
    int rc = db_exec(db, buf_str(&sql), err);
    buf_cleanup(&sql);
    return rc;
}

/* ---- the rebuild ----
 *
 * The migration's GROUP BY sorts every record once per cuboid (about 2.5 s each for a
 * million on the bench machine); the rebuild reads them once for all cuboids, with the same
 * values (value()), and counts them in a hash map a cuboid (about 1 s), then writes the few
 * thousand rows. A cuboid row's key is its columns, each written as its length, ':' and its
 * text, or "-" for NULL: no text can be mistaken for another. */

#define MAX_COLUMNS 16

static void key_append(struct buf *key, struct db_stmt *st, int col)
{
    if (db_column_is_null(st, col)) {
        buf_putc(key, '-');
        return;
    }
    const char *v = db_column_text(st, col);
    size_t len = strlen(v);
    char num[24];
    int i = (int)sizeof num;
    num[--i] = ':';
    do
        num[--i] = (char)('0' + len % 10);
    while ((len /= 10) && i > 0);
    buf_append(key, num + i, sizeof num - (size_t)i);
    buf_append(key, v, strlen(v));
}

/* Splits a key back into its columns: NULL for "-". Writes into `tmp` (as long as the key). */
static int key_split(const char *key, char *tmp, const char *out[MAX_COLUMNS])
{
    int n = 0;
    while (*key && n < MAX_COLUMNS) {
        if (*key == '-') {
            out[n++] = NULL;
            key++;
            continue;
        }
        char *end;
        size_t len = strtoul(key, &end, 10);
        memcpy(tmp, end + 1, len);
        tmp[len] = '\0';
        out[n++] = tmp;
        tmp += len + 1;
        key = end + 1 + len;
    }
    return n;
}

static int write_counts(struct db *db, const struct casualty_tally_cube *c, struct hashmap *m,
                        int ncol, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    buf_printf(&sql, "INSERT INTO %s (", c->table);
    column_list(&sql, c);
    buf_puts(&sql, ", n) VALUES (");
    for (int i = 0; i <= ncol; i++)
        buf_puts(&sql, i ? ", ?" : "?");
    buf_putc(&sql, ')');
    int rc = 0;
    size_t at = 0;
    int64_t *n;
    while (!rc && (n = hashmap_next(m, &at))) {
        const char *key = hashmap_key(m, n);
        char *tmp = xmalloc(strlen(key) + 1);
        const char *v[MAX_COLUMNS];
        int got = key_split(key, tmp, v);
        struct db_stmt *st;
        rc = db_prepare(db, buf_str(&sql), &st, err);
        if (!rc) {
            /* Text into the INTEGER columns: their affinity stores the number. */
            for (int i = 0; i < got; i++)
                db_bind_text(st, i + 1, v[i]);
            db_bind_int(st, ncol + 1, *n);
            rc = db_step(st, err);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        free(tmp);
    }
    buf_cleanup(&sql);
    return rc;
}

int casualty_tally_rebuild(struct db *db, struct bh_error *err)
{
    enum { N = sizeof casualty_tally_cubes / sizeof casualty_tally_cubes[0] };
    struct buf sql = BUF_INIT;
    int ncol[N];
    for (int k = 0; k < N; k++) {
        drop_triggers(&sql, &casualty_tally_cubes[k]);
        buf_printf(&sql, "DELETE FROM %s;\n", casualty_tally_cubes[k].table);
    }
    int rc = db_exec(db, buf_str(&sql), err);
    buf_reset(&sql);
    buf_puts(&sql, "SELECT ");
    for (int k = 0; k < N; k++) {
        const struct casualty_tally_cube *c = &casualty_tally_cubes[k];
        const char *col;
        for (ncol[k] = 0; (col = column_at(c, ncol[k])); ncol[k]++) {
            buf_puts(&sql, k || ncol[k] ? ", " : "");
            value(&sql, c, col, "");
        }
    }
    buf_puts(&sql, " FROM casualty WHERE tlp <> 'RED'");
    struct hashmap maps[N];
    for (int k = 0; k < N; k++)
        hashmap_init(&maps[k], sizeof(int64_t), 4096);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare(db, buf_str(&sql), &st, err);
    if (!rc) {
        struct buf key = BUF_INIT;
        while ((rc = db_step(st, err)) == DB_ROW) {
            for (int k = 0, first = 0; k < N; first += ncol[k], k++) {
                buf_reset(&key);
                for (int i = 0; i < ncol[k]; i++)
                    key_append(&key, st, first + i);
                int64_t *n = hashmap_putn(&maps[k], buf_str(&key), key.len, NULL);
                (*n)++;
            }
        }
        db_stmt_done(st);
        buf_cleanup(&key);
        rc = rc < 0 ? rc : 0;
    }
    for (int k = 0; k < N && !rc; k++)
        rc = write_counts(db, &casualty_tally_cubes[k], &maps[k], ncol[k], err);
    for (int k = 0; k < N; k++)
        hashmap_cleanup(&maps[k]);
    buf_reset(&sql);
    for (int k = 0; k < N; k++)
        create_triggers(&sql, &casualty_tally_cubes[k]);
    if (!rc)
        rc = db_exec(db, buf_str(&sql), err);
    buf_cleanup(&sql);
    return rc;
}
