/* The command line as a person uses it: the real binary, its exit statuses and messages. */
#include "support.h"

#include "base/i18n.h"
#include "db/migrate.h"
#include "principal/principal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The schema version this build migrates to. */
#define SCHEMA migrate_latest(migrations_builtin, migrations_builtin_count)

/* cli/version */
static void cli_version(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "--version", NULL });
    assert_int_equal(r.status, 0);
    char expect[128];
    snprintf(expect, sizeof expect, "bluehelm %s (schema %d, sqlite 3.", BH_VERSION, SCHEMA);
    assert_contains(r.out, expect);
    test_run_free(&r);
}

/* cli/help-lists-commands */
static void cli_help_lists_commands(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "--help", NULL });
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "  init ");
    assert_contains(r.out, "  serve ");
    assert_contains(r.out, "  config ");
    test_run_free(&r);
    r = test_cli((const char *[]){ "help", "serve", NULL });
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage: bluehelm serve");
    assert_contains(r.out, "--listen HOST:PORT");
    test_run_free(&r);
    assert_run(test_cli((const char *[]){ "init", "--help", NULL }), 0, "Usage: bluehelm init",
               NULL);
}

/* cli/help-user-lists-roles: `bluehelm help user` names every role of the role table, each
 * at the start of a line of its own, so a new role cannot be left out of the help. */
static void cli_help_user_lists_roles(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "help", "user", NULL });
    assert_int_equal(r.status, 0);
    for (int role = ROLE_NONE + 1; role < ROLE_COUNT; role++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %s ", role_name((enum role)role));
        assert_contains(r.out, line);
    }
    test_run_free(&r);
}

/* cli/unknown-command: one line naming it, usage on stderr, status 2. */
static void cli_unknown_command(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "frobnicate", NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_prefix(r.err, "bluehelm: unknown command 'frobnicate'\nUsage:");
    test_run_free(&r);
    assert_run(test_cli((const char *[]){ "help", "frobnicate", NULL }), 2, NULL,
               "no command 'frobnicate'");
    assert_run(test_cli((const char *[]){ NULL }), 2, NULL, "Usage: bluehelm <command>");
}

/* The message "bluehelm: unknown command 'frobnicate'" as `lang`'s catalog writes it. */
static void unknown_command_in(enum lang lang, char *out, size_t cap)
{
    char what[256];
    snprintf(what, sizeof what, i18n_tr_in(lang, "unknown command '%s'"), "frobnicate");
    snprintf(out, cap, "bluehelm: %s\n", what);
}

/* cli/language-from-environment: the command line speaks the language of LANG, LC_MESSAGES,
 * LC_ALL and LANGUAGE as gettext reads them; the exit status does not change with it, and the
 * C locale is English. The words are the binary's own catalogs', and must not be the English. */
static void cli_language_from_environment(void **state)
{
    (void)state;
    static const struct {
        const char *env[3];
        enum lang want;
    } cases[] = {
        { { "LANG=fr_FR.UTF-8", NULL }, LANG_FR },
        { { "LANG=ar_EG.UTF-8", NULL }, LANG_AR },
        { { "LANG=fr_FR.UTF-8", "LC_MESSAGES=es_ES.UTF-8", NULL }, LANG_ES },
        { { "LANG=fr_FR.UTF-8", "LC_ALL=zh_CN.UTF-8", NULL }, LANG_ZH },
        { { "LANG=ru_RU.UTF-8", "LANGUAGE=ar:fr", NULL }, LANG_AR },
        { { "LANG=C", "LANGUAGE=fr", NULL }, LANG_EN },
        { { "LANG=de_DE.UTF-8", NULL }, LANG_EN },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_run r = test_cli_env(cases[i].env, (const char *[]){ "frobnicate", NULL });
        char want[512];
        unknown_command_in(cases[i].want, want, sizeof want);
        if (r.status != 2 || strncmp(r.err, want, strlen(want)) != 0)
            fail_msg("%s %s: status %d, stderr %s; expected 2 and %s", cases[i].env[0],
                     cases[i].env[1] ? cases[i].env[1] : "", r.status, r.err, want);
        test_run_free(&r);
    }
    char en[512], fr[512];
    unknown_command_in(LANG_EN, en, sizeof en);
    unknown_command_in(LANG_FR, fr, sizeof fr);
    if (strcmp(en, fr) == 0)
        fail_msg("the French catalog does not translate \"unknown command '%%s'\"");
}

