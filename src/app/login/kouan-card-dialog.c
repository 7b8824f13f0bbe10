/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kouan-card.h"
#include "kouan-card-dialog-private.h"

/* The login is three steps, each async: a challenge from the server, the
 * card's signature (PIN verified on the card, on the card worker thread),
 * and the card session from the server. The PIN stays in the entry until
 * the card call takes its own locked copy; the entry is emptied right
 * after, whatever happens next. */

struct _KouanCardDialog
{
  GtkWindow         parent_instance;

  /* template widgets */
  GtkWidget        *cancel_button;
  GtkWidget        *login_button;
  GtkWidget        *login_label;
  GtkWidget        *message_label;
  GtkWidget        *message_revealer;
  GtkWidget        *pin_entry;
  GtkWidget        *spinner;
  GtkWidget        *state_detail;
  GtkWidget        *state_icon;
  GtkWidget        *state_label;

  /* owned */
  KouanCardMonitor *monitor;
  KouanClient      *client;
  KouanSession     *session;        /* after "logged-in", until taken */
  GCancellable     *cancellable;    /* cancelled on close */
  GCancellable     *tries_cancellable; /* the tries-left query for the card in the reader */
  GBytes           *challenge;      /* of the login under way */
  GBytes           *certificate;
  char             *server_url;
  char             *shown_certificate; /* fingerprint whose tries were read */
  int               tries_left;     /* -1 unknown, 0 blocked */
  gboolean          busy;
  gboolean          removed_shown;  /* the message says the card was pulled out */
};

G_DEFINE_FINAL_TYPE (KouanCardDialog, kouan_card_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_LOGGED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  MESSAGE_INFO,
  MESSAGE_WARNING,
  MESSAGE_ERROR,
} MessageKind;

static void
show_message (KouanCardDialog *self,
              MessageKind      kind,
              const char      *text)
{
  gtk_widget_remove_css_class (self->message_label, "error");
  gtk_widget_remove_css_class (self->message_label, "warning");
  if (kind == MESSAGE_ERROR)
    gtk_widget_add_css_class (self->message_label, "error");
  else if (kind == MESSAGE_WARNING)
    gtk_widget_add_css_class (self->message_label, "warning");
  gtk_label_set_label (GTK_LABEL (self->message_label), text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->message_revealer), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_entry),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
  self->removed_shown = FALSE;
}

static void
hide_message (KouanCardDialog *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->message_revealer), FALSE);
  gtk_label_set_label (GTK_LABEL (self->message_label), "");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->pin_entry),
                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  self->removed_shown = FALSE;
}

static void
wipe_pin (KouanCardDialog *self)
{
  /* GtkText overwrites nothing on its own, but setting "" drops its only
   * copy of the text; the card core holds its own copy in locked memory
   * and wipes that after the VERIFY. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
}

static void
update_sensitivity (KouanCardDialog *self)
{
  gboolean ready = kouan_card_monitor_get_state (self->monitor) == KOUAN_CARD_STATE_CARD_READY;
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  gtk_widget_set_sensitive (self->login_button,
                            ready && !self->busy && self->tries_left != 0 && pin[0] != '\0');
  gtk_widget_set_sensitive (self->pin_entry, ready && self->tries_left != 0);
  gtk_editable_set_editable (GTK_EDITABLE (self->pin_entry), !self->busy);
}

static void
set_busy (KouanCardDialog *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_label_set_text_with_mnemonic (GTK_LABEL (self->login_label),
                                    busy ? _("Logging In…") : _("_Log In"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->login_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy,
                               -1);
  update_sensitivity (self);
}

static char *
tries_text (int tries)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%d PIN try left before the card blocks.",
                                       "%d PIN tries left before the card blocks.",
                                       tries),
                          tries);
}

static void
show_blocked (KouanCardDialog *self)
{
  self->tries_left = 0;
  wipe_pin (self);
  show_message (self, MESSAGE_ERROR,
                _("This card is blocked: its PIN was entered wrongly too many times. Kouan will "
                  "not try the card again. Contact your enterprise administrator or the card "
                  "issuer to have it unblocked."));
  /* The heading must not keep saying "ready" above a blocked card. */
  if (kouan_card_monitor_get_state (self->monitor) == KOUAN_CARD_STATE_CARD_READY)
    {
      /* Translators: %s is the card holder's name as written on the card */
      g_autofree char *title = g_strdup_printf (_("Card of %s is blocked"),
                                                kouan_card_monitor_get_holder_name (self->monitor));

      gtk_label_set_label (GTK_LABEL (self->state_label), title);
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon), "dialog-error-symbolic");
  gtk_label_set_label (GTK_LABEL (self->state_detail), _("The card is blocked."));
  update_sensitivity (self);
}

