/* API tokens for scripts: created and shown once, stored as a hash, listed, revoked. */
#include "account/internal.h"

#include "base/i18n.h"
#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

/* How much of a token a list shows: the prefix and 7 characters, enough to tell tokens
 * apart, far too few to guess the other 36. */
#define SHOWN_CHARS 10

static const struct account__secret_kind token_kind = {
    .prefix = ACCOUNT__TOKEN_PREFIX,
    .field = "token",
    .unknown = N_("the API token is unknown"),
    .find_sql = "SELECT t.id, t.revoked_at, t.last_used_ms, 0, a.id, a.org_id, a.role, a.disabled, "
                "a.username, o.code FROM api_token t "
                "JOIN account a ON a.id = t.account_id JOIN org o ON o.id = a.org_id "
                "WHERE t.token_hash = ?",
    .touch_sql = "UPDATE api_token SET last_used_at = ?, last_used_ms = ? WHERE id = ?",
    .revoke_sql = "UPDATE api_token SET revoked_at = ? WHERE id = ?",
    .touch_what = "token last-used",
};

static int check_name(const char *name, struct bh_error *err)
{
    if (!name || !*name)
        return bh_fail(err, BH_EINVALID, "name", "the token needs a name (what it is for)");
    return account__check_text(name, 100, "name", "token name", err);
}

/* Loads the account `username` whose tokens `who` would manage: their own, or any as an
 * admin. Anyone else is told the user does not exist, which is all they may know. */
static int find_owner(struct db *db, const struct principal *who, const char *username,
                      struct account__row *owner, struct bh_error *err)
{
    int rc = account__find(db, username, owner, NULL, NULL, err);
    if (rc || who->role == ROLE_ADMIN || (who->account_id != 0 && who->account_id == owner->id))
        return rc;
    return bh_fail(err, BH_ENOTFOUND, "username", "no user '%s'", username);
}

static void copy_or_empty(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

#define TOKEN_COLUMNS \
    "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_token "

static void token_from_row(struct db_stmt *st, struct account_token *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_column_int(st, 0);
    copy_or_empty(t->name, sizeof t->name, db_column_text(st, 1));
    copy_or_empty(t->prefix, sizeof t->prefix, db_column_text(st, 2));
    copy_or_empty(t->created_at, sizeof t->created_at, db_column_text(st, 3));
    copy_or_empty(t->last_used_at, sizeof t->last_used_at, db_column_text(st, 4));
    copy_or_empty(t->revoked_at, sizeof t->revoked_at, db_column_text(st, 5));
}

json_t *account_token_json(const struct account_token *t)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t->id, "name", t->name,
                          "prefix", t->prefix, "created_at", t->created_at);
    json_object_set_new(j, "last_used_at",
                        t->last_used_at[0] ? json_string(t->last_used_at) : json_null());
    json_object_set_new(j, "revoked_at",
                        t->revoked_at[0] ? json_string(t->revoked_at) : json_null());
    return j;
}

int account_token_create(struct db *db, const struct principal *who, const char *username,
                         const char *name, char token_out[ACCOUNT_TOKEN_MAX],
                         struct account_token *out, struct bh_error *err)
{
    token_out[0] = '\0';
    int rc = check_name(name, err);
    if (rc)
        return rc;
    char now[40], hash[65], prefix[SHOWN_CHARS + 1];
    account__now(now);
    struct account__row owner;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = find_owner(db, who, username, &owner, err)))
        goto done;
    if (owner.disabled) {
        rc = bh_fail(err, BH_ECONFLICT, "username", "user '%s' is disabled", username);
        goto done;
    }
    account__new_token(ACCOUNT__TOKEN_PREFIX, token_out);
    account__token_hash(token_out, hash);
    snprintf(prefix, sizeof prefix, "%.*s", SHOWN_CHARS, token_out);
    int64_t id = 0;
    if ((rc = db_exec_params(db,
                             "INSERT INTO api_token (account_id, name, token_hash, prefix, "
                             "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                             DB_PARAMS(DB_INT(owner.id), DB_TEXT(name), DB_TEXT(hash),
                                       DB_TEXT(prefix), DB_TEXT(now)),
                             &id, NULL, err)))
        goto done;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    if ((rc = account__audit(db, who, "token.create", "token", idtext, err, "{s:s, s:s, s:s}",
                             "username", username, "name", name, "prefix", prefix)))
        goto done;
    rc = db_commit(db, err);
    if (rc == 0 && out) {
        memset(out, 0, sizeof *out);
        out->id = id;
        snprintf(out->name, sizeof out->name, "%s", name);
        snprintf(out->prefix, sizeof out->prefix, "%s", prefix);
        snprintf(out->created_at, sizeof out->created_at, "%s", now);
    }
done:
    if (rc) {
        db_rollback(db);
        memset(token_out, 0, ACCOUNT_TOKEN_MAX);
    }
    return rc;
}

int account_token_still_valid(struct db *db, const char *token, const struct principal *was,
                              bool *valid, struct bh_error *err)
{
    *valid = false;
    struct account__secret s;
    int rc = account__secret_find(db, &token_kind, token, &s, err);
    if (rc == BH_EUNAUTH)
        return 0;
    if (rc)
        return rc;
    *valid = !s.revoked && !s.disabled && account__same_principal(&s.who, was);
    return 0;
}

int account_token_lookup(struct db *db, const char *token, struct principal *who,
                         struct bh_error *err)
{
    struct account__secret s;
    int rc = account__secret_find(db, &token_kind, token, &s, err);
    if (rc)
        return rc;
    if (s.revoked)
        return bh_fail(err, BH_EUNAUTH, "token", "the API token was revoked");
    if (s.disabled)
        return bh_fail(err, BH_EUNAUTH, "token", "the account of this API token is disabled");
    if (who)
        *who = s.who;
    account__secret_touch(db, &token_kind, &s, time_now_ms());
    return 0;
}

int account_token_list(struct db *db, const char *username, json_t *items, struct bh_error *err)
{
    struct account__row owner;
    int rc = account__find(db, username, &owner, NULL, NULL, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, TOKEN_COLUMNS "WHERE account_id = ? ORDER BY id DESC", &st, err)))
        return rc;
    db_bind_int(st, 1, owner.id);
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct account_token t;
        token_from_row(st, &t);
        json_array_append_new(items, account_token_json(&t));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int account_token_revoke(struct db *db, const struct principal *who, const char *username,
                         int64_t id, struct bh_error *err)
{
    char now[40];
    account__now(now);
    struct account__row owner;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = find_owner(db, who, username, &owner, err)))
        goto done;
    struct db_stmt *st;
    if ((rc = db_prepare(db, TOKEN_COLUMNS "WHERE id = ? AND account_id = ?", &st, err)))
        goto done;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, owner.id);
    rc = db_step(st, err);
    struct account_token t;
    if (rc == DB_ROW)
        token_from_row(st, &t);
    db_stmt_done(st);
    if (rc == DB_DONE)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "user '%s' has no API token %lld", username,
                     (long long)id);
    if (rc < 0)
        goto done;
    rc = 0;
    if (t.revoked_at[0])
        goto done;
    if ((rc = account__secret_revoke(db, &token_kind, id, now, err)))
        goto done;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    rc = account__audit(db, who, "token.revoke", "token", idtext, err, "{s:s, s:s, s:s}",
                        "username", username, "name", t.name, "prefix", t.prefix);
done:
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
