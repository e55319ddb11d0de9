/* Training records: a provider's courses and each time one was delivered, who took part and
 * which needs it served. A course is a shareable record ("training"); its deliveries are read
 * under its marking, and a need a delivery served shows only as seats to a reader who may not
 * see that need. Only the course's organization (or an admin) writes, with capacity.train.
 *
 * "completed" of a participant counts people who finished the course, so it may be above 0
 * only on a delivery whose status is "completed": a planned or cancelled delivery has nobody
 * who completed it, and a report that summed such numbers would count training that did not
 * happen. */
#include "capacity/capacity.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "capacity/internal.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const delivery_statuses[] = { "planned", "completed", "cancelled", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static void now_text(char out[40])
{
    time_format_rfc3339(time_now_ms(), 0, false, out);
}

static void new_id(char id[UUID_STR_LEN + 1])
{
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
}

static void set_text(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

static bool may_train(const struct principal *who)
{
    return who && role_can(who->role, &perm_capacity_train) && (who->org_id > 0 || who->is_cli);
}

static int check_may_train(const struct principal *who, struct bh_error *err)
{
    if (!may_train(who))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not record training",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static bool may_edit(const struct principal *who, int64_t owner_org_id)
{
    return may_train(who) && (who->role == ROLE_ADMIN || who->org_id == owner_org_id);
}

/* ---- reading ---- */

#define COURSE_COLUMNS                                                                        \
    "SELECT c.n, c.id, c.owner_org_id, c.tlp, c.sharing_group_id, c.category, c.capability, " \
    "c.title, c.languages, c.description, (SELECT f.id FROM capacity_offer f WHERE f.n = "    \
    "c.offer_n), c.version, c.created_at, c.updated_at, c.offer_n FROM training_course c "
enum {
    C_N,
    C_ID,
    C_OWNER,
    C_TLP,
    C_GROUP,
    C_CATEGORY,
    C_CAPABILITY,
    C_TITLE,
    C_LANGUAGES,
    C_DESCRIPTION,
    C_OFFER,
    C_VERSION,
    C_CREATED,
    C_UPDATED,
    C_OFFER_N,
};

static json_t *org_ref(struct db *db, int64_t org_id)
{
    json_t *o = capacity__org_json(db, org_id);
    if (json_is_object(o))
        json_object_del(o, "kind");
    return o;
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The participants of delivery row `dn` to `d`, with their sums. */
static int add_participants(struct db *db, int64_t dn, json_t *d, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT o.code, o.name, p.enrolled, p.completed FROM training_participant "
                        "p JOIN org o ON o.id = p.org_id WHERE p.delivery_n = ? ORDER BY o.code",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, dn);
    json_t *list = json_array();
    int64_t enrolled = 0, completed = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        enrolled += db_column_int(st, 2);
        completed += db_column_int(st, 3);
        json_array_append_new(list, json_pack("{s:{s:s, s:s}, s:I, s:I}", "org", "code",
                                              db_column_text(st, 0), "name", db_column_text(st, 1),
                                              "enrolled", (json_int_t)db_column_int(st, 2),
                                              "completed", (json_int_t)db_column_int(st, 3)));
    }
    db_stmt_done(st);
    json_object_set_new(d, "participants", list);
    json_object_set_new(d, "enrolled", json_integer(enrolled));
    json_object_set_new(d, "completed", json_integer(completed));
    return rc < 0 ? rc : 0;
}

/* The needs delivery row `dn` served: those `who` may not see show only their seats. */
static int add_needs(struct db *db, const struct principal *who, int64_t dn, json_t *d,
                     struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT t.seats, n.id, n.title, o.code, CASE WHEN ");
    capacity_need_predicate(who, "n", &sql, &params);
    buf_puts(&sql, " THEN 1 ELSE 0 END FROM training_need t JOIN capacity_need n ON n.n = "
                   "t.need_n JOIN org o ON o.id = n.owner_org_id WHERE t.delivery_n = ? ORDER "
                   "BY n.n");
    db_params_int(&params, dn);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *list = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_int_t seats = db_column_int(st, 0);
        if (db_column_int(st, 4))
            json_array_append_new(list,
                                  json_pack("{s:s, s:s, s:s, s:I}", "id", db_column_text(st, 1),
                                            "title", db_column_text(st, 2), "org",
                                            db_column_text(st, 3), "seats", seats));
        else
            json_array_append_new(list, json_pack("{s:b, s:I}", "hidden", 1, "seats", seats));
    }
    db_stmt_done(st);
    json_object_set_new(d, "needs", list);
    return rc < 0 ? rc : 0;
}

