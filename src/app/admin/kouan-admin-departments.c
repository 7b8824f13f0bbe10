/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-admin-departments.h"
#include "kouan-admin-enterprise-support.h"
#include "kouan-store-people.h"
#include "widgets/kouan-dialog-keys.h"

struct _KouanAdminDepartments
{
  GtkWidget           parent_instance;

  /* widgets */
  GtkWidget          *column_view;
  GtkWidget          *add_button;
  GtkWidget          *rename_button;
  GtkWidget          *move_button;
  GtkWidget          *head_button;
  GtkWidget          *delete_button;
  GtkWidget          *message_label;
  GtkWidget          *members_label;
  GtkWidget          *members_view;
  GtkWidget          *content;      /* "list" (the leaflet) or "empty" */
  GtkWidget          *leaflet;      /* the tree, then the members; folds when narrow */
  GtkWidget          *members_box;
  GtkWidget          *back_button;  /* to the tree, when folded */

  /* owned */
  GListStore         *roots;       /* KouanDepartment: top departments */
  GHashTable         *children;    /* parent id → GListStore of its departments */
  GListStore         *all;         /* every department, for the move dialog */
  GtkStringList      *members;     /* "name（account）" of the selected department */
  GtkSingleSelection *selection;
  GCancellable       *cancellable;
  GCancellable       *alive;      /* cancelled when the page goes: its changes */
  guint               busy;

  /* borrowed */
  KouanAdminView     *admin;
  KouanStore         *store;      /* weak: the window's */
  gulong              store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminDepartments, kouan_admin_departments, GTK_TYPE_WIDGET)

static void
set_message (KouanAdminDepartments *self,
             const char            *message)
{
  gtk_label_set_label (GTK_LABEL (self->message_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->message_label, message != NULL && *message != '\0');
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
  gboolean manage = kouan_admin_view_allows (self->admin, "admin.departments:manage");

  gtk_widget_set_sensitive (self->add_button, manage);
  gtk_widget_set_sensitive (self->rename_button, manage && record != NULL);
  gtk_widget_set_sensitive (self->move_button, manage && record != NULL);
  gtk_widget_set_sensitive (self->head_button, manage && record != NULL);
  gtk_widget_set_sensitive (self->delete_button, manage && record != NULL);
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
    set_message (self, _("The departments in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
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

      set_message (self, message);
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
      gtk_label_set_label (GTK_LABEL (self->members_label), _("Choose a department to see its members."));
      return;
    }
  /* Translators: %s is a department's name */
  title = g_strdup_printf (_("Members of %s"), record->name);
  gtk_label_set_label (GTK_LABEL (self->members_label), title);
  if (self->store == NULL || !kouan_admin_view_allows (self->admin, "admin.staff:view"))
    return;
  kouan_store_list_members_async (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                  self->cancellable, on_members_listed, g_object_ref (self));
}

/* ---- columns ---- */

static void
name_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
name_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
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
            GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
head_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
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

static void
add_column (KouanAdminDepartments *self,
            const char            *title,
            GCallback              setup,
            GCallback              bind,
            gboolean               expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), column);
  g_object_unref (column);
}

/* ---- changes ---- */

/* Applies the edit to the cache and queues it (the sync engine sends it;
 * a refusal comes back through the store: on_store_changed). */
static void
report_edit (KouanAdminDepartments *self,
             gboolean               queued,
             GError                *error)
{
  if (queued)
    set_message (self, _("The departments were saved."));
  else
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      set_message (self, message);
    }
}

/* @record's name, parent and head, with @name / @parent_id / @head_id
 * changed (NULL / -1: unchanged). */
static void
update_department (KouanAdminDepartments *self,
                   KouanDepartment       *record,
                   const char            *name,
                   gint64                 parent_id,
                   gint64                 head_id)
{
  g_autoptr(GError) error = NULL;
  gboolean queued;

  if (self->store == NULL || self->admin == NULL)
    return;
  queued = kouan_store_update_department (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                          record->id, name != NULL ? name : record->name,
                                          parent_id >= 0 ? parent_id : record->parent_id,
                                          head_id >= 0 ? head_id : record->head_user_id, &error);
  report_edit (self, queued, error);
}

/* A small dialog: a label, an entry or a dropdown, 取消 and 确定. */
typedef void (*AskDone) (KouanAdminDepartments *self,
                         KouanDepartment      *record,
                         const char            *text,
                         guint                  choice);

typedef struct {
  KouanAdminDepartments *self;
  KouanDepartment      *record;   /* (nullable) */
  GtkWidget             *window;
  GtkWidget             *entry;    /* (nullable) */
  GtkWidget             *dropdown; /* (nullable) */
  AskDone                done;
} Ask;

