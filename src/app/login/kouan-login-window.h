/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-client.h"

G_BEGIN_DECLS

/* The window shown before a session exists: server URL, account, password,
 * a Log In button and the IC card login (KouanCardDialog). On success it
 * opens the account's cache, hands the session to the application (which
 * opens a KouanWindow) and closes itself. Errors are shown in the window,
 * never losing what the user typed. */

#define KOUAN_TYPE_LOGIN_WINDOW (kouan_login_window_get_type ())
G_DECLARE_FINAL_TYPE (KouanLoginWindow, kouan_login_window, KOUAN, LOGIN_WINDOW, GtkApplicationWindow)

/* @server_url, @account: (nullable) prefill the fields */
KouanLoginWindow *kouan_login_window_new            (GtkApplication *app,
                                                     const char     *server_url,
                                                     const char     *account);
void              kouan_login_window_set_server_url (KouanLoginWindow *self,
                                                     const char       *server_url);
void              kouan_login_window_set_account    (KouanLoginWindow *self,
                                                     const char       *account);
/* Starts logging in with what the fields hold, as the Log In button does. */
void              kouan_login_window_log_in         (KouanLoginWindow *self);
/* Finishes a login made elsewhere (the card dialog): opens the account's
 * cache and the main window, as after a password login.
 * @session: (transfer full) */
void              kouan_login_window_open_card_session (KouanLoginWindow *self,
                                                        KouanClient      *client,
                                                        KouanSession     *session);
/* TRUE while a login request is under way */
gboolean          kouan_login_window_get_busy       (KouanLoginWindow *self);

G_END_DECLS
