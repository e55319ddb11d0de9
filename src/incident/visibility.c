/* Who sees which incident: the sharing model, and the workflow's own rule that a report
 * being written is its organization's business until it is submitted. A returned report has
 * been shared already (its endorser returned it, and must see the correction come back). A draft
 * shared as TLP:GREEN would otherwise show half-written reports, and other organizations' working
 * copies, on every member's map. */
#include "incident/internal.h"

#include "sharing/sharing.h"

/* The sharing predicate for `record_type` over `alias`, with the draft rule on the alias's
 * status and owner_org_id columns: incidents and their revisions are judged alike
 * (sharing_draft_predicate(), which bulletins share). */
static void with_draft_rule(const struct principal *who, const char *record_type, const char *alias,
                            struct buf *sql, struct db_params *params)
{
    sharing_draft_predicate(who, record_type, alias, sql, params);
}

void incident_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params)
{
    with_draft_rule(who, "incident", alias, sql, params);
}

/* A revision written while the report was a draft was its organization's working copy then,
 * and stays so in the history. */
void incident__revision_predicate(const struct principal *who, const char *alias, struct buf *sql,
                                  struct db_params *params)
{
    with_draft_rule(who, "incident_revision", alias, sql, params);
}

int incident_visible_to(struct db *db, const struct principal *who, const char *id, bool *visible,
                        struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT 1 FROM incident i WHERE i.id = ? AND ");
    db_params_text(&params, id);
    incident_predicate(who, "i", &sql, &params);
    int rc = db_exec_params(db, buf_str(&sql), &params, NULL, visible, err);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    return rc;
}

int incident_redact_links(struct db *db, const struct principal *who, json_t *item,
                          struct bh_error *err)
{
    const char *target = json_string_value(json_object_get(item, "merged_into"));
    if (!target)
        return 0;
    bool visible = false;
    int rc = incident_visible_to(db, who, target, &visible, err);
    if (rc == 0 && !visible)
        json_object_set_new(item, "merged_into", json_null());
    return rc;
}
