/* A library file's front matter (`bluehelm import library`, docs/library.md): the small part
 * of YAML that people write by hand at the top of a Markdown file, and nothing more, so that
 * every mistake can be named by its line and key instead of by a YAML library's state. Lines
 * are read one at a time in a loop (no recursion on input), and every value kind has one
 * reader: plain scalars, 'single' and "double" quoted strings, [a, b] flow lists, "- item"
 * block lists and "|" literal blocks. */
#include "library/library.h"

#include "base/buf.h"
#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fm_type { FM_TEXT, FM_INT, FM_LIST };

/* Where each key goes: a member of the create body, a facet of "tags", or "links". */
struct fm_key {
    const char *name;
    enum fm_type type;
    const char *facet; /* a list stored under "tags" */
};

static const struct fm_key fm_keys[] = {
    { "key", FM_TEXT, NULL },
    { "kind", FM_TEXT, NULL },
    { "title", FM_TEXT, NULL },
    { "summary", FM_TEXT, NULL },
    { "context", FM_TEXT, NULL },
    { "what_happened", FM_TEXT, NULL },
    { "what_worked", FM_TEXT, NULL },
    { "what_did_not", FM_TEXT, NULL },
    { "recommendations", FM_TEXT, NULL },
    { "language", FM_TEXT, NULL },
    { "occurred_on", FM_TEXT, NULL },
    { "status", FM_TEXT, NULL },
    { "tlp", FM_TEXT, NULL },
    { "sharing_group", FM_INT, NULL },
    { "recipients", FM_LIST, NULL },
    { "threat", FM_LIST, "threat" },
    { "mission", FM_LIST, "mission" },
    { "activity", FM_LIST, "activity" },
    { "a4p", FM_LIST, "a4p" },
    { "keywords", FM_LIST, "keyword" },
    { "links", FM_LIST, NULL },
    { "note", FM_TEXT, NULL },
};
#define FM_NKEYS (sizeof fm_keys / sizeof fm_keys[0])

#define FM_KNOWN                                                                               \
    "key, kind, title, summary, context, what_happened, what_worked, what_did_not, "           \
    "recommendations, language, occurred_on, status, tlp, sharing_group, recipients, threat, " \
    "mission, activity, a4p, keywords, links, note"

/* One line of the text: [s, s + n) without its "\n" or "\r\n". */
struct fm_line {
    const char *s;
    size_t n;
    long no;
};

struct fm_reader {
    const char *text, *end, *at; /* the next line starts at `at` */
    long no;                     /* the number of the line last read */
};

static bool fm_next(struct fm_reader *r, struct fm_line *l)
{
    if (r->at >= r->end)
        return false;
    const char *nl = memchr(r->at, '\n', (size_t)(r->end - r->at));
    const char *stop = nl ? nl : r->end;
    l->s = r->at;
    l->n = (size_t)(stop - r->at);
    if (l->n && l->s[l->n - 1] == '\r')
        l->n--;
    l->no = ++r->no;
    r->at = nl ? nl + 1 : r->end;
    return true;
}

/* Peeks at the next line without consuming it. */
static bool fm_peek(const struct fm_reader *r, struct fm_line *l)
{
    struct fm_reader copy = *r;
    return fm_next(&copy, l);
}

/* Fills `err` with field "line N: key" (or "line N") and the sentence `fmt`, an N_() string
 * translated here. */
static int fm_fail(struct bh_error *err, int code, long line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fm_fail(struct bh_error *err, int code, long line, const char *key, const char *fmt, ...)
{
    char field[64], message[768];
    if (key)
        snprintf(field, sizeof field, "line %ld: %.40s", line, key);
    else
        snprintf(field, sizeof field, "line %ld", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, _(fmt), ap);
    va_end(ap);
    return bh_fail(err, code, field, "%s", message);
}

static bool fm_blank(const struct fm_line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->s[i] != ' ' && l->s[i] != '\t')
            return false;
    return true;
}

