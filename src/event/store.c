/* The context_event table's one write (an upsert on the source's key), its comparison with
 * what an import would write, and one row reader, all generated from the column table
 * (columns.h). */
#include "event/event.h"

#include "base/timeutil.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

/* How each kind of columns.h binds a value of struct event_row. */
static void bind_int0(struct db_stmt *st, int k, int64_t v)
{
    if (v)
        db_bind_int(st, k, v);
    else
        db_bind_null(st, k);
}

static void bind_range(struct db_stmt *st, int k, int64_t v, bool present)
{
    if (present)
        db_bind_int(st, k, v);
    else
        db_bind_null(st, k);
}

/* The id is the source's key ("ucdp:36210"), so a re-import names the same record; without
 * the key there is no id (NULL, which the table refuses). */
static void bind_key(struct db_stmt *st, int k, const struct event_row *r)
{
    if (!r->source || !r->source_id) {
        db_bind_null(st, k);
        return;
    }
    struct buf id = BUF_INIT;
    buf_printf(&id, "%s:%s", r->source, r->source_id);
    db_bind_text(st, k, buf_str(&id));
    buf_cleanup(&id);
}

#define BIND_KEY(st, k, r, col)         bind_key(st, k, r)
#define BIND_TEXT(st, k, r, col)        db_bind_text(st, k, r->col)
#define BIND_INT(st, k, r, col)         db_bind_int(st, k, r->col)
#define BIND_INT0(st, k, r, col)        bind_int0(st, k, r->col)
#define BIND_RANGE(st, k, r, col)       bind_range(st, k, r->col, r->has_low_high)
#define BIND_REAL(st, k, r, col)        db_bind_double(st, k, r->col)
#define BIND_ORG(st, k, r, col)         db_bind_int(st, k, r->col)
#define BIND_TLP(st, k, r, col)         db_bind_text(st, k, r->col)
#define BIND(col, kind, key, hxl, role) BIND_##kind(st, k++, r, col);

/* Every column of EVENT_WRITE_COLUMNS, from parameter `k` on; returns the next parameter. */
static int bind_row(struct db_stmt *st, int k, const struct event_row *r)
{
    EVENT_COLUMNS_TABLE(BIND)
    return k;
}

int event_store_upsert(struct db *db, const struct event_row *r, bool *inserted,
                       struct bh_error *err)
{
    /* The row key `n` is kept by ON CONFLICT DO UPDATE (an INSERT OR REPLACE would delete and
     * renumber it), and so are the id and the owner. */
    static const char sql[] =
        "INSERT INTO context_event (" EVENT_WRITE_COLUMNS ") VALUES (" EVENT_WRITE_PARAMS ") "
        "ON CONFLICT (source, source_id) DO UPDATE SET " EVENT_CHANGED_ASSIGN;
    char now[40];
    struct event_row w = *r;
    if (!w.imported_at) {
        time_format_rfc3339(time_now_ms(), 0, false, now);
        w.imported_at = now;
    }
    /* Whether the key is stored decides `inserted`. (Comparing the last inserted row key before
     * and after is not enough: it is the connection's, so a row inserted earlier into another
     * table, an audit entry, may have had the very key the new event gets.) */
    bool existed = false;
    int rc;
    if (inserted && (rc = event_store_exists(db, r->source, r->source_id, &existed, err)))
        return rc;
    struct db_stmt *st;
    rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_row(st, 1, &w);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (inserted)
        *inserted = !existed;
    return 0;
}

int event_store_exists(struct db *db, const char *source, const char *source_id, bool *exists,
                       struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT 1 FROM context_event WHERE source = ? AND source_id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, source);
    db_bind_text(st, 2, source_id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    *exists = rc == DB_ROW;
    return 0;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_int(struct db_stmt *st, int col, int64_t v, bool present)
{
    if (db_column_is_null(st, col))
        return !present;
    return present && db_column_int(st, col) == v;
}

/* How each kind of columns.h compares the stored value in column `c` with the row's.
 * Coordinates compare exactly: the same text in the file parses to the same double, and
 * SQLite keeps the 8 bytes as they were written. */
#define SAME_TEXT(st, c, r, col)  same_text(db_column_text(st, c), r->col)
#define SAME_INT(st, c, r, col)   same_int(st, c, r->col, true)
#define SAME_INT0(st, c, r, col)  same_int(st, c, r->col, r->col != 0)
#define SAME_RANGE(st, c, r, col) same_int(st, c, r->col, r->has_low_high)
#define SAME_REAL(st, c, r, col)  (db_column_double(st, c) == r->col)
#define SAME_TLP(st, c, r, col)   SAME_TEXT(st, c, r, col)
#define SAME_(col, kind)          same = same && SAME_##kind(st, c, r, col), c++;
#define SAME_ID(col, kind)
#define SAME_SOURCE(col, kind)
#define SAME_VALUE1(col, kind) SAME_(col, kind)
#define SAME_VALUE(col, kind)  SAME_(col, kind)
#define SAME_OWNER(col, kind)
#define SAME_STAMP(col, kind)
#define SAME(col, kind, key, hxl, role) SAME_##role(col, kind)

int event_store_compare(struct db *db, const struct event_row *r, enum event_stored *out,
                        struct bh_error *err)
{
    static const char sql[] =
        "SELECT " EVENT_COMPARED_COLUMNS " FROM context_event WHERE source = ? AND source_id = ?";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->source);
    db_bind_text(st, 2, r->source_id);
    rc = db_step(st, err);
    if (rc < 0) {
        db_stmt_done(st);
        return rc;
    }
    if (rc != DB_ROW) {
        db_stmt_done(st);
        *out = EVENT_ABSENT;
        return 0;
    }
    bool same = true;
    int c = 0;
    EVENT_COLUMNS_TABLE(SAME)
    db_stmt_done(st);
    *out = same ? EVENT_SAME : EVENT_DIFFERENT;
    return 0;
}

static json_t *text_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

/* How each kind of columns.h reads as JSON. */
static json_t *int_at(struct db_stmt *st, int col)
{
    return json_integer(db_column_int(st, col));
}

static json_t *int_or_null_at(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

static json_t *real_at(struct db_stmt *st, int col)
{
    return json_real(db_column_double(st, col));
}

static json_t *tlp_at(struct db_stmt *st, int col)
{
    int t = tlp_parse(db_column_text(st, col));
    return json_string(t >= 0 ? tlp_label((enum tlp)t) : "?");
}

#define READ_KEY   text_at
#define READ_TEXT  text_at
#define READ_INT   int_at
#define READ_INT0  int_or_null_at
#define READ_RANGE int_or_null_at
#define READ_REAL  real_at
#define READ_ORG   text_at
#define READ_TLP   tlp_at
#define JSON(col, kind, key, hxl, role) \
    json_object_set_new(o, key, READ_##kind(st, first + EVENT_C_##col));

json_t *event_row_json(struct db_stmt *st, int first)
{
    json_t *o = json_object();
    EVENT_COLUMNS_TABLE(JSON)
    return o;
}

void event_predicate(const struct principal *who, const char *alias, struct buf *sql,
                     struct db_params *params)
{
    sharing_predicate(who, "event", alias, sql, params);
}
