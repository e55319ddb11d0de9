/* Meetings: the group's plenaries, co-chairs' meetings, working groups and briefings, shared
 * like every record. Rules are here; the API only parses and replies (src/api/meetings.c). */
#include "meeting/meeting.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The co-chairs' focal points set the group's calendar; a member's focal point takes part in
 * meetings but does not schedule them in the group's name. */
const struct permission perm_meeting_write = {
    .name = "meeting.write",
    .label = N_("Schedule meetings and record their minutes and decisions"),
    .roles = ROLES(ADMIN, COORDINATOR),
};

const struct permission *const meeting_permissions[] = { &perm_meeting_write, NULL };

void meeting_predicate(const struct principal *who, const char *alias, struct buf *sql,
                       struct db_params *params)
{
    sharing_predicate(who, "meeting", alias, sql, params);
}

static const char *const kinds[] = { "plenary",  "co_chairs", "working_group",
                                     "briefing", "other",     NULL };
static const char *const statuses[] = { "planned", "held", "cancelled", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* A meeting being written: the defaults or the stored row, then the body over them. */
struct values {
    char title[MEETING_TITLE_MAX + 1];
    char kind[16], status[16];
    char tz[TZ_NAME_MAX + 1];
    int64_t starts_ms, ends_ms;
    char *venue, *url, *minutes; /* heap; venue and url NULL for none */
    int64_t attendance;          /* -1: unknown */
    json_t *agenda;              /* [{title, notes}] when given, else NULL */
    json_t *participants;        /* [{org_id, attendees (-1 unknown)}] when given, else NULL */
    struct sharing_marking m;
    int64_t owner_org_id;
};

static void values_free(struct values *v)
{
    free(v->venue);
    free(v->url);
    free(v->minutes);
    json_decref(v->agenda);
    json_decref(v->participants);
}

static void set_text(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

/* Whether `s` is an absolute http(s) URL with a host and nothing a browser would read
 * otherwise (spaces, control characters, a backslash). */
bool meeting_url_ok(const char *s)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return false;
    if (!s[skip] || s[skip] == '/' || s[skip] == '?' || s[skip] == '#')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '\\' || *p == '"' || *p == '<' || *p == '>')
            return false;
    return true;
}

static int read_instant(const json_t *body, const char *key, bool required, const char *zone,
                        int64_t *ms, bool *given, struct bh_error *err)
{
    const char *s = NULL;
    int rc = jsonfield_string(body, key, required, 64, &s, err);
    *given = s != NULL;
    if (rc || !s)
        return rc;
    return tz_parse_instant(s, zone, ms, key, err);
}

int meeting_agenda_read(const json_t *a, json_t **out, struct bh_error *err)
{
    if (!json_is_array(a))
        return bh_fail(err, BH_EINVALID, "agenda",
                       "agenda must be a list of items ({\"title\": ..., \"notes\": ...})");
    if (json_array_size(a) > MEETING_AGENDA_MAX)
        return bh_fail(err, BH_EINVALID, "agenda", "agenda has more than %d items",
                       MEETING_AGENDA_MAX);
    json_t *items = json_array();
    size_t i;
    const json_t *it;
    char field[80];
    json_array_foreach(a, i, it)
    {
        const char *title = NULL, *notes = NULL;
        const char *key;
        const json_t *val;
        snprintf(field, sizeof field, "agenda[%zu]", i);
        if (!json_is_object(it)) {
            json_decref(items);
            return bh_fail(err, BH_EINVALID, field, "%s must be an object with a title", field);
        }
        json_object_foreach((json_t *)it, key, val)
        {
            if (strcmp(key, "title") != 0 && strcmp(key, "notes") != 0) {
                snprintf(field, sizeof field, "agenda[%zu].%.20s", i, key);
                json_decref(items);
                return bh_fail(err, BH_EINVALID, field, "%s is not a member of an agenda item",
                               field);
            }
        }
        title = json_string_value(json_object_get(it, "title"));
        const json_t *n = json_object_get(it, "notes");
        notes = json_string_value(n);
        if (!title || !*title || strlen(title) > MEETING_AGENDA_TITLE_MAX) {
            snprintf(field, sizeof field, "agenda[%zu].title", i);
            json_decref(items);
            return bh_fail(err, BH_EINVALID, field, "%s must be a text of 1 to %d characters",
                           field, MEETING_AGENDA_TITLE_MAX);
        }
        if ((n && !json_is_null(n) && !notes) || (notes && strlen(notes) > MEETING_NOTES_MAX)) {
            snprintf(field, sizeof field, "agenda[%zu].notes", i);
            json_decref(items);
            return bh_fail(err, BH_EINVALID, field, "%s must be a text of at most %d characters",
                           field, MEETING_NOTES_MAX);
        }
        json_array_append_new(items,
                              json_pack("{s:s, s:s}", "title", title, "notes", notes ? notes : ""));
    }
    *out = items;
    return 0;
}