static bool fm_is_fence(const struct fm_line *l)
{
    size_t n = l->n;
    while (n > 3 && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
        n--;
    return n == 3 && memcmp(l->s, "---", 3) == 0;
}

static size_t fm_indent(const struct fm_line *l)
{
    size_t i = 0;
    while (i < l->n && l->s[i] == ' ')
        i++;
    return i;
}

/* [s, s + n) without the blanks around it. */
static void fm_trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* The line of the first byte that is not UTF-8 (overlongs, surrogates and NUL refused), or 0
 * when the text is UTF-8. */
static long fm_bad_utf8_line(const unsigned char *s, size_t n)
{
    long line = 1;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == '\n') {
            line++;
            i++;
            continue;
        }
        if (c == 0)
            return line;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned min, cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return line;
        }
        if (i + len > n)
            return line;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return line;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return line;
        i += len;
    }
    return 0;
}

/* ---- scalars ---- */

/* A quoted string starting at s[0] (' or "), into `out`; *used gets the bytes read, closing
 * quote included. -1 with `why` set when it is not closed on its line or has a bad escape. */
static int fm_quoted(const char *s, size_t n, struct buf *out, size_t *used, const char **why)
{
    char q = s[0];
    size_t i = 1;
    while (i < n) {
        char c = s[i];
        if (c == q) {
            if (q == '\'' && i + 1 < n && s[i + 1] == '\'') { /* '' is one quote in '...' */
                buf_putc(out, '\'');
                i += 2;
                continue;
            }
            *used = i + 1;
            return 0;
        }
        if (q == '"' && c == '\\') {
            if (i + 1 >= n)
                break;
            char e = s[i + 1];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                buf_putc(out, e);
                break;
            case 'n':
                buf_putc(out, '\n');
                break;
            case 't':
                buf_putc(out, '\t');
                break;
            default:
                *why = N_("an unknown escape in a \"double\" quoted string (write \\\\ for a "
                          "backslash)");
                return -1;
            }
            i += 2;
            continue;
        }
        buf_putc(out, c);
        i++;
    }
    *why = N_("a quoted string is not closed on its line");
    return -1;
}

/* A whole value that is one scalar (plain or quoted, nothing after the closing quote), as a
 * new JSON string. NULL with `why` set otherwise. */
static json_t *fm_scalar(const char *s, size_t n, const char **why)
{
    fm_trim(&s, &n);
    struct buf b;
    buf_init(&b);
    json_t *v = NULL;
    if (n && (s[0] == '"' || s[0] == '\'')) {
        size_t used = 0;
        if (fm_quoted(s, n, &b, &used, why) == 0) {
            const char *rest = s + used;
            size_t rn = n - used;
            fm_trim(&rest, &rn);
            if (rn)
                *why = N_("text follows the closing quote");
            else
                v = json_stringn(b.data ? b.data : "", b.len);
        }
    } else {
        v = json_stringn(s, n);
    }
    buf_cleanup(&b);
    return v;
}

/* A flow list "[a, b, "c d"]" on one line (s[0] is '['), as a new array of strings. */
static json_t *fm_flow_list(const char *s, size_t n, const char **why)
{
    json_t *list = json_array();
    size_t i = 1;
    struct buf b;
    buf_init(&b);
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n) {
            *why = N_("a [list] is not closed with ] on its line");
            goto fail;
        }
        if (s[i] == ']' && json_array_size(list) == 0)
            break;
        buf_reset(&b);
        if (s[i] == '"' || s[i] == '\'') {
            size_t used = 0;
            if (fm_quoted(s + i, n - i, &b, &used, why))
                goto fail;
            i += used;
            while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
        } else {
            size_t start = i;
            while (i < n && s[i] != ',' && s[i] != ']') {
                if (s[i] == '[' || s[i] == '{') {
                    *why = N_("a list inside a list");
                    goto fail;
                }
                i++;
            }
            const char *item = s + start;
            size_t len = i - start;
            fm_trim(&item, &len);
            if (!len) {
                *why = N_("an empty item in a [list]");
                goto fail;
            }
            buf_append(&b, item, len);
        }
        json_array_append_new(list, json_stringn(b.data ? b.data : "", b.len));
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == ']')
            break;
        if (i >= n) {
            *why = N_("a [list] is not closed with ] on its line");
            goto fail;
        }
        *why = N_("the items of a [list] are separated by commas");
        goto fail;
    }
    i++; /* the ']' */
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n) {
        *why = N_("text follows the closing ]");
        goto fail;
    }
    buf_cleanup(&b);
    return list;
