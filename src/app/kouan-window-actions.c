/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "kouan-window-private.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-staff.h"
#include "admin/kouan-admin-view.h"
#include "insurance/kouan-insurance-view.h"
#include "outbox/kouan-outbox-window.h"
#include "widgets/kouan-sync-indicator.h"

/* New warnings that arrive close together (a pull brings a page at once)
 * become one notification rather than a burst. */
#define NOTIFY_COALESCE_MS 800

static void
sync_now_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KouanWindow *self = KOUAN_WINDOW (widget);

  if (self->sync != NULL)
    kouan_sync_kick (self->sync);
}

/* The outbox button beside the sync status: there while edits wait, with
 * the number that wait for the user's decision (refused or in conflict). */
void
_kouan_window_outbox_changed (KouanWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint attention = 0;

  if (self->store != NULL)
    entries = kouan_store_list_outbox (self->store, 0, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KouanOutboxState state = kouan_outbox_entry_get_state (g_ptr_array_index (entries, i));

      attention += state == KOUAN_OUTBOX_REFUSED || state == KOUAN_OUTBOX_CONFLICT;
    }
  kouan_sync_indicator_set_outbox (KOUAN_SYNC_INDICATOR (self->sync_indicator),
                                   entries != NULL ? entries->len : 0, attention);
}

static void
on_outbox_destroyed (KouanWindow *self)
{
  g_object_set_data (G_OBJECT (self), "kouan-outbox-window", NULL);
}

/* The outbox (of every enterprise of the account: an edit made in one
 * still waits after switching): one window at a time, raised again when
 * asked twice. */
static void
show_outbox_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KouanWindow *self = KOUAN_WINDOW (widget);
  GtkWidget *outbox = g_object_get_data (G_OBJECT (self), "kouan-outbox-window");

  if (self->store == NULL)
    return;
  if (outbox == NULL)
    {
      outbox = kouan_outbox_window_new (GTK_WINDOW (self), self->store, 0);
      g_object_set_data (G_OBJECT (self), "kouan-outbox-window", outbox);
      g_signal_connect_object (outbox, "destroy", G_CALLBACK (on_outbox_destroyed), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (outbox));
}

static void
show_sidebar_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KouanWindow *self = KOUAN_WINDOW (widget);

  adw_leaflet_navigate (ADW_LEAFLET (self->leaflet), ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_area_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  kouan_window_show_area (KOUAN_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
toast (KouanWindow *self,
       const char  *text)
{
  kouan_window_add_toast (self, adw_toast_new (text));
}

/* A message's action (KouanMessageDetail's buttons): the area at the
 * object, when the member may open it (the detail shows no button
 * otherwise; a refused permission here is a stale button). */
void
_kouan_window_open_message_action (KouanWindow *self,
                                   const char  *area,
                                   const char  *object)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (self->admin_view);
  const char *permission = kouan_message_action_area_permission (area);
  const char *menu;
  GtkWidget *page;
  GtkWidget *target = NULL;

  if (permission == NULL || !kouan_admin_view_allows (admin, permission))
    {
      g_debug ("Message action %s not allowed", area);
      return;
    }

  if (g_str_equal (area, "insurance.policy"))
    {
      kouan_window_show_area (self, "insurance");
      if (!kouan_insurance_view_show_policy (KOUAN_INSURANCE_VIEW (_kouan_window_get_area_page (self, "insurance")),
                                             g_ascii_strtoll (object, NULL, 10)))
        toast (self, _("The policy is not on this computer yet. Try again once Kouan has synced."));
      return;
    }

  menu = area;
  kouan_window_show_area (self, "admin");
  kouan_admin_view_show_page (admin, menu);
  page = kouan_admin_view_get_page (admin, menu);
  if (page == NULL)
    return;

  if (KOUAN_IS_ADMIN_STAFF (page))
    {
      if (!kouan_admin_staff_show_member (KOUAN_ADMIN_STAFF (page), object))
        toast (self, _("The member is not in this enterprise’s list on this computer."));
      return;
    }
  if (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (page))
    target = kouan_admin_enterprise_page_get_entry (KOUAN_ADMIN_ENTERPRISE_PAGE (page), object);
  else if (KOUAN_IS_ADMIN_BUSINESS_PAGE (page))
    {
      /* a switch row is one Tab stop: the row takes the focus, not its switch */
      target = kouan_admin_business_page_get_switch (KOUAN_ADMIN_BUSINESS_PAGE (page), object);
      if (target != NULL)
        target = gtk_widget_get_ancestor (target, ADW_TYPE_ACTION_ROW);
    }
  /* the page is there either way; a field it does not have is only not focused */
  if (target != NULL)
    gtk_widget_grab_focus (target);
  else
    g_debug ("No field %s on %s", object, menu);
}

static void
open_message_action_activated (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  const char *area, *object;

  g_variant_get (parameter, "(&s&s)", &area, &object);
  _kouan_window_open_message_action (KOUAN_WINDOW (widget), area, object);
}

void
_kouan_window_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_activated);
  gtk_widget_class_install_action (widget_class, "win.show-area", "s", show_area_activated);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_activated);
  gtk_widget_class_install_action (widget_class, "win.show-outbox", NULL, show_outbox_activated);
  gtk_widget_class_install_action (widget_class, "win.open-message-action", "(ss)",
                                   open_message_action_activated);
}

