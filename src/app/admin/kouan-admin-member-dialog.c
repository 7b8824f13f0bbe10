/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-admin-list.h"
#include "kouan-admin-member-dialog-private.h"
#include "kouan-role.h"
#include "kouan-store-people.h"
#include "widgets/kouan-date-button.h"

struct _KouanAdminMemberDialog
{
  AdwWindow            parent_instance;

  /* template */
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *grants_group;
  AdwComboRow         *department_row;
  AdwComboRow         *role_row;
  KouanDateButton     *starts_button;
  KouanDateButton     *ends_button;
  GtkLabel            *error_label;

  KouanMember         *member;            /* as the dialog opened */
  GListModel          *roles;             /* KouanRole */
  GArray              *department_ids;    /* gint64, position + 1 in department_row */
  guint                department_before; /* its position when opened */
  char                *today;
  GArray              *removed;           /* gint64 grant ids to drop */
  GArray              *added;             /* KouanGrant to add (role_id and dates) */
  GHashTable          *ends;              /* kept grant id → its last-day KouanDateButton */
  GHashTable          *remove_checks;     /* GtkCheckButton → grant id */

  KouanAdminView      *admin;             /* weak */
  KouanStore          *store;             /* weak: the window's */
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KouanAdminMemberDialog, kouan_admin_member_dialog, ADW_TYPE_WINDOW)

static void
show_error (KouanAdminMemberDialog *self,
            const char             *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
clear_added_grant (KouanGrant *grant)
{
  g_free (grant->starts_on);
  g_free (grant->ends_on);
}

static void
on_grant_remove_toggled (GtkCheckButton         *check,
                         KouanAdminMemberDialog *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_hash_table_lookup (self->remove_checks, check));

  if (gtk_check_button_get_active (check))
    g_array_append_val (self->removed, id);
  else
    for (guint i = 0; i < self->removed->len; i++)
      if (g_array_index (self->removed, gint64, i) == id)
        {
          g_array_remove_index (self->removed, i);
          break;
        }
}

/* A grant's row: a held one with a button for its last day (the period
 * can be extended or shortened) and 移除; an added one marked new. */
static void
add_grant_row (KouanAdminMemberDialog *self,
               const KouanGrant       *grant,
               gboolean                held)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = kouan_admin_grant_period_text (grant, self->today);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kouan_role_display_name (grant->role, grant->builtin));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  if (held)
    {
      GtkWidget *ends = kouan_date_button_new (_("No end date"), TRUE);
      GtkWidget *check = gtk_check_button_new_with_label (_("Remove"));
      /* Translators: the accessible name of a held role's last-day button */
      g_autofree char *name = g_strdup_printf (_("Last day of %s"), grant->role);
      /* Translators: the accessible name of a held role's 移除 check */
      g_autofree char *remove = g_strdup_printf (_("Remove %s"), grant->role);

      kouan_date_button_set_date (KOUAN_DATE_BUTTON (ends), grant->ends_on);
      gtk_accessible_update_property (GTK_ACCESSIBLE (ends), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_tooltip_text (ends, _("Last day of the role"));
      gtk_widget_set_valign (ends, GTK_ALIGN_CENTER);
      g_hash_table_insert (self->ends, GSIZE_TO_POINTER ((gsize) grant->id), ends);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), ends);

      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
      g_hash_table_insert (self->remove_checks, check, GSIZE_TO_POINTER ((gsize) grant->id));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_grant_remove_toggled), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
    }
  else
    {
      GtkWidget *tag = gtk_label_new (_("new"));

      gtk_widget_add_css_class (tag, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }
  adw_preferences_group_add (self->grants_group, row);
}