static int read_participants(struct db *db, const json_t *a, json_t **out, struct bh_error *err)
{
    if (!json_is_array(a))
        return bh_fail(err, BH_EINVALID, "participants",
                       "participants must be a list ({\"org\": \"BRA\", \"attendees\": 12})");
    if (json_array_size(a) > MEETING_PARTICIPANTS_MAX)
        return bh_fail(err, BH_EINVALID, "participants", "participants has more than %d entries",
                       MEETING_PARTICIPANTS_MAX);
    json_t *items = json_array();
    size_t i;
    const json_t *it;
    char field[80];
    int rc = 0;
    json_array_foreach(a, i, it)
    {
        const char *key;
        const json_t *val;
        snprintf(field, sizeof field, "participants[%zu]", i);
        if (!json_is_object(it)) {
            rc = bh_fail(err, BH_EINVALID, field, "%s must be an object with an org", field);
            break;
        }
        json_object_foreach((json_t *)it, key, val)
        {
            if (!rc && strcmp(key, "org") != 0 && strcmp(key, "attendees") != 0) {
                snprintf(field, sizeof field, "participants[%zu].%.20s", i, key);
                rc = bh_fail(err, BH_EINVALID, field, "%s is not a member of a participant", field);
            }
        }
        if (rc)
            break;
        const char *code = json_string_value(json_object_get(it, "org"));
        int64_t org_id = 0;
        bool found = false;
        snprintf(field, sizeof field, "participants[%zu].org", i);
        if (code && strlen(code) < 32 &&
            (rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(code)),
                                 &org_id, &found, err)))
            break;
        if (!found) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: no organization has the code '%.40s'", field,
                         code ? code : "");
            break;
        }
        size_t k;
        const json_t *prev;
        json_array_foreach(items, k, prev)
        {
            if (json_integer_value(json_object_get(prev, "org_id")) == org_id) {
                rc = bh_fail(err, BH_EINVALID, field, "%s: '%.40s' is listed twice", field, code);
                break;
            }
        }
        if (rc)
            break;
        const json_t *n = json_object_get(it, "attendees");
        int64_t attendees = -1;
        if (n && !json_is_null(n)) {
            if (!json_is_integer(n) || json_integer_value(n) < 0 ||
                json_integer_value(n) > 1000000) {
                snprintf(field, sizeof field, "participants[%zu].attendees", i);
                rc = bh_fail(err, BH_EINVALID, field,
                             "%s must be a whole number from 0 (or null: unknown)", field);
                break;
            }
            attendees = json_integer_value(n);
        }
        json_array_append_new(items, json_pack("{s:I, s:I}", "org_id", (json_int_t)org_id,
                                               "attendees", (json_int_t)attendees));
    }
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return 0;
}

/* Applies the members of `body` to `v` and checks the result; `create` makes title, the times
 * and the time zone required. The names of the members given go to `changed`. */
