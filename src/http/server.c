#include "http/server.h"

#include "base/i18n.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "http/dispatch.h"
#include "http/guard.h"
#include "http/push.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routes.h"
#include "http/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
    const struct route *const *routes; /* the API's tables (options.routes) */
    struct MHD_Daemon *daemon;
    int listen_fd;
    int port;
    size_t max_body;
    struct http_site site; /* its strings are the server's (freed by server_free) */
    char *csp;             /* Content-Security-Policy of every reply */
    atomic_int in_flight;  /* requests received and not yet completed */
};

/* Per-request state, from the first callback of a request to its completion. */
struct req_state {
    const struct http_server *server;
    struct http_request req;
    struct http_reply rep;
    const struct route *route;
    struct http_admission admission; /* what begin_request decided from the headers */
    struct buf body;
    int64_t started_us;
    uint64_t streamed; /* bytes a streamed reply has sent so far */
    int too_large;
    int answered;
};

/* The policy: our own origin only, and no framing. A configured tile server's origin may
 * serve images (the map's tiles); Leaflet's {s} subdomain placeholder becomes CSP's `*.`. */
static char *make_csp(const char *tile_url)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "default-src 'self'; ");
    const char *host = tile_url && *tile_url ? strstr(tile_url, "://") : NULL;
    if (host) {
        size_t scheme = (size_t)(host - tile_url) + 3;
        size_t len = strcspn(tile_url + scheme, "/?#");
        buf_puts(&b, "img-src 'self' ");
        buf_append(&b, tile_url, scheme);
        const char *h = tile_url + scheme;
        if (len > 4 && strncmp(h, "{s}.", 4) == 0) {
            buf_puts(&b, "*.");
            h += 4;
            len -= 4;
        }
        buf_append(&b, h, len);
        buf_puts(&b, "; ");
    }
    buf_puts(&b, "frame-ancestors 'none'");
    return buf_steal(&b);
}

/* Headers every reply carries. The API serves JSON to scripts and to our own app; none of it
 * may be framed, sniffed into another type, or leak the URL to other sites. Replies are not
 * cached unless the handler says otherwise (the app's assets do). */
