/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window's IC card parts: the card login from the personal center
 * (win.card-login), "signed in with IC card" in the header, and what
 * happens when the card of a card session is taken out (GSettings
 * card-removal-action: lock, logout or none). */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-application.h"
#include "kouan-card.h"
#include "kouan-window-private.h"
#include "login/kouan-card-dialog.h"
#include "login/kouan-card-lock.h"
#include "login/kouan-login-window.h"
#include "personal/kouan-personal-page.h"

struct _KouanWindowCard
{
  KouanCardMonitor *monitor;
  GtkWidget        *overlay;   /* (borrowed) the window's child once locked */
  GtkWidget        *content;   /* (borrowed) what the lock covers */
  GtkWidget        *lock;      /* (borrowed) KouanCardLock, in lock_page */
  GtkWidget        *lock_page; /* (borrowed) a header bar over the lock, in the overlay */
  gboolean          seen;      /* the signed-in card was in the reader since the last removal */
  gboolean          locked;
};

static void
window_card_free (KouanWindowCard *card)
{
  g_clear_object (&card->monitor);
  g_free (card);
}

static void
kouan_window_card_set_locked (KouanWindow *self,
                              gboolean     locked)
{
  KouanWindowCard *card = self->card;

  card->locked = locked;
  if (locked)
    kouan_card_lock_reset (KOUAN_CARD_LOCK (card->lock));
  gtk_widget_set_visible (card->lock_page, locked);
  /* Covered is not enough: keyboard focus must not reach what is under
   * the lock, header bars (switcher, menu) included. The lock page has a
   * header bar of its own, so the window's buttons keep working. */
  gtk_widget_set_sensitive (card->content, !locked);
  if (locked)
    gtk_widget_grab_focus (GTK_WIDGET (_kouan_card_lock_get_pin_entry (KOUAN_CARD_LOCK (card->lock))));
}

static void
sign_out (KouanWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "logout", NULL);
}

static void
on_card_removed (KouanWindow *self)
{
  g_autofree char *action = g_settings_get_string (self->settings, "card-removal-action");

  g_debug ("The IC card of this session was removed; card-removal-action is %s", action);
  if (g_strcmp0 (action, "lock") == 0)
    kouan_window_card_set_locked (self, TRUE);
  else if (g_strcmp0 (action, "logout") == 0)
    sign_out (self);
}

static void
on_monitor_changed (KouanWindow *self)
{
  KouanWindowCard *card = self->card;
  KouanCardState state;
  g_autofree char *fingerprint = NULL;

  if (card == NULL)
    return;
  state = kouan_card_monitor_get_state (card->monitor);

  if (state == KOUAN_CARD_STATE_CARD_READY)
    fingerprint = kouan_card_certificate_get_fingerprint (kouan_card_monitor_get_certificate (card->monitor));

  if (g_strcmp0 (fingerprint, self->session->card_fingerprint) == 0)
    {
      card->seen = TRUE;
      return;
    }

  /* A card being read is not yet a verdict. The monitor starts in
   * no-reader before its first look, so nothing counts as a removal until
   * the signed-in card was seen. */
  if (state == KOUAN_CARD_STATE_CARD_PRESENT || !card->seen || card->locked)
    return;

  card->seen = FALSE;
  on_card_removed (self);
}

static void
on_lock_unlocked (KouanWindow *self)
{
  self->card->seen = TRUE;
  kouan_window_card_set_locked (self, FALSE);
}

static void
on_lock_sign_out (KouanWindow *self)
{
  sign_out (self);
}

void
_kouan_window_card_setup (KouanWindow *self)
{
  KouanWindowCard *card;
  gboolean by_card = g_strcmp0 (self->session->method, "card") == 0;

  kouan_personal_page_set_session_method (KOUAN_PERSONAL_PAGE (self->personal_page),
                                          self->session->method);
  if (!by_card)
    return;

  {
    /* Translators: %s is the account name, e.g. demo-admin */
    g_autofree char *tooltip = g_strdup_printf (_("Logged in as %s — signed in with IC card"),
                                                self->session->account);
    gtk_widget_set_tooltip_text (self->user_name_label, tooltip);
    gtk_widget_set_visible (self->card_session_label, TRUE);
  }

  if (self->session->card_fingerprint == NULL)
    return;

  card = g_new0 (KouanWindowCard, 1);
  self->card = card;

  /* The lock goes over everything in the window: wrap the template's
   * content in an overlay. */
  card->content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));
  g_object_ref (card->content);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), NULL);
  card->overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (card->overlay), card->content);
  g_object_unref (card->content);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), card->overlay);

  card->monitor = kouan_card_monitor_new ();
  card->lock = kouan_card_lock_new (card->monitor, self->session->card_fingerprint);
  gtk_widget_set_vexpand (card->lock, TRUE);
  card->lock_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card->lock_page, "background");
  gtk_box_append (GTK_BOX (card->lock_page), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (card->lock_page), card->lock);
  gtk_widget_set_visible (card->lock_page, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (card->overlay), card->lock_page);
  g_signal_connect_object (card->lock, "unlocked", G_CALLBACK (on_lock_unlocked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (card->lock, "sign-out", G_CALLBACK (on_lock_sign_out), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (card->monitor, "changed", G_CALLBACK (on_monitor_changed), self,
                           G_CONNECT_SWAPPED);
}

void
_kouan_window_card_dispose (KouanWindow *self)
{
  if (self->card != NULL && self->card->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->card->monitor, self);
  g_clear_pointer (&self->card, window_card_free);
}

/* win.card-login ------------------------------------------------------ */

static void
on_card_logged_in (KouanWindow     *self,
                   KouanCardDialog *dialog)
{
  g_autoptr(KouanClient) client = NULL;
  G_GNUC_UNUSED g_autoptr(KouanWindow) hold = g_object_ref (self);  /* kept alive to the end */
  KouanSession *session = kouan_card_dialog_take_session (dialog, &client);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  /* Unparented first: the dialog may outlive this window by a moment
   * (its own callback still holds it), and must not reach back into it. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (session == NULL || app == NULL)
    {
      g_clear_pointer (&session, kouan_session_free);
      return;
    }

  /* The card session replaces this one: log this one out (which shows the
   * login window and closes this window), then let the login window open
   * the card's account as after any login. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "logout", NULL);
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (KOUAN_IS_LOGIN_WINDOW (l->data))
      {
        kouan_login_window_open_card_session (KOUAN_LOGIN_WINDOW (l->data), client, session);
        return;
      }
  kouan_session_free (session);
}

static void
card_login_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KouanWindow *self = KOUAN_WINDOW (widget);
  KouanCardDialog *dialog;

  if (self->client == NULL)
    return;

  dialog = kouan_card_dialog_new (GTK_WINDOW (self), kouan_client_get_base_url (self->client));
  g_signal_connect_object (dialog, "logged-in", G_CALLBACK (on_card_logged_in), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_kouan_window_card_install_actions (GtkWidgetClass *widget_class)
{
  g_type_ensure (KOUAN_TYPE_PERSONAL_PAGE);
  gtk_widget_class_install_action (widget_class, "win.card-login", NULL, card_login_activated);
}

gboolean
_kouan_window_get_locked (KouanWindow *self)
{
  return self->card != NULL && self->card->locked;
}

GtkWidget *
_kouan_window_get_card_lock (KouanWindow *self)
{
  return self->card != NULL ? self->card->lock : NULL;
}
