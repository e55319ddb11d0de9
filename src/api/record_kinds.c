#include "action/action.h"
#include "alert/alert.h"
#include "api/common.h"
#include "bulletin/bulletin.h"
#include "capacity/capacity.h"
#include "casualty/casualty.h"
#include "commitment/commitment.h"
#include "decision/decision.h"
#include "event/event.h"
#include "incident/incident.h"
#include "library/library.h"
#include "meeting/meeting.h"
#include "proposal/proposal.h"

/* The kinds of shareable record, each with its table and its visibility predicate: one line
 * per shareable capability. Whatever reads records by kind and id rather than from their own
 * table (the audit log, the live stream, notifications, webhooks) checks each one through its
 * row here, at the time it delivers. The audit log needs it because an entry about a record a
 * reader could not open would otherwise tell an auditor of another organization that the
 * record exists, when and where it was written, and what its summary says (a return reason, a
 * mission, a date). The registry is here, above the capabilities, so the modules below them
 * (audit/, feed/, notify/) name none. */
const struct audit_record_kind api_record_kinds[] = {
    { "incident", "incident", incident_predicate },
    { "casualty", "casualty", casualty_predicate },
    /* A CASEVAC timeline belongs to a casualty record and is keyed by its id. */
    { "casevac", "casualty", casualty_predicate },
    { "event", "context_event", event_predicate },
    { "alert", "alert", alert_predicate },
    { "bulletin", "bulletin", bulletin_predicate },
    { "meeting", "meeting", meeting_predicate },
    { "decision", "decision", decision_predicate },
    { "proposal", "proposal", proposal_predicate },
    { "commitment", "commitment", commitment_predicate },
    { "action", "mission_action", action_predicate },
    { "document", "document", library_predicate },
    { "need", "capacity_need", capacity_need_predicate },
    { "offer", "capacity_offer", capacity_offer_predicate },
    /* A match: its need's and its offer's readers (migration 0028's view). */
    { "match", "capacity_match_record", capacity_match_predicate },
    { "training", "training_course", capacity_training_predicate },
    { NULL, NULL, NULL },
};
