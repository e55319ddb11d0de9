#include "casualty/import.h"
#include "casualty/import_run.h"

#include "audit/audit.h"
#include "base/hashmap.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "casualty/internal.h"
#include "casualty/tally.h"
#include "formats/un_fatalities.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The UN fatalities file into the casualty register, through the run the casualty imports
 * share (import_run.c says how a run goes). Every row is written as it comes, so memory holds
 * the keys of the table and the file but no record; a large load drops the secondary indexes
 * and the tallies' triggers first and builds them again at the end (un_bulk_begin says when).
 * Each statement is prepared once, kept in the connection's cache and reused for every row;
 * the maps' keys live in their arenas. */

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

struct un_state {
    struct hashmap missions;  /* acronym */
    struct hashmap countries; /* iso3 → m49 (-1 when none) */
    struct hashmap names;     /* country name → iso3 (arena string) */
    struct hashmap orgs;      /* member-state code → org id */
    struct hashmap members; /* a member's casualty_id → its record's id, until the UN claims it */
    int64_t publisher_org;
    int64_t existing; /* records in the table before the import */
    /* Set at the first new record (un_bulk_begin): what the load suspended, and the INSERT
     * held for every new record. */
    bool bulk_decided, rebuild, recount;
    struct db_stmt *insert;
    struct id_seq *ids;
};

static const char un_insert_sql[] =
    "INSERT INTO casualty (" CASUALTY__WRITE_COLUMNS ") VALUES (" CASUALTY__WRITE_PARAMS ")";

/* A record that changed is made the UN's again (columns.h says what the UPDATE keeps). A UN
 * row is found by its key, the file's `id`; a member's record the UN now publishes, by the
 * record's id. */
static const char un_update_sql[] =
    "UPDATE casualty SET " CASUALTY__UPDATE_ASSIGN " WHERE source = 'un' AND source_row = ?";
static const char un_claim_sql[] = "UPDATE casualty SET " CASUALTY__UPDATE_ASSIGN " WHERE id = ?";

/* The values of one record as the import writes them: the strings are the parsed row's, the
 * maps' keys or vocabulary constants, and stay put until the row is written. The id, the
 * release and the times are set when it is written. */
struct un_values {
    struct casualty_row row;
    long line; /* of the file, for an error */
};

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

