/* Decisions of the group: taken at a meeting by its organization, or written by the server when
 * a proposal is adopted. Each is a shareable record (record type "decision"). */
#include "decision/decision.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "feed/feed.h"
#include "meeting/meeting.h"
#include "notify/notify.h"
#include "sharing/marking.h"
#include "sharing/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECISION_TITLE_MAX 200
#define DECISION_TEXT_MAX  100000

void decision_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    sharing_predicate(who, "decision", alias, sql, params);
}

int decision_insert(struct db *db, const struct principal *who, const struct decision_source *s,
                    char id_out[UUID_STR_LEN + 1], struct bh_error *err)
{
    bool found = false;
    int rc = 0;
    /* The UNIQUE column would refuse it too; asking first names the cause. */
    if (s->proposal_id &&
        (rc = db_exec_params(db, "SELECT 1 FROM decision WHERE proposal_id = ?",
                             DB_PARAMS(DB_TEXT(s->proposal_id)), NULL, &found, err)))
        return rc;
    if (found)
        return bh_fail(err, BH_ECONFLICT, "proposal", "the proposal has been decided already");
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id_out);
    char decided[40], now[40];
    time_format_rfc3339(s->decided_ms, 0, false, decided);
    time_format_rfc3339(time_now_ms(), 0, false, now);
    rc = db_exec_params(
        db,
        "INSERT INTO decision (id, title, text, meeting_id, proposal_id, decided_at, decided_ms, "
        "owner_org_id, tlp, sharing_group_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id_out), DB_TEXT(s->title), DB_TEXT(s->text ? s->text : ""),
                  DB_TEXT(s->meeting_id), DB_TEXT(s->proposal_id), DB_TEXT(decided),
                  DB_INT(s->decided_ms), DB_INT(s->owner_org_id), DB_TEXT(tlp_column_value(s->tlp)),
                  s->tlp == TLP_AMBER && s->sharing_group_id > 0 ? DB_INT(s->sharing_group_id)
                                                                 : DB_TEXT(NULL),
                  s->created_by > 0 ? DB_INT(s->created_by) : DB_TEXT(NULL), DB_TEXT(now)),
        NULL, NULL, err);
    if (!rc && s->proposal_id && s->tlp == TLP_RED)
        rc = sharing_marking_copy_readers(db, "proposal", s->proposal_id, "decision", id_out, err);
    if (!rc) {
        json_t *summary = json_pack(
            "{s:s, s:o, s:o, s:s}", "title", s->title, "meeting",
            s->meeting_id ? json_string(s->meeting_id) : json_null(), "proposal",
            s->proposal_id ? json_string(s->proposal_id) : json_null(), "tlp", tlp_label(s->tlp));
        rc = audit_append(db, who, "decision.create", "decision", id_out, summary, err);
        json_decref(summary);
    }
    return rc;
}

/* Tells the participant organizations of meeting `meeting_id` that may read decision `id` (as
 * an organization-wide reader: a RED decision tells none). */
static int notify_taken(struct db *db, const char *meeting_id, const char *id, const char *title,
                        struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT org_id FROM meeting_participant WHERE meeting_id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, meeting_id);
    int64_t orgs[MEETING_PARTICIPANTS_MAX];
    size_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW && n < MEETING_PARTICIPANTS_MAX)
        orgs[n++] = db_column_int(st, 0);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    char link[64];
    snprintf(link, sizeof link, "/decisions/%s", id);
    json_t *params = json_pack("{s:s}", "title", title);
    char *params_json = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        struct principal reader = { .role = ROLE_FOCAL_POINT, .org_id = orgs[i] };
        struct buf sql = BUF_INIT;
        struct db_params p = DB_PARAMS_INIT;
        buf_puts(&sql, "SELECT 1 FROM decision d WHERE d.id = ? AND ");
        db_params_text(&p, id);
        decision_predicate(&reader, "d", &sql, &p);
        bool found = false;
        rc = db_exec_params(db, buf_str(&sql), &p, NULL, &found, err);
        db_params_cleanup(&p);
        buf_cleanup(&sql);
        if (!rc && found)
            rc = notify_org(db, orgs[i], "decision.taken", "decision", id, params_json, link, err);
    }
    free(params_json);
    return rc;
}

