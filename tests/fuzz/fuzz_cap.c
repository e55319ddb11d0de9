/* libFuzzer target: the CAP reader, writer and signature check (formats/cap.c, cap_dsig.c),
 * fed arbitrary bytes.
 *
 * Besides crashes and sanitizer reports, a finding is a broken promise of cap.h: a failure is
 * BH_EINVALID (or BH_ETOOLARGE) with a message and a field; whatever the reader accepts the
 * writer writes; what the writer wrote reads again; and writing that again gives the same
 * bytes. An input that mentions a signature also goes through cap_verify_signature with an
 * empty directory of trusted certificates, which may never say "verified".
 *
 * Run by tests/fuzz/run.sh (`make test`: the seeds in tests/fuzz/corpus/cap once, then a few
 * seconds of fuzzing; `make fuzz`: longer). */
#include "base/arena.h"
#include "base/buf.h"
#include "formats/cap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_cap: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_failure(int rc, const struct bh_error *err)
{
    if (rc != BH_EINVALID && rc != BH_ETOOLARGE)
        die("a failure that is neither BH_EINVALID nor BH_ETOOLARGE", bh_errname(rc));
    if (!memchr(err->message, '\0', sizeof err->message) || !err->message[0])
        die("a failure without a message", NULL);
    if (!memchr(err->field, '\0', sizeof err->field) || !err->field[0])
        die("a failure without a field", err->message);
}

static const char *empty_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_cap.XXXXXX");
        if (!mkdtemp(dir))
            die("mkdtemp failed", NULL);
    }
    return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(4096);
    struct cap_alert al, back;
    struct bh_error err;
    int rc = cap_parse((const char *)data, size, a, &al, &err);
    if (rc) {
        check_failure(rc, &err);
    } else {
        struct buf out = BUF_INIT, again = BUF_INIT;
        if (cap_write(&al, &out, &err) != 0)
            die("the writer refuses what the reader accepted", err.message);
        if (cap_parse(out.data, out.len, a, &back, &err) != 0)
            die("the reader refuses what the writer wrote", err.message);
        if (back.version != 12 || back.ninfos != al.ninfos)
            die("the written alert reads back different", NULL);
        if (cap_write(&back, &again, &err) != 0 || strcmp(again.data, out.data) != 0)
            die("writing what was read back gives other bytes", NULL);
        buf_cleanup(&out);
        buf_cleanup(&again);
    }
    arena_free(a);

    static const char sig[] = "Signature";
    size_t n = sizeof sig - 1;
    int mentions = 0;
    for (size_t i = 0; i + n <= size && !mentions; i++)
        mentions = memcmp(data + i, sig, n) == 0;
    if (mentions) {
        bool verified = true;
        rc = cap_verify_signature((const char *)data, size, empty_dir(), &verified, &err);
        if (rc)
            check_failure(rc, &err);
        if (verified)
            die("a signature verified with no trusted certificate", NULL);
    }
    return 0;
}
