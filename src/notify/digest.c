/* The e-mail digest: once a minute, each account that chose it and has unread notifications
 * it may still see, never mailed, gets one plain-text mail listing them, at most one an hour
 * (notify.h). Sent with libcurl's SMTP to the configured relay. */
#include "notify/notify.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/worker.h"
#include "notify/internal.h"
#include "principal/principal.h"

/* The record kinds and their sharing rules (api_record_kinds) for the worker: notify/ sits
 * below api/ and cannot name them, so `serve` hands them in before the workers start, as it
 * does for the webhooks. Borrowed for the life of the process. */
static const struct audit_record_kind *worker_kinds;

void notify_digest_set_kinds(const struct audit_record_kind *kinds)
{
    worker_kinds = kinds;
}

#define DIGEST_INTERVAL_MS (60LL * 60 * 1000)
/* More would make a mail nobody reads; the rest wait for the next hour's. */
#define DIGEST_MAX_ITEMS 100
/* A parameter's text in a sentence (a headline): a line of a mail stays well under SMTP's
 * 998 bytes whatever a sender wrote. */
#define PARAM_MAX_BYTES 200

/* The sentence of each kind, with {name} for a parameter of the notification. A capability
 * that adds a kind adds its line here (and "notify.<kind>" to the web app's catalogs). */
static const struct {
    const char *kind;
    const char *text;
} sentences[] = {
    { "alert.received", N_("New alert: {headline}") },
    { "alert.updated", N_("Alert updated: {headline}") },
    { "alert.cancelled", N_("Alert cancelled: {headline}") },
    { "alert.acknowledged", N_("{org} acknowledged the alert \"{headline}\"") },
    { "bulletin.published", N_("New bulletin: {title}") },
    { "meeting.scheduled", N_("Meeting scheduled: {title} ({starts_at})") },
    { "decision.taken", N_("Decision taken: {title}") },
    { "proposal.opened", N_("New proposal under silence procedure: {title}") },
    { "proposal.amended", N_("Proposal amended: {title}") },
    { "proposal.extended", N_("Deadline extended: {title}") },
    { "proposal.withdrawn", N_("Proposal withdrawn: {title}") },
    { "proposal.adopted", N_("Proposal adopted: {title}") },
    { "proposal.not_adopted", N_("Proposal not adopted: {title}") },
    { "proposal.silence_broken", N_("{org} broke silence on: {title}") },
    { "action.assigned",
      N_("New action for your organization in {mission}: {title} (due {due_date})") },
    { "action.overdue", N_("Overdue action in {mission}: {title} (due {due_date})") },
    { "feed.context_alert", N_("Context alert for {mission}: {headline}") },
    { "webhook.disabled", N_("Your webhook {url} was disabled after repeated failures") },
    { "library.comment", N_("New comment on “{title}”") },
    { "library.reply", N_("New reply to your comment on “{title}”") },
    { "library.review", N_("{org} reviewed “{title}”") },
    { "library.endorsed", N_("{org} endorsed “{title}”") },
    { "capacity.matched",
      N_("Match confirmed: {from} gives {quantity} of “{offer}” to {to} for “{need}”") },
    { "capacity.cancelled", N_("Match cancelled: {from}’s “{offer}” for {to}’s “{need}”") },
};

/* Sentences picked by a parameter that is a code, not words (a review's verdict), which is
 * then never printed as it is; looked up before the kind's own sentence, the fallback. */
static const struct {
    const char *kind, *param, *value;
    const char *text;
} variants[] = {
    { "library.review", "verdict", "approve", N_("{org} approved “{title}”") },
    { "library.review", "verdict", "changes", N_("{org} asked for changes to “{title}”") },
    { "capacity.matched", "unit", "seats",
      N_("Match confirmed: {from} gives {quantity} seats of “{offer}” to {to} for “{need}”") },
    { "capacity.matched", "unit", "units",
      N_("Match confirmed: {from} gives {quantity} units of “{offer}” to {to} for “{need}”") },
    { "capacity.matched", "unit", "person_days",
      N_("Match confirmed: {from} gives {quantity} person-days of “{offer}” to {to} for "
         "“{need}”") },
    { "capacity.matched", "unit", "usd",
      N_("Match confirmed: {from} gives {quantity} US dollars of “{offer}” to {to} for "
         "“{need}”") },
};

