/* Unit tests for the CAP reader, writer and signature check (formats/cap.h): the fixtures in
 * tests/data/cap (several languages, ISO-8859-1, CAP 1.1), the round trip, the writer's output
 * against the OASIS CAP 1.2 schema (from the shared data), every bad input the issue lists,
 * and an XML signature made here at run time with openssl and the xmlsec API. */
#include "support.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "formats/cap.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXTURE(name) BH_TEST_DATA "/cap/" name
#define SCHEMA        BH_SHARED_DATA "/cap/CAP-v1.2.xsd"

static const char *const FIXTURES[] = { "weather-multilang.xml", "latin1-fr.xml",
                                        "cap11-very-likely.xml" };

static char *fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/cap/%s", BH_TEST_DATA, name);
    char *s = test_read_file(path, len);
    if (!s)
        fail_msg("cannot read the fixture %s", path);
    return s;
}

static void parse_ok(const char *xml, size_t len, struct arena *a, struct cap_alert *al,
                     const char *what)
{
    struct bh_error err;
    must(cap_parse(xml, len, a, al, &err), &err, what);
}

/* ---- reading ---- */

/* cap/read-multilang: three info blocks in English, French and Arabic, read in order with
 * every element where the standard puts it; UTF-8 text comes out as written. */
static void read_multilang(void **state)
{
    (void)state;
    size_t len;
    char *xml = fixture("weather-multilang.xml", &len);
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(xml, len, a, &al, "parse");
    assert_int_equal(al.version, 12);
    assert_string_equal(al.identifier, "2.49.0.1.250.0.2026.12.07.0931.FL-0042");
    assert_string_equal(al.sent, "2026-12-07T09:31:00+01:00");
    assert_string_equal(al.msg_type, "Alert");
    assert_int_equal(al.ncodes, 2);
    assert_string_equal(al.codes[1], "MeteoAlarm");
    assert_null(al.references);
    assert_false(al.has_signature);
    assert_int_equal(al.ninfos, 3);

    const struct cap_info *en = &al.infos[0], *fr = &al.infos[1], *ar = &al.infos[2];
    assert_string_equal(en->language, "en-GB");
    assert_int_equal(en->ncategories, 2);
    assert_string_equal(en->categories[1], "Safety");
    assert_int_equal(en->nresponse_types, 2);
    assert_string_equal(en->response_types[1], "Avoid");
    assert_string_equal(en->event_codes[0].name, "SAME");
    assert_string_equal(en->event_codes[0].value, "FFW");
    assert_string_equal(en->description, "Heavy rain, 80 to 120 mm in 12 hours, may cause rivers "
                                         "to burst their banks & flood low roads.");
    assert_int_equal(en->nparameters, 2);
    assert_string_equal(en->parameters[1].value, "12; flooding");
    assert_int_equal(en->nresources, 1);
    assert_string_equal(en->resources[0].size, "48213");
    assert_null(en->resources[0].deref_uri);
    assert_int_equal(en->nareas, 1);
    assert_int_equal(en->areas[0].npolygons, 1);
    assert_prefix(en->areas[0].polygons[0], "45.76,4.83 45.70,5.05");
    assert_string_equal(en->areas[0].circles[0], "45.75,4.85 12.5");
    assert_int_equal(en->areas[0].ngeocodes, 2);
    assert_string_equal(en->areas[0].geocodes[1].value, "FR069");
    assert_string_equal(en->areas[0].ceiling, "1500.5");

    assert_string_equal(fr->language, "fr-FR");
    assert_string_equal(fr->event, "Crue \xC3\xA9"
                                   "clair");
    assert_string_equal(fr->instruction,
                        "\xC3\x89loignez-vous des berges et des routes inond\xC3\xA9"
                        "es.");
    assert_string_equal(ar->language, "ar");
    assert_string_equal(ar->event, "سيول مفاجئة");
    assert_int_equal(ar->areas[0].npolygons, 0);
    assert_int_equal(ar->areas[0].ncircles, 1);
    arena_free(a);
    free(xml);
}

/* cap/read-latin1: a message declared ISO-8859-1 with accents and guillemets comes out as
 * UTF-8. */
