/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-admin-enterprise-support.h"
#include "kouan-admin-roles.h"
#include "kouan-role.h"
#include "kouan-permissions.h"
#include "kouan-store-people.h"
#include "widgets/kouan-dialog-keys.h"

struct _KouanAdminRoles
{
  GtkWidget           parent_instance;

  /* widgets */
  GtkWidget          *column_view;
  GtkWidget          *add_button;
  GtkWidget          *edit_button;
  GtkWidget          *delete_button;
  GtkWidget          *message_label;

  /* owned */
  GListStore         *rows;       /* KouanRole from the cache */
  GHashTable         *holding;    /* role id → members holding it today (from the cached members) */
  GHashTable         *granted;    /* role id → members with any grant of it */
  gboolean            counted;    /* the counts above are known (人员权限 view) */
  GCancellable       *members_cancellable;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;
  GCancellable       *alive;      /* cancelled when the page goes: its changes */
  guint               busy;

  /* borrowed */
  KouanAdminView     *admin;
  KouanStore         *store;      /* weak: the window's */
  gulong              store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminRoles, kouan_admin_roles, GTK_TYPE_WIDGET)

static void
set_message (KouanAdminRoles *self,
             const char      *message)
{
  gtk_label_set_label (GTK_LABEL (self->message_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->message_label, message != NULL && *message != '\0');
}

static KouanRole *
selected (KouanAdminRoles *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_actions (KouanAdminRoles *self)
{
  KouanRole *record = selected (self);
  gboolean manage = kouan_admin_view_allows (self->admin, "admin.roles:manage");
  gboolean builtin = record != NULL && record->builtin;

  gtk_widget_set_sensitive (self->add_button, manage);
  gtk_widget_set_sensitive (self->edit_button, manage && record != NULL && !builtin);
  gtk_widget_set_sensitive (self->delete_button, manage && record != NULL && !builtin);
}

/* ---- the list ---- */

static void
on_members_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanAdminRoles) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, &error);
  g_autofree char *today = kouan_grant_today ();
  guint n;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->rows == NULL)
    return;
  g_clear_object (&self->members_cancellable);
  g_hash_table_remove_all (self->holding);
  g_hash_table_remove_all (self->granted);
  self->counted = members != NULL;
  for (guint i = 0; members != NULL && i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autoptr(GHashTable) seen_today = g_hash_table_new (g_direct_hash, g_direct_equal);

      /* a member counts once per role, however many grants of it */
      for (guint j = 0; j < member->grants->len; j++)
        {
          KouanGrant *grant = &g_array_index (member->grants, KouanGrant, j);
          gpointer key = GSIZE_TO_POINTER ((gsize) grant->role_id);
          KouanGrantStatus status = kouan_grant_status_for (grant->starts_on, grant->ends_on, today, NULL);

          if (g_hash_table_add (seen, key))
            g_hash_table_insert (self->granted, key,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->granted, key)) + 1));
          if (!member->disabled &&
              (status == KOUAN_GRANT_STATUS_ACTIVE || status == KOUAN_GRANT_STATUS_EXPIRING) &&
              g_hash_table_add (seen_today, key))
            g_hash_table_insert (self->holding, key,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->holding, key)) + 1));
        }
    }
  /* rebind the rows so the counts show */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_list_model_items_changed (G_LIST_MODEL (self->rows), 0, n, n);
}

/* The roles come from the offline cache ("roles" collection); how many
 * members hold each is counted from the cached members when the user may
 * see them (人员权限), else the column says it is not known. */
static void
load_roles (KouanAdminRoles *self)
{
  g_autoptr(GListModel) roles = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;

  if (self->store != NULL && enterprise_id > 0)
    roles = kouan_store_list_roles (self->store, enterprise_id, &error);
  if (error != NULL)
    set_message (self, _("The roles in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
  for (guint i = 0; roles != NULL && i < g_list_model_get_n_items (roles); i++)
    g_ptr_array_add (items, g_list_model_get_item (roles, i));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);

  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);
  self->counted = FALSE;
  if (self->store != NULL && enterprise_id > 0 && kouan_admin_view_allows (self->admin, "admin.staff:view"))
    {
      self->members_cancellable = g_cancellable_new ();
      kouan_store_list_members_async (self->store, enterprise_id, self->members_cancellable,
                                      on_members_listed, g_object_ref (self));
    }
  update_actions (self);
}

