/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-message.h"
#include "kouan-message-detail.h"
#include "kouan-message-row.h"

struct _KouanMessageDetail
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkFlowBox      *actions_box;
  GtkLabel        *body_label;
  GtkLabel        *category_label;
  GtkLabel        *date_label;
  GtkLabel        *kind_label;
  GtkScrolledWindow *scroller;
  GtkLabel        *severity_label;
  GtkToggleButton *star_button;
  GtkLabel        *title_label;

  /* owned references */
  KouanMessage    *message;
  GHashTable      *permissions;   /* "<menu>:<right>", NULL: none known */
};

G_DEFINE_FINAL_TYPE (KouanMessageDetail, kouan_message_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
star_button_clicked_cb (KouanMessageDetail *self,
                        GtkButton          *button)
{
  if (self->message == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "messages.toggle-star", "x",
                              kouan_message_get_id (self->message));
}

static void
kouan_message_detail_update_star (KouanMessageDetail *self)
{
  gboolean starred = kouan_message_get_starred (self->message);
  g_autofree char *label = NULL;

  gtk_toggle_button_set_active (self->star_button, starred);
  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            starred ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->star_button),
                               starred ? _("Unstar") : _("Star"));
  if (starred)
    label = g_strdup_printf (_("Unstar “%s”"), kouan_message_get_title (self->message));
  else
    label = g_strdup_printf (_("Star “%s”"), kouan_message_get_title (self->message));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static gboolean
kouan_message_detail_allows (KouanMessageDetail *self,
                             const char         *permission)
{
  g_autofree char *manage = NULL;

  if (permission == NULL || self->permissions == NULL)
    return FALSE;
  if (g_hash_table_contains (self->permissions, permission))
    return TRUE;
  /* manage implies view */
  if (!g_str_has_suffix (permission, ":view"))
    return FALSE;
  manage = g_strdup_printf ("%.*s:manage", (int) (strlen (permission) - strlen (":view")), permission);
  return g_hash_table_contains (self->permissions, manage);
}

/* What pressing the button does, for its tooltip and screen readers. */
static const char *
action_description (const KouanMessageAction *action)
{
  if (g_str_equal (action->area, "insurance.policy"))
    return _("Opens the policy in Credit Insurance");
  if (g_str_equal (action->area, "admin.staff"))
    return _("Opens the member in Staff and Permissions");
  if (g_str_equal (action->area, "admin.enterprise"))
    return _("Opens the field in Enterprise Settings");
  if (g_str_equal (action->area, "admin.business"))
    return _("Opens the setting in Business Settings");
  return NULL;
}

static void
kouan_message_detail_update_actions (KouanMessageDetail *self)
{
  GPtrArray *actions = self->message != NULL ? kouan_message_get_actions (self->message) : NULL;
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box))) != NULL)
    gtk_flow_box_remove (self->actions_box, child);

  for (guint i = 0; actions != NULL && i < actions->len; i++)
    {
      KouanMessageAction *action = g_ptr_array_index (actions, i);
      const char *description = action_description (action);
      GtkWidget *button;

      /* an area the member may not open is not offered at all */
      if (description == NULL ||
          !kouan_message_detail_allows (self, kouan_message_action_area_permission (action->area)))
        continue;

      button = gtk_button_new_with_label (action->label);
      gtk_widget_set_tooltip_text (button, description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-message-action");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", action->area, action->object);
      if (shown == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_flow_box_append (self->actions_box, button);
      /* Tab goes from button to button, not through the box's children */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), shown > 0);
}

