/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-unavailable-page.h"

struct _KouanUnavailablePage
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *area_label;
  GtkWidget *box;
  GtkWidget *description_label;
  GtkWidget *image;
  GtkWidget *title_label;

  /* owned */
  char      *area_name;
};

G_DEFINE_FINAL_TYPE (KouanUnavailablePage, kouan_unavailable_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_AREA_NAME,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kouan_unavailable_page_dispose (GObject *object)
{
  KouanUnavailablePage *self = KOUAN_UNAVAILABLE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_UNAVAILABLE_PAGE);

  G_OBJECT_CLASS (kouan_unavailable_page_parent_class)->dispose (object);
}

static void
kouan_unavailable_page_finalize (GObject *object)
{
  KouanUnavailablePage *self = KOUAN_UNAVAILABLE_PAGE (object);

  g_free (self->area_name);

  G_OBJECT_CLASS (kouan_unavailable_page_parent_class)->finalize (object);
}

static void
kouan_unavailable_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  KouanUnavailablePage *self = KOUAN_UNAVAILABLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_AREA_NAME:
      g_value_set_string (value, self->area_name);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, gtk_image_get_icon_name (GTK_IMAGE (self->image)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_unavailable_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  KouanUnavailablePage *self = KOUAN_UNAVAILABLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_AREA_NAME:
      kouan_unavailable_page_set_area_name (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      kouan_unavailable_page_set_icon_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_unavailable_page_class_init (KouanUnavailablePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_unavailable_page_dispose;
  object_class->finalize = kouan_unavailable_page_finalize;
  object_class->get_property = kouan_unavailable_page_get_property;
  object_class->set_property = kouan_unavailable_page_set_property;

  properties[PROP_AREA_NAME] =
    g_param_spec_string ("area-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-unavailable-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanUnavailablePage, area_label);
  gtk_widget_class_bind_template_child (widget_class, KouanUnavailablePage, box);
  gtk_widget_class_bind_template_child (widget_class, KouanUnavailablePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KouanUnavailablePage, image);
  gtk_widget_class_bind_template_child (widget_class, KouanUnavailablePage, title_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kouan_unavailable_page_init (KouanUnavailablePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kouan_unavailable_page_new (const char *area_name,
                            const char *icon_name)
{
  return g_object_new (KOUAN_TYPE_UNAVAILABLE_PAGE,
                       "area-name", area_name,
                       "icon-name", icon_name,
                       NULL);
}

const char *
kouan_unavailable_page_get_area_name (KouanUnavailablePage *self)
{
  g_return_val_if_fail (KOUAN_IS_UNAVAILABLE_PAGE (self), NULL);

  return self->area_name;
}

void
kouan_unavailable_page_set_area_name (KouanUnavailablePage *self,
                                      const char           *area_name)
{
  g_autofree char *description = NULL;

  g_return_if_fail (KOUAN_IS_UNAVAILABLE_PAGE (self));

  if (g_strcmp0 (self->area_name, area_name) == 0)
    return;
  g_free (self->area_name);
  self->area_name = g_strdup (area_name);

  gtk_label_set_label (GTK_LABEL (self->area_label), area_name ? area_name : "");
  /* Translators: %s is the name of an area, e.g. "Personal Center" */
  description = g_strdup_printf (_("%s comes in a later version of Kouan."),
                                 area_name ? area_name : "");
  gtk_label_set_label (GTK_LABEL (self->description_label), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, area_name ? area_name : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AREA_NAME]);
}

void
kouan_unavailable_page_set_icon_name (KouanUnavailablePage *self,
                                      const char           *icon_name)
{
  g_return_if_fail (KOUAN_IS_UNAVAILABLE_PAGE (self));

  if (g_strcmp0 (icon_name, gtk_image_get_icon_name (GTK_IMAGE (self->image))) == 0)
    return;

  gtk_image_set_from_icon_name (GTK_IMAGE (self->image), icon_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}
