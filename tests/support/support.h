#ifndef BH_TEST_SUPPORT_H
#define BH_TEST_SUPPORT_H

/* Helpers every test program may use. Tests link the real core library; nothing here stubs
 * it. cmocka's assertions print the expected and the actual value on failure. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first. */
#include <cmocka.h>

/* The exit status CTest reads as "skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt). */
#define TEST_SKIP 77

/* A fresh, empty directory for one test, under the build tree: BH_TEST_TMP/<name>.
 * Returned string is static to the call and overwritten by the next call. */
const char *test_tmpdir(const char *name);

/* Joins a directory and a file name into a heap string the caller frees. */
char *test_path(const char *dir, const char *file);

/* Whole file into a heap string (NUL-terminated); NULL when it cannot be read. */
char *test_read_file(const char *path, size_t *len);

/* Writes `text` to `path`, replacing it; fails the test when it cannot. */
void test_write_file(const char *path, const char *text);

/* When `path` does not exist, prints why the program skips and exits with TEST_SKIP. Use it
 * only for real dependencies that can be absent (the shared data folder). */
void test_require_path(const char *path, const char *what);

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

struct db;

/* Runs `sql` on a store and returns the first column of the first row (-1 when there is no
 * row); fails the test, printing SQLite's message, when the query fails. */
int64_t test_query_int(struct db *db, const char *sql);

#endif
