#ifndef BH_TEST_SUPPORT_H
#define BH_TEST_SUPPORT_H

/* Helpers every test program may use. Tests link the real core library; nothing here stubs
 * it. cmocka's assertions print the expected and the actual value on failure, and so do the
 * assert_* macros below; they report the line of the test that called them. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first. */
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "casualty/import.h"
#include "principal/principal.h"

/* The exit status CTest reads as "skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt). */
#define TEST_SKIP 77

/* Debian's iso-codes, the country lists `bluehelm init` loads. */
#define TEST_ISO_DIR "/usr/share/iso-codes/json"

/* Prints the message and fails the test at `file`:`line`, the caller's place for helpers that
 * sit behind a macro. */
void test_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails unless `needle` occurs in `haystack` (a NULL haystack fails too), printing both. */
#define assert_contains(haystack, needle)                                                 \
    do {                                                                                  \
        const char *hay_ = (haystack), *needle_ = (needle);                               \
        if (!hay_ || !strstr(hay_, needle_))                                              \
            fail_msg("expected to find \"%s\" in:\n%s", needle_, hay_ ? hay_ : "(null)"); \
    } while (0)

/* Fails unless `s` starts with `prefix`, printing both. */
#define assert_prefix(s, prefix)                                                              \
    do {                                                                                      \
        const char *s_ = (s), *prefix_ = (prefix);                                            \
        if (!s_ || strncmp(s_, prefix_, strlen(prefix_)) != 0)                                \
            fail_msg("expected to start with \"%s\", got:\n%s", prefix_, s_ ? s_ : "(null)"); \
    } while (0)

/* A test's stable name (`casualty/import-quirk-m49-float`, docs/architecture.md "Tests") and
 * its function, as one row of cmocka's table: cmocka prints the name on every RUN, OK and
 * FAILED line, so a failure names what broke rather than a C identifier. */
#define BH_TEST(path, fn)                                                            \
    {                                                                                \
        .name = (path), .test_func = (fn), .setup_func = NULL, .teardown_func = NULL \
    }

/* The same with a setup and a teardown run around this one test. */
#define BH_TEST_SETUP_TEARDOWN(path, fn, setup, teardown)                                     \
    {                                                                                         \
        .name = (path), .test_func = (fn), .setup_func = (setup), .teardown_func = (teardown) \
    }

struct bh_error;

/* Fails unless `rc` is 0: a step the test builds on (making a user, a record) went wrong, so
 * nothing after it means anything. Prints `what`, the error's message, its code's name and
 * its field, at the caller's line. */
#define must(rc, err, what) test_must((rc), (err), (what), __FILE__, __LINE__)
void test_must(int rc, const struct bh_error *err, const char *what, const char *file, int line);

/* A fresh, empty directory for one test, under the build tree: BH_TEST_TMP/<name>.
 * Returned string is static to the call and overwritten by the next call. */
const char *test_tmpdir(const char *name);

/* Joins a directory and a file name into a heap string the caller frees. */
char *test_path(const char *dir, const char *file);

/* BH_TEST_TMP/<name>/store.db in a fresh directory, as a heap string the caller frees. The
 * file itself is not created. */
char *test_store_path(const char *name);

/* Whole file into a heap string (NUL-terminated); NULL when it cannot be read. */
char *test_read_file(const char *path, size_t *len);

/* Splits one row of a Markdown table ("| a | b |") in place into at most `max` cells without
 * their surrounding spaces; returns how many. The docs tests compare such tables with code. */
int test_md_cells(char *line, char **cells, int max);

/* Writes `text` to `path`, replacing it; fails the test when it cannot. */
void test_write_file(const char *path, const char *text);

/* Fails unless the file at `path` holds exactly the `len` bytes at `bytes`. */
#define assert_file_bytes(path, bytes, len) \
    test_assert_file_bytes((path), (bytes), (len), __FILE__, __LINE__)
void test_assert_file_bytes(const char *path, const char *bytes, size_t len, const char *file,
                            int line);

