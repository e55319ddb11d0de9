/* libFuzzer target: the webhook target checks (webhook/url.c): the URL a client subscribes,
 * the administrator's CIDR allow list, and the guard on addresses. Each input is tried as a
 * URL and as an allow list; a parsed URL's host must be NUL-terminated inside its buffer with
 * a port 1-65535, an accepted allow list must hold at most WEBHOOK_ALLOW_MAX blocks of valid
 * prefix lengths, and a literal address the URL names goes through the guard. Run by
 * tests/fuzz/run.sh. */
#include "webhook/webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct bh_error err;
    struct webhook_url u;
    struct webhook_allow allow;
    int allow_rc = webhook_allow_parse(text, "webhook_allow_hosts", &allow, &err);
    if (allow_rc == 0) {
        if (allow.n < 0 || allow.n > WEBHOOK_ALLOW_MAX)
            abort();
        for (int i = 0; i < allow.n; i++)
            if (allow.net[i].bits < 0 || allow.net[i].bits > 128)
                abort();
    }
    if (webhook_url_parse(text, "url", &u, &err) == 0) {
        if (memchr(u.host, '\0', sizeof u.host) == NULL || !u.host[0] || u.port < 1 ||
            u.port > 65535) {
            fprintf(stderr, "fuzz_webhook_url: bad parts for '%s'\n", text);
            abort();
        }
        if (u.host_is_ip) {
            struct sockaddr_storage ss = { 0 };
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            int ok = strchr(u.host, ':')
                         ? (s6->sin6_family = AF_INET6, inet_pton(AF_INET6, u.host, &s6->sin6_addr))
                         : (s4->sin_family = AF_INET, inet_pton(AF_INET, u.host, &s4->sin_addr));
            if (ok != 1)
                abort();
            char why[64];
            webhook_address_allowed((struct sockaddr *)&ss, allow_rc == 0 ? &allow : NULL, why);
        }
    }
    free(text);
    return 0;
}
