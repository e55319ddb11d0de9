/* The CAP 1.2/1.1 reader and the CAP 1.2 writer (cap.h). One set of checks (check_alert)
 * serves both ways, so whatever the reader accepts the writer can write and the OASIS schema
 * accepts, and an alert the writer refuses could never have been read either. The reader
 * first checks the shape of the tree (element order, unknown elements, text-only leaves)
 * while copying texts into the struct, then hands the struct to check_alert. */
#include "formats/cap.h"

#include "formats/cap_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlstring.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_NS_12 "urn:oasis:names:tc:emergency:cap:1.2"
#define CAP_NS_11 "urn:oasis:names:tc:emergency:cap:1.1"
#define DSIG_NS   "http://www.w3.org/2000/09/xmldsig#"

/* Points of one polygon, and of all polygons of one alert: the self-intersection test is
 * quadratic, so these bound the work an upload can ask for (a national service's most
 * detailed coastline polygons stay well under the first). */
#define CAP_MAX_POLYGON_POINTS 4096
#define CAP_MAX_ALERT_POINTS   32768

/* ---- the guarded libxml2 reader ---- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static xmlExternalEntityLoader default_loader;
/* Set while this thread reads a CAP document: the loader below refuses everything then. */
static _Thread_local int reading_cap;

static xmlParserInputPtr refusing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (reading_cap) {
        /* Nothing in a CAP message may make the server open a file or a connection. */
        return NULL;
    }
    return default_loader ? default_loader(url, id, ctxt) : NULL;
}

static void xml_init_once(void)
{
    xmlInitParser();
    default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
}

void cap_xml_init(void)
{
    pthread_once(&xml_once, xml_init_once);
}

/* What the SAX hooks saw; the parse stops at the first of these. */
struct guard {
    int dtd, pi, deep;
    int depth;
    long line;
    char pi_target[64];
    char first_error[200];
    long error_line;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
};

static void stop(xmlParserCtxtPtr c)
{
    struct guard *g = c->_private;
    g->line = xmlSAX2GetLineNumber(c);
    xmlStopParser(c);
}

/* Called when <!DOCTYPE has been read, before its internal subset: stopping here means no
 * entity is ever declared, so billion laughs and external entities have nothing to expand. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    (void)name, (void)ext_id, (void)sys_id;
    xmlParserCtxtPtr c = ctx;
    ((struct guard *)c->_private)->dtd = 1;
    stop(c);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    on_internal_subset(ctx, NULL, NULL, NULL);
}

/* A processing instruction (<?xml-stylesheet href=...?>) asks the reader to fetch or run
 * something; CAP needs none. The XML declaration is not one and never comes here. */
static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)data;
    xmlParserCtxtPtr c = ctx;
    struct guard *g = c->_private;
    g->pi = 1;
    snprintf(g->pi_target, sizeof g->pi_target, "%s", (const char *)target);
    stop(c);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr c = ctx;
    struct guard *g = c->_private;
    if (++g->depth > CAP_MAX_DEPTH) {
        g->deep = 1;
        stop(c);
        return;
    }
    g->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
             attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr c = ctx;
    struct guard *g = c->_private;
    g->depth--;
    g->end(ctx, localname, prefix, uri);
}

