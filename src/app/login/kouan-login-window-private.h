/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-login-window.h"

G_BEGIN_DECLS

/* For the UI tests: the template's widgets. */
GtkEditable *_kouan_login_window_get_server_entry   (KouanLoginWindow *self);
GtkEditable *_kouan_login_window_get_account_entry  (KouanLoginWindow *self);
GtkEditable *_kouan_login_window_get_password_entry (KouanLoginWindow *self);
GtkButton   *_kouan_login_window_get_login_button   (KouanLoginWindow *self);
GtkButton   *_kouan_login_window_get_offline_button (KouanLoginWindow *self);
GtkButton   *_kouan_login_window_get_card_button    (KouanLoginWindow *self);
/* The error shown, or NULL when none is */
const char  *_kouan_login_window_get_error          (KouanLoginWindow *self);

G_END_DECLS
