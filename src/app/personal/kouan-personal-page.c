/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-personal-page.h"

struct _KouanPersonalPage
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *card_login_button;
  GtkWidget *method_label;
  GtkWidget *scrolled;
};

G_DEFINE_FINAL_TYPE (KouanPersonalPage, kouan_personal_page, GTK_TYPE_WIDGET)

void
kouan_personal_page_set_session_method (KouanPersonalPage *self,
                                        const char        *method)
{
  const char *text;

  g_return_if_fail (KOUAN_IS_PERSONAL_PAGE (self));

  if (g_strcmp0 (method, "card") == 0)
    text = _("You are signed in with an IC card.");
  else if (g_strcmp0 (method, "password") == 0)
    text = _("You are signed in with your account and password.");
  else
    text = _("You are working offline with the messages saved on this computer.");
  gtk_label_set_label (GTK_LABEL (self->method_label), text);
}

static void
kouan_personal_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_PAGE);

  G_OBJECT_CLASS (kouan_personal_page_parent_class)->dispose (object);
}

static void
kouan_personal_page_class_init (KouanPersonalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, card_login_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, method_label);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, scrolled);
}

static void
kouan_personal_page_init (KouanPersonalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kouan_personal_page_set_session_method (self, NULL);
}

GtkButton *
_kouan_personal_page_get_card_login_button (KouanPersonalPage *self)
{
  return GTK_BUTTON (self->card_login_button);
}

const char *
_kouan_personal_page_get_method_text (KouanPersonalPage *self)
{
  return gtk_label_get_label (GTK_LABEL (self->method_label));
}