static void read_latin1(void **state)
{
    (void)state;
    size_t len;
    char *xml = fixture("latin1-fr.xml", &len);
    /* The fixture really is Latin-1: "é" is the one byte E9 there. */
    assert_non_null(strstr(xml, "Route coup\xE9"
                                "e"));
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(xml, len, a, &al, "parse");
    assert_string_equal(al.scope, "Restricted");
    assert_string_equal(al.restriction, "Personnel de la mission et contingents");
    assert_string_equal(al.note, "Exercice annuel de s\xC3\xA9"
                                 "curit\xC3\xA9");
    assert_string_equal(al.infos[0].event, "Route coup\xC3\xA9"
                                           "e");
    assert_string_equal(al.infos[0].headline, "Pont de K\xC3\xA9r\xC3\xA9n\xC3\xA9 ferm\xC3\xA9 "
                                              "\xC3\xA0 toute circulation");
    assert_contains(al.infos[0].description, "\xC2\xAB Bravo \xC2\xBB");
    arena_free(a);
    free(xml);
}

/* cap/read-cap11: a CAP 1.1 message with a namespace prefix, CDATA, "Very Likely" (read as
 * Likely, which 1.2 says covers it), a resource without mimeType and two references. */
static void read_cap11(void **state)
{
    (void)state;
    size_t len;
    char *xml = fixture("cap11-very-likely.xml", &len);
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(xml, len, a, &al, "parse");
    assert_int_equal(al.version, 11);
    assert_string_equal(al.msg_type, "Update");
    assert_string_equal(al.references,
                        "KSTO@NWS.NOAA.GOV,KSTO1055887200,2026-12-06T21:00:00-07:00 "
                        "KSTO@NWS.NOAA.GOV,KSTO1055887201,2026-12-06T21:30:00-07:00");
    assert_null(al.infos[0].language);
    assert_string_equal(al.infos[0].certainty, "Likely");
    assert_string_equal(al.infos[0].expires, "2026-12-06T23:00:00-00:00");
    assert_prefix(al.infos[0].description, "AT 10:15 PM PDT");
    assert_string_equal(al.infos[0].resources[0].mime_type, "application/octet-stream");
    assert_string_equal(al.infos[0].areas[0].geocodes[0].value, "006109");
    arena_free(a);
    free(xml);
}

/* ---- round trip and schema ---- */

#define SAME_STR(x, y, what)                                                      \
    do {                                                                          \
        const char *x_ = (x), *y_ = (y);                                          \
        if ((x_ == NULL) != (y_ == NULL) || (x_ && strcmp(x_, y_) != 0))          \
            fail_msg("%s differs after the round trip: \"%s\" then \"%s\"", what, \
                     x_ ? x_ : "(null)", y_ ? y_ : "(null)");                     \
    } while (0)

static void same_list(const char **x, size_t nx, const char **y, size_t ny, const char *what)
{
    assert_int_equal(nx, ny);
    for (size_t i = 0; i < nx; i++)
        SAME_STR(x[i], y[i], what);
}

static void same_pairs(const struct cap_pair *x, size_t nx, const struct cap_pair *y, size_t ny,
                       const char *what)
{
    assert_int_equal(nx, ny);
    for (size_t i = 0; i < nx; i++) {
        SAME_STR(x[i].name, y[i].name, what);
        SAME_STR(x[i].value, y[i].value, what);
    }
}

