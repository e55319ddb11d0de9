/* Users: the password policy, creating, reading, listing and changing users, and the first
 * admin of a new store. */
#include "account/internal.h"

#include "base/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The number of different characters (UTF-8 code points, case counted) in `s`, counted up
 * to ACCOUNT_PASSWORD_DISTINCT: the policy needs no more. */
static size_t distinct_chars(const char *s)
{
    const char *seen[ACCOUNT_PASSWORD_DISTINCT];
    size_t seen_len[ACCOUNT_PASSWORD_DISTINCT];
    size_t n = 0;
    while (*s && n < ACCOUNT_PASSWORD_DISTINCT) {
        size_t len = 1;
        while (s[len] && ((unsigned char)s[len] & 0xC0) == 0x80)
            len++;
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = seen_len[i] == len && memcmp(seen[i], s, len) == 0;
        if (!known) {
            seen[n] = s;
            seen_len[n] = len;
            n++;
        }
        s += len;
    }
    return n;
}

int account_password_check(const char *username, const char *password, struct bh_error *err)
{
    if (!password || !*password)
        return bh_fail(err, BH_EINVALID, "password", "the password is empty");
    size_t len = strlen(password);
    if (len > ACCOUNT_PASSWORD_MAX)
        return bh_fail(err, BH_EINVALID, "password", "the password is longer than %d bytes",
                       ACCOUNT_PASSWORD_MAX);
    size_t chars = utf8_chars(password);
    if (chars < ACCOUNT_PASSWORD_MIN)
        return bh_fail(err, BH_EINVALID, "password",
                       "the password has %zu characters; it needs at least %d", chars,
                       ACCOUNT_PASSWORD_MIN);
    size_t distinct = distinct_chars(password);
    if (distinct < ACCOUNT_PASSWORD_DISTINCT)
        return bh_fail(err, BH_EINVALID, "password",
                       "the password has too few different characters (%zu); it needs at least %d "
                       "(a character or two repeated is among the first guesses)",
                       distinct, ACCOUNT_PASSWORD_DISTINCT);
    if (username && strcasecmp(password, username) == 0)
        return bh_fail(err, BH_EINVALID, "password", "the password must not be the username");
    if (account__password_is_common(password))
        return bh_fail(err, BH_EINVALID, "password",
                       "the password is on the list of common passwords; choose another");
    return 0;
}

int account_role_parse(const char *name, enum role *out, struct bh_error *err)
{
    enum role r = role_parse(name);
    if (r == ROLE_NONE) {
        char list[160] = "";
        for (int i = ROLE_NONE + 1; i < ROLE_COUNT; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i > 1 ? ", " : "",
                     role_name((enum role)i));
        return bh_fail(err, BH_EINVALID, "role", "'%s' is not a role (roles: %s)", name ? name : "",
                       list);
    }
    *out = r;
    return 0;
}

static int check_username(const char *u, struct bh_error *err)
{
    if (!u || !*u)
        return bh_fail(err, BH_EINVALID, "username", "the username is empty");
    size_t n = strlen(u);
    if (n > 63)
        return bh_fail(err, BH_EINVALID, "username", "the username is longer than 63 characters");
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return bh_fail(err, BH_EINVALID, "username",
                           "username '%s': use lowercase letters, digits and . _ - (starting "
                           "with a letter or digit)",
                           u);
    }
    return 0;
}

static int check_display_name(const char *s, struct bh_error *err)
{
    return account__check_text(s, 127, "display_name", "display name", err);
}

int account__hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                           struct bh_error *err)
{
    account__sodium();
    /* argon2id with libsodium's interactive limits (2 passes, 64 MiB): about 0.1 s, which
     * a person signing in does not notice and a guesser with a stolen store does. */
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return bh_fail(err, BH_ENOMEM, "password", "not enough memory to hash the password");
    return 0;
}

static void user_from_row(struct db_stmt *st, struct account_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_column_int(st, 0);
    snprintf(u->username, sizeof u->username, "%s", db_column_text(st, 1));
    snprintf(u->display_name, sizeof u->display_name, "%s", db_column_text(st, 2));
    snprintf(u->org_code, sizeof u->org_code, "%s", db_column_text(st, 3));
    u->role = role_parse(db_column_text(st, 4));
    u->disabled = db_column_int(st, 5) != 0;
    snprintf(u->created_at, sizeof u->created_at, "%s", db_column_text(st, 6));
}

#define USER_COLUMNS                                                                     \
    "SELECT a.id, a.username, a.display_name, o.code, a.role, a.disabled, a.created_at " \
    "FROM account a JOIN org o ON o.id = a.org_id "

int account_user_get(struct db *db, const char *username, struct account_user *out,
                     struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, USER_COLUMNS "WHERE a.username = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        user_from_row(st, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_ENOTFOUND, "username", "no user '%s'", username);
    }
    db_stmt_done(st);
    return rc;
}

