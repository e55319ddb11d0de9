#include "principal/principal.h"

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

static const char *const permission_names[PERM_COUNT] = {
    [PERM_NONE] = "none",
    [PERM_DIRECTORY_READ] = "directory.read",
    [PERM_ORG_WRITE] = "org.write",
    [PERM_USER_ADMIN] = "user.admin",
    [PERM_GROUP_WRITE] = "group.write",
    [PERM_TOKEN_OWN] = "token.own",
    [PERM_AUDIT_READ] = "audit.read",
    [PERM_RECORD_READ] = "record.read",
    [PERM_RECORD_WRITE] = "record.write",
    [PERM_RECORD_ENDORSE] = "record.endorse",
    [PERM_RECORD_EXPORT] = "record.export",
    [PERM_DATA_IMPORT] = "data.import",
};

/* The words people read for each role and permission, kept beside the codes so that a new role
 * or permission is named once: the browser takes them from GET /api/v1/vocabulary rather than
 * keeping a copy of its own. */
static const struct {
    const char *label; /* "Focal point" */
    const char *who;   /* who holds it, for the form that gives the role */
} role_words[ROLE_COUNT] = {
    [ROLE_NONE] = { NULL, NULL },
    [ROLE_ADMIN] = { "Admin", "platform secretariat" },
    [ROLE_COORDINATOR] = { "Coordinator", "co-chairs' focal points" },
    [ROLE_FOCAL_POINT] = { "Focal point", "members' representatives" },
    [ROLE_REPORTER] = { "Reporter", "mission field reporters" },
    [ROLE_ENDORSER] = { "Endorser", "mission JOC/JMAC officers, who endorse reports" },
    [ROLE_ANALYST] = { "Analyst", "analysts: read and export" },
    [ROLE_AUDITOR] = { "Auditor", "auditors: read the audit log" },
};

static const char *const permission_labels[PERM_COUNT] = {
    [PERM_NONE] = "No permission needed",
    [PERM_DIRECTORY_READ] = "See organizations and sharing groups",
    [PERM_ORG_WRITE] = "Add and change organizations",
    [PERM_USER_ADMIN] = "Add, change and disable users",
    [PERM_GROUP_WRITE] = "Create and change sharing groups",
    [PERM_TOKEN_OWN] = "Manage your own API tokens",
    [PERM_AUDIT_READ] = "Read the audit log",
    [PERM_RECORD_READ] = "Read records shared with you",
    [PERM_RECORD_WRITE] = "Create and edit your organization's records",
    [PERM_RECORD_ENDORSE] = "Endorse or return reports",
    [PERM_RECORD_EXPORT] = "Export in bulk",
    [PERM_DATA_IMPORT] = "Import published data (UN fatalities, deployments)",
};

#define P(x) (1u << (x))

/* The one table of who may do what. Keep docs/architecture.md's table in step with it; a test
 * compares the two. The auditor reads the log and nothing else that is restricted: an
 * auditor who could also write records would audit their own work. */
static const unsigned role_permissions[ROLE_COUNT] = {
    [ROLE_NONE] = 0,
    [ROLE_ADMIN] = P(PERM_DIRECTORY_READ) | P(PERM_ORG_WRITE) | P(PERM_USER_ADMIN) |
                   P(PERM_GROUP_WRITE) | P(PERM_TOKEN_OWN) | P(PERM_AUDIT_READ) |
                   P(PERM_RECORD_READ) | P(PERM_RECORD_WRITE) | P(PERM_RECORD_ENDORSE) |
                   P(PERM_RECORD_EXPORT) | P(PERM_DATA_IMPORT),
    [ROLE_COORDINATOR] = P(PERM_DIRECTORY_READ) | P(PERM_GROUP_WRITE) | P(PERM_TOKEN_OWN) |
                         P(PERM_RECORD_READ) | P(PERM_RECORD_WRITE) | P(PERM_RECORD_EXPORT),
    [ROLE_FOCAL_POINT] = P(PERM_DIRECTORY_READ) | P(PERM_TOKEN_OWN) | P(PERM_RECORD_READ) |
                         P(PERM_RECORD_WRITE) | P(PERM_RECORD_EXPORT),
    [ROLE_REPORTER] =
        P(PERM_DIRECTORY_READ) | P(PERM_TOKEN_OWN) | P(PERM_RECORD_READ) | P(PERM_RECORD_WRITE),
    [ROLE_ENDORSER] = P(PERM_DIRECTORY_READ) | P(PERM_TOKEN_OWN) | P(PERM_RECORD_READ) |
                      P(PERM_RECORD_WRITE) | P(PERM_RECORD_ENDORSE),
    [ROLE_ANALYST] =
        P(PERM_DIRECTORY_READ) | P(PERM_TOKEN_OWN) | P(PERM_RECORD_READ) | P(PERM_RECORD_EXPORT),
    [ROLE_AUDITOR] = P(PERM_DIRECTORY_READ) | P(PERM_TOKEN_OWN) | P(PERM_AUDIT_READ),
};

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

const char *permission_name(enum permission p)
{
    return (p >= 0 && p < PERM_COUNT) ? permission_names[p] : "unknown";
}

const char *role_label(enum role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? role_words[r].label : NULL;
}

const char *role_who(enum role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? role_words[r].who : NULL;
}

const char *permission_label(enum permission p)
{
    return (p >= 0 && p < PERM_COUNT) ? permission_labels[p] : NULL;
}

bool role_can(enum role r, enum permission p)
{
    if (p == PERM_NONE)
        return true;
    if (r <= ROLE_NONE || r >= ROLE_COUNT || p < 0 || p >= PERM_COUNT)
        return false;
    return (role_permissions[r] & P(p)) != 0;
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
