/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "kouan-store-outbox.h"
#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-policies.h"
#include "outbox/kouan-outbox-text.h"

/* 投保申请: the enterprise's policies beside the one chosen. A pending
 * policy is confirmed or returned (with a reason) after a confirmation
 * that names it and its amount; both go through the outbox. Until the
 * server accepts the decision the policy says 待同步 (Waiting to sync),
 * not the state it hopes for; a refusal brings the server's state back
 * and a toast says why. At narrow widths the list and the detail fold
 * into one pane with a back button. */

#define WAITING_KEY "kouan-waiting-to-sync"

struct _KouanInsurancePolicies
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkWidget          *amount_row;
  GtkWidget          *back_button;
  GtkWidget          *buyer_row;
  GtkWidget          *comment_entry;
  GtkWidget          *comment_row;
  GtkWidget          *confirm_button;
  GtkWidget          *country_row;
  GtkWidget          *decision_group;
  GtkWidget          *detail_stack;
  GtkWidget          *detail_title;
  GtkWidget          *filter;
  GtkWidget          *leaflet;
  GtkWidget          *list_stack;
  GtkWidget          *list_view;
  GtkWidget          *number_row;
  GtkWidget          *period_row;
  GtkSingleSelection *selection;
  GtkWidget          *return_button;
  GtkWidget          *status_row;

  /* owned */
  KouanStore         *store;
  GListStore         *policies;   /* KouanPolicy */
  GHashTable         *refusals;   /* mutation ids of refusals already told */
  gulong              outbox_handler;
  KouanPolicy        *policy;     /* (nullable) shown in the detail */
  gint64              enterprise_id;

  /* borrowed: the confirmation on screen (a weak pointer) */
  AdwMessageDialog   *dialog;
};

G_DEFINE_FINAL_TYPE (KouanInsurancePolicies, kouan_insurance_policies, GTK_TYPE_WIDGET)

/* Whether the policy has a decision the server has not accepted yet
 * (noted on the object when the list is read). */
static gboolean
policy_waiting (KouanPolicy *policy)
{
  return policy != NULL && g_object_get_data (G_OBJECT (policy), WAITING_KEY) != NULL;
}

static void
note_waiting (KouanInsurancePolicies *self,
              KouanPolicy            *policy)
{
  if (policy != NULL && self->store != NULL &&
      kouan_store_record_is_pending (self->store, self->enterprise_id, "insurance_policies", policy->id))
    g_object_set_data (G_OBJECT (policy), WAITING_KEY, GINT_TO_POINTER (TRUE));
}

static const char *
status_text (KouanPolicy *policy)
{
  if (policy_waiting (policy))
    return _("Waiting to sync");
  return _kouan_insurance_policy_status_label (policy->status);
}

static void
update_actions (KouanInsurancePolicies *self)
{
  gboolean pending = self->policy != NULL && g_str_equal (self->policy->status, "pending") &&
                     !policy_waiting (self->policy);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policies.confirm", pending && self->dialog == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policies.return", pending && self->dialog == NULL);
  gtk_widget_set_visible (self->confirm_button, pending);
  gtk_widget_set_visible (self->return_button, pending);
  gtk_widget_set_visible (self->decision_group, pending);
}

static void
show_policy (KouanInsurancePolicies *self,
             KouanPolicy            *policy)
{
  g_autofree char *amount = NULL;
  g_autofree char *starts = NULL;
  g_autofree char *ends = NULL;
  g_autofree char *period = NULL;
  gboolean was_pending = self->policy != NULL && g_str_equal (self->policy->status, "pending");
  gboolean same = self->policy != NULL && policy != NULL && self->policy->id == policy->id;

  g_set_object (&self->policy, policy);
  if (policy == NULL)
    {
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), "");
      adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->detail_title), "");
      gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "empty");
      gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
      update_actions (self);
      return;
    }

  amount = _kouan_insurance_format_amount (policy->amount, policy->currency);
  starts = kouan_format_iso_day (policy->starts_on);
  ends = kouan_format_iso_day (policy->ends_on);
  /* Translators: a period from one day to another */
  period = g_strdup_printf (_("%s – %s"), starts, ends);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), policy->number);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->detail_title), status_text (policy));
  _kouan_insurance_set_property_row (self->number_row, policy->number);
  _kouan_insurance_set_property_row (self->buyer_row, policy->buyer);
  _kouan_insurance_set_property_row (self->country_row, policy->buyer_country);
  _kouan_insurance_set_property_row (self->amount_row, amount);
  _kouan_insurance_set_property_row (self->period_row, period);
  _kouan_insurance_set_property_row (self->status_row, status_text (policy));
  _kouan_insurance_set_property_row (self->comment_row, policy->comment);
  gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "policy");

  /* the reason typed stays while the same pending policy is refreshed */
  if (!same || !was_pending)
    gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  update_actions (self);

  /* opening an unread effective notice reads it (once the server says
   * the policy is effective: not while a confirmation waits) */
  if (g_str_equal (policy->status, "effective") && !policy->notice_read && !policy_waiting (policy) &&
      self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!kouan_store_read_policy_notice (self->store, policy, &error))
        g_warning ("%s", error->message);
    }
}

