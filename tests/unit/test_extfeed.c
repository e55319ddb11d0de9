/* The external feed poller (src/extfeed/, src/formats/feed.c) against feeds served by the
 * tests' HTTP fixture (tests/support/http_fixture.c) from tests/data/feeds, with the clock
 * handed in: what a poll imports, what it asks again with its validators, what it refuses, and
 * which missions an alert's areas make it context for. */
#include "http_fixture.h"
#include "support.h"
#include "world.h"

#include "base/arena.h"
#include "db/db.h"
#include "extfeed/extfeed.h"
#include "formats/feed.h"
#include "principal/principal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1796630400000LL /* 2026-12-07T08:00:00Z */

static const char *const orgs[] = { "DPO", "FRA", "BRA" };
static const struct test_user users[] = {
    { "secretariat", "DPO", "admin", NULL, NULL, NULL, NULL },
    { "car_rep", "FRA", "reporter", "MINUSCA", NULL, NULL, NULL },
    { "mali_rep", "BRA", "reporter", "UNMISS", NULL, NULL, NULL },
};
static const struct test_world world = {
    .name = "unit_extfeed", .password = "a long test password 1", TEST_ORGS(orgs), TEST_USERS(users)
};

static int64_t q_int(struct db *db, const char *sql)
{
    struct bh_error err;
    int64_t v = -1;
    must(db_query_int(db, sql, -1, &v, &err), &err, sql);
    return v;
}

static char *q_text(struct db *db, const char *sql)
{
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, sql, &st, &err), &err, sql);
    char *out =
        db_step(st, &err) == DB_ROW && db_column_text(st, 0) ? strdup(db_column_text(st, 0)) : NULL;
    db_stmt_done(st);
    return out;
}

struct ctx {
    char *store;
    char dir[600];
    struct http_fixture *srv;
    struct db *db;
};

/* Subscribes as the secretariat's admin (DPO) to `file` on the fixture. */
static int64_t subscribe(struct ctx *c, const char *file, int interval_s)
{
    struct bh_error err;
    struct principal who = { .role = ROLE_ADMIN };
    who.org_id = q_int(c->db, "SELECT id FROM org WHERE code = 'DPO'");
    who.account_id = q_int(c->db, "SELECT id FROM account WHERE username = 'secretariat'");
    snprintf(who.username, sizeof who.username, "secretariat");
    char url[200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", http_fixture_port(c->srv), file);
    json_t *body = json_pack("{s:s, s:s, s:i}", "url", url, "name", file, "interval_s", interval_s);
    json_t *out = NULL;
    must(extfeed_create(c->db, &who, body, &out, &err), &err, "subscribe");
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(body);
    json_decref(out);
    return id;
}

/* Sets feed_allow_hosts for this process, as the poller does at its start. */
static void allow_feeds(const char *blocks)
{
    struct bh_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.feed_allow_hosts, sizeof cfg.feed_allow_hosts, "%s", blocks);
    struct bh_error err;
    must(extfeed_configure(&cfg, &err), &err, "extfeed_configure");
}

