/* The capacity matching benchmark (bench/capacity, docs/benchmarks.md "Capacity matching"): a
 * synthetic marketplace of open needs and offers, the proposed assignment capacity_propose()
 * makes of it -- the work behind GET /api/v1/capacity/proposal -- against the same problem
 * written as a linear program for GLPK's glpsol. Links bluehelm_core.
 *
 *   match_capacity generate STORE NEEDS OFFERS SEED
 *       Into STORE (made by `bluehelm init --seed`), by SQL in one transaction: MEMBERS member
 *       states, GROUPS sharing groups, NEEDS open needs and OFFERS open offers (and a twentieth
 *       as many closed or withdrawn ones, which no side may use), then confirmed matches on a
 *       few candidate pairs so that what is left of a record is not always its amount. The
 *       same seed gives the same rows (not the same ids: they are UUIDv7).
 *   match_capacity lp STORE LPFILE
 *       The assignment problem as a linear program in CPLEX LP format, the candidates found by
 *       this file's own statement of the rule (candidate(), below) from the raw rows, never by
 *       capacity_pair_score. Prints "pairs P needs N offers M bound B" (B: the objective if
 *       every need were covered, an upper bound).
 *   match_capacity propose STORE RUNS
 *       capacity_propose() as the admin, RUNS times; checks the last reply against this
 *       file's candidates (the same pair count, every assigned pair a candidate, no need or
 *       offer given more than it has left, "weighted" the sum it claims). Prints
 *           propose MEDIAN_MS MIN_MS MAX_MS cpu CPU_MEDIAN_MS
 *           result pairs P needs N offers M weighted W greedy_weighted G assignments A
 *           solve MS cpu CPU_MS weighted W covered C
 *       (the last: capacity_solve() alone, on this file's problem: propose.c keeps its loader
 *       private) and exits 1 when the reply is wrong or the solver alone reaches another
 *       optimum. */
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "capacity/capacity.h"
#include "db/db.h"
#include "principal/principal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seeded.h"

/* Bumped whenever the rows generated change: bench/capacity keeps a store per version. */
#define GENERATOR_VERSION 1
#define MEMBERS           40  /* member states that ask and provide */
#define GROUPS            8   /* sharing groups of 4..12 of them */
#define CAPABILITY_ZIPF   0.8 /* capability frequency ~ 1 / rank^s: some are common */
#define MATCHES_PER_MILLE 10  /* needs that get a confirmed match, per thousand */

/* ---- the seeded generator (seeded.h) ---- */

static int64_t between(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(seeded_next() % (uint64_t)(hi - lo + 1));
}

static void die(const char *what, const struct bh_error *err)
{
    fprintf(stderr, "match_capacity: %s%s%s%s%s\n", what, err ? ": " : "", err ? err->message : "",
            err && err->field[0] ? " field " : "", err ? err->field : "");
    exit(2);
}

static void exec(struct db *db, const char *sql, const struct db_params *p)
{
    struct bh_error err;
    if (db_exec_params(db, sql, p, NULL, NULL, &err))
        die(sql, &err);
}

/* ---- dates ---- */

