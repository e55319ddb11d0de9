/* The streaming GeoJSON reader (geojson.h). It finds where each value ends (balanced brackets,
 * strings with their escapes) without judging its syntax, and lets jansson judge each feature:
 * so the reader holds one feature's text at a time, and the JSON rules are jansson's alone. */
#include "formats/geojson.h"

#include "base/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* The bytes, from a file or memory, with the line, the column and one character of
 * push-back. */
struct src {
    FILE *f;
    const char *data;
    size_t len, pos;
    uint64_t done;
    long line, col, prev_col;
    int back; /* a pushed-back character, or -2 */
};

static int src_get(struct src *s)
{
    int c;
    if (s->back != -2) {
        c = s->back;
        s->back = -2;
    } else if (s->f) {
        c = getc(s->f);
    } else {
        c = s->pos < s->len ? (unsigned char)s->data[s->pos++] : EOF;
    }
    if (c != EOF) {
        s->done++;
        s->prev_col = s->col;
        if (c == '\n') {
            s->line++;
            s->col = 0;
        } else {
            s->col++;
        }
    }
    return c;
}

static void src_unget(struct src *s, int c)
{
    if (c == EOF)
        return;
    s->back = c;
    s->done--;
    if (c == '\n')
        s->line--;
    s->col = s->prev_col;
}

static int src_skip_ws(struct src *s)
{
    int c;
    do
        c = src_get(s);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
}

struct reader {
    struct src s;
    const struct geojson_reader_opts *o;
    struct bh_error *err;
};

