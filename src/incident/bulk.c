/* The bulk writer (bulk.h says why it exists and what it promises). */
#include "incident/bulk.h"

#include "incident/internal.h"

#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

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
                    ") VALUES (" INCIDENT_WRITE_PARAMS ")",
                    &st, err);
    if (rc)
        return rc;
    struct incident_row w = *r;
    w.id = id;
    w.created_at = r->created_at ? r->created_at : b->now;
    w.updated_at = r->updated_at ? r->updated_at : b->now;
    incident_store_bind_row(st, 1, &w);
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
