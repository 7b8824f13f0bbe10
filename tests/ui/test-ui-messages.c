/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The message center in the real KouanWindow, against a real kouan-server
 * started with --demo, under Xvfb: the list shows what the server has,
 * the row's star button stars the message locally and on the server, the
 * only-starred filter filters, and opening a message marks it read and
 * moves it from the 未读 tab to the 已读 tab. */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-message.h"
#include "kouan-message-list.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "messages/kouan-message-detail.h"
#include "messages/kouan-message-row.h"
#include "messages/kouan-messages-view.h"

typedef struct {
  KouanTestServer   *server;
  char              *tmpdir;
  GtkApplication    *app;
  KouanClient       *client;
  KouanStore        *store;
  KouanWindow       *window;
  KouanMessagesView *notices;
  char              *token;
  gint64             enterprise_id;
} Fixture;

static Fixture fixture;

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

/* --- what the server says -------------------------------------------- */

typedef struct {
  guint    unread_notices;
  gboolean found;
  gboolean starred;
  gboolean read;
} ServerView;

/* Reads the whole change feed of the enterprise as the test user sees it
 * (the demo has a few hundred messages: a handful of pages). */
static ServerView
server_view (gint64 message_id)
{
  ServerView view = { 0, };
  gint64 since = 0;
  gboolean more = TRUE;

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
      guint status;

      status = kouan_test_http ("GET", url, fixture.token, NULL, 0, &body);
      g_assert_cmpuint (status, ==, 200);
      data = g_bytes_get_data (body, &size);
      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);

      root = json_node_get_object (json_parser_get_root (parser));
      changes = json_object_get_array_member (root, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonObject *record;

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") != 0 ||
              !json_object_has_member (change, "record"))
            continue;
          record = json_object_get_object_member (change, "record");
          if (record == NULL)
            continue;

          if (g_strcmp0 (json_object_get_string_member (record, "kind"), "notice") == 0 &&
              !json_object_get_boolean_member (record, "read"))
            view.unread_notices++;

          if (json_object_get_int_member (record, "id") == message_id)
            {
              view.found = TRUE;
              view.starred = json_object_get_boolean_member (record, "starred");
              view.read = json_object_get_boolean_member (record, "read");
            }
        }

      since = json_object_get_int_member (root, "cursor");
      more = json_object_get_boolean_member (root, "more");
    }

  return view;
}

/* --- the widget tree ------------------------------------------------- */

static KouanMessageRow *
find_row (GtkWidget *widget,
          gint64     message_id)
{
  if (KOUAN_IS_MESSAGE_ROW (widget))
    {
      KouanMessage *message = kouan_message_row_get_message (KOUAN_MESSAGE_ROW (widget));

      if (message != NULL && kouan_message_get_id (message) == message_id &&
          gtk_widget_get_mapped (widget))
        return KOUAN_MESSAGE_ROW (widget);
      return NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KouanMessageRow *row = find_row (child, message_id);

      if (row != NULL)
        return row;
    }

  return NULL;
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 GType       type,
                 const char *action_name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, type, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_toggle_with_label_prefix (GtkWidget  *widget,
                               const char *prefix)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (widget)), prefix))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toggle_with_label_prefix (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  /* the view's own widgets, not those of a drop-down's popup (the
   * warnings' severity filter holds a list view of its own) */
  if (GTK_IS_POPOVER (widget))
    return NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static KouanMessage *
model_item (guint position)
{
  return g_list_model_get_item (kouan_messages_view_get_model (fixture.notices), position);
}

static gint
model_find (gint64 message_id)
{
  GListModel *model = kouan_messages_view_get_model (fixture.notices);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (model, i);

      if (kouan_message_get_id (message) == message_id)
        return (gint) i;
    }

  return -1;
}

/* --- setup ----------------------------------------------------------- */

typedef struct {
  guint expected;
} CountWait;

static gboolean
list_has_server_count (gpointer user_data)
{
  CountWait *wait = user_data;
  GListModel *model = kouan_messages_view_get_model (fixture.notices);

  return model != NULL &&
         kouan_window_get_enterprise_id (fixture.window) == fixture.enterprise_id &&
         kouan_sync_get_last_synced (kouan_window_get_sync (fixture.window)) > 0 &&
         g_list_model_get_n_items (model) == wait->expected &&
         kouan_messages_view_get_unread_count (fixture.notices) == wait->expected;
}

static gboolean
window_has_enterprise (gpointer user_data)
{
  return kouan_window_get_enterprise_id (fixture.window) > 0;
}

