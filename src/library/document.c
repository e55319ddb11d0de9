/* The library's documents: writing them (one transaction each, a version with every change)
 * and reading them as a reader may see them, links to hidden records included. The workflow
 * (submit, publish, withdraw), comments and endorsements are in files of their own; this file
 * shows their results ("reviews", "endorsements", "can"). */
#include "library/library.h"

#include "library/internal.h"

#include "action/action.h"
#include "alert/alert.h"
#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "formats/markdown.h"
#include "incident/incident.h"
#include "sharing/marking.h"
#include "sharing/record.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- links ---- */

/* The records a document may be about, with their tables, visibility and the few words that
 * name one to a reader who may see it. */
static const struct link_kind {
    const char *type, *table, *label_sql;
    sharing_predicate_fn predicate;
} link_kinds[] = {
    { "incident", "incident", "r.mission || ' ' || substr(r.occurred_at, 1, 10)",
      incident_predicate },
    { "alert", "alert", "COALESCE(r.headline, r.event)", alert_predicate },
    { "action", "mission_action", "r.title", action_predicate },
};
#define LINK_KINDS (sizeof link_kinds / sizeof link_kinds[0])

static const struct link_kind *link_kind_find(const char *type)
{
    for (size_t i = 0; type && i < LINK_KINDS; i++)
        if (strcmp(link_kinds[i].type, type) == 0)
            return &link_kinds[i];
    return NULL;
}

/* The label of record `id` of kind `k` when `who` may see it; *label NULL (nothing
 * allocated) when there is no such record or it is hidden from `who`: the two are one case. */
static int link_label(struct db *db, const struct principal *who, const struct link_kind *k,
                      const char *id, char **label, struct bh_error *err)
{
    *label = NULL;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT %s FROM %s r WHERE r.id = ? AND ", k->label_sql, k->table);
    db_params_text(&params, id);
    k->predicate(who, "r", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *s = db_column_text(st, 0);
        *label = xstrdup(s ? s : "");
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_link_json(struct db *db, const struct principal *who, const char *type, const char *id,
                      json_t **out, struct bh_error *err)
{
    *out = NULL;
    const struct link_kind *k = link_kind_find(type);
    char *label = NULL;
    int rc = k ? link_label(db, who, k, id, &label, err) : 0;
    if (rc)
        return rc;
    if (label)
        *out = json_pack("{s:s, s:s, s:s}", "type", type, "id", id, "label", label);
    else
        *out = json_pack("{s:s, s:b}", "type", type ? type : "", "hidden", true);
    free(label);
    return 0;
}

/* Reads a body's "links" ([{type, id}]) into `out` ([{type, id}]): each record must be one
 * `who` sees, and a record `who` may not see is refused with the words of a missing one, so a
 * writer cannot probe ids. */
static int links_read(struct db *db, const struct principal *who, const json_t *links, json_t **out,
                      struct bh_error *err)
{
    *out = NULL;
    if (json_is_null(links))
        links = NULL;
    if (links && (!json_is_array(links) || json_array_size(links) > LIBRARY_LINKS_MAX))
        return bh_fail(err, BH_EINVALID, "links",
                       "links must be a list of at most %d objects {type, id}", LIBRARY_LINKS_MAX);
    json_t *list = json_array();
    size_t i;
    const json_t *l;
    char field[64];
    int rc = 0;
    json_array_foreach(links, i, l)
    {
        snprintf(field, sizeof field, "links[%zu]", i);
        if (!json_is_object(l)) {
            rc = bh_fail(err, BH_EINVALID, field, "%s must be an object {type, id}", field);
            break;
        }
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)l, key, v)
        {
            if (strcmp(key, "type") != 0 && strcmp(key, "id") != 0) {
                snprintf(field, sizeof field, "links[%zu].%.20s", i, key);
                rc = bh_fail(err, BH_EINVALID, field, "unknown field '%.20s'", key);
                break;
            }
        }
        if (rc)
            break;
        const char *type = json_string_value(json_object_get(l, "type"));
        const struct link_kind *k = link_kind_find(type);
        if (!k) {
            snprintf(field, sizeof field, "links[%zu].type", i);
            rc = bh_fail(err, BH_EINVALID, field, "%s must be incident, alert or action", field);
            break;
        }
        const char *id = json_string_value(json_object_get(l, "id"));
        snprintf(field, sizeof field, "links[%zu].id", i);
        if (!id || !*id || strlen(id) > 64) {
            rc = bh_fail(err, BH_EINVALID, field, "%s must be the id of a %s", field, type);
            break;
        }
        size_t j;
        const json_t *prev;
        bool repeated = false;
        json_array_foreach(list, j, prev)
        {
            repeated |= strcmp(json_string_value(json_object_get(prev, "type")), type) == 0 &&
                        strcmp(json_string_value(json_object_get(prev, "id")), id) == 0;
        }
        if (repeated) {
            rc = bh_fail(err, BH_EINVALID, field, "%s: the %s '%.40s' is linked already", field,
                         type, id);
            break;
        }
        char *label = NULL;
        if ((rc = link_label(db, who, k, id, &label, err)))
            break;
        if (!label) {
            rc = bh_fail(err, BH_EINVALID, field, "no %s has the id '%.40s'", type, id);
            break;
        }
        free(label);
        json_array_append_new(list, json_pack("{s:s, s:s}", "type", type, "id", id));
    }
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

/* ---- reading a body ---- */

enum text_field {
    T_TITLE,
    T_SUMMARY,
    T_CONTEXT,
    T_WHAT_HAPPENED,
    T_WHAT_WORKED,
    T_WHAT_DID_NOT,
    T_RECOMMENDATIONS,
    T_BODY,
    T_COUNT
};

static const struct {
    const char *name;
    size_t max;
} text_fields[T_COUNT] = {
    { "title", LIBRARY_TITLE_MAX },           { "summary", LIBRARY_SUMMARY_MAX },
    { "context", LIBRARY_FIELD_MAX },         { "what_happened", LIBRARY_FIELD_MAX },
    { "what_worked", LIBRARY_FIELD_MAX },     { "what_did_not", LIBRARY_FIELD_MAX },
    { "recommendations", LIBRARY_FIELD_MAX }, { "body", LIBRARY_BODY_MAX },
};

static const char *const languages[] = { "en", "fr", "ar", "zh", "ru", "es", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* Whether the `len` bytes at `s` are UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF). The API's parser already refuses other text; a body built in C (the import) may
 * not have passed it. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        if (i + n >= len)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* A text member of at most `max` bytes: absent leaves *out NULL; null reads as empty. Too
 * long is BH_ETOOLARGE (the client cut nothing, the server keeps nothing of it). */
static int read_text(const json_t *body, const char *key, size_t max, const char **out,
                     struct bh_error *err)
{
    *out = NULL;
    const json_t *v = json_object_get(body, key);
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *out = "";
        return 0;
    }
    if (!json_is_string(v))
        return bh_fail(err, BH_EINVALID, key, "%s must be a string", key);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len > max)
        return bh_fail(err, BH_ETOOLARGE, key, "%s is longer than %zu bytes", key, max);
    if (strlen(s) != len)
        return bh_fail(err, BH_EINVALID, key, "%s must not contain NUL characters", key);
    if (!utf8_valid((const unsigned char *)s, len))
        return bh_fail(err, BH_EINVALID, key, "%s is not valid UTF-8 text", key);
    *out = s;
    return 0;
}

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

