#include "base/i18n.h"

#include "base/err.h"
#include "base/i18n_internal.h"
#include "base/log.h"
#include "base/mem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- languages ---- */

static _Thread_local enum lang thread_lang = LANG_EN;

static const char *const lang_codes[LANG_COUNT] = {
    [LANG_EN] = "en", [LANG_FR] = "fr", [LANG_AR] = "ar",
    [LANG_ZH] = "zh", [LANG_RU] = "ru", [LANG_ES] = "es",
};

static bool lang_valid(enum lang lang)
{
    return (unsigned)lang < LANG_COUNT;
}

void i18n_set_thread_lang(enum lang lang)
{
    thread_lang = lang_valid(lang) ? lang : LANG_EN;
}

enum lang i18n_thread_lang(void)
{
    return thread_lang;
}

const char *i18n_lang_code(enum lang lang)
{
    return lang_valid(lang) ? lang_codes[lang] : lang_codes[LANG_EN];
}

/* ASCII classes of our own: <ctype.h> answers by the process's locale, and these read bytes
 * from headers and the environment, where a byte above 127 is never a letter. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static char to_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The language whose code is the `len` bytes at `s` (any case), or -1. Only the two-letter
 * codes: ISO 639-1 has one for each of the six, and BCP 47 and POSIX locales use it. */
static int lang_of_primary(const char *s, size_t len)
{
    if (len != 2)
        return -1;
    for (int l = 0; l < LANG_COUNT; l++)
        if (to_lower(s[0]) == lang_codes[l][0] && to_lower(s[1]) == lang_codes[l][1])
            return l;
    return -1;
}

/* Longest language text i18n_lang_parse takes: BCP 47 advises supporting tags of 35
 * characters, and a POSIX locale with codeset and modifier fits in it. */
#define LANG_TEXT_MAX 35

/* How many bytes from `s` are in the POSIX locale's codeset or modifier alphabet. */
static size_t span_locale_word(const char *s)
{
    size_t n = 0;
    while (is_alnum(s[n]) || s[n] == '-' || s[n] == '_')
        n++;
    return n;
}

bool i18n_lang_parse(const char *text, enum lang *out)
{
    if (!text)
        return false;
    size_t len = strnlen(text, LANG_TEXT_MAX + 1);
    if (len < 2 || len > LANG_TEXT_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(text[i]) && !strchr("._@-", text[i]))
            return false;
    /* language: two letters; then BCP 47 subtags or a POSIX territory ("-CA", "_FR",
     * "-Hans", "-419"), a codeset (".UTF-8") and a modifier ("@euro"), each non-empty. */
    if (!is_alpha(text[0]) || !is_alpha(text[1]))
        return false;
    size_t i = 2;
    while (text[i] == '-' || text[i] == '_') {
        size_t n = 0;
        while (is_alnum(text[i + 1 + n]))
            n++;
        if (n == 0 || n > 8)
            return false;
        i += 1 + n;
    }
    if (text[i] == '.') {
        size_t n = span_locale_word(text + i + 1);
        if (n == 0)
            return false;
        i += 1 + n;
    }
    if (text[i] == '@') {
        size_t n = span_locale_word(text + i + 1);
        if (n == 0)
            return false;
        i += 1 + n;
    }
    if (text[i] != '\0')
        return false;
    int lang = lang_of_primary(text, 2);
    if (lang < 0)
        return false;
    *out = (enum lang)lang;
    return true;
}

/* ---- Accept-Language (RFC 9110 12.5.4) ---- */

/* A longer header is refused whole rather than read: no browser sends one, and the cap
 * bounds the work a request can ask for. */
#define ACCEPT_MAX_BYTES 4096
/* Elements looked at; browsers send fewer than ten. */
#define ACCEPT_MAX_ELEMENTS 64
/* The index of "*" in the tallies beside the languages. */
#define ACCEPT_STAR LANG_COUNT

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110's qvalue, the `e - s` bytes at `s`: "0" ["." 0*3DIGIT] or "1" ["." 0*3"0"], into
 * thousandths. */
