/* Unit tests for base/config: defaults, the four sources and their precedence, and errors
 * that name the key and where it came from. */
#include "support.h"

#include "base/config.h"

#include <stdlib.h>
#include <string.h>

/* The table index of a config-file key, found through the public flag list. */
static size_t key_index(const char *name)
{
    for (size_t i = 0; i < config_key_count(); i++) {
        const char *key = config_key_for_flag(config_key_flag(i));
        if (key && strcmp(key, name) == 0)
            return i;
    }
    fail_msg("no config key '%s'", name);
    return 0;
}

static void assert_source(const struct bh_config *c, const char *key, const char *want)
{
    char got[CONFIG_PATH_MAX + 64];
    config_source_describe(c, key_index(key), got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("source of %s is '%s', expected '%s'", key, got, want);
}

static void assert_value(const struct bh_config *c, const char *key, const char *want)
{
    char got[CONFIG_PATH_MAX + 16];
    config_value_string(c, key_index(key), got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("value of %s is '%s', expected '%s'", key, got, want);
}

/* Writes `text` to a fresh config file under the test's scratch folder; caller frees. */
static char *write_config(const char *test, const char *text)
{
    char *path = test_path(test_tmpdir(test), "bluehelm.conf");
    test_write_file(path, text);
    return path;
}

static void assert_set_fails(struct bh_config *c, const char *key, const char *value,
                             const char *want_in_message)
{
    struct bh_config before = *c;
    struct bh_error err;
    bh_error_clear(&err);
    if (config_set(c, key, value, CONFIG_FLAG, &err) != BH_EINVALID)
        fail_msg("%s = '%s' accepted", key, value);
    assert_int_equal(err.code, BH_EINVALID);
    assert_contains(err.message, want_in_message);
    assert_memory_equal(&before, c, sizeof before);
}

static void assert_set_ok(struct bh_config *c, const char *key, const char *value)
{
    struct bh_error err;
    bh_error_clear(&err);
    if (config_set(c, key, value, CONFIG_FLAG, &err) != 0)
        fail_msg("%s = '%s' rejected: %s", key, value, err.message);
}

/* base/config-defaults */
static void base_config_defaults(void **state)
{
    (void)state;
    struct bh_config c;
    memset(&c, 0x5a, sizeof c);
    config_defaults(&c);
    assert_string_equal(c.db, "var/bluehelm.db");
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.listen_port, 8080);
    assert_int_equal(c.log_level, BH_LOG_INFO);
    assert_int_equal(c.log_format, BH_LOG_TEXT);
    assert_int_equal(c.max_body, 1048576);
    assert_int_equal(c.threads, 4);
    assert_int_equal(c.max_connections, 512);
    assert_int_equal(c.request_timeout, 30);
    assert_string_equal(c.iso_codes_dir, "/usr/share/iso-codes/json");
    assert_string_equal(c.file, "");
    for (size_t i = 0; i < config_key_count(); i++) {
        char src[64];
        config_source_describe(&c, i, src, sizeof src);
        assert_string_equal(src, "default");
    }
    assert_value(&c, "listen", "127.0.0.1:8080");
    assert_value(&c, "max_body", "1048576");
    assert_value(&c, "log_level", "info");
    assert_value(&c, "log_format", "text");
}

/* base/config-keys: every key has a flag that maps back to it and a help text. */
static void base_config_keys(void **state)
{
    (void)state;
    assert_true(config_key_count() >= 9);
    size_t without_flag = 0;
    for (size_t i = 0; i < config_key_count(); i++) {
        if (config_key_flag(i))
            assert_non_null(config_key_for_flag(config_key_flag(i)));
        else
            without_flag++;
        assert_true(strlen(config_key_help(i)) > 0);
    }
    /* Only the secrets have no flag (admin_password, smtp_password): a password in argv would
     * show in `ps`. */
    assert_int_equal(without_flag, 2);
    assert_null(config_key_for_flag(NULL));
    assert_string_equal(config_key_for_flag("max-body"), "max_body");
    assert_string_equal(config_key_for_flag("log-level"), "log_level");
    assert_string_equal(config_key_for_flag("listen"), "listen");
    assert_null(config_key_for_flag("max_body"));
    assert_null(config_key_for_flag("config"));
    assert_null(config_key_for_flag("bogus"));
}

/* base/config-precedence: defaults < file < environment < flag, each recorded. */
static void base_config_precedence(void **state)
{
    (void)state;
    struct bh_config c;
    struct bh_error err;
    config_defaults(&c);

    char *path = write_config("config-precedence", "# Bluehelm test configuration\n"
                                                   "listen = 10.0.0.1:7000\n"
                                                   "threads = 8\n"
                                                   "db = /srv/bluehelm/file.db\n"
                                                   "log_level = debug\n");
    if (config_load_file(&c, path, &err) != 0)
        fail_msg("config file rejected: %s", err.message);
    char from_file[CONFIG_PATH_MAX + 8];
    snprintf(from_file, sizeof from_file, "file %s", path);
    assert_string_equal(c.listen_host, "10.0.0.1");
    assert_int_equal(c.listen_port, 7000);
    assert_int_equal(c.threads, 8);
    assert_string_equal(c.db, "/srv/bluehelm/file.db");
    assert_int_equal(c.log_level, BH_LOG_DEBUG);
    assert_string_equal(c.file, path);
    assert_source(&c, "listen", from_file);
    assert_source(&c, "threads", from_file);
    assert_source(&c, "max_body", "default");

    char *envp[] = {
        "PATH=/usr/bin:/bin",  "BLUEHELM_LISTEN=0.0.0.0:9000",
        "BLUEHELM_THREADS=16", "BLUEHELMISH=ignored",
        "HOME=/root",          NULL,
    };
    if (config_load_env(&c, envp, &err) != 0)
        fail_msg("environment rejected: %s", err.message);
    assert_string_equal(c.listen_host, "0.0.0.0");
    assert_int_equal(c.listen_port, 9000);
    assert_int_equal(c.threads, 16);
    assert_string_equal(c.db, "/srv/bluehelm/file.db");
    assert_source(&c, "listen", "environment BLUEHELM_LISTEN");
    assert_source(&c, "threads", "environment BLUEHELM_THREADS");
    assert_source(&c, "db", from_file);

    if (config_set(&c, "listen", "[::1]:8443", CONFIG_FLAG, &err) != 0)
        fail_msg("flag rejected: %s", err.message);
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 8443);
    assert_source(&c, "listen", "flag --listen");
    assert_source(&c, "threads", "environment BLUEHELM_THREADS");
    assert_source(&c, "db", from_file);
    assert_source(&c, "log_level", from_file);
    assert_source(&c, "max_body", "default");
    assert_value(&c, "listen", "[::1]:8443");
    assert_int_equal(c.threads, 16);
    assert_int_equal(c.log_level, BH_LOG_DEBUG);
    assert_int_equal(c.max_body, 1048576);

    assert_int_equal(config_set(&c, "max_body", "2M", CONFIG_FLAG, &err), 0);
    assert_source(&c, "max_body", "flag --max-body");
    free(path);
}

