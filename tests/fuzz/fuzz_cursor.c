/* libFuzzer target: page cursors (http/page.c), the `cursor` a client sends back with every
 * list. Each input is decoded as a cursor under a fixed key, and must be refused or give a
 * position that fits; then the same bytes are used as a position, encoded and decoded again,
 * and must come back unchanged (up to the first NUL, cut at PAGE_KEY_MAX - 1 bytes), so the
 * fuzzer also walks the path past the MAC check. A tampered cursor, any flipped byte, must
 * be refused. Run by tests/fuzz/run.sh. */
#include "http/page.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[PAGE_CURSOR_KEY] = "bluehelm fuzz cursor key 0123456";

static void die(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_cursor: %s: '%s' vs '%s'\n", what, a, b);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char pos[PAGE_KEY_MAX];
    struct bh_error err;
    int rc = page_cursor_decode(key, text, pos, &err);
    if (rc == 0 && strlen(pos) >= PAGE_KEY_MAX)
        die("decoded position too long", text, pos);
    if (rc != 0 && (rc != BH_EINVALID || strcmp(err.field, "cursor") != 0))
        die("refusal does not name the cursor", text, err.field);

    /* The input as a position: the round trip must give it back. */
    char want[PAGE_KEY_MAX];
    snprintf(want, sizeof want, "%s", text);
    size_t cap = page_cursor_encode(key, text, NULL, 0);
    char *cursor = malloc(cap);
    if (page_cursor_encode(key, text, cursor, cap) != cap)
        die("encode changed its size", text, cursor);
    if (page_cursor_decode(key, cursor, pos, &err) != 0)
        die("own cursor refused", cursor, err.message);
    if (strcmp(pos, want) != 0)
        die("round trip changed the position", want, pos);
    /* A changed byte (the middle one, so as to hit the MAC or the position) is refused. */
    size_t mid = strlen(cursor) / 2;
    cursor[mid] = cursor[mid] == 'A' ? 'B' : 'A';
    if (mid > 0 && page_cursor_decode(key, cursor, pos, &err) == 0)
        die("tampered cursor accepted", cursor, pos);
    free(cursor);
    free(text);
    return 0;
}
