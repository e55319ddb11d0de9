/* The list the HTTP server searches, made from the registry in api.h (API_ROUTE_TABLES): a new
 * capability adds its api/ file and one line there, nothing here. */
#include "api/api.h"

#include <stddef.h>

/* clang-format off */
const struct route *const api_routes[] = {
#define API_TABLE(name) api_##name##_routes,
    API_ROUTE_TABLES(API_TABLE)
#undef API_TABLE
    NULL,
};
/* clang-format on */
