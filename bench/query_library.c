/* The library search benchmark (bench/library, docs/benchmarks.md "Library"): a synthetic
 * library written through the real write path, then library_search() -- the query behind
 * GET /api/v1/library?q=... -- as a member, against the same FTS5 query with no sharing rule
 * (the floor). Links bluehelm_core.
 *
 *   query_library generate STORE N SEED
 *       N documents into STORE (made by `bluehelm init --seed`): first the organizations the
 *       mix needs (MEMBERS member states, a focal point each, GROUPS sharing groups of 5 to 10
 *       members), then the documents through library_create() (the index written with each),
 *       one transaction per BATCH. The same seed gives the same documents.
 *   query_library queries STORE SEED Q
 *       Q one- to three-word queries, each of words of one random document (so that the set
 *       has matches; a document's words mix frequent and rare ones), one a line:
 *       "words<TAB>the FTS5 expression library_fts_query makes of them".
 *   query_library search STORE USERNAME QFILE WEIGHTS
 *       First builds the in-memory index (library_memory_warm), untimed by the searches. Then
 *       each query of QFILE six ways, taking turns: library_search() as USERNAME (20 results,
 *       facets off) with the default engine (the in-memory index), the same with facets on
 *       (for the first BENCH_LIBRARY_FACET_QUERIES queries, default 20: a facet count costs
 *       several queries on the FTS5 path), both again forced through FTS5
 *       (LIBRARY_ENGINE_SQL, the path before the index), and the floor in this process (the
 *       FTS5 query alone, ranked by bm25 with WEIGHTS -- "10.0, 5.0, ..." or "" -- top 20,
 *       and its count). Prints, in milliseconds (wall, then this process's CPU time):
 *           memory BUILD_MS DOCUMENTS TERMS POSTINGS RESIDENT_MB   (the index's build)
 *           search P50 P99 MAX CPU_P50 CPU_P99
 *           search_facets P50 P99 MAX CPU_P50 CPU_P99
 *           search_sql P50 P99 MAX CPU_P50 CPU_P99
 *           search_sql_facets P50 P99 MAX CPU_P50 CPU_P99
 *           floor P50 P99 MAX CPU_P50 CPU_P99
 *           floor_count P50 P99 MAX CPU_P50 CPU_P99     (the floor's top 20 plus its count)
 *           facet_queries N
 *           answered ANSWERED EXPECTED DECLINED REBUILDS (the index's searches while timed)
 *           compared N DIFFERENT                          (the index's answers against FTS5's)
 *           matches MEAN MAX ZERO                        (library_search's totals)
 *           floor_matches MEAN MAX ZERO                  (the FTS5 counts, no sharing rule)
 *           over N                                       (queries where the member got more)
 *       and a line "q<TAB>total<TAB>floor_total" a query to file QFILE.totals.
 *       Exits 1 when a member's total exceeds the unfiltered count (a wrong answer), when the
 *       index declined a timed search (the figure would be FTS5's), when its answer to any
 *       query (ids in order, total, facets) differs from FTS5's, or when no query matched
 *       anything (a time that says nothing). */
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "db/db.h"
#include "library/library.h"
#include "principal/principal.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seeded.h"

/* Bumped whenever the documents generated change: bench/library keeps a store per version. */
#define GENERATOR_VERSION 1
#define MEMBERS           30   /* member states that own and read documents */
#define GROUPS            6    /* sharing groups of 5..10 of them */
#define BATCH             1000 /* documents a transaction */
#define RARE              4000 /* made-up place and unit names: the long tail of the vocabulary */
#define ZIPF_S            1.0  /* word frequency ~ 1 / rank^s */

static void die(const char *what, const struct bh_error *err)
{
    fprintf(stderr, "query_library: %s: %s%s%s\n", what, err ? err->message : "",
            err && err->field[0] ? " field " : "", err ? err->field : "");
    exit(2);
}

/* ---- the vocabulary ---- */

