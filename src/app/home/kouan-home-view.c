/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "home/kouan-home-view.h"

struct _KouanHomeView
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *avatar;
  GtkWidget       *carousel;
  GtkWidget       *certification_label;
  GtkWidget       *empty_hint;
  GtkWidget       *empty_page;
  GtkWidget       *links_empty;
  GtkWidget       *links_list;
  GtkWidget       *name_label;
  GtkWidget       *news_stack;
  GtkWidget       *scrolled;

  /* owned */
  KouanEnterprise *enterprise;
  GPtrArray       *slides;      /* JsonObject, display order */
  GPtrArray       *links;       /* GtkWidget (rows, borrowed from links_list) */
  GHashTable      *textures;    /* image id → GdkTexture, fetched once per enterprise */
  GCancellable    *cancellable;
  gint64           enterprise_id;
  gint64           logo_id;
  gboolean         can_manage;

  /* weak */
  KouanStore      *store;
  gulong           store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanHomeView, kouan_home_view, GTK_TYPE_WIDGET)

/* NULL while a picture is being fetched */
static void
texture_free (gpointer texture)
{
  if (texture != NULL)
    g_object_unref (texture);
}

static void fetch_texture (KouanHomeView *self, gint64 image_id);

/* ---- header --------------------------------------------------------- */

static void
show_logo (KouanHomeView *self)
{
  GdkTexture *texture = self->logo_id > 0 ? g_hash_table_lookup (self->textures, &self->logo_id) : NULL;

  adw_avatar_set_custom_image (ADW_AVATAR (self->avatar), GDK_PAINTABLE (texture));
}

/* The name an administrator saved in 企业信息设置 wins over the one the
 * login reply carried, so a rename shows without logging in again;
 * members who may not see the settings keep the login's name. */
static void
show_header (KouanHomeView *self)
{
  g_autoptr(JsonObject) settings = NULL;
  const char *name = NULL;
  gboolean certified;
  JsonNode *logo;

  self->logo_id = 0;
  if (self->enterprise == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->name_label), _("No enterprise"));
      adw_avatar_set_text (ADW_AVATAR (self->avatar), NULL);
      gtk_widget_set_visible (self->certification_label, FALSE);
      show_logo (self);
      return;
    }
  if (self->store != NULL)
    settings = kouan_store_get_settings (self->store, self->enterprise_id,
                                         KOUAN_COLLECTION_ENTERPRISE_SETTINGS, self->enterprise_id, NULL);
  if (settings != NULL)
    {
      name = json_object_get_string_member_with_default (settings, "name", NULL);
      logo = json_object_get_member (settings, "logo_image");
      if (logo != NULL && !JSON_NODE_HOLDS_NULL (logo))
        self->logo_id = json_node_get_int (logo);
    }
  if (name == NULL || *name == '\0')
    name = kouan_enterprise_get_name (self->enterprise);
  gtk_label_set_text (GTK_LABEL (self->name_label), name);
  adw_avatar_set_text (ADW_AVATAR (self->avatar), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->avatar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Enterprise LOGO"), -1);
  if (self->logo_id > 0)
    fetch_texture (self, self->logo_id);
  show_logo (self);

  certified = kouan_enterprise_get_certified (self->enterprise);
  gtk_widget_set_visible (self->certification_label, TRUE);
  gtk_label_set_text (GTK_LABEL (self->certification_label), certified ? _("Certified") : _("Not certified"));
  gtk_widget_remove_css_class (self->certification_label, "success");
  gtk_widget_remove_css_class (self->certification_label, "warning");
  gtk_widget_add_css_class (self->certification_label, certified ? "success" : "warning");
}

/* ---- pictures ------------------------------------------------------- */

typedef struct {
  KouanHomeView *self;
  gint64         enterprise_id;
  gint64         image_id;
} ImageLoad;

static void
show_textures (KouanHomeView *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    {
      gint64 image_id = json_object_get_int_member (g_ptr_array_index (self->slides, i), "image");
      GdkTexture *texture = g_hash_table_lookup (self->textures, &image_id);

      if (texture != NULL)
        kouan_showcase_carousel_set_image (KOUAN_SHOWCASE_CAROUSEL (self->carousel), i, GDK_PAINTABLE (texture));
    }
  show_logo (self);
}

