/* The library's in-memory search (src/library/search_memory.c) against the reference, FTS5
 * (LIBRARY_ENGINE_SQL): on a random library of a few hundred documents (a seeded generator,
 * the same library every run), every reader and every query of a table of words, filters,
 * facets, limits and pages gets the same reply both ways but for "as_of": the same items in
 * the same order with the same scores and snippets, the same total, cursor and facets. The
 * copy must really have answered (its counters), and must follow writes made after it was
 * built: a marking changed, a draft published, a document deleted, a text changed, tags added
 * and removed, a RED recipient named. Inside a transaction, and for a prefix, it declines. */
#include "support.h"

#include "base/mem.h"
#include "db/db.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-engine-passphrase-2026"

enum { CHN, BRA, FRA, IND, DPO, NORGS };
static const char *const codes[NORGS] = { "CHN", "BRA", "FRA", "IND", "DPO" };
static int64_t org_ids[NORGS];
static int64_t group_ids[3];
static struct db *db;
static struct principal admin, chn_fp, bra_fp, auditor, red_reader;

#define NDOCS 400

/* ---- the generator: splitmix64, a fixed seed ---- */

static uint64_t rng_state = 0x16b16b16b16bULL;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int pick(int n)
{
    return (int)(next_random() % (uint64_t)n);
}

static bool chance(int percent)
{
    return pick(100) < percent;
}

/* Words by rank: a word's weight is 1 / (rank + 1)^2, so the first ones are in most
 * documents and the last in a few. Stems ("patrols", "patrolling") and diacritics ("évacuation")
 * mix with their plain forms. */
static const char *const vocabulary[] = {
    "patrol",    "convoy",     "camp",       "night",      "route",      "patrols",
    "team",      "ambush",     "village",    "évacuation", "radio",      "patrolling",
    "vehicle",   "checkpoint", "evacuation", "bridge",     "river",      "sécurité",
    "mortar",    "drone",      "fuel",       "medical",    "escort",     "elders",
    "rain",      "helicopter", "generator",  "minefield",  "rations",    "interpreter",
    "sandstorm", "culvert",    "ferry",      "antenna",    "quarantine", "bivouac",
};
#define NWORDS (sizeof vocabulary / sizeof vocabulary[0])

static const char *zipf_word(void)
{
    static double cumulative[NWORDS];
    if (cumulative[NWORDS - 1] == 0) {
        double sum = 0;
        for (size_t i = 0; i < NWORDS; i++)
            cumulative[i] = (sum += 1.0 / ((double)(i + 1) * (double)(i + 1)));
    }
    double u = (double)(next_random() >> 11) / 9007199254740992.0 * cumulative[NWORDS - 1];
    for (size_t i = 0; i < NWORDS; i++)
        if (u < cumulative[i])
            return vocabulary[i];
    return vocabulary[NWORDS - 1];
}

static void words(char *out, size_t cap, int min, int max)
{
    int n = min + pick(max - min + 1);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len + 32 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", zipf_word());
}

static const char *const kinds[] = { "case_study", "lesson", "best_practice", "aar" };
static const char *const threats[] = { "ied",         "indirect_fire",  "ambush",
                                       "direct_fire", "attack_on_base", "road_accident",
                                       "illness" };
static const char *const missions[] = { "MINUSMA", "MINUSCA", "UNMISS", "UNIFIL", "MONUSCO" };
static const char *const activities[] = {
    "patrol", "convoy", "escort", "checkpoint", "medical_evacuation", "training"
};
static const char *const a4p[] = { "protection", "safety_security", "performance", "wps" };
static const char *const keywords[] = { "cimic", "routes", "night_ops", "heat" };
#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

static void add_tag(int64_t n, const char *facet, const char *value)
{
    struct bh_error err;
    must(db_exec_params(db,
                        "INSERT OR IGNORE INTO document_tag (document_n, facet, value) VALUES (?, "
                        "?, ?)",
                        DB_PARAMS(DB_INT(n), DB_TEXT(facet), DB_TEXT(value)), NULL, NULL, &err),
         &err, "tag");
}

static void name_recipient(const char *id, int64_t account)
{
    struct bh_error err;
    must(db_exec_params(db,
                        "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, account_id) "
                        "VALUES ('document', ?, ?)",
                        DB_PARAMS(DB_TEXT(id), DB_INT(account)), NULL, NULL, &err),
         &err, "recipient");
}

