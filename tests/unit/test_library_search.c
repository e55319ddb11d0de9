/* The library's search (src/library/search_sqlite.c) in one store: a fixture corpus of lessons
 * written for it, ranked for given queries (title before body, diacritics folded, English
 * stems); what a reader may not see is in no item, total, facet count or related list;
 * snippets mark the matched words; facets and filters count exactly; paging by cursor; related
 * documents of a document and of an incident; and the reader's words made a safe FTS5 query.
 * The corpus is written straight into the tables and indexed with library_index_put: this is
 * a test of search, not of writing documents. */
#include "support.h"

#include "incident/incident.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-search-passphrase-2026"

enum { CHN, BRA, FRA, DPO, NORGS };
static const char *const codes[NORGS] = { "CHN", "BRA", "FRA", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal chn_coord, chn_rep, bra_fp, admin;

struct doc {
    const char *key, *kind, *title, *summary, *happened, *body, *lang;
    int year;
    const char *status;
    int owner;
    const char *tlp, *tags, *updated;
};

/* The corpus. Readers see, as BRA: every published one but "red" (RED for chn.coord) and
 * "strict" (CHN's AMBER+STRICT); "draft" is CHN's working copy, "review" in review. */
static const struct doc corpus[] = {
    { "ied-convoy", "lesson", "IED attacks on logistics convoys",
      "Route clearance ahead of each convoy cut IED casualties by half.",
      "A column of twelve trucks was struck by a roadside device.",
      "## What we changed\n\nEvery column now waits for the route clearance team.", "en", 2023,
      "published", CHN, "GREEN", "threat:ied mission:MINUSMA activity:convoy",
      "2024-03-01T00:00:00Z" },
    { "camp-idf", "case_study", "Indirect fire on a super camp",
      "Early warning radar and bunkers kept casualties low.", "Rockets fell at dawn.",
      "Sirens sounded 20 seconds before impact.", "en", 2022, "published", BRA, "GREEN",
      "threat:indirect_fire mission:MINUSMA activity:base_defence", "2024-02-01T00:00:00Z" },
    { "medevac-fr", "lesson", "Évacuation sanitaire de nuit",
      "L'hélicoptère de nuit demande une zone balisée.", "Un blessé grave a attendu des heures.",
      "Les pilotes exigent des feux au sol.", "fr", 2023, "published", FRA, "GREEN",
      "mission:MINUSCA activity:medevac", "2024-01-15T00:00:00Z" },
    { "heat", "best_practice", "Preventing heat injuries on patrol",
      "Water discipline and rest cycles.", "Three soldiers collapsed at midday.",
      "Carry four litres per person.", "en", 2023, "published", CHN, "CLEAR",
      "threat:illness mission:UNMISS activity:patrol", "2024-01-10T00:00:00Z" },
    { "road", "lesson", "Road accidents in the rainy season",
      "Speed limits for heavy vehicles on mud roads.", "A water truck rolled over on a slope.",
      "Poor maintenance of brakes was a factor.", "en", 2022, "published", BRA, "GREEN",
      "threat:road_accident mission:UNMISS activity:convoy", "2023-12-01T00:00:00Z" },
    { "ambush-patrol", "aar", "Ambush on a foot patrol",
      "The patrol was ambushed near a village; the reaction force came in ten minutes.", "", "",
      "en", 2024, "published", CHN, "GREEN", "threat:ambush mission:MINUSCA activity:patrol",
      "2024-04-01T00:00:00Z" },
    { "community", "case_study", "Community engagement in the north",
      "Talking to village elders before patrols.", "",
      "Elders once warned us that an IED lay on the convoy route.", "en", 2021, "published", FRA,
      "GREEN", "mission:MINUSMA keyword:cimic", "2023-06-01T00:00:00Z" },
    { "maintenance", "best_practice", "Vehicle maintenance before a convoy",
      "Checklists for drivers.", "", "Brakes, tyres and lights.", "en", 2023, "published", CHN,
      "GREEN", "activity:convoy", "2024-02-15T00:00:00Z" },
    { "casevac", "lesson", "Casualty evacuation drills",
      "Rehearsed evacuation cut the time to surgery.", "", "", "en", 2024, "published", BRA,
      "GREEN", "mission:MINUSMA activity:medevac", "2024-05-01T00:00:00Z" },
    { "camp-fr", "lesson", "Sécurité du camp", "Une attaque au mortier a visé le camp.", "",
      "Les abris ont protégé le personnel.", "fr", 2022, "published", FRA, "GREEN",
      "threat:indirect_fire mission:MINUSCA", "2023-09-01T00:00:00Z" },
    { "ambushes", "lesson", "Lessons from repeated ambushes", "Varying routes and times.", "", "",
      "en", 2023, "published", FRA, "GREEN", "threat:ambush mission:MINUSCA keyword:routes",
      "2024-03-15T00:00:00Z" },
    { "draft", "lesson", "Draft: ambush near the river", "Still being written.", "", "", "en", 2024,
      "draft", CHN, "GREEN", "threat:ambush", "2024-06-01T00:00:00Z" },
    { "red", "case_study", "Ambush on the escort", "Named readers only.", "", "", "en", 2024,
      "published", CHN, "RED", "threat:ambush mission:MINUSCA", "2024-06-02T00:00:00Z" },
    { "strict", "aar", "Ambush debrief for the contingent", "Inside CHN only.", "", "", "en", 2024,
      "published", CHN, "AMBER+STRICT", "threat:ambush", "2024-06-03T00:00:00Z" },
    { "review", "lesson", "Night ambush at the ford", "Under review.", "", "", "en", 2024,
      "in_review", BRA, "GREEN", "threat:ambush mission:MINUSCA", "2024-06-04T00:00:00Z" },
    { "old-heat", "lesson", "Heat stroke at the airport", "Shade and water at the apron.", "", "",
      "en", 2019, "published", FRA, "GREEN", "threat:illness", "2020-01-01T00:00:00Z" },
};
#define NDOCS (sizeof corpus / sizeof corpus[0])

static void insert_doc(const struct doc *d)
{
    struct bh_error err;
    char id[64];
    snprintf(id, sizeof id, "doc-%s", d->key);
    int64_t n = 0;
    must(db_exec_params(
             db,
             "INSERT INTO document (id, kind, title, summary, what_happened, body, language, year, "
             "status, owner_org_id, tlp, created_at, updated_at, published_at) VALUES (?, ?, ?, "
             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'published' THEN ? END) RETURNING n",
             DB_PARAMS(DB_TEXT(id), DB_TEXT(d->kind), DB_TEXT(d->title), DB_TEXT(d->summary),
                       DB_TEXT(d->happened), DB_TEXT(d->body), DB_TEXT(d->lang), DB_INT(d->year),
                       DB_TEXT(d->status), DB_INT(org_ids[d->owner]), DB_TEXT(d->tlp),
                       DB_TEXT(d->updated), DB_TEXT(d->updated), DB_TEXT(d->status),
                       DB_TEXT(d->updated)),
             &n, NULL, &err),
         &err, id);
    char tags[256];
    snprintf(tags, sizeof tags, "%s", d->tags);
    for (char *save, *t = strtok_r(tags, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(t, ':');
        *colon = '\0';
        must(db_exec_params(db,
                            "INSERT INTO document_tag (document_n, facet, value) VALUES (?, "
                            "?, ?)",
                            DB_PARAMS(DB_INT(n), DB_TEXT(t), DB_TEXT(colon + 1)), NULL, NULL, &err),
             &err, id);
    }
    must(library_index_put(db, n, &err), &err, "library_index_put");
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("library_search", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "chn.coord", org_ids[CHN], "CHN", ROLE_COORDINATOR, NULL, PW,
                        &chn_coord);
    test_user_principal(db, "chn.rep", org_ids[CHN], "CHN", ROLE_REPORTER, NULL, PW, &chn_rep);
    test_user_principal(db, "bra.fp", org_ids[BRA], "BRA", ROLE_FOCAL_POINT, NULL, PW, &bra_fp);
    test_user_principal(db, "dpo.admin", org_ids[DPO], "DPO", ROLE_ADMIN, NULL, PW, &admin);
    for (size_t i = 0; i < NDOCS; i++)
        insert_doc(&corpus[i]);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO tlp_recipient (record_type, record_id, account_id) VALUES "
             "('document', 'doc-red', %lld)",
             (long long)chn_coord.account_id);
    test_exec(db, sql);
    /* An incident of BRA's (an IED in MINUSMA) and one hidden from BRA; the road lesson is
     * linked to the first. */
    const struct test_incident inc[] = {
        { "inc-bra", "MINUSMA", "2024-01-05T08:00:00Z", 16.27, -0.04, "IED on the road", "BRA",
          "GREEN", NULL },
        { "inc-chn", "MINUSMA", "2024-01-06T08:00:00Z", 16.27, -0.04, "IED near camp", "CHN",
          "AMBER+STRICT", NULL },
    };
    test_insert_incidents(db, inc, 2);
    test_exec(db, "INSERT INTO document_link (document_n, record_type, record_id, position) "
                  "SELECT n, 'incident', 'inc-bra', 0 FROM document WHERE id = 'doc-road'");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- helpers ---- */

static json_t *search(const struct principal *who, struct library_query q)
{
    struct bh_error err;
    json_t *out = NULL;
    if (!q.limit)
        q.limit = 20;
    must(library_search(db, who, &q, &out, &err), &err, "library_search");
    return out;
}

/* The items' ids without their "doc-" prefix, space-separated, in order. */
static char *ids(const json_t *items)
{
    static char out[1024];
    out[0] = '\0';
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        if (i)
            strcat(out, " ");
        strcat(out, json_string_value(json_object_get(it, "id")) + 4);
    }
    return out;
}

