/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-accessible.h"

static void
fix_button (GtkWidget *widget)
{
  /* gtk_button_get_label() is NULL for buttons with custom children: only
   * mnemonic text labels are affected. */
  if (GTK_IS_BUTTON (widget) &&
      gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
fix_tree (GtkWidget *widget)
{
  fix_button (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fix_tree (child);
}

static gboolean
on_widget_map (GSignalInvocationHint *hint,
               guint                  n_params,
               const GValue          *params,
               gpointer               user_data)
{
  GtkWidget *widget = g_value_get_object (&params[0]);

  /* Assistive technologies also see widgets that are not mapped, such as
   * the hidden pages of a stack: a window fixes its whole tree when it
   * maps, and a button added later is fixed when it maps itself. */
  if (GTK_IS_ROOT (widget))
    fix_tree (widget);
  else
    fix_button (widget);

  return TRUE; /* stay installed */
}

/* GtkPopover::activate-default (Return or Enter in a popover) in GTK 4.8
 * hands the window's focus widget to gtk_widget_is_ancestor() without
 * checking it: when nothing in the window has the focus (the focused
 * widget went away, e.g. with a page or an IC-card prompt, while the
 * popover stayed open) GTK logs a critical and activates nothing. The
 * soak test found it. With no focus, Return moves the focus into the
 * popover as Tab would (and activates nothing, as GTK meant); otherwise
 * GTK's own handler runs. */
static void
popover_activate_default (GtkPopover *popover)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (popover));

  if (root == NULL || gtk_root_get_focus (root) == NULL)
    {
      gtk_widget_child_focus (GTK_WIDGET (popover), GTK_DIR_TAB_FORWARD);
      return;
    }
  g_signal_chain_from_overridden_handler (popover);
}

void
kouan_accessible_install_fixes (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      /* The signal exists once the class does: this may run before any
       * widget was made (GtkApplication's class_init). */
      GTypeClass *klass = g_type_class_ref (GTK_TYPE_WIDGET);

      GTypeClass *popover_class = g_type_class_ref (GTK_TYPE_POPOVER);

      g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0,
                                  on_widget_map, NULL, NULL);
      g_signal_override_class_handler ("activate-default", GTK_TYPE_POPOVER,
                                       G_CALLBACK (popover_activate_default));
      g_type_class_unref (popover_class);
      g_type_class_unref (klass);
      g_once_init_leave (&installed, 1);
    }
}
