/* The library search's in-memory index (library.h, "search_memory.c").
 *
 * Why: FTS5 ranks a search by computing bm25() for every match, and the sharing predicate
 * then looks each match up in the document table. For a word found in most documents of a
 * 100,000-document library that is two B-tree walks per match, about 250 ms, and no query
 * plan avoids it: the best rows are only known after all are scored. Here the same counts sit
 * in arrays: each term's documents (ascending) with the term's weighted frequency in each,
 * and each document's length, marking, status, kind, year and tags. Scoring a match is then a
 * few arithmetic operations and checking it a few comparisons, so a search costs what reading
 * its terms' lists costs.
 *
 * Exactness: the tokens are FTS5's own (library_tokenizer_open gives document_fts's) and
 * the score is FTS5's bm25 on the same counts, in the same order of operations (fts5_aux.c):
 * N and the average length over every row of the index, a phrase's IDF from the rows that hold
 * it, clamped to 1e-6 when not positive; a document's frequency of a phrase is the sum of the
 * column weights of its instances. The order, the total and the facets are those of the SQL
 * path (search_sqlite.c), which unit/library_engine checks on a random library.
 *
 * Freshness: before each search the copy reads table library_change (migration 0029) past the
 * last row it applied, and reads those documents again. A document that changed takes a new
 * slot at the end (so every term's list stays ascending) and its old slot is marked dead;
 * when the dead outnumber a quarter of the live, the copy is built again. A store with
 * another store_uid, or a log trimmed past the copy's position, also rebuilds. A search inside
 * an open transaction is declined: the copy follows committed writes only.
 *
 * Concurrency: one mutex around each search and each update. A search holds it for the
 * arithmetic only (milliseconds); the page's documents are read afterwards, outside it. */
#include "library/internal.h"

#include "base/hashmap.h"
#include "base/log.h"
#include "base/mem.h"
#include "sharing/reader.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { STATUS_DRAFT, STATUS_IN_REVIEW, STATUS_PUBLISHED, STATUS_NONE };
enum { KIND_NONE = 255 };

/* One row of the index: a document as it was when read. */
struct slot {
    int64_t n, owner, group;
    char *id, *updated_at; /* NULL: a row of the index without a document (never shown) */
    uint32_t len;          /* tokens in all columns: bm25's D */
    uint32_t tags, ntags;  /* its tag ids, at tag_of[tags .. tags + ntags) */
    int32_t year;
    uint8_t tlp, status, kind;
    bool live;
};

/* One term's documents, ascending by slot, with the weighted frequency in each. */
struct term {
    uint32_t *slot;
    uint16_t *freq;
    uint32_t count, cap;
    uint32_t mark, at; /* while a document is read: its slot + 1, and its entry in `words` */
    bool saturated;    /* a frequency past 65,535 (it could not be stored): declined */
};

struct tag {
    uint8_t facet; /* index in tag_facets */
    const char *value;
};

struct word {
    uint32_t term, freq;
};

static const char *const tag_facets[] = { "threat", "mission", "activity", "a4p", "keyword" };
#define NTAG_FACETS 5

/* The lock, the engine chosen and the counters outlive the copy (free_index). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static enum library_engine engine = LIBRARY_ENGINE_AUTO;
static struct library_memory_stats stats;
/* Set while a whole build runs (seconds at 100,000 documents): searches then go to FTS5
 * rather than wait for the lock. */
static atomic_bool building;

static struct {
    bool built;
    char *uid;
    int64_t seq; /* the last library_change row applied */
    struct slot *slots;
    uint32_t nslots, cap_slots, dead;
    int64_t rows;   /* live slots: bm25's N */
    int64_t tokens; /* their lengths' sum */
    struct hashmap by_n, terms, tags;
    struct term *termv;
    uint32_t nterms, cap_terms;
    struct tag *tagv;
    uint32_t ntags, cap_tags;
    uint32_t *tag_of;
    size_t ntag_of, cap_tag_of;
    struct word *words; /* the document being read */
    size_t nwords, cap_words;
} idx;

/* ---- building ---- */

