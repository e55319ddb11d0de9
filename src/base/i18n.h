#ifndef BH_BASE_I18N_H
#define BH_BASE_I18N_H

/* The server's words in the six UN languages. Strings for people are written in English in the
 * code and marked: `_("…")` where the text is used right there (translated in the calling
 * thread's language), `N_("…")` in a table (only marked; translated with `_()` where it is
 * shown). xgettext collects them into po/bluehelm.pot; translators keep po/<lang>.po; CMake
 * compiles each with msgfmt into a .mo catalog that is embedded in the binary, so the server
 * and the CLI are one file that speaks every language with no locale installed on the machine.
 *
 * Why not glibc's gettext() at run time: it translates only into locales generated on the
 * machine (a fresh Debian has C.UTF-8 alone), and one process of the server answers each
 * request in its reader's language. The catalogs are GNU .mo files read by i18n.c; the
 * language is per thread (a request's, set by the dispatcher; the CLI's, from the
 * environment). A translation whose printf conversions differ from its English is refused
 * when the catalogs load (logged once): the English is used, so a bad catalog can never make
 * a format read the wrong arguments. */

#include <stdbool.h>

enum lang { LANG_EN, LANG_FR, LANG_AR, LANG_ZH, LANG_RU, LANG_ES, LANG_COUNT };

/* Marks a string for translation without translating it (tables, initializers). */
#define N_(s) s
/* `msgid` in the calling thread's language; `msgid` itself when there is no translation. */
#define _(s) i18n_tr(s)

/* Both return a string that lives as long as the process (never free it): the msgid itself,
 * or a translation in the embedded catalogs; NULL for a NULL msgid. format_arg, as glibc's
 * gettext() has it, tells the compiler that the result is a printf format with the msgid's
 * conversions, so `printf(_("%d rows"), n)` is checked against the English (and clang's
 * -Wformat-security accepts it); the catalogs' loader makes that true of every translation.
 * A language outside enum lang gives the msgid. */
const char *i18n_tr(const char *msgid) __attribute__((format_arg(1)));
const char *i18n_tr_in(enum lang lang, const char *msgid) __attribute__((format_arg(2)));

/* The calling thread's language (English until set; a value outside enum lang sets English). */
void i18n_set_thread_lang(enum lang lang);
enum lang i18n_thread_lang(void);

/* "fr" for LANG_FR; "en" for a value outside enum lang. */
const char *i18n_lang_code(enum lang lang);

/* Reads a language code ("fr", "fr-CA", "fr_FR.UTF-8", "zh-Hans"): true and *out when it
 * names one of the six, false otherwise. */
bool i18n_lang_parse(const char *text, enum lang *out);

/* The best of the six for an Accept-Language header (RFC 9110 12.5.4: q-values, "*", ranges
 * matched on their primary subtag): true and *out when one matches; false for an absent,
 * empty, malformed or unmatched header (the caller then keeps its default). */
bool i18n_lang_from_accept(const char *header, enum lang *out);

/* The CLI's language from the environment as gettext reads it: LANGUAGE (a colon-separated
 * list), then LC_ALL, LC_MESSAGES, LANG; English when none names one of the six or the
 * locale is C/POSIX. */
enum lang i18n_lang_from_env(void);

#endif
