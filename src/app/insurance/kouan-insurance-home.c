/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "insurance/kouan-insurance-private.h"
#include "insurance/kouan-insurance-home.h"

/* 首页 of 信用保险: the service center's shortcuts with their counts (a
 * shortcut with something waiting opens the list filtered to it; at 0 it
 * says so), the latest risk information and the categories to read. */

struct _KouanInsuranceHome
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkWidget  *categories_group;
  GtkWidget  *claims_button;
  GtkWidget  *effective_button;
  GtkWidget  *latest_group;
  GtkWidget  *more_button;
  GtkWidget  *pending_button;
  GtkWidget  *status_label;

  /* owned */
  KouanStore *store;
  GPtrArray  *category_rows;   /* the group holds them */
  GPtrArray  *latest_rows;
  gint64      enterprise_id;
};

G_DEFINE_FINAL_TYPE (KouanInsuranceHome, kouan_insurance_home, GTK_TYPE_WIDGET)

static GtkWidget *
shortcut_button (KouanInsuranceHome     *self,
                 KouanInsuranceShortcut  shortcut)
{
  switch (shortcut)
    {
    case KOUAN_INSURANCE_SHORTCUT_PENDING:
      return self->pending_button;
    case KOUAN_INSURANCE_SHORTCUT_EFFECTIVE:
      return self->effective_button;
    case KOUAN_INSURANCE_SHORTCUT_CLAIMS:
    default:
      return self->claims_button;
    }
}

static void
set_status (KouanInsuranceHome *self,
            const char         *text)
{
  gtk_label_set_label (GTK_LABEL (self->status_label), text);
  gtk_widget_set_visible (self->status_label, *text != '\0');
}

static void
update_shortcut (GtkWidget  *button,
                 const char *label,
                 guint       count)
{
  g_autofree char *text = g_strdup_printf ("%s (%u)", label, count);

  gtk_button_set_label (GTK_BUTTON (button), text);
  if (count > 0)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
}

static gboolean
read_counts (KouanInsuranceHome   *self,
             KouanInsuranceCounts *counts)
{
  g_autoptr(GError) error = NULL;

  *counts = (KouanInsuranceCounts) { 0 };
  if (self->store == NULL || self->enterprise_id == 0)
    return FALSE;
  if (!kouan_store_insurance_counts (self->store, self->enterprise_id, counts, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
clear_rows (GtkWidget *group,
            GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static GtkWidget *
link_row (const char *title,
          const char *subtitle,
          const char *action,
          gint64      target)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = g_object_new (GTK_TYPE_IMAGE,
                                   "icon-name", "go-next-symbolic",
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* a heading of news, not markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  return row;
}

static void
reload_categories (KouanInsuranceHome *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;

  clear_rows (self->categories_group, self->category_rows);
  if (self->store != NULL && self->enterprise_id != 0)
    categories = kouan_store_list_insurance_categories (self->store, self->enterprise_id, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; categories != NULL && i < categories->len; i++)
    {
      KouanInsuranceCategory *category = g_ptr_array_index (categories, i);
      GtkWidget *row = link_row (category->name, category->subscribed ? _("Subscribed") : NULL,
                                 "insurance.open-category", category->id);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->categories_group), row);
      g_ptr_array_add (self->category_rows, row);
    }
  gtk_widget_set_visible (self->categories_group, self->category_rows->len > 0);
}

void
kouan_insurance_home_reload (KouanInsuranceHome *self)
{
  KouanInsuranceCounts counts;

  g_return_if_fail (KOUAN_IS_INSURANCE_HOME (self));

  read_counts (self, &counts);
  update_shortcut (self->pending_button, _("Policies to Confirm"), counts.pending_policies);
  update_shortcut (self->effective_button, _("Policy Effective Notices"), counts.policy_notices);
  update_shortcut (self->claims_button, _("Claim Notices"), counts.claim_notices);
  reload_categories (self);
}

void
kouan_insurance_home_set_source (KouanInsuranceHome *self,
                                 KouanStore         *store,
                                 gint64              enterprise_id)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_HOME (self));

  if (store != self->store || enterprise_id != self->enterprise_id)
    set_status (self, "");
  g_set_object (&self->store, store);
  self->enterprise_id = enterprise_id;
  kouan_insurance_home_reload (self);
}

