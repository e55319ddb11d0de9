#include "casualty/import.h"

#include "audit/audit.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "casualty/casualty.h"
#include "formats/deployments.h"
#include "formats/un_fatalities.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an import goes (docs/formats.md has the reasons at length):
 *
 * One transaction. The reference data a row is checked against (missions, countries, the
 * member-state organizations) and the keys already in the table are read into hash maps
 * first, so checking a row costs no query. Each key in the table is mapped to a fingerprint
 * of the values we would write (a 64-bit hash), and the same map remembers the line of the
 * file that last set it: a row whose key is new is added, one whose fingerprint differs is
 * updated, one whose fingerprint matches is left alone (so a re-import writes nothing), and a
 * key seen before in the same file is rejected, naming that line. Updates are written as the
 * rows come; new UN records wait and go in at the end, sorted (un_finish says why). Each
 * statement is prepared once, kept in the connection's cache and reused for every row; the
 * maps' keys live in arenas. */

/* ---- a string-keyed hash map ---- */

struct smap_entry {
    const char *key; /* NULL: an empty slot */
    uint64_t hash;
    union {
        int64_t i;
        uint64_t u;
        const char *s;
    } v;
    long line; /* the line of the file that set this key; 0 when it came from the store */
};

struct smap {
    struct smap_entry *slots;
    size_t cap, n;
    struct arena *keys;
};

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* FNV-1a, finished with MurmurHash3's mixer so that nearby keys spread over the table. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return mix64(h);
}

static void smap_init(struct smap *m, size_t expect)
{
    m->cap = 64;
    while (m->cap < expect * 2)
        m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->n = 0;
    m->keys = arena_new(expect > 1024 ? 256 * 1024 : 4096);
}

static void smap_cleanup(struct smap *m)
{
    free(m->slots);
    arena_free(m->keys);
    memset(m, 0, sizeof *m);
}

static struct smap_entry *smap_slot(struct smap_entry *slots, size_t cap, const char *key,
                                    size_t len, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    for (;;) {
        struct smap_entry *e = &slots[i];
        if (!e->key || (e->hash == h && strncmp(e->key, key, len) == 0 && e->key[len] == '\0'))
            return e;
        i = (i + 1) & (cap - 1);
    }
}

static struct smap_entry *smap_find(struct smap *m, const char *key, size_t len)
{
    struct smap_entry *e = smap_slot(m->slots, m->cap, key, len, hash_bytes(key, len));
    return e->key ? e : NULL;
}

/* The entry for `key`, added (with v and line zero) when absent. */
static struct smap_entry *smap_put(struct smap *m, const char *key, size_t len)
{
    uint64_t h = hash_bytes(key, len);
    struct smap_entry *e = smap_slot(m->slots, m->cap, key, len, h);
    if (e->key)
        return e;
    if ((m->n + 1) * 10 > m->cap * 7) {
        size_t cap = m->cap * 2;
        struct smap_entry *slots = xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key) {
                struct smap_entry *d = smap_slot(slots, cap, m->slots[i].key,
                                                 strlen(m->slots[i].key), m->slots[i].hash);
                *d = m->slots[i];
            }
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
        e = smap_slot(m->slots, m->cap, key, len, h);
    }
    e->key = arena_strndup(m->keys, key, len);
    e->hash = h;
    m->n++;
    return e;
}

/* ---- fingerprints of the values a row would write ---- */

static void fp_str(uint64_t *h, const char *s)
{
    uint64_t x = *h;
    if (!s) {
        x ^= 0xff; /* NULL differs from "" */
        x *= 0x100000001b3ULL;
    } else {
        for (; *s; s++) {
            x ^= (unsigned char)*s;
            x *= 0x100000001b3ULL;
        }
    }
    x ^= 0x1f; /* a separator, so ("ab","c") and ("a","bc") differ */
    x *= 0x100000001b3ULL;
    *h = x;
}

static void fp_int(uint64_t *h, int64_t v)
{
    *h = mix64(*h ^ (uint64_t)v) * 0x100000001b3ULL;
}

