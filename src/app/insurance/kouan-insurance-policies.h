/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"
#include "kouan-store-insurance.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_INSURANCE_POLICIES (kouan_insurance_policies_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsurancePolicies, kouan_insurance_policies, KOUAN, INSURANCE_POLICIES, GtkWidget)

/* What the page shows: @store's data of @enterprise_id (0: none). */
void kouan_insurance_policies_set_source (KouanInsurancePolicies *self,
                                      KouanStore *store,
                                      gint64 enterprise_id);
/* Reads the store again (the view calls it on "changed"). */
void kouan_insurance_policies_reload (KouanInsurancePolicies *self);

/* Lists the policies @filter selects (the filter menu follows). */
void kouan_insurance_policies_set_filter (KouanInsurancePolicies *self,
                                          KouanPolicyFilter       filter);

/* Lists every policy and opens @policy_id's detail; FALSE when the cache
 * has no such policy */
gboolean kouan_insurance_policies_open (KouanInsurancePolicies *self,
                                        gint64                  policy_id);

/* For the UI tests */
GListModel       *_kouan_insurance_policies_get_model         (KouanInsurancePolicies *self);
GtkListView      *_kouan_insurance_policies_get_list_view     (KouanInsurancePolicies *self);
/* the id of the policy the detail shows, 0 for none */
gint64            _kouan_insurance_policies_get_shown_id      (KouanInsurancePolicies *self);
AdwLeaflet       *_kouan_insurance_policies_get_leaflet       (KouanInsurancePolicies *self);
GtkButton        *_kouan_insurance_policies_get_back_button   (KouanInsurancePolicies *self);
GtkButton        *_kouan_insurance_policies_get_confirm_button (KouanInsurancePolicies *self);
GtkButton        *_kouan_insurance_policies_get_return_button (KouanInsurancePolicies *self);
/* the reason for returning */
GtkEditable      *_kouan_insurance_policies_get_reason       (KouanInsurancePolicies *self);
/* (nullable) the confirmation asked now */
AdwMessageDialog *_kouan_insurance_policies_get_dialog        (KouanInsurancePolicies *self);
/* the status the detail shows, "" without a policy */
const char       *_kouan_insurance_policies_get_status        (KouanInsurancePolicies *self);

G_END_DECLS
