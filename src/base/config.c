#include "base/config.h"

#include "base/i18n.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef int (*config_parse_fn)(struct bh_config *c, size_t offset, const char *value, char *why,
                               size_t whylen);

struct config_key {
    const char *name; /* config file key */
    const char *env;  /* environment variable */
    const char *flag; /* long option without -- */
    const char *arg;  /* argument name in --help */
    const char *def;  /* default, as text, parsed by the same parser */
    config_parse_fn parse;
    size_t offset;
    long min, max;    /* for integers */
    int secret;       /* printed masked */
    const char *help; /* N_("..."): English, marked for translation; the CLI's usage shows it
                       * in the CLI's language (base/i18n.h) */
};

static int parse_path(struct bh_config *c, size_t offset, const char *value, char *why,
                      size_t whylen)
{
    if (!*value) {
        snprintf(why, whylen, "must not be empty");
        return -1;
    }
    if (strlen(value) >= CONFIG_PATH_MAX) {
        snprintf(why, whylen, "is longer than %d characters", CONFIG_PATH_MAX - 1);
        return -1;
    }
    snprintf((char *)c + offset, CONFIG_PATH_MAX, "%s", value);
    return 0;
}

static int parse_text(struct bh_config *c, size_t offset, const char *value, char *why,
                      size_t whylen)
{
    if (strlen(value) >= 256) {
        snprintf(why, whylen, "is longer than 255 characters");
        return -1;
    }
    snprintf((char *)c + offset, 256, "%s", value);
    return 0;
}

static int parse_listen(struct bh_config *c, size_t offset, const char *value, char *why,
                        size_t whylen)
{
    (void)offset;
    /* HOST:PORT, with IPv6 hosts in brackets ("[::1]:8080") as in URLs. */
    const char *colon = strrchr(value, ':');
    const char *host = value;
    size_t hostlen;
    if (value[0] == '[') {
        const char *close = strchr(value, ']');
        if (!close || close[1] != ':') {
            snprintf(why, whylen, "'%s' is not [IPV6]:PORT", value);
            return -1;
        }
        host = value + 1;
        hostlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        if (!colon) {
            snprintf(why, whylen, "'%s' is not HOST:PORT", value);
            return -1;
        }
        hostlen = (size_t)(colon - value);
    }
    if (hostlen == 0 || hostlen >= sizeof c->listen_host) {
        snprintf(why, whylen, "'%s' has no host before the port", value);
        return -1;
    }
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port < 0 || port > 65535) {
        snprintf(why, whylen, "port '%s' is not a number from 0 to 65535", colon + 1);
        return -1;
    }
    memcpy(c->listen_host, host, hostlen);
    c->listen_host[hostlen] = '\0';
    c->listen_port = (int)port;
    return 0;
}

static int parse_log_level(struct bh_config *c, size_t offset, const char *value, char *why,
                           size_t whylen)
{
    (void)offset;
    if (log_level_parse(value, &c->log_level) == 0)
        return 0;
    snprintf(why, whylen, "'%s' is not one of debug, info, warn, error", value);
    return -1;
}

static int parse_log_format(struct bh_config *c, size_t offset, const char *value, char *why,
                            size_t whylen)
{
    (void)offset;
    if (log_format_parse(value, &c->log_format) == 0)
        return 0;
    snprintf(why, whylen, "'%s' is not one of text, json", value);
    return -1;
}

static const struct config_key config_keys[];

static int parse_long(const struct config_key *k, const char *value, long *out, char *why,
                      size_t whylen)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (!*value || errno || end == value) {
        snprintf(why, whylen, "'%s' is not a whole number", value);
        return -1;
    }
    /* Sizes may carry a K or M suffix (binary multiples): "max_body = 4M". */
    if (*end == 'K' || *end == 'k') {
        v = v > LONG_MAX / 1024 ? LONG_MAX : v < LONG_MIN / 1024 ? LONG_MIN : v * 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        v = v > LONG_MAX / (1024 * 1024)   ? LONG_MAX
            : v < LONG_MIN / (1024 * 1024) ? LONG_MIN
                                           : v * 1024 * 1024;
        end++;
    }
    if (*end) {
        snprintf(why, whylen, "'%s' is not a whole number", value);
        return -1;
    }
    if (v < k->min || v > k->max) {
        snprintf(why, whylen, "%ld is outside %ld..%ld", v, k->min, k->max);
        return -1;
    }
    *out = v;
    return 0;
}

static const struct config_key *key_by_offset(size_t offset);