static void free_index(void)
{
    for (uint32_t i = 0; i < idx.nslots; i++) {
        free(idx.slots[i].id);
        free(idx.slots[i].updated_at);
    }
    for (uint32_t i = 0; i < idx.nterms; i++) {
        free(idx.termv[i].slot);
        free(idx.termv[i].freq);
    }
    free(idx.slots);
    free(idx.termv);
    free(idx.tagv);
    free(idx.tag_of);
    free(idx.words);
    free(idx.uid);
    if (idx.built) {
        hashmap_cleanup(&idx.by_n);
        hashmap_cleanup(&idx.terms);
        hashmap_cleanup(&idx.tags);
    }
    memset(&idx, 0, sizeof idx);
}

static void start_index(const char *uid)
{
    free_index();
    idx.built = true;
    idx.uid = xstrdup(uid);
    hashmap_init(&idx.by_n, sizeof(uint32_t), 1024);
    hashmap_init(&idx.terms, sizeof(uint32_t), 4096);
    hashmap_init(&idx.tags, sizeof(uint32_t), 256);
}

#define GROW(arr, n, cap)                                           \
    do {                                                            \
        if ((n) == (cap)) {                                         \
            (cap) = (cap) ? (cap)*2 : 64;                           \
            (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr)); \
        }                                                           \
    } while (0)

/* by_n's key of n: the map's keys are texts. */
#define N_KEY(n, key) snprintf(key, sizeof key, "%lld", (long long)(n))

static uint32_t *slot_of_n(int64_t n)
{
    char key[24];
    N_KEY(n, key);
    return hashmap_get(&idx.by_n, key);
}

static uint32_t term_id(const char *token, int len)
{
    bool added;
    uint32_t *v = hashmap_putn(&idx.terms, token, (size_t)len, &added);
    if (added) {
        GROW(idx.termv, idx.nterms, idx.cap_terms);
        memset(&idx.termv[idx.nterms], 0, sizeof idx.termv[0]);
        *v = idx.nterms++;
    }
    return *v;
}

static uint32_t tag_id(int facet, const char *value)
{
    struct buf key = BUF_INIT;
    buf_printf(&key, "%d:%s", facet, value);
    bool added;
    uint32_t *v = hashmap_put(&idx.tags, buf_str(&key), &added);
    if (added) {
        *v = idx.ntags;
        GROW(idx.tagv, idx.ntags, idx.cap_tags);
        idx.tagv[idx.ntags].facet = (uint8_t)facet;
        idx.tagv[idx.ntags++].value =
            hashmap_key(&idx.tags, v) + (strchr(buf_str(&key), ':') - buf_str(&key)) + 1;
    }
    uint32_t id = *v;
    buf_cleanup(&key);
    return id;
}

struct reading {
    uint32_t slot;
    uint32_t weight;
    uint32_t len;
};

static int add_token(void *ctx, const char *token, int len)
{
    struct reading *r = ctx;
    r->len++;
    uint32_t id = term_id(token, len); /* may move termv: read it after */
    struct term *t = &idx.termv[id];
    if (t->mark != r->slot + 1) {
        GROW(idx.words, idx.nwords, idx.cap_words);
        t->mark = r->slot + 1;
        t->at = (uint32_t)idx.nwords;
        idx.words[idx.nwords++] = (struct word){ (uint32_t)(t - idx.termv), 0 };
    }
    idx.words[t->at].freq += r->weight;
    return 0;
}

/* Reads the words of the index's row at `texts` (library_index_texts's columns) into a new
 * slot, whose document attributes the caller sets. */
