/* Mission-level actions: a commitment broken into what one organization does in one mission
 * by a day. Creating, reading, listing and changing them; progress updates are in update.c,
 * the overdue reminders in reminder.c. The API only parses and replies (src/api/actions.c). */
#include "action/action.h"

#include "action/internal.h"
#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "base/uuid.h"
#include "commitment/commitment.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "refdata/missions.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Setting actions commits an organization's people to work by a date: its representatives do
 * it. Reporting progress is everyday work of whoever carries it out, reporters included. */
const struct permission perm_action_write = {
    .name = "action.write",
    .label = N_("Set mission-level actions of commitments"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission perm_action_update = {
    .name = "action.update",
    .label = N_("Report progress on your organization's actions"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ENDORSER, REPORTER),
};

const struct permission *const action_permissions[] = { &perm_action_write, &perm_action_update,
                                                        NULL };

#define INDICATORS_MAX 50

void action_predicate(const struct principal *who, const char *alias, struct buf *sql,
                      struct db_params *params)
{
    sharing_predicate(who, "action", alias, sql, params);
}

char *action__notify_params(const char *title, const char *mission, const char *due_date)
{
    json_t *p =
        json_pack("{s:s, s:s, s:s}", "title", title, "mission", mission, "due_date", due_date);
    char *s = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    return s;
}

static bool valid_date(const char *s, int *y, int *m, int *d)
{
    struct bh_error e;
    return s && strlen(s) == 10 && time_parse_date(s, y, m, d, &e) == 0;
}

int action__read_indicator(const json_t *o, const char *field, struct action__indicator *out,
                           struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(o))
        return bh_fail(err, BH_EINVALID, field[0] ? field : "indicators",
                       "an indicator is an object {name, unit, baseline, target}");
    char key[64];
    snprintf(key, sizeof key, "%sname", field);
    const json_t *n = json_object_get(o, "name");
    if (!json_is_string(n) || json_string_length(n) < 1 || json_string_length(n) > 120 ||
        strlen(json_string_value(n)) != json_string_length(n))
        return bh_fail(err, BH_EINVALID, key, "%s must be a name of 1 to 120 characters", key);
    out->name = json_string_value(n);
    snprintf(key, sizeof key, "%sunit", field);
    const json_t *u = json_object_get(o, "unit");
    if (u && !json_is_null(u) && (!json_is_string(u) || json_string_length(u) > 60))
        return bh_fail(err, BH_EINVALID, key, "%s must be a text of at most 60 characters", key);
    out->unit = json_is_string(u) ? json_string_value(u) : "";
    snprintf(key, sizeof key, "%sbaseline", field);
    const json_t *b = json_object_get(o, "baseline");
    if (b && !json_is_null(b)) {
        if (!json_is_number(b) || !isfinite(json_number_value(b)))
            return bh_fail(err, BH_EINVALID, key, "%s must be a number", key);
        out->has_baseline = true;
        out->baseline = json_number_value(b);
    }
    snprintf(key, sizeof key, "%starget", field);
    const json_t *t = json_object_get(o, "target");
    if (!t || !json_is_number(t) || !isfinite(json_number_value(t)))
        return bh_fail(err, BH_EINVALID, key, "%s is required and must be a number", key);
    out->target = json_number_value(t);
    return 0;
}

/* The values of an action being written: the body's, over the defaults or the stored row. */
struct avals {
    char title[201];
    const char *description;
    char mission[32];
    int64_t responsible_org_id;
    char responsible_code[32];
    char unit[201];
    char due_date[11];
    char time_zone[TZ_NAME_MAX + 1];
    bool zone_given;
    int64_t due_ms;
    const json_t *indicators;
    struct sharing_marking m;
};

static int read_org(struct db *db, const char *code, int64_t *id, struct bh_error *err)
{
    bool found = false;
    *id = 0;
    int rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(code)), id,
                            &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_EINVALID, "responsible_org", "unknown organization '%.40s'", code);
    return rc;
}

