#ifndef BH_CASUALTY_COLUMNS_H
#define BH_CASUALTY_COLUMNS_H

/* The casualty table's columns, listed once, as the incident's are (incident/columns.h). The
 * INSERT's column list and placeholders (a member's record and the UN import's), the UN
 * re-import's whole-row UPDATE, the select list the import fingerprints, the binders and
 * the reader of store.c, the select list of every reader of whole records with its column
 * indexes, the JSON writer and the HXL export's columns are generated from this table. To
 * add a column: one X() line here, the field in struct casualty_row, and the migration.
 *
 * X(col, kind, key, hxl, role):
 *  col   the column of table casualty, and the field of struct casualty_row that fills it;
 *  kind  how the value is bound, read and written to a file: TEXT (NULL binds NULL); GENDER
 *        (text; "U", not recorded, is an empty cell in a file); OPT (an integer, -1 binds
 *        NULL); REF (an id, 0 binds NULL); BOOL (0 or 1, read as a boolean); LINK (the
 *        linked incident's id: readers select it through the incident they may see); ORG
 *        (binds the organization id, reads the joined o.code); TLP (binds the bare marking,
 *        reads "TLP:GREEN");
 *  key   the key of the record's JSON, which is also the header of the HXL export;
 *  hxl   the HXL hashtag of the export's column, or "" for a column the export leaves out;
 *  role  which paths carry it: KEY (the id: written first, by the INSERT only), INSERT
 *        (written by the INSERT only: a re-import keeps it), WRITE1 and WRITE (written by
 *        the INSERT and the re-import's UPDATE, and compared before it; WRITE1 is the
 *        first), RELEASE (written by both, but the UPDATE keeps an earlier release), TRAIL
 *        (written by both, never compared: when), FILE (the UN file's own cells: written and
 *        compared as WRITE, but not in the record; the export selects them after it).
 * The UN import keys a UN row on its source_row (the file's `id`), so casualty_id is compared
 * and written like any other value: the UN's file lists a few persons twice under one.
 * The order is the order of the columns in every list, and of the keys of the record's JSON
 * (the country code before its name, so the table's order is not the migration's); the FILE
 * columns come last. */
#define CASUALTY_COLUMNS_TABLE(X)                                           \
    X(id, TEXT, "id", "", KEY)                                              \
    X(casualty_id, TEXT, "casualty_id", "#x_casualty+id", WRITE1)           \
    X(incident_date, TEXT, "incident_date", "#date+occurred", WRITE)        \
    X(mission, TEXT, "mission", "#x_mission", WRITE)                        \
    X(casualty_type, TEXT, "casualty_type", "#impact+type", WRITE)          \
    X(gender, GENDER, "gender", "#x_gender", WRITE)                         \
    X(nationality_iso3, TEXT, "nationality", "#country+code+v_iso3", WRITE) \
    X(nationality, TEXT, "nationality_name", "#country+name", WRITE)        \
    X(nationality_m49, OPT, "m49", "#country+code+v_m49", WRITE)            \
    X(personnel_type, TEXT, "personnel_type", "#x_personnel+type", WRITE)   \
    X(incident_type, TEXT, "incident_type", "#cause+type", WRITE)           \
    X(incident_id, LINK, "incident_id", "", INSERT)                         \
    X(owner_org_id, ORG, "owner", "", WRITE)                                \
    X(tlp, TLP, "tlp", "#x_tlp", WRITE)                                     \
    X(sharing_group_id, REF, "sharing_group", "", WRITE)                    \
    X(embargoed, BOOL, "embargoed", "#x_embargoed", WRITE)                  \
    X(released_at, TEXT, "released_at", "", RELEASE)                        \
    X(released_by, TEXT, "released_by", "", RELEASE)                        \
    X(source, TEXT, "source", "", WRITE)                                    \
    X(source_updated, TEXT, "source_updated", "", WRITE)                    \
    X(source_row, OPT, "source_row", "", WRITE)                             \
    X(created_at, TEXT, "created_at", "", INSERT)                           \
    X(updated_at, TEXT, "updated_at", "", TRAIL)                            \
    X(duplicate_of, TEXT, "duplicate_of", "", INSERT)                       \
    X(source_nationality, TEXT, "source_nationality", "", FILE)             \
    X(source_iso3, TEXT, "source_iso3", "", FILE)

/* The pieces of the lists, by role. The lists are pieces of one string literal, each but the
 * first beginning with ", ", so the SQL text around them is concatenated at compile time: the
 * INSERT's list and the record's begin with the id (KEY), the UPDATE's and the compared list
 * with casualty_id (WRITE1); the FILE list is an addition to the record's. */
#define CASUALTY__W_KEY(s)     s
#define CASUALTY__W_INSERT(s)  ", " s
#define CASUALTY__W_WRITE1(s)  ", " s
#define CASUALTY__W_WRITE(s)   ", " s
#define CASUALTY__W_RELEASE(s) ", " s
#define CASUALTY__W_TRAIL(s)   ", " s
#define CASUALTY__W_FILE(s)    ", " s
/* The UPDATE: a record that changed is made the UN's again; its release, when it was
 * released before, keeps its first date and author. Every SET expression reads the row as it
 * was, so the order of the assignments does not matter. */
#define CASUALTY__U_KEY(c)
#define CASUALTY__U_INSERT(c)
#define CASUALTY__U_WRITE1(c) #c " = ?"
#define CASUALTY__U_WRITE(c)  ", " #c " = ?"
#define CASUALTY__U_RELEASE(c) \
    ", " #c " = CASE WHEN embargoed = 0 AND released_at IS NOT NULL THEN " #c " ELSE ? END"
