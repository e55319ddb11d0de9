/* The report workflow: submit, endorse, return, merge. Each is one transaction holding the
 * state change, its revision and its audit entry; the checks run inside it, after the write
 * lock, so two endorsers pressing the button at once cannot both succeed. */
#include "incident/internal.h"

#include "audit/audit.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX  2000
#define SOURCES_MAX 50 /* as incident_validate() allows */

/* "MINUSMA, MINUSCA" of the missions `who` works for, or "none". */
static void missions_text(struct db *db, const struct principal *who, char *out, size_t cap)
{
    struct db_stmt *st;
    struct bh_error ignored;
    size_t used = 0;
    out[0] = '\0';
    if (db_prepare(db, "SELECT mission FROM account_mission WHERE account_id = ? ORDER BY mission",
                   &st, &ignored) == 0) {
        db_bind_int(st, 1, who->account_id);
        while (used < cap && db_step(st, &ignored) == DB_ROW) {
            int k =
                snprintf(out + used, cap - used, "%s%s", used ? ", " : "", db_column_text(st, 0));
            used += k > 0 ? (size_t)k : 0;
        }
        db_stmt_done(st);
    }
    if (!out[0])
        snprintf(out, cap, "none");
}

/* Whether `who` may judge report `l` (`what`: "endorse", "return", "merge"). Endorsing is a
 * mission officer's act: the role's permission is not enough, the account must work for the
 * incident's mission (account_mission) — an admin too. The reporter may not endorse their own
 * report: a second pair of eyes is the point of the workflow, and missions audit it. */
static int may_judge(struct db *db, const struct principal *who, const struct incident__loaded *l,
                     const char *what, bool not_reporter, struct bh_error *err)
{
    if (!role_can(who->role, PERM_RECORD_ENDORSE))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not %s reports (needs %s)",
                       role_name(who->role) ? role_name(who->role) : "anonymous", what,
                       permission_name(PERM_RECORD_ENDORSE));
    if (not_reporter && ((l->reporter_id && l->reporter_id == who->account_id) ||
                         strcmp(l->reporter, who->username) == 0))
        return bh_fail(err, BH_EDENIED, "reporter",
                       "you reported this incident, so you may not %s it: another endorser of "
                       "%s must",
                       what, l->mission);
    bool assigned;
    int rc = incident__assigned(db, who, l->mission, &assigned, err);
    if (rc)
        return rc;
    if (!assigned) {
        char mine[256];
        missions_text(db, who, mine, sizeof mine);
        return bh_fail(err, BH_EDENIED, "mission",
                       "you are not an endorser of mission %s (your missions: %s); an admin "
                       "assigns missions to users",
                       l->mission, mine);
    }
    return 0;
}

/* The workflow, one row a step: from which statuses it goes, to which, and who may take it.
 * Every step calls incident__step_check() with its row, so the rules live here once and
 * docs/incidents.md's table is checked against this one (unit/incident_workflow). The
 * statuses are listed in the order the messages name them ("submitted, returned or
 * endorsed"). */
static const char *const status_names[INCIDENT_STATUS_COUNT] = {
    "draft", "submitted", "returned", "endorsed", "merged",
};

#define FROM(s)  (1u << INCIDENT_STATUS_##s)
#define TO(step) (steps[INCIDENT_STEP_##step].to)

static const struct incident__step_row steps[INCIDENT_STEP_COUNT] = {
    [INCIDENT_STEP_CHANGE] = { "change", "changed", FROM(DRAFT) | FROM(RETURNED), NULL,
                               INCIDENT_WHO_OWNER, 0 },
    [INCIDENT_STEP_SUBMIT] = { "submit", "submitted", FROM(DRAFT) | FROM(RETURNED), "submitted",
                               INCIDENT_WHO_OWNER, 0 },
    [INCIDENT_STEP_ENDORSE] = { "endorse", "endorsed", FROM(SUBMITTED), "endorsed",
                                INCIDENT_WHO_OTHER_ENDORSER, 0 },
    [INCIDENT_STEP_RETURN] = { "return", "returned", FROM(SUBMITTED), "returned",
                               INCIDENT_WHO_ENDORSER, 0 },
    [INCIDENT_STEP_MERGE] = { "merge", "merged", FROM(SUBMITTED) | FROM(RETURNED) | FROM(ENDORSED),
                              "merged", INCIDENT_WHO_ENDORSER,
                              FROM(SUBMITTED) | FROM(RETURNED) | FROM(ENDORSED) },
};

