/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-card.h"
#include "kouan-client-cards.h"
#include "kouan-format.h"
#include "kouan-personal-cards.h"

/* The group watches the reader while it is on screen (its own
 * KouanCardMonitor, from map to unmap: a password session has no other),
 * so 绑定IC卡 is enabled exactly when a usable card is in the reader. */

struct _KouanPersonalCards
{
  AdwPreferencesGroup  parent_instance;

  /* template widgets */
  GtkWidget           *bind_button;
  GtkWidget           *empty_row;

  /* owned */
  KouanClient         *client;
  KouanCardMonitor    *monitor;       /* while mapped */
  GCancellable        *cancellable;   /* list, bind and unbind requests */
  GPtrArray           *rows;          /* the card rows shown */
  GPtrArray           *cards;         /* (element-type KouanBoundCard) what they show */
  GPtrArray           *texts;         /* one line per row, for tests */
  char                *account_name;
  char                *last_toast;
  AdwMessageDialog    *dialog;        /* (nullable) the confirmation shown */
  GtkWidget           *dialog_entry;  /* (nullable) its PIN or password entry */
  gboolean             binding;
  gboolean             unbinding;
  gboolean             listing;
};

G_DEFINE_FINAL_TYPE (KouanPersonalCards, kouan_personal_cards, ADW_TYPE_PREFERENCES_GROUP)

enum {
  SIGNAL_TOAST,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
online (KouanPersonalCards *self)
{
  return self->client != NULL && kouan_client_get_token (self->client) != NULL;
}

static void
toast (KouanPersonalCards *self,
       const char         *text)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}

/* ---- the reader --------------------------------------------------------- */

static void
update_bind (KouanPersonalCards *self)
{
  KouanCardState state = self->monitor != NULL ? kouan_card_monitor_get_state (self->monitor)
                                               : KOUAN_CARD_STATE_NO_SERVICE;
  g_autofree char *description = NULL;
  const char *text;

  switch (state)
    {
    case KOUAN_CARD_STATE_NO_SERVICE:
      text = _("To bind a card, start the smart-card service (pcscd) and insert the card.");
      break;
    case KOUAN_CARD_STATE_NO_READER:
      text = _("To bind a card, connect a card reader and insert the card.");
      break;
    case KOUAN_CARD_STATE_NO_CARD:
      text = _("To bind a card, insert it into the reader.");
      break;
    case KOUAN_CARD_STATE_CARD_PRESENT:
      text = _("Reading the card…");
      break;
    case KOUAN_CARD_STATE_CARD_READY:
      /* Translators: %s is the card holder's name */
      description = g_strdup_printf (_("The card of %s is in the reader."),
                                     kouan_card_monitor_get_holder_name (self->monitor));
      text = description;
      break;
    case KOUAN_CARD_STATE_CARD_UNUSABLE:
    default:
      text = _("The card in the reader cannot be used: it is not a Kouan IC card, or it does not answer properly.");
      break;
    }
  if (!online (self))
    text = _("Cards can be bound and unbound when you are online.");
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), text);
  gtk_widget_set_sensitive (self->bind_button,
                            online (self) && state == KOUAN_CARD_STATE_CARD_READY &&
                            !self->binding && self->dialog == NULL);
}

static void
kouan_personal_cards_map (GtkWidget *widget)
{
  KouanPersonalCards *self = KOUAN_PERSONAL_CARDS (widget);

  GTK_WIDGET_CLASS (kouan_personal_cards_parent_class)->map (widget);
  if (self->monitor == NULL)
    {
      self->monitor = kouan_card_monitor_new ();
      g_signal_connect_object (self->monitor, "changed", G_CALLBACK (update_bind), self,
                               G_CONNECT_SWAPPED);
    }
  update_bind (self);
}

static void
kouan_personal_cards_unmap (GtkWidget *widget)
{
  KouanPersonalCards *self = KOUAN_PERSONAL_CARDS (widget);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  GTK_WIDGET_CLASS (kouan_personal_cards_parent_class)->unmap (widget);
}

/* ---- the list ----------------------------------------------------------- */

static void unbind_clicked (KouanPersonalCards *self, GtkButton *button);

