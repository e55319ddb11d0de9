#ifndef BH_CLI_CLI_H
#define BH_CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "base/config.h"
#include "base/err.h"
#include "db/db.h"

/* The command line: one file per command group. main.c holds the command table; each
 * command gets its own argv (argv[0] is the command name) and returns the exit status. */

/* Exit statuses: 0 done; 1 the work failed (store, network); 2 the command was wrong
 * (unknown command or option, bad value), as with most Unix tools. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* An option a command takes beyond the configuration flags every command takes. The texts for
 * people (an option's help, a command's summary and description, a group's `missing` and
 * `unknown`) are English marked with N_() (base/i18n.h): the usage shows them in the CLI's
 * language (LANG, LC_MESSAGES). Names and argument names are what the user types: never
 * translated. */
struct cli_option {
    const char *name; /* long name without -- */
    const char *arg;  /* argument name, NULL for a switch */
    const char *help; /* N_("...") */
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

/* Prints `bluehelm NAME: MESSAGE` and the usage of `cmd` to stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A command's options as a module's filters read them (casualty_filter_read,
 * spatial_filter_read take a get(ctx, name) function): filter `incident_type` is option
 * --incident-type. Pass a struct cli_option_values as the context. */
struct cli_option_values {
    const struct cli_option *options;
    const struct cli_args *args;
};
const char *cli_option_value(void *ctx, const char *name);

/* A module's error: one about an option's value (BH_EINVALID naming a field) is printed as
 * `bluehelm CMD: --incident-type: MESSAGE` and is CLI_USAGE; any other is cli_fail's. */
int cli_option_fail(const char *cmd, int rc, const struct bh_error *err);

/* A command made of subcommands (`bluehelm user add NAME ...`): the group's own entry in the
 * command table and its subcommands, named "GROUP SUB", whose `run` gets argv from SUB on.
 * The texts and flags say how a call that names no subcommand is answered; they keep the
 * answers each group gave before the groups shared this code, which tests rely on. */
struct cli_group {
    const struct cli_command *command;
    const struct cli_command *const *subcommands; /* NULL-terminated */
    const char *missing; /* none named, the whole text; NULL for "a subcommand is required" */
    const char *unknown; /* "%s" is not one; NULL for "unknown subcommand '%s'" */
    unsigned flags;      /* CLI_GROUP_* */
};

enum {
    /* A leading option (but --help and -h) is answered "a subcommand is required (before any
     * option)"; without this flag it is an unknown subcommand. */
    CLI_GROUP_SUBCOMMAND_FIRST = 1 << 0,
    /* The list of subcommands starts with the group's description. */
    CLI_GROUP_DESCRIBED = 1 << 1,
    /* A call that names no subcommand is parsed as the group's own command line (--help and
     * the configuration flags, and their mistakes, as for any command; `help` is not a
     * subcommand) and answered with the group's usage rather than the list of subcommands. */
    CLI_GROUP_OWN_OPTIONS = 1 << 2,
};

/* Runs the subcommand argv[1] names, its options (with their values) moved before its
 * positional arguments, so `user add NAME --org X` parses as `user add --org X NAME`; "--"
 * still ends the options. Else answers as the group says: help (0) or a usage error (2).
 * Returns the exit status. */
int cli_dispatch(const struct cli_group *group, int argc, char **argv);

/* Opens the store a->config.db with `flags` (DB_OPEN_*) and, unless CLI_STORE_ANY_VERSION,
 * checks that it is at this binary's schema version. On failure prints the one-line error,
 * sets *db to NULL and returns CLI_FAILED; else 0, and the caller closes it with db_close(). */
enum { CLI_STORE_ANY_VERSION = 1 << 8 }; /* clear of DB_OPEN_* */
int cli_open_store(const struct cli_args *a, int flags, struct db **db);

/* An export's destination (output.c): standard output when `path` is NULL, else a temporary
 * file beside `path` that cli_output_close() renames to it when the export succeeded and
 * removes when it failed, so a failed export leaves any earlier file as it was. */
struct cli_output {
    FILE *fp;
    const char *path;
    char tmp[4096];
};

/* Opens the destination; on failure prints the one-line error and returns CLI_FAILED. */
int cli_output_open(struct cli_output *o, const char *cmd, const char *path);

/* Flushes and closes; `rc` is the export's result. Returns it, or BH_EIO (in `err`) when the
 * output could not be written whole. */
int cli_output_close(struct cli_output *o, int rc, struct bh_error *err);

/* The exit status for a module's error code `rc`: a value from the command line that the
 * module refused (BH_EINVALID) is a usage error, anything else (a taken name, a missing
 * record, the store) the work failing. */
int cli_status(int rc);

/* Prints `bluehelm CMD: MESSAGE` (err's) to stderr and returns cli_status(rc). */
int cli_fail(const char *cmd, int rc, const struct bh_error *err);

/* The registry of top-level commands, each defined in its own file as cli_<name>_command:
 * one line per command, in the order `bluehelm --help` lists them. A capability adds its
 * file and one line here. */
#define CLI_COMMANDS(X) \
    X(init)             \
    X(serve)            \
    X(config)           \
    X(org)              \
    X(user)             \
    X(token)            \
    X(audit)            \
    X(stats)            \
    X(export)           \
    X(import)           \
    X(demo)             \
    X(casevac)          \
    X(casualty)

#define CLI_DECLARE_COMMAND(name) extern const struct cli_command cli_##name##_command;
CLI_COMMANDS(CLI_DECLARE_COMMAND)
#undef CLI_DECLARE_COMMAND

/* Subcommands defined beside the modules they drive (import_events.c, import_incidents.c,
 * export_layers.c) and listed in their groups' tables (import.c, export.c). */
extern const struct cli_command cli_import_ucdp_command;
extern const struct cli_command cli_import_acled_command;
extern const struct cli_command cli_import_incidents_command;
extern const struct cli_command cli_import_basemap_command;
extern const struct cli_command cli_import_cap_command;
extern const struct cli_command cli_import_library_command;
extern const struct cli_command cli_export_incidents_command;
extern const struct cli_command cli_export_events_command;
extern const struct cli_command cli_export_library_command;
extern const struct cli_command cli_export_gaps_command;

#endif