/* Reads `body` over `v` and checks each member. `create` makes title, mission,
 * responsible_org and due_date required; `made_on` (NULL: unknown) bounds the due date. */
static int read_body(struct db *db, const struct principal *who, const json_t *body, bool create,
                     const char *made_on, struct avals *v, struct bh_error *err)
{
    static const char *const known[] = { "title",           "description",      "mission",
                                         "responsible_org", "responsible_unit", "due_date",
                                         "time_zone",       "indicators",       "tlp",
                                         "sharing_group",   "recipients",       NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "an action must be a JSON object");
    if (!create && json_object_get(body, "status"))
        return bh_fail(err, BH_EINVALID, "status",
                       "status changes through a progress update (POST .../updates), not here");
    if (!create && json_object_get(body, "indicators"))
        return bh_fail(err, BH_EINVALID, "indicators",
                       "indicators are added one by one (POST .../indicators)");
    int rc = jsonfield_check_known(body, known, err);
    const char *s = NULL;
    if (!rc && !(rc = jsonfield_string(body, "title", create, 200, &s, err)) && s) {
        if (!*s)
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        snprintf(v->title, sizeof v->title, "%s", s);
    }
    if (!rc && !(rc = jsonfield_string(body, "description", false, 100000, &s, err)) && s)
        v->description = s;
    if (!rc && !(rc = jsonfield_string(body, "responsible_unit", false, 200, &s, err)) && s)
        snprintf(v->unit, sizeof v->unit, "%s", s);
    if (rc)
        return rc;
    bool mission_given = false;
    if ((rc = jsonfield_string(body, "mission", create, 31, &s, err)))
        return rc;
    if (s) {
        const struct mission_ref *mr = refdata_mission_find(s);
        if (!mr)
            return bh_fail(err, BH_EINVALID, "mission", "unknown mission '%.40s'", s);
        if (mr->end_date)
            return bh_fail(err, BH_EINVALID, "mission",
                           "mission %s ended on %s: an action needs an active mission", s,
                           mr->end_date);
        snprintf(v->mission, sizeof v->mission, "%s", s);
        mission_given = true;
    }
    if ((rc = jsonfield_string(body, "responsible_org", create, 31, &s, err)))
        return rc;
    if (s) {
        if ((rc = read_org(db, s, &v->responsible_org_id, err)))
            return rc;
        snprintf(v->responsible_code, sizeof v->responsible_code, "%s", s);
    }
    bool due_given = false;
    if ((rc = jsonfield_string(body, "due_date", create, 10, &s, err)))
        return rc;
    int y, mo, d;
    if (s) {
        if (!valid_date(s, &y, &mo, &d))
            return bh_fail(err, BH_EINVALID, "due_date",
                           "due_date must be a date YYYY-MM-DD, not '%.40s'", s);
        snprintf(v->due_date, sizeof v->due_date, "%s", s);
        due_given = true;
    }
    if (made_on && strcmp(v->due_date, made_on) < 0)
        return bh_fail(err, BH_EINVALID, "due_date",
                       "due_date (%s) comes before the commitment was made (%s)", v->due_date,
                       made_on);
    if ((rc = jsonfield_string(body, "time_zone", false, TZ_NAME_MAX, &s, err)))
        return rc;
    if (s) {
        if (!tz_valid(s))
            return bh_fail(err, BH_EINVALID, "time_zone",
                           "unknown time zone '%.63s' (an IANA name such as Africa/Bangui)", s);
        snprintf(v->time_zone, sizeof v->time_zone, "%s", s);
        v->zone_given = true;
    } else if (create || (mission_given && !v->zone_given)) {
        const struct mission_ref *mr = refdata_mission_find(v->mission);
        if (mr && mr->host_iso3)
            tz_for_country(mr->host_iso3, mr->hq_city, v->time_zone);
        else
            snprintf(v->time_zone, sizeof v->time_zone, "UTC");
    }
    if (create || due_given || s || mission_given) {
        if (!valid_date(v->due_date, &y, &mo, &d))
            return bh_fail(err, BH_EINVALID, "due_date", "due_date is required");
        if ((rc = tz_end_of_day(v->time_zone, y, mo, d, &v->due_ms, err)))
            return rc;
    }
    const json_t *ind = json_object_get(body, "indicators");
    if (ind && !json_is_null(ind)) {
        if (!json_is_array(ind) || json_array_size(ind) > INDICATORS_MAX)
            return bh_fail(err, BH_EINVALID, "indicators",
                           "indicators must be a list of at most %d objects", INDICATORS_MAX);
        for (size_t i = 0; i < json_array_size(ind); i++) {
            char field[48];
            snprintf(field, sizeof field, "indicators[%zu].", i);
            struct action__indicator a;
            if ((rc = action__read_indicator(json_array_get(ind, i), field, &a, err)))
                return rc;
            for (size_t j = 0; j < i; j++)
                if (strcmp(json_string_value(json_object_get(json_array_get(ind, j), "name")),
                           a.name) == 0) {
                    char key[40];
                    snprintf(key, sizeof key, "indicators[%zu].name", i);
                    return bh_fail(err, BH_EINVALID, key,
                                   "indicators[%zu].name '%.60s' repeats indicators[%zu]", i,
                                   a.name, j);
                }
        }
        v->indicators = ind;
    }
    if ((rc = sharing_marking_read(body, false, &v->m, err)))
        return rc;
    return sharing_marking_check(db, who, &v->m, "action", err);
}

