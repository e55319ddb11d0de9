/* Accounts against real store files: the password policy, argon2id hashes, sign-in and its
 * throttling, sessions, API tokens, disabling, the last admin, the first admin and the audit
 * entries every write leaves. */
#define _GNU_SOURCE /* memmem */
#include "support.h"

#include "account/account.h"
#include "audit/audit.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/db.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW_AMINA "blue helmets at dawn"
#define PW_TESS  "Tessalit convoy 2013"
#define PW_OMAR  "Goma airport, gate 4"

struct fixture {
    char *path;
    struct db *db;
    struct principal cli;
};

static void add_user(struct fixture *f, const char *name, const char *org, enum role role,
                     const char *password)
{
    struct bh_error err;
    int rc = account_user_add(f->db, &f->cli, name, NULL, org, role, password, NULL, &err);
    if (rc)
        fail_msg("account_user_add(%s) = %d: %s", name, rc, err.message);
}

/* A fresh store at the current schema with three organizations and three users. */
static struct fixture *fixture_new(const char *name)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->db = test_db_migrated(name, &f->path);
    test_exec(f->db, "INSERT INTO org (code, kind, name, standing, created_at) VALUES "
                     "('RWA', 'member_state', 'Rwanda', 'co_chair', '2021-04-27T00:00:00Z'), "
                     "('DPO', 'un_entity', 'Department of Peace Operations', 'none', "
                     "'2021-04-27T00:00:00Z'), "
                     "('MINUSMA', 'mission', 'MINUSMA', 'none', '2021-04-27T00:00:00Z')");
    principal_cli(&f->cli);
    add_user(f, "amina", "RWA", ROLE_FOCAL_POINT, PW_AMINA);
    add_user(f, "tess", "MINUSMA", ROLE_REPORTER, PW_TESS);
    add_user(f, "omar", "DPO", ROLE_ADMIN, PW_OMAR);
    return f;
}

static void fixture_free(struct fixture *f)
{
    db_close(f->db);
    free(f->path);
    free(f);
}

static int64_t count(struct fixture *f, const char *sql)
{
    return test_query_int(f->db, sql);
}

/* Whether the last audit entry has this action. */
static void assert_last_audit(struct fixture *f, const char *action, const char *record_type)
{
    struct db_stmt *st;
    struct bh_error err;
    if (db_prepare(f->db, "SELECT action, record_type FROM audit_log ORDER BY seq DESC LIMIT 1",
                   &st, &err))
        fail_msg("%s", err.message);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), action);
    assert_string_equal(db_column_text(st, 1), record_type);
    db_stmt_done(st);
}

/* account/password-policy */
static void test_account_password_policy(void **state)
{
    (void)state;
    struct bh_error err;
    assert_int_equal(account_password_check("amina", "short pw", &err), BH_EINVALID);
    assert_string_equal(err.field, "password");
    assert_contains(err.message, "at least 12");
    /* Characters, not bytes: eleven two-byte letters are still too short. */
    assert_int_equal(account_password_check("amina", "ééééééééééé", &err), BH_EINVALID);
    assert_contains(err.message, "has 11 characters");
    assert_int_equal(account_password_check("amina", "àéèêëîïôöùûü", &err), 0);
    assert_int_equal(account_password_check("amina", "password1234", &err), BH_EINVALID);
    assert_contains(err.message, "common passwords");
    assert_int_equal(account_password_check("amina", "QwertyUiop12", &err), BH_EINVALID);
    assert_contains(err.message, "common passwords");
    assert_int_equal(account_password_check("amina", "123456789012", &err), BH_EINVALID);
    assert_int_equal(account_password_check("amina.diallo", "Amina.Diallo", &err), BH_EINVALID);
    assert_contains(err.message, "must not be the username");
    assert_int_equal(account_password_check("amina", "", &err), BH_EINVALID);
    char huge[ACCOUNT_PASSWORD_MAX + 2];
    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(account_password_check("amina", huge, &err), BH_EINVALID);
    assert_contains(err.message, "longer than");
    assert_int_equal(account_password_check("amina", PW_AMINA, &err), 0);
}

