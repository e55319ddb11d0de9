/* Helpers shared by the account files: random tokens, their hashes, the CSRF derivation,
 * times, principals, statements, the row lookups and audit calls every write makes, and what
 * sessions and API tokens have in common. */
#include "account/internal.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/timeutil.h"

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

void account__principal(struct principal *p, int64_t account_id, int64_t org_id, enum role role,
                        const char *username, const char *org_code)
{
    memset(p, 0, sizeof *p);
    p->account_id = account_id;
    p->org_id = org_id;
    p->role = role;
    p->is_cli = false;
    snprintf(p->username, sizeof p->username, "%s", username ? username : "");
    snprintf(p->org_code, sizeof p->org_code, "%s", org_code ? org_code : "");
}

int account__check_text(const char *s, size_t max, const char *field, const char *what,
                        struct bh_error *err)
{
    if (strlen(s) > max)
        return bh_fail(err, BH_EINVALID, field, "the %s is longer than %zu bytes", what, max);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return bh_fail(err, BH_EINVALID, field, "the %s must not contain control characters",
                           what);
    return 0;
}

int account__find(struct db *db, const char *username, struct account__row *out,
                  char hash[crypto_pwhash_STRBYTES], bool *found, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (found)
        *found = false;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT a.id, a.org_id, a.role, a.disabled, a.username, o.code, "
                        "a.password_hash FROM account a JOIN org o ON o.id = a.org_id "
                        "WHERE a.username = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->id = db_column_int(st, 0);
        out->org_id = db_column_int(st, 1);
        out->role = role_parse(db_column_text(st, 2));
        out->disabled = db_column_int(st, 3) != 0;
        snprintf(out->username, sizeof out->username, "%s", db_column_text(st, 4));
        snprintf(out->org_code, sizeof out->org_code, "%s", db_column_text(st, 5));
        if (hash)
            snprintf(hash, crypto_pwhash_STRBYTES, "%s", db_column_text(st, 6));
        if (found)
            *found = true;
        rc = 0;
    } else if (rc == DB_DONE && !found) {
        rc = bh_fail(err, BH_ENOTFOUND, "username", "no user '%s'", username);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
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

/* Runs one of the revocations below and counts what it changed. */
static int revoke_where(struct db *db, const char *sql, int64_t account_id, const char *now,
                        int64_t *count, struct bh_error *err)
{
    int rc = db_exec_params(db, sql, DB_PARAMS(DB_TEXT(now), DB_INT(account_id)), NULL, NULL, err);
    if (rc == 0 && count)
        *count = db_changes(db);
    return rc;
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

/* ---- sessions and API tokens alike ---- */

/* Refreshing the last use on every request would make every read a write; once a minute is
 * precise enough for a two-hour idle limit and for a token list. */
#define TOUCH_INTERVAL_MS (60 * 1000LL)

int account__secret_find(struct db *db, const struct account__secret_kind *k, const char *text,
                         struct account__secret *out, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (!account__token_shape(text, k->prefix))
        return bh_fail(err, BH_EUNAUTH, k->field, "%s", _(k->unknown));
    char hash[65];
    account__token_hash(text, hash);
    struct db_stmt *st;
    int rc = db_prepare(db, k->find_sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->id = db_column_int(st, 0);
        out->revoked = !db_column_is_null(st, 1);
        out->used = !db_column_is_null(st, 2);
        out->last_ms = db_column_int(st, 2);
        out->expires_ms = db_column_int(st, 3);
        out->disabled = db_column_int(st, 7) != 0;
        account__principal(&out->who, db_column_int(st, 4), db_column_int(st, 5),
                           role_parse(db_column_text(st, 6)), db_column_text(st, 8),
                           db_column_text(st, 9));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_EUNAUTH, k->field, "%s", _(k->unknown));
    }
    db_stmt_done(st);
    return rc;
}

void account__secret_touch(struct db *db, const struct account__secret_kind *k,
                           const struct account__secret *s, int64_t now_ms)
{
    if (s->used && now_ms - s->last_ms < TOUCH_INTERVAL_MS)
        return;
    char text[40];
    time_format_rfc3339(now_ms, 0, false, text);
    struct bh_error e2;
    if (db_exec_params(db, k->touch_sql, DB_PARAMS(DB_TEXT(text), DB_INT(now_ms), DB_INT(s->id)),
                       NULL, NULL, &e2))
        log_warn("%s refresh failed: %s", k->touch_what, e2.message);
}

int account__secret_revoke(struct db *db, const struct account__secret_kind *k, int64_t id,
                           const char *now, struct bh_error *err)
{
    return db_exec_params(db, k->revoke_sql, DB_PARAMS(DB_TEXT(now), DB_INT(id)), NULL, NULL, err);
}
