/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Warnings by severity and messages you can act on (issue 15), in the real
 * KouanWindow against a real kouan-server started with --demo, under
 * Xvfb: the severity filter changes the list and the sidebar badge and is
 * remembered, the severity order puts high first, and a message's action
 * buttons open the right page at the right object (the pending policy in
 * 信用保险, the 业务设置 switch and 企业设置 field of a tax warning, the
 * member of a grant expiry notice in 人员权限); an area the member may not
 * open offers no button. With KOUAN_SHOT_DIR set, the warnings with a tax
 * warning open are saved there as message-actions-WIDTH.png (wide and
 * 600 px), in the language of LANGUAGE with KOUAN_LOCALEDIR. */
#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-insurance.h"
#include "kouan-member.h"
#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "kouan-window-private.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-staff-private.h"
#include "admin/kouan-admin-view.h"
#include "insurance/kouan-insurance-policies.h"
#include "insurance/kouan-insurance-view.h"
#include "messages/kouan-message-detail.h"
#include "messages/kouan-messages-view.h"

typedef struct {
  gint64         id;
  KouanMessageKind kind;
  KouanSeverity  severity;
  gint64         created_at;
  gboolean       read;
  char          *category;
  JsonArray     *actions;
} ServerMessage;

typedef struct {
  KouanTestServer   *server;
  char              *tmpdir;
  GtkApplication    *app;
  KouanClient       *client;
  KouanStore        *store;
  KouanWindow       *window;
  KouanMessagesView *warnings;
  KouanMessagesView *notices;
  char              *token;
  gint64             enterprise_id;
  GPtrArray         *server_messages;   /* ServerMessage */
} Fixture;

static Fixture fixture;

static void
server_message_free (gpointer data)
{
  ServerMessage *message = data;

  g_free (message->category);
  g_clear_pointer (&message->actions, json_array_unref);
  g_free (message);
}

/* --- what the server says -------------------------------------------- */

/* The enterprise's messages as the test user sees them, from the feed. */
static void
read_server_messages (void)
{
  gint64 since = 0;
  gboolean more = TRUE;

  g_clear_pointer (&fixture.server_messages, g_ptr_array_unref);
  fixture.server_messages = g_ptr_array_new_with_free_func (server_message_free);
  while (more)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT
                                              "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                              kouan_test_server_get_url (fixture.server),
                                              fixture.enterprise_id, since);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *root;
      JsonArray *changes;
      gsize size;
      const char *data;

      g_assert_cmpuint (kouan_test_http ("GET", url, fixture.token, NULL, 0, &body), ==, 200);
      data = g_bytes_get_data (body, &size);
      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      changes = json_object_get_array_member (root, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonObject *record;
          ServerMessage *message;

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") != 0 ||
              !json_object_has_member (change, "record"))
            continue;
          record = json_object_get_object_member (change, "record");
          message = g_new0 (ServerMessage, 1);
          message->id = json_object_get_int_member (record, "id");
          kouan_message_kind_from_string (json_object_get_string_member (record, "kind"), &message->kind);
          if (!json_object_get_null_member (record, "severity"))
            kouan_severity_from_string (json_object_get_string_member (record, "severity"), &message->severity);
          message->created_at = json_object_get_int_member (record, "created_at");
          message->read = json_object_get_boolean_member (record, "read");
          message->category = g_strdup (json_object_get_string_member (record, "category"));
          message->actions = json_array_ref (json_object_get_array_member (record, "actions"));
          g_ptr_array_add (fixture.server_messages, message);
        }
      since = json_object_get_int_member (root, "cursor");
      more = json_object_get_boolean_member (root, "more");
    }
}

static guint
server_unread_warnings (KouanSeverity min)
{
  guint n = 0;

  for (guint i = 0; i < fixture.server_messages->len; i++)
    {
      ServerMessage *message = g_ptr_array_index (fixture.server_messages, i);

      n += message->kind == KOUAN_MESSAGE_KIND_WARNING && !message->read && message->severity >= min;
    }
  return n;
}

