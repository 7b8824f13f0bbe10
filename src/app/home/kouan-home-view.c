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

  /* children */
  GtkWidget       *scrolled;
  GtkWidget       *name_label;
  GtkWidget       *certification_label;
  GtkWidget       *news_stack;
  GtkWidget       *carousel;
  GtkWidget       *empty_hint;
  GtkWidget       *links_box;
  GtkWidget       *links_empty;

  /* owned */
  KouanEnterprise *enterprise;
  GPtrArray       *slides;      /* JsonObject, display order */
  GPtrArray       *links;       /* GtkWidget (buttons, borrowed from links_box) */
  GHashTable      *textures;    /* image id → GdkTexture, fetched once per enterprise */
  GCancellable    *cancellable;
  gint64           enterprise_id;
  gboolean         can_manage;

  /* weak */
  KouanStore      *store;
  gulong           store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanHomeView, kouan_home_view, GTK_TYPE_WIDGET)

/* ---- header --------------------------------------------------------- */

/* The name an administrator saved in 企业设置 wins over the one the login
 * reply carried, so a rename shows without logging in again; members who
 * may not see the settings keep the login's name. */
static void
show_header (KouanHomeView *self)
{
  g_autoptr(JsonObject) settings = NULL;
  const char *name = NULL;

  if (self->enterprise == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->name_label), _("No enterprise"));
      gtk_widget_set_visible (self->certification_label, FALSE);
      return;
    }
  if (self->store != NULL)
    settings = kouan_store_get_settings (self->store, self->enterprise_id,
                                         KOUAN_COLLECTION_ENTERPRISE_SETTINGS, self->enterprise_id, NULL);
  if (settings != NULL)
    name = json_object_get_string_member_with_default (settings, "name", NULL);
  if (name == NULL || *name == '\0')
    name = kouan_enterprise_get_name (self->enterprise);
  gtk_label_set_text (GTK_LABEL (self->name_label), name);

  gtk_widget_set_visible (self->certification_label, TRUE);
  gtk_label_set_text (GTK_LABEL (self->certification_label),
                      kouan_enterprise_get_certified (self->enterprise) ? _("Certified") : _("Not certified"));
  gtk_widget_remove_css_class (self->certification_label, "success");
  gtk_widget_remove_css_class (self->certification_label, "warning");
  gtk_widget_add_css_class (self->certification_label,
                            kouan_enterprise_get_certified (self->enterprise) ? "success" : "warning");
}

/* ---- slides --------------------------------------------------------- */

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

  /* A switch cancels the loads; one that finished meanwhile is dropped. */
  if (texture != NULL && load->enterprise_id == load->self->enterprise_id)
    {
      g_hash_table_replace (load->self->textures, g_memdup2 (&load->image_id, sizeof (gint64)), texture);
      show_textures (load->self);
    }
  else if (texture != NULL)
    g_object_unref (texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading slide image %" G_GINT64_FORMAT ": %s", load->image_id, error->message);
  g_object_unref (load->self);
  g_free (load);
}

static void
fetch_textures (KouanHomeView *self)
{
  g_autoptr(GHashTable) asked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);
      gint64 *image_id = NULL;
      ImageLoad *load;

      if (!json_object_has_member (slide, "image"))
        continue;
      image_id = g_new (gint64, 1);
      *image_id = json_object_get_int_member (slide, "image");
      /* the same picture on two slides is fetched once */
      if (*image_id <= 0 || g_hash_table_contains (self->textures, image_id) ||
          g_hash_table_contains (asked, image_id))
        {
          g_free (image_id);
          continue;
        }
      g_hash_table_add (asked, image_id);
      load = g_new0 (ImageLoad, 1);
      load->self = g_object_ref (self);
      load->enterprise_id = self->enterprise_id;
      load->image_id = *image_id;
      kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, *image_id,
                                    self->cancellable, on_texture_loaded, load);
    }
  show_textures (self);
}

static void
show_slides (KouanHomeView *self)
{
  KouanCarousel *carousel = KOUAN_CAROUSEL (self->carousel);

  kouan_carousel_clear (carousel);
  for (guint i = 0; i < self->slides->len; i++)
    {
      JsonObject *slide = g_ptr_array_index (self->slides, i);

      kouan_carousel_append (carousel, NULL,
                             json_object_get_string_member_with_default (slide, "caption", ""),
                             json_object_get_string_member_with_default (slide, "link", ""));
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->news_stack),
                                    self->slides->len > 0 ? "carousel" : "empty");
  gtk_widget_set_visible (self->empty_hint, self->can_manage);
  if (self->enterprise_id > 0)
    fetch_textures (self);
}

/* ---- links ---------------------------------------------------------- */

