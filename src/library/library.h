#ifndef BH_LIBRARY_LIBRARY_H
#define BH_LIBRARY_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attachment/attachment.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"
#include "principal/principal.h"

/* The knowledge library (docs/library.md): case studies, lessons learned, best practices and
 * after-action review summaries, so that what one contingent learned from an ambush is found
 * by the next before it deploys. Stored in table document and its tag, link, version,
 * comment and endorsement tables (migration 0027); a shareable record (docs/sharing.md,
 * record type "document") whose marking is read by src/sharing/marking.h.
 *
 * The life of a document: a draft (its organization's only, whatever its marking) is
 * submitted for review ("in_review": readers of its marking see it, and reviewers of other
 * organizations comment, approve or ask for changes), then published by its organization once
 * another organization approved it. Every change is a new version, kept whole; versions and
 * comments are read under the marking they were written with *and* the document's current
 * one. Member organizations endorse a published document, one endorsement each.
 *
 * The document as JSON (library_get; lists give a shorter form, see library_search):
 *   {"id", "kind": "case_study" | "lesson" | "best_practice" | "aar", "title", "summary",
 *    "context", "what_happened", "what_worked", "what_did_not", "recommendations",
 *    "body" (Markdown), "body_html" (markdown_to_html), "language": "en" | "fr" | ...,
 *    "occurred_on": "YYYY-MM-DD" | null, "year", "status": "draft" | "in_review" |
 *    "published", "version", "owner": {"code", "name"}, "tlp": "TLP:GREEN",
 *    "sharing_group": id | null, "recipients": [usernames] (RED, for its readers),
 *    "tags": {"threat": [...], "mission": [...], "activity": [...], "a4p": [...],
 *             "keyword": [...]},
 *    "links": [{"type": "incident" | "alert" | "action", "id", "label"} or
 *              {"type", "hidden": true} for a record the reader may not see],
 *    "attachments": [...] (attachment_list), "endorsements": {"count", "orgs": [{"code",
 *    "name", "at"}], "mine": bool}, "reviews": {"approvals", "changes"} (verdicts on the
 *    current review round), "created_at", "updated_at", "submitted_at", "published_at",
 *    "can": {"edit", "submit", "publish", "withdraw", "comment", "review", "endorse"}}
 *
 * A body that writes one ({create, update}; every member optional on update):
 *   {"kind", "title", "summary", "context", "what_happened", "what_worked", "what_did_not",
 *    "recommendations", "body", "language", "occurred_on", "tags": {facet: [values]},
 *    "links": [{"type", "id"}], "note" (the version's note), "tlp", "sharing_group",
 *    "recipients"}
 * Every failure names its member ("tags.threat[2]", "links[0].id") and writes nothing. */

extern const struct permission perm_library_write;   /* write its organization's documents */
extern const struct permission perm_library_publish; /* submit, publish, withdraw them */
extern const struct permission perm_library_comment; /* comment on what one may read */
extern const struct permission perm_library_review;  /* approve or ask for changes */
extern const struct permission perm_library_endorse; /* endorse for one's organization */
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const library_permissions[];

#define LIBRARY_TITLE_MAX   300
#define LIBRARY_SUMMARY_MAX 2000
#define LIBRARY_FIELD_MAX   20000  /* each structured field */
#define LIBRARY_BODY_MAX    200000 /* the Markdown body, in bytes */
#define LIBRARY_NOTE_MAX    500
#define LIBRARY_TAGS_MAX    20 /* values per facet */
#define LIBRARY_TAG_MAX     60 /* bytes per value */
#define LIBRARY_LINKS_MAX   50
#define LIBRARY_COMMENT_MAX 20000

/* ---- visibility (document.c) ---- */

/* Documents: the sharing predicate with record type "document" and the draft rule
 * (sharing_draft_predicate). */
void library_predicate(const struct principal *who, const char *alias, struct buf *sql,
                       struct db_params *params);

/* A version row (table document_version, alias `alias`): its own marking (record type
 * "document_version") and draft status. The caller also applies library_predicate to the
 * document. */
void library_version_predicate(const struct principal *who, const char *alias, struct buf *sql,
                               struct db_params *params);

