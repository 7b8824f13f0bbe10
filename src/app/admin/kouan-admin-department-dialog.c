/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-admin-department-dialog-private.h"
#include "kouan-store-people.h"

struct _KouanAdminDepartmentDialog
{
  AdwWindow        parent_instance;

  /* template */
  AdwWindowTitle  *window_title;
  AdwEntryRow     *name_row;
  AdwComboRow     *parent_row;
  AdwEntryRow     *head_row;
  GtkLabel        *error_label;

  GArray          *parent_ids;     /* gint64, parallel to parent_row's choices; 0: top level */
  KouanDepartment *department;     /* (nullable): the one edited */
  gboolean         head_edited;    /* the head row was changed by the user */
  gboolean         filling;        /* setting fields from code */
  gboolean         saving;         /* a head lookup is under way */
  GCancellable    *cancellable;    /* cancelled when the dialog goes */

  KouanAdminView  *admin;          /* weak */
  KouanStore      *store;          /* weak: the window's */
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KouanAdminDepartmentDialog, kouan_admin_department_dialog, ADW_TYPE_WINDOW)

static void
show_error (KouanAdminDepartmentDialog *self,
            GtkWidget                  *row,
            const char                 *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->head_row), "error");
  if (row != NULL)
    gtk_widget_add_css_class (row, "error");
}

static void
field_changed_cb (KouanAdminDepartmentDialog *self,
                  GtkEditable                *row)
{
  if (self->filling)
    return;
  if (row == GTK_EDITABLE (self->head_row))
    self->head_edited = TRUE;
  show_error (self, NULL, NULL);
}

static void
entry_activated_cb (KouanAdminDepartmentDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "department.save", NULL);
}

static gint64
chosen_parent (KouanAdminDepartmentDialog *self)
{
  guint position = adw_combo_row_get_selected (self->parent_row);

  if (position == GTK_INVALID_LIST_POSITION || position >= self->parent_ids->len)
    return 0;
  return g_array_index (self->parent_ids, gint64, position);
}

/* Writes to the store with the head found (or kept, or cleared). */
static void
save_with_head (KouanAdminDepartmentDialog *self,
                gint64                      head_id)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autoptr(GError) error = NULL;
  gint64 enterprise_id;
  gboolean ok;

  if (self->store == NULL || self->admin == NULL)
    return;
  /* applied to the cache at once; the sync engine sends it, and a
   * refusal comes back through the store to the page */
  enterprise_id = kouan_admin_view_get_enterprise_id (self->admin);
  if (self->department == NULL)
    ok = kouan_store_create_department (self->store, enterprise_id, name, chosen_parent (self),
                                        head_id, NULL, &error);
  else
    ok = kouan_store_update_department (self->store, enterprise_id, self->department->id, name,
                                        chosen_parent (self), head_id, &error);
  if (!ok)
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      show_error (self, NULL, message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, self->department == NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* The head is found by account among the cached members. */
static void
on_members_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanAdminDepartmentDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, &error);
  g_autofree char *account = NULL;
  gint64 user_id = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  account = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->head_row))));
  for (guint i = 0; members != NULL && i < g_list_model_get_n_items (members) && user_id == 0; i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      if (g_strcmp0 (member->account, account) == 0)
        user_id = member->id;
    }
  if (user_id == 0)
    {
      show_error (self, GTK_WIDGET (self->head_row),
                  _("No member has this account. Enter the head's account exactly."));
      gtk_widget_grab_focus (GTK_WIDGET (self->head_row));
      return;
    }
  save_with_head (self, user_id);
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminDepartmentDialog *self = KOUAN_ADMIN_DEPARTMENT_DIALOG (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *account = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->head_row))));

  if (self->saving)
    return;
  if (*name == '\0')
    {
      show_error (self, GTK_WIDGET (self->name_row), _("Give the department a name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  if (!self->head_edited)
    {
      /* the head stays as it is */
      save_with_head (self, self->department != NULL ? self->department->head_user_id : 0);
      return;
    }
  if (*account == '\0')
    {
      /* an empty account clears the head */
      save_with_head (self, 0);
      return;
    }
  if (self->store == NULL || self->admin == NULL)
    return;
  self->saving = TRUE;
  kouan_store_list_members_async (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                  self->cancellable, on_members_listed, g_object_ref (self));
}

/* The current head's account, when the cached members have it. */
static void
on_head_found (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KouanAdminDepartmentDialog) self = user_data;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, NULL);

  if (members == NULL || self->head_edited || self->department == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      if (member->id == self->department->head_user_id)
        {
          self->filling = TRUE;
          gtk_editable_set_text (GTK_EDITABLE (self->head_row), member->account);
          self->filling = FALSE;
          return;
        }
    }
}