/* Today's date (UTC) from the codebase's clock (time_now_ms, which tests hold still). */
static void today(char out[16])
{
    int y, m, d;
    time_civil_from_days(time_now_ms() / 86400000, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static int read_occurred_on(const json_t *v, char out[11], struct bh_error *err)
{
    if (json_is_null(v)) {
        out[0] = '\0';
        return 0;
    }
    const char *s = json_string_value(v);
    int y, m, d;
    struct bh_error ignored;
    if (!s || strlen(s) != 10 || time_parse_date(s, &y, &m, &d, &ignored))
        return bh_fail(err, BH_EINVALID, "occurred_on",
                       "occurred_on must be a date YYYY-MM-DD, not '%.40s'", s ? s : "");
    char now[16];
    today(now);
    if (strcmp(s, now) > 0)
        return bh_fail(err, BH_EINVALID, "occurred_on", "occurred_on (%s) is after today (%s)", s,
                       now);
    snprintf(out, 11, "%s", s);
    return 0;
}

/* A document being written: the defaults or the stored row, then the body over them. */
struct values {
    char kind[16];
    char *text[T_COUNT]; /* heap */
    char language[4];
    char occurred_on[11]; /* "" for none */
    char created_at[40];
    char status[16]; /* the stored one (a write never changes it here) */
    json_t *tags;    /* facet → values, when given */
    json_t *links;   /* [{type, id}], when given */
    const char *note;
    struct sharing_marking m;
};

static void values_free(struct values *v)
{
    for (int i = 0; i < T_COUNT; i++)
        free(v->text[i]);
    json_decref(v->tags);
    json_decref(v->links);
}

/* Applies `body` to `v` and checks each member, naming it on failure; `changed` gets the names
 * of the members given. `create` makes kind and title required. */
static int apply_body(struct db *db, const struct principal *who, const json_t *body, bool create,
                      struct values *v, json_t *changed, struct bh_error *err)
{
    static const char *const known[] = {
        "kind",          "title",       "summary",      "context",
        "what_happened", "what_worked", "what_did_not", "recommendations",
        "body",          "language",    "occurred_on",  "tags",
        "links",         "note",        "tlp",          "sharing_group",
        "recipients",    NULL,
    };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the document must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    if (rc)
        return rc;
#define CHANGED(name) json_array_append_new(changed, json_string(name))
    const char *s = NULL;
    if ((rc = jsonfield_string(body, "kind", create, 15, &s, err)))
        return rc;
    if (s) {
        if (!in_list(s, library_kinds))
            return bh_fail(err, BH_EINVALID, "kind",
                           "kind must be case_study, lesson, best_practice or aar, not '%.40s'", s);
        snprintf(v->kind, sizeof v->kind, "%s", s);
        CHANGED("kind");
    }
    for (int i = 0; i < T_COUNT; i++) {
        if ((rc = read_text(body, text_fields[i].name, text_fields[i].max, &s, err)))
            return rc;
        if (i == T_TITLE && ((create && !s) || (s && !*s)))
            return bh_fail(err, BH_EINVALID, "title", "title is required");
        if (i == T_TITLE && s && has_control(s))
            return bh_fail(err, BH_EINVALID, "title", "title must not contain control characters");
        if (s) {
            free(v->text[i]);
            v->text[i] = xstrdup(s);
            CHANGED(text_fields[i].name);
        }
    }
    s = NULL;
    if ((rc = jsonfield_string(body, "language", false, 2, &s, err)))
        return rc;
    if (s) {
        if (!in_list(s, languages))
            return bh_fail(err, BH_EINVALID, "language",
                           "language must be en, fr, ar, zh, ru or es, not '%.20s'", s);
        snprintf(v->language, sizeof v->language, "%s", s);
        CHANGED("language");
    }
    const json_t *o = json_object_get(body, "occurred_on");
    if (o) {
        if ((rc = read_occurred_on(o, v->occurred_on, err)))
            return rc;
        CHANGED("occurred_on");
    }
    if ((o = json_object_get(body, "tags"))) {
        json_decref(v->tags);
        v->tags = NULL;
        if ((rc = library_tags_read(db, o, &v->tags, err)))
            return rc;
        CHANGED("tags");
    }
    if ((o = json_object_get(body, "links"))) {
        json_decref(v->links);
        v->links = NULL;
        if ((rc = links_read(db, who, o, &v->links, err)))
            return rc;
        CHANGED("links");
    }
    if ((rc = read_text(body, "note", LIBRARY_NOTE_MAX, &v->note, err)))
        return rc;
    if ((rc = sharing_marking_read(body, false, &v->m, err)))
        return rc;
    if (v->m.tlp_given || v->m.group_given || v->m.recipients_given)
        CHANGED("marking");
#undef CHANGED
    return 0;
}

/* ---- storing ---- */

static int store_tags(struct db *db, int64_t n, const json_t *tags, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM document_tag WHERE document_n = ?",
                            DB_PARAMS(DB_INT(n)), NULL, NULL, err);
    const char *facet;
    const json_t *values;
    json_object_foreach((json_t *)tags, facet, values)
    {
        size_t i;
        const json_t *v;
        json_array_foreach(values, i, v)
        {
            if (!rc)
                rc = db_exec_params(
                    db, "INSERT INTO document_tag (document_n, facet, value) VALUES (?, ?, ?)",
                    DB_PARAMS(DB_INT(n), DB_TEXT(facet), DB_TEXT(json_string_value(v))), NULL, NULL,
                    err);
        }
    }
    return rc;
}

static int store_links(struct db *db, int64_t n, const json_t *links, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM document_link WHERE document_n = ?",
                            DB_PARAMS(DB_INT(n)), NULL, NULL, err);
    size_t i;
    const json_t *l;
    json_array_foreach(links, i, l)
    {
        if (!rc)
            rc = db_exec_params(
                db,
                "INSERT INTO document_link (document_n, record_type, record_id, "
                "position) VALUES (?, ?, ?, ?)",
                DB_PARAMS(DB_INT(n), DB_TEXT(json_string_value(json_object_get(l, "type"))),
                          DB_TEXT(json_string_value(json_object_get(l, "id"))), DB_INT((int64_t)i)),
                NULL, NULL, err);
    }
    return rc;
}

