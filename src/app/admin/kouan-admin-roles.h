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

G_END_DECLS
