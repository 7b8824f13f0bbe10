/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-grant-status.h"
#include "kouan-json.h"
#include "kouan-personal-page-private.h"
#include "kouan-store-access.h"

/* 账号管理: the login account, phone and e-mail (part of the synced
 * profile, so they can be edited offline), the password (online), the IC
 * card bound to the account with the card login button, and the account's
 * active sessions, each with 结束 (online). */

static void load_remote (KouanPersonalPage *self);

static void
set_status (KouanPersonalPage *self,
            const char        *text)
{
  gtk_label_set_label (GTK_LABEL (self->account_status_label), text);
}

/* ---- details -------------------------------------------------------------- */

void
_kouan_personal_account_reload (KouanPersonalPage *self)
{
  g_autoptr(KouanProfile) profile = NULL;

  if (self->store == NULL || self->phone_entry == NULL)
    return;
  profile = kouan_store_get_profile (self->store, self->user_id, NULL);
  gtk_label_set_label (GTK_LABEL (self->account_value_label),
                       profile != NULL ? profile->account : (self->account != NULL ? self->account : ""));
  /* Not while the user is typing in them. */
  if (profile != NULL && !gtk_widget_has_focus (self->phone_entry) &&
      g_object_get_data (G_OBJECT (self->phone_entry), "kouan-edited") == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->phone_entry), profile->phone);
  if (profile != NULL && !gtk_widget_has_focus (self->email_entry) &&
      g_object_get_data (G_OBJECT (self->email_entry), "kouan-edited") == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_entry), profile->email);
  _kouan_personal_roles_reload (self);
  load_remote (self);
}

/* ---- 我的角色与权限期限: the member's grants -------------------------------- */

char *
_kouan_personal_describe_grant (JsonObject *grant,
                                const char *today)
{
  const char *role = json_object_get_string_member_with_default (grant, "role", "");
  const char *starts_on = json_object_get_string_member_with_default (grant, "starts_on", "");
  const char *ends_on = NULL;
  g_autofree char *from = kouan_format_iso_day (starts_on);
  g_autofree char *period = NULL;
  g_autofree char *state = NULL;
  g_autofree char *china = today == NULL ? kouan_grant_today () : NULL;
  int days_left;

  if (today == NULL)
    today = china;

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

  /* the status rule is core's (kouan-grant-status.h), as in the staff
   * list and on the server */
  switch (kouan_grant_status_for (starts_on, ends_on, today, &days_left))
    {
    case KOUAN_GRANT_STATUS_EXPIRING:
      if (days_left == 0)
        state = g_strdup (_("ends today"));
      else
        state = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "ends in %d day", "ends in %d days", days_left),
                                 days_left);
      break;
    case KOUAN_GRANT_STATUS_PENDING:
      state = kouan_grant_status_describe (KOUAN_GRANT_STATUS_PENDING, starts_on);
      break;
    default:
      state = kouan_grant_status_describe (kouan_grant_status_for (starts_on, ends_on, today, NULL), NULL);
      break;
    }

  /* Translators: a role the member holds · its validity period · its state */
  return g_strdup_printf (_("%s · %s · %s"), role, period, state);
}

void
_kouan_personal_roles_reload (KouanPersonalPage *self)
{
  g_autoptr(JsonArray) grants = NULL;
  g_autofree char *today = NULL;
  GtkWidget *child;
  guint n;

  if (self->store == NULL || self->roles_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (self->roles_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->roles_list), child);

  if (self->enterprise_id > 0)
    grants = kouan_store_access_get_grants (self->store, self->enterprise_id);
  n = grants != NULL ? json_array_get_length (grants) : 0;
  if (grants == NULL)
    gtk_label_set_label (GTK_LABEL (self->roles_empty_label),
                         _("Your roles and their validity are shown once this enterprise has been synced."));
  else if (n == 0)
    gtk_label_set_label (GTK_LABEL (self->roles_empty_label),
                         _("You hold no roles in this enterprise; the personal center and message center are open to every member."));
  gtk_widget_set_visible (self->roles_empty_label, n == 0);
  gtk_widget_set_visible (self->roles_list, n > 0);

  today = kouan_grant_today ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *grant = json_array_get_object_element (grants, i);
      g_autofree char *text = NULL;
      GtkWidget *row, *label;
      const char *ends_on = NULL;

      if (grant == NULL)
        continue;
      if (json_object_has_member (grant, "ends_on") && !json_object_get_null_member (grant, "ends_on"))
        ends_on = json_object_get_string_member (grant, "ends_on");
      text = _kouan_personal_describe_grant (grant, today);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      switch (kouan_grant_status_for (json_object_get_string_member_with_default (grant, "starts_on", ""),
                                      ends_on, today, NULL))
        {
        case KOUAN_GRANT_STATUS_EXPIRING:
          gtk_widget_add_css_class (label, "warning");
          break;
        case KOUAN_GRANT_STATUS_PENDING:
        case KOUAN_GRANT_STATUS_EXPIRED:
        case KOUAN_GRANT_STATUS_DISABLED:
          gtk_widget_add_css_class (label, "dim-label");
          break;
        case KOUAN_GRANT_STATUS_ACTIVE:
        default:
          break;
        }
      /* focusable rows, so the list can be read with the keyboard */
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
      gtk_list_box_append (GTK_LIST_BOX (self->roles_list), row);
    }
}

