/* Incidents from CSV and GeoJSON files, and the bulk writer (import.h says what they promise;
 * docs/demo.md, on `bluehelm import incidents`, describes the files).
 *
 * How an import goes: one transaction. The organizations and the keys of earlier imports
 * (source_ref -> row key and a fingerprint of the values written) are read into hash maps
 * first, so a record costs no query but the check that its id is free. Each record is read
 * into text cells named by the incident JSON keys (a CSV row by its header, a GeoJSON
 * feature by its properties), turned into an incident_row, and checked by incident_validate().
 * The first bad record stops the writing but not the reading: every record is still checked,
 * so the report lists every bad one, and then the transaction is rolled back. Good records are
 * written as they come: new ones through the bulk writer, changed ones by an UPDATE and a
 * revision. */
#include "incident/import.h"
#include "incident/internal.h"

#include "audit/audit.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "formats/csv.h"
#include "sharing/sharing.h"
#include "taxonomy/taxonomy.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the bulk writer ---- */

/* Rows staged before a batch moves into `incident` (about 10 MB): enough that FTS5 writes one
 * index segment per batch instead of one per row, and the statement journal of the INSERT ...
 * SELECT is paid once per batch; small enough to stay in memory. */
#define BULK_BATCH 16384

/* A load at least this large, and at least as large as the table, drops the table's plain
 * (not UNIQUE) indexes and builds them again at the end: one sort per index instead of a
 * million inserts at random places (10 s of a million-row load here). The UNIQUE ones stay,
 * since they are what refuses a taken id. */
#define BULK_REINDEX_MIN 50000

struct incident_bulk {
    struct db *db;
    bool staged; /* the staging table exists */
    int64_t pending, written;
    char now[40];
    char **reindex; /* CREATE INDEX statements of the indexes dropped, NULL-terminated */
};

int incident_bulk_connection(struct db *db, struct bh_error *err)
{
    /* A quarter of a gigabyte of page cache holds the UNIQUE indexes a million-row load
     * writes at random places (smaller, SQLite spills pages to the WAL in mid-transaction
     * and reads them back: 10 s of a million rows); temporary tables (the staging table) and
     * statement journals in memory rather than in /var/tmp. */
    return db_exec(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;", err);
}

struct incident_bulk *incident_bulk_new(struct db *db)
{
    struct incident_bulk *b = xcalloc(1, sizeof *b);
    b->db = db;
    time_format_rfc3339(time_now_ms(), 0, false, b->now);
    return b;
}

int incident_bulk_expect(struct incident_bulk *b, int64_t rows, struct bh_error *err)
{
    if (rows < BULK_REINDEX_MIN || b->reindex || b->written || b->pending)
        return 0;
    int64_t have = 0;
    int rc = db_query_int(b->db, "SELECT count(*) FROM incident", 0, &have, err);
    if (rc || have > rows)
        return rc;
    /* The catalog gives each index's own definition, so whatever migration 0008 (or a later
     * one) declares is what gets built again. */
    struct db_stmt *st;
    rc = db_prepare(b->db,
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                    "tbl_name = 'incident' AND sql IS NOT NULL AND "
                    "upper(substr(sql, 1, 13)) <> 'CREATE UNIQUE'",
                    &st, err);
    if (rc)
        return rc;
    size_t n = 0;
    char **names = NULL;
    while ((rc = db_step(st, err)) == DB_ROW) {
        b->reindex = xrealloc(b->reindex, (n + 2) * sizeof *b->reindex);
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n] = xstrdup(db_column_text(st, 0));
        b->reindex[n++] = xstrdup(db_column_text(st, 1));
        b->reindex[n] = NULL;
    }
    db_stmt_done(st);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
        rc = db_exec(b->db, sql, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc < 0 ? rc : 0;
}

static int bulk_flush(struct incident_bulk *b, struct bh_error *err)
{
    if (!b->pending)
        return 0;
    int rc =
        db_exec(b->db,
                "INSERT INTO incident (" INCIDENT_WRITE_COLUMNS ") SELECT " INCIDENT_WRITE_COLUMNS
                " FROM incident_stage ORDER BY rowid; DELETE FROM incident_stage;",
                err);
    if (rc)
        return rc;
    b->written += b->pending;
    b->pending = 0;
    return 0;
}

int incident_bulk_add(struct incident_bulk *b, const struct incident_row *r, struct bh_error *err)
{
    int rc;
    if (!b->staged) {
        /* A temporary table: private to this connection, gone with a rollback. */
        if ((rc = db_exec(b->db, "CREATE TEMP TABLE incident_stage (" INCIDENT_WRITE_COLUMNS ")",
                          err)))
            return rc;
        b->staged = true;
    }
    char id[UUID_STR_LEN + 1];
    if (r->id) {
        snprintf(id, sizeof id, "%s", r->id);
    } else {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, id);
    }
    struct db_stmt *st;
    rc = db_prepare(b->db,
                    "INSERT INTO incident_stage (" INCIDENT_WRITE_COLUMNS
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?)",
                    &st, err);
    if (rc)
        return rc;
    int k = 1;
    db_bind_text(st, k++, id);
    k = incident_store_bind_values(st, k, r);
    db_bind_text(st, k++, r->source);
    db_bind_text(st, k++, r->source_ref);
    db_bind_text(st, k++, r->created_at ? r->created_at : b->now);
    db_bind_text(st, k++, r->updated_at ? r->updated_at : b->now);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (++b->pending >= BULK_BATCH)
        return bulk_flush(b, err);
    return 0;
}

int incident_bulk_finish(struct incident_bulk *b, int64_t *written, struct bh_error *err)
{
    int rc = bulk_flush(b, err);
    if (!rc && b->staged) {
        rc = db_exec(b->db, "DROP TABLE incident_stage", err);
        if (!rc)
            b->staged = false;
    }
    for (size_t i = 0; !rc && b->reindex && b->reindex[i]; i++)
        rc = db_exec(b->db, b->reindex[i], err);
    if (written)
        *written = b->written;
    return rc;
}