static const char *
holder_of (KouanBoundCard *card)
{
  return card->holder != NULL ? card->holder : _("Unknown holder");
}

static void
show_cards (KouanPersonalCards *self,
            GPtrArray          *cards)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->texts, 0);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  self->cards = g_ptr_array_ref (cards);

  gtk_widget_set_visible (self->empty_row, cards->len == 0);
  for (guint i = 0; i < cards->len; i++)
    {
      KouanBoundCard *card = g_ptr_array_index (cards, i);
      g_autofree char *date = card->not_after > 0 ? kouan_format_unix_date (card->not_after)
                                                  : g_strdup (_("unknown"));
      g_autofree char *subtitle = NULL;
      g_autofree char *label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      /* Translators: a bound IC card: its serial number and, on a line
       * of its own, its expiry date */
      subtitle = g_strdup_printf (_("Serial %s\nValid until %s"),
                                  card->serial != NULL ? card->serial : _("unknown"), date);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), holder_of (card));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("media-flash-symbolic"));
      if (card->expiring)
        {
          GtkWidget *expiring = gtk_label_new (_("Expiring soon"));

          gtk_widget_add_css_class (expiring, "warning");
          gtk_widget_set_valign (expiring, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), expiring);
        }
      button = gtk_button_new_with_mnemonic (_("_Unbind…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, online (self));
      /* Translators: %s is the card holder's name */
      label = g_strdup_printf (_("Unbind the card of %s"), holder_of (card));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      /* the index + 1, so no row has NULL */
      g_object_set_data (G_OBJECT (button), "kouan-card-index", GUINT_TO_POINTER (i + 1));
      g_signal_connect_object (button, "clicked", G_CALLBACK (unbind_clicked), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
      g_ptr_array_add (self->texts, g_strdup_printf ("%s · %s · %s%s", holder_of (card),
                                                     card->serial != NULL ? card->serial : "",
                                                     date, card->expiring ? " · 即将到期" : ""));
    }
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KouanPersonalCards) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = kouan_client_list_cards_finish (KOUAN_CLIENT (source), result, &error);

  self->listing = FALSE;
  if (cards == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Listing the account's IC cards: %s", error->message);
      return;
    }
  show_cards (self, cards);
}

void
_kouan_personal_cards_reload (KouanPersonalCards *self)
{
  g_return_if_fail (KOUAN_IS_PERSONAL_CARDS (self));

  update_bind (self);
  if (!online (self))
    return;
  self->listing = TRUE;
  kouan_client_list_cards_async (self->client, self->cancellable, on_listed, g_object_ref (self));
}

/* ---- errors --------------------------------------------------------------- */

static char *
describe_card_error (const GError *error,
                     int           tries_left)
{
  switch ((KouanCardError) error->code)
    {
    case KOUAN_CARD_ERROR_WRONG_PIN:
      if (tries_left == 1)
        return g_strdup (_("Wrong PIN — 1 try left. If the next PIN is wrong too, the card blocks "
                           "and only the card issuer can unblock it."));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Wrong PIN — %d try left. Click Bind IC Card to try again.",
                                           "Wrong PIN — %d tries left. Click Bind IC Card to try again.",
                                           tries_left),
                              tries_left);
    case KOUAN_CARD_ERROR_PIN_BLOCKED:
      return g_strdup (_("This card is blocked: its PIN was entered wrongly too many times. Ask the "
                         "card issuer to unblock it."));
    case KOUAN_CARD_ERROR_CARD_REMOVED:
    case KOUAN_CARD_ERROR_NO_CARD:
      return g_strdup (_("The card was taken out. Insert it again and click Bind IC Card."));
    case KOUAN_CARD_ERROR_NO_READER:
      return g_strdup (_("The card reader was disconnected. Connect it, insert the card and try again."));
    case KOUAN_CARD_ERROR_INVALID_PIN:
      return g_strdup (_("A card PIN is 4 to 12 digits. Click Bind IC Card and type it again."));
    case KOUAN_CARD_ERROR_NOT_KOUAN_CARD:
      return g_strdup (_("This is not a Kouan IC card. Use the card your enterprise was issued."));
    case KOUAN_CARD_ERROR_PCSC:
      return g_strdup (_("The smart-card service failed. Start the smart-card service (pcscd) and "
                         "try again."));
    case KOUAN_CARD_ERROR_PROTOCOL:
    default:
      return g_strdup (_("The card gave an answer Kouan did not expect. Take it out and insert it "
                         "again; if this keeps happening, the card is faulty."));
    }
}