/* The deliveries of course row `cn`, earliest first. */
static int add_deliveries(struct db *db, const struct principal *who, int64_t cn, json_t *course,
                          struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT n, id, status, starts_on, ends_on, location, mission FROM "
                        "training_delivery WHERE course_n = ? ORDER BY starts_on, n",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, cn);
    json_t *list = json_array();
    json_object_set_new(course, "deliveries", list);
    int64_t *rows = NULL;
    size_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        rows = xrealloc(rows, (n + 1) * sizeof *rows);
        rows[n++] = db_column_int(st, 0);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", db_column_text(st, 1), "status",
                            db_column_text(st, 2), "starts_on", db_column_text(st, 3), "ends_on",
                            db_column_text(st, 4), "location", db_column_text(st, 5), "mission",
                            text_or_null(db_column_text(st, 6))));
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    /* The lists are read after the statement is done: one connection, one open read. */
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *d = json_array_get(list, i);
        rc = add_participants(db, rows[i], d, err);
        if (!rc)
            rc = add_needs(db, who, rows[i], d, err);
    }
    free(rows);
    return rc;
}

/* The course of the current row of `st` (COURSE_COLUMNS), without its deliveries. */
static json_t *course_row_json(struct db *db, const struct principal *who, struct db_stmt *st)
{
    int64_t owner = db_column_int(st, C_OWNER);
    json_t *o = json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:s, s:s, s:{s:b}}", "id",
                          db_column_text(st, C_ID), "org", org_ref(db, owner), "category",
                          db_column_text(st, C_CATEGORY), "capability",
                          db_column_text(st, C_CAPABILITY), "title", db_column_text(st, C_TITLE),
                          "languages", capacity__languages_json(db_column_text(st, C_LANGUAGES)),
                          "description", db_column_text(st, C_DESCRIPTION), "offer",
                          text_or_null(db_column_text(st, C_OFFER)), "version",
                          (json_int_t)db_column_int(st, C_VERSION), "created_at",
                          db_column_text(st, C_CREATED), "updated_at",
                          db_column_text(st, C_UPDATED), "can", "edit", may_edit(who, owner));
    sharing_marking_to_json(o, db_column_text(st, C_TLP),
                            db_column_is_null(st, C_GROUP) ? 0 : db_column_int(st, C_GROUP));
    return o;
}

static int read_visible(struct db *db, const struct principal *who, const char *id,
                        struct db_stmt **st, struct bh_error *err)
{
    return sharing_select_by_id(db, who, COURSE_COLUMNS, "c", capacity_training_predicate, id, st,
                                N_("no training course has the id '%.40s'"), err);
}

int capacity_course_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                        struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = read_visible(db, who, id ? id : "", &st, err);
    if (rc)
        return rc;
    json_t *o = course_row_json(db, who, st);
    int64_t cn = db_column_int(st, C_N);
    db_stmt_done(st);
    rc = add_deliveries(db, who, cn, o, err);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

int capacity_course_list(struct db *db, const struct principal *who,
                         const struct capacity_filter *f, json_t **out, struct bh_error *err)
{
    *out = NULL;
    struct capacity_filter none = { 0 };
    if (!f)
        f = &none;
    int limit = f->limit ? f->limit : 50;
    if (limit < 1 || limit > 500)
        return bh_fail(err, BH_EINVALID, "limit", "limit must be from 1 to 500, not %d", f->limit);
    if (f->capability && *f->capability && !capacity_capability_find(f->capability))
        return bh_fail(err, BH_EINVALID, "capability", "no capability has the code '%.40s'",
                       f->capability);
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    buf_puts(&where, "WHERE ");
    capacity_training_predicate(who, "c", &where, &wp);
    if (f->capability && *f->capability) {
        buf_puts(&where, " AND c.capability = ?");
        db_params_text(&wp, f->capability);
    }
    if (f->category && *f->category) {
        buf_puts(&where, " AND c.category = ?");
        db_params_text(&wp, f->category);
    }
    if (f->org && *f->org) {
        buf_puts(&where, " AND c.owner_org_id = (SELECT id FROM org WHERE code = ?)");
        db_params_text(&wp, f->org);
    }
    if (f->mission && *f->mission) {
        buf_puts(&where, " AND EXISTS (SELECT 1 FROM training_delivery d WHERE d.course_n = c.n "
                         "AND d.mission = ?)");
        db_params_text(&wp, f->mission);
    }
    /* The total first, over the filters without the cursor. */
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT count(*) FROM training_course c %s", buf_str(&where));
    db_params_append(&p, &wp);
    int64_t total = 0;
    int rc = db_exec_params(db, buf_str(&sql), &p, &total, NULL, err);
    db_params_cleanup(&p);
    buf_reset(&sql);
    buf_printf(&sql, COURSE_COLUMNS "%s", buf_str(&where));
    db_params_append(&p, &wp);
    if (f->after && *f->after) {
        buf_puts(&sql, " AND c.n < (SELECT n FROM training_course WHERE id = ?)");
        db_params_text(&p, f->after);
    }
    buf_puts(&sql, " ORDER BY c.n DESC LIMIT ?");
    db_params_int(&p, limit + 1);
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    else
        db_params_cleanup(&p);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t *rows = NULL;
    int count = 0;
    bool more = false;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            more = true;
            break;
        }
        rows = xrealloc(rows, (size_t)(count + 1) * sizeof *rows);
        rows[count++] = db_column_int(st, C_N);
        json_array_append_new(items, course_row_json(db, who, st));
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    for (int i = 0; !rc && i < count; i++)
        rc = add_deliveries(db, who, rows[i], json_array_get(items, (size_t)i), err);
    free(rows);
    if (rc) {
        json_decref(items);
        return rc;
    }
    char as_of[40];
    now_text(as_of);
    json_t *last = json_array_get(items, json_array_size(items) - 1);
    *out = json_pack("{s:o, s:I, s:o, s:s}", "items", items, "total", (json_int_t)total, "next",
                     more && last ? json_string(json_string_value(json_object_get(last, "id")))
                                  : json_null(),
                     "as_of", as_of);
    return 0;
}

