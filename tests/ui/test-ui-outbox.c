/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outbox and "no optimistic lies" in the real KouanWindow, against a
 * real kouan-server started with --demo, under Xvfb, as 李娜 (demo-staff,
 * 业务员): a policy confirmed offline says "Waiting to sync" (待同步), not
 * "Effective", and the outbox window (win.show-outbox, the button beside
 * the sync status) lists the edit; back online it becomes Effective and
 * the outbox is empty (its status page). A confirmation the server
 * refuses (her role lost the right meanwhile) brings the pending policy
 * back, a toast says why, the outbox shows the reason with Retry and
 * Discard, and Retry — once the right is back — makes it Effective. A
 * confirmation that meets 王明's change of the same policy is a conflict
 * naming him, with Keep Mine, which makes it Effective. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sqlite3.h>
#include <string.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-store-outbox.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "kouan-window-private.h"
#include "insurance/kouan-insurance-policies.h"
#include "insurance/kouan-insurance-view.h"
#include "outbox/kouan-outbox-window.h"

typedef struct {
  KouanTestServer    *server;
  char               *tmpdir;
  GtkApplication     *app;
  KouanClient        *client;
  KouanStore         *store;
  KouanWindow        *window;
  KouanInsuranceView *view;
  gint64              enterprise_id;
} Fixture;

static Fixture fixture;

/* With KOUAN_SHOT_DIR set, @window as it is now goes to
 * $KOUAN_SHOT_DIR/outbox-@name-WIDTH.png (to look at, never asserted). */
static void
save_shot (GtkWidget  *window,
           const char *name)
{
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
  file = g_strdup_printf ("outbox-%s-%d.png", name, width);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
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
  return kouan_window_get_enterprise_id (fixture.window) != 0;
}

static gboolean
policies_synced (gpointer user_data)
{
  KouanInsuranceCounts out = { 0 };

  return kouan_store_insurance_counts (fixture.store, fixture.enterprise_id, &out, NULL) &&
         out.pending_policies > 1;
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
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture.client = kouan_client_new (kouan_test_server_get_url (fixture.server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (fixture.client, "demo-staff", "kouan-demo", NULL, login_cb, &session);
  g_assert_true (kouan_test_wait_until (pointer_set, &session));

  store_path = g_build_filename (fixture.tmpdir, "store.db", NULL);
  fixture.store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);

  fixture.app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (fixture.app), "io.github.kouan.Kouan.TestOutbox");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1200, 760);
  kouan_window_show_area (fixture.window, "insurance");
  gtk_window_present (GTK_WINDOW (fixture.window));

  fixture.view = KOUAN_INSURANCE_VIEW (_kouan_window_get_area_page (fixture.window, "insurance"));
  g_assert_true (KOUAN_IS_INSURANCE_VIEW (fixture.view));
  g_assert_true (kouan_test_wait_until (window_has_enterprise, NULL));
  fixture.enterprise_id = kouan_window_get_enterprise_id (fixture.window);
  g_assert_true (kouan_test_wait_until (policies_synced, NULL));
}