/* Peacekeeping safety terms, most frequent first (the Zipf rank is the position). */
static const char *const common_words[] = {
    "patrol",
    "convoy",
    "base",
    "security",
    "mission",
    "troops",
    "force",
    "attack",
    "road",
    "village",
    "vehicle",
    "protection",
    "civilians",
    "threat",
    "risk",
    "camp",
    "unit",
    "company",
    "battalion",
    "commander",
    "operation",
    "report",
    "incident",
    "local",
    "team",
    "route",
    "escort",
    "armed",
    "group",
    "ied",
    "device",
    "explosive",
    "mine",
    "detection",
    "clearance",
    "engineers",
    "medical",
    "evacuation",
    "casevac",
    "medevac",
    "helicopter",
    "aircraft",
    "airfield",
    "checkpoint",
    "perimeter",
    "sentry",
    "observation",
    "post",
    "intelligence",
    "information",
    "communication",
    "radio",
    "coordination",
    "liaison",
    "authorities",
    "police",
    "military",
    "civilian",
    "humanitarian",
    "assessment",
    "planning",
    "training",
    "rehearsal",
    "procedure",
    "standard",
    "drills",
    "equipment",
    "armour",
    "protected",
    "mobility",
    "fuel",
    "logistics",
    "supply",
    "water",
    "rations",
    "ammunition",
    "weapons",
    "fire",
    "direct",
    "indirect",
    "mortar",
    "rocket",
    "grenade",
    "ambush",
    "complex",
    "suicide",
    "vbied",
    "rcied",
    "sniper",
    "kidnapping",
    "abduction",
    "hostage",
    "demonstration",
    "crowd",
    "riot",
    "violence",
    "community",
    "engagement",
    "leaders",
    "elders",
    "women",
    "children",
    "displaced",
    "refugees",
    "election",
    "ceasefire",
    "violation",
    "investigation",
    "accountability",
    "casualties",
    "killed",
    "injured",
    "wounded",
    "fatalities",
    "peacekeepers",
    "contingent",
    "headquarters",
    "sector",
    "area",
    "responsibility",
    "night",
    "dawn",
    "dusk",
    "season",
    "rainy",
    "dry",
    "flood",
    "terrain",
    "bridge",
    "river",
    "market",
    "town",
    "district",
    "province",
    "border",
    "crossing",
    "warning",
    "early",
    "alert",
    "response",
    "reaction",
    "quick",
    "reserve",
    "reinforcement",
    "deployment",
    "rotation",
    "handover",
    "lessons",
    "learned",
    "practice",
    "recommendation",
    "failure",
    "success",
    "delay",
    "gap",
    "shortfall",
    "capacity",
    "capability",
    "language",
    "interpreter",
    "cultural",
    "awareness",
    "trust",
    "rumour",
    "misinformation",
    "social",
    "media",
    "surveillance",
    "drone",
    "uav",
    "camera",
    "lighting",
    "barrier",
    "hesco",
    "bunker",
    "shelter",
    "alarm",
    "siren",
    "muster",
    "accounting",
    "first",
    "aid",
    "tourniquet",
    "trauma",
    "hospital",
    "level",
    "surgeon",
    "blood",
    "stretcher",
    "landing",
    "zone",
    "pilot",
    "crew",
    "weather",
    "visibility",
    "dust",
    "storm",
    "heat",
    "stress",
    "fatigue",
    "morale",
    "welfare",
    "leave",
    "discipline",
    "conduct",
    "abuse",
    "exploitation",
    "prevention",
    "reporting",
    "hotline",
    "complaint",
    "victim",
    "assistance",
    "legal",
    "mandate",
    "rules",
    "engagement",
    "selfdefence",
    "proportional",
    "minimum",
    "escalation",
    "negotiation",
    "mediation",
    "dialogue",
    "reconciliation",
    "disarmament",
    "demobilization",
    "reintegration",
    "weaponry",
    "cache",
    "seizure",
    "smuggling",
    "trafficking",
    "banditry",
    "militia",
    "insurgents",
    "jihadist",
    "faction",
    "splinter",
    "recruitment",
    "youth",
    "livelihood",
    "herders",
    "farmers",
    "cattle",
    "land",
    "dispute",
    "tension",
    "clashes",
};
#define N_COMMON (sizeof common_words / sizeof *common_words)

/* Words that fill the sentences (never queried: FTS5 has no stop list, and nobody searches
 * for "the"). */
static const char *const filler_words[] = {
    "the",    "of",   "and", "to", "in",   "a",      "was",  "on",   "for", "with",  "by",  "after",
    "before", "were", "had", "at", "from", "during", "that", "this", "its", "their", "not", "when",
};
#define N_FILLER (sizeof filler_words / sizeof *filler_words)

static const char *const syllables[] = {
    "ka", "di", "gao", "ma", "ti", "bu", "nia", "lo", "ru", "sa", "ko",  "mba", "te", "ne", "zi",
    "wa", "la", "go",  "do", "ri", "fa", "ha",  "mo", "se", "ya", "tou", "ba",  "ke", "ni", "ssa",
};
#define N_SYLLABLES (sizeof syllables / sizeof *syllables)

static char **vocab; /* common words, then RARE made-up names */
static int n_vocab;
static double *zipf_cdf; /* cumulative weight of ranks 0..i */

static void vocab_init(void)
{
    n_vocab = (int)N_COMMON + RARE;
    vocab = calloc((size_t)n_vocab, sizeof *vocab);
    for (int i = 0; i < (int)N_COMMON; i++)
        vocab[i] = strdup(common_words[i]);
    /* Names of three or four syllables from a fixed generator, so that every run (whatever
     * the document seed) has the same vocabulary; a clash with an earlier name gets a
     * letter. */
    uint64_t saved = seeded_state;
    seeded_state = 0x5eed;
    for (int i = 0; i < RARE; i++) {
        char w[32] = "";
        int n = 3 + seeded_below(2);
        for (int k = 0; k < n; k++)
            strcat(w, syllables[seeded_below((int)N_SYLLABLES)]);
        for (int j = 0; j < (int)N_COMMON + i; j++)
            if (!strcmp(vocab[j], w)) {
                size_t l = strlen(w);
                w[l] = (char)('a' + seeded_below(26));
                w[l + 1] = 0;
                j = -1;
            }
        vocab[N_COMMON + i] = strdup(w);
    }
    seeded_state = saved;
    zipf_cdf = calloc((size_t)n_vocab, sizeof *zipf_cdf);
    double sum = 0;
    for (int i = 0; i < n_vocab; i++)
        zipf_cdf[i] = sum += 1.0 / pow(i + 1, ZIPF_S);
    for (int i = 0; i < n_vocab; i++)
        zipf_cdf[i] /= sum;
}