void
kouan_insurance_policies_reload (KouanInsurancePolicies *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;
  guint n;

  g_return_if_fail (KOUAN_IS_INSURANCE_POLICIES (self));

  if (self->store != NULL && self->enterprise_id != 0)
    policies = kouan_store_list_policies (self->store, self->enterprise_id,
                                          gtk_drop_down_get_selected (GTK_DROP_DOWN (self->filter)),
                                          &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; policies != NULL && i < policies->len; i++)
    note_waiting (self, g_ptr_array_index (policies, i));
  g_list_store_splice (self->policies, 0, g_list_model_get_n_items (G_LIST_MODEL (self->policies)),
                       policies != NULL ? policies->pdata : NULL, policies != NULL ? policies->len : 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->policies));
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), n > 0 ? "list" : "empty");

  /* the detail follows the row's newest version */
  if (self->policy != NULL)
    {
      g_autoptr(KouanPolicy) current = NULL;

      if (self->store != NULL)
        current = kouan_store_get_policy (self->store, self->enterprise_id, self->policy->id, NULL);
      note_waiting (self, current);
      show_policy (self, current);
      /* the row of the policy shown stays selected (a message's action
       * opened it, or the user did) */
      for (guint i = 0; current != NULL && i < n; i++)
        {
          g_autoptr(KouanPolicy) listed = g_list_model_get_item (G_LIST_MODEL (self->policies), i);

          if (listed->id == current->id)
            gtk_single_selection_set_selected (self->selection, i);
        }
    }
}

/* A decision the server refused or found in conflict: the policy is back
 * as the server has it (the reload shows it), and a toast says why, once
 * per refusal. Refusals there before the page looked are only noted:
 * the outbox window lists them. */
static void
tell_refusals (KouanInsurancePolicies *self,
               gboolean                toast)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (self->store == NULL)
    return;
  entries = kouan_store_list_outbox (self->store, self->enterprise_id, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KouanOutboxEntry *entry = g_ptr_array_index (entries, i);
      KouanOutboxState state = kouan_outbox_entry_get_state (entry);
      g_autofree char *what = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *text = NULL;

      if ((state != KOUAN_OUTBOX_REFUSED && state != KOUAN_OUTBOX_CONFLICT) ||
          !g_str_equal (kouan_outbox_entry_get_collection (entry), "insurance_policies") ||
          !g_hash_table_add (self->refusals, g_strdup (kouan_outbox_entry_get_id (entry))) ||
          !toast)
        continue;
      what = kouan_outbox_describe_edit (self->store, entry);
      reason = kouan_outbox_describe_reason (entry);
      /* Translators: "Confirm policy X: not accepted. <why>" */
      text = g_strdup_printf (_("%s: not accepted. %s"), what, reason);
      _kouan_insurance_toast (GTK_WIDGET (self), text);
    }
}

static void
on_outbox_changed (KouanInsurancePolicies *self)
{
  tell_refusals (self, TRUE);
  kouan_insurance_policies_reload (self);
}

void
kouan_insurance_policies_set_source (KouanInsurancePolicies *self,
                                     KouanStore             *store,
                                     gint64                  enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_POLICIES (self));

  if (enterprise_id != self->enterprise_id || store != self->store)
    {
      show_policy (self, NULL);
      adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
    }
  if (store != self->store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->outbox_handler, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->outbox_handler = g_signal_connect_object (store, "outbox-changed",
                                                        G_CALLBACK (on_outbox_changed), self,
                                                        G_CONNECT_SWAPPED);
    }
  self->enterprise_id = enterprise_id;
  tell_refusals (self, FALSE);
  kouan_insurance_policies_reload (self);
}

void
kouan_insurance_policies_set_filter (KouanInsurancePolicies *self,
                                     KouanPolicyFilter       filter)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_POLICIES (self));

  /* the same filter again still reads the store: the counts changed */
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->filter)) == (guint) filter)
    kouan_insurance_policies_reload (self);
  else
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->filter), filter);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

static void on_list_activate (KouanInsurancePolicies *self,
                              guint                   position);

/* Opens policy @policy_id as a click on its row would, listing every
 * policy first so the row is there whatever the filter was. A message's
 * action comes here ("insurance.policy"). */
