/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IC card login through the real app under Xvfb: the real login window and
 * card dialog, a real pcscd with the vpcd driver and the virtual card
 * kouan-vcard, and a real `kouan-server --demo --card-ca tests/card/card-ca.pem`.
 * The correct PIN logs in and the server says the session is a card one;
 * a wrong PIN shows the tries the card reports; a blocked card is said so
 * and gets no further VERIFY; a card pulled out mid-login is said so and
 * works again once inserted; taking the card out of a card session
 * applies card-removal-action (lock screen, or back to the login window).
 * One pcscd fixture per program: libpcsclite reads PCSCLITE_CSOCK_NAME
 * once. */
#include "config.h"

#include <gtk/gtk.h>

#include "kouan-application.h"
#include "kouan-card-fixture.h"
#include "kouan-card-private.h"
#include "kouan-client.h"
#include "kouan-json.h"
#include "kouan-test-server.h"
#include "kouan-window-private.h"
#include "login/kouan-card-dialog-private.h"
#include "login/kouan-card-lock.h"
#include "login/kouan-login-window-private.h"
#include "personal/kouan-personal-cards.h"
#include "personal/kouan-personal-page.h"

#define WAIT_S      30
#define GOOD_PIN    "123456"
#define HOLDER      "测试持卡人"

static struct {
  KouanCardFixture *card;
  KouanTestServer  *server;
  GtkApplication   *app;
  char             *home;
} fixture;

/* ---- waiting ---------------------------------------------------------- */

typedef gboolean (*Condition) (gpointer user_data);

/* Runs the main context until @condition holds; the bound proves that
 * nothing hangs. */
static gboolean
wait_until (Condition condition,
            gpointer  user_data)
{
  gint64 deadline = g_get_monotonic_time () +
                    WAIT_S * G_TIME_SPAN_SECOND * kouan_test_timeout_scale ();

  while (!condition (user_data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);
  return condition (user_data);
}

/* Lets the app run for a moment (to see that something does NOT happen). */
static void
run_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);
}

static KouanWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (fixture.app); l != NULL; l = l->next)
    if (KOUAN_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static KouanLoginWindow *
login_window (void)
{
  for (GList *l = gtk_application_get_windows (fixture.app); l != NULL; l = l->next)
    if (KOUAN_IS_LOGIN_WINDOW (l->data))
      return l->data;
  return NULL;
}

static KouanCardDialog *
card_dialog (void)
{
  for (GList *l = gtk_application_get_windows (fixture.app); l != NULL; l = l->next)
    if (KOUAN_IS_CARD_DIALOG (l->data))
      return l->data;
  return NULL;
}

static gboolean
main_window_open (gpointer user_data)
{
  return main_window () != NULL && login_window () == NULL && card_dialog () == NULL;
}

static gboolean
login_window_only (gpointer user_data)
{
  return main_window () == NULL && login_window () != NULL;
}

static gboolean
dialog_ready (gpointer user_data)
{
  KouanCardDialog *dialog = card_dialog ();

  return dialog != NULL &&
         g_strcmp0 (_kouan_card_dialog_get_state_text (dialog), "Card of " HOLDER " is ready") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_settled_with_message (gpointer user_data)
{
  KouanCardDialog *dialog = card_dialog ();

  return dialog != NULL && !kouan_card_dialog_get_busy (dialog) &&
         _kouan_card_dialog_get_message (dialog) != NULL;
}

static gboolean
dialog_message_hidden (gpointer user_data)
{
  KouanCardDialog *dialog = card_dialog ();

  return dialog != NULL && _kouan_card_dialog_get_message (dialog) == NULL;
}

/* ---- card ------------------------------------------------------------- */

static void close_all_windows (void);

/* Each test starts from no window: a card session's window left by the
 * previous test would watch the reader while the card is changed. */
static void
start_card (const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;

  close_all_windows ();

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  kouan_card_fixture_start_card (fixture.card, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_card_fixture_wait_card (fixture.card, TRUE));
}

static void
card_command (const char *command)
{
  g_autofree char *reply = kouan_card_fixture_command (fixture.card, command);
  g_autofree char *expected = g_strconcat ("ok ", command, NULL);

  g_assert_cmpstr (reply, ==, expected);
}

/* ---- app -------------------------------------------------------------- */

static gboolean
card_idle (gpointer user_data)
{
  return _kouan_card_get_activity () == 0;
}

/* Closes every window and lets their card monitors and exchanges finish:
 * a window's monitor reads the certificate of the card it sees, and a card
 * changed in the middle of that leaves pcscd's vpcd reader unable to see
 * the next one arrive. */
static void
close_all_windows (void)
{
  while (gtk_application_get_windows (fixture.app) != NULL)
    gtk_window_destroy (gtk_application_get_windows (fixture.app)->data);
  g_assert_true (wait_until (card_idle, NULL));
  run_for (100);
}

/* The login window, with the test server's address, and its card dialog
 * open and showing the card ready. */
static KouanCardDialog *
open_dialog_from_login (void)
{
  KouanLoginWindow *login;

  close_all_windows ();
  kouan_application_show_login (KOUAN_APPLICATION (fixture.app),
                                kouan_test_server_get_url (fixture.server), "");
  login = login_window ();
  g_assert_nonnull (login);
  gtk_editable_set_text (_kouan_login_window_get_server_entry (login),
                         kouan_test_server_get_url (fixture.server));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_kouan_login_window_get_card_button (login))));
  g_signal_emit_by_name (_kouan_login_window_get_card_button (login), "clicked");
  g_assert_true (wait_until (dialog_ready, NULL));
  return card_dialog ();
}