char *
_kouan_personal_page_get_roles_text (KouanPersonalPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (gtk_widget_get_visible (self->roles_empty_label))
    return g_strdup (gtk_label_get_label (GTK_LABEL (self->roles_empty_label)));
  for (GtkWidget *row = gtk_widget_get_first_child (self->roles_list);
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *label = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

      g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (label)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_contact_edited (GtkEditable *entry)
{
  g_object_set_data (G_OBJECT (entry), "kouan-edited", GINT_TO_POINTER (TRUE));
}

static void
on_save_contact (KouanPersonalPage *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone_entry));
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_entry));

  if (phone[0] != '\0' && !kouan_personal_phone_is_valid (phone))
    {
      set_status (self, _("Enter the phone number as digits, for example 138 1234 5678."));
      return;
    }
  if (email[0] != '\0' && !kouan_personal_email_is_valid (email))
    {
      set_status (self, _("Enter an e-mail address such as name@example.com."));
      return;
    }

  json_object_set_string_member (fields, "phone", phone);
  json_object_set_string_member (fields, "email", email);
  id = kouan_store_enqueue (self->store, self->enterprise_id, "profile", "update",
                            self->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Saving the contact details: %s", error->message);
      set_status (self, _("The contact details could not be saved."));
      return;
    }
  g_object_set_data (G_OBJECT (self->phone_entry), "kouan-edited", NULL);
  g_object_set_data (G_OBJECT (self->email_entry), "kouan-edited", NULL);
  set_status (self, _("Saved. It reaches the server with the next sync."));
}

/* ---- account and sessions from the server --------------------------------- */

static void
on_session_ended (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KouanPersonalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, self->client);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, text);
      return;
    }
  set_status (self, _("The session was ended."));
  load_remote (self);
}

static void
on_end_session (GtkButton         *button,
                KouanPersonalPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "kouan-session-id"));
  g_autofree char *path = g_strdup_printf ("/api/v1/account/sessions/%" G_GINT64_FORMAT, id);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  kouan_client_call_async (self->client, "DELETE", path, NULL, self->cancellable,
                           on_session_ended, g_object_ref (self));
}

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static void
show_sessions (KouanPersonalPage *self,
               JsonArray         *sessions)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->sessions_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->sessions_list), child);

  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label, *button;
      g_autofree char *started = NULL;
      g_autofree char *seen = NULL;
      g_autofree char *text = NULL;
      gboolean current;
      const char *method;

      if (session == NULL)
        continue;
      current = json_object_get_boolean_member_with_default (session, "current", FALSE);
      method = json_object_get_string_member_with_default (session, "method", "");
      started = format_time (json_object_get_int_member_with_default (session, "created_at", 0));
      seen = format_time (json_object_get_int_member_with_default (session, "last_seen", 0));
      /* Translators: a signed-in session: how, when it started, when it was last used */
      text = g_strdup_printf (_("%s · signed in %s · last used %s%s"),
                              g_str_equal (method, "card") ? _("IC card") : _("Password"),
                              started, seen, current ? _(" · this computer") : "");
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (row), label);
      if (!current)
        {
          button = gtk_button_new_with_label (_("End"));
          g_object_set_data (G_OBJECT (button), "kouan-session-id",
                             GSIZE_TO_POINTER ((gsize) json_object_get_int_member (session, "id")));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("End this session"), -1);
          g_signal_connect (button, "clicked", G_CALLBACK (on_end_session), self);
          gtk_box_append (GTK_BOX (row), button);
        }
      gtk_widget_set_margin_top (row, 6);
      gtk_widget_set_margin_bottom (row, 6);
      gtk_widget_set_margin_start (row, 6);
      gtk_widget_set_margin_end (row, 6);
      gtk_list_box_append (GTK_LIST_BOX (self->sessions_list), row);
    }
}

static void
on_sessions_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KouanPersonalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonArray *sessions = NULL;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "sessions", &sessions, NULL))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = _kouan_personal_describe_error (error, self->client);

          set_status (self, text);
        }
      return;
    }
  show_sessions (self, sessions);
}