static int apply_body(struct db *db, const json_t *body, bool create, struct values *v,
                      json_t *changed, struct bh_error *err)
{
    static const char *const known[] = {
        "title",         "kind",       "status",           "starts_at", "ends_at",      "time_zone",
        "venue",         "online_url", "minutes",          "agenda",    "participants", "tlp",
        "sharing_group", "recipients", "attendance_total", NULL
    };
    int rc = jsonfield_check_known(body, known, err);
    const char *s = NULL;
    if (rc)
        return rc;
#define CHANGED(k) json_array_append_new(changed, json_string(k))
    if ((rc = jsonfield_string(body, "title", create, MEETING_TITLE_MAX, &s, err)))
        return rc;
    if (s) {
        if (!*s)
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        snprintf(v->title, sizeof v->title, "%s", s);
        CHANGED("title");
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "kind", false, 32, &s, err)))
        return rc;
    if (s) {
        if (!in_list(s, kinds))
            return bh_fail(err, BH_EINVALID, "kind",
                           "kind must be plenary, co_chairs, working_group, briefing or other, "
                           "not '%.40s'",
                           s);
        snprintf(v->kind, sizeof v->kind, "%s", s);
        CHANGED("kind");
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "status", false, 32, &s, err)))
        return rc;
    if (s) {
        if (!in_list(s, statuses))
            return bh_fail(err, BH_EINVALID, "status",
                           "status must be planned, held or cancelled, not '%.40s'", s);
        snprintf(v->status, sizeof v->status, "%s", s);
        CHANGED("status");
    }
    /* The zone first: a wall-clock start or end is read in it. */
    s = NULL;
    if ((rc = jsonfield_string(body, "time_zone", create, 128, &s, err)))
        return rc;
    if (s) {
        if (strlen(s) > TZ_NAME_MAX || !tz_valid(s))
            return bh_fail(err, BH_EINVALID, "time_zone",
                           "time_zone must be an IANA time zone such as Africa/Bangui, not "
                           "'%.64s'",
                           s);
        snprintf(v->tz, sizeof v->tz, "%s", s);
        CHANGED("time_zone");
    }
    bool given;
    if ((rc = read_instant(body, "starts_at", create, v->tz, &v->starts_ms, &given, err)))
        return rc;
    if (given)
        CHANGED("starts_at");
    if ((rc = read_instant(body, "ends_at", create, v->tz, &v->ends_ms, &given, err)))
        return rc;
    if (given)
        CHANGED("ends_at");
    if (v->ends_ms < v->starts_ms)
        return bh_fail(err, BH_EINVALID, "ends_at", "ends_at comes before starts_at");
    if (json_object_get(body, "venue")) {
        s = NULL;
        if ((rc = jsonfield_string(body, "venue", false, MEETING_VENUE_MAX, &s, err)))
            return rc;
        set_text(&v->venue, s && *s ? s : NULL);
        CHANGED("venue");
    }
    if (json_object_get(body, "online_url")) {
        s = NULL;
        if ((rc = jsonfield_string(body, "online_url", false, MEETING_URL_MAX, &s, err)))
            return rc;
        if (s && *s && !meeting_url_ok(s))
            return bh_fail(err, BH_EINVALID, "online_url",
                           "online_url must be an http:// or https:// address, not '%.80s'", s);
        set_text(&v->url, s && *s ? s : NULL);
        CHANGED("online_url");
    }
    const json_t *at = json_object_get(body, "attendance_total");
    if (at) {
        if (json_is_null(at))
            v->attendance = -1;
        else if ((rc = jsonfield_int(body, "attendance_total", false, 0, 10000000, &v->attendance,
                                     NULL, err)))
            return rc;
        CHANGED("attendance_total");
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "minutes", false, MEETING_MINUTES_MAX, &s, err)))
        return rc;
    if (s) {
        set_text(&v->minutes, s);
        CHANGED("minutes");
    }
    const json_t *a = json_object_get(body, "agenda");
    if (a && !json_is_null(a)) {
        json_decref(v->agenda);
        v->agenda = NULL;
        if ((rc = meeting_agenda_read(a, &v->agenda, err)))
            return rc;
        CHANGED("agenda");
    }
    a = json_object_get(body, "participants");
    if (a && !json_is_null(a)) {
        json_decref(v->participants);
        v->participants = NULL;
        if ((rc = read_participants(db, a, &v->participants, err)))
            return rc;
        CHANGED("participants");
    }
    if ((rc = sharing_marking_read(body, false, &v->m, err)))
        return rc;
    if (v->m.tlp_given || v->m.group_given || v->m.recipients_given)
        CHANGED("marking");
#undef CHANGED
    return 0;
}