static void same_alert(const struct cap_alert *x, const struct cap_alert *y)
{
    SAME_STR(x->identifier, y->identifier, "identifier");
    SAME_STR(x->sender, y->sender, "sender");
    SAME_STR(x->sent, y->sent, "sent");
    SAME_STR(x->status, y->status, "status");
    SAME_STR(x->msg_type, y->msg_type, "msgType");
    SAME_STR(x->source, y->source, "source");
    SAME_STR(x->scope, y->scope, "scope");
    SAME_STR(x->restriction, y->restriction, "restriction");
    SAME_STR(x->addresses, y->addresses, "addresses");
    same_list(x->codes, x->ncodes, y->codes, y->ncodes, "code");
    SAME_STR(x->note, y->note, "note");
    SAME_STR(x->references, y->references, "references");
    SAME_STR(x->incidents, y->incidents, "incidents");
    assert_int_equal(x->ninfos, y->ninfos);
    for (size_t i = 0; i < x->ninfos; i++) {
        const struct cap_info *a = &x->infos[i], *b = &y->infos[i];
        SAME_STR(a->language, b->language, "language");
        same_list(a->categories, a->ncategories, b->categories, b->ncategories, "category");
        SAME_STR(a->event, b->event, "event");
        same_list(a->response_types, a->nresponse_types, b->response_types, b->nresponse_types,
                  "responseType");
        SAME_STR(a->urgency, b->urgency, "urgency");
        SAME_STR(a->severity, b->severity, "severity");
        SAME_STR(a->certainty, b->certainty, "certainty");
        SAME_STR(a->audience, b->audience, "audience");
        same_pairs(a->event_codes, a->nevent_codes, b->event_codes, b->nevent_codes, "eventCode");
        SAME_STR(a->effective, b->effective, "effective");
        SAME_STR(a->onset, b->onset, "onset");
        SAME_STR(a->expires, b->expires, "expires");
        SAME_STR(a->sender_name, b->sender_name, "senderName");
        SAME_STR(a->headline, b->headline, "headline");
        SAME_STR(a->description, b->description, "description");
        SAME_STR(a->instruction, b->instruction, "instruction");
        SAME_STR(a->web, b->web, "web");
        SAME_STR(a->contact, b->contact, "contact");
        same_pairs(a->parameters, a->nparameters, b->parameters, b->nparameters, "parameter");
        assert_int_equal(a->nresources, b->nresources);
        for (size_t k = 0; k < a->nresources; k++) {
            const struct cap_resource *p = &a->resources[k], *q = &b->resources[k];
            SAME_STR(p->resource_desc, q->resource_desc, "resourceDesc");
            SAME_STR(p->mime_type, q->mime_type, "mimeType");
            SAME_STR(p->size, q->size, "size");
            SAME_STR(p->uri, q->uri, "uri");
            SAME_STR(p->deref_uri, q->deref_uri, "derefUri");
            SAME_STR(p->digest, q->digest, "digest");
        }
        assert_int_equal(a->nareas, b->nareas);
        for (size_t k = 0; k < a->nareas; k++) {
            const struct cap_area *p = &a->areas[k], *q = &b->areas[k];
            SAME_STR(p->area_desc, q->area_desc, "areaDesc");
            same_list(p->polygons, p->npolygons, q->polygons, q->npolygons, "polygon");
            same_list(p->circles, p->ncircles, q->circles, q->ncircles, "circle");
            same_pairs(p->geocodes, p->ngeocodes, q->geocodes, q->ngeocodes, "geocode");
            SAME_STR(p->altitude, q->altitude, "altitude");
            SAME_STR(p->ceiling, q->ceiling, "ceiling");
        }
    }
}

/* The OASIS schema, read from the shared data into memory (the CAP reader's entity loader
 * is not involved); NULL when the shared data is absent. */
static xmlSchemaPtr schema_load(void)
{
    size_t len;
    char *xsd = test_read_file(SCHEMA, &len);
    if (!xsd)
        return NULL;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)len);
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    free(xsd);
    if (!s)
        fail_msg("the schema %s does not parse", SCHEMA);
    return s;
}

static void assert_schema_valid(xmlSchemaPtr schema, const char *xml, const char *what)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "cap.xml", NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("%s: the written XML does not parse:\n%s", what, xml);
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(doc);
    if (rc != 0)
        fail_msg("%s: the written CAP does not validate against CAP-v1.2.xsd (%d):\n%s", what, rc,
                 xml);
}

/* cap/round-trip: every fixture parsed, written and parsed again gives the same alert, and
 * what the writer wrote is CAP 1.2. */
static void round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) {
        size_t len;
        char *xml = fixture(FIXTURES[i], &len);
        struct arena *a = arena_new(4096);
        struct cap_alert first, second;
        struct bh_error err;
        parse_ok(xml, len, a, &first, FIXTURES[i]);
        struct buf out = BUF_INIT;
        must(cap_write(&first, &out, &err), &err, "write");
        assert_prefix(out.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">");
        parse_ok(out.data, out.len, a, &second, "parse what was written");
        assert_int_equal(second.version, 12);
        same_alert(&first, &second);
        /* And a second write is byte for byte the first. */
        struct buf again = BUF_INIT;
        must(cap_write(&second, &again, &err), &err, "write again");
        assert_string_equal(again.data, out.data);
        buf_cleanup(&again);
        buf_cleanup(&out);
        arena_free(a);
        free(xml);
    }
}