static char *search_ids(const struct principal *who, struct library_query q, int64_t *total)
{
    json_t *r = search(who, q);
    char *s = ids(json_object_get(r, "items"));
    if (total)
        *total = json_integer_value(json_object_get(r, "total"));
    json_decref(r);
    return s;
}

/* A facet as "value:count value:count ...". */
static char *facet(const json_t *reply, const char *name)
{
    static char out[512];
    out[0] = '\0';
    const json_t *arr = json_object_get(json_object_get(reply, "facets"), name);
    assert_non_null(arr);
    size_t i;
    const json_t *row;
    json_array_foreach(arr, i, row)
    {
        char one[96];
        const json_t *v = json_object_get(row, "value");
        if (json_is_integer(v))
            snprintf(one, sizeof one, "%s%lld:%lld", i ? " " : "", (long long)json_integer_value(v),
                     (long long)json_integer_value(json_object_get(row, "count")));
        else
            snprintf(one, sizeof one, "%s%s:%lld", i ? " " : "", json_string_value(v),
                     (long long)json_integer_value(json_object_get(row, "count")));
        strcat(out, one);
    }
    return out;
}

static void assert_fts(const char *text, const char *want)
{
    struct buf b = BUF_INIT;
    library_fts_query(text, &b);
    if (strcmp(buf_str(&b), want) != 0)
        fail_msg("library_fts_query(%s) gave [%s], want [%s]", text, buf_str(&b), want);
    buf_cleanup(&b);
}