/* libxml2's own complaints: kept (the first error) for our message, never printed. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr c = ctx;
    struct guard *g = c ? c->_private : NULL;
    if (!g || !e || e->level < XML_ERR_ERROR || g->first_error[0])
        return;
    snprintf(g->first_error, sizeof g->first_error, "%s", e->message ? e->message : "?");
    size_t n = strlen(g->first_error);
    while (n && (g->first_error[n - 1] == '\n' || g->first_error[n - 1] == ' '))
        g->first_error[--n] = '\0';
    g->error_line = e->line;
}

int cap_xml_read(const char *xml, size_t len, xmlDocPtr *out, struct bh_error *err)
{
    *out = NULL;
    if (len > CAP_MAX_BYTES)
        return bh_fail(err, BH_ETOOLARGE, "alert",
                       "the CAP message is %zu bytes, more than the %d allowed", len,
                       CAP_MAX_BYTES);
    if (len == 0)
        return bh_fail(err, BH_EINVALID, "alert", "the CAP message is empty");
    cap_xml_init();

    xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(xml, (int)len);
    if (!c)
        return bh_fail(err, BH_ENOMEM, "alert", "cannot start the XML parser");
    /* Options first: xmlCtxtUseOptions adjusts the SAX table, our hooks go in after it.
     * Never NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE. */
    xmlCtxtUseOptions(c, XML_PARSE_NONET);
    struct guard g = { 0 };
    g.start = c->sax->startElementNs;
    g.end = c->sax->endElementNs;
    c->_private = &g;
    c->sax->internalSubset = on_internal_subset;
    c->sax->externalSubset = on_internal_subset;
    c->sax->entityDecl = on_entity_decl;
    c->sax->processingInstruction = on_pi;
    c->sax->startElementNs = on_start;
    c->sax->endElementNs = on_end;
    c->sax->serror = on_error;

    reading_cap = 1;
    xmlParseDocument(c);
    reading_cap = 0;

    xmlDocPtr doc = c->myDoc;
    int well_formed = c->wellFormed;
    c->myDoc = NULL;
    xmlFreeParserCtxt(c);

    int rc = 0;
    if (g.dtd)
        rc = bh_fail(err, BH_EINVALID, "alert",
                     "line %ld: a DOCTYPE declaration is not allowed in a CAP message (no DTD, "
                     "no entity declarations)",
                     g.line);
    else if (g.pi)
        rc = bh_fail(err, BH_EINVALID, "alert",
                     "line %ld: the processing instruction <?%s?> is not allowed in a CAP message",
                     g.line, g.pi_target);
    else if (g.deep)
        rc = bh_fail(err, BH_EINVALID, "alert", "line %ld: elements nest deeper than %d levels",
                     g.line, CAP_MAX_DEPTH);
    else if (!well_formed || !doc)
        rc = bh_fail(err, BH_EINVALID, "alert", "line %ld: the XML is not well-formed: %s",
                     g.error_line, g.first_error[0] ? g.first_error : "unreadable");
    else if (doc->intSubset || doc->extSubset)
        rc = bh_fail(err, BH_EINVALID, "alert",
                     "a DOCTYPE declaration is not allowed in a CAP message");
    if (rc) {
        xmlFreeDoc(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

/* ---- the code lists and value checks, shared by reader and writer ---- */

/* Writes an element path ("info[1].area[0].polygon") into `out`, 64 bytes like the field of
 * struct bh_error; a longer one is cut, which only a hostile document ever needs. */
static const char *path(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *path(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, 64, fmt, ap);
    va_end(ap);
    return out;
}

static const char *const STATUS[] = { "Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char *const MSG_TYPE[] = { "Alert", "Update", "Cancel", "Ack", "Error", NULL };
static const char *const SCOPE[] = { "Public", "Restricted", "Private", NULL };
static const char *const CATEGORY[] = { "Geo",   "Met",    "Safety", "Security",  "Rescue",
                                        "Fire",  "Health", "Env",    "Transport", "Infra",
                                        "CBRNE", "Other",  NULL };
static const char *const RESPONSE_12[] = { "Shelter", "Evacuate", "Prepare",  "Execute", "Avoid",
                                           "Monitor", "Assess",   "AllClear", "None",    NULL };
/* CAP 1.1 had neither Avoid nor AllClear. */
static const char *const RESPONSE_11[] = { "Shelter", "Evacuate", "Prepare", "Execute",
                                           "Monitor", "Assess",   "None",    NULL };
static const char *const URGENCY[] = { "Immediate", "Expected", "Future", "Past", "Unknown", NULL };
static const char *const SEVERITY[] = { "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL };
static const char *const CERTAINTY[] = { "Observed", "Likely",  "Possible",
                                         "Unlikely", "Unknown", NULL };

static int in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return 1;
    return 0;
}

static void list_text(const char *const *list, char *out, size_t n)
{
    out[0] = '\0';
    size_t used = 0;
    for (const char *const *p = list; *p && used < n; p++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", p == list ? "" : ", ", *p);
}

static int missing(struct bh_error *err, const char *field, const char *element)
{
    return bh_fail(err, BH_EINVALID, field, "<%s> is required", element);
}

static int check_code(struct bh_error *err, const char *field, const char *element, const char *v,
                      const char *const *list)
{
    if (!v)
        return missing(err, field, element);
    if (in_list(v, list))
        return 0;
    char allowed[200];
    list_text(list, allowed, sizeof allowed);
    return bh_fail(err, BH_EINVALID, field, "<%s> \"%.60s\" is not one of %s", element, v, allowed);
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* CAP's dateTime: "2026-12-07T10:00:00+01:00", the schema's pattern
 * \d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d with xs:dateTime's ranges. No fraction, and
 * no "Z": both CAP 1.1 and 1.2 say UTC is written -00:00. */
static int is_cap_time(const char *s)
{
    if (strlen(s) != 25)
        return 0;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
        s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
        !digits(s + 17, 2) || (s[19] != '+' && s[19] != '-') || !digits(s + 20, 2) ||
        s[22] != ':' || !digits(s + 23, 2))
        return 0;
    int month = num2(s + 5), day = num2(s + 8), hour = num2(s + 11), min = num2(s + 14),
        sec = num2(s + 17), oh = num2(s + 20), om = num2(s + 23);
    int year = num2(s) * 100 + num2(s + 2);
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day > mdays[month - 1] || (month == 2 && day == 29 && !leap))
        return 0;
    return day >= 1 && hour <= 23 && min <= 59 && sec <= 59 && (oh < 14 || (oh == 14 && om == 0)) &&
           om <= 59;
}

static int check_time(struct bh_error *err, const char *field, const char *element, const char *v,
                      int required)
{
    if (!v)
        return required ? missing(err, field, element) : 0;
    if (is_cap_time(v))
        return 0;
    size_t n = strlen(v);
    if (n && (v[n - 1] == 'Z' || v[n - 1] == 'z'))
        return bh_fail(err, BH_EINVALID, field,
                       "<%s> \"%.40s\" ends in Z: CAP writes UTC as -00:00", element, v);
    return bh_fail(err, BH_EINVALID, field,
                   "<%s> \"%.40s\" is not a CAP date and time like 2026-12-07T10:00:00+01:00",
                   element, v);
}

/* A required text that must not be empty. */
static int check_text(struct bh_error *err, const char *field, const char *element, const char *v)
{
    if (!v)
        return missing(err, field, element);
    if (!*v)
        return bh_fail(err, BH_EINVALID, field, "<%s> is empty", element);
    return 0;
}

/* identifier and sender: the standard forbids spaces, commas and the restricted characters
 * < and &, because <references> lists them separated by commas and spaces. */
static int check_token(struct bh_error *err, const char *field, const char *element, const char *v)
{
    int rc = check_text(err, field, element, v);
    if (rc)
        return rc;
    if (strpbrk(v, " \t\r\n,<&"))
        return bh_fail(err, BH_EINVALID, field,
                       "<%s> \"%.60s\" contains a space, a comma, < or &, which CAP forbids there",
                       element, v);
    return 0;
}

static int check_references(struct bh_error *err, const char *v)
{
    const char *field = "alert.references";
    const char *p = v;
    int entries = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        const char *end = p + strcspn(p, " \t\r\n");
        const char *c1 = memchr(p, ',', (size_t)(end - p));
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
        char sent[32] = "";
        if (c2 && (size_t)(end - c2 - 1) < sizeof sent)
            memcpy(sent, c2 + 1, (size_t)(end - c2 - 1));
        if (!c1 || !c2 || c1 == p || c2 == c1 + 1 || memchr(c2 + 1, ',', (size_t)(end - c2 - 1)) ||
            !is_cap_time(sent))
            return bh_fail(err, BH_EINVALID, field,
                           "<references> entry \"%.*s\" is not sender,identifier,sent",
                           (int)(end - p > 80 ? 80 : end - p), p);
        entries++;
        p = end;
    }
    if (!entries)
        return bh_fail(err, BH_EINVALID, field,
                       "<references> is empty: leave it out or list sender,identifier,sent");
    return 0;
}

/* xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})* */
static int is_language(const char *s)
{
    int first = 1;
    while (*s) {
        int n = 0;
        for (; *s && *s != '-'; s++, n++) {
            unsigned char ch = (unsigned char)*s;
            int alpha = (ch | 32) >= 'a' && (ch | 32) <= 'z';
            if (!alpha && (first || ch < '0' || ch > '9'))
                return 0;
        }
        if (n < 1 || n > 8)
            return 0;
        first = 0;
        if (*s == '-' && !*++s)
            return 0;
    }
    return !first;
}

/* xs:decimal ([+-]?(\d+(\.\d*)?|\.\d+)) or, with `integer`, xs:integer ([+-]?\d+). */
static int is_decimal(const char *s, int integer)
{
    if (*s == '+' || *s == '-')
        s++;
    int nd = 0;
    while (*s >= '0' && *s <= '9')
        s++, nd++;
    if (*s == '.' && !integer) {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, nd++;
    }
    return nd > 0 && !*s;
}

static int check_decimal(struct bh_error *err, const char *field, const char *element,
                         const char *v, int integer)
{
    if (!v || is_decimal(v, integer))
        return 0;
    if (integer)
        return bh_fail(err, BH_EINVALID, field, "<%s> \"%.40s\" is not a whole number", element, v);
    return bh_fail(err, BH_EINVALID, field, "<%s> \"%.40s\" is not a decimal number", element, v);
}

static int check_uri(struct bh_error *err, const char *field, const char *element, const char *v)
{
    if (!v || !strpbrk(v, " \t\r\n"))
        return 0;
    return bh_fail(err, BH_EINVALID, field, "<%s> \"%.60s\" is no URI: it contains a space",
                   element, v);
}

/* ---- geometry ---- */

struct pt {
    double lat, lon;
};

/* A WGS 84 decimal as CAP writes it: optional sign, digits, optional fraction; no exponent,
 * no "nan" or "inf" (which strtod would take), and no dependence on the C locale. */
static const char *read_coord(const char *s, double *out)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    double v = 0, scale = 1;
    int nd = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++)
        if (nd < 12)
            v = v * 10 + (*s - '0');
        else
            return NULL;
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++, nd++)
            if (scale < 1e15) {
                v = v * 10 + (*s - '0');
                scale *= 10;
            }
    }
    if (!nd)
        return NULL;
    *out = (neg ? -v : v) / scale;
    return s;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* "lat,lon" at *p: moves *p past it. */
