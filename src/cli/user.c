/* bluehelm user add|passwd|disable|enable|list|missions|email: users from the server's command
 * line. The operator acts with admin rights (principal_cli) and every change is audited as
 * them. */
#include "cli/cli.h"

#include "account/account.h"
#include "account/missions.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "db/db.h"
#include "notify/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int run_add(int argc, char **argv);
static int run_passwd(int argc, char **argv);
static int run_disable(int argc, char **argv);
static int run_enable(int argc, char **argv);
static int run_list(int argc, char **argv);
static int run_missions(int argc, char **argv);
static int run_email(int argc, char **argv);

static const struct cli_option add_options[] = {
    { "org", "CODE", N_("the user's organization (required; see `bluehelm org list`)") },
    { "role", "ROLE",
      N_("admin, coordinator, focal_point, reporter, endorser, analyst or auditor (required)") },
    { "password-stdin", NULL, N_("read the password from the first line of stdin (required)") },
    { "display-name", "TEXT", N_("the name people see (default: the username)") },
    { NULL, NULL, NULL },
};
enum { ADD_ORG, ADD_ROLE, ADD_PASSWORD_STDIN, ADD_DISPLAY_NAME };

static const struct cli_command add_command = {
    "user add",
    run_add,
    N_("add a user"),
    "NAME",
    /* xgettext:no-c-format */
    N_("Adds a user: NAME is 1-63 of a-z, 0-9 and . _ - (starting with a letter or digit).\n"
       "The password comes from stdin, never from the command line (which other users of the\n"
       "machine can see): at least 12 characters, not the username, not a common password.\n"
       "Example: printf '%s\\n' \"$PW\" | bluehelm user add amina --org RWA --role focal_point\n"
       "         --password-stdin"),
    add_options,
    1,
};

static const struct cli_option passwd_options[] = {
    { "password-stdin", NULL, N_("read the new password from the first line of stdin (required)") },
    { NULL, NULL, NULL },
};

static const struct cli_command passwd_command = {
    "user passwd",
    run_passwd,
    N_("set a user's password"),
    "NAME",
    N_("Sets a new password read from stdin. The user's sessions end (they sign in again);\n"
       "their API tokens keep working."),
    passwd_options,
    1,
};

static const struct cli_command disable_command = {
    "user disable",
    run_disable,
    N_("disable a user"),
    "NAME",
    N_("Disables a user: they can no longer sign in, their sessions end and their API tokens\n"
       "are revoked (enabling them again does not bring those back). The last enabled admin\n"
       "cannot be disabled."),
    NULL,
    1,
};

static const struct cli_command enable_command = {
    "user enable",
    run_enable,
    N_("enable a disabled user"),
    "NAME",
    N_("Lets a disabled user sign in again. Their old sessions and API tokens stay revoked."),
    NULL,
    1,
};

static const struct cli_command list_command = {
    "user list",
    run_list,
    N_("list users"),
    "",
    N_("Prints every user ordered by username: username, role, organization, state, when the\n"
       "user was created, and the display name."),
    NULL,
    0,
};

static const struct cli_command missions_command = {
    "user missions",
    run_missions,
    N_("set the missions a user works for"),
    "NAME MISSIONS",
    N_("Replaces the missions NAME works for with MISSIONS, acronyms separated by commas\n"
       "(any case). An endorser endorses, returns and merges the reports of these missions\n"
       "only. An empty MISSIONS ('') clears them. An unknown mission is named and nothing\n"
       "changes. Example: bluehelm user missions joc.officer MINUSMA,MINUSCA"),
    NULL,
    2,
};

static const struct cli_command email_command = {
    "user email",
    run_email,
    N_("set the e-mail address of a user"),
    "NAME ADDRESS",
    N_("Sets the address the hourly notification digest goes to (the user turns the digest\n"
       "on in the app). An empty ADDRESS ('') clears it. Example:\n"
       "bluehelm user email joc.officer joc.officer@example.org"),
    NULL,
    2,
};

/* Every subcommand but list takes exactly one NAME. */
static int need_name(const struct cli_command *cmd, const struct cli_args *a)
{
    if (a->npositional == 1 && *a->positional[0])
        return 0;
    return cli_usage_error(cmd, _("the username NAME is required"));
}

static int need_password_stdin(const struct cli_command *cmd, const struct cli_args *a, int opt)
{
    if (a->values[opt])
        return 0;
    fprintf(stderr,
            _("bluehelm %s: give --password-stdin and the password on stdin (passwords are "
              "never taken from the command line)\n"),
            cmd->name);
    return CLI_USAGE;
}

