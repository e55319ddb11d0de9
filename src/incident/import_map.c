/* A record's text cells, named by the incident JSON keys, into an incident_row
 * (import_internal.h). */
#include "incident/import_internal.h"

#include "base/mem.h"
#include "base/timeutil.h"
#include "sharing/sharing.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields are the record's JSON keys, in the order of the column table (columns.h): the
 * enum of import_internal.h follows it, which these checks hold to. */
#define KEY(col, kind, key, hxl, role) INCIDENT_ROLE(RECORD, role, key, )

const char *const incident__import_fields[NFIELDS] = { INCIDENT_COLUMNS_TABLE(KEY) };

_Static_assert(NFIELDS == INCIDENT_NCOLUMNS - 1, "one import field per column of the record");
_Static_assert(F_ID == INCIDENT_C_id - 1 && F_MISSION == INCIDENT_C_mission - 1 &&
                   F_SOURCES == INCIDENT_C_sources - 1 && F_OWNER == INCIDENT_C_owner_org_id - 1 &&
                   F_SHARING_GROUP == INCIDENT_C_sharing_group_id - 1 &&
                   F_UPDATED_AT == INCIDENT_C_updated_at - 1,
               "enum field in the order of the column table");

const enum field incident__import_required[5] = { F_MISSION, F_OCCURRED_AT, F_LATITUDE, F_LONGITUDE,
                                                  F_THREAT_TYPE };

const char *const incident__import_ignored[] = { "casualty_records", "duplicate_candidates", NULL };

int incident__import_field(const char *name)
{
    for (int f = 0; f < NFIELDS; f++)
        if (strcmp(incident__import_fields[f], name) == 0)
            return f;
    return -1;
}

void incident__row_texts_cleanup(struct row_texts *t)
{
    free(t->groups);
    free(t->sources);
    t->groups = t->sources = NULL;
}

static char *trimmed(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int parse_double(int f, const char *s, double *out, struct bh_error *err)
{
    if (!s)
        return bh_fail(err, BH_EINVALID, incident__import_fields[f],
                       "%s is required (decimal degrees)", incident__import_fields[f]);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return bh_fail(err, BH_EINVALID, incident__import_fields[f], "%s '%.40s' is not a number",
                       incident__import_fields[f], s);
    *out = v;
    return 0;
}

static int parse_count(int f, const char *s, int64_t *out, struct bh_error *err)
{
    *out = 0;
    if (!s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno)
        return bh_fail(err, BH_EINVALID, incident__import_fields[f],
                       "%s '%.40s' is not a whole number", incident__import_fields[f], s);
    *out = v;
    return 0;
}

/* A list as a JSON array of strings ("[\"a\",\"b\"]", what the API and GeoJSON give) or as
 * values separated by ';' (what the CSV export writes): *out gets the compact JSON text
 * (heap), NULL for an empty list. */
static int parse_list(int f, const char *s, char **out, struct bh_error *err)
{
    *out = NULL;
    if (!s)
        return 0;
    json_t *a;
    if (s[0] == '[') {
        json_error_t je;
        a = json_loads(s, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_array(a)) {
            json_decref(a);
            return bh_fail(err, BH_EINVALID, incident__import_fields[f],
                           "%s is neither a JSON list of strings nor values separated by ';'",
                           incident__import_fields[f]);
        }
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
            if (!json_is_string(v)) {
                json_decref(a);
                return bh_fail(err, BH_EINVALID, incident__import_fields[f],
                               "%s[%zu] must be a string", incident__import_fields[f], i);
            }
        }
    } else {
        a = json_array();
        char *copy = xstrdup(s), *save = NULL;
        for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
            part = trimmed(part);
            if (*part)
                json_array_append_new(a, json_string(part));
        }
        free(copy);
    }
    if (json_array_size(a))
        *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return 0;
}