gboolean
kouan_insurance_policies_open (KouanInsurancePolicies *self,
                               gint64                  policy_id)
{
  GListModel *model = G_LIST_MODEL (self->policies);

  g_return_val_if_fail (KOUAN_IS_INSURANCE_POLICIES (self), FALSE);

  kouan_insurance_policies_set_filter (self, KOUAN_POLICY_FILTER_ALL);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanPolicy) policy = g_list_model_get_item (model, i);

      if (policy->id == policy_id)
        {
          on_list_activate (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
listed (KouanInsurancePolicies *self,
        gint64                  id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->policies));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanPolicy) policy = g_list_model_get_item (G_LIST_MODEL (self->policies), i);

      if (policy->id == id)
        return TRUE;
    }
  return FALSE;
}

/* Another filter is another list: the detail does not keep a policy the
 * list no longer shows (issue 16, like the risk search's detail). A
 * policy that leaves the list because it changed, e.g. confirmed under
 * 待确认, stays open to show how it ended: only the user's filter closes it. */
static void
on_filter_changed (KouanInsurancePolicies *self)
{
  kouan_insurance_policies_reload (self);
  if (self->policy != NULL && !listed (self, self->policy->id))
    {
      show_policy (self, NULL);
      adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
    }
}

static void
on_list_activate (KouanInsurancePolicies *self,
                  guint                   position)
{
  g_autoptr(KouanPolicy) policy = g_list_model_get_item (G_LIST_MODEL (self->policies), position);

  gtk_single_selection_set_selected (self->selection, position);
  show_policy (self, policy);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "detail");
}

static void
on_comment_changed (KouanInsurancePolicies *self)
{
  gtk_widget_remove_css_class (self->comment_entry, "error");
}

/* Enter in the reason returns the policy (after the question) */
static void
on_comment_activated (KouanInsurancePolicies *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "policies.return", NULL);
}

static void
policy_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  KouanPolicy *policy = gtk_list_item_get_item (item);
  g_autofree char *title = g_strdup_printf ("%s · %s", policy->number, policy->buyer);
  g_autofree char *amount = _kouan_insurance_format_amount (policy->amount, policy->currency);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s", status_text (policy),
                                           policy->buyer_country, amount);

  _kouan_insurance_two_line_set (item, title, meta,
                                 g_str_equal (policy->status, "pending") ||
                                 (g_str_equal (policy->status, "effective") && !policy->notice_read));
}

/* ---- confirming and returning ------------------------------------------ */

static void
on_dialog_response (AdwMessageDialog       *dialog,
                    const char             *response,
                    KouanInsurancePolicies *self)
{
  KouanPolicy *policy = g_object_get_data (G_OBJECT (dialog), "policy");
  const char *comment = g_object_get_data (G_OBJECT (dialog), "comment");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean done;

  if (g_str_equal (response, "confirm"))
    done = kouan_store_confirm_policy (self->store, policy, &error);
  else if (g_str_equal (response, "return"))
    done = kouan_store_return_policy (self->store, policy, comment, &error);
  else
    return;

  if (!done)
    {
      g_warning ("Deciding on policy %s: %s", policy->number, error->message);
      /* Translators: %s is a policy number */
      text = g_strdup_printf (_("Policy %s could not be changed: it was changed meanwhile. Look at it again."),
                              policy->number);
      _kouan_insurance_toast (GTK_WIDGET (self), text);
      kouan_insurance_policies_reload (self);
      return;
    }
  if (g_str_equal (response, "return"))
    gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  _kouan_insurance_toast_queued (GTK_WIDGET (self));
}

static void
on_dialog_destroyed (KouanInsurancePolicies *self)
{
  self->dialog = NULL;
  update_actions (self);
}