static int read_words(struct db_tokenizer *tok, struct db_stmt *texts, uint32_t *out,
                      struct bh_error *err)
{
    GROW(idx.slots, idx.nslots, idx.cap_slots);
    uint32_t s = idx.nslots++;
    struct slot *slot = &idx.slots[s];
    memset(slot, 0, sizeof *slot);
    slot->n = db_column_int(texts, 0);
    slot->status = STATUS_NONE;
    slot->kind = KIND_NONE;
    slot->live = true;
    struct reading r = { s, 0, 0 };
    idx.nwords = 0;
    for (int c = 0; c < LIBRARY_INDEX_COLUMNS; c++) {
        const char *text = db_column_text(texts, 1 + c);
        if (!text)
            continue;
        r.weight = (uint32_t)library_index_weights[c];
        int rc = db_tokenize(tok, text, strlen(text), false, add_token, &r, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < idx.nwords; i++) {
        struct term *t = &idx.termv[idx.words[i].term];
        if (t->count == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 4;
            t->slot = xrealloc(t->slot, (size_t)t->cap * sizeof *t->slot);
            t->freq = xrealloc(t->freq, (size_t)t->cap * sizeof *t->freq);
        }
        t->slot[t->count] = s;
        if (idx.words[i].freq > UINT16_MAX)
            t->saturated = true;
        t->freq[t->count++] =
            (uint16_t)(idx.words[i].freq > UINT16_MAX ? UINT16_MAX : idx.words[i].freq);
    }
    slot->len = r.len;
    idx.rows++;
    idx.tokens += r.len;
    char key[24];
    N_KEY(slot->n, key);
    *(uint32_t *)hashmap_put(&idx.by_n, key, NULL) = s;
    *out = s;
    return 0;
}

static uint8_t status_code(const char *s)
{
    return !s                            ? STATUS_NONE
           : strcmp(s, "published") == 0 ? STATUS_PUBLISHED
           : strcmp(s, "in_review") == 0 ? STATUS_IN_REVIEW
                                         : STATUS_DRAFT;
}

static uint8_t kind_code(const char *s)
{
    for (int k = 0; s && library_kinds[k]; k++)
        if (strcmp(s, library_kinds[k]) == 0)
            return (uint8_t)k;
    return KIND_NONE;
}

#define ATTRIBUTES_SQL                                                                     \
    "SELECT n, id, status, tlp, owner_org_id, coalesce(sharing_group_id, 0), kind, year, " \
    "updated_at FROM document"

/* Sets the document attributes of slot s from a row of ATTRIBUTES_SQL. */
static void set_attributes(uint32_t s, struct db_stmt *st)
{
    struct slot *slot = &idx.slots[s];
    slot->id = xstrdup(db_column_text(st, 1));
    slot->status = status_code(db_column_text(st, 2));
    int tlp = tlp_parse(db_column_text(st, 3));
    slot->tlp = (uint8_t)(tlp < 0 ? TLP_RED : tlp);
    slot->owner = db_column_int(st, 4);
    slot->group = db_column_int(st, 5);
    slot->kind = kind_code(db_column_text(st, 6));
    slot->year = (int32_t)db_column_int(st, 7);
    slot->updated_at = xstrdup(db_column_text(st, 8));
}

static void add_tag(uint32_t s, const char *facet, const char *value)
{
    int f = 0;
    while (f < NTAG_FACETS && strcmp(tag_facets[f], facet) != 0)
        f++;
    if (f == NTAG_FACETS || !value)
        return;
    struct slot *slot = &idx.slots[s];
    if (slot->ntags == 0)
        slot->tags = (uint32_t)idx.ntag_of;
    GROW(idx.tag_of, idx.ntag_of, idx.cap_tag_of);
    idx.tag_of[idx.ntag_of++] = tag_id(f, value);
    slot->ntags++;
}

static void kill_slot(uint32_t s)
{
    struct slot *slot = &idx.slots[s];
    if (!slot->live)
        return;
    slot->live = false;
    idx.rows--;
    idx.tokens -= slot->len;
    idx.dead++;
}

/* Reads document n again: its old slot dies, and a new one holds what the store has now. */
static int apply_change(struct db *db, struct db_tokenizer *tok, int64_t n, struct bh_error *err)
{
    uint32_t *old = slot_of_n(n);
    if (old)
        kill_slot(*old);
    struct db_stmt *texts;
    int rc = library_index_texts(db, n, &texts, err);
    if (rc)
        return rc;
    uint32_t s = UINT32_MAX;
    rc = db_step(texts, err);
    if (rc == DB_ROW)
        rc = read_words(tok, texts, &s, err);
    db_stmt_done(texts);
    if (rc < 0)
        return rc;
    if (s == UINT32_MAX)
        return 0; /* no longer in the index */
    struct db_stmt *st;
    if ((rc = db_prepare(db, ATTRIBUTES_SQL " WHERE n = ?", &st, err)))
        return rc;
    db_bind_int(st, 1, n);
    if ((rc = db_step(st, err)) == DB_ROW)
        set_attributes(s, st);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db,
                         "SELECT facet, value FROM document_tag WHERE document_n = ? "
                         "ORDER BY facet, value",
                         &st, err)))
        return rc;
    db_bind_int(st, 1, n);
    while ((rc = db_step(st, err)) == DB_ROW)
        add_tag(s, db_column_text(st, 0), db_column_text(st, 1));
    db_stmt_done(st);
    stats.applied++;
    return rc < 0 ? rc : 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads every row of the index, then every document's attributes and tags, by n. */
