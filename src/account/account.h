#ifndef BH_ACCOUNT_ACCOUNT_H
#define BH_ACCOUNT_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/tz.h"
#include "db/db.h"
#include "principal/principal.h"

/* Users, passwords, sessions, API tokens and sign-in throttling (docs/auth.md).
 *
 * Passwords are hashed with libsodium's argon2id (crypto_pwhash_str). Session and API tokens
 * are 256-bit random values shown to their holder once and stored only as a BLAKE2b hash, so
 * a copy of the store does not hand out sessions. Every write goes through audit_append() in
 * the same transaction, with `who` as the actor. */

#define ACCOUNT_TOKEN_MAX 96 /* longest token text, with the NUL */

/* Session lifetime: absolute from sign-in, and idle since the last request. */
#define ACCOUNT_SESSION_TTL_MS  (12 * 3600 * 1000LL)
#define ACCOUNT_SESSION_IDLE_MS (2 * 3600 * 1000LL)

/* Throttling: this many failures in a row lock the key; each further failure doubles the
 * lock, from 1 s up to the cap. */
#define ACCOUNT_THROTTLE_FREE_FAILURES 5
#define ACCOUNT_THROTTLE_CAP_MS        (15 * 60 * 1000LL)

#define ACCOUNT_PASSWORD_MIN      12   /* characters (UTF-8 code points) */
#define ACCOUNT_PASSWORD_DISTINCT 5    /* different characters, so "aaaaaaaaaaaa" is refused */
#define ACCOUNT_PASSWORD_MAX      1024 /* bytes */

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

/* An API token as its owner sees it in a list (never its text). Empty strings for times
 * that have not happened. */
struct account_token {
    int64_t id;
    char name[128];
    char prefix[16];
    char created_at[40];
    char last_used_at[40];
    char revoked_at[40];
};

/* The password policy: at least 12 characters, at most 1024 bytes, at least 5 different
 * characters, not the username, not in the list of common passwords (case-insensitive).
 * Returns 0 or BH_EINVALID with field "password" and a message saying which rule failed. */
int account_password_check(const char *username, const char *password, struct bh_error *err);

/* Parses a role name; BH_EINVALID with field "role" listing the roles when unknown. */
int account_role_parse(const char *name, enum role *out, struct bh_error *err);

/* Creates a user. Fails with BH_ECONFLICT when the username is taken, BH_EINVALID naming the
 * field (username: 1-63 of [a-z0-9._-] starting with a letter or digit; display_name: at
 * most 127 bytes, no control characters, defaults to the username; org: an existing code;
 * role; password policy). Writes nothing on failure. `out` may be NULL. */
int account_user_add(struct db *db, const struct principal *who, const char *username,
                     const char *display_name, const char *org_code, enum role role,
                     const char *password, struct account_user *out, struct bh_error *err);

/* BH_ENOTFOUND when there is no such user. */
int account_user_get(struct db *db, const char *username, struct account_user *out,
                     struct bh_error *err);

/* Lists users ordered by username after `after_username` ("" or NULL from the start), at
 * most `limit`; appends their JSON to `items`. *more tells whether more follow; *total (may
 * be NULL) is the number of users. */
int account_user_list(struct db *db, const char *after_username, int limit, json_t *items,
                      bool *more, int64_t *total, struct bh_error *err);

/* A change to a user; NULL / false members are left as they are. */
struct account_user_change {
    const char *display_name;
    const char *password;
    bool set_role;
    enum role role;
    bool set_disabled;
    bool disabled;
};

/* Applies every change in `ch` in one transaction (all or nothing), each audited under its
 * own action. A new password ends the user's sessions; disabling ends their sessions and
 * revokes their API tokens (enabling again does not bring them back). The last enabled
 * admin can be neither disabled nor given another role (BH_ECONFLICT): nobody could then
 * administer the platform but the command line. `out` (may be NULL) gets the user after. */
int account_user_update(struct db *db, const struct principal *who, const char *username,
                        const struct account_user_change *ch, struct account_user *out,
                        struct bh_error *err);

/* Shorthands for account_user_update with one change. */
int account_user_set_password(struct db *db, const struct principal *who, const char *username,
                              const char *password, struct bh_error *err);
int account_user_set_disabled(struct db *db, const struct principal *who, const char *username,
                              bool disabled, struct bh_error *err);
int account_user_set_role(struct db *db, const struct principal *who, const char *username,
                          enum role role, struct bh_error *err);

/* The JSON form of a user: username, display_name, org, role, disabled, created_at. Its
 * "permissions" are added by the API (api_permissions_attach(), api/api.h), which alone sees
 * every capability's permissions. */
json_t *account_user_json(const struct account_user *u);

/* The language the user chose (account.language): *set false when they follow the browser's
 * (NULL) or the account is gone. */
int account_language_get(struct db *db, int64_t account_id, enum lang *out, bool *set,
                         struct bh_error *err);

/* Sets the signed-in user's own language: one of the six codes ("fr"), or NULL to follow the
 * browser's. Audited as user.language. */
int account_language_set(struct db *db, const struct principal *who, const char *code,
                         struct bh_error *err);

/* The time zone the user chose (account.time_zone, an IANA name, into `out`): *set false when
 * they follow the browser's (NULL), the name is no longer known, or the account is gone. */
int account_time_zone_get(struct db *db, int64_t account_id, char out[TZ_NAME_MAX + 1], bool *set,
                          struct bh_error *err);

/* Sets the signed-in user's own time zone: a name tz_valid() accepts ("Asia/Shanghai"), or
 * NULL or "" to follow the browser's. BH_EINVALID naming time_zone for an unknown one.
 * Audited as user.time_zone. */
