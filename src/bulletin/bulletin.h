#ifndef BH_BULLETIN_BULLETIN_H
#define BH_BULLETIN_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attachment/attachment.h"
#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Bulletins (docs/bulletins.md): a member's summary of a period (a week in a mission, a
 * month of a region), written in Markdown, with files attached (src/attachment/). Stored in
 * table bulletin (migration 0023) and shared like every record (docs/sharing.md, record type
 * "bulletin"); a draft stays inside its organization until published, whatever its marking.
 * Publishing is one event of the live feed (src/feed/). */

extern const struct permission perm_bulletin_write;
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const bulletin_permissions[];

#define BULLETIN_TITLE_MAX 200
#define BULLETIN_BODY_MAX  100000

/* Visibility: the sharing predicate with record type "bulletin", and drafts only for their
 * owning organization (admins see every row). Values appended to `params` as
 * sharing_predicate() says. */
void bulletin_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params);

/* Creates a draft owned by `who`'s organization from `body` ({title, period_from, period_to,
 * mission, body, tlp, sharing_group, recipients}); needs bulletin.write. A TLP:RED bulletin's
 * readers are `recipients` (usernames) and its author. Every failure names its field and
 * writes nothing. Audited as bulletin.create. *out: the bulletin as bulletin_get gives it. */
int bulletin_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err);

/* Changes the fields present in `body` (null clears mission; recipients replace the RED
 * readers). A bulletin `who` cannot see is BH_ENOTFOUND; one of another organization
 * BH_EDENIED. A published bulletin stays published and its change is a feed event
 * ("updated"). Audited as bulletin.update with the changed fields. */
int bulletin_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    json_t **out, struct bh_error *err);

/* Publishes a draft of `who`'s organization: published_at set, feed event ("bulletin",
 * "created") written in the same transaction and readers woken after the commit. Published
 * already: BH_ECONFLICT naming "status". Audited as bulletin.publish. */
int bulletin_publish(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err);

/* The bulletin with body_html and its attachments, when `who` may see it (BH_ENOTFOUND
 * otherwise). An admin's read of a RED or AMBER+STRICT bulletin is audited (bulletin.read). */
int bulletin_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Bulletins `who` may see, newest first, after id `after` ("" from the start), at most
 * `limit`, appended to `items` (without body and body_html); *more and *total as lists say.
 * `status` ("draft", "published" or NULL for both) filters. */
int bulletin_list(struct db *db, const struct principal *who, const char *status, const char *after,
                  int limit, json_t *items, bool *more, int64_t *total, struct bh_error *err);

/* Attaches a file to a bulletin of `who`'s organization (as bulletin_update decides who may),
 * checked and stored by attachment_add(). Audited as bulletin.attach. */
int bulletin_attach(struct db *db, const struct principal *who, const char *id,
                    const char *filename, const void *data, size_t len, json_t **out,
                    struct bh_error *err);

/* An attachment of a bulletin `who` may see (BH_ENOTFOUND otherwise); the caller cleans
 * `out` up with attachment_cleanup(). An admin's read under RED or AMBER+STRICT is audited. */
int bulletin_attachment_get(struct db *db, const struct principal *who, const char *id,
                            const char *attachment_id, struct attachment *out,
                            struct bh_error *err);

#endif