/* Writes the agenda and participants of `v` that were given, replacing the stored ones. */
static int store_lists(struct db *db, const char *id, const struct values *v, struct bh_error *err)
{
    int rc = 0;
    size_t i;
    const json_t *it;
    if (v->agenda) {
        rc = db_exec_params(db, "DELETE FROM meeting_agenda_item WHERE meeting_id = ?",
                            DB_PARAMS(DB_TEXT(id)), NULL, NULL, err);
        json_array_foreach(v->agenda, i, it)
        {
            if (rc)
                break;
            rc = db_exec_params(db,
                                "INSERT INTO meeting_agenda_item (meeting_id, position, title, "
                                "notes) VALUES (?, ?, ?, ?)",
                                DB_PARAMS(DB_TEXT(id), DB_INT((int64_t)i + 1),
                                          DB_TEXT(json_string_value(json_object_get(it, "title"))),
                                          DB_TEXT(json_string_value(json_object_get(it, "notes")))),
                                NULL, NULL, err);
        }
    }
    if (!rc && v->participants) {
        rc = db_exec_params(db, "DELETE FROM meeting_participant WHERE meeting_id = ?",
                            DB_PARAMS(DB_TEXT(id)), NULL, NULL, err);
        json_array_foreach(v->participants, i, it)
        {
            if (rc)
                break;
            int64_t n = json_integer_value(json_object_get(it, "attendees"));
            rc = db_exec_params(
                db,
                "INSERT INTO meeting_participant (meeting_id, org_id, attendees) VALUES (?, ?, ?)",
                DB_PARAMS(DB_TEXT(id), DB_INT(json_integer_value(json_object_get(it, "org_id"))),
                          n >= 0 ? DB_INT(n) : DB_TEXT(NULL)),
                NULL, NULL, err);
        }
    }
    return rc;
}

static void format_utc(int64_t ms, char out[40])
{
    time_format_rfc3339(ms, 0, false, out);
}

/* Tells each participant organization that may read the meeting (as its members would: an
 * organization-wide reader, so a RED meeting tells none) that it is scheduled. */
static int notify_scheduled(struct db *db, const char *id, const struct values *v,
                            struct bh_error *err)
{
    if (!v->participants || strcmp(v->status, "planned") != 0)
        return 0;
    char starts[40], link[64];
    format_utc(v->starts_ms, starts);
    snprintf(link, sizeof link, "/meetings/%s", id);
    json_t *params = json_pack("{s:s, s:s}", "title", v->title, "starts_at", starts);
    char *params_json = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    int rc = 0;
    size_t i;
    const json_t *it;
    json_array_foreach(v->participants, i, it)
    {
        struct principal reader = { .role = ROLE_FOCAL_POINT };
        reader.org_id = json_integer_value(json_object_get(it, "org_id"));
        struct buf sql = BUF_INIT;
        struct db_params p = DB_PARAMS_INIT;
        buf_puts(&sql, "SELECT 1 FROM meeting m WHERE m.id = ? AND ");
        db_params_text(&p, id);
        meeting_predicate(&reader, "m", &sql, &p);
        bool found = false;
        rc = db_exec_params(db, buf_str(&sql), &p, NULL, &found, err);
        db_params_cleanup(&p);
        buf_cleanup(&sql);
        if (!rc && found)
            rc = notify_org(db, reader.org_id, "meeting.scheduled", "meeting", id, params_json,
                            link, err);
        if (rc)
            break;
    }
    free(params_json);
    return rc;
}

static int may_write(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, &perm_meeting_write) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not write meetings",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

/* The columns every read takes, in this order (COL_*). */
#define SELECT_COLUMNS                                                                            \
    "SELECT m.id, m.title, m.kind, m.status, m.starts_ms, m.ends_ms, m.time_zone, m.venue, "      \
    "m.online_url, m.attendance_total, m.minutes, o.code, m.tlp, m.sharing_group_id, "            \
    "m.revision, m.created_at, m.updated_at, m.owner_org_id FROM meeting m JOIN org o ON o.id = " \
    "m.owner_org_id "
enum {
    COL_ID,
    COL_TITLE,
    COL_KIND,
    COL_STATUS,
    COL_STARTS,
    COL_ENDS,
    COL_TZ,
    COL_VENUE,
    COL_URL,
    COL_ATTENDANCE,
    COL_MINUTES,
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
    return s ? json_string(s) : json_null();
}

static json_t *local_time(const char *zone, int64_t ms)
{
    char out[40];
    struct bh_error err;
    if (tz_format_local(zone, ms, out, &err))
        time_format_rfc3339(ms, 0, false, out);
    return json_string(out);
}

