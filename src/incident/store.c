/* The incident table's one INSERT and one row reader, shared by reports (record.c), imports
 * (import.c) and demo data (demo.c), so the three cannot drift apart on a column. */
#include "incident/incident.h"

#include "base/timeutil.h"
#include "base/uuid.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

/* How each kind of columns.h binds a value of struct incident_row. */
static void bind_text(struct db_stmt *st, int k, const char *v)
{
    db_bind_text(st, k, v);
}

static void bind_text_empty(struct db_stmt *st, int k, const char *v)
{
    db_bind_text(st, k, v ? v : "");
}

static void bind_array(struct db_stmt *st, int k, const char *v)
{
    db_bind_text(st, k, v ? v : "[]");
}

static void bind_real(struct db_stmt *st, int k, double v)
{
    db_bind_double(st, k, v);
}

static void bind_int(struct db_stmt *st, int k, int64_t v)
{
    db_bind_int(st, k, v);
}

static void bind_bool(struct db_stmt *st, int k, bool v)
{
    db_bind_int(st, k, v ? 1 : 0);
}

static void bind_ref(struct db_stmt *st, int k, int64_t v)
{
    if (v)
        db_bind_int(st, k, v);
    else
        db_bind_null(st, k);
}

#define BIND_TEXT       bind_text
#define BIND_TEXT_EMPTY bind_text_empty
#define BIND_ARRAY      bind_array
#define BIND_REAL       bind_real
#define BIND_INT        bind_int
#define BIND_BOOL       bind_bool
#define BIND_REF        bind_ref
#define BIND_ORG        bind_int
#define BIND_TLP        bind_text
#define BIND(col, kind) BIND_##kind(st, k++, r->col);

/* Which roles each binder binds (INCIDENT_ROLE, columns.h). */
#define CONTENT(col, kind, key, hxl, role) INCIDENT_ROLE(CONTENT, role, BIND(col, kind))
#define STATE(col, kind, key, hxl, role)   INCIDENT_ROLE(STATE, role, BIND(col, kind))
#define KEY(col, kind, key, hxl, role)     INCIDENT_ROLE(KEY, role, BIND(col, kind))
#define TRAIL(col, kind, key, hxl, role)   INCIDENT_ROLE(TRAIL, role, BIND(col, kind))

int incident_store_bind_content(struct db_stmt *st, int k, const struct incident_row *r)
{
    INCIDENT_COLUMNS_TABLE(CONTENT)
    return k;
}

int incident_store_bind_values(struct db_stmt *st, int k, const struct incident_row *r)
{
    k = incident_store_bind_content(st, k, r);
    INCIDENT_COLUMNS_TABLE(STATE)
    return k;
}

int incident_store_bind_row(struct db_stmt *st, int k, const struct incident_row *r)
{
    INCIDENT_COLUMNS_TABLE(KEY)
    k = incident_store_bind_values(st, k, r);
    INCIDENT_COLUMNS_TABLE(TRAIL)
    return k;
}

int incident_store_insert(struct db *db, const struct incident_row *r, int64_t *n_out, char *id_out,
                          struct bh_error *err)
{
    static const char sql[] =
        "INSERT INTO incident (" INCIDENT_WRITE_COLUMNS ") VALUES (" INCIDENT_WRITE_PARAMS ")";
    char id[UUID_STR_LEN + 1], now[40];
    const char *created = r->created_at, *updated = r->updated_at;
    if (!created || !updated) {
        time_format_rfc3339(time_now_ms(), 0, false, now);
        created = created ? created : now;
        updated = updated ? updated : now;
    }
    if (r->id)
        snprintf(id, sizeof id, "%s", r->id);
    else {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, id);
    }
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    struct incident_row w = *r;
    w.id = id;
    w.created_at = created;
    w.updated_at = updated;
    incident_store_bind_row(st, 1, &w);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (n_out)
        *n_out = db_last_insert_rowid(db);
    if (id_out)
        snprintf(id_out, UUID_STR_LEN + 1, "%s", id);
    return 0;
}

static json_t *text_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

/* A JSON array stored as text; an unreadable one (never written by us) reads as []. */
static json_t *array_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    json_t *a = s ? json_loads(s, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    return a;
}

/* How each kind of columns.h reads as JSON. */
static json_t *real_at(struct db_stmt *st, int col)
{
    return json_real(db_column_double(st, col));
}

static json_t *int_at(struct db_stmt *st, int col)
{
    return json_integer(db_column_int(st, col));
}

static json_t *bool_at(struct db_stmt *st, int col)
{
    return json_boolean(db_column_int(st, col));
}

