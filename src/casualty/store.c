/* The casualty table's binders, its compared values and their fingerprint, its row reader
 * and the HXL export's columns, all generated from the column table (columns.h), so the
 * member's INSERT, the UN import's INSERT and UPDATE, the readers and the export cannot drift
 * apart on a column. */
#include "casualty/internal.h"

#include "base/hashmap.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

/* ---- binding ---- */

static void bind_opt(struct db_stmt *st, int k, int64_t v)
{
    if (v < 0)
        db_bind_null(st, k);
    else
        db_bind_int(st, k, v);
}

static void bind_ref(struct db_stmt *st, int k, int64_t v)
{
    if (v)
        db_bind_int(st, k, v);
    else
        db_bind_null(st, k);
}

/* How each kind of columns.h binds a value of struct casualty_row. */
#define BIND_TEXT       db_bind_text
#define BIND_GENDER     db_bind_text
#define BIND_OPT        bind_opt
#define BIND_REF        bind_ref
#define BIND_BOOL       db_bind_int
#define BIND_LINK       db_bind_text
#define BIND_ORG        db_bind_int
#define BIND_TLP        db_bind_text
#define BIND(col, kind) BIND_##kind(st, k++, r->col);

#define INSERT(col, kind, key, hxl, role) BIND(col, kind)
#define UPDATE_KEY(col, kind)
#define UPDATE_INSERT(col, kind)
#define UPDATE_WRITE1(col, kind)          BIND(col, kind)
#define UPDATE_WRITE(col, kind)           BIND(col, kind)
#define UPDATE_RELEASE(col, kind)         BIND(col, kind)
#define UPDATE_TRAIL(col, kind)           BIND(col, kind)
#define UPDATE_FILE(col, kind)            BIND(col, kind)
#define UPDATE(col, kind, key, hxl, role) UPDATE_##role(col, kind)

int casualty__bind_insert(struct db_stmt *st, int k, const struct casualty_row *r)
{
    CASUALTY_COLUMNS_TABLE(INSERT)
    return k;
}

int casualty__bind_update(struct db_stmt *st, int k, const struct casualty_row *r)
{
    CASUALTY_COLUMNS_TABLE(UPDATE)
    return k;
}

/* ---- the compared values ---- */

static int64_t opt_at(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? -1 : db_column_int(st, col);
}

static int64_t ref_at(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? 0 : db_column_int(st, col);
}

/* How each kind reads back into struct casualty_row, and goes into a fingerprint. */
#define GET_TEXT    db_column_text
#define GET_GENDER  db_column_text
#define GET_OPT     opt_at
#define GET_REF     ref_at
#define GET_BOOL    db_column_int
#define GET_ORG     db_column_int
#define GET_TLP     db_column_text
#define HASH_TEXT   hash_chain_str
#define HASH_GENDER hash_chain_str
#define HASH_OPT    hash_chain_int
#define HASH_REF    hash_chain_int
#define HASH_BOOL   hash_chain_int
#define HASH_ORG    hash_chain_int
#define HASH_TLP    hash_chain_str

#define COMPARED_KEY(...)
#define COMPARED_INSERT(...)
#define COMPARED_WRITE1(...) __VA_ARGS__
#define COMPARED_WRITE(...)  __VA_ARGS__
#define COMPARED_RELEASE(...)
#define COMPARED_TRAIL(...)
#define COMPARED_FILE(...)              __VA_ARGS__
#define GET(col, kind, key, hxl, role)  COMPARED_##role(r->col = GET_##kind(st, c++);)
#define HASH(col, kind, key, hxl, role) COMPARED_##role(h = HASH_##kind(h, r->col);)

void casualty__read_compared(struct db_stmt *st, int first, struct casualty_row *r)
{
    int c = first;
    CASUALTY_COLUMNS_TABLE(GET)
}

uint64_t casualty__fingerprint(const struct casualty_row *r)
{
    uint64_t h = HASH_SEED;
    CASUALTY_COLUMNS_TABLE(HASH)
    return hash_mix64(h);
}

/* ---- the record as JSON ---- */

static json_t *text_json(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *int_json(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

static json_t *bool_json(struct db_stmt *st, int col)
{
    return json_boolean(db_column_int(st, col));
}

static json_t *tlp_json(struct db_stmt *st, int col)
{
    int t = tlp_parse(db_column_text(st, col));
    return json_string(t >= 0 ? tlp_label((enum tlp)t) : "?");
}

#define JSON_TEXT           text_json
#define JSON_GENDER         text_json
#define JSON_OPT            int_json
#define JSON_REF            int_json
#define JSON_BOOL           bool_json
#define JSON_LINK           text_json
#define JSON_ORG            text_json
#define JSON_TLP            tlp_json
#define SET(col, kind, key) json_object_set_new(o, key, JSON_##kind(st, CASUALTY__C_##col));
#define RECORD_KEY(...)     __VA_ARGS__
#define RECORD_INSERT(...)  __VA_ARGS__
#define RECORD_WRITE1(...)  __VA_ARGS__
#define RECORD_WRITE(...)   __VA_ARGS__
#define RECORD_RELEASE(...) __VA_ARGS__
#define RECORD_TRAIL(...)   __VA_ARGS__
#define RECORD_FILE(...)
#define JSON(col, kind, key, hxl, role) RECORD_##role(SET(col, kind, key))

json_t *casualty__row_json(struct db_stmt *st)
{
    json_t *o = json_object();
    CASUALTY_COLUMNS_TABLE(JSON)
    return o;
}

/* ---- the HXL export's columns ---- */

enum casualty__kind { K_TEXT, K_GENDER, K_OPT, K_REF, K_BOOL, K_LINK, K_ORG, K_TLP };

#define HXL(col, kind, key, hxl, role) RECORD_##role({ key, hxl, CASUALTY__C_##col, K_##kind }, )

const struct casualty__hxl_column casualty__hxl_columns[] = {
    CASUALTY_COLUMNS_TABLE(HXL){ NULL, NULL, 0, 0 },
};

const char *casualty__hxl_cell(struct db_stmt *st, const struct casualty__hxl_column *c,
                               char tmp[32])
{
    const char *s;
    int t;
    switch (c->kind) {
    case K_GENDER:
        s = db_column_text(st, c->col);
        return !s || strcmp(s, "U") == 0 ? "" : s;
    case K_OPT:
    case K_REF:
        if (db_column_is_null(st, c->col))
            return "";
        snprintf(tmp, 32, "%lld", (long long)db_column_int(st, c->col));
        return tmp;
    case K_BOOL:
        return db_column_int(st, c->col) ? "true" : "false";
    case K_TLP:
        t = tlp_parse(db_column_text(st, c->col));
        return t >= 0 ? tlp_label((enum tlp)t) : "";
    default:
        s = db_column_text(st, c->col);
        return s ? s : "";
    }
}
