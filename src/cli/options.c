#include "cli/cli.h"

#include "base/log.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bluehelm: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static size_t count_options(const struct cli_option *o)
{
    size_t n = 0;
    while (o && o[n].name)
        n++;
    return n;
}

void cli_usage(const struct cli_command *cmd, FILE *out)
{
    fprintf(out, "Usage: bluehelm %s%s%s [options]\n", cmd->name, *cmd->args ? " " : "", cmd->args);
    if (cmd->description)
        fprintf(out, "\n%s\n", cmd->description);
    fprintf(out, "\nOptions:\n");
    for (size_t i = 0; i < count_options(cmd->options); i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", cmd->options[i].name,
                 cmd->options[i].arg ? " " : "", cmd->options[i].arg ? cmd->options[i].arg : "");
        fprintf(out, "  %-28s %s\n", left, cmd->options[i].help);
    }
    fprintf(out, "  %-28s %s\n", "--config FILE", "read settings from FILE (key = value)");
    for (size_t i = 0; i < config_key_count(); i++) {
        if (!config_key_flag(i))
            continue;
        char left[64];
        snprintf(left, sizeof left, "--%s %s", config_key_flag(i), config_key_arg(i));
        fprintf(out, "  %-28s %s\n", left, config_key_help(i));
    }
    fprintf(out, "  %-28s %s\n", "--help", "show this help");
    fprintf(out, "\nPrecedence: defaults < --config file < BLUEHELM_* environment < flags.\n");
}

/* Option ids: the command's own options are 0..n-1, configuration flags start at 1000. */
enum { OPT_CONFIG = 900, OPT_HELP = 901, OPT_CONFIG_KEY = 1000 };

static int usage_error(const struct cli_command *cmd, const char *fmt, const char *what)
{
    fprintf(stderr, "bluehelm %s: ", cmd->name);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    cli_usage(cmd, stderr);
    return CLI_USAGE;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *out)
{
    memset(out, 0, sizeof *out);
    size_t nown = count_options(cmd->options);
    size_t nkeys = config_key_count();
    struct option *longopts = calloc(nown + nkeys + 3, sizeof *longopts);
    size_t k = 0;
    for (size_t i = 0; i < nown; i++)
        longopts[k++] =
            (struct option){ cmd->options[i].name,
                             cmd->options[i].arg ? required_argument : no_argument, NULL, (int)i };
    for (size_t i = 0; i < nkeys; i++)
        if (config_key_flag(i))
            longopts[k++] = (struct option){ config_key_flag(i), required_argument, NULL,
                                             OPT_CONFIG_KEY + (int)i };
    longopts[k++] = (struct option){ "config", required_argument, NULL, OPT_CONFIG };
    longopts[k++] = (struct option){ "help", no_argument, NULL, OPT_HELP };

    /* Flags are collected first and applied last, after the file and the environment, so
     * the order of sources never depends on the order of arguments. */
    const char *flag_values[32] = { 0 };
    const char *config_file = NULL;
    int rc = 0;
    opterr = 0;
    optind = 1;
    for (;;) {
        int idx = -1;
        /* "+": stop at the first positional, as git does; "-" options are never permuted
         * into positional arguments. ":" makes a missing argument return ':'. */
        int c = getopt_long(argc, argv, "+:h", longopts, &idx);
        if (c == -1)
            break;
        if (c == '?') {
            rc = usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
            goto done;
        }
        if (c == ':') {
            rc = usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
            goto done;
        }
        if (c == 'h' || c == OPT_HELP)
            out->help = 1;
        else if (c == OPT_CONFIG)
            config_file = optarg;
        else if (c >= OPT_CONFIG_KEY)
            flag_values[c - OPT_CONFIG_KEY] = optarg;
        else
            out->values[c] = optarg ? optarg : "";
    }
    out->positional = argv + optind;
    out->npositional = argc - optind;
    if (out->help)
        goto done;

    struct bh_error err;
    config_defaults(&out->config);
    if (config_file && config_load_file(&out->config, config_file, &err)) {
        cli_error("%s", err.message);
        rc = CLI_USAGE;
        goto done;
    }
    if (config_load_env(&out->config, environ, &err)) {
        cli_error("%s", err.message);
        rc = CLI_USAGE;
        goto done;
    }
    for (size_t i = 0; i < nkeys; i++) {
        if (!flag_values[i])
            continue;
        const char *key = config_key_for_flag(config_key_flag(i));
        if (config_set(&out->config, key, flag_values[i], CONFIG_FLAG, &err)) {
            cli_error("%s", err.message);
            rc = CLI_USAGE;
            goto done;
        }
    }
    log_configure(out->config.log_level, out->config.log_format);
done:
    free(longopts);
    return rc;
}

int cli_begin(const struct cli_command *cmd, int argc, char **argv, struct cli_args *out)
{
    int rc = cli_parse(cmd, argc, argv, out);
    if (rc)
        return rc;
    if (out->help) {
        cli_usage(cmd, stdout);
        return CLI_OK;
    }
    if (out->npositional > cmd->max_positional) {
        fprintf(stderr, "bluehelm %s: unexpected argument '%s'\n", cmd->name,
                out->positional[cmd->max_positional]);
        cli_usage(cmd, stderr);
        return CLI_USAGE;
    }
    return -1;
}
