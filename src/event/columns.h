#ifndef BH_EVENT_COLUMNS_H
#define BH_EVENT_COLUMNS_H

/* The context_event table's columns, listed once, as the incident's are (incident/columns.h).
 * The upsert's column list, its placeholders and its ON CONFLICT assignments, the compare's
 * select list, the binder and the comparison of store.c, the select list of every reader of
 * whole events with the row reader's indexes, the JSON writer and the map layer's CSV/HXL
 * columns are generated from this table. To add a column: one X() line here (in the place
 * the column takes in the files), the field in struct event_row, and the migration.
 *
 * X(col, kind, key, hxl, role):
 *  col   the column of table context_event, and the field of struct event_row that fills it
 *        (but id, which is made from source and source_id);
 *  kind  how the value is bound, compared and read: KEY (the id, "source:source_id", made
 *        from the row's source key); TEXT (NULL binds NULL); INT; INT0 (0 binds NULL); RANGE
 *        (NULL unless the row's has_low_high); REAL; ORG (binds the organization id, reads
 *        the joined o.code); TLP (binds the bare marking, reads "TLP:GREEN");
 *  key   the key of the event's JSON, which is also the CSV header;
 *  hxl   the HXL hashtag of the CSV column (layer.c says how they were chosen);
 *  role  which paths carry it, besides the INSERT and the readers, which carry every column:
 *        ID and SOURCE (the source's key and the id made from it: never changed, the key an
 *        import looks the event up by; ID is written first), VALUE1 and VALUE (the source's
 *        values: replaced by a re-import and compared before it; VALUE1 is the first of
 *        them), OWNER (a re-import keeps the owner), STAMP (replaced, never compared: when
 *        the import ran).
 * The order is the order of the columns in every list; the row key `e.n` precedes them in
 * the select list (EVENT_C_n) and belongs to the store, not to the event. */
#define EVENT_COLUMNS_TABLE(X)                                                  \
    X(id, KEY, "id", "#event+id", ID)                                           \
    X(source, TEXT, "source", "#meta+source", SOURCE)                           \
    X(source_id, TEXT, "source_id", "#event+code", SOURCE)                      \
    X(occurred_at, TEXT, "occurred_at", "#date+occurred", VALUE1)               \
    X(date_end, TEXT, "date_end", "#date+end", VALUE)                           \
    X(date_precision, INT0, "date_precision", "#meta+precision+time", VALUE)    \
    X(latitude, REAL, "latitude", "#geo+lat", VALUE)                            \
    X(longitude, REAL, "longitude", "#geo+lon", VALUE)                          \
    X(geo_precision, INT0, "geo_precision", "#geo+precision", VALUE)            \
    X(country, TEXT, "country", "#country+name", VALUE)                         \
    X(country_iso3, TEXT, "country_iso3", "#country+code", VALUE)               \
    X(admin1, TEXT, "admin1", "#adm1+name", VALUE)                              \
    X(admin2, TEXT, "admin2", "#adm2+name", VALUE)                              \
    X(place_name, TEXT, "place_name", "#loc+name", VALUE)                       \
    X(threat_type, TEXT, "threat_type", "#event+type", VALUE)                   \
    X(source_type, TEXT, "source_type", "#meta+source_type", VALUE)             \
    X(actor1, TEXT, "actor1", "#group+name+first", VALUE)                       \
    X(actor2, TEXT, "actor2", "#group+name+second", VALUE)                      \
    X(fatalities, INT, "fatalities", "#affected+killed", VALUE)                 \
    X(fatalities_low, RANGE, "fatalities_low", "#affected+killed+min", VALUE)   \
    X(fatalities_high, RANGE, "fatalities_high", "#affected+killed+max", VALUE) \
    X(notes, TEXT, "notes", "#description", VALUE)                              \
    X(owner_org_id, ORG, "owner", "#org+code+owner", OWNER)                     \
    X(tlp, TLP, "tlp", "#x_tlp", VALUE)                                         \
    X(sharing_group_id, INT0, "sharing_group", "#meta+sharing_group", VALUE)    \
    X(imported_at, TEXT, "imported_at", "#date+imported", STAMP)

