/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 管理员中心, enterprise pages in the real KouanWindow against a real
 * kouan-server: a field error shown next to its field and corrected, the
 * aircraft time control following its switch, the carousel advancing,
 * pausing and answering keys, add-slide disabled at 6 with the reason,
 * and a link with an invalid URL refused in the 新增链接 dialog. */

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store.h"
#include "kouan-store-settings.h"
#include "kouan-sync.h"
#include "kouan-test-image.h"
#include "kouan-enterprise.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "kouan-window-private.h"
#include "kouan-image.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-showcase-page.h"
#include "admin/kouan-admin-view.h"
#include "home/kouan-home-view.h"
#include "admin/kouan-admin-showcase-dialog.h"
#include "widgets/kouan-showcase-carousel.h"

static struct {
  KouanTestServer *server;
  char            *tmpdir;
  GtkApplication  *app;
  KouanClient     *client;
  KouanStore      *store;
  KouanWindow     *window;
  KouanAdminView  *admin;
  char            *token;
} fixture;

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(KouanSession **) user_data = kouan_client_login_finish (KOUAN_CLIENT (source), result, &error);
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

static gboolean
outbox_empty (gpointer user_data)
{
  return kouan_store_count_outbox (fixture.store) == 0;
}

/* The record of @collection @id as the server has it now. */
static JsonObject *
server_record (const char *collection,
               gint64      id)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/1/changes?since=0&limit=1000",
                                          kouan_test_server_get_url (fixture.server));
  JsonObject *found = NULL;
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *page_url = g_strdup_printf ("%s/api/v1/enterprises/1/changes?since=%"
                                                   G_GINT64_FORMAT "&limit=1000",
                                                   kouan_test_server_get_url (fixture.server), since);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (kouan_test_http ("GET", page_url, fixture.token, NULL, 0, &body), ==, 200);
      page = kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
      g_assert_nonnull (page);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_str_equal (json_object_get_string_member (change, "collection"), collection) &&
              json_object_get_int_member (change, "id") == id && json_object_has_member (change, "record"))
            {
              g_clear_pointer (&found, json_object_unref);
              found = json_object_ref (json_object_get_object_member (change, "record"));
            }
        }
      since = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  (void) url;
  return found;
}

static gboolean
admin_page_ready (gpointer user_data)
{
  return kouan_admin_view_get_page (fixture.admin, user_data) != NULL &&
         kouan_admin_view_allows (fixture.admin, "admin.showcase:view");
}

static GtkWidget *
show_page (const char *menu_id)
{
  GtkWidget *page;

  kouan_window_show_area (fixture.window, "admin");
  g_assert_true (kouan_test_wait_until (admin_page_ready, (gpointer) menu_id));
  kouan_admin_view_show_page (fixture.admin, menu_id);
  page = kouan_admin_view_get_page (fixture.admin, menu_id);
  g_assert_cmpstr (kouan_admin_view_get_visible_menu (fixture.admin), ==, menu_id);
  return page;
}

static void
ensure_window (void)
{
  const char *server_args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  KouanSession *session = NULL;

  if (fixture.window != NULL)
    return;

  fixture.server = kouan_test_server_start (server_args);
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-enterprise-XXXXXX", &error);
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
  g_application_set_application_id (G_APPLICATION (fixture.app), "io.github.kouan.Kouan.TestEnterprise");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  fixture.admin = KOUAN_ADMIN_VIEW (((struct _KouanWindow *) fixture.window)->admin_view);
  g_assert_true (kouan_test_wait_until (window_has_enterprise, NULL));
  g_assert_cmpint (kouan_window_get_enterprise_id (fixture.window), ==, 1);
}

/* ---- 首页 ------------------------------------------------------------ */

static gboolean
home_filled (gpointer user_data)
{
  return kouan_showcase_carousel_get_n_slides (kouan_home_view_get_carousel (user_data)) == 3 &&
         kouan_home_view_get_n_links (user_data) == 3;
}

static gboolean
home_empty (gpointer user_data)
{
  return kouan_showcase_carousel_get_n_slides (kouan_home_view_get_carousel (user_data)) == 0 &&
         kouan_home_view_get_n_links (user_data) == 0 &&
         kouan_home_view_get_empty_visible (user_data);
}

static gboolean
sync_online (gpointer user_data)
{
  return kouan_sync_get_state (kouan_window_get_sync (fixture.window)) == KOUAN_SYNC_STATE_ONLINE;
}

static GtkWidget *
find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (toplevel), name) == 0)
        return toplevel;
    }
  return NULL;
}

/* What the Escape key does in @window: the shortcut bound to it (a class
 * binding, as a key press would find it), activated. FALSE when none. */
static gboolean
press_escape (GtkWidget *window)
{
  g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
  GListModel *controllers = gtk_widget_observe_controllers (window);
  gboolean done = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !done; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !done; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape))
            done = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, window,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_object_unref (controllers);
  return done;
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             char            **out)
{
  g_free (*out);
  *out = g_strdup (response);
}

static gboolean
link_dialog_shown (gpointer user_data)
{
  return find_toplevel ("carousel-link-dialog") != NULL;
}