/* base/config-file-bad-port: the message names the file, the line and the key. */
static void base_config_file_bad_port(void **state)
{
    (void)state;
    struct bh_config c, before;
    struct bh_error err;
    config_defaults(&c);
    before = c;
    char *path = write_config("config-file-bad-port", "threads = 8\n"
                                                      "; a comment\n"
                                                      "\n"
                                                      "listen = 127.0.0.1:99999\n"
                                                      "db = /never/read.db\n");
    bh_error_clear(&err);
    assert_int_equal(config_load_file(&c, path, &err), BH_EINVALID);
    assert_int_equal(err.code, BH_EINVALID);
    assert_contains(err.message, path);
    assert_contains(err.message, "line 4");
    assert_contains(err.message, "listen");
    assert_contains(err.message, "99999");
    assert_string_equal(err.field, "listen");
    /* The good line before it must not have been applied either. */
    assert_memory_equal(&before, &c, sizeof c);
    free(path);
}

/* base/config-file-unknown-key */
static void base_config_file_unknown_key(void **state)
{
    (void)state;
    struct bh_config c, before;
    struct bh_error err;
    config_defaults(&c);
    before = c;
    char *path = write_config("config-file-unknown-key", "threads = 2\n"
                                                         "\n"
                                                         "# listen is misspelt below\n"
                                                         "lisen = 0.0.0.0:80\n");
    bh_error_clear(&err);
    assert_int_equal(config_load_file(&c, path, &err), BH_EINVALID);
    assert_contains(err.message, path);
    assert_contains(err.message, "line 4");
    assert_contains(err.message, "lisen");
    assert_memory_equal(&before, &c, sizeof c);
    free(path);
}