static void
type_pin_and_log_in (KouanCardDialog *dialog,
                     const char      *pin)
{
  gtk_editable_set_text (_kouan_card_dialog_get_pin_entry (dialog), pin);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_kouan_card_dialog_get_login_button (dialog))));
  /* "clicked" at once: GtkButton::activate clicks only after a delay. */
  g_signal_emit_by_name (_kouan_card_dialog_get_login_button (dialog), "clicked");
  /* The PIN leaves the entry as soon as the card has its own copy (or
   * the attempt failed before that). */
}

/* What the server says about the session the window holds. */
static char *
server_session_method (KouanWindow *window)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (fixture.server), "/api/v1/session", NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = kouan_client_get_token (kouan_window_get_client (window));

  g_assert_nonnull (token);
  g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &body), ==, 200);
  object = kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (object, "method"));
}

/* Logs in with the card through the login window's dialog. */
static KouanWindow *
log_in_with_card (void)
{
  KouanCardDialog *dialog = open_dialog_from_login ();

  type_pin_and_log_in (dialog, GOOD_PIN);
  g_assert_true (wait_until (main_window_open, NULL));
  return main_window ();
}

/* ---- tests ------------------------------------------------------------ */

static void
test_correct_pin (void)
{
  KouanWindow *window;
  g_autofree char *method = NULL;
  GtkWidget *personal;

  start_card (NULL);
  window = log_in_with_card ();
  method = server_session_method (window);
  g_assert_cmpstr (method, ==, "card");
  g_assert_cmpstr (kouan_window_get_account (window), ==, "demo-admin");

  /* The window says how the user signed in. */
  g_assert_true (gtk_widget_get_visible (window->card_session_label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (window->card_session_label)), ==,
                   "Signed in with IC card");
  personal = _kouan_window_get_area_page (window, "personal");
  g_assert_cmpstr (_kouan_personal_page_get_method_text (KOUAN_PERSONAL_PAGE (personal)), ==,
                   "You are signed in with an IC card.");
  g_assert_false (_kouan_window_get_locked (window));
}

