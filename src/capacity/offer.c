/* Capacity offers: what a provider can give (seats on a course, equipment, advice, money),
 * to any contributor or to one (for_org). Creating, changing, reading and listing them; and
 * the sums of confirmed matches the module's files share (internal.h). */
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the sums of confirmed matches (internal.h) ---- */

static int64_t confirmed_sum(struct db *db, const char *sql, int64_t n, int64_t *count)
{
    struct db_stmt *st;
    struct bh_error e;
    int64_t sum = -1;
    if (count)
        *count = 0;
    if (db_prepare(db, sql, &st, &e))
        return -1;
    db_bind_int(st, 1, n);
    if (db_step(st, &e) == DB_ROW) {
        sum = db_column_int(st, 0);
        if (count)
            *count = db_column_int(st, 1);
    }
    db_stmt_done(st);
    return sum;
}

int64_t capacity__need_covered(struct db *db, int64_t need_n, int64_t *count)
{
    return confirmed_sum(db,
                         "SELECT coalesce(sum(quantity), 0), count(*) FROM capacity_match WHERE "
                         "need_n = ? AND status = 'confirmed'",
                         need_n, count);
}

int64_t capacity__offer_committed(struct db *db, int64_t offer_n, int64_t *count)
{
    return confirmed_sum(db,
                         "SELECT coalesce(sum(quantity), 0), count(*) FROM capacity_match WHERE "
                         "offer_n = ? AND status = 'confirmed'",
                         offer_n, count);
}

/* ---- offers ---- */

#define SELECT_OFFER                                                                               \
    "SELECT co.n, co.id, co.owner_org_id, co.tlp, co.sharing_group_id, co.status, co.for_org_id, " \
    "co.category, co.capability, co.capacity, co.unit, co.starts_on, co.ends_on, "                 \
    "co.languages, co.location, co.title, co.conditions, co.version, co.created_at, "              \
    "co.updated_at, (SELECT coalesce(sum(m.quantity), 0) FROM capacity_match m WHERE "             \
    "m.offer_n = co.n AND m.status = 'confirmed'), (SELECT count(*) FROM capacity_match m "        \
    "WHERE m.offer_n = co.n AND m.status = 'confirmed') FROM capacity_offer co "
enum {
    COL_N,
    COL_ID,
    COL_OWNER,
    COL_TLP,
    COL_GROUP,
    COL_STATUS,
    COL_FOR_ORG,
    COL_CATEGORY,
    COL_CAPABILITY,
    COL_CAPACITY,
    COL_UNIT,
    COL_STARTS,
    COL_ENDS,
    COL_LANGUAGES,
    COL_LOCATION,
    COL_TITLE,
    COL_CONDITIONS,
    COL_VERSION,
    COL_CREATED,
    COL_UPDATED,
    COL_COMMITTED,
    COL_MATCHES,
};

/* An offer being written: the body's members over the defaults or the stored row. */
struct offer_vals {
    int64_t org_id, for_org_id;
    char category[32], capability[64], unit[16], status[16];
    char starts_on[11], ends_on[11];
    struct buf languages;
    const char *title, *conditions, *location; /* borrowed: the body's or the stored row's */
    int64_t capacity;
    struct sharing_marking m;
};