/* Whether organization `org` can read a record owned by `owner` with marking `m`: a RED record
 * through one of its readers (the names given, else the stored readers of (`type`, `rid`),
 * and the writer). An action its responsible organization cannot read could not be carried
 * out, nor its progress reported. */
static int responsible_reads(struct db *db, const struct principal *who, int64_t org, int64_t owner,
                             const struct sharing_marking *m, const char *type, const char *rid,
                             struct bh_error *err)
{
    bool ok = false;
    int rc = 0;
    switch (m->tlp) {
    case TLP_CLEAR:
    case TLP_GREEN:
        ok = true;
        break;
    case TLP_AMBER:
        ok = org == owner;
        if (!ok)
            rc = db_exec_params(db,
                                "SELECT 1 FROM sharing_group_member WHERE group_id = ? AND "
                                "org_id = ?",
                                DB_PARAMS(DB_INT(m->group), DB_INT(org)), NULL, &ok, err);
        break;
    case TLP_AMBER_STRICT:
        ok = org == owner;
        break;
    default:
        ok = who && who->org_id == org && who->account_id > 0;
        if (!ok && m->recipients) {
            for (size_t i = 0; !rc && !ok && i < json_array_size(m->recipients); i++)
                rc = db_exec_params(
                    db, "SELECT 1 FROM account WHERE username = ? AND org_id = ?",
                    DB_PARAMS(DB_TEXT(json_string_value(json_array_get(m->recipients, i))),
                              DB_INT(org)),
                    NULL, &ok, err);
        } else if (!ok && type) {
            rc =
                db_exec_params(db,
                               "SELECT 1 FROM tlp_recipient r JOIN account a ON a.id = "
                               "r.account_id WHERE r.record_type = ? AND r.record_id = ? AND "
                               "a.org_id = ?",
                               DB_PARAMS(DB_TEXT(type), DB_TEXT(rid), DB_INT(org)), NULL, &ok, err);
        }
        break;
    }
    if (!rc && !ok)
        rc = bh_fail(err, BH_EINVALID, "responsible_org",
                     "the responsible organization cannot read a %s action marked this way: "
                     "share it with that organization (a group it belongs to, or one of its "
                     "users as a recipient)",
                     tlp_label(m->tlp));
    return rc;
}

static int may(const struct principal *who, const struct permission *p, struct bh_error *err)
{
    if (!who || !role_can(who->role, p) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not do this (%s)",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous", p->name);
    return 0;
}