/* A fault of the whole file: the reader's message in `err`, then the caller's say. */
static int fault(struct reader *r, enum geojson_fault_kind kind, long line, long column,
                 long feature, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int fault(struct reader *r, enum geojson_fault_kind kind, long line, long column,
                 long feature, const char *detail, const char *fmt, ...)
{
    char msg[sizeof r->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bh_fail(r->err, BH_EINVALID, "file", "%s", msg);
    if (!r->o->on_fault)
        return BH_EINVALID;
    struct geojson_fault f = { kind, line, column, feature, detail };
    return r->o->on_fault(r->o->ctx, &f, r->err);
}

/* A syntax fault at the reader's place, described by `what`. */
static int syntax(struct reader *r, const char *what)
{
    return fault(r, GEOJSON_SYNTAX, r->s.line, r->s.col, -1, what, "line %ld: %s", r->s.line, what);
}

/* Reads one JSON value's text into `out` (NULL: skip it). The value's syntax is jansson's to
 * judge; this only finds its end. */
static int scan_value(struct reader *r, struct buf *out)
{
    struct src *s = &r->s;
    long start = s->line;
    int c = src_skip_ws(s);
    if (c == EOF)
        return syntax(r, "the file ends where a value should be");
    int depth = 0;
    bool in_str = false, esc = false;
    size_t n = 0;
    for (;; c = src_get(s)) {
        if (c == EOF) {
            char what[96];
            snprintf(what, sizeof what, "the file ends inside the value that starts on line %ld",
                     start);
            return syntax(r, what);
        }
        if (!in_str && depth == 0 && n > 0 && c != '"' &&
            (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            src_unget(s, c); /* the end of a number, true, false or null */
            return 0;
        }
        if (++n > GEOJSON_FEATURE_MAX)
            return fault(r, GEOJSON_SYNTAX, start, 0, -1, "a value over the limit",
                         "line %ld: a value over %u MB; a feature is a point and its properties",
                         start, GEOJSON_FEATURE_MAX >> 20);
        if (out)
            buf_putc(out, (char)c);
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"') {
                in_str = false;
                if (depth == 0)
                    return 0;
            }
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (--depth == 0)
                return 0;
            if (depth < 0) {
                char what[32];
                snprintf(what, sizeof what, "unexpected '%c'", c);
                return syntax(r, what);
            }
        }
    }
}

/* The features list, after its '['. */
static int read_features(struct reader *r, struct buf *b, long *index)
{
    struct src *s = &r->s;
    const struct geojson_reader_opts *o = r->o;
    int rc = 0;
    for (bool first = true; !rc; first = false) {
        int c = src_skip_ws(s);
        if (c == ']')
            break;
        if (!first) {
            if (c != ',')
                return syntax(r, "expected ',' or ']'");
        } else {
            src_unget(s, c);
        }
        c = src_skip_ws(s);
        long line = s->line, col = s->col;
        src_unget(s, c);
        buf_reset(b);
        if ((rc = scan_value(r, b)))
            break;
        json_error_t je;
        json_t *feat = json_loadb(buf_str(b), b->len,
                                  JSON_REJECT_DUPLICATES | (o->scalars ? JSON_DECODE_ANY : 0), &je);
        if (!feat) {
            /* jansson counts from the feature's first byte; the file from its own. */
            long at_line = line + je.line - 1,
                 at_col = je.line <= 1 ? col + je.column - 1 : je.column;
            return fault(r, GEOJSON_SYNTAX, at_line, at_col, *index, je.text,
                         "feature %ld (line %ld): %s", *index, at_line, je.text);
        }
        rc = o->on_feature(o->ctx, feat, (*index)++, line, r->err);
        json_decref(feat);
        if (o->on_progress && (*index & 0xfff) == 0)
            o->on_progress(o->ctx, s->done, *index);
    }
    return rc;
}

/* Reads a JSON string value's text (already scanned into `b`) into `out`; false when it is no
 * string. */
static bool string_value(const struct buf *b, char *out, size_t cap)
{
    json_t *v = json_loadb(buf_str(b), b->len, JSON_DECODE_ANY, NULL);
    bool ok = json_is_string(v);
    if (ok)
        snprintf(out, cap, "%s", json_string_value(v));
    json_decref(v);
    return ok;
}

static int read_collection(struct reader *r)
{
    struct src *s = &r->s;
    int c = src_get(s);
    if (c == 0xEF && src_get(s) == 0xBB && src_get(s) == 0xBF) /* a UTF-8 byte order mark */
        c = src_get(s);
    src_unget(s, c);
    c = src_skip_ws(s);
    if (c != '{')
        return fault(r, GEOJSON_NOT_OBJECT, s->line, s->col, -1, NULL,
                     "line %ld: not GeoJSON: expected a FeatureCollection object", s->line);
    struct buf b = BUF_INIT;
    bool typed = false, featured = false;
    int rc = 0;
    long index = 0;
    for (bool first = true; !rc; first = false) {
        c = src_skip_ws(s);
        if (c == '}' && first)
            break;
        if (!first) {
            if (c == '}')
                break;
            if (c != ',') {
                rc = syntax(r, "expected ',' or '}'");
                break;
            }
            c = src_skip_ws(s);
        }
        src_unget(s, c);
        buf_reset(&b);
        if ((rc = scan_value(r, &b)))
            break;
        char member[32];
        if (!string_value(&b, member, sizeof member)) {
            rc = syntax(r, "expected a member name");
            break;
        }
        if (src_skip_ws(s) != ':') {
            rc = syntax(r, "expected ':'");
            break;
        }
        if (strcmp(member, "features") == 0) {
            featured = true;
            if (src_skip_ws(s) != '[') {
                rc = fault(r, GEOJSON_NO_FEATURES, s->line, s->col, -1, NULL,
                           "line %ld: features must be a list", s->line);
                break;
            }
            rc = read_features(r, &b, &index);
            continue;
        }
        buf_reset(&b);
        if ((rc = scan_value(r, &b)))
            break;
        if (strcmp(member, "type") == 0) {
            char type[64];
            bool is_string = string_value(&b, type, sizeof type);
            typed = is_string && strcmp(type, "FeatureCollection") == 0;
            if (!typed)
                rc = fault(r, GEOJSON_NOT_COLLECTION, s->line, 0, -1, is_string ? type : NULL,
                           "line %ld: the GeoJSON object is not a FeatureCollection", s->line);
        }
    }
    if (!rc && src_skip_ws(s) != EOF)
        rc = syntax(r, "text after the GeoJSON object");
    if (!rc && !typed)
        rc = fault(r, GEOJSON_NOT_COLLECTION, 0, 0, -1, NULL,
                   "not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" with "
                   "\"features\")");
    if (!rc && !featured)
        rc = fault(r, GEOJSON_NO_FEATURES, 0, 0, -1, NULL,
                   "not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" with "
                   "\"features\")");
    if (!rc && s->f && ferror(s->f))
        rc = bh_fail(r->err, BH_EIO, "file", "cannot read: %s", strerror(errno));
    buf_cleanup(&b);
    return rc;
}

static int run(FILE *f, const char *data, size_t len, const struct geojson_reader_opts *opts,
               struct bh_error *err)
{
    struct reader r;
    memset(&r, 0, sizeof r);
    r.s.f = f;
    r.s.data = data;
    r.s.len = len;
    r.s.line = opts->first_line > 0 ? opts->first_line : 1;
    r.s.back = -2;
    r.o = opts;
    r.err = err;
    return read_collection(&r);
}

int geojson_read_file(FILE *f, const struct geojson_reader_opts *opts, struct bh_error *err)
{
    return run(f, NULL, 0, opts, err);
}

int geojson_read_mem(const char *data, size_t len, const struct geojson_reader_opts *opts,
                     struct bh_error *err)
{
    return run(NULL, data ? data : "", len, opts, err);
}