static KouanInsurancePolicies *
policies_page (void)
{
  return KOUAN_INSURANCE_POLICIES (_kouan_insurance_view_get_page (fixture.view, "policies"));
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a label under @widget shows text containing @text */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
status_is (gpointer user_data)
{
  return g_strcmp0 (_kouan_insurance_policies_get_status (policies_page ()), user_data) == 0;
}

static gboolean
dialog_is_open (gpointer user_data)
{
  return (_kouan_insurance_policies_get_dialog (policies_page ()) != NULL) == GPOINTER_TO_INT (user_data);
}

static gboolean
sync_state_is (gpointer user_data)
{
  KouanSync *sync = kouan_window_get_sync (fixture.window);

  return sync != NULL && kouan_sync_get_state (sync) == (KouanSyncState) GPOINTER_TO_INT (user_data);
}

static void
go_offline (void)
{
  kouan_test_server_stop (fixture.server);
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync-now", NULL);
  g_assert_true (kouan_test_wait_until (sync_state_is, GINT_TO_POINTER (KOUAN_SYNC_STATE_OFFLINE)));
}

static void
come_back (void)
{
  kouan_test_server_restart (fixture.server);
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync-now", NULL);
}

static void
server_exec (const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (fixture.server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Opens the first pending policy and confirms it through the question. */
static KouanPolicy *
confirm_first_pending (void)
{
  KouanInsurancePolicies *page = policies_page ();
  GListModel *policies;
  KouanPolicy *policy;
  AdwMessageDialog *dialog;

  kouan_insurance_view_show_page (fixture.view, "policies");
  kouan_insurance_policies_set_filter (page, KOUAN_POLICY_FILTER_PENDING);
  policies = _kouan_insurance_view_get_policies (fixture.view);
  g_assert_cmpuint (g_list_model_get_n_items (policies), >, 0);
  policy = g_list_model_get_item (policies, 0);
  g_assert_cmpstr (policy->status, ==, "pending");
  g_signal_emit_by_name (_kouan_insurance_policies_get_list_view (page), "activate", 0);
  g_assert_cmpstr (_kouan_insurance_policies_get_status (page), ==, _("Awaiting confirmation"));

  g_assert_true (gtk_widget_activate (GTK_WIDGET (_kouan_insurance_policies_get_confirm_button (page))));
  g_assert_true (kouan_test_wait_until (dialog_is_open, GINT_TO_POINTER (TRUE)));
  dialog = _kouan_insurance_policies_get_dialog (page);
  /* the question names the policy */
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), policy->number));
  g_assert_true (gtk_widget_activate (find_button (GTK_WIDGET (dialog), _("_Confirm Policy"))));
  g_assert_true (kouan_test_wait_until (dialog_is_open, GINT_TO_POINTER (FALSE)));
  return policy;
}

/* The button of @widget's tree that activates @action */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
outbox_button_shown (gpointer user_data)
{
  GtkWidget *button = find_action_button (fixture.window->sync_indicator, "win.show-outbox");

  return button != NULL && gtk_widget_get_visible (button) == GPOINTER_TO_INT (user_data);
}

/* Opens the outbox the way a user does: the button beside the sync
 * status, there while something is in the outbox. */
static KouanOutboxWindow *
open_outbox (void)
{
  GtkWidget *outbox;

  g_assert_true (kouan_test_wait_until (outbox_button_shown, GINT_TO_POINTER (TRUE)));
  g_assert_true (gtk_widget_activate (find_action_button (fixture.window->sync_indicator, "win.show-outbox")));
  while (g_object_get_data (G_OBJECT (fixture.window), "kouan-outbox-window") == NULL)
    g_main_context_iteration (NULL, TRUE);
  outbox = g_object_get_data (G_OBJECT (fixture.window), "kouan-outbox-window");
  g_assert_true (KOUAN_IS_OUTBOX_WINDOW (outbox));
  g_assert_true (gtk_widget_get_visible (outbox));
  return KOUAN_OUTBOX_WINDOW (outbox);
}

static gboolean
outbox_shows (gpointer user_data)
{
  KouanOutboxWindow *outbox = g_object_get_data (G_OBJECT (fixture.window), "kouan-outbox-window");

  return g_strcmp0 (gtk_stack_get_visible_child_name (_kouan_outbox_window_get_stack (outbox)), "list") == 0 &&
         shows_text (GTK_WIDGET (_kouan_outbox_window_get_list (outbox)), user_data);
}

static gboolean
outbox_empty (gpointer user_data)
{
  KouanOutboxWindow *outbox = g_object_get_data (G_OBJECT (fixture.window), "kouan-outbox-window");

  return g_strcmp0 (gtk_stack_get_visible_child_name (_kouan_outbox_window_get_stack (outbox)), "empty") == 0 &&
         gtk_list_box_get_row_at_index (_kouan_outbox_window_get_list (outbox), 0) == NULL;
}