static const char *zipf_word(void)
{
    double u = seeded_unit();
    int lo = 0, hi = n_vocab - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (zipf_cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return vocab[lo];
}

/* A sentence of `words` vocabulary words with fillers between, capitalized, with a period. */
static void sentence(struct buf *b, int words)
{
    size_t start = b->len;
    for (int i = 0; i < words; i++) {
        if (i)
            buf_putc(b, ' ');
        if (i && seeded_below(3) == 0) {
            buf_puts(b, filler_words[seeded_below((int)N_FILLER)]);
            buf_putc(b, ' ');
        }
        buf_puts(b, zipf_word());
    }
    buf_puts(b, ". ");
    if (b->len > start)
        b->data[start] = (char)toupper((unsigned char)b->data[start]);
}

static char *text(int min_words, int max_words)
{
    struct buf b = BUF_INIT;
    int words = min_words + seeded_below(max_words - min_words + 1);
    while (words > 0) {
        int n = 6 + seeded_below(12);
        sentence(&b, n < words ? n : words);
        words -= n;
    }
    if (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = 0;
    char *s = strdup(buf_str(&b));
    buf_cleanup(&b);
    return s;
}

/* A Markdown body: a few headed sections of paragraphs, `words` words in all, about. */
static char *body_text(int words)
{
    static const char *const heads[] = { "Background", "Sequence of events", "Analysis", "Findings",
                                         "Follow-up" };
    struct buf b = BUF_INIT;
    for (int s = 0; s < 5 && words > 0; s++) {
        buf_printf(&b, "## %s\n\n", heads[s]);
        int n = words / (5 - s);
        char *p = text(n * 3 / 4, n * 5 / 4);
        buf_printf(&b, "%s\n\n", p);
        free(p);
        words -= n;
    }
    char *s = strdup(buf_str(&b));
    buf_cleanup(&b);
    return s;
}

/* ---- generate ---- */

struct member {
    int64_t org_id, account_id;
    char code[8], username[32];
    int groups[GROUPS], n_groups; /* indexes into group_ids */
};

static struct member members[MEMBERS];
static int64_t group_ids[GROUPS];

static void exec(struct db *db, const char *sql, const struct db_params *p)
{
    struct bh_error err;
    if (db_exec_params(db, sql, p, NULL, NULL, &err))
        die(sql, &err);
}

/* The MEMBERS first member states by code (adding countries as member states when the store
 * has fewer), a focal point each (no password: nobody signs in as them), and GROUPS sharing
 * groups, each organization in at least one. */
static void setup_orgs(struct db *db)
{
    struct bh_error err;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
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
    if (db_prepare(db, "SELECT id, code FROM org WHERE kind = 'member_state' ORDER BY code LIMIT ?",
                   &st, &err))
        die("orgs", &err);
    db_bind_int(st, 1, MEMBERS);
    int n = 0;
    while (n < MEMBERS && db_step(st, &err) == DB_ROW) {
        members[n].org_id = db_column_int(st, 0);
        snprintf(members[n].code, sizeof members[n].code, "%s", db_column_text(st, 1));
        n++;
    }
    db_stmt_done(st);
    if (n < MEMBERS)
        die("fewer member states than the mix needs", NULL);

    for (int i = 0; i < MEMBERS; i++) {
        struct member *m = &members[i];
        int len = snprintf(m->username, sizeof m->username, "lib.fp.%s", m->code);
        for (int c = 7; c < len; c++)
            m->username[c] = (char)tolower((unsigned char)m->username[c]);
        struct db_params a = DB_PARAMS_INIT;
        db_params_text(&a, m->username);
        db_params_int(&a, m->org_id);
        db_params_text(&a, now);
        db_params_text(&a, now);
        exec(db,
             "INSERT INTO account (username, display_name, org_id, role, password_hash, "
             "created_at, password_changed_at) VALUES (?1, ?1, ?2, 'focal_point', "
             "'!bench: no sign-in', ?3, ?4)",
             &a);
        db_params_cleanup(&a);
        m->account_id = db_last_insert_rowid(db);
    }

    /* Groups: member i is first placed in group i % GROUPS, then each group is filled to its
     * size (5..10) with others. */
    int size[GROUPS];
    for (int g = 0; g < GROUPS; g++) {
        size[g] = 5 + seeded_below(6);
        char name[64];
        snprintf(name, sizeof name, "Library benchmark group %d", g + 1);
        struct db_params a = DB_PARAMS_INIT;
        db_params_text(&a, name);
        db_params_int(&a, members[g].org_id);
        db_params_text(&a, now);
        exec(db,
             "INSERT INTO sharing_group (name, description, owner_org_id, created_at) "
             "VALUES (?, 'bench/library', ?, ?)",
             &a);
        db_params_cleanup(&a);
        group_ids[g] = db_last_insert_rowid(db);
    }
    for (int i = 0; i < MEMBERS; i++) {
        int g = i % GROUPS;
        members[i].groups[members[i].n_groups++] = g;
    }
    for (int g = 0; g < GROUPS; g++) {
        int have = 0;
        for (int i = 0; i < MEMBERS; i++)
            have += members[i].n_groups && members[i].groups[0] == g;
        while (have < size[g]) {
            struct member *m = &members[seeded_below(MEMBERS)];
            int in = 0;
            for (int k = 0; k < m->n_groups; k++)
                in |= m->groups[k] == g;
            if (!in) {
                m->groups[m->n_groups++] = g;
                have++;
            }
        }
    }
    for (int i = 0; i < MEMBERS; i++)
        for (int k = 0; k < members[i].n_groups; k++) {
            struct db_params a = DB_PARAMS_INIT;
            db_params_int(&a, group_ids[members[i].groups[k]]);
            db_params_int(&a, members[i].org_id);
            exec(db, "INSERT INTO sharing_group_member (group_id, org_id) VALUES (?, ?)", &a);
            db_params_cleanup(&a);
        }
}

/* The values of a column, for tags. */
static char **column_values(struct db *db, const char *sql, int *n)
{
    struct bh_error err;
    struct db_stmt *st;
    char **v = NULL;
    *n = 0;
    if (db_prepare(db, sql, &st, &err))
        die(sql, &err);
    while (db_step(st, &err) == DB_ROW) {
        v = realloc(v, (size_t)(*n + 1) * sizeof *v);
        v[(*n)++] = strdup(db_column_text(st, 0));
    }
    db_stmt_done(st);
    return v;
}

static void tag_pick(json_t *tags, const char *facet, char **values, int n, int most)
{
    json_t *a = json_array();
    int k = n ? seeded_below(most + 1) : 0;
    for (int i = 0; i < k; i++) {
        const char *v = values[seeded_below(n)];
        size_t j, len = json_array_size(a);
        for (j = 0; j < len; j++)
            if (!strcmp(json_string_value(json_array_get(a, j)), v))
                break;
        if (j == len)
            json_array_append_new(a, json_string(v));
    }
    json_object_set_new(tags, facet, a);
}

static int count_strings(const char *const *v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

/* The sharing mix: 55% GREEN, 20% AMBER (a group of the owner's), 15% AMBER+STRICT, 5% RED
 * (1..3 readers of other members), all published; 5% drafts (GREEN). */
enum share { S_GREEN, S_AMBER, S_STRICT, S_RED, S_DRAFT };

static enum share share_pick(void)
{
    int r = seeded_below(100);
    return r < 55 ? S_GREEN : r < 75 ? S_AMBER : r < 90 ? S_STRICT : r < 95 ? S_RED : S_DRAFT;
}

/* The other write path (BENCH_LIBRARY_WRITE=sql): the row, its tags and its RED readers by
 * SQL, then library_index_put, the real index. No version, no audit. Returns {"id"}. */
static json_t *sql_create(struct db *db, const struct member *owner, const json_t *body,
                          enum share s)
{
    struct bh_error err;
    struct uuid u;
    char id[UUID_STR_LEN + 1], now[40];
    uuid_v7(&u);
    uuid_format(&u, id);
    time_format_rfc3339(time_now_ms(), 0, false, now);
    const char *day = json_string_value(json_object_get(body, "occurred_on"));
    const char *tlp = json_string_value(json_object_get(body, "tlp")) + 4;
    json_t *group = json_object_get(body, "sharing_group");
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, id);
    static const char *const cols[] = { "kind",         "title",           "summary",
                                        "context",      "what_happened",   "what_worked",
                                        "what_did_not", "recommendations", "body" };
    for (int c = 0; c < 9; c++)
        db_params_text(&p, json_string_value(json_object_get(body, cols[c])));
    db_params_text(&p, day);
    db_params_int(&p, atoi(day));
    db_params_int(&p, owner->org_id);
    db_params_text(&p, tlp);
    if (group)
        db_params_int(&p, json_integer_value(group));
    else
        db_params_null(&p);
    db_params_text(&p, now);
    db_params_int(&p, owner->account_id);
    exec(db,
         "INSERT INTO document (id, kind, title, summary, context, what_happened, what_worked, "
         "what_did_not, recommendations, body, occurred_on, year, owner_org_id, tlp, "
         "sharing_group_id, created_at, updated_at, created_by) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17)",
         &p);
    db_params_cleanup(&p);
    int64_t n = db_last_insert_rowid(db);
    const char *facet;
    json_t *values;
    json_object_foreach((json_t *)json_object_get(body, "tags"), facet, values)
    {
        size_t i;
        json_t *v;
        json_array_foreach(values, i, v)
        {
            struct db_params t = DB_PARAMS_INIT;
            db_params_int(&t, n);
            db_params_text(&t, facet);
            db_params_text(&t, json_string_value(v));
            exec(db, "INSERT INTO document_tag (document_n, facet, value) VALUES (?, ?, ?)", &t);
            db_params_cleanup(&t);
        }
    }
    if (s == S_RED) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(body, "recipients"), i, v)
        {
            struct db_params r = DB_PARAMS_INIT;
            db_params_text(&r, id);
            db_params_text(&r, json_string_value(v));
            exec(db,
                 "INSERT INTO tlp_recipient (record_type, record_id, account_id) "
                 "SELECT 'document', ?, id FROM account WHERE username = ?",
                 &r);
            db_params_cleanup(&r);
        }
    }
    if (library_index_put(db, n, &err))
        die("library_index_put", &err);
    return json_pack("{s:s}", "id", id);
}

