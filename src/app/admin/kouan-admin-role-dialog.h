/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-view.h"
#include "kouan-role.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* 新增角色 / 编辑角色: the role's name and its permission tree (checking a
 * parent checks its children, a partly checked parent shows it; Manage
 * includes View). 保存 writes to the store, which queues the change for
 * the server; "saved" is emitted and the dialog closes. Escape and 取消
 * close it without a change. */

#define KOUAN_TYPE_ADMIN_ROLE_DIALOG (kouan_admin_role_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminRoleDialog, kouan_admin_role_dialog, KOUAN, ADMIN_ROLE_DIALOG, AdwWindow)

/* @role: (nullable) the role to edit; NULL for a new one */
KouanAdminRoleDialog *kouan_admin_role_dialog_new (KouanAdminView *admin,
                                                   KouanStore     *store,
                                                   GtkWindow      *parent,
                                                   KouanRole      *role);

G_END_DECLS