fail:
    buf_cleanup(&b);
    json_decref(list);
    return NULL;
}

/* ---- values spanning lines ---- */

/* The "- item" lines under a "key:" line, as a new array; stops before the first line that is
 * not an indented "- " item (blank lines are skipped). */
static json_t *fm_block_list(struct fm_reader *r, const char *key, struct bh_error *err, int *rc)
{
    json_t *list = json_array();
    struct fm_line l;
    while (fm_peek(r, &l)) {
        if (fm_blank(&l) && !fm_is_fence(&l)) {
            fm_next(r, &l);
            continue;
        }
        size_t ind = fm_indent(&l);
        bool item = ind < l.n && l.s[ind] == '-' && (ind + 1 == l.n || l.s[ind + 1] == ' ');
        if (!item) {
            if (ind > 0 && json_array_size(list) > 0) {
                fm_next(r, &l);
                *rc = fm_fail(err, BH_EINVALID, l.no, key,
                              N_("an indented line that is not a \"- item\" of the list"));
                json_decref(list);
                return NULL;
            }
            break;
        }
        fm_next(r, &l);
        const char *why = NULL;
        const char *v = l.s + ind + 1;
        size_t vn = l.n - ind - 1;
        fm_trim(&v, &vn);
        if (vn && v[0] == '[') {
            why = N_("a list inside a list");
        } else if (!vn) {
            why = N_("an empty \"- \" item");
        } else {
            json_t *s = fm_scalar(v, vn, &why);
            if (s) {
                json_array_append_new(list, s);
                continue;
            }
        }
        *rc = fm_fail(err, BH_EINVALID, l.no, key, "%s", _(why));
        json_decref(list);
        return NULL;
    }
    return list;
}

/* The indented lines of a "|" literal block: the first one's indent is the block's, and the
 * block ends before the first non-blank line indented less. "|" keeps one final newline, "|-"
 * none (YAML's clip and strip). */
static json_t *fm_literal_block(struct fm_reader *r, bool strip, const char *key,
                                struct bh_error *err, int *rc)
{
    struct buf b;
    buf_init(&b);
    size_t block = 0, blanks = 0;
    struct fm_line l;
    while (fm_peek(r, &l) && !fm_is_fence(&l)) {
        if (fm_blank(&l)) {
            fm_next(r, &l);
            blanks++;
            continue;
        }
        size_t ind = fm_indent(&l);
        if (ind < l.n && l.s[ind] == '\t' && (block == 0 || ind < block)) {
            fm_next(r, &l);
            *rc = fm_fail(err, BH_EINVALID, l.no, key,
                          N_("a tab indents the line: indent with spaces"));
            buf_cleanup(&b);
            return NULL;
        }
        if (ind == 0 || (block && ind < block))
            break;
        if (!block)
            block = ind;
        fm_next(r, &l);
        if (b.len)
            buf_putc(&b, '\n');
        for (; blanks; blanks--)
            buf_putc(&b, '\n');
        buf_append(&b, l.s + block, l.n - block);
    }
    if (b.len && !strip)
        buf_putc(&b, '\n');
    json_t *v = json_stringn(b.data ? b.data : "", b.len);
    buf_cleanup(&b);
    return v;
}

