/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-client.h"

G_BEGIN_DECLS

/* IC card login: shows the reader and card live (KouanCardMonitor), takes
 * the card's PIN, fetches a challenge from the server, has the card sign it
 * off the main thread and sends the signature with the card's certificate.
 * Emits "logged-in" once the server opened a card session; the caller then
 * takes the client and the session and closes the dialog. Every failure is
 * shown in the dialog, in words saying what to do next. */

#define KOUAN_TYPE_CARD_DIALOG (kouan_card_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanCardDialog, kouan_card_dialog, KOUAN, CARD_DIALOG, GtkWindow)

/* @parent: (nullable) the window it is modal for; @server_url: the server
 * to log in to, e.g. "https://kouan.example.com". */
KouanCardDialog *kouan_card_dialog_new          (GtkWindow       *parent,
                                                 const char      *server_url);
/* Starts the login with the PIN typed, as the Log In button does. */
void             kouan_card_dialog_log_in       (KouanCardDialog *self);
/* After "logged-in": (transfer full) the session (its card_fingerprint
 * set) and @client (out) (transfer full) the client holding its token. */
KouanSession    *kouan_card_dialog_take_session (KouanCardDialog *self,
                                                 KouanClient    **client);
gboolean         kouan_card_dialog_get_busy     (KouanCardDialog *self);

G_END_DECLS
