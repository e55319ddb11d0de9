/* Notifications (src/notify/, docs/notifications.md): notify_account/org/mission write one row
 * and one live-feed event per account told; the list and the count check each notification's
 * record against its sharing rule when they are read; the e-mail digest sends one mail per
 * account and hour to a real SMTP receiver, never mails what the reader may no longer see,
 * and leaves everything for the next pass when the relay refuses. */
#include "smtp_receiver.h"
#include "support.h"

#include "api/common.h"
#include "base/config.h"
#include "db/db.h"
#include "notify/notify.h"
#include "principal/principal.h"
#include "sharing/sharing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Kidal convoy escort 2019"
#define HOUR_MS  (3600LL * 1000)
#define T0       1780000000000LL /* 2026-05-28, the digest's injected clock */

static struct db *db;
static int64_t org_ids[3];
static struct principal fra_fp, fra_an, bra_fp, cli;

#define GREEN_ID "0190aaaa-0000-7000-8000-000000000001"
#define RED_ID   "0190aaaa-0000-7000-8000-000000000002"

static int setup(void **state)
{
    (void)state;
    static const char *const codes[] = { "DPO", "FRA", "BRA" };
    db = test_db_with_orgs("unit_notify", NULL, codes, 3, 0, org_ids);
    principal_cli(&cli);
    test_user_principal(db, "fra.fp", org_ids[1], "FRA", ROLE_FOCAL_POINT, "MINUSMA", PASSWORD,
                        &fra_fp);
    test_user_principal(db, "fra.analyst", org_ids[1], "FRA", ROLE_ANALYST, NULL, PASSWORD,
                        &fra_an);
    test_user_principal(db, "bra.fp", org_ids[2], "BRA", ROLE_FOCAL_POINT, "MINUSMA", PASSWORD,
                        &bra_fp);
    static const struct test_incident in[] = {
        { GREEN_ID, "MINUSMA", "2026-05-01T06:00:00Z", 16.27, -0.04, "IED on the Gao road", "FRA",
          "GREEN", NULL },
        { RED_ID, "MINUSMA", "2026-05-02T06:00:00Z", 16.27, -0.04, "Convoy ambush", "FRA", "RED",
          NULL },
    };
    test_insert_incidents(db, in, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int64_t count_sql(const char *fmt, int64_t a)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, (long long)a);
    return test_query_int(db, sql);
}

static void tell(int64_t account, const char *kind, const char *type, const char *id,
                 const char *params, const char *link)
{
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(notify_account(db, account, kind, type, id, params, link, &err), &err, "notify_account");
    must(db_commit(db, &err), &err, "commit");
}

static int64_t unread(const struct principal *who)
{
    struct bh_error err;
    int64_t n = -1;
    must(notify_unread_count(db, who, api_record_kinds, &n, &err), &err, "count");
    return n;
}