/* Days since 1970-01-01 to YYYY-MM-DD and back (Howard Hinnant's civil calendar). */
static void day_format(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    char tmp[32]; /* the years are 2027 and 2028, but the compiler cannot know it */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

static int64_t day_number(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ---- generate ---- */

static int64_t org_ids[MEMBERS];
static int64_t group_ids[GROUPS];
static int org_groups[MEMBERS][GROUPS], org_ngroups[MEMBERS];

/* The MEMBERS first member states by code (countries added as member states when the store
 * has fewer), and GROUPS sharing groups, each organization in at least one. */
static void setup_orgs(struct db *db, const char *now)
{
    struct bh_error err;
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, now);
    db_params_int(&p, MEMBERS);
    exec(db,
         "INSERT INTO org (code, kind, name, standing, country_iso3, created_at) "
         "SELECT iso3, 'member_state', name, 'member', iso3, ? FROM country "
         "WHERE withdrawn IS NULL AND iso3 NOT IN (SELECT code FROM org) ORDER BY iso3 "
         "LIMIT max(0, ? - (SELECT count(*) FROM org WHERE kind = 'member_state'))",
         &p);
    db_params_cleanup(&p);
    struct db_stmt *st;
    if (db_prepare(db, "SELECT id FROM org WHERE kind = 'member_state' ORDER BY code LIMIT ?", &st,
                   &err))
        die("orgs", &err);
    db_bind_int(st, 1, MEMBERS);
    int n = 0;
    while (n < MEMBERS && db_step(st, &err) == DB_ROW)
        org_ids[n++] = db_column_int(st, 0);
    db_stmt_done(st);
    if (n < MEMBERS)
        die("fewer member states than the benchmark needs", NULL);

    /* Member i is first in group i % GROUPS (so each is in one), then each group is filled to
     * its size with others; the group's owner is its first member. */
    for (int i = 0; i < MEMBERS; i++)
        org_groups[i][org_ngroups[i]++] = i % GROUPS;
    for (int g = 0; g < GROUPS; g++) {
        int size = 4 + seeded_below(9), have = (MEMBERS - g + GROUPS - 1) / GROUPS;
        while (have < size) {
            int i = seeded_below(MEMBERS), in = 0;
            for (int k = 0; k < org_ngroups[i]; k++)
                in |= org_groups[i][k] == g;
            if (!in) {
                org_groups[i][org_ngroups[i]++] = g;
                have++;
            }
        }
        char name[64];
        snprintf(name, sizeof name, "Capacity benchmark group %d", g + 1);
        struct db_params a = DB_PARAMS_INIT;
        db_params_text(&a, name);
        db_params_int(&a, org_ids[g]);
        db_params_text(&a, now);
        exec(db,
             "INSERT INTO sharing_group (name, description, owner_org_id, created_at) "
             "VALUES (?, 'bench/capacity', ?, ?)",
             &a);
        db_params_cleanup(&a);
        group_ids[g] = db_last_insert_rowid(db);
    }
    for (int i = 0; i < MEMBERS; i++)
        for (int k = 0; k < org_ngroups[i]; k++) {
            struct db_params a = DB_PARAMS_INIT;
            db_params_int(&a, group_ids[org_groups[i][k]]);
            db_params_int(&a, org_ids[i]);
            exec(db, "INSERT INTO sharing_group_member (group_id, org_id) VALUES (?, ?)", &a);
            db_params_cleanup(&a);
        }
}

static int ncapabilities;
static double *capability_cdf;

/* Capabilities by a Zipf-like frequency over a shuffled order of the vocabulary's list, so
 * that the common ones are spread over the categories. */
static int *capability_order;

static void capabilities_init(void)
{
    while (capacity_capabilities[ncapabilities].code)
        ncapabilities++;
    if (!ncapabilities)
        die("capacity_capabilities[] is empty (src/capacity/vocabulary.c not written yet?)", NULL);
    capability_order = calloc((size_t)ncapabilities, sizeof *capability_order);
    capability_cdf = calloc((size_t)ncapabilities, sizeof *capability_cdf);
    for (int i = 0; i < ncapabilities; i++)
        capability_order[i] = i;
    for (int i = ncapabilities - 1; i > 0; i--) {
        int j = seeded_below(i + 1), t = capability_order[i];
        capability_order[i] = capability_order[j];
        capability_order[j] = t;
    }
    double sum = 0;
    for (int i = 0; i < ncapabilities; i++)
        capability_cdf[i] = sum += 1.0 / pow(i + 1, CAPABILITY_ZIPF);
    for (int i = 0; i < ncapabilities; i++)
        capability_cdf[i] /= sum;
}

static const struct capacity_capability *capability_pick(void)
{
    double u = seeded_unit();
    int lo = 0, hi = ncapabilities - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (capability_cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &capacity_capabilities[capability_order[lo]];
}

/* The unit: the capability's, or (one record in twenty) another, as when a provider offers
 * money toward equipment rather than the equipment. */
static const char *unit_pick(const struct capacity_capability *c)
{
    static const char *const units[] = { "seats", "units", "person_days", "usd" };
    return seeded_below(20) ? c->unit : units[seeded_below(4)];
}

/* An amount realistic for the unit: seats 5..60, units 1..40, person-days 10..200, dollars
 * 10,000..2,000,000 (log-uniform, in thousands). */
static int64_t amount_pick(const char *unit)
{
    if (!strcmp(unit, "seats"))
        return between(5, 60);
    if (!strcmp(unit, "units"))
        return between(1, 40);
    if (!strcmp(unit, "person_days"))
        return between(10, 200);
    return (int64_t)(exp(log(10.0) + seeded_unit() * (log(2000.0) - log(10.0)))) * 1000;
}

static const char *priority_pick(void)
{
    int r = seeded_below(100);
    return r < 10 ? "critical" : r < 40 ? "high" : r < 80 ? "medium" : "low";
}

/* A period in 2027-2028 of 2 weeks to 9 months. */
static void period_pick(char starts[11], char ends[11])
{
    int64_t first = day_number(2027, 1, 1), last = day_number(2028, 12, 31);
    int64_t len = between(14, 274);
    int64_t s = between(first, last - len);
    day_format(s, starts);
    day_format(s + len, ends);
}

/* 1..3 languages weighted to English and French; `none_per_cent` name none (any will do). */
static void languages_pick(char out[32], int none_per_cent)
{
    static const char *const codes[] = { "en", "fr", "ar", "es", "pt", "ru", "zh" };
    static const int weight[] = { 40, 30, 10, 8, 6, 3, 3 };
    out[0] = 0;
    if (seeded_below(100) < none_per_cent)
        return;
    int k = 1 + (seeded_below(10) < 3) + (seeded_below(10) < 1), have = 0;
    unsigned seen = 0;
    while (have < k) {
        int r = seeded_below(100), i = 0;
        while (r >= weight[i])
            r -= weight[i++];
        if (seen & (1u << i))
            continue;
        seen |= 1u << i;
        if (have++)
            strcat(out, " ");
        strcat(out, codes[i]);
    }
}

/* The marking: GREEN mostly, CLEAR some, AMBER (a group of the owner's) 15%; *group 0 unless
 * AMBER. */
static const char *tlp_pick(int owner, int64_t *group)
{
    int r = seeded_below(100);
    *group = 0;
    if (r < 80)
        return "GREEN";
    if (r < 85)
        return "CLEAR";
    *group = group_ids[org_groups[owner][seeded_below(org_ngroups[owner])]];
    return "AMBER";
}

/* A provider: the first members provide more (donors), every member some. */
static int provider_pick(void)
{
    return seeded_below(2) ? seeded_below(MEMBERS / 4) : seeded_below(MEMBERS);
}

static const char *status_pick(bool open)
{
    return open ? "open" : seeded_below(2) ? "closed" : "withdrawn";
}

static char **missions;
static int nmissions;

static void missions_load(struct db *db)
{
    struct bh_error err;
    struct db_stmt *st;
    if (db_prepare(db, "SELECT acronym FROM mission ORDER BY acronym", &st, &err))
        die("missions", &err);
    while (db_step(st, &err) == DB_ROW) {
        missions = realloc(missions, (size_t)(nmissions + 1) * sizeof *missions);
        missions[nmissions++] = strdup(db_column_text(st, 0));
    }
    db_stmt_done(st);
}

static void new_id(char id[UUID_STR_LEN + 1])
{
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
}

static void need_insert(struct db *db, long i, bool open, const char *now)
{
    const struct capacity_capability *c = capability_pick();
    const char *unit = unit_pick(c);
    int owner = seeded_below(MEMBERS);
    int64_t group;
    const char *tlp = tlp_pick(owner, &group);
    char id[UUID_STR_LEN + 1], starts[11], ends[11], langs[32], title[96];
    new_id(id);
    period_pick(starts, ends);
    languages_pick(langs, 10);
    snprintf(title, sizeof title, "Benchmark need %ld: %s", i + 1, c->code);
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, id);
    db_params_int(&p, org_ids[owner]);
    db_params_text(&p, tlp);
    if (group)
        db_params_int(&p, group);
    else
        db_params_null(&p);
    db_params_text(&p, status_pick(open));
    if (nmissions && seeded_below(10) < 6)
        db_params_text(&p, missions[seeded_below(nmissions)]);
    else
        db_params_null(&p);
    db_params_text(&p, c->category);
    db_params_text(&p, c->code);
    db_params_int(&p, amount_pick(unit));
    db_params_text(&p, unit);
    db_params_text(&p, priority_pick());
    db_params_text(&p, starts);
    db_params_text(&p, ends);
    db_params_text(&p, langs);
    db_params_text(&p, title);
    db_params_text(&p, now);
    exec(db,
         "INSERT INTO capacity_need (id, owner_org_id, tlp, sharing_group_id, status, mission, "
         "category, capability, quantity, unit, priority, starts_on, ends_on, languages, title, "
         "description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
         "?11, ?12, ?13, ?14, ?15, 'bench/capacity', ?16, ?16)",
         &p);
    db_params_cleanup(&p);
}

static void offer_insert(struct db *db, long i, bool open, const char *now, long *for_org)
{
    const struct capacity_capability *c = capability_pick();
    const char *unit = unit_pick(c);
    int owner = provider_pick();
    int64_t group;
    const char *tlp = tlp_pick(owner, &group);
    char id[UUID_STR_LEN + 1], starts[11], ends[11], langs[32], title[96];
    new_id(id);
    period_pick(starts, ends);
    languages_pick(langs, 5);
    snprintf(title, sizeof title, "Benchmark offer %ld: %s", i + 1, c->code);
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, id);
    db_params_int(&p, org_ids[owner]);
    db_params_text(&p, tlp);
    if (group)
        db_params_int(&p, group);
    else
        db_params_null(&p);
    db_params_text(&p, status_pick(open));
    db_params_text(&p, c->category);
    db_params_text(&p, c->code);
    db_params_int(&p, amount_pick(unit));
    db_params_text(&p, unit);
    db_params_text(&p, starts);
    db_params_text(&p, ends);
    db_params_text(&p, langs);
    /* A few offers are made to one contributor ("Germany offers Rwanda 20 seats"). */
    if (seeded_below(100) < 3) {
        int to = seeded_below(MEMBERS);
        if (to == owner)
            to = (to + 1) % MEMBERS;
        db_params_int(&p, org_ids[to]);
        (*for_org)++;
    } else {
        db_params_null(&p);
    }
    db_params_text(&p, title);
    db_params_text(&p, now);
    exec(db,
         "INSERT INTO capacity_offer (id, owner_org_id, tlp, sharing_group_id, status, category, "
         "capability, capacity, unit, starts_on, ends_on, languages, for_org_id, title, "
         "conditions, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
         "?11, ?12, ?13, ?14, 'bench/capacity', ?15, ?15)",
         &p);
    db_params_cleanup(&p);
}