/* ---- tests ---- */

/* unit/library-search-fts-query: operators and column filters are quoted as words, prefixes
 * kept, limits applied, UTF-8 cut on a character boundary. */
static void unit_library_search_fts_query(void **state)
{
    (void)state;
    assert_fts("ied convoy", "\"ied\" \"convoy\"");
    assert_fts("a OR b", "\"a\" \"OR\" \"b\"");
    assert_fts("NEAR(a b)", "\"NEAR\" \"a\" \"b\"");
    assert_fts("title:x", "\"title\" \"x\"");
    assert_fts("{title body}: x", "\"title\" \"body\" \"x\"");
    assert_fts("\"", "");
    assert_fts("*", "");
    assert_fts("", "");
    assert_fts(NULL, "");
    assert_fts("-a", "\"a\"");
    assert_fts("^a + b", "\"a\" \"b\"");
    assert_fts("evac*", "\"evac\"*");
    assert_fts("evac* *x", "\"evac\"* \"x\"");
    assert_fts("l'évacuation", "\"l\" \"évacuation\"");
    assert_fts("«camp»\xc2\xa0mortier", "\"camp\" \"mortier\"");
    assert_fts("bad\xff\xfe"
               "byte",
               "\"bad\" \"byte\"");
    assert_fts("1 2 3 4 5 6 7 8 9 10 11 12",
               "\"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" \"9\" \"10\"");
    char longw[100], want[100];
    memset(longw, 'a', 70);
    longw[70] = '\0';
    snprintf(want, sizeof want, "\"%.64s\"", longw);
    assert_fts(longw, want);
    /* 63 bytes then a two-byte letter: the letter would end at byte 65, so it goes. */
    memset(longw, 'b', 63);
    strcpy(longw + 63, "é");
    snprintf(want, sizeof want, "\"%.63s\"", longw);
    assert_fts(longw, want);
}