/* unit/notify-writes-rows-and-feed-events */
static void notify_writes_rows_and_feed_events(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification; DELETE FROM feed_event");
    struct bh_error err;
    tell(bra_fp.account_id, "alert.received", NULL, NULL, "{\"headline\":\"Road closed\"}",
         "/alerts/1");
    assert_int_equal(count_sql("SELECT count(*) FROM notification WHERE account_id = %lld AND "
                               "kind = 'alert.received' AND params = '{\"headline\":\"Road "
                               "closed\"}' AND link = '/alerts/1' AND read_at IS NULL",
                               bra_fp.account_id),
                     1);
    /* The feed event names the notification and is for that account alone. */
    assert_int_equal(count_sql("SELECT count(*) FROM feed_event f JOIN notification n ON "
                               "f.record_id = CAST(n.id AS TEXT) WHERE f.kind = 'notification' "
                               "AND f.action = 'created' AND f.account_id = %lld",
                               bra_fp.account_id),
                     1);

    must(db_begin(db, &err), &err, "begin");
    must(notify_org(db, org_ids[1], "webhook.disabled", NULL, NULL, NULL, NULL, &err), &err,
         "notify_org");
    must(notify_mission(db, "MINUSMA", "alert.received", "incident", GREEN_ID, NULL, NULL, &err),
         &err, "notify_mission");
    must(db_commit(db, &err), &err, "commit");
    /* FRA's two users; MINUSMA's two (one French, one Brazilian). */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM notification WHERE kind = "
                                        "'webhook.disabled'"),
                     2);
    assert_int_equal(count_sql("SELECT count(*) FROM notification WHERE kind = 'webhook.disabled' "
                               "AND account_id = %lld",
                               fra_an.account_id),
                     1);
    assert_int_equal(test_query_int(db,
                                    "SELECT count(*) FROM notification WHERE record_id = '" GREEN_ID
                                    "' AND account_id IN (SELECT account_id FROM "
                                    "account_mission WHERE mission = 'MINUSMA')"),
                     2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM feed_event WHERE kind = "
                                        "'notification'"),
                     5);

    /* Bad input: refused, naming the field, and nothing written. */
    struct {
        const char *kind, *type, *id, *params, *link, *field;
    } bad[] = {
        { "Alert Received", NULL, NULL, NULL, NULL, "kind" },
        { "alert.received", "incident", NULL, NULL, NULL, "record_type" },
        { "alert.received", NULL, NULL, "[1]", NULL, "params" },
        { "alert.received", NULL, NULL, "{\"a\":", NULL, "params" },
        { "alert.received", NULL, NULL, NULL, "https://evil.example/", "link" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = notify_account(db, bra_fp.account_id, bad[i].kind, bad[i].type, bad[i].id,
                                bad[i].params, bad[i].link, &err);
        assert_int_equal(rc, BH_EINVALID);
        assert_string_equal(err.field, bad[i].field);
    }
    assert_int_equal(notify_mission(db, "", "alert.received", NULL, NULL, NULL, NULL, &err),
                     BH_EINVALID);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM notification"), 5);
}

/* unit/notify-visibility-at-delivery: a notification whose record's marking changed so the
 * reader may no longer see it leaves the reader's list and count, and cannot be marked read;
 * it comes back when the marking does. */
static void notify_visibility_at_delivery(void **state)
{
    (void)state;
    test_exec(db,
              "DELETE FROM notification; UPDATE incident SET tlp = 'GREEN' WHERE id = '" GREEN_ID
              "'");
    struct bh_error err;
    tell(bra_fp.account_id, "alert.received", "incident", GREEN_ID, NULL, "/incidents/" GREEN_ID);
    tell(bra_fp.account_id, "alert.received", "incident", RED_ID, NULL, NULL);
    tell(bra_fp.account_id, "webhook.disabled", NULL, NULL, "{\"url\":\"https://x.example\"}",
         NULL);
    tell(fra_fp.account_id, "alert.received", "incident", GREEN_ID, NULL, NULL);
    /* The RED report is France's alone: Brazil is never shown that notification. */
    assert_int_equal(unread(&bra_fp), 2);

    json_t *items = json_array();
    bool more = true;
    int64_t total = -1;
    must(notify_list(db, &bra_fp, api_record_kinds, false, 0, 50, items, &more, &total, &err), &err,
         "list");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(total, 2);
    assert_false(more);
    /* Newest first. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind")),
                        "webhook.disabled");
    json_t *first = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(first, "record_id")), GREEN_ID);
    int64_t green_note = json_integer_value(json_object_get(first, "id"));
    json_decref(items);

    /* France re-marks its report RED: Brazil's notification about it is gone. */
    test_exec(db, "UPDATE incident SET tlp = 'RED' WHERE id = '" GREEN_ID "'");
    assert_int_equal(unread(&bra_fp), 1);
    items = json_array();
    must(notify_list(db, &bra_fp, api_record_kinds, false, 0, 50, items, &more, &total, &err), &err,
         "list");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(total, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind")),
                        "webhook.disabled");
    json_decref(items);
    assert_int_equal(notify_mark_read(db, &bra_fp, api_record_kinds, green_note, &err),
                     BH_ENOTFOUND);
    /* Another's notification is not found either. */
    assert_int_equal(notify_mark_read(db, &fra_fp, api_record_kinds, green_note, &err),
                     BH_ENOTFOUND);
    test_exec(db, "UPDATE incident SET tlp = 'GREEN' WHERE id = '" GREEN_ID "'");
    assert_int_equal(unread(&bra_fp), 2);
}