/* Runs first: the later tests reorder and add slides and links. */
static void
test_home (void)
{
  g_auto(GStrv) actions = NULL;
  KouanHomeView *home;
  GtkWidget *button, *dialog;
  g_autofree char *secondary = NULL;
  g_autofree char *response = NULL;
  const char *uri;

  ensure_window ();
  /* Ctrl+0 reaches 首页 without renumbering the others, and the message
   * center stays the area shown first */
  actions = gtk_application_get_actions_for_accel (fixture.app, "<Control>0");
  g_assert_true (g_strv_contains ((const char * const *) actions, "win.show-area::home"));
  g_assert_cmpstr (_kouan_window_get_visible_area (fixture.window), !=, "home");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.show-area", "s", "home"));
  g_assert_cmpstr (_kouan_window_get_visible_area (fixture.window), ==, "home");
  home = KOUAN_HOME_VIEW (_kouan_window_get_area_page (fixture.window, "home"));
  g_assert_true (KOUAN_IS_HOME_VIEW (home));

  /* enterprise 1: the three demo slides in the carousel, the three links */
  g_assert_true (kouan_test_wait_until (home_filled, home));
  g_assert_false (kouan_home_view_get_empty_visible (home));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kouan_home_view_get_carousel (home))));
  for (guint i = 0; i < 3; i++)
    {
      button = kouan_home_view_get_link_button (home, i);
      g_assert_nonnull (button);
      g_assert_true (gtk_widget_get_mapped (button));
      g_assert_true (gtk_widget_get_focusable (button));
      g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (button), "http"));
    }
  g_assert_null (kouan_home_view_get_link_button (home, 3));

  /* a link shows its URL and asks before opening, as the carousel does */
  button = kouan_home_view_get_link_button (home, 0);
  uri = gtk_widget_get_tooltip_text (button);
  /* activated like a key press: the click follows once the button has
   * shown itself pressed */
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (kouan_test_wait_until (link_dialog_shown, NULL));
  dialog = find_toplevel ("carousel-link-dialog");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_object_get (dialog, "body", &secondary, NULL);
  g_assert_cmpstr (secondary, ==, uri);
  /* Escape answers 取消 and closes it */
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), &response);
  g_assert_true (press_escape (dialog));
  g_assert_cmpstr (response, ==, "cancel");
  g_assert_null (find_toplevel ("carousel-link-dialog"));
  if (g_getenv ("KOUAN_UI_PAUSE_HOME") != NULL)
    kouan_test_spin ((guint) g_ascii_strtoull (g_getenv ("KOUAN_UI_PAUSE_HOME"), NULL, 10));

  /* enterprise 2 has none: the empty state, with the hint for its
   * administrator, also once its sync has finished */
  kouan_window_set_enterprise_id (fixture.window, 2);
  g_assert_true (kouan_test_wait_until (home_empty, home));
  g_assert_true (kouan_test_wait_until (sync_online, NULL));
  kouan_test_spin (200);
  g_assert_true (home_empty (home));
  g_assert_true (gtk_widget_get_visible (kouan_home_view_get_empty_hint (home)));
  if (g_getenv ("KOUAN_UI_PAUSE_HOME") != NULL)
    kouan_test_spin ((guint) g_ascii_strtoull (g_getenv ("KOUAN_UI_PAUSE_HOME"), NULL, 10));

  /* and back */
  kouan_window_set_enterprise_id (fixture.window, 1);
  g_assert_true (kouan_test_wait_until (home_filled, home));
  g_assert_true (kouan_test_wait_until (sync_online, NULL));
  kouan_window_show_area (fixture.window, "notices");
}

/* ---- 企业设置 -------------------------------------------------------- */

static gboolean
form_loaded (gpointer user_data)
{
  GtkWidget *entry = kouan_admin_enterprise_page_get_entry (user_data, "name");

  return gtk_widget_get_mapped (entry) && strlen (gtk_editable_get_text (GTK_EDITABLE (entry))) > 0;
}

static gboolean
server_has_taxpayer (gpointer user_data)
{
  g_autoptr(JsonObject) record = server_record (KOUAN_COLLECTION_ENTERPRISE_SETTINGS, 1);

  return record != NULL &&
         g_strcmp0 (json_object_get_string_member (record, "taxpayer_number"), user_data) == 0;
}

static void
test_field_error_corrected (void)
{
  KouanAdminEnterprisePage *page;
  GtkWidget *entry, *error, *other_error;

  ensure_window ();
  page = KOUAN_ADMIN_ENTERPRISE_PAGE (show_page ("admin.enterprise"));
  g_assert_true (kouan_test_wait_until (form_loaded, page));
  g_assert_false (kouan_admin_enterprise_page_get_dirty (page));

  entry = kouan_admin_enterprise_page_get_entry (page, "taxpayer_number");
  error = kouan_admin_enterprise_page_get_error (page, "taxpayer_number");
  other_error = kouan_admin_enterprise_page_get_error (page, "bank_account");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "91310115MA1K3Y8P2E");

  /* 16 characters: refused here, next to the field, before anything is sent */
  gtk_editable_set_text (GTK_EDITABLE (entry), "3101151234567890");
  g_assert_true (kouan_admin_enterprise_page_get_dirty (page));
  g_assert_false (kouan_admin_enterprise_page_save (page));
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (error))), >, 0);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_false (gtk_widget_get_visible (other_error));
  g_assert_cmpuint (kouan_store_count_outbox (fixture.store), ==, 0);

  /* correcting the field clears its error; 保存 then goes through */
  gtk_editable_set_text (GTK_EDITABLE (entry), "310115123456789");
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_true (kouan_admin_enterprise_page_save (page));
  g_assert_false (kouan_admin_enterprise_page_get_dirty (page));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_true (kouan_test_wait_until (server_has_taxpayer, "310115123456789"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "310115123456789");
}

static gboolean
widget_visible (gpointer user_data)
{
  return gtk_widget_get_visible (user_data);
}

/* What only the server knows (another enterprise has this credit code)
 * comes back as a refusal, shown at the field, the server's value back. */
static void
test_server_refusal_at_field (void)
{
  KouanAdminEnterprisePage *page;
  GtkWidget *entry, *error;

  ensure_window ();
  page = KOUAN_ADMIN_ENTERPRISE_PAGE (show_page ("admin.enterprise"));
  g_assert_true (kouan_test_wait_until (form_loaded, page));
  entry = kouan_admin_enterprise_page_get_entry (page, "credit_code");
  error = kouan_admin_enterprise_page_get_error (page, "credit_code");

  gtk_editable_set_text (GTK_EDITABLE (entry), "91330203MA2H7QW4XM");
  g_assert_true (kouan_admin_enterprise_page_save (page));
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_true (kouan_test_wait_until (widget_visible, error));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "91310115MA1K3Y8P2E");
  g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (error))), >, 0);
}

