/* Country names of UCDP and ACLED to ISO 3166 alpha-3, through the country table. */
#include "event/country.h"

#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Names the two sources use that are neither the country table's name nor its official name
 * (Debian's iso-codes writes "Congo, The Democratic Republic of the"). Only the countries
 * where missions deploy or where UCDP and ACLED code much conflict: others resolve by the
 * table's names or stay NULL. */
static const struct {
    const char *name;
    const char *iso3;
} aliases[] = {
    { "DR Congo (Zaire)", "COD" },
    { "DR Congo", "COD" },
    { "Democratic Republic of Congo", "COD" },
    { "Democratic Republic of the Congo", "COD" },
    { "Republic of Congo", "COG" },
    { "Congo", "COG" },
    { "Ivory Coast", "CIV" },
    { "Cote d'Ivoire", "CIV" },
    { "Syria", "SYR" },
    { "Iran", "IRN" },
    { "Russia", "RUS" },
    { "Palestine", "PSE" },
    { "Tanzania", "TZA" },
    { "Bolivia", "BOL" },
    { "Venezuela", "VEN" },
    { "Laos", "LAO" },
    { "Vietnam", "VNM" },
    { "Moldova", "MDA" },
    { "South Korea", "KOR" },
    { "North Korea", "PRK" },
    { "Turkey", "TUR" },
    { "Cape Verde", "CPV" },
    { "East Timor", "TLS" },
    { "eSwatini", "SWZ" },
    { "Kingdom of eSwatini", "SWZ" },
    { "Swaziland", "SWZ" },
    { "Macedonia, FYR", "MKD" },
    { "Macedonia", "MKD" },
    { "Czech Republic", "CZE" },
    { "Bosnia-Herzegovina", "BIH" },
    { "Burma", "MMR" },
    { "Gambia", "GMB" },
    { "Micronesia", "FSM" },
    { "United States", "USA" },
    { "United Kingdom", "GBR" },
};

struct country {
    char iso3[4];
    int numeric;
    char *name;
    char *official;
};

struct event_countries {
    struct country *list;
    size_t n;
    /* The last name looked up and its answer: a file is mostly one country. */
    char *last_name;
    const char *last_iso3;
};

int event_countries_load(struct db *db, struct event_countries **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT iso3, m49, name, official_name FROM country", &st, err);
    if (rc)
        return rc;
    struct event_countries *c = xcalloc(1, sizeof *c);
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (c->n == cap) {
            cap = cap ? cap * 2 : 256;
            c->list = xrealloc(c->list, cap * sizeof *c->list);
        }
        struct country *k = &c->list[c->n++];
        const char *iso3 = db_column_text(st, 0), *official = db_column_text(st, 3);
        snprintf(k->iso3, sizeof k->iso3, "%s", iso3 ? iso3 : "");
        k->numeric = db_column_is_null(st, 1) ? -1 : (int)db_column_int(st, 1);
        k->name = xstrdup(db_column_text(st, 2) ? db_column_text(st, 2) : "");
        k->official = official ? xstrdup(official) : NULL;
    }
    db_stmt_done(st);
    if (rc < 0) {
        event_countries_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void event_countries_free(struct event_countries *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->list[i].name);
        free(c->list[i].official);
    }
    free(c->list);
    free(c->last_name);
    free(c);
}

/* `name` (its first `len` bytes) as a name of the table, or an alias whose code the table
 * has. */
static const char *by_name(const struct event_countries *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct country *k = &c->list[i];
        if ((strlen(k->name) == len && strncasecmp(k->name, name, len) == 0) ||
            (k->official && strlen(k->official) == len && strncasecmp(k->official, name, len) == 0))
            return k->iso3;
    }
    for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
        if (strlen(aliases[a].name) == len && strncasecmp(aliases[a].name, name, len) == 0)
            for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->list[i].iso3, aliases[a].iso3) == 0)
                    return c->list[i].iso3;
    return NULL;
}

static const char *resolve(const struct event_countries *c, const char *name)
{
    size_t len = strlen(name);
    const char *iso3 = by_name(c, name, len);
    if (iso3)
        return iso3;
    /* UCDP adds former names in parentheses: "Russia (Soviet Union)", "Yemen (North Yemen)". */
    const char *paren = strrchr(name, '(');
    if (paren && name[len - 1] == ')') {
        size_t n = (size_t)(paren - name);
        while (n > 0 && name[n - 1] == ' ')
            n--;
        if (n)
            return by_name(c, name, n);
    }
    return NULL;
}

const char *event_country_iso3(struct event_countries *c, int numeric, const char *name)
{
    if (numeric >= 0)
        for (size_t i = 0; i < c->n; i++)
            if (c->list[i].numeric == numeric)
                return c->list[i].iso3;
    if (!name || !*name)
        return NULL;
    if (c->last_name && strcmp(c->last_name, name) == 0)
        return c->last_iso3;
    free(c->last_name);
    c->last_name = xstrdup(name);
    c->last_iso3 = resolve(c, name);
    return c->last_iso3;
}
