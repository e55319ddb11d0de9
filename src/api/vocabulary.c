/* GET /api/v1/vocabulary: the words the browser shows for the codes of roles, permissions,
 * organization kinds, standings and contributor roles. The words live in C beside the codes
 * (principal.c, org.c, a capability's own permissions in its module), so a new role or
 * permission is named once; the app reads them here
 * instead of keeping a copy. Public, like the taxonomy: the sign-in page may want them before
 * anyone signs in, and they describe no record. */
#include "api/api.h"
#include "http/routes.h"

#include "capacity/capacity.h"
#include "library/library.h"
#include "org/org.h"
#include "principal/principal.h"

#include <jansson.h>

/* The codes of a NULL-terminated list as a JSON array. */
static json_t *codes_json(const char *const *codes)
{
    json_t *a = json_array();
    for (size_t i = 0; codes[i]; i++)
        json_array_append_new(a, json_string(codes[i]));
    return a;
}

/* {"roles": {code: {"label", "who"}}, "permissions": {code: label}, "org_kinds": {code: label},
 * "standings": {code: label}, "org_roles": {code: [short, long]}, "library": {"kinds",
 * "activities", "a4p"}, "capacity": capacity_vocabulary_json()'s categories, capabilities,
 * units, priorities and languages}: the codes as they are, the words in the request's language (the
 * *_label functions translate; the library's codes are named by the app's catalog). New
 * reference. */
static json_t *vocabulary_json(void)
{
    json_t *roles = json_object();
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
        json_object_set_new(roles, role_name((enum role)r),
                            json_pack("{s:s, s:s}", "label", role_label((enum role)r), "who",
                                      role_who((enum role)r)));
    /* Every permission of the registry (api.h), the platform's and each capability's; PERM_NONE
     * is no permission anyone is given, so the app has nothing to show for it. */
    json_t *perms = json_object();
    for (const struct permission *p = permission_next(api_permissions, NULL); p;
         p = permission_next(api_permissions, p))
        json_object_set_new(perms, p->name, json_string(permission_label(p)));
    json_t *kinds = json_object();
    for (int k = 0; k < ORG_KIND_COUNT; k++)
        json_object_set_new(kinds, org_kind_name((enum org_kind)k),
                            json_string(org_kind_label((enum org_kind)k)));
    json_t *standings = json_object();
    for (int s = 0; s < STANDING_COUNT; s++)
        json_object_set_new(standings, org_standing_name((enum org_standing)s),
                            json_string(org_standing_label((enum org_standing)s)));
    json_t *org_roles = json_object();
    for (unsigned bit = 1; bit & ORG_ROLE_ALL; bit <<= 1)
        json_object_set_new(
            org_roles, org_role_name(bit),
            json_pack("[s, s]", org_role_label(bit, false), org_role_label(bit, true)));
    json_t *library =
        json_pack("{s:o, s:o, s:o}", "kinds", codes_json(library_kinds), "activities",
                  codes_json(library_activities), "a4p", codes_json(library_a4p_areas));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "roles", roles, "permissions", perms,
                     "org_kinds", kinds, "standings", standings, "org_roles", org_roles, "library",
                     library, "capacity", capacity_vocabulary_json());
}

static void api_vocabulary(struct http_request *req, struct http_reply *rep)
{
    /* The words change only with the binary, as the taxonomy does: an hour's reuse, then the
     * dispatcher's ETag turns a re-fetch into a 304. */
    http_reply_header(req, rep, "Cache-Control", "public, max-age=3600");
    http_reply_json(req, rep, 200, vocabulary_json());
}

/* This capability's endpoints (collected in api/routes.c through api.h's registry).
 * docs/openapi.json describes the row (api/openapi checks). */
const struct route api_vocabulary_routes[] = {
    { "GET", "/api/v1/vocabulary", api_vocabulary, ROUTE_PUBLIC, PERM_NONE, 0,
      "Labels for the codes of roles, permissions, organization kinds, standings and "
      "contributor roles, and the library's vocabularies" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
