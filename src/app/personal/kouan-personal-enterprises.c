/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-personal-page-private.h"

/* 企业信息: a card per enterprise the user is bound to (from the cache),
 * 加入更多公司 (search by name or credit code — the code checked as it is
 * typed — then a join request), × to leave (after 确定), and 立即认证 for
 * an uncertified enterprise (the form is queued through the outbox and
 * shows as pending at once). */

static void load_requests (KouanPersonalPage *self);

static void
set_status (KouanPersonalPage *self,
            const char        *text)
{
  gtk_label_set_label (GTK_LABEL (self->enterprises_status_label), text);
}

/* What is wrong with @text as a credit code, or NULL when it is one. Only
 * asked for text that is meant as a code (18 characters, or digits and
 * capitals only). */
static const char *
credit_code_problem (const char *text)
{
  gsize length = strlen (text);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_islower (*p))
      return _("Unified social credit codes use capital letters.");
  if (length != 18)
    return _("A unified social credit code has 18 characters.");
  if (!kouan_credit_code_is_valid (text))
    return _("The check character (the last one) does not match: the code has a typo.");
  return NULL;
}

static gboolean
looks_like_code (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  /* a name in Latin letters would not start with a digit */
  return g_ascii_isdigit (text[0]) || strlen (text) == 18;
}

/* ---- cards ---------------------------------------------------------------- */

static const char *
certification_text (KouanEnterprise    *enterprise,
                    KouanCertification *certification,
                    char              **reason)
{
  if (kouan_enterprise_get_certified (enterprise))
    return _("Certified");
  if (certification != NULL && g_strcmp0 (certification->status, "pending") == 0)
    return _("Certification under review");
  if (certification != NULL && g_strcmp0 (certification->status, "rejected") == 0)
    {
      *reason = g_strdup (certification->reason);
      return _("Certification rejected");
    }
  return _("Not certified");
}

static void on_unbind_clicked  (GtkButton *button, KouanPersonalPage *self);
static void on_certify_clicked (GtkButton *button, KouanPersonalPage *self);

static GtkWidget *
make_card (KouanPersonalPage *self,
           KouanEnterprise   *enterprise)
{
  g_autoptr(KouanCertification) certification =
    kouan_store_get_certification (self->store, kouan_enterprise_get_id (enterprise), NULL);
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;
  g_autofree char *role_text = NULL;
  const char *state = certification_text (enterprise, certification, &reason);
  GtkWidget *frame, *box, *top, *name, *close, *label;
  gboolean admin = kouan_enterprise_has_role (enterprise, "admin");
  gboolean current = kouan_enterprise_get_id (enterprise) == self->enterprise_id;
  gint64 id = kouan_enterprise_get_id (enterprise);

  frame = gtk_frame_new (NULL);
  gtk_widget_set_size_request (frame, 300, -1);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_frame_set_child (GTK_FRAME (frame), box);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  name = gtk_label_new (kouan_enterprise_get_name (enterprise));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (top), name);
  close = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_valign (close, GTK_ALIGN_START);
  {
    /* Translators: %s is the enterprise's name */
    g_autofree char *tip = g_strdup_printf (_("Leave %s"), kouan_enterprise_get_name (enterprise));

    gtk_widget_set_tooltip_text (close, tip);
    gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  }
  g_object_set_data (G_OBJECT (close), "kouan-enterprise-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect (close, "clicked", G_CALLBACK (on_unbind_clicked), self);
  gtk_box_append (GTK_BOX (top), close);
  gtk_box_append (GTK_BOX (box), top);

  /* Translators: %s is an 18-character unified social credit code */
  code = g_strdup_printf (_("Unified social credit code: %s"), kouan_enterprise_get_credit_code (enterprise));
  label = gtk_label_new (code);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);

  /* Translators: the user's role in an enterprise */
  role_text = g_strdup_printf (_("Your role: %s"), admin ? _("Administrator") : _("Staff"));
  label = gtk_label_new (role_text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (state);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, kouan_enterprise_get_certified (enterprise) ? "success" : "warning");
  gtk_box_append (GTK_BOX (box), label);
  if (reason != NULL)
    {
      label = gtk_label_new (reason);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }

  if (current)
    {
      label = gtk_label_new (_("Current enterprise"));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "accent");
      gtk_box_append (GTK_BOX (box), label);
    }

  /* Edits reach the server through the current enterprise's sync, and
   * the licence image is stored with the enterprise it proves: so the
   * form is offered for the current enterprise. */
  if (!kouan_enterprise_get_certified (enterprise) && !current &&
      (certification == NULL || g_strcmp0 (certification->status, "pending") != 0))
    {
      label = gtk_label_new (_("Switch to this enterprise in the header bar to certify it."));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  else if (!kouan_enterprise_get_certified (enterprise) &&
           (certification == NULL || g_strcmp0 (certification->status, "pending") != 0))
    {
      GtkWidget *certify = gtk_button_new_with_mnemonic (_("_Certify Now"));

      gtk_widget_set_halign (certify, GTK_ALIGN_START);
      g_object_set_data (G_OBJECT (certify), "kouan-enterprise-id", GSIZE_TO_POINTER ((gsize) id));
      g_signal_connect (certify, "clicked", G_CALLBACK (on_certify_clicked), self);
      gtk_box_append (GTK_BOX (box), certify);
    }

  g_object_set_data (G_OBJECT (frame), "kouan-enterprise-id", GSIZE_TO_POINTER ((gsize) id));
  return frame;
}

