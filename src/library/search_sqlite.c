/* The library's search index and what reads it, for SQLite: the index is the FTS5 table
 * document_fts (migration 0027), and this is the only file that knows it. Everything that
 * names FTS5 (MATCH, bm25(), snippet()) is here, so that another store (PostgreSQL's
 * tsvector) is a second file with the same functions, and nothing else changes.
 *
 * Costs, for a library of 100,000 documents: a search runs the full-text query once for the
 * page (ranked, joined to the document for the visibility predicate and the filters), once
 * more without ranking for the total (skipped when the first page is not full), and once per
 * facet when facets are asked for; snippets are computed for the page's rows only, by an outer
 * query that looks each row up by rowid. */
#include "library/internal.h"
#include "library/library.h"

#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "incident/incident.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the index ---- */

/* What the index holds for one document. "fields" is the five structured fields; "tags" the
 * tag values with the words people search for them by: a threat type's label and acronyms
 * (threat_term, so that "IED" finds every lesson tagged ied), a mission's name, the codes
 * with '_' as spaces. Characters 1 and 2 are the snippets' markers (library_search): the
 * store refuses control characters in documents, and they are blanked here all the same, so
 * that a marker in a snippet is always one of ours. */
#define CLEAN(x) "replace(replace(" x ", char(1), ' '), char(2), ' ')"
static const char index_insert_sql[] =
    "INSERT INTO document_fts (rowid, title, summary, fields, body, tags) "
    "SELECT d.n, " CLEAN("d.title") ", " CLEAN("d.summary") ", " CLEAN(
        "d.context || char(10) || d.what_happened || char(10) || d.what_worked || char(10) || "
        "d.what_did_not || char(10) || d.recommendations") ", " CLEAN("d.body") ", "
                                                                                "coalesce((SELECT "
                                                                                "group_concat(w, ' "
                                                                                "') FROM (SELECT "
                                                                                "CASE t.facet "
                                                                                "WHEN 'threat' "
                                                                                "THEN "
                                                                                "replace(t.value, "
                                                                                "'_', ' ') || "
                                                                                "coalesce(' ' || "
                                                                                "tt.label || ' ' "
                                                                                "|| "
                                                                                "tt.acronyms, '') "
                                                                                "WHEN 'mission' "
                                                                                "THEN t.value || "
                                                                                "coalesce(' ' || "
                                                                                "m.name, '') "
                                                                                "ELSE "
                                                                                "replace(t.value, "
                                                                                "'_', ' ') END AS "
                                                                                "w "
                                                                                "FROM document_tag "
                                                                                "t "
                                                                                "LEFT JOIN "
                                                                                "threat_term tt ON "
                                                                                "t.facet = "
                                                                                "'threat' AND "
                                                                                "tt.code = t.value "
                                                                                "LEFT JOIN mission "
                                                                                "m ON t.facet = "
                                                                                "'mission' AND "
                                                                                "m.acronym = "
                                                                                "t.value "
                                                                                "WHERE "
                                                                                "t.document_n = "
                                                                                "d.n)), '') "
                                                                                "FROM document d "
                                                                                "WHERE d.n = ?";

/* Every change of the index is logged for the in-memory copies (search_memory.c); the
 * document's own writes are logged by migration 0029's triggers. */
static int log_change(struct db *db, int64_t n, struct bh_error *err)
{
    return db_exec_params(db, "INSERT INTO library_change (n) VALUES (?)", DB_PARAMS(DB_INT(n)),
                          NULL, NULL, err);
}

int library_index_delete(struct db *db, int64_t n, struct bh_error *err)
{
    int rc = db_exec_params(db, "DELETE FROM document_fts WHERE rowid = ?", DB_PARAMS(DB_INT(n)),
                            NULL, NULL, err);
    return rc ? rc : log_change(db, n, err);
}

/* The index keeps its own copy of the words, so a row is replaced whole by rowid: no need
 * to know the text it was indexed with. */
int library_index_put(struct db *db, int64_t n, struct bh_error *err)
{
    int rc = library_index_delete(db, n, err);
    if (rc)
        return rc;
    return db_exec_params(db, index_insert_sql, DB_PARAMS(DB_INT(n)), NULL, NULL, err);
}

/* ---- what the in-memory index reads of FTS5 ---- */

/* document_fts's tokenizer, as migration 0027 declares it. */
#define TOKENIZER "porter unicode61 remove_diacritics 2"

/* RANK's weights below, in the columns' order. */
const double library_index_weights[LIBRARY_INDEX_COLUMNS] = { 10.0, 5.0, 2.0, 1.0, 4.0 };

int library_tokenizer_open(struct db *db, struct db_tokenizer **out, struct bh_error *err)
{
    return db_tokenizer_open(db, TOKENIZER, out, err);
}

