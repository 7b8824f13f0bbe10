/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-showcase-dialog.h"
#include "admin/kouan-admin-showcase-page.h"

struct _KouanAdminShowcasePage
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *add_slide_button;
  GtkWidget      *add_slide_reason;
  GtkWidget      *carousel;
  GtkWidget      *links_empty;
  GtkWidget      *links_group;
  GtkWidget      *preferences;
  GtkWidget      *preview_stack;
  GtkWidget      *slides_group;

  /* owned */
  GPtrArray      *slides;      /* JsonObject, display order */
  GPtrArray      *links;       /* JsonObject */
  GPtrArray      *slide_rows;  /* GtkWidget, borrowed from slides_group */
  GPtrArray      *link_rows;   /* GtkWidget, borrowed from links_group */
  GHashTable     *textures;    /* image id → GdkTexture (NULL while fetched) */
  GCancellable   *cancellable;
  gint64          enterprise_id;

  /* borrowed */
  AdwToast       *undo_toast;  /* weak: the last one offering 撤销 */
  KouanAdminView *admin;
  KouanStore     *store;
  gulong          store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminShowcasePage, kouan_admin_showcase_page, GTK_TYPE_WIDGET)

static gboolean
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
    record_id = kouan_store_allocate_temp_id (store, &error);
  if ((g_str_equal (op, "create") && record_id == 0) ||
      !kouan_admin_enqueue (GTK_WIDGET (self), self->enterprise_id, collection, op, record_id, fields, &error))
    {
      /* the slide or link was deleted meanwhile (here or by a pulled
       * change) while its dialog was open: nothing is wrong with the
       * cache, the user is told what happened */
      if (g_error_matches (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND))
        {
          g_debug ("Saving the showcase: %s", error->message);
          kouan_admin_toast_failed (GTK_WIDGET (self),
                                    g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES)
                                    ? _("This slide was deleted meanwhile, so the change was not saved")
                                    : _("This link was deleted meanwhile, so the change was not saved"));
          return FALSE;
        }
      g_warning ("Saving the showcase: %s", error != NULL ? error->message : "no store");
      kouan_admin_toast_failed (GTK_WIDGET (self), _("The change could not be saved"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kouan_admin_showcase_page_submit (KouanAdminShowcasePage *self,
                                  const char             *collection,
                                  gint64                  record_id,
                                  JsonObject             *fields)
{
  gboolean slide = g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES);

  g_return_val_if_fail (KOUAN_IS_ADMIN_SHOWCASE_PAGE (self), FALSE);

  /* a new slide goes last, a new link too */
  if (record_id == 0 && !json_object_has_member (fields, "position"))
    json_object_set_int_member (fields, "position", slide ? self->slides->len : self->links->len);
  if (!enqueue (self, collection, record_id != 0 ? "update" : "create", record_id, fields))
    return FALSE;
  kouan_admin_toast_saved (GTK_WIDGET (self),
                           record_id != 0 ? NULL : slide ? _("Slide added") : _("Link added"), FALSE);
  return TRUE;
}

/* ---- pictures ------------------------------------------------------- */

typedef struct {
  KouanAdminShowcasePage *self;
  gint64                  enterprise_id;
  gint64                  image_id;
} ImageLoad;

static void
texture_free (gpointer texture)
{
  if (texture != NULL)
    g_object_unref (texture);
}

static GdkPaintable *
slide_paintable (KouanAdminShowcasePage *self,
                 JsonObject             *slide)
{
  gint64 image_id = json_object_get_int_member_with_default (slide, "image", 0);

  return g_hash_table_lookup (self->textures, &image_id);
}

static void
show_textures (KouanAdminShowcasePage *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    {
      GdkPaintable *paintable = slide_paintable (self, g_ptr_array_index (self->slides, i));

      if (paintable != NULL)
        {
          kouan_showcase_carousel_set_image (KOUAN_SHOWCASE_CAROUSEL (self->carousel), i, paintable);
          if (i < self->slide_rows->len)
            {
              GtkWidget *thumbnail = g_object_get_data (G_OBJECT (g_ptr_array_index (self->slide_rows, i)),
                                                        "thumbnail");

              gtk_image_set_from_paintable (GTK_IMAGE (thumbnail), paintable);
            }
        }
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

  if (texture != NULL && load->enterprise_id == load->self->enterprise_id)
    {
      g_hash_table_replace (load->self->textures, g_memdup2 (&load->image_id, sizeof (gint64)), texture);
      show_textures (load->self);
    }
  else if (texture != NULL)
    g_object_unref (texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_hash_table_remove (load->self->textures, &load->image_id);
      g_debug ("Loading slide image %" G_GINT64_FORMAT ": %s", load->image_id, error->message);
    }
  g_object_unref (load->self);
  g_free (load);
}

static void
fetch_textures (KouanAdminShowcasePage *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    {
      gint64 image_id = json_object_get_int_member_with_default (g_ptr_array_index (self->slides, i), "image", 0);
      ImageLoad *load;

      if (image_id <= 0 || g_hash_table_contains (self->textures, &image_id))
        continue;
      g_hash_table_insert (self->textures, g_memdup2 (&image_id, sizeof (gint64)), NULL);
      load = g_new0 (ImageLoad, 1);
      load->self = g_object_ref (self);
      load->enterprise_id = self->enterprise_id;
      load->image_id = image_id;
      kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, image_id,
                                    self->cancellable, on_texture_loaded, load);
    }
  show_textures (self);
}

/* ---- records -------------------------------------------------------- */

static JsonObject *
find_record (GPtrArray *records,
             gint64     id,
             guint     *out_index)
{
  for (guint i = 0; i < records->len; i++)
    if (json_object_get_int_member (g_ptr_array_index (records, i), "id") == id)
      {
        if (out_index != NULL)
          *out_index = i;
        return g_ptr_array_index (records, i);
      }
  return NULL;
}

/* Moves slide @index by @delta and renumbers the positions in order, so
 * ties (records created offline) settle too. */
static void
move_slide (KouanAdminShowcasePage *self,
            guint                   index,
            int                     delta)
{
  /* borrowed pointers: no free function */
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
          if (!enqueue (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, "update",
                        json_object_get_int_member (slide, "id"), fields))
            return;
        }
    }
}