static void
on_account_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanPersonalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonObject *account, *card = NULL;
  g_autofree char *text = NULL;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (GTK_LABEL (self->card_state_label),
                             _("Whether an IC card is bound is shown when you are online."));
      return;
    }
  account = json_node_get_object (answer);
  if (json_object_has_member (account, "card") && !json_object_get_null_member (account, "card"))
    card = json_object_get_object_member (account, "card");

  if (card == NULL)
    text = g_strdup (_("No IC card is bound to this account."));
  else if (json_object_get_null_member (card, "holder"))
    text = g_strdup (_("An IC card is bound to this account."));
  else
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (json_object_get_int_member (card, "not_after"));
      g_autofree char *date = until != NULL ? g_date_time_format (until, "%Y-%m-%d") : g_strdup ("");

      /* Translators: the card holder's name and the card's expiry date */
      text = g_strdup_printf (_("IC card bound: holder %s, valid until %s."),
                              json_object_get_string_member (card, "holder"), date);
    }
  gtk_label_set_label (GTK_LABEL (self->card_state_label), text);
}

static void
load_remote (KouanPersonalPage *self)
{
  if (self->client == NULL || kouan_client_get_token (self->client) == NULL)
    return;
  kouan_client_call_async (self->client, "GET", "/api/v1/account", NULL, self->cancellable,
                           on_account_loaded, g_object_ref (self));
  kouan_client_call_async (self->client, "GET", "/api/v1/account/sessions", NULL, self->cancellable,
                           on_sessions_loaded, g_object_ref (self));
}

/* ---- change password ------------------------------------------------------ */

typedef struct {
  KouanPersonalPage *page;
  GtkWidget         *window;
  GtkWidget         *old_entry;
  GtkWidget         *new_entry;
  GtkWidget         *repeat_entry;
  GtkWidget         *rules_label;
  GtkWidget         *change_button;
} PasswordDialog;

static void
password_dialog_free (PasswordDialog *dialog)
{
  g_object_unref (dialog->page);
  g_free (dialog);
}

static const char *
strength_text (KouanPasswordStrength strength)
{
  switch (strength)
    {
    case KOUAN_PASSWORD_OK:
      return "";
    case KOUAN_PASSWORD_TOO_SHORT:
      return _("At least 8 characters.");
    case KOUAN_PASSWORD_TOO_LONG:
      return _("The password is too long.");
    case KOUAN_PASSWORD_NEEDS_MIX:
      return _("Use both letters and digits.");
    case KOUAN_PASSWORD_IS_ACCOUNT:
    default:
      return _("The password cannot be your account name.");
    }
}

static void
on_password_typed (PasswordDialog *dialog)
{
  const char *old = gtk_editable_get_text (GTK_EDITABLE (dialog->old_entry));
  const char *new = gtk_editable_get_text (GTK_EDITABLE (dialog->new_entry));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (dialog->repeat_entry));
  KouanPasswordStrength strength = kouan_personal_password_check (new, dialog->page->account);
  const char *text = strength_text (strength);

  if (strength == KOUAN_PASSWORD_OK && g_strcmp0 (new, repeat) != 0)
    text = _("The two new passwords differ.");
  gtk_label_set_label (GTK_LABEL (dialog->rules_label), text);
  gtk_widget_set_sensitive (dialog->change_button,
                            old[0] != '\0' && strength == KOUAN_PASSWORD_OK && g_strcmp0 (new, repeat) == 0);
}

static void
on_password_changed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PasswordDialog *dialog = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, dialog->page->client);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (GTK_LABEL (dialog->rules_label), text);
          gtk_widget_set_sensitive (dialog->change_button, TRUE);
        }
      return;
    }

  set_status (dialog->page, _("Your password was changed. Your other sessions were signed out."));
  load_remote (dialog->page);
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static void
on_change_password (PasswordDialog *dialog)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (body, "old_password", gtk_editable_get_text (GTK_EDITABLE (dialog->old_entry)));
  json_object_set_string_member (body, "new_password", gtk_editable_get_text (GTK_EDITABLE (dialog->new_entry)));
  json_node_set_object (node, body);
  gtk_widget_set_sensitive (dialog->change_button, FALSE);
  kouan_client_call_async (dialog->page->client, "POST", "/api/v1/account/password", node,
                           dialog->page->cancellable, on_password_changed, dialog);
}

static GtkWidget *
password_entry (GtkWidget  *grid,
                int         row,
                const char *label)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_password_entry_new ();

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
  return entry;
}