static int un_prepare(struct import_run *r, struct bh_error *err)
{
    struct un_state *s = r->state;
    hashmap_init(&s->missions, sizeof(struct sval), 256);
    hashmap_init(&s->countries, sizeof(struct sval), 512);
    hashmap_init(&s->names, sizeof(struct sval), 512);
    hashmap_init(&s->orgs, sizeof(struct sval), 256);
    hashmap_init(&s->members, sizeof(struct sval), 64);
    int rc;
    if ((rc = load_set(r->db, "SELECT acronym FROM mission", &s->missions, 0, err)) ||
        (rc = load_set(r->db, "SELECT iso3, m49 FROM country", &s->countries, 1, err)) ||
        (rc = load_set(r->db, "SELECT name, iso3 FROM country", &s->names, 2, err)) ||
        (rc = load_set(r->db, "SELECT code, id FROM org WHERE kind = 'member_state'", &s->orgs, 1,
                       err)) ||
        (rc = load_set(r->db, "SELECT casualty_id, id FROM casualty WHERE source = 'member'",
                       &s->members, 2, err)))
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
    /* The UN's rows by their key, the file's `id` (written in decimal, as un_row looks it up). */
    if ((rc = db_prepare(r->db,
                         "SELECT source_row, " CASUALTY__COMPARED_COLUMNS
                         " FROM casualty WHERE source = 'un' AND source_row IS NOT NULL",
                         &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct casualty_row v = { 0 };
        casualty__read_compared(st, 1, &v);
        char key[24];
        int len = snprintf(key, sizeof key, "%lld", (long long)db_column_int(st, 0));
        struct sval *e = hashmap_putn(&r->seen, key, (size_t)len, NULL);
        uint64_t fp = casualty__fingerprint(&v);
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
    hashmap_cleanup(&s->members);
    db_stmt_done(s->insert);
    s->insert = NULL;
    free(s->ids);
    s->ids = NULL;
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

/* How un_write writes a record. */
enum un_write_how {
    UN_INSERT, /* a new record, `id` */
    UN_UPDATE, /* the UN row of the same `id` in the file (source_row) */
    UN_CLAIM,  /* the member's record `id`, which the UN now publishes */
};

/* Writes `v` with `st`, the statement `how` says: released now by the UN's publisher (an
 * UPDATE keeps an earlier release). */
static int un_step(struct import_run *r, struct db_stmt *st, const struct un_values *v,
                   enum un_write_how how, const char *id, struct bh_error *err)
{
    struct casualty_row w = v->row;
    w.id = id;
    w.released_at = r->now;
    w.released_by = CASUALTY_UN_RELEASED_BY;
    w.created_at = r->now;
    w.updated_at = r->now;
    if (how == UN_INSERT) {
        casualty__bind_insert(st, 1, &w);
    } else {
        int k = casualty__bind_update(st, 1, &w);
        if (how == UN_UPDATE)
            db_bind_int(st, k, w.source_row);
        else
            db_bind_text(st, k, id);
    }
    int rc = db_step(st, err);
    if (rc < 0)
        import_prefix_line(err, v->line);
    return rc < 0 ? rc : 0;
}

static const char *un_write_sql(enum un_write_how how)
{
    return how == UN_INSERT ? un_insert_sql : how == UN_UPDATE ? un_update_sql : un_claim_sql;
}

/* Writes one record as un_step() does. */
static int un_write(struct import_run *r, const struct un_values *v, enum un_write_how how,
                    const char *id, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(r->db, un_write_sql(how), &st, err);
    if (rc)
        return rc;
    rc = un_step(r, st, v, how, id, err);
    db_stmt_done(st);
    return rc;
}

/* ---- large loads ----
 *
 * A large import into a table it outgrows drops the other indexes first and builds them
 * again after, by sorting, which is faster than growing them one record at a time; the
 * statements below must say what the migrations say (unit/import-bulk-indexes compares them).
 * The two left in place grow at their right edge: new records get ids in ascending order
 * (id_seq), and the UN file comes in the order of its `id`. */
enum { BULK_ROWS = 10000, UN_ROW_BYTES = 96 /* about, in the UN's file */ };

static const char *const casualty_indexes[][2] = {
    { "casualty_date", "CREATE INDEX casualty_date ON casualty (incident_date)" },
    { "casualty_mission", "CREATE INDEX casualty_mission ON casualty (mission, incident_date)" },
    { "casualty_nationality", "CREATE INDEX casualty_nationality ON casualty (nationality_iso3)" },
    { "casualty_owner", "CREATE INDEX casualty_owner ON casualty (owner_org_id)" },
    { "casualty_casualty_id", "CREATE INDEX casualty_casualty_id ON casualty (casualty_id)" },
};
#define NINDEXES (sizeof casualty_indexes / sizeof casualty_indexes[0])

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

/* At the first new record: the rest of the file says how many more may follow (its bytes
 * left, at about UN_ROW_BYTES a row). As many as the table holds already: the indexes are
 * dropped. A sixteenth of it: the tallies' triggers (about 100 us a row written) give way to
 * one recount at the end (about 4 us a row in the table). A re-import that adds a few rows
 * at the end of a file changes nothing of this. */
static int un_bulk_begin(struct import_run *r, struct bh_error *err)
{
    struct un_state *s = r->state;
    s->bulk_decided = true;
    int64_t more = (int64_t)((r->size > r->done ? r->size - r->done : 0) / UN_ROW_BYTES);
    s->rebuild = more >= BULK_ROWS && more >= s->existing;
    s->recount = more >= BULK_ROWS && more * 16 >= s->existing;
    int rc = 0;
    char sql[64];
    for (size_t i = 0; s->rebuild && i < NINDEXES && !rc; i++) {
        snprintf(sql, sizeof sql, "DROP INDEX %s", casualty_indexes[i][0]);
        rc = db_exec(r->db, sql, err);
    }
    if (s->recount && !rc)
        rc = casualty_tally_suspend(r->db, err);
    if (!rc)
        rc = db_prepare(r->db, un_insert_sql, &s->insert, err);
    s->ids = xmalloc(sizeof *s->ids);
    id_seq_init(s->ids);
    return rc;
}

/* A new UN record, with the next id. */
static int un_insert(struct import_run *r, const struct un_values *v, struct bh_error *err)
{
    struct un_state *s = r->state;
    int rc = s->bulk_decided ? 0 : un_bulk_begin(r, err);
    if (rc)
        return rc;
    char id[UUID_STR_LEN + 1];
    id_seq_next(s->ids, id);
    /* The texts bound (the parsed row's, the maps' keys, `now`, the id) stay put until the
     * row is written, so none is copied. */
    db_stmt_again(s->insert, true);
    return un_step(r, s->insert, v, UN_INSERT, id, err);
}

/* After the last row: what a large load suspended, built again. */
static int un_finish(struct import_run *r, struct bh_error *err)
{
    struct un_state *s = r->state;
    int rc = 0;
    for (size_t i = 0; s->rebuild && i < NINDEXES && !rc; i++)
        rc = db_exec(r->db, casualty_indexes[i][1], err);
    if (s->recount && !rc)
        rc = casualty_tally_rebuild(r->db, err);
    return rc;
}

static int un_row(struct import_run *r, struct csv_row *row, struct bh_error *err)
{
    struct un_state *s = r->state;
    struct un_fatality f;
    struct bh_error why;
    if (un_fatality_parse(row, &f, &why))
        return casualty__rejectf(r, row->line, "%s", why.message);
    /* The file's `id` is the key: a row without one could be neither found nor updated. */
    if (!f.has_un_id)
        return casualty__rejectf(r, row->line,
                                 "id is empty: the UN's row number is the key of its record");

    struct un_values v = { 0 };
    struct casualty_row *w = &v.row;
    v.line = row->line;
    w->casualty_id = f.casualty_id;
    w->incident_date = f.incident_date;
    if (!(w->casualty_type = vocabulary(casualty_types, f.casualty_type)))
        return casualty__rejectf(
            r, row->line,
            "type_of_casualty '%.60s' is not in the vocabulary (Fatality, Injury, "
            "Missing, Abducted)",
            f.casualty_type);
    if (!(w->personnel_type = vocabulary(casualty_personnel_types, f.personnel_type)))
        return casualty__rejectf(
            r, row->line,
            "casualty_personnel_type '%.60s' is not in the vocabulary (Military, "
            "Military Observer, Police, International Civilian, Local, Other)",
            f.personnel_type);
    if (!(w->incident_type = vocabulary(casualty_incident_types, f.incident_type)))
        return casualty__rejectf(
            r, row->line,
            "type_of_incident '%.60s' is not in the vocabulary (Malicious Act, "
            "Accident, Illness, Self-Inflicted, To Be Determined, Unknown)",
            f.incident_type);
    struct sval *e = hashmap_getn(&s->missions, f.mission, strlen(f.mission));
    if (!e)
        return casualty__rejectf(r, row->line, "mission_acronym '%.60s' is not a mission we know",
                                 f.mission);
    w->mission = hashmap_key(&s->missions, e);
    w->gender = f.gender == 'M' ? "M" : f.gender == 'F' ? "F" : "U";

    /* The nationality as the file names it; its code as the file gives it, or, when the file
     * gives none, the country whose name (or alias) is exactly that text. */
    w->nationality = *f.nationality ? f.nationality : UN_NATIONALITY_EMPTY;
    w->nationality_m49 = f.has_m49 ? f.m49 : -1;
    if (*f.iso3) {
        if (!(e = hashmap_getn(&s->countries, f.iso3, 3)))
            return casualty__rejectf(r, row->line, "isocode3 '%s' is not a country code we know",
                                     f.iso3);
        w->nationality_iso3 = hashmap_key(&s->countries, e);
    } else if (*f.nationality &&
               (e = hashmap_getn(&s->names, f.nationality, strlen(f.nationality)))) {
        w->nationality_iso3 = e->v.s;
    }
    e = w->nationality_iso3 ? hashmap_getn(&s->orgs, w->nationality_iso3, 3) : NULL;
    w->owner_org_id = e ? e->v.i : s->publisher_org;
    w->tlp = "CLEAR";
    w->embargoed = 0;
    w->source = "un";
    w->source_updated = *f.last_update ? f.last_update : NULL;
    w->source_row = f.has_un_id ? f.un_id : -1;
    w->source_nationality = *f.nationality ? w->nationality : "";
    w->source_iso3 = *f.iso3 ? w->nationality_iso3 : "";

    /* The file's `id` is the key; the casualty_id is a value like the others, and may repeat
     * (docs/formats.md, "Keys"). */
    char key[24];
    int len = snprintf(key, sizeof key, "%lld", (long long)f.un_id);
    int outcome = casualty__row_outcome(r, key, (size_t)len, casualty__fingerprint(w), row->line,
                                        "id", NULL, NULL);
    switch (outcome) {
    case ROW_NEW:
        /* A member's record under this casualty_id becomes the UN's, once. */
        e = hashmap_getn(&s->members, w->casualty_id, strlen(w->casualty_id));
        if (e && e->v.s) {
            const char *id = e->v.s;
            e->v.s = NULL;
            r->rep->updated++;
            return un_write(r, &v, UN_CLAIM, id, err);
        }
        r->rep->added++;
        return un_insert(r, &v, err);
    case ROW_CHANGED:
        r->rep->updated++;
        return un_write(r, &v, UN_UPDATE, NULL, err);
    case ROW_SAME:
        r->rep->unchanged++;
        return 0;
    default:
        return 0;
    }
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
