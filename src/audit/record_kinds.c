/* The kinds of record whose audit entries are read under the record's own visibility: one line
 * per shareable capability. An entry about a record a reader could not open would otherwise
 * tell an auditor of another organization that the record exists, when and where it was
 * written, and what its summary says (a return reason, a mission, a date). */
#include "audit/audit.h"

#include "casualty/casualty.h"
#include "event/event.h"
#include "incident/incident.h"

const struct audit_record_kind audit_record_kinds[] = {
    { "incident", "incident", incident_predicate },
    { "casualty", "casualty", casualty_predicate },
    /* A CASEVAC timeline belongs to a casualty record and is keyed by its id. */
    { "casevac", "casualty", casualty_predicate },
    { "event", "context_event", event_predicate },
    { NULL, NULL, NULL },
};
