/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-image-chooser.h"

#include <glib/gi18n.h>

#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-showcase-dialog.h"
#include "admin/kouan-admin-showcase-page.h"

#define N_ENTRIES 2

struct _KouanAdminShowcaseDialog
{
  AdwWindow               parent_instance;

  /* template widgets */
  GtkWidget              *fields_group;
  GtkWidget              *picture;
  GtkWidget              *picture_group;
  GtkWidget              *picture_row;
  GtkWidget              *picture_stack;
  GtkWidget              *save_button;
  GtkWidget              *window_title;

  /* made for the collection */
  GtkWidget              *entries[N_ENTRIES];
  GtkWidget              *error_rows[N_ENTRIES];
  GtkWidget              *errors[N_ENTRIES];
  const char             *fields[N_ENTRIES];

  /* owned */
  GCancellable           *cancellable;
  const char             *collection;  /* static string */
  gint64                  record_id;   /* 0 = a new record */
  gint64                  image_id;
  gboolean                uploading;

  /* borrowed */
  KouanAdminShowcasePage *page;        /* weak */
};

G_DEFINE_FINAL_TYPE (KouanAdminShowcaseDialog, kouan_admin_showcase_dialog, ADW_TYPE_WINDOW)

static gboolean
is_slide (KouanAdminShowcaseDialog *self)
{
  return g_strcmp0 (self->collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) == 0;
}

static void
show_error (KouanAdminShowcaseDialog *self,
            guint                     index,
            const char               *message)
{
  gtk_label_set_text (GTK_LABEL (self->errors[index]), message != NULL ? message : "");
  gtk_widget_set_visible (self->errors[index], message != NULL);
  gtk_widget_set_visible (self->error_rows[index], message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (self->entries[index], "error");
  else
    gtk_widget_remove_css_class (self->entries[index], "error");
}

static void
show_picture_error (KouanAdminShowcaseDialog *self,
                    const char               *message)
{
  /* the hint line becomes the error: the row keeps its height */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->picture_row),
                               message != NULL ? message : _("PNG or JPEG, at most 1 MiB, 4096 pixels a side and 4 megapixels"));
  if (message != NULL)
    gtk_widget_add_css_class (self->picture_row, "error");
  else
    gtk_widget_remove_css_class (self->picture_row, "error");
}

static void
set_picture (KouanAdminShowcaseDialog *self,
             GdkPaintable             *paintable)
{
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), paintable);
  gtk_stack_set_visible_child_name (GTK_STACK (self->picture_stack), paintable != NULL ? "picture" : "none");
}

gboolean
kouan_admin_showcase_dialog_save (KouanAdminShowcaseDialog *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  gboolean ok = TRUE;

  g_return_val_if_fail (KOUAN_IS_ADMIN_SHOWCASE_DIALOG (self), FALSE);

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entries[i]))));
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
      g_autofree char *message = kouan_admin_check_field (self->collection, self->fields[i], node);

      show_error (self, i, message);
      if (message != NULL)
        {
          if (ok)
            gtk_widget_grab_focus (self->entries[i]);
          ok = FALSE;
        }
      json_object_set_string_member (fields, self->fields[i], text);
    }
  if (is_slide (self))
    {
      if (self->image_id <= 0)
        {
          show_picture_error (self, self->uploading ? _("Wait until the picture is uploaded")
                                                    : _("Choose a picture for the slide"));
          ok = FALSE;
        }
      json_object_set_int_member (fields, "image", self->image_id);
    }
  if (!ok || self->page == NULL)
    return FALSE;

  if (!kouan_admin_showcase_page_submit (self->page, self->collection, self->record_id, fields))
    return FALSE;
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  kouan_admin_showcase_dialog_save (KOUAN_ADMIN_SHOWCASE_DIALOG (widget));
}

static void
on_entry_changed (GtkEditable              *entry,
                  KouanAdminShowcaseDialog *self)
{
  for (guint i = 0; i < N_ENTRIES; i++)
    if (self->entries[i] == GTK_WIDGET (entry) && gtk_widget_get_visible (self->errors[i]))
      show_error (self, i, NULL);
}

/* ---- picture -------------------------------------------------------- */

static void
on_picture_uploaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KouanAdminShowcaseDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 id = kouan_admin_image_upload_finish (result, &texture, &error);

  self->uploading = FALSE;
  if (id > 0)
    {
      self->image_id = id;
      set_picture (self, GDK_PAINTABLE (texture));
      show_picture_error (self, NULL);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_picture_error (self, error->message);
}

static void
on_picture_file (GFile    *file,
                 gpointer  data)
{
  g_autoptr(KouanAdminShowcaseDialog) self = data;

  if (file == NULL || self->page == NULL)
    return;
  self->uploading = TRUE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->picture_row), _("Uploading…"));
  /* through the page: it knows the window's client and store */
  kouan_admin_image_upload_async (GTK_WIDGET (self->page), kouan_admin_showcase_page_get_enterprise_id (self->page),
                                  file, self->cancellable, on_picture_uploaded, g_object_ref (self));
}