static void
on_store_changed (KouanStore      *store,
                  const char      *collection,
                  gint64           enterprise_id,
                  KouanAdminRoles *self)
{
  if (self->admin == NULL || enterprise_id != kouan_admin_view_get_enterprise_id (self->admin))
    return;
  if (g_strcmp0 (collection, "roles") == 0)
    {
      g_autoptr(GError) refused = NULL;

      /* the server refused an edit: the cache has its record back */
      if (!kouan_store_people_take_rejection (store, enterprise_id, "roles", &refused))
        {
          g_autofree char *message = kouan_admin_view_describe_error (self->admin, refused);

          set_message (self, message);
        }
    }
  if (g_strcmp0 (collection, "roles") == 0 || g_strcmp0 (collection, "members") == 0 ||
      g_strcmp0 (collection, "access") == 0)
    load_roles (self);
}

static void
follow_store (KouanAdminRoles *self)
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
kouan_admin_roles_reload (KouanAdminRoles *self)
{
  g_return_if_fail (KOUAN_IS_ADMIN_ROLES (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = 0;
  follow_store (self);
  load_roles (self);
}

static void
on_admin_changed (KouanAdminRoles *self)
{
  kouan_admin_roles_reload (self);
}

typedef char *(*CellText) (KouanAdminRoles *self, KouanRole *role);

static char *
cell_name (KouanAdminRoles *self, KouanRole *role)
{
  if (role->builtin)
    /* Translators: the built-in administrator role, after its name */
    return g_strdup_printf (_("%s (built-in)"), kouan_role_display_name (role->name, TRUE));
  return g_strdup (role->name);
}

static char *
cell_members (KouanAdminRoles *self, KouanRole *role)
{
  if (!self->counted)
    /* Translators: a count not known without 人员权限 (or not read yet) */
    return g_strdup (C_("count", "—"));
  return g_strdup_printf ("%u", GPOINTER_TO_UINT (g_hash_table_lookup (self->holding,
                                                                       GSIZE_TO_POINTER ((gsize) role->id))));
}

static char *
cell_permissions (KouanAdminRoles *self, KouanRole *role)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (role->builtin)
    return g_strdup (_("Every permission"));

  /* the menus the role opens, by their translated names */
  for (guint i = 0; role->permissions[i] != NULL; i++)
    {
      g_autofree char *menu_id = NULL;
      gboolean manage;
      const KouanMenu *menu;

      if (!kouan_permission_parse (role->permissions[i], &menu_id, &manage) ||
          (menu = kouan_permissions_lookup_menu (menu_id)) == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, _(", "));
      g_string_append (text, _(menu->label));
      g_string_append (text, manage ? _(" (manage)") : _(" (view)"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_name (gconstpointer a, gconstpointer b, gpointer data)
{
  KouanRole *x = (KouanRole *) a, *y = (KouanRole *) b;

  if (x->builtin != y->builtin)
    return x->builtin ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

static int
compare_members (gconstpointer a, gconstpointer b, gpointer data)
{
  KouanAdminRoles *self = data;
  guint x = GPOINTER_TO_UINT (g_hash_table_lookup (self->holding, GSIZE_TO_POINTER ((gsize) ((KouanRole *) a)->id)));
  guint y = GPOINTER_TO_UINT (g_hash_table_lookup (self->holding, GSIZE_TO_POINTER ((gsize) ((KouanRole *) b)->id)));

  return x < y ? -1 : x > y;
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CellText                  text_func)
{
  KouanAdminRoles *self = g_object_get_data (G_OBJECT (factory), "kouan-roles");
  g_autofree char *text = text_func (self, gtk_list_item_get_item (item));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_column (KouanAdminRoles *self,
            const char      *title,
            CellText          text_func,
            GCompareDataFunc  compare,
            gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "kouan-roles", self);
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), text_func);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (compare != NULL)
    {
      /* set_sorter takes its own reference */
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare, self, NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }
  gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), column);
  g_object_unref (column);
}

/* ---- changes ---- */

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    KouanAdminRoles  *self)
{
  gint64 role_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kouan-id"));

  if (g_strcmp0 (response, "delete") == 0 && self->store != NULL && self->admin != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* applied to the cache at once; the sync engine sends it, and a
       * refusal comes back through the store (on_store_changed) */
      if (!kouan_store_delete_role (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                    role_id, &error))
        {
          g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

          set_message (self, message);
        }
      else
        set_message (self, _("The role was deleted."));
    }
}

/* 删除角色: an AdwMessageDialog whose destructive button names the action
 * (Escape and 取消 close it without a change). */
static GtkWindow *
confirm_delete (KouanAdminRoles *self,
                KouanRole       *record)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  guint holders = GPOINTER_TO_UINT (g_hash_table_lookup (self->granted, GSIZE_TO_POINTER ((gsize) record->id)));
  g_autofree char *heading = g_strdup_printf (_("Delete the role “%s”?"), record->name);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->counted)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member loses this role and its permissions.",
                                         "%u members lose this role and its permissions.", (gulong) holders),
                            holders);
  else
    body = g_strdup (_("Every member holding this role loses it and its permissions."));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete Role"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kouan-id", GSIZE_TO_POINTER ((gsize) record->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_delete_clicked (KouanAdminRoles *self)
{
  if (selected (self) != NULL)
    confirm_delete (self, selected (self));
}

/* ---- the role dialog: name and permission tree ---- */

typedef struct {
  KouanAdminRoles *self;
  GtkWidget       *window;
  GtkWidget       *name_entry;
  GtkWidget       *message_label;
  GtkWidget       *confirm_button;
  GHashTable      *set;        /* checked "<menu>:<right>" */
  GPtrArray       *rows;       /* bound row boxes, to refresh their checks */
  gint64           role_id;    /* 0: a new role */
  gboolean         refreshing;
} RoleDialog;

static void
role_dialog_free (RoleDialog *dialog)
{
  g_object_unref (dialog->self);
  g_hash_table_unref (dialog->set);
  g_ptr_array_unref (dialog->rows);
  g_free (dialog);
}

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
holds (RoleDialog *dialog,
       const char *menu_id,
       const char *right)
{
  g_autofree char *permission = g_strdup_printf ("%s:%s", menu_id, right);

  return g_hash_table_contains (dialog->set, permission);
}

static void
set_right (RoleDialog *dialog,
           const char *menu_id,
           const char *right,
           gboolean    on)
{
  char *permission = g_strdup_printf ("%s:%s", menu_id, right);

  if (on)
    g_hash_table_add (dialog->set, permission);
  else
    {
      g_hash_table_remove (dialog->set, permission);
      g_free (permission);
    }
}

/* 0 none, 1 some, 2 all of the children's rights */
static int
parent_state (RoleDialog *dialog,
              const char *parent)
{
  guint n_menus, total = 0, checked = 0;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  for (guint i = 0; i < n_menus; i++)
    if (g_strcmp0 (menus[i].parent, parent) == 0)
      {
        total++;
        checked += holds (dialog, menus[i].id, "view");
        if (menus[i].manage)
          {
            total++;
            checked += holds (dialog, menus[i].id, "manage");
          }
      }
  return checked == 0 ? 0 : checked == total ? 2 : 1;
}

static void
refresh_row (RoleDialog *dialog,
             GtkWidget  *row)
{
  const char *menu_id = g_object_get_data (G_OBJECT (row), "kouan-menu");
  GtkWidget *view = g_object_get_data (G_OBJECT (row), "kouan-view");
  GtkWidget *manage = g_object_get_data (G_OBJECT (row), "kouan-manage");
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "kouan-label");
  const KouanMenu *menu = kouan_permissions_lookup_menu (menu_id);
  g_autoptr(GListModel) children = NULL;

  if (menu == NULL)
    return;
  children = children_of (menu_id);
  gtk_label_set_label (GTK_LABEL (label), _(menu->label));
  dialog->refreshing = TRUE;
  if (children != NULL)
    {
      int state = parent_state (dialog, menu_id);

      /* a parent row checks or clears all of its children at once */
      gtk_check_button_set_label (GTK_CHECK_BUTTON (view), _("All"));
      gtk_check_button_set_inconsistent (GTK_CHECK_BUTTON (view), state == 1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (view), state == 2);
      gtk_widget_set_visible (manage, FALSE);
    }
  else
    {
      gtk_check_button_set_label (GTK_CHECK_BUTTON (view), _("View"));
      gtk_check_button_set_inconsistent (GTK_CHECK_BUTTON (view), FALSE);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (view), holds (dialog, menu_id, "view"));
      gtk_widget_set_visible (manage, menu->manage);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (manage), holds (dialog, menu_id, "manage"));
    }
  dialog->refreshing = FALSE;
}

