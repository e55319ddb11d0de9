#ifndef BH_DB_DB_H
#define BH_DB_DB_H

#include <stdbool.h>
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
    /* A connection kept for many requests (a server worker's): reads through a memory map of
     * the file. A short-lived one does better without: mapping, faulting the pages in and
     * unmapping them cost a streamed file twice its time. */
    DB_OPEN_LONG_LIVED = 1 << 2,
};

/* Step results besides the negative error codes. */
enum { DB_DONE = 0, DB_ROW = 1 };

/* Opens the store at `path`. Refuses, without changing the file: a missing file (unless
 * DB_OPEN_CREATE), a directory, a file that is not an SQLite database, a corrupt one, and an
 * SQLite database that is not a Bluehelm store. Then sets WAL, synchronous=NORMAL,
 * foreign_keys=ON and a busy timeout. */
int db_open(struct db **out, const char *path, int flags, struct bh_error *err);

/* Opens `len` bytes at `data`, an SQLite database image (an embedded file, such as the base
 * map pack), read-only and in memory: nothing on disk is read or written. `data` is borrowed
 * and must outlive the connection; `name` says what it is in errors. Refuses bytes that are
 * not an SQLite database. No store checks or pragmas: it is not a Bluehelm store. */
int db_open_image(struct db **out, const char *name, const void *data, size_t len,
                  struct bh_error *err);

/* Finalizes cached statements and closes; NULL is allowed. */
void db_close(struct db *db);

/* A time budget: once time_mono_us() passes `deadline_us`, the statement running stops and
 * db_step gives BH_EUNAVAILABLE saying the request ran past its time budget, so one
 * expensive query cannot hold a worker (and the store's readers) for minutes. 0 lifts it. A
 * server sets it per request (http/dispatch.c); the command line never does. */
void db_set_deadline(struct db *db, int64_t deadline_us);

const char *db_path(const struct db *db);

/* Runs one or more statements that return no rows (migrations, pragmas). */
int db_exec(struct db *db, const char *sql, struct bh_error *err);

/* The most statements one connection keeps prepared. Past it, preparing a new shape finalizes
 * the one used longest ago that nobody holds. Query shapes are bounded (values are bound, never
 * pasted into the text, so every user shares them), and this is several times what a worker
 * uses, so eviction happens only with unusual filter combinations. */
#define DB_STMT_CACHE_MAX 256

/* Returns a prepared statement for `sql`, from the connection's cache when it was prepared
 * before (the SQL text is the key, looked up in a hash map). The statement is borrowed: hand
 * it back with db_stmt_done(). Preparing SQL whose statement is held prepares a second copy.
 * Use it for SQL whose text is one of the program's shapes; text that carries values, or
 * that runs once (a migration step, an operator's command), goes to db_prepare_once(). When
 * every cached statement is held, the new one is not cached (db_stmt_done() finalizes it). */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct bh_error *err);

/* Like db_prepare(), but the statement is never cached: SQLite is told it is short-lived
 * (no SQLITE_PREPARE_PERSISTENT, so it may use lookaside memory) and db_stmt_done()
 * finalizes it. One-off SQL would otherwise push the program's shapes out of the cache. */
int db_prepare_once(struct db *db, const char *sql, struct db_stmt **out, struct bh_error *err);

/* Resets the statement, clears its bindings and returns it to the cache (or finalizes a
 * one-off). NULL is allowed. */
void db_stmt_done(struct db_stmt *st);

/* Resets the statement and clears its bindings for another run, keeping it: a loop that
 * writes many rows with one statement spares the cache lookup per row. When
 * `texts_outlive_step` is true, the caller promises that every text bound from now until the
 * next reset stays unchanged until db_step() has returned, and texts are bound without a copy
 * (a bulk load's interned strings). */
void db_stmt_again(struct db_stmt *st, bool texts_outlive_step);

/* How many prepared statements the connection's cache holds, in use or idle; at most
 * DB_STMT_CACHE_MAX. Read-only, for tests and diagnostics. */
int db_cache_count(const struct db *db);

/* Whether the cache holds a statement for `sql` (tests of the eviction order). */
bool db_cache_holds(const struct db *db, const char *sql);

/* Parameters are numbered from 1, in the order of the `?` placeholders. Text is copied
 * (unless db_stmt_again() was told otherwise). */
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *v); /* NULL binds NULL */
int db_bind_null(struct db_stmt *st, int idx);
/* `len` bytes as a BLOB (attachments), borrowed: they must stay unchanged until db_step() has
 * returned (the statement does not copy them). */
int db_bind_blob(struct db_stmt *st, int idx, const void *v, size_t len);

/* Bind values gathered while SQL text is written: whoever writes a `?` appends its value,
 * so the values are in placeholder order however many hands (a filter, the visibility
 * predicate, a cursor) wrote the text. An append-only list; text values are copied.
 *
 *     struct db_params p = DB_PARAMS_INIT;
 *     buf_puts(&sql, "... WHERE i.mission = ? AND ");
 *     db_params_text(&p, mission);
 *     incident_predicate(who, "i", &sql, &p);
 *     ... db_prepare(), db_params_bind(st, &p), db_step() ...
 *     db_params_cleanup(&p);
 */
enum db_param_kind { DB_PARAM_NULL, DB_PARAM_INT, DB_PARAM_DOUBLE, DB_PARAM_TEXT };

struct db_param {
    enum db_param_kind kind;
    int64_t i;
    double d;
    const char *s; /* owned (copied) in a list built by the appenders; borrowed in DB_PARAMS() */
};