static int build_all(struct db *db, struct db_tokenizer *tok, const char *uid, int64_t seq,
                     struct bh_error *err)
{
    double started = now_ms();
    atomic_store(&building, true);
    start_index(uid);
    idx.seq = seq;
    struct db_stmt *st;
    int rc = library_index_texts(db, 0, &st, err);
    if (rc)
        return rc;
    uint32_t s;
    while ((rc = db_step(st, err)) == DB_ROW)
        if ((rc = read_words(tok, st, &s, err)))
            break;
    db_stmt_done(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, ATTRIBUTES_SQL, &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        uint32_t *at = slot_of_n(db_column_int(st, 0));
        if (at)
            set_attributes(*at, st);
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db,
                         "SELECT document_n, facet, value FROM document_tag "
                         "ORDER BY document_n, facet, value",
                         &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        uint32_t *at = slot_of_n(db_column_int(st, 0));
        if (at)
            add_tag(*at, db_column_text(st, 1), db_column_text(st, 2));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    /* The lists grew by doubling: give back what the build left unused. */
    for (uint32_t i = 0; i < idx.nterms; i++) {
        struct term *t = &idx.termv[i];
        if (t->count && t->count < t->cap) {
            t->cap = t->count;
            t->slot = xrealloc(t->slot, (size_t)t->cap * sizeof *t->slot);
            t->freq = xrealloc(t->freq, (size_t)t->cap * sizeof *t->freq);
        }
    }
    stats.builds++;
    stats.applied = 0;
    stats.last_build_ms = now_ms() - started;
    return 0;
}

static int build(struct db *db, struct db_tokenizer *tok, const char *uid, int64_t seq,
                 struct bh_error *err)
{
    int rc = build_all(db, tok, uid, seq, err);
    atomic_store(&building, false);
    return rc;
}

/* Brings the copy up to date with the store (the lock held). */
static int sync_index(struct db *db, struct db_tokenizer *tok, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT (SELECT store_uid FROM library_index_state), "
                        "(SELECT coalesce(max(seq), 0) FROM library_change), "
                        "(SELECT coalesce(min(seq), 0) FROM library_change)",
                        &st, err);
    if (rc)
        return rc;
    if ((rc = db_step(st, err)) != DB_ROW) {
        db_stmt_done(st);
        return rc < 0 ? rc : bh_fail(err, BH_EINTERNAL, NULL, "the library's log is unreadable");
    }
    char *uid = xstrdup(db_column_text(st, 0) ? db_column_text(st, 0) : "");
    int64_t last = db_column_int(st, 1), first = db_column_int(st, 2);
    db_stmt_done(st);
    rc = 0;
    bool rebuild = !idx.built || strcmp(idx.uid, uid) != 0 ||
                   (last > idx.seq && first > idx.seq + 1) || last < idx.seq ||
                   idx.dead > (uint32_t)(idx.rows / 4) + 1024;
    if (rebuild) {
        rc = build(db, tok, uid, last, err);
    } else if (last > idx.seq) {
        rc = db_prepare(db,
                        "SELECT DISTINCT n FROM library_change WHERE seq > ? AND seq <= ? "
                        "ORDER BY n",
                        &st, err);
        if (!rc) {
            db_bind_int(st, 1, idx.seq);
            db_bind_int(st, 2, last);
            /* The changed n first, then each read: apply_change runs statements of its own. */
            int64_t *ns = NULL;
            size_t count = 0, cap = 0;
            while ((rc = db_step(st, err)) == DB_ROW) {
                GROW(ns, count, cap);
                ns[count++] = db_column_int(st, 0);
            }
            db_stmt_done(st);
            for (size_t i = 0; rc >= 0 && i < count; i++)
                rc = apply_change(db, tok, ns[i], err);
            free(ns);
            if (rc >= 0) {
                rc = 0;
                idx.seq = last;
            }
        }
    }
    free(uid);
    if (rc)
        free_index(); /* half-read: built again by the next search */
    return rc;
}

/* ---- searching ---- */

#define PHRASES_MAX 10