static void
ensure_window (void)
{
  const char *server_args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  KouanSession *session = NULL;
  CountWait wait;

  if (fixture.window != NULL)
    return;

  fixture.server = kouan_test_server_start (server_args);
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-messages-XXXXXX", &error);
  g_assert_no_error (error);

  fixture.client = kouan_client_new (kouan_test_server_get_url (fixture.server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (fixture.client, "demo-admin", "kouan-demo", NULL, login_cb, &session);
  g_assert_true (kouan_test_wait_until (pointer_set, &session));
  g_assert_nonnull (session->enterprises);
  g_assert_cmpuint (session->enterprises->len, >, 0);
  fixture.token = g_strdup (session->token);

  store_path = g_build_filename (fixture.tmpdir, "store.db", NULL);
  fixture.store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);

  /* A unique, non-unique application so a running Kouan is not disturbed. */
  fixture.app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (fixture.app),
                                    "io.github.kouan.Kouan.TestMessages");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1100, 700);
  kouan_window_show_area (fixture.window, "notices");
  gtk_window_present (GTK_WINDOW (fixture.window));

  fixture.notices = kouan_window_get_messages_view (fixture.window, KOUAN_MESSAGE_KIND_NOTICE);
  g_assert_true (KOUAN_IS_MESSAGES_VIEW (fixture.notices));
  g_assert_cmpint (kouan_messages_view_get_kind (fixture.notices), ==, KOUAN_MESSAGE_KIND_NOTICE);

  /* The window picks the first enterprise; wait for it, then for sync. */
  g_assert_true (kouan_test_wait_until (window_has_enterprise, NULL));
  fixture.enterprise_id = kouan_window_get_enterprise_id (fixture.window);

  wait.expected = server_view (0).unread_notices;
  g_assert_cmpuint (wait.expected, >, 0);
  if (!kouan_test_wait_until (list_has_server_count, &wait))
    {
      KouanSync *sync = kouan_window_get_sync (fixture.window);

      g_error ("the notices list shows %u items (unread count %u, store %u), the server has %u "
               "unread; sync state %d, last synced %" G_GINT64_FORMAT ", last error %s",
               g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)),
               kouan_messages_view_get_unread_count (fixture.notices),
               kouan_store_count_messages (fixture.store, fixture.enterprise_id,
                                           KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_UNREAD, FALSE),
               wait.expected,
               kouan_sync_get_state (sync), kouan_sync_get_last_synced (sync),
               kouan_sync_get_last_error (sync));
    }
}

static gboolean
outbox_empty (gpointer user_data)
{
  return kouan_store_count_outbox (fixture.store) == 0;
}

/* Lets the engine push queued edits and the rows take the server's answer,
 * so no row is rebound while a keyboard-activated button (which clicks
 * 250 ms after activation) waits to click. */
static void
settle (void)
{
  g_assert_true (kouan_test_wait_until (outbox_empty, NULL));
  kouan_test_spin (300);
}

/* --- tests ----------------------------------------------------------- */

typedef struct {
  gint64 id;
} RowWait;

static gboolean
row_is_shown (gpointer user_data)
{
  RowWait *wait = user_data;

  return find_row (GTK_WIDGET (fixture.notices), wait->id) != NULL;
}

static void
test_list_shows_synced (void)
{
  g_autoptr(KouanMessage) first = NULL;
  KouanMessageRow *row;
  RowWait wait;

  ensure_window ();

  /* The user sees the unread tab with the server's unread notices. */
  g_assert_false (gtk_toggle_button_get_active (
    GTK_TOGGLE_BUTTON (find_toggle_with_label_prefix (GTK_WIDGET (fixture.notices), "Read ("))));
  first = model_item (0);
  g_assert_nonnull (first);
  g_assert_false (kouan_message_get_read (first));

  /* …and its rows are really on screen, bound to the model's items. */
  wait.id = kouan_message_get_id (first);
  /* (also proves that messages arriving at the top while the user looks
   * at the newest ones come into view) */
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));
  row = find_row (GTK_WIDGET (fixture.notices), wait.id);
  g_assert_true (kouan_message_row_get_message (row) == first ||
                 kouan_message_get_id (kouan_message_row_get_message (row)) == wait.id);
}

typedef struct {
  gint64   id;
  gboolean starred;
} StarWait;

static gboolean
model_row_starred (gpointer user_data)
{
  StarWait *wait = user_data;
  gint position = model_find (wait->id);
  g_autoptr(KouanMessage) message = NULL;

  if (position < 0)
    return FALSE;
  message = model_item (position);
  return kouan_message_get_starred (message) == wait->starred;
}