int library_index_texts(struct db *db, int64_t n, struct db_stmt **out, struct bh_error *err)
{
    int rc = db_prepare(db,
                        n > 0 ? "SELECT rowid, title, summary, fields, body, tags FROM "
                                "document_fts WHERE rowid = ?"
                              : "SELECT rowid, title, summary, fields, body, tags FROM "
                                "document_fts ORDER BY rowid",
                        out, err);
    if (!rc && n > 0)
        db_bind_int(*out, 1, n);
    return rc;
}

/* ---- the reader's words as an FTS5 query ---- */

#define FTS_TERMS_MAX      10
#define FTS_TERM_BYTES_MAX 64

/* Decodes one UTF-8 character at `s` (of `n` bytes left): its code point, and its length in
 * *len; -1 with *len 1 for a byte that does not begin a well-formed character (overlong
 * forms, surrogates and code points past U+10FFFF included). */
static long utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    *len = 1;
    unsigned char c = s[0];
    if (c < 0x80)
        return c;
    size_t need;
    long cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (n < need)
        return -1;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *len = need;
    return cp;
}

/* Whether unicode61 would split words at code point `cp`: every ASCII character but letters
 * and digits, and the common non-ASCII spaces and punctuation (Latin-1's, the general
 * punctuation block, CJK and full-width punctuation). A rarer symbol kept inside a term is
 * harmless: the term is quoted, and FTS5 splits it there into a phrase. */
static bool is_separator(long cp)
{
    if (cp < 0)
        return true;
    if (cp < 0x80)
        return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
    if (cp >= 0x80 && cp <= 0xbf)
        return !(cp == 0xaa || cp == 0xb2 || cp == 0xb3 || cp == 0xb5 || cp == 0xb9 || cp == 0xba ||
                 (cp >= 0xbc && cp <= 0xbe));
    if (cp == 0xd7 || cp == 0xf7)
        return true;
    if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x3004) ||
        (cp >= 0x3008 && cp <= 0x3020) || cp == 0x30fb || cp == 0xfeff ||
        (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
        (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65))
        return true;
    return false;
}

/* Appends one term, quoted, cut to FTS_TERM_BYTES_MAX bytes on a character boundary (the
 * term is well-formed UTF-8: the caller decoded it). */
static void put_term(struct buf *out, const unsigned char *s, size_t len, bool prefix)
{
    size_t keep = 0, clen;
    while (keep < len) {
        utf8_decode(s + keep, len - keep, &clen);
        if (keep + clen > FTS_TERM_BYTES_MAX)
            break;
        keep += clen;
    }
    if (out->len)
        buf_putc(out, ' ');
    buf_putc(out, '"');
    for (size_t i = 0; i < keep; i++) {
        if (s[i] == '"')
            buf_putc(out, '"'); /* never a separator's way in, but doubled all the same */
        buf_putc(out, (char)s[i]);
    }
    buf_putc(out, '"');
    if (prefix)
        buf_putc(out, '*');
}

void library_fts_query(const char *text, struct buf *out)
{
    buf_reset(out);
    buf_puts(out, "");
    if (!text)
        return;
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    int terms = 0;
    while (i < n && terms < FTS_TERMS_MAX) {
        size_t clen;
        long cp = utf8_decode(s + i, n - i, &clen);
        if (is_separator(cp)) {
            i += clen;
            continue;
        }
        size_t start = i;
        while (i < n) {
            cp = utf8_decode(s + i, n - i, &clen);
            if (is_separator(cp))
                break;
            i += clen;
        }
        put_term(out, s + start, i - start, i < n && s[i] == '*');
        terms++;
    }
}

/* ---- filters ---- */