typedef struct {
  KouanAdminEnterprisePage *page;
  const char               *name;
} NameWait;

static gboolean
form_shows_name (gpointer user_data)
{
  NameWait *wait = user_data;
  GtkWidget *entry = kouan_admin_enterprise_page_get_entry (wait->page, "name");

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), wait->name) == 0;
}

/* Unsaved edits are a draft: switching to another enterprise and back
 * brings them back, still unsaved, and nothing was sent meanwhile. */
static void
test_draft_kept (void)
{
  KouanAdminEnterprisePage *page;
  GtkWidget *entry, *dialog;
  NameWait wait;

  ensure_window ();
  page = KOUAN_ADMIN_ENTERPRISE_PAGE (show_page ("admin.enterprise"));
  g_assert_true (kouan_test_wait_until (form_loaded, page));
  entry = kouan_admin_enterprise_page_get_entry (page, "contact_person");
  gtk_editable_set_text (GTK_EDITABLE (entry), "草稿联系人");
  g_assert_true (kouan_admin_enterprise_page_get_dirty (page));

  kouan_window_set_enterprise_id (fixture.window, 2);
  wait.page = page;
  wait.name = "宁波甬兴进出口有限公司";
  g_assert_true (kouan_test_wait_until (form_shows_name, &wait));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), !=, "草稿联系人");
  g_assert_false (kouan_admin_enterprise_page_get_dirty (page));

  kouan_window_set_enterprise_id (fixture.window, 1);
  wait.name = "上海浦江国际贸易有限公司";
  g_assert_true (kouan_test_wait_until (form_shows_name, &wait));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "草稿联系人");
  g_assert_true (kouan_admin_enterprise_page_get_dirty (page));
  g_assert_cmpuint (kouan_store_count_outbox (fixture.store), ==, 0);

  /* typing the saved value back leaves nothing unsaved */
  gtk_editable_set_text (GTK_EDITABLE (entry), "陈志强");
  g_assert_false (kouan_admin_enterprise_page_get_dirty (page));

  /* 还原 asks first, its button named for what it does; Escape keeps the
   * edit, 放弃更改 drops it */
  gtk_editable_set_text (GTK_EDITABLE (entry), "另一个草稿");
  g_assert_true (kouan_admin_enterprise_page_get_dirty (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "enterprise.revert", NULL));
  dialog = find_toplevel ("discard-changes-dialog");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_true (press_escape (dialog));
  g_assert_null (find_toplevel ("discard-changes-dialog"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "另一个草稿");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "enterprise.revert", NULL));
  dialog = find_toplevel ("discard-changes-dialog");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "陈志强");
  g_assert_false (kouan_admin_enterprise_page_get_dirty (page));
}

static void
on_async_result (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The LOGO/seal pickers' path without the file chooser: a file checked in
 * the app, uploaded, and fetched back; a GIF refused before sending. */
static void
test_image_upload (void)
{
  GtkWidget *page;
  g_autofree char *png_path = g_build_filename (fixture.tmpdir, "logo.png", NULL);
  g_autofree char *gif_path = g_build_filename (fixture.tmpdir, "logo.gif", NULL);
  g_autoptr(GFile) png_file = NULL;
  g_autoptr(GFile) gif_file = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) source = NULL;
  g_autoptr(GdkTexture) preview = NULL;
  g_autoptr(GdkTexture) fetched = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *data = g_malloc (64 * 48 * 4);
  gint64 id;

  ensure_window ();
  page = show_page ("admin.enterprise");
  for (guint i = 0; i < 64 * 48 * 4; i++)
    data[i] = (guint8) (i * 7);
  pixels = g_bytes_new_take (data, 64 * 48 * 4);
  source = gdk_memory_texture_new (64, 48, GDK_MEMORY_R8G8B8A8, pixels, 64 * 4);
  g_assert_true (gdk_texture_save_to_png (source, png_path));
  g_assert_true (g_file_set_contents (gif_path, "GIF89a\x01\x00\x01\x00", 10, NULL));
  png_file = g_file_new_for_path (png_path);
  gif_file = g_file_new_for_path (gif_path);

  kouan_admin_image_upload_async (page, 1, gif_file, NULL, on_async_result, &result);
  g_assert_true (kouan_test_wait_until (pointer_set, &result));
  g_assert_cmpint (kouan_admin_image_upload_finish (result, NULL, &error), <=, 0);
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TYPE);
  g_clear_error (&error);
  g_clear_object (&result);

  kouan_admin_image_upload_async (page, 1, png_file, NULL, on_async_result, &result);
  g_assert_true (kouan_test_wait_until (pointer_set, &result));
  id = kouan_admin_image_upload_finish (result, &preview, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (gdk_texture_get_width (preview), ==, 64);
  g_clear_object (&result);

  kouan_admin_image_load_async (page, 1, id, NULL, on_async_result, &result);
  g_assert_true (kouan_test_wait_until (pointer_set, &result));
  fetched = kouan_admin_image_load_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (fetched), ==, 64);
  g_assert_cmpint (gdk_texture_get_height (fetched), ==, 48);
  g_unlink (png_path);
  g_unlink (gif_path);
}

/* ---- 业务设置 -------------------------------------------------------- */

static gboolean
switch_loaded (gpointer user_data)
{
  return gtk_widget_get_mapped (user_data) && gtk_switch_get_active (user_data);
}

static gboolean
server_aircraft_is (gpointer user_data)
{
  g_autoptr(JsonObject) record = server_record (KOUAN_COLLECTION_BUSINESS_SETTINGS, 1);

  return record != NULL &&
         json_object_get_boolean_member (record, "aircraft_auto") == GPOINTER_TO_INT (user_data);
}

static gboolean
server_time_is (gpointer user_data)
{
  g_autoptr(JsonObject) record = server_record (KOUAN_COLLECTION_BUSINESS_SETTINGS, 1);
  JsonNode *time = record != NULL ? json_object_get_member (record, "aircraft_time") : NULL;

  return time != NULL && !JSON_NODE_HOLDS_NULL (time) &&
         g_strcmp0 (json_node_get_string (time), user_data) == 0;
}