static json_t *row_json(struct db_stmt *st, bool full)
{
    char starts[40], ends[40];
    const char *zone = db_column_text(st, COL_TZ);
    format_utc(db_column_int(st, COL_STARTS), starts);
    format_utc(db_column_int(st, COL_ENDS), ends);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:I, s:s, s:s}", "id",
        db_column_text(st, COL_ID), "title", db_column_text(st, COL_TITLE), "kind",
        db_column_text(st, COL_KIND), "status", db_column_text(st, COL_STATUS), "starts_at", starts,
        "ends_at", ends, "starts_local", local_time(zone, db_column_int(st, COL_STARTS)),
        "ends_local", local_time(zone, db_column_int(st, COL_ENDS)), "time_zone", zone, "venue",
        text_or_null(db_column_text(st, COL_VENUE)), "online_url",
        text_or_null(db_column_text(st, COL_URL)), "attendance_total",
        db_column_is_null(st, COL_ATTENDANCE) ? json_null()
                                              : json_integer(db_column_int(st, COL_ATTENDANCE)),
        "owner", db_column_text(st, COL_OWNER), "revision",
        (json_int_t)db_column_int(st, COL_REVISION), "created_at", db_column_text(st, COL_CREATED),
        "updated_at", db_column_text(st, COL_UPDATED));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    if (full) {
        const char *minutes = db_column_text(st, COL_MINUTES);
        json_object_set_new(o, "minutes", json_string(minutes ? minutes : ""));
    }
    return o;
}

/* Reads meeting `id` as `who` sees it: 0 with the row current in *st (the caller finishes
 * it), or BH_ENOTFOUND with nothing open. */
static int read_visible(struct db *db, const struct principal *who, const char *id,
                        struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_COLUMNS, "m", meeting_predicate, id, st,
                                N_("no meeting has the id '%.40s'"), err);
}

/* The agenda, participants and visible decisions of meeting `id`, added to `o`. */
static int add_lists(struct db *db, const struct principal *who, const char *id, json_t *o,
                     struct bh_error *err)
{
    struct db_stmt *st;
    json_t *agenda = json_array(), *parts = json_array(), *decisions = json_array();
    json_object_set_new(o, "agenda", agenda);
    json_object_set_new(o, "participants", parts);
    json_object_set_new(o, "decisions", decisions);
    int rc = db_prepare(db,
                        "SELECT position, title, notes FROM meeting_agenda_item WHERE "
                        "meeting_id = ? ORDER BY position",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(
            agenda, json_pack("{s:I, s:s, s:s}", "position", (json_int_t)db_column_int(st, 0),
                              "title", db_column_text(st, 1), "notes", db_column_text(st, 2)));
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db,
                         "SELECT o.code, o.name, p.attendees FROM meeting_participant p JOIN org "
                         "o ON o.id = p.org_id WHERE p.meeting_id = ? ORDER BY o.code",
                         &st, err)))
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(
            parts,
            json_pack("{s:s, s:s, s:o}", "org", db_column_text(st, 0), "name",
                      db_column_text(st, 1), "attendees",
                      db_column_is_null(st, 2) ? json_null() : json_integer(db_column_int(st, 2))));
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql,
             "SELECT d.id, d.title, d.decided_at FROM decision d WHERE d.meeting_id = ? AND ");
    db_params_text(&params, id);
    /* The decision predicate itself, named here so meeting/ needs nothing of decision/ (which
     * calls this module). */
    sharing_predicate(who, "decision", "d", &sql, &params);
    buf_puts(&sql, " ORDER BY d.decided_ms, d.id");
    rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(decisions, json_pack("{s:s, s:s, s:s}", "id", db_column_text(st, 0),
                                                   "title", db_column_text(st, 1), "decided_at",
                                                   db_column_text(st, 2)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int meeting_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    json_t *o = row_json(st, true);
    char tlp[16];
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, COL_TLP));
    db_stmt_done(st);
    rc = add_lists(db, who, id, o, err);
    if (!rc && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "meeting", id, NULL, err);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

/* The stored meeting as `who` may change it: BH_ENOTFOUND when hidden, BH_EDENIED when
 * another organization's and `who` is no admin. Fills `v` when not NULL. */