/* The terms of library_fts_query()'s expression ("a" "b" ...), each tokenized as FTS5 would
 * tokenize it in a query: false when a term has a prefix, or is not exactly one token (a
 * phrase, or nothing), which FTS5 answers and the copy does not. */
struct phrase {
    char token[256];
    int len;
    int count; /* tokens seen */
};

static int one_token(void *ctx, const char *token, int len)
{
    struct phrase *p = ctx;
    if (p->count++ == 0 && len < (int)sizeof p->token) {
        memcpy(p->token, token, (size_t)len);
        p->len = len;
    } else if (p->count == 1) {
        p->count = 2; /* too long to keep: declined as a phrase would be */
    }
    return 0;
}

static int parse_match(struct db_tokenizer *tok, const char *match, struct phrase *out, int *count,
                       bool *plain, struct bh_error *err)
{
    *count = 0;
    *plain = true;
    struct buf term = BUF_INIT;
    const char *p = match;
    int rc = 0;
    while (*p && rc == 0) {
        if (*p == ' ') {
            p++;
            continue;
        }
        if (*p != '"' || *count == PHRASES_MAX) {
            *plain = false;
            break;
        }
        buf_reset(&term);
        for (p++; *p; p++) {
            if (*p == '"' && p[1] == '"') {
                buf_putc(&term, '"');
                p++;
            } else if (*p == '"') {
                break;
            } else {
                buf_putc(&term, *p);
            }
        }
        if (*p != '"' || p[1] == '*') {
            *plain = false;
            break;
        }
        p++;
        struct phrase *ph = &out[(*count)++];
        memset(ph, 0, sizeof *ph);
        rc = db_tokenize(tok, buf_str(&term), term.len, true, one_token, ph, err);
        if (!rc && ph->count != 1)
            *plain = false;
    }
    buf_cleanup(&term);
    return rc;
}

/* What a search asks of each document besides its words: the reader's rule and the filters.
 * Each facet's filter is a bit, so that a facet counts the documents that fail only its own
 * filter (search_sqlite.c's put_filters with `skip`). */
enum {
    FAIL_KIND = 1 << 0,
    FAIL_THREAT = 1 << 1,
    FAIL_MISSION = 1 << 2,
    FAIL_ACTIVITY = 1 << 3,
    FAIL_A4P = 1 << 4,
    FAIL_YEAR = 1 << 5,
    FAIL_OTHER = 1 << 6, /* hidden, or a filter no facet counts: never counted */
};
static const int tag_fail[NTAG_FACETS] = { FAIL_THREAT, FAIL_MISSION, FAIL_ACTIVITY, FAIL_A4P,
                                           FAIL_OTHER };

struct filters {
    struct sharing_reader reader;
    int status; /* a STATUS_*, or -1 for any */
    int kind;   /* -1: any */
    int year;   /* 0: any */
    bool by_org;
    int64_t org_id;           /* with by_org; -1 when no organization has the code */
    int64_t tag[NTAG_FACETS]; /* a tag id, -1: any, -2: a value no document carries */
};

static int read_filters(struct db *db, const struct principal *who, const struct library_query *q,
                        struct filters *f, struct bh_error *err)
{
    memset(f, 0, sizeof *f);
    const char *status = q->status && *q->status ? q->status : "published";
    f->status = strcmp(status, "any") == 0 ? -1 : status_code(status);
    f->kind = q->kind && *q->kind ? kind_code(q->kind) : -1;
    f->year = q->year;
    const char *values[NTAG_FACETS] = { q->threat, q->mission, q->activity, q->a4p, q->keyword };
    for (int t = 0; t < NTAG_FACETS; t++) {
        f->tag[t] = -1;
        if (values[t] && *values[t]) {
            struct buf key = BUF_INIT;
            buf_printf(&key, "%d:%s", t, values[t]);
            uint32_t *id = hashmap_get(&idx.tags, buf_str(&key));
            f->tag[t] = id ? (int64_t)*id : -2;
            buf_cleanup(&key);
        }
    }
    if (q->org && *q->org) {
        f->by_org = true;
        bool found = false;
        int rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(q->org)),
                                &f->org_id, &found, err);
        if (rc)
            return rc;
        if (!found)
            f->org_id = -1;
    }
    return sharing_reader_load(db, who, "document", &f->reader, err);
}

