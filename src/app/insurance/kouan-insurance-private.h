/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store.h"
#include "kouan-store-insurance.h"

G_BEGIN_DECLS

/* 信用保险 is KouanInsuranceView (kouan-insurance-view.c): a view stack
 * of five pages, each a template class of its own — KouanInsuranceHome,
 * KouanInsurancePolicies, KouanInsuranceClaims,
 * KouanInsuranceSubscriptions and KouanInsuranceRisk. The view owns the
 * store's "changed" subscription and tells each page to reload what it
 * shows; pages ask the view to navigate through its widget actions
 * (insurance.show-page, insurance.open-policies, insurance.open-claims,
 * insurance.open-article, insurance.open-category), which they reach by
 * action bubbling. */

/* ---- helpers shared by the pages (kouan-insurance-view.c) ---------- */

const char *_kouan_insurance_policy_status_label (const char *status);
const char *_kouan_insurance_claim_status_label  (const char *status);
/* "CNY 1,250,000.00" from whole units */
char       *_kouan_insurance_format_amount       (gint64      amount,
                                                  const char *currency);
/* A toast over the window (g_message without one). */
void        _kouan_insurance_toast               (GtkWidget  *widget,
                                                  const char *text);
/* The toast for an edit queued in the outbox. */
void        _kouan_insurance_toast_queued        (GtkWidget  *widget);
/* (transfer full) a factory of two-line rows (title, dim meta) whose
 * "bind" is @bind; the binder calls _kouan_insurance_two_line_set(). */
GtkListItemFactory *_kouan_insurance_two_line_factory (GCallback bind);
void        _kouan_insurance_two_line_set        (GtkListItem *item,
                                                  const char  *title,
                                                  const char  *meta,
                                                  gboolean     unread);
/* Shows or hides the "property" rows of a detail: sets @row's subtitle to
 * @value, hidden when @value is empty. */
void        _kouan_insurance_set_property_row    (GtkWidget  *row,
                                                  const char *value);

G_END_DECLS
