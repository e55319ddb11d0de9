/* Signing in and out: throttling of failed sign-ins, password checks, and sessions. */
#include "account/internal.h"

#include "base/log.h"
#include "base/timeutil.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Refreshing last_seen_at on every request would make every read a write; once a minute is
 * precise enough for a two-hour idle limit. */
#define TOUCH_INTERVAL_MS (60 * 1000LL)

/* A failure counter is forgotten this long after its last failure. */
#define THROTTLE_FORGET_MS (60 * 60 * 1000LL)

/* An argon2id hash of a random password nobody knows, with the same parameters as real
 * ones: an unknown username costs the same verification time as a known one, so timing
 * does not tell which names exist. */
static const char dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$OeDD+WMtm2RTQ/VhCr5nnw$"
                                 "WXobLuuXH3HWzn8D78hpaV68c+0GBLJfZj/YlQhPFeE";

/* The lock that follows the nth failure in a row: none for the first four, then 1 s after
 * the fifth, doubling up to the cap. */
static int64_t lock_ms(int64_t failures)
{
    if (failures < ACCOUNT_THROTTLE_FREE_FAILURES)
        return 0;
    int64_t shift = failures - ACCOUNT_THROTTLE_FREE_FAILURES;
    if (shift > 20)
        return ACCOUNT_THROTTLE_CAP_MS;
    int64_t ms = 1000LL << shift;
    return ms < ACCOUNT_THROTTLE_CAP_MS ? ms : ACCOUNT_THROTTLE_CAP_MS;
}