/* ---- courses: writing ---- */

struct course_values {
    int64_t owner;
    char category[32], capability[64];
    char *title, *description;
    struct buf languages;
    int64_t offer_n; /* 0: none */
    struct sharing_marking m;
};

static void course_values_free(struct course_values *v)
{
    free(v->title);
    free(v->description);
    buf_cleanup(&v->languages);
}

/* The owner a body names: the writer's organization unless an admin names another. */
static int read_owner(struct db *db, const struct principal *who, const json_t *body,
                      int64_t *owner, struct bh_error *err)
{
    const char *code = NULL;
    int rc = jsonfield_string(body, "org", false, 31, &code, err);
    if (rc || !code)
        return rc;
    int64_t id = 0;
    if ((rc = capacity__org_id(db, code, "org", &id, err)))
        return rc;
    if (id != *owner && who->role != ROLE_ADMIN)
        return bh_fail(err, BH_EDENIED, "org",
                       "only an admin records training for another organization (%.40s)", code);
    *owner = id;
    return 0;
}

/* "offer": an offer `who` sees, of the course's organization; null removes it. */
static int read_offer(struct db *db, const struct principal *who, const json_t *body, int64_t owner,
                      int64_t *offer_n, struct bh_error *err)
{
    const json_t *v = json_object_get(body, "offer");
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *offer_n = 0;
        return 0;
    }
    if (!json_is_string(v))
        return bh_fail(err, BH_EINVALID, "offer", "offer must be an offer's id or null");
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT f.n, f.owner_org_id FROM capacity_offer f WHERE f.id = ? AND ");
    db_params_text(&p, json_string_value(v));
    capacity_offer_predicate(who, "f", &sql, &p);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    int64_t n = rc == DB_ROW ? db_column_int(st, 0) : 0;
    int64_t offer_owner = rc == DB_ROW ? db_column_int(st, 1) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!n)
        return bh_fail(err, BH_EINVALID, "offer", "no offer has the id '%.40s'",
                       json_string_value(v));
    if (offer_owner != owner)
        return bh_fail(err, BH_EINVALID, "offer",
                       "offer '%.40s' is another organization's: a course carries out its own "
                       "organization's offer",
                       json_string_value(v));
    *offer_n = n;
    return 0;
}

/* Category and capability: known codes, the capability one of that category. */
static int check_kind(const char *category, const char *capability, struct bh_error *err)
{
    if (!in_list(category, capacity_categories))
        return bh_fail(err, BH_EINVALID, "category", "no category has the code '%.40s'", category);
    const struct capacity_capability *c = capacity_capability_find(capability);
    if (!c)
        return bh_fail(err, BH_EINVALID, "capability", "no capability has the code '%.40s'",
                       capability);
    if (strcmp(c->category, category) != 0)
        return bh_fail(err, BH_EINVALID, "capability",
                       "capability '%.40s' is of category %s, not %.40s", capability, c->category,
                       category);
    return 0;
}

/* Applies `body` over `v`; `create` makes capability and title required. Names of the members
 * given go to `changed`. */