/* A small alert built the way the alert module builds one to export. */
static void built_alert(struct cap_alert *al, struct cap_info *info, struct cap_area *area)
{
    static const char *cats[] = { "Security" };
    static const char *polys[] = { "9.0,29.0 9.0,30.0 10.0,30.0 10.0,29.0 9.0,29.0" };
    static const char *circles[] = { "9.5,29.5 0" };
    memset(al, 0, sizeof *al);
    memset(info, 0, sizeof *info);
    memset(area, 0, sizeof *area);
    area->area_desc = "Abyei <north> & south";
    area->polygons = polys;
    area->npolygons = 1;
    area->circles = circles;
    area->ncircles = 1;
    info->categories = cats;
    info->ncategories = 1;
    info->event = "Armed clash";
    info->urgency = "Immediate";
    info->severity = "Severe";
    info->certainty = "Observed";
    info->description = "Line one\r\nline two \"quoted\"";
    info->areas = area;
    info->nareas = 1;
    al->identifier = "bluehelm-alert-42";
    al->sender = "ops@bluehelm.example";
    al->sent = "2026-12-07T10:00:00+00:00";
    al->status = "Actual";
    al->msg_type = "Alert";
    al->scope = "Private";
    al->addresses = "\"Sector North\" ops@unisfa.example";
    al->infos = info;
    al->ninfos = 1;
}

/* cap/write-schema: what cap_write makes of every fixture and of a built alert validates
 * against the OASIS CAP 1.2 schema. */
static void write_schema(void **state)
{
    (void)state;
    xmlSchemaPtr schema = schema_load();
    if (!schema) {
        printf("cap/write-schema: skipped: %s is absent (the shared data)\n", SCHEMA);
        skip();
    }
    struct bh_error err;
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) {
        size_t len;
        char *xml = fixture(FIXTURES[i], &len);
        struct arena *a = arena_new(4096);
        struct cap_alert al;
        parse_ok(xml, len, a, &al, FIXTURES[i]);
        struct buf out = BUF_INIT;
        must(cap_write(&al, &out, &err), &err, "write");
        assert_schema_valid(schema, out.data, FIXTURES[i]);
        buf_cleanup(&out);
        arena_free(a);
        free(xml);
    }
    struct cap_alert al;
    struct cap_info info;
    struct cap_area area;
    built_alert(&al, &info, &area);
    struct buf out = BUF_INIT;
    must(cap_write(&al, &out, &err), &err, "write built");
    assert_contains(out.data, "<areaDesc>Abyei &lt;north&gt; &amp; south</areaDesc>");
    assert_contains(out.data, "Line one&#13;\nline two \"quoted\"");
    assert_schema_valid(schema, out.data, "built alert");
    struct arena *a = arena_new(4096);
    struct cap_alert back;
    parse_ok(out.data, out.len, a, &back, "parse built");
    same_alert(&al, &back);
    arena_free(a);
    buf_cleanup(&out);
    xmlSchemaFree(schema);
}

/* cap/write-refuses: the writer names the element of a Z time, a missing required element, a
 * value off its code list, a text XML cannot carry; `out` is left as it was. */
static void write_refuses(void **state)
{
    (void)state;
    struct cap_alert al;
    struct cap_info info;
    struct cap_area area;
    struct bh_error err;
    struct buf out = BUF_INIT;
    buf_puts(&out, "kept");

    built_alert(&al, &info, &area);
    al.sent = "2026-12-07T10:00:00Z";
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "alert.sent");
    assert_contains(err.message, "ends in Z");

    built_alert(&al, &info, &area);
    info.expires = "2026-12-07T10:00:00.5+00:00";
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "info[0].expires");

    built_alert(&al, &info, &area);
    al.identifier = NULL;
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "alert.identifier");
    assert_contains(err.message, "<identifier> is required");

    built_alert(&al, &info, &area);
    info.event = NULL;
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "info[0].event");

    built_alert(&al, &info, &area);
    info.severity = "Catastrophic";
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "info[0].severity");
    assert_contains(err.message, "\"Catastrophic\" is not one of Extreme, Severe");

    built_alert(&al, &info, &area);
    al.addresses = NULL; /* scope Private */
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "alert.addresses");

    built_alert(&al, &info, &area);
    info.headline = "bell\a";
    assert_int_equal(cap_write(&al, &out, &err), BH_EINVALID);
    assert_string_equal(err.field, "info[0].headline");

    assert_string_equal(out.data, "kept");
    buf_cleanup(&out);
}

