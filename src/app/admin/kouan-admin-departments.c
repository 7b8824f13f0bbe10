/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-admin-department-dialog.h"
#include "kouan-admin-departments-private.h"
#include "kouan-admin-enterprise-support.h"
#include "kouan-admin-list.h"
#include "kouan-store-people.h"

struct _KouanAdminDepartments
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *content;      /* "list" (the leaflet) or "empty" */
  AdwStatusPage      *empty_page;
  AdwLeaflet         *leaflet;      /* the tree, then the selected department; folds when narrow */
  GtkWidget          *detail_pane;
  GtkColumnView      *column_view;
  GtkLabel           *detail_title;
  GtkStack           *detail_stack; /* "none" or "department" */
  GtkLabel           *members_label;
  GtkListView        *members_view;

  /* owned */
  GListStore         *roots;       /* KouanDepartment: top departments */
  GHashTable         *children;    /* parent id → GListStore of its departments */
  GListStore         *all;         /* every department, for the dialog's "part of" */
  GtkStringList      *members;     /* "name（account）" of the selected department */
  GtkSingleSelection *selection;
  char               *message;     /* the last result told (a toast) */
  gint64              delete_id;   /* the department the open confirmation names */
  GCancellable       *cancellable;
  guint               busy;

  /* borrowed */
  KouanAdminView     *admin;
  KouanStore         *store;      /* weak: the window's */
  gulong              store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminDepartments, kouan_admin_departments, GTK_TYPE_WIDGET)

/* Results and refusals as toasts; the last one is kept for the tests. */
static void
tell (KouanAdminDepartments *self,
      const char            *message,
      gboolean               failed)
{
  g_free (self->message);
  self->message = g_strdup (message);
  if (failed)
    kouan_admin_toast_failed (GTK_WIDGET (self), message);
  else
    kouan_admin_toast_saved (GTK_WIDGET (self), message, FALSE);
}

static KouanDepartment *
selected (KouanAdminDepartments *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? KOUAN_DEPARTMENT (gtk_tree_list_row_get_item (row)) : NULL;
}

static void load_members (KouanAdminDepartments *self);

static void
update_actions (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);
  gboolean manage = self->admin != NULL && kouan_admin_view_allows (self->admin, "admin.departments:manage");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "departments.add", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "departments.edit", manage && record != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "departments.delete", manage && record != NULL);
}

static void
on_selection_changed (KouanAdminDepartments *self)
{
  update_actions (self);
  load_members (self);
}

/* ---- loading ---- */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  KouanAdminDepartments *self = user_data;
  GListStore *children = g_hash_table_lookup (self->children,
                                              GSIZE_TO_POINTER ((gsize) KOUAN_DEPARTMENT (item)->id));

  return children != NULL ? G_LIST_MODEL (g_object_ref (children)) : NULL;
}

/* The departments come from the offline cache ("departments" collection):
 * the tree shows offline too, and follows the cache as sync changes it. */
static void
load_departments (KouanAdminDepartments *self)
{
  g_autoptr(GListModel) departments = NULL;
  g_autoptr(GError) error = NULL;
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;

  g_list_store_remove_all (self->roots);
  g_list_store_remove_all (self->all);
  g_hash_table_remove_all (self->children);
  if (self->store != NULL && enterprise_id > 0)
    departments = kouan_store_list_departments (self->store, enterprise_id, &error);
  if (error != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The Departments Cannot Be Read"));
      adw_status_page_set_description (self->empty_page,
                                       _("The departments in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
    }
  for (guint i = 0; departments != NULL && i < g_list_model_get_n_items (departments); i++)
    {
      g_autoptr(KouanDepartment) record = g_list_model_get_item (departments, i);
      GListStore *store = self->roots;

      g_list_store_append (self->all, record);
      if (record->parent_id != 0)
        {
          store = g_hash_table_lookup (self->children, GSIZE_TO_POINTER ((gsize) record->parent_id));
          if (store == NULL)
            {
              store = g_list_store_new (KOUAN_TYPE_DEPARTMENT);
              g_hash_table_insert (self->children, GSIZE_TO_POINTER ((gsize) record->parent_id), store);
            }
        }
      g_list_store_append (store, record);
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->content),
                                    g_list_model_get_n_items (G_LIST_MODEL (self->roots)) > 0 ? "list" : "empty");
  /* the tree model asks for children when rows expand: rebuild it so it
   * sees the new stores */
  {
    GtkTreeListModel *tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->roots)), FALSE, TRUE,
                                                      create_children, self, NULL);

    gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
    g_object_unref (tree);
  }
  update_actions (self);
}