void
_kouan_personal_enterprises_reload (KouanPersonalPage *self)
{
  g_autoptr(GPtrArray) enterprises = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  if (self->store == NULL || self->cards_box == NULL)
    return;

  while ((child = gtk_widget_get_first_child (self->cards_box)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->cards_box), child);

  enterprises = kouan_store_list_enterprises (self->store, &error);
  if (enterprises == NULL)
    {
      g_warning ("Listing enterprises: %s", error->message);
      return;
    }
  for (guint i = 0; i < enterprises->len; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->cards_box), make_card (self, g_ptr_array_index (enterprises, i)));
  load_requests (self);
}

guint
_kouan_personal_page_count_cards (KouanPersonalPage *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (self->cards_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

const char *
_kouan_personal_page_get_enterprises_status (KouanPersonalPage *self)
{
  return gtk_label_get_label (GTK_LABEL (self->enterprises_status_label));
}

/* ---- pending join requests ------------------------------------------------ */

static void
show_requests (KouanPersonalPage *self,
               JsonArray         *requests)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      JsonObject *enterprise;

      if (request == NULL || g_strcmp0 (json_object_get_string_member_with_default (request, "status", ""), "pending") != 0)
        continue;
      enterprise = json_object_get_object_member (request, "enterprise");
      if (enterprise == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: %s is an enterprise's name */
      g_string_append_printf (text, _("Waiting for the administrator of %s to approve your request."),
                              json_object_get_string_member_with_default (enterprise, "name", ""));
    }
  gtk_label_set_label (GTK_LABEL (self->requests_label), text->str);
  gtk_widget_set_visible (self->requests_label, text->len > 0);
}

static gboolean
is_bound (KouanPersonalPage *self,
          gint64             enterprise_id)
{
  g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (self->store, NULL);

  for (guint i = 0; enterprises != NULL && i < enterprises->len; i++)
    if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) == enterprise_id)
      return TRUE;
  return FALSE;
}

static void
on_session_refreshed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(KouanPersonalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) session = kouan_client_get_session_finish (KOUAN_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) joined = g_ptr_array_new_with_free_func (g_object_unref);

  if (session == NULL)
    return;
  for (guint i = 0; session->enterprises != NULL && i < session->enterprises->len; i++)
    {
      KouanEnterprise *enterprise = g_ptr_array_index (session->enterprises, i);

      if (!is_bound (self, kouan_enterprise_get_id (enterprise)))
        g_ptr_array_add (joined, g_object_ref (enterprise));
    }
  if (joined->len == 0)
    return;
  if (!kouan_store_save_enterprises (self->store, session->enterprises, &error))
    {
      g_warning ("Saving the enterprises joined: %s", error->message);
      return;
    }
  for (guint i = 0; i < joined->len; i++)
    _kouan_personal_page_emit_enterprise_joined (self, g_ptr_array_index (joined, i));
  set_status (self, _("A request to join was approved: the enterprise is now in your list."));
  _kouan_personal_enterprises_reload (self);
}

/* An approved request means a membership the session does not list yet:
 * fetch the session again. */
static void
pick_up_approved (KouanPersonalPage *self,
                  JsonArray         *requests)
{
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      JsonObject *enterprise = request != NULL ? json_object_get_object_member (request, "enterprise") : NULL;

      if (enterprise != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (request, "status", ""), "approved") == 0 &&
          !is_bound (self, json_object_get_int_member_with_default (enterprise, "id", 0)))
        {
          kouan_client_get_session_async (self->client, self->cancellable, on_session_refreshed,
                                          g_object_ref (self));
          return;
        }
    }
}