/* When `path` does not exist, prints why the program skips and exits with TEST_SKIP. Use it
 * only for real dependencies that can be absent (the shared data folder). */
void test_require_path(const char *path, const char *what);

/* The number of lines in `s` (a trailing newline does not start a line). */
int test_count_lines(const char *s);

/* The last line of `s`, without its newline: trailing newlines are cut from `s` in place and
 * the result points into it. */
const char *test_last_line(char *s);

/* ---- the binary ---- */

/* In a child process: replaces it with the bluehelm binary run with `args` (NULL-terminated,
 * without argv[0]); exits 127 when it cannot. */
void test_exec_bluehelm(const char *const *args) __attribute__((noreturn));

/* Runs the bluehelm binary with `args` (NULL-terminated, without argv[0]), `env_extra`
 * ("KEY=VALUE" strings, NULL-terminated, may be NULL) added to the environment and stdin
 * from /dev/null. Captures stdout and stderr into heap strings (free them); returns the exit
 * status, or 128+signal. */
int test_run_bluehelm(const char *const *args, const char *const *env_extra, char **out,
                      char **err);

/* Like test_run_bluehelm, with `input` written to the program's stdin (passwords are read
 * from stdin, never from argv). */
int test_run_bluehelm_input(const char *const *args, const char *const *env_extra,
                            const char *input, char **out, char **err);

/* One run of the binary: its exit status and what it printed (heap; test_run_free). */
struct test_run {
    int status;
    char *out;
    char *err;
};

/* `bluehelm ARGS`, stdin from /dev/null. */
struct test_run test_cli(const char *const *args);

/* `bluehelm ARGS` with `env` ("KEY=VALUE", NULL-terminated) added to the environment. */
struct test_run test_cli_env(const char *const *env, const char *const *args);

/* `bluehelm ARGS` with `input` (may be NULL: nothing) on stdin. */
struct test_run test_cli_input(const char *input, const char *const *args);

/* `bluehelm ARGS --db DB` with `input` (may be NULL: nothing) on stdin. */
struct test_run test_cli_db(const char *db, const char *input, const char *const *args);

void test_run_free(struct test_run *r);

/* Fails unless the run exited with `want`, printing its stdout and stderr. */
#define assert_status(r, want) test_assert_status(&(r), (want), __FILE__, __LINE__)
void test_assert_status(const struct test_run *r, int want, const char *file, int line);

/* Fails unless the run exited with `status` and its stdout and stderr contain `out_has` and
 * `err_has` (either may be NULL: not checked); then frees the run. */
#define assert_run(r, status, out_has, err_has) \
    test_assert_run((r), (status), (out_has), (err_has), __FILE__, __LINE__)
void test_assert_run(struct test_run r, int status, const char *out_has, const char *err_has,
                     const char *file, int line);

/* Runs `bluehelm ARGS` (with `--db DB` when `db` is not NULL) and `input` (may be NULL) on
 * stdin for a step a test builds on; fails the test, printing the command and both outputs,
 * unless it exits 0. Stores stdout in *out (heap) when `out` is not NULL. */
void test_cli_ok(const char *db, const char *input, const char *const *args, char **out);

/* `bluehelm import SOURCE FILE --db DB [OPT1] [OPT2]` (either option may be NULL). */
struct test_run test_cli_import(const char *db, const char *source, const char *file,
                                const char *opt1, const char *opt2);

/* The context events of a store, for the event import tests: how many, how many imports the
 * audit log has, and every stored column but the row key and the time of import, in key
 * order (TEST_EVENT_COLS of them, for test_store_rows). */
#define TEST_EVENT_COUNT   "SELECT count(*) FROM context_event"
#define TEST_EVENT_IMPORTS "SELECT count(*) FROM audit_log WHERE action = 'event.import'"
#define TEST_EVENT_COLS    25
#define TEST_EVENT_DUMP                                                                         \
    "SELECT e.id, e.source, e.source_id, e.occurred_at, e.date_end, e.date_precision, "         \
    "e.latitude, e.longitude, e.geo_precision, e.country, e.country_iso3, e.admin1, e.admin2, " \
    "e.place_name, e.threat_type, e.source_type, e.actor1, e.actor2, e.fatalities, "            \
    "e.fatalities_low, e.fatalities_high, e.notes, o.code, e.tlp, e.sharing_group_id "          \
    "FROM context_event e JOIN org o ON o.id = e.owner_org_id ORDER BY e.id"

