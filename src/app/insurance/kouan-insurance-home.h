/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"
#include "insurance/kouan-insurance-view.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_INSURANCE_HOME (kouan_insurance_home_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceHome, kouan_insurance_home, KOUAN, INSURANCE_HOME, GtkWidget)

/* What the page shows: @store's data of @enterprise_id (0: none). */
void kouan_insurance_home_set_source (KouanInsuranceHome *self,
                                      KouanStore *store,
                                      gint64 enterprise_id);
/* Reads the store again (the view calls it on "changed"). */
void kouan_insurance_home_reload (KouanInsuranceHome *self);

/* Shows @articles (element-type KouanRiskArticle, NULLs skipped) as the
 * latest risk information. */
void kouan_insurance_home_show_latest (KouanInsuranceHome *self,
                                       GPtrArray          *articles);

/* For the UI tests */
GtkButton  *_kouan_insurance_home_get_shortcut    (KouanInsuranceHome     *self,
                                                   KouanInsuranceShortcut  shortcut);
GtkButton  *_kouan_insurance_home_get_more_button (KouanInsuranceHome     *self);
const char *_kouan_insurance_home_get_status      (KouanInsuranceHome     *self);

G_END_DECLS