static void
ask_free (Ask *ask)
{
  g_object_unref (ask->self);
  g_clear_object (&ask->record);
  g_free (ask);
}

static void
on_ask_ok (GtkButton *button,
           Ask       *ask)
{
  ask->done (ask->self, ask->record,
             ask->entry != NULL ? gtk_editable_get_text (GTK_EDITABLE (ask->entry)) : NULL,
             ask->dropdown != NULL ? gtk_drop_down_get_selected (GTK_DROP_DOWN (ask->dropdown)) : 0);
  gtk_window_destroy (GTK_WINDOW (ask->window));
}

static void
on_ask_cancel (GtkButton *button,
               Ask       *ask)
{
  gtk_window_destroy (GTK_WINDOW (ask->window));
}

static void
ask (KouanAdminDepartments *self,
     KouanDepartment      *record,
     const char            *title,
     const char            *prompt,
     const char            *initial,
     GListModel            *choices,
     AskDone                done)
{
  Ask *data = g_new0 (Ask, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label = gtk_label_new (prompt);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *cancel = gtk_button_new_with_label (_("Cancel"));
  GtkWidget *ok = gtk_button_new_with_label (_("OK"));

  data->self = g_object_ref (self);
  data->record = record != NULL ? g_object_ref (record) : NULL;
  data->done = done;
  data->window = gtk_window_new ();
  kouan_dialog_close_on_escape (GTK_WINDOW (data->window));
  gtk_window_set_title (GTK_WINDOW (data->window), title);
  gtk_window_set_modal (GTK_WINDOW (data->window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (data->window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (data->window), "kouan-ask", data, (GDestroyNotify) ask_free);

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  if (choices != NULL)
    {
      data->dropdown = gtk_drop_down_new (choices, NULL);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (data->dropdown), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      label, NULL, -1);
      gtk_box_append (GTK_BOX (box), data->dropdown);
    }
  else
    {
      data->entry = gtk_entry_new ();
      gtk_entry_set_max_length (GTK_ENTRY (data->entry), 50);
      gtk_editable_set_text (GTK_EDITABLE (data->entry), initial != NULL ? initial : "");
      gtk_entry_set_activates_default (GTK_ENTRY (data->entry), TRUE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (data->entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      label, NULL, -1);
      gtk_box_append (GTK_BOX (box), data->entry);
    }
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_add_css_class (ok, "suggested-action");
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_ask_cancel), data);
  g_signal_connect (ok, "clicked", G_CALLBACK (on_ask_ok), data);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), ok);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (data->window), box);
  gtk_window_set_default_widget (GTK_WINDOW (data->window), ok);
  gtk_window_present (GTK_WINDOW (data->window));
}

static void
add_done (KouanAdminDepartments *self,
          KouanDepartment       *parent,
          const char            *text,
          guint                  choice)
{
  g_autofree char *name = g_strstrip (g_strdup (text));
  g_autoptr(GError) error = NULL;
  gboolean queued;

  if (*name == '\0' || self->store == NULL || self->admin == NULL)
    return;
  queued = kouan_store_create_department (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                          name, parent != NULL ? parent->id : 0, 0, NULL, &error);
  report_edit (self, queued, error);
}

static void
on_add_clicked (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) parent = selected (self);

  ask (self, parent, _("New Department"),
       parent != NULL ? _("Name of the new sub-department") : _("Name of the new department"),
       NULL, NULL, add_done);
}

static void
rename_done (KouanAdminDepartments *self,
             KouanDepartment       *record,
             const char            *text,
             guint                  choice)
{
  g_autofree char *name = g_strstrip (g_strdup (text));

  if (*name != '\0')
    update_department (self, record, name, -1, -1);
}

static void
on_rename_clicked (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);

  if (record != NULL)
    ask (self, record, _("Rename Department"), _("New name"),
         record->name, NULL, rename_done);
}

static void
move_done (KouanAdminDepartments *self,
           KouanDepartment       *record,
           const char            *text,
           guint                  choice)
{
  gint64 parent_id = 0;

  /* choice 0 is "top level"; the others follow self->all */
  if (choice != 0 && choice != GTK_INVALID_LIST_POSITION)
    {
      g_autoptr(KouanDepartment) parent = g_list_model_get_item (G_LIST_MODEL (self->all), choice - 1);

      parent_id = parent->id;
    }
  update_department (self, record, NULL, parent_id, -1);
}

