/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-personal-page-private.h"

/* 申报偏好 (personal): the declaration-form-making switches of the current
 * enterprise, one row each. Each flip is one "preferences" update through
 * the outbox, so it works offline and follows the user to other
 * computers; the switches follow the store. */

struct _KouanPersonalPreferences
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *group;

  /* built from the table below */
  GtkWidget         *switches[KOUAN_N_PREFERENCES];
  gboolean           loading;

  /* borrowed */
  KouanPersonalPage *page;
};

G_DEFINE_FINAL_TYPE (KouanPersonalPreferences, kouan_personal_preferences, GTK_TYPE_WIDGET)

static const struct {
  const char *title;
  const char *explanation;
} texts[KOUAN_N_PREFERENCES] = {
  [KOUAN_PREFERENCE_REMEMBER_LAST] = {
    N_("Remember the last declaration"),
    N_("A new declaration form starts with the values of your last one."),
  },
  [KOUAN_PREFERENCE_CHECK_HS_CODES] = {
    N_("Check HS codes as you type"),
    N_("Commodity codes are checked against the tariff while you enter them."),
  },
  [KOUAN_PREFERENCE_WARN_DUPLICATES] = {
    N_("Warn about duplicate declarations"),
    N_("You are warned before declaring the same bill of lading twice."),
  },
  [KOUAN_PREFERENCE_AUTOFILL_CONSIGNEE] = {
    N_("Fill in the consignee from history"),
    N_("The consignee's details are completed from your earlier declarations."),
  },
  [KOUAN_PREFERENCE_CONFIRM_SUBMIT] = {
    N_("Confirm before submitting"),
    N_("A summary is shown for confirmation before a declaration is sent."),
  },
};

void
_kouan_personal_preferences_reload (KouanPersonalPreferences *self)
{
  gboolean values[KOUAN_N_PREFERENCES];
  g_autoptr(GError) error = NULL;
  KouanPersonalPage *page = self->page;

  if (page == NULL || page->store == NULL)
    return;
  if (page->enterprise_id <= 0 ||
      !kouan_store_get_preferences (page->store, page->enterprise_id, page->user_id, values, &error))
    {
      if (error != NULL)
        g_warning ("Reading the declaration preferences: %s", error->message);
      gtk_widget_set_sensitive (self->group, FALSE);
      return;
    }

  self->loading = TRUE;
  gtk_widget_set_sensitive (self->group, TRUE);
  /* a switch already showing its value is left alone: setting it ends
   * the slide of a flip under way, and the flip would be lost */
  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    if (gtk_switch_get_active (GTK_SWITCH (self->switches[i])) != values[i])
      gtk_switch_set_active (GTK_SWITCH (self->switches[i]), values[i]);
  self->loading = FALSE;
}

static void
on_switched (KouanPersonalPreferences *self,
             GParamSpec               *pspec,
             GtkSwitch                *widget)
{
  KouanPersonalPage *page = self->page;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint preference;

  /* the row is what has the focus: it says whether it is on */
  gtk_accessible_update_state (GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (widget), ADW_TYPE_ACTION_ROW)),
                               GTK_ACCESSIBLE_STATE_CHECKED, gtk_switch_get_active (widget), -1);
  if (self->loading || page == NULL || page->store == NULL)
    return;
  for (preference = 0; preference < KOUAN_N_PREFERENCES; preference++)
    if (self->switches[preference] == GTK_WIDGET (widget))
      break;
  g_return_if_fail (preference < KOUAN_N_PREFERENCES);

  fields = json_object_new ();
  json_object_set_boolean_member (fields, kouan_preference_to_string (preference),
                                  gtk_switch_get_active (widget));
  id = kouan_store_enqueue (page->store, page->enterprise_id, "preferences", "update",
                            page->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Saving a declaration preference: %s", error->message);
      _kouan_personal_page_toast (page, _("The preference could not be saved."));
      _kouan_personal_preferences_reload (self);
    }
}

GtkSwitch *
_kouan_personal_preferences_get_switch (KouanPersonalPreferences *self,
                                        guint                     index)
{
  g_return_val_if_fail (index < KOUAN_N_PREFERENCES, NULL);
  return GTK_SWITCH (self->switches[index]);
}

static void
kouan_personal_preferences_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_PREFERENCES);
  /* template children without an id are not unparented for us */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kouan_personal_preferences_parent_class)->dispose (object);
}

static void
kouan_personal_preferences_class_init (KouanPersonalPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_preferences_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPreferences, group);
}

static void
kouan_personal_preferences_init (KouanPersonalPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The rows come from the table, in KouanPreference order, so a new
   * preference is one entry there. */
  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(texts[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(texts[i].explanation));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      /* one Tab stop: the row, which flips the switch (as AdwSwitchRow,
       * libadwaita 1.4, does) */
      gtk_widget_set_can_focus (toggle, FALSE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_CHECKED, FALSE, -1);
      /* named by the row: AdwActionRow labels its activatable widget
       * with its title (a label of our own would be said twice) */
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _(texts[i].explanation), -1);
      g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_switched), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), row);
      self->switches[i] = toggle;
    }
}

void
_kouan_personal_preferences_set_page (KouanPersonalPreferences *self,
                                      KouanPersonalPage        *page)
{
  self->page = page;
}