void incident_bulk_free(struct incident_bulk *b)
{
    if (!b)
        return;
    /* After a rollback the table is gone with it; after a failed finish it may not be. */
    if (b->staged)
        db_exec(b->db, "DROP TABLE IF EXISTS incident_stage", NULL);
    for (size_t i = 0; b->reindex && b->reindex[i]; i++)
        free(b->reindex[i]);
    free(b->reindex);
    free(b);
}

/* ---- a map from keys to what the store or the file holds for them ---- */

struct kentry {
    const char *key; /* NULL: an empty slot */
    uint64_t hash;
    int64_t n;   /* row key of an earlier import's record; 0 when the file set it */
    uint64_t fp; /* fingerprint of that record's values */
    long line;   /* the line (or feature) of this file that gave the key; 0 when none */
};

struct kmap {
    struct kentry *slots;
    size_t cap, used;
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

/* FNV-1a over a string and a separator, so ("ab","c") and ("a","bc") differ; NULL differs
 * from "". */
static uint64_t fnv_str(uint64_t h, const char *s)
{
    if (!s) {
        h ^= 0xff;
        h *= 0x100000001b3ULL;
    }
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    h ^= 0x1f;
    return h * 0x100000001b3ULL;
}

static uint64_t fnv_int(uint64_t h, int64_t v)
{
    return mix64(h ^ (uint64_t)v) * 0x100000001b3ULL;
}

static void kmap_init(struct kmap *m)
{
    m->cap = 1024;
    m->used = 0;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->keys = arena_new(64 * 1024);
}

static void kmap_cleanup(struct kmap *m)
{
    free(m->slots);
    arena_free(m->keys);
    memset(m, 0, sizeof *m);
}

static struct kentry *kmap_slot(struct kentry *slots, size_t cap, const char *key, uint64_t h)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].key || (slots[i].hash == h && strcmp(slots[i].key, key) == 0))
            return &slots[i];
}

static struct kentry *kmap_find(struct kmap *m, const char *key)
{
    struct kentry *e = kmap_slot(m->slots, m->cap, key, mix64(fnv_str(0xcbf29ce484222325ULL, key)));
    return e->key ? e : NULL;
}

