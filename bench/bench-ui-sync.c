/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-ui-sync: the real KouanWindow performing the first sync of an
 * account with 100k notices, 100k warnings and 100k risk articles
 * (docs/performance.md). In one run, against one kouan-server:
 *
 *  1. headless: KouanSync run_once of the window's enterprise into a fresh
 *     cache (the reference, as bench-sync measures it);
 *  2. window: KouanApplication opens that session over another fresh cache
 *     straight into the main window, showing the notices, and its own
 *     KouanSync pulls everything while this program measures
 *     - the lateness of a 1 ms GLib timeout on the main loop (how long the
 *       window could not react),
 *     - the intervals between frames (a tick callback keeps the
 *       GdkFrameClock running),
 *     - the main-thread time of scrolling the list and of opening a
 *       message, done every 200 ms and every second;
 *     the sync ends when the window's cache holds the headless cursor;
 *  3. headless again, so the window is compared with the mean of both.
 *
 * Figures are printed, never asserted. Run it under a display: the run
 * target uses xvfb-run and dbus-run-session. */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "kouan-application.h"
#include "kouan-bench.h"
#include "kouan-enterprise.h"
#include "kouan-message.h"
#include "kouan-sync.h"
#include "kouan-window.h"
#include "messages/kouan-messages-view.h"

static guint scale = 100000;
static char *schema_dir;

static GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Notices, warnings and risk articles (each)", "N" },
  { "schema-dir", 0, 0, G_OPTION_ARG_FILENAME, &schema_dir, "Compiled GSettings schemas", "DIR" },
  { NULL }
};

#define SYNC_TIMEOUT_S   1800
#define SCROLL_EVERY_MS  200
#define OPEN_EVERY_MS    1000

typedef struct {
  /* fixed for the run */
  KouanClient   *client;
  KouanSession  *session;         /* owned by the window once it opens */
  GPtrArray     *enterprises;     /* the session's, kept */
  char          *dir;
  gint64         enterprise_id;
  gint64         target_cursor;

  /* the window run */
  KouanStore    *store;
  KouanWindow   *window;
  GtkListView   *list_view;
  gint64         start_us;
  double         window_seconds;
  gboolean       done;
  gint64         last_tick_us;
  gint64         last_frame_us;
  GArray        *lateness_ms;      /* double */
  GArray        *frame_ms;         /* double */
  GArray        *scroll_ms;        /* double */
  GArray        *open_ms;          /* double */
  GArray        *headless_lateness_ms;  /* double, both headless runs */
  guint          tick_source, poll_source, scroll_source, open_source;
  guint          frame_tick;
} Run;

static Run run;

/* --- figures ---------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0;
  i = (guint) (p / 100.0 * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

static guint
count_over (GArray *values,
            double  limit)
{
  guint n = 0;

  for (guint i = 0; i < values->len; i++)
    n += g_array_index (values, double, i) > limit;
  return n;
}

static void
print_distribution (const char *what,
                    GArray     *values)
{
  g_array_sort (values, compare_doubles);
  printf ("%-44s n=%-7u p50 %7.2f  p95 %7.2f  p99 %7.2f  max %8.2f ms   >16 ms: %u  >50 ms: %u  >100 ms: %u\n",
          what, values->len,
          percentile (values, 50), percentile (values, 95), percentile (values, 99),
          percentile (values, 100),
          count_over (values, 16), count_over (values, 50), count_over (values, 100));
}

/* --- headless reference ----------------------------------------------- */

static gint64 headless_last_tick_us;

/* The same 1 ms timeout on the headless run's main loop, which only runs
 * libsoup's callbacks: the floor the machine's load sets for lateness. */
static gboolean
headless_lateness_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  double late = (now - headless_last_tick_us - 1000) / 1000.0;

  g_array_append_val (run.headless_lateness_ms, late);
  headless_last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static KouanStore *
open_fresh_store (const char *name)
{
  g_autofree char *path = g_build_filename (run.dir, name, NULL);
  g_autoptr(GError) error = NULL;
  KouanStore *store = kouan_store_open (path, &error);

  if (store == NULL)
    kouan_bench_die ("opening %s: %s", path, error->message);
  if (!kouan_store_save_enterprises (store, run.enterprises, &error))
    kouan_bench_die ("saving enterprises: %s", error->message);
  return store;
}