int account_user_list(struct db *db, const char *after_username, int limit, json_t *items,
                      bool *more, int64_t *total, struct bh_error *err)
{
    struct db_stmt *st;
    *more = false;
    int rc =
        db_prepare(db, USER_COLUMNS "WHERE a.username > ? ORDER BY a.username LIMIT ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, after_username ? after_username : "");
    db_bind_int(st, 2, (int64_t)limit + 1);
    int n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct account_user u;
        user_from_row(st, &u);
        json_array_append_new(items, account_user_json(&u));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (total)
        return db_query_int(db, "SELECT COUNT(*) FROM account", 0, total, err);
    return 0;
}

json_t *account_user_json(const struct account_user *u)
{
    const char *role = role_name(u->role);
    return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:s}", "username", u->username, "display_name",
                     u->display_name, "org", u->org_code, "role", role, "disabled", u->disabled,
                     "created_at", u->created_at);
}

static int org_id_of(struct db *db, const char *code, int64_t *id, struct bh_error *err)
{
    if (!code || !*code)
        return bh_fail(err, BH_EINVALID, "org", "the organization code is empty");
    *id = 0; /* ids start at 1 */
    int rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(code)), id,
                            NULL, err);
    if (rc == 0 && *id == 0)
        rc = bh_fail(err, BH_EINVALID, "org",
                     "no organization has code '%s' (`bluehelm org list` shows them)", code);
    return rc;
}

/* Ends the write transaction of a change to `username`: commits it when `rc` is 0, else rolls
 * it back; forgets the password hash; and reads the user as stored into `out` (may be NULL). */
static int finish_write(struct db *db, int rc, char hash[crypto_pwhash_STRBYTES],
                        const char *username, struct account_user *out, struct bh_error *err)
{
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    sodium_memzero(hash, crypto_pwhash_STRBYTES);
    if (rc == 0 && out)
        rc = account_user_get(db, username, out, err);
    return rc;
}

int account_user_add(struct db *db, const struct principal *who, const char *username,
                     const char *display_name, const char *org_code, enum role role,
                     const char *password, struct account_user *out, struct bh_error *err)
{
    int rc;
    if ((rc = check_username(username, err)))
        return rc;
    if (!display_name || !*display_name)
        display_name = username;
    if ((rc = check_display_name(display_name, err)))
        return rc;
    if (!role_name(role))
        return bh_fail(err, BH_EINVALID, "role", "a user needs a role");
    if ((rc = account_password_check(username, password, err)))
        return rc;
    /* Hashing takes a tenth of a second: done before the write lock is taken. */
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = account__hash_password(password, hash, err)))
        return rc;

    char now[40];
    account__now(now);
    int64_t org_id = 0, exists = 0;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = org_id_of(db, org_code, &org_id, err)) ||
        (rc = db_exec_params(db, "SELECT COUNT(*) FROM account WHERE username = ?",
                             DB_PARAMS(DB_TEXT(username)), &exists, NULL, err)))
        goto done;
    if (exists) {
        rc = bh_fail(err, BH_ECONFLICT, "username", "username '%s' is taken", username);
        goto done;
    }
    if ((rc = db_exec_params(db,
                             "INSERT INTO account (username, display_name, org_id, role, "
                             "password_hash, disabled, created_at, password_changed_at) "
                             "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                             DB_PARAMS(DB_TEXT(username), DB_TEXT(display_name), DB_INT(org_id),
                                       DB_TEXT(role_name(role)), DB_TEXT(hash), DB_TEXT(now),
                                       DB_TEXT(now)),
                             NULL, NULL, err)))
        goto done;
    rc = account__audit(db, who, "user.create", "account", username, err, "{s:s, s:s, s:s, s:s}",
                        "username", username, "display_name", display_name, "org", org_code, "role",
                        role_name(role));
done:
    return finish_write(db, rc, hash, username, out, err);
}

static int enabled_admins(struct db *db, int64_t *n, struct bh_error *err)
{
    return db_query_int(db, "SELECT COUNT(*) FROM account WHERE role = 'admin' AND disabled = 0", 0,
                        n, err);
}

int account_user_update(struct db *db, const struct principal *who, const char *username,
                        const struct account_user_change *ch, struct account_user *out,
                        struct bh_error *err)
{
    int rc;
    if (ch->display_name && (rc = check_display_name(ch->display_name, err)))
        return rc;
    if (ch->set_role && !role_name(ch->role))
        return bh_fail(err, BH_EINVALID, "role", "a user needs a role");
    char hash[crypto_pwhash_STRBYTES] = "";
    if (ch->password) {
        if ((rc = account_password_check(username, ch->password, err)))
            return rc;
        if ((rc = account__hash_password(ch->password, hash, err)))
            return rc;
    }

