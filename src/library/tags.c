/* The library's tag vocabularies and the reading of a body's "tags". Closed lists are what a
 * search facet can count and a reader can pick from a menu; keywords are the one free facet,
 * kept tidy (trimmed, one spelling per word) so that the facet counts do not split. */
#include "library/library.h"

#include "base/mem.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const library_kinds[] = { "case_study", "lesson", "best_practice", "aar", NULL };

/* What the peacekeepers were doing that the lesson is about. Broader than the incident
 * taxonomy's activities (taxonomy_activities, what a unit was doing when attacked): a lesson
 * is as often about training, liaison or community engagement, where no incident happened. */
const char *const library_activities[] = {
    "patrol",
    "convoy",
    "escort",
    "checkpoint",
    "camp_security",
    "demining",
    "medical_evacuation",
    "engagement",
    "training",
    "logistics",
    "liaison",
    "other",
    NULL,
};

/* Action for Peacekeeping's eight areas, as src/commitment/commitment.h lists them (that
 * module keeps its list private, so it is repeated here; the words are A4P's own and fixed). */
const char *const library_a4p_areas[] = {
    "politics",     "wps",     "protection", "safety_security", "performance", "peacebuilding",
    "partnerships", "conduct", NULL,
};

enum facet { FACET_THREAT, FACET_MISSION, FACET_ACTIVITY, FACET_A4P, FACET_KEYWORD, FACET_COUNT };

static const char *const facet_names[FACET_COUNT] = { "threat", "mission", "activity", "a4p",
                                                      "keyword" };

static int facet_index(const char *name)
{
    for (int i = 0; i < FACET_COUNT; i++)
        if (strcmp(facet_names[i], name) == 0)
            return i;
    return -1;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* Whether `sql` (one bound text parameter) finds a row: a threat code or a mission. */
static int row_exists(struct db *db, const char *sql, const char *value, bool *found,
                      struct bh_error *err)
{
    return db_exec_params(db, sql, DB_PARAMS(DB_TEXT(value)), NULL, found, err);
}

/* A keyword as stored: without surrounding white space, 1..LIBRARY_TAG_MAX bytes, no control
 * characters. `out` has room for LIBRARY_TAG_MAX + 1 bytes. */
static int keyword_clean(const char *in, const char *field, char out[LIBRARY_TAG_MAX + 1],
                         struct bh_error *err)
{
    while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
        in++;
    size_t len = strlen(in);
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\n' ||
                   in[len - 1] == '\r'))
        len--;
    if (len == 0)
        return bh_fail(err, BH_EINVALID, field, "%s must not be empty", field);
    if (len > LIBRARY_TAG_MAX)
        return bh_fail(err, BH_EINVALID, field, "%s is longer than %d bytes", field,
                       LIBRARY_TAG_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
            return bh_fail(err, BH_EINVALID, field, "%s must not contain control characters",
                           field);
    memcpy(out, in, len);
    out[len] = '\0';
    return 0;
}

/* Whether `list` holds `s` already: exactly for the closed facets, ignoring case for
 * keywords ("IED" and "ied" are one keyword; the first spelling stays). */
static bool seen(const json_t *list, const char *s, bool fold)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        if (fold ? strcasecmp(json_string_value(v), s) == 0 : strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* Checks one value of facet `f` (named `field` in errors) and appends it to `list` once. */
static int read_value(struct db *db, enum facet f, const json_t *v, const char *field, json_t *list,
                      struct bh_error *err)
{
    const char *s = json_string_value(v);
    if (!s)
        return bh_fail(err, BH_EINVALID, field, "%s must be a string", field);
    char kw[LIBRARY_TAG_MAX + 1];
    bool ok = true;
    int rc = 0;
    switch (f) {
    case FACET_THREAT:
        rc = row_exists(db, "SELECT 1 FROM threat_term WHERE code = ?", s, &ok, err);
        break;
    case FACET_MISSION:
        rc = row_exists(db, "SELECT 1 FROM mission WHERE acronym = ?", s, &ok, err);
        break;
    case FACET_ACTIVITY:
        ok = in_list(s, library_activities);
        break;
    case FACET_A4P:
        ok = in_list(s, library_a4p_areas);
        break;
    case FACET_KEYWORD:
        if ((rc = keyword_clean(s, field, kw, err)))
            return rc;
        s = kw;
        break;
    case FACET_COUNT:
        ok = false;
        break;
    }
    if (rc)
        return rc;
    if (!ok)
        return bh_fail(err, BH_EINVALID, field, "%s: unknown %s '%.60s'", field, facet_names[f], s);
    if (!seen(list, s, f == FACET_KEYWORD))
        json_array_append_new(list, json_string(s));
    return 0;
}

int library_tags_read(struct db *db, const json_t *tags, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (tags && !json_is_null(tags) && !json_is_object(tags))
        return bh_fail(err, BH_EINVALID, "tags",
                       "tags must be an object of lists (threat, mission, activity, a4p, "
                       "keyword)");
    const char *key;
    const json_t *values;
    char field[64];
    if (json_is_object(tags))
        json_object_foreach((json_t *)tags, key, values)
        {
            if (facet_index(key) < 0) {
                snprintf(field, sizeof field, "tags.%.40s", key);
                return bh_fail(err, BH_EINVALID, field,
                               "unknown tag facet '%.40s' (threat, mission, activity, a4p, "
                               "keyword)",
                               key);
            }
        }
    json_t *o = json_object();
    for (int f = 0; f < FACET_COUNT; f++) {
        json_t *list = json_array();
        json_object_set_new(o, facet_names[f], list);
        values = json_is_object(tags) ? json_object_get(tags, facet_names[f]) : NULL;
        if (!values || json_is_null(values))
            continue;
        snprintf(field, sizeof field, "tags.%s", facet_names[f]);
        if (!json_is_array(values) || json_array_size(values) > LIBRARY_TAGS_MAX) {
            json_decref(o);
            return bh_fail(err, BH_EINVALID, field, "%s must be a list of at most %d values", field,
                           LIBRARY_TAGS_MAX);
        }
        size_t i;
        const json_t *v;
        json_array_foreach(values, i, v)
        {
            snprintf(field, sizeof field, "tags.%s[%zu]", facet_names[f], i);
            int rc = read_value(db, (enum facet)f, v, field, list, err);
            if (rc) {
                json_decref(o);
                return rc;
            }
        }
    }
    *out = o;
    return 0;
}