static void
kouan_message_detail_update (KouanMessageDetail *self,
                             gboolean            same_message)
{
  static const char *classes[] = { "severity-high", "severity-medium", "severity-low" };
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;
  g_autofree char *severity_a11y = NULL;
  KouanSeverity severity;
  const char *severity_text;

  gtk_widget_set_sensitive (GTK_WIDGET (self->star_button), self->message != NULL);
  if (self->message == NULL)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->category_label, "");
      gtk_label_set_label (self->date_label, "");
      gtk_label_set_label (self->body_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->severity_label), FALSE);
      kouan_message_detail_update_actions (self);
      return;
    }

  gtk_label_set_label (self->title_label, kouan_message_get_title (self->message));
  gtk_label_set_label (self->category_label, kouan_message_get_category (self->message));
  gtk_label_set_label (self->kind_label,
                       kouan_message_get_kind (self->message) == KOUAN_MESSAGE_KIND_WARNING
                       /* Translators: kind of message shown above its title (zh_CN: 预警) */
                       ? C_("message kind", "Warning")
                       /* Translators: kind of message shown above its title (zh_CN: 通知) */
                       : C_("message kind", "Notice"));

  when = g_date_time_new_from_unix_local (kouan_message_get_created_at (self->message));
  if (when != NULL)
    /* Translators: full date and time of a message in its detail view, in
     * g_date_time_format() syntax (zh_CN: %Y年%-m月%-d日 %H:%M) */
    date = g_date_time_format (when, C_("message detail date", "%B %-d, %Y %H:%M"));
  gtk_label_set_label (self->date_label, date != NULL ? date : "");

  severity = kouan_message_get_severity (self->message);
  severity_text = kouan_message_severity_label (severity);
  gtk_widget_set_visible (GTK_WIDGET (self->severity_label), severity_text != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), classes[i]);
  if (severity_text != NULL)
    {
      gtk_label_set_label (self->severity_label, severity_text);
      gtk_widget_add_css_class (GTK_WIDGET (self->severity_label),
                                kouan_message_severity_css_class (severity));
      severity_a11y = g_strdup_printf (_("Severity: %s"), severity_text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->severity_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, severity_a11y,
                                      -1);
    }

  /* Re-setting an unchanged body would drop the user's text selection and
   * scroll position whenever the row is refreshed (e.g. after starring). */
  if (!same_message ||
      g_strcmp0 (gtk_label_get_label (self->body_label), kouan_message_get_body (self->message)) != 0)
    gtk_label_set_label (self->body_label, kouan_message_get_body (self->message));

  if (!same_message)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  kouan_message_detail_update_star (self);
  kouan_message_detail_update_actions (self);
}

void
kouan_message_detail_set_message (KouanMessageDetail *self,
                                  KouanMessage       *message)
{
  gboolean same_message;

  g_return_if_fail (KOUAN_IS_MESSAGE_DETAIL (self));
  g_return_if_fail (message == NULL || KOUAN_IS_MESSAGE (message));

  same_message = message != NULL && self->message != NULL &&
                 kouan_message_get_id (message) == kouan_message_get_id (self->message);

  if (!g_set_object (&self->message, message))
    return;

  kouan_message_detail_update (self, same_message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

KouanMessage *
kouan_message_detail_get_message (KouanMessageDetail *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_DETAIL (self), NULL);

  return self->message;
}

GtkWidget *
kouan_message_detail_get_star_button (KouanMessageDetail *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_DETAIL (self), NULL);

  return GTK_WIDGET (self->star_button);
}

void
kouan_message_detail_set_permissions (KouanMessageDetail *self,
                                      const char * const *permissions)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_DETAIL (self));

  g_clear_pointer (&self->permissions, g_hash_table_unref);
  if (permissions != NULL)
    {
      self->permissions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; permissions[i] != NULL; i++)
        g_hash_table_add (self->permissions, g_strdup (permissions[i]));
    }
  kouan_message_detail_update_actions (self);
}

GPtrArray *
kouan_message_detail_get_action_buttons (KouanMessageDetail *self)
{
  GPtrArray *buttons = g_ptr_array_new ();

  g_return_val_if_fail (KOUAN_IS_MESSAGE_DETAIL (self), buttons);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (buttons, gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)));
  return buttons;
}

GtkWidget *
kouan_message_detail_new (void)
{
  return g_object_new (KOUAN_TYPE_MESSAGE_DETAIL, NULL);
}

static void
kouan_message_detail_dispose (GObject *object)
{
  KouanMessageDetail *self = KOUAN_MESSAGE_DETAIL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_MESSAGE_DETAIL);
  g_clear_object (&self->message);
  g_clear_pointer (&self->permissions, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_message_detail_parent_class)->dispose (object);
}

static void
kouan_message_detail_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KouanMessageDetail *self = KOUAN_MESSAGE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_detail_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  KouanMessageDetail *self = KOUAN_MESSAGE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      kouan_message_detail_set_message (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_detail_class_init (KouanMessageDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_message_detail_dispose;
  object_class->get_property = kouan_message_detail_get_property;
  object_class->set_property = kouan_message_detail_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL,
                         KOUAN_TYPE_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-message-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, actions_box);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, body_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, category_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, date_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, kind_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, scroller);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, severity_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, star_button);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageDetail, title_label);
  gtk_widget_class_bind_template_callback (widget_class, star_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouanmessagedetail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kouan_message_detail_init (KouanMessageDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kouan_message_row_load_css ();
}
