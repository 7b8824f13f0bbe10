/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-accessible.h"

#include <glib/gi18n.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-personal.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "kouan-window-private.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-view.h"
#include "kouan-store-access.h"
#include "personal/kouan-personal-page.h"
#include "home/kouan-home-view.h"
#include "insurance/kouan-insurance-view.h"
#include "messages/kouan-messages-view.h"
#include "widgets/kouan-sync-indicator.h"
#include "widgets/kouan-unavailable-page.h"

/* Kept with the account's cache: the enterprise shown last. */
#define META_ENTERPRISE_ID "enterprise-id"

G_DEFINE_FINAL_TYPE (KouanWindow, kouan_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_admin_area (KouanWindow *self);
static void update_home_area (KouanWindow *self);
static void on_store_changed (KouanWindow *self, const char *collection, gint64 enterprise_id);

static const char *
area_title (const char *area)
{
  static const struct { const char *area; const char *title; } titles[] = {
    { "home",      N_("Home") },
    { "notices",   N_("Notices") },
    { "warnings",  N_("Warnings") },
    { "personal",  N_("Personal Center") },
    { "admin",     N_("Administrator Center") },
    { "insurance", N_("Credit Insurance") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].area, area) == 0)
      return _(titles[i].title);

  return _("Kouan");
}

static void
update_badge (GtkWidget        *badge,
              GtkWidget        *row,
              KouanMessageKind  kind,
              guint             unread)
{
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  const char *name = kind == KOUAN_MESSAGE_KIND_NOTICE ? _("Notices") : _("Warnings");

  /* A pill wider than the sidebar helps nobody; the tab shows the exact count. */
  text = unread > 999 ? g_strdup ("999+") : g_strdup_printf ("%u", unread);
  gtk_label_set_label (GTK_LABEL (badge), text);
  gtk_widget_set_visible (badge, unread > 0);

  /* Translators: a sidebar entry read by screen readers, e.g. "Notices, 12 unread" */
  accessible = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u unread", "%s, %u unread", unread),
                                name, unread);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_unread_count_changed (KouanWindow *self)
{
  update_badge (self->notices_badge, self->notices_row, KOUAN_MESSAGE_KIND_NOTICE,
                kouan_messages_view_get_unread_count (KOUAN_MESSAGES_VIEW (self->notices_view)));
  /* only the warnings of the severity chosen count (issue 15) */
  update_badge (self->warnings_badge, self->warnings_row, KOUAN_MESSAGE_KIND_WARNING,
                kouan_messages_view_get_badge_count (KOUAN_MESSAGES_VIEW (self->warnings_view)));
}

static void
on_sync_state_changed (KouanWindow *self)
{
  KouanSyncState state = kouan_sync_get_state (self->sync);

  switch (state)
    {
    case KOUAN_SYNC_STATE_OFFLINE:
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->offline_banner), TRUE);
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->unauthorized_banner), FALSE);
      break;
    case KOUAN_SYNC_STATE_UNAUTHORIZED:
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->offline_banner), FALSE);
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->unauthorized_banner), TRUE);
      break;
    case KOUAN_SYNC_STATE_SYNCING:
    case KOUAN_SYNC_STATE_ONLINE:
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->offline_banner), FALSE);
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->unauthorized_banner), FALSE);
      break;
    case KOUAN_SYNC_STATE_CONNECTING:
    default:
      /* Keep what is shown: a retry that has not reached the server yet
       * must not make the banner flicker. */
      break;
    }

  _kouan_window_actions_update (self);
}

static void
on_warning_received (KouanWindow *self,
                     gint64       message_id,
                     KouanSync   *sync)
{
  _kouan_window_queue_warning_notification (self, message_id);
}

/* Areas change when a row is activated (click, Enter, Space), never when
 * focus merely moves through the sidebar. Folded, the content replaces
 * the sidebar. */
static void
on_sidebar_row_activated (GtkListBox    *sidebar,
                          GtkListBoxRow *row,
                          KouanWindow   *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->content_pane);
}

/* The sidebar's highlight shows the current area, whatever keyboard focus
 * did to the selection meanwhile. */
