#include "sharing/sharing.h"

#include "audit/audit.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "org/org.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- TLP markings ---- */

static const char *const tlp_labels[TLP_COUNT] = {
    [TLP_CLEAR] = "TLP:CLEAR", [TLP_GREEN] = "TLP:GREEN",
    [TLP_AMBER] = "TLP:AMBER", [TLP_AMBER_STRICT] = "TLP:AMBER+STRICT",
    [TLP_RED] = "TLP:RED",
};

const char *tlp_label(enum tlp t)
{
    return (t >= 0 && t < TLP_COUNT) ? tlp_labels[t] : NULL;
}

/* The column holds the label without its "TLP:" prefix: the predicate compares against
 * these literals, so they are spelled in exactly one place. */
const char *tlp_column_value(enum tlp t)
{
    return (t >= 0 && t < TLP_COUNT) ? tlp_labels[t] + 4 : NULL;
}

int tlp_parse(const char *s)
{
    if (!s)
        return -1;
    if (strncasecmp(s, "TLP:", 4) == 0)
        s += 4;
    for (int t = 0; t < TLP_COUNT; t++)
        if (strcasecmp(s, tlp_labels[t] + 4) == 0)
            return t;
    return -1;
}

/* ---- the predicate ---- */

/* [A-Za-z_][A-Za-z0-9_]*, or with `lower` [a-z_][a-z0-9_]*: what may be pasted into SQL. */
static bool is_identifier(const char *s, bool lower)
{
    if (!s || !*s || strlen(s) > 64 || isdigit((unsigned char)*s))
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (!lower && c >= 'A' && c <= 'Z')))
            return false;
    }
    return true;
}

/* The subqueries below name their own tables sharing_a and sharing_r; a caller's alias of
 * the same name would capture the outer reference, so such aliases are refused. */
void sharing_predicate(const struct principal *who, const char *record_type, const char *alias,
                       struct buf *sql, struct db_params *params)
{
    if (!is_identifier(alias, false) || strncmp(alias, "sharing_", 8) == 0 ||
        !is_identifier(record_type, true)) {
        log_error("sharing_predicate: refused alias '%.64s' or record type '%.64s'; the query "
                  "will see no rows",
                  alias ? alias : "(null)", record_type ? record_type : "(null)");
        buf_puts(sql, "(1 = 0)");
        return;
    }
    /* The secretariat sees everything; reads of RED and AMBER+STRICT records by admins are
     * audited by the module that serves them. */
    if (who && who->role == ROLE_ADMIN) {
        buf_puts(sql, "(1 = 1)");
        return;
    }
    /* Anonymous readers, and roles that do not read records (the auditor), see what is
     * published: TLP:CLEAR. */
    if (!who || !role_can(who->role, PERM_RECORD_READ)) {
        buf_printf(sql, "(%s.tlp = 'CLEAR')", alias);
        return;
    }
    /* The reader's organization and account are bound, never written into the text: every
     * member then runs the same SQL, and shares its prepared statement. */
    buf_printf(sql, "(%s.tlp IN ('CLEAR', 'GREEN')", alias);
    buf_printf(sql, " OR (%s.tlp IN ('AMBER', 'AMBER+STRICT') AND %s.owner_org_id = ?)", alias,
               alias);
    db_params_int(params, who->org_id);
    /* AMBER through a group: the (group, owner) pairs whose owner accepted this reader's
     * organization (sharing_audience), not the group's members as they are now. A group's
     * owner who adds an organization therefore widens only its own records, never another
     * member's (docs/sharing.md, "Sharing groups"). */
    buf_printf(sql,
               " OR (%s.tlp = 'AMBER' AND (%s.sharing_group_id, %s.owner_org_id) IN (SELECT "
               "sharing_a.group_id, sharing_a.owner_org_id FROM sharing_audience sharing_a WHERE "
               "sharing_a.org_id = ?))",
               alias, alias, alias);
    db_params_int(params, who->org_id);
    buf_printf(sql,
               " OR (%s.tlp = 'RED' AND EXISTS (SELECT 1 FROM tlp_recipient sharing_r WHERE "
               "sharing_r.record_type = '%s' AND sharing_r.record_id = %s.id AND "
               "sharing_r.account_id = ?)))",
               alias, record_type, alias);
    db_params_int(params, who->account_id);
}