/* unit/library-search-ranking: the expected best match for each query. */
static void unit_library_search_ranking(void **state)
{
    (void)state;
    int64_t total;
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .q = "ied convoy" }, &total),
                        "ied-convoy community");
    assert_int_equal(total, 2);
    /* A title's word before the same word in a body. */
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .q = "maintenance" }, NULL),
                        "maintenance road");
    /* Diacritics folded both ways. */
    char *a = search_ids(&bra_fp, (struct library_query){ .q = "évacuation" }, &total);
    assert_int_equal(total, 2);
    assert_true(strstr(a, "medevac-fr") && strstr(a, "casevac"));
    a = search_ids(&bra_fp, (struct library_query){ .q = "EVACUATION" }, &total);
    assert_int_equal(total, 2);
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .q = "securite" }, NULL),
                        "camp-fr");
    /* English stems: "ambushes" finds "ambush" and "ambushed". */
    a = search_ids(&bra_fp, (struct library_query){ .q = "ambushes" }, &total);
    assert_int_equal(total, 2);
    assert_true(strstr(a, "ambush-patrol") && strstr(a, "ambushes"));
    /* Tags' words: the threat type's acronym and label, the mission's name. */
    a = search_ids(&bra_fp, (struct library_query){ .q = "improvised explosive" }, &total);
    assert_string_equal(a, "ied-convoy");
    a = search_ids(&bra_fp, (struct library_query){ .q = "RCIED" }, NULL);
    assert_string_equal(a, "ied-convoy");
    /* A prefix. */
    search_ids(&bra_fp, (struct library_query){ .q = "evac*" }, &total);
    assert_int_equal(total, 2);
    /* Operators are words: no error, and nothing matches "near". */
    search_ids(&bra_fp, (struct library_query){ .q = "NEAR(ambush patrol) OR \"x" }, &total);
    assert_int_equal(total, 0);
    /* Nothing searchable: the list, newest first. */
    a = search_ids(&bra_fp, (struct library_query){ .q = "* - \"", .limit = 3 }, &total);
    assert_string_equal(a, "casevac ambush-patrol ambushes");
    assert_int_equal(total, 12);
}

static bool segment_hit(const json_t *snippet, const char *word)
{
    size_t i;
    const json_t *seg;
    json_array_foreach(snippet, i, seg)
    {
        const char *text = json_string_value(json_object_get(seg, "text"));
        for (const char *p = text; *p; p++)
            assert_true((unsigned char)*p >= 0x20);
        if (json_is_true(json_object_get(seg, "hit")) && strcasecmp(text, word) == 0)
            return true;
    }
    return false;
}

/* unit/library-search-snippets: the matched words are the hit segments, of the column that
 * matched; no control characters. */
static void unit_library_search_snippets(void **state)
{
    (void)state;
    json_t *r = search(&bra_fp, (struct library_query){ .q = "elders convoy" });
    const json_t *items = json_object_get(r, "items");
    assert_int_equal(json_array_size(items), 1);
    const json_t *sn = json_object_get(json_array_get(items, 0), "snippet");
    assert_true(segment_hit(sn, "convoy"));
    assert_true(segment_hit(sn, "Elders"));
    assert_false(segment_hit(sn, "route"));
    assert_true(json_real_value(json_object_get(json_array_get(items, 0), "score")) > 0);
    json_decref(r);
    /* A match in the summary only. */
    r = search(&bra_fp, (struct library_query){ .q = "radar" });
    sn = json_object_get(json_array_get(json_object_get(r, "items"), 0), "snippet");
    assert_true(segment_hit(sn, "radar"));
    json_decref(r);
    /* The body's Markdown line breaks become spaces. */
    r = search(&bra_fp, (struct library_query){ .q = "changed clearance team" });
    sn = json_object_get(json_array_get(json_object_get(r, "items"), 0), "snippet");
    assert_true(segment_hit(sn, "team"));
    json_decref(r);
}

/* unit/library-search-visibility: RED, AMBER+STRICT and another organization's draft never
 * show, nor count, for a reader who may not see them. */