/* The store's column value of a marking, as the API writes it ("TLP:AMBER+STRICT"). */
static const char *tlp_shown(const char *column)
{
    int t = tlp_parse(column);
    return t >= 0 ? tlp_label((enum tlp)t) : column;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *const tag_facets[] = { "threat", "mission", "activity", "a4p", "keyword", NULL };

/* The tag filters of a query, in the facets' order. */
static const char *tag_filter(const struct library_query *q, int facet)
{
    switch (facet) {
    case 0:
        return q->threat;
    case 1:
        return q->mission;
    case 2:
        return q->activity;
    case 3:
        return q->a4p;
    default:
        return q->keyword;
    }
}

static bool given(const char *s)
{
    return s && *s;
}

static int check_query(const struct library_query *q, struct bh_error *err)
{
    if (q->limit < 1 || q->limit > 100)
        return bh_fail(err, BH_EINVALID, "limit", "limit must be between 1 and 100, not %d",
                       q->limit);
    if (given(q->kind) && !in_list(q->kind, library_kinds))
        return bh_fail(err, BH_EINVALID, "kind", "unknown document kind %.60s", q->kind);
    static const char *const statuses[] = { "published", "in_review", "draft", "any", NULL };
    if (given(q->status) && !in_list(q->status, statuses))
        return bh_fail(err, BH_EINVALID, "status", "unknown status %.60s", q->status);
    if (q->year != 0 && (q->year < 1900 || q->year > 9999))
        return bh_fail(err, BH_EINVALID, "year", "year %d is out of range", q->year);
    for (int f = 0; tag_facets[f]; f++) {
        const char *v = tag_filter(q, f);
        if (v && strlen(v) > LIBRARY_TAG_MAX)
            return bh_fail(err, BH_EINVALID, tag_facets[f], "%s is longer than %d bytes",
                           tag_facets[f], LIBRARY_TAG_MAX);
    }
    if (q->org && strlen(q->org) > 32)
        return bh_fail(err, BH_EINVALID, "org", "no organization has the code %.32s", q->org);
    if (q->q && strlen(q->q) > 1000)
        return bh_fail(err, BH_EINVALID, "q", "the search is longer than 1000 bytes");
    return 0;
}

/* The facets a search counts; "kind" and "year" are columns, the others tags. */
enum facet { F_KIND, F_THREAT, F_MISSION, F_ACTIVITY, F_A4P, F_YEAR, F_COUNT, F_NONE = -1 };
static const char *const facet_names[F_COUNT] = { "kind",     "threat", "mission",
                                                  "activity", "a4p",    "year" };

/* Appends " AND ..." for every filter of `q` on document alias d, but the one of facet
 * `skip` (a facet counts its values under the other filters only), and the visibility
 * predicate. */
static void put_filters(const struct principal *who, const struct library_query *q, enum facet skip,
                        struct buf *sql, struct db_params *p)
{
    buf_puts(sql, " AND ");
    library_predicate(who, "d", sql, p);
    const char *status = given(q->status) ? q->status : "published";
    if (strcmp(status, "any") != 0) {
        buf_puts(sql, " AND d.status = ?");
        db_params_text(p, status);
    }
    if (given(q->kind) && skip != F_KIND) {
        buf_puts(sql, " AND d.kind = ?");
        db_params_text(p, q->kind);
    }
    if (q->year && skip != F_YEAR) {
        buf_puts(sql, " AND d.year = ?");
        db_params_int(p, q->year);
    }
    if (given(q->org)) {
        buf_puts(sql, " AND d.owner_org_id = (SELECT o.id FROM org o WHERE o.code = ?)");
        db_params_text(p, q->org);
    }
    static const enum facet tag_facet_of[] = { F_THREAT, F_MISSION, F_ACTIVITY, F_A4P, F_NONE };
    for (int f = 0; tag_facets[f]; f++) {
        const char *v = tag_filter(q, f);
        if (!given(v) || (tag_facet_of[f] != F_NONE && tag_facet_of[f] == skip))
            continue;
        buf_puts(sql, " AND EXISTS (SELECT 1 FROM document_tag ft WHERE ft.document_n = d.n "
                      "AND ft.facet = ? AND ft.value = ?)");
        db_params_text(p, tag_facets[f]);
        db_params_text(p, v);
    }
}

/* The FROM and the first condition of every query over the matches: the full-text match
 * joined to the document, or every document; with `tag_facet`, joined to the document's tags
 * of that facet too (a facet's count: each document counts once per value it carries). */
static void put_from(const char *match, const char *tag_facet, struct buf *sql, struct db_params *p)
{
    /* CROSS JOIN keeps the match as the outer loop: SQLite would otherwise walk the
     * published documents and probe the index once for each (seconds, for a count). Each
     * match is then checked in document_visibility, which holds every column these queries
     * read: the table's row would be a page or more of text per match (migration 0027). */
    buf_puts(sql, match ? " FROM document_fts f CROSS JOIN document d INDEXED BY "
                          "document_visibility ON d.n = f.rowid"
                        : " FROM document d");
    if (tag_facet) {
        buf_puts(sql, " JOIN document_tag t ON t.document_n = d.n AND t.facet = ?");
        db_params_text(p, tag_facet);
    }
    if (match) {
        buf_puts(sql, " WHERE document_fts MATCH ?");
        db_params_text(p, match);
    } else {
        buf_puts(sql, " WHERE 1 = 1");
    }
}

/* ---- cursors ---- */

/* "next" is "o<offset>" for ranked results (a rank has no key to continue from) and
 * "k<updated_at>~<n>" for a list newest first. Clients treat it as opaque. */
#define RANK_OFFSET_MAX 10000

struct position {
    long offset;
    char updated_at[40];
    int64_t n;
};

static bool digits(const char *s, size_t len)
{
    if (len == 0 || len > 18)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int read_cursor(const char *after, bool ranked, struct position *pos, struct bh_error *err)
{
    memset(pos, 0, sizeof *pos);
    if (!given(after))
        return 0;
    size_t len = strlen(after);
    if (ranked && after[0] == 'o' && digits(after + 1, len - 1)) {
        pos->offset = strtol(after + 1, NULL, 10);
        if (pos->offset <= RANK_OFFSET_MAX)
            return 0;
    }
    const char *tilde = strchr(after, '~');
    if (!ranked && after[0] == 'k' && tilde &&
        (size_t)(tilde - after - 1) < sizeof pos->updated_at &&
        digits(tilde + 1, strlen(tilde + 1))) {
        size_t tlen = (size_t)(tilde - after - 1);
        memcpy(pos->updated_at, after + 1, tlen);
        pos->updated_at[tlen] = '\0';
        int64_t ms;
        struct bh_error ignored;
        if (time_parse_rfc3339(pos->updated_at, &ms, NULL, &ignored) == 0) {
            pos->n = strtoll(tilde + 1, NULL, 10);
            return 0;
        }
    }
    return bh_fail(err, BH_EINVALID, "after", "after is not a cursor this search gave");
}

/* ---- items ---- */

/* The columns of an item, on document alias d; items are read from column `base` on. A
 * document in review carries its verdicts of the current round (document.c's add_reviews,
 * the publish rule's), so that the review view needs no request per document. */
#define REVIEW_COUNT(verdict)                                                                \
    "(SELECT count(DISTINCT c.org_id) FROM document_comment c WHERE c.document_n = d.n AND " \
    "d.status = 'in_review' AND c.verdict = '" verdict                                       \
    "' AND c.org_id <> d.owner_org_id AND " LIBRARY_CURRENT_ROUND_SQL ")"
#define ITEM_COLUMNS                                                                    \
    "d.n, d.id, d.kind, d.title, d.summary, d.status, d.year, o.code, o.name, d.tlp, "  \
    "d.published_at, d.updated_at, (SELECT count(*) FROM document_endorsement e WHERE " \
    "e.document_n = d.n), d.submitted_at, " REVIEW_COUNT("approve") ", " REVIEW_COUNT("changes")
#define ITEM_JOIN " JOIN org o ON o.id = d.owner_org_id"

static json_t *text_or_null(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

static int item_tags(struct db *db, int64_t n, json_t **out, struct bh_error *err)
{
    json_t *tags = json_object();
    for (int f = 0; tag_facets[f]; f++)
        json_object_set_new(tags, tag_facets[f], json_array());
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT facet, value FROM document_tag WHERE document_n = ? "
                        "ORDER BY facet, value",
                        &st, err);
    if (rc) {
        json_decref(tags);
        return rc;
    }
    db_bind_int(st, 1, n);
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *arr = json_object_get(tags, db_column_text(st, 0));
        if (arr)
            json_array_append_new(arr, json_string(db_column_text(st, 1)));
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(tags);
        return rc;
    }
    *out = tags;
    return 0;
}

/* One item from the row at column `base` (ITEM_COLUMNS); its tags are read apart. */
static int read_item(struct db *db, struct db_stmt *st, int base, json_t **out,
                     struct bh_error *err)
{
    json_t *tags;
    int rc = item_tags(db, db_column_int(st, base), &tags, err);
    if (rc)
        return rc;
    *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:I}", "id",
                     db_column_text(st, base + 1), "kind", db_column_text(st, base + 2), "title",
                     db_column_text(st, base + 3), "summary", db_column_text(st, base + 4),
                     "status", db_column_text(st, base + 5), "year",
                     (json_int_t)db_column_int(st, base + 6), "owner", "code",
                     db_column_text(st, base + 7), "name", db_column_text(st, base + 8), "tlp",
                     tlp_shown(db_column_text(st, base + 9)), "published_at",
                     text_or_null(st, base + 10), "updated_at", text_or_null(st, base + 11), "tags",
                     tags, "endorsements", (json_int_t)db_column_int(st, base + 12));
    json_object_set_new(*out, "submitted_at", text_or_null(st, base + 13));
    if (strcmp(db_column_text(st, base + 5), "in_review") == 0)
        json_object_set_new(*out, "reviews",
                            json_pack("{s:I, s:I}", "approvals",
                                      (json_int_t)db_column_int(st, base + 14), "changes",
                                      (json_int_t)db_column_int(st, base + 15)));
    return 0;
}

