/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-subscriptions.h"

/* 信息订阅: one row per category of risk information, with a switch that
 * subscribes (at once, through the outbox) and a button to read the
 * category's articles in the risk search. The rows follow the store; a
 * flip that the store takes back is said in a toast. */

struct _KouanInsuranceSubscriptions
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkWidget  *group;
  GtkWidget  *stack;

  /* owned */
  KouanStore *store;
  GPtrArray  *rows;       /* AdwActionRow, category order; the group holds them */
  GArray     *ids;        /* gint64 category ids of the rows */
  gint64      enterprise_id;
  gboolean    loading;
};

G_DEFINE_FINAL_TYPE (KouanInsuranceSubscriptions, kouan_insurance_subscriptions, GTK_TYPE_WIDGET)

static GtkSwitch *
row_switch (GtkWidget *row)
{
  return GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
}

static void
on_switched (KouanInsuranceSubscriptions *self,
             GParamSpec                  *pspec,
             GtkSwitch                   *toggle)
{
  g_autoptr(GError) error = NULL;
  gint64 category_id = 0;

  /* the row is what has the focus: it says whether it is on */
  gtk_accessible_update_state (GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW)),
                               GTK_ACCESSIBLE_STATE_CHECKED, gtk_switch_get_active (toggle), -1);
  if (self->loading || self->store == NULL)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    if (row_switch (g_ptr_array_index (self->rows, i)) == toggle)
      category_id = g_array_index (self->ids, gint64, i);
  g_return_if_fail (category_id != 0);

  if (!kouan_store_set_subscribed (self->store, self->enterprise_id, category_id,
                                   gtk_switch_get_active (toggle), &error))
    {
      g_warning ("Subscribing: %s", error->message);
      _kouan_insurance_toast (GTK_WIDGET (self), _("The subscription could not be saved."));
      kouan_insurance_subscriptions_reload (self);
      return;
    }
  _kouan_insurance_toast_queued (GTK_WIDGET (self));
}

static GtkWidget *
new_row (KouanInsuranceSubscriptions *self,
         KouanInsuranceCategory      *category)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *open = gtk_button_new_from_icon_name ("go-next-symbolic");
  g_autofree char *open_label = g_strdup_printf (_("Read the articles of “%s”"), category->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  /* one Tab stop for the switch: the row, which flips it (as
   * AdwSwitchRow, libadwaita 1.4, does) */
  gtk_widget_set_can_focus (toggle, FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_CHECKED, FALSE, -1);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_switched), self, G_CONNECT_SWAPPED);
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (open, "flat");
  gtk_widget_set_tooltip_text (open, open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, open_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "insurance.open-category");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "x", category->id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
  /* named by the row: AdwActionRow labels its activatable widget with
   * its title */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  return row;
}

void
kouan_insurance_subscriptions_reload (KouanInsuranceSubscriptions *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  gboolean same;

  g_return_if_fail (KOUAN_IS_INSURANCE_SUBSCRIPTIONS (self));

  if (self->store != NULL && self->enterprise_id != 0)
    categories = kouan_store_list_insurance_categories (self->store, self->enterprise_id, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  if (categories == NULL)
    categories = g_ptr_array_new ();

  /* The same categories keep their rows, so a switch keeps the focus
   * while its own change comes back from the store. */
  same = categories->len == self->ids->len;
  for (guint i = 0; same && i < categories->len; i++)
    same = ((KouanInsuranceCategory *) g_ptr_array_index (categories, i))->id == g_array_index (self->ids, gint64, i);
  if (!same)
    {
      for (guint i = 0; i < self->rows->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->group), g_ptr_array_index (self->rows, i));
      g_ptr_array_set_size (self->rows, 0);
      g_array_set_size (self->ids, 0);
      for (guint i = 0; i < categories->len; i++)
        {
          KouanInsuranceCategory *category = g_ptr_array_index (categories, i);
          GtkWidget *row = new_row (self, category);

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), row);
          g_ptr_array_add (self->rows, row);
          g_array_append_val (self->ids, category->id);
        }
    }

  self->loading = TRUE;
  for (guint i = 0; i < categories->len; i++)
    {
      KouanInsuranceCategory *category = g_ptr_array_index (categories, i);
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), category->name);
      /* a switch already showing its value is left alone: setting it
       * ends the slide of a flip under way, and the flip would be lost */
      if (gtk_switch_get_active (row_switch (row)) != !!category->subscribed)
        gtk_switch_set_active (row_switch (row), category->subscribed);
    }
  self->loading = FALSE;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), categories->len > 0 ? "form" : "empty");
}

void
kouan_insurance_subscriptions_set_source (KouanInsuranceSubscriptions *self,
                                          KouanStore                  *store,
                                          gint64                       enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_SUBSCRIPTIONS (self));

  g_set_object (&self->store, store);
  self->enterprise_id = enterprise_id;
  kouan_insurance_subscriptions_reload (self);
}

GtkSwitch *
_kouan_insurance_subscriptions_get_switch (KouanInsuranceSubscriptions *self,
                                           guint                        index)
{
  return index < self->rows->len ? row_switch (g_ptr_array_index (self->rows, index)) : NULL;
}

static void
kouan_insurance_subscriptions_dispose (GObject *object)
{
  KouanInsuranceSubscriptions *self = KOUAN_INSURANCE_SUBSCRIPTIONS (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_SUBSCRIPTIONS);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_array_unref);
  G_OBJECT_CLASS (kouan_insurance_subscriptions_parent_class)->dispose (object);
}

static void
kouan_insurance_subscriptions_class_init (KouanInsuranceSubscriptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_subscriptions_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-subscriptions.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceSubscriptions, group);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceSubscriptions, stack);
}

static void
kouan_insurance_subscriptions_init (KouanInsuranceSubscriptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}
