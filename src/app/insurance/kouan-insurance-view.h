/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"

G_BEGIN_DECLS

/* 信用保险: a view switcher over its pages, each a class of its own —
 * 首页 (kouan-insurance-home: the service center's shortcuts with counts,
 * the latest risk information), 投保申请 (kouan-insurance-policies: confirm
 * or return), 索赔申请 (kouan-insurance-claims: claims and their history),
 * 信息订阅 (kouan-insurance-subscriptions) and 风险信息
 * (kouan-insurance-risk: the search). Everything reads the offline cache
 * and follows its "changed" signal; edits go through the outbox. */

#define KOUAN_TYPE_INSURANCE_VIEW (kouan_insurance_view_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceView, kouan_insurance_view, KOUAN, INSURANCE_VIEW, GtkWidget)

typedef enum {
  KOUAN_INSURANCE_SHORTCUT_PENDING,     /* 待确认保单 */
  KOUAN_INSURANCE_SHORTCUT_EFFECTIVE,   /* 保单生效通知 */
  KOUAN_INSURANCE_SHORTCUT_CLAIMS,      /* 索赔申请通知 */
} KouanInsuranceShortcut;

GtkWidget  *kouan_insurance_view_new               (void);
void        kouan_insurance_view_set_store         (KouanInsuranceView *self,
                                                    KouanStore         *store);
void        kouan_insurance_view_set_enterprise_id (KouanInsuranceView *self,
                                                    gint64              enterprise_id);
/* "home", "policies", "claims", "subscriptions", "risk" */
void        kouan_insurance_view_show_page         (KouanInsuranceView *self,
                                                    const char         *page);
const char *kouan_insurance_view_get_visible_page  (KouanInsuranceView *self);
/* 投保申请 at @policy_id's detail; FALSE when the cache has no such policy */
gboolean    kouan_insurance_view_show_policy       (KouanInsuranceView *self,
                                                    gint64              policy_id);

/* For the UI tests: the real widgets, to click and read */
GtkButton  *_kouan_insurance_view_get_shortcut     (KouanInsuranceView     *self,
                                                    KouanInsuranceShortcut  shortcut);
GtkButton  *_kouan_insurance_view_get_more_button  (KouanInsuranceView *self);
const char *_kouan_insurance_view_get_home_status  (KouanInsuranceView *self);
GListModel *_kouan_insurance_view_get_policies     (KouanInsuranceView *self);
GListModel *_kouan_insurance_view_get_claims       (KouanInsuranceView *self);
GtkDropDown *_kouan_insurance_view_get_country_dropdown (KouanInsuranceView *self);
GtkEditable *_kouan_insurance_view_get_keyword_entry    (KouanInsuranceView *self);
GtkButton  *_kouan_insurance_view_get_search_button (KouanInsuranceView *self);
/* the risk search's results (a KouanRiskList) and its list view */
GListModel *_kouan_insurance_view_get_risk_results (KouanInsuranceView *self);
GtkListView *_kouan_insurance_view_get_risk_list_view (KouanInsuranceView *self);
/* the title shown by the risk page's article view ("" when none) */
const char *_kouan_insurance_view_get_article_title (KouanInsuranceView *self);
/* the page widget named @page (see kouan_insurance_view_show_page()) */
GtkWidget  *_kouan_insurance_view_get_page         (KouanInsuranceView *self,
                                                    const char         *page);

G_END_DECLS