static gboolean
server_row_starred (gpointer user_data)
{
  StarWait *wait = user_data;
  ServerView view = server_view (wait->id);

  /* Do not hammer the server while the engine pushes. */
  if (!(view.found && view.starred == wait->starred))
    kouan_test_spin (200);

  return view.found && view.starred == wait->starred;
}

static gboolean
row_toggle_shows (gpointer user_data)
{
  StarWait *wait = user_data;
  KouanMessageRow *row = find_row (GTK_WIDGET (fixture.notices), wait->id);

  return row != NULL &&
         gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kouan_message_row_get_star_button (row))) == wait->starred;
}

static void
test_star_toggles_and_persists (void)
{
  g_autoptr(KouanMessage) first = NULL;
  KouanMessageRow *row;
  GtkWidget *star;
  StarWait wait;

  ensure_window ();

  settle ();
  first = model_item (0);
  wait.id = kouan_message_get_id (first);
  wait.starred = !kouan_message_get_starred (first);
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));

  row = find_row (GTK_WIDGET (fixture.notices), wait.id);
  star = kouan_message_row_get_star_button (row);
  g_assert_true (gtk_widget_get_mapped (star));
  g_assert_true (gtk_widget_is_sensitive (star));
  g_assert_true (gtk_widget_activate (star));

  /* The model follows the store at once, the row shows it… */
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
  g_assert_true (kouan_test_wait_until (row_toggle_shows, &wait));
  /* …and the engine pushes the edit to the server. */
  g_assert_true (kouan_test_wait_until (server_row_starred, &wait));

  /* And back, so both directions are proven. */
  settle ();
  wait.starred = !wait.starred;
  row = find_row (GTK_WIDGET (fixture.notices), wait.id);
  g_assert_true (gtk_widget_activate (kouan_message_row_get_star_button (row)));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
  g_assert_true (kouan_test_wait_until (server_row_starred, &wait));

  /* Leave it starred for the filter test. */
  settle ();
  wait.starred = !wait.starred;
  row = find_row (GTK_WIDGET (fixture.notices), wait.id);
  g_assert_true (gtk_widget_activate (kouan_message_row_get_star_button (row)));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
}

static void
assert_only_starred_shown (KouanReadFilter read_filter)
{
  GListModel *model = kouan_messages_view_get_model (fixture.notices);
  guint expected = kouan_store_count_messages (fixture.store, fixture.enterprise_id,
                                               KOUAN_MESSAGE_KIND_NOTICE, read_filter, TRUE);
  guint n = g_list_model_get_n_items (model);

  g_assert_cmpuint (n, ==, expected);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (model, i);

      g_assert_true (kouan_message_get_starred (message));
      g_assert_cmpint (kouan_message_get_read (message), ==, read_filter == KOUAN_READ_FILTER_READ);
    }
}

static void
test_only_starred_filters (void)
{
  GtkWidget *check;
  guint all_unread;

  ensure_window ();

  all_unread = g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices));
  check = find_actionable (GTK_WIDGET (fixture.notices), GTK_TYPE_CHECK_BUTTON,
                           "messages.starred-only");
  g_assert_nonnull (check);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

  g_assert_true (gtk_widget_activate (check));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

  /* The previous test left a starred unread notice: the filter must keep
   * it and drop the unstarred ones. */
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), <, all_unread);
  assert_only_starred_shown (KOUAN_READ_FILTER_UNREAD);

  /* The filter applies to the 已读 tab too. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.notices), "messages.show-read", "b", TRUE);
  assert_only_starred_shown (KOUAN_READ_FILTER_READ);
  gtk_widget_activate_action (GTK_WIDGET (fixture.notices), "messages.show-read", "b", FALSE);

  g_assert_true (gtk_widget_activate (check));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), ==, all_unread);
}

typedef struct {
  guint unread;
  guint read;
} CountsWait;

static gboolean
counts_are (gpointer user_data)
{
  CountsWait *wait = user_data;

  return kouan_messages_view_get_unread_count (fixture.notices) == wait->unread &&
         kouan_messages_view_get_read_count (fixture.notices) == wait->read;
}

static gboolean
server_row_read (gpointer user_data)
{
  RowWait *wait = user_data;
  ServerView view = server_view (wait->id);

  if (!(view.found && view.read))
    kouan_test_spin (200);

  return view.found && view.read;
}

static gboolean
detail_shows_star (gpointer user_data)
{
  StarWait *wait = user_data;
  KouanMessageDetail *detail = KOUAN_MESSAGE_DETAIL (find_by_type (GTK_WIDGET (fixture.notices),
                                                                   KOUAN_TYPE_MESSAGE_DETAIL));
  KouanMessage *message = kouan_message_detail_get_message (detail);

  return message != NULL && kouan_message_get_id (message) == wait->id &&
         kouan_message_get_starred (message) == wait->starred;
}

static gboolean
read_tab_is_shown (gpointer user_data)
{
  KouanMessageList *list = KOUAN_MESSAGE_LIST (kouan_messages_view_get_model (fixture.notices));

  return kouan_message_list_get_read_filter (list) == KOUAN_READ_FILTER_READ;
}

static gboolean
unread_tab_is_shown (gpointer user_data)
{
  KouanMessageList *list = KOUAN_MESSAGE_LIST (kouan_messages_view_get_model (fixture.notices));

  return kouan_message_list_get_read_filter (list) == KOUAN_READ_FILTER_UNREAD;
}

static gboolean
message_is_open (gpointer user_data)
{
  RowWait *wait = user_data;

  return kouan_messages_view_get_open_message_id (fixture.notices) == wait->id;
}

/* A button that is not the star (the star is a toggle) */
static gboolean
has_plain_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && !GTK_IS_TOGGLE_BUTTON (widget))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_plain_button (child))
      return TRUE;
  return FALSE;
}

