/* bluehelm org add|list: the member directory from the server's command line. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "db/db.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

static int run_add(int argc, char **argv);
static int run_list(int argc, char **argv);

static const struct cli_option add_options[] = {
    { "kind", "KIND", N_("member_state, regional_org, un_entity or mission (required)") },
    { "name", "NAME", N_("the organization's name (required)") },
    { "standing", "S",
      N_("co_chair, member, observer or none (default: member for states and regional "
         "organizations, none otherwise)") },
    { "roles", "LIST", N_("contributor roles, comma-separated: tcc, pcc, financial, host") },
    { "joined", "DATE", N_("the day it joined the group, YYYY-MM-DD") },
    { "country", "ISO3", N_("a member state's country (default: the code)") },
    { "mission", "ACRONYM", N_("a mission organization's UN mission (default: the code)") },
    { NULL, NULL, NULL },
};
enum { ADD_KIND, ADD_NAME, ADD_STANDING, ADD_ROLES, ADD_JOINED, ADD_COUNTRY, ADD_MISSION };

static const struct cli_command add_command = {
    "org add",
    run_add,
    N_("add an organization"),
    "CODE",
    N_("Adds an organization to the member directory. CODE is the ISO 3166 alpha-3 code of a\n"
       "member state (CHN) or an acronym (LAS, DPO, MINUSCA): 2 to 16 of A-Z, 0-9 and '-'.\n"
       "The addition is written to the audit log as the command-line operator."),
    add_options,
    1,
};

static const struct cli_option list_options[] = {
    { "kind", "KIND", N_("only organizations of this kind") },
    { "standing", "S", N_("only organizations of this standing") },
    { NULL, NULL, NULL },
};
enum { LIST_KIND, LIST_STANDING };

static const struct cli_command list_command = {
    "org list",
    run_list,
    N_("list organizations"),
    "",
    N_("Prints the member directory as a table ordered by code: code, kind, standing,\n"
       "contributor roles and name."),
    list_options,
    0,
};

static int usage_value(const char *cmd, const char *option, const char *value, const char *known)
{
    fprintf(stderr, _("bluehelm %s: unknown %s '%s' (known: %s)\n"), cmd, option, value, known);
    return CLI_USAGE;
}

static int run_add(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&add_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&add_command, _("the organization's CODE is required"));
    struct org o;
    org_init(&o);
    const char *v;
    if (strlen(a.positional[0]) >= sizeof o.code) {
        cli_error(_("org add: code '%.40s' is longer than %d characters"), a.positional[0],
                  ORG_CODE_MAX);
        return CLI_USAGE;
    }
    snprintf(o.code, sizeof o.code, "%s", a.positional[0]);
    if (!(v = a.values[ADD_KIND]) || !*v) {
        fputs(_("bluehelm org add: --kind is required\n"), stderr);
        return CLI_USAGE;
    }
    int k = org_kind_parse(v);
    if (k < 0)
        return usage_value("org add", "kind", v, "member_state, regional_org, un_entity, mission");
    o.kind = (enum org_kind)k;
    if (!(v = a.values[ADD_NAME]) || !*v) {
        fputs(_("bluehelm org add: --name is required\n"), stderr);
        return CLI_USAGE;
    }
    if (strlen(v) > ORG_NAME_MAX) {
        cli_error(_("org add: name is longer than %d bytes"), ORG_NAME_MAX);
        return CLI_USAGE;
    }
    snprintf(o.name, sizeof o.name, "%s", v);
    if ((v = a.values[ADD_STANDING])) {
        int s = org_standing_parse(v);
        if (s < 0)
            return usage_value("org add", "standing", v, "co_chair, member, observer, none");
        o.standing = (enum org_standing)s;
    }
    struct bh_error err;
    if ((v = a.values[ADD_ROLES]) && org_roles_parse_list(v, &o.roles, &err)) {
        cli_error("org add: %s", err.message);
        return CLI_USAGE;
    }
    const struct {
        int opt;
        char *dst;
        size_t cap;
        const char *what;
    } texts[] = {
        { ADD_JOINED, o.joined, sizeof o.joined, "joined" },
        { ADD_COUNTRY, o.country, sizeof o.country, "country" },
        { ADD_MISSION, o.mission, sizeof o.mission, "mission" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!(v = a.values[texts[i].opt]))
            continue;
        if (strlen(v) >= texts[i].cap) {
            cli_error(_("org add: %s '%.40s' is too long"), texts[i].what, v);
            return CLI_USAGE;
        }
        snprintf(texts[i].dst, texts[i].cap, "%s", v);
    }

    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    rc = org_add(db, &who, &o, &err);
    db_close(db);
    if (rc) {
        cli_error("org add: %s", err.message);
        /* A value the store refuses (a code that is not a country) is still the command
         * line's mistake; a taken code or a store failure is the work failing. */
        return cli_status(rc);
    }
    printf(_("added %s %s (%s): %s\n"), org_kind_name(o.kind), o.code,
           org_standing_name(o.standing), o.name);
    return CLI_OK;
}

static void roles_text(json_t *roles, char *out, size_t cap)
{
    size_t i, used = 0;
    json_t *r;
    out[0] = '\0';
    json_array_foreach(roles, i, r)
    {
        int n = snprintf(out + used, cap - used, "%s%s", used ? "," : "", json_string_value(r));
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
    if (!used)
        snprintf(out, cap, "-");
}

static int run_list(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&list_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    int kind = -1, standing = -1;
    const char *v;
    if ((v = a.values[LIST_KIND]) && (kind = org_kind_parse(v)) < 0)
        return usage_value("org list", "kind", v, "member_state, regional_org, un_entity, mission");
    if ((v = a.values[LIST_STANDING]) && (standing = org_standing_parse(v)) < 0)
        return usage_value("org list", "standing", v, "co_chair, member, observer, none");
    struct db *db;
    if ((rc = cli_open_store(&a, DB_OPEN_READONLY, &db)))
        return rc;
    struct bh_error err;
    char after[64] = "";
    bool more = true;
    int64_t total = 0;
    printf("%-16s %-12s %-8s %-22s %s\n", "CODE", "KIND", "STANDING", "ROLES", "NAME");
    while (more) {
        json_t *items = json_array();
        if ((rc = org_list(db, after, 500, kind, standing, items, &more, &total, &err))) {
            json_decref(items);
            db_close(db);
            cli_error("org list: %s", err.message);
            return CLI_FAILED;
        }
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            char roles[64];
            roles_text(json_object_get(it, "roles"), roles, sizeof roles);
            printf("%-16s %-12s %-8s %-22s %s\n", json_string_value(json_object_get(it, "code")),
                   json_string_value(json_object_get(it, "kind")),
                   json_string_value(json_object_get(it, "standing")), roles,
                   json_string_value(json_object_get(it, "name")));
            snprintf(after, sizeof after, "%s", json_string_value(json_object_get(it, "code")));
        }
        json_decref(items);
    }
    db_close(db);
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &add_command,
    &list_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_org_command,
    .subcommands = subcommands,
};

static int run_org(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_org_command = {
    "org",
    run_org,
    N_("add and list organizations (the member directory)"),
    "add|list ...",
    N_("Manages the member directory: `bluehelm org add CODE --kind KIND --name NAME [--standing\n"
       "S] [--roles tcc,pcc] [--joined DATE]` adds an organization, `bluehelm org list [--kind "
       "K]`\n"
       "prints them. `bluehelm init --seed` loads the group as launched on 27 April 2021."),
    NULL,
    64,
};
