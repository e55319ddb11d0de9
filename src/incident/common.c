/* Reading one incident for the checks of a write, and the audit of admins' reads: what every
 * file of the incident module needs. */
#include "incident/internal.h"

#include "audit/audit.h"
#include "base/buf.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

/* The columns load() reads after INCIDENT_COLUMNS. */
enum { L_OWNER_ORG_ID = INCIDENT_NCOLUMNS, L_REPORTER_ID };

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void fill(struct db_stmt *st, struct incident__loaded *out)
{
    out->n = db_column_int(st, INCIDENT_C_n);
    copy(out->id, sizeof out->id, db_column_text(st, INCIDENT_C_id));
    copy(out->mission, sizeof out->mission, db_column_text(st, INCIDENT_C_mission));
    copy(out->occurred_at, sizeof out->occurred_at, db_column_text(st, INCIDENT_C_occurred_at));
    out->latitude = db_column_double(st, INCIDENT_C_latitude);
    out->longitude = db_column_double(st, INCIDENT_C_longitude);
    copy(out->threat_type, sizeof out->threat_type, db_column_text(st, INCIDENT_C_threat_type));
    copy(out->status, sizeof out->status, db_column_text(st, INCIDENT_C_status));
    copy(out->reporter, sizeof out->reporter, db_column_text(st, INCIDENT_C_reporter));
    copy(out->tlp, sizeof out->tlp, db_column_text(st, INCIDENT_C_tlp));
    out->revision = db_column_int(st, INCIDENT_C_revision);
    out->owner_org_id = db_column_int(st, L_OWNER_ORG_ID);
    out->reporter_id = db_column_is_null(st, L_REPORTER_ID) ? 0 : db_column_int(st, L_REPORTER_ID);
    out->json = incident_row_json(st, 0);
}

int incident__load(struct db *db, const struct principal *who, const char *id, const char *field,
                   struct incident__loaded *out, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    const bool path = strcmp(field, "id") == 0;
    struct uuid u;
    struct bh_error perr;
    /* Not a UUID names no record: answered before the store is asked, in the same words. */
    if (!id || uuid_parse(id, &u, &perr) != 0)
        return bh_fail(err, path ? BH_ENOTFOUND : BH_EINVALID, field, "no incident '%.40s'",
                       id ? id : "");
    char canon[UUID_STR_LEN + 1];
    uuid_format(&u, canon);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " INCIDENT_COLUMNS ", i.owner_org_id, i.reporter_id FROM " INCIDENT_FROM
                   " WHERE i.id = ? AND ");
    db_params_text(&params, canon);
    incident_predicate(who, "i", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        fill(st, out);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, path ? BH_ENOTFOUND : BH_EINVALID, field, "no incident '%.40s'", id);
    return 0;
}

void incident__loaded_cleanup(struct incident__loaded *l)
{
    json_decref(l->json);
    l->json = NULL;
}

int incident__row_json_by_n(struct db *db, int64_t n, json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    *out = NULL;
    int rc = db_prepare(db, "SELECT " INCIDENT_COLUMNS " FROM " INCIDENT_FROM " WHERE i.n = ?", &st,
                        err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = incident_row_json(st, 0);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, BH_EINTERNAL, NULL, "incident row %lld vanished", (long long)n);
    return 0;
}

bool incident__read_audited(const struct principal *who, const char *tlp)
{
    return audit_read_needed(who, tlp);
}

int incident__audit_read(struct db *db, const struct principal *who, const char *record_id,
                         const json_t *summary, struct bh_error *err)
{
    return audit_read(db, who, "incident", record_id, summary, err);
}

int incident__assigned(struct db *db, const struct principal *who, const char *mission,
                       bool *assigned, struct bh_error *err)
{
    *assigned = false;
    if (!who || who->account_id == 0)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT 1 FROM account_mission WHERE account_id = ? AND mission = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->account_id);
    db_bind_text(st, 2, mission);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    *assigned = rc == DB_ROW;
    return 0;
}