/* A comment row (table document_comment): as library_version_predicate, record type
 * "document_comment". */
void library_comment_predicate(const struct principal *who, const char *alias, struct buf *sql,
                               struct db_params *params);

/* ---- tags.c: the closed vocabularies ---- */

/* Document kinds, activities and A4P areas, NULL-terminated: what the API's vocabulary and
 * the import accept. Threat types are the taxonomy's codes, missions refdata's acronyms. */
extern const char *const library_kinds[];
extern const char *const library_activities[];
extern const char *const library_a4p_areas[];

/* Reads a body's "tags" object into `out` (a new object of facet → array of unique values, in
 * the facets' order, every facet present), checking each value against its vocabulary:
 * BH_EINVALID naming "tags", "tags.<facet>" or "tags.<facet>[i]". Reads the store for threat
 * codes and missions. */
int library_tags_read(struct db *db, const json_t *tags, json_t **out, struct bh_error *err);

/* ---- document.c: writing and reading documents ---- */

/* Creates a draft owned by `who`'s organization; needs library.write. Version 1 is written
 * with it and the search index updated in the same transaction. Audited as document.create.
 * *out: the document as library_get gives it. */
int library_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err);

/* Changes the members present in `body` (tags and links, when given, replace the stored ones
 * whole) and writes the next version. `if_version` > 0 must be the stored version (else
 * BH_ECONFLICT naming "If-Match"). Hidden from `who`: BH_ENOTFOUND; another organization's
 * (not an admin): BH_EDENIED. A published document stays published. Audited as
 * document.update with the changed members. */
int library_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   int64_t if_version, json_t **out, struct bh_error *err);

/* The document (the shape at the top) when `who` may see it; BH_ENOTFOUND otherwise. An
 * admin's read of a RED or AMBER+STRICT document is audited (document.read). */
int library_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err);

/* Deletes a draft of `who`'s organization with its versions, comments and attachments (a
 * document once submitted is withdrawn, never deleted). Audited as document.delete. */
int library_delete(struct db *db, const struct principal *who, const char *id,
                   struct bh_error *err);

/* For a write on something of document `id`: the document must be one `who` sees (else
 * BH_ENOTFOUND); *n, *owner_org_id, *version and `status` (room for 16 bytes) get its. */
int library_find(struct db *db, const struct principal *who, const char *id, int64_t *n,
                 int64_t *owner_org_id, int64_t *version, char status[16], struct bh_error *err);

/* Attaches a file to a document of `who`'s organization (attachment_add's checks); audited as
 * document.attach. And reads one under the document's visibility. */
int library_attach(struct db *db, const struct principal *who, const char *id, const char *filename,
                   const void *data, size_t len, json_t **out, struct bh_error *err);
int library_attachment_get(struct db *db, const struct principal *who, const char *id,
                           const char *attachment_id, struct attachment *out, struct bh_error *err);

/* A link of a document as `who` may see it: {"type", "id", "label"} when the record is one
 * `who` sees, {"type", "hidden": true} otherwise (neither id nor label: a hidden record is
 * not named). For library_get and the versions' snapshots. *out: a new object. */
int library_link_json(struct db *db, const struct principal *who, const char *type, const char *id,
                      json_t **out, struct bh_error *err);

/* ---- version.c: the versions ---- */

/* Writes version `version` of document `n` from its stored row (snapshot, marking, status),
 * with `note`, in the caller's transaction; the RED readers are copied from the document. */
int library_version_write(struct db *db, int64_t n, int64_t version, const char *note,
                          int64_t account_id, struct bh_error *err);

/* The versions of a document `who` may see, newest first: {version, note, status, tlp,
 * created_at, author_org: {code, name}}; versions hidden from `who` are left out. */
int library_versions(struct db *db, const struct principal *who, const char *id, json_t *items,
                     struct bh_error *err);

/* One version's snapshot (the document's fields, tags and links as written then, links as
 * the reader may see them), or BH_ENOTFOUND naming "version". */
int library_version_get(struct db *db, const struct principal *who, const char *id, int64_t version,
                        json_t **out, struct bh_error *err);

/* ---- diff.c ---- */