int sharing_check_marking(struct db *db, const struct principal *who, enum tlp tlp,
                          int64_t sharing_group_id, struct bh_error *err)
{
    if (!who || who->role == ROLE_NONE)
        return bh_fail(err, BH_EDENIED, NULL, "sign in to create records");
    if (tlp < 0 || tlp >= TLP_COUNT)
        return bh_fail(err, BH_EINVALID, "tlp", "unknown TLP marking");
    if (tlp != TLP_AMBER) {
        if (sharing_group_id != 0)
            return bh_fail(err, BH_EINVALID, "sharing_group",
                           "only a TLP:AMBER record has a sharing group, not a %s one",
                           tlp_label(tlp));
        return 0;
    }
    if (sharing_group_id <= 0)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "a TLP:AMBER record needs a sharing group: its distribution");
    bool found = false;
    int rc = db_exec_params(db, "SELECT id FROM sharing_group WHERE id = ?",
                            DB_PARAMS(DB_INT(sharing_group_id)), NULL, &found, err);
    if (rc)
        return rc;
    if (!found)
        return bh_fail(err, BH_EINVALID, "sharing_group", "no sharing group has the id %lld",
                       (long long)sharing_group_id);
    if ((rc = db_exec_params(
             db, "SELECT 1 FROM sharing_group_member WHERE group_id = ? AND org_id = ?",
             DB_PARAMS(DB_INT(sharing_group_id), DB_INT(who->org_id)), NULL, &found, err)))
        return rc;
    if (!found)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "sharing group %lld does not include your organization %s, so you could "
                       "not read your own record",
                       (long long)sharing_group_id, who->org_code);
    return 0;
}

void sharing_draft_predicate(const struct principal *who, const char *record_type,
                             const char *alias, struct buf *sql, struct db_params *params)
{
    buf_puts(sql, "(");
    sharing_predicate(who, record_type, alias, sql, params);
    if (!who || who->role != ROLE_ADMIN) {
        /* Aliases are constants of our own code, and sharing_predicate has vetted this one. */
        /* The unary + keeps these terms out of index selection: as index candidates the OR
         * would lead SQLite into a multi-index union over status and owner that scans far
         * more rows than the spatial, time or text index the query is built around. */
        buf_printf(sql, " AND (+%s.status <> 'draft'", alias);
        if (who && who->org_id > 0) {
            buf_printf(sql, " OR +%s.owner_org_id = ?", alias);
            db_params_int(params, who->org_id);
        }
        buf_puts(sql, ")");
    }
    buf_puts(sql, ")");
}