typedef struct {
  KouanAdminShowcasePage *self;        /* weak */
  const char             *collection;
  JsonObject             *fields;
} Undo;

static void
undo_free (gpointer data,
           GClosure *closure)
{
  Undo *undo = data;

  g_clear_weak_pointer (&undo->self);
  json_object_unref (undo->fields);
  g_free (undo);
}

static void
on_undo (AdwToast *toast,
         Undo     *undo)
{
  /* the record comes back as a new one, where it was */
  if (undo->self != NULL && enqueue (undo->self, undo->collection, "create", 0, undo->fields))
    kouan_admin_toast_saved (GTK_WIDGET (undo->self), _("Restored"), FALSE);
}

static void
delete_record (KouanAdminShowcasePage *self,
               const char             *collection,
               JsonObject             *record,
               const char             *done)
{
  static const char *const slide_fields[] = { "image", "caption", "link", "position", NULL };
  static const char *const link_fields[] = { "title", "url", "position", NULL };
  const char *const *names = g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) ? slide_fields : link_fields;
  g_autoptr(JsonObject) fields = json_object_new ();
  AdwToast *toast;
  Undo *undo;

  /* what Undo needs, copied before the record goes */
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (record, names[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        json_object_set_member (fields, names[i], json_node_copy (node));
    }
  if (!enqueue (self, collection, "delete", json_object_get_int_member (record, "id"), NULL))
    return;
  toast = kouan_admin_toast_saved (GTK_WIDGET (self), done, TRUE);
  if (toast == NULL)
    return;
  undo = g_new0 (Undo, 1);
  g_set_weak_pointer (&undo->self, self);
  undo->collection = collection;
  undo->fields = g_steal_pointer (&fields);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo), undo, undo_free, 0);
  g_set_weak_pointer (&self->undo_toast, toast);
}

static void
on_slide_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (widget);
  guint index = 0;
  JsonObject *slide = find_record (self->slides, g_variant_get_int64 (parameter), &index);

  if (slide == NULL)
    return;
  if (g_str_equal (action_name, "showcase.move-up"))
    move_slide (self, index, -1);
  else if (g_str_equal (action_name, "showcase.move-down"))
    move_slide (self, index, +1);
  else if (g_str_equal (action_name, "showcase.edit-slide"))
    gtk_window_present (GTK_WINDOW (kouan_admin_showcase_dialog_new (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, slide,
                                                                     slide_paintable (self, slide))));
  else if (g_str_equal (action_name, "showcase.delete-slide"))
    delete_record (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, slide, _("Slide deleted"));
}