/* ---- the report ---- */

void casualty_import_report_init(struct casualty_import_report *r)
{
    memset(r, 0, sizeof *r);
    r->arena = arena_new(4096);
}

void casualty_import_report_cleanup(struct casualty_import_report *r)
{
    free(r->rejections);
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

static void reject(struct casualty_import_report *r, long line, const char *reason)
{
    if ((size_t)r->rejected == r->rejections_cap) {
        r->rejections_cap = r->rejections_cap ? r->rejections_cap * 2 : 64;
        r->rejections = xrealloc(r->rejections, r->rejections_cap * sizeof *r->rejections);
    }
    r->rejections[r->rejected].line = line;
    r->rejections[r->rejected].reason = arena_strdup(r->arena, reason);
    r->rejected++;
}

json_t *casualty_import_report_json(const struct casualty_import_report *r)
{
    json_t *rej = json_array();
    for (int64_t i = 0; i < r->rejected; i++)
        json_array_append_new(rej,
                              json_pack("{s:I, s:s}", "line", (json_int_t)r->rejections[i].line,
                                        "reason", r->rejections[i].reason));
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:I}", "format",
                     r->format ? r->format : "", "table", r->table ? r->table : "", "rows",
                     (json_int_t)r->rows, "added", (json_int_t)r->added, "updated",
                     (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "rejected", rej,
                     "rejected_count", (json_int_t)r->rejected);
}

/* ---- the run every import shares ---- */

struct import_run;

struct import_kind {
    const char *format_for_empty; /* what the header of an empty file should have been */
    const char *action;           /* audit action */
    const char *record_type;
    /* Reads what the rows are checked against and prepares the statements. */
    int (*prepare)(struct import_run *r, struct bh_error *err);
    int (*header)(struct import_run *r, struct csv_row *row, struct bh_error *err);
    /* Handles a data row: writes it, counts it, or rejects it through reject(). A negative
     * return (a store failure) stops the import. */
    int (*row)(struct import_run *r, struct csv_row *row, struct bh_error *err);
    /* After the last row (may be NULL): writes what was held back. */
    int (*finish)(struct import_run *r, struct bh_error *err);
    void (*cleanup)(struct import_run *r);
};

/* Puts "line N: " in front of err's message (cutting its end when it no longer fits). */
static void prefix_line(struct bh_error *err, long line)
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

struct import_run {
    const struct import_kind *kind;
    struct db *db;
    const struct principal *who;
    struct casualty_import_report *rep;
    casualty_import_progress progress;
    void *progress_ctx;
    uint64_t size;
    int header_seen;
    struct smap seen; /* the table's keys → fingerprint, and the line that last set each */
    char now[40];
    void *state; /* the kind's own */
};

