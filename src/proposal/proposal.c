/* Proposals under the silence procedure: opening, reading, positions, amendments, extensions
 * and withdrawal. What happens at the deadline is silence.c's; the worker that runs it is
 * worker.c's. The API only parses and replies (src/api/proposals.c). */
#include "proposal/internal.h"

#include "action/action.h"
#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "base/uuid.h"
#include "commitment/commitment.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/marking.h"
#include "sharing/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct permission perm_proposal_write = {
    .name = "proposal.write",
    .label = N_("Table proposals under the silence procedure"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

/* The co-chairs run the procedure: they extend a deadline or withdraw a proposal. */
const struct permission perm_proposal_chair = {
    .name = "proposal.chair",
    .label = N_("Extend and withdraw proposals (co-chairs)"),
    .roles = ROLES(ADMIN, COORDINATOR),
};

/* Those who speak for their organization state its position. Admins hold every permission
 * (unit/role_docs), but what decides is the organization's standing: only members and co-chairs
 * of the group take a side, so the secretariat's admins (a UN entity) and observers comment. */
const struct permission perm_proposal_position = {
    .name = "proposal.position",
    .label = N_("State your organization's position on proposals"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission *const proposal_permissions[] = { &perm_proposal_write,
                                                          &perm_proposal_chair,
                                                          &perm_proposal_position, NULL };

void proposal_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    sharing_predicate(who, "proposal", alias, sql, params);
}

#define HEAD_COLUMNS                                                                      \
    "SELECT p.id, p.title, p.status, p.version, p.deadline, p.deadline_ms, p.time_zone, " \
    "p.owner_org_id, o.code, p.tlp, p.sharing_group_id, p.created_at, p.meeting_id, "     \
    "p.closed_at, p.close_reason FROM proposal p JOIN org o ON o.id = p.owner_org_id "
enum {
    C_ID,
    C_TITLE,
    C_STATUS,
    C_VERSION,
    C_DEADLINE,
    C_DEADLINE_MS,
    C_ZONE,
    C_OWNER_ID,
    C_OWNER,
    C_TLP,
    C_GROUP,
    C_CREATED,
    C_MEETING,
    C_CLOSED,
    C_CLOSE_REASON,
};

static void row_from_stmt(struct db_stmt *st, struct proposal_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", db_column_text(st, C_ID));
    snprintf(r->title, sizeof r->title, "%s", db_column_text(st, C_TITLE));
    snprintf(r->status, sizeof r->status, "%s", db_column_text(st, C_STATUS));
    r->version = db_column_int(st, C_VERSION);
    snprintf(r->deadline, sizeof r->deadline, "%s", db_column_text(st, C_DEADLINE));
    r->deadline_ms = db_column_int(st, C_DEADLINE_MS);
    snprintf(r->time_zone, sizeof r->time_zone, "%s", db_column_text(st, C_ZONE));
    r->owner_org_id = db_column_int(st, C_OWNER_ID);
    snprintf(r->owner, sizeof r->owner, "%s", db_column_text(st, C_OWNER));
    int t = tlp_parse(db_column_text(st, C_TLP));
    r->tlp = t < 0 ? TLP_RED : (enum tlp)t;
    r->group = db_column_is_null(st, C_GROUP) ? 0 : db_column_int(st, C_GROUP);
}

/* Reads the head of `id` as `who` sees it: *st on the row, or BH_ENOTFOUND. */
static int read_visible(struct db *db, const struct principal *who, const char *id,
                        struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, HEAD_COLUMNS, "p", who ? proposal_predicate : NULL, id, st,
                                N_("no proposal has the id '%.40s'"), err);
}

int proposal_row_load(struct db *db, const struct principal *who, const char *id,
                      struct proposal_row *r, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    row_from_stmt(st, r);
    db_stmt_done(st);
    return 0;
}

int proposal_event_add(struct db *db, const char *id, const char *kind, int64_t version,
                       const char *deadline, const char *note, int64_t account_id, int64_t at_ms,
                       struct bh_error *err)
{
    char at[40];
    time_format_rfc3339(at_ms, 0, false, at);
    return db_exec_params(db,
                          "INSERT INTO proposal_event (proposal_id, kind, version, deadline, note, "
                          "account_id, at, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          DB_PARAMS(DB_TEXT(id), DB_TEXT(kind), DB_INT(version), DB_TEXT(deadline),
                                    DB_TEXT(note ? note : ""),
                                    account_id > 0 ? DB_INT(account_id) : DB_TEXT(NULL),
                                    DB_TEXT(at), DB_INT(at_ms)),
                          NULL, NULL, err);
}

/* The latest support/break_silence/abstain of each organization on a version. */
#define CURRENT_POSITIONS                                                                  \
    "SELECT pp.org_id, o.code, o.name, pp.position, pp.reasons, pp.created_at "            \
    "FROM proposal_position pp JOIN org o ON o.id = pp.org_id WHERE pp.proposal_id = ? "   \
    "AND pp.version = ? AND pp.position <> 'comment' AND pp.id = (SELECT max(q.id) FROM "  \
    "proposal_position q WHERE q.proposal_id = pp.proposal_id AND q.version = pp.version " \
    "AND q.org_id = pp.org_id AND q.position <> 'comment') "

