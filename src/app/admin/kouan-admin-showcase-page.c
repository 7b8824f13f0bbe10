/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-showcase-page.h"

struct _KouanAdminShowcasePage
{
  GtkWidget       parent_instance;

  /* children */
  GtkWidget      *scrolled;
  GtkWidget      *carousel;
  GtkWidget      *slides_list;
  GtkWidget      *add_slide_button;
  GtkWidget      *add_slide_reason;
  GtkWidget      *links_list;
  GtkWidget      *status_label;

  /* owned */
  GPtrArray      *slides;     /* JsonObject, display order */
  GPtrArray      *links;      /* JsonObject */
  GHashTable     *textures;   /* image id → GdkTexture, fetched once */
  GCancellable   *cancellable;
  gint64          enterprise_id;

  /* borrowed */
  KouanAdminView *admin;
  KouanStore     *store;
  gulong          store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminShowcasePage, kouan_admin_showcase_page, GTK_TYPE_WIDGET)

static void open_slide_dialog (KouanAdminShowcasePage *self, JsonObject *slide);
static GtkWidget *open_link_dialog (KouanAdminShowcasePage *self, JsonObject *link);

static void
report (KouanAdminShowcasePage *self,
        GError                 *error)
{
  if (error == NULL)
    gtk_label_set_text (GTK_LABEL (self->status_label),
                        _("Saved. The server receives the change as soon as it can be reached."));
  else
    {
      g_warning ("Saving the showcase: %s", error->message);
      gtk_label_set_text (GTK_LABEL (self->status_label), _("The change could not be saved"));
    }
}

static void
enqueue (KouanAdminShowcasePage *self,
         const char             *collection,
         const char             *op,
         gint64                  record_id,
         JsonObject             *fields)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) empty = NULL;
  KouanStore *store = kouan_admin_page_get_store (GTK_WIDGET (self));

  if (fields == NULL)
    fields = empty = json_object_new ();
  if (g_str_equal (op, "create") && store != NULL)
    {
      record_id = kouan_store_allocate_temp_id (store, &error);
      if (record_id == 0)
        {
          report (self, error);
          return;
        }
    }
  kouan_admin_enqueue (GTK_WIDGET (self), self->enterprise_id, collection, op, record_id, fields, &error);
  report (self, error);
}

/* ---- images --------------------------------------------------------- */

typedef struct {
  KouanAdminShowcasePage *self;
  gint64                  image_id;
} ImageLoad;

static void
show_textures (KouanAdminShowcasePage *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);
      gint64 image_id = json_object_get_int_member (slide, "image");
      GdkTexture *texture = g_hash_table_lookup (self->textures, &image_id);

      if (texture != NULL)
        kouan_carousel_set_image (KOUAN_CAROUSEL (self->carousel), i, GDK_PAINTABLE (texture));
    }
}

static void
on_texture_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = kouan_admin_image_load_finish (result, &error);

  if (texture != NULL)
    {
      g_hash_table_replace (load->self->textures, g_memdup2 (&load->image_id, sizeof (gint64)), texture);
      show_textures (load->self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading slide image %" G_GINT64_FORMAT ": %s", load->image_id, error->message);
  g_object_unref (load->self);
  g_free (load);
}

static void
fetch_textures (KouanAdminShowcasePage *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    {
      gint64 image_id = json_object_get_int_member (g_ptr_array_index (self->slides, i), "image");
      ImageLoad *load;

      if (g_hash_table_contains (self->textures, &image_id))
        continue;
      load = g_new0 (ImageLoad, 1);
      load->self = g_object_ref (self);
      load->image_id = image_id;
      kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, image_id,
                                    self->cancellable, on_texture_loaded, load);
    }
  show_textures (self);
}

/* ---- slides --------------------------------------------------------- */

/* Moves slide @index by @delta and renumbers the positions in order, so
 * ties (records created offline) settle too. */