/* The line diff of `a` against `b` (either may be NULL: empty): an array of
 * {"op": "=" | "-" | "+", "text": "line"} covering every line of both, in order, a shortest
 * edit script (Myers). Lines are split at "\n"; a trailing "\n" makes no empty last line.
 * Pure; bounded: inputs of more than LIBRARY_DIFF_MAX_LINES lines each are diffed as one
 * replacement (all "-" then all "+"). */
#define LIBRARY_DIFF_MAX_LINES 20000
json_t *library_diff_lines(const char *a, const char *b);

/* The difference between versions `from` and `to` of a document, both of which `who` must be
 * able to see (else BH_ENOTFOUND naming "from" or "to"): {"from", "to", "fields": [{"field",
 * "lines": library_diff_lines}]} for each text field that differs (title, summary, the five
 * structured fields, body), and {"field": "tags" | "links" | "tlp" | "kind" | ...,
 * "before", "after"} for the others that differ. */
int library_diff(struct db *db, const struct principal *who, const char *id, int64_t from,
                 int64_t to, json_t **out, struct bh_error *err);

/* ---- workflow.c ---- */

/* draft → in_review: needs library.publish in the owning organization (or admin). Audited as
 * document.submit. *out: the document. */
int library_submit(struct db *db, const struct principal *who, const char *id, json_t **out,
                   struct bh_error *err);

/* in_review → published: the owning organization's library.publish holder (or an admin),
 * once an organization other than the owner approved the document in this review round
 * (a verdict "approve" since the latest submission; BH_ECONFLICT naming "reviews"
 * otherwise, an admin excepted). published_at is set the first time. Writes a feed event
 * ("document", "published") and is audited as document.publish. */
int library_publish(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err);

/* in_review or published → draft (`reason` required, at most LIBRARY_NOTE_MAX bytes),
 * by the owning organization's library.publish holder or an admin. Audited as
 * document.withdraw. */
int library_withdraw(struct db *db, const struct principal *who, const char *id, const char *reason,
                     json_t **out, struct bh_error *err);

/* ---- comment.c ---- */

/* A comment on a document `who` may see ({"body", "parent": comment id, "verdict": "comment"
 * | "approve" | "changes"}); needs library.comment, and library.review for a verdict other
 * than "comment", which only a document in review takes, and never from its own
 * organization. The parent must be a comment of the same document that `who` sees. The
 * document's authors (its versions' writers) and the parent's writer are told
 * ("library.comment", "library.reply", "library.review"). *out: the comment. Audited as
 * document.comment. */
int library_comment_add(struct db *db, const struct principal *who, const char *id,
                        const json_t *body, json_t **out, struct bh_error *err);

/* The comments of a document `who` sees, oldest first, each {id, parent, version, verdict,
 * body, org: {code, name}, author (username), created_at}; a reply whose parent is hidden
 * from `who` is shown with "parent": null. */
int library_comments(struct db *db, const struct principal *who, const char *id, json_t *items,
                     struct bh_error *err);

/* ---- endorse.c ---- */

/* `who`'s organization endorses a published document `who` sees (library.endorse; not the
 * owner's own: BH_EDENIED; not published: BH_ECONFLICT naming "status"). Again: no change.
 * The authors are told ("library.endorsed"). Audited as document.endorse. *out: the
 * document's "endorsements" object. */
int library_endorse(struct db *db, const struct principal *who, const char *id, const char *note,
                    json_t **out, struct bh_error *err);
/* Withdraws the endorsement of `who`'s organization (none: no change). */
int library_unendorse(struct db *db, const struct principal *who, const char *id, json_t **out,
                      struct bh_error *err);
/* Document `n`'s "endorsements" object for `who`: {"count", "orgs": [{"code", "name", "at"}]
 * oldest first, "mine": whether `who`'s organization endorsed it}. NULL (err filled) when the
 * store fails. The one place that shapes it: library_get's member and the endorse replies. */
json_t *library_endorsements_json(struct db *db, const struct principal *who, int64_t n,
                                  struct bh_error *err);

/* ---- search_sqlite.c: the search index and what reads it (FTS5) ---- */

