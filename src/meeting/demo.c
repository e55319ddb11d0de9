/* The group's launch meeting as the demo's first coordination record (`bluehelm demo`): held
 * online on 27 April 2021, 10:00 to 12:00 in New York, co-chaired by China, Brazil, Indonesia
 * and Rwanda. The public record counts "more than 150 participants", which the integer column
 * cannot hold: the minutes say it and attendance_total stays unknown. */
#include "meeting/meeting.h"

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "base/uuid.h"

#include <stdio.h>
#include <string.h>

#define DEMO_TITLE "Launch of the Group of Friends on the Safety and Security of UN Peacekeepers"

static const char *const co_chairs[] = { "CHN", "BRA", "IDN", "RWA" };

int meeting_demo(struct db *db, struct bh_error *err)
{
    bool found = false;
    int64_t owner = 0;
    int rc = db_exec_params(db, "SELECT 1 FROM meeting WHERE title = ? AND starts_at = ?",
                            DB_PARAMS(DB_TEXT(DEMO_TITLE), DB_TEXT("2021-04-27T14:00:00Z")), NULL,
                            &found, err);
    if (rc || found)
        return rc;
    /* The first co-chair present owns it, else any member. */
    for (size_t i = 0; !owner && i < sizeof co_chairs / sizeof co_chairs[0]; i++)
        if ((rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?",
                                 DB_PARAMS(DB_TEXT(co_chairs[i])), &owner, NULL, err)))
            return rc;
    if (!owner && (rc = db_query_int(db, "SELECT min(id) FROM org", 0, &owner, err)))
        return rc;
    if (!owner)
        return 0; /* no organization: nothing can own it */
    int64_t starts, ends;
    if ((rc = tz_local_to_utc("America/New_York", 2021, 4, 27, 10, 0, 0, &starts, "starts_at",
                              err)) ||
        (rc = tz_local_to_utc("America/New_York", 2021, 4, 27, 12, 0, 0, &ends, "ends_at", err)))
        return rc;
    char id[UUID_STR_LEN + 1], starts_at[40], ends_at[40], now[40];
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
    time_format_rfc3339(starts, 0, false, starts_at);
    time_format_rfc3339(ends, 0, false, ends_at);
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if ((rc = db_begin(db, err)))
        return rc;
    rc = db_exec_params(
        db,
        "INSERT INTO meeting (id, title, kind, status, starts_at, starts_ms, ends_at, ends_ms, "
        "time_zone, venue, online_url, attendance_total, minutes, owner_org_id, tlp, created_at, "
        "updated_at) VALUES (?, ?, 'plenary', 'held', ?, ?, ?, ?, 'America/New_York', NULL, NULL, "
        "NULL, ?, ?, 'GREEN', ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(DEMO_TITLE), DB_TEXT(starts_at), DB_INT(starts),
                  DB_TEXT(ends_at), DB_INT(ends),
                  DB_TEXT("More than 150 participants took part online.\n\n"
                          "The group was launched by its co-chairs, China, Brazil, Indonesia "
                          "and Rwanda, to promote the safety and security of peacekeepers."),
                  DB_INT(owner), DB_TEXT(now), DB_TEXT(now)),
        NULL, NULL, err);
    const char *const agenda[] = { "Opening by the co-chairs", "Statements by members",
                                   "The group's programme of work" };
    for (size_t i = 0; !rc && i < sizeof agenda / sizeof agenda[0]; i++)
        rc = db_exec_params(db,
                            "INSERT INTO meeting_agenda_item (meeting_id, position, title) "
                            "VALUES (?, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT((int64_t)i + 1), DB_TEXT(agenda[i])),
                            NULL, NULL, err);
    for (size_t i = 0; !rc && i < sizeof co_chairs / sizeof co_chairs[0]; i++)
        rc = db_exec_params(db,
                            "INSERT INTO meeting_participant (meeting_id, org_id, attendees) "
                            "SELECT ?, id, NULL FROM org WHERE code = ?",
                            DB_PARAMS(DB_TEXT(id), DB_TEXT(co_chairs[i])), NULL, NULL, err);
    if (!rc) {
        struct principal who;
        principal_cli(&who);
        rc = audit_append(db, &who, "meeting.create", "meeting", id, NULL, err);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