/* base/config-file-malformed: sections, lines without '=', and a missing file fail. */
static void base_config_file_malformed(void **state)
{
    (void)state;
    struct bh_config c, before;
    struct bh_error err;
    config_defaults(&c);
    before = c;

    char *path = write_config("config-file-malformed", "threads = 3\nlisten 1.2.3.4:5\n");
    bh_error_clear(&err);
    assert_int_equal(config_load_file(&c, path, &err), BH_EINVALID);
    assert_contains(err.message, path);
    assert_contains(err.message, "line 2");
    assert_memory_equal(&before, &c, sizeof c);

    test_write_file(path, "[server]\nlisten = 1.2.3.4:5\n");
    bh_error_clear(&err);
    assert_int_equal(config_load_file(&c, path, &err), BH_EINVALID);
    assert_contains(err.message, "line 2");
    assert_contains(err.message, "server");
    assert_memory_equal(&before, &c, sizeof c);
    free(path);

    char *missing = test_path(test_tmpdir("config-file-missing"), "absent.conf");
    bh_error_clear(&err);
    assert_int_equal(config_load_file(&c, missing, &err), BH_EIO);
    assert_contains(err.message, missing);
    assert_memory_equal(&before, &c, sizeof c);
    free(missing);
}

/* base/config-file-syntax: comments, blank lines, spaces and CRLF line ends are fine. */
static void base_config_file_syntax(void **state)
{
    (void)state;
    struct bh_config c;
    struct bh_error err;
    config_defaults(&c);
    char *path = write_config("config-file-syntax", "# comment\r\n"
                                                    "; another\r\n"
                                                    "\r\n"
                                                    "   max_body   =   64K   \r\n"
                                                    "log_format=json\r\n"
                                                    "request_timeout = 5 ; seconds\r\n");
    if (config_load_file(&c, path, &err) != 0)
        fail_msg("rejected: %s", err.message);
    assert_int_equal(c.max_body, 65536);
    assert_int_equal(c.log_format, BH_LOG_JSON);
    assert_int_equal(c.request_timeout, 5);
    free(path);
}

/* base/config-file-long-line: a value longer than the INI reader's line buffer must not be
 * cut in two and half-read; it is either read whole or refused, naming its line. */
static void base_config_file_long_line(void **state)
{
    (void)state;
    struct bh_config c, before;
    struct bh_error err;
    config_defaults(&c);

    char db[151];
    memset(db, 'a', sizeof db - 1);
    db[0] = '/';
    db[sizeof db - 1] = '\0';
    char text[2048];
    snprintf(text, sizeof text, "threads = 2\ndb = %s\n", db);
    char *path = write_config("config-file-long-line", text);
    if (config_load_file(&c, path, &err) != 0)
        fail_msg("a 150-character path was rejected: %s", err.message);
    assert_string_equal(c.db, db);

    char longdb[600];
    memset(longdb, 'b', sizeof longdb - 1);
    longdb[0] = '/';
    longdb[sizeof longdb - 1] = '\0';
    snprintf(text, sizeof text, "threads = 3\ndb = %s\nlisten = 1.2.3.4:5\n", longdb);
    test_write_file(path, text);
    before = c;
    bh_error_clear(&err);
    int rc = config_load_file(&c, path, &err);
    if (rc == 0) {
        assert_string_equal(c.db, longdb);
        assert_string_equal(c.listen_host, "1.2.3.4");
    } else {
        assert_int_equal(rc, BH_EINVALID);
        assert_contains(err.message, path);
        assert_contains(err.message, "line 2:");
        assert_contains(err.message, "too long");
        assert_memory_equal(&before, &c, sizeof c);
    }
    free(path);
}