/* cli/unknown-option */
static void cli_unknown_option(void **state)
{
    (void)state;
    struct test_run r = test_cli((const char *[]){ "serve", "--frob", NULL });
    assert_int_equal(r.status, 2);
    assert_prefix(r.err, "bluehelm serve: unknown option '--frob'\nUsage: bluehelm serve");
    test_run_free(&r);
    assert_run(test_cli((const char *[]){ "init", "--db", NULL }), 2, NULL,
               "bluehelm init: option '--db' needs a value");
    assert_run(test_cli((const char *[]){ "config", "extra", NULL }), 2, NULL,
               "bluehelm config: unexpected argument 'extra'");
    assert_run(test_cli((const char *[]){ "--frob", NULL }), 2, NULL,
               "bluehelm: unknown option '--frob'");
}

/* cli/config-precedence: defaults < file < environment < flags, each named as the source. */
static void cli_config_precedence(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_config");
    char *conf = test_path(dir, "bluehelm.conf");
    test_write_file(conf, "# a comment\n"
                          "db = /srv/from-file.db\n"
                          "listen = 0.0.0.0:7000\n"
                          "threads = 8\n"
                          "log_level = warn\n");
    const char *env[] = { "BLUEHELM_LISTEN=127.0.0.2:7100", "BLUEHELM_THREADS=6", NULL };
    struct test_run r =
        test_cli_env(env, (const char *[]){ "config", "--config", conf, "--threads", "3", NULL });
    assert_int_equal(r.status, 0);
    char line[4300];
    snprintf(line, sizeof line, "db = /srv/from-file.db");
    assert_contains(r.out, line);
    snprintf(line, sizeof line, "# file %s", conf);
    assert_contains(r.out, line);
    assert_contains(r.out, "listen = 127.0.0.2:7100");
    assert_contains(r.out, "# environment BLUEHELM_LISTEN");
    assert_contains(r.out, "threads = 3");
    assert_contains(r.out, "# flag --threads");
    assert_contains(r.out, "log_level = warn");
    assert_contains(r.out, "max_body = 1048576");
    test_run_free(&r);
    free(conf);
}

/* cli/config-masks-secrets: a database URL's password is never printed. */
static void cli_config_masks_secrets(void **state)
{
    (void)state;
    const char *env[] = { "BLUEHELM_DB=postgresql://bh:hunter2hunter2@db.example/bh", NULL };
    struct test_run r = test_cli_env(env, (const char *[]){ "config", NULL });
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "db = postgresql://bh:***@db.example/bh");
    assert_null(strstr(r.out, "hunter2"));
    test_run_free(&r);
}

