#ifndef BH_ALERT_ALERT_H
#define BH_ALERT_ALERT_H

#include <stdbool.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "db/db.h"
#include "formats/cap.h"
#include "principal/principal.h"

/* Alerts: CAP messages sent to organizations, missions, groups or areas, acknowledged per
 * recipient organization, exported as CAP 1.2 and Atom, imported from CAP (docs/alerts.md).
 * An alert is a shareable record (sharing rule 5 of docs/sharing.md); every read goes
 * through alert_predicate. */

extern const struct permission perm_alert_send;
extern const struct permission *const alert_permissions[]; /* NULL-terminated */
#define PERM_ALERT_SEND (&perm_alert_send)                 /* send and import alerts */

/* Stores a CAP message read from another system (upload, `bluehelm import cap`, an external
 * feed): de-duplicated by (sender, identifier) — a repeat is not stored again and *created is
 * false; an Update or Cancel whose `references` names a stored alert updates/cancels that
 * alert's state. Marking from CAP scope: Public -> CLEAR, Restricted -> AMBER+STRICT of the
 * importing organization, Private -> RED to the importing user. `origin` says where it came
 * from ("upload", "cli", "feed:<source id>"). `signature_verified` is kept and shown.
 * id_out gets the stored (or existing) alert's id. Audited as alert.import. Publishes a feed
 * event. */
int alert_import_cap(struct db *db, const struct principal *who, const struct cap_alert *cap,
                     const char *origin, bool signature_verified, char id_out[37], bool *created,
                     struct bh_error *err);

/* The visibility of alerts as `alias` to `who`: sharing_predicate(who, "alert", alias, ...)
 * and nothing else. Appends an SQL condition to `sql` and its values to `params`. */
void alert_predicate(const struct principal *who, const char *alias, struct buf *sql,
                     struct db_params *params);

/* Sends an alert from the JSON body of POST /api/v1/alerts (docs/alerts.md): validated field
 * by field (BH_EINVALID naming "info[0].urgency", "info[0].areas[1].polygon", "targets"...,
 * nothing written), its targets resolved to recipient organizations, each told
 * (alert.received). An Update or Cancel names in `references` an alert of the same
 * organization, whose state changes. *out is the new alert's JSON. Audited as alert.send. */
int alert_send(struct db *db, const struct principal *who, const json_t *body, json_t **out,
               struct bh_error *err);

/* One alert as `who` sees it, with ack_required and acknowledged_at for their organization;
 * BH_ENOTFOUND when they may not see it. */
int alert_get(struct db *db, const struct principal *who, const char *id, json_t **out,
              struct bh_error *err);

struct alert_filter {
    bool active_only;     /* not cancelled and not expired (time_now_ms()) */
    const char *q;        /* substring of headline, event or description */
    const char *severity; /* CAP severity */
    const char *status;   /* CAP status */
    const char *mission;  /* targeted mission acronym */
};

/* The alerts `who` may see, newest first, after the id `after` (NULL: from the start), at
 * most `limit`, appended to `items`. */
int alert_list(struct db *db, const struct principal *who, const struct alert_filter *f,
               const char *after, int limit, json_t *items, bool *more, int64_t *total,
               struct bh_error *err);

/* Acknowledges alert `id` for `who`'s organization (the first time is kept). BH_ENOTFOUND
 * when not visible, BH_EDENIED (field "org") when their organization is not a recipient.
 * Tells the sender organization (alert.acknowledged); audited as alert.ack. */
int alert_ack(struct db *db, const struct principal *who, const char *id, json_t **out,
              struct bh_error *err);

/* The acknowledgement board: {org, name, acknowledged_at, acknowledged_by} per recipient
 * organization into `items`. BH_ENOTFOUND when not visible; BH_EDENIED unless `who` is of the
 * sending organization or an admin. */
int alert_acks(struct db *db, const struct principal *who, const char *id, json_t *items,
               struct bh_error *err);

/* The visible alert `id` as a CAP message (strings in `a`), for cap_write(). Scope follows
 * the marking: CLEAR Public, RED Private (addresses: the RED readers' usernames), others
 * Restricted (restriction: the marking and its distribution). */
int alert_to_cap(struct db *db, const struct principal *who, const char *id, struct arena *a,
                 struct cap_alert *out, struct bh_error *err);

/* An Atom 1.0 feed of the active alerts `who` may see, each entry linking its CAP message
 * (rel="alternate" type="application/cap+xml") under `base` ("" for relative links). */
int alert_atom(struct db *db, const struct principal *who, const char *base, struct buf *out,
               struct bh_error *err);

/* The directory of trusted signers' PEM certificates (setting cap_trusted_certs) that an
 * imported message's signature is checked against; "" checks none. Set once by `serve` before
 * its threads start. */
void alert_set_trusted_certs(const char *dir);
const char *alert_trusted_certs(void);

/* Reads a CAP message from another system (cap_parse) and, when it carries an XML signature
 * and `trusted_dir` is set, checks it against the PEM certificates there
 * (cap_verify_signature): what every way in (upload, `import cap`, an external feed) does
 * before alert_import_cap(). *verified is false for an unsigned message, an untrusted signer
 * or no trusted_dir. */
int alert_read_cap(const char *xml, size_t len, const char *trusted_dir, struct arena *a,
                   struct cap_alert *cap, bool *verified, struct bh_error *err);

#endif