static void
ask (KouanInsurancePolicies *self,
     gboolean                confirm)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  KouanPolicy *policy = self->policy;
  g_autofree char *amount = _kouan_insurance_format_amount (policy->amount, policy->currency);
  g_autofree char *starts = kouan_format_iso_day (policy->starts_on);
  g_autofree char *ends = kouan_format_iso_day (policy->ends_on);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *comment = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  AdwMessageDialog *dialog;

  if (confirm)
    {
      /* Translators: %s is a policy number */
      heading = g_strdup_printf (_("Confirm Policy %s?"), policy->number);
      /* Translators: the buyer, their country, the insured amount, the first and the last day */
      body = g_strdup_printf (_("Buyer: %s (%s)\nInsured amount: %s\nPeriod: %s – %s\n\nThe insurer receives your confirmation with the next sync."),
                              policy->buyer, policy->buyer_country, amount, starts, ends);
    }
  else
    {
      /* Translators: %s is a policy number */
      heading = g_strdup_printf (_("Return Policy %s?"), policy->number);
      /* Translators: the buyer, their country, the insured amount, the reason */
      body = g_strdup_printf (_("Buyer: %s (%s)\nInsured amount: %s\nReason: %s\n\nThe insurer receives the policy back with the next sync."),
                              policy->buyer, policy->buyer_country, amount, comment);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  if (confirm)
    {
      adw_message_dialog_add_response (dialog, "confirm", _("_Confirm Policy"));
      adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "confirm");
    }
  else
    {
      adw_message_dialog_add_response (dialog, "return", _("_Return Policy"));
      adw_message_dialog_set_response_appearance (dialog, "return", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "policy", g_object_ref (policy), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "comment", g_steal_pointer (&comment), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_dialog_response), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_dialog_destroyed), self, G_CONNECT_SWAPPED);
  self->dialog = dialog;
  update_actions (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KouanInsurancePolicies *self = KOUAN_INSURANCE_POLICIES (widget);

  if (self->policy != NULL && self->store != NULL)
    ask (self, TRUE);
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KouanInsurancePolicies *self = KOUAN_INSURANCE_POLICIES (widget);
  g_autofree char *comment = NULL;

  if (self->policy == NULL || self->store == NULL)
    return;
  comment = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  if (*comment == '\0')
    {
      gtk_widget_add_css_class (self->comment_entry, "error");
      gtk_widget_grab_focus (self->comment_entry);
      _kouan_insurance_toast (widget, _("Say why you return the policy in the reason first."));
      return;
    }
  ask (self, FALSE);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KouanInsurancePolicies *self = KOUAN_INSURANCE_POLICIES (widget);

  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

/* ---- for the UI tests ---------------------------------------------------- */

GListModel *
_kouan_insurance_policies_get_model (KouanInsurancePolicies *self)
{
  return G_LIST_MODEL (self->policies);
}

GtkListView *
_kouan_insurance_policies_get_list_view (KouanInsurancePolicies *self)
{
  return GTK_LIST_VIEW (self->list_view);
}

gint64
_kouan_insurance_policies_get_shown_id (KouanInsurancePolicies *self)
{
  return self->policy != NULL ? self->policy->id : 0;
}

AdwLeaflet *
_kouan_insurance_policies_get_leaflet (KouanInsurancePolicies *self)
{
  return ADW_LEAFLET (self->leaflet);
}

GtkButton *
_kouan_insurance_policies_get_back_button (KouanInsurancePolicies *self)
{
  return GTK_BUTTON (self->back_button);
}

GtkButton *
_kouan_insurance_policies_get_confirm_button (KouanInsurancePolicies *self)
{
  return GTK_BUTTON (self->confirm_button);
}

GtkButton *
_kouan_insurance_policies_get_return_button (KouanInsurancePolicies *self)
{
  return GTK_BUTTON (self->return_button);
}

GtkEditable *
_kouan_insurance_policies_get_reason (KouanInsurancePolicies *self)
{
  return GTK_EDITABLE (self->comment_entry);
}

AdwMessageDialog *
_kouan_insurance_policies_get_dialog (KouanInsurancePolicies *self)
{
  return self->dialog;
}

const char *
_kouan_insurance_policies_get_status (KouanInsurancePolicies *self)
{
  return self->policy != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (self->status_row)) : "";
}

/* ---- the class ----------------------------------------------------------- */

static void
kouan_insurance_policies_dispose (GObject *object)
{
  KouanInsurancePolicies *self = KOUAN_INSURANCE_POLICIES (object);

  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      gtk_window_destroy (GTK_WINDOW (self->dialog));
      self->dialog = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_POLICIES);
  if (self->store != NULL)
    g_clear_signal_handler (&self->outbox_handler, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->refusals, g_hash_table_unref);
  g_clear_object (&self->policies);
  g_clear_object (&self->policy);
  G_OBJECT_CLASS (kouan_insurance_policies_parent_class)->dispose (object);
}

static void
kouan_insurance_policies_class_init (KouanInsurancePoliciesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_policies_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-policies.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, amount_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, back_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, buyer_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, comment_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, country_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, decision_group);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, filter);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, list_view);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, number_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, period_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, return_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, selection);
  gtk_widget_class_bind_template_child (widget_class, KouanInsurancePolicies, status_row);
  gtk_widget_class_bind_template_callback (widget_class, on_comment_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_comment_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_install_action (widget_class, "policies.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "policies.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "policies.return", NULL, return_action);
}

static void
kouan_insurance_policies_init (KouanInsurancePolicies *self)
{
  g_autoptr(GtkListItemFactory) factory = _kouan_insurance_two_line_factory (G_CALLBACK (policy_bind));

  gtk_widget_init_template (GTK_WIDGET (self));
  self->policies = g_list_store_new (KOUAN_TYPE_POLICY);
  self->refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->policies));
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  show_policy (self, NULL);
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "empty");
}
