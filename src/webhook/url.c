/* The pure parts of the webhook target checks: the URL, the administrator's allow list and
 * the guard on addresses. No I/O, so the fuzzer (fuzz_webhook_url) reaches all of it. */
#include "webhook/webhook.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static bool url_char_ok(unsigned char c)
{
    /* Spaces and control characters end a URL in a log line or a header: refused rather than
     * escaped, since a client that sends them has made a mistake. */
    return c > 0x20 && c != 0x7f && c != '\\';
}

/* Whether the resolver might read `host` as an IPv4 address in another spelling: a name
 * whose last label starts with a digit ("2130706433", "0x7f.1", "127.1"). No top-level domain
 * does. */
static bool numeric_like(const char *host)
{
    const char *last = strrchr(host, '.');
    last = last ? last + 1 : host;
    if (!*last && last > host) { /* a trailing dot: look at the label before it */
        const char *p = last - 1;
        while (p > host && p[-1] != '.')
            p--;
        last = p;
    }
    return isdigit((unsigned char)*last) != 0;
}

int webhook_url_parse(const char *url, const char *field, struct webhook_url *out,
                      struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return bh_fail(err, BH_EINVALID, field, "the URL is missing");
    size_t len = strlen(url);
    if (len > WEBHOOK_URL_MAX)
        return bh_fail(err, BH_EINVALID, field, "the URL is longer than %d bytes", WEBHOOK_URL_MAX);
    for (size_t i = 0; i < len; i++)
        if (!url_char_ok((unsigned char)url[i]))
            return bh_fail(err, BH_EINVALID, field,
                           "the URL holds a space, a backslash or a control character at "
                           "byte %zu",
                           i + 1);
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        out->https = true;
        out->port = 443;
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        out->port = 80;
        p = url + 7;
    } else {
        return bh_fail(err, BH_EINVALID, field, "'%.80s' is not an http:// or https:// URL", url);
    }
    size_t alen = strcspn(p, "/?#");
    if (memchr(p, '@', alen))
        return bh_fail(err, BH_EINVALID, field,
                       "the URL may not hold a user name or password: put credentials in "
                       "the path or check the signature instead");
    const char *host = p, *host_end, *port = NULL;
    if (*p == '[') {
        host = p + 1;
        host_end = memchr(host, ']', alen);
        if (!host_end)
            return bh_fail(err, BH_EINVALID, field, "the URL's IPv6 address has no ']'");
        if (host_end + 1 < p + alen) {
            if (host_end[1] != ':')
                return bh_fail(err, BH_EINVALID, field, "the URL has text after its ']'");
            port = host_end + 2;
        }
    } else {
        host_end = memchr(p, ':', alen);
        if (host_end)
            port = host_end + 1;
        else
            host_end = p + alen;
    }
    size_t hlen = (size_t)(host_end - host);
    if (hlen == 0)
        return bh_fail(err, BH_EINVALID, field, "the URL has no host");
    if (hlen >= sizeof out->host)
        return bh_fail(err, BH_EINVALID, field, "the URL's host is longer than %zu bytes",
                       sizeof out->host - 1);
    memcpy(out->host, host, hlen);
    out->host[hlen] = '\0';
    if (port) {
        size_t plen = (size_t)(p + alen - port);
        long v = 0;
        if (plen == 0 || plen > 5)
            return bh_fail(err, BH_EINVALID, field, "the URL's port is not a number 1-65535");
        for (size_t i = 0; i < plen; i++) {
            if (!isdigit((unsigned char)port[i]))
                return bh_fail(err, BH_EINVALID, field, "the URL's port is not a number 1-65535");
            v = v * 10 + (port[i] - '0');
        }
        if (v < 1 || v > 65535)
            return bh_fail(err, BH_EINVALID, field, "the URL's port is not a number 1-65535");
        out->port = (int)v;
    }
    unsigned char addr[16];
    if (*p == '[') {
        if (inet_pton(AF_INET6, out->host, addr) != 1)
            return bh_fail(err, BH_EINVALID, field, "'%.60s' is not an IPv6 address", out->host);
        out->host_is_ip = true;
        return 0;
    }
    for (const char *c = out->host; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.' && *c != '_')
            return bh_fail(err, BH_EINVALID, field, "the URL's host holds '%c'", *c);
    if (inet_pton(AF_INET, out->host, addr) == 1) {
        out->host_is_ip = true;
        return 0;
    }
    /* "2130706433" and "0x7f.1" are 127.0.0.1 to the resolver: only the dotted quad is an
     * address people can read, so the other spellings are refused outright. */
    if (numeric_like(out->host))
        return bh_fail(err, BH_EINVALID, field,
                       "'%.60s' is neither a host name nor a dotted IPv4 address", out->host);
    return 0;
}

