/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-audit-page.h"
#include "kouan-admin-departments.h"
#include "kouan-admin-roles.h"
#include "kouan-admin-staff.h"
#include "kouan-admin-view.h"
#include "kouan-permissions.h"
#include "kouan-store-people.h"

struct _KouanAdminView
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *back_button;
  GtkWidget    *content;
  GtkWidget    *empty_label;
  GtkWidget    *leaflet;
  GtkWidget    *page_bar;
  GtkWidget    *page_title;
  GtkWidget    *sidebar;
  GtkWidget    *sidebar_pane;
  GtkWidget    *stack;

  /* owned */
  KouanClient  *client;
  GHashTable   *permissions;   /* "<menu>:<right>" set, as the server sent it */
  gint64        enterprise_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminView, kouan_admin_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_ENTERPRISE_ID,
  PROP_ANY_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
permission_held (KouanAdminView *self,
                 const char     *menu_id,
                 gboolean        manage)
{
  g_autofree char *view = g_strdup_printf ("%s:view", menu_id);
  g_autofree char *manage_perm = g_strdup_printf ("%s:manage", menu_id);

  if (self->permissions == NULL)
    return FALSE;
  if (g_hash_table_contains (self->permissions, manage_perm))
    return TRUE;
  return !manage && g_hash_table_contains (self->permissions, view);
}

gboolean
kouan_admin_view_allows (KouanAdminView *self,
                         const char     *permission)
{
  g_autofree char *menu = NULL;
  gboolean manage = FALSE;

  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), FALSE);

  if (!kouan_permission_parse (permission, &menu, &manage))
    return FALSE;
  return permission_held (self, menu, manage);
}

static GtkListBoxRow *
first_visible_row (KouanAdminView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->sidebar);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_visible (child))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static void
update_visibility (KouanAdminView *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->sidebar));

  for (GtkWidget *child = gtk_widget_get_first_child (self->sidebar);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      gtk_widget_set_visible (child, permission_held (self, gtk_widget_get_name (child), FALSE));

  /* Never leave a page on screen that the member may no longer see. */
  if (selected == NULL || !gtk_widget_get_visible (GTK_WIDGET (selected)))
    {
      GtkListBoxRow *first = first_visible_row (self);

      if (first != NULL)
        gtk_stack_set_visible_child_name (GTK_STACK (self->stack), gtk_widget_get_name (GTK_WIDGET (first)));
      else
        gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "none");
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANY_VISIBLE]);
}

/* Pages change when a menu is activated (click, Enter, Space), never when
 * focus merely moves through the menus; folded, the page then replaces
 * the menus. */
static void
on_sidebar_row_activated (GtkListBox     *sidebar,
                          GtkListBoxRow  *row,
                          KouanAdminView *self)
{
  if (row == NULL)
    return;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->content);
}

/* The menus' highlight and the page's title follow the page shown. */
static void
on_stack_visible_child_changed (KouanAdminView *self)
{
  const char *menu = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  GtkWidget *child = gtk_stack_get_visible_child (GTK_STACK (self->stack));
  GtkStackPage *page = child != NULL ? gtk_stack_get_page (GTK_STACK (self->stack), child) : NULL;
  const char *title = page != NULL ? gtk_stack_page_get_title (page) : NULL;

  adw_window_title_set_title (ADW_WINDOW_TITLE (self->page_title), title != NULL ? title : "");
  for (GtkWidget *row = gtk_widget_get_first_child (self->sidebar);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), menu) == 0)
      {
        gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar), GTK_LIST_BOX_ROW (row));
        return;
      }
  gtk_list_box_unselect_all (GTK_LIST_BOX (self->sidebar));
}

static void
on_leaflet_folded_changed (KouanAdminView *self)
{
  /* Folded, the page being read stays. */
  if (adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet)))
    adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->content);
}

static void
on_show_menus (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KouanAdminView *self = KOUAN_ADMIN_VIEW (widget);

  adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->sidebar_pane);
  gtk_widget_grab_focus (self->sidebar);
}

static void
kouan_admin_view_dispose (GObject *object)
{
  KouanAdminView *self = KOUAN_ADMIN_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_VIEW);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kouan_admin_view_parent_class)->dispose (object);
}

static void
kouan_admin_view_finalize (GObject *object)
{
  KouanAdminView *self = KOUAN_ADMIN_VIEW (object);

  g_clear_pointer (&self->permissions, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_admin_view_parent_class)->finalize (object);
}

static void
kouan_admin_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KouanAdminView *self = KOUAN_ADMIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_ENTERPRISE_ID:
      g_value_set_int64 (value, self->enterprise_id);
      break;
    case PROP_ANY_VISIBLE:
      g_value_set_boolean (value, kouan_admin_view_get_any_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_admin_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KouanAdminView *self = KOUAN_ADMIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      kouan_admin_view_set_client (self, g_value_get_object (value));
      break;
    case PROP_ENTERPRISE_ID:
      kouan_admin_view_set_enterprise_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_admin_view_class_init (KouanAdminViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_view_dispose;
  object_class->finalize = kouan_admin_view_finalize;
  object_class->get_property = kouan_admin_view_get_property;
  object_class->set_property = kouan_admin_view_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KOUAN_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTERPRISE_ID] =
    g_param_spec_int64 ("enterprise-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANY_VISIBLE] =
    g_param_spec_boolean ("any-visible", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-admin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, back_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, content);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, page_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, page_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminView, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_changed);
  gtk_widget_class_install_action (widget_class, "admin.show-menus", NULL, on_show_menus);
}

