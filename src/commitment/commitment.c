/* Commitments: what the group (from a decision), Action for Peacekeeping or the 2017 Action
 * Plan commits to, carried out by mission-level actions (src/action/). Rules are here; the API
 * only parses and replies (src/api/commitments.c). */
#include "commitment/commitment.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Members' representatives speak for their organization's commitments; a reporter reports
 * progress on actions (action.update) but does not commit the organization. */
const struct permission perm_commitment_write = {
    .name = "commitment.write",
    .label = N_("Record your organization's commitments"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission *const commitment_permissions[] = { &perm_commitment_write, NULL };

static const char *const sources[] = { "group", "a4p", "ap2017", NULL };
static const char *const a4p_areas[] = { "politics",        "wps",         "protection",
                                         "safety_security", "performance", "peacebuilding",
                                         "partnerships",    "conduct",     NULL };
static const char *const ap2017_areas[] = { "mindsets", "capacities", "footprint", "accountability",
                                            NULL };

void commitment_predicate(const struct principal *who, const char *alias, struct buf *sql,
                          struct db_params *params)
{
    sharing_predicate(who, "commitment", alias, sql, params);
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static void join_list(const char *const *list, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (; *list && used < size; list++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", *list);
}

/* A member that must be one of `list` (or absent/null when not `required`). */
static int read_enum(const json_t *body, const char *key, const char *const *list, bool required,
                     const char **out, struct bh_error *err)
{
    *out = NULL;
    int rc = jsonfield_string(body, key, required, 40, out, err);
    if (rc || !*out)
        return rc;
    if (!in_list(list, *out)) {
        char allowed[200];
        join_list(list, allowed, sizeof allowed);
        return bh_fail(err, BH_EINVALID, key, "%s must be one of %s, not '%.40s'", key, allowed,
                       *out);
    }
    return 0;
}

bool commitment_valid_date(const char *s)
{
    int y, m, d;
    struct bh_error e;
    return s && strlen(s) == 10 && time_parse_date(s, &y, &m, &d, &e) == 0;
}

/* Decision `id` as `who` sees it: its UTC day into `day`. A decision hidden from `who` is
 * refused the same way as one that does not exist, so ids cannot be probed. */
static int visible_decision(struct db *db, const struct principal *who, const char *id,
                            char day[11], struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT substr(d.decided_at, 1, 10) FROM decision d WHERE d.id = ? AND ");
    db_params_text(&params, id);
    sharing_predicate(who, "decision", "d", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        snprintf(day, 11, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    if (rc == DB_DONE)
        return bh_fail(err, BH_EINVALID, "decision", "unknown decision '%.40s'", id);
    return rc < 0 ? rc : 0;
}

/* The values of a commitment being written: the body's, over the defaults or the stored row. */
struct cvals {
    char title[201];
    const char *description;
    char source[8];
    char decision[64];
    char a4p[32], ap2017[32];
    char made_on[11];
    struct sharing_marking m;
};

/* Reads `body` over `v` and checks it. `create` makes title and source required;
 * `decision_pending` lets a group commitment go without its decision (made later);
 * `forced_decision` is the decision the commitment is made from, whatever the body says. */
static int read_body(struct db *db, const struct principal *who, const json_t *body, bool create,
                     bool decision_pending, const char *forced_decision, struct cvals *v,
                     struct bh_error *err)
{
    static const char *const known[] = { "title",         "description", "source",  "decision",
                                         "a4p_area",      "ap2017_area", "made_on", "tlp",
                                         "sharing_group", "recipients",  NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "a commitment must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    const char *s = NULL;
    if (!rc && !(rc = jsonfield_string(body, "title", create, 200, &s, err)) && s) {
        if (!*s)
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        snprintf(v->title, sizeof v->title, "%s", s);
    }
    if (!rc && !(rc = jsonfield_string(body, "description", false, 100000, &s, err)) && s)
        v->description = s;
    if (rc)
        return rc;
    if (forced_decision) {
        snprintf(v->source, sizeof v->source, "group");
    } else if ((rc = read_enum(body, "source", sources, create, &s, err))) {
        return rc;
    } else if (s) {
        snprintf(v->source, sizeof v->source, "%s", s);
    }
    if ((rc = read_enum(body, "a4p_area", a4p_areas, false, &s, err)))
        return rc;
    if (s || json_is_null(json_object_get(body, "a4p_area")))
        snprintf(v->a4p, sizeof v->a4p, "%s", s ? s : "");
    if ((rc = read_enum(body, "ap2017_area", ap2017_areas, false, &s, err)))
        return rc;
    if (s || json_is_null(json_object_get(body, "ap2017_area")))
        snprintf(v->ap2017, sizeof v->ap2017, "%s", s ? s : "");
    if (strcmp(v->source, "a4p") == 0 && !v->a4p[0])
        return bh_fail(err, BH_EINVALID, "a4p_area",
                       "an Action for Peacekeeping commitment needs a4p_area (one of politics, "
                       "wps, protection, safety_security, performance, peacebuilding, "
                       "partnerships, conduct)");
    if (strcmp(v->source, "ap2017") == 0 && !v->ap2017[0])
        return bh_fail(err, BH_EINVALID, "ap2017_area",
                       "a 2017 Action Plan commitment needs ap2017_area (one of mindsets, "
                       "capacities, footprint, accountability)");
    char decision_day[11] = "";
    if (forced_decision) {
        snprintf(v->decision, sizeof v->decision, "%s", forced_decision);
        if ((rc = visible_decision(db, who, forced_decision, decision_day, err)))
            return rc;
    } else {
        const json_t *d = json_object_get(body, "decision");
        if (d && !json_is_null(d)) {
            if ((rc = jsonfield_string(body, "decision", false, 63, &s, err)))
                return rc;
            snprintf(v->decision, sizeof v->decision, "%s", s ? s : "");
        } else if (d) {
            v->decision[0] = '\0';
        }
        if (strcmp(v->source, "group") == 0 && !v->decision[0] && !decision_pending)
            return bh_fail(err, BH_EINVALID, "decision",
                           "a commitment of the group needs the decision it was made by");
        if (v->decision[0] && (rc = visible_decision(db, who, v->decision, decision_day, err)))
            return rc;
    }
    if ((rc = jsonfield_string(body, "made_on", false, 10, &s, err)))
        return rc;
    if (s) {
        if (!commitment_valid_date(s))
            return bh_fail(err, BH_EINVALID, "made_on",
                           "made_on must be a date YYYY-MM-DD, not '%.40s'", s);
        snprintf(v->made_on, sizeof v->made_on, "%s", s);
    } else if (create) {
        if (decision_day[0]) {
            snprintf(v->made_on, sizeof v->made_on, "%s", decision_day);
        } else {
            char now[40];
            time_format_rfc3339(time_now_ms(), 0, false, now);
            snprintf(v->made_on, sizeof v->made_on, "%.10s", now);
        }
    }
    if ((rc = sharing_marking_read(body, false, &v->m, err)))
        return rc;
    return sharing_marking_check(db, who, &v->m, "commitment", err);
}

static int may_write(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, &perm_commitment_write) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not record commitments",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

int commitment_check(struct db *db, const struct principal *who, const json_t *body,
                     bool decision_pending, struct bh_error *err)
{
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct cvals v = { .m = { .tlp = TLP_GREEN } };
    return read_body(db, who, body, true, decision_pending, NULL, &v, err);
}

/* The columns every read takes, in this order (COL_*). */
#define SELECT_COLUMNS                                                                        \
    "SELECT c.id, c.title, c.description, c.source, c.decision_id, c.a4p_area, "              \
    "c.ap2017_area, c.made_on, o.code, c.tlp, c.sharing_group_id, c.revision, c.created_at, " \
    "c.updated_at, c.owner_org_id FROM commitment c JOIN org o ON o.id = c.owner_org_id "
enum {
    COL_ID,
    COL_TITLE,
    COL_DESC,
    COL_SOURCE,
    COL_DECISION,
    COL_A4P,
    COL_AP2017,
    COL_MADE_ON,
    COL_OWNER,
    COL_TLP,
    COL_GROUP,
    COL_REVISION,
    COL_CREATED,
    COL_UPDATED,
    COL_OWNER_ID,
};

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The decision as `who` may see it: {id, title}, or null when there is none or it is hidden. */
static json_t *decision_json(struct db *db, const struct principal *who, const char *id)
{
    if (!id)
        return json_null();
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT d.title FROM decision d WHERE d.id = ? AND ");
    db_params_text(&params, id);
    sharing_predicate(who, "decision", "d", &sql, &params);
    struct db_stmt *st;
    struct bh_error err;
    json_t *o = json_null();
    if (db_prepare_bound(db, buf_str(&sql), &params, &st, &err) == 0) {
        if (db_step(st, &err) == DB_ROW) {
            json_decref(o);
            o = json_pack("{s:s, s:s}", "id", id, "title", db_column_text(st, 0));
        }
        db_stmt_done(st);
    }
    buf_cleanup(&sql);
    return o;
}

static const char *const action_statuses[] = { "planned", "in_progress", "done",
                                               "blocked", "dropped",     NULL };

/* {total, planned, in_progress, done, blocked, dropped, overdue} of the commitment's actions
 * `who` may see, at time_now_ms(). */
static int action_counts(struct db *db, const struct principal *who, const char *commitment_id,
                         json_t **out, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT a.status, count(*), sum(a.status NOT IN ('done', 'dropped') AND "
                   "a.due_ms <= ?) FROM mission_action a WHERE a.commitment_id = ? AND ");
    db_params_int(&params, time_now_ms());
    db_params_text(&params, commitment_id);
    /* The actions' own predicate (action_predicate is this, and action/ includes this
     * module, not the other way round). */
    sharing_predicate(who, "action", "a", &sql, &params);
    buf_puts(&sql, " GROUP BY a.status");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_int_t total = 0, overdue = 0;
    json_t *o = json_object();
    for (const char *const *p = action_statuses; *p; p++)
        json_object_set_new(o, *p, json_integer(0));
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_int_t n = (json_int_t)db_column_int(st, 1);
        json_object_set_new(o, db_column_text(st, 0), json_integer(n));
        total += n;
        overdue += (json_int_t)db_column_int(st, 2);
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "overdue", json_integer(overdue));
    *out = o;
    return 0;
}

static int row_json(struct db *db, const struct principal *who, struct db_stmt *st, json_t **out,
                    struct bh_error *err)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:s, s:s}", "id",
                  db_column_text(st, COL_ID), "title", db_column_text(st, COL_TITLE), "description",
                  db_column_text(st, COL_DESC), "source", db_column_text(st, COL_SOURCE),
                  "decision", decision_json(db, who, db_column_text(st, COL_DECISION)), "a4p_area",
                  text_or_null(db_column_text(st, COL_A4P)), "ap2017_area",
                  text_or_null(db_column_text(st, COL_AP2017)), "made_on",
                  db_column_text(st, COL_MADE_ON), "owner", db_column_text(st, COL_OWNER),
                  "revision", (json_int_t)db_column_int(st, COL_REVISION), "created_at",
                  db_column_text(st, COL_CREATED), "updated_at", db_column_text(st, COL_UPDATED));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    json_t *counts = NULL;
    int rc = action_counts(db, who, db_column_text(st, COL_ID), &counts, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "actions", counts);
    *out = o;
    return 0;
}

/* Commitment `id` as `who` sees it (`who` NULL: without the predicate, for its writer): 0 with
 * the row current in *st, or BH_ENOTFOUND. */
static int read_row(struct db *db, const struct principal *who, const char *id, struct db_stmt **st,
                    struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_COLUMNS, "c", who ? commitment_predicate : NULL, id,
                                st, N_("no commitment has the id '%.40s'"), err);
}

/* The commitment as its writer gets it back (no audited read). */
static int load(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_row(db, NULL, id, &st, err);
    if (rc)
        return rc;
    rc = row_json(db, who, st, out, err);
    db_stmt_done(st);
    return rc;
}

int commitment_create(struct db *db, const struct principal *who, const json_t *body,
                      const char *decision_id, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct cvals v = { .m = { .tlp = TLP_GREEN } };
    if ((rc = read_body(db, who, body, true, false, decision_id, &v, err)))
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
        "INSERT INTO commitment (id, title, description, source, decision_id, a4p_area, "
        "ap2017_area, made_on, owner_org_id, tlp, sharing_group_id, created_by, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(v.title), DB_TEXT(v.description ? v.description : ""),
                  DB_TEXT(v.source), DB_TEXT(v.decision[0] ? v.decision : NULL),
                  DB_TEXT(v.a4p[0] ? v.a4p : NULL), DB_TEXT(v.ap2017[0] ? v.ap2017 : NULL),
                  DB_TEXT(v.made_on), DB_INT(who->org_id), DB_TEXT(tlp_column_value(v.m.tlp)),
                  v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                  DB_TEXT(now)),
        NULL, NULL, err);
    if (!rc)
        rc = sharing_marking_store(db, "commitment", id, &v.m, who->account_id, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s}", "title", v.title, "source", v.source, "tlp",
                                    tlp_label(v.m.tlp));
        rc = audit_append(db, who, "commitment.create", "commitment", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return load(db, who, id, out, err);
}