/* The latest lock end of the two keys (0 when neither is locked). */
static int throttle_locked_until(struct db *db, const char *ukey, const char *akey, int64_t *until,
                                 struct bh_error *err)
{
    struct db_stmt *st;
    *until = 0;
    int rc = db_prepare(db,
                        "SELECT MAX(locked_until_ms) FROM login_attempt "
                        "WHERE throttle_key IN (?, ?)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, ukey);
    db_bind_text(st, 2, akey);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *until = db_column_int(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Counts one failure against `key` and locks it when the count calls for it. */
static int throttle_fail(struct db *db, const char *key, int64_t now, int64_t *failures,
                         struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO login_attempt (throttle_key, failures, last_failure_ms, "
                        "locked_until_ms) VALUES (?, 1, ?, 0) "
                        "ON CONFLICT (throttle_key) DO UPDATE SET "
                        "failures = CASE WHEN login_attempt.last_failure_ms < ? THEN 1 "
                        "ELSE login_attempt.failures + 1 END, "
                        "last_failure_ms = excluded.last_failure_ms "
                        "RETURNING failures",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now - THROTTLE_FORGET_MS);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *failures = db_column_int(st, 0);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    int64_t lock = lock_ms(*failures);
    if (lock == 0)
        return 0;
    if ((rc = db_prepare(db, "UPDATE login_attempt SET locked_until_ms = ? WHERE throttle_key = ?",
                         &st, err)))
        return rc;
    db_bind_int(st, 1, now + lock);
    db_bind_text(st, 2, key);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int exec_key(struct db *db, const char *sql, const char *text, int64_t num,
                    struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, 1, text);
    else
        db_bind_int(st, 1, num);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Records a failed sign-in against both keys, in one transaction. */
static int record_failure(struct db *db, const char *ukey, const char *akey, int64_t now,
                          int64_t *user_failures, int64_t *addr_failures, struct bh_error *err)
{
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = throttle_fail(db, ukey, now, user_failures, err)) ||
        (rc = throttle_fail(db, akey, now, addr_failures, err)) ||
        /* Rows of names tried once long ago would otherwise pile up forever. */
        (rc = exec_key(db, "DELETE FROM login_attempt WHERE last_failure_ms < ?", NULL,
                       now - THROTTLE_FORGET_MS, err)) ||
        (rc = db_commit(db, err)))
        db_rollback(db);
    return rc;
}

/* What a sign-in needs of an account. */
struct sign_in_row {
    bool found;
    int64_t id, org_id;
    bool disabled;
    char role[32];
    char username[64];
    char org_code[32];
    char hash[crypto_pwhash_STRBYTES];
};

static int load_sign_in_row(struct db *db, const char *username, struct sign_in_row *r,
                            struct bh_error *err)
{
    struct db_stmt *st;
    memset(r, 0, sizeof *r);
    int rc = db_prepare(db,
                        "SELECT a.id, a.org_id, a.disabled, a.role, a.username, o.code, "
                        "a.password_hash FROM account a JOIN org o ON o.id = a.org_id "
                        "WHERE a.username = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        r->found = true;
        r->id = db_column_int(st, 0);
        r->org_id = db_column_int(st, 1);
        r->disabled = db_column_int(st, 2) != 0;
        snprintf(r->role, sizeof r->role, "%s", db_column_text(st, 3));
        snprintf(r->username, sizeof r->username, "%s", db_column_text(st, 4));
        snprintf(r->org_code, sizeof r->org_code, "%s", db_column_text(st, 5));
        snprintf(r->hash, sizeof r->hash, "%s", db_column_text(st, 6));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int create_session(struct db *db, const struct principal *who, const char *addr,
                          struct account_sign_in *out, struct bh_error *err)
{
    char now[40], expires[40], hash[65];
    int64_t now_ms = account__now(now);
    out->expires_ms = now_ms + ACCOUNT_SESSION_TTL_MS;
    time_format_rfc3339(out->expires_ms, 0, false, expires);
    account__new_token(ACCOUNT__SESSION_PREFIX, out->token);
    account__token_hash(out->token, hash);
    account__csrf(out->token, out->csrf);

    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO session (token_hash, account_id, created_at, expires_at, "
                        "expires_ms, last_seen_at, last_seen_ms, client_addr) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, who->account_id);
    db_bind_text(st, 3, now);
    db_bind_text(st, 4, expires);
    db_bind_int(st, 5, out->expires_ms);
    db_bind_text(st, 6, now);
    db_bind_int(st, 7, now_ms);
    db_bind_text(st, 8, addr);
    rc = db_step(st, err);
    int64_t id = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    return account__audit(db, who, "session.create", "session", idtext, err, "{s:s, s:s}",
                          "username", who->username, "client_addr", addr);
}

int account_sign_in(struct db *db, const char *username, const char *password,
                    const char *client_addr, struct account_sign_in *out, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    account__sodium();
    if (!username || !*username)
        return bh_fail(err, BH_EINVALID, "username", "'username' is required");
    if (!password || !*password)
        return bh_fail(err, BH_EINVALID, "password", "'password' is required");
    const char *addr = client_addr && *client_addr ? client_addr : "unknown";

    /* Usernames are lowercase; a person typing "Admin" means "admin". A name too long to
     * be a username still gets its own throttle key. */
    char name[64];
    size_t n = 0;
    for (; username[n] && n < sizeof name - 1; n++)
        name[n] = (char)tolower((unsigned char)username[n]);
    name[n] = '\0';
    bool too_long = username[n] != '\0';
    char ukey[80], akey[80];
    snprintf(ukey, sizeof ukey, "user:%s", name);
    snprintf(akey, sizeof akey, "addr:%.70s", addr);

    int64_t now = time_now_ms(), until = 0;
    int rc = throttle_locked_until(db, ukey, akey, &until, err);
    if (rc)
        return rc;
    if (until > now) {
        out->retry_after_s = (int)((until - now + 999) / 1000);
        struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr),
                                 LOG_INT("retry_after_s", out->retry_after_s) };
        log_event(BH_LOG_WARN, "sign-in refused while throttled", f, 3);
        return bh_fail(err, BH_EBUSY, NULL, "too many failed sign-ins; try again in %d second%s",
                       out->retry_after_s, out->retry_after_s == 1 ? "" : "s");
    }

    struct sign_in_row row;
    if (!too_long && (rc = load_sign_in_row(db, name, &row, err)))
        return rc;
    if (too_long)
        memset(&row, 0, sizeof row);
    size_t plen = strlen(password);
    bool ok = plen <= ACCOUNT_PASSWORD_MAX &&
              crypto_pwhash_str_verify(row.found ? row.hash : dummy_hash, password, plen) == 0 &&
              row.found;
    sodium_memzero(row.hash, sizeof row.hash);
    if (!ok) {
        int64_t ufail = 0, afail = 0;
        rc = record_failure(db, ukey, akey, now, &ufail, &afail, err);
        struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr),
                                 LOG_STR("reason", row.found ? "wrong password" : "unknown user"),
                                 LOG_INT("user_failures", ufail), LOG_INT("addr_failures", afail) };
        log_event(BH_LOG_WARN, "sign-in failed", f, 5);
        if (rc)
            return rc;
        return bh_fail(err, BH_EUNAUTH, NULL, "username or password is wrong");
    }
    if (row.disabled) {
        struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr),
                                 LOG_STR("reason", "account disabled") };
        log_event(BH_LOG_WARN, "sign-in failed", f, 3);
        return bh_fail(err, BH_EUNAUTH, "username",
                       "this account is disabled; ask an administrator to enable it");
    }

    account__principal(&out->who, row.id, row.org_id, row.role, row.username, row.org_code);
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = exec_key(db, "DELETE FROM login_attempt WHERE throttle_key = ?", ukey, 0, err)) ||
        (rc = create_session(db, &out->who, addr, out, err)) || (rc = db_commit(db, err))) {
        db_rollback(db);
        sodium_memzero(out, sizeof *out);
        return rc;
    }
    struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr) };
    log_event(BH_LOG_INFO, "signed in", f, 2);
    return 0;
}