/* Replaces document `n`'s row in the search index with its stored words (fields, body, tags
 * with their labels), or removes it; in the caller's transaction. */
int library_index_put(struct db *db, int64_t n, struct bh_error *err);
int library_index_delete(struct db *db, int64_t n, struct bh_error *err);

/* The words a reader typed as an FTS5 query: every term quoted (no operator of FTS5's own
 * reaches it), terms ANDed, a trailing "*" kept as a prefix search, at most 10 terms of 64
 * bytes. Empty when nothing searchable remains. Pure. */
void library_fts_query(const char *text, struct buf *out);

struct library_query {
    const char *q;       /* words; NULL or "" lists newest first */
    const char *kind;    /* one kind, or NULL */
    const char *status;  /* "published" (NULL's meaning), "in_review", "draft" or "any" */
    const char *mission; /* a mission tag */
    const char *threat;  /* a threat tag */
    const char *activity, *a4p, *keyword;
    const char *org;   /* the owner's code */
    int year;          /* 0: any */
    const char *after; /* the previous page's "next", or NULL */
    int limit;         /* 1..100 */
    bool facets;       /* count the facets */
};

/* Documents `who` may see matching `q`: {"items": [{id, kind, title, summary, status, year,
 * owner: {code, name}, tlp, published_at, updated_at, submitted_at, tags, endorsements
 * (count), reviews: {approvals, changes} (in review: the current round's), snippet:
 * [{"text", "hit": bool}] (with q), score (with q)}], "total", "next" (a cursor, or null),
 * "facets": {"kind": [{"value", "count"}], "threat", "mission", "activity", "a4p", "year"}
 * (with facets), "as_of"}. Ranked by bm25 with q, newest first without. Every item, snippet
 * and count is of documents `who` may see. Bad filters: BH_EINVALID naming the parameter. */
int library_search(struct db *db, const struct principal *who, const struct library_query *q,
                   json_t **out, struct bh_error *err);

/* ---- search_memory.c: the search's in-memory index ----
 *
 * library_search() ranks a search from a copy of the index kept in this process's memory
 * (every term's documents with their weighted frequency, and each document's marking, status,
 * kind, year and tags) when it can, and from FTS5 otherwise: a term with a prefix ("amb*") or
 * that FTS5 would split into a phrase, or a call inside an open transaction (the copy follows
 * committed writes only). Both give the same items, scores, total and facets: bm25 is
 * FTS5's formula on the same counts, and unit/library_engine compares the two on a random
 * library. The copy is brought up to date before each search from table library_change
 * (migration 0029), so a write by any process is seen by the next search; the page's rows
 * are read again through the sharing predicate, and a row the copy found that the predicate
 * refuses sends the whole search to FTS5 (and is logged as an error). */
enum library_engine {
    LIBRARY_ENGINE_AUTO, /* the copy when it can answer, FTS5 otherwise (the default) */
    LIBRARY_ENGINE_SQL,  /* FTS5 always: the reference the tests compare against */
};
void library_search_engine(enum library_engine engine);

struct library_memory_stats {
    int64_t answered;  /* searches the copy answered */
    int64_t declined;  /* ranked searches sent to FTS5 (prefix, phrase, transaction) */
    int64_t builds;    /* whole builds (first search, another store, log outrun) */
    int64_t applied;   /* library_change rows applied since the last build */
    int64_t documents; /* live documents in the copy */
    int64_t terms, postings;
    double last_build_ms; /* wall time of the last whole build */
};
void library_memory_stats(struct library_memory_stats *out);

/* Builds the copy now if it is not built for this store (the server's start, and a
 * benchmark that times the build apart), and brings it up to date. */
int library_memory_warm(struct db *db, struct bh_error *err);

/* Frees the copy; the next search builds it again. */
void library_memory_reset(void);

/* The server's thread that builds the copy at start and keeps it current (warm.c). */
extern const struct bh_worker library_index_worker;

/* Documents related to document `document_id` or to incident `incident_id` (one of the two),
 * that `who` may see, best first, at most `limit`: those linked to the incident, then those
 * sharing its or the document's tags (threat 3, mission 2, activity, a4p and keyword 1 each),
 * published ones only, the document itself excluded. Items as library_search's with "reason":
 * ["linked", "threat", "mission", ...]. The incident or document must be visible to `who`
 * (else BH_ENOTFOUND). */