static void
kouan_admin_view_init (KouanAdminView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* the people pages (admin issue); other admin pages are added by their
   * features with kouan_admin_view_add_page() */
  kouan_admin_view_add_page (self, "admin.roles", _("Roles"), kouan_admin_roles_new (self));
  kouan_admin_view_add_page (self, "admin.departments", _("Departments"), kouan_admin_departments_new (self));
  kouan_admin_view_add_page (self, "admin.staff", _("Staff and Permissions"), kouan_admin_staff_new (self));
  kouan_admin_view_add_page (self, "admin.audit", _("Audit Log"), kouan_audit_page_new (self));
}

GtkWidget *
kouan_admin_view_new (void)
{
  return g_object_new (KOUAN_TYPE_ADMIN_VIEW, NULL);
}

/* Rows follow the fixed menu order of kouan-permissions.c, whoever adds
 * their page first. */
static int
menu_position (const char *menu_id)
{
  guint n_menus;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  for (guint i = 0; i < n_menus; i++)
    if (g_strcmp0 (menus[i].id, menu_id) == 0)
      return (int) i;
  return (int) n_menus;
}

static int
sort_rows (GtkListBoxRow *a,
           GtkListBoxRow *b,
           gpointer       user_data)
{
  return menu_position (gtk_widget_get_name (GTK_WIDGET (a))) -
         menu_position (gtk_widget_get_name (GTK_WIDGET (b)));
}

void
kouan_admin_view_add_page (KouanAdminView *self,
                           const char     *menu_id,
                           const char     *title,
                           GtkWidget      *page)
{
  GtkWidget *row;
  GtkWidget *label;

  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));
  g_return_if_fail (kouan_permissions_lookup_menu (menu_id) != NULL);
  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (gtk_stack_get_child_by_name (GTK_STACK (self->stack), menu_id) == NULL);

  gtk_stack_add_titled (GTK_STACK (self->stack), page, menu_id, title);

  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_name (row, menu_id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_list_box_set_sort_func (GTK_LIST_BOX (self->sidebar), sort_rows, NULL, NULL);
  gtk_list_box_append (GTK_LIST_BOX (self->sidebar), row);

  update_visibility (self);
}

GtkWidget *
kouan_admin_view_get_page (KouanAdminView *self,
                           const char     *menu_id)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), NULL);

  return gtk_stack_get_child_by_name (GTK_STACK (self->stack), menu_id);
}

void
kouan_admin_view_show_page (KouanAdminView *self,
                            const char     *menu_id)
{
  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));

  for (GtkWidget *child = gtk_widget_get_first_child (self->sidebar);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), menu_id) == 0 &&
        gtk_widget_get_visible (child))
      {
        gtk_stack_set_visible_child_name (GTK_STACK (self->stack), menu_id);
        adw_leaflet_set_visible_child (ADW_LEAFLET (self->leaflet), self->content);
        return;
      }
}

gboolean
kouan_admin_view_get_folded (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), FALSE);

  return adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet));
}

gboolean
kouan_admin_view_get_menus_shown (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), FALSE);

  return !adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet)) ||
         adw_leaflet_get_visible_child (ADW_LEAFLET (self->leaflet)) == self->sidebar_pane;
}

const char *
kouan_admin_view_get_visible_menu (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

void
kouan_admin_view_set_permissions (KouanAdminView     *self,
                                  const char * const *permissions)
{
  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));

  g_clear_pointer (&self->permissions, g_hash_table_unref);
  self->permissions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    g_hash_table_add (self->permissions, g_strdup (permissions[i]));

  update_visibility (self);
}

gboolean
kouan_admin_view_get_any_visible (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), FALSE);

  return first_visible_row (self) != NULL;
}

void
kouan_admin_view_set_enterprise_id (KouanAdminView *self,
                                    gint64          enterprise_id)
{
  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));

  if (self->enterprise_id == enterprise_id)
    return;
  self->enterprise_id = enterprise_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTERPRISE_ID]);
}

gint64
kouan_admin_view_get_enterprise_id (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), 0);

  return self->enterprise_id;
}

