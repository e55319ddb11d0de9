#ifndef BH_HTTP_IDEMPOTENCY_H
#define BH_HTTP_IDEMPOTENCY_H

#include "http/request.h"

/* Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a client that retries a
 * POST with the same key gets the first reply again instead of a second write. Replies are
 * kept per account in the store's `idempotency` table; this file holds every statement that
 * reads or writes it. */

/* Runs `handler` for `req` under the key `key` (the header's value, checked here: 1 to 255
 * printable ASCII characters, else 400). The handler's writes and the stored reply commit in
 * one transaction, so a retry either finds the reply or finds nothing was written; a retry
 * whose method, path or body differ from the first is 422. Failed replies (not 2xx) are not
 * stored: the client may fix the cause and retry. The reply goes to `rep`. */
void http_idempotency_run(struct http_request *req,
                          void (*handler)(struct http_request *req, struct http_reply *rep),
                          struct http_reply *rep, const char *key);

#endif