int action_check(struct db *db, const struct principal *who, const json_t *body,
                 const char *made_on, struct bh_error *err)
{
    int rc = may(who, &perm_action_write, err);
    if (rc)
        return rc;
    struct avals v = { .m = { .tlp = TLP_GREEN } };
    if ((rc = read_body(db, who, body, true, made_on, &v, err)))
        return rc;
    /* The commitment's marking is not known yet: the check is against the marking given. */
    if (v.m.tlp_given)
        rc = responsible_reads(db, who, v.responsible_org_id, who->org_id, &v.m, NULL, NULL, err);
    return rc;
}

static int insert_indicator(struct db *db, const char *id, const struct action__indicator *a,
                            struct bh_error *err)
{
    return db_exec_params(db,
                          "INSERT INTO action_indicator (action_id, name, unit, baseline, target) "
                          "VALUES (?, ?, ?, ?, ?)",
                          DB_PARAMS(DB_TEXT(id), DB_TEXT(a->name), DB_TEXT(a->unit),
                                    a->has_baseline ? DB_DOUBLE(a->baseline) : DB_TEXT(NULL),
                                    DB_DOUBLE(a->target)),
                          NULL, NULL, err);
}

int action_create(struct db *db, const struct principal *who, const char *commitment_id,
                  const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may(who, &perm_action_write, err);
    if (rc)
        return rc;
    char made_on[11];
    struct commitment_marking cm;
    if ((rc = commitment_made_on(db, who, commitment_id, made_on, &cm, err)))
        return rc;
    struct avals v = { .m = { .tlp = cm.tlp, .group = cm.group } };
    if ((rc = read_body(db, who, body, true, made_on, &v, err)))
        return rc;
    /* Without a marking of its own, the action is shared as its commitment is, RED readers
     * included. */
    bool inherit = !v.m.tlp_given && !v.m.recipients_given;
    if ((rc = responsible_reads(db, who, v.responsible_org_id, who->org_id, &v.m,
                                inherit ? "commitment" : NULL, commitment_id, err)))
        return rc;
    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1];
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if ((rc = db_begin(db, err)))
        return rc;
    rc = db_exec_params(
        db,
        "INSERT INTO mission_action (id, commitment_id, title, description, mission, "
        "responsible_org_id, responsible_unit, due_date, time_zone, due_ms, owner_org_id, tlp, "
        "sharing_group_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(commitment_id), DB_TEXT(v.title),
                  DB_TEXT(v.description ? v.description : ""), DB_TEXT(v.mission),
                  DB_INT(v.responsible_org_id), DB_TEXT(v.unit), DB_TEXT(v.due_date),
                  DB_TEXT(v.time_zone), DB_INT(v.due_ms), DB_INT(who->org_id),
                  DB_TEXT(tlp_column_value(v.m.tlp)), v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                  DB_TEXT(now)),
        NULL, NULL, err);
    for (size_t i = 0; !rc && v.indicators && i < json_array_size(v.indicators); i++) {
        struct action__indicator a;
        rc = action__read_indicator(json_array_get(v.indicators, i), "", &a, err);
        if (!rc)
            rc = insert_indicator(db, id, &a, err);
    }
    if (!rc && inherit && v.m.tlp == TLP_RED) {
        rc = sharing_marking_copy_readers(db, "commitment", commitment_id, "action", id, err);
        if (!rc && who->account_id > 0)
            rc = db_exec_params(db,
                                "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
                                "account_id) VALUES ('action', ?, ?)",
                                DB_PARAMS(DB_TEXT(id), DB_INT(who->account_id)), NULL, NULL, err);
    } else if (!rc) {
        rc = sharing_marking_store(db, "action", id, &v.m, who->account_id, err);
    }
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "commitment", commitment_id, "title", v.title,
                      "mission", v.mission, "due_date", v.due_date, "tlp", tlp_label(v.m.tlp));
        rc = audit_append(db, who, "action.create", "action", id, summary, err);
        json_decref(summary);
    }
    if (!rc) {
        char *params = action__notify_params(v.title, v.mission, v.due_date);
        char link[80];
        snprintf(link, sizeof link, "/actions/%s", id);
        rc = notify_org(db, v.responsible_org_id, "action.assigned", "action", id, params, link,
                        err);
        free(params);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return action__json(db, who, id, false, out, err);
}