static int read_pair(const char **p, struct pt *pt)
{
    const char *s = read_coord(*p, &pt->lat);
    if (!s || *s != ',')
        return 0;
    s = read_coord(s + 1, &pt->lon);
    if (!s || (*s && !is_space(*s)))
        return 0;
    *p = s;
    return 1;
}

static double orient(struct pt a, struct pt b, struct pt c)
{
    return (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
}

static int on_segment(struct pt a, struct pt b, struct pt p)
{
    return fmin(a.lon, b.lon) <= p.lon && p.lon <= fmax(a.lon, b.lon) &&
           fmin(a.lat, b.lat) <= p.lat && p.lat <= fmax(a.lat, b.lat);
}

static int sign(double v)
{
    return (v > 0) - (v < 0);
}

/* Whether segments ab and cd share a point (crossing, touching or overlapping). */
static int segments_meet(struct pt a, struct pt b, struct pt c, struct pt d)
{
    int o1 = sign(orient(a, b, c)), o2 = sign(orient(a, b, d));
    int o3 = sign(orient(c, d, a)), o4 = sign(orient(c, d, b));
    if (o1 != o2 && o3 != o4)
        return 1;
    return (o1 == 0 && on_segment(a, b, c)) || (o2 == 0 && on_segment(a, b, d)) ||
           (o3 == 0 && on_segment(c, d, a)) || (o4 == 0 && on_segment(c, d, b));
}

static int in_range(struct pt p)
{
    return p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180;
}

static int check_polygon_points(struct bh_error *err, const char *field, size_t k, const char *v,
                                size_t *budget, struct pt *pts)
{
    size_t n = 0;
    const char *p = v;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        if (n == CAP_MAX_POLYGON_POINTS || n >= *budget)
            return bh_fail(err, BH_EINVALID, field,
                           "<polygon> %zu has more than %zu points (%d in a polygon, %d in an "
                           "alert)",
                           k + 1, n, CAP_MAX_POLYGON_POINTS, CAP_MAX_ALERT_POINTS);
        const char *at = p;
        if (!read_pair(&p, &pts[n]))
            return bh_fail(err, BH_EINVALID, field,
                           "<polygon> %zu: \"%.30s\" is not a latitude,longitude pair", k + 1, at);
        if (!in_range(pts[n]))
            return bh_fail(err, BH_EINVALID, field,
                           "<polygon> %zu: point %zu (%.*s) is off the globe (latitude -90..90, "
                           "longitude -180..180)",
                           k + 1, n + 1, (int)(p - at), at);
        n++;
    }
    *budget -= n;
    if (n < 4)
        return bh_fail(err, BH_EINVALID, field,
                       "<polygon> %zu has %zu points: CAP needs at least four, the first repeated "
                       "last",
                       k + 1, n);
    if (pts[0].lat != pts[n - 1].lat || pts[0].lon != pts[n - 1].lon)
        return bh_fail(err, BH_EINVALID, field,
                       "<polygon> %zu is not closed: its last point must repeat its first", k + 1);
    /* Repeated consecutive points are harmless (feeds write them): drop them for the test. */
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (pts[i].lat != pts[m - 1].lat || pts[i].lon != pts[m - 1].lon)
            pts[m++] = pts[i];
    if (m < 4)
        return bh_fail(err, BH_EINVALID, field,
                       "<polygon> %zu has fewer than three distinct points", k + 1);
    size_t segs = m - 1; /* segment i runs from pts[i] to pts[i+1] */
    for (size_t i = 0; i < segs; i++)
        for (size_t j = i + 1; j < segs; j++) {
            int adjacent = j == i + 1 || (i == 0 && j == segs - 1);
            if (adjacent) {
                /* Neighbours share one point; they may only overlap by folding back. */
                struct pt shared = j == i + 1 ? pts[j] : pts[0];
                struct pt a = j == i + 1 ? pts[i] : pts[1];
                struct pt b = j == i + 1 ? pts[j + 1] : pts[segs - 1];
                if (orient(shared, a, b) == 0 &&
                    (a.lat - shared.lat) * (b.lat - shared.lat) +
                            (a.lon - shared.lon) * (b.lon - shared.lon) >
                        0)
                    return bh_fail(err, BH_EINVALID, field,
                                   "<polygon> %zu intersects itself: its edges %zu and %zu fold "
                                   "back over each other",
                                   k + 1, i + 1, j + 1);
                continue;
            }
            if (segments_meet(pts[i], pts[i + 1], pts[j], pts[j + 1]))
                return bh_fail(err, BH_EINVALID, field,
                               "<polygon> %zu intersects itself: its edges %zu and %zu meet", k + 1,
                               i + 1, j + 1);
        }
    return 0;
}