/* base/config-env-errors */
static void base_config_env_errors(void **state)
{
    (void)state;
    struct bh_config c, before;
    struct bh_error err;
    config_defaults(&c);
    before = c;

    char *bad_value[] = { "BLUEHELM_THREADS=9", "BLUEHELM_MAX_BODY=lots", NULL };
    bh_error_clear(&err);
    assert_int_equal(config_load_env(&c, bad_value, &err), BH_EINVALID);
    assert_contains(err.message, "BLUEHELM_MAX_BODY");
    assert_contains(err.message, "lots");
    assert_string_equal(err.field, "max_body");
    assert_memory_equal(&before, &c, sizeof c); /* BLUEHELM_THREADS=9 not applied */

    char *bad_port[] = { "BLUEHELM_LISTEN=127.0.0.1:http", NULL };
    bh_error_clear(&err);
    assert_int_equal(config_load_env(&c, bad_port, &err), BH_EINVALID);
    assert_contains(err.message, "BLUEHELM_LISTEN");
    assert_memory_equal(&before, &c, sizeof c);

    char *unknown[] = { "BLUEHELM_DB=x.db", "BLUEHELM_FOO=1", NULL };
    bh_error_clear(&err);
    assert_int_equal(config_load_env(&c, unknown, &err), BH_EINVALID);
    assert_contains(err.message, "BLUEHELM_FOO");
    assert_memory_equal(&before, &c, sizeof c);

    char *empty[] = { "BLUEHELM_DB=", NULL };
    bh_error_clear(&err);
    assert_int_equal(config_load_env(&c, empty, &err), BH_EINVALID);
    assert_contains(err.message, "BLUEHELM_DB");
    assert_memory_equal(&before, &c, sizeof c);

    /* No BLUEHELM_ variables at all changes nothing and succeeds; so does a NULL array. */
    char *none[] = { "PATH=/bin", "BLUEHELM=1", NULL };
    assert_int_equal(config_load_env(&c, none, &err), 0);
    assert_int_equal(config_load_env(&c, NULL, &err), 0);
    assert_memory_equal(&before, &c, sizeof c);
}

/* base/config-flag-errors: a flag error names the flag as the user typed it. */
static void base_config_flag_errors(void **state)
{
    (void)state;
    struct bh_config c;
    struct bh_error err;
    config_defaults(&c);
    assert_set_fails(&c, "max_body", "huge", "--max-body");
    assert_set_fails(&c, "log_level", "loud", "--log-level");
    assert_set_fails(&c, "log_level", "loud", "'loud'");
    assert_set_fails(&c, "log_format", "xml", "--log-format");
    bh_error_clear(&err);
    assert_int_equal(config_set(&c, "nosuchkey", "1", CONFIG_FLAG, &err), BH_EINVALID);
    assert_contains(err.message, "nosuchkey");
}

