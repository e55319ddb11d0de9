/* Replies as libmicrohttpd responses (http/response.h). */
#include "http/response.h"

#include "base/i18n.h"
#include "base/log.h"
#include "base/mem.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* A streamed body on its way out: what the producer gave and is not yet sent. */
struct stream {
    http_stream_fn produce;
    void *ctx;
    void (*free_ctx)(void *);
    struct buf pending;
    size_t sent; /* bytes of `pending` already given to libmicrohttpd */
    int done;
    uint64_t *counter; /* the request's byte count, for the access log */
    enum lang lang;    /* the request's: a file's header labels are in the reader's language */
};

/* libmicrohttpd's reader: copies what the producer made into the send buffer, asking for
 * more when it runs out. A failing producer ends the reply with END_WITH_ERROR: the
 * connection is closed without the last chunk, so the client sees a broken transfer. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct stream *st = cls;
    while (st->sent == st->pending.len) {
        if (st->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        buf_reset(&st->pending);
        st->sent = 0;
        /* The thread serves other connections between two pieces of this one. */
        i18n_set_thread_lang(st->lang);
        int rc = st->produce(st->ctx, &st->pending);
        if (rc < 0) {
            log_error("reply: a streamed reply failed after %llu bytes (%s); the connection "
                      "is cut",
                      (unsigned long long)*st->counter, bh_errname(rc));
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (rc == HTTP_STREAM_SUSPENDED)
            return 0; /* a held reply set aside until woken (http/push.h) */
        st->done = rc == HTTP_STREAM_END;
    }
    size_t n = st->pending.len - st->sent;
    if (n > max)
        n = max;
    memcpy(out, st->pending.data + st->sent, n);
    st->sent += n;
    *st->counter += n;
    return (ssize_t)n;
}

static void stream_end(void *cls)
{
    struct stream *st = cls;
    if (st->free_ctx)
        st->free_ctx(st->ctx);
    buf_cleanup(&st->pending);
    free(st);
}

/* Pieces handed to libmicrohttpd at a time: the producer's own are about this size. */
#define STREAM_BLOCK 65536

/* The libmicrohttpd response for a reply. Nothing is copied: a body the reply owns is handed
 * over with its free function, one that outlives the request (static, arena: the arena is
 * freed only once the request completed) is lent, and a stream is read as it is sent. */
struct MHD_Response *http_response_new(struct http_reply *rep, uint64_t *streamed)
{
    struct MHD_Response *r;
    if (rep->stream) {
        struct stream *st = xcalloc(1, sizeof *st);
        st->produce = rep->stream;
        st->ctx = rep->stream_ctx;
        st->free_ctx = rep->stream_free;
        st->counter = streamed;
        st->lang = i18n_thread_lang();
        buf_init(&st->pending);
        rep->stream = NULL;
        rep->stream_ctx = NULL;
        rep->stream_free = NULL;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, st,
                                              stream_end);
        if (!r)
            stream_end(st);
        return r;
    }
    if (rep->body_free) {
        r = MHD_create_response_from_buffer_with_free_callback(rep->body_len, rep->body,
                                                               rep->body_free);
        if (r)
            rep->body_free = NULL; /* libmicrohttpd frees it now */
        return r;
    }
    return MHD_create_response_from_buffer(rep->body_len, rep->body, MHD_RESPMEM_PERSISTENT);
}
