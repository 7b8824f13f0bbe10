/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-store-insurance.h"

G_BEGIN_DECLS

/* A GListModel of KouanRiskArticle over the results of a risk search,
 * newest first. Like KouanMessageList it keeps only the ids in memory and
 * loads rows a page at a time when a view asks for them, so a result of
 * 100k articles costs 800 KB and scrolling stays smooth. The search runs
 * on a worker thread; "loading" is TRUE until the first answer to a new
 * query. The model follows the store ("changed" of risk_articles or
 * insurance_categories) with a search at most once a second, and only
 * while following (the default); a list not followed catches up when it
 * is followed again. Each answer is compared with the current ids on the
 * worker, so the main thread emits one minimal items-changed. */

#define KOUAN_TYPE_RISK_LIST (kouan_risk_list_get_type ())
G_DECLARE_FINAL_TYPE (KouanRiskList, kouan_risk_list, KOUAN, RISK_LIST, GObject)

KouanRiskList *kouan_risk_list_new         (KouanStore           *store);
/* Copies @query and searches again. */
void           kouan_risk_list_set_query   (KouanRiskList        *self,
                                            const KouanRiskQuery *query);
gboolean       kouan_risk_list_get_loading (KouanRiskList        *self);
/* Whether @article_id is among the results, and where. */
gboolean       kouan_risk_list_find        (KouanRiskList        *self,
                                            gint64                article_id,
                                            guint                *position);
/* Whether changes of the store are followed (a view shows the list). */
void           kouan_risk_list_set_following (KouanRiskList      *self,
                                              gboolean            following);

G_END_DECLS
