#ifndef BH_BASE_I18N_INTERNAL_H
#define BH_BASE_I18N_INTERNAL_H

/* What i18n.c is made of, for its unit test and its fuzz targets: the catalog reader over
 * bytes handed in, the printf-conversion check, and the embedded catalogs. Nothing outside
 * src/base/i18n.c, tests/unit/test_i18n.c and tests/fuzz/ includes this. */

#include "base/i18n.h"

#include <stdbool.h>
#include <stddef.h>

struct bh_error;

/* The compiled catalogs, one GNU .mo file per language (NULL and 0 for English and for a
 * language that has none), defined by build/generated/i18n_catalogs_embedded.c, which CMake
 * makes from po/<lang>.po with msgfmt. They live as long as the process, so the catalogs
 * point into them instead of copying. */
extern const unsigned char *const i18n_mo[LANG_COUNT];
extern const unsigned long i18n_mo_len[LANG_COUNT];

/* One translation: both strings NUL-terminated and pointing into the bytes parsed. */
struct i18n_entry {
    const char *msgid;
    const char *msgstr;
};

/* A parsed catalog: its translations sorted by msgid (strcmp order, each msgid once), and
 * the msgids whose translation was refused because its printf conversions differ from the
 * English (in the file's order), for the loader's log and the tests. */
struct i18n_catalog {
    struct i18n_entry *entries;
    size_t count;
    const char **dropped;
    size_t ndropped;
};

/* Reads the `len` bytes of a GNU .mo file at `data` (either byte order, revision 0) into a
 * new catalog at *out, which the caller frees with i18n_catalog_free(). Borrows `data`: the
 * catalog's strings point into it, so it must outlive the catalog.
 *
 * Every offset and length is checked against `len` and every string must end with a NUL
 * inside the file; a file that breaks any of that is refused whole (BH_EINVALID, *out NULL,
 * `err` says what is wrong and where). Within a good file these entries are left out: the
 * header (empty msgid), entries with a context ("ctx\004msgid") or plural forms (a msgid
 * holding a NUL), empty translations (not translated), and translations whose printf
 * conversions differ from their msgid's (i18n_formats_match; listed in `dropped`). Never
 * reads outside `data`, whatever it holds. Returns 0 or BH_EINVALID. */
int i18n_catalog_parse(const unsigned char *data, size_t len, struct i18n_catalog **out,
                       struct bh_error *err);

/* The translation of `msgid` in `cat`, or NULL when it has none (or `cat` is NULL). */
const char *i18n_catalog_lookup(const struct i18n_catalog *cat, const char *msgid);

/* Frees `cat` (NULL is fine); the bytes it was read from are not touched. */
void i18n_catalog_free(struct i18n_catalog *cat);

/* Whether `translation` may stand for `english` as a printf format: both hold the same
 * sequence of conversion specifications, each written the same (flags, width, precision,
 * length modifier, conversion: "%-5s" and "%5s" differ, as do "%d" and "%i"). "%%" is
 * literal text and is not compared. A positional conversion ("%1$s", "%*2$d") in either is
 * refused: the order of the arguments is the English's. A '%' that starts no valid
 * specification ("100%" at the end) counts as that text, so it must be the same in both. */
bool i18n_formats_match(const char *english, const char *translation);

/* For the unit test only: the catalogs i18n_tr() reads instead of i18n_mo/i18n_mo_len (either
 * NULL: back to those). Call before the first translation into any language and before
 * threads start: a language's catalog is read once, on its first use, and kept. */
void i18n_use_catalogs(const unsigned char *const *mo, const unsigned long *mo_len);

#endif
