/* Export of casualty records in the UN's own columns, as HXL CSV, or as JSON. Only what the
 * reader may see: the rows come from one SELECT whose WHERE is casualty_predicate(). */
#include "casualty/export.h"

#include "base/mem.h"
#include "casualty/internal.h"
#include "formats/hxl.h"
#include "formats/un_fatalities.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[CASUALTY_EXPORT_COUNT] = {
    [CASUALTY_EXPORT_UN] = "un",
    [CASUALTY_EXPORT_HXL] = "hxl",
    [CASUALTY_EXPORT_JSON] = "json",
};

int casualty_export_format_parse(const char *s)
{
    for (int i = 0; s && i < CASUALTY_EXPORT_COUNT; i++)
        if (strcmp(s, format_names[i]) == 0)
            return i;
    return -1;
}

/* The HXL export: our field names on the header line, the hashtags under them: the columns
 * of the record that have a hashtag in the column table (columns.h), then the date of the
 * last change. The marking and the embargo travel with the rows, as TLP asks of whoever
 * passes information on. */
#define HXL_LAST_UPDATE     "last_update"
#define HXL_LAST_UPDATE_TAG "#date+updated"

/* Output is made in pieces of about this size: each casualty_export_next() call stops once
 * its piece is this large, so an export of any size needs this much memory and one row. */
#define PIECE_BYTES 65536

static const char *text(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? s : "";
}

/* The date of the last change: the UN's last_update for its rows, ours for the others. */
static void last_update(struct db_stmt *st, char out[11])
{
    const char *s = db_column_text(st, CASUALTY__C_source_updated);
    if (!s)
        s = text(st, CASUALTY__C_updated_at);
    snprintf(out, 11, "%s", s);
}

/* A cell as the UN file wrote it when the import kept it, else as we store it. */
static const char *as_written(struct db_stmt *st, int source_col, int col)
{
    const char *s = db_column_text(st, source_col);
    return s ? s : text(st, col);
}

/* The UN file's columns are the UN's (formats/un_fatalities.h): its order, and its own
 * convention for each cell, so they are mapped here cell by cell rather than generated from
 * the column table. */
static void un_row(struct db_stmt *st, struct buf *b)
{
    char id[24] = "", m49[32] = "", updated[11];
    if (!db_column_is_null(st, CASUALTY__C_source_row))
        snprintf(id, sizeof id, "%lld", (long long)db_column_int(st, CASUALTY__C_source_row));
    /* The UN writes M49 codes as floats ("250.0"), and so do we in its columns. */
    if (!db_column_is_null(st, CASUALTY__C_nationality_m49))
        snprintf(m49, sizeof m49, "%lld.0",
                 (long long)db_column_int(st, CASUALTY__C_nationality_m49));
    const char *gender = text(st, CASUALTY__C_gender);
    const char *personnel = text(st, CASUALTY__C_personnel_type);
    last_update(st, updated);
    const char *fields[UN_FATALITIES_NCOLS] = {
        id,
        text(st, CASUALTY__C_incident_date),
        text(st, CASUALTY__C_casualty_id),
        text(st, CASUALTY__C_mission),
        text(st, CASUALTY__C_casualty_type),
        /* Not recorded is an empty cell in the UN file. */
        strcmp(gender, "U") == 0 ? "" : gender,
        /* The name and the code as the file wrote them: the import may have found a code for
         * "Türkiye" and named an empty cell "Unknown". */
        as_written(st, CASUALTY__C_source_nationality, CASUALTY__C_nationality),
        /* The UN file spells this one type with a trailing space on every row; the importer
         * trims it, and the export puts it back so the rows compare equal. */
        strcmp(personnel, "Local") == 0 ? "Local " : personnel,
        text(st, CASUALTY__C_incident_type),
        m49,
        as_written(st, CASUALTY__C_source_iso3, CASUALTY__C_nationality_iso3),
        updated,
    };
    for (size_t i = 0; i < UN_FATALITIES_NCOLS; i++)
        hxl_csv_field(b, fields[i], i == 0);
    hxl_csv_end_row(b);
}

static void hxl_row(struct db_stmt *st, struct buf *b)
{
    char tmp[32], updated[11];
    bool first = true;
    for (const struct casualty__hxl_column *c = casualty__hxl_columns; c->name; c++) {
        if (!*c->tag)
            continue;
        hxl_csv_field(b, casualty__hxl_cell(st, c, tmp), first);
        first = false;
    }
    last_update(st, updated);
    hxl_csv_field(b, updated, first);
    hxl_csv_end_row(b);
}

/* The HXL header's line of names (`tags` false) or of hashtags. */
static void hxl_header(struct buf *b, bool tags)
{
    bool first = true;
    for (const struct casualty__hxl_column *c = casualty__hxl_columns; c->name; c++) {
        if (!*c->tag)
            continue;
        hxl_csv_field(b, tags ? c->tag : c->name, first);
        first = false;
    }
    hxl_csv_field(b, tags ? HXL_LAST_UPDATE_TAG : HXL_LAST_UPDATE, first);
    hxl_csv_end_row(b);
}

static void header(enum casualty_export_format fmt, struct buf *b)
{
    if (fmt == CASUALTY_EXPORT_UN) {
        for (size_t i = 0; i < UN_FATALITIES_NCOLS; i++)
            hxl_csv_field(b, un_fatalities_columns[i], i == 0);
        hxl_csv_end_row(b);
    } else if (fmt == CASUALTY_EXPORT_HXL) {
        hxl_header(b, false);
        hxl_header(b, true);
    } else {
        buf_putc(b, '[');
    }
}

