/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"
#include "kouan-store-insurance.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_INSURANCE_CLAIMS (kouan_insurance_claims_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceClaims, kouan_insurance_claims, KOUAN, INSURANCE_CLAIMS, GtkWidget)

/* What the page shows: @store's data of @enterprise_id (0: none). */
void kouan_insurance_claims_set_source (KouanInsuranceClaims *self,
                                      KouanStore *store,
                                      gint64 enterprise_id);
/* Reads the store again (the view calls it on "changed"). */
void kouan_insurance_claims_reload (KouanInsuranceClaims *self);

/* Lists the claims @filter selects (the filter menu follows). */
void kouan_insurance_claims_set_filter (KouanInsuranceClaims *self,
                                        KouanClaimFilter      filter);

/* For the UI tests */
GListModel  *_kouan_insurance_claims_get_model     (KouanInsuranceClaims *self);
GtkListView *_kouan_insurance_claims_get_list_view (KouanInsuranceClaims *self);
/* the id of the claim the detail shows, 0 for none */
gint64       _kouan_insurance_claims_get_shown_id  (KouanInsuranceClaims *self);

G_END_DECLS