int proposal_silence_broken(struct db *db, const char *id, int64_t version, bool *broken,
                            struct bh_error *err)
{
    int64_t n = 0;
    int rc = db_exec_params(
        db, "SELECT count(*) FROM (" CURRENT_POSITIONS ") WHERE position = 'break_silence'",
        DB_PARAMS(DB_TEXT(id), DB_INT(version)), &n, NULL, err);
    *broken = n > 0;
    return rc;
}

/* Whether organization `org_id` may read the proposal: a principal of the organization
 * reading with record.read, or (RED) one of its accounts among the readers. */
static int org_may_read(struct db *db, const char *id, int64_t org_id, bool *yes,
                        struct bh_error *err)
{
    struct principal p = { .org_id = org_id, .role = ROLE_FOCAL_POINT };
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT count(*) FROM proposal p WHERE p.id = ? AND (");
    db_params_text(&params, id);
    proposal_predicate(&p, "p", &sql, &params);
    buf_puts(&sql, " OR EXISTS (SELECT 1 FROM tlp_recipient r JOIN account a ON a.id = "
                   "r.account_id WHERE r.record_type = 'proposal' AND r.record_id = p.id AND "
                   "a.org_id = ?))");
    db_params_int(&params, org_id);
    int64_t n = 0;
    int rc = db_exec_params(db, buf_str(&sql), &params, &n, NULL, err);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    *yes = n > 0;
    return rc;
}

static char *params_json(const struct proposal_row *r, const json_t *extra)
{
    json_t *o = json_pack("{s:s, s:s}", "title", r->title, "deadline", r->deadline);
    if (extra)
        json_object_update(o, (json_t *)extra);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

int proposal_notify_readers(struct db *db, const struct proposal_row *r, const char *kind,
                            const json_t *extra, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id FROM org WHERE standing IN ('co_chair', 'member', 'observer') "
                        "ORDER BY id",
                        &st, err);
    if (rc)
        return rc;
    int64_t ids[512];
    size_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW && n < sizeof ids / sizeof ids[0])
        ids[n++] = db_column_int(st, 0);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    char link[80];
    snprintf(link, sizeof link, "/proposals/%s", r->id);
    char *params = params_json(r, extra);
    rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        bool yes = false;
        rc = org_may_read(db, r->id, ids[i], &yes, err);
        if (!rc && yes)
            rc = notify_org(db, ids[i], kind, "proposal", r->id, params, link, err);
    }
    free(params);
    return rc;
}

/* ---- reading and checking a body ---- */

static int prefix_field(struct bh_error *err, const char *prefix, int rc)
{
    if (!err)
        return rc;
    /* Built in room for both, then cut to the field's size: a name that long is a bug of ours,
     * and a cut name still says where to look. */
    char f[2 * sizeof err->field];
    snprintf(f, sizeof f, "%s%s%s", prefix, err->field[0] ? "." : "", err->field);
    size_t n = strnlen(f, sizeof err->field - 1);
    memcpy(err->field, f, n);
    err->field[n] = '\0';
    return rc;
}

/* Checks a plan ({commitment, actions}) as `who` would create it at adoption. */
static int check_plan(struct db *db, const struct principal *who, const json_t *plan,
                      struct bh_error *err)
{
    if (!json_is_object(plan))
        return bh_fail(err, BH_EINVALID, "plan",
                       "plan must be an object {\"commitment\": {...}, \"actions\": [...]}");
    static const char *const known[] = { "commitment", "actions", NULL };
    int rc = jsonfield_check_known(plan, known, err);
    if (rc)
        return prefix_field(err, "plan", rc);
    const json_t *c = json_object_get(plan, "commitment");
    if (!json_is_object(c))
        return bh_fail(err, BH_EINVALID, "plan.commitment",
                       "plan.commitment must be an object (a commitment)");
    if ((rc = commitment_check(db, who, c, true, err)))
        return prefix_field(err, "plan.commitment", rc);
    const char *made_on = json_string_value(json_object_get(c, "made_on"));
    const json_t *actions = json_object_get(plan, "actions");
    if (actions && !json_is_array(actions))
        return bh_fail(err, BH_EINVALID, "plan.actions", "plan.actions must be a list of actions");
    size_t i;
    const json_t *a;
    json_array_foreach(actions, i, a)
    {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "plan.actions[%zu]", i);
        if (!json_is_object(a))
            return bh_fail(err, BH_EINVALID, prefix, "%s must be an object (an action)", prefix);
        if ((rc = action_check(db, who, a, made_on, err)))
            return prefix_field(err, prefix, rc);
    }
    return 0;
}