static void
test_aircraft_time_follows_switch (void)
{
  KouanAdminBusinessPage *page;
  GtkWidget *toggle, *time;
  const char *reason;

  ensure_window ();
  page = KOUAN_ADMIN_BUSINESS_PAGE (show_page ("admin.business"));
  toggle = kouan_admin_business_page_get_switch (page, "aircraft_auto");
  time = kouan_admin_business_page_get_time (page);

  /* the demo enterprise declares aircraft at 08:30 */
  g_assert_true (kouan_test_wait_until (switch_loaded, toggle));
  g_assert_true (gtk_widget_is_sensitive (time));
  g_assert_null (kouan_admin_business_page_get_time_reason (page));

  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_false (gtk_widget_is_sensitive (time));
  /* the row says why, on its own second line */
  reason = kouan_admin_business_page_get_time_reason (page);
  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, ==, adw_action_row_get_subtitle (ADW_ACTION_ROW (time)));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_true (kouan_test_wait_until (server_aircraft_is, GINT_TO_POINTER (FALSE)));

  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_true (gtk_widget_is_sensitive (time));
  g_assert_null (kouan_admin_business_page_get_time_reason (page));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_true (kouan_test_wait_until (server_aircraft_is, GINT_TO_POINTER (TRUE)));

  /* with the switch on, the time is set: 09:45 */
  {
    GtkWidget *hour = kouan_admin_business_page_get_hour (page);
    GtkWidget *minute = kouan_admin_business_page_get_minute (page);
    GtkWidget *apply = kouan_admin_business_page_get_save_button (page);

    g_assert_true (GTK_IS_SPIN_BUTTON (hour));
    g_assert_true (GTK_IS_SPIN_BUTTON (minute));
    g_assert_true (GTK_IS_BUTTON (apply));
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (hour), 9);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (minute), 45);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (hour)), ==, 9);
    /* a keyboard-style activation clicks after the button shows itself
     * pressed: wait for the server rather than the outbox */
    g_assert_true (gtk_widget_activate (apply));
    g_assert_true (kouan_test_wait_until (server_time_is, "09:45"));
  }
}

/* ---- 企业风采设置 ---------------------------------------------------- */

static gboolean
carousel_has_slides (gpointer user_data)
{
  return kouan_showcase_carousel_get_n_slides (user_data) >= 3;
}

typedef struct {
  KouanShowcaseCarousel *carousel;
  guint          from;
} MoveWait;

static gboolean
carousel_moved (gpointer user_data)
{
  MoveWait *wait = user_data;

  return kouan_showcase_carousel_get_position (wait->carousel) != wait->from;
}

static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  GListModel *controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

static gboolean
carousel_paused (gpointer user_data)
{
  return kouan_showcase_carousel_get_paused (user_data);
}

static gboolean
carousel_running (gpointer user_data)
{
  return !kouan_showcase_carousel_get_paused (user_data);
}

/* Moves the real pointer (through the X server, as a mouse would) to the
 * middle of @widget, so GTK sees it enter and leave. */
static void
warp_pointer_to (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  GdkDisplay *display = gtk_widget_get_display (widget);
  graphene_rect_t bounds;
  double dx = 0, dy = 0;

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds));
  gtk_native_get_surface_transform (native, &dx, &dy);
  XWarpPointer (gdk_x11_display_get_xdisplay (display), None, gdk_x11_surface_get_xid (surface),
                0, 0, 0, 0,
                (int) (dx + bounds.origin.x + bounds.size.width / 2),
                (int) (dy + bounds.origin.y + bounds.size.height / 2));
  XFlush (gdk_x11_display_get_xdisplay (display));
}

static gboolean
on_open_link (KouanShowcaseCarousel *carousel,
              const char    *uri,
              char         **out)
{
  g_free (*out);
  *out = g_strdup (uri);
  return TRUE;
}

static gboolean
string_set (gpointer user_data)
{
  return *(char **) user_data != NULL;
}