/* The entry for `key`, added zeroed when absent. */
static struct kentry *kmap_put(struct kmap *m, const char *key)
{
    uint64_t h = mix64(fnv_str(0xcbf29ce484222325ULL, key));
    struct kentry *e = kmap_slot(m->slots, m->cap, key, h);
    if (e->key)
        return e;
    if ((m->used + 1) * 10 > m->cap * 7) {
        size_t cap = m->cap * 2;
        struct kentry *slots = xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                *kmap_slot(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
        e = kmap_slot(m->slots, m->cap, key, h);
    }
    memset(e, 0, sizeof *e);
    e->key = arena_strdup(m->keys, key);
    e->hash = h;
    m->used++;
    return e;
}

/* ---- records: text cells named by the incident JSON keys ---- */

enum field {
    F_ID,
    F_MISSION,
    F_OCCURRED_AT,
    F_OCCURRED_PRECISION,
    F_REPORTED_AT,
    F_LATITUDE,
    F_LONGITUDE,
    F_LOCATION_PRECISION,
    F_PLACE_NAME,
    F_ADMIN1,
    F_ADMIN2,
    F_THREAT_TYPE,
    F_TARGET,
    F_ACTIVITY,
    F_PERPETRATOR,
    F_PERPETRATOR_GROUPS,
    F_KILLED,
    F_INJURED,
    F_MISSING,
    F_ABDUCTED,
    F_NARRATIVE,
    F_SOURCES,
    F_STATUS,
    F_RETURN_REASON,
    F_ENDORSED_BY,
    F_ENDORSED_AT,
    F_MERGED_INTO,
    F_SYNTHETIC,
    F_OWNER,
    F_REPORTER,
    F_TLP,
    /* The store's own: read so that an export imports as it is, and otherwise ignored. A
     * sharing group number means a group of the store that wrote the file. */
    F_SHARING_GROUP,
    F_REVISION,
    F_SOURCE,
    F_SOURCE_REF,
    F_CREATED_AT,
    F_UPDATED_AT,
    NFIELDS
};

static const char *const field_names[NFIELDS] = {
    "id",          "mission",     "occurred_at", "occurred_precision",
    "reported_at", "latitude",    "longitude",   "location_precision",
    "place_name",  "admin1",      "admin2",      "threat_type",
    "target",      "activity",    "perpetrator", "perpetrator_groups",
    "killed",      "injured",     "missing",     "abducted",
    "narrative",   "sources",     "status",      "return_reason",
    "endorsed_by", "endorsed_at", "merged_into", "synthetic",
    "owner",       "reporter",    "tlp",         "sharing_group",
    "revision",    "source",      "source_ref",  "created_at",
    "updated_at",
};

/* A file must give these; the rest have defaults. */
static const enum field required_fields[] = { F_MISSION, F_OCCURRED_AT, F_LATITUDE, F_LONGITUDE,
                                              F_THREAT_TYPE };

/* Keys of the incident JSON that are not stored values (a single incident's reply adds them):
 * accepted and ignored, so that such JSON imports as it is. */
static const char *const ignored_keys[] = { "casualty_records", "duplicate_candidates", NULL };

static int field_find(const char *name)
{
    for (int f = 0; f < NFIELDS; f++)
        if (strcmp(field_names[f], name) == 0)
            return f;
    return -1;
}

struct record {
    const char *cell[NFIELDS]; /* NULL when absent or empty */
    long line;                 /* CSV line, or the line a feature starts on */
    long feature;              /* GeoJSON feature index, -1 for CSV */
};

/* ---- the import's state ---- */

struct imp {
    struct db *db;
    const struct principal *who;
    const struct incident_import_options *opt;
    struct incident_import_report *rep;
    incident_import_progress progress;
    void *progress_ctx;
    uint64_t size;
    struct kmap keys;        /* earlier imports' keys (n, fp) and this file's (line) */
    struct kmap orgs;        /* code -> id (in n) */
    int64_t default_owner;   /* from --org, 0 when none */
    const char *default_tlp; /* column form */
    struct incident_bulk *bulk;
    bool failed; /* a bad record was seen: nothing more is written */
    char now[40];
    /* CSV */
    bool header_seen, hxl_checked;
    int *col_field; /* column -> field, -1 for none */
    size_t ncols;
};

void incident_import_report_init(struct incident_import_report *r)
{
    memset(r, 0, sizeof *r);
}

void incident_import_report_cleanup(struct incident_import_report *r)
{
    free(r->problems);
    memset(r, 0, sizeof *r);
}

static void problem(struct imp *m, const struct record *rec, const char *field, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

/* Counts a bad record and lists the first INCIDENT_IMPORT_PROBLEMS_MAX. */
static void problem(struct imp *m, const struct record *rec, const char *field, const char *fmt,
                    ...)
{
    struct incident_import_report *r = m->rep;
    r->invalid++;
    m->failed = true;
    if (r->nproblems >= INCIDENT_IMPORT_PROBLEMS_MAX)
        return;
    if (!r->problems)
        r->problems = xcalloc(INCIDENT_IMPORT_PROBLEMS_MAX, sizeof *r->problems);
    struct incident_import_problem *p = &r->problems[r->nproblems++];
    p->line = rec->line;
    p->feature = rec->feature;
    snprintf(p->field, sizeof p->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
}

/* ---- cells to an incident_row ---- */

/* What a row points at beyond the record's cells. */
struct row_texts {
    char *groups, *sources; /* JSON array texts (heap) or NULL */
    char id[UUID_STR_LEN + 1];
    char occurred[40], reported[40];
};

static void row_texts_cleanup(struct row_texts *t)
{
    free(t->groups);
    free(t->sources);
    t->groups = t->sources = NULL;
}

static char *trimmed(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int parse_double(int f, const char *s, double *out, struct bh_error *err)
{
    if (!s)
        return bh_fail(err, BH_EINVALID, field_names[f], "%s is required (decimal degrees)",
                       field_names[f]);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return bh_fail(err, BH_EINVALID, field_names[f], "%s '%.40s' is not a number",
                       field_names[f], s);
    *out = v;
    return 0;
}

static int parse_count(int f, const char *s, int64_t *out, struct bh_error *err)
{
    *out = 0;
    if (!s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno)
        return bh_fail(err, BH_EINVALID, field_names[f], "%s '%.40s' is not a whole number",
                       field_names[f], s);
    *out = v;
    return 0;
}

/* A list as a JSON array of strings ("[\"a\",\"b\"]", what the API and GeoJSON give) or as
 * values separated by ';' (what the CSV export writes): *out gets the compact JSON text
 * (heap), NULL for an empty list. */
static int parse_list(int f, const char *s, char **out, struct bh_error *err)
{
    *out = NULL;
    if (!s)
        return 0;
    json_t *a;
    if (s[0] == '[') {
        json_error_t je;
        a = json_loads(s, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_array(a)) {
            json_decref(a);
            return bh_fail(err, BH_EINVALID, field_names[f],
                           "%s is neither a JSON list of strings nor values separated by ';'",
                           field_names[f]);
        }
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
            if (!json_is_string(v)) {
                json_decref(a);
                return bh_fail(err, BH_EINVALID, field_names[f], "%s[%zu] must be a string",
                               field_names[f], i);
            }
        }
    } else {
        a = json_array();
        char *copy = xstrdup(s), *save = NULL;
        for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
            part = trimmed(part);
            if (*part)
                json_array_append_new(a, json_string(part));
        }
        free(copy);
    }
    if (json_array_size(a))
        *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return 0;
}

/* The record's values as the store would hold them; BH_EINVALID naming the field. */
static int record_row(struct imp *m, const struct record *rec, struct incident_row *row,
                      struct row_texts *t, struct bh_error *err)
{
    const char *const *c = rec->cell;
    int rc;
    memset(row, 0, sizeof *row);
    row->mission = c[F_MISSION];
    row->occurred_at = c[F_OCCURRED_AT];
    row->occurred_precision = c[F_OCCURRED_PRECISION] ? c[F_OCCURRED_PRECISION] : "exact";
    /* A file that does not say when an incident was reported gets its occurrence: stable, so
     * that importing the file again changes nothing. */
    row->reported_at = c[F_REPORTED_AT] ? c[F_REPORTED_AT] : c[F_OCCURRED_AT];
    if ((rc = parse_double(F_LATITUDE, c[F_LATITUDE], &row->latitude, err)) ||
        (rc = parse_double(F_LONGITUDE, c[F_LONGITUDE], &row->longitude, err)))
        return rc;
    row->location_precision = c[F_LOCATION_PRECISION] ? c[F_LOCATION_PRECISION] : "exact";
    row->place_name = c[F_PLACE_NAME];
    row->admin1 = c[F_ADMIN1];
    row->admin2 = c[F_ADMIN2];
    row->threat_type = c[F_THREAT_TYPE];
    row->target = c[F_TARGET] ? c[F_TARGET] : "other";
    row->activity = c[F_ACTIVITY] ? c[F_ACTIVITY] : "other";
    row->perpetrator = c[F_PERPETRATOR];
    if ((rc = parse_list(F_PERPETRATOR_GROUPS, c[F_PERPETRATOR_GROUPS], &t->groups, err)) ||
        (rc = parse_list(F_SOURCES, c[F_SOURCES], &t->sources, err)) ||
        (rc = parse_count(F_KILLED, c[F_KILLED], &row->killed, err)) ||
        (rc = parse_count(F_INJURED, c[F_INJURED], &row->injured, err)) ||
        (rc = parse_count(F_MISSING, c[F_MISSING], &row->missing, err)) ||
        (rc = parse_count(F_ABDUCTED, c[F_ABDUCTED], &row->abducted, err)))
        return rc;
    row->perpetrator_groups = t->groups;
    row->sources = t->sources;
    row->narrative = c[F_NARRATIVE];
    row->status = c[F_STATUS] ? c[F_STATUS] : "submitted";
    row->return_reason = c[F_RETURN_REASON];
    row->endorsed_by = c[F_ENDORSED_BY];
    row->endorsed_at = c[F_ENDORSED_AT];
    if (row->endorsed_at && time_parse_rfc3339(row->endorsed_at, &(int64_t){ 0 }, NULL, NULL))
        return bh_fail(err, BH_EINVALID, "endorsed_at",
                       "endorsed_at '%.40s' is not an RFC 3339 time", row->endorsed_at);
    row->merged_into = c[F_MERGED_INTO];
    const char *syn = c[F_SYNTHETIC];
    if (!syn || strcmp(syn, "false") == 0 || strcmp(syn, "0") == 0)
        row->synthetic = false;
    else if (strcmp(syn, "true") == 0 || strcmp(syn, "1") == 0)
        row->synthetic = true;
    else
        return bh_fail(err, BH_EINVALID, "synthetic", "synthetic '%.40s' is not true or false",
                       syn);
    if (c[F_OWNER]) {
        struct kentry *o = kmap_find(&m->orgs, c[F_OWNER]);
        if (!o)
            return bh_fail(err, BH_EINVALID, "owner",
                           "owner '%.40s' is not an organization of this store (add it with "
                           "`bluehelm org add`)",
                           c[F_OWNER]);
        row->owner_org_id = o->n;
    } else if (m->default_owner) {
        row->owner_org_id = m->default_owner;
    } else {
        return bh_fail(err, BH_EINVALID, "owner",
                       "owner is required: the record names no organization (give one with "
                       "--org CODE)");
    }
    row->reporter = c[F_REPORTER] ? c[F_REPORTER] : m->who->username;
    if (c[F_TLP]) {
        int tlp = tlp_parse(c[F_TLP]);
        if (tlp < 0)
            return bh_fail(err, BH_EINVALID, "tlp",
                           "unknown marking '%.40s' (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                           "TLP:AMBER+STRICT)",
                           c[F_TLP]);
        row->tlp = tlp_column_value((enum tlp)tlp);
    } else {
        row->tlp = m->default_tlp;
    }
    if (strcmp(row->tlp, "RED") == 0)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "TLP:RED records cannot be imported: their readers are accounts of the "
                       "store that wrote them");
    if (strcmp(row->tlp, "AMBER") == 0) {
        if (!m->opt->sharing_group_id)
            return bh_fail(err, BH_EINVALID, "sharing_group",
                           "a TLP:AMBER record needs a sharing group of this store: give one "
                           "with --sharing-group ID (the file's numbers are another store's)");
        row->sharing_group_id = m->opt->sharing_group_id;
    }
    row->source = "import";
    row->created_at = m->now;
    row->updated_at = m->now;
    return 0;
}