const struct incident__step_row *incident__step(enum incident__step step)
{
    return (unsigned)step < INCIDENT_STEP_COUNT ? &steps[step] : NULL;
}

const char *incident__status_name(enum incident__status s)
{
    return (unsigned)s < INCIDENT_STATUS_COUNT ? status_names[s] : NULL;
}

int incident__status_parse(const char *name)
{
    for (int i = 0; name && i < INCIDENT_STATUS_COUNT; i++)
        if (strcmp(status_names[i], name) == 0)
            return i;
    return -1;
}

bool incident__step_allows(unsigned statuses, const char *status)
{
    int s = incident__status_parse(status);
    return s >= 0 && (statuses & (1u << s));
}

/* "submitted, returned or endorsed": the statuses of a set as a message names them. */
static void statuses_text(unsigned statuses, char *out, size_t cap)
{
    int total = 0, done = 0;
    for (int i = 0; i < INCIDENT_STATUS_COUNT; i++)
        total += (statuses >> i) & 1;
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < INCIDENT_STATUS_COUNT && used < cap; i++) {
        if (!(statuses & (1u << i)))
            continue;
        const char *sep = done == 0 ? "" : done == total - 1 ? " or " : ", ";
        int k = snprintf(out + used, cap - used, "%s%s", sep, status_names[i]);
        used += k > 0 ? (size_t)k : 0;
        done++;
    }
}

int incident__step_check(struct db *db, const struct principal *who, enum incident__step step,
                         const struct incident__loaded *l, struct bh_error *err)
{
    const struct incident__step_row *row = &steps[step];
    int rc = row->who == INCIDENT_WHO_OWNER
                 ? incident__may_change(who, l, row->name, err)
                 : may_judge(db, who, l, row->name, row->who == INCIDENT_WHO_OTHER_ENDORSER, err);
    if (rc || incident__step_allows(row->from, l->status))
        return rc;
    char allowed[96];
    statuses_text(row->from, allowed, sizeof allowed);
    return bh_fail(err, BH_ECONFLICT, "status", "the report is %s; only a %s report can be %s",
                   l->status, allowed, row->done);
}

/* Whether a step with a target (a merge) may go into `t`, by the row's `into` statuses. */
static int step_into_check(enum incident__step step, const struct incident__loaded *t,
                           struct bh_error *err)
{
    if (incident__step_allows(steps[step].into, t->status))
        return 0;
    char allowed[96];
    statuses_text(steps[step].into, allowed, sizeof allowed);
    return bh_fail(err, BH_ECONFLICT, "into",
                   "incident %s is %s; a report can only be %s into a %s one", t->id, t->status,
                   steps[step].done, allowed);
}

/* Writes the revision and the audit entry of a change to `l` already made, commits, and
 * reads the record back for the reply. Rolls back on any failure. */
static int finish(struct db *db, const struct principal *who, struct incident__loaded *l, int rc,
                  const char *action, const char *reason, json_t *summary, json_t **out,
                  struct bh_error *err)
{
    char audit_action[32];
    snprintf(audit_action, sizeof audit_action, "incident.%s", action);
    if (!rc)
        rc = incident__revision_add(db, l->n, l->revision + 1, who, action, reason, err);
    if (!rc) {
        json_object_set_new(summary, "revision", json_integer(l->revision + 1));
        rc = audit_append(db, who, audit_action, "incident", l->id, summary, err);
    }
    json_decref(summary);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    char id[UUID_STR_LEN + 1];
    memcpy(id, l->id, sizeof id);
    incident__loaded_cleanup(l);
    if (rc)
        return rc;
    return out ? incident__reply(db, who, id, out, err) : 0;
}