static void
test_carousel (void)
{
  KouanAdminShowcasePage *page;
  KouanShowcaseCarousel *preview;
  KouanShowcaseCarousel *carousel;
  GtkWidget *window;
  GtkWidget *outside;
  GtkWidget *box;
  MoveWait wait;
  g_autofree char *opened = NULL;
  g_autofree char *response = NULL;
  guint n, before;

  ensure_window ();
  page = KOUAN_ADMIN_SHOWCASE_PAGE (show_page ("admin.showcase"));
  preview = kouan_admin_showcase_page_get_carousel (page);
  g_assert_true (kouan_test_wait_until (carousel_has_slides, preview));

  /* Enter on a slide with a link asks to open it (the demo's first slide
   * links to the customs site) */
  kouan_showcase_carousel_set_position (preview, 0);
  g_signal_connect (preview, "open-link", G_CALLBACK (on_open_link), &opened);
  g_assert_true (send_key (GTK_WIDGET (preview), GDK_KEY_Return));
  g_assert_true (kouan_test_wait_until (string_set, &opened));
  g_assert_cmpstr (opened, ==, "https://www.customs.gov.cn");
  g_signal_handlers_disconnect_by_func (preview, on_open_link, &opened);

  /* Unhandled, the carousel shows the URL and asks before opening it;
   * 取消 opens nothing. */
  kouan_showcase_carousel_activate (preview);
  {
    GtkWidget *dialog = NULL;
    g_autofree char *secondary = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

        if (g_strcmp0 (gtk_widget_get_name (toplevel), "carousel-link-dialog") == 0)
          dialog = toplevel;
      }
    g_assert_nonnull (dialog);
    g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
    g_object_get (dialog, "body", &secondary, NULL);
    g_assert_cmpstr (secondary, ==, "https://www.customs.gov.cn");
    /* 取消 opens nothing and closes it */
    g_signal_connect (dialog, "response", G_CALLBACK (on_response), &response);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    g_assert_cmpstr (response, ==, "cancel");
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_assert_null (find_toplevel ("carousel-link-dialog"));
  }

  /* Timing is tested on a carousel of its own in a small window at the
   * screen's corner, away from where Xvfb leaves the pointer (a pointer
   * over it would rightly hold it). */
  window = gtk_window_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  carousel = KOUAN_SHOWCASE_CAROUSEL (kouan_showcase_carousel_new ());
  outside = gtk_button_new_with_label ("outside");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *caption = g_strdup_printf ("slide %u", i);

      kouan_showcase_carousel_append (carousel, NULL, caption, NULL);
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (carousel));
  gtk_box_append (GTK_BOX (box), outside);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 340, 220);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (outside);
  n = kouan_showcase_carousel_get_n_slides (carousel);
  g_assert_cmpuint (n, ==, 3);
  kouan_test_spin (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (carousel)));
  g_assert_false (kouan_showcase_carousel_get_paused (carousel));

  /* advances by itself */
  kouan_showcase_carousel_set_interval (carousel, 150);
  wait.carousel = carousel;
  wait.from = kouan_showcase_carousel_get_position (carousel);
  g_assert_true (kouan_test_wait_until (carousel_moved, &wait));

  /* the focus inside holds it */
  gtk_widget_grab_focus (GTK_WIDGET (carousel));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (carousel)));
  g_assert_true (kouan_showcase_carousel_get_paused (carousel));
  before = kouan_showcase_carousel_get_position (carousel);
  kouan_test_spin (700);
  g_assert_cmpuint (kouan_showcase_carousel_get_position (carousel), ==, before);

  /* arrows move it, wrapping around */
  g_assert_true (send_key (GTK_WIDGET (carousel), GDK_KEY_Right));
  g_assert_cmpuint (kouan_showcase_carousel_get_position (carousel), ==, (before + 1) % n);
  g_assert_true (send_key (GTK_WIDGET (carousel), GDK_KEY_Left));
  g_assert_cmpuint (kouan_showcase_carousel_get_position (carousel), ==, before);
  kouan_showcase_carousel_set_position (carousel, 0);
  g_assert_true (send_key (GTK_WIDGET (carousel), GDK_KEY_Left));
  g_assert_cmpuint (kouan_showcase_carousel_get_position (carousel), ==, n - 1);

  /* focus leaving lets it run again */
  gtk_widget_grab_focus (outside);
  g_assert_false (kouan_showcase_carousel_get_paused (carousel));
  wait.from = kouan_showcase_carousel_get_position (carousel);
  g_assert_true (kouan_test_wait_until (carousel_moved, &wait));

  /* the pointer over it holds it as well, and leaving lets it go on */
  warp_pointer_to (GTK_WIDGET (carousel));
  g_assert_true (kouan_test_wait_until (carousel_paused, carousel));
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (carousel)));
  before = kouan_showcase_carousel_get_position (carousel);
  kouan_test_spin (700);
  g_assert_cmpuint (kouan_showcase_carousel_get_position (carousel), ==, before);
  warp_pointer_to (outside);
  g_assert_true (kouan_test_wait_until (carousel_running, carousel));
  wait.from = kouan_showcase_carousel_get_position (carousel);
  g_assert_true (kouan_test_wait_until (carousel_moved, &wait));

  gtk_window_destroy (GTK_WINDOW (window));
}


static void
collect_named (GtkWidget  *root,
               const char *name,
               GPtrArray  *out)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_named (child, name, out);
}

typedef struct {
  gint64 id;
  gint64 position;
} PositionWait;

static gboolean
server_slide_at (gpointer user_data)
{
  PositionWait *wait = user_data;
  g_autoptr(JsonObject) record = server_record (KOUAN_COLLECTION_SHOWCASE_SLIDES, wait->id);

  return record != NULL && json_object_get_int_member (record, "position") == wait->position;
}

/* 上移 on the second slide puts it first, on the server too. */
static void
test_reorder_slides (void)
{
  KouanAdminShowcasePage *page;
  g_autoptr(GPtrArray) ups = g_ptr_array_new ();
  PositionWait second = { 2, 0 }, first = { 1, 1 };

  ensure_window ();
  page = KOUAN_ADMIN_SHOWCASE_PAGE (show_page ("admin.showcase"));
  g_assert_true (kouan_test_wait_until (carousel_has_slides, kouan_admin_showcase_page_get_carousel (page)));
  collect_named (GTK_WIDGET (page), "up", ups);
  g_assert_cmpuint (ups->len, >=, 3);
  /* the first slide cannot move up */
  g_assert_false (gtk_widget_is_sensitive (ups->pdata[0]));
  /* activated like a key press: the click follows once the button has
   * shown itself pressed, so wait for the server, then for the acks */
  g_assert_true (gtk_widget_activate (ups->pdata[1]));
  g_assert_true (kouan_test_wait_until (server_slide_at, &second));
  g_assert_true (kouan_test_wait_until (server_slide_at, &first));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
}

static gboolean
carousel_has_six (gpointer user_data)
{
  return kouan_showcase_carousel_get_n_slides (user_data) == KOUAN_SHOWCASE_MAX_SLIDES;
}

