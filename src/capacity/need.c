/* Capacity needs: what a contributor lacks, posted for providers to offer and coordinators
 * to match. Creating, changing, reading and listing them; and the readers of the body members
 * the module's records share (internal.h), which offer.c and training.c use too. */
#include "capacity/capacity.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "capacity/internal.h"
#include "feed/feed.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the shared readers (internal.h) ---- */

int capacity__may(const struct principal *who, const struct permission *perm, struct bh_error *err)
{
    if (!who || who->org_id <= 0 || !role_can(who->role, perm))
        return bh_fail(err, BH_EDENIED, NULL, "your role may not do this (%s)", perm->name);
    return 0;
}

bool capacity__may_edit(const struct principal *who, const struct permission *perm,
                        int64_t owner_org_id)
{
    return who && who->org_id > 0 && role_can(who->role, perm) &&
           (who->org_id == owner_org_id || who->role == ROLE_ADMIN);
}

/* The number of UTF-8 code points of `s` (jansson has checked it is UTF-8). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int capacity__text_read(const json_t *body, const char *member, bool required, size_t max_chars,
                        const char **out, struct bh_error *err)
{
    int rc = jsonfield_string(body, member, required, max_chars * 4, out, err);
    if (rc || !*out)
        return rc;
    if (utf8_chars(*out) > max_chars)
        return bh_fail(err, BH_EINVALID, member, "%s is longer than %zu characters", member,
                       max_chars);
    if (required) {
        const char *p = *out;
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            return bh_fail(err, BH_EINVALID, member, "%s must not be blank", member);
    }
    return 0;
}

int capacity__languages_read(const json_t *v, const char *field, struct buf *out,
                             struct bh_error *err)
{
    buf_reset(out);
    buf_puts(out, "");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return bh_fail(err, BH_EINVALID, field, "%s must be a list of language codes", field);
    if (json_array_size(v) > CAPACITY_LANGUAGES_MAX)
        return bh_fail(err, BH_EINVALID, field, "%s names more than %d languages", field,
                       CAPACITY_LANGUAGES_MAX);
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        char name[64];
        snprintf(name, sizeof name, "%s[%zu]", field, i);
        const char *code = json_string_value(item);
        bool known = false;
        for (size_t k = 0; code && capacity_languages[k]; k++)
            known = known || strcmp(capacity_languages[k], code) == 0;
        if (!known)
            return bh_fail(err, BH_EINVALID, name,
                           "%s is not a language code of the list (en, fr, ar ...): '%.20s'", name,
                           code ? code : "");
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_array_get(v, j)), code) == 0)
                return bh_fail(err, BH_EINVALID, name, "%s repeats '%s'", name, code);
        if (i > 0)
            buf_putc(out, ' ');
        buf_puts(out, code);
    }
    return 0;
}

json_t *capacity__languages_json(const char *text)
{
    json_t *a = json_array();
    while (text && *text) {
        const char *sp = strchr(text, ' ');
        size_t len = sp ? (size_t)(sp - text) : strlen(text);
        if (len)
            json_array_append_new(a, json_stringn(text, len));
        text += len + (sp ? 1 : 0);
    }
    return a;
}

bool capacity__date_valid(const char *s)
{
    int y, m, d;
    struct bh_error e;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    return time_parse_date(s, &y, &m, &d, &e) == 0;
}

int capacity__date_read(const json_t *body, const char *member, char out[11], bool required,
                        struct bh_error *err)
{
    out[0] = '\0';
    const char *s = NULL;
    int rc = jsonfield_string(body, member, required, 0, &s, err);
    if (rc || !s)
        return rc;
    if (!capacity__date_valid(s))
        return bh_fail(err, BH_EINVALID, member, "%s must be a date YYYY-MM-DD, not '%.40s'",
                       member, s);
    memcpy(out, s, 11);
    return 0;
}

int capacity__period_check(const char *starts_on, const char *ends_on, const char *field,
                           struct bh_error *err)
{
    if (strcmp(ends_on, starts_on) < 0)
        return bh_fail(err, BH_EINVALID, field, "%s ends before it starts (%s < %s)", field,
                       ends_on, starts_on);
    return 0;
}

json_t *capacity__org_json(struct db *db, int64_t org_id)
{
    struct db_stmt *st;
    struct bh_error e;
    json_t *o = NULL;
    if (org_id <= 0 || db_prepare(db, "SELECT code, name, kind FROM org WHERE id = ?", &st, &e))
        return json_null();
    db_bind_int(st, 1, org_id);
    if (db_step(st, &e) == DB_ROW)
        o = json_pack("{s:s, s:s, s:s}", "code", db_column_text(st, 0), "name",
                      db_column_text(st, 1), "kind", db_column_text(st, 2));
    db_stmt_done(st);
    return o ? o : json_null();
}

int capacity__org_id(struct db *db, const char *code, const char *field, int64_t *id,
                     struct bh_error *err)
{
    bool found = false;
    *id = 0;
    int rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(code)), id,
                            &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_EINVALID, field, "unknown organization '%.40s'", code);
    return rc;
}

int capacity__mission_check(struct db *db, const char *acronym, const char *field,
                            struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT 1 FROM mission WHERE acronym = ?",
                            DB_PARAMS(DB_TEXT(acronym)), NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_EINVALID, field, "unknown mission '%.40s'", acronym);
    return rc;
}

int capacity__marking_read(struct db *db, const struct principal *who, const json_t *body,
                           struct sharing_marking *m, const char *what, struct bh_error *err)
{
    return capacity__marking_read_owned(db, who, who ? who->org_id : 0, body, m, what, err);
}

int capacity__marking_read_owned(struct db *db, const struct principal *who, int64_t owner_org_id,
                                 const json_t *body, struct sharing_marking *m, const char *what,
                                 struct bh_error *err)
{
    if (!who || who->role == ROLE_NONE)
        return bh_fail(err, BH_EDENIED, NULL, "sign in to write records");
    int rc = sharing_marking_read(body, false, m, err);
    if (rc)
        return rc;
    if (m->recipients_given)
        return bh_fail(err, BH_EINVALID, "recipients",
                       "a %s is shared with organizations, not named readers", what);
    if (m->tlp != TLP_CLEAR && m->tlp != TLP_GREEN && m->tlp != TLP_AMBER)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "a %s marked %s could not be read by others, so nobody could act on it: "
                       "use TLP:CLEAR, TLP:GREEN or TLP:AMBER with a sharing group",
                       what, tlp_label(m->tlp));
    if (m->tlp != TLP_AMBER) {
        if (m->group_given && json_integer_value(json_object_get(body, "sharing_group")) > 0)
            return bh_fail(err, BH_EINVALID, "sharing_group",
                           "only a TLP:AMBER record has a sharing group, not a %s one",
                           tlp_label(m->tlp));
        return 0;
    }
    if (m->group <= 0)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "a TLP:AMBER record needs a sharing group: its distribution");
    bool found = false;
    if ((rc = db_exec_params(db, "SELECT 1 FROM sharing_group WHERE id = ?",
                             DB_PARAMS(DB_INT(m->group)), NULL, &found, err)))
        return rc;
    if (!found)
        return bh_fail(err, BH_EINVALID, "sharing_group", "no sharing group has the id %lld",
                       (long long)m->group);
    if ((rc = db_exec_params(db,
                             "SELECT 1 FROM sharing_group_member WHERE group_id = ? AND org_id = ?",
                             DB_PARAMS(DB_INT(m->group), DB_INT(owner_org_id)), NULL, &found, err)))
        return rc;
    if (!found)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "sharing group %lld does not include the record's own organization",
                       (long long)m->group);
    return 0;
}

int capacity__kind_check(const char *category, const char *capability, const char *unit,
                         struct bh_error *err)
{
    if (!capacity__known(capacity_categories, category))
        return bh_fail(err, BH_EINVALID, "category",
                       "unknown category '%.40s' (training, lessons_learned, mentoring, "
                       "advise_assist, equipment, infrastructure, logistics, financial)",
                       category ? category : "");
    const struct capacity_capability *c = capacity_capability_find(capability);
    if (!c)
        return bh_fail(err, BH_EINVALID, "capability", "unknown capability '%.60s'",
                       capability ? capability : "");
    if (strcmp(c->category, category) != 0)
        return bh_fail(err, BH_EINVALID, "capability",
                       "capability %s belongs to the category %s, not %s", c->code, c->category,
                       category);
    if (!capacity__known(capacity_units, unit))
        return bh_fail(err, BH_EINVALID, "unit",
                       "unknown unit '%.40s' (seats, units, person_days, usd)", unit ? unit : "");
    return 0;
}

/* ---- needs ---- */

