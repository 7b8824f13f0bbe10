/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-personal-page-private.h"

/* 企业设置 (personal): the declaration-form-making switches of the current
 * enterprise. Each flip is one "preferences" update through the outbox,
 * so it works offline and follows the user to other computers. */

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
_kouan_personal_preferences_reload (KouanPersonalPage *self)
{
  gboolean values[KOUAN_N_PREFERENCES];
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->preference_switches[0] == NULL)
    return;
  if (self->enterprise_id <= 0 ||
      !kouan_store_get_preferences (self->store, self->enterprise_id, self->user_id, values, &error))
    {
      if (error != NULL)
        g_warning ("Reading the declaration preferences: %s", error->message);
      for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
        gtk_widget_set_sensitive (self->preference_switches[i], FALSE);
      return;
    }

  self->preferences_loading = TRUE;
  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    {
      gtk_widget_set_sensitive (self->preference_switches[i], TRUE);
      gtk_switch_set_active (GTK_SWITCH (self->preference_switches[i]), values[i]);
    }
  self->preferences_loading = FALSE;
}

static void
on_switched (GtkSwitch         *widget,
             GParamSpec        *pspec,
             KouanPersonalPage *self)
{
  KouanPreference preference = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "kouan-preference"));
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->preferences_loading || self->store == NULL)
    return;
  fields = json_object_new ();
  json_object_set_boolean_member (fields, kouan_preference_to_string (preference),
                                  gtk_switch_get_active (widget));
  id = kouan_store_enqueue (self->store, self->enterprise_id, "preferences", "update",
                            self->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Saving a declaration preference: %s", error->message);
      _kouan_personal_preferences_reload (self);
    }
}

GtkSwitch *
_kouan_personal_page_get_preference_switch (KouanPersonalPage *self,
                                            guint              index)
{
  g_return_val_if_fail (index < KOUAN_N_PREFERENCES, NULL);
  return GTK_SWITCH (self->preference_switches[index]);
}

void
_kouan_personal_preferences_build (KouanPersonalPage *self)
{
  GtkWidget *title, *intro, *list;

  title = gtk_label_new (_("Declaration Preferences"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (self->preferences_box), title);
  intro = gtk_label_new (_("How declaration forms behave for you in the current enterprise."));
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (self->preferences_box), intro);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (_(texts[i].title));
      GtkWidget *explanation = gtk_label_new (_(texts[i].explanation));
      GtkWidget *toggle = gtk_switch_new ();

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (explanation), 0);
      gtk_label_set_wrap (GTK_LABEL (explanation), TRUE);
      gtk_widget_add_css_class (explanation, "dim-label");
      gtk_box_append (GTK_BOX (labels), name);
      gtk_box_append (GTK_BOX (labels), explanation);
      gtk_widget_set_hexpand (labels, TRUE);
      gtk_box_append (GTK_BOX (row), labels);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(texts[i].title), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _(texts[i].explanation), -1);
      g_object_set_data (G_OBJECT (toggle), "kouan-preference", GUINT_TO_POINTER (i));
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switched), self);
      gtk_box_append (GTK_BOX (row), toggle);
      gtk_widget_set_margin_top (row, 8);
      gtk_widget_set_margin_bottom (row, 8);
      gtk_widget_set_margin_start (row, 12);
      gtk_widget_set_margin_end (row, 12);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      self->preference_switches[i] = toggle;
    }
  gtk_box_append (GTK_BOX (self->preferences_box), list);
}