static int load_for_write(struct db *db, const struct principal *who, const char *id,
                          struct values *v, int64_t *revision, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_visible(db, who, id, &st, err);
    if (rc)
        return rc;
    int64_t owner = db_column_int(st, COL_OWNER_ID);
    if (who->role != ROLE_ADMIN && owner != who->org_id) {
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that scheduled a meeting (%s) changes it",
                     db_column_text(st, COL_OWNER));
    } else {
        if (revision)
            *revision = db_column_int(st, COL_REVISION);
        if (v) {
            snprintf(v->title, sizeof v->title, "%s", db_column_text(st, COL_TITLE));
            snprintf(v->kind, sizeof v->kind, "%s", db_column_text(st, COL_KIND));
            snprintf(v->status, sizeof v->status, "%s", db_column_text(st, COL_STATUS));
            snprintf(v->tz, sizeof v->tz, "%s", db_column_text(st, COL_TZ));
            v->starts_ms = db_column_int(st, COL_STARTS);
            v->ends_ms = db_column_int(st, COL_ENDS);
            set_text(&v->venue, db_column_text(st, COL_VENUE));
            set_text(&v->url, db_column_text(st, COL_URL));
            set_text(&v->minutes, db_column_text(st, COL_MINUTES));
            v->attendance =
                db_column_is_null(st, COL_ATTENDANCE) ? -1 : db_column_int(st, COL_ATTENDANCE);
            int t = tlp_parse(db_column_text(st, COL_TLP));
            v->m.tlp = t < 0 ? TLP_RED : (enum tlp)t;
            v->m.group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
            v->owner_org_id = owner;
        }
    }
    db_stmt_done(st);
    return rc;
}

int meeting_for_write(struct db *db, const struct principal *who, const char *id,
                      int64_t *owner_org_id, int64_t *starts_ms, struct bh_error *err)
{
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct values v = { 0 };
    rc = load_for_write(db, who, id, &v, NULL, err);
    if (!rc) {
        *owner_org_id = v.owner_org_id;
        *starts_ms = v.starts_ms;
    }
    values_free(&v);
    return rc;
}

static void new_id(char id[UUID_STR_LEN + 1])
{
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
}

int meeting_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc)
        return rc;
    struct values v = { .kind = "plenary", .status = "planned", .attendance = -1 };
    v.m.tlp = TLP_GREEN;
    json_t *changed = json_array();
    rc = apply_body(db, body, true, &v, changed, err);
    json_decref(changed);
    if (!rc)
        rc = sharing_marking_check(db, who, &v.m, "meeting", err);
    char id[UUID_STR_LEN + 1], now[40], starts[40], ends[40];
    new_id(id);
    format_utc(time_now_ms(), now);
    format_utc(v.starts_ms, starts);
    format_utc(v.ends_ms, ends);
    if (!rc)
        rc = db_begin(db, err);
    if (rc) {
        values_free(&v);
        return rc;
    }
    rc = db_exec_params(
        db,
        "INSERT INTO meeting (id, title, kind, status, starts_at, starts_ms, ends_at, ends_ms, "
        "time_zone, venue, online_url, attendance_total, minutes, owner_org_id, tlp, "
        "sharing_group_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(v.title), DB_TEXT(v.kind), DB_TEXT(v.status),
                  DB_TEXT(starts), DB_INT(v.starts_ms), DB_TEXT(ends), DB_INT(v.ends_ms),
                  DB_TEXT(v.tz), DB_TEXT(v.venue), DB_TEXT(v.url),
                  v.attendance >= 0 ? DB_INT(v.attendance) : DB_TEXT(NULL),
                  DB_TEXT(v.minutes ? v.minutes : ""), DB_INT(who->org_id),
                  DB_TEXT(tlp_column_value(v.m.tlp)), v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                  DB_TEXT(now)),
        NULL, NULL, err);
    if (!rc)
        rc = store_lists(db, id, &v, err);
    if (!rc)
        rc = sharing_marking_store(db, "meeting", id, &v.m, who->account_id, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s}", "title", v.title, "starts_at", starts, "tlp",
                                    tlp_label(v.m.tlp));
        rc = audit_append(db, who, "meeting.create", "meeting", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = notify_scheduled(db, id, &v, err);
    values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return meeting_get(db, who, id, out, err);
}

