/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kouan-card-lock.h"
#include "kouan-crypto.h"

/* Unlocking proves the card, not just its certificate: the card signs a
 * fresh local challenge after verifying the PIN, and the signature is
 * checked here with the certificate of the card signed in with. No server
 * round trip: the session on the server is still open. */

struct _KouanCardLock
{
  GtkWidget         parent_instance;

  /* template widgets */
  GtkWidget        *box;
  GtkWidget        *message_label;
  GtkWidget        *pin_entry;
  GtkWidget        *sign_out_button;
  GtkWidget        *state_label;
  GtkWidget        *title_label;
  GtkWidget        *unlock_button;

  /* owned */
  KouanCardMonitor *monitor;
  GCancellable     *cancellable;   /* of the unlock under way */
  GBytes           *challenge;
  char             *fingerprint;
  gboolean          busy;
  gboolean          blocked;
};

G_DEFINE_FINAL_TYPE (KouanCardLock, kouan_card_lock, GTK_TYPE_WIDGET)

enum {
  SIGNAL_UNLOCKED,
  SIGNAL_SIGN_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
same_card_ready (KouanCardLock *self)
{
  g_autofree char *fingerprint = NULL;

  if (kouan_card_monitor_get_state (self->monitor) != KOUAN_CARD_STATE_CARD_READY)
    return FALSE;
  fingerprint = kouan_card_certificate_get_fingerprint (kouan_card_monitor_get_certificate (self->monitor));
  return g_strcmp0 (fingerprint, self->fingerprint) == 0;
}

static void
show_message (KouanCardLock *self,
              const char    *text)
{
  gtk_label_set_label (GTK_LABEL (self->message_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->message_label, text != NULL);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_entry),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->pin_entry),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
update (KouanCardLock *self)
{
  KouanCardState state = kouan_card_monitor_get_state (self->monitor);
  gboolean same = same_card_ready (self);
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));
  g_autofree char *text = NULL;

  switch (state)
    {
    case KOUAN_CARD_STATE_NO_SERVICE:
      text = g_strdup (_("The smart-card service is not running. Start it (pcscd), then insert "
                         "the card."));
      break;
    case KOUAN_CARD_STATE_NO_READER:
      text = g_strdup (_("No card reader is connected."));
      break;
    case KOUAN_CARD_STATE_NO_CARD:
      text = g_strdup (_("Waiting for the card…"));
      break;
    case KOUAN_CARD_STATE_CARD_PRESENT:
      text = g_strdup (_("Reading the card…"));
      break;
    case KOUAN_CARD_STATE_CARD_READY:
      if (same)
        /* Translators: %s is the card holder's name */
        text = g_strdup_printf (_("Card of %s is back. Enter its PIN."),
                                kouan_card_monitor_get_holder_name (self->monitor));
      else
        text = g_strdup (_("This is not the card you signed in with. Insert that card, or sign "
                           "out."));
      break;
    case KOUAN_CARD_STATE_CARD_UNUSABLE:
    default:
      text = g_strdup (_("This card cannot be used. Insert the card you signed in with."));
      break;
    }
  gtk_label_set_label (GTK_LABEL (self->state_label), text);

  gtk_widget_set_sensitive (self->unlock_button, same && !self->busy && !self->blocked && pin[0] != '\0');
  gtk_editable_set_editable (GTK_EDITABLE (self->pin_entry), !self->busy);
}

static void
on_monitor_changed (KouanCardLock *self)
{
  update (self);
}

static void
on_pin_changed (KouanCardLock *self)
{
  update (self);
}

static void
on_sign_out_clicked (KouanCardLock *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  g_signal_emit (self, signals[SIGNAL_SIGN_OUT], 0);
}