static int check_circle(struct bh_error *err, const char *field, size_t k, const char *v)
{
    const char *p = v;
    struct pt c;
    double r;
    while (is_space(*p))
        p++;
    if (read_pair(&p, &c) && is_space(*p)) {
        while (is_space(*p))
            p++;
        const char *end = read_coord(p, &r);
        if (end) {
            while (is_space(*end))
                end++;
            if (!*end) {
                if (!in_range(c))
                    return bh_fail(err, BH_EINVALID, field,
                                   "<circle> %zu: its centre \"%.40s\" is off the globe", k + 1, v);
                if (r < 0)
                    return bh_fail(err, BH_EINVALID, field,
                                   "<circle> %zu: the radius of \"%.40s\" is negative", k + 1, v);
                return 0;
            }
        }
    }
    return bh_fail(err, BH_EINVALID, field,
                   "<circle> %zu: \"%.40s\" is not \"latitude,longitude radius\"", k + 1, v);
}

static int check_polygon(struct bh_error *err, const char *field, size_t k, const char *v,
                         size_t *budget)
{
    /* On the heap: 64 KiB is more than a server thread's stack should carry for one check. */
    struct pt *pts = malloc(CAP_MAX_POLYGON_POINTS * sizeof *pts);
    if (!pts)
        return bh_fail(err, BH_ENOMEM, field, "out of memory");
    int rc = check_polygon_points(err, field, k, v, budget, pts);
    free(pts);
    return rc;
}

/* ---- the whole alert ---- */

static int check_pairs(struct bh_error *err, const char *base, const char *element,
                       const struct cap_pair *pairs, size_t n)
{
    char field[64];
    for (size_t i = 0; i < n; i++) {
        path(field, "%s.%s[%zu]", base, element, i);
        if (!pairs[i].name)
            return missing(err, field, "valueName");
        if (!pairs[i].value)
            return missing(err, field, "value");
    }
    return 0;
}

static int check_area(struct bh_error *err, const char *base, const struct cap_area *ar,
                      size_t *budget)
{
    char field[64];
    int rc;
#define F(name) (path(field, "%s.%s", base, name), field)
    if ((rc = check_text(err, F("areaDesc"), "areaDesc", ar->area_desc)))
        return rc;
    for (size_t k = 0; k < ar->npolygons; k++)
        if ((rc = ar->polygons[k] ? check_polygon(err, F("polygon"), k, ar->polygons[k], budget)
                                  : missing(err, F("polygon"), "polygon")))
            return rc;
    for (size_t k = 0; k < ar->ncircles; k++)
        if ((rc = ar->circles[k] ? check_circle(err, F("circle"), k, ar->circles[k])
                                 : missing(err, F("circle"), "circle")))
            return rc;
    if ((rc = check_pairs(err, base, "geocode", ar->geocodes, ar->ngeocodes)))
        return rc;
    if ((rc = check_decimal(err, F("altitude"), "altitude", ar->altitude, 0)) ||
        (rc = check_decimal(err, F("ceiling"), "ceiling", ar->ceiling, 0)))
        return rc;
    if (ar->ceiling && !ar->altitude)
        return bh_fail(err, BH_EINVALID, F("ceiling"), "<ceiling> needs an <altitude>");
#undef F
    return 0;
}

