/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "kouan-date-button.h"
#include "kouan-format.h"
#include "kouan-grant-status.h"

struct _KouanDateButton
{
  GtkWidget  parent_instance;

  /* children */
  GtkWidget *menu_button;
  GtkWidget *calendar;
  GtkWidget *clear_button;

  /* owned */
  char      *date;
  char      *placeholder;
};

G_DEFINE_FINAL_TYPE (KouanDateButton, kouan_date_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DATE,
  PROP_PLACEHOLDER,
  PROP_CLEARABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_label (KouanDateButton *self)
{
  g_autofree char *shown = self->date != NULL ? kouan_format_iso_day (self->date) : NULL;
  g_autofree char *accessible = NULL;

  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->menu_button),
                             shown != NULL ? shown : (self->placeholder != NULL ? self->placeholder : ""));
  /* Translators: a date button's accessible name: what it is, the day */
  accessible = shown != NULL ? g_strdup_printf (_("%s: %s"), self->placeholder, shown)
                             : g_strdup (self->placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible != NULL ? accessible : "", -1);
}

const char *
kouan_date_button_get_date (KouanDateButton *self)
{
  g_return_val_if_fail (KOUAN_IS_DATE_BUTTON (self), NULL);
  return self->date;
}

void
kouan_date_button_set_date (KouanDateButton *self,
                            const char      *date)
{
  g_return_if_fail (KOUAN_IS_DATE_BUTTON (self));

  if (date != NULL && !kouan_grant_day_is_valid (date))
    date = NULL;
  if (g_strcmp0 (self->date, date) == 0)
    return;
  g_free (self->date);
  self->date = g_strdup (date);
  if (date != NULL)
    {
      int year, month, day;

      /* the calendar opens on the chosen day */
      if (sscanf (date, "%d-%d-%d", &year, &month, &day) == 3)
        {
          g_autoptr(GDateTime) when = g_date_time_new_local (year, month, day, 0, 0, 0);

          gtk_calendar_select_day (GTK_CALENDAR (self->calendar), when);
        }
    }
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

static void
on_day_selected (KouanDateButton *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (GTK_CALENDAR (self->calendar));
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  kouan_date_button_set_date (self, text);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->menu_button));
}

static void
on_clear (KouanDateButton *self)
{
  kouan_date_button_set_date (self, NULL);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->menu_button));
}

static void
kouan_date_button_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KouanDateButton *self = KOUAN_DATE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_PLACEHOLDER:
      g_value_set_string (value, self->placeholder);
      break;
    case PROP_CLEARABLE:
      g_value_set_boolean (value, gtk_widget_get_visible (self->clear_button));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_date_button_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  KouanDateButton *self = KOUAN_DATE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_DATE:
      kouan_date_button_set_date (self, g_value_get_string (value));
      break;
    case PROP_PLACEHOLDER:
      g_free (self->placeholder);
      self->placeholder = g_value_dup_string (value);
      update_label (self);
      break;
    case PROP_CLEARABLE:
      gtk_widget_set_visible (self->clear_button, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_date_button_dispose (GObject *object)
{
  KouanDateButton *self = KOUAN_DATE_BUTTON (object);

  g_clear_pointer (&self->menu_button, gtk_widget_unparent);
  G_OBJECT_CLASS (kouan_date_button_parent_class)->dispose (object);
}

static void
kouan_date_button_finalize (GObject *object)
{
  KouanDateButton *self = KOUAN_DATE_BUTTON (object);

  g_free (self->date);
  g_free (self->placeholder);
  G_OBJECT_CLASS (kouan_date_button_parent_class)->finalize (object);
}

static void
kouan_date_button_class_init (KouanDateButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kouan_date_button_get_property;
  object_class->set_property = kouan_date_button_set_property;
  object_class->dispose = kouan_date_button_dispose;
  object_class->finalize = kouan_date_button_finalize;

  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEHOLDER] =
    g_param_spec_string ("placeholder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLEARABLE] =
    g_param_spec_boolean ("clearable", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
kouan_date_button_init (KouanDateButton *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->menu_button = gtk_menu_button_new ();
  self->calendar = gtk_calendar_new ();
  self->clear_button = gtk_button_new_with_label (_("Clear"));
  gtk_widget_set_visible (self->clear_button, FALSE);
  gtk_box_append (GTK_BOX (box), self->calendar);
  gtk_box_append (GTK_BOX (box), self->clear_button);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->menu_button), popover);
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (on_day_selected), self);
  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (on_clear), self);
  gtk_widget_set_parent (self->menu_button, GTK_WIDGET (self));
}

GtkWidget *
kouan_date_button_new (const char *placeholder,
                       gboolean    clearable)
{
  return g_object_new (KOUAN_TYPE_DATE_BUTTON, "placeholder", placeholder, "clearable", clearable, NULL);
}