static void
select_area_row (KouanWindow *self,
                 const char  *area)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->sidebar));

  if (selected != NULL && g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (selected)), area) == 0)
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (self->sidebar);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), area) == 0)
      {
        gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar), GTK_LIST_BOX_ROW (child));
        return;
      }
}

static void
on_sidebar_row_selected (GtkListBox    *sidebar,
                         GtkListBoxRow *row,
                         KouanWindow   *self)
{
  const char *area;

  /* rows are selected while the template is still being built */
  if (self->stack == NULL)
    return;
  area = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  if (area != NULL && (row == NULL || g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (row)), area) != 0))
    select_area_row (self, area);
}

static void
on_leaflet_folded_changed (KouanWindow *self)
{
  /* Unfolded, both panes show; folded, the area being read stays. */
  if (adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet)))
    adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->content_pane);
}

static void
on_stack_visible_child_changed (KouanWindow *self)
{
  const char *area = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  g_autofree char *title = NULL;

  if (area == NULL)
    return;

  select_area_row (self, area);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->content_title), area_title (area));
  /* Translators: the window title, e.g. "Notices — Kouan" */
  title = g_strdup_printf (_("%s — Kouan"), area_title (area));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* "消息中心" heads the two message areas; a line separates the rest. */
static void
sidebar_header_func (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  const char *name = gtk_widget_get_name (GTK_WIDGET (row));

  if (gtk_list_box_row_get_header (row) != NULL)
    return;

  if (g_strcmp0 (name, "notices") == 0)
    {
      GtkWidget *heading = gtk_label_new (_("Message Center"));

      gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
      gtk_widget_add_css_class (heading, "sidebar-heading");
      gtk_widget_add_css_class (heading, "dim-label");
      gtk_widget_add_css_class (heading, "heading");
      gtk_list_box_row_set_header (row, heading);
    }
  else if (g_strcmp0 (name, "personal") == 0)
    {
      GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

      gtk_widget_set_margin_top (separator, 6);
      gtk_widget_set_margin_bottom (separator, 6);
      gtk_list_box_row_set_header (row, separator);
    }
}

static char *
enterprise_name (KouanEnterprise *enterprise)
{
  return enterprise != NULL ? g_strdup (kouan_enterprise_get_name (enterprise)) : NULL;
}

/* The switcher's list shows, under each name, whether the enterprise is
 * certified and its credit code, to tell apart similar names. */
static void
enterprise_item_setup (GtkSignalListItemFactory *factory,
                       GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_xalign (GTK_LABEL (details), 0.0);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), details);
  gtk_list_item_set_child (item, box);
}

static void
enterprise_item_bind (GtkSignalListItemFactory *factory,
                      GtkListItem              *item)
{
  KouanEnterprise *enterprise = gtk_list_item_get_item (item);
  GtkWidget *name = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *details = gtk_widget_get_next_sibling (name);
  const char *credit_code = kouan_enterprise_get_credit_code (enterprise);
  g_autofree char *text = NULL;

  gtk_label_set_label (GTK_LABEL (name), kouan_enterprise_get_name (enterprise));
  /* Translators: "Certified · 91310000MA1FL0XX1A" (a unified social credit code) */
  text = g_strdup_printf (_("%s · %s"),
                          kouan_enterprise_get_certified (enterprise) ? _("Certified")
                                                                      : _("Not certified"),
                          credit_code != NULL ? credit_code : "");
  gtk_label_set_label (GTK_LABEL (details), text);
}

/* The user left an enterprise in the personal center: it leaves the
 * switcher too (the selection, and with it every view, moves on). */
static void
on_enterprise_left (KouanWindow *self,
                    gint64       enterprise_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

      if (kouan_enterprise_get_id (enterprise) == enterprise_id)
        {
          g_list_store_remove (self->enterprises, i);
          break;
        }
    }
  gtk_widget_set_sensitive (self->enterprise_dropdown,
                            g_list_model_get_n_items (G_LIST_MODEL (self->enterprises)) > 1);
}