static void
kouan_admin_department_dialog_dispose (GObject *object)
{
  KouanAdminDepartmentDialog *self = KOUAN_ADMIN_DEPARTMENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->admin);
  g_clear_weak_pointer (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_DEPARTMENT_DIALOG);
  G_OBJECT_CLASS (kouan_admin_department_dialog_parent_class)->dispose (object);
}

static void
kouan_admin_department_dialog_finalize (GObject *object)
{
  KouanAdminDepartmentDialog *self = KOUAN_ADMIN_DEPARTMENT_DIALOG (object);

  g_clear_pointer (&self->parent_ids, g_array_unref);
  g_clear_object (&self->department);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kouan_admin_department_dialog_parent_class)->finalize (object);
}

static void
kouan_admin_department_dialog_class_init (KouanAdminDepartmentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_department_dialog_dispose;
  object_class->finalize = kouan_admin_department_dialog_finalize;

  /* @created: a new department (else an edited one) */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-department-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartmentDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartmentDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartmentDialog, parent_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartmentDialog, head_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartmentDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "department.save", NULL, on_save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_admin_department_dialog_init (KouanAdminDepartmentDialog *self)
{
  GtkText *text;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->parent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
  /* the server's limit on a department's name */
  text = GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->name_row)));
  if (text != NULL)
    gtk_text_set_max_length (text, 50);
}

/* Is @id @ancestor itself or below it? (a department cannot move under
 * itself or one of its own) */
static gboolean
is_within (GListModel *departments,
           gint64      id,
           gint64      ancestor)
{
  guint n = g_list_model_get_n_items (departments);

  /* at most n steps up: a cycle in the cache cannot loop */
  for (guint steps = 0; id != 0 && steps <= n; steps++)
    {
      gint64 parent = 0;

      if (id == ancestor)
        return TRUE;
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(KouanDepartment) record = g_list_model_get_item (departments, i);

          if (record->id == id)
            {
              parent = record->parent_id;
              break;
            }
        }
      id = parent;
    }
  return FALSE;
}

KouanAdminDepartmentDialog *
kouan_admin_department_dialog_new (KouanAdminView  *admin,
                                   KouanStore      *store,
                                   GtkWindow       *parent_window,
                                   GListModel      *departments,
                                   KouanDepartment *department,
                                   KouanDepartment *parent)
{
  KouanAdminDepartmentDialog *self = g_object_new (KOUAN_TYPE_ADMIN_DEPARTMENT_DIALOG,
                                                   "transient-for", parent_window,
                                                   "title", department == NULL ? _("New Department") : _("Edit Department"),
                                                   NULL);
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  gint64 parent_id = department != NULL ? department->parent_id : parent != NULL ? parent->id : 0;
  guint selected = 0;
  gint64 top = 0;

  g_set_weak_pointer (&self->admin, admin);
  g_set_weak_pointer (&self->store, store);
  g_set_object (&self->department, department);
  adw_window_title_set_title (self->window_title, gtk_window_get_title (GTK_WINDOW (self)));

  gtk_string_list_append (choices, _("Top level"));
  g_array_append_val (self->parent_ids, top);
  for (guint i = 0; departments != NULL && i < g_list_model_get_n_items (departments); i++)
    {
      g_autoptr(KouanDepartment) record = g_list_model_get_item (departments, i);

      if (department != NULL && is_within (departments, record->id, department->id))
        continue;
      if (record->id == parent_id)
        selected = self->parent_ids->len;
      gtk_string_list_append (choices, record->name);
      g_array_append_val (self->parent_ids, record->id);
    }
  adw_combo_row_set_model (self->parent_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->parent_row, selected);

  self->filling = TRUE;
  if (department != NULL)
    {
      adw_window_title_set_subtitle (self->window_title, department->name);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), department->name);
    }
  self->filling = FALSE;
  if (department != NULL && department->head_user_id != 0 && store != NULL && admin != NULL)
    kouan_store_list_members_async (store, kouan_admin_view_get_enterprise_id (admin), self->cancellable,
                                    on_head_found, g_object_ref (self));
  return self;
}

/* ---- for the UI tests ---- */

void
_kouan_admin_department_dialog_fill (KouanAdminDepartmentDialog *self,
                                     const char                 *name,
                                     const char                 *parent,
                                     const char                 *head)
{
  GListModel *choices = adw_combo_row_get_model (self->parent_row);

  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  adw_combo_row_set_selected (self->parent_row, 0);
  for (guint i = 1; parent != NULL && i < g_list_model_get_n_items (choices); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), parent) == 0)
      adw_combo_row_set_selected (self->parent_row, i);
  if (head != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->head_row), head);
}

void
_kouan_admin_department_dialog_confirm (KouanAdminDepartmentDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "department.save", NULL);
}

const char *
_kouan_admin_department_dialog_get_error (KouanAdminDepartmentDialog *self)
{
  return gtk_label_get_label (self->error_label);
}