static int parse_int(struct bh_config *c, size_t offset, const char *value, char *why,
                     size_t whylen)
{
    long v;
    if (parse_long(key_by_offset(offset), value, &v, why, whylen))
        return -1;
    *(int *)((char *)c + offset) = (int)v;
    return 0;
}

static int parse_size(struct bh_config *c, size_t offset, const char *value, char *why,
                      size_t whylen)
{
    long v;
    if (parse_long(key_by_offset(offset), value, &v, why, whylen))
        return -1;
    *(size_t *)((char *)c + offset) = (size_t)v;
    return 0;
}

/* A tile URL template: http(s), with the {z}, {x} and {y} placeholders Leaflet fills in. */
static int parse_tile_url(struct bh_config *c, size_t offset, const char *value, char *why,
                          size_t whylen)
{
    char *dst = (char *)c + offset;
    if (*value && ((strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) ||
                   !strstr(value, "{z}") || !strstr(value, "{x}") || !strstr(value, "{y}"))) {
        snprintf(why, whylen, "'%.80s' is not an http(s) URL with {z}, {x} and {y}", value);
        return -1;
    }
    /* It goes into the Content-Security-Policy header: nothing that could end a directive. */
    size_t bad = strcspn(value, " \t;,'\"\r\n");
    if (value[bad]) {
        snprintf(why, whylen, "the URL may not contain '%c'", value[bad]);
        return -1;
    }
    if (strlen(value) >= sizeof((struct bh_config *)0)->map_tile_url) {
        snprintf(why, whylen, "the URL is longer than %zu bytes",
                 sizeof((struct bh_config *)0)->map_tile_url - 1);
        return -1;
    }
    strcpy(dst, value);
    return 0;
}

/* A mail relay: smtp:// or smtps://, or empty for none. */
static int parse_smtp_url(struct bh_config *c, size_t offset, const char *value, char *why,
                          size_t whylen)
{
    char *dst = (char *)c + offset;
    if (*value && strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0) {
        snprintf(why, whylen, "'%.80s' is not an smtp:// or smtps:// URL", value);
        return -1;
    }
    if (strlen(value) >= sizeof((struct bh_config *)0)->smtp_url) {
        snprintf(why, whylen, "the URL is longer than %zu bytes",
                 sizeof((struct bh_config *)0)->smtp_url - 1);
        return -1;
    }
    strcpy(dst, value);
    return 0;
}

#define OFF(field) offsetof(struct bh_config, field)

