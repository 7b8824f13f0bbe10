/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-password-dialog.h"
#include "kouan-personal.h"
#include "kouan-personal-page-private.h"

struct _KouanPasswordDialog
{
  AdwWindow     parent_instance;

  /* template widgets */
  GtkWidget    *change_button;
  GtkWidget    *new_row;
  GtkWidget    *old_row;
  GtkWidget    *repeat_row;
  GtkWidget    *rules_label;

  /* owned */
  KouanClient  *client;
  GCancellable *cancellable;
  char         *account;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (KouanPasswordDialog, kouan_password_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
strength_text (KouanPasswordStrength strength)
{
  switch (strength)
    {
    case KOUAN_PASSWORD_OK:
      return "";
    case KOUAN_PASSWORD_TOO_SHORT:
      return _("At least 8 characters.");
    case KOUAN_PASSWORD_TOO_LONG:
      return _("The password is too long.");
    case KOUAN_PASSWORD_NEEDS_MIX:
      return _("Use both letters and digits.");
    case KOUAN_PASSWORD_IS_ACCOUNT:
    default:
      return _("The password cannot be your account name.");
    }
}

static gboolean
ready (KouanPasswordDialog *self,
       const char         **problem)
{
  const char *old = gtk_editable_get_text (GTK_EDITABLE (self->old_row));
  const char *new = gtk_editable_get_text (GTK_EDITABLE (self->new_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_row));
  KouanPasswordStrength strength = kouan_personal_password_check (new, self->account);

  *problem = strength_text (strength);
  if (strength == KOUAN_PASSWORD_OK && g_strcmp0 (new, repeat) != 0)
    *problem = _("The two new passwords differ.");
  return old[0] != '\0' && strength == KOUAN_PASSWORD_OK && g_strcmp0 (new, repeat) == 0;
}

static void
on_typed (KouanPasswordDialog *self)
{
  const char *problem = NULL;
  gboolean ok = ready (self, &problem);

  gtk_label_set_label (GTK_LABEL (self->rules_label),
                       gtk_editable_get_text (GTK_EDITABLE (self->new_row))[0] == '\0'
                       ? _("At least 8 characters with letters and digits, not your account name. Your other sessions will be signed out.")
                       : problem);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.change", ok && !self->busy);
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KouanPasswordDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) answer = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  self->busy = FALSE;
  if (error != NULL)
    {
      g_autofree char *text = _kouan_personal_describe_error (error, self->client);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (GTK_LABEL (self->rules_label), text);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.change", TRUE);
        }
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
change (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  KouanPasswordDialog *self = KOUAN_PASSWORD_DIALOG (widget);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  const char *problem;

  if (self->busy || !ready (self, &problem))
    return;
  json_object_set_string_member (body, "old_password", gtk_editable_get_text (GTK_EDITABLE (self->old_row)));
  json_object_set_string_member (body, "new_password", gtk_editable_get_text (GTK_EDITABLE (self->new_row)));
  json_node_set_object (node, body);
  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "password.change", FALSE);
  kouan_client_call_async (self->client, "POST", "/api/v1/account/password", node,
                           self->cancellable, on_changed, g_object_ref (self));
}

static void
on_entry_activated (KouanPasswordDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "password.change", NULL);
}

static void
kouan_password_dialog_dispose (GObject *object)
{
  KouanPasswordDialog *self = KOUAN_PASSWORD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PASSWORD_DIALOG);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kouan_password_dialog_parent_class)->dispose (object);
}

static void
kouan_password_dialog_finalize (GObject *object)
{
  KouanPasswordDialog *self = KOUAN_PASSWORD_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->account);

  G_OBJECT_CLASS (kouan_password_dialog_parent_class)->finalize (object);
}

static void
kouan_password_dialog_class_init (KouanPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_password_dialog_dispose;
  object_class->finalize = kouan_password_dialog_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPasswordDialog, change_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPasswordDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPasswordDialog, old_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPasswordDialog, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPasswordDialog, rules_label);
  gtk_widget_class_bind_template_callback (widget_class, on_typed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "password.change", NULL, change);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_password_dialog_init (KouanPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.change", FALSE);
}

GtkWidget *
kouan_password_dialog_new (GtkWindow   *parent,
                           KouanClient *client,
                           const char  *account)
{
  KouanPasswordDialog *self = g_object_new (KOUAN_TYPE_PASSWORD_DIALOG, "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  self->account = g_strdup (account);
  return GTK_WIDGET (self);
}
