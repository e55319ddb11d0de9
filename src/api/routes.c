/* The lists made from the registries in api.h: the route tables the HTTP server searches
 * (API_ROUTE_TABLES) and the permission tables (API_PERMISSION_TABLES). A new capability adds
 * its files and one line there, nothing here. */
#include "api/api.h"

#include "principal/principal.h"

#include <jansson.h>
#include <stddef.h>

/* clang-format off */
const struct route *const api_routes[] = {
#define API_TABLE(name) api_##name##_routes,
    API_ROUTE_TABLES(API_TABLE)
#undef API_TABLE
    NULL,
};
/* clang-format on */

/* clang-format off */
const struct permission *const *const api_permissions[] = {
#define API_PERMISSIONS(name) name##_permissions,
    API_PERMISSION_TABLES(API_PERMISSIONS)
#undef API_PERMISSIONS
    NULL,
};
/* clang-format on */

void api_permissions_attach(json_t *user)
{
    enum role role = role_parse(json_string_value(json_object_get(user, "role")));
    json_t *names = json_array();
    for (const struct permission *p = permission_next(api_permissions, NULL); p;
         p = permission_next(api_permissions, p))
        if (role_can(role, p))
            json_array_append_new(names, json_string(p->name));
    json_object_set_new(user, "permissions", names);
}
