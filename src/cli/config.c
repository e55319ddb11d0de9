#include "cli/cli.h"

#include "base/i18n.h"

#include <stdio.h>

static int run_config(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&cli_config_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    config_print(&a.config, stdout);
    return CLI_OK;
}

const struct cli_command cli_config_command = {
    "config",
    run_config,
    N_("print the effective configuration"),
    "",
    N_("Prints every setting as `key = value`, with the source it came from (default, file,\n"
       "environment or flag). Secrets are masked. The output is itself a valid config file."),
    NULL,
    0,
};