static void
test_wrong_pin_tries_left (void)
{
  KouanCardDialog *dialog;

  start_card ("--tries", "3", NULL);
  dialog = open_dialog_from_login ();

  type_pin_and_log_in (dialog, "000000");
  g_assert_true (wait_until (dialog_settled_with_message, NULL));
  g_assert_cmpstr (_kouan_card_dialog_get_message (dialog), ==, "Wrong PIN — 2 tries left");
  g_assert_cmpstr (gtk_editable_get_text (_kouan_card_dialog_get_pin_entry (dialog)), ==, "");
  g_assert_cmpint (kouan_card_fixture_counter (fixture.card, "tries"), ==, 2);

  /* The last try is said plainly. */
  type_pin_and_log_in (dialog, "000000");
  g_assert_true (wait_until (dialog_settled_with_message, NULL));
  g_assert_true (g_str_has_prefix (_kouan_card_dialog_get_message (dialog), "Wrong PIN — 1 try left."));
  g_assert_nonnull (strstr (_kouan_card_dialog_get_message (dialog), "blocks"));

  /* And the right PIN still works, putting the counter back. */
  type_pin_and_log_in (dialog, GOOD_PIN);
  g_assert_true (wait_until (main_window_open, NULL));
  g_assert_cmpint (kouan_card_fixture_counter (fixture.card, "tries"), ==, 3);
}

static void
test_blocked (void)
{
  KouanCardDialog *dialog;
  int verifies;

  start_card ("--tries", "1", NULL);
  dialog = open_dialog_from_login ();

  type_pin_and_log_in (dialog, "000000");
  g_assert_true (wait_until (dialog_settled_with_message, NULL));
  g_assert_true (g_str_has_prefix (_kouan_card_dialog_get_message (dialog), "This card is blocked"));
  g_assert_nonnull (strstr (_kouan_card_dialog_get_message (dialog), "card issuer"));
  g_assert_cmpint (kouan_card_fixture_counter (fixture.card, "tries"), ==, 0);
  g_assert_cmpstr (_kouan_card_dialog_get_state_text (dialog), ==, "Card of " HOLDER " is blocked");
  verifies = kouan_card_fixture_counter (fixture.card, "verify");

  /* Nothing more goes to the card: the PIN cannot even be typed, and a
   * login forced through the API is refused before any VERIFY. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_kouan_card_dialog_get_login_button (dialog))));
  gtk_editable_set_text (_kouan_card_dialog_get_pin_entry (dialog), GOOD_PIN);
  kouan_card_dialog_log_in (dialog);
  run_for (500);
  g_assert_false (kouan_card_dialog_get_busy (dialog));
  g_assert_cmpint (kouan_card_fixture_counter (fixture.card, "verify"), ==, verifies);

  /* A new dialog on the blocked card says so before any PIN is typed,
   * from the card's own counter (a VERIFY without data spends nothing). */
  close_all_windows ();
  {
    KouanLoginWindow *login;

    kouan_application_show_login (KOUAN_APPLICATION (fixture.app),
                                  kouan_test_server_get_url (fixture.server), "");
    login = login_window ();
    g_signal_emit_by_name (_kouan_login_window_get_card_button (login), "clicked");
    g_assert_true (wait_until (dialog_settled_with_message, NULL));
    dialog = card_dialog ();
    g_assert_true (g_str_has_prefix (_kouan_card_dialog_get_message (dialog), "This card is blocked"));
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_kouan_card_dialog_get_login_button (dialog))));
  }
  g_assert_cmpint (kouan_card_fixture_counter (fixture.card, "verify"), ==, verifies);
  close_all_windows ();
}

static void
test_removed_mid_login (void)
{
  KouanCardDialog *dialog;

  start_card (NULL);
  dialog = open_dialog_from_login ();

  /* Pulled out when the card is asked to sign, without an answer. */
  card_command ("pull-on 88");
  type_pin_and_log_in (dialog, GOOD_PIN);
  g_assert_true (wait_until (dialog_settled_with_message, NULL));
  g_assert_true (g_str_has_prefix (_kouan_card_dialog_get_message (dialog),
                                   "The card was taken out during the login."));
  g_assert_cmpstr (gtk_editable_get_text (_kouan_card_dialog_get_pin_entry (dialog)), ==, "");
  g_assert_nonnull (main_window () == NULL ? dialog : NULL);

  /* Back in: the dialog says the card is ready again, and it works. */
  card_command ("insert");
  g_assert_true (wait_until (dialog_message_hidden, NULL));
  g_assert_true (wait_until (dialog_ready, NULL));
  type_pin_and_log_in (dialog, GOOD_PIN);
  g_assert_true (wait_until (main_window_open, NULL));
}