/* ---- bad input ---- */

/* A valid message the bad cases below change one piece of. */
static const char BASE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
    "  <identifier>ID-1</identifier>\n"
    "  <sender>ops@example.org</sender>\n"
    "  <sent>2026-12-07T10:00:00+02:00</sent>\n"
    "  <status>Actual</status>\n"
    "  <msgType>Update</msgType>\n"
    "  <scope>Public</scope>\n"
    "  <references>ops@example.org,ID-0,2026-12-07T09:00:00+02:00</references>\n"
    "  <info>\n"
    "    <category>Security</category>\n"
    "    <event>Road closed</event>\n"
    "    <responseType>Avoid</responseType>\n"
    "    <urgency>Immediate</urgency>\n"
    "    <severity>Moderate</severity>\n"
    "    <certainty>Observed</certainty>\n"
    "    <area>\n"
    "      <areaDesc>Bridge</areaDesc>\n"
    "      <polygon>1,1 1,2 2,2 2,1 1,1</polygon>\n"
    "      <circle>1.5,1.5 2</circle>\n"
    "    </area>\n"
    "  </info>\n"
    "</alert>\n";

/* BASE with its one `old` replaced by `new`, in a static buffer. */
static const char *with(const char *old, const char *new)
{
    static char out[8192];
    const char *at = strstr(BASE, old);
    if (!at)
        fail_msg("the base message has no \"%s\"", old);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - BASE), BASE, new, at + strlen(old));
    return out;
}

static void bad(const char *xml, int code, const char *field, const char *words, int line)
{
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    struct bh_error err;
    int rc = cap_parse(xml, strlen(xml), a, &al, &err);
    if (rc != code)
        fail_msg("line %d: expected %s, got %s (%s: %s)", line, bh_errname(code), bh_errname(rc),
                 rc ? err.field : "", rc ? err.message : "");
    if (strcmp(err.field, field) != 0)
        fail_msg("line %d: expected the field %s, got %s (%s)", line, field, err.field,
                 err.message);
    if (!strstr(err.message, words))
        fail_msg("line %d: expected \"%s\" in: %s", line, words, err.message);
    arena_free(a);
}

#define BAD(xml, field, words) bad((xml), BH_EINVALID, (field), (words), __LINE__)

