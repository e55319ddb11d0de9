#include "attachment/attachment.h"

#include "base/buf.h"
#include "base/i18n.h"
#include "base/mem.h"
#include "base/timeutil.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set once by `serve` before the first request; atomic so a test that changes it between
 * requests is still well defined. */
static _Atomic size_t max_bytes = (size_t)10 * 1024 * 1024;

void attachment_set_max_bytes(size_t n)
{
    if (n > ATTACHMENT_MAX_BYTES_CEILING)
        n = ATTACHMENT_MAX_BYTES_CEILING;
    atomic_store(&max_bytes, n);
}

size_t attachment_max_bytes(void)
{
    return atomic_load(&max_bytes);
}

/* The accepted types and their magic numbers. Documents and pictures only: anything a browser
 * or a reader's machine could run (HTML, SVG with its scripts, executables, office files with
 * macros) stays out, whatever it is called. */
struct magic {
    const char *type, *ext;
    size_t at;
    const char *bytes;
    size_t len;
};

static const struct magic magics[] = {
    { "application/pdf", "pdf", 0, "%PDF-", 5 },
    { "image/png", "png", 0, "\x89PNG\r\n\x1a\n", 8 },
    { "image/jpeg", "jpg", 0, "\xff\xd8\xff", 3 },
    { "image/gif", "gif", 0, "GIF87a", 6 },
    { "image/gif", "gif", 0, "GIF89a", 6 },
    /* RIFF....WEBP: the four bytes between are the chunk's size. */
    { "image/webp", "webp", 8, "WEBP", 4 },
};

const char *attachment_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        const struct magic *m = &magics[i];
        if (len < m->at + m->len || memcmp(p + m->at, m->bytes, m->len) != 0)
            continue;
        if (strcmp(m->type, "image/webp") == 0 && memcmp(p, "RIFF", 4) != 0)
            continue;
        return m->type;
    }
    return NULL;
}

static const char *extension_of(const char *type)
{
    for (size_t i = 0; type && i < sizeof magics / sizeof magics[0]; i++)
        if (strcmp(magics[i].type, type) == 0)
            return magics[i].ext;
    return "bin";
}

/* Length of the UTF-8 sequence at `s` (1-4), or 0 when it is not a valid one (overlong
 * forms, surrogates and values past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || c > 0xf4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) || (c == 0xf0 && s[1] < 0x90) ||
        (c == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

int attachment_filename_clean(const char *in, const char *content_type,
                              char out[ATTACHMENT_FILENAME_MAX + 1], struct bh_error *err)
{
    out[0] = '\0';
    const char *name = in ? in : "";
    /* The last segment of either kind of path: "C:\Users\x\report.pdf" from a Windows form
     * is "report.pdf" too. */
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            name = p + 1;
    size_t n = 0;
    const unsigned char *s = (const unsigned char *)name;
    while (*s) {
        size_t k = utf8_seq(s);
        if (k == 0)
            return bh_fail(err, BH_EINVALID, "filename", "the filename is not UTF-8 text");
        /* C0 and DEL, and the C1 controls (U+0080-U+009F): a name shown in a header or a
         * list must not break a line or carry terminal escapes. */
        bool control =
            (k == 1 && (*s < 0x20 || *s == 0x7f)) || (k == 2 && s[0] == 0xc2 && s[1] < 0xa0);
        bool leading = n == 0 && k == 1 && (*s == '.' || *s == ' ');
        if (!control && !leading) {
            if (n + k > ATTACHMENT_FILENAME_MAX)
                break;
            memcpy(out + n, s, k);
            n += k;
        }
        s += k;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    if (n == 0)
        snprintf(out, ATTACHMENT_FILENAME_MAX + 1, "attachment.%s", extension_of(content_type));
    return 0;
}

char *attachment_content_disposition(const char *filename)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "attachment; filename=\"");
    for (const unsigned char *s = (const unsigned char *)filename; *s; s++) {
        if (*s >= 0x80) {
            /* One '_' per character, not per byte. */
            if ((*s & 0xc0) != 0x80)
                buf_putc(&b, '_');
        } else if (*s < 0x20 || *s == 0x7f || *s == '"' || *s == '\\') {
            buf_putc(&b, '_');
        } else {
            buf_putc(&b, (char)*s);
        }
    }
    buf_puts(&b, "\"; filename*=UTF-8''");
    /* RFC 8187's attr-char is all that goes unescaped. */
    static const char keep[] = "!#$&+-.^_`|~";
    for (const unsigned char *s = (const unsigned char *)filename; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            (*s < 0x80 && strchr(keep, *s)))
            buf_putc(&b, (char)*s);
        else
            buf_printf(&b, "%%%02X", *s);
    }
    return buf_steal(&b);
}