static void unit_library_search_visibility(void **state)
{
    (void)state;
    int64_t total;
    json_t *r =
        search(&bra_fp, (struct library_query){ .q = "ambush", .status = "any", .facets = true });
    assert_string_equal(ids(json_object_get(r, "items")), "review ambushes ambush-patrol");
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 3);
    assert_string_equal(facet(r, "threat"), "ambush:3");
    assert_string_equal(facet(r, "kind"), "lesson:2 aar:1");
    assert_string_equal(facet(r, "mission"), "MINUSCA:3");
    assert_string_equal(facet(r, "year"), "2024:2 2023:1");
    json_decref(r);
    /* The RED document's reader, of the owner: everything. */
    search_ids(&chn_coord, (struct library_query){ .q = "ambush", .status = "any" }, &total);
    assert_int_equal(total, 6);
    /* Another member of the owner: the draft and the AMBER+STRICT one, not the RED one. */
    char *a =
        search_ids(&chn_rep, (struct library_query){ .q = "ambush", .status = "any" }, &total);
    assert_int_equal(total, 5);
    assert_null(strstr(a, "red"));
    /* A draft is its organization's, whatever status is asked for. */
    search_ids(&bra_fp, (struct library_query){ .q = "river", .status = "draft" }, &total);
    assert_int_equal(total, 0);
    assert_string_equal(
        search_ids(&chn_rep, (struct library_query){ .q = "river", .status = "draft" }, NULL),
        "draft");
    /* Anonymous: CLEAR only. */
    assert_string_equal(search_ids(NULL, (struct library_query){ .q = "" }, &total), "heat");
    /* The admin sees all published ones (14 of 16). */
    search_ids(&admin, (struct library_query){ .limit = 1 }, &total);
    assert_int_equal(total, 14);
}

/* unit/library-search-facets: exact counts over the visible published documents, each facet
 * under the other filters only. */
static void unit_library_search_facets(void **state)
{
    (void)state;
    json_t *r = search(&bra_fp, (struct library_query){ .facets = true });
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 12);
    assert_string_equal(facet(r, "kind"), "lesson:7 best_practice:2 case_study:2 aar:1");
    assert_string_equal(facet(r, "year"), "2023:5 2022:3 2024:2 2019:1 2021:1");
    assert_string_equal(facet(r, "threat"),
                        "ambush:2 illness:2 indirect_fire:2 ied:1 road_accident:1");
    assert_string_equal(facet(r, "mission"), "MINUSCA:4 MINUSMA:4 UNMISS:2");
    assert_string_equal(facet(r, "activity"), "convoy:3 medevac:2 patrol:2 base_defence:1");
    assert_string_equal(facet(r, "a4p"), "");
    const json_t *threat0 =
        json_array_get(json_object_get(json_object_get(r, "facets"), "threat"), 0);
    assert_string_equal(json_string_value(json_object_get(threat0, "label")), "Ambush");
    const json_t *m0 = json_array_get(json_object_get(json_object_get(r, "facets"), "mission"), 0);
    assert_non_null(json_string_value(json_object_get(m0, "label")));
    assert_non_null(json_string_value(json_object_get(r, "as_of")));
    json_decref(r);
    /* kind=lesson: the kind facet still counts every kind, the others lessons only. */
    r = search(&bra_fp, (struct library_query){ .kind = "lesson", .facets = true });
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 7);
    assert_string_equal(facet(r, "kind"), "lesson:7 best_practice:2 case_study:2 aar:1");
    assert_string_equal(facet(r, "year"), "2023:3 2022:2 2019:1 2024:1");
    json_decref(r);
    /* threat=ambush: the threat facet is of everything else's filters. */
    r = search(&bra_fp, (struct library_query){ .threat = "ambush", .facets = true });
    assert_string_equal(ids(json_object_get(r, "items")), "ambush-patrol ambushes");
    assert_string_equal(facet(r, "threat"),
                        "ambush:2 illness:2 indirect_fire:2 ied:1 road_accident:1");
    assert_string_equal(facet(r, "mission"), "MINUSCA:2");
    json_decref(r);
}

/* unit/library-search-filters: kind, tags, year, org, status, with and without words. */
static void unit_library_search_filters(void **state)
{
    (void)state;
    int64_t total;
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .kind = "aar" }, NULL),
                        "ambush-patrol");
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .keyword = "cimic" }, NULL),
                        "community");
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .year = 2022 }, NULL),
                        "camp-idf road camp-fr");
    search_ids(&bra_fp, (struct library_query){ .org = "FRA" }, &total);
    assert_int_equal(total, 5);
    search_ids(&bra_fp, (struct library_query){ .org = "ZZZ" }, &total);
    assert_int_equal(total, 0);
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .status = "in_review" }, NULL),
                        "review");
    assert_string_equal(search_ids(&bra_fp,
                                   (struct library_query){
                                       .q = "convoy", .activity = "convoy", .mission = "MINUSMA" },
                                   NULL),
                        "ied-convoy");
    assert_string_equal(
        search_ids(&bra_fp, (struct library_query){ .q = "heat", .year = 2019 }, NULL), "old-heat");
}