static bool has_tag(const struct slot *s, int64_t tag)
{
    for (uint32_t i = 0; i < s->ntags; i++)
        if (idx.tag_of[s->tags + i] == (uint32_t)tag)
            return true;
    return false;
}

/* The filters slot s fails, as FAIL_* bits; 0 for a result. */
static int failures(const struct slot *s, const struct filters *f)
{
    if (!s->id || (f->status >= 0 && s->status != f->status) ||
        (f->by_org && s->owner != f->org_id) ||
        !sharing_reader_sees(&f->reader, (enum tlp)s->tlp, s->owner, s->group, s->id,
                             s->status == STATUS_DRAFT))
        return FAIL_OTHER;
    int fail = 0;
    if (f->kind >= 0 && s->kind != f->kind)
        fail |= FAIL_KIND;
    if (f->year && s->year != f->year)
        fail |= FAIL_YEAR;
    for (int t = 0; t < NTAG_FACETS; t++)
        if (f->tag[t] != -1 && !has_tag(s, f->tag[t]))
            fail |= tag_fail[t];
    return fail;
}

/* A ranked result; the page is the first ones in search_sqlite.c's order: bm25 ascending,
 * then updated_at and n descending. */
struct hit {
    double score;
    uint32_t slot;
};

static bool before(const struct hit *a, const struct hit *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    int c = strcmp(idx.slots[a->slot].updated_at, idx.slots[b->slot].updated_at);
    if (c)
        return c > 0;
    return idx.slots[a->slot].n > idx.slots[b->slot].n;
}

/* The best `cap` hits seen so far, as a heap whose root is the worst of them. */
struct best {
    struct hit *h;
    size_t count, cap;
};

static void sift_down(struct best *b, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < b->count && before(&b->h[worst], &b->h[l]))
            worst = l;
        if (r < b->count && before(&b->h[worst], &b->h[r]))
            worst = r;
        if (worst == i)
            return;
        struct hit t = b->h[i];
        b->h[i] = b->h[worst];
        b->h[worst] = t;
        i = worst;
    }
}

static void offer(struct best *b, struct hit h)
{
    if (b->count < b->cap) {
        size_t i = b->count++;
        b->h[i] = h;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!before(&b->h[parent], &b->h[i]))
                break;
            struct hit t = b->h[i];
            b->h[i] = b->h[parent];
            b->h[parent] = t;
            i = parent;
        }
    } else if (b->cap && before(&h, &b->h[0])) {
        b->h[0] = h;
        sift_down(b, 0);
    }
}

static int hit_cmp(const void *a, const void *b)
{
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* The counts of one search's facets: kinds, years, tag ids. */
struct counts {
    uint32_t kind[8];
    uint32_t *year; /* indexed from YEAR_MIN */
    uint32_t *tag;
};
#define YEAR_MIN 1900
#define YEAR_MAX 9999

static void count_facets(struct counts *c, const struct slot *s, int fail)
{
    if (s->kind != KIND_NONE && (fail & ~FAIL_KIND) == 0)
        c->kind[s->kind]++;
    if (s->year >= YEAR_MIN && s->year <= YEAR_MAX && (fail & ~FAIL_YEAR) == 0)
        c->year[s->year - YEAR_MIN]++;
    for (uint32_t i = 0; i < s->ntags; i++) {
        uint32_t t = idx.tag_of[s->tags + i];
        int own = tag_fail[idx.tagv[t].facet];
        if (own != FAIL_OTHER && (fail & ~own) == 0)
            c->tag[t]++;
    }
}

/* One facet's values by count, then value, at most 20 (search_sqlite.c's facet_count). */
struct value_count {
    const char *text;
    int year;
    uint32_t count;
};

static int value_cmp(const void *a, const void *b)
{
    const struct value_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->text)
        return strcmp(x->text, y->text);
    return (x->year > y->year) - (x->year < y->year);
}

static json_t *facet_json(struct value_count *v, size_t count)
{
    if (count > 1)
        qsort(v, count, sizeof *v, value_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; i < count && i < 20; i++)
        json_array_append_new(
            arr, json_pack("{s:o, s:I}", "value",
                           v[i].text ? json_string(v[i].text) : json_integer(v[i].year), "count",
                           (json_int_t)v[i].count));
    return arr;
}

