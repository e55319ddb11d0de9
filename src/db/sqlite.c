/* The SQLite driver behind db.h. It is the only file that includes sqlite3.h. */
#include "db/db.h"

#include "base/mem.h"
#include "base/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a writer waits for another writer's lock before giving up with BH_EBUSY. */
#define DB_BUSY_TIMEOUT_MS 5000

/* The statement cache: a hash map from SQL text to prepared statements, with the idle ones on
 * a list in order of use so the one used longest ago is finalized when the cache is full. A
 * statement that is held (between db_prepare and db_stmt_done) is off that list and is never
 * finalized under its holder. Copies of one SQL text (prepared while another copy was held)
 * share a bucket. The cache never holds more than DB_STMT_CACHE_MAX statements, so the map has
 * a fixed number of buckets and never grows. */
#define DB_STMT_BUCKETS (2 * DB_STMT_CACHE_MAX)

/* How much of the store is read through a memory map (PRAGMA mmap_size): 4 GiB of address
 * space, more than the stores we expect, and nothing on a 32-bit build, which has no room. */
#if UINTPTR_MAX > 0xffffffffu
#define DB_MMAP_BYTES_TEXT "4294967296"
#else
#define DB_MMAP_BYTES_TEXT "0"
#endif

struct db_stmt {
    struct db *db;
    sqlite3_stmt *stmt;
    char *sql;
    uint64_t hash;
    struct db_stmt *chain;         /* next in the bucket */
    struct db_stmt *newer, *older; /* the idle list, while not in use */
    int in_use;
    int cached;     /* 0 for one-off statements, finalized when done */
    int keep_texts; /* bound texts outlive each step: bound without a copy (db_stmt_again) */
};

struct db {
    sqlite3 *conn;
    char *path;
    struct db_stmt *buckets[DB_STMT_BUCKETS];
    struct db_stmt *idle_newest, *idle_oldest; /* cached statements nobody holds, by last use */
    int cached;                                /* statements in the cache, held or idle */
    int depth;           /* open transactions: 1 is the BEGIN, deeper ones are savepoints */
    int64_t deadline_us; /* time_mono_us() past which statements stop; 0: none */
};

/* How many virtual-machine instructions SQLite runs between two looks at the deadline: about
 * a tenth of a millisecond of work, so a statement stops soon after its time is up and a
 * statement within its time pays almost nothing for the look. */
#define DB_DEADLINE_STEPS 2000

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return 0;
    case SQLITE_NOMEM:
        return BH_ENOMEM;
    case SQLITE_CONSTRAINT:
        return BH_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return BH_EBUSY;
    case SQLITE_INTERRUPT:
        return BH_EUNAVAILABLE;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
        return BH_EIO;
    default:
        return BH_ESTORE;
    }
}

static int fail_sqlite(struct db *db, int rc, struct bh_error *err, const char *what)
{
    if ((rc & 0xff) == SQLITE_NOMEM)
        bh_oom(0);
    return bh_fail(err, map_rc(rc), NULL, "store %s: %s: %s", db->path, what,
                   db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
}

/* Reads the schema once, before anything can write: a file that is not SQLite, or is
 * corrupt, fails here and is left as it was. An SQLite file that has tables but no
 * schema_migrations belongs to some other program and is refused the same way. */
static int probe_store(struct db *db, struct bh_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db->conn,
                                "SELECT count(*), sum(name = 'schema_migrations') FROM "
                                "sqlite_master WHERE type = 'table'",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        int code = sqlite3_extended_errcode(db->conn);
        sqlite3_finalize(st);
        if ((code & 0xff) == SQLITE_NOTADB)
            return bh_fail(err, BH_ESTORE, "db",
                           "%s is not a Bluehelm store (not an SQLite "
                           "database)",
                           db->path);
        if ((code & 0xff) == SQLITE_CORRUPT)
            return bh_fail(err, BH_ESTORE, "db", "store %s is corrupt: %s", db->path,
                           sqlite3_errmsg(db->conn));
        return fail_sqlite(db, code, err, "cannot read");
    }
    int tables = sqlite3_column_int(st, 0);
    int ours = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    if (tables > 0 && !ours)
        return bh_fail(err, BH_ESTORE, "db",
                       "%s is an SQLite database of another program, not a Bluehelm store",
                       db->path);
    return 0;
}