static void
on_tries_left (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KouanCardDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  int tries = kouan_card_get_tries_left_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  if (error != NULL)
    {
      /* Not worth a message: the login itself reports what is wrong. */
      g_debug ("Reading the PIN tries left: %s", error->message);
      return;
    }
  if (self->busy)
    return;

  if (tries == 0)
    {
      show_blocked (self);
      return;
    }

  self->tries_left = tries;
  {
    g_autofree char *text = tries_text (tries);

    gtk_label_set_label (GTK_LABEL (self->state_detail), text);
  }
  update_sensitivity (self);
}

/* Shows the reader and card as the monitor sees them now. */
static void
update_state (KouanCardDialog *self)
{
  KouanCardState state = kouan_card_monitor_get_state (self->monitor);
  g_autofree char *title = NULL;
  const char *detail = "";
  const char *icon = "media-flash-symbolic";

  switch (state)
    {
    case KOUAN_CARD_STATE_NO_SERVICE:
      title = g_strdup (_("The smart-card service is not running"));
      detail = _("Start the smart-card service (pcscd), then try again.");
      icon = "dialog-warning-symbolic";
      break;
    case KOUAN_CARD_STATE_NO_READER:
      title = g_strdup (_("No card reader"));
      detail = _("Connect a card reader to this computer.");
      break;
    case KOUAN_CARD_STATE_NO_CARD:
      title = g_strdup (_("Insert your IC card"));
      detail = _("Put the card into the reader.");
      break;
    case KOUAN_CARD_STATE_CARD_PRESENT:
      title = g_strdup (_("Reading the card…"));
      break;
    case KOUAN_CARD_STATE_CARD_READY:
      /* Translators: %s is the card holder's name as written on the card */
      title = g_strdup_printf (_("Card of %s is ready"),
                               kouan_card_monitor_get_holder_name (self->monitor));
      detail = _("Enter the card’s PIN to log in.");
      icon = "emblem-ok-symbolic";
      break;
    case KOUAN_CARD_STATE_CARD_UNUSABLE:
    default:
      title = g_strdup (_("This card cannot be used"));
      detail = _("It is not a Kouan IC card, or it does not answer properly. Use the card your "
                 "enterprise was issued; if this is it, take it out and insert it again.");
      icon = "dialog-warning-symbolic";
      break;
    }

  gtk_label_set_label (GTK_LABEL (self->state_label), title);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon), icon);

  if (state != KOUAN_CARD_STATE_CARD_READY)
    {
      /* What was said about the card that left (wrong PIN, blocked, a
       * server refusal) no longer describes the reader; only "it was
       * pulled out during the login" still explains what happened. */
      if (state != KOUAN_CARD_STATE_CARD_PRESENT && !self->busy && !self->removed_shown)
        hide_message (self);
      g_clear_pointer (&self->shown_certificate, g_free);
      g_cancellable_cancel (self->tries_cancellable);
      self->tries_left = -1;
      gtk_label_set_label (GTK_LABEL (self->state_detail), detail);
    }
  else
    {
      g_autofree char *fingerprint =
        kouan_card_certificate_get_fingerprint (kouan_card_monitor_get_certificate (self->monitor));

      /* A card (back) in the reader: read its tries left once, without
       * spending one, so a blocked card is said before any PIN is typed. */
      if (g_strcmp0 (fingerprint, self->shown_certificate) != 0)
        {
          g_free (self->shown_certificate);
          self->shown_certificate = g_steal_pointer (&fingerprint);
          self->tries_left = -1;
          gtk_label_set_label (GTK_LABEL (self->state_detail), detail);

          if (self->removed_shown)
            hide_message (self);
          /* The card that was blocked may not be this one. */
          else if (gtk_widget_has_css_class (self->message_label, "error") &&
                   gtk_revealer_get_reveal_child (GTK_REVEALER (self->message_revealer)))
            hide_message (self);

          if (!self->busy)
            {
              g_cancellable_cancel (self->tries_cancellable);
              g_clear_object (&self->tries_cancellable);
              self->tries_cancellable = g_cancellable_new ();
              kouan_card_get_tries_left_async (kouan_card_monitor_get_reader (self->monitor),
                                               self->tries_cancellable, on_tries_left,
                                               g_object_ref (self));
            }
        }
    }

  update_sensitivity (self);
}