/* A deadline written as `text` in `zone`, which must be after `after_ms`. */
static int read_deadline(const json_t *body, bool required, int64_t after_ms, int64_t *ms,
                         char zone[64], bool *given, struct bh_error *err)
{
    const char *d = NULL, *z = NULL;
    int rc = jsonfield_string(body, "deadline", required, 64, &d, err);
    if (!rc)
        rc = jsonfield_string(body, "time_zone", required || d, 63, &z, err);
    if (rc)
        return rc;
    *given = d != NULL;
    if (!d)
        return 0;
    if (!tz_valid(z))
        return bh_fail(err, BH_EINVALID, "time_zone", "unknown time zone '%.63s'", z);
    if ((rc = tz_parse_instant(d, z, ms, "deadline", err)))
        return rc;
    if (*ms <= after_ms) {
        char when[40];
        time_format_rfc3339(after_ms, 0, false, when);
        return bh_fail(err, BH_EINVALID, "deadline", "deadline (%.40s) must be after %s", d, when);
    }
    snprintf(zone, 64, "%s", z);
    return 0;
}

static const char *const position_names[] = { "support", "break_silence", "abstain", "comment",
                                              NULL };

static int org_standing(struct db *db, int64_t org_id, char out[16], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT standing FROM org WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, org_id);
    out[0] = 0;
    if ((rc = db_step(st, err)) == DB_ROW)
        snprintf(out, 16, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static bool is_sponsor(struct db *db, const char *id, int64_t org_id)
{
    int64_t n = 0;
    db_exec_params(db, "SELECT count(*) FROM proposal_sponsor WHERE proposal_id = ? AND org_id = ?",
                   DB_PARAMS(DB_TEXT(id), DB_INT(org_id)), &n, NULL, NULL);
    return n > 0;
}

/* ---- JSON ---- */

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *local_time(const char *zone, int64_t ms)
{
    char out[40];
    struct bh_error e;
    return tz_format_local(zone, ms, out, &e) ? json_null() : json_string(out);
}

static int add_sponsors(struct db *db, const char *id, json_t *o, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT o.code FROM proposal_sponsor s JOIN org o ON o.id = s.org_id WHERE "
                        "s.proposal_id = ? ORDER BY o.code",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    json_t *a = json_array();
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(a, json_string(db_column_text(st, 0)));
    db_stmt_done(st);
    json_object_set_new(o, "sponsors", a);
    return rc < 0 ? rc : 0;
}

static int add_counts(struct db *db, const char *id, int64_t version, json_t *o,
                      struct bh_error *err)
{
    json_t *counts = json_pack("{s:i, s:i, s:i, s:i}", "support", 0, "break_silence", 0, "abstain",
                               0, "comment", 0);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT position, count(*) FROM (" CURRENT_POSITIONS
                        ") GROUP BY position UNION ALL SELECT 'comment', count(*) FROM "
                        "proposal_position WHERE proposal_id = ? AND version = ? AND position = "
                        "'comment'",
                        &st, err);
    if (!rc) {
        db_bind_text(st, 1, id);
        db_bind_int(st, 2, version);
        db_bind_text(st, 3, id);
        db_bind_int(st, 4, version);
        while ((rc = db_step(st, err)) == DB_ROW)
            json_object_set_new(counts, db_column_text(st, 0), json_integer(db_column_int(st, 1)));
        db_stmt_done(st);
    }
    json_object_set_new(o, "counts", counts);
    return rc < 0 ? rc : 0;
}

static json_t *head_json(struct db_stmt *st)
{
    int t = tlp_parse(db_column_text(st, C_TLP));
    const char *zone = db_column_text(st, C_ZONE);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
                  db_column_text(st, C_ID), "title", db_column_text(st, C_TITLE), "status",
                  db_column_text(st, C_STATUS), "version", (json_int_t)db_column_int(st, C_VERSION),
                  "deadline", db_column_text(st, C_DEADLINE), "deadline_local",
                  local_time(zone, db_column_int(st, C_DEADLINE_MS)), "time_zone", zone, "owner",
                  db_column_text(st, C_OWNER), "created_at", db_column_text(st, C_CREATED),
                  "meeting", text_or_null(db_column_text(st, C_MEETING)), "closed_at",
                  text_or_null(db_column_text(st, C_CLOSED)), "close_reason",
                  text_or_null(db_column_text(st, C_CLOSE_REASON)));
    sharing_marking_to_json(o, tlp_column_value(t < 0 ? TLP_RED : (enum tlp)t),
                            db_column_is_null(st, C_GROUP) ? 0 : db_column_int(st, C_GROUP));
    return o;
}