static void
on_enterprise_joined (KouanWindow     *self,
                      KouanEnterprise *enterprise)
{
  g_list_store_append (self->enterprises, enterprise);
  gtk_widget_set_sensitive (self->enterprise_dropdown,
                            g_list_model_get_n_items (G_LIST_MODEL (self->enterprises)) > 1);
}

static void
on_enterprise_selected (KouanWindow *self)
{
  KouanEnterprise *enterprise = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (self->enterprise_dropdown));

  if (enterprise != NULL)
    kouan_window_set_enterprise_id (self, kouan_enterprise_get_id (enterprise));
}

static void
save_enterprise_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  KouanStore *store = source_object;
  g_autoptr(GError) error = NULL;

  if (!kouan_store_set_meta (store, META_ENTERPRISE_ID, task_data, &error))
    g_debug ("Remembering the enterprise failed: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
remember_enterprise (KouanWindow *self,
                     gint64       enterprise_id)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;

  /* A SQLite write; keep it off the main thread. */
  task = g_task_new (self->store, NULL, NULL, NULL);
  g_task_set_source_tag (task, remember_enterprise);
  g_task_set_task_data (task, g_strdup_printf ("%" G_GINT64_FORMAT, enterprise_id), g_free);
  g_task_run_in_thread (task, save_enterprise_thread);
}

static void
kouan_window_save_size (KouanWindow *self)
{
  int width, height;

  if (self->settings == NULL ||
      gtk_window_is_maximized (GTK_WINDOW (self)) ||
      gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Before the window is torn down: keep its size, and stop the bindings
 * so pages leaving the stack do not overwrite the last area. */
static void
kouan_window_unbind_settings (KouanWindow *self)
{
  if (self->settings == NULL)
    return;

  kouan_window_save_size (self);
  g_settings_unbind (self, "maximized");
  g_settings_unbind (self->stack, "visible-child-name");
  g_settings_unbind (self->warnings_view, "min-severity");
  g_settings_unbind (self->warnings_view, "sort");
  g_clear_object (&self->settings);
}

static gboolean
kouan_window_close_request (GtkWindow *window)
{
  KouanWindow *self = KOUAN_WINDOW (window);

  kouan_window_unbind_settings (self);

  /* The session ends with its window: stop talking to the server now
   * rather than when the last reference goes. */
  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    kouan_sync_stop (self->sync);

  return GTK_WINDOW_CLASS (kouan_window_parent_class)->close_request (window);
}

/* The keyboard focus stays on screen. Code may put the focus into a page
 * that is not (or no longer) shown: a save that fails its check focuses
 * the field at fault, and issue 16's soak test pressed 保存 on the
 * personal center as it faded out. Keys would then go to a field nobody
 * sees, and GTK 4.8 leaves that field's cursor blinking over the
 * selection it makes there (gtk_text_recompute returns before
 * gtk_text_check_cursor_blink while the text is unmapped): the warning
 * "GtkText - unexpected blinking selection" when the page returns. So
 * when the focus widget is unmapped, or gets the focus unmapped, while
 * the window is mapped, the focus moves to the area on screen. */
static gboolean
refocus_idle (gpointer user_data)
{
  KouanWindow *self = user_data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *area = gtk_stack_get_visible_child (GTK_STACK (self->stack));

  self->refocus_source = 0;
  if (focus == NULL || gtk_widget_get_mapped (focus) || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;
  if (area == NULL || !gtk_widget_child_focus (area, GTK_DIR_TAB_FORWARD))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  return G_SOURCE_REMOVE;
}

/* Before the next frame: a cursor that blinks there would warn. */
static void
on_focus_widget_unmapped (KouanWindow *self)
{
  if (self->refocus_source == 0)
    self->refocus_source = g_idle_add_full (G_PRIORITY_HIGH, refocus_idle, self, NULL);
}

static void
on_focus_widget_changed (KouanWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == self->focus_watched)
    return;
  if (self->focus_watched != NULL)
    g_signal_handlers_disconnect_by_func (self->focus_watched, on_focus_widget_unmapped, self);
  g_set_weak_pointer (&self->focus_watched, focus);
  if (focus == NULL)
    return;
  g_signal_connect_swapped (focus, "unmap", G_CALLBACK (on_focus_widget_unmapped), self);
  if (!gtk_widget_get_mapped (focus))
    on_focus_widget_unmapped (self);
}

/* and after every frame, whatever way the focus got there */
static void
on_after_paint (KouanWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && !gtk_widget_get_mapped (focus))
    on_focus_widget_unmapped (self);
}

static void
on_realize (KouanWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (on_after_paint), self, G_CONNECT_SWAPPED);
}