/* ---- reading ---- */

#define SELECT_COLUMNS                                                                       \
    "SELECT a.id, a.commitment_id, a.title, a.description, a.mission, ro.code, ro.name, "    \
    "a.responsible_unit, a.due_date, a.time_zone, a.due_ms, a.status, a.status_reason, "     \
    "a.done_at, o.code, a.tlp, a.sharing_group_id, a.revision, a.created_at, a.updated_at, " \
    "a.owner_org_id, a.responsible_org_id FROM mission_action a JOIN org o ON o.id = "       \
    "a.owner_org_id JOIN org ro ON ro.id = a.responsible_org_id "
enum {
    COL_ID,
    COL_COMMITMENT,
    COL_TITLE,
    COL_DESC,
    COL_MISSION,
    COL_RESP,
    COL_RESP_NAME,
    COL_UNIT,
    COL_DUE_DATE,
    COL_ZONE,
    COL_DUE_MS,
    COL_STATUS,
    COL_REASON,
    COL_DONE_AT,
    COL_OWNER,
    COL_TLP,
    COL_GROUP,
    COL_REVISION,
    COL_CREATED,
    COL_UPDATED,
    COL_OWNER_ID,
    COL_RESP_ID,
};

static bool open_status(const char *s)
{
    return s && strcmp(s, "done") != 0 && strcmp(s, "dropped") != 0;
}

static json_t *commitment_ref(struct db *db, const struct principal *who, const char *cid)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT c.title FROM commitment c WHERE c.id = ? AND ");
    db_params_text(&params, cid);
    commitment_predicate(who, "c", &sql, &params);
    struct db_stmt *st;
    struct bh_error err;
    json_t *title = json_null();
    if (db_prepare_bound(db, buf_str(&sql), &params, &st, &err) == 0) {
        if (db_step(st, &err) == DB_ROW) {
            json_decref(title);
            title = json_string(db_column_text(st, 0));
        }
        db_stmt_done(st);
    }
    buf_cleanup(&sql);
    return json_pack("{s:s, s:o}", "id", cid, "title", title);
}

