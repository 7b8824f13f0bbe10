/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-admin-view.h"

G_BEGIN_DECLS

/* 角色管理: the enterprise's roles with member counts; 新增/编辑 in a dialog
 * with the role name and the permission tree (checking a parent checks its
 * children, a partly checked parent shows it); 删除 asks and says how many
 * members lose the role. */

#define KOUAN_TYPE_ADMIN_ROLES (kouan_admin_roles_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminRoles, kouan_admin_roles, KOUAN, ADMIN_ROLES, GtkWidget)

GtkWidget   *kouan_admin_roles_new    (KouanAdminView  *admin);
void         kouan_admin_roles_reload (KouanAdminRoles *self);

/* For the UI tests */
GListModel  *_kouan_admin_roles_get_rows     (KouanAdminRoles *self);
gboolean     _kouan_admin_roles_get_busy     (KouanAdminRoles *self);
/* 新增 (or 编辑 of @name's role when @edit): (transfer none) the dialog */
GtkWindow   *_kouan_admin_roles_open_dialog  (KouanAdminRoles *self,
                                              const char      *edit);
void         _kouan_admin_roles_dialog_set_name (GtkWindow    *dialog,
                                                 const char   *name);
/* Toggles the check of @menu_id's @right ("view", "manage", or "all" for a
 * parent row), as a click would */
void         _kouan_admin_roles_dialog_toggle (GtkWindow      *dialog,
                                               const char     *menu_id,
                                               const char     *right);
/* The state of a parent's "all" check: 0 none, 1 some (inconsistent), 2 all */
int          _kouan_admin_roles_dialog_parent_state (GtkWindow *dialog,
                                                     const char *menu_id);
void         _kouan_admin_roles_dialog_confirm (GtkWindow     *dialog);
/* 删除 the role named @name: (transfer none) the confirmation */
GtkWindow   *_kouan_admin_roles_delete        (KouanAdminRoles *self,
                                               const char      *name);
const char  *_kouan_admin_roles_get_message   (KouanAdminRoles *self);

G_END_DECLS
