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
    X(me)                   \
    X(notifications)        \
    X(work)                 \
    X(users)                \
    X(tokens)               \
    X(orgs)                 \
    X(groups)               \
    X(extfeeds)             \
    X(audit)                \
    X(casualties)           \
    X(stats)                \
    X(casualty_import)      \
    X(map_layers)           \
    X(basemap)              \
    X(basemap_local)        \
    X(incidents)            \
    X(alerts)               \
    X(bulletins)            \
    X(taxonomy)             \
    X(vocabulary)           \
    X(casevac)              \
    X(stream)               \
    X(webhooks)             \
    X(meetings)             \
    X(proposals)            \
    X(coordination)         \
    X(commitments)          \
    X(actions)              \
    X(library)              \
    X(capacity)             \
    X(assets)

#define API_DECLARE_TABLE(name) extern const struct route api_##name##_routes[];
API_ROUTE_TABLES(API_DECLARE_TABLE)
#undef API_DECLARE_TABLE

/* Every table of the registry, NULL-terminated: what `serve` hands the HTTP server. */
extern const struct route *const api_routes[];

/* The permissions, one line per table: the platform's (principal_permissions, principal.c)
 * and each capability's own, which its module defines and exports as <name>_permissions
 * (NULL-terminated), e.g. X(alert) for alert_permissions in src/alert/alert.c. Everything that
 * lists permissions walks this registry: GET /api/v1/vocabulary, a user's "permissions",
 * unit/role_docs against docs/architecture.md's table. A route row or a module check names the
 * permission object itself; unit/role_docs fails on a route whose permission is not listed
 * here. The order is the order of a user's "permissions". */
/* clang-format off */
#define API_PERMISSION_TABLES(X) \
    X(principal) \
    X(alert) \
    X(bulletin) \
    X(meeting) \
    X(extfeed) \
    X(webhook) \
    X(proposal) \
    X(commitment) \
    X(action) \
    X(library) \
    X(capacity)
/* clang-format on */

#define API_DECLARE_PERMISSIONS(name) extern const struct permission *const name##_permissions[];
API_PERMISSION_TABLES(API_DECLARE_PERMISSIONS)
#undef API_DECLARE_PERMISSIONS

/* Every table of API_PERMISSION_TABLES, NULL-terminated: a registry for permission_next() and
 * permission_find() (principal.h). */
extern const struct permission *const *const api_permissions[];

/* Sets "permissions" in the user JSON `user` (account_user_json()) from its "role": the names
 * of every permission of the registry the role holds, in registry order. account/ sits below
 * the registry and cannot list a capability's permissions, so the API adds them. */
void api_permissions_attach(json_t *user);

#endif