static gboolean
window_locked (gpointer user_data)
{
  KouanWindow *window = main_window ();

  return window != NULL && _kouan_window_get_locked (window) &&
         gtk_widget_get_mapped (_kouan_window_get_card_lock (window));
}

static gboolean
window_unlocked (gpointer user_data)
{
  KouanWindow *window = main_window ();

  return window != NULL && !_kouan_window_get_locked (window);
}

static gboolean
lock_says (gpointer user_data)
{
  KouanWindow *window = main_window ();
  const char *message;

  if (window == NULL)
    return FALSE;
  message = _kouan_card_lock_get_message (KOUAN_CARD_LOCK (_kouan_window_get_card_lock (window)));
  return message != NULL && g_str_has_prefix (message, user_data);
}

static gboolean
lock_card_back (gpointer user_data)
{
  KouanWindow *window = main_window ();

  return window != NULL &&
         g_strcmp0 (_kouan_card_lock_get_state_text (KOUAN_CARD_LOCK (_kouan_window_get_card_lock (window))),
                    "Card of " HOLDER " is back. Enter its PIN.") == 0;
}

static void
test_removal_locks (void)
{
  GSettings *settings = kouan_application_get_settings (KOUAN_APPLICATION (fixture.app));
  KouanWindow *window;
  KouanCardLock *lock;

  g_settings_set_string (settings, "card-removal-action", "lock");
  start_card (NULL);
  window = log_in_with_card ();
  /* Give the window's monitor time to see the card in. */
  run_for (1500);
  g_assert_false (_kouan_window_get_locked (window));

  card_command ("remove");
  g_assert_true (wait_until (window_locked, NULL));
  lock = KOUAN_CARD_LOCK (_kouan_window_get_card_lock (window));
  /* Nothing under the lock takes input, the header bars' switcher and
   * menu included. */
  g_assert_false (gtk_widget_is_sensitive (window->stack));
  g_assert_false (gtk_widget_is_sensitive (window->enterprise_dropdown));

  /* Back in, a wrong PIN does not unlock. */
  card_command ("insert");
  g_assert_true (wait_until (lock_card_back, NULL));
  gtk_editable_set_text (_kouan_card_lock_get_pin_entry (lock), "000000");
  kouan_card_lock_unlock (lock);
  g_assert_true (wait_until (lock_says, (gpointer) "Wrong PIN — 2 tries left"));
  g_assert_true (_kouan_window_get_locked (window));

  gtk_editable_set_text (_kouan_card_lock_get_pin_entry (lock), GOOD_PIN);
  kouan_card_lock_unlock (lock);
  g_assert_true (wait_until (window_unlocked, NULL));
  g_assert_true (gtk_widget_is_sensitive (window->stack));
  g_assert_true (gtk_widget_get_sensitive (window->enterprise_dropdown));
  g_assert_cmpstr (gtk_editable_get_text (_kouan_card_lock_get_pin_entry (lock)), ==, "");
  g_assert_true (main_window () == window);

  /* It locks again on the next removal. */
  run_for (500);
  card_command ("remove");
  g_assert_true (wait_until (window_locked, NULL));
  card_command ("insert");
  close_all_windows ();
}

/* @data: { session URL, token }: does the server refuse the token now? */
static gboolean
session_ended (gpointer data)
{
  const char * const *session = data;

  return kouan_test_http ("GET", session[0], session[1], NULL, 0, NULL) == 401;
}