/* The group an owner may mark AMBER for: one it is a member of (groups 0: CHN BRA FRA,
 * 1: BRA IND, 2: FRA IND); 0 when none. */
static int64_t group_of(int owner)
{
    static const int of[NORGS][2] = {
        [CHN] = { 0, 0 }, [BRA] = { 0, 1 }, [FRA] = { 0, 2 }, [IND] = { 1, 2 }
    };
    return group_ids[of[owner][pick(2)]];
}

static void insert_doc(int i)
{
    static const char *const tlps[] = { "CLEAR", "GREEN",        "GREEN", "GREEN", "AMBER",
                                        "AMBER", "AMBER+STRICT", "RED",   "RED",   "CLEAR" };
    struct bh_error err;
    char id[32], updated[32], title[256], summary[512], happened[1024], body[2048];
    snprintf(id, sizeof id, "doc-%04d", i);
    snprintf(updated, sizeof updated, "2025-%02d-%02dT%02d:%02d:00Z", 1 + i % 12, 1 + i % 28,
             i % 24, i % 60);
    words(title, sizeof title, 2, 6);
    words(summary, sizeof summary, 4, 12);
    words(happened, sizeof happened, 0, 20);
    words(body, sizeof body, 0, 60);
    int owner = pick(4);
    int roll = pick(100);
    const char *status = roll < 80 ? "published" : roll < 90 ? "in_review" : "draft";
    const char *tlp = tlps[pick(10)];
    struct db_param group = { .kind = DB_PARAM_NULL };
    if (strcmp(tlp, "AMBER") == 0)
        group = DB_INT(group_of(owner));
    int64_t n = 0;
    must(db_exec_params(
             db,
             "INSERT INTO document (id, kind, title, summary, what_happened, body, language, year, "
             "status, owner_org_id, tlp, sharing_group_id, created_at, updated_at, published_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'published' THEN ? "
             "END) RETURNING n",
             DB_PARAMS(DB_TEXT(id), DB_TEXT(kinds[pick(4)]), DB_TEXT(title), DB_TEXT(summary),
                       DB_TEXT(happened), DB_TEXT(body), DB_TEXT(chance(80) ? "en" : "fr"),
                       DB_INT(2015 + pick(11)), DB_TEXT(status), DB_INT(org_ids[owner]),
                       DB_TEXT(tlp), group, DB_TEXT(updated), DB_TEXT(updated), DB_TEXT(status),
                       DB_TEXT(updated)),
             &n, NULL, &err),
         &err, id);
    for (int k = pick(3); k > 0; k--)
        add_tag(n, "threat", threats[pick(COUNT(threats))]);
    if (chance(70))
        add_tag(n, "mission", missions[pick(COUNT(missions))]);
    for (int k = pick(3); k > 0; k--)
        add_tag(n, "activity", activities[pick(COUNT(activities))]);
    if (chance(40))
        add_tag(n, "a4p", a4p[pick(COUNT(a4p))]);
    for (int k = pick(3); k > 0; k--)
        add_tag(n, "keyword", keywords[pick(COUNT(keywords))]);
    if (strcmp(tlp, "RED") == 0) {
        name_recipient(id, chance(50) ? red_reader.account_id : chn_fp.account_id);
        if (chance(30))
            name_recipient(id, bra_fp.account_id);
    }
    must(library_index_put(db, n, &err), &err, "library_index_put");
}