static int apply_course(struct db *db, const struct principal *who, const json_t *body, bool create,
                        struct course_values *v, json_t *changed, struct bh_error *err)
{
    static const char *const known[] = { "org",           "category",    "capability", "title",
                                         "languages",     "description", "offer",      "tlp",
                                         "sharing_group", NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the body must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    if (rc)
        return rc;
    int64_t owner = v->owner;
    if ((rc = read_owner(db, who, body, &owner, err)))
        return rc;
    if (!create && owner != v->owner)
        return bh_fail(err, BH_EINVALID, "org", "a course's organization does not change");
    v->owner = owner;
    const char *s = NULL;
    if ((rc = jsonfield_string(body, "category", false, 31, &s, err)))
        return rc;
    if (s) {
        snprintf(v->category, sizeof v->category, "%s", s);
        json_array_append_new(changed, json_string("category"));
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "capability", create, 63, &s, err)))
        return rc;
    if (s) {
        snprintf(v->capability, sizeof v->capability, "%s", s);
        json_array_append_new(changed, json_string("capability"));
    }
    if ((rc = check_kind(v->category, v->capability, err)))
        return rc;
    s = NULL;
    if ((rc = capacity__text_read(body, "title", create, CAPACITY_TITLE_MAX, &s, err)))
        return rc;
    if (s) {
        if (!*s)
            return bh_fail(err, BH_EINVALID, "title", "title must not be empty");
        set_text(&v->title, s);
        json_array_append_new(changed, json_string("title"));
    }
    s = NULL;
    if ((rc = capacity__text_read(body, "description", false, CAPACITY_TEXT_MAX, &s, err)))
        return rc;
    if (s) {
        set_text(&v->description, s);
        json_array_append_new(changed, json_string("description"));
    }
    if (json_object_get(body, "languages")) {
        if ((rc = capacity__languages_read(json_object_get(body, "languages"), "languages",
                                           &v->languages, err)))
            return rc;
        json_array_append_new(changed, json_string("languages"));
    }
    if (json_object_get(body, "offer")) {
        if ((rc = read_offer(db, who, body, v->owner, &v->offer_n, err)))
            return rc;
        json_array_append_new(changed, json_string("offer"));
    }
    if ((rc = capacity__marking_read_owned(db, who, v->owner, body, &v->m, "training course", err)))
        return rc;
    if (v->m.tlp_given || v->m.group_given)
        json_array_append_new(changed, json_string("marking"));
    return 0;
}

int capacity_course_create(struct db *db, const struct principal *who, const json_t *body,
                           json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = check_may_train(who, err);
    if (rc)
        return rc;
    struct course_values v = { .owner = who->org_id, .category = "training" };
    buf_init(&v.languages);
    v.m.tlp = TLP_GREEN;
    json_t *changed = json_array();
    rc = apply_course(db, who, body, true, &v, changed, err);
    json_decref(changed);
    char id[UUID_STR_LEN + 1], now[40];
    new_id(id);
    now_text(now);
    if (!rc)
        rc = db_begin(db, err);
    if (!rc)
        rc = db_exec_params(
            db,
            "INSERT INTO training_course (id, owner_org_id, tlp, sharing_group_id, category, "
            "capability, title, languages, description, offer_n, created_by, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            DB_PARAMS(DB_TEXT(id), DB_INT(v.owner), DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_TEXT(v.title), DB_TEXT(buf_str(&v.languages)),
                      DB_TEXT(v.description ? v.description : ""),
                      v.offer_n ? DB_INT(v.offer_n) : DB_TEXT(NULL),
                      who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL), DB_TEXT(now),
                      DB_TEXT(now)),
            NULL, NULL, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s}", "title", v.title, "capability", v.capability,
                                    "tlp", tlp_label(v.m.tlp));
        rc = audit_append(db, who, "training.create", "training", id, summary, err);
        json_decref(summary);
    }
    course_values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return capacity_course_get(db, who, id, out, err);
}

/* The stored course as `who` may change it: BH_ENOTFOUND when hidden, BH_EDENIED when another
 * organization's and `who` is no admin. Fills `v` (when not NULL), *cn and *version. */
static int load_course(struct db *db, const struct principal *who, const char *id,
                       struct course_values *v, int64_t *cn, int64_t *version, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = read_visible(db, who, id ? id : "", &st, err);
    if (rc)
        return rc;
    int64_t owner = db_column_int(st, C_OWNER);
    if (!may_edit(who, owner)) {
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that gives a course records it and its deliveries");
    } else {
        *cn = db_column_int(st, C_N);
        *version = db_column_int(st, C_VERSION);
        if (v) {
            v->owner = owner;
            snprintf(v->category, sizeof v->category, "%s", db_column_text(st, C_CATEGORY));
            snprintf(v->capability, sizeof v->capability, "%s", db_column_text(st, C_CAPABILITY));
            set_text(&v->title, db_column_text(st, C_TITLE));
            set_text(&v->description, db_column_text(st, C_DESCRIPTION));
            buf_reset(&v->languages);
            buf_puts(&v->languages, db_column_text(st, C_LANGUAGES));
            v->offer_n = db_column_is_null(st, C_OFFER_N) ? 0 : db_column_int(st, C_OFFER_N);
            int t = tlp_parse(db_column_text(st, C_TLP));
            v->m.tlp = t < 0 ? TLP_GREEN : (enum tlp)t;
            v->m.group = db_column_is_null(st, C_GROUP) ? 0 : db_column_int(st, C_GROUP);
        }
    }
    db_stmt_done(st);
    return rc;
}