static int check_info(struct bh_error *err, const char *base, const struct cap_info *in,
                      int version, size_t *budget)
{
    char field[64];
    int rc;
#define F(name) (path(field, "%s.%s", base, name), field)
    if (in->language && !is_language(in->language))
        return bh_fail(err, BH_EINVALID, F("language"),
                       "<language> \"%.40s\" is not a language tag like en-US", in->language);
    if (!in->ncategories)
        return missing(err, F("category"), "category");
    for (size_t k = 0; k < in->ncategories; k++)
        if ((rc = check_code(err, F("category"), "category", in->categories[k], CATEGORY)))
            return rc;
    if ((rc = check_text(err, F("event"), "event", in->event)))
        return rc;
    for (size_t k = 0; k < in->nresponse_types; k++)
        if ((rc = check_code(err, F("responseType"), "responseType", in->response_types[k],
                             version == 11 ? RESPONSE_11 : RESPONSE_12)))
            return rc;
    if ((rc = check_code(err, F("urgency"), "urgency", in->urgency, URGENCY)) ||
        (rc = check_code(err, F("severity"), "severity", in->severity, SEVERITY)) ||
        (rc = check_code(err, F("certainty"), "certainty", in->certainty, CERTAINTY)))
        return rc;
    if ((rc = check_pairs(err, base, "eventCode", in->event_codes, in->nevent_codes)))
        return rc;
    if ((rc = check_time(err, F("effective"), "effective", in->effective, 0)) ||
        (rc = check_time(err, F("onset"), "onset", in->onset, 0)) ||
        (rc = check_time(err, F("expires"), "expires", in->expires, 0)))
        return rc;
    if ((rc = check_uri(err, F("web"), "web", in->web)))
        return rc;
    if ((rc = check_pairs(err, base, "parameter", in->parameters, in->nparameters)))
        return rc;
    for (size_t k = 0; k < in->nresources; k++) {
        const struct cap_resource *r = &in->resources[k];
        char rbase[64];
        path(rbase, "%s.resource[%zu]", base, k);
        if ((rc = check_text(err, (path(field, "%s.resourceDesc", rbase), field), "resourceDesc",
                             r->resource_desc)) ||
            (rc = check_text(err, (path(field, "%s.mimeType", rbase), field), "mimeType",
                             r->mime_type)) ||
            (rc = check_decimal(err, (path(field, "%s.size", rbase), field), "size", r->size, 1)) ||
            (rc = check_uri(err, (path(field, "%s.uri", rbase), field), "uri", r->uri)))
            return rc;
    }
    for (size_t k = 0; k < in->nareas; k++) {
        char abase[64];
        path(abase, "%s.area[%zu]", base, k);
        if ((rc = check_area(err, abase, &in->areas[k], budget)))
            return rc;
    }
#undef F
    return 0;
}

/* Everything the schema and the standard's text ask of the values, for CAP `version`. */
static int check_alert(const struct cap_alert *al, int version, struct bh_error *err)
{
    int rc;
    if ((rc = check_token(err, "alert.identifier", "identifier", al->identifier)) ||
        (rc = check_token(err, "alert.sender", "sender", al->sender)) ||
        (rc = check_time(err, "alert.sent", "sent", al->sent, 1)) ||
        (rc = check_code(err, "alert.status", "status", al->status, STATUS)) ||
        (rc = check_code(err, "alert.msgType", "msgType", al->msg_type, MSG_TYPE)) ||
        (rc = check_code(err, "alert.scope", "scope", al->scope, SCOPE)))
        return rc;
    if (strcmp(al->scope, "Restricted") == 0 && (!al->restriction || !*al->restriction))
        return bh_fail(err, BH_EINVALID, "alert.restriction",
                       "<restriction> is required when <scope> is Restricted");
    if (strcmp(al->scope, "Private") == 0 && (!al->addresses || !*al->addresses))
        return bh_fail(err, BH_EINVALID, "alert.addresses",
                       "<addresses> is required when <scope> is Private");
    for (size_t k = 0; k < al->ncodes; k++)
        if (!al->codes[k])
            return missing(err, "alert.code", "code");
    if (al->references && (rc = check_references(err, al->references)))
        return rc;
    size_t budget = CAP_MAX_ALERT_POINTS;
    for (size_t i = 0; i < al->ninfos; i++) {
        char base[32];
        path(base, "info[%zu]", i);
        if ((rc = check_info(err, base, &al->infos[i], version, &budget)))
            return rc;
    }
    return 0;
}

/* ---- the reader ---- */

struct slot {
    const char *name;
    int many;
};

static const struct slot ALERT_SLOTS[] = {
    { "identifier", 0 }, { "sender", 0 }, { "sent", 0 },  { "status", 0 },
    { "msgType", 0 },    { "source", 0 }, { "scope", 0 }, { "restriction", 0 },
    { "addresses", 0 },  { "code", 1 },   { "note", 0 },  { "references", 0 },
    { "incidents", 0 },  { "info", 1 },   { NULL, 0 },
};
static const struct slot INFO_SLOTS[] = {
    { "language", 0 },   { "category", 1 },  { "event", 0 },       { "responseType", 1 },
    { "urgency", 0 },    { "severity", 0 },  { "certainty", 0 },   { "audience", 0 },
    { "eventCode", 1 },  { "effective", 0 }, { "onset", 0 },       { "expires", 0 },
    { "senderName", 0 }, { "headline", 0 },  { "description", 0 }, { "instruction", 0 },
    { "web", 0 },        { "contact", 0 },   { "parameter", 1 },   { "resource", 1 },
    { "area", 1 },       { NULL, 0 },
};
static const struct slot RESOURCE_SLOTS[] = {
    { "resourceDesc", 0 }, { "mimeType", 0 }, { "size", 0 }, { "uri", 0 },
    { "derefUri", 0 },     { "digest", 0 },   { NULL, 0 },
};
static const struct slot AREA_SLOTS[] = {
    { "areaDesc", 0 }, { "polygon", 1 }, { "circle", 1 }, { "geocode", 1 },
    { "altitude", 0 }, { "ceiling", 0 }, { NULL, 0 },
};
static const struct slot PAIR_SLOTS[] = { { "valueName", 0 }, { "value", 0 }, { NULL, 0 } };

struct reader {
    struct arena *a;
    const xmlChar *ns; /* the CAP namespace of this document */
    int version;
    struct bh_error *err;
};

static int is_cap(const struct reader *r, xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, r->ns);
}

static int is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (!is_space((char)*s))
            return 0;
    return 1;
}

/* The children of `parent` in the schema's order: each known once unless `many`, none
 * unknown, no text between them. Elements of other namespaces are skipped (an enveloped
 * signature, extensions); `signature` (when not NULL) is set when an XML-DSig <Signature>
 * is among them. */