static json_t *ref_at(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

static json_t *tlp_at(struct db_stmt *st, int col)
{
    int t = tlp_parse(db_column_text(st, col));
    return json_string(t >= 0 ? tlp_label((enum tlp)t) : "?");
}

#define READ_TEXT           text_at
#define READ_TEXT_EMPTY     text_at
#define READ_ARRAY          array_at
#define READ_REAL           real_at
#define READ_INT            int_at
#define READ_BOOL           bool_at
#define READ_REF            ref_at
#define READ_ORG            text_at
#define READ_TLP            tlp_at
#define SET(col, kind, key) json_object_set_new(o, key, READ_##kind(st, first + INCIDENT_C_##col));

/* Every column of the select list is in the record, but the row key. */
#define JSON(col, kind, key, hxl, role) INCIDENT_ROLE(RECORD, role, SET(col, kind, key))

json_t *incident_row_json(struct db_stmt *st, int first)
{
    json_t *o = json_object();
    INCIDENT_COLUMNS_TABLE(JSON)
    return o;
}

/* ---- the same record as text ----
 *
 * incident_row_json() and a json_dumps() of it cost about 20 us a row, most of it jansson's
 * allocations: a page of 50 was two thirds of a list request. The writers below put the same
 * bytes in the buffer directly, kind by kind, in the order of columns.h, as jansson writes
 * them with JSON_COMPACT | JSON_REAL_PRECISION(15) (unit/incident_row_text compares the two
 * on every kind of value). */

static void put_string(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    buf_put_json_escaped(b, s);
    buf_putc(b, '"');
}

static void text_put(struct buf *b, struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    if (s)
        put_string(b, s);
    else
        buf_puts(b, "null");
}

/* Stored arrays are jansson's own compact text (record.c writes them), so they are copied as
 * they are; anything that is not one reads as [], as array_at() says. */
static void array_put(struct buf *b, struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    size_t len = s ? strlen(s) : 0;
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
        buf_append(b, s, len);
    else
        buf_puts(b, "[]");
}

/* As jansson: 15 significant digits, and ".0" after a number that would read as an integer. */
static void real_put(struct buf *b, struct db_stmt *st, int col)
{
    char num[40];
    int n = snprintf(num, sizeof num, "%.15g", db_column_double(st, col));
    if (n > 0 && (size_t)n < sizeof num - 2 && strspn(num, "0123456789-") == (size_t)n)
        memcpy(num + n, ".0", 3);
    buf_puts(b, num);
}

static void int_put(struct buf *b, struct db_stmt *st, int col)
{
    /* Digits by hand: printf's machinery was a tenth of a list's time. */
    int64_t v = db_column_int(st, col);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char num[24];
    int i = (int)sizeof num;
    do
        num[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        num[--i] = '-';
    buf_append(b, num + i, sizeof num - (size_t)i);
}

static void bool_put(struct buf *b, struct db_stmt *st, int col)
{
    buf_puts(b, db_column_int(st, col) ? "true" : "false");
}

static void ref_put(struct buf *b, struct db_stmt *st, int col)
{
    if (db_column_is_null(st, col))
        buf_puts(b, "null");
    else
        int_put(b, st, col);
}

static void tlp_put(struct buf *b, struct db_stmt *st, int col)
{
    int t = tlp_parse(db_column_text(st, col));
    put_string(b, t >= 0 ? tlp_label((enum tlp)t) : "?");
}

#define PUT_TEXT       text_put
#define PUT_TEXT_EMPTY text_put
#define PUT_ARRAY      array_put
#define PUT_REAL       real_put
#define PUT_INT        int_put
#define PUT_BOOL       bool_put
#define PUT_REF        ref_put
#define PUT_ORG        text_put
#define PUT_TLP        tlp_put
/* A column's key and value; the point's two are left out of a GeoJSON feature's properties,
 * which has them as its geometry. */
#define PUT(col, kind, key)                                                                      \
    if (!point_apart ||                                                                          \
        (INCIDENT_C_##col != INCIDENT_C_latitude && INCIDENT_C_##col != INCIDENT_C_longitude)) { \
        buf_puts(b, sep);                                                                        \
        buf_puts(b, "\"" key "\":");                                                             \
        sep = ",";                                                                               \
        PUT_##kind(b, st, first + INCIDENT_C_##col);                                             \
    }
#define TEXT(col, kind, key, hxl, role) INCIDENT_ROLE(RECORD, role, PUT(col, kind, key))

static void write_object(struct db_stmt *st, int first, bool point_apart, struct buf *b)
{
    const char *sep = "";
    buf_putc(b, '{');
    INCIDENT_COLUMNS_TABLE(TEXT)
    buf_putc(b, '}');
}

bool incident_row_write(struct db_stmt *st, int first, struct buf *b)
{
    /* A merged report names another one, which the reader may not see: that row goes through
     * incident_row_json() and the layer's redact. */
    if (!db_column_is_null(st, first + INCIDENT_C_merged_into))
        return false;
    write_object(st, first, false, b);
    return true;
}

bool incident_feature_write(struct db_stmt *st, int first, struct buf *b)
{
    if (!db_column_is_null(st, first + INCIDENT_C_merged_into) ||
        db_column_is_null(st, first + INCIDENT_C_latitude) ||
        db_column_is_null(st, first + INCIDENT_C_longitude))
        return false;
    buf_puts(b, "{\"type\":\"Feature\",\"id\":");
    text_put(b, st, first + INCIDENT_C_id);
    buf_puts(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
    real_put(b, st, first + INCIDENT_C_longitude);
    buf_putc(b, ',');
    real_put(b, st, first + INCIDENT_C_latitude);
    buf_puts(b, "]},\"properties\":");
    write_object(st, first, true, b);
    buf_putc(b, '}');
    return true;
}