static void
test_add_slide_disabled_at_six (void)
{
  KouanAdminShowcasePage *page;
  KouanShowcaseCarousel *carousel;
  GtkWidget *add, *reason;
  g_autofree char *images_url = NULL;
  g_autofree char *mutations_url = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) image = NULL;
  g_autoptr(GBytes) png = kouan_test_png (320, 120, 0);

  ensure_window ();
  page = KOUAN_ADMIN_SHOWCASE_PAGE (show_page ("admin.showcase"));
  carousel = kouan_admin_showcase_page_get_carousel (page);
  add = kouan_admin_showcase_page_get_add_slide_button (page);
  reason = kouan_admin_showcase_page_get_add_slide_reason (page);
  g_assert_true (kouan_test_wait_until (carousel_has_slides, carousel));
  g_assert_cmpuint (kouan_showcase_carousel_get_n_slides (carousel), <, KOUAN_SHOWCASE_MAX_SLIDES);
  g_assert_true (gtk_widget_is_sensitive (add));
  g_assert_false (gtk_widget_get_visible (reason));

  /* another administrator fills the carousel up */
  images_url = g_strdup_printf ("%s/api/v1/enterprises/1/images", kouan_test_server_get_url (fixture.server));
  g_assert_cmpuint (kouan_test_http ("POST", images_url, fixture.token, g_bytes_get_data (png, NULL), g_bytes_get_size (png), &reply),
                    ==, 201);
  image = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
  mutations_url = g_strdup_printf ("%s/api/v1/enterprises/1/mutations", kouan_test_server_get_url (fixture.server));
  for (guint n = kouan_showcase_carousel_get_n_slides (carousel); n < KOUAN_SHOWCASE_MAX_SLIDES; n++)
    {
      g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"ui-slide-%u\", \"collection\": "
                                               "\"showcase_slides\", \"op\": \"create\", \"record_id\": -1,"
                                               " \"fields\": {\"image\": %" G_GINT64_FORMAT ","
                                               " \"caption\": \"第 %u 条动态\"}}]}",
                                               n, json_object_get_int_member (image, "id"), n + 1);

      g_assert_cmpuint (kouan_test_http ("POST", mutations_url, fixture.token, body, strlen (body), NULL),
                        ==, 200);
    }

  /* the page learns it through sync: the action is disabled, the reason shown */
  g_assert_true (kouan_test_wait_until (carousel_has_six, carousel));
  g_assert_false (gtk_widget_is_sensitive (add));
  g_assert_true (gtk_widget_get_visible (reason));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (reason)), "6"));
}

static gboolean
links_count_is (gpointer user_data)
{
  return kouan_admin_showcase_page_get_n_links (user_data) ==
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (user_data), "expected-links"));
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* the link the sync engine created has its server id */
static gboolean
link_settled (gpointer user_data)
{
  return kouan_admin_showcase_page_get_link_id (user_data,
                                                GPOINTER_TO_UINT (g_object_get_data (user_data, "link-index"))) > 0;
}

/* A link to @user_data is among the server's live links */
static gboolean
server_has_link (gpointer user_data)
{
  g_autoptr(GHashTable) live = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gint64 since = 0;
  gboolean more = TRUE, found = FALSE;
  GHashTableIter iter;
  gpointer value;

  while (more)
    {
      g_autofree char *page_url = g_strdup_printf ("%s/api/v1/enterprises/1/changes?since=%"
                                                   G_GINT64_FORMAT "&limit=1000",
                                                   kouan_test_server_get_url (fixture.server), since);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (kouan_test_http ("GET", page_url, fixture.token, NULL, 0, &body), ==, 200);
      page = kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          gint64 id = json_object_get_int_member (change, "id");

          if (!g_str_equal (json_object_get_string_member (change, "collection"), KOUAN_COLLECTION_SHOWCASE_LINKS))
            continue;
          if (json_object_has_member (change, "record"))
            g_hash_table_replace (live, g_memdup2 (&id, sizeof id),
                                  g_strdup (json_object_get_string_member (json_object_get_object_member (change, "record"), "url")));
          else
            g_hash_table_remove (live, &id);
        }
      since = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  g_hash_table_iter_init (&iter, live);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    found = found || g_strcmp0 (value, user_data) == 0;
  return found;
}

static void
test_invalid_link_refused (void)
{
  KouanAdminShowcasePage *page;
  GtkWidget *dialog, *title, *url, *url_error;
  guint links;

  ensure_window ();
  page = KOUAN_ADMIN_SHOWCASE_PAGE (show_page ("admin.showcase"));
  g_object_set_data (G_OBJECT (page), "expected-links", GUINT_TO_POINTER (3));
  g_assert_true (kouan_test_wait_until (links_count_is, page));
  links = kouan_admin_showcase_page_get_n_links (page);

  dialog = kouan_admin_showcase_page_add_link (page);
  g_object_ref (dialog);
  title = find_named (dialog, "title");
  url = find_named (dialog, "url");
  g_assert_nonnull (title);
  g_assert_nonnull (url);
  url_error = kouan_admin_showcase_dialog_get_error (KOUAN_ADMIN_SHOWCASE_DIALOG (dialog), "url");
  g_assert_nonnull (url_error);

  /* Escape closes it, adding nothing */
  {
    GtkWidget *other = kouan_admin_showcase_page_add_link (page);

    g_object_ref (other);
    gtk_editable_set_text (GTK_EDITABLE (kouan_admin_showcase_dialog_get_entry (KOUAN_ADMIN_SHOWCASE_DIALOG (other), "title")),
                           "不要的链接");
    g_assert_true (press_escape (other));
    g_assert_false (gtk_widget_get_visible (other));
    g_object_unref (other);
    g_assert_cmpuint (kouan_store_count_outbox (fixture.store), ==, 0);
  }

  gtk_editable_set_text (GTK_EDITABLE (title), "测试链接");
  gtk_editable_set_text (GTK_EDITABLE (url), "ftp://files.example.cn/");
  g_signal_emit_by_name (url, "entry-activated");
  /* refused: the dialog stays, the error is under the link, nothing queued */
  g_assert_true (gtk_widget_get_visible (dialog));
  g_assert_true (gtk_widget_get_visible (url_error));
  g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (url_error))), >, 0);
  g_assert_cmpuint (kouan_store_count_outbox (fixture.store), ==, 0);
  g_assert_cmpuint (kouan_admin_showcase_page_get_n_links (page), ==, links);

  gtk_editable_set_text (GTK_EDITABLE (url), "www.example.cn");
  g_signal_emit_by_name (url, "entry-activated");
  g_assert_true (gtk_widget_get_visible (url_error));

  /* corrected: 确定 adds it (shown at once, sent by sync) */
  gtk_editable_set_text (GTK_EDITABLE (url), "https://www.example.cn/ui");
  g_signal_emit_by_name (url, "entry-activated");
  g_assert_false (gtk_widget_get_visible (dialog));
  g_object_unref (dialog);
  g_object_set_data (G_OBJECT (page), "expected-links", GUINT_TO_POINTER (links + 1));
  g_assert_true (kouan_test_wait_until (links_count_is, page));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));

  /* deleting it says so with 撤销, which brings it back (on the server too) */
  {
    AdwToast *toast;
    gint64 id;

    g_object_set_data (G_OBJECT (page), "link-index", GUINT_TO_POINTER (links));
    g_assert_true (kouan_test_wait_until (link_settled, page));
    id = kouan_admin_showcase_page_get_link_id (page, links);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "showcase.delete-link", "x", id));
    g_object_set_data (G_OBJECT (page), "expected-links", GUINT_TO_POINTER (links));
    g_assert_true (kouan_test_wait_until (links_count_is, page));
    toast = kouan_admin_showcase_page_get_undo_toast (page);
    g_assert_nonnull (toast);
    g_assert_nonnull (adw_toast_get_button_label (toast));
    g_signal_emit_by_name (toast, "button-clicked");
    g_object_set_data (G_OBJECT (page), "expected-links", GUINT_TO_POINTER (links + 1));
    g_assert_true (kouan_test_wait_until (links_count_is, page));
    g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
    g_assert_true (kouan_test_wait_until (server_has_link, (gpointer) "https://www.example.cn/ui"));
  }

  /* a link deleted while its dialog was still open: saving it changes
   * nothing and says why (no warning: nothing is wrong with the cache) */
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    gint64 id;

    g_assert_true (kouan_test_wait_until (link_settled, page));
    id = kouan_admin_showcase_page_get_link_id (page, links);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "showcase.delete-link", "x", id));
    g_object_set_data (G_OBJECT (page), "expected-links", GUINT_TO_POINTER (links));
    g_assert_true (kouan_test_wait_until (links_count_is, page));
    g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
    json_object_set_string_member (fields, "title", "改过的链接");
    g_assert_false (kouan_admin_showcase_page_submit (page, KOUAN_COLLECTION_SHOWCASE_LINKS, id, fields));
    g_assert_cmpuint (kouan_store_count_outbox (fixture.store), ==, 0);
  }
}