int decision_create_at_meeting(struct db *db, const struct principal *who, const char *meeting_id,
                               const json_t *body, json_t **out, struct bh_error *err)
{
    static const char *const known[] = { "title",         "text",       "decided_at", "tlp",
                                         "sharing_group", "recipients", NULL };
    *out = NULL;
    int64_t owner = 0, starts = 0;
    int rc = meeting_for_write(db, who, meeting_id, &owner, &starts, err);
    if (rc)
        return rc;
    /* A decision keeps its meeting's marking unless it says otherwise. */
    struct db_stmt *st;
    struct sharing_marking m = { .tlp = TLP_GREEN };
    char zone[TZ_NAME_MAX + 1] = "UTC";
    if ((rc = db_prepare(db, "SELECT tlp, sharing_group_id, time_zone FROM meeting WHERE id = ?",
                         &st, err)))
        return rc;
    db_bind_text(st, 1, meeting_id);
    if ((rc = db_step(st, err)) == DB_ROW) {
        int t = tlp_parse(db_column_text(st, 0));
        m.tlp = t < 0 ? TLP_RED : (enum tlp)t;
        m.group = db_column_is_null(st, 1) ? 0 : db_column_int(st, 1);
        snprintf(zone, sizeof zone, "%s", db_column_text(st, 2));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    const char *title = NULL, *text = NULL, *at = NULL;
    int64_t decided = starts;
    rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "title", true, DECISION_TITLE_MAX, &title, err);
    if (!rc && title && !*title)
        rc = bh_fail(err, BH_EINVALID, "title", "title must not be empty");
    if (!rc)
        rc = jsonfield_string(body, "text", false, DECISION_TEXT_MAX, &text, err);
    if (!rc)
        rc = jsonfield_string(body, "decided_at", false, 64, &at, err);
    if (!rc && at)
        rc = tz_parse_instant(at, zone, &decided, "decided_at", err);
    if (!rc)
        rc = sharing_marking_read(body, false, &m, err);
    if (!rc)
        rc = sharing_marking_check(db, who, &m, "decision", err);
    if (rc)
        return rc;
    struct decision_source s = {
        .meeting_id = meeting_id,
        .title = title,
        .text = text,
        .owner_org_id = owner,
        .tlp = m.tlp,
        .sharing_group_id = m.group,
        .decided_ms = decided,
        .created_by = who->account_id,
    };
    char id[UUID_STR_LEN + 1];
    if ((rc = db_begin(db, err)))
        return rc;
    rc = decision_insert(db, who, &s, id, err);
    /* Readers given are stored; a RED decision that names none keeps its meeting's. */
    if (!rc && (m.tlp_given || m.recipients_given))
        rc = sharing_marking_store(db, "decision", id, &m, who->account_id, err);
    else if (!rc && m.tlp == TLP_RED)
        rc = sharing_marking_copy_readers(db, "meeting", meeting_id, "decision", id, err);
    if (!rc)
        rc = notify_taken(db, meeting_id, id, title, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return decision_get(db, who, id, out, err);
}

#define SELECT_COLUMNS                                                                         \
    "SELECT d.id, d.title, d.text, d.meeting_id, d.proposal_id, d.decided_at, o.code, d.tlp, " \
    "d.sharing_group_id, d.created_at FROM decision d JOIN org o ON o.id = d.owner_org_id "
enum {
    COL_ID,
    COL_TITLE,
    COL_TEXT,
    COL_MEETING,
    COL_PROPOSAL,
    COL_DECIDED,
    COL_OWNER,
    COL_TLP,
    COL_GROUP,
    COL_CREATED
};

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *row_json(struct db_stmt *st, bool full)
{
    json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "id", db_column_text(st, COL_ID),
                          "title", db_column_text(st, COL_TITLE), "meeting",
                          text_or_null(db_column_text(st, COL_MEETING)), "proposal",
                          text_or_null(db_column_text(st, COL_PROPOSAL)), "decided_at",
                          db_column_text(st, COL_DECIDED), "owner", db_column_text(st, COL_OWNER),
                          "created_at", db_column_text(st, COL_CREATED));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    if (full)
        json_object_set_new(o, "text", json_string(db_column_text(st, COL_TEXT)));
    return o;
}

int decision_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = sharing_select_by_id(db, who, SELECT_COLUMNS, "d", decision_predicate, id, &st,
                                  N_("no decision has the id '%.40s'"), err);
    if (rc)
        return rc;
    json_t *o = row_json(st, true);
    char tlp[16];
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, COL_TLP));
    db_stmt_done(st);
    /* The commitments made from it that the reader may see, by the plain sharing rule. */
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    json_t *commitments = json_array();
    json_object_set_new(o, "commitments", commitments);
    buf_puts(&sql, "SELECT c.id, c.title FROM commitment c WHERE c.decision_id = ? AND ");
    db_params_text(&params, id);
    sharing_predicate(who, "commitment", "c", &sql, &params);
    buf_puts(&sql, " ORDER BY c.id");
    rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (!rc) {
        while ((rc = db_step(st, err)) == DB_ROW)
            json_array_append_new(commitments, json_pack("{s:s, s:s}", "id", db_column_text(st, 0),
                                                         "title", db_column_text(st, 1)));
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (!rc && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "decision", id, NULL, err);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

int decision_list(struct db *db, const struct principal *who, const char *meeting_id,
                  const char *after, int limit, json_t *items, bool *more, struct bh_error *err)
{
    *more = false;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, SELECT_COLUMNS "WHERE ");
    decision_predicate(who, "d", &sql, &params);
    if (meeting_id && *meeting_id) {
        buf_puts(&sql, " AND d.meeting_id = ?");
        db_params_text(&params, meeting_id);
    }
    if (after && *after) {
        buf_puts(&sql,
                 " AND (d.decided_ms, d.id) < (SELECT decided_ms, id FROM decision WHERE id = ?)");
        db_params_text(&params, after);
    }
    buf_puts(&sql, " ORDER BY d.decided_ms DESC, d.id DESC LIMIT ?");
    db_params_int(&params, limit + 1);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
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
        json_array_append_new(items, row_json(st, false));
        if (audit_read_needed(who, db_column_text(st, COL_TLP)))
            json_array_append_new(restricted, json_string(db_column_text(st, COL_ID)));
        count++;
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = audit_read_ids(db, who, "decision", restricted, err);
    json_decref(restricted);
    return rc;
}
