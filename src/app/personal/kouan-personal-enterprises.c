/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-certify-dialog.h"
#include "kouan-enterprise.h"
#include "kouan-join-dialog.h"
#include "kouan-json.h"
#include "kouan-leave-dialog.h"
#include "kouan-personal-page-private.h"
#include "kouan-store-outbox.h"
#include "outbox/kouan-outbox-text.h"

/* 企业信息: a row per enterprise the user is bound to, read from the cache
 * whenever it changes (names, roles and certification follow the store),
 * 加入更多公司 (the join dialog), 解除绑定 (after a confirmation) and
 * 立即认证 for the current, uncertified enterprise. A certification the
 * server has not received yet says so (待同步), not "under review"; a
 * refused one says why. Pending join requests are asked for on every
 * visit and kept for offline starts. */

struct _KouanPersonalEnterprises
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *list;
  GtkWidget         *requests_group;
  GtkWidget         *requests_list;
  GtkWidget         *stack;

  /* owned */
  char              *message;       /* what the user was last told */
  GHashTable        *refusals;      /* mutation ids of refusals already told */
  gint64             leaving;       /* the enterprise being left */

  /* borrowed */
  KouanPersonalPage *page;
};

G_DEFINE_FINAL_TYPE (KouanPersonalEnterprises, kouan_personal_enterprises, GTK_TYPE_WIDGET)

void
_kouan_personal_enterprises_set_status (KouanPersonalEnterprises *self,
                                        const char               *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  _kouan_personal_page_toast (self->page, text);
}

const char *
_kouan_personal_enterprises_get_status (KouanPersonalEnterprises *self)
{
  return self->message != NULL ? self->message : "";
}

/* ---- rows ------------------------------------------------------------------- */

static const char *
certification_text (KouanEnterprise    *enterprise,
                    KouanCertification *certification,
                    gboolean            waiting)
{
  if (kouan_enterprise_get_certified (enterprise))
    return _("Certified");
  if (waiting)
    return _("Certification waiting to sync");
  if (certification != NULL && g_strcmp0 (certification->status, "pending") == 0)
    return _("Certification under review");
  if (certification != NULL && g_strcmp0 (certification->status, "rejected") == 0)
    return _("Certification rejected");
  return _("Not certified");
}