static int check_shape(struct reader *r, xmlNodePtr parent, const struct slot *slots,
                       const char *where, int *signature)
{
    int last = -1;
    char field[64];
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (!is_blank(n->content))
                return bh_fail(r->err, BH_EINVALID, where,
                               "line %d: text \"%.30s\" outside of any element in <%s>",
                               (int)xmlGetLineNo(n), (const char *)n->content,
                               (const char *)parent->name);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue; /* comments */
        if (!n->ns || !xmlStrEqual(n->ns->href, r->ns)) {
            if (n->ns && n->ns->href[0]) {
                if (signature && xmlStrEqual(n->ns->href, BAD_CAST DSIG_NS) &&
                    xmlStrEqual(n->name, BAD_CAST "Signature"))
                    *signature = 1;
                continue;
            }
            path(field, "%s.%s", where, (const char *)n->name);
            return bh_fail(r->err, BH_EINVALID, field,
                           "line %d: <%s> has no namespace; CAP elements are in %s",
                           (int)xmlGetLineNo(n), (const char *)n->name, (const char *)r->ns);
        }
        int k = 0;
        while (slots[k].name && !xmlStrEqual(n->name, BAD_CAST slots[k].name))
            k++;
        path(field, "%s.%s", where, (const char *)n->name);
        if (!slots[k].name)
            return bh_fail(r->err, BH_EINVALID, field, "line %d: <%s> is not a CAP element of <%s>",
                           (int)xmlGetLineNo(n), (const char *)n->name, (const char *)parent->name);
        if (k < last)
            return bh_fail(r->err, BH_EINVALID, field,
                           "line %d: <%s> is out of order: CAP puts it before <%s>",
                           (int)xmlGetLineNo(n), (const char *)n->name, slots[last].name);
        if (k == last && !slots[k].many)
            return bh_fail(r->err, BH_EINVALID, field, "line %d: <%s> appears twice",
                           (int)xmlGetLineNo(n), (const char *)n->name);
        last = k;
    }
    return 0;
}

/* The text of a leaf element, trimmed at both ends, in the arena. */
static int leaf_text(struct reader *r, xmlNodePtr n, const char *field, const char **out)
{
    size_t len = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            len += (size_t)xmlStrlen(c->content);
        else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE)
            return bh_fail(r->err, BH_EINVALID, field, "line %d: <%s> must hold text only",
                           (int)xmlGetLineNo(n), (const char *)n->name);
    }
    char *s = arena_alloc(r->a, len + 1);
    size_t at = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t l = (size_t)xmlStrlen(c->content);
            memcpy(s + at, c->content, l);
            at += l;
        }
    s[at] = '\0';
    char *b = s;
    while (is_space(*b))
        b++;
    char *e = b + strlen(b);
    while (e > b && is_space(e[-1]))
        *--e = '\0';
    *out = b;
    return 0;
}

static size_t count_named(struct reader *r, xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (is_cap(r, c) && xmlStrEqual(c->name, BAD_CAST name))
            n++;
    return n;
}

#define NAMED(n, s) xmlStrEqual((n)->name, BAD_CAST(s))

static int read_pair_el(struct reader *r, xmlNodePtr n, const char *field, struct cap_pair *p)
{
    int rc = check_shape(r, n, PAIR_SLOTS, field, NULL);
    for (xmlNodePtr c = n->children; !rc && c; c = c->next) {
        if (!is_cap(r, c))
            continue;
        char f[64];
        path(f, "%s.%s", field, (const char *)c->name);
        rc = leaf_text(r, c, f, NAMED(c, "valueName") ? &p->name : &p->value);
    }
    return rc;
}

/* Reads the repeated text elements `name` of `parent` into an array. */
static int read_list(struct reader *r, xmlNodePtr parent, const char *name, const char *field,
                     const char ***out, size_t *n)
{
    *n = count_named(r, parent, name);
    *out = *n ? arena_calloc(r->a, *n, sizeof **out) : NULL;
    size_t k = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (is_cap(r, c) && NAMED(c, name)) {
            int rc = leaf_text(r, c, field, &(*out)[k++]);
            if (rc)
                return rc;
        }
    return 0;
}

static int read_pairs(struct reader *r, xmlNodePtr parent, const char *name, const char *base,
                      struct cap_pair **out, size_t *n)
{
    *n = count_named(r, parent, name);
    *out = *n ? arena_calloc(r->a, *n, sizeof **out) : NULL;
    size_t k = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (is_cap(r, c) && NAMED(c, name)) {
            char field[64];
            path(field, "%s.%s[%zu]", base, name, k);
            int rc = read_pair_el(r, c, field, &(*out)[k++]);
            if (rc)
                return rc;
        }
    return 0;
}

/* The single text elements of `parent`: name → where its text goes. */
struct leaf {
    const char *name;
    const char **dst;
};

static int read_leaves(struct reader *r, xmlNodePtr parent, const char *base,
                       const struct leaf *leaves)
{
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (!is_cap(r, c))
            continue;
        for (const struct leaf *l = leaves; l->name; l++)
            if (NAMED(c, l->name)) {
                char field[64];
                path(field, "%s.%s", base, l->name);
                int rc = leaf_text(r, c, field, l->dst);
                if (rc)
                    return rc;
            }
    }
    return 0;
}

static int read_area(struct reader *r, xmlNodePtr n, const char *base, struct cap_area *ar)
{
    char field[64];
    int rc = check_shape(r, n, AREA_SLOTS, base, NULL);
    if (rc)
        return rc;
    const struct leaf leaves[] = { { "areaDesc", &ar->area_desc },
                                   { "altitude", &ar->altitude },
                                   { "ceiling", &ar->ceiling },
                                   { NULL, NULL } };
    if ((rc = read_leaves(r, n, base, leaves)))
        return rc;
    path(field, "%s.polygon", base);
    if ((rc = read_list(r, n, "polygon", field, &ar->polygons, &ar->npolygons)))
        return rc;
    path(field, "%s.circle", base);
    if ((rc = read_list(r, n, "circle", field, &ar->circles, &ar->ncircles)))
        return rc;
    return read_pairs(r, n, "geocode", base, &ar->geocodes, &ar->ngeocodes);
}