static int64_t add_group(const char *name, const int *members, int nmembers)
{
    int64_t ids[16];
    for (int i = 0; i < nmembers && i < 16; i++)
        ids[i] = org_ids[members[i]];
    return test_sharing_group(db, name, org_ids[members[0]], ids, nmembers < 16 ? nmembers : 16);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("library_engine", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    test_user_principal(db, "chn.fp", org_ids[CHN], "CHN", ROLE_FOCAL_POINT, NULL, PW, &chn_fp);
    test_user_principal(db, "bra.fp", org_ids[BRA], "BRA", ROLE_FOCAL_POINT, NULL, PW, &bra_fp);
    test_user_principal(db, "fra.auditor", org_ids[FRA], "FRA", ROLE_AUDITOR, NULL, PW, &auditor);
    test_user_principal(db, "ind.fp", org_ids[IND], "IND", ROLE_FOCAL_POINT, NULL, PW, &red_reader);
    group_ids[0] = add_group("chn-bra-fra", (int[]){ CHN, BRA, FRA }, 3);
    group_ids[1] = add_group("bra-ind", (int[]){ BRA, IND }, 2);
    group_ids[2] = add_group("fra-ind", (int[]){ FRA, IND }, 2);
    test_exec(db, "BEGIN");
    for (int i = 1; i <= NDOCS; i++)
        insert_doc(i);
    test_exec(db, "COMMIT");
    /* CHN joins bra-ind after BRA and IND marked their records: they never accepted it, so
     * it reads none of them (the rule the copy must apply as the SQL does). */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group_member (group_id, org_id) VALUES (%lld, %lld)",
             (long long)group_ids[1], (long long)org_ids[CHN]);
    test_exec(db, sql);
    library_search_engine(LIBRARY_ENGINE_AUTO);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- the comparison ---- */

static const struct reader {
    const char *name;
    const struct principal *who;
} readers[] = {
    { "admin", &admin },     { "chn.fp", &chn_fp }, { "bra.fp", &bra_fp },
    { "auditor", &auditor }, { "anonymous", NULL }, { "ind.fp (RED)", &red_reader },
};
#define NREADERS (sizeof readers / sizeof readers[0])

static json_t *search_with(enum library_engine engine, const struct principal *who,
                           const struct library_query *q)
{
    struct bh_error err;
    json_t *out = NULL;
    library_search_engine(engine);
    must(library_search(db, who, q, &out, &err), &err, q->q ? q->q : "(no words)");
    library_search_engine(LIBRARY_ENGINE_AUTO);
    assert_non_null(json_object_get(out, "as_of"));
    json_object_del(out, "as_of");
    return out;
}

static void describe(char *out, size_t cap, const char *reader, const struct library_query *q)
{
    snprintf(out, cap,
             "reader %s, q \"%s\", kind %s, year %d, org %s, status %s, threat %s, mission %s, "
             "activity %s, a4p %s, keyword %s, facets %d, limit %d, after %s",
             reader, q->q ? q->q : "", q->kind ? q->kind : "-", q->year, q->org ? q->org : "-",
             q->status ? q->status : "-", q->threat ? q->threat : "-",
             q->mission ? q->mission : "-", q->activity ? q->activity : "-", q->a4p ? q->a4p : "-",
             q->keyword ? q->keyword : "-", q->facets, q->limit, q->after ? q->after : "-");
}

static int mismatches;

/* Both engines' replies to one search; prints both when they differ (the first few only, so
 * that a broken engine's output stays readable). Returns the reference (the caller decrefs). */
static json_t *compare(const struct reader *r, const struct library_query *q)
{
    json_t *want = search_with(LIBRARY_ENGINE_SQL, r->who, q);
    json_t *got = search_with(LIBRARY_ENGINE_AUTO, r->who, q);
    if (!json_equal(want, got)) {
        if (mismatches++ < 4) {
            char what[512];
            describe(what, sizeof what, r->name, q);
            char *a = json_dumps(want, JSON_SORT_KEYS | JSON_INDENT(1));
            char *b = json_dumps(got, JSON_SORT_KEYS | JSON_INDENT(1));
            printf("MISMATCH %s\n--- FTS5:\n%s\n--- memory:\n%s\n", what, a, b);
            free(a);
            free(b);
        }
    }
    json_decref(got);
    return want;
}

static const char *const queries[] = {
    "patrol",        "camp",       "bivouac",       "convoy mortar",      "night patrol camp",
    "ferry antenna", "culvert",    "patrol patrol", "patrolling",         "patrols",
    "évacuation",    "evacuation", "securite",      "route river elders",
};
#define NQUERIES (sizeof queries / sizeof queries[0])

/* One filter at a time, and none. */
static void set_filter(struct library_query *q, int f)
{
    switch (f) {
    case 1:
        q->kind = "lesson";
        break;
    case 2:
        q->year = 2020;
        break;
    case 3:
        q->org = "BRA";
        break;
    case 4:
        q->status = "any";
        break;
    case 5:
        q->status = "in_review";
        break;
    case 6:
        q->status = "draft";
        break;
    case 7:
        q->threat = "ied";
        break;
    case 8:
        q->mission = "MINUSMA";
        break;
    case 9:
        q->activity = "patrol";
        break;
    case 10:
        q->a4p = "protection";
        break;
    case 11:
        q->keyword = "cimic";
        break;
    case 12:
        q->threat = "ambush";
        q->status = "any";
        q->facets = true;
        break;
    default:
        break;
    }
}
#define NFILTERS 13

static int64_t total_of(const json_t *reply)
{
    return json_integer_value(json_object_get(reply, "total"));
}

/* Runs the whole table for every reader; returns how many ranked searches ran with the copy
 * allowed (each must be answered by it). `some` runs every third query only (after the
 * writes, to keep the test short). */
static int64_t compare_all(bool some)
{
    int64_t ranked = 0;
    int64_t nonempty = 0, scored = 0;
    for (size_t r = 0; r < NREADERS; r++)
        for (size_t w = 0; w < NQUERIES; w++) {
            if (some && (w + r) % 3)
                continue;
            for (int f = 0; f < NFILTERS; f++) {
                struct library_query q = { .q = queries[w] };
                q.facets = (w + (size_t)f) % 2 == 0;
                q.limit = (w + (size_t)f + r) % 3 == 0 ? 5 : 20;
                set_filter(&q, f);
                json_t *want = compare(&readers[r], &q);
                ranked++;
                nonempty += total_of(want) > 0;
                /* Items of a ranked search carry what must be equal: score and snippet. */
                json_t *item = json_array_get(json_object_get(want, "items"), 0);
                if (item && json_is_real(json_object_get(item, "score")) &&
                    json_array_size(json_object_get(item, "snippet")) > 0)
                    scored++;
                json_decref(want);
            }
        }
    /* A table of searches that find nothing proves nothing. */
    printf("compared %lld searches, %lld of them finding something\n", (long long)ranked,
           (long long)nonempty);
    assert_true(nonempty > ranked / 3);
    assert_true(scored > 0);
    return ranked;
}

/* Three pages of 5 by the cursor, for a common and a two-word query. */
static int64_t compare_pages(void)
{
    int64_t ranked = 0;
    static const char *const paged[] = { "patrol", "night camp" };
    for (size_t r = 0; r < NREADERS; r++)
        for (size_t w = 0; w < 2; w++) {
            char *after = NULL;
            for (int page = 0; page < 3; page++) {
                struct library_query q = {
                    .q = paged[w], .limit = 5, .facets = page == 0, .after = after
                };
                json_t *want = compare(&readers[r], &q);
                ranked++;
                free(after);
                const char *next = json_string_value(json_object_get(want, "next"));
                after = next ? xstrdup(next) : NULL;
                json_decref(want);
                if (!after)
                    break;
            }
            free(after);
        }
    return ranked;
}

static void the_copy_answers_as_fts5_does(void **state)
{
    (void)state;
    struct library_memory_stats before, after;
    library_memory_stats(&before);
    int64_t ranked = compare_all(false) + compare_pages();
    library_memory_stats(&after);
    assert_int_equal(mismatches, 0);
    assert_int_equal(after.answered - before.answered, ranked);
    assert_true(after.documents > 0 && after.documents <= NDOCS);
}

/* A prefix is FTS5's alone: declined, and the same reply. Listing without words is not a
 * ranked search: neither answered nor declined. */
static void a_prefix_is_declined(void **state)
{
    (void)state;
    struct library_memory_stats before, after;
    struct library_query q = { .q = "patr*", .limit = 20, .facets = true };
    json_t *want = search_with(LIBRARY_ENGINE_SQL, &chn_fp, &q);
    library_memory_stats(&before);
    json_t *got = search_with(LIBRARY_ENGINE_AUTO, &chn_fp, &q);
    library_memory_stats(&after);
    assert_int_equal(after.declined - before.declined, 1);
    assert_int_equal(after.answered, before.answered);
    assert_true(total_of(want) > 0);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
}

/* ---- writes after the copy was built ---- */

static int64_t n_of(const char *sql)
{
    int64_t n = test_query_int(db, sql);
    assert_true(n > 0);
    return n;
}

static void set_text(int64_t n, const char *word)
{
    struct bh_error err;
    must(db_exec_params(db, "UPDATE document SET body = body || ' ' || ? WHERE n = ?",
                        DB_PARAMS(DB_TEXT(word), DB_INT(n)), NULL, NULL, &err),
         &err, "update body");
    must(library_index_put(db, n, &err), &err, "library_index_put");
}

/* The total, and whether document n is in the first page, as `who` searching `words`. */
static int64_t found(const struct principal *who, const char *words_, int64_t n, bool *in_items)
{
    struct library_query q = { .q = words_, .limit = 20, .status = "any" };
    struct reader r = { "check", who };
    json_t *want = compare(&r, &q);
    char id[32];
    snprintf(id, sizeof id, "doc-%04lld", (long long)n);
    *in_items = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(want, "items"), i, it)
    {
        *in_items |= strcmp(json_string_value(json_object_get(it, "id")), id) == 0;
    }
    int64_t total = total_of(want);
    json_decref(want);
    return total;
}