void
_kouan_window_actions_update (KouanWindow *self)
{
  KouanSyncState state = self->sync != NULL ? kouan_sync_get_state (self->sync)
                                            : KOUAN_SYNC_STATE_UNAUTHORIZED;

  /* Syncing again cannot help while the server refuses the token. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now",
                                 state != KOUAN_SYNC_STATE_UNAUTHORIZED);
}

static void
send_warning_notification (KouanWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  gint64 target = 0;
  guint n = self->new_warnings->len;

  if (app == NULL || n == 0)
    return;

  /* Notifications go over the session bus; without one (a bare X server,
   * a test) there is nobody to show them. */
  if (g_application_get_dbus_connection (app) == NULL)
    {
      g_debug ("No session bus: %u new warnings not notified", n);
      return;
    }

  if (n == 1)
    {
      gint64 id = g_array_index (self->new_warnings, gint64, 0);
      g_autoptr(KouanMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      /* One row by primary key: well under the 5 ms a main-thread read may take. */
      message = kouan_store_get_message (self->store, self->enterprise_id, id, &error);
      if (message == NULL)
        {
          g_debug ("New warning %" G_GINT64_FORMAT " is gone: %s", id, error ? error->message : "");
          return;
        }

      notification = g_notification_new (_("New warning"));
      g_notification_set_body (notification, kouan_message_get_title (message));
      g_notification_set_priority (notification,
                                   kouan_message_get_severity (message) == KOUAN_SEVERITY_HIGH
                                   ? G_NOTIFICATION_PRIORITY_URGENT
                                   : G_NOTIFICATION_PRIORITY_HIGH);
      target = id;
    }
  else
    {
      g_autofree char *body = NULL;

      notification = g_notification_new (_("New warnings"));
      /* Translators: the body of a desktop notification */
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u new warning arrived for your enterprise.",
                                           "%u new warnings arrived for your enterprise.",
                                           n),
                              n);
      g_notification_set_body (notification, body);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
    }

  /* 0 opens the warnings area without choosing one. */
  g_notification_set_default_action_and_target (notification, "app.open-warning",
                                                "x", target);
  g_notification_add_button_with_target (notification, _("View"), "app.open-warning",
                                         "x", target);
  g_application_send_notification (app, "new-warning", notification);
}

static gboolean
flush_warning_notifications (gpointer user_data)
{
  KouanWindow *self = user_data;

  self->notify_source = 0;

  /* The user may have come back to the window meanwhile. */
  if (!gtk_window_is_active (GTK_WINDOW (self)))
    send_warning_notification (self);
  g_array_set_size (self->new_warnings, 0);

  return G_SOURCE_REMOVE;
}

void
_kouan_window_queue_warning_notification (KouanWindow *self,
                                          gint64       message_id)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    return;

  g_array_append_val (self->new_warnings, message_id);
  if (self->notify_source == 0)
    self->notify_source = g_timeout_add (NOTIFY_COALESCE_MS, flush_warning_notifications, self);
}
