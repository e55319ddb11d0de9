/* `bluehelm import un-fatalities|deployments FILE`: the real binary on the real UN file and
 * IPI/OWID files (BH_SHARED_DATA), checked against counts the sqlite3 shell computes from the
 * raw CSV by its own means (`.import --csv` into a plain table, GROUP BY there); re-imports,
 * a modified copy, the messages and exit statuses of bad input, and the progress bar, which a
 * terminal gets and a pipe does not. */
#include "support.h"

#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define UN_FILE     BH_SHARED_DATA "/un_fatalities/DPPADPOSS-FATALITIES.csv"
#define IPI_MONTHLY BH_SHARED_DATA "/un_contributions/ipi_mission_totals_monthly_1990-2017.csv"
#define OWID_YEARLY BH_SHARED_DATA "/un_contributions/owid_un_peacekeeping_yearly_1947-2021.csv"
#define PASSWORD    "Sahel convoy 2021 escort"
#define FIXTURES    BH_TEST_DATA "/un_fatalities/"

/* The sqlite3 shell's own reading of a CSV file: a new database `dir`/raw.db with the file
 * in table raw (every column text, as .import makes it). Returns its path (heap). */
static char *sqlite3_import(const char *dir, const char *csv)
{
    char *db = test_path(dir, "raw.db");
    unlink(db);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "sqlite3 -batch '%s' \".import --csv '%s' raw\"", db, csv);
    free(test_sh(cmd));
    return db;
}

/* `sql` run by the sqlite3 shell on `db`, rows as "a|b|c" lines. */
static char *sqlite3_query(const char *db, const char *sql)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "sqlite3 -batch -separator '|' '%s' \"%s\"", db, sql);
    return test_sh(cmd);
}

/* Fails, showing the first line that differs, unless `got` equals `want`. */
static void same_lines(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return;
    const char *g = got, *w = want;
    while (*g && *g == *w)
        g++, w++;
    while (g > got && g[-1] != '\n')
        g--, w--;
    fail_msg("%s differ at:\n  bluehelm: %.80s\n  sqlite3:  %.80s", what, g, w);
}

/* The rows the import keeps: every one, the six persons the file lists twice under one
 * casualty_id among them (the import is keyed on the file's id). */
#define KEPT "raw"

/* cli/import-un-real-file: the UN's file, every row, every group by year and by incident type
 * (and both together) equal to the sqlite3 shell's count of the raw CSV; nothing rejected,
 * and the records that share a casualty_id are exactly the rows sqlite3 finds sharing one. */