/* ---- snippets ---- */

#define MARK_OPEN  '\x01'
#define MARK_CLOSE '\x02'

static int count_hits(const char *s)
{
    int hits = 0;
    for (; s && *s; s++)
        hits += *s == MARK_OPEN;
    return hits;
}

static void put_segment(json_t *segments, struct buf *text, bool hit)
{
    if (!text->len)
        return;
    json_t *s = json_string(buf_str(text));
    if (s) /* snippet() cuts on tokens, never inside a character; refused all the same */
        json_array_append_new(segments, json_pack("{s:o, s:b}", "text", s, "hit", hit));
    buf_reset(text);
}

/* snippet()'s text with its markers as [{"text", "hit"}]; line breaks and tabs become
 * spaces (a snippet is one line), other control characters are dropped. */
static json_t *snippet_segments(const char *s)
{
    json_t *segments = json_array();
    struct buf text = BUF_INIT;
    bool hit = false;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == MARK_OPEN || c == MARK_CLOSE) {
            put_segment(segments, &text, hit);
            hit = c == MARK_OPEN;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            if (text.len && text.data[text.len - 1] != ' ')
                buf_putc(&text, ' ');
        } else if (c >= 0x20 && c != 0x7f) {
            buf_putc(&text, (char)c);
        }
    }
    put_segment(segments, &text, hit);
    buf_cleanup(&text);
    return segments;
}