#define SELECT_NEED                                                                             \
    "SELECT cn.n, cn.id, cn.owner_org_id, cn.tlp, cn.sharing_group_id, cn.status, cn.mission, " \
    "cn.category, cn.capability, cn.quantity, cn.unit, cn.priority, cn.starts_on, cn.ends_on, " \
    "cn.languages, cn.location, cn.title, cn.description, cn.version, cn.created_at, "          \
    "cn.updated_at, (SELECT coalesce(sum(m.quantity), 0) FROM capacity_match m WHERE "          \
    "m.need_n = cn.n AND m.status = 'confirmed'), (SELECT count(*) FROM capacity_match m "      \
    "WHERE m.need_n = cn.n AND m.status = 'confirmed') FROM capacity_need cn "
enum {
    COL_N,
    COL_ID,
    COL_OWNER,
    COL_TLP,
    COL_GROUP,
    COL_STATUS,
    COL_MISSION,
    COL_CATEGORY,
    COL_CAPABILITY,
    COL_QUANTITY,
    COL_UNIT,
    COL_PRIORITY,
    COL_STARTS,
    COL_ENDS,
    COL_LANGUAGES,
    COL_LOCATION,
    COL_TITLE,
    COL_DESCRIPTION,
    COL_VERSION,
    COL_CREATED,
    COL_UPDATED,
    COL_COVERED,
    COL_MATCHES,
};