static gboolean
model_row_read (gpointer user_data)
{
  RowWait *wait = user_data;
  gint position = model_find (wait->id);
  g_autoptr(KouanMessage) message = position >= 0 ? model_item (position) : NULL;

  return message != NULL && kouan_message_get_read (message);
}

static void
test_open_marks_read (void)
{
  g_autoptr(KouanMessage) first = NULL;
  KouanMessageDetail *detail;
  KouanMessageRow *row;
  GtkWidget *read_tab;
  GtkWidget *unread_tab;
  CountsWait counts;
  RowWait wait;
  guint unread_items;

  ensure_window ();
  settle ();

  first = model_item (0);
  g_assert_false (kouan_message_get_read (first));
  wait.id = kouan_message_get_id (first);
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));

  counts.unread = kouan_messages_view_get_unread_count (fixture.notices);
  counts.read = kouan_messages_view_get_read_count (fixture.notices);
  unread_items = g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices));
  g_assert_cmpuint (unread_items, ==, counts.unread);

  /* Enter on the row (the list's activate-item; a click on the row does
   * the same through messages.open): there is no 查看详情 button. */
  row = find_row (GTK_WIDGET (fixture.notices), wait.id);
  g_assert_nonnull (row);
  g_assert_false (has_plain_button (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_activate_action (find_by_type (GTK_WIDGET (fixture.notices),
                                                           GTK_TYPE_LIST_VIEW),
                                             "list.activate-item", "u",
                                             (guint) model_find (wait.id)));
  g_assert_true (kouan_test_wait_until (message_is_open, &wait));

  /* Counts move by one each way, but the list holds still: the row stays
   * where it was in 未读, now read, until the user leaves the tab. */
  counts.unread--;
  counts.read++;
  g_assert_true (kouan_test_wait_until (counts_are, &counts));
  g_assert_true (kouan_test_wait_until (model_row_read, &wait));
  g_assert_cmpint (model_find (wait.id), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), ==,
                    unread_items);

  /* The tab labels say so. */
  {
    g_autofree char *unread_label = g_strdup_printf ("Unread (%u)", counts.unread);
    g_autofree char *read_label = g_strdup_printf ("Read (%u)", counts.read);

    unread_tab = find_toggle_with_label_prefix (GTK_WIDGET (fixture.notices), unread_label);
    read_tab = find_toggle_with_label_prefix (GTK_WIDGET (fixture.notices), read_label);
    g_assert_nonnull (unread_tab);
    g_assert_nonnull (read_tab);
  }

  /* The detail shows the message, read. */
  g_assert_cmpint (kouan_messages_view_get_open_message_id (fixture.notices), ==, wait.id);
  detail = KOUAN_MESSAGE_DETAIL (find_by_type (GTK_WIDGET (fixture.notices),
                                               KOUAN_TYPE_MESSAGE_DETAIL));
  g_assert_nonnull (detail);
  kouan_test_spin (100);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  g_assert_nonnull (kouan_message_detail_get_message (detail));
  g_assert_cmpint (kouan_message_get_id (kouan_message_detail_get_message (detail)), ==, wait.id);
  g_assert_true (kouan_message_get_read (kouan_message_detail_get_message (detail)));

  /* Switching to the 已读 tab (by its button) shows it there, read. */
  g_assert_true (gtk_widget_activate (read_tab));
  g_assert_true (kouan_test_wait_until (read_tab_is_shown, NULL));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (read_tab)));
  g_assert_cmpint (model_find (wait.id), >=, 0);
  {
    g_autoptr(KouanMessage) opened = model_item (model_find (wait.id));

    g_assert_true (kouan_message_get_read (opened));
  }
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), ==,
                    counts.read);

  /* …and the server has it read. */
  g_assert_true (kouan_test_wait_until (server_row_read, &wait));

  /* The detail's own star button stars the open message, and the detail
   * follows the new version of it. */
  settle ();
  {
    StarWait star_wait = { wait.id, !kouan_message_get_starred (kouan_message_detail_get_message (detail)) };
    GtkWidget *detail_star = kouan_message_detail_get_star_button (detail);

    g_assert_true (gtk_widget_activate (detail_star));
    g_assert_true (kouan_test_wait_until (model_row_starred, &star_wait));
    g_assert_true (kouan_test_wait_until (detail_shows_star, &star_wait));
    g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (detail_star)), ==,
                     star_wait.starred);
  }

  /* Back in 未读, the message read there is gone. */
  g_assert_true (gtk_widget_activate (unread_tab));
  g_assert_true (kouan_test_wait_until (unread_tab_is_shown, NULL));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (read_tab)));
  g_assert_cmpint (model_find (wait.id), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (kouan_messages_view_get_model (fixture.notices)), ==,
                    unread_items - 1);
}

