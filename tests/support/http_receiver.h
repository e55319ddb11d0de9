#ifndef BH_TEST_HTTP_RECEIVER_H
#define BH_TEST_HTTP_RECEIVER_H

#include <stddef.h>

/* A webhook receiver for tests: a thread serving HTTP/1.1 on `address` ("127.0.0.1",
 * "127.0.0.2") at a port the kernel picks, one request per connection. It records every
 * request (method, path, headers, body) and answers with a scripted sequence of statuses
 * (500, 500, 200: the last one repeats), a 3xx with the script's Location. */
struct http_receiver;

#define HTTP_RECEIVER_MAX 32

struct http_received {
    char method[16];
    char path[256];
    char headers[4096]; /* raw header lines, names as sent */
    char body[8192];
};

/* Starts it; fails the test when it cannot. `statuses` (n of them, n >= 1) is copied. */
struct http_receiver *http_receiver_start(const char *address, const int *statuses, size_t n,
                                          const char *location);
int http_receiver_port(const struct http_receiver *r);
/* Requests received so far. */
int http_receiver_count(struct http_receiver *r);
/* Copies request `i` (0-based) to `out`; fails the test when there is none. */
void http_receiver_get(struct http_receiver *r, int i, struct http_received *out);
/* A header's value from a request's raw headers (case-insensitive name), copied into a static
 * buffer; NULL when absent. */
const char *http_received_header(const struct http_received *q, const char *name);
void http_receiver_stop(struct http_receiver *r);

#endif
