/* bluehelm: the command table. Each command lives in src/cli/; this file only finds it. */
#include "base/i18n.h"
#include "cli/cli.h"
#include "db/db.h"
#include "db/migrate.h"

#include <stdio.h>
#include <string.h>

static int run_help(int argc, char **argv);

static const struct cli_command help_command = {
    "help",
    run_help,
    N_("show help for a command"),
    "[COMMAND]",
    N_("Without a command, lists the commands; with one, shows its options."),
    NULL,
    1,
};

/* The registry's commands (CLI_COMMANDS in cli/cli.h), then help. */
/* clang-format off */
static const struct cli_command *const commands[] = {
#define CLI_LIST_COMMAND(name) &cli_##name##_command,
    CLI_COMMANDS(CLI_LIST_COMMAND)
#undef CLI_LIST_COMMAND
    &help_command,
};
/* clang-format on */

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_overview(FILE *out)
{
    fputs(_("Usage: bluehelm <command> [options]\n\n"
            "Bluehelm: the safety and security platform of the Group of Friends on the\n"
            "Safety and Security of UN Peacekeepers.\n\nCommands:\n"),
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, _(commands[i]->summary));
    fputs(_("\nRun `bluehelm help <command>` for a command's options.\n"
            "Also: bluehelm --help, bluehelm --version\n"),
          out);
}

static int run_help(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&help_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional == 0) {
        print_overview(stdout);
        return CLI_OK;
    }
    const struct cli_command *cmd = find_command(a.positional[0]);
    if (!cmd) {
        cli_error(_("no command '%s' (run `bluehelm help` for the list)"), a.positional[0]);
        return CLI_USAGE;
    }
    cli_usage(cmd, stdout);
    return CLI_OK;
}

int main(int argc, char **argv)
{
    /* The CLI speaks the language of its environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as
     * gettext programs do; English when none names one of ours. Its output for scripts
     * (tokens, JSON, CSV, listings) is the same in every language. */
    i18n_set_thread_lang(i18n_lang_from_env());
    if (argc < 2) {
        print_overview(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_overview(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("bluehelm %s (schema %d, sqlite %s)\n", BH_VERSION,
               migrate_latest(migrations_builtin, migrations_builtin_count), db_driver_version());
        return CLI_OK;
    }
    const struct cli_command *cmd = find_command(name);
    if (!cmd) {
        cli_error(name[0] == '-' ? _("unknown option '%s'") : _("unknown command '%s'"), name);
        print_overview(stderr);
        return CLI_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
