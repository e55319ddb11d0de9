#ifndef BH_HTTP_RESPONSE_H
#define BH_HTTP_RESPONSE_H

#include <stdint.h>

#include "http/request.h"

/* A reply becomes a libmicrohttpd response here, and nothing is copied on the way: a body
 * the reply owns is handed over with its free function, one that outlives the request
 * (static bytes, the request's arena, which is freed only once the request completed) is
 * lent, and a stream is read from its producer as the connection drains, in chunked transfer
 * coding. A producer that fails ends the response with MHD_CONTENT_READER_END_WITH_ERROR:
 * the connection is closed without the last chunk, so the client sees a broken transfer,
 * never a short file that looks whole. */

struct MHD_Response;

/* The response for `rep` (headers are the caller's), or NULL when libmicrohttpd cannot make
 * one. What the reply owned now belongs to the response, which frees it when it is
 * destroyed; on NULL a body stays the reply's (http_reply_cleanup) and a stream's context
 * was freed. `streamed` counts the bytes a stream has sent, for the access log; it must
 * outlive the stream's reads. */
struct MHD_Response *http_response_new(struct http_reply *rep, uint64_t *streamed);

#endif
