/* libFuzzer target: the body of a position on a proposal (proposal/proposal.c,
 * proposal_position_read), read for an organization "BRA", once as a member and once as an
 * observer. An accepted body must name one of the four positions; break_silence and comment
 * must carry reasons; an observer's accepted position must be a comment; and "org", when
 * given and accepted, must be the caller's own. Run by tests/fuzz/run.sh. */
#include "proposal/proposal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const json_t *body, bool observer)
{
    struct bh_error err;
    const char *position = NULL, *reasons = NULL;
    if (proposal_position_read(body, "BRA", observer, &position, &reasons, &err) != 0)
        return;
    bool known =
        position && (strcmp(position, "support") == 0 || strcmp(position, "break_silence") == 0 ||
                     strcmp(position, "abstain") == 0 || strcmp(position, "comment") == 0);
    if (!known)
        abort();
    bool needs = strcmp(position, "break_silence") == 0 || strcmp(position, "comment") == 0;
    if (needs && (!reasons || !*reasons))
        abort();
    if (observer && strcmp(position, "comment") != 0)
        abort();
    const char *org = json_string_value(json_object_get(body, "org"));
    if (org && strcmp(org, "BRA") != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, 0, &jerr);
    if (j && json_is_object(j)) {
        check(j, false);
        check(j, true);
    }
    json_decref(j);
    return 0;
}