/* A need being written: the body's members over the defaults or the stored row. */
struct need_vals {
    int64_t org_id;
    char mission[32];
    char category[32], capability[64], unit[16], priority[16], status[16];
    char starts_on[11], ends_on[11];
    struct buf languages;
    const char *title, *description, *location; /* borrowed: the body's or the stored row's */
    int64_t quantity;
    struct sharing_marking m;
};

static const char *const need_members[] = {
    "org",      "mission", "category", "capability",    "title",   "description",
    "quantity", "unit",    "priority", "starts_on",     "ends_on", "languages",
    "location", "status",  "tlp",      "sharing_group", NULL,
};

static int copy_code(const json_t *body, const char *member, char *out, size_t size,
                     struct bh_error *err)
{
    const char *s = NULL;
    int rc = jsonfield_string(body, member, false, size - 1, &s, err);
    if (!rc && s)
        snprintf(out, size, "%s", s);
    return rc;
}

/* Reads "org" (create only): the writer's own, or another for an admin. */
static int read_owner(struct db *db, const struct principal *who, const json_t *body,
                      int64_t *org_id, struct bh_error *err)
{
    const char *code = NULL;
    int rc = jsonfield_string(body, "org", false, 31, &code, err);
    if (rc || !code)
        return rc;
    if ((rc = capacity__org_id(db, code, "org", org_id, err)))
        return rc;
    if (*org_id != who->org_id && who->role != ROLE_ADMIN)
        return bh_fail(err, BH_EDENIED, "org",
                       "you post for your own organization %s, not for %.40s", who->org_code, code);
    return 0;
}

/* Reads the members of `body` over `v` and checks each. `create`: the required ones must be
 * there. Nothing is written. */