/* The first message whose first action leads to @area. */
static ServerMessage *
server_message_with_action (const char *area)
{
  for (guint i = 0; i < fixture.server_messages->len; i++)
    {
      ServerMessage *message = g_ptr_array_index (fixture.server_messages, i);

      if (json_array_get_length (message->actions) > 0 &&
          g_strcmp0 (json_object_get_string_member (json_array_get_object_element (message->actions, 0), "area"),
                     area) == 0)
        return message;
    }
  g_error ("the demo has no message with an action to %s", area);
  return NULL;
}

/* --- setup ----------------------------------------------------------- */

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KouanSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = kouan_client_login_finish (KOUAN_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static gboolean
window_has_enterprise (gpointer user_data)
{
  return kouan_window_get_enterprise_id (fixture.window) > 0;
}

/* Every message of the feed is in the cache. */
static gboolean
cache_has_everything (gpointer user_data)
{
  guint *expected = user_data;

  return kouan_sync_get_last_synced (kouan_window_get_sync (fixture.window)) > 0 &&
         kouan_store_count_messages (fixture.store, fixture.enterprise_id, KOUAN_MESSAGE_KIND_WARNING,
                                     KOUAN_READ_FILTER_ALL, FALSE) +
         kouan_store_count_messages (fixture.store, fixture.enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                     KOUAN_READ_FILTER_ALL, FALSE) == *expected &&
         kouan_messages_view_get_unread_count (fixture.warnings) == server_unread_warnings (KOUAN_SEVERITY_NONE);
}

static void
ensure_window (void)
{
  const char *server_args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  KouanSession *session = NULL;
  guint expected;

  if (fixture.window != NULL)
    return;

  fixture.server = kouan_test_server_start (server_args);
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-actions-XXXXXX", &error);
  g_assert_no_error (error);

  fixture.client = kouan_client_new (kouan_test_server_get_url (fixture.server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (fixture.client, "demo-admin", "kouan-demo", NULL, login_cb, &session);
  g_assert_true (kouan_test_wait_until (pointer_set, &session));
  fixture.token = g_strdup (session->token);

  store_path = g_build_filename (fixture.tmpdir, "store.db", NULL);
  fixture.store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);

  fixture.app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (fixture.app),
                                    "io.github.kouan.Kouan.TestMessageActions");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1100, 700);
  kouan_window_show_area (fixture.window, "warnings");
  gtk_window_present (GTK_WINDOW (fixture.window));

  fixture.warnings = kouan_window_get_messages_view (fixture.window, KOUAN_MESSAGE_KIND_WARNING);
  fixture.notices = kouan_window_get_messages_view (fixture.window, KOUAN_MESSAGE_KIND_NOTICE);
  g_assert_true (kouan_test_wait_until (window_has_enterprise, NULL));
  fixture.enterprise_id = kouan_window_get_enterprise_id (fixture.window);

  read_server_messages ();
  expected = fixture.server_messages->len;
  g_assert_cmpuint (server_unread_warnings (KOUAN_SEVERITY_HIGH), >, 0);
  g_assert_cmpuint (server_unread_warnings (KOUAN_SEVERITY_NONE), >, server_unread_warnings (KOUAN_SEVERITY_HIGH));
  g_assert_true (kouan_test_wait_until (cache_has_everything, &expected));
}

/* --- the widget tree ------------------------------------------------- */

static void
collect_dropdowns (GtkWidget *widget,
                   GPtrArray *out)
{
  if (GTK_IS_DROP_DOWN (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_dropdowns (child, out);
}

/* The view's drop-down offering @n_choices (3: severity, 2: order). */
static GtkDropDown *
find_dropdown (KouanMessagesView *view,
               guint              n_choices)
{
  g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();

  collect_dropdowns (GTK_WIDGET (view), dropdowns);
  for (guint i = 0; i < dropdowns->len; i++)
    {
      GtkDropDown *dropdown = g_ptr_array_index (dropdowns, i);

      if (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)) == n_choices)
        return dropdown;
    }
  g_error ("no drop-down with %u choices in the view", n_choices);
  return NULL;
}

static void
collect_type (GtkWidget *widget,
              GType      type,
              GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_type (child, type, out);
}