static GtkWidget *
make_row (KouanPersonalEnterprises *self,
          KouanEnterprise          *enterprise)
{
  KouanPersonalPage *page = self->page;
  gint64 id = kouan_enterprise_get_id (enterprise);
  g_autoptr(KouanCertification) certification = kouan_store_get_certification (page->store, id, NULL);
  gboolean certified = kouan_enterprise_get_certified (enterprise);
  /* submitted on this computer, not yet taken by the server */
  gboolean waiting = kouan_store_record_is_pending (page->store, id, "certification", id);
  gboolean pending = waiting || (certification != NULL && g_strcmp0 (certification->status, "pending") == 0);
  gboolean current = id == page->enterprise_id;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *leave_label = NULL;
  GtkWidget *row, *button;

  /* Translators: %s is an 18-character unified social credit code */
  g_string_append_printf (subtitle, _("Unified social credit code: %s"), kouan_enterprise_get_credit_code (enterprise));
  g_string_append_c (subtitle, '\n');
  /* Translators: the user's role in an enterprise · its certification */
  g_string_append_printf (subtitle, _("Your role: %s · %s"),
                          kouan_enterprise_has_role (enterprise, "admin") ? _("Administrator") : _("Staff"),
                          certification_text (enterprise, certification, waiting));
  if (current)
    g_string_append_printf (subtitle, " · %s", _("Current enterprise"));
  if (!certified && certification != NULL && g_strcmp0 (certification->status, "rejected") == 0 &&
      certification->reason != NULL && *certification->reason != '\0')
    g_string_append_printf (subtitle, "\n%s", certification->reason);
  if (!certified && !pending && !current)
    g_string_append_printf (subtitle, "\n%s", _("Switch to this enterprise in the header bar to certify it."));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kouan_enterprise_get_name (enterprise));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  if (!certified && !pending && current)
    {
      button = gtk_button_new_with_mnemonic (_("_Certify Now"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "enterprises.certify");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  button = gtk_button_new_with_label (_("Leave…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "enterprises.unbind");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  /* Translators: %s is the enterprise's name */
  leave_label = g_strdup_printf (_("Leave %s"), kouan_enterprise_get_name (enterprise));
  gtk_widget_set_tooltip_text (button, leave_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, leave_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

void
_kouan_personal_enterprises_reload (KouanPersonalEnterprises *self)
{
  g_autoptr(GPtrArray) enterprises = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  if (self->page == NULL || self->page->store == NULL)
    return;

  enterprises = kouan_store_list_enterprises (self->page->store, &error);
  if (enterprises == NULL)
    {
      g_warning ("Listing enterprises: %s", error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  for (guint i = 0; i < enterprises->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (self->list), make_row (self, g_ptr_array_index (enterprises, i)));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), enterprises->len > 0 ? "list" : "empty");
}

guint
_kouan_personal_enterprises_count (KouanPersonalEnterprises *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);
  return n;
}

char *
_kouan_personal_page_get_enterprises_text (KouanPersonalPage *page)
{
  KouanPersonalEnterprises *self = KOUAN_PERSONAL_ENTERPRISES (page->enterprises);
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_string_append_printf (text, "%s\n%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- pending join requests ------------------------------------------------ */

static void
show_requests (KouanPersonalEnterprises *self,
               JsonArray                *requests)
{
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (self->requests_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->requests_list), child);
  for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      JsonObject *enterprise;
      GtkWidget *row;

      if (request == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (request, "status", ""), "pending") != 0)
        continue;
      enterprise = json_object_get_object_member (request, "enterprise");
      if (enterprise == NULL)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (enterprise, "name", ""));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Waiting for the enterprise’s administrator to approve your request."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, TRUE);
      gtk_list_box_append (GTK_LIST_BOX (self->requests_list), row);
      shown++;
    }
  gtk_widget_set_visible (self->requests_group, shown > 0);
}

static gboolean
is_bound (KouanPersonalEnterprises *self,
          gint64                    enterprise_id)
{
  g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (self->page->store, NULL);

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
  g_autoptr(KouanPersonalEnterprises) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) session = kouan_client_get_session_finish (KOUAN_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) joined = g_ptr_array_new_with_free_func (g_object_unref);

  if (session == NULL || self->page == NULL)
    return;
  for (guint i = 0; session->enterprises != NULL && i < session->enterprises->len; i++)
    {
      KouanEnterprise *enterprise = g_ptr_array_index (session->enterprises, i);

      if (!is_bound (self, kouan_enterprise_get_id (enterprise)))
        g_ptr_array_add (joined, g_object_ref (enterprise));
    }
  if (joined->len == 0)
    return;
  /* The store says "changed" and the list follows it. */
  if (!kouan_store_save_enterprises (self->page->store, session->enterprises, &error))
    {
      g_warning ("Saving the enterprises joined: %s", error->message);
      return;
    }
  for (guint i = 0; i < joined->len; i++)
    _kouan_personal_page_emit_enterprise_joined (self->page, g_ptr_array_index (joined, i));
  _kouan_personal_enterprises_set_status (self, _("A request to join was approved: the enterprise is now in your list."));
  _kouan_personal_enterprises_reload (self);
}

/* An approved request means a membership the session does not list yet:
 * fetch the session again. */
static void
pick_up_approved (KouanPersonalEnterprises *self,
                  JsonArray                *requests)
{
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      JsonObject *enterprise = request != NULL ? json_object_get_object_member (request, "enterprise") : NULL;

      if (enterprise != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (request, "status", ""), "approved") == 0 &&
          !is_bound (self, json_object_get_int_member_with_default (enterprise, "id", 0)))
        {
          kouan_client_get_session_async (self->page->client, self->page->cancellable,
                                          on_session_refreshed, g_object_ref (self));
          return;
        }
    }
}