/* One full sync of the window's enterprise without a window; seconds. */
static double
sync_headless (const char *name,
               gint64     *cursor)
{
  g_autoptr(KouanStore) store = open_fresh_store (name);
  g_autoptr(KouanSync) sync = kouan_sync_new (run.client, store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  gint64 start;
  double seconds;

  guint tick;

  kouan_sync_set_enterprise_id (sync, run.enterprise_id);
  start = g_get_monotonic_time ();
  headless_last_tick_us = start;
  tick = g_timeout_add (1, headless_lateness_cb, NULL);
  kouan_sync_run_once_async (sync, NULL, wait_done, &wait);
  g_main_loop_run (wait.loop);
  seconds = kouan_bench_seconds_since (start);
  g_source_remove (tick);
  g_main_loop_unref (wait.loop);
  result = wait.result;
  if (!kouan_sync_run_once_finish (sync, result, &error))
    kouan_bench_die ("headless sync failed: %s", error->message);

  *cursor = kouan_store_get_cursor (store, run.enterprise_id);
  return seconds;
}

/* --- the window run --------------------------------------------------- */

static gboolean
lateness_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  double late = (now - run.last_tick_us - 1000) / 1000.0;

  g_array_append_val (run.lateness_ms, late);
  run.last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (run.last_frame_us != 0)
    {
      double interval = (now - run.last_frame_us) / 1000.0;

      g_array_append_val (run.frame_ms, interval);
    }
  run.last_frame_us = now;
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The user scrolls the notices down a page, and from the top again at
 * the end. */
static gboolean
scroll_cb (gpointer user_data)
{
  GtkAdjustment *adjustment;
  gint64 start = g_get_monotonic_time ();
  double value, took;

  if (run.list_view == NULL)
    run.list_view = GTK_LIST_VIEW (find_descendant (GTK_WIDGET (kouan_window_get_messages_view (run.window,
                                                                                              KOUAN_MESSAGE_KIND_NOTICE)),
                                                    GTK_TYPE_LIST_VIEW));
  if (run.list_view == NULL)
    return G_SOURCE_CONTINUE;
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (run.list_view));
  value = gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment);
  if (value + gtk_adjustment_get_page_size (adjustment) > gtk_adjustment_get_upper (adjustment))
    value = gtk_adjustment_get_lower (adjustment);
  gtk_adjustment_set_value (adjustment, value);
  took = (g_get_monotonic_time () - start) / 1000.0;
  g_array_append_val (run.scroll_ms, took);
  return G_SOURCE_CONTINUE;
}