static int read_resource(struct reader *r, xmlNodePtr n, const char *base, struct cap_resource *re)
{
    int rc = check_shape(r, n, RESOURCE_SLOTS, base, NULL);
    if (rc)
        return rc;
    const struct leaf leaves[] = { { "resourceDesc", &re->resource_desc },
                                   { "mimeType", &re->mime_type },
                                   { "size", &re->size },
                                   { "uri", &re->uri },
                                   { "derefUri", &re->deref_uri },
                                   { "digest", &re->digest },
                                   { NULL, NULL } };
    if ((rc = read_leaves(r, n, base, leaves)))
        return rc;
    /* CAP 1.1 made <mimeType> optional, 1.2 requires it: a 1.1 resource without one is
     * written back as what it is known to be, bytes. */
    if (!re->mime_type && r->version == 11)
        re->mime_type = "application/octet-stream";
    return 0;
}

static int read_info(struct reader *r, xmlNodePtr n, const char *base, struct cap_info *in)
{
    char field[64];
    int rc = check_shape(r, n, INFO_SLOTS, base, NULL);
    if (rc)
        return rc;
    const struct leaf leaves[] = {
        { "language", &in->language },       { "event", &in->event },
        { "urgency", &in->urgency },         { "severity", &in->severity },
        { "certainty", &in->certainty },     { "audience", &in->audience },
        { "effective", &in->effective },     { "onset", &in->onset },
        { "expires", &in->expires },         { "senderName", &in->sender_name },
        { "headline", &in->headline },       { "description", &in->description },
        { "instruction", &in->instruction }, { "web", &in->web },
        { "contact", &in->contact },         { NULL, NULL },
    };
    if ((rc = read_leaves(r, n, base, leaves)))
        return rc;
    /* CAP 1.1 still allowed "Very Likely", deprecated there and dropped by 1.2, which says
     * "Likely" covers it; reading it as Likely lets the alert be written as 1.2. */
    if (r->version == 11 && in->certainty && strcmp(in->certainty, "Very Likely") == 0)
        in->certainty = "Likely";
    path(field, "%s.category", base);
    if ((rc = read_list(r, n, "category", field, &in->categories, &in->ncategories)))
        return rc;
    path(field, "%s.responseType", base);
    if ((rc = read_list(r, n, "responseType", field, &in->response_types, &in->nresponse_types)))
        return rc;
    if ((rc = read_pairs(r, n, "eventCode", base, &in->event_codes, &in->nevent_codes)) ||
        (rc = read_pairs(r, n, "parameter", base, &in->parameters, &in->nparameters)))
        return rc;
    in->nresources = count_named(r, n, "resource");
    in->resources =
        in->nresources ? arena_calloc(r->a, in->nresources, sizeof *in->resources) : NULL;
    in->nareas = count_named(r, n, "area");
    in->areas = in->nareas ? arena_calloc(r->a, in->nareas, sizeof *in->areas) : NULL;
    size_t kr = 0, ka = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is_cap(r, c))
            continue;
        if (NAMED(c, "resource")) {
            path(field, "%s.resource[%zu]", base, kr);
            rc = read_resource(r, c, field, &in->resources[kr++]);
        } else if (NAMED(c, "area")) {
            path(field, "%s.area[%zu]", base, ka);
            rc = read_area(r, c, field, &in->areas[ka++]);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int cap_parse(const char *xml, size_t len, struct arena *a, struct cap_alert *out,
              struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc;
    int rc = cap_xml_read(xml, len, &doc, err);
    if (rc)
        return rc;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct reader r = { a, NULL, 0, err };
    if (root && root->ns && xmlStrEqual(root->ns->href, BAD_CAST CAP_NS_12))
        r.version = 12;
    else if (root && root->ns && xmlStrEqual(root->ns->href, BAD_CAST CAP_NS_11))
        r.version = 11;
    if (!root || !r.version || !xmlStrEqual(root->name, BAD_CAST "alert")) {
        rc = bh_fail(err, BH_EINVALID, "alert",
                     "the root element is <%s> in namespace \"%s\"; a CAP message is <alert> in "
                     "%s (or %s)",
                     root ? (const char *)root->name : "",
                     root && root->ns ? (const char *)root->ns->href : "", CAP_NS_12, CAP_NS_11);
        goto done;
    }
    r.ns = root->ns->href;
    out->version = r.version;
    int signature = 0;
    if ((rc = check_shape(&r, root, ALERT_SLOTS, "alert", &signature)))
        goto done;
    out->has_signature = signature != 0;
    const struct leaf leaves[] = {
        { "identifier", &out->identifier },
        { "sender", &out->sender },
        { "sent", &out->sent },
        { "status", &out->status },
        { "msgType", &out->msg_type },
        { "source", &out->source },
        { "scope", &out->scope },
        { "restriction", &out->restriction },
        { "addresses", &out->addresses },
        { "note", &out->note },
        { "references", &out->references },
        { "incidents", &out->incidents },
        { NULL, NULL },
    };
    if ((rc = read_leaves(&r, root, "alert", leaves)) ||
        (rc = read_list(&r, root, "code", "alert.code", &out->codes, &out->ncodes)))
        goto done;
    out->ninfos = count_named(&r, root, "info");
    out->infos = out->ninfos ? arena_calloc(a, out->ninfos, sizeof *out->infos) : NULL;
    size_t k = 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (is_cap(&r, c) && NAMED(c, "info")) {
            char base[32];
            path(base, "info[%zu]", k);
            if ((rc = read_info(&r, c, base, &out->infos[k++])))
                goto done;
        }
    rc = check_alert(out, r.version, err);
done:
    xmlFreeDoc(doc);
    return rc;
}

/* ---- the writer ---- */

struct writer {
    struct buf *b;
    struct bh_error *err;
    int rc;
    int depth;
};

/* XML 1.0 cannot carry most control characters, even as references, and a byte that is no
 * UTF-8 would make the whole document unreadable: such a text is refused, naming where. */
static int writable(const char *s)
{
    if (!xmlCheckUTF8(BAD_CAST s))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return 1;
}

static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '\r': /* a raw CR would come back as LF */
            buf_puts(b, "&#13;");
            break;
        default:
            buf_putc(b, *s);
        }
}

