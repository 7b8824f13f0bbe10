/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-accessible.h"

#include <glib/gi18n.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-card-dialog.h"
#include "kouan-login-window-private.h"
#include "kouan-store.h"

/* Keys kept with each account's cache (kouan_store_set_meta), so the app
 * can open it offline without asking the server who the user is. */
#define META_USER_NAME "user-name"
#define META_USER_ID   "user-id"

struct _KouanLoginWindow
{
  GtkApplicationWindow  parent_instance;

  /* template widgets */
  GtkWidget            *account_entry;
  GtkWidget            *card_button;
  GtkWidget            *error_label;
  GtkWidget            *error_revealer;
  GtkWidget            *login_button;
  GtkWidget            *login_label;
  GtkWidget            *offline_button;
  GtkWidget            *password_entry;
  GtkWidget            *server_entry;
  GtkWidget            *spinner;

  /* owned */
  GCancellable         *cancellable;
  KouanClient          *client;         /* of the login under way */
  char                 *server_url;     /* as used for the login under way */
  char                 *account;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (KouanLoginWindow, kouan_login_window, GTK_TYPE_APPLICATION_WINDOW)

/* What the worker thread needs to open the cache; also carries the
 * session into and out of it. */
typedef struct {
  char         *store_path;
  char         *server_url;
  char         *account;
  KouanSession *session;   /* NULL when opening offline: built from the cache */
} OpenStoreData;

static void
open_store_data_free (OpenStoreData *data)
{
  g_free (data->store_path);
  g_free (data->server_url);
  g_free (data->account);
  g_clear_pointer (&data->session, kouan_session_free);
  g_free (data);
}

static void
kouan_login_window_set_busy (KouanLoginWindow *self,
                             gboolean          busy)
{
  self->busy = busy;

  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_label_set_text_with_mnemonic (GTK_LABEL (self->login_label),
                                    busy ? _("Logging In…") : _("_Log In"));

  /* The fields keep their text and the focus; they only stop taking input
   * while the request is under way. (Making a focused entry insensitive
   * would move the focus away from where the user was typing.) A second
   * Log In while busy is ignored by kouan_login_window_log_in(). */
  gtk_editable_set_editable (GTK_EDITABLE (self->server_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->account_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_entry), !busy);
  gtk_widget_set_sensitive (self->offline_button, !busy);
  gtk_widget_set_sensitive (self->card_button, !busy);

  gtk_accessible_update_state (GTK_ACCESSIBLE (self->login_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy,
                               -1);
}

static void
kouan_login_window_show_error (KouanLoginWindow *self,
                               const char       *message,
                               gboolean          offer_offline)
{
  gtk_label_set_label (GTK_LABEL (self->error_label), message);
  gtk_widget_set_visible (self->offline_button, offer_offline);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->login_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
}

static void
kouan_login_window_hide_error (KouanLoginWindow *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
  gtk_widget_set_visible (self->offline_button, FALSE);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->login_button),
                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static gboolean
cache_exists (const char *server_url,
              const char *account)
{
  g_autofree char *path = kouan_store_default_path (server_url, account);

  /* A stat is cheap enough for the main thread; opening is not. */
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Turns a login failure into what the user should know and do. */
static void
kouan_login_window_show_login_error (KouanLoginWindow *self,
                                     const GError     *error)
{
  g_autofree char *message = NULL;
  gboolean offer_offline = FALSE;

  g_debug ("Login to %s failed: %s", self->server_url, error->message);

  if (error->domain != KOUAN_API_ERROR)
    {
      message = g_strdup (_("Logging in failed unexpectedly. Try again; if it keeps failing, "
                            "ask your administrator."));
      kouan_login_window_show_error (self, message, FALSE);
      return;
    }

  switch ((KouanApiError) error->code)
    {
    case KOUAN_API_ERROR_INVALID_CREDENTIALS:
      message = g_strdup (_("The account or password is wrong. Check them and try again."));
      gtk_widget_grab_focus (self->password_entry);
      gtk_editable_select_region (GTK_EDITABLE (self->password_entry), 0, -1);
      break;

    case KOUAN_API_ERROR_NETWORK:
      /* Translators: %s is the server address the user typed */
      message = g_strdup_printf (_("Cannot reach the server at %s. Check the address and that "
                                   "the server is running, then try again."),
                                 self->server_url);
      offer_offline = cache_exists (self->server_url, self->account);
      break;

    case KOUAN_API_ERROR_TLS:
      message = g_strdup (_("The server’s security certificate is not trusted, so Kouan did not "
                            "send your password. Check the address, or ask your administrator "
                            "for the server’s certificate."));
      break;

    case KOUAN_API_ERROR_THROTTLED:
      {
        /* The server's Retry-After, rounded up to whole minutes. */
        guint seconds = kouan_client_get_retry_after (self->client);
        guint minutes = MAX (1, (seconds + 59) / 60);

        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Too many failed attempts. Wait %u minute, "
                                                "then try again.",
                                                "Too many failed attempts. Wait %u minutes, "
                                                "then try again.",
                                                minutes),
                                   minutes);
      }
      break;

    case KOUAN_API_ERROR_INVALID_URL:
      message = g_strdup (_("This is not a server address Kouan can use. It looks like "
                            "https://kouan.example.com."));
      gtk_widget_grab_focus (self->server_entry);
      break;

    case KOUAN_API_ERROR_SERVER:
    case KOUAN_API_ERROR_INVALID_RESPONSE:
    case KOUAN_API_ERROR_NOT_FOUND:
      /* Translators: %s is the server address the user typed */
      message = g_strdup_printf (_("The server at %s did not answer as a Kouan server should. "
                                   "Check the address, or try again later."),
                                 self->server_url);
      break;

    case KOUAN_API_ERROR_BAD_REQUEST:
    case KOUAN_API_ERROR_UNAUTHORIZED:
    case KOUAN_API_ERROR_FORBIDDEN:
    case KOUAN_API_ERROR_CONFLICT:
    case KOUAN_API_ERROR_TOO_LARGE:
    default:
      message = g_strdup (_("The server refused to log you in. Try again; if it keeps failing, "
                            "ask your administrator."));
      break;
    }

  kouan_login_window_show_error (self, message, offer_offline);
}

static void
kouan_login_window_show_store_error (KouanLoginWindow *self,
                                     const GError     *error)
{
  g_debug ("Opening the cache failed: %s", error->message);

  if (g_error_matches (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_TOO_NEW))
    kouan_login_window_show_error (self,
                                   _("The messages saved on this computer were written by a newer "
                                     "version of Kouan. Update Kouan to open them."),
                                   FALSE);
  else
    kouan_login_window_show_error (self,
                                   _("Kouan could not open the messages saved on this computer. "
                                     "Check that your home folder has free space and try again."),
                                   FALSE);
}

/* Worker thread: the cache is SQLite, opening may migrate it. */
static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  OpenStoreData *data = task_data;
  g_autoptr(KouanStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = kouan_store_open (data->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->session != NULL)
    {
      g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, data->session->user_id);

      if (!kouan_store_save_enterprises (store, data->session->enterprises, &error) ||
          !kouan_store_set_meta (store, META_USER_NAME, data->session->name, &error) ||
          !kouan_store_set_meta (store, META_USER_ID, user_id, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      /* Offline: rebuild a session (without a token) from what the last
       * online login saved. The sync engine will find the server
       * unreachable, and once it is back, ask the user to log in again. */
      g_autoptr(KouanSession) session = g_new0 (KouanSession, 1);
      g_autofree char *user_id = kouan_store_get_meta (store, META_USER_ID);

      session->enterprises = kouan_store_list_enterprises (store, &error);
      if (session->enterprises == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      session->account = g_strdup (data->account);
      session->name = kouan_store_get_meta (store, META_USER_NAME);
      session->user_id = user_id != NULL ? g_ascii_strtoll (user_id, NULL, 10) : 0;
      data->session = g_steal_pointer (&session);
    }

  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
on_store_opened (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KouanLoginWindow) self = user_data;
  GTask *task = G_TASK (result);
  OpenStoreData *data = g_task_get_task_data (task);
  g_autoptr(KouanStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkApplication *app;

  store = g_task_propagate_pointer (task, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  kouan_login_window_set_busy (self, FALSE);

  if (store == NULL)
    {
      kouan_login_window_show_store_error (self, error);
      return;
    }

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app == NULL || !KOUAN_IS_APPLICATION (app))
    return;

  /* Remember where and as whom, never the password. */
  {
    GSettings *settings = kouan_application_get_settings (KOUAN_APPLICATION (app));

    g_settings_set_string (settings, "server-url", data->server_url);
    g_settings_set_string (settings, "last-account", data->account);
  }

  kouan_application_open_session (KOUAN_APPLICATION (app),
                                  self->client,
                                  store,
                                  g_steal_pointer (&data->session));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
kouan_login_window_open_store (KouanLoginWindow *self,
                               KouanSession     *session)
{
  g_autoptr(GTask) task = NULL;
  OpenStoreData *data;

  data = g_new0 (OpenStoreData, 1);
  data->store_path = kouan_store_default_path (self->server_url, self->account);
  data->server_url = g_strdup (self->server_url);
  data->account = g_strdup (self->account);
  data->session = session;

  kouan_login_window_set_busy (self, TRUE);

  task = g_task_new (NULL, self->cancellable, on_store_opened, g_object_ref (self));
  g_task_set_source_tag (task, kouan_login_window_open_store);
  g_task_set_task_data (task, data, (GDestroyNotify) open_store_data_free);
  g_task_run_in_thread (task, open_store_thread);
}

static void
on_login_finished (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanLoginWindow) self = user_data;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = kouan_client_login_finish (KOUAN_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  if (session == NULL)
    {
      kouan_login_window_set_busy (self, FALSE);
      kouan_login_window_show_login_error (self, error);
      return;
    }

  kouan_login_window_open_store (self, g_steal_pointer (&session));
}

static char *
normalize_server_url (const char *text)
{
  g_autofree char *url = g_strstrip (g_strdup (text));
  gsize len = strlen (url);

  /* "https://host/" and "https://host" are the same server; the cache file
   * name is derived from the URL, so keep one spelling. */
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return g_steal_pointer (&url);
}

void
kouan_login_window_log_in (KouanLoginWindow *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *account = NULL;
  const char *password;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KOUAN_IS_LOGIN_WINDOW (self));

  if (self->busy)
    return;

  server_url = normalize_server_url (gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  account = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->account_entry))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (*server_url == '\0' || *account == '\0' || *password == '\0')
    {
      GtkWidget *first_empty = *server_url == '\0' ? self->server_entry
                               : *account == '\0' ? self->account_entry
                               : self->password_entry;

      kouan_login_window_show_error (self,
                                     _("Enter the server address, your account and your password."),
                                     FALSE);
      gtk_widget_grab_focus (first_empty);
      return;
    }

  if (strstr (server_url, "://") == NULL)
    {
      kouan_login_window_show_error (self,
                                     _("Start the server address with https:// (or http:// for a "
                                       "server on this computer), for example "
                                       "https://kouan.example.com."),
                                     FALSE);
      gtk_widget_grab_focus (self->server_entry);
      return;
    }

  client = kouan_client_new (server_url, &error);
  if (client == NULL)
    {
      g_debug ("Invalid server URL %s: %s", server_url, error->message);
      kouan_login_window_show_error (self,
                                     _("This is not a server address Kouan can use. It looks like "
                                       "https://kouan.example.com."),
                                     FALSE);
      gtk_widget_grab_focus (self->server_entry);
      return;
    }

  g_set_object (&self->client, client);
  g_free (self->server_url);
  self->server_url = g_steal_pointer (&server_url);
  g_free (self->account);
  self->account = g_steal_pointer (&account);

  kouan_login_window_hide_error (self);
  kouan_login_window_set_busy (self, TRUE);

  kouan_client_login_async (self->client, self->account, password, self->cancellable,
                            on_login_finished, g_object_ref (self));
}

static void
on_login_clicked (KouanLoginWindow *self)
{
  kouan_login_window_log_in (self);
}

static void
on_card_logged_in (KouanLoginWindow *self,
                   KouanCardDialog  *dialog)
{
  g_autoptr(KouanClient) client = NULL;
  KouanSession *session = kouan_card_dialog_take_session (dialog, &client);

  /* Unparented first: the dialog may outlive this window by a moment
   * (its own callback still holds it), and must not reach back into it. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (session == NULL)
    return;
  kouan_login_window_open_card_session (self, client, session);
}

void
kouan_login_window_open_card_session (KouanLoginWindow *self,
                                      KouanClient      *client,
                                      KouanSession     *session)
{
  g_return_if_fail (KOUAN_IS_LOGIN_WINDOW (self));
  g_return_if_fail (KOUAN_IS_CLIENT (client));
  g_return_if_fail (session != NULL);

  /* The card decides the account; the cache is that account's. */
  g_set_object (&self->client, client);
  g_free (self->server_url);
  self->server_url = g_strdup (kouan_client_get_base_url (client));
  g_free (self->account);
  self->account = g_strdup (session->account);
  kouan_login_window_set_account (self, session->account);

  kouan_login_window_hide_error (self);
  kouan_login_window_open_store (self, session);
}

static void
on_card_clicked (KouanLoginWindow *self)
{
  g_autofree char *server_url = NULL;
  KouanCardDialog *dialog;

  if (self->busy)
    return;

  server_url = normalize_server_url (gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  if (*server_url == '\0' || strstr (server_url, "://") == NULL)
    {
      kouan_login_window_show_error (self,
                                     _("Enter the server address first, for example "
                                       "https://kouan.example.com."),
                                     FALSE);
      gtk_widget_grab_focus (self->server_entry);
      return;
    }

  kouan_login_window_hide_error (self);
  dialog = kouan_card_dialog_new (GTK_WINDOW (self), server_url);
  g_signal_connect_object (dialog, "logged-in", G_CALLBACK (on_card_logged_in), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_offline_clicked (KouanLoginWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->busy || self->server_url == NULL || self->account == NULL)
    return;

  /* A client without a token: sync stays offline, then asks for a new
   * login when the server answers again. The token is never stored. */
  if (self->client == NULL)
    {
      self->client = kouan_client_new (self->server_url, &error);
      if (self->client == NULL)
        {
          g_debug ("Invalid server URL %s: %s", self->server_url, error->message);
          return;
        }
    }

  kouan_login_window_hide_error (self);
  kouan_login_window_open_store (self, NULL);
}

static void
on_input_changed (KouanLoginWindow *self)
{
  /* What was offered for the old server or account no longer applies. */
  if (!self->busy)
    gtk_widget_set_visible (self->offline_button, FALSE);
}

static void
kouan_login_window_dispose (GObject *object)
{
  KouanLoginWindow *self = KOUAN_LOGIN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_LOGIN_WINDOW);

  G_OBJECT_CLASS (kouan_login_window_parent_class)->dispose (object);
}

static void
kouan_login_window_finalize (GObject *object)
{
  KouanLoginWindow *self = KOUAN_LOGIN_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->server_url);
  g_free (self->account);

  G_OBJECT_CLASS (kouan_login_window_parent_class)->finalize (object);
}

static void
kouan_login_window_class_init (KouanLoginWindowClass *klass)
{
  kouan_accessible_install_fixes ();

  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_login_window_dispose;
  object_class->finalize = kouan_login_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-login-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, account_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, card_button);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, login_button);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, login_label);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, offline_button);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, password_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, server_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanLoginWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_card_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_offline_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