static void
on_requests_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KouanPersonalEnterprises) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  g_autofree char *text = NULL;
  JsonArray *requests = NULL;

  if (self->page == NULL || answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "join_requests", &requests, NULL))
    return;
  /* Kept for the next start, offline included. */
  text = kouan_json_to_string (answer);
  kouan_store_set_meta (self->page->store, "personal.join-requests", text, NULL);
  show_requests (self, requests);
  pick_up_approved (self, requests);
}

void
_kouan_personal_enterprises_load_requests (KouanPersonalEnterprises *self)
{
  g_autofree char *cached = NULL;
  KouanPersonalPage *page = self->page;

  if (page == NULL || page->store == NULL)
    return;
  cached = kouan_store_get_meta (page->store, "personal.join-requests");
  if (cached != NULL)
    {
      g_autoptr(JsonObject) object = kouan_json_parse_object (cached, -1, NULL);
      JsonArray *requests = NULL;

      if (object != NULL && kouan_json_get_array (object, "join_requests", &requests, NULL))
        show_requests (self, requests);
    }
  if (page->client != NULL && kouan_client_get_token (page->client) != NULL)
    kouan_client_call_async (page->client, "GET", "/api/v1/join-requests", NULL, page->cancellable,
                             on_requests_loaded, g_object_ref (self));
}

/* ---- leaving ---------------------------------------------------------------- */

static void
on_left (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(KouanPersonalEnterprises) self = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) enterprises = NULL;
  g_autoptr(GPtrArray) remaining = NULL;
  gint64 left = self->leaving;

  self->leaving = 0;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->page == NULL)
    return;
  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, self->page->client);

      _kouan_personal_enterprises_set_status (self, text);
      return;
    }
  _kouan_personal_enterprises_set_status (self, _("You left the enterprise."));
  enterprises = kouan_store_list_enterprises (self->page->store, NULL);
  remaining = g_ptr_array_new ();
  for (guint i = 0; enterprises != NULL && i < enterprises->len; i++)
    if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) != left)
      g_ptr_array_add (remaining, g_ptr_array_index (enterprises, i));
  if (!kouan_store_save_enterprises (self->page->store, remaining, &error))
    g_warning ("Forgetting the enterprise left: %s", error->message);
  _kouan_personal_page_emit_enterprise_left (self->page, left);
  _kouan_personal_enterprises_reload (self);
}

static void
on_leave_response (KouanPersonalEnterprises *self,
                   const char               *response,
                   KouanLeaveDialog         *dialog)
{
  gint64 id = kouan_leave_dialog_get_enterprise_id (dialog);
  g_autofree char *path = NULL;

  if (g_strcmp0 (response, "unbind") != 0 || self->page == NULL || self->page->client == NULL)
    return;
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/membership", id);
  self->leaving = id;
  kouan_client_call_async (self->page->client, "DELETE", path, NULL, self->page->cancellable,
                           on_left, g_object_ref (self));
}

GtkWidget *
_kouan_personal_enterprises_unbind (KouanPersonalEnterprises *self,
                                    gint64                    enterprise_id)
{
  g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (self->page->store, NULL);
  const char *name = "";
  GtkWidget *dialog;

  for (guint i = 0; enterprises != NULL && i < enterprises->len; i++)
    if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) == enterprise_id)
      name = kouan_enterprise_get_name (g_ptr_array_index (enterprises, i));

  dialog = kouan_leave_dialog_new (_kouan_personal_page_get_window (self->page), enterprise_id, name);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_leave_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
unbind (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  _kouan_personal_enterprises_unbind (KOUAN_PERSONAL_ENTERPRISES (widget), g_variant_get_int64 (parameter));
}

/* ---- joining and certifying --------------------------------------------------- */

static void
on_join_requested (KouanPersonalEnterprises *self)
{
  _kouan_personal_enterprises_set_status (self, _("Your request was sent. The enterprise’s administrator decides on it."));
  _kouan_personal_enterprises_load_requests (self);
}

