/* Alerts: the permission, the visibility predicate, the row writer and reader, the list, and
 * acknowledgement. Sending (validation and targeting) is in send.c, the CAP mapping in
 * cap_map.c. docs/alerts.md states the rules. */
#include "alert/internal.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct permission perm_alert_send = { "alert.send", N_("Send and import alerts"),
                                            ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ENDORSER) };

const struct permission *const alert_permissions[] = { &perm_alert_send, NULL };

static char trusted_certs[512];

void alert_set_trusted_certs(const char *dir)
{
    snprintf(trusted_certs, sizeof trusted_certs, "%s", dir ? dir : "");
}

const char *alert_trusted_certs(void)
{
    return trusted_certs;
}

int alert_read_cap(const char *xml, size_t len, const char *trusted_dir, struct arena *a,
                   struct cap_alert *cap, bool *verified, struct bh_error *err)
{
    *verified = false;
    int rc = cap_parse(xml, len, a, cap, err);
    if (!rc && cap->has_signature && trusted_dir && *trusted_dir)
        rc = cap_verify_signature(xml, len, trusted_dir, verified, err);
    return rc;
}

void alert_predicate(const struct principal *who, const char *alias, struct buf *sql,
                     struct db_params *params)
{
    sharing_predicate(who, "alert", alias, sql, params);
}

void alert__cap_time(int64_t ms, int offset_min, char out[40])
{
    int n = time_format_rfc3339(ms, offset_min, false, out);
    /* time_format_rfc3339 writes "Z" for UTC; CAP forbids it. */
    if (n > 0 && n < 33 && out[n - 1] == 'Z')
        memcpy(out + n - 1, "+00:00", 7);
}

int alert__norm_time(const char *s, const char *field, char out[40], struct bh_error *err)
{
    int64_t ms;
    int off = 0;
    struct bh_error perr;
    if (time_parse_rfc3339(s, &ms, &off, &perr))
        return bh_fail(err, BH_EINVALID, field,
                       "'%.40s' is not a date and time with an offset "
                       "(2026-12-07T10:00:00+01:00)",
                       s);
    alert__cap_time(ms, off, out);
    return 0;
}

/* The instant of a CAP time we wrote, or -1. */
static int64_t instant(const char *s)
{
    int64_t ms;
    struct bh_error e;
    return s && time_parse_rfc3339(s, &ms, NULL, &e) == 0 ? ms : -1;
}

static const char *info_text(const json_t *info, const char *key)
{
    return json_string_value(json_object_get(info, key));
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void extend(double box[4], bool *any, double lat, double lon)
{
    if (!*any) {
        box[0] = box[2] = lat;
        box[1] = box[3] = lon;
        *any = true;
        return;
    }
    if (lat < box[0])
        box[0] = lat;
    if (lat > box[2])
        box[2] = lat;
    if (lon < box[1])
        box[1] = lon;
    if (lon > box[3])
        box[3] = lon;
}

/* The bounding box (min lat, min lon, max lat, max lon) of every area of every info block;
 * a circle counts as the square around it (a degree of latitude taken as 111 km). */
static bool areas_box(const json_t *infos, double box[4])
{
    bool any = false;
    size_t i, j, k;
    json_t *info, *area, *pt;
    json_array_foreach(infos, i, info)
    {
        json_array_foreach(json_object_get(info, "areas"), j, area)
        {
            json_array_foreach(json_object_get(area, "polygon"), k, pt)
                extend(box, &any, json_number_value(json_array_get(pt, 0)),
                       json_number_value(json_array_get(pt, 1)));
            const json_t *c = json_object_get(area, "circle");
            if (json_is_object(c)) {
                double lat = json_number_value(json_object_get(c, "lat"));
                double lon = json_number_value(json_object_get(c, "lon"));
                double r = json_number_value(json_object_get(c, "radius_km")) / 111.0;
                extend(box, &any, lat - r, lon - r);
                extend(box, &any, lat + r, lon + r);
            }
        }
    }
    return any;
}

int alert__insert(struct db *db, const struct alert__row *r, char id_out[37], struct bh_error *err)
{
    char id[UUID_STR_LEN + 1], now[40], sent[40], ident[64];
    if (r->id)
        snprintf(id, sizeof id, "%s", r->id);
    else {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, id);
    }
    alert__cap_time(time_now_ms(), 0, now);
    snprintf(sent, sizeof sent, "%s", r->sent ? r->sent : now);
    snprintf(ident, sizeof ident, "urn:uuid:%s", id);
    const json_t *first = json_array_get(r->infos, 0);
    const char *expires = info_text(first, "expires");
    double box[4];
    bool has_box = areas_box(r->infos, box);
    char *infos = json_dumps(r->infos, JSON_COMPACT);
    if (!infos)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, id);
    db_params_int(&p, r->owner_org_id);
    db_params_text(&p, r->tlp);
    if (r->sharing_group_id)
        db_params_int(&p, r->sharing_group_id);
    else
        db_params_null(&p);
    db_params_text(&p, r->identifier ? r->identifier : ident);
    db_params_text(&p, r->sender);
    db_params_text(&p, sent);
    db_params_text(&p, r->status);
    db_params_text(&p, r->msg_type);
    db_params_text(&p, r->references_text);
    db_params_text(&p, or_empty(info_text(first, "event")));
    db_params_text(
        &p, or_empty(json_string_value(json_array_get(json_object_get(first, "category"), 0))));
    db_params_text(&p, or_empty(info_text(first, "urgency")));
    db_params_text(&p, or_empty(info_text(first, "severity")));
    db_params_text(&p, or_empty(info_text(first, "certainty")));
    db_params_text(&p, info_text(first, "headline"));
    db_params_text(&p, info_text(first, "description"));
    db_params_text(&p, info_text(first, "effective"));
    db_params_text(&p, info_text(first, "onset"));
    db_params_text(&p, expires);
    if (expires)
        db_params_int(&p, instant(expires));
    else
        db_params_null(&p);
    db_params_text(&p, infos);
    for (int i = 0; i < 4; i++)
        if (has_box)
            db_params_double(&p, box[i]);
        else
            db_params_null(&p);
    db_params_text(&p, r->origin);
    db_params_int(&p, r->signature_verified ? 1 : 0);
    if (r->created_by)
        db_params_int(&p, r->created_by);
    else
        db_params_null(&p);
    db_params_text(&p, now);
    db_params_text(&p, now);
    free(infos);
    int rc = db_exec_params(
        db,
        "INSERT INTO alert (id, owner_org_id, tlp, sharing_group_id, identifier, sender, sent, "
        "status, msg_type, references_text, event, category, urgency, severity, certainty, "
        "headline, description, effective, onset, expires, expires_ms, info_json, min_lat, "
        "min_lon, max_lat, max_lon, origin, signature_verified, created_by, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &p, NULL, NULL, err);
    db_params_cleanup(&p);
    if (rc)
        return rc;
    snprintf(id_out, UUID_STR_LEN + 1, "%s", id);
    return 0;
}

