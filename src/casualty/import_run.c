/* The run the casualty imports share (import_run.h).
 *
 * How an import goes (docs/formats.md has the reasons at length): one transaction. The
 * reference data a row is checked against and the keys already in the table are read into
 * hash maps first (base/hashmap.h), so checking a row costs no query. Each key in the table is
 * mapped to a fingerprint of the values we would write (a 64-bit hash), and the same map
 * remembers the line of the file that last set it: a row whose key is new is added, one whose
 * fingerprint differs is updated, one whose fingerprint matches is left alone (so a re-import
 * writes nothing), and a key seen before in the same file is rejected, naming that line. */
#include "casualty/import_run.h"

#include "audit/audit.h"
#include "base/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int on_csv_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct import_run *r = ctx;
    if (!r->header_seen) {
        r->header_seen = 1;
        int rc = r->kind->header(r, row, err);
        if (rc) {
            /* The header is the file's first record: say so, the way the reader names the
             * line of a syntax error. */
            import_prefix_line(err, row->line);
            r->rep->where.line = row->line;
            r->rep->where.column = 0;
        }
        return rc;
    }
    r->rep->rows++;
    return r->kind->row(r, row, err);
}

static void on_csv_progress(void *ctx, uint64_t done)
{
    struct import_run *r = ctx;
    r->done = done;
    import_progress_report(&r->progress, done, r->size, r->rep->rows);
}

int casualty__row_outcome(struct import_run *r, const char *key, size_t len, uint64_t fp, long line,
                          const char *what, const char *shown, const char **key_out)
{
    struct sval *e = hashmap_putn(&r->seen, key, len, NULL);
    if (key_out)
        *key_out = hashmap_key(&r->seen, e);
    if (e->line) {
        import_reject(r->rep, line, -1, NULL, NULL,
                      "%s '%.80s' appears again (first on line %ld); the first is kept", what,
                      shown ? shown : hashmap_key(&r->seen, e), e->line);
        return ROW_REPEATED;
    }
    if (!fp)
        fp = 1;
    int outcome = e->v.u == 0 ? ROW_NEW : e->v.u == fp ? ROW_SAME : ROW_CHANGED;
    e->v.u = fp;
    e->line = line;
    return outcome;
}

int casualty__run_import(const struct import_kind *kind, void *state, struct db *db,
                         const struct principal *who, const struct import_input *in,
                         import_progress_fn progress, void *progress_ctx, struct import_report *rep,
                         struct bh_error *err)
{
    struct import_run run;
    memset(&run, 0, sizeof run);
    struct import_run *r = &run;
    r->kind = kind;
    r->state = state;
    rep->format = kind->format;
    rep->table = kind->table;
    r->db = db;
    r->who = who;
    r->rep = rep;
    r->progress.fn = progress;
    r->progress.ctx = progress_ctx;
    r->size = import_input_size(in);
    time_format_rfc3339(time_now_ms(), 0, false, r->now);
    const char *name = in->name ? in->name : "the file";

    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = r->kind->prepare(r, err);
    if (!rc) {
        struct csv_reader_opts opts = { on_csv_row, on_csv_progress, r, &rep->where };
        rc = import_read_csv(in, &opts, err);
    }
    if (!rc && !r->header_seen) {
        rep->where.line = 1;
        rc = bh_fail(err, BH_EINVALID, "file", "%s is empty: expected a header line (%s)", name,
                     r->kind->format_for_empty);
    }
    if (!rc && r->kind->finish)
        rc = r->kind->finish(r, err);
    if (r->kind->cleanup)
        r->kind->cleanup(r);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "file", name, "format",
                      rep->format ? rep->format : "", "rows", (json_int_t)rep->rows, "added",
                      (json_int_t)rep->added, "updated", (json_int_t)rep->updated, "unchanged",
                      (json_int_t)rep->unchanged, "rejected", (json_int_t)rep->rejected);
        rc = audit_append(db, who, r->kind->action, r->kind->record_type, NULL, summary, err);
        json_decref(summary);
    }
    rc = import_end(db, rc, rep, err);
    hashmap_cleanup(&r->seen);
    return rc;
}

int casualty__rejectf(struct import_run *r, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    import_vreject(r->rep, line, -1, NULL, NULL, fmt, ap);
    va_end(ap);
    return 0;
}