/* ---- the problem, as this file states the rule ---- */

struct side {
    int64_t n, org, for_org, group;
    int tlp_open; /* CLEAR or GREEN: every member reads it */
    char *key;    /* "category capability unit" */
    char starts[11], ends[11];
    unsigned langs; /* a bit a language code; 0 for none */
    int64_t remaining;
    int weight; /* needs */
};

struct problem {
    struct side *needs, *offers;
    size_t nneeds, noffers;
    uint32_t *pair_need, *pair_offer;
    size_t npairs, cap;
    int64_t (*audience)[3]; /* (group, owner, org), sorted */
    size_t naudience;
    int64_t (*done)[2]; /* (need n, offer n) of the confirmed matches, sorted */
    size_t ndone;
};

static char *lang_codes[64];
static int nlang_codes;

static unsigned langs_mask(const char *s)
{
    unsigned m = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        int i = 0;
        while (i < nlang_codes && strcmp(lang_codes[i], w))
            i++;
        if (i == nlang_codes) {
            if (nlang_codes == 32)
                die("more than 32 language codes", NULL);
            lang_codes[nlang_codes++] = strdup(w);
        }
        m |= 1u << i;
    }
    return m;
}

/* The objective's weight of a priority, written out here rather than taken from
 * capacity_priority_weight so that the peer's problem does not share the module's tables. */