/* The first part of every step, inside the caller's transaction: the report as stored, the
 * step's rules (incident__step_check) and the time the step is stamped with. `l` is for
 * finish() whatever this returns. */
static int step_start(struct db *db, const struct principal *who, const char *id,
                      enum incident__step step, struct incident__loaded *l, char now[40],
                      struct bh_error *err)
{
    time_format_rfc3339(time_now_ms(), 0, false, now);
    int rc = incident__load(db, who, id, "id", l, err);
    if (!rc)
        rc = incident__step_check(db, who, step, l, err);
    return rc;
}

int incident_submit(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err)
{
    if (out)
        *out = NULL;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct incident__loaded l;
    char now[40];
    rc = step_start(db, who, id, INCIDENT_STEP_SUBMIT, &l, now, err);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE incident SET status = ?, return_reason = NULL, "
                            "revision = revision + 1, updated_at = ? WHERE n = ?",
                            DB_PARAMS(DB_TEXT(TO(SUBMIT)), DB_TEXT(now), DB_INT(l.n)), NULL, NULL,
                            err);
    json_t *summary = json_pack("{s:s, s:s}", "from", l.status, "to", TO(SUBMIT));
    return finish(db, who, &l, rc, "submit", NULL, summary, out, err);
}

int incident_endorse(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err)
{
    if (out)
        *out = NULL;
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct incident__loaded l;
    char now[40];
    rc = step_start(db, who, id, INCIDENT_STEP_ENDORSE, &l, now, err);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE incident SET status = ?, endorsed_by = ?, endorsed_at = ?, "
                            "revision = revision + 1, updated_at = ? WHERE n = ?",
                            DB_PARAMS(DB_TEXT(TO(ENDORSE)), DB_TEXT(who->username), DB_TEXT(now),
                                      DB_TEXT(now), DB_INT(l.n)),
                            NULL, NULL, err);
    json_t *summary =
        json_pack("{s:s, s:s, s:s}", "from", l.status, "to", TO(ENDORSE), "mission", l.mission);
    return finish(db, who, &l, rc, "endorse", NULL, summary, out, err);
}

/* A reason is one paragraph a reporter reads: required, bounded, and printable. */
static int check_reason(const char *reason, struct bh_error *err)
{
    if (!reason || !*reason)
        return bh_fail(err, BH_EINVALID, "reason",
                       "a returned report needs a reason: tell the reporter what to fix");
    size_t len = strlen(reason);
    if (len > REASON_MAX)
        return bh_fail(err, BH_EINVALID, "reason", "reason is longer than %d bytes", REASON_MAX);
    bool blank = true;
    for (const unsigned char *p = (const unsigned char *)reason; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f)
            return bh_fail(err, BH_EINVALID, "reason",
                           "reason must not contain control characters");
        blank = blank && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r');
    }
    if (blank)
        return bh_fail(err, BH_EINVALID, "reason",
                       "a returned report needs a reason: tell the reporter what to fix");
    return 0;
}

int incident_return(struct db *db, const struct principal *who, const char *id, const char *reason,
                    json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    int rc = check_reason(reason, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    struct incident__loaded l;
    char now[40];
    rc = step_start(db, who, id, INCIDENT_STEP_RETURN, &l, now, err);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE incident SET status = ?, return_reason = ?, "
            "revision = revision + 1, updated_at = ? WHERE n = ?",
            DB_PARAMS(DB_TEXT(TO(RETURN)), DB_TEXT(reason), DB_TEXT(now), DB_INT(l.n)), NULL, NULL,
            err);
    json_t *summary =
        json_pack("{s:s, s:s, s:s}", "from", l.status, "to", TO(RETURN), "reason", reason);
    return finish(db, who, &l, rc, "return", reason, summary, out, err);
}

/* The target's sources followed by the duplicate's that it lacks, as JSON array text (free
 * it). NULL with BH_ECONFLICT when there would be more than a record may hold. */