int library_related(struct db *db, const struct principal *who, const char *document_id,
                    const char *incident_id, int limit, json_t *items, struct bh_error *err);

/* ---- frontmatter.c and import.c: `bluehelm import library DIR` ---- */

/* One Markdown file with front matter ("---" line, "key: value" lines, "---" line, then the
 * body) as a create body (the members above, plus "key" and "status"): scalars, quoted
 * strings, [a, b] lists and "- item" lists. An unknown key, a value of the wrong type, a
 * duplicate key or a file of more than LIBRARY_FILE_MAX bytes is BH_EINVALID (BH_ETOOLARGE)
 * whose field is "line N: key". Pure. */
#define LIBRARY_FILE_MAX (LIBRARY_BODY_MAX + 64 * 1024)
int library_front_matter_parse(const char *text, size_t len, json_t **out, struct bh_error *err);

struct library_import_options {
    const char *org;    /* the owner's code (required) */
    const char *tlp;    /* the marking of files that give none (default TLP:AMBER+STRICT) */
    int64_t group;      /* the sharing group of AMBER files that give none */
    const char *status; /* "draft" (default) or "published" */
};

struct library_import_report {
    int64_t created, updated, unchanged;
    json_t *errors; /* [{"file", "field", "message"}]: when not empty, nothing was written */
};

/* Imports every *.md file of `dir` (not its subfolders), sorted by name, in one transaction:
 * all or nothing. A file is keyed by its "key" (else its name without .md): a key already
 * imported by that organization updates its document (a new version) when it changed, and is
 * unchanged otherwise. Every bad file is reported, with its line and key. */
int library_import_dir(struct db *db, const struct principal *who, const char *dir,
                       const struct library_import_options *opt, struct library_import_report *rep,
                       struct bh_error *err);
void library_import_report_cleanup(struct library_import_report *rep);

/* One parsed file (library_front_matter_parse's object, borrowed) imported for organization
 * (`org_id`, `org_code`) under import key `key`, in the caller's transaction, as
 * library_import_dir does for each file (and library_demo for its documents): *outcome gets
 * 0 unchanged, 1 created, 2 updated. `opt` gives the defaults (its `org` is not read). */
enum { LIBRARY_IMPORT_UNCHANGED, LIBRARY_IMPORT_CREATED, LIBRARY_IMPORT_UPDATED };
int library_import_one(struct db *db, int64_t org_id, const char *org_code, const char *key,
                       const json_t *parsed, const struct library_import_options *opt,
                       const char *note, int *outcome, struct bh_error *err);

/* ---- export.c ---- */

/* The documents `who` may see (status as in library_query, NULL: published) as one JSON
 * array of documents (library_get's shape without "can" and "body_html"), produced one
 * document at a time, so that memory stays that of one document whatever the library's size.
 *
 * library_export_begin checks the status (BH_EINVALID naming "status"), reads the ids to
 * export from `db` and audits at once, in `audit_db` (writable; may be `db`), an admin's
 * read of the RED and AMBER+STRICT ones: everything that can fail plainly fails before the
 * first byte. library_export_next appends the next piece to `out` ("[" and the first
 * document, "," and the next, ..., "]") and returns 0 while more follow, 1 after the last
 * piece, or a failure. A document deleted meanwhile is left out. */
struct library_export;
int library_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                         const char *status, struct library_export **out, struct bh_error *err);
int library_export_next(struct library_export *x, struct buf *out, struct bh_error *err);
void library_export_free(struct library_export *x);

/* The whole export through `write` (0 to go on): `bluehelm export library`. */
int library_export_json(struct db *db, const struct principal *who, const char *status,
                        int (*write)(void *ctx, const char *s, size_t n), void *ctx,
                        struct bh_error *err);

/* ---- demo.c ---- */

/* The demo library (`bluehelm demo`): a few published lessons in several languages, added
 * once. */
int library_demo(struct db *db, struct bh_error *err);

#endif
