/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-admin-enterprise-support.h"
#include "kouan-admin-list.h"
#include "kouan-admin-role-dialog.h"
#include "kouan-admin-roles-private.h"
#include "kouan-role.h"
#include "kouan-permissions.h"
#include "kouan-store-people.h"

struct _KouanAdminRoles
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *content;         /* "empty" or "list" */
  AdwStatusPage      *empty_page;
  AdwLeaflet         *leaflet;
  GtkWidget          *list_pane;
  GtkWidget          *detail_pane;
  GtkColumnView      *column_view;
  GtkLabel           *detail_title;
  GtkStack           *detail_stack;    /* "none" or "role" */
  GtkLabel           *members_label;
  AdwPreferencesGroup *permissions_group;

  /* owned */
  GListStore         *rows;       /* KouanRole from the cache */
  GHashTable         *holding;    /* role id → members holding it today (from the cached members) */
  GHashTable         *granted;    /* role id → members with any grant of it */
  gboolean            counted;    /* the counts above are known (人员权限 view) */
  GPtrArray          *permission_rows;  /* rows shown in permissions_group */
  char               *message;    /* the last result told (a toast) */
  gint64              delete_id;  /* the role the open confirmation names */
  GCancellable       *members_cancellable;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;
  guint               busy;

  /* borrowed */
  KouanAdminView     *admin;
  KouanStore         *store;      /* weak: the window's */
  gulong              store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminRoles, kouan_admin_roles, GTK_TYPE_WIDGET)

/* Results and refusals as toasts; the last one is kept for the tests. */
static void
tell (KouanAdminRoles *self,
      const char      *message,
      gboolean         failed)
{
  g_free (self->message);
  self->message = g_strdup (message);
  if (failed)
    kouan_admin_toast_failed (GTK_WIDGET (self), message);
  else
    kouan_admin_toast_saved (GTK_WIDGET (self), message, FALSE);
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
  gboolean manage = self->admin != NULL && kouan_admin_view_allows (self->admin, "admin.roles:manage");
  gboolean builtin = record != NULL && record->builtin;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.add", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.edit", manage && record != NULL && !builtin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.delete", manage && record != NULL && !builtin);
}

static void show_detail (KouanAdminRoles *self);

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
  show_detail (self);
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
    {
      adw_status_page_set_title (self->empty_page, _("The Roles Cannot Be Read"));
      adw_status_page_set_description (self->empty_page,
                                       _("The roles in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
    }
  for (guint i = 0; roles != NULL && i < g_list_model_get_n_items (roles); i++)
    g_ptr_array_add (items, g_list_model_get_item (roles, i));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content), items->len > 0 ? "list" : "empty");

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
  show_detail (self);
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

          tell (self, message, TRUE);
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

static char *
cell_name (gpointer owner, gpointer item)
{
  KouanRole *role = item;

  if (role->builtin)
    /* Translators: the built-in administrator role, after its name */
    return g_strdup_printf (_("%s (built-in)"), kouan_role_display_name (role->name, TRUE));
  return g_strdup (role->name);
}

static char *
cell_members (gpointer owner, gpointer item)
{
  KouanAdminRoles *self = owner;
  KouanRole *role = item;

  if (!self->counted)
    /* Translators: a count not known without 人员权限 (or not read yet) */
    return g_strdup (C_("count", "—"));
  return g_strdup_printf ("%u", GPOINTER_TO_UINT (g_hash_table_lookup (self->holding,
                                                                       GSIZE_TO_POINTER ((gsize) role->id))));
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


/* ---- the selected role ---- */

/* The menus the role opens, one row each with View or View and manage. */
static void
show_permissions (KouanAdminRoles *self,
                  KouanRole       *role)
{
  guint n_menus;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  for (guint i = 0; i < self->permission_rows->len; i++)
    adw_preferences_group_remove (self->permissions_group, g_ptr_array_index (self->permission_rows, i));
  g_ptr_array_set_size (self->permission_rows, 0);

  if (role->builtin)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Every permission"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The built-in administrator role cannot be changed or deleted."));
      adw_preferences_group_add (self->permissions_group, row);
      g_ptr_array_add (self->permission_rows, row);
      return;
    }
  for (guint i = 0; i < n_menus; i++)
    {
      g_autofree char *view = g_strdup_printf ("%s:view", menus[i].id);
      g_autofree char *manage = g_strdup_printf ("%s:manage", menus[i].id);
      gboolean can_view = g_strv_contains ((const char * const *) role->permissions, view);
      gboolean can_manage = g_strv_contains ((const char * const *) role->permissions, manage);
      const KouanMenu *parent = menus[i].parent != NULL ? kouan_permissions_lookup_menu (menus[i].parent) : NULL;
      GtkWidget *row;

      if (!can_view && !can_manage)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(menus[i].label));
      if (parent != NULL)
        {
          /* Translators: a permission's place, e.g. "信用保险 — 查看和管理" */
          g_autofree char *subtitle = g_strdup_printf (_("%s — %s"), _(parent->label),
                                                       can_manage ? _("View and manage") : _("View"));

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), can_manage ? _("View and manage") : _("View"));
      adw_preferences_group_add (self->permissions_group, row);
      g_ptr_array_add (self->permission_rows, row);
    }
  if (self->permission_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No permissions"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Members holding only this role see no page of the enterprise."));
      adw_preferences_group_add (self->permissions_group, row);
      g_ptr_array_add (self->permission_rows, row);
    }
}