int capacity_course_update(struct db *db, const struct principal *who, const char *id,
                           const json_t *body, int64_t if_version, json_t **out,
                           struct bh_error *err)
{
    *out = NULL;
    int rc = check_may_train(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct course_values v = { 0 };
    buf_init(&v.languages);
    int64_t cn = 0, version = 0;
    json_t *changed = json_array();
    rc = load_course(db, who, id, &v, &cn, &version, err);
    if (!rc && if_version > 0 && if_version != version)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the course is at version %lld, not %lld: someone changed it since you read "
                     "it; read it again",
                     (long long)version, (long long)if_version);
    if (!rc)
        rc = apply_course(db, who, body, false, &v, changed, err);
    char now[40];
    now_text(now);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE training_course SET tlp = ?, sharing_group_id = ?, category = ?, capability "
            "= ?, title = ?, languages = ?, description = ?, offer_n = ?, version = version + 1, "
            "updated_at = ? WHERE n = ?",
            DB_PARAMS(DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(v.category),
                      DB_TEXT(v.capability), DB_TEXT(v.title), DB_TEXT(buf_str(&v.languages)),
                      DB_TEXT(v.description ? v.description : ""),
                      v.offer_n ? DB_INT(v.offer_n) : DB_TEXT(NULL), DB_TEXT(now), DB_INT(cn)),
            NULL, NULL, err);
    if (!rc) {
        json_t *summary = json_pack("{s:O}", "changed", changed);
        rc = audit_append(db, who, "training.update", "training", id, summary, err);
        json_decref(summary);
    }
    json_decref(changed);
    course_values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return capacity_course_get(db, who, id, out, err);
}

/* ---- deliveries ---- */

struct delivery_values {
    char status[16], starts_on[11], ends_on[11];
    char *location, *mission; /* mission NULL: none */
    json_t *participants;     /* [{org_id, enrolled, completed}] when given */
    json_t *needs;            /* [{need_n, seats}] when given */
};

static void delivery_values_free(struct delivery_values *v)
{
    free(v->location);
    free(v->mission);
    json_decref(v->participants);
    json_decref(v->needs);
}

/* A whole number of member `key` of item `it` from `min`, naming "<list>[i].<key>". */
static int item_count(const json_t *it, const char *list, size_t i, const char *key, int64_t min,
                      bool required, int64_t *out, struct bh_error *err)
{
    const json_t *n = json_object_get(it, key);
    if (!n && !required)
        return 0;
    if (!json_is_integer(n) || json_integer_value(n) < min ||
        json_integer_value(n) > CAPACITY_QUANTITY_MAX) {
        char field[64];
        snprintf(field, sizeof field, "%s[%zu].%s", list, i, key);
        return bh_fail(err, BH_EINVALID, field, "%s must be a whole number from %lld", field,
                       (long long)min);
    }
    *out = json_integer_value(n);
    return 0;
}

/* Refuses a member of item `it` not in `known`, naming it. */
static int item_known(const json_t *it, const char *list, size_t i, const char *const *known,
                      struct bh_error *err)
{
    char field[64];
    if (!json_is_object(it)) {
        snprintf(field, sizeof field, "%s[%zu]", list, i);
        return bh_fail(err, BH_EINVALID, field, "%s must be an object", field);
    }
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)it, key, val)
    {
        if (!in_list(key, known)) {
            snprintf(field, sizeof field, "%s[%zu].%.20s", list, i, key);
            return bh_fail(err, BH_EINVALID, field, "%s is not a member of %s", field, list);
        }
    }
    return 0;
}

static bool listed(const json_t *items, const char *member, int64_t value)
{
    size_t k;
    const json_t *prev;
    json_array_foreach(items, k, prev)
    {
        if (json_integer_value(json_object_get(prev, member)) == value)
            return true;
    }
    return false;
}