struct db_params {
    struct db_param *v;
    size_t n, cap;
};

#define DB_PARAMS_INIT \
    {                  \
        0              \
    }

void db_params_int(struct db_params *p, int64_t v);
void db_params_double(struct db_params *p, double v);
void db_params_text(struct db_params *p, const char *v); /* copied; NULL appends NULL */
void db_params_null(struct db_params *p);
/* Appends copies of every value of `src` (NULL appends none): for SQL put together from
 * pieces built apart, such as one WHERE clause used by a count and by a page with a join
 * before it. Append `src` where its text goes in. */
void db_params_append(struct db_params *dst, const struct db_params *src);
/* Frees the copies and the list; the list is empty and usable again. */
void db_params_cleanup(struct db_params *p);

/* A list of values written in place, for a call that runs one statement: the texts are
 * borrowed for the call and the list needs no cleanup.
 *     db_exec_params(db, "DELETE FROM x WHERE a = ? AND b = ?",
 *                    DB_PARAMS(DB_INT(a), DB_TEXT(b)), NULL, NULL, err); */
#define DB_INT(x)    ((struct db_param){ .kind = DB_PARAM_INT, .i = (x) })
#define DB_DOUBLE(x) ((struct db_param){ .kind = DB_PARAM_DOUBLE, .d = (x) })
#define DB_TEXT(x)   ((struct db_param){ .kind = DB_PARAM_TEXT, .s = (x) })
#define DB_PARAMS(...)                                                            \
    (&(const struct db_params){ .v = (struct db_param[]){ __VA_ARGS__ },          \
                                .n = sizeof((struct db_param[]){ __VA_ARGS__ }) / \
                                     sizeof(struct db_param) })

/* Binds every value of `p` (NULL binds none) in order from parameter 1. Returns the number
 * of the next free parameter (p->n + 1), for a caller that binds a few more itself, or a
 * negative code. A NULL text binds NULL. */
int db_params_bind(struct db_stmt *st, const struct db_params *p);

/* Prepares `sql` (db_prepare) and binds `params` to it, then releases `params` whatever
 * happens: the usual end of a query built with its values. */
int db_prepare_bound(struct db *db, const char *sql, struct db_params *params, struct db_stmt **out,
                     struct bh_error *err);

/* Runs `sql` (a cached shape) with `params` (may be NULL) and steps it once. *found (may be
 * NULL) says whether it returned a row; *first (may be NULL) gets that row's first column as
 * an integer, and keeps the caller's value (a default) when there is no row. Every statement
 * that writes, or reads at most one integer, is one call of this instead of its own prepare,
 * bind, step and done. */
int db_exec_params(struct db *db, const char *sql, const struct db_params *params, int64_t *first,
                   bool *found, struct bh_error *err);

/* DB_ROW, DB_DONE, or a negative code with `err` filled (constraint failures are
 * BH_ECONFLICT, a busy store BH_EBUSY). */
int db_step(struct db_stmt *st, struct bh_error *err);

/* Columns are numbered from 0. Text is borrowed until the next step. */
int64_t db_column_int(struct db_stmt *st, int col);
double db_column_double(struct db_stmt *st, int col);
const char *db_column_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
int db_column_is_null(struct db_stmt *st, int col);
/* A BLOB column's bytes (borrowed until the next step) and their length in *len; NULL with
 * *len 0 for SQL NULL or an empty blob. */
const void *db_column_blob(struct db_stmt *st, int col, size_t *len);

/* Runs `sql` with no parameters and reads the first column of the first row as an integer;
 * `*out` is `dflt` when there is no row. */
int db_query_int(struct db *db, const char *sql, int64_t dflt, int64_t *out, struct bh_error *err);

/* Sets this connection up for a load of many rows in one transaction: a quarter of a
 * gigabyte of page cache, so that the indexes a million-row load writes at random places stay
 * in memory (smaller, SQLite spills pages to the WAL in mid-transaction and reads them back:
 * 10 s and more of a million rows), and temporary tables and statement journals in memory.
 * The cache is allocated as it fills, so a small load costs nothing more. Call it before the
 * transaction begins (SQLite ignores temp_store inside one); the settings last as long as the
 * connection, so it is meant for the command line's one-shot connections. */
int db_prepare_for_bulk_load(struct db *db, struct bh_error *err);

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

/* The full-text tokenizer `spec` names, as an FTS5 table declared `tokenize = '<spec>'` has it
 * ("porter unicode61 remove_diacritics 2"). An in-memory search index
 * (src/library/search_memory.c) counts its words with it, so that they are exactly the words
 * the store's index holds. Open it once for many texts: opening costs a statement. It may be
 * used while `db` is open, and must be closed before. */
struct db_tokenizer;
int db_tokenizer_open(struct db *db, const char *spec, struct db_tokenizer **out,
                      struct bh_error *err);
void db_tokenizer_close(struct db_tokenizer *tok);

/* Calls fn for each token of `text` (`len` bytes); `query`: as a query's term is tokenized.
 * fn returns nonzero to stop, and that value is returned. */
typedef int (*db_token_fn)(void *ctx, const char *token, int len);
int db_tokenize(struct db_tokenizer *tok, const char *text, size_t len, bool query, db_token_fn fn,
                void *ctx, struct bh_error *err);

/* The driver's name and library version, e.g. "sqlite 3.40.1". */
const char *db_driver_version(void);

/* Rows changed by the last statement. */
int64_t db_changes(struct db *db);

/* The row key of the last row inserted on this connection. */
int64_t db_last_insert_rowid(struct db *db);

#endif
