#include "casualty/import.h"
#include "casualty/import_run.h"

#include "audit/audit.h"
#include "base/hashmap.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "casualty/casualty.h"
#include "formats/un_fatalities.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The UN fatalities file into the casualty register, through the run the casualty imports
 * share (import_run.c says how a run goes). Updates are written as the rows come; new UN
 * records wait and go in at the end, sorted (un_finish says why). Each statement is prepared
 * once, kept in the connection's cache and reused for every row; the maps' keys live in their
 * arenas. */

/* ---- the report ---- */

json_t *casualty_import_report_json(const struct import_report *r)
{
    json_t *rej = json_array();
    for (size_t i = 0; i < r->nrejections; i++)
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
    struct hashmap missions;  /* acronym */
    struct hashmap countries; /* iso3 → m49 (-1 when none) */
    struct hashmap names;     /* country name → iso3 (arena string) */
    struct hashmap orgs;      /* member-state code → org id */
    struct hashmap strings;   /* other repeated texts (nationalities, dates), interned */
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
    uint64_t h = HASH_SEED;
    h = hash_chain_str(h, v->incident_date);
    h = hash_chain_str(h, v->mission);
    h = hash_chain_str(h, v->casualty_type);
    h = hash_chain_str(h, v->gender);
    h = hash_chain_str(h, v->nationality);
    h = hash_chain_str(h, v->iso3);
    h = hash_chain_int(h, v->m49);
    h = hash_chain_str(h, v->personnel_type);
    h = hash_chain_str(h, v->incident_type);
    h = hash_chain_int(h, v->owner);
    h = hash_chain_str(h, v->tlp);
    h = hash_chain_int(h, v->group);
    h = hash_chain_int(h, v->embargoed);
    h = hash_chain_str(h, v->source);
    h = hash_chain_str(h, v->source_updated);
    h = hash_chain_int(h, v->source_row);
    h = hash_chain_str(h, v->source_nationality);
    h = hash_chain_str(h, v->source_iso3);
    return hash_mix64(h);
}