static int on_csv_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct import_run *r = ctx;
    if (!r->header_seen) {
        r->header_seen = 1;
        int rc = r->kind->header(r, row, err);
        if (rc) {
            /* The header is the file's first record: say so, the way the reader names the
             * line of a syntax error. */
            prefix_line(err, row->line);
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
    if (r->progress)
        r->progress(r->progress_ctx, done, r->size, r->rep->rows);
}

/* What becomes of a row, from its key and the fingerprint of its values. */
enum { ROW_SAME, ROW_NEW, ROW_CHANGED, ROW_REPEATED };

/* Looks the key up, rejects it when a line of this file already gave it (naming it as `what`
 * and `shown`, or the key itself when `shown` is NULL), and marks it as set by `line`. A key read
 * from the store carries its fingerprint (never 0) and line 0; a key new to the map carries 0. */
static int row_outcome(struct import_run *r, const char *key, size_t len, uint64_t fp, long line,
                       const char *what, const char *shown, const char **key_out)
{
    struct smap_entry *e = smap_put(&r->seen, key, len);
    if (key_out)
        *key_out = e->key;
    if (e->line) {
        char reason[200];
        snprintf(reason, sizeof reason,
                 "%s '%.80s' appears again (first on line %ld); the first is kept", what,
                 shown ? shown : e->key, e->line);
        reject(r->rep, line, reason);
        return ROW_REPEATED;
    }
    if (!fp)
        fp = 1;
    int outcome = e->v.u == 0 ? ROW_NEW : e->v.u == fp ? ROW_SAME : ROW_CHANGED;
    e->v.u = fp;
    e->line = line;
    return outcome;
}

static int run_import(struct import_run *r, struct db *db, const struct principal *who,
                      const struct casualty_import_input *in, casualty_import_progress progress,
                      void *progress_ctx, struct casualty_import_report *rep, struct bh_error *err)
{
    r->db = db;
    r->who = who;
    r->rep = rep;
    r->progress = progress;
    r->progress_ctx = progress_ctx;
    r->size = in->file ? in->size : in->len;
    time_format_rfc3339(time_now_ms(), 0, false, r->now);
    const char *name = in->name ? in->name : "the file";

    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = r->kind->prepare(r, err);
    if (!rc) {
        struct csv_reader_opts opts = { on_csv_row, on_csv_progress, r, &rep->where };
        rc = in->file ? csv_read_file(in->file, &opts, err)
                      : csv_read_mem(in->data ? in->data : "", in->len, &opts, err);
        if (rc == BH_EIO) {
            char why[sizeof err->message];
            snprintf(why, sizeof why, "%s", err->message);
            bh_fail(err, BH_EIO, "file", "%s: %s", name, why);
        }
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
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        /* Nothing was written: the counts describe a transaction that did not happen. */
        rep->added = rep->updated = rep->unchanged = 0;
    }
    smap_cleanup(&r->seen);
    return rc;
}

/* ---- the UN fatalities file ---- */

/* Names of nationalities in the UN file that are not the country table's name for the
 * country but say exactly which one it is. "Côte dIvoire" lost its apostrophe in the UN's
 * export; "Türkiye" is the country table's name today, and is here so that a country table
 * from an older iso-codes ("Turkey") still maps it. docs/formats.md lists them. */
static const struct {
    const char *name;
    const char *iso3;
} nationality_aliases[] = {
    { "Côte dIvoire", "CIV" },
    { "Türkiye", "TUR" },
};

/* The nationality stored when the file leaves it empty. */
#define UN_NATIONALITY_EMPTY "Unknown"

struct un_values;

struct un_state {
    struct smap missions;  /* acronym */
    struct smap countries; /* iso3 → m49 (-1 when none) */
    struct smap names;     /* country name → iso3 (arena string) */
    struct smap orgs;      /* member-state code → org id */
    struct smap strings;   /* other repeated texts (nationalities, dates), interned */
    int64_t publisher_org;
    int64_t existing; /* records in the table before the import */
    /* New records, inserted at the end in casualty_id order (see un_finish). */
    struct un_values *pending;
    size_t npending, cap;
};

static const char un_insert_sql[] =
    "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, gender, "
    "nationality, nationality_iso3, nationality_m49, personnel_type, incident_type, "
    "owner_org_id, tlp, sharing_group_id, embargoed, released_at, released_by, source, "
    "source_updated, source_row, source_nationality, source_iso3, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'CLEAR', NULL, 0, ?, ?, 'un', ?, ?, ?, ?, ?, ?)";

/* A record that changed is made the UN's again; its release, when it was released before,
 * keeps its first date and author. Every SET expression reads the row as it was. */
static const char un_update_sql[] =
    "UPDATE casualty SET incident_date = ?, mission = ?, casualty_type = ?, gender = ?, "
    "nationality = ?, nationality_iso3 = ?, nationality_m49 = ?, personnel_type = ?, "
    "incident_type = ?, owner_org_id = ?, tlp = 'CLEAR', sharing_group_id = NULL, "
    "released_at = CASE WHEN embargoed = 0 AND released_at IS NOT NULL THEN released_at "
    "ELSE ? END, "
    "released_by = CASE WHEN embargoed = 0 AND released_at IS NOT NULL THEN released_by "
    "ELSE ? END, "
    "embargoed = 0, source = 'un', source_updated = ?, source_row = ?, "
    "source_nationality = ?, source_iso3 = ?, updated_at = ? "
    "WHERE casualty_id = ?";

/* The values of one record as the import writes them. The strings outlive the row: they are
 * the maps' keys, vocabulary constants, or interned in un_state.strings, so a new record can
 * wait in un_state.pending for the sorted insert at the end. */
struct un_values {
    const char *casualty_id;
    char incident_date[11];
    char gender[2];
    const char *mission;
    const char *casualty_type;
    const char *nationality;
    const char *iso3; /* NULL when undetermined */
    int64_t m49;      /* -1: NULL */
    const char *personnel_type;
    const char *incident_type;
    int64_t owner;
    const char *tlp;
    int64_t group; /* 0: NULL */
    int64_t embargoed;
    const char *source;
    const char *source_updated;     /* NULL when the file gives none */
    int64_t source_row;             /* -1: NULL */
    const char *source_nationality; /* the file's cells as written; NULL for members' rows */
    const char *source_iso3;
    long line; /* of the file, for an error */
};

static uint64_t un_fingerprint(const struct un_values *v)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    fp_str(&h, v->incident_date);
    fp_str(&h, v->mission);
    fp_str(&h, v->casualty_type);
    fp_str(&h, v->gender);
    fp_str(&h, v->nationality);
    fp_str(&h, v->iso3);
    fp_int(&h, v->m49);
    fp_str(&h, v->personnel_type);
    fp_str(&h, v->incident_type);
    fp_int(&h, v->owner);
    fp_str(&h, v->tlp);
    fp_int(&h, v->group);
    fp_int(&h, v->embargoed);
    fp_str(&h, v->source);
    fp_str(&h, v->source_updated);
    fp_int(&h, v->source_row);
    fp_str(&h, v->source_nationality);
    fp_str(&h, v->source_iso3);
    return mix64(h);
}