int commitment_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                   struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = read_row(db, who, id, &st, err);
    if (rc)
        return rc;
    char tlp[16];
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, COL_TLP));
    rc = row_json(db, who, st, out, err);
    db_stmt_done(st);
    if (!rc && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "commitment", id, NULL, err);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int commitment_made_on(struct db *db, const struct principal *who, const char *id, char made_on[11],
                       struct commitment_marking *mk, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_row(db, who, id, &st, err);
    if (rc)
        return rc;
    snprintf(made_on, 11, "%s", db_column_text(st, COL_MADE_ON));
    if (mk) {
        int t = tlp_parse(db_column_text(st, COL_TLP));
        mk->tlp = t < 0 ? TLP_RED : (enum tlp)t;
        mk->group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
        mk->owner_org_id = db_column_int(st, COL_OWNER_ID);
        snprintf(mk->title, sizeof mk->title, "%s", db_column_text(st, COL_TITLE));
    }
    db_stmt_done(st);
    return 0;
}

int commitment_list(struct db *db, const struct principal *who, const struct commitment_filter *f,
                    const char *after, int limit, json_t *items, bool *more, struct bh_error *err)
{
    *more = false;
    const char *s;
    int rc = 0;
    struct bh_error ign;
    (void)ign;
    if (f->source && !in_list(sources, f->source))
        return bh_fail(err, BH_EINVALID, "source",
                       "source must be group, a4p or ap2017, not "
                       "'%.40s'",
                       f->source);
    if (f->a4p_area && !in_list(a4p_areas, f->a4p_area))
        return bh_fail(err, BH_EINVALID, "a4p_area", "unknown a4p_area '%.40s'", f->a4p_area);
    if (f->ap2017_area && !in_list(ap2017_areas, f->ap2017_area))
        return bh_fail(err, BH_EINVALID, "ap2017_area", "unknown ap2017_area '%.40s'",
                       f->ap2017_area);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, SELECT_COLUMNS "WHERE ");
    struct {
        const char *col, *value;
    } filters[] = { { "c.source", f->source },
                    { "c.a4p_area", f->a4p_area },
                    { "c.ap2017_area", f->ap2017_area },
                    { "c.decision_id", f->decision } };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        if (!(s = filters[i].value) || !*s)
            continue;
        buf_printf(&sql, "%s = ? AND ", filters[i].col);
        db_params_text(&params, s);
    }
    if (after && *after) {
        buf_puts(&sql, "c.id < ? AND ");
        db_params_text(&params, after);
    }
    commitment_predicate(who, "c", &sql, &params);
    buf_puts(&sql, " ORDER BY c.id DESC LIMIT ?");
    db_params_int(&params, limit + 1);
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    int count = 0;
    json_t *restricted = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            *more = true;
            break;
        }
        json_t *o;
        if ((rc = row_json(db, who, st, &o, err)))
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
        rc = audit_read_ids(db, who, "commitment", restricted, err);
    json_decref(restricted);
    return rc;
}

