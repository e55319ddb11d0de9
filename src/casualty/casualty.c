#include "casualty/casualty.h"

#include "sharing/sharing.h"

const char *const casualty_types[] = { "Fatality", "Injury", "Missing", "Abducted", NULL };

const char *const casualty_personnel_types[] = {
    "Military", "Military Observer", "Police", "International Civilian", "Local", "Other", NULL,
};

const char *const casualty_incident_types[] = {
    "Malicious Act", "Accident", "Illness", "Self-Inflicted", "To Be Determined", "Unknown", NULL,
};

void casualty_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    buf_putc(sql, '(');
    sharing_predicate(who, "casualty", alias, sql, params);
    /* The embargo holds a death back until next of kin and the contributing state are told:
     * until release only the owner (the contributing state), the mission the person served
     * in, and the secretariat see the record, whatever its marking says. */
    if (who && who->role == ROLE_ADMIN) {
        buf_putc(sql, ')');
        return;
    }
    /* A reader whose role reads no records (the auditor) sees what an anonymous reader
     * sees, embargo included: owning the record does not make its death public. */
    if (!who || who->account_id == 0 || !role_can(who->role, PERM_RECORD_READ)) {
        buf_printf(sql, " AND %s.embargoed = 0)", alias);
        return;
    }
    buf_printf(sql,
               " AND (%s.embargoed = 0 OR %s.owner_org_id = ? OR %s.mission IN (SELECT "
               "casualty_o.mission_acronym FROM org casualty_o WHERE casualty_o.id = ? AND "
               "casualty_o.mission_acronym IS NOT NULL)))",
               alias, alias, alias);
    db_params_int(params, who->org_id);
    db_params_int(params, who->org_id);
}