/* Sends a key the way GTK delivers it to the list view's own key handler
 * (GTK 4 has no public way to synthesize input events). */
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

static gboolean
activate_view_shortcut (const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture.notices));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *text = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_strcmp0 (text, trigger) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (fixture.notices),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}

static gboolean
star_has_focus (gpointer user_data)
{
  StarWait *wait = user_data;
  KouanMessageRow *row = find_row (GTK_WIDGET (fixture.notices), wait->id);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (fixture.notices));

  return row != NULL && gtk_root_get_focus (root) == kouan_message_row_get_star_button (row);
}

static void
test_keyboard (void)
{
  g_autoptr(KouanMessage) first = NULL;
  GtkWidget *list_view;
  GtkWidget *focus;
  GtkWidget *check;
  GtkRoot *root;
  StarWait wait;

  ensure_window ();

  root = gtk_widget_get_root (GTK_WIDGET (fixture.notices));
  list_view = find_by_type (GTK_WIDGET (fixture.notices), GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list_view);
  first = model_item (0);
  wait.id = kouan_message_get_id (first);
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));

  /* Ctrl+D stars the selected message, and again unstars it. */
  gtk_selection_model_select_item (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)), 0, TRUE);
  wait.starred = !kouan_message_get_starred (first);
  g_assert_true (activate_view_shortcut ("<Control>d"));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
  wait.starred = !wait.starred;
  g_assert_true (activate_view_shortcut ("<Control>d"));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));

  /* Tab goes into the list to a row's star (the row itself opens the
   * message: no 查看详情 button), then out of the list (not on to the next of possibly 100k rows). */
  settle ();
  check = find_actionable (GTK_WIDGET (fixture.notices), GTK_TYPE_CHECK_BUTTON,
                           "messages.starred-only");
  g_assert_true (gtk_widget_grab_focus (check));
  /* What the window does on Tab (the filter is the last control before
   * the list) */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, list_view));

  /* Tab lands on the row's star, either directly or from the item */
  if (gtk_widget_get_ancestor (focus, KOUAN_TYPE_MESSAGE_ROW) == NULL)
    g_assert_true (send_list_key (list_view, GDK_KEY_Tab, 0));
  focus = gtk_root_get_focus (root);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (focus));
  g_assert_true (gtk_widget_get_ancestor (focus, KOUAN_TYPE_MESSAGE_ROW) != NULL);

  /* Space on the focused star stars the message; the row comes back as a
   * new object, and focus and selection must stay with it. */
  wait.starred = !wait.starred;
  g_assert_true (gtk_widget_activate (gtk_root_get_focus (root)));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
  g_assert_true (kouan_test_wait_until (row_toggle_shows, &wait));
  g_assert_true (kouan_test_wait_until (star_has_focus, &wait));
  focus = gtk_root_get_focus (root);
  g_assert_cmpuint (gtk_single_selection_get_selected (
    GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)))), ==, 0);
  wait.starred = !wait.starred;
  /* The server's answer rebinds the row once more: focus must survive
   * that too. */
  settle ();
  g_assert_true (kouan_test_wait_until (star_has_focus, &wait));
  g_assert_true (gtk_widget_activate (gtk_root_get_focus (root)));
  g_assert_true (kouan_test_wait_until (model_row_starred, &wait));
  g_assert_true (kouan_test_wait_until (star_has_focus, &wait));

  g_assert_true (send_list_key (list_view, GDK_KEY_Tab, 0));
  focus = gtk_root_get_focus (root);
  g_assert_nonnull (focus);
  g_assert_false (gtk_widget_is_ancestor (focus, list_view));

  /* Shift+Tab from the list reaches the filter just before it. */
  g_assert_true (gtk_widget_grab_focus (check));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, list_view));
  g_assert_true (send_list_key (list_view, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == check || (focus != NULL && gtk_widget_is_ancestor (focus, check)));
}