static void
on_signed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KouanCardLock) self = user_data;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  int tries_left = -1;

  signature = kouan_card_sign_challenge_finish (result, &certificate, &tries_left, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;

  if (signature == NULL)
    {
      g_debug ("Unlocking with the card: %s", error->message);
      if (g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN))
        {
          g_autofree char *text = NULL;

          if (tries_left == 1)
            text = g_strdup (_("Wrong PIN — 1 try left. If the next PIN is wrong too, the card "
                               "blocks and only the card issuer can unblock it."));
          else
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Wrong PIN — %d try left",
                                                 "Wrong PIN — %d tries left",
                                                 tries_left),
                                    tries_left);
          show_message (self, text);
        }
      else if (g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED))
        {
          self->blocked = TRUE;
          show_message (self, _("This card is blocked: its PIN was entered wrongly too many "
                                "times. Sign out, and contact your enterprise administrator or "
                                "the card issuer to have it unblocked."));
        }
      else if (g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_CARD_REMOVED) ||
               g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_CARD))
        show_message (self, _("The card was taken out. Insert it again and enter its PIN."));
      else if (g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_INVALID_PIN))
        show_message (self, _("A card PIN is 4 to 12 digits. Type it again."));
      else
        show_message (self, _("The card gave an answer Kouan did not expect. Take it out and "
                              "insert it again; if this keeps happening, the card is faulty."));
      update (self);
      gtk_widget_grab_focus (self->pin_entry);
      return;
    }

  /* The card that signed must be the one signed in with, and the
   * signature must be its key's: a card answering "OK" is not enough. */
  fingerprint = kouan_card_certificate_get_fingerprint (certificate);
  if (g_strcmp0 (fingerprint, self->fingerprint) != 0 ||
      !kouan_card_verify_signature (certificate, self->challenge, signature, &error))
    {
      if (error != NULL)
        g_debug ("Unlock signature refused: %s", error->message);
      show_message (self, _("This is not the card you signed in with. Insert that card, or sign "
                            "out."));
      update (self);
      return;
    }

  show_message (self, NULL);
  update (self);
  g_signal_emit (self, signals[SIGNAL_UNLOCKED], 0);
}

void
kouan_card_lock_unlock (KouanCardLock *self)
{
  g_autofree char *nonce = NULL;

  g_return_if_fail (KOUAN_IS_CARD_LOCK (self));

  if (!gtk_widget_get_sensitive (self->unlock_button))
    return;

  self->busy = TRUE;
  /* 43 random base64url characters: 256 bits the card signs. */
  nonce = kouan_crypto_random_token (32);
  g_clear_pointer (&self->challenge, g_bytes_unref);
  self->challenge = g_bytes_new (nonce, strlen (nonce));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  kouan_card_sign_challenge_async (kouan_card_monitor_get_reader (self->monitor),
                                   gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)),
                                   self->challenge, self->cancellable,
                                   on_signed, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  update (self);
}

static void
on_unlock_clicked (KouanCardLock *self)
{
  kouan_card_lock_unlock (self);
}

void
kouan_card_lock_reset (KouanCardLock *self)
{
  g_return_if_fail (KOUAN_IS_CARD_LOCK (self));

  g_cancellable_cancel (self->cancellable);
  self->busy = FALSE;
  self->blocked = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  show_message (self, NULL);
  update (self);
}

static void
kouan_card_lock_dispose (GObject *object)
{
  KouanCardLock *self = KOUAN_CARD_LOCK (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_CARD_LOCK);

  G_OBJECT_CLASS (kouan_card_lock_parent_class)->dispose (object);
}

static void
kouan_card_lock_finalize (GObject *object)
{
  KouanCardLock *self = KOUAN_CARD_LOCK (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->challenge, g_bytes_unref);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (kouan_card_lock_parent_class)->finalize (object);
}

static void
kouan_card_lock_class_init (KouanCardLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_card_lock_dispose;
  object_class->finalize = kouan_card_lock_finalize;

  signals[SIGNAL_UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SIGNAL_SIGN_OUT] = g_signal_new ("sign-out", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouan-card-lock");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-card-lock.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, box);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, message_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, state_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, title_label);
  gtk_widget_class_bind_template_child (widget_class, KouanCardLock, unlock_button);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_out_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_clicked);
}

static void
kouan_card_lock_init (KouanCardLock *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kouan_card_lock_new (KouanCardMonitor *monitor,
                     const char       *fingerprint)
{
  KouanCardLock *self;

  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (monitor), NULL);
  g_return_val_if_fail (fingerprint != NULL, NULL);

  self = g_object_new (KOUAN_TYPE_CARD_LOCK, NULL);
  self->monitor = g_object_ref (monitor);
  self->fingerprint = g_strdup (fingerprint);
  g_signal_connect_swapped (monitor, "changed", G_CALLBACK (on_monitor_changed), self);
  update (self);
  return GTK_WIDGET (self);
}

GtkEditable *
_kouan_card_lock_get_pin_entry (KouanCardLock *self)
{
  return GTK_EDITABLE (self->pin_entry);
}

const char *
_kouan_card_lock_get_message (KouanCardLock *self)
{
  if (!gtk_widget_get_visible (self->message_label))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (self->message_label));
}

const char *
_kouan_card_lock_get_state_text (KouanCardLock *self)
{
  return gtk_label_get_label (GTK_LABEL (self->state_label));
}
