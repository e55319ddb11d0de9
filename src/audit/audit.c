#include "audit/audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/timeutil.h"

#define HASH_HEX_LEN 64
#define ZERO_HASH    "0000000000000000000000000000000000000000000000000000000000000000"

/* The fields a row's hash covers, in this order. Integers are decimal text; account_id and
 * record_id may be NULL. */
struct audit_row {
    int64_t seq;
    const char *at;
    bool has_account;
    int64_t account_id;
    const char *username;
    const char *org_code;
    const char *action;
    const char *record_type;
    const char *record_id;
    const char *summary;
    const char *prev_hash;
};

/* Feeds one field as a tag byte (0 NULL, 1 text), an 8-byte big-endian length and the bytes.
 * Length prefixes make the serialization unambiguous: ("ab","c") and ("a","bc") differ, and
 * NULL differs from "" (the plain concatenation of the fields would not tell them apart). */
static void hash_field(crypto_generichash_state *st, const char *s)
{
    unsigned char head[9] = { 0 };
    if (!s) {
        crypto_generichash_update(st, head, sizeof head);
        return;
    }
    uint64_t len = strlen(s);
    head[0] = 1;
    for (int i = 0; i < 8; i++)
        head[1 + i] = (unsigned char)(len >> (56 - 8 * i));
    crypto_generichash_update(st, head, sizeof head);
    crypto_generichash_update(st, (const unsigned char *)s, (size_t)len);
}

/* hex BLAKE2b-256 over a version tag and the row's fields (everything but `hash` itself). */
static void row_hash(const struct audit_row *r, char out[HASH_HEX_LEN + 1])
{
    static const char domain[] = "bluehelm audit v1";
    char seq[24], account[24];
    unsigned char digest[32];
    crypto_generichash_state st;

    snprintf(seq, sizeof seq, "%" PRId64, r->seq);
    snprintf(account, sizeof account, "%" PRId64, r->account_id);
    crypto_generichash_init(&st, NULL, 0, sizeof digest);
    hash_field(&st, domain);
    hash_field(&st, seq);
    hash_field(&st, r->at);
    hash_field(&st, r->has_account ? account : NULL);
    hash_field(&st, r->username);
    hash_field(&st, r->org_code);
    hash_field(&st, r->action);
    hash_field(&st, r->record_type);
    hash_field(&st, r->record_id);
    hash_field(&st, r->summary);
    hash_field(&st, r->prev_hash);
    crypto_generichash_final(&st, digest, sizeof digest);
    sodium_bin2hex(out, HASH_HEX_LEN + 1, digest, sizeof digest);
}

/* Without libsodium there is no hash: the log can be neither written nor checked. */
static int sodium_failed(struct bh_error *err)
{
    return bh_fail(err, BH_EINTERNAL, "audit", "libsodium could not be initialized");
}

/* The last row's seq and hash; 0 and 64 zeros for an empty log. */
static int chain_head(struct db *db, int64_t *seq, char hash[HASH_HEX_LEN + 1],
                      struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &st, err);
    if (rc < 0)
        return rc;
    *seq = 0;
    snprintf(hash, HASH_HEX_LEN + 1, "%s", ZERO_HASH);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *h = db_column_text(st, 1);
        *seq = db_column_int(st, 0);
        snprintf(hash, HASH_HEX_LEN + 1, "%s", h ? h : "");
        rc = 0;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int audit_latest(struct db *db, int64_t *seq, struct bh_error *err)
{
    return db_query_int(db, "SELECT coalesce(max(seq), 0) FROM audit_log", 0, seq, err);
}

int audit_append(struct db *db, const struct principal *who, const char *action,
                 const char *record_type, const char *record_id, const json_t *summary,
                 struct bh_error *err)
{
    /* An entry written outside the write's transaction could survive a rolled-back write
     * (a lie in the log) or be lost while the write stays (a hole in it). */
    if (!db || !db_in_transaction(db))
        return bh_fail(err, BH_EINTERNAL, "audit",
                       "audit_append called outside a transaction (action %s)",
                       action ? action : "(null)");
    if (!who)
        return bh_fail(err, BH_EINTERNAL, "audit", "audit_append called without a principal");
    if (!action || !*action || !record_type || !*record_type)
        return bh_fail(err, BH_EINTERNAL, "audit", "audit entry without an action or record type");
    if (summary && !json_is_object(summary))
        return bh_fail(err, BH_EINTERNAL, "summary", "audit summary of %s is not a JSON object",
                       action);
    if (sodium_init() < 0)
        return sodium_failed(err);

