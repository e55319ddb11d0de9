/* `bluehelm user` and `bluehelm token` as an operator uses them: the real binary on a real
 * store, passwords on stdin, exit statuses, messages, and nothing written on bad input. */
#include "support.h"
#include "world.h"

#include "account/account.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "blue helmets at dawn"

static char *store;

/* `bluehelm ARGS --db STORE` with `input` (may be NULL) on stdin. */
static struct test_run run_in(const char *input, const char *const *args)
{
    return test_cli_db(store, input, args);
}

static struct db *open_store(void)
{
    return test_db_open(store, 0);
}

static int64_t query(const char *sql)
{
    struct db *db = open_store();
    int64_t v = test_query_int(db, sql);
    db_close(db);
    return v;
}

/* A new store with two organizations and `user` (NULL: none), whose password is PW. */
static void fresh_store(const char *name, const struct test_user *user)
{
    static const char *const orgs[] = { "RWA", "DPO" };
    const struct test_world w = {
        .name = name, .password = PW, TEST_ORGS(orgs), .users = user, .nusers = user != NULL
    };
    free(store);
    store = test_world_store(&w);
}

/* cli/user-add-password-stdin */
static void cli_user_add_password_stdin(void **state)
{
    (void)state;
    fresh_store("cli_user_add", NULL);
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "amina", "--org", "RWA", "--role",
                                                 "focal_point", "--password-stdin",
                                                 "--display-name", "Amina Diallo", NULL }),
               0, "added user amina (focal_point, RWA)", NULL);
    /* The password is the first line without its line end (CRLF too). */
    assert_run(run_in("another fine passphrase\r\nsecond line\n",
                      (const char *[]){ "user", "add", "omar", "--org", "DPO", "--role", "admin",
                                        "--password-stdin", NULL }),
               0, NULL, NULL);

    struct db *db = open_store();
    struct account_sign_in s;
    struct bh_error err;
    assert_int_equal(account_sign_in(db, "amina", PW, "192.0.2.1", &s, &err), 0);
    assert_int_equal(s.who.role, ROLE_FOCAL_POINT);
    assert_int_equal(account_sign_in(db, "omar", "another fine passphrase", "192.0.2.1", &s, &err),
                     0);
    struct account_user u;
    assert_int_equal(account_user_get(db, "amina", &u, &err), 0);
    assert_string_equal(u.display_name, "Amina Diallo");
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                        "'user.create' AND username LIKE 'cli:%'"),
                     2);
    db_close(db);

    struct test_run r = run_in(NULL, (const char *[]){ "user", "list", NULL });
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "USERNAME");
    const char *a = strstr(r.out, "\namina "), *o = strstr(r.out, "\nomar ");
    assert_non_null(a);
    assert_non_null(o);
    assert_true(a < o);
    assert_contains(a, "focal_point");
    assert_contains(a, "Amina Diallo");
    test_run_free(&r);
}

/* cli/user-bad-input: a clear message, a non-zero exit, and nothing written */
static void cli_user_bad_input(void **state)
{
    (void)state;
    fresh_store("cli_user_bad", NULL);
    int64_t audit_before = query("SELECT COUNT(*) FROM audit_log");
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                 "chief", "--password-stdin", NULL }),
               2, NULL, "'chief' is not a role (roles: admin, coordinator");
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--org", "XYZ", "--role",
                                                 "analyst", "--password-stdin", NULL }),
               2, NULL, "no organization has code 'XYZ'");
    assert_run(run_in("short\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                   "analyst", "--password-stdin", NULL }),
               2, NULL, "the password has 5 characters; it needs at least 12");
    assert_run(
        run_in("password1234\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                   "analyst", "--password-stdin", NULL }),
        2, NULL, "common passwords");
    assert_run(
        run_in("            \n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                   "analyst", "--password-stdin", NULL }),
        2, NULL, "too few different characters (1); it needs at least 5");
    assert_run(run_in("\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                              "analyst", "--password-stdin", NULL }),
               2, NULL, "empty");
    assert_run(run_in(NULL, (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                              "analyst", "--password-stdin", NULL }),
               2, NULL, "no password on stdin");
    /* Never from argv: without --password-stdin the command refuses. */
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                 "analyst", NULL }),
               2, NULL, "--password-stdin");
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--role", "analyst",
                                                 "--password-stdin", NULL }),
               2, NULL, "--org CODE is required");
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "--org", "RWA", "--role", "analyst",
                                                 "--password-stdin", NULL }),
               2, NULL, "NAME is required");
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "Zara!", "--org", "RWA", "--role",
                                                 "analyst", "--password-stdin", NULL }),
               2, NULL, "lowercase letters");
    assert_run(run_in(NULL, (const char *[]){ "user", "frobnicate", NULL }), 2, NULL,
               "unknown subcommand 'frobnicate'");
    assert_run(run_in(NULL, (const char *[]){ "user", NULL }), 2, NULL, "a subcommand is required");
    assert_int_equal(query("SELECT COUNT(*) FROM account"), 0);
    assert_int_equal(query("SELECT COUNT(*) FROM audit_log"), audit_before);

    /* A taken name is the work failing (1), not a usage error. */
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                 "analyst", "--password-stdin", NULL }),
               0, NULL, NULL);
    assert_run(run_in(PW "\n", (const char *[]){ "user", "add", "zara", "--org", "RWA", "--role",
                                                 "analyst", "--password-stdin", NULL }),
               1, NULL, "username 'zara' is taken");
    assert_run(
        run_in(PW "\n", (const char *[]){ "user", "passwd", "nobody", "--password-stdin", NULL }),
        1, NULL, "no user 'nobody'");
    assert_run(run_in(NULL, (const char *[]){ "user", "disable", "nobody", NULL }), 1, NULL,
               "no user 'nobody'");
    assert_int_equal(query("SELECT COUNT(*) FROM account"), 1);
}

