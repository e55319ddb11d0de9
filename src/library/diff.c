/* What changed between two versions of a document: a line diff of each text field and the
 * before and after of the others, so a reviewer reads the change, not the whole lesson again.
 *
 * The line diff is Myers' O(ND) algorithm in its linear-space form (the middle snake,
 * divide and conquer): a shortest edit script in O((N+M)·D) time and O(N+M) memory, never a
 * table of N×M. Lines are numbered first (equal lines, equal numbers), so the inner loop
 * compares integers, and lines found on one side only are left out of the search. */
#include "library/library.h"

#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/mem.h"

/* ---- lines ---- */

struct line {
    const char *s;
    size_t len;
};

struct lines {
    struct line *v;
    int *id; /* the line's number: equal texts, equal numbers */
    size_t n;
};

/* Splits `text` at "\n"; a trailing "\n" ends the last line rather than starting an empty
 * one. At most `max` + 1 lines are kept: one past the bound is enough to know it was passed. */
static void lines_split(const char *text, size_t max, struct lines *out)
{
    out->v = NULL;
    out->id = NULL;
    out->n = 0;
    if (!text || !*text)
        return;
    size_t cap = 0;
    for (const char *p = text; *p && out->n <= max;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            out->v = xrealloc(out->v, cap * sizeof *out->v);
        }
        out->v[out->n++] = (struct line){ p, len };
        p += len + (nl ? 1 : 0);
    }
}

static void lines_number(struct hashmap *ids, struct lines *l)
{
    l->id = xmalloc((l->n ? l->n : 1) * sizeof *l->id);
    for (size_t i = 0; i < l->n; i++) {
        bool added = false;
        int *id = hashmap_putn(ids, l->v[i].s, l->v[i].len, &added);
        if (added)
            *id = (int)ids->count;
        l->id[i] = *id;
    }
}

static void lines_cleanup(struct lines *l)
{
    free(l->v);
    free(l->id);
}

/* ---- the edit script ---- */

enum { OP_KEEP, OP_DELETE, OP_INSERT };

struct script {
    struct {
        int op;
        int index; /* in a for OP_KEEP and OP_DELETE, in b for OP_INSERT */
    } * v;
    size_t n, cap;
    int *vf, *vb; /* the furthest reaching paths, forward and backward; reused by every call */
};

static void emit(struct script *s, int op, int index)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n].op = op;
    s->v[s->n].index = index;
    s->n++;
}

/* Finds the middle snake of a[a0..a1) against b[b0..b1), both not empty and differing in
 * their first and last lines: a point (*x, *y), relative to (a0, b0), on a shortest path.
 * Returns false only if none was found, which a correct search never does. */
static bool middle_snake(struct script *s, const int *a, int a0, int a1, const int *b, int b0,
                         int b1, int *x, int *y)
{
    int n = a1 - a0, m = b1 - b0;
    int max_d = (n + m + 1) / 2;
    int off = max_d, len = 2 * max_d + 2;
    int delta = n - m;
    bool front = (delta & 1) != 0;
    int *vf = s->vf, *vb = s->vb;
    for (int i = 0; i < len; i++)
        vf[i] = vb[i] = -1;
    vf[off + 1] = 0;
    vb[off + 1] = 0;
    /* Diagonals that ran off the grid are not searched again. */
    int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    for (int d = 0; d < max_d; d++) {
        for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
            int k1o = off + k1;
            int x1 = (k1 == -d || (k1 != d && vf[k1o - 1] < vf[k1o + 1])) ? vf[k1o + 1]
                                                                          : vf[k1o - 1] + 1;
            int y1 = x1 - k1;
            while (x1 < n && y1 < m && a[a0 + x1] == b[b0 + y1]) {
                x1++;
                y1++;
            }
            vf[k1o] = x1;
            if (x1 > n) {
                k1end += 2;
            } else if (y1 > m) {
                k1start += 2;
            } else if (front) {
                int k2o = off + delta - k1;
                if (k2o >= 0 && k2o < len && vb[k2o] != -1 && x1 >= n - vb[k2o]) {
                    *x = x1;
                    *y = y1;
                    return true;
                }
            }
        }
        for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
            int k2o = off + k2;
            int x2 = (k2 == -d || (k2 != d && vb[k2o - 1] < vb[k2o + 1])) ? vb[k2o + 1]
                                                                          : vb[k2o - 1] + 1;
            int y2 = x2 - k2;
            while (x2 < n && y2 < m && a[a1 - 1 - x2] == b[b1 - 1 - y2]) {
                x2++;
                y2++;
            }
            vb[k2o] = x2;
            if (x2 > n) {
                k2end += 2;
            } else if (y2 > m) {
                k2start += 2;
            } else if (!front) {
                int k1o = off + delta - k2;
                if (k1o >= 0 && k1o < len && vf[k1o] != -1) {
                    int x1 = vf[k1o];
                    int y1 = off + x1 - k1o;
                    if (x1 >= n - x2) {
                        *x = x1;
                        *y = y1;
                        return true;
                    }
                }
            }
        }
    }
    return false;
}