static void the_copy_follows_writes(void **state)
{
    (void)state;
    struct bh_error err;
    bool in;
    char sql[256];
    /* Build the copy first, so that everything below is a change it must apply. */
    struct library_memory_stats before, after;
    must(library_memory_warm(db, &err), &err, "warm");
    library_memory_stats(&before);

    /* A text changed: its new word finds it, for BRA too while it is GREEN. */
    snprintf(sql, sizeof sql,
             "SELECT min(n) FROM document WHERE tlp = 'GREEN' AND status = 'published' AND "
             "owner_org_id = %lld",
             (long long)org_ids[CHN]);
    int64_t green = n_of(sql);
    set_text(green, "quokka");
    assert_int_equal(found(&bra_fp, "quokka", green, &in), 1);
    assert_true(in);
    /* GREEN to RED: gone for BRA, still the admin's; then BRA named: back. */
    snprintf(sql, sizeof sql, "UPDATE document SET tlp = 'RED' WHERE n = %lld", (long long)green);
    test_exec(db, sql);
    assert_int_equal(found(&bra_fp, "quokka", green, &in), 0);
    assert_false(in);
    assert_int_equal(found(&admin, "quokka", green, &in), 1);
    snprintf(sql, sizeof sql, "doc-%04lld", (long long)green);
    name_recipient(sql, bra_fp.account_id);
    assert_int_equal(found(&bra_fp, "quokka", green, &in), 1);
    assert_true(in);

    /* A draft published: CHN reads it once it is. */
    snprintf(sql, sizeof sql,
             "SELECT min(n) FROM document WHERE status = 'draft' AND tlp IN ('CLEAR', 'GREEN') "
             "AND owner_org_id <> %lld",
             (long long)org_ids[CHN]);
    int64_t draft = n_of(sql);
    set_text(draft, "wombat");
    assert_int_equal(found(&chn_fp, "wombat", draft, &in), 0);
    assert_int_equal(found(&admin, "wombat", draft, &in), 1);
    snprintf(sql, sizeof sql,
             "UPDATE document SET status = 'published', published_at = updated_at WHERE n = %lld",
             (long long)draft);
    test_exec(db, sql);
    assert_int_equal(found(&chn_fp, "wombat", draft, &in), 1);
    assert_true(in);

    /* A document deleted: out of every search of its words. */
    struct library_query q = { .q = "patrol", .limit = 20, .status = "any" };
    json_t *first = search_with(LIBRARY_ENGINE_SQL, &admin, &q);
    const char *gone_id = json_string_value(
        json_object_get(json_array_get(json_object_get(first, "items"), 0), "id"));
    int64_t total = total_of(first);
    snprintf(sql, sizeof sql, "SELECT n FROM document WHERE id = '%s'", gone_id);
    int64_t gone = n_of(sql);
    json_decref(first);
    snprintf(sql, sizeof sql, "DELETE FROM document WHERE n = %lld", (long long)gone);
    test_exec(db, sql);
    must(library_index_delete(db, gone, &err), &err, "library_index_delete");
    assert_int_equal(found(&admin, "patrol", gone, &in), total - 1);
    assert_false(in);

    /* Tags added and removed: the facet filters follow. */
    struct library_query tq = {
        .q = "quokka", .limit = 20, .status = "any", .threat = "cbrn_attack", .facets = true
    };
    struct reader ar = { "admin", &admin };
    json_t *t = compare(&ar, &tq);
    assert_int_equal(total_of(t), 0);
    json_decref(t);
    add_tag(green, "threat", "cbrn_attack");
    must(library_index_put(db, green, &err), &err, "put");
    t = compare(&ar, &tq);
    assert_int_equal(total_of(t), 1);
    json_decref(t);
    snprintf(sql, sizeof sql,
             "DELETE FROM document_tag WHERE document_n = %lld AND facet = 'threat' AND value = "
             "'cbrn_attack'",
             (long long)green);
    test_exec(db, sql);
    must(library_index_put(db, green, &err), &err, "put");
    t = compare(&ar, &tq);
    assert_int_equal(total_of(t), 0);
    json_decref(t);

    /* And the whole table again, on the changed library. */
    int64_t ranked = compare_all(true) + compare_pages();
    library_memory_stats(&after);
    assert_int_equal(mismatches, 0);
    assert_int_equal(after.builds, before.builds); /* applied from the log, not rebuilt */
    assert_true(after.applied > before.applied);
    assert_true(after.answered - before.answered >= ranked);
}

