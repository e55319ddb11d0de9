#ifndef BH_ACCOUNT_ACCOUNT_H
#define BH_ACCOUNT_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "account/role.h"
#include "base/err.h"
#include "db/db.h"

/* Users, passwords, sessions, API tokens and sign-in throttling.
 *
 * Passwords are hashed with libsodium's argon2id (crypto_pwhash_str). Session and API tokens
 * are 256-bit random values shown to their holder once and stored only as a BLAKE2b hash, so
 * a copy of the store does not hand out sessions. Every write goes through audit_append() in
 * the same transaction, with `who` as the actor. */

#define ACCOUNT_TOKEN_MAX 96 /* longest token text, with the NUL */

/* A user as the API shows it (never the hash). */
struct account_user {
    int64_t id;
    char username[64];
    char display_name[128];
    char org_code[32];
    enum role role;
    bool disabled;
    char created_at[40];
};

/* The password policy: at least 12 characters, not the username, not in the list of common
 * passwords. Returns 0 or BH_EINVALID with field "password". */
int account_password_check(const char *username, const char *password, struct bh_error *err);

/* Creates a user. Fails with BH_ECONFLICT when the username is taken, BH_EINVALID naming the
 * field (username: 1-63 of [a-z0-9._-]; org: an existing code; role; password policy). */
int account_user_add(struct db *db, const struct principal *who, const char *username,
                     const char *display_name, const char *org_code, enum role role,
                     const char *password, struct account_user *out, struct bh_error *err);

int account_user_get(struct db *db, const char *username, struct account_user *out,
                     struct bh_error *err);

/* Lists users ordered by id after `after_id`, at most `limit`; appends JSON objects to
 * `items`. Sets *next_id to the last id when more may follow, else 0. */
int account_user_list(struct db *db, int64_t after_id, int limit, json_t *items, int64_t *next_id,
                      struct bh_error *err);

int account_user_set_password(struct db *db, const struct principal *who, const char *username,
                              const char *password, struct bh_error *err);
/* Disabling also revokes the user's sessions and tokens. */
int account_user_set_disabled(struct db *db, const struct principal *who, const char *username,
                              bool disabled, struct bh_error *err);
int account_user_set_role(struct db *db, const struct principal *who, const char *username,
                          enum role role, struct bh_error *err);

/* The JSON form of a user. */
json_t *account_user_json(const struct account_user *u);

/* Signs in: checks throttling for the username and the client address, then the password.
 * On success creates a session and writes its token (shown once) into `token_out` and the
 * CSRF token into `csrf_out`. Wrong username and wrong password give the same BH_EUNAUTH
 * message. While throttled: BH_EBUSY with *retry_after_s set, and the password is not even
 * checked. Failures are logged (username and address, never the password). */
int account_sign_in(struct db *db, const char *username, const char *password,
                    const char *client_addr, char token_out[ACCOUNT_TOKEN_MAX],
                    char csrf_out[ACCOUNT_TOKEN_MAX], struct principal *who, int *retry_after_s,
                    struct bh_error *err);

/* Resolves a session cookie value to its principal and CSRF token. BH_EUNAUTH when unknown,
 * expired, revoked, or the user is disabled. */
int account_session_lookup(struct db *db, const char *session_token, struct principal *who,
                           char csrf_out[ACCOUNT_TOKEN_MAX], int64_t *expires_ms,
                           struct bh_error *err);

/* Revokes the session (sign-out). */
int account_session_revoke(struct db *db, const char *session_token, struct bh_error *err);

/* Creates an API token for `username`; the token text goes to `token_out`, shown once. */
int account_token_create(struct db *db, const struct principal *who, const char *username,
                         const char *name, char token_out[ACCOUNT_TOKEN_MAX], int64_t *id_out,
                         struct bh_error *err);

/* Resolves an `Authorization: Bearer` token; updates its last-used time. BH_EUNAUTH when
 * unknown, revoked, or the user is disabled. */
int account_token_lookup(struct db *db, const char *token, struct principal *who,
                         struct bh_error *err);

/* Lists the tokens of `username` (never their text) as JSON objects appended to `items`. */
int account_token_list(struct db *db, const char *username, json_t *items, struct bh_error *err);

/* Revokes token `id` of `username` (a user revokes their own; admins any). */
int account_token_revoke(struct db *db, const struct principal *who, const char *username,
                         int64_t id, struct bh_error *err);

/* On a store with no admin yet, creates user "admin" in organization `org_code` with
 * `password`, or with a generated one written to `generated_out` (shown once) when
 * `password` is NULL or empty. Sets *created to whether a user was made. */
int account_bootstrap_admin(struct db *db, const char *org_code, const char *password,
                            char generated_out[64], bool *created, struct bh_error *err);

#endif