int sharing_red_reader(struct db *db, const char *username, int64_t *account_id,
                       struct bh_error *err)
{
    *account_id = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT id, role, disabled FROM account WHERE username = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    rc = db_step(st, err);
    if (rc == DB_ROW && db_column_int(st, 2) == 0 &&
        role_can(role_parse(db_column_text(st, 1)), PERM_RECORD_READ))
        *account_id = db_column_int(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* ---- sharing groups ---- */

/* Names are one line; a description may have line breaks and tabs. */
static int check_text(const char *s, size_t max, const char *field, bool required,
                      struct bh_error *err)
{
    bool multiline = strcmp(field, "description") == 0;
    if (!s)
        return required ? bh_fail(err, BH_EINVALID, field, "%s is required", field) : 0;
    if (required && !*s)
        return bh_fail(err, BH_EINVALID, field, "%s must not be empty", field);
    if (strlen(s) > max)
        return bh_fail(err, BH_EINVALID, field, "%s is longer than %zu bytes", field, max);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t'))) || *p == 0x7f)
            return bh_fail(err, BH_EINVALID, field, "%s must not contain control characters",
                           field);
    json_t *probe = json_string(s);
    if (!probe)
        return bh_fail(err, BH_EINVALID, field, "%s is not valid UTF-8", field);
    json_decref(probe);
    return 0;
}

static int check_member_count(size_t n, struct bh_error *err)
{
    if (n > SHARING_GROUP_MAX_ORGS)
        return bh_fail(err, BH_EINVALID, "members", "a group lists at most %d organizations",
                       SHARING_GROUP_MAX_ORGS);
    return 0;
}

/* Resolves organization codes to ids; fails naming the first unknown code. *ids is a new
 * array of `n` entries (set even on failure), freed by the caller. */
static int resolve_members(struct db *db, const char *const *codes, size_t n, int64_t **ids,
                           struct bh_error *err)
{
    *ids = xcalloc(n + 1, sizeof **ids);
    int rc = check_member_count(n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct org o;
        rc = org_get(db, codes[i], &o, err);
        if (rc == 0)
            (*ids)[i] = o.id;
        else if (rc == BH_ENOTFOUND)
            rc = bh_fail(err, BH_EINVALID, "members", "no organization has the code '%.40s'",
                         codes[i] ? codes[i] : "");
    }
    return rc;
}

/* Makes the members of group `group_id` the owner and `ids`, and brings the audience of the
 * members' AMBER records in step: an organization that left the group reads none of them any
 * more (narrowing is always safe), and the group's owner accepts the new members for its own
 * records. Other members' records are not widened: each owner accepts a new member by sharing
 * its next record with the group (docs/sharing.md). */
static int set_members(struct db *db, int64_t group_id, int64_t owner_org_id, const int64_t *ids,
                       size_t n, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM sharing_group_member WHERE group_id = ?",
                            DB_PARAMS(DB_INT(group_id)), NULL, NULL, err);
    /* The owner is always a member: a group that left out its own organization would let it
     * mark records AMBER that it could not read itself. */
    for (size_t i = 0; rc == 0 && i <= n; i++)
        rc = db_exec_params(db,
                            "INSERT INTO sharing_group_member (group_id, org_id) VALUES (?, ?) "
                            "ON CONFLICT (group_id, org_id) DO NOTHING",
                            DB_PARAMS(DB_INT(group_id), DB_INT(i == 0 ? owner_org_id : ids[i - 1])),
                            NULL, NULL, err);
    if (rc == 0)
        rc = db_exec_params(db,
                            "DELETE FROM sharing_audience WHERE group_id = ? AND org_id NOT IN "
                            "(SELECT org_id FROM sharing_group_member WHERE group_id = ?)",
                            DB_PARAMS(DB_INT(group_id), DB_INT(group_id)), NULL, NULL, err);
    if (rc == 0)
        rc = db_exec_params(db,
                            "INSERT INTO sharing_audience (group_id, owner_org_id, org_id) SELECT "
                            "group_id, ?, org_id FROM sharing_group_member WHERE group_id = ? "
                            "ON CONFLICT (org_id, group_id, owner_org_id) DO NOTHING",
                            DB_PARAMS(DB_INT(owner_org_id), DB_INT(group_id)), NULL, NULL, err);
    return rc;
}

static int name_taken(struct db *db, const char *name, int64_t except_id, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT id FROM sharing_group WHERE name = ? AND id <> ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, except_id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        return bh_fail(err, BH_ECONFLICT, "name", "a sharing group named '%.100s' exists", name);
    return 0;
}

/* Audits `action` on group `id` with `summary`, which it releases. */
static int audit_group(struct db *db, const struct principal *who, const char *action, int64_t id,
                       json_t *summary, struct bh_error *err)
{
    char rid[24];
    snprintf(rid, sizeof rid, "%lld", (long long)id);
    int rc = audit_append(db, who, action, "group", rid, summary, err);
    json_decref(summary);
    return rc;
}

/* The summary of a change: the owner, name, description and members given (NULL ones left
 * out; the members only with `members`). */
static json_t *change_summary(const char *owner, const char *name, const char *description,
                              bool members, const char *const *codes, size_t n)
{
    json_t *summary = json_object();
    if (owner)
        json_object_set_new(summary, "owner", json_string(owner));
    if (name)
        json_object_set_new(summary, "name", json_string(name));
    if (description)
        json_object_set_new(summary, "description", json_string(description));
    if (members) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_string(codes[i]));
        json_object_set_new(summary, "members", a);
    }
    return summary;
}