/* `bluehelm token create --user USER [--name NAME] --db DB` (`name` may be NULL); fails unless
 * it exits 0. The token, which the command prints alone on its last line, goes to `token`. */
void test_create_token(const char *db, const char *user, const char *name, char *token, size_t cap);

/* A new store made by `bluehelm init` at test_store_path(name); returns the path (heap). */
char *test_init_store(const char *name);

/* The same with `init --seed`: the launch group of organizations and the first admin,
 * "admin", whose password is `admin_password` (given through BLUEHELM_ADMIN_PASSWORD). */
char *test_init_seeded_store(const char *name, const char *admin_password);

/* ---- the store, in process ---- */

/* Splits one CSV line (RFC 4180 quoting, no line breaks inside fields) in place. Stores the
 * first `max` fields and returns how many the line has, so a caller can refuse extra ones.
 * Tests use it as a second, independent reader of files the product parses with libcsv. */
int test_split_csv(char *line, char **fields, int max);

struct db;
struct principal;

/* db_open with `flags`; fails the test, naming the file and the reason, when it cannot. */
struct db *test_db_open(const char *path, int flags);

/* A new store at test_store_path(name), created and migrated to this build's schema. Its
 * path goes to *path (heap) when `path` is not NULL. */
struct db *test_db_migrated(const char *name, char **path);

/* test_db_migrated with the reference data (missions, countries) and organizations `codes`
 * (n of them) added in order by the operator, named "Organization CODE": the one at index
 * `un_entity` is a UN entity (the secretariat), the others member states. Their ids go to
 * `ids`. The start of the unit tests that build their readers by hand. */
struct db *test_db_with_orgs(const char *name, char **path, const char *const *codes, int n,
                             int un_entity, int64_t *ids);

/* The same on a store already open (an older schema, say). */
void test_db_add_orgs(struct db *db, const char *const *codes, int n, int un_entity, int64_t *ids);

/* Runs `sql` (one or more statements) on a store; fails the test, printing SQLite's message,
 * when it fails. */
void test_exec(struct db *db, const char *sql);

/* Runs `sql` on a store and returns the first column of the first row (-1 when there is no
 * row); fails the test, printing SQLite's message, when the query fails. */
int64_t test_query_int(struct db *db, const char *sql);

/* A sharing group named `name` of `owner` with the organizations `members` (ids, `n` of
 * them), written by SQL as of 2026-01-01; its id. The audience triggers of the records marked
 * for it later accept its members then. */
int64_t test_sharing_group(struct db *db, const char *name, int64_t owner, const int64_t *members,
                           int n);

/* `text` parsed as JSON (the caller decrefs): a request body written in the test. Fails,
 * showing the text and jansson's message, when it is not JSON. */
json_t *test_json(const char *text);

/* Fills `p` as a signed-in user would be: account `account_id`, organization `org_id`
 * (`org_code`), `role`, and the username `username_fmt` formats. No store is touched: for
 * tests that need a principal, not an account. */