static void
test_removal_logs_out (void)
{
  GSettings *settings = kouan_application_get_settings (KOUAN_APPLICATION (fixture.app));
  KouanWindow *window;
  g_autofree char *token = NULL;
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (fixture.server), "/api/v1/session", NULL);

  g_settings_set_string (settings, "card-removal-action", "logout");
  start_card (NULL);
  window = log_in_with_card ();
  token = g_strdup (kouan_client_get_token (kouan_window_get_client (window)));
  run_for (1500);

  card_command ("remove");
  g_assert_true (wait_until (login_window_only, NULL));
  /* The session is ended on the server too (the logout request may still
   * be on its way: waited for, not assumed after a fixed time). */
  {
    const char *session[] = { url, token };

    g_assert_true (wait_until (session_ended, session));
  }

  card_command ("insert");
  g_settings_set_string (settings, "card-removal-action", "lock");
  close_all_windows ();
}

static void
test_removal_none (void)
{
  GSettings *settings = kouan_application_get_settings (KOUAN_APPLICATION (fixture.app));
  KouanWindow *window;

  g_settings_set_string (settings, "card-removal-action", "none");
  start_card (NULL);
  window = log_in_with_card ();
  run_for (1500);
  card_command ("remove");
  run_for (2000);
  g_assert_true (main_window () == window);
  g_assert_false (_kouan_window_get_locked (window));
  card_command ("insert");
  g_settings_set_string (settings, "card-removal-action", "lock");
  close_all_windows ();
}

static gboolean
dialog_open (gpointer user_data)
{
  return card_dialog () != NULL;
}

/* Personal center → Account management opens the same dialog. */
static void
test_personal_center (void)
{
  KouanWindow *window;
  GtkWidget *personal;

  start_card (NULL);
  window = log_in_with_card ();
  kouan_window_show_area (window, "personal");
  personal = _kouan_window_get_area_page (window, "personal");
  g_assert_true (KOUAN_IS_PERSONAL_PAGE (personal));
  g_assert_cmpstr (gtk_button_get_label (_kouan_personal_page_get_card_login_button (KOUAN_PERSONAL_PAGE (personal))),
                   ==, "Single IC card login — click to log in");
  g_signal_emit_by_name (_kouan_personal_page_get_card_login_button (KOUAN_PERSONAL_PAGE (personal)), "clicked");
  g_assert_true (wait_until (dialog_open, NULL));
  g_assert_true (wait_until (dialog_ready, NULL));

  /* Logging in there replaces the session with a new card session. */
  type_pin_and_log_in (card_dialog (), GOOD_PIN);
  g_assert_true (wait_until (main_window_open, NULL));
  g_assert_true (main_window () != NULL);
  {
    g_autofree char *method = server_session_method (main_window ());

    g_assert_cmpstr (method, ==, "card");
  }
  close_all_windows ();
}

static gboolean
dialog_ready_any (gpointer user_data)
{
  KouanCardDialog *dialog = card_dialog ();

  return dialog != NULL && g_str_has_prefix (_kouan_card_dialog_get_state_text (dialog), "Card of ") &&
         g_str_has_suffix (_kouan_card_dialog_get_state_text (dialog), " is ready");
}

/* A card the server refuses: the dialog says why, in words, and stays. */
static void
test_server_refuses_unbound (void)
{
  g_autofree char *cert = kouan_card_fixture_file ("unbound.pem");
  g_autofree char *key = kouan_card_fixture_file ("unbound-key.pem");
  KouanLoginWindow *login;
  KouanCardDialog *dialog;

  close_all_windows ();
  start_card ("--cert", cert, "--key", key, NULL);
  kouan_application_show_login (KOUAN_APPLICATION (fixture.app),
                                kouan_test_server_get_url (fixture.server), "");
  login = login_window ();
  g_signal_emit_by_name (_kouan_login_window_get_card_button (login), "clicked");
  g_assert_true (wait_until (dialog_ready_any, NULL));
  dialog = card_dialog ();
  g_assert_cmpstr (_kouan_card_dialog_get_state_text (dialog), ==, "Card of 无主持卡人 is ready");

  type_pin_and_log_in (dialog, GOOD_PIN);
  g_assert_true (wait_until (dialog_settled_with_message, NULL));
  g_assert_cmpstr (_kouan_card_dialog_get_message (dialog), ==,
                   "This card is not linked to an active Kouan account. Ask your enterprise "
                   "administrator to bind it to your account.");
  g_assert_null (main_window ());
  close_all_windows ();
}