    char *text = summary ? json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
    if (!text)
        return bh_fail(err, BH_ENOMEM, "summary", "cannot serialize the audit summary of %s",
                       action);

    char at[40], prev[HASH_HEX_LEN + 1], hash[HASH_HEX_LEN + 1];
    int64_t last;
    int rc = chain_head(db, &last, prev, err);
    if (rc < 0)
        goto done;
    time_format_rfc3339(time_now_ms(), 0, true, at);

    struct audit_row row = {
        .seq = last + 1,
        .at = at,
        .has_account = who->account_id != 0,
        .account_id = who->account_id,
        .username = who->username,
        .org_code = who->org_code,
        .action = action,
        .record_type = record_type,
        .record_id = record_id,
        .summary = text,
        .prev_hash = prev,
    };
    row_hash(&row, hash);

    struct db_stmt *st;
    rc = db_prepare(db,
                    "INSERT INTO audit_log (seq, at, account_id, username, org_code, action, "
                    "record_type, record_id, summary, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &st, err);
    if (rc < 0)
        goto done;
    db_bind_int(st, 1, row.seq);
    db_bind_text(st, 2, row.at);
    if (row.has_account)
        db_bind_int(st, 3, row.account_id);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, row.username);
    db_bind_text(st, 5, row.org_code);
    db_bind_text(st, 6, row.action);
    db_bind_text(st, 7, row.record_type);
    db_bind_text(st, 8, row.record_id);
    db_bind_text(st, 9, row.summary);
    db_bind_text(st, 10, row.prev_hash);
    db_bind_text(st, 11, hash);
    rc = db_step(st, err);
    db_stmt_done(st);
done:
    free(text);
    return rc < 0 ? rc : 0;
}

static int verify_fail(struct audit_verify_result *out, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verify_fail(struct audit_verify_result *out, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out->ok = false;
    out->bad_seq = seq;
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
    return 0;
}

int audit_verify(struct db *db, struct audit_verify_result *out, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    if (sodium_init() < 0)
        return sodium_failed(err);

    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT seq, at, account_id, username, org_code, action, record_type, "
                        "record_id, summary, prev_hash, hash FROM audit_log ORDER BY seq",
                        &st, err);
    if (rc < 0)
        return rc;

    int64_t expect = 1;
    char prev[HASH_HEX_LEN + 1] = ZERO_HASH;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct audit_row r = {
            .seq = db_column_int(st, 0),
            .at = db_column_text(st, 1),
            .has_account = !db_column_is_null(st, 2),
            .account_id = db_column_int(st, 2),
            .username = db_column_text(st, 3),
            .org_code = db_column_text(st, 4),
            .action = db_column_text(st, 5),
            .record_type = db_column_text(st, 6),
            .record_id = db_column_text(st, 7),
            .summary = db_column_text(st, 8),
            .prev_hash = db_column_text(st, 9),
        };
        const char *stored = db_column_text(st, 10);
        char computed[HASH_HEX_LEN + 1];
        row_hash(&r, computed);
        out->rows++;

        /* A row whose own fields no longer give its hash was edited in place (a swap of two
         * rows' contents lands here too, because the hash covers seq). */
        if (!stored || strcmp(stored, computed) != 0) {
            verify_fail(out, r.seq, _("row %lld was changed"), (long long)r.seq);
            break;
        }
        if (r.seq != expect) {
            if (r.seq < expect) /* seq is the primary key: only a negative or zero seq */
                verify_fail(out, r.seq, _("row %lld is out of sequence"), (long long)r.seq);
            else if (expect == 1 && r.seq == 2)
                verify_fail(out, 1, _("row 1 is missing (the log starts at row 2)"));
            else if (expect == 1)
                verify_fail(out, 1, _("rows 1 to %lld are missing (the log starts at row %lld)"),
                            (long long)(r.seq - 1), (long long)r.seq);
            else if (r.seq == expect + 1)
                verify_fail(out, expect, _("row %lld is missing (rows %lld and %lld do not chain)"),
                            (long long)expect, (long long)(expect - 1), (long long)r.seq);
            else
                verify_fail(out, expect,
                            _("rows %lld to %lld are missing (rows %lld and %lld do not chain)"),
                            (long long)expect, (long long)(r.seq - 1), (long long)(expect - 1),
                            (long long)r.seq);
            break;
        }
        /* The row is self-consistent but does not point at its predecessor: it was forged
         * or moved, or the row before it was rewritten with a recomputed hash. */
        if (!r.prev_hash || strcmp(r.prev_hash, prev) != 0) {
            if (r.seq == 1)
                verify_fail(out, 1, _("row 1 does not start the chain (inserted or forged)"));
            else
                verify_fail(out, r.seq,
                            _("row %lld does not chain to row %lld (row %lld was inserted or "
                              "forged, or row %lld rewritten)"),
                            (long long)r.seq, (long long)(r.seq - 1), (long long)r.seq,
                            (long long)(r.seq - 1));
            break;
        }
        snprintf(prev, sizeof prev, "%s", stored);
        expect = r.seq + 1;
    }
    db_stmt_done(st);
    if (out->ok)
        snprintf(out->last_hash, sizeof out->last_hash, "%s", prev);
    return rc < 0 ? rc : 0;
}

