/* Signing in and out: throttling of failed sign-ins, password checks, and sessions. */
#include "account/internal.h"

#include "base/i18n.h"
#include "base/log.h"
#include "base/timeutil.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

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

/* What counting one attempt did to a key, so that a success can take it back. */
struct throttle_mark {
    int64_t failures;     /* the count with this attempt in it */
    int64_t locked_until; /* the lock end the count set; 0 when it set none */
};

/* Counts one attempt against `key` as if it failed, and locks the key when the count calls for
 * it. Runs inside the caller's write transaction. */
static int throttle_count(struct db *db, const char *key, int64_t now, struct throttle_mark *m,
                          struct bh_error *err)
{
    m->failures = 0;
    m->locked_until = 0;
    int rc = db_exec_params(db,
                            "INSERT INTO login_attempt (throttle_key, failures, last_failure_ms, "
                            "locked_until_ms) VALUES (?, 1, ?, 0) "
                            "ON CONFLICT (throttle_key) DO UPDATE SET "
                            "failures = CASE WHEN login_attempt.last_failure_ms < ? THEN 1 "
                            "ELSE login_attempt.failures + 1 END, "
                            "last_failure_ms = excluded.last_failure_ms "
                            "RETURNING failures",
                            DB_PARAMS(DB_TEXT(key), DB_INT(now), DB_INT(now - THROTTLE_FORGET_MS)),
                            &m->failures, NULL, err);
    if (rc)
        return rc;
    int64_t lock = lock_ms(m->failures);
    if (lock == 0)
        return 0;
    m->locked_until = now + lock;
    return db_exec_params(db, "UPDATE login_attempt SET locked_until_ms = ? WHERE throttle_key = ?",
                          DB_PARAMS(DB_INT(m->locked_until), DB_TEXT(key)), NULL, NULL, err);
}

/* The later lock end of the two keys, 0 when neither is locked. */
static int lock_end(struct db *db, const char *ukey, const char *akey, int64_t *until,
                    struct bh_error *err)
{
    *until = 0;
    return db_exec_params(db,
                          "SELECT MAX(locked_until_ms) FROM login_attempt "
                          "WHERE throttle_key IN (?, ?)",
                          DB_PARAMS(DB_TEXT(ukey), DB_TEXT(akey)), until, NULL, err);
}

/* Admits one sign-in attempt, or refuses it while either key is locked (*until > now, and
 * nothing counted). An admitted attempt is counted as a failure against both keys before its
 * password is verified, and the check and the count share one write transaction: parallel
 * attempts then see each other's counts, so a burst gets no more password checks than a
 * sequence would. Checking first and counting after the slow verification let every attempt
 * of a burst pass the check before any was counted. A success takes its count back. */
static int throttle_admit(struct db *db, const char *ukey, const char *akey, int64_t now,
                          struct throttle_mark *u, struct throttle_mark *a, int64_t *until,
                          struct bh_error *err)
{
    /* A flood against a locked key is refused on a read, without queueing for the write lock;
     * the answer that counts is the one inside the transaction. */
    int rc = lock_end(db, ukey, akey, until, err);
    if (rc || *until > now)
        return rc;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = lock_end(db, ukey, akey, until, err)))
        goto fail;
    if (*until > now) {
        db_rollback(db);
        return 0;
    }
    if ((rc = throttle_count(db, ukey, now, u, err)) ||
        (rc = throttle_count(db, akey, now, a, err)) ||
        /* Rows of names tried once long ago would otherwise pile up forever. */
        (rc = db_exec_params(db, "DELETE FROM login_attempt WHERE last_failure_ms < ?",
                             DB_PARAMS(DB_INT(now - THROTTLE_FORGET_MS)), NULL, NULL, err)) ||
        (rc = db_commit(db, err)))
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

/* A lock an admitted attempt set ran from its admission; once its password has proved wrong,
 * the lock runs from that moment instead, so a slow verification (argon2 on a loaded
 * machine) does not use up the lock before the client can try again. A later attempt's lock
 * is left alone. A store error here only shortens a lock: it is logged, not returned. */