static void
on_link_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (widget);
  JsonObject *link = find_record (self->links, g_variant_get_int64 (parameter), NULL);

  if (link == NULL)
    return;
  if (g_str_equal (action_name, "showcase.edit-link"))
    gtk_window_present (GTK_WINDOW (kouan_admin_showcase_dialog_new (self, KOUAN_COLLECTION_SHOWCASE_LINKS, link, NULL)));
  else
    delete_record (self, KOUAN_COLLECTION_SHOWCASE_LINKS, link, _("Link deleted"));
}

static void
on_add_slide (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (widget);

  gtk_window_present (GTK_WINDOW (kouan_admin_showcase_dialog_new (self, KOUAN_COLLECTION_SHOWCASE_SLIDES, NULL, NULL)));
}

static void
on_add_link (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  kouan_admin_showcase_page_add_link (KOUAN_ADMIN_SHOWCASE_PAGE (widget));
}

/* ---- rows ----------------------------------------------------------- */

static GtkWidget *
row_button (const char *icon,
            const char *name,
            const char *label,
            const char *action,
            gint64      record_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* without an action (the first slide's 上移) it stays insensitive: an
   * action's enabled state would make it sensitive again */
  if (action != NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (record_id));
    }
  else
    gtk_widget_set_sensitive (button, FALSE);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
record_row (const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  return row;
}

static void
clear_rows (GtkWidget *group,
            GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
show_slides (KouanAdminShowcasePage *self)
{
  gboolean full = self->slides->len >= KOUAN_SHOWCASE_MAX_SLIDES;
  KouanShowcaseCarousel *carousel = KOUAN_SHOWCASE_CAROUSEL (self->carousel);
  guint position = kouan_showcase_carousel_get_position (carousel);

  clear_rows (self->slides_group, self->slide_rows);
  kouan_showcase_carousel_clear (carousel);
  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);
      gint64 id = json_object_get_int_member (slide, "id");
      const char *caption = json_object_get_string_member_with_default (slide, "caption", "");
      const char *link = json_object_get_string_member_with_default (slide, "link", "");
      GtkWidget *row = record_row (caption, link[0] != '\0' ? link : _("No link"));
      /* a GtkImage keeps the thumbnail to its size, whatever the picture's */
      GtkWidget *thumbnail = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
      GtkWidget *button;

      gtk_image_set_pixel_size (GTK_IMAGE (thumbnail), 48);
      gtk_widget_set_valign (thumbnail, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (thumbnail), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), thumbnail);
      g_object_set_data (G_OBJECT (row), "thumbnail", thumbnail);

      button = row_button ("go-up-symbolic", "up", _("Move up"), i > 0 ? "showcase.move-up" : NULL, id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      button = row_button ("go-down-symbolic", "down", _("Move down"),
                           i + 1 < self->slides->len ? "showcase.move-down" : NULL, id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("document-edit-symbolic", "edit", _("Edit"), "showcase.edit-slide", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("user-trash-symbolic", "delete", _("Delete"), "showcase.delete-slide", id));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->slides_group), row);
      g_ptr_array_add (self->slide_rows, row);
      kouan_showcase_carousel_append (carousel, NULL, caption, link);
    }
  /* the preview stays on the slide the user was looking at */
  if (position < self->slides->len)
    kouan_showcase_carousel_set_position (carousel, position);
  gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), self->slides->len > 0 ? "carousel" : "empty");

  /* At the limit the action stays in view, insensitive, with the reason. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "showcase.add-slide", !full && self->enterprise_id > 0);
  gtk_widget_set_visible (self->add_slide_reason, full);
  fetch_textures (self);
}

static void
show_links (KouanAdminShowcasePage *self)
{
  clear_rows (self->links_group, self->link_rows);
  for (guint i = 0; i < self->links->len; i++)
    {
      JsonObject *link = g_ptr_array_index (self->links, i);
      gint64 id = json_object_get_int_member (link, "id");
      GtkWidget *row = record_row (json_object_get_string_member_with_default (link, "title", ""),
                                   json_object_get_string_member_with_default (link, "url", ""));

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("document-edit-symbolic", "edit", _("Edit"), "showcase.edit-link", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("user-trash-symbolic", "delete", _("Delete"), "showcase.delete-link", id));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->links_group), row);
      g_ptr_array_add (self->link_rows, row);
    }
  gtk_widget_set_visible (self->links_empty, self->links->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "showcase.add-link", self->enterprise_id > 0);
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

      kouan_admin_toast_failed (GTK_WIDGET (self), text);
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
  reload (self, NULL);
}

/* ---- GObject -------------------------------------------------------- */

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
  g_clear_weak_pointer (&self->undo_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_SHOWCASE_PAGE);

  G_OBJECT_CLASS (kouan_admin_showcase_page_parent_class)->dispose (object);
}