static int weight_of(const char *priority)
{
    return !strcmp(priority, "critical") ? 8
           : !strcmp(priority, "high")   ? 4
           : !strcmp(priority, "medium") ? 2
           : !strcmp(priority, "low")    ? 1
                                         : 0;
}

static int cmp_audience(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Whether organization `org` reads record `r`: CLEAR and GREEN every member, AMBER its owner
 * and the organizations its owner accepted in its group (sharing_audience). The other
 * markings are refused for these records, so they never occur. */
static bool reads(const struct problem *p, int64_t org, const struct side *r)
{
    if (r->tlp_open || r->org == org)
        return true;
    int64_t k[3] = { r->group, r->org, org };
    return r->group && bsearch(k, p->audience, p->naudience, sizeof *p->audience, cmp_audience);
}

/* The candidate rule (docs/capacity.md, "Candidates and their score"), stated again: the same
 * category, capability and unit (the key), periods that overlap (both ends inclusive), a
 * language in common when both name languages, different organizations that read each
 * other's record, for an offer made to one contributor, that contributor's need, and not a
 * pair confirmed already. */
static int cmp_done(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    for (int i = 0; i < 2; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Whether the pair is confirmed already (it is then no longer proposed). */
static bool confirmed(const struct problem *p, const struct side *need, const struct side *offer)
{
    int64_t k[2] = { need->n, offer->n };
    return p->ndone && bsearch(k, p->done, p->ndone, sizeof *p->done, cmp_done);
}

static bool candidate(const struct problem *p, const struct side *need, const struct side *offer)
{
    return need->org != offer->org && !confirmed(p, need, offer) &&
           strcmp(need->starts, offer->ends) <= 0 && strcmp(offer->starts, need->ends) <= 0 &&
           (!need->langs || !offer->langs || (need->langs & offer->langs)) &&
           (!offer->for_org || offer->for_org == need->org) && reads(p, offer->org, need) &&
           reads(p, need->org, offer);
}

/* The open records with something left after their confirmed matches, read from the rows. */
static void sides_load(struct db *db, bool needs, struct side **out, size_t *n)
{
    struct bh_error err;
    struct db_stmt *st;
    const char *sql =
        needs ? "SELECT r.n, r.owner_org_id, 0, coalesce(r.sharing_group_id, 0), r.tlp, "
                "r.category || ' ' || r.capability || ' ' || r.unit, r.starts_on, r.ends_on, "
                "r.languages, r.quantity - coalesce((SELECT sum(m.quantity) FROM capacity_match m "
                "WHERE m.need_n = r.n AND m.status = 'confirmed'), 0), r.priority "
                "FROM capacity_need r WHERE r.status = 'open' ORDER BY r.n"
              : "SELECT r.n, r.owner_org_id, coalesce(r.for_org_id, 0), "
                "coalesce(r.sharing_group_id, 0), r.tlp, "
                "r.category || ' ' || r.capability || ' ' || r.unit, r.starts_on, r.ends_on, "
                "r.languages, r.capacity - coalesce((SELECT sum(m.quantity) FROM capacity_match m "
                "WHERE m.offer_n = r.n AND m.status = 'confirmed'), 0), '' "
                "FROM capacity_offer r WHERE r.status = 'open' ORDER BY r.n";
    if (db_prepare(db, sql, &st, &err))
        die("load", &err);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = db_step(st, &err)) == DB_ROW) {
        int64_t remaining = db_column_int(st, 9);
        if (remaining <= 0)
            continue;
        if (*n == cap)
            *out = realloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof **out);
        struct side *s = &(*out)[(*n)++];
        memset(s, 0, sizeof *s);
        s->n = db_column_int(st, 0);
        s->org = db_column_int(st, 1);
        s->for_org = db_column_int(st, 2);
        s->group = db_column_int(st, 3);
        const char *tlp = db_column_text(st, 4);
        s->tlp_open = !strcmp(tlp, "CLEAR") || !strcmp(tlp, "GREEN");
        if (!s->tlp_open && strcmp(tlp, "AMBER"))
            die("a need or offer marked neither CLEAR, GREEN nor AMBER", NULL);
        s->key = strdup(db_column_text(st, 5));
        snprintf(s->starts, sizeof s->starts, "%s", db_column_text(st, 6));
        snprintf(s->ends, sizeof s->ends, "%s", db_column_text(st, 7));
        s->langs = langs_mask(db_column_text(st, 8));
        s->remaining = remaining;
        s->weight = needs ? weight_of(db_column_text(st, 10)) : 0;
    }
    db_stmt_done(st);
    if (rc < 0)
        die("load", &err);
}