static int read_need(struct db *db, const struct principal *who, const json_t *body, bool create,
                     struct need_vals *v, struct bh_error *err)
{
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "a need must be a JSON object");
    int rc = jsonfield_check_known(body, need_members, err);
    if (rc)
        return rc;
    if (create && json_object_get(body, "status"))
        return bh_fail(err, BH_EINVALID, "status", "a new need is open; status changes later");
    if (!create && json_object_get(body, "org"))
        return bh_fail(err, BH_EINVALID, "org",
                       "a need stays with the organization that posted it");
    if (create && (rc = read_owner(db, who, body, &v->org_id, err)))
        return rc;
    const json_t *mission = json_object_get(body, "mission");
    if (mission && json_is_null(mission))
        v->mission[0] = '\0';
    else if ((rc = copy_code(body, "mission", v->mission, sizeof v->mission, err)))
        return rc;
    else if (mission && (rc = capacity__mission_check(db, v->mission, "mission", err)))
        return rc;
    if ((rc = copy_code(body, "category", v->category, sizeof v->category, err)) ||
        (rc = copy_code(body, "capability", v->capability, sizeof v->capability, err)) ||
        (rc = copy_code(body, "unit", v->unit, sizeof v->unit, err)) ||
        (rc = copy_code(body, "priority", v->priority, sizeof v->priority, err)) ||
        (rc = copy_code(body, "status", v->status, sizeof v->status, err)))
        return rc;
    if (create && !json_object_get(body, "category"))
        return bh_fail(err, BH_EINVALID, "category", "category is required");
    if (create && !json_object_get(body, "capability"))
        return bh_fail(err, BH_EINVALID, "capability", "capability is required");
    /* A capability named without its unit counts in the capability's own unit. */
    const struct capacity_capability *cap = capacity_capability_find(v->capability);
    if (cap && create && !json_object_get(body, "unit"))
        snprintf(v->unit, sizeof v->unit, "%s", cap->unit);
    if ((rc = capacity__kind_check(v->category, v->capability, v->unit, err)))
        return rc;
    if (!capacity_priority_weight(v->priority))
        return bh_fail(err, BH_EINVALID, "priority",
                       "unknown priority '%.40s' (critical, high, medium, low)", v->priority);
    if (strcmp(v->status, "open") != 0 && strcmp(v->status, "closed") != 0 &&
        strcmp(v->status, "withdrawn") != 0)
        return bh_fail(err, BH_EINVALID, "status",
                       "unknown status '%.40s' (open, closed, withdrawn)", v->status);
    const char *s;
    if ((rc = capacity__text_read(body, "title", create, CAPACITY_TITLE_MAX, &s, err)))
        return rc;
    if (s) {
        if (strspn(s, " \t\r\n") == strlen(s))
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        v->title = s;
    }
    if ((rc = capacity__text_read(body, "description", false, CAPACITY_TEXT_MAX, &s, err)))
        return rc;
    if (s)
        v->description = s;
    if ((rc = capacity__text_read(body, "location", false, CAPACITY_LOCATION_MAX, &s, err)))
        return rc;
    if (s)
        v->location = s;
    if ((rc = jsonfield_int(body, "quantity", create, 1, CAPACITY_QUANTITY_MAX, &v->quantity, NULL,
                            err)))
        return rc;
    char date[11];
    if ((rc = capacity__date_read(body, "starts_on", date, create, err)))
        return rc;
    if (date[0])
        memcpy(v->starts_on, date, sizeof date);
    if ((rc = capacity__date_read(body, "ends_on", date, create, err)))
        return rc;
    if (date[0])
        memcpy(v->ends_on, date, sizeof date);
    if ((rc = capacity__period_check(v->starts_on, v->ends_on, "ends_on", err)))
        return rc;
    if (json_object_get(body, "languages") &&
        (rc = capacity__languages_read(json_object_get(body, "languages"), "languages",
                                       &v->languages, err)))
        return rc;
    return capacity__marking_read_owned(db, who, v->org_id, body, &v->m, "need", err);
}

/* Need `id` (SELECT_NEED) as `who` sees it; `who` NULL reads it without the predicate. */
static int select_need(struct db *db, const struct principal *who, bool unrestricted,
                       const char *id, struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_NEED, "cn",
                                unrestricted ? NULL : capacity_need_predicate, id, st,
                                N_("no need has the id '%.40s'"), err);
}