static void
refresh_rows (RoleDialog *dialog)
{
  for (guint i = 0; i < dialog->rows->len; i++)
    refresh_row (dialog, g_ptr_array_index (dialog->rows, i));
}

static void
toggle (RoleDialog *dialog,
        const char *menu_id,
        const char *right)
{
  g_autoptr(GListModel) children = children_of (menu_id);

  if (children != NULL)
    {
      gboolean on = parent_state (dialog, menu_id) != 2;
      guint n_menus;
      const KouanMenu *menus = kouan_permissions_menus (&n_menus);

      for (guint i = 0; i < n_menus; i++)
        if (g_strcmp0 (menus[i].parent, menu_id) == 0)
          {
            set_right (dialog, menus[i].id, "view", on);
            if (menus[i].manage)
              set_right (dialog, menus[i].id, "manage", on);
          }
    }
  else if (g_strcmp0 (right, "manage") == 0)
    {
      gboolean on = !holds (dialog, menu_id, "manage");

      set_right (dialog, menu_id, "manage", on);
      if (on)
        set_right (dialog, menu_id, "view", TRUE);   /* manage implies view */
    }
  else
    {
      gboolean on = !holds (dialog, menu_id, "view");

      set_right (dialog, menu_id, "view", on);
      if (!on)
        set_right (dialog, menu_id, "manage", FALSE);
    }
  refresh_rows (dialog);
}

