/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-personal-page-private.h"
#include "kouan-seal-preview.h"

/* The preview draws the same page as printing and the PDF export
 * (kouan-personal-seal.c), from local data, so it works offline. */

struct _KouanSealPreview
{
  AdwWindow  parent_instance;

  /* template widgets */
  GtkWidget *area;

  /* owned */
  GdkPixbuf *seal;
};

G_DEFINE_FINAL_TYPE (KouanSealPreview, kouan_seal_preview, ADW_TYPE_WINDOW)

static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  KouanSealPreview *self = data;

  _kouan_personal_seal_draw_page (cr, width, height, self->seal);
}

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               gpointer                 user_data)
{
  g_autoptr(GError) error = NULL;

  if (result != GTK_PRINT_OPERATION_RESULT_ERROR)
    return;
  gtk_print_operation_get_error (operation, &error);
  g_warning ("Printing the seal preview: %s", error != NULL ? error->message : "unknown error");
}

/* Asynchronous: the print dialog and the job do not hold up the main
 * loop, so sync, pushes and the other windows go on meanwhile. GTK keeps
 * the operation alive until it is done; "done" reports how it ended, an
 * error included. */
static void
print_form (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  KouanSealPreview *self = KOUAN_SEAL_PREVIEW (widget);
  g_autoptr(GtkPrintOperation) operation = _kouan_personal_seal_print_operation (self->seal);

  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_print_done), NULL);
  gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, GTK_WINDOW (self), NULL);
}

static void
on_export_chosen (GtkNativeDialog  *chooser,
                  int               response,
                  KouanSealPreview *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GtkPrintOperation) operation = _kouan_personal_seal_print_operation (self->seal);
      g_autoptr(GError) error = NULL;

      gtk_print_operation_set_export_filename (operation, path);
      if (path != NULL &&
          gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error)
          == GTK_PRINT_OPERATION_RESULT_ERROR)
        g_warning ("Exporting the seal preview: %s", error->message);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_form (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  /* GtkFileDialog is GTK 4.10; Debian 12 has 4.8. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (_("Export the Sample Declaration Form"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("Seal preview (sample).pdf"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
kouan_seal_preview_dispose (GObject *object)
{
  KouanSealPreview *self = KOUAN_SEAL_PREVIEW (object);

  g_clear_object (&self->seal);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_SEAL_PREVIEW);

  G_OBJECT_CLASS (kouan_seal_preview_parent_class)->dispose (object);
}

static void
kouan_seal_preview_class_init (KouanSealPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_seal_preview_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-seal-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanSealPreview, area);
  gtk_widget_class_install_action (widget_class, "preview.print", NULL, print_form);
  gtk_widget_class_install_action (widget_class, "preview.export", NULL, export_form);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "preview.print", NULL);
}

static void
kouan_seal_preview_init (KouanSealPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_preview, self, NULL);
}

GtkWidget *
kouan_seal_preview_new (GtkWindow *parent,
                        GdkPixbuf *seal)
{
  KouanSealPreview *self = g_object_new (KOUAN_TYPE_SEAL_PREVIEW, "transient-for", parent, NULL);

  g_set_object (&self->seal, seal);
  return GTK_WIDGET (self);
}