/* The list shows search results (a GListStore, not the tab's list). */
typedef struct {
  GListModel *model;
  guint       unused;
} SearchWait;

static gboolean
search_shown (gpointer user_data)
{
  SearchWait *wait = user_data;
  GtkListView *list_view = NULL;
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  GListModel *model;

  collect_type (GTK_WIDGET (fixture.warnings), GTK_TYPE_LIST_VIEW, views);
  for (guint i = 0; i < views->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (views, i), "message-list"))
      list_view = g_ptr_array_index (views, i);
  g_assert_nonnull (list_view);
  model = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (gtk_list_view_get_model (list_view)));
  wait->model = model;
  return G_IS_LIST_STORE (model) && g_list_model_get_n_items (model) > 0;
}

static guint
badge_number (void)
{
  const char *text = _kouan_window_get_badge_text (fixture.window, KOUAN_MESSAGE_KIND_WARNING);

  return text != NULL ? (guint) atoi (text) : 0;
}

/* Opens @id in @view as a click on its row does, and waits for its detail. */
static KouanMessageDetail *
open_message (KouanMessagesView *view,
              gint64             id)
{
  KouanMessageDetail *detail = KOUAN_MESSAGE_DETAIL (kouan_messages_view_get_detail (view));

  gtk_widget_activate_action (GTK_WIDGET (view), "messages.open", "x", id);
  g_assert_cmpint (kouan_messages_view_get_open_message_id (view), ==, id);
  g_assert_nonnull (kouan_message_detail_get_message (detail));
  g_assert_cmpint (kouan_message_get_id (kouan_message_detail_get_message (detail)), ==, id);
  return detail;
}

static gboolean
admin_page_shown (gpointer user_data)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));

  return g_strcmp0 (_kouan_window_get_visible_area (fixture.window), "admin") == 0 &&
         g_strcmp0 (kouan_admin_view_get_visible_menu (admin), user_data) == 0;
}

static void
save_shot (void)
{
  GtkWidget *window = GTK_WIDGET (fixture.window);
  const char *dir = g_getenv ("KOUAN_SHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  kouan_test_spin (400);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("message-actions-%d.png", width);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* --- tests ----------------------------------------------------------- */

/* Choosing a minimum severity lists only those warnings, counts only
 * them in the tab and the sidebar badge, and is remembered. */
static void
test_severity_filter (void)
{
  g_autoptr(GSettings) settings = NULL;
  GtkDropDown *severity;
  GListModel *model;
  guint all = 0, high;

  ensure_window ();
  kouan_window_show_area (fixture.window, "warnings");
  kouan_test_spin (100);
  all = server_unread_warnings (KOUAN_SEVERITY_NONE);
  high = server_unread_warnings (KOUAN_SEVERITY_HIGH);
  g_test_message ("%u unread warnings, %u high", all, high);

  g_assert_cmpuint (badge_number (), ==, all);
  model = kouan_messages_view_get_model (fixture.warnings);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all);

  severity = find_dropdown (fixture.warnings, 3);
  gtk_drop_down_set_selected (severity, 2);   /* 仅高级 */
  kouan_test_spin (100);

  model = kouan_messages_view_get_model (fixture.warnings);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, high);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (model, i);

      g_assert_cmpint (kouan_message_get_severity (message), ==, KOUAN_SEVERITY_HIGH);
    }
  g_assert_cmpuint (badge_number (), ==, high);
  g_assert_cmpuint (kouan_messages_view_get_badge_count (fixture.warnings), ==, high);

  /* the search applies it too */
  {
    GtkWidget *entry = NULL;
    g_autoptr(GPtrArray) found = g_ptr_array_new ();
    SearchWait wait = { NULL, 0 };

    /* the view's own, not a drop-down popup's */
    collect_type (GTK_WIDGET (fixture.warnings), GTK_TYPE_SEARCH_ENTRY, found);
    for (guint i = 0; i < found->len; i++)
      if (gtk_widget_get_ancestor (g_ptr_array_index (found, i), GTK_TYPE_POPOVER) == NULL)
        entry = g_ptr_array_index (found, i);
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "报关单");
    g_assert_true (kouan_test_wait_until (search_shown, &wait));
    for (guint i = 0; i < g_list_model_get_n_items (wait.model); i++)
      {
        g_autoptr(KouanMessage) message = g_list_model_get_item (wait.model, i);

        g_assert_cmpint (kouan_message_get_severity (message), ==, KOUAN_SEVERITY_HIGH);
      }
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    kouan_test_spin (400);
  }

  settings = g_settings_new ("io.github.kouan.Kouan");
  {
    g_autofree char *stored = g_settings_get_string (settings, "warning-min-severity");

    g_assert_cmpstr (stored, ==, "high");
  }

  /* and back */
  gtk_drop_down_set_selected (severity, 0);
  kouan_test_spin (100);
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.warnings)), ==, all);
  g_assert_cmpuint (badge_number (), ==, all);

  /* a choice made elsewhere (another window, the settings) shows here */
  g_settings_set_string (settings, "warning-min-severity", "medium");
  kouan_test_spin (100);
  g_assert_cmpuint (gtk_drop_down_get_selected (severity), ==, 1);
  g_assert_cmpuint (badge_number (), ==, server_unread_warnings (KOUAN_SEVERITY_MEDIUM));
  g_settings_set_string (settings, "warning-min-severity", "low");
  kouan_test_spin (100);
}