static void throttle_restart_lock(struct db *db, const char *key, const struct throttle_mark *m,
                                  int64_t admitted, int64_t failed)
{
    if (!m->locked_until || failed <= admitted)
        return;
    struct bh_error err;
    if (db_exec_params(db,
                       "UPDATE login_attempt SET locked_until_ms = ? WHERE throttle_key = ? AND "
                       "locked_until_ms = ?",
                       DB_PARAMS(DB_INT(m->locked_until + (failed - admitted)), DB_TEXT(key),
                                 DB_INT(m->locked_until)),
                       NULL, NULL, &err))
        log_error("sign-in throttle: %s", err.message);
}

/* Takes back what admitting a successful attempt counted, inside the caller's transaction:
 * the account's counter goes (a success ends its run of failures), and the address's loses
 * this attempt and the lock it set, unless a later attempt has locked it since. */
static int throttle_success(struct db *db, const char *ukey, const char *akey,
                            const struct throttle_mark *a, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM login_attempt WHERE throttle_key = ?",
                            DB_PARAMS(DB_TEXT(ukey)), NULL, NULL, err);
    if (rc)
        return rc;
    return db_exec_params(db,
                          "UPDATE login_attempt SET failures = MAX(failures - 1, 0), "
                          "locked_until_ms = CASE WHEN locked_until_ms = ? THEN 0 "
                          "ELSE locked_until_ms END WHERE throttle_key = ?",
                          DB_PARAMS(DB_INT(a->locked_until ? a->locked_until : -1), DB_TEXT(akey)),
                          NULL, NULL, err);
}