static void import_real_file(void **state)
{
    (void)state;
    test_require_path(UN_FILE, "the UN fatalities file");
    char *db = test_init_seeded_store("cli_import_real", PASSWORD);
    struct test_run r =
        test_cli((const char *[]){ "import", "un-fatalities", UN_FILE, "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.err, ""); /* stderr is not a terminal: no progress bar */

    const char *dir = test_tmpdir("cli_import_real_raw");
    char *raw = sqlite3_import(dir, UN_FILE);
    char *total = sqlite3_query(raw, "SELECT count(*), count(DISTINCT casualty_id) FROM raw");
    assert_string_equal(total, "4429|4423\n");
    char *kept = sqlite3_query(raw, "SELECT count(*) FROM " KEPT);
    /* The path is the checkout's, of any length: no fixed-size buffer. */
    const char *summary =
        " (un-fatalities) into casualty: 4429 added, 0 updated, 0 unchanged, 0 rejected";
    size_t n = strlen(UN_FILE) + strlen(summary) + 1;
    char *want_last = malloc(n);
    snprintf(want_last, n, "%s%s", UN_FILE, summary);
    assert_string_equal(test_last_line(r.out), want_last);
    free(want_last);
    assert_string_equal(kept, "4429\n");
    assert_null(strstr(r.out, "line ")); /* no row rejected */

    /* The records that share a casualty_id, by the file's id: the rows sqlite3 finds. */
    char *dup_ids = sqlite3_query(raw, "SELECT group_concat(id, ' ') FROM (SELECT id FROM raw "
                                       "WHERE casualty_id IN (SELECT casualty_id FROM raw GROUP "
                                       "BY casualty_id HAVING count(*) > 1) ORDER BY rowid)");
    char *ours_ids = test_store_rows(db, 1,
                                     "SELECT group_concat(source_row, ' ') FROM (SELECT "
                                     "source_row FROM casualty WHERE casualty_id IN (SELECT "
                                     "casualty_id FROM casualty GROUP BY casualty_id HAVING "
                                     "count(*) > 1) ORDER BY source_row)",
                                     "");
    assert_string_equal(ours_ids, dup_ids);
    int words = 1;
    for (const char *p = dup_ids; *p; p++)
        words += *p == ' ';
    assert_int_equal(words, 12); /* six casualty_ids, two rows each */
    free(ours_ids);

    static const struct {
        const char *what;
        int cols;
        const char *ours, *theirs;
    } groups[] = {
        { "by year", 2,
          "SELECT substr(incident_date, 1, 4), count(*) FROM casualty GROUP BY 1 ORDER BY 1",
          "SELECT substr(incident_date, 1, 4), count(*) FROM " KEPT " GROUP BY 1 ORDER BY 1" },
        { "by incident type", 2,
          "SELECT incident_type, count(*) FROM casualty GROUP BY 1 ORDER BY 1",
          "SELECT type_of_incident, count(*) FROM " KEPT " GROUP BY 1 ORDER BY 1" },
        { "by year and incident type", 3,
          "SELECT substr(incident_date, 1, 4), incident_type, count(*) FROM casualty GROUP BY 1, "
          "2 ORDER BY 1, 2",
          "SELECT substr(incident_date, 1, 4), type_of_incident, count(*) FROM " KEPT
          " GROUP BY 1, 2 ORDER BY 1, 2" },
        { "by personnel type (trimmed)", 2,
          "SELECT personnel_type, count(*) FROM casualty GROUP BY 1 ORDER BY 1",
          "SELECT trim(casualty_personnel_type), count(*) FROM " KEPT " GROUP BY 1 ORDER BY 1" },
        { "by mission", 2, "SELECT mission, count(*) FROM casualty GROUP BY 1 ORDER BY 1",
          "SELECT mission_acronym, count(*) FROM " KEPT " GROUP BY 1 ORDER BY 1" },
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        char *ours = test_store_rows(db, groups[i].cols, groups[i].ours, "");
        char *theirs = sqlite3_query(raw, groups[i].theirs);
        assert_true(test_count_lines(theirs) >= 6);
        same_lines(groups[i].what, ours, theirs);
        free(ours);
        free(theirs);
    }
    /* Every record is the UN's, released, public; one audit entry. */
    assert_int_equal(test_store_int(db,
                                    "SELECT count(*) FROM casualty WHERE source = 'un' AND "
                                    "embargoed = 0 AND tlp = 'CLEAR' AND released_at IS NOT NULL"),
                     4429);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'casualty.import' AND username LIKE 'cli:%'"),
                     1);
    free(dup_ids);
    free(kept);
    free(total);
    free(raw);
    test_run_free(&r);
    free(db);
}

/* cli/import-un-idempotent-and-modified: the same file again is 0 added, 0 updated, 4429
 * unchanged, the row count unchanged; a copy with one row changed and one added is 1 updated
 * (found by its id), 1 added. */
static void import_again_and_modified(void **state)
{
    (void)state;
    test_require_path(UN_FILE, "the UN fatalities file");
    char *db = test_init_seeded_store("cli_import_again", PASSWORD);
    const char *args[] = { "import", "un-fatalities", UN_FILE, "--db", db, NULL };
    struct test_run r = test_cli(args);
    assert_status(r, 0);
    test_run_free(&r);
    r = test_cli(args);
    assert_status(r, 0);
    assert_contains(r.out, "into casualty: 0 added, 0 updated, 4429 unchanged, 0 rejected\n");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM casualty"), 4429);

    /* One row changed (its incident type), one row added. */
    size_t len;
    char *text = test_read_file(UN_FILE, &len);
    assert_non_null(text);
    const char *row = "1,1948-07-06,UNTSO-1948-07-02408,UNTSO,Fatality,M,France,Military,"
                      "Malicious Act,250.0,FRA,2025-04-04\n";
    char *at = strstr(text, row);
    assert_non_null(at);
    size_t cap = len + 512;
    char *copy = malloc(cap);
    int n = snprintf(copy, cap, "%.*s", (int)(at - text), text);
    n += snprintf(copy + n, cap - (size_t)n,
                  "1,1948-07-06,UNTSO-1948-07-02408,UNTSO,Fatality,M,France,Military,Accident,"
                  "250.0,FRA,2025-05-01\n%s",
                  at + strlen(row));
    snprintf(copy + n, cap - (size_t)n,
             "4430,2025-03-02,MINUSCA-2025-03-00003,MINUSCA,Fatality,M,Rwanda,Military,"
             "Malicious Act,646.0,RWA,2025-05-01\n");
    char *path = test_path(test_tmpdir("cli_import_again_copy"), "newer.csv");
    test_write_file(path, copy);
    r = test_cli((const char *[]){ "import", "un-fatalities", path, "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "into casualty: 1 added, 1 updated, 4428 unchanged, 0 rejected\n");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM casualty"), 4430);
    char *v = test_store_rows(db, 2,
                              "SELECT incident_type, source_updated FROM casualty WHERE "
                              "casualty_id = 'UNTSO-1948-07-02408'",
                              "");
    assert_string_equal(v, "Accident|2025-05-01\n");
    free(v);
    /* The new record is Rwanda's: the seeded store has the organization. */
    v = test_store_rows(db, 1,
                        "SELECT o.code FROM casualty c JOIN org o ON o.id = c.owner_org_id "
                        "WHERE c.casualty_id = 'MINUSCA-2025-03-00003'",
                        "");
    assert_string_equal(v, "RWA\n");
    free(v);
    free(path);
    free(copy);
    free(text);
    free(db);
}

/* cli/import-bad-input: the usage is wrong (exit 2), the file cannot be opened or is not the
 * format (exit 1, one line naming the file's line), and the store is unchanged. */
static void import_bad_input(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_bad", PASSWORD);
    assert_run(test_cli((const char *[]){ "import", "un-fatalities", FIXTURES "valid_small.csv",
                                          "--db", db, NULL }),
               0, "valid_small.csv (un-fatalities) into casualty: 5 added", NULL);
    int64_t rows = test_store_int(db, "SELECT count(*) FROM casualty");
    int64_t audits = test_store_int(db, "SELECT count(*) FROM audit_log");

    assert_run(test_cli((const char *[]){ "import", "un-fatalities", "--db", db, NULL }), 2, NULL,
               "the FILE to import is required");
    assert_run(test_cli((const char *[]){ "import", "casualties", "x.csv", "--db", db, NULL }), 2,
               NULL, "casualties");
    assert_run(test_cli((const char *[]){ "import", "un-fatalities", "/nonexistent/x.csv", "--db",
                                          db, NULL }),
               1, NULL, "cannot open /nonexistent/x.csv: No such file or directory");
    static const struct {
        const char *file, *says;
    } bad[] = {
        { FIXTURES "bad_wrong_header.csv",
          "bluehelm: import un-fatalities: line 1: the header has no column "
          "'casualty_nationality'" },
        { FIXTURES "bad_missing_column.csv", "line 1: the header has no column 'last_update'" },
        { FIXTURES "bad_empty.csv", "bad_empty.csv is empty: expected a header line" },
        { FIXTURES "bad_binary.csv", "line 1: field 1 is not valid UTF-8" },
        { FIXTURES "bad_quote.csv", "line 3, column 58: a quote inside an unquoted field" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_run r =
            test_cli((const char *[]){ "import", "un-fatalities", bad[i].file, "--db", db, NULL });
        assert_status(r, 1);
        assert_contains(r.err, bad[i].says);
        assert_int_equal(test_count_lines(r.err), 1);
        assert_string_equal(r.out, "");
        test_run_free(&r);
        assert_int_equal(test_store_int(db, "SELECT count(*) FROM casualty"), rows);
        assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit_log"), audits);
    }
    /* Rows rejected one by one: listed by line, then the counts; exit 0. */
    struct test_run r = test_cli((const char *[]){
        "import", "un-fatalities", FIXTURES "bad_vocabulary.csv", "--db", db, NULL });
    assert_status(r, 0);
    assert_prefix(r.out, "line 3: type_of_incident 'Friendly Fire' is not in the vocabulary");
    assert_contains(r.out, "\nline 6: mission_acronym 'UNXYZ' is not a mission we know\n");
    assert_int_equal(test_count_lines(r.out), 10);
    /* Its first row is valid_small's MINUSMA-2019-01-00031 with other values: an update. */
    assert_contains(test_last_line(r.out), "1 added, 1 updated, 0 unchanged, 9 rejected");
    test_run_free(&r);
    free(db);
}

/* cli/import-stdin: `-` reads the file from stdin. */
static void import_stdin(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_stdin", PASSWORD);
    char *text = test_read_file(FIXTURES "valid_small.csv", NULL);
    struct test_run r =
        test_cli_db(db, text, (const char *[]){ "import", "un-fatalities", "-", NULL });
    assert_status(r, 0);
    assert_string_equal(r.out, "stdin (un-fatalities) into casualty: 5 added, 0 updated, 0 "
                               "unchanged, 0 rejected\n");
    test_run_free(&r);
    free(text);
    free(db);
}

/* Runs `bluehelm ARGS` with stderr on a pseudo-terminal (stdout to /dev/null) and returns
 * what it wrote there (heap) and its exit status. */
static char *run_on_terminal(const char *const *args, int *status)
{
    int master, slave;
    if (openpty(&master, &slave, NULL, NULL, NULL) < 0)
        fail_msg("openpty: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(slave, 2);
        close(master);
        test_exec_bluehelm(args);
    }
    close(slave);
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    ssize_t got;
    /* Reading the master ends with EIO once the child has exited and closed its side. */
    while ((got = read(master, out + n, cap - n - 1)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(master);
    waitpid(pid, status, 0);
    *status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128;
    return out;
}

/* cli/import-progress-on-terminal: a terminal gets a progress bar that ends full; a pipe got
 * nothing on stderr (the tests above). */
static void import_progress(void **state)
{
    (void)state;
    char *db = test_init_seeded_store("cli_import_tty", PASSWORD);
    int status;
    char *tty = run_on_terminal(
        (const char *[]){ "import", "un-fatalities", FIXTURES "valid_small.csv", "--db", db, NULL },
        &status);
    assert_int_equal(status, 0);
    assert_contains(tty, "\r");
    assert_contains(tty, "valid_small.csv [##############################] 100% 5 rows");
    free(tty);
    /* And the same import piped: not a byte on stderr. */
    struct test_run r = test_cli((const char *[]){ "import", "un-fatalities",
                                                   FIXTURES "valid_small.csv", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    test_run_free(&r);
    free(db);
}

/* cli/import-deployments-real-files: IPI's monthly totals and OWID's yearly totals, each
 * summed by year as the sqlite3 shell sums the raw CSV (NA as nothing); again: unchanged. */
static void import_deployments(void **state)
{
    (void)state;
    test_require_path(IPI_MONTHLY, "IPI's monthly mission totals");
    test_require_path(OWID_YEARLY, "OWID's yearly totals");
    char *db = test_init_store("cli_import_deploy");
    struct test_run r =
        test_cli((const char *[]){ "import", "deployments", IPI_MONTHLY, "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "(ipi-monthly) into deployment_monthly: 5330 added, 0 updated, 0 "
                           "unchanged, 0 rejected\n");
    test_run_free(&r);
    r = test_cli((const char *[]){ "import", "deployments", OWID_YEARLY, "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "(owid-yearly) into deployment_yearly: 75 added, 0 updated, 0 "
                           "unchanged, 0 rejected\n");
    test_run_free(&r);
    r = test_cli((const char *[]){ "import", "deployments", IPI_MONTHLY, "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "0 added, 0 updated, 5330 unchanged, 0 rejected\n");
    test_run_free(&r);

    const char *dir = test_tmpdir("cli_import_deploy_raw");
    char *raw = sqlite3_import(dir, IPI_MONTHLY);
    char *theirs = sqlite3_query(
        raw, "SELECT substr(Date, 1, 4), count(*), sum(CASE Troops WHEN 'NA' THEN 0 ELSE "
             "CAST(Troops AS INTEGER) END), sum(CASE Police WHEN 'NA' THEN 0 ELSE CAST(Police AS "
             "INTEGER) END), sum(CASE Observers WHEN 'NA' THEN 0 ELSE CAST(Observers AS INTEGER) "
             "END), sum(CAST(Total AS INTEGER)) FROM raw GROUP BY 1 ORDER BY 1");
    char *ours_int = test_store_rows(db, 6,
                                     "SELECT substr(month, 1, 4), count(*), "
                                     "CAST(total(troops) AS INTEGER), CAST(total(police) AS "
                                     "INTEGER), CAST(total(observers) AS INTEGER), sum(total) "
                                     "FROM deployment_monthly GROUP BY 1 ORDER BY 1",
                                     "");
    assert_int_equal(test_count_lines(theirs), 28); /* 1990 to 2017 */
    same_lines("IPI monthly by year", ours_int, theirs);
    free(ours_int);
    free(theirs);
    free(raw);

    raw = sqlite3_import(dir, OWID_YEARLY);
    theirs = sqlite3_query(raw, "SELECT Year, \\\"Size of total peacekeeping force (United "
                                "Nations Peacekeeping)\\\" FROM raw ORDER BY CAST(Year AS "
                                "INTEGER)");
    char *ours =
        test_store_rows(db, 2, "SELECT year, total FROM deployment_yearly ORDER BY year", "");
    assert_int_equal(test_count_lines(theirs), 75);
    same_lines("OWID yearly", ours, theirs);
    free(ours);
    free(theirs);
    free(raw);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-un-real-file", import_real_file),
        BH_TEST("cli/import-un-idempotent-and-modified", import_again_and_modified),
        BH_TEST("cli/import-bad-input", import_bad_input),
        BH_TEST("cli/import-stdin", import_stdin),
        BH_TEST("cli/import-progress-on-terminal", import_progress),
        BH_TEST("cli/import-deployments-real-files", import_deployments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