void test_principal(struct principal *p, int64_t account_id, int64_t org_id, const char *org_code,
                    enum role role, const char *username_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Adds the user `username` of organization `org_code` (id `org_id`) with `role` and `password`
 * through the account module, as the CLI operator; gives it `mission` (an acronym; NULL:
 * none); and fills `p` as that user signed in. Fails the test when a step fails. */
void test_user_principal(struct db *db, const char *username, int64_t org_id, const char *org_code,
                         enum role role, const char *mission, const char *password,
                         struct principal *p);

/* One incident a test writes straight into a store: an IED against a convoy on patrol, exact
 * in time and place, reported when it happened by "fixture", a member's record of the
 * organization `owner` (a code) with marking `tlp`, its status `status` (NULL: endorsed). */
struct test_incident {
    const char *id, *mission, *when;
    double lat, lon;
    const char *narrative, *owner, *tlp, *status;
};

/* Inserts `n` incidents through incident_store_insert; fails the test, naming the incident,
 * when one cannot be. */
void test_insert_incidents(struct db *db, const struct test_incident *in, size_t n);

/* ---- imports ---- */

/* One of the importers of casualty/import.h: casualty_import_un_fatalities,
 * casualty_import_deployments. */
typedef int (*test_importer)(struct db *db, const struct principal *who,
                             const struct import_input *in, import_progress_fn progress,
                             void *progress_ctx, struct import_report *report,
                             struct bh_error *err);

/* Imports the file at `path` with `fn` as the command-line operator, without progress; the
 * report goes to `r` (import_report_cleanup it) and returns what `fn` returns. */
int test_import_file(struct db *db, test_importer fn, const char *path, struct import_report *r,
                     struct bh_error *err);

/* Imports the file at `path` with `fn` and fails unless it works with these counts and, when
 * `table` is not NULL, fills that table; the first rejected row is shown on failure. */
#define assert_import(db, fn, path, table, added, updated, unchanged, rejected)         \
    test_assert_import_at((db), (fn), (path), (table), (added), (updated), (unchanged), \
                          (rejected), __FILE__, __LINE__)
void test_assert_import_at(struct db *db, test_importer fn, const char *path, const char *table,
                           int64_t added, int64_t updated, int64_t unchanged, int64_t rejected,
                           const char *file, int line);

/* A row an import should reject: its line and words its reason contains. */
struct test_rejection {
    long line;
    const char *says;
};

/* Fails unless the report's first rejections are exactly `want` (a table), in order. */
#define assert_rejections(r, want) \
    test_assert_rejections_at((r), (want), sizeof(want) / sizeof((want)[0]), __FILE__, __LINE__)
void test_assert_rejections_at(const struct import_report *r, const struct test_rejection *want,
                               size_t n, const char *file, int line);

/* The first column of the first row of `sql` as text ("NULL" for SQL NULL, "(no row)"), in a
 * static buffer overwritten by the next call; fails the test when the query fails. */
const char *test_query_text(struct db *db, const char *sql);

struct event_row;

/* UCDP's event 501, which the map layer tests place on their maps: an IED near Gao on 1 July
 * 2023 (Mali), of organization FRA of `db`, marked `tlp`. A test adds what it checks (a
 * country, actors, notes, fatalities) and writes it with event_store_upsert. */
void test_gao_event(struct db *db, const char *tlp, struct event_row *e);

/* The two context events of the map API tests, both TLP:GREEN: UCDP 501 near Gao (Mali,
 * JNIM, "Attack on a convoy near Gao.") and 502 in South Sudan ("Cattle raid."). */
void test_map_events(struct db *db);

/* Appends one audit entry in its own transaction, the way every write does; `summary_json`
 * may be NULL. Fails the test when it cannot. */
void test_audit_append(struct db *db, const struct principal *who, const char *action,
                       const char *type, const char *id, const char *summary_json);

/* A record as compact JSON text with sorted keys, without its "created_at" (which must be a
 * string): the part of a reply a test can predict. Removes created_at from `j`; heap. */
char *test_json_text(json_t *j);

/* Runs a shell command and returns its standard output (heap); fails the test unless it exits
 * 0. */
char *test_sh(const char *cmd);

/* Skips the test (77, saying why) when the sqlite3 shell, which makes independent counts, is
 * not installed. */
void test_require_sqlite3(void);

/* `sql` (its first `cols` columns) on the store at `path`, read-only through the store API,
 * rows as "a|b|c" lines, SQL NULL written as `null_text` (heap). */
char *test_store_rows(const char *path, int cols, const char *sql, const char *null_text);

/* The integer `sql` gives on the store at `path`, read-only. */
int64_t test_store_int(const char *path, const char *sql);

#endif