/* --- narrow windows ---------------------------------------------------- */

static gboolean
leaflet_folded (gpointer user_data)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (user_data)) == (gboolean) GPOINTER_TO_INT (
    g_object_get_data (G_OBJECT (user_data), "want-folded"));
}

static gboolean
leaflet_shows_list (gpointer user_data)
{
  GtkWidget *list_view = find_by_type (GTK_WIDGET (fixture.notices), GTK_TYPE_LIST_VIEW);

  return gtk_widget_is_ancestor (list_view, adw_leaflet_get_visible_child (ADW_LEAFLET (user_data)));
}

static void
test_narrow_folds (void)
{
  g_autoptr(KouanMessage) first = NULL;
  GtkWidget *leaflet;
  GtkWindow *window;
  RowWait wait;
  int width, height;

  ensure_window ();
  settle ();
  window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (fixture.notices)));
  leaflet = find_by_type (GTK_WIDGET (fixture.notices), ADW_TYPE_LEAFLET);
  g_assert_nonnull (leaflet);
  gtk_window_get_default_size (window, &width, &height);

  /* 600 px: one pane */
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (TRUE));
  gtk_window_set_default_size (window, 600, height > 0 ? height : 700);
  g_assert_true (kouan_test_wait_until (leaflet_folded, leaflet));

  /* opening a message shows it in the pane; the way back is a button */
  first = model_item (0);
  wait.id = kouan_message_get_id (first);
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.notices), "messages.open", "x", wait.id));
  g_assert_true (kouan_test_wait_until (message_is_open, &wait));
  g_assert_true (gtk_widget_is_ancestor (find_by_type (GTK_WIDGET (fixture.notices), KOUAN_TYPE_MESSAGE_DETAIL),
                                         adw_leaflet_get_visible_child (ADW_LEAFLET (leaflet))));
  {
    GtkWidget *back = find_actionable (GTK_WIDGET (fixture.notices), GTK_TYPE_BUTTON, "messages.back");

    g_assert_nonnull (back);
    g_assert_true (gtk_widget_get_visible (back));
    g_assert_true (gtk_widget_activate (back));
  }
  /* (a keyboard-activated button emits "clicked" a moment later) */
  g_assert_true (kouan_test_wait_until (leaflet_shows_list, leaflet));

  /* wide again: both side by side, no back button */
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (FALSE));
  gtk_window_set_default_size (window, width > 720 ? width : 1100, height > 0 ? height : 700);
  g_assert_true (kouan_test_wait_until (leaflet_folded, leaflet));
  g_assert_false (gtk_widget_get_visible (find_actionable (GTK_WIDGET (fixture.notices), GTK_TYPE_BUTTON,
                                                           "messages.back")));
}

/* --- search ----------------------------------------------------------- */

static GListModel *
shown_model (void)
{
  GtkWidget *list_view = find_by_type (GTK_WIDGET (fixture.notices), GTK_TYPE_LIST_VIEW);

  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
}

typedef struct {
  gint64      id;
  const char *number;
} SearchWait;

/* The search shows @id, and every result carries @number */
static gboolean
search_shows (gpointer user_data)
{
  SearchWait *wait = user_data;
  GListModel *model = shown_model ();
  gboolean seen = FALSE;

  if (KOUAN_IS_MESSAGE_LIST (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model))))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (model, i);

      if (strstr (kouan_message_get_title (message), wait->number) == NULL &&
          strstr (kouan_message_get_body (message), wait->number) == NULL)
        return FALSE;
      seen = seen || kouan_message_get_id (message) == wait->id;
    }
  return seen;
}

static gboolean
list_is_back (gpointer user_data)
{
  return KOUAN_IS_MESSAGE_LIST (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (shown_model ())));
}

static gboolean
search_is_empty (gpointer user_data)
{
  return !list_is_back (NULL) && g_list_model_get_n_items (shown_model ()) == 0;
}

