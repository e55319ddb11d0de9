#ifndef BH_INCIDENT_COLUMNS_H
#define BH_INCIDENT_COLUMNS_H

/* The incident table's columns, listed once. Every column list in SQL text, the binders of the
 * INSERT and UPDATE paths, the row reader's column indexes, the JSON writer and the CSV/HXL
 * columns of the map layer are generated from this table, so a column cannot be added to one
 * of them and forgotten in another. To add a column: one X() line here (in the place the
 * column takes in the files), the field in struct incident_row, and the migration.
 *
 * X(col, kind, key, hxl, role):
 *  col   the column of table incident, and the field of struct incident_row that fills it;
 *  kind  how the value is bound and read: TEXT; TEXT_EMPTY and ARRAY (NULL binds "" or "[]",
 *        ARRAY reads as a JSON array); REAL; INT; BOOL (0 or 1, read as a boolean); REF (an
 *        id, 0 binds NULL); ORG (binds the organization id, reads the joined o.code); TLP
 *        (binds the bare marking, reads "TLP:GREEN");
 *  key   the key of the record's JSON, which is also the CSV header (one name per fact);
 *  hxl   the HXL hashtag of the CSV column (layer.c says how they were chosen);
 *  role  which paths carry it: ID (written first, by the INSERTs only), CONTENT1 and CONTENT
 *        (the report's own content, that a member edits; CONTENT1 is the first of them),
 *        STATE (set by every whole-row write), WONLY (written, never read back: not in the
 *        record), RONLY (kept by the store: read, never bound), TRAIL (written by the
 *        INSERTs only, after STATE).
 * The order is the order of the columns in every list; the row key `i.n` precedes them in
 * the select list (INCIDENT_C_n) and belongs to the store, not to the record. */
#define INCIDENT_COLUMNS_TABLE(X)                                                          \
    X(id, TEXT, "id", "#event+id", ID)                                                     \
    X(mission, TEXT, "mission", "#x_mission", CONTENT1)                                    \
    X(occurred_at, TEXT, "occurred_at", "#date+occurred", CONTENT)                         \
    X(occurred_precision, TEXT, "occurred_precision", "#meta+precision+time", CONTENT)     \
    X(reported_at, TEXT, "reported_at", "#date+reported", CONTENT)                         \
    X(latitude, REAL, "latitude", "#geo+lat", CONTENT)                                     \
    X(longitude, REAL, "longitude", "#geo+lon", CONTENT)                                   \
    X(location_precision, TEXT, "location_precision", "#geo+precision", CONTENT)           \
    X(place_name, TEXT, "place_name", "#loc+name", CONTENT)                                \
    X(admin1, TEXT, "admin1", "#adm1+name", CONTENT)                                       \
    X(admin2, TEXT, "admin2", "#adm2+name", CONTENT)                                       \
    X(threat_type, TEXT, "threat_type", "#event+type", CONTENT)                            \
    X(target, TEXT, "target", "#x_target+type", CONTENT)                                   \
    X(activity, TEXT, "activity", "#x_activity+type", CONTENT)                             \
    X(perpetrator, TEXT, "perpetrator", "#group+name+perpetrator", CONTENT)                \
    X(perpetrator_groups, ARRAY, "perpetrator_groups", "#group+code+perpetrator", CONTENT) \
    X(killed, INT, "killed", "#affected+killed", CONTENT)                                  \
    X(injured, INT, "injured", "#affected+injured", CONTENT)                               \
    X(missing, INT, "missing", "#affected+missing", CONTENT)                               \
    X(abducted, INT, "abducted", "#affected+abducted", CONTENT)                            \
    X(narrative, TEXT_EMPTY, "narrative", "#description", CONTENT)                         \
    X(sources, ARRAY, "sources", "#meta+source+ref", CONTENT)                              \
    X(status, TEXT, "status", "#status", STATE)                                            \
    X(return_reason, TEXT, "return_reason", "#status+reason", STATE)                       \
    X(endorsed_by, TEXT, "endorsed_by", "#meta+endorser", STATE)                           \
    X(endorsed_at, TEXT, "endorsed_at", "#date+endorsed", STATE)                           \
    X(merged_into, TEXT, "merged_into", "#meta+merged_into", STATE)                        \
    X(synthetic, BOOL, "synthetic", "#meta+synthetic", STATE)                              \
    X(owner_org_id, ORG, "owner", "#org+code+owner", STATE)                                \
    X(reporter_id, REF, "reporter_id", "", WONLY)                                          \
    X(reporter, TEXT, "reporter", "#meta+reporter", STATE)                                 \
    X(tlp, TLP, "tlp", "#x_tlp", STATE)                                                    \
    X(sharing_group_id, REF, "sharing_group", "#meta+sharing_group", STATE)                \
    X(revision, INT, "revision", "#meta+revision", RONLY)                                  \
    X(source, TEXT, "source", "#meta+origin", TRAIL)                                       \
    X(source_ref, TEXT, "source_ref", "#meta+origin+ref", TRAIL)                           \
    X(created_at, TEXT, "created_at", "#date+created", TRAIL)                              \
    X(updated_at, TEXT, "updated_at", "#date+updated", TRAIL)

