/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_INSURANCE_SUBSCRIPTIONS (kouan_insurance_subscriptions_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceSubscriptions, kouan_insurance_subscriptions, KOUAN, INSURANCE_SUBSCRIPTIONS, GtkWidget)

/* What the page shows: @store's data of @enterprise_id (0: none). */
void kouan_insurance_subscriptions_set_source (KouanInsuranceSubscriptions *self,
                                      KouanStore *store,
                                      gint64 enterprise_id);
/* Reads the store again (the view calls it on "changed"). */
void kouan_insurance_subscriptions_reload (KouanInsuranceSubscriptions *self);

/* For the UI tests: the switch of the @index-th category (or NULL) */
GtkSwitch *_kouan_insurance_subscriptions_get_switch (KouanInsuranceSubscriptions *self,
                                                      guint                        index);

G_END_DECLS