#define CASUALTY__U_TRAIL(c) ", " #c " = ?"
#define CASUALTY__U_FILE(c)  ", " #c " = ?"
/* Compared before the UPDATE: what it writes, but when. */
#define CASUALTY__K_KEY(s)
#define CASUALTY__K_INSERT(s)
#define CASUALTY__K_WRITE1(s) s
#define CASUALTY__K_WRITE(s)  ", " s
#define CASUALTY__K_RELEASE(s)
#define CASUALTY__K_TRAIL(s)
#define CASUALTY__K_FILE(s) ", " s
/* In the record, or after it. */
#define CASUALTY__R_KEY(s)     s
#define CASUALTY__R_INSERT(s)  ", " s
#define CASUALTY__R_WRITE1(s)  ", " s
#define CASUALTY__R_WRITE(s)   ", " s
#define CASUALTY__R_RELEASE(s) ", " s
#define CASUALTY__R_TRAIL(s)   ", " s
#define CASUALTY__R_FILE(s)
#define CASUALTY__F_FILE(s) ", " s
#define CASUALTY__F_KEY(s)
#define CASUALTY__F_INSERT(s)
#define CASUALTY__F_WRITE1(s)
#define CASUALTY__F_WRITE(s)
#define CASUALTY__F_RELEASE(s)
#define CASUALTY__F_TRAIL(s)

/* The select expression of a column: its own, but the owner's organization code and the
 * linked incident as the reader may see it (casualty__from()). */
#define CASUALTY__SEL(kind, c)  CASUALTY__SEL_##kind(c)
#define CASUALTY__SEL_TEXT(c)   "c." #c
#define CASUALTY__SEL_GENDER(c) "c." #c
#define CASUALTY__SEL_OPT(c)    "c." #c
#define CASUALTY__SEL_REF(c)    "c." #c
#define CASUALTY__SEL_BOOL(c)   "c." #c
#define CASUALTY__SEL_LINK(c)   "casualty_li.id"
#define CASUALTY__SEL_ORG(c)    "o.code"
#define CASUALTY__SEL_TLP(c)    "c." #c

#define CASUALTY__W(col, kind, key, hxl, role) CASUALTY__W_##role(#col)
#define CASUALTY__P(col, kind, key, hxl, role) CASUALTY__W_##role("?")
#define CASUALTY__U(col, kind, key, hxl, role) CASUALTY__U_##role(col)
#define CASUALTY__K(col, kind, key, hxl, role) CASUALTY__K_##role(#col)
#define CASUALTY__R(col, kind, key, hxl, role) CASUALTY__R_##role(CASUALTY__SEL(kind, col))
#define CASUALTY__F(col, kind, key, hxl, role) CASUALTY__F_##role(CASUALTY__SEL(kind, col))

/* Every column, in the order of casualty__bind_insert(). */
#define CASUALTY__WRITE_COLUMNS CASUALTY_COLUMNS_TABLE(CASUALTY__W)
/* One placeholder per column of CASUALTY__WRITE_COLUMNS. */
#define CASUALTY__WRITE_PARAMS CASUALTY_COLUMNS_TABLE(CASUALTY__P)
/* The SET list of the re-import's UPDATE, in the order of casualty__bind_update(). */
#define CASUALTY__UPDATE_ASSIGN CASUALTY_COLUMNS_TABLE(CASUALTY__U)
/* The columns compared before the UPDATE, in the order of casualty__read_compared(). */
#define CASUALTY__COMPARED_COLUMNS CASUALTY_COLUMNS_TABLE(CASUALTY__K)
/* The columns every reader of whole records selects, in this order, from the tables
 * casualty__from() names; casualty__row_json() reads them. The linked incident's id is
 * casualty_li.id: NULL when the reader may not see that incident. */
#define CASUALTY__COLUMNS CASUALTY_COLUMNS_TABLE(CASUALTY__R)
/* The UN file's own cells, which a reader selects after CASUALTY__COLUMNS. */
#define CASUALTY__FILE_COLUMNS CASUALTY_COLUMNS_TABLE(CASUALTY__F)

/* The index of each column of CASUALTY__COLUMNS and then CASUALTY__FILE_COLUMNS
 * (CASUALTY__C_mission, ...; the owner's code is CASUALTY__C_owner_org_id), and the number
 * of the record's. */
#define CASUALTY__I(col, kind, key, hxl, role) CASUALTY__C_##col,
enum casualty__column { CASUALTY_COLUMNS_TABLE(CASUALTY__I) CASUALTY__NSELECTED };
#define CASUALTY__N_FILE(col)
#define CASUALTY__N_KEY(col)                   CASUALTY__N_##col,
#define CASUALTY__N_INSERT(col)                CASUALTY__N_##col,
#define CASUALTY__N_WRITE1(col)                CASUALTY__N_##col,
#define CASUALTY__N_WRITE(col)                 CASUALTY__N_##col,
#define CASUALTY__N_RELEASE(col)               CASUALTY__N_##col,
#define CASUALTY__N_TRAIL(col)                 CASUALTY__N_##col,
#define CASUALTY__N(col, kind, key, hxl, role) CASUALTY__N_##role(col)
enum casualty__record_column { CASUALTY_COLUMNS_TABLE(CASUALTY__N) CASUALTY__NCOLUMNS };

#endif