static void
on_check_toggled (GtkCheckButton *check,
                  GtkWidget      *row)
{
  RoleDialog *dialog = g_object_get_data (G_OBJECT (row), "kouan-dialog");
  const char *menu_id = g_object_get_data (G_OBJECT (row), "kouan-menu");

  if (dialog->refreshing || menu_id == NULL)
    return;
  toggle (dialog, menu_id, g_object_get_data (G_OBJECT (check), "kouan-right"));
}

static void
tree_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            RoleDialog               *dialog)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *view = gtk_check_button_new_with_label (_("View"));
  GtkWidget *manage = gtk_check_button_new_with_label (_("Manage"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_widget_set_hexpand (expander, TRUE);
  gtk_box_append (GTK_BOX (row), expander);
  gtk_box_append (GTK_BOX (row), view);
  gtk_box_append (GTK_BOX (row), manage);
  g_object_set_data (G_OBJECT (view), "kouan-right", (gpointer) "view");
  g_object_set_data (G_OBJECT (manage), "kouan-right", (gpointer) "manage");
  g_object_set_data (G_OBJECT (row), "kouan-dialog", dialog);
  g_object_set_data (G_OBJECT (row), "kouan-expander", expander);
  g_object_set_data (G_OBJECT (row), "kouan-label", label);
  g_object_set_data (G_OBJECT (row), "kouan-view", view);
  g_object_set_data (G_OBJECT (row), "kouan-manage", manage);
  g_signal_connect (view, "toggled", G_CALLBACK (on_check_toggled), row);
  g_signal_connect (manage, "toggled", G_CALLBACK (on_check_toggled), row);
  gtk_list_item_set_child (item, row);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
tree_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           RoleDialog               *dialog)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);
  GtkStringObject *menu = gtk_tree_list_row_get_item (tree_row);
  const KouanMenu *info = kouan_permissions_lookup_menu (gtk_string_object_get_string (menu));

  gtk_tree_expander_set_list_row (g_object_get_data (G_OBJECT (row), "kouan-expander"), tree_row);
  g_object_set_data_full (G_OBJECT (row), "kouan-menu", g_strdup (gtk_string_object_get_string (menu)), g_free);
  if (info != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (g_object_get_data (G_OBJECT (row), "kouan-view")),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->label), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (g_object_get_data (G_OBJECT (row), "kouan-manage")),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->label), -1);
    }
  g_object_unref (menu);
  g_ptr_array_add (dialog->rows, row);
  refresh_row (dialog, row);
}