static const char *const offer_members[] = {
    "org",      "for_org", "category",      "capability", "title",     "conditions",
    "capacity", "unit",    "starts_on",     "ends_on",    "languages", "location",
    "status",   "tlp",     "sharing_group", NULL,
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

/* Reads "for_org": the one contributor an offer is made to (null: open to all), never the
 * provider itself. */
static int read_for_org(struct db *db, const json_t *body, struct offer_vals *v,
                        struct bh_error *err)
{
    const json_t *f = json_object_get(body, "for_org");
    if (!f)
        return 0;
    if (json_is_null(f)) {
        v->for_org_id = 0;
        return 0;
    }
    const char *code = NULL;
    int rc = jsonfield_string(body, "for_org", false, 31, &code, err);
    if (!rc)
        rc = capacity__org_id(db, code, "for_org", &v->for_org_id, err);
    if (!rc && v->for_org_id == v->org_id)
        rc = bh_fail(err, BH_EINVALID, "for_org",
                     "an offer is made to another organization, not to its provider %.40s", code);
    return rc;
}

/* Reads the members of `body` over `v` and checks each. `create`: the required ones must be
 * there. Nothing is written. */
static int read_offer(struct db *db, const struct principal *who, const json_t *body, bool create,
                      struct offer_vals *v, struct bh_error *err)
{
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "an offer must be a JSON object");
    int rc = jsonfield_check_known(body, offer_members, err);
    if (rc)
        return rc;
    if (create && json_object_get(body, "status"))
        return bh_fail(err, BH_EINVALID, "status", "a new offer is open; status changes later");
    if (!create && json_object_get(body, "org"))
        return bh_fail(err, BH_EINVALID, "org",
                       "an offer stays with the organization that posted it");
    if (create && (rc = read_owner(db, who, body, &v->org_id, err)))
        return rc;
    if ((rc = read_for_org(db, body, v, err)))
        return rc;
    if ((rc = copy_code(body, "category", v->category, sizeof v->category, err)) ||
        (rc = copy_code(body, "capability", v->capability, sizeof v->capability, err)) ||
        (rc = copy_code(body, "unit", v->unit, sizeof v->unit, err)) ||
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
    if ((rc = capacity__text_read(body, "conditions", false, CAPACITY_TEXT_MAX, &s, err)))
        return rc;
    if (s)
        v->conditions = s;
    if ((rc = capacity__text_read(body, "location", false, CAPACITY_LOCATION_MAX, &s, err)))
        return rc;
    if (s)
        v->location = s;
    if ((rc = jsonfield_int(body, "capacity", create, 1, CAPACITY_QUANTITY_MAX, &v->capacity, NULL,
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
    return capacity__marking_read_owned(db, who, v->org_id, body, &v->m, "offer", err);
}

/* Offer `id` (SELECT_OFFER) as `who` sees it; `who` NULL reads it without the predicate. */
static int select_offer(struct db *db, const struct principal *who, bool unrestricted,
                        const char *id, struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, SELECT_OFFER, "co",
                                unrestricted ? NULL : capacity_offer_predicate, id, st,
                                N_("no offer has the id '%.40s'"), err);
}

static json_t *row_json(struct db *db, const struct principal *who, struct db_stmt *st)
{
    int64_t owner = db_column_int(st, COL_OWNER);
    int64_t capacity = db_column_int(st, COL_CAPACITY);
    int64_t committed = db_column_int(st, COL_COMMITTED);
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:I, "
        "s:I, s:s, s:s, s:{s:b}}",
        "id", db_column_text(st, COL_ID), "org", capacity__org_json(db, owner), "for_org",
        capacity__org_json(db,
                           db_column_is_null(st, COL_FOR_ORG) ? 0 : db_column_int(st, COL_FOR_ORG)),
        "category", db_column_text(st, COL_CATEGORY), "capability",
        db_column_text(st, COL_CAPABILITY), "title", db_column_text(st, COL_TITLE), "conditions",
        db_column_text(st, COL_CONDITIONS), "capacity", (json_int_t)capacity, "unit",
        db_column_text(st, COL_UNIT), "starts_on", db_column_text(st, COL_STARTS), "ends_on",
        db_column_text(st, COL_ENDS), "languages",
        capacity__languages_json(db_column_text(st, COL_LANGUAGES)), "location",
        db_column_text(st, COL_LOCATION), "status", db_column_text(st, COL_STATUS), "committed",
        (json_int_t)committed, "remaining",
        (json_int_t)(committed < capacity ? capacity - committed : 0), "matches",
        (json_int_t)db_column_int(st, COL_MATCHES), "version",
        (json_int_t)db_column_int(st, COL_VERSION), "created_at", db_column_text(st, COL_CREATED),
        "updated_at", db_column_text(st, COL_UPDATED), "can", "edit",
        capacity__may_edit(who, &perm_capacity_offer, owner));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    return o;
}

/* The offer as `who` would see it, read after a write without the predicate. */
static int offer_json(struct db *db, const struct principal *who, bool unrestricted, const char *id,
                      json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = select_offer(db, who, unrestricted, id, &st, err);
    if (rc)
        return rc;
    *out = row_json(db, who, st);
    db_stmt_done(st);
    return 0;
}

int capacity_offer_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                       struct bh_error *err)
{
    *out = NULL;
    return offer_json(db, who, false, id, out, err);
}

int capacity_offer_create(struct db *db, const struct principal *who, const json_t *body,
                          json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__may(who, &perm_capacity_offer, err);
    if (rc)
        return rc;
    struct offer_vals v = {
        .org_id = who->org_id, .m = { .tlp = TLP_GREEN }, .conditions = "", .location = ""
    };
    buf_init(&v.languages);
    snprintf(v.status, sizeof v.status, "open");
    rc = read_offer(db, who, body, true, &v, err);
    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1];
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc && !(rc = db_begin(db, err))) {
        rc = db_exec_params(
            db,
            "INSERT INTO capacity_offer (id, owner_org_id, tlp, sharing_group_id, for_org_id, "
            "category, capability, capacity, unit, starts_on, ends_on, languages, location, "
            "title, conditions, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            DB_PARAMS(DB_TEXT(id), DB_INT(v.org_id), DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL),
                      v.for_org_id ? DB_INT(v.for_org_id) : DB_TEXT(NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_INT(v.capacity), DB_TEXT(v.unit),
                      DB_TEXT(v.starts_on), DB_TEXT(v.ends_on), DB_TEXT(buf_str(&v.languages)),
                      DB_TEXT(v.location), DB_TEXT(v.title), DB_TEXT(v.conditions),
                      who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                      DB_TEXT(now)),
            NULL, NULL, err);
        if (!rc) {
            json_t *summary = json_pack("{s:s, s:s, s:I, s:s, s:s}", "title", v.title, "capability",
                                        v.capability, "capacity", (json_int_t)v.capacity, "unit",
                                        v.unit, "tlp", tlp_label(v.m.tlp));
            rc = audit_append(db, who, "offer.create", "offer", id, summary, err);
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
    return offer_json(db, who, true, id, out, err);
}

/* The stored offer, as read for a change. */
struct offer_row {
    int64_t n, owner, for_org, group, version, capacity, committed, matches;
    char tlp[16], status[16], category[32], capability[64], unit[16], starts_on[11], ends_on[11];
    char *languages, *location, *title, *conditions;
};

static void offer_row_free(struct offer_row *r)
{
    free(r->languages);
    free(r->location);
    free(r->title);
    free(r->conditions);
}

static int read_row(struct db *db, const struct principal *who, const char *id, struct offer_row *r,
                    struct bh_error *err)
{
    struct db_stmt *st;
    memset(r, 0, sizeof *r);
    int rc = select_offer(db, who, false, id, &st, err);
    if (rc)
        return rc;
    r->n = db_column_int(st, COL_N);
    r->owner = db_column_int(st, COL_OWNER);
    r->group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
    r->version = db_column_int(st, COL_VERSION);
    r->capacity = db_column_int(st, COL_CAPACITY);
    r->committed = db_column_int(st, COL_COMMITTED);
    r->matches = db_column_int(st, COL_MATCHES);
    snprintf(r->tlp, sizeof r->tlp, "%s", db_column_text(st, COL_TLP));
    snprintf(r->status, sizeof r->status, "%s", db_column_text(st, COL_STATUS));
    r->for_org = db_column_is_null(st, COL_FOR_ORG) ? 0 : db_column_int(st, COL_FOR_ORG);
    snprintf(r->category, sizeof r->category, "%s", db_column_text(st, COL_CATEGORY));
    snprintf(r->capability, sizeof r->capability, "%s", db_column_text(st, COL_CAPABILITY));
    snprintf(r->unit, sizeof r->unit, "%s", db_column_text(st, COL_UNIT));
    snprintf(r->starts_on, sizeof r->starts_on, "%s", db_column_text(st, COL_STARTS));
    snprintf(r->ends_on, sizeof r->ends_on, "%s", db_column_text(st, COL_ENDS));
    r->languages = xstrdup(db_column_text(st, COL_LANGUAGES));
    r->location = xstrdup(db_column_text(st, COL_LOCATION));
    r->title = xstrdup(db_column_text(st, COL_TITLE));
    r->conditions = xstrdup(db_column_text(st, COL_CONDITIONS));
    db_stmt_done(st);
    return 0;
}

/* What confirmed matches hold an offer to: a capacity at least what they take, and the
 * capability and unit they were confirmed in. */
static int check_against_matches(const struct offer_row *r, const struct offer_vals *v,
                                 struct bh_error *err)
{
    if (v->capacity < r->committed)
        return bh_fail(err, BH_ECONFLICT, "capacity",
                       "confirmed matches take %lld %s of this offer: its capacity cannot drop "
                       "to %lld",
                       (long long)r->committed, r->unit, (long long)v->capacity);
    if (r->matches > 0 && strcmp(r->capability, v->capability) != 0)
        return bh_fail(err, BH_ECONFLICT, "capability",
                       "the offer has confirmed matches for %s: its capability stays",
                       r->capability);
    if (r->matches > 0 && strcmp(r->unit, v->unit) != 0)
        return bh_fail(err, BH_ECONFLICT, "unit",
                       "the offer has confirmed matches in %s: its unit stays", r->unit);
    /* A withdrawn offer was taken back by its owner: posting it again is a new offer, so that
     * contributors who saw it withdrawn are not surprised by its return. */
    if (strcmp(r->status, "withdrawn") == 0 && strcmp(v->status, "withdrawn") != 0)
        return bh_fail(err, BH_ECONFLICT, "status",
                       "a withdrawn offer is not reopened: post a new one");
    return 0;
}

int capacity_offer_update(struct db *db, const struct principal *who, const char *id,
                          const json_t *body, int64_t if_version, json_t **out,
                          struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__may(who, &perm_capacity_offer, err);
    if (rc)
        return rc;
    struct offer_row r;
    if ((rc = db_begin(db, err)))
        return rc;
    if ((rc = read_row(db, who, id, &r, err))) {
        db_rollback(db);
        return rc;
    }
    struct offer_vals v = { .org_id = r.owner,
                            .for_org_id = r.for_org,
                            .capacity = r.capacity,
                            .title = r.title,
                            .conditions = r.conditions,
                            .location = r.location };
    buf_init(&v.languages);
    buf_puts(&v.languages, r.languages);
    int t = tlp_parse(r.tlp);
    v.m.tlp = t < 0 ? TLP_GREEN : (enum tlp)t;
    v.m.group = r.group;
    snprintf(v.category, sizeof v.category, "%s", r.category);
    snprintf(v.capability, sizeof v.capability, "%s", r.capability);
    snprintf(v.unit, sizeof v.unit, "%s", r.unit);
    snprintf(v.status, sizeof v.status, "%s", r.status);
    memcpy(v.starts_on, r.starts_on, sizeof v.starts_on);
    memcpy(v.ends_on, r.ends_on, sizeof v.ends_on);
    if (!capacity__may_edit(who, &perm_capacity_offer, r.owner))
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that posted an offer (or an admin) changes it");
    else if (if_version > 0 && if_version != r.version)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the offer is at version %lld, not %lld: someone changed it since you read "
                     "it; read it again",
                     (long long)r.version, (long long)if_version);
    if (!rc)
        rc = read_offer(db, who, body, false, &v, err);
    if (!rc)
        rc = check_against_matches(&r, &v, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE capacity_offer SET tlp = ?, sharing_group_id = ?, status = ?, for_org_id = ?, "
            "category = ?, capability = ?, capacity = ?, unit = ?, starts_on = ?, ends_on = ?, "
            "languages = ?, location = ?, title = ?, conditions = ?, version = "
            "version + 1, updated_at = ? WHERE n = ?",
            DB_PARAMS(DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(v.status),
                      v.for_org_id ? DB_INT(v.for_org_id) : DB_TEXT(NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_INT(v.capacity), DB_TEXT(v.unit),
                      DB_TEXT(v.starts_on), DB_TEXT(v.ends_on), DB_TEXT(buf_str(&v.languages)),
                      DB_TEXT(v.location), DB_TEXT(v.title), DB_TEXT(v.conditions), DB_TEXT(now),
                      DB_INT(r.n)),
            NULL, NULL, err);
    if (!rc) {
        json_t *keys = jsonfield_keys(body);
        json_t *summary = json_pack("{s:o, s:s}", "changed", keys, "status", v.status);
        rc = audit_append(db, who, "offer.update", "offer", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    buf_cleanup(&v.languages);
    offer_row_free(&r);
    if (rc)
        return rc;
    feed_notify();
    return offer_json(db, who, true, id, out, err);
}

/* ---- the list ---- */

/* Appends the filters of `f` and the predicate to `sql`, a WHERE clause being written. */
static void where_clause(const struct principal *who, const struct capacity_filter *f,
                         struct buf *sql, struct db_params *params)
{
    const char *status = f->status ? f->status : "open";
    struct {
        const char *col, *value;
    } eq[] = { { "co.status", strcmp(status, "any") == 0 ? NULL : status },
               { "co.category", f->category },
               { "co.capability", f->capability },
               { "(SELECT code FROM org WHERE id = co.owner_org_id)", f->org } };
    for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
        if (!eq[i].value || !*eq[i].value)
            continue;
        buf_printf(sql, "%s = ? AND ", eq[i].col);
        db_params_text(params, eq[i].value);
    }
    if (f->unmet)
        buf_puts(sql, "co.capacity > (SELECT coalesce(sum(m.quantity), 0) FROM capacity_match m "
                      "WHERE m.offer_n = co.n AND m.status = 'confirmed') AND ");
    capacity_offer_predicate(who, "co", sql, params);
}

int capacity_offer_list(struct db *db, const struct principal *who, const struct capacity_filter *f,
                        json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = capacity__list_filter_check(f, err);
    if (rc)
        return rc;
    struct buf where = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    where_clause(who, f, &where, &params);
    static const struct capacity__list list = { "capacity_offer", "co", SELECT_OFFER, COL_N,
                                                row_json };
    rc = capacity__list_page(db, who, f, &list, buf_str(&where), &params, out, err);
    buf_cleanup(&where);
    db_params_cleanup(&params);
    return rc;
}
