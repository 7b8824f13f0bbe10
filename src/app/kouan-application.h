/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kouan-types.h"

G_BEGIN_DECLS

#define KOUAN_TYPE_APPLICATION (kouan_application_get_type ())
G_DECLARE_FINAL_TYPE (KouanApplication, kouan_application, KOUAN, APPLICATION, AdwApplication)

KouanApplication *kouan_application_new (void);
/* The app's GSettings (io.github.kouan.Kouan) */
GSettings        *kouan_application_get_settings (KouanApplication *self);

/* Shows the login window (creating it if needed), prefilled when the
 * arguments are non-NULL. */
void              kouan_application_show_login   (KouanApplication *self,
                                                  const char       *server_url,
                                                  const char       *account);
/* Opens the main window for a session that has just logged in (or a cached
 * one opened offline, token NULL). @session: (transfer full).
 * Returns: (transfer none) the new window, a KouanWindow. */
GtkWindow        *kouan_application_open_session (KouanApplication *self,
                                                  KouanClient      *client,
                                                  KouanStore       *store,
                                                  KouanSession     *session);

G_END_DECLS