static void diff_range(struct script *s, const int *a, int a0, int a1, const int *b, int b0, int b1)
{
    int head = 0;
    while (a0 + head < a1 && b0 + head < b1 && a[a0 + head] == b[b0 + head])
        head++;
    for (int i = 0; i < head; i++)
        emit(s, OP_KEEP, a0 + i);
    a0 += head;
    b0 += head;
    int tail = 0;
    while (a1 - tail > a0 && b1 - tail > b0 && a[a1 - 1 - tail] == b[b1 - 1 - tail])
        tail++;
    a1 -= tail;
    b1 -= tail;

    int x, y;
    if (a0 == a1) {
        for (int j = b0; j < b1; j++)
            emit(s, OP_INSERT, j);
    } else if (b0 == b1) {
        for (int i = a0; i < a1; i++)
            emit(s, OP_DELETE, i);
    } else if (middle_snake(s, a, a0, a1, b, b0, b1, &x, &y)) {
        diff_range(s, a, a0, a0 + x, b, b0, b0 + y);
        diff_range(s, a, a0 + x, a1, b, b0 + y, b1);
    } else {
        for (int i = a0; i < a1; i++)
            emit(s, OP_DELETE, i);
        for (int j = b0; j < b1; j++)
            emit(s, OP_INSERT, j);
    }
    for (int i = 0; i < tail; i++)
        emit(s, OP_KEEP, a1 + i);
}

static json_t *line_json(const char *op, const struct line *l)
{
    return json_pack("{s:s, s:s%}", "op", op, "text", l->s, l->len);
}

json_t *library_diff_lines(const char *a, const char *b)
{
    struct lines la, lb;
    lines_split(a, LIBRARY_DIFF_MAX_LINES, &la);
    lines_split(b, LIBRARY_DIFF_MAX_LINES, &lb);
    json_t *out = json_array();
    if (la.n > LIBRARY_DIFF_MAX_LINES || lb.n > LIBRARY_DIFF_MAX_LINES) {
        /* Past the bound the texts are split whole (not only up to the bound) and shown as
         * one replacement: correct, only not the shortest. */
        lines_cleanup(&la);
        lines_cleanup(&lb);
        lines_split(a, SIZE_MAX - 1, &la);
        lines_split(b, SIZE_MAX - 1, &lb);
        for (size_t i = 0; i < la.n; i++)
            json_array_append_new(out, line_json("-", &la.v[i]));
        for (size_t j = 0; j < lb.n; j++)
            json_array_append_new(out, line_json("+", &lb.v[j]));
        lines_cleanup(&la);
        lines_cleanup(&lb);
        return out;
    }
    struct hashmap ids;
    hashmap_init(&ids, sizeof(int), la.n + lb.n);
    lines_number(&ids, &la);
    lines_number(&ids, &lb);

    /* A line found on one side only is in no common subsequence: it is an edit whatever
     * the script, so the search runs on the other lines alone (a body rewritten whole then
     * costs nothing to diff) and the kept pairs it finds are shortest for the whole texts. */
    int *in_a = xcalloc(ids.count + 1, sizeof *in_a), *in_b = xcalloc(ids.count + 1, sizeof *in_b);
    for (size_t i = 0; i < la.n; i++)
        in_a[la.id[i]] = 1;
    for (size_t j = 0; j < lb.n; j++)
        in_b[lb.id[j]] = 1;
    hashmap_cleanup(&ids);
    int *ra = xmalloc((la.n + 1) * sizeof *ra), *rb = xmalloc((lb.n + 1) * sizeof *rb);
    int *ida = xmalloc((la.n + 1) * sizeof *ida), *idb = xmalloc((lb.n + 1) * sizeof *idb);
    int na = 0, nb = 0;
    for (size_t i = 0; i < la.n; i++)
        if (in_b[la.id[i]]) {
            ra[na] = (int)i;
            ida[na++] = la.id[i];
        }
    for (size_t j = 0; j < lb.n; j++)
        if (in_a[lb.id[j]]) {
            rb[nb] = (int)j;
            idb[nb++] = lb.id[j];
        }
    free(in_a);
    free(in_b);

    struct script s = { 0 };
    s.vf = xmalloc(((size_t)na + (size_t)nb + 4) * sizeof *s.vf);
    s.vb = xmalloc(((size_t)na + (size_t)nb + 4) * sizeof *s.vb);
    diff_range(&s, ida, 0, na, idb, 0, nb);
    /* Each kept pair, with the lines before it since the previous one: removed, then added. */
    size_t pa = 0, pb = 0;
    int ia = 0, ib = 0;
    for (size_t k = 0; k <= s.n; k++) {
        size_t x = la.n, y = lb.n;
        if (k < s.n) {
            if (s.v[k].op == OP_DELETE) {
                ia++;
                continue;
            }
            if (s.v[k].op == OP_INSERT) {
                ib++;
                continue;
            }
            x = (size_t)ra[ia++];
            y = (size_t)rb[ib++];
        }
        for (; pa < x; pa++)
            json_array_append_new(out, line_json("-", &la.v[pa]));
        for (; pb < y; pb++)
            json_array_append_new(out, line_json("+", &lb.v[pb]));
        if (k < s.n) {
            json_array_append_new(out, line_json("=", &la.v[x]));
            pa = x + 1;
            pb = y + 1;
        }
    }
    free(ra);
    free(rb);
    free(ida);
    free(idb);
    free(s.v);
    free(s.vf);
    free(s.vb);
    lines_cleanup(&la);
    lines_cleanup(&lb);
    return out;
}

