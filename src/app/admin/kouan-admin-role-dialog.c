/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "kouan-admin-role-dialog-private.h"
#include "kouan-permissions.h"
#include "kouan-store-people.h"

/* ---- one row of the permission tree --------------------------------- */

#define KOUAN_TYPE_ROLE_PERMISSION_ROW (kouan_role_permission_row_get_type ())
G_DECLARE_FINAL_TYPE (KouanRolePermissionRow, kouan_role_permission_row, KOUAN, ROLE_PERMISSION_ROW, GtkWidget)

struct _KouanRolePermissionRow
{
  GtkWidget  parent_instance;

  GtkWidget *expander;
  GtkWidget *label;
  GtkWidget *view;     /* 查看, or 全部 on a parent row */
  GtkWidget *manage;   /* 管理 */
  char      *menu_id;  /* (nullable) while unbound */
};

G_DEFINE_FINAL_TYPE (KouanRolePermissionRow, kouan_role_permission_row, GTK_TYPE_WIDGET)

static void
kouan_role_permission_row_dispose (GObject *object)
{
  KouanRolePermissionRow *self = KOUAN_ROLE_PERMISSION_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->menu_id, g_free);
  G_OBJECT_CLASS (kouan_role_permission_row_parent_class)->dispose (object);
}

static void
kouan_role_permission_row_class_init (KouanRolePermissionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kouan_role_permission_row_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
kouan_role_permission_row_init (KouanRolePermissionRow *self)
{
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);
  self->expander = gtk_tree_expander_new ();
  self->label = gtk_label_new (NULL);
  self->view = gtk_check_button_new_with_label (_("View"));
  self->manage = gtk_check_button_new_with_label (_("Manage"));
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (self->expander), self->label);
  gtk_widget_set_hexpand (self->expander, TRUE);
  gtk_widget_set_parent (self->expander, GTK_WIDGET (self));
  gtk_widget_set_parent (self->view, GTK_WIDGET (self));
  gtk_widget_set_parent (self->manage, GTK_WIDGET (self));
}

/* ---- the dialog ------------------------------------------------------ */

struct _KouanAdminRoleDialog
{
  AdwWindow       parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  AdwEntryRow    *name_row;
  GtkLabel       *error_label;
  GtkListView    *tree_view;

  GHashTable     *set;        /* checked "<menu>:<right>" */
  GPtrArray      *rows;       /* bound KouanRolePermissionRow, to refresh their checks */
  gint64          role_id;    /* 0: a new role */
  gboolean        refreshing;

  KouanAdminView *admin;      /* weak */
  KouanStore     *store;      /* weak: the window's */
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KouanAdminRoleDialog, kouan_admin_role_dialog, ADW_TYPE_WINDOW)

static GListModel *
children_of (const char *parent)
{
  guint n_menus;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_menus; i++)
    {
      if (g_strcmp0 (menus[i].parent, parent) != 0)
        continue;
      /* the message center and the personal center are every member's
       * own (docs/architecture.md, "Permissions"): nothing to grant */
      if (parent == NULL && (g_strcmp0 (menus[i].id, "messages") == 0 ||
                             g_strcmp0 (menus[i].id, "personal") == 0))
        continue;
      gtk_string_list_append (list, menus[i].id);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    {
      g_object_unref (list);
      return NULL;
    }
  return G_LIST_MODEL (list);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  return children_of (gtk_string_object_get_string (item));
}

static gboolean
holds (KouanAdminRoleDialog *self,
       const char           *menu_id,
       const char           *right)
{
  g_autofree char *permission = g_strdup_printf ("%s:%s", menu_id, right);

  return g_hash_table_contains (self->set, permission);
}

static void
set_right (KouanAdminRoleDialog *self,
           const char           *menu_id,
           const char           *right,
           gboolean              on)
{
  char *permission = g_strdup_printf ("%s:%s", menu_id, right);

  if (on)
    g_hash_table_add (self->set, permission);
  else
    {
      g_hash_table_remove (self->set, permission);
      g_free (permission);
    }
}

/* 0 none, 1 some, 2 all of the children's rights */
static int
parent_state (KouanAdminRoleDialog *self,
              const char           *parent)
{
  guint n_menus, total = 0, checked = 0;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  for (guint i = 0; i < n_menus; i++)
    if (g_strcmp0 (menus[i].parent, parent) == 0)
      {
        total++;
        checked += holds (self, menus[i].id, "view");
        if (menus[i].manage)
          {
            total++;
            checked += holds (self, menus[i].id, "manage");
          }
      }
  return checked == 0 ? 0 : checked == total ? 2 : 1;
}

