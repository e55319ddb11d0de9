/* libFuzzer target: the library's search (src/library/search_sqlite.c) with its two engines,
 * the in-memory index (search_memory.c, which parses library_fts_query()'s expression again and
 * tokenizes each term as FTS5 would, or declines) and FTS5 itself (LIBRARY_ENGINE_SQL, the
 * reference). Whatever words a reader types, both give the same reply but for "as_of": the
 * same return code and, on success, the same items, scores, snippets, total, cursor and facets.
 *
 * The store is made once: seeded organizations and ~30 published GREEN documents (and a few
 * drafts and restricted ones, so that "status any" and the reader's rule matter) whose words mix
 * English stems, diacritics, CJK, digits, quotes, '*' and long words. An input is the search's
 * words up to the first NUL byte (at most 200 bytes, any bytes); the byte after that NUL, when
 * there is one, chooses the reader and filters (see `flags`). Run by tests/fuzz/run.sh. */
#include "base/log.h"
#include "db/db.h"
#include "library/library.h"
#include "store.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define Q_MAX 200

static struct db *db;
static struct principal admin, focal_point;
static int64_t owners[3];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_library_search: %s: %s\n", what, detail);
    abort();
}

static void check(int rc, const struct bh_error *err, const char *what)
{
    if (rc)
        die(what, err->message);
}

/* ---- the store, made once ---- */

/* Words the documents are made of: each a case the query parser or the tokenizer could get
 * wrong (stems, folded diacritics, scripts without spaces, digits, quotes FTS5 would read as
 * syntax, a '*', a word longer than a term the copy keeps). */
static const char *const vocabulary[] = {
    "patrol",
    "patrols",
    "patrolling",
    "convoy",
    "ambush",
    "ambushed",
    "évacuation",
    "evacuation",
    "sécurité",
    "securite",
    "naïve",
    "Zürich",
    "Ærø",
    "straße",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "σίσυφος",
    "Москва",
    "维和行动",
    "東京",
    "한국어",
    "カタカナ",
    "e\xcc\x81t\xc3\xa9", /* e + combining acute, then é */
    "🚁",
    "2024",
    "12th",
    "3.5",
    "0x1F",
    "1,000",
    "\"quoted\"",
    "O'Brien",
    "l'hélicoptère",
    "don't",
    "\"\"",
    "star*",
    "a*b",
    "**bold**",
    "snake_case",
    "hyphen-ated",
    "ops@example.org",
    "NEAR",
    "OR",
    "NOT",
    "AND",
    "title:camp",
    "{body}",
    "^start",
    "ffi",
    "ﬁre", /* the fi ligature */
    "camp",
    "night",
    "river",
    "mortar",
    "the",
    "a",
    "supercalifragilisticexpialidocious",
    "antidisestablishmentarianism",
    /* 64 bytes: library_fts_query's longest term */
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
    /* 300 bytes: longer than a token the copy keeps */
    "longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglo"
    "nglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong"
    "longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglo"
    "nglonglonglonglonglong",
};
#define NWORDS (sizeof vocabulary / sizeof vocabulary[0])

/* A fixed generator: the same library every run, so that a finding replays. */
static uint64_t rng_state = 0x16b3;

static unsigned pick(unsigned n)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (unsigned)((z ^ (z >> 31)) % n);
}

static void words(char *out, size_t cap, unsigned min, unsigned max)
{
    unsigned n = min + pick(max - min + 1);
    size_t len = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        const char *w = vocabulary[pick(NWORDS)];
        if (len + strlen(w) + 2 >= cap)
            continue; /* a word too long for this column: the next may fit */
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", w);
    }
    if (min > 0 && len == 0)
        snprintf(out, cap, "camp"); /* a title is never empty */
}

static void add_tag(int64_t n, const char *facet, const char *value)
{
    struct bh_error err;
    check(db_exec_params(db,
                         "INSERT OR IGNORE INTO document_tag (document_n, facet, value) VALUES (?, "
                         "?, ?)",
                         DB_PARAMS(DB_INT(n), DB_TEXT(facet), DB_TEXT(value)), NULL, NULL, &err),
          &err, "tag a document");
}

