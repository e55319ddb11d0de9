/* bluehelm token create|list|revoke: API tokens for scripts, from the server's command
 * line. The operator acts with admin rights (principal_cli), audited as them. */
#include "cli/cli.h"

#include "account/account.h"
#include "base/i18n.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_create(int argc, char **argv);
static int run_list(int argc, char **argv);
static int run_revoke(int argc, char **argv);

static const struct cli_option create_options[] = {
    { "user", "NAME", N_("the user the token acts as (required)") },
    { "name", "TEXT", N_("what the token is for (default: \"cli\")") },
    { NULL, NULL, NULL },
};
enum { OPT_USER, OPT_NAME };

static const struct cli_command create_command = {
    "token create",
    run_create,
    N_("create an API token"),
    "",
    N_("Creates an API token that acts as the user, with the user's role. The token is printed\n"
       "once, alone on the last line (`| tail -n 1` keeps it), and stored only as a hash: it\n"
       "cannot be shown again. Scripts send it as `Authorization: Bearer TOKEN`."),
    create_options,
    0,
};

static const struct cli_option user_options[] = {
    { "user", "NAME", N_("whose tokens (required)") },
    { NULL, NULL, NULL },
};

static const struct cli_command list_command = {
    "token list",
    run_list,
    N_("list a user's API tokens"),
    "",
    N_("Prints a user's tokens, newest first: id, name, the first characters of the token,\n"
       "when it was created, last used and revoked. The tokens themselves are not stored."),
    user_options,
    0,
};

static const struct cli_command revoke_command = {
    "token revoke",
    run_revoke,
    N_("revoke an API token"),
    "ID",
    N_("Revokes token ID (from `bluehelm token list`) of the user: it stops working at once."),
    user_options,
    1,
};

static int need_user(const struct cli_command *cmd, const struct cli_args *a)
{
    if (a->values[OPT_USER] && *a->values[OPT_USER])
        return 0;
    return cli_usage_error(cmd, _("--user NAME is required"));
}

static int run_create(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&create_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_user(&create_command, &a)))
        return rc;
    const char *name = a.values[OPT_NAME] ? a.values[OPT_NAME] : "cli";
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    char token[ACCOUNT_TOKEN_MAX];
    struct account_token t;
    rc = account_token_create(db, &who, a.values[OPT_USER], name, token, &t, &err);
    db_close(db);
    if (rc)
        return cli_fail("token create", rc, &err);
    printf(_("created API token %lld \"%s\" for %s; it is shown once, on the next line:\n"),
           (long long)t.id, t.name, a.values[OPT_USER]);
    printf("%s\n", token);
    return CLI_OK;
}

static const char *or_dash(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "-";
}

static int run_list(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&list_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_user(&list_command, &a)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct bh_error err;
    json_t *items = json_array();
    rc = account_token_list(db, a.values[OPT_USER], items, &err);
    db_close(db);
    if (rc) {
        json_decref(items);
        return cli_fail("token list", rc, &err);
    }
    printf("%-6s %-24s %-12s %-21s %-21s %s\n", "ID", "NAME", "PREFIX", "CREATED", "LAST USED",
           "REVOKED");
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t)
    {
        printf("%-6lld %-24s %-12s %-21s %-21s %s\n",
               (long long)json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "name")),
               json_string_value(json_object_get(t, "prefix")),
               json_string_value(json_object_get(t, "created_at")),
               or_dash(json_object_get(t, "last_used_at")),
               or_dash(json_object_get(t, "revoked_at")));
    }
    json_decref(items);
    return CLI_OK;
}

static int run_revoke(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&revoke_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_user(&revoke_command, &a)))
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&revoke_command, _("the token ID is required"));
    char *end;
    errno = 0;
    long long id = strtoll(a.positional[0], &end, 10);
    if (errno || end == a.positional[0] || *end || id <= 0) {
        fprintf(stderr, _("bluehelm token revoke: ID '%s' is not a token id (a whole number)\n"),
                a.positional[0]);
        return CLI_USAGE;
    }
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    rc = account_token_revoke(db, &who, a.values[OPT_USER], id, &err);
    db_close(db);
    if (rc)
        return cli_fail("token revoke", rc, &err);
    printf(_("revoked API token %lld of %s\n"), id, a.values[OPT_USER]);
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &create_command,
    &list_command,
    &revoke_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_token_command,
    .subcommands = subcommands,
    .flags = CLI_GROUP_SUBCOMMAND_FIRST | CLI_GROUP_DESCRIBED,
};

static int run_token(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_token_command = {
    "token",
    run_token,
    N_("create, list and revoke API tokens"),
    "create|list|revoke ...",
    N_("Manages API tokens for scripts: `bluehelm token create --user NAME [--name TEXT]`\n"
       "prints a new token alone on its last line; `bluehelm token list --user NAME`;\n"
       "`bluehelm token revoke --user NAME ID`."),
    NULL,
    64,
};