/* Appends `s`, at most `max` bytes cut at a character boundary, line breaks made spaces: a
 * parameter's text must not start a line of its own in the mail. */
static void put_param(struct buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        buf_putc(b, (s[i] == '\r' || s[i] == '\n' || s[i] == '\t') ? ' ' : s[i]);
    if (n < strlen(s))
        buf_puts(b, "…");
}

/* Writes the sentence of notification `item` in the thread's language. */
static void put_sentence(struct buf *b, const json_t *item)
{
    const char *kind = json_string_value(json_object_get(item, "kind"));
    const json_t *params = json_object_get(item, "params");
    const char *text = NULL;
    for (size_t i = 0; !text && i < sizeof variants / sizeof variants[0]; i++) {
        const char *v = json_string_value(json_object_get(params, variants[i].param));
        if (strcmp(variants[i].kind, kind) == 0 && v && strcmp(v, variants[i].value) == 0)
            text = _(variants[i].text);
    }
    for (size_t i = 0; !text && i < sizeof sentences / sizeof sentences[0]; i++)
        if (strcmp(sentences[i].kind, kind) == 0)
            text = _(sentences[i].text);
    if (!text) {
        buf_puts(b, _("Notification: "));
        put_param(b, kind, PARAM_MAX_BYTES);
        return;
    }
    for (const char *p = text; *p;) {
        const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            buf_putc(b, *p++);
            continue;
        }
        char name[64];
        size_t len = (size_t)(close - p - 1);
        if (len >= sizeof name)
            len = sizeof name - 1;
        memcpy(name, p + 1, len);
        name[len] = '\0';
        const json_t *v = json_object_get(params, name);
        if (json_is_string(v))
            put_param(b, json_string_value(v), PARAM_MAX_BYTES);
        else if (json_is_integer(v))
            buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        p = close + 1;
    }
}

/* "Mon, 07 Dec 2026 00:41:46 +0000" (RFC 5322), in English whatever the locale. */
static void mail_date(int64_t ms, char out[40])
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A header's text: as it is when ASCII, else one RFC 2047 encoded word. */
static void put_header_text(struct buf *b, const char *s)
{
    bool ascii = true;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c >= 0x7f || (unsigned char)*c < ' ')
            ascii = false;
    if (ascii) {
        buf_puts(b, s);
        return;
    }
    size_t n = strlen(s);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = malloc(cap);
    if (!enc)
        return;
    sodium_bin2base64(enc, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
    buf_printf(b, "=?UTF-8?B?%s?=", enc);
    free(enc);
}

struct account_row {
    struct principal who;
    char email[256];
    enum lang lang;
};

/* Writes the whole mail for `a`: headers, then one sentence per notification with its link. */
static void write_mail(struct buf *m, const struct bh_config *c, const struct account_row *a,
                       const json_t *items, int64_t now_ms)
{
    enum lang saved = i18n_thread_lang();
    i18n_set_thread_lang(a->lang);
    char date[40];
    mail_date(now_ms, date);
    buf_printf(m, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: ", date, c->smtp_from, a->email);
    put_header_text(m, _("Bluehelm: your unread notifications"));
    buf_printf(m,
               "\r\nMessage-ID: <digest.%lld.%lld@bluehelm>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
               "Auto-Submitted: auto-generated\r\n\r\n",
               (long long)a->who.account_id, (long long)now_ms);
    buf_printf(m, _("Unread notifications: %zu"), json_array_size(items));
    buf_puts(m, "\r\n\r\n");
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        buf_puts(m, "- ");
        put_sentence(m, item);
        buf_puts(m, "\r\n");
        const char *link = json_string_value(json_object_get(item, "link"));
        if (link) {
            /* The public address without its last '/', then the app's path. */
            size_t n = strlen(c->public_url);
            while (n > 0 && c->public_url[n - 1] == '/')
                n--;
            buf_puts(m, "  ");
            buf_append(m, c->public_url, n);
            put_param(m, link, 900);
            buf_puts(m, "\r\n");
        }
    }
    buf_puts(m, "\r\n-- \r\n");
    buf_puts(m, _("You chose to receive this digest, at most once an hour. Turn it off in "
                  "Bluehelm's notification settings."));
    buf_puts(m, "\r\n");
    i18n_set_thread_lang(saved);
}

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t read_mail(char *dst, size_t size, size_t nitems, void *arg)
{
    struct upload *u = arg;
    size_t room = size * nitems, left = u->len - u->pos;
    size_t n = left < room ? left : room;
    memcpy(dst, u->data + u->pos, n);
    u->pos += n;
    return n;
}