GtkWidget *
_kouan_personal_enterprises_open_join (KouanPersonalEnterprises *self)
{
  GtkWidget *dialog;

  if (self->page->client == NULL || kouan_client_get_token (self->page->client) == NULL)
    {
      _kouan_personal_enterprises_set_status (self, _("Companies can be searched when you are online."));
      return NULL;
    }
  dialog = kouan_join_dialog_new (_kouan_personal_page_get_window (self->page), self->page->client);
  g_signal_connect_object (dialog, "requested", G_CALLBACK (on_join_requested), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
join (GtkWidget  *widget,
      const char *action,
      GVariant   *parameter)
{
  _kouan_personal_enterprises_open_join (KOUAN_PERSONAL_ENTERPRISES (widget));
}

static void
on_certification_submitted (KouanPersonalEnterprises *self)
{
  _kouan_personal_enterprises_set_status (self, _("The certification goes to the server with the next sync, then it is reviewed. A notice tells you the result."));
  _kouan_personal_enterprises_reload (self);
}

/* The outbox changed: a certification may have reached the server (the
 * row says so) or been refused — then the row shows the server's state
 * again and the user is told why, once per refusal. */
void
_kouan_personal_enterprises_outbox_changed (KouanPersonalEnterprises *self)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (self->page == NULL || self->page->store == NULL)
    return;
  entries = kouan_store_list_outbox (self->page->store, 0, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KouanOutboxEntry *entry = g_ptr_array_index (entries, i);
      KouanOutboxState state = kouan_outbox_entry_get_state (entry);
      g_autofree char *reason = NULL;
      g_autofree char *text = NULL;

      if ((state != KOUAN_OUTBOX_REFUSED && state != KOUAN_OUTBOX_CONFLICT) ||
          !g_str_equal (kouan_outbox_entry_get_collection (entry), "certification") ||
          !g_hash_table_add (self->refusals, g_strdup (kouan_outbox_entry_get_id (entry))))
        continue;
      reason = kouan_outbox_describe_reason (entry);
      /* Translators: %s says why */
      text = g_strdup_printf (_("The certification was not accepted. %s"), reason);
      _kouan_personal_enterprises_set_status (self, text);
    }
  _kouan_personal_enterprises_reload (self);
}

GtkWidget *
_kouan_personal_enterprises_open_certify (KouanPersonalEnterprises *self,
                                          gint64                    enterprise_id)
{
  GtkWidget *dialog = kouan_certify_dialog_new (_kouan_personal_page_get_window (self->page),
                                                self->page, enterprise_id);

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_certification_submitted), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
certify (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  _kouan_personal_enterprises_open_certify (KOUAN_PERSONAL_ENTERPRISES (widget), g_variant_get_int64 (parameter));
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void
kouan_personal_enterprises_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_ENTERPRISES);
  /* template children without an id are not unparented for us */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kouan_personal_enterprises_parent_class)->dispose (object);
}

static void
kouan_personal_enterprises_finalize (GObject *object)
{
  KouanPersonalEnterprises *self = KOUAN_PERSONAL_ENTERPRISES (object);

  g_free (self->message);
  g_clear_pointer (&self->refusals, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_personal_enterprises_parent_class)->finalize (object);
}

static void
kouan_personal_enterprises_class_init (KouanPersonalEnterprisesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_enterprises_dispose;
  object_class->finalize = kouan_personal_enterprises_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-enterprises.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalEnterprises, list);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalEnterprises, requests_group);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalEnterprises, requests_list);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalEnterprises, stack);

  gtk_widget_class_install_action (widget_class, "enterprises.join", NULL, join);
  gtk_widget_class_install_action (widget_class, "enterprises.certify", "x", certify);
  gtk_widget_class_install_action (widget_class, "enterprises.unbind", "x", unbind);
}

static void
kouan_personal_enterprises_init (KouanPersonalEnterprises *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
_kouan_personal_enterprises_set_page (KouanPersonalEnterprises *self,
                                      KouanPersonalPage        *page)
{
  self->page = page;
}
