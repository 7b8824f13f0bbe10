/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-grant-status.h"
#include "kouan-json.h"
#include "kouan-password-dialog.h"
#include "kouan-personal-cards.h"
#include "kouan-role.h"
#include "kouan-personal-page-private.h"
#include "kouan-store-access.h"

/* 账号管理: the login account, phone and e-mail (part of the synced
 * profile, so they can be edited offline and saved with the page's
 * Save), the password (online, in its dialog), the IC card bound to the
 * account with the card login button, the member's roles (from the
 * synced access record) and the account's active sessions, each with
 * 结束 (online). */

struct _KouanPersonalAccount
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *account_row;
  GtkWidget         *card_login_button;
  GtkWidget         *card_row;
  GtkWidget         *cards;
  GtkWidget         *email_row;
  GtkWidget         *method_row;
  GtkWidget         *phone_row;
  GtkWidget         *roles_empty_label;
  GtkWidget         *roles_list;
  GtkWidget         *sessions_list;

  /* owned */
  GPtrArray         *role_texts;   /* what each role row says, for tests and AT */
  gboolean           dirty;
  gboolean           loading;

  /* borrowed */
  KouanPersonalPage *page;
};

G_DEFINE_FINAL_TYPE (KouanPersonalAccount, kouan_personal_account, GTK_TYPE_WIDGET)

static void load_remote (KouanPersonalAccount *self);

/* ---- details -------------------------------------------------------------- */

void
_kouan_personal_account_reload (KouanPersonalAccount *self)
{
  g_autoptr(KouanProfile) profile = NULL;
  KouanPersonalPage *page = self->page;

  if (page == NULL || page->store == NULL)
    return;
  profile = kouan_store_get_profile (page->store, page->user_id, NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->account_row),
                               profile != NULL ? profile->account
                               : (page->account_name != NULL ? page->account_name : ""));
  gtk_widget_set_sensitive (self->phone_row, profile != NULL);
  gtk_widget_set_sensitive (self->email_row, profile != NULL);
  /* Not while the user is editing them: their draft waits for Save. */
  if (profile != NULL && !self->dirty)
    {
      self->loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->phone_row), profile->phone != NULL ? profile->phone : "");
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), profile->email != NULL ? profile->email : "");
      self->loading = FALSE;
    }
  _kouan_personal_account_reload_roles (self);
  _kouan_personal_cards_set_client (KOUAN_PERSONAL_CARDS (self->cards), page->client,
                                    profile != NULL ? profile->account : page->account_name);
  _kouan_personal_cards_reload (KOUAN_PERSONAL_CARDS (self->cards));
  load_remote (self);
}

static void
on_cards_toast (KouanPersonalAccount *self,
                const char           *text)
{
  if (self->page != NULL)
    _kouan_personal_page_toast (self->page, text);
}

static void
on_cards_changed (KouanPersonalAccount *self)
{
  load_remote (self);
}

GtkWidget *
_kouan_personal_account_get_cards (KouanPersonalAccount *self)
{
  return self->cards;
}

void
_kouan_personal_account_set_method (KouanPersonalAccount *self,
                                    const char           *method)
{
  const char *text;

  if (g_strcmp0 (method, "card") == 0)
    text = _("You are signed in with an IC card.");
  else if (g_strcmp0 (method, "password") == 0)
    text = _("You are signed in with your account and password.");
  else
    text = _("You are working offline with the messages saved on this computer.");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->method_row), text);
}

const char *
_kouan_personal_account_get_method_text (KouanPersonalAccount *self)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (self->method_row));
}

GtkButton *
_kouan_personal_account_get_card_login_button (KouanPersonalAccount *self)
{
  return GTK_BUTTON (self->card_login_button);
}

static void
on_contact_edited (KouanPersonalAccount *self)
{
  g_autoptr(KouanProfile) profile = NULL;

  if (self->loading)
    return;
  /* A draft while it differs from what is stored: typing back what was
   * there leaves nothing to save (as on the admin forms). */
  if (self->page != NULL && self->page->store != NULL)
    profile = kouan_store_get_profile (self->page->store, self->page->user_id, NULL);
  self->dirty = profile == NULL ||
                g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->phone_row)),
                           profile->phone != NULL ? profile->phone : "") != 0 ||
                g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                           profile->email != NULL ? profile->email : "") != 0;
  if (self->page != NULL)
    _kouan_personal_page_update_save (self->page);
}

gboolean
_kouan_personal_account_get_dirty (KouanPersonalAccount *self)
{
  return self->dirty;
}