/* ---- keys ---- */

static const struct fm_key *fm_key_find(const char *name, size_t n)
{
    for (size_t i = 0; i < FM_NKEYS; i++)
        if (strlen(fm_keys[i].name) == n && memcmp(fm_keys[i].name, name, n) == 0)
            return &fm_keys[i];
    return NULL;
}

/* "incident:ID" as {"type", "id"}, or NULL. */
static json_t *fm_link(const char *s)
{
    static const char *const types[] = { "incident", "alert", "action" };
    const char *colon = strchr(s, ':');
    if (!colon || !colon[1])
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if ((size_t)(colon - s) == strlen(types[i]) && memcmp(s, types[i], strlen(types[i])) == 0) {
            const char *id = colon + 1;
            while (*id == ' ')
                id++;
            if (!*id)
                return NULL;
            return json_pack("{s:s, s:s}", "type", types[i], "id", id);
        }
    return NULL;
}

/* Puts `value` (a string or an array of strings, stolen) where key `k` goes in `out`. */
static int fm_store(json_t *out, const struct fm_key *k, json_t *value, long line,
                    struct bh_error *err)
{
    if (k->type == FM_TEXT) {
        if (!json_is_string(value)) {
            json_decref(value);
            return fm_fail(err, BH_EINVALID, line, k->name, N_("a list where text is wanted"));
        }
        json_object_set_new(out, k->name, value);
        return 0;
    }
    if (k->type == FM_INT) {
        const char *s = json_string_value(value);
        char *end = NULL;
        long long v = s && *s >= '1' && *s <= '9' ? strtoll(s, &end, 10) : 0;
        bool bad = !end || *end || v <= 0 || v > INT32_MAX;
        json_decref(value);
        if (bad)
            return fm_fail(err, BH_EINVALID, line, k->name,
                           N_("a sharing group is its id, a whole number above 0"));
        json_object_set_new(out, k->name, json_integer(v));
        return 0;
    }
    if (!json_is_array(value)) {
        json_decref(value);
        return fm_fail(err, BH_EINVALID, line, k->name,
                       N_("text where a list is wanted: write [value] or \"- value\" lines"));
    }
    if (strcmp(k->name, "links") == 0) {
        json_t *links = json_array();
        size_t i;
        json_t *it;
        json_array_foreach(value, i, it)
        {
            json_t *link = fm_link(json_string_value(it));
            if (!link) {
                int rc = fm_fail(err, BH_EINVALID, line, k->name,
                                 N_("'%s' is not a link: write incident:ID, alert:ID or "
                                    "action:ID"),
                                 json_string_value(it));
                json_decref(links);
                json_decref(value);
                return rc;
            }
            json_array_append_new(links, link);
        }
        json_decref(value);
        json_object_set_new(out, "links", links);
        return 0;
    }
    if (k->facet) {
        json_t *tags = json_object_get(out, "tags");
        if (!tags) {
            tags = json_object();
            json_object_set_new(out, "tags", tags);
        }
        json_object_set_new(tags, k->facet, value);
        return 0;
    }
    json_object_set_new(out, k->name, value);
    return 0;
}