static void assert_bad(struct library_query q, const char *field)
{
    struct bh_error err;
    json_t *out = NULL;
    if (!q.limit)
        q.limit = 20;
    assert_int_equal(library_search(db, &bra_fp, &q, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, field);
    assert_null(out);
}

/* unit/library-search-invalid: each bad parameter named. */
static void unit_library_search_invalid(void **state)
{
    (void)state;
    assert_bad((struct library_query){ .limit = 101 }, "limit");
    assert_bad((struct library_query){ .limit = -1 }, "limit");
    assert_bad((struct library_query){ .kind = "poem" }, "kind");
    assert_bad((struct library_query){ .status = "deleted" }, "status");
    assert_bad((struct library_query){ .year = 12 }, "year");
    assert_bad((struct library_query){ .after = "garbage" }, "after");
    assert_bad((struct library_query){ .after = "o5" }, "after"); /* a ranked cursor in a list */
    assert_bad((struct library_query){ .q = "x", .after = "k2024-01-01T00:00:00Z~3" }, "after");
    assert_bad((struct library_query){ .q = "x", .after = "o99999" }, "after");
    assert_bad((struct library_query){ .after = "knot-a-time~3" }, "after");
    char tag[80];
    memset(tag, 'x', 70);
    tag[70] = '\0';
    assert_bad((struct library_query){ .threat = tag }, "threat");
}

/* Every page of a search, following "next": the ids in order, and the pages' count. */
static int all_pages(struct library_query q, char *out)
{
    out[0] = '\0';
    int pages = 0;
    char after[128] = "";
    for (;;) {
        q.after = after[0] ? after : NULL;
        json_t *r = search(&bra_fp, q);
        pages++;
        assert_int_equal(json_integer_value(json_object_get(r, "total")), 12);
        if (out[0] && json_array_size(json_object_get(r, "items")))
            strcat(out, " ");
        strcat(out, ids(json_object_get(r, "items")));
        const json_t *next = json_object_get(r, "next");
        if (json_is_null(next)) {
            json_decref(r);
            return pages;
        }
        snprintf(after, sizeof after, "%s", json_string_value(next));
        json_decref(r);
    }
}

/* unit/library-search-paging: a list by its keyset cursor, a ranking by its offset. */
static void unit_library_search_paging(void **state)
{
    (void)state;
    char *whole = strdup(search_ids(&bra_fp, (struct library_query){ .limit = 100 }, NULL));
    assert_string_equal(whole, "casevac ambush-patrol ambushes ied-convoy maintenance camp-idf "
                               "medevac-fr heat road camp-fr community old-heat");
    char paged[1024];
    assert_int_equal(all_pages((struct library_query){ .limit = 5 }, paged), 3);
    assert_string_equal(paged, whole);
    /* Ranked: four matches, one then the three others. */
    json_t *r = search(&bra_fp, (struct library_query){ .q = "convoy", .limit = 1 });
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 4);
    char first[64];
    snprintf(first, sizeof first, "%s", ids(json_object_get(r, "items")));
    const char *next = json_string_value(json_object_get(r, "next"));
    assert_string_equal(next, "o1");
    json_t *r2 =
        search(&bra_fp, (struct library_query){ .q = "convoy", .limit = 3, .after = next });
    assert_int_equal(json_array_size(json_object_get(r2, "items")), 3);
    assert_true(json_is_null(json_object_get(r2, "next")));
    assert_null(strstr(ids(json_object_get(r2, "items")), first));
    json_decref(r2);
    json_decref(r);
    free(whole);
}

static char *related_ids(const struct principal *who, const char *doc, const char *inc,
                         json_t **keep)
{
    struct bh_error err;
    json_t *items = json_array();
    must(library_related(db, who, doc, inc, 10, items, &err), &err, "library_related");
    char *s = ids(items);
    if (keep)
        *keep = items;
    else
        json_decref(items);
    return s;
}

static char *reason_of(const json_t *item)
{
    static char out[128];
    out[0] = '\0';
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(item, "reason"), i, r)
    {
        if (i)
            strcat(out, ",");
        strcat(out, json_string_value(r));
    }
    return out;
}