void
_kouan_personal_account_save (KouanPersonalAccount *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KouanPersonalPage *page = self->page;
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone_row));
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  gboolean phone_ok = phone[0] == '\0' || kouan_personal_phone_is_valid (phone);
  gboolean email_ok = email[0] == '\0' || kouan_personal_email_is_valid (email);

  if (phone_ok)
    gtk_widget_remove_css_class (self->phone_row, "error");
  else
    gtk_widget_add_css_class (self->phone_row, "error");
  if (email_ok)
    gtk_widget_remove_css_class (self->email_row, "error");
  else
    gtk_widget_add_css_class (self->email_row, "error");
  if (!phone_ok)
    {
      _kouan_personal_page_toast (page, _("Enter the phone number as digits, for example 138 1234 5678."));
      gtk_widget_grab_focus (self->phone_row);
      return;
    }
  if (!email_ok)
    {
      _kouan_personal_page_toast (page, _("Enter an e-mail address such as name@example.com."));
      gtk_widget_grab_focus (self->email_row);
      return;
    }

  json_object_set_string_member (fields, "phone", phone);
  json_object_set_string_member (fields, "email", email);
  id = kouan_store_enqueue (page->store, page->enterprise_id, "profile", "update",
                            page->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Saving the contact details: %s", error->message);
      _kouan_personal_page_toast (page, _("The contact details could not be saved."));
      return;
    }
  self->dirty = FALSE;
  _kouan_personal_page_update_save (page);
  _kouan_personal_page_toast_queued (page);
}

/* Drops the draft: the contact details as stored again. */
void
_kouan_personal_account_revert (KouanPersonalAccount *self)
{
  self->dirty = FALSE;
  gtk_widget_remove_css_class (self->phone_row, "error");
  gtk_widget_remove_css_class (self->email_row, "error");
  _kouan_personal_account_reload (self);
  if (self->page != NULL)
    _kouan_personal_page_update_save (self->page);
}

/* ---- 我的角色与权限期限: the member's grants -------------------------------- */

/* The period and state of @grant: "Mar 1, 2026 – Mar 31, 2026 · 生效中".
 * The status rule is core's (kouan-grant-status.h), as in the staff list
 * and on the server. */
static char *
describe_period (JsonObject       *grant,
                 const char       *today,
                 KouanGrantStatus *out_status)
{
  const char *starts_on = json_object_get_string_member_with_default (grant, "starts_on", "");
  const char *ends_on = NULL;
  g_autofree char *from = kouan_format_iso_day (starts_on);
  g_autofree char *period = NULL;
  g_autofree char *state = NULL;
  KouanGrantStatus status;
  int days_left;

  if (json_object_has_member (grant, "ends_on") && !json_object_get_null_member (grant, "ends_on"))
    ends_on = json_object_get_string_member (grant, "ends_on");
  if (ends_on != NULL)
    {
      g_autofree char *until = kouan_format_iso_day (ends_on);

      /* Translators: a role's validity period, start and end dates */
      period = g_strdup_printf (_("%s – %s"), from, until);
    }
  else
    /* Translators: a role's validity period without an end */
    period = g_strdup_printf (_("from %s, no end date"), from);

  status = kouan_grant_status_for (starts_on, ends_on, today, &days_left);
  switch (status)
    {
    case KOUAN_GRANT_STATUS_EXPIRING:
      if (days_left == 0)
        state = g_strdup (_("ends today"));
      else
        state = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "ends in %d day", "ends in %d days", days_left),
                                 days_left);
      break;
    case KOUAN_GRANT_STATUS_PENDING:
      state = kouan_grant_status_describe (status, starts_on);
      break;
    default:
      state = kouan_grant_status_describe (status, NULL);
      break;
    }
  if (out_status != NULL)
    *out_status = status;
  /* Translators: a role's validity period · its state */
  return g_strdup_printf (_("%s · %s"), period, state);
}

char *
_kouan_personal_describe_grant (JsonObject *grant,
                                const char *today)
{
  g_autofree char *china = today == NULL ? kouan_grant_today () : NULL;
  g_autofree char *period = describe_period (grant, today != NULL ? today : china, NULL);

  /* Translators: a role the member holds · its validity period and state */
  return g_strdup_printf (_("%s · %s"),
                          kouan_role_display_name (json_object_get_string_member_with_default (grant, "role", ""),
                                                   json_object_get_boolean_member_with_default (grant, "builtin", FALSE)),
                          period);
}