int meeting_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   int64_t if_revision, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct values v = { 0 };
    int64_t revision = 0;
    json_t *changed = json_array();
    rc = load_for_write(db, who, id, &v, &revision, err);
    if (!rc && if_revision > 0 && if_revision != revision)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the meeting is at revision %lld, not %lld: someone changed it since you "
                     "read it; read it again",
                     (long long)revision, (long long)if_revision);
    if (!rc)
        rc = apply_body(db, body, false, &v, changed, err);
    if (!rc)
        rc = sharing_marking_check(db, who, &v.m, "meeting", err);
    char now[40], starts[40], ends[40];
    format_utc(time_now_ms(), now);
    format_utc(v.starts_ms, starts);
    format_utc(v.ends_ms, ends);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE meeting SET title = ?, kind = ?, status = ?, starts_at = ?, starts_ms = ?, "
            "ends_at = ?, ends_ms = ?, time_zone = ?, venue = ?, online_url = ?, "
            "attendance_total = ?, minutes = ?, tlp = ?, sharing_group_id = ?, revision = "
            "revision + 1, updated_at = ? WHERE id = ?",
            DB_PARAMS(DB_TEXT(v.title), DB_TEXT(v.kind), DB_TEXT(v.status), DB_TEXT(starts),
                      DB_INT(v.starts_ms), DB_TEXT(ends), DB_INT(v.ends_ms), DB_TEXT(v.tz),
                      DB_TEXT(v.venue), DB_TEXT(v.url),
                      v.attendance >= 0 ? DB_INT(v.attendance) : DB_TEXT(NULL),
                      DB_TEXT(v.minutes ? v.minutes : ""), DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(now), DB_TEXT(id)),
            NULL, NULL, err);
    if (!rc)
        rc = store_lists(db, id, &v, err);
    if (!rc && (v.m.tlp_given || v.m.recipients_given))
        rc = sharing_marking_store(db, "meeting", id, &v.m, who->account_id, err);
    if (!rc) {
        json_t *summary = json_pack("{s:O}", "changed", changed);
        rc = audit_append(db, who, "meeting.update", "meeting", id, summary, err);
        json_decref(summary);
    }
    json_decref(changed);
    values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return meeting_get(db, who, id, out, err);
}

/* A list bound: RFC 3339, or a date read as its first instant in UTC. */
static int parse_bound(const char *key, const char *s, int64_t *ms, struct bh_error *err)
{
    int y, mo, d;
    struct bh_error ignored;
    if (strlen(s) == 10 && time_parse_date(s, &y, &mo, &d, &ignored) == 0) {
        *ms = time_days_from_civil(y, mo, d) * 86400000;
        return 0;
    }
    if (time_parse_rfc3339(s, ms, NULL, &ignored) == 0)
        return 0;
    return bh_fail(err, BH_EINVALID, key,
                   "%s must be a date (YYYY-MM-DD) or an RFC 3339 instant, not '%.40s'", key, s);
}

int meeting_list(struct db *db, const struct principal *who, const char *from, const char *to,
                 const char *status, const char *after, int limit, json_t *items, bool *more,
                 struct bh_error *err)
{
    *more = false;
    if (status && *status && !in_list(status, statuses))
        return bh_fail(err, BH_EINVALID, "status",
                       "status must be planned, held or cancelled, not '%.20s'", status);
    int64_t from_ms = 0, to_ms = 0;
    int rc = 0;
    if (from && *from && (rc = parse_bound("from", from, &from_ms, err)))
        return rc;
    if (to && *to && (rc = parse_bound("to", to, &to_ms, err)))
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, SELECT_COLUMNS "WHERE ");
    meeting_predicate(who, "m", &sql, &params);
    if (status && *status) {
        buf_puts(&sql, " AND m.status = ?");
        db_params_text(&params, status);
    }
    if (from && *from) {
        buf_puts(&sql, " AND m.starts_ms >= ?");
        db_params_int(&params, from_ms);
    }
    if (to && *to) {
        buf_puts(&sql, " AND m.starts_ms < ?");
        db_params_int(&params, to_ms);
    }
    /* The cursor is the last meeting's id; its start is looked up, so a page follows on in
     * (start, id) order. */
    if (after && *after) {
        buf_puts(&sql,
                 " AND (m.starts_ms, m.id) < (SELECT starts_ms, id FROM meeting WHERE id = ?)");
        db_params_text(&params, after);
    }
    buf_puts(&sql, " ORDER BY m.starts_ms DESC, m.id DESC LIMIT ?");
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
        json_array_append_new(items, row_json(st, false));
        if (audit_read_needed(who, db_column_text(st, COL_TLP)))
            json_array_append_new(restricted, json_string(db_column_text(st, COL_ID)));
        count++;
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = audit_read_ids(db, who, "meeting", restricted, err);
    json_decref(restricted);
    return rc;
}