/* An admin exporting records the embargo or the marking keep from the secretariat in spirit
 * leaves one audit entry, written through `audit_db` before the first byte goes out; the
 * records are counted on `db`, the connection that reads the export (a stream's own
 * read-only one, which cannot write the entry). */
static int audit_export(struct db *db, struct db *audit_db, const struct principal *who,
                        const char *where, const struct db_params *params,
                        enum casualty_export_format fmt, struct bh_error *err)
{
    if (!casualty__read_audited(who, 1, NULL))
        return 0;
    struct buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT count(*) FROM casualty c%s AND (c.embargoed = 1 OR c.tlp IN ('RED', "
               "'AMBER+STRICT'))",
               where);
    int64_t n = 0;
    int rc = db_exec_params(db, buf_str(&sql), params, &n, NULL, err);
    buf_cleanup(&sql);
    if (rc || n == 0)
        return rc;
    json_t *summary = json_pack("{s:s, s:s, s:I}", "via", "export", "format", format_names[fmt],
                                "records", (json_int_t)n);
    rc = casualty__audit_read(audit_db, who, NULL, summary, err);
    json_decref(summary);
    return rc;
}

struct casualty_export {
    enum casualty_export_format fmt;
    struct db_params params; /* the statement binds its text from here: kept until the end */
    struct db_stmt *st;
    int64_t rows;
    bool started, done;
};

int casualty_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                          const struct casualty_filter *f, enum casualty_export_format fmt,
                          struct casualty_export **out, struct bh_error *err)
{
    *out = NULL;
    if (fmt < 0 || fmt >= CASUALTY_EXPORT_COUNT)
        return bh_fail(err, BH_EINVALID, "format", "unknown export format");
    struct casualty_export *x = xcalloc(1, sizeof *x);
    x->fmt = fmt;
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    buf_puts(&where, " WHERE ");
    casualty_predicate(who, "c", &where, &wp);
    int rc = casualty__filter_sql(db, f, &where, &wp, err);
    if (!rc)
        rc = audit_export(db, audit_db, who, buf_str(&where), &wp, fmt, err);
    if (!rc) {
        struct buf sql = BUF_INIT;
        /* The UN's rows in the UN file's order, then the members' by date. */
        buf_puts(&sql, "SELECT " CASUALTY__COLUMNS CASUALTY__FILE_COLUMNS " FROM ");
        casualty__from(who, &sql, &x->params);
        buf_printf(&sql, "%s ORDER BY c.source_row IS NULL, c.source_row, c.incident_date, c.id",
                   buf_str(&where));
        db_params_append(&x->params, &wp);
        rc = db_prepare(db, buf_str(&sql), &x->st, err);
        buf_cleanup(&sql);
    }
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    if (rc) {
        casualty_export_free(x);
        return rc;
    }
    db_params_bind(x->st, &x->params);
    *out = x;
    return 0;
}

int casualty_export_next(struct casualty_export *x, struct buf *out, struct bh_error *err)
{
    if (x->done)
        return 1;
    size_t start = out->len;
    if (!x->started) {
        x->started = true;
        header(x->fmt, out);
    }
    while (out->len - start < PIECE_BYTES) {
        int rc = db_step(x->st, err);
        if (rc < 0)
            return rc;
        if (rc == DB_DONE) {
            if (x->fmt == CASUALTY_EXPORT_JSON)
                buf_puts(out, x->rows ? "\n]\n" : "]\n");
            x->done = true;
            return 1;
        }
        if (x->fmt == CASUALTY_EXPORT_UN) {
            un_row(x->st, out);
        } else if (x->fmt == CASUALTY_EXPORT_HXL) {
            hxl_row(x->st, out);
        } else {
            json_t *rec = casualty__row_json(x->st);
            char *s = json_dumps(rec, JSON_COMPACT);
            json_decref(rec);
            if (!s)
                abort(); /* jansson fails only on out-of-memory here */
            buf_puts(out, x->rows ? ",\n" : "\n");
            buf_puts(out, s);
            free(s);
        }
        x->rows++;
    }
    return 0;
}

int64_t casualty_export_rows(const struct casualty_export *x)
{
    return x->rows;
}

void casualty_export_free(struct casualty_export *x)
{
    if (!x)
        return;
    db_stmt_done(x->st);
    db_params_cleanup(&x->params);
    free(x);
}

int casualty_export(struct db *db, const struct principal *who, const struct casualty_filter *f,
                    enum casualty_export_format fmt, casualty_export_sink sink, void *ctx,
                    int64_t *rows, struct bh_error *err)
{
    if (rows)
        *rows = 0;
    struct casualty_export *x;
    int rc = casualty_export_begin(db, db, who, f, fmt, &x, err);
    if (rc)
        return rc;
    struct buf piece = BUF_INIT;
    int more;
    while ((more = casualty_export_next(x, &piece, err)) >= 0) {
        int wrc = piece.len ? sink(ctx, piece.data, piece.len) : 0;
        buf_reset(&piece);
        if (wrc) {
            more = bh_fail(err, wrc, NULL, "the export could not be written: %s", bh_strerror(wrc));
            break;
        }
        if (more == 1)
            break;
    }
    if (rows)
        *rows = x->rows;
    buf_cleanup(&piece);
    casualty_export_free(x);
    return more < 0 ? more : 0;
}