/* Inside an open transaction the copy (of committed writes) declines, and FTS5 answers. */
static void a_transaction_is_declined(void **state)
{
    (void)state;
    struct bh_error err;
    struct library_memory_stats before, after;
    struct library_query q = { .q = "camp night", .limit = 20, .facets = true };
    must(db_begin(db, &err), &err, "begin");
    json_t *want = search_with(LIBRARY_ENGINE_SQL, &chn_fp, &q);
    library_memory_stats(&before);
    json_t *got = search_with(LIBRARY_ENGINE_AUTO, &chn_fp, &q);
    library_memory_stats(&after);
    db_rollback(db);
    assert_int_equal(after.declined - before.declined, 1);
    assert_int_equal(after.answered, before.answered);
    assert_true(total_of(want) > 0);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
}

/* After a reset the next search builds the copy again, and answers. */
static void a_reset_builds_again(void **state)
{
    (void)state;
    struct library_memory_stats before, after;
    library_memory_stats(&before);
    library_memory_reset();
    struct library_query q = { .q = "convoy", .limit = 5 };
    struct reader r = { "bra.fp", &bra_fp };
    json_decref(compare(&r, &q));
    library_memory_stats(&after);
    assert_int_equal(mismatches, 0);
    assert_int_equal(after.builds - before.builds, 1);
    assert_int_equal(after.answered - before.answered, 1);
}