/* Hands the mail to the relay. libcurl escapes lines that start with a dot itself. */
static int send_mail(const struct bh_config *c, const char *to, const struct buf *mail,
                     struct bh_error *err)
{
    CURL *h = curl_easy_init();
    if (!h)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    char from[300], rcpt[300], why[CURL_ERROR_SIZE] = "";
    snprintf(from, sizeof from, "<%s>", c->smtp_from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    struct upload u = { buf_str(mail), mail->len, 0 };
    curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_mail);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, why);
    if (c->smtp_user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
        /* A password never crosses in clear: smtp:// must upgrade with STARTTLS. */
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    } else {
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    }
    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(h);
    if (cc != CURLE_OK)
        return bh_fail(err, BH_EIO, "smtp_url", "the mail relay did not take the digest: %s",
                       why[0] ? why : curl_easy_strerror(cc));
    return 0;
}

/* The accounts due a digest at `now_ms`: chose it, have an address, got none in the last
 * hour, and have unread notifications never mailed (whether still visible is asked after). */
static int due_accounts(struct db *db, int64_t now_ms, struct account_row **out, size_t *n_out,
                        struct bh_error *err)
{
    *out = NULL;
    *n_out = 0;
    struct db_stmt *st;
    int rc = db_prepare(
        db,
        "SELECT a.id, a.org_id, a.role, a.username, o.code, a.email, a.language FROM account a "
        "JOIN org o ON o.id = a.org_id WHERE a.email_digest = 1 AND a.email IS NOT NULL AND "
        "a.disabled = 0 AND (a.last_digest_ms IS NULL OR a.last_digest_ms <= ?) AND EXISTS "
        "(SELECT 1 FROM notification n WHERE n.account_id = a.id AND n.emailed_at IS NULL AND "
        "n.read_at IS NULL) ORDER BY a.id",
        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now_ms - DIGEST_INTERVAL_MS);
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (*n_out == cap) {
            cap = cap ? cap * 2 : 8;
            struct account_row *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                rc = bh_fail(err, BH_ENOMEM, NULL, "out of memory");
                break;
            }
            *out = grown;
        }
        struct account_row *a = &(*out)[(*n_out)++];
        memset(a, 0, sizeof *a);
        a->who.account_id = db_column_int(st, 0);
        a->who.org_id = db_column_int(st, 1);
        a->who.role = role_parse(db_column_text(st, 2));
        snprintf(a->who.username, sizeof a->who.username, "%s", db_column_text(st, 3));
        snprintf(a->who.org_code, sizeof a->who.org_code, "%s", db_column_text(st, 4));
        snprintf(a->email, sizeof a->email, "%s", db_column_text(st, 5));
        const char *lang = db_column_text(st, 6);
        if (!lang || !i18n_lang_parse(lang, &a->lang))
            a->lang = LANG_EN;
    }
    db_stmt_done(st);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n_out = 0;
        return rc;
    }
    return 0;
}

/* The notifications `a` is to be mailed, oldest first: unread, never mailed, still visible. */
static int pending(struct db *db, const struct audit_record_kind *kinds,
                   const struct account_row *a, json_t *items, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT n.id, n.kind, n.params, n.link, n.record_type, n.record_id, "
                   "n.created_at, n.read_at FROM notification n WHERE n.account_id = ? AND "
                   "n.read_at IS NULL AND n.emailed_at IS NULL AND ");
    db_params_int(&p, a->who.account_id);
    notify__visible(&a->who, kinds, &sql, &p);
    buf_printf(&sql, " ORDER BY n.id LIMIT %d", DIGEST_MAX_ITEMS);
    struct db_stmt *st = NULL;
    int rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW) {
        rc = 0;
        json_array_append_new(items, notify__row_json(st, 0));
    }
    db_stmt_done(st);
    db_params_cleanup(&p);
    return rc < 0 ? rc : 0;
}

