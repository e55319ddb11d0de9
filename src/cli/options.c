#include "cli/cli.h"

#include "base/i18n.h"
#include "base/log.h"
#include "base/mem.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
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

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bluehelm %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    cli_usage(cmd, stderr);
    return CLI_USAGE;
}

const char *cli_option_value(void *ctx, const char *name)
{
    const struct cli_option_values *ov = ctx;
    for (int i = 0; ov->options[i].name; i++) {
        const char *o = ov->options[i].name;
        size_t k = 0;
        while (o[k] && name[k] && (o[k] == name[k] || (o[k] == '-' && name[k] == '_')))
            k++;
        if (!o[k] && !name[k])
            return ov->args->values[i];
    }
    return NULL;
}

int cli_option_fail(const char *cmd, int rc, const struct bh_error *err)
{
    if (rc != BH_EINVALID || !err->field[0])
        return cli_fail(cmd, rc, err);
    char opt[64];
    snprintf(opt, sizeof opt, "%s", err->field);
    for (char *p = opt; *p; p++)
        if (*p == '_')
            *p = '-';
    fprintf(stderr, "bluehelm %s: --%s: %s\n", cmd, opt, err->message);
    return CLI_USAGE;
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
    fprintf(out, _("Usage: bluehelm %s%s%s [options]\n"), cmd->name, *cmd->args ? " " : "",
            cmd->args);
    if (cmd->description)
        fprintf(out, "\n%s\n", _(cmd->description));
    fprintf(out, "\n%s\n", _("Options:"));
    for (size_t i = 0; i < count_options(cmd->options); i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", cmd->options[i].name,
                 cmd->options[i].arg ? " " : "", cmd->options[i].arg ? cmd->options[i].arg : "");
        fprintf(out, "  %-28s %s\n", left, _(cmd->options[i].help));
    }
    fprintf(out, "  %-28s %s\n", "--config FILE", _("read settings from FILE (key = value)"));
    for (size_t i = 0; i < config_key_count(); i++) {
        if (!config_key_flag(i))
            continue;
        char left[64];
        snprintf(left, sizeof left, "--%s %s", config_key_flag(i), config_key_arg(i));
        fprintf(out, "  %-28s %s\n", left, _(config_key_help(i)));
    }
    fprintf(out, "  %-28s %s\n", "--help", _("show this help"));
    fputs(_("\nPrecedence: defaults < --config file < BLUEHELM_* environment < flags.\n"), out);
}

/* Option ids: the command's own options are 0..n-1, configuration flags start at 1000. */
enum { OPT_CONFIG = 900, OPT_HELP = 901, OPT_CONFIG_KEY = 1000 };

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
            rc = cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
            goto done;
        }
        if (c == ':') {
            rc = cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
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
    if (config_check(&out->config, &err)) {
        cli_error("%s", err.message);
        rc = CLI_USAGE;
        goto done;
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
    if (out->npositional > cmd->max_positional)
        return cli_usage_error(cmd, _("unexpected argument '%s'"),
                               out->positional[cmd->max_positional]);
    return -1;
}

/* Does the long option --`name` of `cmd` take a value? The command's own say so; every
 * configuration flag and --config do. */
static bool takes_value(const struct cli_command *cmd, const char *name)
{
    if (strcmp(name, "config") == 0)
        return true;
    for (const struct cli_option *o = cmd->options; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o->arg != NULL;
    for (size_t k = 0; k < config_key_count(); k++)
        if (config_key_flag(k) && strcmp(config_key_flag(k), name) == 0)
            return true;
    return false;
}

/* The parser stops at the first positional argument (as git does), but people write
 * `user add NAME --org X`. Returns argv with the options (and their values) moved before
 * "--" and the positional arguments, in a heap array the caller frees (the strings are
 * argv's). An option that lacks its value ends the array, so the parser reports it rather
 * than take the "--" for the value. */
static char **options_first(const struct cli_command *cmd, int argc, char **argv, int *argc_out)
{
    char **out = xcalloc((size_t)argc + 2, sizeof *out);
    char **pos = xcalloc((size_t)argc + 1, sizeof *pos);
    int n = 0, npos = 0;
    bool dangling = false;
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
        if (a[1] != '-' || strchr(a, '=') || !takes_value(cmd, a + 2))
            continue;
        if (i + 1 < argc)
            out[n++] = argv[++i];
        else
            dangling = true;
    }
    if (!dangling) {
        out[n++] = "--";
        for (int i = 0; i < npos; i++)
            out[n++] = pos[i];
    }
    free(pos);
    *argc_out = n;
    return out;
}

static void list_subcommands(const struct cli_group *g, FILE *out)
{
    fprintf(out, _("Usage: bluehelm %s <subcommand> [options]\n\n"), g->command->name);
    if (g->flags & CLI_GROUP_DESCRIBED)
        fprintf(out, "%s\n\n", _(g->command->description));
    fprintf(out, "%s\n", _("Subcommands:"));
    for (const struct cli_command *const *sub = g->subcommands; *sub; sub++)
        fprintf(out, "  %-26s %s\n", (*sub)->name, _((*sub)->summary));
    fprintf(out, _("\nRun `bluehelm %s <subcommand> --help` for its options.\n"), g->command->name);
}

/* Says that `name` is not a subcommand (NULL: that none was named), then how to call the
 * group, on stderr; returns CLI_USAGE. */
static int group_usage_error(const struct cli_group *g, const char *name)
{
    fprintf(stderr, "bluehelm %s: ", g->command->name);
    if (name)
        fprintf(stderr, g->unknown ? _(g->unknown) : _("unknown subcommand '%s'"), name);
    else if (g->missing)
        fputs(_(g->missing), stderr);
    else
        fputs(g->flags & CLI_GROUP_SUBCOMMAND_FIRST
                  ? _("a subcommand is required (before any option)")
                  : _("a subcommand is required"),
              stderr);
    fputc('\n', stderr);
    if (g->flags & CLI_GROUP_OWN_OPTIONS)
        cli_usage(g->command, stderr);
    else
        list_subcommands(g, stderr);
    return CLI_USAGE;
}

int cli_dispatch(const struct cli_group *g, int argc, char **argv)
{
    size_t glen = strlen(g->command->name);
    for (const struct cli_command *const *sub = g->subcommands; argc >= 2 && *sub; sub++) {
        if (strcmp((*sub)->name + glen + 1, argv[1]) != 0)
            continue;
        int n;
        char **args = options_first(*sub, argc - 1, argv + 1, &n);
        int rc = (*sub)->run(n, args);
        free(args);
        return rc;
    }
    if (g->flags & CLI_GROUP_OWN_OPTIONS) {
        struct cli_args a;
        int rc = cli_begin(g->command, argc, argv, &a);
        if (rc >= 0)
            return rc;
        return group_usage_error(g, a.npositional ? a.positional[0] : NULL);
    }
    if (argc < 2)
        return group_usage_error(g, NULL);
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
        list_subcommands(g, stdout);
        return CLI_OK;
    }
    bool option = first[0] == '-';
    return group_usage_error(g, option && (g->flags & CLI_GROUP_SUBCOMMAND_FIRST) ? NULL : first);
}