/* A word in no document: nothing, no cursor, facets of nothing, from the copy too. Last in
 * the table: a crash of the copy here (it holds its lock) cannot hang the tests after it. */
static void a_word_in_no_document(void **state)
{
    (void)state;
    struct library_memory_stats before, after;
    library_memory_stats(&before);
    int64_t ranked = 0;
    for (size_t r = 0; r < NREADERS; r++)
        for (int f = 0; f < NFILTERS; f += 4) {
            struct library_query q = { .q = "zzyzx", .limit = 20, .facets = f % 8 == 0 };
            set_filter(&q, f);
            json_t *want = compare(&readers[r], &q);
            ranked++;
            assert_int_equal(total_of(want), 0);
            assert_true(json_is_null(json_object_get(want, "next")));
            json_decref(want);
        }
    struct library_query q = { .q = "patrol zzyzx", .limit = 5, .facets = true };
    json_t *want = compare(&readers[0], &q);
    ranked++;
    assert_int_equal(total_of(want), 0);
    json_decref(want);
    library_memory_stats(&after);
    assert_int_equal(mismatches, 0);
    assert_int_equal(after.answered - before.answered, ranked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-engine-equals-fts5", the_copy_answers_as_fts5_does),
        BH_TEST("unit/library-engine-prefix-declined", a_prefix_is_declined),
        BH_TEST("unit/library-engine-follows-writes", the_copy_follows_writes),
        BH_TEST("unit/library-engine-transaction-declined", a_transaction_is_declined),
        BH_TEST("unit/library-engine-reset-builds", a_reset_builds_again),
        BH_TEST("unit/library-engine-no-match", a_word_in_no_document),
    };
    return cmocka_run_group_tests_name("unit/library_engine", tests, setup, teardown);
}