/* ---- 600 × 800 ------------------------------------------------------- */

static gboolean
admin_width_at_most (gpointer user_data)
{
  return gtk_widget_get_width (GTK_WIDGET (fixture.admin)) > 0 &&
         gtk_widget_get_width (GTK_WIDGET (fixture.admin)) <= GPOINTER_TO_INT (user_data);
}

static gboolean
admin_folded (gpointer user_data)
{
  return kouan_admin_view_get_folded (fixture.admin);
}

typedef struct {
  GtkWidget *widget;
  int        width;
} Within;

static gboolean
is_within (gpointer user_data)
{
  Within *within = user_data;
  graphene_rect_t bounds;

  return gtk_widget_get_mapped (within->widget) &&
         gtk_widget_compute_bounds (within->widget, GTK_WIDGET (fixture.window), &bounds) &&
         bounds.origin.x >= 0 && bounds.size.width > 0 &&
         bounds.origin.x + bounds.size.width <= within->width;
}

/* @widget is on screen, whole, inside the window's 600 px (once the
 * page shown last has been laid out at that width: a slow run may take
 * longer than the leaflet's slide) */
static void
assert_within (GtkWidget *widget,
               int        width)
{
  Within within = { widget, width };
  graphene_rect_t bounds;

  kouan_test_wait_until (is_within, &within);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (fixture.window), &bounds));
  g_test_message ("%s at %g, %g wide, window %d", G_OBJECT_TYPE_NAME (widget), bounds.origin.x, bounds.size.width, gtk_widget_get_width (GTK_WIDGET (fixture.window)));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, width);
  g_assert_cmpfloat (bounds.size.width, >, 0);
}

static gboolean
home_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (kouan_home_view_get_carousel (user_data)));
}

/* Half a small screen: the home view and the administrator center's
 * enterprise pages fit 600 px without squeezing, the admin menus fold
 * away behind a back button, and every page's Save stays in view. */
/* Another administrator renames the enterprise: the header's switcher,
 * whose entries came with the login, shows the new name without a new
 * login, and the enterprise shown stays selected (issue 16). */
typedef struct {
  gint64      id;
  const char *name;
} SwitcherName;

static gboolean
switcher_shows (gpointer user_data)
{
  SwitcherName *expected = user_data;
  GListModel *model = gtk_drop_down_get_model (_kouan_window_get_enterprise_dropdown (fixture.window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanEnterprise) enterprise = g_list_model_get_item (model, i);

      if (kouan_enterprise_get_id (enterprise) == expected->id)
        return g_strcmp0 (kouan_enterprise_get_name (enterprise), expected->name) == 0;
    }
  return FALSE;
}

static void
rename_enterprise (gint64      id,
                   const char *name,
                   guint       serial)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations",
                                          kouan_test_server_get_url (fixture.server), id);
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"ui-rename-%u\", \"collection\": "
                                           "\"enterprise_settings\", \"op\": \"update\", \"record_id\": %"
                                           G_GINT64_FORMAT ", \"fields\": {\"name\": \"%s\"}}]}",
                                           serial, id, name);

  g_assert_cmpuint (kouan_test_http ("POST", url, fixture.token, body, strlen (body), NULL), ==, 200);
}

