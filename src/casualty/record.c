/* Casualty records: create, read, list, release, and the filters every reader shares. Every
 * read goes through casualty_predicate(): a record the reader may not see is, for them, a
 * record that does not exist (404, never 403). */
#include "casualty/internal.h"

#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/list.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "incident/incident.h"
#include "sharing/sharing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- filters ---- */

const char *const casualty_filter_names[] = {
    "from",
    "to",
    "ytd",
    "mission",
    "nationality",
    "casualty_type",
    "personnel_type",
    "incident_type",
    "gender",
    "embargoed",
    NULL,
};

static const char *const list_names[CASUALTY_F_LISTS] = {
    [CASUALTY_F_MISSION] = "mission",
    [CASUALTY_F_NATIONALITY] = "nationality",
    [CASUALTY_F_CASUALTY_TYPE] = "casualty_type",
    [CASUALTY_F_PERSONNEL_TYPE] = "personnel_type",
    [CASUALTY_F_INCIDENT_TYPE] = "incident_type",
    [CASUALTY_F_GENDER] = "gender",
};

/* The column each list filter compares. */
static const char *const list_columns[CASUALTY_F_LISTS] = {
    [CASUALTY_F_MISSION] = "c.mission",
    [CASUALTY_F_NATIONALITY] = "c.nationality_iso3",
    [CASUALTY_F_CASUALTY_TYPE] = "c.casualty_type",
    [CASUALTY_F_PERSONNEL_TYPE] = "c.personnel_type",
    [CASUALTY_F_INCIDENT_TYPE] = "c.incident_type",
    [CASUALTY_F_GENDER] = "c.gender",
};

static const char *const genders[] = { "M", "F", "U", NULL };

static const char *const *const list_vocab[CASUALTY_F_LISTS] = {
    [CASUALTY_F_CASUALTY_TYPE] = casualty_types,
    [CASUALTY_F_PERSONNEL_TYPE] = casualty_personnel_types,
    [CASUALTY_F_INCIDENT_TYPE] = casualty_incident_types,
    [CASUALTY_F_GENDER] = genders,
};

void casualty_filter_init(struct casualty_filter *f)
{
    memset(f, 0, sizeof *f);
    f->embargoed = -1;
}

/* The vocabulary's own spelling of the `len` bytes at `s`, compared without case, or NULL. */
static const char *vocab_find(const char *const *vocab, const char *s, size_t len)
{
    for (; *vocab; vocab++)
        if (strlen(*vocab) == len && strncasecmp(*vocab, s, len) == 0)
            return *vocab;
    return NULL;
}

/* "A, B, C" for messages. */
static const char *vocab_text(const char *const *vocab, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (; *vocab && used < cap; vocab++) {
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", *vocab);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return out;
}

/* A gender as the API takes it: M, F, U, or "unknown" for U. */
static const char *gender_find(const char *s, size_t len)
{
    if (len == 7 && strncasecmp(s, "unknown", 7) == 0)
        return "U";
    return vocab_find(genders, s, len);
}

/* A full date YYYY-MM-DD that exists. */
static int check_date(const char *name, const char *s, char out[11], struct bh_error *err)
{
    int y, m, d;
    struct bh_error perr;
    if (!s || strlen(s) != 10 || time_parse_date(s, &y, &m, &d, &perr) != 0)
        return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is not a date (YYYY-MM-DD)", name,
                       s ? s : "");
    memcpy(out, s, 11);
    return 0;
}