/* The key handler the list view's capture controller runs (GTK 4 has no
 * public way to synthesize input events). */
static gboolean
send_list_key (GtkWidget       *list_view,
               guint            keyval,
               GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list_view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

/* The severity row sits between the toolbar and the list in the Tab
 * order, both ways. */
static void
test_severity_keyboard (void)
{
  GtkRoot *root;
  GtkWidget *order;
  GtkWidget *list_view = NULL;
  GtkWidget *focus;
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  ensure_window ();
  kouan_window_show_area (fixture.window, "warnings");
  kouan_test_spin (100);
  root = GTK_ROOT (fixture.window);
  order = GTK_WIDGET (find_dropdown (fixture.warnings, 2));
  collect_type (GTK_WIDGET (fixture.warnings), GTK_TYPE_LIST_VIEW, views);
  for (guint i = 0; i < views->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (views, i), "message-list"))
      list_view = g_ptr_array_index (views, i);
  g_assert_nonnull (list_view);

  g_assert_true (gtk_widget_child_focus (order, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, list_view));
  g_assert_true (send_list_key (list_view, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == order || (focus != NULL && gtk_widget_is_ancestor (focus, order)));
}

/* Most severe first: high, medium, low, newest first within each. */
static void
test_severity_order (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.kouan.Kouan");
  GtkDropDown *order;
  GListModel *model;
  KouanSeverity last_severity = KOUAN_SEVERITY_HIGH;
  gint64 last_date = G_MAXINT64;
  guint n;

  ensure_window ();
  kouan_window_show_area (fixture.window, "warnings");
  order = find_dropdown (fixture.warnings, 2);
  gtk_drop_down_set_selected (order, 1);
  kouan_test_spin (100);
  {
    g_autofree char *stored = g_settings_get_string (settings, "warning-sort");

    g_assert_cmpstr (stored, ==, "severity");
  }

  model = kouan_messages_view_get_model (fixture.warnings);
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, server_unread_warnings (KOUAN_SEVERITY_NONE));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (model, i);
      KouanSeverity severity = kouan_message_get_severity (message);

      g_assert_cmpint (severity, <=, last_severity);
      if (severity < last_severity)
        last_date = G_MAXINT64;
      g_assert_cmpint (kouan_message_get_created_at (message), <=, last_date);
      last_severity = severity;
      last_date = kouan_message_get_created_at (message);
    }
  /* the demo has unread warnings of more than one severity, high first */
  {
    g_autoptr(KouanMessage) first = g_list_model_get_item (model, 0);

    g_assert_cmpint (kouan_message_get_severity (first), ==, KOUAN_SEVERITY_HIGH);
    g_assert_cmpint (last_severity, <, KOUAN_SEVERITY_HIGH);
  }

  gtk_drop_down_set_selected (order, 0);
  kouan_test_spin (100);
}

