#ifndef BH_FORMATS_FEED_H
#define BH_FORMATS_FEED_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* Atom (RFC 4287) and RSS 2.0 feeds that carry CAP messages, as alerting authorities publish
 * them: each entry either embeds the CAP <alert> (Atom <content type="application/cap+xml">,
 * or the <alert> element directly in the entry or item) or links it (an Atom or RSS
 * <link>/<enclosure> of type application/cap+xml, else an RSS item's <link>). The reader
 * knows nothing of HTTP or the store; src/extfeed/ fetches what entries link. */

struct feed_entry {
    const char *id;    /* Atom <id>, RSS <guid>; NULL when absent */
    const char *title; /* NULL when absent */
    /* The embedded CAP message as a standalone XML document (its namespaces declared on its
     * root), or NULL. */
    const char *cap_xml;
    size_t cap_len;
    /* The CAP message's URL, made absolute against the feed's, or NULL. Only read when
     * cap_xml is NULL. */
    const char *cap_url;
    /* Why the entry carries no CAP the reader could use ("no CAP message", "a link that is
     * not http or https"), or NULL. The entry is kept so the caller can count and report it. */
    const char *problem;
};

struct feed_doc {
    const char *kind; /* "atom" or "rss" */
    const char *title;
    struct feed_entry *entries;
    size_t nentries;
};

/* Largest feed read; a larger one is refused before parsing. */
#define FEED_MAX_BYTES (5 * 1024 * 1024)
/* Most entries read from one feed; the rest are ignored (a feed lists its newest first). */
#define FEED_MAX_ENTRIES 500

/* Reads the feed `xml` (`len` bytes) fetched from `base_url` (for relative links; may be
 * NULL) into *out, strings in `a`. Strict as the CAP reader: no DTD, hence no entity
 * declarations, no network or file access, nothing substituted; a document that is not an
 * Atom <feed> or an RSS 2.0 <rss><channel> is refused. BH_EINVALID with the field ("feed",
 * "entry[3].link") and a sentence; BH_ETOOLARGE over FEED_MAX_BYTES. */
int feed_parse(const char *xml, size_t len, const char *base_url, struct arena *a,
               struct feed_doc *out, struct bh_error *err);

#endif