/* ---- 账号管理: binding and unbinding the card in the reader ------------- */

static KouanPersonalCards *
shown_cards (void)
{
  KouanWindow *window = main_window ();
  GtkWidget *personal = _kouan_window_get_area_page (window, "personal");

  return KOUAN_PERSONAL_CARDS (_kouan_personal_page_get_cards (KOUAN_PERSONAL_PAGE (personal)));
}

static gboolean
cards_ready_to_bind (gpointer user_data)
{
  KouanPersonalCards *cards = shown_cards ();

  return gtk_widget_get_sensitive (GTK_WIDGET (_kouan_personal_cards_get_bind_button (cards))) &&
         !_kouan_personal_cards_get_busy (cards);
}

static gboolean
cards_dialog_open (gpointer user_data)
{
  return _kouan_personal_cards_get_dialog (shown_cards ()) != NULL;
}

/* Not busy, and the list says @user_data ("" for none) */
static gboolean
cards_settled (gpointer user_data)
{
  KouanPersonalCards *cards = shown_cards ();
  g_autofree char *text = _kouan_personal_cards_get_text (cards);

  return !_kouan_personal_cards_get_busy (cards) && _kouan_personal_cards_get_dialog (cards) == NULL &&
         (g_strcmp0 (user_data, "") == 0 ? text[0] == '\0' : strstr (text, user_data) != NULL);
}

/* Signed in with the password of demo-staff, 个人中心 → 账号管理 binds the
 * card in the reader with its PIN, lists it, and unbinds it once the
 * confirmation naming the card gets the right password. */