static json_t *attachment_json(const char *id, const char *filename, const char *type, int64_t size,
                               const char *sha, const char *created_at)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "id", id, "filename", filename,
                     "content_type", type, "size", (json_int_t)size, "sha256", sha, "created_at",
                     created_at);
}

int attachment_add(struct db *db, const struct principal *who, const char *record_type,
                   const char *record_id, const char *filename, const void *data, size_t len,
                   json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    if (len == 0)
        return bh_fail(err, BH_EINVALID, "file", "the file is empty: send its bytes as the body");
    size_t limit = attachment_max_bytes();
    if (len > limit)
        return bh_fail(err, BH_ETOOLARGE, "file",
                       "the file has %zu bytes; attachments may have at most %zu "
                       "(setting attachment_max_bytes)",
                       len, limit);
    const char *type = attachment_sniff(data, len);
    if (!type)
        return bh_fail(err, BH_EUNSUPPORTED, "file",
                       "the file is not a PDF, PNG, JPEG, WebP or GIF (judged by its bytes, not "
                       "its name or declared type)");
    char name[ATTACHMENT_FILENAME_MAX + 1];
    int rc = attachment_filename_clean(filename, type, name, err);
    if (rc)
        return rc;

    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, len);
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1];
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);

    struct db_stmt *st;
    rc = db_prepare(db,
                    "INSERT INTO attachment (id, record_type, record_id, filename, content_type, "
                    "size, sha256, data, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)",
                    &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, record_type);
    db_bind_text(st, 3, record_id);
    db_bind_text(st, 4, name);
    db_bind_text(st, 5, type);
    db_bind_int(st, 6, (int64_t)len);
    db_bind_text(st, 7, sha);
    db_bind_blob(st, 8, data, len);
    db_bind_text(st, 9, now);
    if (who && who->account_id > 0)
        db_bind_int(st, 10, who->account_id);
    else
        db_bind_null(st, 10);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (out)
        *out = attachment_json(id, name, type, (int64_t)len, sha, now);
    return 0;
}

int attachment_get(struct db *db, const struct principal *who, const struct audit_record_kind *kind,
                   const char *record_id, const char *id, struct attachment *out,
                   struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    /* The kind's table is a constant of our own code (api_record_kinds), never input. */
    buf_printf(&sql,
               "SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.created_at, a.data, "
               "r.tlp FROM attachment a JOIN %s r ON r.id = a.record_id WHERE a.record_type = ? "
               "AND a.record_id = ? AND a.id = ? AND ",
               kind->table);
    db_params_text(&params, kind->record_type);
    db_params_text(&params, record_id);
    db_params_text(&params, id);
    kind->predicate(who, "r", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        snprintf(out->id, sizeof out->id, "%s", db_column_text(st, 0));
        snprintf(out->filename, sizeof out->filename, "%s", db_column_text(st, 1));
        snprintf(out->content_type, sizeof out->content_type, "%s", db_column_text(st, 2));
        out->size = db_column_int(st, 3);
        snprintf(out->sha256, sizeof out->sha256, "%s", db_column_text(st, 4));
        snprintf(out->created_at, sizeof out->created_at, "%s", db_column_text(st, 5));
        size_t n = 0;
        const void *p = db_column_blob(st, 6, &n);
        out->data = xmalloc(n ? n : 1);
        if (n)
            memcpy(out->data, p, n);
        out->size = (int64_t)n;
        snprintf(out->tlp, sizeof out->tlp, "%s", db_column_text(st, 7));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no attachment has the id '%.40s'", id);
    }
    db_stmt_done(st);
    return rc;
}

void attachment_cleanup(struct attachment *a)
{
    free(a->data);
    a->data = NULL;
}

int attachment_list(struct db *db, const char *record_type, const char *record_id, json_t *items,
                    struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, filename, content_type, size, sha256, created_at FROM "
                        "attachment WHERE record_type = ? AND record_id = ? ORDER BY id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, record_type);
    db_bind_text(st, 2, record_id);
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(items, attachment_json(db_column_text(st, 0), db_column_text(st, 1),
                                                     db_column_text(st, 2), db_column_int(st, 3),
                                                     db_column_text(st, 4), db_column_text(st, 5)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int attachment_delete_all(struct db *db, const char *record_type, const char *record_id,
                          struct bh_error *err)
{
    return db_exec_params(db, "DELETE FROM attachment WHERE record_type = ? AND record_id = ?",
                          DB_PARAMS(DB_TEXT(record_type), DB_TEXT(record_id)), NULL, NULL, err);
}