/* The snippet of the column with the most hits among summary, fields and body (columns 1 to
 * 3, read from `base`); the summary's beginning when the match was in the title or tags. */
static json_t *best_snippet(struct db_stmt *st, int base)
{
    int best = base, best_hits = -1;
    for (int c = base; c < base + 3; c++) {
        int hits = count_hits(db_column_text(st, c));
        if (hits > best_hits) {
            best = c;
            best_hits = hits;
        }
    }
    if (best_hits == 0)
        best = base;
    return snippet_segments(db_column_text(st, best));
}

/* ---- the search ---- */

static int count_rows(struct db *db, const char *sql, struct db_params *p, int64_t *out,
                      struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare_bound(db, sql, p, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    *out = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int search_total(struct db *db, const struct principal *who, const struct library_query *q,
                        const char *match, int64_t *total, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT count(*)");
    put_from(match, NULL, &sql, &p);
    put_filters(who, q, F_NONE, &sql, &p);
    int rc = count_rows(db, buf_str(&sql), &p, total, err);
    buf_cleanup(&sql);
    return rc;
}

/* One facet's top values under the other filters: [{"value", "count"(, "label")}]. */
static int facet_count(struct db *db, const struct principal *who, const struct library_query *q,
                       const char *match, enum facet f, json_t *out, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    bool tag = f != F_KIND && f != F_YEAR;
    buf_puts(&sql, "SELECT v, c, ");
    if (f == F_THREAT)
        buf_puts(&sql, "(SELECT tt.label FROM threat_term tt WHERE tt.code = v)");
    else if (f == F_MISSION)
        buf_puts(&sql, "(SELECT m.name FROM mission m WHERE m.acronym = v)");
    else
        buf_puts(&sql, "NULL");
    buf_printf(&sql, " FROM (SELECT %s AS v, count(*) AS c",
               f == F_KIND   ? "d.kind"
               : f == F_YEAR ? "d.year"
                             : "t.value");
    put_from(match, tag ? facet_names[f] : NULL, &sql, &p);
    put_filters(who, q, f, &sql, &p);
    buf_puts(&sql, " GROUP BY v) ORDER BY c DESC, v LIMIT 20");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *v = f == F_YEAR ? json_integer(db_column_int(st, 0)) : text_or_null(st, 0);
        json_t *row =
            json_pack("{s:o, s:I}", "value", v, "count", (json_int_t)db_column_int(st, 1));
        if (!db_column_is_null(st, 2))
            json_object_set_new(row, "label", json_string(db_column_text(st, 2)));
        json_array_append_new(out, row);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int search_facets(struct db *db, const struct principal *who, const struct library_query *q,
                         const char *match, json_t *reply, struct bh_error *err)
{
    json_t *facets = json_object();
    json_object_set_new(reply, "facets", facets);
    for (int f = 0; f < F_COUNT; f++) {
        json_t *arr = json_array();
        json_object_set_new(facets, facet_names[f], arr);
        int rc = facet_count(db, who, q, match, (enum facet)f, arr, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Weights of bm25() for title, summary, fields, body, tags: a word in the title says what
 * the document is about (10); the summary is the author's own abstract (5); a tag is a
 * deliberate classification, with its label's words (4); the structured fields are focused
 * prose (2); the body is long and mentions much in passing (1), and bm25 already favours the
 * shorter columns' hits by length. */
/* library_index_weights (above) holds the same numbers for the in-memory index. */
#define RANK "bm25(document_fts, 10.0, 5.0, 2.0, 1.0, 4.0)"

/* The ranked page: the rowids of the matches in order (this query computes bm25 over every
 * match but no snippet), then, for those rows only, the document and the snippets, each row
 * found again in the index by rowid. Ranking has to see every match anyway, so the total is
 * counted in the same pass (a window over the matches) rather than by a second query: *total
 * gets it, or -1 when the page is empty (an offset past the end). */
static int search_ranked(struct db *db, const struct principal *who, const struct library_query *q,
                         const char *match, long offset, json_t *items, bool *more, int64_t *total,
                         struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    *total = -1;
    buf_puts(&sql, "WITH m AS (SELECT d.n AS n, " RANK " AS score, d.updated_at AS u");
    put_from(match, NULL, &sql, &p);
    put_filters(who, q, F_NONE, &sql, &p);
    /* bm25() is evaluated where the match is, in `m`; the window over m's rows counts them. */
    buf_puts(&sql, "), page AS (SELECT n, score, u, count(*) OVER () AS total FROM m "
                   "ORDER BY score, u DESC, n DESC LIMIT ? OFFSET ?) "
                   "SELECT page.total, page.score, "
                   "snippet(document_fts, 1, char(1), char(2), '…', 30), "
                   "snippet(document_fts, 2, char(1), char(2), '…', 30), "
                   "snippet(document_fts, 3, char(1), char(2), '…', 30), " ITEM_COLUMNS
                   " FROM page JOIN document_fts ON document_fts.rowid = page.n "
                   "JOIN document d ON d.n = page.n" ITEM_JOIN " WHERE document_fts MATCH ? "
                   "ORDER BY page.score, page.u DESC, page.n DESC");
    db_params_int(&p, q->limit + 1);
    db_params_int(&p, offset);
    db_params_text(&p, match);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    int rows = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (++rows > q->limit) {
            *more = true;
            break;
        }
        *total = db_column_int(st, 0);
        json_t *item;
        if ((rc = read_item(db, st, 5, &item, err)))
            break;
        /* bm25() is lower for better matches; the score shown grows with relevance. */
        double score = -db_column_double(st, 1);
        json_object_set_new(item, "score", json_real((double)(long long)(score * 1000) / 1000));
        json_object_set_new(item, "snippet", best_snippet(st, 2));
        json_array_append_new(items, item);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The labels of the threat and mission facets' values (facet_count's subqueries). */
static int label_facets(struct db *db, json_t *facets, struct bh_error *err)
{
    static const char *const sql[2][2] = {
        { "threat", "SELECT label FROM threat_term WHERE code = ?" },
        { "mission", "SELECT name FROM mission WHERE acronym = ?" },
    };
    for (int f = 0; f < 2; f++) {
        json_t *arr = json_object_get(facets, sql[f][0]), *row;
        size_t i;
        json_array_foreach(arr, i, row)
        {
            struct db_stmt *st;
            int rc = db_prepare(db, sql[f][1], &st, err);
            if (rc)
                return rc;
            db_bind_text(st, 1, json_string_value(json_object_get(row, "value")));
            if ((rc = db_step(st, err)) == DB_ROW && !db_column_is_null(st, 0))
                json_object_set_new(row, "label", json_string(db_column_text(st, 0)));
            db_stmt_done(st);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* The items of a page the in-memory index ranked (search_memory.c), read with their
 * snippets through the sharing predicate, which stays the authority on what is shown: *shown
 * is false when it refused a row the copy found (the caller then asks FTS5, and the copy's
 * disagreement is logged as the error it is). */
static int read_memory_page(struct db *db, const struct principal *who, const char *match,
                            const struct library_memory_page *page, json_t *items, bool *shown,
                            struct bh_error *err)
{
    *shown = true;
    if (page->count == 0)
        return 0;
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "WITH page(n, score, pos) AS (VALUES ");
    for (size_t i = 0; i < page->count; i++) {
        buf_puts(&sql, i ? ", (?, ?, ?)" : "(?, ?, ?)");
        db_params_int(&p, page->n[i]);
        db_params_double(&p, page->score[i]);
        db_params_int(&p, (int64_t)i);
    }
    buf_puts(&sql, ") SELECT page.score, "
                   "snippet(document_fts, 1, char(1), char(2), '…', 30), "
                   "snippet(document_fts, 2, char(1), char(2), '…', 30), "
                   "snippet(document_fts, 3, char(1), char(2), '…', 30), " ITEM_COLUMNS
                   " FROM page JOIN document_fts ON document_fts.rowid = page.n "
                   "JOIN document d ON d.n = page.n" ITEM_JOIN " WHERE document_fts MATCH ? AND ");
    db_params_text(&p, match);
    library_predicate(who, "d", &sql, &p);
    buf_puts(&sql, " ORDER BY page.pos");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    size_t rows = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *item;
        if ((rc = read_item(db, st, 4, &item, err)))
            break;
        double score = -db_column_double(st, 0);
        json_object_set_new(item, "score", json_real((double)(long long)(score * 1000) / 1000));
        json_object_set_new(item, "snippet", best_snippet(st, 1));
        json_array_append_new(items, item);
        rows++;
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rows != page->count) {
        log_error("library search: the in-memory index found %zu documents for a page, the "
                  "sharing predicate lets %zu through; answered by FTS5",
                  page->count, rows);
        json_array_clear(items);
        *shown = false;
    }
    return 0;
}

/* The ranked search from the in-memory index when it can answer: *answered says whether it
 * did, with the items, *more, *total and (asked for) the reply's facets filled. */
static int search_memory(struct db *db, const struct principal *who, const struct library_query *q,
                         const char *match, long offset, json_t *reply, json_t *items, bool *more,
                         int64_t *total, bool *answered, struct bh_error *err)
{
    struct library_memory_page page;
    int rc = library_memory_search(db, who, q, match, offset, &page, answered, err);
    if (!rc && *answered)
        rc = read_memory_page(db, who, match, &page, items, answered, err);
    if (!rc && *answered) {
        *more = page.more;
        *total = page.total;
        if (page.facets) {
            rc = label_facets(db, page.facets, err);
            json_object_set(reply, "facets", page.facets);
        }
    }
    library_memory_page_cleanup(&page);
    return rc;
}

/* The list newest first, from the keyset position `pos`. */
static int search_newest(struct db *db, const struct principal *who, const struct library_query *q,
                         const struct position *pos, json_t *items, bool *more,
                         struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " ITEM_COLUMNS " FROM document d" ITEM_JOIN " WHERE 1 = 1");
    put_filters(who, q, F_NONE, &sql, &p);
    if (pos->updated_at[0]) {
        buf_puts(&sql, " AND (d.updated_at < ? OR (d.updated_at = ? AND d.n < ?))");
        db_params_text(&p, pos->updated_at);
        db_params_text(&p, pos->updated_at);
        db_params_int(&p, pos->n);
    }
    buf_puts(&sql, " ORDER BY d.updated_at DESC, d.n DESC LIMIT ?");
    db_params_int(&p, q->limit + 1);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    int rows = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (++rows > q->limit) {
            *more = true;
            break;
        }
        json_t *item;
        if ((rc = read_item(db, st, 0, &item, err)))
            break;
        json_array_append_new(items, item);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The cursor of a ranked page starting at `offset`; none past RANK_OFFSET_MAX (nobody reads
 * the 10,000th result, and a deep OFFSET costs the whole ranking again). */
static json_t *ranked_cursor(long offset)
{
    char text[32];
    if (offset > RANK_OFFSET_MAX)
        return json_null();
    snprintf(text, sizeof text, "o%ld", offset);
    return json_string(text);
}

/* The cursor after a list's page: the last row's key. */
static int last_key(struct db *db, const json_t *items, json_t **next, struct bh_error *err)
{
    const json_t *last = json_array_get(items, json_array_size(items) - 1);
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT n, updated_at FROM document WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, json_string_value(json_object_get(last, "id")));
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        char text[96];
        snprintf(text, sizeof text, "k%s~%lld", db_column_text(st, 1),
                 (long long)db_column_int(st, 0));
        *next = json_string(text);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_search(struct db *db, const struct principal *who, const struct library_query *q,
                   json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = check_query(q, err);
    if (rc)
        return rc;
    struct buf match = BUF_INIT;
    library_fts_query(q->q, &match);
    bool ranked = match.len > 0;
    const char *m = ranked ? buf_str(&match) : NULL;
    struct position pos;
    if ((rc = read_cursor(q->after, ranked, &pos, err))) {
        buf_cleanup(&match);
        return rc;
    }
    json_t *reply = json_object(), *items = json_array();
    json_object_set_new(reply, "items", items);
    bool more = false, answered = false;
    int64_t total = -1;
    if (ranked)
        rc = search_memory(db, who, q, m, pos.offset, reply, items, &more, &total, &answered, err);
    if (!rc && !answered)
        rc = ranked ? search_ranked(db, who, q, m, pos.offset, items, &more, &total, err)
                    : search_newest(db, who, q, &pos, items, &more, err);
    if (total < 0 && !more && pos.offset == 0 && !pos.updated_at[0])
        total = (int64_t)json_array_size(items);
    if (!rc && total < 0)
        rc = search_total(db, who, q, m, &total, err);
    json_t *next = json_null();
    if (!rc && more) {
        if (ranked)
            next = ranked_cursor(pos.offset + (long)json_array_size(items));
        else
            rc = last_key(db, items, &next, err);
    }
    json_object_set_new(reply, "total", json_integer(total));
    json_object_set_new(reply, "next", next);
    if (!rc && q->facets && !answered)
        rc = search_facets(db, who, q, m, reply, err);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    json_object_set_new(reply, "as_of", json_string(now));
    buf_cleanup(&match);
    if (rc) {
        json_decref(reply);
        return rc;
    }
    *out = reply;
    return 0;
}

/* ---- related documents ---- */

/* The reasons in a fixed order, whatever order group_concat gave them in. */
static json_t *reasons(bool linked, const char *facets)
{
    static const char *const order[] = { "threat", "mission", "activity", "a4p", "keyword", NULL };
    json_t *r = json_array();
    if (linked)
        json_array_append_new(r, json_string("linked"));
    for (int i = 0; order[i]; i++) {
        if (!facets)
            break;
        size_t len = strlen(order[i]);
        for (const char *s = facets; (s = strstr(s, order[i])); s += len)
            if ((s == facets || s[-1] == ',') && (s[len] == ',' || s[len] == '\0')) {
                json_array_append_new(r, json_string(order[i]));
                break;
            }
    }
    return r;
}

/* The anchor: a document `who` sees (its n in *n) or an incident `who` sees. */
static int find_anchor(struct db *db, const struct principal *who, const char *document_id,
                       const char *incident_id, int64_t *n, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    if (document_id) {
        buf_puts(&sql, "SELECT d.n FROM document d WHERE d.id = ? AND ");
        db_params_text(&p, document_id);
        library_predicate(who, "d", &sql, &p);
    } else {
        buf_puts(&sql, "SELECT i.n FROM incident i WHERE i.id = ? AND ");
        db_params_text(&p, incident_id);
        incident_predicate(who, "i", &sql, &p);
    }
    bool found = false;
    *n = 0;
    int rc = db_exec_params(db, buf_str(&sql), &p, n, &found, err);
    db_params_cleanup(&p);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    if (!found)
        return document_id
                   ? bh_fail(err, BH_ENOTFOUND, "document", "no document %.64s", document_id)
                   : bh_fail(err, BH_ENOTFOUND, "incident", "no incident %.64s", incident_id);
    return 0;
}

/* Candidates: the documents linked to the incident (for an incident) and those sharing one
 * of the anchor's tags, each once with its weight, then the page of those `who` sees. The
 * anchor's tags are a document's rows, or an incident's threat type and mission. */
int library_related(struct db *db, const struct principal *who, const char *document_id,
                    const char *incident_id, int limit, json_t *items, struct bh_error *err)
{
    if (given(document_id) == given(incident_id))
        return bh_fail(err, BH_EINVALID, given(document_id) ? "incident" : "document",
                       "give either a document or an incident");
    if (!given(document_id))
        document_id = NULL;
    if (limit < 1 || limit > 100)
        return bh_fail(err, BH_EINVALID, "limit", "limit must be between 1 and 100, not %d", limit);
    int64_t anchor;
    int rc = find_anchor(db, who, document_id, incident_id, &anchor, err);
    if (rc)
        return rc;
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    if (document_id) {
        buf_puts(&sql, "WITH anchor AS (SELECT facet, value FROM document_tag WHERE "
                       "document_n = ?), linked AS (SELECT NULL AS n WHERE 0)");
        db_params_int(&p, anchor);
    } else {
        buf_puts(&sql, "WITH anchor AS (SELECT 'threat' AS facet, threat_type AS value FROM "
                       "incident WHERE n = ? UNION ALL SELECT 'mission', mission FROM incident "
                       "WHERE n = ?), linked AS (SELECT l.document_n AS n FROM document_link l "
                       "JOIN incident i ON i.id = l.record_id WHERE l.record_type = 'incident' "
                       "AND i.n = ?)");
        db_params_int(&p, anchor);
        db_params_int(&p, anchor);
        db_params_int(&p, anchor);
    }
    buf_puts(&sql,
             ", cand AS (SELECT n, 1 AS linked, 0 AS w, NULL AS facet FROM linked "
             "UNION ALL SELECT t.document_n, 0, CASE a.facet WHEN 'threat' THEN 3 "
             "WHEN 'mission' THEN 2 ELSE 1 END, a.facet FROM anchor a "
             "JOIN document_tag t ON t.facet = a.facet AND t.value = a.value), "
             "scored AS (SELECT n, max(linked) AS linked, sum(w) AS w, group_concat(facet) AS "
             "facets FROM cand GROUP BY n) "
             "SELECT s.linked, s.facets, " ITEM_COLUMNS " FROM scored s JOIN document d ON d.n "
             "= s.n" ITEM_JOIN " WHERE d.n <> ?");
    db_params_int(&p, document_id ? anchor : 0);
    put_filters(who, &(struct library_query){ .status = "published" }, F_NONE, &sql, &p);
    buf_puts(&sql, " ORDER BY s.linked DESC, s.w DESC, d.published_at DESC, d.n DESC LIMIT ?");
    db_params_int(&p, limit);
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *item;
        if ((rc = read_item(db, st, 2, &item, err)))
            break;
        json_object_set_new(item, "reason",
                            reasons(db_column_int(st, 0) != 0, db_column_text(st, 1)));
        json_array_append_new(items, item);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}
