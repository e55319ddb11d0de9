/* Atom and RSS 2.0 feeds carrying CAP (formats/feed.h), read with libxml2 under the CAP
 * reader's rules: a feed is text from another system, fetched over the network, and the
 * parser must neither reach out (XML_PARSE_NONET, no DTD loaded) nor expand anything a sender
 * declared (no XML_PARSE_NOENT; a document with a DTD at all is refused, so no entity
 * declaration, internal or external, is ever honoured). */
#include "formats/feed.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include <string.h>

#define NS_ATOM  "http://www.w3.org/2005/Atom"
#define NS_CAP12 "urn:oasis:names:tc:emergency:cap:1.2"
#define NS_CAP11 "urn:oasis:names:tc:emergency:cap:1.1"
#define CAP_TYPE "application/cap+xml"

static bool named(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool in_ns(const xmlNode *n, const char *ns)
{
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

static bool is_cap_alert(const xmlNode *n)
{
    return named(n, "alert") && (in_ns(n, NS_CAP12) || in_ns(n, NS_CAP11));
}

static bool ieq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* The element's text, trimmed, in the arena; NULL when empty. */
static const char *text_of(struct arena *a, const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    const char *s = (const char *)c, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    const char *out = e > s ? arena_strndup(a, s, (size_t)(e - s)) : NULL;
    xmlFree(c);
    return out;
}

static const char *attr(struct arena *a, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *out = arena_strdup(a, (const char *)v);
    xmlFree(v);
    return out;
}

/* The CAP <alert> `n` as a document of its own: copied, its namespaces declared where they
 * are used (they may have been declared on the feed's root), written as UTF-8. */
static void take_alert(struct arena *a, const xmlNode *n, struct feed_entry *e)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *copy = xmlDocCopyNode((xmlNode *)n, doc, 1);
    if (!doc || !copy) {
        xmlFreeDoc(doc);
        e->problem = N_("the embedded CAP message could not be copied");
        return;
    }
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    if (mem && size > 0) {
        e->cap_xml = arena_strndup(a, (const char *)mem, (size_t)size);
        e->cap_len = (size_t)size;
    }
    xmlFree(mem);
    xmlFreeDoc(doc);
}

/* Sets the entry's link from `href`, made absolute against the feed's URL. Only http and
 * https: a feed must not make the server read a file or speak another protocol. */
static void take_link(struct arena *a, const char *href, const char *base, struct feed_entry *e)
{
    if (!href || e->cap_url)
        return;
    xmlChar *abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
    const char *u = abs ? (const char *)abs : href;
    if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0)
        e->cap_url = arena_strdup(a, u);
    else
        e->problem = N_("the entry links its CAP message with a URL that is not http or https");
    xmlFree(abs);
}

static void read_atom_entry(struct arena *a, const xmlNode *entry, const char *base,
                            struct feed_entry *e)
{
    const char *plain_link = NULL;
    for (const xmlNode *c = entry->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_cap_alert(c) && !e->cap_xml) {
            take_alert(a, c, e);
        } else if (!in_ns(c, NS_ATOM)) {
            continue;
        } else if (named(c, "id")) {
            e->id = text_of(a, c);
        } else if (named(c, "title")) {
            e->title = text_of(a, c);
        } else if (named(c, "content")) {
            const char *type = attr(a, c, "type");
            if (!ieq(type, CAP_TYPE))
                continue;
            const char *src = attr(a, c, "src");
            if (src)
                take_link(a, src, base, e);
            for (const xmlNode *k = c->children; k && !e->cap_xml; k = k->next)
                if (is_cap_alert(k))
                    take_alert(a, k, e);
        } else if (named(c, "link")) {
            const char *type = attr(a, c, "type");
            const char *href = attr(a, c, "href");
            if (ieq(type, CAP_TYPE))
                take_link(a, href, base, e);
            else if (!plain_link)
                plain_link = href;
        }
    }
    (void)plain_link; /* an Atom link of another type is a web page, never taken for CAP */
}

static void read_rss_item(struct arena *a, const xmlNode *item, const char *base,
                          struct feed_entry *e)
{
    const char *link = NULL;
    for (const xmlNode *c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_cap_alert(c) && !e->cap_xml)
            take_alert(a, c, e);
        else if (c->ns)
            continue; /* RSS 2.0 elements have no namespace; others are extensions */
        else if (named(c, "guid"))
            e->id = text_of(a, c);
        else if (named(c, "title"))
            e->title = text_of(a, c);
        else if (named(c, "link"))
            link = text_of(a, c);
        else if (named(c, "enclosure") && ieq(attr(a, c, "type"), CAP_TYPE))
            take_link(a, attr(a, c, "url"), base, e);
    }
    /* A met service's RSS item links its CAP message with the item's own <link>. */
    if (!e->cap_xml && !e->cap_url && link)
        take_link(a, link, base, e);
}

