#ifndef BH_CLI_ACCOUNT_CLI_H
#define BH_CLI_ACCOUNT_CLI_H

#include <stddef.h>

#include "base/err.h"
#include "cli/cli.h"
#include "db/db.h"

/* What `bluehelm user` and `bluehelm token` share: subcommand dispatch, the store, reading a
 * password from stdin, and turning a module error into an exit status. */

/* Runs the subcommand named by argv[1] (subcommand names are "GROUP SUB"), after moving its
 * options before its positional arguments so `user add NAME --org X` parses. */
int account_cli__dispatch(const struct cli_command *group, const struct cli_command *const *subs,
                          size_t nsubs, int argc, char **argv);

/* Opens the store for a write and checks its schema version; prints the error and returns
 * CLI_FAILED when it cannot. */
int account_cli__open_store(const struct cli_args *a, struct db **db);

/* Reads the first line of stdin (without its line end) into a heap string freed with
 * account_cli__free_password(). On a terminal the typing is not echoed. Returns 0 or an
 * exit status after printing why (nothing on stdin is a usage error). */
int account_cli__read_password(char **out);

/* Wipes and frees; NULL is allowed. */
void account_cli__free_password(char *password);

/* Prints "bluehelm CMD: MESSAGE" and returns the exit status for `rc`: a value the command
 * line gave that the module refused (BH_EINVALID) is a usage error (2), anything else (a
 * taken name, a missing user, the store) a failure (1). */
int account_cli__fail(const char *cmd, int rc, const struct bh_error *err);

#endif