static GtkButton *
only_button (KouanMessageDetail *detail,
             guint               expected,
             guint               index)
{
  g_autoptr(GPtrArray) buttons = kouan_message_detail_get_action_buttons (detail);

  g_assert_cmpuint (buttons->len, ==, expected);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (g_ptr_array_index (buttons, index))));
  return g_ptr_array_index (buttons, index);
}

/* The pending policy's warning opens 信用保险 → 投保申请 at that policy. */
static void
test_action_opens_policy (void)
{
  ServerMessage *message;
  KouanMessageDetail *detail;
  GtkButton *button;
  KouanInsuranceView *insurance;
  KouanInsurancePolicies *policies;
  GtkSingleSelection *selection;
  KouanPolicy *policy;
  gint64 policy_id;

  ensure_window ();
  message = server_message_with_action ("insurance.policy");
  policy_id = json_object_get_int_member (json_array_get_object_element (message->actions, 0), "object");
  kouan_window_show_area (fixture.window, "warnings");
  detail = open_message (fixture.warnings, message->id);
  button = only_button (detail, 1, 0);
  g_assert_cmpstr (gtk_button_get_label (button), ==, "查看待确认保单");

  g_signal_emit_by_name (button, "clicked");
  kouan_test_spin (100);

  g_assert_cmpstr (_kouan_window_get_visible_area (fixture.window), ==, "insurance");
  insurance = KOUAN_INSURANCE_VIEW (_kouan_window_get_area_page (fixture.window, "insurance"));
  g_assert_cmpstr (kouan_insurance_view_get_visible_page (insurance), ==, "policies");
  policies = KOUAN_INSURANCE_POLICIES (_kouan_insurance_view_get_page (insurance, "policies"));
  selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (_kouan_insurance_policies_get_list_view (policies)));
  policy = gtk_single_selection_get_selected_item (selection);
  if (policy == NULL)
    g_error ("no policy selected; %u listed, cache has policy %" G_GINT64_FORMAT ": %d",
             g_list_model_get_n_items (_kouan_insurance_policies_get_model (policies)), policy_id,
             kouan_store_get_policy (fixture.store, fixture.enterprise_id, policy_id, NULL) != NULL);
  g_assert_cmpint (policy->id, ==, policy_id);
  g_assert_cmpstr (policy->status, ==, "pending");
  /* its detail is open, with the decision it waits for */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_kouan_insurance_policies_get_confirm_button (policies))));
}

/* A tax warning that asks for payment through 税费支付 opens 业务设置 at
 * the electronic payment switch, and 企业设置 at the bank account. */
static void
test_action_opens_settings_field (void)
{
  ServerMessage *message;
  KouanMessageDetail *detail;
  KouanAdminView *admin;
  GtkWidget *focus;
  GtkWidget *target;

  ensure_window ();
  message = server_message_with_action ("admin.business");
  kouan_window_show_area (fixture.window, "warnings");
  detail = open_message (fixture.warnings, message->id);
  save_shot ();
  if (g_getenv ("KOUAN_SHOT_DIR") != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (fixture.window), 600, 800);
      save_shot ();
      gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1100, 700);
      kouan_test_spin (200);
    }
  g_signal_emit_by_name (only_button (detail, 2, 0), "clicked");
  g_assert_true (kouan_test_wait_until (admin_page_shown, (gpointer) "admin.business"));
  kouan_test_spin (100);
  admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));
  target = kouan_admin_business_page_get_switch (KOUAN_ADMIN_BUSINESS_PAGE (kouan_admin_view_get_page (admin, "admin.business")),
                                                 "e_payment");
  /* the switch's row: a switch row is one Tab stop, the row's */
  target = gtk_widget_get_ancestor (target, ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (target);
  focus = gtk_root_get_focus (GTK_ROOT (fixture.window));
  g_assert_true (focus == target || (focus != NULL && gtk_widget_is_ancestor (focus, target)));

  kouan_window_show_area (fixture.window, "warnings");
  detail = open_message (fixture.warnings, message->id);
  g_signal_emit_by_name (only_button (detail, 2, 1), "clicked");
  g_assert_true (kouan_test_wait_until (admin_page_shown, (gpointer) "admin.enterprise"));
  kouan_test_spin (100);
  target = kouan_admin_enterprise_page_get_entry (KOUAN_ADMIN_ENTERPRISE_PAGE (kouan_admin_view_get_page (admin, "admin.enterprise")),
                                                  "bank_account");
  focus = gtk_root_get_focus (GTK_ROOT (fixture.window));
  g_assert_true (focus == target || (focus != NULL && gtk_widget_is_ancestor (focus, target)));
}

