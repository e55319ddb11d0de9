#include "import/import.h"

#include "base/arena.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t import_input_size(const struct import_input *in)
{
    return in->file ? in->size : in->len;
}

/* Puts the input's name in front of a read failure's message. */
static int named(const struct import_input *in, int rc, struct bh_error *err)
{
    if (rc == BH_EIO) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        bh_fail(err, BH_EIO, "file", "%s: %s", in->name ? in->name : "the file", why);
    }
    return rc;
}

int import_read_csv(const struct import_input *in, const struct csv_reader_opts *opts,
                    struct bh_error *err)
{
    return named(in,
                 in->file ? csv_read_file(in->file, opts, err)
                          : csv_read_mem(in->data ? in->data : "", in->len, opts, err),
                 err);
}

int import_read_geojson(const struct import_input *in, const struct geojson_reader_opts *opts,
                        struct bh_error *err)
{
    return named(in,
                 in->file ? geojson_read_file(in->file, opts, err)
                          : geojson_read_mem(in->data, in->len, opts, err),
                 err);
}

void import_progress_report(const struct import_progress *p, uint64_t done, uint64_t total,
                            int64_t records)
{
    if (p && p->fn)
        p->fn(p->ctx, done, total, records);
}

void import_report_init(struct import_report *r)
{
    memset(r, 0, sizeof *r);
    r->arena = arena_new(4096);
}

void import_report_cleanup(struct import_report *r)
{
    free(r->rejections);
    free(r->warnings);
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

static void add(struct import_report *r, struct import_problem **list, size_t *n, size_t *cap,
                long line, long feature, const char *label, const char *field, const char *fmt,
                va_list ap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *list = xrealloc(*list, *cap * sizeof **list);
    }
    struct import_problem *p = &(*list)[(*n)++];
    p->line = line;
    p->feature = feature;
    p->label = label ? arena_strdup(r->arena, label) : NULL;
    p->field = arena_strdup(r->arena, field ? field : "");
    p->reason = arena_vprintf(r->arena, fmt, ap);
}

void import_vreject(struct import_report *r, long line, long feature, const char *label,
                    const char *field, const char *fmt, va_list ap)
{
    r->rejected++;
    if (r->limit && r->nrejections >= r->limit)
        return;
    add(r, &r->rejections, &r->nrejections, &r->rejections_cap, line, feature, label, field, fmt,
        ap);
}

void import_reject(struct import_report *r, long line, long feature, const char *label,
                   const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    import_vreject(r, line, feature, label, field, fmt, ap);
    va_end(ap);
}

void import_warn(struct import_report *r, long line, long feature, const char *label,
                 const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(r, &r->warnings, &r->nwarnings, &r->warnings_cap, line, feature, label, field, fmt, ap);
    va_end(ap);
}

int import_end(struct db *db, int rc, struct import_report *rep, struct bh_error *err)
{
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        /* Nothing was written: the counts describe a transaction that did not happen. */
        rep->added = rep->updated = rep->unchanged = rep->present = 0;
    }
    return rc;
}

void import_prefix_line(struct bh_error *err, long line)
{
    char head[32];
    int n = snprintf(head, sizeof head, "line %ld: ", line);
    size_t hl = n > 0 ? (size_t)n : 0, cap = sizeof err->message;
    size_t ml = strnlen(err->message, cap - 1);
    if (hl + ml > cap - 1)
        ml = cap - 1 - hl;
    memmove(err->message + hl, err->message, ml);
    memcpy(err->message, head, hl);
    err->message[hl + ml] = '\0';
}