static int load_set(struct db *db, const char *sql, struct smap *m, int kind, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *k = db_column_text(st, 0);
        if (!k)
            continue;
        struct smap_entry *e = smap_put(m, k, strlen(k));
        if (kind == 1)
            e->v.i = db_column_is_null(st, 1) ? -1 : db_column_int(st, 1);
        else if (kind == 2)
            e->v.s = arena_strdup(m->keys, db_column_text(st, 1));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static const char *col_text_or_null(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? NULL : db_column_text(st, col);
}

static int un_prepare(struct import_run *r, struct bh_error *err)
{
    struct un_state *s = r->state;
    smap_init(&s->missions, 256);
    smap_init(&s->countries, 512);
    smap_init(&s->names, 512);
    smap_init(&s->orgs, 256);
    smap_init(&s->strings, 1024);
    int rc;
    if ((rc = load_set(r->db, "SELECT acronym FROM mission", &s->missions, 0, err)) ||
        (rc = load_set(r->db, "SELECT iso3, m49 FROM country", &s->countries, 1, err)) ||
        (rc = load_set(r->db, "SELECT name, iso3 FROM country", &s->names, 2, err)) ||
        (rc = load_set(r->db, "SELECT code, id FROM org WHERE kind = 'member_state'", &s->orgs, 1,
                       err)))
        return rc;
    for (size_t i = 0; i < sizeof nationality_aliases / sizeof nationality_aliases[0]; i++) {
        const char *iso3 = nationality_aliases[i].iso3;
        if (!smap_find(&s->countries, iso3, strlen(iso3)))
            continue; /* a country table without it maps nothing */
        struct smap_entry *e =
            smap_put(&s->names, nationality_aliases[i].name, strlen(nationality_aliases[i].name));
        if (!e->v.s)
            e->v.s = arena_strdup(s->names.keys, iso3);
    }

    struct db_stmt *st;
    if ((rc = db_prepare(r->db, "SELECT id FROM org WHERE code = ?", &st, err)))
        return rc;
    db_bind_text(st, 1, CASUALTY_UN_PUBLISHER_ORG);
    rc = db_step(st, err);
    s->publisher_org = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!s->publisher_org)
        return bh_fail(err, BH_ENOTFOUND, "org",
                       "the organization %s (the UN's publisher, owner of records whose "
                       "nationality has no organization here) is not in the store: run "
                       "`bluehelm init --seed`, or `bluehelm org add %s --kind un_entity --name "
                       "...`",
                       CASUALTY_UN_PUBLISHER_ORG, CASUALTY_UN_PUBLISHER_ORG);

    if ((rc = db_query_int(r->db, "SELECT count(*) FROM casualty", 0, &s->existing, err)))
        return rc;
    /* Room for the keys of the table or of the file, whichever is larger (a UN row is about
     * 100 bytes), so that the map is seldom rebuilt while it fills. */
    size_t expect =
        (size_t)(r->size / 96) > (size_t)s->existing ? (size_t)(r->size / 96) : (size_t)s->existing;
    smap_init(&r->seen, expect + 1024);
    if ((rc = db_prepare(r->db,
                         "SELECT casualty_id, incident_date, mission, casualty_type, gender, "
                         "nationality, nationality_iso3, nationality_m49, personnel_type, "
                         "incident_type, owner_org_id, tlp, sharing_group_id, embargoed, "
                         "source, source_updated, source_row, source_nationality, source_iso3 "
                         "FROM casualty",
                         &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct un_values v = { 0 };
        const char *date = db_column_text(st, 1), *gender = db_column_text(st, 4);
        strncpy(v.incident_date, date ? date : "", sizeof v.incident_date - 1);
        v.gender[0] = gender ? gender[0] : '\0';
        v.mission = db_column_text(st, 2);
        v.casualty_type = db_column_text(st, 3);
        v.nationality = db_column_text(st, 5);
        v.iso3 = col_text_or_null(st, 6);
        v.m49 = db_column_is_null(st, 7) ? -1 : db_column_int(st, 7);
        v.personnel_type = db_column_text(st, 8);
        v.incident_type = db_column_text(st, 9);
        v.owner = db_column_int(st, 10);
        v.tlp = db_column_text(st, 11);
        v.group = db_column_is_null(st, 12) ? 0 : db_column_int(st, 12);
        v.embargoed = db_column_int(st, 13);
        v.source = db_column_text(st, 14);
        v.source_updated = col_text_or_null(st, 15);
        v.source_row = db_column_is_null(st, 16) ? -1 : db_column_int(st, 16);
        v.source_nationality = col_text_or_null(st, 17);
        v.source_iso3 = col_text_or_null(st, 18);
        const char *key = db_column_text(st, 0);
        struct smap_entry *e = smap_put(&r->seen, key, strlen(key));
        uint64_t fp = un_fingerprint(&v);
        e->v.u = fp ? fp : 1; /* 0 means "not in the store" */
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static void un_cleanup(struct import_run *r)
{
    struct un_state *s = r->state;
    smap_cleanup(&s->missions);
    smap_cleanup(&s->countries);
    smap_cleanup(&s->names);
    smap_cleanup(&s->orgs);
    smap_cleanup(&s->strings);
    free(s->pending);
    s->pending = NULL;
}

static int un_header(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    (void)r;
    return un_fatalities_check_header(row, err);
}

/* The vocabulary entry equal to `s`, or NULL: values are matched exactly, never guessed. */
static const char *vocabulary(const char *const *words, const char *s)
{
    for (; *words; words++)
        if (strcmp(*words, s) == 0)
            return *words;
    return NULL;
}

static int rejectf(struct import_run *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rejectf(struct import_run *r, long line, const char *fmt, ...)
{
    char reason[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    reject(r->rep, line, reason);
    return 0;
}

/* Inserts `v` as record `id`, or, when `id` is NULL, updates the record of its casualty_id. */
static int un_write(struct import_run *r, const struct un_values *v, const char *id,
                    struct bh_error *err)
{
    bool insert = id != NULL;
    struct db_stmt *st;
    int rc = db_prepare(r->db, insert ? un_insert_sql : un_update_sql, &st, err);
    if (rc)
        return rc;
    int i = 1;
    if (insert) {
        db_bind_text(st, i++, id);
        db_bind_text(st, i++, v->casualty_id);
    }
    db_bind_text(st, i++, v->incident_date);
    db_bind_text(st, i++, v->mission);
    db_bind_text(st, i++, v->casualty_type);
    db_bind_text(st, i++, v->gender);
    db_bind_text(st, i++, v->nationality);
    db_bind_text(st, i++, v->iso3);
    if (v->m49 < 0)
        db_bind_null(st, i++);
    else
        db_bind_int(st, i++, v->m49);
    db_bind_text(st, i++, v->personnel_type);
    db_bind_text(st, i++, v->incident_type);
    db_bind_int(st, i++, v->owner);
    db_bind_text(st, i++, r->now);
    db_bind_text(st, i++, CASUALTY_UN_RELEASED_BY);
    db_bind_text(st, i++, v->source_updated);
    if (v->source_row < 0)
        db_bind_null(st, i++);
    else
        db_bind_int(st, i++, v->source_row);
    db_bind_text(st, i++, v->source_nationality);
    db_bind_text(st, i++, v->source_iso3);
    if (insert)
        db_bind_text(st, i++, r->now);
    db_bind_text(st, i++, r->now);
    if (!insert)
        db_bind_text(st, i++, v->casualty_id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        prefix_line(err, v->line);
    return rc < 0 ? rc : 0;
}

/* `str` as a string that lives as long as the import. */
static const char *intern(struct smap *m, const char *str)
{
    return smap_put(m, str, strlen(str))->key;
}

static int un_row(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    struct un_state *s = r->state;
    struct un_fatality f;
    struct bh_error why;
    if (un_fatality_parse(row, &f, &why))
        return rejectf(r, row->line, "%s", why.message);

    struct un_values v = { 0 };
    v.line = row->line;
    memcpy(v.incident_date, f.incident_date, sizeof v.incident_date);
    if (!(v.casualty_type = vocabulary(casualty_types, f.casualty_type)))
        return rejectf(r, row->line,
                       "type_of_casualty '%.60s' is not in the vocabulary (Fatality, Injury, "
                       "Missing, Abducted)",
                       f.casualty_type);
    if (!(v.personnel_type = vocabulary(casualty_personnel_types, f.personnel_type)))
        return rejectf(r, row->line,
                       "casualty_personnel_type '%.60s' is not in the vocabulary (Military, "
                       "Military Observer, Police, International Civilian, Local, Other)",
                       f.personnel_type);
    if (!(v.incident_type = vocabulary(casualty_incident_types, f.incident_type)))
        return rejectf(r, row->line,
                       "type_of_incident '%.60s' is not in the vocabulary (Malicious Act, "
                       "Accident, Illness, Self-Inflicted, To Be Determined, Unknown)",
                       f.incident_type);
    struct smap_entry *e = smap_find(&s->missions, f.mission, strlen(f.mission));
    if (!e)
        return rejectf(r, row->line, "mission_acronym '%.60s' is not a mission we know", f.mission);
    v.mission = e->key;
    v.gender[0] = f.gender;
    v.gender[1] = '\0';

    /* The nationality as the file names it; its code as the file gives it, or, when the file
     * gives none, the country whose name (or alias) is exactly that text. */
    v.nationality = *f.nationality ? intern(&s->strings, f.nationality) : UN_NATIONALITY_EMPTY;
    v.m49 = f.has_m49 ? f.m49 : -1;
    if (*f.iso3) {
        if (!(e = smap_find(&s->countries, f.iso3, 3)))
            return rejectf(r, row->line, "isocode3 '%s' is not a country code we know", f.iso3);
        v.iso3 = e->key;
    } else if (*f.nationality && (e = smap_find(&s->names, f.nationality, strlen(f.nationality)))) {
        v.iso3 = e->v.s;
    }
    e = v.iso3 ? smap_find(&s->orgs, v.iso3, 3) : NULL;
    v.owner = e ? e->v.i : s->publisher_org;
    v.tlp = "CLEAR";
    v.source = "un";
    v.source_updated = *f.last_update ? intern(&s->strings, f.last_update) : NULL;
    v.source_row = f.has_un_id ? f.un_id : -1;
    v.source_nationality = *f.nationality ? v.nationality : "";
    v.source_iso3 = *f.iso3 ? v.iso3 : "";

    /* The casualty_id is the key, not part of the fingerprint; v keeps the map's copy. */
    int outcome = row_outcome(r, f.casualty_id, strlen(f.casualty_id), un_fingerprint(&v),
                              row->line, "casualty_id", NULL, &v.casualty_id);
    switch (outcome) {
    case ROW_NEW:
        if (s->npending == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 1024;
            s->pending = xrealloc(s->pending, s->cap * sizeof *s->pending);
        }
        s->pending[s->npending++] = v;
        r->rep->added++;
        return 0;
    case ROW_CHANGED:
        r->rep->updated++;
        return un_write(r, &v, NULL, err);
    case ROW_SAME:
        r->rep->unchanged++;
        return 0;
    default:
        return 0;
    }
}

/* New records go in at the end, sorted by casualty_id, with ids made in that order: every
 * B-tree a new record enters (the table, its id, its casualty_id) then grows at its right
 * edge instead of at a random page, which is most of the cost of a large import. For a large
 * import into a table it outgrows, the other indexes are dropped first and built again after,
 * by sorting, which is faster than growing them one record at a time; the statements below
 * must say what the migrations say (unit/import-bulk-indexes compares them). */
enum { BULK_ROWS = 10000 };

static const char *const casualty_indexes[][2] = {
    { "casualty_date", "CREATE INDEX casualty_date ON casualty (incident_date)" },
    { "casualty_mission", "CREATE INDEX casualty_mission ON casualty (mission, incident_date)" },
    { "casualty_nationality", "CREATE INDEX casualty_nationality ON casualty (nationality_iso3)" },
    { "casualty_owner", "CREATE INDEX casualty_owner ON casualty (owner_org_id)" },
};
#define NINDEXES (sizeof casualty_indexes / sizeof casualty_indexes[0])

static int cmp_casualty_id(const void *a, const void *b)
{
    const struct un_values *x = *(const struct un_values *const *)a;
    const struct un_values *y = *(const struct un_values *const *)b;
    return strcmp(x->casualty_id, y->casualty_id);
}

/* Ids in ascending order without a system call each: one random tail, counted up. The low 52
 * bits of the tail are the counter, so no import can carry into the version bits. */
struct id_seq {
    int64_t ms;
    uint8_t tail[10];
};

static void id_seq_init(struct id_seq *q)
{
    struct uuid u;
    uuid_v7(&u);
    q->ms = uuid_v7_time_ms(&u);
    memcpy(q->tail, u.b + 6, sizeof q->tail);
    q->tail[3] &= 0x0f;
}

static void id_seq_next(struct id_seq *q, char out[UUID_STR_LEN + 1])
{
    for (int i = 9; i >= 3 && ++q->tail[i] == 0; i--)
        ;
    struct uuid u;
    uuid_v7_from(&u, q->ms, q->tail);
    uuid_format(&u, out);
}

static int un_finish(struct import_run *r, struct bh_error *err)
{
    struct un_state *s = r->state;
    if (s->npending == 0)
        return 0;
    struct un_values **order = xmalloc(s->npending * sizeof *order);
    for (size_t i = 0; i < s->npending; i++)
        order[i] = &s->pending[i];
    qsort(order, s->npending, sizeof *order, cmp_casualty_id);
    bool rebuild = s->npending >= BULK_ROWS && (int64_t)s->npending >= s->existing;
    int rc = 0;
    char sql[64];
    for (size_t i = 0; rebuild && i < NINDEXES && !rc; i++) {
        snprintf(sql, sizeof sql, "DROP INDEX %s", casualty_indexes[i][0]);
        rc = db_exec(r->db, sql, err);
    }
    struct id_seq ids;
    id_seq_init(&ids);
    for (size_t i = 0; i < s->npending && !rc; i++) {
        char id[UUID_STR_LEN + 1];
        id_seq_next(&ids, id);
        rc = un_write(r, order[i], id, err);
        if (r->progress && (i & 0xffff) == 0xffff)
            r->progress(r->progress_ctx, r->size, r->size, r->rep->rows);
    }
    for (size_t i = 0; rebuild && i < NINDEXES && !rc; i++)
        rc = db_exec(r->db, casualty_indexes[i][1], err);
    free(order);
    return rc;
}

static const struct import_kind un_kind = {
    "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
    "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,"
    "last_update",
    "casualty.import",
    "casualty",
    un_prepare,
    un_header,
    un_row,
    un_finish,
    un_cleanup,
};

int casualty_import_un_fatalities(struct db *db, const struct principal *who,
                                  const struct casualty_import_input *in,
                                  casualty_import_progress progress, void *progress_ctx,
                                  struct casualty_import_report *report, struct bh_error *err)
{
    struct un_state s;
    memset(&s, 0, sizeof s);
    struct import_run r;
    memset(&r, 0, sizeof r);
    r.kind = &un_kind;
    r.state = &s;
    report->format = "un-fatalities";
    report->table = "casualty";
    return run_import(&r, db, who, in, progress, progress_ctx, report, err);
}

/* ---- deployment figures ---- */

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
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < n; i++)
        fp_int(&h, v[i]);
    return mix64(h);
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
    smap_init(&r->seen, (size_t)existing + 256);
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
        struct smap_entry *e = smap_put(&r->seen, s->key.data, s->key.len);
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
            return rejectf(r, row->line, "%s", why.message);
        v[0] = count_or_null(&m.troops);
        v[1] = count_or_null(&m.police);
        v[2] = count_or_null(&m.observers);
        v[3] = m.total;
        monthly_key(&s->key, m.mission, m.month);
        char shown[64];
        snprintf(shown, sizeof shown, "%.32s %s", m.mission, m.month);
        outcome = row_outcome(r, s->key.data, s->key.len, counts_fingerprint(v, 4), row->line,
                              "mission and month", shown, NULL);
        if (outcome == ROW_NEW)
            rc = deploy_exec(r, monthly_insert_sql, v, 4, m.mission, m.month, 0, true, err);
        else if (outcome == ROW_CHANGED)
            rc = deploy_exec(r, monthly_update_sql, v, 4, m.mission, m.month, 0, false, err);
    } else {
        struct deploy_yearly y;
        if (deploy_yearly_parse(&s->layout, row, &y, &why))
            return rejectf(r, row->line, "%s", why.message);
        v[0] = count_or_null(&y.missions);
        v[1] = y.total;
        v[2] = count_or_null(&y.troops);
        v[3] = count_or_null(&y.police);
        v[4] = count_or_null(&y.observers);
        buf_reset(&s->key);
        buf_printf(&s->key, "%d", y.year);
        outcome = row_outcome(r, s->key.data, s->key.len, counts_fingerprint(v, 5), row->line,
                              "year", NULL, NULL);
        if (outcome == ROW_NEW)
            rc = deploy_exec(r, yearly_insert_sql, v, 5, NULL, NULL, y.year, false, err);
        else if (outcome == ROW_CHANGED)
            rc = deploy_exec(r, yearly_update_sql, v, 5, NULL, NULL, y.year, false, err);
    }
    if (rc) {
        prefix_line(err, row->line);
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
                                const struct casualty_import_input *in,
                                casualty_import_progress progress, void *progress_ctx,
                                struct casualty_import_report *report, struct bh_error *err)
{
    struct deploy_state s;
    memset(&s, 0, sizeof s);
    buf_init(&s.key);
    struct import_run r;
    memset(&r, 0, sizeof r);
    r.kind = &deploy_kind;
    r.state = &s;
    report->format = "deployments";
    report->table = "";
    return run_import(&r, db, who, in, progress, progress_ctx, report, err);
}