/* The fingerprint of what an import writes: a record whose fingerprint matches the stored
 * one is left alone. */
static uint64_t row_fingerprint(const struct incident_row *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *texts[] = {
        r->mission,
        r->occurred_at,
        r->occurred_precision,
        r->reported_at,
        r->location_precision,
        r->place_name,
        r->admin1,
        r->admin2,
        r->threat_type,
        r->target,
        r->activity,
        r->perpetrator,
        r->perpetrator_groups ? r->perpetrator_groups : "[]",
        r->narrative ? r->narrative : "",
        r->sources ? r->sources : "[]",
        r->status,
        r->return_reason,
        r->endorsed_by,
        r->endorsed_at,
        r->merged_into,
        r->reporter,
        r->tlp,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        h = fnv_str(h, texts[i]);
    uint64_t lat, lon;
    memcpy(&lat, &r->latitude, sizeof lat);
    memcpy(&lon, &r->longitude, sizeof lon);
    const int64_t ints[] = { (int64_t)lat, (int64_t)lon,    r->killed,
                             r->injured,   r->missing,      r->abducted,
                             r->synthetic, r->owner_org_id, r->sharing_group_id };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        h = fnv_int(h, ints[i]);
    h = mix64(h);
    return h ? h : 1;
}

/* The columns row_fingerprint reads, as stored, for the records of earlier imports. */
static const char stored_sql[] =
    "SELECT n, source_ref, mission, occurred_at, occurred_precision, reported_at, latitude, "
    "longitude, location_precision, place_name, admin1, admin2, threat_type, target, activity, "
    "perpetrator, perpetrator_groups, killed, injured, missing, abducted, narrative, sources, "
    "status, return_reason, endorsed_by, endorsed_at, merged_into, synthetic, owner_org_id, "
    "reporter, tlp, sharing_group_id FROM incident WHERE source = 'import' AND source_ref IS NOT "
    "NULL";

static int load_keys(struct imp *m, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(m->db, stored_sql, &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct incident_row r;
        memset(&r, 0, sizeof r);
        int k = 2;
        r.mission = db_column_text(st, k++);
        r.occurred_at = db_column_text(st, k++);
        r.occurred_precision = db_column_text(st, k++);
        r.reported_at = db_column_text(st, k++);
        r.latitude = db_column_double(st, k++);
        r.longitude = db_column_double(st, k++);
        r.location_precision = db_column_text(st, k++);
        r.place_name = db_column_text(st, k++);
        r.admin1 = db_column_text(st, k++);
        r.admin2 = db_column_text(st, k++);
        r.threat_type = db_column_text(st, k++);
        r.target = db_column_text(st, k++);
        r.activity = db_column_text(st, k++);
        r.perpetrator = db_column_text(st, k++);
        r.perpetrator_groups = db_column_text(st, k++);
        r.killed = db_column_int(st, k++);
        r.injured = db_column_int(st, k++);
        r.missing = db_column_int(st, k++);
        r.abducted = db_column_int(st, k++);
        r.narrative = db_column_text(st, k++);
        r.sources = db_column_text(st, k++);
        r.status = db_column_text(st, k++);
        r.return_reason = db_column_text(st, k++);
        r.endorsed_by = db_column_text(st, k++);
        r.endorsed_at = db_column_text(st, k++);
        r.merged_into = db_column_text(st, k++);
        r.synthetic = db_column_int(st, k++) != 0;
        r.owner_org_id = db_column_int(st, k++);
        r.reporter = db_column_text(st, k++);
        r.tlp = db_column_text(st, k++);
        r.sharing_group_id = db_column_is_null(st, k) ? 0 : db_column_int(st, k);
        struct kentry *e = kmap_put(&m->keys, db_column_text(st, 1));
        e->n = db_column_int(st, 0);
        e->fp = row_fingerprint(&r);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int load_orgs(struct imp *m, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(m->db, "SELECT code, id FROM org", &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        kmap_put(&m->orgs, db_column_text(st, 0))->n = db_column_int(st, 1);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* ---- writing one record ---- */

static const char update_sql[] =
    "UPDATE incident SET mission = ?, occurred_at = ?, occurred_precision = ?, reported_at = ?, "
    "latitude = ?, longitude = ?, location_precision = ?, place_name = ?, admin1 = ?, "
    "admin2 = ?, threat_type = ?, target = ?, activity = ?, perpetrator = ?, "
    "perpetrator_groups = ?, killed = ?, injured = ?, missing = ?, abducted = ?, narrative = ?, "
    "sources = ?, status = ?, return_reason = ?, endorsed_by = ?, endorsed_at = ?, "
    "merged_into = ?, synthetic = ?, owner_org_id = ?, reporter_id = ?, reporter = ?, tlp = ?, "
    "sharing_group_id = ?, revision = revision + 1, updated_at = ? WHERE n = ?";

/* Appends the record as it now is to incident_revision, numbered by its revision column. */
static int add_revision(struct imp *m, int64_t n, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(m->db, "SELECT " INCIDENT_COLUMNS " FROM " INCIDENT_FROM " WHERE i.n = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    rc = db_step(st, err);
    json_t *snap = rc == DB_ROW ? incident_row_json(st, 0) : NULL;
    db_stmt_done(st);
    if (!snap)
        return rc < 0 ? rc
                      : bh_fail(err, BH_EINTERNAL, NULL, "incident %lld vanished", (long long)n);
    int64_t revision = json_integer_value(json_object_get(snap, "revision"));
    char *text = json_dumps(snap, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(snap);
    /* The revision keeps the marking the import gave the record (revision.c). */
    rc = incident__revision_insert(m->db, n, revision, m->now,
                                   m->who->username[0] ? m->who->username : "import", "import",
                                   NULL, text, err);
    free(text);
    return rc;
}

static int update_record(struct imp *m, int64_t n, const struct incident_row *r,
                         struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(m->db, update_sql, &st, err);
    if (rc)
        return rc;
    int k = 1;
    k = incident_store_bind_values(st, k, r);
    db_bind_text(st, k++, m->now);
    db_bind_int(st, k++, n);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    return add_revision(m, n, err);
}

/* Whether a record of another source already has this id; *source gets which. */
static int id_taken(struct imp *m, const char *id, char source[16], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(m->db, "SELECT source FROM incident WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        snprintf(source, 16, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    return rc;
}

/* The key of a record without an id: a hash of every cell, so the same row is the same key. */
static void record_hash_key(const struct record *rec, char out[40])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int f = 0; f < NFIELDS; f++)
        h = fnv_str(h, rec->cell[f]);
    snprintf(out, 40, "row:%016" PRIx64, mix64(h));
}

/* Checks and writes one record. A bad record is a problem in the report (0 returned, so the
 * reading goes on); a negative return is a failure of the store, which stops the import. */
static int handle_record(struct imp *m, struct record *rec, struct bh_error *err)
{
    m->rep->records++;
    for (size_t i = 0; i < sizeof required_fields / sizeof required_fields[0]; i++) {
        enum field f = required_fields[i];
        if (!rec->cell[f]) {
            problem(m, rec, field_names[f], "%s is required", field_names[f]);
            return 0;
        }
    }
    struct incident_row row;
    struct row_texts t = { 0 };
    struct bh_error e;
    int rc = record_row(m, rec, &row, &t, &e);
    if (!rc)
        rc = incident_validate(m->db, &row, &e);
    if (rc) {
        row_texts_cleanup(&t);
        if (rc != BH_EINVALID) {
            *err = e;
            return rc;
        }
        problem(m, rec, e.field, "%s", e.message);
        return 0;
    }

    char hashed[40];
    const char *key = rec->cell[F_ID];
    if (!key) {
        record_hash_key(rec, hashed);
        key = hashed;
    }
    struct kentry *k = kmap_put(&m->keys, key);
    /* k->line: the CSV line, or the feature's index + 1, that gave the key first. */
    if (k->line) {
        row_texts_cleanup(&t);
        if (rec->feature >= 0)
            problem(m, rec, "id", "id '%.80s' appears again (first in feature %ld)", key,
                    k->line - 1);
        else
            problem(m, rec, "id", "id '%.80s' appears again (first on line %ld)", key, k->line);
        return 0;
    }
    k->line = rec->feature >= 0 ? rec->feature + 1 : rec->line;
    if (m->failed) {
        row_texts_cleanup(&t);
        return 0; /* nothing will be written: only check the rest */
    }
    row.source_ref = k->key;
    uint64_t fp = row_fingerprint(&row);
    if (k->n) {
        if (k->fp == fp) {
            m->rep->unchanged++;
        } else {
            rc = update_record(m, k->n, &row, err);
            m->rep->updated++;
        }
        row_texts_cleanup(&t);
        return rc;
    }
    /* A new key. The file's id stays the record's id when it is a UUID not taken here, so a
     * record keeps its name from store to store; an id taken by another source's record is
     * that record already (an export imported into the store that wrote it). */
    struct uuid u;
    if (rec->cell[F_ID] && uuid_parse(rec->cell[F_ID], &u, NULL) == 0) {
        uuid_format(&u, t.id);
        char source[16];
        rc = id_taken(m, t.id, source, err);
        if (rc < 0) {
            row_texts_cleanup(&t);
            return rc;
        }
        if (rc == DB_ROW) {
            m->rep->present++;
            row_texts_cleanup(&t);
            return 0;
        }
        row.id = t.id;
    }
    rc = incident_bulk_add(m->bulk, &row, err);
    if (!rc)
        m->rep->added++;
    row_texts_cleanup(&t);
    return rc;
}

/* ---- CSV ---- */

static int csv_header(struct imp *m, struct csv_row *row, struct bh_error *err)
{
    m->ncols = row->nfields;
    m->col_field = xmalloc(row->nfields * sizeof *m->col_field);
    bool seen[NFIELDS] = { false };
    for (size_t i = 0; i < row->nfields; i++) {
        csv_trim(row, i);
        const char *name = row->fields[i];
        int f = field_find(name);
        if (f < 0 && taxonomy_in(ignored_keys, name)) {
            m->col_field[i] = -1;
            continue;
        }
        if (f < 0)
            return bh_fail(err, BH_EINVALID, "file",
                           "line %ld: unknown column '%.40s' (the columns are the keys of the "
                           "incident JSON: id, mission, occurred_at, latitude, longitude, "
                           "threat_type, ...; docs/demo.md lists them)",
                           row->line, name);
        if (seen[f])
            return bh_fail(err, BH_EINVALID, "file", "line %ld: column '%s' appears twice",
                           row->line, name);
        seen[f] = true;
        m->col_field[i] = f;
    }
    for (size_t i = 0; i < sizeof required_fields / sizeof required_fields[0]; i++)
        if (!seen[required_fields[i]])
            return bh_fail(err, BH_EINVALID, "file", "line %ld: the header has no column '%s'",
                           row->line, field_names[required_fields[i]]);
    return 0;
}

/* The HXL hashtag row an HXL-tagged file has under its header (#event+id,#x_mission,...). */
static bool is_hxl_row(const struct csv_row *row)
{
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s = row->fields[i];
        while (*s == ' ')
            s++;
        if (*s)
            return *s == '#';
    }
    return false;
}

static int on_csv_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct imp *m = ctx;
    if (!m->header_seen) {
        m->header_seen = true;
        return csv_header(m, row, err);
    }
    if (!m->hxl_checked) {
        m->hxl_checked = true;
        if (is_hxl_row(row))
            return 0;
    }
    struct record rec;
    memset(&rec, 0, sizeof rec);
    rec.line = row->line;
    rec.feature = -1;
    if (row->nfields != m->ncols) {
        m->rep->records++;
        problem(m, &rec, NULL, "the row has %zu fields, the header %zu", row->nfields, m->ncols);
        return 0;
    }
    for (size_t i = 0; i < row->nfields; i++) {
        int f = m->col_field[i];
        if (f < 0)
            continue;
        /* Free text keeps its spaces; codes, numbers and times do not. */
        if (f != F_NARRATIVE)
            csv_trim(row, i);
        /* The quote our export put before a cell a spreadsheet would run (formats/csv.h). */
        csv_unguard(row, i);
        rec.cell[f] = row->lens[i] && row->fields[i][0] ? row->fields[i] : NULL;
    }
    return handle_record(m, &rec, err);
}

static void on_csv_progress(void *ctx, uint64_t done)
{
    struct imp *m = ctx;
    if (m->progress)
        m->progress(m->progress_ctx, done, m->size, m->rep->records);
}

/* ---- GeoJSON, read one feature at a time ---- */

/* The bytes, from a file or memory, with the line and one character of push-back. */
struct src {
    FILE *f;
    const char *data;
    size_t len, pos;
    uint64_t done;
    long line;
    int back; /* a pushed-back character, or -2 */
};

static int src_get(struct src *s)
{
    int c;
    if (s->back != -2) {
        c = s->back;
        s->back = -2;
    } else if (s->f) {
        c = getc(s->f);
    } else {
        c = s->pos < s->len ? (unsigned char)s->data[s->pos++] : EOF;
    }
    if (c != EOF) {
        s->done++;
        if (c == '\n')
            s->line++;
    }
    return c;
}

static void src_unget(struct src *s, int c)
{
    if (c == EOF)
        return;
    s->back = c;
    s->done--;
    if (c == '\n')
        s->line--;
}

static int src_skip_ws(struct src *s)
{
    int c;
    do
        c = src_get(s);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
}

/* One feature larger than this is not a point. */
#define FEATURE_MAX (16u << 20)

/* Reads one JSON value's text (balanced brackets, strings with escapes) into `out` (NULL:
 * skip it). The value's syntax is jansson's to judge; this only finds its end. */
static int scan_value(struct src *s, struct buf *out, struct bh_error *err)
{
    long start = s->line;
    int c = src_skip_ws(s);
    if (c == EOF)
        return bh_fail(err, BH_EINVALID, "file", "line %ld: the file ends where a value should be",
                       s->line);
    int depth = 0;
    bool in_str = false, esc = false;
    size_t n = 0;
    for (;; c = src_get(s)) {
        if (c == EOF)
            return bh_fail(err, BH_EINVALID, "file",
                           "line %ld: the file ends inside the value that starts on line %ld",
                           s->line, start);
        if (!in_str && depth == 0 && n > 0 && c != '"' &&
            (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            src_unget(s, c); /* the end of a number, true, false or null */
            return 0;
        }
        if (out) {
            if (++n > FEATURE_MAX)
                return bh_fail(err, BH_EINVALID, "file",
                               "line %ld: a value over %u MB; a feature is a point and its "
                               "properties",
                               start, FEATURE_MAX >> 20);
            buf_putc(out, (char)c);
        } else {
            n++;
        }
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"') {
                in_str = false;
                if (depth == 0)
                    return 0;
            }
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (--depth == 0)
                return 0;
            if (depth < 0)
                return bh_fail(err, BH_EINVALID, "file", "line %ld: unexpected '%c'", s->line, c);
        }
    }
}

/* A property's value as a cell; numbers and lists are written into `a`. */
static int property_cell(struct arena *a, const json_t *v, const char **out)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v)[0] ? json_string_value(v) : NULL;
        return 0;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = arena_strdup(a, num);
        return 0;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        *out = arena_strdup(a, num);
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        *out = json_is_true(v) ? "true" : "false";
        return 0;
    case JSON_NULL:
        *out = NULL;
        return 0;
    case JSON_ARRAY: {
        char *text = json_dumps(v, JSON_COMPACT);
        *out = arena_strdup(a, text);
        free(text);
        return 0;
    }
    default:
        return -1;
    }
}

