/* Who may do what in capacity building, and who sees which rows: the module's permissions
 * (API_PERMISSION_TABLES) and the sharing model's predicate (docs/sharing.md) for its three
 * kinds of shareable record. */
#include "capacity/capacity.h"

#include <stdio.h>

#include "base/i18n.h"
#include "sharing/sharing.h"

/* A need speaks for the organization's contingents: its focal points, and the mission
 * officers who know what the contingents lack. */
const struct permission perm_capacity_request = {
    .name = "capacity.request",
    .label = N_("Post and change your organization's capacity needs"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT, ENDORSER),
};

/* An offer commits the organization's money, seats or people. */
const struct permission perm_capacity_offer = {
    .name = "capacity.offer",
    .label = N_("Post and change your organization's offers of support"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

/* Confirming a match is the Light Coordination Mechanism's act: the secretariat and the
 * co-chairs' coordinators, never for their own organization's need or offer (match.c). */
const struct permission perm_capacity_coordinate = {
    .name = "capacity.coordinate",
    .label = N_("Confirm and cancel matches between needs and offers"),
    .roles = ROLES(ADMIN, COORDINATOR),
};

const struct permission perm_capacity_train = {
    .name = "capacity.train",
    .label = N_("Record your organization's courses and their deliveries"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission *const capacity_permissions[] = {
    &perm_capacity_request,
    &perm_capacity_offer,
    &perm_capacity_coordinate,
    &perm_capacity_train,
    NULL,
};

void capacity_need_predicate(const struct principal *who, const char *alias, struct buf *sql,
                             struct db_params *params)
{
    sharing_predicate(who, "need", alias, sql, params);
}

void capacity_offer_predicate(const struct principal *who, const char *alias, struct buf *sql,
                              struct db_params *params)
{
    sharing_predicate(who, "offer", alias, sql, params);
}

void capacity_training_predicate(const struct principal *who, const char *alias, struct buf *sql,
                                 struct db_params *params)
{
    sharing_predicate(who, "training", alias, sql, params);
}

/* The need and the offer are looked up under aliases made from `alias`, so that two matches
 * read in one statement (or a match inside another kind's subquery) never share one. */
void capacity_match_predicate(const struct principal *who, const char *alias, struct buf *sql,
                              struct db_params *params)
{
    char need[64], offer[64];
    snprintf(need, sizeof need, "%s_need", alias);
    snprintf(offer, sizeof offer, "%s_offer", alias);
    buf_printf(sql, "(EXISTS (SELECT 1 FROM capacity_need %s WHERE %s.n = %s.need_n AND ", need,
               need, alias);
    capacity_need_predicate(who, need, sql, params);
    buf_printf(sql, ") AND EXISTS (SELECT 1 FROM capacity_offer %s WHERE %s.n = %s.offer_n AND ",
               offer, offer, alias);
    capacity_offer_predicate(who, offer, sql, params);
    buf_puts(sql, "))");
}
