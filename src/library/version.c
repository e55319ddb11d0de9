/* The versions of a document: every change kept whole, each with the marking and status the
 * document had when it was written. A version is read under its own marking *and* the
 * document's current one, so that a document widened from RED to GREEN does not show its RED
 * versions' text to GREEN readers, and a version written as a draft stays its organization's
 * (the rule of incident revisions, migration 0012). */
#include "library/library.h"

#include "library/internal.h"

#include "audit/audit.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "formats/markdown.h"
#include "sharing/marking.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a version's snapshot, in the document's column order. */
static const char *const snapshot_fields[] = {
    "kind",         "title",           "summary", "context",  "what_happened", "what_worked",
    "what_did_not", "recommendations", "body",    "language", "occurred_on",   NULL,
};
#define SNAPSHOT_FIELDS 11

static const char *const facets[] = { "threat", "mission", "activity", "a4p", "keyword", NULL };

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int snapshot_tags(struct db *db, int64_t n, json_t *snap, struct bh_error *err)
{
    json_t *tags = json_object();
    json_object_set_new(snap, "tags", tags);
    for (size_t i = 0; facets[i]; i++)
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

static int snapshot_links(struct db *db, int64_t n, json_t *snap, struct bh_error *err)
{
    json_t *links = json_array();
    json_object_set_new(snap, "links", links);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT record_type, record_id FROM document_link WHERE document_n = ? "
                        "ORDER BY position",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(links, json_pack("{s:s, s:s}", "type", db_column_text(st, 0), "id",
                                               db_column_text(st, 1)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_version_write(struct db *db, int64_t n, int64_t version, const char *note,
                          int64_t account_id, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT kind, title, summary, context, what_happened, what_worked, "
                        "what_did_not, recommendations, body, language, occurred_on, id, status, "
                        "owner_org_id, tlp, sharing_group_id FROM document WHERE n = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    if ((rc = db_step(st, err)) != DB_ROW) {
        db_stmt_done(st);
        return rc < 0 ? rc
                      : bh_fail(err, BH_ENOTFOUND, "id", "no document has the number %lld",
                                (long long)n);
    }
    json_t *snap = json_object();
    for (int i = 0; i < SNAPSHOT_FIELDS; i++)
        json_object_set_new(snap, snapshot_fields[i], text_or_null(db_column_text(st, i)));
    char id[64], status[16], tlp[16];
    snprintf(id, sizeof id, "%s", db_column_text(st, SNAPSHOT_FIELDS));
    snprintf(status, sizeof status, "%s", db_column_text(st, SNAPSHOT_FIELDS + 1));
    int64_t owner = db_column_int(st, SNAPSHOT_FIELDS + 2);
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, SNAPSHOT_FIELDS + 3));
    int64_t group =
        db_column_is_null(st, SNAPSHOT_FIELDS + 4) ? 0 : db_column_int(st, SNAPSHOT_FIELDS + 4);
    db_stmt_done(st);
    sharing_marking_to_json(snap, tlp, group);
    json_object_set_new(snap, "status", json_string(status));
    rc = snapshot_tags(db, n, snap, err);
    if (!rc)
        rc = snapshot_links(db, n, snap, err);
    char *text = rc ? NULL : json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(snap);
    if (rc)
        return rc;
    char vid[96], now[40];
    snprintf(vid, sizeof vid, "%s/%lld", id, (long long)version);
    time_format_rfc3339(time_now_ms(), 0, false, now);
    rc = db_exec_params(
        db,
        "INSERT INTO document_version (document_n, version, id, snapshot, note, status, "
        "owner_org_id, tlp, sharing_group_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?)",
        DB_PARAMS(DB_INT(n), DB_INT(version), DB_TEXT(vid), DB_TEXT(text),
                  DB_TEXT(note ? note : ""), DB_TEXT(status), DB_INT(owner), DB_TEXT(tlp),
                  group ? DB_INT(group) : DB_TEXT(NULL), DB_TEXT(now),
                  account_id > 0 ? DB_INT(account_id) : DB_TEXT(NULL)),
        NULL, NULL, err);
    free(text);
    /* A RED version's readers are the document's readers of that time. */
    if (!rc)
        rc = sharing_marking_copy_readers(db, "document", id, "document_version", vid, err);
    return rc;
}

/* The version rows of document `n` that `who` sees (library_version_predicate), with the
 * writer's organization; `version` > 0 reads that one only. The caller has checked the
 * document (library_predicate): both must hold. */
#define VERSION_COLUMNS                                                                      \
    "SELECT v.version, v.note, v.status, v.tlp, v.sharing_group_id, v.created_at, o.code, "  \
    "o.name, v.snapshot FROM document_version v LEFT JOIN account a ON a.id = v.created_by " \
    "JOIN org o ON o.id = COALESCE(a.org_id, v.owner_org_id) WHERE v.document_n = ? "
enum { V_VERSION, V_NOTE, V_STATUS, V_TLP, V_GROUP, V_CREATED, V_ORG_CODE, V_ORG_NAME, V_SNAP };

static int select_versions(struct db *db, const struct principal *who, int64_t n, int64_t version,
                           struct db_stmt **st, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, VERSION_COLUMNS);
    db_params_int(&params, n);
    if (version > 0) {
        buf_puts(&sql, "AND v.version = ? ");
        db_params_int(&params, version);
    }
    buf_puts(&sql, "AND ");
    library_version_predicate(who, "v", &sql, &params);
    buf_puts(&sql, " ORDER BY v.version DESC");
    int rc = db_prepare_bound(db, buf_str(&sql), &params, st, err);
    buf_cleanup(&sql);
    return rc;
}