void
kouan_insurance_home_show_latest (KouanInsuranceHome *self,
                                  GPtrArray          *articles)
{
  g_return_if_fail (KOUAN_IS_INSURANCE_HOME (self));

  clear_rows (self->latest_group, self->latest_rows);
  for (guint i = 0; articles != NULL && i < articles->len; i++)
    {
      KouanRiskArticle *article = g_ptr_array_index (articles, i);
      g_autofree char *day = NULL;
      g_autofree char *meta = NULL;
      GtkWidget *row;

      if (article == NULL)
        continue;
      day = kouan_format_unix_date (article->published_at);
      meta = g_strdup_printf ("%s · %s", article->country, day);
      row = link_row (article->title, meta, "insurance.open-article", article->id);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->latest_group), row);
      g_ptr_array_add (self->latest_rows, row);
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->latest_group),
                                         self->latest_rows->len == 0
                                         ? _("No risk information has been synced yet.") : NULL);
}

static void
shortcut_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KouanInsuranceHome *self = KOUAN_INSURANCE_HOME (widget);
  KouanInsuranceCounts counts;
  guint which = g_variant_get_uint32 (parameter);
  guint count;

  read_counts (self, &counts);
  count = which == KOUAN_INSURANCE_SHORTCUT_PENDING ? counts.pending_policies
        : which == KOUAN_INSURANCE_SHORTCUT_EFFECTIVE ? counts.policy_notices
        : counts.claim_notices;

  if (count == 0)
    {
      set_status (self, which == KOUAN_INSURANCE_SHORTCUT_CLAIMS
                        ? _("No claim notices are waiting. “Claim Applications” above lists every claim.")
                        : _("Nothing is waiting here. “Insurance Applications” above lists every policy."));
      return;
    }
  set_status (self, "");
  if (which == KOUAN_INSURANCE_SHORTCUT_CLAIMS)
    gtk_widget_activate_action (widget, "insurance.open-claims", "u", (guint32) KOUAN_CLAIM_FILTER_NOTICES);
  else
    gtk_widget_activate_action (widget, "insurance.open-policies", "u",
                                (guint32) (which == KOUAN_INSURANCE_SHORTCUT_PENDING ? KOUAN_POLICY_FILTER_PENDING
                                                                                     : KOUAN_POLICY_FILTER_NOTICES));
}

GtkButton *
_kouan_insurance_home_get_shortcut (KouanInsuranceHome     *self,
                                    KouanInsuranceShortcut  shortcut)
{
  return GTK_BUTTON (shortcut_button (self, shortcut));
}

GtkButton *
_kouan_insurance_home_get_more_button (KouanInsuranceHome *self)
{
  return GTK_BUTTON (self->more_button);
}

const char *
_kouan_insurance_home_get_status (KouanInsuranceHome *self)
{
  return gtk_label_get_label (GTK_LABEL (self->status_label));
}

static void
kouan_insurance_home_dispose (GObject *object)
{
  KouanInsuranceHome *self = KOUAN_INSURANCE_HOME (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_INSURANCE_HOME);
  /* template children without an id are not unparented for us */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_pointer (&self->category_rows, g_ptr_array_unref);
  g_clear_pointer (&self->latest_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_insurance_home_parent_class)->dispose (object);
}

static void
kouan_insurance_home_class_init (KouanInsuranceHomeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_insurance_home_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-insurance-home.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, categories_group);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, claims_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, effective_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, latest_group);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, more_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, pending_button);
  gtk_widget_class_bind_template_child (widget_class, KouanInsuranceHome, status_label);

  gtk_widget_class_install_action (widget_class, "home.shortcut", "u", shortcut_action);
}

static void
kouan_insurance_home_init (KouanInsuranceHome *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_rows = g_ptr_array_new ();
  self->latest_rows = g_ptr_array_new ();
  set_status (self, "");
  kouan_insurance_home_reload (self);
  kouan_insurance_home_show_latest (self, NULL);
}