/* What every item has besides the head: sponsors, counts and the decision. */
static int add_summary(struct db *db, json_t *o, struct bh_error *err)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    int64_t version = json_integer_value(json_object_get(o, "version"));
    int rc = add_sponsors(db, id, o, err);
    if (!rc)
        rc = add_counts(db, id, version, o, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, "SELECT id FROM decision WHERE proposal_id = ?", &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    rc = db_step(st, err);
    json_object_set_new(o, "decision",
                        rc == DB_ROW ? json_string(db_column_text(st, 0)) : json_null());
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static json_t *plan_value(const char *plan_json)
{
    json_t *p = plan_json ? json_loads(plan_json, 0, NULL) : NULL;
    return p ? p : json_null();
}

static int add_detail(struct db *db, const struct principal *who, json_t *o, struct bh_error *err)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    int64_t version = json_integer_value(json_object_get(o, "version"));
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT version, text, plan_json, note, restarted_clock, created_at FROM "
                        "proposal_version WHERE proposal_id = ? ORDER BY version",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    json_t *versions = json_array();
    json_object_set_new(o, "versions", versions);
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *v =
            json_pack("{s:I, s:s, s:o, s:s, s:b, s:s}", "version", (json_int_t)db_column_int(st, 0),
                      "text", db_column_text(st, 1), "plan", plan_value(db_column_text(st, 2)),
                      "note", db_column_text(st, 3), "restarted_clock", (int)db_column_int(st, 4),
                      "created_at", db_column_text(st, 5));
        if (db_column_int(st, 0) == version) {
            json_object_set(o, "text", json_object_get(v, "text"));
            json_object_set(o, "plan", json_object_get(v, "plan"));
        }
        json_array_append_new(versions, v);
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    if ((rc = db_prepare(db, CURRENT_POSITIONS "ORDER BY o.code", &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    db_bind_int(st, 2, version);
    json_t *positions = json_array();
    json_object_set_new(o, "positions", positions);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(positions,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "org", db_column_text(st, 1),
                                        "org_name", db_column_text(st, 2), "position",
                                        db_column_text(st, 3), "reasons", db_column_text(st, 4),
                                        "at", db_column_text(st, 5)));
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    if ((rc = db_prepare(db,
                         "SELECT o.code, o.name, pp.position, pp.reasons, pp.created_at, "
                         "pp.version FROM proposal_position pp JOIN org o ON o.id = pp.org_id "
                         "WHERE pp.proposal_id = ? ORDER BY pp.id DESC",
                         &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    json_t *statements = json_array();
    json_object_set_new(o, "statements", statements);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(statements,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "org",
                                        db_column_text(st, 0), "org_name", db_column_text(st, 1),
                                        "position", db_column_text(st, 2), "reasons",
                                        db_column_text(st, 3), "at", db_column_text(st, 4),
                                        "version", (json_int_t)db_column_int(st, 5)));
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    if ((rc = db_prepare(db,
                         "SELECT e.kind, e.version, e.deadline, e.note, e.at, a.username FROM "
                         "proposal_event e LEFT JOIN account a ON a.id = e.account_id WHERE "
                         "e.proposal_id = ? ORDER BY e.id",
                         &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    json_t *events = json_array();
    json_object_set_new(o, "events", events);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(events, json_pack("{s:s, s:I, s:o, s:s, s:s, s:o}", "kind",
                                                db_column_text(st, 0), "version",
                                                (json_int_t)db_column_int(st, 1), "deadline",
                                                text_or_null(db_column_text(st, 2)), "note",
                                                db_column_text(st, 3), "at", db_column_text(st, 4),
                                                "by", text_or_null(db_column_text(st, 5))));
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    /* The actions adoption created, for the outcome's links. */
    if ((rc = db_prepare(db,
                         "SELECT a.id, a.title FROM mission_action a JOIN commitment c ON c.id = "
                         "a.commitment_id JOIN decision d ON d.id = c.decision_id WHERE "
                         "d.proposal_id = ? ORDER BY a.id",
                         &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    json_t *actions = json_array();
    json_object_set_new(o, "actions", actions);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(actions, json_pack("{s:s, s:s}", "id", db_column_text(st, 0), "title",
                                                 db_column_text(st, 1)));
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    int64_t now = time_now_ms();
    char nowtext[40];
    time_format_rfc3339(now, 0, true, nowtext);
    json_object_set_new(o, "now", json_string(nowtext));
    bool open = strcmp(json_string_value(json_object_get(o, "status")), "open") == 0;
    int64_t deadline_ms = 0;
    struct bh_error e;
    time_parse_rfc3339(json_string_value(json_object_get(o, "deadline")), &deadline_ms, NULL, &e);
    bool before = open && now < deadline_ms;
    bool chair = who && role_can(who->role, &perm_proposal_chair);
    bool amend =
        before && who && who->org_id > 0 &&
        (chair || (role_can(who->role, &perm_proposal_write) && is_sponsor(db, id, who->org_id)));
    json_object_set_new(
        o, "can",
        json_pack("{s:b, s:b, s:b}", "state_position",
                  before && who && who->org_id > 0 && role_can(who->role, &perm_proposal_position),
                  "amend", amend, "chair", before && chair));
    return 0;
}

int proposal_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    json_t *o = head_json(st);
    char tlp[16];
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, C_TLP));
    db_stmt_done(st);
    rc = add_summary(db, o, err);
    if (!rc)
        rc = add_detail(db, who, o, err);
    if (!rc && who && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "proposal", id, NULL, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

static const char *const status_names[] = { "open", "adopted", "not_adopted", "withdrawn", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

int proposal_list(struct db *db, const struct principal *who, const char *status, const char *after,
                  int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err)
{
    *more = false;
    if (status && *status && !in_list(status, status_names))
        return bh_fail(err, BH_EINVALID, "status",
                       "status must be open, adopted, not_adopted or withdrawn, not '%.20s'",
                       status);
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    buf_puts(&where, "WHERE ");
    if (status && *status) {
        buf_puts(&where, "p.status = ? AND ");
        db_params_text(&wp, status);
    }
    proposal_predicate(who, "p", &where, &wp);

    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT count(*) FROM proposal p %s", buf_str(&where));
    db_params_append(&params, &wp);
    int64_t n = 0;
    int rc = db_exec_params(db, buf_str(&sql), &params, &n, NULL, err);
    db_params_cleanup(&params);
    if (total)
        *total = n;
    buf_reset(&sql);
    buf_printf(&sql, HEAD_COLUMNS "%s", buf_str(&where));
    db_params_append(&params, &wp);
    if (after && *after) {
        buf_puts(&sql, " AND p.id < ?");
        db_params_text(&params, after);
    }
    buf_puts(&sql, " ORDER BY p.id DESC LIMIT ?");
    db_params_int(&params, limit + 1);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    else
        db_params_cleanup(&params);
    buf_cleanup(&sql);
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    if (rc)
        return rc;
    int count = 0;
    json_t *page = json_array();
    /* An admin's read of AMBER+STRICT and RED proposals is audited, as a get's is. */
    json_t *restricted = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            *more = true;
            break;
        }
        json_array_append_new(page, head_json(st));
        if (audit_read_needed(who, db_column_text(st, C_TLP)))
            json_array_append_new(restricted, json_string(db_column_text(st, C_ID)));
        count++;
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = audit_read_ids(db, who, "proposal", restricted, err);
    json_decref(restricted);
    size_t i;
    json_t *o;
    json_array_foreach(page, i, o)
    {
        if (!rc)
            rc = add_summary(db, o, err);
        json_array_append(items, o);
    }
    json_decref(page);
    return rc;
}

/* ---- writes ---- */

static int begin_open(struct db *db, const struct principal *who, const char *id,
                      struct proposal_row *r, struct bh_error *err)
{
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    if (!(rc = proposal_row_load(db, who, id, r, err))) {
        if (strcmp(r->status, "open") != 0)
            rc = bh_fail(err, BH_ECONFLICT, "status", "the proposal is %s, no longer open",
                         r->status);
        else if (time_now_ms() >= r->deadline_ms)
            rc =
                bh_fail(err, BH_ECONFLICT, "deadline", "the deadline (%s) has passed", r->deadline);
    }
    if (rc)
        db_rollback(db);
    return rc;
}

static int finish(struct db *db, const struct principal *who, const char *id, int rc, bool wake,
                  json_t **out, struct bh_error *err)
{
    if (!rc)
        rc = feed_publish(db, "proposal", "updated", id, 0, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    if (wake)
        proposal_wake();
    return proposal_get(db, who, id, out, err);
}

int proposal_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err)
{
    *out = NULL;
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_proposal_write))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not table proposals",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    static const char *const known[] = { "title",         "text",       "deadline", "time_zone",
                                         "sponsors",      "meeting",    "plan",     "tlp",
                                         "sharing_group", "recipients", NULL };
    const char *title = NULL, *text = NULL, *meeting = NULL;
    int64_t now = time_now_ms(), deadline_ms = 0;
    char zone[64] = "";
    bool given = false;
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "title", true, PROPOSAL_TITLE_MAX, &title, err);
    if (!rc)
        rc = jsonfield_string(body, "text", true, PROPOSAL_TEXT_MAX, &text, err);
    if (!rc)
        rc = read_deadline(body, true, now, &deadline_ms, zone, &given, err);
    if (!rc)
        rc = jsonfield_string(body, "meeting", false, 40, &meeting, err);
    if (rc)
        return rc;
    if (meeting) {
        int64_t n = 0;
        if ((rc = db_exec_params(db, "SELECT count(*) FROM meeting WHERE id = ?",
                                 DB_PARAMS(DB_TEXT(meeting)), &n, NULL, err)))
            return rc;
        if (!n)
            return bh_fail(err, BH_EINVALID, "meeting", "no meeting has the id '%.40s'", meeting);
    }
    /* Sponsors: the creator's organization always, and those named. */
    int64_t sponsors[PROPOSAL_SPONSORS_MAX + 1];
    size_t nsponsors = 0;
    sponsors[nsponsors++] = who->org_id;
    const json_t *sp = json_object_get(body, "sponsors");
    if (sp && !json_is_null(sp)) {
        if (!json_is_array(sp) || json_array_size(sp) > PROPOSAL_SPONSORS_MAX)
            return bh_fail(err, BH_EINVALID, "sponsors",
                           "sponsors must be a list of at most %d organization codes",
                           PROPOSAL_SPONSORS_MAX);
        size_t i;
        const json_t *c;
        json_array_foreach(sp, i, c)
        {
            char field[32];
            snprintf(field, sizeof field, "sponsors[%zu]", i);
            int64_t org = 0;
            bool found = false;
            if (json_is_string(c) &&
                (rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?",
                                     DB_PARAMS(DB_TEXT(json_string_value(c))), &org, &found, err)))
                return rc;
            if (!found)
                return bh_fail(err, BH_EINVALID, field, "%s: no organization has the code '%.20s'",
                               field, json_is_string(c) ? json_string_value(c) : "");
            bool dup = false;
            for (size_t k = 0; k < nsponsors; k++)
                dup = dup || sponsors[k] == org;
            if (!dup)
                sponsors[nsponsors++] = org;
        }
    }
    const json_t *plan = json_object_get(body, "plan");
    if (plan && json_is_null(plan))
        plan = NULL;
    if (plan && (rc = check_plan(db, who, plan, err)))
        return rc;
    struct sharing_marking m = { .tlp = TLP_GREEN };
    if ((rc = sharing_marking_read(body, false, &m, err)) ||
        (rc = sharing_marking_check(db, who, &m, "proposal", err)))
        return rc;

    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1], nowtext[40], deadline[40];
    uuid_format(&u, id);
    time_format_rfc3339(now, 0, false, nowtext);
    time_format_rfc3339(deadline_ms, 0, false, deadline);
    char *plan_text = plan ? json_dumps(plan, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int64_t account = who->account_id > 0 ? who->account_id : 0;
    if ((rc = db_begin(db, err))) {
        free(plan_text);
        return rc;
    }
    rc = db_exec_params(
        db,
        "INSERT INTO proposal (id, title, deadline, deadline_ms, time_zone, meeting_id, "
        "owner_org_id, tlp, sharing_group_id, created_by, created_at, updated_at) VALUES (?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(title), DB_TEXT(deadline), DB_INT(deadline_ms),
                  DB_TEXT(zone), DB_TEXT(meeting), DB_INT(who->org_id),
                  DB_TEXT(tlp_column_value(m.tlp)), m.group ? DB_INT(m.group) : DB_TEXT(NULL),
                  account ? DB_INT(account) : DB_TEXT(NULL), DB_TEXT(nowtext), DB_TEXT(nowtext)),
        NULL, NULL, err);
    if (!rc)
        rc = db_exec_params(db,
                            "INSERT INTO proposal_version (proposal_id, version, text, plan_json, "
                            "created_by, created_at) VALUES (?, 1, ?, ?, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_TEXT(text), DB_TEXT(plan_text),
                                      account ? DB_INT(account) : DB_TEXT(NULL), DB_TEXT(nowtext)),
                            NULL, NULL, err);
    free(plan_text);
    for (size_t i = 0; !rc && i < nsponsors; i++)
        rc = db_exec_params(db, "INSERT INTO proposal_sponsor (proposal_id, org_id) VALUES (?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT(sponsors[i])), NULL, NULL, err);
    if (!rc)
        rc = sharing_marking_store(db, "proposal", id, &m, account, err);
    if (!rc)
        rc = proposal_event_add(db, id, "opened", 1, deadline, "", account, now, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s}", "title", title, "deadline", deadline, "tlp",
                                    tlp_label(m.tlp));
        rc = audit_append(db, who, "proposal.create", "proposal", id, summary, err);
        json_decref(summary);
    }
    struct proposal_row r;
    if (!rc)
        rc = proposal_row_load(db, NULL, id, &r, err);
    if (!rc)
        rc = proposal_notify_readers(db, &r, "proposal.opened", NULL, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return finish(db, who, id, 0, true, out, err);
}

int proposal_position_read(const json_t *body, const char *own_org, bool observer,
                           const char **position, const char **reasons, struct bh_error *err)
{
    static const char *const known[] = { "position", "reasons", "org", NULL };
    const char *org = NULL;
    *position = *reasons = NULL;
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "org", false, 31, &org, err);
    if (!rc && org && strcmp(org, own_org ? own_org : "") != 0)
        rc = bh_fail(err, BH_EDENIED, "org",
                     "you state the position of your own organization (%s) only, not of %.20s",
                     own_org ? own_org : "", org);
    if (!rc)
        rc = jsonfield_string(body, "position", true, 20, position, err);
    if (!rc && !in_list(*position, position_names))
        rc = bh_fail(err, BH_EINVALID, "position",
                     "position must be support, break_silence, abstain or comment, not '%.20s'",
                     *position);
    if (!rc)
        rc = jsonfield_string(body, "reasons", false, PROPOSAL_REASONS_MAX, reasons, err);
    if (!rc && strcmp(*position, "break_silence") == 0 && (!*reasons || !**reasons))
        rc = bh_fail(err, BH_EINVALID, "reasons", "breaking silence needs its reasons");
    if (!rc && strcmp(*position, "comment") == 0 && (!*reasons || !**reasons))
        rc = bh_fail(err, BH_EINVALID, "reasons", "a comment needs its text in reasons");
    if (!rc && observer && strcmp(*position, "comment") != 0)
        rc = bh_fail(err, BH_EDENIED, "position",
                     "only members and co-chairs of the group state positions; an observer, a UN "
                     "entity or a mission comments");
    return rc;
}

int proposal_state_position(struct db *db, const struct principal *who, const char *id,
                            const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_proposal_position))
        return bh_fail(err, BH_EDENIED, NULL,
                       "only a focal point or a coordinator states an organization's position");
    const char *position = NULL, *reasons = NULL;
    char standing[16] = "";
    int rc = org_standing(db, who->org_id, standing, err);
    if (!rc)
        rc = proposal_position_read(body, who->org_code,
                                    strcmp(standing, "member") != 0 &&
                                        strcmp(standing, "co_chair") != 0,
                                    &position, &reasons, err);
    if (rc)
        return rc;
    struct proposal_row r;
    if ((rc = begin_open(db, who, id, &r, err)))
        return rc;
    int64_t now = time_now_ms();
    char nowtext[40];
    time_format_rfc3339(now, 0, false, nowtext);
    rc = db_exec_params(db,
                        "INSERT INTO proposal_position (proposal_id, version, org_id, position, "
                        "reasons, account_id, created_at, created_ms) VALUES (?, ?, ?, ?, ?, ?, "
                        "?, ?)",
                        DB_PARAMS(DB_TEXT(id), DB_INT(r.version), DB_INT(who->org_id),
                                  DB_TEXT(position), DB_TEXT(reasons ? reasons : ""),
                                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL),
                                  DB_TEXT(nowtext), DB_INT(now)),
                        NULL, NULL, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:I}", "position", position, "version", (json_int_t)r.version);
        rc = audit_append(db, who, "proposal.position", "proposal", id, summary, err);
        json_decref(summary);
    }
    /* Breaking silence is news to the sponsors and the co-chairs: they may want to amend. */
    if (!rc && strcmp(position, "break_silence") == 0) {
        char *params = NULL;
        json_t *extra = json_pack("{s:s}", "org", who->org_code);
        params = params_json(&r, extra);
        json_decref(extra);
        char link[80];
        snprintf(link, sizeof link, "/proposals/%s", id);
        struct db_stmt *st;
        if (!(rc = db_prepare(db,
                              "SELECT org_id FROM proposal_sponsor WHERE proposal_id = ? UNION "
                              "SELECT id FROM org WHERE standing = 'co_chair'",
                              &st, err))) {
            db_bind_text(st, 1, id);
            int64_t orgs[256];
            size_t n = 0;
            while ((rc = db_step(st, err)) == DB_ROW && n < 256)
                orgs[n++] = db_column_int(st, 0);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
            for (size_t i = 0; !rc && i < n; i++) {
                bool yes = false;
                rc = org_may_read(db, id, orgs[i], &yes, err);
                if (!rc && yes)
                    rc = notify_org(db, orgs[i], "proposal.silence_broken", "proposal", id, params,
                                    link, err);
            }
        }
        free(params);
    }
    return finish(db, who, id, rc, false, out, err);
}

