/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-leave-dialog.h"

struct _KouanLeaveDialog
{
  AdwMessageDialog parent_instance;

  gint64           enterprise_id;
};

G_DEFINE_FINAL_TYPE (KouanLeaveDialog, kouan_leave_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* Every response closes the dialog, also one given without a click
 * (adw_message_dialog_response); closing twice is harmless. */
static void
kouan_leave_dialog_response (AdwMessageDialog *dialog,
                             const char       *response)
{
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
kouan_leave_dialog_class_init (KouanLeaveDialogClass *klass)
{
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = kouan_leave_dialog_response;
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               "/io/github/kouan/Kouan/ui/kouan-leave-dialog.ui");
}

static void
kouan_leave_dialog_init (KouanLeaveDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kouan_leave_dialog_new (GtkWindow  *parent,
                        gint64      enterprise_id,
                        const char *enterprise_name)
{
  KouanLeaveDialog *self = g_object_new (KOUAN_TYPE_LEAVE_DIALOG, "transient-for", parent, NULL);
  /* Translators: %s is the enterprise's name */
  g_autofree char *heading = g_strdup_printf (_("Leave %s?"), enterprise_name);

  self->enterprise_id = enterprise_id;
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  return GTK_WIDGET (self);
}

gint64
kouan_leave_dialog_get_enterprise_id (KouanLeaveDialog *self)
{
  g_return_val_if_fail (KOUAN_IS_LEAVE_DIALOG (self), 0);
  return self->enterprise_id;
}