static void
on_requests_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KouanPersonalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonArray *requests = NULL;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "join_requests", &requests, NULL))
    return;
  /* Kept for the next start, offline included. */
  {
    g_autofree char *text = kouan_json_to_string (answer);

    kouan_store_set_meta (self->store, "personal.join-requests", text, NULL);
  }
  show_requests (self, requests);
  pick_up_approved (self, requests);
}

static void
load_requests (KouanPersonalPage *self)
{
  g_autofree char *cached = kouan_store_get_meta (self->store, "personal.join-requests");

  if (cached != NULL)
    {
      g_autoptr(JsonObject) object = kouan_json_parse_object (cached, -1, NULL);
      JsonArray *requests = NULL;

      if (object != NULL && kouan_json_get_array (object, "join_requests", &requests, NULL))
        show_requests (self, requests);
    }
  if (self->client != NULL && kouan_client_get_token (self->client) != NULL)
    kouan_client_call_async (self->client, "GET", "/api/v1/join-requests", NULL, self->cancellable,
                             on_requests_loaded, g_object_ref (self));
}

/* ---- leaving ---------------------------------------------------------------- */

static void
on_left (GObject      *source,
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
  set_status (self, _("You left the enterprise."));
  {
    gint64 left = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (self), "kouan-leaving"));
    g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (self->store, NULL);
    g_autoptr(GPtrArray) remaining = g_ptr_array_new ();

    for (guint i = 0; enterprises != NULL && i < enterprises->len; i++)
      if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) != left)
        g_ptr_array_add (remaining, g_ptr_array_index (enterprises, i));
    if (!kouan_store_save_enterprises (self->store, remaining, &error))
      g_warning ("Forgetting the enterprise left: %s", error->message);
    _kouan_personal_page_emit_enterprise_left (self, left);
  }
  _kouan_personal_enterprises_reload (self);
}

static void
on_unbind_response (GtkDialog         *dialog,
                    int                response,
                    KouanPersonalPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kouan-enterprise-id"));

  if (response == GTK_RESPONSE_OK)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/membership", id);

      g_object_set_data (G_OBJECT (self), "kouan-leaving", GSIZE_TO_POINTER ((gsize) id));
      kouan_client_call_async (self->client, "DELETE", path, NULL, self->cancellable,
                               on_left, g_object_ref (self));
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

GtkWidget *
_kouan_personal_page_unbind (KouanPersonalPage *self,
                             gint64             enterprise_id)
{
  g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (self->store, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *name = "";
  GtkWidget *dialog;

  for (guint i = 0; enterprises != NULL && i < enterprises->len; i++)
    if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) == enterprise_id)
      name = kouan_enterprise_get_name (g_ptr_array_index (enterprises, i));

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Leave %s?"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
    _("You will no longer see its messages or work for it. To come back, ask to join again."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_OK"), GTK_RESPONSE_OK);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_set_data (G_OBJECT (dialog), "kouan-enterprise-id", GSIZE_TO_POINTER ((gsize) enterprise_id));
  g_signal_connect (dialog, "response", G_CALLBACK (on_unbind_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_unbind_clicked (GtkButton         *button,
                   KouanPersonalPage *self)
{
  _kouan_personal_page_unbind (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button),
                                                                          "kouan-enterprise-id")));
}

/* ---- joining ---------------------------------------------------------------- */

typedef struct {
  KouanPersonalPage *page;
  GtkWidget         *window;
  GtkWidget         *entry;
  GtkWidget         *hint_label;
  GtkWidget         *search_button;
  GtkWidget         *results;
} JoinDialog;

static void
join_dialog_free (JoinDialog *dialog)
{
  g_object_unref (dialog->page);
  g_free (dialog);
}

static void
on_join_typed (JoinDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->entry))));
  const char *problem = NULL;
  gboolean ok;

  if (looks_like_code (text))
    problem = credit_code_problem (text);
  ok = problem == NULL && g_utf8_strlen (text, -1) >= 2;
  gtk_label_set_label (GTK_LABEL (dialog->hint_label),
                       problem != NULL ? problem
                       : _("Enter the company's name or its 18-character unified social credit code."));
  gtk_widget_set_sensitive (dialog->search_button, ok);
  if (problem != NULL)
    gtk_widget_add_css_class (dialog->entry, "error");
  else
    gtk_widget_remove_css_class (dialog->entry, "error");
}

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  JoinDialog *dialog = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, dialog->page->client);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (GTK_LABEL (dialog->hint_label), text);
      g_object_unref (dialog->window);
      return;
    }
  set_status (dialog->page, _("Your request was sent. The enterprise's administrator decides on it."));
  load_requests (dialog->page);
  gtk_window_destroy (GTK_WINDOW (dialog->window));
  g_object_unref (dialog->window);
}