int proposal_amend(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   json_t **out, struct bh_error *err)
{
    *out = NULL;
    static const char *const known[] = { "text",     "plan",      "note", "restart_clock",
                                         "deadline", "time_zone", NULL };
    const char *text = NULL, *note = NULL;
    bool restart = false, given = false;
    int64_t now = time_now_ms(), deadline_ms = 0;
    char zone[64] = "";
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "text", true, PROPOSAL_TEXT_MAX, &text, err);
    if (!rc)
        rc = jsonfield_string(body, "note", false, PROPOSAL_REASONS_MAX, &note, err);
    if (!rc)
        rc = jsonfield_bool(body, "restart_clock", false, &restart, NULL, err);
    if (!rc)
        rc = read_deadline(body, restart, now, &deadline_ms, zone, &given, err);
    if (!rc && given && !restart)
        rc = bh_fail(err, BH_EINVALID, "deadline",
                     "a new deadline comes with restart_clock (or ask a co-chair to extend)");
    const json_t *plan = json_object_get(body, "plan");
    if (!rc && plan && !json_is_null(plan))
        rc = check_plan(db, who, plan, err);
    if (rc)
        return rc;
    struct proposal_row r;
    if ((rc = begin_open(db, who, id, &r, err)))
        return rc;
    bool chair = role_can(who->role, &perm_proposal_chair);
    if (!chair && !(role_can(who->role, &perm_proposal_write) && is_sponsor(db, id, who->org_id)))
        rc = bh_fail(err, BH_EDENIED, NULL, "only a sponsor or a co-chair amends a proposal");
    char *plan_text = NULL;
    if (!rc && plan && !json_is_null(plan)) {
        plan_text = json_dumps(plan, JSON_COMPACT | JSON_SORT_KEYS);
    } else if (!rc && !plan) {
        /* No plan given: the new version keeps the current one's. */
        struct db_stmt *st;
        if (!(rc = db_prepare(db,
                              "SELECT plan_json FROM proposal_version WHERE proposal_id = ? AND "
                              "version = ?",
                              &st, err))) {
            db_bind_text(st, 1, id);
            db_bind_int(st, 2, r.version);
            if ((rc = db_step(st, err)) == DB_ROW && db_column_text(st, 0))
                plan_text = xstrdup(db_column_text(st, 0));
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    int64_t version = r.version + 1;
    char nowtext[40], deadline[40];
    time_format_rfc3339(now, 0, false, nowtext);
    if (restart)
        time_format_rfc3339(deadline_ms, 0, false, deadline);
    else
        snprintf(deadline, sizeof deadline, "%s", r.deadline);
    int64_t account = who->account_id > 0 ? who->account_id : 0;
    if (!rc)
        rc = db_exec_params(db,
                            "INSERT INTO proposal_version (proposal_id, version, text, plan_json, "
                            "note, restarted_clock, created_by, created_at) VALUES (?, ?, ?, ?, "
                            "?, ?, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT(version), DB_TEXT(text),
                                      DB_TEXT(plan_text), DB_TEXT(note ? note : ""),
                                      DB_INT(restart ? 1 : 0),
                                      account ? DB_INT(account) : DB_TEXT(NULL), DB_TEXT(nowtext)),
                            NULL, NULL, err);
    free(plan_text);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE proposal SET version = ?, deadline = ?, deadline_ms = ?, time_zone = ?, "
            "revision = revision + 1, updated_at = ? WHERE id = ?",
            DB_PARAMS(DB_INT(version), DB_TEXT(deadline),
                      DB_INT(restart ? deadline_ms : r.deadline_ms),
                      DB_TEXT(restart ? zone : r.time_zone), DB_TEXT(nowtext), DB_TEXT(id)),
            NULL, NULL, err);
    if (!rc)
        rc = proposal_event_add(db, id, "amended", version, deadline, note, account, now, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:I, s:b}", "version", (json_int_t)version, "restart_clock", restart);
        rc = audit_append(db, who, "proposal.amend", "proposal", id, summary, err);
        json_decref(summary);
    }
    if (!rc) {
        snprintf(r.deadline, sizeof r.deadline, "%s", deadline);
        rc = proposal_notify_readers(db, &r, "proposal.amended", NULL, err);
    }
    return finish(db, who, id, rc, true, out, err);
}

