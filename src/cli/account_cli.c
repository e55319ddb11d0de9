/* Helpers shared by src/cli/user.c and src/cli/token.c. */
#include "cli/account_cli.h"

#include "db/migrate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The shared parser stops at the first positional argument (as git does), but people write
 * `user add NAME --org X`. Options (with their values) are moved before the positional
 * arguments, and "--" keeps a positional that starts with '-' from being read as an option.
 * Returns a heap array the caller frees (the strings are argv's). */
static char **options_first(const struct cli_command *cmd, int argc, char **argv, int *argc_out)
{
    char **out = calloc((size_t)argc + 2, sizeof *out);
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    if (!out || !pos)
        abort();
    int n = 0, npos = 0;
    out[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < argc)
                pos[npos++] = argv[i];
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            pos[npos++] = argv[i];
            continue;
        }
        out[n++] = argv[i];
        if (a[1] != '-' || strchr(a, '='))
            continue;
        /* Does this long option take a value? Ours say so; every configuration flag and
         * --config do. */
        const char *name = a + 2;
        int takes = strcmp(name, "config") == 0;
        for (const struct cli_option *o = cmd->options; o && o->name && !takes; o++)
            takes = strcmp(o->name, name) == 0 && o->arg != NULL;
        for (size_t k = 0; k < config_key_count() && !takes; k++)
            takes = config_key_flag(k) && strcmp(config_key_flag(k), name) == 0;
        if (takes && i + 1 < argc)
            out[n++] = argv[++i];
    }
    out[n++] = "--";
    for (int i = 0; i < npos; i++)
        out[n++] = pos[i];
    free(pos);
    *argc_out = n;
    return out;
}

static void overview(const struct cli_command *group, const struct cli_command *const *subs,
                     size_t nsubs, FILE *out)
{
    fprintf(out, "Usage: bluehelm %s <subcommand> [options]\n\n%s\n\nSubcommands:\n", group->name,
            group->description);
    for (size_t i = 0; i < nsubs; i++)
        fprintf(out, "  %-26s %s\n", subs[i]->name, subs[i]->summary);
    fprintf(out, "\nRun `bluehelm %s <subcommand> --help` for its options.\n", group->name);
}

int account_cli__dispatch(const struct cli_command *group, const struct cli_command *const *subs,
                          size_t nsubs, int argc, char **argv)
{
    if (argc < 2 ||
        (argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0)) {
        fprintf(stderr, "bluehelm %s: a subcommand is required (before any option)\n", group->name);
        overview(group, subs, nsubs, stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        overview(group, subs, nsubs, stdout);
        return CLI_OK;
    }
    size_t glen = strlen(group->name);
    for (size_t i = 0; i < nsubs; i++) {
        if (strcmp(subs[i]->name + glen + 1, argv[1]) != 0)
            continue;
        int n;
        char **args = options_first(subs[i], argc - 1, argv + 1, &n);
        int rc = subs[i]->run(n, args);
        free(args);
        return rc;
    }
    fprintf(stderr, "bluehelm %s: unknown subcommand '%s'\n", group->name, argv[1]);
    overview(group, subs, nsubs, stderr);
    return CLI_USAGE;
}

int account_cli__open_store(const struct cli_args *a, struct db **db)
{
    struct bh_error err;
    int rc = db_open(db, a->config.db, 0, &err);
    if (!rc)
        rc = migrate_check(*db, migrations_builtin, migrations_builtin_count, NULL, &err);
    if (rc) {
        cli_error("%s", err.message);
        db_close(*db);
        *db = NULL;
        return CLI_FAILED;
    }
    return 0;
}

int account_cli__read_password(char **out)
{
    *out = NULL;
    struct termios saved;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        struct termios quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        fputs("Password: ", stderr);
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
        cli_error("no password on stdin (give it as the first line)");
        return CLI_USAGE;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0) {
        account_cli__free_password(line);
        cli_error("the password on stdin is empty");
        return CLI_USAGE;
    }
    *out = line;
    return 0;
}

void account_cli__free_password(char *password)
{
    if (!password)
        return;
    sodium_memzero(password, strlen(password));
    free(password);
}

int account_cli__fail(const char *cmd, int rc, const struct bh_error *err)
{
    fprintf(stderr, "bluehelm %s: %s\n", cmd, err->message);
    return rc == BH_EINVALID ? CLI_USAGE : CLI_FAILED;
}
