/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-dialog-keys.h"

void
kouan_dialog_close_on_escape (GtkWindow *window)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  g_return_if_fail (GTK_IS_WINDOW (window));

  /* bubble phase: a popover or entry that uses Escape itself gets it first */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (window), shortcuts);
}
