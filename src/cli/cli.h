#ifndef BH_CLI_CLI_H
#define BH_CLI_CLI_H

#include <stddef.h>

#include "base/config.h"

/* The command line: one file per command group. main.c holds the command table; each
 * command gets its own argv (argv[0] is the command name) and returns the exit status. */

/* Exit statuses: 0 done; 1 the work failed (store, network); 2 the command was wrong
 * (unknown command or option, bad value), as with most Unix tools. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* An option a command takes beyond the configuration flags every command takes. */
struct cli_option {
    const char *name; /* long name without -- */
    const char *arg;  /* argument name, NULL for a switch */
    const char *help;
};

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *args; /* positional arguments for the usage line, "" when none */
    const char *description;
    const struct cli_option *options; /* NULL-terminated by name, may be NULL */
    int max_positional;               /* positional arguments accepted */
};

/* Parsed command line: the effective configuration and the command's own options. */
struct cli_args {
    struct bh_config config;
    const char *values[16]; /* value of options[i] ("" for a given switch), NULL if absent */
    char **positional;
    int npositional;
    int help; /* --help was given */
};

/* Parses argv for `cmd`: --config FILE, every configuration flag (--db, --listen, ...),
 * --help, and the command's own options; applies defaults < file < environment < flags and
 * configures logging. On a mistake prints one line naming it, the usage, and returns
 * CLI_USAGE; else 0. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *out);

/* cli_parse() plus what every command does next: --help prints the usage; too many
 * positional arguments is a usage error. Returns -1 when the command should go on, else the
 * exit status to return at once. */
int cli_begin(const struct cli_command *cmd, int argc, char **argv, struct cli_args *out);

/* Prints "Usage: bluehelm NAME ARGS [options]" and the option list to `out`. */
void cli_usage(const struct cli_command *cmd, FILE *out);

/* Prints `bluehelm: MESSAGE` to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The commands, defined in their own files. */
extern const struct cli_command cli_init_command;
extern const struct cli_command cli_serve_command;
extern const struct cli_command cli_config_command;
extern const struct cli_command cli_audit_command;
extern const struct cli_command cli_org_command;
extern const struct cli_command cli_user_command;
extern const struct cli_command cli_token_command;

#endif
