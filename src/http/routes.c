#include "http/routes.h"

#include "api/api.h"

#include <stdio.h>
#include <string.h>

/* Every endpoint, in one table. Reading it answers who may call what: flags say whether
 * authentication is needed and what the body must be, `perm` names the permission checked.
 * docs/openapi.json must describe every row (a test compares them). */
#define PUB  ROUTE_PUBLIC
#define JSON ROUTE_JSON
#define IDEM ROUTE_IDEMPOTENT

const struct route http_routes[] = {
    /* Operations */
    { "GET", "/healthz", api_health, PUB, PERM_NONE, 0,
      "Liveness and readiness: status, version and store schema" },
    { "GET", "/api/v1/version", api_version, PUB, PERM_NONE, 0,
      "Build data: version, schema, library versions" },
    { "GET", "/api/v1/openapi.json", api_openapi, PUB, PERM_NONE, 0,
      "This API described as OpenAPI 3.1" },

    /* Session */
    { "POST", "/api/v1/session", api_session_create, PUB | JSON | ROUTE_NO_CSRF, PERM_NONE, 4096,
      "Sign in with username and password; sets the session cookie" },
    { "GET", "/api/v1/session", api_session_get, 0, PERM_NONE, 0,
      "The signed-in user, permissions and CSRF token" },
    { "DELETE", "/api/v1/session", api_session_delete, 0, PERM_NONE, 0, "Sign out" },

    /* Users */
    { "GET", "/api/v1/users", api_user_list, 0, PERM_USER_ADMIN, 0, "List users" },
    { "POST", "/api/v1/users", api_user_create, JSON | IDEM, PERM_USER_ADMIN, 0, "Create a user" },
    { "GET", "/api/v1/users/{username}", api_user_get, 0, PERM_USER_ADMIN, 0, "One user" },
    { "PATCH", "/api/v1/users/{username}", api_user_update, JSON, PERM_USER_ADMIN, 0,
      "Change a user's role, password or disabled state" },

    /* API tokens of the signed-in user */
    { "GET", "/api/v1/tokens", api_token_list, 0, PERM_TOKEN_OWN, 0, "List my API tokens" },
    { "POST", "/api/v1/tokens", api_token_create, JSON | IDEM, PERM_TOKEN_OWN, 0,
      "Create an API token (its text is shown once)" },
    { "DELETE", "/api/v1/tokens/{id}", api_token_delete, 0, PERM_TOKEN_OWN, 0,
      "Revoke one of my API tokens" },

    /* Organizations */
    { "GET", "/api/v1/orgs", api_org_list, 0, PERM_DIRECTORY_READ, 0, "The member directory" },
    { "POST", "/api/v1/orgs", api_org_create, JSON | IDEM, PERM_ORG_WRITE, 0,
      "Add an organization" },
    { "GET", "/api/v1/orgs/{code}", api_org_get, 0, PERM_DIRECTORY_READ, 0, "One organization" },

    /* Sharing groups */
    { "GET", "/api/v1/groups", api_group_list, 0, PERM_DIRECTORY_READ, 0, "List sharing groups" },
    { "POST", "/api/v1/groups", api_group_create, JSON | IDEM, PERM_GROUP_WRITE, 0,
      "Create a sharing group" },
    { "GET", "/api/v1/groups/{id}", api_group_get, 0, PERM_DIRECTORY_READ, 0, "One sharing group" },
    { "PATCH", "/api/v1/groups/{id}", api_group_update, JSON, PERM_GROUP_WRITE, 0,
      "Rename a sharing group or change its members" },
    { "DELETE", "/api/v1/groups/{id}", api_group_delete, 0, PERM_GROUP_WRITE, 0,
      "Delete a sharing group" },

    /* Audit */
    { "GET", "/api/v1/audit", api_audit_list, 0, PERM_AUDIT_READ, 0, "The audit log, filtered" },

    /* Casualty register */
    { "GET", "/api/v1/casualties", api_casualty_list, 0, PERM_RECORD_READ, 0,
      "List casualty records the caller may see" },
    { "POST", "/api/v1/casualties", api_casualty_create, JSON | IDEM, PERM_RECORD_WRITE, 0,
      "Create a casualty record (embargoed until released)" },
    { "GET", "/api/v1/casualties.csv", api_casualty_export, 0, PERM_RECORD_EXPORT, 0,
      "Export casualty records as CSV: the UN's columns or HXL" },
    { "GET", "/api/v1/casualties/{id}", api_casualty_get, 0, PERM_RECORD_READ, 0,
      "One casualty record" },
    { "POST", "/api/v1/casualties/{id}/release", api_casualty_release, 0, PERM_RECORD_WRITE, 0,
      "Release a casualty record from its embargo" },

    /* Statistics */
    { "GET", "/api/v1/stats/casualties", api_stats_casualties, PUB, PERM_NONE, 0,
      "Casualty counts grouped by year, mission, nationality, type ...; public figures for "
      "anonymous callers" },

    /* Casualty register: imports. The upload is the UN's CSV file itself, hence its own
     * body limit (the real file is 0.5 MB; 64 MiB leaves room for decades). */
    { "POST", "/api/v1/casualties/import", api_casualty_import, 0, PERM_DATA_IMPORT, 64u << 20,
      "Import the UN peacekeeping fatalities file (text/csv)" },

    /* Incident register (docs/incidents.md): reports, their workflow and revisions */
    { "GET", "/api/v1/incidents", api_incident_list, 0, PERM_RECORD_READ, 0,
      "List incidents the caller may see: bbox, near, from, to, mission, type, status, q" },
    { "GET", "/api/v1/incidents.geojson", api_incident_geojson, 0, PERM_RECORD_EXPORT, 0,
      "The same matches as GeoJSON (RFC 7946)" },
    { "GET", "/api/v1/incidents.csv", api_incident_csv, 0, PERM_RECORD_EXPORT, 0,
      "The same matches as CSV with HXL hashtags" },
    { "POST", "/api/v1/incidents", api_incident_create, JSON | IDEM, PERM_RECORD_WRITE, 0,
      "Report an incident (a draft, or submitted at once)" },
    { "GET", "/api/v1/incidents/{id}", api_incident_get, 0, PERM_RECORD_READ, 0,
      "One incident with its linked casualty records" },
    { "PATCH", "/api/v1/incidents/{id}", api_incident_update, JSON, PERM_RECORD_WRITE, 0,
      "Change a draft or returned report (a new revision)" },
    { "POST", "/api/v1/incidents/{id}/submit", api_incident_submit, 0, PERM_RECORD_WRITE, 0,
      "Submit a report for endorsement" },
    { "POST", "/api/v1/incidents/{id}/endorse", api_incident_endorse, 0, PERM_RECORD_ENDORSE, 0,
      "Endorse a submitted report (an endorser of its mission, not its reporter)" },
    { "POST", "/api/v1/incidents/{id}/return", api_incident_return, JSON, PERM_RECORD_ENDORSE, 0,
      "Return a submitted report to its reporter with a reason" },
    { "POST", "/api/v1/incidents/{id}/merge", api_incident_merge, JSON, PERM_RECORD_ENDORSE, 0,
      "Merge a duplicate report into another incident" },
    { "GET", "/api/v1/incidents/{id}/revisions", api_incident_revisions, 0, PERM_RECORD_READ, 0,
      "Every revision of an incident" },
    { "GET", "/api/v1/incidents/{id}/duplicates", api_incident_duplicates, 0, PERM_RECORD_READ, 0,
      "Likely duplicates: same mission and threat type, a few km and hours apart" },
    { "PUT", "/api/v1/users/{username}/missions", api_user_missions_set, JSON, PERM_USER_ADMIN, 0,
      "Set the missions a user works for (endorsers endorse those missions' reports)" },

    /* Context events (docs/events.md): UCDP and ACLED as a separate map layer */
    { "GET", "/api/v1/events", api_event_list, 0, PERM_RECORD_READ, 0,
      "List context events: the incident filters except status" },
    { "GET", "/api/v1/events.geojson", api_event_geojson, 0, PERM_RECORD_EXPORT, 0,
      "The same matches as GeoJSON (RFC 7946)" },
    { "GET", "/api/v1/events.csv", api_event_csv, 0, PERM_RECORD_EXPORT, 0,
      "The same matches as CSV with HXL hashtags" },

    /* Threat taxonomy (docs/taxonomy.md) */
    { "GET", "/api/v1/taxonomy", api_taxonomy, PUB, PERM_NONE, 0,
      "Threat types with their crosswalks, targets, activities, known groups, precisions" },

    /* CASEVAC timelines (docs/casevac.md) */
    { "GET", "/api/v1/casualties/{id}/casevac", api_casevac_get, 0, PERM_RECORD_READ, 0,
      "A casualty's CASEVAC timeline and its 10-1-2 compliance" },
    { "PUT", "/api/v1/casualties/{id}/casevac", api_casevac_put, JSON, PERM_RECORD_WRITE, 0,
      "Record or correct a casualty's CASEVAC timeline" },
    { "GET", "/api/v1/stats/casevac", api_stats_casevac, 0, PERM_RECORD_READ, 0,
      "10-1-2 compliance per mission and month" },

    /* The browser app (pages are #/fragments) and its assets. */
    { "GET", "/", api_app, PUB, PERM_NONE, 0, "The browser app" },
    { "GET", "/assets/{file}", api_asset, PUB, PERM_NONE, 0, "Browser app assets" },
};

