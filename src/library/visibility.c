/* Who may do what in the library, and who sees which rows. The permissions are the module's
 * (API_PERMISSION_TABLES); the predicates are the sharing model's (docs/sharing.md) with the
 * draft rule, for the document and for the rows that keep a marking of their own. */
#include "library/library.h"

#include "base/i18n.h"
#include "sharing/sharing.h"

/* Writing is open to whoever writes records: a mission's safety officer writes the lesson of
 * the incident they reported. */
const struct permission perm_library_write = {
    .name = "library.write",
    .label = N_("Write the library's documents of your organization"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, REPORTER, ENDORSER),
};

/* Submitting for review and publishing speak for the organization. */
const struct permission perm_library_publish = {
    .name = "library.publish",
    .label = N_("Submit your organization's documents for review and publish them"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission perm_library_comment = {
    .name = "library.comment",
    .label = N_("Comment on the library's documents you may read"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, REPORTER, ENDORSER, ANALYST),
};

/* A review's verdict is a judgement of the practice: the people who endorse reports in the
 * missions and those who speak for an organization. */
const struct permission perm_library_review = {
    .name = "library.review",
    .label = N_("Approve documents in review, or ask for changes"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ENDORSER),
};

/* "Brazil endorses this practice" is the organization's word. */
const struct permission perm_library_endorse = {
    .name = "library.endorse",
    .label = N_("Endorse a published document for your organization"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission *const library_permissions[] = {
    &perm_library_write,  &perm_library_publish, &perm_library_comment,
    &perm_library_review, &perm_library_endorse, NULL,
};

void library_predicate(const struct principal *who, const char *alias, struct buf *sql,
                       struct db_params *params)
{
    sharing_draft_predicate(who, "document", alias, sql, params);
}

void library_version_predicate(const struct principal *who, const char *alias, struct buf *sql,
                               struct db_params *params)
{
    sharing_draft_predicate(who, "document_version", alias, sql, params);
}

void library_comment_predicate(const struct principal *who, const char *alias, struct buf *sql,
                               struct db_params *params)
{
    sharing_draft_predicate(who, "document_comment", alias, sql, params);
}
