/* A checked record into the store: added through the bulk writer, updated with a revision,
 * or left alone (import_internal.h). */
#include "incident/import_internal.h"

#include "base/uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns incident__import_fingerprint reads, as stored, for the records of earlier imports. */
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
        struct kval *e = hashmap_put(&m->keys, db_column_text(st, 1), NULL);
        e->n = db_column_int(st, 0);
        e->fp = incident__import_fingerprint(&r);
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
        ((struct kval *)hashmap_put(&m->orgs, db_column_text(st, 0), NULL))->n =
            db_column_int(st, 1);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* ---- writing one record ---- */

static const char update_sql[] =
    "UPDATE incident SET " INCIDENT_VALUES_ASSIGN "revision = revision + 1, updated_at = ? "
    "WHERE n = ?";

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

int incident__import_record(struct imp *m, struct record *rec, struct bh_error *err)
{
    m->rep->rows++;
    for (size_t i = 0; i < sizeof incident__import_required / sizeof incident__import_required[0];
         i++) {
        enum field f = incident__import_required[i];
        if (!rec->cell[f]) {
            incident__import_problem(m, rec, incident__import_fields[f], "%s is required",
                                     incident__import_fields[f]);
            return 0;
        }
    }
    struct incident_row row;
    struct row_texts t = { 0 };
    struct bh_error e;
    int rc = incident__import_row(m, rec, &row, &t, &e);
    if (!rc)
        rc = incident_validate(m->db, &row, &e);
    if (rc) {
        incident__row_texts_cleanup(&t);
        if (rc != BH_EINVALID) {
            *err = e;
            return rc;
        }
        incident__import_problem(m, rec, e.field, "%s", e.message);
        return 0;
    }

    char hashed[40];
    const char *key = rec->cell[F_ID];
    if (!key) {
        incident__import_hash_key(rec, hashed);
        key = hashed;
    }
    struct kval *k = hashmap_put(&m->keys, key, NULL);
    /* k->line: the CSV line, or the feature's index + 1, that gave the key first. */
    if (k->line) {
        incident__row_texts_cleanup(&t);
        if (rec->feature >= 0)
            incident__import_problem(
                m, rec, "id", "id '%.80s' appears again (first in feature %ld)", key, k->line - 1);
        else
            incident__import_problem(m, rec, "id", "id '%.80s' appears again (first on line %ld)",
                                     key, k->line);
        return 0;
    }
    k->line = rec->feature >= 0 ? rec->feature + 1 : rec->line;
    if (m->failed) {
        incident__row_texts_cleanup(&t);
        return 0; /* nothing will be written: only check the rest */
    }
    row.source_ref = hashmap_key(&m->keys, k);
    uint64_t fp = incident__import_fingerprint(&row);
    if (k->n) {
        if (k->fp == fp) {
            m->rep->unchanged++;
        } else {
            rc = update_record(m, k->n, &row, err);
            m->rep->updated++;
        }
        incident__row_texts_cleanup(&t);
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
            incident__row_texts_cleanup(&t);
            return rc;
        }
        if (rc == DB_ROW) {
            m->rep->present++;
            incident__row_texts_cleanup(&t);
            return 0;
        }
        row.id = t.id;
    }
    rc = incident_bulk_add(m->bulk, &row, err);
    if (!rc)
        m->rep->added++;
    incident__row_texts_cleanup(&t);
    return rc;
}

int incident__import_load(struct imp *m, struct bh_error *err)
{
    int rc = load_orgs(m, err);
    return rc ? rc : load_keys(m, err);
}