int db_open(struct db **out, const char *path, int flags, struct bh_error *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return bh_fail(err, BH_EIO, "db", "store %s is a directory, not a file", path);
        /* Root can open anything, so ask access() rather than wait for a confusing error. */
        if (access(path, (flags & DB_OPEN_READONLY) ? R_OK : R_OK | W_OK) != 0)
            return bh_fail(err, BH_EIO, "db", "cannot open store %s: %s", path, strerror(errno));
    } else if (errno == ENOENT) {
        if (!(flags & DB_OPEN_CREATE))
            return bh_fail(err, BH_ENOTFOUND, "db",
                           "no store at %s (create it with `bluehelm init --db %s`)", path, path);
    } else {
        return bh_fail(err, BH_EIO, "db", "cannot open store %s: %s", path, strerror(errno));
    }

    struct db *db = xcalloc(1, sizeof *db);
    db->path = xstrdup(path);
    /* NOMUTEX: a connection is never shared between threads, so SQLite's per-connection
     * mutex would only cost time. */
    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (flags & DB_OPEN_READONLY)
        oflags |= SQLITE_OPEN_READONLY;
    else
        oflags |= SQLITE_OPEN_READWRITE | ((flags & DB_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db->conn, oflags, NULL);
    if (rc != SQLITE_OK) {
        int code = bh_fail(err, map_rc(rc), "db", "cannot open store %s: %s", path,
                           db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
        db_close(db);
        return code;
    }
    sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
    rc = probe_store(db, err);
    if (rc == 0 && !(flags & DB_OPEN_READONLY))
        rc = db_exec(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                     "PRAGMA foreign_keys = ON;",
                     err);
    else if (rc == 0)
        rc = db_exec(db, "PRAGMA foreign_keys = ON;", err);
    /* A long-lived connection reads through a memory map of the file rather than a read()
     * per page: a busy map view touches a thousand scattered pages, which cost more in
     * system calls than in SQLite (docs/architecture.md, "Store"). The map is the kernel's
     * page cache, shared by every connection, so it is no memory of ours. */
    if (rc == 0 && (flags & DB_OPEN_LONG_LIVED))
        rc = db_exec(db, "PRAGMA mmap_size = " DB_MMAP_BYTES_TEXT ";", err);
    if (rc) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

int db_open_image(struct db **out, const char *name, const void *data, size_t len,
                  struct bh_error *err)
{
    *out = NULL;
    struct db *db = xcalloc(1, sizeof *db);
    db->path = xstrdup(name);
    int rc =
        sqlite3_open_v2(":memory:", &db->conn,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
    /* READONLY and no FREEONCLOSE: SQLite reads the borrowed bytes in place, never writes
     * them and never frees them (they are the binary's own). */
    if (rc == SQLITE_OK)
        rc = sqlite3_deserialize(db->conn, "main", (unsigned char *)data, (sqlite3_int64)len,
                                 (sqlite3_int64)len, SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) {
        int code = bh_fail(err, map_rc(rc), "db", "cannot open %s: %s", name,
                           db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
        db_close(db);
        return code;
    }
    /* Deserializing checks nothing: read the schema now, so bytes that are not a database
     * fail here rather than at the first request. */
    int64_t n = 0;
    if ((rc = db_query_int(db, "SELECT count(*) FROM sqlite_schema", 0, &n, err))) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

static int deadline_passed(void *ctx)
{
    const struct db *db = ctx;
    return db->deadline_us && time_mono_us() > db->deadline_us;
}

void db_set_deadline(struct db *db, int64_t deadline_us)
{
    db->deadline_us = deadline_us > 0 ? deadline_us : 0;
    if (db->deadline_us)
        sqlite3_progress_handler(db->conn, DB_DEADLINE_STEPS, deadline_passed, db);
    else
        sqlite3_progress_handler(db->conn, 0, NULL, NULL);
}

static void stmt_free(struct db_stmt *st)
{
    sqlite3_finalize(st->stmt);
    free(st->sql);
    free(st);
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t b = 0; b < DB_STMT_BUCKETS; b++) {
        struct db_stmt *st = db->buckets[b];
        while (st) {
            struct db_stmt *next = st->chain;
            stmt_free(st);
            st = next;
        }
    }
    sqlite3_close(db->conn);
    free(db->path);
    free(db);
}

const char *db_path(const struct db *db)
{
    return db->path;
}

int db_exec(struct db *db, const char *sql, struct bh_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return 0;
    int code =
        bh_fail(err, map_rc(rc), NULL, "store %s: %s", db->path, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return code;
}

/* FNV-1a: SQL texts are short and come from our own code, so a simple hash spreads them. */
static uint64_t sql_hash(const char *sql)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    return h;
}

static void idle_unlink(struct db *db, struct db_stmt *st)
{
    if (st->newer)
        st->newer->older = st->older;
    else
        db->idle_newest = st->older;
    if (st->older)
        st->older->newer = st->newer;
    else
        db->idle_oldest = st->newer;
    st->newer = st->older = NULL;
}

static void idle_push(struct db *db, struct db_stmt *st)
{
    st->newer = NULL;
    st->older = db->idle_newest;
    if (db->idle_newest)
        db->idle_newest->newer = st;
    else
        db->idle_oldest = st;
    db->idle_newest = st;
}

/* Finalizes the idle statement used longest ago; false when every cached statement is held. */
static bool evict_oldest(struct db *db)
{
    struct db_stmt *st = db->idle_oldest;
    if (!st)
        return false;
    idle_unlink(db, st);
    struct db_stmt **link = &db->buckets[st->hash % DB_STMT_BUCKETS];
    while (*link != st)
        link = &(*link)->chain;
    *link = st->chain;
    db->cached--;
    stmt_free(st);
    return true;
}

static int prepare_new(struct db *db, const char *sql, uint64_t hash, bool cache,
                       struct db_stmt **out, struct bh_error *err)
{
    if (cache && db->cached >= DB_STMT_CACHE_MAX && !evict_oldest(db))
        cache = false; /* every cached statement is held: this one lives until it is done */
    sqlite3_stmt *raw;
    int rc =
        sqlite3_prepare_v3(db->conn, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &raw, NULL);
    if (rc != SQLITE_OK)
        return fail_sqlite(db, rc, err, "cannot prepare a statement");
    struct db_stmt *st = xcalloc(1, sizeof *st);
    st->db = db;
    st->stmt = raw;
    st->sql = xstrdup(sql);
    st->hash = hash;
    st->in_use = 1;
    st->cached = cache;
    if (cache) {
        struct db_stmt **bucket = &db->buckets[hash % DB_STMT_BUCKETS];
        st->chain = *bucket;
        *bucket = st;
        db->cached++;
    }
    *out = st;
    return 0;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct bh_error *err)
{
    uint64_t hash = sql_hash(sql);
    for (struct db_stmt *st = db->buckets[hash % DB_STMT_BUCKETS]; st; st = st->chain) {
        if (!st->in_use && st->hash == hash && strcmp(st->sql, sql) == 0) {
            idle_unlink(db, st);
            st->in_use = 1;
            *out = st;
            return 0;
        }
    }
    return prepare_new(db, sql, hash, true, out, err);
}

int db_prepare_once(struct db *db, const char *sql, struct db_stmt **out, struct bh_error *err)
{
    return prepare_new(db, sql, 0, false, out, err);
}

void db_stmt_done(struct db_stmt *st)
{
    if (!st)
        return;
    if (!st->cached) {
        stmt_free(st);
        return;
    }
    sqlite3_reset(st->stmt);
    sqlite3_clear_bindings(st->stmt);
    st->in_use = 0;
    st->keep_texts = 0;
    idle_push(st->db, st);
}

void db_stmt_again(struct db_stmt *st, bool texts_outlive_step)
{
    sqlite3_reset(st->stmt);
    sqlite3_clear_bindings(st->stmt);
    st->keep_texts = texts_outlive_step;
}

int db_cache_count(const struct db *db)
{
    return db->cached;
}

bool db_cache_holds(const struct db *db, const char *sql)
{
    uint64_t hash = sql_hash(sql);
    for (struct db_stmt *st = db->buckets[hash % DB_STMT_BUCKETS]; st; st = st->chain)
        if (st->hash == hash && strcmp(st->sql, sql) == 0)
            return true;
    return false;
}

static int bind_rc(int rc)
{
    if (rc == SQLITE_OK)
        return 0;
    if (rc == SQLITE_NOMEM)
        bh_oom(0);
    return map_rc(rc);
}

int db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    return bind_rc(sqlite3_bind_int64(st->stmt, idx, v));
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
    return bind_rc(sqlite3_bind_double(st->stmt, idx, v));
}

int db_bind_text(struct db_stmt *st, int idx, const char *v)
{
    if (!v)
        return db_bind_null(st, idx);
    return bind_rc(
        sqlite3_bind_text(st->stmt, idx, v, -1, st->keep_texts ? SQLITE_STATIC : SQLITE_TRANSIENT));
}

int db_bind_null(struct db_stmt *st, int idx)
{
    return bind_rc(sqlite3_bind_null(st->stmt, idx));
}

int db_bind_blob(struct db_stmt *st, int idx, const void *v, size_t len)
{
    return bind_rc(sqlite3_bind_blob64(st->stmt, idx, v, (sqlite3_uint64)len, SQLITE_STATIC));
}

int db_step(struct db_stmt *st, struct bh_error *err)
{
    int rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    if (rc == SQLITE_INTERRUPT && st->db->deadline_us)
        return bh_fail(err, BH_EUNAVAILABLE, NULL,
                       "the request ran past its time budget (request_budget); narrow the "
                       "filters, or try again when the server is less busy");
    return fail_sqlite(st->db, sqlite3_extended_errcode(st->db->conn), err, "statement failed");
}

int64_t db_column_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->stmt, col);
}

double db_column_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(st->stmt, col);
}