static void
test_bind_unbind_account_page (void)
{
  g_autofree char *cert = kouan_card_fixture_file ("unbound.pem");
  g_autofree char *key = kouan_card_fixture_file ("unbound-key.pem");
  KouanLoginWindow *login;
  KouanPersonalCards *cards;
  AdwMessageDialog *dialog;
  KouanWindow *window;
  GtkWidget *personal;

  close_all_windows ();
  start_card ("--cert", cert, "--key", key, NULL);
  kouan_application_show_login (KOUAN_APPLICATION (fixture.app),
                                kouan_test_server_get_url (fixture.server), "");
  login = login_window ();
  gtk_editable_set_text (_kouan_login_window_get_server_entry (login),
                         kouan_test_server_get_url (fixture.server));
  gtk_editable_set_text (_kouan_login_window_get_account_entry (login), "demo-staff");
  gtk_editable_set_text (_kouan_login_window_get_password_entry (login), "kouan-demo");
  g_signal_emit_by_name (_kouan_login_window_get_login_button (login), "clicked");
  g_assert_true (wait_until (main_window_open, NULL));
  window = main_window ();
  kouan_window_show_area (window, "personal");
  personal = _kouan_window_get_area_page (window, "personal");
  _kouan_personal_page_show (KOUAN_PERSONAL_PAGE (personal), "account");
  cards = shown_cards ();

  /* the reader's card is seen, and nothing is bound yet */
  g_assert_true (wait_until (cards_ready_to_bind, NULL));
  g_assert_true (wait_until (cards_settled, (gpointer) ""));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (cards)), ==,
                   "The card of 无主持卡人 is in the reader.");

  g_signal_emit_by_name (_kouan_personal_cards_get_bind_button (cards), "clicked");
  g_assert_true (wait_until (cards_dialog_open, NULL));
  dialog = _kouan_personal_cards_get_dialog (cards);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "无主持卡人"));
  gtk_editable_set_text (_kouan_personal_cards_get_dialog_entry (cards), GOOD_PIN);
  adw_message_dialog_response (dialog, "bind");
  g_assert_true (wait_until (cards_settled, (gpointer) "无主持卡人 · "));
  g_assert_cmpstr (_kouan_personal_cards_get_last_toast (cards), ==,
                   "The card of 无主持卡人 is bound to your account. You can now log in with it.");

  /* 解除绑定 names the card and needs the password: a wrong one keeps it */
  _kouan_personal_cards_click_unbind (cards, 0);
  g_assert_true (wait_until (cards_dialog_open, NULL));
  dialog = _kouan_personal_cards_get_dialog (cards);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Unbind the Card of 无主持卡人?");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "unbind"));
  gtk_editable_set_text (_kouan_personal_cards_get_dialog_entry (cards), "not-the-password");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "unbind"));
  adw_message_dialog_response (dialog, "unbind");
  g_assert_true (wait_until (cards_settled, (gpointer) "无主持卡人 · "));
  g_assert_cmpstr (_kouan_personal_cards_get_last_toast (cards), ==,
                   "The password is wrong, so the card was not unbound. Click Unbind and type your "
                   "account password again.");

  _kouan_personal_cards_click_unbind (cards, 0);
  g_assert_true (wait_until (cards_dialog_open, NULL));
  gtk_editable_set_text (_kouan_personal_cards_get_dialog_entry (cards), "kouan-demo");
  adw_message_dialog_response (_kouan_personal_cards_get_dialog (cards), "unbind");
  g_assert_true (wait_until (cards_settled, (gpointer) ""));
  g_assert_cmpstr (_kouan_personal_cards_get_last_toast (cards), ==,
                   "The card of 无主持卡人 is unbound. It can no longer log in to your account.");
  close_all_windows ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = kouan_card_fixture_check_requirements ();
  g_autofree char *card_ca = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;
  g_autoptr(GError) error = NULL;
  gboolean tap = FALSE;
  int status;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--tap"))
      tap = TRUE;

  fixture.home = g_dir_make_tmp ("kouan-ui-card-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (fixture.home, "data", NULL);
  config_home = g_build_filename (fixture.home, "config", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (missing != NULL)
    {
      g_print ("1..0 # SKIP %s\n", missing);
      return tap ? 0 : 77;
    }

  /* pcscd first: the fixture sets PCSCLITE_CSOCK_NAME before the app's
   * monitors load the client library. */
  fixture.card = kouan_card_fixture_new (&error);
  g_assert_no_error (error);

  gtk_init ();

  card_ca = kouan_card_fixture_file ("card-ca.pem");
  {
    const char *server_args[] = { "--demo", "--card-ca", card_ca, NULL };

    fixture.server = kouan_test_server_start (server_args);
  }

  fixture.app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (fixture.app), "io.github.kouan.Kouan.TestCard");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);
  /* Windows come and go between tests; the app must not quit meanwhile. */
  g_application_hold (G_APPLICATION (fixture.app));

  g_test_add_func ("/ui/card/correct-pin", test_correct_pin);
  g_test_add_func ("/ui/card/wrong-pin-tries-left", test_wrong_pin_tries_left);
  g_test_add_func ("/ui/card/blocked", test_blocked);
  g_test_add_func ("/ui/card/removed-mid-login", test_removed_mid_login);
  g_test_add_func ("/ui/card/removal-locks", test_removal_locks);
  g_test_add_func ("/ui/card/removal-logs-out", test_removal_logs_out);
  g_test_add_func ("/ui/card/removal-none", test_removal_none);
  g_test_add_func ("/ui/card/personal-center", test_personal_center);
  g_test_add_func ("/ui/card/bind-unbind", test_bind_unbind_account_page);
  /* Last: a refused login counts towards the server's throttle. */
  g_test_add_func ("/ui/card/server-refuses-unbound", test_server_refuses_unbound);

  status = g_test_run ();

  close_all_windows ();
  g_application_release (G_APPLICATION (fixture.app));
  g_clear_object (&fixture.app);
  g_clear_pointer (&fixture.server, kouan_test_server_free);
  kouan_card_fixture_free (fixture.card);
  g_free (fixture.home);
  return status;
}
