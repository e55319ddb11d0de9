#ifndef BH_FORMATS_HXL_H
#define BH_FORMATS_HXL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Writing CSV (RFC 4180, LF line ends) and the hashtag row of the Humanitarian Exchange
 * Language (HXL 1.1), which sits under the header row and names what each column holds
 * (#date+year, #country+code). Reading CSV is formats/csv.c's. */

/* Appends one field, preceded by a comma unless it is the first of its line. A field holding
 * a comma, a double quote, CR or LF is quoted, with its quotes doubled; every other field,
 * spaces included, goes as it is (the UN's "Local " keeps its space). A field a spreadsheet
 * would take for a formula gets a single quote in front (csv_cell_needs_guard(); the readers
 * of our own files take it off with csv_unguard()). NULL writes nothing. Every CSV the
 * program writes goes through here. */
void hxl_csv_field(struct buf *out, const char *s, bool first);

/* Ends the line. */
void hxl_csv_end_row(struct buf *out);

/* Whether `tag` is a well-formed HXL hashtag with attributes: `#name(+attribute)*`, each
 * name a lowercase letter followed by lowercase letters, digits or '_'. */
bool hxl_tag_valid(const char *tag);

#endif