static void
on_texture_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = kouan_admin_image_load_finish (result, &error);

  /* A switch cancels the loads; one that finished meanwhile is dropped. */
  if (texture != NULL && load->enterprise_id == load->self->enterprise_id)
    {
      g_hash_table_replace (load->self->textures, g_memdup2 (&load->image_id, sizeof (gint64)), texture);
      show_textures (load->self);
    }
  else if (texture != NULL)
    g_object_unref (texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* asked again on the next change (back online, say) */
      g_hash_table_remove (load->self->textures, &load->image_id);
      g_debug ("Loading image %" G_GINT64_FORMAT ": %s", load->image_id, error->message);
    }
  g_object_unref (load->self);
  g_free (load);
}

/* From the image cache when it is there (offline too), else fetched once
 * and cached; a texture already held is not asked for again. */
static void
fetch_texture (KouanHomeView *self,
               gint64         image_id)
{
  ImageLoad *load;

  if (image_id <= 0 || g_hash_table_contains (self->textures, &image_id))
    return;
  /* asked for: a NULL entry until it arrives, so two slides with the same
   * picture ask once */
  g_hash_table_insert (self->textures, g_memdup2 (&image_id, sizeof (gint64)), NULL);
  load = g_new0 (ImageLoad, 1);
  load->self = g_object_ref (self);
  load->enterprise_id = self->enterprise_id;
  load->image_id = image_id;
  kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, image_id,
                                self->cancellable, on_texture_loaded, load);
}

/* ---- slides --------------------------------------------------------- */

static void
show_slides (KouanHomeView *self)
{
  KouanShowcaseCarousel *carousel = KOUAN_SHOWCASE_CAROUSEL (self->carousel);

  kouan_showcase_carousel_clear (carousel);
  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);

      kouan_showcase_carousel_append (carousel, NULL,
                                      json_object_get_string_member_with_default (slide, "caption", ""),
                                      json_object_get_string_member_with_default (slide, "link", ""));
      if (self->enterprise_id > 0 && json_object_has_member (slide, "image"))
        fetch_texture (self, json_object_get_int_member (slide, "image"));
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->news_stack),
                                    self->slides->len > 0 ? "carousel" : "empty");
  gtk_widget_set_visible (self->empty_hint, self->can_manage);
  show_textures (self);
}

/* ---- links ---------------------------------------------------------- */

static void
on_link_activated (AdwActionRow  *row,
                   KouanHomeView *self)
{
  const char *uri = gtk_widget_get_tooltip_text (GTK_WIDGET (row));

  if (uri != NULL && *uri != '\0')
    kouan_confirm_open_uri (GTK_WIDGET (self), uri);
}

static void
show_links (KouanHomeView *self,
            GPtrArray     *links)
{
  for (guint i = 0; i < self->links->len; i++)
    gtk_list_box_remove (GTK_LIST_BOX (self->links_list), g_ptr_array_index (self->links, i));
  g_ptr_array_set_size (self->links, 0);

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      JsonObject *link = g_ptr_array_index (links, i);
      const char *title = json_object_get_string_member_with_default (link, "title", "");
      const char *url = json_object_get_string_member_with_default (link, "url", "");
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("web-browser-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *title != '\0' ? title : url);
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), url);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      /* where it goes, before the confirmation shows it again */
      gtk_widget_set_tooltip_text (row, url);
      g_signal_connect (row, "activated", G_CALLBACK (on_link_activated), self);
      gtk_list_box_append (GTK_LIST_BOX (self->links_list), row);
      g_ptr_array_add (self->links, row);
    }
  gtk_widget_set_visible (self->links_list, self->links->len > 0);
  gtk_widget_set_visible (self->links_empty, self->links->len == 0);
}

/* ---- data ----------------------------------------------------------- */

static void
reload (KouanHomeView *self,
        const char    *collection)
{
  if (collection == NULL || g_str_equal (collection, KOUAN_COLLECTION_ENTERPRISE_SETTINGS))
    show_header (self);
  if (collection == NULL || g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES))
    {
      g_autoptr(GError) error = NULL;
      GPtrArray *slides = NULL;

      if (self->store != NULL && self->enterprise_id > 0)
        slides = kouan_store_list_settings (self->store, self->enterprise_id,
                                            KOUAN_COLLECTION_SHOWCASE_SLIDES, &error);
      if (error != NULL)
        g_warning ("Reading the enterprise news: %s", error->message);
      g_clear_pointer (&self->slides, g_ptr_array_unref);
      self->slides = slides != NULL ? slides : g_ptr_array_new ();
      show_slides (self);
    }
  if (collection == NULL || g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_LINKS))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) links = NULL;

      if (self->store != NULL && self->enterprise_id > 0)
        links = kouan_store_list_settings (self->store, self->enterprise_id,
                                           KOUAN_COLLECTION_SHOWCASE_LINKS, &error);
      if (error != NULL)
        g_warning ("Reading the enterprise links: %s", error->message);
      show_links (self, links);
    }
}