static int file_contains(const char *path, const char *needle)
{
    size_t len;
    char *data = test_read_file(path, &len);
    if (!data)
        return 0;
    int found = memmem(data, len, needle, strlen(needle)) != NULL;
    free(data);
    return found;
}

/* account/hash-argon2id-password-not-stored */
static void test_account_hash_argon2id(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_hash");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM account WHERE password_hash LIKE "
                              "'$argon2id$v=19$m=65536,t=2,p=1$%'"),
                     3);
    /* Salted: two users with one password have different hashes. */
    add_user(f, "twin", "RWA", ROLE_ANALYST, PW_AMINA);
    assert_int_equal(count(f, "SELECT COUNT(DISTINCT password_hash) FROM account "
                              "WHERE username IN ('amina', 'twin')"),
                     2);
    char *path = f->path;
    f->path = NULL;
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_false(file_contains(path, PW_AMINA) || file_contains(wal, PW_AMINA));
    db_close(f->db); /* checkpoints the WAL into the file */
    f->db = NULL;
    size_t len;
    char *bytes = test_read_file(path, &len);
    assert_non_null(bytes);
    assert_non_null(memmem(bytes, len, "$argon2id$", 10)); /* the file was really read */
    assert_null(memmem(bytes, len, PW_AMINA, strlen(PW_AMINA)));
    assert_null(memmem(bytes, len, PW_TESS, strlen(PW_TESS)));
    free(bytes);
    free(path);
    free(f);
}

/* account/sign-in-ok-wrong-unknown */
static void test_account_sign_in_messages(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_sign_in");
    struct account_sign_in s;
    struct bh_error err;
    assert_int_equal(account_sign_in(f->db, "amina", PW_AMINA, "192.0.2.1", &s, &err), 0);
    assert_int_equal(strncmp(s.token, "bhs_", 4), 0);
    assert_int_equal(strlen(s.token), 47);
    assert_int_equal(strlen(s.csrf), 43);
    assert_string_equal(s.who.username, "amina");
    assert_string_equal(s.who.org_code, "RWA");
    assert_int_equal(s.who.role, ROLE_FOCAL_POINT);
    int64_t now = time_now_ms();
    assert_true(s.expires_ms > now + ACCOUNT_SESSION_TTL_MS - 60000);
    assert_true(s.expires_ms <= now + ACCOUNT_SESSION_TTL_MS);
    /* Stored as a hash only. */
    assert_int_equal(count(f, "SELECT COUNT(*) FROM session WHERE length(token_hash) = 64 "
                              "AND client_addr = '192.0.2.1'"),
                     1);

    struct principal who;
    char csrf[ACCOUNT_TOKEN_MAX];
    int64_t expires = 0;
    assert_int_equal(account_session_lookup(f->db, s.token, &who, csrf, &expires, &err), 0);
    assert_string_equal(who.username, "amina");
    assert_string_equal(who.org_code, "RWA");
    assert_int_equal(who.role, ROLE_FOCAL_POINT);
    assert_false(who.is_cli);
    assert_true(who.account_id > 0);
    assert_string_equal(csrf, s.csrf);
    assert_int_equal(expires, s.expires_ms);
    assert_last_audit(f, "session.create", "session");

    /* Usernames are lowercase; what a person types is folded. */
    assert_int_equal(account_sign_in(f->db, "Amina", PW_AMINA, "192.0.2.1", &s, &err), 0);

    struct bh_error wrong, unknown;
    assert_int_equal(account_sign_in(f->db, "amina", "not her password", "192.0.2.1", &s, &wrong),
                     BH_EUNAUTH);
    assert_int_equal(account_sign_in(f->db, "nobody", PW_AMINA, "192.0.2.1", &s, &unknown),
                     BH_EUNAUTH);
    assert_string_equal(wrong.message, "username or password is wrong");
    assert_string_equal(unknown.message, wrong.message);
    assert_string_equal(unknown.field, wrong.field);
    assert_true(s.token[0] == '\0');
    fixture_free(f);
}

/* Sends log lines to a file for the test to read. */
static int log_to_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    log_set_fd(fd);
    return fd;
}

/* The throttle's clock in account/sign-in-throttled: a fixed instant the test moves on by
 * hand, so a slow machine (argon2 under ASan takes seconds) cannot let a lock run out early. */
