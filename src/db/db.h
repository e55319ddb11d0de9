#ifndef BH_DB_DB_H
#define BH_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* A thin store API: open, prepare, bind, step, column, transaction. The driver today is
 * SQLite; modules write portable SQL with `?` placeholders (a PostgreSQL driver will number
 * them), so nothing outside src/db/ names SQLite. One connection belongs to one thread. */

struct db;
struct db_stmt;

enum db_open_flags {
    DB_OPEN_CREATE = 1 << 0,   /* create the file when absent (init) */
    DB_OPEN_READONLY = 1 << 1, /* never write (inspection, verification) */
};

/* Step results besides the negative error codes. */
enum { DB_DONE = 0, DB_ROW = 1 };

/* Opens the store at `path`. Refuses, without changing the file: a missing file (unless
 * DB_OPEN_CREATE), a directory, a file that is not an SQLite database, a corrupt one, and an
 * SQLite database that is not a Bluehelm store. Then sets WAL, synchronous=NORMAL,
 * foreign_keys=ON and a busy timeout. */
int db_open(struct db **out, const char *path, int flags, struct bh_error *err);

/* Finalizes cached statements and closes; NULL is allowed. */
void db_close(struct db *db);

const char *db_path(const struct db *db);

/* Runs one or more statements that return no rows (migrations, pragmas). */
int db_exec(struct db *db, const char *sql, struct bh_error *err);

/* Returns a prepared statement for `sql`, from the connection's cache when it was prepared
 * before (the SQL text is the key). The statement is borrowed: hand it back with
 * db_stmt_done() before preparing the same SQL again on this connection. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct bh_error *err);

/* Resets the statement, clears its bindings and returns it to the cache. NULL is allowed. */
void db_stmt_done(struct db_stmt *st);

/* Parameters are numbered from 1, in the order of the `?` placeholders. Text is copied. */
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *v); /* NULL binds NULL */
int db_bind_null(struct db_stmt *st, int idx);

/* DB_ROW, DB_DONE, or a negative code with `err` filled (constraint failures are
 * BH_ECONFLICT, a busy store BH_EBUSY). */
int db_step(struct db_stmt *st, struct bh_error *err);

/* Columns are numbered from 0. Text is borrowed until the next step. */
int64_t db_column_int(struct db_stmt *st, int col);
double db_column_double(struct db_stmt *st, int col);
const char *db_column_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
int db_column_is_null(struct db_stmt *st, int col);

/* Runs `sql` with no parameters and reads the first column of the first row as an integer;
 * `*out` is `dflt` when there is no row. */
int db_query_int(struct db *db, const char *sql, int64_t dflt, int64_t *out, struct bh_error *err);

/* Whether a table of that name exists. */
int db_table_exists(struct db *db, const char *table, int *exists, struct bh_error *err);

/* Write transactions take the write lock at BEGIN (SQLite's BEGIN IMMEDIATE) so two writers
 * never deadlock upgrading read locks; the busy timeout makes the second one wait. */
int db_begin(struct db *db, struct bh_error *err);
int db_commit(struct db *db, struct bh_error *err);
/* Rolls back when a transaction is open; safe to call on any path. Transactions nest: an
 * inner begin is a savepoint, and its commit or rollback affects only its own part. */
void db_rollback(struct db *db);

/* Whether a transaction is open (audit entries must be written inside one). */
int db_in_transaction(const struct db *db);

/* The driver's name and library version, e.g. "sqlite 3.40.1". */
const char *db_driver_version(void);

/* Rows changed by the last statement. */
int64_t db_changes(struct db *db);

/* The row key of the last row inserted on this connection. */
int64_t db_last_insert_rowid(struct db *db);

#endif