static int handle_feature(struct imp *m, const json_t *feat, long index, long line, struct arena *a,
                          struct bh_error *err)
{
    struct record rec;
    memset(&rec, 0, sizeof rec);
    rec.line = line;
    rec.feature = index;
    const char *type = json_string_value(json_object_get(feat, "type"));
    if (!json_is_object(feat) || !type || strcmp(type, "Feature") != 0) {
        m->rep->records++;
        problem(m, &rec, "type", "not a GeoJSON Feature (\"type\": \"Feature\")");
        return 0;
    }
    const json_t *props = json_object_get(feat, "properties");
    if (props && !json_is_object(props) && !json_is_null(props)) {
        m->rep->records++;
        problem(m, &rec, "properties", "properties must be an object");
        return 0;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)props, key, v)
    {
        int f = field_find(key);
        if (f < 0 && taxonomy_in(ignored_keys, key))
            continue;
        if (f < 0) {
            m->rep->records++;
            problem(m, &rec, key,
                    "unknown property '%.40s' (the properties are the keys of the incident "
                    "JSON)",
                    key);
            return 0;
        }
        if (property_cell(a, v, &rec.cell[f]) != 0) {
            m->rep->records++;
            problem(m, &rec, key, "%s must not be an object", key);
            return 0;
        }
    }
    /* The point is the geometry's ([longitude, latitude], RFC 7946); properties may repeat
     * it, a feature without geometry must give it there. */
    const json_t *geom = json_object_get(feat, "geometry");
    if (geom && !json_is_null(geom)) {
        const char *gt = json_string_value(json_object_get(geom, "type"));
        const json_t *xy = json_object_get(geom, "coordinates");
        if (!gt || strcmp(gt, "Point") != 0 || !json_is_array(xy) || json_array_size(xy) < 2 ||
            !json_is_number(json_array_get(xy, 0)) || !json_is_number(json_array_get(xy, 1))) {
            m->rep->records++;
            problem(m, &rec, "geometry",
                    "the geometry must be a Point with coordinates [longitude, latitude]");
            return 0;
        }
        property_cell(a, json_array_get(xy, 0), &rec.cell[F_LONGITUDE]);
        property_cell(a, json_array_get(xy, 1), &rec.cell[F_LATITUDE]);
    }
    return handle_record(m, &rec, err);
}

