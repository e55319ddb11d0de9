#ifndef BH_PRINCIPAL_PRINCIPAL_H
#define BH_PRINCIPAL_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

/* Roles, permissions and the principal (who is asking). The permissions of every role are
 * one table (principal.c) and one table in docs/architecture.md; the HTTP dispatcher and the CLI
 * check them in one place, so no handler decides on its own who may do what. */

enum role {
    ROLE_NONE = 0,    /* anonymous: nobody signed in */
    ROLE_ADMIN,       /* platform secretariat */
    ROLE_COORDINATOR, /* co-chair focal point */
    ROLE_FOCAL_POINT, /* a member's representative */
    ROLE_REPORTER,    /* mission field reporter */
    ROLE_ENDORSER,    /* mission JOC/JMAC officer */
    ROLE_ANALYST,     /* read and export */
    ROLE_AUDITOR,     /* reads the audit log */
    ROLE_COUNT
};

enum permission {
    PERM_NONE = 0,       /* no check beyond the route's authentication flag */
    PERM_DIRECTORY_READ, /* see organizations and sharing groups */
    PERM_ORG_WRITE,      /* add and change organizations */
    PERM_USER_ADMIN,     /* add, change, disable users */
    PERM_GROUP_WRITE,    /* create and change sharing groups */
    PERM_TOKEN_OWN,      /* manage one's own API tokens */
    PERM_AUDIT_READ,     /* read the audit log */
    PERM_RECORD_READ,    /* read shared records (through the sharing predicate) */
    PERM_RECORD_WRITE,   /* create and edit records of one's organization */
    PERM_RECORD_ENDORSE, /* endorse or return reports */
    PERM_RECORD_EXPORT,  /* bulk export */
    PERM_DATA_IMPORT,    /* load published datasets (UN fatalities, deployments) */
    PERM_COUNT
};

/* Who is asking. account_id 0 is anonymous (ROLE_NONE) or, with role ROLE_ADMIN and
 * `is_cli`, the operator at the server's command line. */
struct principal {
    int64_t account_id;
    int64_t org_id;
    enum role role;
    bool is_cli;
    char username[64];
    char org_code[32];
};

/* "admin", "coordinator", ...; NULL for ROLE_NONE or out of range. */
const char *role_name(enum role r);

/* Parses a role name; returns ROLE_NONE when unknown. */
enum role role_parse(const char *name);

/* "org.write", ...: the stable names used in the API and the docs. */
const char *permission_name(enum permission p);

/* The words shown for a role ("Focal point") and who holds it ("members' representatives");
 * NULL for ROLE_NONE or out of range. */
const char *role_label(enum role r);
const char *role_who(enum role r);

/* The sentence shown for a permission ("Export in bulk"); NULL when out of range. */
const char *permission_label(enum permission p);

/* Whether `r` holds `p`. PERM_NONE is held by everyone. */
bool role_can(enum role r, enum permission p);

/* The anonymous principal. */
void principal_anonymous(struct principal *p);

/* The command-line operator: whoever can run bluehelm on the server can open the store file
 * anyway, so the CLI acts with admin rights, recorded in the audit log as "cli:$USER". */
void principal_cli(struct principal *p);

#endif
