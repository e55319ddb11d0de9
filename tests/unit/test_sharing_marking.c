/* The marking every shareable record reads from a request (sharing/marking.h): what each bad
 * member is refused with, what an update keeps, and the RED readers stored and copied, against
 * a real store. */
#include "support.h"

#include "sharing/marking.h"

#include <string.h>

static json_t *body(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad fixture JSON %s: %s", text, e.text);
    return j;
}

/* Reads `text` into a marking that starts as GREEN; returns the error's field ("" when none). */
static const char *read_field(const char *text, bool required, struct sharing_marking *m,
                              struct bh_error *err)
{
    json_t *j = body(text);
    *m = (struct sharing_marking){ .tlp = TLP_GREEN };
    int rc = sharing_marking_read(j, required, m, err);
    /* The recipients array is borrowed from the body: keep nothing past it in these checks. */
    m->recipients = NULL;
    json_decref(j);
    return rc ? err->field : "";
}

/* sharing/marking-read-bad-members */
static void marking_read_bad(void **state)
{
    (void)state;
    struct sharing_marking m;
    struct bh_error err;
    assert_string_equal(read_field("{\"tlp\":\"TLP:WHITE\"}", false, &m, &err), "tlp");
    assert_non_null(strstr(err.message, "TLP:WHITE"));
    assert_string_equal(read_field("{}", true, &m, &err), "tlp");
    assert_string_equal(read_field("{\"tlp\":\"AMBER\",\"sharing_group\":\"x\"}", false, &m, &err),
                        "sharing_group");
    assert_string_equal(read_field("{\"tlp\":\"AMBER\",\"sharing_group\":0}", false, &m, &err),
                        "sharing_group");
    assert_string_equal(read_field("{\"tlp\":\"RED\",\"recipients\":\"ana\"}", false, &m, &err),
                        "recipients");
    assert_string_equal(read_field("{\"tlp\":\"RED\",\"recipients\":[\"ana\",3]}", false, &m, &err),
                        "recipients");
    assert_non_null(strstr(err.message, "recipients[1]"));
    assert_string_equal(read_field("{\"tlp\":\"GREEN\",\"recipients\":[\"ana\"]}", false, &m, &err),
                        "recipients");
    assert_non_null(strstr(err.message, "TLP:GREEN"));
}

/* sharing/marking-read-keeps-and-drops */
static void marking_read_keeps(void **state)
{
    (void)state;
    struct sharing_marking m;
    struct bh_error err;
    /* Nothing given on an update: the stored marking stays. */
    json_t *j = body("{\"title\":\"x\"}");
    m = (struct sharing_marking){ .tlp = TLP_AMBER, .group = 7 };
    assert_int_equal(sharing_marking_read(j, false, &m, &err), 0);
    assert_int_equal(m.tlp, TLP_AMBER);
    assert_int_equal(m.group, 7);
    assert_false(m.tlp_given || m.group_given || m.recipients_given);
    json_decref(j);
    /* Leaving AMBER drops the group; case and the bare form are accepted. */
    j = body("{\"tlp\":\"amber+strict\"}");
    assert_int_equal(sharing_marking_read(j, false, &m, &err), 0);
    assert_int_equal(m.tlp, TLP_AMBER_STRICT);
    assert_int_equal(m.group, 0);
    assert_true(m.tlp_given);
    json_decref(j);
}

/* sharing/marking-store-and-copy-readers */
static void marking_store_copy(void **state)
{
    (void)state;
    const char *codes[] = { "UNS", "BRA", "CHN" };
    int64_t ids[3];
    struct db *db = test_db_with_orgs("marking", NULL, codes, 3, 0, ids);
    struct principal ana, li, auditor, server;
    test_user_principal(db, "ana", ids[1], "BRA", ROLE_FOCAL_POINT, NULL, "pass-ana-0123456", &ana);
    test_user_principal(db, "li", ids[2], "CHN", ROLE_FOCAL_POINT, NULL, "pass-li-01234567", &li);
    test_user_principal(db, "audit", ids[0], "UNS", ROLE_AUDITOR, NULL, "pass-aud-0123456",
                        &auditor);
    principal_server(&server, ids[1], "BRA");
    struct bh_error err;

    json_t *j = body("{\"tlp\":\"RED\",\"recipients\":[\"li\"]}");
    struct sharing_marking m = { .tlp = TLP_GREEN };
    assert_int_equal(sharing_marking_read(j, true, &m, &err), 0);
    assert_int_equal(sharing_marking_check(db, &ana, &m, "meeting", &err), 0);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(sharing_marking_store(db, "meeting", "m1", &m, ana.account_id, &err), 0);
    assert_int_equal(sharing_marking_copy_readers(db, "meeting", "m1", "decision", "d1", &err), 0);
    assert_int_equal(db_commit(db, &err), 0);
    /* The named reader and the writer; copied whole to the record made from it. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM tlp_recipient WHERE record_type = "
                                        "'meeting' AND record_id = 'm1'"),
                     2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM tlp_recipient WHERE record_type = "
                                        "'decision' AND record_id = 'd1'"),
                     2);
    json_decref(j);

    /* An auditor reads no records: refused with the index named, and nothing changed. */
    j = body("{\"tlp\":\"RED\",\"recipients\":[\"li\",\"audit\"]}");
    m = (struct sharing_marking){ .tlp = TLP_GREEN };
    assert_int_equal(sharing_marking_read(j, true, &m, &err), 0);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(sharing_marking_store(db, "meeting", "m1", &m, ana.account_id, &err),
                     BH_EINVALID);
    db_rollback(db);
    assert_string_equal(err.field, "recipients");
    assert_non_null(strstr(err.message, "recipients[1]"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM tlp_recipient WHERE record_type = "
                                        "'meeting' AND record_id = 'm1'"),
                     2);
    json_decref(j);

    /* The server writes for no account: RED must name someone. A person may keep it alone. */
    j = body("{\"tlp\":\"RED\"}");
    m = (struct sharing_marking){ .tlp = TLP_GREEN };
    assert_int_equal(sharing_marking_read(j, true, &m, &err), 0);
    assert_int_equal(sharing_marking_check(db, &server, &m, "decision", &err), BH_EINVALID);
    assert_string_equal(err.field, "recipients");
    assert_int_equal(sharing_marking_check(db, &ana, &m, "decision", &err), 0);
    json_decref(j);

    /* AMBER without a group is refused naming the group. */
    m = (struct sharing_marking){ .tlp = TLP_AMBER };
    assert_int_equal(sharing_marking_check(db, &ana, &m, "meeting", &err), BH_EINVALID);
    assert_string_equal(err.field, "sharing_group");
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("sharing/marking-read-bad-members", marking_read_bad),
        BH_TEST("sharing/marking-read-keeps-and-drops", marking_read_keeps),
        BH_TEST("sharing/marking-store-and-copy-readers", marking_store_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