int account_time_zone_set(struct db *db, const struct principal *who, const char *name,
                          struct bh_error *err);

/* What a successful sign-in gives, and how long to wait after a throttled one. */
struct account_sign_in {
    char token[ACCOUNT_TOKEN_MAX]; /* the session cookie value; shown once */
    char csrf[ACCOUNT_TOKEN_MAX];  /* the X-CSRF-Token for writes with the cookie */
    int64_t expires_ms;            /* absolute end of the session */
    struct principal who;
    int retry_after_s; /* set with BH_EBUSY */
};

/* Signs in: checks throttling for the username and the client address and, in the same write
 * transaction, counts the attempt against both as a failure; then checks the password. So
 * parallel attempts get no more password checks than sequential ones. On success creates a
 * session (audited as session.create by the user who signed in), clears the account's
 * failure counter and takes the attempt back from the address's. Wrong username and wrong password
 * give the same BH_EUNAUTH message; a disabled account with the right password gets BH_EUNAUTH
 * saying it is disabled. While throttled: BH_EBUSY with out->retry_after_s set, and the password is
 * not even checked. Failures are logged (username and address, never the password).
 * `client_addr` may be NULL ("unknown"). */
int account_sign_in(struct db *db, const char *username, const char *password,
                    const char *client_addr, struct account_sign_in *out, struct bh_error *err);

/* Resolves a session cookie value to its principal, CSRF token and absolute expiry (either
 * output may be NULL). BH_EUNAUTH when unknown, expired (12 h absolute, 2 h idle), revoked,
 * or the user is disabled. Refreshes the last-seen time at most once a minute. */
int account_session_lookup(struct db *db, const char *session_token, struct principal *who,
                           char csrf_out[ACCOUNT_TOKEN_MAX], int64_t *expires_ms,
                           struct bh_error *err);

/* For a reply held open (the live stream), read-only and without refreshing anything: whether
 * the session (account_session_still_valid) or API token (account_token_still_valid) that
 * opened it still stands, unrevoked, unexpired, its account enabled, for the same account,
 * organization and role as `was`. The 2-hour idle limit is not applied: an open stream is an
 * open app. *valid false for an unknown credential; an error only when the store fails. */
int account_session_still_valid(struct db *db, const char *session_token,
                                const struct principal *was, bool *valid, struct bh_error *err);
int account_token_still_valid(struct db *db, const char *token, const struct principal *was,
                              bool *valid, struct bh_error *err);

/* Revokes the session (sign-out), audited as session.revoke. BH_EUNAUTH when the token is
 * unknown; revoking a revoked session again is not an error. */
int account_session_revoke(struct db *db, const char *session_token, struct bh_error *err);

/* The signed-in user changes their own password: `current` must be their password now, and
 * `new_password` must pass the policy (account_password_check) and differ from it. A wrong
 * `current` counts against the same throttle keys as a failed sign-in (the account and
 * `client_addr`), so the form is no way around it: BH_EINVALID naming "current_password",
 * and while throttled BH_ETHROTTLED with *retry_after_s set, nothing checked. Policy failures
 * name "new_password". On success, in one transaction: the new hash, every other session of
 * the user ended (the one whose cookie is `keep_session`, may be NULL, stays: the user is
 * using it), and user.password audited with {username, self, sessions_ended}; API tokens
 * stay, as with an admin's reset. *sessions_ended (may be NULL) gets how many ended. */
int account_password_change(struct db *db, const struct principal *who, const char *keep_session,
                            const char *current, const char *new_password, const char *client_addr,
                            int64_t *sessions_ended, int *retry_after_s, struct bh_error *err);

/* Creates an API token for `username`: `who` must be that user or an admin (else
 * BH_ENOTFOUND, as if the user did not exist). `name` (1-100 bytes, no control characters)
 * says what it is for. The token text goes to `token_out`, shown once; `out` (may be NULL)
 * gets its listing. A disabled user gets no token (BH_ECONFLICT). */
int account_token_create(struct db *db, const struct principal *who, const char *username,
                         const char *name, char token_out[ACCOUNT_TOKEN_MAX],
                         struct account_token *out, struct bh_error *err);

/* Resolves an `Authorization: Bearer` token; refreshes its last-used time at most once a
 * minute. BH_EUNAUTH when unknown, revoked, or the user is disabled. */
int account_token_lookup(struct db *db, const char *token, struct principal *who,
                         struct bh_error *err);

/* Lists the tokens of `username` (never their text), newest first, as JSON objects
 * {id, name, prefix, created_at, last_used_at, revoked_at} appended to `items`. */
int account_token_list(struct db *db, const char *username, json_t *items, struct bh_error *err);

json_t *account_token_json(const struct account_token *t);

/* Revokes token `id` of `username` (a user revokes their own; admins any), audited as
 * token.revoke. BH_ENOTFOUND when that user has no such token or `who` may not see it.
 * Revoking a revoked token again changes nothing and is not an error. */
int account_token_revoke(struct db *db, const struct principal *who, const char *username,
                         int64_t id, struct bh_error *err);

/* On a store with no admin yet, creates user "admin" in organization `org_code` with
 * `password`, or with a generated one written to `generated_out` (shown once) when
 * `password` is NULL or empty. Sets *created to whether a user was made (false, with
 * generated_out "", when an admin already exists). */
int account_bootstrap_admin(struct db *db, const char *org_code, const char *password,
                            char generated_out[64], bool *created, struct bh_error *err);

#endif
