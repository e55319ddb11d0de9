#ifndef BH_BASE_CONFIG_H
#define BH_BASE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "base/log.h"

/* The effective configuration. Each value comes from the strongest of four sources:
 * defaults < config file (--config FILE, `key = value`) < environment (BLUEHELM_*) < flags.
 * Every key is one row of a table in config.c (name, variable, flag, parser, help), so a new
 * setting is one line there and one field here. */

enum config_source { CONFIG_DEFAULT, CONFIG_FILE, CONFIG_ENV, CONFIG_FLAG };

#define CONFIG_PATH_MAX 1024

struct bh_config {
    char db[CONFIG_PATH_MAX]; /* store file */
    char listen_host[256];    /* numeric address or name to bind */
    int listen_port;          /* 0 picks a free port (tests) */
    enum bh_log_level log_level;
    enum bh_log_format log_format;
    int threads;                /* server worker threads */
    int max_connections;        /* open connections at once */
    int max_connections_per_ip; /* of those, from one client address */
    size_t max_body;            /* largest request body in bytes */
    int request_timeout;        /* seconds of client silence before a connection is closed */
    int request_budget_ms;      /* store time one request may take; 0: unbounded */
    int anonymous_per_minute;   /* expensive requests per address when not signed in */
    int anonymous_burst;        /* the bucket's size for those */
    char iso_codes_dir[CONFIG_PATH_MAX]; /* Debian iso-codes JSON folder */
    char admin_password[256];            /* first admin's password for init --seed; secret */
    char map_tile_url[512];  /* raster tile URL template for the map; "" draws outlines only */
    int export_max_rows;     /* rows one downloaded map file may hold; 0: no limit */
    int stream_max_per_user; /* live streams (/api/v1/stream) one user may hold open */
    int stream_heartbeat;    /* seconds between a live stream's heartbeats */
    int stream_poll_ms;      /* how often the live stream reads the log for other writers */
    char webhook_allow_hosts[256]; /* CIDR blocks webhooks may reach despite the guard */
    char feed_allow_hosts[256];    /* CIDR blocks external feeds may be fetched from */
    int webhook_max_failures;      /* consecutive failures that disable a webhook */

    /* Largest attachment (src/attachment/) in bytes. */
    size_t attachment_max_bytes;

    char smtp_url[512];          /* mail relay for the notification digest; "" sends none */
    char smtp_from[256];         /* the digest's sender address */
    char smtp_user[256];         /* relay sign-in, optional */
    char smtp_password[256];     /* relay sign-in, optional; secret */
    char public_url[512];        /* the app's address as readers reach it, for links in mails */
    char cap_trusted_certs[512]; /* PEM certificates of trusted CAP signers; "" none */

    /* Where each key's value came from, indexed like the table; and the file name. */
    enum config_source source[48];
    char file[CONFIG_PATH_MAX];
};

/* Fills every key with its default. */
void config_defaults(struct bh_config *c);

/* Reads `key = value` lines (INI syntax via libinih; no sections). An unknown key, a bad
 * value or an unreadable file fails, with `err` naming the file, line and key. */
int config_load_file(struct bh_config *c, const char *path, struct bh_error *err);

/* Reads BLUEHELM_* variables from `envp` (a NULL-terminated "KEY=VALUE" array such as
 * `environ`). An unknown BLUEHELM_ variable is an error: it is most likely a typo. */
int config_load_env(struct bh_config *c, char *const *envp, struct bh_error *err);

/* Checks what no single key can: settings that must agree with each other (one address may
 * not take every connection: max_connections_per_ip < max_connections). Run once every
 * source is applied. A per-address limit left at its default is lowered to half of a small
 * max_connections; one that was set is refused, `err` naming the key to change and where its
 * value came from. */
int config_check(struct bh_config *c, struct bh_error *err);

/* Sets one key by its config-file name ("listen") from `source`. */
int config_set(struct bh_config *c, const char *key, const char *value, enum config_source source,
               struct bh_error *err);

/* The config-file key for a long flag name ("max-body" → "max_body"), or NULL when the flag
 * is not a configuration flag. */
const char *config_key_for_flag(const char *flag);

/* Number of keys and the i-th key's flag name (without "--"; NULL for keys that have no flag,
 * such as secrets), argument name and help (English, marked with N_(): translate it with _()
 * where it is shown). */
size_t config_key_count(void);
const char *config_key_flag(size_t i);
const char *config_key_help(size_t i);
const char *config_key_arg(size_t i);

/* Prints every key as `key = value   # source`, secrets masked. */
void config_print(const struct bh_config *c, FILE *out);

/* Formats the value of key `i` into `out` (secrets masked). */
void config_value_string(const struct bh_config *c, size_t i, char *out, size_t outlen);

/* "default", "file /etc/bluehelm.conf", "environment BLUEHELM_DB", "flag --db". */
void config_source_describe(const struct bh_config *c, size_t i, char *out, size_t outlen);

/* Masks the password of a URL-style value ("postgresql://u:secret@h/db" →
 * "postgresql://u:***@h/db") so a future PostgreSQL DSN is never printed or logged. */
void config_mask_secret_url(const char *in, char *out, size_t outlen);

#endif