static void
on_store_changed (KouanStore            *store,
                  const char            *collection,
                  gint64                 enterprise_id,
                  KouanAdminDepartments *self)
{
  g_autoptr(GError) refused = NULL;

  if (self->admin == NULL || enterprise_id != kouan_admin_view_get_enterprise_id (self->admin))
    return;
  if (g_strcmp0 (collection, "departments") == 0 &&
      !kouan_store_people_take_rejection (store, enterprise_id, "departments", &refused))
    {
      /* the server refused an edit: the cache has its record back */
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, refused);

      tell (self, message, TRUE);
    }
  /* "access": losing the right empties the cached departments */
  if (g_strcmp0 (collection, "departments") == 0 || g_strcmp0 (collection, "access") == 0)
    load_departments (self);
  else if (g_strcmp0 (collection, "members") == 0)
    load_members (self);
}

static void
follow_store (KouanAdminDepartments *self)
{
  KouanStore *store = kouan_admin_page_get_store (GTK_WIDGET (self));

  if (store == self->store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_set_weak_pointer (&self->store, store);
  if (store != NULL)
    self->store_changed_id = g_signal_connect_object (store, "changed",
                                                      G_CALLBACK (on_store_changed), self, 0);
}

void
kouan_admin_departments_reload (KouanAdminDepartments *self)
{
  g_return_if_fail (KOUAN_IS_ADMIN_DEPARTMENTS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = 0;
  follow_store (self);
  load_departments (self);
}

static void
on_admin_changed (KouanAdminDepartments *self)
{
  kouan_admin_departments_reload (self);
}

static void
on_members_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanAdminDepartments) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, &error);
  g_autoptr(KouanDepartment) record = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->admin == NULL)
    return;
  record = selected (self);
  gtk_string_list_splice (self->members, 0, g_list_model_get_n_items (G_LIST_MODEL (self->members)), NULL);
  for (guint i = 0; record != NULL && members != NULL && i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      if (member->department_id == record->id)
        {
          /* Translators: a member: name (account) */
          g_autofree char *text = g_strdup_printf (_("%s (%s)"), member->name, member->account);

          gtk_string_list_append (self->members, text);
        }
    }
}

/* Members of the selected department, from the cached members (needs
 * 人员权限 view; without it the count column still says how many). */
static void
load_members (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);
  g_autofree char *title = NULL;

  gtk_string_list_splice (self->members, 0, g_list_model_get_n_items (G_LIST_MODEL (self->members)), NULL);
  if (record == NULL)
    {
      gtk_label_set_label (self->detail_title, "");
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  gtk_label_set_label (self->detail_title, record->name);
  gtk_stack_set_visible_child_name (self->detail_stack, "department");
  /* Translators: %s is a department's name */
  title = g_strdup_printf (_("Members of %s"), record->name);
  gtk_label_set_label (self->members_label, title);
  if (self->store == NULL || !kouan_admin_view_allows (self->admin, "admin.staff:view"))
    return;
  kouan_store_list_members_async (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                  self->cancellable, on_members_listed, g_object_ref (self));
}

/* ---- columns ---- */

static void
name_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  owner)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
name_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  owner)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  g_autoptr(KouanDepartment) record = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_label (GTK_LABEL (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))),
                       record->name);
}

static void
text_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  owner)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
head_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  owner)
{
  g_autoptr(KouanDepartment) record = gtk_tree_list_row_get_item (gtk_list_item_get_item (item));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), (record->head_name != NULL ? record->head_name : ""));
}

static void
count_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  g_autoptr(KouanDepartment) record = gtk_tree_list_row_get_item (gtk_list_item_get_item (item));
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, record->member_count);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}


/* ---- changes ---- */

static void
on_dialog_saved (KouanAdminDepartmentDialog *dialog,
                 gboolean                    created,
                 KouanAdminDepartments      *self)
{
  tell (self, _("The departments were saved."), FALSE);
}

static KouanAdminDepartmentDialog *
open_dialog (KouanAdminDepartments *self,
             KouanDepartment       *department,
             KouanDepartment       *parent)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  KouanAdminDepartmentDialog *dialog =
    kouan_admin_department_dialog_new (self->admin, self->store, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       G_LIST_MODEL (self->all), department, parent);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* 新增: under the selected department, else at the top level */
static void
on_add (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  KouanAdminDepartments *self = KOUAN_ADMIN_DEPARTMENTS (widget);
  g_autoptr(KouanDepartment) parent = selected (self);

  open_dialog (self, NULL, parent);
}

static void
on_edit (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminDepartments *self = KOUAN_ADMIN_DEPARTMENTS (widget);
  g_autoptr(KouanDepartment) record = selected (self);

  if (record != NULL)
    open_dialog (self, record, NULL);
}

static void
on_delete_response (AdwMessageDialog      *dialog,
                    const char            *response,
                    KouanAdminDepartments *self)
{
  if (g_strcmp0 (response, "delete") == 0 && self->store != NULL && self->admin != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* applied to the cache at once; the sync engine sends it, and a
       * refusal (not empty) comes back through the store */
      if (kouan_store_delete_department (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                         self->delete_id, &error))
        tell (self, _("The departments were saved."), FALSE);
      else
        {
          g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

          tell (self, message, TRUE);
        }
    }
}

