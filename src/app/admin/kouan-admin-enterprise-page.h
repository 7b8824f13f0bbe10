/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "admin/kouan-admin-view.h"

G_BEGIN_DECLS

/* 企业信息设置: enterprise and invoice information, LOGO and seal, as a
 * preferences page with 保存 and 还原 in the bar at the bottom. Edits are
 * a draft until 保存 (or Ctrl+S), checked field by field with the
 * server's rules; an error shows in the row under its field, a toast says
 * saved / sent when back online / failed. A draft survives leaving the
 * page and switching enterprises (it comes back with its enterprise). */

#define KOUAN_TYPE_ADMIN_ENTERPRISE_PAGE (kouan_admin_enterprise_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminEnterprisePage, kouan_admin_enterprise_page, KOUAN, ADMIN_ENTERPRISE_PAGE, GtkWidget)

GtkWidget *kouan_admin_enterprise_page_new           (KouanAdminView *admin);
/* For tests: the AdwEntryRow and the error label of @field */
GtkWidget *kouan_admin_enterprise_page_get_entry     (KouanAdminEnterprisePage *self,
                                                      const char               *field);
GtkWidget *kouan_admin_enterprise_page_get_error     (KouanAdminEnterprisePage *self,
                                                      const char               *field);
/* 保存, in the bar at the bottom */
GtkWidget *kouan_admin_enterprise_page_get_save_button (KouanAdminEnterprisePage *self);
gboolean   kouan_admin_enterprise_page_get_dirty     (KouanAdminEnterprisePage *self);
/* What 保存 does; FALSE when a field is refused (its error is shown) */
gboolean   kouan_admin_enterprise_page_save          (KouanAdminEnterprisePage *self);

G_END_DECLS