static void insert_doc(int i, const char *status, const char *tlp)
{
    static const char *const kinds[] = { "case_study", "lesson", "best_practice", "aar" };
    static const char *const threats[] = { "ied", "ambush", "indirect_fire", "illness" };
    static const char *const missions[] = { "MINUSMA", "MINUSCA", "UNMISS" };
    static const char *const activities[] = { "patrol", "convoy", "escort" };
    struct bh_error err;
    char id[32], updated[32], title[300], summary[1024], happened[1024], body[4096];
    snprintf(id, sizeof id, "doc-%02d", i);
    snprintf(updated, sizeof updated, "2025-%02d-%02dT%02d:00:00Z", 1 + i % 12, 1 + i % 28, i % 24);
    words(title, sizeof title, 1, 5);
    words(summary, sizeof summary, 2, 10);
    words(happened, sizeof happened, 0, 12);
    words(body, sizeof body, 0, 40);
    int64_t n = 0;
    check(db_exec_params(
              db,
              "INSERT INTO document (id, kind, title, summary, what_happened, body, language, "
              "year, status, owner_org_id, tlp, created_at, updated_at, published_at) VALUES (?, "
              "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'published' THEN ? END) "
              "RETURNING n",
              DB_PARAMS(DB_TEXT(id), DB_TEXT(kinds[pick(4)]), DB_TEXT(title), DB_TEXT(summary),
                        DB_TEXT(happened), DB_TEXT(body), DB_TEXT(pick(4) ? "en" : "fr"),
                        DB_INT(2018 + (int)pick(8)), DB_TEXT(status), DB_INT(owners[pick(3)]),
                        DB_TEXT(tlp), DB_TEXT(updated), DB_TEXT(updated), DB_TEXT(status),
                        DB_TEXT(updated)),
              &n, NULL, &err),
          &err, id);
    for (unsigned k = pick(3); k > 0; k--)
        add_tag(n, "threat", threats[pick(4)]);
    if (pick(3))
        add_tag(n, "mission", missions[pick(3)]);
    if (pick(2))
        add_tag(n, "activity", activities[pick(3)]);
    check(library_index_put(db, n, &err), &err, "library_index_put");
}

static void insert_library(void)
{
    struct bh_error err;
    check(db_exec(db, "BEGIN", &err), &err, "begin");
    for (int i = 1; i <= 30; i++)
        insert_doc(i, "published", "GREEN");
    insert_doc(31, "draft", "GREEN");
    insert_doc(32, "in_review", "GREEN");
    insert_doc(33, "published", "AMBER+STRICT");
    insert_doc(34, "published", "RED");
    check(db_exec(db, "COMMIT", &err), &err, "commit");
}

/* At exit, before the store goes (store.c): what the copy did, so that a run shows it was
 * used. */
static void report(void)
{
    struct library_memory_stats s;
    library_memory_stats(&s);
    fprintf(stderr,
            "fuzz_library_search: the copy answered %lld searches and declined %lld (%lld "
            "documents, %lld terms)\n",
            (long long)s.answered, (long long)s.declined, (long long)s.documents,
            (long long)s.terms);
    library_memory_reset();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_store_open("fuzz_library_search");
    struct bh_error err;
    owners[0] = fuzz_store_org(db, "RWA");
    owners[1] = fuzz_store_org(db, "DPO");
    check(db_query_int(db, "SELECT id FROM org WHERE code NOT IN ('RWA', 'DPO') ORDER BY id", -1,
                       &owners[2], &err),
          &err, "find a third organization");
    focal_point =
        (struct principal){ .account_id = 0, .org_id = owners[0], .role = ROLE_FOCAL_POINT };
    snprintf(focal_point.org_code, sizeof focal_point.org_code, "RWA");
    snprintf(focal_point.username, sizeof focal_point.username, "rwa.fp");
    admin = (struct principal){ .account_id = 0, .org_id = owners[1], .role = ROLE_ADMIN };
    snprintf(admin.org_code, sizeof admin.org_code, "DPO");
    snprintf(admin.username, sizeof admin.username, "admin");
    insert_library();
    atexit(report);
    return 0;
}

/* ---- one input ---- */