static void
on_store_changed (KouanStore    *store,
                  const char    *collection,
                  gint64         enterprise_id,
                  KouanHomeView *self)
{
  if (enterprise_id != self->enterprise_id || collection == NULL)
    return;
  if (g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) ||
      g_str_equal (collection, KOUAN_COLLECTION_SHOWCASE_LINKS) ||
      g_str_equal (collection, KOUAN_COLLECTION_ENTERPRISE_SETTINGS))
    reload (self, collection);
}

/* ---- GObject -------------------------------------------------------- */

static void
kouan_home_view_dispose (GObject *object)
{
  KouanHomeView *self = KOUAN_HOME_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_HOME_VIEW);

  G_OBJECT_CLASS (kouan_home_view_parent_class)->dispose (object);
}

static void
kouan_home_view_finalize (GObject *object)
{
  KouanHomeView *self = KOUAN_HOME_VIEW (object);

  g_clear_object (&self->enterprise);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->slides, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_home_view_parent_class)->finalize (object);
}

static void
kouan_home_view_class_init (KouanHomeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_home_view_dispose;
  object_class->finalize = kouan_home_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouan-home-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (KOUAN_TYPE_SHOWCASE_CAROUSEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-home-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, avatar);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, carousel);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, certification_label);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, empty_hint);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, links_empty);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, links_list);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, name_label);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, news_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanHomeView, scrolled);
}

static void
kouan_home_view_init (KouanHomeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->slides = g_ptr_array_new ();
  self->links = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, texture_free);
  self->cancellable = g_cancellable_new ();

  show_header (self);
  show_links (self, NULL);
  gtk_stack_set_visible_child_name (GTK_STACK (self->news_stack), "empty");
}

GtkWidget *
kouan_home_view_new (void)
{
  return g_object_new (KOUAN_TYPE_HOME_VIEW, NULL);
}

void
kouan_home_view_set_store (KouanHomeView *self,
                           KouanStore    *store)
{
  g_return_if_fail (KOUAN_IS_HOME_VIEW (self));

  if (store == self->store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  /* weak: the window may drop its store before its views go */
  g_set_weak_pointer (&self->store, store);
  if (store != NULL)
    self->store_changed_id = g_signal_connect_object (store, "changed",
                                                      G_CALLBACK (on_store_changed), self, 0);
  reload (self, NULL);
}

void
kouan_home_view_set_enterprise (KouanHomeView   *self,
                                KouanEnterprise *enterprise,
                                gboolean         can_manage)
{
  gint64 enterprise_id;

  g_return_if_fail (KOUAN_IS_HOME_VIEW (self));

  enterprise_id = enterprise != NULL ? kouan_enterprise_get_id (enterprise) : 0;
  /* The window calls this whenever permissions may have moved; rebuilding
   * the carousel then would throw the reader back to the first slide. */
  if (enterprise == self->enterprise && enterprise_id == self->enterprise_id)
    {
      self->can_manage = can_manage;
      gtk_widget_set_visible (self->empty_hint, can_manage);
      return;
    }
  g_set_object (&self->enterprise, enterprise);
  self->can_manage = can_manage;
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

KouanShowcaseCarousel *
kouan_home_view_get_carousel (KouanHomeView *self)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), NULL);
  return KOUAN_SHOWCASE_CAROUSEL (self->carousel);
}

guint
kouan_home_view_get_n_links (KouanHomeView *self)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), 0);
  return self->links->len;
}

GtkWidget *
kouan_home_view_get_link_button (KouanHomeView *self,
                                 guint          index)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), NULL);
  return index < self->links->len ? g_ptr_array_index (self->links, index) : NULL;
}

gboolean
kouan_home_view_get_empty_visible (KouanHomeView *self)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->news_stack)), "empty") == 0 &&
         gtk_widget_get_mapped (self->news_stack);
}

GtkWidget *
kouan_home_view_get_empty_hint (KouanHomeView *self)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), NULL);
  return self->empty_hint;
}