static void
kouan_admin_showcase_page_finalize (GObject *object)
{
  KouanAdminShowcasePage *self = KOUAN_ADMIN_SHOWCASE_PAGE (object);

  g_clear_pointer (&self->slides, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->slide_rows, g_ptr_array_unref);
  g_clear_pointer (&self->link_rows, g_ptr_array_unref);
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

  g_type_ensure (KOUAN_TYPE_SHOWCASE_CAROUSEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-showcase-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, add_slide_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, add_slide_reason);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, carousel);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, links_empty);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, links_group);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, preferences);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminShowcasePage, slides_group);

  gtk_widget_class_install_action (widget_class, "showcase.add-slide", NULL, on_add_slide);
  gtk_widget_class_install_action (widget_class, "showcase.add-link", NULL, on_add_link);
  gtk_widget_class_install_action (widget_class, "showcase.move-up", "x", on_slide_action);
  gtk_widget_class_install_action (widget_class, "showcase.move-down", "x", on_slide_action);
  gtk_widget_class_install_action (widget_class, "showcase.edit-slide", "x", on_slide_action);
  gtk_widget_class_install_action (widget_class, "showcase.delete-slide", "x", on_slide_action);
  gtk_widget_class_install_action (widget_class, "showcase.edit-link", "x", on_link_action);
  gtk_widget_class_install_action (widget_class, "showcase.delete-link", "x", on_link_action);
}

static void
kouan_admin_showcase_page_init (KouanAdminShowcasePage *self)
{
  g_autofree char *reason = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->slides = g_ptr_array_new ();
  self->links = g_ptr_array_new ();
  self->slide_rows = g_ptr_array_new ();
  self->link_rows = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, texture_free);
  self->cancellable = g_cancellable_new ();
  /* Translators: %d is the most slides the carousel shows (6) */
  reason = g_strdup_printf (_("The carousel shows at most %d slides; delete one to add another."),
                            KOUAN_SHOWCASE_MAX_SLIDES);
  gtk_label_set_text (GTK_LABEL (self->add_slide_reason), reason);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->add_slide_button),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->add_slide_reason, NULL, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "showcase.add-slide", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "showcase.add-link", FALSE);
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

gint64
kouan_admin_showcase_page_get_enterprise_id (KouanAdminShowcasePage *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_SHOWCASE_PAGE (self), 0);
  return self->enterprise_id;
}

KouanShowcaseCarousel *
kouan_admin_showcase_page_get_carousel (KouanAdminShowcasePage *self)
{
  return KOUAN_SHOWCASE_CAROUSEL (self->carousel);
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

AdwToast *
kouan_admin_showcase_page_get_undo_toast (KouanAdminShowcasePage *self)
{
  return self->undo_toast;
}

gint64
kouan_admin_showcase_page_get_link_id (KouanAdminShowcasePage *self,
                                       guint                   index)
{
  return index < self->links->len ? json_object_get_int_member (g_ptr_array_index (self->links, index), "id") : 0;
}

guint
kouan_admin_showcase_page_get_n_links (KouanAdminShowcasePage *self)
{
  return self->links->len;
}

GtkWidget *
kouan_admin_showcase_page_add_link (KouanAdminShowcasePage *self)
{
  GtkWidget *dialog = kouan_admin_showcase_dialog_new (self, KOUAN_COLLECTION_SHOWCASE_LINKS, NULL, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
