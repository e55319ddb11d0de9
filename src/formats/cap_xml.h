#ifndef BH_FORMATS_CAP_XML_H
#define BH_FORMATS_CAP_XML_H

/* Inside the CAP module only (cap.c, cap_dsig.c): the one guarded way to turn bytes into a
 * libxml2 tree, shared by the reader and the signature check so both refuse the same things. */

#include <stddef.h>

#include <libxml/tree.h>

#include "base/err.h"

/* How deep elements may nest. CAP itself needs five levels (alert, info, area, geocode,
 * value) and an enveloped signature eight; anything deeper is no alert, and libxml2's own
 * limit (256) is far above what an attacker needs to make the tree expensive. */
#define CAP_MAX_DEPTH 32

/* Initializes libxml2 once for the process (thread-safe) and installs an external entity
 * loader that refuses every load made while a CAP document is being read (other readers of
 * the process keep libxml2's default). */
void cap_xml_init(void);

/* Parses `len` bytes (at most CAP_MAX_BYTES: BH_ETOOLARGE naming "alert" beyond) into a tree
 * the caller frees with xmlFreeDoc. No network, no file, no DTD (internal or external subset:
 * refused as soon as <!DOCTYPE is read, so no entity is ever declared or expanded), no
 * processing instruction, at most CAP_MAX_DEPTH levels. BH_EINVALID naming "alert" with the
 * line and libxml2's words for a document that is not well-formed. */
int cap_xml_read(const char *xml, size_t len, xmlDocPtr *out, struct bh_error *err);

#endif
