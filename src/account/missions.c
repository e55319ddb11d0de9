/* The missions a user works for: who endorses which mission's reports. */
#include "account/missions.h"

#include "account/internal.h"

#include <stdio.h>
#include <string.h>

int account_missions_of(struct db *db, const char *username, json_t **out, struct bh_error *err)
{
    *out = json_array();
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT m.mission FROM account_mission m JOIN account a ON "
                        "a.id = m.account_id WHERE a.username = ? ORDER BY m.mission",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(*out, json_string(db_column_text(st, 0)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int account_missions_attach(struct db *db, json_t *user, struct bh_error *err)
{
    const char *username = json_string_value(json_object_get(user, "username"));
    json_t *missions = NULL;
    int rc = account_missions_of(db, username ? username : "", &missions, err);
    if (rc) {
        json_decref(missions);
        return rc;
    }
    json_object_set_new(user, "missions", missions);
    return 0;
}

/* The mission table's spelling of `acronym` (typed in any case) into `out`; BH_EINVALID naming
 * "missions" when there is no such mission. */
static int canonical(struct db *db, const char *acronym, char out[64], struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT acronym FROM mission WHERE upper(acronym) = upper(?)", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, acronym);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        snprintf(out, 64, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, BH_EINVALID, "missions",
                       "unknown mission '%.40s' (missions are acronyms such as MINUSMA)", acronym);
    return 0;
}

int account_missions_set(struct db *db, const struct principal *who, const char *username,
                         const char *const *missions, size_t n, json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    if (!who || !role_can(who->role, PERM_USER_ADMIN))
        return bh_fail(err, BH_EDENIED, NULL, "only admins assign missions to users");
    if (n > ACCOUNT_MISSIONS_MAX)
        return bh_fail(err, BH_EINVALID, "missions", "more than %d missions", ACCOUNT_MISSIONS_MAX);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct account__row row;
    json_t *before = NULL, *after = json_array();
    rc = account__find(db, username, &row, NULL, NULL, err);
    if (!rc)
        rc = account_missions_of(db, username, &before, err);
    for (size_t i = 0; !rc && i < n; i++) {
        char m[64];
        if (!missions[i] || !*missions[i]) {
            rc = bh_fail(err, BH_EINVALID, "missions", "missions[%zu] is empty", i);
            break;
        }
        if ((rc = canonical(db, missions[i], m, err)))
            break;
        bool have = false;
        size_t j;
        json_t *v;
        json_array_foreach(after, j, v)
        {
            have = have || strcmp(json_string_value(v), m) == 0;
        }
        if (!have)
            json_array_append_new(after, json_string(m));
    }
    if (!rc)
        rc = db_exec_params(db, "DELETE FROM account_mission WHERE account_id = ?",
                            DB_PARAMS(DB_INT(row.id)), NULL, NULL, err);
    size_t i;
    json_t *v;
    json_array_foreach(after, i, v)
    {
        if (rc)
            break;
        rc = db_exec_params(db, "INSERT INTO account_mission (account_id, mission) VALUES (?, ?)",
                            DB_PARAMS(DB_INT(row.id), DB_TEXT(json_string_value(v))), NULL, NULL,
                            err);
    }
    json_t *sorted = NULL;
    if (!rc)
        rc = account_missions_of(db, username, &sorted, err);
    if (!rc)
        rc = account__audit(db, who, "user.missions", "account", username, err, "{s:s, s:O, s:O}",
                            "username", username, "from", before, "to", sorted);
    json_decref(before);
    json_decref(after);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(sorted);
        return rc;
    }
    if (out)
        *out = sorted;
    else
        json_decref(sorted);
    return 0;
}
