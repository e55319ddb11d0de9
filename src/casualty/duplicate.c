/* Possible double entries: records that share a casualty_id (the UN's file lists six persons
 * twice), computed when asked, never stored as a flag that could go stale; and an admin's
 * decision that one of them repeats another (casualty.duplicate_of), which counts of distinct
 * persons leave out. docs/casualties.md, "Possible double entries". */
#include "casualty/internal.h"

#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "base/uuid.h"

#include <stdio.h>
#include <string.h>

int casualty_conflicts(struct db *db, const struct principal *who, json_t *items,
                       struct bh_error *err)
{
    /* Only rows the reader may see, on both sides: a casualty_id is listed when two or more
     * of its records are visible, and only those. */
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " CASUALTY__COLUMNS " FROM ");
    casualty__from(who, &sql, &params);
    buf_puts(&sql, " WHERE ");
    casualty_predicate(who, "c", &sql, &params);
    buf_puts(&sql, " AND c.casualty_id IN (SELECT d.casualty_id FROM casualty d WHERE ");
    casualty_predicate(who, "d", &sql, &params);
    buf_puts(&sql, " GROUP BY d.casualty_id HAVING count(*) > 1)"
                   " ORDER BY c.casualty_id, c.source_row, c.id");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *audited = json_array();
    json_t *group = NULL, *records = NULL;
    int64_t marked = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *cid = db_column_text(st, CASUALTY__C_casualty_id);
        if (!group || strcmp(json_string_value(json_object_get(group, "casualty_id")), cid) != 0) {
            if (group)
                json_object_set_new(group, "resolved",
                                    json_boolean(marked == (int64_t)json_array_size(records) - 1));
            records = json_array();
            group = json_pack("{s:s, s:o}", "casualty_id", cid, "records", records);
            json_array_append_new(items, group);
            marked = 0;
        }
        if (!db_column_is_null(st, CASUALTY__C_duplicate_of))
            marked++;
        if (casualty__read_audited(who, (int)db_column_int(st, CASUALTY__C_embargoed),
                                   db_column_text(st, CASUALTY__C_tlp)))
            json_array_append_new(audited, json_string(db_column_text(st, CASUALTY__C_id)));
        json_array_append_new(records, casualty__row_json(st));
    }
    if (group)
        json_object_set_new(group, "resolved",
                            json_boolean(marked == (int64_t)json_array_size(records) - 1));
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (!rc && json_array_size(audited) > 0) {
        json_t *summary = json_pack("{s:s, s:O}", "via", "conflicts", "ids", audited);
        rc = casualty__audit_read(db, who, NULL, summary, err);
        json_decref(summary);
    }
    json_decref(audited);
    if (rc)
        json_array_clear(items);
    return rc;
}

/* What the marking reads of one record. */
struct dup_side {
    char id[UUID_STR_LEN + 1];
    char casualty_id[80];
    char duplicate_of[UUID_STR_LEN + 1]; /* "" when none */
    int64_t repeated_by;                 /* records marked as duplicates of this one */
};

/* Reads record `id` (a UUID, not a casualty_id: the pair shares that) into *out; `field`
 * names the id in a failure: BH_ENOTFOUND for the path's id, BH_EINVALID for the body's. */
static int dup_read(struct db *db, const char *id, const char *field, int missing,
                    struct dup_side *out, struct bh_error *err)
{
    struct uuid u;
    struct bh_error perr;
    if (!id || uuid_parse(id, &u, &perr) != 0)
        return bh_fail(err, missing, field, "%s '%.40s' is not a casualty record's id (a UUID)",
                       field, id ? id : "");
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT c.id, c.casualty_id, ifnull(c.duplicate_of, ''), (SELECT count(*) "
                        "FROM casualty d WHERE d.duplicate_of = c.id) FROM casualty c WHERE "
                        "c.id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        snprintf(out->id, sizeof out->id, "%s", db_column_text(st, 0));
        snprintf(out->casualty_id, sizeof out->casualty_id, "%s", db_column_text(st, 1));
        snprintf(out->duplicate_of, sizeof out->duplicate_of, "%s", db_column_text(st, 2));
        out->repeated_by = db_column_int(st, 3);
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, missing, field, "no casualty record '%.40s'", id);
    return 0;
}

int casualty_mark_duplicate(struct db *db, const struct principal *who, const char *id,
                            const char *of, json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    if (who->role != ROLE_ADMIN)
        return bh_fail(err, BH_EDENIED, "id",
                       "only an admin may mark a casualty record as the duplicate of another");
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct dup_side a, b;
    memset(&b, 0, sizeof b);
    rc = dup_read(db, id, "id", BH_ENOTFOUND, &a, err);
    if (!rc && of) {
        rc = dup_read(db, of, "of", BH_EINVALID, &b, err);
        if (!rc && strcmp(a.id, b.id) == 0)
            rc = bh_fail(err, BH_EINVALID, "of", "a record cannot be the duplicate of itself");
        if (!rc && strcmp(a.casualty_id, b.casualty_id) != 0)
            rc = bh_fail(err, BH_EINVALID, "of",
                         "record %s has casualty_id %s, not %s: only records that share a "
                         "casualty_id are possible double entries",
                         b.id, b.casualty_id, a.casualty_id);
        if (!rc && b.duplicate_of[0])
            rc = bh_fail(err, BH_ECONFLICT, "of",
                         "record %s is itself marked as the duplicate of %s: mark this one as "
                         "the duplicate of that record",
                         b.id, b.duplicate_of);
        if (!rc && a.repeated_by > 0)
            rc = bh_fail(err, BH_ECONFLICT, "id",
                         "%lld record(s) are marked as duplicates of record %s: it is the one "
                         "kept",
                         (long long)a.repeated_by, a.id);
    }
    const char *want = of ? b.id : "";
    bool same = !rc && strcmp(a.duplicate_of, want) == 0;
    if (!rc && !same) {
        char now[40];
        time_format_rfc3339(time_now_ms(), 0, false, now);
        struct db_stmt *st;
        rc = db_prepare(db, "UPDATE casualty SET duplicate_of = ?, updated_at = ? WHERE id = ?",
                        &st, err);
        if (!rc) {
            if (of)
                db_bind_text(st, 1, b.id);
            else
                db_bind_null(st, 1);
            db_bind_text(st, 2, now);
            db_bind_text(st, 3, a.id);
            rc = db_step(st, err);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        if (!rc) {
            json_t *summary =
                json_pack("{s:s, s:s?, s:s?}", "casualty_id", a.casualty_id, "duplicate_of",
                          of ? b.id : NULL, "was", a.duplicate_of[0] ? a.duplicate_of : NULL);
            rc = audit_append(db, who, "casualty.mark_duplicate", "casualty", a.id, summary, err);
            json_decref(summary);
        }
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return out ? casualty_get(db, who, a.id, out, err) : 0;
}

int casualty_duplicate_from_json(const json_t *obj, const char **of, struct bh_error *err)
{
    static const char *const known[] = { "of", NULL };
    *of = NULL;
    if (!json_is_object(obj))
        return bh_fail(err, BH_EINVALID, "body", "the body must be a JSON object {\"of\": id}");
    int rc = jsonfield_check_known(obj, known, err);
    if (rc)
        return rc;
    const json_t *v = json_object_get(obj, "of");
    if (!v)
        return bh_fail(err, BH_EINVALID, "of",
                       "of is required: the id of the record this one repeats (null to clear)");
    if (json_is_null(v))
        return 0;
    return jsonfield_string(obj, "of", true, 64, of, err);
}