/* The facet's year: the events' year, else the year the document was written. */
static int64_t year_of(const struct values *v)
{
    const char *d = v->occurred_on[0] ? v->occurred_on : v->created_at;
    return strtoll(d, NULL, 10);
}

static int may_write(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, &perm_library_write) || who->org_id <= 0)
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not write library documents",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static bool speaks_for(const struct principal *who, int64_t owner_org_id)
{
    return who && (who->role == ROLE_ADMIN || (who->org_id > 0 && who->org_id == owner_org_id));
}

static void now_text(char out[40])
{
    time_format_rfc3339(time_now_ms(), 0, false, out);
}

/* ---- reading ---- */

#define SELECT_COLUMNS                                                                          \
    "SELECT d.n, d.id, d.kind, d.title, d.summary, d.context, d.what_happened, d.what_worked, " \
    "d.what_did_not, d.recommendations, d.body, d.language, d.occurred_on, d.year, d.status, "  \
    "d.version, d.owner_org_id, o.code, o.name, d.tlp, d.sharing_group_id, d.created_at, "      \
    "d.updated_at, d.submitted_at, d.published_at FROM document d JOIN org o ON o.id = "        \
    "d.owner_org_id "
enum {
    COL_N,
    COL_ID,
    COL_KIND,
    COL_TEXT, /* T_COUNT columns, in text_fields' order */
    COL_LANGUAGE = COL_TEXT + T_COUNT,
    COL_OCCURRED,
    COL_YEAR,
    COL_STATUS,
    COL_VERSION,
    COL_OWNER_ID,
    COL_OWNER_CODE,
    COL_OWNER_NAME,
    COL_TLP,
    COL_GROUP,
    COL_CREATED,
    COL_UPDATED,
    COL_SUBMITTED,
    COL_PUBLISHED,
};

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The stored row as the top of the document's JSON. */
static json_t *row_json(struct db_stmt *st)
{
    json_t *o = json_pack("{s:s, s:s}", "id", db_column_text(st, COL_ID), "kind",
                          db_column_text(st, COL_KIND));
    for (int i = 0; i < T_COUNT; i++) {
        const char *s = db_column_text(st, COL_TEXT + i);
        json_object_set_new(o, text_fields[i].name, json_string(s ? s : ""));
    }
    const char *body = db_column_text(st, COL_TEXT + T_BODY);
    char *html = markdown_to_html(body, body ? strlen(body) : 0);
    json_object_set_new(o, "body_html", json_string(html));
    free(html);
    json_object_set_new(o, "language", json_string(db_column_text(st, COL_LANGUAGE)));
    json_object_set_new(o, "occurred_on", text_or_null(db_column_text(st, COL_OCCURRED)));
    json_object_set_new(o, "year", json_integer(db_column_int(st, COL_YEAR)));
    json_object_set_new(o, "status", json_string(db_column_text(st, COL_STATUS)));
    json_object_set_new(o, "version", json_integer(db_column_int(st, COL_VERSION)));
    json_object_set_new(o, "owner",
                        json_pack("{s:s, s:s}", "code", db_column_text(st, COL_OWNER_CODE), "name",
                                  db_column_text(st, COL_OWNER_NAME)));
    sharing_marking_to_json(o, db_column_text(st, COL_TLP),
                            db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP));
    json_object_set_new(o, "created_at", json_string(db_column_text(st, COL_CREATED)));
    json_object_set_new(o, "updated_at", json_string(db_column_text(st, COL_UPDATED)));
    json_object_set_new(o, "submitted_at", text_or_null(db_column_text(st, COL_SUBMITTED)));
    json_object_set_new(o, "published_at", text_or_null(db_column_text(st, COL_PUBLISHED)));
    return o;
}