/* What went wrong with a bind or an unbind, and what to do. */
static char *
describe_error (const GError *error,
                int           tries_left,
                gboolean      unbinding)
{
  const char *code = kouan_api_error_get_server_code (error);

  if (error->domain == KOUAN_CARD_ERROR)
    return describe_card_error (error, tries_left);
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    return g_strdup (_("The server cannot be reached. Check the connection, then try again."));
  if (g_strcmp0 (code, "card_bound_elsewhere") == 0)
    return g_strdup (_("This card is already bound to another account. Unbind it there first, or "
                       "ask your enterprise administrator to revoke that binding."));
  if (g_strcmp0 (code, "certificate_expired") == 0)
    return g_strdup (_("The certificate on this card has expired. Ask the card issuer to renew "
                       "it, then bind the card again."));
  if (g_strcmp0 (code, "certificate_untrusted") == 0 || g_strcmp0 (code, "certificate_malformed") == 0)
    return g_strdup (_("This server does not accept cards from this card’s issuer. Use a card "
                       "issued for Kouan, or ask your administrator."));
  if (g_strcmp0 (code, "bad_signature") == 0)
    return g_strdup (_("The server could not verify the card’s signature. Try again; if it keeps "
                       "failing, the card may be faulty."));
  if (code != NULL && g_str_has_prefix (code, "challenge_"))
    return g_strdup (_("The binding took too long. Click Bind IC Card to try again."));
  if (g_strcmp0 (code, "card_login_unavailable") == 0)
    return g_strdup (_("This server does not accept IC cards. Ask your administrator."));
  if (g_strcmp0 (code, "wrong_password") == 0)
    return g_strdup (_("The password is wrong, so the card was not unbound. Click Unbind and "
                       "type your account password again."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND) && unbinding)
    return g_strdup (_("This card is no longer bound to your account."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
    return g_strdup (_("Too many failed attempts. Wait a few minutes, then try again."));
  return g_strdup (unbinding ? _("The card could not be unbound. Try again later.")
                             : _("The card could not be bound. Try again later."));
}

/* ---- bind ------------------------------------------------------------------ */

static void
on_bound (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KouanPersonalCards) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autofree char *text = NULL;
  int tries_left = -1;

  card = kouan_client_bind_card_finish (KOUAN_CLIENT (source), result, &tries_left, &error);
  self->binding = FALSE;
  update_bind (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (card == NULL)
    {
      g_debug ("Binding the IC card: %s", error->message);
      text = describe_error (error, tries_left, FALSE);
      toast (self, text);
      return;
    }
  if (card->expiring)
    {
      g_autofree char *date = kouan_format_unix_date (card->not_after);

      /* Translators: the holder's name, then the certificate's expiry date */
      text = g_strdup_printf (_("The card of %s is bound to your account. Its certificate expires on "
                                "%s: ask the card issuer to renew it soon."), holder_of (card), date);
    }
  else
    /* Translators: %s is the card holder's name */
    text = g_strdup_printf (_("The card of %s is bound to your account. You can now log in with it."),
                            holder_of (card));
  toast (self, text);
  _kouan_personal_cards_reload (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
dialog_closed (KouanPersonalCards *self)
{
  self->dialog = NULL;
  self->dialog_entry = NULL;
  update_bind (self);
}

/* A response given without a click (adw_message_dialog_response) does not
 * close the dialog in libadwaita 1.2; closing twice is harmless. The
 * focus leaves the secret entry first: GTK 4.8 notifies the focus of a
 * window being finalized to a password entry already gone. */
static void
close_dialog (AdwMessageDialog *dialog)
{
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
on_bind_response (KouanPersonalCards *self,
                  const char         *response,
                  AdwMessageDialog   *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (self->dialog_entry);

  /* closing the dialog answers "cancel" once more: only the first counts */
  if (dialog != self->dialog)
    return;
  if (g_str_equal (response, "bind") && self->monitor != NULL &&
      kouan_card_monitor_get_state (self->monitor) == KOUAN_CARD_STATE_CARD_READY && online (self))
    {
      self->binding = TRUE;
      kouan_client_bind_card_async (self->client, kouan_card_monitor_get_reader (self->monitor),
                                    gtk_editable_get_text (entry), self->cancellable, on_bound,
                                    g_object_ref (self));
    }
  else if (g_str_equal (response, "bind"))
    toast (self, online (self) ? _("The card was taken out. Insert it again and click Bind IC Card.")
                               : _("Cards can be bound and unbound when you are online."));
  /* the core holds its own copy now */
  gtk_editable_set_text (entry, "");
  dialog_closed (self);
  close_dialog (dialog);
}

static GtkWidget *
secret_entry (const char *accessible_label,
              const char *placeholder)
{
  GtkWidget *entry = gtk_password_entry_new ();

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), FALSE);
  g_object_set (entry, "activates-default", TRUE, "placeholder-text", placeholder, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  return entry;
}

static void
on_bind_clicked (KouanPersonalCards *self)
{
  g_autofree char *body = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->monitor == NULL || kouan_card_monitor_get_state (self->monitor) != KOUAN_CARD_STATE_CARD_READY ||
      self->dialog != NULL)
    return;
  /* Translators: the card holder's name, then the account name */
  body = g_strdup_printf (_("The card of %s will be bound to your account %s, and you can then "
                            "log in with it. Enter the card’s PIN to confirm."),
                          kouan_card_monitor_get_holder_name (self->monitor),
                          self->account_name != NULL ? self->account_name : "");
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Bind IC Card"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "bind", _("_Bind"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "bind", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "bind");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  self->dialog_entry = secret_entry (_("Card PIN"), _("Card PIN, 4 to 12 digits"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), self->dialog_entry);
  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_bind_response), self, G_CONNECT_SWAPPED);
  update_bind (self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (self->dialog_entry);
}

/* ---- unbind ---------------------------------------------------------------- */

static void
on_unbound (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KouanPersonalCards) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *holder = g_object_get_data (G_OBJECT (self), "kouan-unbinding-holder");
  g_autofree char *text = NULL;

  self->unbinding = FALSE;
  if (!kouan_client_unbind_card_finish (KOUAN_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Unbinding the IC card: %s", error->message);
      text = describe_error (error, -1, TRUE);
      toast (self, text);
      _kouan_personal_cards_reload (self);
      return;
    }
  /* Translators: %s is the card holder's name */
  text = g_strdup_printf (_("The card of %s is unbound. It can no longer log in to your account."),
                          holder != NULL ? holder : "");
  toast (self, text);
  _kouan_personal_cards_reload (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_unbind_response (KouanPersonalCards *self,
                    const char         *response,
                    AdwMessageDialog   *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (self->dialog_entry);
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "kouan-fingerprint");

  /* closing the dialog answers "cancel" once more: only the first counts */
  if (dialog != self->dialog)
    return;
  if (g_str_equal (response, "unbind") && online (self))
    {
      self->unbinding = TRUE;
      kouan_client_unbind_card_async (self->client, fingerprint, gtk_editable_get_text (entry),
                                      self->cancellable, on_unbound, g_object_ref (self));
    }
  gtk_editable_set_text (entry, "");
  dialog_closed (self);
  close_dialog (dialog);
}

static void
on_unbind_password_changed (GtkEditable      *entry,
                            AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "unbind", gtk_editable_get_text (entry)[0] != '\0');
}

static void
unbind_clicked (KouanPersonalCards *self,
                GtkButton          *button)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kouan-card-index")) - 1;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *date = NULL;
  KouanBoundCard *card;
  GtkWidget *dialog;

  if (self->cards == NULL || index >= self->cards->len || self->dialog != NULL)
    return;
  card = g_ptr_array_index (self->cards, index);
  date = card->not_after > 0 ? kouan_format_unix_date (card->not_after) : g_strdup (_("unknown"));
  /* Translators: %s is the card holder's name */
  heading = g_strdup_printf (_("Unbind the Card of %s?"), holder_of (card));
  /* Translators: the card's serial number and expiry date */
  body = g_strdup_printf (_("Card serial %s, valid until %s. Once unbound, it can no longer log in "
                            "to your account. Enter your account password to confirm."),
                          card->serial != NULL ? card->serial : _("unknown"), date);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unbind", _("_Unbind"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unbind", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "unbind", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  self->dialog_entry = secret_entry (_("Account password"), _("Account password"));
  g_signal_connect_object (self->dialog_entry, "changed", G_CALLBACK (on_unbind_password_changed),
                           dialog, 0);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), self->dialog_entry);
  g_object_set_data_full (G_OBJECT (dialog), "kouan-fingerprint", g_strdup (card->fingerprint), g_free);
  g_object_set_data_full (G_OBJECT (self), "kouan-unbinding-holder", g_strdup (holder_of (card)), g_free);
  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_unbind_response), self, G_CONNECT_SWAPPED);
  update_bind (self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (self->dialog_entry);
}