/* 删除部门: an AdwMessageDialog naming the department, whose destructive
 * button names the action. */
static GtkWindow *
confirm_delete (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (record == NULL)
    return NULL;
  heading = g_strdup_printf (_("Delete the department “%s”?"), record->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, _("Only an empty department can be deleted.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete Department"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* the confirmation is modal: one at a time */
  self->delete_id = record->id;
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_delete (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  confirm_delete (KOUAN_ADMIN_DEPARTMENTS (widget));
}

static void
member_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
member_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

/* ---- folding ---- */

static void
department_activated_cb (KouanAdminDepartments *self,
                         guint                  position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

static void
on_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  adw_leaflet_navigate (KOUAN_ADMIN_DEPARTMENTS (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- the class ---- */

static void
kouan_admin_departments_dispose (GObject *object)
{
  KouanAdminDepartments *self = KOUAN_ADMIN_DEPARTMENTS (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_DEPARTMENTS);
  g_clear_object (&self->selection);
  g_clear_object (&self->roots);
  g_clear_object (&self->all);
  g_clear_object (&self->members);
  g_clear_pointer (&self->children, g_hash_table_unref);
  g_clear_pointer (&self->message, g_free);
  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_departments_parent_class)->dispose (object);
}

static void
kouan_admin_departments_class_init (KouanAdminDepartmentsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kouan_admin_departments_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-admin-departments.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, content);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, column_view);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, members_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminDepartments, members_view);
  gtk_widget_class_bind_template_callback (widget_class, department_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, member_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, member_bind_cb);

  gtk_widget_class_install_action (widget_class, "departments.add", NULL, on_add);
  gtk_widget_class_install_action (widget_class, "departments.edit", NULL, on_edit);
  gtk_widget_class_install_action (widget_class, "departments.delete", NULL, on_delete);
  gtk_widget_class_install_action (widget_class, "departments.back", NULL, on_back);
}

static void
kouan_admin_departments_init (KouanAdminDepartments *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->roots = g_list_store_new (KOUAN_TYPE_DEPARTMENT);
  self->all = g_list_store_new (KOUAN_TYPE_DEPARTMENT);
  self->members = gtk_string_list_new (NULL);
  self->children = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  kouan_admin_list_add_column (self->column_view, _("Department"), G_CALLBACK (name_setup), G_CALLBACK (name_bind),
                               self, NULL, TRUE);
  kouan_admin_list_add_column (self->column_view, _("Head"), G_CALLBACK (text_setup), G_CALLBACK (head_bind),
                               self, NULL, FALSE);
  kouan_admin_list_add_column (self->column_view, _("Members"), G_CALLBACK (text_setup), G_CALLBACK (count_bind),
                               self, NULL, FALSE);
  gtk_list_view_set_model (self->members_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->members)))));
}

GtkWidget *
kouan_admin_departments_new (KouanAdminView *admin)
{
  KouanAdminDepartments *self = g_object_new (KOUAN_TYPE_ADMIN_DEPARTMENTS, NULL);

  /* weak: a page may outlive its area while a call is in flight */
  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect_object (admin, "changed", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::enterprise-id", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::client", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::any-visible", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  /* the store is the window's: known once the page is in it */
  g_signal_connect (self, "realize", G_CALLBACK (on_admin_changed), NULL);
  update_actions (self);
  return GTK_WIDGET (self);
}

/* ---- for the UI tests ---- */

GListModel *
_kouan_admin_departments_get_all (KouanAdminDepartments *self)
{
  return G_LIST_MODEL (self->all);
}

gboolean
_kouan_admin_departments_select (KouanAdminDepartments *self,
                                 const char            *name)
{
  GListModel *rows = G_LIST_MODEL (self->selection);

  /* the tree is expanded (autoexpand), so every department is a row */
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(KouanDepartment) record = gtk_tree_list_row_get_item (row);

      if (g_strcmp0 (record->name, name) == 0)
        {
          department_activated_cb (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

KouanAdminDepartmentDialog *
_kouan_admin_departments_open_dialog (KouanAdminDepartments *self,
                                      gboolean               edit)
{
  g_autoptr(KouanDepartment) record = selected (self);

  return edit ? (record != NULL ? open_dialog (self, record, NULL) : NULL) : open_dialog (self, NULL, record);
}

GtkWindow *
_kouan_admin_departments_delete (KouanAdminDepartments *self)
{
  return confirm_delete (self);
}

const char *
_kouan_admin_departments_get_message (KouanAdminDepartments *self)
{
  return self->message;
}

AdwLeaflet *
_kouan_admin_departments_get_leaflet (KouanAdminDepartments *self)
{
  return self->leaflet;
}
