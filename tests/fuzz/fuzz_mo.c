/* libFuzzer target: the .mo catalog reader (i18n_catalog_parse in base/i18n.c), which reads
 * the compiled translations, and the printf check it applies to every entry. Each input is a
 * whole .mo file. Besides crashes and sanitizer reports (the input is exactly its size, so a
 * read one byte past it is a finding), a finding is a broken promise of i18n_internal.h: a
 * refusal without BH_EINVALID, a message or a NULL catalog; or an accepted catalog holding a
 * string outside the input or without its NUL inside it, an empty msgid or translation, a
 * translation whose conversions differ from its msgid's, entries out of order or repeated,
 * or a lookup that does not find an entry.
 *
 * The same bytes, cut at their first NUL into two texts, also go to i18n_formats_match on
 * their own: it must be symmetric, and a text without '$' must match itself.
 *
 * Run by tests/fuzz/run.sh; seeds in tests/fuzz/corpus/mo (catalogs msgfmt wrote from the
 * fixtures of tests/data/i18n, in both byte orders). */
#include "base/err.h"
#include "base/i18n_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_mo: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* `s` starts inside [data, data + size) and its NUL is inside too. */
static void check_inside(const uint8_t *data, size_t size, const char *s, const char *what)
{
    const uint8_t *p = (const uint8_t *)s;
    if (p < data || p >= data + size)
        die(what, "points outside the file");
    if (!memchr(p, '\0', (size_t)(data + size - p)))
        die(what, "has no NUL inside the file");
}

static void fuzz_catalog(const uint8_t *data, size_t size)
{
    struct i18n_catalog *cat = (struct i18n_catalog *)&cat;
    struct bh_error err;
    bh_error_clear(&err);
    int rc = i18n_catalog_parse(data, size, &cat, &err);
    if (rc != 0) {
        if (rc != BH_EINVALID || cat != NULL || !err.message[0])
            die("a refusal", "without BH_EINVALID, a message and a NULL catalog");
        return;
    }
    if (!cat)
        die("an accepted catalog", "is NULL");
    for (size_t i = 0; i < cat->count; i++) {
        const struct i18n_entry *e = &cat->entries[i];
        check_inside(data, size, e->msgid, "a msgid");
        check_inside(data, size, e->msgstr, "a translation");
        if (!e->msgid[0] || !e->msgstr[0])
            die("an entry", "with an empty msgid or translation");
        if (!i18n_formats_match(e->msgid, e->msgstr))
            die("a translation kept", e->msgid);
        if (i > 0 && strcmp(cat->entries[i - 1].msgid, e->msgid) >= 0)
            die("entries", "out of order or repeated");
        if (i18n_catalog_lookup(cat, e->msgid) != e->msgstr)
            die("a lookup", e->msgid);
    }
    for (size_t i = 0; i < cat->ndropped; i++) {
        check_inside(data, size, cat->dropped[i], "a dropped msgid");
        const char *t = i18n_catalog_lookup(cat, cat->dropped[i]);
        if (t && !i18n_formats_match(cat->dropped[i], t))
            die("a dropped translation", "is served");
    }
    (void)i18n_catalog_lookup(cat, "");
    (void)i18n_catalog_lookup(cat, "%s");
    i18n_catalog_free(cat);
}

static void fuzz_formats(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    if (!text)
        die("malloc", "out of memory");
    memcpy(text, data, size);
    text[size] = text[size + 1] = '\0';
    const char *a = text, *b = text + strlen(text) + 1;
    if (i18n_formats_match(a, b) != i18n_formats_match(b, a))
        die("i18n_formats_match", "is not symmetric");
    if (!strchr(a, '$') && !i18n_formats_match(a, a))
        die("i18n_formats_match", "refuses a text without '$' as its own translation");
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_catalog(data, size);
    fuzz_formats(data, size);
    return 0;
}