int proposal_extend(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!who || !role_can(who->role, &perm_proposal_chair))
        return bh_fail(err, BH_EDENIED, NULL, "only a co-chair extends a deadline");
    static const char *const known[] = { "deadline", "time_zone", "reason", NULL };
    const char *reason = NULL;
    int64_t now = time_now_ms(), deadline_ms = 0;
    char zone[64] = "";
    bool given = false;
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "reason", false, PROPOSAL_REASONS_MAX, &reason, err);
    if (!rc)
        rc = read_deadline(body, true, now, &deadline_ms, zone, &given, err);
    if (rc)
        return rc;
    struct proposal_row r;
    if ((rc = begin_open(db, who, id, &r, err)))
        return rc;
    char nowtext[40], deadline[40];
    time_format_rfc3339(now, 0, false, nowtext);
    time_format_rfc3339(deadline_ms, 0, false, deadline);
    if (deadline_ms <= r.deadline_ms)
        rc = bh_fail(err, BH_EINVALID, "deadline",
                     "an extension's deadline (%s) must be later than the current one (%s)",
                     deadline, r.deadline);
    int64_t account = who->account_id > 0 ? who->account_id : 0;
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE proposal SET deadline = ?, deadline_ms = ?, time_zone = ?, "
                            "revision = revision + 1, updated_at = ? WHERE id = ?",
                            DB_PARAMS(DB_TEXT(deadline), DB_INT(deadline_ms), DB_TEXT(zone),
                                      DB_TEXT(nowtext), DB_TEXT(id)),
                            NULL, NULL, err);
    if (!rc)
        rc = proposal_event_add(db, id, "extended", r.version, deadline, reason, account, now, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s}", "from", r.deadline, "to", deadline);
        rc = audit_append(db, who, "proposal.extend", "proposal", id, summary, err);
        json_decref(summary);
    }
    if (!rc) {
        snprintf(r.deadline, sizeof r.deadline, "%s", deadline);
        rc = proposal_notify_readers(db, &r, "proposal.extended", NULL, err);
    }
    return finish(db, who, id, rc, true, out, err);
}