/* Wipes and frees; NULL is allowed. */
static void free_password(char *password)
{
    if (!password)
        return;
    sodium_memzero(password, strlen(password));
    free(password);
}

/* Reads the first line of stdin (without its line end) into a heap string freed with
 * free_password(). On a terminal the typing is not echoed. Returns 0 or an exit status after
 * printing why (nothing on stdin is a usage error). */
static int read_password(char **out)
{
    *out = NULL;
    struct termios saved;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        struct termios quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        fputs(_("Password: "), stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (n <= 0) {
        free(line);
        cli_error(_("no password on stdin (give it as the first line)"));
        return CLI_USAGE;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0) {
        free_password(line);
        cli_error(_("the password on stdin is empty"));
        return CLI_USAGE;
    }
    *out = line;
    return 0;
}

/* Reads the password, then opens the store, so a missing password is reported before the
 * store is touched. On failure returns the exit status with nothing left to free. */
static int read_password_open_store(const struct cli_args *a, char **password, struct db **db)
{
    int rc = read_password(password);
    if (!rc && (rc = cli_open_store(a, 0, db))) {
        free_password(*password);
        *password = NULL;
    }
    return rc;
}

static int run_add(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&add_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_name(&add_command, &a)) ||
        (rc = need_password_stdin(&add_command, &a, ADD_PASSWORD_STDIN)))
        return rc;
    const char *org = a.values[ADD_ORG], *role_text = a.values[ADD_ROLE];
    if (!org || !*org) {
        fputs(_("bluehelm user add: --org CODE is required\n"), stderr);
        return CLI_USAGE;
    }
    if (!role_text || !*role_text) {
        fputs(_("bluehelm user add: --role ROLE is required\n"), stderr);
        return CLI_USAGE;
    }
    struct bh_error err;
    enum role role;
    if ((rc = account_role_parse(role_text, &role, &err)))
        return cli_fail("user add", rc, &err);
    char *password;
    struct db *db;
    if ((rc = read_password_open_store(&a, &password, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct account_user u;
    rc = account_user_add(db, &who, a.positional[0], a.values[ADD_DISPLAY_NAME], org, role,
                          password, &u, &err);
    free_password(password);
    db_close(db);
    if (rc)
        return cli_fail("user add", rc, &err);
    printf(_("added user %s (%s, %s)\n"), u.username, role_name(u.role), u.org_code);
    return CLI_OK;
}

static int run_passwd(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&passwd_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_name(&passwd_command, &a)) || (rc = need_password_stdin(&passwd_command, &a, 0)))
        return rc;
    char *password;
    struct db *db;
    if ((rc = read_password_open_store(&a, &password, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    rc = account_user_set_password(db, &who, a.positional[0], password, &err);
    free_password(password);
    db_close(db);
    if (rc)
        return cli_fail("user passwd", rc, &err);
    printf(_("changed the password of %s; their sessions have ended\n"), a.positional[0]);
    return CLI_OK;
}

static int set_disabled(const struct cli_command *cmd, int argc, char **argv, bool disabled)
{
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = need_name(cmd, &a)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    rc = account_user_set_disabled(db, &who, a.positional[0], disabled, &err);
    db_close(db);
    if (rc)
        return cli_fail(cmd->name, rc, &err);
    printf(disabled ? _("disabled %s: their sessions have ended and their API tokens are revoked\n")
                    : _("enabled %s\n"),
           a.positional[0]);
    return CLI_OK;
}

static int run_disable(int argc, char **argv)
{
    return set_disabled(&disable_command, argc, argv, true);
}

static int run_enable(int argc, char **argv)
{
    return set_disabled(&enable_command, argc, argv, false);
}

static int run_list(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&list_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct bh_error err;
    char after[64] = "";
    bool more = true;
    printf("%-24s %-12s %-10s %-9s %-21s %s\n", "USERNAME", "ROLE", "ORG", "STATE", "CREATED",
           "DISPLAY NAME");
    while (more) {
        json_t *items = json_array();
        if ((rc = account_user_list(db, after, 500, items, &more, NULL, &err))) {
            json_decref(items);
            db_close(db);
            return cli_fail("user list", rc, &err);
        }
        size_t i;
        json_t *u;
        json_array_foreach(items, i, u)
        {
            const char *name = json_string_value(json_object_get(u, "username"));
            printf("%-24s %-12s %-10s %-9s %-21s %s\n", name,
                   json_string_value(json_object_get(u, "role")),
                   json_string_value(json_object_get(u, "org")),
                   json_is_true(json_object_get(u, "disabled")) ? "disabled" : "enabled",
                   json_string_value(json_object_get(u, "created_at")),
                   json_string_value(json_object_get(u, "display_name")));
            snprintf(after, sizeof after, "%s", name);
        }
        json_decref(items);
    }
    db_close(db);
    return CLI_OK;
}

static int run_missions(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&missions_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 2 || !*a.positional[0])
        return cli_usage_error(&missions_command,
                               _("give the username NAME and the MISSIONS (comma-separated, '' "
                                 "for none)"));
    /* Split a copy of MISSIONS at the commas; spaces around an acronym do not count. */
    char *list = strdup(a.positional[1]);
    if (!list)
        abort();
    const char *missions[ACCOUNT_MISSIONS_MAX + 1];
    size_t n = 0;
    for (char *p = list, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        while (*p == ' ')
            p++;
        char *end = p + strlen(p);
        while (end > p && end[-1] == ' ')
            *--end = '\0';
        if (!*p && !next && n == 0)
            break; /* '' alone: no missions */
        if (n == ACCOUNT_MISSIONS_MAX + 1)
            break; /* account_missions_set() refuses more than it takes */
        missions[n++] = p;
    }
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        free(list);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    json_t *set = NULL;
    rc = account_missions_set(db, &who, a.positional[0], missions, n, &set, &err);
    free(list);
    db_close(db);
    if (rc)
        return cli_fail("user missions", rc, &err);
    /* The acronyms are codes; the sentence around them is for people. */
    struct buf acronyms = BUF_INIT;
    size_t i;
    json_t *m;
    json_array_foreach(set, i, m)
    {
        buf_printf(&acronyms, "%s%s", i ? ", " : "", json_string_value(m));
    }
    if (json_array_size(set))
        printf(_("missions of %s: %s\n"), a.positional[0], buf_str(&acronyms));
    else
        printf(_("missions of %s: none\n"), a.positional[0]);
    buf_cleanup(&acronyms);
    json_decref(set);
    return CLI_OK;
}

/* The address lives with the notifications (notify.h), which check it is one address. */
static int run_email(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&email_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 2 || !*a.positional[0])
        return cli_usage_error(&email_command,
                               _("give the username NAME and the ADDRESS ('' for none)"));
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    rc = notify_set_email(db, &who, a.positional[0], a.positional[1], &err);
    db_close(db);
    if (rc)
        return cli_fail("user email", rc, &err);
    if (*a.positional[1])
        printf(_("e-mail of %s: %s\n"), a.positional[0], a.positional[1]);
    else
        printf(_("e-mail of %s: none\n"), a.positional[0]);
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &add_command,  &passwd_command,   &disable_command, &enable_command,
    &list_command, &missions_command, &email_command,   NULL,
};

static const struct cli_group group = {
    .command = &cli_user_command,
    .subcommands = subcommands,
    .flags = CLI_GROUP_SUBCOMMAND_FIRST | CLI_GROUP_DESCRIBED,
};

static int run_user(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_user_command = {
    "user",
    run_user,
    N_("add, change, disable and list users"),
    "add|passwd|disable|enable|list|missions ...",
    N_("Manages users: `bluehelm user add NAME --org CODE --role ROLE --password-stdin`,\n"
       "`bluehelm user passwd NAME --password-stdin`, `bluehelm user disable|enable NAME`,\n"
       "`bluehelm user list`, `bluehelm user missions NAME MINUSMA,MINUSCA`. Passwords are\n"
       "read from stdin, never from the command line.\n"
       "\n"
       "Roles (--role; docs/auth.md has what each may do):\n"
       "  admin        the platform's secretariat: everything, with users, organizations, imports\n"
       "  coordinator  a co-chair's focal point: sharing groups; reads, reports, exports records\n"
       "  focal_point  a member's representative: reads, reports and exports records\n"
       "  reporter     a mission field reporter: reads records, drafts and submits reports\n"
       "  endorser     a mission JOC/JMAC officer: endorses or returns reports of their\n"
       "               missions (`bluehelm user missions`)\n"
       "  analyst      reads and exports records (writes none)\n"
       "  auditor      reads and verifies the audit log (no records)"),
    NULL,
    64,
};