/* One "key: value" line at column 0 and whatever lines its value spans. */
static int fm_entry(struct fm_reader *r, const struct fm_line *l, json_t *out, long seen[],
                    const char **last, struct bh_error *err)
{
    size_t kn = 0;
    while (kn < l->n && l->s[kn] != ':' && l->s[kn] != ' ' && l->s[kn] != '\t')
        kn++;
    char name[48];
    snprintf(name, sizeof name, "%.*s", (int)(kn < 40 ? kn : 40), l->s);
    if (kn == 0 || kn >= l->n || l->s[kn] != ':')
        return fm_fail(err, BH_EINVALID, l->no, kn ? name : NULL,
                       N_("a front matter line is \"key: value\""));
    const struct fm_key *k = fm_key_find(l->s, kn);
    if (!k)
        return fm_fail(err, BH_EINVALID, l->no, name, N_("unknown key; the known keys are %s"),
                       FM_KNOWN);
    size_t ki = (size_t)(k - fm_keys);
    *last = k->name;
    if (seen[ki]) {
        return fm_fail(err, BH_EINVALID, l->no, k->name,
                       N_("the key is given twice (first on line %ld)"), seen[ki]);
    }
    seen[ki] = l->no;
    const char *v = l->s + kn + 1;
    size_t vn = l->n - kn - 1;
    fm_trim(&v, &vn);
    const char *why = NULL;
    json_t *value = NULL;
    int rc = 0;
    if (vn == 0) {
        value = fm_block_list(r, k->name, err, &rc);
        if (!value)
            return rc;
        if (json_array_size(value) == 0 && k->type != FM_LIST) {
            json_decref(value);
            value = json_string(""); /* "title:" with nothing: empty text */
            if (k->type == FM_INT) {
                json_decref(value);
                return 0; /* no group */
            }
        }
    } else if ((vn == 1 || vn == 2) && v[0] == '|' && (vn == 1 || v[1] == '-')) {
        value = fm_literal_block(r, vn == 2, k->name, err, &rc);
        if (!value)
            return rc;
    } else if (v[0] == '>' || v[0] == '{' || v[0] == '&' || v[0] == '*' || v[0] == '!') {
        return fm_fail(err, BH_EINVALID, l->no, k->name,
                       N_("this YAML form is not supported: write plain text, \"quoted\" text, "
                          "a | block or a [list]"));
    } else if (v[0] == '[') {
        value = fm_flow_list(v, vn, &why);
    } else {
        value = fm_scalar(v, vn, &why);
    }
    if (!value)
        return fm_fail(err, BH_EINVALID, l->no, k->name, "%s", _(why));
    return fm_store(out, k, value, l->no, err);
}

int library_front_matter_parse(const char *text, size_t len, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (len > LIBRARY_FILE_MAX) {
        return bh_fail(err, BH_ETOOLARGE, "file", "the file is %zu bytes; at most %d are read", len,
                       (int)LIBRARY_FILE_MAX);
    }
    long bad = fm_bad_utf8_line((const unsigned char *)text, len);
    if (bad)
        return fm_fail(err, BH_EINVALID, bad, NULL, N_("the text is not UTF-8"));
    struct fm_reader r = { text, text + len, text, 0 };
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.at += 3; /* a byte order mark some editors write */
    struct fm_line l;
    if (!fm_next(&r, &l) || !fm_is_fence(&l))
        return fm_fail(err, BH_EINVALID, 1, NULL,
                       N_("a library file starts with a \"---\" line, then its front matter, "
                          "then another \"---\" line"));
    json_t *doc = json_object();
    long seen[FM_NKEYS] = { 0 };
    int rc = 0;
    bool closed = false;
    const char *last = NULL; /* the key an indented line would belong to */
    while (!rc && fm_next(&r, &l)) {
        if (fm_is_fence(&l)) {
            closed = true;
            break;
        }
        if (fm_blank(&l) || l.s[0] == '#')
            continue;
        if (l.s[0] == ' ' || l.s[0] == '\t')
            rc = fm_fail(err, BH_EINVALID, l.no, last,
                         N_("an indented line where a \"key: value\" line was expected"));
        else
            rc = fm_entry(&r, &l, doc, seen, &last, err);
    }
    if (!rc && !closed)
        rc = fm_fail(err, BH_EINVALID, r.no + 1, "---",
                     N_("the front matter has no closing \"---\" line"));
    if (rc) {
        json_decref(doc);
        return rc;
    }
    json_object_set_new(doc, "body", json_stringn(r.at, (size_t)(r.end - r.at)));
    *out = doc;
    return 0;
}
