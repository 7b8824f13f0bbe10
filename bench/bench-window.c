/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-bench-window: Kouan's own code, started like src/app/main.c, that
 * opens the cached session offline straight into the main window (what
 * the login window's "work offline" does, without the clicks). The real
 * `kouan` always starts at its login window; this is how bench-startup
 * measures the start of the main window over a 100k-message cache. The
 * first frame is reported by KouanApplication itself when
 * KOUAN_BENCH_EXIT_ON_FIRST_FRAME=1, as for the real `kouan`. */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include <stdio.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-window.h"

/* Says how many notices the list held when the first frame was painted,
 * so the benchmark shows whether that frame had the list or an empty
 * view still waiting for it. Connected after the app's own first-frame
 * hook, it runs in the same frame. */
static void
after_first_paint (GdkFrameClock *clock,
                   KouanWindow   *window)
{
  KouanMessagesView *view = kouan_window_get_messages_view (window, KOUAN_MESSAGE_KIND_NOTICE);

  g_signal_handlers_disconnect_by_func (clock, after_first_paint, window);
  printf ("listed-at-first-frame %u\n",
          g_list_model_get_n_items (kouan_messages_view_get_model (view)));
  fflush (stdout);
}

static void
window_realized (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_first_paint), window);
}

/* Runs instead of KouanApplication's own command-line handler (the
 * signal's first handler wins), with the same --server and --account. */
static int
open_cached_session (GApplication            *app,
                     GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autofree char *path = NULL;
  KouanSession *session;
  GtkWindow *window;
  const char *server_url = NULL;
  const char *account = NULL;

  if (!g_variant_dict_lookup (options, "server", "&s", &server_url) ||
      !g_variant_dict_lookup (options, "account", "&s", &account))
    {
      g_application_command_line_printerr (command_line, "--server and --account are required\n");
      return 1;
    }

  client = kouan_client_new (server_url, &error);
  path = kouan_store_default_path (server_url, account);
  store = client != NULL ? kouan_store_open (path, &error) : NULL;
  if (store == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      return 1;
    }

  session = g_new0 (KouanSession, 1);
  session->enterprises = kouan_store_list_enterprises (store, &error);
  if (session->enterprises == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      kouan_session_free (session);
      return 1;
    }
  session->account = g_strdup (account);
  session->name = g_strdup (account);

  window = kouan_application_open_session (KOUAN_APPLICATION (app), client, store, session);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    window_realized (GTK_WIDGET (window));
  else
    g_signal_connect_after (window, "realize", G_CALLBACK (window_realized), NULL);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KouanApplication) app = NULL;
  const char *localedir = g_getenv ("KOUAN_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name (_("Kouan"));

  app = kouan_application_new ();
  g_signal_connect (app, "command-line", G_CALLBACK (open_cached_session), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