static void
on_join_clicked (GtkButton  *button,
                 JoinDialog *dialog)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (body, "enterprise_id",
                              GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "kouan-enterprise-id")));
  json_node_set_object (node, body);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  kouan_client_call_async (dialog->page->client, "POST", "/api/v1/join-requests", node,
                           dialog->page->cancellable, on_joined, dialog);
  g_object_ref (dialog->window);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  JoinDialog *dialog = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonArray *found = NULL;
  GtkWidget *child;

  gtk_widget_set_sensitive (dialog->search_button, TRUE);
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "enterprises", &found, NULL))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = _kouan_personal_describe_error (error, dialog->page->client);

          gtk_label_set_label (GTK_LABEL (dialog->hint_label), text);
        }
      g_object_unref (dialog->window);
      return;
    }

  while ((child = gtk_widget_get_first_child (dialog->results)) != NULL)
    gtk_box_remove (GTK_BOX (dialog->results), child);
  if (json_array_get_length (found) == 0)
    gtk_label_set_label (GTK_LABEL (dialog->hint_label), _("No company was found. Check the name or the code."));

  for (guint i = 0; i < json_array_get_length (found); i++)
    {
      JsonObject *enterprise = json_array_get_object_element (found, i);
      const char *state = json_object_get_string_member_with_default (enterprise, "join_state", "none");
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label, *action;
      g_autofree char *text = g_strdup_printf ("%s\n%s",
                                               json_object_get_string_member_with_default (enterprise, "name", ""),
                                               json_object_get_string_member_with_default (enterprise, "credit_code", ""));

      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (row), label);
      if (g_str_equal (state, "member"))
        action = gtk_label_new (_("Already bound"));
      else if (g_str_equal (state, "pending"))
        action = gtk_label_new (_("Request pending"));
      else
        {
          action = gtk_button_new_with_label (_("Ask to Join"));
          g_object_set_data (G_OBJECT (action), "kouan-enterprise-id",
                             GSIZE_TO_POINTER ((gsize) json_object_get_int_member (enterprise, "id")));
          g_signal_connect (action, "clicked", G_CALLBACK (on_join_clicked), dialog);
        }
      gtk_box_append (GTK_BOX (row), action);
      gtk_box_append (GTK_BOX (dialog->results), row);
    }
  g_object_unref (dialog->window);
}

static void
on_search (JoinDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->entry))));
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  /* Nothing leaves the computer until the code is valid. */
  if (!gtk_widget_get_sensitive (dialog->search_button))
    return;
  escaped = g_uri_escape_string (text, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/enterprise-search?q=%s", escaped);
  gtk_widget_set_sensitive (dialog->search_button, FALSE);
  g_object_ref (dialog->window);
  kouan_client_call_async (dialog->page->client, "GET", path, NULL, dialog->page->cancellable,
                           on_searched, dialog);
}

GtkWidget *
_kouan_personal_page_open_join_dialog (KouanPersonalPage *self)
{
  JoinDialog *dialog = g_new0 (JoinDialog, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *box, *row, *label;

  dialog->page = g_object_ref (self);
  dialog->window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog->window), _("Join More Companies"));
  gtk_window_set_modal (GTK_WINDOW (dialog->window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog->window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog->window), 480, 320);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog->window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (dialog->window), "kouan-dialog", dialog,
                          (GDestroyNotify) join_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  label = gtk_label_new_with_mnemonic (_("Company _name or unified social credit code"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  dialog->entry = gtk_entry_new ();
  gtk_widget_set_hexpand (dialog->entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), dialog->entry);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (dialog->entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_box_append (GTK_BOX (row), dialog->entry);
  dialog->search_button = gtk_button_new_with_mnemonic (_("_Search"));
  gtk_box_append (GTK_BOX (row), dialog->search_button);
  gtk_box_append (GTK_BOX (box), row);

  dialog->hint_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (dialog->hint_label), 0);
  gtk_label_set_wrap (GTK_LABEL (dialog->hint_label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dialog->hint_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search hint"), -1);
  gtk_box_append (GTK_BOX (box), dialog->hint_label);

  dialog->results = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), dialog->results);

  g_signal_connect_swapped (dialog->entry, "changed", G_CALLBACK (on_join_typed), dialog);
  g_signal_connect_swapped (dialog->entry, "activate", G_CALLBACK (on_search), dialog);
  g_signal_connect_swapped (dialog->search_button, "clicked", G_CALLBACK (on_search), dialog);
  on_join_typed (dialog);

  gtk_window_set_child (GTK_WINDOW (dialog->window), box);
  gtk_window_present (GTK_WINDOW (dialog->window));
  return dialog->window;
}

