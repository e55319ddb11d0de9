#include "principal/principal.h"

#include "base/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_NONE] = NULL,
    [ROLE_ADMIN] = "admin",
    [ROLE_COORDINATOR] = "coordinator",
    [ROLE_FOCAL_POINT] = "focal_point",
    [ROLE_REPORTER] = "reporter",
    [ROLE_ENDORSER] = "endorser",
    [ROLE_ANALYST] = "analyst",
    [ROLE_AUDITOR] = "auditor",
};

/* The words people read for each role, kept beside the codes so that a new role is named once: the
 * browser takes them from GET /api/v1/vocabulary rather than keeping a copy of its own. */
static const struct {
    const char *label; /* "Focal point" */
    const char *who;   /* who holds it, for the form that gives the role */
} role_words[ROLE_COUNT] = {
    [ROLE_NONE] = { NULL, NULL },
    [ROLE_ADMIN] = { N_("Admin"), N_("platform secretariat") },
    [ROLE_COORDINATOR] = { N_("Coordinator"), N_("co-chairs' focal points") },
    [ROLE_FOCAL_POINT] = { N_("Focal point"), N_("members' representatives") },
    [ROLE_REPORTER] = { N_("Reporter"), N_("mission field reporters") },
    [ROLE_ENDORSER] = { N_("Endorser"), N_("mission JOC/JMAC officers, who endorse reports") },
    [ROLE_ANALYST] = { N_("Analyst"), N_("analysts: read and export") },
    [ROLE_AUDITOR] = { N_("Auditor"), N_("auditors: read the audit log") },
};

/* The platform-wide permissions: who may do what, each with the words the browser shows for it
 * (GET /api/v1/vocabulary), so a permission is named once. docs/architecture.md's table says the
 * same (unit/role_docs compares). A capability's own permissions sit in its module and reach the
 * registry by one line of API_PERMISSION_TABLES (api/api.h). The auditor reads the log and
 * nothing else that is restricted: an auditor who could also write records would audit their
 * own work. */
#define EVERY_ROLE ROLES(ADMIN, COORDINATOR, FOCAL_POINT, REPORTER, ENDORSER, ANALYST, AUDITOR)

const struct permission perm_directory_read = {
    .name = "directory.read",
    .label = N_("See organizations and sharing groups"),
    .roles = EVERY_ROLE,
};
const struct permission perm_org_write = {
    .name = "org.write",
    .label = N_("Add and change organizations"),
    .roles = ROLES(ADMIN),
};
const struct permission perm_user_admin = {
    .name = "user.admin",
    .label = N_("Add, change and disable users"),
    .roles = ROLES(ADMIN),
};
const struct permission perm_group_write = {
    .name = "group.write",
    .label = N_("Create and change sharing groups"),
    .roles = ROLES(ADMIN, COORDINATOR),
};
const struct permission perm_token_own = {
    .name = "token.own",
    .label = N_("Manage your own API tokens"),
    .roles = EVERY_ROLE,
};
const struct permission perm_audit_read = {
    .name = "audit.read",
    .label = N_("Read the audit log"),
    .roles = ROLES(ADMIN, AUDITOR),
};
const struct permission perm_record_read = {
    .name = "record.read",
    .label = N_("Read records shared with you"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, REPORTER, ENDORSER, ANALYST),
};
const struct permission perm_record_write = {
    .name = "record.write",
    .label = N_("Create and edit your organization's records"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, REPORTER, ENDORSER),
};
const struct permission perm_record_endorse = {
    .name = "record.endorse",
    .label = N_("Endorse or return reports"),
    .roles = ROLES(ADMIN, ENDORSER),
};
const struct permission perm_record_export = {
    .name = "record.export",
    .label = N_("Export in bulk"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ANALYST),
};
const struct permission perm_data_import = {
    .name = "data.import",
    .label = N_("Import published data (UN fatalities, deployments)"),
    .roles = ROLES(ADMIN),
};

/* In the order the API lists them (a user's "permissions"). */
const struct permission *const principal_permissions[] = {
    &perm_directory_read, &perm_org_write,     &perm_user_admin,  &perm_group_write,
    &perm_token_own,      &perm_audit_read,    &perm_record_read, &perm_record_write,
    &perm_record_endorse, &perm_record_export, &perm_data_import, NULL,
};

_Static_assert(ROLE_COUNT <= 32, "a permission's roles are the bits of an unsigned");

const char *role_name(enum role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? role_names[r] : NULL;
}

enum role role_parse(const char *name)
{
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
        if (name && strcmp(name, role_names[r]) == 0)
            return (enum role)r;
    return ROLE_NONE;
}

const char *role_label(enum role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? _(role_words[r].label) : NULL;
}

const char *role_who(enum role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? _(role_words[r].who) : NULL;
}

const char *permission_name(const struct permission *p)
{
    return p ? p->name : "none";
}

const char *permission_label(const struct permission *p)
{
    return p ? _(p->label) : _("No permission needed");
}

bool role_can(enum role r, const struct permission *p)
{
    if (!p)
        return true;
    if (r <= ROLE_NONE || r >= ROLE_COUNT)
        return false;
    return (p->roles & (1u << r)) != 0;
}

const struct permission *permission_next(const struct permission *const *const *registry,
                                         const struct permission *prev)
{
    bool take = prev == NULL;
    for (size_t t = 0; registry[t]; t++)
        for (size_t i = 0; registry[t][i]; i++) {
            if (take)
                return registry[t][i];
            take = registry[t][i] == prev;
        }
    return NULL;
}

const struct permission *permission_find(const struct permission *const *const *registry,
                                         const char *name)
{
    for (const struct permission *p = permission_next(registry, NULL); p && name;
         p = permission_next(registry, p))
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

void principal_anonymous(struct principal *p)
{
    memset(p, 0, sizeof *p);
    p->role = ROLE_NONE;
}

void principal_cli(struct principal *p)
{
    memset(p, 0, sizeof *p);
    p->role = ROLE_ADMIN;
    p->is_cli = true;
    const char *user = getenv("USER");
    snprintf(p->username, sizeof p->username, "cli:%s", user && *user ? user : "unknown");
}

void principal_server(struct principal *p, int64_t org_id, const char *org_code)
{
    memset(p, 0, sizeof *p);
    p->role = ROLE_ADMIN;
    p->org_id = org_id;
    snprintf(p->username, sizeof p->username, "server");
    snprintf(p->org_code, sizeof p->org_code, "%s", org_code ? org_code : "");
}