static void
move_slide (KouanAdminShowcasePage *self,
            guint                   index,
            int                     delta)
{
  /* borrowed pointers: no free function (a copy would take the
   * original's) */
  g_autoptr(GPtrArray) order = g_ptr_array_sized_new (self->slides->len);
  guint target = index + delta;
  gpointer moved;

  for (guint i = 0; i < self->slides->len; i++)
    g_ptr_array_add (order, self->slides->pdata[i]);
  if ((int) index + delta < 0 || target >= order->len)
    return;
  moved = order->pdata[index];
  order->pdata[index] = order->pdata[target];
  order->pdata[target] = moved;

  for (guint i = 0; i < order->len; i++)
    {
      JsonObject *slide = order->pdata[i];

      if (json_object_get_int_member (slide, "position") != (gint64) i)
        {
          g_autoptr(JsonObject) fields = json_object_new ();

          json_object_set_int_member (fields, "position", i);
          enqueue (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, "update",
                   json_object_get_int_member (slide, "id"), fields);
        }
    }
}

static JsonObject *
row_record (GtkWidget *button,
            GPtrArray *records,
            guint     *out_index)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "record-id")) *
              (g_object_get_data (G_OBJECT (button), "negative") != NULL ? -1 : 1);

  for (guint i = 0; i < records->len; i++)
    if (json_object_get_int_member (g_ptr_array_index (records, i), "id") == id)
      {
        if (out_index != NULL)
          *out_index = i;
        return g_ptr_array_index (records, i);
      }
  return NULL;
}

static void
on_slide_action (GtkButton              *button,
                 KouanAdminShowcasePage *self)
{
  const char *action = gtk_widget_get_name (GTK_WIDGET (button));
  guint index = 0;
  JsonObject *slide = row_record (GTK_WIDGET (button), self->slides, &index);

  if (slide == NULL)
    return;
  if (g_str_equal (action, "up"))
    move_slide (self, index, -1);
  else if (g_str_equal (action, "down"))
    move_slide (self, index, +1);
  else if (g_str_equal (action, "edit"))
    open_slide_dialog (self, slide);
  else if (g_str_equal (action, "delete"))
    enqueue (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, "delete", json_object_get_int_member (slide, "id"), NULL);
}

static void
on_link_action (GtkButton              *button,
                KouanAdminShowcasePage *self)
{
  JsonObject *link = row_record (GTK_WIDGET (button), self->links, NULL);

  if (link == NULL)
    return;
  if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (button)), "edit"))
    open_link_dialog (self, link);
  else
    enqueue (self, KOUAN_COLLECTION_SHOWCASE_LINKS, "delete", json_object_get_int_member (link, "id"), NULL);
}

static GtkWidget *
row_button (const char *icon,
            const char *name,
            const char *label,
            gint64      record_id,
            GCallback   callback,
            gpointer    self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "record-id", GSIZE_TO_POINTER ((gsize) ABS (record_id)));
  if (record_id < 0)
    g_object_set_data (G_OBJECT (button), "negative", GINT_TO_POINTER (1));
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static void
clear_list (GtkWidget *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (list), child);
}

static GtkWidget *
record_row (const char *title,
            const char *subtitle)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), subtitle_label);
  gtk_box_append (GTK_BOX (row), text);
  gtk_widget_set_margin_top (row, 4);
  gtk_widget_set_margin_bottom (row, 4);
  gtk_widget_set_margin_start (row, 8);
  gtk_widget_set_margin_end (row, 8);
  return row;
}

