/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-admin-member-dialog.h"

G_BEGIN_DECLS

/* For the UI tests: pick @role, set the period, press 添加 */
void        _kouan_admin_member_dialog_add_grant      (KouanAdminMemberDialog *self,
                                                       const char             *role,
                                                       const char             *starts_on,
                                                       const char             *ends_on);
/* The last day of the held grant of @role (NULL: none) */
void        _kouan_admin_member_dialog_set_grant_end  (KouanAdminMemberDialog *self,
                                                       const char             *role,
                                                       const char             *ends_on);
/* The member's department by name (NULL: none) */
void        _kouan_admin_member_dialog_set_department (KouanAdminMemberDialog *self,
                                                       const char             *department);
/* Presses 保存 */
void        _kouan_admin_member_dialog_confirm        (KouanAdminMemberDialog *self);
/* The error shown ("" when none) */
const char *_kouan_admin_member_dialog_get_error      (KouanAdminMemberDialog *self);

G_END_DECLS