/* ---- certification ------------------------------------------------------------ */

typedef struct {
  KouanPersonalPage *page;
  GtkWidget         *window;
  gint64             enterprise_id;
  gint64             licence_image;
  GtkWidget         *representative_entry;
  GtkWidget         *licence_entry;
  GtkWidget         *contact_entry;
  GtkWidget         *image_label;
  GtkWidget         *status_label;
  GtkWidget         *submit_button;
} CertifyDialog;

static void
certify_dialog_free (CertifyDialog *dialog)
{
  g_object_unref (dialog->page);
  g_free (dialog);
}

static void
on_certify_typed (CertifyDialog *dialog)
{
  const char *representative = gtk_editable_get_text (GTK_EDITABLE (dialog->representative_entry));
  const char *licence = gtk_editable_get_text (GTK_EDITABLE (dialog->licence_entry));
  const char *contact = gtk_editable_get_text (GTK_EDITABLE (dialog->contact_entry));
  const char *problem = licence[0] != '\0' ? credit_code_problem (licence) : NULL;

  gtk_label_set_label (GTK_LABEL (dialog->status_label), problem != NULL ? problem : "");
  gtk_widget_set_sensitive (dialog->submit_button,
                            kouan_personal_text_is_valid (representative, KOUAN_PROFILE_NAME_MAX) &&
                            licence[0] != '\0' && problem == NULL &&
                            kouan_personal_phone_is_valid (contact) && dialog->licence_image > 0);
}

static void
on_licence_uploaded (KouanPersonalPage *self,
                     gint64             image_id,
                     GdkPixbuf         *pixbuf,
                     gpointer           data)
{
  CertifyDialog *dialog = data;

  if (image_id > 0)
    {
      dialog->licence_image = image_id;
      gtk_label_set_label (GTK_LABEL (dialog->image_label), _("Licence image uploaded."));
    }
  on_certify_typed (dialog);
  g_object_unref (dialog->window);
}

static void
on_licence_chosen (GtkNativeDialog *chooser,
                   int              response,
                   CertifyDialog   *dialog)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      g_object_ref (dialog->window);
      _kouan_personal_upload_file (dialog->page, file, FALSE, 2000, GTK_LABEL (dialog->image_label),
                                   on_licence_uploaded, dialog);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_unref (chooser);
}

static void
on_choose_licence (CertifyDialog *dialog)
{
  _kouan_personal_choose_image (dialog->page, _("Choose the Business Licence Image"),
                                G_CALLBACK (on_licence_chosen), dialog);
}

static void
on_submit_certification (CertifyDialog *dialog)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *representative = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->representative_entry))));

  json_object_set_string_member (fields, "legal_representative", representative);
  json_object_set_string_member (fields, "licence_number", gtk_editable_get_text (GTK_EDITABLE (dialog->licence_entry)));
  json_object_set_int_member (fields, "licence_image", dialog->licence_image);
  json_object_set_string_member (fields, "contact", gtk_editable_get_text (GTK_EDITABLE (dialog->contact_entry)));
  id = kouan_store_enqueue (dialog->page->store, dialog->enterprise_id, "certification", "update",
                            dialog->enterprise_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Submitting the certification: %s", error->message);
      gtk_label_set_label (GTK_LABEL (dialog->status_label), _("The form could not be submitted."));
      return;
    }
  set_status (dialog->page, _("The certification was submitted and is under review. A notice tells you the result."));
  _kouan_personal_enterprises_reload (dialog->page);
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static GtkWidget *
certify_entry (GtkWidget  *grid,
               int         row,
               const char *label)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
  return entry;
}

