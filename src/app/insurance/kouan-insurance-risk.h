/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_INSURANCE_RISK (kouan_insurance_risk_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceRisk, kouan_insurance_risk, KOUAN, INSURANCE_RISK, GtkWidget)

/* What the page shows: @store's data of @enterprise_id (0: none). */
void kouan_insurance_risk_set_source (KouanInsuranceRisk *self,
                                      KouanStore *store,
                                      gint64 enterprise_id);
/* Reads the store again (the view calls it on "changed"). */
void kouan_insurance_risk_reload (KouanInsuranceRisk *self);

/* The facets the search offers (sorted; NULL: none yet). The chosen ones
 * stay chosen when still offered. */
void kouan_insurance_risk_set_facets   (KouanInsuranceRisk *self,
                                        GStrv               countries,
                                        GStrv               industries);
/* Lists the articles of @category_id (0: all), without other conditions. */
void kouan_insurance_risk_show_category (KouanInsuranceRisk *self,
                                         gint64              category_id);
/* Lists all articles and opens @article_id among them. */
void kouan_insurance_risk_show_article (KouanInsuranceRisk *self,
                                        gint64              article_id);
void kouan_insurance_risk_focus_search (KouanInsuranceRisk *self);

/* For the UI tests */
GtkDropDown *_kouan_insurance_risk_get_country_dropdown (KouanInsuranceRisk *self);
GtkEditable *_kouan_insurance_risk_get_keyword_entry    (KouanInsuranceRisk *self);
GtkButton   *_kouan_insurance_risk_get_search_button    (KouanInsuranceRisk *self);
GListModel  *_kouan_insurance_risk_get_results          (KouanInsuranceRisk *self);
GtkListView *_kouan_insurance_risk_get_list_view        (KouanInsuranceRisk *self);
const char  *_kouan_insurance_risk_get_article_title    (KouanInsuranceRisk *self);

G_END_DECLS