int webhook_allow_parse(const char *list, const char *field, struct webhook_allow *out,
                        struct bh_error *err)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return 0;
    const char *p = list;
    while (*p) {
        p += strspn(p, ", \t");
        if (!*p)
            break;
        size_t n = strcspn(p, ", \t");
        char tok[64];
        if (n >= sizeof tok)
            return bh_fail(err, BH_EINVALID, field, "'%.40s...' is not a CIDR block", p);
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;
        if (out->n == WEBHOOK_ALLOW_MAX)
            return bh_fail(err, BH_EINVALID, field, "more than %d CIDR blocks", WEBHOOK_ALLOW_MAX);
        char *slash = strchr(tok, '/');
        if (slash)
            *slash = '\0';
        int family = strchr(tok, ':') ? AF_INET6 : AF_INET;
        int max = family == AF_INET6 ? 128 : 32;
        int bits = max;
        if (inet_pton(family, tok, out->net[out->n].addr) != 1)
            return bh_fail(err, BH_EINVALID, field, "'%s' is not an IP address", tok);
        if (slash) {
            char *end;
            long b = strtol(slash + 1, &end, 10);
            if (!slash[1] || *end || b < 0 || b > max)
                return bh_fail(err, BH_EINVALID, field,
                               "'%s/%s': the prefix length is not a number 0-%d", tok, slash + 1,
                               max);
            bits = (int)b;
        }
        out->net[out->n].family = family;
        out->net[out->n].bits = bits;
        out->n++;
    }
    return 0;
}

static bool prefix_match(const unsigned char *a, const unsigned char *net, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, net, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (net[whole] & mask);
}

/* The ranges the guard refuses: what sits inside the server's own network rather than on the
 * internet a subscriber's receiver should be on. */
struct range {
    unsigned char net[16];
    int bits;
    const char *name;
};

static const struct range v4_ranges[] = {
    { { 0 }, 8, "unspecified (0.0.0.0/8)" },
    { { 127 }, 8, "loopback (127.0.0.0/8)" },
    { { 10 }, 8, "private (10.0.0.0/8)" },
    { { 172, 16 }, 12, "private (172.16.0.0/12)" },
    { { 192, 168 }, 16, "private (192.168.0.0/16)" },
    { { 100, 64 }, 10, "shared (100.64.0.0/10)" },
    { { 169, 254 }, 16, "link-local (169.254.0.0/16)" },
    { { 224 }, 4, "multicast (224.0.0.0/4)" },
    { { 240 }, 4, "reserved (240.0.0.0/4)" },
};

static const struct range v6_ranges[] = {
    { { 0 }, 128, "unspecified (::)" },
    { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128, "loopback (::1)" },
    /* The deprecated IPv4-compatible form ::a.b.c.d: whatever it names, nobody needs it. */
    { { 0 }, 96, "IPv4-compatible (::/96)" },
    { { 0xfc }, 7, "unique local (fc00::/7)" },
    { { 0xfe, 0x80 }, 10, "link-local (fe80::/10)" },
    { { 0xff }, 8, "multicast (ff00::/8)" },
};

bool webhook_address_allowed(const struct sockaddr *sa, const struct webhook_allow *allow,
                             char why[64])
{
    unsigned char a[16];
    int family;
    if (sa->sa_family == AF_INET) {
        memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (memcmp(b, mapped, 12) == 0) {
            memcpy(a, b + 12, 4);
            family = AF_INET;
        } else {
            memcpy(a, b, 16);
            family = AF_INET6;
        }
    } else {
        if (why)
            snprintf(why, 64, "not an IP address");
        return false;
    }
    const struct range *r = family == AF_INET ? v4_ranges : v6_ranges;
    size_t n = family == AF_INET ? sizeof v4_ranges / sizeof v4_ranges[0]
                                 : sizeof v6_ranges / sizeof v6_ranges[0];
    const char *hit = NULL;
    for (size_t i = 0; i < n && !hit; i++)
        if (prefix_match(a, r[i].net, r[i].bits))
            hit = r[i].name;
    if (!hit)
        return true;
    for (int i = 0; allow && i < allow->n; i++)
        if (allow->net[i].family == family &&
            prefix_match(a, allow->net[i].addr, allow->net[i].bits))
            return true;
    if (why)
        snprintf(why, 64, "%s", hit);
    return false;
}
