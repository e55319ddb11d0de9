#include "api/api.h"
#include "http/routes.h"

#include "db/db.h"
#include "db/migrate.h"

#include <jansson.h>
#include <sodium.h>

/* Health reads the store's schema version through this thread's connection, so a 200 means
 * the store is open, readable and at the version this binary expects, not only that the
 * process is alive. A store that cannot be opened at all is the dispatcher's 503, before
 * this runs. */
static void api_health(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int version = 0;
    int rc = migrate_check(req->db, migrations_builtin, migrations_builtin_count, &version, &err);
    if (rc) {
        /* Whatever the cause (store unreadable, at another version), the server cannot serve:
         * 503, so a load balancer takes it out of rotation; the detail says why. */
        http_reply_problem(req, rep, BH_EUNAVAILABLE, err.message, err.field);
        return;
    }
    http_reply_json(
        req, rep, 200,
        json_pack("{s:s, s:s, s:i}", "status", "ok", "version", BH_VERSION, "schema", version));
}

static void api_version(struct http_request *req, struct http_reply *rep)
{
    /* map_tile_url rides along because the browser app reads this before drawing the map. */
    const char *tiles = http_request_map_tile_url(req);
    http_reply_json(
        req, rep, 200,
        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o}", "version", BH_VERSION, "schema",
                  migrate_latest(migrations_builtin, migrations_builtin_count), "sqlite",
                  db_driver_version(), "libmicrohttpd", http_library_version(), "jansson",
                  JANSSON_VERSION, "libsodium", sodium_version_string(), "map_tile_url",
                  tiles ? json_string(tiles) : json_null()));
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_health_routes[] = {
    { "GET", "/healthz", api_health, ROUTE_PUBLIC, PERM_NONE, 0,
      "Liveness and readiness: status, version and store schema" },
    { "GET", "/api/v1/version", api_version, ROUTE_PUBLIC, PERM_NONE, 0,
      "Build data: version, schema, library versions" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
