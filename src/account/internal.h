#ifndef BH_ACCOUNT_INTERNAL_H
#define BH_ACCOUNT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "account/account.h"

/* Shared by the files of src/account only: secrets, times, rows and statements. */

#define ACCOUNT__SESSION_PREFIX "bhs_"
#define ACCOUNT__TOKEN_PREFIX   "bh_"

/* Initializes libsodium (safe to call from any thread, any number of times). */
void account__sodium(void);

/* A new token: `prefix` then 32 random bytes as unpadded base64url (43 characters). */
void account__new_token(const char *prefix, char out[ACCOUNT_TOKEN_MAX]);

/* Whether `token` has the shape account__new_token() gives for `prefix`, so junk from a
 * header is refused before it reaches the store. */
bool account__token_shape(const char *token, const char *prefix);

/* BLAKE2b-256 of the token text, as 64 hex digits: what the store keeps. */
void account__token_hash(const char *token, char hex[65]);

/* The CSRF token of a session: a BLAKE2b keyed with the session token, so it need not be
 * stored and cannot be computed without the cookie. */
void account__csrf(const char *session_token, char out[ACCOUNT_TOKEN_MAX]);

/* Whether `password` is on the built-in list of common passwords (common_passwords.c says
 * where it comes from), ignoring case. */
bool account__password_is_common(const char *password);

/* Now as milliseconds and as RFC 3339 UTC text (seconds). */
int64_t account__now(char text[40]);

/* The principal of an account. */
void account__principal(struct principal *p, int64_t account_id, int64_t org_id, enum role role,
                        const char *username, const char *org_code);

/* A short text a person gives (a token name, a display name): at most `max` bytes and no
 * control characters. BH_EINVALID naming `field`, the messages saying "the `what` ...". */
int account__check_text(const char *s, size_t max, const char *field, const char *what,
                        struct bh_error *err);

/* A user's id, role and state for the checks of a write. */
struct account__row {
    int64_t id;
    int64_t org_id;
    enum role role;
    bool disabled;
    char username[64];
    char org_code[32];
};

/* Hashes `password` with argon2id (about 0.1 s: call it before taking the write lock). */
int account__hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                           struct bh_error *err);

/* Loads the row of `username`, and its password hash into `hash` when that is not NULL.
 * Without `found`, a missing user is BH_ENOTFOUND (field "username", naming the user); with
 * it, *found says whether there was one and a missing user is no error. */
int account__find(struct db *db, const char *username, struct account__row *out,
                  char hash[crypto_pwhash_STRBYTES], bool *found, struct bh_error *err);

/* Appends one audit entry with a summary built by json_pack(`fmt`, ...). */
int account__audit(struct db *db, const struct principal *who, const char *action,
                   const char *record_type, const char *record_id, struct bh_error *err,
                   const char *fmt, ...);

/* Ends every open session of an account (and, with `tokens`, revokes its API tokens);
 * returns the counts in *sessions and *ntokens (either may be NULL). */
int account__revoke_all(struct db *db, int64_t account_id, bool tokens, const char *now,
                        int64_t *sessions, int64_t *ntokens, struct bh_error *err);

/* Sessions and API tokens are both secrets the store holds as the hash of their text: found
 * by it, their last use refreshed at most once a minute, revoked by id. What differs between
 * the two is their table's SQL and their words. */
struct account__secret_kind {
    const char *prefix;     /* of the text: ACCOUNT__SESSION_PREFIX or ACCOUNT__TOKEN_PREFIX */
    const char *field;      /* of every BH_EUNAUTH about it: "session", "token" */
    const char *unknown;    /* the message for a text that names none: N_("..."), English */
    const char *find_sql;   /* by token_hash: id, revoked_at, last-use ms, expiry ms, then the
                             * account's id, org_id, role, disabled, username and org code */
    const char *touch_sql;  /* sets the last-use time (text, ms) of an id */
    const char *revoke_sql; /* sets revoked_at (text) of an id */
    const char *touch_what; /* names the refresh in the log: "session last-seen" */
};

/* One session or token as found by its text. */
struct account__secret {
    int64_t id;
    bool revoked;
    bool used;          /* last_ms is set (a token may never have been used) */
    int64_t last_ms;    /* its last use */
    int64_t expires_ms; /* what the find SQL gives as expiry; 0 for API tokens */
    bool disabled;      /* its account is disabled */
    struct principal who;
};

/* Whether a credential still stands for the same account, organization and role as `was`
 * (an admin may have moved the user or changed the role since). */
static inline bool account__same_principal(const struct principal *now, const struct principal *was)
{
    return now->account_id == was->account_id && now->org_id == was->org_id &&
           now->role == was->role;
}

/* Finds the secret whose text is `text`. BH_EUNAUTH (k->field, k->unknown) when `text` does
 * not have the kind's shape or names no row; revocation, expiry and a disabled account are for
 * the caller to judge. */
int account__secret_find(struct db *db, const struct account__secret_kind *k, const char *text,
                         struct account__secret *out, struct bh_error *err);

/* Records a use at `now_ms` when the last one was a minute ago or more. A failed refresh (a
 * busy store) is logged and the request goes on: the time is advice. */
void account__secret_touch(struct db *db, const struct account__secret_kind *k,
                           const struct account__secret *s, int64_t now_ms);

/* Sets revoked_at of secret `id` to `now`. */
int account__secret_revoke(struct db *db, const struct account__secret_kind *k, int64_t id,
                           const char *now, struct bh_error *err);

#endif