static void
refresh_row (KouanAdminRoleDialog   *self,
             KouanRolePermissionRow *row)
{
  const KouanMenu *menu = row->menu_id != NULL ? kouan_permissions_lookup_menu (row->menu_id) : NULL;
  g_autoptr(GListModel) children = NULL;
  GtkCheckButton *view = GTK_CHECK_BUTTON (row->view);
  GtkCheckButton *manage = GTK_CHECK_BUTTON (row->manage);

  if (menu == NULL)
    return;
  children = children_of (row->menu_id);
  gtk_label_set_label (GTK_LABEL (row->label), _(menu->label));
  self->refreshing = TRUE;
  if (children != NULL)
    {
      int state = parent_state (self, row->menu_id);

      /* a parent row checks or clears all of its children at once */
      gtk_check_button_set_label (view, _("All"));
      gtk_check_button_set_inconsistent (view, state == 1);
      gtk_check_button_set_active (view, state == 2);
      gtk_widget_set_visible (row->manage, FALSE);
    }
  else
    {
      gtk_check_button_set_label (view, _("View"));
      gtk_check_button_set_inconsistent (view, FALSE);
      gtk_check_button_set_active (view, holds (self, row->menu_id, "view"));
      gtk_widget_set_visible (row->manage, menu->manage);
      gtk_check_button_set_active (manage, holds (self, row->menu_id, "manage"));
    }
  self->refreshing = FALSE;
}

static void
refresh_rows (KouanAdminRoleDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    refresh_row (self, g_ptr_array_index (self->rows, i));
}

static void
toggle (KouanAdminRoleDialog *self,
        const char           *menu_id,
        const char           *right)
{
  g_autoptr(GListModel) children = children_of (menu_id);

  if (children != NULL)
    {
      gboolean on = parent_state (self, menu_id) != 2;
      guint n_menus;
      const KouanMenu *menus = kouan_permissions_menus (&n_menus);

      for (guint i = 0; i < n_menus; i++)
        if (g_strcmp0 (menus[i].parent, menu_id) == 0)
          {
            set_right (self, menus[i].id, "view", on);
            if (menus[i].manage)
              set_right (self, menus[i].id, "manage", on);
          }
    }
  else if (g_strcmp0 (right, "manage") == 0)
    {
      gboolean on = !holds (self, menu_id, "manage");

      set_right (self, menu_id, "manage", on);
      if (on)
        set_right (self, menu_id, "view", TRUE);   /* manage implies view */
    }
  else
    {
      gboolean on = !holds (self, menu_id, "view");

      set_right (self, menu_id, "view", on);
      if (!on)
        set_right (self, menu_id, "manage", FALSE);
    }
  refresh_rows (self);
}

static void
on_check_toggled (GtkCheckButton       *check,
                  KouanAdminRoleDialog *self)
{
  KouanRolePermissionRow *row = KOUAN_ROLE_PERMISSION_ROW (gtk_widget_get_parent (GTK_WIDGET (check)));

  if (self->refreshing || row->menu_id == NULL)
    return;
  toggle (self, row->menu_id, GTK_WIDGET (check) == row->manage ? "manage" : "view");
}

static void
tree_setup_cb (KouanAdminRoleDialog *self,
               GtkListItem          *item)
{
  KouanRolePermissionRow *row = g_object_new (KOUAN_TYPE_ROLE_PERMISSION_ROW, NULL);

  g_signal_connect_object (row->view, "toggled", G_CALLBACK (on_check_toggled), self, 0);
  g_signal_connect_object (row->manage, "toggled", G_CALLBACK (on_check_toggled), self, 0);
  gtk_list_item_set_child (item, GTK_WIDGET (row));
  gtk_list_item_set_activatable (item, FALSE);
}

static void
tree_bind_cb (KouanAdminRoleDialog *self,
              GtkListItem          *item)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (item);
  KouanRolePermissionRow *row = KOUAN_ROLE_PERMISSION_ROW (gtk_list_item_get_child (item));
  g_autoptr(GtkStringObject) menu = gtk_tree_list_row_get_item (tree_row);
  const KouanMenu *info = kouan_permissions_lookup_menu (gtk_string_object_get_string (menu));

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), tree_row);
  g_free (row->menu_id);
  row->menu_id = g_strdup (gtk_string_object_get_string (menu));
  if (info != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->view), GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->label), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->manage), GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->label), -1);
    }
  g_ptr_array_add (self->rows, row);
  refresh_row (self, row);
}

