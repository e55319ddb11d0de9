#include "sharing/marking.h"

#include <string.h>

#include "base/jsonfield.h"

int sharing_marking_read(const json_t *body, bool required, struct sharing_marking *m,
                         struct bh_error *err)
{
    const char *s = NULL;
    int rc = jsonfield_string(body, "tlp", required, 32, &s, err);
    if (rc)
        return rc;
    m->tlp_given = s != NULL;
    if (s) {
        int t = tlp_parse(s);
        if (t < 0)
            return bh_fail(err, BH_EINVALID, "tlp",
                           "unknown TLP marking '%.40s' (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                           "TLP:AMBER+STRICT or TLP:RED)",
                           s);
        m->tlp = (enum tlp)t;
    }
    const json_t *g = json_object_get(body, "sharing_group");
    m->group_given = g != NULL;
    if (g) {
        if (json_is_null(g))
            m->group = 0;
        else if ((rc = jsonfield_int(body, "sharing_group", false, 1, INT64_MAX, &m->group, NULL,
                                     err)))
            return rc;
    }
    if (m->tlp != TLP_AMBER)
        m->group = 0; /* a group belongs to AMBER alone */
    const json_t *names = json_object_get(body, "recipients");
    m->recipients_given = names && !json_is_null(names);
    if (!m->recipients_given)
        return 0;
    if (!json_is_array(names))
        return bh_fail(err, BH_EINVALID, "recipients", "recipients must be a list of usernames");
    if (json_array_size(names) > SHARING_MARKING_RECIPIENTS_MAX)
        return bh_fail(err, BH_EINVALID, "recipients", "recipients has more than %d entries",
                       SHARING_MARKING_RECIPIENTS_MAX);
    size_t i;
    const json_t *n;
    json_array_foreach(names, i, n)
    {
        if (!json_is_string(n))
            return bh_fail(err, BH_EINVALID, "recipients",
                           "recipients[%zu] must be a username (a string)", i);
    }
    if (json_array_size(names) > 0 && m->tlp != TLP_RED)
        return bh_fail(err, BH_EINVALID, "recipients",
                       "only a TLP:RED record names recipients; this one is %s", tlp_label(m->tlp));
    m->recipients = names;
    return 0;
}

int sharing_marking_check(struct db *db, const struct principal *who,
                          const struct sharing_marking *m, const char *what, struct bh_error *err)
{
    if (m->tlp == TLP_AMBER && m->group <= 0)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "a TLP:AMBER %s needs a sharing group (its readers)", what);
    /* A RED record names its readers; its writer always is one (sharing_marking_store), so
     * only a record the server writes for nobody in particular must name someone. */
    if (m->tlp == TLP_RED && who->account_id <= 0 &&
        (!m->recipients || json_array_size(m->recipients) == 0))
        return bh_fail(err, BH_EINVALID, "recipients",
                       "a TLP:RED %s needs at least one recipient (its readers)", what);
    return sharing_check_marking(db, who, m->tlp, m->group, err);
}

static int add_reader(struct db *db, const char *record_type, const char *id, int64_t account,
                      struct bh_error *err)
{
    return db_exec_params(db,
                          "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
                          "account_id) VALUES (?, ?, ?)",
                          DB_PARAMS(DB_TEXT(record_type), DB_TEXT(id), DB_INT(account)), NULL, NULL,
                          err);
}

int sharing_marking_store(struct db *db, const char *record_type, const char *id,
                          const struct sharing_marking *m, int64_t writer, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM tlp_recipient WHERE record_type = ? AND record_id = ?",
                            DB_PARAMS(DB_TEXT(record_type), DB_TEXT(id)), NULL, NULL, err);
    if (rc || m->tlp != TLP_RED)
        return rc;
    size_t i;
    const json_t *n;
    if (m->recipients)
        json_array_foreach(m->recipients, i, n)
        {
            int64_t account;
            if ((rc = sharing_red_reader(db, json_string_value(n), &account, err)))
                return rc;
            if (!account)
                return bh_fail(err, BH_EINVALID, "recipients",
                               "recipients[%zu]: '%.60s' cannot be named as a reader (give the "
                               "username of an active user whose role reads records)",
                               i, json_string_value(n));
            if ((rc = add_reader(db, record_type, id, account, err)))
                return rc;
        }
    return writer > 0 ? add_reader(db, record_type, id, writer, err) : 0;
}

int sharing_marking_copy_readers(struct db *db, const char *from_type, const char *from_id,
                                 const char *to_type, const char *to_id, struct bh_error *err)
{
    return db_exec_params(
        db,
        "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
        "account_id) SELECT ?, ?, account_id FROM tlp_recipient WHERE "
        "record_type = ? AND record_id = ?",
        DB_PARAMS(DB_TEXT(to_type), DB_TEXT(to_id), DB_TEXT(from_type), DB_TEXT(from_id)), NULL,
        NULL, err);
}

void sharing_marking_to_json(json_t *o, const char *tlp_column, int64_t group)
{
    int t = tlp_column ? tlp_parse(tlp_column) : -1;
    /* An unreadable column is shown as the strictest marking, never as an open one. */
    json_object_set_new(o, "tlp", json_string(tlp_label(t < 0 ? TLP_RED : (enum tlp)t)));
    json_object_set_new(o, "sharing_group", group > 0 ? json_integer(group) : json_null());
}