static void indent(struct writer *w)
{
    for (int i = 0; i < w->depth; i++)
        buf_puts(w->b, "  ");
}

static void open_el(struct writer *w, const char *name)
{
    indent(w);
    buf_printf(w->b, "<%s>\n", name);
    w->depth++;
}

static void close_el(struct writer *w, const char *name)
{
    w->depth--;
    indent(w);
    buf_printf(w->b, "</%s>\n", name);
}

static void leaf(struct writer *w, const char *field, const char *name, const char *v)
{
    if (!v || w->rc)
        return;
    if (!writable(v)) {
        char f[64];
        path(f, "%s.%s", field, name);
        w->rc = bh_fail(w->err, BH_EINVALID, f,
                        "<%s> holds a control character or bytes that are not UTF-8", name);
        return;
    }
    indent(w);
    buf_printf(w->b, "<%s>", name);
    put_escaped(w->b, v);
    buf_printf(w->b, "</%s>\n", name);
}

static void pairs(struct writer *w, const char *field, const char *name, const struct cap_pair *p,
                  size_t n)
{
    for (size_t i = 0; i < n; i++) {
        open_el(w, name);
        leaf(w, field, "valueName", p[i].name);
        leaf(w, field, "value", p[i].value);
        close_el(w, name);
    }
}

static void write_info(struct writer *w, const char *base, const struct cap_info *in)
{
    open_el(w, "info");
    leaf(w, base, "language", in->language);
    for (size_t k = 0; k < in->ncategories; k++)
        leaf(w, base, "category", in->categories[k]);
    leaf(w, base, "event", in->event);
    for (size_t k = 0; k < in->nresponse_types; k++)
        leaf(w, base, "responseType", in->response_types[k]);
    leaf(w, base, "urgency", in->urgency);
    leaf(w, base, "severity", in->severity);
    leaf(w, base, "certainty", in->certainty);
    leaf(w, base, "audience", in->audience);
    pairs(w, base, "eventCode", in->event_codes, in->nevent_codes);
    leaf(w, base, "effective", in->effective);
    leaf(w, base, "onset", in->onset);
    leaf(w, base, "expires", in->expires);
    leaf(w, base, "senderName", in->sender_name);
    leaf(w, base, "headline", in->headline);
    leaf(w, base, "description", in->description);
    leaf(w, base, "instruction", in->instruction);
    leaf(w, base, "web", in->web);
    leaf(w, base, "contact", in->contact);
    pairs(w, base, "parameter", in->parameters, in->nparameters);
    for (size_t k = 0; k < in->nresources; k++) {
        const struct cap_resource *r = &in->resources[k];
        char f[64];
        path(f, "%s.resource[%zu]", base, k);
        open_el(w, "resource");
        leaf(w, f, "resourceDesc", r->resource_desc);
        leaf(w, f, "mimeType", r->mime_type);
        leaf(w, f, "size", r->size);
        leaf(w, f, "uri", r->uri);
        leaf(w, f, "derefUri", r->deref_uri);
        leaf(w, f, "digest", r->digest);
        close_el(w, "resource");
    }
    for (size_t k = 0; k < in->nareas; k++) {
        const struct cap_area *ar = &in->areas[k];
        char f[64];
        path(f, "%s.area[%zu]", base, k);
        open_el(w, "area");
        leaf(w, f, "areaDesc", ar->area_desc);
        for (size_t i = 0; i < ar->npolygons; i++)
            leaf(w, f, "polygon", ar->polygons[i]);
        for (size_t i = 0; i < ar->ncircles; i++)
            leaf(w, f, "circle", ar->circles[i]);
        pairs(w, f, "geocode", ar->geocodes, ar->ngeocodes);
        leaf(w, f, "altitude", ar->altitude);
        leaf(w, f, "ceiling", ar->ceiling);
        close_el(w, "area");
    }
    close_el(w, "info");
}

int cap_write(const struct cap_alert *alert, struct buf *out, struct bh_error *err)
{
    /* Checked first, in full, so a refused alert leaves `out` as it was. */
    int rc = check_alert(alert, 12, err);
    if (rc)
        return rc;
    struct buf b = BUF_INIT;
    struct writer w = { &b, err, 0, 0 };
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"" CAP_NS_12 "\">\n");
    w.depth = 1;
    const char *f = "alert";
    leaf(&w, f, "identifier", alert->identifier);
    leaf(&w, f, "sender", alert->sender);
    leaf(&w, f, "sent", alert->sent);
    leaf(&w, f, "status", alert->status);
    leaf(&w, f, "msgType", alert->msg_type);
    leaf(&w, f, "source", alert->source);
    leaf(&w, f, "scope", alert->scope);
    leaf(&w, f, "restriction", alert->restriction);
    leaf(&w, f, "addresses", alert->addresses);
    for (size_t k = 0; k < alert->ncodes; k++)
        leaf(&w, f, "code", alert->codes[k]);
    leaf(&w, f, "note", alert->note);
    leaf(&w, f, "references", alert->references);
    leaf(&w, f, "incidents", alert->incidents);
    for (size_t i = 0; i < alert->ninfos; i++) {
        char base[32];
        path(base, "info[%zu]", i);
        write_info(&w, base, &alert->infos[i]);
    }
    buf_puts(&b, "</alert>\n");
    if (w.rc) {
        buf_cleanup(&b);
        return w.rc;
    }
    buf_append(out, b.data, b.len);
    buf_cleanup(&b);
    return 0;
}
