/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-image-chooser.h"

typedef struct {
  KouanImageChosen on_chosen;
  gpointer         data;
} Choice;

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     Choice          *choice)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  choice->on_chosen (file, choice->data);
  g_free (choice);
  g_object_unref (chooser);
}

void
kouan_image_chooser_open (GtkWidget        *parent,
                          const char       *title,
                          KouanImageChosen  on_chosen,
                          gpointer          data)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  Choice *choice = g_new0 (Choice, 1);

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (on_chosen != NULL);

  choice->on_chosen = on_chosen;
  choice->data = data;
  /* GtkFileDialog is GTK 4.10 (Debian 12 has 4.8); the native chooser goes
   * through the portal inside Flatpak. */
  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), choice);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
