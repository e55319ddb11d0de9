#include "refdata/refdata.h"

#include "refdata/missions.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char country_upsert_sql[] =
    "INSERT INTO country (iso3, iso2, m49, name, official_name, withdrawn) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (iso3) DO UPDATE SET iso2 = excluded.iso2, m49 = excluded.m49, "
    "name = excluded.name, official_name = excluded.official_name, "
    "withdrawn = excluded.withdrawn";

/* A withdrawn code never replaces a current one that happens to share it. */
static const char country_insert_withdrawn_sql[] =
    "INSERT INTO country (iso3, iso2, m49, name, official_name, withdrawn) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (iso3) DO NOTHING";

static const char mission_upsert_sql[] =
    "INSERT INTO mission (acronym, name, kind, host_iso3, hq_city, hq_lat, hq_lon, "
    "start_date, end_date, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (acronym) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
    "host_iso3 = excluded.host_iso3, hq_city = excluded.hq_city, hq_lat = excluded.hq_lat, "
    "hq_lon = excluded.hq_lon, start_date = excluded.start_date, end_date = excluded.end_date, "
    "active = excluded.active";

static const char *json_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int put_country(struct db *db, const char *sql, const char *iso3, const char *iso2,
                       const char *numeric, const char *name, const char *official,
                       const char *withdrawn, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, iso3);
    db_bind_text(st, 2, iso2);
    if (numeric)
        db_bind_int(st, 3, strtol(numeric, NULL, 10));
    db_bind_text(st, 4, name);
    db_bind_text(st, 5, official);
    db_bind_text(st, 6, withdrawn);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Loads one iso-codes file; `list_key` is "3166-1" or "3166-3". */
static int load_iso_file(struct db *db, const char *dir, const char *file, const char *list_key,
                         struct bh_error *err)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return bh_fail(err, BH_EIO, "iso_codes_dir",
                       "cannot read country codes from %s: %s (line %d); is Debian's "
                       "iso-codes package installed?",
                       path, jerr.text, jerr.line);
    json_t *list = json_object_get(root, list_key);
    int rc = 0;
    if (!json_is_array(list)) {
        rc = bh_fail(err, BH_EINVALID, "iso_codes_dir", "%s has no \"%s\" list", path, list_key);
        goto out;
    }
    int withdrawn_list = strcmp(list_key, "3166-3") == 0;
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        const char *iso3 = json_str(c, "alpha_3");
        const char *name = json_str(c, "name");
        if (!iso3 || !name || strlen(iso3) != 3)
            continue; /* a few withdrawn entries have no alpha-3: nothing to key them on */
        const char *withdrawn = withdrawn_list ? json_str(c, "withdrawal_date") : NULL;
        if (withdrawn_list && !withdrawn)
            withdrawn = "unknown";
        rc = put_country(db, withdrawn_list ? country_insert_withdrawn_sql : country_upsert_sql,
                         iso3, json_str(c, "alpha_2"), json_str(c, "numeric"), name,
                         json_str(c, "official_name"), withdrawn, err);
        if (rc)
            goto out;
    }
out:
    json_decref(root);
    return rc;
}

static int load_missions(struct db *db, struct bh_error *err)
{
    for (size_t i = 0; i < refdata_missions_count; i++) {
        const struct mission_ref *m = &refdata_missions[i];
        struct db_stmt *st;
        int rc = db_prepare(db, mission_upsert_sql, &st, err);
        if (rc)
            return rc;
        db_bind_text(st, 1, m->acronym);
        db_bind_text(st, 2, m->name);
        db_bind_text(st, 3, refdata_mission_kind_name(m->kind));
        db_bind_text(st, 4, m->host_iso3);
        db_bind_text(st, 5, m->hq_city);
        if (m->has_hq_coords) {
            db_bind_double(st, 6, m->hq_lat);
            db_bind_double(st, 7, m->hq_lon);
        }
        db_bind_text(st, 8, m->start_date);
        db_bind_text(st, 9, m->end_date);
        db_bind_int(st, 10, m->end_date == NULL);
        struct bh_error e;
        rc = db_step(st, &e);
        db_stmt_done(st);
        if (rc < 0)
            return bh_fail(err, rc, "mission", "mission %s: %s", m->acronym, e.message);
    }
    return 0;
}

int refdata_load(struct db *db, const char *iso_codes_dir, struct refdata_counts *counts,
                 struct bh_error *err)
{
    struct refdata_counts n = { 0, 0 };
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = load_iso_file(db, iso_codes_dir, "iso_3166-1.json", "3166-1", err)))
        goto fail;
    if ((rc = load_iso_file(db, iso_codes_dir, "iso_3166-3.json", "3166-3", err)))
        goto fail;
    /* Kosovo has no ISO 3166-1 code; XKX is the user-assigned code the EU, the IMF and
     * Natural Earth's neighbours use, and UNMIK's host needs a row. */
    if ((rc = put_country(db, country_insert_withdrawn_sql, "XKX", "XK", NULL, "Kosovo", NULL, NULL,
                          err)))
        goto fail;
    if ((rc = load_missions(db, err)))
        goto fail;
    /* Report what the store holds, not what this run touched: the same after every run. */
    int64_t rows;
    if ((rc = db_query_int(db, "SELECT count(*) FROM country", 0, &rows, err)))
        goto fail;
    n.countries = (int)rows;
    if ((rc = db_query_int(db, "SELECT count(*) FROM mission", 0, &rows, err)))
        goto fail;
    n.missions = (int)rows;
    if ((rc = db_commit(db, err)))
        goto fail;
    if (counts)
        *counts = n;
    return 0;
fail:
    db_rollback(db);
    return rc;
}