static void
on_unrealize (KouanWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, on_after_paint, self);
}

static void
kouan_window_dispose (GObject *object)
{
  KouanWindow *self = KOUAN_WINDOW (object);

  if (self->focus_watched != NULL)
    g_signal_handlers_disconnect_by_func (self->focus_watched, on_focus_widget_unmapped, self);
  g_clear_weak_pointer (&self->focus_watched);
  g_clear_handle_id (&self->refocus_source, g_source_remove);
  kouan_window_unbind_settings (self);
  g_cancellable_cancel (self->cancellable);
  _kouan_window_card_dispose (self);
  g_clear_handle_id (&self->notify_source, g_source_remove);

  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      kouan_sync_stop (self->sync);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_WINDOW);

  g_clear_object (&self->sync);
  g_clear_object (&self->enterprises);
  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kouan_window_parent_class)->dispose (object);
}

static void
kouan_window_finalize (GObject *object)
{
  KouanWindow *self = KOUAN_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->session, kouan_session_free);
  g_clear_pointer (&self->new_warnings, g_array_unref);

  G_OBJECT_CLASS (kouan_window_parent_class)->finalize (object);
}

static void
kouan_window_class_init (KouanWindowClass *klass)
{
  kouan_accessible_install_fixes ();

  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kouan_window_dispose;
  object_class->finalize = kouan_window_finalize;
  window_class->close_request = kouan_window_close_request;

  g_type_ensure (KOUAN_TYPE_SYNC_INDICATOR);
  g_type_ensure (KOUAN_TYPE_UNAVAILABLE_PAGE);
  g_type_ensure (KOUAN_TYPE_MESSAGES_VIEW);
  g_type_ensure (KOUAN_TYPE_ADMIN_VIEW);
  g_type_ensure (KOUAN_TYPE_INSURANCE_VIEW);
  g_type_ensure (KOUAN_TYPE_HOME_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, card_session_label);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, enterprise_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, notices_badge);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, notices_row);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, personal_page);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, admin_row);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, admin_view);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, unauthorized_banner);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, user_name_label);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, warnings_badge);
  gtk_widget_class_bind_template_child (widget_class, KouanWindow, warnings_row);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_changed);

  _kouan_window_install_actions (widget_class);
  _kouan_window_card_install_actions (widget_class);
}

static void
kouan_window_init (KouanWindow *self)
{
  g_autoptr(GtkExpression) name_expression = NULL;
  g_autoptr(GtkListItemFactory) list_factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self, "notify::focus-widget", G_CALLBACK (on_focus_widget_changed), self);
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);
  g_signal_connect (self, "unrealize", G_CALLBACK (on_unrealize), NULL);

  self->cancellable = g_cancellable_new ();
  self->new_warnings = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->enterprises = g_list_store_new (KOUAN_TYPE_ENTERPRISE);
  kouan_admin_enterprise_add_pages (KOUAN_ADMIN_VIEW (self->admin_view));

  /* The views' kind is a construct-time choice, so they are made here
   * rather than in the template. Message areas come first in the stack. */
  self->notices_view = kouan_messages_view_new (KOUAN_MESSAGE_KIND_NOTICE);
  self->warnings_view = kouan_messages_view_new (KOUAN_MESSAGE_KIND_WARNING);
  gtk_stack_add_titled (GTK_STACK (self->stack), self->notices_view, "notices", _("Notices"));
  gtk_stack_add_titled (GTK_STACK (self->stack), self->warnings_view, "warnings", _("Warnings"));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "notices");
  g_signal_connect_object (self->notices_view, "notify::unread-count",
                           G_CALLBACK (on_unread_count_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->warnings_view, "notify::badge-count",
                           G_CALLBACK (on_unread_count_changed), self, G_CONNECT_SWAPPED);

  gtk_list_box_set_header_func (GTK_LIST_BOX (self->sidebar), sidebar_header_func, NULL, NULL);

  name_expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                 G_CALLBACK (enterprise_name), NULL, NULL);
  gtk_drop_down_set_expression (GTK_DROP_DOWN (self->enterprise_dropdown), name_expression);
  list_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (list_factory, "setup", G_CALLBACK (enterprise_item_setup), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (enterprise_item_bind), NULL);
  gtk_drop_down_set_list_factory (GTK_DROP_DOWN (self->enterprise_dropdown), list_factory);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->enterprise_dropdown), G_LIST_MODEL (self->enterprises));

  on_unread_count_changed (self);
  update_admin_area (self);
  on_stack_visible_child_changed (self);
}