static void add_common_headers(struct MHD_Response *r, const struct http_reply *rep,
                               const char *csp)
{
    if (rep->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rep->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    int has_cache_control = 0;
    for (size_t i = 0; i < rep->nheaders; i++) {
        MHD_add_response_header(r, rep->headers[i].name, rep->headers[i].value);
        has_cache_control |= strcasecmp(rep->headers[i].name, "Cache-Control") == 0;
    }
    if (!has_cache_control)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

/* The API's words (problems, labels, files' headers) follow Accept-Language, so a cache must
 * keep one copy per language: said in the reply's one Vary header, beside Accept-Encoding when
 * the dispatcher named that. The app's assets are the same in every language. */
static void vary_by_language(struct http_request *req, struct http_reply *rep)
{
    if (strncmp(req->path, "/api/", 5) != 0)
        return;
    for (size_t i = 0; i < rep->nheaders; i++)
        if (strcasecmp(rep->headers[i].name, "Vary") == 0) {
            rep->headers[i].value =
                arena_printf(req->arena, "%s, Accept-Language", rep->headers[i].value);
            return;
        }
    http_reply_header(req, rep, "Vary", "Accept-Language");
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct req_state *rs,
                                  const char *allow)
{
    struct http_reply *rep = &rs->rep;
    vary_by_language(&rs->req, rep);
    struct MHD_Response *r = http_response_new(rep, &rs->streamed);
    if (!r)
        return MHD_NO;
    add_common_headers(r, rep, ((const struct http_server *)rs->server)->csp);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rep->status, r);
    MHD_destroy_response(r);
    rs->answered = 1;
    return ret;
}

static enum MHD_Result reply_problem_now(struct MHD_Connection *conn, struct req_state *rs, int rc,
                                         const char *detail, const char *allow)
{
    http_reply_problem(&rs->req, &rs->rep, rc, detail, NULL);
    return send_reply(conn, rs, allow);
}

/* The largest body `route` accepts (NULL: no route matched): the route's own when it names
 * one (smaller for sign-in, larger for a file upload such as the UN fatalities CSV), else the
 * server's limit. */
static size_t body_limit(const struct http_server *s, const struct route *route)
{
    if (route && route->max_body)
        return route->max_body;
    return s->max_body;
}

/* RFC 9110's token characters: a method is one token. */
static bool is_method(const char *m)
{
    size_t n = strlen(m);
    return n > 0 && n <= 32 &&
           strspn(m, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "abcdefghijklmnopqrstuvwxyz") == n;
}

struct query_check {
    struct arena *arena;
    const char *detail; /* NULL while every argument is well-formed */
    const char *field;
};

static int check_query_arg(void *cls, const char *key, size_t key_size, const char *value,
                           size_t value_size)
{
    struct query_check *q = cls;
    if (!http_text_valid(key, key_size)) {
        q->detail = N_("a query parameter's name is not UTF-8 text (or holds control characters)");
        q->field = "query";
        return -1;
    }
    if (value && !http_text_valid(value, value_size)) {
        /* The name is valid text, so it may be quoted; the value is not. */
        q->detail = arena_printf(q->arena,
                                 _("the query parameter '%s' is not UTF-8 text (or holds control "
                                   "characters)"),
                                 key);
        q->field = arena_strdup(q->arena, key);
        return -1;
    }
    return 0;
}

/* Refuses a request whose method, path or query string is not well-formed UTF-8 or holds a
 * control character, before any of it is routed, stored, logged or quoted in a reply: every
 * later step (jansson above all) assumes text. The reply names the part at fault and never
 * repeats its bytes. Returns 1 when a 400 was written. */
static int refuse_bad_text(struct req_state *rs)
{
    struct http_request *req = &rs->req;
    const char *detail = NULL, *field = NULL;
    struct query_check q = { req->arena, NULL, NULL };
    if (!is_method(req->method)) {
        detail = N_("the request method is not an HTTP token");
        field = "method";
    } else if (!http_text_valid(req->path, strlen(req->path))) {
        detail = N_("the request path is not UTF-8 text (or holds control characters)");
        field = "path";
    } else {
        http_request_query_each(req, check_query_arg, &q);
        detail = q.detail;
        field = q.field;
    }
    if (!detail)
        return 0;
    /* The access log and the problem's "instance" get the text with the bad bytes replaced;
     * a method that is no token is not worth quoting at all. */
    req->path = http_text_clean(req->arena, req->path, true);
    if (!is_method(req->method))
        req->method = "-";
    http_reply_problem(req, &rs->rep, BH_EINVALID, detail, field);
    return 1;
}

/* An Accept-Language that names none of the six languages, or is malformed: the reply is in
 * English (or the user's setting). Said once in the log, with the first such header, so an
 * operator sees readers asking for a language the platform lacks without a line per request. */
static void note_other_language(const char *header)
{
    static atomic_int noted;
    if (atomic_exchange(&noted, 1))
        return;
    char shown[80];
    snprintf(shown, sizeof shown, "%s", header);
    for (char *c = shown; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    log_info("Accept-Language \"%s\" names none of en, fr, ar, zh, ru, es: such requests are "
             "answered in English or the user's language (said once)",
             shown);
}

/* First callback of a request: headers are in, the body is not. Everything that can be
 * refused without the body is refused here, so an oversized upload, or an upload by someone
 * the route would refuse, is never read: text that is not UTF-8, then who is asking and what
 * they may do (once: http_dispatch uses this admission), then the body's size. */
static enum MHD_Result begin_request(struct http_server *s, struct MHD_Connection *conn,
                                     struct req_state *rs)
{
    struct http_request *req = &rs->req;
    if (refuse_bad_text(rs))
        return send_reply(conn, rs, NULL);
    char allow[128] = "";
    enum route_match m =
        route_find(s->routes, req->method, req->path, req, &rs->route, allow, sizeof allow);
    size_t limit = body_limit(s, m == ROUTE_MATCHED ? rs->route : NULL);

    /* Authentication looks the token or session up in the store (this worker thread's
     * connection). A bad token is refused here, before the first body byte, exactly as no
     * token at all is. */
    if (m == ROUTE_MATCHED && http_dispatch_admit(req, rs->route, &rs->rep, &rs->admission))
        return send_reply(conn, rs, NULL);
    const char *cl = http_request_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || n > limit) {
            /* The header is quoted only when it is a number: anything else is not worth
             * repeating to its sender. */
            char detail[512]; /* room for the sentence in any language */
            if (errno || *end || end == cl)
                snprintf(detail, sizeof detail,
                         _("the request body is larger than the %zu bytes accepted "
                           "(Content-Length is not a byte count)"),
                         limit);
            else
                snprintf(detail, sizeof detail,
                         _("the request body (%llu bytes) is larger than the %zu bytes accepted"),
                         n, limit);
            return reply_problem_now(conn, rs, BH_ETOOLARGE, detail, NULL);
        }
    }
    if (m == ROUTE_NO_PATH) {
        char *detail = arena_printf(req->arena, _("no resource at %s"), req->path);
        return reply_problem_now(conn, rs, BH_ENOTFOUND, detail, NULL);
    }
    if (m == ROUTE_NO_METHOD) {
        char *detail = arena_printf(req->arena, _("%s is not allowed on %s (allowed: %s)"),
                                    req->method, req->path, allow);
        return reply_problem_now(conn, rs, BH_EMETHOD, detail, allow);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct req_state *rs = *con_cls;
    if (!rs) {
        rs = xcalloc(1, sizeof *rs);
        *con_cls = rs;
        atomic_fetch_add(&s->in_flight, 1);
        rs->started_us = time_mono_us();
        rs->req.arena = arena_new(8192);
        rs->req.method = arena_strdup(rs->req.arena, method);
        rs->req.path = arena_strdup(rs->req.arena, url);
        rs->req.conn = conn;
        rs->req.site = &s->site;
        rs->server = s;
        rs->req.client_addr = http_request_peer(&rs->req);
        const char *proto = http_request_header(&rs->req, "X-Forwarded-Proto");
        rs->req.secure = proto && strcasecmp(proto, "https") == 0;
        rs->req.lang = LANG_EN;
        const char *al = http_request_header(&rs->req, "Accept-Language");
        rs->req.lang_from_header = i18n_lang_from_accept(al, &rs->req.lang);
        if (al && *al && !rs->req.lang_from_header)
            note_other_language(al);
        i18n_set_thread_lang(rs->req.lang);
        buf_init(&rs->body);
        return begin_request(s, conn, rs);
    }
    /* This thread may have worked on other connections since the last call for this one. */
    i18n_set_thread_lang(rs->req.lang);
    if (rs->answered) {
        /* Refused before the body: discard whatever still arrives. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t limit = body_limit(s, rs->route);
        /* A chunked upload has no Content-Length: count as it arrives. */
        if (rs->too_large || rs->body.len + *upload_data_size > limit) {
            rs->too_large = 1;
            buf_cleanup(&rs->body);
        } else {
            buf_append(&rs->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rs->too_large)
        return reply_problem_now(conn, rs, BH_ETOOLARGE,
                                 "the request body is larger than the server accepts", NULL);

    /* A copy of every byte, NULs included (an uploaded file may hold them; the importer
     * refuses such a file by name, so it must see them), plus a terminating NUL. */
    char *body = arena_alloc(rs->req.arena, rs->body.len + 1);
    if (rs->body.len)
        memcpy(body, rs->body.data, rs->body.len);
    body[rs->body.len] = '\0';
    rs->req.body = body;
    rs->req.body_len = rs->body.len;
    buf_cleanup(&rs->body);
    http_dispatch(&rs->req, rs->route, &rs->admission, &rs->rep);
    return send_reply(conn, rs, NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    struct http_server *s = cls;
    struct req_state *rs = *con_cls;
    if (!rs)
        return;
    http_dispatch_release(&rs->req, &rs->admission);
    double ms = (double)(time_mono_us() - rs->started_us) / 1000.0;
    int status = rs->answered ? rs->rep.status : 0;
    struct log_field fields[] = {
        LOG_STR("method", rs->req.method),
        LOG_STR("path", rs->req.path),
        LOG_INT("status", status),
        LOG_INT("bytes", (long long)(rs->streamed ? rs->streamed : rs->rep.body_len)),
        LOG_REAL("ms", ms),
        LOG_STR("user", rs->req.who.username[0] ? rs->req.who.username : "-"),
    };
    /* A request the client abandoned is still logged, at warn, with status 0. */
    log_event(toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? BH_LOG_INFO : BH_LOG_WARN, "request",
              fields, sizeof fields / sizeof fields[0]);
    buf_cleanup(&rs->body);
    http_reply_cleanup(&rs->rep);
    arena_free(rs->req.arena);
    free(rs);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_event(BH_LOG_WARN, msg, NULL, 0);
}

/* Binds the listening socket ourselves, rather than letting libmicrohttpd do it, so that a
 * port in use is reported with the address and the system's reason, and port 0 works. */
static int open_listener(const char *host, int port, int *fd_out, int *port_out,
                         struct bh_error *err)
{
    struct addrinfo hints = { 0 }, *res;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0)
        return bh_fail(err, BH_EINVALID, "listen", "cannot listen on %s:%d: %s", host, port,
                       gai_strerror(gai));
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(res);
        return bh_fail(err, BH_EIO, "listen", "cannot listen on %s:%d: %s", host, port,
                       strerror(errno));
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 511) != 0) {
        int e = errno;
        freeaddrinfo(res);
        close(fd);
        return bh_fail(err, BH_EIO, "listen", "cannot listen on %s:%d: %s", host, port,
                       strerror(e));
    }
    freeaddrinfo(res);
    /* Several pool threads accept on this socket; a blocking accept would stall the losers. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    return 0;
}

static void server_free(struct http_server *s)
{
    free((char *)s->site.db_path);
    free((char *)s->site.map_tile_url);
    free(s->csp);
    http_guard_free(s->site.guard);
    http_pushes_free(s->site.pushes);
    free(s);
}

int http_server_start(struct http_server **out, const struct http_server_options *opt,
                      struct bh_error *err)
{
    *out = NULL;
    if (opt->max_connections_per_ip < 0 ||
        (opt->max_connections_per_ip && opt->max_connections_per_ip >= opt->max_connections))
        return bh_fail(err, BH_EINVALID, "max_connections_per_ip",
                       "max_connections_per_ip (%d) must be less than max_connections (%d)",
                       opt->max_connections_per_ip, opt->max_connections);
    struct http_server *s = xcalloc(1, sizeof *s);
    s->max_body = opt->max_body;
    s->routes = opt->routes;
    s->site.db_path = xstrdup(opt->db_path);
    s->site.map_tile_url = xstrdup(opt->map_tile_url ? opt->map_tile_url : "");
    s->csp = make_csp(s->site.map_tile_url);
    s->site.request_budget_ms = opt->request_budget_ms;
    s->site.export_max_rows = opt->export_max_rows;
    s->site.pushes = http_pushes_new();
    s->site.guard = http_guard_new(opt->anonymous_per_minute, opt->anonymous_burst,
                                   opt->threads > 1 ? opt->threads - 1 : 1);
    atomic_init(&s->in_flight, 0);
    int rc = open_listener(opt->host, opt->port, &s->listen_fd, &s->port, err);
    if (rc) {
        server_free(s);
        return rc;
    }
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG |
        /* Held replies (the live stream) set their connection aside while they wait. */
        MHD_ALLOW_SUSPEND_RESUME;
    /* The logger goes first so that MHD never prints through its own. libmicrohttpd takes
     * function pointers in an option array as intptr_t. */
    struct MHD_OptionItem options[] = {
        { MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, s },
        { MHD_OPTION_LISTEN_SOCKET, s->listen_fd, NULL },
        { MHD_OPTION_THREAD_POOL_SIZE, opt->threads, NULL },
        { MHD_OPTION_CONNECTION_LIMIT, opt->max_connections, NULL },
        /* libmicrohttpd closes a connection past this count from one address as soon as it
         * is accepted, before any byte of it is read (0 there also means no limit). */
        { MHD_OPTION_PER_IP_CONNECTION_LIMIT, opt->max_connections_per_ip, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s, NULL },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s },
        { MHD_OPTION_END, 0, NULL },
    };
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, options,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        close(s->listen_fd);
        server_free(s);
        return bh_fail(err, BH_EIO, "listen", "cannot start the HTTP server on %s:%d", opt->host,
                       opt->port);
    }
    *out = s;
    return 0;
}

int http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s, int drain_ms)
{
    if (!s)
        return;
    /* Stop accepting first, then let requests already received finish; idle keep-alive
     * connections do not count and are closed by MHD_stop_daemon. */
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    /* Held replies never finish by themselves: end them now, so they drain with the rest and
     * no connection is left suspended when the daemon stops. */
    http_pushes_end_all(s->site.pushes);
    int64_t deadline = time_mono_ms() + drain_ms;
    while (atomic_load(&s->in_flight) > 0 && time_mono_ms() < deadline)
        usleep(10 * 1000);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    server_free(s);
}