/* Records that `items` went to `a` at `now_ms`, in one transaction. */
static int mark_mailed(struct db *db, const struct account_row *a, const json_t *items,
                       int64_t now_ms, struct bh_error *err)
{
    char now[40];
    time_format_rfc3339(now_ms, 0, true, now);
    int rc = db_begin(db, err);
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        if (rc)
            break;
        rc = db_exec_params(
            db, "UPDATE notification SET emailed_at = ? WHERE id = ? AND account_id = ?",
            DB_PARAMS(DB_TEXT(now), DB_INT(json_integer_value(json_object_get(item, "id"))),
                      DB_INT(a->who.account_id)),
            NULL, NULL, err);
    }
    if (!rc)
        rc = db_exec_params(db, "UPDATE account SET last_digest_ms = ? WHERE id = ?",
                            DB_PARAMS(DB_INT(now_ms), DB_INT(a->who.account_id)), NULL, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int notify_digest_run_once(struct db *db, const struct bh_config *c,
                           const struct audit_record_kind *kinds, int64_t now_ms, int *sent,
                           struct bh_error *err)
{
    if (sent)
        *sent = 0;
    if (!c->smtp_url[0])
        return 0;
    struct account_row *due;
    size_t n;
    int rc = due_accounts(db, now_ms, &due, &n, err);
    if (rc)
        return rc;
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        struct bh_error e;
        json_t *items = json_array();
        int r = pending(db, kinds, &due[i], items, &e);
        if (!r && json_array_size(items) > 0) {
            struct buf mail = BUF_INIT;
            write_mail(&mail, c, &due[i], items, now_ms);
            r = send_mail(c, due[i].email, &mail, &e);
            buf_cleanup(&mail);
            /* Mailed but not marked (the store failed): the next pass mails them again,
             * which is better than losing them. */
            if (!r)
                r = mark_mailed(db, &due[i], items, now_ms, &e);
            if (!r && sent)
                (*sent)++;
        }
        json_decref(items);
        if (r) {
            struct log_field f[] = { LOG_STR("user", due[i].who.username),
                                     LOG_STR("error", e.message) };
            log_event(BH_LOG_WARN, "notification digest not sent", f, 2);
            if (!first) {
                first = r;
                *err = e;
            }
        }
    }
    free(due);
    return first;
}

/* ---- the worker ---- */

struct digest_state {
    struct bh_config cfg;
    struct db_worker *worker;
};

/* One pass: the digests due now. Failures are logged per account inside; the pass is simply
 * tried again a minute later. */
static void digest_pass(struct db *db, void *ctx)
{
    struct digest_state *s = ctx;
    struct bh_error err;
    int sent = 0;
    (void)notify_digest_run_once(db, &s->cfg, worker_kinds, time_now_ms(), &sent, &err);
    if (sent > 0) {
        struct log_field f[] = { LOG_INT("mails", sent) };
        log_event(BH_LOG_INFO, "notification digests sent", f, 1);
    }
}

static int digest_start(const struct bh_config *c, void **state, struct bh_error *err)
{
    *state = NULL;
    if (!worker_kinds)
        return bh_fail(err, BH_EINTERNAL, NULL,
                       "the digest worker started without the record kinds "
                       "(notify_digest_set_kinds)");
    struct digest_state *s = calloc(1, sizeof *s);
    if (!s)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    s->cfg = *c;
    int rc = db_worker_start(c->db, 60, digest_pass, s,
                             N_("cannot start the notification digest's thread"), &s->worker, err);
    if (rc) {
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static void digest_stop(void *state)
{
    struct digest_state *s = state;
    if (!s)
        return;
    /* A mail being sent finishes first: at most the relay's timeout. */
    db_worker_stop(s->worker);
    free(s);
}

const struct bh_worker notify_digest_worker = { "notification digest", digest_start, digest_stop };