static const struct account__secret_kind session_kind = {
    .prefix = ACCOUNT__SESSION_PREFIX,
    .field = "session",
    .unknown = N_("the session is unknown"),
    .find_sql = "SELECT s.id, s.revoked_at, s.last_seen_ms, s.expires_ms, a.id, a.org_id, a.role, "
                "a.disabled, a.username, o.code FROM session s "
                "JOIN account a ON a.id = s.account_id JOIN org o ON o.id = a.org_id "
                "WHERE s.token_hash = ?",
    .touch_sql = "UPDATE session SET last_seen_at = ?, last_seen_ms = ? WHERE id = ?",
    .revoke_sql = "UPDATE session SET revoked_at = ? WHERE id = ?",
    .touch_what = "session last-seen",
};

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

    int64_t id = 0;
    int rc = db_exec_params(db,
                            "INSERT INTO session (token_hash, account_id, created_at, expires_at, "
                            "expires_ms, last_seen_at, last_seen_ms, client_addr) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            DB_PARAMS(DB_TEXT(hash), DB_INT(who->account_id), DB_TEXT(now),
                                      DB_TEXT(expires), DB_INT(out->expires_ms), DB_TEXT(now),
                                      DB_INT(now_ms), DB_TEXT(addr)),
                            &id, NULL, err);
    if (rc)
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
    struct throttle_mark umark = { 0 }, amark = { 0 };
    int rc = throttle_admit(db, ukey, akey, now, &umark, &amark, &until, err);
    if (rc)
        return rc;
    if (until > now) {
        out->retry_after_s = (int)((until - now + 999) / 1000);
        struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr),
                                 LOG_INT("retry_after_s", out->retry_after_s) };
        log_event(BH_LOG_WARN, "sign-in refused while throttled", f, 3);
        return bh_fail(err, BH_ETHROTTLED, NULL, "too many failed sign-ins; try again in %d s",
                       out->retry_after_s);
    }

    struct account__row row = { 0 };
    char hash[crypto_pwhash_STRBYTES] = "";
    bool found = false;
    if (!too_long && (rc = account__find(db, name, &row, hash, &found, err)))
        return rc;
    size_t plen = strlen(password);
    bool ok = plen <= ACCOUNT_PASSWORD_MAX &&
              crypto_pwhash_str_verify(found ? hash : dummy_hash, password, plen) == 0 && found;
    sodium_memzero(hash, sizeof hash);
    if (!ok) {
        /* Already counted when the attempt was admitted. */
        int64_t failed = time_now_ms();
        throttle_restart_lock(db, ukey, &umark, now, failed);
        throttle_restart_lock(db, akey, &amark, now, failed);
        struct log_field f[] = { LOG_STR("username", name), LOG_STR("addr", addr),
                                 LOG_STR("reason", found ? "wrong password" : "unknown user"),
                                 LOG_INT("user_failures", umark.failures),
                                 LOG_INT("addr_failures", amark.failures) };
        log_event(BH_LOG_WARN, "sign-in failed", f, 5);
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
    if ((rc = throttle_success(db, ukey, akey, &amark, err)) ||
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
    struct account__secret s;
    int rc = account__secret_find(db, &session_kind, session_token, &s, err);
    if (rc)
        return rc;
    int64_t now = time_now_ms();
    if (s.revoked)
        return bh_fail(err, BH_EUNAUTH, "session", "the session was ended");
    if (now >= s.expires_ms)
        return bh_fail(err, BH_EUNAUTH, "session", "the session expired (12 hours after sign-in)");
    if (now - s.last_ms >= ACCOUNT_SESSION_IDLE_MS)
        return bh_fail(err, BH_EUNAUTH, "session",
                       "the session expired after 2 hours without a request");
    if (s.disabled)
        return bh_fail(err, BH_EUNAUTH, "session", "the account is disabled");
    if (who)
        *who = s.who;
    if (csrf_out)
        account__csrf(session_token, csrf_out);
    if (expires_ms)
        *expires_ms = s.expires_ms;
    /* A failed refresh (a busy store) costs at most a minute of idle time: the request goes
     * on. */
    account__secret_touch(db, &session_kind, &s, now);
    return 0;
}

int account_session_still_valid(struct db *db, const char *session_token,
                                const struct principal *was, bool *valid, struct bh_error *err)
{
    *valid = false;
    struct account__secret s;
    int rc = account__secret_find(db, &session_kind, session_token, &s, err);
    if (rc == BH_EUNAUTH)
        return 0;
    if (rc)
        return rc;
    *valid = !s.revoked && time_now_ms() < s.expires_ms && !s.disabled &&
             account__same_principal(&s.who, was);
    return 0;
}

int account_session_revoke(struct db *db, const char *session_token, struct bh_error *err)
{
    /* Junk is refused before the write lock is taken. */
    if (!account__token_shape(session_token, session_kind.prefix))
        return bh_fail(err, BH_EUNAUTH, session_kind.field, "%s", session_kind.unknown);
    char now[40];
    account__now(now);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct account__secret s;
    if ((rc = account__secret_find(db, &session_kind, session_token, &s, err)) || s.revoked ||
        (rc = account__secret_revoke(db, &session_kind, s.id, now, err)))
        goto done;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)s.id);
    rc = account__audit(db, &s.who, "session.revoke", "session", idtext, err, "{s:s}", "username",
                        s.who.username);