static void
tree_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             RoleDialog               *dialog)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  g_ptr_array_remove (dialog->rows, row);
  g_object_set_data (G_OBJECT (row), "kouan-menu", NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
on_dialog_confirm (GtkButton  *button,
                   RoleDialog *dialog)
{
  KouanAdminRoles *self = dialog->self;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->name_entry))));
  g_autofree gpointer *keys = NULL;
  g_autoptr(GError) error = NULL;
  guint n_keys;
  gint64 enterprise_id;
  gboolean ok;

  if (*name == '\0')
    {
      gtk_label_set_label (GTK_LABEL (dialog->message_label), _("Give the role a name."));
      return;
    }
  if (self->store == NULL || self->admin == NULL)
    return;
  keys = g_hash_table_get_keys_as_array (dialog->set, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  keys = g_renew (gpointer, keys, n_keys + 1);
  keys[n_keys] = NULL;

  enterprise_id = kouan_admin_view_get_enterprise_id (self->admin);
  if (dialog->role_id == 0)
    ok = kouan_store_create_role (self->store, enterprise_id, name, (const char * const *) keys, NULL, &error);
  else
    ok = kouan_store_update_role (self->store, enterprise_id, dialog->role_id, name,
                                  (const char * const *) keys, &error);
  if (!ok)
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      gtk_label_set_label (GTK_LABEL (dialog->message_label), message);
      return;
    }
  set_message (self, dialog->role_id == 0 ? _("The role was created.") : _("The role was saved."));
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static void
on_dialog_cancel (GtkButton  *button,
                  RoleDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static GtkWindow *
open_dialog (KouanAdminRoles  *self,
             KouanRole *record)
{
  RoleDialog *dialog = g_new0 (RoleDialog, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *box, *name_box, *name_label, *scrolled, *list, *buttons, *cancel, *tree_label;
  GtkTreeListModel *tree;
  GtkListItemFactory *factory;

  dialog->self = g_object_ref (self);
  dialog->set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dialog->rows = g_ptr_array_new ();
  if (record != NULL)
    {
      dialog->role_id = record->id;
      for (guint i = 0; record->permissions[i] != NULL; i++)
        g_hash_table_add (dialog->set, g_strdup (record->permissions[i]));
    }

  dialog->window = gtk_window_new ();
  kouan_dialog_close_on_escape (GTK_WINDOW (dialog->window));
  gtk_window_set_title (GTK_WINDOW (dialog->window), record == NULL ? _("New Role") : _("Edit Role"));
  gtk_window_set_modal (GTK_WINDOW (dialog->window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog->window), 480, 560);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog->window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (dialog->window), "kouan-role-dialog", dialog,
                          (GDestroyNotify) role_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  name_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  name_label = gtk_label_new (_("Role name"));
  dialog->name_entry = gtk_entry_new ();
  gtk_entry_set_max_length (GTK_ENTRY (dialog->name_entry), 50);
  gtk_widget_set_hexpand (dialog->name_entry, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (dialog->name_entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  name_label, NULL, -1);
  if (record != NULL)
    gtk_editable_set_text (GTK_EDITABLE (dialog->name_entry), record->name);
  gtk_box_append (GTK_BOX (name_box), name_label);
  gtk_box_append (GTK_BOX (name_box), dialog->name_entry);
  gtk_box_append (GTK_BOX (box), name_box);

  tree_label = gtk_label_new (_("Permissions"));
  gtk_label_set_xalign (GTK_LABEL (tree_label), 0);
  gtk_widget_add_css_class (tree_label, "heading");
  gtk_box_append (GTK_BOX (box), tree_label);

  tree = gtk_tree_list_model_new (children_of (NULL), FALSE, TRUE, create_children, NULL, NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (tree_setup), dialog);
  g_signal_connect (factory, "bind", G_CALLBACK (tree_bind), dialog);
  g_signal_connect (factory, "unbind", G_CALLBACK (tree_unbind), dialog);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (tree))), factory);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_RELATION_LABELLED_BY, tree_label, NULL, -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);

  dialog->message_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (dialog->message_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (dialog->message_label), 0);
  gtk_widget_add_css_class (dialog->message_label, "error");
  gtk_box_append (GTK_BOX (box), dialog->message_label);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_label (_("Cancel"));
  dialog->confirm_button = gtk_button_new_with_label (_("OK"));
  gtk_widget_add_css_class (dialog->confirm_button, "suggested-action");
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_dialog_cancel), dialog);
  g_signal_connect (dialog->confirm_button, "clicked", G_CALLBACK (on_dialog_confirm), dialog);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), dialog->confirm_button);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_window_set_child (GTK_WINDOW (dialog->window), box);
  gtk_window_present (GTK_WINDOW (dialog->window));
  return GTK_WINDOW (dialog->window);
}