int incident__import_row(struct imp *m, const struct record *rec, struct incident_row *row,
                         struct row_texts *t, struct bh_error *err)
{
    const char *const *c = rec->cell;
    int rc;
    memset(row, 0, sizeof *row);
    row->mission = c[F_MISSION];
    row->occurred_at = c[F_OCCURRED_AT];
    row->occurred_precision = c[F_OCCURRED_PRECISION] ? c[F_OCCURRED_PRECISION] : "exact";
    /* A file that does not say when an incident was reported gets its occurrence: stable, so
     * that importing the file again changes nothing. */
    row->reported_at = c[F_REPORTED_AT] ? c[F_REPORTED_AT] : c[F_OCCURRED_AT];
    if ((rc = parse_double(F_LATITUDE, c[F_LATITUDE], &row->latitude, err)) ||
        (rc = parse_double(F_LONGITUDE, c[F_LONGITUDE], &row->longitude, err)))
        return rc;
    row->location_precision = c[F_LOCATION_PRECISION] ? c[F_LOCATION_PRECISION] : "exact";
    row->place_name = c[F_PLACE_NAME];
    row->admin1 = c[F_ADMIN1];
    row->admin2 = c[F_ADMIN2];
    row->threat_type = c[F_THREAT_TYPE];
    row->target = c[F_TARGET] ? c[F_TARGET] : "other";
    row->activity = c[F_ACTIVITY] ? c[F_ACTIVITY] : "other";
    row->perpetrator = c[F_PERPETRATOR];
    if ((rc = parse_list(F_PERPETRATOR_GROUPS, c[F_PERPETRATOR_GROUPS], &t->groups, err)) ||
        (rc = parse_list(F_SOURCES, c[F_SOURCES], &t->sources, err)) ||
        (rc = parse_count(F_KILLED, c[F_KILLED], &row->killed, err)) ||
        (rc = parse_count(F_INJURED, c[F_INJURED], &row->injured, err)) ||
        (rc = parse_count(F_MISSING, c[F_MISSING], &row->missing, err)) ||
        (rc = parse_count(F_ABDUCTED, c[F_ABDUCTED], &row->abducted, err)))
        return rc;
    row->perpetrator_groups = t->groups;
    row->sources = t->sources;
    row->narrative = c[F_NARRATIVE];
    row->status = c[F_STATUS] ? c[F_STATUS] : "submitted";
    row->return_reason = c[F_RETURN_REASON];
    row->endorsed_by = c[F_ENDORSED_BY];
    row->endorsed_at = c[F_ENDORSED_AT];
    if (row->endorsed_at && time_parse_rfc3339(row->endorsed_at, &(int64_t){ 0 }, NULL, NULL))
        return bh_fail(err, BH_EINVALID, "endorsed_at",
                       "endorsed_at '%.40s' is not an RFC 3339 time", row->endorsed_at);
    row->merged_into = c[F_MERGED_INTO];
    const char *syn = c[F_SYNTHETIC];
    if (!syn || strcmp(syn, "false") == 0 || strcmp(syn, "0") == 0)
        row->synthetic = false;
    else if (strcmp(syn, "true") == 0 || strcmp(syn, "1") == 0)
        row->synthetic = true;
    else
        return bh_fail(err, BH_EINVALID, "synthetic", "synthetic '%.40s' is not true or false",
                       syn);
    if (c[F_OWNER]) {
        const struct kval *o = hashmap_get(&m->orgs, c[F_OWNER]);
        if (!o)
            return bh_fail(err, BH_EINVALID, "owner",
                           "owner '%.40s' is not an organization of this store (add it with "
                           "`bluehelm org add`)",
                           c[F_OWNER]);
        row->owner_org_id = o->n;
    } else if (m->default_owner) {
        row->owner_org_id = m->default_owner;
    } else {
        return bh_fail(err, BH_EINVALID, "owner",
                       "owner is required: the record names no organization (give one with "
                       "--org CODE)");
    }
    row->reporter = c[F_REPORTER] ? c[F_REPORTER] : m->who->username;
    if (c[F_TLP]) {
        int tlp = tlp_parse(c[F_TLP]);
        if (tlp < 0)
            return bh_fail(err, BH_EINVALID, "tlp",
                           "unknown marking '%.40s' (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                           "TLP:AMBER+STRICT)",
                           c[F_TLP]);
        row->tlp = tlp_column_value((enum tlp)tlp);
    } else {
        row->tlp = m->default_tlp;
    }
    if (strcmp(row->tlp, "RED") == 0)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "TLP:RED records cannot be imported: their readers are accounts of the "
                       "store that wrote them");
    if (strcmp(row->tlp, "AMBER") == 0) {
        if (!m->opt->sharing_group_id)
            return bh_fail(err, BH_EINVALID, "sharing_group",
                           "a TLP:AMBER record needs a sharing group of this store: give one "
                           "with --sharing-group ID (the file's numbers are another store's)");
        row->sharing_group_id = m->opt->sharing_group_id;
    }
    row->source = "import";
    row->created_at = m->now;
    row->updated_at = m->now;
    return 0;
}

uint64_t incident__import_fingerprint(const struct incident_row *r)
{
    uint64_t h = HASH_SEED;
    const char *texts[] = {
        r->mission,
        r->occurred_at,
        r->occurred_precision,
        r->reported_at,
        r->location_precision,
        r->place_name,
        r->admin1,
        r->admin2,
        r->threat_type,
        r->target,
        r->activity,
        r->perpetrator,
        r->perpetrator_groups ? r->perpetrator_groups : "[]",
        r->narrative ? r->narrative : "",
        r->sources ? r->sources : "[]",
        r->status,
        r->return_reason,
        r->endorsed_by,
        r->endorsed_at,
        r->merged_into,
        r->reporter,
        r->tlp,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        h = hash_chain_str(h, texts[i]);
    uint64_t lat, lon;
    memcpy(&lat, &r->latitude, sizeof lat);
    memcpy(&lon, &r->longitude, sizeof lon);
    const int64_t ints[] = { (int64_t)lat, (int64_t)lon,    r->killed,
                             r->injured,   r->missing,      r->abducted,
                             r->synthetic, r->owner_org_id, r->sharing_group_id };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        h = hash_chain_int(h, ints[i]);
    h = hash_mix64(h);
    return h ? h : 1;
}

void incident__import_hash_key(const struct record *rec, char out[40])
{
    uint64_t h = HASH_SEED;
    for (int f = 0; f < NFIELDS; f++)
        h = hash_chain_str(h, rec->cell[f]);
    snprintf(out, 40, "row:%016" PRIx64, hash_mix64(h));
}