/* { "type": "FeatureCollection", "features": [ ... ], other members } */
static int read_geojson(struct imp *m, struct src *s, struct bh_error *err)
{
    int c = src_get(s);
    if (c == 0xEF && src_get(s) == 0xBB && src_get(s) == 0xBF) /* a UTF-8 byte order mark */
        c = src_get(s);
    src_unget(s, c);
    c = src_skip_ws(s);
    if (c != '{')
        return bh_fail(err, BH_EINVALID, "file",
                       "line %ld: not GeoJSON: expected a FeatureCollection object", s->line);
    struct buf b = BUF_INIT;
    struct arena *a = arena_new(4096);
    bool typed = false, featured = false;
    int rc = 0;
    long index = 0;
    for (bool first = true; !rc; first = false) {
        c = src_skip_ws(s);
        if (c == '}' && first)
            break;
        if (!first) {
            if (c == '}')
                break;
            if (c != ',') {
                rc = bh_fail(err, BH_EINVALID, "file", "line %ld: expected ',' or '}'", s->line);
                break;
            }
            c = src_skip_ws(s);
        }
        src_unget(s, c);
        buf_reset(&b);
        if ((rc = scan_value(s, &b, err)))
            break;
        json_t *name = json_loadb(buf_str(&b), b.len, JSON_DECODE_ANY, NULL);
        if (!json_is_string(name)) {
            json_decref(name);
            rc = bh_fail(err, BH_EINVALID, "file", "line %ld: expected a member name", s->line);
            break;
        }
        char member[32];
        snprintf(member, sizeof member, "%s", json_string_value(name));
        json_decref(name);
        if (src_skip_ws(s) != ':') {
            rc = bh_fail(err, BH_EINVALID, "file", "line %ld: expected ':'", s->line);
            break;
        }
        if (strcmp(member, "features") != 0) {
            buf_reset(&b);
            if ((rc = scan_value(s, &b, err)))
                break;
            if (strcmp(member, "type") == 0) {
                json_t *t = json_loadb(buf_str(&b), b.len, JSON_DECODE_ANY, NULL);
                typed = json_is_string(t) && strcmp(json_string_value(t), "FeatureCollection") == 0;
                json_decref(t);
                if (!typed)
                    rc =
                        bh_fail(err, BH_EINVALID, "file",
                                "line %ld: the GeoJSON object is not a FeatureCollection", s->line);
            }
            continue;
        }
        featured = true;
        if (src_skip_ws(s) != '[') {
            rc = bh_fail(err, BH_EINVALID, "file", "line %ld: features must be a list", s->line);
            break;
        }
        for (bool ffirst = true; !rc; ffirst = false) {
            c = src_skip_ws(s);
            if (c == ']')
                break;
            if (!ffirst) {
                if (c != ',') {
                    rc =
                        bh_fail(err, BH_EINVALID, "file", "line %ld: expected ',' or ']'", s->line);
                    break;
                }
            } else {
                src_unget(s, c);
            }
            c = src_skip_ws(s);
            long line = s->line;
            src_unget(s, c);
            buf_reset(&b);
            if ((rc = scan_value(s, &b, err)))
                break;
            json_error_t je;
            json_t *feat = json_loadb(buf_str(&b), b.len, JSON_REJECT_DUPLICATES, &je);
            if (!feat) {
                rc = bh_fail(err, BH_EINVALID, "file", "feature %ld (line %ld): %s", index,
                             line + je.line - 1, je.text);
                break;
            }
            arena_reset(a);
            rc = handle_feature(m, feat, index++, line, a, err);
            json_decref(feat);
            if (m->progress && (index & 0xfff) == 0)
                m->progress(m->progress_ctx, s->done, m->size, m->rep->records);
        }
    }
    if (!rc && src_skip_ws(s) != EOF)
        rc = bh_fail(err, BH_EINVALID, "file", "line %ld: text after the GeoJSON object", s->line);
    if (!rc && (!typed || !featured))
        rc = bh_fail(err, BH_EINVALID, "file",
                     "not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" "
                     "with \"features\")");
    if (!rc && s->f && ferror(s->f))
        rc = bh_fail(err, BH_EIO, "file", "cannot read: %s", strerror(errno));
    buf_cleanup(&b);
    arena_free(a);
    return rc;
}