/* Turns a filter bound into the text compared with `at` (UTC, milliseconds, so text order is
 * time order). A date alone means the whole day: from its first instant, to its last. */
static int bound(const char *field, const char *s, bool upper, char out[40], struct bh_error *err)
{
    int64_t ms;
    int y, m, d;
    struct bh_error ignore;
    if (strlen(s) == 10 && time_parse_date(s, &y, &m, &d, &ignore) == 0) {
        ms = time_days_from_civil(y, m, d) * 86400000LL;
        if (upper)
            ms += 86400000LL - 1;
    } else if (time_parse_rfc3339(s, &ms, NULL, &ignore) < 0) {
        return bh_fail(err, BH_EINVALID, field,
                       "%s \"%.60s\" is neither an RFC 3339 date-time nor a date YYYY-MM-DD", field,
                       s);
    }
    time_format_rfc3339(ms, 0, true, out);
    return 0;
}

/* Appends to `sql` the condition on audit_log rows that `reader` (not an admin) may see, and
 * its values to `params`; see struct audit_filter. `org_code` is the reader's organization
 * code for the entries about no record. */
static void visible_entries(const struct principal *reader, const struct audit_record_kind *kinds,
                            const char *org_code, struct buf *sql, struct db_params *params)
{
    /* Whether a record is visible is asked as of a reader of the auditor's organization: the
     * auditor's own role reads no records (role.c), yet auditing is about them. */
    struct principal as_member = *reader;
    if (!role_can(as_member.role, PERM_RECORD_READ))
        as_member.role = ROLE_ANALYST;
    buf_puts(sql, "(audit_log.record_type NOT IN (");
    for (const struct audit_record_kind *k = kinds; k->record_type; k++)
        buf_printf(sql, "%s'%s'", k == kinds ? "" : ", ", k->record_type);
    buf_puts(sql, ") OR (audit_log.record_id IS NULL AND audit_log.org_code = ?)");
    db_params_text(params, org_code);
    for (const struct audit_record_kind *k = kinds; k->record_type; k++) {
        buf_printf(sql,
                   " OR (audit_log.record_type = '%s' AND EXISTS (SELECT 1 FROM %s audit_r "
                   "WHERE audit_r.id = audit_log.record_id AND (audit_r.owner_org_id = ? OR ",
                   k->record_type, k->table);
        db_params_int(params, reader->org_id);
        k->predicate(&as_member, "audit_r", sql, params);
        buf_puts(sql, ")))");
    }
    buf_puts(sql, ")");
}

