#ifndef BH_API_STREAM_H
#define BH_API_STREAM_H

#include "base/worker.h"

/* The live stream's broadcaster (api/stream.c, docs/stream.md): the one thread that reads the
 * feed's log when something is published (or every stream_poll_ms, for other processes'
 * events), checks each event against each open stream's reader and hands it to the streams
 * that may see it. Listed in serve_workers (cli/serve.c); without it GET /api/v1/stream is a
 * 503. */
extern const struct bh_worker api_stream_worker;

#endif