static void
on_link_clicked (GtkButton     *button,
                 KouanHomeView *self)
{
  const char *uri = g_object_get_data (G_OBJECT (button), "uri");

  if (uri != NULL && *uri != '\0')
    kouan_confirm_open_uri (GTK_WIDGET (self), uri);
}

static void
show_links (KouanHomeView *self,
            GPtrArray     *links)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->links_box)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->links_box), child);
  g_ptr_array_set_size (self->links, 0);

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      JsonObject *link = g_ptr_array_index (links, i);
      const char *title = json_object_get_string_member_with_default (link, "title", "");
      const char *url = json_object_get_string_member_with_default (link, "url", "");
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (*title != '\0' ? title : url);
      GtkWidget *icon = gtk_image_new_from_icon_name ("web-browser-symbolic");

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      /* where it goes, before the confirmation shows it again */
      gtk_widget_set_tooltip_text (button, url);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, *title != '\0' ? title : url,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, url,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "uri", g_strdup (url), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_link_clicked), self);
      gtk_flow_box_append (GTK_FLOW_BOX (self->links_box), button);
      /* one Tab stop per link: the button, not its flow box cell too */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
      g_ptr_array_add (self->links, button);
    }
  gtk_widget_set_visible (self->links_box, self->links->len > 0);
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

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "title-4");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  return label;
}

static void
kouan_home_view_dispose (GObject *object)
{
  KouanHomeView *self = KOUAN_HOME_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);

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
}

static void
kouan_home_view_init (KouanHomeView *self)
{
  GtkWidget *content, *header, *empty, *empty_icon, *empty_label;

  self->slides = g_ptr_array_new ();
  self->links = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Home"), -1);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (content, 24);
  gtk_widget_set_margin_bottom (content, 24);
  gtk_widget_set_margin_start (content, 24);
  gtk_widget_set_margin_end (content, 24);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), content);

  /* name and certification */
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->name_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->name_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->name_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->name_label), FALSE);
  gtk_widget_add_css_class (self->name_label, "title-1");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  self->certification_label = gtk_label_new (NULL);
  gtk_widget_set_valign (self->certification_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->certification_label, "heading");
  gtk_box_append (GTK_BOX (header), self->name_label);
  gtk_box_append (GTK_BOX (header), self->certification_label);
  gtk_box_append (GTK_BOX (content), header);

  /* 企业动态: the carousel, or an honest empty state */
  gtk_box_append (GTK_BOX (content), heading (_("Enterprise News")));
  self->news_stack = gtk_stack_new ();
  gtk_stack_set_vhomogeneous (GTK_STACK (self->news_stack), FALSE);
  self->carousel = kouan_carousel_new ();
  gtk_widget_set_size_request (self->carousel, -1, 320);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->carousel),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enterprise News"), -1);
  gtk_stack_add_named (GTK_STACK (self->news_stack), self->carousel, "carousel");

  empty = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (empty, 24);
  gtk_widget_set_margin_bottom (empty, 24);
  empty_icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (empty_icon), 48);
  gtk_widget_add_css_class (empty_icon, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (empty_icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  empty_label = gtk_label_new (_("No enterprise news yet"));
  gtk_widget_add_css_class (empty_label, "title-3");
  self->empty_hint = gtk_label_new (_("You can add them in Administrator Center → Enterprise Showcase."));
  gtk_label_set_wrap (GTK_LABEL (self->empty_hint), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->empty_hint), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->empty_hint, "dim-label");
  gtk_box_append (GTK_BOX (empty), empty_icon);
  gtk_box_append (GTK_BOX (empty), empty_label);
  gtk_box_append (GTK_BOX (empty), self->empty_hint);
  gtk_stack_add_named (GTK_STACK (self->news_stack), empty, "empty");
  gtk_stack_set_visible_child_name (GTK_STACK (self->news_stack), "empty");
  gtk_box_append (GTK_BOX (content), self->news_stack);

  /* 企业链接 */
  gtk_box_append (GTK_BOX (content), heading (_("Enterprise Links")));
  self->links_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->links_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->links_box), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->links_box), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->links_box), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->links_box), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->links_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enterprise Links"), -1);
  self->links_empty = gtk_label_new (_("No enterprise links yet"));
  gtk_label_set_xalign (GTK_LABEL (self->links_empty), 0.0);
  gtk_widget_add_css_class (self->links_empty, "dim-label");
  gtk_box_append (GTK_BOX (content), self->links_box);
  gtk_box_append (GTK_BOX (content), self->links_empty);

  show_header (self);
  show_links (self, NULL);
  gtk_widget_set_visible (self->empty_hint, FALSE);
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

KouanCarousel *
kouan_home_view_get_carousel (KouanHomeView *self)
{
  g_return_val_if_fail (KOUAN_IS_HOME_VIEW (self), NULL);
  return KOUAN_CAROUSEL (self->carousel);
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