/* Which roles each part of the code takes: INCIDENT_ROLE(SET, role, ...) is the rest of its
 * arguments when `role` is in SET, and nothing otherwise. The sets: RECORD (the record's
 * JSON keys, the file columns and the select list), CONTENT (the member's edit), STATE (what a
 * whole-row write sets after the content), KEY (the id, written first) and TRAIL (written
 * last by the INSERTs). */
#define INCIDENT_ROLE(set, role, ...) INCIDENT__##set##_##role(__VA_ARGS__)
#define INCIDENT__YES(...)            __VA_ARGS__
#define INCIDENT__NO(...)
#define INCIDENT__RECORD_ID        INCIDENT__YES
#define INCIDENT__RECORD_CONTENT1  INCIDENT__YES
#define INCIDENT__RECORD_CONTENT   INCIDENT__YES
#define INCIDENT__RECORD_STATE     INCIDENT__YES
#define INCIDENT__RECORD_WONLY     INCIDENT__NO
#define INCIDENT__RECORD_RONLY     INCIDENT__YES
#define INCIDENT__RECORD_TRAIL     INCIDENT__YES
#define INCIDENT__CONTENT_ID       INCIDENT__NO
#define INCIDENT__CONTENT_CONTENT1 INCIDENT__YES
#define INCIDENT__CONTENT_CONTENT  INCIDENT__YES
#define INCIDENT__CONTENT_STATE    INCIDENT__NO
#define INCIDENT__CONTENT_WONLY    INCIDENT__NO
#define INCIDENT__CONTENT_RONLY    INCIDENT__NO
#define INCIDENT__CONTENT_TRAIL    INCIDENT__NO
#define INCIDENT__STATE_ID         INCIDENT__NO
#define INCIDENT__STATE_CONTENT1   INCIDENT__NO
#define INCIDENT__STATE_CONTENT    INCIDENT__NO
#define INCIDENT__STATE_STATE      INCIDENT__YES
#define INCIDENT__STATE_WONLY      INCIDENT__YES
#define INCIDENT__STATE_RONLY      INCIDENT__NO
#define INCIDENT__STATE_TRAIL      INCIDENT__NO
#define INCIDENT__KEY_ID           INCIDENT__YES
#define INCIDENT__KEY_CONTENT1     INCIDENT__NO
#define INCIDENT__KEY_CONTENT      INCIDENT__NO
#define INCIDENT__KEY_STATE        INCIDENT__NO
#define INCIDENT__KEY_WONLY        INCIDENT__NO
#define INCIDENT__KEY_RONLY        INCIDENT__NO
#define INCIDENT__KEY_TRAIL        INCIDENT__NO
#define INCIDENT__TRAIL_ID         INCIDENT__NO
#define INCIDENT__TRAIL_CONTENT1   INCIDENT__NO
#define INCIDENT__TRAIL_CONTENT    INCIDENT__NO
#define INCIDENT__TRAIL_STATE      INCIDENT__NO
#define INCIDENT__TRAIL_WONLY      INCIDENT__NO
#define INCIDENT__TRAIL_RONLY      INCIDENT__NO
#define INCIDENT__TRAIL_TRAIL      INCIDENT__YES

