#ifndef BH_API_API_H
#define BH_API_API_H

#include "http/routes.h"

/* The API, one file per capability. A handler parses the request, calls one function of its
 * module and writes the reply; it holds no SQL. Each file declares its own endpoints as a
 * route table (api_<file>_routes, ended by a row with a NULL method) next to the handlers it
 * names, which stay static: a route is written once, where it is served. Authentication,
 * permission, CSRF, content type, body size and Idempotency-Key are checked by the dispatcher
 * from those rows before a handler runs.
 *
 * The registry: one line per capability's table, in the order they are searched. A path
 * served by two tables (GET /api/v1/incidents in map_layers.c, POST in incidents.c) lists its
 * methods in this order in a 405's Allow header. */
#define API_ROUTE_TABLES(X) \
    X(health)               \
    X(openapi)              \
    X(session)              \
    X(users)                \
    X(tokens)               \
    X(orgs)                 \
    X(groups)               \
    X(audit)                \
    X(casualties)           \
    X(stats)                \
    X(casualty_import)      \
    X(map_layers)           \
    X(incidents)            \
    X(taxonomy)             \
    X(vocabulary)           \
    X(casevac)              \
    X(assets)

#define API_DECLARE_TABLE(name) extern const struct route api_##name##_routes[];
API_ROUTE_TABLES(API_DECLARE_TABLE)
#undef API_DECLARE_TABLE

/* Every table of the registry, NULL-terminated: what `serve` hands the HTTP server. */
extern const struct route *const api_routes[];

#endif