    char now[40];
    account__now(now);
    struct account__row row;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = account__find(db, username, &row, NULL, NULL, err)))
        goto done;
    const bool was_admin = row.role == ROLE_ADMIN && !row.disabled;
    const char *field = NULL;

    if (ch->set_role && ch->role != row.role) {
        if ((rc = db_exec_params(db, "UPDATE account SET role = ? WHERE id = ?",
                                 DB_PARAMS(DB_TEXT(role_name(ch->role)), DB_INT(row.id)), NULL,
                                 NULL, err)) ||
            (rc = account__audit(db, who, "user.role", "account", username, err, "{s:s, s:s, s:s}",
                                 "username", username, "from", role_name(row.role), "to",
                                 role_name(ch->role))))
            goto done;
        field = "role";
    }
    if (ch->set_disabled && ch->disabled != row.disabled) {
        int64_t sessions = 0, tokens = 0;
        if ((rc = db_exec_params(db, "UPDATE account SET disabled = ? WHERE id = ?",
                                 DB_PARAMS(DB_INT(ch->disabled ? 1 : 0), DB_INT(row.id)), NULL,
                                 NULL, err)))
            goto done;
        if (ch->disabled &&
            (rc = account__revoke_all(db, row.id, true, now, &sessions, &tokens, err)))
            goto done;
        if ((rc = account__audit(db, who, ch->disabled ? "user.disable" : "user.enable", "account",
                                 username, err, "{s:s, s:b, s:I, s:I}", "username", username,
                                 "disabled", ch->disabled, "sessions_ended", (json_int_t)sessions,
                                 "tokens_revoked", (json_int_t)tokens)))
            goto done;
        if (ch->disabled)
            field = "disabled";
    }
    if (was_admin && field) {
        int64_t admins = 0;
        if ((rc = enabled_admins(db, &admins, err)))
            goto done;
        if (admins == 0) {
            rc = bh_fail(err, BH_ECONFLICT, field,
                         "'%s' is the last enabled admin; make another admin first", username);
            goto done;
        }
    }
    if (ch->display_name) {
        if ((rc = db_exec_params(db, "UPDATE account SET display_name = ? WHERE id = ?",
                                 DB_PARAMS(DB_TEXT(ch->display_name), DB_INT(row.id)), NULL, NULL,
                                 err)) ||
            (rc = account__audit(db, who, "user.display_name", "account", username, err,
                                 "{s:s, s:s}", "username", username, "display_name",
                                 ch->display_name)))
            goto done;
    }
    if (ch->password) {
        int64_t sessions = 0;
        /* Whoever held a session opened with the old password (perhaps the reason for the
         * change) loses it; API tokens are separate secrets and stay. */
        if ((rc = db_exec_params(db,
                                 "UPDATE account SET password_hash = ?, password_changed_at = ? "
                                 "WHERE id = ?",
                                 DB_PARAMS(DB_TEXT(hash), DB_TEXT(now), DB_INT(row.id)), NULL, NULL,
                                 err)) ||
            (rc = account__revoke_all(db, row.id, false, now, &sessions, NULL, err)) ||
            (rc = account__audit(db, who, "user.password", "account", username, err, "{s:s, s:I}",
                                 "username", username, "sessions_ended", (json_int_t)sessions)))
            goto done;
    }
done:
    return finish_write(db, rc, hash, username, out, err);
}

int account_user_set_password(struct db *db, const struct principal *who, const char *username,
                              const char *password, struct bh_error *err)
{
    if (!password || !*password)
        return bh_fail(err, BH_EINVALID, "password", "the password is empty");
    struct account_user_change ch = { .password = password };
    return account_user_update(db, who, username, &ch, NULL, err);
}

int account_user_set_disabled(struct db *db, const struct principal *who, const char *username,
                              bool disabled, struct bh_error *err)
{
    struct account_user_change ch = { .set_disabled = true, .disabled = disabled };
    return account_user_update(db, who, username, &ch, NULL, err);
}

int account_user_set_role(struct db *db, const struct principal *who, const char *username,
                          enum role role, struct bh_error *err)
{
    struct account_user_change ch = { .set_role = true, .role = role };
    return account_user_update(db, who, username, &ch, NULL, err);
}

int account_bootstrap_admin(struct db *db, const char *org_code, const char *password,
                            char generated_out[64], bool *created, struct bh_error *err)
{
    *created = false;
    generated_out[0] = '\0';
    int64_t admins = 0;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = db_query_int(db, "SELECT COUNT(*) FROM account WHERE role = 'admin'", 0, &admins,
                           err)))
        goto done;
    if (admins > 0)
        goto done;
    if (!password || !*password) {
        /* 15 random bytes are 20 base64url characters: 120 bits, typed once and changed. */
        unsigned char raw[15];
        account__sodium();
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(generated_out, 64, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof raw);
        password = generated_out;
    }
    struct principal cli;
    principal_cli(&cli);
    rc = account_user_add(db, &cli, "admin", "Administrator", org_code, ROLE_ADMIN, password, NULL,
                          err);
    if (rc == 0)
        *created = true;
done:
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        *created = false;
        sodium_memzero(generated_out, 64);
    }
    return rc;
}