/* The columns every read takes, in the order row_json reads them. */
#define ALERT_COLUMNS                                                                          \
    "a.id, a.identifier, a.sender, a.sent, a.status, a.msg_type, a.references_text, a.state, " \
    "a.tlp, a.sharing_group_id, o.code, a.info_json, a.origin, a.signature_verified, "         \
    "a.created_at, a.updated_at, a.owner_org_id, r.org_id, r.acknowledged_at, a.expires"
enum {
    C_ID,
    C_IDENTIFIER,
    C_SENDER,
    C_SENT,
    C_STATUS,
    C_MSG_TYPE,
    C_REFERENCES,
    C_STATE,
    C_TLP,
    C_GROUP,
    C_OWNER,
    C_INFO,
    C_ORIGIN,
    C_SIGNED,
    C_CREATED,
    C_UPDATED,
    C_OWNER_ID,
    C_RECIPIENT,
    C_ACKED,
    C_EXPIRES,
};

/* FROM with the reader's recipient row: its value (the reader's org) is the first param. */
#define ALERT_FROM                                      \
    " FROM alert a JOIN org o ON o.id = a.owner_org_id" \
    " LEFT JOIN alert_recipient r ON r.alert_id = a.id AND r.org_id = ?"

static json_t *text_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *row_json(struct db_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", text_at(st, C_ID));
    json_object_set_new(o, "identifier", text_at(st, C_IDENTIFIER));
    json_object_set_new(o, "sender", text_at(st, C_SENDER));
    json_object_set_new(o, "sender_org", text_at(st, C_OWNER));
    json_object_set_new(o, "sent", text_at(st, C_SENT));
    json_object_set_new(o, "status", text_at(st, C_STATUS));
    json_object_set_new(o, "msg_type", text_at(st, C_MSG_TYPE));
    json_object_set_new(o, "references", text_at(st, C_REFERENCES));
    json_object_set_new(o, "state", text_at(st, C_STATE));
    int t = tlp_parse(db_column_text(st, C_TLP));
    json_object_set_new(o, "tlp", json_string(t >= 0 ? tlp_label((enum tlp)t) : ""));
    json_object_set_new(o, "sharing_group",
                        db_column_is_null(st, C_GROUP) ? json_null()
                                                       : json_integer(db_column_int(st, C_GROUP)));
    const char *info = db_column_text(st, C_INFO);
    json_t *infos = info ? json_loads(info, 0, NULL) : NULL;
    json_object_set_new(o, "info", infos ? infos : json_array());
    json_object_set_new(o, "origin", text_at(st, C_ORIGIN));
    json_object_set_new(o, "signature_verified", json_boolean(db_column_int(st, C_SIGNED)));
    json_object_set_new(o, "created_at", text_at(st, C_CREATED));
    json_object_set_new(o, "updated_at", text_at(st, C_UPDATED));
    json_object_set_new(o, "ack_required", json_boolean(!db_column_is_null(st, C_RECIPIENT)));
    json_object_set_new(o, "acknowledged_at", text_at(st, C_ACKED));
    int64_t exp = instant(db_column_text(st, C_EXPIRES));
    bool active =
        strcmp(db_column_text(st, C_STATE), "cancelled") != 0 && (exp < 0 || exp > time_now_ms());
    json_object_set_new(o, "active", json_boolean(active));
    return o;
}

