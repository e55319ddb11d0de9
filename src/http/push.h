#ifndef BH_HTTP_PUSH_H
#define BH_HTTP_PUSH_H

#include "http/request.h"

/* Replies that stay open and are written to as things happen (Server-Sent Events), without
 * holding a worker thread while they wait. Such a reply is a stream (http_reply_stream) whose
 * producer may have nothing to say: the connection is then suspended (libmicrohttpd's
 * MHD_suspend_connection), out of every thread's poll set, until something calls
 * http_push_wake(); the producer then runs again on a pool thread. A thousand open streams
 * cost a thousand sockets and their buffers, never a thousand threads.
 *
 * The server ends every held reply when it stops (http_push_end_all, from
 * http_server_stop): a suspended connection is woken and its stream ends cleanly, so a
 * shutdown never waits on readers that will never finish by themselves. */

struct http_push;   /* one held reply: what its waker holds */
struct http_pushes; /* every held reply of one server */

/* Makes `rep` a held stream of `content_type` (200, chunked, no Content-Length). `producer`
 * appends what it has to `out` and returns 0, or HTTP_STREAM_END after the last piece, or a
 * negative code; appending nothing and returning 0 means "nothing now": the connection is set
 * aside until the next http_push_wake(). The reply takes `ctx` (free_ctx releases it however
 * the stream ends). Returns the push with one reference for the caller (the waker), which
 * drops it with http_push_unref(); NULL only when the server is not serving pushes (a
 * request built outside the server), `ctx` then freed and `rep` left a 503. */
struct http_push *http_reply_push(struct http_request *req, struct http_reply *rep,
                                  const char *content_type, http_stream_fn producer, void *ctx,
                                  void (*free_ctx)(void *));

/* Runs the producer again soon: resumes the connection if it is set aside, else makes its
 * next "nothing now" run the producer once more instead. Any thread; never blocks on the
 * connection. A push whose connection has closed ignores it. */
void http_push_wake(struct http_push *p);

/* Whether the push's connection is gone (the client left, the reply ended). */
int http_push_closed(struct http_push *p);

void http_push_ref(struct http_push *p);
void http_push_unref(struct http_push *p);

/* The server's registry (http/server.c). */
struct http_pushes *http_pushes_new(void);
/* Ends every held reply and every one made from now on: each ends at its next run. */
void http_pushes_end_all(struct http_pushes *all);
/* How many held replies are open. */
int http_pushes_count(struct http_pushes *all);
void http_pushes_free(struct http_pushes *all);

#endif