static int64_t throttle_now_ms = 1733400000000;

static int64_t throttle_clock(void)
{
    return throttle_now_ms;
}

/* account/sign-in-throttled */
static void test_account_sign_in_throttled(void **state)
{
    (void)state;
    time_set_clock(throttle_clock);
    struct fixture *f = fixture_new("account_throttle");
    char *logpath = test_path(test_tmpdir("account_throttle_log"), "log.txt");
    int fd = log_to_file(logpath);
    struct account_sign_in s;
    struct bh_error err;
    const char *addr = "198.51.100.7";
    for (int i = 0; i < ACCOUNT_THROTTLE_FREE_FAILURES; i++)
        assert_int_equal(account_sign_in(f->db, "tess", "wrong guess number", addr, &s, &err),
                         BH_EUNAUTH);
    /* Locked: even the right password is not checked. */
    assert_int_equal(account_sign_in(f->db, "tess", PW_TESS, addr, &s, &err), BH_ETHROTTLED);
    assert_int_equal(s.retry_after_s, 1);
    assert_contains(err.message, "try again in 1 s");
    assert_true(s.token[0] == '\0');
    assert_int_equal(count(f, "SELECT COUNT(*) FROM session"), 0);

    throttle_now_ms += 1100;
    assert_int_equal(account_sign_in(f->db, "tess", "sixth wrong guess", addr, &s, &err),
                     BH_EUNAUTH);
    /* The lock grew: 2 s after the sixth failure. */
    assert_int_equal(account_sign_in(f->db, "tess", PW_TESS, addr, &s, &err), BH_ETHROTTLED);
    assert_int_equal(s.retry_after_s, 2);

    throttle_now_ms += 2100;
    assert_int_equal(account_sign_in(f->db, "tess", PW_TESS, addr, &s, &err), 0);
    assert_string_equal(s.who.username, "tess");
    /* Success clears the account's counter; the address keeps its own. */
    assert_int_equal(
        count(f, "SELECT COUNT(*) FROM login_attempt WHERE throttle_key = 'user:tess'"), 0);
    assert_int_equal(count(f, "SELECT failures FROM login_attempt "
                              "WHERE throttle_key = 'addr:198.51.100.7'"),
                     6);

    log_set_fd(2);
    close(fd);
    size_t len;
    char *log = test_read_file(logpath, &len);
    assert_non_null(log);
    assert_contains(log, "sign-in failed");
    assert_contains(log, "username=tess");
    assert_contains(log, "addr=198.51.100.7");
    assert_contains(log, "sign-in refused while throttled");
    assert_contains(log, "signed in");
    assert_null(strstr(log, "wrong guess"));
    assert_null(strstr(log, PW_TESS));
    free(log);
    free(logpath);
    fixture_free(f);
    time_set_clock(NULL);
}

/* account/sign-in-throttled-per-address: guessing across many names from one address. */
static void test_account_sign_in_throttled_address(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_throttle_addr");
    struct account_sign_in s;
    struct bh_error err;
    const char *names[] = { "ana", "ben", "cai", "dev", "eli" };
    for (int i = 0; i < 5; i++)
        assert_int_equal(
            account_sign_in(f->db, names[i], "spray password 1", "203.0.113.9", &s, &err),
            BH_EUNAUTH);
    assert_int_equal(account_sign_in(f->db, "amina", PW_AMINA, "203.0.113.9", &s, &err),
                     BH_ETHROTTLED);
    assert_int_equal(s.retry_after_s, 1);
    /* Another address is not held back by that one. */
    assert_int_equal(account_sign_in(f->db, "amina", PW_AMINA, "203.0.113.10", &s, &err), 0);
    fixture_free(f);
}

static void sign_in_ok(struct fixture *f, const char *user, const char *pw,
                       struct account_sign_in *s)
{
    struct bh_error err;
    int rc = account_sign_in(f->db, user, pw, "192.0.2.50", s, &err);
    if (rc)
        fail_msg("sign in %s: %d %s", user, rc, err.message);
}

static void set_session(struct fixture *f, const char *column, int64_t value)
{
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE session SET %s = %lld", column, (long long)value);
    test_exec(f->db, sql);
}