/* ---- the import ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The format, by option, then extension, then the first byte that is not a space or a BOM:
 * '{' is GeoJSON, anything else CSV. A file is rewound after the look; a pipe keeps the byte
 * pushed back. */
static enum incident_import_format detect(const struct incident_import_input *in,
                                          const struct incident_import_options *opt)
{
    if (opt->format != INCIDENT_IMPORT_AUTO)
        return opt->format;
    if (in->name && ends_with(in->name, ".csv"))
        return INCIDENT_IMPORT_CSV;
    if (in->name && (ends_with(in->name, ".geojson") || ends_with(in->name, ".json")))
        return INCIDENT_IMPORT_GEOJSON;
    int c = EOF;
    if (in->file) {
        long at = ftell(in->file);
        if (at >= 0) {
            do
                c = getc(in->file);
            while (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB ||
                   c == 0xBF);
            fseek(in->file, at, SEEK_SET);
        } else {
            c = getc(in->file);
            if (c != EOF)
                ungetc(c, in->file);
        }
    } else {
        for (size_t i = 0; i < in->len; i++) {
            c = (unsigned char)in->data[i];
            if (c == 0 || !strchr(" \t\r\n\xEF\xBB\xBF", c))
                break;
        }
    }
    return c == '{' ? INCIDENT_IMPORT_GEOJSON : INCIDENT_IMPORT_CSV;
}