int audit_list(struct db *db, const struct audit_filter *f, json_t *items, bool *more,
               int64_t *total, struct bh_error *err)
{
    char from[40], to[40];
    int rc;

    *more = false;
    if (f->from && (rc = bound("from", f->from, false, from, err)) < 0)
        return rc;
    if (f->to && (rc = bound("to", f->to, true, to, err)) < 0)
        return rc;
    /* A range the wrong way round would answer "nothing happened" when nothing was asked. */
    if (f->from && f->to && strcmp(from, to) > 0)
        return bh_fail(err, BH_EINVALID, "to", "to \"%.60s\" is before from \"%.60s\"", f->to,
                       f->from);
    /* The text filters are names and codes: a long value or one with control characters is a
     * mistake (a pasted paragraph), said as such rather than answered with no entries. The
     * fields are named as the API and the CLI call them. */
    const struct {
        const char *field, *value;
    } texts[] = {
        { "user", f->username },           { "org", f->org_code },        { "action", f->action },
        { "record_type", f->record_type }, { "record_id", f->record_id },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *v = texts[i].value;
        if (!v)
            continue;
        bool control = false;
        for (const char *c = v; *c && !control; c++)
            control = (unsigned char)*c < 0x20 || *c == 0x7f;
        if (strlen(v) > 128 || control)
            return bh_fail(err, BH_EINVALID, texts[i].field,
                           "%s \"%.40s\" is not a name or code (at most 128 characters, no "
                           "control characters)",
                           texts[i].field, v);
    }
    if (f->limit < 1)
        return bh_fail(err, BH_EINVALID, "limit", "limit %d must be at least 1", f->limit);
    if (f->reader && f->reader->role != ROLE_ADMIN && !f->kinds)
        return bh_fail(err, BH_EINTERNAL, NULL,
                       "the audit log is read by a non-admin without the record kinds that "
                       "decide what they may see");

    /* The filters in the order of the indexes' leading columns; NULL values drop out. Each
     * value is appended as its placeholder is written. */
    struct buf where = BUF_INIT, sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    const struct {
        const char *sql;
        const char *value;
    } conds[] = {
        { "at >= ?", f->from ? from : NULL }, { "at <= ?", f->to ? to : NULL },
        { "username = ?", f->username },      { "org_code = ?", f->org_code },
        { "action = ?", f->action },          { "record_type = ?", f->record_type },
        { "record_id = ?", f->record_id },
    };
    buf_puts(&where, " WHERE 1 = 1");
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
        if (conds[i].value) {
            buf_printf(&where, " AND %s", conds[i].sql);
            db_params_text(&params, conds[i].value);
        }
    if (f->reader && f->reader->role != ROLE_ADMIN) {
        /* An organization code is never empty for a signed-in reader; "-" matches no entry,
         * so a reader without one never sees the command-line operator's bulk entries (org
         * ''). */
        buf_puts(&where, " AND ");
        visible_entries(f->reader, f->kinds, f->reader->org_code[0] ? f->reader->org_code : "-",
                        &where, &params);
    }

    struct db_stmt *st;
    if (total) {
        buf_printf(&sql, "SELECT count(*) FROM audit_log%s", buf_str(&where));
        rc = db_prepare(db, buf_str(&sql), &st, err);
        if (rc < 0)
            goto done;
        db_params_bind(st, &params);
        rc = db_step(st, err);
        *total = rc == DB_ROW ? db_column_int(st, 0) : 0;
        db_stmt_done(st);
        if (rc < 0)
            goto done;
        buf_reset(&sql);
    }

    buf_printf(&sql,
               "SELECT seq, at, username, org_code, action, record_type, record_id, summary, "
               "hash FROM audit_log%s AND seq > ? ORDER BY seq LIMIT ?",
               buf_str(&where));
    rc = db_prepare(db, buf_str(&sql), &st, err);
    if (rc < 0)
        goto done;
    int idx = db_params_bind(st, &params);
    db_bind_int(st, idx++, f->after_seq);
    db_bind_int(st, idx, (int64_t)f->limit + 1); /* one more tells whether a next page exists */

    int n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == f->limit) {
            *more = true;
            break;
        }
        const char *rid = db_column_text(st, 6);
        const char *sum = db_column_text(st, 7);
        json_t *summary = sum ? json_loads(sum, 0, NULL) : NULL;
        json_t *o = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?}", "seq",
                              (json_int_t)db_column_int(st, 0), "at", db_column_text(st, 1), "user",
                              db_column_text(st, 2), "org", db_column_text(st, 3), "action",
                              db_column_text(st, 4), "record_type", db_column_text(st, 5),
                              "record_id", rid ? json_string(rid) : json_null(), "summary",
                              summary ? summary : json_object(), "hash", db_column_text(st, 8));
        if (!o || json_array_append_new(items, o) < 0) {
            rc = bh_fail(err, BH_ENOMEM, NULL, "out of memory listing the audit log");
            break;
        }
        n++;
    }
    db_stmt_done(st);
done:
    buf_cleanup(&where);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    return rc < 0 ? rc : 0;
}

bool audit_read_needed(const struct principal *who, const char *tlp)
{
    if (!who || who->role != ROLE_ADMIN || !tlp)
        return false;
    if (strncmp(tlp, "TLP:", 4) == 0)
        tlp += 4;
    return strcmp(tlp, "RED") == 0 || strcmp(tlp, "AMBER+STRICT") == 0;
}

int audit_read(struct db *db, const struct principal *who, const char *record_type,
               const char *record_id, const json_t *summary, struct bh_error *err)
{
    char action[64];
    snprintf(action, sizeof action, "%s.read", record_type);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = audit_append(db, who, action, record_type, record_id, summary, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int audit_read_ids(struct db *db, const struct principal *who, const char *record_type, json_t *ids,
                   struct bh_error *err)
{
    if (json_array_size(ids) == 0)
        return 0;
    json_t *summary = json_pack("{s:O}", "ids", ids);
    int rc = audit_read(db, who, record_type, NULL, summary, err);
    json_decref(summary);
    return rc;
}