static void
on_move_clicked (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);
  g_autoptr(GtkStringList) choices = gtk_string_list_new ((const char *[]) { _("Top level"), NULL });

  if (record == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->all)); i++)
    {
      g_autoptr(KouanDepartment) department = g_list_model_get_item (G_LIST_MODEL (self->all), i);

      gtk_string_list_append (choices, department->name);
    }
  ask (self, record, _("Move Department"), _("Move under"), NULL, G_LIST_MODEL (g_object_ref (choices)), move_done);
}

typedef struct {
  KouanAdminDepartments *self;
  KouanDepartment       *department;
  char                  *account;
} HeadLookup;

/* The head is found by account among the cached members. */
static void
on_head_found (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HeadLookup *lookup = user_data;
  KouanAdminDepartments *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, &error);
  gint64 user_id = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->admin == NULL)
    goto out;
  self->busy--;
  for (guint i = 0; members != NULL && i < g_list_model_get_n_items (members) && user_id == 0; i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      if (g_strcmp0 (member->account, lookup->account) == 0)
        user_id = member->id;
    }
  if (user_id == 0)
    set_message (self, _("No member has this account. Enter the head's account exactly."));
  else
    update_department (self, lookup->department, NULL, -1, user_id);
out:
  g_object_unref (lookup->self);
  g_object_unref (lookup->department);
  g_free (lookup->account);
  g_free (lookup);
}

static void
head_done (KouanAdminDepartments *self,
           KouanDepartment       *record,
           const char            *text,
           guint                  choice)
{
  g_autofree char *account = g_strstrip (g_strdup (text));
  HeadLookup *lookup;

  if (*account == '\0')
    {
      /* an empty account clears the head */
      update_department (self, record, NULL, -1, 0);
      return;
    }
  if (self->store == NULL || self->admin == NULL)
    return;
  lookup = g_new0 (HeadLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->department = g_object_ref (record);
  lookup->account = g_steal_pointer (&account);
  self->busy++;
  kouan_store_list_members_async (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                  self->alive, on_head_found, lookup);
}

static void
on_head_clicked (KouanAdminDepartments *self)
{
  g_autoptr(KouanDepartment) record = selected (self);

  if (record != NULL)
    ask (self, record, _("Department Head"), _("Account of the department head (empty: none)"),
         NULL, NULL, head_done);
}

static void
on_delete_response (AdwMessageDialog      *dialog,
                    const char            *response,
                    KouanAdminDepartments *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kouan-id"));

  if (g_strcmp0 (response, "delete") == 0 && self->store != NULL && self->admin != NULL)
    {
      g_autoptr(GError) error = NULL;
      gboolean queued = kouan_store_delete_department (self->store,
                                                       kouan_admin_view_get_enterprise_id (self->admin),
                                                       id, &error);

      report_edit (self, queued, error);
    }
}

/* 删除部门: an AdwMessageDialog whose destructive button names the action. */
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
  g_object_set_data (G_OBJECT (dialog), "kouan-id", GSIZE_TO_POINTER ((gsize) record->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_delete_clicked (KouanAdminDepartments *self)
{
  confirm_delete (self);
}

static void
on_member_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

/* ---- folding ---- */

static void
on_folded (KouanAdminDepartments *self)
{
  gboolean folded = adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet));

  gtk_widget_set_visible (self->back_button, folded);
}

static void
on_department_activated (KouanAdminDepartments *self,
                         guint                  position)
{
  if (adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet)))
    adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->members_box);
}

static void
on_back_clicked (KouanAdminDepartments *self)
{
  adw_leaflet_navigate (ADW_LEAFLET (self->leaflet), ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- the class ---- */

static void
kouan_admin_departments_dispose (GObject *object)
{
  KouanAdminDepartments *self = KOUAN_ADMIN_DEPARTMENTS (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->alive != NULL)
    g_cancellable_cancel (self->alive);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->alive);
  g_clear_object (&self->selection);
  g_clear_object (&self->roots);
  g_clear_object (&self->all);
  g_clear_object (&self->members);
  g_clear_pointer (&self->children, g_hash_table_unref);

  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_departments_parent_class)->dispose (object);
}