/* ---- two versions ---- */

/* The fields shown as line diffs, and those shown whole, in the order a reader expects. */
static const char *const text_fields[] = {
    "title",           "summary", "context", "what_happened", "what_worked", "what_did_not",
    "recommendations", "body",    NULL,
};
static const char *const value_fields[] = {
    "kind", "language", "occurred_on", "status", "tlp", "sharing_group", "tags", "links", NULL,
};

static const char *text_of(const json_t *snapshot, const char *field)
{
    const char *s = json_string_value(json_object_get(snapshot, field));
    return s ? s : "";
}

static json_t *value_of(const json_t *snapshot, const char *field)
{
    json_t *v = json_object_get(snapshot, field);
    return v ? json_incref(v) : json_null();
}

/* One version for a diff: what library_version_get refuses is named by its side. */
static int version_for_diff(struct db *db, const struct principal *who, const char *id,
                            int64_t version, const char *side, json_t **out, struct bh_error *err)
{
    int rc = library_version_get(db, who, id, version, out, err);
    if (rc == BH_ENOTFOUND)
        return bh_fail(err, BH_ENOTFOUND, side, "no version %lld of this document",
                       (long long)version);
    return rc;
}

int library_diff(struct db *db, const struct principal *who, const char *id, int64_t from,
                 int64_t to, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (from < 1 || from >= to)
        return bh_fail(err, BH_EINVALID, "from",
                       "version %lld must be at least 1 and before version %lld", (long long)from,
                       (long long)to);
    /* A document hidden from `who` is not found as itself, before any version is. */
    int64_t n, owner, current;
    char status[16];
    int rc = library_find(db, who, id, &n, &owner, &current, status, err);
    if (rc)
        return rc;
    json_t *before = NULL, *after = NULL;
    rc = version_for_diff(db, who, id, from, "from", &before, err);
    if (!rc)
        rc = version_for_diff(db, who, id, to, "to", &after, err);
    if (rc) {
        json_decref(before);
        return rc;
    }
    json_t *fields = json_array();
    for (size_t i = 0; text_fields[i]; i++) {
        const char *a = text_of(before, text_fields[i]);
        const char *b = text_of(after, text_fields[i]);
        if (strcmp(a, b) != 0)
            json_array_append_new(fields, json_pack("{s:s, s:o}", "field", text_fields[i], "lines",
                                                    library_diff_lines(a, b)));
    }
    for (size_t i = 0; value_fields[i]; i++) {
        json_t *a = value_of(before, value_fields[i]);
        json_t *b = value_of(after, value_fields[i]);
        if (json_equal(a, b)) {
            json_decref(a);
            json_decref(b);
            continue;
        }
        json_array_append_new(fields, json_pack("{s:s, s:o, s:o}", "field", value_fields[i],
                                                "before", a, "after", b));
    }
    json_decref(before);
    json_decref(after);
    *out = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to, "fields",
                     fields);
    return 0;
}
