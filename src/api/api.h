#ifndef BH_API_API_H
#define BH_API_API_H

#include "http/request.h"

/* The API handlers, one file per capability. A handler parses the request, calls one
 * function of its module and writes the reply; it holds no SQL. Authentication, permission,
 * CSRF, content type, body size and Idempotency-Key are checked by the dispatcher from the
 * route table (src/http/routes.c) before a handler runs. */

/* health.c */
void api_health(struct http_request *req, struct http_reply *rep);
void api_version(struct http_request *req, struct http_reply *rep);
void api_openapi(struct http_request *req, struct http_reply *rep);

/* session.c: sign in and out, the signed-in user */
void api_session_create(struct http_request *req, struct http_reply *rep);
void api_session_get(struct http_request *req, struct http_reply *rep);
void api_session_delete(struct http_request *req, struct http_reply *rep);

/* users.c: user administration */
void api_user_list(struct http_request *req, struct http_reply *rep);
void api_user_create(struct http_request *req, struct http_reply *rep);
void api_user_get(struct http_request *req, struct http_reply *rep);
void api_user_update(struct http_request *req, struct http_reply *rep);

/* tokens.c: the signed-in user's API tokens */
void api_token_list(struct http_request *req, struct http_reply *rep);
void api_token_create(struct http_request *req, struct http_reply *rep);
void api_token_delete(struct http_request *req, struct http_reply *rep);

/* orgs.c: the member directory */
void api_org_list(struct http_request *req, struct http_reply *rep);
void api_org_get(struct http_request *req, struct http_reply *rep);
void api_org_create(struct http_request *req, struct http_reply *rep);

/* groups.c: sharing groups */
void api_group_list(struct http_request *req, struct http_reply *rep);
void api_group_create(struct http_request *req, struct http_reply *rep);
void api_group_get(struct http_request *req, struct http_reply *rep);
void api_group_update(struct http_request *req, struct http_reply *rep);
void api_group_delete(struct http_request *req, struct http_reply *rep);

/* audit.c: the audit log */
void api_audit_list(struct http_request *req, struct http_reply *rep);

/* casualties.c: the casualty register */
void api_casualty_list(struct http_request *req, struct http_reply *rep);
void api_casualty_create(struct http_request *req, struct http_reply *rep);
void api_casualty_get(struct http_request *req, struct http_reply *rep);
void api_casualty_release(struct http_request *req, struct http_reply *rep);
void api_casualty_export(struct http_request *req, struct http_reply *rep);

/* stats.c: statistics */
void api_stats_casualties(struct http_request *req, struct http_reply *rep);

/* casualty_import.c: the UN fatalities file uploaded as text/csv */
void api_casualty_import(struct http_request *req, struct http_reply *rep);

/* map_layers.c: incidents and context events as lists and files (src/spatial/) */
void api_incident_list(struct http_request *req, struct http_reply *rep);
void api_incident_geojson(struct http_request *req, struct http_reply *rep);
void api_incident_csv(struct http_request *req, struct http_reply *rep);
void api_event_list(struct http_request *req, struct http_reply *rep);
void api_event_geojson(struct http_request *req, struct http_reply *rep);
void api_event_csv(struct http_request *req, struct http_reply *rep);

/* incidents.c: reports and their workflow (src/incident/) */
void api_incident_create(struct http_request *req, struct http_reply *rep);
void api_incident_get(struct http_request *req, struct http_reply *rep);
void api_incident_update(struct http_request *req, struct http_reply *rep);
void api_incident_submit(struct http_request *req, struct http_reply *rep);
void api_incident_endorse(struct http_request *req, struct http_reply *rep);
void api_incident_return(struct http_request *req, struct http_reply *rep);
void api_incident_merge(struct http_request *req, struct http_reply *rep);
void api_incident_revisions(struct http_request *req, struct http_reply *rep);
void api_incident_duplicates(struct http_request *req, struct http_reply *rep);
void api_user_missions_set(struct http_request *req, struct http_reply *rep);

/* taxonomy.c: the threat taxonomy */
void api_taxonomy(struct http_request *req, struct http_reply *rep);

/* casevac.c: CASEVAC timelines and 10-1-2 compliance (src/casevac/) */
void api_casevac_get(struct http_request *req, struct http_reply *rep);
void api_casevac_put(struct http_request *req, struct http_reply *rep);
void api_stats_casevac(struct http_request *req, struct http_reply *rep);

/* assets.c: the embedded browser app */
void api_asset(struct http_request *req, struct http_reply *rep);
void api_app(struct http_request *req, struct http_reply *rep);

#endif