static void
test_switcher_follows_rename (void)
{
  GtkDropDown *dropdown;
  gint64 id;
  guint selected;
  g_autofree char *old_name = NULL;
  SwitcherName renamed, restored;

  ensure_window ();
  dropdown = _kouan_window_get_enterprise_dropdown (fixture.window);
  id = kouan_window_get_enterprise_id (fixture.window);
  selected = gtk_drop_down_get_selected (dropdown);
  old_name = g_strdup (kouan_enterprise_get_name (gtk_drop_down_get_selected_item (dropdown)));

  rename_enterprise (id, "浦江贸易（集团）有限公司", 1);
  renamed = (SwitcherName) { id, "浦江贸易（集团）有限公司" };
  g_assert_true (kouan_test_wait_until (switcher_shows, &renamed));
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, selected);
  g_assert_cmpint (kouan_window_get_enterprise_id (fixture.window), ==, id);

  rename_enterprise (id, old_name, 2);
  restored = (SwitcherName) { id, old_name };
  g_assert_true (kouan_test_wait_until (switcher_shows, &restored));
}

static void
test_narrow (void)
{
  KouanHomeView *home;
  KouanAdminEnterprisePage *enterprise;
  KouanAdminBusinessPage *business;
  GtkWidget *showcase;
  int width = 600;

  ensure_window ();
  /* The other areas (personal center, insurance) are being made narrow
   * by their own work: without them the window shows what these areas
   * need. */
  gtk_widget_set_visible (_kouan_window_get_area_page (fixture.window, "personal"), FALSE);
  gtk_widget_set_visible (_kouan_window_get_area_page (fixture.window, "insurance"), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 600, 800);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.show-area", "s", "home"));
  home = KOUAN_HOME_VIEW (_kouan_window_get_area_page (fixture.window, "home"));
  /* (the earlier tests added slides and a link) */
  g_assert_true (kouan_test_wait_until (carousel_has_slides, kouan_home_view_get_carousel (home)));
  g_assert_cmpuint (kouan_home_view_get_n_links (home), >, 0);
  g_assert_true (kouan_test_wait_until (home_mapped, home));
  kouan_test_spin (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture.window)), <=, width);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (home)), >, width / 2);
  assert_within (GTK_WIDGET (kouan_home_view_get_carousel (home)), width);
  assert_within (kouan_home_view_get_link_button (home, 0), width);

  /* 企业信息设置: the menus fold, the page and its 保存 are in view */
  enterprise = KOUAN_ADMIN_ENTERPRISE_PAGE (show_page ("admin.enterprise"));
  g_assert_true (kouan_test_wait_until (admin_width_at_most, GINT_TO_POINTER (width)));
  g_assert_true (kouan_test_wait_until (admin_folded, NULL));
  g_assert_false (kouan_admin_view_get_menus_shown (fixture.admin));
  g_assert_true (kouan_test_wait_until (form_loaded, enterprise));
  /* the leaflet's slide to the page */
  kouan_test_spin (500);
  assert_within (kouan_admin_enterprise_page_get_entry (enterprise, "name"), width);
  assert_within (kouan_admin_enterprise_page_get_save_button (enterprise), width);

  /* back to the menus, and to another page by activating its menu */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.admin), "admin.show-menus", NULL));
  g_assert_true (kouan_admin_view_get_menus_shown (fixture.admin));
  business = KOUAN_ADMIN_BUSINESS_PAGE (show_page ("admin.business"));
  g_assert_false (kouan_admin_view_get_menus_shown (fixture.admin));
  g_assert_true (kouan_test_wait_until (switch_loaded, kouan_admin_business_page_get_switch (business, "aircraft_auto")));
  /* the leaflet's slide back to the page */
  kouan_test_spin (500);
  assert_within (kouan_admin_business_page_get_switch (business, "aircraft_auto"), width);
  assert_within (kouan_admin_business_page_get_save_button (business), width);
  assert_within (kouan_admin_business_page_get_minute (business), width);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.admin), "admin.show-menus", NULL));
  showcase = show_page ("admin.showcase");
  g_assert_true (kouan_test_wait_until (carousel_has_slides,
                             kouan_admin_showcase_page_get_carousel (KOUAN_ADMIN_SHOWCASE_PAGE (showcase))));
  kouan_test_spin (500);
  assert_within (GTK_WIDGET (kouan_admin_showcase_page_get_carousel (KOUAN_ADMIN_SHOWCASE_PAGE (showcase))), width);
  assert_within (kouan_admin_showcase_page_get_add_slide_button (KOUAN_ADMIN_SHOWCASE_PAGE (showcase)), width);
  {
    g_autoptr(GPtrArray) deletes = g_ptr_array_new ();

    collect_named (showcase, "delete", deletes);
    g_assert_cmpuint (deletes->len, >, 0);
    assert_within (deletes->pdata[0], width);
  }

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1200, 800);
  gtk_widget_set_visible (_kouan_window_get_area_page (fixture.window, "personal"), TRUE);
  gtk_widget_set_visible (_kouan_window_get_area_page (fixture.window, "insurance"), TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/ui/enterprise/home", test_home);
  g_test_add_func ("/ui/enterprise/field-error-corrected", test_field_error_corrected);
  g_test_add_func ("/ui/enterprise/server-refusal-at-field", test_server_refusal_at_field);
  g_test_add_func ("/ui/enterprise/draft-kept", test_draft_kept);
  g_test_add_func ("/ui/enterprise/image-upload", test_image_upload);
  g_test_add_func ("/ui/enterprise/aircraft-time-follows-switch", test_aircraft_time_follows_switch);
  g_test_add_func ("/ui/enterprise/carousel", test_carousel);
  g_test_add_func ("/ui/enterprise/reorder-slides", test_reorder_slides);
  g_test_add_func ("/ui/enterprise/invalid-link-refused", test_invalid_link_refused);
  g_test_add_func ("/ui/enterprise/add-slide-disabled-at-six", test_add_slide_disabled_at_six);
  g_test_add_func ("/ui/enterprise/switcher-follows-rename", test_switcher_follows_rename);
  g_test_add_func ("/ui/enterprise/narrow-600x800", test_narrow);

  ret = g_test_run ();

  if (fixture.window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture.window));
  g_clear_object (&fixture.app);
  g_clear_object (&fixture.store);
  g_clear_object (&fixture.client);
  g_clear_pointer (&fixture.server, kouan_test_server_free);
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