static int insert_group(struct db *db, const struct principal *who, const char *name,
                        const char *description, int64_t *id, struct bh_error *err)
{
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO sharing_group (name, description, owner_org_id, "
                        "created_by_account, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, description);
    db_bind_int(st, 3, who->org_id);
    if (who->account_id > 0)
        db_bind_int(st, 4, who->account_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, now);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *id = db_column_int(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int sharing_group_create(struct db *db, const struct principal *who, const char *name,
                         const char *description, const char *const *member_codes, size_t nmembers,
                         int64_t *id_out, struct bh_error *err)
{
    if (!who || !role_can(who->role, PERM_GROUP_WRITE))
        return bh_fail(err, BH_EDENIED, NULL,
                       "only coordinators and admins may create sharing groups");
    if (who->org_id <= 0)
        return bh_fail(err, BH_EINVALID, "owner",
                       "a sharing group is owned by its creator's organization, and this "
                       "principal has none");
    if (!description)
        description = "";
    int rc;
    if ((rc = check_text(name, SHARING_GROUP_NAME_MAX, "name", true, err)) ||
        (rc = check_text(description, SHARING_GROUP_DESC_MAX, "description", false, err)) ||
        (rc = check_member_count(nmembers, err)) || (rc = db_begin(db, err)))
        return rc;
    int64_t *ids = NULL, id = 0;
    if ((rc = resolve_members(db, member_codes, nmembers, &ids, err)) ||
        (rc = name_taken(db, name, 0, err)) ||
        (rc = insert_group(db, who, name, description, &id, err)) ||
        (rc = set_members(db, id, who->org_id, ids, nmembers, err)))
        goto done;
    rc = audit_group(db, who, "group.create", id,
                     change_summary(who->org_code, name, description, true, member_codes, nmembers),
                     err);
done:
    free(ids);
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    else if (id_out)
        *id_out = id;
    return rc;
}

/* Loads a group's owner and checks that `who` may change it: admins always, coordinators
 * of the owning organization; everyone else gets BH_EDENIED. The directory is readable by
 * every member, so a group's existence is no secret and 403 (not 404) is the honest answer. */
static int check_owner(struct db *db, const struct principal *who, int64_t id,
                       int64_t *owner_org_id, struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT owner_org_id FROM sharing_group WHERE id = ?",
                            DB_PARAMS(DB_INT(id)), owner_org_id, &found, err);
    if (rc)
        return rc;
    if (!found)
        return bh_fail(err, BH_ENOTFOUND, "id", "no sharing group has the id %lld", (long long)id);
    if (!who || !role_can(who->role, PERM_GROUP_WRITE))
        return bh_fail(err, BH_EDENIED, NULL,
                       "only coordinators and admins may change sharing groups");
    if (who->role != ROLE_ADMIN && who->org_id != *owner_org_id)
        return bh_fail(err, BH_EDENIED, NULL,
                       "only the owning organization's coordinators and admins may change "
                       "sharing group %lld",
                       (long long)id);
    return 0;
}

/* Adding an organization to a group widens the audience of the owner's own AMBER records, so
 * only the owner's people may do it; an admin of another organization (the secretariat) may
 * still remove members, which only narrows. */
static int check_additions(struct db *db, const struct principal *who, int64_t id,
                           int64_t owner_org_id, const int64_t *ids, size_t n, struct bh_error *err)
{
    if (who->org_id == owner_org_id)
        return 0;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        int rc = db_exec_params(
            db, "SELECT 1 FROM sharing_group_member WHERE group_id = ? AND org_id = ?",
            DB_PARAMS(DB_INT(id), DB_INT(ids[i])), NULL, &found, err);
        if (rc)
            return rc;
        if (!found && ids[i] != owner_org_id)
            return bh_fail(err, BH_EDENIED, "members",
                           "only the owning organization may add members to sharing group "
                           "%lld: a new member would read its AMBER records",
                           (long long)id);
    }
    return 0;
}

/* Sets the name and the description, keeping the one that is NULL. */
static int rename_group(struct db *db, int64_t id, const char *name, const char *description,
                        struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "UPDATE sharing_group SET name = COALESCE(?, name), "
                        "description = COALESCE(?, description) WHERE id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, description);
    db_bind_int(st, 3, id);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int sharing_group_update(struct db *db, const struct principal *who, int64_t id, const char *name,
                         const char *description, const char *const *member_codes, size_t nmembers,
                         bool set_members_flag, struct bh_error *err)
{
    int rc;
    if ((rc = check_text(name, SHARING_GROUP_NAME_MAX, "name", false, err)) ||
        (rc = check_text(description, SHARING_GROUP_DESC_MAX, "description", false, err)))
        return rc;
    if (name && !*name)
        return bh_fail(err, BH_EINVALID, "name", "name must not be empty");
    if ((set_members_flag && (rc = check_member_count(nmembers, err))) || (rc = db_begin(db, err)))
        return rc;
    int64_t owner = 0, *ids = NULL;
    if ((rc = check_owner(db, who, id, &owner, err)))
        goto done;
    /* Nothing to change is not a change: no audit entry for it. */
    if (!name && !description && !set_members_flag)
        goto done;
    if ((name && (rc = name_taken(db, name, id, err))) ||
        ((name || description) && (rc = rename_group(db, id, name, description, err))) ||
        (set_members_flag && ((rc = resolve_members(db, member_codes, nmembers, &ids, err)) ||
                              (rc = check_additions(db, who, id, owner, ids, nmembers, err)) ||
                              (rc = set_members(db, id, owner, ids, nmembers, err)))))
        goto done;
    rc = audit_group(
        db, who, "group.update", id,
        change_summary(NULL, name, description, set_members_flag, member_codes, nmembers), err);
done:
    free(ids);
    if (rc == 0)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int sharing_group_delete(struct db *db, const struct principal *who, int64_t id,
                         struct bh_error *err)
{
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    int64_t owner = 0;
    json_t *before = NULL;
    if ((rc = check_owner(db, who, id, &owner, err)) ||
        (rc = sharing_group_get(db, id, &before, err)))
        goto fail;
    rc = db_exec_params(db, "DELETE FROM sharing_group WHERE id = ?", DB_PARAMS(DB_INT(id)), NULL,
                        NULL, err);
    if (rc == BH_ECONFLICT) {
        rc = bh_fail(err, BH_ECONFLICT, "id",
                     "sharing group %lld is the distribution of TLP:AMBER records; change their "
                     "marking or group first",
                     (long long)id);
        goto fail;
    }
    if (rc)
        goto fail;
    json_object_del(before, "id");
    json_object_del(before, "created_at");
    rc = audit_group(db, who, "group.delete", id, before, err);
    before = NULL;
    if (rc || (rc = db_commit(db, err)))
        goto fail;
    return 0;
fail:
    json_decref(before);
    db_rollback(db);
    return rc;
}

#define GROUP_COLUMNS                                                                            \
    "g.id, g.name, g.description, o.code, g.created_at FROM sharing_group g JOIN org o ON o.id " \
    "= g.owner_org_id"

/* The JSON of the current row of a GROUP_COLUMNS query, members included. */
static int group_row_json(struct db *db, struct db_stmt *row, json_t **out, struct bh_error *err)
{
    int64_t id = db_column_int(row, 0);
    json_t *g = json_object();
    json_object_set_new(g, "id", json_integer(id));
    json_object_set_new(g, "name", json_string(db_column_text(row, 1)));
    json_object_set_new(g, "description", json_string(db_column_text(row, 2)));
    json_object_set_new(g, "owner", json_string(db_column_text(row, 3)));
    json_object_set_new(g, "created_at", json_string(db_column_text(row, 4)));
    json_t *members = json_array();
    json_object_set_new(g, "members", members);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT o.code FROM sharing_group_member m JOIN org o ON o.id = m.org_id "
                        "WHERE m.group_id = ? ORDER BY o.code",
                        &st, err);
    if (rc) {
        json_decref(g);
        return rc;
    }
    db_bind_int(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(members, json_string(db_column_text(st, 0)));
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(g);
        return rc;
    }
    *out = g;
    return 0;
}

int sharing_group_get(struct db *db, int64_t id, json_t **out, struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT " GROUP_COLUMNS " WHERE g.id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        rc = group_row_json(db, st, out, err);
    else if (rc == DB_DONE)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no sharing group has the id %lld", (long long)id);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int sharing_group_list(struct db *db, int64_t after_id, int limit, json_t *items, bool *more,
                       int64_t *total, struct bh_error *err)
{
    if (limit < 1)
        limit = 1;
    *more = false;
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT " GROUP_COLUMNS " WHERE g.id > ? ORDER BY g.id LIMIT ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, after_id);
    db_bind_int(st, 2, limit + 1);
    int n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == limit) {
            *more = true;
            break;
        }
        json_t *g;
        if ((rc = group_row_json(db, st, &g, err)))
            break;
        json_array_append_new(items, g);
        n++;
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (total) {
        int64_t t = 0;
        if ((rc = db_query_int(db, "SELECT count(*) FROM sharing_group", 0, &t, err)))
            return rc;
        *total = t;
    }
    return 0;
}