static json_t *facets_json(const struct counts *c)
{
    json_t *out = json_object();
    struct value_count *v = xmalloc((idx.ntags + (YEAR_MAX - YEAR_MIN + 1) + 8) * sizeof *v);
    size_t count = 0;
    for (int k = 0; library_kinds[k] && k < 8; k++)
        if (c->kind[k])
            v[count++] = (struct value_count){ library_kinds[k], 0, c->kind[k] };
    json_object_set_new(out, "kind", facet_json(v, count));
    for (int t = 0; t < 4; t++) {
        count = 0;
        for (uint32_t i = 0; i < idx.ntags; i++)
            if (idx.tagv[i].facet == t && c->tag[i])
                v[count++] = (struct value_count){ idx.tagv[i].value, 0, c->tag[i] };
        json_object_set_new(out, tag_facets[t], facet_json(v, count));
    }
    count = 0;
    for (int y = YEAR_MIN; y <= YEAR_MAX; y++)
        if (c->year[y - YEAR_MIN])
            v[count++] = (struct value_count){ NULL, y, c->year[y - YEAR_MIN] };
    json_object_set_new(out, "year", facet_json(v, count));
    free(v);
    return out;
}

/* The position of the first entry >= s in t's list from `at` on (galloping, then binary). */
static uint32_t seek(const struct term *t, uint32_t at, uint32_t s)
{
    uint32_t step = 1, hi = at;
    while (hi < t->count && t->slot[hi] < s) {
        at = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > t->count)
        hi = t->count;
    while (at < hi) {
        uint32_t mid = at + (hi - at) / 2;
        if (t->slot[mid] < s)
            at = mid + 1;
        else
            hi = mid;
    }
    return at;
}

static int64_t live_count(const struct term *t)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < t->count; i++)
        n += idx.slots[t->slot[i]].live;
    return n;
}

/* The search on the copy (the lock held, the copy up to date). */
static void run_search(const struct phrase *ph, int nph, const struct library_query *q,
                       const struct filters *f, long offset, struct library_memory_page *page)
{
    const struct term *terms[PHRASES_MAX];
    double idf[PHRASES_MAX];
    int driver = 0;
    for (int i = 0; i < nph; i++) {
        uint32_t *id = hashmap_getn(&idx.terms, ph[i].token, (size_t)ph[i].len);
        if (!id) { /* a term in no document: nothing matches */
            if (q->facets) {
                struct counts none = { .year = xcalloc(YEAR_MAX - YEAR_MIN + 1, sizeof *none.year),
                                       .tag = xcalloc(idx.ntags + 1, sizeof *none.tag) };
                page->facets = facets_json(&none);
                free(none.year);
                free(none.tag);
            }
            return;
        }
        terms[i] = &idx.termv[*id];
        /* FTS5's bm25: IDF = log((N - nHit + 0.5) / (nHit + 0.5)), at least 1e-6. */
        int64_t hits = live_count(terms[i]);
        idf[i] = log(((double)(idx.rows - hits) + 0.5) / ((double)hits + 0.5));
        if (idf[i] <= 0.0)
            idf[i] = 1e-6;
        if (terms[i]->count < terms[driver]->count)
            driver = i;
    }
    const double k1 = 1.2, b = 0.75;
    double avgdl = (double)idx.tokens / (double)idx.rows;
    struct counts counts = { 0 };
    if (q->facets) {
        counts.year = xcalloc(YEAR_MAX - YEAR_MIN + 1, sizeof *counts.year);
        counts.tag = xcalloc(idx.ntags + 1, sizeof *counts.tag);
    }
    struct best best = { .cap = (size_t)offset + (size_t)q->limit + 1 };
    best.h = xmalloc(best.cap * sizeof *best.h);
    uint32_t at[PHRASES_MAX] = { 0 };
    const struct term *d = terms[driver];
    for (uint32_t i = 0; i < d->count; i++) {
        uint32_t s = d->slot[i];
        const struct slot *slot = &idx.slots[s];
        if (!slot->live)
            continue;
        double freq[PHRASES_MAX];
        bool all = true;
        for (int p = 0; p < nph && all; p++) {
            if (p == driver) {
                freq[p] = d->freq[i];
                continue;
            }
            at[p] = seek(terms[p], at[p], s);
            all = at[p] < terms[p]->count && terms[p]->slot[at[p]] == s;
            if (all)
                freq[p] = terms[p]->freq[at[p]];
        }
        if (!all)
            continue;
        int fail = failures(slot, f);
        if (q->facets && !(fail & FAIL_OTHER))
            count_facets(&counts, slot, fail);
        if (fail)
            continue;
        page->total++;
        double score = 0.0, D = (double)slot->len;
        for (int p = 0; p < nph; p++)
            score += idf[p] * ((freq[p] * (k1 + 1.0)) / (freq[p] + k1 * (1 - b + b * D / avgdl)));
        offer(&best, (struct hit){ -1.0 * score, s });
    }
    qsort(best.h, best.count, sizeof *best.h, hit_cmp);
    size_t from = (size_t)offset, to = from + (size_t)q->limit;
    page->more = best.count > to;
    if (best.count > from) {
        size_t count = (best.count < to ? best.count : to) - from;
        page->n = xmalloc(count * sizeof *page->n);
        page->score = xmalloc(count * sizeof *page->score);
        for (size_t i = 0; i < count; i++) {
            page->n[i] = idx.slots[best.h[from + i].slot].n;
            page->score[i] = best.h[from + i].score;
        }
        page->count = count;
    }
    free(best.h);
    if (q->facets) {
        page->facets = facets_json(&counts);
        free(counts.year);
        free(counts.tag);
    }
}