static char *merged_sources(const json_t *into, const json_t *dup, struct bh_error *err)
{
    json_t *all = json_deep_copy(json_object_get(into, "sources"));
    size_t i, j;
    json_t *s, *t;
    json_array_foreach(json_object_get(dup, "sources"), i, s)
    {
        bool have = false;
        json_array_foreach(all, j, t)
        {
            have = have || json_equal(s, t);
        }
        if (!have)
            json_array_append(all, s);
    }
    char *text = NULL;
    if (json_array_size(all) > SOURCES_MAX)
        bh_fail(err, BH_ECONFLICT, "into",
                "the merged record would have %zu sources, more than %d; remove some first",
                json_array_size(all), SOURCES_MAX);
    else
        text = json_dumps(all, JSON_COMPACT);
    json_decref(all);
    return text;
}

/* Whether a reader `reader` may see row `n` (the incident's predicate, in which a reader is
 * judged by organization, role and account). */
static int row_visible_to(struct db *db, const struct principal *reader, int64_t n, bool *visible,
                          struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT 1 FROM incident i WHERE i.n = ? AND ");
    db_params_int(&params, n);
    incident_predicate(reader, "i", &sql, &params);
    int rc = db_exec_params(db, buf_str(&sql), &params, NULL, visible, err);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    return rc;
}

/* A reader of organization `org_id` standing for all of that organization's readers: the
 * predicate judges CLEAR to AMBER+STRICT by organization alone. */
static void org_reader(int64_t org_id, struct principal *p)
{
    principal_anonymous(p);
    p->org_id = org_id;
    p->role = ROLE_REPORTER;
}

/* Whether every RED reader of the target `t` may also read the duplicate `d`. Admins among
 * them read everything anyway, and a recipient whose role reads no records reads neither. */
