/* Helpers shared by the account files: random tokens, their hashes, the CSRF derivation,
 * times, principals, and the row lookups and audit calls every write makes. */
#include "account/internal.h"

#include "audit/audit.h"
#include "base/log.h"
#include "base/timeutil.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_RANDOM_BYTES 32
#define TOKEN_B64_LEN      43 /* 32 bytes as unpadded base64url */

void account__sodium(void)
{
    /* Without a working random source no token or salt can be made: nothing to serve. */
    if (sodium_init() < 0) {
        log_error("libsodium cannot be initialized (no random source?)");
        abort();
    }
}

void account__new_token(const char *prefix, char out[ACCOUNT_TOKEN_MAX])
{
    account__sodium();
    unsigned char raw[TOKEN_RANDOM_BYTES];
    randombytes_buf(raw, sizeof raw);
    size_t plen = strlen(prefix);
    memcpy(out, prefix, plen);
    sodium_bin2base64(out + plen, ACCOUNT_TOKEN_MAX - plen, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

bool account__token_shape(const char *token, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (!token || strncmp(token, prefix, plen) != 0 || strlen(token) != plen + TOKEN_B64_LEN)
        return false;
    for (const char *c = token + plen; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == '_';
        if (!ok)
            return false;
    }
    return true;
}

void account__token_hash(const char *token, char hex[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

void account__csrf(const char *session_token, char out[ACCOUNT_TOKEN_MAX])
{
    static const char label[] = "bluehelm csrf v1";
    unsigned char h[32];
    size_t klen = strlen(session_token);
    if (klen > crypto_generichash_KEYBYTES_MAX)
        klen = crypto_generichash_KEYBYTES_MAX;
    crypto_generichash(h, sizeof h, (const unsigned char *)label, sizeof label - 1,
                       (const unsigned char *)session_token, klen);
    sodium_bin2base64(out, ACCOUNT_TOKEN_MAX, h, sizeof h,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int64_t account__now(char text[40])
{
    int64_t ms = time_now_ms();
    if (text)
        time_format_rfc3339(ms, 0, false, text);
    return ms;
}

void account__principal(struct principal *p, int64_t account_id, int64_t org_id, const char *role,
                        const char *username, const char *org_code)
{
    memset(p, 0, sizeof *p);
    p->account_id = account_id;
    p->org_id = org_id;
    p->role = role_parse(role);
    p->is_cli = false;
    snprintf(p->username, sizeof p->username, "%s", username ? username : "");
    snprintf(p->org_code, sizeof p->org_code, "%s", org_code ? org_code : "");
}

int account__find(struct db *db, const char *username, struct account__row *out,
                  struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT a.id, a.org_id, a.role, a.disabled, a.username, o.code "
                        "FROM account a JOIN org o ON o.id = a.org_id WHERE a.username = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_column_int(st, 0);
        out->org_id = db_column_int(st, 1);
        out->role = role_parse(db_column_text(st, 2));
        out->disabled = db_column_int(st, 3) != 0;
        snprintf(out->username, sizeof out->username, "%s", db_column_text(st, 4));
        snprintf(out->org_code, sizeof out->org_code, "%s", db_column_text(st, 5));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_ENOTFOUND, "username", "no user '%s'", username);
    }
    db_stmt_done(st);
    return rc;
}

int account__audit(struct db *db, const struct principal *who, const char *action,
                   const char *record_type, const char *record_id, struct bh_error *err,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_error_t jerr;
    json_t *summary = json_vpack_ex(&jerr, 0, fmt, ap);
    va_end(ap);
    if (!summary)
        return bh_fail(err, BH_EINTERNAL, NULL, "audit summary for %s: %s", action, jerr.text);
    int rc = audit_append(db, who, action, record_type, record_id, summary, err);
    json_decref(summary);
    return rc;
}

static int revoke_where(struct db *db, const char *sql, int64_t account_id, const char *now,
                        int64_t *count, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, now);
    db_bind_int(st, 2, account_id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (count)
        *count = db_changes(db);
    return 0;
}

int account__revoke_all(struct db *db, int64_t account_id, bool tokens, const char *now,
                        int64_t *sessions, int64_t *ntokens, struct bh_error *err)
{
    int rc = revoke_where(db,
                          "UPDATE session SET revoked_at = ? "
                          "WHERE account_id = ? AND revoked_at IS NULL",
                          account_id, now, sessions, err);
    if (rc == 0 && tokens)
        rc = revoke_where(db,
                          "UPDATE api_token SET revoked_at = ? "
                          "WHERE account_id = ? AND revoked_at IS NULL",
                          account_id, now, ntokens, err);
    return rc;
}