static gboolean
toast_says (gpointer user_data)
{
  AdwToast *toast = g_object_get_data (G_OBJECT (fixture.window), "kouan-insurance-toast");

  return toast != NULL && strstr (adw_toast_get_title (toast), user_data) != NULL;
}

/* ---- offline: 待同步, listed in the outbox, then 已生效 --------------- */

static void
test_offline_confirm_waits (void)
{
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autofree char *what = NULL;
  KouanOutboxWindow *outbox;
  GtkWidget *row;

  ensure_window ();
  go_offline ();
  policy = confirm_first_pending ();

  /* no optimistic lie: the detail waits for the server */
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Waiting to sync")));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_kouan_insurance_policies_get_confirm_button (policies_page ()))));

  /* the outbox lists it: what, and its state */
  outbox = open_outbox ();
  what = g_strdup_printf (_("Confirm policy %s"), policy->number);
  g_assert_true (kouan_test_wait_until (outbox_shows, what));
  /* (a retry may be sending it this moment: then it is waiting again
   * once that attempt fails) */
  g_assert_true (kouan_test_wait_until (outbox_shows, (gpointer) _("Waiting to sync")));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (_kouan_outbox_window_get_list (outbox), 0));
  g_assert_nonnull (row);
  /* a waiting edit offers no choice: it is on its way */
  g_assert_null (find_button (row, _("_Retry")));
  g_assert_null (gtk_list_box_get_row_at_index (_kouan_outbox_window_get_list (outbox), 1));
  save_shot (GTK_WIDGET (fixture.window), "policy-waiting");
  save_shot (GTK_WIDGET (outbox), "waiting");

  /* back online: the server's answer, then the real state */
  come_back ();
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Effective")));
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  save_shot (GTK_WIDGET (outbox), "empty");
  /* nothing waits: the header bar has its room back */
  g_assert_true (kouan_test_wait_until (outbox_button_shown, GINT_TO_POINTER (FALSE)));
  local = kouan_store_get_policy (fixture.store, fixture.enterprise_id, policy->id, NULL);
  g_assert_cmpstr (local->status, ==, "effective");
  gtk_window_close (GTK_WINDOW (outbox));
}

/* ---- refused: the old state again, why, and a retry that works ------ */

static void
test_refused_says_why (void)
{
  g_autoptr(KouanPolicy) policy = NULL;
  g_autofree char *what = NULL;
  g_autofree char *sql = NULL;
  const char *reason = _("Your roles in this enterprise do not allow this change.");
  KouanOutboxWindow *outbox;
  GtkWidget *row, *retry;

  ensure_window ();
  go_offline ();
  policy = confirm_first_pending ();
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Waiting to sync")));

  /* meanwhile her role loses the right to decide on policies */
  sql = g_strdup_printf ("DELETE FROM role_permissions WHERE permission = 'insurance.policies:manage'"
                         " AND role_id = (SELECT id FROM roles WHERE enterprise_id = %" G_GINT64_FORMAT
                         "                AND name = '业务员')", fixture.enterprise_id);
  server_exec (sql);
  g_clear_pointer (&sql, g_free);
  come_back ();

  /* the pending policy comes back, and a toast says why */
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Awaiting confirmation")));
  g_assert_true (kouan_test_wait_until (toast_says, (gpointer) reason));

  /* the outbox shows the reason and the choices */
  outbox = open_outbox ();
  what = g_strdup_printf (_("Confirm policy %s"), policy->number);
  g_assert_true (kouan_test_wait_until (outbox_shows, what));
  g_assert_true (outbox_shows ((gpointer) reason));
  g_assert_true (outbox_shows ((gpointer) _("Refused")));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (_kouan_outbox_window_get_list (outbox), 0));
  retry = find_button (row, _("_Retry"));
  g_assert_nonnull (retry);
  g_assert_nonnull (find_button (row, _("_Discard")));
  /* keeping mine is for a conflict with someone's change, not a refusal */
  g_assert_null (find_button (row, _("_Keep Mine")));
  save_shot (GTK_WIDGET (outbox), "refused");

  /* the right comes back; retry sends it again and it takes effect */
  sql = g_strdup_printf ("INSERT INTO role_permissions (role_id, permission)"
                         " SELECT id, 'insurance.policies:manage' FROM roles"
                         " WHERE enterprise_id = %" G_GINT64_FORMAT " AND name = '业务员'",
                         fixture.enterprise_id);
  server_exec (sql);
  g_assert_true (gtk_widget_activate (retry));
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync-now", NULL);
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Effective")));
  gtk_window_close (GTK_WINDOW (outbox));
}