const char *db_column_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->stmt, col);
}

const void *db_column_blob(struct db_stmt *st, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(st->stmt, col);
    *len = p ? (size_t)sqlite3_column_bytes(st->stmt, col) : 0;
    return p;
}

int db_column_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

int db_query_int(struct db *db, const char *sql, int64_t dflt, int64_t *out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = db_column_is_null(st, 0) ? dflt : db_column_int(st, 0);
    else if (rc == DB_DONE)
        *out = dflt;
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int db_prepare_for_bulk_load(struct db *db, struct bh_error *err)
{
    /* A load writes more than it reads: pages are read with read(), not through the memory
     * map, whose touched pages would count in the command's resident memory. */
    return db_exec(db,
                   "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; "
                   "PRAGMA mmap_size = 0;",
                   err);
}

int db_table_exists(struct db *db, const char *table, int *exists, struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, table);
    rc = db_step(st, err);
    *exists = rc == DB_ROW;
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int db_begin(struct db *db, struct bh_error *err)
{
    /* Nested begins become savepoints, so a module function that opens its own transaction
     * can run inside a caller's (the dispatcher's idempotent-request transaction) and still
     * roll back only its own part on failure. */
    char sql[48];
    if (db->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT bh_tx%d", db->depth);
    int rc = db_exec(db, sql, err);
    if (rc == 0)
        db->depth++;
    return rc;
}

int db_commit(struct db *db, struct bh_error *err)
{
    char sql[48];
    if (db->depth <= 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE bh_tx%d", db->depth - 1);
    int rc = db_exec(db, sql, err);
    if (rc == 0 && db->depth > 0)
        db->depth--;
    return rc;
}

void db_rollback(struct db *db)
{
    if (db->depth > 1) {
        char sql[80];
        snprintf(sql, sizeof sql, "ROLLBACK TO bh_tx%d; RELEASE bh_tx%d", db->depth - 1,
                 db->depth - 1);
        sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
        db->depth--;
        return;
    }
    if (!sqlite3_get_autocommit(db->conn))
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    db->depth = 0;
}

int db_in_transaction(const struct db *db)
{
    return db->depth > 0;
}

int64_t db_changes(struct db *db)
{
    return sqlite3_changes64(db->conn);
}

int64_t db_last_insert_rowid(struct db *db)
{
    return sqlite3_last_insert_rowid(db->conn);
}

/* ---- the full-text tokenizer ---- */

static fts5_api *fts5_api_of(sqlite3 *conn)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

struct token_call {
    db_token_fn fn;
    void *ctx;
    int stopped;
};

static int token_cb(void *ctx, int flags, const char *token, int len, int start, int end)
{
    (void)flags, (void)start, (void)end;
    struct token_call *call = ctx;
    call->stopped = call->fn(call->ctx, token, len);
    return call->stopped ? SQLITE_DONE : SQLITE_OK;
}

#define TOKENIZER_ARGS_MAX 8

struct db_tokenizer {
    fts5_tokenizer module;
    Fts5Tokenizer *instance;
};

int db_tokenizer_open(struct db *db, const char *spec, struct db_tokenizer **out,
                      struct bh_error *err)
{
    *out = NULL;
    fts5_api *api = fts5_api_of(db->conn);
    if (!api)
        return bh_fail(err, BH_EINTERNAL, NULL, "this SQLite has no FTS5");
    /* The spec's words: the tokenizer's name, then its arguments. */
    char *words = xstrdup(spec), *argv[TOKENIZER_ARGS_MAX], *save = NULL;
    int argc = 0;
    for (char *w = strtok_r(words, " ", &save); w && argc < TOKENIZER_ARGS_MAX;
         w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    struct db_tokenizer *tok = xcalloc(1, sizeof *tok);
    void *user = NULL;
    int rc = argc ? api->xFindTokenizer(api, argv[0], &user, &tok->module) : SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = tok->module.xCreate(user, (const char **)argv + 1, argc - 1, &tok->instance);
    free(words);
    if (rc != SQLITE_OK) {
        free(tok);
        return bh_fail(err, BH_EINTERNAL, NULL, "no full-text tokenizer \"%.80s\"", spec);
    }
    *out = tok;
    return 0;
}

void db_tokenizer_close(struct db_tokenizer *tok)
{
    if (!tok)
        return;
    tok->module.xDelete(tok->instance);
    free(tok);
}

int db_tokenize(struct db_tokenizer *tok, const char *text, size_t len, bool query, db_token_fn fn,
                void *ctx, struct bh_error *err)
{
    if (len > INT_MAX)
        return bh_fail(err, BH_EINVALID, NULL, "a text of %zu bytes is too long to tokenize", len);
    struct token_call call = { fn, ctx, 0 };
    int rc = tok->module.xTokenize(tok->instance, &call,
                                   query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text,
                                   (int)len, token_cb);
    if (call.stopped)
        return call.stopped;
    if (rc != SQLITE_OK)
        return bh_fail(err, BH_EINTERNAL, NULL, "tokenizing failed: %s", sqlite3_errstr(rc));
    return 0;
}

const char *db_driver_version(void)
{
    return sqlite3_libversion();
}