static void audience_load(struct db *db, struct problem *p)
{
    struct bh_error err;
    struct db_stmt *st;
    if (db_prepare(db, "SELECT group_id, owner_org_id, org_id FROM sharing_audience", &st, &err))
        die("sharing_audience", &err);
    size_t cap = 0;
    while (db_step(st, &err) == DB_ROW) {
        if (p->naudience == cap)
            p->audience = realloc(p->audience, (cap = cap ? 2 * cap : 256) * sizeof *p->audience);
        for (int i = 0; i < 3; i++)
            p->audience[p->naudience][i] = db_column_int(st, i);
        p->naudience++;
    }
    db_stmt_done(st);
    qsort(p->audience, p->naudience, sizeof *p->audience, cmp_audience);
}

static void done_load(struct db *db, struct problem *p)
{
    struct bh_error err;
    struct db_stmt *st;
    if (db_prepare(db, "SELECT need_n, offer_n FROM capacity_match WHERE status = 'confirmed'", &st,
                   &err))
        die("capacity_match", &err);
    size_t cap = 0;
    while (db_step(st, &err) == DB_ROW) {
        if (p->ndone == cap)
            p->done = realloc(p->done, (cap = cap ? 2 * cap : 256) * sizeof *p->done);
        p->done[p->ndone][0] = db_column_int(st, 0);
        p->done[p->ndone][1] = db_column_int(st, 1);
        p->ndone++;
    }
    db_stmt_done(st);
    if (p->ndone)
        qsort(p->done, p->ndone, sizeof *p->done, cmp_done);
}