static int generate(const char *path, long n, uint64_t seed)
{
    const char *how = getenv("BENCH_LIBRARY_WRITE");
    bool sql_path = how && !strcmp(how, "sql");
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, 0, &err))
        die("open", &err);
    seeded_state ^= seed;
    vocab_init();

    if (db_begin(db, &err))
        die("begin", &err);
    setup_orgs(db);
    if (db_commit(db, &err))
        die("commit", &err);

    int n_threat, n_mission;
    char **threats = column_values(db, "SELECT code FROM threat_term ORDER BY code", &n_threat);
    char **missions = column_values(db, "SELECT acronym FROM mission ORDER BY acronym", &n_mission);
    char **activities = (char **)library_activities, **a4p = (char **)library_a4p_areas;
    int n_activity = count_strings(library_activities), n_a4p = count_strings(library_a4p_areas);
    char **keywords = vocab;

    long counts[5] = { 0 };
    int64_t t0 = time_mono_us();
    for (long i = 0; i < n; i++) {
        if (i % BATCH == 0 && db_begin(db, &err))
            die("begin", &err);
        struct member *owner = &members[seeded_below(MEMBERS)];
        struct principal who;
        principal_anonymous(&who);
        who.account_id = owner->account_id;
        who.org_id = owner->org_id;
        who.role = ROLE_FOCAL_POINT;
        snprintf(who.username, sizeof who.username, "%s", owner->username);
        snprintf(who.org_code, sizeof who.org_code, "%s", owner->code);

        json_t *body = json_object();
        json_object_set_new(body, "kind", json_string(library_kinds[seeded_below(4)]));
        struct buf title = BUF_INIT;
        sentence(&title, 4 + seeded_below(7));
        title.data[title.len - 2] = 0; /* no period */
        json_object_set_new(body, "title", json_string(buf_str(&title)));
        buf_cleanup(&title);
        static const char *const fields[] = { "summary",     "context",      "what_happened",
                                              "what_worked", "what_did_not", "recommendations" };
        for (int f = 0; f < 6; f++) {
            char *s = text(f ? 15 : 25, f ? 60 : 50);
            json_object_set_new(body, fields[f], json_string(s));
            free(s);
        }
        char *b = body_text(200 + seeded_below(300));
        json_object_set_new(body, "body", json_string(b));
        free(b);
        char day[16];
        int year = 2000 + seeded_below(27); /* 2026 stops at November: no event in the future */
        snprintf(day, sizeof day, "%04d-%02d-%02d", year, 1 + seeded_below(year == 2026 ? 11 : 12),
                 1 + seeded_below(28));
        json_object_set_new(body, "occurred_on", json_string(day));
        json_t *tags = json_object();
        tag_pick(tags, "threat", threats, n_threat, 2);
        tag_pick(tags, "mission", missions, n_mission, 1);
        tag_pick(tags, "activity", activities, n_activity, 2);
        tag_pick(tags, "a4p", a4p, n_a4p, 1);
        tag_pick(tags, "keyword", keywords, (int)N_COMMON, 3);
        json_object_set_new(body, "tags", tags);

        enum share s = share_pick();
        counts[s]++;
        switch (s) {
        case S_GREEN:
        case S_DRAFT:
            json_object_set_new(body, "tlp", json_string("TLP:GREEN"));
            break;
        case S_AMBER:
            json_object_set_new(body, "tlp", json_string("TLP:AMBER"));
            json_object_set_new(
                body, "sharing_group",
                json_integer(group_ids[owner->groups[seeded_below(owner->n_groups)]]));
            break;
        case S_STRICT:
            json_object_set_new(body, "tlp", json_string("TLP:AMBER+STRICT"));
            break;
        case S_RED: {
            json_object_set_new(body, "tlp", json_string("TLP:RED"));
            json_t *r = json_array();
            json_array_append_new(r, json_string(owner->username));
            int k = 1 + seeded_below(3);
            for (int j = 0; j < k; j++) {
                const char *u = members[seeded_below(MEMBERS)].username;
                size_t x, len = json_array_size(r);
                for (x = 0; x < len; x++)
                    if (!strcmp(json_string_value(json_array_get(r, x)), u))
                        break;
                if (x == len)
                    json_array_append_new(r, json_string(u));
            }
            json_object_set_new(body, "recipients", r);
            break;
        }
        }

        json_t *doc = NULL;
        if (sql_path) {
            doc = sql_create(db, owner, body, s);
        } else if (library_create(db, &who, body, &doc, &err)) {
            char *dump = json_dumps(body, JSON_COMPACT);
            fprintf(stderr, "query_library: document %ld: %.300s\n", i, dump);
            free(dump);
            die("library_create", &err);
        }
        if (s != S_DRAFT) {
            /* Published as the workflow would leave it (submit, another member's approval,
             * publish): the status is not in the index, so the index stays the real one. */
            struct db_params p = DB_PARAMS_INIT;
            db_params_text(&p, json_string_value(json_object_get(doc, "id")));
            exec(db,
                 "UPDATE document SET status = 'published', submitted_at = created_at, "
                 "published_at = created_at WHERE id = ?",
                 &p);
            db_params_cleanup(&p);
        }
        json_decref(doc);
        json_decref(body);
        if ((i + 1) % BATCH == 0 || i + 1 == n) {
            if (db_commit(db, &err))
                die("commit", &err);
            if ((i + 1) % (BATCH * 10) == 0 || i + 1 == n)
                fprintf(stderr, "query_library: %ld documents, %.0f a second\n", i + 1,
                        (double)(i + 1) * 1e6 / (double)(time_mono_us() - t0));
        }
    }
    double secs = (double)(time_mono_us() - t0) / 1e6;
    printf("documents %ld seconds %.1f per_second %.0f\n", n, secs, n / secs);
    printf("mix green %ld amber %ld amber_strict %ld red %ld draft %ld\n", counts[S_GREEN],
           counts[S_AMBER], counts[S_STRICT], counts[S_RED], counts[S_DRAFT]);
    printf("members %d groups %d write %s\n", MEMBERS, GROUPS,
           sql_path ? "sql+library_index_put" : "library_create");
    for (int i = 0; i < MEMBERS; i++)
        printf("member %s %s groups %d\n", members[i].code, members[i].username,
               members[i].n_groups);
    db_close(db);
    return 0;
}