static int canon_id(const char *id, char out[UUID_STR_LEN + 1], struct bh_error *err)
{
    struct uuid u;
    struct bh_error perr;
    if (!id || uuid_parse(id, &u, &perr) != 0)
        return bh_fail(err, BH_ENOTFOUND, "id", "no alert '%.40s'", id ? id : "");
    uuid_format(&u, out);
    return 0;
}

int alert__load(struct db *db, const struct principal *who, const char *id, json_t **out,
                int64_t *owner_org_id, char tlp[16], struct bh_error *err)
{
    char canon[UUID_STR_LEN + 1];
    int rc = canon_id(id, canon, err);
    if (rc)
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " ALERT_COLUMNS ALERT_FROM " WHERE a.id = ? AND ");
    db_params_int(&p, who->org_id);
    db_params_text(&p, canon);
    alert_predicate(who, "a", &sql, &p);
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        if (out)
            *out = row_json(st);
        if (owner_org_id)
            *owner_org_id = db_column_int(st, C_OWNER_ID);
        if (tlp)
            snprintf(tlp, 16, "%s", db_column_text(st, C_TLP));
        rc = 0;
    } else if (rc == DB_DONE)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no alert '%.40s'", id);
    db_stmt_done(st);
    return rc;
}

int alert_get(struct db *db, const struct principal *who, const char *id, json_t **out,
              struct bh_error *err)
{
    char tlp[16];
    int rc = alert__load(db, who, id, out, NULL, tlp, err);
    if (!rc && audit_read_needed(who, tlp)) {
        rc =
            audit_read(db, who, "alert", json_string_value(json_object_get(*out, "id")), NULL, err);
        if (rc) {
            json_decref(*out);
            *out = NULL;
        }
    }
    return rc;
}

/* The WHERE of a list after "WHERE ": filters, then the predicate. */
static void list_where(const struct principal *who, const struct alert_filter *f, int64_t now,
                       struct buf *sql, struct db_params *p)
{
    if (f->active_only) {
        buf_puts(sql, "a.state <> 'cancelled' AND (a.expires_ms IS NULL OR a.expires_ms > ?) AND ");
        db_params_int(p, now);
    }
    if (f->q && *f->q) {
        /* A substring anywhere in the three texts; LIKE's wildcards in it are literal. */
        struct buf pat = BUF_INIT;
        buf_putc(&pat, '%');
        for (const char *c = f->q; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                buf_putc(&pat, '\\');
            buf_putc(&pat, *c);
        }
        buf_putc(&pat, '%');
        buf_puts(sql, "(a.headline LIKE ? ESCAPE '\\' OR a.event LIKE ? ESCAPE '\\' OR "
                      "a.description LIKE ? ESCAPE '\\') AND ");
        for (int i = 0; i < 3; i++)
            db_params_text(p, buf_str(&pat));
        buf_cleanup(&pat);
    }
    if (f->severity) {
        buf_puts(sql, "a.severity = ? AND ");
        db_params_text(p, f->severity);
    }
    if (f->status) {
        buf_puts(sql, "a.status = ? AND ");
        db_params_text(p, f->status);
    }
    if (f->mission) {
        buf_puts(sql, "a.id IN (SELECT t.alert_id FROM alert_target t WHERE t.kind = 'mission' "
                      "AND t.value = ?) AND ");
        db_params_text(p, f->mission);
    }
    alert_predicate(who, "a", sql, p);
}