int library_memory_search(struct db *db, const struct principal *who, const struct library_query *q,
                          const char *match, long offset, struct library_memory_page *page,
                          bool *answered, struct bh_error *err)
{
    memset(page, 0, sizeof *page);
    *answered = false;
    struct phrase ph[PHRASES_MAX];
    int nph = 0;
    bool plain = false;
    struct db_tokenizer *tok = NULL;
    if (atomic_load(&building))
        return 0;
    pthread_mutex_lock(&lock);
    if (engine != LIBRARY_ENGINE_AUTO) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    int rc = 0;
    if (!db_in_transaction(db) && !(rc = library_tokenizer_open(db, &tok, err)))
        rc = parse_match(tok, match, ph, &nph, &plain, err);
    if (!rc && plain && nph > 0)
        rc = sync_index(db, tok, err);
    db_tokenizer_close(tok);
    for (int i = 0; !rc && plain && i < nph; i++) {
        uint32_t *id = hashmap_getn(&idx.terms, ph[i].token, (size_t)ph[i].len);
        plain = !id || !idx.termv[*id].saturated;
    }
    struct filters f;
    if (!rc && plain && nph > 0 && !(rc = read_filters(db, who, q, &f, err))) {
        run_search(ph, nph, q, &f, offset, page);
        sharing_reader_cleanup(&f.reader);
        stats.answered++;
        *answered = true;
    } else if (!rc) {
        stats.declined++;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void library_memory_page_cleanup(struct library_memory_page *page)
{
    free(page->n);
    free(page->score);
    json_decref(page->facets);
    memset(page, 0, sizeof *page);
}

/* ---- the rest of the contract ---- */

void library_search_engine(enum library_engine chosen)
{
    pthread_mutex_lock(&lock);
    engine = chosen;
    pthread_mutex_unlock(&lock);
}

void library_memory_stats(struct library_memory_stats *out)
{
    pthread_mutex_lock(&lock);
    *out = stats;
    out->documents = 0;
    for (uint32_t i = 0; i < idx.nslots; i++)
        out->documents += idx.slots[i].live && idx.slots[i].id;
    out->terms = idx.nterms;
    out->postings = 0;
    for (uint32_t i = 0; i < idx.nterms; i++)
        out->postings += idx.termv[i].count;
    pthread_mutex_unlock(&lock);
}

int library_memory_warm(struct db *db, struct bh_error *err)
{
    if (db_in_transaction(db))
        return bh_fail(err, BH_EINTERNAL, NULL,
                       "the library's index is built outside a transaction");
    struct db_tokenizer *tok;
    int rc = library_tokenizer_open(db, &tok, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&lock);
    rc = sync_index(db, tok, err);
    pthread_mutex_unlock(&lock);
    db_tokenizer_close(tok);
    return rc;
}

void library_memory_reset(void)
{
    pthread_mutex_lock(&lock);
    free_index();
    pthread_mutex_unlock(&lock);
}