/* ---- queries ---- */

static bool is_filler(const char *w)
{
    for (size_t i = 0; i < N_FILLER; i++)
        if (!strcmp(filler_words[i], w))
            return true;
    return false;
}

static int queries(const char *path, uint64_t seed, int q)
{
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, DB_OPEN_READONLY, &err))
        die("open", &err);
    seeded_state ^= seed;
    int64_t max_n;
    if (db_query_int(db, "SELECT max(n) FROM document", 0, &max_n, &err) || max_n < 1)
        die("the store has no documents", &err);
    struct db_stmt *st;
    for (int i = 0; i < q;) {
        if (db_prepare(db, "SELECT title || ' ' || body FROM document WHERE n = ?", &st, &err))
            die("pick", &err);
        db_bind_int(st, 1, 1 + (int64_t)(seeded_next() % (uint64_t)max_n));
        if (db_step(st, &err) != DB_ROW) {
            db_stmt_done(st);
            continue;
        }
        /* The document's distinct words (letters only, 3 or more, no fillers). */
        char *t = strdup(db_column_text(st, 0));
        db_stmt_done(st);
        char *words[4096];
        int nw = 0;
        for (char *p = t; *p;) {
            while (*p && !isalpha((unsigned char)*p))
                p++;
            char *w = p;
            while (isalpha((unsigned char)*p))
                *p = (char)tolower((unsigned char)*p), p++;
            if (*p)
                *p++ = 0;
            if (strlen(w) < 3 || is_filler(w) || nw == 4096)
                continue;
            int seen = 0;
            for (int k = 0; k < nw && !seen; k++)
                seen = !strcmp(words[k], w);
            if (!seen)
                words[nw++] = w;
        }
        /* Each word, by a coin, one of the document's frequent terms (the handwritten list)
         * or one of its rare ones (the made-up names). */
        char *common[4096], *rare[4096];
        int nc = 0, nr = 0;
        for (int j = 0; j < nw; j++) {
            bool is_common = false;
            for (size_t c = 0; c < N_COMMON && !is_common; c++)
                is_common = !strcmp(common_words[c], words[j]);
            if (is_common)
                common[nc++] = words[j];
            else
                rare[nr++] = words[j];
        }
        int k = 1 + seeded_below(3);
        if (nc < k || nr < k) {
            free(t);
            continue;
        }
        struct buf line = BUF_INIT, fts = BUF_INIT;
        for (int j = 0; j < k; j++) {
            char **from = seeded_below(2) ? common : rare;
            int *left = from == common ? &nc : &nr;
            int x = seeded_below(*left);
            buf_printf(&line, "%s%s", j ? " " : "", from[x]);
            from[x] = from[--*left];
        }
        library_fts_query(buf_str(&line), &fts);
        printf("%s\t%s\n", buf_str(&line), buf_str(&fts));
        buf_cleanup(&line);
        buf_cleanup(&fts);
        free(t);
        i++;
    }
    db_close(db);
    return 0;
}