/* The user opens the message at the fifth row of what the list holds. */
static gboolean
open_cb (gpointer user_data)
{
  KouanMessagesView *view = kouan_window_get_messages_view (run.window, KOUAN_MESSAGE_KIND_NOTICE);
  GListModel *model = kouan_messages_view_get_model (view);
  g_autoptr(KouanMessage) message = NULL;
  gint64 start;
  double took;

  if (g_list_model_get_n_items (model) < 5)
    return G_SOURCE_CONTINUE;
  message = g_list_model_get_item (model, 4);
  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (view), "messages.open", "x", kouan_message_get_id (message));
  took = (g_get_monotonic_time () - start) / 1000.0;
  g_array_append_val (run.open_ms, took);
  if (kouan_messages_view_get_open_message_id (view) != kouan_message_get_id (message))
    kouan_bench_die ("opening message %" G_GINT64_FORMAT " did not show it",
                     kouan_message_get_id (message));
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_cb (gpointer user_data)
{
  GApplication *app = user_data;

  if (kouan_store_get_cursor (run.store, run.enterprise_id) < run.target_cursor)
    {
      if (kouan_bench_seconds_since (run.start_us) > SYNC_TIMEOUT_S)
        kouan_bench_die ("the window did not finish its sync within %d s", SYNC_TIMEOUT_S);
      return G_SOURCE_CONTINUE;
    }

  run.window_seconds = kouan_bench_seconds_since (run.start_us);
  run.done = TRUE;
  run.poll_source = 0;
  g_clear_handle_id (&run.tick_source, g_source_remove);
  g_clear_handle_id (&run.scroll_source, g_source_remove);
  g_clear_handle_id (&run.open_source, g_source_remove);
  gtk_widget_remove_tick_callback (GTK_WIDGET (run.window), run.frame_tick);
  gtk_window_destroy (GTK_WINDOW (run.window));
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

/* Runs instead of KouanApplication's own command-line handler (the
 * signal's first handler wins). */
static int
open_window (GApplication            *app,
             GApplicationCommandLine *command_line)
{
  run.store = open_fresh_store ("window.db");

  run.lateness_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.scroll_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.open_ms = g_array_new (FALSE, FALSE, sizeof (double));

  run.start_us = g_get_monotonic_time ();
  run.last_tick_us = run.start_us;
  run.tick_source = g_timeout_add (1, lateness_cb, NULL);

  run.window = KOUAN_WINDOW (kouan_application_open_session (KOUAN_APPLICATION (app), run.client,
                                                             run.store, run.session));
  if (kouan_window_get_enterprise_id (run.window) != run.enterprise_id)
    kouan_bench_die ("the window chose enterprise %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
                     kouan_window_get_enterprise_id (run.window), run.enterprise_id);
  kouan_window_show_area (run.window, "notices");
  gtk_widget_realize (GTK_WIDGET (run.window));
  printf ("renderer: %s (GSK_RENDERER=%s)\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (run.window))),
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "unset");
  fflush (stdout);
  run.frame_tick = gtk_widget_add_tick_callback (GTK_WIDGET (run.window), frame_cb, NULL, NULL);

  run.poll_source = g_timeout_add (50, poll_cb, app);
  run.scroll_source = g_timeout_add (SCROLL_EVERY_MS, scroll_cb, NULL);
  run.open_source = g_timeout_add (OPEN_EVERY_MS, open_cb, NULL);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- the first sync in the real window");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanTestServer) server = NULL;
  g_autoptr(KouanApplication) app = NULL;
  g_autoptr(KouanStore) check = NULL;
  char *app_argv[] = { argv[0], NULL };
  double server_seconds, headless_1, headless_2, headless;
  gint64 cursor_2;
  guint messages_window, messages_headless;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    kouan_bench_die ("%s", error->message);

  /* a private user data dir, settings in memory: nothing of the user's
   * own Kouan is read or written */
  run.headless_lateness_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.dir = g_dir_make_tmp ("kouan-bench-ui-sync-XXXXXX", &error);
  if (run.dir == NULL)
    kouan_bench_die ("%s", error->message);
  g_setenv ("XDG_DATA_HOME", run.dir, TRUE);
  g_setenv ("KOUAN_SERVER_PATH", KOUAN_BENCH_SERVER_PATH, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (schema_dir != NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);

  kouan_bench_print_load ("start");
  server = kouan_bench_start_server (scale, &server_seconds);
  run.client = kouan_client_new (kouan_test_server_get_url (server), &error);
  if (run.client == NULL)
    kouan_bench_die ("%s", error->message);
  run.session = kouan_bench_login (run.client);
  run.enterprises = g_ptr_array_ref (run.session->enterprises);
  if (run.session->enterprises->len == 0)
    kouan_bench_die ("the demo account has no enterprise");
  run.enterprise_id = kouan_enterprise_get_id (g_ptr_array_index (run.session->enterprises, 0));
  printf ("kouan-server --demo --demo-scale %u seeded and listening in %.1f s\n", scale, server_seconds);
  fflush (stdout);

  headless_1 = sync_headless ("headless-1.db", &run.target_cursor);
  printf ("headless sync (KouanSync run_once of enterprise %" G_GINT64_FORMAT "), 1st: %.1f s\n",
          run.enterprise_id, headless_1);
  fflush (stdout);

  app = kouan_application_new ();
  g_signal_connect (app, "command-line", G_CALLBACK (open_window), NULL);
  g_application_run (G_APPLICATION (app), 1, app_argv);
  if (!run.done)
    kouan_bench_die ("the window closed before its sync ended");
  printf ("window sync (KouanWindow, its own KouanSync): %.1f s\n", run.window_seconds);
  fflush (stdout);

  headless_2 = sync_headless ("headless-2.db", &cursor_2);
  printf ("headless sync, 2nd: %.1f s\n", headless_2);

  /* the window's cache must hold what the headless one does */
  messages_window = kouan_store_count_messages (run.store, run.enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE) +
                    kouan_store_count_messages (run.store, run.enterprise_id, KOUAN_MESSAGE_KIND_WARNING,
                                                KOUAN_READ_FILTER_ALL, FALSE);
  {
    g_autofree char *path = g_build_filename (run.dir, "headless-2.db", NULL);

    check = kouan_store_open (path, &error);
    if (check == NULL)
      kouan_bench_die ("%s", error->message);
  }
  messages_headless = kouan_store_count_messages (check, run.enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                                  KOUAN_READ_FILTER_ALL, FALSE) +
                      kouan_store_count_messages (check, run.enterprise_id, KOUAN_MESSAGE_KIND_WARNING,
                                                  KOUAN_READ_FILTER_ALL, FALSE);
  if (messages_window != messages_headless)
    kouan_bench_die ("the window's cache holds %u messages, the headless one %u",
                     messages_window, messages_headless);

  headless = (headless_1 + headless_2) / 2;
  printf ("\nenterprise %" G_GINT64_FORMAT ": %u notices and warnings\n", run.enterprise_id, messages_window);
  printf ("window sync / headless (mean of both): %.1f s / %.1f s = %.2f×\n",
          run.window_seconds, headless, run.window_seconds / headless);
  print_distribution ("main-loop lateness of a 1 ms timeout", run.lateness_ms);
  print_distribution ("  the same during the headless syncs", run.headless_lateness_ms);
  print_distribution ("frame intervals (GdkFrameClock ticks)", run.frame_ms);
  print_distribution ("scrolling the list a page (main thread)", run.scroll_ms);
  print_distribution ("opening a message (main thread)", run.open_ms);
  kouan_bench_print_load ("end");

  g_clear_object (&run.store);
  g_clear_object (&check);
  g_clear_pointer (&run.enterprises, g_ptr_array_unref);
  kouan_bench_remove_tree (run.dir);
  return 0;
}