static gint64
initial_enterprise_id (KouanWindow *self)
{
  g_autofree char *saved = NULL;
  g_autoptr(KouanEnterprise) first = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));

  if (n == 0)
    return 0;

  /* One small keyed read while the window is built, before the first frame. */
  saved = self->store != NULL ? kouan_store_get_meta (self->store, META_ENTERPRISE_ID) : NULL;
  if (saved != NULL)
    {
      gint64 id = g_ascii_strtoll (saved, NULL, 10);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

          if (kouan_enterprise_get_id (enterprise) == id)
            return id;
        }
    }

  first = g_list_model_get_item (G_LIST_MODEL (self->enterprises), 0);
  return kouan_enterprise_get_id (first);
}

static void
kouan_window_bind_settings (KouanWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (KOUAN_IS_APPLICATION (app) && kouan_application_get_settings (KOUAN_APPLICATION (app)) != NULL)
    self->settings = g_object_ref (kouan_application_get_settings (KOUAN_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  /* An enum key holds its nick, which is the stack page name. */
  g_settings_bind (self->settings, "last-area", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
  /* the warnings' severity filter and order, chosen in their toolbar */
  g_settings_bind (self->settings, "warning-min-severity", self->warnings_view, "min-severity",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "warning-sort", self->warnings_view, "sort",
                   G_SETTINGS_BIND_DEFAULT);
}

/* The header shows the name the profile has now: the session's copy is
 * only what the server said at login, and the user may rename
 * themselves (here or on another device) during the session. */
static void
update_user_name (KouanWindow *self)
{
  g_autoptr(KouanProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;

  if (self->store != NULL)
    profile = kouan_store_get_profile (self->store, self->session->user_id, &error);
  if (error != NULL)
    g_debug ("Cannot read the profile for the header: %s", error->message);
  if (profile != NULL && profile->name != NULL && *profile->name != '\0')
    name = profile->name;
  else if (self->session->name != NULL && *self->session->name != '\0')
    name = self->session->name;
  else
    name = self->session->account;
  gtk_label_set_label (GTK_LABEL (self->user_name_label), name != NULL ? name : "");
}

static void
kouan_window_set_session (KouanWindow  *self,
                          KouanClient  *client,
                          KouanStore   *store,
                          KouanSession *session)
{
  g_autofree char *tooltip = NULL;

  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->session = session;

  update_user_name (self);
  /* Translators: %s is the account name, e.g. demo-admin */
  tooltip = g_strdup_printf (_("Logged in as %s"), session->account ? session->account : "");
  gtk_widget_set_tooltip_text (self->user_name_label, tooltip);
  /* The avatar sits before the name in the header bar; the personal
   * center keeps it up to date. */
  gtk_widget_insert_before (kouan_personal_page_create_header_avatar (KOUAN_PERSONAL_PAGE (self->personal_page)),
                            gtk_widget_get_parent (self->user_name_label), self->user_name_label);
  kouan_personal_page_set_context (KOUAN_PERSONAL_PAGE (self->personal_page), client, store,
                                   session->user_id, session->account);
  g_signal_connect_object (self->personal_page, "enterprise-left",
                           G_CALLBACK (on_enterprise_left), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->personal_page, "enterprise-joined",
                           G_CALLBACK (on_enterprise_joined), self, G_CONNECT_SWAPPED);
  _kouan_window_card_setup (self);

  for (guint i = 0; session->enterprises != NULL && i < session->enterprises->len; i++)
    g_list_store_append (self->enterprises, g_ptr_array_index (session->enterprises, i));
  gtk_widget_set_sensitive (self->enterprise_dropdown,
                            g_list_model_get_n_items (G_LIST_MODEL (self->enterprises)) > 1);

  kouan_messages_view_set_store (KOUAN_MESSAGES_VIEW (self->notices_view), store);
  kouan_messages_view_set_store (KOUAN_MESSAGES_VIEW (self->warnings_view), store);
  kouan_insurance_view_set_store (KOUAN_INSURANCE_VIEW (gtk_stack_get_child_by_name (GTK_STACK (self->stack), "insurance")), store);
  kouan_home_view_set_store (KOUAN_HOME_VIEW (gtk_stack_get_child_by_name (GTK_STACK (self->stack), "home")), store);

  if (store != NULL)
    {
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "outbox-changed", G_CALLBACK (_kouan_window_outbox_changed),
                               self, G_CONNECT_SWAPPED);
    }
  self->sync = kouan_sync_new (client, store);
  g_signal_connect_object (self->sync, "notify::state",
                           G_CALLBACK (on_sync_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "warning-received",
                           G_CALLBACK (on_warning_received), self, G_CONNECT_SWAPPED);
  kouan_sync_indicator_set_sync (KOUAN_SYNC_INDICATOR (self->sync_indicator), self->sync);

  kouan_window_set_enterprise_id (self, initial_enterprise_id (self));
  g_signal_connect_object (self->enterprise_dropdown, "notify::selected",
                           G_CALLBACK (on_enterprise_selected), self, G_CONNECT_SWAPPED);

  on_sync_state_changed (self);
  _kouan_window_outbox_changed (self);
  kouan_sync_start (self->sync);
}

KouanWindow *
kouan_window_new (GtkApplication *app,
                  KouanClient    *client,
                  KouanStore     *store,
                  KouanSession   *session)
{
  KouanWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (KOUAN_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  self = g_object_new (KOUAN_TYPE_WINDOW, "application", app, NULL);
  kouan_window_bind_settings (self);
  kouan_window_set_session (self, client, store, session);

  return self;
}

KouanSync *
kouan_window_get_sync (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), NULL);

  return self->sync;
}

KouanStore *
kouan_window_get_store (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), NULL);

  return self->store;
}

KouanClient *
kouan_window_get_client (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), NULL);

  return self->client;
}