/* unit/notify-visibility-matrix: one incident per marking, owned by FRA, AMBER in a group
 * with BRA; a notification about each to a focal point of FRA (the owner), BRA (in the group)
 * and DPO (outside). What each lists is read off docs/sharing.md by hand: RED names its
 * readers one by one, and none of these is named. */
static void notify_visibility_matrix(void **state)
{
    (void)state;
    static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
    enum { NT = 5, NO = 3 };
    static const char *const ids[NT] = {
        "0190cccc-0000-7000-8000-00000000a001", "0190cccc-0000-7000-8000-00000000a002",
        "0190cccc-0000-7000-8000-00000000a003", "0190cccc-0000-7000-8000-00000000a004",
        "0190cccc-0000-7000-8000-00000000a005",
    };
    static const bool want[NO][NT] = {
        /* CLEAR GREEN AMBER STRICT RED */
        { true, true, true, true, false },   /* FRA, the owner */
        { true, true, true, false, false },  /* BRA, in the group */
        { true, true, false, false, false }, /* DPO, outside */
    };
    test_exec(db, "DELETE FROM notification");
    struct principal dpo_fp, fra_coord;
    test_user_principal(db, "dpo.fp", org_ids[0], "DPO", ROLE_FOCAL_POINT, NULL, PASSWORD, &dpo_fp);
    test_principal(&fra_coord, 0, org_ids[1], "FRA", ROLE_COORDINATOR, "fra.coord");
    const struct principal *readers[NO] = { &fra_fp, &bra_fp, &dpo_fp };
    struct bh_error err;
    int64_t group = 0;
    const char *members[] = { "BRA" };
    must(sharing_group_create(db, &fra_coord, "Notify matrix", NULL, members, 1, &group, &err),
         &err, "group");
    for (int t = 0; t < NT; t++) {
        struct test_incident in = { ids[t], "MINUSMA", "2026-05-03T06:00:00Z",
                                    16.27,  -0.04,     "Matrix",
                                    "FRA",  "GREEN",   NULL };
        test_insert_incidents(db, &in, 1);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "UPDATE incident SET tlp = '%s', sharing_group_id = %s WHERE id = '%s'", tlps[t],
                 t == 2 ? "(SELECT max(id) FROM sharing_group)" : "NULL", ids[t]);
        test_exec(db, sql);
        for (int o = 0; o < NO; o++)
            tell(readers[o]->account_id, "alert.received", "incident", ids[t], NULL, NULL);
    }
    int wrong = 0;
    for (int o = 0; o < NO; o++) {
        json_t *items = json_array();
        bool more = false;
        int64_t total = 0;
        must(
            notify_list(db, readers[o], api_record_kinds, false, 0, 50, items, &more, &total, &err),
            &err, "list");
        for (int t = 0; t < NT; t++) {
            bool got = false;
            size_t i;
            json_t *item;
            json_array_foreach(items, i, item)
            {
                got |= strcmp(json_string_value(json_object_get(item, "record_id")), ids[t]) == 0;
            }
            if (got != want[o][t]) {
                print_message("%s reading a notification about a %s record: expected %s, got %s\n",
                              readers[o]->org_code, tlps[t], want[o][t] ? "listed" : "hidden",
                              got ? "listed" : "hidden");
                wrong++;
            }
        }
        int64_t n = 0;
        for (int t = 0; t < NT; t++)
            n += want[o][t];
        if (total != n || unread(readers[o]) != n) {
            print_message("%s: total %lld, unread %lld, expected %lld\n", readers[o]->org_code,
                          (long long)total, (long long)unread(readers[o]), (long long)n);
            wrong++;
        }
        json_decref(items);
    }
    if (wrong)
        fail_msg("%d cells of the notification visibility matrix are wrong", wrong);
}

/* The digest's settings for `who`: on, with an address. */
static void digest_on(const struct principal *who, const char *email)
{
    struct bh_error err;
    must(notify_set_email(db, &cli, who->username, email, &err), &err, "set email");
    must(notify_settings_set(db, who, true, &err), &err, "digest on");
}

static void config_for(struct bh_config *c, const struct smtp_receiver *s)
{
    config_defaults(c);
    smtp_receiver_url(s, c->smtp_url, sizeof c->smtp_url);
    snprintf(c->smtp_from, sizeof c->smtp_from, "bluehelm@example.org");
    snprintf(c->public_url, sizeof c->public_url, "https://bluehelm.example.org/");
}