static const struct config_key config_keys[] = {
    { "db", "BLUEHELM_DB", "db", "PATH", "var/bluehelm.db", parse_path, OFF(db), 0, 0, 1,
      N_("store file (SQLite)") },
    { "listen", "BLUEHELM_LISTEN", "listen", "HOST:PORT", "127.0.0.1:8080", parse_listen,
      OFF(listen_host), 0, 0, 0, N_("address and port the server binds (port 0: any free port)") },
    { "log_level", "BLUEHELM_LOG_LEVEL", "log-level", "LEVEL", "info", parse_log_level,
      OFF(log_level), 0, 0, 0, N_("least severe level logged: debug, info, warn, error") },
    { "log_format", "BLUEHELM_LOG_FORMAT", "log-format", "FORMAT", "text", parse_log_format,
      OFF(log_format), 0, 0, 0, N_("log lines as text or json") },
    { "threads", "BLUEHELM_THREADS", "threads", "N", "4", parse_int, OFF(threads), 1, 256, 0,
      N_("server worker threads") },
    { "max_connections", "BLUEHELM_MAX_CONNECTIONS", "max-connections", "N", "512", parse_int,
      OFF(max_connections), 1, 65536, 0, N_("open client connections at once") },
    /* One address holding every slot (half-open connections cost it nothing) locks everyone
     * else out; the difference to max_connections stays free for other addresses. */
    { "max_connections_per_ip", "BLUEHELM_MAX_CONNECTIONS_PER_IP", "max-connections-per-ip", "N",
      "32", parse_int, OFF(max_connections_per_ip), 1, 65535, 0,
      N_("open connections from one client address (less than max_connections)") },
    { "max_body", "BLUEHELM_MAX_BODY", "max-body", "BYTES", "1M", parse_size, OFF(max_body), 1024,
      1024L * 1024 * 1024, 0, N_("largest request body accepted (K and M suffixes)") },
    { "request_timeout", "BLUEHELM_REQUEST_TIMEOUT", "request-timeout", "SECONDS", "30", parse_int,
      OFF(request_timeout), 1, 3600, 0, N_("seconds a silent client keeps its connection") },
    /* Long enough for any statistic or page a person waits for; a query that needs more is
     * one to narrow, not one to let hold a worker thread (db_set_deadline). */
    { "request_budget", "BLUEHELM_REQUEST_BUDGET", "request-budget", "MS", "10000", parse_int,
      OFF(request_budget_ms), 0, 3600000, 0,
      N_("milliseconds of store work one request may take (0: no limit; files stream unbounded)") },
    /* The public statistics are open to anyone; a visitor's pages ask a few a minute. */
    { "anonymous_rate", "BLUEHELM_ANONYMOUS_RATE", "anonymous-rate", "N", "120", parse_int,
      OFF(anonymous_per_minute), 0, 1000000, 0,
      N_("statistics and files per minute from one address when not signed in (0: no limit)") },
    { "anonymous_burst", "BLUEHELM_ANONYMOUS_BURST", "anonymous-burst", "N", "30", parse_int,
      OFF(anonymous_burst), 1, 1000000, 0,
      N_("of those, how many may come at once before the rate applies") },
    /* No flag: a password on the command line would show in `ps` and shell history. */
    { "admin_password", "BLUEHELM_ADMIN_PASSWORD", NULL, "PASSWORD", "", parse_text,
      OFF(admin_password), 0, 0, 1,
      N_("password of the first admin made by `init --seed` (else one is generated)") },
    { "iso_codes_dir", "BLUEHELM_ISO_CODES_DIR", "iso-codes-dir", "DIR", BH_ISO_CODES_DIR,
      parse_path, OFF(iso_codes_dir), 0, 0, 0, N_("Debian iso-codes JSON folder read by init") },
    /* Empty by default: the map's base layer is the country outlines bundled with the app, so
     * it works with no tile server; a deployment with one names it here. */
    { "map_tile_url", "BLUEHELM_MAP_TILE_URL", "map-tile-url", "URL", "", parse_tile_url,
      OFF(map_tile_url), 0, 0, 0,
      N_("map tiles, e.g. https://tiles.example.org/{z}/{x}/{y}.png (empty: outlines only)") },
    /* Off by default: a file streams in constant memory whatever its size. A site on a thin
     * link sets it so that one click cannot send a million rows down it. */
    { "export_max_rows", "BLUEHELM_EXPORT_MAX_ROWS", "export-max-rows", "N", "0", parse_int,
      OFF(export_max_rows), 0, 2000000000, 0,
      N_("rows one incident or event file over HTTP may hold (0: no limit); more is a 413") },
    /* The live stream (api/stream.c): a browser tab holds one; a few tabs, not a script
     * opening streams in a loop. Heartbeats keep proxies from closing a quiet stream and tell
     * the server that a reader left; the poll finds events written by another process (an
     * import on the command line), which wake no stream of this one. */
    { "stream_max_per_user", "BLUEHELM_STREAM_MAX_PER_USER", "stream-max-per-user", "N", "4",
      parse_int, OFF(stream_max_per_user), 1, 100000, 0,
      N_("live streams one user may hold open at once") },
    { "stream_heartbeat", "BLUEHELM_STREAM_HEARTBEAT", "stream-heartbeat", "SECONDS", "15",
      parse_int, OFF(stream_heartbeat), 1, 3600, 0,
      N_("seconds between the heartbeats of a quiet live stream") },
    { "stream_poll_ms", "BLUEHELM_STREAM_POLL_MS", "stream-poll-ms", "MS", "1000", parse_int,
      OFF(stream_poll_ms), 20, 600000, 0,
      N_("milliseconds between two reads of the live feed's log for events of other processes") },
    /* Empty by default: webhooks reach only public addresses (src/webhook/, the request
     * forgery guard); a site with a receiver on its own network lists it. Checked by the
     * webhook worker at start. */
    { "webhook_allow_hosts", "BLUEHELM_WEBHOOK_ALLOW_HOSTS", "webhook-allow-hosts", "CIDRS", "",
      parse_text, OFF(webhook_allow_hosts), 0, 0, 0,
      N_("private or loopback address blocks webhooks may reach, e.g. 10.1.0.0/16,::1/128") },
    /* The same guard for the external feeds an admin subscribes to (src/extfeed/): a feed URL
     * must not make the server fetch from its own network unless the site says so. */
    { "feed_allow_hosts", "BLUEHELM_FEED_ALLOW_HOSTS", "feed-allow-hosts", "CIDRS", "", parse_text,
      OFF(feed_allow_hosts), 0, 0, 0,
      N_("private or loopback address blocks external feeds may be fetched from") },
    { "webhook_max_failures", "BLUEHELM_WEBHOOK_MAX_FAILURES", "webhook-max-failures", "N", "10",
      parse_int, OFF(webhook_max_failures), 1, 1000, 0,
      N_("consecutive failed deliveries after which a webhook is disabled") },
    /* Attachments live in the store (src/attachment/): the limit keeps rows and uploads
     * reasonable. The route's own ceiling (ATTACHMENT_MAX_BYTES_CEILING) caps the setting. */
    { "attachment_max_bytes", "BLUEHELM_ATTACHMENT_MAX_BYTES", "attachment-max-bytes", "BYTES",
      "10M", parse_size, OFF(attachment_max_bytes), 1024, 64L * 1024 * 1024, 0,
      N_("largest attachment accepted, e.g. a bulletin's PDF (K and M suffixes; at most 64M)") },
    /* The notification digest (src/notify/digest.c): off while smtp_url is empty. smtps://
     * speaks TLS from the start; smtp:// upgrades with STARTTLS when the relay offers it, and
     * insists on it when a password is set, so the password never crosses in clear. */
    { "smtp_url", "BLUEHELM_SMTP_URL", "smtp-url", "URL", "", parse_smtp_url, OFF(smtp_url), 0, 0,
      0, N_("mail relay for notification digests, e.g. smtp://relay:25 (empty: no e-mail)") },
    { "smtp_from", "BLUEHELM_SMTP_FROM", "smtp-from", "ADDRESS", "bluehelm@localhost", parse_text,
      OFF(smtp_from), 0, 0, 0, N_("sender address of notification digests") },
    { "smtp_user", "BLUEHELM_SMTP_USER", "smtp-user", "NAME", "", parse_text, OFF(smtp_user), 0, 0,
      0, N_("user name at the mail relay (empty: no sign-in)") },
    /* No flag: a password on the command line would show in `ps` and shell history. */
    { "smtp_password", "BLUEHELM_SMTP_PASSWORD", NULL, "PASSWORD", "", parse_text,
      OFF(smtp_password), 0, 0, 1, N_("password at the mail relay") },
    { "public_url", "BLUEHELM_PUBLIC_URL", "public-url", "URL", "", parse_text, OFF(public_url), 0,
      0, 0,
      N_("the app's address as its users reach it, for links in e-mails, e.g. "
         "https://bluehelm.example.org") },
    { "cap_trusted_certs", "BLUEHELM_CAP_TRUSTED_CERTS", "cap-trusted-certs", "DIR", "", parse_text,
      OFF(cap_trusted_certs), 0, 0, 0,
      N_("directory of PEM certificates whose signatures on imported CAP alerts are trusted") },
};