static int add_tags(struct db *db, int64_t n, json_t *o, struct bh_error *err)
{
    json_t *tags = json_object();
    json_object_set_new(o, "tags", tags);
    static const char *const facets[] = { "threat", "mission", "activity", "a4p", "keyword" };
    for (size_t i = 0; i < sizeof facets / sizeof facets[0]; i++)
        json_object_set_new(tags, facets[i], json_array());
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT facet, value FROM document_tag WHERE document_n = ? ORDER BY "
                        "facet, value",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *list = json_object_get(tags, db_column_text(st, 0));
        if (list)
            json_array_append_new(list, json_string(db_column_text(st, 1)));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int add_links(struct db *db, const struct principal *who, int64_t n, json_t *o,
                     struct bh_error *err)
{
    json_t *stored = json_array();
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT record_type, record_id FROM document_link WHERE document_n = ? "
                        "ORDER BY position",
                        &st, err);
    if (!rc) {
        db_bind_int(st, 1, n);
        while ((rc = db_step(st, err)) == DB_ROW)
            json_array_append_new(stored, json_pack("{s:s, s:s}", "type", db_column_text(st, 0),
                                                    "id", db_column_text(st, 1)));
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_t *links = json_array();
    json_object_set_new(o, "links", links);
    size_t i;
    const json_t *l;
    json_array_foreach(stored, i, l)
    {
        json_t *shown = NULL;
        if (!rc)
            rc = library_link_json(db, who, json_string_value(json_object_get(l, "type")),
                                   json_string_value(json_object_get(l, "id")), &shown, err);
        if (shown)
            json_array_append_new(links, shown);
    }
    json_decref(stored);
    return rc;
}

static int add_recipients(struct db *db, const char *id, json_t *o, struct bh_error *err)
{
    json_t *names = json_array();
    json_object_set_new(o, "recipients", names);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT a.username FROM tlp_recipient t JOIN account a ON a.id = "
                        "t.account_id WHERE t.record_type = 'document' AND t.record_id = ? "
                        "ORDER BY a.username",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(names, json_string(db_column_text(st, 0)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The verdicts of the current review round (LIBRARY_CURRENT_ROUND_SQL, the publish rule's),
 * one per organization and verdict. */
static int add_reviews(struct db *db, int64_t n, json_t *o, int64_t *approvals,
                       struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT count(DISTINCT CASE WHEN c.verdict = 'approve' THEN c.org_id "
                        "END), count(DISTINCT CASE WHEN c.verdict = 'changes' THEN c.org_id END) "
                        "FROM document_comment c JOIN document d ON d.n = c.document_n WHERE "
                        "c.document_n = ? AND d.status <> 'draft' AND c.org_id <> d.owner_org_id "
                        "AND " LIBRARY_CURRENT_ROUND_SQL,
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    int64_t yes = 0, changes = 0;
    if ((rc = db_step(st, err)) == DB_ROW) {
        yes = db_column_int(st, 0);
        changes = db_column_int(st, 1);
    }
    db_stmt_done(st);
    *approvals = yes;
    json_object_set_new(
        o, "reviews",
        json_pack("{s:I, s:I}", "approvals", (json_int_t)yes, "changes", (json_int_t)changes));
    return rc < 0 ? rc : 0;
}

/* What `who` may do with the document, so that the app offers only that. The functions that
 * do it check again. */
static json_t *can_json(const struct principal *who, int64_t owner_org_id, const char *status,
                        int64_t approvals)
{
    bool signed_in = who && who->org_id > 0;
    bool own = speaks_for(who, owner_org_id);
    bool admin = who && who->role == ROLE_ADMIN;
    bool publisher = signed_in && own && role_can(who->role, &perm_library_publish);
    bool other = signed_in && who->org_id != owner_org_id;
    return json_pack(
        "{s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "edit",
        signed_in && own && role_can(who->role, &perm_library_write), "submit",
        publisher && strcmp(status, "draft") == 0, "publish",
        publisher && strcmp(status, "in_review") == 0 && (approvals > 0 || admin), "withdraw",
        publisher && strcmp(status, "draft") != 0, "comment",
        signed_in && role_can(who->role, &perm_library_comment), "review",
        other && strcmp(status, "in_review") == 0 && role_can(who->role, &perm_library_review),
        "endorse",
        other && strcmp(status, "published") == 0 && role_can(who->role, &perm_library_endorse));
}

/* Everything below the row: tags, links as `who` sees them, readers, attachments,
 * endorsements, reviews and what `who` may do. */
static int add_details(struct db *db, const struct principal *who, int64_t n, const char *id,
                       int64_t owner_org_id, const char *status, json_t *o, struct bh_error *err)
{
    int64_t approvals = 0;
    int rc = add_tags(db, n, o, err);
    if (!rc)
        rc = add_links(db, who, n, o, err);
    if (!rc)
        rc = add_recipients(db, id, o, err);
    json_t *atts = json_array();
    json_object_set_new(o, "attachments", atts);
    if (!rc)
        rc = attachment_list(db, "document", id, atts, err);
    if (!rc) {
        json_t *e = library_endorsements_json(db, who, n, err);
        if (e)
            json_object_set_new(o, "endorsements", e);
        else
            rc = BH_ESTORE;
    }
    if (!rc)
        rc = add_reviews(db, n, o, &approvals, err);
    if (!rc)
        json_object_set_new(o, "can", can_json(who, owner_org_id, status, approvals));
    return rc;
}

/* The document `id` as JSON for `who`, read with `predicate` (NULL: the caller has just been
 * allowed to write it). *tlp (16 bytes, may be NULL) gets its marking. */
static int document_json(struct db *db, const struct principal *who, const char *id,
                         sharing_predicate_fn predicate, json_t **out, char *tlp,
                         struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = sharing_select_by_id(db, who, SELECT_COLUMNS, "d", predicate, id, &st,
                                  N_("no document has the id '%.40s'"), err);
    if (rc)
        return rc;
    json_t *o = row_json(st);
    int64_t n = db_column_int(st, COL_N), owner = db_column_int(st, COL_OWNER_ID);
    char status[16];
    snprintf(status, sizeof status, "%s", db_column_text(st, COL_STATUS));
    if (tlp)
        snprintf(tlp, 16, "%s", db_column_text(st, COL_TLP));
    db_stmt_done(st);
    rc = add_details(db, who, n, id, owner, status, o, err);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

int library_read(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    return document_json(db, who, id, library_predicate, out, NULL, err);
}

int library_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err)
{
    char tlp[16] = "";
    int rc = document_json(db, who, id, library_predicate, out, tlp, err);
    if (!rc && audit_read_needed(who, tlp))
        rc = audit_read(db, who, "document", id, NULL, err);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int library_find(struct db *db, const struct principal *who, const char *id, int64_t *n,
                 int64_t *owner_org_id, int64_t *version, char status[16], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = sharing_select_by_id(
        db, who, "SELECT d.n, d.owner_org_id, d.version, d.status FROM document d ", "d",
        library_predicate, id, &st, N_("no document has the id '%.40s'"), err);
    if (rc)
        return rc;
    *n = db_column_int(st, 0);
    *owner_org_id = db_column_int(st, 1);
    *version = db_column_int(st, 2);
    snprintf(status, 16, "%s", db_column_text(st, 3));
    db_stmt_done(st);
    return 0;
}

/* ---- writing ---- */

int library_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc)
        return rc;
    /* A new document's marking, when the writer gives none, is the narrowest that still lets
     * its organization work on it together: AMBER+STRICT. */
    struct values v = { .language = "en", .m = { .tlp = TLP_AMBER_STRICT } };
    json_t *changed = json_array();
    rc = apply_body(db, who, body, true, &v, changed, err);
    json_decref(changed);
    if (!rc)
        rc = sharing_marking_check(db, who, &v.m, "document", err);
    char id[UUID_STR_LEN + 1];
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
    now_text(v.created_at);
    if (!rc)
        rc = db_begin(db, err);
    if (rc) {
        values_free(&v);
        return rc;
    }
    int64_t n = 0;
    rc = db_exec_params(
        db,
        "INSERT INTO document (id, kind, title, summary, context, what_happened, what_worked, "
        "what_did_not, recommendations, body, language, occurred_on, year, status, version, "
        "owner_org_id, tlp, sharing_group_id, created_at, updated_at, created_by) VALUES (?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?, ?, ?, ?) RETURNING n",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(v.kind), DB_TEXT(v.text[T_TITLE]),
                  DB_TEXT(v.text[T_SUMMARY] ? v.text[T_SUMMARY] : ""),
                  DB_TEXT(v.text[T_CONTEXT] ? v.text[T_CONTEXT] : ""),
                  DB_TEXT(v.text[T_WHAT_HAPPENED] ? v.text[T_WHAT_HAPPENED] : ""),
                  DB_TEXT(v.text[T_WHAT_WORKED] ? v.text[T_WHAT_WORKED] : ""),
                  DB_TEXT(v.text[T_WHAT_DID_NOT] ? v.text[T_WHAT_DID_NOT] : ""),
                  DB_TEXT(v.text[T_RECOMMENDATIONS] ? v.text[T_RECOMMENDATIONS] : ""),
                  DB_TEXT(v.text[T_BODY] ? v.text[T_BODY] : ""), DB_TEXT(v.language),
                  DB_TEXT(v.occurred_on[0] ? v.occurred_on : NULL), DB_INT(year_of(&v)),
                  DB_INT(who->org_id), DB_TEXT(tlp_column_value(v.m.tlp)),
                  v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_TEXT(v.created_at),
                  DB_TEXT(v.created_at),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL)),
        &n, NULL, err);
    if (!rc && v.tags)
        rc = store_tags(db, n, v.tags, err);
    if (!rc && v.links)
        rc = store_links(db, n, v.links, err);
    if (!rc)
        rc = sharing_marking_store(db, "document", id, &v.m, who->account_id, err);
    if (!rc)
        rc = library_version_write(db, n, 1, v.note ? v.note : "", who->account_id, err);
    if (!rc)
        rc = library_index_put(db, n, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s}", "title", v.text[T_TITLE], "kind", v.kind,
                                    "tlp", tlp_label(v.m.tlp));
        rc = audit_append(db, who, "document.create", "document", id, summary, err);
        json_decref(summary);
    }
    values_free(&v);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return document_json(db, who, id, NULL, out, NULL, err);
}

/* The stored document as `who` may change it, in the caller's transaction: BH_ENOTFOUND when
 * hidden, BH_EDENIED when another organization's (an admin excepted). */
static int load_for_write(struct db *db, const struct principal *who, const char *id,
                          struct values *v, int64_t *n, int64_t *version, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = sharing_select_by_id(db, who, SELECT_COLUMNS, "d", library_predicate, id, &st,
                                  N_("no document has the id '%.40s'"), err);
    if (rc)
        return rc;
    if (!speaks_for(who, db_column_int(st, COL_OWNER_ID))) {
        rc = bh_fail(err, BH_EDENIED, NULL,
                     "only the organization that wrote a document (%s) changes it",
                     db_column_text(st, COL_OWNER_CODE));
    } else {
        *n = db_column_int(st, COL_N);
        *version = db_column_int(st, COL_VERSION);
        snprintf(v->kind, sizeof v->kind, "%s", db_column_text(st, COL_KIND));
        for (int i = 0; i < T_COUNT; i++) {
            const char *s = db_column_text(st, COL_TEXT + i);
            v->text[i] = xstrdup(s ? s : "");
        }
        snprintf(v->language, sizeof v->language, "%s", db_column_text(st, COL_LANGUAGE));
        const char *d = db_column_text(st, COL_OCCURRED);
        snprintf(v->occurred_on, sizeof v->occurred_on, "%s", d ? d : "");
        snprintf(v->created_at, sizeof v->created_at, "%s", db_column_text(st, COL_CREATED));
        snprintf(v->status, sizeof v->status, "%s", db_column_text(st, COL_STATUS));
        int t = tlp_parse(db_column_text(st, COL_TLP));
        v->m.tlp = t < 0 ? TLP_RED : (enum tlp)t;
        v->m.group = db_column_is_null(st, COL_GROUP) ? 0 : db_column_int(st, COL_GROUP);
    }
    db_stmt_done(st);
    return rc;
}

int library_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   int64_t if_version, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_write(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct values v = { 0 };
    int64_t n = 0, version = 0;
    json_t *changed = json_array();
    rc = load_for_write(db, who, id, &v, &n, &version, err);
    if (!rc && if_version > 0 && if_version != version)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the document is at version %lld, not %lld: someone changed it since you "
                     "read it; read it again",
                     (long long)version, (long long)if_version);
    if (!rc)
        rc = apply_body(db, who, body, false, &v, changed, err);
    if (!rc && (v.m.tlp_given || v.m.group_given || v.m.recipients_given))
        rc = sharing_marking_check(db, who, &v.m, "document", err);
    char now[40];
    now_text(now);
    /* The status is left alone: a published document stays published, its new version is
     * what readers see. */
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE document SET kind = ?, title = ?, summary = ?, context = ?, what_happened = "
            "?, what_worked = ?, what_did_not = ?, recommendations = ?, body = ?, language = ?, "
            "occurred_on = ?, year = ?, tlp = ?, sharing_group_id = ?, version = ?, updated_at = "
            "? WHERE n = ?",
            DB_PARAMS(DB_TEXT(v.kind), DB_TEXT(v.text[T_TITLE]), DB_TEXT(v.text[T_SUMMARY]),
                      DB_TEXT(v.text[T_CONTEXT]), DB_TEXT(v.text[T_WHAT_HAPPENED]),
                      DB_TEXT(v.text[T_WHAT_WORKED]), DB_TEXT(v.text[T_WHAT_DID_NOT]),
                      DB_TEXT(v.text[T_RECOMMENDATIONS]), DB_TEXT(v.text[T_BODY]),
                      DB_TEXT(v.language), DB_TEXT(v.occurred_on[0] ? v.occurred_on : NULL),
                      DB_INT(year_of(&v)), DB_TEXT(tlp_column_value(v.m.tlp)),
                      v.m.group ? DB_INT(v.m.group) : DB_TEXT(NULL), DB_INT(version + 1),
                      DB_TEXT(now), DB_INT(n)),
            NULL, NULL, err);
    if (!rc && v.tags)
        rc = store_tags(db, n, v.tags, err);
    if (!rc && v.links)
        rc = store_links(db, n, v.links, err);
    if (!rc && (v.m.tlp_given || v.m.recipients_given))
        rc = sharing_marking_store(db, "document", id, &v.m, who->account_id, err);
    if (!rc)
        rc = library_version_write(db, n, version + 1, v.note ? v.note : "", who->account_id, err);
    if (!rc)
        rc = library_index_put(db, n, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:O, s:I}", "changed", changed, "version", (json_int_t)(version + 1));
        rc = audit_append(db, who, "document.update", "document", id, summary, err);
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
    return document_json(db, who, id, NULL, out, NULL, err);
}