static json_t *row_json(struct db *db, const struct principal *who, struct db_stmt *st)
{
    int64_t owner = db_column_int(st, COL_OWNER);
    int64_t quantity = db_column_int(st, COL_QUANTITY);
    int64_t covered = db_column_int(st, COL_COVERED);
    const char *mission = db_column_text(st, COL_MISSION);
    bool confirm = who && who->org_id > 0 && role_can(who->role, &perm_capacity_coordinate) &&
                   who->org_id != owner;
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, "
        "s:I, s:I, s:s, s:s, s:{s:b, s:b}}",
        "id", db_column_text(st, COL_ID), "org", capacity__org_json(db, owner), "mission",
        mission ? json_string(mission) : json_null(), "category", db_column_text(st, COL_CATEGORY),
        "capability", db_column_text(st, COL_CAPABILITY), "title", db_column_text(st, COL_TITLE),
        "description", db_column_text(st, COL_DESCRIPTION), "quantity", (json_int_t)quantity,
        "unit", db_column_text(st, COL_UNIT), "priority", db_column_text(st, COL_PRIORITY),
        "starts_on", db_column_text(st, COL_STARTS), "ends_on", db_column_text(st, COL_ENDS),
        "languages", capacity__languages_json(db_column_text(st, COL_LANGUAGES)), "location",
        db_column_text(st, COL_LOCATION), "status", db_column_text(st, COL_STATUS), "covered",
        (json_int_t)covered, "remaining", (json_int_t)(covered < quantity ? quantity - covered : 0),
        "matches", (json_int_t)db_column_int(st, COL_MATCHES), "version",
        (json_int_t)db_column_int(st, COL_VERSION), "created_at", db_column_text(st, COL_CREATED),
        "updated_at", db_column_text(st, COL_UPDATED), "can", "edit",
        capacity__may_edit(who, &perm_capacity_request, owner), "confirm", confirm);
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    return o;
}

/* The need as `who` would see it, read after a write without the predicate. */
static int need_json(struct db *db, const struct principal *who, bool unrestricted, const char *id,
                     json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = select_need(db, who, unrestricted, id, &st, err);
    if (rc)
        return rc;
    *out = row_json(db, who, st);
    db_stmt_done(st);
    return 0;
}

int capacity_need_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                      struct bh_error *err)
{
    *out = NULL;
    return need_json(db, who, false, id, out, err);
}

/* The mission a mission organization's need serves when it names none: its own. */
static int default_mission(struct db *db, int64_t org_id, char mission[32], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT mission_acronym FROM org WHERE id = ? AND kind = 'mission'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, org_id);
    if ((rc = db_step(st, err)) == DB_ROW && db_column_text(st, 0))
        snprintf(mission, 32, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int capacity_need_create(struct db *db, const struct principal *who, const json_t *body,
                         json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__may(who, &perm_capacity_request, err);
    if (rc)
        return rc;
    struct need_vals v = {
        .org_id = who->org_id, .m = { .tlp = TLP_GREEN }, .description = "", .location = ""
    };
    buf_init(&v.languages);
    snprintf(v.priority, sizeof v.priority, "medium");
    snprintf(v.status, sizeof v.status, "open");
    rc = read_need(db, who, body, true, &v, err);
    if (!rc && !json_object_get(body, "mission"))
        rc = default_mission(db, v.org_id, v.mission, err);
    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1];
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc && !(rc = db_begin(db, err))) {
        rc = db_exec_params(
            db,
            "INSERT INTO capacity_need (id, owner_org_id, tlp, sharing_group_id, mission, "
            "category, capability, quantity, unit, priority, starts_on, ends_on, languages, "
            "location, title, description, created_by, created_at, updated_at) VALUES (?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            DB_PARAMS(DB_TEXT(id), DB_INT(v.org_id), DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL),
                      DB_TEXT(v.mission[0] ? v.mission : NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_INT(v.quantity), DB_TEXT(v.unit),
                      DB_TEXT(v.priority), DB_TEXT(v.starts_on), DB_TEXT(v.ends_on),
                      DB_TEXT(buf_str(&v.languages)), DB_TEXT(v.location), DB_TEXT(v.title),
                      DB_TEXT(v.description),
                      who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                      DB_TEXT(now)),
            NULL, NULL, err);
        if (!rc) {
            json_t *summary =
                json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "title", v.title, "capability",
                          v.capability, "quantity", (json_int_t)v.quantity, "unit", v.unit,
                          "priority", v.priority, "tlp", tlp_label(v.m.tlp));
            rc = audit_append(db, who, "need.create", "need", id, summary, err);
            json_decref(summary);
        }
        if (!rc)
            rc = db_commit(db, err);
        if (rc)
            db_rollback(db);
    }
    buf_cleanup(&v.languages);
    if (rc)
        return rc;
    feed_notify();
    return need_json(db, who, true, id, out, err);
}

