/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-department-dialog-private.h"
#include "kouan-admin-departments.h"

G_BEGIN_DECLS

/* For the UI tests */
/* (transfer none): every department shown (KouanDepartment) */
GListModel                 *_kouan_admin_departments_get_all     (KouanAdminDepartments *self);
/* Selects and opens @name's department, as activating its row does */
gboolean                    _kouan_admin_departments_select      (KouanAdminDepartments *self,
                                                                  const char            *name);
/* 新增 (under the selected department) or 编辑 (the selected one):
 * (transfer none) the dialog */
KouanAdminDepartmentDialog *_kouan_admin_departments_open_dialog (KouanAdminDepartments *self,
                                                                  gboolean               edit);
/* 删除 the selected department: (transfer none) the confirmation */
GtkWindow                  *_kouan_admin_departments_delete      (KouanAdminDepartments *self);
/* (transfer none): the tree and the selected department, folded when narrow */
AdwLeaflet                 *_kouan_admin_departments_get_leaflet (KouanAdminDepartments *self);
/* The last result or refusal shown (as a toast) */
const char                 *_kouan_admin_departments_get_message (KouanAdminDepartments *self);

G_END_DECLS