/* The start of a delete or an attach: `who` may write documents, a transaction is open and
 * document `id` is one `who` sees and changes. On failure nothing is left open. */
static int begin_write(struct db *db, const struct principal *who, const char *id, int64_t *n,
                       char status[16], char title[LIBRARY_TITLE_MAX + 1], struct bh_error *err)
{
    int rc = may_write(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    struct values v = { 0 };
    int64_t version;
    rc = load_for_write(db, who, id, &v, n, &version, err);
    if (!rc) {
        snprintf(title, LIBRARY_TITLE_MAX + 1, "%s", v.text[T_TITLE]);
        snprintf(status, 16, "%s", v.status);
    }
    values_free(&v);
    if (rc)
        db_rollback(db);
    return rc;
}

int library_delete(struct db *db, const struct principal *who, const char *id, struct bh_error *err)
{
    int64_t n = 0;
    char status[16] = "", title[LIBRARY_TITLE_MAX + 1] = "";
    int rc = begin_write(db, who, id, &n, status, title, err);
    if (rc)
        return rc;
    /* A document once submitted has been read by others: it is withdrawn, never deleted. */
    if (strcmp(status, "draft") != 0)
        rc = bh_fail(err, BH_ECONFLICT, "status",
                     "only a draft is deleted; a %s document is withdrawn instead", status);
    if (!rc)
        rc = attachment_delete_all(db, "document", id, err);
    if (!rc)
        rc = library_index_delete(db, n, err);
    if (!rc)
        rc = db_exec_params(
            db,
            "DELETE FROM tlp_recipient WHERE (record_type = 'document' AND record_id = ?) OR "
            "(record_type = 'document_version' AND record_id IN (SELECT id FROM "
            "document_version WHERE document_n = ?)) OR (record_type = 'document_comment' AND "
            "record_id IN (SELECT id FROM document_comment WHERE document_n = ?))",
            DB_PARAMS(DB_TEXT(id), DB_INT(n), DB_INT(n)), NULL, NULL, err);
    static const char *const deletes[] = {
        "DELETE FROM document_comment WHERE document_n = ?",
        "DELETE FROM document_version WHERE document_n = ?",
        "DELETE FROM document_endorsement WHERE document_n = ?",
        "DELETE FROM document_link WHERE document_n = ?",
        "DELETE FROM document_tag WHERE document_n = ?",
        "DELETE FROM document WHERE n = ?",
    };
    for (size_t i = 0; !rc && i < sizeof deletes / sizeof deletes[0]; i++)
        rc = db_exec_params(db, deletes[i], DB_PARAMS(DB_INT(n)), NULL, NULL, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s}", "title", title);
        rc = audit_append(db, who, "document.delete", "document", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int library_attach(struct db *db, const struct principal *who, const char *id, const char *filename,
                   const void *data, size_t len, json_t **out, struct bh_error *err)
{
    *out = NULL;
    int64_t n = 0;
    char status[16] = "", title[LIBRARY_TITLE_MAX + 1] = "";
    int rc = begin_write(db, who, id, &n, status, title, err);
    if (rc)
        return rc;
    rc = attachment_add(db, who, "document", id, filename, data, len, out, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:O, s:O, s:O}", "attachment", json_object_get(*out, "id"), "filename",
                      json_object_get(*out, "filename"), "sha256", json_object_get(*out, "sha256"));
        rc = audit_append(db, who, "document.attach", "document", id, summary, err);
        json_decref(summary);
    }
    char now[40];
    now_text(now);
    if (!rc)
        rc = db_exec_params(db, "UPDATE document SET updated_at = ? WHERE n = ?",
                            DB_PARAMS(DB_TEXT(now), DB_INT(n)), NULL, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int library_attachment_get(struct db *db, const struct principal *who, const char *id,
                           const char *attachment_id, struct attachment *out, struct bh_error *err)
{
    static const struct audit_record_kind kind = { "document", "document", library_predicate };
    int rc = attachment_get(db, who, &kind, id, attachment_id, out, err);
    if (!rc && audit_read_needed(who, out->tlp)) {
        json_t *summary = json_pack("{s:s}", "attachment", out->id);
        rc = audit_read(db, who, "document", id, summary, err);
        json_decref(summary);
        if (rc)
            attachment_cleanup(out);
    }
    return rc;
}