/* The stored need, as read for a change. */
struct need_row {
    int64_t n, owner, group, version, quantity, covered, matches;
    char tlp[16], status[16], mission[32], category[32], capability[64], unit[16], priority[16],
        starts_on[11], ends_on[11];
    char *languages, *location, *title, *description;
};

static void need_row_free(struct need_row *r)
{
    free(r->languages);
    free(r->location);
    free(r->title);
    free(r->description);
}

static int read_row(struct db *db, const struct principal *who, const char *id, struct need_row *r,
                    struct bh_error *err)
{
    struct db_stmt *st;
    memset(r, 0, sizeof *r);
    int rc = select_need(db, who, false, id, &st, err);
    if (rc)
        return rc;
    r->n = db_column_int(st, COL_N);
    r->owner = db_column_int(st, COL_OWNER);
    r->group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
    r->version = db_column_int(st, COL_VERSION);
    r->quantity = db_column_int(st, COL_QUANTITY);
    r->covered = db_column_int(st, COL_COVERED);
    r->matches = db_column_int(st, COL_MATCHES);
    snprintf(r->tlp, sizeof r->tlp, "%s", db_column_text(st, COL_TLP));
    snprintf(r->status, sizeof r->status, "%s", db_column_text(st, COL_STATUS));
    snprintf(r->mission, sizeof r->mission, "%s",
             db_column_text(st, COL_MISSION) ? db_column_text(st, COL_MISSION) : "");
    snprintf(r->category, sizeof r->category, "%s", db_column_text(st, COL_CATEGORY));
    snprintf(r->capability, sizeof r->capability, "%s", db_column_text(st, COL_CAPABILITY));
    snprintf(r->unit, sizeof r->unit, "%s", db_column_text(st, COL_UNIT));
    snprintf(r->priority, sizeof r->priority, "%s", db_column_text(st, COL_PRIORITY));
    snprintf(r->starts_on, sizeof r->starts_on, "%s", db_column_text(st, COL_STARTS));
    snprintf(r->ends_on, sizeof r->ends_on, "%s", db_column_text(st, COL_ENDS));
    r->languages = xstrdup(db_column_text(st, COL_LANGUAGES));
    r->location = xstrdup(db_column_text(st, COL_LOCATION));
    r->title = xstrdup(db_column_text(st, COL_TITLE));
    r->description = xstrdup(db_column_text(st, COL_DESCRIPTION));
    db_stmt_done(st);
    return 0;
}

/* What confirmed matches hold a need to: a quantity at least what they cover, and the
 * capability and unit they were confirmed in. */
static int check_against_matches(const struct need_row *r, const struct need_vals *v,
                                 struct bh_error *err)
{
    if (v->quantity < r->covered)
        return bh_fail(err, BH_ECONFLICT, "quantity",
                       "confirmed matches cover %lld %s of this need: the quantity cannot drop "
                       "to %lld",
                       (long long)r->covered, r->unit, (long long)v->quantity);
    if (r->matches > 0 && strcmp(r->capability, v->capability) != 0)
        return bh_fail(err, BH_ECONFLICT, "capability",
                       "the need has confirmed matches for %s: its capability stays",
                       r->capability);
    if (r->matches > 0 && strcmp(r->unit, v->unit) != 0)
        return bh_fail(err, BH_ECONFLICT, "unit",
                       "the need has confirmed matches in %s: its unit stays", r->unit);
    /* A withdrawn need was taken back by its owner: posting it again is a new need, so that
     * providers who saw it withdrawn are not surprised by its return. */
    if (strcmp(r->status, "withdrawn") == 0 && strcmp(v->status, "withdrawn") != 0)
        return bh_fail(err, BH_ECONFLICT, "status",
                       "a withdrawn need is not reopened: post a new one");
    return 0;
}