const char *
kouan_window_get_account (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), NULL);

  return self->session != NULL ? self->session->account : NULL;
}

KouanMessagesView *
kouan_window_get_messages_view (KouanWindow      *self,
                                KouanMessageKind  kind)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), NULL);

  return KOUAN_MESSAGES_VIEW (kind == KOUAN_MESSAGE_KIND_WARNING ? self->warnings_view
                                                                 : self->notices_view);
}

void
kouan_window_show_area (KouanWindow *self,
                        const char  *area)
{
  g_return_if_fail (KOUAN_IS_WINDOW (self));
  g_return_if_fail (area != NULL);

  if (gtk_stack_get_child_by_name (GTK_STACK (self->stack), area) == NULL)
    {
      g_warning ("No area called “%s”", area);
      return;
    }

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), area);
}

/* 首页 shows the enterprise's showcase to every member; only those who
 * may edit it are told where to add news when there is none.  It runs
 * with the admin area, which knows the member's permissions. */
static void
update_home_area (KouanWindow *self)
{
  GtkWidget *home = gtk_stack_get_child_by_name (GTK_STACK (self->stack), "home");
  g_autoptr(KouanEnterprise) shown = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));

  for (guint i = 0; i < n && shown == NULL; i++)
    {
      g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

      if (kouan_enterprise_get_id (enterprise) == self->enterprise_id)
        shown = g_steal_pointer (&enterprise);
    }
  kouan_home_view_set_enterprise (KOUAN_HOME_VIEW (home), shown,
                                  kouan_admin_view_allows (KOUAN_ADMIN_VIEW (self->admin_view),
                                                           "admin.showcase:manage"));
}