/* unit/library-search-related: linked first, then shared tags by weight, then newest; only
 * what the reader sees; the anchor must be visible. */
static void unit_library_search_related(void **state)
{
    (void)state;
    json_t *items;
    /* ambush-patrol: threat ambush, mission MINUSCA, activity patrol. */
    assert_string_equal(related_ids(&bra_fp, "doc-ambush-patrol", NULL, &items),
                        "ambushes medevac-fr camp-fr heat");
    assert_string_equal(reason_of(json_array_get(items, 0)), "threat,mission");
    assert_string_equal(reason_of(json_array_get(items, 3)), "activity");
    json_decref(items);
    /* The RED one's reader sees it too, the newer of the two best. */
    assert_string_equal(related_ids(&chn_coord, "doc-ambush-patrol", NULL, NULL),
                        "red ambushes strict medevac-fr camp-fr heat");
    /* The incident: an IED in MINUSMA, the road lesson linked to it. */
    assert_string_equal(related_ids(&bra_fp, NULL, "inc-bra", &items),
                        "road ied-convoy casevac camp-idf community");
    assert_string_equal(reason_of(json_array_get(items, 0)), "linked");
    assert_string_equal(reason_of(json_array_get(items, 1)), "threat,mission");
    assert_string_equal(reason_of(json_array_get(items, 2)), "mission");
    json_decref(items);
    struct bh_error err;
    items = json_array();
    assert_int_equal(library_related(db, &bra_fp, NULL, "inc-chn", 10, items, &err), BH_ENOTFOUND);
    assert_string_equal(err.field, "incident");
    assert_int_equal(library_related(db, &bra_fp, "doc-strict", NULL, 10, items, &err),
                     BH_ENOTFOUND);
    assert_string_equal(err.field, "document");
    assert_int_equal(library_related(db, &bra_fp, "doc-draft", NULL, 10, items, &err),
                     BH_ENOTFOUND);
    assert_int_equal(library_related(db, &bra_fp, NULL, NULL, 10, items, &err), BH_EINVALID);
    assert_int_equal(library_related(db, &bra_fp, "doc-road", "inc-bra", 10, items, &err),
                     BH_EINVALID);
    assert_int_equal(library_related(db, &bra_fp, "doc-road", NULL, 0, items, &err), BH_EINVALID);
    assert_string_equal(err.field, "limit");
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
}

/* unit/library-search-index: a document's row is replaced whole, and removed. */
static void unit_library_search_index(void **state)
{
    (void)state;
    struct bh_error err;
    int64_t n = test_query_int(db, "SELECT n FROM document WHERE id = 'doc-heat'");
    test_exec(db, "UPDATE document SET title = 'Preventing sunstroke' WHERE id = 'doc-heat'");
    must(library_index_put(db, n, &err), &err, "put");
    int64_t total;
    search_ids(&bra_fp, (struct library_query){ .q = "injuries" }, &total);
    assert_int_equal(total, 0);
    assert_string_equal(search_ids(&bra_fp, (struct library_query){ .q = "sunstroke" }, NULL),
                        "heat");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM document_fts"), (int64_t)NDOCS);
    must(library_index_delete(db, n, &err), &err, "delete");
    search_ids(&bra_fp, (struct library_query){ .q = "sunstroke" }, &total);
    assert_int_equal(total, 0);
    test_exec(db, "UPDATE document SET title = 'Preventing heat injuries on patrol' WHERE id = "
                  "'doc-heat'");
    must(library_index_put(db, n, &err), &err, "put");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/library-search-fts-query", unit_library_search_fts_query),
        BH_TEST("unit/library-search-ranking", unit_library_search_ranking),
        BH_TEST("unit/library-search-snippets", unit_library_search_snippets),
        BH_TEST("unit/library-search-visibility", unit_library_search_visibility),
        BH_TEST("unit/library-search-facets", unit_library_search_facets),
        BH_TEST("unit/library-search-filters", unit_library_search_filters),
        BH_TEST("unit/library-search-invalid", unit_library_search_invalid),
        BH_TEST("unit/library-search-paging", unit_library_search_paging),
        BH_TEST("unit/library-search-related", unit_library_search_related),
        BH_TEST("unit/library-search-index", unit_library_search_index),
    };
    return cmocka_run_group_tests_name("unit/library_search", tests, setup, teardown);
}