/* cap/bad-input: each invalid case of the list is refused naming its element. */
static void bad_input(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(BASE, strlen(BASE), a, &al, "the base message");
    arena_free(a);

    /* Wrong namespace: CAP 1.0's, and none. */
    BAD(with("cap:1.2", "cap:1.0"), "alert", "urn:oasis:names:tc:emergency:cap:1.0");
    BAD(with(" xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"", ""), "alert",
        "a CAP message is <alert> in urn:oasis:names:tc:emergency:cap:1.2");
    /* Missing required elements. */
    BAD(with("  <identifier>ID-1</identifier>\n", ""), "alert.identifier",
        "<identifier> is required");
    BAD(with("<event>Road closed</event>", ""), "info[0].event", "<event> is required");
    BAD(with("<category>Security</category>", ""), "info[0].category", "<category> is required");
    BAD(with("<areaDesc>Bridge</areaDesc>", ""), "info[0].area[0].areaDesc",
        "<areaDesc> is required");
    /* Empty and malformed references. */
    BAD(with("ops@example.org,ID-0,2026-12-07T09:00:00+02:00", ""), "alert.references",
        "<references> is empty");
    BAD(with("ops@example.org,ID-0,2026-12-07T09:00:00+02:00", "ID-0"), "alert.references",
        "\"ID-0\" is not sender,identifier,sent");
    /* Code lists. */
    BAD(with("<urgency>Immediate</urgency>", "<urgency>Soon</urgency>"), "info[0].urgency",
        "<urgency> \"Soon\" is not one of Immediate, Expected, Future, Past, Unknown");
    BAD(with("<status>Actual</status>", "<status>Real</status>"), "alert.status", "\"Real\"");
    BAD(with("<certainty>Observed</certainty>", "<certainty>Very Likely</certainty>"),
        "info[0].certainty", "\"Very Likely\"");
    /* Times: Z, fractions, no offset. */
    BAD(with("2026-12-07T10:00:00+02:00", "2026-12-07T10:00:00Z"), "alert.sent", "ends in Z");
    BAD(with("2026-12-07T10:00:00+02:00", "2026-12-07T10:00:00"), "alert.sent",
        "is not a CAP date and time");
    BAD(with("2026-12-07T10:00:00+02:00", "2026-02-29T10:00:00+02:00"), "alert.sent",
        "\"2026-02-29T10:00:00+02:00\" is not a CAP date and time");
    /* Order, unknown elements, duplicates, stray text. */
    BAD(with("  <status>Actual</status>\n  <msgType>Update</msgType>\n",
             "  <msgType>Update</msgType>\n  <status>Actual</status>\n"),
        "alert.status", "<status> is out of order: CAP puts it before <msgType>");
    BAD(with("<event>Road closed</event>", "<event>Road closed</event><colour>red</colour>"),
        "info[0].colour", "<colour> is not a CAP element of <info>");
    BAD(with("<scope>Public</scope>", "<scope>Public</scope><scope>Public</scope>"), "alert.scope",
        "<scope> appears twice");
    BAD(with("<event>Road closed</event>", "<event>Road <b>closed</b></event>"), "info[0].event",
        "must hold text only");
    BAD(with("<scope>Public</scope>", "<scope>Restricted</scope>"), "alert.restriction",
        "<restriction> is required when <scope> is Restricted");

    /* A DTD with an external entity, and billion laughs: refused at <!DOCTYPE, nothing
     * declared, nothing read. */
    BAD(with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
             "<?xml version=\"1.0\"?>\n<!DOCTYPE alert SYSTEM \"file:///etc/passwd\">\n"),
        "alert", "line 2: a DOCTYPE declaration is not allowed");
    BAD(with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
             "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM "
             "\"file:///etc/passwd\">]>\n"),
        "alert", "DOCTYPE");
    BAD(with("<event>Road closed</event>", "<event>&xxe;</event>"), "alert",
        "the XML is not well-formed");
    {
        /* Ten levels of ten: 10^9 "lol"s if anything ever expanded them. */
        char doc[8192];
        size_t n = (size_t)snprintf(doc, sizeof doc,
                                    "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [\n"
                                    "<!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i < 10; i++) {
            n += (size_t)snprintf(doc + n, sizeof doc - n, "<!ENTITY lol%d \"", i);
            for (int k = 0; k < 10; k++)
                n += (size_t)snprintf(doc + n, sizeof doc - n, "&lol%d;", i - 1);
            n += (size_t)snprintf(doc + n, sizeof doc - n, "\">\n");
        }
        n += (size_t)snprintf(doc + n, sizeof doc - n, "]>\n");
        const char *body = with("<event>Road closed</event>", "<event>&lol9;</event>");
        snprintf(doc + n, sizeof doc - n, "%s", strchr(body, '\n') + 1);
        BAD(doc, "alert", "line 2: a DOCTYPE declaration is not allowed");
    }
    /* A stylesheet processing instruction pointing elsewhere. */
    BAD(with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
             "<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" "
             "href=\"http://evil.example/x.xsl\"?>\n"),
        "alert", "<?xml-stylesheet?> is not allowed");
    /* Nesting deeper than any CAP message. */
    {
        char deep[4096] = "";
        for (int i = 0; i < 40; i++)
            strcat(deep, "<x:e xmlns:x=\"urn:x\">");
        for (int i = 0; i < 40; i++)
            strcat(deep, "</x:e>");
        char inner[8192];
        snprintf(inner, sizeof inner, "<incidents>x</incidents>%s", deep);
        BAD(with("<references>ops@example.org,ID-0,2026-12-07T09:00:00+02:00</references>", inner),
            "alert", "nest deeper than 32 levels");
    }
    /* A huge document: refused before parsing. */
    {
        size_t n = CAP_MAX_BYTES + 1;
        char *huge = malloc(n + 1);
        memset(huge, ' ', n);
        memcpy(huge, BASE, strlen(BASE));
        huge[n] = '\0';
        bad(huge, BH_ETOOLARGE, "alert", "more than the 1048576 allowed", __LINE__);
        free(huge);
    }
    /* Not XML at all. */
    BAD("not < xml", "alert", "not well-formed");

    /* Areas. */
    const char *poly = "<polygon>1,1 1,2 2,2 2,1 1,1</polygon>";
    BAD(with(poly, "<polygon>1,1 1,2 2,2 2,1 1,1.5</polygon>"), "info[0].area[0].polygon",
        "<polygon> 1 is not closed");
    BAD(with(poly, "<polygon>1,1 1,2 1,2 1,1</polygon>"), "info[0].area[0].polygon",
        "fewer than three distinct points");
    BAD(with(poly, "<polygon>1,1 2,2 1,1</polygon>"), "info[0].area[0].polygon",
        "CAP needs at least four");
    BAD(with(poly, "<polygon>1,1 2,2 1,2 2,1 1,1</polygon>"), "info[0].area[0].polygon",
        "<polygon> 1 intersects itself: its edges 1 and 3 meet");
    BAD(with(poly, "<polygon>0,0 0,4 0,2 4,2 0,0</polygon>"), "info[0].area[0].polygon",
        "intersects itself");
    BAD(with(poly, "<polygon>1,1 1,2 95,2 2,1 1,1</polygon>"), "info[0].area[0].polygon",
        "point 3 (95,2) is off the globe");
    BAD(with(poly, "<polygon>1,1 1,2 2,2 2,1 1,1</polygon><polygon>1;1</polygon>"),
        "info[0].area[0].polygon", "<polygon> 2: \"1;1\" is not a latitude,longitude pair");
    BAD(with("<circle>1.5,1.5 2</circle>", "<circle>1.5,1.5 -2</circle>"), "info[0].area[0].circle",
        "the radius of \"1.5,1.5 -2\" is negative");
    BAD(with("<circle>1.5,1.5 2</circle>", "<circle>1.5,1.5</circle>"), "info[0].area[0].circle",
        "is not \"latitude,longitude radius\"");
    BAD(with("<circle>1.5,1.5 2</circle>", "<circle>1.5,200 2</circle>"), "info[0].area[0].circle",
        "off the globe");
    BAD(with("<circle>1.5,1.5 2</circle>", "<circle>1.5,1.5 2</circle><altitude>high</altitude>"),
        "info[0].area[0].altitude", "<altitude> \"high\" is not a decimal number");
}