#define NKEYS (sizeof config_keys / sizeof config_keys[0])
_Static_assert(NKEYS <=
                   sizeof((struct bh_config *)0)->source / sizeof((struct bh_config *)0)->source[0],
               "struct bh_config.source must have room for every key");

static const struct config_key *key_by_offset(size_t offset)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (config_keys[i].offset == offset)
            return &config_keys[i];
    abort(); /* a parser was wired to a field with no row: a programming error */
}

static int key_index(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(config_keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

void config_defaults(struct bh_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++) {
        char why[256];
        /* Defaults are compiled in and parse by construction; abort loudly if one does not. */
        if (config_keys[i].parse(c, config_keys[i].offset, config_keys[i].def, why, sizeof why))
            abort();
        c->source[i] = CONFIG_DEFAULT;
    }
}

static const char *source_name(enum config_source s)
{
    switch (s) {
    case CONFIG_DEFAULT:
        return "default";
    case CONFIG_FILE:
        return "config file";
    case CONFIG_ENV:
        return "environment";
    case CONFIG_FLAG:
        return "flag";
    }
    return "?";
}

int config_set(struct bh_config *c, const char *key, const char *value, enum config_source source,
               struct bh_error *err)
{
    int i = key_index(key);
    if (i < 0)
        return bh_fail(err, BH_EINVALID, key, "unknown key '%s'", key);
    const struct config_key *k = &config_keys[i];
    char why[300];
    if (k->parse(c, k->offset, value, why, sizeof why)) {
        /* Name the key in the source's own spelling, so the user finds it. */
        const char *shown = source == CONFIG_ENV ? k->env : k->name;
        char flagname[64];
        if (source == CONFIG_FLAG) {
            snprintf(flagname, sizeof flagname, "--%s", k->flag);
            shown = flagname;
        }
        return bh_fail(err, BH_EINVALID, k->name, "%s %s: %s", source_name(source), shown, why);
    }
    c->source[i] = source;
    return 0;
}

int config_check(struct bh_config *c, struct bh_error *err)
{
    int i = key_index("max_connections_per_ip");
    /* A small max_connections with the per-address limit left at its default lowers the
     * limit to half rather than refusing every command: the reserve is what matters, and
     * nobody asked for 32. Only a limit someone set is refused. */
    if (c->max_connections_per_ip >= c->max_connections && c->source[i] == CONFIG_DEFAULT) {
        /* 0 for a single connection: no reserve can exist, so no per-address limit. */
        c->max_connections_per_ip = c->max_connections / 2;
        return 0;
    }
    if (c->max_connections_per_ip >= c->max_connections) {
        char src[CONFIG_PATH_MAX + 32];
        config_source_describe(c, (size_t)i, src, sizeof src);
        return bh_fail(err, BH_EINVALID, "max_connections_per_ip",
                       "max_connections_per_ip (%d, %s) must be less than max_connections (%d), "
                       "so that one address cannot take every connection",
                       c->max_connections_per_ip, src, c->max_connections);
    }
    return 0;
}

struct file_ctx {
    struct bh_config *c;
    struct bh_error *err;
    const char *path;
    FILE *f;
    int lineno; /* line last handed to the parser */
    int failed;
};

/* Debian builds libinih without INI_HANDLER_LINENO, so the handler is not told the line.
 * The parser asks its reader for one line at a time, so counting here gives the line of the
 * key being handled. */
static char *config_line_reader(char *str, int num, void *stream)
{
    struct file_ctx *ctx = stream;
    char *line = fgets(str, num, ctx->f);
    if (!line)
        return NULL;
    ctx->lineno++;
    /* inih's line buffer is fixed (INI_MAX_LINE, 200 in Debian's build): a longer line would
     * come back in pieces and the rest be parsed as a line of its own. Refuse it instead,
     * naming the line; ending the stream stops the parser. */
    size_t len = strlen(line);
    if (len == (size_t)num - 1 && line[len - 1] != '\n' && !feof(ctx->f)) {
        int next = fgetc(ctx->f);
        if (next != '\n' && next != EOF) {
            if (!ctx->failed)
                bh_fail(ctx->err, BH_EINVALID, "config",
                        "%s line %d: too long (a line holds at most %d characters)", ctx->path,
                        ctx->lineno, num - 1);
            ctx->failed = 1;
            return NULL;
        }
    }
    return line;
}

static int config_line_handler(void *user, const char *section, const char *name, const char *value)
{
    struct file_ctx *ctx = user;
    int lineno = ctx->lineno;
    if (ctx->failed)
        return 0;
    if (section && *section) {
        bh_fail(ctx->err, BH_EINVALID, name, "%s line %d: sections are not used ([%s])", ctx->path,
                lineno, section);
        ctx->failed = 1;
        return 0;
    }
    struct bh_error e;
    if (key_index(name) < 0) {
        bh_fail(ctx->err, BH_EINVALID, name, "%s line %d: unknown key '%s'", ctx->path, lineno,
                name);
        ctx->failed = 1;
        return 0;
    }
    if (config_set(ctx->c, name, value, CONFIG_FILE, &e)) {
        bh_fail(ctx->err, BH_EINVALID, name, "%s line %d: %s", ctx->path, lineno, e.message);
        ctx->failed = 1;
        return 0;
    }
    return 1;
}

int config_load_file(struct bh_config *c, const char *path, struct bh_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return bh_fail(err, BH_EIO, "config", "cannot read config file %s: %s", path,
                       strerror(errno));
    /* The parser works on a copy so a file that fails half-way changes nothing. */
    struct bh_config next = *c;
    struct file_ctx ctx = { &next, err, path, f, 0, 0 };
    int rc = ini_parse_stream(config_line_reader, &ctx, config_line_handler, &ctx);
    fclose(f);
    if (ctx.failed)
        return BH_EINVALID;
    if (rc != 0)
        return bh_fail(err, BH_EINVALID, "config", "%s line %d: not a `key = value` line", path,
                       rc);
    snprintf(next.file, sizeof next.file, "%s", path);
    *c = next;
    return 0;
}

int config_load_env(struct bh_config *c, char *const *envp, struct bh_error *err)
{
    struct bh_config next = *c;
    for (char *const *e = envp; e && *e; e++) {
        if (strncmp(*e, "BLUEHELM_", 9) != 0)
            continue;
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        size_t namelen = (size_t)(eq - *e);
        int found = -1;
        for (size_t i = 0; i < NKEYS; i++)
            if (strlen(config_keys[i].env) == namelen &&
                strncmp(config_keys[i].env, *e, namelen) == 0)
                found = (int)i;
        if (found < 0)
            return bh_fail(err, BH_EINVALID, "environment",
                           "environment %.*s: unknown variable (known: BLUEHELM_DB, "
                           "BLUEHELM_LISTEN, ... see bluehelm help config)",
                           (int)namelen, *e);
        int rc = config_set(&next, config_keys[found].name, eq + 1, CONFIG_ENV, err);
        if (rc)
            return rc;
    }
    *c = next;
    return 0;
}

const char *config_key_for_flag(const char *flag)
{
    if (!flag)
        return NULL;
    for (size_t i = 0; i < NKEYS; i++)
        if (config_keys[i].flag && strcmp(config_keys[i].flag, flag) == 0)
            return config_keys[i].name;
    return NULL;
}

size_t config_key_count(void)
{
    return NKEYS;
}

const char *config_key_flag(size_t i)
{
    return config_keys[i].flag;
}

const char *config_key_arg(size_t i)
{
    return config_keys[i].arg;
}

const char *config_key_help(size_t i)
{
    return config_keys[i].help;
}

void config_mask_secret_url(const char *in, char *out, size_t outlen)
{
    /* scheme://user:password@host/... → scheme://user:***@host/...; the user info ends at the
     * last '@' before the path, since a password may itself hold a raw '@'. */
    const char *scheme = strstr(in, "://");
    if (!scheme) {
        snprintf(out, outlen, "%s", in);
        return;
    }
    const char *auth = scheme + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + auth_len; p++)
        if (*p == '@')
            at = p;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) {
        snprintf(out, outlen, "%s", in);
        return;
    }
    snprintf(out, outlen, "%.*s:***%s", (int)(colon - in), in, at);
}