/* ---- search ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timing {
    double *wall, *cpu;
};

static void report(const char *name, struct timing *t, int n)
{
    qsort(t->wall, (size_t)n, sizeof *t->wall, cmp_double);
    qsort(t->cpu, (size_t)n, sizeof *t->cpu, cmp_double);
    int p99 = (int)(0.99 * n + 0.5) - 1;
    if (p99 < 0)
        p99 = 0;
    printf("%s %.3f %.3f %.3f %.3f %.3f\n", name, t->wall[n / 2], t->wall[p99], t->wall[n - 1],
           t->cpu[n / 2], t->cpu[p99]);
}

static void who_load(struct db *db, const char *username, struct principal *who)
{
    struct bh_error err;
    struct db_stmt *st;
    if (db_prepare(db,
                   "SELECT a.id, a.org_id, a.role, o.code FROM account a "
                   "JOIN org o ON o.id = a.org_id WHERE a.username = ?",
                   &st, &err))
        die("account", &err);
    db_bind_text(st, 1, username);
    if (db_step(st, &err) != DB_ROW)
        die("no such user", &err);
    principal_anonymous(who);
    who->account_id = db_column_int(st, 0);
    who->org_id = db_column_int(st, 1);
    who->role = role_parse(db_column_text(st, 2));
    snprintf(who->org_code, sizeof who->org_code, "%s", db_column_text(st, 3));
    snprintf(who->username, sizeof who->username, "%s", username);
    db_stmt_done(st);
}

/* The floor: the FTS5 query alone, ranked, top 20; with `count` also its number of matches. */
static int64_t floor_run(struct db *db, const char *weights, const char *fts, bool count)
{
    struct bh_error err;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT rowid, bm25(document_fts%s%s) FROM document_fts WHERE document_fts MATCH ? "
             "ORDER BY 2 LIMIT 20",
             *weights ? ", " : "", weights);
    struct db_stmt *st;
    if (db_prepare(db, sql, &st, &err))
        die("floor", &err);
    db_bind_text(st, 1, fts);
    int64_t rows = 0;
    int rc;
    while ((rc = db_step(st, &err)) == DB_ROW)
        rows++;
    db_stmt_done(st);
    if (rc < 0)
        die("floor", &err);
    if (!count)
        return rows;
    if (db_prepare(db, "SELECT count(*) FROM document_fts WHERE document_fts MATCH ?", &st, &err))
        die("floor count", &err);
    db_bind_text(st, 1, fts);
    if (db_step(st, &err) != DB_ROW)
        die("floor count", &err);
    rows = db_column_int(st, 0);
    db_stmt_done(st);
    return rows;
}

/* This process's private resident memory in bytes: /proc/self/statm's resident pages less
 * its shared ones. The store is read through a memory map (db/sqlite.c), whose pages count as
 * resident and shared; the index's arrays are private. 0 when unknown. */