static void
on_add_grant (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KouanAdminMemberDialog *self = KOUAN_ADMIN_MEMBER_DIALOG (widget);
  guint position = adw_combo_row_get_selected (self->role_row);
  const char *starts = kouan_date_button_get_date (self->starts_button);
  const char *ends = kouan_date_button_get_date (self->ends_button);
  g_autoptr(KouanRole) role = NULL;

  if (position == GTK_INVALID_LIST_POSITION || position >= g_list_model_get_n_items (self->roles))
    return;
  if (starts == NULL)
    {
      show_error (self, _("Choose the day the role starts."));
      return;
    }
  if (ends != NULL && g_strcmp0 (ends, starts) < 0)
    {
      show_error (self, _("The role cannot end before it starts."));
      return;
    }
  show_error (self, NULL);

  role = g_list_model_get_item (self->roles, position);
  {
    KouanGrant added = {
      .role_id = role->id,
      .starts_on = g_strdup (starts),
      .ends_on = g_strdup (ends),
    };

    g_array_append_val (self->added, added);
  }
  {
    KouanGrant shown = {
      .role = role->name,
      .builtin = role->builtin,
      .starts_on = (char *) starts,
      .ends_on = (char *) ends,
    };

    add_grant_row (self, &shown, FALSE);
  }
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminMemberDialog *self = KOUAN_ADMIN_MEMBER_DIALOG (widget);
  guint position = adw_combo_row_get_selected (self->department_row);
  gboolean moved = position != self->department_before;
  g_autoptr(GArray) grants = g_array_new (FALSE, FALSE, sizeof (KouanGrant));
  g_autoptr(GError) error = NULL;
  KouanMemberEdit what = 0;
  gint64 department_id = 0;

  if (moved)
    what |= KOUAN_MEMBER_EDIT_DEPARTMENT;
  if (self->removed->len > 0 || self->added->len > 0)
    what |= KOUAN_MEMBER_EDIT_GRANTS;

  /* the member's whole list: kept grants, then the added ones — the
   * server applies it in one step, so handing over one's own
   * administrator role cannot trip the last-administrator check halfway */
  for (guint i = 0; i < self->member->grants->len; i++)
    {
      KouanGrant *grant = &g_array_index (self->member->grants, KouanGrant, i);
      gboolean dropped = FALSE;

      for (guint j = 0; j < self->removed->len && !dropped; j++)
        dropped = g_array_index (self->removed, gint64, j) == grant->id;
      if (!dropped)
        {
          KouanGrant kept = *grant;
          GtkWidget *ends = g_hash_table_lookup (self->ends, GSIZE_TO_POINTER ((gsize) grant->id));

          /* its last day as the button shows it now (valid during this call) */
          if (ends != NULL)
            kept.ends_on = (char *) kouan_date_button_get_date (KOUAN_DATE_BUTTON (ends));
          if (kept.ends_on != NULL && g_strcmp0 (kept.ends_on, kept.starts_on) < 0)
            {
              show_error (self, _("The role cannot end before it starts."));
              return;
            }
          if (g_strcmp0 (kept.ends_on, grant->ends_on) != 0)
            what |= KOUAN_MEMBER_EDIT_GRANTS;
          g_array_append_val (grants, kept);
        }
    }
  g_array_append_vals (grants, self->added->data, self->added->len);
  if (what == 0 || self->store == NULL || self->admin == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  /* position 0 is "no department"; the rest follow department_ids */
  if (position > 0 && position <= self->department_ids->len)
    department_id = g_array_index (self->department_ids, gint64, position - 1);

  if (!kouan_store_update_member (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                  self->member->id, what, department_id, self->member->disabled,
                                  (const KouanGrant *) grants->data, grants->len, &error))
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      show_error (self, message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
kouan_admin_member_dialog_dispose (GObject *object)
{
  KouanAdminMemberDialog *self = KOUAN_ADMIN_MEMBER_DIALOG (object);

  g_clear_weak_pointer (&self->admin);
  g_clear_weak_pointer (&self->store);
  if (self->ends != NULL)
    g_hash_table_remove_all (self->ends);
  if (self->remove_checks != NULL)
    g_hash_table_remove_all (self->remove_checks);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_MEMBER_DIALOG);
  G_OBJECT_CLASS (kouan_admin_member_dialog_parent_class)->dispose (object);
}

static void
kouan_admin_member_dialog_finalize (GObject *object)
{
  KouanAdminMemberDialog *self = KOUAN_ADMIN_MEMBER_DIALOG (object);

  g_clear_object (&self->member);
  g_clear_object (&self->roles);
  g_clear_pointer (&self->department_ids, g_array_unref);
  g_clear_pointer (&self->today, g_free);
  g_clear_pointer (&self->removed, g_array_unref);
  g_clear_pointer (&self->added, g_array_unref);
  g_clear_pointer (&self->ends, g_hash_table_unref);
  g_clear_pointer (&self->remove_checks, g_hash_table_unref);
  G_OBJECT_CLASS (kouan_admin_member_dialog_parent_class)->finalize (object);
}

static void
kouan_admin_member_dialog_class_init (KouanAdminMemberDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_member_dialog_dispose;
  object_class->finalize = kouan_admin_member_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KOUAN_TYPE_DATE_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-member-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, grants_group);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, department_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, starts_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, ends_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminMemberDialog, error_label);

  gtk_widget_class_install_action (widget_class, "member.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "member.add-grant", NULL, on_add_grant);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_admin_member_dialog_init (KouanAdminMemberDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->removed = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->added = g_array_new (FALSE, TRUE, sizeof (KouanGrant));
  g_array_set_clear_func (self->added, (GDestroyNotify) clear_added_grant);
  self->ends = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->remove_checks = g_hash_table_new (g_direct_hash, g_direct_equal);
}

KouanAdminMemberDialog *
kouan_admin_member_dialog_new (KouanAdminView *admin,
                               KouanStore     *store,
                               GtkWindow      *parent,
                               KouanMember    *member,
                               GListModel     *roles,
                               GArray         *department_ids,
                               GListModel     *department_names,
                               const char     *today)
{
  /* Translators: %s is the member's name */
  g_autofree char *title = g_strdup_printf (_("Edit Roles of %s"), member->name);
  KouanAdminMemberDialog *self = g_object_new (KOUAN_TYPE_ADMIN_MEMBER_DIALOG,
                                               "transient-for", parent,
                                               "title", title,
                                               NULL);
  g_autoptr(GtkStringList) departments = gtk_string_list_new ((const char *[]) { _("No department"), NULL });
  g_autoptr(GtkStringList) role_names = gtk_string_list_new (NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_set_weak_pointer (&self->store, store);
  self->member = g_object_ref (member);
  self->roles = g_object_ref (roles);
  self->department_ids = g_array_ref (department_ids);
  self->today = g_strdup (today);
  adw_window_title_set_title (self->window_title, _("Edit Roles"));
  adw_window_title_set_subtitle (self->window_title, member->name);

  for (guint i = 0; i < member->grants->len; i++)
    add_grant_row (self, &g_array_index (member->grants, KouanGrant, i), TRUE);

  for (guint i = 0; i < department_ids->len; i++)
    {
      gtk_string_list_append (departments, gtk_string_list_get_string (GTK_STRING_LIST (department_names), i + 1));
      if (g_array_index (department_ids, gint64, i) == member->department_id)
        self->department_before = i + 1;
    }
  adw_combo_row_set_model (self->department_row, G_LIST_MODEL (departments));
  adw_combo_row_set_selected (self->department_row, self->department_before);

  for (guint i = 0; i < g_list_model_get_n_items (roles); i++)
    {
      g_autoptr(KouanRole) role = g_list_model_get_item (roles, i);

      gtk_string_list_append (role_names, kouan_role_display_name (role->name, role->builtin));
    }
  adw_combo_row_set_model (self->role_row, G_LIST_MODEL (role_names));
  kouan_date_button_set_date (self->starts_button, today);
  return self;
}

/* ---- for the UI tests ---- */

static void
select_string (AdwComboRow *row,
               const char  *value)
{
  GListModel *model = adw_combo_row_get_model (row);

  adw_combo_row_set_selected (row, 0);
  for (guint i = 0; value != NULL && i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), value) == 0)
      adw_combo_row_set_selected (row, i);
}

