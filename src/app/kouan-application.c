/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kouan-application.h"
#include "widgets/kouan-accessible.h"
#include "kouan-client.h"
#include "kouan-window.h"
#include "login/kouan-login-window.h"

struct _KouanApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (KouanApplication, kouan_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The address of the Kouan server, e.g. https://kouan.example.com"), N_("URL") },
  { "account", 'a', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The account to log in with"), N_("NAME") },
  { NULL }
};

static KouanWindow *
find_main_window (KouanApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (KOUAN_IS_WINDOW (active))
    return KOUAN_WINDOW (active);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (KOUAN_IS_WINDOW (l->data))
      return KOUAN_WINDOW (l->data);

  return NULL;
}

static KouanLoginWindow *
find_login_window (KouanApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (KOUAN_IS_LOGIN_WINDOW (l->data))
      return KOUAN_LOGIN_WINDOW (l->data);

  return NULL;
}

/* bench-startup (docs/performance.md): with KOUAN_BENCH_EXIT_ON_FIRST_FRAME=1,
 * report the first painted frame of the first window, then quit. */
static void
on_first_frame_painted (GdkFrameClock *clock,
                        GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted, window);
  g_print ("first-frame %" G_GINT64_FORMAT " %s\n",
           g_get_monotonic_time (), G_OBJECT_TYPE_NAME (window));
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

static void
on_first_window_realized (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_first_frame_painted), window);
}

static void
kouan_application_watch_first_frame (KouanApplication *self,
                                     GtkWindow        *window)
{
  static gboolean watched;

  if (watched || g_strcmp0 (g_getenv ("KOUAN_BENCH_EXIT_ON_FIRST_FRAME"), "1") != 0)
    return;

  watched = TRUE;
  g_signal_connect_after (window, "realize", G_CALLBACK (on_first_window_realized), NULL);
}

void
kouan_application_show_login (KouanApplication *self,
                              const char       *server_url,
                              const char       *account)
{
  KouanLoginWindow *login;

  g_return_if_fail (KOUAN_IS_APPLICATION (self));

  login = find_login_window (self);
  if (login == NULL)
    {
      g_autofree char *saved_server = g_settings_get_string (self->settings, "server-url");
      g_autofree char *saved_account = g_settings_get_string (self->settings, "last-account");

      login = kouan_login_window_new (GTK_APPLICATION (self),
                                      server_url != NULL && *server_url != '\0'
                                        ? server_url : saved_server,
                                      account != NULL && *account != '\0'
                                        ? account : saved_account);
      kouan_application_watch_first_frame (self, GTK_WINDOW (login));
    }
  else
    {
      if (server_url != NULL)
        kouan_login_window_set_server_url (login, server_url);
      if (account != NULL)
        kouan_login_window_set_account (login, account);
    }

  gtk_window_present (GTK_WINDOW (login));
}