void
_kouan_personal_account_reload_roles (KouanPersonalAccount *self)
{
  g_autoptr(JsonArray) grants = NULL;
  g_autofree char *today = NULL;
  GtkWidget *child;
  KouanPersonalPage *page = self->page;
  guint n;

  if (page == NULL || page->store == NULL)
    return;
  while ((child = gtk_widget_get_first_child (self->roles_list)) != NULL &&
         GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (GTK_LIST_BOX (self->roles_list), child);
  g_ptr_array_set_size (self->role_texts, 0);

  if (page->enterprise_id > 0)
    grants = kouan_store_access_get_grants (page->store, page->enterprise_id);
  n = grants != NULL ? json_array_get_length (grants) : 0;
  if (grants == NULL)
    gtk_label_set_label (GTK_LABEL (self->roles_empty_label),
                         _("Your roles and their validity are shown once this enterprise has been synced."));
  else if (n == 0)
    gtk_label_set_label (GTK_LABEL (self->roles_empty_label),
                         _("You hold no roles in this enterprise; the personal center and message center are open to every member."));

  today = kouan_grant_today ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *grant = json_array_get_object_element (grants, i);
      g_autofree char *period = NULL;
      GtkWidget *row;
      KouanGrantStatus status;

      if (grant == NULL)
        continue;
      period = describe_period (grant, today, &status);
      row = adw_action_row_new ();
      /* the built-in role in the user's language ("Administrator") */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     kouan_role_display_name (json_object_get_string_member_with_default (grant, "role", ""),
                                                              json_object_get_boolean_member_with_default (grant, "builtin", FALSE)));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), period);
      switch (status)
        {
        case KOUAN_GRANT_STATUS_EXPIRING:
          gtk_widget_add_css_class (row, "warning");
          break;
        case KOUAN_GRANT_STATUS_PENDING:
        case KOUAN_GRANT_STATUS_EXPIRED:
        case KOUAN_GRANT_STATUS_DISABLED:
          gtk_widget_add_css_class (row, "dim-label");
          break;
        case KOUAN_GRANT_STATUS_ACTIVE:
        default:
          break;
        }
      /* focusable rows, so the list can be read with the keyboard */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, TRUE);
      gtk_list_box_append (GTK_LIST_BOX (self->roles_list), row);
      g_ptr_array_add (self->role_texts, _kouan_personal_describe_grant (grant, today));
    }
}

char *
_kouan_personal_account_get_roles_text (KouanPersonalAccount *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->role_texts->len == 0)
    return g_strdup (gtk_label_get_label (GTK_LABEL (self->roles_empty_label)));
  for (guint i = 0; i < self->role_texts->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (self->role_texts, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- account and sessions from the server --------------------------------- */

static void
on_session_ended (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KouanPersonalAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->page == NULL)
    return;
  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, self->page->client);

      _kouan_personal_page_toast (self->page, text);
      load_remote (self);
      return;
    }
  _kouan_personal_page_toast (self->page, _("The session was ended."));
  load_remote (self);
}

static void
end_session (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  KouanPersonalAccount *self = KOUAN_PERSONAL_ACCOUNT (widget);
  g_autofree char *path = g_strdup_printf ("/api/v1/account/sessions/%" G_GINT64_FORMAT,
                                           g_variant_get_int64 (parameter));

  kouan_client_call_async (self->page->client, "DELETE", path, NULL, self->page->cancellable,
                           on_session_ended, g_object_ref (self));
}