/* The members every version shows, from the row. */
static void version_head(struct db_stmt *st, json_t *o)
{
    json_object_set_new(o, "version", json_integer(db_column_int(st, V_VERSION)));
    json_object_set_new(o, "note", json_string(db_column_text(st, V_NOTE)));
    json_object_set_new(o, "status", json_string(db_column_text(st, V_STATUS)));
    sharing_marking_to_json(o, db_column_text(st, V_TLP),
                            db_column_is_null(st, V_GROUP) ? 0 : db_column_int(st, V_GROUP));
    json_object_set_new(o, "created_at", json_string(db_column_text(st, V_CREATED)));
    json_object_set_new(o, "author_org",
                        json_pack("{s:s, s:s}", "code", db_column_text(st, V_ORG_CODE), "name",
                                  db_column_text(st, V_ORG_NAME)));
}

int library_versions(struct db *db, const struct principal *who, const char *id, json_t *items,
                     struct bh_error *err)
{
    int64_t n, owner, current;
    char status[16];
    int rc = library_find(db, who, id, &n, &owner, &current, status, err);
    struct db_stmt *st;
    if (rc || (rc = select_versions(db, who, n, 0, &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *o = json_object();
        version_head(st, o);
        json_object_del(o, "sharing_group");
        json_array_append_new(items, o);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Replaces the snapshot's links ([{type, id}]) with what `who` may see of them. */
static int links_for_reader(struct db *db, const struct principal *who, json_t *o,
                            struct bh_error *err)
{
    const json_t *stored = json_object_get(o, "links");
    json_t *shown = json_array();
    size_t i;
    const json_t *l;
    int rc = 0;
    json_array_foreach(stored, i, l)
    {
        json_t *one = NULL;
        rc = library_link_json(db, who, json_string_value(json_object_get(l, "type")),
                               json_string_value(json_object_get(l, "id")), &one, err);
        if (rc)
            break;
        json_array_append_new(shown, one);
    }
    json_object_set_new(o, "links", shown);
    return rc;
}

int library_version_get(struct db *db, const struct principal *who, const char *id, int64_t version,
                        json_t **out, struct bh_error *err)
{
    *out = NULL;
    int64_t n, owner, current;
    char status[16];
    int rc = library_find(db, who, id, &n, &owner, &current, status, err);
    struct db_stmt *st;
    if (rc || (rc = select_versions(db, who, n, version > 0 ? version : -1, &st, err)))
        return rc;
    if (version <= 0 || (rc = db_step(st, err)) != DB_ROW) {
        db_stmt_done(st);
        return rc < 0 ? rc
                      : bh_fail(err, BH_ENOTFOUND, "version", "the document has no version %lld",
                                (long long)version);
    }
    json_error_t jerr;
    const char *text = db_column_text(st, V_SNAP);
    json_t *o = json_loads(text ? text : "{}", 0, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "id", json_string(id));
    version_head(st, o);
    char tlp[16];
    snprintf(tlp, sizeof tlp, "%s", db_column_text(st, V_TLP));
    db_stmt_done(st);
    const char *body = json_string_value(json_object_get(o, "body"));
    char *html = markdown_to_html(body, body ? strlen(body) : 0);
    json_object_set_new(o, "body_html", json_string(html));
    free(html);
    rc = links_for_reader(db, who, o, err);
    if (!rc && audit_read_needed(who, tlp)) {
        json_t *summary = json_pack("{s:I}", "version", (json_int_t)version);
        rc = audit_read(db, who, "document", id, summary, err);
        json_decref(summary);
    }
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

int library_notice_title(struct db *db, int64_t n, char **title, struct bh_error *err)
{
    *title = NULL;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT title FROM document WHERE n = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    if ((rc = db_step(st, err)) == DB_ROW)
        *title = xstrdup(db_column_text(st, 0));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_authors(struct db *db, int64_t n, int64_t **authors, size_t *count,
                    struct bh_error *err)
{
    *authors = NULL;
    *count = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT DISTINCT created_by FROM document_version WHERE document_n = ? "
                        "AND created_by IS NOT NULL ORDER BY created_by",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n);
    while ((rc = db_step(st, err)) == DB_ROW) {
        *authors = xrealloc(*authors, (*count + 1) * sizeof **authors);
        (*authors)[(*count)++] = db_column_int(st, 0);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}