static void
on_monitor_changed (KouanCardDialog *self)
{
  update_state (self);
}

static void
show_card_error (KouanCardDialog *self,
                 const GError    *error,
                 int              tries_left)
{
  g_debug ("Card login: card step failed: %s", error->message);

  if (error->domain != KOUAN_CARD_ERROR)
    {
      show_message (self, MESSAGE_ERROR,
                    _("The card could not be used for an unexpected reason. Take it out, insert it "
                      "again and retry."));
      return;
    }

  switch ((KouanCardError) error->code)
    {
    case KOUAN_CARD_ERROR_WRONG_PIN:
      self->tries_left = tries_left;
      if (tries_left == 1)
        show_message (self, MESSAGE_WARNING,
                      _("Wrong PIN — 1 try left. If the next PIN is wrong too, the card blocks "
                        "and only the card issuer can unblock it."));
      else
        {
          g_autofree char *text =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Wrong PIN — %d try left",
                                          "Wrong PIN — %d tries left",
                                          tries_left),
                             tries_left);

          show_message (self, MESSAGE_ERROR, text);
        }
      {
        g_autofree char *detail = tries_text (tries_left);

        gtk_label_set_label (GTK_LABEL (self->state_detail), detail);
      }
      gtk_widget_grab_focus (self->pin_entry);
      break;

    case KOUAN_CARD_ERROR_PIN_BLOCKED:
      show_blocked (self);
      break;

    case KOUAN_CARD_ERROR_CARD_REMOVED:
    case KOUAN_CARD_ERROR_NO_CARD:
      show_message (self, MESSAGE_ERROR,
                    _("The card was taken out during the login. Insert it again, then enter the "
                      "PIN and log in again."));
      self->removed_shown = TRUE;
      break;

    case KOUAN_CARD_ERROR_NO_READER:
      show_message (self, MESSAGE_ERROR,
                    _("The card reader was disconnected. Connect it, insert the card and try "
                      "again."));
      self->removed_shown = TRUE;
      break;

    case KOUAN_CARD_ERROR_INVALID_PIN:
      show_message (self, MESSAGE_ERROR,
                    _("A card PIN is 4 to 12 digits. Type it again."));
      gtk_widget_grab_focus (self->pin_entry);
      break;

    case KOUAN_CARD_ERROR_NOT_KOUAN_CARD:
      show_message (self, MESSAGE_ERROR,
                    _("This is not a Kouan IC card. Use the card your enterprise was issued."));
      break;

    case KOUAN_CARD_ERROR_PCSC:
      show_message (self, MESSAGE_ERROR,
                    _("The smart-card service failed. Start the smart-card service (pcscd) and "
                      "try again."));
      break;

    case KOUAN_CARD_ERROR_PROTOCOL:
    default:
      show_message (self, MESSAGE_ERROR,
                    _("The card gave an answer Kouan did not expect. Take it out and insert it "
                      "again; if this keeps happening, the card is faulty."));
      break;
    }
}