static int indicators_json(struct db *db, const char *id, json_t *items, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, name, unit, baseline, target, current, updated_at FROM "
                        "action_indicator WHERE action_id = ? ORDER BY id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:o, s:f, s:o, s:o}", "id", (json_int_t)db_column_int(st, 0),
                      "name", db_column_text(st, 1), "unit", db_column_text(st, 2), "baseline",
                      db_column_is_null(st, 3) ? json_null() : json_real(db_column_double(st, 3)),
                      "target", db_column_double(st, 4), "current",
                      db_column_is_null(st, 5) ? json_null() : json_real(db_column_double(st, 5)),
                      "updated_at",
                      db_column_is_null(st, 6) ? json_null() : json_string(db_column_text(st, 6)));
        json_array_append_new(items, o);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int row_json(struct db *db, const struct principal *who, struct db_stmt *st, int64_t now_ms,
                    json_t **out, struct bh_error *err)
{
    const char *zone = db_column_text(st, COL_ZONE);
    int64_t due_ms = db_column_int(st, COL_DUE_MS);
    char due_at[40], due_local[40];
    time_format_rfc3339(due_ms, 0, false, due_at);
    struct bh_error e2;
    if (tz_format_local(zone, due_ms, due_local, &e2))
        snprintf(due_local, sizeof due_local, "%s", due_at);
    const char *status = db_column_text(st, COL_STATUS);
    const char *done_at = db_column_text(st, COL_DONE_AT);
    json_t *o = json_pack(
        "{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o, "
        "s:s, s:I, s:s, s:s}",
        "id", db_column_text(st, COL_ID), "commitment",
        commitment_ref(db, who, db_column_text(st, COL_COMMITMENT)), "title",
        db_column_text(st, COL_TITLE), "description", db_column_text(st, COL_DESC), "mission",
        db_column_text(st, COL_MISSION), "responsible_org", db_column_text(st, COL_RESP),
        "responsible_org_name", db_column_text(st, COL_RESP_NAME), "responsible_unit",
        db_column_text(st, COL_UNIT), "due_date", db_column_text(st, COL_DUE_DATE), "time_zone",
        zone, "due_at", due_at, "due_at_local", due_local, "overdue",
        open_status(status) && due_ms <= now_ms, "status", status, "status_reason",
        db_column_text(st, COL_REASON), "done_at", done_at ? json_string(done_at) : json_null(),
        "owner", db_column_text(st, COL_OWNER), "revision",
        (json_int_t)db_column_int(st, COL_REVISION), "created_at", db_column_text(st, COL_CREATED),
        "updated_at", db_column_text(st, COL_UPDATED));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    json_t *ind = json_array();
    json_object_set_new(o, "indicators", ind);
    int rc = indicators_json(db, db_column_text(st, COL_ID), ind, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* Action `id` (SELECT_COLUMNS) as `who` sees it, or without the predicate for `who` NULL. */
static int select_one(struct db *db, const struct principal *who, const char *id,
                      struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_COLUMNS, "a", who ? action_predicate : NULL, id, st,
                                N_("no action has the id '%.40s'"), err);
}

int action__read(struct db *db, const struct principal *who, const char *id, struct action__row *r,
                 struct bh_error *err)
{
    struct db_stmt *st;
    int rc = select_one(db, who, id, &st, err);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", db_column_text(st, COL_ID));
    snprintf(r->commitment_id, sizeof r->commitment_id, "%s", db_column_text(st, COL_COMMITMENT));
    snprintf(r->title, sizeof r->title, "%s", db_column_text(st, COL_TITLE));
    snprintf(r->mission, sizeof r->mission, "%s", db_column_text(st, COL_MISSION));
    snprintf(r->due_date, sizeof r->due_date, "%s", db_column_text(st, COL_DUE_DATE));
    snprintf(r->time_zone, sizeof r->time_zone, "%s", db_column_text(st, COL_ZONE));
    snprintf(r->status, sizeof r->status, "%s", db_column_text(st, COL_STATUS));
    snprintf(r->tlp, sizeof r->tlp, "%s", db_column_text(st, COL_TLP));
    r->group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
    r->owner_org_id = db_column_int(st, COL_OWNER_ID);
    r->responsible_org_id = db_column_int(st, COL_RESP_ID);
    r->revision = db_column_int(st, COL_REVISION);
    db_stmt_done(st);
    return 0;
}

int action__json(struct db *db, const struct principal *who, const char *id, bool with_updates,
                 json_t **out, struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = select_one(db, NULL, id, &st, err);
    if (rc)
        return rc;
    rc = row_json(db, who, st, time_now_ms(), out, err);
    db_stmt_done(st);
    if (!rc && with_updates) {
        json_t *ups = json_array();
        json_object_set_new(*out, "updates", ups);
        rc = action__updates_json(db, who, id, ups, err);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int action_get(struct db *db, const struct principal *who, const char *id, json_t **out,
               struct bh_error *err)
{
    *out = NULL;
    struct action__row r;
    int rc = action__read(db, who, id, &r, err);
    if (!rc)
        rc = action__json(db, who, id, true, out, err);
    if (!rc && audit_read_needed(who, r.tlp) &&
        (rc = audit_read(db, who, "action", id, NULL, err))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static const char *const statuses[] = {
    "planned", "in_progress", "done", "blocked", "dropped", NULL
};

static bool is_status(const char *s)
{
    for (const char *const *p = statuses; *p; p++)
        if (strcmp(*p, s) == 0)
            return true;
    return false;
}

/* Runs the SELECT in `sql`/`params` and appends each row's JSON to `items`, at most `limit`
 * (0: no limit); *more says whether one more followed. Admin reads of restricted rows are
 * audited once. */
static int run_list(struct db *db, const struct principal *who, struct buf *sql,
                    struct db_params *params, int limit, json_t *items, bool *more,
                    struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(sql), params, &st, err);
    if (rc)
        return rc;
    int count = 0;
    int64_t now = time_now_ms();
    json_t *restricted = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (limit > 0 && count == limit) {
            if (more)
                *more = true;
            break;
        }
        json_t *o;
        if ((rc = row_json(db, who, st, now, &o, err)))
            break;
        json_array_append_new(items, o);
        if (audit_read_needed(who, db_column_text(st, COL_TLP)))
            json_array_append_new(restricted, json_string(db_column_text(st, COL_ID)));
        count++;
    }
    db_stmt_done(st);
    if (rc >= 0)
        rc = 0;
    if (!rc)
        rc = audit_read_ids(db, who, "action", restricted, err);
    json_decref(restricted);
    return rc;
}

int action_list(struct db *db, const struct principal *who, const struct action_filter *f,
                const char *after, int limit, json_t *items, bool *more, struct bh_error *err)
{
    *more = false;
    if (f->status && *f->status && !is_status(f->status))
        return bh_fail(err, BH_EINVALID, "status",
                       "status must be planned, in_progress, done, blocked or dropped, not "
                       "'%.40s'",
                       f->status);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, SELECT_COLUMNS "WHERE ");
    struct {
        const char *col, *value;
    } filters[] = { { "a.mission", f->mission },
                    { "ro.code", f->responsible_org },
                    { "a.status", f->status },
                    { "a.commitment_id", f->commitment } };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        if (!filters[i].value || !*filters[i].value)
            continue;
        buf_printf(&sql, "%s = ? AND ", filters[i].col);
        db_params_text(&params, filters[i].value);
    }
    if (f->overdue) {
        buf_puts(&sql, "a.status NOT IN ('done', 'dropped') AND a.due_ms <= ? AND ");
        db_params_int(&params, time_now_ms());
    }
    if (after && *after) {
        buf_puts(&sql, "a.id < ? AND ");
        db_params_text(&params, after);
    }
    action_predicate(who, "a", &sql, &params);
    buf_puts(&sql, " ORDER BY a.id DESC LIMIT ?");
    db_params_int(&params, limit + 1);
    int rc = run_list(db, who, &sql, &params, limit, items, more, err);
    buf_cleanup(&sql);
    return rc;
}

int action_list_of_commitment(struct db *db, const struct principal *who, const char *commitment_id,
                              json_t *items, struct bh_error *err)
{
    char made_on[11];
    int rc = commitment_made_on(db, who, commitment_id, made_on, NULL, err);
    if (rc)
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, SELECT_COLUMNS "WHERE a.commitment_id = ? AND ");
    db_params_text(&params, commitment_id);
    action_predicate(who, "a", &sql, &params);
    buf_puts(&sql, " ORDER BY a.due_ms, a.id");
    rc = run_list(db, who, &sql, &params, 0, items, NULL, err);
    buf_cleanup(&sql);
    return rc;
}