/* The admin area follows the member's permissions in the enterprise
 * shown; its sidebar row is hidden when no admin menu is allowed. */
static void
update_admin_area (KouanWindow *self)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (self->admin_view);
  const char * const *permissions = NULL;
  g_auto(GStrv) synced = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

      if (kouan_enterprise_get_id (enterprise) == self->enterprise_id)
        permissions = kouan_enterprise_get_permissions (enterprise);
    }
  /* the access record synced since the login is newer than the login */
  if (self->store != NULL && self->enterprise_id != 0)
    synced = kouan_store_access_get_permissions (self->store, self->enterprise_id);
  if (synced != NULL)
    permissions = (const char * const *) synced;

  kouan_admin_view_set_client (admin, self->client);
  kouan_admin_view_set_permissions (admin, permissions);
  /* a message's actions are offered only where the member may go */
  kouan_messages_view_set_permissions (KOUAN_MESSAGES_VIEW (self->notices_view), permissions);
  kouan_messages_view_set_permissions (KOUAN_MESSAGES_VIEW (self->warnings_view), permissions);
  kouan_admin_view_set_enterprise_id (admin, self->enterprise_id);
  gtk_widget_set_visible (self->admin_row, kouan_admin_view_get_any_visible (admin));
  update_home_area (self);

  if (!kouan_admin_view_get_any_visible (admin) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), "admin") == 0)
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "notices");
}

/* The switcher's entries (name, certification) come from the login; the
 * enterprise records synced since are newer. Each entry the window lists
 * takes the cached name, credit code and certification and keeps its
 * roles and permissions (from the login); which enterprises are listed
 * follows the session (enterprise-left, enterprise-joined), not the
 * cache, which keeps the enterprises it once synced. */
static void
refresh_enterprises (KouanWindow *self)
{
  g_autoptr(GPtrArray) cached = NULL;
  g_autoptr(GError) error = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));
  gboolean changed = FALSE;

  cached = kouan_store_list_enterprises (self->store, &error);
  if (cached == NULL)
    {
      g_debug ("Cannot read the enterprises for the switcher: %s", error->message);
      return;
    }

  g_signal_handlers_block_by_func (self->enterprise_dropdown, on_enterprise_selected, self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanEnterprise) listed = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

      for (guint j = 0; j < cached->len; j++)
        {
          KouanEnterprise *fresh = g_ptr_array_index (cached, j);
          g_autoptr(JsonObject) membership = NULL;
          g_autoptr(KouanEnterprise) updated = NULL;
          JsonObject *record;

          if (kouan_enterprise_get_id (fresh) != kouan_enterprise_get_id (listed))
            continue;
          if (g_strcmp0 (kouan_enterprise_get_name (fresh), kouan_enterprise_get_name (listed)) == 0 &&
              g_strcmp0 (kouan_enterprise_get_credit_code (fresh), kouan_enterprise_get_credit_code (listed)) == 0 &&
              kouan_enterprise_get_certified (fresh) == kouan_enterprise_get_certified (listed))
            break;
          membership = kouan_enterprise_to_membership_json (listed);
          record = json_object_get_object_member (membership, "enterprise");
          json_object_set_string_member (record, "name", kouan_enterprise_get_name (fresh));
          json_object_set_string_member (record, "credit_code", kouan_enterprise_get_credit_code (fresh));
          json_object_set_boolean_member (record, "certified", kouan_enterprise_get_certified (fresh));
          updated = kouan_enterprise_new_from_membership (membership, &error);
          if (updated == NULL)
            {
              g_debug ("Cannot update enterprise %" G_GINT64_FORMAT ": %s",
                       kouan_enterprise_get_id (listed), error->message);
              g_clear_error (&error);
              break;
            }
          g_list_store_splice (self->enterprises, i, 1, (gpointer *) &updated, 1);
          changed = TRUE;
          break;
        }
    }
  if (changed)
    {
      /* replacing the selected entry may have moved the selection */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(KouanEnterprise) listed = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

          if (kouan_enterprise_get_id (listed) == self->enterprise_id)
            gtk_drop_down_set_selected (GTK_DROP_DOWN (self->enterprise_dropdown), i);
        }
    }
  g_signal_handlers_unblock_by_func (self->enterprise_dropdown, on_enterprise_selected, self);
  if (changed)
    update_home_area (self);
}