/* account/session-expiry: 12 h absolute, 2 h idle, last seen refreshed */
static void test_account_session_expiry(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_session_expiry");
    struct account_sign_in s;
    struct principal who;
    struct bh_error err;
    int64_t now = time_now_ms();

    sign_in_ok(f, "amina", PW_AMINA, &s);
    set_session(f, "expires_ms", now - 1);
    assert_int_equal(account_session_lookup(f->db, s.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_contains(err.message, "expired");
    test_exec(f->db, "DELETE FROM session");

    sign_in_ok(f, "amina", PW_AMINA, &s);
    set_session(f, "last_seen_ms", now - ACCOUNT_SESSION_IDLE_MS - 1000);
    assert_int_equal(account_session_lookup(f->db, s.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_contains(err.message, "without a request");
    test_exec(f->db, "DELETE FROM session");

    /* A session used within the idle limit lives on, and the use is recorded. */
    sign_in_ok(f, "amina", PW_AMINA, &s);
    set_session(f, "last_seen_ms", now - ACCOUNT_SESSION_IDLE_MS + 60000);
    assert_int_equal(account_session_lookup(f->db, s.token, &who, NULL, NULL, &err), 0);
    assert_true(count(f, "SELECT last_seen_ms FROM session") >= now);
    fixture_free(f);
}

/* account/session-revoke */
static void test_account_session_revoke(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_session_revoke");
    struct account_sign_in s1, s2;
    struct principal who;
    struct bh_error err;
    sign_in_ok(f, "amina", PW_AMINA, &s1);
    sign_in_ok(f, "amina", PW_AMINA, &s2);
    assert_string_not_equal(s1.token, s2.token);
    assert_string_not_equal(s1.csrf, s2.csrf);
    assert_int_equal(account_session_revoke(f->db, s1.token, &err), 0);
    assert_last_audit(f, "session.revoke", "session");
    assert_int_equal(account_session_lookup(f->db, s1.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_contains(err.message, "ended");
    /* The other session is untouched; signing out twice is harmless. */
    assert_int_equal(account_session_lookup(f->db, s2.token, &who, NULL, NULL, &err), 0);
    assert_int_equal(account_session_revoke(f->db, s1.token, &err), 0);
    /* Forged and malformed cookies. */
    char forged[ACCOUNT_TOKEN_MAX];
    snprintf(forged, sizeof forged, "bhs_%043d", 7);
    assert_int_equal(account_session_lookup(f->db, forged, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(account_session_lookup(f->db, "junk", &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(account_session_lookup(f->db, "", &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(account_session_revoke(f->db, forged, &err), BH_EUNAUTH);
    /* A new password ends every session of the user. */
    assert_int_equal(
        account_user_set_password(f->db, &f->cli, "amina", "a brand new passphrase", &err), 0);
    assert_int_equal(account_session_lookup(f->db, s2.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_last_audit(f, "user.password", "account");
    assert_int_equal(account_sign_in(f->db, "amina", PW_AMINA, "192.0.2.51", &s1, &err),
                     BH_EUNAUTH);
    sign_in_ok(f, "amina", "a brand new passphrase", &s1);
    fixture_free(f);
}

/* account/token-create-lookup-revoke */
static void test_account_token_lifecycle(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_token");
    struct bh_error err;
    char token[ACCOUNT_TOKEN_MAX];
    struct account_token t;
    struct principal amina, who;
    struct account_sign_in s;
    sign_in_ok(f, "amina", PW_AMINA, &s);
    amina = s.who;

    assert_int_equal(account_token_create(f->db, &amina, "amina", "", token, &t, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "name");
    assert_int_equal(
        account_token_create(f->db, &amina, "amina", "nightly export", token, &t, &err), 0);
    assert_last_audit(f, "token.create", "token");
    assert_int_equal(strncmp(token, "bh_", 3), 0);
    assert_int_equal(strlen(token), 46);
    assert_int_equal(strncmp(t.prefix, token, strlen(t.prefix)), 0);
    assert_int_equal(strlen(t.prefix), 10);
    assert_true(t.id > 0);

    json_t *items = json_array();
    assert_int_equal(account_token_list(f->db, "amina", items, &err), 0);
    assert_int_equal(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(it, "name")), "nightly export");
    assert_true(json_is_null(json_object_get(it, "last_used_at")));
    assert_null(json_object_get(it, "token"));
    json_decref(items);

    assert_int_equal(account_token_lookup(f->db, token, &who, &err), 0);
    assert_string_equal(who.username, "amina");
    assert_int_equal(who.role, ROLE_FOCAL_POINT);
    assert_int_equal(who.account_id, amina.account_id);
    items = json_array();
    assert_int_equal(account_token_list(f->db, "amina", items, &err), 0);
    assert_true(json_is_string(json_object_get(json_array_get(items, 0), "last_used_at")));
    json_decref(items);

    /* Another user cannot see or revoke it: the answer is "not found". */
    struct account_sign_in st;
    sign_in_ok(f, "tess", PW_TESS, &st);
    assert_int_equal(account_token_revoke(f->db, &st.who, "amina", t.id, &err), BH_ENOTFOUND);
    assert_int_equal(account_token_revoke(f->db, &st.who, "tess", t.id, &err), BH_ENOTFOUND);
    assert_int_equal(account_token_lookup(f->db, token, &who, &err), 0);

    assert_int_equal(account_token_revoke(f->db, &amina, "amina", t.id, &err), 0);
    assert_last_audit(f, "token.revoke", "token");
    assert_int_equal(account_token_lookup(f->db, token, &who, &err), BH_EUNAUTH);
    assert_contains(err.message, "revoked");
    /* Forged and session-shaped tokens are refused. */
    char forged[ACCOUNT_TOKEN_MAX];
    snprintf(forged, sizeof forged, "bh_%043d", 1);
    assert_int_equal(account_token_lookup(f->db, forged, &who, &err), BH_EUNAUTH);
    assert_int_equal(account_token_lookup(f->db, s.token, &who, &err), BH_EUNAUTH);

    /* Only the hash is stored. */
    db_close(f->db);
    assert_false(file_contains(f->path, token));
    f->db = test_db_open(f->path, 0);
    fixture_free(f);
}

/* account/disabled-user: cannot sign in, sessions and tokens stop working */
static void test_account_disabled_user(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_disabled");
    struct bh_error err;
    struct account_sign_in s;
    struct principal who;
    char token[ACCOUNT_TOKEN_MAX];
    sign_in_ok(f, "tess", PW_TESS, &s);
    assert_int_equal(
        account_token_create(f->db, &f->cli, "tess", "field tablet", token, NULL, &err), 0);
    assert_int_equal(account_token_lookup(f->db, token, &who, &err), 0);

    assert_int_equal(account_user_set_disabled(f->db, &f->cli, "tess", true, &err), 0);
    assert_last_audit(f, "user.disable", "account");
    assert_int_equal(account_session_lookup(f->db, s.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(account_token_lookup(f->db, token, &who, &err), BH_EUNAUTH);
    struct account_sign_in s2;
    assert_int_equal(account_sign_in(f->db, "tess", PW_TESS, "192.0.2.60", &s2, &err), BH_EUNAUTH);
    assert_contains(err.message, "disabled");
    assert_int_equal(account_token_create(f->db, &f->cli, "tess", "again", token, NULL, &err),
                     BH_ECONFLICT);
    struct account_user u;
    assert_int_equal(account_user_get(f->db, "tess", &u, &err), 0);
    assert_true(u.disabled);

    /* Enabled again: she signs in, but what was revoked stays revoked. */
    assert_int_equal(account_user_set_disabled(f->db, &f->cli, "tess", false, &err), 0);
    assert_last_audit(f, "user.enable", "account");
    sign_in_ok(f, "tess", PW_TESS, &s2);
    assert_int_equal(account_session_lookup(f->db, s.token, &who, NULL, NULL, &err), BH_EUNAUTH);
    assert_int_equal(
        count(f, "SELECT COUNT(*) FROM api_token WHERE revoked_at IS NULL AND account_id = "
                 "(SELECT id FROM account WHERE username = 'tess')"),
        0);
    fixture_free(f);
}

/* account/last-admin */
static void test_account_last_admin(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_last_admin");
    struct bh_error err;
    assert_int_equal(account_user_set_disabled(f->db, &f->cli, "omar", true, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "disabled");
    assert_contains(err.message, "last enabled admin");
    assert_int_equal(account_user_set_role(f->db, &f->cli, "omar", ROLE_ANALYST, &err),
                     BH_ECONFLICT);
    assert_string_equal(err.field, "role");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM account WHERE username = 'omar' "
                              "AND role = 'admin' AND disabled = 0"),
                     1);
    assert_int_equal(account_user_set_role(f->db, &f->cli, "amina", ROLE_ADMIN, &err), 0);
    assert_last_audit(f, "user.role", "account");
    assert_int_equal(account_user_set_role(f->db, &f->cli, "omar", ROLE_ANALYST, &err), 0);
    struct account_user u;
    assert_int_equal(account_user_get(f->db, "omar", &u, &err), 0);
    assert_int_equal(u.role, ROLE_ANALYST);
    fixture_free(f);
}

/* account/user-add-bad-input: each refusal names its field and writes nothing */
static void test_account_user_add_bad_input(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_add_bad");
    struct bh_error err;
    int64_t audit_before = count(f, "SELECT COUNT(*) FROM audit_log");
    const struct {
        const char *name, *display, *org;
        enum role role;
        const char *pw;
        int rc;
        const char *field;
    } cases[] = {
        { "zara", NULL, "XYZ", ROLE_ANALYST, PW_AMINA, BH_EINVALID, "org" },
        { "Zara", NULL, "RWA", ROLE_ANALYST, PW_AMINA, BH_EINVALID, "username" },
        { "-zara", NULL, "RWA", ROLE_ANALYST, PW_AMINA, BH_EINVALID, "username" },
        { "", NULL, "RWA", ROLE_ANALYST, PW_AMINA, BH_EINVALID, "username" },
        { "zara", NULL, "RWA", ROLE_NONE, PW_AMINA, BH_EINVALID, "role" },
        { "zara", NULL, "RWA", ROLE_ANALYST, "zara", BH_EINVALID, "password" },
        { "zara", NULL, "RWA", ROLE_ANALYST, "Password1234", BH_EINVALID, "password" },
        { "zara", "line\nbreak", "RWA", ROLE_ANALYST, PW_AMINA, BH_EINVALID, "display_name" },
        { "amina", NULL, "RWA", ROLE_ANALYST, PW_AMINA, BH_ECONFLICT, "username" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = account_user_add(f->db, &f->cli, cases[i].name, cases[i].display, cases[i].org,
                                  cases[i].role, cases[i].pw, NULL, &err);
        if (rc != cases[i].rc || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: expected %d on %s, got %d on %s (%s)", i, cases[i].rc,
                     cases[i].field, rc, err.field, err.message);
    }
    assert_int_equal(count(f, "SELECT COUNT(*) FROM account"), 3);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log"), audit_before);

    enum role r;
    assert_int_equal(account_role_parse("chief", &r, &err), BH_EINVALID);
    assert_contains(err.message, "'chief' is not a role");
    assert_contains(err.message, "focal_point");
    assert_int_equal(account_role_parse("auditor", &r, &err), 0);
    assert_int_equal(r, ROLE_AUDITOR);
    fixture_free(f);
}

/* account/user-json-and-list */
static void test_account_user_json_and_list(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("account_json");
    struct bh_error err;
    struct account_user u;
    assert_int_equal(account_user_add(f->db, &f->cli, "aud", "Audrey Auditor", "DPO", ROLE_AUDITOR,
                                      "ledgers never lie", &u, &err),
                     0);
    assert_last_audit(f, "user.create", "account");
    json_t *j = account_user_json(&u);
    assert_string_equal(json_string_value(json_object_get(j, "username")), "aud");
    assert_string_equal(json_string_value(json_object_get(j, "display_name")), "Audrey Auditor");
    assert_string_equal(json_string_value(json_object_get(j, "org")), "DPO");
    assert_string_equal(json_string_value(json_object_get(j, "role")), "auditor");
    assert_true(json_is_false(json_object_get(j, "disabled")));
    assert_true(json_is_string(json_object_get(j, "created_at")));
    assert_null(json_object_get(j, "password_hash"));
    /* The API adds "permissions" from its registry (unit/role_docs, api/session). */
    assert_null(json_object_get(j, "permissions"));
    json_decref(j);

    /* Ordered by username, paged. */
    json_t *items = json_array();
    bool more;
    int64_t total;
    assert_int_equal(account_user_list(f->db, "", 2, items, &more, &total, &err), 0);
    assert_int_equal(json_array_size(items), 2);
    assert_true(more);
    assert_int_equal(total, 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "username")),
                        "amina");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "username")),
                        "aud");
    json_decref(items);
    items = json_array();
    assert_int_equal(account_user_list(f->db, "aud", 2, items, &more, NULL, &err), 0);
    assert_int_equal(json_array_size(items), 2);
    assert_false(more);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "username")),
                        "tess");
    json_decref(items);

    struct account_user_change ch = { .display_name = "Audrey A." };
    assert_int_equal(account_user_update(f->db, &f->cli, "aud", &ch, &u, &err), 0);
    assert_string_equal(u.display_name, "Audrey A.");
    assert_int_equal(account_user_get(f->db, "nobody", &u, &err), BH_ENOTFOUND);
    fixture_free(f);
}

/* account/bootstrap-admin */
static void test_account_bootstrap(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("account_bootstrap", NULL);
    struct bh_error err;
    test_exec(db, "INSERT INTO org (code, kind, name, created_at) VALUES "
                  "('DPO', 'un_entity', 'DPO', '2021-04-27T00:00:00Z')");
    char generated[64];
    bool created = false;
    assert_int_equal(account_bootstrap_admin(db, "XYZ", NULL, generated, &created, &err),
                     BH_EINVALID);
    assert_false(created);
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM account"), 0);
    assert_int_equal(account_bootstrap_admin(db, "DPO", NULL, generated, &created, &err), 0);
    assert_true(created);
    assert_int_equal(strlen(generated), 20);
    struct account_sign_in s;
    assert_int_equal(account_sign_in(db, "admin", generated, "192.0.2.70", &s, &err), 0);
    assert_int_equal(s.who.role, ROLE_ADMIN);
    assert_string_equal(s.who.org_code, "DPO");
    /* Once there is an admin, nothing more is made. */
    assert_int_equal(
        account_bootstrap_admin(db, "DPO", "another good passphrase", generated, &created, &err),
        0);
    assert_false(created);
    assert_string_equal(generated, "");
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM account"), 1);
    db_close(db);

    /* With a given password. */
    db = test_db_migrated("account_bootstrap_pw", NULL);
    test_exec(db, "INSERT INTO org (code, kind, name, created_at) VALUES "
                  "('DPO', 'un_entity', 'DPO', '2021-04-27T00:00:00Z')");
    assert_int_equal(account_bootstrap_admin(db, "DPO", "short", generated, &created, &err),
                     BH_EINVALID);
    assert_int_equal(
        account_bootstrap_admin(db, "DPO", "the first admin's own", generated, &created, &err), 0);
    assert_true(created);
    assert_string_equal(generated, "");
    assert_int_equal(account_sign_in(db, "admin", "the first admin's own", NULL, &s, &err), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("account/password-policy", test_account_password_policy),
        BH_TEST("account/hash-argon2id-password-not-stored", test_account_hash_argon2id),
        BH_TEST("account/sign-in-ok-wrong-unknown", test_account_sign_in_messages),
        BH_TEST("account/sign-in-throttled", test_account_sign_in_throttled),
        BH_TEST("account/sign-in-throttled-per-address", test_account_sign_in_throttled_address),
        BH_TEST("account/session-expiry", test_account_session_expiry),
        BH_TEST("account/session-revoke", test_account_session_revoke),
        BH_TEST("account/token-create-lookup-revoke", test_account_token_lifecycle),
        BH_TEST("account/disabled-user", test_account_disabled_user),
        BH_TEST("account/last-admin", test_account_last_admin),
        BH_TEST("account/user-add-bad-input", test_account_user_add_bad_input),
        BH_TEST("account/user-json-and-list", test_account_user_json_and_list),
        BH_TEST("account/bootstrap-admin", test_account_bootstrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