static int read_participants(struct db *db, const json_t *a, json_t **out, struct bh_error *err)
{
    static const char *const known[] = { "org", "enrolled", "completed", NULL };
    if (!json_is_array(a))
        return bh_fail(err, BH_EINVALID, "participants",
                       "participants must be a list ({\"org\": \"RWA\", \"enrolled\": 20})");
    if (json_array_size(a) > CAPACITY_PARTICIPANTS_MAX)
        return bh_fail(err, BH_EINVALID, "participants",
                       "participants has more than %d organizations", CAPACITY_PARTICIPANTS_MAX);
    json_t *items = json_array();
    size_t i;
    const json_t *it;
    char field[64];
    int rc = 0;
    json_array_foreach(a, i, it)
    {
        if ((rc = item_known(it, "participants", i, known, err)))
            break;
        snprintf(field, sizeof field, "participants[%zu].org", i);
        const char *code = json_string_value(json_object_get(it, "org"));
        int64_t org_id = 0, enrolled = 0, completed = 0;
        if (!code) {
            rc = bh_fail(err, BH_EINVALID, field, "%s must be an organization's code", field);
            break;
        }
        if ((rc = capacity__org_id(db, code, field, &org_id, err)))
            break;
        if (listed(items, "org_id", org_id)) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: '%.40s' is listed twice", field, code);
            break;
        }
        if ((rc = item_count(it, "participants", i, "enrolled", 1, true, &enrolled, err)) ||
            (rc = item_count(it, "participants", i, "completed", 0, false, &completed, err)))
            break;
        if (completed > enrolled) {
            snprintf(field, sizeof field, "participants[%zu].completed", i);
            rc = bh_fail(err, BH_EINVALID, field, "%s (%lld) is more than enrolled (%lld)", field,
                         (long long)completed, (long long)enrolled);
            break;
        }
        json_array_append_new(items,
                              json_pack("{s:I, s:I, s:I}", "org_id", (json_int_t)org_id, "enrolled",
                                        (json_int_t)enrolled, "completed", (json_int_t)completed));
    }
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return 0;
}

/* The open need `id` as `who` sees it: its row number, or 0 when hidden, unknown or not open
 * (*open tells the last apart). */
static int visible_need(struct db *db, const struct principal *who, const char *id, int64_t *n,
                        bool *open, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT n.n, n.status FROM capacity_need n WHERE n.id = ? AND ");
    db_params_text(&p, id);
    capacity_need_predicate(who, "n", &sql, &p);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    *n = 0;
    *open = false;
    if ((rc = db_step(st, err)) == DB_ROW) {
        *n = db_column_int(st, 0);
        *open = strcmp(db_column_text(st, 1), "open") == 0;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int read_needs(struct db *db, const struct principal *who, const json_t *a, json_t **out,
                      struct bh_error *err)
{
    static const char *const known[] = { "id", "seats", NULL };
    if (!json_is_array(a))
        return bh_fail(err, BH_EINVALID, "needs",
                       "needs must be a list ({\"id\": a need's id, \"seats\": 10})");
    if (json_array_size(a) > CAPACITY_PARTICIPANTS_MAX)
        return bh_fail(err, BH_EINVALID, "needs", "needs has more than %d entries",
                       CAPACITY_PARTICIPANTS_MAX);
    json_t *items = json_array();
    size_t i;
    const json_t *it;
    char field[64];
    int rc = 0;
    json_array_foreach(a, i, it)
    {
        if ((rc = item_known(it, "needs", i, known, err)))
            break;
        snprintf(field, sizeof field, "needs[%zu].id", i);
        const char *id = json_string_value(json_object_get(it, "id"));
        int64_t n = 0, seats = 0;
        bool open = false;
        if (id && (rc = visible_need(db, who, id, &n, &open, err)))
            break;
        if (!n) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: no need has the id '%.40s'", field,
                         id ? id : "");
            break;
        }
        if (!open) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: need '%.40s' is not open", field, id);
            break;
        }
        if (listed(items, "need_n", n)) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: '%.40s' is listed twice", field, id);
            break;
        }
        if ((rc = item_count(it, "needs", i, "seats", 1, true, &seats, err)))
            break;
        json_array_append_new(
            items, json_pack("{s:I, s:I}", "need_n", (json_int_t)n, "seats", (json_int_t)seats));
    }
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return 0;
}

