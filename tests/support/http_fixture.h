#ifndef BH_TEST_HTTP_FIXTURE_H
#define BH_TEST_HTTP_FIXTURE_H

#include <stddef.h>

/* A small HTTP/1.1 server for tests that fetch (external feeds): a thread serving the files of
 * one folder on 127.0.0.1 at a port the kernel picks, one request per connection. Each file
 * gets an ETag (its size and content hash) and a Last-Modified; If-None-Match or
 * If-Modified-Since matching them gives 304. Missing files are 404. Requests are counted and
 * the last one's conditional headers kept, so a test can see what the client sent. */
struct http_fixture;

/* Copies the feed fixture tests/data/feeds/`name` into `dir`, the folder to be served; fails
 * the test when it cannot be read. */
void http_fixture_add(const char *dir, const char *name);
/* Starts serving `dir`; fails the test when it cannot. */
struct http_fixture *http_fixture_start(const char *dir);
int http_fixture_port(const struct http_fixture *f);
/* Requests answered so far, and how many of them were 304. */
int http_fixture_requests(const struct http_fixture *f);
int http_fixture_not_modified(const struct http_fixture *f);
/* The last request's path and its If-None-Match header ("" when absent), copied to `out`. */
void http_fixture_last(struct http_fixture *f, char *path, size_t path_len, char *inm,
                       size_t inm_len);
void http_fixture_stop(struct http_fixture *f);

#endif