int alert_list(struct db *db, const struct principal *who, const struct alert_filter *f,
               const char *after, int limit, json_t *items, bool *more, int64_t *total,
               struct bh_error *err)
{
    int64_t now = time_now_ms();
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    int rc;
    if (total) {
        buf_puts(&sql, "SELECT count(*) FROM alert a WHERE ");
        list_where(who, f, now, &sql, &p);
        rc = db_exec_params(db, buf_str(&sql), &p, total, NULL, err);
        db_params_cleanup(&p);
        buf_reset(&sql);
        if (rc) {
            buf_cleanup(&sql);
            return rc;
        }
    }
    buf_puts(&sql, "SELECT " ALERT_COLUMNS ALERT_FROM " WHERE ");
    db_params_int(&p, who->org_id);
    if (after && *after) {
        buf_puts(&sql, "a.id < ? AND ");
        db_params_text(&p, after);
    }
    list_where(who, f, now, &sql, &p);
    buf_puts(&sql, " ORDER BY a.id DESC LIMIT ?");
    db_params_int(&p, limit + 1);
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    int n = 0;
    *more = false;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, row_json(st));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int alert__set_state(struct db *db, const char *id, const char *state, struct bh_error *err)
{
    char now[40];
    alert__cap_time(time_now_ms(), 0, now);
    int rc = db_exec_params(db, "UPDATE alert SET state = ?, updated_at = ? WHERE id = ?",
                            DB_PARAMS(DB_TEXT(state), DB_TEXT(now), DB_TEXT(id)), NULL, NULL, err);
    if (!rc)
        rc = feed_publish(db, "alert", strcmp(state, "cancelled") == 0 ? "cancelled" : "updated",
                          id, 0, NULL, err);
    return rc;
}

int alert_ack(struct db *db, const struct principal *who, const char *id, json_t **out,
              struct bh_error *err)
{
    json_t *rec = NULL;
    int64_t owner = 0;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = alert__load(db, who, id, &rec, &owner, NULL, err);
    if (!rc && !json_is_true(json_object_get(rec, "ack_required")))
        rc = bh_fail(err, BH_EDENIED, "org",
                     "your organization is not a recipient of this alert; only recipients "
                     "acknowledge it");
    const char *aid = rec ? json_string_value(json_object_get(rec, "id")) : NULL;
    bool first = rec && json_is_null(json_object_get(rec, "acknowledged_at"));
    if (!rc && first) {
        char now[40];
        alert__cap_time(time_now_ms(), 0, now);
        rc = db_exec_params(
            db,
            "UPDATE alert_recipient SET acknowledged_at = ?, acknowledged_by = ? "
            "WHERE alert_id = ? AND org_id = ? AND acknowledged_at IS NULL",
            DB_PARAMS(DB_TEXT(now), DB_INT(who->account_id), DB_TEXT(aid), DB_INT(who->org_id)),
            NULL, NULL, err);
        json_t *sum = json_pack("{s:s}", "org", who->org_code);
        if (!rc)
            rc = audit_append(db, who, "alert.ack", "alert", aid, sum, err);
        json_decref(sum);
        if (!rc) {
            json_t *params =
                json_pack("{s:s, s:s?}", "org", who->org_code, "headline",
                          json_string_value(json_object_get(
                              json_array_get(json_object_get(rec, "info"), 0), "headline")));
            char *ptxt = json_dumps(params, JSON_COMPACT);
            char link[64];
            snprintf(link, sizeof link, "/alerts/%s", aid);
            rc = notify_org(db, owner, "alert.acknowledged", "alert", aid, ptxt, link, err);
            free(ptxt);
            json_decref(params);
        }
    }
    if (!rc)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    if (!rc && first)
        feed_notify();
    json_decref(rec);
    if (rc)
        return rc;
    return alert_get(db, who, id, out, err);
}

int alert_acks(struct db *db, const struct principal *who, const char *id, json_t *items,
               struct bh_error *err)
{
    json_t *rec = NULL;
    int64_t owner = 0;
    int rc = alert__load(db, who, id, &rec, &owner, NULL, err);
    if (rc)
        return rc;
    const char *aid = json_string_value(json_object_get(rec, "id"));
    if (!(who->role == ROLE_ADMIN || (who->account_id && who->org_id == owner))) {
        json_decref(rec);
        return bh_fail(err, BH_EDENIED, NULL,
                       "only the sending organization and admins see who acknowledged");
    }
    struct db_stmt *st;
    rc = db_prepare(db,
                    "SELECT o.code, o.name, r.acknowledged_at, u.username FROM alert_recipient r "
                    "JOIN org o ON o.id = r.org_id LEFT JOIN account u ON u.id = "
                    "r.acknowledged_by WHERE r.alert_id = ? ORDER BY o.code",
                    &st, err);
    if (!rc) {
        db_bind_text(st, 1, aid);
        while ((rc = db_step(st, err)) == DB_ROW)
            json_array_append_new(items,
                                  json_pack("{s:o, s:o, s:o, s:o}", "org", text_at(st, 0), "name",
                                            text_at(st, 1), "acknowledged_at", text_at(st, 2),
                                            "acknowledged_by", text_at(st, 3)));
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_decref(rec);
    return rc;
}
