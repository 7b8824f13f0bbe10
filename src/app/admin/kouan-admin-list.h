/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-member.h"

G_BEGIN_DECLS

/* What the admin list pages (角色管理, 部门管理, 人员权限) share: their
 * GtkColumnView columns. */

/* (transfer full) the text of @item's cell; @owner is the page */
typedef char *(*KouanAdminCellText) (gpointer owner,
                                     gpointer item);

/* Appends a column of ellipsized, start-aligned labels whose text
 * @text gives, sortable by @compare (called with @owner) when not NULL.
 * @owner is not referenced: the page outlives its column view. Returns
 * (transfer none) the column. */
GtkColumnViewColumn *kouan_admin_list_add_text_column (GtkColumnView     *view,
                                                       const char        *title,
                                                       KouanAdminCellText text,
                                                       gpointer           owner,
                                                       GCompareDataFunc   compare,
                                                       gboolean           expand);
/* Appends a column whose cells @setup and @bind make (the
 * GtkSignalListItemFactory signals, connected with @owner as data). */
GtkColumnViewColumn *kouan_admin_list_add_column      (GtkColumnView     *view,
                                                       const char        *title,
                                                       GCallback          setup,
                                                       GCallback          bind,
                                                       gpointer           owner,
                                                       GCompareDataFunc   compare,
                                                       gboolean           expand);

/* (transfer full) "start – end (status)" of @grant judged on @today
 * ("YYYY-MM-DD"), in the user's language, for a row whose title names
 * the role */
char                *kouan_admin_grant_period_text    (const KouanGrant  *grant,
                                                       const char        *today);

G_END_DECLS
