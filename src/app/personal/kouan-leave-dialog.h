/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* 解除绑定: asks before the user leaves an enterprise. Responses
 * "cancel" and "unbind" (destructive, named for the action). */

#define KOUAN_TYPE_LEAVE_DIALOG (kouan_leave_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanLeaveDialog, kouan_leave_dialog, KOUAN, LEAVE_DIALOG, AdwMessageDialog)

GtkWidget *kouan_leave_dialog_new               (GtkWindow        *parent,
                                                 gint64            enterprise_id,
                                                 const char       *enterprise_name);
gint64     kouan_leave_dialog_get_enterprise_id (KouanLeaveDialog *self);

G_END_DECLS