/* The select expression of a column: its own, but the owner's organization code. */
#define INCIDENT__SEL(kind, c)      INCIDENT__SEL_##kind(c)
#define INCIDENT__SEL_ORG(c)        "o.code"
#define INCIDENT__SEL_TEXT(c)       "i." #c
#define INCIDENT__SEL_TEXT_EMPTY(c) "i." #c
#define INCIDENT__SEL_ARRAY(c)      "i." #c
#define INCIDENT__SEL_REAL(c)       "i." #c
#define INCIDENT__SEL_INT(c)        "i." #c
#define INCIDENT__SEL_BOOL(c)       "i." #c
#define INCIDENT__SEL_REF(c)        "i." #c
#define INCIDENT__SEL_TLP(c)        "i." #c

/* The lists are pieces of one string literal, each but the first beginning with ", ", so the
 * SQL text around them is concatenated at compile time. The write list begins with the id,
 * the content list with its first column (CONTENT1); the select list with i.n. */
#define INCIDENT__R(col, kind, key, hxl, role) \
    INCIDENT_ROLE(RECORD, role, ", " INCIDENT__SEL(kind, col))
#define INCIDENT__W_ID(s)       s
#define INCIDENT__W_CONTENT1(s) ", " s
#define INCIDENT__W_CONTENT(s)  ", " s
#define INCIDENT__W_STATE(s)    ", " s
#define INCIDENT__W_WONLY(s)    ", " s
#define INCIDENT__W_RONLY(s)
#define INCIDENT__W_TRAIL(s)                   ", " s
#define INCIDENT__W(col, kind, key, hxl, role) INCIDENT__W_##role(#col)
#define INCIDENT__P(col, kind, key, hxl, role) INCIDENT__W_##role("?")
#define INCIDENT__C1_CONTENT1                  INCIDENT__YES
#define INCIDENT__C1_CONTENT(...)              ", " __VA_ARGS__
#define INCIDENT__C(col, kind, key, hxl, role) \
    INCIDENT_ROLE(CONTENT, role, INCIDENT__C1_##role(#col))
#define INCIDENT__A(col, kind, key, hxl, role) \
    INCIDENT_ROLE(CONTENT, role, #col " = ?, ") INCIDENT_ROLE(STATE, role, #col " = ?, ")

/* The columns a writer sets, in the order of incident_store_bind_row(). */
#define INCIDENT_WRITE_COLUMNS INCIDENT_COLUMNS_TABLE(INCIDENT__W)
/* One placeholder per column of INCIDENT_WRITE_COLUMNS. */
#define INCIDENT_WRITE_PARAMS INCIDENT_COLUMNS_TABLE(INCIDENT__P)
/* The report's own content, in the order of incident_store_bind_content(). */
#define INCIDENT_CONTENT_COLUMNS INCIDENT_COLUMNS_TABLE(INCIDENT__C)
/* "col = ?, " for the columns incident_store_bind_values() binds, in its order. */
#define INCIDENT_VALUES_ASSIGN INCIDENT_COLUMNS_TABLE(INCIDENT__A)
/* The columns every reader of whole incidents selects, in this order, from INCIDENT_FROM;
 * incident_row_json() reads them. */
#define INCIDENT_COLUMNS "i.n" INCIDENT_COLUMNS_TABLE(INCIDENT__R)
#define INCIDENT_FROM    "incident i JOIN org o ON o.id = i.owner_org_id"

/* The index of each column of INCIDENT_COLUMNS (INCIDENT_C_mission, ...; the owner's code is
 * INCIDENT_C_owner_org_id), and their number. */
#define INCIDENT__I(col, kind, key, hxl, role) INCIDENT_ROLE(RECORD, role, INCIDENT_C_##col, )
enum incident_column { INCIDENT_C_n, INCIDENT_COLUMNS_TABLE(INCIDENT__I) INCIDENT_NCOLUMNS };

#endif