int proposal_withdraw(struct db *db, const struct principal *who, const char *id,
                      const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!who || !role_can(who->role, &perm_proposal_chair))
        return bh_fail(err, BH_EDENIED, NULL, "only a co-chair withdraws a proposal");
    static const char *const known[] = { "reason", NULL };
    const char *reason = NULL;
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "reason", true, PROPOSAL_REASONS_MAX, &reason, err);
    if (rc)
        return rc;
    struct proposal_row r;
    if ((rc = begin_open(db, who, id, &r, err)))
        return rc;
    int64_t now = time_now_ms();
    char nowtext[40];
    time_format_rfc3339(now, 0, false, nowtext);
    int64_t account = who->account_id > 0 ? who->account_id : 0;
    rc = db_exec_params(
        db,
        "UPDATE proposal SET status = 'withdrawn', closed_at = ?, closed_ms = ?, "
        "close_reason = ?, revision = revision + 1, updated_at = ? WHERE id = ? "
        "AND status = 'open'",
        DB_PARAMS(DB_TEXT(nowtext), DB_INT(now), DB_TEXT(reason), DB_TEXT(nowtext), DB_TEXT(id)),
        NULL, NULL, err);
    if (!rc)
        rc = proposal_event_add(db, id, "withdrawn", r.version, r.deadline, reason, account, now,
                                err);
    if (!rc)
        rc = audit_append(db, who, "proposal.withdraw", "proposal", id, NULL, err);
    if (!rc)
        rc = proposal_notify_readers(db, &r, "proposal.withdrawn", NULL, err);
    return finish(db, who, id, rc, true, out, err);
}