static int run_digest(const struct bh_config *c, int64_t now, int *sent)
{
    struct bh_error err;
    int rc = notify_digest_run_once(db, c, api_record_kinds, now, sent, &err);
    if (rc && rc != BH_EIO)
        fail_msg("digest: %s", err.message);
    return rc;
}

/* unit/notify-digest-hourly: one mail with both visible notifications, none within the hour,
 * another after it; the hidden one is never mailed. */
static void notify_digest_hourly(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification; UPDATE account SET last_digest_ms = NULL, "
                  "email_digest = 0; UPDATE incident SET tlp = 'GREEN' WHERE id = '" GREEN_ID "'");
    struct smtp_receiver *s = smtp_receiver_start();
    struct bh_config c;
    config_for(&c, s);
    digest_on(&bra_fp, "bra.fp@example.org");
    tell(bra_fp.account_id, "alert.received", NULL, NULL, "{\"headline\":\"Road to Gao closed\"}",
         "/alerts/0190");
    tell(bra_fp.account_id, "alert.received", "incident", GREEN_ID,
         "{\"headline\":\"IED on the Gao road\"}", "/incidents/" GREEN_ID);
    tell(bra_fp.account_id, "alert.received", "incident", RED_ID,
         "{\"headline\":\"Secret convoy ambush\"}", NULL);
    /* France's analyst chose no digest: told, not mailed. */
    tell(fra_an.account_id, "alert.received", NULL, NULL, "{\"headline\":\"x\"}", NULL);

    int sent = -1;
    assert_int_equal(run_digest(&c, T0, &sent), 0);
    assert_int_equal(sent, 1);
    assert_int_equal(smtp_receiver_count(s), 1);
    char *rcpt = NULL, *from = NULL;
    char *mail = smtp_receiver_message(s, 0, &from, &rcpt);
    assert_string_equal(rcpt, "bra.fp@example.org");
    assert_string_equal(from, "bluehelm@example.org");
    assert_contains(mail, "To: <bra.fp@example.org>\r\n");
    assert_contains(mail, "Content-Type: text/plain; charset=UTF-8\r\n");
    assert_contains(mail, "Subject: Bluehelm: your unread notifications\r\n");
    assert_contains(mail, "- New alert: Road to Gao closed\r\n");
    assert_contains(mail, "  https://bluehelm.example.org/alerts/0190\r\n");
    assert_contains(mail, "- New alert: IED on the Gao road\r\n");
    assert_null(strstr(mail, "Secret convoy ambush"));
    free(mail);
    free(rcpt);
    free(from);
    assert_int_equal(count_sql("SELECT count(*) FROM notification WHERE account_id = %lld AND "
                               "emailed_at IS NOT NULL",
                               bra_fp.account_id),
                     2);
    assert_int_equal(test_query_int(db,
                                    "SELECT count(*) FROM notification WHERE record_id = '" RED_ID
                                    "' AND emailed_at IS NULL"),
                     1);

    /* Half an hour later, something new: not before the hour is out. A review's verdict is a
     * code that picks the sentence, never printed as it is. */
    tell(bra_fp.account_id, "webhook.disabled", NULL, NULL,
         "{\"url\":\"https://hooks.example.org/in\"}", NULL);
    tell(bra_fp.account_id, "library.review", NULL, NULL,
         "{\"org\":\"RWA\",\"title\":\"Convoy drills\",\"verdict\":\"approve\"}", NULL);
    tell(bra_fp.account_id, "library.review", NULL, NULL,
         "{\"org\":\"FRA\",\"title\":\"Camp lights\",\"verdict\":\"changes\"}", NULL);
    assert_int_equal(run_digest(&c, T0 + HOUR_MS / 2, &sent), 0);
    assert_int_equal(sent, 0);
    assert_int_equal(smtp_receiver_count(s), 1);
    assert_int_equal(run_digest(&c, T0 + HOUR_MS + 1000, &sent), 0);
    assert_int_equal(sent, 1);
    assert_int_equal(smtp_receiver_count(s), 2);
    mail = smtp_receiver_message(s, 1, NULL, NULL);
    assert_contains(mail, "- Your webhook https://hooks.example.org/in was disabled after repeated "
                          "failures\r\n");
    assert_contains(mail, "- RWA approved “Convoy drills”\r\n");
    assert_contains(mail, "- FRA asked for changes to “Camp lights”\r\n");
    assert_null(strstr(mail, "approve\r\n"));
    assert_null(strstr(mail, "Road to Gao"));
    free(mail);

    /* Read before the next digest: not mailed. */
    tell(bra_fp.account_id, "alert.received", NULL, NULL, "{\"headline\":\"Seen already\"}", NULL);
    struct bh_error err;
    must(notify_mark_all_read(db, &bra_fp, NULL, &err), &err, "read all");
    assert_int_equal(run_digest(&c, T0 + 3 * HOUR_MS, &sent), 0);
    assert_int_equal(sent, 0);
    smtp_receiver_stop(s);
}