void
_kouan_admin_member_dialog_add_grant (KouanAdminMemberDialog *self,
                                      const char             *role,
                                      const char             *starts_on,
                                      const char             *ends_on)
{
  select_string (self->role_row, role);
  kouan_date_button_set_date (self->starts_button, starts_on);
  kouan_date_button_set_date (self->ends_button, ends_on);
  gtk_widget_activate_action (GTK_WIDGET (self), "member.add-grant", NULL);
}

void
_kouan_admin_member_dialog_set_grant_end (KouanAdminMemberDialog *self,
                                          const char             *role,
                                          const char             *ends_on)
{
  for (guint i = 0; i < self->member->grants->len; i++)
    {
      KouanGrant *grant = &g_array_index (self->member->grants, KouanGrant, i);
      GtkWidget *ends = g_hash_table_lookup (self->ends, GSIZE_TO_POINTER ((gsize) grant->id));

      if (g_strcmp0 (grant->role, role) == 0 && ends != NULL)
        kouan_date_button_set_date (KOUAN_DATE_BUTTON (ends), ends_on);
    }
}

void
_kouan_admin_member_dialog_set_department (KouanAdminMemberDialog *self,
                                           const char             *department)
{
  select_string (self->department_row, department);
}

void
_kouan_admin_member_dialog_confirm (KouanAdminMemberDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "member.save", NULL);
}

const char *
_kouan_admin_member_dialog_get_error (KouanAdminMemberDialog *self)
{
  return gtk_label_get_label (self->error_label);
}