/* ---- lifecycle ------------------------------------------------------------- */

void
_kouan_personal_cards_set_client (KouanPersonalCards *self,
                                  KouanClient        *client,
                                  const char         *account_name)
{
  g_return_if_fail (KOUAN_IS_PERSONAL_CARDS (self));

  g_set_object (&self->client, client);
  g_free (self->account_name);
  self->account_name = g_strdup (account_name);
  update_bind (self);
}

static void
kouan_personal_cards_dispose (GObject *object)
{
  KouanPersonalCards *self = KOUAN_PERSONAL_CARDS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = NULL;
  self->dialog_entry = NULL;
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_CARDS);

  G_OBJECT_CLASS (kouan_personal_cards_parent_class)->dispose (object);
}

static void
kouan_personal_cards_finalize (GObject *object)
{
  KouanPersonalCards *self = KOUAN_PERSONAL_CARDS (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->texts);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_free (self->account_name);
  g_free (self->last_toast);

  G_OBJECT_CLASS (kouan_personal_cards_parent_class)->finalize (object);
}

static void
kouan_personal_cards_class_init (KouanPersonalCardsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_cards_dispose;
  object_class->finalize = kouan_personal_cards_finalize;
  widget_class->map = kouan_personal_cards_map;
  widget_class->unmap = kouan_personal_cards_unmap;

  /* Tells the page to show @text as a toast */
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A card was bound or unbound */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-cards.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalCards, bind_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalCards, empty_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_clicked);
}

