/* The XML-DSig check of CAP messages (cap_verify_signature in cap.h), with xmlsec1's OpenSSL
 * engine. The document goes through the same guarded reader as cap_parse (no DTD, no entity,
 * no network or file); the signature may only reference the document itself ("" or "#id"),
 * and only the transforms an enveloped signature needs are enabled, so a signature cannot
 * make the server fetch a URL or run an XSLT program. */
#include "formats/cap.h"

#include "base/log.h"
#include "formats/cap_xml.h"

#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t sec_once = PTHREAD_ONCE_INIT;
static int sec_status; /* 0 ready, else what failed */

static void sec_init_once(void)
{
    cap_xml_init();
    /* xmlsec prints every failure on stderr; ours are told through bh_error instead. */
    xmlSecErrorsDefaultCallbackEnableOutput(0);
    if (xmlSecInit() < 0)
        sec_status = 1;
    else if (xmlSecCheckVersion() != 1)
        sec_status = 2;
    else if (xmlSecCryptoAppInit(NULL) < 0)
        sec_status = 3;
    else if (xmlSecCryptoInit() < 0)
        sec_status = 4;
}

int cap_xmlsec_init(struct bh_error *err)
{
    pthread_once(&sec_once, sec_init_once);
    if (sec_status)
        return bh_fail(err, BH_EINTERNAL, "Signature", "xmlsec1 could not start (step %d)",
                       sec_status);
    return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every *.pem and *.crt of `dir` as a trusted certificate. One that does not load is skipped
 * with a warning: it trusts nobody, and the others still count. */
static int load_trusted(xmlSecKeysMngrPtr mngr, const char *dir, struct bh_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return bh_fail(err, BH_EIO, "trusted_dir",
                       "cannot read the directory of trusted certificates %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' ||
            (!has_suffix(e->d_name, ".pem") && !has_suffix(e->d_name, ".crt")))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (xmlSecCryptoAppKeysMngrCertLoad(mngr, path, xmlSecKeyDataFormatPem,
                                            xmlSecKeyDataTypeTrusted) < 0)
            log_warn("CAP signatures: the certificate %s cannot be read; it is not trusted", path);
    }
    closedir(d);
    return 0;
}

static int enable_transforms(xmlSecDSigCtxPtr ctx)
{
    /* What an enveloped signature over the whole document uses: canonicalization, the
     * enveloped transform, digests; and for the signature itself RSA or ECDSA with SHA-2 (and
     * SHA-1, which older alerting systems still send). */
    xmlSecTransformId refs[] = {
        xmlSecTransformEnvelopedId,
        xmlSecTransformInclC14NId,
        xmlSecTransformInclC14NWithCommentsId,
        xmlSecTransformInclC14N11Id,
        xmlSecTransformExclC14NId,
        xmlSecTransformExclC14NWithCommentsId,
        xmlSecTransformSha1Id,
        xmlSecTransformSha256Id,
        xmlSecTransformSha384Id,
        xmlSecTransformSha512Id,
    };
    xmlSecTransformId sigs[] = {
        xmlSecTransformInclC14NId,
        xmlSecTransformInclC14NWithCommentsId,
        xmlSecTransformInclC14N11Id,
        xmlSecTransformExclC14NId,
        xmlSecTransformExclC14NWithCommentsId,
        xmlSecTransformRsaSha1Id,
        xmlSecTransformRsaSha256Id,
        xmlSecTransformRsaSha384Id,
        xmlSecTransformRsaSha512Id,
        xmlSecTransformEcdsaSha256Id,
        xmlSecTransformEcdsaSha384Id,
        xmlSecTransformEcdsaSha512Id,
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        if (xmlSecDSigCtxEnableReferenceTransform(ctx, refs[i]) < 0)
            return -1;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (xmlSecDSigCtxEnableSignatureTransform(ctx, sigs[i]) < 0)
            return -1;
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
    return 0;
}

int cap_verify_signature(const char *xml, size_t len, const char *trusted_dir, bool *verified,
                         struct bh_error *err)
{
    *verified = false;
    int rc = cap_xmlsec_init(err);
    if (rc)
        return rc;
    xmlDocPtr doc;
    if ((rc = cap_xml_read(xml, len, &doc, err)))
        return rc;
    xmlNodePtr node = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
    if (!node) {
        xmlFreeDoc(doc);
        return 0;
    }
    xmlSecKeysMngrPtr mngr = xmlSecKeysMngrCreate();
    xmlSecDSigCtxPtr ctx = NULL;
    if (!mngr || xmlSecCryptoAppDefaultKeysMngrInit(mngr) < 0) {
        rc = bh_fail(err, BH_EINTERNAL, "Signature", "xmlsec1 cannot make a keys manager");
        goto done;
    }
    if ((rc = load_trusted(mngr, trusted_dir, err)))
        goto done;
    ctx = xmlSecDSigCtxCreate(mngr);
    if (!ctx || enable_transforms(ctx) < 0) {
        rc = bh_fail(err, BH_EINTERNAL, "Signature", "xmlsec1 cannot make a signature context");
        goto done;
    }
    if (xmlSecDSigCtxVerify(ctx, node) < 0) {
        /* No key: the signer's certificate is not among the trusted ones (or the signature
         * names none), which is an unverified message rather than a broken one. */
        if (!ctx->signKey)
            goto done;
        rc = bh_fail(err, BH_EINVALID, "Signature",
                     "the XML signature cannot be processed (unsupported or malformed)");
        goto done;
    }
    *verified = ctx->status == xmlSecDSigStatusSucceeded;
done:
    if (ctx)
        xmlSecDSigCtxDestroy(ctx);
    if (mngr)
        xmlSecKeysMngrDestroy(mngr);
    xmlFreeDoc(doc);
    return rc;
}
