/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-view.h"
#include "kouan-department.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* 新增部门 / 编辑部门: the department's name, the department it is part
 * of and its head (by account, among the cached members). 保存 writes to
 * the store, which queues the change for the server; "saved" is emitted
 * and the dialog closes. Escape and 取消 close it without a change. */

#define KOUAN_TYPE_ADMIN_DEPARTMENT_DIALOG (kouan_admin_department_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminDepartmentDialog, kouan_admin_department_dialog, KOUAN, ADMIN_DEPARTMENT_DIALOG, AdwWindow)

/* @departments: every department (KouanDepartment), the choices of
 * "part of"; @department: (nullable) the one to edit, NULL for a new one
 * under @parent (nullable: top level) */
KouanAdminDepartmentDialog *kouan_admin_department_dialog_new (KouanAdminView  *admin,
                                                               KouanStore      *store,
                                                               GtkWindow       *parent_window,
                                                               GListModel      *departments,
                                                               KouanDepartment *department,
                                                               KouanDepartment *parent);

G_END_DECLS