static gboolean
staff_shows_member (gpointer user_data)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));
  KouanAdminStaff *staff = KOUAN_ADMIN_STAFF (kouan_admin_view_get_page (admin, "admin.staff"));
  GListModel *rows = _kouan_admin_staff_get_rows (staff);
  KouanMember *selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (rows));

  return selected != NULL && g_strcmp0 (selected->account, user_data) == 0 &&
         g_list_model_get_n_items (rows) == 1;
}

/* A grant expiry notice opens 人员权限 filtered to the member. */
static void
test_action_opens_member (void)
{
  ServerMessage *message;
  KouanMessageDetail *detail;
  const char *account;

  ensure_window ();
  message = server_message_with_action ("admin.staff");
  g_assert_cmpint (message->kind, ==, KOUAN_MESSAGE_KIND_NOTICE);
  account = json_object_get_string_member (json_array_get_object_element (message->actions, 0), "object");
  kouan_window_show_area (fixture.window, "notices");
  detail = open_message (fixture.notices, message->id);
  g_assert_cmpstr (gtk_button_get_label (only_button (detail, 1, 0)), ==, "在人员权限中查看");
  g_signal_emit_by_name (only_button (detail, 1, 0), "clicked");
  g_assert_true (kouan_test_wait_until (admin_page_shown, (gpointer) "admin.staff"));
  g_assert_true (kouan_test_wait_until (staff_shows_member, (gpointer) account));
}

/* No button for an area the member may not open; manage implies view. */
static void
test_action_needs_permission (void)
{
  const char *without[] = { "messages.notices:view", "messages.warnings:view", "admin.staff:view", NULL };
  const char *managing[] = { "insurance.policies:manage", NULL };
  ServerMessage *message;
  KouanMessageDetail *detail;
  g_autoptr(GPtrArray) buttons = NULL;

  ensure_window ();
  message = server_message_with_action ("insurance.policy");
  kouan_window_show_area (fixture.window, "warnings");
  detail = open_message (fixture.warnings, message->id);
  only_button (detail, 1, 0);

  kouan_message_detail_set_permissions (detail, without);
  buttons = kouan_message_detail_get_action_buttons (detail);
  g_assert_cmpuint (buttons->len, ==, 0);
  kouan_message_detail_set_permissions (detail, managing);
  only_button (detail, 1, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  if (g_getenv ("KOUAN_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KOUAN_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/ui/message-actions/severity-filter", test_severity_filter);
  g_test_add_func ("/ui/message-actions/severity-order", test_severity_order);
  g_test_add_func ("/ui/message-actions/severity-keyboard", test_severity_keyboard);
  g_test_add_func ("/ui/message-actions/opens-policy", test_action_opens_policy);
  g_test_add_func ("/ui/message-actions/opens-settings-field", test_action_opens_settings_field);
  g_test_add_func ("/ui/message-actions/opens-member", test_action_opens_member);
  g_test_add_func ("/ui/message-actions/needs-permission", test_action_needs_permission);

  ret = g_test_run ();

  if (fixture.window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture.window));
  g_clear_object (&fixture.app);
  g_clear_object (&fixture.store);
  g_clear_object (&fixture.client);
  g_clear_pointer (&fixture.server, kouan_test_server_free);
  g_clear_pointer (&fixture.server_messages, g_ptr_array_unref);
  if (fixture.tmpdir != NULL)
    {
      g_autofree char *db = g_build_filename (fixture.tmpdir, "store.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (fixture.tmpdir);
      g_free (fixture.tmpdir);
    }
  g_free (fixture.token);

  return ret;
}