/* cap/bad-input-11: version-specific code lists. */
static void bad_input_11(void **state)
{
    (void)state;
    char doc[8192];
    snprintf(doc, sizeof doc, "%s",
             with("<responseType>Avoid</responseType>", "<responseType>AllClear</responseType>"));
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(doc, strlen(doc), a, &al, "AllClear in 1.2");
    arena_free(a);
    char *ns = strstr(doc, "cap:1.2");
    ns[6] = '1';
    BAD(doc, "info[0].responseType", "<responseType> \"AllClear\" is not one of Shelter");
    /* "Very Likely" is 1.1 only: read there as Likely. */
    snprintf(doc, sizeof doc, "%s",
             with("<certainty>Observed</certainty>", "<certainty>Very Likely</certainty>"));
    ns = strstr(doc, "cap:1.2");
    ns[6] = '1';
    char *avoid = strstr(doc, "<responseType>Avoid</responseType>"); /* 1.2 only, too */
    memmove(avoid, avoid + 34, strlen(avoid + 34) + 1);
    a = arena_new(4096);
    parse_ok(doc, strlen(doc), a, &al, "Very Likely in 1.1");
    assert_string_equal(al.infos[0].certainty, "Likely");
    arena_free(a);
}

/* ---- signatures ---- */

static int run(const char *cmd)
{
    int rc = system(cmd);
    return rc == 0 ? 0 : -1;
}

/* Signs `xml` enveloped (exclusive C14N, RSA-SHA256, the certificate in KeyInfo) with the
 * xmlsec API; a heap string. */
static char *sign(const char *xml, const char *key, const char *cert)
{
    struct bh_error err;
    must(cap_xmlsec_init(&err), &err, "xmlsec init");
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "cap.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNodePtr sig =
        xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, NULL);
    assert_non_null(sig);
    xmlAddChild(xmlDocGetRootElement(doc), sig);
    xmlNodePtr ref =
        xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "", NULL);
    assert_non_null(ref);
    assert_non_null(xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId));
    xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
    xmlNodePtr x509 = xmlSecTmplKeyInfoAddX509Data(ki);
    assert_non_null(xmlSecTmplX509DataAddCertificate(x509));
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    ctx->signKey = xmlSecCryptoAppKeyLoad(key, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
    assert_non_null(ctx->signKey);
    assert_int_equal(xmlSecCryptoAppKeyCertLoad(ctx->signKey, cert, xmlSecKeyDataFormatPem), 0);
    assert_int_equal(xmlSecDSigCtxSign(ctx, sig), 0);
    xmlSecDSigCtxDestroy(ctx);
    xmlChar *mem;
    int size;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    char *out = strdup((const char *)mem);
    xmlFree(mem);
    xmlFreeDoc(doc);
    return out;
}