done:
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int account_password_change(struct db *db, const struct principal *who, const char *keep_session,
                            const char *current, const char *new_password, const char *client_addr,
                            int64_t *sessions_ended, int *retry_after_s, struct bh_error *err)
{
    if (sessions_ended)
        *sessions_ended = 0;
    if (retry_after_s)
        *retry_after_s = 0;
    account__sodium();
    if (!who || !who->account_id)
        return bh_fail(err, BH_EUNAUTH, NULL, "sign in to change your password");
    if (!current || !*current)
        return bh_fail(err, BH_EINVALID, "current_password", "your current password is required");
    if (!new_password || !*new_password)
        return bh_fail(err, BH_EINVALID, "new_password", "a new password is required");
    /* The policy speaks of "password"; this form has two, and the new one is meant. */
    int rc = account_password_check(who->username, new_password, err);
    if (rc) {
        if (err && strcmp(err->field, "password") == 0)
            snprintf(err->field, sizeof err->field, "new_password");
        return rc;
    }
    /* Said before the current password is checked, so that a right one is never counted as a
     * failed sign-in; it tells nothing about the current password that was not typed. */
    if (strcmp(current, new_password) == 0)
        return bh_fail(err, BH_EINVALID, "new_password",
                       "the new password is the same as the current one");
    const char *addr = client_addr && *client_addr ? client_addr : "unknown";
    char ukey[80], akey[80];
    snprintf(ukey, sizeof ukey, "user:%s", who->username);
    snprintf(akey, sizeof akey, "addr:%.70s", addr);

    /* A stolen session must not become a way to guess the password it was opened with, which
     * would then open every other door: the guesses count as failed sign-ins. */
    int64_t now = time_now_ms(), until = 0;
    struct throttle_mark umark = { 0 }, amark = { 0 };
    if ((rc = throttle_admit(db, ukey, akey, now, &umark, &amark, &until, err)))
        return rc;
    if (until > now) {
        int wait = (int)((until - now + 999) / 1000);
        if (retry_after_s)
            *retry_after_s = wait;
        return bh_fail(err, BH_ETHROTTLED, "current_password",
                       "too many wrong passwords; try again in %d s", wait);
    }
    struct account__row row = { 0 };
    char hash[crypto_pwhash_STRBYTES] = "";
    bool found = false;
    if ((rc = account__find(db, who->username, &row, hash, &found, err)))
        return rc;
    size_t clen = strlen(current);
    bool ok = found && row.id == who->account_id && clen <= ACCOUNT_PASSWORD_MAX &&
              crypto_pwhash_str_verify(hash, current, clen) == 0;
    sodium_memzero(hash, sizeof hash);
    if (!ok) {
        int64_t failed = time_now_ms();
        throttle_restart_lock(db, ukey, &umark, now, failed);
        throttle_restart_lock(db, akey, &amark, now, failed);
        struct log_field f[] = { LOG_STR("username", who->username), LOG_STR("addr", addr),
                                 LOG_STR("reason", "wrong current password"),
                                 LOG_INT("user_failures", umark.failures) };
        log_event(BH_LOG_WARN, "password change refused", f, 4);
        return bh_fail(err, BH_EINVALID, "current_password", "the current password is wrong");
    }

    char newhash[crypto_pwhash_STRBYTES];
    if ((rc = account__hash_password(new_password, newhash, err)))
        return rc;
    char nowtext[40], keep[65] = "";
    account__now(nowtext);
    if (keep_session && account__token_shape(keep_session, ACCOUNT__SESSION_PREFIX))
        account__token_hash(keep_session, keep);
    int64_t ended = 0;
    if ((rc = db_begin(db, err)))
        goto out;
    if ((rc = throttle_success(db, ukey, akey, &amark, err)) ||
        (rc = db_exec_params(db,
                             "UPDATE account SET password_hash = ?, password_changed_at = ? "
                             "WHERE id = ?",
                             DB_PARAMS(DB_TEXT(newhash), DB_TEXT(nowtext), DB_INT(row.id)), NULL,
                             NULL, err)))
        goto done;
    /* Whoever else holds a session opened with the old password (perhaps the reason for the
     * change) loses it; the one making the change goes on. */
    if ((rc = db_exec_params(db,
                             "UPDATE session SET revoked_at = ? WHERE account_id = ? AND "
                             "revoked_at IS NULL AND token_hash <> ?",
                             DB_PARAMS(DB_TEXT(nowtext), DB_INT(row.id), DB_TEXT(keep)), NULL, NULL,
                             err)))
        goto done;
    ended = db_changes(db);
    rc = account__audit(db, who, "user.password", "account", who->username, err, "{s:s, s:b, s:I}",
                        "username", who->username, "self", 1, "sessions_ended", (json_int_t)ended);
done:
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
out:
    sodium_memzero(newhash, sizeof newhash);
    if (rc == 0 && sessions_ended)
        *sessions_ended = ended;
    return rc;
}