/* unit/notify-digest-relay-refuses: a relay that refuses leaves the notifications unmailed,
 * and the next pass sends them. */
static void notify_digest_relay_refuses(void **state)
{
    (void)state;
    test_exec(db, "DELETE FROM notification; UPDATE account SET last_digest_ms = NULL, "
                  "email_digest = 0");
    struct smtp_receiver *s = smtp_receiver_start();
    struct bh_config c;
    config_for(&c, s);
    digest_on(&fra_fp, "fra.fp@example.org");
    tell(fra_fp.account_id, "alert.received", NULL, NULL, "{\"headline\":\"Retry me\"}", NULL);
    smtp_receiver_refuse(s, true);
    int sent = -1;
    assert_int_equal(run_digest(&c, T0, &sent), BH_EIO);
    assert_int_equal(sent, 0);
    assert_int_equal(smtp_receiver_count(s), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM notification WHERE emailed_at IS "
                                        "NULL"),
                     1);
    smtp_receiver_refuse(s, false);
    assert_int_equal(run_digest(&c, T0 + 60000, &sent), 0);
    assert_int_equal(sent, 1);
    char *mail = smtp_receiver_message(s, 0, NULL, NULL);
    assert_contains(mail, "- New alert: Retry me\r\n");
    free(mail);

    /* No relay configured: nothing is sent, nothing marked. */
    tell(fra_fp.account_id, "alert.received", NULL, NULL, "{\"headline\":\"Later\"}", NULL);
    c.smtp_url[0] = '\0';
    assert_int_equal(run_digest(&c, T0 + 10 * HOUR_MS, &sent), 0);
    assert_int_equal(sent, 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM notification WHERE emailed_at IS "
                                        "NULL"),
                     1);
    smtp_receiver_stop(s);
}

/* unit/notify-email-address: one address, nothing that could add a header or a recipient. */
static void notify_email_address(void **state)
{
    (void)state;
    struct bh_error err;
    static const char *const bad[] = {
        "a@b.org\r\nBcc: x@y.org", "a@b.org, c@d.org", "no-at", "<a@b.org>", "a@@b.org", "a@b"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(notify_set_email(db, &cli, "bra.fp", bad[i], &err), BH_EINVALID);
        assert_string_equal(err.field, "email");
    }
    assert_int_equal(notify_set_email(db, &cli, "nobody", "a@b.org", &err), BH_ENOTFOUND);
    must(notify_set_email(db, &cli, "bra.fp", "ops@bra.example.org", &err), &err, "set");
    bool on = false;
    char *email = NULL;
    must(notify_settings_get(db, bra_fp.account_id, &on, &email, &err), &err, "get");
    assert_string_equal(email, "ops@bra.example.org");
    free(email);
    must(notify_set_email(db, &cli, "bra.fp", "", &err), &err, "clear");
    must(notify_settings_get(db, bra_fp.account_id, &on, &email, &err), &err, "get");
    assert_null(email);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/notify-writes-rows-and-feed-events", notify_writes_rows_and_feed_events),
        BH_TEST("unit/notify-visibility-at-delivery", notify_visibility_at_delivery),
        BH_TEST("unit/notify-visibility-matrix", notify_visibility_matrix),
        BH_TEST("unit/notify-digest-hourly", notify_digest_hourly),
        BH_TEST("unit/notify-digest-relay-refuses", notify_digest_relay_refuses),
        BH_TEST("unit/notify-email-address", notify_email_address),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