static void
on_choose_picture (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  /* the dialog stays alive while the picture uploads */
  kouan_image_chooser_open (widget, _("Choose the slide's picture"), on_picture_file, g_object_ref (widget));
}

/* ---- building ------------------------------------------------------- */

static void
add_entry (KouanAdminShowcaseDialog *self,
           guint                     index,
           const char               *field,
           const char               *title,
           const char               *value)
{
  GtkWidget *entry = adw_entry_row_new ();
  GtkWidget *error_row = adw_preferences_row_new ();
  GtkWidget *error = gtk_label_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
  gtk_widget_set_name (entry, field);
  gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect_swapped (entry, "entry-activated", G_CALLBACK (kouan_admin_showcase_dialog_save), self);

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_set_margin_start (error, 12);
  gtk_widget_set_margin_end (error, 12);
  gtk_widget_set_margin_top (error, 6);
  gtk_widget_set_margin_bottom (error, 6);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_add_css_class (error, "caption");
  gtk_widget_set_visible (error, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (error_row), error);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (error_row), FALSE);
  gtk_widget_set_focusable (error_row, FALSE);
  gtk_widget_set_visible (error_row, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->fields_group), entry);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->fields_group), error_row);
  self->entries[index] = entry;
  self->error_rows[index] = error_row;
  self->errors[index] = error;
  self->fields[index] = field;
}

static void
kouan_admin_showcase_dialog_dispose (GObject *object)
{
  KouanAdminShowcaseDialog *self = KOUAN_ADMIN_SHOWCASE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->page);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_SHOWCASE_DIALOG);
  G_OBJECT_CLASS (kouan_admin_showcase_dialog_parent_class)->dispose (object);
}

static void
kouan_admin_showcase_dialog_finalize (GObject *object)
{
  KouanAdminShowcaseDialog *self = KOUAN_ADMIN_SHOWCASE_DIALOG (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kouan_admin_showcase_dialog_parent_class)->finalize (object);
}

static void
kouan_admin_showcase_dialog_class_init (KouanAdminShowcaseDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_showcase_dialog_dispose;
  object_class->finalize = kouan_admin_showcase_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-showcase-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, picture);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, picture_group);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, picture_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, picture_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcaseDialog, window_title);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "dialog.choose-picture", NULL, on_choose_picture);
  /* AdwWindow does not close on Escape by itself */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_admin_showcase_dialog_init (KouanAdminShowcaseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kouan_admin_showcase_dialog_new (KouanAdminShowcasePage *page,
                                 const char             *collection,
                                 JsonObject             *record,
                                 GdkPaintable           *picture)
{
  KouanAdminShowcaseDialog *self = g_object_new (KOUAN_TYPE_ADMIN_SHOWCASE_DIALOG, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));
  const char *title;

  g_set_weak_pointer (&self->page, page);
  self->record_id = record != NULL ? json_object_get_int_member (record, "id") : 0;
  if (g_strcmp0 (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) == 0)
    {
      self->collection = KOUAN_COLLECTION_SHOWCASE_SLIDES;
      title = record != NULL ? _("Edit Slide") : _("Add Slide");
      add_entry (self, 0, "caption", _("Caption"),
                 record != NULL ? json_object_get_string_member_with_default (record, "caption", "") : NULL);
      add_entry (self, 1, "link", _("Link (optional)"),
                 record != NULL ? json_object_get_string_member_with_default (record, "link", "") : NULL);
      if (record != NULL)
        self->image_id = json_object_get_int_member_with_default (record, "image", 0);
      set_picture (self, picture);
    }
  else
    {
      self->collection = KOUAN_COLLECTION_SHOWCASE_LINKS;
      title = record != NULL ? _("Edit Link") : _("Add Link");
      gtk_widget_set_visible (self->picture_group, FALSE);
      add_entry (self, 0, "title", _("Title"),
                 record != NULL ? json_object_get_string_member_with_default (record, "title", "") : NULL);
      add_entry (self, 1, "url", _("Address (https://…)"),
                 record != NULL ? json_object_get_string_member_with_default (record, "url", "") : NULL);
      gtk_window_set_default_size (GTK_WINDOW (self), 480, 300);
    }
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->window_title), title);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  return GTK_WIDGET (self);
}

static int
entry_index (KouanAdminShowcaseDialog *self,
             const char               *field)
{
  for (guint i = 0; i < N_ENTRIES; i++)
    if (g_strcmp0 (self->fields[i], field) == 0)
      return (int) i;
  return -1;
}

GtkWidget *
kouan_admin_showcase_dialog_get_entry (KouanAdminShowcaseDialog *self,
                                       const char               *field)
{
  int index = entry_index (self, field);

  return index >= 0 ? self->entries[index] : NULL;
}

GtkWidget *
kouan_admin_showcase_dialog_get_error (KouanAdminShowcaseDialog *self,
                                       const char               *field)
{
  int index = entry_index (self, field);

  return index >= 0 ? self->errors[index] : NULL;
}