/* base/config-size-suffixes: K and M are binary multiples; limits apply after them. */
static void base_config_size_suffixes(void **state)
{
    (void)state;
    struct bh_config c;
    config_defaults(&c);
    static const struct {
        const char *text;
        size_t bytes;
    } ok[] = {
        { "1024", 1024 },  { "64K", 65536 },        { "64k", 65536 },           { "4M", 4194304 },
        { "4m", 4194304 }, { "1024M", 1073741824 }, { "1048576K", 1073741824 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_set_ok(&c, "max_body", ok[i].text);
        assert_int_equal(c.max_body, ok[i].bytes);
    }
    assert_value(&c, "max_body", "1073741824");
    const char *bad[] = { "1023",
                          "0",
                          "-1K",
                          "1025M",
                          "1G",
                          "1K5",
                          "K",
                          "",
                          "12.5M",
                          "4MB",
                          "99999999999999999999",
                          "-99999999999999999K",
                          "9999999999999999M" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("max_body '%s'\n", bad[i]);
        assert_set_fails(&c, "max_body", bad[i], "max-body");
    }
    assert_set_fails(&c, "max_body", "1023", "1024..1073741824");
}

/* base/config-int-ranges */
static void base_config_int_ranges(void **state)
{
    (void)state;
    struct bh_config c;
    config_defaults(&c);
    assert_set_ok(&c, "threads", "1");
    assert_int_equal(c.threads, 1);
    assert_set_ok(&c, "threads", "256");
    assert_int_equal(c.threads, 256);
    assert_set_fails(&c, "threads", "0", "1..256");
    assert_set_fails(&c, "threads", "257", "1..256");
    assert_set_fails(&c, "threads", "-1", "threads");
    assert_set_fails(&c, "threads", "4x", "threads");
    assert_set_fails(&c, "threads", "1K", "1..256");
    assert_set_fails(&c, "request_timeout", "0", "request-timeout");
    assert_set_fails(&c, "request_timeout", "3601", "1..3600");
    assert_set_fails(&c, "max_connections", "65537", "1..65536");
    assert_set_ok(&c, "max_connections", "65536");
    assert_int_equal(c.max_connections, 65536);
    assert_int_equal(c.threads, 256);
}

/* base/config-listen */
static void base_config_listen(void **state)
{
    (void)state;
    struct bh_config c;
    config_defaults(&c);
    static const struct {
        const char *text, *host;
        int port;
        const char *shown;
    } ok[] = {
        { "[::1]:8080", "::1", 8080, "[::1]:8080" },
        { "[2001:db8::7]:443", "2001:db8::7", 443, "[2001:db8::7]:443" },
        { "0.0.0.0:9000", "0.0.0.0", 9000, "0.0.0.0:9000" },
        { "localhost:0", "localhost", 0, "localhost:0" },
        { "example.org:65535", "example.org", 65535, "example.org:65535" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_set_ok(&c, "listen", ok[i].text);
        assert_string_equal(c.listen_host, ok[i].host);
        assert_int_equal(c.listen_port, ok[i].port);
        assert_value(&c, "listen", ok[i].shown);
    }
    const char *bad[] = { "127.0.0.1", ":8080",     "127.0.0.1:", "127.0.0.1:65536",
                          "host:-1",   "host:http", "host:80x",   "[::1]",
                          "[::1:8080", "[::1]8080", "[]:8080",    "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("listen '%s'\n", bad[i]);
        assert_set_fails(&c, "listen", bad[i], "--listen");
    }
}

/* base/config-mask-secret */
/* base/config-map-tile-url: a template Leaflet can fill in, or empty (outlines only). */
static void base_config_map_tile_url(void **state)
{
    (void)state;
    struct bh_config c;
    config_defaults(&c);
    assert_string_equal(c.map_tile_url, "");
    assert_set_ok(&c, "map_tile_url", "https://tiles.example.org/{z}/{x}/{y}.png");
    assert_string_equal(c.map_tile_url, "https://tiles.example.org/{z}/{x}/{y}.png");
    assert_value(&c, "map_tile_url", "https://tiles.example.org/{z}/{x}/{y}.png");
    assert_set_ok(&c, "map_tile_url", "");
    assert_string_equal(c.map_tile_url, "");
    const char *bad[] = { "tiles.example.org/{z}/{x}/{y}.png",
                          "https://tiles.example.org/{z}/{x}",
                          "ftp://h/{z}/{x}/{y}",
                          "javascript:alert(1)//{z}{x}{y}",
                          "https://h/{z}/{x}/{y}; script-src *",
                          "https://h/{z}/{x}/{y} x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("map_tile_url '%s'\n", bad[i]);
        assert_set_fails(&c, "map_tile_url", bad[i], "--map-tile-url");
    }
}

/* base/config-smtp-url: the mail relay's URL is text (empty by default, not a number), smtp://
 * or smtps:// only, and its password never shows in `bluehelm config`. */
static void base_config_smtp_url(void **state)
{
    (void)state;
    struct bh_config c;
    config_defaults(&c);
    assert_value(&c, "smtp_url", "");
    assert_set_ok(&c, "smtp_url", "smtp://relay.example.org:25");
    assert_value(&c, "smtp_url", "smtp://relay.example.org:25");
    assert_set_ok(&c, "smtp_url", "smtps://mailer:s3cret@relay.example.org:465");
    assert_string_equal(c.smtp_url, "smtps://mailer:s3cret@relay.example.org:465");
    assert_value(&c, "smtp_url", "smtps://mailer:***@relay.example.org:465");
    assert_set_fails(&c, "smtp_url", "http://relay.example.org", "--smtp-url");
}

static void base_config_mask_secret(void **state)
{
    (void)state;
    char out[256];
    config_mask_secret_url("postgresql://u:secret@h/db", out, sizeof out);
    assert_string_equal(out, "postgresql://u:***@h/db");
    config_mask_secret_url("postgresql://bluehelm:p4ss@db.example.org:5432/bh?sslmode=require", out,
                           sizeof out);
    assert_string_equal(out, "postgresql://bluehelm:***@db.example.org:5432/bh?sslmode=require");
    /* A raw '@' in the password: everything up to the last '@' of the authority is hidden. */
    config_mask_secret_url("postgresql://u:p@ss@h/db?x=a@b", out, sizeof out);
    assert_string_equal(out, "postgresql://u:***@h/db?x=a@b");
    /* Nothing to hide: unchanged. */
    const char *plain[] = { "var/bluehelm.db", "/srv/a:b@c.db", "postgresql://u@h:5432/db",
                            "postgresql://h/db", "" };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        config_mask_secret_url(plain[i], out, sizeof out);
        assert_string_equal(out, plain[i]);
    }
    /* A short output is cut, never overrun, and still does not show the password. */
    char small[12];
    config_mask_secret_url("postgresql://u:secret@h/db", small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(strstr(small, "secret"));
}

static char *print_config(const struct bh_config *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print(c, f);
    fclose(f);
    return text;
}

/* base/config-print */
static void base_config_print(void **state)
{
    (void)state;
    struct bh_config c;
    struct bh_error err;
    config_defaults(&c);
    char *text = print_config(&c);
    assert_contains(text, "listen = 127.0.0.1:8080");
    assert_contains(text, "# default");
    assert_contains(text, "db = var/bluehelm.db");
    assert_contains(text, "max_body = 1048576");
    assert_contains(text, "log_level = info");
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, config_key_count());
    free(text);

    /* Sources show, and a secret in the store URL never does. */
    assert_int_equal(config_set(&c, "db", "postgresql://u:secret@h/db", CONFIG_FLAG, &err), 0);
    char *envp[] = { "BLUEHELM_THREADS=7", NULL };
    assert_int_equal(config_load_env(&c, envp, &err), 0);
    text = print_config(&c);
    assert_contains(text, "db = postgresql://u:***@h/db");
    assert_contains(text, "# flag --db");
    assert_contains(text, "threads = 7");
    assert_contains(text, "# environment BLUEHELM_THREADS");
    assert_null(strstr(text, "secret"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("base/config-defaults", base_config_defaults),
        BH_TEST("base/config-keys", base_config_keys),
        BH_TEST("base/config-precedence", base_config_precedence),
        BH_TEST("base/config-file-bad-port", base_config_file_bad_port),
        BH_TEST("base/config-file-unknown-key", base_config_file_unknown_key),
        BH_TEST("base/config-file-malformed", base_config_file_malformed),
        BH_TEST("base/config-file-syntax", base_config_file_syntax),
        BH_TEST("base/config-file-long-line", base_config_file_long_line),
        BH_TEST("base/config-env-errors", base_config_env_errors),
        BH_TEST("base/config-flag-errors", base_config_flag_errors),
        BH_TEST("base/config-size-suffixes", base_config_size_suffixes),
        BH_TEST("base/config-int-ranges", base_config_int_ranges),
        BH_TEST("base/config-listen", base_config_listen),
        BH_TEST("base/config-map-tile-url", base_config_map_tile_url),
        BH_TEST("base/config-mask-secret", base_config_mask_secret),
        BH_TEST("base/config-smtp-url", base_config_smtp_url),
        BH_TEST("base/config-print", base_config_print),
    };
    return cmocka_run_group_tests_name("base/config", tests, NULL, NULL);
}