/* cli/user-passwd-disable-enable */
static void cli_user_passwd_disable_enable(void **state)
{
    (void)state;
    fresh_store("cli_user_passwd",
                &(const struct test_user){ "tess", "RWA", "reporter", NULL, NULL, NULL, NULL });
    assert_run(run_in("a second passphrase\n",
                      (const char *[]){ "user", "passwd", "tess", "--password-stdin", NULL }),
               0, "changed the password of tess", NULL);
    assert_run(
        run_in("tess\n", (const char *[]){ "user", "passwd", "tess", "--password-stdin", NULL }), 2,
        NULL, "password");

    struct db *db = open_store();
    struct account_sign_in s;
    struct bh_error err;
    assert_int_equal(account_sign_in(db, "tess", PW, "192.0.2.2", &s, &err), BH_EUNAUTH);
    assert_int_equal(account_sign_in(db, "tess", "a second passphrase", "192.0.2.2", &s, &err), 0);
    db_close(db);

    assert_run(run_in(NULL, (const char *[]){ "user", "disable", "tess", NULL }), 0,
               "disabled tess", NULL);
    struct test_run r = run_in(NULL, (const char *[]){ "user", "list", NULL });
    assert_contains(strstr(r.out, "\ntess "), "disabled");
    test_run_free(&r);
    db = open_store();
    struct principal who;
    assert_int_equal(account_session_lookup(db, s.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(account_sign_in(db, "tess", "a second passphrase", "192.0.2.2", &s, &err),
                     BH_EUNAUTH);
    db_close(db);

    assert_run(run_in(NULL, (const char *[]){ "user", "enable", "tess", NULL }), 0, "enabled tess",
               NULL);
    db = open_store();
    assert_int_equal(account_sign_in(db, "tess", "a second passphrase", "192.0.2.2", &s, &err), 0);
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM audit_log WHERE action IN "
                                        "('user.password', 'user.disable', 'user.enable')"),
                     3);
    db_close(db);
}

/* cli/token-create-last-line */
static void cli_token_create_last_line(void **state)
{
    (void)state;
    fresh_store("cli_token",
                &(const struct test_user){ "amina", "RWA", "analyst", NULL, NULL, NULL, NULL });
    struct test_run r = run_in(NULL, (const char *[]){ "token", "create", "--user", "amina",
                                                       "--name", "nightly export", NULL });
    assert_status(r, 0);
    char token[ACCOUNT_TOKEN_MAX];
    snprintf(token, sizeof token, "%s", test_last_line(r.out));
    assert_int_equal(strncmp(token, "bh_", 3), 0);
    assert_int_equal(strlen(token), 46);
    test_run_free(&r);

    struct db *db = open_store();
    struct principal who;
    struct bh_error err;
    assert_int_equal(account_token_lookup(db, token, &who, &err), 0);
    assert_string_equal(who.username, "amina");
    assert_int_equal(who.role, ROLE_ANALYST);
    db_close(db);

    r = run_in(NULL, (const char *[]){ "token", "list", "--user", "amina", NULL });
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "nightly export");
    char prefix[11];
    snprintf(prefix, sizeof prefix, "%.10s", token);
    assert_contains(r.out, prefix);
    assert_null(strstr(r.out, token));
    test_run_free(&r);

    assert_run(run_in(NULL, (const char *[]){ "token", "revoke", "--user", "amina", "1", NULL }), 0,
               "revoked API token 1 of amina", NULL);
    db = open_store();
    assert_int_equal(account_token_lookup(db, token, &who, &err), BH_EUNAUTH);
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM audit_log WHERE action IN "
                                        "('token.create', 'token.revoke')"),
                     2);
    db_close(db);

    assert_run(run_in(NULL, (const char *[]){ "token", "revoke", "--user", "amina", "99", NULL }),
               1, NULL, "has no API token 99");
    assert_run(run_in(NULL, (const char *[]){ "token", "revoke", "--user", "amina", "x1", NULL }),
               2, NULL, "not a token id");
    assert_run(run_in(NULL, (const char *[]){ "token", "create", NULL }), 2, NULL,
               "--user NAME is required");
    assert_run(run_in(NULL, (const char *[]){ "token", "create", "--user", "nobody", NULL }), 1,
               NULL, "no user 'nobody'");
    assert_run(run_in(NULL, (const char *[]){ "token", "list", "--user", "nobody", NULL }), 1, NULL,
               "no user 'nobody'");
}

static int teardown(void **state)
{
    (void)state;
    free(store);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/user-add-password-stdin", cli_user_add_password_stdin),
        BH_TEST("cli/user-bad-input", cli_user_bad_input),
        BH_TEST("cli/user-passwd-disable-enable", cli_user_passwd_disable_enable),
        BH_TEST("cli/token-create-last-line", cli_token_create_last_line),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
