#ifndef BH_WEBHOOK_INTERNAL_H
#define BH_WEBHOOK_INTERNAL_H

#include "webhook/webhook.h"

/* Shared by the files of webhook/ only. */

/* The settings of webhook_configure() and webhook_set_kinds(), copied under their lock; any
 * pointer may be NULL. */
void webhook_settings(struct webhook_allow *allow, int *max_failures,
                      const struct audit_record_kind **kinds);

/* Makes transfers in progress give up (the worker stopping), or lets them run again. */
void webhook_cancel(bool on);

#endif
