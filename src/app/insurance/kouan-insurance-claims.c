/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-claims.h"

/* 索赔申请: the enterprise's claims beside the one chosen and its history.
 * Opening a claim with news reads the news. At narrow widths the list and
 * the detail fold into one pane with a back button. */

struct _KouanInsuranceClaims
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkWidget          *amount_row;
  GtkWidget          *back_button;
  GtkWidget          *buyer_row;
  GtkWidget          *detail_stack;
  GtkWidget          *detail_title;
  GtkWidget          *filter;
  GtkWidget          *history_list;
  GtkWidget          *leaflet;
  GtkWidget          *list_stack;
  GtkWidget          *list_view;
  GtkWidget          *loss_row;
  GtkWidget          *number_row;
  GtkWidget          *policy_row;
  GtkSingleSelection *selection;
  GtkWidget          *status_row;
  GtkWidget          *submitted_row;

  /* owned */
  KouanStore         *store;
  GListStore         *claims;   /* KouanClaim */
  KouanClaim         *claim;    /* (nullable) shown in the detail */
  gint64              enterprise_id;
};

G_DEFINE_FINAL_TYPE (KouanInsuranceClaims, kouan_insurance_claims, GTK_TYPE_WIDGET)

static void
show_history (KouanInsuranceClaims *self,
              KouanClaim           *claim)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->history_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->history_list), child);
  for (guint i = 0; claim != NULL && i < claim->history->len; i++)
    {
      KouanClaimEvent *event = &g_array_index (claim->history, KouanClaimEvent, i);
      g_autofree char *day = kouan_format_unix_date (event->at);
      g_autofree char *title = g_strdup_printf ("%s · %s", day, _kouan_insurance_claim_status_label (event->status));
      GtkWidget *row = adw_action_row_new ();

      /* comments are data, never markup */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), event->comment != NULL ? event->comment : "");
      gtk_list_box_append (GTK_LIST_BOX (self->history_list), row);
    }
  gtk_widget_set_visible (gtk_widget_get_ancestor (self->history_list, ADW_TYPE_PREFERENCES_GROUP),
                          claim != NULL && claim->history->len > 0);
}

static void
show_claim (KouanInsuranceClaims *self,
            KouanClaim           *claim)
{
  g_autofree char *amount = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *submitted = NULL;

  g_set_object (&self->claim, claim);
  show_history (self, claim);
  if (claim == NULL)
    {
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), "");
      adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->detail_title), "");
      gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "empty");
      return;
    }

  amount = _kouan_insurance_format_amount (claim->amount, claim->currency);
  loss = kouan_format_iso_day (claim->loss_on);
  submitted = kouan_format_iso_day (claim->submitted_on);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), claim->number);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->detail_title),
                                 _kouan_insurance_claim_status_label (claim->status));
  _kouan_insurance_set_property_row (self->number_row, claim->number);
  _kouan_insurance_set_property_row (self->policy_row, claim->policy_number);
  _kouan_insurance_set_property_row (self->buyer_row, claim->buyer);
  _kouan_insurance_set_property_row (self->amount_row, amount);
  _kouan_insurance_set_property_row (self->loss_row, loss);
  _kouan_insurance_set_property_row (self->submitted_row, submitted);
  _kouan_insurance_set_property_row (self->status_row, _kouan_insurance_claim_status_label (claim->status));
  gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "claim");

  if (!claim->notice_read && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!kouan_store_read_claim_notice (self->store, claim, &error))
        g_warning ("%s", error->message);
    }
}

void
kouan_insurance_claims_reload (KouanInsuranceClaims *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) claims = NULL;
  guint n;

  g_return_if_fail (KOUAN_IS_INSURANCE_CLAIMS (self));

  if (self->store != NULL && self->enterprise_id != 0)
    claims = kouan_store_list_claims (self->store, self->enterprise_id,
                                      gtk_drop_down_get_selected (GTK_DROP_DOWN (self->filter)),
                                      &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  g_list_store_splice (self->claims, 0, g_list_model_get_n_items (G_LIST_MODEL (self->claims)),
                       claims != NULL ? claims->pdata : NULL, claims != NULL ? claims->len : 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->claims));
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), n > 0 ? "list" : "empty");
  if (self->claim != NULL)
    {
      g_autoptr(KouanClaim) current = NULL;

      if (self->store != NULL)
        current = kouan_store_get_claim (self->store, self->enterprise_id, self->claim->id, NULL);
      show_claim (self, current);
    }
}