/* The byte after the words' NUL: which reader, and which filters. */
enum {
    STATUS_ANY = 1 << 0,
    FACETS = 1 << 1,
    FOCAL_POINT = 1 << 2, /* else the admin */
    SMALL_PAGE = 1 << 3,  /* limit 3, so that "next" and a second page matter */
    SECOND_PAGE = 1 << 4, /* after "o3" */
    KIND = 1 << 5,        /* kind "lesson" */
    THREAT = 1 << 6,      /* threat "ambush" */
};

struct reply {
    int rc;
    json_t *out;
    struct bh_error err;
};

static struct reply search_with(enum library_engine engine, const struct principal *who,
                                const struct library_query *q)
{
    struct reply r = { 0 };
    library_search_engine(engine);
    r.rc = library_search(db, who, q, &r.out, &r.err);
    library_search_engine(LIBRARY_ENGINE_AUTO);
    if (r.rc == 0) {
        if (!r.out || !json_object_get(r.out, "as_of"))
            die("a reply without as_of", q->q);
        json_object_del(r.out, "as_of");
    } else if (r.out) {
        die("a refusal returned a reply", r.err.message);
    }
    return r;
}

static void mismatch(const char *what, const char *text, int flags, const struct reply *sql,
                     const struct reply *mem)
{
    char *a = sql->out ? json_dumps(sql->out, JSON_SORT_KEYS | JSON_INDENT(1)) : NULL;
    char *b = mem->out ? json_dumps(mem->out, JSON_SORT_KEYS | JSON_INDENT(1)) : NULL;
    /* The words as a JSON string (escaped), so that any byte is readable; NULL if not UTF-8. */
    json_t *words_json = json_string(text);
    char *quoted = words_json ? json_dumps(words_json, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    fprintf(stderr,
            "fuzz_library_search: %s: q %s, flags 0x%02x\n--- FTS5 (rc %d, %s):\n%s\n--- auto "
            "(rc %d, %s):\n%s\n",
            what, quoted ? quoted : "(not UTF-8)", flags, sql->rc, sql->rc ? sql->err.message : "",
            a ? a : "null", mem->rc, mem->rc ? mem->err.message : "", b ? b : "null");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[Q_MAX + 1];
    size_t len = 0;
    while (len < size && len < Q_MAX && data[len])
        len++;
    memcpy(text, data, len);
    text[len] = '\0';
    int flags = len < size && data[len] == '\0' && len + 1 < size ? data[len + 1] : 0;

    struct library_query q = { .q = text };
    q.status = flags & STATUS_ANY ? "any" : "published";
    q.facets = flags & FACETS;
    q.limit = flags & SMALL_PAGE ? 3 : 20;
    q.after = flags & SECOND_PAGE ? "o3" : NULL;
    q.kind = flags & KIND ? "lesson" : NULL;
    q.threat = flags & THREAT ? "ambush" : NULL;
    const struct principal *who = flags & FOCAL_POINT ? &focal_point : &admin;

    struct reply sql = search_with(LIBRARY_ENGINE_SQL, who, &q);
    struct reply mem = search_with(LIBRARY_ENGINE_AUTO, who, &q);
    if (sql.rc != mem.rc)
        mismatch("the engines return different codes", text, flags, &sql, &mem);
    /* library_fts_query() lets FTS5 read words only: any failure but a refused filter or
     * cursor is a bug, even when both engines share it. */
    if (sql.rc != 0 && sql.rc != BH_EINVALID)
        mismatch("both engines fail", text, flags, &sql, &mem);
    if (sql.rc == 0 && !json_equal(sql.out, mem.out))
        mismatch("the engines give different replies", text, flags, &sql, &mem);
    /* FUZZ_LIBRARY_SEARCH_SHOW=1: what each input found, to see that the seeds reach
     * documents (a target whose searches all find nothing compares nothing). */
    if (getenv("FUZZ_LIBRARY_SEARCH_SHOW"))
        fprintf(stderr, "fuzz_library_search: q \"%s\" flags 0x%02x: rc %d, total %lld\n", text,
                flags, sql.rc, (long long)json_integer_value(json_object_get(sql.out, "total")));
    json_decref(sql.out);
    json_decref(mem.out);
    return 0;
}