static int setup(void **state)
{
    static struct ctx c;
    memset(&c, 0, sizeof c);
    c.store = test_world_store(&world);
    snprintf(c.dir, sizeof c.dir, "%s", test_tmpdir("unit_extfeed_www"));
    const char *files[] = { "gdacs.atom", "outside.cap", "met.rss", "bambari-update.cap",
                            "dtd.atom" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        http_fixture_add(c.dir, files[i]);
    c.srv = http_fixture_start(c.dir);
    struct bh_error err;
    must(db_open(&c.db, c.store, 0, &err), &err, "open the store");
    /* The fixture serves on loopback, which the guard refuses unless the site allows it. */
    allow_feeds("127.0.0.1/32");
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    db_close(c->db);
    http_fixture_stop(c->srv);
    free(c->store);
    return 0;
}

/* extfeed/poll-imports-then-304: the first poll imports both entries (one embedded, one
 * linked); the next, once the interval has passed, sends the ETag and gets 304, importing
 * nothing; and a poll before the interval fetches nothing at all. */
static void poll_imports_then_304(void **state)
{
    struct ctx *c = *state;
    struct bh_error err;
    int fetched = -1;
    int64_t id = subscribe(c, "gdacs.atom", 300);
    must(extfeed_poll_once(c->db, T0, &fetched, &err), &err, "first poll");
    assert_int_equal(fetched, 1);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert WHERE origin LIKE 'feed:%'"), 2);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT status || '/' || items_seen || '/' || alerts_imported "
             "FROM extfeed WHERE id = %lld",
             (long long)id);
    char *s = q_text(c->db, sql);
    assert_string_equal(s, "ok/2/2");
    free(s);

    /* 100 s later: not due (interval 300 s), nothing fetched. */
    int before = http_fixture_requests(c->srv);
    must(extfeed_poll_once(c->db, T0 + 100000, &fetched, &err), &err, "early poll");
    assert_int_equal(fetched, 0);
    assert_int_equal(http_fixture_requests(c->srv), before);

    must(extfeed_poll_once(c->db, T0 + 300000, &fetched, &err), &err, "second poll");
    assert_int_equal(fetched, 1);
    char path[200], inm[200];
    http_fixture_last(c->srv, path, sizeof path, inm, sizeof inm);
    assert_string_equal(path, "/gdacs.atom");
    assert_true(inm[0] == '"');
    assert_int_equal(http_fixture_not_modified(c->srv), 1);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert WHERE origin LIKE 'feed:%'"), 2);
    s = q_text(c->db, sql);
    assert_string_equal(s, "not_modified/2/2");
    free(s);
}

/* extfeed/context-alert-minusca: the Ouaka flood (Bambari, 280 km from Bangui) is a context
 * alert for MINUSCA and its member is told; the Chilean earthquake is context for no mission
 * and tells no one. */
static void context_alert_minusca(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert_context c JOIN alert a ON a.id = "
                                  "c.alert_id WHERE c.mission = 'MINUSCA' AND a.identifier = "
                                  "'GDACS-FL-1102040-1'"),
                     1);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert_context c JOIN alert a ON a.id = "
                                  "c.alert_id WHERE a.identifier = 'GDACS-EQ-1500001-1'"),
                     0);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM notification n JOIN account u ON u.id = "
                                  "n.account_id WHERE u.username = 'car_rep' AND n.kind = "
                                  "'feed.context_alert'"),
                     1);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM notification n JOIN account u ON u.id = "
                                  "n.account_id WHERE u.username = 'mali_rep' AND n.kind = "
                                  "'feed.context_alert'"),
                     0);
    /* Listed for MINUSCA under the alert's visibility (a CLEAR alert: the reporter sees it). */
    struct principal rep = { .role = ROLE_REPORTER };
    rep.org_id = q_int(c->db, "SELECT id FROM org WHERE code = 'FRA'");
    rep.account_id = q_int(c->db, "SELECT id FROM account WHERE username = 'car_rep'");
    json_t *items = json_array();
    struct bh_error err;
    must(extfeed_context_list(c->db, &rep, "MINUSCA", items, &err), &err, "context list");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "headline")),
                        "Flood alert for the Ouaka river basin");
    json_decref(items);
    items = json_array();
    assert_int_equal(extfeed_context_list(c->db, &rep, "NOPE", items, &err), BH_ENOTFOUND);
    json_decref(items);
}

/* extfeed/rss-update-no-duplicate: the met service's RSS item links an Update of the stored
 * flood alert: the first alert is marked updated, not stored twice, and the context alert is
 * not told twice for the same message. */