static void
test_search (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRegex) regex = g_regex_new ("报关单 ([0-9]{18})", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL;
  g_autofree char *spaced = NULL;
  g_autofree char *prefix = NULL;
  GtkWidget *entry;
  KouanMessage *message = NULL;
  SearchWait wait;

  ensure_window ();
  settle ();

  /* a notice of the demo about a 报关单, as the server wrote it */
  ids = kouan_store_search_messages (fixture.store, fixture.enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                     KOUAN_READ_FILTER_ALL, FALSE, "报关单", 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, >, 0);
  g_assert_true (kouan_store_load_messages (fixture.store, fixture.enterprise_id,
                                            (const gint64 *) ids->data, ids->len, messages, &error));
  for (guint i = 0; i < messages->len && message == NULL; i++)
    {
      KouanMessage *candidate = g_ptr_array_index (messages, i);

      if (candidate != NULL && g_regex_match (regex, kouan_message_get_title (candidate), 0, &match))
        message = candidate;
      else
        g_clear_pointer (&match, g_match_info_unref);
    }
  g_assert_nonnull (message);
  number = g_match_info_fetch (match, 1);
  wait.id = kouan_message_get_id (message);
  wait.number = number;

  /* Ctrl+F reaches the search field */
  entry = find_by_type (GTK_WIDGET (fixture.notices), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  g_assert_true (activate_view_shortcut ("<Control>f"));
  g_assert_true (gtk_widget_has_focus (entry) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (gtk_widget_get_root (entry)), entry));

  /* typed as on the paper, in groups: found, read or unread */
  spaced = g_strdup_printf ("%.4s %.4s %.4s %s", number, number + 4, number + 8, number + 12);
  gtk_editable_set_text (GTK_EDITABLE (entry), spaced);
  g_assert_true (kouan_test_wait_until (search_shows, &wait));

  /* by prefix, without spaces */
  prefix = g_strndup (number, 14);
  gtk_editable_set_text (GTK_EDITABLE (entry), prefix);
  wait.number = prefix;
  g_assert_true (kouan_test_wait_until (search_shows, &wait));

  /* the match is highlighted in the row's title */
  {
    g_autofree char *markup = kouan_message_highlight_markup (kouan_message_get_title (message), prefix);

    g_autofree char *marked = g_strdup_printf (">%s</span>%s", prefix, number + 14);

    /* what was typed is marked, the rest of the number follows */
    g_assert_nonnull (strstr (markup, marked));
  }
  g_assert_true (kouan_test_wait_until (row_is_shown, &wait));
  {
    KouanMessageRow *row = find_row (GTK_WIDGET (fixture.notices), wait.id);
    GtkWidget *label = find_by_type (GTK_WIDGET (row), GTK_TYPE_LABEL);

    g_assert_true (gtk_label_get_use_markup (GTK_LABEL (label)));
    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "<span background="));
  }

  /* another enterprise chosen while searching: the results of this one
   * are gone at once (their rows would open nothing there), and come
   * back with it */
  kouan_messages_view_set_enterprise_id (fixture.notices, fixture.enterprise_id + 1000);
  {
    GListModel *model = shown_model ();

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(KouanMessage) shown = g_list_model_get_item (model, i);

        g_assert_cmpint (kouan_message_get_enterprise_id (shown), !=, fixture.enterprise_id);
      }
  }
  kouan_messages_view_set_enterprise_id (fixture.notices, fixture.enterprise_id);
  g_assert_true (kouan_test_wait_until (search_shows, &wait));

  /* nothing matches a number the demo does not have */
  gtk_editable_set_text (GTK_EDITABLE (entry), "9999 9999 9999");
  g_assert_true (kouan_test_wait_until (search_is_empty, NULL));

  /* clearing the field brings the tab's list back */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_true (kouan_test_wait_until (list_is_back, NULL));
}

/* --- a pulled page redraws only its rows -------------------------------- */

static GQuark rebinds_quark;

static void
row_message_notified (GObject    *row,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  guint n = GPOINTER_TO_UINT (g_object_get_qdata (row, rebinds_quark));

  g_object_set_qdata (row, rebinds_quark, GUINT_TO_POINTER (n + 1));
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (KOUAN_IS_MESSAGE_ROW (widget))
    {
      if (gtk_widget_get_mapped (widget) &&
          kouan_message_row_get_message (KOUAN_MESSAGE_ROW (widget)) != NULL)
        g_ptr_array_add (rows, g_object_ref (widget));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static JsonObject *
record_of (KouanMessage *message,
           gint64        id,
           gint64        created_at,
           const char   *title)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "kind", "notice");
  json_object_set_string_member (record, "category", kouan_message_get_category (message));
  json_object_set_string_member (record, "title", title);
  json_object_set_string_member (record, "body", kouan_message_get_body (message));
  json_object_set_null_member (record, "severity");
  json_object_set_int_member (record, "created_at", created_at);
  json_object_set_boolean_member (record, "read", kouan_message_get_read (message));
  json_object_set_boolean_member (record, "starred", kouan_message_get_starred (message));
  return record;
}

