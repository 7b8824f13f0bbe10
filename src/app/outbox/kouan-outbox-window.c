/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-format.h"
#include "outbox/kouan-outbox-text.h"
#include "outbox/kouan-outbox-window.h"

struct _KouanOutboxWindow
{
  AdwWindow         parent_instance;

  /* template widgets */
  GtkWidget        *list;
  GtkWidget        *stack;
  GtkWidget        *summary;
  GtkWidget        *toast_overlay;

  /* owned */
  KouanStore       *store;
  KouanOutboxModel *model;
};

G_DEFINE_FINAL_TYPE (KouanOutboxWindow, kouan_outbox_window, ADW_TYPE_WINDOW)

static void
toast (KouanOutboxWindow *self,
       const char        *text)
{
  AdwToast *message = adw_toast_new (text);

  adw_toast_set_timeout (message, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toast_overlay), message);
}

static GtkWidget *
choice_button (const char *label,
               const char *action,
               const char *id,
               const char *what,
               const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  /* the button's own label names it; the description says which edit */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, what, -1);
  return button;
}

static GtkWidget *
wrapped_label (const char *text,
               const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  KouanOutboxWindow *self = user_data;
  KouanOutboxEntry *entry = item;
  KouanOutboxState state = kouan_outbox_entry_get_state (entry);
  const char *id = kouan_outbox_entry_get_id (entry);
  g_autofree char *what = kouan_outbox_describe_edit (self->store, entry);
  g_autofree char *reason = kouan_outbox_describe_reason (entry);
  g_autofree char *change = kouan_outbox_describe_change (entry);
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (kouan_outbox_entry_get_created_at (entry));
  g_autofree char *moment = kouan_format_moment (created, NULL);
  g_autofree char *meta = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = wrapped_label (what, "heading");
  GtkWidget *state_label = gtk_label_new (kouan_outbox_state_label (state));

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);
  gtk_widget_set_valign (state_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (state_label, "caption-heading");
  if (state == KOUAN_OUTBOX_CONFLICT)
    gtk_widget_add_css_class (state_label, "warning");
  else if (state == KOUAN_OUTBOX_REFUSED)
    gtk_widget_add_css_class (state_label, "error");
  else
    gtk_widget_add_css_class (state_label, "dim-label");
  gtk_box_append (GTK_BOX (header), state_label);
  gtk_box_append (GTK_BOX (box), header);

  /* Translators: when the edit was made: "Made 14:05" */
  meta = g_strdup_printf (_("Made %s"), moment);
  gtk_box_append (GTK_BOX (box), wrapped_label (meta, "dim-label"));

  if (reason != NULL)
    {
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_box_append (GTK_BOX (box), wrapped_label (reason, NULL));
      if (change != NULL)
        gtk_box_append (GTK_BOX (box), wrapped_label (change, "dim-label"));

      gtk_widget_set_halign (buttons, GTK_ALIGN_END);
      gtk_widget_set_margin_top (buttons, 6);
      gtk_box_append (GTK_BOX (buttons),
                      choice_button (_("_Discard"), "outbox.discard", id, what, "destructive-action"));
      gtk_box_append (GTK_BOX (buttons),
                      choice_button (_("_Retry"), "outbox.retry", id, what, NULL));
      /* keeping mine means something only against someone else's change */
      if (state == KOUAN_OUTBOX_CONFLICT)
        gtk_box_append (GTK_BOX (buttons),
                        choice_button (_("_Keep Mine"), "outbox.keep-mine", id, what, "suggested-action"));
      gtk_box_append (GTK_BOX (box), buttons);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  accessible = g_strdup_printf ("%s, %s", what, kouan_outbox_state_label (state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
update (KouanOutboxWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint attention = 0;
  g_autofree char *waiting_text = NULL;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanOutboxEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->model), i);
      KouanOutboxState state = kouan_outbox_entry_get_state (entry);

      attention += state == KOUAN_OUTBOX_REFUSED || state == KOUAN_OUTBOX_CONFLICT;
    }

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), n > 0 ? "list" : "empty");
  if (n > attention)
    waiting_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u change waiting for the server",
                                                 "%u changes waiting for the server",
                                                 n - attention),
                                    n - attention);
  if (attention > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u change needs your decision",
                                            "%u changes need your decision",
                                            attention),
                               attention);
  if (waiting_text != NULL && summary != NULL)
    {
      /* Translators: "2 changes waiting for the server · 1 change needs your decision" */
      g_autofree char *both = g_strdup_printf (_("%s · %s"), waiting_text, summary);

      g_free (summary);
      summary = g_steal_pointer (&both);
    }
  else if (waiting_text != NULL)
    summary = g_steal_pointer (&waiting_text);
  gtk_label_set_label (GTK_LABEL (self->summary), summary != NULL ? summary : "");
}

static void
on_items_changed (KouanOutboxWindow *self)
{
  update (self);
}

static void
act (GtkWidget  *widget,
     const char *action_name,
     GVariant   *parameter)
{
  KouanOutboxWindow *self = KOUAN_OUTBOX_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  const char *done_text;
  gboolean ok;

  if (g_str_equal (action_name, "outbox.discard"))
    {
      ok = kouan_store_outbox_discard (self->store, id, &error);
      done_text = _("Change discarded. The record stays as the server has it.");
    }
  else if (g_str_equal (action_name, "outbox.keep-mine"))
    {
      ok = kouan_store_outbox_keep_mine (self->store, id, &error);
      done_text = _("Your change goes to the server again, over the newer record.");
    }
  else
    {
      ok = kouan_store_outbox_retry (self->store, id, &error);
      done_text = _("Your change goes to the server again.");
    }

  if (!ok)
    {
      g_warning ("%s %s: %s", action_name, id, error->message);
      toast (self, _("The change could not be updated. It is as it was."));
      return;
    }
  toast (self, done_text);
}

/* ---- for the UI tests ---------------------------------------------------- */

GtkListBox *
_kouan_outbox_window_get_list (KouanOutboxWindow *self)
{
  return GTK_LIST_BOX (self->list);
}

GtkStack *
_kouan_outbox_window_get_stack (KouanOutboxWindow *self)
{
  return GTK_STACK (self->stack);
}

/* ---- the class ----------------------------------------------------------- */

static void
kouan_outbox_window_dispose (GObject *object)
{
  KouanOutboxWindow *self = KOUAN_OUTBOX_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_OUTBOX_WINDOW);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kouan_outbox_window_parent_class)->dispose (object);
}

static void
kouan_outbox_window_class_init (KouanOutboxWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_outbox_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-outbox-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanOutboxWindow, list);
  gtk_widget_class_bind_template_child (widget_class, KouanOutboxWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KouanOutboxWindow, summary);
  gtk_widget_class_bind_template_child (widget_class, KouanOutboxWindow, toast_overlay);

  gtk_widget_class_install_action (widget_class, "outbox.retry", "s", act);
  gtk_widget_class_install_action (widget_class, "outbox.discard", "s", act);
  gtk_widget_class_install_action (widget_class, "outbox.keep-mine", "s", act);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_outbox_window_init (KouanOutboxWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kouan_outbox_window_new (GtkWindow  *parent,
                         KouanStore *store,
                         gint64      enterprise_id)
{
  KouanOutboxWindow *self;

  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  self = g_object_new (KOUAN_TYPE_OUTBOX_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->model = kouan_outbox_model_new (store, enterprise_id);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), G_LIST_MODEL (self->model), create_row, self, NULL);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}