/* Applies a delivery body over `v`; `create` makes the dates required. */
static int apply_delivery(struct db *db, const struct principal *who, const json_t *body,
                          bool create, struct delivery_values *v, struct bh_error *err)
{
    static const char *const known[] = { "status",  "starts_on",    "ends_on", "location",
                                         "mission", "participants", "needs",   NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the body must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    if (rc)
        return rc;
    const char *s = NULL;
    if ((rc = jsonfield_string(body, "status", false, 15, &s, err)))
        return rc;
    if (s) {
        if (!in_list(s, delivery_statuses))
            return bh_fail(err, BH_EINVALID, "status",
                           "status must be planned, completed or cancelled, not '%.40s'", s);
        snprintf(v->status, sizeof v->status, "%s", s);
    }
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
    s = NULL;
    if ((rc = capacity__text_read(body, "location", false, CAPACITY_LOCATION_MAX, &s, err)))
        return rc;
    if (s)
        set_text(&v->location, s);
    const json_t *m = json_object_get(body, "mission");
    if (m) {
        s = NULL;
        if ((rc = jsonfield_string(body, "mission", false, 31, &s, err)))
            return rc;
        if (s && *s && (rc = capacity__mission_check(db, s, "mission", err)))
            return rc;
        set_text(&v->mission, s && *s ? s : NULL);
    }
    const json_t *a = json_object_get(body, "participants");
    if (a) {
        json_decref(v->participants);
        v->participants = NULL;
        if ((rc = read_participants(db, a, &v->participants, err)))
            return rc;
    }
    a = json_object_get(body, "needs");
    if (a) {
        json_decref(v->needs);
        v->needs = NULL;
        if ((rc = read_needs(db, who, a, &v->needs, err)))
            return rc;
    }
    return 0;
}

/* Only a completed delivery has people who completed it (the file's comment says why). */
static int check_completed(struct db *db, int64_t dn, const struct delivery_values *v,
                           struct bh_error *err)
{
    if (strcmp(v->status, "completed") == 0)
        return 0;
    if (v->participants) {
        size_t i;
        const json_t *it;
        json_array_foreach(v->participants, i, it)
        {
            if (json_integer_value(json_object_get(it, "completed")) > 0) {
                char field[64];
                snprintf(field, sizeof field, "participants[%zu].completed", i);
                return bh_fail(err, BH_EINVALID, field,
                               "%s must be 0 while the delivery is %s: only a completed delivery "
                               "counts people who completed it",
                               field, v->status);
            }
        }
        return 0;
    }
    bool found = false;
    int rc = db_exec_params(db,
                            "SELECT 1 FROM training_participant WHERE delivery_n = ? AND "
                            "completed > 0",
                            DB_PARAMS(DB_INT(dn)), NULL, &found, err);
    if (!rc && found)
        rc = bh_fail(err, BH_EINVALID, "status",
                     "the delivery cannot be %s while participants are counted as completed: set "
                     "their completed to 0 in the same change",
                     v->status);
    return rc;
}

/* Replaces the participants and needs of delivery row `dn` that `v` gives. */
static int store_lists(struct db *db, int64_t dn, const struct delivery_values *v,
                       struct bh_error *err)
{
    int rc = 0;
    size_t i;
    const json_t *it;
    if (v->participants) {
        rc = db_exec_params(db, "DELETE FROM training_participant WHERE delivery_n = ?",
                            DB_PARAMS(DB_INT(dn)), NULL, NULL, err);
        json_array_foreach(v->participants, i, it)
        {
            if (rc)
                break;
            rc = db_exec_params(
                db,
                "INSERT INTO training_participant (delivery_n, org_id, enrolled, completed) "
                "VALUES (?, ?, ?, ?)",
                DB_PARAMS(DB_INT(dn), DB_INT(json_integer_value(json_object_get(it, "org_id"))),
                          DB_INT(json_integer_value(json_object_get(it, "enrolled"))),
                          DB_INT(json_integer_value(json_object_get(it, "completed")))),
                NULL, NULL, err);
        }
    }
    if (!rc && v->needs) {
        rc = db_exec_params(db, "DELETE FROM training_need WHERE delivery_n = ?",
                            DB_PARAMS(DB_INT(dn)), NULL, NULL, err);
        json_array_foreach(v->needs, i, it)
        {
            if (rc)
                break;
            rc = db_exec_params(
                db, "INSERT INTO training_need (delivery_n, need_n, seats) VALUES (?, ?, ?)",
                DB_PARAMS(DB_INT(dn), DB_INT(json_integer_value(json_object_get(it, "need_n"))),
                          DB_INT(json_integer_value(json_object_get(it, "seats")))),
                NULL, NULL, err);
        }
    }
    return rc;
}

/* Audits a delivery's change under its course, and counts it as a change of the course (its
 * version and time), so that an If-Match on the course sees it. */
static int deliver_audit(struct db *db, const struct principal *who, const char *course_id,
                         int64_t cn, const char *delivery_id, const struct delivery_values *v,
                         bool created, struct bh_error *err)
{
    char now[40];
    now_text(now);
    int rc = db_exec_params(
        db, "UPDATE training_course SET version = version + 1, updated_at = ? WHERE n = ?",
        DB_PARAMS(DB_TEXT(now), DB_INT(cn)), NULL, NULL, err);
    if (rc)
        return rc;
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s, s:b}", "delivery", delivery_id, "status", v->status,
                  "starts_on", v->starts_on, "ends_on", v->ends_on, "created", created);
    if (v->participants)
        json_object_set_new(summary, "participants",
                            json_integer((json_int_t)json_array_size(v->participants)));
    if (v->needs)
        json_object_set_new(summary, "needs", json_integer((json_int_t)json_array_size(v->needs)));
    rc = audit_append(db, who, "training.deliver", "training", course_id, summary, err);
    json_decref(summary);
    return rc;
}