static void
on_store_changed (KouanWindow *self,
                  const char  *collection,
                  gint64       enterprise_id)
{
  if (g_strcmp0 (collection, "access") == 0 && enterprise_id == self->enterprise_id)
    update_admin_area (self);
  else if (g_strcmp0 (collection, "profile") == 0)
    update_user_name (self);
  else if (g_strcmp0 (collection, "enterprise") == 0)
    refresh_enterprises (self);
}

void
kouan_window_add_toast (KouanWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (KOUAN_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toast_overlay), toast);
}

gint64
kouan_window_get_enterprise_id (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), 0);

  return self->enterprise_id;
}

void
kouan_window_set_enterprise_id (KouanWindow *self,
                                gint64       enterprise_id)
{
  guint n;

  g_return_if_fail (KOUAN_IS_WINDOW (self));

  /* Keep the switcher showing the enterprise, whoever changed it. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->enterprises));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (G_LIST_MODEL (self->enterprises), i);

      if (kouan_enterprise_get_id (enterprise) == enterprise_id &&
          gtk_drop_down_get_selected (GTK_DROP_DOWN (self->enterprise_dropdown)) != i)
        {
          /* Re-enters through notify::selected, which lands below. */
          gtk_drop_down_set_selected (GTK_DROP_DOWN (self->enterprise_dropdown), i);
          break;
        }
    }

  if (self->enterprise_id == enterprise_id && self->enterprise_id != 0)
    return;

  self->enterprise_id = enterprise_id;

  if (self->sync != NULL)
    kouan_sync_set_enterprise_id (self->sync, enterprise_id);
  update_admin_area (self);
  kouan_messages_view_set_enterprise_id (KOUAN_MESSAGES_VIEW (self->notices_view), enterprise_id);
  kouan_messages_view_set_enterprise_id (KOUAN_MESSAGES_VIEW (self->warnings_view), enterprise_id);
  kouan_personal_page_set_enterprise_id (KOUAN_PERSONAL_PAGE (self->personal_page), enterprise_id);
  kouan_insurance_view_set_enterprise_id (KOUAN_INSURANCE_VIEW (gtk_stack_get_child_by_name (GTK_STACK (self->stack), "insurance")),
                                          enterprise_id);
  on_unread_count_changed (self);

  if (enterprise_id != 0)
    remember_enterprise (self, enterprise_id);
}

gboolean
kouan_window_get_offline_banner_visible (KouanWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (self->offline_banner));
}

const char *
_kouan_window_get_badge_text (KouanWindow      *self,
                              KouanMessageKind  kind)
{
  GtkWidget *badge = kind == KOUAN_MESSAGE_KIND_WARNING ? self->warnings_badge : self->notices_badge;

  return gtk_widget_get_visible (badge) ? gtk_label_get_label (GTK_LABEL (badge)) : NULL;
}

GtkDropDown *
_kouan_window_get_enterprise_dropdown (KouanWindow *self)
{
  return GTK_DROP_DOWN (self->enterprise_dropdown);
}

const char *
_kouan_window_get_visible_area (KouanWindow *self)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

GtkWidget *
_kouan_window_get_area_page (KouanWindow *self,
                             const char  *area)
{
  return gtk_stack_get_child_by_name (GTK_STACK (self->stack), area);
}

const char *
_kouan_window_get_user_name (KouanWindow *self)
{
  return gtk_label_get_label (GTK_LABEL (self->user_name_label));
}

const char *
_kouan_window_get_sync_text (KouanWindow *self)
{
  return kouan_sync_indicator_get_text (KOUAN_SYNC_INDICATOR (self->sync_indicator));
}

gboolean
_kouan_window_get_unauthorized_banner_visible (KouanWindow *self)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (self->unauthorized_banner));
}