static void
tree_unbind_cb (KouanAdminRoleDialog *self,
                GtkListItem          *item)
{
  KouanRolePermissionRow *row = KOUAN_ROLE_PERMISSION_ROW (gtk_list_item_get_child (item));

  g_ptr_array_remove (self->rows, row);
  g_clear_pointer (&row->menu_id, g_free);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
show_error (KouanAdminRoleDialog *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

static void
name_changed_cb (KouanAdminRoleDialog *self)
{
  show_error (self, NULL);
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminRoleDialog *self = KOUAN_ADMIN_ROLE_DIALOG (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree gpointer *keys = NULL;
  g_autoptr(GError) error = NULL;
  guint n_keys;
  gint64 enterprise_id;
  gboolean ok;

  if (*name == '\0')
    {
      show_error (self, _("Give the role a name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  if (self->store == NULL || self->admin == NULL)
    return;
  keys = g_hash_table_get_keys_as_array (self->set, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  keys = g_renew (gpointer, keys, n_keys + 1);
  keys[n_keys] = NULL;

  /* applied to the cache at once; the sync engine sends it, and a
   * refusal comes back through the store to the roles page */
  enterprise_id = kouan_admin_view_get_enterprise_id (self->admin);
  if (self->role_id == 0)
    ok = kouan_store_create_role (self->store, enterprise_id, name, (const char * const *) keys, NULL, &error);
  else
    ok = kouan_store_update_role (self->store, enterprise_id, self->role_id, name,
                                  (const char * const *) keys, &error);
  if (!ok)
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      show_error (self, message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, self->role_id == 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
kouan_admin_role_dialog_dispose (GObject *object)
{
  KouanAdminRoleDialog *self = KOUAN_ADMIN_ROLE_DIALOG (object);

  g_clear_weak_pointer (&self->admin);
  g_clear_weak_pointer (&self->store);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_ROLE_DIALOG);
  G_OBJECT_CLASS (kouan_admin_role_dialog_parent_class)->dispose (object);
}

static void
kouan_admin_role_dialog_finalize (GObject *object)
{
  KouanAdminRoleDialog *self = KOUAN_ADMIN_ROLE_DIALOG (object);

  g_clear_pointer (&self->set, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_admin_role_dialog_parent_class)->finalize (object);
}

static void
kouan_admin_role_dialog_class_init (KouanAdminRoleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_role_dialog_dispose;
  object_class->finalize = kouan_admin_role_dialog_finalize;

  /* @created: a new role (else an edited one) */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-role-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoleDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoleDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoleDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoleDialog, tree_view);
  gtk_widget_class_bind_template_callback (widget_class, tree_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, tree_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, tree_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);

  gtk_widget_class_install_action (widget_class, "role.save", NULL, on_save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kouan_admin_role_dialog_init (KouanAdminRoleDialog *self)
{
  GtkTreeListModel *tree;
  GtkText *text;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_ptr_array_new ();

  /* the server's limit on a role's name */
  text = GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->name_row)));
  if (text != NULL)
    gtk_text_set_max_length (text, 50);

  tree = gtk_tree_list_model_new (children_of (NULL), FALSE, TRUE, create_children, NULL, NULL);
  gtk_list_view_set_model (self->tree_view, GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (tree))));
}

KouanAdminRoleDialog *
kouan_admin_role_dialog_new (KouanAdminView *admin,
                             KouanStore     *store,
                             GtkWindow      *parent,
                             KouanRole      *role)
{
  KouanAdminRoleDialog *self = g_object_new (KOUAN_TYPE_ADMIN_ROLE_DIALOG,
                                             "transient-for", parent,
                                             "title", role == NULL ? _("New Role") : _("Edit Role"),
                                             NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_set_weak_pointer (&self->store, store);
  adw_window_title_set_title (self->window_title, gtk_window_get_title (GTK_WINDOW (self)));
  if (role != NULL)
    {
      self->role_id = role->id;
      adw_window_title_set_subtitle (self->window_title, role->name);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), role->name);
      for (guint i = 0; role->permissions[i] != NULL; i++)
        g_hash_table_add (self->set, g_strdup (role->permissions[i]));
      refresh_rows (self);
    }
  show_error (self, NULL);
  return self;
}

/* ---- for the UI tests ---- */

void
_kouan_admin_role_dialog_set_name (KouanAdminRoleDialog *self,
                                   const char           *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

void
_kouan_admin_role_dialog_toggle (KouanAdminRoleDialog *self,
                                 const char           *menu_id,
                                 const char           *right)
{
  /* through the bound row's check when it is on screen, as a click */
  for (guint i = 0; i < self->rows->len; i++)
    {
      KouanRolePermissionRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (row->menu_id, menu_id) == 0)
        {
          GtkCheckButton *check = GTK_CHECK_BUTTON (g_strcmp0 (right, "manage") == 0 ? row->manage : row->view);

          gtk_check_button_set_active (check, !gtk_check_button_get_active (check));
          return;
        }
    }
  toggle (self, menu_id, right);
}

int
_kouan_admin_role_dialog_parent_state (KouanAdminRoleDialog *self,
                                       const char           *menu_id)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      KouanRolePermissionRow *row = g_ptr_array_index (self->rows, i);

      /* what the row shows, not only what the set says */
      if (g_strcmp0 (row->menu_id, menu_id) == 0)
        {
          GtkCheckButton *check = GTK_CHECK_BUTTON (row->view);

          return gtk_check_button_get_inconsistent (check) ? 1 : gtk_check_button_get_active (check) ? 2 : 0;
        }
    }
  return parent_state (self, menu_id);
}

void
_kouan_admin_role_dialog_confirm (KouanAdminRoleDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "role.save", NULL);
}