static void
on_add_clicked (KouanAdminRoles *self)
{
  open_dialog (self, NULL);
}

static void
on_edit_clicked (KouanAdminRoles *self)
{
  if (selected (self) != NULL)
    open_dialog (self, selected (self));
}

/* ---- the class ---- */

static void
kouan_admin_roles_dispose (GObject *object)
{
  KouanAdminRoles *self = KOUAN_ADMIN_ROLES (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->alive != NULL)
    g_cancellable_cancel (self->alive);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->alive);
  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_clear_object (&self->rows);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->holding, g_hash_table_unref);
  g_clear_pointer (&self->granted, g_hash_table_unref);

  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_roles_parent_class)->dispose (object);
}

static void
kouan_admin_roles_class_init (KouanAdminRolesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kouan_admin_roles_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
kouan_admin_roles_init (KouanAdminRoles *self)
{
  GtkWidget *actions, *scrolled, *title;
  GtkSortListModel *sorted;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  self->cancellable = g_cancellable_new ();
  self->alive = g_cancellable_new ();
  self->rows = g_list_store_new (KOUAN_TYPE_ROLE);
  self->holding = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->granted = g_hash_table_new (g_direct_hash, g_direct_equal);

  actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (actions, 12);
  gtk_widget_set_margin_end (actions, 12);
  gtk_widget_set_margin_top (actions, 12);
  title = gtk_label_new (_("Roles"));
  gtk_widget_add_css_class (title, "title-4");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  self->add_button = gtk_button_new_with_label (_("New"));
  gtk_widget_add_css_class (self->add_button, "suggested-action");
  self->edit_button = gtk_button_new_with_label (_("Edit"));
  self->delete_button = gtk_button_new_with_label (_("Delete"));
  gtk_widget_add_css_class (self->delete_button, "destructive-action");
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);
  g_signal_connect_swapped (self->edit_button, "clicked", G_CALLBACK (on_edit_clicked), self);
  g_signal_connect_swapped (self->delete_button, "clicked", G_CALLBACK (on_delete_clicked), self);
  gtk_box_append (GTK_BOX (actions), title);
  gtk_box_append (GTK_BOX (actions), self->add_button);
  gtk_box_append (GTK_BOX (actions), self->edit_button);
  gtk_box_append (GTK_BOX (actions), self->delete_button);
  gtk_widget_set_parent (actions, GTK_WIDGET (self));

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  gtk_widget_set_margin_start (self->message_label, 12);
  gtk_widget_set_visible (self->message_label, FALSE);
  gtk_widget_set_parent (self->message_label, GTK_WIDGET (self));

  self->column_view = gtk_column_view_new (NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Roles"), -1);
  add_column (self, _("Role"), cell_name, compare_name, FALSE);
  add_column (self, _("Members"), cell_members, compare_members, FALSE);
  add_column (self, _("Permissions"), cell_permissions, NULL, TRUE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (update_actions), self);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->column_view);
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));
}

