/* The request's side of libmicrohttpd: headers, query arguments, cookies, and the store
 * connection of the worker thread serving it. Every read of the connection goes through this
 * file, so the dispatcher, the handlers and the server never reach into each other for them
 * (the server owns the daemon, the dispatcher the checks, and neither includes the other's
 * internals). The parsers of header values that a client controls are pure functions here,
 * each held to "no crash, no leak" by a fuzz target (tests/fuzz/). */
#include "http/request.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *http_request_header(struct http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *http_request_query(struct http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *http_request_peer(struct http_request *req)
{
    struct MHD_Connection *conn = req->conn;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[INET6_ADDRSTRLEN] = "unknown";
    if (info && info->client_addr) {
        const struct sockaddr *sa = info->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
    }
    return arena_strdup(req->arena, text);
}

struct query_each {
    int (*fn)(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len);
    void *ctx;
};

static enum MHD_Result query_each_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                      size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct query_each *e = cls;
    return e->fn(e->ctx, key, key_size, value, value_size) == 0 ? MHD_YES : MHD_NO;
}

void http_request_query_each(struct http_request *req,
                             int (*fn)(void *ctx, const char *key, size_t key_len,
                                       const char *value, size_t value_len),
                             void *ctx)
{
    struct query_each e = { fn, ctx };
    /* The _n form gives each argument's length, so a %00 inside one is seen too. */
    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, query_each_arg, &e);
}

static bool is_cookie_space(char c)
{
    return c == ' ' || c == '\t';
}

const char *http_cookie_find(const char *header, const char *name, size_t *len)
{
    size_t nlen = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ';' || is_cookie_space(*p))
            p++;
        const char *end = strchr(p, ';');
        size_t pair = end ? (size_t)(end - p) : strlen(p);
        /* Spaces before ';' are not part of the value (RFC 6265 §5.2 trims them). */
        while (pair && is_cookie_space(p[pair - 1]))
            pair--;
        if (pair > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = pair - nlen - 1;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            *len = vlen;
            return v;
        }
        p = end;
    }
    *len = 0;
    return NULL;
}

const char *http_request_cookie(struct http_request *req, const char *name)
{
    size_t len;
    const char *v = http_cookie_find(http_request_header(req, MHD_HTTP_HEADER_COOKIE), name, &len);
    return v ? arena_strndup(req->arena, v, len) : NULL;
}

int http_if_match_revision(const char *header, int64_t *rev, struct bh_error *err)
{
    /* The GET reply's ETag hashes the page (a record with what is shown beside it), which
     * changes without the record changing; the revision is what a writer means. */
    *rev = 0;
    const char *h = header;
    char digits[24];
    size_t len = strlen(h);
    if (len >= 2 && h[0] == '"' && h[len - 1] == '"') {
        h++;
        len -= 2;
    }
    if (len > 0 && len < sizeof digits) {
        memcpy(digits, h, len);
        digits[len] = '\0';
        char *end;
        errno = 0;
        long long v = strtoll(digits, &end, 10);
        if (!*end && !errno && v >= 1) {
            *rev = v;
            return 0;
        }
    }
    *rev = 0;
    return bh_fail(err, BH_EINVALID, "If-Match",
                   "If-Match takes the record's revision as the record shows it (\"3\"), not "
                   "the ETag of a page");
}

/* One store connection per worker thread, closed by the key's destructor when the thread
 * ends, so a stopped server leaves no connection (and no leak report) behind. */
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;
static int db_key_error; /* pthread_key_create's failure, answered to every request */

static void db_key_destroy(void *p)
{
    db_close(p);
}

static void db_key_create(void)
{
    db_key_error = pthread_key_create(&db_key, db_key_destroy);
}

int http_request_db(struct http_request *req, struct db **out, struct bh_error *err)
{
    pthread_once(&db_key_once, db_key_create);
    /* The process is out of thread-specific keys: a 503 for the request, not an abort of
     * every other client's. */
    if (db_key_error)
        return bh_fail(err, BH_EUNAVAILABLE, "db",
                       "the server cannot keep a store connection per thread: %s",
                       strerror(db_key_error));
    struct db *db = pthread_getspecific(db_key);
    if (!db) {
        int rc = db_open(&db, req->site->db_path, DB_OPEN_LONG_LIVED, err);
        if (rc)
            return rc;
        pthread_setspecific(db_key, db);
    }
    *out = db;
    return 0;
}

int http_request_db_own(struct http_request *req, struct db **out, struct bh_error *err)
{
    return db_open(out, req->site->db_path, DB_OPEN_READONLY, err);
}

const char *http_request_map_tile_url(const struct http_request *req)
{
    const char *url = req->site->map_tile_url;
    return url && url[0] ? url : NULL;
}

const char *http_library_version(void)
{
    return MHD_get_version();
}