#undef PUB
#undef JSON
#undef IDEM

const size_t http_routes_count = sizeof http_routes / sizeof http_routes[0];

/* Matches `path` against `pattern` segment by segment; {name} takes one non-empty segment. */
static int match(const char *pattern, const char *path, struct http_request *req)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    const char *vals[HTTP_MAX_PARAMS];
    size_t lens[HTTP_MAX_PARAMS];
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (!close || len == 0 || n == HTTP_MAX_PARAMS)
                return 0;
            vals[n] = s;
            lens[n++] = len;
            p = close + 1;
            s += len;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || *s)
        return 0;
    if (req) {
        for (size_t i = 0; i < n; i++)
            req->params[i] = arena_strndup(req->arena, vals[i], lens[i]);
        req->nparams = n;
    }
    return 1;
}

static int method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum route_match route_find(const char *method, const char *path, struct http_request *req,
                            const struct route **out, char *allow, size_t allow_len)
{
    int path_seen = 0;
    size_t used = 0;
    if (allow && allow_len)
        allow[0] = '\0';
    for (size_t i = 0; i < http_routes_count; i++) {
        const struct route *r = &http_routes[i];
        if (!match(r->pattern, path, NULL))
            continue;
        if (method_matches(r->method, method)) {
            match(r->pattern, path, req);
            *out = r;
            return ROUTE_MATCHED;
        }
        path_seen = 1;
        if (allow && used < allow_len) {
            int n = snprintf(allow + used, allow_len - used, "%s%s%s", used ? ", " : "", r->method,
                             strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
            if (n > 0)
                used += (size_t)n;
        }
    }
    return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