/* ---- changing ---- */

/* The stored action `id` for a change by its owner organization's writers or an admin. */
static int read_for_change(struct db *db, const struct principal *who, const char *id,
                           struct action__row *r, struct bh_error *err)
{
    int rc = may(who, &perm_action_write, err);
    if (!rc)
        rc = action__read(db, who, id, r, err);
    if (!rc && r->owner_org_id != who->org_id && who->role != ROLE_ADMIN)
        rc = bh_fail(err, BH_EDENIED, NULL, "only the organization that set an action changes it");
    return rc;
}

int action_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                  int64_t if_revision, json_t **out, struct bh_error *err)
{
    *out = NULL;
    struct action__row r;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = read_for_change(db, who, id, &r, err);
    if (!rc && if_revision > 0 && if_revision != r.revision)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the action is at revision %lld, not %lld: someone changed it since you "
                     "read it; read it again",
                     (long long)r.revision, (long long)if_revision);
    char made_on[11] = "";
    if (!rc)
        rc = commitment_made_on(db, NULL, r.commitment_id, made_on, NULL, err);
    struct avals v = { 0 };
    if (!rc) {
        snprintf(v.title, sizeof v.title, "%s", r.title);
        snprintf(v.mission, sizeof v.mission, "%s", r.mission);
        snprintf(v.due_date, sizeof v.due_date, "%s", r.due_date);
        snprintf(v.time_zone, sizeof v.time_zone, "%s", r.time_zone);
        v.zone_given = true; /* a stored zone stays unless given again */
        v.due_ms = -1;
        int t = tlp_parse(r.tlp);
        v.m.tlp = t < 0 ? TLP_RED : (enum tlp)t;
        v.m.group = r.group;
        v.responsible_org_id = r.responsible_org_id;
        rc = read_body(db, who, body, false, made_on, &v, err);
    }
    /* The responsible organization must still read the action after the change. */
    if (!rc)
        rc = responsible_reads(db, who, v.responsible_org_id, r.owner_org_id, &v.m,
                               v.m.recipients_given ? NULL : "action", id, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    const char *unit = json_string_value(json_object_get(body, "responsible_unit"));
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE mission_action SET title = ?, description = coalesce(?, description), "
            "mission = ?, responsible_org_id = ?, responsible_unit = coalesce(?, "
            "responsible_unit), due_date = ?, time_zone = ?, due_ms = CASE WHEN ? >= 0 THEN ? "
            "ELSE due_ms END, tlp = ?, sharing_group_id = ?, revision = revision + 1, "
            "updated_at = ? WHERE id = ?",
            DB_PARAMS(DB_TEXT(v.title), DB_TEXT(v.description), DB_TEXT(v.mission),
                      DB_INT(v.responsible_org_id), DB_TEXT(unit), DB_TEXT(v.due_date),
                      DB_TEXT(v.time_zone), DB_INT(v.due_ms), DB_INT(v.due_ms),
                      DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(now), DB_TEXT(id)),
            NULL, NULL, err);
    if (!rc && (v.m.recipients_given || strcmp(r.tlp, tlp_column_value(v.m.tlp)) != 0))
        rc = sharing_marking_store(db, "action", id, &v.m, who->account_id, err);
    if (!rc) {
        json_t *keys = jsonfield_keys(body);
        json_t *summary = json_pack("{s:o}", "changed", keys);
        rc = audit_append(db, who, "action.update", "action", id, summary, err);
        json_decref(summary);
    }
    if (!rc && v.responsible_org_id != r.responsible_org_id) {
        char *params = action__notify_params(v.title, v.mission, v.due_date);
        char link[80];
        snprintf(link, sizeof link, "/actions/%s", id);
        rc = notify_org(db, v.responsible_org_id, "action.assigned", "action", id, params, link,
                        err);
        free(params);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return action__json(db, who, id, true, out, err);
}

int action_add_indicator(struct db *db, const struct principal *who, const char *id,
                         const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    static const char *const known[] = { "name", "unit", "baseline", "target", NULL };
    struct action__row r;
    struct action__indicator a;
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = action__read_indicator(body, "", &a, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = read_for_change(db, who, id, &r, err);
    bool dup = false;
    if (!rc)
        rc = db_exec_params(db, "SELECT 1 FROM action_indicator WHERE action_id = ? AND name = ?",
                            DB_PARAMS(DB_TEXT(id), DB_TEXT(a.name)), NULL, &dup, err);
    if (!rc && dup)
        rc = bh_fail(err, BH_EINVALID, "name", "the action has an indicator '%.60s' already",
                     a.name);
    if (!rc)
        rc = insert_indicator(db, id, &a, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE mission_action SET revision = revision + 1, updated_at = ? "
                            "WHERE id = ?",
                            DB_PARAMS(DB_TEXT(now), DB_TEXT(id)), NULL, NULL, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s}", "indicator", a.name);
        rc = audit_append(db, who, "action.indicator", "action", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return action__json(db, who, id, true, out, err);
}