static void
change_free (gpointer data)
{
  KouanChange *change = data;

  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

typedef struct {
  gint64      id;
  const char *title;
} TitleWait;

static gboolean
row_shows_title (gpointer user_data)
{
  TitleWait *wait = user_data;
  KouanMessageRow *row = find_row (GTK_WIDGET (fixture.notices), wait->id);

  return row != NULL &&
         g_strcmp0 (kouan_message_get_title (kouan_message_row_get_message (row)), wait->title) == 0;
}

/* GTK 4.8 rebinds every row whose position moved; rows whose message did
 * not change must keep it (and so their labels, tooltips and accessible
 * names). A page bringing old messages (below the screen) and a new title
 * for one row on screen rebinds that row only. */
static void
test_page_rebinds_only_changed_rows (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) target = NULL;
  KouanChangePage page = { fixture.enterprise_id, NULL, 0, FALSE };
  TitleWait wait;
  KouanMessageRow *target_row = NULL;
  guint kept = 0;

  ensure_window ();
  settle ();
  rebinds_quark = g_quark_from_static_string ("test-rebinds");

  collect_rows (GTK_WIDGET (fixture.notices), rows);
  g_assert_cmpuint (rows->len, >=, 3);
  for (guint i = 0; i < rows->len; i++)
    {
      gint64 id = kouan_message_get_id (kouan_message_row_get_message (rows->pdata[i]));

      g_array_append_val (shown, id);
      g_signal_connect (rows->pdata[i], "notify::message", G_CALLBACK (row_message_notified), NULL);
    }
  target_row = rows->pdata[1];
  target = g_object_ref (kouan_message_row_get_message (target_row));

  page.cursor = kouan_store_get_cursor (fixture.store, fixture.enterprise_id);
  page.changes = g_ptr_array_new_with_free_func (change_free);
  for (guint i = 0; i < 3; i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);

      change->collection = g_strdup ("messages");
      change->id = 900000 + i;
      /* the first newer than anything the demo has: at the top, so every
       * row on screen moves down one place; the others from 2001, below
       * the screen */
      change->record = record_of (target, change->id,
                                  i == 0 ? g_get_real_time () / G_USEC_PER_SEC + 86400 : 978307200 + i,
                                  i == 0 ? "新通知" : "旧通知");
      g_ptr_array_add (page.changes, change);
    }
  {
    KouanChange *change = g_new0 (KouanChange, 1);

    change->collection = g_strdup ("messages");
    change->id = kouan_message_get_id (target);
    change->record = record_of (target, change->id, kouan_message_get_created_at (target),
                                "标题已更新的通知");
    g_ptr_array_add (page.changes, change);
  }
  g_assert_true (kouan_store_apply_page (fixture.store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);

  wait.id = kouan_message_get_id (target);
  wait.title = "标题已更新的通知";
  g_assert_true (kouan_test_wait_until (row_shows_title, &wait));
  kouan_test_spin (200);

  /* The changed row shows its new title (GTK may give it a new row
   * widget); every other row still shows its message and was never
   * handed another one. */
  for (guint i = 0; i < rows->len; i++)
    {
      KouanMessageRow *row = rows->pdata[i];
      guint rebinds = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (row), rebinds_quark));

      KouanMessage *message = kouan_message_row_get_message (row);

      g_signal_handlers_disconnect_by_func (row, row_message_notified, NULL);
      if (row == target_row)
        continue;
      /* the last rows may have left the screen and been reused */
      if (message == NULL || kouan_message_get_id (message) != g_array_index (shown, gint64, i))
        {
          g_assert_cmpuint (i, >=, rows->len - 2);
          continue;
        }
      g_assert_cmpuint (rebinds, ==, 0);
      kept++;
    }
  g_assert_cmpuint (kept, >=, rows->len - 3);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/ui/messages/list-shows-synced", test_list_shows_synced);
  g_test_add_func ("/ui/messages/star-toggles-and-persists", test_star_toggles_and_persists);
  g_test_add_func ("/ui/messages/only-starred-filters", test_only_starred_filters);
  g_test_add_func ("/ui/messages/open-marks-read", test_open_marks_read);
  g_test_add_func ("/ui/messages/keyboard", test_keyboard);
  g_test_add_func ("/ui/messages/search", test_search);
  g_test_add_func ("/ui/messages/narrow-folds", test_narrow_folds);
  g_test_add_func ("/ui/messages/page-rebinds-only-changed-rows", test_page_rebinds_only_changed_rows);

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
