/* The reader's time zone (account.time_zone, an IANA name): the browser app shows instants in
 * it, and the e-mail digest too; NULL follows the browser's own zone. Instants are stored in
 * UTC whatever it says: the setting only changes how they are shown (docs/i18n.md). */
#include "account/account.h"

#include "account/internal.h"

#include <stdio.h>

int account_time_zone_get(struct db *db, int64_t account_id, char out[TZ_NAME_MAX + 1], bool *set,
                          struct bh_error *err)
{
    *set = false;
    out[0] = '\0';
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT time_zone FROM account WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *name = db_column_text(st, 0);
        /* A name ICU no longer knows (tzdata drops few, but it may) reads as unset, so the
         * reader falls back to the browser's zone rather than to a wrong one. */
        if (name && tz_valid(name)) {
            snprintf(out, TZ_NAME_MAX + 1, "%s", name);
            *set = true;
        }
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int account_time_zone_set(struct db *db, const struct principal *who, const char *name,
                          struct bh_error *err)
{
    if (name && !*name)
        name = NULL;
    if (name && !tz_valid(name))
        return bh_fail(err, BH_EINVALID, "time_zone",
                       "unknown time zone '%.40s': use an IANA name such as Asia/Shanghai, or "
                       "null to follow the browser",
                       name);
    if (who->account_id == 0)
        return bh_fail(err, BH_EDENIED, NULL, "only a signed-in user has a time zone setting");
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    bool found = false;
    rc = db_exec_params(db, "UPDATE account SET time_zone = ? WHERE id = ? RETURNING id",
                        DB_PARAMS(DB_TEXT(name), DB_INT(who->account_id)), NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, NULL, "the signed-in user no longer exists");
    if (!rc)
        rc = account__audit(db, who, "user.time_zone", "account", who->username, err, "{s:s, s:s?}",
                            "username", who->username, "time_zone", name);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