/* ---- conflict: who and when, and keep mine ------------------------- */

/* 李娜 confirms a policy offline; 王明 (demo-admin) marks the same
 * policy's notice read meanwhile, online. Back online her edit is a
 * conflict: the outbox names 王明, offers all three choices, and keep
 * mine sends the confirmation over his change: Effective. */
static void
test_conflict_keep_mine (void)
{
  g_autoptr(KouanPolicy) policy = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *what = NULL;
  g_autoptr(GBytes) reply = NULL;
  KouanOutboxWindow *outbox;
  GtkWidget *row, *keep;

  ensure_window ();
  go_offline ();
  policy = confirm_first_pending ();
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Waiting to sync")));

  kouan_test_server_restart (fixture.server);
  token = kouan_test_login (fixture.server, "demo-admin", "kouan-demo");
  url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations",
                         kouan_test_server_get_url (fixture.server), fixture.enterprise_id);
  body = g_strdup_printf ("{\"mutations\": [{\"id\": \"wang-ming-1\", \"collection\": \"insurance_policies\","
                          " \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ","
                          " \"fields\": {\"notice_read\": %s}}]}",
                          policy->id, policy->notice_read ? "false" : "true");
  g_assert_cmpuint (kouan_test_http ("POST", url, token, body, strlen (body), &reply), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "\"applied\""));
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync-now", NULL);

  /* the server's record again, and the conflict in the outbox */
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Awaiting confirmation")));
  outbox = open_outbox ();
  what = g_strdup_printf (_("Confirm policy %s"), policy->number);
  g_assert_true (kouan_test_wait_until (outbox_shows, what));
  g_assert_true (outbox_shows ((gpointer) _("Conflict")));
  g_assert_true (outbox_shows ((gpointer) "王明"));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (_kouan_outbox_window_get_list (outbox), 0));
  g_assert_nonnull (find_button (row, _("_Retry")));
  g_assert_nonnull (find_button (row, _("_Discard")));
  keep = find_button (row, _("_Keep Mine"));
  g_assert_nonnull (keep);
  save_shot (GTK_WIDGET (outbox), "conflict");

  g_assert_true (gtk_widget_activate (keep));
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync-now", NULL);
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  g_assert_true (kouan_test_wait_until (status_is, (gpointer) _("Effective")));
  gtk_window_close (GTK_WINDOW (outbox));
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  /* screenshots in another language (KOUAN_SHOT_DIR, LANGUAGE) */
  if (g_getenv ("KOUAN_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KOUAN_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/ui/outbox/offline-confirm-waits", test_offline_confirm_waits);
  g_test_add_func ("/ui/outbox/refused-says-why", test_refused_says_why);
  g_test_add_func ("/ui/outbox/conflict-keep-mine", test_conflict_keep_mine);

  ret = g_test_run ();

  if (fixture.window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture.window));
  g_clear_object (&fixture.app);
  g_clear_object (&fixture.store);
  g_clear_object (&fixture.client);
  g_clear_pointer (&fixture.server, kouan_test_server_free);
  if (fixture.tmpdir != NULL)
    {
      const char *names[] = { "store.db", "store.db-wal", "store.db-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (fixture.tmpdir, names[i], NULL);

          g_unlink (path);
        }
      g_rmdir (fixture.tmpdir);
      g_free (fixture.tmpdir);
    }
  return ret;
}