static void
kouan_personal_cards_init (KouanPersonalCards *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->texts = g_ptr_array_new_with_free_func (g_free);
  update_bind (self);
}

/* ---- for the tests ------------------------------------------------------- */

GtkButton *
_kouan_personal_cards_get_bind_button (KouanPersonalCards *self)
{
  return GTK_BUTTON (self->bind_button);
}

char *
_kouan_personal_cards_get_text (KouanPersonalCards *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->texts->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (self->texts, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

AdwMessageDialog *
_kouan_personal_cards_get_dialog (KouanPersonalCards *self)
{
  return self->dialog;
}

GtkEditable *
_kouan_personal_cards_get_dialog_entry (KouanPersonalCards *self)
{
  return self->dialog_entry != NULL ? GTK_EDITABLE (self->dialog_entry) : NULL;
}

gboolean
_kouan_personal_cards_get_busy (KouanPersonalCards *self)
{
  return self->binding || self->unbinding || self->listing;
}

const char *
_kouan_personal_cards_get_last_toast (KouanPersonalCards *self)
{
  return self->last_toast;
}

void
_kouan_personal_cards_click_unbind (KouanPersonalCards *self,
                                    guint               index)
{
  GtkWidget *row;
  GtkWidget *button = NULL;

  g_return_if_fail (index < self->rows->len);
  row = g_ptr_array_index (self->rows, index);
  /* the row's last suffix is its 解除绑定 button */
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL && button == NULL; )
    {
      if (GTK_IS_BUTTON (child) && g_object_get_data (G_OBJECT (child), "kouan-card-index") != NULL)
        button = child;
      else if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL && child != row)
            child = gtk_widget_get_parent (child);
          if (child == NULL || child == row)
            break;
          child = gtk_widget_get_next_sibling (child);
        }
    }
  g_return_if_fail (button != NULL);
  g_signal_emit_by_name (button, "clicked");
}