GtkWidget *
kouan_admin_roles_new (KouanAdminView *admin)
{
  KouanAdminRoles *self = g_object_new (KOUAN_TYPE_ADMIN_ROLES, NULL);

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
_kouan_admin_roles_get_rows (KouanAdminRoles *self)
{
  return G_LIST_MODEL (self->selection);
}

gboolean
_kouan_admin_roles_get_busy (KouanAdminRoles *self)
{
  return self->busy > 0;
}

static KouanRole *
find_role (KouanAdminRoles *self,
           const char      *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(KouanRole) record = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (g_strcmp0 (record->name, name) == 0)
        return record;   /* the store keeps it alive */
    }
  return NULL;
}

GtkWindow *
_kouan_admin_roles_open_dialog (KouanAdminRoles *self,
                                const char      *edit)
{
  return open_dialog (self, edit != NULL ? find_role (self, edit) : NULL);
}

void
_kouan_admin_roles_dialog_set_name (GtkWindow  *window,
                                    const char *name)
{
  RoleDialog *dialog = g_object_get_data (G_OBJECT (window), "kouan-role-dialog");

  gtk_editable_set_text (GTK_EDITABLE (dialog->name_entry), name);
}

void
_kouan_admin_roles_dialog_toggle (GtkWindow  *window,
                                  const char *menu_id,
                                  const char *right)
{
  RoleDialog *dialog = g_object_get_data (G_OBJECT (window), "kouan-role-dialog");

  /* through the bound row's check when it is on screen, as a click */
  for (guint i = 0; i < dialog->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (dialog->rows, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "kouan-menu"), menu_id) == 0)
        {
          GtkWidget *check = g_object_get_data (G_OBJECT (row),
                                                g_strcmp0 (right, "manage") == 0 ? "kouan-manage" : "kouan-view");

          gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                       !gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
          return;
        }
    }
  toggle (dialog, menu_id, right);
}

int
_kouan_admin_roles_dialog_parent_state (GtkWindow  *window,
                                        const char *menu_id)
{
  RoleDialog *dialog = g_object_get_data (G_OBJECT (window), "kouan-role-dialog");

  for (guint i = 0; i < dialog->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (dialog->rows, i);

      /* what the row shows, not only what the set says */
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "kouan-menu"), menu_id) == 0)
        {
          GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "kouan-view");

          return gtk_check_button_get_inconsistent (check) ? 1 : gtk_check_button_get_active (check) ? 2 : 0;
        }
    }
  return parent_state (dialog, menu_id);
}

void
_kouan_admin_roles_dialog_confirm (GtkWindow *window)
{
  RoleDialog *dialog = g_object_get_data (G_OBJECT (window), "kouan-role-dialog");

  g_signal_emit_by_name (dialog->confirm_button, "clicked");
}

GtkWindow *
_kouan_admin_roles_delete (KouanAdminRoles *self,
                           const char      *name)
{
  KouanRole *record = find_role (self, name);

  return record != NULL ? confirm_delete (self, record) : NULL;
}

const char *
_kouan_admin_roles_get_message (KouanAdminRoles *self)
{
  return gtk_label_get_label (GTK_LABEL (self->message_label));
}
