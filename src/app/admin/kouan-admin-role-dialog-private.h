/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-admin-role-dialog.h"

G_BEGIN_DECLS

/* For the UI tests */
void _kouan_admin_role_dialog_set_name     (KouanAdminRoleDialog *self,
                                            const char           *name);
/* Toggles the check of @menu_id's @right ("view", "manage", or "all" for a
 * parent row), as a click would */
void _kouan_admin_role_dialog_toggle       (KouanAdminRoleDialog *self,
                                            const char           *menu_id,
                                            const char           *right);
/* The state of a parent's "all" check: 0 none, 1 some (inconsistent), 2 all */
int  _kouan_admin_role_dialog_parent_state (KouanAdminRoleDialog *self,
                                            const char           *menu_id);
/* Presses 保存 */
void _kouan_admin_role_dialog_confirm      (KouanAdminRoleDialog *self);

G_END_DECLS