int capacity_need_update(struct db *db, const struct principal *who, const char *id,
                         const json_t *body, int64_t if_version, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__may(who, &perm_capacity_request, err);
    if (rc)
        return rc;
    struct need_row r;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = read_row(db, who, id, &r, err))) {
        db_rollback(db);
        return rc;
    }
    struct need_vals v = { .org_id = r.owner,
                           .quantity = r.quantity,
                           .title = r.title,
                           .description = r.description,
                           .location = r.location };
    buf_init(&v.languages);
    buf_puts(&v.languages, r.languages);
    int t = tlp_parse(r.tlp);
    v.m.tlp = t < 0 ? TLP_GREEN : (enum tlp)t;
    v.m.group = r.group;
    snprintf(v.mission, sizeof v.mission, "%s", r.mission);
    snprintf(v.category, sizeof v.category, "%s", r.category);
    snprintf(v.capability, sizeof v.capability, "%s", r.capability);
    snprintf(v.unit, sizeof v.unit, "%s", r.unit);
    snprintf(v.priority, sizeof v.priority, "%s", r.priority);
    snprintf(v.status, sizeof v.status, "%s", r.status);
    memcpy(v.starts_on, r.starts_on, sizeof v.starts_on);
    memcpy(v.ends_on, r.ends_on, sizeof v.ends_on);
    if (!capacity__may_edit(who, &perm_capacity_request, r.owner))
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that posted a need (or an admin) changes it");
    else if (if_version > 0 && if_version != r.version)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the need is at version %lld, not %lld: someone changed it since you read "
                     "it; read it again",
                     (long long)r.version, (long long)if_version);
    if (!rc)
        rc = read_need(db, who, body, false, &v, err);
    if (!rc)
        rc = check_against_matches(&r, &v, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE capacity_need SET tlp = ?, sharing_group_id = ?, status = ?, mission = ?, "
            "category = ?, capability = ?, quantity = ?, unit = ?, priority = ?, starts_on = ?, "
            "ends_on = ?, languages = ?, location = ?, title = ?, description = ?, version = "
            "version + 1, updated_at = ? WHERE n = ?",
            DB_PARAMS(DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(v.status),
                      DB_TEXT(v.mission[0] ? v.mission : NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_INT(v.quantity), DB_TEXT(v.unit),
                      DB_TEXT(v.priority), DB_TEXT(v.starts_on), DB_TEXT(v.ends_on),
                      DB_TEXT(buf_str(&v.languages)), DB_TEXT(v.location), DB_TEXT(v.title),
                      DB_TEXT(v.description), DB_TEXT(now), DB_INT(r.n)),
            NULL, NULL, err);
    if (!rc) {
        json_t *keys = jsonfield_keys(body);
        json_t *summary = json_pack("{s:o, s:s}", "changed", keys, "status", v.status);
        rc = audit_append(db, who, "need.update", "need", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    buf_cleanup(&v.languages);
    need_row_free(&r);
    if (rc)
        return rc;
    feed_notify();
    return need_json(db, who, true, id, out, err);
}

/* ---- the list ---- */

/* Appends the filters of `f` and the predicate to `sql`, a WHERE clause being written. */
static void where_clause(const struct principal *who, const struct capacity_filter *f,
                         struct buf *sql, struct db_params *params)
{
    const char *status = f->status ? f->status : "open";
    struct {
        const char *col, *value;
    } eq[] = { { "cn.status", strcmp(status, "any") == 0 ? NULL : status },
               { "cn.category", f->category },
               { "cn.capability", f->capability },
               { "cn.mission", f->mission },
               { "cn.priority", f->priority },
               { "(SELECT code FROM org WHERE id = cn.owner_org_id)", f->org } };
    for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
        if (!eq[i].value || !*eq[i].value)
            continue;
        buf_printf(sql, "%s = ? AND ", eq[i].col);
        db_params_text(params, eq[i].value);
    }
    if (f->unmet)
        buf_puts(sql, "cn.quantity > (SELECT coalesce(sum(m.quantity), 0) FROM capacity_match m "
                      "WHERE m.need_n = cn.n AND m.status = 'confirmed') AND ");
    capacity_need_predicate(who, "cn", sql, params);
}

int capacity_need_list(struct db *db, const struct principal *who, const struct capacity_filter *f,
                       json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__list_filter_check(f, err);
    if (rc)
        return rc;
    struct buf where = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    where_clause(who, f, &where, &params);
    static const struct capacity__list list = { "capacity_need", "cn", SELECT_NEED, COL_N,
                                                row_json };
    rc = capacity__list_page(db, who, f, &list, buf_str(&where), &params, out, err);
    buf_cleanup(&where);
    db_params_cleanup(&params);
    return rc;
}