/* Checks one value of list filter `k` and appends its canonical form to the list. */
static int add_value(struct casualty_filter *f, int k, const char *s, size_t len,
                     struct bh_error *err)
{
    const char *name = list_names[k];
    char val[64];
    if (len == 0)
        return bh_fail(err, BH_EINVALID, name, "%s has an empty value", name);
    if (len >= sizeof val)
        return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is too long", name, s);
    const char *canon = NULL;
    if (list_vocab[k]) {
        canon = k == CASUALTY_F_GENDER ? gender_find(s, len) : vocab_find(list_vocab[k], s, len);
        if (!canon) {
            char known[256];
            return bh_fail(err, BH_EINVALID, name, "unknown %s '%.*s' (known: %s)", name,
                           (int)(len > 40 ? 40 : len), s,
                           vocab_text(list_vocab[k], known, sizeof known));
        }
    } else if (k == CASUALTY_F_NATIONALITY) {
        if (len == 7 && strncasecmp(s, "unknown", 7) == 0) {
            canon = "unknown";
        } else {
            bool ok = len == 3;
            for (size_t i = 0; ok && i < len; i++)
                ok = isalpha((unsigned char)s[i]) != 0;
            if (!ok)
                return bh_fail(err, BH_EINVALID, name,
                               "nationality '%.*s' is not an ISO3 code (or \"unknown\")",
                               (int)(len > 40 ? 40 : len), s);
            for (size_t i = 0; i < len; i++)
                val[i] = (char)toupper((unsigned char)s[i]);
            val[len] = '\0';
            canon = val;
        }
    } else {
        /* Mission acronyms: letters, digits, spaces and hyphens ("UNEF I", "OSESyria"). */
        for (size_t i = 0; i < len; i++)
            if (!isalnum((unsigned char)s[i]) && s[i] != ' ' && s[i] != '-')
                return bh_fail(err, BH_EINVALID, name, "mission '%.*s' is not a mission acronym",
                               (int)(len > 40 ? 40 : len), s);
        memcpy(val, s, len);
        val[len] = '\0';
        canon = val;
    }
    if (f->list[k].n == CASUALTY_FILTER_VALUES)
        return bh_fail(err, BH_EINVALID, name, "%s takes at most %d values", name,
                       CASUALTY_FILTER_VALUES);
    char *text = f->list[k].text;
    size_t used = 0;
    for (int i = 0; i < f->list[k].n; i++)
        used += strlen(text + used) + 1;
    size_t n = strlen(canon);
    if (used + n + 1 > sizeof f->list[k].text)
        return bh_fail(err, BH_EINVALID, name, "%s is too long", name);
    memcpy(text + used, canon, n + 1);
    f->list[k].n++;
    return 0;
}

int casualty_filter_set(struct casualty_filter *f, const char *name, const char *value,
                        struct bh_error *err)
{
    if (!value)
        value = "";
    if (strcmp(name, "from") == 0)
        return check_date(name, value, f->from, err);
    if (strcmp(name, "to") == 0)
        return check_date(name, value, f->to, err);
    if (strcmp(name, "ytd") == 0)
        return check_date(name, value, f->ytd, err);
    if (strcmp(name, "embargoed") == 0) {
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
            f->embargoed = 1;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "no") == 0)
            f->embargoed = 0;
        else
            return bh_fail(err, BH_EINVALID, name, "embargoed '%.40s' must be true or false",
                           value);
        return 0;
    }
    for (int k = 0; k < CASUALTY_F_LISTS; k++) {
        if (strcmp(name, list_names[k]) != 0)
            continue;
        f->list[k].n = 0;
        memset(f->list[k].text, 0, sizeof f->list[k].text);
        const char *p = value, *item;
        size_t len;
        while (list_next(&p, &item, &len)) {
            int rc = add_value(f, k, item, len, err);
            if (rc)
                return rc;
        }
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "unknown filter '%.40s'", name);
}

