/* Placeholder until its owner lands the real subcommand. */
#include "cli/cli.h"

#include <stdio.h>

static int not_built(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "bluehelm: not built yet\n");
    return 1;
}

const struct cli_command cli_import_incidents_command = { "import incidents", not_built, "not built yet", "", "", NULL, 1 };
