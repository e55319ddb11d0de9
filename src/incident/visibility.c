/* Who sees which incident: the sharing model, and the workflow's own rule that a report
 * being written is its organization's business until it is submitted. A returned report has
 * been shared already (its endorser returned it, and must see the correction come back). A draft
 * shared as TLP:GREEN would otherwise show half-written reports, and other organizations' working
 * copies, on every member's map. */
#include "incident/incident.h"

#include "sharing/sharing.h"

#include <inttypes.h>

void incident_predicate(const struct principal *who, const char *alias, struct buf *sql)
{
    buf_puts(sql, "(");
    sharing_predicate(who, "incident", alias, sql);
    if (!who || who->role != ROLE_ADMIN) {
        /* Aliases are constants of our own code, and sharing_predicate has vetted this one. */
        /* The unary + keeps these terms out of index selection: as index candidates the OR
         * would lead SQLite into a multi-index union over status and owner that scans far
         * more rows than the spatial, time or text index the query is built around. */
        buf_printf(sql, " AND (+%s.status <> 'draft'", alias);
        if (who && who->org_id > 0)
            buf_printf(sql, " OR +%s.owner_org_id = %" PRId64, alias, who->org_id);
        buf_puts(sql, ")");
    }
    buf_puts(sql, ")");
}