static int cmp_key(const void *a, const void *b)
{
    const struct side *x = *(const struct side *const *)a, *y = *(const struct side *const *)b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Every candidate pair, needs and offers grouped by key first, in need order then offer
 * order. */
static void pairs_find(struct problem *p)
{
    struct side **nv = calloc(p->nneeds + 1, sizeof *nv), **ov = calloc(p->noffers + 1, sizeof *ov);
    for (size_t i = 0; i < p->nneeds; i++)
        nv[i] = &p->needs[i];
    for (size_t j = 0; j < p->noffers; j++)
        ov[j] = &p->offers[j];
    qsort(nv, p->nneeds, sizeof *nv, cmp_key);
    qsort(ov, p->noffers, sizeof *ov, cmp_key);
    size_t j0 = 0;
    for (size_t i = 0; i < p->nneeds;) {
        size_t i1 = i;
        while (i1 < p->nneeds && !strcmp(nv[i1]->key, nv[i]->key))
            i1++;
        while (j0 < p->noffers && strcmp(ov[j0]->key, nv[i]->key) < 0)
            j0++;
        size_t j1 = j0;
        while (j1 < p->noffers && !strcmp(ov[j1]->key, nv[i]->key))
            j1++;
        for (size_t a = i; a < i1; a++)
            for (size_t b = j0; b < j1; b++)
                if (candidate(p, nv[a], ov[b])) {
                    if (p->npairs == p->cap) {
                        p->cap = p->cap ? 2 * p->cap : 65536;
                        p->pair_need = realloc(p->pair_need, p->cap * sizeof *p->pair_need);
                        p->pair_offer = realloc(p->pair_offer, p->cap * sizeof *p->pair_offer);
                    }
                    p->pair_need[p->npairs] = (uint32_t)(nv[a] - p->needs);
                    p->pair_offer[p->npairs] = (uint32_t)(ov[b] - p->offers);
                    p->npairs++;
                }
        i = i1;
        j0 = j1;
    }
    free(nv);
    free(ov);
}

static void problem_load(struct db *db, struct problem *p)
{
    memset(p, 0, sizeof *p);
    audience_load(db, p);
    done_load(db, p);
    sides_load(db, true, &p->needs, &p->nneeds);
    sides_load(db, false, &p->offers, &p->noffers);
    pairs_find(p);
}

/* ---- generate (continued): confirmed matches on candidate pairs ---- */

/* MATCHES_PER_MILLE of the needs get a confirmed match with one of their candidates, of half
 * of what both have (so that both keep some) or, one time in four, all the need has left (so
 * that it drops out of the problem). */
static long matches_insert(struct db *db, const char *now)
{
    struct problem p;
    problem_load(db, &p);
    int64_t coordinator = org_ids[MEMBERS - 1];
    long made = 0, want = (long)p.nneeds * MATCHES_PER_MILLE / 1000;
    /* Twice the share needed, so that the matches are spread over the keys' order. */
    double chance = p.npairs ? 2.0 * (double)want / (double)p.npairs : 0;
    char *done_need = calloc(p.nneeds, 1), *done_offer = calloc(p.noffers, 1);
    for (size_t k = 0; k < p.npairs; k++) {
        struct side *need = &p.needs[p.pair_need[k]], *offer = &p.offers[p.pair_offer[k]];
        if (made >= want)
            break;
        if (seeded_unit() >= chance || done_need[p.pair_need[k]] || done_offer[p.pair_offer[k]] ||
            need->org == coordinator || offer->org == coordinator)
            continue;
        int64_t both = need->remaining < offer->remaining ? need->remaining : offer->remaining;
        int64_t q = seeded_below(4) ? (both + 1) / 2 : both;
        char id[UUID_STR_LEN + 1];
        new_id(id);
        struct db_params a = DB_PARAMS_INIT;
        db_params_text(&a, id);
        db_params_int(&a, need->n);
        db_params_int(&a, offer->n);
        db_params_int(&a, q);
        db_params_int(&a, coordinator);
        db_params_text(&a, now);
        exec(db,
             "INSERT INTO capacity_match (id, need_n, offer_n, quantity, score, status, note, "
             "coordinator_org_id, confirmed_at) VALUES (?, ?, ?, ?, 0, 'confirmed', "
             "'bench/capacity', ?, ?)",
             &a);
        db_params_cleanup(&a);
        done_need[p.pair_need[k]] = done_offer[p.pair_offer[k]] = 1;
        made++;
    }
    free(done_need);
    free(done_offer);
    return made;
}

static int generate(const char *path, long nneeds, long noffers, uint64_t seed)
{
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, 0, &err))
        die("open", &err);
    seeded_state ^= seed;
    capabilities_init();
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    int64_t t0 = time_mono_us();
    if (db_begin(db, &err))
        die("begin", &err);
    setup_orgs(db, now);
    missions_load(db);
    long for_org = 0;
    for (long i = 0; i < nneeds + nneeds / 20; i++)
        need_insert(db, i, i < nneeds, now);
    for (long i = 0; i < noffers + noffers / 20; i++)
        offer_insert(db, i, i < noffers, now, &for_org);
    long matches = matches_insert(db, now);
    if (db_commit(db, &err))
        die("commit", &err);
    double secs = (double)(time_mono_us() - t0) / 1e6;
    int64_t amber_needs = 0, amber_offers = 0;
    db_query_int(db, "SELECT count(*) FROM capacity_need WHERE tlp = 'AMBER'", 0, &amber_needs,
                 &err);
    db_query_int(db, "SELECT count(*) FROM capacity_offer WHERE tlp = 'AMBER'", 0, &amber_offers,
                 &err);
    printf("generated needs %ld offers %ld seconds %.1f\n", nneeds, noffers, secs);
    printf("mix members %d groups %d capabilities %d amber_needs %" PRId64 " amber_offers %" PRId64
           " for_org %ld matches %ld not_open %ld\n",
           MEMBERS, GROUPS, ncapabilities, amber_needs, amber_offers, for_org, matches,
           nneeds / 20 + noffers / 20);
    db_close(db);
    return 0;
}

/* ---- lp ---- */

static int lp(const char *path, const char *lpfile)
{
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, DB_OPEN_READONLY, &err))
        die("open", &err);
    struct problem p;
    problem_load(db, &p);
    db_close(db);
    if (!p.npairs)
        die("no candidate pair: nothing to compare", NULL);
    FILE *f = fopen(lpfile, "w");
    if (!f)
        die("cannot write the LP file", NULL);
    /* Each row's terms: pairs are in need order already; the offers' rows need an index. */
    size_t *offer_start = calloc(p.noffers + 1, sizeof *offer_start);
    uint32_t *by_offer = calloc(p.npairs, sizeof *by_offer);
    for (size_t k = 0; k < p.npairs; k++)
        offer_start[p.pair_offer[k] + 1]++;
    for (size_t j = 0; j < p.noffers; j++)
        offer_start[j + 1] += offer_start[j];
    size_t *fill = calloc(p.noffers, sizeof *fill);
    for (size_t k = 0; k < p.npairs; k++)
        by_offer[offer_start[p.pair_offer[k]] + fill[p.pair_offer[k]]++] = (uint32_t)k;

    fprintf(f, "\\ bench/capacity: %zu needs, %zu offers, %zu candidate pairs\nMaximize\n obj:",
            p.nneeds, p.noffers, p.npairs);
    for (size_t k = 0; k < p.npairs; k++)
        fprintf(f, "%s + %d x%zu", k % 8 ? "" : "\n ", p.needs[p.pair_need[k]].weight, k);
    fputs("\nSubject To\n", f);
    int64_t bound = 0;
    for (size_t k = 0; k < p.npairs;) {
        uint32_t i = p.pair_need[k];
        fprintf(f, " need%u:", i);
        for (int t = 0; k < p.npairs && p.pair_need[k] == i; k++, t++)
            fprintf(f, "%s + x%zu", t && t % 8 == 0 ? "\n  " : "", k);
        fprintf(f, " <= %" PRId64 "\n", p.needs[i].remaining);
        bound += p.needs[i].remaining * p.needs[i].weight;
    }
    for (size_t j = 0; j < p.noffers; j++) {
        if (offer_start[j] == offer_start[j + 1])
            continue;
        fprintf(f, " offer%zu:", j);
        for (size_t t = offer_start[j]; t < offer_start[j + 1]; t++)
            fprintf(f, "%s + x%u",
                    t > offer_start[j] && (t - offer_start[j]) % 8 == 0 ? "\n  " : "", by_offer[t]);
        fprintf(f, " <= %" PRId64 "\n", p.offers[j].remaining);
    }
    fputs("End\n", f);
    if (fclose(f))
        die("writing the LP file failed", NULL);
    printf("pairs %zu needs %zu offers %zu bound %" PRId64 "\n", p.npairs, p.nneeds, p.noffers,
           bound);
    return 0;
}