static int64_t private_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long long size = 0, resident = 0, shared = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lld %lld %lld", &size, &resident, &shared) != 3)
        resident = shared = 0;
    fclose(f);
    return (resident - shared) * (int64_t)sysconf(_SC_PAGESIZE);
}

/* Builds the in-memory index before anything is timed, so that no search pays for it, and
 * prints what it cost: "memory BUILD_MS DOCUMENTS TERMS POSTINGS PRIVATE_MB". */
static void memory_warm(struct db *db)
{
    struct bh_error err;
    int64_t rss0 = private_bytes(), t0 = time_mono_us();
    if (library_memory_warm(db, &err))
        die("library_memory_warm", &err);
    double ms = (double)(time_mono_us() - t0) / 1e3;
    int64_t rss1 = private_bytes();
    struct library_memory_stats st;
    library_memory_stats(&st);
    printf("memory %.1f %" PRId64 " %" PRId64 " %" PRId64 " %.1f\n", ms, st.documents, st.terms,
           st.postings, (double)(rss1 - rss0) / 1048576.0);
}

static int64_t answered_count(void)
{
    struct library_memory_stats st;
    library_memory_stats(&st);
    return st.answered;
}

static int64_t builds_count(void)
{
    struct library_memory_stats st;
    library_memory_stats(&st);
    return st.builds;
}

/* Whether two replies of library_search() agree: the items' ids in order, the total and the
 * facets (both NULL when not asked for). */
static bool same_answer(const json_t *a, const json_t *b)
{
    const json_t *ia = json_object_get(a, "items"), *ib = json_object_get(b, "items");
    if (json_array_size(ia) != json_array_size(ib))
        return false;
    for (size_t i = 0; i < json_array_size(ia); i++) {
        const char *x = json_string_value(json_object_get(json_array_get(ia, i), "id"));
        const char *y = json_string_value(json_object_get(json_array_get(ib, i), "id"));
        if (!x || !y || strcmp(x, y))
            return false;
    }
    if (json_integer_value(json_object_get(a, "total")) !=
        json_integer_value(json_object_get(b, "total")))
        return false;
    const json_t *fa = json_object_get(a, "facets"), *fb = json_object_get(b, "facets");
    return (!fa && !fb) || (fa && fb && json_equal(fa, fb));
}

/* The first ids (whole: UUIDv7s share their first digits) and the total of a reply, for a
 * message. */
static void answer_summary(const json_t *r, struct buf *b)
{
    const json_t *items = json_object_get(r, "items");
    buf_puts(b, "[");
    for (size_t i = 0; i < json_array_size(items) && i < 3; i++)
        buf_printf(b, "%s%s", i ? " " : "",
                   json_string_value(json_object_get(json_array_get(items, i), "id")));
    buf_printf(b, "%s] of %zu, total %" PRId64 "%s", json_array_size(items) > 3 ? " ..." : "",
               json_array_size(items), (int64_t)json_integer_value(json_object_get(r, "total")),
               json_object_get(r, "facets") ? " (with facets)" : "");
}

static void report_difference(const char *q, const json_t *memory, const json_t *fts)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    answer_summary(memory, &a);
    answer_summary(fts, &b);
    fprintf(stderr,
            "query_library: \"%s\": the in-memory index answers %s; FTS5 (LIBRARY_ENGINE_SQL) "
            "answers %s\n",
            q, buf_str(&a), buf_str(&b));
    buf_cleanup(&a);
    buf_cleanup(&b);
}

