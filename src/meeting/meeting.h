#ifndef BH_MEETING_MEETING_H
#define BH_MEETING_MEETING_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Meetings of the group (docs/meetings.md): plenaries, co-chairs' meetings, working groups and
 * briefings, with their agenda (in order), the organizations that took part and how many of
 * their people came, and minutes in Markdown. Stored in table meeting and its agenda and
 * participant tables (migration 0026); a shareable record (docs/sharing.md, record type
 * "meeting") whose marking is read by src/sharing/marking.h. Instants are kept in UTC; the
 * meeting's time zone says how they were written and how they are shown ("starts_local"). */

extern const struct permission perm_meeting_write;
/* The module's permissions, NULL-terminated (API_PERMISSION_TABLES). */
extern const struct permission *const meeting_permissions[];

#define MEETING_TITLE_MAX        200
#define MEETING_AGENDA_MAX       100
#define MEETING_AGENDA_TITLE_MAX 300
#define MEETING_NOTES_MAX        20000
#define MEETING_MINUTES_MAX      200000
#define MEETING_PARTICIPANTS_MAX 200
#define MEETING_VENUE_MAX        300
#define MEETING_URL_MAX          2000

/* Visibility: the sharing predicate with record type "meeting". */
void meeting_predicate(const struct principal *who, const char *alias, struct buf *sql,
                       struct db_params *params);

/* Whether `s` is an online meeting's address: absolute http:// or https:// with a host, and
 * nothing a browser would read otherwise (spaces, control characters, quotes, a backslash).
 * Pure. */
bool meeting_url_ok(const char *s);

/* Reads a body's "agenda" (a list of {title, notes}) into *out, a new array of {title, notes}
 * in the order given; BH_EINVALID naming "agenda" or "agenda[i].member". Pure. */
int meeting_agenda_read(const json_t *agenda, json_t **out, struct bh_error *err);

/* Creates a meeting owned by `who`'s organization from `body` ({title, kind, status,
 * starts_at, ends_at, time_zone, venue, online_url, attendance_total, minutes, agenda,
 * participants, tlp, sharing_group, recipients}); needs meeting.write. Every failure names
 * its field ("agenda[1].title", "participants[0].org") and writes nothing. A planned meeting
 * tells the participant organizations that may read it ("meeting.scheduled"). Audited as
 * meeting.create. *out: the meeting as meeting_get gives it. */
int meeting_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err);

/* Changes the members present in `body`; agenda and participants, when given, replace the
 * stored ones whole. `if_revision` > 0 must be the stored revision (else BH_ECONFLICT naming
 * "If-Match"). Hidden from `who`: BH_ENOTFOUND; another organization's (not an admin):
 * BH_EDENIED. Audited as meeting.update with the changed members. */
int meeting_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                   int64_t if_revision, json_t **out, struct bh_error *err);

/* The meeting with its agenda, participants and the decisions taken at it that `who` may see;
 * BH_ENOTFOUND when missing or hidden. An admin's read of a RED or AMBER+STRICT meeting is
 * audited. */
int meeting_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err);

/* Meetings `who` may see, latest start first, after the meeting `after` (its id; NULL or ""
 * from the start), starting at or after `from` and before `to` (RFC 3339 or a date
 * YYYY-MM-DD read in UTC; NULL for no bound), of `status` (NULL for any). Items without
 * minutes, agenda notes or decisions. */
int meeting_list(struct db *db, const struct principal *who, const char *from, const char *to,
                 const char *status, const char *after, int limit, json_t *items, bool *more,
                 struct bh_error *err);

/* For a write on something of meeting `id` (a decision taken at it): the meeting must be one
 * `who` sees (else BH_ENOTFOUND) and may change (its organization's meeting.write holders or an
 * admin; else BH_EDENIED). *owner_org_id and *starts_ms get the meeting's. */
int meeting_for_write(struct db *db, const struct principal *who, const char *id,
                      int64_t *owner_org_id, int64_t *starts_ms, struct bh_error *err);

/* The group's launch meeting (27 April 2021, online), added once by `bluehelm demo`: a second
 * call adds nothing (src/meeting/demo.c). */
int meeting_demo(struct db *db, struct bh_error *err);

#endif
