#ifndef BH_ACCOUNT_INTERNAL_H
#define BH_ACCOUNT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account/account.h"

/* Shared by the files of src/account only: secrets, times and rows. */

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

/* Now as milliseconds and as RFC 3339 UTC text (seconds). */
int64_t account__now(char text[40]);

/* The principal of an account, from its row. */
void account__principal(struct principal *p, int64_t account_id, int64_t org_id, const char *role,
                        const char *username, const char *org_code);

/* A user's id, role and state for the checks of a write. */
struct account__row {
    int64_t id;
    int64_t org_id;
    enum role role;
    bool disabled;
    char username[64];
    char org_code[32];
};

/* BH_ENOTFOUND (field "username", naming the user) when there is no such user. */
int account__find(struct db *db, const char *username, struct account__row *out,
                  struct bh_error *err);

/* Appends one audit entry with a summary built by json_pack(`fmt`, ...). */
int account__audit(struct db *db, const struct principal *who, const char *action,
                   const char *record_type, const char *record_id, struct bh_error *err,
                   const char *fmt, ...);

/* Ends every open session of an account (and, with `tokens`, revokes its API tokens);
 * returns the counts in *sessions and *ntokens (either may be NULL). */
int account__revoke_all(struct db *db, int64_t account_id, bool tokens, const char *now,
                        int64_t *sessions, int64_t *ntokens, struct bh_error *err);

#endif