int commitment_update(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, int64_t if_revision, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct db_stmt *st;
    struct cvals v = { 0 };
    char before_tlp[16] = "";
    int64_t revision = 0;
    if (!(rc = read_row(db, who, id, &st, err))) {
        if (db_column_int(st, COL_OWNER_ID) != who->org_id && who->role != ROLE_ADMIN) {
            rc = bh_fail(err, BH_EDENIED, NULL,
                         "only the organization that recorded a commitment (%s) changes it",
                         db_column_text(st, COL_OWNER));
        } else {
            snprintf(v.title, sizeof v.title, "%s", db_column_text(st, COL_TITLE));
            v.description = NULL;
            snprintf(v.source, sizeof v.source, "%s", db_column_text(st, COL_SOURCE));
            const char *t = db_column_text(st, COL_DECISION);
            snprintf(v.decision, sizeof v.decision, "%s", t ? t : "");
            t = db_column_text(st, COL_A4P);
            snprintf(v.a4p, sizeof v.a4p, "%s", t ? t : "");
            t = db_column_text(st, COL_AP2017);
            snprintf(v.ap2017, sizeof v.ap2017, "%s", t ? t : "");
            snprintf(v.made_on, sizeof v.made_on, "%s", db_column_text(st, COL_MADE_ON));
            snprintf(before_tlp, sizeof before_tlp, "%s", db_column_text(st, COL_TLP));
            int tl = tlp_parse(before_tlp);
            v.m.tlp = tl < 0 ? TLP_RED : (enum tlp)tl;
            v.m.group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
            revision = db_column_int(st, COL_REVISION);
        }
        db_stmt_done(st);
    }
    if (!rc && if_revision > 0 && if_revision != revision)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the commitment is at revision %lld, not %lld: someone changed it since "
                     "you read it; read it again",
                     (long long)revision, (long long)if_revision);
    if (!rc)
        rc = read_body(db, who, body, false, false, NULL, &v, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE commitment SET title = ?, description = coalesce(?, description), "
            "source = ?, decision_id = ?, a4p_area = ?, ap2017_area = ?, made_on = ?, tlp = ?, "
            "sharing_group_id = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
            DB_PARAMS(DB_TEXT(v.title), DB_TEXT(v.description), DB_TEXT(v.source),
                      DB_TEXT(v.decision[0] ? v.decision : NULL), DB_TEXT(v.a4p[0] ? v.a4p : NULL),
                      DB_TEXT(v.ap2017[0] ? v.ap2017 : NULL), DB_TEXT(v.made_on),
                      DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(now), DB_TEXT(id)),
            NULL, NULL, err);
    /* The RED readers change when the marking enters or leaves RED, or the list is given. */
    if (!rc && (v.m.recipients_given || strcmp(before_tlp, tlp_column_value(v.m.tlp)) != 0))
        rc = sharing_marking_store(db, "commitment", id, &v.m, who->account_id, err);
    if (!rc) {
        json_t *summary = json_object();
        json_object_set_new(summary, "changed", jsonfield_keys(body));
        rc = audit_append(db, who, "commitment.update", "commitment", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return load(db, who, id, out, err);
}