static void
show_slides (KouanAdminShowcasePage *self)
{
  gboolean full = self->slides->len >= KOUAN_SHOWCASE_MAX_SLIDES;

  clear_list (self->slides_list);
  kouan_carousel_clear (KOUAN_CAROUSEL (self->carousel));
  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);
      gint64 id = json_object_get_int_member (slide, "id");
      const char *caption = json_object_get_string_member (slide, "caption");
      const char *link = json_object_get_string_member_with_default (slide, "link", "");
      GtkWidget *row = record_row (caption, link[0] != '\0' ? link : _("No link"));

      gtk_box_append (GTK_BOX (row), row_button ("go-up-symbolic", "up", _("Move up"), id,
                                                 G_CALLBACK (on_slide_action), self));
      gtk_widget_set_sensitive (gtk_widget_get_last_child (row), i > 0);
      gtk_box_append (GTK_BOX (row), row_button ("go-down-symbolic", "down", _("Move down"), id,
                                                 G_CALLBACK (on_slide_action), self));
      gtk_widget_set_sensitive (gtk_widget_get_last_child (row), i + 1 < self->slides->len);
      gtk_box_append (GTK_BOX (row), row_button ("document-edit-symbolic", "edit", _("Edit"), id,
                                                 G_CALLBACK (on_slide_action), self));
      gtk_box_append (GTK_BOX (row), row_button ("user-trash-symbolic", "delete", _("Delete"), id,
                                                 G_CALLBACK (on_slide_action), self));
      gtk_list_box_append (GTK_LIST_BOX (self->slides_list), row);
      kouan_carousel_append (KOUAN_CAROUSEL (self->carousel), NULL, caption, link);
    }

  /* At the limit the action stays in view, insensitive, with the reason. */
  gtk_widget_set_sensitive (self->add_slide_button, !full && self->enterprise_id > 0);
  gtk_widget_set_visible (self->add_slide_reason, full);
  fetch_textures (self);
}

static void
show_links (KouanAdminShowcasePage *self)
{
  clear_list (self->links_list);
  for (guint i = 0; i < self->links->len; i++)
    {
      JsonObject *link = g_ptr_array_index (self->links, i);
      gint64 id = json_object_get_int_member (link, "id");
      GtkWidget *row = record_row (json_object_get_string_member (link, "title"),
                                   json_object_get_string_member (link, "url"));

      gtk_box_append (GTK_BOX (row), row_button ("document-edit-symbolic", "edit", _("Edit"), id,
                                                 G_CALLBACK (on_link_action), self));
      gtk_box_append (GTK_BOX (row), row_button ("user-trash-symbolic", "delete", _("Delete"), id,
                                                 G_CALLBACK (on_link_action), self));
      gtk_list_box_append (GTK_LIST_BOX (self->links_list), row);
    }
}

static void
reload (KouanAdminShowcasePage *self,
        const char             *collection)
{
  g_autoptr(GError) error = NULL;

  if (collection == NULL || g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES))
    {
      GPtrArray *slides = NULL;

      if (self->store != NULL && self->enterprise_id > 0)
        slides = kouan_store_list_settings (self->store, self->enterprise_id,
                                            KOUAN_COLLECTION_SHOWCASE_SLIDES, &error);
      g_clear_pointer (&self->slides, g_ptr_array_unref);
      self->slides = slides != NULL ? slides : g_ptr_array_new ();
      show_slides (self);
    }
  if (collection == NULL || g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_LINKS))
    {
      GPtrArray *links = NULL;

      g_clear_error (&error);
      if (self->store != NULL && self->enterprise_id > 0)
        links = kouan_store_list_settings (self->store, self->enterprise_id,
                                           KOUAN_COLLECTION_SHOWCASE_LINKS, &error);
      g_clear_pointer (&self->links, g_ptr_array_unref);
      self->links = links != NULL ? links : g_ptr_array_new ();
      show_links (self);
    }
}

static void
on_store_changed (KouanStore             *store,
                  const char             *collection,
                  gint64                  enterprise_id,
                  KouanAdminShowcasePage *self)
{
  g_autoptr(JsonObject) rejection = NULL;

  if (enterprise_id != self->enterprise_id ||
      !(g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) ||
        g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_LINKS)))
    return;
  reload (self, collection);
  rejection = kouan_admin_take_rejection (GTK_WIDGET (self), enterprise_id, collection);
  if (rejection != NULL)
    {
      g_autofree char *text = kouan_admin_rejection_text (rejection);

      gtk_label_set_text (GTK_LABEL (self->status_label), text);
    }
}

