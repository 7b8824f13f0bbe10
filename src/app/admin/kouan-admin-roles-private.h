/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-role-dialog-private.h"
#include "kouan-admin-roles.h"

G_BEGIN_DECLS

/* For the UI tests */
GListModel           *_kouan_admin_roles_get_rows    (KouanAdminRoles *self);
gboolean              _kouan_admin_roles_get_busy    (KouanAdminRoles *self);
/* Selects and opens @name's role, as activating its row does */
gboolean              _kouan_admin_roles_select      (KouanAdminRoles *self,
                                                      const char      *name);
/* 新增 (or 编辑 of @name's role when @edit): (transfer none) the dialog */
KouanAdminRoleDialog *_kouan_admin_roles_open_dialog (KouanAdminRoles *self,
                                                      const char      *edit);
/* 删除 the role named @name: (transfer none) the confirmation */
GtkWindow            *_kouan_admin_roles_delete      (KouanAdminRoles *self,
                                                      const char      *name);
/* (transfer none): the list and the selected role's detail, folded when narrow */
AdwLeaflet           *_kouan_admin_roles_get_leaflet (KouanAdminRoles *self);
/* The detail pane (the leaflet's child showing a role) */
GtkWidget            *_kouan_admin_roles_get_detail  (KouanAdminRoles *self);
/* The last result or refusal shown (as a toast) */
const char           *_kouan_admin_roles_get_message (KouanAdminRoles *self);

G_END_DECLS
