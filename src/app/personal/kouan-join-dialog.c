/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-join-dialog.h"
#include "kouan-json.h"
#include "kouan-personal-page-private.h"

struct _KouanJoinDialog
{
  AdwWindow     parent_instance;

  /* template widgets */
  GtkWidget    *entry_row;
  GtkWidget    *hint_label;
  GtkWidget    *results_group;
  GtkWidget    *results_list;
  GtkWidget    *search_button;

  /* owned */
  KouanClient  *client;
  GCancellable *cancellable;
  gboolean      searching;
  gboolean      joining;
};

G_DEFINE_FINAL_TYPE (KouanJoinDialog, kouan_join_dialog, ADW_TYPE_WINDOW)

enum { REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *
kouan_join_dialog_credit_code_problem (const char *text)
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

/* Only text that is meant as a code (18 characters, or digits and
 * capitals starting with a digit) is checked as one. */
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

static gboolean
query_ok (KouanJoinDialog *self,
          const char     **problem)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry_row))));

  *problem = looks_like_code (text) ? kouan_join_dialog_credit_code_problem (text) : NULL;
  return *problem == NULL && g_utf8_strlen (text, -1) >= 2;
}

static void
on_typed (KouanJoinDialog *self)
{
  const char *problem = NULL;
  gboolean ok = query_ok (self, &problem);

  gtk_label_set_label (GTK_LABEL (self->hint_label),
                       problem != NULL ? problem
                       : _("Enter the company’s name or its 18-character unified social credit code."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.search", ok && !self->searching);
  if (problem != NULL)
    gtk_widget_add_css_class (self->entry_row, "error");
  else
    gtk_widget_remove_css_class (self->entry_row, "error");
}

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KouanJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  self->joining = FALSE;
  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, self->client);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (GTK_LABEL (self->hint_label), text);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.ask", TRUE);
        }
      return;
    }
  g_signal_emit (self, signals[REQUESTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
ask_to_join (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  KouanJoinDialog *self = KOUAN_JOIN_DIALOG (widget);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (self->joining)
    return;
  json_object_set_int_member (body, "enterprise_id", g_variant_get_int64 (parameter));
  json_node_set_object (node, body);
  self->joining = TRUE;
  gtk_widget_action_set_enabled (widget, "join.ask", FALSE);
  kouan_client_call_async (self->client, "POST", "/api/v1/join-requests", node,
                           self->cancellable, on_joined, g_object_ref (self));
}

static GtkWidget *
result_row (JsonObject *enterprise)
{
  const char *state = json_object_get_string_member_with_default (enterprise, "join_state", "none");
  const char *name = json_object_get_string_member_with_default (enterprise, "name", "");
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *action;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               json_object_get_string_member_with_default (enterprise, "credit_code", ""));
  if (g_str_equal (state, "member"))
    {
      action = gtk_label_new (_("Already bound"));
      gtk_widget_add_css_class (action, "dim-label");
      gtk_widget_set_focusable (row, TRUE);
    }
  else if (g_str_equal (state, "pending"))
    {
      action = gtk_label_new (_("Request pending"));
      gtk_widget_add_css_class (action, "dim-label");
      gtk_widget_set_focusable (row, TRUE);
    }
  else
    {
      /* Translators: %s is an enterprise's name */
      g_autofree char *label = g_strdup_printf (_("Ask to join %s"), name);

      action = gtk_button_new_with_label (_("Ask to Join"));
      gtk_widget_set_valign (action, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (action), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (action), "join.ask");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (action), "x",
                                        json_object_get_int_member_with_default (enterprise, "id", 0));
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), action);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KouanJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  JsonArray *found = NULL;
  GtkWidget *child;
  guint n;

  self->searching = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  on_typed (self);
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_array (json_node_get_object (answer), "enterprises", &found, NULL))
    {
      if (error != NULL)
        {
          g_autofree char *text = _kouan_personal_describe_error (error, self->client);

          gtk_label_set_label (GTK_LABEL (self->hint_label), text);
        }
      return;
    }

  while ((child = gtk_widget_get_first_child (self->results_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->results_list), child);
  n = json_array_get_length (found);
  if (n == 0)
    gtk_label_set_label (GTK_LABEL (self->hint_label), _("No company was found. Check the name or the code."));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *enterprise = json_array_get_object_element (found, i);

      if (enterprise != NULL)
        gtk_list_box_append (GTK_LIST_BOX (self->results_list), result_row (enterprise));
    }
  gtk_widget_set_visible (self->results_group, n > 0);
}

static void
search (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  KouanJoinDialog *self = KOUAN_JOIN_DIALOG (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry_row))));
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *problem;

  /* Nothing leaves the computer until the code is valid. */
  if (self->searching || !query_ok (self, &problem))
    return;
  escaped = g_uri_escape_string (text, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/enterprise-search?q=%s", escaped);
  self->searching = TRUE;
  gtk_widget_action_set_enabled (widget, "join.search", FALSE);
  kouan_client_call_async (self->client, "GET", path, NULL, self->cancellable,
                           on_searched, g_object_ref (self));
}

static void
on_entry_activated (KouanJoinDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "join.search", NULL);
}

static void
kouan_join_dialog_dispose (GObject *object)
{
  KouanJoinDialog *self = KOUAN_JOIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_JOIN_DIALOG);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kouan_join_dialog_parent_class)->dispose (object);
}

static void
kouan_join_dialog_finalize (GObject *object)
{
  KouanJoinDialog *self = KOUAN_JOIN_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kouan_join_dialog_parent_class)->finalize (object);
}

static void
kouan_join_dialog_class_init (KouanJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_join_dialog_dispose;
  object_class->finalize = kouan_join_dialog_finalize;

  signals[REQUESTED] = g_signal_new ("requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanJoinDialog, entry_row);
  gtk_widget_class_bind_template_child (widget_class, KouanJoinDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, KouanJoinDialog, results_group);
  gtk_widget_class_bind_template_child (widget_class, KouanJoinDialog, results_list);
  gtk_widget_class_bind_template_child (widget_class, KouanJoinDialog, search_button);
  gtk_widget_class_bind_template_callback (widget_class, on_typed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "join.search", NULL, search);
  gtk_widget_class_install_action (widget_class, "join.ask", "x", ask_to_join);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_join_dialog_init (KouanJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  on_typed (self);
}

GtkWidget *
kouan_join_dialog_new (GtkWindow   *parent,
                       KouanClient *client)
{
  KouanJoinDialog *self = g_object_new (KOUAN_TYPE_JOIN_DIALOG, "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  return GTK_WIDGET (self);
}

GtkEditable *
_kouan_join_dialog_get_entry (KouanJoinDialog *self)
{
  return GTK_EDITABLE (self->entry_row);
}

GtkWidget *
_kouan_join_dialog_get_search_button (KouanJoinDialog *self)
{
  return self->search_button;
}