static void rss_update_no_duplicate(void **state)
{
    struct ctx *c = *state;
    struct bh_error err;
    int fetched;
    subscribe(c, "met.rss", 60);
    must(extfeed_poll_once(c->db, T0 + 400000, &fetched, &err), &err, "rss poll");
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert WHERE identifier = "
                                  "'GDACS-FL-1102040-1'"),
                     1);
    char *st = q_text(c->db, "SELECT state FROM alert WHERE identifier = 'GDACS-FL-1102040-1'");
    assert_string_equal(st, "updated");
    free(st);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert WHERE identifier = "
                                  "'GDACS-FL-1102040-2'"),
                     1);
    /* Polling the same RSS again (no validators kept by clients that lose them) imports
     * nothing new. */
    must(db_exec(c->db, "UPDATE extfeed SET etag = NULL, last_modified = NULL", &err), &err,
         "forget validators");
    must(extfeed_poll_once(c->db, T0 + 900000, &fetched, &err), &err, "rss poll again");
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert WHERE identifier LIKE "
                                  "'GDACS-FL-1102040-%'"),
                     2);
}

/* extfeed/refuse-dtd-and-oversize: a feed declaring a DTD and a feed over 5 MB are refused,
 * nothing imported, and the feed's error says why. */
static void refuse_dtd_and_oversize(void **state)
{
    struct ctx *c = *state;
    struct bh_error err;
    int fetched;
    char big[700];
    snprintf(big, sizeof big, "%s/big.atom", c->dir);
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>", f);
    for (int i = 0; i < 6 * 1024; i++)
        fprintf(f, "%01024d", 0);
    fputs("</title></feed>", f);
    fclose(f);
    must(db_exec(c->db, "UPDATE extfeed SET enabled = 0", &err), &err, "pause the others");
    int64_t before = q_int(c->db, "SELECT count(*) FROM alert");
    int64_t dtd = subscribe(c, "dtd.atom", 60), over = subscribe(c, "big.atom", 60);
    must(extfeed_poll_once(c->db, T0 + 1000000, &fetched, &err), &err, "poll");
    assert_int_equal(fetched, 2);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert"), before);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT status || ': ' || error FROM extfeed WHERE id = %lld",
             (long long)dtd);
    char *s = q_text(c->db, sql);
    assert_non_null(strstr(s, "error: "));
    assert_non_null(strstr(s, "DTD"));
    free(s);
    snprintf(sql, sizeof sql, "SELECT status || ': ' || error FROM extfeed WHERE id = %lld",
             (long long)over);
    s = q_text(c->db, sql);
    assert_non_null(strstr(s, "error: "));
    assert_non_null(strstr(s, "larger than 5242880 bytes"));
    free(s);
}

/* extfeed/poll-refuses-private-address: without feed_allow_hosts a feed on a loopback address
 * is never fetched (the webhooks' guard, on the address each connection is about to use): the
 * fixture gets no request, nothing is imported, and the feed's error says why; a bad block in
 * the setting is refused naming it. */
static void refuse_private_address(void **state)
{
    struct ctx *c = *state;
    struct bh_error err;
    int fetched = -1;
    struct bh_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.feed_allow_hosts, sizeof cfg.feed_allow_hosts, "10.0.0.0/33");
    assert_int_equal(extfeed_configure(&cfg, &err), BH_EINVALID);
    assert_string_equal(err.field, "feed_allow_hosts");

    must(db_exec(c->db, "UPDATE extfeed SET enabled = 0", &err), &err, "pause the others");
    allow_feeds("");
    int64_t before = q_int(c->db, "SELECT count(*) FROM alert");
    int requests = http_fixture_requests(c->srv);
    /* Any file of the fixture: the guard refuses the connection before a byte is read. */
    int64_t id = subscribe(c, "outside.cap", 60);
    must(extfeed_poll_once(c->db, T0 + 2000000, &fetched, &err), &err, "poll");
    allow_feeds("127.0.0.1/32");
    assert_int_equal(fetched, 1);
    assert_int_equal(http_fixture_requests(c->srv), requests);
    assert_int_equal(q_int(c->db, "SELECT count(*) FROM alert"), before);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT status || ': ' || error FROM extfeed WHERE id = %lld",
             (long long)id);
    char *s = q_text(c->db, sql);
    assert_non_null(strstr(s, "error: "));
    assert_non_null(strstr(s, "loopback (127.0.0.0/8) address refused"));
    free(s);
}