static void
show_detail (KouanAdminRoles *self)
{
  KouanRole *role = selected (self);
  g_autofree char *name = NULL;
  g_autofree char *members = NULL;

  update_actions (self);
  if (role == NULL)
    {
      gtk_label_set_label (self->detail_title, "");
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  name = cell_name (self, role);
  members = cell_members (self, role);
  gtk_label_set_label (self->detail_title, name);
  gtk_label_set_label (self->members_label, members);
  show_permissions (self, role);
  gtk_stack_set_visible_child_name (self->detail_stack, "role");
}

static void
role_activated_cb (KouanAdminRoles *self,
                   guint            position)
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
  KouanAdminRoles *self = KOUAN_ADMIN_ROLES (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- changes ---- */

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    KouanAdminRoles  *self)
{
  gint64 role_id = self->delete_id;

  if (g_strcmp0 (response, "delete") == 0 && self->store != NULL && self->admin != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* applied to the cache at once; the sync engine sends it, and a
       * refusal comes back through the store (on_store_changed) */
      if (!kouan_store_delete_role (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                    role_id, &error))
        {
          g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

          tell (self, message, TRUE);
        }
      else
        tell (self, _("The role was deleted."), FALSE);
    }
}

/* 删除角色: an AdwMessageDialog naming the role, whose destructive button
 * names the action (Escape and 取消 close it without a change). */
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
  KouanAdminRoles *self = KOUAN_ADMIN_ROLES (widget);

  if (selected (self) != NULL)
    confirm_delete (self, selected (self));
}

static void
on_dialog_saved (KouanAdminRoleDialog *dialog,
                 gboolean              created,
                 KouanAdminRoles      *self)
{
  tell (self, created ? _("The role was created.") : _("The role was saved."), FALSE);
}

static KouanAdminRoleDialog *
open_dialog (KouanAdminRoles *self,
             KouanRole       *record)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  KouanAdminRoleDialog *dialog = kouan_admin_role_dialog_new (self->admin, self->store,
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              record);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_add (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  open_dialog (KOUAN_ADMIN_ROLES (widget), NULL);
}

static void
on_edit (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminRoles *self = KOUAN_ADMIN_ROLES (widget);

  if (selected (self) != NULL && !selected (self)->builtin)
    open_dialog (self, selected (self));
}

/* ---- the class ---- */

static void
kouan_admin_roles_dispose (GObject *object)
{
  KouanAdminRoles *self = KOUAN_ADMIN_ROLES (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_ROLES);
  g_clear_object (&self->rows);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->holding, g_hash_table_unref);
  g_clear_pointer (&self->granted, g_hash_table_unref);
  g_clear_pointer (&self->permission_rows, g_ptr_array_unref);
  g_clear_pointer (&self->message, g_free);

  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_roles_parent_class)->dispose (object);
}

static void
kouan_admin_roles_class_init (KouanAdminRolesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kouan_admin_roles_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-admin-roles.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, content);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, list_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, column_view);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, members_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminRoles, permissions_group);
  gtk_widget_class_bind_template_callback (widget_class, role_activated_cb);

  gtk_widget_class_install_action (widget_class, "roles.add", NULL, on_add);
  gtk_widget_class_install_action (widget_class, "roles.edit", NULL, on_edit);
  gtk_widget_class_install_action (widget_class, "roles.delete", NULL, on_delete);
  gtk_widget_class_install_action (widget_class, "roles.back", NULL, on_back);
}

static void
kouan_admin_roles_init (KouanAdminRoles *self)
{
  GtkSortListModel *sorted;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (KOUAN_TYPE_ROLE);
  self->holding = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->granted = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->permission_rows = g_ptr_array_new ();

  kouan_admin_list_add_text_column (self->column_view, _("Role"), cell_name, self, compare_name, TRUE);
  kouan_admin_list_add_text_column (self->column_view, _("Members"), cell_members, self, compare_members, FALSE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (show_detail), self);
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

gboolean
_kouan_admin_roles_select (KouanAdminRoles *self,
                           const char      *name)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanRole) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (record->name, name) == 0)
        {
          role_activated_cb (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

KouanAdminRoleDialog *
_kouan_admin_roles_open_dialog (KouanAdminRoles *self,
                                const char      *edit)
{
  return open_dialog (self, edit != NULL ? find_role (self, edit) : NULL);
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
  return self->message;
}

AdwLeaflet *
_kouan_admin_roles_get_leaflet (KouanAdminRoles *self)
{
  return self->leaflet;
}

GtkWidget *
_kouan_admin_roles_get_detail (KouanAdminRoles *self)
{
  return self->detail_pane;
}