static void
on_enterprise_changed (KouanAdminView         *admin,
                       GParamSpec             *pspec,
                       KouanAdminShowcasePage *self)
{
  KouanStore *store = kouan_admin_page_get_store (GTK_WIDGET (self));
  gint64 enterprise_id = kouan_admin_view_get_enterprise_id (admin);

  if (store != self->store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->store_changed_id, self->store);
      /* weak: the window may drop its store before its pages go */
      g_set_weak_pointer (&self->store, store);
      if (store != NULL)
        self->store_changed_id = g_signal_connect_object (store, "changed",
                                                          G_CALLBACK (on_store_changed), self, 0);
    }
  if (enterprise_id != self->enterprise_id)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      g_hash_table_remove_all (self->textures);
      self->enterprise_id = enterprise_id;
    }
  gtk_label_set_text (GTK_LABEL (self->status_label), "");
  reload (self, NULL);
}

/* ---- dialogs -------------------------------------------------------- */

typedef struct {
  KouanAdminShowcasePage *self;
  const char             *collection;
  gint64                  record_id;    /* 0: a new record */
  GtkWidget              *window;
  GtkWidget              *entries[2];  /* caption/title, link/url */
  GtkWidget              *errors[2];
  const char             *fields[2];
  GtkWidget              *picture;      /* slides only */
  GtkWidget              *image_error;
  gint64                  image_id;
} RecordDialog;

static void
record_dialog_free (RecordDialog *dialog)
{
  g_object_unref (dialog->self);
  g_free (dialog);
}

static void
on_dialog_ok (RecordDialog *dialog)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  gboolean ok = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->entries[i]))));
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
      g_autofree char *message = kouan_admin_check_field (dialog->collection, dialog->fields[i], node);

      gtk_label_set_text (GTK_LABEL (dialog->errors[i]), message != NULL ? message : "");
      gtk_widget_set_visible (dialog->errors[i], message != NULL);
      if (message != NULL)
        {
          if (ok)
            gtk_widget_grab_focus (dialog->entries[i]);
          ok = FALSE;
        }
      json_object_set_string_member (fields, dialog->fields[i], text);
    }
  if (dialog->picture != NULL)
    {
      gboolean missing = dialog->image_id <= 0;

      if (missing)
        {
          gtk_label_set_text (GTK_LABEL (dialog->image_error), _("Choose a picture for the slide"));
          ok = FALSE;
        }
      gtk_widget_set_visible (dialog->image_error, missing);
      json_object_set_int_member (fields, "image", dialog->image_id);
    }
  if (!ok)
    return;

  enqueue (dialog->self, dialog->collection, dialog->record_id != 0 ? "update" : "create",
           dialog->record_id, fields);
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static void
on_slide_image_uploaded (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  RecordDialog *dialog = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 id = kouan_admin_image_upload_finish (result, &texture, &error);

  if (id > 0)
    {
      dialog->image_id = id;
      gtk_picture_set_paintable (GTK_PICTURE (dialog->picture), GDK_PAINTABLE (texture));
      gtk_widget_set_visible (dialog->image_error, FALSE);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (dialog->image_error), error->message);
      gtk_widget_set_visible (dialog->image_error, TRUE);
    }
  g_object_unref (dialog->window);
}

static void
on_slide_file (GFile    *file,
               gpointer  data)
{
  RecordDialog *dialog = data;

  if (file == NULL)
    {
      g_object_unref (dialog->window);
      return;
    }
  kouan_admin_image_upload_async (GTK_WIDGET (dialog->self), dialog->self->enterprise_id, file,
                                  dialog->self->cancellable, on_slide_image_uploaded, dialog);
}

static void
on_choose_slide_image (RecordDialog *dialog)
{
  /* The dialog stays alive while the picture uploads. */
  g_object_ref (dialog->window);
  kouan_admin_pick_image (dialog->window, _("Choose the slide's picture"), on_slide_file, dialog);
}

static GtkWidget *
dialog_field (RecordDialog *dialog,
              GtkWidget    *box,
              guint         index,
              const char   *field,
              const char   *label_text,
              const char   *value)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *error = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_name (entry, field);
  gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);
  g_signal_connect_swapped (entry, "activate", G_CALLBACK (on_dialog_ok), dialog);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), error);
  dialog->entries[index] = entry;
  dialog->errors[index] = error;
  dialog->fields[index] = field;
  return entry;
}

