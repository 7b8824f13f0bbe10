/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-admin-department-dialog.h"

G_BEGIN_DECLS

/* For the UI tests: fill the fields as a user would (@parent: a
 * department's name, NULL: top level; @head: an account, "" none, NULL
 * unchanged), then press 保存 */
void        _kouan_admin_department_dialog_fill    (KouanAdminDepartmentDialog *self,
                                                    const char                 *name,
                                                    const char                 *parent,
                                                    const char                 *head);
void        _kouan_admin_department_dialog_confirm (KouanAdminDepartmentDialog *self);
/* The error shown under the fields ("" when none) */
const char *_kouan_admin_department_dialog_get_error (KouanAdminDepartmentDialog *self);

G_END_DECLS