void
kouan_insurance_claims_set_source (KouanInsuranceClaims *self,
                                   KouanStore           *store,
                                   gint64                enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_CLAIMS (self));

  if (enterprise_id != self->enterprise_id || store != self->store)
    {
      show_claim (self, NULL);
      adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
    }
  g_set_object (&self->store, store);
  self->enterprise_id = enterprise_id;
  kouan_insurance_claims_reload (self);
}

void
kouan_insurance_claims_set_filter (KouanInsuranceClaims *self,
                                   KouanClaimFilter      filter)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_CLAIMS (self));

  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->filter)) == (guint) filter)
    kouan_insurance_claims_reload (self);
  else
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->filter), filter);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

static gboolean
listed (KouanInsuranceClaims *self,
        gint64                id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->claims));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanClaim) claim = g_list_model_get_item (G_LIST_MODEL (self->claims), i);

      if (claim->id == id)
        return TRUE;
    }
  return FALSE;
}

/* Another filter is another list: the detail does not keep a claim the
 * list no longer shows (issue 16, like the risk search's detail). A claim
 * that changes status under the filter stays open: only the user's
 * filter closes it. */
static void
on_filter_changed (KouanInsuranceClaims *self)
{
  kouan_insurance_claims_reload (self);
  if (self->claim != NULL && !listed (self, self->claim->id))
    {
      show_claim (self, NULL);
      adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
    }
}

static void
on_list_activate (KouanInsuranceClaims *self,
                  guint                 position)
{
  g_autoptr(KouanClaim) claim = g_list_model_get_item (G_LIST_MODEL (self->claims), position);

  gtk_single_selection_set_selected (self->selection, position);
  show_claim (self, claim);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "detail");
}

static void
claim_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  KouanClaim *claim = gtk_list_item_get_item (item);
  g_autofree char *title = g_strdup_printf ("%s · %s", claim->number, claim->buyer);
  g_autofree char *amount = _kouan_insurance_format_amount (claim->amount, claim->currency);
  g_autofree char *meta = g_strdup_printf ("%s · %s · %s", _kouan_insurance_claim_status_label (claim->status),
                                           claim->policy_number, amount);

  _kouan_insurance_two_line_set (item, title, meta, !claim->notice_read);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KouanInsuranceClaims *self = KOUAN_INSURANCE_CLAIMS (widget);

  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

GListModel *
_kouan_insurance_claims_get_model (KouanInsuranceClaims *self)
{
  return G_LIST_MODEL (self->claims);
}

GtkListView *
_kouan_insurance_claims_get_list_view (KouanInsuranceClaims *self)
{
  return GTK_LIST_VIEW (self->list_view);
}

gint64
_kouan_insurance_claims_get_shown_id (KouanInsuranceClaims *self)
{
  return self->claim != NULL ? self->claim->id : 0;
}

static void
kouan_insurance_claims_dispose (GObject *object)
{
  KouanInsuranceClaims *self = KOUAN_INSURANCE_CLAIMS (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_CLAIMS);
  g_clear_object (&self->store);
  g_clear_object (&self->claims);
  g_clear_object (&self->claim);
  G_OBJECT_CLASS (kouan_insurance_claims_parent_class)->dispose (object);
}

static void
kouan_insurance_claims_class_init (KouanInsuranceClaimsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_claims_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-claims.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, amount_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, back_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, buyer_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, filter);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, history_list);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, list_view);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, loss_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, number_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, policy_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, selection);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, status_row);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceClaims, submitted_row);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_install_action (widget_class, "claims.back", NULL, back_action);
}

static void
kouan_insurance_claims_init (KouanInsuranceClaims *self)
{
  g_autoptr(GtkListItemFactory) factory = _kouan_insurance_two_line_factory (G_CALLBACK (claim_bind));

  gtk_widget_init_template (GTK_WIDGET (self));
  self->claims = g_list_store_new (KOUAN_TYPE_CLAIM);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->claims));
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  show_claim (self, NULL);
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "empty");
}
