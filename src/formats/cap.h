#ifndef BH_FORMATS_CAP_H
#define BH_FORMATS_CAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

/* OASIS Common Alerting Protocol, versions 1.2 (written and read) and 1.1 (read): one alert
 * message as a plain tree of texts, in the standard's element order and with its element
 * names. The reader (cap_parse) fills it from XML; the writer (cap_write) writes it as CAP
 * 1.2 XML that validates against the OASIS schema. The alert module maps it to and from its
 * store; nothing here knows the store.
 *
 * Every string is UTF-8, NUL-terminated, owned by the arena handed to cap_parse (or by the
 * caller when it builds one to write); NULL means the element is absent. Times are CAP
 * dateTime texts, "2026-12-07T10:00:00+01:00": the reader keeps them as written once checked,
 * the writer refuses a time ending in "Z" (CAP forbids it) naming the element. */

struct cap_pair { /* <eventCode>, <parameter>, <geocode>: valueName and value */
    const char *name;
    const char *value;
};

struct cap_resource {
    const char *resource_desc; /* required */
    const char *mime_type;     /* required */
    const char *size;          /* decimal text, optional */
    const char *uri;
    const char *deref_uri;
    const char *digest; /* SHA-1 hex, optional */
};

struct cap_area {
    const char *area_desc; /* required */
    /* Each polygon: "lat,lon lat,lon ..." as in CAP, at least four pairs, first == last. */
    const char **polygons;
    size_t npolygons;
    /* Each circle: "lat,lon radius_km". */
    const char **circles;
    size_t ncircles;
    struct cap_pair *geocodes;
    size_t ngeocodes;
    const char *altitude; /* decimal text, optional */
    const char *ceiling;  /* decimal text, optional, only with altitude */
};

struct cap_info {
    const char *language;    /* RFC 3066 tag, optional ("en-US" by default in CAP) */
    const char **categories; /* one or more of Geo Met Safety Security Rescue Fire Health Env
                                Transport Infra CBRNE Other */
    size_t ncategories;
    const char *event;           /* required */
    const char **response_types; /* Shelter Evacuate Prepare Execute Avoid Monitor Assess
                                    AllClear None */
    size_t nresponse_types;
    const char *urgency;   /* Immediate Expected Future Past Unknown */
    const char *severity;  /* Extreme Severe Moderate Minor Unknown */
    const char *certainty; /* Observed Likely Possible Unlikely Unknown (1.1: also Very Likely) */
    const char *audience;
    struct cap_pair *event_codes;
    size_t nevent_codes;
    const char *effective;
    const char *onset;
    const char *expires;
    const char *sender_name;
    const char *headline;
    const char *description;
    const char *instruction;
    const char *web;
    const char *contact;
    struct cap_pair *parameters;
    size_t nparameters;
    struct cap_resource *resources;
    size_t nresources;
    struct cap_area *areas;
    size_t nareas;
};

struct cap_alert {
    int version;            /* 12 or 11, from the namespace read; the writer writes 1.2 */
    const char *identifier; /* required */
    const char *sender;     /* required */
    const char *sent;       /* required */
    const char *status;     /* Actual Exercise System Test Draft */
    const char *msg_type;   /* Alert Update Cancel Ack Error */
    const char *source;
    const char *scope;       /* Public Restricted Private */
    const char *restriction; /* required when scope is Restricted */
    const char *addresses;   /* required when scope is Private */
    const char **codes;
    size_t ncodes;
    const char *note;
    const char *references; /* "sender,identifier,sent" entries separated by spaces */
    const char *incidents;
    struct cap_info *infos;
    size_t ninfos;
    /* Set by the reader: the message carried an enveloped XML signature
     * (<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">), and whether it verified
     * against the configured certificates (cap_verify_signature). */
    bool has_signature;
};

/* Largest document cap_parse reads; a larger one is refused before parsing (BH_ETOOLARGE,
 * field "alert", so an upload gets 413). */
#define CAP_MAX_BYTES (1024 * 1024)

/* Reads one CAP 1.2 or 1.1 <alert> from `xml` (`len` bytes; UTF-8, or another encoding its
 * XML declaration names, ISO-8859-1 among them) into *out, strings in `a`. Strict: no DTD,
 * no entity declarations or external entities, no network or file access, no processing
 * instruction other than the XML declaration; the namespace must be CAP 1.2's or 1.1's;
 * required elements present, code-list values from the standard, polygons closed with at
 * least four points and not self-intersecting, circles with a radius >= 0, coordinates in
 * range, references well-formed. On failure BH_EINVALID with the field named as the element's
 * path ("info[1].area[0].polygon", "alert.msgType") and *out unspecified. */
int cap_parse(const char *xml, size_t len, struct arena *a, struct cap_alert *out,
              struct bh_error *err);

/* Appends `alert` to `out` as CAP 1.2 XML (UTF-8, namespace
 * urn:oasis:names:tc:emergency:cap:1.2, the schema's element order). BH_EINVALID naming the
 * element when a required element is missing or a value is not in its code list or a time
 * is not a CAP dateTime with an offset. */
int cap_write(const struct cap_alert *alert, struct buf *out, struct bh_error *err);

/* Checks the enveloped XML-DSig signature of `xml` with xmlsec1 against the PEM certificates
 * in directory `trusted_dir` (trusted signers). *verified is true when a signature is present
 * and verifies; false when absent or invalid. Errors (BH_EINVALID naming "Signature") only for
 * a signature that cannot be processed at all. */
int cap_verify_signature(const char *xml, size_t len, const char *trusted_dir, bool *verified,
                         struct bh_error *err);

/* Starts libxml2 and xmlsec1 (OpenSSL engine) once for the process, thread-safe;
 * cap_verify_signature calls it, and so does code that signs with the xmlsec API itself (the
 * tests) before its first call. BH_EINTERNAL naming "Signature" when xmlsec1 cannot start. */
int cap_xmlsec_init(struct bh_error *err);

#endif
