/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-image-chooser.h"

#include <glib/gi18n.h>

#include "kouan-certify-dialog.h"
#include "kouan-join-dialog.h"
#include "kouan-personal-page-private.h"

/* Edits reach the server through the current enterprise's sync, and the
 * licence image is stored with the enterprise it proves: the form is
 * offered for the current enterprise only. */

#define LICENCE_SIDE 2000

struct _KouanCertifyDialog
{
  AdwWindow          parent_instance;

  /* template widgets */
  GtkWidget         *contact_row;
  GtkWidget         *image_row;
  GtkWidget         *licence_row;
  GtkWidget         *problem_label;
  GtkWidget         *representative_row;
  GtkWidget         *submit_button;

  /* owned */
  KouanPersonalPage *page;
  gint64             enterprise_id;
  gint64             licence_image;
  gboolean           uploading;
};

G_DEFINE_FINAL_TYPE (KouanCertifyDialog, kouan_certify_dialog, ADW_TYPE_WINDOW)

enum { SUBMITTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
form_ok (KouanCertifyDialog *self,
         const char        **problem)
{
  const char *representative = gtk_editable_get_text (GTK_EDITABLE (self->representative_row));
  const char *licence = gtk_editable_get_text (GTK_EDITABLE (self->licence_row));
  const char *contact = gtk_editable_get_text (GTK_EDITABLE (self->contact_row));

  *problem = licence[0] != '\0' ? kouan_join_dialog_credit_code_problem (licence) : NULL;
  return kouan_personal_text_is_valid (representative, KOUAN_PROFILE_NAME_MAX) &&
         licence[0] != '\0' && *problem == NULL &&
         kouan_personal_phone_is_valid (contact) && self->licence_image > 0;
}

static void
on_typed (KouanCertifyDialog *self)
{
  const char *problem = NULL;
  gboolean ok = form_ok (self, &problem);

  gtk_label_set_label (GTK_LABEL (self->problem_label), problem != NULL ? problem : "");
  if (problem != NULL)
    gtk_widget_add_css_class (self->licence_row, "error");
  else
    gtk_widget_remove_css_class (self->licence_row, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certify.submit", ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "certify.choose-image", !self->uploading);
}

static void
on_licence_uploaded (gint64      image_id,
                     GdkPixbuf  *pixbuf,
                     const char *problem,
                     gpointer    data)
{
  g_autoptr(KouanCertifyDialog) self = data;

  self->uploading = FALSE;
  if (image_id > 0)
    {
      self->licence_image = image_id;
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->image_row), _("Licence image uploaded."));
    }
  else if (problem != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->image_row), problem);
  on_typed (self);
}

void
kouan_certify_dialog_use_licence_file (KouanCertifyDialog *self,
                                       GFile              *file)
{
  g_return_if_fail (KOUAN_IS_CERTIFY_DIALOG (self));

  self->uploading = TRUE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->image_row), _("Uploading the image…"));
  on_typed (self);
  _kouan_personal_upload_file (self->page, file, FALSE, LICENCE_SIDE, on_licence_uploaded, g_object_ref (self));
}

static void
on_licence_chosen (GFile    *file,
                   gpointer  data)
{
  g_autoptr(KouanCertifyDialog) self = data;

  if (file != NULL)
    kouan_certify_dialog_use_licence_file (self, file);
}

static void
choose_image (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  kouan_image_chooser_open (widget, _("Choose the Business Licence Image"),
                                on_licence_chosen, g_object_ref (widget));
}

static void
submit (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  KouanCertifyDialog *self = KOUAN_CERTIFY_DIALOG (widget);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *representative = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->representative_row))));
  const char *problem;

  if (!form_ok (self, &problem))
    return;
  json_object_set_string_member (fields, "legal_representative", representative);
  json_object_set_string_member (fields, "licence_number", gtk_editable_get_text (GTK_EDITABLE (self->licence_row)));
  json_object_set_int_member (fields, "licence_image", self->licence_image);
  json_object_set_string_member (fields, "contact", gtk_editable_get_text (GTK_EDITABLE (self->contact_row)));
  id = kouan_store_enqueue (self->page->store, self->enterprise_id, "certification", "update",
                            self->enterprise_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Submitting the certification: %s", error->message);
      gtk_label_set_label (GTK_LABEL (self->problem_label), _("The form could not be submitted."));
      return;
    }
  g_signal_emit (self, signals[SUBMITTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
kouan_certify_dialog_dispose (GObject *object)
{
  KouanCertifyDialog *self = KOUAN_CERTIFY_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_CERTIFY_DIALOG);
  g_clear_object (&self->page);

  G_OBJECT_CLASS (kouan_certify_dialog_parent_class)->dispose (object);
}

static void
kouan_certify_dialog_class_init (KouanCertifyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_certify_dialog_dispose;

  signals[SUBMITTED] = g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-certify-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, image_row);
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, licence_row);
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, representative_row);
  gtk_widget_class_bind_template_child (widget_class, KouanCertifyDialog, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, on_typed);

  gtk_widget_class_install_action (widget_class, "certify.submit", NULL, submit);
  gtk_widget_class_install_action (widget_class, "certify.choose-image", NULL, choose_image);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_certify_dialog_init (KouanCertifyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  on_typed (self);
}

GtkWidget *
kouan_certify_dialog_new (GtkWindow         *parent,
                          KouanPersonalPage *page,
                          gint64             enterprise_id)
{
  KouanCertifyDialog *self = g_object_new (KOUAN_TYPE_CERTIFY_DIALOG, "transient-for", parent, NULL);

  self->page = g_object_ref (page);
  self->enterprise_id = enterprise_id;
  return GTK_WIDGET (self);
}

GtkEditable *
_kouan_certify_dialog_get_entry (KouanCertifyDialog *self,
                                 guint               index)
{
  GtkWidget *rows[] = { self->representative_row, self->licence_row, self->contact_row };

  g_return_val_if_fail (index < G_N_ELEMENTS (rows), NULL);
  return GTK_EDITABLE (rows[index]);
}

/* The page's test hook, kept under its old name. */
void
_kouan_personal_page_use_licence_file (GtkWidget  *dialog,
                                       const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  kouan_certify_dialog_use_licence_file (KOUAN_CERTIFY_DIALOG (dialog), file);
}