void
kouan_admin_view_set_client (KouanAdminView *self,
                             KouanClient    *client)
{
  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));

  if (g_set_object (&self->client, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

KouanClient *
kouan_admin_view_get_client (KouanAdminView *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_VIEW (self), NULL);

  return self->client;
}

static char *describe_error (const GError *error);

char *
kouan_admin_view_describe_error (KouanAdminView *self,
                                 const GError   *error)
{
  g_autofree char *reason = describe_error (error);

  /* A refusal arrives after the page said the change was made: say that
   * it was undone, then why. */
  if (error != NULL && error->domain == KOUAN_PEOPLE_ERROR &&
      error->code != KOUAN_PEOPLE_ERROR_FAILED && error->code != KOUAN_PEOPLE_ERROR_INVALID)
    /* Translators: %s says why and what to do */
    return g_strdup_printf (_("The server did not accept your last change and undid it. %s"), reason);
  return g_steal_pointer (&reason);
}

static char *
describe_error (const GError *error)
{
  /* from the error itself: the client's last code may be another call's */
  const char *code = error != NULL && error->domain == KOUAN_API_ERROR ? kouan_api_error_get_server_code (error) : NULL;

  /* A refusal of a queued edit (kouan_store_people_take_rejection()) */
  if (error != NULL && error->domain == KOUAN_PEOPLE_ERROR)
    {
      const char *field = kouan_people_error_get_field (error);

      switch ((KouanPeopleError) error->code)
        {
        case KOUAN_PEOPLE_ERROR_LAST_ADMIN:   code = "last_admin"; break;
        case KOUAN_PEOPLE_ERROR_BUILTIN_ROLE: code = "builtin_role"; break;
        case KOUAN_PEOPLE_ERROR_NAME_TAKEN:   code = "name_taken"; break;
        case KOUAN_PEOPLE_ERROR_NOT_EMPTY:    code = "not_empty"; break;
        case KOUAN_PEOPLE_ERROR_CYCLE:        code = "cycle"; break;
        case KOUAN_PEOPLE_ERROR_FORBIDDEN:    code = "forbidden"; break;
        case KOUAN_PEOPLE_ERROR_NOT_FOUND:
          return g_strdup (_("This record no longer exists; someone may have removed it. Reopen the page to see the current records."));
        case KOUAN_PEOPLE_ERROR_INVALID:
          if (g_strcmp0 (field, "name") == 0)
            return g_strdup (_("The server did not accept the name: use 1 to 50 characters without spaces at either end."));
          if (g_strcmp0 (field, "parent_id") == 0 || g_strcmp0 (field, "department_id") == 0)
            return g_strdup (_("The chosen department no longer exists. Choose another one."));
          if (g_strcmp0 (field, "head_user_id") == 0)
            return g_strdup (_("The chosen head is no longer a member of the enterprise. Choose another one."));
          if (g_strcmp0 (field, "grants") == 0)
            return g_strdup (_("The server did not accept the roles: check that each role still exists and that no period ends before it starts."));
          G_GNUC_FALLTHROUGH;
        case KOUAN_PEOPLE_ERROR_FAILED:
        default:
          g_debug ("Edit refused: %s", error->message);
          return g_strdup (_("The server did not accept the change and kept the previous values. Check them and try again."));
        }
    }
  if (g_error_matches (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID) ||
      g_error_matches (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND))
    {
      g_debug ("Edit not queued: %s", error->message);
      return g_strdup (_("A record this change refers to was created offline and is not on the server yet, or is gone. Wait until the changes are synced, then try again."));
    }
  if (error != NULL && error->domain == KOUAN_STORE_ERROR)
    {
      g_warning ("Edit not queued: %s", error->message);
      return g_strdup (_("The change could not be saved on this computer. Try again; if it keeps failing, tell your administrator."));
    }

  /* The server's codes (docs/api.md) that a user can act on */
  if (g_strcmp0 (code, "last_admin") == 0)
    return g_strdup (_("An enterprise needs at least one active administrator. Grant the administrator role to another member first."));
  if (g_strcmp0 (code, "builtin_role") == 0)
    return g_strdup (_("The built-in administrator role always holds every permission and cannot be changed or deleted."));
  if (g_strcmp0 (code, "name_taken") == 0)
    return g_strdup (_("A role with this name already exists. Choose another name."));
  if (g_strcmp0 (code, "not_empty") == 0)
    return g_strdup (_("Only an empty department can be deleted. Move its members and sub-departments first."));
  if (g_strcmp0 (code, "cycle") == 0)
    return g_strdup (_("A department cannot move under itself or one of its sub-departments."));
  if (g_strcmp0 (code, "forbidden") == 0)
    return g_strdup (_("Your roles in this enterprise do not allow this."));

  /* the technical reason is for the log; the user reads what to do */
  g_debug ("Admin call failed: %s", error != NULL ? error->message : "(no error)");
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK) ||
      g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS))
    return g_strdup (_("The server cannot be reached, so nothing was changed. Try again when you are online."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED))
    return g_strdup (_("Your session has ended. Log in again, then repeat the change."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_FORBIDDEN))
    return g_strdup (_("Your roles in this enterprise do not allow this."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND))
    return g_strdup (_("This record no longer exists; someone may have removed it. Reopen the page to see the current records."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_BAD_REQUEST))
    return g_strdup (_("The server did not accept the values entered. Check them and try again."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
    return g_strdup (_("Too many attempts. Wait a minute, then try again."));
  return g_strdup (_("The server could not make the change. Try again later; if it keeps failing, tell your administrator."));
}

void
kouan_admin_view_notify_changed (KouanAdminView *self)
{
  g_return_if_fail (KOUAN_IS_ADMIN_VIEW (self));

  g_signal_emit (self, signals[CHANGED], 0);
}