int casualty_filter_read(struct casualty_filter *f, const char *(*get)(void *ctx, const char *name),
                         void *ctx, struct bh_error *err)
{
    for (const char *const *n = casualty_filter_names; *n; n++) {
        const char *v = get(ctx, *n);
        int rc = v ? casualty_filter_set(f, *n, v, err) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* Fails naming `name` unless `sql` with `value` bound finds a row. */
static int must_exist(struct db *db, const char *sql, const char *value, const char *name,
                      const char *what, struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, sql, DB_PARAMS(DB_TEXT(value)), NULL, &found, err);
    if (rc == 0 && !found)
        return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is unknown", what, value);
    return rc;
}

int casualty__filter_sql(struct db *db, const struct casualty_filter *f, struct buf *sql,
                         struct db_params *params, struct bh_error *err)
{
    const size_t first = params->n;
    if (f->ytd[0] && (f->from[0] || f->to[0]))
        return bh_fail(err, BH_EINVALID, "ytd",
                       "ytd (year to date) sets both ends of the range; give it without from "
                       "and to");
    if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
        return bh_fail(err, BH_EINVALID, "to", "to %s is before from %s", f->to, f->from);
    if (f->from[0]) {
        buf_puts(sql, " AND c.incident_date >= ?");
        db_params_text(params, f->from);
    }
    if (f->to[0]) {
        buf_puts(sql, " AND c.incident_date <= ?");
        db_params_text(params, f->to);
    }
    if (f->ytd[0]) {
        /* From 1 January of the date's year: the year is the first four characters. */
        buf_puts(sql, " AND c.incident_date >= substr(?, 1, 4) || '-01-01' AND "
                      "c.incident_date <= ?");
        db_params_text(params, f->ytd);
        db_params_text(params, f->ytd);
    }
    for (int k = 0; k < CASUALTY_F_LISTS; k++) {
        if (f->list[k].n == 0)
            continue;
        const char *text = f->list[k].text;
        bool unknown = false;
        int coded = 0;
        const char *v = text;
        for (int i = 0; i < f->list[k].n; i++, v += strlen(v) + 1) {
            if (k == CASUALTY_F_NATIONALITY && strcmp(v, "unknown") == 0) {
                unknown = true;
                continue;
            }
            coded++;
            /* A code that names nothing is a typo, not an empty answer. */
            int rc = 0;
            if (k == CASUALTY_F_NATIONALITY)
                rc = must_exist(db, "SELECT 1 FROM country WHERE iso3 = ?", v, "nationality",
                                "country code", err);
            else if (k == CASUALTY_F_MISSION)
                rc = must_exist(db, "SELECT 1 FROM mission WHERE upper(acronym) = upper(?)", v,
                                "mission", "mission", err);
            if (rc)
                return rc;
        }
        buf_puts(sql, " AND (");
        if (coded) {
            /* Missions are matched without case ("unef i"), through the mission table so the
             * index on c.mission still serves. */
            if (k == CASUALTY_F_MISSION)
                buf_puts(sql, "c.mission IN (SELECT m.acronym FROM mission m WHERE "
                              "upper(m.acronym) IN (");
            else
                buf_printf(sql, "%s IN (", list_columns[k]);
            int written = 0;
            v = text;
            for (int i = 0; i < f->list[k].n; i++, v += strlen(v) + 1) {
                if (k == CASUALTY_F_NATIONALITY && strcmp(v, "unknown") == 0)
                    continue;
                buf_puts(sql, written++ ? ", " : "");
                buf_puts(sql, k == CASUALTY_F_MISSION ? "upper(?)" : "?");
                db_params_text(params, v);
            }
            buf_puts(sql, k == CASUALTY_F_MISSION ? "))" : ")");
        }
        if (unknown)
            buf_printf(sql, "%s%s IS NULL", coded ? " OR " : "", list_columns[k]);
        buf_putc(sql, ')');
    }
    if (f->embargoed >= 0)
        buf_printf(sql, " AND c.embargoed = %d", f->embargoed);
    if (params->n - first >= CASUALTY__MAX_FILTER_VALUES)
        return bh_fail(err, BH_EINVALID, NULL, "too many filter values");
    return 0;
}

/* ---- records as JSON ---- */

void casualty__from(const struct principal *who, struct buf *sql, struct db_params *params)
{
    buf_puts(sql, "casualty c JOIN org o ON o.id = c.owner_org_id LEFT JOIN incident casualty_li "
                  "ON casualty_li.id = c.incident_id AND ");
    incident_predicate(who, "casualty_li", sql, params);
}

/* ---- admin reads ---- */

/* An embargoed death is as restricted as a RED record until it is released. */
bool casualty__read_audited(const struct principal *who, int embargoed, const char *tlp)
{
    return audit_read_needed(who, embargoed ? "RED" : tlp);
}

int casualty__audit_read(struct db *db, const struct principal *who, const char *record_id,
                         const json_t *summary, struct bh_error *err)
{
    return audit_read(db, who, "casualty", record_id, summary, err);
}

/* ---- create ---- */

int casualty_new_from_json(const json_t *obj, struct casualty_new *out, struct bh_error *err)
{
    static const char *const known[] = { "incident_date", "mission",     "casualty_type",
                                         "gender",        "nationality", "personnel_type",
                                         "incident_type", "incident_id", "tlp",
                                         "sharing_group", NULL };
    memset(out, 0, sizeof *out);
    if (!json_is_object(obj))
        return bh_fail(err, BH_EINVALID, "body", "a casualty record must be a JSON object");
    int rc;
    if ((rc = jsonfield_check_known(obj, known, err)) ||
        (rc = jsonfield_string(obj, "incident_date", true, 10, &out->incident_date, err)) ||
        (rc = jsonfield_string(obj, "mission", true, 32, &out->mission, err)) ||
        (rc = jsonfield_string(obj, "casualty_type", true, 32, &out->casualty_type, err)) ||
        (rc = jsonfield_string(obj, "gender", true, 16, &out->gender, err)) ||
        (rc = jsonfield_string(obj, "nationality", true, 16, &out->nationality, err)) ||
        (rc = jsonfield_string(obj, "personnel_type", true, 32, &out->personnel_type, err)) ||
        (rc = jsonfield_string(obj, "incident_type", true, 32, &out->incident_type, err)) ||
        (rc = jsonfield_string(obj, "incident_id", false, 36, &out->incident_id, err)) ||
        (rc = jsonfield_string(obj, "tlp", true, 32, &out->tlp, err)) ||
        (rc = jsonfield_int(obj, "sharing_group", false, 1, INT64_MAX, &out->sharing_group, NULL,
                            err)))
        return rc;
    return 0;
}

/* Today's date in UTC, YYYY-MM-DD. */
static void today(char out[11])
{
    int y, m, d;
    time_civil_from_days(time_now_ms() / 86400000, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int vocab_field(const char *const *vocab, const char *field, const char *value,
                       const char **out, struct bh_error *err)
{
    *out = vocab_find(vocab, value, strlen(value));
    if (*out)
        return 0;
    char known[256];
    return bh_fail(err, BH_EINVALID, field, "unknown %s '%.40s' (known: %s)", field, value,
                   vocab_text(vocab, known, sizeof known));
}

/* The values of a new record once checked, in the store's form. */
struct checked {
    char date[11];
    char mission[32];
    const char *casualty_type, *personnel_type, *incident_type, *gender;
    char nationality[160];
    char iso3[4]; /* "" for unknown */
    int64_t m49;  /* -1 for none */
    char incident_id[UUID_STR_LEN + 1];
    enum tlp tlp;
};

/* The incident a record links to must exist for its author: a link to an incident they cannot
 * see would tell them it exists, and one to nothing would dangle. */
static int incident_visible(struct db *db, const struct principal *who, const char *id,
                            struct bh_error *err)
{
    bool visible = false;
    int rc = incident_visible_to(db, who, id, &visible, err);
    if (rc)
        return rc;
    if (!visible)
        return bh_fail(err, BH_EINVALID, "incident_id", "no incident '%s'", id);
    return 0;
}

static int check_new(struct db *db, const struct principal *who, const struct casualty_new *in,
                     struct checked *c, struct bh_error *err)
{
    int rc;
    if (!who || who->account_id == 0 || who->org_id == 0)
        return bh_fail(err, BH_EDENIED, NULL,
                       "a casualty record belongs to the organization of the user who creates "
                       "it; sign in as a member's user");
    if ((rc = check_date("incident_date", in->incident_date, c->date, err)))
        return rc;
    char now[11];
    today(now);
    if (strcmp(c->date, now) > 0)
        return bh_fail(err, BH_EINVALID, "incident_date", "incident_date %s is in the future",
                       c->date);

    struct db_stmt *st;
    if ((rc = db_prepare(db, "SELECT acronym FROM mission WHERE upper(acronym) = upper(?)", &st,
                         err)))
        return rc;
    db_bind_text(st, 1, in->mission);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        snprintf(c->mission, sizeof c->mission, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, BH_EINVALID, "mission", "no UN mission has the acronym '%.40s'",
                       in->mission);

    if ((rc = vocab_field(casualty_types, "casualty_type", in->casualty_type, &c->casualty_type,
                          err)) ||
        (rc = vocab_field(casualty_personnel_types, "personnel_type", in->personnel_type,
                          &c->personnel_type, err)) ||
        (rc = vocab_field(casualty_incident_types, "incident_type", in->incident_type,
                          &c->incident_type, err)))
        return rc;
    c->gender = gender_find(in->gender, strlen(in->gender));
    if (!c->gender)
        return bh_fail(err, BH_EINVALID, "gender",
                       "unknown gender '%.40s' (known: M, F, U for not recorded)", in->gender);

    c->iso3[0] = '\0';
    c->m49 = -1;
    if (strcasecmp(in->nationality, "unknown") == 0) {
        snprintf(c->nationality, sizeof c->nationality, "%s", CASUALTY_UNDETERMINED);
    } else {
        size_t n = strlen(in->nationality);
        for (size_t i = 0; i < n && i < 3; i++)
            c->iso3[i] = (char)toupper((unsigned char)in->nationality[i]);
        c->iso3[n < 3 ? n : 3] = '\0';
        if ((rc = db_prepare(db, "SELECT name, m49 FROM country WHERE iso3 = ?", &st, err)))
            return rc;
        db_bind_text(st, 1, c->iso3);
        rc = n == 3 ? db_step(st, err) : DB_DONE;
        if (rc == DB_ROW) {
            snprintf(c->nationality, sizeof c->nationality, "%s", db_column_text(st, 0));
            c->m49 = db_column_is_null(st, 1) ? -1 : db_column_int(st, 1);
        }
        db_stmt_done(st);
        if (rc < 0)
            return rc;
        if (rc != DB_ROW)
            return bh_fail(err, BH_EINVALID, "nationality",
                           "no country has the ISO3 code '%.40s' (give \"unknown\" when the "
                           "nationality is not known)",
                           in->nationality);
    }

    c->incident_id[0] = '\0';
    if (in->incident_id && *in->incident_id) {
        struct uuid u;
        struct bh_error perr;
        if (uuid_parse(in->incident_id, &u, &perr) != 0)
            return bh_fail(err, BH_EINVALID, "incident_id", "incident_id '%.40s' is not a UUID",
                           in->incident_id);
        uuid_format(&u, c->incident_id);
        if ((rc = incident_visible(db, who, c->incident_id, err)))
            return rc;
    }

    int t = tlp_parse(in->tlp);
    if (t < 0)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "unknown marking '%.40s' (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                       "TLP:AMBER+STRICT, TLP:RED)",
                       in->tlp);
    c->tlp = (enum tlp)t;
    return sharing_check_marking(db, who, c->tlp, in->sharing_group, err);
}

static int fetch(struct db *db, const struct principal *who, const char *id, json_t **out,
                 int64_t *owner_org, int *embargoed, char tlp[16], struct bh_error *err);

int casualty_create(struct db *db, const struct principal *who, const struct casualty_new *in,
                    json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    struct checked c;
    int rc = check_new(db, who, in, &c, err);
    if (rc)
        return rc;
    struct uuid u;
    uuid_v7(&u);
    char id[UUID_STR_LEN + 1], casualty_id[32], now[40];
    uuid_format(&u, id);
    /* The UUID's last group is random (rand_b), so it makes a short id of its own. */
    snprintf(casualty_id, sizeof casualty_id, "BH-%s", id + 24);
    for (char *p = casualty_id; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    time_format_rfc3339(time_now_ms(), 0, false, now);

    if ((rc = db_begin(db, err)))
        return rc;
    struct db_stmt *st;
    /* A member's record: embargoed until its owner releases it. */
    struct casualty_row row = {
        .id = id,
        .casualty_id = casualty_id,
        .incident_date = c.date,
        .mission = c.mission,
        .casualty_type = c.casualty_type,
        .gender = c.gender,
        .nationality_iso3 = c.iso3[0] ? c.iso3 : NULL,
        .nationality = c.nationality,
        .nationality_m49 = c.m49,
        .personnel_type = c.personnel_type,
        .incident_type = c.incident_type,
        .incident_id = c.incident_id[0] ? c.incident_id : NULL,
        .owner_org_id = who->org_id,
        .tlp = tlp_column_value(c.tlp),
        .sharing_group_id = c.tlp == TLP_AMBER ? in->sharing_group : 0,
        .embargoed = 1,
        .source = "member",
        .source_row = -1,
        .created_at = now,
        .updated_at = now,
    };
    rc = db_prepare(db,
                    "INSERT INTO casualty (" CASUALTY__WRITE_COLUMNS
                    ") VALUES (" CASUALTY__WRITE_PARAMS ")",
                    &st, err);
    if (!rc) {
        casualty__bind_insert(st, 1, &row);
        rc = db_step(st, err);
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    /* A RED record is read by the people it names, and its author is the first of them:
     * owning it opens nothing (docs/sharing.md). */
    if (!rc && c.tlp == TLP_RED) {
        rc = db_prepare(db,
                        "INSERT INTO tlp_recipient (record_type, record_id, account_id) "
                        "VALUES ('casualty', ?, ?)",
                        &st, err);
        if (!rc) {
            db_bind_text(st, 1, id);
            db_bind_int(st, 2, who->account_id);
            rc = db_step(st, err);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s, s:s}", "casualty_id", casualty_id, "mission",
                                    c.mission, "incident_date", c.date, "tlp", tlp_label(c.tlp));
        rc = audit_append(db, who, "casualty.create", "casualty", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    if (!out)
        return 0;
    /* Read back as its author sees it (who owns it, and is named when it is RED). */
    int embargoed;
    char tlp[16];
    return fetch(db, who, id, out, NULL, &embargoed, tlp, err);
}

/* ---- get ---- */

/* The column fetch() selects after CASUALTY__COLUMNS: release compares ids, not codes. */
enum { C_OWNER_ORG_ID = CASUALTY__NCOLUMNS };

/* Reads the record `id` (UUID or casualty_id) as `who` sees it. *out is a new reference;
 * `embargoed` and `tlp` (16 bytes) say what the record is. BH_ENOTFOUND when invisible. */
static int fetch(struct db *db, const struct principal *who, const char *id, json_t **out,
                 int64_t *owner_org, int *embargoed, char tlp[16], struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " CASUALTY__COLUMNS ", c.owner_org_id FROM ");
    casualty__from(who, &sql, &params);
    buf_puts(&sql, " WHERE (c.id = ? OR c.casualty_id = ?) AND ");
    db_params_text(&params, id);
    db_params_text(&params, id);
    casualty_predicate(who, "c", &sql, &params);
    /* The record of that id first; a casualty_id may name two (a possible double entry). */
    buf_puts(&sql, " ORDER BY c.id = ? DESC LIMIT 2");
    db_params_text(&params, id);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    bool by_id = false;
    if (rc == DB_ROW) {
        *out = casualty__row_json(st);
        *embargoed = (int)db_column_int(st, CASUALTY__C_embargoed);
        snprintf(tlp, 16, "%s", db_column_text(st, CASUALTY__C_tlp));
        if (owner_org)
            *owner_org = db_column_int(st, C_OWNER_ORG_ID);
        by_id = strcmp(db_column_text(st, CASUALTY__C_id), id) == 0;
    }
    int second = rc == DB_ROW && !by_id ? db_step(st, err) : 0;
    db_stmt_done(st);
    if (rc < 0 || second < 0) {
        json_decref(*out);
        *out = NULL;
        return rc < 0 ? rc : second;
    }
    if (rc != DB_ROW)
        return bh_fail(err, BH_ENOTFOUND, "id", "no casualty record '%.40s'", id);
    if (second == DB_ROW) {
        json_decref(*out);
        *out = NULL;
        return bh_fail(err, BH_ECONFLICT, "id",
                       "casualty_id '%.40s' names more than one record (a possible double "
                       "entry: `bluehelm casualty conflicts`); give the record's id",
                       id);
    }
    return 0;
}

int casualty_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    int embargoed;
    char tlp[16];
    *out = NULL;
    json_t *rec = NULL;
    int rc = fetch(db, who, id, &rec, NULL, &embargoed, tlp, err);
    if (rc)
        return rc;
    if (casualty__read_audited(who, embargoed, tlp)) {
        json_t *summary = json_pack("{s:s, s:b, s:O}", "casualty_id",
                                    json_string_value(json_object_get(rec, "casualty_id")),
                                    "embargoed", embargoed, "tlp", json_object_get(rec, "tlp"));
        rc = casualty__audit_read(db, who, json_string_value(json_object_get(rec, "id")), summary,
                                  err);
        json_decref(summary);
        if (rc) {
            json_decref(rec);
            return rc;
        }
    }
    *out = rec;
    return 0;
}

/* ---- release ---- */

/* Who may lift an embargo: the contributing state decides when its dead are named, so its
 * own focal points and coordinators; and the secretariat. */
static bool may_release(const struct principal *who, int64_t owner_org)
{
    if (who->role == ROLE_ADMIN)
        return true;
    return (who->role == ROLE_FOCAL_POINT || who->role == ROLE_COORDINATOR) &&
           who->org_id == owner_org && who->account_id != 0;
}

int casualty_release(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err)
{
    if (out)
        *out = NULL;
    /* The write lock first, so two releases of one record queue and the second sees the
     * first's work. */
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    json_t *rec = NULL;
    int embargoed;
    int64_t owner_org = 0;
    char tlp[16];
    rc = fetch(db, who, id, &rec, &owner_org, &embargoed, tlp, err);
    if (!rc && !may_release(who, owner_org))
        rc = bh_fail(err, BH_EDENIED, "id",
                     "only the focal points and coordinators of the owning organization (%s), "
                     "or an admin, may release this record",
                     json_string_value(json_object_get(rec, "owner")));
    if (!rc && !embargoed)
        rc = bh_fail(err, BH_ECONFLICT, "id", "record %s was already released on %s by %s",
                     json_string_value(json_object_get(rec, "casualty_id")),
                     json_string_value(json_object_get(rec, "released_at")),
                     json_string_value(json_object_get(rec, "released_by")));
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    const char *rid = rec ? json_string_value(json_object_get(rec, "id")) : NULL;
    if (!rc) {
        struct db_stmt *st;
        rc = db_prepare(db,
                        "UPDATE casualty SET embargoed = 0, released_at = ?, released_by = ?, "
                        "updated_at = ? WHERE id = ?",
                        &st, err);
        if (!rc) {
            db_bind_text(st, 1, now);
            db_bind_text(st, 2, who->username);
            db_bind_text(st, 3, now);
            db_bind_text(st, 4, rid);
            rc = db_step(st, err);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s}", "casualty_id",
                      json_string_value(json_object_get(rec, "casualty_id")), "released_at", now);
        rc = audit_append(db, who, "casualty.release", "casualty", rid, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(rec);
        return rc;
    }
    if (out) {
        json_object_set_new(rec, "embargoed", json_false());
        json_object_set_new(rec, "released_at", json_string(now));
        json_object_set_new(rec, "released_by", json_string(who->username));
        json_object_set_new(rec, "updated_at", json_string(now));
        *out = rec;
    } else {
        json_decref(rec);
    }
    return 0;
}

/* ---- list ---- */

/* A list position is "YYYY-MM-DD/UUID": the last item's incident date and id. */
static int parse_cursor(const char *after, char date[11], char id[UUID_STR_LEN + 1],
                        struct bh_error *err)
{
    struct uuid u;
    struct bh_error perr;
    int y, m, d;
    if (strlen(after) != 10 + 1 + UUID_STR_LEN || after[10] != '/')
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor is not a position in this list; start again without it");
    memcpy(date, after, 10);
    date[10] = '\0';
    memcpy(id, after + 11, UUID_STR_LEN + 1);
    if (time_parse_date(date, &y, &m, &d, &perr) != 0 || uuid_parse(id, &u, &perr) != 0)
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor is not a position in this list; start again without it");
    return 0;
}

int casualty_list(struct db *db, const struct principal *who, const struct casualty_filter *f,
                  const char *after, int limit, json_t *items, char next[CASUALTY_CURSOR_MAX],
                  int64_t *total, struct bh_error *err)
{
    next[0] = '\0';
    char adate[11] = "", aid[UUID_STR_LEN + 1] = "";
    int rc = 0;
    if (after && *after && (rc = parse_cursor(after, adate, aid, err)))
        return rc;
    struct buf where = BUF_INIT;
    struct db_params wp = DB_PARAMS_INIT;
    buf_puts(&where, " WHERE ");
    casualty_predicate(who, "c", &where, &wp);
    rc = casualty__filter_sql(db, f, &where, &wp, err);
    struct db_stmt *st;
    if (!rc && total) {
        struct buf sql = BUF_INIT;
        buf_printf(&sql, "SELECT count(*) FROM casualty c%s", buf_str(&where));
        *total = 0;
        rc = db_exec_params(db, buf_str(&sql), &wp, total, NULL, err);
        buf_cleanup(&sql);
    }
    json_t *audited = json_array();
    if (!rc) {
        struct buf sql = BUF_INIT;
        struct db_params params = DB_PARAMS_INIT;
        buf_puts(&sql, "SELECT " CASUALTY__COLUMNS " FROM ");
        casualty__from(who, &sql, &params);
        buf_puts(&sql, buf_str(&where));
        db_params_append(&params, &wp);
        if (adate[0]) {
            buf_puts(&sql, " AND (c.incident_date < ? OR (c.incident_date = ? AND c.id < ?))");
            db_params_text(&params, adate);
            db_params_text(&params, adate);
            db_params_text(&params, aid);
        }
        buf_puts(&sql, " ORDER BY c.incident_date DESC, c.id DESC LIMIT ?");
        db_params_int(&params, (int64_t)limit + 1);
        rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
        buf_cleanup(&sql);
        if (!rc) {
            int n = 0;
            while ((rc = db_step(st, err)) == DB_ROW) {
                if (n++ == limit) {
                    json_t *last = json_array_get(items, json_array_size(items) - 1);
                    snprintf(next, CASUALTY_CURSOR_MAX, "%s/%s",
                             json_string_value(json_object_get(last, "incident_date")),
                             json_string_value(json_object_get(last, "id")));
                    break;
                }
                if (casualty__read_audited(who, (int)db_column_int(st, CASUALTY__C_embargoed),
                                           db_column_text(st, CASUALTY__C_tlp)))
                    json_array_append_new(audited, json_string(db_column_text(st, CASUALTY__C_id)));
                json_array_append_new(items, casualty__row_json(st));
            }
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    buf_cleanup(&where);
    db_params_cleanup(&wp);
    if (!rc && json_array_size(audited) > 0) {
        json_t *summary = json_pack("{s:s, s:O}", "via", "list", "ids", audited);
        rc = casualty__audit_read(db, who, NULL, summary, err);
        json_decref(summary);
    }
    json_decref(audited);
    if (rc)
        json_array_clear(items);
    return rc;
}

int casualty_list_for_incident(struct db *db, const struct principal *who, const char *incident_id,
                               json_t *items, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT " CASUALTY__COLUMNS " FROM ");
    casualty__from(who, &sql, &params);
    buf_puts(&sql, " WHERE c.incident_id = ? AND ");
    db_params_text(&params, incident_id);
    casualty_predicate(who, "c", &sql, &params);
    buf_puts(&sql, " ORDER BY c.incident_date, c.casualty_id");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *audited = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (casualty__read_audited(who, (int)db_column_int(st, CASUALTY__C_embargoed),
                                   db_column_text(st, CASUALTY__C_tlp)))
            json_array_append_new(audited, json_string(db_column_text(st, CASUALTY__C_id)));
        json_array_append_new(items, casualty__row_json(st));
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    if (!rc && json_array_size(audited) > 0) {
        json_t *summary = json_pack("{s:s, s:s, s:O}", "via", "incident", "incident", incident_id,
                                    "ids", audited);
        rc = casualty__audit_read(db, who, NULL, summary, err);
        json_decref(summary);
    }
    json_decref(audited);
    return rc;
}