/* ---- propose ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* This process's CPU time: on a loaded machine the wall clock also counts the others' work. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void admin_load(struct db *db, struct principal *who)
{
    struct bh_error err;
    struct db_stmt *st;
    if (db_prepare(db,
                   "SELECT a.id, a.org_id, a.username, o.code FROM account a "
                   "JOIN org o ON o.id = a.org_id WHERE a.role = 'admin' ORDER BY a.id LIMIT 1",
                   &st, &err))
        die("account", &err);
    if (db_step(st, &err) != DB_ROW)
        die("no admin in the store (bluehelm init --seed makes one)", &err);
    principal_anonymous(who);
    who->account_id = db_column_int(st, 0);
    who->org_id = db_column_int(st, 1);
    who->role = ROLE_ADMIN;
    snprintf(who->username, sizeof who->username, "%s", db_column_text(st, 2));
    snprintf(who->org_code, sizeof who->org_code, "%s", db_column_text(st, 3));
    db_stmt_done(st);
}

/* The record of row number `n` in `sides` (sorted by n), or NULL. */
static struct side *side_by_id(struct db *db, const char *table, const char *id, struct side *sides,
                               size_t count)
{
    struct bh_error err;
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT n FROM %s WHERE id = ?", table);
    struct db_stmt *st;
    if (db_prepare_once(db, sql, &st, &err))
        die("lookup", &err);
    db_bind_text(st, 1, id);
    int64_t n = db_step(st, &err) == DB_ROW ? db_column_int(st, 0) : -1;
    db_stmt_done(st);
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sides[mid].n < n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && sides[lo].n == n ? &sides[lo] : NULL;
}

static int cmp_pair(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Checks a proposal against this file's problem; prints what is wrong and returns the number
 * of faults. */
static int proposal_check(struct db *db, const struct problem *p, const json_t *r)
{
    int faults = 0;
    int64_t pairs = (int64_t)json_integer_value(json_object_get(r, "pairs"));
    if (pairs != (int64_t)p->npairs) {
        printf("wrong: capacity_propose counts %" PRId64 " candidate pairs, the rule %zu\n", pairs,
               p->npairs);
        faults++;
    }
    uint64_t *keys = malloc((p->npairs + 1) * sizeof *keys);
    for (size_t k = 0; k < p->npairs; k++)
        keys[k] = (uint64_t)p->pair_need[k] << 32 | p->pair_offer[k];
    qsort(keys, p->npairs, sizeof *keys, cmp_pair);
    int64_t *need_given = calloc(p->nneeds, sizeof *need_given);
    int64_t *offer_given = calloc(p->noffers, sizeof *offer_given);
    int64_t weighted = 0;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r, "assignments"), i, a)
    {
        const char *nid = json_string_value(json_object_get(json_object_get(a, "need"), "id"));
        const char *oid = json_string_value(json_object_get(json_object_get(a, "offer"), "id"));
        int64_t q = (int64_t)json_integer_value(json_object_get(a, "quantity"));
        struct side *need = nid ? side_by_id(db, "capacity_need", nid, p->needs, p->nneeds) : NULL;
        struct side *offer =
            oid ? side_by_id(db, "capacity_offer", oid, p->offers, p->noffers) : NULL;
        if (!need || !offer || q <= 0) {
            if (faults++ < 10)
                printf("wrong: assignment %zu names no open need or offer with something left, or "
                       "gives %" PRId64 "\n",
                       i, q);
            continue;
        }
        size_t ni = (size_t)(need - p->needs), oi = (size_t)(offer - p->offers);
        uint64_t key = (uint64_t)ni << 32 | oi;
        if (!bsearch(&key, keys, p->npairs, sizeof *keys, cmp_pair) && faults++ < 10)
            printf("wrong: need %s and offer %s are not a candidate pair by the rule\n", nid, oid);
        need_given[ni] += q;
        offer_given[oi] += q;
        weighted += q * need->weight;
    }
    for (size_t n = 0; n < p->nneeds; n++)
        if (need_given[n] > p->needs[n].remaining && faults++ < 10)
            printf("wrong: need row %" PRId64 " is given %" PRId64 " of %" PRId64 " left\n",
                   p->needs[n].n, need_given[n], p->needs[n].remaining);
    for (size_t o = 0; o < p->noffers; o++)
        if (offer_given[o] > p->offers[o].remaining && faults++ < 10)
            printf("wrong: offer row %" PRId64 " gives %" PRId64 " of %" PRId64 " left\n",
                   p->offers[o].n, offer_given[o], p->offers[o].remaining);
    int64_t claimed = (int64_t)json_integer_value(json_object_get(r, "weighted"));
    if (claimed != weighted) {
        printf("wrong: \"weighted\" says %" PRId64 ", its assignments sum to %" PRId64 "\n",
               claimed, weighted);
        faults++;
    }
    free(keys);
    free(need_given);
    free(offer_given);
    return faults;
}