/* extfeed/parse-atom-rss: the reader finds an embedded CAP message (namespaces declared on the
 * copy), resolves a relative link against the feed's URL, takes an RSS item's link, and
 * refuses a document that is no feed. */
static void parse_atom_rss(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    struct feed_doc d;
    struct bh_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/feeds/gdacs.atom", BH_TEST_DATA);
    size_t len;
    char *xml = test_read_file(path, &len);
    must(feed_parse(xml, len, "http://h.example/feeds/a.atom", a, &d, &err), &err, "atom");
    assert_string_equal(d.kind, "atom");
    assert_int_equal(d.nentries, 2);
    assert_non_null(d.entries[0].cap_xml);
    assert_non_null(strstr(d.entries[0].cap_xml, "urn:oasis:names:tc:emergency:cap:1.2"));
    assert_string_equal(d.entries[1].cap_url, "http://h.example/feeds/outside.cap");
    free(xml);
    snprintf(path, sizeof path, "%s/feeds/met.rss", BH_TEST_DATA);
    xml = test_read_file(path, &len);
    must(feed_parse(xml, len, "https://met.example/w/rss", a, &d, &err), &err, "rss");
    assert_string_equal(d.kind, "rss");
    assert_string_equal(d.entries[0].cap_url, "https://met.example/w/bambari-update.cap");
    assert_string_equal(d.entries[0].id, "met-2026-12-07-ouaka-2");
    free(xml);
    const char *notfeed = "<html><body/></html>";
    assert_int_equal(feed_parse(notfeed, strlen(notfeed), NULL, a, &d, &err), BH_EINVALID);
    const char *file = "<rss version=\"2.0\"><channel><item><link>file:///etc/passwd</link>"
                       "</item></channel></rss>";
    must(feed_parse(file, strlen(file), NULL, a, &d, &err), &err, "file link");
    assert_null(d.entries[0].cap_url);
    assert_non_null(d.entries[0].problem);
    arena_free(a);
}

/* extfeed/area-touches: a polygon inside, around and beside a box; a circle near and far. */
static void area_touches(void **state)
{
    (void)state;
    double box[4];
    extfeed_box_around(4.3612, 18.5550, 500, box); /* Bangui */
    const char *inside[] = { "5.5,20.4 6.1,20.4 6.1,21.0 5.5,21.0 5.5,20.4" };
    const char *around[] = { "-20,0 20,0 20,40 -20,40 -20,0" };
    const char *beside[] = { "-33,-72 -32,-72 -32,-71 -33,-71 -33,-72" };
    const char *near[] = { "8.9,18.5 100" }, *far[] = { "-33.05,-71.62 50" };
    struct cap_area ar = { .area_desc = "x", .polygons = inside, .npolygons = 1 };
    assert_true(extfeed_area_touches(&ar, box));
    ar.polygons = around;
    assert_true(extfeed_area_touches(&ar, box));
    ar.polygons = beside;
    assert_false(extfeed_area_touches(&ar, box));
    struct cap_area ci = { .area_desc = "y", .circles = near, .ncircles = 1 };
    assert_true(extfeed_area_touches(&ci, box));
    ci.circles = far;
    assert_false(extfeed_area_touches(&ci, box));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("extfeed/parse-atom-rss", parse_atom_rss),
        BH_TEST("extfeed/area-touches", area_touches),
        BH_TEST("extfeed/poll-imports-then-304", poll_imports_then_304),
        BH_TEST("extfeed/context-alert-minusca", context_alert_minusca),
        BH_TEST("extfeed/rss-update-no-duplicate", rss_update_no_duplicate),
        BH_TEST("extfeed/refuse-dtd-and-oversize", refuse_dtd_and_oversize),
        BH_TEST("extfeed/poll-refuses-private-address", refuse_private_address),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