static int red_readers_contained(struct db *db, const struct incident__loaded *t,
                                 const struct incident__loaded *d, bool *ok, struct bh_error *err)
{
    *ok = true;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT a.id, a.org_id, a.role FROM tlp_recipient r JOIN account a ON "
                        "a.id = r.account_id WHERE r.record_type = 'incident' AND r.record_id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, t->id);
    struct principal p;
    while (*ok && (rc = db_step(st, err)) == DB_ROW) {
        principal_anonymous(&p);
        p.account_id = db_column_int(st, 0);
        p.org_id = db_column_int(st, 1);
        p.role = role_parse(db_column_text(st, 2));
        if (p.role == ROLE_ADMIN || !role_can(p.role, PERM_RECORD_READ))
            continue;
        /* The statement stays open while another reads: SQLite allows it, and the list is
         * one record's recipients. */
        struct bh_error e;
        bool visible = false;
        int vrc = row_visible_to(db, &p, d->n, &visible, &e);
        if (vrc) {
            db_stmt_done(st);
            *err = e;
            return vrc;
        }
        *ok = visible;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int64_t group_of(const struct incident__loaded *l)
{
    json_t *g = json_object_get(l->json, "sharing_group");
    return json_is_integer(g) ? json_integer_value(g) : 0;
}

/* The rule of docs/sharing.md, "Merging records": a merge copies the duplicate's sources into
 * the target, so every reader of the target must be a reader of the duplicate (the target's
 * audience contained in the duplicate's). Decided from the markings:
 *   target CLEAR            the duplicate is CLEAR;
 *   target GREEN            the duplicate is CLEAR or GREEN;
 *   target AMBER            those, or AMBER of the same owner and the same group: only then do
 *                           both audiences stay equal whatever the group later becomes;
 *   target AMBER+STRICT     those, or a duplicate the target owner's readers read now (an
 *                           AMBER+STRICT one of the same owner, an AMBER one shared with it);
 *   target RED              every RED reader of the target reads the duplicate now (a RED
 *                           duplicate names each of them).
 * A target narrower than that is fine; a wider one refuses the whole merge. */
static int may_merge_into(struct db *db, const struct incident__loaded *d,
                          const struct incident__loaded *t, struct bh_error *err)
{
    int dt = tlp_parse(d->tlp), tt = tlp_parse(t->tlp);
    bool ok = false;
    int rc = 0;
    if (dt == TLP_CLEAR || (dt == TLP_GREEN && tt != TLP_CLEAR)) {
        ok = true;
    } else if (tt == TLP_AMBER) {
        ok = dt == TLP_AMBER && d->owner_org_id == t->owner_org_id && group_of(d) == group_of(t);
    } else if (tt == TLP_AMBER_STRICT) {
        struct principal p;
        org_reader(t->owner_org_id, &p);
        rc = dt == TLP_RED ? 0 : row_visible_to(db, &p, d->n, &ok, err);
    } else if (tt == TLP_RED) {
        rc = red_readers_contained(db, t, d, &ok, err);
    }
    if (rc || ok)
        return rc;
    return bh_fail(err, BH_ECONFLICT, "into",
                   "this report is %s and incident %s is %s: merging would show this report's "
                   "sources to readers its marking does not name. Merge the more widely shared "
                   "report into the more narrowly shared one instead",
                   tlp_label((enum tlp)(dt >= 0 ? dt : TLP_RED)), t->id,
                   tlp_label((enum tlp)(tt >= 0 ? tt : TLP_RED)));
}

int incident_merge(struct db *db, const struct principal *who, const char *id, const char *into,
                   json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    if (!into || !*into)
        return bh_fail(err, BH_EINVALID, "into",
                       "into is required: the id of the incident this one duplicates");
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct incident__loaded dup, target;
    memset(&target, 0, sizeof target);
    rc = incident__load(db, who, id, "id", &dup, err);
    if (!rc)
        rc = incident__step_check(db, who, INCIDENT_STEP_MERGE, &dup, err);
    if (!rc)
        rc = incident__load(db, who, into, "into", &target, err);
    if (!rc && target.n == dup.n)
        rc = bh_fail(err, BH_EINVALID, "into", "an incident cannot be merged into itself");
    if (!rc && strcmp(target.mission, dup.mission) != 0)
        rc = bh_fail(err, BH_EINVALID, "into",
                     "incident %s is of mission %s, this one of %s: only reports of one mission "
                     "are merged",
                     target.id, target.mission, dup.mission);
    if (!rc)
        rc = step_into_check(INCIDENT_STEP_MERGE, &target, err);
    if (!rc)
        rc = may_merge_into(db, &dup, &target, err);
    char *sources = NULL, now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc && !(sources = merged_sources(target.json, dup.json, err)))
        rc = err->code;
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE incident SET status = ?, merged_into = ?, "
            "revision = revision + 1, updated_at = ? WHERE n = ?",
            DB_PARAMS(DB_TEXT(TO(MERGE)), DB_TEXT(target.id), DB_TEXT(now), DB_INT(dup.n)), NULL,
            NULL, err);
    if (!rc)
        rc = db_exec_params(
            db,
            "UPDATE incident SET sources = ?, revision = revision + 1, updated_at = ? "
            "WHERE n = ?",
            DB_PARAMS(DB_TEXT(sources), DB_TEXT(now), DB_INT(target.n)), NULL, NULL, err);
    free(sources);
    /* The duplicate's revision and entry first (its reason names the target), then the
     * target's (its reason names the duplicate), each with its own audit entry. */
    char reason[128];
    snprintf(reason, sizeof reason, "merged into %s", target.id);
    if (!rc)
        rc = incident__revision_add(db, dup.n, dup.revision + 1, who, "merge", reason, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:s, s:I}", "from", dup.status, "to", TO(MERGE), "merged_into",
                      target.id, "revision", (json_int_t)(dup.revision + 1));
        rc = audit_append(db, who, "incident.merge", "incident", dup.id, summary, err);
        json_decref(summary);
    }
    snprintf(reason, sizeof reason, "%s merged into this", dup.id);
    json_t *summary = json_pack("{s:s}", "merged", dup.id);
    incident__loaded_cleanup(&dup);
    if (rc) {
        json_decref(summary);
        db_rollback(db);
        incident__loaded_cleanup(&target);
        return rc;
    }
    return finish(db, who, &target, rc, "merge", reason, summary, out, err);
}