static void
show_sessions (KouanPersonalAccount *self,
               JsonArray            *sessions)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->sessions_list)) != NULL &&
         GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (GTK_LIST_BOX (self->sessions_list), child);

  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);
      GtkWidget *row, *button;
      g_autofree char *started = NULL;
      g_autofree char *seen = NULL;
      g_autofree char *text = NULL;
      gboolean current;
      const char *method;

      if (session == NULL)
        continue;
      current = json_object_get_boolean_member_with_default (session, "current", FALSE);
      method = json_object_get_string_member_with_default (session, "method", "");
      started = kouan_format_unix_date_time (json_object_get_int_member_with_default (session, "created_at", 0));
      seen = kouan_format_unix_date_time (json_object_get_int_member_with_default (session, "last_seen", 0));
      /* Translators: a signed-in session: when it started, when it was last used */
      text = g_strdup_printf (_("Signed in %s · last used %s"), started, seen);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     g_str_equal (method, "card") ? _("IC card") : _("Password"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      if (current)
        {
          GtkWidget *label = gtk_label_new (_("This computer"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
          gtk_widget_set_focusable (row, TRUE);
        }
      else
        {
          button = gtk_button_new_with_label (_("End"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "account.end-session");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x",
                                            json_object_get_int_member (session, "id"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("End this session"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (GTK_LIST_BOX (self->sessions_list), row);
    }
}

static void
on_sessions_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KouanPersonalAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonArray *sessions = NULL;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "sessions", &sessions, NULL))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
        g_debug ("Loading the sessions: %s", error->message);
      return;
    }
  show_sessions (self, sessions);
}

static void
on_account_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanPersonalAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonObject *account, *card = NULL;
  g_autofree char *text = NULL;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (self->card_row),
                                     _("Whether an IC card is bound is shown when you are online."));
      return;
    }
  account = json_node_get_object (answer);
  if (json_object_has_member (account, "card") && !json_object_get_null_member (account, "card"))
    card = json_object_get_object_member (account, "card");

  /* The cards themselves are listed in 已绑定的IC卡 below. */
  if (card == NULL)
    text = g_strdup (_("Bind your IC card below, then log in with it here."));
  else
    text = g_strdup (_("Log in with one of the cards bound below."));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->card_row), text);
}

static void
load_remote (KouanPersonalAccount *self)
{
  KouanPersonalPage *page = self->page;

  if (page == NULL || page->client == NULL || kouan_client_get_token (page->client) == NULL)
    return;
  kouan_client_call_async (page->client, "GET", "/api/v1/account", NULL, page->cancellable,
                           on_account_loaded, g_object_ref (self));
  kouan_client_call_async (page->client, "GET", "/api/v1/account/sessions", NULL, page->cancellable,
                           on_sessions_loaded, g_object_ref (self));
}

static void
refresh (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  KouanPersonalAccount *self = KOUAN_PERSONAL_ACCOUNT (widget);

  _kouan_personal_cards_reload (KOUAN_PERSONAL_CARDS (self->cards));
  load_remote (self);
}

/* ---- change password ------------------------------------------------------ */

static void
on_password_changed (KouanPersonalAccount *self)
{
  _kouan_personal_page_toast (self->page, _("Your password was changed. Your other sessions were signed out."));
  load_remote (self);
}

static void
change_password (GtkWidget  *widget,
                 const char *action,
                 GVariant   *parameter)
{
  KouanPersonalAccount *self = KOUAN_PERSONAL_ACCOUNT (widget);
  KouanPersonalPage *page = self->page;
  GtkWidget *dialog;

  if (page->client == NULL || kouan_client_get_token (page->client) == NULL)
    {
      _kouan_personal_page_toast (page, _("The password can be changed when you are online."));
      return;
    }
  dialog = kouan_password_dialog_new (_kouan_personal_page_get_window (page), page->client, page->account_name);
  g_signal_connect_object (dialog, "changed", G_CALLBACK (on_password_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void
kouan_personal_account_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_ACCOUNT);
  /* template children without an id are not unparented for us */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kouan_personal_account_parent_class)->dispose (object);
}

static void
kouan_personal_account_finalize (GObject *object)
{
  KouanPersonalAccount *self = KOUAN_PERSONAL_ACCOUNT (object);

  g_ptr_array_unref (self->role_texts);

  G_OBJECT_CLASS (kouan_personal_account_parent_class)->finalize (object);
}

static void
kouan_personal_account_class_init (KouanPersonalAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_account_dispose;
  object_class->finalize = kouan_personal_account_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  g_type_ensure (KOUAN_TYPE_PERSONAL_CARDS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-account.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, account_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, card_login_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, card_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, cards);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, email_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, method_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, roles_empty_label);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, roles_list);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalAccount, sessions_list);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_cards_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_cards_toast);

  gtk_widget_class_install_action (widget_class, "account.change-password", NULL, change_password);
  gtk_widget_class_install_action (widget_class, "account.refresh", NULL, refresh);
  gtk_widget_class_install_action (widget_class, "account.end-session", "x", end_session);
}

static void
kouan_personal_account_init (KouanPersonalAccount *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loading = FALSE;
  self->role_texts = g_ptr_array_new_with_free_func (g_free);
  gtk_label_set_label (GTK_LABEL (self->roles_empty_label),
                       _("Your roles and their validity are shown once this enterprise has been synced."));
}

void
_kouan_personal_account_set_page (KouanPersonalAccount *self,
                                  KouanPersonalPage    *page)
{
  self->page = page;
}