static int load_set(struct db *db, const char *sql, struct hashmap *m, int kind,
                    struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *k = db_column_text(st, 0);
        if (!k)
            continue;
        struct sval *e = hashmap_putn(m, k, strlen(k), NULL);
        if (kind == 1)
            e->v.i = db_column_is_null(st, 1) ? -1 : db_column_int(st, 1);
        else if (kind == 2)
            e->v.s = hashmap_strdup(m, db_column_text(st, 1));
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
    hashmap_init(&s->missions, sizeof(struct sval), 256);
    hashmap_init(&s->countries, sizeof(struct sval), 512);
    hashmap_init(&s->names, sizeof(struct sval), 512);
    hashmap_init(&s->orgs, sizeof(struct sval), 256);
    hashmap_init(&s->strings, sizeof(struct sval), 1024);
    int rc;
    if ((rc = load_set(r->db, "SELECT acronym FROM mission", &s->missions, 0, err)) ||
        (rc = load_set(r->db, "SELECT iso3, m49 FROM country", &s->countries, 1, err)) ||
        (rc = load_set(r->db, "SELECT name, iso3 FROM country", &s->names, 2, err)) ||
        (rc = load_set(r->db, "SELECT code, id FROM org WHERE kind = 'member_state'", &s->orgs, 1,
                       err)))
        return rc;
    for (size_t i = 0; i < sizeof nationality_aliases / sizeof nationality_aliases[0]; i++) {
        const char *iso3 = nationality_aliases[i].iso3;
        if (!hashmap_getn(&s->countries, iso3, strlen(iso3)))
            continue; /* a country table without it maps nothing */
        struct sval *e = hashmap_putn(&s->names, nationality_aliases[i].name,
                                      strlen(nationality_aliases[i].name), NULL);
        if (!e->v.s)
            e->v.s = hashmap_strdup(&s->names, iso3);
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
    hashmap_init(&r->seen, sizeof(struct sval), expect + 1024);
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
        struct sval *e = hashmap_putn(&r->seen, key, strlen(key), NULL);
        uint64_t fp = un_fingerprint(&v);
        e->v.u = fp ? fp : 1; /* 0 means "not in the store" */
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static void un_cleanup(struct import_run *r)
{
    struct un_state *s = r->state;
    hashmap_cleanup(&s->missions);
    hashmap_cleanup(&s->countries);
    hashmap_cleanup(&s->names);
    hashmap_cleanup(&s->orgs);
    hashmap_cleanup(&s->strings);
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
        import_prefix_line(err, v->line);
    return rc < 0 ? rc : 0;
}

static int un_row(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    struct un_state *s = r->state;
    struct un_fatality f;
    struct bh_error why;
    if (un_fatality_parse(row, &f, &why))
        return casualty__rejectf(r, row->line, "%s", why.message);

    struct un_values v = { 0 };
    v.line = row->line;
    memcpy(v.incident_date, f.incident_date, sizeof v.incident_date);
    if (!(v.casualty_type = vocabulary(casualty_types, f.casualty_type)))
        return casualty__rejectf(
            r, row->line,
            "type_of_casualty '%.60s' is not in the vocabulary (Fatality, Injury, "
            "Missing, Abducted)",
            f.casualty_type);
    if (!(v.personnel_type = vocabulary(casualty_personnel_types, f.personnel_type)))
        return casualty__rejectf(
            r, row->line,
            "casualty_personnel_type '%.60s' is not in the vocabulary (Military, "
            "Military Observer, Police, International Civilian, Local, Other)",
            f.personnel_type);
    if (!(v.incident_type = vocabulary(casualty_incident_types, f.incident_type)))
        return casualty__rejectf(
            r, row->line,
            "type_of_incident '%.60s' is not in the vocabulary (Malicious Act, "
            "Accident, Illness, Self-Inflicted, To Be Determined, Unknown)",
            f.incident_type);
    struct sval *e = hashmap_getn(&s->missions, f.mission, strlen(f.mission));
    if (!e)
        return casualty__rejectf(r, row->line, "mission_acronym '%.60s' is not a mission we know",
                                 f.mission);
    v.mission = hashmap_key(&s->missions, e);
    v.gender[0] = f.gender;
    v.gender[1] = '\0';

    /* The nationality as the file names it; its code as the file gives it, or, when the file
     * gives none, the country whose name (or alias) is exactly that text. */
    v.nationality =
        *f.nationality ? hashmap_intern(&s->strings, f.nationality) : UN_NATIONALITY_EMPTY;
    v.m49 = f.has_m49 ? f.m49 : -1;
    if (*f.iso3) {
        if (!(e = hashmap_getn(&s->countries, f.iso3, 3)))
            return casualty__rejectf(r, row->line, "isocode3 '%s' is not a country code we know",
                                     f.iso3);
        v.iso3 = hashmap_key(&s->countries, e);
    } else if (*f.nationality &&
               (e = hashmap_getn(&s->names, f.nationality, strlen(f.nationality)))) {
        v.iso3 = e->v.s;
    }
    e = v.iso3 ? hashmap_getn(&s->orgs, v.iso3, 3) : NULL;
    v.owner = e ? e->v.i : s->publisher_org;
    v.tlp = "CLEAR";
    v.source = "un";
    v.source_updated = *f.last_update ? hashmap_intern(&s->strings, f.last_update) : NULL;
    v.source_row = f.has_un_id ? f.un_id : -1;
    v.source_nationality = *f.nationality ? v.nationality : "";
    v.source_iso3 = *f.iso3 ? v.iso3 : "";

    /* The casualty_id is the key, not part of the fingerprint; v keeps the map's copy. */
    int outcome = casualty__row_outcome(r, f.casualty_id, strlen(f.casualty_id), un_fingerprint(&v),
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
        if ((i & 0xffff) == 0xffff)
            import_progress_report(&r->progress, r->size, r->size, r->rep->rows);
    }
    for (size_t i = 0; rebuild && i < NINDEXES && !rc; i++)
        rc = db_exec(r->db, casualty_indexes[i][1], err);
    free(order);
    return rc;
}

static const struct import_kind un_kind = {
    "un-fatalities",
    "casualty",
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
                                  const struct import_input *in, import_progress_fn progress,
                                  void *progress_ctx, struct import_report *report,
                                  struct bh_error *err)
{
    struct un_state s;
    memset(&s, 0, sizeof s);
    return casualty__run_import(&un_kind, &s, db, who, in, progress, progress_ctx, report, err);
}
