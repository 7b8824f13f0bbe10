/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Escape closes @window like its close button (the "window.close" action):
 * for the admin pages' dialogs that are plain GtkWindows, which GTK does
 * not close on Escape by itself. */
void kouan_dialog_close_on_escape (GtkWindow *window);

G_END_DECLS