static void
show_server_error (KouanCardDialog *self,
                   const GError    *error)
{
  const char *code = kouan_client_get_error_code (self->client);
  g_autofree char *text = NULL;

  g_debug ("Card login: server step failed (%s): %s", code ? code : "no code", error->message);

  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_CREDENTIALS) ||
      g_strcmp0 (code, "card_login_unavailable") == 0)
    {
      if (g_strcmp0 (code, "challenge_expired") == 0)
        text = g_strdup (_("The login took too long and the server’s challenge expired. Log in "
                           "again."));
      else if (g_strcmp0 (code, "challenge_used") == 0 || g_strcmp0 (code, "challenge_unknown") == 0)
        text = g_strdup (_("The server did not accept this login attempt. Log in again."));
      else if (g_strcmp0 (code, "bad_signature") == 0)
        text = g_strdup (_("The server could not verify the card’s signature. Try again; if it "
                           "keeps failing, the card may be faulty."));
      else if (g_strcmp0 (code, "certificate_expired") == 0)
        text = g_strdup (_("The certificate on this card has expired. Contact the card issuer for "
                           "a new card."));
      else if (g_strcmp0 (code, "certificate_untrusted") == 0 ||
               g_strcmp0 (code, "certificate_malformed") == 0)
        text = g_strdup (_("This server does not accept cards from this card’s issuer. Ask your "
                           "enterprise administrator."));
      else if (g_strcmp0 (code, "certificate_unbound") == 0)
        text = g_strdup (_("This card is not linked to an active Kouan account. Ask your "
                           "enterprise administrator to bind it to your account."));
      else if (g_strcmp0 (code, "card_login_unavailable") == 0)
        text = g_strdup (_("This server does not accept IC card login. Log in with your account "
                           "and password, or ask your administrator."));
      else
        text = g_strdup (_("The server refused the card login. Try again; if it keeps failing, "
                           "ask your administrator."));
    }
  else if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
    {
      guint minutes = MAX (1, (kouan_client_get_retry_after (self->client) + 59) / 60);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Too many failed attempts. Wait %u minute, then try again.",
                                           "Too many failed attempts. Wait %u minutes, then try again.",
                                           minutes),
                              minutes);
    }
  else if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    /* Translators: %s is the server address */
    text = g_strdup_printf (_("Cannot reach the server at %s. Check the address and that the "
                              "server is running, then try again."),
                            self->server_url);
  else if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS))
    text = g_strdup (_("The server’s security certificate is not trusted, so Kouan did not log in. "
                       "Check the address, or ask your administrator for the server’s "
                       "certificate."));
  else
    /* Translators: %s is the server address */
    text = g_strdup_printf (_("The server at %s did not answer as a Kouan server should. Check the "
                              "address, or try again later."),
                            self->server_url);

  show_message (self, MESSAGE_ERROR, text);
}

static void
on_card_session (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KouanCardDialog) self = user_data;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = kouan_client_card_login_finish (KOUAN_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  set_busy (self, FALSE);
  if (session == NULL)
    {
      show_server_error (self, error);
      return;
    }

  session->card_fingerprint = kouan_card_certificate_get_fingerprint (self->certificate);
  g_clear_pointer (&self->session, kouan_session_free);
  self->session = g_steal_pointer (&session);
  g_signal_emit (self, signals[SIGNAL_LOGGED_IN], 0);
}

static void
on_challenge_signed (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KouanCardDialog) self = user_data;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GError) error = NULL;
  int tries_left = -1;

  signature = kouan_card_sign_challenge_finish (result, &certificate, &tries_left, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  if (signature == NULL)
    {
      set_busy (self, FALSE);
      show_card_error (self, error, tries_left);
      update_sensitivity (self);
      return;
    }

  g_clear_pointer (&self->certificate, g_bytes_unref);
  self->certificate = g_steal_pointer (&certificate);
  kouan_client_card_login_async (self->client, self->challenge, self->certificate, signature,
                                 self->cancellable, on_card_session, g_object_ref (self));
}

static void
on_challenge (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KouanCardDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->challenge, g_bytes_unref);
  self->challenge = kouan_client_card_challenge_finish (KOUAN_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->challenge == NULL)
    {
      set_busy (self, FALSE);
      wipe_pin (self);
      show_server_error (self, error);
      return;
    }

  /* The reader may have changed while the server answered: sign with the
   * one holding the card now (NULL: the first with a card). */
  kouan_card_sign_challenge_async (kouan_card_monitor_get_reader (self->monitor),
                                   gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)),
                                   self->challenge, self->cancellable,
                                   on_challenge_signed, g_object_ref (self));
  wipe_pin (self);
}

void
kouan_card_dialog_log_in (KouanCardDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *pin;

  g_return_if_fail (KOUAN_IS_CARD_DIALOG (self));

  pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));
  if (self->busy || !gtk_widget_get_sensitive (self->login_button))
    return;

  /* Checked here too so a mistyped PIN costs no round trip; the core
   * checks again before anything reaches the card. */
  {
    gsize length = strlen (pin);
    gboolean digits = length >= KOUAN_CARD_PIN_MIN && length <= KOUAN_CARD_PIN_MAX;

    for (gsize i = 0; digits && i < length; i++)
      digits = g_ascii_isdigit (pin[i]);
    if (!digits)
      {
        wipe_pin (self);
        show_message (self, MESSAGE_ERROR, _("A card PIN is 4 to 12 digits. Type it again."));
        gtk_widget_grab_focus (self->pin_entry);
        return;
      }
  }

  if (self->client == NULL)
    {
      self->client = kouan_client_new (self->server_url, &error);
      if (self->client == NULL)
        {
          g_debug ("Invalid server URL %s: %s", self->server_url, error->message);
          wipe_pin (self);
          show_message (self, MESSAGE_ERROR,
                        _("This is not a server address Kouan can use. It looks like "
                          "https://kouan.example.com."));
          return;
        }
    }

  hide_message (self);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->tries_cancellable);
  kouan_client_card_challenge_async (self->client, self->cancellable, on_challenge,
                                     g_object_ref (self));
}