int capacity_delivery_add(struct db *db, const struct principal *who, const char *course_id,
                          const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = check_may_train(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct delivery_values v = { .status = "planned" };
    int64_t cn = 0, version = 0, dn = 0;
    char id[UUID_STR_LEN + 1], now[40];
    new_id(id);
    now_text(now);
    rc = load_course(db, who, course_id, NULL, &cn, &version, err);
    if (!rc)
        rc = apply_delivery(db, who, body, true, &v, err);
    if (!rc)
        rc = check_completed(db, 0, &v, err);
    if (!rc)
        rc = db_exec_params(
            db,
            "INSERT INTO training_delivery (id, course_n, status, starts_on, ends_on, location, "
            "mission, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            DB_PARAMS(DB_TEXT(id), DB_INT(cn), DB_TEXT(v.status), DB_TEXT(v.starts_on),
                      DB_TEXT(v.ends_on), DB_TEXT(v.location ? v.location : ""), DB_TEXT(v.mission),
                      DB_TEXT(now), DB_TEXT(now)),
            NULL, NULL, err);
    if (!rc) {
        dn = db_last_insert_rowid(db);
        rc = store_lists(db, dn, &v, err);
    }
    if (!rc)
        rc = deliver_audit(db, who, course_id, cn, id, &v, true, err);
    delivery_values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return capacity_course_get(db, who, course_id, out, err);
}

int capacity_delivery_update(struct db *db, const struct principal *who, const char *id,
                             const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = check_may_train(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct delivery_values v = { 0 };
    int64_t cn = 0, version = 0, dn = 0;
    char course_id[UUID_STR_LEN + 1] = "";
    struct db_stmt *st;
    /* The delivery is found through its course, under the course's marking. */
    rc = db_prepare(db,
                    "SELECT d.n, c.id, d.status, d.starts_on, d.ends_on, d.location, d.mission "
                    "FROM training_delivery d JOIN training_course c ON c.n = d.course_n WHERE "
                    "d.id = ?",
                    &st, err);
    if (!rc) {
        db_bind_text(st, 1, id ? id : "");
        rc = db_step(st, err);
        if (rc == DB_ROW) {
            dn = db_column_int(st, 0);
            snprintf(course_id, sizeof course_id, "%s", db_column_text(st, 1));
            snprintf(v.status, sizeof v.status, "%s", db_column_text(st, 2));
            snprintf(v.starts_on, sizeof v.starts_on, "%s", db_column_text(st, 3));
            snprintf(v.ends_on, sizeof v.ends_on, "%s", db_column_text(st, 4));
            set_text(&v.location, db_column_text(st, 5));
            set_text(&v.mission, db_column_text(st, 6));
            rc = 0;
        }
        db_stmt_done(st);
    }
    if (!rc && !dn)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no delivery has the id '%.40s'", id ? id : "");
    if (!rc) {
        rc = load_course(db, who, course_id, NULL, &cn, &version, err);
        /* A hidden course hides its deliveries: the same answer as an unknown id. */
        if (rc == BH_ENOTFOUND)
            rc = bh_fail(err, BH_ENOTFOUND, "id", "no delivery has the id '%.40s'", id);
    }
    if (!rc)
        rc = apply_delivery(db, who, body, false, &v, err);
    if (!rc)
        rc = check_completed(db, dn, &v, err);
    char now[40];
    now_text(now);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE training_delivery SET status = ?, starts_on = ?, ends_on = ?, "
                            "location = ?, mission = ?, updated_at = ? WHERE n = ?",
                            DB_PARAMS(DB_TEXT(v.status), DB_TEXT(v.starts_on), DB_TEXT(v.ends_on),
                                      DB_TEXT(v.location ? v.location : ""), DB_TEXT(v.mission),
                                      DB_TEXT(now), DB_INT(dn)),
                            NULL, NULL, err);
    if (!rc)
        rc = store_lists(db, dn, &v, err);
    if (!rc)
        rc = deliver_audit(db, who, course_id, cn, id, &v, false, err);
    delivery_values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return capacity_course_get(db, who, course_id, out, err);
}
