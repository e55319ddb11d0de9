#include "cli/cli.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "db/db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* `bluehelm audit verify|list`: both only read, so the store is opened read-only and a
 * running server is never disturbed. */

static int run_verify(int argc, char **argv);
static int run_list(int argc, char **argv);

static const struct cli_command verify_command = {
    "audit verify",
    run_verify,
    N_("check the audit log's hash chain"),
    "",
    N_("Walks the audit log in order and recomputes every row's hash. Prints\n"
       "`audit log: N rows, chain intact` and exits 0, or names the first row that was\n"
       "changed, deleted or inserted and exits 1. The store is opened read-only."),
    NULL,
    0,
};

static const struct cli_option list_options[] = {
    { "from", "WHEN", N_("entries at or after WHEN (RFC 3339 or YYYY-MM-DD)") },
    { "to", "WHEN", N_("entries at or before WHEN (a date includes the whole day)") },
    { "user", "NAME", N_("entries by this user (\"cli:root\" for the command line)") },
    { "org", "CODE", N_("entries by users of this organization") },
    { "action", "ACTION", N_("entries of this action (org.create, user.role, ...)") },
    { "record-type", "TYPE", N_("entries about records of this type (org, account, ...)") },
    { "record-id", "ID", N_("entries about this record") },
    { "after", "SEQ", N_("entries after this sequence number (the next page)") },
    { "limit", "N", N_("at most N entries (default 100)") },
    { NULL, NULL, NULL },
};
enum { OPT_FROM, OPT_TO, OPT_USER, OPT_ORG, OPT_ACTION, OPT_TYPE, OPT_ID, OPT_AFTER, OPT_LIMIT };

static const struct cli_command list_command = {
    "audit list",
    run_list,
    N_("print audit log entries"),
    "",
    N_("Prints entries oldest first, one a line: sequence number, time, user, organization,\n"
       "action, record and the summary of the change as JSON."),
    list_options,
    0,
};

/* Any schema version will do, as long as the store has an audit log: checking a log needs
 * no more of the store than that. */
static int open_store(const struct cli_args *a, struct db **db)
{
    int rc = cli_open_store(a, DB_OPEN_READONLY | CLI_STORE_ANY_VERSION, db);
    if (rc)
        return rc;
    struct bh_error err;
    int exists = 0;
    if (db_table_exists(*db, "audit_log", &exists, &err) || !exists) {
        cli_error(_("store %s has no audit log yet; run `bluehelm init` to upgrade it"),
                  a->config.db);
        db_close(*db);
        *db = NULL;
        return CLI_FAILED;
    }
    return 0;
}

static int run_verify(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&verify_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    struct db *db;
    if ((rc = open_store(&a, &db)))
        return rc;
    struct audit_verify_result res;
    struct bh_error err;
    rc = audit_verify(db, &res, &err);
    db_close(db);
    if (rc) {
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    if (!res.ok) {
        printf(_("audit log broken at row %lld: %s\n"), (long long)res.bad_seq, res.reason);
        return CLI_FAILED;
    }
    printf(_("audit log: %lld rows, chain intact\n"), (long long)res.rows);
    if (res.rows > 0)
        printf(_("last hash: %s\n"), res.last_hash);
    return CLI_OK;
}

static int parse_count(const char *name, const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        fprintf(stderr,
                _("bluehelm audit list: --%s '%s' must be a whole number from %lld to %lld\n"),
                name, s, (long long)min, (long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

static int run_list(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&list_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    int64_t limit = 100, after = 0;
    if ((a.values[OPT_LIMIT] && parse_count("limit", a.values[OPT_LIMIT], 1, 100000, &limit)) ||
        (a.values[OPT_AFTER] && parse_count("after", a.values[OPT_AFTER], 0, INT64_MAX, &after)))
        return CLI_USAGE;
    struct audit_filter f = {
        .from = a.values[OPT_FROM],
        .to = a.values[OPT_TO],
        .username = a.values[OPT_USER],
        .org_code = a.values[OPT_ORG],
        .action = a.values[OPT_ACTION],
        .record_type = a.values[OPT_TYPE],
        .record_id = a.values[OPT_ID],
        .after_seq = after,
        .limit = (int)limit,
    };
    struct db *db;
    if ((rc = open_store(&a, &db)))
        return rc;
    struct bh_error err;
    json_t *items = json_array();
    bool more = false;
    rc = audit_list(db, &f, items, &more, NULL, &err);
    db_close(db);
    if (rc) {
        json_decref(items);
        if (rc == BH_EINVALID) {
            fprintf(stderr, "bluehelm audit list: --%s: %s\n", err.field, err.message);
            return CLI_USAGE;
        }
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    size_t i;
    json_t *e;
    json_int_t last = 0;
    json_array_foreach(items, i, e)
    {
        const char *org = json_string_value(json_object_get(e, "org"));
        const char *rid = json_string_value(json_object_get(e, "record_id"));
        char *summary = json_dumps(json_object_get(e, "summary"), JSON_COMPACT | JSON_SORT_KEYS);
        last = json_integer_value(json_object_get(e, "seq"));
        printf("%" JSON_INTEGER_FORMAT "  %s  %s  %s  %s  %s%s%s  %s\n", last,
               json_string_value(json_object_get(e, "at")),
               json_string_value(json_object_get(e, "user")), org && *org ? org : "-",
               json_string_value(json_object_get(e, "action")),
               json_string_value(json_object_get(e, "record_type")), rid ? ":" : "", rid ? rid : "",
               summary ? summary : "{}");
        free(summary);
    }
    if (json_array_size(items) == 0)
        fputs(_("no audit entries\n"), stdout);
    else if (more)
        printf(_("more entries follow: --after %lld\n"), (long long)last);
    json_decref(items);
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &verify_command,
    &list_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_audit_command,
    .subcommands = subcommands,
    .missing = N_("which one: verify or list?"),
    .unknown = N_("no subcommand '%s' (verify or list)"),
    .flags = CLI_GROUP_OWN_OPTIONS,
};

static int run_audit(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_audit_command = {
    "audit",
    run_audit,
    N_("verify or list the audit log"),
    "verify|list",
    N_("verify: checks the hash chain; prints `audit log: N rows, chain intact` (exit 0) or\n"
       "        the first row that was changed, deleted or inserted (exit 1).\n"
       "list:   prints entries, oldest first; filters --from, --to (RFC 3339 or YYYY-MM-DD),\n"
       "        --user, --org, --action, --record-type, --record-id; pages --after SEQ and\n"
       "        --limit N. Run `bluehelm audit list --help` for the details.\n"
       "Both open the store read-only."),
    NULL,
    1,
};