int incident_import(struct db *db, const struct principal *who,
                    const struct incident_import_input *in,
                    const struct incident_import_options *opt, incident_import_progress progress,
                    void *progress_ctx, struct incident_import_report *rep, struct bh_error *err)
{
    static const struct incident_import_options defaults = { INCIDENT_IMPORT_AUTO, NULL, NULL, 0 };
    if (!opt)
        opt = &defaults;
    struct imp m;
    memset(&m, 0, sizeof m);
    m.db = db;
    m.who = who;
    m.opt = opt;
    m.rep = rep;
    m.progress = progress;
    m.progress_ctx = progress_ctx;
    m.size = in->file ? in->size : in->len;
    time_format_rfc3339(time_now_ms(), 0, false, m.now);
    const char *name = in->name ? in->name : "the file";
    enum incident_import_format fmt = detect(in, opt);
    rep->format = fmt == INCIDENT_IMPORT_GEOJSON ? "geojson" : "csv";

    m.default_tlp = "AMBER+STRICT";
    if (opt->tlp) {
        int t = tlp_parse(opt->tlp);
        if (t < 0 || t == TLP_RED)
            return bh_fail(err, BH_EINVALID, "tlp",
                           "--tlp '%.40s' is not one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                           "TLP:AMBER+STRICT",
                           opt->tlp);
        m.default_tlp = tlp_column_value((enum tlp)t);
    }

    int rc = incident_bulk_connection(db, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    kmap_init(&m.keys);
    kmap_init(&m.orgs);
    m.bulk = incident_bulk_new(db);
    if ((rc = load_orgs(&m, err)) || (rc = load_keys(&m, err)))
        goto done;
    if (opt->org) {
        struct kentry *o = kmap_find(&m.orgs, opt->org);
        if (!o) {
            rc = bh_fail(err, BH_EINVALID, "org", "--org '%.40s' is not an organization here",
                         opt->org);
            goto done;
        }
        m.default_owner = o->n;
    }

    /* A record of an export is 400 to 700 bytes: a big file is a big load. */
    if (m.size && (rc = incident_bulk_expect(m.bulk, (int64_t)(m.size / 700), err)))
        goto done;
    if (fmt == INCIDENT_IMPORT_CSV) {
        struct csv_reader_opts copts = { on_csv_row, on_csv_progress, &m, NULL };
        rc = in->file ? csv_read_file(in->file, &copts, err)
                      : csv_read_mem(in->data ? in->data : "", in->len, &copts, err);
        if (!rc && !m.header_seen)
            rc = bh_fail(err, BH_EINVALID, "file",
                         "%s is empty: expected a header of incident JSON keys (id, mission, "
                         "occurred_at, ...)",
                         name);
    } else {
        struct src s = { in->file, in->data, in->len, 0, 0, 1, -2 };
        rc = read_geojson(&m, &s, err);
    }
    if (rc == BH_EIO) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        bh_fail(err, BH_EIO, "file", "%s: %s", name, why);
    }
    if (!rc && rep->invalid)
        rc = bh_fail(err, BH_EINVALID, rep->nproblems ? rep->problems[0].field : NULL,
                     "%lld of %lld records are invalid; nothing was imported",
                     (long long)rep->invalid, (long long)rep->records);
    if (!rc)
        rc = incident_bulk_finish(m.bulk, NULL, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "file", name, "format", rep->format,
                      "records", (json_int_t)rep->records, "added", (json_int_t)rep->added,
                      "updated", (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged,
                      "present", (json_int_t)rep->present);
        rc = audit_append(db, who, "incident.import", "incident", NULL, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
done:
    if (rc) {
        db_rollback(db);
        /* Nothing was written: the counts describe a transaction that did not happen. */
        rep->added = rep->updated = rep->unchanged = rep->present = 0;
    }
    incident_bulk_free(m.bulk);
    kmap_cleanup(&m.keys);
    kmap_cleanup(&m.orgs);
    free(m.col_field);
    return rc;
}
