/* Placeholder until src/account lands: no session or token is ever valid. */
#include "account/account.h"

int account_session_lookup(struct db *db, const char *session_token, struct principal *who,
                           char csrf_out[ACCOUNT_TOKEN_MAX], int64_t *expires_ms,
                           struct bh_error *err)
{
    (void)db, (void)session_token, (void)who, (void)csrf_out, (void)expires_ms;
    return bh_fail(err, BH_EUNAUTH, "session", "sessions are not implemented yet");
}

int account_token_lookup(struct db *db, const char *token, struct principal *who,
                         struct bh_error *err)
{
    (void)db, (void)token, (void)who;
    return bh_fail(err, BH_EUNAUTH, "token", "tokens are not implemented yet");
}