GtkWindow *
kouan_application_open_session (KouanApplication *self,
                                KouanClient      *client,
                                KouanStore       *store,
                                KouanSession     *session)
{
  KouanWindow *window;

  g_return_val_if_fail (KOUAN_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (KOUAN_IS_CLIENT (client), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  window = kouan_window_new (GTK_APPLICATION (self), client, store, session);
  kouan_application_watch_first_frame (self, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}

static void
on_logout_finished (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  /* An ended or expired token is as good as logged out; a server we cannot
   * reach will expire the token on its own. Either way the app forgot it. */
  if (!kouan_client_logout_finish (KOUAN_CLIENT (object), result, &error))
    g_debug ("Ending the session on the server failed: %s", error->message);

  g_application_release (app);
}

static void
logout_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer      user_data)
{
  KouanApplication *self = user_data;
  KouanWindow *window = find_main_window (self);
  KouanClient *client;
  g_autofree char *server_url = NULL;
  g_autofree char *account = NULL;

  if (window == NULL)
    return;

  client = kouan_window_get_client (window);
  server_url = g_strdup (kouan_client_get_base_url (client));
  account = g_strdup (kouan_window_get_account (window));

  if (kouan_client_get_token (client) != NULL)
    {
      /* Held so the request can finish after the last window closed. */
      g_application_hold (G_APPLICATION (self));
      kouan_client_logout_async (client, NULL, on_logout_finished, g_object_ref (self));
    }

  /* Open the login window first so the application never runs out of
   * windows and quits in between. Queued edits stay in the account's cache
   * and are sent after the next login. */
  kouan_application_show_login (self, server_url, account);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer      user_data)
{
  KouanApplication *self = user_data;
  static const char *developers[] = { "The Kouan developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about = adw_about_window_new ();
  /* The About window says what the store listing says: these are the
   * strings of data/io.github.kouan.Kouan.metainfo.xml.in (its first
   * paragraph, the newest release's notes); test-ui-shell compares them. */
  g_autofree char *release_notes =
    g_markup_printf_escaped ("<p>%s</p>",
                             _("The home page, the personal and administrator centers and credit insurance; "
                               "IC card login; a modern GNOME interface on libadwaita that follows the system's "
                               "dark style, fits a narrow window and has a keyboard shortcuts window."));

  g_object_set (about,
                "transient-for", parent,
                "modal", TRUE,
                "application-name", _("Kouan"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Kouan developers"),
                "comments", _("Kouan is a desktop client for a trade single window portal. It keeps the "
                              "notices and warnings of every enterprise you belong to on your computer, so you "
                              "can read them quickly, even without a connection, and lets enterprise "
                              "administrators run their enterprise's account."),
                "release-notes-version", PACKAGE_VERSION,
                "release-notes", release_notes,
                "website", "https://github.com/kouan/kouan",
                "issue-url", "https://github.com/kouan/kouan/issues",
                "license-type", GTK_LICENSE_GPL_3_0,
                "developers", developers,
                /* Translators: your names, one per line */
                "translator-credits", _("translator-credits"),
                "copyright", "© 2026 The Kouan developers",
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer      user_data)
{
  KouanApplication *self = user_data;
  GList *windows;

  /* Destroying the windows stops each session's sync engine cleanly
   * (their dispose cancels requests) before the main loop ends. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));

  g_application_quit (G_APPLICATION (self));
}

static void
open_warning_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer      user_data)
{
  KouanApplication *self = user_data;
  KouanWindow *window = find_main_window (self);
  KouanMessagesView *view;

  if (window == NULL)
    return;

  kouan_window_show_area (window, "warnings");
  gtk_window_present (GTK_WINDOW (window));

  view = kouan_window_get_messages_view (window, KOUAN_MESSAGE_KIND_WARNING);
  gtk_widget_activate_action (GTK_WIDGET (view), "messages.open", "x",
                              g_variant_get_int64 (parameter));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "logout", .activate = logout_activated },
  { .name = "open-warning", .activate = open_warning_activated, .parameter_type = "x" },
};

/* GTK 4.8 draws with OpenGL. Without a GPU (no DRI render node: a virtual
 * machine, a remote session, Xvfb) Mesa runs it in software (llvmpipe) and
 * every frame redraws the whole window on the CPU while the main loop
 * waits: a list taking in a first sync, a spinner, a scroll each cost a
 * full-window render (docs/performance.md, bench-ui-sync). GTK's cairo
 * renderer then redraws only what changed. GSK_RENDERER, when set, wins.
 * Read by GTK when the first window is realized, so it must be set
 * before. */
static void
kouan_application_choose_renderer (void)
{
#ifdef G_OS_UNIX
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return;
  g_debug ("No GPU render node: using GTK's cairo renderer");
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
#endif
}

static void
kouan_application_startup (GApplication *app)
{
  KouanApplication *self = KOUAN_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *sync_accels[] = { "F5", "<Control>r", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "<Control>question", "F1", NULL };
  static const struct { const char *action; const char *accel; } area_accels[] = {
    /* 0: 首页 came after the others were numbered, which stay put */
    { "win.show-area::home",      "<Control>0" },
    { "win.show-area::notices",   "<Control>1" },
    { "win.show-area::warnings",  "<Control>2" },
    { "win.show-area::personal",  "<Control>3" },
    { "win.show-area::admin",     "<Control>4" },
    { "win.show-area::insurance", "<Control>5" },
  };

  kouan_application_choose_renderer ();
  G_APPLICATION_CLASS (kouan_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync-now", sync_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  for (guint i = 0; i < G_N_ELEMENTS (area_accels); i++)
    {
      const char *accels[] = { area_accels[i].accel, NULL };

      gtk_application_set_accels_for_action (GTK_APPLICATION (self), area_accels[i].action, accels);
    }

  gtk_window_set_default_icon_name (APP_ID);
  /* AdwApplication loads style.css (and style-dark.css) from the resource
   * base path and follows the system's dark preference through
   * AdwStyleManager; GtkApplication loads gtk/help-overlay.ui as the
   * windows' shortcuts window (win.show-help-overlay, Ctrl+?). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
}

static void
kouan_application_activate (GApplication *app)
{
  KouanApplication *self = KOUAN_APPLICATION (app);
  KouanWindow *window = find_main_window (self);

  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
  else
    kouan_application_show_login (self, NULL, NULL);
}

static int
kouan_application_command_line (GApplication            *app,
                                GApplicationCommandLine *command_line)
{
  KouanApplication *self = KOUAN_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *server_url = NULL;
  const char *account = NULL;
  KouanWindow *window;

  g_variant_dict_lookup (options, "server", "&s", &server_url);
  g_variant_dict_lookup (options, "account", "&s", &account);

  /* A running session wins over a second `kouan --server …`: the user
   * logs out first to switch servers, so no window is lost silently. */
  window = find_main_window (self);
  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
  else
    kouan_application_show_login (self, server_url, account);

  return EXIT_SUCCESS;
}

static void
kouan_application_dispose (GObject *object)
{
  KouanApplication *self = KOUAN_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kouan_application_parent_class)->dispose (object);
}

static void
kouan_application_class_init (KouanApplicationClass *klass)
{
  kouan_accessible_install_fixes ();

  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kouan_application_dispose;

  app_class->startup = kouan_application_startup;
  app_class->activate = kouan_application_activate;
  app_class->command_line = kouan_application_command_line;
}

static void
kouan_application_init (KouanApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

KouanApplication *
kouan_application_new (void)
{
  return g_object_new (KOUAN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/kouan/Kouan",
                       NULL);
}

GSettings *
kouan_application_get_settings (KouanApplication *self)
{
  g_return_val_if_fail (KOUAN_IS_APPLICATION (self), NULL);

  return self->settings;
}
