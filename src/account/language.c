/* The language a user chose (account.language): read by the dispatcher for a request that
 * named none of ours in Accept-Language, shown in the session, changed by the user. */
#include "account/account.h"

#include "account/internal.h"
#include "base/i18n.h"

#include <string.h>

int account_language_get(struct db *db, int64_t account_id, enum lang *out, bool *set,
                         struct bh_error *err)
{
    *set = false;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT language FROM account WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *code = db_column_text(st, 0);
        *set = code && i18n_lang_parse(code, out);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int account_language_set(struct db *db, const struct principal *who, const char *code,
                         struct bh_error *err)
{
    enum lang lang = LANG_EN;
    /* Only the six codes themselves: a stored "fr-CA" would be read back as French, but the
     * setting says what the user chose, so it is stored as the app offers it. */
    if (code && !(i18n_lang_parse(code, &lang) && strcmp(code, i18n_lang_code(lang)) == 0))
        return bh_fail(err, BH_EINVALID, "language",
                       "the language must be one of en, fr, ar, zh, ru, es, or null to follow "
                       "the browser (not %s)",
                       code);
    if (who->account_id == 0)
        return bh_fail(err, BH_EDENIED, NULL, "only a signed-in user has a language setting");
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    bool found = false;
    rc = db_exec_params(db, "UPDATE account SET language = ? WHERE id = ? RETURNING id",
                        DB_PARAMS(DB_TEXT(code), DB_INT(who->account_id)), NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, NULL, "the signed-in user no longer exists");
    if (!rc)
        rc = account__audit(db, who, "user.language", "account", who->username, err, "{s:s, s:s?}",
                            "username", who->username, "language", code);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