static int fail_parse(struct bh_error *err, xmlParserCtxt *ctx)
{
    const xmlError *x = ctx ? xmlCtxtGetLastError(ctx) : NULL;
    if (x && x->message) {
        char msg[200];
        size_t n = strlen(x->message);
        if (n >= sizeof msg)
            n = sizeof msg - 1;
        memcpy(msg, x->message, n);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            n--;
        msg[n] = '\0';
        return bh_fail(err, BH_EINVALID, "feed", "not well-formed XML at line %d: %s", x->line,
                       msg);
    }
    return bh_fail(err, BH_EINVALID, "feed", "not well-formed XML");
}

int feed_parse(const char *xml, size_t len, const char *base_url, struct arena *a,
               struct feed_doc *out, struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > FEED_MAX_BYTES)
        return bh_fail(err, BH_ETOOLARGE, "feed", "the feed is larger than %d bytes",
                       FEED_MAX_BYTES);
    if (len == 0)
        return bh_fail(err, BH_EINVALID, "feed", "the feed is empty");
    xmlInitParser();
    xmlParserCtxt *ctx = xmlNewParserCtxt();
    if (!ctx)
        return bh_fail(err, BH_ENOMEM, "feed", "cannot start the XML parser");
    /* No NOENT (entities stay references, never expanded), no DTDLOAD/DTDATTR/DTDVALID
     * (nothing fetched or defaulted), NONET (no network even for a catalog), no HUGE (the
     * parser's own limits stay). */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDoc *doc = xmlCtxtReadMemory(ctx, xml, (int)len, base_url, NULL, opts);
    if (!doc) {
        int rc = fail_parse(err, ctx);
        xmlFreeParserCtxt(ctx);
        return rc;
    }
    int rc = 0;
    if (doc->intSubset || doc->extSubset) {
        rc = bh_fail(err, BH_EINVALID, "feed",
                     "the feed declares a DTD (<!DOCTYPE>): refused, as entity declarations "
                     "could expand or read files");
        goto done;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *container = NULL;
    bool atom = false;
    if (named(root, "feed") && in_ns(root, NS_ATOM)) {
        atom = true;
        container = root;
        out->kind = "atom";
    } else if (named(root, "rss") && !root->ns) {
        const char *v = attr(a, root, "version");
        if (!v || strncmp(v, "2.", 2) != 0) {
            rc = bh_fail(err, BH_EINVALID, "rss.version", "RSS version %.20s is not read; 2.0 is",
                         v ? v : "(none)");
            goto done;
        }
        for (const xmlNode *c = root->children; c && !container; c = c->next)
            if (named(c, "channel") && !c->ns)
                container = c;
        if (!container) {
            rc = bh_fail(err, BH_EINVALID, "rss.channel", "the RSS feed has no <channel>");
            goto done;
        }
        out->kind = "rss";
    } else {
        rc = bh_fail(err, BH_EINVALID, "feed",
                     "the document is neither an Atom feed nor an RSS 2.0 feed (root <%.40s>)",
                     root ? (const char *)root->name : "");
        goto done;
    }
    const char *entry_name = atom ? "entry" : "item";
    size_t n = 0;
    for (const xmlNode *c = container->children; c; c = c->next)
        if (named(c, entry_name) && (atom ? in_ns(c, NS_ATOM) : !c->ns))
            n++;
        else if (named(c, "title") && (atom ? in_ns(c, NS_ATOM) : !c->ns))
            out->title = text_of(a, c);
    if (n > FEED_MAX_ENTRIES)
        n = FEED_MAX_ENTRIES;
    out->entries = arena_calloc(a, n ? n : 1, sizeof *out->entries);
    for (const xmlNode *c = container->children; c && out->nentries < n; c = c->next) {
        if (!named(c, entry_name) || (atom ? !in_ns(c, NS_ATOM) : c->ns != NULL))
            continue;
        struct feed_entry *e = &out->entries[out->nentries++];
        if (atom)
            read_atom_entry(a, c, base_url, e);
        else
            read_rss_item(a, c, base_url, e);
        if (!e->cap_xml && !e->cap_url && !e->problem)
            e->problem = N_("the entry carries no CAP message and links none");
    }
done:
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctx);
    return rc;
}