/* cli/config-bad-values: each names the key and where the value came from; status 2. */
static void cli_config_bad_values(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_config_bad");
    char *conf = test_path(dir, "bad.conf");
    test_write_file(conf, "db = x.db\n\nlisten = localhost:http\n");
    struct test_run r = test_cli((const char *[]){ "config", "--config", conf, NULL });
    assert_int_equal(r.status, 2);
    char expect[4400];
    snprintf(expect, sizeof expect,
             "bluehelm: %s line 3: config file listen: port 'http' is not a number from 0 to "
             "65535\n",
             conf);
    assert_string_equal(r.err, expect);
    test_run_free(&r);

    test_write_file(conf, "colour = blue\n");
    assert_run(test_cli((const char *[]){ "config", "--config", conf, NULL }), 2, NULL,
               "line 1: unknown key 'colour'");

    const char *env[] = { "BLUEHELM_THREADS=lots", NULL };
    r = test_cli_env(env, (const char *[]){ "config", NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err,
                        "bluehelm: environment BLUEHELM_THREADS: 'lots' is not a whole number\n");
    test_run_free(&r);

    const char *typo[] = { "BLUEHELM_LISTN=1.2.3.4:5", NULL };
    assert_run(test_cli_env(typo, (const char *[]){ "config", NULL }), 2, NULL,
               "BLUEHELM_LISTN: unknown variable");

    r = test_cli((const char *[]){ "config", "--max-body", "12", NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "bluehelm: flag --max-body: 12 is outside 1024..1073741824\n");
    test_run_free(&r);

    assert_run(test_cli((const char *[]){ "config", "--log-format", "xml", NULL }), 2, NULL,
               "flag --log-format: 'xml' is not one of text, json");

    assert_run(
        test_cli((const char *[]){ "config", "--config", "/nonexistent/bluehelm.conf", NULL }), 2,
        NULL, "cannot read config file /nonexistent/bluehelm.conf");
    free(conf);
}

/* cli/init-creates-then-up-to-date */
static void cli_init_creates_then_up_to_date(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_init");
    char *db = test_path(dir, "sub/store.db"); /* the folder is created too */
    struct test_run r = test_cli((const char *[]){ "init", "--db", db, NULL });
    assert_int_equal(r.status, 0);
    char expect[4300];
    snprintf(expect, sizeof expect, "created store %s at schema version %d\n", db, SCHEMA);
    assert_contains(r.out, expect);
    assert_contains(r.out, "reference data: ");
    assert_int_equal(access(db, F_OK), 0);
    test_run_free(&r);
    r = test_cli((const char *[]){ "init", "--db", db, NULL });
    assert_int_equal(r.status, 0);
    snprintf(expect, sizeof expect, "store %s is up to date at schema version %d\n", db, SCHEMA);
    assert_contains(r.out, expect);
    test_run_free(&r);
    free(db);
}

/* cli/init-refuses-bad-stores: garbage, a newer store; one line, status 1, file untouched. */
static void cli_init_refuses_bad_stores(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_init_bad");
    char *db = test_path(dir, "notes.db");
    test_write_file(db, "minutes of the meeting\n");
    struct test_run r = test_cli((const char *[]){ "init", "--db", db, NULL });
    assert_int_equal(r.status, 1);
    char expect[4300];
    snprintf(expect, sizeof expect,
             "bluehelm: %s is not a Bluehelm store (not an SQLite database)\n", db);
    assert_string_equal(r.err, expect);
    char *text = test_read_file(db, NULL);
    assert_string_equal(text, "minutes of the meeting\n");
    free(text);
    test_run_free(&r);

    char *newer = test_path(dir, "newer.db");
    assert_run(test_cli((const char *[]){ "init", "--db", newer, NULL }), 0, NULL, NULL);
    char cmd[4400];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"INSERT INTO schema_migrations VALUES (42, 'future', 'x')\"", newer);
    assert_int_equal(system(cmd), 0);
    size_t len_before;
    char *before = test_read_file(newer, &len_before);
    r = test_cli((const char *[]){ "init", "--db", newer, NULL });
    assert_int_equal(r.status, 1);
    assert_int_equal(test_count_lines(r.err), 1);
    assert_contains(r.err, "schema version 42, newer than this bluehelm");
    assert_file_bytes(newer, before, len_before);
    test_run_free(&r);
    /* serve refuses it the same way. */
    assert_run(
        test_cli((const char *[]){ "serve", "--db", newer, "--listen", "127.0.0.1:0", NULL }), 1,
        NULL, "schema version 42");
    free(before);
    free(newer);
    free(db);
}

/* cli/init-bad-iso-codes-leaves-nothing: a failed first init removes the store it began. */
static void cli_init_bad_iso_codes_leaves_nothing(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_init_iso");
    char *db = test_path(dir, "store.db");
    struct test_run r =
        test_cli((const char *[]){ "init", "--db", db, "--iso-codes-dir", "/nonexistent", NULL });
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "cannot read country codes from /nonexistent/iso_3166-1.json");
    assert_int_equal(access(db, F_OK), -1);
    test_run_free(&r);
    free(db);
}

/* cli/serve-missing-store */
static void cli_serve_missing_store(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("cli_serve_missing");
    char *db = test_path(dir, "absent.db");
    struct test_run r = test_cli((const char *[]){ "serve", "--db", db, NULL });
    assert_int_equal(r.status, 1);
    char expect[8300];
    snprintf(expect, sizeof expect,
             "bluehelm: no store at %s (create it with `bluehelm init --db %s`)\n", db, db);
    assert_string_equal(r.err, expect);
    assert_int_equal(access(db, F_OK), -1);
    test_run_free(&r);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/version", cli_version),
        BH_TEST("cli/help-lists-commands", cli_help_lists_commands),
        BH_TEST("cli/help-user-lists-roles", cli_help_user_lists_roles),
        BH_TEST("cli/unknown-command", cli_unknown_command),
        BH_TEST("cli/unknown-option", cli_unknown_option),
        BH_TEST("cli/language-from-environment", cli_language_from_environment),
        BH_TEST("cli/config-precedence", cli_config_precedence),
        BH_TEST("cli/config-masks-secrets", cli_config_masks_secrets),
        BH_TEST("cli/config-bad-values", cli_config_bad_values),
        BH_TEST("cli/init-creates-then-up-to-date", cli_init_creates_then_up_to_date),
        BH_TEST("cli/init-refuses-bad-stores", cli_init_refuses_bad_stores),
        BH_TEST("cli/init-bad-iso-codes-leaves-nothing", cli_init_bad_iso_codes_leaves_nothing),
        BH_TEST("cli/serve-missing-store", cli_serve_missing_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