kouan_login_window_init (KouanLoginWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

KouanLoginWindow *
kouan_login_window_new (GtkApplication *app,
                        const char     *server_url,
                        const char     *account)
{
  KouanLoginWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);

  self = g_object_new (KOUAN_TYPE_LOGIN_WINDOW, "application", app, NULL);
  kouan_login_window_set_server_url (self, server_url);
  kouan_login_window_set_account (self, account);

  /* Start where the user has something left to type. */
  if (server_url == NULL || *server_url == '\0')
    gtk_window_set_focus (GTK_WINDOW (self), self->server_entry);
  else if (account == NULL || *account == '\0')
    gtk_window_set_focus (GTK_WINDOW (self), self->account_entry);
  else
    gtk_window_set_focus (GTK_WINDOW (self), self->password_entry);

  return self;
}

void
kouan_login_window_set_server_url (KouanLoginWindow *self,
                                   const char       *server_url)
{
  g_return_if_fail (KOUAN_IS_LOGIN_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_entry), server_url ? server_url : "");
}

void
kouan_login_window_set_account (KouanLoginWindow *self,
                                const char       *account)
{
  g_return_if_fail (KOUAN_IS_LOGIN_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->account_entry), account ? account : "");
}

gboolean
kouan_login_window_get_busy (KouanLoginWindow *self)
{
  g_return_val_if_fail (KOUAN_IS_LOGIN_WINDOW (self), FALSE);

  return self->busy;
}

GtkEditable *
_kouan_login_window_get_server_entry (KouanLoginWindow *self)
{
  return GTK_EDITABLE (self->server_entry);
}

GtkEditable *
_kouan_login_window_get_account_entry (KouanLoginWindow *self)
{
  return GTK_EDITABLE (self->account_entry);
}

GtkEditable *
_kouan_login_window_get_password_entry (KouanLoginWindow *self)
{
  return GTK_EDITABLE (self->password_entry);
}

GtkButton *
_kouan_login_window_get_login_button (KouanLoginWindow *self)
{
  return GTK_BUTTON (self->login_button);
}

GtkButton *
_kouan_login_window_get_card_button (KouanLoginWindow *self)
{
  return GTK_BUTTON (self->card_button);
}

GtkButton *
_kouan_login_window_get_offline_button (KouanLoginWindow *self)
{
  return GTK_BUTTON (self->offline_button);
}

const char *
_kouan_login_window_get_error (KouanLoginWindow *self)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (self->error_revealer)))
    return NULL;

  return gtk_label_get_label (GTK_LABEL (self->error_label));
}