static void
open_password_dialog (KouanPersonalPage *self)
{
  PasswordDialog *dialog = g_new0 (PasswordDialog, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *grid, *box, *buttons, *cancel;

  dialog->page = g_object_ref (self);
  dialog->window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog->window), _("Change Password"));
  gtk_window_set_modal (GTK_WINDOW (dialog->window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog->window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog->window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (dialog->window), "kouan-dialog", dialog,
                          (GDestroyNotify) password_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  dialog->old_entry = password_entry (grid, 0, _("_Current password"));
  dialog->new_entry = password_entry (grid, 1, _("_New password"));
  dialog->repeat_entry = password_entry (grid, 2, _("_Repeat new password"));
  gtk_box_append (GTK_BOX (box), grid);

  dialog->rules_label = gtk_label_new (_("At least 8 characters with letters and digits, not your account name. Your other sessions will be signed out."));
  gtk_label_set_wrap (GTK_LABEL (dialog->rules_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (dialog->rules_label), 40);
  gtk_label_set_xalign (GTK_LABEL (dialog->rules_label), 0);
  gtk_box_append (GTK_BOX (box), dialog->rules_label);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), dialog->window);
  gtk_box_append (GTK_BOX (buttons), cancel);
  dialog->change_button = gtk_button_new_with_mnemonic (_("C_hange Password"));
  gtk_widget_add_css_class (dialog->change_button, "suggested-action");
  gtk_widget_set_sensitive (dialog->change_button, FALSE);
  g_signal_connect_swapped (dialog->change_button, "clicked", G_CALLBACK (on_change_password), dialog);
  gtk_box_append (GTK_BOX (buttons), dialog->change_button);
  gtk_box_append (GTK_BOX (box), buttons);

  g_signal_connect_swapped (dialog->old_entry, "changed", G_CALLBACK (on_password_typed), dialog);
  g_signal_connect_swapped (dialog->new_entry, "changed", G_CALLBACK (on_password_typed), dialog);
  g_signal_connect_swapped (dialog->repeat_entry, "changed", G_CALLBACK (on_password_typed), dialog);

  gtk_window_set_child (GTK_WINDOW (dialog->window), box);
  gtk_window_present (GTK_WINDOW (dialog->window));
}

/* ---- building ------------------------------------------------------------- */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);
  return label;
}

static GtkWidget *
labelled (GtkWidget  *grid,
          int         row,
          const char *label,
          GtkWidget  *field)
{
  GtkWidget *title = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_widget_set_hexpand (field, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), field, 1, row, 1, 1);
  return field;
}

void
_kouan_personal_account_build (KouanPersonalPage *self)
{
  GtkWidget *grid, *button, *buttons;

  /* Account details come first; the card part of the template follows. */
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  self->account_value_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->account_value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->account_value_label), TRUE);
  labelled (grid, 0, _("Login account"), self->account_value_label);
  self->phone_entry = labelled (grid, 1, _("Phone"), gtk_entry_new ());
  gtk_entry_set_input_purpose (GTK_ENTRY (self->phone_entry), GTK_INPUT_PURPOSE_PHONE);
  g_signal_connect (self->phone_entry, "changed", G_CALLBACK (on_contact_edited), NULL);
  self->email_entry = labelled (grid, 2, _("E-mail"), gtk_entry_new ());
  gtk_entry_set_input_purpose (GTK_ENTRY (self->email_entry), GTK_INPUT_PURPOSE_EMAIL);
  g_signal_connect (self->email_entry, "changed", G_CALLBACK (on_contact_edited), NULL);
  gtk_widget_insert_after (grid, self->account_box, gtk_widget_get_first_child (self->account_box));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  button = gtk_button_new_with_mnemonic (_("Change _Password…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (open_password_dialog), self);
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("Save _Contact Details"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_save_contact), self);
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_widget_insert_after (buttons, self->account_box, grid);

  self->account_status_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->account_status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->account_status_label), TRUE);
  gtk_widget_insert_after (self->account_status_label, self->account_box, buttons);

  /* Translators: 我的角色与权限期限 */
  gtk_box_append (GTK_BOX (self->account_box), heading (_("My Roles")));
  self->roles_empty_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->roles_empty_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->roles_empty_label), TRUE);
  gtk_widget_add_css_class (self->roles_empty_label, "dim-label");
  gtk_box_append (GTK_BOX (self->account_box), self->roles_empty_label);
  self->roles_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->roles_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->roles_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->roles_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("My roles and their validity periods"), -1);
  gtk_widget_set_visible (self->roles_list, FALSE);
  gtk_box_append (GTK_BOX (self->account_box), self->roles_list);

  gtk_box_append (GTK_BOX (self->account_box), heading (_("Active Sessions")));
  self->sessions_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->sessions_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->sessions_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sessions_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Active sessions"), -1);
  gtk_box_append (GTK_BOX (self->account_box), self->sessions_list);
  button = gtk_button_new_with_mnemonic (_("_Refresh"));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (load_remote), self);
  gtk_box_append (GTK_BOX (self->account_box), button);
}
