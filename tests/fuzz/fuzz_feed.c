/* libFuzzer target: the Atom/RSS reader of external CAP feeds (formats/feed.c), fed arbitrary
 * bytes. Besides crashes and sanitizer reports, a finding is a broken promise of feed.h: a
 * failure is BH_EINVALID (or BH_ETOOLARGE) with a message, and on success every entry either
 * carries CAP (embedded, with its length, or an http(s) link) or says why not.
 *
 * Run by tests/fuzz/run.sh; seeds in tests/fuzz/corpus/feed. */
#include "formats/feed.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "fuzz_feed: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(4096);
    struct feed_doc d;
    struct bh_error err;
    int rc = feed_parse((const char *)data, size, "http://feed.example/x/feed.xml", a, &d, &err);
    if (rc) {
        if (rc != BH_EINVALID && rc != BH_ETOOLARGE)
            die("a failure that is neither BH_EINVALID nor BH_ETOOLARGE");
        if (!memchr(err.message, '\0', sizeof err.message) || !err.message[0])
            die("a failure without a message");
    } else {
        if (d.nentries > FEED_MAX_ENTRIES)
            die("more entries than the cap");
        for (size_t i = 0; i < d.nentries; i++) {
            const struct feed_entry *e = &d.entries[i];
            if (e->cap_xml && strlen(e->cap_xml) != e->cap_len)
                die("an embedded message whose length is wrong");
            if (e->cap_url && strncasecmp(e->cap_url, "http://", 7) != 0 &&
                strncasecmp(e->cap_url, "https://", 8) != 0)
                die("a link that is not http or https");
            if (!e->cap_xml && !e->cap_url && !e->problem)
                die("an entry with no CAP and no reason");
        }
    }
    arena_free(a);
    return 0;
}