static bool parse_qvalue(const char *s, const char *e, int *q)
{
    if (s == e || (*s != '0' && *s != '1'))
        return false;
    bool one = *s++ == '1';
    int v = 0, scale = 100;
    if (s < e) {
        if (*s++ != '.' || e - s > 3)
            return false;
        for (; s < e; s++, scale /= 10) {
            if (!is_digit(*s) || (one && *s != '0'))
                return false;
            v += (*s - '0') * scale;
        }
    }
    *q = one ? 1000 : v;
    return true;
}

/* One element of the list, the `e - s` bytes at `s`: language-range [weight]. True with
 * *lang (a language, ACCEPT_STAR, or -1 for a well-formed range of none of ours) and *q;
 * false when it is malformed. */
static bool parse_element(const char *s, const char *e, int *lang, int *q)
{
    while (s < e && is_ows(*s))
        s++;
    while (e > s && is_ows(e[-1]))
        e--;
    const char *range = s;
    while (s < e && *s != ';' && !is_ows(*s))
        s++;
    const char *range_end = s;
    if (range == range_end)
        return false;
    if (range_end - range == 1 && *range == '*') {
        *lang = ACCEPT_STAR;
    } else {
        /* 1*8ALPHA *("-" 1*8alphanum) */
        const char *p = range;
        while (p < range_end && is_alpha(*p))
            p++;
        size_t primary = (size_t)(p - range);
        if (primary == 0 || primary > 8)
            return false;
        while (p < range_end) {
            if (*p++ != '-')
                return false;
            const char *sub = p;
            while (p < range_end && is_alnum(*p))
                p++;
            if (p == sub || p - sub > 8)
                return false;
        }
        *lang = lang_of_primary(range, primary);
    }
    *q = 1000;
    while (s < e && is_ows(*s))
        s++;
    if (s == e)
        return true;
    /* OWS ";" OWS "q=" qvalue, the only parameter the field has (its name in any case). */
    if (*s++ != ';')
        return false;
    while (s < e && is_ows(*s))
        s++;
    if (e - s < 2 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
        return false;
    return parse_qvalue(s + 2, e, q);
}

bool i18n_lang_from_accept(const char *header, enum lang *out)
{
    if (!header || strnlen(header, ACCEPT_MAX_BYTES + 1) > ACCEPT_MAX_BYTES)
        return false;
    /* Per language (and "*"): the highest q of its ranges (-1: not listed; 0: listed as not
     * acceptable) and the element that first gave it, for ties. */
    int best_q[LANG_COUNT + 1], best_at[LANG_COUNT + 1];
    for (int l = 0; l <= LANG_COUNT; l++)
        best_q[l] = best_at[l] = -1;
    const char *p = header;
    for (int n = 0; n < ACCEPT_MAX_ELEMENTS; n++) {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        int lang, q;
        if (parse_element(p, e, &lang, &q) && lang >= 0 && q > best_q[lang]) {
            best_q[lang] = q;
            best_at[lang] = n;
        }
        if (!*e)
            break;
        p = e + 1;
    }
    /* "*" stands for the languages no other range names; of ours, that is English. */
    if (best_q[LANG_EN] < 0) {
        best_q[LANG_EN] = best_q[ACCEPT_STAR];
        best_at[LANG_EN] = best_at[ACCEPT_STAR];
    }
    int pick = -1;
    for (int l = 0; l < LANG_COUNT; l++) {
        if (best_q[l] <= 0)
            continue;
        if (pick < 0 || best_q[l] > best_q[pick] ||
            (best_q[l] == best_q[pick] && best_at[l] < best_at[pick]))
            pick = l;
    }
    if (pick < 0)
        return false;
    *out = (enum lang)pick;
    return true;
}

/* ---- the environment ---- */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bool is_c_locale(const char *v)
{
    return strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0 || strcmp(v, "C.UTF-8") == 0 ||
           strcmp(v, "C.utf8") == 0;
}

enum lang i18n_lang_from_env(void)
{
    const char *locale = env_nonempty("LC_ALL");
    if (!locale)
        locale = env_nonempty("LC_MESSAGES");
    if (!locale)
        locale = env_nonempty("LANG");
    enum lang lang;
    /* gettext reads LANGUAGE only when the locale is not C: in the C locale a program is
     * meant to speak untranslated (scripts set LC_ALL=C for stable output). */
    const char *list = env_nonempty("LANGUAGE");
    if (locale && list && !is_c_locale(locale)) {
        while (*list) {
            size_t n = strcspn(list, ":");
            if (n <= LANG_TEXT_MAX) {
                char entry[LANG_TEXT_MAX + 1];
                memcpy(entry, list, n);
                entry[n] = '\0';
                if (i18n_lang_parse(entry, &lang))
                    return lang;
            }
            list += n;
            if (*list == ':')
                list++;
        }
    }
    if (locale && i18n_lang_parse(locale, &lang))
        return lang;
    return LANG_EN;
}

/* ---- printf conversions ---- */

/* One conversion specification of a format: its text from the '%' on. */
struct conversion {
    const char *at;
    size_t len;
    bool positional;
};

/* Digits from `s` followed by '$' ("1$"): a positional argument number. */
static bool at_position(const char *s)
{
    if (!is_digit(*s))
        return false;
    while (is_digit(*s))
        s++;
    return *s == '$';
}

/* The next conversion specification of `*fmt` into *c, moving *fmt past it; false at the
 * end of the text. "%%" is text and is skipped. The grammar is glibc's printf: flags
 * (including ' and I), width (digits or *), precision ('.' then digits or *), length (hh h
 * ll l L q j z Z t) and a conversion; a '%' that starts no valid specification gives the
 * text up to where it went wrong, compared like any other. */
static bool next_conversion(const char **fmt, struct conversion *c)
{
    const char *p = strchr(*fmt, '%');
    while (p && p[1] == '%')
        p = strchr(p + 2, '%');
    if (!p) {
        *fmt += strlen(*fmt);
        return false;
    }
    c->at = p;
    c->positional = at_position(p + 1);
    const char *q = p + 1;
    while (*q && strchr("-+ #0'I", *q))
        q++;
    if (*q == '*') {
        c->positional |= at_position(++q);
    }
    while (is_digit(*q) || *q == '$')
        q++;
    if (*q == '.') {
        q++;
        if (*q == '*')
            c->positional |= at_position(++q);
        while (is_digit(*q) || *q == '$')
            q++;
    }
    if ((q[0] == 'h' && q[1] == 'h') || (q[0] == 'l' && q[1] == 'l'))
        q += 2;
    else if (*q && strchr("hlLqjzZt", *q))
        q++;
    if (*q && strchr("diouxXeEfFgGaAcspnmCS%", *q))
        q++;
    c->len = (size_t)(q - p);
    *fmt = q;
    return true;
}

bool i18n_formats_match(const char *english, const char *translation)
{
    for (;;) {
        struct conversion a, b;
        bool more_a = next_conversion(&english, &a);
        bool more_b = next_conversion(&translation, &b);
        if (!more_a || !more_b)
            return more_a == more_b;
        if (a.positional || b.positional || a.len != b.len || memcmp(a.at, b.at, a.len) != 0)
            return false;
    }
}

/* ---- .mo catalogs ---- */

/* GNU gettext's .mo layout: seven 32-bit words (magic, revision, string count, offset of the
 * originals' table, offset of the translations' table, hash table size and offset), in the
 * byte order of the machine that wrote it, which the magic tells. */
#define MO_MAGIC       0x950412deu
#define MO_HEADER_SIZE 28

struct mo_reader {
    const unsigned char *data;
    size_t len;
    bool big_endian;
};

/* The 32-bit word at `off`, which the caller has checked lies inside the file. Read byte by
 * byte: the embedded arrays are not aligned. */
static uint32_t mo_word(const struct mo_reader *r, size_t off)
{
    const unsigned char *p = r->data + off;
    if (r->big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* String `i` of the table at `table` (already checked to hold it): its length and the
 * string, which must lie inside the file with its terminating NUL. */
static int mo_string(const struct mo_reader *r, uint32_t table, uint32_t i, const char *which,
                     const char **s, size_t *len, struct bh_error *err)
{
    uint64_t entry = (uint64_t)table + (uint64_t)i * 8;
    uint32_t n = mo_word(r, (size_t)entry), off = mo_word(r, (size_t)entry + 4);
    if ((uint64_t)off + n >= r->len)
        return bh_fail(err, BH_EINVALID, NULL,
                       "%s string %u (%u bytes at %u) runs past the end of the %zu-byte file",
                       which, i, n, off, r->len);
    if (r->data[off + n] != '\0')
        return bh_fail(err, BH_EINVALID, NULL, "%s string %u (%u bytes at %u) has no final NUL",
                       which, i, n, off);
    *s = (const char *)r->data + off;
    *len = n;
    return 0;
}

/* Sort order of the entries: by msgid, then by place in the file, so that of a msgid a
 * lying file repeats the first is kept. */
struct mo_sorted {
    struct i18n_entry e;
    size_t index;
};

static int cmp_sorted(const void *a, const void *b)
{
    const struct mo_sorted *x = a, *y = b;
    int c = strcmp(x->e.msgid, y->e.msgid);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_lookup(const void *key, const void *elem)
{
    return strcmp(key, ((const struct i18n_entry *)elem)->msgid);
}

int i18n_catalog_parse(const unsigned char *data, size_t len, struct i18n_catalog **out,
                       struct bh_error *err)
{
    *out = NULL;
    if (!data || len < MO_HEADER_SIZE)
        return bh_fail(err, BH_EINVALID, NULL, "%zu bytes are too short for a .mo file", len);
    struct mo_reader r = { .data = data, .len = len };
    if (mo_word(&r, 0) != MO_MAGIC) {
        r.big_endian = true;
        if (mo_word(&r, 0) != MO_MAGIC)
            return bh_fail(err, BH_EINVALID, NULL, "not a .mo file (no magic number)");
    }
    uint32_t revision = mo_word(&r, 4), count = mo_word(&r, 8);
    uint32_t originals = mo_word(&r, 12), translations = mo_word(&r, 16);
    if (revision != 0)
        return bh_fail(err, BH_EINVALID, NULL, "unsupported .mo revision %#x", revision);
    uint64_t table_size = (uint64_t)count * 8;
    if ((uint64_t)originals + table_size > len || (uint64_t)translations + table_size > len)
        return bh_fail(err, BH_EINVALID, NULL,
                       "its tables of %u strings (at %u and %u) run past the end of the "
                       "%zu-byte file",
                       count, originals, translations, len);

    /* Both tables fit in the file, so `count` is below len / 8 and so are the arrays. */
    struct mo_sorted *sorted = xcalloc(count ? count : 1, sizeof *sorted);
    const char **dropped = xcalloc(count ? count : 1, sizeof *dropped);
    size_t n = 0, ndropped = 0;
    for (uint32_t i = 0; i < count; i++) {
        const char *id, *str;
        size_t id_len, str_len;
        int rc = mo_string(&r, originals, i, "original", &id, &id_len, err);
        if (rc == 0)
            rc = mo_string(&r, translations, i, "translated", &str, &str_len, err);
        if (rc != 0) {
            free(sorted);
            free(dropped);
            return rc;
        }
        /* The header (""), plural entries (a NUL between msgid and msgid_plural), entries
         * with a context ("ctx\004msgid") and untranslated ones: none is a translation we
         * serve. */
        if (id_len == 0 || strlen(id) != id_len || memchr(id, '\004', id_len) || str_len == 0 ||
            str[0] == '\0')
            continue;
        if (!i18n_formats_match(id, str)) {
            dropped[ndropped++] = id;
            continue;
        }
        sorted[n].e = (struct i18n_entry){ .msgid = id, .msgstr = str };
        sorted[n].index = i;
        n++;
    }
    qsort(sorted, n, sizeof *sorted, cmp_sorted);

    struct i18n_catalog *cat = xcalloc(1, sizeof *cat);
    cat->entries = xcalloc(n ? n : 1, sizeof *cat->entries);
    for (size_t i = 0; i < n; i++)
        if (cat->count == 0 || strcmp(cat->entries[cat->count - 1].msgid, sorted[i].e.msgid) != 0)
            cat->entries[cat->count++] = sorted[i].e;
    free(sorted);
    cat->dropped = dropped;
    cat->ndropped = ndropped;
    *out = cat;
    return 0;
}

const char *i18n_catalog_lookup(const struct i18n_catalog *cat, const char *msgid)
{
    if (!cat || !msgid || cat->count == 0)
        return NULL;
    const struct i18n_entry *e =
        bsearch(msgid, cat->entries, cat->count, sizeof *cat->entries, cmp_lookup);
    return e ? e->msgstr : NULL;
}

void i18n_catalog_free(struct i18n_catalog *cat)
{
    if (!cat)
        return;
    free(cat->entries);
    free(cat->dropped);
    free(cat);
}

/* ---- the process's catalogs ---- */

static const unsigned char *const *catalog_bytes = i18n_mo;
static const unsigned long *catalog_lens = i18n_mo_len;

void i18n_use_catalogs(const unsigned char *const *mo, const unsigned long *mo_len)
{
    catalog_bytes = mo && mo_len ? mo : i18n_mo;
    catalog_lens = mo && mo_len ? mo_len : i18n_mo_len;
}

/* Each language's catalog is read on its first use, once: pthread_once orders the reading
 * before every later lookup in every thread, so lookups take no lock. NULL after loading:
 * the language has no catalog or its catalog was refused, and English is used. */
static struct i18n_catalog *catalogs[LANG_COUNT];

static void load(enum lang lang)
{
    const unsigned char *data = catalog_bytes[lang];
    unsigned long len = catalog_lens[lang];
    if (!data || len == 0)
        return;
    struct bh_error err;
    bh_error_clear(&err);
    if (i18n_catalog_parse(data, len, &catalogs[lang], &err) != 0) {
        struct log_field f[] = { LOG_STR("lang", lang_codes[lang]), LOG_STR("error", err.message) };
        log_event(BH_LOG_ERROR, "i18n: catalog refused, English used for the language", f, 2);
        return;
    }
    for (size_t i = 0; i < catalogs[lang]->ndropped; i++) {
        struct log_field f[] = { LOG_STR("lang", lang_codes[lang]),
                                 LOG_STR("msgid", catalogs[lang]->dropped[i]) };
        log_event(BH_LOG_WARN,
                  "i18n: translation dropped, its printf conversions differ from the English", f,
                  2);
    }
}

/* pthread_once takes functions without arguments: one per language. */
static void load_fr(void)
{
    load(LANG_FR);
}
static void load_ar(void)
{
    load(LANG_AR);
}
static void load_zh(void)
{
    load(LANG_ZH);
}
static void load_ru(void)
{
    load(LANG_RU);
}
static void load_es(void)
{
    load(LANG_ES);
}

_Static_assert(LANG_COUNT == 6, "a new language needs its loader and its once below");
static void (*const loaders[LANG_COUNT])(void) = {
    [LANG_FR] = load_fr, [LANG_AR] = load_ar, [LANG_ZH] = load_zh,
    [LANG_RU] = load_ru, [LANG_ES] = load_es,
};
static pthread_once_t loaded[LANG_COUNT] = { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
                                             PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
                                             PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT };

const char *i18n_tr_in(enum lang lang, const char *msgid)
{
    /* English is the msgid itself: no catalog, no lookup. */
    if (!msgid || !lang_valid(lang) || lang == LANG_EN)
        return msgid;
    pthread_once(&loaded[lang], loaders[lang]);
    const char *t = i18n_catalog_lookup(catalogs[lang], msgid);
    return t ? t : msgid;
}

const char *i18n_tr(const char *msgid)
{
    if (thread_lang == LANG_EN)
        return msgid;
    return i18n_tr_in(thread_lang, msgid);
}
