#ifndef BH_PRINCIPAL_PRINCIPAL_H
#define BH_PRINCIPAL_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

/* Roles, permissions and the principal (who is asking). Each permission names the roles that
 * hold it, where it is defined (the platform's in principal.c, a capability's in its module);
 * the registry of them all (api/api.h) and docs/architecture.md's table say the same
 * (unit/role_docs). The HTTP dispatcher and the CLI check them in one place, so no handler
 * decides on its own who may do what. */

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

/* A permission: what a route row or a module's check names. Its code ("org.write", stable: the
 * API, the docs and the audit log use it), the sentence the browser shows ("Add and change
 * organizations") and the roles that hold it (ROLES(ADMIN, ...)). A permission is one object,
 * defined by whoever owns it: the platform-wide ones below in principal.c, a capability's own
 * in its module (`const struct permission perm_alert_send = { "alert.send", N_("Send alerts"),
 * ROLES(ADMIN, COORDINATOR) };` in src/alert/alert.c) with its table listed by one line in
 * API_PERMISSION_TABLES (src/api/api.h). NULL is "no permission needed". The label is English,
 * marked with N_() (base/i18n.h); permission_label() gives it in the reader's language. */
struct permission {
    const char *name;  /* "org.write" */
    const char *label; /* N_("Add and change organizations"): English, marked */
    unsigned roles;    /* ROLES(...): bit 1 << r for each role r that holds it */
};

/* The bit of role ROLE_<r> in `struct permission`'s roles, and their union:
 * ROLES(ADMIN, AUDITOR). ROLE_NONE (anonymous) is never given one. */
#define ROLE_BIT(r) (1u << ROLE_##r)
#define ROLES(...)                                                                           \
    (0u ROLES_PICK_(__VA_ARGS__, ROLES_7_, ROLES_6_, ROLES_5_, ROLES_4_, ROLES_3_, ROLES_2_, \
                    ROLES_1_, )(__VA_ARGS__))
#define ROLES_PICK_(a, b, c, d, e, f, g, n, ...) n
#define ROLES_1_(a)                              | ROLE_BIT(a)
#define ROLES_2_(a, ...)                         | ROLE_BIT(a) ROLES_1_(__VA_ARGS__)
#define ROLES_3_(a, ...)                         | ROLE_BIT(a) ROLES_2_(__VA_ARGS__)
#define ROLES_4_(a, ...)                         | ROLE_BIT(a) ROLES_3_(__VA_ARGS__)
#define ROLES_5_(a, ...)                         | ROLE_BIT(a) ROLES_4_(__VA_ARGS__)
#define ROLES_6_(a, ...)                         | ROLE_BIT(a) ROLES_5_(__VA_ARGS__)
#define ROLES_7_(a, ...)                         | ROLE_BIT(a) ROLES_6_(__VA_ARGS__)

/* The platform-wide permissions (principal.c), the table principal_permissions, and the names
 * the call sites use. */
extern const struct permission perm_directory_read, perm_org_write, perm_user_admin,
    perm_group_write, perm_token_own, perm_audit_read, perm_record_read, perm_record_write,
    perm_record_endorse, perm_record_export, perm_data_import;
extern const struct permission *const principal_permissions[]; /* NULL-terminated */

#define PERM_NONE           ((const struct permission *)NULL) /* no check beyond authentication */
#define PERM_DIRECTORY_READ (&perm_directory_read) /* see organizations and sharing groups */
#define PERM_ORG_WRITE      (&perm_org_write)      /* add and change organizations */
#define PERM_USER_ADMIN     (&perm_user_admin)     /* add, change, disable users */
#define PERM_GROUP_WRITE    (&perm_group_write)    /* create and change sharing groups */
#define PERM_TOKEN_OWN      (&perm_token_own)      /* manage one's own API tokens */
#define PERM_AUDIT_READ     (&perm_audit_read)     /* read the audit log */
#define PERM_RECORD_READ    (&perm_record_read)    /* read shared records (sharing predicate) */
#define PERM_RECORD_WRITE   (&perm_record_write)   /* create and edit one's organization's */
#define PERM_RECORD_ENDORSE (&perm_record_endorse) /* endorse or return reports */
#define PERM_RECORD_EXPORT  (&perm_record_export)  /* bulk export */
#define PERM_DATA_IMPORT    (&perm_data_import)    /* load published datasets */

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

/* The words shown for a role ("Focal point") and who holds it ("members' representatives"), in
 * the calling thread's language (base/i18n.h); NULL for ROLE_NONE or out of range. */
const char *role_label(enum role r);
const char *role_who(enum role r);

/* The code of `p` ("org.write"); "none" for NULL. */
const char *permission_name(const struct permission *p);

/* The sentence shown for `p` ("Export in bulk"); "No permission needed" for NULL. In the
 * calling thread's language. */
const char *permission_label(const struct permission *p);

/* Whether `r` holds `p`. NULL (PERM_NONE) is held by everyone, anonymous included; anything
 * else by no one but the roles it names. */
bool role_can(enum role r, const struct permission *p);

/* A registry of permissions is a NULL-terminated list of tables, each a NULL-terminated list
 * (api/api.h's api_permissions: principal_permissions and each capability's table).
 *
 * The permission after `prev` in `registry`, table by table, row by row; the first when `prev`
 * is NULL; NULL after the last (or when `prev` is not in it):
 *     for (const struct permission *p = permission_next(reg, NULL); p;
 *          p = permission_next(reg, p)) */
const struct permission *permission_next(const struct permission *const *const *registry,
                                         const struct permission *prev);

/* The permission of `registry` with code `name`, or NULL. */
const struct permission *permission_find(const struct permission *const *const *registry,
                                         const char *name);

/* The anonymous principal. */
void principal_anonymous(struct principal *p);

/* The command-line operator: whoever can run bluehelm on the server can open the store file
 * anyway, so the CLI acts with admin rights, recorded in the audit log as "cli:$USER". */
void principal_cli(struct principal *p);

/* The server acting on its own for organization `org_id` (a proposal adopted at its deadline
 * writes its decision, commitment and actions as its owner's): admin rights, no account,
 * recorded in the audit log as "server". */
void principal_server(struct principal *p, int64_t org_id, const char *org_code);

#endif