/* The pieces of the lists, by role. The lists are pieces of one string literal, each but the
 * first beginning with ", ", so the SQL text around them is concatenated at compile time: the
 * write list begins with the id (ID), the compared and replaced lists with occurred_at
 * (VALUE1), the select list with e.n. */
#define EVENT__W_ID(s)     s
#define EVENT__W_SOURCE(s) ", " s
#define EVENT__W_VALUE1(s) ", " s
#define EVENT__W_VALUE(s)  ", " s
#define EVENT__W_OWNER(s)  ", " s
#define EVENT__W_STAMP(s)  ", " s
/* Compared before a re-import writes: the values of the source, not its key, not the owner
 * (which a re-import keeps), not when it ran. */
#define EVENT__K_ID(s)
#define EVENT__K_SOURCE(s)
#define EVENT__K_VALUE1(s) s
#define EVENT__K_VALUE(s)  ", " s
#define EVENT__K_OWNER(s)
#define EVENT__K_STAMP(s)
/* Replaced by a re-import (ON CONFLICT DO UPDATE): the values and when it ran. */
#define EVENT__U_ID(s)
#define EVENT__U_SOURCE(s)
#define EVENT__U_VALUE1(s) s
#define EVENT__U_VALUE(s)  ", " s
#define EVENT__U_OWNER(s)
#define EVENT__U_STAMP(s) ", " s

/* The select expression of a column: its own, but the owner's organization code. */
#define EVENT__SEL(kind, c) EVENT__SEL_##kind(c)
#define EVENT__SEL_KEY(c)   "e." #c
#define EVENT__SEL_TEXT(c)  "e." #c
#define EVENT__SEL_INT(c)   "e." #c
#define EVENT__SEL_INT0(c)  "e." #c
#define EVENT__SEL_RANGE(c) "e." #c
#define EVENT__SEL_REAL(c)  "e." #c
#define EVENT__SEL_ORG(c)   "o.code"
#define EVENT__SEL_TLP(c)   "e." #c

#define EVENT__R(col, kind, key, hxl, role) ", " EVENT__SEL(kind, col)
#define EVENT__W(col, kind, key, hxl, role) EVENT__W_##role(#col)
#define EVENT__P(col, kind, key, hxl, role) EVENT__W_##role("?")
#define EVENT__K(col, kind, key, hxl, role) EVENT__K_##role(#col)
#define EVENT__U(col, kind, key, hxl, role) EVENT__U_##role(#col " = excluded." #col)

/* Every column, in the order store.c binds them. */
#define EVENT_WRITE_COLUMNS EVENT_COLUMNS_TABLE(EVENT__W)
/* One placeholder per column of EVENT_WRITE_COLUMNS. */
#define EVENT_WRITE_PARAMS EVENT_COLUMNS_TABLE(EVENT__P)
/* The columns compared before a re-import writes, in the order event_store_compare() reads
 * them. */
#define EVENT_COMPARED_COLUMNS EVENT_COLUMNS_TABLE(EVENT__K)
/* "col = excluded.col" for each column a re-import replaces: the SET list of the upsert. */
#define EVENT_CHANGED_ASSIGN EVENT_COLUMNS_TABLE(EVENT__U)
/* The columns every reader of whole events selects, in this order, from EVENT_FROM;
 * event_row_json() reads them. */
#define EVENT_COLUMNS "e.n" EVENT_COLUMNS_TABLE(EVENT__R)
#define EVENT_FROM    "context_event e JOIN org o ON o.id = e.owner_org_id"

/* The index of each column of EVENT_COLUMNS (EVENT_C_source, ...; the owner's code is
 * EVENT_C_owner_org_id), and their number. */
#define EVENT__I(col, kind, key, hxl, role) EVENT_C_##col,
enum event_column { EVENT_C_n, EVENT_COLUMNS_TABLE(EVENT__I) EVENT_NCOLUMNS };

#endif