static void
kouan_admin_departments_class_init (KouanAdminDepartmentsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kouan_admin_departments_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
kouan_admin_departments_init (KouanAdminDepartments *self)
{
  GtkWidget *actions, *scrolled, *members_box, *members_scrolled, *title, *separator, *heading, *empty;
  GtkListItemFactory *member_factory;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  self->cancellable = g_cancellable_new ();
  self->alive = g_cancellable_new ();
  self->roots = g_list_store_new (KOUAN_TYPE_DEPARTMENT);
  self->all = g_list_store_new (KOUAN_TYPE_DEPARTMENT);
  self->members = gtk_string_list_new (NULL);
  self->children = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);

  actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (actions, 12);
  gtk_widget_set_margin_end (actions, 12);
  gtk_widget_set_margin_top (actions, 12);
  title = gtk_label_new (_("Departments"));
  gtk_widget_add_css_class (title, "title-4");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (actions), title);
  {
    const struct { GtkWidget **button; const char *label; GCallback callback; } buttons[] = {
      { &self->add_button,    N_("New"),    G_CALLBACK (on_add_clicked) },
      { &self->rename_button, N_("Rename"), G_CALLBACK (on_rename_clicked) },
      { &self->move_button,   N_("Move"),   G_CALLBACK (on_move_clicked) },
      { &self->head_button,   N_("Head"),   G_CALLBACK (on_head_clicked) },
      { &self->delete_button, N_("Delete"), G_CALLBACK (on_delete_clicked) },
    };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      {
        *buttons[i].button = gtk_button_new_with_label (_(buttons[i].label));
        g_signal_connect_swapped (*buttons[i].button, "clicked", buttons[i].callback, self);
        gtk_box_append (GTK_BOX (actions), *buttons[i].button);
      }
  }
  gtk_widget_set_parent (actions, GTK_WIDGET (self));

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  gtk_widget_set_margin_start (self->message_label, 12);
  gtk_widget_set_visible (self->message_label, FALSE);
  gtk_widget_set_parent (self->message_label, GTK_WIDGET (self));

  /* narrow (under ~620 px): the tree alone; activating a department
   * (Enter, double click) shows its members, a back button returns */
  self->leaflet = adw_leaflet_new ();
  adw_leaflet_set_can_navigate_back (ADW_LEAFLET (self->leaflet), TRUE);
  gtk_widget_set_vexpand (self->leaflet, TRUE);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  self->column_view = gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Departments"), -1);
  add_column (self, _("Department"), G_CALLBACK (name_setup), G_CALLBACK (name_bind), TRUE);
  add_column (self, _("Head"), G_CALLBACK (text_setup), G_CALLBACK (head_bind), FALSE);
  add_column (self, _("Members"), G_CALLBACK (text_setup), G_CALLBACK (count_bind), FALSE);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->column_view);
  gtk_widget_set_size_request (scrolled, 380, -1);
  gtk_widget_set_hexpand (scrolled, TRUE);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (on_department_activated), self);
  adw_leaflet_append (ADW_LEAFLET (self->leaflet), scrolled);
  separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  adw_leaflet_page_set_navigatable (adw_leaflet_append (ADW_LEAFLET (self->leaflet), separator), FALSE);

  members_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->members_box = members_box;
  gtk_widget_set_size_request (members_box, 240, -1);
  heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_add_css_class (self->back_button, "flat");
  gtk_widget_set_margin_start (self->back_button, 6);
  gtk_widget_set_tooltip_text (self->back_button, _("Back to the departments"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Back to the departments"), -1);
  gtk_widget_set_visible (self->back_button, FALSE);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
  gtk_box_append (GTK_BOX (heading), self->back_button);
  self->members_label = gtk_label_new (_("Choose a department to see its members."));
  gtk_label_set_xalign (GTK_LABEL (self->members_label), 0);
  gtk_widget_add_css_class (self->members_label, "heading");
  gtk_widget_set_margin_start (self->members_label, 12);
  member_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (member_factory, "setup", G_CALLBACK (text_setup), NULL);
  g_signal_connect (member_factory, "bind", G_CALLBACK (on_member_bind), NULL);
  self->members_view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->members)))),
                                          member_factory);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->members_view), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  self->members_label, NULL, -1);
  members_scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (members_scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (members_scrolled), self->members_view);
  gtk_label_set_wrap (GTK_LABEL (self->members_label), TRUE);
  gtk_widget_set_hexpand (self->members_label, TRUE);
  gtk_box_append (GTK_BOX (heading), self->members_label);
  gtk_widget_set_margin_top (heading, 6);
  gtk_widget_set_margin_start (members_scrolled, 12);
  gtk_box_append (GTK_BOX (members_box), heading);
  gtk_box_append (GTK_BOX (members_box), members_scrolled);
  adw_leaflet_append (ADW_LEAFLET (self->leaflet), members_box);

  self->content = gtk_stack_new ();
  gtk_widget_set_vexpand (self->content, TRUE);
  gtk_stack_add_named (GTK_STACK (self->content), self->leaflet, "list");
  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "system-users-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Departments Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
    _("Add the enterprise’s departments with “New”, then place members in them under Staff and Permissions."));
  gtk_stack_add_named (GTK_STACK (self->content), empty, "empty");
  gtk_widget_set_parent (self->content, GTK_WIDGET (self));
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
