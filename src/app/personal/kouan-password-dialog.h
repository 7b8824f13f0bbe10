/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-client.h"

G_BEGIN_DECLS

/* 修改密码: the current password and the new one twice, checked as typed;
 * the server signs out the account's other sessions. "changed" is
 * emitted once the server accepted it (the dialog then closes). */

#define KOUAN_TYPE_PASSWORD_DIALOG (kouan_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanPasswordDialog, kouan_password_dialog, KOUAN, PASSWORD_DIALOG, AdwWindow)

GtkWidget *kouan_password_dialog_new (GtkWindow   *parent,
                                      KouanClient *client,
                                      const char  *account);

G_END_DECLS