static GtkWidget *
record_dialog_new (KouanAdminShowcasePage *self,
                   RecordDialog           *dialog,
                   const char             *title)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *ok = gtk_button_new_with_mnemonic (_("_OK"));

  dialog->self = g_object_ref (self);
  dialog->window = window;
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_set_default_size (GTK_WINDOW (window), 420, -1);
  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  gtk_widget_set_name (ok, "ok");
  gtk_widget_add_css_class (ok, "suggested-action");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cancel);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), ok);
  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  g_signal_connect_swapped (ok, "clicked", G_CALLBACK (on_dialog_ok), dialog);
  g_object_set_data_full (G_OBJECT (window), "record-dialog", dialog, (GDestroyNotify) record_dialog_free);
  return window;
}

static void
open_slide_dialog (KouanAdminShowcasePage *self,
                   JsonObject             *slide)
{
  RecordDialog *dialog = g_new0 (RecordDialog, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose picture…"));
  GtkWidget *window;

  dialog->collection = KOUAN_COLLECTION_SHOWCASE_SLIDES;
  dialog->record_id = slide != NULL ? json_object_get_int_member (slide, "id") : 0;
  window = record_dialog_new (self, dialog, slide != NULL ? _("Edit Slide") : _("Add Slide"));

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  dialog->picture = gtk_picture_new ();
  gtk_widget_set_size_request (dialog->picture, 320, 120);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dialog->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Slide picture"), -1);
  gtk_box_append (GTK_BOX (box), dialog->picture);
  g_signal_connect_swapped (choose, "clicked", G_CALLBACK (on_choose_slide_image), dialog);
  gtk_widget_set_halign (choose, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), choose);
  dialog->image_error = gtk_label_new (NULL);
  gtk_widget_add_css_class (dialog->image_error, "error");
  gtk_widget_set_visible (dialog->image_error, FALSE);
  gtk_box_append (GTK_BOX (box), dialog->image_error);

  dialog_field (dialog, box, 0, "caption", _("_Caption"),
                slide != NULL ? json_object_get_string_member (slide, "caption") : NULL);
  dialog_field (dialog, box, 1, "link", _("_Link (optional)"),
                slide != NULL ? json_object_get_string_member_with_default (slide, "link", "") : NULL);
  if (slide != NULL)
    {
      gint64 image_id = json_object_get_int_member (slide, "image");
      GdkTexture *texture = g_hash_table_lookup (self->textures, &image_id);

      dialog->image_id = image_id;
      if (texture != NULL)
        gtk_picture_set_paintable (GTK_PICTURE (dialog->picture), GDK_PAINTABLE (texture));
    }
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static GtkWidget *
open_link_dialog (KouanAdminShowcasePage *self,
                  JsonObject             *link)
{
  RecordDialog *dialog = g_new0 (RecordDialog, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *window;

  dialog->collection = KOUAN_COLLECTION_SHOWCASE_LINKS;
  dialog->record_id = link != NULL ? json_object_get_int_member (link, "id") : 0;
  window = record_dialog_new (self, dialog, link != NULL ? _("Edit Link") : _("Add Link"));
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  dialog_field (dialog, box, 0, "title", _("_Title"),
                link != NULL ? json_object_get_string_member (link, "title") : NULL);
  dialog_field (dialog, box, 1, "url", _("_Link"),
                link != NULL ? json_object_get_string_member (link, "url") : NULL);
  gtk_entry_set_placeholder_text (GTK_ENTRY (dialog->entries[1]), "https://");
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* ---- building ------------------------------------------------------- */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  return label;
}

static GtkWidget *
new_list (const char *label)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_add_css_class (list, "frame");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return list;
}

static void
on_add_slide (KouanAdminShowcasePage *self)
{
  open_slide_dialog (self, NULL);
}

static void
on_add_link (KouanAdminShowcasePage *self)
{
  open_link_dialog (self, NULL);
}

static void
build (KouanAdminShowcasePage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *title = gtk_label_new (_("Enterprise Showcase"));
  GtkWidget *slide_actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *add_link = gtk_button_new_with_mnemonic (_("_Add Link"));
  g_autofree char *reason = g_strdup_printf (_("The carousel shows at most %d slides; delete one to add another"),
                                             KOUAN_SHOWCASE_MAX_SLIDES);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (GTK_BOX (box), title);

  gtk_box_append (GTK_BOX (box), heading (_("Preview")));
  self->carousel = kouan_carousel_new ();
  gtk_widget_set_size_request (self->carousel, -1, 200);
  gtk_box_append (GTK_BOX (box), self->carousel);

  gtk_box_append (GTK_BOX (box), heading (_("Enterprise News")));
  self->slides_list = new_list (_("Slides"));
  gtk_box_append (GTK_BOX (box), self->slides_list);
  self->add_slide_button = gtk_button_new_with_mnemonic (_("Add _Slide"));
  g_signal_connect_swapped (self->add_slide_button, "clicked", G_CALLBACK (on_add_slide), self);
  self->add_slide_reason = gtk_label_new (reason);
  gtk_widget_add_css_class (self->add_slide_reason, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (self->add_slide_reason), TRUE);
  gtk_widget_set_visible (self->add_slide_reason, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->add_slide_button),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->add_slide_reason, NULL, -1);
  gtk_box_append (GTK_BOX (slide_actions), self->add_slide_button);
  gtk_box_append (GTK_BOX (slide_actions), self->add_slide_reason);
  gtk_box_append (GTK_BOX (box), slide_actions);

  gtk_box_append (GTK_BOX (box), heading (_("Enterprise Links")));
  self->links_list = new_list (_("Links"));
  gtk_box_append (GTK_BOX (box), self->links_list);
  g_signal_connect_swapped (add_link, "clicked", G_CALLBACK (on_add_link), self);
  gtk_widget_set_halign (add_link, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), add_link);

  self->status_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_box_append (GTK_BOX (box), self->status_label);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), box);
}