static int search(const char *path, const char *username, const char *qfile, const char *weights)
{
    struct bh_error err;
    struct db *db;
    if (db_open(&db, path, DB_OPEN_READONLY | DB_OPEN_LONG_LIVED, &err))
        die("open", &err);
    struct principal who;
    who_load(db, username, &who);

    FILE *f = fopen(qfile, "r");
    if (!f)
        die(qfile, NULL);
    char **qs = NULL, **ftss = NULL, line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        qs = realloc(qs, (size_t)(n + 1) * sizeof *qs);
        ftss = realloc(ftss, (size_t)(n + 1) * sizeof *ftss);
        qs[n] = strdup(line);
        ftss[n] = strdup(tab + 1);
        n++;
    }
    fclose(f);
    if (!n)
        die("no queries in the file", NULL);

    memory_warm(db);

    /* search and search_facets: the default engine (the in-memory index); search_sql and
     * search_sql_facets: the same forced through FTS5, the path before the index. */
    enum { SEARCH, FACETS, SQL, SQL_FACETS, FLOOR, FLOOR_COUNT, SIDES };
    static const char *const names[] = { "search",     "search_facets",
                                         "search_sql", "search_sql_facets",
                                         "floor",      "floor_count" };
    struct timing t[SIDES];
    for (int s = 0; s < SIDES; s++) {
        t[s].wall = calloc((size_t)n, sizeof(double));
        t[s].cpu = calloc((size_t)n, sizeof(double));
    }
    /* Facets cost several queries more each: they run for the first few queries only. */
    const char *fq = getenv("BENCH_LIBRARY_FACET_QUERIES");
    int n_facets = fq ? atoi(fq) : 20;
    if (n_facets < 1 || n_facets > n)
        n_facets = n;
    int64_t *total = calloc((size_t)n, sizeof *total), *ftotal = calloc((size_t)n, sizeof *ftotal);
    char totals_path[1024];
    snprintf(totals_path, sizeof totals_path, "%s.totals", qfile);
    FILE *tf = fopen(totals_path, "w");
    int64_t expected = 0, declined = 0, differ = 0, compared = 0;
    int64_t builds0 = builds_count(), answered0 = answered_count();
    for (int i = 0; i < n; i++) {
        json_t *reply[SIDES] = { NULL };
        for (int k = 0; k < SIDES; k++) {
            int side = (k + i) % SIDES; /* each side goes first in turn */
            bool facets = side == FACETS || side == SQL_FACETS;
            bool memory = side == SEARCH || side == FACETS;
            if (facets && i >= n_facets)
                continue;
            if (side <= SQL_FACETS)
                library_search_engine(memory ? LIBRARY_ENGINE_AUTO : LIBRARY_ENGINE_SQL);
            int64_t before = memory ? answered_count() : 0;
            double c0 = cpu_ms();
            int64_t w0 = time_mono_us();
            if (side <= SQL_FACETS) {
                struct library_query q = { .q = qs[i], .limit = 20, .facets = facets };
                if (library_search(db, &who, &q, &reply[side], &err))
                    die(qs[i], &err);
            } else {
                int64_t r = floor_run(db, weights, ftss[i], side == FLOOR_COUNT);
                if (side == FLOOR_COUNT)
                    ftotal[i] = r;
            }
            t[side].wall[i] = (double)(time_mono_us() - w0) / 1e3;
            t[side].cpu[i] = cpu_ms() - c0;
            if (memory) {
                expected++;
                if (answered_count() == before && declined++ < 5)
                    fprintf(stderr,
                            "query_library: \"%s\"%s: the in-memory index declined it "
                            "(answered by FTS5)\n",
                            qs[i], facets ? " with facets" : "");
            }
        }
        library_search_engine(LIBRARY_ENGINE_AUTO);
        total[i] = json_integer_value(json_object_get(reply[SEARCH], "total"));
        /* The index must give FTS5's answer: the page, the total and the facets. */
        for (int s = SEARCH; s <= FACETS; s++) {
            if (!reply[s])
                continue;
            compared++;
            if (!same_answer(reply[s], reply[s + SQL]) && differ++ < 5)
                report_difference(qs[i], reply[s], reply[s + SQL]);
        }
        for (int s = 0; s < SIDES; s++)
            json_decref(reply[s]);
        if (tf)
            fprintf(tf, "%s\t%" PRId64 "\t%" PRId64 "\n", qs[i], total[i], ftotal[i]);
    }
    if (tf)
        fclose(tf);
    int64_t answered = answered_count() - answered0, rebuilds = builds_count() - builds0;
    for (int s = 0; s < SIDES; s++)
        report(names[s], &t[s], s == FACETS || s == SQL_FACETS ? n_facets : n);
    printf("facet_queries %d\n", n_facets);
    printf("answered %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", answered, expected,
           declined, rebuilds);
    printf("compared %" PRId64 " %" PRId64 "\n", compared, differ);
    int64_t sum = 0, most = 0, zero = 0, fsum = 0, fmost = 0, fzero = 0, over = 0;
    for (int i = 0; i < n; i++) {
        sum += total[i];
        most = total[i] > most ? total[i] : most;
        zero += total[i] == 0;
        fsum += ftotal[i];
        fmost = ftotal[i] > fmost ? ftotal[i] : fmost;
        fzero += ftotal[i] == 0;
        if (total[i] > ftotal[i] && over++ < 5)
            fprintf(stderr,
                    "query_library: \"%s\": the member got %" PRId64
                    " matches, the index has %" PRId64 "\n",
                    qs[i], total[i], ftotal[i]);
    }
    printf("matches %.1f %" PRId64 " %" PRId64 "\n", (double)sum / n, most, zero);
    printf("floor_matches %.1f %" PRId64 " %" PRId64 "\n", (double)fsum / n, fmost, fzero);
    printf("over %" PRId64 "\n", over);
    db_close(db);
    int rc = 0;
    if (answered != expected) {
        /* The timed figures would be those of FTS5, not of the index. */
        fprintf(stderr,
                "query_library: the in-memory index answered %" PRId64 " of %" PRId64
                " timed searches: %" PRId64 " declined\n",
                answered, expected, declined);
        rc = 1;
    }
    if (differ) {
        fprintf(stderr,
                "query_library: %" PRId64 " of %" PRId64
                " answers of the in-memory index differ from FTS5's\n",
                differ, compared);
        rc = 1;
    }
    if (rebuilds)
        fprintf(stderr,
                "query_library: the in-memory index was built %" PRId64
                " more times while searches were timed\n",
                rebuilds);
    if (over)
        rc = 1;
    if (sum == 0) {
        fprintf(stderr, "query_library: no query matched a document the member sees\n");
        rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "generate"))
        return generate(argv[2], atol(argv[3]), strtoull(argv[4], NULL, 10));
    if (argc == 5 && !strcmp(argv[1], "queries"))
        return queries(argv[2], strtoull(argv[3], NULL, 10), atoi(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "search"))
        return search(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 3 && !strcmp(argv[1], "text")) { /* the generator's text alone, for a look */
        seeded_state ^= strtoull(argv[2], NULL, 10);
        vocab_init();
        char *b = body_text(300);
        puts(b);
        free(b);
        return 0;
    }
    fprintf(stderr, "usage: query_library generate STORE N SEED\n"
                    "       query_library queries STORE SEED Q > QFILE\n"
                    "       query_library search STORE USERNAME QFILE WEIGHTS\n"
                    "       query_library text SEED\n");
    return 2;
}
