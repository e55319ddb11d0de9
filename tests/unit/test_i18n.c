/* Unit tests for base/i18n: the .mo reader over catalogs msgfmt compiles from the fixtures in
 * tests/data/i18n (both byte orders) and over damaged copies of them, the printf check that
 * drops a translation reading other arguments than its English, lookups in the process's
 * catalogs per thread, and the choice of a language from Accept-Language, a language code and
 * the environment. */
#include "support.h"

#include "base/err.h"
#include "base/i18n.h"
#include "base/i18n_internal.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- fixtures ---- */

/* A compiled catalog, in a heap block of exactly its size so that ASan sees any read past
 * the end. */
struct mo {
    unsigned char *data;
    size_t len;
};

/* msgfmt of tests/data/i18n/<name>.po in `endianness` ("little", "big") into `dir`; fails
 * the test, saying why, when msgfmt (Debian's gettext) is not there or refuses the file. */
static struct mo compile_po(const char *dir, const char *name, const char *endianness)
{
    char po[4096], out[4096], opt[64];
    snprintf(po, sizeof po, "%s/i18n/%s.po", BH_TEST_DATA, name);
    snprintf(out, sizeof out, "%s/%s-%s.mo", dir, name, endianness);
    snprintf(opt, sizeof opt, "--endianness=%s", endianness);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        execlp("msgfmt", "msgfmt", opt, "-o", out, po, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("msgfmt %s -o %s %s failed (status %d; msgfmt is Debian's gettext, which "
                 "scripts/setup installs)",
                 opt, out, po, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    size_t len = 0;
    char *text = test_read_file(out, &len);
    if (!text)
        fail_msg("cannot read %s", out);
    struct mo m = { .data = malloc(len), .len = len };
    memcpy(m.data, text, len);
    free(text);
    return m;
}

/* One entry of a hand-made .mo. */
struct mo_entry {
    const char *id;
    const char *str;
};

/* A .mo file as msgfmt lays it out (header, two tables, strings), written by hand so a test
 * can hold what msgfmt never writes: empty translations, repeated or unsorted msgids. */
static struct mo build_mo(const struct mo_entry *e, size_t n, bool big_endian)
{
    size_t strings = 28 + 16 * n, len = strings;
    for (size_t i = 0; i < n; i++)
        len += strlen(e[i].id) + 1 + strlen(e[i].str) + 1;
    struct mo m = { .data = calloc(1, len), .len = len };
    size_t at = 28;
    uint32_t words[7] = { 0x950412de, 0, (uint32_t)n, 28, (uint32_t)(28 + 8 * n), 0, 0 };
    size_t put = strings;
#define PUT32(off, v)                                                    \
    do {                                                                 \
        uint32_t v_ = (v);                                               \
        unsigned char *p_ = m.data + (off);                              \
        for (int k = 0; k < 4; k++)                                      \
            p_[big_endian ? 3 - k : k] = (unsigned char)(v_ >> (8 * k)); \
    } while (0)
    for (int w = 0; w < 7; w++)
        PUT32(4 * w, words[w]);
    for (size_t i = 0; i < n; i++) {
        size_t il = strlen(e[i].id), sl = strlen(e[i].str);
        PUT32(at + 8 * i, (uint32_t)il);
        PUT32(at + 8 * i + 4, (uint32_t)put);
        memcpy(m.data + put, e[i].id, il + 1);
        put += il + 1;
        PUT32(at + 8 * n + 8 * i, (uint32_t)sl);
        PUT32(at + 8 * n + 8 * i + 4, (uint32_t)put);
        memcpy(m.data + put, e[i].str, sl + 1);
        put += sl + 1;
    }
#undef PUT32
    return m;
}

/* The catalogs every test reads, compiled once by main(). */
static struct mo fr_le, fr_be, ar_le, fr_cut, en_trap;
static const char *log_path;

/* Parses `m`, failing the test with the reader's message when it refuses. */
static struct i18n_catalog *must_parse(const struct mo *m)
{
    struct i18n_catalog *cat = NULL;
    struct bh_error err;
    bh_error_clear(&err);
    must(i18n_catalog_parse(m->data, m->len, &cat, &err), &err, "parse the catalog");
    assert_non_null(cat);
    return cat;
}

/* Fails unless `m` is refused with BH_EINVALID, a message, and no catalog. */
#define assert_refused(data, len, what) assert_refused_at((data), (len), (what), __FILE__, __LINE__)
static void assert_refused_at(const unsigned char *data, size_t len, const char *what,
                              const char *file, int line)
{
    struct i18n_catalog *cat = (struct i18n_catalog *)&cat; /* must be cleared */
    struct bh_error err;
    bh_error_clear(&err);
    int rc = i18n_catalog_parse(data, len, &cat, &err);
    if (rc != BH_EINVALID || cat != NULL || !err.message[0])
        test_fail_at(file, line, "%s: expected refusal, got rc %d, catalog %p, message \"%s\"",
                     what, rc, (void *)cat, err.message);
}

/* ---- the reader ---- */

/* i18n/mo-lookup: the French fixture as msgfmt writes it: its translations found, absent
 * msgids and the header not, the strings pointing into the file's bytes. */
static void i18n_mo_lookup(void **state)
{
    (void)state;
    struct i18n_catalog *cat = must_parse(&fr_le);
    assert_string_equal(i18n_catalog_lookup(cat, "Hello"), "Bonjour");
    assert_string_equal(i18n_catalog_lookup(cat, "user %s created"), "utilisateur %s créé");
    assert_string_equal(i18n_catalog_lookup(cat, "%zu rows, %lld bytes, %.*s"),
                        "%zu lignes, %lld octets, %.*s");
    const char *t = i18n_catalog_lookup(cat, "Hello");
    assert_true((const unsigned char *)t > fr_le.data &&
                (const unsigned char *)t < fr_le.data + fr_le.len);
    assert_null(i18n_catalog_lookup(cat, "Goodbye"));
    assert_null(i18n_catalog_lookup(cat, "hello"));
    assert_null(i18n_catalog_lookup(cat, "Hell"));
    assert_null(i18n_catalog_lookup(cat, ""));     /* the header */
    assert_null(i18n_catalog_lookup(cat, "Open")); /* only with its context */
    assert_null(i18n_catalog_lookup(cat, "%d file"));
    assert_null(i18n_catalog_lookup(cat, "Maybe")); /* fuzzy: msgfmt left it out */
    assert_null(i18n_catalog_lookup(NULL, "Hello"));
    assert_null(i18n_catalog_lookup(cat, NULL));
    i18n_catalog_free(cat);
    i18n_catalog_free(NULL);
}

/* i18n/mo-big-endian: the same catalog written big-endian reads the same. */
static void i18n_mo_big_endian(void **state)
{
    (void)state;
    /* It is really the other byte order, and really another file. */
    assert_int_equal(fr_be.data[0], 0x95);
    assert_int_equal(fr_le.data[0], 0xde);
    assert_int_equal(fr_be.len, fr_le.len);
    struct i18n_catalog *le = must_parse(&fr_le), *be = must_parse(&fr_be);
    assert_int_equal(be->count, le->count);
    assert_true(be->count >= 5);
    for (size_t i = 0; i < le->count; i++) {
        assert_string_equal(be->entries[i].msgid, le->entries[i].msgid);
        assert_string_equal(be->entries[i].msgstr, le->entries[i].msgstr);
    }
    assert_string_equal(i18n_catalog_lookup(be, "Hello"), "Bonjour");
    assert_int_equal(be->ndropped, 4);
    i18n_catalog_free(le);
    i18n_catalog_free(be);
}

/* i18n/mo-mismatch-dropped: translations whose printf conversions differ from the English
 * (%s for %d, %s removed, %s added, positional) are dropped and listed; "%%" is text. */
static void i18n_mo_mismatch_dropped(void **state)
{
    (void)state;
    struct i18n_catalog *cat = must_parse(&fr_le);
    assert_null(i18n_catalog_lookup(cat, "account %s locked"));
    assert_null(i18n_catalog_lookup(cat, "token %s revoked"));
    assert_null(i18n_catalog_lookup(cat, "Saved"));
    assert_null(i18n_catalog_lookup(cat, "%s of %s"));
    assert_int_equal(cat->ndropped, 4);
    /* In the file's order, which is msgfmt's: sorted. */
    assert_string_equal(cat->dropped[0], "%s of %s");
    assert_string_equal(cat->dropped[1], "Saved");
    assert_string_equal(cat->dropped[2], "account %s locked");
    assert_string_equal(cat->dropped[3], "token %s revoked");
    assert_string_equal(i18n_catalog_lookup(cat, "100%% done"), "100 %% fait");
    assert_string_equal(i18n_catalog_lookup(cat, "%d%% of %s"), "%d %% de %s");
    i18n_catalog_free(cat);
}

/* i18n/formats-match: the conversion check itself, case by case. */
static void i18n_formats(void **state)
{
    (void)state;
    static const struct {
        const char *en, *tr;
        bool ok;
    } cases[] = {
        { "Hello", "Bonjour", true },
        { "%s", "%s", true },
        { "user %s created", "utilisateur %s créé", true },
        { "%s vs %d", "%s contre %d", true },
        { "%zu rows", "%zu lignes", true },
        { "%lld bytes", "%lld octets", true },
        { "%.*s", "%.*s", true },
        { "%-10s|", "%-10s|", true },
        { "100%% done", "100 %% fait", true },
        { "done", "100 %% fait", true },       /* %% is text */
        { "100%% done", "fait", true },        /* %% is text */
        { "%s", "%d", false },                 /* another type */
        { "%s", "rien", false },               /* conversion removed */
        { "Saved", "Enregistré %s", false },   /* conversion added */
        { "%s", "%s %s", false },              /* one more */
        { "%s and %d", "%d et %s", false },    /* reordered */
        { "%s of %s", "%2$s de %1$s", false }, /* positional */
        { "%1$s", "%1$s", false },             /* positional, even when the same */
        { "%*d", "%*1$d", false },
        { "%zu", "%u", false }, /* length modifier */
        { "%lld", "%ld", false },
        { "%.*s", "%s", false },      /* precision from an argument */
        { "%-10s", "%10s", false },   /* flags */
        { "%5d", "%6d", false },      /* width */
        { "%d", "%i", false },        /* written differently */
        { "50%", "50 %", true },      /* the same stray '%' */
        { "50%", "50 % des", false }, /* "% d" reads an int */
        { "no conversion", "% s", false },
        { "", "", true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (i18n_formats_match(cases[i].en, cases[i].tr) != cases[i].ok)
            fail_msg("\"%s\" -> \"%s\": expected %s", cases[i].en, cases[i].tr,
                     cases[i].ok ? "accepted" : "refused");
}

/* i18n/mo-hand-made: what msgfmt never writes: an empty translation (not translated), an
 * entry whose translation starts with a NUL, a repeated msgid (the first kept), unsorted
 * entries (still found), in either byte order. */
static void i18n_mo_hand_made(void **state)
{
    (void)state;
    static const struct mo_entry e[] = {
        { "", "Content-Type: text/plain; charset=UTF-8\n" },
        { "zebra", "zèbre" },
        { "Untranslated", "" },
        { "apple", "pomme" },
        { "twice", "first" },
        { "twice", "second" },
        { "Mango", "mangue" },
    };
    for (int big = 0; big <= 1; big++) {
        struct mo m = build_mo(e, sizeof e / sizeof e[0], big);
        struct i18n_catalog *cat = must_parse(&m);
        assert_int_equal(cat->count, 4);
        assert_string_equal(i18n_catalog_lookup(cat, "zebra"), "zèbre");
        assert_string_equal(i18n_catalog_lookup(cat, "apple"), "pomme");
        assert_string_equal(i18n_catalog_lookup(cat, "Mango"), "mangue");
        assert_string_equal(i18n_catalog_lookup(cat, "twice"), "first");
        assert_null(i18n_catalog_lookup(cat, "Untranslated"));
        assert_null(i18n_catalog_lookup(cat, ""));
        i18n_catalog_free(cat);
        free(m.data);
    }
    /* No entries at all is a catalog, an empty one. */
    struct mo empty = build_mo(NULL, 0, false);
    struct i18n_catalog *cat = must_parse(&empty);
    assert_int_equal(cat->count, 0);
    assert_null(i18n_catalog_lookup(cat, "x"));
    i18n_catalog_free(cat);
    free(empty.data);
}

/* i18n/mo-truncated: every prefix of a good catalog is refused (the last string loses its
 * NUL or more), and none is read past its end (each copy is exactly its size, under ASan). */
static void i18n_mo_truncated(void **state)
{
    (void)state;
    for (size_t len = 0; len < fr_le.len; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, fr_le.data, len);
        char what[64];
        snprintf(what, sizeof what, "the first %zu bytes", len);
        assert_refused_at(cut, len, what, __FILE__, __LINE__);
        free(cut);
    }
    assert_refused(NULL, 0, "no bytes");
}

/* A copy of `m` in a block of exactly its size. */
static struct mo copy_of(const struct mo *m)
{
    struct mo c = { .data = malloc(m->len), .len = m->len };
    memcpy(c.data, m->data, m->len);
    return c;
}

/* A copy of the French catalog with the 32-bit little-endian word at `off` set to `v`. */
static struct mo patched(size_t off, uint32_t v)
{
    struct mo m = copy_of(&fr_le);
    for (int k = 0; k < 4; k++)
        m.data[off + (size_t)k] = (unsigned char)(v >> (8 * k));
    return m;
}

/* i18n/mo-corrupt: files that lie are refused whole: bad magic, another revision, a count or
 * a table offset past the end, a string's offset or length past the end, a string without
 * its NUL. */
static void i18n_mo_corrupt(void **state)
{
    (void)state;
    uint32_t count = 0, originals = 0;
    for (int k = 3; k >= 0; k--) {
        count = count << 8 | fr_le.data[8 + k];
        originals = originals << 8 | fr_le.data[12 + k];
    }
    assert_int_equal(count, 12); /* the fixture as this test knows it */
    static const struct {
        size_t off;
        uint32_t value;
        const char *what;
    } lies[] = {
        { 0, 0x12345678, "bad magic" },
        { 4, 1, "revision 1" },
        { 4, 0x10000, "revision 1.0" },
        { 8, 0xffffffff, "count 2^32-1" },
        { 8, 90, "count past the end" },
        { 12, 0xfffffff0, "originals' table past the end" },
        { 16, 700, "translations' table past the end" },
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        struct mo m = patched(lies[i].off, lies[i].value);
        assert_refused(m.data, m.len, lies[i].what);
        free(m.data);
    }
    /* The second original string: its length, then its offset, past the end. */
    size_t entry = originals + 8;
    struct mo m = patched(entry, 0xfffffff0);
    assert_refused(m.data, m.len, "a string length past the end");
    free(m.data);
    m = patched(entry + 4, (uint32_t)fr_le.len);
    assert_refused(m.data, m.len, "a string offset at the end");
    free(m.data);
    m = patched(entry + 4, 0xffffffff);
    assert_refused(m.data, m.len, "a string offset past the end");
    free(m.data);
    /* The NUL of that string overwritten. */
    uint32_t slen = 0, soff = 0;
    for (int k = 3; k >= 0; k--) {
        slen = slen << 8 | fr_le.data[entry + (size_t)k];
        soff = soff << 8 | fr_le.data[entry + 4 + (size_t)k];
    }
    m = copy_of(&fr_le);
    m.data[soff + slen] = 'x';
    assert_refused(m.data, m.len, "a string without its NUL");
    free(m.data);
}

/* ---- the process's catalogs ---- */

struct thread_case {
    enum lang lang;
    const char *hello;
    pthread_barrier_t *start;
    int wrong;
};

static void *speak(void *arg)
{
    struct thread_case *c = arg;
    i18n_set_thread_lang(c->lang);
    pthread_barrier_wait(c->start);
    for (int i = 0; i < 20000; i++) {
        const char *t = i18n_tr("Hello");
        if (!t || strcmp(t, c->hello) != 0 || i18n_thread_lang() != c->lang)
            c->wrong++;
    }
    return NULL;
}

/* i18n/thread-language: two threads speaking French and Arabic at once (the first use of
 * each catalog among them) each get their own language, and the main thread stays English. */
static void i18n_thread_language(void **state)
{
    (void)state;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 3);
    struct thread_case fr = { LANG_FR, "Bonjour", &start, 0 };
    struct thread_case ar = { LANG_AR, "مرحبا", &start, 0 };
    pthread_t a, b;
    assert_int_equal(pthread_create(&a, NULL, speak, &fr), 0);
    assert_int_equal(pthread_create(&b, NULL, speak, &ar), 0);
    pthread_barrier_wait(&start);
    for (int i = 0; i < 20000; i++)
        if (strcmp(i18n_tr("Hello"), "Hello") != 0)
            fail_msg("the main thread got \"%s\"", i18n_tr("Hello"));
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&start);
    assert_int_equal(fr.wrong, 0);
    assert_int_equal(ar.wrong, 0);
    assert_int_equal(i18n_thread_lang(), LANG_EN);
}

/* i18n/tr: i18n_tr in the thread's language, misses and NULL, i18n_tr_in for any language,
 * and English without a lookup: the English slot holds a catalog translating "Hello", which
 * English never reads. */
static void i18n_tr_lookup(void **state)
{
    (void)state;
    static const char hello[] = "Hello";
    assert_ptr_equal(i18n_tr(hello), hello);
    assert_ptr_equal(i18n_tr_in(LANG_EN, hello), hello);
    assert_null(i18n_tr(NULL));
    i18n_set_thread_lang(LANG_FR);
    assert_int_equal(i18n_thread_lang(), LANG_FR);
    assert_string_equal(i18n_tr(hello), "Bonjour");
    assert_string_equal(_("user %s created"), "utilisateur %s créé");
    static const char missing[] = "Not in the catalog";
    assert_ptr_equal(i18n_tr(missing), missing);
    static const char dropped[] = "account %s locked";
    assert_ptr_equal(i18n_tr(dropped), dropped);
    assert_null(i18n_tr(NULL));
    assert_null(i18n_tr_in(LANG_FR, NULL));
    assert_string_equal(i18n_tr_in(LANG_AR, hello), "مرحبا");
    assert_string_equal(i18n_tr_in(LANG_ES, hello), "Bonjour"); /* the big-endian file */
    assert_ptr_equal(i18n_tr_in(LANG_ZH, hello), hello);        /* no catalog */
    assert_ptr_equal(i18n_tr_in(LANG_RU, hello), hello);        /* a refused catalog */
    assert_ptr_equal(i18n_tr_in((enum lang)99, hello), hello);
    i18n_set_thread_lang((enum lang)99);
    assert_int_equal(i18n_thread_lang(), LANG_EN);
    assert_ptr_equal(i18n_tr(hello), hello);
}

static int count_in(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* i18n/load-logged-once: a refused catalog is logged once, naming its language, however
 * often it is asked; each dropped translation once, naming the language and the msgid. */
static void i18n_load_logged_once(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        assert_string_equal(i18n_tr_in(LANG_RU, "Hello"), "Hello");
        assert_string_equal(i18n_tr_in(LANG_FR, "Hello"), "Bonjour");
        assert_string_equal(i18n_tr_in(LANG_ES, "Hello"), "Bonjour");
    }
    char *log = test_read_file(log_path, NULL);
    assert_non_null(log);
    assert_int_equal(count_in(log, "catalog refused"), 1);
    assert_contains(log, "catalog refused, English used for the language lang=ru error=");
    assert_int_equal(count_in(log, "lang=fr msgid=\"account %s locked\""), 1);
    assert_int_equal(count_in(log, "lang=fr msgid=\"token %s revoked\""), 1);
    assert_int_equal(count_in(log, "lang=fr msgid=Saved"), 1);
    assert_int_equal(count_in(log, "lang=es msgid=Saved"), 1);
    assert_int_equal(count_in(log, "translation dropped"), 8); /* four in fr, four in es */
    free(log);
}

/* ---- choosing the language ---- */

/* i18n/lang-codes: the code of each language and back. */
static void i18n_lang_codes(void **state)
{
    (void)state;
    static const char *const codes[LANG_COUNT] = { "en", "fr", "ar", "zh", "ru", "es" };
    for (int l = 0; l < LANG_COUNT; l++) {
        assert_string_equal(i18n_lang_code((enum lang)l), codes[l]);
        enum lang back = LANG_COUNT;
        assert_true(i18n_lang_parse(codes[l], &back));
        assert_int_equal(back, l);
    }
    assert_string_equal(i18n_lang_code((enum lang)LANG_COUNT), "en");
}

/* i18n/lang-parse: language codes and POSIX locales, and what is not one of ours. */
static void i18n_lang_parse_cases(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int want; /* -1: refused */
    } cases[] = {
        { "fr", LANG_FR },
        { "FR", LANG_FR },
        { "fr-CA", LANG_FR },
        { "fr_FR.UTF-8", LANG_FR },
        { "fr_FR@euro", LANG_FR },
        { "fr_FR.ISO-8859-15@euro", LANG_FR },
        { "zh", LANG_ZH },
        { "zh-Hans", LANG_ZH },
        { "zh-CN", LANG_ZH },
        { "zh_TW", LANG_ZH },
        { "ar-EG", LANG_AR },
        { "es-419", LANG_ES },
        { "ru", LANG_RU },
        { "en_US.utf8", LANG_EN },
        { "", -1 },
        { "f", -1 },
        { "french", -1 },
        { "xx", -1 },
        { "de_DE.UTF-8", -1 },
        { "fr-", -1 },
        { "fr_", -1 },
        { "fr.", -1 },
        { "fr@", -1 },
        { "fr--CA", -1 },
        { "fr-abcdefghi", -1 }, /* a subtag of nine */
        { "fr CA", -1 },
        { "fr,es", -1 },
        { "fr\xc3\xa9", -1 },
        { "C", -1 },
        { "POSIX", -1 },
        { "fr_FR.UTF-8@euroabcdefghijklmnopqrst", -1 },     /* 36 bytes */
        { "fr_FR.UTF-8@euroabcdefghijklmnopqrs", LANG_FR }, /* 35 bytes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum lang got = LANG_COUNT;
        bool ok = i18n_lang_parse(cases[i].text, &got);
        if (ok != (cases[i].want >= 0) || (ok && (int)got != cases[i].want))
            fail_msg("\"%s\": expected %s, got %s", cases[i].text,
                     cases[i].want >= 0 ? i18n_lang_code((enum lang)cases[i].want) : "refusal",
                     ok ? i18n_lang_code(got) : "refusal");
    }
    enum lang untouched = LANG_RU;
    assert_false(i18n_lang_parse(NULL, &untouched));
    assert_int_equal(untouched, LANG_RU);
}

/* i18n/accept-language: RFC 9110's Accept-Language: q-values, ties, "*", q=0, malformed
 * elements skipped, headers too long or of nothing ours. */
static void i18n_accept(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        int want; /* -1: false */
    } cases[] = {
        { "fr", LANG_FR },
        { "FR", LANG_FR },
        { "fr-CA", LANG_FR },
        { "zh-Hans", LANG_ZH },
        { "zh-CN", LANG_ZH },
        { "zh-TW", LANG_ZH },
        { "ar-EG", LANG_AR },
        { "es-419", LANG_ES },
        { "ru", LANG_RU },
        { "en-US,en;q=0.9", LANG_EN },
        { "fr;q=0.5, ar", LANG_AR },
        { "de, fr;q=0.1", LANG_FR },
        { "de", -1 },
        { "*;q=0.5, ru;q=0.4", LANG_EN },
        { "*", LANG_EN },
        { "fr;q=0", -1 },
        { "fr;q=0.000", -1 },
        { "fr;q=0, *;q=0.1", LANG_EN },
        { "en;q=0, *", -1 }, /* "*" is the languages not named */
        { "fr;q=abc, es", LANG_ES },
        { "fr;q=2, es;q=0.1", LANG_ES },
        { "fr;q=0.1234, es;q=0.1", LANG_ES },
        { "fr;q=1.001, es;q=0.1", LANG_ES },
        { "fr;q=1.000, es", LANG_FR }, /* a tie: the first */
        { "es;q=0.8, fr;q=0.8", LANG_ES },
        { "ar;q=0.8, fr;q=0.5, fr-CA;q=0.8", LANG_AR },
        { "fr;q=0.5, fr-CA;q=0.9, ar;q=0.8", LANG_FR },
        { "fr;q=0.8,es;q=0.9", LANG_ES },
        { "fr ; Q=0.5 ,\tar;q=0.6 ", LANG_AR },
        { "fr;q=0.5;q=0.9, es;q=0.6", LANG_ES },
        { "fr;level=1, es;q=0.6", LANG_ES },
        { ", ,fr", LANG_FR },
        { "fr_FR, es;q=0.2", LANG_ES }, /* '_' is not in a range */
        { "fr-abcdefghi, es;q=0.2", LANG_ES },
        { "francais, es;q=0.2", LANG_ES },
        { "f r, es;q=0.2", LANG_ES },
        { "1fr, es;q=0.2", LANG_ES },
        { "fr-, es;q=0.2", LANG_ES },
        { "*-fr, es;q=0.2", LANG_ES },
        { "fr;q=, es;q=0.2", LANG_ES },
        { "fr;q=.5, es;q=0.2", LANG_ES },
        { "fr;q=1., es;q=0.2", LANG_FR },
        { "", -1 },
        { "   ", -1 },
        { ",,,", -1 },
        { "\xff\xfe\x01garbage;;q==", -1 },
        { "fr\xc3\xa9", -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum lang got = LANG_COUNT;
        bool ok = i18n_lang_from_accept(cases[i].header, &got);
        if (ok != (cases[i].want >= 0) || (ok && (int)got != cases[i].want))
            fail_msg("\"%s\": expected %s, got %s", cases[i].header,
                     cases[i].want >= 0 ? i18n_lang_code((enum lang)cases[i].want) : "false",
                     ok ? i18n_lang_code(got) : "false");
    }
    enum lang got = LANG_RU;
    assert_false(i18n_lang_from_accept(NULL, &got));
    assert_int_equal(got, LANG_RU);

    /* 5000 bytes: refused whole, though it starts with a language of ours. */
    char big[5001];
    memset(big, ' ', sizeof big - 1);
    memcpy(big, "fr,", 3);
    big[sizeof big - 1] = '\0';
    assert_false(i18n_lang_from_accept(big, &got));
    /* 4096 bytes is still read. */
    big[4096] = '\0';
    assert_true(i18n_lang_from_accept(big, &got));
    assert_int_equal(got, LANG_FR);

    /* Only 64 elements are looked at: a 65th is not, even with the highest q. */
    char many[1024] = "";
    for (int i = 0; i < 64; i++)
        strcat(many, "de;q=0.5,");
    strcat(many, "fr");
    assert_false(i18n_lang_from_accept(many, &got));
    strcpy(many, "");
    for (int i = 0; i < 63; i++)
        strcat(many, "de;q=0.5,");
    strcat(many, "fr");
    assert_true(i18n_lang_from_accept(many, &got));
    assert_int_equal(got, LANG_FR);
}

static void clear_locale_env(void)
{
    static const char *const names[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unsetenv(names[i]);
}

/* i18n/env: the CLI's language as gettext would choose it. */
static void i18n_env(void **state)
{
    (void)state;
    static const struct {
        const char *language, *lc_all, *lc_messages, *lang;
        enum lang want;
    } cases[] = {
        { NULL, NULL, NULL, NULL, LANG_EN },
        { NULL, NULL, NULL, "fr_FR.UTF-8", LANG_FR },
        { "fr", NULL, NULL, "C", LANG_EN }, /* C ignores LANGUAGE */
        { "fr", NULL, NULL, "C.UTF-8", LANG_EN },
        { "fr", NULL, NULL, "POSIX", LANG_EN },
        { "fr", NULL, NULL, NULL, LANG_EN }, /* no locale is C */
        { "es:fr", "ar_EG", NULL, NULL, LANG_ES },
        { "de:fr", NULL, NULL, "ru_RU.UTF-8", LANG_FR }, /* the first of ours */
        { "de:it", NULL, NULL, "ru_RU.UTF-8", LANG_RU },
        { ":::", NULL, NULL, "ru_RU.UTF-8", LANG_RU },
        { "", NULL, NULL, "ru_RU.UTF-8", LANG_RU },
        { NULL, NULL, "es_ES.UTF-8", "fr_FR.UTF-8", LANG_ES },          /* LC_MESSAGES beats LANG */
        { NULL, "ar_EG.UTF-8", "es_ES.UTF-8", "fr_FR.UTF-8", LANG_AR }, /* LC_ALL beats both */
        { NULL, "", "es_ES.UTF-8", "fr_FR.UTF-8", LANG_ES },            /* empty is unset */
        { NULL, "de_DE.UTF-8", NULL, "fr_FR.UTF-8", LANG_EN },          /* only the first is read */
        { NULL, "C", NULL, "fr_FR.UTF-8", LANG_EN },
        { "zh_CN", "de_DE.UTF-8", NULL, NULL, LANG_ZH },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clear_locale_env();
        if (cases[i].language)
            setenv("LANGUAGE", cases[i].language, 1);
        if (cases[i].lc_all)
            setenv("LC_ALL", cases[i].lc_all, 1);
        if (cases[i].lc_messages)
            setenv("LC_MESSAGES", cases[i].lc_messages, 1);
        if (cases[i].lang)
            setenv("LANG", cases[i].lang, 1);
        enum lang got = i18n_lang_from_env();
        if (got != cases[i].want)
            fail_msg("LANGUAGE=%s LC_ALL=%s LC_MESSAGES=%s LANG=%s: expected %s, got %s",
                     cases[i].language ? cases[i].language : "(unset)",
                     cases[i].lc_all ? cases[i].lc_all : "(unset)",
                     cases[i].lc_messages ? cases[i].lc_messages : "(unset)",
                     cases[i].lang ? cases[i].lang : "(unset)", i18n_lang_code(cases[i].want),
                     i18n_lang_code(got));
    }
    clear_locale_env();
}

int main(void)
{
    const char *dir = test_tmpdir("i18n");
    fr_le = compile_po(dir, "fr", "little");
    fr_be = compile_po(dir, "fr", "big");
    ar_le = compile_po(dir, "ar", "little");
    /* Russian gets a French catalog cut short: refused, so Russian is English. */
    fr_cut = (struct mo){ .data = fr_le.data, .len = fr_le.len - 1 };
    static const struct mo_entry trap[] = { { "Hello", "not English" } };
    en_trap = build_mo(trap, 1, false);
    static const unsigned char *mo[LANG_COUNT];
    static unsigned long mo_len[LANG_COUNT];
    mo[LANG_EN] = en_trap.data;
    mo_len[LANG_EN] = en_trap.len;
    mo[LANG_FR] = fr_le.data;
    mo_len[LANG_FR] = fr_le.len;
    mo[LANG_AR] = ar_le.data;
    mo_len[LANG_AR] = ar_le.len;
    mo[LANG_RU] = fr_cut.data;
    mo_len[LANG_RU] = fr_cut.len;
    mo[LANG_ES] = fr_be.data;
    mo_len[LANG_ES] = fr_be.len;
    i18n_use_catalogs(mo, mo_len);

    /* The loader's log lines go to a file the logging test reads back. */
    static char path[4096];
    snprintf(path, sizeof path, "%s/log.txt", dir);
    log_path = path;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    log_set_fd(fd);

    const struct CMUnitTest tests[] = {
        BH_TEST("i18n/thread-language", i18n_thread_language),
        BH_TEST("i18n/tr", i18n_tr_lookup),
        BH_TEST("i18n/load-logged-once", i18n_load_logged_once),
        BH_TEST("i18n/mo-lookup", i18n_mo_lookup),
        BH_TEST("i18n/mo-big-endian", i18n_mo_big_endian),
        BH_TEST("i18n/mo-mismatch-dropped", i18n_mo_mismatch_dropped),
        BH_TEST("i18n/formats-match", i18n_formats),
        BH_TEST("i18n/mo-hand-made", i18n_mo_hand_made),
        BH_TEST("i18n/mo-truncated", i18n_mo_truncated),
        BH_TEST("i18n/mo-corrupt", i18n_mo_corrupt),
        BH_TEST("i18n/lang-codes", i18n_lang_codes),
        BH_TEST("i18n/lang-parse", i18n_lang_parse_cases),
        BH_TEST("i18n/accept-language", i18n_accept),
        BH_TEST("i18n/env", i18n_env),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    log_set_fd(2);
    close(fd);
    free(fr_le.data);
    free(fr_be.data);
    free(ar_le.data);
    free(en_trap.data);
    return failed;
}