static void
kouan_admin_showcase_page_dispose (GObject *object)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  if (self->admin != NULL)
    g_signal_handlers_disconnect_by_data (self->admin, self);
  g_clear_weak_pointer (&self->admin);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);

  G_OBJECT_CLASS (kouan_admin_showcase_page_parent_class)->dispose (object);
}

static void
kouan_admin_showcase_page_finalize (GObject *object)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (object);

  g_clear_pointer (&self->slides, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  G_OBJECT_CLASS (kouan_admin_showcase_page_parent_class)->finalize (object);
}

static void
kouan_admin_showcase_page_class_init (KouanAdminShowcasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_showcase_page_dispose;
  object_class->finalize = kouan_admin_showcase_page_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kouan_admin_showcase_page_init (KouanAdminShowcasePage *self)
{
  self->slides = g_ptr_array_new ();
  self->links = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
  build (self);
}

static void
on_realize (KouanAdminShowcasePage *self)
{
  if (self->admin != NULL)
    on_enterprise_changed (self->admin, NULL, self);
}

GtkWidget *
kouan_admin_showcase_page_new (KouanAdminView *admin)
{
  KouanAdminShowcasePage *self = g_object_new (KOUAN_TYPE_ADMIN_SHOWCASE_PAGE, NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect (admin, "notify::enterprise-id", G_CALLBACK (on_enterprise_changed), self);
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);
  return GTK_WIDGET (self);
}

KouanCarousel *
kouan_admin_showcase_page_get_carousel (KouanAdminShowcasePage *self)
{
  return KOUAN_CAROUSEL (self->carousel);
}

GtkWidget *
kouan_admin_showcase_page_get_add_slide_button (KouanAdminShowcasePage *self)
{
  return self->add_slide_button;
}

GtkWidget *
kouan_admin_showcase_page_get_add_slide_reason (KouanAdminShowcasePage *self)
{
  return self->add_slide_reason;
}

guint
kouan_admin_showcase_page_get_n_links (KouanAdminShowcasePage *self)
{
  return self->links->len;
}

GtkWidget *
kouan_admin_showcase_page_add_link (KouanAdminShowcasePage *self)
{
  return open_link_dialog (self, NULL);
}