void config_value_string(const struct bh_config *c, size_t i, char *out, size_t outlen)
{
    const struct config_key *k = &config_keys[i];
    const char *base = (const char *)c + k->offset;
    if (k->parse == parse_text || k->parse == parse_tile_url) {
        snprintf(out, outlen, "%s", k->secret && *base ? "***" : base);
    } else if (k->parse == parse_path || k->parse == parse_smtp_url) {
        /* A relay's URL may hold its user and password (smtp://user:pass@relay). */
        if (k->secret || k->parse == parse_smtp_url)
            config_mask_secret_url(base, out, outlen);
        else
            snprintf(out, outlen, "%s", base);
    } else if (k->parse == parse_listen) {
        snprintf(out, outlen, strchr(c->listen_host, ':') ? "[%s]:%d" : "%s:%d", c->listen_host,
                 c->listen_port);
    } else if (k->parse == parse_log_level) {
        snprintf(out, outlen, "%s", log_level_name(c->log_level));
    } else if (k->parse == parse_log_format) {
        snprintf(out, outlen, "%s", log_format_name(c->log_format));
    } else if (k->parse == parse_int) {
        snprintf(out, outlen, "%d", *(const int *)base);
    } else {
        snprintf(out, outlen, "%zu", *(const size_t *)base);
    }
}

void config_source_describe(const struct bh_config *c, size_t i, char *out, size_t outlen)
{
    switch (c->source[i]) {
    case CONFIG_DEFAULT:
        snprintf(out, outlen, "default");
        break;
    case CONFIG_FILE:
        snprintf(out, outlen, "file %s", c->file);
        break;
    case CONFIG_ENV:
        snprintf(out, outlen, "environment %s", config_keys[i].env);
        break;
    case CONFIG_FLAG:
        snprintf(out, outlen, "flag --%s", config_keys[i].flag);
        break;
    }
}

void config_print(const struct bh_config *c, FILE *out)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char value[CONFIG_PATH_MAX + 16], src[CONFIG_PATH_MAX + 32];
        config_value_string(c, i, value, sizeof value);
        config_source_describe(c, i, src, sizeof src);
        char line[CONFIG_PATH_MAX + 64];
        snprintf(line, sizeof line, "%s = %s", config_keys[i].name, value);
        fprintf(out, "%-40s # %s\n", line, src);
    }
}