/* capacity_solve() alone on this file's problem (the solver is independent of the store, and
 * propose.c keeps its own loader private): the solver's share of the whole path. Its optimum
 * must be the proposal's. Prints "solve MS weighted W covered C". */
static int solve_alone(const struct problem *p, int64_t proposed)
{
    int64_t *quantity = malloc((p->nneeds + 1) * sizeof *quantity);
    int *weight = malloc((p->nneeds + 1) * sizeof *weight);
    int64_t *capacity = malloc((p->noffers + 1) * sizeof *capacity);
    int64_t *flow = malloc((p->npairs + 1) * sizeof *flow);
    for (size_t i = 0; i < p->nneeds; i++) {
        quantity[i] = p->needs[i].remaining;
        weight[i] = p->needs[i].weight;
    }
    for (size_t j = 0; j < p->noffers; j++)
        capacity[j] = p->offers[j].remaining;
    struct capacity_problem cp = {
        .nneeds = p->nneeds,
        .noffers = p->noffers,
        .npairs = p->npairs,
        .need_quantity = quantity,
        .need_weight = weight,
        .offer_capacity = capacity,
        .pair_need = p->pair_need,
        .pair_offer = p->pair_offer,
        .pair_score = NULL,
    };
    struct bh_error err;
    int64_t weighted = 0, covered = 0;
    int64_t t0 = time_mono_us();
    double c0 = cpu_ms();
    if (capacity_solve(&cp, flow, &weighted, &covered, &err))
        die("capacity_solve", &err);
    double ms = (double)(time_mono_us() - t0) / 1e3, cpu = cpu_ms() - c0;
    printf("solve %.3f cpu %.3f weighted %" PRId64 " covered %" PRId64 "\n", ms, cpu, weighted,
           covered);
    free(quantity);
    free(weight);
    free(capacity);
    free(flow);
    if (weighted != proposed) {
        printf("wrong: capacity_solve on the rule's problem reaches %" PRId64
               ", capacity_propose %" PRId64 "\n",
               weighted, proposed);
        return 1;
    }
    return 0;
}

static int propose(const char *path, int runs)
{
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, DB_OPEN_READONLY | DB_OPEN_LONG_LIVED, &err))
        die("open", &err);
    struct principal who;
    admin_load(db, &who);
    struct capacity_filter f = { 0 };
    double *ms = calloc((size_t)runs, sizeof *ms), *cpu = calloc((size_t)runs, sizeof *cpu);
    json_t *r = NULL;
    for (int k = 0; k < runs; k++) {
        json_decref(r);
        r = NULL;
        int64_t t0 = time_mono_us();
        double c0 = cpu_ms();
        if (capacity_propose(db, &who, &f, &r, &err))
            die("capacity_propose", &err);
        ms[k] = (double)(time_mono_us() - t0) / 1e3;
        cpu[k] = cpu_ms() - c0;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
    printf("propose %.3f %.3f %.3f cpu %.3f\n", ms[runs / 2], ms[0], ms[runs - 1], cpu[runs / 2]);
    struct problem p;
    problem_load(db, &p);
    printf("result pairs %" PRId64 " needs %" PRId64 " offers %" PRId64 " weighted %" PRId64
           " greedy_weighted %" PRId64 " assignments %zu\n",
           (int64_t)json_integer_value(json_object_get(r, "pairs")),
           (int64_t)json_integer_value(json_object_get(r, "needs")),
           (int64_t)json_integer_value(json_object_get(r, "offers")),
           (int64_t)json_integer_value(json_object_get(r, "weighted")),
           (int64_t)json_integer_value(json_object_get(r, "greedy_weighted")),
           json_array_size(json_object_get(r, "assignments")));
    int faults = proposal_check(db, &p, r);
    faults += solve_alone(&p, (int64_t)json_integer_value(json_object_get(r, "weighted")));
    json_decref(r);
    db_close(db);
    return faults ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "generate"))
        return generate(argv[2], atol(argv[3]), atol(argv[4]), strtoull(argv[5], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "lp"))
        return lp(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "propose") && atoi(argv[3]) > 0)
        return propose(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: match_capacity generate STORE NEEDS OFFERS SEED\n"
                    "       match_capacity lp STORE LPFILE\n"
                    "       match_capacity propose STORE RUNS\n");
    return 2;
}