int account_session_lookup(struct db *db, const char *session_token, struct principal *who,
                           char csrf_out[ACCOUNT_TOKEN_MAX], int64_t *expires_ms,
                           struct bh_error *err)
{
    if (!account__token_shape(session_token, ACCOUNT__SESSION_PREFIX))
        return bh_fail(err, BH_EUNAUTH, "session", "the session is unknown");
    char hash[65];
    account__token_hash(session_token, hash);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT s.id, s.expires_ms, s.last_seen_ms, s.revoked_at, a.id, "
                        "a.org_id, a.role, a.disabled, a.username, o.code FROM session s "
                        "JOIN account a ON a.id = s.account_id JOIN org o ON o.id = a.org_id "
                        "WHERE s.token_hash = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash);
    rc = db_step(st, err);
    if (rc != DB_ROW) {
        db_stmt_done(st);
        return rc < 0 ? rc : bh_fail(err, BH_EUNAUTH, "session", "the session is unknown");
    }
    int64_t now = time_now_ms();
    int64_t id = db_column_int(st, 0), expires = db_column_int(st, 1);
    int64_t last_seen = db_column_int(st, 2);
    if (!db_column_is_null(st, 3))
        rc = bh_fail(err, BH_EUNAUTH, "session", "the session was ended");
    else if (now >= expires)
        rc = bh_fail(err, BH_EUNAUTH, "session", "the session expired (12 hours after sign-in)");
    else if (now - last_seen >= ACCOUNT_SESSION_IDLE_MS)
        rc = bh_fail(err, BH_EUNAUTH, "session",
                     "the session expired after 2 hours without a request");
    else if (db_column_int(st, 7) != 0)
        rc = bh_fail(err, BH_EUNAUTH, "session", "the account is disabled");
    else
        rc = 0;
    if (rc == 0 && who)
        account__principal(who, db_column_int(st, 4), db_column_int(st, 5), db_column_text(st, 6),
                           db_column_text(st, 8), db_column_text(st, 9));
    db_stmt_done(st);
    if (rc)
        return rc;
    if (csrf_out)
        account__csrf(session_token, csrf_out);
    if (expires_ms)
        *expires_ms = expires;
    if (now - last_seen >= TOUCH_INTERVAL_MS) {
        char text[40];
        time_format_rfc3339(now, 0, false, text);
        struct bh_error e2;
        if (db_prepare(db, "UPDATE session SET last_seen_at = ?, last_seen_ms = ? WHERE id = ?",
                       &st, &e2) == 0) {
            db_bind_text(st, 1, text);
            db_bind_int(st, 2, now);
            db_bind_int(st, 3, id);
            /* A failed refresh (a busy store) costs at most a minute of idle time: the
             * request goes on. */
            if (db_step(st, &e2) < 0)
                log_warn("session last-seen refresh failed: %s", e2.message);
            db_stmt_done(st);
        }
    }
    return 0;
}

int account_session_revoke(struct db *db, const char *session_token, struct bh_error *err)
{
    if (!account__token_shape(session_token, ACCOUNT__SESSION_PREFIX))
        return bh_fail(err, BH_EUNAUTH, "session", "the session is unknown");
    char hash[65], now[40];
    account__token_hash(session_token, hash);
    account__now(now);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db,
                         "SELECT s.id, s.revoked_at, a.id, a.org_id, a.role, a.username, o.code "
                         "FROM session s JOIN account a ON a.id = s.account_id "
                         "JOIN org o ON o.id = a.org_id WHERE s.token_hash = ?",
                         &st, err)))
        goto done;
    db_bind_text(st, 1, hash);
    rc = db_step(st, err);
    if (rc != DB_ROW) {
        db_stmt_done(st);
        if (rc == DB_DONE)
            rc = bh_fail(err, BH_EUNAUTH, "session", "the session is unknown");
        goto done;
    }
    int64_t id = db_column_int(st, 0);
    bool revoked = !db_column_is_null(st, 1);
    struct principal who;
    account__principal(&who, db_column_int(st, 2), db_column_int(st, 3), db_column_text(st, 4),
                       db_column_text(st, 5), db_column_text(st, 6));
    db_stmt_done(st);
    rc = 0;
    if (revoked)
        goto done;
    if ((rc = db_prepare(db, "UPDATE session SET revoked_at = ? WHERE id = ?", &st, err)))
        goto done;
    db_bind_text(st, 1, now);
    db_bind_int(st, 2, id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        goto done;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    rc = account__audit(db, &who, "session.revoke", "session", idtext, err, "{s:s}", "username",
                        who.username);
done:
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