static void
on_login_clicked (KouanCardDialog *self)
{
  kouan_card_dialog_log_in (self);
}

static void
on_cancel_clicked (KouanCardDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_pin_changed (KouanCardDialog *self)
{
  update_sensitivity (self);
}

static gboolean
kouan_card_dialog_close_request (GtkWindow *window)
{
  KouanCardDialog *self = KOUAN_CARD_DIALOG (window);

  /* Closing stops whatever is under way; the card resets itself. */
  g_cancellable_cancel (self->cancellable);
  wipe_pin (self);
  return GTK_WINDOW_CLASS (kouan_card_dialog_parent_class)->close_request (window);
}

static void
kouan_card_dialog_dispose (GObject *object)
{
  KouanCardDialog *self = KOUAN_CARD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->tries_cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->client);
  g_clear_pointer (&self->session, kouan_session_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_CARD_DIALOG);

  G_OBJECT_CLASS (kouan_card_dialog_parent_class)->dispose (object);
}

static void
kouan_card_dialog_finalize (GObject *object)
{
  KouanCardDialog *self = KOUAN_CARD_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->tries_cancellable);
  g_clear_pointer (&self->challenge, g_bytes_unref);
  g_clear_pointer (&self->certificate, g_bytes_unref);
  g_free (self->server_url);
  g_free (self->shown_certificate);

  G_OBJECT_CLASS (kouan_card_dialog_parent_class)->finalize (object);
}

static void
kouan_card_dialog_class_init (KouanCardDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kouan_card_dialog_dispose;
  object_class->finalize = kouan_card_dialog_finalize;
  window_class->close_request = kouan_card_dialog_close_request;

  /**
   * KouanCardDialog::logged-in:
   *
   * The server opened a card session; take it with
   * kouan_card_dialog_take_session().
   */
  signals[SIGNAL_LOGGED_IN] = g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-card-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, login_button);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, login_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, state_detail);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, state_icon);
  gtk_widget_class_bind_template_child (widget_class, KouanCardDialog, state_label);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_card_dialog_init (KouanCardDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->tries_cancellable = g_cancellable_new ();
  self->tries_left = -1;
  self->monitor = kouan_card_monitor_new ();
  g_signal_connect_swapped (self->monitor, "changed", G_CALLBACK (on_monitor_changed), self);
  update_state (self);
}

KouanCardDialog *
kouan_card_dialog_new (GtkWindow  *parent,
                       const char *server_url)
{
  KouanCardDialog *self;

  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (KOUAN_TYPE_CARD_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->server_url = g_strdup (server_url);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  gtk_window_set_focus (GTK_WINDOW (self), self->pin_entry);
  return self;
}

KouanSession *
kouan_card_dialog_take_session (KouanCardDialog  *self,
                                KouanClient     **client)
{
  g_return_val_if_fail (KOUAN_IS_CARD_DIALOG (self), NULL);

  if (self->session == NULL)
    return NULL;
  if (client != NULL)
    *client = g_object_ref (self->client);
  return g_steal_pointer (&self->session);
}

gboolean
kouan_card_dialog_get_busy (KouanCardDialog *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_DIALOG (self), FALSE);

  return self->busy;
}

GtkEditable *
_kouan_card_dialog_get_pin_entry (KouanCardDialog *self)
{
  return GTK_EDITABLE (self->pin_entry);
}

GtkButton *
_kouan_card_dialog_get_login_button (KouanCardDialog *self)
{
  return GTK_BUTTON (self->login_button);
}

const char *
_kouan_card_dialog_get_state_text (KouanCardDialog *self)
{
  return gtk_label_get_label (GTK_LABEL (self->state_label));
}

const char *
_kouan_card_dialog_get_message (KouanCardDialog *self)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (self->message_revealer)))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (self->message_label));
}
