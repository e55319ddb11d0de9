/* `bluehelm audit verify|list` against real stores, tampered the way someone with the file
 * would do it: with the sqlite3 command-line shell. */
#include "support.h"

#include "audit/audit.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SQLITE3 "/usr/bin/sqlite3"

/* A store made by `bluehelm init`, with five entries appended through audit_append(), the
 * function every write calls. Returns the path (heap). */
static char *store_with_entries(const char *name)
{
    char *path = test_init_store(name);
    struct db *db = test_db_open(path, 0);
    struct principal cli, admin;
    principal_cli(&cli);
    memset(&admin, 0, sizeof admin);
    admin.account_id = 1;
    admin.role = ROLE_ADMIN;
    snprintf(admin.username, sizeof admin.username, "amina.diallo");
    snprintf(admin.org_code, sizeof admin.org_code, "UNDPO");
    static const struct {
        int cli;
        const char *action, *type, *id, *summary;
    } rows[] = {
        { 1, "org.create", "org", "UNDPO", "{\"code\":\"UNDPO\",\"name\":\"UN DPO\"}" },
        { 1, "org.create", "org", "NOR", "{\"code\":\"NOR\",\"name\":\"Norway\"}" },
        { 0, "user.create", "account", "2", "{\"role\":\"focal_point\",\"username\":\"lars\"}" },
        { 0, "user.update", "account", "2", "{\"disabled\":true}" },
        { 0, "group.create", "group", "1", "{\"name\":\"Sahel\"}" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        test_audit_append(db, rows[i].cli ? &cli : &admin, rows[i].action, rows[i].type, rows[i].id,
                          rows[i].summary);
    db_close(db);
    return path;
}

/* Runs the sqlite3 shell on the store, as an attacker with file access would. */
static void sqlite3_shell(const char *path, const char *sql)
{
    test_require_path(SQLITE3, "the sqlite3 command-line shell");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(SQLITE3, "sqlite3", path, sql, (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("sqlite3 %s \"%s\" failed (status %d)", path, sql, status);
}

#define DROP_TRIGGERS "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "

static int verify(const char *path, char **out)
{
    char *err;
    const char *args[] = { "audit", "verify", "--db", path, NULL };
    int rc = test_run_bluehelm(args, NULL, out, &err);
    free(err);
    return rc;
}

/* A store of five entries, tampered with `sql` through the sqlite3 shell (triggers dropped
 * first): verify exits 1 and prints `expected`. */
static void assert_tamper_found(const char *name, const char *sql, const char *expected)
{
    char *path = store_with_entries(name);
    char shell_sql[2048];
    snprintf(shell_sql, sizeof shell_sql, "%s%s", DROP_TRIGGERS, sql);
    sqlite3_shell(path, shell_sql);
    char *out;
    assert_int_equal(verify(path, &out), 1);
    assert_string_equal(out, expected);
    free(out);
    free(path);
}

/* cli/audit-verify-intact: an untouched log passes, and verifying leaves the file as it was. */
static void verify_intact(void **state)
{
    (void)state;
    char *path = store_with_entries("cli_audit_intact");
    size_t before_len;
    char *before = test_read_file(path, &before_len);
    char *out;
    assert_int_equal(verify(path, &out), 0);
    assert_true(strncmp(out, "audit log: 5 rows, chain intact\nlast hash: ", 43) == 0);
    assert_int_equal(strlen(out), 43 + 64 + 1);
    assert_file_bytes(path, before, before_len);
    free(before);
    free(out);
    free(path);
}

/* cli/audit-verify-empty: a new store has an empty, intact log. */
static void verify_empty(void **state)
{
    (void)state;
    char *path = test_init_store("cli_audit_empty");
    char *out;
    assert_int_equal(verify(path, &out), 0);
    /* `init` may already log its own writes (seeded organizations); whatever it wrote chains. */
    assert_non_null(strstr(out, " rows, chain intact\n"));
    free(out);
    free(path);
}

/* cli/audit-verify-changed-row: the done-when. An UPDATE through the sqlite3 shell
 * (triggers dropped first) is named by row. */
static void verify_changed_row(void **state)
{
    (void)state;
    assert_tamper_found("cli_audit_changed", "UPDATE audit_log SET summary = '{}' WHERE seq = 4;",
                        "audit log broken at row 4: row 4 was changed\n");
}

/* cli/audit-triggers-block-sqlite3: without dropping the triggers the shell cannot change or
 * delete a row at all. */
static void triggers_block_shell(void **state)
{
    (void)state;
    char *path = store_with_entries("cli_audit_triggers");
    test_require_path(SQLITE3, "the sqlite3 command-line shell");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             SQLITE3 " '%s' \"UPDATE audit_log SET summary = '{}' WHERE seq = 2\" 2>/dev/null",
             path);
    assert_int_not_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, SQLITE3 " '%s' \"DELETE FROM audit_log\" 2>/dev/null", path);
    assert_int_not_equal(system(cmd), 0);
    char *out;
    assert_int_equal(verify(path, &out), 0);
    assert_non_null(strstr(out, "audit log: 5 rows, chain intact"));
    free(out);
    free(path);
}

/* cli/audit-verify-deleted-row */
static void verify_deleted_row(void **state)
{
    (void)state;
    assert_tamper_found(
        "cli_audit_deleted", "DELETE FROM audit_log WHERE seq = 3;",
        "audit log broken at row 3: row 3 is missing (rows 2 and 4 do not chain)\n");
}

/* cli/audit-verify-swapped-rows: rows 2 and 5 exchange every column but seq. */
static void verify_swapped_rows(void **state)
{
    (void)state;
    assert_tamper_found("cli_audit_swapped",
                        "CREATE TEMP TABLE a AS SELECT * FROM audit_log WHERE seq IN (2, 5);"
                        "UPDATE audit_log SET (at, account_id, username, org_code, action, "
                        "record_type, record_id, summary, prev_hash, hash) = (SELECT at, "
                        "account_id, username, org_code, action, record_type, record_id, "
                        "summary, prev_hash, hash FROM a WHERE a.seq = 7 - audit_log.seq) WHERE "
                        "seq IN (2, 5);",
                        "audit log broken at row 2: row 2 was changed\n");
}

static int list(const char *path, const char *const *extra, char **out, char **err)
{
    const char *args[16] = { "audit", "list", "--db", path };
    size_t n = 4;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    return test_run_bluehelm(args, NULL, out, err);
}

/* cli/audit-list: every entry on its own line, filters and pages. */
static void list_entries(void **state)
{
    (void)state;
    char *path = store_with_entries("cli_audit_list");
    char *out, *err;
    assert_int_equal(list(path, NULL, &out, &err), 0);
    assert_int_equal(test_count_lines(out), 5);
    char cli_user[80];
    snprintf(cli_user, sizeof cli_user,
             "  cli:%s  -  org.create  org:UNDPO  "
             "{\"code\":\"UNDPO\",\"name\":\"UN DPO\"}\n",
             getenv("USER") ? getenv("USER") : "unknown");
    assert_true(strncmp(out, "1  ", 3) == 0);
    assert_non_null(strstr(out, cli_user));
    assert_non_null(strstr(out, "  amina.diallo  UNDPO  user.update  account:2  "
                                "{\"disabled\":true}\n"));
    free(out);
    free(err);

    const char *by_action[] = { "--action", "user.create", NULL };
    assert_int_equal(list(path, by_action, &out, &err), 0);
    assert_int_equal(test_count_lines(out), 1);
    assert_true(strncmp(out, "3  ", 3) == 0);
    free(out);
    free(err);

    const char *page[] = { "--limit", "2", "--after", "2", NULL };
    assert_int_equal(list(path, page, &out, &err), 0);
    assert_int_equal(test_count_lines(out), 3);
    assert_true(strncmp(out, "3  ", 3) == 0);
    assert_non_null(strstr(out, "\n4  "));
    assert_non_null(strstr(out, "more entries follow: --after 4\n"));
    free(out);
    free(err);

    const char *old[] = { "--to", "2001-01-01", NULL };
    assert_int_equal(list(path, old, &out, &err), 0);
    assert_string_equal(out, "no audit entries\n");
    free(out);
    free(err);

    const char *bad[] = { "--from", "last week", NULL };
    assert_int_equal(list(path, bad, &out, &err), 2);
    assert_non_null(strstr(err, "--from"));
    assert_non_null(strstr(err, "last week"));
    free(out);
    free(err);
    free(path);
}

/* cli/audit-usage: a missing or unknown subcommand is a usage error. */
static void usage(void **state)
{
    (void)state;
    assert_run(test_cli((const char *[]){ "audit", NULL }), 2, NULL, "verify or list");
    assert_run(test_cli((const char *[]){ "audit", "erase", NULL }), 2, NULL,
               "no subcommand 'erase'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/audit-verify-intact", verify_intact),
        BH_TEST("cli/audit-verify-empty", verify_empty),
        BH_TEST("cli/audit-verify-changed-row", verify_changed_row),
        BH_TEST("cli/audit-triggers-block-sqlite3", triggers_block_shell),
        BH_TEST("cli/audit-verify-deleted-row", verify_deleted_row),
        BH_TEST("cli/audit-verify-swapped-rows", verify_swapped_rows),
        BH_TEST("cli/audit-list", list_entries),
        BH_TEST("cli/audit-usage", usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