static void make_cert(const char *dir, const char *name, const char *cn)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj '/CN=%s' "
             "-keyout '%s/%s.key' -out '%s/%s.pem' >/dev/null 2>&1",
             cn, dir, name, dir, name);
    if (run(cmd) != 0)
        fail_msg("openssl could not make a key and certificate: %s", cmd);
}

/* cap/signature: a message signed here verifies against its certificate; the same message
 * with one word changed does not; nor does it against another, untrusted certificate; an
 * unsigned message is unverified, not an error; the reader keeps has_signature. */
static void signature(void **state)
{
    (void)state;
    if (run("command -v openssl >/dev/null 2>&1") != 0) {
        printf("cap/signature: skipped: the openssl command is not installed\n");
        skip();
    }
    const char *tmp = test_tmpdir("cap-signature");
    char keys[512], trusted[512], other[512], cmd[4096];
    snprintf(keys, sizeof keys, "%s/keys", tmp);
    snprintf(trusted, sizeof trusted, "%s/trusted", tmp);
    snprintf(other, sizeof other, "%s/other", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s' '%s'", keys, trusted, other);
    assert_int_equal(run(cmd), 0);
    make_cert(keys, "met", "Test Met Service");
    make_cert(keys, "stranger", "Someone Else");
    snprintf(cmd, sizeof cmd, "cp '%s/met.pem' '%s/met.pem' && cp '%s/stranger.pem' '%s/x.crt'",
             keys, trusted, keys, other);
    assert_int_equal(run(cmd), 0);

    size_t len;
    char *xml = fixture("weather-multilang.xml", &len);
    char key[1024], cert[1024];
    snprintf(key, sizeof key, "%s/met.key", keys);
    snprintf(cert, sizeof cert, "%s/met.pem", keys);
    char *signed_xml = sign(xml, key, cert);
    assert_contains(signed_xml, "<X509Certificate>");

    struct bh_error err;
    bool ok = false;
    must(cap_verify_signature(signed_xml, strlen(signed_xml), trusted, &ok, &err), &err, "verify");
    assert_true(ok);

    /* The reader sees the signature, skips it, and reads the rest as before. */
    struct arena *a = arena_new(4096);
    struct cap_alert al;
    parse_ok(signed_xml, strlen(signed_xml), a, &al, "parse signed");
    assert_true(al.has_signature);
    assert_int_equal(al.ninfos, 3);
    arena_free(a);

    /* Tampered: one word of the body. */
    char *tampered = strdup(signed_xml);
    char *w = strstr(tampered, "Flash flood");
    assert_non_null(w);
    memcpy(w, "Flash flaad", 11);
    ok = true;
    must(cap_verify_signature(tampered, strlen(tampered), trusted, &ok, &err), &err,
         "verify tampered");
    assert_false(ok);

    /* Untrusted: only someone else's certificate is configured. */
    ok = true;
    must(cap_verify_signature(signed_xml, strlen(signed_xml), other, &ok, &err), &err,
         "verify untrusted");
    assert_false(ok);

    /* Unsigned. */
    ok = true;
    must(cap_verify_signature(xml, len, trusted, &ok, &err), &err, "verify unsigned");
    assert_false(ok);

    /* The check refuses a DTD as the reader does. */
    const char *dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"x\">]><a/>";
    assert_int_equal(cap_verify_signature(dtd, strlen(dtd), trusted, &ok, &err), BH_EINVALID);
    assert_contains(err.message, "DOCTYPE");

    free(tampered);
    free(signed_xml);
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cap/read-multilang", read_multilang), BH_TEST("cap/read-latin1", read_latin1),
        BH_TEST("cap/read-cap11", read_cap11),         BH_TEST("cap/round-trip", round_trip),
        BH_TEST("cap/write-schema", write_schema),     BH_TEST("cap/write-refuses", write_refuses),
        BH_TEST("cap/bad-input", bad_input),           BH_TEST("cap/bad-input-11", bad_input_11),
        BH_TEST("cap/signature", signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