void
_kouan_personal_page_use_licence_file (GtkWidget  *window,
                                       const char *path)
{
  CertifyDialog *dialog = g_object_get_data (G_OBJECT (window), "kouan-dialog");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_object_ref (dialog->window);
  _kouan_personal_upload_file (dialog->page, file, FALSE, 2000, GTK_LABEL (dialog->image_label),
                               on_licence_uploaded, dialog);
}

static void
on_certify_clicked (GtkButton         *button,
                    KouanPersonalPage *self)
{
  _kouan_personal_page_open_certify_dialog (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button),
                                                                                        "kouan-enterprise-id")));
}

GtkWidget *
_kouan_personal_page_open_certify_dialog (KouanPersonalPage *self,
                                          gint64             enterprise_id)
{
  CertifyDialog *dialog = g_new0 (CertifyDialog, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *box, *grid, *image_button, *buttons, *cancel;

  dialog->page = g_object_ref (self);
  dialog->enterprise_id = enterprise_id;
  dialog->window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog->window), _("Certify the Enterprise"));
  gtk_window_set_modal (GTK_WINDOW (dialog->window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog->window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog->window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (dialog->window), "kouan-dialog", dialog,
                          (GDestroyNotify) certify_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  dialog->representative_entry = certify_entry (grid, 0, _("_Legal representative"));
  dialog->licence_entry = certify_entry (grid, 1, _("Business _licence number"));
  dialog->contact_entry = certify_entry (grid, 2, _("_Contact phone"));
  gtk_box_append (GTK_BOX (box), grid);

  image_button = gtk_button_new_with_mnemonic (_("Choose the Licence _Image…"));
  gtk_widget_set_halign (image_button, GTK_ALIGN_START);
  g_signal_connect_swapped (image_button, "clicked", G_CALLBACK (on_choose_licence), dialog);
  gtk_box_append (GTK_BOX (box), image_button);
  dialog->image_label = gtk_label_new (_("No licence image yet."));
  gtk_label_set_xalign (GTK_LABEL (dialog->image_label), 0);
  gtk_box_append (GTK_BOX (box), dialog->image_label);
  dialog->status_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (dialog->status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (dialog->status_label), TRUE);
  gtk_box_append (GTK_BOX (box), dialog->status_label);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), dialog->window);
  gtk_box_append (GTK_BOX (buttons), cancel);
  dialog->submit_button = gtk_button_new_with_mnemonic (_("_Submit"));
  gtk_widget_add_css_class (dialog->submit_button, "suggested-action");
  g_signal_connect_swapped (dialog->submit_button, "clicked", G_CALLBACK (on_submit_certification), dialog);
  gtk_box_append (GTK_BOX (buttons), dialog->submit_button);
  gtk_box_append (GTK_BOX (box), buttons);

  g_signal_connect_swapped (dialog->representative_entry, "changed", G_CALLBACK (on_certify_typed), dialog);
  g_signal_connect_swapped (dialog->licence_entry, "changed", G_CALLBACK (on_certify_typed), dialog);
  g_signal_connect_swapped (dialog->contact_entry, "changed", G_CALLBACK (on_certify_typed), dialog);
  on_certify_typed (dialog);

  gtk_window_set_child (GTK_WINDOW (dialog->window), box);
  gtk_window_present (GTK_WINDOW (dialog->window));
  return dialog->window;
}

/* ---- building --------------------------------------------------------------- */

void
_kouan_personal_enterprises_build (KouanPersonalPage *self)
{
  GtkWidget *top, *title, *button;

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  title = gtk_label_new (_("Enterprise Information"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "title-2");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (top), title);
  button = gtk_button_new_with_mnemonic (_("_Join More Companies…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (_kouan_personal_page_open_join_dialog), self);
  gtk_box_append (GTK_BOX (top), button);
  gtk_box_append (GTK_BOX (self->enterprises_box), top);

  self->enterprises_status_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->enterprises_status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->enterprises_status_label), TRUE);
  gtk_box_append (GTK_BOX (self->enterprises_box), self->enterprises_status_label);

  self->requests_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->requests_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->requests_label), TRUE);
  gtk_widget_add_css_class (self->requests_label, "dim-label");
  gtk_widget_set_visible (self->requests_label, FALSE);
  gtk_box_append (GTK_BOX (self->enterprises_box), self->requests_label);

  self->cards_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->cards_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->cards_box), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->cards_box), 3);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->cards_box), 12);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->cards_box), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cards_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Your enterprises"), -1);
  gtk_box_append (GTK_BOX (self->enterprises_box), self->cards_box);
}
